//! The annual activity report: an index of years, each year's page (printable), and its PDF.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use super::home::{calendar, compact};
use super::{html, PageCtx};
use crate::app::App;
use crate::domain::locale::Locale;
use crate::domain::markdown;
use crate::domain::programme::{localized, Theme};
use crate::domain::report::{self, Entry, Total};
use crate::error::{AppError, AppResult};
use crate::i18n::I18n;
use crate::store::programmes::{self, ProgrammeRow};
use crate::store::reports;
use crate::web::context::Ctx;
use crate::web::pdf::{self, Block};

/// Years that have a report: those with public programmes or a foreword, newest first.
pub async fn report_years(app: &App) -> AppResult<Vec<i64>> {
    let mut years = programmes::public_years(&app.db).await?;
    years.extend(reports::years(&app.db).await?);
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    Ok(years)
}

#[derive(Template)]
#[template(path = "report_index.html")]
struct IndexPage {
    page: PageCtx,
    years: Vec<i64>,
}

pub async fn index(State(app): State<App>, ctx: Ctx) -> AppResult<Response> {
    let i = ctx.i18n();
    Ok(html(
        StatusCode::OK,
        IndexPage { page: PageCtx::new(&ctx, i.t("report.index_title")), years: report_years(&app).await? },
    ))
}

pub struct ReportProgramme {
    pub slug: String,
    pub title: String,
    pub mission: String,
    pub calendar: String,
    pub budget: Option<String>,
    pub costs: Option<String>,
}

pub struct TotalRow {
    pub label: String,
    pub programmes: i64,
    pub costs: String,
}

/// Everything a year's report shows, for the page and the PDF alike.
pub struct ReportData {
    pub year: i64,
    pub foreword_md: String,
    pub programmes: Vec<ReportProgramme>,
    pub by_theme: Vec<TotalRow>,
    pub by_region: Vec<TotalRow>,
    pub total: TotalRow,
}

pub async fn report_data(app: &App, i: I18n, year: i64) -> AppResult<ReportData> {
    if !(1990..=2100).contains(&year) {
        return Err(AppError::NotFound);
    }
    let en = i.locale == Locale::En;
    let rows: Vec<ProgrammeRow> = programmes::public_active_in(&app.db, year).await?;
    let foreword = reports::get(&app.db, year).await?;
    if rows.is_empty() && foreword.is_none() {
        return Err(AppError::NotFound);
    }
    // One query for the costs of every programme of the year, not one per programme.
    let costs: std::collections::HashMap<i64, i64> =
        programmes::costs_of_year(&app.db, year).await?.into_iter().collect();
    let mut progs = vec![];
    let mut entries_data = vec![];
    for p in &rows {
        let year_costs = costs.get(&p.id).copied().filter(|_| p.budget_public());
        progs.push(ReportProgramme {
            slug: p.slug.clone(),
            title: localized(&p.title, &p.title_en, en).to_owned(),
            mission: localized(&p.mission, &p.mission_en, en).to_owned(),
            calendar: calendar(i, p),
            budget: p.budget_estimate_minor.filter(|_| p.budget_public()).map(|m| compact(i, m, &p.currency)),
            costs: year_costs.map(|m| compact(i, m, &p.currency)),
        });
        entries_data.push((
            ProgrammeRow::list(&p.themes).iter().filter_map(|t| Theme::parse(t)).collect::<Vec<_>>(),
            p.region.clone(),
            year_costs,
        ));
    }
    let entries: Vec<Entry> =
        entries_data.iter().map(|(t, r, c)| Entry { themes: t.clone(), region: r, costs: *c }).collect();
    let (themes, regions, all) = report::totals(&entries);
    let row =
        |label: String, t: &Total| TotalRow { label, programmes: t.programmes, costs: compact(i, t.costs, "EUR") };
    Ok(ReportData {
        year,
        foreword_md: foreword.map(|f| localized(&f.foreword, &f.foreword_en, en).to_owned()).unwrap_or_default(),
        programmes: progs,
        by_theme: themes.iter().map(|(t, v)| row(i.t(&t.label_key()).to_owned(), v)).collect(),
        by_region: regions
            .iter()
            .map(|(r, v)| row(if r.is_empty() { i.t("report.no_region").to_owned() } else { r.clone() }, v))
            .collect(),
        total: row(i.t("report.total").to_owned(), &all),
    })
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    page: PageCtx,
    r: std::sync::Arc<ReportData>,
    title: String,
    foreword_html: String,
    years: Vec<i64>,
}

/// `/rapport/2016` (page) or `/rapport/2016.pdf` (PDF).
pub async fn year(State(app): State<App>, ctx: Ctx, Path(file): Path<String>) -> AppResult<Response> {
    let i = ctx.i18n();
    let (year_str, pdf) = match file.strip_suffix(".pdf") {
        Some(y) => (y, true),
        None => (file.as_str(), false),
    };
    let year: i64 = year_str.parse().map_err(|_| AppError::NotFound)?;
    let key = format!("report:{year}:{}", i.locale.code());
    let data = app.cache.page(&app.db, key, report_data(&app, i, year)).await?;
    let title = i.tf("report.title", &[("year", &year.to_string())]);
    if pdf {
        return Ok(pdf_response(i, &title, &data));
    }
    Ok(html(
        StatusCode::OK,
        ReportPage {
            page: PageCtx::new(&ctx, &title),
            foreword_html: markdown::to_html(&data.foreword_md),
            r: data,
            title,
            years: app.cache.page(&app.db, "report-years".into(), report_years(&app)).await?.to_vec(),
        },
    ))
}

fn pdf_response(i: I18n, title: &str, r: &ReportData) -> Response {
    let mut blocks = vec![Block::heading(title, 20.0)];
    if !r.foreword_md.is_empty() {
        blocks.push(Block::para(markdown::plain_text(&r.foreword_md)));
    }
    blocks.push(Block::heading(i.t("report.programmes"), 14.0));
    for p in &r.programmes {
        blocks.push(Block::heading(&p.title, 12.0));
        blocks.push(Block::para(&p.mission));
        let mut facts = vec![format!("{} : {}", i.t("programme.calendar"), p.calendar)];
        if let Some(b) = &p.budget {
            facts.push(format!("{} : {b}", i.t("programme.budget")));
        }
        if let Some(c) = &p.costs {
            facts.push(format!("{} {} : {c}", i.t("programme.costs"), r.year));
        }
        blocks.push(Block::para(facts.join(" · ")));
    }
    for (heading, rows) in [(i.t("report.by_theme"), &r.by_theme), (i.t("report.by_region"), &r.by_region)] {
        blocks.push(Block::heading(heading, 14.0));
        for t in rows {
            blocks.push(Block::para(format!(
                "{} : {} · {}",
                t.label,
                i.tf("report.n_programmes", &[("n", &t.programmes.to_string())]),
                t.costs
            )));
        }
    }
    blocks.push(Block::para(format!(
        "{} : {} · {}",
        r.total.label,
        i.tf("report.n_programmes", &[("n", &r.total.programmes.to_string())]),
        r.total.costs
    )));
    let bytes = pdf::document(&blocks);
    let disposition = format!("inline; filename=\"tremplin-rapport-{}.pdf\"", r.year);
    ([(header::CONTENT_TYPE, "application/pdf".to_owned()), (header::CONTENT_DISPOSITION, disposition)], bytes)
        .into_response()
}
