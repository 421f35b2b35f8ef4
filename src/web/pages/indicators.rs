//! Indicators for donors, per programme and year, by gender and country: a table, a small
//! SVG chart, and CSV / XLSX downloads. Counts only, never a person.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::{html, PageCtx};
use crate::app::App;
use crate::domain::indicators::{breakdown, Count, Gender, Stage};
use crate::domain::locale::Locale;
use crate::domain::programme::{localized, Country};
use crate::error::{AppError, AppResult};
use crate::i18n::I18n;
use crate::store::indicators as store;
use crate::web::context::Ctx;

#[derive(Deserialize, Default)]
pub struct YearParam {
    pub annee: Option<String>,
}

impl YearParam {
    pub fn year(&self) -> AppResult<Option<i64>> {
        match self.annee.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(y) => y
                .parse::<i64>()
                .ok()
                .filter(|y| (1990..=2100).contains(y))
                .map(Some)
                .ok_or(AppError::field("annee", "error.budget.year")),
        }
    }
}

/// Counts from what Tremplin records so far (see `store::indicators`).
pub async fn counts(app: &App, year: Option<i64>) -> AppResult<(Vec<Count>, Vec<(String, String, String)>)> {
    let rows = store::participants(&app.db, year).await?;
    let mut titles: Vec<(String, String, String)> = vec![];
    let counts = rows
        .into_iter()
        .map(|r| {
            if !titles.iter().any(|(s, _, _)| *s == r.slug) {
                titles.push((r.slug.clone(), r.title.clone(), r.title_en.clone()));
            }
            Count {
                programme: r.slug,
                year: r.start_month.get(..4).and_then(|y| y.parse().ok()).unwrap_or(0),
                stage: Stage::Selected,
                gender: Gender::parse(&r.gender),
                country: r.country,
                people: r.people,
            }
        })
        .collect();
    Ok((counts, titles))
}

pub struct Table {
    pub title: String,
    pub year: i64,
    /// (gender label, count per stage)
    pub genders: Vec<(&'static str, Vec<i64>)>,
    pub totals: Vec<i64>,
    /// (country name, count of selected)
    pub countries: Vec<(String, i64)>,
    pub women_percent: String,
}

pub struct ChartBar {
    pub label: String,
    pub y: i64,
    pub women: i64,
    pub men: i64,
    pub women_w: i64,
    pub men_w: i64,
}

#[derive(Template)]
#[template(path = "indicators.html")]
struct IndicatorsPage {
    page: PageCtx,
    year: Option<i64>,
    query: String,
    stages: Vec<&'static str>,
    tables: Vec<Table>,
    chart: Vec<ChartBar>,
    chart_height: i64,
}

fn tables(i: I18n, counts: &[Count], titles: &[(String, String, String)]) -> Vec<Table> {
    let en = i.locale == Locale::En;
    breakdown(counts)
        .into_iter()
        .map(|((slug, year), b)| {
            let title = titles
                .iter()
                .find(|(s, _, _)| *s == slug)
                .map(|(_, fr, e)| localized(fr, e, en).to_owned())
                .unwrap_or(slug);
            Table {
                title,
                year,
                genders: Gender::ALL
                    .iter()
                    .map(|g| {
                        (i.t(&format!("gender.{}", g.code())), Stage::ALL.iter().map(|s| b.gender(*s, *g)).collect())
                    })
                    .collect(),
                totals: Stage::ALL.iter().map(|s| b.stage(*s)).collect(),
                countries: b
                    .by_country
                    .iter()
                    .filter(|((s, _), _)| *s == Stage::Selected)
                    .map(|((_, c), n)| {
                        (
                            Country::parse(c)
                                .map(|c| c.name(en).to_owned())
                                .unwrap_or_else(|| i.t("indicators.no_country").to_owned()),
                            *n,
                        )
                    })
                    .collect(),
                women_percent: b.women_percent(Stage::Selected).map(|p| format!("{p} %")).unwrap_or_else(|| "—".into()),
            }
        })
        .collect()
}

pub async fn page(State(app): State<App>, ctx: Ctx, Query(q): Query<YearParam>) -> AppResult<Response> {
    let i = ctx.i18n();
    let year = q.year()?;
    let (counts, titles) = counts(&app, year).await?;
    let tables = tables(i, &counts, &titles);
    let max = tables.iter().map(|t| t.genders[0].1[1].max(t.genders[1].1[1])).max().unwrap_or(0).max(1);
    let chart: Vec<ChartBar> = tables
        .iter()
        .enumerate()
        .map(|(n, t)| {
            let (women, men) = (t.genders[0].1[1], t.genders[1].1[1]);
            ChartBar {
                label: t.title.clone(),
                y: n as i64 * 56,
                women,
                men,
                women_w: women * 600 / max,
                men_w: men * 600 / max,
            }
        })
        .collect();
    let chart_height = chart.len() as i64 * 56 + 4;
    Ok(html(
        StatusCode::OK,
        IndicatorsPage {
            page: PageCtx::new(&ctx, i.t("indicators.title")),
            query: year.map(|y| format!("?annee={y}")).unwrap_or_default(),
            year,
            stages: Stage::ALL.iter().map(|s| i.t(&format!("stage.{}", s.code()))).collect(),
            tables,
            chart,
            chart_height,
        },
    ))
}

/// One row per (programme, year, stage, gender, country) with its count, under a header.
fn table(counts: &[Count]) -> Vec<Vec<String>> {
    let mut out = vec![["programme", "year", "stage", "gender", "country", "people"].map(String::from).to_vec()];
    out.extend(counts.iter().map(|c| {
        vec![
            c.programme.clone(),
            c.year.to_string(),
            c.stage.code().into(),
            c.gender.code().into(),
            c.country.clone(),
            c.people.to_string(),
        ]
    }));
    out
}

pub async fn csv(State(app): State<App>, Query(q): Query<YearParam>) -> AppResult<Response> {
    let (counts, _) = counts(&app, q.year()?).await?;
    Ok(crate::web::export::csv(&table(&counts), "indicateurs"))
}

pub async fn xlsx(State(app): State<App>, Query(q): Query<YearParam>) -> AppResult<Response> {
    let (counts, _) = counts(&app, q.year()?).await?;
    crate::web::export::xlsx(&table(&counts), "indicateurs")
}
