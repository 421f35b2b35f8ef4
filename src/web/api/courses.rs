//! Courses through the API: for learners, their courses, a course's structure and its
//! lessons, self-enrolment in an open course; for managers, creating, editing, publishing
//! and copying a course, its modules and lessons.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;

use super::ErrorBody;
use crate::app::App;
use crate::courses::{self, CopyInput, CourseInput, CourseSummary, CourseView, LessonInput, LessonView, ModuleInput};
use crate::error::AppResult;
use crate::web::context::Ctx;
use crate::web::extract::ApiJson;

#[derive(Serialize, utoipa::ToSchema)]
pub struct Created {
    pub id: i64,
}

/// The courses the caller follows, tutors or manages.
#[utoipa::path(get, path = "/api/v1/courses", tag = "courses", security(("session" = []), ("token" = [])),
    responses((status = 200, body = Vec<CourseSummary>), (status = 401, body = ErrorBody)))]
pub async fn mine(State(app): State<App>, ctx: Ctx) -> AppResult<Json<Vec<CourseSummary>>> {
    let rows = courses::mine(&app, ctx.require_user()?).await?;
    Ok(Json(rows.iter().map(CourseSummary::from).collect()))
}

/// A course's structure as the caller may see it: every module with its opening instant;
/// the lessons of the modules already open (all of them for managers and tutors).
#[utoipa::path(get, path = "/api/v1/courses/{slug}", tag = "courses", params(("slug" = String, Path)),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = CourseView), (status = 403, body = ErrorBody, description = "not in the cohort"), (status = 404, body = ErrorBody)))]
pub async fn get_one(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>) -> AppResult<Json<CourseView>> {
    Ok(Json(courses::outline(&app, ctx.require_user()?, &slug).await?))
}

/// Edit the course: title, mode, status (`published` publishes it), time zone.
#[utoipa::path(put, path = "/api/v1/courses/{slug}", tag = "courses", params(("slug" = String, Path)),
    request_body = CourseInput, security(("session" = []), ("token" = [])),
    responses((status = 200, body = CourseView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    ApiJson(input): ApiJson<CourseInput>,
) -> AppResult<Json<CourseView>> {
    let user = ctx.require_user()?;
    courses::update(&app, user, &slug, &input).await?;
    Ok(Json(courses::outline(&app, user, &slug).await?))
}

/// One lesson, with its body (Markdown, and HTML in the caller's language) and its
/// neighbours. 403 while its module is not open.
#[utoipa::path(get, path = "/api/v1/courses/{slug}/lessons/{id}", tag = "courses",
    params(("slug" = String, Path), ("id" = i64, Path)), security(("session" = []), ("token" = [])),
    responses((status = 200, body = LessonView), (status = 403, body = ErrorBody, description = "module not open yet, or not enrolled"), (status = 404, body = ErrorBody)))]
pub async fn lesson(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
) -> AppResult<Json<LessonView>> {
    let (_, l) = courses::lesson(&app, ctx.require_user()?, &slug, id, ctx.locale).await?;
    Ok(Json(l))
}

/// Enrol oneself in a published open course (201; 200 when already enrolled).
#[utoipa::path(post, path = "/api/v1/courses/{slug}/enrolment", tag = "courses", params(("slug" = String, Path)),
    security(("session" = []), ("token" = [])),
    responses((status = 201), (status = 200, description = "already enrolled"), (status = 403, body = ErrorBody, description = "a draft or a cohort course")))]
pub async fn enrol(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>) -> AppResult<StatusCode> {
    let added = courses::enrol(&app, ctx.require_user()?, &slug).await?;
    Ok(if added { StatusCode::CREATED } else { StatusCode::OK })
}

/// Create the course of a phase (a draft unless said; empty fields get defaults).
#[utoipa::path(post, path = "/api/v1/programmes/{slug}/phases/{id}/course", tag = "courses",
    params(("slug" = String, Path), ("id" = i64, Path)), request_body = CourseInput, security(("session" = []), ("token" = [])),
    responses((status = 201, body = CourseView), (status = 409, body = ErrorBody, description = "the phase has a course, or the address is taken"), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
    ApiJson(input): ApiJson<CourseInput>,
) -> AppResult<(StatusCode, Json<CourseView>)> {
    let user = ctx.require_user()?;
    let c = courses::create(&app, user, &slug, id, &input).await?;
    Ok((StatusCode::CREATED, Json(courses::outline(&app, user, &c.slug).await?)))
}

/// Copy the course into another phase: modules and lessons kept, every opening date moved
/// by the same whole number of weeks to the week of `first_week`; the copy is a draft.
#[utoipa::path(post, path = "/api/v1/courses/{slug}/copy", tag = "courses", params(("slug" = String, Path)),
    request_body = CopyInput, security(("session" = []), ("token" = [])),
    responses((status = 201, body = CourseView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn copy(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    ApiJson(input): ApiJson<CopyInput>,
) -> AppResult<(StatusCode, Json<CourseView>)> {
    let user = ctx.require_user()?;
    let c = courses::copy(&app, user, &slug, &input).await?;
    Ok((StatusCode::CREATED, Json(courses::outline(&app, user, &c.slug).await?)))
}

/// Add a module (at `position`, else at the end). Dates must not go back from one module
/// to the next.
#[utoipa::path(post, path = "/api/v1/courses/{slug}/modules", tag = "courses", params(("slug" = String, Path)),
    request_body = ModuleInput, security(("session" = []), ("token" = [])),
    responses((status = 201, body = Created), (status = 422, body = ErrorBody)))]
pub async fn add_module(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    ApiJson(input): ApiJson<ModuleInput>,
) -> AppResult<(StatusCode, Json<Created>)> {
    let id = courses::add_module(&app, ctx.require_user()?, &slug, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Edit a module; `position` moves it.
#[utoipa::path(put, path = "/api/v1/courses/{slug}/modules/{id}", tag = "courses",
    params(("slug" = String, Path), ("id" = i64, Path)), request_body = ModuleInput, security(("session" = []), ("token" = [])),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_module(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
    ApiJson(input): ApiJson<ModuleInput>,
) -> AppResult<StatusCode> {
    courses::update_module(&app, ctx.require_user()?, &slug, id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Delete a module and its lessons.
#[utoipa::path(delete, path = "/api/v1/courses/{slug}/modules/{id}", tag = "courses",
    params(("slug" = String, Path), ("id" = i64, Path)), security(("session" = []), ("token" = [])),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody, description = "the last module of a published course")))]
pub async fn delete_module(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
) -> AppResult<StatusCode> {
    courses::delete_module(&app, ctx.require_user()?, &slug, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Add a lesson to a module (Markdown body, checked).
#[utoipa::path(post, path = "/api/v1/courses/{slug}/modules/{id}/lessons", tag = "courses",
    params(("slug" = String, Path), ("id" = i64, Path)), request_body = LessonInput, security(("session" = []), ("token" = [])),
    responses((status = 201, body = Created), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_lesson(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
    ApiJson(input): ApiJson<LessonInput>,
) -> AppResult<(StatusCode, Json<Created>)> {
    let id = courses::add_lesson(&app, ctx.require_user()?, &slug, id, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Edit a lesson; `position` moves it within its module.
#[utoipa::path(put, path = "/api/v1/courses/{slug}/modules/{id}/lessons/{lesson}", tag = "courses",
    params(("slug" = String, Path), ("id" = i64, Path), ("lesson" = i64, Path)), request_body = LessonInput,
    security(("session" = []), ("token" = [])),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_lesson(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id, lesson)): Path<(String, i64, i64)>,
    ApiJson(input): ApiJson<LessonInput>,
) -> AppResult<StatusCode> {
    courses::update_lesson(&app, ctx.require_user()?, &slug, id, lesson, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Delete a lesson.
#[utoipa::path(delete, path = "/api/v1/courses/{slug}/modules/{id}/lessons/{lesson}", tag = "courses",
    params(("slug" = String, Path), ("id" = i64, Path), ("lesson" = i64, Path)), security(("session" = []), ("token" = [])),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn delete_lesson(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id, lesson)): Path<(String, i64, i64)>,
) -> AppResult<StatusCode> {
    courses::delete_lesson(&app, ctx.require_user()?, &slug, id, lesson).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The course's tutors (managers).
#[utoipa::path(get, path = "/api/v1/courses/{slug}/tutors", tag = "courses",
    params(("slug" = String, Path)), security(("session" = []), ("token" = [])),
    responses((status = 200, body = Vec<crate::courses::Tutor>), (status = 403, body = ErrorBody)))]
pub async fn tutors(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> AppResult<Json<Vec<crate::courses::Tutor>>> {
    Ok(Json(crate::courses::tutors(&app, ctx.require_user()?, &slug).await?))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct TutorInput {
    /// The e-mail address of an existing account.
    pub email: String,
}

/// Make someone with an account a tutor of the course (422: no such account; 409: she
/// follows the course as a learner).
#[utoipa::path(post, path = "/api/v1/courses/{slug}/tutors", tag = "courses",
    params(("slug" = String, Path)), request_body = TutorInput, security(("session" = []), ("token" = [])),
    responses((status = 200, body = crate::courses::Tutor), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_tutor(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    ApiJson(input): ApiJson<TutorInput>,
) -> AppResult<Json<crate::courses::Tutor>> {
    Ok(Json(crate::courses::add_tutor(&app, ctx.require_user()?, &slug, &input.email).await?))
}

/// End someone's tutoring of the course.
#[utoipa::path(delete, path = "/api/v1/courses/{slug}/tutors/{id}", tag = "courses",
    params(("slug" = String, Path), ("id" = i64, Path)), security(("session" = []), ("token" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn remove_tutor(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
) -> AppResult<axum::http::StatusCode> {
    crate::courses::remove_tutor(&app, ctx.require_user()?, &slug, id).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
