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
    /// Her team's number, if she has one.
    pub team: Option<i64>,
}

/// The learners of a course: the phase's participants for a cohort course, those enrolled
/// as learners for an open one.
const LEARNERS: &str = "SELECT u.id AS user_id, u.name, u.country, u.gender, p.application_id, a.call_id, \
     (SELECT t.number FROM team_members m JOIN teams t ON t.id = m.team_id WHERE m.course_id = c.id \
      AND m.user_id = u.id) AS team \
     FROM courses c JOIN phase_participants p ON p.phase_id = c.phase_id JOIN users u ON u.id = p.user_id \
     LEFT JOIN applications a ON a.id = p.application_id WHERE c.id = $1 AND c.mode = 'cohort' \
     UNION ALL \
     SELECT u.id AS user_id, u.name, u.country, u.gender, NULL AS application_id, NULL AS call_id, \
     (SELECT t.number FROM team_members m JOIN teams t ON t.id = m.team_id WHERE m.course_id = c.id \
      AND m.user_id = u.id) AS team \
     FROM course_enrolments e JOIN courses c ON c.id = e.course_id JOIN users u ON u.id = e.user_id \
     WHERE c.id = $1 AND c.mode = 'open' AND e.role = 'learner'";

/// Which learners of a course to read. An open course may have 10,000: a page reads them
/// one page or one team at a time, in the database (sqlx hands rows over one by one, so
/// reading them all takes about a tenth of a second).
#[derive(Clone, Copy, Debug)]
pub enum Which<'a> {
    All,
    /// The members of these teams.
    Teams(&'a [i64]),
    /// By name: `limit` from `offset`.
    Page {
        offset: i64,
        limit: i64,
    },
}

/// The learners of a course, by name.
pub async fn learners(db: &Db, course_id: i64, which: Which<'_>) -> anyhow::Result<Vec<LearnerRow>> {
    let sql = match which {
        Which::All => format!("{LEARNERS} ORDER BY 2, 1"),
        // Team ids are numbers read from the database: written into the query as such.
        Which::Teams(ids) => format!(
            "SELECT * FROM ({LEARNERS}) l WHERE l.user_id IN (SELECT user_id FROM team_members \
             WHERE course_id = $1 AND team_id IN ({})) ORDER BY 2, 1",
            if ids.is_empty() {
                "NULL".to_owned()
            } else {
                ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")
            }
        ),
        Which::Page { offset, limit } => {
            format!("SELECT * FROM ({LEARNERS}) l ORDER BY 2, 1 LIMIT {} OFFSET {}", limit.max(0), offset.max(0))
        }
    };
    Ok(sqlx::query_as(&sql).bind(course_id).fetch_all(&db.pool).await?)
}

/// How many learners the course has, how many of them are in a team, and its teams.
pub async fn counts(db: &Db, course_id: i64) -> anyhow::Result<(i64, i64, i64)> {
    Ok(sqlx::query_as(&format!(
        "SELECT (SELECT COUNT(*) FROM ({LEARNERS}) l), \
         (SELECT COUNT(*) FROM ({LEARNERS}) l JOIN team_members m ON m.user_id = l.user_id AND m.course_id = $1), \
         (SELECT COUNT(*) FROM teams WHERE course_id = $1)"
    ))
    .bind(course_id)
    .fetch_one(&db.pool)
    .await?)
}

/// The learner's team in the course: (team id, number).
/// Whether the course has any team.
pub async fn any(db: &Db, course_id: i64) -> anyhow::Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM teams WHERE course_id = $1")
        .bind(course_id)
        .fetch_one(&db.pool)
        .await?;
    Ok(n > 0)
}

pub async fn team_of(db: &Db, course_id: i64, user_id: i64) -> anyhow::Result<Option<(i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT t.id, t.number FROM team_members m JOIN teams t ON t.id = m.team_id \
         WHERE m.course_id = $1 AND m.user_id = $2",
    )
    .bind(course_id)
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await?)
}

/// The teams (ids) of some learners of the course.
pub async fn teams_of(db: &Db, course_id: i64, user_ids: &[i64]) -> anyhow::Result<Vec<i64>> {
    if user_ids.is_empty() {
        return Ok(vec![]);
    }
    let ids = user_ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
    Ok(sqlx::query_scalar(&format!(
        "SELECT DISTINCT team_id FROM team_members WHERE course_id = $1 AND user_id IN ({ids})"
    ))
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
    // Whether the course has teams is part of its cached content (`courses::Content`).
    super::courses::touch(tx, course_id).await?;
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
