//! Programmes, their phases, budgets and testimonials.

use sqlx::{Any, FromRow, Transaction};

use super::Db;
use crate::domain::role::ProgrammeRole;
use crate::domain::slug::Slug;
use crate::domain::time::unix_now;

#[derive(Clone, Debug, FromRow)]
pub struct ProgrammeRow {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub title_en: String,
    pub mission: String,
    pub mission_en: String,
    pub body: String,
    pub body_en: String,
    pub region: String,
    pub countries: String,
    pub themes: String,
    pub funders: String,
    pub partners: String,
    pub start_month: String,
    pub end_month: String,
    pub status: String,
    pub currency: String,
    pub budget_estimate_minor: Option<i64>,
    pub budget_public: i64,
    pub is_public: i64,
    pub cover_image: Option<String>,
    pub updated_at: i64,
}

const COLUMNS: &str = "id, slug, title, title_en, mission, mission_en, body, body_en, region, countries, themes, \
    funders, partners, start_month, end_month, status, currency, budget_estimate_minor, budget_public, is_public, \
    cover_image, updated_at";

impl ProgrammeRow {
    pub fn is_public(&self) -> bool {
        self.is_public != 0
    }
    pub fn budget_public(&self) -> bool {
        self.budget_public != 0
    }
    pub fn list(field: &str) -> Vec<&str> {
        field.split([',', '\n']).map(str::trim).filter(|s| !s.is_empty()).collect()
    }
}

/// The fields a manager edits, already validated (see `crate::programmes`).
#[derive(Clone, Debug)]
pub struct ProgrammeFields {
    pub slug: String,
    pub title: String,
    pub title_en: String,
    pub mission: String,
    pub mission_en: String,
    pub body: String,
    pub body_en: String,
    pub region: String,
    pub countries: String,
    pub themes: String,
    pub funders: String,
    pub partners: String,
    pub start_month: String,
    pub end_month: String,
    pub status: String,
    pub currency: String,
    pub budget_estimate_minor: Option<i64>,
    pub budget_public: bool,
    pub is_public: bool,
}

/// Public programmes, most recent first.
pub async fn list_public(db: &Db) -> anyhow::Result<Vec<ProgrammeRow>> {
    list_public_page(db, 0, 200).await
}

/// One page of public programmes, most recent first.
pub async fn list_public_page(db: &Db, offset: i64, limit: i64) -> anyhow::Result<Vec<ProgrammeRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM programmes WHERE is_public = 1 ORDER BY start_month DESC, title, id LIMIT $1 OFFSET $2"
    ))
    .bind(limit)
    .bind(offset)
    .fetch_all(&db.pool)
    .await?)
}

pub async fn count_public(db: &Db) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM programmes WHERE is_public = 1").fetch_one(&db.pool).await?)
}

/// Public programmes active during `year`, for the annual report.
pub async fn public_active_in(db: &Db, year: i64) -> anyhow::Result<Vec<ProgrammeRow>> {
    // Months are stored as YYYY-MM, so string comparison is chronological.
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM programmes WHERE is_public = 1 AND start_month <= $1 AND end_month >= $2 \
         ORDER BY title LIMIT 1000"
    ))
    .bind(format!("{year:04}-12"))
    .bind(format!("{year:04}-01"))
    .fetch_all(&db.pool)
    .await?)
}

/// Years covered by public programmes, newest first.
pub async fn public_years(db: &Db) -> anyhow::Result<Vec<i64>> {
    let spans: Vec<(String, String)> =
        sqlx::query_as("SELECT DISTINCT start_month, end_month FROM programmes WHERE is_public = 1")
            .fetch_all(&db.pool)
            .await?;
    let mut years: Vec<i64> = spans
        .iter()
        .filter_map(|(a, b)| Some((a.get(..4)?.parse::<i64>().ok()?, b.get(..4)?.parse::<i64>().ok()?)))
        .flat_map(|(a, b)| a..=b.min(a + 50))
        .collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    Ok(years)
}

/// Every programme, for administrators; or those the user manages.
pub async fn list_managed(db: &Db, user_id: i64, is_admin: bool) -> anyhow::Result<Vec<ProgrammeRow>> {
    let q = if is_admin {
        format!("SELECT {COLUMNS} FROM programmes WHERE $1 = $1 ORDER BY start_month DESC, title")
    } else {
        format!(
            "SELECT {COLUMNS} FROM programmes WHERE id IN (SELECT programme_id FROM programme_members \
             WHERE user_id = $1 AND role = 'manager') ORDER BY start_month DESC, title"
        )
    };
    Ok(sqlx::query_as(&q).bind(user_id).fetch_all(&db.pool).await?)
}

pub async fn by_slug(db: &Db, slug: &Slug) -> anyhow::Result<Option<ProgrammeRow>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM programmes WHERE slug = $1"))
        .bind(slug.as_str())
        .fetch_optional(&db.pool)
        .await?)
}

pub async fn by_id(db: &Db, id: i64) -> anyhow::Result<Option<ProgrammeRow>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM programmes WHERE id = $1"))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?)
}

pub async fn public_by_slug(db: &Db, slug: &Slug) -> anyhow::Result<Option<ProgrammeRow>> {
    Ok(by_slug(db, slug).await?.filter(ProgrammeRow::is_public))
}

/// The id of a programme, public or not.
pub async fn id_by_slug(db: &Db, slug: &Slug) -> anyhow::Result<Option<i64>> {
    Ok(sqlx::query_scalar("SELECT id FROM programmes WHERE slug = $1")
        .bind(slug.as_str())
        .fetch_optional(&db.pool)
        .await?)
}

pub async fn slug_taken(db: &Db, slug: &str, except_id: Option<i64>) -> anyhow::Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM programmes WHERE slug = $1 AND id <> $2")
        .bind(slug)
        .bind(except_id.unwrap_or(-1))
        .fetch_one(&db.pool)
        .await?;
    Ok(n > 0)
}

pub async fn first_organisation(db: &Db) -> anyhow::Result<Option<i64>> {
    Ok(sqlx::query_scalar("SELECT id FROM organisations ORDER BY id LIMIT 1").fetch_optional(&db.pool).await?)
}

pub async fn ensure_organisation(tx: &mut Transaction<'static, Any>, slug: &str, name: &str) -> anyhow::Result<i64> {
    if let Some(id) =
        sqlx::query_scalar("SELECT id FROM organisations WHERE slug = $1").bind(slug).fetch_optional(&mut **tx).await?
    {
        return Ok(id);
    }
    Ok(sqlx::query_scalar("INSERT INTO organisations (slug, name, created_at) VALUES ($1, $2, $3) RETURNING id")
        .bind(slug)
        .bind(name)
        .bind(unix_now())
        .fetch_one(&mut **tx)
        .await?)
}

fn bind_fields<'q>(
    q: sqlx::query::QueryScalar<'q, Any, i64, sqlx::any::AnyArguments<'q>>,
    f: &'q ProgrammeFields,
) -> sqlx::query::QueryScalar<'q, Any, i64, sqlx::any::AnyArguments<'q>> {
    q.bind(&f.slug)
        .bind(&f.title)
        .bind(&f.title_en)
        .bind(&f.mission)
        .bind(&f.mission_en)
        .bind(&f.body)
        .bind(&f.body_en)
        .bind(&f.region)
        .bind(&f.countries)
        .bind(&f.themes)
        .bind(&f.funders)
        .bind(&f.partners)
        .bind(&f.start_month)
        .bind(&f.end_month)
        .bind(&f.status)
        .bind(&f.currency)
        .bind(f.budget_estimate_minor)
        .bind(f.budget_public as i64)
        .bind(f.is_public as i64)
        .bind(unix_now())
}

pub async fn insert(
    tx: &mut Transaction<'static, Any>,
    organisation_id: i64,
    f: &ProgrammeFields,
) -> anyhow::Result<i64> {
    let q = sqlx::query_scalar(
        "INSERT INTO programmes (slug, title, title_en, mission, mission_en, body, body_en, region, countries, themes, \
         funders, partners, start_month, end_month, status, currency, budget_estimate_minor, budget_public, is_public, \
         created_at, updated_at, organisation_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20, $21) RETURNING id",
    );
    Ok(bind_fields(q, f).bind(organisation_id).fetch_one(&mut **tx).await?)
}

pub async fn update(tx: &mut Transaction<'static, Any>, id: i64, f: &ProgrammeFields) -> anyhow::Result<()> {
    let q = sqlx::query_scalar(
        "UPDATE programmes SET slug = $1, title = $2, title_en = $3, mission = $4, mission_en = $5, body = $6, \
         body_en = $7, region = $8, countries = $9, themes = $10, funders = $11, partners = $12, start_month = $13, \
         end_month = $14, status = $15, currency = $16, budget_estimate_minor = $17, budget_public = $18, \
         is_public = $19, updated_at = $20 WHERE id = $21 RETURNING id",
    );
    bind_fields(q, f).bind(id).fetch_one(&mut **tx).await?;
    Ok(())
}

pub async fn set_cover(tx: &mut Transaction<'static, Any>, id: i64, cover: Option<&str>) -> anyhow::Result<()> {
    sqlx::query("UPDATE programmes SET cover_image = $1, updated_at = $2 WHERE id = $3")
        .bind(cover)
        .bind(unix_now())
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

// ------------------------------------------------------------------ members

/// Gives a person a role in a programme; granting it twice changes nothing.
pub async fn add_member(db: &Db, programme_id: i64, user_id: i64, role: ProgrammeRole) -> anyhow::Result<bool> {
    let r = sqlx::query(
        "INSERT INTO programme_members (programme_id, user_id, role, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (programme_id, user_id, role) DO NOTHING",
    )
    .bind(programme_id)
    .bind(user_id)
    .bind(role.code())
    .bind(unix_now())
    .execute(&db.pool)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn roles_of(db: &Db, programme_id: i64, user_id: i64) -> anyhow::Result<Vec<ProgrammeRole>> {
    let codes: Vec<String> =
        sqlx::query_scalar("SELECT role FROM programme_members WHERE programme_id = $1 AND user_id = $2")
            .bind(programme_id)
            .bind(user_id)
            .fetch_all(&db.pool)
            .await?;
    Ok(codes.iter().filter_map(|c| ProgrammeRole::parse(c)).collect())
}

// ------------------------------------------------------------------ phases

#[derive(Clone, Debug, FromRow)]
pub struct PhaseRow {
    pub id: i64,
    pub position: i64,
    pub kind: String,
    pub title: String,
    pub title_en: String,
    pub start_date: String,
    pub end_date: String,
}

pub async fn phases(db: &Db, programme_id: i64) -> anyhow::Result<Vec<PhaseRow>> {
    Ok(sqlx::query_as(
        "SELECT id, position, kind, title, title_en, start_date, end_date FROM programme_phases \
         WHERE programme_id = $1 ORDER BY position, start_date, id",
    )
    .bind(programme_id)
    .fetch_all(&db.pool)
    .await?)
}

pub struct PhaseFields<'a> {
    pub kind: &'a str,
    pub title: &'a str,
    pub title_en: &'a str,
    pub start_date: &'a str,
    pub end_date: &'a str,
    pub position: i64,
}

pub async fn insert_phase(
    tx: &mut Transaction<'static, Any>,
    programme_id: i64,
    p: &PhaseFields<'_>,
) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO programme_phases (programme_id, position, kind, title, title_en, start_date, end_date) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(programme_id)
    .bind(p.position)
    .bind(p.kind)
    .bind(p.title)
    .bind(p.title_en)
    .bind(p.start_date)
    .bind(p.end_date)
    .fetch_one(&mut **tx)
    .await?)
}

pub async fn set_phase_position(
    tx: &mut Transaction<'static, Any>,
    programme_id: i64,
    phase_id: i64,
    position: i64,
) -> anyhow::Result<()> {
    sqlx::query("UPDATE programme_phases SET position = $1 WHERE id = $2 AND programme_id = $3")
        .bind(position)
        .bind(phase_id)
        .bind(programme_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn delete_phase(
    tx: &mut Transaction<'static, Any>,
    programme_id: i64,
    phase_id: i64,
) -> anyhow::Result<bool> {
    let r = sqlx::query("DELETE FROM programme_phases WHERE id = $1 AND programme_id = $2")
        .bind(phase_id)
        .bind(programme_id)
        .execute(&mut **tx)
        .await?;
    Ok(r.rows_affected() == 1)
}

// ------------------------------------------------------------------ budget

/// Full costs per year, oldest first.
pub async fn costs(db: &Db, programme_id: i64) -> anyhow::Result<Vec<(i64, i64)>> {
    Ok(sqlx::query_as("SELECT year, amount_minor FROM programme_costs WHERE programme_id = $1 ORDER BY year")
        .bind(programme_id)
        .fetch_all(&db.pool)
        .await?)
}

/// Sets (or with `None` removes) the full costs of a year.
pub async fn set_cost(
    tx: &mut Transaction<'static, Any>,
    programme_id: i64,
    year: i64,
    amount: Option<i64>,
) -> anyhow::Result<()> {
    super::bump_content_version(tx).await?;
    match amount {
        Some(a) => sqlx::query(
            "INSERT INTO programme_costs (programme_id, year, amount_minor) VALUES ($1, $2, $3) \
             ON CONFLICT (programme_id, year) DO UPDATE SET amount_minor = excluded.amount_minor",
        )
        .bind(programme_id)
        .bind(year)
        .bind(a),
        None => sqlx::query("DELETE FROM programme_costs WHERE programme_id = $1 AND year = $2")
            .bind(programme_id)
            .bind(year),
    }
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Full costs of `year` for every programme that has them: (programme id, amount).
pub async fn costs_of_year(db: &Db, year: i64) -> anyhow::Result<Vec<(i64, i64)>> {
    Ok(sqlx::query_as("SELECT programme_id, amount_minor FROM programme_costs WHERE year = $1")
        .bind(year)
        .fetch_all(&db.pool)
        .await?)
}

#[derive(Clone, Debug, FromRow)]
pub struct BudgetLineRow {
    pub id: i64,
    pub year: i64,
    pub category: String,
    pub planned_minor: i64,
    pub actual_minor: Option<i64>,
    pub is_public: i64,
}

pub async fn budget_lines(db: &Db, programme_id: i64, public_only: bool) -> anyhow::Result<Vec<BudgetLineRow>> {
    Ok(sqlx::query_as(
        "SELECT id, year, category, planned_minor, actual_minor, is_public FROM budget_lines \
         WHERE programme_id = $1 AND (is_public = 1 OR $2 = 0) ORDER BY year, category, id",
    )
    .bind(programme_id)
    .bind(public_only as i64)
    .fetch_all(&db.pool)
    .await?)
}

pub struct BudgetLineFields<'a> {
    pub year: i64,
    pub category: &'a str,
    pub planned_minor: i64,
    pub actual_minor: Option<i64>,
    pub is_public: bool,
}

pub async fn insert_budget_line(
    tx: &mut Transaction<'static, Any>,
    programme_id: i64,
    l: &BudgetLineFields<'_>,
) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO budget_lines (programme_id, year, category, planned_minor, actual_minor, is_public) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(programme_id)
    .bind(l.year)
    .bind(l.category)
    .bind(l.planned_minor)
    .bind(l.actual_minor)
    .bind(l.is_public as i64)
    .fetch_one(&mut **tx)
    .await?)
}

pub async fn delete_budget_line(
    tx: &mut Transaction<'static, Any>,
    programme_id: i64,
    id: i64,
) -> anyhow::Result<bool> {
    let r = sqlx::query("DELETE FROM budget_lines WHERE id = $1 AND programme_id = $2")
        .bind(id)
        .bind(programme_id)
        .execute(&mut **tx)
        .await?;
    Ok(r.rows_affected() == 1)
}

// ------------------------------------------------------------------ testimonials

#[derive(Clone, Debug, FromRow)]
pub struct TestimonialRow {
    pub id: i64,
    pub quote: String,
    pub person_name: String,
    pub person_role: String,
    pub person_country: String,
    pub locale: String,
    pub consent: i64,
    /// File name of the portrait's light variant.
    pub photo: Option<String>,
}

const TESTIMONIAL_COLUMNS: &str = "id, quote, person_name, person_role, person_country, locale, consent, photo";

/// Testimonials whose authors consented to publication.
pub async fn public_testimonials(db: &Db, programme_id: i64) -> anyhow::Result<Vec<TestimonialRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {TESTIMONIAL_COLUMNS} FROM testimonials WHERE programme_id = $1 AND consent = 1 ORDER BY position, id LIMIT 50"
    ))
    .bind(programme_id)
    .fetch_all(&db.pool)
    .await?)
}

pub async fn all_testimonials(db: &Db, programme_id: i64) -> anyhow::Result<Vec<TestimonialRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {TESTIMONIAL_COLUMNS} FROM testimonials WHERE programme_id = $1 ORDER BY position, id"
    ))
    .bind(programme_id)
    .fetch_all(&db.pool)
    .await?)
}

pub struct TestimonialFields<'a> {
    pub quote: &'a str,
    pub person_name: &'a str,
    pub person_role: &'a str,
    pub person_country: &'a str,
    pub locale: &'a str,
    pub consent: bool,
}

pub async fn insert_testimonial(
    tx: &mut Transaction<'static, Any>,
    programme_id: i64,
    t: &TestimonialFields<'_>,
) -> anyhow::Result<i64> {
    let position: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM testimonials WHERE programme_id = $1")
        .bind(programme_id)
        .fetch_one(&mut **tx)
        .await?;
    Ok(sqlx::query_scalar(
        "INSERT INTO testimonials (programme_id, quote, person_name, person_role, person_country, locale, consent, position) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(programme_id)
    .bind(t.quote)
    .bind(t.person_name)
    .bind(t.person_role)
    .bind(t.person_country)
    .bind(t.locale)
    .bind(t.consent as i64)
    .bind(position)
    .fetch_one(&mut **tx)
    .await?)
}

pub async fn set_testimonial_consent(
    tx: &mut Transaction<'static, Any>,
    programme_id: i64,
    id: i64,
    consent: bool,
) -> anyhow::Result<bool> {
    let r = sqlx::query("UPDATE testimonials SET consent = $1 WHERE id = $2 AND programme_id = $3")
        .bind(consent as i64)
        .bind(id)
        .bind(programme_id)
        .execute(&mut **tx)
        .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn set_testimonial_photo(
    tx: &mut Transaction<'static, Any>,
    programme_id: i64,
    id: i64,
    photo: Option<&str>,
) -> anyhow::Result<bool> {
    let r = sqlx::query("UPDATE testimonials SET photo = $1 WHERE id = $2 AND programme_id = $3")
        .bind(photo)
        .bind(id)
        .bind(programme_id)
        .execute(&mut **tx)
        .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn delete_testimonial(
    tx: &mut Transaction<'static, Any>,
    programme_id: i64,
    id: i64,
) -> anyhow::Result<bool> {
    let r = sqlx::query("DELETE FROM testimonials WHERE id = $1 AND programme_id = $2")
        .bind(id)
        .bind(programme_id)
        .execute(&mut **tx)
        .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn testimonials_of_tx(
    tx: &mut Transaction<'static, Any>,
    programme_id: i64,
) -> anyhow::Result<Vec<TestimonialRow>> {
    Ok(sqlx::query_as(&format!("SELECT {TESTIMONIAL_COLUMNS} FROM testimonials WHERE programme_id = $1"))
        .bind(programme_id)
        .fetch_all(&mut **tx)
        .await?)
}

pub async fn by_id_tx(tx: &mut Transaction<'static, Any>, id: i64) -> anyhow::Result<Option<ProgrammeRow>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM programmes WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?)
}
