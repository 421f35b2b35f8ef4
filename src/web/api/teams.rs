//! Teams of a course through the API.

use axum::extract::{Path, Query, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ErrorBody;
use crate::app::App;
use crate::courses::Paging;
use crate::error::AppResult;
use crate::teams::{self, Bounds, Learner, Team};
use crate::web::context::Ctx;
use crate::web::extract::ApiJson;

#[derive(Serialize, ToSchema)]
pub struct Teams {
    /// The teams of the learners listed, whole (every team when they fit on one page).
    pub teams: Vec<Team>,
    /// One page of learners by name (200 a page), with her team (none: not placed yet).
    pub learners: Vec<Learner>,
    /// Which page this is, and how many learners the course has in all.
    pub paging: Paging,
    /// Learners in a team, and teams, in the whole course.
    pub placed: i64,
    pub team_count: i64,
}

#[derive(Deserialize, IntoParams)]
pub struct PageQuery {
    /// 1 (default) for the first page.
    pub page: Option<i64>,
}

/// The teams of a course and its learners, page by page (managers and tutors).
#[utoipa::path(get, path = "/api/v1/courses/{slug}/teams", tag = "courses", params(("slug" = String, Path), PageQuery),
    security(("session" = []), ("token" = [])), responses((status = 200, body = Teams), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(q): Query<PageQuery>,
) -> AppResult<Json<Teams>> {
    let o = teams::overview(&app, ctx.require_user()?, &slug, q.page).await?;
    Ok(Json(Teams {
        teams: o.teams,
        learners: o.learners,
        paging: o.paging,
        placed: o.placed,
        team_count: o.team_count,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct ByHand {
    /// Each team as the user ids of its members.
    pub teams: Vec<Vec<i64>>,
    #[serde(default = "default_min")]
    pub min: usize,
    #[serde(default = "default_max")]
    pub max: usize,
}

fn default_min() -> usize {
    teams::DEFAULT_MIN
}

fn default_max() -> usize {
    teams::DEFAULT_MAX
}

/// Set the teams by hand (every learner in exactly one team, sizes within min–max; 422
/// saying what is wrong otherwise). Replaces the teams.
#[utoipa::path(put, path = "/api/v1/courses/{slug}/teams", tag = "courses", params(("slug" = String, Path)),
    request_body = ByHand, security(("session" = []), ("token" = [])),
    responses((status = 200, body = Vec<Team>), (status = 422, body = ErrorBody)))]
pub async fn set(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    ApiJson(b): ApiJson<ByHand>,
) -> AppResult<Json<Vec<Team>>> {
    let bounds = Bounds { min: b.min, max: b.max };
    Ok(Json(teams::set_by_hand(&app, ctx.require_user()?, &slug, ctx.i18n(), bounds, &b.teams).await?))
}

/// Form every team anew, balanced by country and gender (sizes min–max, default 3–5).
#[utoipa::path(post, path = "/api/v1/courses/{slug}/teams/automatic", tag = "courses", params(("slug" = String, Path)),
    request_body = Bounds, security(("session" = []), ("token" = [])),
    responses((status = 200, body = Vec<Team>), (status = 422, body = ErrorBody)))]
pub async fn automatic(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    ApiJson(b): ApiJson<Bounds>,
) -> AppResult<Json<Vec<Team>>> {
    Ok(Json(teams::form_automatically(&app, ctx.require_user()?, &slug, ctx.i18n(), b).await?))
}

/// My team in this course (null before teams are formed).
#[utoipa::path(get, path = "/api/v1/courses/{slug}/team", tag = "courses", params(("slug" = String, Path)),
    security(("session" = []), ("token" = [])), responses((status = 200, body = Option<Team>), (status = 403, body = ErrorBody)))]
pub async fn mine(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>) -> AppResult<Json<Option<Team>>> {
    Ok(Json(teams::mine(&app, ctx.require_user()?, &slug).await?))
}
