//! Quiz pages. The learner's (`/cours/{slug}/quiz/{id}`): the questions as a plain form
//! (radio buttons, checkboxes, a text field), sent once; the result comes back on the same
//! address with `?tentative=N` (so that reloading never sends twice) with the score and the
//! feedback per question, and "try again" while attempts remain. The manager's
//! (`/gestion/cours/{slug}/quiz/{id}`): a text editor in the format of `domain::quiz_text`,
//! explained on the page, the pass mark, the attempts limit, publication and deletion.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::form::{get, pairs};
use super::{html, see_other, FormState, PageCtx};
use crate::app::App;
use crate::courses::localised;
use crate::domain::quiz::{Answer, Answers};
use crate::domain::quiz_text;
use crate::error::{AppError, AppResult};
use crate::i18n::I18n;
use crate::quizzes::{self, AttemptView, QuestionView, QuizInput, QuizView};
use crate::web::context::Ctx;

/// One option of a question as the form shows it.
pub struct OptionLine {
    pub id: String,
    pub label: String,
    /// Ticked in the attempt shown.
    pub chosen: bool,
    /// Shown right once the answers may be seen.
    pub right: bool,
}

pub struct QuestionLine {
    pub id: String,
    pub n: usize,
    /// single, multiple or short
    pub kind: String,
    pub prompt: String,
    pub options: Vec<OptionLine>,
    /// The text answered (short answer) in the attempt shown.
    pub text: String,
    /// Accepted answers, once they may be seen.
    pub accepted: String,
    /// In a result: full credit, part of it, none.
    pub verdict: Option<&'static str>,
    pub feedback: Vec<String>,
}

#[derive(Template)]
#[template(path = "quiz.html")]
struct QuizPage {
    page: PageCtx,
    slug: String,
    id: i64,
    course_title: String,
    /// "Réussi à 60 %, 3 tentatives" and the like.
    rules: String,
    status_line: String,
    draft: bool,
    questions: Vec<QuestionLine>,
    /// The form's attempt number; None: no form (result shown, or no attempt left).
    form_attempt: Option<u32>,
    /// The result headline of the attempt shown.
    result: Option<(String, bool)>,
    /// The attempt shown could be followed by another.
    try_again: bool,
    past: Vec<(u32, String)>,
    form: FormState,
}

fn pct(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{r:.0} %")
    } else {
        format!("{r:.1} %")
    }
}

fn answer_strings(a: &serde_json::Value, qid: &str) -> Vec<String> {
    match a.get(qid) {
        Some(serde_json::Value::String(s)) => vec![s.clone()],
        Some(serde_json::Value::Array(v)) => v.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect(),
        _ => vec![],
    }
}

fn question_lines(i: I18n, v: &QuizView, shown: Option<&AttemptView>, typed: &Answers) -> Vec<QuestionLine> {
    v.questions
        .iter()
        .enumerate()
        .map(|(n, q): (usize, &QuestionView)| {
            let given: Vec<String> = match shown {
                Some(a) => answer_strings(&a.answers, &q.id),
                None => match typed.get(&q.id) {
                    Some(Answer::One(s)) => vec![s.clone()],
                    Some(Answer::Many(v)) => v.clone(),
                    None => vec![],
                },
            };
            let result = shown.and_then(|a| a.results.iter().find(|r| r.question == q.id));
            QuestionLine {
                id: q.id.clone(),
                n: n + 1,
                kind: q.kind.clone(),
                prompt: localised(i.locale, &q.prompt, &q.prompt_en).to_owned(),
                options: q
                    .options
                    .iter()
                    .map(|o| OptionLine {
                        id: o.id.clone(),
                        label: localised(i.locale, &o.label, &o.label_en).to_owned(),
                        chosen: given.contains(&o.id),
                        right: o.correct == Some(true),
                    })
                    .collect(),
                text: if q.kind == "short" { given.first().cloned().unwrap_or_default() } else { String::new() },
                accepted: q.accepted.join(" · "),
                verdict: result.map(|r| {
                    if r.correct {
                        "quiz.right"
                    } else if r.credit > 0.0 {
                        "quiz.partly"
                    } else {
                        "quiz.wrong"
                    }
                }),
                feedback: result
                    .map(|r| r.feedback.iter().map(|f| localised(i.locale, &f.text, &f.text_en).to_owned()).collect())
                    .unwrap_or_default(),
            }
        })
        .collect()
}

fn rules(i: I18n, v: &QuizView) -> String {
    let attempts = match v.max_attempts {
        Some(n) => i.tf1("quiz.attempts_allowed", "n", n),
        None => i.t("quiz.attempts_unlimited").to_owned(),
    };
    format!("{} · {attempts}", i.tf1("quiz.pass_mark", "percent", v.pass_percent))
}

fn status_line(i: I18n, v: &QuizView) -> String {
    let best = v.best_score.map(|b| i.tf1("quiz.best", "score", pct(b))).unwrap_or_default();
    let left = v.attempts_left.map(|n| i.tf1("quiz.left", "n", n)).unwrap_or_default();
    [best, left].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" · ")
}

/// The quiz page; with `attempt`, that attempt's result instead of the form.
fn quiz_page(
    ctx: &Ctx,
    course_title: String,
    slug: &str,
    v: &QuizView,
    attempt: Option<u32>,
    typed: &Answers,
) -> QuizPage {
    let i = ctx.i18n();
    let shown = attempt.and_then(|n| v.attempts.iter().find(|a| a.number == n && a.submitted_at.is_some()));
    let result = shown.map(|a| {
        let score = pct(a.score_percent.unwrap_or(0.0));
        let key = if a.passed { "quiz.passed" } else { "quiz.failed" };
        (i.tf1(key, "score", score), a.passed)
    });
    QuizPage {
        page: PageCtx::new(ctx, localised(i.locale, &v.title, &v.title_en)),
        slug: slug.to_owned(),
        id: v.id,
        course_title,
        rules: rules(i, v),
        status_line: status_line(i, v),
        draft: v.status != "published",
        questions: question_lines(i, v, shown, typed),
        form_attempt: if shown.is_some() { None } else { v.next_attempt },
        try_again: shown.is_some() && v.next_attempt.is_some(),
        result,
        past: v.attempts.iter().filter_map(|a| a.score_percent.map(|s| (a.number, pct(s)))).collect(),
        form: FormState::default(),
    }
}

#[derive(serde::Deserialize, Default)]
pub struct Shown {
    tentative: Option<String>,
}

/// `/cours/{slug}/quiz/{id}`
pub async fn show(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
    Query(q): Query<Shown>,
) -> AppResult<Response> {
    let user = ctx.require_user()?;
    let (c, v) = quizzes::get(&app, user, &slug, id).await?;
    let title = localised(ctx.locale, &c.title, &c.title_en).to_owned();
    let attempt = q.tentative.and_then(|t| t.parse().ok());
    Ok(html(StatusCode::OK, quiz_page(&ctx, title, &c.slug, &v, attempt, &Answers::new())))
}

/// The answers of a posted form, for the questions of this quiz only (the CSRF token and
/// the attempt number are not answers). Empty fields are no answer.
fn answers_of(v: &QuizView, p: &[(String, String)]) -> Answers {
    let mut out = Answers::new();
    for q in &v.questions {
        let values: Vec<String> =
            p.iter().filter(|(k, x)| *k == q.id && !x.trim().is_empty()).map(|(_, x)| x.clone()).collect();
        let answer = match (q.kind.as_str(), values.len()) {
            (_, 0) => continue,
            ("multiple", _) => Answer::Many(values),
            (_, 1) => Answer::One(values.into_iter().next().unwrap_or_default()),
            // Two values for a single choice: graded, and refused, as sent.
            _ => Answer::Many(values),
        };
        out.insert(q.id.clone(), answer);
    }
    out
}

/// `POST /cours/{slug}/quiz/{id}`: grades the attempt, then shows its result.
pub async fn submit(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
    body: Bytes,
) -> AppResult<Response> {
    let user = ctx.require_user()?;
    let p = pairs(&body);
    // The course and quiz are read once, for the form's answers and their recording.
    let taking = quizzes::taking(&app, user, &slug, id).await?;
    let answers = answers_of(&taking.questions(), &p);
    let number: u32 = get(&p, "attempt").parse().unwrap_or(0);
    match taking.submit(&app, user, number, &answers).await {
        Ok(s) => Ok(see_other(&format!("/cours/{slug}/quiz/{id}?tentative={}", s.attempt.number))),
        Err(e @ (AppError::Answers(_) | AppError::Conflict { .. })) => {
            // The form again with what was ticked, and why it was not graded.
            let (c, v) = quizzes::get(&app, user, &slug, id).await?;
            let title = localised(ctx.locale, &c.title, &c.title_en).to_owned();
            let mut page = quiz_page(&ctx, title, &c.slug, &v, None, &answers);
            page.form = FormState::from_error(ctx.i18n(), &e);
            if let AppError::Answers(m) = &e {
                if let Some(k) = m.values().next() {
                    page.form.summary = Some(ctx.i18n().t(k).to_owned());
                }
            }
            Ok(html(StatusCode::from_u16(e.status()).unwrap_or(StatusCode::CONFLICT), page))
        }
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------------------------------
// The manager's editor

#[derive(Template)]
#[template(path = "manage_quiz.html")]
struct Editor {
    page: PageCtx,
    slug: String,
    course_title: String,
    /// Where the form posts.
    action: String,
    /// None for a new quiz.
    id: Option<i64>,
    published: bool,
    title: String,
    title_en: String,
    status: String,
    text: String,
    pass_percent: String,
    max_attempts: String,
    /// The line of the questions the error is about.
    bad_line: Option<usize>,
    form: FormState,
    done: bool,
}

const SAMPLE: &str = "? Question à choix unique || Single-choice question\n- Mauvaise réponse\n> Pourquoi elle est fausse\n+ Bonne réponse\n\n?? Question à choix multiple\n+ Bonne réponse\n+ Autre bonne réponse\n- Mauvaise réponse\n\n? Question à réponse courte\n= réponse acceptée\n= autre réponse acceptée\n> Explication montrée avec les réponses\n";

fn editor(ctx: &Ctx, slug: &str, course_title: &str, id: Option<i64>, module: i64, v: &QuizInput) -> Editor {
    let i = ctx.i18n();
    let title =
        if v.title.is_empty() { i.t("quiz.new").to_owned() } else { i.tf1("quiz.edit_title", "title", &v.title) };
    Editor {
        page: PageCtx::new(ctx, &title),
        slug: slug.to_owned(),
        course_title: course_title.to_owned(),
        action: match id {
            Some(id) => format!("/gestion/cours/{slug}/quiz/{id}"),
            None => format!("/gestion/cours/{slug}/modules/{module}/quiz"),
        },
        id,
        published: v.status == "published",
        title: v.title.clone(),
        title_en: v.title_en.clone(),
        status: if v.status.is_empty() { "draft".into() } else { v.status.clone() },
        text: v.text.clone().unwrap_or_default(),
        pass_percent: v.pass_percent.map(|p| p.to_string()).unwrap_or_default(),
        max_attempts: v.max_attempts.map(|p| p.to_string()).unwrap_or_default(),
        bad_line: None,
        form: FormState::default(),
        done: false,
    }
}

/// What the editor sent. A number that does not read is kept out of range so that the
/// check refuses it on its field.
fn editor_input(p: &[(String, String)]) -> (QuizInput, String, String) {
    let number = |s: &str| if s.is_empty() { None } else { Some(s.parse::<i64>().unwrap_or(-1)) };
    let pass = get(p, "pass_percent");
    let attempts = get(p, "max_attempts");
    let input = QuizInput {
        title: get(p, "title"),
        title_en: get(p, "title_en"),
        status: get(p, "status"),
        definition: None,
        // Kept as typed: the line numbers of errors must match what the manager sees.
        text: Some(p.iter().find(|(k, _)| k == "questions").map(|(_, v)| v.clone()).unwrap_or_default()),
        pass_percent: Some(number(&pass).unwrap_or(60)),
        max_attempts: number(&attempts),
    };
    (input, pass, attempts)
}

async fn course_title(app: &App, slug: &str) -> AppResult<String> {
    Ok(crate::courses::find(app, slug).await?.title)
}

/// The editor again with the mistakes, what was typed kept.
fn refused(ctx: &Ctx, mut page: Editor, typed: (String, String), e: AppError) -> AppResult<Response> {
    if !matches!(e, AppError::Invalid(_)) {
        return Err(e);
    }
    page.pass_percent = typed.0;
    page.max_attempts = typed.1;
    page.bad_line = quiz_text::parse(&page.text, 0, None).err().map(|t| t.line());
    page.form = FormState::from_error(ctx.i18n(), &e);
    Ok(html(StatusCode::UNPROCESSABLE_ENTITY, page))
}

/// `/gestion/cours/{slug}/modules/{id}/quiz`: an empty editor with an example.
pub async fn new_form(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, module)): Path<(String, i64)>,
) -> AppResult<Response> {
    let c = crate::courses::managed(&app, ctx.require_user()?, &slug).await?;
    let v =
        QuizInput { text: Some(SAMPLE.into()), pass_percent: Some(60), max_attempts: Some(3), ..Default::default() };
    Ok(html(StatusCode::OK, editor(&ctx, &c.slug, &c.title, None, module, &v)))
}

pub async fn create(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, module)): Path<(String, i64)>,
    body: Bytes,
) -> AppResult<Response> {
    let user = ctx.require_user()?;
    let (input, pass, attempts) = editor_input(&pairs(&body));
    match quizzes::create(&app, user, &slug, module, &input).await {
        Ok(id) => Ok(see_other(&format!("/gestion/cours/{slug}/quiz/{id}?fait=1"))),
        Err(e) => {
            let page = editor(&ctx, &slug, &course_title(&app, &slug).await?, None, module, &input);
            refused(&ctx, page, (pass, attempts), e)
        }
    }
}

#[derive(serde::Deserialize, Default)]
pub struct Done {
    fait: Option<String>,
}

/// `/gestion/cours/{slug}/quiz/{id}`
pub async fn edit_form(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
    Query(d): Query<Done>,
) -> AppResult<Response> {
    let (c, q) = quizzes::for_edit(&app, ctx.require_user()?, &slug, id).await?;
    let mut page = editor(&ctx, &c.slug, &c.title, Some(q.id), q.module_id, &QuizInput::from_row(&q));
    page.done = d.fait.is_some();
    Ok(html(StatusCode::OK, page))
}

pub async fn save(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
    body: Bytes,
) -> AppResult<Response> {
    let user = ctx.require_user()?;
    let (c, q) = quizzes::for_edit(&app, user, &slug, id).await?;
    let (input, pass, attempts) = editor_input(&pairs(&body));
    match quizzes::update(&app, user, &slug, id, &input).await {
        Ok(()) => Ok(see_other(&format!("/gestion/cours/{slug}/quiz/{id}?fait=1"))),
        Err(e) => refused(&ctx, editor(&ctx, &c.slug, &c.title, Some(id), q.module_id, &input), (pass, attempts), e),
    }
}

/// One click to publish or unpublish.
pub async fn set_status(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
    body: Bytes,
) -> AppResult<Response> {
    let status = get(&pairs(&body), "status");
    quizzes::set_status(&app, ctx.require_user()?, &slug, id, &status).await?;
    Ok(see_other(&format!("/gestion/cours/{slug}?fait=quiz")))
}

pub async fn delete(State(app): State<App>, ctx: Ctx, Path((slug, id)): Path<(String, i64)>) -> AppResult<Response> {
    quizzes::delete(&app, ctx.require_user()?, &slug, id).await?;
    Ok(see_other(&format!("/gestion/cours/{slug}?fait=supprime")))
}
