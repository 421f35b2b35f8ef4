//! The e-mail outbox: messages are written in the same transaction as the change that
//! causes them, then delivered by `mail::worker`, once, even with several nodes.

use sqlx::{Any, FromRow, Transaction};

use super::Db;
use crate::domain::time::unix_now;

/// A claim on a message lasts this long; a node that dies mid-send releases it by expiry.
const LEASE_SECS: i64 = 120;
/// After this many failed attempts a message is marked failed and left for an operator.
pub const MAX_ATTEMPTS: i64 = 8;

#[derive(Clone, Debug, FromRow)]
pub struct OutgoingMail {
    pub id: i64,
    pub to_address: String,
    pub subject: String,
    pub body_text: String,
    pub attempts: i64,
}

pub async fn enqueue(tx: &mut Transaction<'static, Any>, to: &str, subject: &str, body: &str) -> anyhow::Result<i64> {
    let now = unix_now();
    Ok(sqlx::query_scalar(
        "INSERT INTO outbox (to_address, subject, body_text, status, attempts, next_attempt_at, created_at) \
         VALUES ($1, $2, $3, 'pending', 0, $4, $4) RETURNING id",
    )
    .bind(to)
    .bind(subject)
    .bind(body)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?)
}

/// Claims the oldest due message. The condition is repeated in the outer `WHERE` so that on
/// PostgreSQL a second node racing for the same row re-checks it after the first commits and
/// gets nothing; SQLite serialises writers anyway.
pub async fn claim_next(db: &Db) -> anyhow::Result<Option<OutgoingMail>> {
    let now = unix_now();
    Ok(sqlx::query_as::<_, OutgoingMail>(
        "UPDATE outbox SET locked_until = $1 \
         WHERE id = (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $2 \
                     AND (locked_until IS NULL OR locked_until < $2) ORDER BY id LIMIT 1) \
           AND status = 'pending' AND (locked_until IS NULL OR locked_until < $2) \
         RETURNING id, to_address, subject, body_text, attempts",
    )
    .bind(now + LEASE_SECS)
    .bind(now)
    .fetch_optional(&db.pool)
    .await?)
}

pub async fn mark_sent(db: &Db, id: i64) -> anyhow::Result<()> {
    sqlx::query(
        "UPDATE outbox SET status = 'sent', sent_at = $1, locked_until = NULL, attempts = attempts + 1 WHERE id = $2",
    )
    .bind(unix_now())
    .bind(id)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Exponential backoff: 30 s, 1 min, 2 min, … capped at one hour.
pub fn backoff_secs(attempts: i64) -> i64 {
    (30i64 << attempts.clamp(0, 7)).min(3600)
}

pub async fn mark_failed(db: &Db, mail: &OutgoingMail, error: &str) -> anyhow::Result<()> {
    let attempts = mail.attempts + 1;
    let status = if attempts >= MAX_ATTEMPTS { "failed" } else { "pending" };
    sqlx::query(
        "UPDATE outbox SET status = $1, attempts = $2, next_attempt_at = $3, locked_until = NULL, last_error = $4 WHERE id = $5",
    )
    .bind(status)
    .bind(attempts)
    .bind(unix_now() + backoff_secs(attempts))
    .bind(error)
    .bind(mail.id)
    .execute(&db.pool)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(super::backoff_secs(0), 30);
        assert_eq!(super::backoff_secs(1), 60);
        assert_eq!(super::backoff_secs(3), 240);
        assert_eq!(super::backoff_secs(20), 3600);
    }
}
