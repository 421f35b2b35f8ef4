//! Quizzes through the API: for learners, a quiz (without its answers until they may be
//! seen), starting an attempt, sending its answers (graded at once) and their attempts; for
//! managers, adding, editing (definition as JSON, or the editor's text format) and deleting.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};

use super::courses::Created;
use super::ErrorBody;
use crate::app::App;
use crate::domain::quiz::Answers;
use crate::error::AppResult;
use crate::quizzes::{self, AttemptView, QuizInput, QuizView, Submitted};
use crate::web::context::Ctx;
use crate::web::extract::ApiJson;

/// A quiz of an open module: questions and options, the caller's attempts; the right
/// answers and explanations only once she passed or used every attempt (always for
/// managers and tutors, who also get `definition`). 403 while the module is not open.
#[utoipa::path(get, path = "/api/v1/courses/{slug}/quizzes/{id}", tag = "quizzes",
    params(("slug" = String, Path), ("id" = i64, Path)), security(("session" = []), ("token" = [])),
    responses((status = 200, body = QuizView), (status = 403, body = ErrorBody, description = "module not open yet, not enrolled, or not in the cohort"), (status = 404, body = ErrorBody)))]
pub async fn get_one(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
) -> AppResult<Json<QuizView>> {
    let (_, v) = quizzes::get(&app, ctx.require_user()?, &slug, id).await?;
    Ok(Json(v))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Started {
    /// The attempt to send answers to.
    pub number: u32,
}

/// Start an attempt (201), or get the one in progress (200). 403 with the reason once
/// every attempt is used, or for someone who does not follow the course as a learner.
#[utoipa::path(post, path = "/api/v1/courses/{slug}/quizzes/{id}/attempts", tag = "quizzes",
    params(("slug" = String, Path), ("id" = i64, Path)), security(("session" = []), ("token" = [])),
    responses((status = 201, body = Started), (status = 200, body = Started, description = "an attempt already in progress"), (status = 403, body = ErrorBody, description = "no attempt left, module not open, not a learner")))]
pub async fn start(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
) -> AppResult<(StatusCode, Json<Started>)> {
    let (number, new) = quizzes::start(&app, ctx.require_user()?, &slug, id).await?;
    Ok((if new { StatusCode::CREATED } else { StatusCode::OK }, Json(Started { number })))
}

/// The caller's attempts at a quiz, first to last.
#[utoipa::path(get, path = "/api/v1/courses/{slug}/quizzes/{id}/attempts", tag = "quizzes",
    params(("slug" = String, Path), ("id" = i64, Path)), security(("session" = []), ("token" = [])),
    responses((status = 200, body = Vec<AttemptView>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn mine(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
) -> AppResult<Json<Vec<AttemptView>>> {
    let (_, v) = quizzes::get(&app, ctx.require_user()?, &slug, id).await?;
    Ok(Json(v.attempts))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct AnswersInput {
    /// By question id: an option id, a list of option ids, or a text.
    #[schema(value_type = Object)]
    pub answers: Answers,
}

/// Send the answers of attempt `number` (the one in progress; the next one starts if none
/// is): graded at once, with the feedback per question. Once only: a second submission,
/// or answers for another attempt, is a 409; a question or option the quiz does not have,
/// a 422.
#[utoipa::path(put, path = "/api/v1/courses/{slug}/quizzes/{id}/attempts/{number}", tag = "quizzes",
    params(("slug" = String, Path), ("id" = i64, Path), ("number" = u32, Path)), request_body = AnswersInput,
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Submitted), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody, description = "already submitted, or another attempt"), (status = 422, body = ErrorBody)))]
pub async fn submit(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id, number)): Path<(String, i64, u32)>,
    ApiJson(input): ApiJson<AnswersInput>,
) -> AppResult<Json<Submitted>> {
    Ok(Json(quizzes::submit(&app, ctx.require_user()?, &slug, id, number, &input.answers).await?))
}

/// Add a quiz to a module: `definition` as JSON (questions, pass_percent, max_attempts), or
/// `text` in the editor's format with `pass_percent` and `max_attempts`. Checked; mistakes
/// are reported on `title`, `questions`, `pass_percent`, `max_attempts` or `definition`.
#[utoipa::path(post, path = "/api/v1/courses/{slug}/modules/{id}/quizzes", tag = "quizzes",
    params(("slug" = String, Path), ("id" = i64, Path)), request_body = QuizInput, security(("session" = []), ("token" = [])),
    responses((status = 201, body = Created), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
    ApiJson(input): ApiJson<QuizInput>,
) -> AppResult<(StatusCode, Json<Created>)> {
    let id = quizzes::create(&app, ctx.require_user()?, &slug, id, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Rewrite a quiz (past attempts keep their results).
#[utoipa::path(put, path = "/api/v1/courses/{slug}/quizzes/{id}", tag = "quizzes",
    params(("slug" = String, Path), ("id" = i64, Path)), request_body = QuizInput, security(("session" = []), ("token" = [])),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
    ApiJson(input): ApiJson<QuizInput>,
) -> AppResult<StatusCode> {
    quizzes::update(&app, ctx.require_user()?, &slug, id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Delete a quiz and its attempts.
#[utoipa::path(delete, path = "/api/v1/courses/{slug}/quizzes/{id}", tag = "quizzes",
    params(("slug" = String, Path), ("id" = i64, Path)), security(("session" = []), ("token" = [])),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn delete(State(app): State<App>, ctx: Ctx, Path((slug, id)): Path<(String, i64)>) -> AppResult<StatusCode> {
    quizzes::delete(&app, ctx.require_user()?, &slug, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
