//! Course use cases: a programme's managers build the course of a phase (modules that open
//! week by week, lessons in Markdown), publish it, copy it onto a later edition; learners
//! read it. The cohort of a cohort course is the phase's participants (read from
//! `phase_participants`, never copied); an open course (MOOC form) is joined by enrolling.
//! The rules of the structure live in `domain::course`; this module loads, checks who may
//! do what, and writes in one transaction.

use jiff::civil::{Date, Time};
use std::sync::Arc;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::app::App;
use crate::domain::course::{self as domain, Course, CourseError, CourseMode, Module, Status};
use crate::domain::locale::Locale;
use crate::domain::markdown;
use crate::domain::role::{can_manage_programme, ProgrammeRole};
use crate::domain::slug::Slug;
use crate::domain::time::TimeZoneName;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::programmes::{global_role, line, rich};
use crate::store::accounts::UserRow;
use crate::store::courses::{
    self as store, CourseFields, CourseRow, LessonFields, LessonHead, ModuleFields, ModuleRow,
};

/// What the viewer is to a course; decides what she sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// Manages the programme: sees and edits everything, drafts included.
    Manager,
    /// Tutors the course: sees everything, edits nothing.
    Tutor,
    /// Follows the course: published lessons of open modules.
    Learner,
    /// Signed in, not enrolled in a published open course: the outline and the way in.
    Visitor,
}

impl Access {
    /// Sees drafts and modules not yet open.
    pub fn sees_everything(self) -> bool {
        matches!(self, Access::Manager | Access::Tutor)
    }
}

/// Why a lesson is not shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// A draft, for a learner: as if it did not exist.
    Hidden,
    /// Its module opens later.
    NotYetOpen,
    /// An open course's lesson, for someone who has not enrolled.
    NotEnrolled,
}

impl Refusal {
    pub fn error(self) -> AppError {
        match self {
            Refusal::Hidden => AppError::NotFound,
            Refusal::NotYetOpen => AppError::Refused("error.course.module_not_open"),
            Refusal::NotEnrolled => AppError::Refused("error.course.enrol_first"),
        }
    }
}

/// Whether the viewer may read a lesson: managers and tutors always; learners a published
/// lesson of a module already open; visitors nothing before enrolling.
pub fn may_read(access: Access, module_open: bool, published: bool) -> Result<(), Refusal> {
    if access.sees_everything() {
        return Ok(());
    }
    if !published {
        return Err(Refusal::Hidden);
    }
    if access == Access::Visitor {
        return Err(Refusal::NotEnrolled);
    }
    if !module_open {
        return Err(Refusal::NotYetOpen);
    }
    Ok(())
}

/// Whether the lesson's title shows in the outline: a learner sees the published lessons
/// of open modules; a module not yet open shows only its title and opening date.
pub fn listed(access: Access, module_open: bool, published: bool) -> bool {
    access.sees_everything() || (module_open && published)
}

/// French text, or its English translation for an English reader when there is one.
pub fn localised<'a>(locale: Locale, fr: &'a str, en: &'a str) -> &'a str {
    if locale == Locale::En && !en.trim().is_empty() {
        en
    } else {
        fr
    }
}

// ---------------------------------------------------------------------------------------
// Views

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CourseSummary {
    pub slug: String,
    pub title: String,
    pub title_en: String,
    /// cohort or open
    pub mode: String,
    /// draft or published
    pub status: String,
    pub programme: String,
    pub programme_title: String,
}

impl From<&CourseRow> for CourseSummary {
    fn from(c: &CourseRow) -> CourseSummary {
        CourseSummary {
            slug: c.slug.clone(),
            title: c.title.clone(),
            title_en: c.title_en.clone(),
            mode: c.mode.clone(),
            status: c.status.clone(),
            programme: c.programme_slug.clone(),
            programme_title: c.programme_title.clone(),
        }
    }
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct LessonItem {
    pub id: i64,
    pub position: i64,
    /// text, video or pdf
    pub kind: String,
    pub title: String,
    pub title_en: String,
    /// draft or published (learners see only published ones)
    pub status: String,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ModuleItem {
    pub id: i64,
    pub position: i64,
    pub title: String,
    pub title_en: String,
    pub summary: String,
    pub summary_en: String,
    /// Local opening date in the course's zone, `YYYY-MM-DD`.
    pub opens_on: String,
    /// Local opening time, `HH:MM`.
    pub opens_time: String,
    /// The opening instant, Unix seconds.
    pub opens_at: i64,
    pub open: bool,
    /// The lessons the viewer may see (none for a learner while the module is closed).
    pub lessons: Vec<LessonItem>,
}

/// A course's structure as the viewer may see it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CourseView {
    #[serde(flatten)]
    pub summary: CourseSummary,
    pub phase_id: i64,
    /// IANA zone in which modules open.
    pub time_zone: String,
    pub access: Access,
    pub modules: Vec<ModuleItem>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct LessonLink {
    pub id: i64,
    pub title: String,
    pub title_en: String,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct LessonView {
    pub id: i64,
    pub module_id: i64,
    pub module_title: String,
    pub module_title_en: String,
    pub position: i64,
    pub kind: String,
    pub title: String,
    pub title_en: String,
    pub status: String,
    /// Markdown, French and English.
    pub body: String,
    pub body_en: String,
    /// The body in the caller's language, as safe HTML.
    pub html: String,
    pub previous: Option<LessonLink>,
    pub next: Option<LessonLink>,
}

// ---------------------------------------------------------------------------------------
// Reading

fn parse_date(s: &str) -> Option<Date> {
    // Strictly YYYY-MM-DD: jiff would also read other ISO forms.
    (s.len() == 10).then(|| s.parse::<Date>().ok()).flatten()
}

/// `HH:MM`, or empty for midnight.
pub fn parse_time(s: &str) -> Option<Time> {
    let s = s.trim();
    if s.is_empty() {
        return Some(Time::midnight());
    }
    let (h, m) = s.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    Time::new(h.parse().ok()?, m.parse().ok()?, 0, 0).ok()
}

/// A stored module as the domain sees it (lessons are checked apart).
fn to_domain(m: &ModuleRow) -> Module {
    Module {
        position: m.position as u32,
        title: m.title.clone(),
        title_en: m.title_en.clone(),
        // Stored values were checked when written; a bad one opens never.
        opens_on: parse_date(&m.opens_on).unwrap_or(Date::constant(2100, 12, 31)),
        opens_time: parse_time(&m.opens_time).unwrap_or(Time::midnight()),
        lessons: vec![],
    }
}

fn zone_of(c: &CourseRow) -> jiff::tz::TimeZone {
    TimeZoneName::parse(&c.time_zone).unwrap_or_else(TimeZoneName::utc).zone()
}

fn mode_of(c: &CourseRow) -> CourseMode {
    if c.is_open_mode() {
        CourseMode::Open
    } else {
        CourseMode::Cohort
    }
}

fn status_of(c: &CourseRow) -> Status {
    if c.is_published() {
        Status::Published
    } else {
        Status::Draft
    }
}

/// When each module of the course opens, by module id: (position, instant).
pub(crate) async fn openings(app: &App, c: &CourseRow) -> AppResult<std::collections::HashMap<i64, (i64, Timestamp)>> {
    let tz = zone_of(c);
    Ok(store::modules(&app.db, c.id).await?.iter().map(|m| (m.id, (m.position, to_domain(m).opens_at(&tz)))).collect())
}

/// A course by its address; 404 for one that cannot exist (PostgreSQL refuses some bytes
/// such as NUL in a parameter, so they never reach it).
pub async fn find(app: &App, slug: &str) -> AppResult<CourseRow> {
    let slug = Slug::parse(slug).ok_or(AppError::NotFound)?;
    store::by_slug(&app.db, slug.as_str()).await?.ok_or(AppError::NotFound)
}

/// The course and what the viewer is to it. A draft exists only for its managers and
/// tutors; a cohort course only for its cohort (403 with the reason for anyone else).
/// One query: the course with her roles, enrolment and place in the cohort.
pub async fn access(app: &App, user: &UserRow, slug: &str) -> AppResult<(CourseRow, Access)> {
    let slug = Slug::parse(slug).ok_or(AppError::NotFound)?;
    let f = store::by_slug_for(&app.db, slug.as_str(), user.id).await?.ok_or(AppError::NotFound)?;
    let roles: Vec<ProgrammeRole> = f.programme_roles.iter().filter_map(|r| ProgrammeRole::parse(r)).collect();
    let c = f.course;
    if can_manage_programme(global_role(user), &roles) {
        return Ok((c, Access::Manager));
    }
    if f.enrolment.as_deref() == Some("tutor") {
        return Ok((c, Access::Tutor));
    }
    if !c.is_published() {
        return Err(AppError::NotFound);
    }
    if c.is_open_mode() {
        let a = if f.enrolment.is_some() { Access::Learner } else { Access::Visitor };
        return Ok((c, a));
    }
    if f.participant {
        Ok((c, Access::Learner))
    } else {
        Err(AppError::Refused("error.course.cohort_only"))
    }
}

/// What every page of a course shows the same to everyone: its modules, lessons, quizzes,
/// exercises, certificate rules and whether it has teams. Read once per revision of the
/// course and kept in memory (`cache::Cache::revisioned`; every edit bumps the revision, see
/// `store::courses::touch`): the pages of an open course with thousands of learners then
/// read only what is the viewer's. Which modules are open is not kept: it changes with the clock.
pub struct Content {
    pub modules: Vec<ModuleRow>,
    /// Without bodies, in course order.
    pub lessons: Vec<LessonHead>,
    pub quizzes: Vec<crate::store::quizzes::QuizRow>,
    pub exercises: Vec<crate::store::exercises::ExerciseRow>,
    /// (minimum quiz percent, minimum exercises) when the course has its own rules.
    pub certificate_rules: Option<(i64, i64)>,
    /// Whether the manager formed teams (most open courses have none: their learners'
    /// pages then never look for one).
    pub has_teams: bool,
    /// Lessons read so far, with their bodies rendered, filled as they are opened.
    bodies: std::sync::Mutex<std::collections::HashMap<i64, Arc<ReadLesson>>>,
}

/// A lesson as stored, with its body rendered in each language.
pub struct ReadLesson {
    pub row: store::LessonRow,
    html_fr: String,
    html_en: String,
}

impl ReadLesson {
    fn new(row: store::LessonRow) -> ReadLesson {
        // Images, the library's included, stay links: a lesson page costs a few kilobytes
        // and the learner decides what to spend her data on (the light variant, one tap away).
        let html_fr = markdown::to_html(&row.body);
        let html_en = markdown::to_html(localised(Locale::En, &row.body, &row.body_en));
        ReadLesson { row, html_fr, html_en }
    }

    pub fn html(&self, locale: Locale) -> &str {
        match locale {
            Locale::En => &self.html_en,
            _ => &self.html_fr,
        }
    }
}

impl Content {
    pub fn module(&self, id: i64) -> Option<&ModuleRow> {
        self.modules.iter().find(|m| m.id == id)
    }

    /// A lesson of the course with its body (one query the first time it is read).
    pub async fn lesson(&self, app: &App, course_id: i64, id: i64) -> AppResult<Option<Arc<ReadLesson>>> {
        if !self.lessons.iter().any(|l| l.id == id) {
            return Ok(None);
        }
        if let Some(l) = self.bodies.lock().expect("lesson cache lock").get(&id) {
            return Ok(Some(l.clone()));
        }
        let Some(row) = store::lesson(&app.db, course_id, id).await? else { return Ok(None) };
        let read = Arc::new(ReadLesson::new(row));
        self.bodies.lock().expect("lesson cache lock").insert(id, read.clone());
        Ok(Some(read))
    }
}

/// The content of the course at its revision: from memory, or read (five queries).
pub async fn content(app: &App, c: &CourseRow) -> AppResult<Arc<Content>> {
    app.cache
        .revisioned("course", c.id, c.revision, async {
            let (modules, lessons) = store::outline(&app.db, c.id).await?;
            Ok(Content {
                modules,
                lessons,
                quizzes: crate::store::quizzes::of_course(&app.db, c.id).await?,
                exercises: crate::store::exercises::of_course(&app.db, c.id).await?,
                certificate_rules: crate::store::certificates::rules(&app.db, c.id).await?,
                has_teams: crate::store::teams::any(&app.db, c.id).await?,
                bodies: Default::default(),
            })
        })
        .await
}

/// A course the user manages.
pub(crate) async fn managed(app: &App, user: &UserRow, slug: &str) -> AppResult<CourseRow> {
    match access(app, user, slug).await? {
        (c, Access::Manager) => Ok(c),
        _ => Err(AppError::Forbidden),
    }
}

fn module_item(c: &CourseRow, m: &ModuleRow, lessons: &[LessonHead], a: Access, now: Timestamp) -> ModuleItem {
    let d = to_domain(m);
    let tz = zone_of(c);
    let open = d.is_open(&tz, now);
    ModuleItem {
        id: m.id,
        position: m.position,
        title: m.title.clone(),
        title_en: m.title_en.clone(),
        summary: m.summary.clone(),
        summary_en: m.summary_en.clone(),
        opens_on: m.opens_on.clone(),
        opens_time: m.opens_time.clone(),
        opens_at: d.opens_at(&tz).as_second(),
        open,
        lessons: lessons
            .iter()
            .filter(|l| l.module_id == m.id && listed(a, open, l.status == "published"))
            .map(|l| LessonItem {
                id: l.id,
                position: l.position,
                kind: l.kind.clone(),
                title: l.title.clone(),
                title_en: l.title_en.clone(),
                status: l.status.clone(),
            })
            .collect(),
    }
}

async fn view_of(app: &App, c: CourseRow, a: Access) -> AppResult<CourseView> {
    let content = content(app, &c).await?;
    Ok(view_in(c, a, &content))
}

/// The course as the viewer may see it, from its content.
pub fn view_in(c: CourseRow, a: Access, content: &Content) -> CourseView {
    let now = Timestamp::now();
    let modules = content.modules.iter().map(|m| module_item(&c, m, &content.lessons, a, now)).collect();
    CourseView {
        summary: CourseSummary::from(&c),
        phase_id: c.phase_id,
        time_zone: c.time_zone.clone(),
        access: a,
        modules,
    }
}

/// The structure of a course as the viewer may see it.
pub async fn outline(app: &App, user: &UserRow, slug: &str) -> AppResult<CourseView> {
    let (c, a) = access(app, user, slug).await?;
    view_of(app, c, a).await
}

/// The same with the course as stored and its content, for pages that read more of it
/// (without looking the course up twice).
pub async fn outline_and_course(
    app: &App,
    user: &UserRow,
    slug: &str,
) -> AppResult<(CourseRow, CourseView, Arc<Content>)> {
    let (c, a) = access(app, user, slug).await?;
    let content = content(app, &c).await?;
    Ok((c.clone(), view_in(c, a, &content), content))
}

/// Whether a module of the course is open now (what `ModuleItem::open` says).
pub fn module_open(c: &CourseRow, m: &ModuleRow) -> bool {
    to_domain(m).is_open(&zone_of(c), Timestamp::now())
}

/// One page of a long list (learners, certificates): which rows it shows and how many
/// there are, so that a manager's page never renders thousands of rows.
#[derive(Clone, Copy, Debug, Serialize, utoipa::ToSchema)]
pub struct Paging {
    /// 1 for the first page.
    pub page: i64,
    pub pages: i64,
    pub per_page: i64,
    /// Rows in the whole list.
    pub total: i64,
}

impl Paging {
    /// Page `page` (out of range: the nearest one) of `total` rows, `per_page` a page.
    pub fn new(page: Option<i64>, per_page: i64, total: i64) -> Paging {
        let pages = ((total + per_page - 1) / per_page).max(1);
        Paging { page: page.unwrap_or(1).clamp(1, pages), pages, per_page, total }
    }
    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.per_page
    }
    /// Rank of the first and last rows shown, from 1 (0, 0 for an empty list).
    pub fn shown(&self) -> (i64, i64) {
        if self.total == 0 {
            (0, 0)
        } else {
            (self.offset() + 1, (self.offset() + self.per_page).min(self.total))
        }
    }
}

/// One lesson with its neighbours among those the viewer may read.
pub async fn lesson(
    app: &App,
    user: &UserRow,
    slug: &str,
    id: i64,
    locale: Locale,
) -> AppResult<(CourseView, LessonView)> {
    let (c, a) = access(app, user, slug).await?;
    let content = content(app, &c).await?;
    let read = content.lesson(app, c.id, id).await?.ok_or(AppError::NotFound)?;
    let l = &read.row;
    let view = view_in(c, a, &content);
    let module = view.modules.iter().find(|m| m.id == l.module_id).ok_or(AppError::NotFound)?;
    may_read(a, module.open, l.status == "published").map_err(Refusal::error)?;
    // Neighbours: the readable lessons in course order (what the outline lists).
    let readable: Vec<(&ModuleItem, &LessonItem)> = view
        .modules
        .iter()
        .filter(|m| a.sees_everything() || m.open)
        .flat_map(|m| m.lessons.iter().map(move |x| (m, x)))
        .collect();
    let at = readable.iter().position(|(_, x)| x.id == l.id);
    let link = |i: usize| {
        readable.get(i).map(|(_, x)| LessonLink { id: x.id, title: x.title.clone(), title_en: x.title_en.clone() })
    };
    let (previous, next) = match at {
        Some(i) => (i.checked_sub(1).and_then(link), link(i + 1)),
        None => (None, None),
    };
    let lesson = LessonView {
        id: l.id,
        module_id: l.module_id,
        module_title: module.title.clone(),
        module_title_en: module.title_en.clone(),
        position: l.position,
        kind: l.kind.clone(),
        title: l.title.clone(),
        title_en: l.title_en.clone(),
        status: l.status.clone(),
        body: l.body.clone(),
        body_en: l.body_en.clone(),
        html: read.html(locale).to_owned(),
        previous,
        next,
    };
    Ok((view, lesson))
}

/// The lesson as stored, for its editor.
pub async fn lesson_for_edit(
    app: &App,
    user: &UserRow,
    slug: &str,
    id: i64,
) -> AppResult<(CourseRow, store::LessonRow)> {
    let c = managed(app, user, slug).await?;
    let l = store::lesson(&app.db, c.id, id).await?.ok_or(AppError::NotFound)?;
    Ok((c, l))
}

/// A tutor of a course.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Tutor {
    pub user_id: i64,
    pub name: String,
    pub email: String,
}

/// The course's tutors (managers).
pub async fn tutors(app: &App, user: &UserRow, slug: &str) -> AppResult<Vec<Tutor>> {
    let c = managed(app, user, slug).await?;
    Ok(store::tutors(&app.db, c.id)
        .await?
        .into_iter()
        .map(|(user_id, name, email)| Tutor { user_id, name, email })
        .collect())
}

/// Makes someone with an account a tutor of the course: she reads everything, drafts
/// included, grades the work and sees the boards. Someone who follows the course as a
/// learner cannot grade it (409).
pub async fn add_tutor(app: &App, user: &UserRow, slug: &str, email: &str) -> AppResult<Tutor> {
    let c = managed(app, user, slug).await?;
    let address =
        crate::domain::email::Email::parse(email).map_err(|_| AppError::field("email", "error.email.invalid"))?;
    let who = crate::store::accounts::find_by_email(&app.db, &address)
        .await?
        .ok_or(AppError::field("email", "error.tutor.no_account"))?;
    if store::is_participant(&app.db, c.phase_id, who.id).await?
        || store::enrolment(&app.db, c.id, who.id).await?.as_deref() == Some("learner")
    {
        return Err(AppError::Conflict { field: "email", key: "error.tutor.is_learner" });
    }
    let mut tx = app.db.begin().await?;
    store::enrol(&mut tx, c.id, who.id, "tutor").await?;
    tx.commit().await?;
    tracing::info!(course = c.id, tutor = who.id, by = user.id, "tutor added");
    Ok(Tutor { user_id: who.id, name: who.name, email: who.email })
}

/// Ends someone's tutoring of the course (the grades she gave stay).
pub async fn remove_tutor(app: &App, user: &UserRow, slug: &str, tutor: i64) -> AppResult<()> {
    let c = managed(app, user, slug).await?;
    let mut tx = app.db.begin().await?;
    if !store::remove_tutor(&mut tx, c.id, tutor).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

/// "My courses": those the person follows, tutors or manages.
pub async fn mine(app: &App, user: &UserRow) -> AppResult<Vec<CourseRow>> {
    Ok(store::mine(&app.db, user.id).await?)
}

/// Published open courses of public programmes she could join.
pub async fn to_join(app: &App, user: &UserRow) -> AppResult<Vec<CourseRow>> {
    Ok(store::open_to_join(&app.db, user.id).await?)
}

/// Self-enrolment in an open course; `false` when she was already enrolled.
pub async fn enrol(app: &App, user: &UserRow, slug: &str) -> AppResult<bool> {
    let c = find(app, slug).await?;
    let course = Course {
        title: c.title.clone(),
        title_en: c.title_en.clone(),
        mode: mode_of(&c),
        status: status_of(&c),
        modules: vec![],
    };
    course.check_self_enrolment().map_err(|e| AppError::Refused(e.message_key()))?;
    let mut tx = app.db.begin().await?;
    let added = store::enrol(&mut tx, c.id, user.id, "learner").await?;
    tx.commit().await?;
    if added {
        tracing::info!(course = c.id, learner = user.id, "self-enrolment");
    }
    Ok(added)
}

// ---------------------------------------------------------------------------------------
// Editing the course

/// A course as typed in the form or sent to the API.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CourseInput {
    /// Address name (creation only; it does not change afterwards). Empty: derived from
    /// the programme and the phase.
    pub slug: String,
    /// Empty at creation: the phase's title.
    pub title: String,
    pub title_en: String,
    /// cohort (the phase's participants; default) or open (self-enrolment)
    pub mode: String,
    /// draft (default) or published
    pub status: String,
    /// IANA zone, e.g. `Africa/Abidjan`. Empty at creation: the zone of the programme's
    /// latest call, else UTC.
    pub time_zone: String,
}

impl CourseInput {
    pub fn from_row(c: &CourseRow) -> CourseInput {
        CourseInput {
            slug: c.slug.clone(),
            title: c.title.clone(),
            title_en: c.title_en.clone(),
            mode: c.mode.clone(),
            status: c.status.clone(),
            time_zone: c.time_zone.clone(),
        }
    }
}

struct CleanCourse {
    title: String,
    title_en: String,
    mode: &'static str,
    status: &'static str,
    time_zone: String,
}

/// A course's, lesson's or quiz's status as typed: draft (also when left empty) or
/// published; anything else is a field error.
pub(crate) fn publication(e: &mut FieldErrors, raw: &str) -> &'static str {
    match raw.trim() {
        "" | "draft" => "draft",
        "published" => "published",
        _ => {
            e.insert("status", "error.course.status");
            "draft"
        }
    }
}

fn check_course(input: &CourseInput) -> Result<CleanCourse, FieldErrors> {
    let mut e = FieldErrors::new();
    let title = line(&mut e, "title", &input.title, true, 200);
    let title_en = line(&mut e, "title_en", &input.title_en, false, 200);
    let mode = match input.mode.trim() {
        "" | "cohort" => "cohort",
        "open" => "open",
        _ => {
            e.insert("mode", "error.course.mode");
            "cohort"
        }
    };
    let status = publication(&mut e, &input.status);
    let time_zone = match TimeZoneName::parse(&input.time_zone) {
        Some(z) => z.as_str().to_owned(),
        None => {
            e.insert("time_zone", "error.time_zone.unknown");
            String::new()
        }
    };
    if e.is_empty() {
        Ok(CleanCourse { title, title_en, mode, status, time_zone })
    } else {
        Err(e)
    }
}

/// The field of a form a structural error belongs to.
pub fn field_of(e: &CourseError) -> &'static str {
    match e {
        CourseError::EmptyTitle => "title",
        CourseError::NoModule | CourseError::NotPublished => "status",
        CourseError::CohortOnly => "mode",
        CourseError::ModuleTitle(_) | CourseError::LessonTitle { .. } => "title",
        CourseError::DatesOutOfOrder(_) | CourseError::DateOutOfRange(_) => "opens_on",
        CourseError::TooManyModules | CourseError::DuplicatePosition(_) | CourseError::DuplicateLesson { .. } => {
            "position"
        }
    }
}

fn structural(e: CourseError) -> AppError {
    AppError::field(field_of(&e), e.message_key())
}

/// `programme-slug-phase-title`, cut to a valid slug.
pub fn derived_slug(programme: &str, phase_title: &str) -> String {
    let mut s = String::from(programme);
    s.push('-');
    for c in crate::domain::search::fold(phase_title).chars() {
        let c = if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' };
        if !(c == '-' && s.ends_with('-')) {
            s.push(c);
        }
    }
    let mut s: String = s.chars().take(80).collect();
    while s.ends_with('-') {
        s.pop();
    }
    s
}

/// Creates the course of a phase of a programme the user manages, as a draft unless said.
pub async fn create(
    app: &App,
    user: &UserRow,
    programme: &str,
    phase_id: i64,
    input: &CourseInput,
) -> AppResult<CourseRow> {
    let (p, phase) = crate::participants::phase(app, user, programme, phase_id).await?;
    let mut input = input.clone();
    if input.title.trim().is_empty() {
        input.title = phase.title.clone();
    }
    if input.time_zone.trim().is_empty() {
        input.time_zone = store::programme_zone(&app.db, p.id).await?.unwrap_or_else(|| "UTC".into());
    }
    let explicit = !input.slug.trim().is_empty();
    let slug = if explicit { input.slug.trim().to_owned() } else { derived_slug(&p.slug, &phase.title) };
    let mut errors = check_course(&input).err().unwrap_or_default();
    if Slug::parse(&slug).is_none() {
        errors.insert("slug", "error.programme.slug");
    }
    if input.status == "published" {
        // Publishing needs modules: a new course has none yet.
        errors.insert("status", CourseError::NoModule.message_key());
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let clean = check_course(&input).map_err(AppError::Invalid)?;
    if store::by_phase(&app.db, phase.id).await?.is_some() {
        return Err(AppError::Conflict { field: "phase", key: "error.course.phase_taken" });
    }
    let slug = if store::slug_taken(&app.db, &slug).await? {
        if explicit {
            return Err(AppError::Conflict { field: "slug", key: "error.course.slug_taken" });
        }
        format!("{slug}-{}", phase.id)
    } else {
        slug
    };
    let mut tx = app.db.begin().await?;
    let fields = CourseFields {
        slug: &slug,
        title: &clean.title,
        title_en: &clean.title_en,
        mode: clean.mode,
        status: clean.status,
        time_zone: &clean.time_zone,
    };
    store::insert(&mut tx, phase.id, &fields).await?;
    tx.commit().await?;
    tracing::info!(course = %slug, phase = phase.id, by = user.id, "course created");
    store::by_slug(&app.db, &slug).await?.ok_or(AppError::NotFound)
}

/// Edits title, mode, status (publishing checks the structure) and zone.
pub async fn update(app: &App, user: &UserRow, slug: &str, input: &CourseInput) -> AppResult<CourseRow> {
    let c = managed(app, user, slug).await?;
    let clean = check_course(input).map_err(AppError::Invalid)?;
    let modules: Vec<Module> = store::modules(&app.db, c.id).await?.iter().map(to_domain).collect();
    let course = Course {
        title: clean.title.clone(),
        title_en: clean.title_en.clone(),
        mode: if clean.mode == "open" { CourseMode::Open } else { CourseMode::Cohort },
        status: if clean.status == "published" { Status::Published } else { Status::Draft },
        modules,
    };
    course.validate().map_err(structural)?;
    let mut tx = app.db.begin().await?;
    let fields = CourseFields {
        slug: &c.slug,
        title: &clean.title,
        title_en: &clean.title_en,
        mode: clean.mode,
        status: clean.status,
        time_zone: &clean.time_zone,
    };
    store::update(&mut tx, c.id, &fields).await?;
    tx.commit().await?;
    tracing::info!(course = c.id, status = clean.status, by = user.id, "course saved");
    store::by_slug(&app.db, &c.slug).await?.ok_or(AppError::NotFound)
}

// ---------------------------------------------------------------------------------------
// Modules

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ModuleInput {
    pub title: String,
    pub title_en: String,
    pub summary: String,
    pub summary_en: String,
    /// Local opening date in the course's zone, `YYYY-MM-DD`.
    pub opens_on: String,
    /// Local opening time, `HH:MM` (empty: midnight).
    pub opens_time: String,
    /// Place in the course, 1 first; empty: at the end (new) or where it is (edit).
    pub position: Option<i64>,
}

impl ModuleInput {
    pub fn from_row(m: &ModuleRow) -> ModuleInput {
        ModuleInput {
            title: m.title.clone(),
            title_en: m.title_en.clone(),
            summary: m.summary.clone(),
            summary_en: m.summary_en.clone(),
            opens_on: m.opens_on.clone(),
            opens_time: m.opens_time.clone(),
            position: Some(m.position),
        }
    }
}

struct CleanModule {
    title: String,
    title_en: String,
    summary: String,
    summary_en: String,
    opens_on: Date,
    opens_time: Time,
    /// As stored: `YYYY-MM-DD` and `HH:MM`.
    on: String,
    at: String,
}

fn check_module(input: &ModuleInput) -> Result<CleanModule, FieldErrors> {
    let mut e = FieldErrors::new();
    let title = line(&mut e, "title", &input.title, true, 200);
    let title_en = line(&mut e, "title_en", &input.title_en, false, 200);
    let summary = line(&mut e, "summary", &input.summary, false, 1000);
    let summary_en = line(&mut e, "summary_en", &input.summary_en, false, 1000);
    let opens_on = parse_date(input.opens_on.trim());
    if opens_on.is_none() {
        e.insert("opens_on", "error.course.opens_on");
    }
    let opens_time = parse_time(&input.opens_time);
    if opens_time.is_none() {
        e.insert("opens_time", "error.course.opens_time");
    }
    match (opens_on, opens_time) {
        (Some(opens_on), Some(opens_time)) if e.is_empty() => {
            let on = opens_on.to_string();
            let at = format!("{:02}:{:02}", opens_time.hour(), opens_time.minute());
            Ok(CleanModule { title, title_en, summary, summary_en, opens_on, opens_time, on, at })
        }
        _ => Err(e),
    }
}

/// Moves the item at `from` to `to` (0-based, clamped), keeping the others in order.
pub fn moved<T>(mut items: Vec<T>, from: usize, to: usize) -> Vec<T> {
    if from < items.len() {
        let x = items.remove(from);
        let to = to.min(items.len());
        items.insert(to, x);
    }
    items
}

/// The 0-based place asked for with a 1-based `position`, clamped to `len` slots.
fn place(position: Option<i64>, default: usize, len: usize) -> usize {
    match position {
        Some(p) => (p.max(1) as usize - 1).min(len),
        None => default.min(len),
    }
}

/// Writes a course's modules after a change: `order` is the new list (None for the module
/// being added), checked by the domain before anything is written.
async fn save_modules(
    app: &App,
    c: &CourseRow,
    order: Vec<(Option<i64>, Module)>,
    changed: Option<(Option<i64>, &CleanModule)>,
) -> AppResult<i64> {
    let mut modules: Vec<Module> = order.iter().map(|(_, m)| m.clone()).collect();
    for (i, m) in modules.iter_mut().enumerate() {
        m.position = i as u32 + 1;
    }
    domain::validate_modules(&modules).map_err(structural)?;
    if c.is_published() && modules.is_empty() {
        return Err(AppError::field("module", CourseError::NoModule.message_key()));
    }
    let mut tx = app.db.begin().await?;
    let mut ids = vec![];
    let mut touched = 0;
    for (i, (id, _)) in order.iter().enumerate() {
        match (id, changed) {
            (None, Some((None, m))) => {
                let f = module_fields(i as i64 + 1, m);
                let new = store::insert_module(&mut tx, c.id, &f).await?;
                touched = new;
                ids.push(new);
            }
            (Some(id), Some((Some(edited), m))) if *id == edited => {
                store::update_module(&mut tx, *id, &module_fields(i as i64 + 1, m)).await?;
                touched = *id;
                ids.push(*id);
            }
            (Some(id), _) => ids.push(*id),
            (None, _) => {}
        }
    }
    store::set_module_order(&mut tx, &ids).await?;
    tx.commit().await?;
    Ok(touched)
}

fn module_fields(position: i64, m: &CleanModule) -> ModuleFields<'_> {
    ModuleFields {
        position,
        title: &m.title,
        title_en: &m.title_en,
        summary: &m.summary,
        summary_en: &m.summary_en,
        opens_on: &m.on,
        opens_time: &m.at,
    }
}

fn clean_to_domain(m: &CleanModule) -> Module {
    Module {
        position: 0,
        title: m.title.clone(),
        title_en: m.title_en.clone(),
        opens_on: m.opens_on,
        opens_time: m.opens_time,
        lessons: vec![],
    }
}

async fn current_modules(app: &App, c: &CourseRow) -> AppResult<(Vec<ModuleRow>, Vec<(Option<i64>, Module)>)> {
    let rows = store::modules(&app.db, c.id).await?;
    let order = rows.iter().map(|m| (Some(m.id), to_domain(m))).collect();
    Ok((rows, order))
}

pub async fn add_module(app: &App, user: &UserRow, slug: &str, input: &ModuleInput) -> AppResult<i64> {
    let c = managed(app, user, slug).await?;
    let clean = check_module(input).map_err(AppError::Invalid)?;
    let (_, order) = current_modules(app, &c).await?;
    let at = place(input.position, order.len(), order.len());
    let mut order = order;
    order.insert(at, (None, clean_to_domain(&clean)));
    let id = save_modules(app, &c, order, Some((None, &clean))).await?;
    tracing::info!(course = c.id, module = id, by = user.id, "module added");
    Ok(id)
}

pub async fn update_module(app: &App, user: &UserRow, slug: &str, id: i64, input: &ModuleInput) -> AppResult<()> {
    let c = managed(app, user, slug).await?;
    let (_, mut order) = current_modules(app, &c).await?;
    let from = order.iter().position(|(i, _)| *i == Some(id)).ok_or(AppError::NotFound)?;
    let clean = check_module(input).map_err(AppError::Invalid)?;
    order[from].1 = clean_to_domain(&clean);
    let to = place(input.position, from, order.len() - 1);
    let order = moved(order, from, to);
    save_modules(app, &c, order, Some((Some(id), &clean))).await?;
    Ok(())
}

/// Moves a module one place up (-1) or down (+1), as the page's arrows do.
pub async fn shift_module(app: &App, user: &UserRow, slug: &str, id: i64, by: i64) -> AppResult<()> {
    let c = managed(app, user, slug).await?;
    let (rows, _) = current_modules(app, &c).await?;
    let m = rows.iter().find(|m| m.id == id).ok_or(AppError::NotFound)?;
    let mut input = ModuleInput::from_row(m);
    input.position = Some((m.position + by).max(1));
    update_module(app, user, slug, id, &input).await
}

pub async fn delete_module(app: &App, user: &UserRow, slug: &str, id: i64) -> AppResult<()> {
    let c = managed(app, user, slug).await?;
    let (_, order) = current_modules(app, &c).await?;
    if !order.iter().any(|(i, _)| *i == Some(id)) {
        return Err(AppError::NotFound);
    }
    let rest: Vec<_> = order.into_iter().filter(|(i, _)| *i != Some(id)).collect();
    if c.is_published() && rest.is_empty() {
        return Err(AppError::field("module", CourseError::NoModule.message_key()));
    }
    let mut tx = app.db.begin().await?;
    store::delete_module(&mut tx, id).await?;
    let ids: Vec<i64> = rest.iter().filter_map(|(i, _)| *i).collect();
    store::set_module_order(&mut tx, &ids).await?;
    tx.commit().await?;
    tracing::info!(course = c.id, module = id, by = user.id, "module deleted");
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Lessons

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct LessonInput {
    pub title: String,
    pub title_en: String,
    /// text (default), video or pdf
    pub kind: String,
    /// Markdown (safe subset: no HTML, links to http(s) or mailto only).
    pub body: String,
    pub body_en: String,
    /// draft (default) or published
    pub status: String,
    /// Place in the module, 1 first; empty: at the end (new) or where it is (edit).
    pub position: Option<i64>,
}

impl LessonInput {
    pub fn from_row(l: &store::LessonRow) -> LessonInput {
        LessonInput {
            title: l.title.clone(),
            title_en: l.title_en.clone(),
            kind: l.kind.clone(),
            body: l.body.clone(),
            body_en: l.body_en.clone(),
            status: l.status.clone(),
            position: Some(l.position),
        }
    }
}

struct CleanLesson {
    title: String,
    title_en: String,
    kind: &'static str,
    body: String,
    body_en: String,
    status: &'static str,
}

fn check_lesson(input: &LessonInput) -> Result<CleanLesson, FieldErrors> {
    let mut e = FieldErrors::new();
    let title = line(&mut e, "title", &input.title, true, 200);
    let title_en = line(&mut e, "title_en", &input.title_en, false, 200);
    let kind = match input.kind.trim() {
        "" | "text" => "text",
        "video" => "video",
        "pdf" => "pdf",
        _ => {
            e.insert("kind", "error.course.lesson_kind");
            "text"
        }
    };
    let status = publication(&mut e, &input.status);
    let body = rich(&mut e, "body", &input.body);
    let body_en = rich(&mut e, "body_en", &input.body_en);
    if e.is_empty() {
        Ok(CleanLesson { title, title_en, kind, body, body_en, status })
    } else {
        Err(e)
    }
}

fn lesson_fields(position: i64, l: &CleanLesson) -> LessonFields<'_> {
    LessonFields {
        position,
        kind: l.kind,
        title: &l.title,
        title_en: &l.title_en,
        body: &l.body,
        body_en: &l.body_en,
        status: l.status,
    }
}

/// The lessons of a module of a course the user manages, in order.
async fn module_lessons(app: &App, c: &CourseRow, module: i64) -> AppResult<Vec<LessonHead>> {
    let modules = store::modules(&app.db, c.id).await?;
    if !modules.iter().any(|m| m.id == module) {
        return Err(AppError::NotFound);
    }
    Ok(store::lesson_heads(&app.db, c.id).await?.into_iter().filter(|l| l.module_id == module).collect())
}

pub async fn add_lesson(app: &App, user: &UserRow, slug: &str, module: i64, input: &LessonInput) -> AppResult<i64> {
    let c = managed(app, user, slug).await?;
    let lessons = module_lessons(app, &c, module).await?;
    let clean = check_lesson(input).map_err(AppError::Invalid)?;
    let mut ids: Vec<Option<i64>> = lessons.iter().map(|l| Some(l.id)).collect();
    let at = place(input.position, ids.len(), ids.len());
    ids.insert(at, None);
    let mut tx = app.db.begin().await?;
    let id = store::insert_lesson(&mut tx, module, &lesson_fields(at as i64 + 1, &clean)).await?;
    let ids: Vec<i64> = ids.into_iter().map(|i| i.unwrap_or(id)).collect();
    store::set_lesson_order(&mut tx, &ids).await?;
    tx.commit().await?;
    tracing::info!(course = c.id, lesson = id, by = user.id, "lesson added");
    Ok(id)
}

pub async fn update_lesson(
    app: &App,
    user: &UserRow,
    slug: &str,
    module: i64,
    id: i64,
    input: &LessonInput,
) -> AppResult<()> {
    let c = managed(app, user, slug).await?;
    let lessons = module_lessons(app, &c, module).await?;
    let from = lessons.iter().position(|l| l.id == id).ok_or(AppError::NotFound)?;
    let clean = check_lesson(input).map_err(AppError::Invalid)?;
    let to = place(input.position, from, lessons.len() - 1);
    let ids = moved(lessons.iter().map(|l| l.id).collect(), from, to);
    let mut tx = app.db.begin().await?;
    store::update_lesson(&mut tx, id, &lesson_fields(to as i64 + 1, &clean)).await?;
    store::set_lesson_order(&mut tx, &ids).await?;
    tx.commit().await?;
    Ok(())
}

/// Moves a lesson one place up (-1) or down (+1) in its module.
pub async fn shift_lesson(app: &App, user: &UserRow, slug: &str, id: i64, by: i64) -> AppResult<()> {
    let (_, l) = lesson_for_edit(app, user, slug, id).await?;
    let mut input = LessonInput::from_row(&l);
    input.position = Some((l.position + by).max(1));
    update_lesson(app, user, slug, l.module_id, id, &input).await
}

pub async fn delete_lesson(app: &App, user: &UserRow, slug: &str, module: i64, id: i64) -> AppResult<()> {
    let c = managed(app, user, slug).await?;
    let lessons = module_lessons(app, &c, module).await?;
    if !lessons.iter().any(|l| l.id == id) {
        return Err(AppError::NotFound);
    }
    let ids: Vec<i64> = lessons.iter().map(|l| l.id).filter(|i| *i != id).collect();
    let mut tx = app.db.begin().await?;
    store::delete_lesson(&mut tx, id).await?;
    store::set_lesson_order(&mut tx, &ids).await?;
    tx.commit().await?;
    tracing::info!(course = c.id, lesson = id, by = user.id, "lesson deleted");
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Copying onto a new edition

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CopyInput {
    /// The phase (of a programme the caller manages) that gets the copy.
    pub phase: i64,
    /// Address of the copy; empty: this course's followed by the year of the first week.
    pub slug: String,
    /// Any day of the week the copy starts, `YYYY-MM-DD`; empty: the phase's start.
    pub first_week: String,
}

/// Copies a course into another phase: same modules and lessons, every opening date moved
/// by the same whole number of weeks, as a draft.
pub async fn copy(app: &App, user: &UserRow, slug: &str, input: &CopyInput) -> AppResult<CourseRow> {
    let source = managed(app, user, slug).await?;
    let programme = store::programme_of_phase(&app.db, input.phase).await?;
    let Some(programme) = programme else {
        return Err(AppError::field("phase", "error.course.phase"));
    };
    let (_, phase) = crate::participants::phase(app, user, &programme, input.phase).await?;
    let first_week =
        if input.first_week.trim().is_empty() { phase.start_date.clone() } else { input.first_week.clone() };
    let first_week = parse_date(first_week.trim()).ok_or(AppError::field("first_week", "error.course.opens_on"))?;
    if store::by_phase(&app.db, phase.id).await?.is_some() {
        return Err(AppError::Conflict { field: "phase", key: "error.course.phase_taken" });
    }
    let rows = store::modules(&app.db, source.id).await?;
    let course = Course {
        title: source.title.clone(),
        title_en: source.title_en.clone(),
        mode: mode_of(&source),
        status: status_of(&source),
        modules: rows.iter().map(to_domain).collect(),
    };
    let copy = course.copy_for(first_week).map_err(|e| AppError::field("first_week", e.message_key()))?;
    let new_slug = if input.slug.trim().is_empty() {
        format!("{}-{}", source.slug.trim_end_matches(|c: char| c.is_ascii_digit() || c == '-'), first_week.year())
    } else {
        input.slug.trim().to_owned()
    };
    if Slug::parse(&new_slug).is_none() {
        return Err(AppError::field("slug", "error.programme.slug"));
    }
    if store::slug_taken(&app.db, &new_slug).await? {
        return Err(AppError::Conflict { field: "slug", key: "error.course.slug_taken" });
    }
    let lessons = store::lessons_full(&app.db, source.id).await?;
    let quizzes = crate::store::quizzes::of_course(&app.db, source.id).await?;
    let mut tx = app.db.begin().await?;
    let fields = CourseFields {
        slug: &new_slug,
        title: &source.title,
        title_en: &source.title_en,
        mode: &source.mode,
        status: "draft",
        time_zone: &source.time_zone,
    };
    let id = store::insert(&mut tx, phase.id, &fields).await?;
    for (row, m) in rows.iter().zip(&copy.modules) {
        let opens_on = m.opens_on.to_string();
        let f = ModuleFields {
            position: row.position,
            title: &row.title,
            title_en: &row.title_en,
            summary: &row.summary,
            summary_en: &row.summary_en,
            opens_on: &opens_on,
            opens_time: &row.opens_time,
        };
        let module = store::insert_module(&mut tx, id, &f).await?;
        for l in lessons.iter().filter(|l| l.module_id == row.id) {
            let f = LessonFields {
                position: l.position,
                kind: &l.kind,
                title: &l.title,
                title_en: &l.title_en,
                body: &l.body,
                body_en: &l.body_en,
                status: &l.status,
            };
            store::insert_lesson(&mut tx, module, &f).await?;
        }
        // Quizzes come along as drafts, without anyone's attempts.
        for q in quizzes.iter().filter(|q| q.module_id == row.id) {
            let f = crate::store::quizzes::QuizFields {
                title: &q.title,
                title_en: &q.title_en,
                definition: &q.definition,
                status: "draft",
            };
            crate::store::quizzes::insert(&mut tx, module, &f).await?;
        }
    }
    tx.commit().await?;
    tracing::info!(from = source.id, to = id, by = user.id, "course copied");
    store::by_slug(&app.db, &new_slug).await?.ok_or(AppError::NotFound)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn who_reads_which_lesson() {
        for a in [Access::Manager, Access::Tutor] {
            assert_eq!(may_read(a, false, false), Ok(()));
            assert!(listed(a, false, false));
        }
        assert_eq!(may_read(Access::Learner, true, true), Ok(()));
        assert_eq!(may_read(Access::Learner, false, true), Err(Refusal::NotYetOpen));
        assert_eq!(may_read(Access::Learner, true, false), Err(Refusal::Hidden));
        assert_eq!(may_read(Access::Visitor, true, true), Err(Refusal::NotEnrolled));
        assert_eq!(may_read(Access::Visitor, true, false), Err(Refusal::Hidden));
        assert!(listed(Access::Learner, true, true));
        assert!(!listed(Access::Learner, false, true), "a closed module shows no lesson");
        assert!(!listed(Access::Learner, true, false), "nor a draft");
    }

    #[test]
    fn opening_times_and_dates_are_read_strictly() {
        assert_eq!(parse_time(""), Some(Time::midnight()));
        assert_eq!(parse_time("08:30"), Some(Time::constant(8, 30, 0, 0)));
        for bad in ["8:30", "24:00", "12:60", "1230", "ab:cd", "08:30:00"] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
        assert_eq!(parse_date("2016-10-03"), Some(Date::constant(2016, 10, 3)));
        for bad in ["2016-10-3", "03/10/2016", "2016-02-30", "2016-10-03T00:00"] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn pages_of_a_long_list() {
        let p = Paging::new(Some(3), 200, 10_000);
        assert_eq!((p.page, p.pages, p.offset(), p.shown()), (3, 50, 400, (401, 600)));
        let last = Paging::new(Some(99), 200, 10_001);
        assert_eq!((last.page, last.pages, last.shown()), (51, 51, (10_001, 10_001)));
        let empty = Paging::new(None, 200, 0);
        assert_eq!((empty.page, empty.pages, empty.offset(), empty.shown()), (1, 1, 0, (0, 0)));
        assert_eq!(Paging::new(Some(-4), 100, 30).page, 1);
    }

    #[test]
    fn moving_keeps_the_others_in_order() {
        assert_eq!(moved(vec![1, 2, 3, 4], 0, 2), [2, 3, 1, 4]);
        assert_eq!(moved(vec![1, 2, 3, 4], 3, 0), [4, 1, 2, 3]);
        assert_eq!(moved(vec![1, 2, 3], 1, 99), [1, 3, 2]);
        assert_eq!(moved(vec![1, 2, 3], 7, 0), [1, 2, 3]);
        assert_eq!(place(Some(0), 5, 3), 0);
        assert_eq!(place(Some(2), 5, 3), 1);
        assert_eq!(place(None, 5, 3), 3);
    }

    #[test]
    fn errors_land_on_their_field_and_slugs_are_derived() {
        assert_eq!(field_of(&CourseError::DatesOutOfOrder(3)), "opens_on");
        assert_eq!(field_of(&CourseError::NoModule), "status");
        assert_eq!(field_of(&CourseError::ModuleTitle(1)), "title");
        assert_eq!(
            derived_slug("connexions-citoyennes", "Formation en ligne (six semaines)"),
            "connexions-citoyennes-formation-en-ligne-six-semaines"
        );
        assert!(Slug::parse(&derived_slug("a", "É — ça !")).is_some());
        assert_eq!(localised(Locale::En, "Semaine 1", ""), "Semaine 1");
        assert_eq!(localised(Locale::En, "Semaine 1", "Week 1"), "Week 1");
        assert_eq!(localised(Locale::Fr, "Semaine 1", "Week 1"), "Semaine 1");
    }
}
