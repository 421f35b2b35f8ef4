//! Turning an [`AppError`] into a response, in one place.
//!
//! A handler returns `Err(AppError)`; `IntoResponse` only records it in the response's
//! extensions. The context middleware, which knows the viewer's language and whether the
//! request was for the API, then renders it as the JSON error shape of DESIGN.md or as an
//! HTML page. Errors produced outside our handlers (unknown route, wrong method, body
//! limit) arrive as bare 4xx responses and are rendered the same way.

use std::sync::Arc;

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde_json::json;

use super::context::Ctx;
use super::pages::PageCtx;
pub use crate::error::{AppError, AppResult};

/// What the middleware needs to render an error later.
#[derive(Clone)]
pub struct PendingError {
    pub status: u16,
    pub code: &'static str,
    pub message_key: &'static str,
    pub fields: Vec<(String, &'static str)>,
    /// Sentences already in the reader's language (e.g. failed eligibility rules).
    pub details: Vec<String>,
    pub retry_after: Option<i64>,
    /// Values for the placeholders of the message (e.g. the offset to resume from).
    pub args: Vec<(&'static str, String)>,
}

impl From<&AppError> for PendingError {
    fn from(e: &AppError) -> Self {
        PendingError {
            status: e.status(),
            code: e.code(),
            message_key: e.message_key(),
            fields: match e {
                AppError::Answers(a) => a.iter().map(|(k, v)| (k.clone(), *v)).collect(),
                _ => e.fields().into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
            },
            details: match e {
                AppError::Ineligible(d) => d.clone(),
                AppError::Infeasible(d) => vec![d.clone()],
                _ => vec![],
            },
            retry_after: match e {
                AppError::TooManyAttempts { retry_after_secs } => Some(*retry_after_secs),
                _ => None,
            },
            args: e.message_args(),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(e) = &self {
            tracing::error!(error = ?e, "internal error");
        } else {
            tracing::debug!(error = %self, "request refused");
        }
        let pending = PendingError::from(&self);
        let status = StatusCode::from_u16(pending.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut resp = status.into_response();
        resp.extensions_mut().insert(Arc::new(pending));
        resp
    }
}

/// A pending error for a bare 4xx/5xx that did not come from our handlers.
pub fn pending_for_status(status: StatusCode) -> PendingError {
    let e = match status.as_u16() {
        404 => AppError::NotFound,
        405 => AppError::MethodNotAllowed,
        413 => AppError::PayloadTooLarge,
        415 => AppError::UnsupportedMediaType,
        400 | 422 => AppError::MalformedBody(String::new()),
        401 => AppError::Unauthenticated,
        403 => AppError::Forbidden,
        s if s < 500 => AppError::BadRequest("error.bad_request"),
        _ => AppError::Internal(anyhow::anyhow!("status {status}")),
    };
    PendingError::from(&e)
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    page: PageCtx,
    message: String,
    fields: Vec<(String, &'a str)>,
    status: u16,
}

/// Renders a pending error for the viewer.
pub fn render(ctx: &Ctx, err: &PendingError, api: bool) -> Response {
    let i = ctx.i18n();
    let status = StatusCode::from_u16(err.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut message = match err.retry_after {
        Some(secs) => i.tf(err.message_key, &[("minutes", &((secs + 59) / 60).to_string())]),
        None => {
            let args: Vec<(&str, &str)> = err.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            i.tf(err.message_key, &args)
        }
    };
    for d in &err.details {
        message.push(' ');
        message.push_str(d);
    }
    let mut resp = if api {
        let fields: serde_json::Map<String, serde_json::Value> =
            err.fields.iter().map(|(f, k)| (f.clone(), json!(i.t(k)))).collect();
        (status, axum::Json(json!({"error": {"code": err.code, "message": message, "fields": fields}}))).into_response()
    } else {
        let page = ErrorPage {
            page: PageCtx::new(ctx, i.t("error.title")),
            fields: err.fields.iter().map(|(f, k)| (f.clone(), i.t(k))).collect(),
            message,
            status: err.status,
        };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(e) => {
                tracing::error!(error = %e, "cannot render the error page");
                status.into_response()
            }
        }
    };
    if let Some(secs) = err.retry_after {
        if let Ok(v) = secs.to_string().parse() {
            resp.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
        }
    }
    resp
}
