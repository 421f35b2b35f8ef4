//! The participants of a programme's phases through the API.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;

use super::ErrorBody;
use crate::app::App;
use crate::error::AppResult;
use crate::participants::{self, Enrolment, Participant};
use crate::web::context::Ctx;
use crate::web::extract::ApiJson;

/// The participants of a phase: those a call's selection brought in and those enrolled by
/// hand.
#[utoipa::path(get, path = "/api/v1/programmes/{slug}/phases/{id}/participants", tag = "programmes",
    params(("slug" = String, Path), ("id" = i64, Path)), security(("session" = []), ("token" = [])),
    responses((status = 200, body = Vec<Participant>), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
) -> AppResult<Json<Vec<Participant>>> {
    let (_, _, people) = participants::list(&app, ctx.require_user()?, &slug, id).await?;
    Ok(Json(people.into_iter().map(Participant::from).collect()))
}

/// Enrol someone by hand, by the e-mail address of her account.
#[utoipa::path(post, path = "/api/v1/programmes/{slug}/phases/{id}/participants", tag = "programmes",
    params(("slug" = String, Path), ("id" = i64, Path)), request_body = Enrolment, security(("session" = []), ("token" = [])),
    responses((status = 201), (status = 409, body = ErrorBody, description = "already a participant"), (status = 422, body = ErrorBody)))]
pub async fn add(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
    ApiJson(e): ApiJson<Enrolment>,
) -> AppResult<StatusCode> {
    participants::add(&app, ctx.require_user()?, &slug, id, &e).await?;
    Ok(StatusCode::CREATED)
}

/// Take out someone enrolled by hand (those a selection brought in leave by declining
/// their place).
#[utoipa::path(delete, path = "/api/v1/programmes/{slug}/phases/{id}/participants/{user}", tag = "programmes",
    params(("slug" = String, Path), ("id" = i64, Path), ("user" = i64, Path)), security(("session" = []), ("token" = [])),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn remove(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id, user)): Path<(String, i64, i64)>,
) -> AppResult<StatusCode> {
    participants::remove(&app, ctx.require_user()?, &slug, id, user).await?;
    Ok(StatusCode::NO_CONTENT)
}
