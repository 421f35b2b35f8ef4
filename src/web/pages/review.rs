//! Review pages: the reviewer's calls, her queue and the scoring page (no JavaScript
//! needed), and the manager's review page (settings and rubric, reviewers, assignment,
//! progress and ranking, exports).

use std::collections::BTreeMap;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::{html, see_other, FormState, PageCtx};
use crate::app::App;
use crate::applications::AnswerLine;
use crate::domain::locale::Locale;
use crate::domain::programme::localized;
use crate::domain::rubric::{Criterion, Rubric, Scores};
use crate::error::{AppError, AppResult};
use crate::i18n::I18n;
use crate::review::{self, QueueItem, ReviewingCall, Settings};
use crate::web::context::Ctx;
use crate::web::export;

/// "12 évaluations envoyées sur 40"
fn progress_text(i: I18n, done: usize, total: usize) -> String {
    i.tf("review.progress", &[("done", &done.to_string()), ("total", &total.to_string())])
}

use super::form::{flag, get, pairs};

// ------------------------------------------------------------------ the reviewer

#[derive(Template)]
#[template(path = "review_home.html")]
struct HomePage {
    page: PageCtx,
    calls: Vec<ReviewingCall>,
}

impl HomePage {
    fn progress(&self, done: usize, total: usize) -> String {
        progress_text(self.page.i, done, total)
    }
}

/// `/evaluations`: the calls I review.
pub async fn home(State(app): State<App>, ctx: Ctx) -> AppResult<Response> {
    let Some(user) = ctx.user.as_deref() else { return Ok(see_other("/connexion?next=/evaluations")) };
    let calls = review::my_calls(&app, user).await?;
    Ok(html(StatusCode::OK, HomePage { page: PageCtx::new(&ctx, ctx.i18n().t("review.mine")), calls }))
}

#[derive(Template)]
#[template(path = "review_queue.html")]
struct QueuePage {
    page: PageCtx,
    slug: String,
    items: Vec<QueueItem>,
    done: usize,
    blind: bool,
}

impl QueuePage {
    fn progress(&self, done: usize, total: usize) -> String {
        progress_text(self.page.i, done, total)
    }
}

/// `/evaluations/{slug}`: what is left to score first.
pub async fn queue(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>) -> AppResult<Response> {
    let Some(user) = ctx.user.as_deref() else {
        return Ok(see_other(&format!("/connexion?next=/evaluations/{slug}")));
    };
    let q = review::queue(&app, user, &slug).await?;
    let title = localized(&q.call.title, &q.call.title_en, ctx.i18n().locale == Locale::En).to_owned();
    Ok(html(
        StatusCode::OK,
        QueuePage {
            page: PageCtx::new(&ctx, &title),
            slug: q.call.slug,
            done: q.items.iter().filter(|i| i.status == "submitted").count(),
            items: q.items,
            blind: q.settings.blind,
        },
    ))
}

/// A criterion as the scoring form shows it.
pub struct CriterionField {
    pub id: String,
    pub label: String,
    pub description: String,
    pub required: bool,
    /// (value, checked)
    pub values: Vec<(i32, bool)>,
    pub error: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "review_form.html")]
struct ScorePage {
    page: PageCtx,
    slug: String,
    application: i64,
    applicant: Option<String>,
    blind: bool,
    answers: Vec<AnswerLine>,
    criteria: Vec<CriterionField>,
    comment: String,
    comment_error: Option<&'static str>,
    status: String,
    score: Option<String>,
    accepting: bool,
    summary: Option<String>,
    next: Option<i64>,
    saved: bool,
}

fn criteria_fields(
    i: I18n,
    rubric: &Rubric,
    scores: &Scores,
    errors: &BTreeMap<String, &'static str>,
) -> Vec<CriterionField> {
    let en = i.locale == Locale::En;
    rubric
        .criteria
        .iter()
        .map(|c: &Criterion| CriterionField {
            id: c.id.clone(),
            label: localized(&c.label, &c.label_en, en).to_owned(),
            description: localized(&c.description, &c.description_en, en).to_owned(),
            required: c.required,
            values: (c.scale_min..=c.scale_max).map(|v| (v, scores.get(&c.id) == Some(&v))).collect(),
            error: errors.get(&c.id).map(|k| i.t(k)),
        })
        .collect()
}

async fn score_page(
    app: &App,
    ctx: &Ctx,
    slug: &str,
    application: i64,
    typed: Option<(&Scores, &str)>,
    errors: &BTreeMap<String, &'static str>,
) -> AppResult<ScorePage> {
    let i = ctx.i18n();
    let user = ctx.require_user()?;
    let d = review::open(app, user, slug, application).await?;
    let (scores, comment) = match typed {
        Some((s, c)) => (s.clone(), c.to_owned()),
        None => (d.scores.clone(), d.review.comment.clone()),
    };
    let next = review::queue(app, user, slug)
        .await?
        .items
        .into_iter()
        .find(|q| q.status != "submitted" && q.application != application)
        .map(|q| q.application);
    let answers = crate::applications::answer_lines(i, &d.form, &d.answers, &d.files);
    let title = i.tf1("review.application", "n", application);
    Ok(ScorePage {
        page: PageCtx::new(ctx, &title),
        slug: d.call.slug.clone(),
        application,
        applicant: d.applicant.clone(),
        blind: d.settings.blind,
        answers,
        criteria: criteria_fields(i, &d.settings.rubric, &scores, errors),
        comment,
        comment_error: errors.get("comment").map(|k| i.t(k)),
        status: d.review.status.clone(),
        score: d.review.score_milli.map(|m| format!("{:.1}", m as f64 / 1000.0)),
        accepting: d.accepting,
        summary: None,
        next,
        saved: false,
    })
}

#[derive(Deserialize, Default)]
pub struct Saved {
    fait: Option<String>,
}

/// `/evaluations/{slug}/{application}`: the application (blind when the call is) and the
/// scoring form.
pub async fn show(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, application)): Path<(String, i64)>,
    Query(s): Query<Saved>,
) -> AppResult<Response> {
    if ctx.user.is_none() {
        return Ok(see_other(&format!("/connexion?next=/evaluations/{slug}/{application}")));
    }
    let mut page = score_page(&app, &ctx, &slug, application, None, &BTreeMap::new()).await?;
    page.saved = s.fait.is_some();
    Ok(html(StatusCode::OK, page))
}

pub async fn post(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, application)): Path<(String, i64)>,
    body: Bytes,
) -> AppResult<Response> {
    let user = ctx.require_user()?;
    let p = pairs(&body);
    let mut scores = Scores::new();
    let mut errors: BTreeMap<String, &'static str> = BTreeMap::new();
    for (k, v) in &p {
        if let Some(id) = k.strip_prefix("s.") {
            if v.is_empty() {
                continue;
            }
            match v.parse::<i32>() {
                Ok(n) => {
                    scores.insert(id.to_owned(), n);
                }
                Err(_) => {
                    errors.insert(id.to_owned(), "error.review.out_of_scale");
                }
            }
        }
    }
    let comment = get(&p, "comment");
    let submit = get(&p, "action") == "submit";
    let result = if errors.is_empty() {
        review::save(&app, user, &slug, application, &scores, &comment, submit).await.map(|_| ())
    } else {
        Err(AppError::Answers(errors))
    };
    match result {
        Ok(()) if submit => {
            // On to the next application of the queue, if any.
            let next = review::queue(&app, user, &slug).await?.items.into_iter().find(|q| q.status != "submitted");
            Ok(see_other(&match next {
                Some(n) => format!("/evaluations/{slug}/{}?fait=1", n.application),
                None => format!("/evaluations/{slug}"),
            }))
        }
        Ok(()) => Ok(see_other(&format!("/evaluations/{slug}/{application}?fait=1"))),
        Err(AppError::Answers(e)) => {
            let i = ctx.i18n();
            let mut page = score_page(&app, &ctx, &slug, application, Some((&scores, &comment)), &e).await?;
            page.summary = Some(i.t("error.invalid").to_owned());
            Ok(html(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(e @ (AppError::Conflict { .. } | AppError::BadRequest(_))) => {
            let i = ctx.i18n();
            let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST);
            let mut page = score_page(&app, &ctx, &slug, application, None, &BTreeMap::new()).await?;
            page.summary = Some(i.t(e.message_key()).to_owned());
            Ok(html(status, page))
        }
        Err(e) => Err(e),
    }
}

/// The reviewer declares a conflict of interest: the application goes to someone else.
pub async fn conflict(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, application)): Path<(String, i64)>,
    body: Bytes,
) -> AppResult<Response> {
    let p = pairs(&body);
    match review::declare_conflict(&app, ctx.require_user()?, &slug, application, &get(&p, "reason")).await {
        Ok(()) => Ok(see_other(&format!("/evaluations/{slug}"))),
        Err(e @ AppError::Invalid(_)) => {
            let mut page = score_page(&app, &ctx, &slug, application, None, &BTreeMap::new()).await?;
            page.summary = Some(ctx.i18n().t("review.conflict_reason").to_owned());
            Ok(html(StatusCode::from_u16(e.status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY), page))
        }
        Err(e) => Err(e),
    }
}

// ------------------------------------------------------------------ the manager

/// A row of the rubric editor (existing criteria, then empty rows to add some).
pub struct CriterionRow {
    pub n: usize,
    pub c: Criterion,
}

#[derive(Template)]
#[template(path = "manage_review.html")]
struct ManagePage {
    page: PageCtx,
    slug: String,
    call_title: String,
    settings: Settings,
    rows: Vec<CriterionRow>,
    results: review::Results,
    settings_form: FormState,
    reviewer_form: FormState,
    reviewer: review::ReviewerInput,
    report: Option<String>,
    done: bool,
}

impl ManagePage {
    fn progress(&self, done: usize, total: usize) -> String {
        progress_text(self.page.i, done, total)
    }
    fn fmt(&self, v: &Option<f64>) -> String {
        v.map(|x| format!("{x:.1}")).unwrap_or_else(|| "—".into())
    }
    fn alpha(&self) -> String {
        self.results.alpha.map(|a| format!("{a:.2}")).unwrap_or_else(|| "—".into())
    }
    fn leaning(&self, l: &Option<String>) -> &'static str {
        match l.as_deref() {
            Some("harsh") => self.page.i.t("review.leaning.harsh"),
            Some("lenient") => self.page.i.t("review.leaning.lenient"),
            Some(_) => self.page.i.t("review.leaning.neutral"),
            None => "—",
        }
    }
}

async fn manage_page(app: &App, ctx: &Ctx, slug: &str) -> AppResult<ManagePage> {
    let i = ctx.i18n();
    let (call, settings, results) = review::results(app, ctx.require_user()?, slug).await?;
    let blank = |n| CriterionRow {
        n,
        c: Criterion {
            id: String::new(),
            label: String::new(),
            label_en: String::new(),
            description: String::new(),
            description_en: String::new(),
            scale_min: 0,
            scale_max: 5,
            weight: 1,
            required: true,
        },
    };
    let mut rows: Vec<CriterionRow> =
        settings.rubric.criteria.iter().enumerate().map(|(n, c)| CriterionRow { n, c: c.clone() }).collect();
    let len = rows.len();
    rows.extend((len..len + 2).map(blank));
    Ok(ManagePage {
        page: PageCtx::new(ctx, &i.tf1("review.manage_title", "call", &call.title)),
        slug: call.slug.clone(),
        call_title: call.title.clone(),
        settings,
        rows,
        results,
        settings_form: FormState::default(),
        reviewer_form: FormState::default(),
        reviewer: review::ReviewerInput::default(),
        report: None,
        done: false,
    })
}

/// `/gestion/appels/{slug}/evaluation`
pub async fn manage(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(s): Query<Saved>,
) -> AppResult<Response> {
    let mut page = manage_page(&app, &ctx, &slug).await?;
    page.done = s.fait.is_some();
    Ok(html(StatusCode::OK, page))
}

/// The rubric rows `c{n}.*` of the settings form; rows left without a name are dropped.
fn rubric_from(p: &[(String, String)], comment_required: bool) -> Result<Rubric, AppError> {
    let mut criteria = vec![];
    for n in 0..50 {
        let f = |k: &str| get(p, &format!("c{n}.{k}"));
        let label = f("label");
        if label.is_empty() && f("id").is_empty() {
            continue;
        }
        let id = match f("id") {
            id if !id.is_empty() => id,
            _ => crate::domain::search::fold(&label)
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect::<String>()
                .trim_matches('_')
                .to_owned(),
        };
        let num = |k: &str| f(k).parse::<i32>().map_err(|_| AppError::field("rubric", "error.rubric.bad_scale"));
        criteria.push(Criterion {
            id,
            label,
            label_en: f("label_en"),
            description: f("description"),
            description_en: f("description_en"),
            scale_min: num("min")?,
            scale_max: num("max")?,
            weight: f("weight").parse().map_err(|_| AppError::field("rubric", "error.rubric.zero_weight"))?,
            required: flag(p, &format!("c{n}.required")),
        });
    }
    Ok(Rubric { criteria, comment_required })
}

pub async fn save_settings(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    body: Bytes,
) -> AppResult<Response> {
    let p = pairs(&body);
    let user = ctx.require_user()?;
    let result = async {
        let rubric = rubric_from(&p, flag(&p, "comment_required"))?;
        let closes_at = match get(&p, "closes_on") {
            d if d.is_empty() => None,
            d => {
                let (call, _) = review::settings(&app, user, &slug).await?;
                Some(
                    crate::domain::call::instant_in_zone(&d, "24:00", &call.zone_name())
                        .map_err(|_| AppError::field("closes_on", "error.answer.date"))?,
                )
            }
        };
        let s = Settings {
            rubric,
            blind: flag(&p, "blind"),
            per_application: get(&p, "per_application").parse().unwrap_or(0),
            same_country_conflict: flag(&p, "same_country_conflict"),
            same_organisation_conflict: flag(&p, "same_organisation_conflict"),
            closes_at,
        };
        review::save_settings(&app, user, &slug, &s).await
    }
    .await;
    match result {
        Ok(()) => Ok(see_other(&format!("/gestion/appels/{slug}/evaluation?fait=1"))),
        Err(e @ AppError::Invalid(_)) => {
            let mut page = manage_page(&app, &ctx, &slug).await?;
            page.settings_form = FormState::from_error(ctx.i18n(), &e);
            Ok(html(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(e) => Err(e),
    }
}

pub async fn add_reviewer(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    body: Bytes,
) -> AppResult<Response> {
    let p = pairs(&body);
    let input = review::ReviewerInput {
        email: get(&p, "email"),
        name: get(&p, "name"),
        languages: get(&p, "languages"),
        country: get(&p, "country"),
        organisation: get(&p, "organisation"),
    };
    match review::add_reviewer(&app, ctx.require_user()?, &slug, &input).await {
        Ok(_) => Ok(see_other(&format!("/gestion/appels/{slug}/evaluation?fait=1#reviewers"))),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict { .. })) => {
            let mut page = manage_page(&app, &ctx, &slug).await?;
            page.reviewer_form = FormState::from_error(ctx.i18n(), &e);
            page.reviewer = input;
            Ok(html(StatusCode::from_u16(e.status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY), page))
        }
        Err(e) => Err(e),
    }
}

pub async fn drop_reviewer(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
) -> AppResult<Response> {
    review::drop_reviewer(&app, ctx.require_user()?, &slug, id).await?;
    Ok(see_other(&format!("/gestion/appels/{slug}/evaluation?fait=1#reviewers")))
}

pub async fn assign(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>) -> AppResult<Response> {
    let i = ctx.i18n();
    let report = review::assign(&app, ctx.require_user()?, &slug).await?;
    let mut page = manage_page(&app, &ctx, &slug).await?;
    let mut text = i.tf(
        "review.assign_report",
        &[
            ("assigned", &report.assigned.to_string()),
            ("applications", &report.applications.to_string()),
            ("reviewers", &report.active_reviewers.to_string()),
            ("min", &report.min_load.to_string()),
            ("max", &report.max_load.to_string()),
        ],
    );
    if !report.short.is_empty() {
        text.push(' ');
        text.push_str(&i.tf1("review.assign_short", "n", report.short.len()));
    }
    page.report = Some(text);
    Ok(html(StatusCode::OK, page))
}

/// The ranking as a table: anonymised (receipt numbers only) when the call is blind.
async fn ranking_table(app: &App, ctx: &Ctx, slug: &str) -> AppResult<(String, Vec<Vec<String>>)> {
    let (call, settings, results) = review::results(app, ctx.require_user()?, slug).await?;
    let num = |v: Option<f64>| v.map(|x| format!("{x:.2}")).unwrap_or_default();
    let mut header = vec!["rank", "receipt"];
    if !settings.blind {
        header.push("name");
    }
    header.extend(["country", "gender", "reviews", "raw_mean", "normalised_mean", "spread", "disagreement"]);
    let mut t = vec![header.into_iter().map(str::to_owned).collect::<Vec<_>>()];
    for r in &results.applications {
        let mut line = vec![if r.rank > 0 { r.rank.to_string() } else { String::new() }, r.receipt.clone()];
        if !settings.blind {
            line.push(r.name.clone());
        }
        line.extend([
            r.country.clone(),
            r.gender.clone(),
            format!("{}/{}", r.submitted, r.assigned),
            num(r.raw_mean),
            num(r.normalised_mean),
            num(r.spread),
            if r.disagreement { "yes".into() } else { "no".into() },
        ]);
        t.push(line);
    }
    Ok((format!("classement-{}", call.slug), t))
}

pub async fn ranking_csv(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>) -> AppResult<Response> {
    let (name, t) = ranking_table(&app, &ctx, &slug).await?;
    Ok(export::csv(&t, &name))
}

pub async fn ranking_xlsx(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>) -> AppResult<Response> {
    let (name, t) = ranking_table(&app, &ctx, &slug).await?;
    export::xlsx(&t, &name)
}

pub async fn scores_csv(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>) -> AppResult<Response> {
    let (name, t) = review::scores_table(&app, ctx.require_user()?, &slug).await?;
    Ok(export::csv(&t, &name))
}

pub async fn scores_xlsx(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>) -> AppResult<Response> {
    let (name, t) = review::scores_table(&app, ctx.require_user()?, &slug).await?;
    export::xlsx(&t, &name)
}
