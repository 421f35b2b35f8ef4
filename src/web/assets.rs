//! The one stylesheet and the small scripts, embedded, served under content-hashed names
//! with a long cache lifetime, so a phone downloads each once per release.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

static CSS: &str = include_str!("../../assets/site.css");
static ICON: &str = include_str!("../../assets/icon.svg");
static AUTOSAVE: &str = include_str!("../../assets/autosave.js");
static OFFLINE: &str = include_str!("../../assets/offline.js");
static SERVICE_WORKER: &str = include_str!("../../assets/sw.js");
static QUEUE: &str = include_str!("../../assets/queue.js");

/// A short content hash for a file name: a new release gets a new name.
fn hashed(stem: &str, ext: &str, content: &str) -> String {
    let h = Sha256::digest(content.as_bytes());
    format!("{stem}.{:02x}{:02x}{:02x}{:02x}{:02x}.{ext}", h[0], h[1], h[2], h[3], h[4])
}

/// `offline.<hash>.js`, loaded by the course pages and the offline page.
pub static OFFLINE_NAME: LazyLock<String> = LazyLock::new(|| hashed("offline", "js", OFFLINE));

pub fn offline_url() -> String {
    format!("/static/{}", *OFFLINE_NAME)
}

/// `queue.<hash>.js`: the exercise page's queue of work written offline.
pub static QUEUE_NAME: LazyLock<String> = LazyLock::new(|| hashed("queue", "js", QUEUE));

pub fn queue_url() -> String {
    format!("/static/{}", *QUEUE_NAME)
}

/// The pages the service worker keeps from its installation: what the offline page and an
/// exercise page opened offline need.
fn shell() -> Vec<String> {
    vec![css_url(), offline_url(), queue_url(), ICON_URL.to_owned(), "/hors-ligne".to_owned()]
}

/// The service worker, with the shell's current names; its version changes with them, so
/// a release replaces the old shell on the phones.
static SERVICE_WORKER_BODY: LazyLock<String> = LazyLock::new(|| {
    let shell = serde_json::to_string(&shell()).unwrap_or_else(|_| "[]".into());
    let version = hashed("v", "sw", &format!("{SERVICE_WORKER}{shell}"));
    SERVICE_WORKER.replace("__VERSION__", &version).replace("__SHELL__", &shell)
});

/// `/sw.js`: at the root so that it may serve every page; never cached by the browser's
/// HTTP cache, so that a new release is picked up at the next visit.
pub async fn service_worker() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "no-cache")],
        SERVICE_WORKER_BODY.as_str(),
    )
        .into_response()
}
static UPLOAD: &str = include_str!("../../assets/upload.js");

/// `autosave.<hash>.js`, loaded only by the application page.
pub static AUTOSAVE_NAME: LazyLock<String> = LazyLock::new(|| hashed("autosave", "js", AUTOSAVE));

pub fn autosave_url() -> String {
    format!("/static/{}", *AUTOSAVE_NAME)
}

/// `upload.<hash>.js`: resumable uploads for `<input type="file" data-resumable="…">`.
pub static UPLOAD_NAME: LazyLock<String> = LazyLock::new(|| hashed("upload", "js", UPLOAD));

pub fn upload_url() -> String {
    format!("/static/{}", *UPLOAD_NAME)
}

/// The icon never changes name: browsers also ask for `/favicon.ico` on their own.
pub const ICON_URL: &str = "/static/icon.svg";

/// `site.<hash>.css`
pub static CSS_NAME: LazyLock<String> = LazyLock::new(|| hashed("site", "css", CSS));

pub fn css_url() -> String {
    format!("/static/{}", *CSS_NAME)
}

pub async fn serve(Path(file): Path<String>) -> Response {
    if file == *CSS_NAME {
        (
            [
                (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            CSS,
        )
            .into_response()
    } else if file == *AUTOSAVE_NAME {
        script(AUTOSAVE)
    } else if file == *OFFLINE_NAME {
        script(OFFLINE)
    } else if file == *UPLOAD_NAME {
        script(UPLOAD)
    } else if file == *QUEUE_NAME {
        script(QUEUE)
    } else if file == "icon.svg" {
        icon().await
    } else {
        StatusCode::NOT_FOUND.into_response()
    }
}

fn script(source: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        source,
    )
        .into_response()
}

pub async fn icon() -> Response {
    ([(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, "public, max-age=604800")], ICON).into_response()
}
