//! The manager's views of a call's applications: the list with filters and counts, one
//! application in full, and exports (CSV, XLSX, anonymised).

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::{html, PageCtx};
use crate::app::App;
use crate::applications::{self, Filters};
use crate::error::{AppError, AppResult};
use crate::web::context::Ctx;
use crate::web::export;

pub struct ListRow {
    pub id: i64,
    pub receipt: String,
    pub name: String,
    pub status: String,
    pub country: String,
    pub gender: String,
    pub eligible: bool,
}

#[derive(Template)]
#[template(path = "call_applications.html")]
struct ListPage {
    page: PageCtx,
    slug: String,
    call_title: String,
    f: Filters,
    rows: Vec<ListRow>,
    by_country: Vec<(String, usize)>,
    by_gender: Vec<(&'static str, usize)>,
    query: String,
}

pub async fn list(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(f): Query<Filters>,
) -> AppResult<Response> {
    let i = ctx.i18n();
    let (call, _, rows) = applications::list(&app, ctx.require_user()?, &slug, &f).await?;
    let mut by_country: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_gender: BTreeMap<String, usize> = BTreeMap::new();
    for r in &rows {
        *by_country.entry(r.country.clone()).or_default() += 1;
        *by_gender.entry(r.gender.clone()).or_default() += 1;
    }
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("statut", &f.statut)
        .append_pair("pays", &f.pays)
        .append_pair("genre", &f.genre)
        .append_pair("eligible", &f.eligible)
        .append_pair("q", &f.q)
        .finish();
    Ok(html(
        StatusCode::OK,
        ListPage {
            page: PageCtx::new(&ctx, &i.tf1("applications.title", "call", &call.title)),
            slug: call.slug.clone(),
            call_title: call.title.clone(),
            rows: rows
                .iter()
                .map(|r| ListRow {
                    id: r.listed.id,
                    receipt: r.listed.receipt.clone().unwrap_or_else(|| "—".into()),
                    name: r.listed.name.clone(),
                    status: i.t(&format!("applications.status.{}", r.listed.status)).to_owned(),
                    country: r.country.clone(),
                    gender: i.t(&format!("gender.{}", r.gender)).to_owned(),
                    eligible: r.eligible,
                })
                .collect(),
            by_country: by_country.into_iter().collect(),
            by_gender: by_gender.into_iter().map(|(g, n)| (i.t(&format!("gender.{g}")), n)).collect(),
            f,
            query,
        },
    ))
}

#[derive(Deserialize, Default)]
pub struct ExportParams {
    #[serde(default)]
    anonyme: Option<String>,
    #[serde(flatten)]
    filters: Filters,
}

async fn table(app: &App, ctx: &Ctx, slug: &str, p: &ExportParams) -> AppResult<(String, Vec<Vec<String>>)> {
    let (call, form, rows) = applications::list(app, ctx.require_user()?, slug, &p.filters).await?;
    let anonymised = p.anonyme.as_deref().is_some_and(|a| a == "1" || a == "oui");
    let name = format!("candidatures-{}{}", call.slug, if anonymised { "-anonyme" } else { "" });
    Ok((name, applications::export_table(ctx.i18n(), &form, &rows, anonymised)))
}

pub async fn csv(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(p): Query<ExportParams>,
) -> AppResult<Response> {
    let (name, t) = table(&app, &ctx, &slug, &p).await?;
    Ok(export::csv(&t, &name))
}

pub async fn xlsx(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(p): Query<ExportParams>,
) -> AppResult<Response> {
    let (name, t) = table(&app, &ctx, &slug, &p).await?;
    export::xlsx(&t, &name)
}

#[derive(Template)]
#[template(path = "call_application.html")]
struct OnePage {
    page: PageCtx,
    slug: String,
    name: String,
    email: String,
    status: String,
    receipt: String,
    form_version: i64,
    answers: Vec<(String, String)>,
    eligible: bool,
}

/// One application in full, read with the version of the form it answered.
pub async fn one(State(app): State<App>, ctx: Ctx, Path((slug, id)): Path<(String, i64)>) -> AppResult<Response> {
    let i = ctx.i18n();
    let (call, current, rows) = applications::list(&app, ctx.require_user()?, &slug, &Filters::default()).await?;
    let r = rows.into_iter().find(|r| r.listed.id == id).ok_or(AppError::NotFound)?;
    let form = match crate::store::applications::form_version(&app.db, call.id, r.listed.form_version).await? {
        Some(json) => serde_json::from_str(&json).unwrap_or(current),
        None => current,
    };
    let text = applications::answers_text(i, &form, &r.answers);
    let answers = text
        .lines()
        .filter_map(|l| l.strip_prefix("- ")?.split_once(" : ").map(|(a, b)| (a.to_owned(), b.to_owned())))
        .collect();
    Ok(html(
        StatusCode::OK,
        OnePage {
            page: PageCtx::new(&ctx, &r.listed.name),
            slug: call.slug,
            name: r.listed.name.clone(),
            email: r.listed.email.clone(),
            status: i.t(&format!("applications.status.{}", r.listed.status)).to_owned(),
            receipt: r.listed.receipt.clone().unwrap_or_else(|| "—".into()),
            form_version: r.listed.form_version,
            answers,
            eligible: r.eligible,
        },
    ))
}
