//! Indicators for donors, per programme and year, by gender and country: a table, a small
//! SVG chart, and CSV / XLSX downloads. Counts only, never a person.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
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

/// One row per (programme, year, stage, gender, country) with its count.
fn rows(counts: &[Count]) -> Vec<[String; 6]> {
    counts
        .iter()
        .map(|c| {
            [
                c.programme.clone(),
                c.year.to_string(),
                c.stage.code().into(),
                c.gender.code().into(),
                c.country.clone(),
                c.people.to_string(),
            ]
        })
        .collect()
}

const HEADER: [&str; 6] = ["programme", "year", "stage", "gender", "country", "people"];

fn csv_field(s: &str) -> String {
    // Quote when needed, and defuse spreadsheet formulas.
    let s = if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_owned() };
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

pub async fn csv(State(app): State<App>, Query(q): Query<YearParam>) -> AppResult<Response> {
    let (counts, _) = counts(&app, q.year()?).await?;
    let mut out = HEADER.join(",") + "\n";
    for r in rows(&counts) {
        out.push_str(&r.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"indicateurs.csv\""),
        ],
        out,
    )
        .into_response())
}

pub async fn xlsx(State(app): State<App>, Query(q): Query<YearParam>) -> AppResult<Response> {
    let (counts, _) = counts(&app, q.year()?).await?;
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let to_err = |e: rust_xlsxwriter::XlsxError| AppError::Internal(anyhow::anyhow!("xlsx: {e}"));
    for (c, h) in HEADER.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold).map_err(to_err)?;
    }
    for (r, c) in counts.iter().enumerate() {
        let row = r as u32 + 1;
        sheet.write_string(row, 0, &c.programme).map_err(to_err)?;
        sheet.write_number(row, 1, c.year as f64).map_err(to_err)?;
        sheet.write_string(row, 2, c.stage.code()).map_err(to_err)?;
        sheet.write_string(row, 3, c.gender.code()).map_err(to_err)?;
        sheet.write_string(row, 4, &c.country).map_err(to_err)?;
        sheet.write_number(row, 5, c.people as f64).map_err(to_err)?;
    }
    let bytes = book.save_to_buffer().map_err(to_err)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"indicateurs.xlsx\""),
        ],
        bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    #[test]
    fn csv_fields_are_quoted_and_defused() {
        assert_eq!(super::csv_field("a,b"), "\"a,b\"");
        assert_eq!(super::csv_field("=1+1"), "'=1+1");
        assert_eq!(super::csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
