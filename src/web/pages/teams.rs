//! `/gestion/cours/{slug}/equipes`: the teams of a course, formed in one click (balanced by
//! country and gender) or by hand (a team number per learner); tutors see them.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::form::{get, pairs};
use super::{html, see_other, PageCtx};
use crate::app::App;
use crate::error::{AppError, AppResult};
use crate::teams::{self, Bounds, Learner, Team};
use crate::web::context::Ctx;

#[derive(Template)]
#[template(path = "manage_teams.html")]
struct TeamsPage {
    page: PageCtx,
    slug: String,
    course_title: String,
    teams: Vec<Team>,
    /// Learners with the team number shown in the by-hand form (as typed after an error).
    learners: Vec<(Learner, String)>,
    min: String,
    max: String,
    refusal: Option<String>,
    message: Option<String>,
    can_edit: bool,
    /// Which learners this page lists, out of how many (a page of `teams::PAGE`).
    paging: crate::courses::Paging,
    placed: i64,
    team_count: i64,
}

impl TeamsPage {
    /// "Apprenants 201 à 400 sur 10000 · 9800 dans une équipe · 2450 équipe(s)".
    fn shown(&self) -> String {
        let (first, last) = self.paging.shown();
        let n = |x: i64| x.to_string();
        self.page.i.tf(
            "teams.shown",
            &[
                ("first", &n(first)),
                ("last", &n(last)),
                ("total", &n(self.paging.total)),
                ("placed", &n(self.placed)),
                ("teams", &n(self.team_count)),
            ],
        )
    }
}

impl TeamsPage {
    fn gender(&self, g: &str) -> String {
        if g.is_empty() {
            return "—".into();
        }
        self.page.i.t(&format!("gender.{g}")).to_owned()
    }
}

#[derive(Deserialize, Default)]
pub struct Done {
    fait: Option<u8>,
    page: Option<String>,
}

/// `?page=N` (what does not read as a number: the first page).
fn page_number(p: &Option<String>) -> Option<i64> {
    p.as_deref().and_then(|p| p.trim().parse().ok())
}

async fn page(app: &App, ctx: &Ctx, slug: &str, number: Option<i64>) -> AppResult<TeamsPage> {
    let i = ctx.i18n();
    let user = ctx.require_user()?;
    let o = teams::overview(app, user, slug, number).await?;
    let (_, access) = crate::courses::access(app, user, slug).await?;
    Ok(TeamsPage {
        page: PageCtx::new(ctx, &i.tf1("teams.title", "course", &o.course.title)),
        slug: o.course.slug,
        course_title: o.course.title,
        teams: o.teams,
        paging: o.paging,
        placed: o.placed,
        team_count: o.team_count,
        learners: o
            .learners
            .into_iter()
            .map(|l| (l.team.map(|t| t.to_string()).unwrap_or_default(), l))
            .map(|(t, l)| (l, t))
            .collect(),
        min: teams::DEFAULT_MIN.to_string(),
        max: teams::DEFAULT_MAX.to_string(),
        refusal: None,
        message: None,
        can_edit: access == crate::courses::Access::Manager,
    })
}

pub async fn show(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(d): Query<Done>,
) -> AppResult<Response> {
    let mut p = page(&app, &ctx, &slug, page_number(&d.page)).await?;
    p.message = d.fait.map(|_| ctx.i18n().t("teams.saved").to_owned());
    Ok(html(StatusCode::OK, p))
}

fn bounds(min: &str, max: &str) -> Option<Bounds> {
    Some(Bounds { min: min.trim().parse().ok()?, max: max.trim().parse().ok()? })
}

/// One click: every team formed anew, balanced.
pub async fn automatic(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>, body: Bytes) -> AppResult<Response> {
    let p = pairs(&body);
    let (min, max) = (get(&p, "min"), get(&p, "max"));
    let result = match bounds(&min, &max) {
        Some(b) => teams::form_automatically(&app, ctx.require_user()?, &slug, ctx.i18n(), b).await.map(|_| ()),
        None => Err(AppError::Infeasible(ctx.i18n().t("error.teams.bounds_numbers").to_owned())),
    };
    answer(&app, &ctx, &slug, result, (&min, &max), None, None).await
}

/// By hand: a team number for each learner (`t.{user id}`).
pub async fn by_hand(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>, body: Bytes) -> AppResult<Response> {
    let p = pairs(&body);
    let (min, max) = (get(&p, "min"), get(&p, "max"));
    let mut numbers: std::collections::BTreeMap<u32, Vec<i64>> = Default::default();
    let mut typed: std::collections::HashMap<i64, String> = Default::default();
    let mut unreadable = false;
    for (k, v) in &p {
        let Some(user) = k.strip_prefix("t.").and_then(|u| u.parse::<i64>().ok()) else { continue };
        typed.insert(user, v.clone());
        match v.trim() {
            "" => {} // in no team: the domain says so
            n => match n.parse::<u32>() {
                Ok(n) if n > 0 => numbers.entry(n).or_default().push(user),
                _ => unreadable = true,
            },
        }
    }
    // The form holds one page of learners: the others keep the team they are in.
    if !typed.is_empty() {
        let course = crate::courses::find(&app, &slug).await?;
        for (number, user) in crate::store::teams::members(&app.db, course.id).await? {
            if !typed.contains_key(&user) {
                numbers.entry(u32::try_from(number).unwrap_or(u32::MAX)).or_default().push(user);
            }
        }
    }
    let result = match bounds(&min, &max) {
        Some(_) if unreadable => Err(AppError::Infeasible(ctx.i18n().t("error.teams.number").to_owned())),
        Some(b) => {
            let teams: Vec<Vec<i64>> = numbers.into_values().collect();
            teams::set_by_hand(&app, ctx.require_user()?, &slug, ctx.i18n(), b, &teams).await.map(|_| ())
        }
        None => Err(AppError::Infeasible(ctx.i18n().t("error.teams.bounds_numbers").to_owned())),
    };
    let number = page_number(&Some(get(&p, "page")));
    answer(&app, &ctx, &slug, result, (&min, &max), Some(typed), number).await
}

/// After a change: back to the page, or the page again with the refusal and what was typed.
async fn answer(
    app: &App,
    ctx: &Ctx,
    slug: &str,
    result: AppResult<()>,
    (min, max): (&str, &str),
    typed: Option<std::collections::HashMap<i64, String>>,
    number: Option<i64>,
) -> AppResult<Response> {
    match result {
        Ok(()) => Ok(see_other(&match number {
            Some(n) if n > 1 => format!("/gestion/cours/{slug}/equipes?fait=1&page={n}"),
            _ => format!("/gestion/cours/{slug}/equipes?fait=1"),
        })),
        Err(AppError::Infeasible(text)) => {
            let mut p = page(app, ctx, slug, number).await?;
            p.refusal = Some(text);
            p.min = min.to_owned();
            p.max = max.to_owned();
            if let Some(typed) = typed {
                for (l, shown) in p.learners.iter_mut() {
                    *shown = typed.get(&l.user_id).cloned().unwrap_or_default();
                }
            }
            Ok(html(StatusCode::UNPROCESSABLE_ENTITY, p))
        }
        Err(e) => Err(e),
    }
}
