//! Exercises through the API: for learners, an exercise with their work, saving a draft or
//! sending the work (what the page's offline queue calls), peer ratings of teammates and
//! their progress; for tutors, the submissions of an exercise, the grading queue, grading on
//! the rubric, releasing grades, peer results and the cohort board; for managers, adding,
//! editing and deleting exercises.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};

use super::courses::Created;
use super::ErrorBody;
use crate::app::App;
use crate::domain::exercise::Work;
use crate::error::AppResult;
use crate::exercises::{
    self, ExerciseInput, ExerciseView, ForGrading, GradeInput, GradeView, PeerLine, PeerView, SubmissionView,
};
use crate::progress::{self, Board};
use crate::web::context::Ctx;
use crate::web::extract::ApiJson;

/// An exercise of an open module with the caller's work (or her team's), her released grade
/// and feedback, and for a team exercise her teammates to rate. 403 while the module is
/// not open.
#[utoipa::path(get, path = "/api/v1/courses/{slug}/exercises/{id}", tag = "exercises",
    params(("slug" = String, Path), ("id" = i64, Path)), security(("session" = []), ("token" = [])),
    responses((status = 200, body = ExerciseView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_one(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
) -> AppResult<Json<ExerciseView>> {
    let (_, v) = exercises::get(&app, ctx.require_user()?, &slug, id, ctx.locale).await?;
    Ok(Json(v))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct WorkInput {
    /// The work: `text`, `link`, `upload` (a finished resumable upload's id) or `form`,
    /// according to the exercise's answer type.
    pub work: Work,
    /// true: send it to the tutors (whole, within the late policy); false: keep a draft.
    #[serde(default)]
    pub send: bool,
}

/// Save a draft or send the work (the learner's, or her team's for a team exercise).
/// Sending again replaces the work until it is graded. 403 before the module opens or
/// after the refusal point, 409 once graded (or a draft over sent work), 422 with what to
/// fix (`text`, `link`, `upload` or a form question).
#[utoipa::path(post, path = "/api/v1/courses/{slug}/exercises/{id}/submission", tag = "exercises",
    params(("slug" = String, Path), ("id" = i64, Path)), request_body = WorkInput, security(("session" = []), ("token" = [])),
    responses((status = 200, body = SubmissionView), (status = 403, body = ErrorBody, description = "module not open, refused after the grace period, not a learner, no team"), (status = 409, body = ErrorBody, description = "already graded"), (status = 422, body = ErrorBody)))]
pub async fn submit(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
    ApiJson(input): ApiJson<WorkInput>,
) -> AppResult<Json<SubmissionView>> {
    Ok(Json(exercises::save(&app, ctx.require_user()?, &slug, id, &input.work, input.send).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct RatingsInput {
    /// Score per teammate's user id, on the scale (1 to 5).
    #[schema(value_type = Object)]
    pub scores: BTreeMap<i64, i32>,
}

/// Rate the teamwork of one's teammates on a team exercise (replaces one's earlier
/// ratings). Anonymous: each sees only her own received score, once two teammates rated.
/// 422 for oneself, someone outside the team, or a score off the scale.
#[utoipa::path(put, path = "/api/v1/courses/{slug}/exercises/{id}/peer-ratings", tag = "exercises",
    params(("slug" = String, Path), ("id" = i64, Path)), request_body = RatingsInput, security(("session" = []), ("token" = [])),
    responses((status = 200, body = PeerView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn rate(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
    ApiJson(input): ApiJson<RatingsInput>,
) -> AppResult<Json<PeerView>> {
    Ok(Json(exercises::rate(&app, ctx.require_user()?, &slug, id, &input.scores).await?))
}

/// Each team member's aggregated teamwork on an exercise (managers and tutors): ratings
/// received and the damped score.
#[utoipa::path(get, path = "/api/v1/courses/{slug}/exercises/{id}/peer-ratings", tag = "exercises",
    params(("slug" = String, Path), ("id" = i64, Path)), security(("session" = []), ("token" = [])),
    responses((status = 200, body = Vec<PeerLine>), (status = 403, body = ErrorBody)))]
pub async fn peer_results(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
) -> AppResult<Json<Vec<PeerLine>>> {
    Ok(Json(exercises::peer_results(&app, ctx.require_user()?, &slug, id).await?))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct SubmissionLineView {
    pub id: i64,
    pub exercise_id: i64,
    pub team: Option<i64>,
    /// draft or sent
    pub state: String,
    pub version: i64,
    pub sent_at: Option<i64>,
    pub late: bool,
    /// The grade, 0 to 100, once graded.
    pub grade: Option<f64>,
    pub released: bool,
    pub members: String,
}

impl From<&crate::store::exercises::SubmissionLine> for SubmissionLineView {
    fn from(l: &crate::store::exercises::SubmissionLine) -> SubmissionLineView {
        SubmissionLineView {
            id: l.id,
            exercise_id: l.exercise_id,
            team: l.team_number,
            state: l.state.clone(),
            version: l.version,
            sent_at: l.sent_at,
            late: l.late == 1,
            grade: l.score_milli.map(exercises::percent),
            released: l.released_at.is_some(),
            members: l.members.clone(),
        }
    }
}

/// The submissions of an exercise, drafts included, with their grades (managers and tutors).
#[utoipa::path(get, path = "/api/v1/courses/{slug}/exercises/{id}/submissions", tag = "exercises",
    params(("slug" = String, Path), ("id" = i64, Path)), security(("session" = []), ("token" = [])),
    responses((status = 200, body = Vec<SubmissionLineView>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn submissions(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
) -> AppResult<Json<Vec<SubmissionLineView>>> {
    let (_, _, lines) = exercises::submissions(&app, ctx.require_user()?, &slug, id).await?;
    Ok(Json(lines.iter().map(SubmissionLineView::from).collect()))
}

/// Work sent and not graded yet, oldest first: the tutors' queue.
#[utoipa::path(get, path = "/api/v1/courses/{slug}/grading-queue", tag = "exercises",
    params(("slug" = String, Path)), security(("session" = []), ("token" = [])),
    responses((status = 200, body = Vec<SubmissionLineView>), (status = 403, body = ErrorBody)))]
pub async fn queue(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> AppResult<Json<Vec<SubmissionLineView>>> {
    let (_, lines) = exercises::queue(&app, ctx.require_user()?, &slug).await?;
    Ok(Json(lines.iter().map(|(l, _)| SubmissionLineView::from(l)).collect()))
}

/// A submission for grading: the work, the rubric, the grade so far, the automatic
/// reactivity and its suggestion on the reactivity criterion's scale.
#[utoipa::path(get, path = "/api/v1/courses/{slug}/submissions/{id}", tag = "exercises",
    params(("slug" = String, Path), ("id" = i64, Path)), security(("session" = []), ("token" = [])),
    responses((status = 200, body = ForGrading), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn submission(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
) -> AppResult<Json<ForGrading>> {
    let (_, g) = exercises::for_grading(&app, ctx.require_user()?, &slug, id).await?;
    Ok(Json(g))
}

/// Grade sent work on the exercise's rubric (every required criterion within its scale,
/// the feedback when the rubric asks for it); grading again corrects. From then on the
/// work is no longer replaced. 422 naming the criterion, 409 for a draft.
#[utoipa::path(put, path = "/api/v1/courses/{slug}/submissions/{id}/grade", tag = "exercises",
    params(("slug" = String, Path), ("id" = i64, Path)), request_body = GradeInput, security(("session" = []), ("token" = [])),
    responses((status = 200, body = GradeView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn grade(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
    ApiJson(input): ApiJson<GradeInput>,
) -> AppResult<Json<GradeView>> {
    Ok(Json(exercises::grade(&app, ctx.require_user()?, &slug, id, &input).await?))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ReleasedView {
    /// Grades released by this call.
    pub released: u64,
}

/// Release the exercise's grades to the learners.
#[utoipa::path(post, path = "/api/v1/courses/{slug}/exercises/{id}/release", tag = "exercises",
    params(("slug" = String, Path), ("id" = i64, Path)), security(("session" = []), ("token" = [])),
    responses((status = 200, body = ReleasedView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn release(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
) -> AppResult<Json<ReleasedView>> {
    Ok(Json(ReleasedView { released: exercises::release(&app, ctx.require_user()?, &slug, id).await? }))
}

/// The caller's progress in the course: her weeks (released grades only) and signals.
#[utoipa::path(get, path = "/api/v1/courses/{slug}/progress", tag = "exercises",
    params(("slug" = String, Path)), security(("session" = []), ("token" = [])),
    responses((status = 200, body = Board), (status = 403, body = ErrorBody)))]
pub async fn my_progress(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>) -> AppResult<Json<Board>> {
    let (_, b) = progress::mine(&app, ctx.require_user()?, &slug).await?;
    Ok(Json(b))
}

/// The cohort × week board with every learner's signals and at-risk flags (managers and
/// tutors): what the selection of the next phase reads.
#[utoipa::path(get, path = "/api/v1/courses/{slug}/progress/cohort", tag = "exercises",
    params(("slug" = String, Path)), security(("session" = []), ("token" = [])),
    responses((status = 200, body = Board), (status = 403, body = ErrorBody)))]
pub async fn cohort(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>) -> AppResult<Json<Board>> {
    let (_, b) = progress::cohort(&app, ctx.require_user()?, &slug).await?;
    Ok(Json(b))
}

/// Add an exercise to a module. Defaults: individual, text answer, late work accepted and
/// flagged, the rubric motivation / reactivity / teamwork. Mistakes are reported per field.
#[utoipa::path(post, path = "/api/v1/courses/{slug}/modules/{id}/exercises", tag = "exercises",
    params(("slug" = String, Path), ("id" = i64, Path)), request_body = ExerciseInput, security(("session" = []), ("token" = [])),
    responses((status = 201, body = Created), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
    ApiJson(input): ApiJson<ExerciseInput>,
) -> AppResult<(StatusCode, Json<Created>)> {
    let id = exercises::create(&app, ctx.require_user()?, &slug, id, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Rewrite an exercise. Once work was sent, its grouping and answer type stay (422).
#[utoipa::path(put, path = "/api/v1/courses/{slug}/exercises/{id}", tag = "exercises",
    params(("slug" = String, Path), ("id" = i64, Path)), request_body = ExerciseInput, security(("session" = []), ("token" = [])),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
    ApiJson(input): ApiJson<ExerciseInput>,
) -> AppResult<StatusCode> {
    exercises::update(&app, ctx.require_user()?, &slug, id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Delete an exercise with its submissions, grades and ratings.
#[utoipa::path(delete, path = "/api/v1/courses/{slug}/exercises/{id}", tag = "exercises",
    params(("slug" = String, Path), ("id" = i64, Path)), security(("session" = []), ("token" = [])),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn delete(State(app): State<App>, ctx: Ctx, Path((slug, id)): Path<(String, i64)>) -> AppResult<StatusCode> {
    exercises::delete(&app, ctx.require_user()?, &slug, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
