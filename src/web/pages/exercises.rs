//! Exercise pages.
//!
//! - The learner's (`/cours/{slug}/exercices/{id}`): the instructions, the due instant in the
//!   course's zone, the answer form for the exercise's type (text, link, a file or a video
//!   sent by resumable upload with a plain-form fallback for small files, or a structured
//!   form), "save the draft" and "send"; then her grade and the tutor's feedback once
//!   released, and the peer ratings of her teammates for a team exercise. With JavaScript,
//!   work written offline waits in the browser and is sent when the network returns
//!   (`assets/queue.js`); without it, the page is a plain form.
//! - The manager's editor (`/gestion/cours/{slug}/exercices/{id}`).
//! - The tutors' pages: the submissions of an exercise with the peer results and the
//!   release of grades, the grading queue, and the grading form of one submission.

use std::collections::BTreeMap;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;

use super::apply::{answers_from, fields, SectionFields};
use super::form::{get, pairs};
use super::{html, see_other, FormState, PageCtx};
use crate::app::App;
use crate::courses::localised;
use crate::domain::attachment::{human_size, FileType};
use crate::domain::exercise::{AnswerType, Grouping, LatePolicy, Work};
use crate::domain::locale::Locale;
use crate::domain::time::TimeZoneName;
use crate::error::{AppError, AppResult};
use crate::exercises::{self, ExerciseInput, ExerciseView, ForGrading, GradeInput, SubmissionView};
use crate::i18n::I18n;
use crate::web::context::Ctx;

/// Largest file sent with the plain form (no JavaScript): bigger files need the resumable
/// upload, which survives a dropped connection.
pub const PLAIN_FILE_LIMIT: usize = 32 * 1024 * 1024;

fn zone(name: &str) -> jiff::tz::TimeZone {
    TimeZoneName::parse(name).unwrap_or_else(TimeZoneName::utc).zone()
}

fn pct(x: f64) -> String {
    format!("{} %", (x * 10.0).round() / 10.0)
}

/// "Individuel · réponse : vidéo", "En équipe de 3 à 5 · réponse : texte".
fn kind_line(i: I18n, grouping: Grouping, answer: &AnswerType) -> String {
    let who = match grouping {
        Grouping::Individual => i.t("exercise.individual").to_owned(),
        Grouping::Team { min, max } => {
            i.tf("exercise.team_of", &[("min", &min.to_string()), ("max", &max.to_string())])
        }
    };
    format!("{who} · {}", i.tf1("exercise.answer_is", "type", i.t(&format!("exercise.answer.{}", answer.code()))))
}

fn late_line(i: I18n, policy: LatePolicy, refused_after: Option<i64>, tz: &jiff::tz::TimeZone) -> String {
    match (policy, refused_after) {
        (LatePolicy::RefuseAfterGrace { .. }, Some(end)) => {
            i.tf1("exercise.refused_after", "date", i.datetime(end, tz))
        }
        _ => i.t("exercise.late_accepted").to_owned(),
    }
}

// ---------------------------------------------------------------------------------------
// The learner's page

pub struct CriterionLine {
    pub label: String,
    pub score: String,
}

pub struct GradeLines {
    pub score: String,
    pub criteria: Vec<CriterionLine>,
    pub comment: String,
    pub reactivity: String,
}

pub struct TeammateLine {
    pub user_id: i64,
    pub name: String,
    pub given: Option<i32>,
}

#[derive(Template)]
#[template(path = "exercise.html")]
struct ExercisePage {
    page: PageCtx,
    slug: String,
    id: i64,
    course_title: String,
    kind: String,
    due: String,
    late_rule: String,
    timing: String,
    draft: bool,
    html: String,
    team: Option<String>,
    /// text, link, file, video or form
    answer: String,
    text: String,
    link: String,
    file: Option<String>,
    upload: String,
    accept: String,
    max_bytes: u64,
    limits: String,
    sections: Vec<SectionFields>,
    /// A form answer as read, (question, answer), once it can no longer be changed.
    form_answers: Vec<(String, String)>,
    state: Option<String>,
    can_send: bool,
    /// A draft may still be saved (nothing sent yet).
    can_draft: bool,
    grade: Option<GradeLines>,
    peer: Option<exercises::PeerView>,
    peer_scale: Vec<i32>,
    peer_note: String,
    peer_help: String,
    teammates: Vec<TeammateLine>,
    learner: bool,
    manager: bool,
    form: FormState,
    done: Option<&'static str>,
}

impl ExercisePage {
    fn upload_script(&self) -> String {
        crate::web::assets::upload_url()
    }

    fn queue_script(&self) -> String {
        crate::web::assets::queue_url()
    }

    fn multipart(&self) -> bool {
        self.answer == "file" || self.answer == "video"
    }
}

fn grade_lines(i: I18n, v: &ExerciseView, s: &SubmissionView) -> Option<GradeLines> {
    let g = s.grade.as_ref()?;
    Some(GradeLines {
        score: pct(g.score),
        criteria: v
            .rubric
            .criteria
            .iter()
            .filter_map(|c| {
                g.scores.get(&c.id).map(|score| CriterionLine {
                    label: localised(i.locale, &c.label, &c.label_en).to_owned(),
                    score: format!("{score} / {}", c.scale_max),
                })
            })
            .collect(),
        comment: g.comment.clone(),
        reactivity: pct(g.reactivity_auto),
    })
}

fn state_line(i: I18n, s: &SubmissionView, tz: &jiff::tz::TimeZone) -> String {
    match (s.state.as_str(), s.sent_at) {
        ("sent", Some(at)) => {
            let key = if s.late { "exercise.sent_late" } else { "exercise.sent_on" };
            let mut line = i.tf1(key, "date", i.datetime(at, tz));
            if s.version > 1 {
                line.push_str(&format!(" · {}", i.tf1("exercise.version", "n", s.version)));
            }
            line
        }
        _ => i.t("exercise.draft_kept").to_owned(),
    }
}

fn exercise_page(
    ctx: &Ctx,
    course_title: &str,
    slug: &str,
    time_zone: &str,
    v: &ExerciseView,
    typed: Option<&Work>,
    access: crate::courses::Access,
) -> ExercisePage {
    let i = ctx.i18n();
    let tz = zone(time_zone);
    let s = v.submission.as_ref();
    let work = typed.cloned().or_else(|| s.map(|s| s.work.clone())).unwrap_or_default();
    let sections = match &v.answer {
        AnswerType::Form { form } => fields(i, form, &work.form, &BTreeMap::new(), &BTreeMap::new()),
        _ => vec![],
    };
    let form_answers = match &v.answer {
        AnswerType::Form { form } => form
            .questions()
            .filter_map(|q| {
                let answer = match work.form.get(&q.id)? {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Array(a) => a.iter().filter_map(|x| x.as_str()).collect::<Vec<_>>().join(", "),
                    other => other.to_string(),
                };
                Some((localised(i.locale, &q.label, &q.label_en).to_owned(), answer))
            })
            .collect(),
        _ => vec![],
    };
    let types = v.answer.file_types();
    let max_bytes = v.max_bytes.unwrap_or(0);
    let limits = if v.answer.takes_file() {
        i.tf(
            "apply.file_limits",
            &[
                ("types", &types.iter().map(|t| t.label()).collect::<Vec<_>>().join(", ")),
                ("size", &human_size(max_bytes, i.locale == Locale::Fr)),
            ],
        )
    } else {
        String::new()
    };
    let file = s
        .and_then(|s| s.file.as_ref())
        .map(|f| format!("{} ({})", f.name, human_size(f.bytes, i.locale == Locale::Fr)));
    let peer_scale = v.peer.as_ref().map(|p| (p.scale_min..=p.scale_max).collect()).unwrap_or_default();
    ExercisePage {
        page: PageCtx::new(ctx, localised(i.locale, &v.title, &v.title_en)),
        slug: slug.to_owned(),
        id: v.id,
        course_title: course_title.to_owned(),
        kind: kind_line(i, v.grouping, &v.answer),
        due: i.tf1("exercise.due", "date", i.datetime(v.due_at, &tz)),
        late_rule: late_line(i, v.late_policy, v.refused_after, &tz),
        timing: i.t(&format!("exercise.timing.{}", v.timing)).to_owned(),
        draft: v.status != "published",
        html: v.html.clone(),
        team: v.team.as_ref().map(|t| t.join(", ")),
        answer: v.answer.code().to_owned(),
        text: work.text.clone(),
        link: work.link.clone(),
        file,
        upload: work.upload.clone().unwrap_or_default(),
        accept: types.iter().map(|t| t.accept()).collect::<Vec<_>>().join(","),
        max_bytes,
        limits,
        sections,
        form_answers,
        state: s.map(|s| state_line(i, s, &tz)),
        can_send: v.can_send,
        can_draft: v.can_send && s.is_none_or(|s| s.state != "sent"),
        grade: s.and_then(|s| grade_lines(i, v, s)),
        teammates: v
            .peer
            .as_ref()
            .map(|p| {
                p.teammates
                    .iter()
                    .map(|t| TeammateLine { user_id: t.user_id, name: t.name.clone(), given: t.given })
                    .collect()
            })
            .unwrap_or_default(),
        peer_note: v
            .peer
            .as_ref()
            .map(|p| match p.score {
                Some(score) => i.tf(
                    "peer.your_score",
                    &[
                        ("score", &format!("{score:.1}")),
                        ("max", &p.scale_max.to_string()),
                        ("n", &p.received.to_string()),
                    ],
                ),
                None => i.tf1("peer.not_yet", "n", p.received),
            })
            .unwrap_or_default(),
        peer_help: v
            .peer
            .as_ref()
            .map(|p| i.tf("peer.help", &[("min", &p.scale_min.to_string()), ("max", &p.scale_max.to_string())]))
            .unwrap_or_default(),
        peer: v.peer.clone(),
        peer_scale,
        learner: access == crate::courses::Access::Learner,
        manager: access == crate::courses::Access::Manager,
        form: FormState::default(),
        done: None,
    }
}

#[derive(serde::Deserialize, Default)]
pub struct Done {
    fait: Option<String>,
}

fn done_key(d: &Done) -> Option<&'static str> {
    match d.fait.as_deref() {
        Some("brouillon") => Some("exercise.draft_saved"),
        Some("envoye") => Some("exercise.sent"),
        Some("notes") => Some("peer.saved"),
        Some("1") => Some("exercise.saved"),
        _ => None,
    }
}

/// `/cours/{slug}/exercices/{id}`
pub async fn show(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
    Query(d): Query<Done>,
) -> AppResult<Response> {
    let user = ctx.require_user()?;
    let (c, v) = exercises::get(&app, user, &slug, id, ctx.locale).await?;
    let title = localised(ctx.locale, &c.summary.title, &c.summary.title_en).to_owned();
    let mut page = exercise_page(&ctx, &title, &c.summary.slug, &c.time_zone, &v, None, c.access);
    page.done = done_key(&d);
    Ok(html(StatusCode::OK, page))
}

/// What the learner's form posted: the work, whether to send it, and a file sent with the
/// plain form (no JavaScript) as (name, bytes).
struct Posted {
    work: Work,
    send: bool,
    file: Option<(String, Bytes)>,
}

fn work_of(v: &ExerciseView, p: &[(String, String)]) -> Work {
    let upload = get(p, "file_upload");
    Work {
        text: get(p, "text"),
        link: get(p, "link"),
        upload: (!upload.trim().is_empty()).then(|| upload.trim().to_owned()),
        form: match &v.answer {
            AnswerType::Form { form } => answers_from(form, p),
            _ => Default::default(),
        },
    }
}

async fn read_posted(ctx: &Ctx, v: &ExerciseView, req: Request) -> AppResult<Posted> {
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|h| h.to_str().ok())
        .is_some_and(|t| t.starts_with("multipart/form-data"));
    if !multipart {
        let body = Bytes::from_request(req, &()).await.map_err(|_| AppError::BadRequest("body"))?;
        let p = pairs(&body);
        return Ok(Posted { work: work_of(v, &p), send: get(&p, "action") == "send", file: None });
    }
    let mut mp = Multipart::from_request(req, &()).await.map_err(|_| AppError::BadRequest("multipart"))?;
    let mut p = vec![];
    let mut file = None;
    let too_big = || AppError::field("upload", "error.work.plain_too_big");
    while let Some(field) = mp.next_field().await.map_err(|_| too_big())? {
        let name = field.name().unwrap_or("").to_owned();
        if name == "file" {
            let filename = field.file_name().unwrap_or("").to_owned();
            let bytes = field.bytes().await.map_err(|_| too_big())?;
            if !bytes.is_empty() {
                file = Some((filename, bytes));
            }
        } else {
            let value = field.text().await.map_err(|_| AppError::BadRequest("multipart"))?;
            p.push((name, value));
        }
    }
    // The CSRF token of a multipart form travels in the query (see the form's action).
    let _ = ctx;
    Ok(Posted { work: work_of(v, &p), send: get(&p, "action") == "send", file })
}

/// `POST /cours/{slug}/exercices/{id}`: saves the draft or sends the work.
pub async fn post(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
    req: Request,
) -> AppResult<Response> {
    let user = ctx.require_user()?;
    let (c, v) = exercises::get(&app, user, &slug, id, ctx.locale).await?;
    let mut posted = read_posted(&ctx, &v, req).await?;
    let stored = match posted.file.take() {
        Some((name, bytes)) => exercises::upload_whole(&app, user, &name, bytes).await.map(Some),
        None => Ok(None),
    };
    let result = match stored {
        Ok(Some(upload)) => {
            posted.work.upload = Some(upload);
            exercises::save(&app, user, &slug, id, &posted.work, posted.send).await
        }
        Ok(None) => exercises::save(&app, user, &slug, id, &posted.work, posted.send).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => {
            let done = if posted.send { "envoye" } else { "brouillon" };
            Ok(see_other(&format!("/cours/{slug}/exercices/{id}?fait={done}")))
        }
        Err(e @ (AppError::Invalid(_) | AppError::Answers(_) | AppError::Conflict { .. } | AppError::Refused(_))) => {
            // The form again, with what was written and why it was not taken.
            let (c2, v) = exercises::get(&app, user, &slug, id, ctx.locale).await?;
            let title = localised(ctx.locale, &c.summary.title, &c.summary.title_en).to_owned();
            let mut page =
                exercise_page(&ctx, &title, &c.summary.slug, &c2.time_zone, &v, Some(&posted.work), c2.access);
            page.form = FormState::from_error(ctx.i18n(), &e);
            if let AppError::Answers(m) = &e {
                if let Some(k) = m.values().next() {
                    page.form.summary = Some(ctx.i18n().t(k).to_owned());
                }
                let errors = m.iter().map(|(q, k)| (q.clone(), *k)).collect::<BTreeMap<_, _>>();
                if let AnswerType::Form { form } = &v.answer {
                    let errs: BTreeMap<String, crate::domain::form::AnswerError> = errors
                        .keys()
                        .filter_map(|q| {
                            form.check(&posted.work.form, posted.send)
                                .err()
                                .and_then(|mut all| all.remove(q).map(|e| (q.clone(), e)))
                        })
                        .collect();
                    page.sections = fields(ctx.i18n(), form, &posted.work.form, &errs, &BTreeMap::new());
                }
            }
            Ok(html(StatusCode::from_u16(e.status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY), page))
        }
        Err(e) => Err(e),
    }
}

/// `POST /cours/{slug}/exercices/{id}/equipe`: the learner's ratings of her teammates
/// (fields `r.<user id>`; an empty one is no rating).
pub async fn rate(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
    body: Bytes,
) -> AppResult<Response> {
    let user = ctx.require_user()?;
    let mut scores = BTreeMap::new();
    for (k, v) in pairs(&body) {
        let Some(who) = k.strip_prefix("r.") else { continue };
        if v.trim().is_empty() {
            continue;
        }
        let (Ok(who), Ok(score)) = (who.parse::<i64>(), v.trim().parse::<i32>()) else {
            return Err(AppError::field("scores", "error.peer.one_to_five"));
        };
        scores.insert(who, score);
    }
    exercises::rate(&app, user, &slug, id, &scores).await?;
    Ok(see_other(&format!("/cours/{slug}/exercices/{id}?fait=notes#pairs")))
}

/// `/cours/{slug}/exercices/{id}/fichier`: the file of the caller's work (or, for tutors
/// with `?copie=`, of any submission), with ranges for video.
#[derive(serde::Deserialize, Default)]
pub struct Which {
    copie: Option<i64>,
}

pub async fn file(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
    Query(w): Query<Which>,
    req: Request,
) -> AppResult<Response> {
    let user = ctx.require_user()?;
    let upload = match w.copie {
        Some(sid) => {
            let (_, g) = exercises::for_grading(&app, user, &slug, sid).await?;
            if g.exercise_id != id {
                return Err(AppError::NotFound);
            }
            g.submission.file.map(|f| f.upload)
        }
        None => {
            exercises::get(&app, user, &slug, id, ctx.locale).await?.1.submission.and_then(|s| s.file).map(|f| f.upload)
        }
    };
    let upload = upload.ok_or(AppError::NotFound)?;
    let file = crate::uploads::open_completed(&app, &upload).await?.ok_or(AppError::NotFound)?;
    let mut response = file.serve(&app, req.method(), req.headers()).await?;
    let disposition = format!("inline; filename=\"{}\"", file.row.filename.replace(['"', '\\'], "_"));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        response.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

// ---------------------------------------------------------------------------------------
// The manager's editor

#[derive(Template)]
#[template(path = "manage_exercise.html")]
struct Editor {
    page: PageCtx,
    slug: String,
    course_title: String,
    action: String,
    id: Option<i64>,
    v: ExerciseInput,
    form_json: String,
    rubric_json: String,
    time_zone: String,
    all_types: Vec<(&'static str, &'static str, bool)>,
    answer_types: Vec<(&'static str, &'static str)>,
    form: FormState,
    done: bool,
}

fn editor(
    ctx: &Ctx,
    slug: &str,
    course_title: &str,
    zone: &str,
    id: Option<i64>,
    module: i64,
    v: ExerciseInput,
) -> Editor {
    let i = ctx.i18n();
    let title = if v.title.is_empty() {
        i.t("exercise.new").to_owned()
    } else {
        i.tf1("exercise.edit_title", "title", &v.title)
    };
    Editor {
        page: PageCtx::new(ctx, &title),
        slug: slug.to_owned(),
        course_title: course_title.to_owned(),
        action: match id {
            Some(id) => format!("/gestion/cours/{slug}/exercices/{id}"),
            None => format!("/gestion/cours/{slug}/modules/{module}/exercice"),
        },
        id,
        form_json: v.form.as_ref().map(|f| serde_json::to_string_pretty(f).unwrap_or_default()).unwrap_or_default(),
        rubric_json: v.rubric.as_ref().map(|r| serde_json::to_string_pretty(r).unwrap_or_default()).unwrap_or_default(),
        time_zone: zone.to_owned(),
        answer_types: ["text", "file", "video", "link", "form"]
            .into_iter()
            .map(|a| (a, i.t(&format!("exercise.answer.{a}"))))
            .collect(),
        all_types: FileType::ALL
            .iter()
            .map(|t| (t.code(), t.label(), v.file_types.iter().any(|x| x == t.code())))
            .collect(),
        v,
        form: FormState::default(),
        done: false,
    }
}

/// What the editor sent. A number that does not read is kept out of range so that the
/// check refuses it on its field.
fn editor_input(p: &[(String, String)]) -> ExerciseInput {
    let number = |k: &str| {
        let s = get(p, k);
        if s.trim().is_empty() {
            None
        } else {
            Some(s.trim().parse::<i64>().unwrap_or(-1))
        }
    };
    let json = |k: &str| {
        let s = get(p, k);
        if s.trim().is_empty() {
            None
        } else {
            Some(serde_json::from_str(&s).unwrap_or(serde_json::Value::String(s)))
        }
    };
    ExerciseInput {
        title: get(p, "title"),
        title_en: get(p, "title_en"),
        instructions: get(p, "instructions"),
        instructions_en: get(p, "instructions_en"),
        grouping: get(p, "grouping"),
        team_min: number("team_min"),
        team_max: number("team_max"),
        answer: get(p, "answer"),
        file_types: p.iter().filter(|(k, _)| k == "file_types").map(|(_, v)| v.clone()).collect(),
        max_mb: number("max_mb"),
        form: json("form"),
        due_on: get(p, "due_on"),
        due_time: get(p, "due_time"),
        late_policy: get(p, "late_policy"),
        grace_hours: number("grace_hours"),
        rubric: json("rubric"),
        status: get(p, "status"),
    }
}

fn refused_editor(ctx: &Ctx, mut page: Editor, raw: &[(String, String)], e: AppError) -> AppResult<Response> {
    if !matches!(e, AppError::Invalid(_)) {
        return Err(e);
    }
    // The JSON areas as typed, even when they did not read.
    page.form_json = get(raw, "form");
    page.rubric_json = get(raw, "rubric");
    page.form = FormState::from_error(ctx.i18n(), &e);
    Ok(html(StatusCode::UNPROCESSABLE_ENTITY, page))
}

/// `/gestion/cours/{slug}/modules/{id}/exercice`: an empty editor.
pub async fn new_form(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, module)): Path<(String, i64)>,
) -> AppResult<Response> {
    let c = crate::courses::managed(&app, ctx.require_user()?, &slug).await?;
    let v = ExerciseInput {
        due_time: "23:59".into(),
        late_policy: "refuse".into(),
        grace_hours: Some(48),
        ..Default::default()
    };
    Ok(html(StatusCode::OK, editor(&ctx, &c.slug, &c.title, &c.time_zone, None, module, v)))
}

pub async fn create(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, module)): Path<(String, i64)>,
    body: Bytes,
) -> AppResult<Response> {
    let user = ctx.require_user()?;
    let p = pairs(&body);
    let input = editor_input(&p);
    match exercises::create(&app, user, &slug, module, &input).await {
        Ok(id) => Ok(see_other(&format!("/gestion/cours/{slug}/exercices/{id}?fait=1"))),
        Err(e) => {
            let c = crate::courses::managed(&app, user, &slug).await?;
            refused_editor(&ctx, editor(&ctx, &slug, &c.title, &c.time_zone, None, module, input), &p, e)
        }
    }
}

/// `/gestion/cours/{slug}/exercices/{id}`
pub async fn edit_form(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
    Query(d): Query<Done>,
) -> AppResult<Response> {
    let (c, e) = exercises::for_edit(&app, ctx.require_user()?, &slug, id).await?;
    let v = ExerciseInput::from_row(&e, &c.time_zone);
    let mut page = editor(&ctx, &c.slug, &c.title, &c.time_zone, Some(e.id), e.module_id, v);
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
    let (c, e) = exercises::for_edit(&app, user, &slug, id).await?;
    let p = pairs(&body);
    let input = editor_input(&p);
    match exercises::update(&app, user, &slug, id, &input).await {
        Ok(()) => Ok(see_other(&format!("/gestion/cours/{slug}/exercices/{id}?fait=1"))),
        Err(err) => {
            refused_editor(&ctx, editor(&ctx, &c.slug, &c.title, &c.time_zone, Some(id), e.module_id, input), &p, err)
        }
    }
}

pub async fn delete(State(app): State<App>, ctx: Ctx, Path((slug, id)): Path<(String, i64)>) -> AppResult<Response> {
    exercises::delete(&app, ctx.require_user()?, &slug, id).await?;
    Ok(see_other(&format!("/gestion/cours/{slug}?fait=supprime")))
}

// ---------------------------------------------------------------------------------------
// Tutors

pub struct SubmissionRowLine {
    pub id: i64,
    pub is_sent: bool,
    pub who: String,
    pub state: String,
    pub sent: String,
    pub late: bool,
    pub grade: String,
    pub released: bool,
}

fn submission_line(i: I18n, tz: &jiff::tz::TimeZone, l: &crate::store::exercises::SubmissionLine) -> SubmissionRowLine {
    let who = match l.team_number {
        Some(n) => format!("{} — {}", i.tf1("teams.team", "n", n), l.members),
        None => l.members.clone(),
    };
    SubmissionRowLine {
        id: l.id,
        is_sent: l.state == "sent",
        who,
        state: i.t(if l.state == "sent" { "exercise.state.sent" } else { "exercise.state.draft" }).to_owned(),
        sent: l.sent_at.map(|t| i.datetime(t, tz)).unwrap_or_default(),
        late: l.late == 1,
        grade: l.score_milli.map(|m| pct(exercises::percent(m))).unwrap_or_default(),
        released: l.released_at.is_some(),
    }
}

#[derive(Template)]
#[template(path = "manage_submissions.html")]
struct SubmissionsPage {
    page: PageCtx,
    slug: String,
    id: i64,
    course_title: String,
    lines: Vec<SubmissionRowLine>,
    to_release: usize,
    peer: Vec<exercises::PeerLine>,
    team: bool,
    done: Option<String>,
}

#[derive(serde::Deserialize, Default)]
pub struct Released {
    publiees: Option<u64>,
}

/// `/gestion/cours/{slug}/exercices/{id}/copies`
pub async fn submissions(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
    Query(r): Query<Released>,
) -> AppResult<Response> {
    let user = ctx.require_user()?;
    let i = ctx.i18n();
    let (c, e, lines) = exercises::submissions(&app, user, &slug, id).await?;
    let tz = zone(&c.time_zone);
    let team = exercises::parsed(&e).grouping != Grouping::Individual;
    let peer = if team { exercises::peer_results(&app, user, &slug, id).await? } else { vec![] };
    let page = SubmissionsPage {
        page: PageCtx::new(&ctx, &i.tf1("grading.submissions_of", "title", &e.title)),
        slug: c.slug.clone(),
        id: e.id,
        course_title: c.title.clone(),
        to_release: lines.iter().filter(|l| l.score_milli.is_some() && l.released_at.is_none()).count(),
        lines: lines.iter().map(|l| submission_line(i, &tz, l)).collect(),
        peer,
        team,
        done: r.publiees.map(|n| i.tf1("grading.released_n", "n", n)),
    };
    Ok(html(StatusCode::OK, page))
}

/// `POST /gestion/cours/{slug}/exercices/{id}/publier-notes`
pub async fn release(State(app): State<App>, ctx: Ctx, Path((slug, id)): Path<(String, i64)>) -> AppResult<Response> {
    let n = exercises::release(&app, ctx.require_user()?, &slug, id).await?;
    Ok(see_other(&format!("/gestion/cours/{slug}/exercices/{id}/copies?publiees={n}")))
}

pub struct QueueLine {
    pub id: i64,
    pub exercise: String,
    pub who: String,
    pub sent: String,
    pub late: bool,
}

#[derive(Template)]
#[template(path = "grading_queue.html")]
struct QueuePage {
    page: PageCtx,
    slug: String,
    course_title: String,
    lines: Vec<QueueLine>,
}

/// `/gestion/cours/{slug}/corrections`: work waiting for a grade, oldest first.
pub async fn queue(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>) -> AppResult<Response> {
    let user = ctx.require_user()?;
    let i = ctx.i18n();
    let (c, lines) = exercises::queue(&app, user, &slug).await?;
    let tz = zone(&c.time_zone);
    let page = QueuePage {
        page: PageCtx::new(&ctx, i.t("grading.queue")),
        slug: c.slug.clone(),
        course_title: c.title.clone(),
        lines: lines
            .iter()
            .map(|(l, title)| {
                let s = submission_line(i, &tz, l);
                QueueLine { id: l.id, exercise: title.clone(), who: s.who, sent: s.sent, late: s.late }
            })
            .collect(),
    };
    Ok(html(StatusCode::OK, page))
}

pub struct CriterionInput {
    pub id: String,
    pub label: String,
    pub description: String,
    pub min: i32,
    pub max: i32,
    pub value: String,
    pub required: bool,
    pub error: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "grade.html")]
struct GradePage {
    page: PageCtx,
    slug: String,
    course_title: String,
    g: ForGrading,
    sent: String,
    /// The text answer, paragraph by paragraph.
    paragraphs: Vec<String>,
    link: String,
    file: Option<String>,
    video: bool,
    form_answers: Vec<(String, String)>,
    criteria: Vec<CriterionInput>,
    comment: String,
    auto: String,
    form: FormState,
    done: bool,
}

fn grade_page(ctx: &Ctx, c: &crate::store::courses::CourseRow, g: ForGrading, typed: Option<&GradeInput>) -> GradePage {
    let i = ctx.i18n();
    let tz = zone(&c.time_zone);
    let s = &g.submission;
    let scores =
        typed.map(|t| t.scores.clone()).or_else(|| s.grade.as_ref().map(|g| g.scores.clone())).unwrap_or_default();
    let criteria = g
        .rubric
        .criteria
        .iter()
        .map(|cr| CriterionInput {
            id: cr.id.clone(),
            label: localised(i.locale, &cr.label, &cr.label_en).to_owned(),
            description: localised(i.locale, &cr.description, &cr.description_en).to_owned(),
            min: cr.scale_min,
            max: cr.scale_max,
            value: scores
                .get(&cr.id)
                .map(|v| v.to_string())
                .or_else(|| (cr.id == "reactivity").then(|| g.reactivity_suggested.map(|x| x.to_string())).flatten())
                .unwrap_or_default(),
            required: cr.required,
            error: None,
        })
        .collect();
    let form_answers = s
        .work
        .form
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                match v {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                },
            )
        })
        .collect();
    GradePage {
        page: PageCtx::new(ctx, &i.tf1("grading.title", "who", s.members.join(", "))),
        slug: c.slug.clone(),
        course_title: c.title.clone(),
        sent: state_line(i, s, &tz),
        paragraphs: s.work.text.split("\n\n").map(|p| p.trim().to_owned()).filter(|p| !p.is_empty()).collect(),
        link: s.work.link.clone(),
        file: s.file.as_ref().map(|f| format!("{} ({})", f.name, human_size(f.bytes, i.locale == Locale::Fr))),
        video: s.file.as_ref().is_some_and(|f| f.file_type == "mp4"),
        form_answers,
        criteria,
        comment: typed
            .map(|t| t.comment.clone())
            .or_else(|| s.grade.as_ref().map(|g| g.comment.clone()))
            .unwrap_or_default(),
        auto: g
            .reactivity_auto
            .map(|a| {
                i.tf(
                    "grading.auto",
                    &[
                        ("percent", &pct(a)),
                        ("suggested", &g.reactivity_suggested.map(|x| x.to_string()).unwrap_or_default()),
                    ],
                )
            })
            .unwrap_or_default(),
        g,
        form: FormState::default(),
        done: false,
    }
}

/// `/gestion/cours/{slug}/corrections/{id}`
pub async fn grade_form(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
    Query(d): Query<Done>,
) -> AppResult<Response> {
    let user = ctx.require_user()?;
    let (c, g) = exercises::for_grading(&app, user, &slug, id).await?;
    let mut page = grade_page(&ctx, &c, g, None);
    page.done = d.fait.is_some();
    Ok(html(StatusCode::OK, page))
}

pub async fn grade(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
    body: Bytes,
) -> AppResult<Response> {
    let user = ctx.require_user()?;
    let p = pairs(&body);
    let mut input = GradeInput { comment: get(&p, "comment"), ..Default::default() };
    let mut unreadable = BTreeMap::new();
    for (k, v) in &p {
        let Some(criterion) = k.strip_prefix("s.") else { continue };
        if v.trim().is_empty() {
            continue;
        }
        match v.trim().parse::<i32>() {
            Ok(n) => drop(input.scores.insert(criterion.to_owned(), n)),
            Err(_) => drop(unreadable.insert(criterion.to_owned(), "error.review.out_of_scale")),
        }
    }
    let result = if !unreadable.is_empty() {
        Err(AppError::Answers(unreadable))
    } else {
        exercises::grade(&app, user, &slug, id, &input).await
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/gestion/cours/{slug}/corrections/{id}?fait=1"))),
        Err(e @ (AppError::Invalid(_) | AppError::Answers(_) | AppError::Conflict { .. })) => {
            let (c, g) = exercises::for_grading(&app, user, &slug, id).await?;
            let mut page = grade_page(&ctx, &c, g, Some(&input));
            page.form = FormState::from_error(ctx.i18n(), &e);
            if let AppError::Answers(m) = &e {
                for c in &mut page.criteria {
                    c.error = m.get(&c.id).map(|k| ctx.i18n().t(k));
                }
                if let Some(k) = m.values().next() {
                    page.form.summary = Some(ctx.i18n().t(k).to_owned());
                }
            }
            Ok(html(StatusCode::from_u16(e.status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY), page))
        }
        Err(e) => Err(e),
    }
}
