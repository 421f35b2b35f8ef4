//! Resumable uploads (their bytes are on disk, see `crate::uploads`).

use sqlx::FromRow;

use super::Db;
use crate::domain::tus::{Metadata, Upload};

#[derive(Clone, Debug, FromRow)]
pub struct UploadRow {
    pub id: String,
    pub user_id: i64,
    pub purpose: String,
    pub upload_length: i64,
    pub upload_offset: i64,
    pub max_bytes: i64,
    /// JSON object of the decoded `Upload-Metadata`.
    pub metadata: String,
    pub filename: String,
    pub filetype: String,
    pub detected_type: Option<String>,
    pub sha256: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub expires_at: i64,
    pub completed_at: Option<i64>,
}

impl UploadRow {
    /// The protocol state. A row whose offset is past its length (impossible through this
    /// code) reads as complete rather than failing every request.
    pub fn upload(&self) -> Upload {
        let ts = |s: i64| jiff::Timestamp::from_second(s).unwrap_or(jiff::Timestamp::MAX);
        let length = self.upload_length.max(0) as u64;
        let offset = (self.upload_offset.max(0) as u64).min(length);
        Upload::restore(length, offset, ts(self.created_at), ts(self.expires_at)).expect("offset clamped to length")
    }

    pub fn metadata(&self) -> Metadata {
        serde_json::from_str(&self.metadata).unwrap_or_default()
    }

    pub fn is_complete(&self) -> bool {
        self.upload_offset >= self.upload_length
    }
}

const COLUMNS: &str = "id, user_id, purpose, upload_length, upload_offset, max_bytes, metadata, filename, filetype, \
                       detected_type, sha256, created_at, updated_at, expires_at, completed_at";

pub async fn insert(db: &Db, u: &UploadRow) -> anyhow::Result<()> {
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO uploads (id, user_id, purpose, upload_length, upload_offset, max_bytes, metadata, filename, \
         filetype, created_at, updated_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(&u.id)
    .bind(u.user_id)
    .bind(&u.purpose)
    .bind(u.upload_length)
    .bind(u.upload_offset)
    .bind(u.max_bytes)
    .bind(&u.metadata)
    .bind(&u.filename)
    .bind(&u.filetype)
    .bind(u.created_at)
    .bind(u.updated_at)
    .bind(u.expires_at)
    .execute(&mut **tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn get(db: &Db, id: &str) -> anyhow::Result<Option<UploadRow>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM uploads WHERE id = $1"))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?)
}

/// Records bytes that are already on disk (flushed). The `upload_offset = $old` condition
/// makes a stale writer change nothing; false when the row was not at `old`.
pub async fn advance(db: &Db, id: &str, old: u64, new: u64, expires_at: i64, now: i64) -> anyhow::Result<bool> {
    let mut tx = db.begin().await?;
    let done = sqlx::query(
        "UPDATE uploads SET upload_offset = $1, expires_at = $2, updated_at = $3 \
         WHERE id = $4 AND upload_offset = $5 AND completed_at IS NULL",
    )
    .bind(new as i64)
    .bind(expires_at)
    .bind(now)
    .bind(id)
    .bind(old as i64)
    .execute(&mut **tx)
    .await?;
    tx.commit().await?;
    Ok(done.rows_affected() == 1)
}

/// Marks a complete upload finished: its type recognised, its digest computed.
pub async fn finish(db: &Db, id: &str, detected_type: &str, sha256: &str, now: i64) -> anyhow::Result<()> {
    let mut tx = db.begin().await?;
    sqlx::query(
        "UPDATE uploads SET detected_type = $1, sha256 = $2, completed_at = $3, updated_at = $3 \
         WHERE id = $4 AND completed_at IS NULL AND upload_offset = upload_length",
    )
    .bind(detected_type)
    .bind(sha256)
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete(db: &Db, id: &str) -> anyhow::Result<()> {
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM uploads WHERE id = $1").bind(id).execute(&mut **tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Unfinished uploads past their expiry (at most `limit`, oldest first).
pub async fn expired(db: &Db, now: i64, limit: i64) -> anyhow::Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM uploads WHERE completed_at IS NULL AND expires_at <= $1 ORDER BY expires_at LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?)
}

/// Deletes an expired upload, unless a piece renewed it meanwhile; true when deleted.
pub async fn delete_if_expired(db: &Db, id: &str, now: i64) -> anyhow::Result<bool> {
    let mut tx = db.begin().await?;
    let done = sqlx::query("DELETE FROM uploads WHERE id = $1 AND completed_at IS NULL AND expires_at <= $2")
        .bind(id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    tx.commit().await?;
    Ok(done.rows_affected() == 1)
}

/// Which of these ids have a row (to tell orphan files on disk).
pub async fn existing(db: &Db, ids: &[String]) -> anyhow::Result<Vec<String>> {
    let mut found = vec![];
    // One query per id keeps the SQL portable; the sweep sees few files at a time.
    for id in ids {
        let hit: Option<String> =
            sqlx::query_scalar("SELECT id FROM uploads WHERE id = $1").bind(id).fetch_optional(&db.pool).await?;
        found.extend(hit);
    }
    Ok(found)
}

/// The unfinished uploads of a person (deleted with her account).
/// Every upload of a person, finished or not.
pub async fn all_of(db: &Db, user_id: i64) -> anyhow::Result<Vec<UploadRow>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM uploads WHERE user_id = $1 ORDER BY created_at, id"))
        .bind(user_id)
        .fetch_all(&db.pool)
        .await?)
}
