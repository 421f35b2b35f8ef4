//! Programme use cases: create and edit a programme, its phases, budget and testimonials,
//! and the annual report's foreword. Every edit is checked with the domain rules, written
//! in one transaction together with the search index, and allowed only to administrators
//! and the programme's managers.

use serde::Deserialize;

use crate::app::App;
use crate::domain::budget::parse_amount;
use crate::domain::markdown;
use crate::domain::money::Currency;
use crate::domain::programme::{check_span, parse_codes, Country, PhaseKind, Status, Theme};
use crate::domain::role::{can_manage_programme, GlobalRole};
use crate::domain::slug::Slug;
use crate::domain::time::YearMonth;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::store::accounts::UserRow;
use crate::store::programmes::{
    self as store, BudgetLineFields, PhaseFields, ProgrammeFields, ProgrammeRow, TestimonialFields,
};
use crate::store::{reports, search};

/// A programme as typed in the form or sent to the API.
#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ProgrammeInput {
    /// Address name, e.g. `connexions-citoyennes`: lower-case letters, digits, dashes.
    pub slug: String,
    pub title: String,
    pub title_en: String,
    pub mission: String,
    pub mission_en: String,
    /// Markdown (safe subset: no HTML, links to http(s) or mailto only).
    pub body: String,
    pub body_en: String,
    pub region: String,
    /// ISO codes, comma-separated: `SN, BJ, CI`.
    pub countries: String,
    /// Theme codes; several values or one comma-separated.
    pub themes: Vec<String>,
    /// One per line.
    pub funders: String,
    pub partners: String,
    /// `YYYY-MM`
    pub start_month: String,
    /// `YYYY-MM`
    pub end_month: String,
    /// planned, active, completed or archived
    pub status: String,
    /// EUR, XOF, XAF or USD
    pub currency: String,
    /// Estimated global budget, e.g. `500 000`; empty when unknown.
    pub budget_estimate: String,
    pub budget_public: bool,
    pub is_public: bool,
}

impl ProgrammeInput {
    pub fn from_row(p: &ProgrammeRow) -> ProgrammeInput {
        ProgrammeInput {
            slug: p.slug.clone(),
            title: p.title.clone(),
            title_en: p.title_en.clone(),
            mission: p.mission.clone(),
            mission_en: p.mission_en.clone(),
            body: p.body.clone(),
            body_en: p.body_en.clone(),
            region: p.region.clone(),
            countries: p.countries.clone(),
            themes: ProgrammeRow::list(&p.themes).into_iter().map(str::to_owned).collect(),
            funders: p.funders.clone(),
            partners: p.partners.clone(),
            start_month: p.start_month.clone(),
            end_month: p.end_month.clone(),
            status: p.status.clone(),
            currency: p.currency.clone(),
            budget_estimate: p
                .budget_estimate_minor
                .map(|m| crate::domain::budget::format_amount(m, true))
                .unwrap_or_default(),
            budget_public: p.budget_public(),
            is_public: p.is_public(),
        }
    }
}

pub(crate) fn line(errors: &mut FieldErrors, field: &'static str, value: &str, required: bool, max: usize) -> String {
    let v = value.trim();
    if required && v.is_empty() {
        errors.insert(field, "error.field.required");
    } else if v.chars().count() > max {
        errors.insert(field, "error.field.too_long");
    } else if v.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        errors.insert(field, "error.field.control_chars");
    }
    v.to_owned()
}

pub(crate) fn rich(errors: &mut FieldErrors, field: &'static str, value: &str) -> String {
    if let Err(e) = markdown::validate(value) {
        errors.insert(field, e.message_key());
    } else if value.contains('\0') {
        errors.insert(field, "error.field.control_chars");
    }
    value.trim().replace("\r\n", "\n")
}

/// Checks every field at once; `Err` lists each problem.
pub fn validate(input: &ProgrammeInput) -> Result<ProgrammeFields, FieldErrors> {
    let mut e = FieldErrors::new();
    let slug = input.slug.trim().to_owned();
    if Slug::parse(&slug).is_none() {
        e.insert("slug", "error.programme.slug");
    }
    let title = line(&mut e, "title", &input.title, true, 200);
    let title_en = line(&mut e, "title_en", &input.title_en, false, 200);
    let mission = line(&mut e, "mission", &input.mission, true, 300);
    let mission_en = line(&mut e, "mission_en", &input.mission_en, false, 300);
    let body = rich(&mut e, "body", &input.body);
    let body_en = rich(&mut e, "body_en", &input.body_en);
    let region = line(&mut e, "region", &input.region, false, 100);
    let countries = match parse_codes(std::slice::from_ref(&input.countries), Country::parse) {
        Ok(c) => c.iter().map(|c| c.code()).collect::<Vec<_>>().join(","),
        Err(_) => {
            e.insert("countries", "error.programme.country");
            String::new()
        }
    };
    let themes = match parse_codes(&input.themes, Theme::parse) {
        Ok(t) => t.iter().map(|t| t.code()).collect::<Vec<_>>().join(","),
        Err(_) => {
            e.insert("themes", "error.programme.theme");
            String::new()
        }
    };
    let funders = line(&mut e, "funders", &input.funders, false, 2000);
    let partners = line(&mut e, "partners", &input.partners, false, 2000);
    let start = YearMonth::parse(&input.start_month);
    let end = YearMonth::parse(&input.end_month);
    if start.is_none() {
        e.insert("start_month", "error.programme.month");
    }
    if end.is_none() {
        e.insert("end_month", "error.programme.month");
    }
    if let (Some(s), Some(en)) = (start, end) {
        if let Err(k) = check_span(s, en) {
            e.insert("end_month", k);
        }
    }
    let status = Status::parse(&input.status).unwrap_or_else(|| {
        e.insert("status", "error.programme.status");
        Status::Active
    });
    let currency = Currency::parse(&input.currency).unwrap_or_else(|| {
        e.insert("currency", "error.programme.currency");
        Currency::Eur
    });
    let budget_estimate_minor = if input.budget_estimate.trim().is_empty() {
        None
    } else {
        parse_amount(&input.budget_estimate).map_err(|err| e.insert("budget_estimate", err.message_key())).ok()
    };
    if !e.is_empty() {
        return Err(e);
    }
    Ok(ProgrammeFields {
        slug,
        title,
        title_en,
        mission,
        mission_en,
        body,
        body_en,
        region,
        countries,
        themes,
        funders,
        partners,
        start_month: start.map(YearMonth::iso).unwrap_or_default(),
        end_month: end.map(YearMonth::iso).unwrap_or_default(),
        status: status.code().to_owned(),
        currency: currency.code().to_owned(),
        budget_estimate_minor,
        budget_public: input.budget_public,
        is_public: input.is_public,
    })
}

pub(crate) fn global_role(user: &UserRow) -> GlobalRole {
    if user.is_admin() {
        GlobalRole::Administrator
    } else {
        GlobalRole::Member
    }
}

/// The programme if `user` may manage it; 404 when it does not exist or is private and
/// the user has no role in it, 403 when visible but not theirs.
pub async fn managed(app: &App, user: &UserRow, slug: &str) -> AppResult<ProgrammeRow> {
    let slug = Slug::parse(slug).ok_or(AppError::NotFound)?;
    let p = store::by_slug(&app.db, &slug).await?.ok_or(AppError::NotFound)?;
    let roles = store::roles_of(&app.db, p.id, user.id).await?;
    if can_manage_programme(global_role(user), &roles) {
        Ok(p)
    } else if p.is_public() {
        Err(AppError::Forbidden)
    } else {
        Err(AppError::NotFound)
    }
}

/// Whether the viewer may see a private programme (its managers and administrators).
pub async fn visible(app: &App, viewer: Option<&UserRow>, slug: &str) -> AppResult<ProgrammeRow> {
    let s = Slug::parse(slug).ok_or(AppError::NotFound)?;
    let p = store::by_slug(&app.db, &s).await?.ok_or(AppError::NotFound)?;
    if p.is_public() {
        return Ok(p);
    }
    match viewer {
        Some(u) => managed(app, u, slug).await,
        None => Err(AppError::NotFound),
    }
}

/// Only administrators create programmes (managers are then named with `user grant`).
pub async fn create(app: &App, user: &UserRow, input: &ProgrammeInput) -> AppResult<ProgrammeRow> {
    if !user.is_admin() {
        return Err(AppError::Forbidden);
    }
    let fields = validate(input).map_err(AppError::Invalid)?;
    if store::slug_taken(&app.db, &fields.slug, None).await? {
        return Err(AppError::Conflict { field: "slug", key: "error.programme.slug_taken" });
    }
    let existing_org = store::first_organisation(&app.db).await?;
    let mut tx = app.db.begin().await?;
    let org = match existing_org {
        Some(id) => id,
        None => store::ensure_organisation(&mut tx, "agence", "Agence").await?,
    };
    let id = store::insert(&mut tx, org, &fields).await.map_err(slug_conflict)?;
    search::index_programme(&mut tx, id).await?;
    tx.commit().await?;
    store::by_id(&app.db, id).await?.ok_or(AppError::NotFound)
}

fn slug_conflict(e: anyhow::Error) -> AppError {
    match e.downcast_ref::<sqlx::Error>() {
        Some(db) if crate::store::is_unique_violation(db) => {
            AppError::Conflict { field: "slug", key: "error.programme.slug_taken" }
        }
        _ => AppError::Internal(e),
    }
}

pub async fn update(app: &App, user: &UserRow, slug: &str, input: &ProgrammeInput) -> AppResult<ProgrammeRow> {
    let p = managed(app, user, slug).await?;
    let fields = validate(input).map_err(AppError::Invalid)?;
    if store::slug_taken(&app.db, &fields.slug, Some(p.id)).await? {
        return Err(AppError::Conflict { field: "slug", key: "error.programme.slug_taken" });
    }
    let mut tx = app.db.begin().await?;
    store::update(&mut tx, p.id, &fields).await.map_err(slug_conflict)?;
    search::index_programme(&mut tx, p.id).await?;
    tx.commit().await?;
    store::by_id(&app.db, p.id).await?.ok_or(AppError::NotFound)
}

#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PhaseInput {
    /// call, online_course, coaching, internship, camp, residency, final_session, incubation, alumni
    pub kind: String,
    pub title: String,
    pub title_en: String,
    /// `YYYY-MM-DD`
    pub start_date: String,
    /// `YYYY-MM-DD`
    pub end_date: String,
}

fn parse_date(s: &str) -> Option<jiff::civil::Date> {
    s.trim().parse::<jiff::civil::Date>().ok()
}

pub async fn add_phase(app: &App, user: &UserRow, slug: &str, input: &PhaseInput) -> AppResult<i64> {
    let p = managed(app, user, slug).await?;
    let mut e = FieldErrors::new();
    let kind = PhaseKind::parse(&input.kind);
    if kind.is_none() {
        e.insert("kind", "error.phase.kind");
    }
    let title = line(&mut e, "title", &input.title, true, 200);
    let title_en = line(&mut e, "title_en", &input.title_en, false, 200);
    let (start, end) = (parse_date(&input.start_date), parse_date(&input.end_date));
    if start.is_none() {
        e.insert("start_date", "error.phase.date");
    }
    if end.is_none() {
        e.insert("end_date", "error.phase.date");
    }
    if let (Some(s), Some(en)) = (start, end) {
        if en < s {
            e.insert("end_date", "error.phase.end_before_start");
        }
    }
    let (Some(kind), Some(start), Some(end)) = (kind, start, end) else { return Err(AppError::Invalid(e)) };
    if !e.is_empty() {
        return Err(AppError::Invalid(e));
    }
    let position = store::phases(&app.db, p.id).await?.len() as i64;
    let (s, en) = (start.to_string(), end.to_string());
    let mut tx = app.db.begin().await?;
    let id = store::insert_phase(
        &mut tx,
        p.id,
        &PhaseFields { kind: kind.code(), title: &title, title_en: &title_en, start_date: &s, end_date: &en, position },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn delete_phase(app: &App, user: &UserRow, slug: &str, phase_id: i64) -> AppResult<()> {
    let p = managed(app, user, slug).await?;
    let mut tx = app.db.begin().await?;
    if !store::delete_phase(&mut tx, p.id, phase_id).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

/// Moves a phase one place earlier (`up`) or later in the programme's order.
pub async fn move_phase(app: &App, user: &UserRow, slug: &str, phase_id: i64, up: bool) -> AppResult<()> {
    let p = managed(app, user, slug).await?;
    let phases = store::phases(&app.db, p.id).await?;
    let i = phases.iter().position(|ph| ph.id == phase_id).ok_or(AppError::NotFound)?;
    let j = if up { i.checked_sub(1) } else { Some(i + 1).filter(|j| *j < phases.len()) };
    let Some(j) = j else { return Ok(()) }; // already first or last
                                            // Renumber all, swapping the two: positions stay dense whatever they were before.
    let mut order: Vec<i64> = phases.iter().map(|ph| ph.id).collect();
    order.swap(i, j);
    let mut tx = app.db.begin().await?;
    for (pos, id) in order.iter().enumerate() {
        store::set_phase_position(&mut tx, p.id, *id, pos as i64).await?;
    }
    tx.commit().await?;
    Ok(())
}

fn parse_year(e: &mut FieldErrors, field: &'static str, s: &str) -> Option<i64> {
    match s.trim().parse::<i64>() {
        Ok(y) if (1990..=2100).contains(&y) => Some(y),
        _ => {
            e.insert(field, "error.budget.year");
            None
        }
    }
}

/// Sets the full costs of a year; an empty amount removes them.
pub async fn set_cost(app: &App, user: &UserRow, slug: &str, year: &str, amount: &str) -> AppResult<()> {
    let p = managed(app, user, slug).await?;
    let mut e = FieldErrors::new();
    let year = parse_year(&mut e, "year", year);
    let amount = if amount.trim().is_empty() {
        None
    } else {
        parse_amount(amount).map_err(|err| e.insert("amount", err.message_key())).ok()
    };
    let Some(year) = year.filter(|_| e.is_empty()) else { return Err(AppError::Invalid(e)) };
    let mut tx = app.db.begin().await?;
    store::set_cost(&mut tx, p.id, year, amount).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct BudgetLineInput {
    pub year: String,
    pub category: String,
    /// e.g. `12 000`
    pub planned: String,
    /// Empty while unknown.
    pub actual: String,
    pub is_public: bool,
}

pub async fn add_budget_line(app: &App, user: &UserRow, slug: &str, input: &BudgetLineInput) -> AppResult<i64> {
    let p = managed(app, user, slug).await?;
    let mut e = FieldErrors::new();
    let year = parse_year(&mut e, "year", &input.year);
    let category = line(&mut e, "category", &input.category, true, 120);
    let planned = parse_amount(&input.planned).map_err(|err| e.insert("planned", err.message_key())).ok();
    let actual = if input.actual.trim().is_empty() {
        None
    } else {
        parse_amount(&input.actual).map_err(|err| e.insert("actual", err.message_key())).ok()
    };
    let (Some(year), Some(planned)) = (year, planned) else { return Err(AppError::Invalid(e)) };
    if !e.is_empty() {
        return Err(AppError::Invalid(e));
    }
    let mut tx = app.db.begin().await?;
    let id = store::insert_budget_line(
        &mut tx,
        p.id,
        &BudgetLineFields {
            year,
            category: &category,
            planned_minor: planned,
            actual_minor: actual,
            is_public: input.is_public,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn delete_budget_line(app: &App, user: &UserRow, slug: &str, id: i64) -> AppResult<()> {
    let p = managed(app, user, slug).await?;
    let mut tx = app.db.begin().await?;
    if !store::delete_budget_line(&mut tx, p.id, id).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct TestimonialInput {
    pub quote: String,
    pub person_name: String,
    /// e.g. "participante 2016"
    pub person_role: String,
    /// ISO code, optional.
    pub person_country: String,
    /// fr or en: the language of the quote.
    pub language: String,
    /// Only testimonials whose author consented are ever shown publicly.
    pub consent: bool,
}

pub async fn add_testimonial(app: &App, user: &UserRow, slug: &str, input: &TestimonialInput) -> AppResult<i64> {
    let p = managed(app, user, slug).await?;
    let mut e = FieldErrors::new();
    let quote = line(&mut e, "quote", &input.quote, true, 2000);
    let person_name = line(&mut e, "person_name", &input.person_name, true, 120);
    let person_role = line(&mut e, "person_role", &input.person_role, false, 120);
    let country = if input.person_country.trim().is_empty() {
        String::new()
    } else {
        Country::parse(&input.person_country).map(|c| c.code().to_owned()).unwrap_or_else(|| {
            e.insert("person_country", "error.programme.country");
            String::new()
        })
    };
    let locale = crate::domain::locale::Locale::parse(if input.language.is_empty() { "fr" } else { &input.language });
    if locale.is_none() {
        e.insert("language", "error.language.unknown");
    }
    if !e.is_empty() {
        return Err(AppError::Invalid(e));
    }
    let locale = locale.unwrap_or_default();
    let mut tx = app.db.begin().await?;
    let id = store::insert_testimonial(
        &mut tx,
        p.id,
        &TestimonialFields {
            quote: &quote,
            person_name: &person_name,
            person_role: &person_role,
            person_country: &country,
            locale: locale.code(),
            consent: input.consent,
        },
    )
    .await?;
    search::index_programme(&mut tx, p.id).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn set_testimonial_consent(app: &App, user: &UserRow, slug: &str, id: i64, consent: bool) -> AppResult<()> {
    let p = managed(app, user, slug).await?;
    let mut tx = app.db.begin().await?;
    if !store::set_testimonial_consent(&mut tx, p.id, id, consent).await? {
        return Err(AppError::NotFound);
    }
    search::index_programme(&mut tx, p.id).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete_testimonial(app: &App, user: &UserRow, slug: &str, id: i64) -> AppResult<()> {
    let p = managed(app, user, slug).await?;
    let mut tx = app.db.begin().await?;
    if !store::delete_testimonial(&mut tx, p.id, id).await? {
        return Err(AppError::NotFound);
    }
    search::index_programme(&mut tx, p.id).await?;
    tx.commit().await?;
    Ok(())
}

/// Saves the foreword of a year's report (administrators).
pub async fn save_report(app: &App, user: &UserRow, year: i64, foreword: &str, foreword_en: &str) -> AppResult<()> {
    if !user.is_admin() {
        return Err(AppError::Forbidden);
    }
    if !(1990..=2100).contains(&year) {
        return Err(AppError::NotFound);
    }
    let mut e = FieldErrors::new();
    let foreword = rich(&mut e, "foreword", foreword);
    let foreword_en = rich(&mut e, "foreword_en", foreword_en);
    if !e.is_empty() {
        return Err(AppError::Invalid(e));
    }
    let mut tx = app.db.begin().await?;
    reports::save(&mut tx, year, &foreword, &foreword_en).await?;
    search::index_report(&mut tx, year, &foreword, &foreword_en).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> ProgrammeInput {
        ProgrammeInput {
            slug: "connexions-citoyennes".into(),
            title: "Connexions citoyennes".into(),
            mission: "Accompagner".into(),
            body: "Texte **gras**".into(),
            start_month: "2016-09".into(),
            end_month: "2017-06".into(),
            status: "active".into(),
            currency: "EUR".into(),
            budget_estimate: "500 000".into(),
            themes: vec!["jeunesse,numerique".into()],
            countries: "sn, bj".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_valid_programme() {
        let f = validate(&valid()).unwrap();
        assert_eq!(f.budget_estimate_minor, Some(500_000_00));
        assert_eq!(f.countries, "BJ,SN");
        assert_eq!(f.themes, "jeunesse,numerique");
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let bad = ProgrammeInput {
            slug: "Pas Un Slug".into(),
            title: " ".into(),
            body: "<script>alert(1)</script>".into(),
            body_en: "[x](javascript:alert(1))".into(),
            start_month: "2017-06".into(),
            end_month: "2016-09".into(),
            status: "paused".into(),
            currency: "BTC".into(),
            budget_estimate: "-5".into(),
            themes: vec!["astrologie".into()],
            countries: "XX".into(),
            ..valid()
        };
        let e = validate(&bad).unwrap_err();
        for f in [
            "slug",
            "title",
            "body",
            "body_en",
            "end_month",
            "status",
            "currency",
            "budget_estimate",
            "themes",
            "countries",
        ] {
            assert!(e.contains_key(f), "{f} not reported: {e:?}");
        }
        assert_eq!(e["end_month"], "error.programme.end_before_start");
        assert_eq!(e["budget_estimate"], "error.amount.negative");
    }
}
