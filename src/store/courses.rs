//! Courses, their modules and lessons, and who enrolled (open courses, tutors).

use sqlx::{Any, FromRow, Transaction};

use super::Db;
use crate::domain::time::unix_now;

type Tx = Transaction<'static, Any>;

#[derive(Clone, Debug, FromRow)]
pub struct CourseRow {
    pub id: i64,
    pub phase_id: i64,
    pub programme_id: i64,
    pub programme_slug: String,
    pub programme_title: String,
    pub slug: String,
    pub title: String,
    pub title_en: String,
    pub mode: String,
    pub status: String,
    pub time_zone: String,
    pub created_at: i64,
    pub updated_at: i64,
    /// Bumped by every change to the course's content (see `touch`): the key of its cache.
    pub revision: i64,
}

impl CourseRow {
    pub fn is_published(&self) -> bool {
        self.status == "published"
    }
    pub fn is_open_mode(&self) -> bool {
        self.mode == "open"
    }
}

const COURSE: &str =
    "SELECT c.id, c.phase_id, ph.programme_id, pr.slug AS programme_slug, pr.title AS programme_title, \
     c.slug, c.title, c.title_en, c.mode, c.status, c.time_zone, c.created_at, c.updated_at, \
     c.revision FROM courses c JOIN programme_phases ph ON ph.id = c.phase_id JOIN programmes pr ON pr.id = ph.programme_id";

#[derive(Clone, Debug, FromRow)]
pub struct ModuleRow {
    pub id: i64,
    pub course_id: i64,
    pub position: i64,
    pub title: String,
    pub title_en: String,
    pub summary: String,
    pub summary_en: String,
    pub opens_on: String,
    pub opens_time: String,
}

/// A lesson without its body: enough for the outline of a course.
#[derive(Clone, Debug, FromRow)]
pub struct LessonHead {
    pub id: i64,
    pub module_id: i64,
    pub position: i64,
    pub kind: String,
    pub title: String,
    pub title_en: String,
    pub status: String,
}

#[derive(Clone, Debug, FromRow)]
pub struct LessonRow {
    pub id: i64,
    pub module_id: i64,
    pub position: i64,
    pub kind: String,
    pub title: String,
    pub title_en: String,
    pub body: String,
    pub body_en: String,
    pub status: String,
    pub updated_at: i64,
}

/// The fields of a course as written.
pub struct CourseFields<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub title_en: &'a str,
    pub mode: &'a str,
    pub status: &'a str,
    pub time_zone: &'a str,
}

pub struct ModuleFields<'a> {
    pub position: i64,
    pub title: &'a str,
    pub title_en: &'a str,
    pub summary: &'a str,
    pub summary_en: &'a str,
    pub opens_on: &'a str,
    pub opens_time: &'a str,
}

pub struct LessonFields<'a> {
    pub position: i64,
    pub kind: &'a str,
    pub title: &'a str,
    pub title_en: &'a str,
    pub body: &'a str,
    pub body_en: &'a str,
    pub status: &'a str,
}

pub async fn by_slug(db: &Db, slug: &str) -> anyhow::Result<Option<CourseRow>> {
    Ok(sqlx::query_as(&format!("{COURSE} WHERE c.slug = $1")).bind(slug).fetch_optional(&db.pool).await?)
}

/// A course with what one person is to it, in one query (every page of a course asks):
/// one row per role she holds in its programme (one row, with no role, when she holds none).
#[derive(FromRow)]
struct CourseForRow {
    #[sqlx(flatten)]
    course: CourseRow,
    enrolment: Option<String>,
    participant: i64,
    programme_role: Option<String>,
}

/// What `by_slug_for` tells about the person.
pub struct CourseFor {
    pub course: CourseRow,
    /// Her roles in the course's programme, as stored.
    pub programme_roles: Vec<String>,
    /// 'learner' or 'tutor' when she is enrolled.
    pub enrolment: Option<String>,
    /// Whether she is a participant of the course's phase (its cohort).
    pub participant: bool,
}

pub async fn by_slug_for(db: &Db, slug: &str, user_id: i64) -> anyhow::Result<Option<CourseFor>> {
    let rows: Vec<CourseForRow> = sqlx::query_as(&format!(
        "SELECT x.*, \
         (SELECT e.role FROM course_enrolments e WHERE e.course_id = x.id AND e.user_id = $2) AS enrolment, \
         (SELECT COUNT(*) FROM phase_participants pp WHERE pp.phase_id = x.phase_id AND pp.user_id = $2) \
         AS participant, pm.role AS programme_role \
         FROM ({COURSE} WHERE c.slug = $1) x \
         LEFT JOIN programme_members pm ON pm.programme_id = x.programme_id AND pm.user_id = $2"
    ))
    .bind(slug)
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    let programme_roles = rows.iter().filter_map(|r| r.programme_role.clone()).collect();
    Ok(rows.into_iter().next().map(|r| CourseFor {
        course: r.course,
        programme_roles,
        enrolment: r.enrolment,
        participant: r.participant > 0,
    }))
}

pub async fn by_id(db: &Db, id: i64) -> anyhow::Result<Option<CourseRow>> {
    Ok(sqlx::query_as(&format!("{COURSE} WHERE c.id = $1")).bind(id).fetch_optional(&db.pool).await?)
}

pub async fn by_phase(db: &Db, phase_id: i64) -> anyhow::Result<Option<CourseRow>> {
    Ok(sqlx::query_as(&format!("{COURSE} WHERE c.phase_id = $1")).bind(phase_id).fetch_optional(&db.pool).await?)
}

/// The courses of a programme's phases: (phase id, course slug).
pub async fn of_programme(db: &Db, programme_id: i64) -> anyhow::Result<Vec<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT c.phase_id, c.slug FROM courses c JOIN programme_phases ph ON ph.id = c.phase_id \
         WHERE ph.programme_id = $1",
    )
    .bind(programme_id)
    .fetch_all(&db.pool)
    .await?)
}

/// Who may see a course in "my courses": its tutors and the learners of a published
/// course (the phase's participants for a cohort course, those who enrolled for an open
/// one), and the managers of its programme.
/// `user` is the SQL expression of the user's id; `c` a course and `ph` its phase.
fn mine_condition(user: &str) -> String {
    format!(
        "(EXISTS (SELECT 1 FROM course_enrolments e WHERE e.course_id = c.id AND e.user_id = {user} \
            AND (e.role = 'tutor' OR c.status = 'published')) \
         OR (c.status = 'published' AND c.mode = 'cohort' AND EXISTS (SELECT 1 FROM phase_participants pp \
            WHERE pp.phase_id = c.phase_id AND pp.user_id = {user})) \
         OR EXISTS (SELECT 1 FROM programme_members m WHERE m.programme_id = ph.programme_id \
            AND m.user_id = {user} AND m.role = 'manager'))"
    )
}

/// How many courses are in the "my courses" of the user whose id is the SQL expression
/// `user`: a subquery, for the session lookup (the menu of every page links to them).
pub(crate) fn count_mine(user: &str) -> String {
    format!(
        "(SELECT COUNT(*) FROM courses c JOIN programme_phases ph ON ph.id = c.phase_id WHERE {})",
        mine_condition(user)
    )
}

pub async fn mine(db: &Db, user_id: i64) -> anyhow::Result<Vec<CourseRow>> {
    Ok(sqlx::query_as(&format!("{COURSE} WHERE {} ORDER BY ph.start_date DESC, c.id DESC", mine_condition("$1")))
        .bind(user_id)
        .fetch_all(&db.pool)
        .await?)
}

/// Published open courses the person has not joined yet.
pub async fn open_to_join(db: &Db, user_id: i64) -> anyhow::Result<Vec<CourseRow>> {
    Ok(sqlx::query_as(&format!(
        "{COURSE} WHERE c.mode = 'open' AND c.status = 'published' AND pr.is_public = 1 AND NOT {} \
         ORDER BY c.id DESC",
        mine_condition("$1")
    ))
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?)
}

pub async fn slug_taken(db: &Db, slug: &str) -> anyhow::Result<bool> {
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM courses WHERE slug = $1").bind(slug).fetch_one(&db.pool).await?;
    Ok(n > 0)
}

pub async fn insert(tx: &mut Tx, phase_id: i64, f: &CourseFields<'_>) -> anyhow::Result<i64> {
    let now = unix_now();
    Ok(sqlx::query_scalar(
        "INSERT INTO courses (phase_id, slug, title, title_en, mode, status, time_zone, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
    )
    .bind(phase_id)
    .bind(f.slug)
    .bind(f.title)
    .bind(f.title_en)
    .bind(f.mode)
    .bind(f.status)
    .bind(f.time_zone)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?)
}

/// Everything but the slug, which stays: learners keep their links.
pub async fn update(tx: &mut Tx, id: i64, f: &CourseFields<'_>) -> anyhow::Result<()> {
    sqlx::query(
        "UPDATE courses SET title = $1, title_en = $2, mode = $3, status = $4, time_zone = $5, updated_at = $6 \
         WHERE id = $7",
    )
    .bind(f.title)
    .bind(f.title_en)
    .bind(f.mode)
    .bind(f.status)
    .bind(f.time_zone)
    .bind(unix_now())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    touch(tx, id).await
}

// ---------------------------------------------------------------------------------------
// The course's revision: every write below to the course, its modules and lessons (and
// those of store::quizzes, store::exercises, store::teams and the certificate rules) bumps
// it in the write's transaction, so that no node serves a course's content from an older
// cache.

/// Bumps the revision of a course.
pub async fn touch(tx: &mut Tx, course_id: i64) -> anyhow::Result<()> {
    sqlx::query("UPDATE courses SET revision = revision + 1 WHERE id = $1").bind(course_id).execute(&mut **tx).await?;
    Ok(())
}

/// Bumps the revision of the course a module belongs to.
pub async fn touch_module(tx: &mut Tx, module_id: i64) -> anyhow::Result<()> {
    sqlx::query(
        "UPDATE courses SET revision = revision + 1 WHERE id = (SELECT course_id FROM course_modules WHERE id = $1)",
    )
    .bind(module_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Bumps the revision of the course whose module holds `table`'s row `id` (a lesson, quiz
/// or exercise).
pub async fn touch_module_item(tx: &mut Tx, table: ModuleItemTable, id: i64) -> anyhow::Result<()> {
    sqlx::query(&format!(
        "UPDATE courses SET revision = revision + 1 WHERE id = \
         (SELECT m.course_id FROM course_modules m JOIN {} x ON x.module_id = m.id WHERE x.id = $1)",
        table.name()
    ))
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The tables whose rows belong to a module.
#[derive(Clone, Copy)]
pub enum ModuleItemTable {
    Lessons,
    Quizzes,
    Exercises,
}

impl ModuleItemTable {
    fn name(self) -> &'static str {
        match self {
            ModuleItemTable::Lessons => "lessons",
            ModuleItemTable::Quizzes => "quizzes",
            ModuleItemTable::Exercises => "exercises",
        }
    }
}

pub async fn modules(db: &Db, course_id: i64) -> anyhow::Result<Vec<ModuleRow>> {
    Ok(sqlx::query_as(
        "SELECT id, course_id, position, title, title_en, summary, summary_en, opens_on, opens_time \
         FROM course_modules WHERE course_id = $1 ORDER BY position, id",
    )
    .bind(course_id)
    .fetch_all(&db.pool)
    .await?)
}

/// The lessons of every module of a course, without bodies, in order.
pub async fn lesson_heads(db: &Db, course_id: i64) -> anyhow::Result<Vec<LessonHead>> {
    Ok(sqlx::query_as(
        "SELECT l.id, l.module_id, l.position, l.kind, l.title, l.title_en, l.status FROM lessons l \
         JOIN course_modules m ON m.id = l.module_id WHERE m.course_id = $1 ORDER BY m.position, l.position, l.id",
    )
    .bind(course_id)
    .fetch_all(&db.pool)
    .await?)
}

/// A module with one of its lessons (none for a module without lessons): the outline of a
/// course in one query, where `modules` and `lesson_heads` take two — every course, lesson
/// and quiz page reads it (issue 6, open course at scale: queries per request are what
/// bounds the pages' throughput).
#[derive(FromRow)]
struct OutlineRow {
    id: i64,
    course_id: i64,
    position: i64,
    title: String,
    title_en: String,
    summary: String,
    summary_en: String,
    opens_on: String,
    opens_time: String,
    lesson_id: Option<i64>,
    lesson_position: Option<i64>,
    lesson_kind: Option<String>,
    lesson_title: Option<String>,
    lesson_title_en: Option<String>,
    lesson_status: Option<String>,
}

/// The modules of a course in order, and their lessons without bodies in course order:
/// what `modules` and `lesson_heads` return, in one query.
pub async fn outline(db: &Db, course_id: i64) -> anyhow::Result<(Vec<ModuleRow>, Vec<LessonHead>)> {
    let rows: Vec<OutlineRow> = sqlx::query_as(
        "SELECT m.id, m.course_id, m.position, m.title, m.title_en, m.summary, m.summary_en, m.opens_on, \
         m.opens_time, l.id AS lesson_id, l.position AS lesson_position, l.kind AS lesson_kind, \
         l.title AS lesson_title, l.title_en AS lesson_title_en, l.status AS lesson_status \
         FROM course_modules m LEFT JOIN lessons l ON l.module_id = m.id WHERE m.course_id = $1 \
         ORDER BY m.position, m.id, l.position, l.id",
    )
    .bind(course_id)
    .fetch_all(&db.pool)
    .await?;
    let mut modules: Vec<ModuleRow> = vec![];
    let mut lessons = vec![];
    for r in rows {
        if modules.last().map(|m| m.id) != Some(r.id) {
            modules.push(ModuleRow {
                id: r.id,
                course_id: r.course_id,
                position: r.position,
                title: r.title,
                title_en: r.title_en,
                summary: r.summary,
                summary_en: r.summary_en,
                opens_on: r.opens_on,
                opens_time: r.opens_time,
            });
        }
        if let Some(id) = r.lesson_id {
            lessons.push(LessonHead {
                id,
                module_id: r.id,
                position: r.lesson_position.unwrap_or_default(),
                kind: r.lesson_kind.unwrap_or_default(),
                title: r.lesson_title.unwrap_or_default(),
                title_en: r.lesson_title_en.unwrap_or_default(),
                status: r.lesson_status.unwrap_or_default(),
            });
        }
    }
    Ok((modules, lessons))
}

/// A lesson of this course.
pub async fn lesson(db: &Db, course_id: i64, lesson_id: i64) -> anyhow::Result<Option<LessonRow>> {
    Ok(sqlx::query_as(
        "SELECT l.id, l.module_id, l.position, l.kind, l.title, l.title_en, l.body, l.body_en, l.status, l.updated_at \
         FROM lessons l JOIN course_modules m ON m.id = l.module_id WHERE m.course_id = $1 AND l.id = $2",
    )
    .bind(course_id)
    .bind(lesson_id)
    .fetch_optional(&db.pool)
    .await?)
}

/// Every lesson of a course with its body, for a copy.
pub async fn lessons_full(db: &Db, course_id: i64) -> anyhow::Result<Vec<LessonRow>> {
    Ok(sqlx::query_as(
        "SELECT l.id, l.module_id, l.position, l.kind, l.title, l.title_en, l.body, l.body_en, l.status, l.updated_at \
         FROM lessons l JOIN course_modules m ON m.id = l.module_id WHERE m.course_id = $1 ORDER BY l.position, l.id",
    )
    .bind(course_id)
    .fetch_all(&db.pool)
    .await?)
}

/// The slug of the programme a phase belongs to.
pub async fn programme_of_phase(db: &Db, phase_id: i64) -> anyhow::Result<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT pr.slug FROM programme_phases ph JOIN programmes pr ON pr.id = ph.programme_id WHERE ph.id = $1",
    )
    .bind(phase_id)
    .fetch_optional(&db.pool)
    .await?)
}

pub async fn insert_module(tx: &mut Tx, course_id: i64, f: &ModuleFields<'_>) -> anyhow::Result<i64> {
    touch(tx, course_id).await?;
    Ok(sqlx::query_scalar(
        "INSERT INTO course_modules (course_id, position, title, title_en, summary, summary_en, opens_on, opens_time) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(course_id)
    .bind(f.position)
    .bind(f.title)
    .bind(f.title_en)
    .bind(f.summary)
    .bind(f.summary_en)
    .bind(f.opens_on)
    .bind(f.opens_time)
    .fetch_one(&mut **tx)
    .await?)
}

pub async fn update_module(tx: &mut Tx, id: i64, f: &ModuleFields<'_>) -> anyhow::Result<()> {
    sqlx::query(
        "UPDATE course_modules SET position = $1, title = $2, title_en = $3, summary = $4, summary_en = $5, \
         opens_on = $6, opens_time = $7 WHERE id = $8",
    )
    .bind(f.position)
    .bind(f.title)
    .bind(f.title_en)
    .bind(f.summary)
    .bind(f.summary_en)
    .bind(f.opens_on)
    .bind(f.opens_time)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    touch_module(tx, id).await
}

pub async fn delete_module(tx: &mut Tx, id: i64) -> anyhow::Result<()> {
    // Lessons and quizzes go with their module (ON DELETE CASCADE); deleted explicitly too, so that
    // a SQLite connection without foreign keys would not leave orphans.
    touch_module(tx, id).await?;
    sqlx::query("DELETE FROM lessons WHERE module_id = $1").bind(id).execute(&mut **tx).await?;
    sqlx::query("DELETE FROM quiz_attempts WHERE quiz_id IN (SELECT id FROM quizzes WHERE module_id = $1)")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM quizzes WHERE module_id = $1").bind(id).execute(&mut **tx).await?;
    sqlx::query("DELETE FROM course_modules WHERE id = $1").bind(id).execute(&mut **tx).await?;
    Ok(())
}

/// Writes the order of a course's modules: ids in their new order get 1, 2, 3...
pub async fn set_module_order(tx: &mut Tx, ids: &[i64]) -> anyhow::Result<()> {
    if let Some(first) = ids.first() {
        touch_module(tx, *first).await?;
    }
    for (i, id) in ids.iter().enumerate() {
        sqlx::query("UPDATE course_modules SET position = $1 WHERE id = $2")
            .bind(i as i64 + 1)
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

pub async fn insert_lesson(tx: &mut Tx, module_id: i64, f: &LessonFields<'_>) -> anyhow::Result<i64> {
    touch_module(tx, module_id).await?;
    Ok(sqlx::query_scalar(
        "INSERT INTO lessons (module_id, position, kind, title, title_en, body, body_en, status, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(module_id)
    .bind(f.position)
    .bind(f.kind)
    .bind(f.title)
    .bind(f.title_en)
    .bind(f.body)
    .bind(f.body_en)
    .bind(f.status)
    .bind(unix_now())
    .fetch_one(&mut **tx)
    .await?)
}

pub async fn update_lesson(tx: &mut Tx, id: i64, f: &LessonFields<'_>) -> anyhow::Result<()> {
    sqlx::query(
        "UPDATE lessons SET position = $1, kind = $2, title = $3, title_en = $4, body = $5, body_en = $6, \
         status = $7, updated_at = $8 WHERE id = $9",
    )
    .bind(f.position)
    .bind(f.kind)
    .bind(f.title)
    .bind(f.title_en)
    .bind(f.body)
    .bind(f.body_en)
    .bind(f.status)
    .bind(unix_now())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    touch_module_item(tx, ModuleItemTable::Lessons, id).await
}

pub async fn delete_lesson(tx: &mut Tx, id: i64) -> anyhow::Result<()> {
    touch_module_item(tx, ModuleItemTable::Lessons, id).await?;
    sqlx::query("DELETE FROM lessons WHERE id = $1").bind(id).execute(&mut **tx).await?;
    Ok(())
}

/// Writes the order of a module's lessons: ids in their new order get 1, 2, 3...
pub async fn set_lesson_order(tx: &mut Tx, ids: &[i64]) -> anyhow::Result<()> {
    if let Some(first) = ids.first() {
        touch_module_item(tx, ModuleItemTable::Lessons, *first).await?;
    }
    for (i, id) in ids.iter().enumerate() {
        sqlx::query("UPDATE lessons SET position = $1 WHERE id = $2")
            .bind(i as i64 + 1)
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// The role of someone enrolled in a course: 'learner' or 'tutor'.
pub async fn enrolment(db: &Db, course_id: i64, user_id: i64) -> anyhow::Result<Option<String>> {
    Ok(sqlx::query_scalar("SELECT role FROM course_enrolments WHERE course_id = $1 AND user_id = $2")
        .bind(course_id)
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?)
}

/// Enrols; `false` when already enrolled (whatever the role).
pub async fn enrol(tx: &mut Tx, course_id: i64, user_id: i64, role: &str) -> anyhow::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO course_enrolments (course_id, user_id, role, enrolled_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (course_id, user_id) DO NOTHING",
    )
    .bind(course_id)
    .bind(user_id)
    .bind(role)
    .bind(unix_now())
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The course's tutors: (user id, name, e-mail), by name.
pub async fn tutors(db: &Db, course_id: i64) -> anyhow::Result<Vec<(i64, String, String)>> {
    Ok(sqlx::query_as(
        "SELECT u.id, u.name, u.email FROM course_enrolments e JOIN users u ON u.id = e.user_id \
         WHERE e.course_id = $1 AND e.role = 'tutor' ORDER BY u.name, u.id",
    )
    .bind(course_id)
    .fetch_all(&db.pool)
    .await?)
}

/// Ends someone's tutoring of a course; `false` when she was not a tutor.
pub async fn remove_tutor(tx: &mut Tx, course_id: i64, user_id: i64) -> anyhow::Result<bool> {
    let done = sqlx::query("DELETE FROM course_enrolments WHERE course_id = $1 AND user_id = $2 AND role = 'tutor'")
        .bind(course_id)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn is_participant(db: &Db, phase_id: i64, user_id: i64) -> anyhow::Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM phase_participants WHERE phase_id = $1 AND user_id = $2")
        .bind(phase_id)
        .bind(user_id)
        .fetch_one(&db.pool)
        .await?;
    Ok(n > 0)
}

/// The zone of the programme's latest call: the default zone of a new course.
pub async fn programme_zone(db: &Db, programme_id: i64) -> anyhow::Result<Option<String>> {
    Ok(sqlx::query_scalar("SELECT time_zone FROM calls WHERE programme_id = $1 ORDER BY opens_at DESC, id DESC")
        .bind(programme_id)
        .fetch_optional(&db.pool)
        .await?)
}
