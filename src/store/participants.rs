//! The participants of programme phases.

use sqlx::{Any, FromRow, Transaction};

use super::Db;
use crate::domain::time::unix_now;

#[derive(Clone, Debug, FromRow)]
pub struct ParticipantRow {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub source: String,
    pub application_id: Option<i64>,
    /// The call whose selection brought her, for 'selection'.
    pub call_title: Option<String>,
    pub added_at: i64,
}

pub async fn of_phase(db: &Db, phase_id: i64) -> anyhow::Result<Vec<ParticipantRow>> {
    Ok(sqlx::query_as(
        "SELECT p.user_id, u.name, u.email, p.source, p.application_id, c.title AS call_title, p.added_at \
         FROM phase_participants p JOIN users u ON u.id = p.user_id \
         LEFT JOIN applications a ON a.id = p.application_id LEFT JOIN calls c ON c.id = a.call_id \
         WHERE p.phase_id = $1 ORDER BY u.name, u.id",
    )
    .bind(phase_id)
    .fetch_all(&db.pool)
    .await?)
}

/// How many participants each phase of a programme has: (phase id, count).
pub async fn counts(db: &Db, programme_id: i64) -> anyhow::Result<Vec<(i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT p.phase_id, COUNT(*) FROM phase_participants p JOIN programme_phases ph ON ph.id = p.phase_id \
         WHERE ph.programme_id = $1 GROUP BY p.phase_id",
    )
    .bind(programme_id)
    .fetch_all(&db.pool)
    .await?)
}

/// Enrols by hand; `false` when she already takes part.
pub async fn add(tx: &mut Transaction<'static, Any>, phase_id: i64, user_id: i64, by: i64) -> anyhow::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO phase_participants (phase_id, user_id, source, added_by, added_at) \
         VALUES ($1, $2, 'manager', $3, $4) ON CONFLICT (phase_id, user_id) DO NOTHING",
    )
    .bind(phase_id)
    .bind(user_id)
    .bind(by)
    .bind(unix_now())
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Removes someone enrolled by hand; `false` if there was no such enrolment.
pub async fn remove_manual(tx: &mut Transaction<'static, Any>, phase_id: i64, user_id: i64) -> anyhow::Result<bool> {
    let done =
        sqlx::query("DELETE FROM phase_participants WHERE phase_id = $1 AND user_id = $2 AND source = 'manager'")
            .bind(phase_id)
            .bind(user_id)
            .execute(&mut **tx)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// Brings a phase in step with a call's decisions: everyone the call selected takes part
/// in `phase_id` (unless `None`); nobody else the call brought in stays, in any phase.
/// People enrolled by hand are left alone. Returns (added, removed).
pub async fn sync_selection(
    tx: &mut Transaction<'static, Any>,
    call_id: i64,
    phase_id: Option<i64>,
    by: i64,
) -> anyhow::Result<(u64, u64)> {
    let removed = sqlx::query(
        "DELETE FROM phase_participants WHERE source = 'selection' \
         AND application_id IN (SELECT id FROM applications WHERE call_id = $1) \
         AND (phase_id <> $2 OR application_id NOT IN \
              (SELECT application_id FROM decisions WHERE call_id = $1 AND decision = 'selected'))",
    )
    .bind(call_id)
    .bind(phase_id.unwrap_or(-1))
    .execute(&mut **tx)
    .await?
    .rows_affected();
    let Some(phase_id) = phase_id else {
        return Ok((0, removed));
    };
    let added = sqlx::query(
        "INSERT INTO phase_participants (phase_id, user_id, source, application_id, added_by, added_at) \
         SELECT $1, a.user_id, 'selection', a.id, $2, $3 FROM decisions d \
         JOIN applications a ON a.id = d.application_id WHERE d.call_id = $4 AND d.decision = 'selected' \
         ON CONFLICT (phase_id, user_id) DO NOTHING",
    )
    .bind(phase_id)
    .bind(by)
    .bind(unix_now())
    .bind(call_id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok((added, removed))
}

/// The phases someone takes part in: (programme slug, programme title, phase title, kind).
pub async fn phases_of_user(db: &Db, user_id: i64) -> anyhow::Result<Vec<(String, String, String, String)>> {
    Ok(sqlx::query_as(
        "SELECT pr.slug, pr.title, ph.title, ph.kind FROM phase_participants p \
         JOIN programme_phases ph ON ph.id = p.phase_id JOIN programmes pr ON pr.id = ph.programme_id \
         WHERE p.user_id = $1 ORDER BY ph.start_date, ph.id",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?)
}
