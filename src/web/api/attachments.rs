//! Files answering file questions: sent as the raw body of a request, downloaded by the
//! applicant and the call's managers.

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ErrorBody;
use crate::app::App;
use crate::error::{AppError, AppResult};
use crate::storage::{self, Serve};
use crate::store::attachments::AttachmentRow;
use crate::web::context::Ctx;

#[derive(Serialize, ToSchema)]
pub struct Attachment {
    /// Put this id as the answer to the question.
    pub id: String,
    pub question: String,
    pub name: String,
    /// Recognised from the content: pdf, jpeg, png, webp, document, spreadsheet, mp4 or mp3.
    #[serde(rename = "type")]
    pub file_type: String,
    pub size: i64,
    /// SHA-256 of the bytes, in hexadecimal.
    pub sha256: String,
    /// Where to download it (applicant and the call's managers).
    pub url: String,
}

impl From<&AttachmentRow> for Attachment {
    fn from(a: &AttachmentRow) -> Self {
        Attachment {
            id: a.id.clone(),
            question: a.question_id.clone(),
            name: a.name.clone(),
            file_type: a.file_type.clone(),
            size: a.size,
            sha256: a.sha256.clone(),
            url: format!("/api/v1/files/{}", a.id),
        }
    }
}

#[derive(Deserialize, IntoParams)]
pub struct UploadParams {
    /// The file's name (else the `X-File-Name` header, percent-encoded).
    pub name: Option<String>,
}

/// The file's name: `?name=`, else the percent-encoded `X-File-Name` header.
fn file_name(params: &UploadParams, headers: &HeaderMap) -> String {
    if let Some(n) = params.name.as_deref().filter(|n| !n.trim().is_empty()) {
        return n.to_owned();
    }
    headers
        .get("x-file-name")
        .and_then(|v| v.to_str().ok())
        .map(|v| url::form_urlencoded::parse(format!("n={v}").as_bytes()).map(|(_, v)| v.into_owned()).collect())
        .unwrap_or_default()
}

/// Send a file answering a file question of my application: the raw bytes as the body (any
/// content type but the form ones; the type is recognised from the content). The answer to
/// the question is not changed: save the draft with the returned id as the answer.
#[utoipa::path(post, path = "/api/v1/calls/{slug}/application/files/{question}", tag = "applications",
    params(("slug" = String, Path), ("question" = String, Path), UploadParams),
    request_body(content = String, content_type = "application/octet-stream", description = "the file's bytes"),
    security(("session" = []), ("token" = [])),
    responses((status = 201, body = Attachment), (status = 400, body = ErrorBody, description = "call closed"),
        (status = 422, body = ErrorBody, description = "wrong type, too large, empty, or not a file question")))]
pub async fn upload(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, question)): Path<(String, String)>,
    Query(params): Query<UploadParams>,
    headers: HeaderMap,
    body: Body,
) -> AppResult<(StatusCode, Json<Attachment>)> {
    let user = ctx.require_user()?;
    let name = file_name(&params, &headers);
    let row = crate::attachments::receive(&app, user, &slug, &question, &name, body.into_data_stream())
        .await
        .map_err(|e| super::programmes::apply_error(&ctx, e))?;
    Ok((StatusCode::CREATED, Json(Attachment::from(&row))))
}

/// Download a file sent with an application (its applicant, or a manager of the call).
#[utoipa::path(get, path = "/api/v1/files/{id}", tag = "applications", params(("id" = String, Path)),
    security(("session" = []), ("token" = [])),
    responses((status = 200, description = "the file's bytes", content_type = "application/octet-stream"), (status = 404, body = ErrorBody)))]
pub async fn download(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    method: Method,
    headers: HeaderMap,
) -> AppResult<Response> {
    let a = crate::attachments::readable(&app, ctx.require_user()?, &id).await?;
    let key = crate::attachments::key_of(&a.id).ok_or(AppError::NotFound)?;
    let media_type = a.file_type().map(|t| t.media_type(&a.name)).unwrap_or("application/octet-stream");
    let disposition = content_disposition(&a.name);
    let how = Serve { content_type: media_type, cache_control: "private, no-store", disposition: Some(&disposition) };
    storage::serve(&app.storage, &key, &method, &headers, how).await
}

/// `attachment` with an ASCII fallback name and the exact UTF-8 name (RFC 6266 / 5987).
fn content_disposition(name: &str) -> String {
    let ascii: String =
        name.chars().map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' }).collect();
    let encoded: String = url::form_urlencoded::byte_serialize(name.as_bytes()).collect::<String>().replace('+', "%20");
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_survive_the_header() {
        assert_eq!(
            super::content_disposition("Résumé projet.pdf"),
            "attachment; filename=\"R_sum_ projet.pdf\"; filename*=UTF-8''R%C3%A9sum%C3%A9%20projet.pdf"
        );
    }
}
