//! Exercises of course modules, the submissions to them with who they count for, the
//! tutors' grades, teammates' peer ratings and the stored progress signals.

use sqlx::{Any, FromRow, Transaction};

use super::courses::ModuleItemTable;
use super::Db;
use crate::domain::time::unix_now;

type Tx = Transaction<'static, Any>;

#[derive(Clone, Debug, FromRow)]
pub struct ExerciseRow {
    pub id: i64,
    pub module_id: i64,
    pub title: String,
    pub title_en: String,
    pub instructions: String,
    pub instructions_en: String,
    /// JSON of `domain::exercise::Grouping`.
    pub grouping: String,
    /// JSON of `domain::exercise::AnswerType`.
    pub answer: String,
    /// JSON of `domain::exercise::LatePolicy`.
    pub late_policy: String,
    /// JSON of `domain::rubric::Rubric`.
    pub rubric: String,
    pub due_at: i64,
    pub status: String,
    pub updated_at: i64,
}

impl ExerciseRow {
    pub fn is_published(&self) -> bool {
        self.status == "published"
    }
}

/// An exercise as written (JSON parts already checked).
pub struct ExerciseFields<'a> {
    pub title: &'a str,
    pub title_en: &'a str,
    pub instructions: &'a str,
    pub instructions_en: &'a str,
    pub grouping: &'a str,
    pub answer: &'a str,
    pub late_policy: &'a str,
    pub rubric: &'a str,
    pub due_at: i64,
    pub status: &'a str,
}

#[derive(Clone, Debug, FromRow)]
pub struct SubmissionRow {
    pub id: i64,
    pub exercise_id: i64,
    pub owner: String,
    pub team_number: Option<i64>,
    /// JSON of `domain::exercise::Work`.
    pub work: String,
    pub upload_id: Option<String>,
    pub state: String,
    pub version: i64,
    pub sent_at: Option<i64>,
    pub sent_by: Option<i64>,
    pub late: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

impl SubmissionRow {
    pub fn is_sent(&self) -> bool {
        self.state == "sent"
    }
}

#[derive(Clone, Debug, FromRow)]
pub struct GradeRow {
    pub submission_id: i64,
    pub tutor_id: Option<i64>,
    /// JSON of `domain::rubric::Scores`.
    pub scores: String,
    pub comment: String,
    pub score_milli: i64,
    pub reactivity_milli: i64,
    pub graded_at: i64,
    pub released_at: Option<i64>,
}

/// A submission with its grade and the names of those it counts for, for tutors.
#[derive(Clone, Debug, FromRow)]
pub struct SubmissionLine {
    pub id: i64,
    pub exercise_id: i64,
    pub team_number: Option<i64>,
    pub state: String,
    pub version: i64,
    pub sent_at: Option<i64>,
    pub late: i64,
    pub score_milli: Option<i64>,
    pub released_at: Option<i64>,
    /// Members' names joined by ", " (filled in apart).
    #[sqlx(default)]
    pub members: String,
}

/// A learner's sent work on one exercise, for progress boards.
#[derive(Clone, Debug, FromRow)]
pub struct WorkLine {
    pub exercise_id: i64,
    pub user_id: i64,
    pub sent_at: i64,
    pub score_milli: Option<i64>,
    pub released_at: Option<i64>,
}

/// A new version of a submission.
pub struct Save<'a> {
    pub exercise_id: i64,
    pub owner: &'a str,
    pub team_number: Option<i64>,
    pub work: &'a str,
    pub upload_id: Option<&'a str>,
    pub send: bool,
    pub late: bool,
    pub by: i64,
    pub members: &'a [i64],
}

pub struct Grade<'a> {
    pub submission_id: i64,
    pub tutor_id: i64,
    pub scores: &'a str,
    pub comment: &'a str,
    pub score_milli: i64,
    pub reactivity_milli: i64,
}

const EXERCISE: &str = "SELECT e.id, e.module_id, e.title, e.title_en, e.instructions, e.instructions_en, \
     e.grouping, e.answer, e.late_policy, e.rubric, e.due_at, e.status, e.updated_at \
     FROM exercises e JOIN course_modules m ON m.id = e.module_id";

const SUBMISSION: &str = "SELECT s.id, s.exercise_id, s.owner, s.team_number, s.work, s.upload_id, s.state, \
     s.version, s.sent_at, s.sent_by, s.late, s.created_at, s.updated_at FROM submissions s";

const GRADE: &str = "SELECT submission_id, tutor_id, scores, comment, score_milli, reactivity_milli, graded_at, \
     released_at FROM submission_grades";

/// An exercise of this course.
pub async fn exercise(db: &Db, course_id: i64, id: i64) -> anyhow::Result<Option<ExerciseRow>> {
    Ok(sqlx::query_as(&format!("{EXERCISE} WHERE m.course_id = $1 AND e.id = $2"))
        .bind(course_id)
        .bind(id)
        .fetch_optional(&db.pool)
        .await?)
}

/// Every exercise of a course, drafts included, in module order then by due instant.
pub async fn of_course(db: &Db, course_id: i64) -> anyhow::Result<Vec<ExerciseRow>> {
    Ok(sqlx::query_as(&format!("{EXERCISE} WHERE m.course_id = $1 ORDER BY m.position, e.due_at, e.id"))
        .bind(course_id)
        .fetch_all(&db.pool)
        .await?)
}

pub async fn insert(tx: &mut Tx, module_id: i64, f: &ExerciseFields<'_>) -> anyhow::Result<i64> {
    super::courses::touch_module(tx, module_id).await?;
    Ok(sqlx::query_scalar(
        "INSERT INTO exercises (module_id, title, title_en, instructions, instructions_en, grouping, answer, \
         late_policy, rubric, due_at, status, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
         RETURNING id",
    )
    .bind(module_id)
    .bind(f.title)
    .bind(f.title_en)
    .bind(f.instructions)
    .bind(f.instructions_en)
    .bind(f.grouping)
    .bind(f.answer)
    .bind(f.late_policy)
    .bind(f.rubric)
    .bind(f.due_at)
    .bind(f.status)
    .bind(unix_now())
    .fetch_one(&mut **tx)
    .await?)
}

pub async fn update(tx: &mut Tx, id: i64, f: &ExerciseFields<'_>) -> anyhow::Result<()> {
    sqlx::query(
        "UPDATE exercises SET title = $1, title_en = $2, instructions = $3, instructions_en = $4, grouping = $5, \
         answer = $6, late_policy = $7, rubric = $8, due_at = $9, status = $10, updated_at = $11 WHERE id = $12",
    )
    .bind(f.title)
    .bind(f.title_en)
    .bind(f.instructions)
    .bind(f.instructions_en)
    .bind(f.grouping)
    .bind(f.answer)
    .bind(f.late_policy)
    .bind(f.rubric)
    .bind(f.due_at)
    .bind(f.status)
    .bind(unix_now())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    super::courses::touch_module_item(tx, ModuleItemTable::Exercises, id).await
}

pub async fn delete(tx: &mut Tx, id: i64) -> anyhow::Result<()> {
    super::courses::touch_module_item(tx, ModuleItemTable::Exercises, id).await?;
    // Submissions, grades and ratings go with it (ON DELETE CASCADE).
    sqlx::query("DELETE FROM exercises WHERE id = $1").bind(id).execute(&mut **tx).await?;
    Ok(())
}

/// Whether any work was sent to the exercise (a manager then may no longer change how it is
/// done: alone or in teams, the answer type).
pub async fn has_sent_work(db: &Db, exercise_id: i64) -> anyhow::Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM submissions WHERE exercise_id = $1 AND state = 'sent'")
        .bind(exercise_id)
        .fetch_one(&db.pool)
        .await?;
    Ok(n > 0)
}

/// How many exercises of the course are published.
pub async fn published_count(db: &Db, course_id: i64) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM exercises e JOIN course_modules m ON m.id = e.module_id \
         WHERE m.course_id = $1 AND e.status = 'published'",
    )
    .bind(course_id)
    .fetch_one(&db.pool)
    .await?)
}

// ---------------------------------------------------------------------------------------
// Submissions

pub async fn by_owner(tx: &mut Tx, exercise_id: i64, owner: &str) -> anyhow::Result<Option<SubmissionRow>> {
    Ok(sqlx::query_as(&format!("{SUBMISSION} WHERE s.exercise_id = $1 AND s.owner = $2"))
        .bind(exercise_id)
        .bind(owner)
        .fetch_optional(&mut **tx)
        .await?)
}

/// The same, outside a transaction (for reading).
pub async fn of_owner(db: &Db, exercise_id: i64, owner: &str) -> anyhow::Result<Option<SubmissionRow>> {
    Ok(sqlx::query_as(&format!("{SUBMISSION} WHERE s.exercise_id = $1 AND s.owner = $2"))
        .bind(exercise_id)
        .bind(owner)
        .fetch_optional(&db.pool)
        .await?)
}

/// The submission a learner's work on an exercise is in, if any (the latest when a rebuilt
/// team put her in two).
pub async fn of_member(db: &Db, exercise_id: i64, user_id: i64) -> anyhow::Result<Option<SubmissionRow>> {
    Ok(sqlx::query_as(&format!(
        "{SUBMISSION} JOIN submission_members sm ON sm.submission_id = s.id \
         WHERE s.exercise_id = $1 AND sm.user_id = $2 ORDER BY s.updated_at DESC, s.id DESC LIMIT 1"
    ))
    .bind(exercise_id)
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await?)
}

pub async fn by_id(db: &Db, id: i64) -> anyhow::Result<Option<SubmissionRow>> {
    Ok(sqlx::query_as(&format!("{SUBMISSION} WHERE s.id = $1")).bind(id).fetch_optional(&db.pool).await?)
}

/// Writes a version (draft or sent) and who it counts for; returns the submission's id.
pub async fn save(tx: &mut Tx, s: &Save<'_>) -> anyhow::Result<i64> {
    let now = unix_now();
    let state = if s.send { "sent" } else { "draft" };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO submissions (exercise_id, owner, team_number, work, upload_id, state, version, sent_at, sent_by, \
         late, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) \
         ON CONFLICT (exercise_id, owner) DO UPDATE SET team_number = excluded.team_number, work = excluded.work, \
         upload_id = excluded.upload_id, state = excluded.state, \
         version = submissions.version + excluded.version, \
         sent_at = COALESCE(excluded.sent_at, submissions.sent_at), \
         sent_by = COALESCE(excluded.sent_by, submissions.sent_by), \
         late = CASE WHEN excluded.state = 'sent' THEN excluded.late ELSE submissions.late END, \
         updated_at = excluded.updated_at RETURNING id",
    )
    .bind(s.exercise_id)
    .bind(s.owner)
    .bind(s.team_number)
    .bind(s.work)
    .bind(s.upload_id)
    .bind(state)
    .bind(s.send as i64)
    .bind(s.send.then_some(now))
    .bind(s.send.then_some(s.by))
    .bind(s.late as i64)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM submission_members WHERE submission_id = $1").bind(id).execute(&mut **tx).await?;
    for m in s.members {
        sqlx::query("INSERT INTO submission_members (submission_id, user_id) VALUES ($1, $2)")
            .bind(id)
            .bind(m)
            .execute(&mut **tx)
            .await?;
    }
    Ok(id)
}

pub async fn members(db: &Db, submission_id: i64) -> anyhow::Result<Vec<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT u.id, u.name FROM submission_members sm JOIN users u ON u.id = sm.user_id \
         WHERE sm.submission_id = $1 ORDER BY u.name, u.id",
    )
    .bind(submission_id)
    .fetch_all(&db.pool)
    .await?)
}

/// The sent or draft submissions of an exercise with their grade, for tutors.
pub async fn of_exercise(db: &Db, exercise_id: i64) -> anyhow::Result<Vec<SubmissionLine>> {
    lines(db, "s.exercise_id = $1", exercise_id).await
}

/// Work sent to the course's exercises and not graded yet, oldest first: the tutor's queue.
pub async fn queue(db: &Db, course_id: i64) -> anyhow::Result<Vec<SubmissionLine>> {
    lines(
        db,
        "s.state = 'sent' AND g.submission_id IS NULL AND s.exercise_id IN \
         (SELECT e.id FROM exercises e JOIN course_modules m ON m.id = e.module_id WHERE m.course_id = $1)",
        course_id,
    )
    .await
}

async fn lines(db: &Db, filter: &str, param: i64) -> anyhow::Result<Vec<SubmissionLine>> {
    // Names are gathered apart (GROUP_CONCAT and STRING_AGG differ between the backends).
    let mut rows: Vec<SubmissionLine> = sqlx::query_as(&format!(
        "SELECT s.id, s.exercise_id, s.team_number, s.state, s.version, s.sent_at, s.late, g.score_milli, \
         g.released_at FROM submissions s LEFT JOIN submission_grades g ON g.submission_id = s.id \
         WHERE {filter} ORDER BY s.sent_at IS NULL, s.sent_at, s.id"
    ))
    .bind(param)
    .fetch_all(&db.pool)
    .await?;
    let names: Vec<(i64, String)> = sqlx::query_as(&format!(
        "SELECT sm.submission_id, u.name FROM submission_members sm JOIN users u ON u.id = sm.user_id \
         JOIN submissions s ON s.id = sm.submission_id LEFT JOIN submission_grades g ON g.submission_id = s.id \
         WHERE {filter} ORDER BY u.name"
    ))
    .bind(param)
    .fetch_all(&db.pool)
    .await?;
    let mut by_submission: std::collections::HashMap<i64, Vec<String>> = std::collections::HashMap::new();
    for (id, name) in names {
        by_submission.entry(id).or_default().push(name);
    }
    for r in &mut rows {
        r.members = by_submission.remove(&r.id).unwrap_or_default().join(", ");
    }
    Ok(rows)
}

// ---------------------------------------------------------------------------------------
// Grades

pub async fn grade(db: &Db, submission_id: i64) -> anyhow::Result<Option<GradeRow>> {
    Ok(sqlx::query_as(&format!("{GRADE} WHERE submission_id = $1"))
        .bind(submission_id)
        .fetch_optional(&db.pool)
        .await?)
}

pub async fn grade_tx(tx: &mut Tx, submission_id: i64) -> anyhow::Result<Option<GradeRow>> {
    Ok(sqlx::query_as(&format!("{GRADE} WHERE submission_id = $1"))
        .bind(submission_id)
        .fetch_optional(&mut **tx)
        .await?)
}

/// Writes (or corrects) a grade; a released grade stays released.
pub async fn write_grade(tx: &mut Tx, g: &Grade<'_>) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO submission_grades (submission_id, tutor_id, scores, comment, score_milli, reactivity_milli, \
         graded_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (submission_id) DO UPDATE SET \
         tutor_id = excluded.tutor_id, scores = excluded.scores, comment = excluded.comment, \
         score_milli = excluded.score_milli, reactivity_milli = excluded.reactivity_milli, \
         graded_at = excluded.graded_at",
    )
    .bind(g.submission_id)
    .bind(g.tutor_id)
    .bind(g.scores)
    .bind(g.comment)
    .bind(g.score_milli)
    .bind(g.reactivity_milli)
    .bind(unix_now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Whom the grades of an exercise not released yet reach, with a confirmed address:
/// (e-mail, name, language, score in thousandths).
pub async fn to_release(tx: &mut Tx, exercise_id: i64) -> anyhow::Result<Vec<(String, String, String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT u.email, u.name, u.locale, g.score_milli FROM submission_grades g \
         JOIN submissions s ON s.id = g.submission_id JOIN submission_members sm ON sm.submission_id = s.id \
         JOIN users u ON u.id = sm.user_id \
         WHERE s.exercise_id = $1 AND g.released_at IS NULL AND u.email_confirmed_at IS NOT NULL ORDER BY u.id",
    )
    .bind(exercise_id)
    .fetch_all(&mut **tx)
    .await?)
}

/// Releases the grades of an exercise not released yet; returns how many.
pub async fn release(tx: &mut Tx, exercise_id: i64) -> anyhow::Result<u64> {
    let done = sqlx::query(
        "UPDATE submission_grades SET released_at = $1 WHERE released_at IS NULL AND submission_id IN \
         (SELECT id FROM submissions WHERE exercise_id = $2)",
    )
    .bind(unix_now())
    .bind(exercise_id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected())
}

/// The learners whose work on the exercise was graded (to refresh their signals).
pub async fn graded_members(db: &Db, exercise_id: i64) -> anyhow::Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT sm.user_id FROM submission_members sm JOIN submissions s ON s.id = sm.submission_id \
         JOIN submission_grades g ON g.submission_id = s.id WHERE s.exercise_id = $1",
    )
    .bind(exercise_id)
    .fetch_all(&db.pool)
    .await?)
}

// ---------------------------------------------------------------------------------------
// Progress

/// Every learner's sent work on the course's exercises, with the grade.
pub async fn work_of_course(db: &Db, course_id: i64) -> anyhow::Result<Vec<WorkLine>> {
    work(db, "m.course_id = $1", course_id, None).await
}

/// One learner's sent work on the course's exercises.
pub async fn work_of_learner(db: &Db, course_id: i64, user_id: i64) -> anyhow::Result<Vec<WorkLine>> {
    work(db, "m.course_id = $1", course_id, Some(user_id)).await
}

async fn work(db: &Db, filter: &str, course_id: i64, user: Option<i64>) -> anyhow::Result<Vec<WorkLine>> {
    let by_user = if user.is_some() { " AND sm.user_id = $2" } else { "" };
    let sql = format!(
        "SELECT s.exercise_id, sm.user_id, s.sent_at, g.score_milli, g.released_at FROM submissions s \
         JOIN submission_members sm ON sm.submission_id = s.id JOIN exercises e ON e.id = s.exercise_id \
         JOIN course_modules m ON m.id = e.module_id LEFT JOIN submission_grades g ON g.submission_id = s.id \
         WHERE {filter} AND s.state = 'sent'{by_user}"
    );
    let mut q = sqlx::query_as(&sql).bind(course_id);
    if let Some(u) = user {
        q = q.bind(u);
    }
    Ok(q.fetch_all(&db.pool).await?)
}

// ---------------------------------------------------------------------------------------
// Peer ratings

/// (rater, ratee, score) of an exercise.
pub async fn ratings(db: &Db, exercise_id: i64) -> anyhow::Result<Vec<(i64, i64, i64)>> {
    Ok(sqlx::query_as("SELECT rater_id, ratee_id, score FROM peer_ratings WHERE exercise_id = $1")
        .bind(exercise_id)
        .fetch_all(&db.pool)
        .await?)
}

/// (exercise, rater, ratee, score) of every exercise of a course; with `ratees`, only the
/// ratings of those learners.
pub async fn ratings_of_course(
    db: &Db,
    course_id: i64,
    ratees: Option<&[i64]>,
) -> anyhow::Result<Vec<(i64, i64, i64, i64)>> {
    // Ids are integers: the list is written into the query, not bound.
    let filter = match ratees {
        None => String::new(),
        Some([]) => " AND 1 = 0".to_owned(),
        Some(ids) => format!(" AND r.ratee_id IN ({})", ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")),
    };
    Ok(sqlx::query_as(&format!(
        "SELECT r.exercise_id, r.rater_id, r.ratee_id, r.score FROM peer_ratings r \
         JOIN exercises e ON e.id = r.exercise_id JOIN course_modules m ON m.id = e.module_id \
         WHERE m.course_id = $1{filter}"
    ))
    .bind(course_id)
    .fetch_all(&db.pool)
    .await?)
}

/// (id, name) of these people, by name.
pub async fn names(db: &Db, ids: &[i64]) -> anyhow::Result<Vec<(i64, String)>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    Ok(sqlx::query_as(&format!("SELECT id, name FROM users WHERE id IN ({list}) ORDER BY name, id"))
        .fetch_all(&db.pool)
        .await?)
}

/// Replaces what `rater` said of her teammates on this exercise.
pub async fn rate(tx: &mut Tx, exercise_id: i64, rater: i64, scores: &[(i64, i32)]) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM peer_ratings WHERE exercise_id = $1 AND rater_id = $2")
        .bind(exercise_id)
        .bind(rater)
        .execute(&mut **tx)
        .await?;
    let now = unix_now();
    for (ratee, score) in scores {
        sqlx::query(
            "INSERT INTO peer_ratings (exercise_id, rater_id, ratee_id, score, rated_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(exercise_id)
        .bind(rater)
        .bind(ratee)
        .bind(i64::from(*score))
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Signals

/// Stores learners' signals: (user, JSON, at risk).
pub async fn store_signals(tx: &mut Tx, course_id: i64, rows: &[(i64, String, bool)]) -> anyhow::Result<()> {
    let now = unix_now();
    for (user, signals, at_risk) in rows {
        sqlx::query(
            "INSERT INTO course_signals (course_id, user_id, signals, at_risk, computed_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (course_id, user_id) DO UPDATE SET signals = excluded.signals, at_risk = excluded.at_risk, \
             computed_at = excluded.computed_at",
        )
        .bind(course_id)
        .bind(user)
        .bind(signals)
        .bind(*at_risk as i64)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// The stored signals of a course: (user, JSON, computed at).
pub async fn signals(db: &Db, course_id: i64) -> anyhow::Result<Vec<(i64, String, i64)>> {
    Ok(sqlx::query_as("SELECT user_id, signals, computed_at FROM course_signals WHERE course_id = $1 ORDER BY user_id")
        .bind(course_id)
        .fetch_all(&db.pool)
        .await?)
}

/// Cohort courses with a published exercise due within the last `days` or later: those
/// whose signals still change as deadlines pass.
pub async fn live_courses(db: &Db, since: i64) -> anyhow::Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT m.course_id FROM exercises e JOIN course_modules m ON m.id = e.module_id \
         WHERE e.status = 'published' AND e.due_at >= $1",
    )
    .bind(since)
    .fetch_all(&db.pool)
    .await?)
}
