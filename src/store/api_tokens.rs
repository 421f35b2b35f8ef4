//! Personal API tokens: a secret shown once, stored as its hash.

use sqlx::FromRow;

use super::accounts::{UserRow, USER_COLUMNS};
use super::{hash_secret, new_secret, Db};
use crate::domain::time::unix_now;

/// Every token starts with this prefix so that leaked tokens are easy to spot.
pub const PREFIX: &str = "trp_";

#[derive(Clone, Debug, FromRow)]
pub struct ApiTokenRow {
    pub id: i64,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

pub async fn create(db: &Db, user_id: i64, name: &str) -> anyhow::Result<(ApiTokenRow, String)> {
    let secret = format!("{PREFIX}{}", new_secret());
    let now = unix_now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(user_id)
    .bind(name)
    .bind(hash_secret(&secret))
    .bind(now)
    .fetch_one(&db.pool)
    .await?;
    Ok((ApiTokenRow { id, name: name.to_owned(), created_at: now, last_used_at: None }, secret))
}

pub async fn list(db: &Db, user_id: i64) -> anyhow::Result<Vec<ApiTokenRow>> {
    Ok(sqlx::query_as("SELECT id, name, created_at, last_used_at FROM api_tokens WHERE user_id = $1 ORDER BY id")
        .bind(user_id)
        .fetch_all(&db.pool)
        .await?)
}

/// Revokes one of the user's tokens; false when no such token belongs to the user.
pub async fn revoke(db: &Db, user_id: i64, id: i64) -> anyhow::Result<bool> {
    let r = sqlx::query("DELETE FROM api_tokens WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user_id)
        .execute(&db.pool)
        .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn user_of(db: &Db, secret: &str) -> anyhow::Result<Option<UserRow>> {
    let hash = hash_secret(secret);
    let user = sqlx::query_as::<_, UserRow>(&format!(
        "SELECT {USER_COLUMNS} FROM users WHERE id = (SELECT user_id FROM api_tokens WHERE token_hash = $1)"
    ))
    .bind(&hash)
    .fetch_optional(&db.pool)
    .await?;
    if user.is_some() {
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2")
            .bind(unix_now())
            .bind(&hash)
            .execute(&db.pool)
            .await?;
    }
    Ok(user)
}
