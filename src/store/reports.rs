//! Annual activity reports: one foreword per year (French, optional English).

use sqlx::FromRow;

use super::Db;
use crate::domain::time::unix_now;

#[derive(Clone, Debug, Default, FromRow)]
pub struct ReportRow {
    pub year: i64,
    pub foreword: String,
    pub foreword_en: String,
}

pub async fn get(db: &Db, year: i64) -> anyhow::Result<Option<ReportRow>> {
    Ok(sqlx::query_as("SELECT year, foreword, foreword_en FROM annual_reports WHERE year = $1")
        .bind(year)
        .fetch_optional(&db.pool)
        .await?)
}

pub async fn years(db: &Db) -> anyhow::Result<Vec<i64>> {
    Ok(sqlx::query_scalar("SELECT year FROM annual_reports ORDER BY year DESC").fetch_all(&db.pool).await?)
}

pub async fn save(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    year: i64,
    foreword: &str,
    foreword_en: &str,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO annual_reports (year, foreword, foreword_en, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (year) DO UPDATE SET foreword = excluded.foreword, foreword_en = excluded.foreword_en, updated_at = excluded.updated_at",
    )
    .bind(year)
    .bind(foreword)
    .bind(foreword_en)
    .bind(unix_now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}
