//! The manager's views of a call's applications: the list with filters and counts, one
//! application in full, and exports (CSV, XLSX, anonymised).

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::{html, PageCtx};
use crate::app::App;
use crate::applications::{self, Filters};
use crate::error::{AppError, AppResult};
use crate::web::context::Ctx;
use crate::web::export;

pub struct ListRow {
    pub id: i64,
    pub receipt: String,
    pub name: String,
    pub status: String,
    pub country: String,
    pub gender: String,
    pub eligible: bool,
}

#[derive(Template)]
#[template(path = "call_applications.html")]
struct ListPage {
    page: PageCtx,
    slug: String,
    call_title: String,
    f: Filters,
    rows: Vec<ListRow>,
    by_country: Vec<(String, usize)>,
    by_gender: Vec<(&'static str, usize)>,
    query: String,
}

pub async fn list(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(f): Query<Filters>,
) -> AppResult<Response> {
    let i = ctx.i18n();
    let (call, _, rows) = applications::list(&app, ctx.require_user()?, &slug, &f).await?;
    let mut by_country: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_gender: BTreeMap<String, usize> = BTreeMap::new();
    for r in &rows {
        *by_country.entry(r.country.clone()).or_default() += 1;
        *by_gender.entry(r.gender.clone()).or_default() += 1;
    }
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("statut", &f.statut)
        .append_pair("pays", &f.pays)
        .append_pair("genre", &f.genre)
        .append_pair("eligible", &f.eligible)
        .append_pair("q", &f.q)
        .finish();
    Ok(html(
        StatusCode::OK,
        ListPage {
            page: PageCtx::new(&ctx, &i.tf1("applications.title", "call", &call.title)),
            slug: call.slug.clone(),
            call_title: call.title.clone(),
            rows: rows
                .iter()
                .map(|r| ListRow {
                    id: r.listed.id,
                    receipt: r.listed.receipt.clone().unwrap_or_else(|| "—".into()),
                    name: r.listed.name.clone(),
                    status: i.t(&format!("applications.status.{}", r.listed.status)).to_owned(),
                    country: r.country.clone(),
                    gender: i.t(&format!("gender.{}", r.gender)).to_owned(),
                    eligible: r.eligible,
                })
                .collect(),
            by_country: by_country.into_iter().collect(),
            by_gender: by_gender.into_iter().map(|(g, n)| (i.t(&format!("gender.{g}")), n)).collect(),
            f,
            query,
        },
    ))
}

#[derive(Deserialize, Default)]
pub struct ExportParams {
    #[serde(default)]
    anonyme: Option<String>,
    #[serde(flatten)]
    filters: Filters,
}

async fn table(app: &App, ctx: &Ctx, slug: &str, p: &ExportParams) -> AppResult<(String, Vec<Vec<String>>)> {
    let (call, form, rows) = applications::list(app, ctx.require_user()?, slug, &p.filters).await?;
    let anonymised = p.anonyme.as_deref().is_some_and(|a| a == "1" || a == "oui");
    let name = format!("candidatures-{}{}", call.slug, if anonymised { "-anonyme" } else { "" });
    Ok((name, applications::export_table(ctx.i18n(), &form, &rows, anonymised, &app.cfg.public_url)))
}

pub async fn csv(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(p): Query<ExportParams>,
) -> AppResult<Response> {
    let (name, t) = table(&app, &ctx, &slug, &p).await?;
    Ok(export::csv(&t, &name))
}

pub async fn xlsx(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(p): Query<ExportParams>,
) -> AppResult<Response> {
    let (name, t) = table(&app, &ctx, &slug, &p).await?;
    export::xlsx(&t, &name)
}

#[derive(Template)]
#[template(path = "call_application.html")]
struct OnePage {
    page: PageCtx,
    slug: String,
    name: String,
    email: String,
    status: String,
    receipt: String,
    form_version: i64,
    answers: Vec<applications::AnswerLine>,
    eligible: bool,
    id: i64,
    override_reason: Option<String>,
    /// Its reviewers (id, name, status of the review) and those it could go to.
    reviewers: Vec<(i64, String, String)>,
    other_reviewers: Vec<(i64, String)>,
}

/// One application in full, read with the version of the form it answered.
pub async fn one(State(app): State<App>, ctx: Ctx, Path((slug, id)): Path<(String, i64)>) -> AppResult<Response> {
    let i = ctx.i18n();
    let (call, current, rows) = applications::list(&app, ctx.require_user()?, &slug, &Filters::default()).await?;
    let r = rows.into_iter().find(|r| r.listed.id == id).ok_or(AppError::NotFound)?;
    let form = match crate::store::applications::form_version(&app.db, call.id, r.listed.form_version).await? {
        Some(json) => serde_json::from_str(&json).unwrap_or(current),
        None => current,
    };
    let answers = applications::answer_lines(i, &form, &r.answers, &r.files);
    let (reviewers, other_reviewers) = crate::review::reviewers_of(&app, call.id, id).await?;
    Ok(html(
        StatusCode::OK,
        OnePage {
            page: PageCtx::new(&ctx, &r.listed.name),
            slug: call.slug,
            name: r.listed.name.clone(),
            email: r.listed.email.clone(),
            status: i.t(&format!("applications.status.{}", r.listed.status)).to_owned(),
            receipt: r.listed.receipt.clone().unwrap_or_else(|| "—".into()),
            form_version: r.listed.form_version,
            answers,
            eligible: r.eligible,
            id: r.listed.id,
            override_reason: r.listed.eligibility_override.clone(),
            reviewers,
            other_reviewers,
        },
    ))
}

/// Moves the application from one reviewer to another (manual reassignment).
pub async fn move_review(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let p = super::form::pairs(&body);
    let num = |k: &str| {
        super::form::get(&p, k).parse::<i64>().map_err(|_| AppError::field("to", "error.review.no_such_reviewer"))
    };
    crate::review::reassign(&app, ctx.require_user()?, &slug, id, num("from")?, num("to")?).await?;
    Ok(super::see_other(&format!("/gestion/appels/{slug}/candidatures/{id}")))
}

/// Lets an applicant through the eligibility rules with a reason (or withdraws that).
pub async fn set_override(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let p = super::form::pairs(&body);
    let reason = super::form::get(&p, "reason");
    let reason = if super::form::get(&p, "action") == "clear" { None } else { Some(reason.as_str()) };
    applications::set_override(&app, ctx.require_user()?, &slug, id, reason).await?;
    Ok(super::see_other(&format!("/gestion/appels/{slug}/candidatures/{id}")))
}

#[derive(Template)]
#[template(path = "manage_eligibility.html")]
struct RulesPage {
    page: PageCtx,
    slug: String,
    form: super::FormState,
    date_questions: Vec<(String, String)>,
    country_questions: Vec<(String, String)>,
    choice_questions: Vec<(String, String)>,
    v: RulesInput,
    saved: bool,
}

/// The rules as typed in the page.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct RulesInput {
    age_question: String,
    age_min: String,
    age_max: String,
    age_on: String,
    country_question: String,
    countries: String,
    language_question: String,
    languages: String,
}

impl RulesInput {
    fn from_rules(r: &crate::domain::eligibility::Rules) -> RulesInput {
        RulesInput {
            age_question: r.age.as_ref().map(|a| a.question.clone()).unwrap_or_default(),
            age_min: r.age.as_ref().map(|a| a.min.to_string()).unwrap_or_default(),
            age_max: r.age.as_ref().map(|a| a.max.to_string()).unwrap_or_default(),
            age_on: r.age.as_ref().map(|a| a.on.to_string()).unwrap_or_default(),
            country_question: r.countries.as_ref().map(|c| c.question.clone()).unwrap_or_default(),
            countries: r.countries.as_ref().map(|c| c.values.join(", ")).unwrap_or_default(),
            language_question: r.languages.as_ref().map(|c| c.question.clone()).unwrap_or_default(),
            languages: r.languages.as_ref().map(|c| c.values.join(", ")).unwrap_or_default(),
        }
    }

    /// The rules, keeping the custom rules that only the API edits.
    fn to_rules(
        &self,
        custom: Vec<crate::domain::eligibility::CustomRule>,
    ) -> Result<crate::domain::eligibility::Rules, AppError> {
        use crate::domain::eligibility::{AgeRule, ListRule, Rules};
        let list =
            |s: &str| s.split(',').map(|x| x.trim().to_uppercase()).filter(|x| !x.is_empty()).collect::<Vec<_>>();
        let age = if self.age_question.is_empty() {
            None
        } else {
            let min =
                self.age_min.trim().parse().map_err(|_| AppError::field("age_min", "error.answer.not_a_number"))?;
            let max =
                self.age_max.trim().parse().map_err(|_| AppError::field("age_max", "error.answer.not_a_number"))?;
            let on = self.age_on.trim().parse().map_err(|_| AppError::field("age_on", "error.answer.date"))?;
            Some(AgeRule { question: self.age_question.clone(), min, max, on })
        };
        let countries = (!self.country_question.is_empty())
            .then(|| ListRule { question: self.country_question.clone(), values: list(&self.countries) });
        let languages = (!self.language_question.is_empty()).then(|| ListRule {
            question: self.language_question.clone(),
            values: self.languages.split(',').map(|x| x.trim().to_lowercase()).filter(|x| !x.is_empty()).collect(),
        });
        Ok(Rules { age, countries, languages, custom })
    }
}

async fn rules_page(app: &App, ctx: &Ctx, slug: &str) -> AppResult<RulesPage> {
    use crate::domain::form::Kind;
    let i = ctx.i18n();
    let call = crate::calls::managed(app, ctx.require_user()?, slug).await?;
    let (_, form) = crate::store::forms::current(&app.db, call.id).await?;
    let rules = applications::rules_of(app, call.id).await?;
    let pick = |f: &dyn Fn(&Kind) -> bool| {
        form.questions().filter(|q| f(&q.kind)).map(|q| (q.id.clone(), q.label.clone())).collect::<Vec<_>>()
    };
    Ok(RulesPage {
        page: PageCtx::new(ctx, &i.tf1("eligibility.title", "call", &call.title)),
        slug: call.slug.clone(),
        form: super::FormState::default(),
        date_questions: pick(&|k| matches!(k, Kind::Date)),
        country_questions: pick(&|k| matches!(k, Kind::Country)),
        choice_questions: pick(&|k| matches!(k, Kind::MultipleChoice { .. } | Kind::SingleChoice { .. })),
        v: RulesInput::from_rules(&rules),
        saved: false,
    })
}

#[derive(Deserialize, Default)]
pub struct Saved {
    fait: Option<String>,
}

pub async fn rules_form(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(s): Query<Saved>,
) -> AppResult<Response> {
    let mut page = rules_page(&app, &ctx, &slug).await?;
    page.saved = s.fait.is_some();
    Ok(html(StatusCode::OK, page))
}

pub async fn save_rules(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    crate::web::extract::PageForm(input): crate::web::extract::PageForm<RulesInput>,
) -> AppResult<Response> {
    let user = ctx.require_user()?;
    let call = crate::calls::managed(&app, user, &slug).await?;
    let custom = applications::rules_of(&app, call.id).await?.custom;
    let result = match input.to_rules(custom) {
        Ok(rules) => applications::save_rules(&app, user, &slug, &rules).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(super::see_other(&format!("/gestion/appels/{slug}/eligibilite?fait=1"))),
        Err(e @ AppError::Invalid(_)) => {
            let mut page = rules_page(&app, &ctx, &slug).await?;
            page.form = super::FormState::from_error(ctx.i18n(), &e);
            page.v = input;
            Ok(html(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(e) => Err(e),
    }
}
