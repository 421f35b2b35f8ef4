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
}

async fn page(app: &App, ctx: &Ctx, slug: &str) -> AppResult<TeamsPage> {
    let i = ctx.i18n();
    let user = ctx.require_user()?;
    let (course, teams, learners) = teams::overview(app, user, slug).await?;
    let (_, access) = crate::courses::access(app, user, slug).await?;
    Ok(TeamsPage {
        page: PageCtx::new(ctx, &i.tf1("teams.title", "course", &course.title)),
        slug: course.slug,
        course_title: course.title,
        teams,
        learners: learners
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
    let mut p = page(&app, &ctx, &slug).await?;
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
    answer(&app, &ctx, &slug, result, &min, &max, None).await
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
    let result = match bounds(&min, &max) {
        Some(_) if unreadable => Err(AppError::Infeasible(ctx.i18n().t("error.teams.number").to_owned())),
        Some(b) => {
            let teams: Vec<Vec<i64>> = numbers.into_values().collect();
            teams::set_by_hand(&app, ctx.require_user()?, &slug, ctx.i18n(), b, &teams).await.map(|_| ())
        }
        None => Err(AppError::Infeasible(ctx.i18n().t("error.teams.bounds_numbers").to_owned())),
    };
    answer(&app, &ctx, &slug, result, &min, &max, Some(typed)).await
}

/// After a change: back to the page, or the page again with the refusal and what was typed.
async fn answer(
    app: &App,
    ctx: &Ctx,
    slug: &str,
    result: AppResult<()>,
    min: &str,
    max: &str,
    typed: Option<std::collections::HashMap<i64, String>>,
) -> AppResult<Response> {
    match result {
        Ok(()) => Ok(see_other(&format!("/gestion/cours/{slug}/equipes?fait=1"))),
        Err(AppError::Infeasible(text)) => {
            let mut p = page(app, ctx, slug).await?;
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
