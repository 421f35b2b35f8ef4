//! The learner's side of a course: "my courses", a course's outline week by week (which
//! modules are open, when the others open, in the course's zone) and one lesson at a time.
//! Light pages: text, a few links, no image beyond those a lesson's body links to.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::{html, see_other, PageCtx};
use crate::app::App;
use crate::courses::{self, localised, Access, CourseView, LessonView};
use crate::domain::time::TimeZoneName;
use crate::error::AppResult;
use crate::exercises::Sent;
use crate::i18n::I18n;
use crate::quizzes::Progress;
use crate::quizzes::QuizItem;
use crate::store::courses::CourseRow;
use crate::web::context::Ctx;

pub struct CourseLink {
    pub slug: String,
    pub title: String,
    pub programme: String,
    pub draft: bool,
}

fn link(i: I18n, c: &CourseRow) -> CourseLink {
    CourseLink {
        slug: c.slug.clone(),
        title: localised(i.locale, &c.title, &c.title_en).to_owned(),
        programme: c.programme_title.clone(),
        draft: !c.is_published(),
    }
}

#[derive(Template)]
#[template(path = "courses.html")]
struct MyCourses {
    page: PageCtx,
    mine: Vec<CourseLink>,
    to_join: Vec<CourseLink>,
}

/// `/cours`
pub async fn mine(State(app): State<App>, ctx: Ctx) -> AppResult<Response> {
    let user = ctx.require_user()?;
    let i = ctx.i18n();
    let mine = courses::mine(&app, user).await?.iter().map(|c| link(i, c)).collect();
    let to_join = courses::to_join(&app, user).await?.iter().map(|c| link(i, c)).collect();
    Ok(html(StatusCode::OK, MyCourses { page: PageCtx::new(&ctx, i.t("course.mine")), mine, to_join }))
}

pub struct LessonLine {
    pub id: i64,
    pub title: String,
    pub draft: bool,
}

pub struct QuizLine {
    pub id: i64,
    pub title: String,
    /// "Meilleur score : 80 % · 2 tentatives restantes", empty before any attempt.
    pub progress: String,
    pub draft: bool,
}

pub struct ExerciseLine {
    pub id: i64,
    pub title: String,
    /// "À rendre le … · envoyé", for the learner.
    pub progress: String,
    pub draft: bool,
}

pub struct ModuleLine {
    pub title: String,
    pub summary: String,
    pub open: bool,
    /// "Ouvert depuis le 3 octobre 2016 à 00:00 GMT" or "Ouvre le …".
    pub when: String,
    pub lessons: Vec<LessonLine>,
    pub quizzes: Vec<QuizLine>,
    pub exercises: Vec<ExerciseLine>,
}

#[derive(Template)]
#[template(path = "course.html")]
struct CoursePage {
    page: PageCtx,
    slug: String,
    programme: String,
    zone_note: String,
    manager: bool,
    visitor: bool,
    learner: bool,
    sees_everything: bool,
    draft: bool,
    modules: Vec<ModuleLine>,
    /// For a learner: her team, and where she stands for the certificate.
    team: Option<crate::teams::Team>,
    certificate: Option<crate::certificates::Standing>,
}

fn quiz_line(i: I18n, q: &QuizItem) -> QuizLine {
    let best = q.best_score.map(|b| i.tf1("quiz.best", "score", format!("{} %", b.round()))).unwrap_or_default();
    let left = q.attempts_left.map(|n| i.tf1("quiz.left", "n", n)).unwrap_or_default();
    QuizLine {
        id: q.id,
        title: localised(i.locale, &q.title, &q.title_en).to_owned(),
        progress: [best, left].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" · "),
        draft: q.status != "published",
    }
}

fn exercise_line(i: I18n, e: &crate::exercises::ExerciseItem, tz: &jiff::tz::TimeZone) -> ExerciseLine {
    let mut progress = i.tf1("exercise.due", "date", i.datetime(e.due_at, tz));
    if e.state != "none" {
        progress.push_str(" · ");
        progress.push_str(i.t(&format!("exercise.state.{}", e.state)));
    }
    ExerciseLine {
        id: e.id,
        title: localised(i.locale, &e.title, &e.title_en).to_owned(),
        progress,
        draft: e.status != "published",
    }
}

fn module_lines(
    i: I18n,
    v: &CourseView,
    quizzes: &[QuizItem],
    exercises: &[crate::exercises::ExerciseItem],
) -> Vec<ModuleLine> {
    let tz = TimeZoneName::parse(&v.time_zone).unwrap_or_else(TimeZoneName::utc).zone();
    v.modules
        .iter()
        .map(|m| {
            let at = i.datetime(m.opens_at, &tz);
            ModuleLine {
                title: i.tf(
                    "course.module_title",
                    &[("n", &m.position.to_string()), ("title", localised(i.locale, &m.title, &m.title_en))],
                ),
                summary: localised(i.locale, &m.summary, &m.summary_en).to_owned(),
                open: m.open,
                when: i.tf1(if m.open { "course.opened" } else { "course.opens" }, "date", at),
                lessons: m
                    .lessons
                    .iter()
                    .map(|l| LessonLine {
                        id: l.id,
                        title: localised(i.locale, &l.title, &l.title_en).to_owned(),
                        draft: l.status != "published",
                    })
                    .collect(),
                quizzes: quizzes.iter().filter(|q| q.module_id == m.id).map(|q| quiz_line(i, q)).collect(),
                exercises: exercises.iter().filter(|e| e.module_id == m.id).map(|e| exercise_line(i, e, &tz)).collect(),
            }
        })
        .collect()
}

/// `/cours/{slug}`
pub async fn show(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>) -> AppResult<Response> {
    let user = ctx.require_user()?;
    let i = ctx.i18n();
    // The course is read once and handed to the parts of the page (the team and the
    // standing used to read it again each: queries per page bound the throughput).
    // Its structure comes from memory (`courses::content`); what is hers, from her attempts
    // and her work, each read once for the outline and the certificate standing alike, and
    // only what the course has (an open course often has no exercise and no team).
    let (c, v, content) = courses::outline_and_course(&app, user, &slug).await?;
    let learner = v.access == Access::Learner;
    let (progress, work) = if learner {
        (Progress::of(&app, &content, c.id, user.id).await?, Sent::of(&app, &content, c.id, user.id).await?)
    } else {
        Default::default()
    };
    let quizzes = crate::quizzes::items(&content, &v, &progress);
    let exercises = crate::exercises::items(&content, &v, &work);
    let title = localised(i.locale, &v.summary.title, &v.summary.title_en).to_owned();
    let (team, certificate) = if learner {
        (
            if content.has_teams { crate::teams::mine_in(&app, &c, user).await? } else { None },
            Some(crate::certificates::standing_from(&app, &c, &content, &progress, &work, user).await?),
        )
    } else {
        (None, None)
    };
    Ok(html(
        StatusCode::OK,
        CoursePage {
            page: PageCtx::new(&ctx, &title),
            slug: v.summary.slug.clone(),
            programme: v.summary.programme_title.clone(),
            zone_note: i.tf1("course.zone_note", "zone", &v.time_zone),
            manager: v.access == Access::Manager,
            visitor: v.access == Access::Visitor,
            sees_everything: v.access.sees_everything(),
            draft: v.summary.status != "published",
            modules: module_lines(i, &v, &quizzes, &exercises),
            learner: v.access == Access::Learner,
            team,
            certificate,
        },
    ))
}

/// `POST /cours/{slug}/inscription`: self-enrolment in an open course.
pub async fn enrol(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>) -> AppResult<Response> {
    courses::enrol(&app, ctx.require_user()?, &slug).await?;
    Ok(see_other(&format!("/cours/{slug}")))
}

#[derive(Template)]
#[template(path = "lesson.html")]
struct LessonPage {
    page: PageCtx,
    slug: String,
    course_title: String,
    module_title: String,
    draft: bool,
    body: String,
    previous: Option<(i64, String)>,
    next: Option<(i64, String)>,
}

fn neighbour(i: I18n, l: &Option<crate::courses::LessonLink>) -> Option<(i64, String)> {
    l.as_ref().map(|l| (l.id, localised(i.locale, &l.title, &l.title_en).to_owned()))
}

/// `/cours/{slug}/lecons/{id}`
pub async fn lesson(State(app): State<App>, ctx: Ctx, Path((slug, id)): Path<(String, i64)>) -> AppResult<Response> {
    let user = ctx.require_user()?;
    let i = ctx.i18n();
    let (v, l): (CourseView, LessonView) = courses::lesson(&app, user, &slug, id, i.locale).await?;
    Ok(html(
        StatusCode::OK,
        LessonPage {
            page: PageCtx::new(&ctx, localised(i.locale, &l.title, &l.title_en)),
            slug: v.summary.slug.clone(),
            course_title: localised(i.locale, &v.summary.title, &v.summary.title_en).to_owned(),
            module_title: localised(i.locale, &l.module_title, &l.module_title_en).to_owned(),
            draft: l.status != "published",
            body: l.html.clone(),
            previous: neighbour(i, &l.previous),
            next: neighbour(i, &l.next),
        },
    ))
}

/// The offline reading script, for the course and lesson pages.
fn offline_script() -> String {
    crate::web::assets::offline_url()
}

impl CoursePage {
    fn offline_script(&self) -> String {
        offline_script()
    }
}

impl LessonPage {
    fn offline_script(&self) -> String {
        offline_script()
    }
}
