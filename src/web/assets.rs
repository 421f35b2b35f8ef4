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
static UPLOAD: &str = include_str!("../../assets/upload.js");

/// `autosave.<hash>.js`, loaded only by the application page.
pub static AUTOSAVE_NAME: LazyLock<String> = LazyLock::new(|| {
    let h = Sha256::digest(AUTOSAVE.as_bytes());
    format!("autosave.{:02x}{:02x}{:02x}{:02x}{:02x}.js", h[0], h[1], h[2], h[3], h[4])
});

pub fn autosave_url() -> String {
    format!("/static/{}", *AUTOSAVE_NAME)
}

/// `upload.<hash>.js`: resumable uploads for `<input type="file" data-resumable="…">`.
pub static UPLOAD_NAME: LazyLock<String> = LazyLock::new(|| {
    let h = Sha256::digest(UPLOAD.as_bytes());
    format!("upload.{:02x}{:02x}{:02x}{:02x}{:02x}.js", h[0], h[1], h[2], h[3], h[4])
});

pub fn upload_url() -> String {
    format!("/static/{}", *UPLOAD_NAME)
}

/// The icon never changes name: browsers also ask for `/favicon.ico` on their own.
pub const ICON_URL: &str = "/static/icon.svg";

/// `site.<hash>.css`
pub static CSS_NAME: LazyLock<String> = LazyLock::new(|| {
    let h = Sha256::digest(CSS.as_bytes());
    format!("site.{:02x}{:02x}{:02x}{:02x}{:02x}.css", h[0], h[1], h[2], h[3], h[4])
});

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
    } else if file == *UPLOAD_NAME {
        script(UPLOAD)
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
