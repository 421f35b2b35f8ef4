//! Choosing the cohort of a call: from the reviewed applications ranked by their corrected
//! score, the domain (`domain::selection`) proposes the best cohort that meets the
//! manager's rules (cohort size, waitlist, minimum share of a gender, maximum per country,
//! people kept or excluded with a reason) and explains each choice. The manager confirms it:
//! every applicant gets a decision (selected, waitlisted, rejected) with its reason, logged;
//! results are e-mailed in each applicant's language. The selected decisions are what the
//! next phase (the course) will enrol.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::app::App;
use crate::domain::form::{Form, Kind};
use crate::domain::programme::{localized, Country, Region};
use crate::domain::selection::{self, Candidate, Constraints, Decision, Outcome, Reason, Rule, SelectionError};
use crate::error::{AppError, AppResult};
use crate::i18n::I18n;
use crate::store::accounts::UserRow;
use crate::store::calls::CallRow;
use crate::store::outbox;
use crate::store::selection::{self as store, DecisionRow};

/// A person kept or excluded by the manager, with the reason recorded.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Choice {
    pub application: i64,
    pub reason: String,
}

/// What the manager asks for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct Params {
    pub size: u32,
    pub waitlist: u32,
    /// Minimum share of the cohort per gender, in percent (e.g. {"female": 40}).
    pub gender_min_percent: BTreeMap<String, u32>,
    /// At most this many per country.
    pub country_max: Option<u32>,
    /// Selected whatever their rank.
    pub pins: Vec<Choice>,
    /// Neither selected nor waitlisted.
    pub excludes: Vec<Choice>,
    /// At least this many selected per region (north, west, central, east, southern or
    /// other: the African Union's regions, from each applicant's country).
    pub region_min: BTreeMap<String, u32>,
    /// At least so many selected who gave an answer (to a single-choice or yes/no question).
    pub answer_min: Vec<AnswerMin>,
    /// The phase of the programme the selected join (its participants follow the
    /// decisions); by default the programme's online course. None: nobody is enrolled yet.
    pub phase: Option<i64>,
}

/// At least `min` selected whose answer to `question` is `value` (e.g. at least 5 whose
/// project is already running).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AnswerMin {
    /// The question's id in the call's form, e.g. "q14".
    pub question: String,
    /// The option's value, e.g. "running".
    pub value: String,
    pub min: u32,
}

impl Default for Params {
    fn default() -> Params {
        Params {
            size: 30,
            waitlist: 10,
            gender_min_percent: BTreeMap::from([("female".to_owned(), 40)]),
            country_max: Some(3),
            pins: vec![],
            excludes: vec![],
            region_min: BTreeMap::new(),
            answer_min: vec![],
            phase: None,
        }
    }
}

/// One candidate of the proposal, in ranking order.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Row {
    pub rank: usize,
    pub application: i64,
    pub receipt: String,
    pub name: String,
    pub country: String,
    pub gender: String,
    /// Corrected score out of 100.
    pub score: f64,
    /// selected, waitlisted or rejected
    pub decision: String,
    pub waitlist_rank: Option<usize>,
    /// Why, in the reader's language.
    pub reason: String,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Proposal {
    pub params: Params,
    pub rows: Vec<Row>,
    /// Applications sent and eligible but not reviewed yet: not in the pool.
    pub unreviewed: usize,
    pub selected_women: usize,
    pub countries: usize,
}

/// The last parameters used for a call (the defaults before any, joining the programme's
/// online course).
pub async fn params_of(app: &App, call: &CallRow) -> AppResult<Params> {
    match store::params(&app.db, call.id).await?.and_then(|j| serde_json::from_str(&j).ok()) {
        Some(p) => Ok(p),
        None => Ok(Params { phase: default_phase(app, call).await?, ..Params::default() }),
    }
}

/// The phase the selected join unless the manager says otherwise: the programme's first
/// online course, else the first phase after the call's own.
pub async fn default_phase(app: &App, call: &CallRow) -> AppResult<Option<i64>> {
    let phases = crate::store::programmes::phases(&app.db, call.programme_id).await?;
    let course = phases.iter().find(|p| p.kind == "online_course");
    let after_call = phases.iter().skip_while(|p| p.kind != "call").nth(1);
    Ok(course.or(after_call).map(|p| p.id))
}

/// A question a minimum may count: (id, label, options as (value, label)).
pub type AnswerQuestion = (String, String, Vec<(String, String)>);

/// The questions a minimum may count answers of: single-choice and yes/no questions of the
/// form, labelled in the reader's language.
pub fn answer_questions(form: &Form, i: I18n) -> Vec<AnswerQuestion> {
    let en = i.locale == crate::domain::locale::Locale::En;
    form.questions()
        .filter_map(|q| {
            let options = match &q.kind {
                Kind::SingleChoice { options } => {
                    options.iter().map(|o| (o.value.clone(), localized(&o.label, &o.label_en, en).to_owned())).collect()
                }
                Kind::YesNo => {
                    vec![("yes".into(), i.t("apply.yes").to_owned()), ("no".into(), i.t("apply.no").to_owned())]
                }
                _ => return None,
            };
            Some((q.id.clone(), localized(&q.label, &q.label_en, en).to_owned(), options))
        })
        .collect()
}

/// How rules name regions and answers to the reader.
struct Labels {
    i: I18n,
    /// (question, value) → "question: option".
    answers: HashMap<(String, String), String>,
}

impl Labels {
    fn new(i: I18n, form: &Form) -> Labels {
        let answers = answer_questions(form, i)
            .into_iter()
            .flat_map(|(q, label, options)| {
                options.into_iter().map(move |(v, o)| ((q.clone(), v), format!("{label} : {o}")))
            })
            .collect();
        Labels { i, answers }
    }
    fn region(&self, code: &str) -> String {
        Region::parse(code).map(|r| self.i.t(&r.label_key()).to_owned()).unwrap_or_else(|| code.to_owned())
    }
    fn answer(&self, question: &str, value: &str) -> String {
        self.answers.get(&(question.to_owned(), value.to_owned())).cloned().unwrap_or_else(|| value.to_owned())
    }
}

fn rule_text(l: &Labels, r: &Rule) -> String {
    let i = l.i;
    match r {
        Rule::GenderMin { gender, min } => i.tf(
            "selection.rule.gender_min",
            &[("min", &min.to_string()), ("gender", i.t(&format!("gender.{gender}")))],
        ),
        Rule::CountryMax { country, max } => {
            i.tf("selection.rule.country_max", &[("max", &max.to_string()), ("country", country)])
        }
        Rule::RegionMin { region, min } => {
            i.tf("selection.rule.region_min", &[("min", &min.to_string()), ("region", &l.region(region))])
        }
        Rule::AnswerMin { question, value, min } => {
            i.tf("selection.rule.answer_min", &[("min", &min.to_string()), ("value", &l.answer(question, value))])
        }
    }
}

fn reason_text(l: &Labels, r: &Reason) -> String {
    let i = l.i;
    let rules = |which: &[Rule]| which.iter().map(|w| rule_text(l, w)).collect::<Vec<_>>().join(", ");
    match r {
        Reason::Pinned { reason } => i.tf1("selection.reason.pinned", "reason", reason),
        Reason::Excluded { reason } => i.tf1("selection.reason.excluded", "reason", reason),
        Reason::InByScore => i.t("selection.reason.in_by_score").to_owned(),
        Reason::InByConstraint { which } => i.tf1("selection.reason.in_by_constraint", "rules", rules(which)),
        Reason::OutByConstraint { which } => i.tf1("selection.reason.out_by_constraint", "rules", rules(which)),
        Reason::OutByScore => i.t("selection.reason.out_by_score").to_owned(),
    }
}

/// Says which rule to relax, in the reader's language.
fn error_text(l: &Labels, e: &SelectionError) -> String {
    let i = l.i;
    let n = |v: &usize| v.to_string();
    match e {
        SelectionError::PinsOverCountryMax { country, .. } => i.tf1(e.message_key(), "country", country),
        SelectionError::NotEnoughCandidates { needed, available } => {
            i.tf(e.message_key(), &[("needed", &n(needed)), ("available", &n(available))])
        }
        SelectionError::MinimumsOverSize { family, required, size } => {
            i.tf(e.message_key(), &[("family", family), ("required", &n(required)), ("size", &n(size))])
        }
        SelectionError::GenderMin { gender, needed, available } => i.tf(
            e.message_key(),
            &[("gender", i.t(&format!("gender.{gender}"))), ("needed", &n(needed)), ("available", &n(available))],
        ),
        SelectionError::RegionMin { region, needed, available } => i.tf(
            e.message_key(),
            &[("region", &l.region(region)), ("needed", &n(needed)), ("available", &n(available))],
        ),
        SelectionError::AnswerMin { question, value, needed, available } => i.tf(
            e.message_key(),
            &[("value", &l.answer(question, value)), ("needed", &n(needed)), ("available", &n(available))],
        ),
        SelectionError::CountryMax { max, countries, capacity, needed } => i.tf(
            e.message_key(),
            &[("max", &n(max)), ("countries", &n(countries)), ("capacity", &n(capacity)), ("needed", &n(needed))],
        ),
        _ => i.t(e.message_key()).to_owned(),
    }
}

fn check_params(p: &Params, form: &Form, i: I18n) -> AppResult<()> {
    let mut e = crate::error::FieldErrors::new();
    if p.size == 0 || p.size > 10_000 {
        e.insert("size", "error.selection.size");
    }
    if p.waitlist > 10_000 {
        e.insert("waitlist", "error.selection.size");
    }
    if p.gender_min_percent.values().any(|v| *v > 100) {
        e.insert("gender_min_percent", "error.selection.bad_share");
    }
    if p.country_max == Some(0) {
        e.insert("country_max", "error.selection.size");
    }
    if p.pins.iter().chain(&p.excludes).any(|c| c.reason.trim().is_empty()) {
        e.insert("reason", "error.selection.reason");
    }
    if p.region_min.keys().any(|r| Region::parse(r).is_none()) {
        e.insert("region_min", "error.selection.unknown_region");
    }
    if p.region_min.values().chain(p.answer_min.iter().map(|a| &a.min)).any(|v| *v > p.size) {
        e.insert("region_min", "error.selection.min_over_size");
    }
    let answerable = answer_questions(form, i);
    let known = |a: &AnswerMin| {
        answerable.iter().any(|(q, _, options)| *q == a.question && options.iter().any(|(v, _)| *v == a.value))
    };
    if !p.answer_min.iter().all(known) {
        e.insert("answer_min", "error.selection.unknown_answer");
    }
    if e.is_empty() {
        Ok(())
    } else {
        Err(AppError::Invalid(e))
    }
}

/// The proposal for these parameters (nothing is written).
pub async fn propose(
    app: &App,
    user: &UserRow,
    slug: &str,
    i: I18n,
    params: &Params,
) -> AppResult<(CallRow, Proposal)> {
    let (call, _, results) = crate::review::results(app, user, slug).await?;
    let (_, form) = crate::store::forms::current(&app.db, call.id).await?;
    check_params(params, &form, i)?;
    if let Some(phase) = params.phase {
        let phases = crate::store::programmes::phases(&app.db, call.programme_id).await?;
        if !phases.iter().any(|p| p.id == phase) {
            return Err(AppError::field("phase", "error.selection.phase"));
        }
    }
    let labels = Labels::new(i, &form);
    // Answers are read only when a rule counts them.
    let mut answers: HashMap<i64, BTreeMap<String, String>> = HashMap::new();
    if !params.answer_min.is_empty() {
        let questions: std::collections::BTreeSet<&str> =
            params.answer_min.iter().map(|a| a.question.as_str()).collect();
        for (id, raw) in sqlx::query_as::<_, (i64, String)>("SELECT id, answers FROM applications WHERE call_id = $1")
            .bind(call.id)
            .fetch_all(&app.db.pool)
            .await?
        {
            let given = crate::applications::parse_answers(&raw);
            let picked =
                questions.iter().filter_map(|q| Some((q.to_string(), given.get(*q)?.as_str()?.to_owned()))).collect();
            answers.insert(id, picked);
        }
    }
    let submitted_at: HashMap<i64, i64> =
        sqlx::query_as::<_, (i64, Option<i64>)>("SELECT id, submitted_at FROM applications WHERE call_id = $1")
            .bind(call.id)
            .fetch_all(&app.db.pool)
            .await?
            .into_iter()
            .map(|(id, t)| (id, t.unwrap_or(0)))
            .collect();
    let ranked: Vec<&crate::review::ResultRow> =
        results.applications.iter().filter(|r| r.normalised_mean.is_some()).collect();
    let problem = selection::Problem {
        candidates: ranked
            .iter()
            .map(|r| Candidate {
                id: r.application,
                score: selection::milli(r.normalised_mean.unwrap_or(0.0)),
                submitted_at: jiff::Timestamp::from_second(submitted_at.get(&r.application).copied().unwrap_or(0))
                    .unwrap_or(jiff::Timestamp::UNIX_EPOCH),
                gender: r.gender.clone(),
                country: r.country.to_ascii_uppercase(),
                region: Country::parse(&r.country).map_or(Region::Other, Country::region).code().to_owned(),
                answers: answers.remove(&r.application).unwrap_or_default(),
            })
            .collect(),
        size: params.size,
        waitlist: params.waitlist,
        constraints: Constraints {
            gender_min_percent: params
                .gender_min_percent
                .iter()
                .filter(|(_, v)| **v > 0)
                .map(|(k, v)| (k.clone(), *v))
                .collect(),
            country_max: params.country_max,
            region_min: params.region_min.iter().filter(|(_, v)| **v > 0).map(|(k, v)| (k.clone(), *v)).collect(),
            answer_min: params
                .answer_min
                .iter()
                .filter(|a| a.min > 0)
                .map(|a| selection::AnswerMin { question: a.question.clone(), value: a.value.clone(), min: a.min })
                .collect(),
            pins: params.pins.iter().map(|c| Decision { id: c.application, reason: c.reason.trim().into() }).collect(),
            excludes: params
                .excludes
                .iter()
                .map(|c| Decision { id: c.application, reason: c.reason.trim().into() })
                .collect(),
        },
    };
    let outcome: Outcome = selection::select(&problem).map_err(|e| AppError::Infeasible(error_text(&labels, &e)))?;
    let by_id: HashMap<i64, &&crate::review::ResultRow> = ranked.iter().map(|r| (r.application, r)).collect();
    let waitlisted: HashMap<i64, usize> = outcome.waitlist.iter().enumerate().map(|(n, w)| (w.id, n + 1)).collect();
    let rows: Vec<Row> = outcome
        .explanations
        .iter()
        .filter_map(|x| {
            let r = by_id.get(&x.id)?;
            let waitlist_rank = waitlisted.get(&x.id).copied();
            Some(Row {
                rank: x.rank,
                application: x.id,
                receipt: r.receipt.clone(),
                name: r.name.clone(),
                country: r.country.clone(),
                gender: r.gender.clone(),
                score: r.normalised_mean.unwrap_or(0.0),
                decision: if x.selected {
                    "selected"
                } else if waitlist_rank.is_some() {
                    "waitlisted"
                } else {
                    "rejected"
                }
                .into(),
                waitlist_rank,
                reason: reason_text(&labels, &x.reason),
            })
        })
        .collect();
    let selected: Vec<&Row> = rows.iter().filter(|r| r.decision == "selected").collect();
    let proposal = Proposal {
        params: params.clone(),
        unreviewed: results.applications.len() - ranked.len(),
        selected_women: selected.iter().filter(|r| r.gender == "female").count(),
        countries: selected.iter().map(|r| r.country.as_str()).collect::<std::collections::BTreeSet<_>>().len(),
        rows,
    };
    Ok((call, proposal))
}

/// Records the proposal for these parameters as the decisions (each with its reason, in the
/// log). Returns the decisions that changed.
pub async fn confirm(app: &App, user: &UserRow, slug: &str, i: I18n, params: &Params) -> AppResult<usize> {
    let (call, proposal) = propose(app, user, slug, i, params).await?;
    let mut changed = 0;
    let mut tx = app.db.begin().await?;
    store::save_params(&mut tx, call.id, &serde_json::to_string(params).map_err(anyhow::Error::from)?).await?;
    for r in &proposal.rows {
        let rank = r.waitlist_rank.map(|n| n as i64);
        if store::decide(&mut tx, call.id, r.application, &r.decision, &r.reason, rank, user.id).await? {
            changed += 1;
        }
    }
    crate::store::participants::sync_selection(&mut tx, call.id, params.phase, user.id).await?;
    tx.commit().await?;
    tracing::info!(call = call.id, changed, by = user.id, "selection confirmed");
    Ok(changed)
}

/// The decisions of a call and their log.
pub async fn decisions(
    app: &App,
    user: &UserRow,
    slug: &str,
) -> AppResult<(CallRow, Vec<DecisionRow>, Vec<store::LogRow>)> {
    let call = crate::calls::managed(app, user, slug).await?;
    let d = store::decisions(&app.db, call.id).await?;
    let log = store::log(&app.db, call.id).await?;
    Ok((call, d, log))
}

/// E-mails each applicant whose decision she has not been told yet, in her language, with
/// the call's messages (`decision_messages`; not those who declined: they told us).
/// Returns how many messages were queued.
pub async fn notify(app: &App, user: &UserRow, slug: &str) -> AppResult<usize> {
    let call = crate::calls::managed(app, user, slug).await?;
    let pending: Vec<(i64, String, Option<i64>, String, String, String)> = sqlx::query_as(
        "SELECT d.application_id, d.decision, d.waitlist_rank, u.email, u.name, u.locale FROM decisions d \
         JOIN applications a ON a.id = d.application_id JOIN users u ON u.id = a.user_id \
         WHERE d.call_id = $1 AND d.notified_at IS NULL AND d.decision <> 'declined' ORDER BY d.application_id",
    )
    .bind(call.id)
    .fetch_all(&app.db.pool)
    .await?;
    let templates = crate::decision_messages::templates(app, call.id).await?;
    let mut tx = app.db.begin().await?;
    for (application, decision, rank, email, name, locale) in &pending {
        let locale = crate::domain::locale::Locale::parse(locale).unwrap_or_default();
        let title = localized(&call.title, &call.title_en, locale == crate::domain::locale::Locale::En);
        let template = templates.get(&(decision.clone(), locale)).ok_or_else(|| anyhow::anyhow!("{decision}"))?;
        let rank = rank.map(|r| r.to_string()).unwrap_or_default();
        let (subject, body) = template.render(&[("name", name), ("call", title), ("rank", &rank)]);
        outbox::enqueue(&mut tx, email, &subject, &body).await?;
        store::mark_notified(&mut tx, *application).await?;
    }
    tx.commit().await?;
    app.mail_wake.notify_one();
    tracing::info!(call = call.id, sent = pending.len(), "decisions e-mailed");
    Ok(pending.len())
}

/// A selected person declines her place (the manager records it, with what she said): her
/// decision becomes "declined" and the best candidate who keeps every rule met takes the
/// place — the others selected stay. Returns the application promoted, if any could be.
pub async fn decline(
    app: &App,
    user: &UserRow,
    slug: &str,
    i: I18n,
    application: i64,
    reason: &str,
) -> AppResult<Option<i64>> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::field("reason", "error.selection.reason"));
    }
    let (call, decisions, _) = decisions(app, user, slug).await?;
    if !decisions.iter().any(|d| d.application_id == application && d.decision == "selected") {
        return Err(AppError::field("application", "error.selection.not_selected"));
    }
    let mut params = params_of(app, &call).await?;
    params.pins.retain(|c| c.application != application);
    params.excludes.push(Choice { application, reason: reason.to_owned() });
    // Everyone else selected keeps her place: pinned for this computation only.
    let mut keep = params.clone();
    let already = i.t("selection.already_selected");
    for d in decisions.iter().filter(|d| d.decision == "selected" && d.application_id != application) {
        if !keep.pins.iter().any(|c| c.application == d.application_id) {
            keep.pins.push(Choice { application: d.application_id, reason: already.to_owned() });
        }
    }
    let (_, proposal) = propose(app, user, slug, i, &keep).await?;
    let before: Vec<i64> = decisions.iter().filter(|d| d.decision == "selected").map(|d| d.application_id).collect();
    let promoted = proposal
        .rows
        .iter()
        .find(|r| r.decision == "selected" && !before.contains(&r.application))
        .map(|r| r.application);
    let mut tx = app.db.begin().await?;
    store::save_params(&mut tx, call.id, &serde_json::to_string(&params).map_err(anyhow::Error::from)?).await?;
    store::decide(&mut tx, call.id, application, "declined", reason, None, user.id).await?;
    for r in proposal.rows.iter().filter(|r| r.application != application) {
        let reason = if Some(r.application) == promoted {
            i.tf1("selection.reason.promoted", "reason", &r.reason)
        } else {
            r.reason.clone()
        };
        let rank = r.waitlist_rank.map(|n| n as i64);
        store::decide(&mut tx, call.id, r.application, &r.decision, &reason, rank, user.id).await?;
    }
    crate::store::participants::sync_selection(&mut tx, call.id, params.phase, user.id).await?;
    tx.commit().await?;
    tracing::info!(call = call.id, declined = application, ?promoted, "place declined");
    Ok(promoted)
}

/// The decisions as a table (receipt numbers only when the call is blind).
pub async fn decisions_table(app: &App, user: &UserRow, slug: &str) -> AppResult<(String, Vec<Vec<String>>)> {
    let (call, decisions, _) = decisions(app, user, slug).await?;
    let blind = crate::review::settings_of(app, call.id).await?.blind;
    let people = people(app, call.id).await?;
    let mut header = vec!["receipt".to_owned()];
    if !blind {
        header.push("name".into());
    }
    header.extend(["decision", "waitlist_rank", "reason", "decided_at", "notified_at"].map(str::to_owned));
    let time = |t: Option<i64>| {
        t.and_then(|t| jiff::Timestamp::from_second(t).ok()).map(|t| t.to_string()).unwrap_or_default()
    };
    let mut t = vec![header];
    for d in &decisions {
        let (name, receipt) = people.get(&d.application_id).cloned().unwrap_or_default();
        let mut line = vec![receipt];
        if !blind {
            line.push(name);
        }
        line.extend([
            d.decision.clone(),
            d.waitlist_rank.map(|r| r.to_string()).unwrap_or_default(),
            d.reason.clone(),
            time(Some(d.decided_at)),
            time(d.notified_at),
        ]);
        t.push(line);
    }
    Ok((format!("decisions-{}", call.slug), t))
}

/// The applicants of a call: application id → (name, receipt number).
pub async fn people(app: &App, call_id: i64) -> AppResult<HashMap<i64, (String, String)>> {
    Ok(sqlx::query_as::<_, (i64, String, Option<String>)>(
        "SELECT a.id, u.name, a.receipt FROM applications a JOIN users u ON u.id = a.user_id WHERE a.call_id = $1",
    )
    .bind(call_id)
    .fetch_all(&app.db.pool)
    .await?
    .into_iter()
    .map(|(id, name, receipt)| (id, (name, receipt.unwrap_or_default())))
    .collect())
}
