//! One error type for everything a request can run into. Each variant knows its HTTP
//! status, a stable code for API clients and the catalogue key of the message shown to the
//! person; `web::error` turns it into JSON or an HTML page in the viewer's language.

use std::collections::BTreeMap;

use crate::domain::tus::TusError;
use crate::store::accounts::LinkProblem;

/// Field name → catalogue key of what is wrong with it.
pub type FieldErrors = BTreeMap<&'static str, &'static str>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("invalid input: {0:?}")]
    Invalid(FieldErrors),
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    /// Answers to a form: question id → catalogue key.
    #[error("invalid answers: {0:?}")]
    Answers(BTreeMap<String, &'static str>),
    /// Eligibility rules failed, as sentences already in the reader's language.
    #[error("not eligible: {0:?}")]
    Ineligible(Vec<String>),
    /// No selection meets the rules: which one to relax, already in the reader's language.
    #[error("no selection meets the rules: {0}")]
    Infeasible(String),
    #[error("authentication required")]
    Unauthenticated,
    #[error("wrong e-mail or password")]
    BadCredentials,
    #[error("e-mail address not confirmed")]
    NotConfirmed,
    #[error("forbidden")]
    Forbidden,
    /// Forbidden, with the reason the person should read (a course module not yet open...).
    #[error("refused: {0}")]
    Refused(&'static str),
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("conflict on {field}: {key}")]
    Conflict { field: &'static str, key: &'static str },
    #[error("link refused: {0:?}")]
    Link(LinkProblem),
    #[error("too many attempts; retry after {retry_after_secs}s")]
    TooManyAttempts { retry_after_secs: i64 },
    #[error("missing or wrong CSRF token")]
    Csrf,
    #[error("request body too large")]
    PayloadTooLarge,
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("malformed body: {0}")]
    MalformedBody(String),
    /// A request of the resumable upload protocol refused, with the status the protocol
    /// prescribes (409 for a wrong offset, 460 for a checksum mismatch...).
    #[error("upload refused: {0}")]
    Upload(#[from] TusError),
    /// One `PATCH` of a resumable upload carries more than `max_mb` MB.
    #[error("upload piece above {max_mb} MB")]
    ChunkTooLarge { max_mb: u64 },
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        AppError::Internal(e.into())
    }
}

impl AppError {
    pub fn field(field: &'static str, key: &'static str) -> AppError {
        AppError::Invalid(BTreeMap::from([(field, key)]))
    }

    pub fn status(&self) -> u16 {
        match self {
            AppError::Invalid(_) | AppError::Answers(_) | AppError::Ineligible(_) | AppError::Infeasible(_) => 422,
            AppError::BadRequest(_) | AppError::MalformedBody(_) => 400,
            AppError::Unauthenticated | AppError::BadCredentials => 401,
            AppError::NotConfirmed | AppError::Forbidden | AppError::Refused(_) | AppError::Csrf => 403,
            AppError::NotFound => 404,
            AppError::MethodNotAllowed => 405,
            AppError::Conflict { .. } => 409,
            AppError::Link(LinkProblem::Unknown) => 400,
            AppError::Link(_) => 410,
            AppError::PayloadTooLarge | AppError::ChunkTooLarge { .. } => 413,
            AppError::Upload(e) => e.status(),
            AppError::UnsupportedMediaType => 415,
            AppError::TooManyAttempts { .. } => 429,
            AppError::Internal(_) => 500,
        }
    }

    /// Stable machine-readable code of the JSON error shape.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Invalid(_) | AppError::Answers(_) => "invalid_input",
            AppError::Ineligible(_) => "not_eligible",
            AppError::Infeasible(_) => "infeasible",
            AppError::BadRequest(_) => "bad_request",
            AppError::MalformedBody(_) => "malformed_body",
            AppError::Unauthenticated => "unauthenticated",
            AppError::BadCredentials => "invalid_credentials",
            AppError::NotConfirmed => "email_not_confirmed",
            AppError::Forbidden | AppError::Refused(_) => "forbidden",
            AppError::NotFound => "not_found",
            AppError::MethodNotAllowed => "method_not_allowed",
            AppError::Conflict { .. } => "conflict",
            AppError::Link(LinkProblem::Unknown) => "invalid_link",
            AppError::Link(LinkProblem::Expired) => "link_expired",
            AppError::Link(LinkProblem::AlreadyUsed) => "link_already_used",
            AppError::TooManyAttempts { .. } => "too_many_attempts",
            AppError::Csrf => "csrf_failed",
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::UnsupportedMediaType => "unsupported_media_type",
            AppError::Upload(e) => upload_code(e),
            AppError::ChunkTooLarge { .. } => "upload_chunk_too_large",
            AppError::Internal(_) => "internal_error",
        }
    }

    /// Catalogue key of the headline message.
    pub fn message_key(&self) -> &'static str {
        match self {
            AppError::Invalid(_) | AppError::Answers(_) => "error.invalid",
            AppError::Ineligible(_) => "error.application.ineligible",
            AppError::Infeasible(_) => "error.selection.infeasible",
            AppError::BadRequest(k) => k,
            AppError::MalformedBody(_) => "error.malformed_body",
            AppError::Unauthenticated => "error.unauthenticated",
            AppError::BadCredentials => "error.bad_credentials",
            AppError::NotConfirmed => "error.not_confirmed",
            AppError::Forbidden => "error.forbidden",
            AppError::Refused(key) => key,
            AppError::NotFound => "error.not_found",
            AppError::MethodNotAllowed => "error.method_not_allowed",
            AppError::Conflict { key, .. } => key,
            AppError::Link(LinkProblem::Unknown) => "error.link.unknown",
            AppError::Link(LinkProblem::Expired) => "error.link.expired",
            AppError::Link(LinkProblem::AlreadyUsed) => "error.link.used",
            AppError::TooManyAttempts { .. } => "error.too_many_attempts",
            AppError::Csrf => "error.csrf",
            AppError::PayloadTooLarge => "error.payload_too_large",
            AppError::UnsupportedMediaType => "error.unsupported_media_type",
            AppError::Upload(e) => e.message_key(),
            AppError::ChunkTooLarge { .. } => "error.upload.chunk_too_large",
            AppError::Internal(_) => "error.internal",
        }
    }

    /// Values for the `{name}` placeholders of the message.
    pub fn message_args(&self) -> Vec<(&'static str, String)> {
        match self {
            AppError::Upload(e) => e.message_args(),
            AppError::ChunkTooLarge { max_mb } => vec![("max", max_mb.to_string())],
            _ => vec![],
        }
    }

    /// Field-level messages (catalogue keys), for forms and the API's `fields`.
    pub fn fields(&self) -> FieldErrors {
        match self {
            AppError::Invalid(f) => f.clone(),
            AppError::Conflict { field, key } => BTreeMap::from([(*field, *key)]),
            _ => BTreeMap::new(),
        }
    }
}

/// Stable codes of refused upload requests, one per protocol error.
fn upload_code(e: &TusError) -> &'static str {
    match e {
        TusError::UnsupportedVersion => "tus_version",
        TusError::BadLength => "bad_upload_length",
        TusError::TooLarge { .. } => "upload_too_large",
        TusError::BadOffset => "bad_upload_offset",
        TusError::OffsetMismatch { .. } => "offset_mismatch",
        TusError::BadMetadata => "bad_upload_metadata",
        TusError::BadChecksum => "bad_checksum",
        TusError::UnsupportedChecksum(_) => "checksum_algorithm",
        TusError::ChecksumMismatch => "checksum_mismatch",
        TusError::ContentType => "unsupported_media_type",
        TusError::Expired => "upload_expired",
        TusError::Complete => "upload_complete",
        TusError::PastEnd { .. } => "past_upload_length",
    }
}

pub type AppResult<T> = Result<T, AppError>;
