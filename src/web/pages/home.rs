//! The public home page and programme pages.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::{html, PageCtx};
use crate::app::App;
use crate::domain::money::{Currency, Money};
use crate::domain::slug::Slug;
use crate::domain::time::YearMonth;
use crate::error::{AppError, AppResult};
use crate::i18n::I18n;
use crate::store::programmes::{self, ProgrammeRow, TestimonialRow};
use crate::web::context::Ctx;

/// A programme as shown in lists.
pub struct ProgrammeCard {
    pub slug: String,
    pub title: String,
    pub mission: String,
    pub summary: String,
    pub calendar: String,
}

pub fn calendar(i: I18n, p: &ProgrammeRow) -> String {
    match (YearMonth::parse(&p.start_month), YearMonth::parse(&p.end_month)) {
        (Some(a), Some(b)) => i.month_span(a, b),
        _ => String::new(),
    }
}

impl ProgrammeCard {
    fn new(i: I18n, p: &ProgrammeRow) -> ProgrammeCard {
        ProgrammeCard {
            slug: p.slug.clone(),
            title: p.title.clone(),
            mission: p.mission.clone(),
            summary: excerpt(&p.summary, 220),
            calendar: calendar(i, p),
        }
    }
}

/// The first `max` characters, cut at a word, with an ellipsis.
pub fn excerpt(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map(|(a, _)| a).unwrap_or(&cut);
    format!("{cut} […]")
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    page: PageCtx,
    programmes: Vec<ProgrammeCard>,
}

pub async fn index(State(app): State<App>, ctx: Ctx) -> AppResult<Response> {
    let i = ctx.i18n();
    let programmes = programmes::list_public(&app.db).await?.iter().map(|p| ProgrammeCard::new(i, p)).collect();
    Ok(html(StatusCode::OK, HomePage { page: PageCtx::new(&ctx, i.t("home.title")), programmes }))
}

#[derive(Template)]
#[template(path = "programme.html")]
struct ProgrammePage {
    page: PageCtx,
    p: ProgrammeRow,
    calendar: String,
    budget: Option<String>,
    costs: Vec<(i64, String)>,
    testimonials: Vec<TestimonialRow>,
    others: Vec<ProgrammeCard>,
}

pub async fn programme(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>) -> AppResult<Response> {
    let i = ctx.i18n();
    let p = programmes::public_by_slug(&app.db, &Slug::parse(&slug).ok_or(AppError::NotFound)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let currency = Currency::parse(&p.currency).unwrap_or(Currency::Eur);
    let comma = i.locale == crate::domain::locale::Locale::Fr;
    let budget = p.budget_estimate_minor.map(|m| Money::new(m, currency).compact(comma));
    let costs = programmes::costs(&app.db, p.id)
        .await?
        .into_iter()
        .map(|(y, m)| (y, Money::new(m, currency).compact(comma)))
        .collect();
    let testimonials = programmes::public_testimonials(&app.db, p.id).await?;
    let others = programmes::list_public(&app.db)
        .await?
        .iter()
        .filter(|o| o.id != p.id)
        .take(3)
        .map(|o| ProgrammeCard::new(i, o))
        .collect();
    Ok(html(
        StatusCode::OK,
        ProgrammePage {
            page: PageCtx::new(&ctx, &p.title),
            calendar: calendar(i, &p),
            p,
            budget,
            costs,
            testimonials,
            others,
        },
    ))
}
