//! Storage of sign-in failure counters (the rule is `domain::throttle`).

use super::Db;
use crate::domain::throttle::{Policy, Verdict, Window};

pub async fn window(db: &Db, key: &str) -> anyhow::Result<Option<Window>> {
    let row: Option<(i64, i64)> = sqlx::query_as("SELECT started_at, failures FROM sign_in_throttle WHERE key = $1")
        .bind(key)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.map(|(started_at, failures)| Window { started_at, failures }))
}

pub async fn verdict(db: &Db, key: &str, policy: Policy, now: i64) -> anyhow::Result<Verdict> {
    Ok(policy.verdict(window(db, key).await?, now))
}

pub async fn record_failure(db: &Db, key: &str, policy: Policy, now: i64) -> anyhow::Result<()> {
    let next = policy.after_failure(window(db, key).await?, now);
    sqlx::query(
        "INSERT INTO sign_in_throttle (key, started_at, failures) VALUES ($1, $2, $3) \
         ON CONFLICT (key) DO UPDATE SET started_at = excluded.started_at, failures = excluded.failures",
    )
    .bind(key)
    .bind(next.started_at)
    .bind(next.failures)
    .execute(&db.pool)
    .await?;
    Ok(())
}

pub async fn clear(db: &Db, key: &str) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM sign_in_throttle WHERE key = $1").bind(key).execute(&db.pool).await?;
    Ok(())
}
