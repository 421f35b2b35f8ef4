//! Files attached to applications (their bytes are on disk, see `crate::attachments`).

use sqlx::FromRow;

use super::Db;
use crate::domain::attachment::FileType;

#[derive(Clone, Debug, FromRow)]
pub struct AttachmentRow {
    pub id: String,
    pub application_id: i64,
    pub question_id: String,
    pub name: String,
    pub file_type: String,
    pub size: i64,
    pub sha256: String,
    pub created_at: i64,
}

impl AttachmentRow {
    pub fn file_type(&self) -> Option<FileType> {
        FileType::parse(&self.file_type)
    }
    /// Where the owner and the call's managers download it.
    pub fn url(&self) -> String {
        format!("/fichiers/{}", self.id)
    }
}

const COLUMNS: &str = "id, application_id, question_id, name, file_type, size, sha256, created_at";

pub async fn insert(db: &Db, a: &AttachmentRow) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO attachments (id, application_id, question_id, name, file_type, size, sha256, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&a.id)
    .bind(a.application_id)
    .bind(&a.question_id)
    .bind(&a.name)
    .bind(&a.file_type)
    .bind(a.size)
    .bind(&a.sha256)
    .bind(a.created_at)
    .execute(&db.pool)
    .await?;
    Ok(())
}

pub async fn get(db: &Db, id: &str) -> anyhow::Result<Option<AttachmentRow>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM attachments WHERE id = $1"))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?)
}

pub async fn of_application(db: &Db, application_id: i64) -> anyhow::Result<Vec<AttachmentRow>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM attachments WHERE application_id = $1 ORDER BY created_at, id"))
        .bind(application_id)
        .fetch_all(&db.pool)
        .await?)
}

/// The attachments of every application of a call (for the manager's list and exports).
pub async fn of_call(db: &Db, call_id: i64) -> anyhow::Result<Vec<AttachmentRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {} FROM attachments t WHERE t.application_id IN (SELECT id FROM applications WHERE call_id = $1)",
        COLUMNS.split(", ").map(|c| format!("t.{c}")).collect::<Vec<_>>().join(", ")
    ))
    .bind(call_id)
    .fetch_all(&db.pool)
    .await?)
}

/// The call and the applicant of an attachment: who may read it.
pub async fn owner(db: &Db, id: &str) -> anyhow::Result<Option<(i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT a.call_id, a.user_id FROM attachments t JOIN applications a ON a.id = t.application_id WHERE t.id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?)
}
