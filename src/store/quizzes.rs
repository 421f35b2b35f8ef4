//! Quizzes of course modules and the learners' attempts.

use sqlx::{Any, FromRow, Transaction};

use super::courses::ModuleItemTable;
use super::Db;
use crate::domain::time::unix_now;

type Tx = Transaction<'static, Any>;

#[derive(Clone, Debug, FromRow)]
pub struct QuizRow {
    pub id: i64,
    pub module_id: i64,
    pub position: i64,
    pub title: String,
    pub title_en: String,
    /// JSON of `domain::quiz::Quiz`.
    pub definition: String,
    pub status: String,
    pub updated_at: i64,
}

impl QuizRow {
    pub fn is_published(&self) -> bool {
        self.status == "published"
    }
}

#[derive(Clone, Debug, FromRow)]
pub struct AttemptRow {
    pub id: i64,
    pub quiz_id: i64,
    pub user_id: i64,
    pub number: i64,
    pub answers: String,
    pub score_milli: Option<i64>,
    pub passed: i64,
    pub graded: Option<String>,
    pub started_at: i64,
    pub submitted_at: Option<i64>,
}

impl AttemptRow {
    pub fn is_submitted(&self) -> bool {
        self.submitted_at.is_some()
    }
}

/// A quiz as written.
pub struct QuizFields<'a> {
    pub title: &'a str,
    pub title_en: &'a str,
    pub definition: &'a str,
    pub status: &'a str,
}

/// A submitted attempt's result as written.
pub struct Submission<'a> {
    pub answers: &'a str,
    pub score_milli: i64,
    pub passed: bool,
    pub graded: &'a str,
    pub submitted_at: i64,
}

const QUIZ: &str = "SELECT q.id, q.module_id, q.position, q.title, q.title_en, q.definition, q.status, q.updated_at \
     FROM quizzes q JOIN course_modules m ON m.id = q.module_id";

const ATTEMPT: &str = "SELECT id, quiz_id, user_id, number, answers, score_milli, passed, graded, started_at, \
     submitted_at FROM quiz_attempts";

/// A quiz of this course.
pub async fn quiz(db: &Db, course_id: i64, id: i64) -> anyhow::Result<Option<QuizRow>> {
    Ok(sqlx::query_as(&format!("{QUIZ} WHERE m.course_id = $1 AND q.id = $2"))
        .bind(course_id)
        .bind(id)
        .fetch_optional(&db.pool)
        .await?)
}

/// Every quiz of a course, drafts included, in module then quiz order.
pub async fn of_course(db: &Db, course_id: i64) -> anyhow::Result<Vec<QuizRow>> {
    Ok(sqlx::query_as(&format!("{QUIZ} WHERE m.course_id = $1 ORDER BY m.position, q.position, q.id"))
        .bind(course_id)
        .fetch_all(&db.pool)
        .await?)
}

pub async fn insert(tx: &mut Tx, module_id: i64, f: &QuizFields<'_>) -> anyhow::Result<i64> {
    super::courses::touch_module(tx, module_id).await?;
    let now = unix_now();
    let position: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(position), 0) + 1 FROM quizzes WHERE module_id = $1")
        .bind(module_id)
        .fetch_one(&mut **tx)
        .await?;
    Ok(sqlx::query_scalar(
        "INSERT INTO quizzes (module_id, position, title, title_en, definition, status, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
    )
    .bind(module_id)
    .bind(position)
    .bind(f.title)
    .bind(f.title_en)
    .bind(f.definition)
    .bind(f.status)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?)
}

pub async fn update(tx: &mut Tx, id: i64, f: &QuizFields<'_>) -> anyhow::Result<()> {
    sqlx::query(
        "UPDATE quizzes SET title = $1, title_en = $2, definition = $3, status = $4, updated_at = $5 WHERE id = $6",
    )
    .bind(f.title)
    .bind(f.title_en)
    .bind(f.definition)
    .bind(f.status)
    .bind(unix_now())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    super::courses::touch_module_item(tx, ModuleItemTable::Quizzes, id).await
}

pub async fn delete(tx: &mut Tx, id: i64) -> anyhow::Result<()> {
    super::courses::touch_module_item(tx, ModuleItemTable::Quizzes, id).await?;
    // Attempts go with their quiz (ON DELETE CASCADE); deleted explicitly too, as lessons.
    sqlx::query("DELETE FROM quiz_attempts WHERE quiz_id = $1").bind(id).execute(&mut **tx).await?;
    sqlx::query("DELETE FROM quizzes WHERE id = $1").bind(id).execute(&mut **tx).await?;
    Ok(())
}

/// A learner's attempts at a quiz, first to last.
pub async fn attempts(db: &Db, quiz_id: i64, user_id: i64) -> anyhow::Result<Vec<AttemptRow>> {
    Ok(sqlx::query_as(&format!("{ATTEMPT} WHERE quiz_id = $1 AND user_id = $2 ORDER BY number"))
        .bind(quiz_id)
        .bind(user_id)
        .fetch_all(&db.pool)
        .await?)
}

/// The same, inside a write transaction (what the decision to start or submit reads).
pub async fn attempts_tx(tx: &mut Tx, quiz_id: i64, user_id: i64) -> anyhow::Result<Vec<AttemptRow>> {
    Ok(sqlx::query_as(&format!("{ATTEMPT} WHERE quiz_id = $1 AND user_id = $2 ORDER BY number"))
        .bind(quiz_id)
        .bind(user_id)
        .fetch_all(&mut **tx)
        .await?)
}

/// Starts attempt `number`; `None` when another request started it first.
pub async fn start(tx: &mut Tx, quiz_id: i64, user_id: i64, number: i64) -> anyhow::Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "INSERT INTO quiz_attempts (quiz_id, user_id, number, started_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (quiz_id, user_id, number) DO NOTHING RETURNING id",
    )
    .bind(quiz_id)
    .bind(user_id)
    .bind(number)
    .bind(unix_now())
    .fetch_optional(&mut **tx)
    .await?)
}

/// Records the result of an attempt still open; `false` when it was already submitted (a
/// concurrent submit won): the condition makes the first write the only one. One statement,
/// in a transaction or on its own.
pub async fn submit<'e, E>(ex: E, attempt_id: i64, s: &Submission<'_>) -> anyhow::Result<bool>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    let done = sqlx::query(
        "UPDATE quiz_attempts SET answers = $1, score_milli = $2, passed = $3, graded = $4, submitted_at = $5 \
         WHERE id = $6 AND submitted_at IS NULL",
    )
    .bind(s.answers)
    .bind(s.score_milli)
    .bind(s.passed as i64)
    .bind(s.graded)
    .bind(s.submitted_at)
    .bind(attempt_id)
    .execute(ex)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Writes attempt `number`, started and submitted at once (a page's form sends the answers
/// of an attempt never started); `None` when that attempt exists already. One statement.
pub async fn insert_submitted(
    db: &Db,
    quiz_id: i64,
    user_id: i64,
    number: i64,
    s: &Submission<'_>,
) -> anyhow::Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "INSERT INTO quiz_attempts (quiz_id, user_id, number, started_at, answers, score_milli, passed, graded, \
         submitted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $4) \
         ON CONFLICT (quiz_id, user_id, number) DO NOTHING RETURNING id",
    )
    .bind(quiz_id)
    .bind(user_id)
    .bind(number)
    .bind(s.submitted_at)
    .bind(s.answers)
    .bind(s.score_milli)
    .bind(s.passed as i64)
    .bind(s.graded)
    .fetch_optional(&db.pool)
    .await?)
}

/// Per quiz of the course a learner touched: (quiz id, attempts started, best score in
/// thousandths of a percent among the submitted ones).
pub async fn progress(db: &Db, course_id: i64, user_id: i64) -> anyhow::Result<Vec<(i64, i64, Option<i64>)>> {
    Ok(sqlx::query_as(
        "SELECT a.quiz_id, COUNT(*), MAX(a.score_milli) FROM quiz_attempts a JOIN quizzes q ON q.id = a.quiz_id \
         JOIN course_modules m ON m.id = q.module_id WHERE m.course_id = $1 AND a.user_id = $2 GROUP BY a.quiz_id",
    )
    .bind(course_id)
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?)
}
