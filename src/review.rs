//! Review of a call's applications: the manager sets a rubric and invites reviewers, assigns
//! each eligible application to k of them in one go (balanced loads, conflicts of interest
//! and languages respected: `domain::assignment`), and follows the scores, normalised for
//! harsh and lenient reviewers (`domain::aggregation`). Each reviewer scores only what she
//! was assigned, blind to identifying answers when the call is blind, and never sees
//! another reviewer's scores.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::app::App;
use crate::applications::{self, Filters};
use crate::domain::aggregation::{self, Aggregate};
use crate::domain::assignment::{self, ConflictRules, Problem};
use crate::domain::email::Email;
use crate::domain::form::{Answers, Form};
use crate::domain::person::PersonName;
use crate::domain::rubric::{Rubric, Scores};
use crate::domain::time::unix_now;
use crate::error::{AppError, AppResult};
use crate::i18n::I18n;
use crate::store::accounts::UserRow;
use crate::store::attachments::AttachmentRow;
use crate::store::calls::CallRow;
use crate::store::review::{self as store, ReviewRow, ReviewerRow, SettingsRow};
use crate::store::{forms, outbox};

/// How a call is reviewed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Settings {
    #[schema(value_type = Object)]
    pub rubric: Rubric,
    /// Reviewers do not see the answers marked identifying (name, photo, gender, e-mail...).
    pub blind: bool,
    /// Reviewers per application (1 to 10).
    pub per_application: u32,
    /// A reviewer is in conflict with applicants of her own country.
    pub same_country_conflict: bool,
    /// ... and with those of her own organisation (when the form asks for one).
    pub same_organisation_conflict: bool,
    /// Scores are refused from this instant (Unix seconds); none: until the selection.
    pub closes_at: Option<i64>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            rubric: Rubric::default_fr(),
            blind: true,
            per_application: 3,
            same_country_conflict: false,
            same_organisation_conflict: true,
            closes_at: None,
        }
    }
}

fn settings_from(row: Option<SettingsRow>) -> Settings {
    match row {
        None => Settings::default(),
        Some(r) => Settings {
            rubric: serde_json::from_str(&r.rubric).unwrap_or_else(|_| Rubric::default_fr()),
            blind: r.blind != 0,
            per_application: r.per_application.clamp(1, 10) as u32,
            same_country_conflict: r.same_country_conflict != 0,
            same_organisation_conflict: r.same_organisation_conflict != 0,
            closes_at: r.closes_at,
        },
    }
}

pub async fn settings_of(app: &App, call_id: i64) -> AppResult<Settings> {
    Ok(settings_from(store::settings(&app.db, call_id).await?))
}

/// The settings of a call the user manages.
pub async fn settings(app: &App, user: &UserRow, slug: &str) -> AppResult<(CallRow, Settings)> {
    let call = crate::calls::managed(app, user, slug).await?;
    let s = settings_of(app, call.id).await?;
    Ok((call, s))
}

pub async fn save_settings(app: &App, user: &UserRow, slug: &str, s: &Settings) -> AppResult<()> {
    let call = crate::calls::managed(app, user, slug).await?;
    if let Err(e) = s.rubric.validate() {
        return Err(AppError::field("rubric", e.message_key()));
    }
    if !(1..=10).contains(&s.per_application) {
        return Err(AppError::field("per_application", "error.review.per_application"));
    }
    store::save_settings(&app.db, &settings_row(call.id, s)?).await?;
    Ok(())
}

/// The stored form of a call's settings (the reverse of `settings_from`).
pub(crate) fn settings_row(call_id: i64, s: &Settings) -> anyhow::Result<SettingsRow> {
    Ok(SettingsRow {
        call_id,
        rubric: serde_json::to_string(&s.rubric)?,
        blind: s.blind as i64,
        per_application: s.per_application as i64,
        same_country_conflict: s.same_country_conflict as i64,
        same_organisation_conflict: s.same_organisation_conflict as i64,
        closes_at: s.closes_at,
    })
}

// ------------------------------------------------------------------ reviewers

/// A reviewer as the manager types her.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ReviewerInput {
    pub email: String,
    pub name: String,
    /// Languages she reads, comma-separated codes (e.g. `fr,en`); French when empty.
    pub languages: String,
    /// ISO country code, for the same-country conflict rule.
    pub country: String,
    pub organisation: String,
}

fn clean_languages(s: &str) -> Result<String, ()> {
    let codes: Vec<String> =
        s.split([',', ' ']).map(|c| c.trim().to_ascii_lowercase()).filter(|c| !c.is_empty()).collect();
    if codes.iter().any(|c| c.len() < 2 || c.len() > 3 || !c.bytes().all(|b| b.is_ascii_lowercase())) {
        return Err(());
    }
    Ok(if codes.is_empty() { "fr".into() } else { codes.join(",") })
}

/// Adds a reviewer to a call and e-mails her the invitation (in her language when she has
/// an account, else French): she reviews once signed in with that address, confirmed.
pub async fn add_reviewer(app: &App, user: &UserRow, slug: &str, input: &ReviewerInput) -> AppResult<ReviewerRow> {
    let call = crate::calls::managed(app, user, slug).await?;
    let mut e = crate::error::FieldErrors::new();
    let email = Email::parse(&input.email).map_err(|_| e.insert("email", "error.email.invalid")).ok();
    let name = PersonName::parse(&input.name).map_err(|x| e.insert("name", x.message_key())).ok();
    let languages = clean_languages(&input.languages).map_err(|_| e.insert("languages", "error.review.languages")).ok();
    let country = input.country.trim().to_ascii_uppercase();
    if !country.is_empty() && crate::domain::programme::Country::parse(&country).is_none() {
        e.insert("country", "error.programme.country");
    }
    if input.organisation.chars().count() > 200 {
        e.insert("organisation", "error.field.too_long");
    }
    let (Some(email), Some(name), Some(languages)) = (email, name, languages) else {
        return Err(AppError::Invalid(e));
    };
    if !e.is_empty() {
        return Err(AppError::Invalid(e));
    }
    let mut row = ReviewerRow {
        id: 0,
        call_id: call.id,
        email: email.as_str().to_owned(),
        name: name.as_str().to_owned(),
        languages,
        country,
        organisation: input.organisation.trim().to_owned(),
        active: 1,
    };
    row.id = store::insert_reviewer(&app.db, &row)
        .await?
        .ok_or(AppError::Conflict { field: "email", key: "error.review.reviewer_exists" })?;
    let account = crate::store::accounts::find_by_email(&app.db, &email).await?;
    let i = I18n::new(account.as_ref().map(|a| a.locale()).unwrap_or_default());
    let body = i.tf(
        "mail.reviewer.body",
        &[
            ("name", &row.name),
            ("call", &call.title),
            ("by", &user.name),
            ("link", &format!("{}/evaluations/{}", app.cfg.public_url.trim_end_matches('/'), call.slug)),
            ("email", &row.email),
        ],
    );
    let mut tx = app.db.begin().await?;
    outbox::enqueue(&mut tx, &row.email, &i.tf1("mail.reviewer.subject", "call", &call.title), &body).await?;
    tx.commit().await?;
    app.mail_wake.notify_one();
    Ok(row)
}

/// A reviewer leaves: her assignments not yet submitted go to others; her submitted scores
/// stay. Returns the number of assignments made to replace her.
pub async fn drop_reviewer(app: &App, user: &UserRow, slug: &str, reviewer_id: i64) -> AppResult<usize> {
    let call = crate::calls::managed(app, user, slug).await?;
    let mut tx = app.db.begin().await?;
    let done = sqlx::query("UPDATE reviewers SET active = 0 WHERE id = $1 AND call_id = $2")
        .bind(reviewer_id)
        .bind(call.id)
        .execute(&mut **tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    sqlx::query("DELETE FROM reviews WHERE reviewer_id = $1 AND status <> 'submitted'")
        .bind(reviewer_id)
        .execute(&mut **tx)
        .await?;
    tx.commit().await?;
    Ok(assign_call(app, &call).await?.assigned)
}

// ------------------------------------------------------------------ assignment

/// What one run of the assignment did.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AssignReport {
    /// New assignments made by this run.
    pub assigned: usize,
    /// Applications in the pool (sent and eligible).
    pub applications: usize,
    pub active_reviewers: usize,
    /// Smallest and largest number of applications per active reviewer.
    pub min_load: usize,
    pub max_load: usize,
    /// Applications that could not get enough reviewers: (application id, reviewers found).
    pub short: Vec<(i64, usize)>,
}

/// The applications to review: sent and eligible (or let through by a manager).
async fn pool(app: &App, call: &CallRow) -> AppResult<Vec<applications::Row>> {
    let filters = Filters { statut: "submitted".into(), eligible: "oui".into(), ..Default::default() };
    Ok(applications::rows_of_call(app, call, &filters).await?.1)
}

/// Assigns the pool's applications to reviewers, keeping every assignment already made.
pub async fn assign(app: &App, user: &UserRow, slug: &str) -> AppResult<AssignReport> {
    let call = crate::calls::managed(app, user, slug).await?;
    assign_call(app, &call).await
}

pub(crate) async fn assign_call(app: &App, call: &CallRow) -> AppResult<AssignReport> {
    let s = settings_of(app, call.id).await?;
    let apps = pool(app, call).await?;
    let reviewers = store::reviewers(&app.db, call.id).await?;
    let existing = store::reviews_of_call(&app.db, call.id).await?;
    let conflicts = store::conflicts(&app.db, call.id).await?;
    let languages: HashMap<i64, String> = sqlx::query_as::<_, (i64, String)>(
        "SELECT a.id, u.locale FROM applications a JOIN users u ON u.id = a.user_id WHERE a.call_id = $1",
    )
    .bind(call.id)
    .fetch_all(&app.db.pool)
    .await?
    .into_iter()
    .collect();
    let app_index: HashMap<i64, usize> = apps.iter().enumerate().map(|(i, r)| (r.listed.id, i)).collect();
    let rev_index: HashMap<i64, usize> = reviewers.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    let problem = Problem {
        applications: apps
            .iter()
            .map(|r| assignment::Application {
                language: languages.get(&r.listed.id).cloned().unwrap_or_else(|| "fr".into()),
                country: Some(r.country.to_ascii_uppercase()).filter(|c| !c.is_empty()),
                organisation: None,
            })
            .collect(),
        reviewers: reviewers
            .iter()
            .map(|r| assignment::Reviewer {
                languages: r.languages.split(',').map(str::to_owned).collect(),
                country: Some(r.country.clone()).filter(|c| !c.is_empty()),
                organisation: Some(r.organisation.to_lowercase()).filter(|o| !o.is_empty()),
                active: r.active != 0,
            })
            .collect(),
        conflicts: conflicts
            .iter()
            .filter_map(|c| Some((*app_index.get(&c.application_id)?, *rev_index.get(&c.reviewer_id)?)))
            .collect(),
        rules: ConflictRules { same_country: s.same_country_conflict, same_organisation: s.same_organisation_conflict },
        k: s.per_application as usize,
        keep: existing
            .iter()
            .filter_map(|r| Some((*app_index.get(&r.application_id)?, *rev_index.get(&r.reviewer_id)?)))
            .collect(),
        seed: call.id as u64,
    };
    let plan = assignment::assign(&problem).map_err(|e| AppError::Internal(e.into()))?;
    let kept: BTreeSet<(usize, usize)> = problem.keep.iter().copied().collect();
    let mut assigned = 0;
    let mut tx = app.db.begin().await?;
    for (a, revs) in plan.reviewers.iter().enumerate() {
        for &r in revs {
            if !kept.contains(&(a, r)) {
                store::assign(&mut tx, apps[a].listed.id, reviewers[r].id).await?;
                assigned += 1;
            }
        }
    }
    tx.commit().await?;
    tracing::info!(call = call.id, assigned, short = plan.shortfalls.len(), "applications assigned to reviewers");
    Ok(AssignReport {
        assigned,
        applications: apps.len(),
        active_reviewers: reviewers.iter().filter(|r| r.active != 0).count(),
        min_load: plan.min_load,
        max_load: plan.max_load,
        short: plan.shortfalls.iter().map(|s| (apps[s.application].listed.id, s.assigned)).collect(),
    })
}

/// Moves one assignment by hand from a reviewer to another (who has no conflict of
/// interest with the application and does not have it yet). A submitted review stays where
/// it is: scores are never lost.
pub async fn reassign(app: &App, user: &UserRow, slug: &str, application_id: i64, from: i64, to: i64) -> AppResult<()> {
    let call = crate::calls::managed(app, user, slug).await?;
    let reviewers = store::reviewers(&app.db, call.id).await?;
    if !reviewers.iter().any(|r| r.id == from) {
        return Err(AppError::NotFound);
    }
    if !reviewers.iter().any(|r| r.id == to && r.active != 0) {
        return Err(AppError::field("to", "error.review.no_such_reviewer"));
    }
    let current = store::review(&app.db, from, application_id).await?.ok_or(AppError::NotFound)?;
    if current.status == "submitted" {
        return Err(AppError::Conflict { field: "from", key: "error.review.already_submitted" });
    }
    if store::review(&app.db, to, application_id).await?.is_some() {
        return Err(AppError::field("to", "error.review.already_assigned"));
    }
    let conflicted = store::conflicts(&app.db, call.id)
        .await?
        .iter()
        .any(|c| c.reviewer_id == to && c.application_id == application_id);
    if conflicted {
        return Err(AppError::field("to", "error.review.conflicted"));
    }
    let mut tx = app.db.begin().await?;
    store::unassign(&mut tx, application_id, from).await?;
    store::assign(&mut tx, application_id, to).await?;
    tx.commit().await?;
    tracing::info!(application = application_id, from, to, by = user.id, "assignment moved");
    Ok(())
}

/// The reviewers of one application: (reviewer id, name, status of her review), and the
/// active reviewers it could go to.
pub async fn reviewers_of(
    app: &App,
    call_id: i64,
    application_id: i64,
) -> AppResult<(Vec<(i64, String, String)>, Vec<(i64, String)>)> {
    let reviewers = store::reviewers(&app.db, call_id).await?;
    let reviews = store::reviews_of_call(&app.db, call_id).await?;
    let mine: Vec<(i64, String, String)> = reviews
        .iter()
        .filter(|r| r.application_id == application_id)
        .filter_map(|r| {
            let v = reviewers.iter().find(|v| v.id == r.reviewer_id)?;
            Some((v.id, v.name.clone(), r.status.clone()))
        })
        .collect();
    let others = reviewers
        .iter()
        .filter(|v| v.active != 0 && !mine.iter().any(|(id, _, _)| *id == v.id))
        .map(|v| (v.id, v.name.clone()))
        .collect();
    Ok((mine, others))
}

/// A manager marks a conflict of interest between a reviewer and an application; the
/// assignment, if not submitted, goes to another reviewer.
pub async fn set_conflict(
    app: &App,
    user: &UserRow,
    slug: &str,
    reviewer_id: i64,
    application_id: i64,
    reason: &str,
) -> AppResult<()> {
    let call = crate::calls::managed(app, user, slug).await?;
    let reviewer = store::reviewers(&app.db, call.id)
        .await?
        .into_iter()
        .find(|r| r.id == reviewer_id)
        .ok_or(AppError::NotFound)?;
    record_conflict(app, &call, &reviewer, application_id, reason, user.id).await
}

fn check_reason(reason: &str) -> AppResult<String> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::field("reason", "error.field.required"));
    }
    if reason.chars().count() > 500 {
        return Err(AppError::field("reason", "error.field.too_long"));
    }
    Ok(reason.to_owned())
}

async fn record_conflict(
    app: &App,
    call: &CallRow,
    reviewer: &ReviewerRow,
    application_id: i64,
    reason: &str,
    by: i64,
) -> AppResult<()> {
    let reason = check_reason(reason)?;
    let belongs: Option<i64> = sqlx::query_scalar("SELECT id FROM applications WHERE id = $1 AND call_id = $2")
        .bind(application_id)
        .bind(call.id)
        .fetch_optional(&app.db.pool)
        .await?;
    if belongs.is_none() {
        return Err(AppError::NotFound);
    }
    let mut tx = app.db.begin().await?;
    store::add_conflict(&mut tx, reviewer.id, application_id, &reason, by).await?;
    // A conflict found after scoring voids the scores too: they would otherwise count in
    // the ranking. Another reviewer takes the application below.
    if store::void(&mut tx, application_id, reviewer.id).await? {
        tracing::info!(application = application_id, reviewer = reviewer.id, "submitted review voided by a conflict");
    }
    tx.commit().await?;
    assign_call(app, call).await?;
    Ok(())
}

// ------------------------------------------------------------------ the reviewer's side

/// The reviewer a signed-in person is for a call: her confirmed address is on its list.
async fn me_as_reviewer(app: &App, user: &UserRow, slug: &str) -> AppResult<(CallRow, ReviewerRow, Settings)> {
    let call = crate::store::calls::by_slug(&app.db, slug).await?.ok_or(AppError::NotFound)?;
    if user.email_confirmed_at.is_none() {
        return Err(AppError::NotConfirmed);
    }
    let reviewer = store::reviewer_by_email(&app.db, call.id, &user.email)
        .await?
        .filter(|r| r.active != 0)
        .ok_or(AppError::NotFound)?;
    let s = settings_of(app, call.id).await?;
    Ok((call, reviewer, s))
}

/// A call the person reviews, with her progress.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ReviewingCall {
    pub slug: String,
    pub title: String,
    pub assigned: usize,
    pub submitted: usize,
}

/// The calls where this person is an active reviewer.
pub async fn my_calls(app: &App, user: &UserRow) -> AppResult<Vec<ReviewingCall>> {
    if user.email_confirmed_at.is_none() {
        return Ok(vec![]);
    }
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT v.id, c.slug, c.title FROM reviewers v JOIN calls c ON c.id = v.call_id \
         WHERE v.email = $1 AND v.active = 1 ORDER BY c.closes_at DESC",
    )
    .bind(&user.email)
    .fetch_all(&app.db.pool)
    .await?;
    let mut out = vec![];
    for (reviewer_id, slug, title) in rows {
        let reviews = store::reviews_of_reviewer(&app.db, reviewer_id).await?;
        out.push(ReviewingCall {
            slug,
            title,
            assigned: reviews.len(),
            submitted: reviews.iter().filter(|r| r.status == "submitted").count(),
        });
    }
    Ok(out)
}

/// One line of a reviewer's queue.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct QueueItem {
    pub application: i64,
    /// assigned, draft or submitted
    pub status: String,
    /// The project's title when the form asks for one (never a name in a blind call).
    pub label: String,
}

pub struct Queue {
    pub call: CallRow,
    pub settings: Settings,
    pub items: Vec<QueueItem>,
}

/// The title of a project: the answer to the first short text question that is not
/// identifying (the demo's "Titre du projet").
fn project_label(form: &Form, answers: &Answers, id: i64) -> String {
    form.questions()
        .filter(|q| !q.identifying && matches!(q.kind, crate::domain::form::Kind::ShortText { .. }))
        .find_map(|q| answers.get(&q.id).and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_else(|| format!("#{id}"))
}

pub async fn queue(app: &App, user: &UserRow, slug: &str) -> AppResult<Queue> {
    let (call, reviewer, settings) = me_as_reviewer(app, user, slug).await?;
    let (_, form) = forms::current(&app.db, call.id).await?;
    let mut items: Vec<QueueItem> = store::queue_of(&app.db, reviewer.id)
        .await?
        .into_iter()
        .map(|(application, status, answers)| {
            let answers: Answers = serde_json::from_str(&answers).unwrap_or_default();
            QueueItem { application, status, label: project_label(&form, &answers, application) }
        })
        .collect();
    // What is left to do first.
    items.sort_by_key(|i| (i.status == "submitted", i.application));
    Ok(Queue { call, settings, items })
}

/// Whether a reviewer may read a file sent with an application: it was given to her, and
/// in a blind call the file does not answer an identifying question.
pub async fn may_read_file(app: &App, viewer: &UserRow, call_id: i64, file: &AttachmentRow) -> AppResult<bool> {
    if viewer.email_confirmed_at.is_none() {
        return Ok(false);
    }
    let Some(reviewer) = store::reviewer_by_email(&app.db, call_id, &viewer.email).await?.filter(|r| r.active != 0)
    else {
        return Ok(false);
    };
    if store::review(&app.db, reviewer.id, file.application_id).await?.is_none() {
        return Ok(false);
    }
    let s = settings_of(app, call_id).await?;
    let form_version: i64 = sqlx::query_scalar("SELECT form_version FROM applications WHERE id = $1")
        .bind(file.application_id)
        .fetch_one(&app.db.pool)
        .await?;
    let form = answered_form(app, call_id, form_version).await?;
    Ok(reviewer_sees(s.blind, &form, &file.question_id))
}

/// Whether a reviewer may see the answer to a question, and its file: everything in a call
/// that is not blind; in a blind one, only the questions of the form the applicant answered
/// that are not marked identifying (an answer to a question no longer in it stays hidden).
/// The one rule for pages, API, files and exports.
fn reviewer_sees(blind: bool, form: &Form, question: &str) -> bool {
    !blind || form.question(question).is_some_and(|q| !q.identifying)
}

/// The form as the applicant answered it (the current one for an application saved before
/// versions were kept).
async fn answered_form(app: &App, call_id: i64, form_version: i64) -> AppResult<Form> {
    Ok(match crate::store::applications::form_version(&app.db, call_id, form_version).await? {
        Some(json) => serde_json::from_str(&json).unwrap_or_default(),
        None => forms::current(&app.db, call_id).await?.1,
    })
}

/// An application as a reviewer reads it: in a blind call without the identifying answers,
/// the name or the e-mail; never with other reviewers' scores.
pub struct ReviewDossier {
    pub call: CallRow,
    pub settings: Settings,
    pub application_id: i64,
    /// The applicant's name, in a call that is not blind.
    pub applicant: Option<String>,
    pub form: Form,
    pub answers: Answers,
    pub files: BTreeMap<String, AttachmentRow>,
    pub review: ReviewRow,
    pub scores: Scores,
    pub accepting: bool,
}

pub async fn open(app: &App, user: &UserRow, slug: &str, application_id: i64) -> AppResult<ReviewDossier> {
    let (call, reviewer, settings) = me_as_reviewer(app, user, slug).await?;
    // Only what she was assigned: anything else does not exist for her.
    let review = store::review(&app.db, reviewer.id, application_id).await?.ok_or(AppError::NotFound)?;
    let (form_version, answers, name): (i64, String, String) = sqlx::query_as(
        "SELECT a.form_version, a.answers, u.name FROM applications a JOIN users u ON u.id = a.user_id WHERE a.id = $1",
    )
    .bind(application_id)
    .fetch_one(&app.db.pool)
    .await?;
    let form = answered_form(app, call.id, form_version).await?;
    let mut answers: Answers = serde_json::from_str(&answers).unwrap_or_default();
    answers.retain(|question, _| reviewer_sees(settings.blind, &form, question));
    let mut files = crate::attachments::of_application(app, application_id).await?;
    files.retain(|_, f| reviewer_sees(settings.blind, &form, &f.question_id));
    let scores: Scores = serde_json::from_str(&review.scores).unwrap_or_default();
    let accepting = settings.closes_at.is_none_or(|t| unix_now() < t);
    Ok(ReviewDossier {
        applicant: (!settings.blind).then_some(name),
        call,
        settings,
        application_id,
        form,
        answers,
        files,
        review,
        scores,
        accepting,
    })
}

/// Saves a reviewer's scores (a draft: anything on the scale; a submission: complete).
pub async fn save(
    app: &App,
    user: &UserRow,
    slug: &str,
    application_id: i64,
    scores: &Scores,
    comment: &str,
    submit: bool,
) -> AppResult<ReviewRow> {
    let d = open(app, user, slug, application_id).await?;
    if d.review.status == "submitted" {
        return Err(AppError::Conflict { field: "review", key: "error.review.already_submitted" });
    }
    if !d.accepting {
        return Err(AppError::BadRequest("error.review.closed"));
    }
    let comment = comment.trim();
    let mut errors: BTreeMap<String, &'static str> = d
        .settings
        .rubric
        .check_scores(scores, submit)
        .iter()
        .map(|e| (e.criterion().to_owned(), e.message_key()))
        .collect();
    if comment.chars().count() > 5000 {
        errors.insert("comment".into(), "error.field.too_long");
    }
    if submit && d.settings.rubric.comment_required && comment.is_empty() {
        errors.insert("comment".into(), "error.field.required");
    }
    if !errors.is_empty() {
        return Err(AppError::Answers(errors));
    }
    let weighted = if submit { d.settings.rubric.weighted(scores).map(crate::domain::selection::milli) } else { None };
    let json = serde_json::to_string(scores).map_err(anyhow::Error::from)?;
    if !store::save_review(&app.db, d.review.id, &json, comment, weighted).await? {
        // Submitted meanwhile (a double click): one review only.
        return Err(AppError::Conflict { field: "review", key: "error.review.already_submitted" });
    }
    store::review(&app.db, d.review.reviewer_id, application_id).await?.ok_or(AppError::NotFound)
}

/// A reviewer declares a conflict of interest with an application she was given: it goes
/// to someone else (unless she already submitted her scores).
pub async fn declare_conflict(
    app: &App,
    user: &UserRow,
    slug: &str,
    application_id: i64,
    reason: &str,
) -> AppResult<()> {
    let (call, reviewer, _) = me_as_reviewer(app, user, slug).await?;
    store::review(&app.db, reviewer.id, application_id).await?.ok_or(AppError::NotFound)?;
    record_conflict(app, &call, &reviewer, application_id, reason, user.id).await
}

// ------------------------------------------------------------------ the manager's view

/// One application in the results.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ResultRow {
    pub rank: usize,
    pub application: i64,
    pub receipt: String,
    pub name: String,
    pub country: String,
    pub gender: String,
    pub assigned: usize,
    pub submitted: usize,
    /// Mean of the weighted scores (out of 100).
    pub raw_mean: Option<f64>,
    /// Mean after correcting each reviewer's harshness or leniency (out of 100).
    pub normalised_mean: Option<f64>,
    pub spread: Option<f64>,
    /// The reviewers' scores differ by more than 30 points: worth a discussion.
    pub disagreement: bool,
}

/// A reviewer's progress and leaning.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ReviewerProgress {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub languages: String,
    pub active: bool,
    pub assigned: usize,
    pub submitted: usize,
    pub mean: Option<f64>,
    /// Mean minus the call's mean: negative when harsh, positive when lenient.
    pub offset: Option<f64>,
    /// harsh, neutral or lenient
    pub leaning: Option<String>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Results {
    pub applications: Vec<ResultRow>,
    pub reviewers: Vec<ReviewerProgress>,
    pub assignments: usize,
    pub submitted: usize,
    /// Krippendorff's alpha (interval) of the weighted scores: 1 is full agreement, 0 chance.
    pub alpha: Option<f64>,
}

/// Progress, scores and ranking of a call's review.
pub async fn results(app: &App, user: &UserRow, slug: &str) -> AppResult<(CallRow, Settings, Results)> {
    let (call, s, results, _) = results_and_reviews(app, user, slug).await?;
    Ok((call, s, results))
}

/// The results, and the reviews they were computed from.
async fn results_and_reviews(
    app: &App,
    user: &UserRow,
    slug: &str,
) -> AppResult<(CallRow, Settings, Results, Vec<ReviewRow>)> {
    let call = crate::calls::managed(app, user, slug).await?;
    let s = settings_of(app, call.id).await?;
    let apps = pool(app, &call).await?;
    let reviewers = store::reviewers(&app.db, call.id).await?;
    let reviews = store::reviews_of_call(&app.db, call.id).await?;
    let done: Vec<aggregation::Review> = reviews
        .iter()
        .filter(|r| r.status == "submitted")
        .filter_map(|r| {
            Some(aggregation::Review {
                application: r.application_id,
                reviewer: r.reviewer_id,
                score: r.score_milli? as f64 / 1000.0,
                criteria: serde_json::from_str(&r.scores).unwrap_or_default(),
            })
        })
        .collect();
    let agg: Aggregate = aggregation::aggregate(&done, &aggregation::Params::default());
    let by_app: HashMap<i64, (usize, &aggregation::ApplicationResult)> =
        agg.applications.iter().enumerate().map(|(i, a)| (a.application, (i, a))).collect();
    // (assigned, submitted) per application and per reviewer, counted once.
    let mut per_app: HashMap<i64, (usize, usize)> = HashMap::new();
    let mut per_reviewer: HashMap<i64, (usize, usize)> = HashMap::new();
    for r in &reviews {
        let submitted = (r.status == "submitted") as usize;
        for (map, key) in [(&mut per_app, r.application_id), (&mut per_reviewer, r.reviewer_id)] {
            let e = map.entry(key).or_default();
            e.0 += 1;
            e.1 += submitted;
        }
    }
    let mut rows: Vec<ResultRow> = apps
        .iter()
        .map(|r| {
            let result = by_app.get(&r.listed.id);
            let (assigned, submitted) = per_app.get(&r.listed.id).copied().unwrap_or_default();
            ResultRow {
                rank: 0,
                application: r.listed.id,
                receipt: r.listed.receipt.clone().unwrap_or_default(),
                name: r.listed.name.clone(),
                country: r.country.clone(),
                gender: r.gender.clone(),
                assigned,
                submitted,
                raw_mean: result.map(|(_, a)| a.raw_mean),
                normalised_mean: result.map(|(_, a)| a.normalised_mean),
                spread: result.map(|(_, a)| a.spread),
                disagreement: result.is_some_and(|(_, a)| a.disagreement),
            }
        })
        .collect();
    // Ranked ones in the domain's order, then the rest by receipt.
    rows.sort_by_key(|r| (by_app.get(&r.application).map(|(i, _)| *i).unwrap_or(usize::MAX), r.receipt.clone()));
    for (i, r) in rows.iter_mut().enumerate() {
        if r.raw_mean.is_some() {
            r.rank = i + 1;
        }
    }
    let progress = reviewers
        .iter()
        .map(|v| {
            let stats = agg.reviewers.iter().find(|x| x.reviewer == v.id);
            let (assigned, submitted) = per_reviewer.get(&v.id).copied().unwrap_or_default();
            ReviewerProgress {
                id: v.id,
                name: v.name.clone(),
                email: v.email.clone(),
                languages: v.languages.clone(),
                active: v.active != 0,
                assigned,
                submitted,
                mean: stats.map(|x| x.mean),
                offset: stats.map(|x| x.offset),
                leaning: stats.map(|x| {
                    serde_json::to_value(x.leaning(10.0))
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default()
                }),
            }
        })
        .collect();
    let results = Results {
        applications: rows,
        reviewers: progress,
        assignments: reviews.len(),
        submitted: per_app.values().map(|(_, s)| s).sum(),
        alpha: agg.alpha,
    };
    Ok((call, s, results, reviews))
}

/// The scores matrix: one line per application (receipt number), one column per reviewer
/// (weighted score out of 100 of a submitted review; "…" for one not submitted yet).
pub async fn scores_table(app: &App, user: &UserRow, slug: &str) -> AppResult<(String, Vec<Vec<String>>)> {
    let (call, _, results, reviews) = results_and_reviews(app, user, slug).await?;
    let by_pair: HashMap<(i64, i64), &ReviewRow> =
        reviews.iter().map(|r| ((r.application_id, r.reviewer_id), r)).collect();
    let mut header = vec!["receipt".to_owned()];
    header.extend(results.reviewers.iter().map(|r| r.name.clone()));
    header.push("normalised_mean".into());
    let mut t = vec![header];
    for a in &results.applications {
        let mut line = vec![a.receipt.clone()];
        for v in &results.reviewers {
            line.push(match by_pair.get(&(a.application, v.id)) {
                Some(r) => r.score_milli.map(|m| format!("{:.2}", m as f64 / 1000.0)).unwrap_or_else(|| "…".into()),
                None => String::new(),
            });
        }
        line.push(a.normalised_mean.map(|m| format!("{m:.2}")).unwrap_or_default());
        t.push(line);
    }
    Ok((format!("notes-{}", call.slug), t))
}
