//! A programme's media library through the API.

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ErrorBody;
use crate::app::App;
use crate::error::AppResult;
use crate::store::library::MediaRow;
use crate::web::context::Ctx;

#[derive(Serialize, ToSchema)]
pub struct Media {
    pub id: String,
    /// image, video, audio or pdf
    pub kind: String,
    pub title: String,
    pub original_name: String,
    pub original_bytes: i64,
    /// ready, pending, failed, unavailable (no ffmpeg) or none (served as it is)
    pub light_status: String,
    pub light_bytes: Option<i64>,
    /// What pages load: the light variant when ready, else the file itself.
    pub url: String,
    pub original_url: String,
    /// The Markdown that puts it in a lesson.
    pub markdown: String,
    pub created_at: i64,
}

impl From<&MediaRow> for Media {
    fn from(m: &MediaRow) -> Media {
        Media {
            id: m.id.clone(),
            kind: m.kind.clone(),
            title: m.title.clone(),
            original_name: m.original_name.clone(),
            original_bytes: m.original_bytes,
            light_status: m.light_status.clone(),
            light_bytes: m.light_bytes,
            url: format!("/medias/{}", m.id),
            original_url: format!("/medias/{}/original", m.id),
            markdown: crate::library::markdown_of(m),
            created_at: m.created_at,
        }
    }
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct MediaParams {
    /// The file's name (or the X-File-Name header).
    pub name: String,
    /// The title shown in lessons (default: the file's name).
    pub title: String,
}

/// The programme's media files, newest first.
#[utoipa::path(get, path = "/api/v1/programmes/{slug}/media", tag = "programmes", params(("slug" = String, Path)),
    security(("session" = []), ("token" = [])), responses((status = 200, body = Vec<Media>), (status = 403, body = ErrorBody)))]
pub async fn list(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>) -> AppResult<Json<Vec<Media>>> {
    let (_, files) = crate::library::list(&app, ctx.require_user()?, &slug).await?;
    Ok(Json(files.iter().map(Media::from).collect()))
}

/// Add a file to the library: the raw bytes as the body, 200 MB at most (JPEG, PNG, WebP,
/// MP4, MP3 or PDF, recognised from the content). Images get their light variant at once,
/// videos in the background (`light_status` "pending").
#[utoipa::path(post, path = "/api/v1/programmes/{slug}/media", tag = "programmes", params(("slug" = String, Path), MediaParams),
    request_body(content = String, content_type = "application/octet-stream", description = "the file's bytes"),
    security(("session" = []), ("token" = [])),
    responses((status = 201, body = Media), (status = 422, body = ErrorBody, description = "wrong type or too large")))]
pub async fn upload(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(p): Query<MediaParams>,
    headers: HeaderMap,
    body: Body,
) -> AppResult<(StatusCode, Json<Media>)> {
    let name = match p.name.trim() {
        "" => headers.get("x-file-name").and_then(|v| v.to_str().ok()).unwrap_or("fichier").to_owned(),
        n => n.to_owned(),
    };
    let row =
        crate::library::upload(&app, ctx.require_user()?, &slug, &p.title, &name, body.into_data_stream()).await?;
    Ok((StatusCode::CREATED, Json(Media::from(&row))))
}

/// Delete a file of the library (lessons that link to it lose it).
#[utoipa::path(delete, path = "/api/v1/programmes/{slug}/media/{id}", tag = "programmes",
    params(("slug" = String, Path), ("id" = String, Path)), security(("session" = []), ("token" = [])),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn delete(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    crate::library::delete(&app, ctx.require_user()?, &slug, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
