//! The applicant's page: the call's form, filled over several visits, saved with a button
//! (no JavaScript needed), then submitted; the receipt; withdrawal.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;

use super::{html, see_other, PageCtx};
use crate::app::App;
use crate::applications::{self, ApplyError, Dossier};
use crate::domain::attachment::{human_size, MAX_FILE_BYTES};
use crate::domain::eligibility::Failure;
use crate::domain::form::{AnswerError, Answers, Form, Kind};
use crate::domain::locale::Locale;
use crate::domain::programme::{localized, COUNTRIES};
use crate::error::AppResult;
use crate::i18n::I18n;
use crate::store::attachments::AttachmentRow;
use crate::web::context::Ctx;

/// Largest posted form: the answers and up to three files at the largest size allowed; each
/// file is also held to its own question's limit as it arrives.
pub const BODY_LIMIT: usize = 3 * MAX_FILE_BYTES as usize + 256 * 1024;

/// One input of the form, ready for the template.
pub struct Field {
    pub id: String,
    pub label: String,
    pub help: String,
    pub required: bool,
    /// text, textarea, select, checkboxes, radio, number, date, email, tel, url, file
    pub input: &'static str,
    pub value: String,
    pub options: Vec<(String, String, bool)>,
    pub max_chars: Option<u32>,
    pub condition: Option<String>,
    pub error: Option<&'static str>,
    /// For files: the `accept` attribute, what is accepted ("PDF, DOCX/ODT — 5 Mo au plus"),
    /// and the file already sent (its name and size, its address).
    pub accept: String,
    pub limits: String,
    pub file: Option<(String, String)>,
}

pub struct SectionFields {
    pub title: String,
    pub fields: Vec<Field>,
}

fn value_strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(a)) => a.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect(),
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Number(n)) => vec![n.to_string()],
        _ => vec![],
    }
}

pub fn fields(
    i: I18n,
    form: &Form,
    answers: &Answers,
    errors: &BTreeMap<String, AnswerError>,
    files: &BTreeMap<String, AttachmentRow>,
) -> Vec<SectionFields> {
    let en = i.locale == Locale::En;
    form.sections
        .iter()
        .map(|s| SectionFields {
            title: localized(&s.title, &s.title_en, en).to_owned(),
            fields: s
                .questions
                .iter()
                .map(|q| {
                    let given = value_strings(answers.get(&q.id));
                    let first = given.first().cloned().unwrap_or_default();
                    let choices = |options: &[crate::domain::form::Choice]| {
                        options
                            .iter()
                            .map(|o| {
                                (
                                    o.value.clone(),
                                    localized(&o.label, &o.label_en, en).to_owned(),
                                    given.contains(&o.value),
                                )
                            })
                            .collect()
                    };
                    let (input, options, max_chars) = match &q.kind {
                        Kind::ShortText { max_chars } => ("text", vec![], Some(*max_chars)),
                        Kind::LongText { max_chars, .. } => ("textarea", vec![], *max_chars),
                        Kind::SingleChoice { options } => ("radio", choices(options), None),
                        Kind::MultipleChoice { options, .. } => ("checkboxes", choices(options), None),
                        Kind::Number { .. } => ("number", vec![], None),
                        Kind::Date => ("date", vec![], None),
                        Kind::Country => (
                            "select",
                            COUNTRIES
                                .iter()
                                .map(|(c, fr, e)| {
                                    ((*c).to_owned(), (if en { *e } else { *fr }).to_owned(), first == *c)
                                })
                                .collect(),
                            None,
                        ),
                        Kind::Email => ("email", vec![], None),
                        Kind::Phone => ("tel", vec![], None),
                        Kind::Url => ("url", vec![], None),
                        Kind::File { .. } => ("file", vec![], None),
                        Kind::YesNo => (
                            "radio",
                            vec![
                                ("yes".into(), i.t("apply.yes").into(), first == "yes"),
                                ("no".into(), i.t("apply.no").into(), first == "no"),
                            ],
                            None,
                        ),
                    };
                    let condition = q.show_if.as_ref().map(|c| {
                        let label = form
                            .question(&c.question)
                            .map(|x| localized(&x.label, &x.label_en, en).to_owned())
                            .unwrap_or_default();
                        let value = match c.equals.as_str() {
                            "yes" => i.t("apply.yes").to_owned(),
                            "no" => i.t("apply.no").to_owned(),
                            v => v.to_owned(),
                        };
                        i.tf("apply.only_if", &[("question", &label), ("answer", &value)])
                    });
                    let (accept, limits) = match &q.kind {
                        Kind::File { types, max_bytes } => (
                            types.iter().map(|t| t.accept()).collect::<Vec<_>>().join(","),
                            i.tf(
                                "apply.file_limits",
                                &[
                                    ("types", &types.iter().map(|t| t.label()).collect::<Vec<_>>().join(", ")),
                                    ("size", &human_size(*max_bytes, !en)),
                                ],
                            ),
                        ),
                        _ => (String::new(), String::new()),
                    };
                    let file = files
                        .get(&first)
                        .filter(|_| input == "file")
                        .map(|f| (format!("{} ({})", f.name, human_size(f.size.max(0) as u64, !en)), f.url()));
                    Field {
                        accept,
                        limits,
                        file,
                        id: q.id.clone(),
                        label: localized(&q.label, &q.label_en, en).to_owned(),
                        help: localized(&q.help, &q.help_en, en).to_owned(),
                        required: q.required,
                        input,
                        value: first,
                        options,
                        max_chars,
                        condition,
                        error: errors.get(&q.id).map(|e| i.t(e.message_key())),
                    }
                })
                .collect(),
        })
        .collect()
}

pub fn failure_text(i: I18n, f: &Failure) -> String {
    let en = i.locale == Locale::En;
    match f {
        Failure::Age { min, max, on } => {
            i.tf("eligibility.age", &[("min", &min.to_string()), ("max", &max.to_string()), ("date", &on.to_string())])
        }
        Failure::Country { allowed } => {
            let names: Vec<&str> = allowed
                .iter()
                .filter_map(|c| crate::domain::programme::Country::parse(c))
                .map(|c| c.name(en))
                .collect();
            i.tf1("eligibility.country", "countries", names.join(", "))
        }
        Failure::Language { required } => i.tf1("eligibility.language", "languages", required.join(", ")),
        Failure::Custom { message, message_en } => localized(message, message_en, en).to_owned(),
    }
}

#[derive(Template)]
#[template(path = "apply.html")]
struct ApplyPage {
    page: PageCtx,
    slug: String,
    call_title: String,
    closes: String,
    accepting: bool,
    status: String,
    receipt: Option<String>,
    unsent: bool,
    revision: i64,
    sections: Vec<SectionFields>,
    summary: Option<String>,
    eligibility: Vec<String>,
    conflict: bool,
    done: Option<&'static str>,
    autosave: String,
    /// The form has file questions: it is sent as multipart, with the CSRF token in its address.
    multipart: bool,
}

fn page_of(ctx: &Ctx, d: &Dossier, answers: &Answers, errors: &BTreeMap<String, AnswerError>) -> ApplyPage {
    let i = ctx.i18n();
    let zone = d.call.zone_name().zone();
    let title = localized(&d.call.title, &d.call.title_en, i.locale == Locale::En).to_owned();
    ApplyPage {
        page: PageCtx::new(ctx, &title),
        slug: d.call.slug.clone(),
        call_title: title,
        closes: i.deadline(d.call.closes_at, &zone),
        accepting: d.accepting,
        status: d.application.status.clone(),
        receipt: d.application.receipt.clone().filter(|_| d.submitted()),
        unsent: d.unsent_changes(),
        revision: d.application.revision,
        sections: fields(i, &d.form, answers, errors, &d.files),
        summary: None,
        eligibility: d.eligibility().iter().map(|f| failure_text(i, f)).collect(),
        conflict: d.conflict.is_some(),
        done: None,
        autosave: crate::web::assets::autosave_url(),
        multipart: d.form.questions().any(|q| matches!(q.kind, Kind::File { .. })),
    }
}

#[derive(Deserialize, Default)]
pub struct Done {
    fait: Option<String>,
}

pub async fn show(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(d): Query<Done>,
) -> AppResult<Response> {
    let Some(user) = ctx.user.as_deref() else {
        return Ok(see_other(&format!("/connexion?next=/appels/{slug}/candidature")));
    };
    let dossier = applications::dossier(&app, user, &slug).await?;
    let mut page = page_of(&ctx, &dossier, &dossier.answers, &Default::default());
    page.done = match d.fait.as_deref() {
        Some("brouillon") => Some("apply.done.saved"),
        Some("envoye") => Some("apply.done.submitted"),
        Some("retire") => Some("apply.done.withdrawn"),
        _ => None,
    };
    Ok(html(StatusCode::OK, page))
}

/// Answers from the posted form: fields named `a.<question id>`; repeated names (checkboxes)
/// make a list.
pub fn answers_from(form: &Form, pairs: &[(String, String)]) -> Answers {
    let mut out = Answers::new();
    for (k, v) in pairs {
        let Some(id) = k.strip_prefix("a.") else { continue };
        let multiple = matches!(form.question(id).map(|q| &q.kind), Some(Kind::MultipleChoice { .. }));
        if multiple {
            match out.entry(id.to_owned()).or_insert_with(|| Value::Array(vec![])) {
                Value::Array(a) => a.push(Value::String(v.clone())),
                other => *other = Value::Array(vec![Value::String(v.clone())]),
            }
        } else {
            out.insert(id.to_owned(), Value::String(v.clone()));
        }
    }
    out
}

/// Shows the page again after a refused save or submission, with what was typed.
#[allow(clippy::too_many_arguments)]
async fn rerender(
    app: &App,
    ctx: &Ctx,
    slug: &str,
    answers: &Answers,
    status: StatusCode,
    errors: BTreeMap<String, AnswerError>,
    summary: String,
    conflict: bool,
) -> AppResult<Response> {
    let d = applications::dossier(app, ctx.require_user()?, slug).await?;
    let mut page = page_of(ctx, &d, answers, &errors);
    page.summary = Some(summary);
    page.conflict = conflict;
    Ok(html(status, page))
}

/// What the applicant posted: fields, and files already received (by question), or the
/// reason a file was refused.
struct Posted {
    pairs: Vec<(String, String)>,
    uploads: BTreeMap<String, String>,
    upload_errors: BTreeMap<String, AnswerError>,
}

/// Reads the posted form. With file questions it is multipart: each chosen file is streamed
/// to disk and checked as it arrives (see `attachments::receive`).
async fn read_posted(app: &App, ctx: &Ctx, slug: &str, req: Request) -> AppResult<Posted> {
    let mut posted = Posted { pairs: vec![], uploads: BTreeMap::new(), upload_errors: BTreeMap::new() };
    let is_multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !is_multipart {
        let body = axum::body::to_bytes(req.into_body(), crate::web::BODY_LIMIT)
            .await
            .map_err(|_| crate::error::AppError::PayloadTooLarge)?;
        posted.pairs = url::form_urlencoded::parse(&body).into_owned().collect();
        return Ok(posted);
    }
    let user = ctx.require_user()?;
    let bad = |_| crate::error::AppError::BadRequest("error.upload.interrupted");
    let mut multipart = Multipart::from_request(req, app)
        .await
        .map_err(|_| crate::error::AppError::BadRequest("error.upload.interrupted"))?;
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_owned();
        if let Some(question) = name.strip_prefix("f.") {
            let question = question.to_owned();
            let file_name = field.file_name().unwrap_or_default().to_owned();
            if file_name.is_empty() {
                continue; // no file chosen
            }
            match crate::attachments::receive(app, user, slug, &question, &file_name, field).await {
                Ok(row) => {
                    posted.uploads.insert(question, row.id);
                }
                Err(ApplyError::Answers(e)) => posted.upload_errors.extend(e),
                Err(ApplyError::App(e)) => return Err(e),
                Err(_) => {}
            }
        } else {
            let value = field.text().await.map_err(bad)?;
            posted.pairs.push((name, value));
        }
    }
    Ok(posted)
}

pub async fn post(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>, req: Request) -> AppResult<Response> {
    let user = ctx.require_user()?;
    let Posted { pairs, uploads, upload_errors } = read_posted(&app, &ctx, &slug, req).await?;
    let get = |k: &str| pairs.iter().find(|(x, _)| x == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let action = get("action");
    if action == "withdraw" {
        applications::withdraw(&app, user, &slug).await?;
        return Ok(see_other(&format!("/appels/{slug}/candidature?fait=retire")));
    }
    let dossier = applications::dossier(&app, user, &slug).await?;
    let mut answers = answers_from(&dossier.form, &pairs);
    // A file just received replaces the one sent before; "remove" clears the answer.
    for (k, _) in pairs.iter().filter(|(_, v)| v == "1") {
        if let Some(id) = k.strip_prefix("remove.") {
            answers.remove(id);
        }
    }
    for (question, id) in uploads {
        answers.insert(question, Value::String(id));
    }
    let base: i64 = get("revision").parse().unwrap_or(-1);
    let i = ctx.i18n();
    // Save first, whatever the action: what was typed is never lost.
    let saved = applications::save_draft(&app, user, &slug, base, &answers).await;
    let revision = match saved {
        Ok((rev, mut warnings)) => {
            let refused_file = !upload_errors.is_empty();
            warnings.extend(upload_errors);
            if action != "submit" || refused_file {
                if warnings.is_empty() {
                    return Ok(see_other(&format!("/appels/{slug}/candidature?fait=brouillon")));
                }
                return rerender(
                    &app,
                    &ctx,
                    &slug,
                    &answers,
                    StatusCode::OK,
                    warnings,
                    i.t("apply.saved_with_problems").into(),
                    false,
                )
                .await;
            }
            rev
        }
        Err(ApplyError::Conflict) => {
            return rerender(
                &app,
                &ctx,
                &slug,
                &answers,
                StatusCode::CONFLICT,
                Default::default(),
                i.t("error.application.conflict").into(),
                true,
            )
            .await
        }
        Err(ApplyError::Answers(e)) => {
            return rerender(
                &app,
                &ctx,
                &slug,
                &answers,
                StatusCode::UNPROCESSABLE_ENTITY,
                e,
                i.t("error.invalid").into(),
                false,
            )
            .await
        }
        Err(ApplyError::App(e)) => return Err(e),
        Err(ApplyError::Ineligible(f)) => {
            let text: Vec<String> = f.iter().map(|x| failure_text(i, x)).collect();
            return rerender(
                &app,
                &ctx,
                &slug,
                &answers,
                StatusCode::UNPROCESSABLE_ENTITY,
                Default::default(),
                text.join(" "),
                false,
            )
            .await;
        }
    };
    match applications::submit(&app, user, &slug, revision).await {
        Ok(_) => Ok(see_other(&format!("/appels/{slug}/candidature?fait=envoye"))),
        Err(ApplyError::Answers(e)) => {
            rerender(
                &app,
                &ctx,
                &slug,
                &answers,
                StatusCode::UNPROCESSABLE_ENTITY,
                e,
                i.t("apply.fix_before_sending").into(),
                false,
            )
            .await
        }
        Err(ApplyError::Ineligible(f)) => {
            let text: Vec<String> = f.iter().map(|x| failure_text(i, x)).collect();
            rerender(
                &app,
                &ctx,
                &slug,
                &answers,
                StatusCode::UNPROCESSABLE_ENTITY,
                Default::default(),
                format!("{} {}", i.t("error.application.ineligible"), text.join(" ")),
                false,
            )
            .await
        }
        Err(ApplyError::Conflict) => {
            rerender(
                &app,
                &ctx,
                &slug,
                &answers,
                StatusCode::CONFLICT,
                Default::default(),
                i.t("error.application.conflict").into(),
                true,
            )
            .await
        }
        Err(ApplyError::App(e)) => Err(e),
    }
}
