//! Applying to a call: a draft saved as the applicant types (from any device), a last-write
//! check so two tabs never silently overwrite each other, and a submission that is checked
//! against the form and the eligibility rules, accepted until the closing instant by the
//! server's clock, made once even when the button is pressed twice, and confirmed by e-mail
//! with a receipt number.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::app::App;
use crate::domain::call::{phase, Phase};
use crate::domain::eligibility::{Failure, Rules};
use crate::domain::form::{AnswerError, Answers, Form, Kind};
use crate::domain::time::unix_now;
use crate::error::{AppError, AppResult};
use crate::i18n::I18n;
use crate::store::accounts::UserRow;
use crate::store::applications::{self as store, ApplicationRow};
use crate::store::attachments::AttachmentRow;
use crate::store::calls::CallRow;
use crate::store::{forms, outbox};

/// Everything the applicant's page and the API show.
pub struct Dossier {
    pub call: CallRow,
    pub form_version: i64,
    pub form: Form,
    pub rules: Rules,
    pub application: ApplicationRow,
    pub answers: Answers,
    /// Answers of a save refused by the last-write check, when there was one.
    pub conflict: Option<Answers>,
    pub accepting: bool,
    /// Files sent with this application, by id.
    pub files: BTreeMap<String, AttachmentRow>,
}

impl Dossier {
    /// What the current answers fail, for the applicant to see before she submits.
    pub fn eligibility(&self) -> Vec<Failure> {
        if self.application.eligibility_override.is_some() {
            return vec![];
        }
        self.rules.evaluate(&self.answers)
    }
    pub fn submitted(&self) -> bool {
        self.application.status == "submitted"
    }
    /// The answers changed since the last submission.
    pub fn unsent_changes(&self) -> bool {
        self.submitted() && self.application.submitted_revision != Some(self.application.revision)
    }
}

pub(crate) fn parse_answers(json: &str) -> Answers {
    serde_json::from_str(json).unwrap_or_default()
}

/// Errors of answers, by question id, for the pages and the API.
#[derive(Debug)]
pub enum ApplyError {
    App(AppError),
    Answers(BTreeMap<String, AnswerError>),
    Ineligible(Vec<Failure>),
    /// The last-write check failed: someone (another tab) saved since.
    Conflict,
}

impl From<AppError> for ApplyError {
    fn from(e: AppError) -> Self {
        ApplyError::App(e)
    }
}

impl From<sqlx::Error> for ApplyError {
    fn from(e: sqlx::Error) -> Self {
        ApplyError::App(e.into())
    }
}

impl From<anyhow::Error> for ApplyError {
    fn from(e: anyhow::Error) -> Self {
        ApplyError::App(e.into())
    }
}

async fn call_accepting(app: &App, viewer: &UserRow, slug: &str) -> AppResult<(CallRow, bool)> {
    let c = crate::calls::visible(app, Some(viewer), slug).await?;
    let accepting = matches!(phase(c.status(), c.opens_at, c.closes_at, unix_now()), Phase::Accepting { .. });
    Ok((c, accepting))
}

/// The applicant's dossier for a call (created on first visit while the call is open).
pub async fn dossier(app: &App, user: &UserRow, slug: &str) -> AppResult<Dossier> {
    let (call, accepting) = call_accepting(app, user, slug).await?;
    let (form_version, form) = forms::current(&app.db, call.id).await?;
    let application = match store::of(&app.db, call.id, user.id).await? {
        Some(a) => a,
        None if accepting => store::get_or_create(&app.db, call.id, user.id, form_version).await?,
        None => return Err(AppError::BadRequest("error.application.closed")),
    };
    let rules = rules_of(app, call.id).await?;
    Ok(Dossier {
        files: crate::attachments::of_application(app, application.id).await?,
        answers: parse_answers(&application.answers),
        conflict: application.conflict_answers.as_deref().map(parse_answers),
        call,
        form_version,
        form,
        rules,
        application,
        accepting,
    })
}

/// Saves the draft as typed. Answers to unknown questions refuse the whole save; malformed
/// answers are kept (nothing typed is lost) and reported, to be fixed before submitting.
pub async fn save_draft(
    app: &App,
    user: &UserRow,
    slug: &str,
    base_revision: i64,
    answers: &Answers,
) -> Result<(i64, BTreeMap<String, AnswerError>), ApplyError> {
    let d = dossier(app, user, slug).await?;
    if !d.accepting {
        return Err(AppError::BadRequest("error.application.closed").into());
    }
    if d.application.status == "withdrawn" {
        return Err(AppError::BadRequest("error.application.withdrawn").into());
    }
    let warnings = match d.form.check(answers, false) {
        Ok(_) => BTreeMap::new(),
        Err(e) if e.values().any(|x| *x == AnswerError::UnknownQuestion) => {
            return Err(ApplyError::Answers(
                e.into_iter().filter(|(_, x)| *x == AnswerError::UnknownQuestion).collect(),
            ))
        }
        Err(e) => e,
    };
    let kept: Answers =
        answers.iter().filter(|(k, _)| d.form.question(k).is_some()).map(|(k, v)| (k.clone(), v.clone())).collect();
    let foreign = crate::attachments::foreign_files(&d.form, &kept, &d.files);
    if !foreign.is_empty() {
        return Err(ApplyError::Answers(foreign));
    }
    let json = serde_json::to_string(&kept).map_err(anyhow::Error::from)?;
    match store::save(&app.db, d.application.id, base_revision, d.form_version, &json).await? {
        Some(rev) => Ok((rev, warnings)),
        None => Err(ApplyError::Conflict),
    }
}

fn receipt_number(call: &CallRow, id: i64) -> String {
    let prefix: String =
        call.slug.split('-').filter_map(|w| w.chars().next()).take(3).collect::<String>().to_uppercase();
    format!("{prefix}-{id:06}")
}

/// Submits the saved revision `revision`. Idempotent: submitting the same revision again
/// answers with the same receipt and changes nothing.
pub async fn submit(app: &App, user: &UserRow, slug: &str, revision: i64) -> Result<String, ApplyError> {
    let d = dossier(app, user, slug).await?;
    if d.application.revision != revision {
        return Err(ApplyError::Conflict);
    }
    if d.submitted() && d.application.submitted_revision == Some(revision) {
        return Ok(d.application.receipt.clone().unwrap_or_default());
    }
    // Measured on the server, at the moment of submitting: one second late is late.
    if !d.accepting {
        return Err(AppError::BadRequest("error.application.closed").into());
    }
    let clean = d.form.check(&d.answers, true).map_err(ApplyError::Answers)?;
    let foreign = crate::attachments::foreign_files(&d.form, &clean, &d.files);
    if !foreign.is_empty() {
        return Err(ApplyError::Answers(foreign));
    }
    let failures = if d.application.eligibility_override.is_some() { vec![] } else { d.rules.evaluate(&clean) };
    if !failures.is_empty() {
        return Err(ApplyError::Ineligible(failures));
    }
    if let Some(max) = d.call.max_applications {
        if !d.submitted() && store::submitted_count(&app.db, d.call.id).await? >= max {
            return Err(AppError::Conflict { field: "call", key: "error.application.full" }.into());
        }
    }
    let receipt = d.application.receipt.clone().unwrap_or_else(|| receipt_number(&d.call, d.application.id));
    let i = I18n::new(user.locale());
    let mut tx = app.db.begin().await?;
    if !store::mark_submitted(&mut tx, d.application.id, revision, &receipt).await? {
        // A concurrent identical request won: same receipt, nothing more to do.
        return Ok(receipt);
    }
    let body = i.tf(
        "mail.receipt.body",
        &[
            ("name", &user.name),
            ("call", &d.call.title),
            ("receipt", &receipt),
            ("when", &i.datetime(unix_now(), &user.time_zone().zone())),
            ("deadline", &i.deadline(d.call.closes_at, &d.call.zone_name().zone())),
            ("answers", &answers_text(i, &d.form, &clean, &d.files)),
        ],
    );
    outbox::enqueue(&mut tx, &user.email, &i.tf1("mail.receipt.subject", "receipt", &receipt), &body).await?;
    tx.commit().await?;
    app.mail_wake.notify_one();
    Ok(receipt)
}

/// One answer as people read it: the question, the answer, and for a file where to get it.
pub struct AnswerLine {
    pub question: String,
    pub text: String,
    pub file_url: Option<String>,
}

/// A file answer as people read it: "projet.pdf (2,4 Mo)".
fn file_text(i: I18n, f: &AttachmentRow) -> String {
    let french = i.locale == crate::domain::locale::Locale::Fr;
    format!("{} ({})", f.name, crate::domain::attachment::human_size(f.size.max(0) as u64, french))
}

/// The given answers, question by question, in the form's order.
pub fn answer_lines(
    i: I18n,
    form: &Form,
    answers: &Answers,
    files: &BTreeMap<String, AttachmentRow>,
) -> Vec<AnswerLine> {
    let en = i.locale == crate::domain::locale::Locale::En;
    form.questions()
        .filter_map(|q| {
            let v = answers.get(&q.id)?;
            let file = v.as_str().and_then(|id| files.get(id)).filter(|_| matches!(q.kind, Kind::File { .. }));
            let text = match (file, v) {
                (Some(f), _) => file_text(i, f),
                (None, Value::Array(items)) => items.iter().filter_map(|x| x.as_str()).collect::<Vec<_>>().join(", "),
                (None, Value::String(s)) => s.clone(),
                (None, other) => other.to_string(),
            };
            Some(AnswerLine {
                question: crate::domain::programme::localized(&q.label, &q.label_en, en).to_owned(),
                text,
                file_url: file.map(AttachmentRow::url),
            })
        })
        .collect()
}

/// The answers as plain text, question by question, for the receipt.
pub fn answers_text(i: I18n, form: &Form, answers: &Answers, files: &BTreeMap<String, AttachmentRow>) -> String {
    answer_lines(i, form, answers, files).iter().map(|l| format!("- {} : {}\n", l.question, l.text)).collect()
}

pub async fn withdraw(app: &App, user: &UserRow, slug: &str) -> AppResult<()> {
    let d = dossier(app, user, slug).await?;
    if !d.accepting {
        return Err(AppError::BadRequest("error.application.closed"));
    }
    store::withdraw(&app.db, d.application.id).await?;
    Ok(())
}

// ------------------------------------------------------------------ the manager's views

use crate::store::applications::ListedApplication;

/// One application as the manager lists it.
pub struct Row {
    pub listed: ListedApplication,
    pub answers: Answers,
    /// Files sent with the application, by id.
    pub files: BTreeMap<String, AttachmentRow>,
    pub country: String,
    pub gender: String,
    pub eligible: bool,
}

/// Filters of the list (all optional).
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct Filters {
    /// draft, submitted or withdrawn
    pub statut: String,
    /// ISO country code
    pub pays: String,
    /// female, male, other or undisclosed
    pub genre: String,
    /// "oui" or "non"
    pub eligible: String,
    /// Words found in the name, e-mail or answers.
    pub q: String,
}

/// The country and gender of an application: the answer to the country question of the
/// eligibility rules (else the account's), the answer to a question offering female/male
/// (else the account's).
fn country_gender(form: &Form, rules: &Rules, answers: &Answers, l: &ListedApplication) -> (String, String) {
    let country = rules
        .countries
        .as_ref()
        .and_then(|r| answers.get(&r.question))
        .and_then(|v| v.as_str())
        .map(str::to_owned)
        .unwrap_or_else(|| l.country.clone());
    let gender_q = form.questions().find(|q| match &q.kind {
        crate::domain::form::Kind::SingleChoice { options } => options.iter().any(|o| o.value == "female"),
        _ => false,
    });
    let gender = gender_q
        .and_then(|q| answers.get(&q.id))
        .and_then(|v| v.as_str())
        .map(str::to_owned)
        .unwrap_or_else(|| if l.gender.is_empty() { "undisclosed".into() } else { l.gender.clone() });
    (country, gender)
}

/// The applications of a call the user manages, filtered.
pub async fn list(app: &App, user: &UserRow, slug: &str, f: &Filters) -> AppResult<(CallRow, Form, Vec<Row>)> {
    let call = crate::calls::managed(app, user, slug).await?;
    let (form, rows) = rows_of_call(app, &call, f).await?;
    Ok((call, form, rows))
}

/// The applications of a call, filtered (the caller checked who may see them).
pub async fn rows_of_call(app: &App, call: &CallRow, f: &Filters) -> AppResult<(Form, Vec<Row>)> {
    let (_, form) = forms::current(&app.db, call.id).await?;
    let rules = rules_of(app, call.id).await?;
    let words = crate::domain::search::fold(f.q.trim());
    let mut files: BTreeMap<i64, BTreeMap<String, AttachmentRow>> = BTreeMap::new();
    for a in crate::store::attachments::of_call(&app.db, call.id).await? {
        files.entry(a.application_id).or_default().insert(a.id.clone(), a);
    }
    let rows = store::of_call(&app.db, call.id)
        .await?
        .into_iter()
        .map(|l| {
            let answers = parse_answers(&l.answers);
            let (country, gender) = country_gender(&form, &rules, &answers, &l);
            let eligible = l.eligibility_override.is_some() || rules.evaluate(&answers).is_empty();
            let files = files.remove(&l.id).unwrap_or_default();
            Row { listed: l, answers, files, country, gender, eligible }
        })
        .filter(|r| f.statut.is_empty() || r.listed.status == f.statut)
        .filter(|r| f.pays.is_empty() || r.country.eq_ignore_ascii_case(&f.pays))
        .filter(|r| f.genre.is_empty() || r.gender == f.genre)
        .filter(|r| match f.eligible.as_str() {
            "oui" => r.eligible,
            "non" => !r.eligible,
            _ => true,
        })
        .filter(|r| {
            words.is_empty()
                || crate::domain::search::fold(&format!("{} {} {}", r.listed.name, r.listed.email, r.listed.answers))
                    .contains(&words)
        })
        .collect();
    Ok((form, rows))
}

/// Columns of an export: fixed ones, then one per question of the form. The anonymised
/// export leaves out the name, the e-mail and every identifying question, and gives files
/// by type and size only (a file's name often carries a person's name). Files are given by
/// name, size and download address (under `public_url`).
pub fn export_table(i: I18n, form: &Form, rows: &[Row], anonymised: bool, public_url: &str) -> Vec<Vec<String>> {
    let en = i.locale == crate::domain::locale::Locale::En;
    let questions: Vec<&crate::domain::form::Question> =
        form.questions().filter(|q| !(anonymised && q.identifying)).collect();
    let mut header: Vec<String> = vec!["receipt".into(), "status".into(), "submitted_at".into()];
    if !anonymised {
        header.extend(["name".into(), "email".into()]);
    }
    header.extend(["country".into(), "gender".into(), "eligible".into()]);
    header.extend(questions.iter().map(|q| crate::domain::programme::localized(&q.label, &q.label_en, en).to_owned()));
    let mut out = vec![header];
    for r in rows {
        let mut line = vec![
            r.listed.receipt.clone().unwrap_or_default(),
            r.listed.status.clone(),
            r.listed
                .submitted_at
                .and_then(|t| jiff::Timestamp::from_second(t).ok())
                .map(|t| t.to_string())
                .unwrap_or_default(),
        ];
        if !anonymised {
            line.extend([r.listed.name.clone(), r.listed.email.clone()]);
        }
        line.extend([r.country.clone(), r.gender.clone(), if r.eligible { "yes".into() } else { "no".into() }]);
        for q in &questions {
            let file = r.answers.get(&q.id).and_then(Value::as_str).and_then(|id| r.files.get(id));
            if let (Kind::File { .. }, Some(f)) = (&q.kind, file) {
                let french = i.locale == crate::domain::locale::Locale::Fr;
                let size = crate::domain::attachment::human_size(f.size.max(0) as u64, french);
                let kind = f.file_type().map(|t| t.label()).unwrap_or("?");
                line.push(if anonymised {
                    format!("{kind} ({size})")
                } else {
                    format!("{} ({size}) {}{}", f.name, public_url.trim_end_matches('/'), f.url())
                });
                continue;
            }
            line.push(match r.answers.get(&q.id) {
                Some(Value::Array(a)) => a.iter().filter_map(|x| x.as_str()).collect::<Vec<_>>().join(", "),
                Some(Value::String(s)) => s.clone(),
                Some(v) => v.to_string(),
                None => String::new(),
            });
        }
        out.push(line);
    }
    out
}

/// Lets an applicant through the eligibility rules (with a reason), or withdraws that.
pub async fn set_override(app: &App, user: &UserRow, slug: &str, id: i64, reason: Option<&str>) -> AppResult<()> {
    let call = crate::calls::managed(app, user, slug).await?;
    let reason = match reason.map(str::trim) {
        Some("") => return Err(AppError::field("reason", "error.field.required")),
        Some(r) if r.chars().count() > 500 => return Err(AppError::field("reason", "error.field.too_long")),
        other => other,
    };
    if !store::set_override(&app.db, call.id, id, reason, user.id).await? {
        return Err(AppError::NotFound);
    }
    tracing::info!(application = id, by = user.id, overridden = reason.is_some(), "eligibility override");
    Ok(())
}

/// The eligibility rules of a call.
pub async fn rules_of(app: &App, call_id: i64) -> AppResult<Rules> {
    Ok(sqlx::query_scalar::<_, String>("SELECT eligibility FROM calls WHERE id = $1")
        .bind(call_id)
        .fetch_one(&app.db.pool)
        .await
        .map(|j| serde_json::from_str(&j).unwrap_or_default())?)
}

/// Checks rules against the call's form: each rule reads a question of the right kind.
pub fn validate_rules(form: &Form, rules: &Rules) -> Result<(), crate::error::FieldErrors> {
    use crate::domain::form::Kind;
    let mut e = crate::error::FieldErrors::new();
    let kind_of = |id: &str| form.question(id).map(|q| &q.kind);
    if let Some(a) = &rules.age {
        if !matches!(kind_of(&a.question), Some(Kind::Date)) {
            e.insert("age_question", "error.eligibility.question");
        }
        if a.min > a.max {
            e.insert("age_min", "error.form.range");
        }
    }
    if let Some(c) = &rules.countries {
        if !matches!(kind_of(&c.question), Some(Kind::Country)) {
            e.insert("country_question", "error.eligibility.question");
        }
        if c.values.is_empty() || c.values.iter().any(|v| crate::domain::programme::Country::parse(v).is_none()) {
            e.insert("countries", "error.programme.country");
        }
    }
    if let Some(l) = &rules.languages {
        if !matches!(kind_of(&l.question), Some(Kind::MultipleChoice { .. } | Kind::SingleChoice { .. })) {
            e.insert("language_question", "error.eligibility.question");
        }
        if l.values.is_empty() {
            e.insert("languages", "error.field.required");
        }
    }
    for c in &rules.custom {
        if form.question(&c.question).is_none() || c.allowed.is_empty() || c.message.trim().is_empty() {
            e.insert("custom", "error.eligibility.custom");
        }
    }
    if e.is_empty() {
        Ok(())
    } else {
        Err(e)
    }
}

pub async fn save_rules(app: &App, user: &UserRow, slug: &str, rules: &Rules) -> AppResult<()> {
    let call = crate::calls::managed(app, user, slug).await?;
    let (_, form) = forms::current(&app.db, call.id).await?;
    validate_rules(&form, rules).map_err(AppError::Invalid)?;
    sqlx::query("UPDATE calls SET eligibility = $1, updated_at = $2 WHERE id = $3")
        .bind(serde_json::to_string(rules).map_err(anyhow::Error::from)?)
        .bind(unix_now())
        .bind(call.id)
        .execute(&app.db.pool)
        .await?;
    Ok(())
}
