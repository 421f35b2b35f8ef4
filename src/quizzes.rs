//! Quiz use cases: a course's managers put quizzes in modules (typed as JSON or in the
//! editor's text format, `domain::quiz_text`); learners take them as soon as the module is
//! open (the same rule as its lessons, `courses::may_read`), attempt after attempt up to the
//! limit, and get their score and feedback at once. The grading rules live in
//! `domain::quiz`; this module checks who may do what and writes in one transaction.
//!
//! When are the right answers shown? Feedback on the options a learner chose is shown after
//! every attempt; which options were right, the accepted short answers and the question's
//! explanation only once she passed or has no attempt left — before that they would give
//! the next attempt away. Managers and tutors always see them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::app::App;
use crate::courses::{self, may_read, Access, Content, CourseSummary, CourseView};
use crate::domain::quiz::{check_attempt, check_same_attempt, Answers, Graded, Kind, Quiz, QuizError};
use crate::domain::quiz_text;
use crate::domain::time::unix_now;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::programmes::line;
use crate::store::accounts::UserRow;
use crate::store::courses::CourseRow;
use crate::store::quizzes::{self as store, AttemptRow, QuizFields, QuizRow, Submission};

// ---------------------------------------------------------------------------------------
// Views

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct OptionView {
    pub id: String,
    pub label: String,
    pub label_en: String,
    /// Only once the answers may be seen.
    pub correct: Option<bool>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct QuestionView {
    pub id: String,
    /// single, multiple or short
    pub kind: String,
    pub prompt: String,
    pub prompt_en: String,
    pub points: u32,
    /// The options of a choice question (empty for a short answer).
    pub options: Vec<OptionView>,
    /// Accepted short answers: empty until the answers may be seen.
    pub accepted: Vec<String>,
    /// Empty until the answers may be seen.
    pub explanation: String,
    pub explanation_en: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FeedbackView {
    pub text: String,
    pub text_en: String,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ResultView {
    pub question: String,
    /// Share of the question's points earned, 0 to 1.
    pub credit: f64,
    pub correct: bool,
    /// Feedback on the options chosen; the explanation too once the answers may be seen.
    pub feedback: Vec<FeedbackView>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AttemptView {
    pub number: u32,
    pub started_at: i64,
    pub submitted_at: Option<i64>,
    /// 0 to 100, once submitted.
    pub score_percent: Option<f64>,
    pub passed: bool,
    /// The answers sent, by question id.
    #[schema(value_type = Object)]
    pub answers: serde_json::Value,
    pub results: Vec<ResultView>,
}

/// A quiz as the viewer may see it, with her attempts.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct QuizView {
    pub id: i64,
    pub module_id: i64,
    pub title: String,
    pub title_en: String,
    /// draft or published
    pub status: String,
    pub pass_percent: u8,
    /// None: as many attempts as she likes.
    pub max_attempts: Option<u32>,
    pub questions: Vec<QuestionView>,
    /// The right answers are in `questions` (passed, no attempt left, or a manager).
    pub answers_shown: bool,
    /// The caller's attempts, first to last.
    pub attempts: Vec<AttemptView>,
    pub attempts_left: Option<u32>,
    /// The attempt answers go to: the one in progress, or the next one to start; None when
    /// none is left (or the caller does not take quizzes).
    pub next_attempt: Option<u32>,
    pub best_score: Option<f64>,
    pub passed: bool,
    /// The whole quiz with its answers (managers only), as stored.
    #[schema(value_type = Option<Object>)]
    pub definition: Option<Quiz>,
}

/// A quiz in a course's outline, with the caller's progress.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct QuizItem {
    pub id: i64,
    pub module_id: i64,
    pub title: String,
    pub title_en: String,
    pub status: String,
    pub attempts_used: u32,
    pub attempts_left: Option<u32>,
    pub best_score: Option<f64>,
}

/// The result of a submission: the attempt graded, and the quiz as it now stands.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Submitted {
    pub attempt: AttemptView,
    pub quiz: QuizView,
}

fn milli(score_percent: f64) -> i64 {
    (score_percent * 1000.0).round() as i64
}

fn percent(milli: i64) -> f64 {
    milli as f64 / 1000.0
}

/// A stored definition; a row that no longer reads (never written unchecked) counts as an
/// empty quiz rather than failing the page.
fn definition(q: &QuizRow) -> Quiz {
    serde_json::from_str(&q.definition).unwrap_or(Quiz { questions: vec![], pass_percent: 100, max_attempts: Some(0) })
}

fn kind_name(k: &Kind) -> &'static str {
    match k {
        Kind::Single { .. } => "single",
        Kind::Multiple { .. } => "multiple",
        Kind::Short { .. } => "short",
    }
}

fn question_views(quiz: &Quiz, shown: bool) -> Vec<QuestionView> {
    quiz.questions
        .iter()
        .map(|q| {
            let (options, accepted) = match &q.kind {
                Kind::Single { options } | Kind::Multiple { options } => (
                    options
                        .iter()
                        .map(|o| OptionView {
                            id: o.id.clone(),
                            label: o.label.clone(),
                            label_en: o.label_en.clone(),
                            correct: shown.then_some(o.correct),
                        })
                        .collect(),
                    vec![],
                ),
                Kind::Short { accepted } => (vec![], if shown { accepted.clone() } else { vec![] }),
            };
            let hide = |s: &String| if shown { s.clone() } else { String::new() };
            QuestionView {
                id: q.id.clone(),
                kind: kind_name(&q.kind).into(),
                prompt: q.prompt.clone(),
                prompt_en: q.prompt_en.clone(),
                points: q.points,
                options,
                accepted,
                explanation: hide(&q.explanation),
                explanation_en: hide(&q.explanation_en),
            }
        })
        .collect()
}

/// An attempt as shown: the explanation (graded last in each question's feedback) kept
/// back while the answers may not be seen.
fn attempt_view(a: &AttemptRow, quiz: &Quiz, shown: bool) -> AttemptView {
    let graded: Option<Graded> = a.graded.as_deref().and_then(|g| serde_json::from_str(g).ok());
    let results = graded
        .map(|g| {
            g.per_question
                .into_iter()
                .map(|r| {
                    let explanation = quiz.questions.iter().find(|q| q.id == r.id).map(|q| q.explanation.as_str());
                    let mut feedback = r.feedback;
                    if !shown
                        && explanation.is_some_and(|e| !e.trim().is_empty())
                        && feedback.last().map(|f| Some(f.text.as_str()) == explanation).unwrap_or(false)
                    {
                        feedback.pop();
                    }
                    ResultView {
                        question: r.id,
                        credit: r.credit,
                        correct: r.correct,
                        feedback: feedback
                            .into_iter()
                            .map(|f| FeedbackView { text: f.text, text_en: f.text_en })
                            .collect(),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    AttemptView {
        number: a.number as u32,
        started_at: a.started_at,
        submitted_at: a.submitted_at,
        score_percent: a.score_milli.map(percent),
        passed: a.passed == 1,
        answers: serde_json::from_str(&a.answers).unwrap_or(serde_json::Value::Null),
        results,
    }
}

/// Whether the right answers may be shown to a learner with these attempts.
pub fn answers_shown(quiz: &Quiz, attempts: &[AttemptRow]) -> bool {
    let submitted = attempts.iter().filter(|a| a.is_submitted()).count() as u32;
    attempts.iter().any(|a| a.passed == 1) || quiz.max_attempts.is_some_and(|l| submitted >= l)
}

fn attempts_left(quiz: &Quiz, used: u32) -> Option<u32> {
    quiz.max_attempts.map(|l| l.saturating_sub(used))
}

/// The number answers go to now: the attempt in progress, else the next one if allowed.
fn next_attempt(quiz: &Quiz, attempts: &[AttemptRow]) -> Option<u32> {
    match attempts.iter().find(|a| !a.is_submitted()) {
        Some(open) => Some(open.number as u32),
        None => check_attempt(attempts.len() as u32, quiz.max_attempts).ok(),
    }
}

fn view(q: &QuizRow, a: Access, attempts: &[AttemptRow]) -> QuizView {
    let quiz = definition(q);
    let shown = a.sees_everything() || answers_shown(&quiz, attempts);
    let best = attempts.iter().filter_map(|x| x.score_milli).max().map(percent);
    QuizView {
        id: q.id,
        module_id: q.module_id,
        title: q.title.clone(),
        title_en: q.title_en.clone(),
        status: q.status.clone(),
        pass_percent: quiz.pass_percent,
        max_attempts: quiz.max_attempts,
        questions: question_views(&quiz, shown),
        answers_shown: shown,
        attempts: attempts.iter().map(|x| attempt_view(x, &quiz, shown)).collect(),
        attempts_left: attempts_left(&quiz, attempts.len() as u32),
        next_attempt: if a == Access::Learner { next_attempt(&quiz, attempts) } else { None },
        best_score: best,
        passed: attempts.iter().any(|x| x.passed == 1),
        definition: (a == Access::Manager).then_some(quiz),
    }
}

// ---------------------------------------------------------------------------------------
// Reading and taking a quiz

/// The course, what the viewer is to it, and the quiz if she may see it: the rule of the
/// module's lessons (`courses::may_read`: published, module open, enrolled). Reads the
/// course once and the quiz from the course's cached content: every quiz page and
/// submission goes through here.
async fn readable(app: &App, user: &UserRow, slug: &str, id: i64) -> AppResult<(CourseRow, Access, QuizRow)> {
    let (c, access) = courses::access(app, user, slug).await?;
    let content = courses::content(app, &c).await?;
    let q = content.quizzes.iter().find(|q| q.id == id).cloned().ok_or(AppError::NotFound)?;
    let open = content.module(q.module_id).is_some_and(|m| courses::module_open(&c, m));
    may_read(access, open, q.is_published()).map_err(|r| r.error())?;
    Ok((c, access, q))
}

/// A quiz with the caller's attempts; the right answers only when she may see them.
pub async fn get(app: &App, user: &UserRow, slug: &str, id: i64) -> AppResult<(CourseSummary, QuizView)> {
    let (c, access, q) = readable(app, user, slug, id).await?;
    let attempts = store::attempts(&app.db, q.id, user.id).await?;
    let view = view(&q, access, &attempts);
    Ok((CourseSummary::from(&c), view))
}

/// Only learners take quizzes: a manager or tutor previews them.
fn learner_only(a: Access) -> AppResult<()> {
    if a == Access::Learner {
        Ok(())
    } else {
        Err(AppError::Refused("error.quiz.learners_only"))
    }
}

/// Starts an attempt, or returns the one in progress (`true` when a new one started).
/// Refused with the reason once every attempt is used.
pub async fn start(app: &App, user: &UserRow, slug: &str, id: i64) -> AppResult<(u32, bool)> {
    let (_, access, q) = readable(app, user, slug, id).await?;
    learner_only(access)?;
    let quiz = definition(&q);
    let mut tx = app.db.begin().await?;
    let attempts = store::attempts_tx(&mut tx, q.id, user.id).await?;
    if let Some(open) = attempts.iter().find(|a| !a.is_submitted()) {
        return Ok((open.number as u32, false));
    }
    let number =
        check_attempt(attempts.len() as u32, quiz.max_attempts).map_err(|e| AppError::Refused(e.message_key()))?;
    if store::start(&mut tx, q.id, user.id, number as i64).await?.is_none() {
        // Another request started it between our read and our write (PostgreSQL).
        return Err(AppError::Conflict { field: "attempt", key: "error.quiz.attempt_taken" });
    }
    tx.commit().await?;
    tracing::info!(quiz = q.id, learner = user.id, number, "quiz attempt started");
    Ok((number, true))
}

/// Grades the answers of attempt `number` and records them, once: the attempt in
/// progress, or the next one (a page's form starts its attempt as it is sent). Answers for
/// any other attempt are refused (409), as is a second submission of the same attempt.
pub async fn submit(
    app: &App,
    user: &UserRow,
    slug: &str,
    id: i64,
    number: u32,
    answers: &Answers,
) -> AppResult<Submitted> {
    taking(app, user, slug, id).await?.submit(app, user, number, answers).await
}

/// A quiz as the learner answers it: read once (with the course), for the page's
/// form to read its answers against the questions, then to record them.
pub struct Taking {
    access: Access,
    quiz: QuizRow,
}

/// The quiz if the viewer may read it.
pub async fn taking(app: &App, user: &UserRow, slug: &str, id: i64) -> AppResult<Taking> {
    let (_, access, quiz) = readable(app, user, slug, id).await?;
    Ok(Taking { access, quiz })
}

impl Taking {
    /// The questions (the attempts are not read).
    pub fn questions(&self) -> QuizView {
        view(&self.quiz, self.access, &[])
    }

    /// Grades and records the answers: see `submit`.
    pub async fn submit(&self, app: &App, user: &UserRow, number: u32, answers: &Answers) -> AppResult<Submitted> {
        record(app, user, self.access, &self.quiz, number, answers).await
    }
}

async fn record(
    app: &App,
    user: &UserRow,
    access: Access,
    q: &QuizRow,
    number: u32,
    answers: &Answers,
) -> AppResult<Submitted> {
    learner_only(access)?;
    let quiz = definition(q);
    let graded = quiz.grade(answers).map_err(|e| {
        let question = match &e {
            crate::domain::quiz::AnswerError::UnknownQuestion(q) => q.clone(),
            crate::domain::quiz::AnswerError::UnknownOption { question, .. } => question.clone(),
            crate::domain::quiz::AnswerError::OneChoiceOnly(q) | crate::domain::quiz::AnswerError::TextExpected(q) => {
                q.clone()
            }
        };
        AppError::Answers(BTreeMap::from([(question, e.message_key())]))
    })?;
    let answers_json = serde_json::to_string(answers).map_err(anyhow::Error::from)?;
    let graded_json = serde_json::to_string(&graded).map_err(anyhow::Error::from)?;
    let now = unix_now();
    let s = Submission {
        answers: &answers_json,
        score_milli: milli(graded.score_percent),
        passed: graded.passed,
        graded: &graded_json,
        submitted_at: now,
    };
    let already = || AppError::Conflict { field: "attempt", key: "error.quiz.already_submitted" };
    // Her attempts decide which one the answers go to; the write is then one statement that
    // succeeds only if nobody wrote that attempt in between (the attempt still open, or the
    // number still free), so no transaction holds the write lock while deciding. Writing a
    // new attempt may find it just started (her other tab): read again, and it is the open one.
    let mut attempts = vec![];
    let mut attempt_id = None;
    for _ in 0..2 {
        attempts = store::attempts(&app.db, q.id, user.id).await?;
        match attempts.iter().find(|a| !a.is_submitted()) {
            Some(open) => {
                check_same_attempt(number, open.number as u32).map_err(other_attempt)?;
                let _turn = app.db.write_turn().await?;
                if !store::submit(&app.db.pool, open.id, &s).await? {
                    return Err(already());
                }
                attempt_id = Some(open.id);
                break;
            }
            None => {
                if attempts.iter().any(|a| a.number == number as i64) {
                    return Err(already());
                }
                let next = check_attempt(attempts.len() as u32, quiz.max_attempts)
                    .map_err(|e| AppError::Refused(e.message_key()))?;
                check_same_attempt(number, next).map_err(other_attempt)?;
                let _turn = app.db.write_turn().await?;
                if let Some(id) = store::insert_submitted(&app.db, q.id, user.id, next as i64, &s).await? {
                    attempts.push(AttemptRow {
                        id,
                        quiz_id: q.id,
                        user_id: user.id,
                        number: next as i64,
                        answers: String::new(),
                        score_milli: None,
                        passed: 0,
                        graded: None,
                        started_at: now,
                        submitted_at: None,
                    });
                    attempt_id = Some(id);
                    break;
                }
            }
        }
    }
    let attempt_id = attempt_id.ok_or_else(already)?;
    tracing::info!(quiz = q.id, learner = user.id, number, score = graded.score_percent, "quiz attempt submitted");
    // Her attempts as now stored, without reading them again: those read before the
    // write, the one just recorded updated as written.
    let (score_milli, passed) = (s.score_milli, s.passed);
    if let Some(a) = attempts.iter_mut().find(|a| a.id == attempt_id) {
        a.answers = answers_json;
        a.score_milli = Some(score_milli);
        a.passed = passed as i64;
        a.graded = Some(graded_json);
        a.submitted_at = Some(now);
    }
    let quiz_view = view(q, access, &attempts);
    let attempt = quiz_view
        .attempts
        .iter()
        .find(|a| a.number == number)
        .cloned()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("attempt {number} vanished")))?;
    Ok(Submitted { attempt, quiz: quiz_view })
}

fn other_attempt(e: crate::domain::quiz::AttemptError) -> AppError {
    AppError::Conflict { field: "attempt", key: e.message_key() }
}

/// The quizzes of a course the viewer may see, with her progress on each.
pub fn items(content: &Content, v: &CourseView, progress: &Progress) -> Vec<QuizItem> {
    content
        .quizzes
        .iter()
        .filter(|q| {
            let open = v.modules.iter().find(|m| m.id == q.module_id).map(|m| m.open).unwrap_or(false);
            courses::listed(v.access, open, q.is_published())
        })
        .map(|q| {
            let (used, best) = progress.0.get(&q.id).copied().unwrap_or((0, None));
            QuizItem {
                id: q.id,
                module_id: q.module_id,
                title: q.title.clone(),
                title_en: q.title_en.clone(),
                status: q.status.clone(),
                attempts_used: used as u32,
                attempts_left: attempts_left(&definition(q), used as u32),
                best_score: best.map(percent),
            }
        })
        .collect()
}

/// A learner's attempts at the quizzes of a course: (attempts started, best submitted score
/// in thousandths of a percent) by quiz; quizzes she never started are absent. One query,
/// read by her course page for the outline and the certificate alike.
#[derive(Debug, Default)]
pub struct Progress(BTreeMap<i64, (i64, Option<i64>)>);

impl Progress {
    /// Hers in the course (no query when it has no quiz).
    pub async fn of(app: &App, content: &Content, course_id: i64, user_id: i64) -> AppResult<Progress> {
        if content.quizzes.is_empty() {
            return Ok(Progress::default());
        }
        Ok(Progress(
            store::progress(&app.db, course_id, user_id).await?.into_iter().map(|(q, n, b)| (q, (n, b))).collect(),
        ))
    }

    /// Every published quiz of the course with her best score in % (`None`: nothing
    /// submitted yet): what certificates read.
    pub fn best_scores(&self, content: &Content) -> BTreeMap<i64, Option<f64>> {
        content
            .quizzes
            .iter()
            .filter(|q| q.is_published())
            .map(|q| (q.id, self.0.get(&q.id).and_then(|(_, best)| *best).map(percent)))
            .collect()
    }
}

// ---------------------------------------------------------------------------------------
// Editing

/// A quiz as sent to the API or typed in the editor: the definition as JSON, or the
/// questions in the editor's text format with the pass mark and attempts limit apart.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct QuizInput {
    pub title: String,
    pub title_en: String,
    /// draft (default) or published
    pub status: String,
    /// The quiz: `{"questions": [...], "pass_percent": 60, "max_attempts": 3}` (see
    /// domain::quiz). Takes precedence over `text`.
    #[schema(value_type = Option<Object>)]
    pub definition: Option<serde_json::Value>,
    /// The questions in the editor's text format (`?`, `??`, `-`, `+`, `=`, `>`, `||`).
    pub text: Option<String>,
    /// With `text`: pass mark in percent (default 60).
    pub pass_percent: Option<i64>,
    /// With `text`: attempts allowed; none for as many as they like.
    pub max_attempts: Option<i64>,
}

impl QuizInput {
    pub fn from_row(q: &QuizRow) -> QuizInput {
        let quiz = definition(q);
        QuizInput {
            title: q.title.clone(),
            title_en: q.title_en.clone(),
            status: q.status.clone(),
            definition: None,
            text: Some(quiz_text::to_text(&quiz)),
            pass_percent: Some(quiz.pass_percent as i64),
            max_attempts: quiz.max_attempts.map(i64::from),
        }
    }
}

/// The field a quiz error belongs to, on the editor and in the API's `fields`.
pub fn field_of(e: &QuizError) -> &'static str {
    match e {
        QuizError::PassMark => "pass_percent",
        QuizError::ZeroAttempts => "max_attempts",
        _ => "questions",
    }
}

struct CleanQuiz {
    title: String,
    title_en: String,
    status: &'static str,
    definition: String,
}

/// The quiz an input describes, every field's mistake at once.
fn quiz_of(input: &QuizInput, e: &mut FieldErrors) -> Option<Quiz> {
    if let Some(json) = &input.definition {
        return match serde_json::from_value::<Quiz>(json.clone()) {
            Ok(q) => Some(q),
            Err(_) => {
                e.insert("definition", "error.quiz.definition");
                None
            }
        };
    }
    let pass = input.pass_percent.unwrap_or(60);
    let pass = u8::try_from(pass).ok().filter(|p| *p <= 100);
    if pass.is_none() {
        e.insert("pass_percent", "error.quiz.pass_mark");
    }
    let attempts = match input.max_attempts {
        None => Some(None),
        Some(n) => u32::try_from(n).ok().filter(|n| *n >= 1).map(Some),
    };
    if attempts.is_none() {
        e.insert("max_attempts", "error.quiz.attempts_number");
    }
    let text = input.text.as_deref().unwrap_or("");
    if text.chars().count() > 100_000 {
        e.insert("questions", "error.field.too_long");
        return None;
    }
    match quiz_text::parse(text, pass.unwrap_or(0), attempts.flatten()) {
        Ok(q) => Some(q),
        Err(t) => {
            e.insert("questions", t.message_key());
            None
        }
    }
}

fn check(input: &QuizInput) -> Result<CleanQuiz, FieldErrors> {
    let mut e = FieldErrors::new();
    let title = line(&mut e, "title", &input.title, true, 200);
    let title_en = line(&mut e, "title_en", &input.title_en, false, 200);
    let status = crate::courses::publication(&mut e, &input.status);
    let quiz = quiz_of(input, &mut e);
    if let Some(q) = &quiz {
        if let Err(err) = q.validate() {
            e.entry(field_of(&err)).or_insert(err.message_key());
        }
    }
    match quiz {
        Some(q) if e.is_empty() => {
            let definition = serde_json::to_string(&q).unwrap_or_default();
            Ok(CleanQuiz { title, title_en, status, definition })
        }
        _ => Err(e),
    }
}

fn fields(c: &CleanQuiz) -> QuizFields<'_> {
    QuizFields { title: &c.title, title_en: &c.title_en, definition: &c.definition, status: c.status }
}

/// A quiz of a course the user manages.
pub async fn for_edit(app: &App, user: &UserRow, slug: &str, id: i64) -> AppResult<(CourseRow, QuizRow)> {
    let c = courses::managed(app, user, slug).await?;
    let q = store::quiz(&app.db, c.id, id).await?.ok_or(AppError::NotFound)?;
    Ok((c, q))
}

pub async fn create(app: &App, user: &UserRow, slug: &str, module: i64, input: &QuizInput) -> AppResult<i64> {
    let c = courses::managed(app, user, slug).await?;
    let modules = crate::store::courses::modules(&app.db, c.id).await?;
    if !modules.iter().any(|m| m.id == module) {
        return Err(AppError::NotFound);
    }
    let clean = check(input).map_err(AppError::Invalid)?;
    let mut tx = app.db.begin().await?;
    let id = store::insert(&mut tx, module, &fields(&clean)).await?;
    tx.commit().await?;
    tracing::info!(course = c.id, quiz = id, by = user.id, "quiz added");
    Ok(id)
}

/// Rewrites a quiz. Past attempts keep the result they got (stored when submitted).
pub async fn update(app: &App, user: &UserRow, slug: &str, id: i64, input: &QuizInput) -> AppResult<()> {
    let (_, q) = for_edit(app, user, slug, id).await?;
    let clean = check(input).map_err(AppError::Invalid)?;
    let mut tx = app.db.begin().await?;
    store::update(&mut tx, q.id, &fields(&clean)).await?;
    tx.commit().await?;
    Ok(())
}

/// Publishes or unpublishes, the rest kept.
pub async fn set_status(app: &App, user: &UserRow, slug: &str, id: i64, status: &str) -> AppResult<()> {
    let (_, q) = for_edit(app, user, slug, id).await?;
    let mut input = QuizInput::from_row(&q);
    input.status = status.to_owned();
    update(app, user, slug, id, &input).await
}

pub async fn delete(app: &App, user: &UserRow, slug: &str, id: i64) -> AppResult<()> {
    let (c, q) = for_edit(app, user, slug, id).await?;
    let mut tx = app.db.begin().await?;
    store::delete(&mut tx, q.id).await?;
    tx.commit().await?;
    tracing::info!(course = c.id, quiz = id, by = user.id, "quiz deleted");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attempt(number: i64, passed: bool, submitted: bool) -> AttemptRow {
        AttemptRow {
            id: number,
            quiz_id: 1,
            user_id: 1,
            number,
            answers: "{}".into(),
            score_milli: submitted.then_some(if passed { 80_000 } else { 20_000 }),
            passed: passed as i64,
            graded: None,
            started_at: 0,
            submitted_at: submitted.then_some(1),
        }
    }

    #[test]
    fn answers_are_shown_once_passed_or_every_attempt_used() {
        let quiz = quiz_text::parse("? Q\n+ oui\n- non", 60, Some(2)).unwrap();
        assert!(!answers_shown(&quiz, &[]));
        assert!(!answers_shown(&quiz, &[attempt(1, false, true)]));
        assert!(
            !answers_shown(&quiz, &[attempt(1, false, true), attempt(2, false, false)]),
            "the last one in progress"
        );
        assert!(answers_shown(&quiz, &[attempt(1, false, true), attempt(2, false, true)]));
        assert!(answers_shown(&quiz, &[attempt(1, true, true)]));
        let open = Quiz { max_attempts: None, ..quiz.clone() };
        assert!(!answers_shown(&open, &[attempt(1, false, true), attempt(2, false, true)]));
        assert_eq!(next_attempt(&quiz, &[attempt(1, false, true)]), Some(2));
        assert_eq!(next_attempt(&quiz, &[attempt(1, false, true), attempt(2, false, false)]), Some(2));
        assert_eq!(next_attempt(&quiz, &[attempt(1, false, true), attempt(2, false, true)]), None);
    }

    #[test]
    fn editor_mistakes_land_on_their_fields_together() {
        let input = QuizInput {
            title: String::new(),
            text: Some("- sans question".into()),
            pass_percent: Some(140),
            max_attempts: Some(0),
            ..Default::default()
        };
        let e = check(&input).err().unwrap();
        assert_eq!(e.get("title"), Some(&"error.field.required"));
        assert_eq!(e.get("questions"), Some(&"error.quiz.text_before_question"));
        assert_eq!(e.get("pass_percent"), Some(&"error.quiz.pass_mark"));
        assert_eq!(e.get("max_attempts"), Some(&"error.quiz.attempts_number"));
        let ok = QuizInput { title: "Quiz".into(), text: Some("? Q\n+ oui\n- non".into()), ..Default::default() };
        assert!(check(&ok).is_ok());
        let bad_json =
            QuizInput { title: "Quiz".into(), definition: Some(serde_json::json!([1])), ..Default::default() };
        assert_eq!(check(&bad_json).err().unwrap().get("definition"), Some(&"error.quiz.definition"));
        assert_eq!(milli(100.0 * 2.0 / 3.0), 66_667);
        assert!(crate::domain::quiz::passes(percent(milli(60.0)), 60));
    }
}
