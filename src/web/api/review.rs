//! Review of applications through the API: the manager's settings, reviewers, assignment
//! and results; the reviewer's queue and scores.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ErrorBody;
use crate::app::App;
use crate::error::AppResult;
use crate::review::{self, AssignReport, QueueItem, Results, ReviewerInput, ReviewingCall, Settings};
use crate::web::context::Ctx;
use crate::web::extract::ApiJson;

/// How the call is reviewed (rubric, blind, reviewers per application, conflict rules).
#[utoipa::path(get, path = "/api/v1/calls/{slug}/review", tag = "review", params(("slug" = String, Path)),
    security(("session" = []), ("token" = [])), responses((status = 200, body = Settings), (status = 404, body = ErrorBody)))]
pub async fn get_settings(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>) -> AppResult<Json<Settings>> {
    Ok(Json(review::settings(&app, ctx.require_user()?, &slug).await?.1))
}

/// Change how the call is reviewed. The rubric is checked (criteria with a name, a scale
/// whose bottom is below its top, a weight of at least 1).
#[utoipa::path(put, path = "/api/v1/calls/{slug}/review", tag = "review", params(("slug" = String, Path)), request_body = Settings,
    security(("session" = []), ("token" = [])), responses((status = 200, body = Settings), (status = 422, body = ErrorBody)))]
pub async fn put_settings(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    ApiJson(s): ApiJson<Settings>,
) -> AppResult<Json<Settings>> {
    let user = ctx.require_user()?;
    review::save_settings(&app, user, &slug, &s).await?;
    Ok(Json(review::settings(&app, user, &slug).await?.1))
}

#[derive(Serialize, ToSchema)]
pub struct AddedReviewer {
    pub id: i64,
    pub email: String,
    pub name: String,
}

/// The call's reviewers with their progress and leaning.
#[utoipa::path(get, path = "/api/v1/calls/{slug}/reviewers", tag = "review", params(("slug" = String, Path)),
    security(("session" = []), ("token" = [])), responses((status = 200, body = Vec<review::ReviewerProgress>)))]
pub async fn list_reviewers(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> AppResult<Json<Vec<review::ReviewerProgress>>> {
    Ok(Json(review::results(&app, ctx.require_user()?, &slug).await?.2.reviewers))
}

/// Invite a reviewer by e-mail (an invitation is sent); she reviews once signed in with
/// that address, confirmed.
#[utoipa::path(post, path = "/api/v1/calls/{slug}/reviewers", tag = "review", params(("slug" = String, Path)), request_body = ReviewerInput,
    security(("session" = []), ("token" = [])), responses((status = 201, body = AddedReviewer), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_reviewer(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    ApiJson(input): ApiJson<ReviewerInput>,
) -> AppResult<(StatusCode, Json<AddedReviewer>)> {
    let r = review::add_reviewer(&app, ctx.require_user()?, &slug, &input).await?;
    Ok((StatusCode::CREATED, Json(AddedReviewer { id: r.id, email: r.email, name: r.name })))
}

#[derive(Serialize, ToSchema)]
pub struct Dropped {
    /// Assignments made to replace her (her submitted scores stay).
    pub reassigned: usize,
}

/// A reviewer drops out: her unsubmitted assignments go to others.
#[utoipa::path(delete, path = "/api/v1/calls/{slug}/reviewers/{id}", tag = "review", params(("slug" = String, Path), ("id" = i64, Path)),
    security(("session" = []), ("token" = [])), responses((status = 200, body = Dropped), (status = 404, body = ErrorBody)))]
pub async fn drop_reviewer(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
) -> AppResult<Json<Dropped>> {
    Ok(Json(Dropped { reassigned: review::drop_reviewer(&app, ctx.require_user()?, &slug, id).await? }))
}

#[derive(Deserialize, ToSchema)]
pub struct ConflictInput {
    pub application: i64,
    pub reason: String,
}

/// Mark a conflict of interest between a reviewer and an application.
#[utoipa::path(post, path = "/api/v1/calls/{slug}/reviewers/{id}/conflicts", tag = "review", params(("slug" = String, Path), ("id" = i64, Path)),
    request_body = ConflictInput, security(("session" = []), ("token" = [])),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_conflict(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
    ApiJson(c): ApiJson<ConflictInput>,
) -> AppResult<StatusCode> {
    review::set_conflict(&app, ctx.require_user()?, &slug, id, c.application, &c.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Assign every sent, eligible application to k reviewers (balanced loads; conflicts of
/// interest and languages respected). Assignments already made are kept; run it again after
/// adding reviewers or applications.
#[utoipa::path(post, path = "/api/v1/calls/{slug}/assignments", tag = "review", params(("slug" = String, Path)),
    security(("session" = []), ("token" = [])), responses((status = 200, body = AssignReport)))]
pub async fn assign(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>) -> AppResult<Json<AssignReport>> {
    Ok(Json(review::assign(&app, ctx.require_user()?, &slug).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct Move {
    pub application: i64,
    /// The reviewer who has it (her review not submitted).
    pub from: i64,
    /// The reviewer who gets it.
    pub to: i64,
}

/// Move one assignment by hand to another reviewer.
#[utoipa::path(post, path = "/api/v1/calls/{slug}/assignments/move", tag = "review", params(("slug" = String, Path)),
    request_body = Move, security(("session" = []), ("token" = [])),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "already submitted"), (status = 422, body = ErrorBody)))]
pub async fn move_assignment(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    ApiJson(m): ApiJson<Move>,
) -> AppResult<StatusCode> {
    review::reassign(&app, ctx.require_user()?, &slug, m.application, m.from, m.to).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Progress, scores (raw and normalised), disagreements and the ranking.
#[utoipa::path(get, path = "/api/v1/calls/{slug}/review/results", tag = "review", params(("slug" = String, Path)),
    security(("session" = []), ("token" = [])), responses((status = 200, body = Results)))]
pub async fn results(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>) -> AppResult<Json<Results>> {
    Ok(Json(review::results(&app, ctx.require_user()?, &slug).await?.2))
}

/// The calls I review, with my progress.
#[utoipa::path(get, path = "/api/v1/reviews", tag = "review", security(("session" = []), ("token" = [])),
    responses((status = 200, body = Vec<ReviewingCall>)))]
pub async fn my_calls(State(app): State<App>, ctx: Ctx) -> AppResult<Json<Vec<ReviewingCall>>> {
    Ok(Json(review::my_calls(&app, ctx.require_user()?).await?))
}

/// My queue for a call: what is left to score first.
#[utoipa::path(get, path = "/api/v1/calls/{slug}/reviews", tag = "review", params(("slug" = String, Path)),
    security(("session" = []), ("token" = [])), responses((status = 200, body = Vec<QueueItem>), (status = 404, body = ErrorBody)))]
pub async fn my_queue(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>) -> AppResult<Json<Vec<QueueItem>>> {
    Ok(Json(review::queue(&app, ctx.require_user()?, &slug).await?.items))
}

/// An application given to me, as I may read it, with my scores.
#[derive(Serialize, ToSchema)]
pub struct ReviewOut {
    pub application: i64,
    /// The applicant's name; absent when the call is blind.
    pub applicant: Option<String>,
    /// Answers by question id (identifying ones left out when the call is blind).
    #[schema(value_type = Object)]
    pub answers: crate::domain::form::Answers,
    pub files: Vec<super::attachments::Attachment>,
    #[schema(value_type = Object)]
    pub form: crate::domain::form::Form,
    #[schema(value_type = Object)]
    pub rubric: crate::domain::rubric::Rubric,
    /// assigned, draft or submitted
    pub status: String,
    #[schema(value_type = Object)]
    pub scores: crate::domain::rubric::Scores,
    pub comment: String,
    /// My weighted score out of 100, once submitted.
    pub score: Option<f64>,
}

fn review_out(d: review::ReviewDossier) -> ReviewOut {
    let blind = d.settings.blind;
    let form = if blind {
        let mut f = d.form.clone();
        for s in &mut f.sections {
            s.questions.retain(|q| !q.identifying);
        }
        f
    } else {
        d.form.clone()
    };
    ReviewOut {
        application: d.application_id,
        applicant: d.applicant,
        answers: d.answers,
        files: d.files.values().map(super::attachments::Attachment::from).collect(),
        form,
        rubric: d.settings.rubric,
        status: d.review.status,
        scores: d.scores,
        comment: d.review.comment,
        score: d.review.score_milli.map(|m| m as f64 / 1000.0),
    }
}

#[utoipa::path(get, path = "/api/v1/calls/{slug}/reviews/{application}", tag = "review", params(("slug" = String, Path), ("application" = i64, Path)),
    security(("session" = []), ("token" = [])), responses((status = 200, body = ReviewOut), (status = 404, body = ErrorBody, description = "not assigned to me")))]
pub async fn get_review(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, application)): Path<(String, i64)>,
) -> AppResult<Json<ReviewOut>> {
    Ok(Json(review_out(review::open(&app, ctx.require_user()?, &slug, application).await?)))
}

#[derive(Deserialize, ToSchema)]
pub struct SaveReview {
    /// Score by criterion id, within each criterion's scale.
    #[schema(value_type = Object)]
    pub scores: crate::domain::rubric::Scores,
    #[serde(default)]
    pub comment: String,
    /// Send the review (complete, then final); otherwise a draft.
    #[serde(default)]
    pub submit: bool,
}

/// Save my scores as a draft, or submit them (final).
#[utoipa::path(put, path = "/api/v1/calls/{slug}/reviews/{application}", tag = "review", params(("slug" = String, Path), ("application" = i64, Path)),
    request_body = SaveReview, security(("session" = []), ("token" = [])),
    responses((status = 200, body = ReviewOut), (status = 400, body = ErrorBody, description = "review period over"),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "already submitted"), (status = 422, body = ErrorBody)))]
pub async fn put_review(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, application)): Path<(String, i64)>,
    ApiJson(r): ApiJson<SaveReview>,
) -> AppResult<Json<ReviewOut>> {
    let user = ctx.require_user()?;
    review::save(&app, user, &slug, application, &r.scores, &r.comment, r.submit).await?;
    Ok(Json(review_out(review::open(&app, user, &slug, application).await?)))
}

#[derive(Deserialize, ToSchema)]
pub struct DeclareConflict {
    pub reason: String,
}

/// I have a conflict of interest with this application: it goes to another reviewer.
#[utoipa::path(post, path = "/api/v1/calls/{slug}/reviews/{application}/conflict", tag = "review", params(("slug" = String, Path), ("application" = i64, Path)),
    request_body = DeclareConflict, security(("session" = []), ("token" = [])),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn declare_conflict(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, application)): Path<(String, i64)>,
    ApiJson(c): ApiJson<DeclareConflict>,
) -> AppResult<StatusCode> {
    review::declare_conflict(&app, ctx.require_user()?, &slug, application, &c.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}
