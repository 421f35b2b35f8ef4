//! Progress pages: the learner's board (`/cours/{slug}/progression`) and the cohort × week
//! matrix for managers and tutors (`/gestion/cours/{slug}/progression`, 100 learners a page
//! to stay within the page-weight budget, at-risk learners alone with `?risque=1`), with
//! its CSV and XLSX exports (every learner).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::{html, PageCtx};
use crate::app::App;
use crate::courses::localised;
use crate::domain::progress::Cell;
use crate::domain::time::TimeZoneName;
use crate::error::AppResult;
use crate::i18n::I18n;
use crate::progress::{self, cell_code, risk_code, Board, Row};
use crate::web::context::Ctx;
use crate::web::export;

/// Learners per page of the cohort board.
pub const PER_PAGE: usize = 100;

fn cell_text(i: I18n, c: &Cell) -> String {
    match c {
        Cell::Graded { score, .. } => format!("{}", score.round()),
        other => i.t(&format!("progress.cell.{}", cell_code(other))).to_owned(),
    }
}

fn risks_text(i: I18n, r: &Row) -> String {
    r.signals
        .risks
        .iter()
        .map(|x| match x {
            crate::domain::progress::Risk::MissedDeadlines { count } => i.tf1("progress.risk.missed", "n", count),
            other => i.t(&format!("progress.risk.{}", risk_code(other))).to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

fn opt_pct(x: Option<f64>) -> String {
    x.map(|v| format!("{}", v.round())).unwrap_or_else(|| "—".into())
}

pub struct WeekLine {
    pub exercise_id: i64,
    pub week: i64,
    pub title: String,
    pub due: String,
    pub code: &'static str,
    pub status: String,
}

#[derive(Template)]
#[template(path = "progress.html")]
struct MinePage {
    page: PageCtx,
    slug: String,
    weeks: Vec<WeekLine>,
    summary: String,
    risks: String,
}

/// `/cours/{slug}/progression`
pub async fn mine(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>) -> AppResult<Response> {
    let user = ctx.require_user()?;
    let i = ctx.i18n();
    let (c, b) = progress::mine(&app, user, &slug).await?;
    let tz = TimeZoneName::parse(&c.time_zone).unwrap_or_else(TimeZoneName::utc).zone();
    let row = b.rows.first();
    let weeks = b
        .columns
        .iter()
        .enumerate()
        .map(|(n, col)| {
            let cell = row.map(|r| r.cells[n]).unwrap_or(Cell::NotOpen);
            let status = match cell {
                Cell::Graded { score, late } => {
                    let s = i.tf1("progress.graded_score", "score", score.round());
                    if late {
                        format!("{s} · {}", i.t("exercise.late"))
                    } else {
                        s
                    }
                }
                other => i.t(&format!("progress.cell.{}", cell_code(&other))).to_owned(),
            };
            WeekLine {
                exercise_id: col.exercise_id,
                week: col.week,
                title: localised(i.locale, &col.title, &col.title_en).to_owned(),
                due: i.datetime(col.due_at, &tz),
                code: cell_code(&cell),
                status,
            }
        })
        .collect();
    let summary = row
        .map(|r| {
            i.tf(
                "progress.summary",
                &[
                    ("on_time", &r.signals.on_time.to_string()),
                    ("late", &r.signals.late.to_string()),
                    ("missed", &r.signals.missed.to_string()),
                    ("grade", &opt_pct(r.signals.mean_grade)),
                ],
            )
        })
        .unwrap_or_default();
    let page = MinePage {
        page: PageCtx::new(&ctx, &i.tf1("progress.mine_title", "course", localised(i.locale, &c.title, &c.title_en))),
        slug: c.slug.clone(),
        weeks,
        summary,
        risks: row.map(|r| risks_text(i, r)).unwrap_or_default(),
    };
    Ok(html(StatusCode::OK, page))
}

pub struct CohortLine {
    pub name: String,
    pub team: String,
    pub cells: Vec<(&'static str, String)>,
    pub grade: String,
    pub reactivity: String,
    pub teamwork: String,
    pub risks: String,
}

#[derive(Template)]
#[template(path = "manage_progress.html")]
struct CohortPage {
    page: PageCtx,
    slug: String,
    course_title: String,
    columns: Vec<(i64, i64, String)>,
    lines: Vec<CohortLine>,
    learners: usize,
    at_risk: usize,
    only_at_risk: bool,
    page_no: usize,
    pages: usize,
}

impl CohortPage {
    fn page_link(&self, n: &usize) -> String {
        let risk = if self.only_at_risk { "&risque=1" } else { "" };
        format!("/gestion/cours/{}/progression?page={n}{risk}", self.slug)
    }
}

#[derive(serde::Deserialize, Default)]
pub struct CohortQuery {
    page: Option<usize>,
    risque: Option<String>,
}

fn cohort_line(i: I18n, r: &Row) -> CohortLine {
    CohortLine {
        name: r.name.clone(),
        team: r.team.map(|t| t.to_string()).unwrap_or_default(),
        cells: r.cells.iter().map(|c| (cell_code(c), cell_text(i, c))).collect(),
        grade: opt_pct(r.signals.mean_grade),
        reactivity: opt_pct(r.signals.mean_reactivity),
        teamwork: opt_pct(r.signals.peer_teamwork),
        risks: risks_text(i, r),
    }
}

/// `/gestion/cours/{slug}/progression`
pub async fn cohort(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(q): Query<CohortQuery>,
) -> AppResult<Response> {
    let user = ctx.require_user()?;
    let i = ctx.i18n();
    let (c, b) = progress::cohort(&app, user, &slug).await?;
    let only_at_risk = q.risque.is_some();
    let shown: Vec<&Row> = b.rows.iter().filter(|r| !only_at_risk || r.at_risk).collect();
    let pages = shown.len().div_ceil(PER_PAGE).max(1);
    let page_no = q.page.unwrap_or(1).clamp(1, pages);
    let lines = shown.iter().skip((page_no - 1) * PER_PAGE).take(PER_PAGE).map(|r| cohort_line(i, r)).collect();
    let page = CohortPage {
        page: PageCtx::new(&ctx, &i.tf1("progress.cohort_title", "course", &c.title)),
        slug: c.slug.clone(),
        course_title: c.title.clone(),
        columns: b
            .columns
            .iter()
            .map(|col| (col.exercise_id, col.week, localised(i.locale, &col.title, &col.title_en).to_owned()))
            .collect(),
        lines,
        learners: b.rows.len(),
        at_risk: b.at_risk,
        only_at_risk,
        page_no,
        pages,
    };
    Ok(html(StatusCode::OK, page))
}

/// The whole board as a table: one line per learner, a column per week, then the signals.
fn table(i: I18n, b: &Board) -> Vec<Vec<String>> {
    let mut head = vec![i.t("progress.col.name").to_owned(), i.t("progress.col.team").to_owned()];
    head.extend(b.columns.iter().map(|c| format!("{} {} — {}", i.t("progress.col.week"), c.week, c.title)));
    head.extend(
        [
            "progress.col.on_time",
            "progress.col.late",
            "progress.col.missed",
            "progress.col.grade",
            "progress.col.reactivity",
            "progress.col.teamwork",
            "progress.col.risks",
        ]
        .iter()
        .map(|k| i.t(k).to_owned()),
    );
    let mut t = vec![head];
    for r in &b.rows {
        let mut line = vec![r.name.clone(), r.team.map(|n| n.to_string()).unwrap_or_default()];
        line.extend(r.cells.iter().map(|c| cell_text(i, c)));
        let s = &r.signals;
        line.extend([
            s.on_time.to_string(),
            s.late.to_string(),
            s.missed.to_string(),
            opt_pct(s.mean_grade),
            opt_pct(s.mean_reactivity),
            opt_pct(s.peer_teamwork),
            r.signals.risks.iter().map(risk_code).collect::<Vec<_>>().join(" "),
        ]);
        t.push(line);
    }
    t
}

/// `/gestion/cours/{slug}/progression.csv`
pub async fn csv(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>) -> AppResult<Response> {
    let (c, b) = progress::cohort(&app, ctx.require_user()?, &slug).await?;
    Ok(export::csv(&table(ctx.i18n(), &b), &format!("progression-{}", c.slug)))
}

/// `/gestion/cours/{slug}/progression.xlsx`
pub async fn xlsx(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>) -> AppResult<Response> {
    let (c, b) = progress::cohort(&app, ctx.require_user()?, &slug).await?;
    export::xlsx(&table(ctx.i18n(), &b), &format!("progression-{}", c.slug))
}
