//! Programmes, their phases, budgets and testimonials, reports, search and indicators
//! through the API: the same use cases as the pages.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ErrorBody;
use crate::app::App;
use crate::domain::locale::Locale;
use crate::domain::programme::localized;
use crate::domain::search::Query as SearchQuery;
use crate::error::{AppError, AppResult};
use crate::programmes::{self as uc, BudgetLineInput, PhaseInput, ProgrammeInput, TestimonialInput};
use crate::store::programmes::{self, ProgrammeRow};
use crate::store::{reports, search};
use crate::web::context::Ctx;
use crate::web::extract::ApiJson;

#[derive(Serialize, ToSchema)]
pub struct Programme {
    pub slug: String,
    pub title: String,
    pub title_en: String,
    pub mission: String,
    pub mission_en: String,
    /// Markdown.
    pub body: String,
    pub body_en: String,
    pub region: String,
    pub countries: Vec<String>,
    pub themes: Vec<String>,
    pub funders: Vec<String>,
    pub partners: Vec<String>,
    /// `YYYY-MM`
    pub start_month: String,
    /// `YYYY-MM`
    pub end_month: String,
    pub status: String,
    pub currency: String,
    /// Estimated global budget in minor units (cents); null when unknown or not public.
    pub budget_estimate_minor: Option<i64>,
    pub budget_public: bool,
    pub is_public: bool,
    /// Address of the cover's light variant, if any.
    pub cover_url: Option<String>,
}

impl Programme {
    fn new(p: &ProgrammeRow, show_budget: bool) -> Programme {
        let list = |f: &str| ProgrammeRow::list(f).into_iter().map(str::to_owned).collect();
        Programme {
            slug: p.slug.clone(),
            title: p.title.clone(),
            title_en: p.title_en.clone(),
            mission: p.mission.clone(),
            mission_en: p.mission_en.clone(),
            body: p.body.clone(),
            body_en: p.body_en.clone(),
            region: p.region.clone(),
            countries: list(&p.countries),
            themes: list(&p.themes),
            funders: list(&p.funders),
            partners: list(&p.partners),
            start_month: p.start_month.clone(),
            end_month: p.end_month.clone(),
            status: p.status.clone(),
            currency: p.currency.clone(),
            budget_estimate_minor: p.budget_estimate_minor.filter(|_| show_budget),
            budget_public: p.budget_public(),
            is_public: p.is_public(),
            cover_url: p.cover_image.as_ref().map(|c| format!("/media/{c}")),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Phase {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub title_en: String,
    pub start_date: String,
    pub end_date: String,
}

#[derive(Serialize, ToSchema)]
pub struct YearCost {
    pub year: i64,
    pub amount_minor: i64,
}

#[derive(Serialize, ToSchema)]
pub struct BudgetLine {
    pub id: i64,
    pub year: i64,
    pub category: String,
    pub planned_minor: i64,
    pub actual_minor: Option<i64>,
    pub is_public: bool,
}

#[derive(Serialize, ToSchema)]
pub struct Testimonial {
    pub id: i64,
    pub quote: String,
    pub person_name: String,
    pub person_role: String,
    pub person_country: String,
    pub language: String,
    pub consent: bool,
    /// Address of the portrait's light variant, if any.
    pub photo_url: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ProgrammeDetail {
    #[serde(flatten)]
    pub programme: Programme,
    pub phases: Vec<Phase>,
    pub full_costs: Vec<YearCost>,
    pub budget_lines: Vec<BudgetLine>,
    /// Consented testimonials; managers also see the others, with `consent: false`.
    pub testimonials: Vec<Testimonial>,
}

async fn can_manage(app: &App, ctx: &Ctx, slug: &str) -> bool {
    match ctx.user.as_deref() {
        Some(u) => uc::managed(app, u, slug).await.is_ok(),
        None => false,
    }
}

async fn detail(app: &App, ctx: &Ctx, slug: &str) -> AppResult<ProgrammeDetail> {
    let p = uc::visible(app, ctx.user.as_deref(), slug).await?;
    let manager = can_manage(app, ctx, slug).await;
    let show_budget = p.budget_public() || manager;
    let phases = programmes::phases(&app.db, p.id)
        .await?
        .into_iter()
        .map(|ph| Phase {
            id: ph.id,
            kind: ph.kind,
            title: ph.title,
            title_en: ph.title_en,
            start_date: ph.start_date,
            end_date: ph.end_date,
        })
        .collect();
    let full_costs = if show_budget {
        programmes::costs(&app.db, p.id)
            .await?
            .into_iter()
            .map(|(year, amount_minor)| YearCost { year, amount_minor })
            .collect()
    } else {
        vec![]
    };
    let budget_lines = if show_budget {
        programmes::budget_lines(&app.db, p.id, !manager)
            .await?
            .into_iter()
            .map(|l| BudgetLine {
                id: l.id,
                year: l.year,
                category: l.category,
                planned_minor: l.planned_minor,
                actual_minor: l.actual_minor,
                is_public: l.is_public != 0,
            })
            .collect()
    } else {
        vec![]
    };
    let rows = if manager {
        programmes::all_testimonials(&app.db, p.id).await?
    } else {
        programmes::public_testimonials(&app.db, p.id).await?
    };
    let testimonials = rows
        .into_iter()
        .map(|t| Testimonial {
            id: t.id,
            quote: t.quote,
            person_name: t.person_name,
            person_role: t.person_role,
            person_country: t.person_country,
            language: t.locale,
            consent: t.consent != 0,
            photo_url: t.photo.map(|p| format!("/media/{p}")),
        })
        .collect();
    Ok(ProgrammeDetail { programme: Programme::new(&p, show_budget), phases, full_costs, budget_lines, testimonials })
}

/// Public programmes, plus the private ones the caller manages.
#[utoipa::path(get, path = "/api/v1/programmes", tag = "programmes", responses((status = 200, body = Vec<Programme>)))]
pub async fn list(State(app): State<App>, ctx: Ctx) -> AppResult<Json<Vec<Programme>>> {
    let mut rows = programmes::list_public(&app.db).await?;
    if let Some(u) = ctx.user.as_deref() {
        for p in programmes::list_managed(&app.db, u.id, u.is_admin()).await? {
            if !p.is_public() {
                rows.push(p);
            }
        }
    }
    Ok(Json(rows.iter().map(|p| Programme::new(p, p.budget_public())).collect()))
}

/// One programme with its phases, budget and testimonials.
#[utoipa::path(get, path = "/api/v1/programmes/{slug}", tag = "programmes", params(("slug" = String, Path)),
    responses((status = 200, body = ProgrammeDetail), (status = 404, body = ErrorBody)))]
pub async fn get_one(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>) -> AppResult<Json<ProgrammeDetail>> {
    Ok(Json(detail(&app, &ctx, &slug).await?))
}

/// Create a programme (administrators).
#[utoipa::path(post, path = "/api/v1/programmes", tag = "programmes", request_body = ProgrammeInput, security(("session" = []), ("token" = [])),
    responses((status = 201, body = ProgrammeDetail), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(State(app): State<App>, ctx: Ctx, ApiJson(input): ApiJson<ProgrammeInput>) -> AppResult<Response> {
    let p = uc::create(&app, ctx.require_user()?, &input).await?;
    Ok((StatusCode::CREATED, Json(detail(&app, &ctx, &p.slug).await?)).into_response())
}

/// Replace the editable fields of a programme (its managers and administrators).
#[utoipa::path(put, path = "/api/v1/programmes/{slug}", tag = "programmes", params(("slug" = String, Path)), request_body = ProgrammeInput,
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = ProgrammeDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    ApiJson(input): ApiJson<ProgrammeInput>,
) -> AppResult<Json<ProgrammeDetail>> {
    let p = uc::update(&app, ctx.require_user()?, &slug, &input).await?;
    Ok(Json(detail(&app, &ctx, &p.slug).await?))
}

#[derive(Serialize, ToSchema)]
pub struct Created {
    pub id: i64,
}

/// Add a phase.
#[utoipa::path(post, path = "/api/v1/programmes/{slug}/phases", tag = "programmes", params(("slug" = String, Path)), request_body = PhaseInput,
    security(("session" = []), ("token" = [])), responses((status = 201, body = Created), (status = 422, body = ErrorBody)))]
pub async fn add_phase(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    ApiJson(input): ApiJson<PhaseInput>,
) -> AppResult<Response> {
    let id = uc::add_phase(&app, ctx.require_user()?, &slug, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })).into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct MoveRequest {
    /// `up` (earlier) or `down` (later).
    pub direction: String,
}

/// Move a phase one place earlier or later.
#[utoipa::path(post, path = "/api/v1/programmes/{slug}/phases/{id}/move", tag = "programmes", params(("slug" = String, Path), ("id" = i64, Path)),
    request_body = MoveRequest, security(("session" = []), ("token" = [])), responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn move_phase(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
    ApiJson(r): ApiJson<MoveRequest>,
) -> AppResult<StatusCode> {
    let up = match r.direction.as_str() {
        "up" => true,
        "down" => false,
        _ => return Err(AppError::field("direction", "error.phase.direction")),
    };
    uc::move_phase(&app, ctx.require_user()?, &slug, id, up).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Remove a phase.
#[utoipa::path(delete, path = "/api/v1/programmes/{slug}/phases/{id}", tag = "programmes", params(("slug" = String, Path), ("id" = i64, Path)),
    security(("session" = []), ("token" = [])), responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn delete_phase(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
) -> AppResult<StatusCode> {
    uc::delete_phase(&app, ctx.require_user()?, &slug, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct CostRequest {
    /// e.g. `55 000`
    pub amount: String,
}

/// Set the full costs of a year.
#[utoipa::path(put, path = "/api/v1/programmes/{slug}/costs/{year}", tag = "programmes", params(("slug" = String, Path), ("year" = String, Path)),
    request_body = CostRequest, security(("session" = []), ("token" = [])), responses((status = 204), (status = 422, body = ErrorBody)))]
pub async fn set_cost(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, year)): Path<(String, String)>,
    ApiJson(r): ApiJson<CostRequest>,
) -> AppResult<StatusCode> {
    if r.amount.trim().is_empty() {
        return Err(AppError::field("amount", "error.field.required"));
    }
    uc::set_cost(&app, ctx.require_user()?, &slug, &year, &r.amount).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Remove the full costs of a year.
#[utoipa::path(delete, path = "/api/v1/programmes/{slug}/costs/{year}", tag = "programmes", params(("slug" = String, Path), ("year" = String, Path)),
    security(("session" = []), ("token" = [])), responses((status = 204), (status = 422, body = ErrorBody)))]
pub async fn delete_cost(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, year)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    uc::set_cost(&app, ctx.require_user()?, &slug, &year, "").await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Add a budget line.
#[utoipa::path(post, path = "/api/v1/programmes/{slug}/budget-lines", tag = "programmes", params(("slug" = String, Path)), request_body = BudgetLineInput,
    security(("session" = []), ("token" = [])), responses((status = 201, body = Created), (status = 422, body = ErrorBody)))]
pub async fn add_budget_line(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    ApiJson(input): ApiJson<BudgetLineInput>,
) -> AppResult<Response> {
    let id = uc::add_budget_line(&app, ctx.require_user()?, &slug, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })).into_response())
}

/// Remove a budget line.
#[utoipa::path(delete, path = "/api/v1/programmes/{slug}/budget-lines/{id}", tag = "programmes", params(("slug" = String, Path), ("id" = i64, Path)),
    security(("session" = []), ("token" = [])), responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn delete_budget_line(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
) -> AppResult<StatusCode> {
    uc::delete_budget_line(&app, ctx.require_user()?, &slug, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Add a testimonial.
#[utoipa::path(post, path = "/api/v1/programmes/{slug}/testimonials", tag = "programmes", params(("slug" = String, Path)), request_body = TestimonialInput,
    security(("session" = []), ("token" = [])), responses((status = 201, body = Created), (status = 422, body = ErrorBody)))]
pub async fn add_testimonial(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    ApiJson(input): ApiJson<TestimonialInput>,
) -> AppResult<Response> {
    let id = uc::add_testimonial(&app, ctx.require_user()?, &slug, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })).into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct ConsentRequest {
    pub consent: bool,
}

/// Record whether the author consents to publication.
#[utoipa::path(patch, path = "/api/v1/programmes/{slug}/testimonials/{id}", tag = "programmes", params(("slug" = String, Path), ("id" = i64, Path)),
    request_body = ConsentRequest, security(("session" = []), ("token" = [])), responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn set_consent(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
    ApiJson(r): ApiJson<ConsentRequest>,
) -> AppResult<StatusCode> {
    uc::set_testimonial_consent(&app, ctx.require_user()?, &slug, id, r.consent).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Remove a testimonial.
#[utoipa::path(delete, path = "/api/v1/programmes/{slug}/testimonials/{id}", tag = "programmes", params(("slug" = String, Path), ("id" = i64, Path)),
    security(("session" = []), ("token" = [])), responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn delete_testimonial(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
) -> AppResult<StatusCode> {
    uc::delete_testimonial(&app, ctx.require_user()?, &slug, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct Report {
    pub year: i64,
    /// Markdown.
    pub foreword: String,
    pub foreword_en: String,
    /// Public programmes active that year.
    #[serde(default)]
    pub programmes: Vec<String>,
}

/// A year's report: foreword and programmes.
#[utoipa::path(get, path = "/api/v1/reports/{year}", tag = "reports", params(("year" = i64, Path)),
    responses((status = 200, body = Report), (status = 404, body = ErrorBody)))]
pub async fn get_report(State(app): State<App>, Path(year): Path<i64>) -> AppResult<Json<Report>> {
    let f = reports::get(&app.db, year).await?;
    let progs: Vec<String> = programmes::public_active_in(&app.db, year).await?.into_iter().map(|p| p.slug).collect();
    if f.is_none() && progs.is_empty() {
        return Err(AppError::NotFound);
    }
    let f = f.unwrap_or_default();
    Ok(Json(Report { year, foreword: f.foreword, foreword_en: f.foreword_en, programmes: progs }))
}

#[derive(Deserialize, ToSchema)]
pub struct ReportRequest {
    #[serde(default)]
    pub foreword: String,
    #[serde(default)]
    pub foreword_en: String,
}

/// Write a year's foreword (administrators).
#[utoipa::path(put, path = "/api/v1/reports/{year}", tag = "reports", params(("year" = i64, Path)), request_body = ReportRequest,
    security(("session" = []), ("token" = [])), responses((status = 204), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_report(
    State(app): State<App>,
    ctx: Ctx,
    Path(year): Path<i64>,
    ApiJson(r): ApiJson<ReportRequest>,
) -> AppResult<StatusCode> {
    uc::save_report(&app, ctx.require_user()?, year, &r.foreword, &r.foreword_en).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct SearchParams {
    /// Words to look for (200 characters at most).
    pub q: String,
    /// From 1.
    pub page: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct SearchHit {
    /// programme, testimonial or report
    pub kind: String,
    pub title: String,
    pub url: String,
    /// HTML: the matching words are wrapped in `<mark>`; everything else is escaped.
    pub snippet: String,
}

#[derive(Serialize, ToSchema)]
pub struct SearchResults {
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    pub results: Vec<SearchHit>,
}

/// Full-text search over public programmes, testimonials and reports (French and English).
#[utoipa::path(get, path = "/api/v1/search", tag = "search", params(SearchParams),
    responses((status = 200, body = SearchResults), (status = 422, body = ErrorBody)))]
pub async fn search_api(
    State(app): State<App>,
    ctx: Ctx,
    Query(p): Query<SearchParams>,
) -> AppResult<Json<SearchResults>> {
    let q = SearchQuery::parse(&p.q).map_err(|e| AppError::field("q", e.message_key()))?;
    let page = p.page.unwrap_or(1).clamp(1, 1000);
    let index = app.cache.search_index(&app.db).await?;
    let (hits, total) = index.query(&q, (page - 1) as usize, search::PAGE_SIZE as usize);
    let total = total as i64;
    let en = ctx.locale == Locale::En;
    let results = hits
        .into_iter()
        .map(|h| SearchHit {
            kind: h.kind.clone(),
            title: localized(&h.title, &h.title_en, en).to_owned(),
            snippet: crate::domain::search::snippet(localized(&h.body, &h.body_en, en), &q, 30),
            url: h.url.clone(),
        })
        .collect();
    Ok(Json(SearchResults { total, page, pages: (total + search::PAGE_SIZE - 1) / search::PAGE_SIZE, results }))
}

#[derive(Serialize, ToSchema)]
pub struct IndicatorCount {
    pub programme: String,
    pub year: i64,
    /// applicants, selected, completed or certified
    pub stage: String,
    /// female, male, other or undisclosed
    pub gender: String,
    /// ISO code, empty when not stated.
    pub country: String,
    pub people: i64,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct YearQuery {
    pub year: Option<i64>,
}

/// Counts of people per programme, year, stage, gender and country (no personal data).
#[utoipa::path(get, path = "/api/v1/indicators", tag = "reports", params(YearQuery), responses((status = 200, body = Vec<IndicatorCount>)))]
pub async fn indicators(State(app): State<App>, Query(q): Query<YearQuery>) -> AppResult<Json<Vec<IndicatorCount>>> {
    let (counts, _) = crate::web::pages::indicators::counts(&app, q.year.filter(|y| (1990..=2100).contains(y))).await?;
    Ok(Json(
        counts
            .into_iter()
            .map(|c| IndicatorCount {
                programme: c.programme,
                year: c.year,
                stage: c.stage.code().into(),
                gender: c.gender.code().into(),
                country: c.country,
                people: c.people,
            })
            .collect(),
    ))
}

async fn image_body(body: axum::body::Body) -> AppResult<axum::body::Bytes> {
    axum::body::to_bytes(body, crate::media::MAX_UPLOAD)
        .await
        .map_err(|_| AppError::field("image", "error.image.too_big"))
}

/// Upload the cover image: the raw bytes of a JPEG, PNG or WebP image (8 MB at most). A light
/// 480×270 variant is made; the original is not kept.
#[utoipa::path(put, path = "/api/v1/programmes/{slug}/cover", tag = "programmes", params(("slug" = String, Path)),
    request_body(content = String, content_type = "image/jpeg", description = "image bytes (JPEG, PNG or WebP)"),
    security(("session" = []), ("token" = [])), responses((status = 204), (status = 422, body = ErrorBody)))]
pub async fn put_cover(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    body: axum::body::Body,
) -> AppResult<StatusCode> {
    let user = ctx.require_user()?;
    let bytes = image_body(body).await?;
    crate::media::set_cover(&app, user, &slug, &bytes).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Upload the portrait of a testimonial's author (raw image bytes, 8 MB at most).
#[utoipa::path(put, path = "/api/v1/programmes/{slug}/testimonials/{id}/photo", tag = "programmes", params(("slug" = String, Path), ("id" = i64, Path)),
    request_body(content = String, content_type = "image/jpeg", description = "image bytes (JPEG, PNG or WebP)"),
    security(("session" = []), ("token" = [])), responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_photo(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
    body: axum::body::Body,
) -> AppResult<StatusCode> {
    let user = ctx.require_user()?;
    let bytes = image_body(body).await?;
    crate::media::set_testimonial_photo(&app, user, &slug, id, &bytes).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct Call {
    pub slug: String,
    pub programme: String,
    pub title: String,
    pub title_en: String,
    /// Markdown.
    pub description: String,
    pub description_en: String,
    /// Unix seconds; applications are accepted from `opens_at` included to `closes_at` excluded.
    pub opens_at: i64,
    pub closes_at: i64,
    /// The reference time zone (IANA).
    pub time_zone: String,
    /// The closing instant as announced, e.g. "28 décembre 2025 à 24:00 GMT".
    pub closes_announced: String,
    pub languages: Vec<String>,
    pub max_applications: Option<i64>,
    /// draft, open, closed or archived
    pub status: String,
    /// Whether applications are accepted right now, by the server's clock.
    pub accepting: bool,
}

fn call_json(ctx: &Ctx, c: &crate::store::calls::CallRow) -> Call {
    let zone = c.zone_name().zone();
    let phase = crate::domain::call::phase(c.status(), c.opens_at, c.closes_at, crate::domain::time::unix_now());
    Call {
        slug: c.slug.clone(),
        programme: c.programme_slug.clone(),
        title: c.title.clone(),
        title_en: c.title_en.clone(),
        description: c.description.clone(),
        description_en: c.description_en.clone(),
        opens_at: c.opens_at,
        closes_at: c.closes_at,
        time_zone: c.time_zone.clone(),
        closes_announced: ctx.i18n().deadline(c.closes_at, &zone),
        languages: c.languages.split(',').map(str::to_owned).collect(),
        max_applications: c.max_applications,
        status: c.status.clone(),
        accepting: matches!(phase, crate::domain::call::Phase::Accepting { .. }),
    }
}

/// Published calls of public programmes, those closing soonest first.
#[utoipa::path(get, path = "/api/v1/calls", tag = "calls", responses((status = 200, body = Vec<Call>)))]
pub async fn list_calls(State(app): State<App>, ctx: Ctx) -> AppResult<Json<Vec<Call>>> {
    Ok(Json(crate::store::calls::list_public(&app.db).await?.iter().map(|c| call_json(&ctx, c)).collect()))
}

/// One call (drafts only for the programme's managers).
#[utoipa::path(get, path = "/api/v1/calls/{slug}", tag = "calls", params(("slug" = String, Path)),
    responses((status = 200, body = Call), (status = 404, body = ErrorBody)))]
pub async fn get_call(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>) -> AppResult<Json<Call>> {
    let c = crate::calls::visible(&app, ctx.user.as_deref(), &slug).await?;
    Ok(Json(call_json(&ctx, &c)))
}

/// Open a call for a programme (its managers and administrators).
#[utoipa::path(post, path = "/api/v1/programmes/{slug}/calls", tag = "calls", params(("slug" = String, Path)), request_body = crate::calls::CallInput,
    security(("session" = []), ("token" = [])), responses((status = 201, body = Call), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_call(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    ApiJson(input): ApiJson<crate::calls::CallInput>,
) -> AppResult<Response> {
    let c = crate::calls::create(&app, ctx.require_user()?, &slug, &input).await?;
    Ok((StatusCode::CREATED, Json(call_json(&ctx, &c))).into_response())
}

/// Replace a call's fields.
#[utoipa::path(put, path = "/api/v1/calls/{slug}", tag = "calls", params(("slug" = String, Path)), request_body = crate::calls::CallInput,
    security(("session" = []), ("token" = [])), responses((status = 200, body = Call), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_call(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    ApiJson(input): ApiJson<crate::calls::CallInput>,
) -> AppResult<Json<Call>> {
    let c = crate::calls::update(&app, ctx.require_user()?, &slug, &input).await?;
    Ok(Json(call_json(&ctx, &c)))
}

#[derive(Serialize, ToSchema)]
pub struct CallForm {
    /// Version of the form; send it back as `based_on` when replacing the form.
    pub version: i64,
    /// Sections of typed questions (see the builder page for the kinds and their settings).
    #[schema(value_type = Object)]
    pub form: crate::domain::form::Form,
}

#[derive(Deserialize, ToSchema)]
pub struct PutCallForm {
    /// The version this edit starts from; if another was saved since, the answer is 409.
    pub based_on: i64,
    #[schema(value_type = Object)]
    pub form: crate::domain::form::Form,
}

/// The current application form of a call.
#[utoipa::path(get, path = "/api/v1/calls/{slug}/form", tag = "calls", params(("slug" = String, Path)),
    responses((status = 200, body = CallForm), (status = 404, body = ErrorBody)))]
pub async fn get_call_form(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>) -> AppResult<Json<CallForm>> {
    let (_, version, form) = crate::calls::form_of(&app, ctx.user.as_deref(), &slug).await?;
    Ok(Json(CallForm { version, form }))
}

/// Replace the application form (a new version; earlier answers keep theirs).
#[utoipa::path(put, path = "/api/v1/calls/{slug}/form", tag = "calls", params(("slug" = String, Path)), request_body = PutCallForm,
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = CallForm), (status = 409, body = ErrorBody, description = "changed since `based_on`"), (status = 422, body = ErrorBody)))]
pub async fn put_call_form(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    ApiJson(r): ApiJson<PutCallForm>,
) -> AppResult<Json<CallForm>> {
    let version = crate::calls::replace_form(&app, ctx.require_user()?, &slug, r.based_on, &r.form).await?;
    Ok(Json(CallForm { version, form: r.form }))
}

#[derive(Serialize, ToSchema)]
pub struct Application {
    /// draft, submitted or withdrawn
    pub status: String,
    /// Send it back as `revision` when saving or submitting (last-write check).
    pub revision: i64,
    pub form_version: i64,
    #[schema(value_type = Object)]
    pub answers: crate::domain::form::Answers,
    pub receipt: Option<String>,
    pub submitted_at: Option<i64>,
    /// Answers changed since the last submission.
    pub unsent_changes: bool,
    /// What the current answers fail among the eligibility rules, in the reader's language.
    pub eligibility: Vec<String>,
    /// Whether the call accepts applications now.
    pub accepting: bool,
    /// Answers of a save refused by the last-write check, kept aside.
    #[schema(value_type = Option<Object>)]
    pub conflict: Option<crate::domain::form::Answers>,
    /// Files sent for file questions (an answer names one by its id).
    pub files: Vec<super::attachments::Attachment>,
}

fn application_json(ctx: &Ctx, d: &crate::applications::Dossier) -> Application {
    let i = ctx.i18n();
    Application {
        status: d.application.status.clone(),
        revision: d.application.revision,
        form_version: d.application.form_version,
        answers: d.answers.clone(),
        receipt: d.application.receipt.clone(),
        submitted_at: d.application.submitted_at,
        unsent_changes: d.unsent_changes(),
        eligibility: d.eligibility().iter().map(|f| crate::web::pages::apply::failure_text(i, f)).collect(),
        accepting: d.accepting,
        conflict: d.conflict.clone(),
        files: d.files.values().map(super::attachments::Attachment::from).collect(),
    }
}

pub(super) fn apply_error(ctx: &Ctx, e: crate::applications::ApplyError) -> AppError {
    use crate::applications::ApplyError;
    match e {
        ApplyError::App(e) => e,
        ApplyError::Conflict => AppError::Conflict { field: "revision", key: "error.application.conflict" },
        ApplyError::Answers(errors) => {
            // Question ids are the form's own; the API names each in `fields`.
            let _ = ctx;
            AppError::Answers(errors.into_iter().map(|(k, v)| (k, v.message_key())).collect())
        }
        ApplyError::Ineligible(f) => {
            AppError::Ineligible(f.iter().map(|x| crate::web::pages::apply::failure_text(ctx.i18n(), x)).collect())
        }
    }
}

/// My application to a call (created empty on first request while the call is open).
#[utoipa::path(get, path = "/api/v1/calls/{slug}/application", tag = "applications", params(("slug" = String, Path)),
    security(("session" = []), ("token" = [])), responses((status = 200, body = Application), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_application(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> AppResult<Json<Application>> {
    let d = crate::applications::dossier(&app, ctx.require_user()?, &slug).await?;
    Ok(Json(application_json(&ctx, &d)))
}

#[derive(Deserialize, ToSchema)]
pub struct SaveApplication {
    /// The revision the answers are based on.
    pub revision: i64,
    #[schema(value_type = Object)]
    pub answers: crate::domain::form::Answers,
}

/// Save the draft (partial answers are fine; unknown questions are refused).
#[utoipa::path(put, path = "/api/v1/calls/{slug}/application", tag = "applications", params(("slug" = String, Path)), request_body = SaveApplication,
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Application), (status = 409, body = ErrorBody, description = "saved elsewhere since `revision`"), (status = 422, body = ErrorBody)))]
pub async fn save_application(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    ApiJson(r): ApiJson<SaveApplication>,
) -> AppResult<Json<Application>> {
    let user = ctx.require_user()?;
    crate::applications::save_draft(&app, user, &slug, r.revision, &r.answers)
        .await
        .map_err(|e| apply_error(&ctx, e))?;
    let d = crate::applications::dossier(&app, user, &slug).await?;
    Ok(Json(application_json(&ctx, &d)))
}

#[derive(Deserialize, ToSchema)]
pub struct SubmitApplication {
    /// The saved revision to submit; submitting it twice gives the same receipt.
    pub revision: i64,
}

/// Submit the saved answers (checked against the form and the eligibility rules).
#[utoipa::path(post, path = "/api/v1/calls/{slug}/application/submit", tag = "applications", params(("slug" = String, Path)), request_body = SubmitApplication,
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Application), (status = 400, body = ErrorBody, description = "call closed"), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn submit_application(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    ApiJson(r): ApiJson<SubmitApplication>,
) -> AppResult<Json<Application>> {
    let user = ctx.require_user()?;
    crate::applications::submit(&app, user, &slug, r.revision).await.map_err(|e| apply_error(&ctx, e))?;
    let d = crate::applications::dossier(&app, user, &slug).await?;
    Ok(Json(application_json(&ctx, &d)))
}

/// Withdraw my application (before the deadline).
#[utoipa::path(post, path = "/api/v1/calls/{slug}/application/withdraw", tag = "applications", params(("slug" = String, Path)),
    security(("session" = []), ("token" = [])), responses((status = 204), (status = 400, body = ErrorBody)))]
pub async fn withdraw_application(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>) -> AppResult<StatusCode> {
    crate::applications::withdraw(&app, ctx.require_user()?, &slug).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The eligibility rules of a call (its managers).
#[utoipa::path(get, path = "/api/v1/calls/{slug}/eligibility", tag = "calls", params(("slug" = String, Path)),
    security(("session" = []), ("token" = [])), responses((status = 200, body = Object), (status = 404, body = ErrorBody)))]
pub async fn get_eligibility(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> AppResult<Json<crate::domain::eligibility::Rules>> {
    let call = crate::calls::managed(&app, ctx.require_user()?, &slug).await?;
    Ok(Json(crate::applications::rules_of(&app, call.id).await?))
}

/// Replace the eligibility rules: `age` {question, min, max, on}, `countries` and
/// `languages` {question, values}, `custom` [{question, allowed, message, message_en}].
#[utoipa::path(put, path = "/api/v1/calls/{slug}/eligibility", tag = "calls", params(("slug" = String, Path)),
    request_body(content = Object), security(("session" = []), ("token" = [])),
    responses((status = 204), (status = 422, body = ErrorBody)))]
pub async fn put_eligibility(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    ApiJson(rules): ApiJson<crate::domain::eligibility::Rules>,
) -> AppResult<StatusCode> {
    crate::applications::save_rules(&app, ctx.require_user()?, &slug, &rules).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct OverrideRequest {
    /// Why this applicant may apply despite the rules; null withdraws the exception.
    pub reason: Option<String>,
}

/// Let an applicant through the eligibility rules, with a reason (its managers).
#[utoipa::path(put, path = "/api/v1/calls/{slug}/applications/{id}/override", tag = "calls", params(("slug" = String, Path), ("id" = i64, Path)),
    request_body = OverrideRequest, security(("session" = []), ("token" = [])),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_override(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
    ApiJson(r): ApiJson<OverrideRequest>,
) -> AppResult<StatusCode> {
    crate::applications::set_override(&app, ctx.require_user()?, &slug, id, r.reason.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}
