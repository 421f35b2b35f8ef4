//! The raw counts behind the indicators: people per programme, stage, gender and country.
//! Until calls, selection and the course record their own data, the stage "selected" is
//! read from the programme's participants; the other stages are zero.

use sqlx::FromRow;

use super::Db;

#[derive(Clone, Debug, FromRow)]
pub struct CountRow {
    pub slug: String,
    pub title: String,
    pub title_en: String,
    pub start_month: String,
    pub end_month: String,
    pub gender: String,
    pub country: String,
    pub people: i64,
}

/// Participants of public programmes active during `year` (all years when `None`).
pub async fn participants(db: &Db, year: Option<i64>) -> anyhow::Result<Vec<CountRow>> {
    let (from, to) = match year {
        Some(y) => (format!("{y:04}-12"), format!("{y:04}-01")),
        None => ("9999-12".to_owned(), "0000-01".to_owned()),
    };
    Ok(sqlx::query_as(
        "SELECT p.slug, p.title, p.title_en, p.start_month, p.end_month, u.gender, u.country, COUNT(*) AS people \
         FROM programme_members m JOIN programmes p ON p.id = m.programme_id JOIN users u ON u.id = m.user_id \
         WHERE m.role = 'participant' AND p.is_public = 1 AND p.start_month <= $1 AND p.end_month >= $2 \
         GROUP BY p.slug, p.title, p.title_en, p.start_month, p.end_month, u.gender, u.country \
         ORDER BY p.slug, u.gender, u.country",
    )
    .bind(from)
    .bind(to)
    .fetch_all(&db.pool)
    .await?)
}
