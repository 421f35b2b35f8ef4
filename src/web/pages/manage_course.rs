//! The manager's side of a course (`/gestion/cours/{slug}`): the course's settings and
//! publication, its modules (dates, order) and lessons, one lesson's editor, and the copy
//! onto another phase. Every form posts, and on a mistake the page comes back with what was
//! typed and the message beside the field.

use std::collections::HashMap;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use jiff::ToSpan;

use super::form::{get, pairs};
use super::{html, see_other, FormState, PageCtx};
use crate::app::App;
use crate::courses::{self, CopyInput, CourseInput, LessonInput, ModuleInput};
use crate::domain::time::OFFERED_ZONES;
use crate::error::{AppError, AppResult};
use crate::store::courses::{self as store, CourseRow, LessonHead};
use crate::store::quizzes::QuizRow;
use crate::web::context::Ctx;

pub struct ModuleBox {
    pub id: i64,
    pub v: ModuleInput,
    pub form: FormState,
    pub lessons: Vec<LessonHead>,
    pub quizzes: Vec<QuizRow>,
    pub exercises: Vec<crate::store::exercises::ExerciseRow>,
    pub new_lesson: LessonInput,
    pub lesson_form: FormState,
}

/// Which form of the page a failed post came from, with what was typed.
enum Failed {
    Course(CourseInput),
    NewModule(ModuleInput),
    Module(i64, ModuleInput),
    NewLesson(i64, LessonInput),
    Copy(CopyInput),
    Tutor(String),
}

#[derive(Template)]
#[template(path = "manage_course.html")]
struct ManagePage {
    page: PageCtx,
    c: CourseRow,
    v: CourseInput,
    form: FormState,
    zones: Vec<String>,
    modules: Vec<ModuleBox>,
    new_module: ModuleInput,
    new_form: FormState,
    /// Phases of the same programme without a course: (id, title).
    phases: Vec<(i64, String)>,
    copy: CopyInput,
    copy_form: FormState,
    tutors: Vec<courses::Tutor>,
    tutor_email: String,
    tutor_form: FormState,
    done: Option<&'static str>,
}

impl ManagePage {
    fn kind_label(&self, kind: &str) -> &'static str {
        self.page.i.t(&format!("course.kind.{kind}"))
    }
}

async fn page(app: &App, ctx: &Ctx, slug: &str, failed: Option<(Failed, &AppError)>) -> AppResult<ManagePage> {
    let i = ctx.i18n();
    let user = ctx.require_user()?;
    let (c, access) = courses::access(app, user, slug).await?;
    if access != courses::Access::Manager {
        return Err(AppError::Forbidden);
    }
    let (rows, lessons) = store::outline(&app.db, c.id).await?;
    let quizzes = crate::store::quizzes::of_course(&app.db, c.id).await?;
    let exercises = crate::store::exercises::of_course(&app.db, c.id).await?;
    let mut modules: Vec<ModuleBox> = rows
        .iter()
        .map(|m| ModuleBox {
            id: m.id,
            v: ModuleInput::from_row(m),
            form: FormState::default(),
            lessons: lessons.iter().filter(|l| l.module_id == m.id).cloned().collect(),
            quizzes: quizzes.iter().filter(|q| q.module_id == m.id).cloned().collect(),
            exercises: exercises.iter().filter(|e| e.module_id == m.id).cloned().collect(),
            new_lesson: LessonInput::default(),
            lesson_form: FormState::default(),
        })
        .collect();
    // A new module opens a week after the last one by default.
    let next_date = rows
        .last()
        .and_then(|m| m.opens_on.parse::<jiff::civil::Date>().ok())
        .and_then(|d| d.checked_add(7.days()).ok())
        .map(|d| d.to_string())
        .unwrap_or_default();
    let mut zones: Vec<String> = OFFERED_ZONES.iter().map(|z| (*z).to_owned()).collect();
    if !zones.contains(&c.time_zone) {
        zones.insert(0, c.time_zone.clone());
    }
    let courses_here: HashMap<i64, String> = store::of_programme(&app.db, c.programme_id).await?.into_iter().collect();
    let phases = crate::store::programmes::phases(&app.db, c.programme_id)
        .await?
        .into_iter()
        .filter(|ph| !courses_here.contains_key(&ph.id))
        .map(|ph| (ph.id, ph.title))
        .collect();
    let mut p = ManagePage {
        page: PageCtx::new(ctx, &i.tf1("course.manage_title", "title", &c.title)),
        v: CourseInput::from_row(&c),
        form: FormState::default(),
        zones,
        modules: vec![],
        new_module: ModuleInput { opens_on: next_date, opens_time: "00:00".into(), ..Default::default() },
        new_form: FormState::default(),
        phases,
        copy: CopyInput::default(),
        copy_form: FormState::default(),
        tutors: store::tutors(&app.db, c.id)
            .await?
            .into_iter()
            .map(|(user_id, name, email)| courses::Tutor { user_id, name, email })
            .collect(),
        tutor_email: String::new(),
        tutor_form: FormState::default(),
        done: None,
        c,
    };
    if let Some((failed, e)) = failed {
        let state = FormState::from_error(i, e);
        match failed {
            Failed::Course(v) => (p.v, p.form) = (v, state),
            Failed::NewModule(v) => (p.new_module, p.new_form) = (v, state),
            Failed::Copy(v) => (p.copy, p.copy_form) = (v, state),
            Failed::Tutor(email) => (p.tutor_email, p.tutor_form) = (email, state),
            Failed::Module(id, v) => {
                if let Some(m) = modules.iter_mut().find(|m| m.id == id) {
                    (m.v, m.form) = (v, state);
                }
            }
            Failed::NewLesson(id, v) => {
                if let Some(m) = modules.iter_mut().find(|m| m.id == id) {
                    (m.new_lesson, m.lesson_form) = (v, state);
                }
            }
        }
    }
    p.modules = modules;
    Ok(p)
}

fn is_form_error(e: &AppError) -> bool {
    matches!(e, AppError::Invalid(_) | AppError::Conflict { .. })
}

/// After a post: back to the page with a message, or the page again with the mistake.
async fn answer(
    app: &App,
    ctx: &Ctx,
    slug: &str,
    result: AppResult<()>,
    failed: Failed,
    done: &str,
) -> AppResult<Response> {
    match result {
        Ok(()) => Ok(see_other(&format!("/gestion/cours/{slug}?fait={done}"))),
        Err(e) if is_form_error(&e) => {
            let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            Ok(html(status, page(app, ctx, slug, Some((failed, &e))).await?))
        }
        Err(e) => Err(e),
    }
}

#[derive(serde::Deserialize, Default)]
pub struct Done {
    fait: Option<String>,
}

/// `/gestion/cours/{slug}`
pub async fn show(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    axum::extract::Query(d): axum::extract::Query<Done>,
) -> AppResult<Response> {
    let mut p = page(&app, &ctx, &slug, None).await?;
    p.done = d.fait.as_deref().map(|f| if f == "tuteur" { "course.tutor_added" } else { "course.saved" });
    Ok(html(StatusCode::OK, p))
}

fn course_input(p: &[(String, String)]) -> CourseInput {
    CourseInput {
        slug: String::new(),
        title: get(p, "title"),
        title_en: get(p, "title_en"),
        mode: get(p, "mode"),
        status: get(p, "status"),
        time_zone: get(p, "time_zone"),
    }
}

pub async fn update(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>, body: Bytes) -> AppResult<Response> {
    let input = course_input(&pairs(&body));
    let r = courses::update(&app, ctx.require_user()?, &slug, &input).await.map(|_| ());
    answer(&app, &ctx, &slug, r, Failed::Course(input), "cours").await
}

/// One click to publish or unpublish, the other settings kept.
pub async fn set_status(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    body: Bytes,
) -> AppResult<Response> {
    let user = ctx.require_user()?;
    let c = courses::find(&app, &slug).await?;
    let mut input = CourseInput::from_row(&c);
    input.status = get(&pairs(&body), "status");
    let r = courses::update(&app, user, &slug, &input).await.map(|_| ());
    answer(&app, &ctx, &slug, r, Failed::Course(input), "statut").await
}

fn module_input(p: &[(String, String)]) -> ModuleInput {
    ModuleInput {
        title: get(p, "title"),
        title_en: get(p, "title_en"),
        summary: get(p, "summary"),
        summary_en: get(p, "summary_en"),
        opens_on: get(p, "opens_on"),
        opens_time: get(p, "opens_time"),
        position: None,
    }
}

pub async fn add_module(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    body: Bytes,
) -> AppResult<Response> {
    let input = module_input(&pairs(&body));
    let r = courses::add_module(&app, ctx.require_user()?, &slug, &input).await.map(|_| ());
    answer(&app, &ctx, &slug, r, Failed::NewModule(input), "module").await
}

pub async fn update_module(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
    body: Bytes,
) -> AppResult<Response> {
    let input = module_input(&pairs(&body));
    let r = courses::update_module(&app, ctx.require_user()?, &slug, id, &input).await;
    answer(&app, &ctx, &slug, r, Failed::Module(id, input), "module").await
}

fn direction(body: &Bytes) -> i64 {
    if get(&pairs(body), "direction") == "up" {
        -1
    } else {
        1
    }
}

pub async fn move_module(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
    body: Bytes,
) -> AppResult<Response> {
    let user = ctx.require_user()?;
    let r = courses::shift_module(&app, user, &slug, id, direction(&body)).await;
    // A move that would put dates out of order is explained on the module's own form.
    let typed = store::modules(&app.db, courses::find(&app, &slug).await.map(|c| c.id).unwrap_or(0))
        .await?
        .iter()
        .find(|m| m.id == id)
        .map(ModuleInput::from_row)
        .unwrap_or_default();
    answer(&app, &ctx, &slug, r, Failed::Module(id, typed), "module").await
}

pub async fn delete_module(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
) -> AppResult<Response> {
    let r = courses::delete_module(&app, ctx.require_user()?, &slug, id).await;
    answer(&app, &ctx, &slug, r, Failed::Module(id, ModuleInput::default()), "supprime").await
}

pub async fn add_lesson(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, module)): Path<(String, i64)>,
    body: Bytes,
) -> AppResult<Response> {
    let p = pairs(&body);
    let input = LessonInput { title: get(&p, "title"), kind: get(&p, "kind"), ..Default::default() };
    match courses::add_lesson(&app, ctx.require_user()?, &slug, module, &input).await {
        Ok(id) => Ok(see_other(&format!("/gestion/cours/{slug}/lecons/{id}"))),
        Err(e) => answer(&app, &ctx, &slug, Err(e), Failed::NewLesson(module, input), "lecon").await,
    }
}

pub async fn move_lesson(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
    body: Bytes,
) -> AppResult<Response> {
    courses::shift_lesson(&app, ctx.require_user()?, &slug, id, direction(&body)).await?;
    Ok(see_other(&format!("/gestion/cours/{slug}?fait=lecon")))
}

pub async fn delete_lesson(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
) -> AppResult<Response> {
    let user = ctx.require_user()?;
    let (_, l) = courses::lesson_for_edit(&app, user, &slug, id).await?;
    courses::delete_lesson(&app, user, &slug, l.module_id, id).await?;
    Ok(see_other(&format!("/gestion/cours/{slug}?fait=supprime")))
}

pub async fn copy(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>, body: Bytes) -> AppResult<Response> {
    let p = pairs(&body);
    let input = CopyInput {
        phase: get(&p, "phase").parse().unwrap_or(0),
        slug: get(&p, "slug"),
        first_week: get(&p, "first_week"),
    };
    match courses::copy(&app, ctx.require_user()?, &slug, &input).await {
        Ok(c) => Ok(see_other(&format!("/gestion/cours/{}?fait=copie", c.slug))),
        Err(e) => answer(&app, &ctx, &slug, Err(e), Failed::Copy(input), "copie").await,
    }
}

/// `POST /gestion/programmes/{slug}/etapes/{id}/cours`: the course of a phase, created with
/// defaults (the phase's title, cohort, draft) and then edited on its own page.
pub async fn create(
    State(app): State<App>,
    ctx: Ctx,
    Path((programme, phase)): Path<(String, i64)>,
) -> AppResult<Response> {
    let c = courses::create(&app, ctx.require_user()?, &programme, phase, &CourseInput::default()).await?;
    Ok(see_other(&format!("/gestion/cours/{}?fait=cree", c.slug)))
}

#[derive(Template)]
#[template(path = "manage_lesson.html")]
struct LessonEditor {
    page: PageCtx,
    slug: String,
    course_title: String,
    id: i64,
    v: LessonInput,
    form: FormState,
}

async fn editor(app: &App, ctx: &Ctx, slug: &str, id: i64) -> AppResult<LessonEditor> {
    let (c, l) = courses::lesson_for_edit(app, ctx.require_user()?, slug, id).await?;
    Ok(LessonEditor {
        page: PageCtx::new(ctx, &ctx.i18n().tf1("course.lesson_edit", "title", &l.title)),
        slug: c.slug,
        course_title: c.title,
        id: l.id,
        v: LessonInput::from_row(&l),
        form: FormState::default(),
    })
}

/// `/gestion/cours/{slug}/lecons/{id}`
pub async fn lesson_form(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
) -> AppResult<Response> {
    Ok(html(StatusCode::OK, editor(&app, &ctx, &slug, id).await?))
}

pub async fn save_lesson(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
    body: Bytes,
) -> AppResult<Response> {
    let user = ctx.require_user()?;
    let p = pairs(&body);
    let (_, l) = courses::lesson_for_edit(&app, user, &slug, id).await?;
    let input = LessonInput {
        title: get(&p, "title"),
        title_en: get(&p, "title_en"),
        kind: get(&p, "kind"),
        // Bodies keep their leading spaces (Markdown code, nested lists).
        body: p.iter().find(|(k, _)| k == "body").map(|(_, v)| v.clone()).unwrap_or_default(),
        body_en: p.iter().find(|(k, _)| k == "body_en").map(|(_, v)| v.clone()).unwrap_or_default(),
        status: get(&p, "status"),
        position: None,
    };
    match courses::update_lesson(&app, user, &slug, l.module_id, id, &input).await {
        Ok(()) => Ok(see_other(&format!("/gestion/cours/{slug}?fait=lecon"))),
        Err(e) if is_form_error(&e) => {
            let mut shown = editor(&app, &ctx, &slug, id).await?;
            shown.v = input;
            shown.form = FormState::from_error(ctx.i18n(), &e);
            Ok(html(StatusCode::from_u16(e.status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY), shown))
        }
        Err(e) => Err(e),
    }
}

/// `POST /gestion/cours/{slug}/tuteurs`: someone with an account becomes a tutor.
pub async fn add_tutor(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>, body: Bytes) -> AppResult<Response> {
    let email = get(&pairs(&body), "email");
    let r = courses::add_tutor(&app, ctx.require_user()?, &slug, &email).await.map(|_| ());
    answer(&app, &ctx, &slug, r, Failed::Tutor(email), "tuteur").await
}

/// `POST /gestion/cours/{slug}/tuteurs/{id}/retirer`
pub async fn remove_tutor(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
) -> AppResult<Response> {
    courses::remove_tutor(&app, ctx.require_user()?, &slug, id).await?;
    Ok(see_other(&format!("/gestion/cours/{slug}?fait=tuteur-retire#tutors-h")))
}
