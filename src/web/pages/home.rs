//! The public home page and programme pages.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::{html, PageCtx};
use crate::app::App;
use crate::domain::budget::{self, format_amount};
use crate::domain::locale::Locale;
use crate::domain::markdown;
use crate::domain::money::{Currency, Money};
use crate::domain::programme::{localized, Country, PhaseKind, Theme};
use crate::domain::time::YearMonth;
use crate::domain::timeline::{self, Timeline};
use crate::error::AppResult;
use crate::i18n::I18n;
use crate::store::programmes::{self, ProgrammeRow, TestimonialRow};
use crate::web::context::Ctx;

/// A programme as shown in lists.
#[derive(Clone)]
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
    pub fn new(i: I18n, p: &ProgrammeRow) -> ProgrammeCard {
        let en = i.locale == Locale::En;
        ProgrammeCard {
            slug: p.slug.clone(),
            title: localized(&p.title, &p.title_en, en).to_owned(),
            mission: localized(&p.mission, &p.mission_en, en).to_owned(),
            summary: excerpt(&markdown::plain_text(localized(&p.body, &p.body_en, en)), 220),
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

/// Programmes on the home page; the rest are one tap away, page by page.
const HOME_CARDS: i64 = 12;
const LIST_PAGE: i64 = 24;

/// One page of cards and the number of public programmes, cached until content changes.
async fn cards(app: &App, i: I18n, offset: i64, limit: i64) -> AppResult<std::sync::Arc<(Vec<ProgrammeCard>, i64)>> {
    let make = async {
        let rows = programmes::list_public_page(&app.db, offset, limit).await?;
        Ok((
            rows.iter().map(|p| ProgrammeCard::new(i, p)).collect::<Vec<_>>(),
            programmes::count_public(&app.db).await?,
        ))
    };
    app.cache.page(&app.db, format!("cards:{}:{offset}:{limit}", i.locale.code()), make).await
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    page: PageCtx,
    cards: std::sync::Arc<(Vec<ProgrammeCard>, i64)>,
    /// Set on the full list: (current page, number of pages).
    pager: Option<(i64, i64)>,
}

pub async fn index(State(app): State<App>, ctx: Ctx) -> AppResult<Response> {
    let i = ctx.i18n();
    let cards = cards(&app, i, 0, HOME_CARDS).await?;
    Ok(html(StatusCode::OK, HomePage { page: PageCtx::new(&ctx, i.t("home.title")), cards, pager: None }))
}

#[derive(serde::Deserialize)]
pub struct PageParam {
    page: Option<String>,
}

/// `/programmes?page=N`: every public programme, 24 per page.
pub async fn all(
    State(app): State<App>,
    ctx: Ctx,
    axum::extract::Query(q): axum::extract::Query<PageParam>,
) -> AppResult<Response> {
    let i = ctx.i18n();
    let page = q.page.as_deref().and_then(|p| p.parse::<i64>().ok()).filter(|p| (1..=10_000).contains(p)).unwrap_or(1);
    let cards = cards(&app, i, (page - 1) * LIST_PAGE, LIST_PAGE).await?;
    let pages = ((cards.1 + LIST_PAGE - 1) / LIST_PAGE).max(1);
    if page > pages {
        return Err(crate::error::AppError::NotFound);
    }
    Ok(html(StatusCode::OK, HomePage { page: PageCtx::new(&ctx, i.t("home.all")), cards, pager: Some((page, pages)) }))
}

pub fn compact(i: I18n, minor: i64, currency: &str) -> String {
    Money::new(minor, Currency::parse(currency).unwrap_or(Currency::Eur)).compact(i.locale == Locale::Fr)
}

pub struct BudgetRow {
    pub year: i64,
    pub category: String,
    pub planned: String,
    pub actual: String,
}

pub struct BudgetTable {
    pub rows: Vec<BudgetRow>,
    pub planned: String,
    pub actual: String,
    pub variance: String,
}

pub fn budget_table(i: I18n, lines: &[programmes::BudgetLineRow]) -> Option<BudgetTable> {
    if lines.is_empty() {
        return None;
    }
    let fr = i.locale == Locale::Fr;
    let domain_lines: Vec<budget::Line> = lines
        .iter()
        .map(|l| budget::Line {
            year: l.year,
            category: l.category.clone(),
            planned: l.planned_minor,
            actual: l.actual_minor,
        })
        .collect();
    let (_, all) = budget::totals(&domain_lines);
    let variance = match all.variance_per_mille() {
        Some(pm) => format!(
            "{} ({}{}{} %)",
            format_amount(all.variance(), fr),
            if pm >= 0 { "+" } else { "" },
            pm / 10,
            if fr { format!(",{}", (pm % 10).abs()) } else { format!(".{}", (pm % 10).abs()) }
        ),
        None => "—".into(),
    };
    Some(BudgetTable {
        rows: lines
            .iter()
            .map(|l| BudgetRow {
                year: l.year,
                category: l.category.clone(),
                planned: format_amount(l.planned_minor, fr),
                actual: l.actual_minor.map(|a| format_amount(a, fr)).unwrap_or_else(|| "—".into()),
            })
            .collect(),
        planned: format_amount(all.planned, fr),
        actual: format_amount(all.actual, fr),
        variance,
    })
}

pub fn timeline_of(i: I18n, phases: &[programmes::PhaseRow]) -> Option<Timeline> {
    let en = i.locale == Locale::En;
    let rows: Vec<(String, jiff::civil::Date, jiff::civil::Date)> = phases
        .iter()
        .filter_map(|p| {
            let kind = PhaseKind::parse(&p.kind).map(|k| i.t(&k.label_key())).unwrap_or("");
            let title = localized(&p.title, &p.title_en, en);
            let label = if title.is_empty() { kind.to_owned() } else { title.to_owned() };
            Some((label, p.start_date.parse().ok()?, p.end_date.parse().ok()?))
        })
        .collect();
    timeline::layout(&rows)
}

pub struct PhaseView {
    pub kind: &'static str,
    pub title: String,
    pub dates: String,
}

#[derive(Template)]
#[template(path = "programme.html")]
struct ProgrammePage {
    page: PageCtx,
    p: ProgrammeRow,
    title: String,
    mission: String,
    body_html: String,
    calendar: String,
    themes: Vec<&'static str>,
    countries: Vec<&'static str>,
    funders: Vec<String>,
    partners: Vec<String>,
    budget: Option<String>,
    costs: Vec<(i64, String)>,
    budget_table: Option<BudgetTable>,
    timeline: Option<Timeline>,
    phases: Vec<PhaseView>,
    testimonials: Vec<TestimonialRow>,
    others: Vec<ProgrammeCard>,
    can_edit: bool,
}

pub async fn programme(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>) -> AppResult<Response> {
    let i = ctx.i18n();
    let en = i.locale == Locale::En;
    let p = crate::programmes::visible(&app, ctx.user.as_deref(), &slug).await?;
    let can_edit = match ctx.user.as_deref() {
        Some(u) => crate::programmes::managed(&app, u, &slug).await.is_ok(),
        None => false,
    };
    let show_budget = p.budget_public() || can_edit;
    let budget = p.budget_estimate_minor.filter(|_| show_budget).map(|m| compact(i, m, &p.currency));
    let costs = if show_budget {
        programmes::costs(&app.db, p.id).await?.into_iter().map(|(y, m)| (y, compact(i, m, &p.currency))).collect()
    } else {
        vec![]
    };
    let lines = if show_budget { programmes::budget_lines(&app.db, p.id, !can_edit).await? } else { vec![] };
    let phase_rows = programmes::phases(&app.db, p.id).await?;
    let phases = phase_rows
        .iter()
        .map(|ph| PhaseView {
            kind: PhaseKind::parse(&ph.kind).map(|k| i.t(&k.label_key())).unwrap_or(""),
            title: localized(&ph.title, &ph.title_en, en).to_owned(),
            dates: format!("{} → {}", ph.start_date, ph.end_date),
        })
        .collect();
    let testimonials = programmes::public_testimonials(&app.db, p.id).await?;
    let recent = cards(&app, i, 0, HOME_CARDS).await?;
    let others = recent.0.iter().filter(|o| o.slug != p.slug).take(3).cloned().collect();
    let title = localized(&p.title, &p.title_en, en).to_owned();
    Ok(html(
        StatusCode::OK,
        ProgrammePage {
            page: PageCtx::new(&ctx, &title),
            mission: localized(&p.mission, &p.mission_en, en).to_owned(),
            body_html: markdown::to_html(localized(&p.body, &p.body_en, en)),
            calendar: calendar(i, &p),
            themes: ProgrammeRow::list(&p.themes)
                .iter()
                .filter_map(|t| Theme::parse(t))
                .map(|t| i.t(&t.label_key()))
                .collect(),
            countries: ProgrammeRow::list(&p.countries)
                .iter()
                .filter_map(|c| Country::parse(c))
                .map(|c| c.name(en))
                .collect(),
            funders: ProgrammeRow::list(&p.funders).into_iter().map(str::to_owned).collect(),
            partners: ProgrammeRow::list(&p.partners).into_iter().map(str::to_owned).collect(),
            budget,
            costs,
            budget_table: budget_table(i, &lines),
            timeline: timeline_of(i, &phase_rows),
            phases,
            testimonials,
            others,
            can_edit,
            title,
            p,
        },
    ))
}
