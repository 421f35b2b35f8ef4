//! Sign-in sessions, stored in the database so that several nodes share them.

use super::accounts::{UserRow, USER_COLUMNS};
use super::{hash_secret, new_secret, Db};
use crate::domain::time::unix_now;

/// A session lasts 30 days from sign-in.
pub const SESSION_TTL_SECS: i64 = 30 * 24 * 3600;

/// Opens a session; returns the secret for the cookie.
pub async fn create(db: &Db, user_id: i64) -> anyhow::Result<String> {
    let secret = new_secret();
    let now = unix_now();
    sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(hash_secret(&secret))
        .bind(user_id)
        .bind(now)
        .bind(now + SESSION_TTL_SECS)
        .execute(&db.pool)
        .await?;
    Ok(secret)
}

/// The user behind a session cookie, when the session exists and has not expired.
pub async fn user_of(db: &Db, secret: &str) -> anyhow::Result<Option<UserRow>> {
    Ok(sqlx::query_as::<_, UserRow>(&format!(
        "SELECT {USER_COLUMNS} FROM users WHERE id = \
         (SELECT user_id FROM sessions WHERE token_hash = $1 AND expires_at > $2)"
    ))
    .bind(hash_secret(secret))
    .bind(unix_now())
    .fetch_optional(&db.pool)
    .await?)
}

#[derive(sqlx::FromRow)]
struct UserAndCourses {
    #[sqlx(flatten)]
    user: UserRow,
    courses: i64,
}

/// The same, and whether the user has courses (the menu of every page links to them): one
/// query where pages would take two.
pub async fn user_and_courses_of(db: &Db, secret: &str) -> anyhow::Result<Option<(UserRow, bool)>> {
    let row: Option<UserAndCourses> = sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS}, {} AS courses FROM users WHERE id = \
         (SELECT user_id FROM sessions WHERE token_hash = $1 AND expires_at > $2)",
        super::courses::count_mine("users.id")
    ))
    .bind(hash_secret(secret))
    .bind(unix_now())
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|r| (r.user, r.courses > 0)))
}

pub async fn delete(db: &Db, secret: &str) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(hash_secret(secret)).execute(&db.pool).await?;
    Ok(())
}

/// Removes expired sessions and used or expired links; run by the background worker.
pub async fn purge_expired(db: &Db) -> anyhow::Result<u64> {
    let now = unix_now();
    let a = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now).execute(&db.pool).await?;
    let b = sqlx::query("DELETE FROM account_tokens WHERE expires_at <= $1")
        .bind(now - 7 * 24 * 3600)
        .execute(&db.pool)
        .await?;
    Ok(a.rows_affected() + b.rows_affected())
}
