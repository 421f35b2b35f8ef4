//! People: accounts, passwords, e-mail confirmation and reset links.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use sqlx::{Any, FromRow, Transaction};

use super::{hash_secret, new_secret, Db};
use crate::domain::email::Email;
use crate::domain::locale::Locale;
use crate::domain::password::NewPassword;
use crate::domain::person::PersonName;
use crate::domain::time::{unix_now, TimeZoneName};

/// How long a confirmation link stays valid.
pub const CONFIRM_TTL_SECS: i64 = 7 * 24 * 3600;
/// How long a password reset link stays valid.
pub const RESET_TTL_SECS: i64 = 3600;

#[derive(Clone, Debug, FromRow)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub is_admin: i64,
    pub locale: String,
    pub time_zone: String,
    pub email_confirmed_at: Option<i64>,
    pub created_at: i64,
    /// Self-declared, optional: female, male, other, undisclosed or "".
    pub gender: String,
    /// ISO code or "".
    pub country: String,
}

impl UserRow {
    pub fn locale(&self) -> Locale {
        Locale::parse(&self.locale).unwrap_or_default()
    }
    pub fn time_zone(&self) -> TimeZoneName {
        TimeZoneName::parse(&self.time_zone).unwrap_or_else(TimeZoneName::utc)
    }
    pub fn is_admin(&self) -> bool {
        self.is_admin != 0
    }
    pub fn is_confirmed(&self) -> bool {
        self.email_confirmed_at.is_some()
    }
}

/// The columns of [`UserRow`], for every query that reads a user.
pub(crate) const USER_COLUMNS: &str =
    "id, email, name, password_hash, is_admin, locale, time_zone, email_confirmed_at, created_at, gender, country";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    Confirm,
    Reset,
}

impl TokenPurpose {
    fn code(self) -> &'static str {
        match self {
            TokenPurpose::Confirm => "confirm",
            TokenPurpose::Reset => "reset",
        }
    }
}

/// Why a link from an e-mail was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkProblem {
    Unknown,
    Expired,
    AlreadyUsed,
}

/// Argon2id with the crate's defaults (19 MiB, 2 passes), run off the async threads.
pub async fn hash_password(password: &NewPassword) -> anyhow::Result<String> {
    let pw = password.expose().to_owned();
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(pw.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("password hashing failed: {e}"))
    })
    .await?
}

pub async fn verify_password(candidate: &str, stored_hash: &str) -> bool {
    let candidate = candidate.to_owned();
    let stored = stored_hash.to_owned();
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&stored)
            .map(|h| Argon2::default().verify_password(candidate.as_bytes(), &h).is_ok())
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// A hash to verify against when the account does not exist, so that a sign-in with an
/// unknown address takes as long as one with a wrong password.
pub static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default().hash_password(b"not a real password", &salt).expect("hash").to_string()
});

pub struct NewAccount<'a> {
    pub email: &'a Email,
    pub name: &'a PersonName,
    pub password_hash: &'a str,
    pub locale: Locale,
    pub is_admin: bool,
    pub confirmed: bool,
}

/// Inserts a user inside the caller's transaction. `Ok(None)` when the address is taken.
pub async fn insert_user(tx: &mut Transaction<'static, Any>, acc: NewAccount<'_>) -> anyhow::Result<Option<i64>> {
    let now = unix_now();
    let res = sqlx::query_scalar::<_, i64>(
        "INSERT INTO users (email, name, password_hash, is_admin, locale, time_zone, email_confirmed_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 'UTC', $6, $7, $7) RETURNING id",
    )
    .bind(acc.email.as_str())
    .bind(acc.name.as_str())
    .bind(acc.password_hash)
    .bind(acc.is_admin as i64)
    .bind(acc.locale.code())
    .bind(acc.confirmed.then_some(now))
    .bind(now)
    .fetch_one(&mut **tx)
    .await;
    match res {
        Ok(id) => Ok(Some(id)),
        Err(e) if super::is_unique_violation(&e) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

pub async fn find_by_email(db: &Db, email: &Email) -> anyhow::Result<Option<UserRow>> {
    Ok(sqlx::query_as::<_, UserRow>(&format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1"))
        .bind(email.as_str())
        .fetch_optional(&db.pool)
        .await?)
}

pub async fn find_by_id(db: &Db, id: i64) -> anyhow::Result<Option<UserRow>> {
    Ok(sqlx::query_as::<_, UserRow>(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?)
}

pub async fn email_taken(db: &Db, email: &Email) -> anyhow::Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE email = $1")
        .bind(email.as_str())
        .fetch_one(&db.pool)
        .await?;
    Ok(n > 0)
}

/// Creates a single-use link token for `user_id`; returns the secret to put in the link.
pub async fn issue_token(
    tx: &mut Transaction<'static, Any>,
    user_id: i64,
    purpose: TokenPurpose,
    ttl_secs: i64,
) -> anyhow::Result<String> {
    let secret = new_secret();
    let now = unix_now();
    sqlx::query(
        "INSERT INTO account_tokens (token_hash, user_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(hash_secret(&secret))
    .bind(user_id)
    .bind(purpose.code())
    .bind(now)
    .bind(now + ttl_secs)
    .execute(&mut **tx)
    .await?;
    Ok(secret)
}

/// Marks the link used, atomically: of two concurrent uses only one succeeds.
pub async fn consume_token(
    tx: &mut Transaction<'static, Any>,
    secret: &str,
    purpose: TokenPurpose,
) -> anyhow::Result<Result<i64, LinkProblem>> {
    let now = unix_now();
    let hash = hash_secret(secret.trim());
    let used: Option<i64> = sqlx::query_scalar(
        "UPDATE account_tokens SET used_at = $1 WHERE token_hash = $2 AND purpose = $3 \
         AND used_at IS NULL AND expires_at > $1 RETURNING user_id",
    )
    .bind(now)
    .bind(&hash)
    .bind(purpose.code())
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(user_id) = used {
        return Ok(Ok(user_id));
    }
    let row: Option<(i64, Option<i64>)> =
        sqlx::query_as("SELECT expires_at, used_at FROM account_tokens WHERE token_hash = $1 AND purpose = $2")
            .bind(&hash)
            .bind(purpose.code())
            .fetch_optional(&mut **tx)
            .await?;
    Ok(Err(match row {
        None => LinkProblem::Unknown,
        Some((_, Some(_))) => LinkProblem::AlreadyUsed,
        Some(_) => LinkProblem::Expired,
    }))
}

/// Checks a link without using it (to show the reset form).
pub async fn peek_token(db: &Db, secret: &str, purpose: TokenPurpose) -> anyhow::Result<Result<i64, LinkProblem>> {
    let row: Option<(i64, i64, Option<i64>)> = sqlx::query_as(
        "SELECT user_id, expires_at, used_at FROM account_tokens WHERE token_hash = $1 AND purpose = $2",
    )
    .bind(hash_secret(secret.trim()))
    .bind(purpose.code())
    .fetch_optional(&db.pool)
    .await?;
    Ok(match row {
        None => Err(LinkProblem::Unknown),
        Some((_, _, Some(_))) => Err(LinkProblem::AlreadyUsed),
        Some((_, exp, None)) if exp <= unix_now() => Err(LinkProblem::Expired),
        Some((uid, _, None)) => Ok(uid),
    })
}

pub async fn mark_confirmed(tx: &mut Transaction<'static, Any>, user_id: i64) -> anyhow::Result<()> {
    let now = unix_now();
    sqlx::query(
        "UPDATE users SET email_confirmed_at = COALESCE(email_confirmed_at, $1), updated_at = $1 WHERE id = $2",
    )
    .bind(now)
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Replaces the password and closes every session and unused reset link of the account.
pub async fn set_password(tx: &mut Transaction<'static, Any>, user_id: i64, password_hash: &str) -> anyhow::Result<()> {
    let now = unix_now();
    sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
        .bind(password_hash)
        .bind(now)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut **tx).await?;
    sqlx::query("UPDATE account_tokens SET used_at = $1 WHERE user_id = $2 AND purpose = 'reset' AND used_at IS NULL")
        .bind(now)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn set_settings(
    db: &Db,
    user_id: i64,
    locale: Locale,
    zone: &TimeZoneName,
    gender: &str,
    country: &str,
) -> anyhow::Result<()> {
    sqlx::query(
        "UPDATE users SET locale = $1, time_zone = $2, gender = $3, country = $4, updated_at = $5 WHERE id = $6",
    )
    .bind(locale.code())
    .bind(zone.as_str())
    .bind(gender)
    .bind(country)
    .bind(unix_now())
    .bind(user_id)
    .execute(&db.pool)
    .await?;
    Ok(())
}

pub async fn set_locale(db: &Db, user_id: i64, locale: Locale) -> anyhow::Result<()> {
    sqlx::query("UPDATE users SET locale = $1, updated_at = $2 WHERE id = $3")
        .bind(locale.code())
        .bind(unix_now())
        .bind(user_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Programme roles of a user, as (programme title, role code) pairs.
pub async fn memberships(db: &Db, user_id: i64) -> anyhow::Result<Vec<(String, String, String)>> {
    Ok(sqlx::query_as(
        "SELECT p.slug, p.title, m.role FROM programme_members m JOIN programmes p ON p.id = m.programme_id \
         WHERE m.user_id = $1 ORDER BY p.title, m.role",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?)
}
