//! Certificate rules and certificates.

use sqlx::{Any, FromRow, Transaction};

use super::Db;
use crate::domain::time::unix_now;

#[derive(Clone, Debug, FromRow)]
pub struct CertificateRow {
    pub id: i64,
    pub course_id: i64,
    pub user_id: i64,
    pub code: String,
    pub holder_name: String,
    pub course_title: String,
    pub programme_title: String,
    pub issued_at: i64,
    pub revoked_at: Option<i64>,
    pub revoke_reason: Option<String>,
}

const COLUMNS: &str = "id, course_id, user_id, code, holder_name, course_title, programme_title, issued_at, \
                       revoked_at, revoke_reason";

/// (minimum quiz percent, minimum exercises), if the course has its own rules.
pub async fn rules(db: &Db, course_id: i64) -> anyhow::Result<Option<(i64, i64)>> {
    Ok(sqlx::query_as("SELECT min_quiz_percent, min_exercises FROM certificate_rules WHERE course_id = $1")
        .bind(course_id)
        .fetch_optional(&db.pool)
        .await?)
}

pub async fn save_rules(db: &Db, course_id: i64, min_quiz_percent: i64, min_exercises: i64) -> anyhow::Result<()> {
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO certificate_rules (course_id, min_quiz_percent, min_exercises, updated_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (course_id) DO UPDATE SET min_quiz_percent = $2, \
         min_exercises = $3, updated_at = $4",
    )
    .bind(course_id)
    .bind(min_quiz_percent)
    .bind(min_exercises)
    .bind(unix_now())
    .execute(&mut **tx)
    .await?;
    super::courses::touch(&mut tx, course_id).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn by_code(db: &Db, code: &str) -> anyhow::Result<Option<CertificateRow>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM certificates WHERE code = $1"))
        .bind(code)
        .fetch_optional(&db.pool)
        .await?)
}

pub async fn of_learner(db: &Db, course_id: i64, user_id: i64) -> anyhow::Result<Option<CertificateRow>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM certificates WHERE course_id = $1 AND user_id = $2"))
        .bind(course_id)
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?)
}

/// One page of a course's certificates, first issued first (an open course may have
/// thousands: a manager's page shows them page by page).
pub async fn of_course(db: &Db, course_id: i64, offset: i64, limit: i64) -> anyhow::Result<Vec<CertificateRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM certificates WHERE course_id = $1 ORDER BY issued_at, id LIMIT $2 OFFSET $3"
    ))
    .bind(course_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(&db.pool)
    .await?)
}

pub async fn count_of_course(db: &Db, course_id: i64) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM certificates WHERE course_id = $1")
        .bind(course_id)
        .fetch_one(&db.pool)
        .await?)
}

/// Issues a certificate; `false` if the learner already has one for the course (or, very
/// unlikely, the code is taken: the caller draws another).
pub async fn insert(tx: &mut Transaction<'static, Any>, c: &CertificateRow) -> anyhow::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO certificates (course_id, user_id, code, holder_name, course_title, programme_title, issued_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
    )
    .bind(c.course_id)
    .bind(c.user_id)
    .bind(&c.code)
    .bind(&c.holder_name)
    .bind(&c.course_title)
    .bind(&c.programme_title)
    .bind(c.issued_at)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Revokes a valid certificate of the course; `false` if there is none with that code.
pub async fn revoke(db: &Db, course_id: i64, code: &str, reason: &str) -> anyhow::Result<bool> {
    Ok(sqlx::query(
        "UPDATE certificates SET revoked_at = $1, revoke_reason = $2 \
         WHERE course_id = $3 AND code = $4 AND revoked_at IS NULL",
    )
    .bind(unix_now())
    .bind(reason)
    .bind(course_id)
    .bind(code)
    .execute(&db.pool)
    .await?
    .rows_affected()
        == 1)
}
