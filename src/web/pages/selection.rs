//! The manager's selection page: rules, the proposed cohort with the reason for each
//! candidate, confirmation, the decisions and their history, and sending the results.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::{html, see_other, FormState, PageCtx};
use crate::app::App;
use crate::domain::programme::Region;
use crate::error::{AppError, AppResult};
use crate::selection::{self, AnswerMin, Choice, Params, Proposal};
use crate::web::context::Ctx;

use super::form::{get, pairs};

/// A row of the decisions table.
pub struct DecisionView {
    pub application: i64,
    pub receipt: String,
    pub name: String,
    pub decision: String,
    pub reason: String,
    pub notified: bool,
}

#[derive(Template)]
#[template(path = "manage_selection.html")]
struct SelectionPage {
    page: PageCtx,
    slug: String,
    call_title: String,
    size: String,
    waitlist: String,
    women_min: String,
    country_max: String,
    pins: String,
    excludes: String,
    /// (region code, label, minimum as typed)
    region_mins: Vec<(String, String, String)>,
    /// (question=value chosen, minimum as typed): the rules in use and empty rows to add one.
    answer_mins: Vec<(String, String)>,
    /// ("question=value", "question : option") for the answer rows.
    answer_options: Vec<(String, String)>,
    /// The phase chosen (its id, or empty), and the programme's phases as (id, label).
    phase: String,
    phases: Vec<(String, String)>,
    form: FormState,
    infeasible: Option<String>,
    proposal: Option<Proposal>,
    decisions: Vec<DecisionView>,
    log: Vec<(String, String, String, String, String)>,
    message: Option<String>,
}

impl SelectionPage {
    fn has_minimums(&self) -> bool {
        self.region_mins.iter().any(|(_, _, v)| !v.is_empty()) || self.answer_mins.iter().any(|(k, _)| !k.is_empty())
    }
    fn decision_label(&self, d: &str) -> &'static str {
        self.page.i.t(&format!("selection.decision.{d}"))
    }
    fn summary(&self, p: &Proposal) -> String {
        let n = |v: usize| v.to_string();
        self.page.i.tf(
            "selection.summary",
            &[
                ("selected", &n(p.rows.iter().filter(|r| r.decision == "selected").count())),
                ("women", &n(p.selected_women)),
                ("countries", &n(p.countries)),
                ("waitlist", &n(p.rows.iter().filter(|r| r.decision == "waitlisted").count())),
                ("unreviewed", &n(p.unreviewed)),
            ],
        )
    }
}

/// A call's applicants: application id → (name, receipt number; empty for a draft).
type People = std::collections::HashMap<i64, (String, String)>;

/// "CCP-000123 | reason" lines, as typed, to choices by application.
fn choices(people: &People, text: &str) -> Result<Vec<Choice>, ()> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (receipt, reason) = l.split_once('|').ok_or(())?;
            let receipt = receipt.trim();
            let id = people
                .iter()
                .find(|(_, (_, r))| !r.is_empty() && r.eq_ignore_ascii_case(receipt))
                .map(|(id, _)| *id)
                .ok_or(())?;
            Ok(Choice { application: id, reason: reason.trim().to_owned() })
        })
        .collect()
}

fn choices_text(people: &People, c: &[Choice]) -> String {
    c.iter()
        .filter_map(|c| {
            let (_, receipt) = people.get(&c.application).filter(|(_, r)| !r.is_empty())?;
            Some(format!("{receipt} | {}", c.reason))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Empty answer rows offered beyond the rules in use.
const NEW_ANSWER_ROWS: usize = 2;

fn region_mins(i: crate::i18n::I18n, value: impl Fn(&str) -> String) -> Vec<(String, String, String)> {
    Region::ALL.iter().map(|r| (r.code().to_owned(), i.t(&r.label_key()).to_owned(), value(r.code()))).collect()
}

async fn page(app: &App, ctx: &Ctx, slug: &str, params: &Params, people: &People) -> AppResult<SelectionPage> {
    let i = ctx.i18n();
    let user = ctx.require_user()?;
    let (call, decisions, log) = selection::decisions(app, user, slug).await?;
    let (_, form) = crate::store::forms::current(&app.db, call.id).await?;
    let answer_options = selection::answer_questions(&form, i)
        .into_iter()
        .flat_map(|(q, label, options)| {
            options.into_iter().map(move |(v, o)| (format!("{q}={v}"), format!("{label} : {o}")))
        })
        .collect();
    let mut answer_mins: Vec<(String, String)> =
        params.answer_min.iter().map(|a| (format!("{}={}", a.question, a.value), a.min.to_string())).collect();
    answer_mins.extend(std::iter::repeat_n((String::new(), String::new()), NEW_ANSWER_ROWS));
    let phases = crate::store::programmes::phases(&app.db, call.programme_id)
        .await?
        .into_iter()
        .filter(|p| p.kind != "call")
        .map(|p| (p.id.to_string(), format!("{} ({} → {})", p.title, p.start_date, p.end_date)))
        .collect();
    let person = |id: i64| people.get(&id).cloned().unwrap_or_default();
    Ok(SelectionPage {
        page: PageCtx::new(ctx, &i.tf1("selection.title", "call", &call.title)),
        slug: call.slug.clone(),
        call_title: call.title.clone(),
        size: params.size.to_string(),
        waitlist: params.waitlist.to_string(),
        women_min: params.gender_min_percent.get("female").map(|v| v.to_string()).unwrap_or_default(),
        country_max: params.country_max.map(|v| v.to_string()).unwrap_or_default(),
        pins: choices_text(people, &params.pins),
        excludes: choices_text(people, &params.excludes),
        region_mins: region_mins(i, |r| params.region_min.get(r).map(|v| v.to_string()).unwrap_or_default()),
        answer_mins,
        answer_options,
        phase: params.phase.map(|p| p.to_string()).unwrap_or_default(),
        phases,
        form: FormState::default(),
        infeasible: None,
        proposal: None,
        decisions: decisions
            .iter()
            .map(|d| {
                let (name, receipt) = person(d.application_id);
                DecisionView {
                    application: d.application_id,
                    receipt,
                    name,
                    decision: d.decision.clone(),
                    reason: d.reason.clone(),
                    notified: d.notified_at.is_some(),
                }
            })
            .collect(),
        log: log
            .into_iter()
            .take(100)
            .map(|l| {
                let (name, receipt) = person(l.application_id);
                (i.datetime(l.decided_at, &ctx.zone), format!("{receipt} {name}"), l.decision, l.reason, l.by_name)
            })
            .collect(),
        message: None,
    })
}

#[derive(Deserialize, Default)]
pub struct Done {
    envoye: Option<usize>,
    fait: Option<usize>,
    desistement: Option<String>,
}

/// `/gestion/appels/{slug}/selection`
pub async fn show(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(d): Query<Done>,
) -> AppResult<Response> {
    let call = crate::calls::managed(&app, ctx.require_user()?, &slug).await?;
    let params = selection::params_of(&app, &call).await?;
    let people = selection::people(&app, call.id).await?;
    let mut p = page(&app, &ctx, &slug, &params, &people).await?;
    let i = ctx.i18n();
    p.message = match (d.fait, d.envoye, d.desistement) {
        (Some(n), _, _) => Some(i.tf1("selection.confirmed", "n", n)),
        (_, Some(n), _) => Some(i.tf1("selection.notified", "n", n)),
        (_, _, Some(_)) => Some(i.t("selection.declined_done").to_owned()),
        _ => None,
    };
    Ok(html(StatusCode::OK, p))
}

/// Proposes (action `propose`) or confirms (action `confirm`) the selection for the rules
/// posted.
pub async fn post(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>, body: Bytes) -> AppResult<Response> {
    let i = ctx.i18n();
    let user = ctx.require_user()?;
    let call = crate::calls::managed(&app, user, &slug).await?;
    let p = pairs(&body);
    let people = selection::people(&app, call.id).await?;
    let mut e = crate::error::FieldErrors::new();
    let mut number = |field: &'static str, v: String| -> Option<u32> {
        if v.is_empty() {
            return None;
        }
        v.parse().map_err(|_| e.insert(field, "error.selection.size")).ok()
    };
    let size = number("size", get(&p, "size")).unwrap_or(0);
    let waitlist = number("waitlist", get(&p, "waitlist")).unwrap_or(0);
    let women = number("women_min", get(&p, "women_min"));
    let country_max = number("country_max", get(&p, "country_max"));
    let mut region_min = std::collections::BTreeMap::new();
    for r in Region::ALL {
        if let Some(v) = number("region_min", get(&p, &format!("region_{}", r.code()))).filter(|v| *v > 0) {
            region_min.insert(r.code().to_owned(), v);
        }
    }
    // Rows "answer_q" = "q14=running" with "answer_min" beside; an empty row is no rule.
    let answer_rows: Vec<(String, String)> = p
        .iter()
        .filter(|(k, _)| k == "answer_q")
        .map(|(_, v)| v.clone())
        .zip(p.iter().filter(|(k, _)| k == "answer_n").map(|(_, v)| v.clone()))
        .collect();
    let mut answer_min = vec![];
    let mut unknown_answer = false;
    for (key, n) in &answer_rows {
        match (key.split_once('='), number("answer_min", n.trim().to_owned())) {
            (Some((question, value)), Some(min)) if min > 0 => {
                answer_min.push(AnswerMin { question: question.into(), value: value.into(), min })
            }
            (None, Some(m)) if m > 0 => unknown_answer = true,
            _ => {}
        }
    }
    if unknown_answer {
        e.insert("answer_min", "error.selection.unknown_answer");
    }
    let phase: Option<i64> = match get(&p, "phase").trim() {
        "" => None,
        v => v.parse().map_err(|_| e.insert("phase", "error.selection.phase")).ok(),
    };
    let pins = choices(&people, &get(&p, "pins"))
        .map_err(|_| e.insert("pins", "selection.unknown_receipt"))
        .unwrap_or_default();
    let excludes = choices(&people, &get(&p, "excludes"))
        .map_err(|_| e.insert("excludes", "selection.unknown_receipt"))
        .unwrap_or_default();
    let params = Params {
        size,
        waitlist,
        gender_min_percent: women.map(|w| [("female".to_owned(), w)].into_iter().collect()).unwrap_or_default(),
        country_max,
        pins,
        excludes,
        region_min,
        answer_min,
        phase,
    };
    let mut shown = page(&app, &ctx, &slug, &params, &people).await?;
    // Keep what was typed, even when it could not be read.
    shown.size = get(&p, "size");
    shown.waitlist = get(&p, "waitlist");
    shown.women_min = get(&p, "women_min");
    shown.country_max = get(&p, "country_max");
    shown.pins = get(&p, "pins");
    shown.excludes = get(&p, "excludes");
    shown.phase = get(&p, "phase");
    shown.region_mins = region_mins(i, |r| get(&p, &format!("region_{r}")));
    shown.answer_mins = answer_rows;
    shown.answer_mins.extend(std::iter::repeat_n((String::new(), String::new()), NEW_ANSWER_ROWS));
    if !e.is_empty() {
        shown.form = FormState::from_error(i, &AppError::Invalid(e));
        return Ok(html(StatusCode::UNPROCESSABLE_ENTITY, shown));
    }
    let result = if get(&p, "action") == "confirm" {
        match selection::confirm(&app, user, &slug, i, &params).await {
            Ok(n) => return Ok(see_other(&format!("/gestion/appels/{slug}/selection?fait={n}"))),
            Err(e) => Err(e),
        }
    } else {
        selection::propose(&app, user, &slug, i, &params).await.map(|(_, p)| p)
    };
    match result {
        Ok(proposal) => {
            shown.proposal = Some(proposal);
            Ok(html(StatusCode::OK, shown))
        }
        Err(AppError::Infeasible(text)) => {
            shown.infeasible = Some(format!("{} {text}", i.t("error.selection.infeasible")));
            Ok(html(StatusCode::UNPROCESSABLE_ENTITY, shown))
        }
        Err(e @ AppError::Invalid(_)) => {
            shown.form = FormState::from_error(i, &e);
            Ok(html(StatusCode::UNPROCESSABLE_ENTITY, shown))
        }
        Err(e) => Err(e),
    }
}

pub async fn notify(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>) -> AppResult<Response> {
    let n = selection::notify(&app, ctx.require_user()?, &slug).await?;
    Ok(see_other(&format!("/gestion/appels/{slug}/selection?envoye={n}")))
}

/// A selected person declines (recorded by the manager with what she said).
pub async fn decline(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, application)): Path<(String, i64)>,
    body: Bytes,
) -> AppResult<Response> {
    let p = pairs(&body);
    selection::decline(&app, ctx.require_user()?, &slug, ctx.i18n(), application, &get(&p, "reason")).await?;
    Ok(see_other(&format!("/gestion/appels/{slug}/selection?desistement=1")))
}

pub async fn decisions_csv(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>) -> AppResult<Response> {
    let (name, t) = selection::decisions_table(&app, ctx.require_user()?, &slug).await?;
    Ok(crate::web::export::csv(&t, &name))
}

pub async fn decisions_xlsx(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>) -> AppResult<Response> {
    let (name, t) = selection::decisions_table(&app, ctx.require_user()?, &slug).await?;
    crate::web::export::xlsx(&t, &name)
}

/// One message in the editor: its labels, the text shown (as saved, or as typed when the
/// page comes back with an error) and its field names.
pub struct MessageView {
    pub legend: String,
    pub custom: bool,
    pub subject: String,
    pub body: String,
    pub subject_field: &'static str,
    pub body_field: &'static str,
    pub reset_field: String,
}

#[derive(Template)]
#[template(path = "manage_messages.html")]
struct MessagesPage {
    page: PageCtx,
    slug: String,
    call_title: String,
    messages: Vec<MessageView>,
    form: FormState,
    saved: bool,
}

fn message_views(i: crate::i18n::I18n, messages: &[crate::decision_messages::Message]) -> Vec<MessageView> {
    use crate::decision_messages::field;
    messages
        .iter()
        .map(|m| MessageView {
            legend: format!(
                "{} — {}",
                i.t(&format!("selection.decision.{}", m.decision)),
                i.t(&format!("locale.{}", m.locale))
            ),
            custom: m.custom,
            subject: m.subject.clone(),
            body: m.body.clone(),
            subject_field: field(&m.decision, &m.locale, "subject"),
            body_field: field(&m.decision, &m.locale, "body"),
            reset_field: format!("{}_{}_reset", m.decision, m.locale),
        })
        .collect()
}

#[derive(Deserialize, Default)]
pub struct Saved {
    enregistre: Option<u8>,
}

/// `/gestion/appels/{slug}/selection/messages`: the result messages, editable.
pub async fn messages(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(q): Query<Saved>,
) -> AppResult<Response> {
    let i = ctx.i18n();
    let (call, messages) = crate::decision_messages::list(&app, ctx.require_user()?, &slug).await?;
    Ok(html(
        StatusCode::OK,
        MessagesPage {
            page: PageCtx::new(&ctx, &i.tf1("messages.title", "call", &call.title)),
            slug: call.slug,
            call_title: call.title,
            messages: message_views(i, &messages),
            form: FormState::default(),
            saved: q.enregistre.is_some(),
        },
    ))
}

pub async fn messages_post(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    body: Bytes,
) -> AppResult<Response> {
    let i = ctx.i18n();
    let user = ctx.require_user()?;
    let p = pairs(&body);
    let (call, current) = crate::decision_messages::list(&app, user, &slug).await?;
    let inputs: Vec<crate::decision_messages::MessageInput> = current
        .iter()
        .map(|m| {
            let views = message_views(i, std::slice::from_ref(m));
            let v = &views[0];
            crate::decision_messages::MessageInput {
                decision: m.decision.clone(),
                locale: m.locale.clone(),
                subject: get(&p, v.subject_field),
                body: get(&p, v.body_field),
                reset: super::form::flag(&p, &v.reset_field),
            }
        })
        .collect();
    match crate::decision_messages::save(&app, user, &slug, &inputs).await {
        Ok(_) => Ok(see_other(&format!("/gestion/appels/{slug}/selection/messages?enregistre=1"))),
        Err(e @ AppError::Invalid(_)) => {
            // The page comes back with everything as typed.
            let mut messages = message_views(i, &current);
            for (view, input) in messages.iter_mut().zip(&inputs) {
                view.subject = input.subject.clone();
                view.body = input.body.clone();
            }
            Ok(html(
                StatusCode::UNPROCESSABLE_ENTITY,
                MessagesPage {
                    page: PageCtx::new(&ctx, &i.tf1("messages.title", "call", &call.title)),
                    slug: call.slug,
                    call_title: call.title,
                    messages,
                    form: FormState::from_error(i, &e),
                    saved: false,
                },
            ))
        }
        Err(e) => Err(e),
    }
}
