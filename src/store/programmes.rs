//! Programmes as listed on the public site. Issue "Programmes and the public activity
//! report" grows this module; the foundation reads what the demo data writes.

use sqlx::FromRow;

use super::Db;
use crate::domain::role::ProgrammeRole;
use crate::domain::slug::Slug;

#[derive(Clone, Debug, FromRow)]
pub struct ProgrammeRow {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub mission: String,
    pub summary: String,
    pub start_month: String,
    pub end_month: String,
    pub currency: String,
    pub budget_estimate_minor: Option<i64>,
}

#[derive(Clone, Debug, FromRow)]
pub struct TestimonialRow {
    pub quote: String,
    pub person_name: String,
    pub person_role: String,
}

const COLUMNS: &str = "id, slug, title, mission, summary, start_month, end_month, currency, budget_estimate_minor";

/// Public programmes, most recent first.
pub async fn list_public(db: &Db) -> anyhow::Result<Vec<ProgrammeRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM programmes WHERE is_public = 1 ORDER BY start_month DESC, title LIMIT 200"
    ))
    .fetch_all(&db.pool)
    .await?)
}

pub async fn public_by_slug(db: &Db, slug: &Slug) -> anyhow::Result<Option<ProgrammeRow>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM programmes WHERE slug = $1 AND is_public = 1"))
        .bind(slug.as_str())
        .fetch_optional(&db.pool)
        .await?)
}

/// Full costs per year, oldest first.
pub async fn costs(db: &Db, programme_id: i64) -> anyhow::Result<Vec<(i64, i64)>> {
    Ok(sqlx::query_as("SELECT year, amount_minor FROM programme_costs WHERE programme_id = $1 ORDER BY year")
        .bind(programme_id)
        .fetch_all(&db.pool)
        .await?)
}

/// Testimonials whose authors consented to publication.
pub async fn public_testimonials(db: &Db, programme_id: i64) -> anyhow::Result<Vec<TestimonialRow>> {
    Ok(sqlx::query_as(
        "SELECT quote, person_name, person_role FROM testimonials WHERE programme_id = $1 AND consent = 1 ORDER BY position, id",
    )
    .bind(programme_id)
    .fetch_all(&db.pool)
    .await?)
}

/// The id of a programme, public or not.
pub async fn id_by_slug(db: &Db, slug: &Slug) -> anyhow::Result<Option<i64>> {
    Ok(sqlx::query_scalar("SELECT id FROM programmes WHERE slug = $1")
        .bind(slug.as_str())
        .fetch_optional(&db.pool)
        .await?)
}

/// Gives a person a role in a programme; granting it twice changes nothing.
pub async fn add_member(db: &Db, programme_id: i64, user_id: i64, role: ProgrammeRole) -> anyhow::Result<bool> {
    let r = sqlx::query(
        "INSERT INTO programme_members (programme_id, user_id, role, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (programme_id, user_id, role) DO NOTHING",
    )
    .bind(programme_id)
    .bind(user_id)
    .bind(role.code())
    .bind(crate::domain::time::unix_now())
    .execute(&db.pool)
    .await?;
    Ok(r.rows_affected() == 1)
}
