//! The teams of a course and who follows it.

use sqlx::{Any, FromRow, Transaction};

use super::Db;
use crate::domain::time::unix_now;

/// A learner of a course, with what team balancing reads: her own profile, and the
/// application that brought her in (whose answers say her country and gender).
#[derive(Clone, Debug, FromRow)]
pub struct LearnerRow {
    pub user_id: i64,
    pub name: String,
    pub country: String,
    pub gender: String,
    pub application_id: Option<i64>,
    pub call_id: Option<i64>,
}

/// The learners of a course: the phase's participants for a cohort course, those enrolled
/// as learners for an open one.
pub async fn learners(db: &Db, course_id: i64) -> anyhow::Result<Vec<LearnerRow>> {
    Ok(sqlx::query_as(
        "SELECT u.id AS user_id, u.name, u.country, u.gender, p.application_id, a.call_id \
         FROM courses c JOIN phase_participants p ON p.phase_id = c.phase_id JOIN users u ON u.id = p.user_id \
         LEFT JOIN applications a ON a.id = p.application_id WHERE c.id = $1 AND c.mode = 'cohort' \
         UNION ALL \
         SELECT u.id AS user_id, u.name, u.country, u.gender, NULL AS application_id, NULL AS call_id \
         FROM course_enrolments e JOIN courses c ON c.id = e.course_id JOIN users u ON u.id = e.user_id \
         WHERE c.id = $1 AND c.mode = 'open' AND e.role = 'learner' ORDER BY 2, 1",
    )
    .bind(course_id)
    .fetch_all(&db.pool)
    .await?)
}

/// The course's teams: (team number, user id), by team then member.
pub async fn members(db: &Db, course_id: i64) -> anyhow::Result<Vec<(i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT t.number, m.user_id FROM team_members m JOIN teams t ON t.id = m.team_id \
         WHERE m.course_id = $1 ORDER BY t.number, m.user_id",
    )
    .bind(course_id)
    .fetch_all(&db.pool)
    .await?)
}

/// Replaces every team of the course with these (each a list of user ids).
pub async fn replace(tx: &mut Transaction<'static, Any>, course_id: i64, teams: &[Vec<i64>]) -> anyhow::Result<()> {
    // Members go with their team (ON DELETE CASCADE).
    sqlx::query("DELETE FROM teams WHERE course_id = $1").bind(course_id).execute(&mut **tx).await?;
    let now = unix_now();
    for (n, team) in teams.iter().enumerate() {
        let id: i64 =
            sqlx::query_scalar("INSERT INTO teams (course_id, number, created_at) VALUES ($1, $2, $3) RETURNING id")
                .bind(course_id)
                .bind(n as i64 + 1)
                .bind(now)
                .fetch_one(&mut **tx)
                .await?;
        for user in team {
            sqlx::query("INSERT INTO team_members (team_id, course_id, user_id) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(course_id)
                .bind(user)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}
