//! Exercise use cases: managers put the week's exercise in a module ("film a one-minute
//! pitch", "map ten people of your network"), alone or in teams, with its answer type, due
//! instant, late policy and rubric; learners keep a draft and send their work, again and
//! again until a tutor grades it; tutors grade on the rubric with written feedback, the
//! automatic part of reactivity beside them, and release the grades; teammates rate each
//! other's teamwork. The rules live in `domain::exercise`, `domain::rubric` and
//! `domain::peer`; this module checks who may do what and writes in one transaction.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::app::App;
use crate::courses::{self, may_read, Access, Content, CourseView, ModuleItem};
use crate::domain::attachment::FileType;
use crate::domain::exercise::{
    self as domain, check_submission, check_work, default_rubric, on_scale, reactivity, AnswerType, Exercise, Grouping,
    LatePolicy, SentFile, SubmitError, Timing, Work,
};
use crate::domain::form::Form;
use crate::domain::locale::Locale;
use crate::domain::markdown;
use crate::domain::peer::{self, Rating, Scale};
use crate::domain::rubric::{Rubric, Scores};
use crate::domain::time::TimeZoneName;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::programmes::{line, rich};
use crate::store::accounts::UserRow;
use crate::store::courses::CourseRow;
use crate::store::exercises::{self as store, ExerciseFields, ExerciseRow, SubmissionLine, SubmissionRow};

/// Peer ratings of teamwork are given from 1 to 5.
pub const PEER_SCALE: Scale = Scale::ONE_TO_FIVE;
/// The longest feedback a tutor writes.
const MAX_COMMENT_CHARS: usize = 5_000;

// ---------------------------------------------------------------------------------------
// Reading a stored exercise

/// The parts of an exercise stored as JSON. They were checked when written; a row that no
/// longer reads falls back on the defaults rather than failing the page.
#[derive(Clone, Debug)]
pub struct Parsed {
    pub grouping: Grouping,
    pub answer: AnswerType,
    pub late_policy: LatePolicy,
    pub rubric: Rubric,
}

pub fn parsed(e: &ExerciseRow) -> Parsed {
    let grouping = serde_json::from_str(&e.grouping).unwrap_or(Grouping::Individual);
    Parsed {
        grouping,
        answer: serde_json::from_str(&e.answer).unwrap_or(AnswerType::Text),
        late_policy: serde_json::from_str(&e.late_policy).unwrap_or(LatePolicy::AcceptFlagged),
        rubric: serde_json::from_str(&e.rubric).unwrap_or_else(|_| default_rubric(grouping)),
    }
}

fn due(e: &ExerciseRow) -> Timestamp {
    Timestamp::from_second(e.due_at).unwrap_or(Timestamp::MAX)
}

fn instant(secs: i64) -> Timestamp {
    Timestamp::from_second(secs).unwrap_or(Timestamp::MAX)
}

fn milli(x: f64) -> i64 {
    (x * 1000.0).round() as i64
}

pub fn percent(milli: i64) -> f64 {
    milli as f64 / 1000.0
}

// ---------------------------------------------------------------------------------------
// Views

/// An exercise in a course's outline, with the caller's state on it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ExerciseItem {
    pub id: i64,
    pub module_id: i64,
    pub title: String,
    pub title_en: String,
    /// draft or published
    pub status: String,
    /// individual or team
    pub grouping: String,
    /// text, file, video, link or form
    pub answer: String,
    pub due_at: i64,
    /// The caller's (or her team's) work: none, draft, sent, graded (released grade).
    pub state: String,
    pub late: bool,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct FileView {
    pub upload: String,
    pub name: String,
    pub bytes: u64,
    /// The type recognised from the content (pdf, mp4...).
    pub file_type: String,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct GradeView {
    #[schema(value_type = Object)]
    pub scores: Scores,
    pub comment: String,
    /// Weighted rubric score, 0 to 100.
    pub score: f64,
    /// The automatic part of reactivity (how early the work came), 0 to 100.
    pub reactivity_auto: f64,
    pub graded_at: i64,
    pub released: bool,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct SubmissionView {
    pub id: i64,
    /// draft or sent
    pub state: String,
    /// Times sent.
    pub version: i64,
    pub work: Work,
    pub file: Option<FileView>,
    pub sent_at: Option<i64>,
    pub late: bool,
    /// The team number for team work.
    pub team: Option<i64>,
    /// Those it counts for.
    pub members: Vec<String>,
    /// For the learner: only once released. Tutors always see it.
    pub grade: Option<GradeView>,
}

/// What a learner sees of her teammates' ratings (never who gave what).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PeerView {
    /// Teammates she may rate: (user id, name, the score she gave).
    pub teammates: Vec<Teammate>,
    pub scale_min: i32,
    pub scale_max: i32,
    /// Ratings she received.
    pub received: usize,
    /// Her score on the scale, once at least two teammates rated her.
    pub score: Option<f64>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Teammate {
    pub user_id: i64,
    pub name: String,
    pub given: Option<i32>,
}

/// An exercise as the viewer may see it, with her work.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ExerciseView {
    pub id: i64,
    pub module_id: i64,
    pub title: String,
    pub title_en: String,
    /// Markdown, French and English.
    pub instructions: String,
    pub instructions_en: String,
    /// The instructions in the caller's language, as safe HTML.
    pub html: String,
    pub status: String,
    #[schema(value_type = Object)]
    pub grouping: Grouping,
    #[schema(value_type = Object)]
    pub answer: AnswerType,
    #[schema(value_type = Object)]
    pub late_policy: LatePolicy,
    #[schema(value_type = Object)]
    pub rubric: Rubric,
    pub opens_at: i64,
    pub due_at: i64,
    /// When work stops being accepted, if ever.
    pub refused_after: Option<i64>,
    /// not_open, on_time, late or refused: where now falls.
    pub timing: String,
    /// The largest file accepted, in bytes (file and video answers).
    pub max_bytes: Option<u64>,
    /// The caller's (or her team's) submission.
    pub submission: Option<SubmissionView>,
    /// The caller may send work now.
    pub can_send: bool,
    /// Her team's members, for a team exercise.
    pub team: Option<Vec<String>>,
    pub peer: Option<PeerView>,
}

fn timing_code(t: Timing) -> &'static str {
    match t {
        Timing::NotOpen => "not_open",
        Timing::OnTime => "on_time",
        Timing::Late => "late",
        Timing::Refused => "refused",
    }
}

fn grouping_code(g: Grouping) -> &'static str {
    match g {
        Grouping::Individual => "individual",
        Grouping::Team { .. } => "team",
    }
}

fn grade_view(g: &store::GradeRow) -> GradeView {
    GradeView {
        scores: serde_json::from_str(&g.scores).unwrap_or_default(),
        comment: g.comment.clone(),
        score: percent(g.score_milli),
        reactivity_auto: percent(g.reactivity_milli),
        graded_at: g.graded_at,
        released: g.released_at.is_some(),
    }
}

async fn file_view(app: &App, upload: Option<&str>) -> AppResult<Option<FileView>> {
    let Some(id) = upload else { return Ok(None) };
    let Some(u) = crate::store::uploads::get(&app.db, id).await? else { return Ok(None) };
    Ok(Some(FileView {
        upload: u.id.clone(),
        name: u.filename.clone(),
        bytes: u.upload_length.max(0) as u64,
        file_type: u.detected_type.clone().unwrap_or_default(),
    }))
}

async fn submission_view(app: &App, s: &SubmissionRow, with_unreleased: bool) -> AppResult<SubmissionView> {
    let grade = store::grade(&app.db, s.id).await?;
    let members = store::members(&app.db, s.id).await?;
    Ok(SubmissionView {
        id: s.id,
        state: s.state.clone(),
        version: s.version,
        work: serde_json::from_str(&s.work).unwrap_or_default(),
        file: file_view(app, s.upload_id.as_deref()).await?,
        sent_at: s.sent_at,
        late: s.late == 1,
        team: s.team_number,
        members: members.into_iter().map(|(_, n)| n).collect(),
        grade: grade.filter(|g| with_unreleased || g.released_at.is_some()).as_ref().map(grade_view),
    })
}

// ---------------------------------------------------------------------------------------
// Who, where

/// The course's outline, the exercise, and its module, if the viewer may see it: the rule
/// of the module's lessons (`courses::may_read`).
async fn readable(app: &App, user: &UserRow, slug: &str, id: i64) -> AppResult<(CourseView, ExerciseRow, ModuleItem)> {
    let v = courses::outline(app, user, slug).await?;
    let c = courses::find(app, slug).await?;
    let e = store::exercise(&app.db, c.id, id).await?.ok_or(AppError::NotFound)?;
    let m = v.modules.iter().find(|m| m.id == e.module_id).cloned().ok_or(AppError::NotFound)?;
    may_read(v.access, m.open, e.is_published()).map_err(|r| r.error())?;
    Ok((v, e, m))
}

/// Who work on an exercise counts for: the learner alone, or her team.
struct Owner {
    key: String,
    team: Option<i64>,
    members: Vec<(i64, String)>,
}

async fn owner(app: &App, course_id: i64, user: &UserRow, grouping: Grouping) -> AppResult<Option<Owner>> {
    if grouping == Grouping::Individual {
        return Ok(Some(Owner {
            key: format!("u{}", user.id),
            team: None,
            members: vec![(user.id, user.name.clone())],
        }));
    }
    let all = crate::store::teams::members(&app.db, course_id).await?;
    let Some(number) = all.iter().find(|(_, u)| *u == user.id).map(|(n, _)| *n) else { return Ok(None) };
    let ids: Vec<i64> = all.iter().filter(|(n, _)| *n == number).map(|(_, u)| *u).collect();
    let names = names_of(app, &ids).await?;
    Ok(Some(Owner {
        key: format!("t{number}"),
        team: Some(number),
        members: ids.iter().map(|id| (*id, names.get(id).cloned().unwrap_or_default())).collect(),
    }))
}

async fn names_of(app: &App, ids: &[i64]) -> AppResult<HashMap<i64, String>> {
    Ok(store::names(&app.db, ids).await?.into_iter().collect())
}

/// The learner's submission: the one her work is in, else her team's (a teammate may have
/// started it).
async fn current(
    app: &App,
    e: &ExerciseRow,
    user: &UserRow,
    owner: Option<&Owner>,
) -> AppResult<Option<SubmissionRow>> {
    if let Some(s) = store::of_member(&app.db, e.id, user.id).await? {
        return Ok(Some(s));
    }
    let Some(o) = owner else { return Ok(None) };
    Ok(store::of_owner(&app.db, e.id, &o.key).await?)
}

// ---------------------------------------------------------------------------------------
// Reading

/// The course's exercises the viewer may see, with her state on each.
pub fn items(content: &Content, v: &CourseView, work: &Sent) -> Vec<ExerciseItem> {
    content
        .exercises
        .iter()
        .filter(|e| {
            let open = v.modules.iter().find(|m| m.id == e.module_id).map(|m| m.open).unwrap_or(false);
            courses::listed(v.access, open, e.is_published())
        })
        .map(|e| {
            let p = parsed(e);
            let (state, late) = work.states.get(&e.id).cloned().unwrap_or(("none".into(), false));
            ExerciseItem {
                id: e.id,
                module_id: e.module_id,
                title: e.title.clone(),
                title_en: e.title_en.clone(),
                status: e.status.clone(),
                grouping: grouping_code(p.grouping).into(),
                answer: p.answer.code().into(),
                due_at: e.due_at,
                state,
                late,
            }
        })
        .collect()
}

/// A learner's work in a course: (state, late) per exercise, and the exercises she sent
/// work to. One query, read by her course page for the outline and the certificate alike.
#[derive(Debug, Default)]
pub struct Sent {
    states: HashMap<i64, (String, bool)>,
    sent: BTreeSet<i64>,
}

impl Sent {
    /// Hers in the course (no query when it has no exercise).
    pub async fn of(app: &App, content: &Content, course_id: i64, user_id: i64) -> AppResult<Sent> {
        if content.exercises.is_empty() {
            return Ok(Sent::default());
        }
        let rows: Vec<(i64, String, i64, Option<i64>)> = sqlx::query_as(
            "SELECT s.exercise_id, s.state, s.late, g.released_at FROM submissions s \
             JOIN submission_members sm ON sm.submission_id = s.id JOIN exercises e ON e.id = s.exercise_id \
             JOIN course_modules m ON m.id = e.module_id LEFT JOIN submission_grades g ON g.submission_id = s.id \
             WHERE m.course_id = $1 AND sm.user_id = $2",
        )
        .bind(course_id)
        .bind(user_id)
        .fetch_all(&app.db.pool)
        .await?;
        let mut work = Sent::default();
        for (id, state, late, released) in rows {
            if state == "sent" {
                work.sent.insert(id);
            }
            let state = if released.is_some() { "graded".to_owned() } else { state };
            work.states.insert(id, (state, late == 1));
        }
        Ok(work)
    }

    /// The published exercises she sent work to: what certificates count.
    pub fn done(&self, content: &Content) -> u32 {
        content.exercises.iter().filter(|e| e.is_published() && self.sent.contains(&e.id)).count() as u32
    }
}

/// An exercise with the caller's work, her team and her peer ratings.
pub async fn get(
    app: &App,
    user: &UserRow,
    slug: &str,
    id: i64,
    locale: Locale,
) -> AppResult<(CourseView, ExerciseView)> {
    let (v, e, m) = readable(app, user, slug, id).await?;
    let c = courses::find(app, slug).await?;
    let p = parsed(&e);
    let opened = instant(m.opens_at);
    let timing = domain::classify(opened, due(&e), p.late_policy, Timestamp::now());
    let (submission, team, peer, can_send) = if v.access == Access::Learner {
        let o = owner(app, c.id, user, p.grouping).await?;
        let s = current(app, &e, user, o.as_ref()).await?;
        let graded = match &s {
            Some(s) => store::grade(&app.db, s.id).await?.is_some(),
            None => false,
        };
        let can_send = o.is_some() && check_submission(timing, graded).is_ok();
        let sv = match &s {
            Some(s) => Some(submission_view(app, s, false).await?),
            None => None,
        };
        let team = o.as_ref().filter(|o| o.team.is_some()).map(|o| o.members.iter().map(|(_, n)| n.clone()).collect());
        let peer = match (&o, p.grouping) {
            (Some(o), Grouping::Team { .. }) => Some(peer_view(app, &e, user, o).await?),
            _ => None,
        };
        (sv, team, peer, can_send)
    } else {
        (None, None, None, false)
    };
    let max_bytes = p.answer.takes_file().then(|| p.answer.max_bytes(crate::uploads::max_size(app)));
    let view = ExerciseView {
        id: e.id,
        module_id: e.module_id,
        title: e.title.clone(),
        title_en: e.title_en.clone(),
        html: markdown::to_html(courses::localised(locale, &e.instructions, &e.instructions_en)),
        instructions: e.instructions.clone(),
        instructions_en: e.instructions_en.clone(),
        status: e.status.clone(),
        grouping: p.grouping,
        answer: p.answer.clone(),
        late_policy: p.late_policy,
        rubric: p.rubric.clone(),
        opens_at: m.opens_at,
        due_at: e.due_at,
        refused_after: p.late_policy.refused_after(due(&e)).map(|t| t.as_second()),
        timing: timing_code(timing).into(),
        max_bytes,
        submission,
        can_send,
        team,
        peer,
    };
    Ok((v, view))
}

// ---------------------------------------------------------------------------------------
// Sending work

/// The upload a piece of work names, if it is a finished upload of one of `members`.
async fn sent_file(app: &App, work: &Work, members: &[i64]) -> AppResult<Option<SentFile>> {
    let Some(id) = &work.upload else { return Ok(None) };
    if !crate::domain::attachment::is_id(id) {
        return Ok(None);
    }
    let Some(u) = crate::uploads::open_completed(app, id).await? else { return Ok(None) };
    if !members.contains(&u.row.user_id) {
        return Ok(None);
    }
    let Some(file_type) = u.file_type() else { return Ok(None) };
    let u = u.row;
    Ok(Some(SentFile { file_type, bytes: u.upload_length.max(0) as u64 }))
}

/// A whole file (sent with the plain form, without JavaScript) becomes a finished upload
/// through the resumable upload's own path: the same checks (type recognised from the
/// content, size limits) and the same storage. Returns the upload's id.
pub async fn upload_whole(app: &App, user: &UserRow, name: &str, bytes: axum::body::Bytes) -> AppResult<String> {
    use base64::Engine;
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let metadata = format!("purpose {},filename {}", b64("exercise"), b64(name));
    let row = crate::uploads::create(app, user, &bytes.len().to_string(), &metadata).await?;
    let piece = crate::uploads::Piece {
        upload_offset: "0",
        content_type: "application/offset+octet-stream",
        upload_checksum: None,
        content_length: Some(bytes.len() as u64),
    };
    let body = futures_util::stream::iter([Ok::<_, std::convert::Infallible>(bytes)]);
    crate::uploads::append(app, user, &row.id, piece, body).await?;
    Ok(row.id)
}

fn refused(e: SubmitError) -> AppError {
    match e {
        SubmitError::AlreadyGraded => AppError::Conflict { field: "work", key: e.message_key() },
        _ => AppError::Refused(e.message_key()),
    }
}

/// Saves the learner's work on an exercise: as a draft (`send == false`: kept, not seen by
/// tutors, may be incomplete) or sent to the tutors (whole, within the late policy, the
/// team at its size). Sending again replaces the work until it is graded. What was saved
/// before stays as it was when something is refused.
pub async fn save(
    app: &App,
    user: &UserRow,
    slug: &str,
    id: i64,
    work: &Work,
    send: bool,
) -> AppResult<SubmissionView> {
    let (v, e, m) = readable(app, user, slug, id).await?;
    if v.access != Access::Learner {
        return Err(AppError::Refused("error.submission.learners_only"));
    }
    let c = courses::find(app, slug).await?;
    let p = parsed(&e);
    let timing = domain::classify(instant(m.opens_at), due(&e), p.late_policy, Timestamp::now());
    if timing == Timing::NotOpen {
        return Err(refused(SubmitError::NotOpen));
    }
    let o = owner(app, c.id, user, p.grouping).await?.ok_or(AppError::Refused("error.submission.no_team"))?;
    let member_ids: Vec<i64> = o.members.iter().map(|(id, _)| *id).collect();
    let file = sent_file(app, work, &member_ids).await?;
    let clean = check_work(&p.answer, work, file, crate::uploads::max_size(app), send).map_err(|errors| {
        let mut fe = FieldErrors::new();
        let mut answers = BTreeMap::new();
        for (field, key) in errors {
            match field.as_str() {
                "text" => drop(fe.insert("text", key)),
                "link" => drop(fe.insert("link", key)),
                "upload" => drop(fe.insert("upload", key)),
                _ => drop(answers.insert(field, key)),
            }
        }
        if fe.is_empty() {
            AppError::Answers(answers)
        } else {
            AppError::Invalid(fe)
        }
    })?;
    let mut tx = app.db.begin().await?;
    let existing = store::by_owner(&mut tx, e.id, &o.key).await?;
    let graded = match &existing {
        Some(s) => store::grade_tx(&mut tx, s.id).await?.is_some(),
        None => false,
    };
    let late = if send {
        if let Grouping::Team { .. } = p.grouping {
            p.grouping.check_size(o.members.len()).map_err(refused)?;
        }
        check_submission(timing, graded).map_err(refused)? == Timing::Late
    } else {
        if graded {
            return Err(refused(SubmitError::AlreadyGraded));
        }
        if existing.as_ref().is_some_and(SubmissionRow::is_sent) {
            // A draft would take sent work back from the tutors.
            return Err(AppError::Conflict { field: "work", key: "error.submission.already_sent" });
        }
        false
    };
    let work_json = serde_json::to_string(&clean).map_err(anyhow::Error::from)?;
    let sid = store::save(
        &mut tx,
        &store::Save {
            exercise_id: e.id,
            owner: &o.key,
            team_number: o.team,
            work: &work_json,
            upload_id: clean.upload.as_deref(),
            send,
            late,
            by: user.id,
            members: &member_ids,
        },
    )
    .await?;
    tx.commit().await?;
    if send {
        tracing::info!(exercise = e.id, submission = sid, by = user.id, late, "work sent");
        crate::progress::refresh(app, c.id, &member_ids).await?;
    }
    let s = store::by_id(&app.db, sid).await?.ok_or(AppError::NotFound)?;
    submission_view(app, &s, false).await
}

// ---------------------------------------------------------------------------------------
// Tutors: submissions, grading, release

/// A course its managers and tutors work on.
async fn staff(app: &App, user: &UserRow, slug: &str) -> AppResult<CourseRow> {
    match courses::access(app, user, slug).await? {
        (c, Access::Manager | Access::Tutor) => Ok(c),
        _ => Err(AppError::Forbidden),
    }
}

/// An exercise and its submissions with their grades, for tutors.
pub async fn submissions(
    app: &App,
    user: &UserRow,
    slug: &str,
    id: i64,
) -> AppResult<(CourseRow, ExerciseRow, Vec<SubmissionLine>)> {
    let c = staff(app, user, slug).await?;
    let e = store::exercise(&app.db, c.id, id).await?.ok_or(AppError::NotFound)?;
    let lines = store::of_exercise(&app.db, e.id).await?;
    Ok((c, e, lines))
}

/// Work waiting for a grade, oldest first, with each exercise's title.
pub async fn queue(app: &App, user: &UserRow, slug: &str) -> AppResult<(CourseRow, Vec<(SubmissionLine, String)>)> {
    let c = staff(app, user, slug).await?;
    let titles: HashMap<i64, String> =
        store::of_course(&app.db, c.id).await?.into_iter().map(|e| (e.id, e.title)).collect();
    let lines = store::queue(&app.db, c.id).await?;
    Ok((c, lines.into_iter().map(|l| (l.clone(), titles.get(&l.exercise_id).cloned().unwrap_or_default())).collect()))
}

/// A submission for grading: the exercise, the work, the grade so far, the automatic
/// reactivity and its suggestion on the reactivity criterion's scale.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ForGrading {
    pub exercise_id: i64,
    pub exercise_title: String,
    #[schema(value_type = Object)]
    pub rubric: Rubric,
    pub submission: SubmissionView,
    /// 0 to 100: how early the work came (domain::exercise::reactivity).
    pub reactivity_auto: Option<f64>,
    /// The same on the reactivity criterion's scale, when the rubric has one.
    pub reactivity_suggested: Option<i32>,
}

async fn submission_of_course(app: &App, c: &CourseRow, id: i64) -> AppResult<(SubmissionRow, ExerciseRow)> {
    let s = store::by_id(&app.db, id).await?.ok_or(AppError::NotFound)?;
    let e = store::exercise(&app.db, c.id, s.exercise_id).await?.ok_or(AppError::NotFound)?;
    Ok((s, e))
}

async fn opened_at(app: &App, c: &CourseRow, user: &UserRow, e: &ExerciseRow) -> AppResult<Timestamp> {
    let v = courses::outline(app, user, &c.slug).await?;
    Ok(v.modules.iter().find(|m| m.id == e.module_id).map(|m| instant(m.opens_at)).unwrap_or(Timestamp::MAX))
}

fn auto_reactivity(e: &ExerciseRow, p: &Parsed, opened: Timestamp, s: &SubmissionRow) -> Option<f64> {
    s.sent_at.map(|t| reactivity(opened, due(e), p.late_policy, instant(t)))
}

pub async fn for_grading(app: &App, user: &UserRow, slug: &str, id: i64) -> AppResult<(CourseRow, ForGrading)> {
    let c = staff(app, user, slug).await?;
    let (s, e) = submission_of_course(app, &c, id).await?;
    let p = parsed(&e);
    let auto = auto_reactivity(&e, &p, opened_at(app, &c, user, &e).await?, &s);
    let suggested = auto.and_then(|a| p.rubric.criterion("reactivity").map(|cr| on_scale(a, cr)));
    let view = ForGrading {
        exercise_id: e.id,
        exercise_title: e.title.clone(),
        rubric: p.rubric,
        submission: submission_view(app, &s, true).await?,
        reactivity_auto: auto,
        reactivity_suggested: suggested,
    };
    Ok((c, view))
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct GradeInput {
    /// Score per criterion id, on each criterion's scale.
    #[schema(value_type = Object)]
    pub scores: Scores,
    /// Written feedback for the learner.
    pub comment: String,
}

/// Grades sent work on the exercise's rubric (every required criterion, within its scale,
/// the feedback when the rubric asks for it). Grading again corrects the grade; from the
/// first grade on, the work can no longer be replaced.
pub async fn grade(app: &App, user: &UserRow, slug: &str, id: i64, input: &GradeInput) -> AppResult<GradeView> {
    let c = staff(app, user, slug).await?;
    let (s, e) = submission_of_course(app, &c, id).await?;
    if !s.is_sent() {
        return Err(AppError::Conflict { field: "submission", key: "error.grade.not_sent" });
    }
    let p = parsed(&e);
    let comment = input.comment.trim();
    let by_criterion: BTreeMap<String, &'static str> = p
        .rubric
        .check_scores(&input.scores, true)
        .iter()
        .map(|err| (err.criterion().to_owned(), err.message_key()))
        .collect();
    if !by_criterion.is_empty() {
        return Err(AppError::Answers(by_criterion));
    }
    let mut errors = FieldErrors::new();
    if p.rubric.comment_required && comment.is_empty() {
        errors.insert("comment", "error.grade.comment_required");
    }
    if comment.chars().count() > MAX_COMMENT_CHARS {
        errors.insert("comment", "error.field.too_long");
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let weighted = p.rubric.weighted(&input.scores).unwrap_or(0.0);
    let auto = auto_reactivity(&e, &p, opened_at(app, &c, user, &e).await?, &s).unwrap_or(0.0);
    let scores = serde_json::to_string(&input.scores).map_err(anyhow::Error::from)?;
    let mut tx = app.db.begin().await?;
    store::write_grade(
        &mut tx,
        &store::Grade {
            submission_id: s.id,
            tutor_id: user.id,
            scores: &scores,
            comment,
            score_milli: milli(weighted),
            reactivity_milli: milli(auto),
        },
    )
    .await?;
    tx.commit().await?;
    tracing::info!(submission = s.id, by = user.id, score = weighted, "work graded");
    let members: Vec<i64> = store::members(&app.db, s.id).await?.into_iter().map(|(id, _)| id).collect();
    crate::progress::refresh(app, c.id, &members).await?;
    let g = store::grade(&app.db, s.id).await?.ok_or(AppError::NotFound)?;
    Ok(grade_view(&g))
}

/// Releases the exercise's grades to the learners; returns how many were released now.
pub async fn release(app: &App, user: &UserRow, slug: &str, id: i64) -> AppResult<u64> {
    let c = staff(app, user, slug).await?;
    let e = store::exercise(&app.db, c.id, id).await?.ok_or(AppError::NotFound)?;
    let link = format!("{}/cours/{}/exercices/{}", app.cfg.public_url.trim_end_matches('/'), c.slug, e.id);
    let mut tx = app.db.begin().await?;
    // Each learner hears of her grade in her language, in the release's transaction: a
    // grade is never released without its e-mail, nor an e-mail sent for a grade kept back.
    for (email, name, locale, score) in store::to_release(&mut tx, e.id).await? {
        let i = crate::i18n::I18n::new(Locale::parse(&locale).unwrap_or_default());
        let title = courses::localised(i.locale, &e.title, &e.title_en);
        let msg = crate::mail::compose::grade_released(i, &name, title, &format!("{}", percent(score).round()), &link);
        crate::store::outbox::enqueue(&mut tx, &email, &msg.subject, &msg.body).await?;
    }
    let n = store::release(&mut tx, e.id).await?;
    tx.commit().await?;
    app.mail_wake.notify_one();
    tracing::info!(exercise = e.id, released = n, by = user.id, "grades released");
    let members = store::graded_members(&app.db, e.id).await?;
    crate::progress::refresh(app, c.id, &members).await?;
    Ok(n)
}

// ---------------------------------------------------------------------------------------
// Peer ratings

async fn peer_view(app: &App, e: &ExerciseRow, user: &UserRow, o: &Owner) -> AppResult<PeerView> {
    let team: Vec<i64> = o.members.iter().map(|(id, _)| *id).collect();
    let ratings = ratings_of(app, e.id).await?;
    let results = peer::aggregate(&team, &ratings, PEER_SCALE);
    let own = peer::anonymised(&results, user.id);
    Ok(PeerView {
        teammates: o
            .members
            .iter()
            .filter(|(id, _)| *id != user.id)
            .map(|(id, name)| Teammate {
                user_id: *id,
                name: name.clone(),
                given: ratings.iter().find(|r| r.rater == user.id && r.ratee == *id).map(|r| r.score),
            })
            .collect(),
        scale_min: PEER_SCALE.min(),
        scale_max: PEER_SCALE.max(),
        received: own.map(|o| o.received).unwrap_or(0),
        score: own.and_then(|o| o.score),
    })
}

async fn ratings_of(app: &App, exercise_id: i64) -> AppResult<Vec<Rating>> {
    Ok(store::ratings(&app.db, exercise_id)
        .await?
        .into_iter()
        .map(|(rater, ratee, score)| Rating { rater, ratee, score: score as i32 })
        .collect())
}

/// Records the learner's ratings of her teammates on a team exercise (replacing what she
/// gave before): each a teammate, never herself, within the scale. Open once the module is.
pub async fn rate(app: &App, user: &UserRow, slug: &str, id: i64, scores: &BTreeMap<i64, i32>) -> AppResult<PeerView> {
    let (v, e, _) = readable(app, user, slug, id).await?;
    if v.access != Access::Learner {
        return Err(AppError::Refused("error.submission.learners_only"));
    }
    let c = courses::find(app, slug).await?;
    let p = parsed(&e);
    if p.grouping == Grouping::Individual {
        return Err(AppError::Refused("error.peer.not_a_team_exercise"));
    }
    let o = owner(app, c.id, user, p.grouping).await?.ok_or(AppError::Refused("error.submission.no_team"))?;
    let team: Vec<i64> = o.members.iter().map(|(id, _)| *id).collect();
    for (&ratee, &score) in scores {
        let r = Rating { rater: user.id, ratee, score };
        match peer::check(&r, &team, PEER_SCALE) {
            Ok(()) => {}
            // The catalogue's general message needs the scale's bounds; this one is 1 to 5.
            Err(peer::PeerError::OutOfScale { .. }) => return Err(AppError::field("scores", "error.peer.one_to_five")),
            Err(err) => return Err(AppError::field("scores", err.message_key())),
        }
    }
    let list: Vec<(i64, i32)> = scores.iter().map(|(k, v)| (*k, *v)).collect();
    let mut tx = app.db.begin().await?;
    store::rate(&mut tx, e.id, user.id, &list).await?;
    tx.commit().await?;
    crate::progress::refresh(app, c.id, &team).await?;
    peer_view(app, &e, user, &o).await
}

/// Per team of an exercise, each member's aggregated teamwork (managers and tutors).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PeerLine {
    pub team: i64,
    pub user_id: i64,
    pub name: String,
    pub received: usize,
    pub score: Option<f64>,
    pub damped: bool,
}

pub async fn peer_results(app: &App, user: &UserRow, slug: &str, id: i64) -> AppResult<Vec<PeerLine>> {
    let c = staff(app, user, slug).await?;
    let e = store::exercise(&app.db, c.id, id).await?.ok_or(AppError::NotFound)?;
    let ratings = ratings_of(app, e.id).await?;
    let members = crate::store::teams::members(&app.db, c.id).await?;
    let ids: Vec<i64> = members.iter().map(|(_, u)| *u).collect();
    let names = names_of(app, &ids).await?;
    let mut teams: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for (n, u) in members {
        teams.entry(n).or_default().push(u);
    }
    let mut out = vec![];
    for (number, team) in teams {
        for r in peer::aggregate(&team, &ratings, PEER_SCALE) {
            out.push(PeerLine {
                team: number,
                user_id: r.member,
                name: names.get(&r.member).cloned().unwrap_or_default(),
                received: r.received,
                score: r.score,
                damped: r.damped,
            });
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// Editing

/// An exercise as typed in the editor or sent to the API.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ExerciseInput {
    pub title: String,
    pub title_en: String,
    /// Markdown.
    pub instructions: String,
    pub instructions_en: String,
    /// individual or team
    pub grouping: String,
    pub team_min: Option<i64>,
    pub team_max: Option<i64>,
    /// text, file, video, link or form
    pub answer: String,
    /// For file answers: accepted types (pdf, jpeg, png, webp, document, spreadsheet, mp4,
    /// mp3); none for any.
    pub file_types: Vec<String>,
    /// For file and video answers: largest file in MB (default: the server's limit).
    pub max_mb: Option<i64>,
    /// For form answers: the form (`{"sections": [...]}`, as call forms).
    #[schema(value_type = Option<Object>)]
    pub form: Option<serde_json::Value>,
    /// Due date and time, local to the course's zone: `YYYY-MM-DD`, `HH:MM`.
    pub due_on: String,
    pub due_time: String,
    /// accept (late work flagged) or refuse (after `grace_hours`)
    pub late_policy: String,
    pub grace_hours: Option<i64>,
    /// The rubric (`{"criteria": [...], "comment_required": true}`); default: motivation,
    /// reactivity, teamwork.
    #[schema(value_type = Option<Object>)]
    pub rubric: Option<serde_json::Value>,
    /// draft (default) or published
    pub status: String,
}

impl ExerciseInput {
    pub fn from_row(e: &ExerciseRow, zone: &str) -> ExerciseInput {
        let p = parsed(e);
        let tz = TimeZoneName::parse(zone).unwrap_or_else(TimeZoneName::utc).zone();
        let local = instant(e.due_at).to_zoned(tz);
        let (team_min, team_max) = match p.grouping {
            Grouping::Team { min, max } => (Some(min.into()), Some(max.into())),
            Grouping::Individual => (None, None),
        };
        let (file_types, max_mb, form) = match &p.answer {
            AnswerType::File { types, max_mb } => {
                (types.iter().map(|t| t.code().to_owned()).collect(), max_mb.map(i64::from), None)
            }
            AnswerType::Video { max_mb } => (vec![], max_mb.map(i64::from), None),
            AnswerType::Form { form } => (vec![], None, serde_json::to_value(form).ok()),
            _ => (vec![], None, None),
        };
        let (late_policy, grace_hours) = match p.late_policy {
            LatePolicy::AcceptFlagged => ("accept", None),
            LatePolicy::RefuseAfterGrace { hours } => ("refuse", Some(hours.into())),
        };
        ExerciseInput {
            title: e.title.clone(),
            title_en: e.title_en.clone(),
            instructions: e.instructions.clone(),
            instructions_en: e.instructions_en.clone(),
            grouping: grouping_code(p.grouping).into(),
            team_min,
            team_max,
            answer: p.answer.code().into(),
            file_types,
            max_mb,
            form,
            due_on: local.date().to_string(),
            due_time: format!("{:02}:{:02}", local.hour(), local.minute()),
            late_policy: late_policy.into(),
            grace_hours,
            rubric: serde_json::to_value(&p.rubric).ok(),
            status: e.status.clone(),
        }
    }
}

struct Clean {
    title: String,
    title_en: String,
    instructions: String,
    instructions_en: String,
    exercise: Exercise,
    rubric: Rubric,
    status: &'static str,
}

fn small(n: Option<i64>, default: u8) -> Option<u8> {
    match n {
        None => Some(default),
        Some(n) => u8::try_from(n).ok(),
    }
}

fn grouping_of(input: &ExerciseInput, e: &mut FieldErrors) -> Grouping {
    match input.grouping.trim() {
        "" | "individual" => Grouping::Individual,
        "team" => {
            match (small(input.team_min, domain::DEFAULT_TEAM_MIN), small(input.team_max, domain::DEFAULT_TEAM_MAX)) {
                (Some(min), Some(max)) => Grouping::Team { min, max },
                _ => {
                    e.insert("team_min", "error.exercise.team_size");
                    Grouping::default()
                }
            }
        }
        _ => {
            e.insert("grouping", "error.exercise.grouping");
            Grouping::Individual
        }
    }
}

fn answer_of(input: &ExerciseInput, e: &mut FieldErrors) -> AnswerType {
    let max_mb = match input.max_mb {
        None => None,
        Some(n) => match u32::try_from(n).ok().filter(|n| *n >= 1) {
            Some(n) => Some(n),
            None => {
                e.insert("max_mb", "error.exercise.max_mb");
                None
            }
        },
    };
    match input.answer.trim() {
        "" | "text" => AnswerType::Text,
        "link" => AnswerType::Link,
        "video" => AnswerType::Video { max_mb },
        "file" => {
            let mut types = vec![];
            for t in &input.file_types {
                match FileType::parse(t) {
                    Some(t) if !types.contains(&t) => types.push(t),
                    Some(_) => {}
                    None => {
                        e.insert("file_types", "error.exercise.file_type");
                    }
                }
            }
            AnswerType::File { types, max_mb }
        }
        "form" => match input.form.clone().map(serde_json::from_value::<Form>) {
            Some(Ok(form)) => AnswerType::Form { form },
            _ => {
                e.insert("form", "error.exercise.bad_form");
                AnswerType::Text
            }
        },
        _ => {
            e.insert("answer", "error.exercise.answer_type");
            AnswerType::Text
        }
    }
}

fn late_of(input: &ExerciseInput, e: &mut FieldErrors) -> LatePolicy {
    match input.late_policy.trim() {
        "" | "accept" => LatePolicy::AcceptFlagged,
        "refuse" => match input.grace_hours.map(u32::try_from) {
            None => LatePolicy::RefuseAfterGrace { hours: 0 },
            Some(Ok(hours)) => LatePolicy::RefuseAfterGrace { hours },
            Some(Err(_)) => {
                e.insert("grace_hours", "error.exercise.grace_too_long");
                LatePolicy::RefuseAfterGrace { hours: 0 }
            }
        },
        _ => {
            e.insert("late_policy", "error.exercise.late_policy");
            LatePolicy::AcceptFlagged
        }
    }
}

fn due_of(input: &ExerciseInput, zone: &str, e: &mut FieldErrors) -> Timestamp {
    let date =
        (input.due_on.trim().len() == 10).then(|| input.due_on.trim().parse::<jiff::civil::Date>().ok()).flatten();
    let time = courses::parse_time(&input.due_time);
    match (date, time) {
        (Some(d), Some(t)) => {
            let tz = TimeZoneName::parse(zone).unwrap_or_else(TimeZoneName::utc).zone();
            tz.to_ambiguous_timestamp(d.to_datetime(t)).compatible().unwrap_or(Timestamp::MAX)
        }
        _ => {
            e.insert("due_on", "error.exercise.due");
            Timestamp::MAX
        }
    }
}

fn check(input: &ExerciseInput, zone: &str, module_opens_at: i64) -> Result<Clean, FieldErrors> {
    let mut e = FieldErrors::new();
    let title = line(&mut e, "title", &input.title, true, 200);
    let title_en = line(&mut e, "title_en", &input.title_en, false, 200);
    let instructions = rich(&mut e, "instructions", &input.instructions);
    let instructions_en = rich(&mut e, "instructions_en", &input.instructions_en);
    let status = courses::publication(&mut e, &input.status);
    let grouping = grouping_of(input, &mut e);
    let answer = answer_of(input, &mut e);
    let late_policy = late_of(input, &mut e);
    let due_at = due_of(input, zone, &mut e);
    let rubric = match &input.rubric {
        None => default_rubric(grouping),
        Some(json) => match serde_json::from_value::<Rubric>(json.clone()) {
            Ok(r) => {
                if let Err(err) = r.validate() {
                    e.insert("rubric", err.message_key());
                }
                r
            }
            Err(_) => {
                e.insert("rubric", "error.exercise.rubric");
                default_rubric(grouping)
            }
        },
    };
    let exercise = Exercise { title: title.clone(), title_en: title_en.clone(), grouping, answer, due_at, late_policy };
    if e.is_empty() {
        if let Err(err) = exercise.validate(instant(module_opens_at)) {
            let field = match err {
                domain::ExerciseError::EmptyTitle => "title",
                domain::ExerciseError::DueBeforeOpening => "due_on",
                domain::ExerciseError::TeamSize => "team_min",
                domain::ExerciseError::GraceTooLong => "grace_hours",
                domain::ExerciseError::BadForm => "form",
            };
            e.insert(field, err.message_key());
        }
    }
    if e.is_empty() {
        Ok(Clean { title, title_en, instructions, instructions_en, exercise, rubric, status })
    } else {
        Err(e)
    }
}

struct Json {
    grouping: String,
    answer: String,
    late_policy: String,
    rubric: String,
}

fn json_of(c: &Clean) -> AppResult<Json> {
    let j = |v: serde_json::Result<String>| v.map_err(|e| AppError::Internal(e.into()));
    Ok(Json {
        grouping: j(serde_json::to_string(&c.exercise.grouping))?,
        answer: j(serde_json::to_string(&c.exercise.answer))?,
        late_policy: j(serde_json::to_string(&c.exercise.late_policy))?,
        rubric: j(serde_json::to_string(&c.rubric))?,
    })
}

fn fields<'a>(c: &'a Clean, j: &'a Json) -> ExerciseFields<'a> {
    ExerciseFields {
        title: &c.title,
        title_en: &c.title_en,
        instructions: &c.instructions,
        instructions_en: &c.instructions_en,
        grouping: &j.grouping,
        answer: &j.answer,
        late_policy: &j.late_policy,
        rubric: &j.rubric,
        due_at: c.exercise.due_at.as_second(),
        status: c.status,
    }
}

async fn module_opening(app: &App, user: &UserRow, slug: &str, module: i64) -> AppResult<i64> {
    let v = courses::outline(app, user, slug).await?;
    v.modules.iter().find(|m| m.id == module).map(|m| m.opens_at).ok_or(AppError::NotFound)
}

/// An exercise of a course the user manages.
pub async fn for_edit(app: &App, user: &UserRow, slug: &str, id: i64) -> AppResult<(CourseRow, ExerciseRow)> {
    let c = courses::managed(app, user, slug).await?;
    let e = store::exercise(&app.db, c.id, id).await?.ok_or(AppError::NotFound)?;
    Ok((c, e))
}

pub async fn create(app: &App, user: &UserRow, slug: &str, module: i64, input: &ExerciseInput) -> AppResult<i64> {
    let c = courses::managed(app, user, slug).await?;
    let opens = module_opening(app, user, slug, module).await?;
    let clean = check(input, &c.time_zone, opens).map_err(AppError::Invalid)?;
    let j = json_of(&clean)?;
    let mut tx = app.db.begin().await?;
    let id = store::insert(&mut tx, module, &fields(&clean, &j)).await?;
    tx.commit().await?;
    tracing::info!(course = c.id, exercise = id, by = user.id, "exercise added");
    Ok(id)
}

/// Rewrites an exercise. Once work was sent, how it is done (alone or in teams, the answer
/// type) stays: the work sent would no longer fit.
pub async fn update(app: &App, user: &UserRow, slug: &str, id: i64, input: &ExerciseInput) -> AppResult<()> {
    let (c, e) = for_edit(app, user, slug, id).await?;
    let opens = module_opening(app, user, slug, e.module_id).await?;
    let clean = check(input, &c.time_zone, opens).map_err(AppError::Invalid)?;
    let j = json_of(&clean)?;
    if store::has_sent_work(&app.db, e.id).await? {
        let p = parsed(&e);
        let mut locked = FieldErrors::new();
        if grouping_code(p.grouping) != grouping_code(clean.exercise.grouping) {
            locked.insert("grouping", "error.exercise.locked");
        }
        if p.answer.code() != clean.exercise.answer.code() {
            locked.insert("answer", "error.exercise.locked");
        }
        if !locked.is_empty() {
            return Err(AppError::Invalid(locked));
        }
    }
    let mut tx = app.db.begin().await?;
    store::update(&mut tx, e.id, &fields(&clean, &j)).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete(app: &App, user: &UserRow, slug: &str, id: i64) -> AppResult<()> {
    let (c, e) = for_edit(app, user, slug, id).await?;
    let mut tx = app.db.begin().await?;
    store::delete(&mut tx, e.id).await?;
    tx.commit().await?;
    tracing::info!(course = c.id, exercise = id, by = user.id, "exercise deleted");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ExerciseInput {
        ExerciseInput {
            title: "Filmez votre pitch".into(),
            answer: "video".into(),
            due_on: "2026-10-11".into(),
            due_time: "23:59".into(),
            late_policy: "refuse".into(),
            grace_hours: Some(48),
            ..Default::default()
        }
    }

    #[test]
    fn the_editor_checks_every_field_at_once() {
        let opens = "2026-10-05T00:00:00Z".parse::<Timestamp>().unwrap().as_second();
        let ok = check(&input(), "Africa/Abidjan", opens).ok().unwrap();
        assert_eq!(ok.exercise.due_at, "2026-10-11T23:59:00Z".parse::<Timestamp>().unwrap());
        assert_eq!(ok.exercise.late_policy, LatePolicy::RefuseAfterGrace { hours: 48 });
        assert_eq!(ok.rubric, default_rubric(Grouping::Individual));
        let bad = ExerciseInput {
            title: " ".into(),
            grouping: "crowd".into(),
            answer: "fax".into(),
            due_on: "11/10/2026".into(),
            late_policy: "maybe".into(),
            max_mb: Some(0),
            ..Default::default()
        };
        let e = check(&bad, "Africa/Abidjan", opens).err().unwrap();
        for field in ["title", "grouping", "answer", "due_on", "late_policy", "max_mb"] {
            assert!(e.contains_key(field), "{field}: {e:?}");
        }
        let early = ExerciseInput { due_on: "2026-10-04".into(), ..input() };
        assert_eq!(
            check(&early, "Africa/Abidjan", opens).err().unwrap().get("due_on"),
            Some(&"error.exercise.due_before_opening")
        );
        let team = ExerciseInput { grouping: "team".into(), team_min: Some(4), team_max: Some(3), ..input() };
        assert_eq!(check(&team, "UTC", opens).err().unwrap().get("team_min"), Some(&"error.exercise.team_size"));
        let form = ExerciseInput { answer: "form".into(), form: Some(serde_json::json!({"sections": 3})), ..input() };
        assert_eq!(check(&form, "UTC", opens).err().unwrap().get("form"), Some(&"error.exercise.bad_form"));
    }

    #[test]
    fn an_exercise_reads_back_as_typed() {
        let opens = "2026-10-05T00:00:00Z".parse::<Timestamp>().unwrap().as_second();
        let typed = ExerciseInput {
            grouping: "team".into(),
            team_min: Some(3),
            team_max: Some(5),
            status: "published".into(),
            ..input()
        };
        let c = check(&typed, "Africa/Lagos", opens).ok().unwrap();
        let j = json_of(&c).unwrap();
        let f = fields(&c, &j);
        let row = ExerciseRow {
            id: 1,
            module_id: 1,
            title: f.title.into(),
            title_en: f.title_en.into(),
            instructions: f.instructions.into(),
            instructions_en: f.instructions_en.into(),
            grouping: f.grouping.into(),
            answer: f.answer.into(),
            late_policy: f.late_policy.into(),
            rubric: f.rubric.into(),
            due_at: f.due_at,
            status: f.status.into(),
            updated_at: 0,
        };
        let back = ExerciseInput::from_row(&row, "Africa/Lagos");
        assert_eq!((back.due_on.as_str(), back.due_time.as_str()), ("2026-10-11", "23:59"));
        assert_eq!((back.team_min, back.team_max, back.grouping.as_str()), (Some(3), Some(5), "team"));
        assert_eq!((back.answer.as_str(), back.late_policy.as_str(), back.grace_hours), ("video", "refuse", Some(48)));
    }
}
