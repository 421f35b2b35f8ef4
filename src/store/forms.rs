//! Versioned application forms of calls.

use sqlx::{Any, Transaction};

use super::Db;
use crate::domain::form::Form;
use crate::domain::time::unix_now;

/// The latest version of a call's form: (version, form). Version 0 is the empty form.
pub async fn current(db: &Db, call_id: i64) -> anyhow::Result<(i64, Form)> {
    let row: Option<(i64, String)> =
        sqlx::query_as("SELECT version, definition FROM call_forms WHERE call_id = $1 ORDER BY version DESC LIMIT 1")
            .bind(call_id)
            .fetch_optional(&db.pool)
            .await?;
    match row {
        Some((v, json)) => Ok((v, serde_json::from_str(&json)?)),
        None => Ok((0, Form::default())),
    }
}

/// Stores `form` as the next version, unless someone saved another version since
/// `based_on` (then `Ok(None)`: the caller reloads and tries again, nothing is lost).
pub async fn save(
    tx: &mut Transaction<'static, Any>,
    call_id: i64,
    based_on: i64,
    form: &Form,
) -> anyhow::Result<Option<i64>> {
    let latest: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM call_forms WHERE call_id = $1")
        .bind(call_id)
        .fetch_one(&mut **tx)
        .await?;
    if latest.unwrap_or(0) != based_on {
        return Ok(None);
    }
    let version = based_on + 1;
    let r = sqlx::query("INSERT INTO call_forms (call_id, version, definition, created_at) VALUES ($1, $2, $3, $4)")
        .bind(call_id)
        .bind(version)
        .bind(serde_json::to_string(form)?)
        .bind(unix_now())
        .execute(&mut **tx)
        .await;
    match r {
        Ok(_) => Ok(Some(version)),
        // Two saves based on the same version: the second loses the race, and says so.
        Err(e) if super::is_unique_violation(&e) => Ok(None),
        Err(e) => Err(e.into()),
    }
}
