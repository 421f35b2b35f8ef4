//! Calls for applications.

use sqlx::{Any, FromRow, Transaction};

use super::Db;
use crate::domain::call::CallStatus;
use crate::domain::time::unix_now;
use crate::domain::time::TimeZoneName;

#[derive(Clone, Debug, FromRow)]
pub struct CallRow {
    pub id: i64,
    pub programme_id: i64,
    pub slug: String,
    pub title: String,
    pub title_en: String,
    pub description: String,
    pub description_en: String,
    pub opens_at: i64,
    pub closes_at: i64,
    pub time_zone: String,
    pub languages: String,
    pub max_applications: Option<i64>,
    pub status: String,
    /// From the programme.
    pub programme_slug: String,
    pub programme_title: String,
    pub programme_title_en: String,
    pub programme_public: i64,
}

impl CallRow {
    /// The reference time zone (UTC should the stored name ever be unknown).
    pub fn zone_name(&self) -> TimeZoneName {
        TimeZoneName::parse(&self.time_zone).unwrap_or_else(TimeZoneName::utc)
    }

    pub fn status(&self) -> CallStatus {
        CallStatus::parse(&self.status).unwrap_or(CallStatus::Draft)
    }
    /// Visitors see a call when it is published and its programme is public.
    pub fn is_public(&self) -> bool {
        self.status().is_public() && self.programme_public != 0
    }
}

const SELECT: &str = "SELECT c.id, c.programme_id, c.slug, c.title, c.title_en, c.description, c.description_en, \
    c.opens_at, c.closes_at, c.time_zone, c.languages, c.max_applications, c.status, p.slug AS programme_slug, \
    p.title AS programme_title, p.title_en AS programme_title_en, p.is_public AS programme_public \
    FROM calls c JOIN programmes p ON p.id = c.programme_id";

pub struct CallFields<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub title_en: &'a str,
    pub description: &'a str,
    pub description_en: &'a str,
    pub opens_at: i64,
    pub closes_at: i64,
    pub time_zone: &'a str,
    pub languages: &'a str,
    pub max_applications: Option<i64>,
    pub status: CallStatus,
}

pub async fn by_slug(db: &Db, slug: &str) -> anyhow::Result<Option<CallRow>> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE c.slug = $1")).bind(slug).fetch_optional(&db.pool).await?)
}

pub async fn by_id(db: &Db, id: i64) -> anyhow::Result<Option<CallRow>> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE c.id = $1")).bind(id).fetch_optional(&db.pool).await?)
}

/// Published calls of public programmes, those closing soonest first, then the past ones.
pub async fn list_public(db: &Db) -> anyhow::Result<Vec<CallRow>> {
    Ok(sqlx::query_as(&format!(
        "{SELECT} WHERE c.status IN ('open', 'closed') AND p.is_public = 1 \
         ORDER BY CASE WHEN c.closes_at > $1 THEN 0 ELSE 1 END, c.closes_at LIMIT 200"
    ))
    .bind(unix_now())
    .fetch_all(&db.pool)
    .await?)
}

pub async fn of_programme(db: &Db, programme_id: i64) -> anyhow::Result<Vec<CallRow>> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE c.programme_id = $1 ORDER BY c.opens_at DESC"))
        .bind(programme_id)
        .fetch_all(&db.pool)
        .await?)
}

pub async fn slug_taken(db: &Db, slug: &str, except: Option<i64>) -> anyhow::Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM calls WHERE slug = $1 AND id <> $2")
        .bind(slug)
        .bind(except.unwrap_or(-1))
        .fetch_one(&db.pool)
        .await?;
    Ok(n > 0)
}

pub async fn insert(tx: &mut Transaction<'static, Any>, programme_id: i64, f: &CallFields<'_>) -> anyhow::Result<i64> {
    let now = unix_now();
    Ok(sqlx::query_scalar(
        "INSERT INTO calls (programme_id, slug, title, title_en, description, description_en, opens_at, closes_at, \
         time_zone, languages, max_applications, status, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
    )
    .bind(programme_id)
    .bind(f.slug)
    .bind(f.title)
    .bind(f.title_en)
    .bind(f.description)
    .bind(f.description_en)
    .bind(f.opens_at)
    .bind(f.closes_at)
    .bind(f.time_zone)
    .bind(f.languages)
    .bind(f.max_applications)
    .bind(f.status.code())
    .bind(now)
    .fetch_one(&mut **tx)
    .await?)
}

pub async fn update(tx: &mut Transaction<'static, Any>, id: i64, f: &CallFields<'_>) -> anyhow::Result<()> {
    sqlx::query(
        "UPDATE calls SET slug = $1, title = $2, title_en = $3, description = $4, description_en = $5, opens_at = $6, \
         closes_at = $7, time_zone = $8, languages = $9, max_applications = $10, status = $11, updated_at = $12 WHERE id = $13",
    )
    .bind(f.slug)
    .bind(f.title)
    .bind(f.title_en)
    .bind(f.description)
    .bind(f.description_en)
    .bind(f.opens_at)
    .bind(f.closes_at)
    .bind(f.time_zone)
    .bind(f.languages)
    .bind(f.max_applications)
    .bind(f.status.code())
    .bind(unix_now())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
