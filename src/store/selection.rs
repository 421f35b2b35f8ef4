//! Selection parameters and decisions of a call.

use sqlx::{Any, FromRow, Transaction};

use super::Db;
use crate::domain::time::unix_now;

pub async fn params(db: &Db, call_id: i64) -> anyhow::Result<Option<String>> {
    Ok(sqlx::query_scalar("SELECT params FROM selection_settings WHERE call_id = $1")
        .bind(call_id)
        .fetch_optional(&db.pool)
        .await?)
}

pub async fn save_params(tx: &mut Transaction<'static, Any>, call_id: i64, json: &str) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO selection_settings (call_id, params, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (call_id) DO UPDATE SET params = $2, updated_at = $3",
    )
    .bind(call_id)
    .bind(json)
    .bind(unix_now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(Clone, Debug, FromRow)]
pub struct DecisionRow {
    pub application_id: i64,
    pub decision: String,
    pub reason: String,
    pub waitlist_rank: Option<i64>,
    pub decided_at: i64,
    pub notified_at: Option<i64>,
}

pub async fn decisions(db: &Db, call_id: i64) -> anyhow::Result<Vec<DecisionRow>> {
    Ok(sqlx::query_as(
        "SELECT application_id, decision, reason, waitlist_rank, decided_at, notified_at FROM decisions \
         WHERE call_id = $1 ORDER BY application_id",
    )
    .bind(call_id)
    .fetch_all(&db.pool)
    .await?)
}

/// Records a decision and its line in the log; an unchanged decision is left alone (and
/// keeps its notification date).
pub async fn decide(
    tx: &mut Transaction<'static, Any>,
    call_id: i64,
    application_id: i64,
    decision: &str,
    reason: &str,
    waitlist_rank: Option<i64>,
    by: i64,
) -> anyhow::Result<bool> {
    let now = unix_now();
    let current: Option<(String, Option<i64>)> =
        sqlx::query_as("SELECT decision, waitlist_rank FROM decisions WHERE application_id = $1")
            .bind(application_id)
            .fetch_optional(&mut **tx)
            .await?;
    if current.as_ref().is_some_and(|(d, r)| d == decision && *r == waitlist_rank) {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO decisions (application_id, call_id, decision, reason, waitlist_rank, decided_by, decided_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (application_id) DO UPDATE SET decision = $3, reason = $4, \
         waitlist_rank = $5, decided_by = $6, decided_at = $7, notified_at = NULL",
    )
    .bind(application_id)
    .bind(call_id)
    .bind(decision)
    .bind(reason)
    .bind(waitlist_rank)
    .bind(by)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO decision_log (application_id, call_id, decision, reason, decided_by, decided_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(application_id)
    .bind(call_id)
    .bind(decision)
    .bind(reason)
    .bind(by)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(true)
}

pub async fn mark_notified(tx: &mut Transaction<'static, Any>, application_id: i64) -> anyhow::Result<()> {
    sqlx::query("UPDATE decisions SET notified_at = $1 WHERE application_id = $2")
        .bind(unix_now())
        .bind(application_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[derive(Clone, Debug, FromRow)]
pub struct LogRow {
    pub application_id: i64,
    pub decision: String,
    pub reason: String,
    pub by_name: String,
    pub decided_at: i64,
}

pub async fn log(db: &Db, call_id: i64) -> anyhow::Result<Vec<LogRow>> {
    Ok(sqlx::query_as(
        "SELECT l.application_id, l.decision, l.reason, u.name AS by_name, l.decided_at FROM decision_log l \
         JOIN users u ON u.id = l.decided_by WHERE l.call_id = $1 ORDER BY l.id DESC",
    )
    .bind(call_id)
    .fetch_all(&db.pool)
    .await?)
}

/// A result message a manager rewrote.
#[derive(Clone, Debug, FromRow)]
pub struct MessageRow {
    pub decision: String,
    pub locale: String,
    pub subject: String,
    pub body: String,
    pub updated_at: i64,
}

pub async fn messages(db: &Db, call_id: i64) -> anyhow::Result<Vec<MessageRow>> {
    Ok(sqlx::query_as(
        "SELECT decision, locale, subject, body, updated_at FROM decision_messages WHERE call_id = $1 \
         ORDER BY decision, locale",
    )
    .bind(call_id)
    .fetch_all(&db.pool)
    .await?)
}

pub async fn save_message(
    tx: &mut Transaction<'static, Any>,
    call_id: i64,
    decision: &str,
    locale: &str,
    subject: &str,
    body: &str,
    by: i64,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO decision_messages (call_id, decision, locale, subject, body, updated_by, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (call_id, decision, locale) \
         DO UPDATE SET subject = $4, body = $5, updated_by = $6, updated_at = $7",
    )
    .bind(call_id)
    .bind(decision)
    .bind(locale)
    .bind(subject)
    .bind(body)
    .bind(by)
    .bind(unix_now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Back to the catalogue's text.
pub async fn reset_message(
    tx: &mut Transaction<'static, Any>,
    call_id: i64,
    decision: &str,
    locale: &str,
) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM decision_messages WHERE call_id = $1 AND decision = $2 AND locale = $3")
        .bind(call_id)
        .bind(decision)
        .bind(locale)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
