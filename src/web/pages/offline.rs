//! `/hors-ligne`: what the service worker shows when a page cannot be reached. It is kept on
//! the phone at installation, so it carries nobody's name nor any form token: only the
//! lessons kept on this phone, listed by `offline.js` from the cache.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;

use super::html;
use crate::i18n::I18n;
use crate::web::context::Ctx;

#[derive(Template)]
#[template(path = "offline.html")]
struct OfflinePage {
    i: I18n,
    css: String,
    script: String,
}

pub async fn show(ctx: Ctx) -> Response {
    html(
        StatusCode::OK,
        OfflinePage { i: ctx.i18n(), css: crate::web::assets::css_url(), script: crate::web::assets::offline_url() },
    )
}
