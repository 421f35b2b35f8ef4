//! "Rechercher": full-text search over public programmes, testimonials and report forewords.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::{html, PageCtx};
use crate::app::App;
use crate::domain::locale::Locale;
use crate::domain::programme::localized;
use crate::domain::search::{self, Query as SearchQuery};
use crate::domain::search_index::IndexedDoc;
use crate::error::AppResult;
use crate::i18n::I18n;
use crate::store::search::PAGE_SIZE;
use crate::web::context::Ctx;

#[derive(Deserialize, Default)]
pub struct SearchParams {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub page: Option<String>,
}

impl SearchParams {
    /// Pages are counted from 1 in addresses; anything else means the first page.
    pub fn page_index(&self) -> i64 {
        self.page
            .as_deref()
            .and_then(|p| p.parse::<i64>().ok())
            .filter(|p| (1..=1000).contains(p))
            .map(|p| p - 1)
            .unwrap_or(0)
    }
}

pub struct Result_ {
    pub kind: &'static str,
    pub title: String,
    pub url: String,
    pub snippet: String,
}

pub fn present(i: I18n, q: &SearchQuery, hits: Vec<&IndexedDoc>) -> Vec<Result_> {
    let en = i.locale == Locale::En;
    hits.into_iter()
        .map(|h| {
            let body = localized(&h.body, &h.body_en, en);
            Result_ {
                kind: i.t(&format!("search.kind.{}", h.kind)),
                title: localized(&h.title, &h.title_en, en).to_owned(),
                snippet: search::snippet(body, q, 30),
                url: h.url.clone(),
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    page: PageCtx,
    q: String,
    error: Option<&'static str>,
    results: Vec<Result_>,
    total: i64,
    current: i64,
    pages: i64,
    q_encoded: String,
}

pub async fn search_page(State(app): State<App>, ctx: Ctx, Query(params): Query<SearchParams>) -> AppResult<Response> {
    let i = ctx.i18n();
    let page_index = params.page_index();
    let mut view = SearchPage {
        page: PageCtx::new(&ctx, i.t("search.title")),
        q: params.q.chars().take(search::MAX_QUERY_CHARS + 50).collect(),
        error: None,
        results: vec![],
        total: 0,
        current: page_index + 1,
        pages: 0,
        q_encoded: url::form_urlencoded::byte_serialize(params.q.as_bytes()).collect(),
    };
    let mut status = StatusCode::OK;
    if !params.q.trim().is_empty() {
        match SearchQuery::parse(&params.q) {
            Ok(q) => {
                let index = app.cache.search_index(&app.db).await?;
                let (hits, total) = index.query(&q, page_index as usize, PAGE_SIZE as usize);
                let total = total as i64;
                view.total = total;
                view.pages = (total + PAGE_SIZE - 1) / PAGE_SIZE;
                view.results = present(i, &q, hits);
            }
            Err(e) => {
                view.error = Some(i.t(e.message_key()));
                status = StatusCode::UNPROCESSABLE_ENTITY;
            }
        }
    }
    Ok(html(status, view))
}
