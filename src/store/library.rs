//! The media files of programmes' libraries.

use sqlx::FromRow;

use super::Db;
use crate::domain::time::unix_now;

#[derive(Clone, Debug, FromRow)]
pub struct MediaRow {
    pub id: String,
    pub programme_id: i64,
    pub kind: String,
    pub title: String,
    pub original_name: String,
    pub original_type: String,
    pub original_bytes: i64,
    pub light_status: String,
    pub light_bytes: Option<i64>,
    pub light_error: Option<String>,
    pub created_at: i64,
}

const COLUMNS: &str =
    "id, programme_id, kind, title, original_name, original_type, original_bytes, light_status, light_bytes, \
                       light_error, created_at";

pub async fn insert(db: &Db, m: &MediaRow, by: i64) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO media_files (id, programme_id, kind, title, original_name, original_type, original_bytes, \
         light_status, light_bytes, uploaded_by, created_at, processed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(&m.id)
    .bind(m.programme_id)
    .bind(&m.kind)
    .bind(&m.title)
    .bind(&m.original_name)
    .bind(&m.original_type)
    .bind(m.original_bytes)
    .bind(&m.light_status)
    .bind(m.light_bytes)
    .bind(by)
    .bind(m.created_at)
    .bind((m.light_status != "pending").then_some(m.created_at))
    .execute(&db.pool)
    .await?;
    Ok(())
}

pub async fn by_id(db: &Db, id: &str) -> anyhow::Result<Option<MediaRow>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM media_files WHERE id = $1"))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?)
}

pub async fn of_programme(db: &Db, programme_id: i64) -> anyhow::Result<Vec<MediaRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM media_files WHERE programme_id = $1 ORDER BY created_at DESC, id"
    ))
    .bind(programme_id)
    .fetch_all(&db.pool)
    .await?)
}

/// The oldest video waiting for its light variant.
pub async fn next_pending(db: &Db) -> anyhow::Result<Option<MediaRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM media_files WHERE light_status = 'pending' ORDER BY created_at, id LIMIT 1"
    ))
    .fetch_optional(&db.pool)
    .await?)
}

/// Records how making the light variant went (only for a file still pending: a file
/// deleted meanwhile stays deleted).
pub async fn set_light(db: &Db, id: &str, status: &str, bytes: Option<i64>, error: Option<&str>) -> anyhow::Result<()> {
    sqlx::query(
        "UPDATE media_files SET light_status = $1, light_bytes = $2, light_error = $3, processed_at = $4 \
         WHERE id = $5 AND light_status = 'pending'",
    )
    .bind(status)
    .bind(bytes)
    .bind(error)
    .bind(unix_now())
    .bind(id)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Puts the videos left without a light variant back in the queue (after ffmpeg was
/// installed, say).
pub async fn requeue_unavailable(db: &Db) -> anyhow::Result<u64> {
    Ok(sqlx::query("UPDATE media_files SET light_status = 'pending' WHERE light_status = 'unavailable'")
        .execute(&db.pool)
        .await?
        .rows_affected())
}

pub async fn delete(db: &Db, programme_id: i64, id: &str) -> anyhow::Result<bool> {
    Ok(sqlx::query("DELETE FROM media_files WHERE programme_id = $1 AND id = $2")
        .bind(programme_id)
        .bind(id)
        .execute(&db.pool)
        .await?
        .rows_affected()
        == 1)
}
