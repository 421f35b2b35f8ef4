//! Resumable uploads over HTTP, following tus 1.0.0 (<https://tus.io/protocols/resumable-upload>)
//! with the creation, expiration, checksum and termination extensions. The handlers read
//! headers and hand the body, as a stream, to `crate::uploads`. Refusals are the API's JSON
//! errors with the status the protocol prescribes (409 wrong offset, 460 checksum mismatch,
//! 410 expired...); every answer under `/api/v1/uploads` carries `Tus-Resumable`
//! (`tus_headers`).

use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use super::ErrorBody;
use crate::app::App;
use crate::domain::tus::{self, header as tus_header, TUS_VERSION};
use crate::error::AppResult;
use crate::store::uploads::UploadRow;
use crate::web::context::Ctx;

const BASE: &str = "/api/v1/uploads";

/// A header's value as text, `""` when absent or not text (the protocol's parsers refuse it
/// where it is required).
fn h<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

/// An answer with protocol headers (names as the protocol spells them; `http` lowers them).
/// Values come from numbers, our own dates or re-encoded metadata; one that is not a valid
/// header value is left out rather than failing.
fn answer(status: StatusCode, headers: Vec<(&'static str, String)>) -> Response {
    let mut resp = status.into_response();
    for (name, value) in headers {
        if let (Ok(n), Ok(v)) = (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(&value)) {
            resp.headers_mut().insert(n, v);
        }
    }
    resp
}

/// `Upload-Offset` and, for an unfinished upload, `Upload-Expires`.
fn progress_headers(row: &UploadRow) -> Vec<(&'static str, String)> {
    let u = row.upload();
    let mut v = vec![(tus_header::UPLOAD_OFFSET, u.offset().to_string())];
    v.extend(u.expires_header().map(|e| (tus_header::UPLOAD_EXPIRES, e)));
    v
}

/// Adds `Tus-Resumable` to every answer under `/api/v1/uploads`, errors included (they are
/// rendered after the handlers, by the context middleware), and `Tus-Version` to a 412.
pub async fn tus_headers(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let ours = path == BASE || path.starts_with("/api/v1/uploads/");
    let mut resp = next.run(req).await;
    if ours {
        let headers = resp.headers_mut();
        headers.insert("tus-resumable", HeaderValue::from_static(TUS_VERSION));
        if resp.status() == StatusCode::PRECONDITION_FAILED {
            resp.headers_mut().insert("tus-version", HeaderValue::from_static(TUS_VERSION));
        }
    }
    resp
}

/// What this server speaks: version, extensions, largest upload, checksum algorithms. No
/// sign-in needed.
#[utoipa::path(options, path = "/api/v1/uploads", tag = "uploads",
    responses((status = 204, description = "the protocol's capabilities", headers(
        ("Tus-Version" = String, description = "1.0.0"),
        ("Tus-Extension" = String, description = "creation,expiration,checksum,termination"),
        ("Tus-Max-Size" = u64, description = "largest upload in bytes"),
        ("Tus-Checksum-Algorithm" = String, description = "sha1,sha256")))))]
pub async fn options(State(app): State<App>) -> Response {
    answer(StatusCode::NO_CONTENT, tus::options_headers(crate::uploads::max_size(&app)).to_vec())
}

/// Start a resumable upload (tus creation). `Upload-Metadata` must carry `purpose`
/// (`exercise`); `filename` and `filetype` are kept as the client's word (the type is
/// recognised from the content). Then send the bytes with `PATCH` at the returned address.
#[utoipa::path(post, path = "/api/v1/uploads", tag = "uploads",
    params(
        ("Tus-Resumable" = String, Header, description = "1.0.0"),
        ("Upload-Length" = u64, Header, description = "the file's size in bytes"),
        ("Upload-Metadata" = String, Header,
            description = "comma-separated `key base64(value)`: purpose (required, e.g. exercise), filename, filetype")),
    security(("session" = []), ("token" = [])),
    responses(
        (status = 201, description = "created", headers(
            ("Location" = String, description = "/api/v1/uploads/{id}"),
            ("Upload-Expires" = String, description = "when the unfinished upload is removed"))),
        (status = 400, body = ErrorBody, description = "missing or malformed Upload-Length or Upload-Metadata"),
        (status = 401, body = ErrorBody),
        (status = 412, body = ErrorBody, description = "Tus-Resumable is not 1.0.0"),
        (status = 413, body = ErrorBody, description = "above the maximum size"),
        (status = 422, body = ErrorBody, description = "unknown purpose or empty file")))]
pub async fn create(State(app): State<App>, ctx: Ctx, headers: HeaderMap) -> AppResult<Response> {
    tus::check_version(h(&headers, tus_header::TUS_RESUMABLE))?;
    let user = ctx.require_user()?;
    let row = crate::uploads::create(
        &app,
        user,
        h(&headers, tus_header::UPLOAD_LENGTH),
        h(&headers, tus_header::UPLOAD_METADATA),
    )
    .await?;
    let mut v = vec![("Location", format!("{BASE}/{}", row.id))];
    v.extend(row.upload().expires_header().map(|e| (tus_header::UPLOAD_EXPIRES, e)));
    Ok(answer(StatusCode::CREATED, v))
}

/// Where to resume: `Upload-Offset` is how many bytes have arrived (the owner only).
#[utoipa::path(head, path = "/api/v1/uploads/{id}", tag = "uploads",
    params(("id" = String, Path), ("Tus-Resumable" = String, Header, description = "1.0.0")),
    security(("session" = []), ("token" = [])),
    responses(
        (status = 200, description = "no body", headers(
            ("Upload-Offset" = u64), ("Upload-Length" = u64), ("Upload-Metadata" = String),
            ("Upload-Expires" = String, description = "for an unfinished upload"),
            ("Cache-Control" = String, description = "no-store"))),
        (status = 404, body = ErrorBody), (status = 410, body = ErrorBody, description = "expired")))]
pub async fn head(State(app): State<App>, ctx: Ctx, Path(id): Path<String>, headers: HeaderMap) -> AppResult<Response> {
    tus::check_version(h(&headers, tus_header::TUS_RESUMABLE))?;
    let row = crate::uploads::offset(&app, ctx.require_user()?, &id).await?;
    let mut v = progress_headers(&row);
    v.push((tus_header::UPLOAD_LENGTH, row.upload_length.to_string()));
    v.push(("Cache-Control", "no-store".into()));
    let metadata = row.metadata();
    if !metadata.is_empty() {
        v.push((tus_header::UPLOAD_METADATA, metadata.encode()));
    }
    Ok(answer(StatusCode::OK, v))
}

/// Send the next bytes (the owner only). `Upload-Offset` must be the offset `HEAD` gives;
/// at most 8 MB per request. If the connection drops, the bytes that arrived are kept:
/// ask `HEAD` and go on from there. With `Upload-Checksum` (sha1 or sha256 of this body)
/// the piece is kept only whole and intact (460 otherwise, nothing kept).
#[utoipa::path(patch, path = "/api/v1/uploads/{id}", tag = "uploads",
    params(("id" = String, Path), ("Tus-Resumable" = String, Header, description = "1.0.0"),
        ("Upload-Offset" = u64, Header),
        ("Upload-Checksum" = Option<String>, Header, description = "e.g. `sha256 <base64 digest>`")),
    request_body(content = String, content_type = "application/offset+octet-stream", description = "the bytes"),
    security(("session" = []), ("token" = [])),
    responses(
        (status = 204, description = "kept", headers(
            ("Upload-Offset" = u64, description = "the new offset"),
            ("Upload-Expires" = String, description = "for an unfinished upload"))),
        (status = 400, body = ErrorBody, description = "malformed Upload-Offset or Upload-Checksum"),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "wrong offset (ask HEAD), or already complete"),
        (status = 410, body = ErrorBody, description = "expired"),
        (status = 413, body = ErrorBody, description = "more than 8 MB, or past the upload's length"),
        (status = 415, body = ErrorBody, description = "not application/offset+octet-stream"),
        (status = 422, body = ErrorBody, description = "the file's type is not accepted (the upload is removed)"),
        (status = 460, body = ErrorBody, description = "checksum mismatch: nothing kept")))]
pub async fn patch(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> AppResult<Response> {
    tus::check_version(h(&headers, tus_header::TUS_RESUMABLE))?;
    let user = ctx.require_user()?;
    let piece = crate::uploads::Piece {
        upload_offset: h(&headers, tus_header::UPLOAD_OFFSET),
        content_type: h(&headers, header::CONTENT_TYPE.as_str()),
        upload_checksum: headers.get("upload-checksum").map(|v| v.to_str().unwrap_or("")),
        content_length: h(&headers, header::CONTENT_LENGTH.as_str()).parse().ok(),
    };
    let row = crate::uploads::append(&app, user, &id, piece, body.into_data_stream()).await?;
    Ok(answer(StatusCode::NO_CONTENT, progress_headers(&row)))
}

/// Abandon an upload (tus termination): its bytes are removed (the owner only).
#[utoipa::path(delete, path = "/api/v1/uploads/{id}", tag = "uploads",
    params(("id" = String, Path), ("Tus-Resumable" = String, Header, description = "1.0.0")),
    security(("session" = []), ("token" = [])),
    responses((status = 204, description = "removed"), (status = 404, body = ErrorBody)))]
pub async fn terminate(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> AppResult<StatusCode> {
    tus::check_version(h(&headers, tus_header::TUS_RESUMABLE))?;
    crate::uploads::terminate(&app, ctx.require_user()?, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct UploadInfo {
    /// Refer to the finished file by this id.
    pub id: String,
    /// What it is for, e.g. exercise.
    pub purpose: String,
    /// The file's name, as the client gave it (cleaned).
    pub name: String,
    pub length: i64,
    pub offset: i64,
    pub complete: bool,
    /// Recognised from the content once complete: pdf, jpeg, png, webp, document,
    /// spreadsheet, mp4 or mp3.
    #[serde(rename = "type")]
    pub file_type: Option<String>,
    /// SHA-256 of the finished file, in hexadecimal.
    pub sha256: Option<String>,
    /// Unix seconds after which an unfinished upload is removed.
    pub expires_at: Option<i64>,
}

impl From<&UploadRow> for UploadInfo {
    fn from(r: &UploadRow) -> Self {
        UploadInfo {
            id: r.id.clone(),
            purpose: r.purpose.clone(),
            name: r.filename.clone(),
            length: r.upload_length,
            offset: r.upload_offset,
            complete: r.completed_at.is_some(),
            file_type: r.detected_type.clone(),
            sha256: r.sha256.clone(),
            expires_at: r.completed_at.is_none().then_some(r.expires_at),
        }
    }
}

/// An upload as JSON (the owner only): progress, then the recognised type and digest of
/// the finished file.
#[utoipa::path(get, path = "/api/v1/uploads/{id}", tag = "uploads", params(("id" = String, Path)),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = UploadInfo), (status = 404, body = ErrorBody),
        (status = 410, body = ErrorBody, description = "expired")))]
pub async fn info(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Json<UploadInfo>> {
    let row = crate::uploads::get(&app, ctx.require_user()?, &id).await?;
    Ok(Json(UploadInfo::from(&row)))
}
