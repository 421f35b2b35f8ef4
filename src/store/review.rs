//! Review of applications: settings per call, reviewers, conflicts of interest, reviews.

use sqlx::{Any, FromRow, Transaction};

use super::Db;
use crate::domain::time::unix_now;

#[derive(Clone, Debug, FromRow)]
pub struct SettingsRow {
    pub call_id: i64,
    pub rubric: String,
    pub blind: i64,
    pub per_application: i64,
    pub same_country_conflict: i64,
    pub same_organisation_conflict: i64,
    pub closes_at: Option<i64>,
}

pub async fn settings(db: &Db, call_id: i64) -> anyhow::Result<Option<SettingsRow>> {
    Ok(sqlx::query_as(
        "SELECT call_id, rubric, blind, per_application, same_country_conflict, same_organisation_conflict, \
         closes_at FROM review_settings WHERE call_id = $1",
    )
    .bind(call_id)
    .fetch_optional(&db.pool)
    .await?)
}

pub async fn save_settings(db: &Db, s: &SettingsRow) -> anyhow::Result<()> {
    let now = unix_now();
    sqlx::query(
        "INSERT INTO review_settings (call_id, rubric, blind, per_application, same_country_conflict, \
         same_organisation_conflict, closes_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (call_id) DO UPDATE SET rubric = $2, blind = $3, per_application = $4, \
         same_country_conflict = $5, same_organisation_conflict = $6, closes_at = $7, updated_at = $8",
    )
    .bind(s.call_id)
    .bind(&s.rubric)
    .bind(s.blind)
    .bind(s.per_application)
    .bind(s.same_country_conflict)
    .bind(s.same_organisation_conflict)
    .bind(s.closes_at)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(())
}

#[derive(Clone, Debug, FromRow)]
pub struct ReviewerRow {
    pub id: i64,
    pub call_id: i64,
    pub email: String,
    pub name: String,
    pub languages: String,
    pub country: String,
    pub organisation: String,
    pub active: i64,
}

const REVIEWER: &str = "id, call_id, email, name, languages, country, organisation, active";

pub async fn reviewers(db: &Db, call_id: i64) -> anyhow::Result<Vec<ReviewerRow>> {
    Ok(sqlx::query_as(&format!("SELECT {REVIEWER} FROM reviewers WHERE call_id = $1 ORDER BY id"))
        .bind(call_id)
        .fetch_all(&db.pool)
        .await?)
}

/// The reviewer a person is for a call, by her (confirmed) address.
pub async fn reviewer_by_email(db: &Db, call_id: i64, email: &str) -> anyhow::Result<Option<ReviewerRow>> {
    Ok(sqlx::query_as(&format!("SELECT {REVIEWER} FROM reviewers WHERE call_id = $1 AND email = $2"))
        .bind(call_id)
        .bind(email)
        .fetch_optional(&db.pool)
        .await?)
}

/// Adds a reviewer; `None` when the address already reviews this call.
pub async fn insert_reviewer(db: &Db, r: &ReviewerRow) -> anyhow::Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "INSERT INTO reviewers (call_id, email, name, languages, country, organisation, active, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 1, $7) ON CONFLICT (call_id, email) DO NOTHING RETURNING id",
    )
    .bind(r.call_id)
    .bind(&r.email)
    .bind(&r.name)
    .bind(&r.languages)
    .bind(&r.country)
    .bind(&r.organisation)
    .bind(unix_now())
    .fetch_optional(&db.pool)
    .await?)
}

#[derive(Clone, Debug, FromRow)]
pub struct ReviewRow {
    pub id: i64,
    pub application_id: i64,
    pub reviewer_id: i64,
    pub status: String,
    pub scores: String,
    pub comment: String,
    pub score_milli: Option<i64>,
    pub submitted_at: Option<i64>,
}

const REVIEW: &str =
    "r.id, r.application_id, r.reviewer_id, r.status, r.scores, r.comment, r.score_milli, r.submitted_at";

/// Every review (and assignment) of a call.
pub async fn reviews_of_call(db: &Db, call_id: i64) -> anyhow::Result<Vec<ReviewRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {REVIEW} FROM reviews r JOIN reviewers v ON v.id = r.reviewer_id WHERE v.call_id = $1 ORDER BY r.id"
    ))
    .bind(call_id)
    .fetch_all(&db.pool)
    .await?)
}

pub async fn reviews_of_reviewer(db: &Db, reviewer_id: i64) -> anyhow::Result<Vec<ReviewRow>> {
    Ok(sqlx::query_as(&format!("SELECT {REVIEW} FROM reviews r WHERE r.reviewer_id = $1 ORDER BY r.id"))
        .bind(reviewer_id)
        .fetch_all(&db.pool)
        .await?)
}

/// A reviewer's assignments with the answers of each application, in one query: (application
/// id, status of the review, answers as JSON).
pub async fn queue_of(db: &Db, reviewer_id: i64) -> anyhow::Result<Vec<(i64, String, String)>> {
    Ok(sqlx::query_as(
        "SELECT r.application_id, r.status, a.answers FROM reviews r JOIN applications a ON a.id = r.application_id \
         WHERE r.reviewer_id = $1 ORDER BY r.id",
    )
    .bind(reviewer_id)
    .fetch_all(&db.pool)
    .await?)
}

pub async fn review(db: &Db, reviewer_id: i64, application_id: i64) -> anyhow::Result<Option<ReviewRow>> {
    Ok(sqlx::query_as(&format!("SELECT {REVIEW} FROM reviews r WHERE r.reviewer_id = $1 AND r.application_id = $2"))
        .bind(reviewer_id)
        .bind(application_id)
        .fetch_optional(&db.pool)
        .await?)
}

pub async fn assign(tx: &mut Transaction<'static, Any>, application_id: i64, reviewer_id: i64) -> anyhow::Result<()> {
    let now = unix_now();
    sqlx::query(
        "INSERT INTO reviews (application_id, reviewer_id, status, assigned_at, updated_at) \
         VALUES ($1, $2, 'assigned', $3, $3) ON CONFLICT (application_id, reviewer_id) DO NOTHING",
    )
    .bind(application_id)
    .bind(reviewer_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Removes an assignment not yet submitted (a dropped reviewer's, or one in conflict).
pub async fn unassign(tx: &mut Transaction<'static, Any>, application_id: i64, reviewer_id: i64) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM reviews WHERE application_id = $1 AND reviewer_id = $2 AND status <> 'submitted'")
        .bind(application_id)
        .bind(reviewer_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Removes an assignment whatever its state: scores given under a conflict of interest do
/// not count. `true` when a submitted review was voided.
pub async fn void(tx: &mut Transaction<'static, Any>, application_id: i64, reviewer_id: i64) -> anyhow::Result<bool> {
    let submitted: Option<String> =
        sqlx::query_scalar("SELECT status FROM reviews WHERE application_id = $1 AND reviewer_id = $2")
            .bind(application_id)
            .bind(reviewer_id)
            .fetch_optional(&mut **tx)
            .await?;
    sqlx::query("DELETE FROM reviews WHERE application_id = $1 AND reviewer_id = $2")
        .bind(application_id)
        .bind(reviewer_id)
        .execute(&mut **tx)
        .await?;
    Ok(submitted.as_deref() == Some("submitted"))
}

/// Saves scores as a draft or submits them. Only an assignment that is not submitted yet
/// changes (`false` otherwise: a second review of the same application is refused).
pub async fn save_review(
    db: &Db,
    id: i64,
    scores: &str,
    comment: &str,
    submitted_score_milli: Option<i64>,
) -> anyhow::Result<bool> {
    let now = unix_now();
    let status = if submitted_score_milli.is_some() { "submitted" } else { "draft" };
    let done = sqlx::query(
        "UPDATE reviews SET status = $1, scores = $2, comment = $3, score_milli = $4, \
         submitted_at = CASE WHEN $1 = 'submitted' THEN $5 ELSE NULL END, updated_at = $5 \
         WHERE id = $6 AND status <> 'submitted'",
    )
    .bind(status)
    .bind(scores)
    .bind(comment)
    .bind(submitted_score_milli)
    .bind(now)
    .bind(id)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

#[derive(Clone, Debug, FromRow)]
pub struct ConflictRow {
    pub reviewer_id: i64,
    pub application_id: i64,
    pub reason: String,
}

pub async fn conflicts(db: &Db, call_id: i64) -> anyhow::Result<Vec<ConflictRow>> {
    Ok(sqlx::query_as(
        "SELECT c.reviewer_id, c.application_id, c.reason FROM review_conflicts c \
         JOIN reviewers v ON v.id = c.reviewer_id WHERE v.call_id = $1",
    )
    .bind(call_id)
    .fetch_all(&db.pool)
    .await?)
}

pub async fn add_conflict(
    tx: &mut Transaction<'static, Any>,
    reviewer_id: i64,
    application_id: i64,
    reason: &str,
    by: i64,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO review_conflicts (reviewer_id, application_id, reason, declared_by, created_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (reviewer_id, application_id) DO NOTHING",
    )
    .bind(reviewer_id)
    .bind(application_id)
    .bind(reason)
    .bind(by)
    .bind(unix_now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}
