//! Selection of the cohort and decisions through the API.

use axum::extract::{Path, State};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use super::ErrorBody;
use crate::app::App;
use crate::error::AppResult;
use crate::selection::{self, Params, Proposal};
use crate::web::context::Ctx;
use crate::web::extract::ApiJson;

/// The selection rules last used (defaults: 30 places, 10 on the waitlist, at least 40%
/// women, at most 3 per country).
#[utoipa::path(get, path = "/api/v1/calls/{slug}/selection", tag = "selection", params(("slug" = String, Path)),
    security(("session" = []), ("token" = [])), responses((status = 200, body = Params), (status = 404, body = ErrorBody)))]
pub async fn get_params(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>) -> AppResult<Json<Params>> {
    let call = crate::calls::managed(&app, ctx.require_user()?, &slug).await?;
    Ok(Json(selection::params_of(&app, &call).await?))
}

/// The best cohort under these rules, with the reason for each candidate (nothing is
/// recorded). When no cohort meets the rules, a 422 says which rule to relax.
#[utoipa::path(post, path = "/api/v1/calls/{slug}/selection/proposal", tag = "selection", params(("slug" = String, Path)),
    request_body = Params, security(("session" = []), ("token" = [])),
    responses((status = 200, body = Proposal), (status = 422, body = ErrorBody, description = "infeasible: which rule to relax")))]
pub async fn propose(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    ApiJson(p): ApiJson<Params>,
) -> AppResult<Json<Proposal>> {
    Ok(Json(selection::propose(&app, ctx.require_user()?, &slug, ctx.i18n(), &p).await?.1))
}

#[derive(Serialize, ToSchema)]
pub struct Confirmed {
    /// Decisions recorded or changed.
    pub changed: usize,
}

/// Record the proposal for these rules as the decisions (logged with their reasons).
#[utoipa::path(put, path = "/api/v1/calls/{slug}/selection", tag = "selection", params(("slug" = String, Path)),
    request_body = Params, security(("session" = []), ("token" = [])),
    responses((status = 200, body = Confirmed), (status = 422, body = ErrorBody)))]
pub async fn confirm(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    ApiJson(p): ApiJson<Params>,
) -> AppResult<Json<Confirmed>> {
    Ok(Json(Confirmed { changed: selection::confirm(&app, ctx.require_user()?, &slug, ctx.i18n(), &p).await? }))
}

#[derive(Serialize, ToSchema)]
pub struct DecisionOut {
    pub application: i64,
    /// selected, waitlisted or rejected
    pub decision: String,
    pub reason: String,
    pub waitlist_rank: Option<i64>,
    pub decided_at: i64,
    /// When the applicant was e-mailed the result.
    pub notified_at: Option<i64>,
}

/// The decisions of the call.
#[utoipa::path(get, path = "/api/v1/calls/{slug}/decisions", tag = "selection", params(("slug" = String, Path)),
    security(("session" = []), ("token" = [])), responses((status = 200, body = Vec<DecisionOut>)))]
pub async fn decisions(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> AppResult<Json<Vec<DecisionOut>>> {
    let (_, d, _) = selection::decisions(&app, ctx.require_user()?, &slug).await?;
    Ok(Json(
        d.into_iter()
            .map(|d| DecisionOut {
                application: d.application_id,
                decision: d.decision,
                reason: d.reason,
                waitlist_rank: d.waitlist_rank,
                decided_at: d.decided_at,
                notified_at: d.notified_at,
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct Notified {
    pub sent: usize,
}

/// E-mail the result to each applicant not told yet, in her language.
#[utoipa::path(post, path = "/api/v1/calls/{slug}/decisions/notify", tag = "selection", params(("slug" = String, Path)),
    security(("session" = []), ("token" = [])), responses((status = 200, body = Notified)))]
pub async fn notify(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>) -> AppResult<Json<Notified>> {
    Ok(Json(Notified { sent: selection::notify(&app, ctx.require_user()?, &slug).await? }))
}

#[derive(serde::Deserialize, ToSchema)]
pub struct Decline {
    /// What she said (recorded with the decision).
    pub reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct Declined {
    /// The application that takes the place, if one keeps every rule met.
    pub promoted: Option<i64>,
}

/// A selected person declines: the best candidate who keeps every rule met takes her
/// place; the others stay.
#[utoipa::path(post, path = "/api/v1/calls/{slug}/decisions/{application}/decline", tag = "selection",
    params(("slug" = String, Path), ("application" = i64, Path)), request_body = Decline,
    security(("session" = []), ("token" = [])), responses((status = 200, body = Declined), (status = 422, body = ErrorBody)))]
pub async fn decline(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, application)): Path<(String, i64)>,
    ApiJson(d): ApiJson<Decline>,
) -> AppResult<Json<Declined>> {
    let promoted = selection::decline(&app, ctx.require_user()?, &slug, ctx.i18n(), application, &d.reason).await?;
    Ok(Json(Declined { promoted }))
}

/// The messages that tell applicants their result, per decision and language, as they
/// will be sent (`custom` when a manager rewrote one).
#[utoipa::path(get, path = "/api/v1/calls/{slug}/selection/messages", tag = "selection", params(("slug" = String, Path)),
    security(("session" = []), ("token" = [])), responses((status = 200, body = Vec<crate::decision_messages::Message>)))]
pub async fn messages(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> AppResult<Json<Vec<crate::decision_messages::Message>>> {
    Ok(Json(crate::decision_messages::list(&app, ctx.require_user()?, &slug).await?.1))
}

/// Rewrite some of the messages (or put them back to the default with `reset`). Subjects
/// and bodies may use {name}, {call} and {rank}; any other placeholder is refused, and
/// nothing is saved unless every message given is valid.
#[utoipa::path(put, path = "/api/v1/calls/{slug}/selection/messages", tag = "selection", params(("slug" = String, Path)),
    request_body = Vec<crate::decision_messages::MessageInput>, security(("session" = []), ("token" = [])),
    responses((status = 200, body = Vec<crate::decision_messages::Message>), (status = 422, body = ErrorBody)))]
pub async fn save_messages(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    ApiJson(m): ApiJson<Vec<crate::decision_messages::MessageInput>>,
) -> AppResult<Json<Vec<crate::decision_messages::Message>>> {
    Ok(Json(crate::decision_messages::save(&app, ctx.require_user()?, &slug, &m).await?))
}
