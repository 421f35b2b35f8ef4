//! "Gestion": where administrators and programme managers edit programmes, their phases,
//! budgets, testimonials and cover images, and the report forewords. Plain HTML forms: no
//! JavaScript needed. Every form re-renders with the typed values and the problems on error.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::{html, see_other, FormState, PageCtx};
use crate::app::App;
use crate::domain::budget::format_amount;
use crate::domain::programme::{PhaseKind, Status, Theme, COUNTRIES};
use crate::error::{AppError, AppResult};
use crate::i18n::I18n;
use crate::programmes::{self as uc, BudgetLineInput, PhaseInput, ProgrammeInput, TestimonialInput};
use crate::store::accounts::UserRow;
use crate::store::programmes::{self, BudgetLineRow, PhaseRow, ProgrammeRow, TestimonialRow};
use crate::store::reports;
use crate::web::context::Ctx;

fn user(ctx: &Ctx) -> AppResult<&UserRow> {
    ctx.require_user()
}

/// The pairs of a url-encoded body (repeated keys kept, as checkboxes send them).
use super::form::{flag, pairs};

/// The value of a field as typed (untrimmed: the use cases trim what they need to).
fn get(p: &[(String, String)], key: &str) -> String {
    p.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()).unwrap_or_default()
}

pub fn programme_input(p: &[(String, String)]) -> ProgrammeInput {
    ProgrammeInput {
        slug: get(p, "slug"),
        title: get(p, "title"),
        title_en: get(p, "title_en"),
        mission: get(p, "mission"),
        mission_en: get(p, "mission_en"),
        body: get(p, "body"),
        body_en: get(p, "body_en"),
        region: get(p, "region"),
        countries: get(p, "countries"),
        themes: p.iter().filter(|(k, _)| k == "themes").map(|(_, v)| v.clone()).collect(),
        funders: get(p, "funders"),
        partners: get(p, "partners"),
        start_month: get(p, "start_month"),
        end_month: get(p, "end_month"),
        status: get(p, "status"),
        currency: get(p, "currency"),
        budget_estimate: get(p, "budget_estimate"),
        budget_public: flag(p, "budget_public"),
        is_public: flag(p, "is_public"),
    }
}

// ------------------------------------------------------------------ dashboard

#[derive(Template)]
#[template(path = "manage_index.html")]
struct IndexPage {
    page: PageCtx,
    programmes: Vec<ProgrammeRow>,
    is_admin: bool,
    years: Vec<i64>,
}

pub async fn index(State(app): State<App>, ctx: Ctx) -> AppResult<Response> {
    let Some(u) = ctx.user.as_deref() else { return Ok(see_other("/connexion?next=/gestion")) };
    let i = ctx.i18n();
    let programmes = programmes::list_managed(&app.db, u.id, u.is_admin()).await?;
    if programmes.is_empty() && !u.is_admin() {
        return Err(AppError::Forbidden);
    }
    let years = super::report::report_years(&app).await?;
    Ok(html(
        StatusCode::OK,
        IndexPage { page: PageCtx::new(&ctx, i.t("manage.title")), programmes, is_admin: u.is_admin(), years },
    ))
}

// ------------------------------------------------------------------ programme form

pub struct Choice {
    pub code: &'static str,
    pub label: String,
    pub selected: bool,
}

fn themes(i: I18n, selected: &[String]) -> Vec<Choice> {
    let chosen: Vec<&str> = selected.iter().flat_map(|s| s.split(',')).map(str::trim).collect();
    Theme::ALL
        .iter()
        .map(|t| Choice { code: t.code(), label: i.t(&t.label_key()).to_owned(), selected: chosen.contains(&t.code()) })
        .collect()
}

fn statuses(i: I18n, current: &str) -> Vec<Choice> {
    Status::ALL
        .iter()
        .map(|s| Choice { code: s.code(), label: i.t(&s.label_key()).to_owned(), selected: s.code() == current })
        .collect()
}

fn phase_kinds(i: I18n, current: &str) -> Vec<Choice> {
    PhaseKind::ALL
        .iter()
        .map(|k| Choice { code: k.code(), label: i.t(&k.label_key()).to_owned(), selected: k.code() == current })
        .collect()
}

#[derive(Template)]
#[template(path = "manage_programme.html")]
struct ProgrammeForm {
    page: PageCtx,
    /// None when creating.
    existing: Option<ProgrammeRow>,
    v: ProgrammeInput,
    form: FormState,
    themes: Vec<Choice>,
    statuses: Vec<Choice>,
    countries_help: String,
    done: Option<&'static str>,
    // Sections of an existing programme.
    phases: Vec<PhaseRow>,
    phase: PhaseInput,
    phase_form: FormState,
    phase_kinds: Vec<Choice>,
    costs: Vec<(i64, String)>,
    cost_year: String,
    cost_amount: String,
    cost_form: FormState,
    lines: Vec<BudgetLineRow>,
    line: BudgetLineInput,
    line_form: FormState,
    testimonials: Vec<TestimonialRow>,
    testimonial: TestimonialInput,
    testimonial_form: FormState,
    cover_form: FormState,
    calls: Vec<crate::store::calls::CallRow>,
    /// Participants per phase id.
    participants: std::collections::HashMap<i64, i64>,
    /// The course of each phase that has one: phase id → course slug.
    courses: std::collections::HashMap<i64, String>,
}

impl ProgrammeForm {
    fn participants_of(&self, phase: &i64) -> i64 {
        self.participants.get(phase).copied().unwrap_or(0)
    }
    fn course_of(&self, phase: &i64) -> Option<&str> {
        self.courses.get(phase).map(String::as_str)
    }
    fn amount(&self, minor: &i64) -> String {
        format_amount(*minor, self.page.i.locale == crate::domain::locale::Locale::Fr)
    }
    fn opt_amount(&self, minor: &Option<i64>) -> String {
        minor.map(|m| self.amount(&m)).unwrap_or_else(|| "—".into())
    }
}

async fn form_page(
    app: &App,
    ctx: &Ctx,
    existing: Option<ProgrammeRow>,
    v: ProgrammeInput,
) -> AppResult<ProgrammeForm> {
    let i = ctx.i18n();
    let (phases, costs, lines, testimonials, calls) = match &existing {
        Some(p) => (
            programmes::phases(&app.db, p.id).await?,
            programmes::costs(&app.db, p.id).await?,
            programmes::budget_lines(&app.db, p.id, false).await?,
            programmes::all_testimonials(&app.db, p.id).await?,
            crate::store::calls::of_programme(&app.db, p.id).await?,
        ),
        None => (vec![], vec![], vec![], vec![], vec![]),
    };
    let participants = match &existing {
        Some(p) => crate::store::participants::counts(&app.db, p.id).await?.into_iter().collect(),
        None => Default::default(),
    };
    let courses = match &existing {
        Some(p) => crate::store::courses::of_programme(&app.db, p.id).await?.into_iter().collect(),
        None => Default::default(),
    };
    let fr = i.locale == crate::domain::locale::Locale::Fr;
    let title = match &existing {
        Some(p) => i.tf1("manage.edit_title", "title", &p.title),
        None => i.t("manage.new_programme").to_owned(),
    };
    Ok(ProgrammeForm {
        page: PageCtx::new(ctx, &title),
        themes: themes(i, &v.themes),
        statuses: statuses(i, &v.status),
        countries_help: COUNTRIES
            .iter()
            .map(|(c, f, e)| format!("{c} {}", if fr { f } else { e }))
            .collect::<Vec<_>>()
            .join(", "),
        existing,
        v,
        form: FormState::default(),
        done: None,
        phases,
        phase: PhaseInput::default(),
        phase_form: FormState::default(),
        phase_kinds: phase_kinds(i, ""),
        costs: costs.into_iter().map(|(y, m)| (y, format_amount(m, fr))).collect(),
        cost_year: String::new(),
        cost_amount: String::new(),
        cost_form: FormState::default(),
        lines,
        line: BudgetLineInput { is_public: true, ..Default::default() },
        line_form: FormState::default(),
        testimonials,
        testimonial: TestimonialInput { language: "fr".into(), ..Default::default() },
        testimonial_form: FormState::default(),
        cover_form: FormState::default(),
        calls,
        participants,
        courses,
    })
}

fn is_form_error(e: &AppError) -> bool {
    matches!(e, AppError::Invalid(_) | AppError::Conflict { .. })
}

pub async fn new_form(State(app): State<App>, ctx: Ctx) -> AppResult<Response> {
    if !user(&ctx)?.is_admin() {
        return Err(AppError::Forbidden);
    }
    let v =
        ProgrammeInput { status: "active".into(), currency: "EUR".into(), budget_public: true, ..Default::default() };
    Ok(html(StatusCode::OK, form_page(&app, &ctx, None, v).await?))
}

pub async fn create(State(app): State<App>, ctx: Ctx, body: Bytes) -> AppResult<Response> {
    let input = programme_input(&pairs(&body));
    match uc::create(&app, user(&ctx)?, &input).await {
        Ok(p) => Ok(see_other(&format!("/gestion/programmes/{}?fait=cree", p.slug))),
        Err(e) if is_form_error(&e) => {
            let mut page = form_page(&app, &ctx, None, input).await?;
            page.form = FormState::from_error(ctx.i18n(), &e);
            Ok(html(StatusCode::from_u16(e.status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY), page))
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default)]
pub struct Done {
    fait: Option<String>,
}

fn done_key(d: &Done) -> Option<&'static str> {
    match d.fait.as_deref() {
        Some("cree") => Some("manage.done.created"),
        Some("enregistre") => Some("manage.done.saved"),
        Some("etape") => Some("manage.done.phase"),
        Some("cout") => Some("manage.done.cost"),
        Some("budget") => Some("manage.done.budget"),
        Some("temoignage") => Some("manage.done.testimonial"),
        Some("couverture") => Some("manage.done.cover"),
        Some("supprime") => Some("manage.done.deleted"),
        _ => None,
    }
}

pub async fn edit_form(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(d): Query<Done>,
) -> AppResult<Response> {
    let p = uc::managed(&app, user(&ctx)?, &slug).await?;
    let v = ProgrammeInput::from_row(&p);
    let mut page = form_page(&app, &ctx, Some(p), v).await?;
    page.done = done_key(&d);
    Ok(html(StatusCode::OK, page))
}

/// Re-renders the edit page of `slug` with one section's problem shown.
async fn edit_with_error(
    app: &App,
    ctx: &Ctx,
    slug: &str,
    e: AppError,
    set: impl FnOnce(&mut ProgrammeForm, FormState),
) -> AppResult<Response> {
    if !is_form_error(&e) {
        return Err(e);
    }
    let p = uc::managed(app, user(ctx)?, slug).await?;
    let v = ProgrammeInput::from_row(&p);
    let mut page = form_page(app, ctx, Some(p), v).await?;
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
    set(&mut page, FormState::from_error(ctx.i18n(), &e));
    Ok(html(status, page))
}

pub async fn update(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>, body: Bytes) -> AppResult<Response> {
    let input = programme_input(&pairs(&body));
    match uc::update(&app, user(&ctx)?, &slug, &input).await {
        Ok(p) => Ok(see_other(&format!("/gestion/programmes/{}?fait=enregistre", p.slug))),
        Err(e) if is_form_error(&e) => {
            let p = uc::managed(&app, user(&ctx)?, &slug).await?;
            let mut page = form_page(&app, &ctx, Some(p), input).await?;
            page.form = FormState::from_error(ctx.i18n(), &e);
            Ok(html(StatusCode::from_u16(e.status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY), page))
        }
        Err(e) => Err(e),
    }
}

fn back(slug: &str, what: &str) -> Response {
    see_other(&format!("/gestion/programmes/{slug}?fait={what}"))
}

pub async fn add_phase(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>, body: Bytes) -> AppResult<Response> {
    let p = pairs(&body);
    let input = PhaseInput {
        kind: get(&p, "kind"),
        title: get(&p, "title"),
        title_en: get(&p, "title_en"),
        start_date: get(&p, "start_date"),
        end_date: get(&p, "end_date"),
    };
    match uc::add_phase(&app, user(&ctx)?, &slug, &input).await {
        Ok(_) => Ok(back(&slug, "etape")),
        Err(e) => {
            let i = ctx.i18n();
            edit_with_error(&app, &ctx, &slug, e, |page, f| {
                page.phase_kinds = phase_kinds(i, &input.kind);
                page.phase = input;
                page.phase_form = f;
            })
            .await
        }
    }
}

pub async fn delete_phase(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
) -> AppResult<Response> {
    uc::delete_phase(&app, user(&ctx)?, &slug, id).await?;
    Ok(back(&slug, "supprime"))
}

pub async fn move_phase(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
    body: Bytes,
) -> AppResult<Response> {
    let up = get(&pairs(&body), "direction") != "down";
    uc::move_phase(&app, user(&ctx)?, &slug, id, up).await?;
    Ok(back(&slug, "etape"))
}

pub async fn set_cost(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>, body: Bytes) -> AppResult<Response> {
    let p = pairs(&body);
    let (year, amount) = (get(&p, "year"), get(&p, "amount"));
    match uc::set_cost(&app, user(&ctx)?, &slug, &year, &amount).await {
        Ok(()) => Ok(back(&slug, "cout")),
        Err(e) => {
            edit_with_error(&app, &ctx, &slug, e, |page, f| {
                page.cost_year = year;
                page.cost_amount = amount;
                page.cost_form = f;
            })
            .await
        }
    }
}

pub async fn add_budget_line(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    body: Bytes,
) -> AppResult<Response> {
    let p = pairs(&body);
    let input = BudgetLineInput {
        year: get(&p, "year"),
        category: get(&p, "category"),
        planned: get(&p, "planned"),
        actual: get(&p, "actual"),
        is_public: flag(&p, "is_public"),
    };
    match uc::add_budget_line(&app, user(&ctx)?, &slug, &input).await {
        Ok(_) => Ok(back(&slug, "budget")),
        Err(e) => {
            edit_with_error(&app, &ctx, &slug, e, |page, f| {
                page.line = input;
                page.line_form = f;
            })
            .await
        }
    }
}

pub async fn delete_budget_line(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
) -> AppResult<Response> {
    uc::delete_budget_line(&app, user(&ctx)?, &slug, id).await?;
    Ok(back(&slug, "supprime"))
}

pub async fn add_testimonial(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    body: Bytes,
) -> AppResult<Response> {
    let p = pairs(&body);
    let input = TestimonialInput {
        quote: get(&p, "quote"),
        person_name: get(&p, "person_name"),
        person_role: get(&p, "person_role"),
        person_country: get(&p, "person_country"),
        language: get(&p, "language"),
        consent: flag(&p, "consent"),
    };
    match uc::add_testimonial(&app, user(&ctx)?, &slug, &input).await {
        Ok(_) => Ok(back(&slug, "temoignage")),
        Err(e) => {
            edit_with_error(&app, &ctx, &slug, e, |page, f| {
                page.testimonial = input;
                page.testimonial_form = f;
            })
            .await
        }
    }
}

pub async fn set_consent(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
    body: Bytes,
) -> AppResult<Response> {
    let consent = flag(&pairs(&body), "consent");
    uc::set_testimonial_consent(&app, user(&ctx)?, &slug, id, consent).await?;
    Ok(back(&slug, "temoignage"))
}

pub async fn delete_testimonial(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
) -> AppResult<Response> {
    uc::delete_testimonial(&app, user(&ctx)?, &slug, id).await?;
    Ok(back(&slug, "supprime"))
}

/// The bytes of the file field `name` of a multipart form.
async fn file_field(multipart: &mut Multipart, name: &str) -> AppResult<Bytes> {
    let mut data: Option<Bytes> = None;
    while let Some(field) = multipart.next_field().await.map_err(|_| AppError::field("image", "error.image.too_big"))? {
        if field.name() == Some(name) {
            data = Some(field.bytes().await.map_err(|_| AppError::field("image", "error.image.too_big"))?);
        }
    }
    data.filter(|d| !d.is_empty()).ok_or(AppError::field("image", "error.image.missing"))
}

/// The cover image: a multipart upload, checked, resized to a light variant.
pub async fn upload_cover(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let u = user(&ctx)?;
    let result = match file_field(&mut multipart, "cover").await {
        Ok(bytes) => crate::media::set_cover(&app, u, &slug, &bytes).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(back(&slug, "couverture")),
        Err(e) => edit_with_error(&app, &ctx, &slug, e, |page, f| page.cover_form = f).await,
    }
}

/// A testimonial author's portrait, made into a small light variant.
pub async fn upload_photo(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let u = user(&ctx)?;
    let result = match file_field(&mut multipart, "photo").await {
        Ok(bytes) => crate::media::set_testimonial_photo(&app, u, &slug, id, &bytes).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(back(&slug, "temoignage")),
        Err(e) => edit_with_error(&app, &ctx, &slug, e, |page, f| page.testimonial_form = f).await,
    }
}

// ------------------------------------------------------------------ report forewords

#[derive(Template)]
#[template(path = "manage_report.html")]
struct ReportForm {
    page: PageCtx,
    year: i64,
    foreword: String,
    foreword_en: String,
    form: FormState,
    saved: bool,
}

pub async fn report_form(
    State(app): State<App>,
    ctx: Ctx,
    Path(year): Path<i64>,
    Query(d): Query<Done>,
) -> AppResult<Response> {
    if !user(&ctx)?.is_admin() {
        return Err(AppError::Forbidden);
    }
    let r = reports::get(&app.db, year).await?.unwrap_or_default();
    let i = ctx.i18n();
    Ok(html(
        StatusCode::OK,
        ReportForm {
            page: PageCtx::new(&ctx, &i.tf1("manage.report_title", "year", year)),
            year,
            foreword: r.foreword,
            foreword_en: r.foreword_en,
            form: FormState::default(),
            saved: d.fait.is_some(),
        },
    ))
}

pub async fn save_report(State(app): State<App>, ctx: Ctx, Path(year): Path<i64>, body: Bytes) -> AppResult<Response> {
    let p = pairs(&body);
    let (foreword, foreword_en) = (get(&p, "foreword"), get(&p, "foreword_en"));
    match uc::save_report(&app, user(&ctx)?, year, &foreword, &foreword_en).await {
        Ok(()) => Ok(see_other(&format!("/gestion/rapports/{year}?fait=enregistre"))),
        Err(e) if is_form_error(&e) => {
            let i = ctx.i18n();
            let page = ReportForm {
                page: PageCtx::new(&ctx, &i.tf1("manage.report_title", "year", year)),
                year,
                foreword,
                foreword_en,
                form: FormState::from_error(i, &e),
                saved: false,
            };
            Ok(html(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(e) => Err(e),
    }
}

// ------------------------------------------------------------------ calls for applications

#[derive(Template)]
#[template(path = "manage_call.html")]
struct CallForm {
    page: PageCtx,
    programme_slug: String,
    /// None when creating.
    existing: Option<String>,
    v: crate::calls::CallInput,
    form: FormState,
    statuses: Vec<Choice>,
    zones: &'static [&'static str],
    saved: bool,
}

impl CallForm {
    fn has_lang(&self, l: &str) -> bool {
        self.v.languages.iter().flat_map(|x| x.split(',')).any(|x| x.trim() == l)
    }
}

fn call_statuses(i: I18n, current: &str) -> Vec<Choice> {
    crate::domain::call::CallStatus::ALL
        .iter()
        .map(|s| Choice {
            code: s.code(),
            label: i.t(&format!("call.status.{}", s.code())).to_owned(),
            selected: s.code() == current,
        })
        .collect()
}

fn call_form(
    ctx: &Ctx,
    programme_slug: String,
    existing: Option<String>,
    v: crate::calls::CallInput,
    saved: bool,
) -> CallForm {
    let i = ctx.i18n();
    let title = if existing.is_some() { i.t("call.edit") } else { i.t("call.new") };
    CallForm {
        page: PageCtx::new(ctx, title),
        statuses: call_statuses(i, &v.status),
        programme_slug,
        existing,
        v,
        form: FormState::default(),
        zones: crate::domain::time::OFFERED_ZONES,
        saved,
    }
}

fn call_input(p: &[(String, String)]) -> crate::calls::CallInput {
    crate::calls::CallInput {
        slug: get(p, "slug"),
        title: get(p, "title"),
        title_en: get(p, "title_en"),
        description: get(p, "description"),
        description_en: get(p, "description_en"),
        opens_date: get(p, "opens_date"),
        opens_time: get(p, "opens_time"),
        closes_date: get(p, "closes_date"),
        closes_time: get(p, "closes_time"),
        time_zone: get(p, "time_zone"),
        languages: p.iter().filter(|(k, _)| k == "languages").map(|(_, v)| v.clone()).collect(),
        max_applications: get(p, "max_applications"),
        status: get(p, "status"),
    }
}

pub async fn new_call_form(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>) -> AppResult<Response> {
    let p = uc::managed(&app, user(&ctx)?, &slug).await?;
    let v = crate::calls::CallInput {
        opens_time: "00:00".into(),
        closes_time: "24:00".into(),
        time_zone: "Africa/Abidjan".into(),
        languages: vec!["fr".into()],
        status: "draft".into(),
        ..Default::default()
    };
    Ok(html(StatusCode::OK, call_form(&ctx, p.slug, None, v, false)))
}

pub async fn create_call(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    body: Bytes,
) -> AppResult<Response> {
    let input = call_input(&pairs(&body));
    match crate::calls::create(&app, user(&ctx)?, &slug, &input).await {
        Ok(c) => Ok(see_other(&format!("/gestion/appels/{}?fait=cree", c.slug))),
        Err(e) if is_form_error(&e) => {
            let mut page = call_form(&ctx, slug, None, input, false);
            page.form = FormState::from_error(ctx.i18n(), &e);
            Ok(html(StatusCode::from_u16(e.status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY), page))
        }
        Err(e) => Err(e),
    }
}

pub async fn edit_call_form(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(d): Query<Done>,
) -> AppResult<Response> {
    let c = crate::calls::managed(&app, user(&ctx)?, &slug).await?;
    let v = crate::calls::CallInput::from_row(&c);
    Ok(html(StatusCode::OK, call_form(&ctx, c.programme_slug.clone(), Some(c.slug.clone()), v, d.fait.is_some())))
}

pub async fn update_call(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    body: Bytes,
) -> AppResult<Response> {
    let input = call_input(&pairs(&body));
    match crate::calls::update(&app, user(&ctx)?, &slug, &input).await {
        Ok(c) => Ok(see_other(&format!("/gestion/appels/{}?fait=enregistre", c.slug))),
        Err(e) if is_form_error(&e) => {
            let c = crate::calls::managed(&app, user(&ctx)?, &slug).await?;
            let mut page = call_form(&ctx, c.programme_slug, Some(c.slug), input, false);
            page.form = FormState::from_error(ctx.i18n(), &e);
            Ok(html(StatusCode::from_u16(e.status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY), page))
        }
        Err(e) => Err(e),
    }
}

// ------------------------------------------------------------------ application form builder

/// Kinds offered in the builder. File questions exist in the form schema (and the API) but
/// are offered here once applicants can upload files with their application.
pub const QUESTION_KINDS: &[&str] = &[
    "short_text",
    "long_text",
    "single_choice",
    "multiple_choice",
    "number",
    "date",
    "country",
    "email",
    "phone",
    "url",
    "file",
    "yes_no",
];

pub struct QuestionView {
    pub id: String,
    pub label: String,
    pub kind: &'static str,
    pub required: bool,
    pub condition: Option<String>,
    pub options: Vec<String>,
}

pub struct SectionView {
    pub id: String,
    pub title: String,
    pub questions: Vec<QuestionView>,
}

#[derive(Template)]
#[template(path = "manage_form.html")]
struct FormBuilder {
    page: PageCtx,
    call_slug: String,
    call_title: String,
    version: i64,
    sections: Vec<SectionView>,
    kinds: Vec<Choice>,
    question: crate::calls::QuestionInput,
    form: FormState,
    section_form: FormState,
    other_calls: Vec<(String, String)>,
    done: Option<&'static str>,
}

impl FormBuilder {
    /// The file types offered as checkboxes: (code, label, checked).
    fn file_types(&self) -> Vec<(&'static str, &'static str, bool)> {
        let chosen: Vec<&str> = self.question.file_types.split(',').map(str::trim).collect();
        crate::domain::attachment::FileType::ALL
            .iter()
            .map(|t| (t.code(), t.label(), chosen.contains(&t.code())))
            .collect()
    }
}

pub fn sections_view(i: I18n, form: &crate::domain::form::Form) -> Vec<SectionView> {
    use crate::domain::form::Kind;
    let en = i.locale == crate::domain::locale::Locale::En;
    let loc = |fr: &str, e: &str| crate::domain::programme::localized(fr, e, en).to_owned();
    form.sections
        .iter()
        .map(|s| SectionView {
            id: s.id.clone(),
            title: loc(&s.title, &s.title_en),
            questions: s
                .questions
                .iter()
                .map(|q| {
                    let code = match &q.kind {
                        Kind::ShortText { .. } => "short_text",
                        Kind::LongText { .. } => "long_text",
                        Kind::SingleChoice { .. } => "single_choice",
                        Kind::MultipleChoice { .. } => "multiple_choice",
                        Kind::Number { .. } => "number",
                        Kind::Date => "date",
                        Kind::Country => "country",
                        Kind::Email => "email",
                        Kind::Phone => "phone",
                        Kind::Url => "url",
                        Kind::File { .. } => "file",
                        Kind::YesNo => "yes_no",
                    };
                    let options = match &q.kind {
                        Kind::SingleChoice { options } | Kind::MultipleChoice { options, .. } => {
                            options.iter().map(|o| loc(&o.label, &o.label_en)).collect()
                        }
                        Kind::File { types, max_bytes } => {
                            let mut v: Vec<String> = types.iter().map(|t| t.label().to_owned()).collect();
                            v.push(crate::domain::attachment::human_size(*max_bytes, !en));
                            v
                        }
                        _ => vec![],
                    };
                    QuestionView {
                        id: q.id.clone(),
                        label: loc(&q.label, &q.label_en),
                        kind: i.t(&format!("formkind.{code}")),
                        required: q.required,
                        condition: q.show_if.as_ref().map(|c| format!("{} = {}", c.question, c.equals)),
                        options,
                    }
                })
                .collect(),
        })
        .collect()
}

async fn builder(app: &App, ctx: &Ctx, slug: &str, done: Option<&'static str>) -> AppResult<FormBuilder> {
    let i = ctx.i18n();
    let c = crate::calls::managed(app, user(ctx)?, slug).await?;
    let (version, form) = crate::store::forms::current(&app.db, c.id).await?;
    let other_calls = crate::store::calls::of_programme(&app.db, c.programme_id)
        .await?
        .into_iter()
        .filter(|o| o.id != c.id)
        .map(|o| (o.slug, o.title))
        .collect();
    Ok(FormBuilder {
        page: PageCtx::new(ctx, &i.tf1("form.title", "title", &c.title)),
        call_slug: c.slug.clone(),
        call_title: c.title.clone(),
        version,
        sections: sections_view(i, &form),
        kinds: QUESTION_KINDS
            .iter()
            .map(|k| Choice { code: k, label: i.t(&format!("formkind.{k}")).to_owned(), selected: *k == "short_text" })
            .collect(),
        question: crate::calls::QuestionInput { required: true, ..Default::default() },
        form: FormState::default(),
        section_form: FormState::default(),
        other_calls,
        done,
    })
}

pub async fn form_builder(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(d): Query<Done>,
) -> AppResult<Response> {
    let done = d.fait.is_some().then_some("manage.done.saved");
    Ok(html(StatusCode::OK, builder(&app, &ctx, &slug, done).await?))
}

fn based_on(p: &[(String, String)]) -> i64 {
    get(p, "version").parse().unwrap_or(-1)
}

fn back_to_form(slug: &str) -> Response {
    see_other(&format!("/gestion/appels/{slug}/formulaire?fait=1"))
}

pub async fn add_question(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    body: Bytes,
) -> AppResult<Response> {
    let p = pairs(&body);
    let input = crate::calls::QuestionInput {
        section: get(&p, "section"),
        kind: get(&p, "kind"),
        label: get(&p, "label"),
        label_en: get(&p, "label_en"),
        help: get(&p, "help"),
        help_en: get(&p, "help_en"),
        required: flag(&p, "required"),
        identifying: flag(&p, "identifying"),
        options: get(&p, "options"),
        max_chars: get(&p, "max_chars"),
        max_words: get(&p, "max_words"),
        min: get(&p, "min"),
        max: get(&p, "max"),
        max_selected: get(&p, "max_selected"),
        // Checkboxes (one `file_type` per type) on the page; a comma-separated list also works.
        file_types: p
            .iter()
            .filter(|(k, _)| k == "file_type" || k == "file_types")
            .map(|(_, v)| v.as_str())
            .collect::<Vec<_>>()
            .join(","),
        max_mb: get(&p, "max_mb"),
        show_if_question: get(&p, "show_if_question"),
        show_if_value: get(&p, "show_if_value"),
    };
    match crate::calls::add_question(&app, user(&ctx)?, &slug, based_on(&p), &input).await {
        Ok(_) => Ok(back_to_form(&slug)),
        Err(e) if is_form_error(&e) => {
            let mut page = builder(&app, &ctx, &slug, None).await?;
            let i = ctx.i18n();
            page.kinds.iter_mut().for_each(|k| k.selected = k.code == input.kind);
            page.question = input;
            page.form = FormState::from_error(i, &e);
            Ok(html(StatusCode::from_u16(e.status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY), page))
        }
        Err(e) => Err(e),
    }
}

pub async fn add_section(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    body: Bytes,
) -> AppResult<Response> {
    let p = pairs(&body);
    match crate::calls::add_section(&app, user(&ctx)?, &slug, based_on(&p), &get(&p, "title"), &get(&p, "title_en"))
        .await
    {
        Ok(_) => Ok(back_to_form(&slug)),
        Err(e) if is_form_error(&e) => {
            let mut page = builder(&app, &ctx, &slug, None).await?;
            page.section_form = FormState::from_error(ctx.i18n(), &e);
            Ok(html(StatusCode::from_u16(e.status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY), page))
        }
        Err(e) => Err(e),
    }
}

pub async fn delete_question(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, qid)): Path<(String, String)>,
    body: Bytes,
) -> AppResult<Response> {
    crate::calls::delete_question(&app, user(&ctx)?, &slug, based_on(&pairs(&body)), &qid).await?;
    Ok(back_to_form(&slug))
}

pub async fn copy_form(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>, body: Bytes) -> AppResult<Response> {
    let p = pairs(&body);
    crate::calls::copy_form(&app, user(&ctx)?, &slug, based_on(&p), &get(&p, "from")).await?;
    Ok(back_to_form(&slug))
}
