//! Applications to calls.

use sqlx::{Any, FromRow, Transaction};

use super::Db;
use crate::domain::time::unix_now;

#[derive(Clone, Debug, FromRow)]
pub struct ApplicationRow {
    pub id: i64,
    pub call_id: i64,
    pub user_id: i64,
    pub status: String,
    pub form_version: i64,
    pub answers: String,
    pub revision: i64,
    pub conflict_answers: Option<String>,
    pub receipt: Option<String>,
    pub submitted_revision: Option<i64>,
    pub submitted_at: Option<i64>,
    /// Reason given by a manager who let the applicant through the eligibility rules.
    pub eligibility_override: Option<String>,
}

const COLUMNS: &str = "id, call_id, user_id, status, form_version, answers, revision, conflict_answers, receipt, \
    submitted_revision, submitted_at, eligibility_override";

pub async fn of(db: &Db, call_id: i64, user_id: i64) -> anyhow::Result<Option<ApplicationRow>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM applications WHERE call_id = $1 AND user_id = $2"))
        .bind(call_id)
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?)
}

/// The person's application to the call, created empty if needed (one per person and call,
/// whatever the number of concurrent requests).
pub async fn get_or_create(db: &Db, call_id: i64, user_id: i64, form_version: i64) -> anyhow::Result<ApplicationRow> {
    let now = unix_now();
    sqlx::query(
        "INSERT INTO applications (call_id, user_id, status, form_version, answers, revision, created_at, updated_at) \
         VALUES ($1, $2, 'draft', $3, '{}', 0, $4, $4) ON CONFLICT (call_id, user_id) DO NOTHING",
    )
    .bind(call_id)
    .bind(user_id)
    .bind(form_version)
    .bind(now)
    .execute(&db.pool)
    .await?;
    of(db, call_id, user_id).await?.ok_or_else(|| anyhow::anyhow!("application vanished"))
}

/// Saves answers if the application is still at `base_revision`; `Ok(None)` otherwise, and
/// the refused answers are kept aside in `conflict_answers`.
pub async fn save(
    db: &Db,
    id: i64,
    base_revision: i64,
    form_version: i64,
    answers: &str,
) -> anyhow::Result<Option<i64>> {
    let now = unix_now();
    let saved: Option<i64> = sqlx::query_scalar(
        "UPDATE applications SET answers = $1, form_version = $2, revision = revision + 1, conflict_answers = NULL, \
         updated_at = $3 WHERE id = $4 AND revision = $5 AND status <> 'withdrawn' RETURNING revision",
    )
    .bind(answers)
    .bind(form_version)
    .bind(now)
    .bind(id)
    .bind(base_revision)
    .fetch_optional(&db.pool)
    .await?;
    if saved.is_none() {
        sqlx::query("UPDATE applications SET conflict_answers = $1, updated_at = $2 WHERE id = $3")
            .bind(answers)
            .bind(now)
            .bind(id)
            .execute(&db.pool)
            .await?;
    }
    Ok(saved)
}

/// Marks `revision` as submitted, once: `Ok(false)` when it already was (a double click, a
/// retried request) or the application moved on.
pub async fn mark_submitted(
    tx: &mut Transaction<'static, Any>,
    id: i64,
    revision: i64,
    receipt: &str,
) -> anyhow::Result<bool> {
    let now = unix_now();
    let r = sqlx::query(
        "UPDATE applications SET status = 'submitted', receipt = COALESCE(receipt, $1), submitted_revision = $2, \
         submitted_at = $3, updated_at = $3 WHERE id = $4 AND revision = $2 \
         AND (submitted_revision IS NULL OR submitted_revision <> $2 OR status <> 'submitted')",
    )
    .bind(receipt)
    .bind(revision)
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    if r.rows_affected() == 0 {
        return Ok(false);
    }
    let (form_version, answers): (i64, String) =
        sqlx::query_as("SELECT form_version, answers FROM applications WHERE id = $1")
            .bind(id)
            .fetch_one(&mut **tx)
            .await?;
    sqlx::query("INSERT INTO application_versions (application_id, form_version, answers, submitted_at) VALUES ($1, $2, $3, $4)")
        .bind(id)
        .bind(form_version)
        .bind(answers)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(true)
}

pub async fn withdraw(db: &Db, id: i64) -> anyhow::Result<()> {
    sqlx::query("UPDATE applications SET status = 'withdrawn', updated_at = $1 WHERE id = $2")
        .bind(unix_now())
        .bind(id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn submitted_count(db: &Db, call_id: i64) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM applications WHERE call_id = $1 AND status = 'submitted'")
        .bind(call_id)
        .fetch_one(&db.pool)
        .await?)
}

pub async fn versions(db: &Db, id: i64) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM application_versions WHERE application_id = $1")
        .bind(id)
        .fetch_one(&db.pool)
        .await?)
}

/// An application with its applicant, for the manager's views.
#[derive(Clone, Debug, FromRow)]
pub struct ListedApplication {
    pub id: i64,
    pub status: String,
    pub form_version: i64,
    pub answers: String,
    pub receipt: Option<String>,
    pub submitted_at: Option<i64>,
    pub name: String,
    pub email: String,
    pub gender: String,
    pub country: String,
    pub eligibility_override: Option<String>,
}

/// Every application of a call that is not an empty draft, newest submission first.
pub async fn of_call(db: &Db, call_id: i64) -> anyhow::Result<Vec<ListedApplication>> {
    Ok(sqlx::query_as(
        "SELECT a.id, a.status, a.form_version, a.answers, a.receipt, a.submitted_at, u.name, u.email, u.gender, u.country, \
         a.eligibility_override \
         FROM applications a JOIN users u ON u.id = a.user_id WHERE a.call_id = $1 AND (a.status <> 'draft' OR a.revision > 0) \
         ORDER BY a.submitted_at DESC, a.id",
    )
    .bind(call_id)
    .fetch_all(&db.pool)
    .await?)
}

/// The form of a given version of a call, as answered then.
pub async fn form_version(db: &Db, call_id: i64, version: i64) -> anyhow::Result<Option<String>> {
    Ok(sqlx::query_scalar("SELECT definition FROM call_forms WHERE call_id = $1 AND version = $2")
        .bind(call_id)
        .bind(version)
        .fetch_optional(&db.pool)
        .await?)
}

/// Sets (or with `None` clears) a manager's eligibility override of an application.
pub async fn set_override(db: &Db, call_id: i64, id: i64, reason: Option<&str>, by: i64) -> anyhow::Result<bool> {
    let r = sqlx::query("UPDATE applications SET eligibility_override = $1, override_by = $2, override_at = $3 WHERE id = $4 AND call_id = $5")
        .bind(reason)
        .bind(by)
        .bind(unix_now())
        .bind(id)
        .bind(call_id)
        .execute(&db.pool)
        .await?;
    Ok(r.rows_affected() == 1)
}
