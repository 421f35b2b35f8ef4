//! The media library pages: the managers' list and upload form, and `/medias/{id}`, which
//! serves a file's light variant (or `/medias/{id}/original`) with range requests, so that
//! a video starts playing at once and resumes where it stopped.

use askama::Template;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use serde::Deserialize;

use super::{html, see_other, FormState, PageCtx};
use crate::app::App;
use crate::domain::attachment::{human_size, is_id, FileType};
use crate::error::{AppError, AppResult};
use crate::storage::{self, Key, Serve};
use crate::store::library::MediaRow;
use crate::web::context::Ctx;

#[derive(Template)]
#[template(path = "manage_library.html")]
struct LibraryPage {
    page: PageCtx,
    slug: String,
    programme_title: String,
    files: Vec<MediaRow>,
    form: FormState,
    message: Option<String>,
    ffmpeg: bool,
}

impl LibraryPage {
    fn size(&self, bytes: &i64) -> String {
        human_size(*bytes as u64, self.page.i.locale == crate::domain::locale::Locale::Fr)
    }
    fn light(&self, m: &MediaRow) -> String {
        let i = self.page.i;
        match (m.light_status.as_str(), m.light_bytes) {
            ("ready", Some(b)) => i.tf1("library.light_ready", "size", self.size(&b)),
            (status, _) => i.t(&format!("library.light_{status}")).to_owned(),
        }
    }
    fn markdown(&self, m: &MediaRow) -> String {
        crate::library::markdown_of(m)
    }
}

#[derive(Deserialize, Default)]
pub struct Done {
    ajoute: Option<u8>,
    supprime: Option<u8>,
}

async fn page(app: &App, ctx: &Ctx, slug: &str) -> AppResult<LibraryPage> {
    let i = ctx.i18n();
    let (p, files) = crate::library::list(app, ctx.require_user()?, slug).await?;
    Ok(LibraryPage {
        page: PageCtx::new(ctx, &i.tf1("library.title", "programme", &p.title)),
        slug: p.slug,
        programme_title: p.title,
        files,
        form: FormState::default(),
        message: None,
        ffmpeg: crate::library::ffmpeg_available().await,
    })
}

/// `/gestion/programmes/{slug}/medias`
pub async fn show(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(d): Query<Done>,
) -> AppResult<Response> {
    let i = ctx.i18n();
    let mut p = page(&app, &ctx, &slug).await?;
    p.message = match (d.ajoute, d.supprime) {
        (Some(_), _) => Some(i.t("library.added").to_owned()),
        (_, Some(_)) => Some(i.t("library.deleted").to_owned()),
        _ => None,
    };
    Ok(html(StatusCode::OK, p))
}

fn interrupted<E>(_: E) -> AppError {
    AppError::BadRequest("error.upload.interrupted")
}

/// The upload form (multipart, the CSRF token in its address): a title, then the file,
/// streamed to disk as it arrives.
pub async fn upload(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>, req: Request) -> AppResult<Response> {
    let user = ctx.require_user()?;
    let mut multipart = Multipart::from_request(req, &app).await.map_err(interrupted)?;
    let mut title = String::new();
    let mut result = Err(AppError::field("file", "error.library.no_file"));
    while let Some(field) = multipart.next_field().await.map_err(interrupted)? {
        match field.name().unwrap_or_default() {
            "title" => title = field.text().await.map_err(interrupted)?,
            "file" => {
                let name = field.file_name().unwrap_or_default().to_owned();
                if !name.is_empty() {
                    result = crate::library::upload(&app, user, &slug, &title, &name, field).await;
                }
            }
            _ => {}
        }
    }
    match result {
        Ok(_) => Ok(see_other(&format!("/gestion/programmes/{slug}/medias?ajoute=1"))),
        Err(e @ AppError::Invalid(_)) => {
            let mut p = page(&app, &ctx, &slug).await?;
            p.form = FormState::from_error(ctx.i18n(), &e);
            Ok(html(StatusCode::UNPROCESSABLE_ENTITY, p))
        }
        Err(e) => Err(e),
    }
}

pub async fn delete(State(app): State<App>, ctx: Ctx, Path((slug, id)): Path<(String, String)>) -> AppResult<Response> {
    crate::library::delete(&app, ctx.require_user()?, &slug, &id).await?;
    Ok(see_other(&format!("/gestion/programmes/{slug}/medias?supprime=1")))
}

/// The type of what is served: the light variants are JPEG images and MP4 videos; an
/// original is what its first bytes said.
fn media_type(m: &MediaRow, light: bool) -> &'static str {
    match (m.kind.as_str(), light) {
        ("image", true) => "image/jpeg",
        ("video", true) => "video/mp4",
        _ => FileType::parse(&m.original_type)
            .map(|t| t.media_type(&m.original_name))
            .unwrap_or("application/octet-stream"),
    }
}

/// Serves a stored file with ranges, conditional requests and the right type.
async fn serve_file(
    app: &App,
    key: Option<Key>,
    m: &MediaRow,
    light: bool,
    req: (Method, HeaderMap),
) -> AppResult<Response> {
    let key = key.ok_or(AppError::NotFound)?;
    let disposition = format!("inline; filename=\"{}\"", m.original_name.replace(['"', '\\'], "_"));
    let how = Serve {
        content_type: media_type(m, light),
        // Ids never change content: phones may keep the file for good.
        cache_control: "public, max-age=31536000, immutable",
        disposition: (!light).then_some(disposition.as_str()),
    };
    storage::serve(&app.storage, &key, &req.0, &req.1, how).await
}

async fn media(app: &App, id: &str) -> AppResult<MediaRow> {
    if !is_id(id) {
        return Err(AppError::NotFound);
    }
    crate::store::library::by_id(&app.db, id).await?.ok_or(AppError::NotFound)
}

/// `/medias/{id}`: the light variant when there is one, else the file itself.
pub async fn light(
    State(app): State<App>,
    Path(id): Path<String>,
    method: Method,
    headers: HeaderMap,
) -> AppResult<Response> {
    let m = media(&app, &id).await?;
    let has_light = m.light_status == "ready";
    let key = if has_light { crate::library::light_key(&m.id) } else { crate::library::original_key(&m.id) };
    serve_file(&app, key, &m, has_light, (method, headers)).await
}

/// `/medias/{id}/original`
pub async fn original(
    State(app): State<App>,
    Path(id): Path<String>,
    method: Method,
    headers: HeaderMap,
) -> AppResult<Response> {
    let m = media(&app, &id).await?;
    serve_file(&app, crate::library::original_key(&m.id), &m, false, (method, headers)).await
}
