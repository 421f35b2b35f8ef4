//! Call use cases: a programme's managers open calls for applications with a window in a
//! stated time zone; visitors read the published ones.

use serde::Deserialize;

use crate::app::App;
use crate::domain::call::{instant_in_zone, CallStatus};
use crate::domain::markdown;
use crate::domain::slug::Slug;
use crate::domain::time::TimeZoneName;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::store::accounts::UserRow;
use crate::store::calls::{self as store, CallFields, CallRow};

/// A call as typed in the form or sent to the API.
#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CallInput {
    /// Address name, e.g. `connexions-citoyennes-2027`.
    pub slug: String,
    pub title: String,
    pub title_en: String,
    /// Markdown (safe subset).
    pub description: String,
    pub description_en: String,
    /// `YYYY-MM-DD`, in `time_zone`.
    pub opens_date: String,
    /// `HH:MM`, in `time_zone`.
    pub opens_time: String,
    /// `YYYY-MM-DD`, in `time_zone`.
    pub closes_date: String,
    /// `HH:MM`; `24:00` is the end of the closing day.
    pub closes_time: String,
    /// IANA name of the reference time zone, e.g. `Africa/Abidjan` (GMT).
    pub time_zone: String,
    /// `fr`, `en`, or both.
    pub languages: Vec<String>,
    /// Largest number of applications accepted; empty for no limit.
    pub max_applications: String,
    /// draft, open, closed or archived
    pub status: String,
}

impl CallInput {
    pub fn from_row(c: &CallRow) -> CallInput {
        let zone = c.zone_name().zone();
        let (opens_date, opens_time) = crate::domain::call::local_parts(c.opens_at, &zone);
        let (closes_date, closes_time) = crate::domain::call::local_parts(c.closes_at, &zone);
        CallInput {
            slug: c.slug.clone(),
            title: c.title.clone(),
            title_en: c.title_en.clone(),
            description: c.description.clone(),
            description_en: c.description_en.clone(),
            opens_date,
            opens_time,
            closes_date,
            closes_time,
            time_zone: c.time_zone.clone(),
            languages: c.languages.split(',').map(str::to_owned).collect(),
            max_applications: c.max_applications.map(|m| m.to_string()).unwrap_or_default(),
            status: c.status.clone(),
        }
    }
}

/// A validated call, owning its values.
#[derive(Debug)]
pub struct ValidCall {
    slug: String,
    title: String,
    title_en: String,
    description: String,
    description_en: String,
    opens_at: i64,
    closes_at: i64,
    time_zone: String,
    languages: String,
    max_applications: Option<i64>,
    status: CallStatus,
}

impl ValidCall {
    fn fields(&self) -> CallFields<'_> {
        CallFields {
            slug: &self.slug,
            title: &self.title,
            title_en: &self.title_en,
            description: &self.description,
            description_en: &self.description_en,
            opens_at: self.opens_at,
            closes_at: self.closes_at,
            time_zone: &self.time_zone,
            languages: &self.languages,
            max_applications: self.max_applications,
            status: self.status,
        }
    }
}

pub fn validate(input: &CallInput) -> Result<ValidCall, FieldErrors> {
    let mut e = FieldErrors::new();
    let slug = input.slug.trim().to_owned();
    if Slug::parse(&slug).is_none() {
        e.insert("slug", "error.programme.slug");
    }
    let title = input.title.trim().to_owned();
    if title.is_empty() {
        e.insert("title", "error.field.required");
    } else if title.chars().count() > 200 || title.chars().any(char::is_control) {
        e.insert("title", "error.field.too_long");
    }
    let title_en = input.title_en.trim().chars().filter(|c| !c.is_control()).take(200).collect();
    for (field, text) in [("description", &input.description), ("description_en", &input.description_en)] {
        if let Err(err) = markdown::validate(text) {
            e.insert(field, err.message_key());
        }
    }
    let zone = TimeZoneName::parse(&input.time_zone);
    if zone.is_none() {
        e.insert("time_zone", "error.time_zone.unknown");
    }
    let zone = zone.unwrap_or_else(TimeZoneName::utc);
    let opens = instant_in_zone(&input.opens_date, &input.opens_time, &zone)
        .map_err(|_| e.insert("opens_date", "error.call.instant"))
        .ok();
    let closes = instant_in_zone(&input.closes_date, &input.closes_time, &zone)
        .map_err(|_| e.insert("closes_date", "error.call.instant"))
        .ok();
    if let (Some(o), Some(c)) = (opens, closes) {
        if c <= o {
            e.insert("closes_date", "error.call.closes_before_opens");
        }
    }
    let mut languages: Vec<&str> =
        input.languages.iter().flat_map(|l| l.split(',')).map(str::trim).filter(|l| !l.is_empty()).collect();
    languages.sort_unstable();
    languages.dedup();
    if languages.is_empty() || languages.iter().any(|l| !matches!(*l, "fr" | "en")) {
        e.insert("languages", "error.call.languages");
    }
    let max_applications = match input.max_applications.trim() {
        "" => None,
        m => match m.parse::<i64>() {
            Ok(n) if (1..=1_000_000).contains(&n) => Some(n),
            _ => {
                e.insert("max_applications", "error.call.max");
                None
            }
        },
    };
    let status = CallStatus::parse(&input.status).unwrap_or_else(|| {
        e.insert("status", "error.programme.status");
        CallStatus::Draft
    });
    let (Some(opens_at), Some(closes_at)) = (opens, closes) else { return Err(e) };
    if !e.is_empty() {
        return Err(e);
    }
    // French first: "fr" before "en".
    languages.sort_by_key(|l| *l != "fr");
    Ok(ValidCall {
        slug,
        title,
        title_en,
        description: input.description.trim().replace("\r\n", "\n"),
        description_en: input.description_en.trim().replace("\r\n", "\n"),
        opens_at,
        closes_at,
        time_zone: zone.as_str().to_owned(),
        languages: languages.join(","),
        max_applications,
        status,
    })
}

fn conflict(e: anyhow::Error) -> AppError {
    match e.downcast_ref::<sqlx::Error>() {
        Some(db) if crate::store::is_unique_violation(db) => {
            AppError::Conflict { field: "slug", key: "error.call.slug_taken" }
        }
        _ => AppError::Internal(e),
    }
}

pub async fn create(app: &App, user: &UserRow, programme_slug: &str, input: &CallInput) -> AppResult<CallRow> {
    let p = crate::programmes::managed(app, user, programme_slug).await?;
    let call = validate(input).map_err(AppError::Invalid)?;
    if store::slug_taken(&app.db, &call.slug, None).await? {
        return Err(AppError::Conflict { field: "slug", key: "error.call.slug_taken" });
    }
    let mut tx = app.db.begin().await?;
    store::insert(&mut tx, p.id, &call.fields()).await.map_err(conflict)?;
    tx.commit().await?;
    store::by_slug(&app.db, &call.slug).await?.ok_or(AppError::NotFound)
}

/// The call if `user` manages its programme.
pub async fn managed(app: &App, user: &UserRow, slug: &str) -> AppResult<CallRow> {
    let c = store::by_slug(&app.db, Slug::parse(slug).ok_or(AppError::NotFound)?.as_str())
        .await?
        .ok_or(AppError::NotFound)?;
    crate::programmes::managed(app, user, &c.programme_slug).await.map_err(|e| match e {
        AppError::Forbidden if !c.is_public() => AppError::NotFound,
        e => e,
    })?;
    Ok(c)
}

pub async fn update(app: &App, user: &UserRow, slug: &str, input: &CallInput) -> AppResult<CallRow> {
    let c = managed(app, user, slug).await?;
    let call = validate(input).map_err(AppError::Invalid)?;
    if store::slug_taken(&app.db, &call.slug, Some(c.id)).await? {
        return Err(AppError::Conflict { field: "slug", key: "error.call.slug_taken" });
    }
    let mut tx = app.db.begin().await?;
    store::update(&mut tx, c.id, &call.fields()).await.map_err(conflict)?;
    tx.commit().await?;
    store::by_slug(&app.db, &call.slug).await?.ok_or(AppError::NotFound)
}

/// A call as the viewer may see it: published, or theirs to manage.
pub async fn visible(app: &App, viewer: Option<&UserRow>, slug: &str) -> AppResult<CallRow> {
    let c = store::by_slug(&app.db, Slug::parse(slug).ok_or(AppError::NotFound)?.as_str())
        .await?
        .ok_or(AppError::NotFound)?;
    if c.is_public() {
        return Ok(c);
    }
    match viewer {
        Some(u) => managed(app, u, slug).await,
        None => Err(AppError::NotFound),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> CallInput {
        CallInput {
            slug: "connexions-citoyennes-2027".into(),
            title: "Appel à candidatures — Connexions citoyennes".into(),
            opens_date: "2026-11-01".into(),
            opens_time: "00:00".into(),
            closes_date: "2026-12-28".into(),
            closes_time: "24:00".into(),
            time_zone: "Africa/Abidjan".into(),
            languages: vec!["en".into(), "fr".into()],
            status: "open".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_valid_call() {
        let c = validate(&input()).unwrap();
        assert_eq!(c.languages, "fr,en");
        assert_eq!(c.closes_at - c.opens_at, 58 * 86_400);
    }

    #[test]
    fn bad_calls() {
        let bad = CallInput {
            closes_date: "2026-10-01".into(),
            time_zone: "Moon/Base".into(),
            languages: vec!["de".into()],
            max_applications: "-1".into(),
            status: "maybe".into(),
            ..input()
        };
        let e = validate(&bad).unwrap_err();
        for f in ["time_zone", "languages", "max_applications", "status"] {
            assert!(e.contains_key(f), "{f}");
        }
        let e = validate(&CallInput { closes_date: "2026-10-01".into(), ..input() }).unwrap_err();
        assert_eq!(e["closes_date"], "error.call.closes_before_opens");
        let e = validate(&CallInput { opens_time: "9h".into(), ..input() }).unwrap_err();
        assert_eq!(e["opens_date"], "error.call.instant");
    }
}

// ------------------------------------------------------------------ the application form

use crate::domain::attachment::FileType;
use crate::domain::form::{Choice, Condition, DefinitionError, Form, Kind, Question, Section};
use crate::store::forms;

/// A call's current form, as the viewer may see it.
pub async fn form_of(app: &App, viewer: Option<&UserRow>, slug: &str) -> AppResult<(CallRow, i64, Form)> {
    let c = visible(app, viewer, slug).await?;
    let (version, form) = forms::current(&app.db, c.id).await?;
    Ok((c, version, form))
}

fn definition_error(e: DefinitionError) -> AppError {
    match e {
        DefinitionError::DuplicateId(_) => AppError::field("form", "error.form.duplicate"),
        DefinitionError::EmptyLabel(_) => AppError::field("label", "error.field.required"),
        DefinitionError::NoChoice(_) => AppError::field("options", "error.form.no_choice"),
        DefinitionError::BadCondition(_) => AppError::field("show_if_question", "error.form.condition"),
        DefinitionError::BadRange(_) => AppError::field("min", "error.form.range"),
        DefinitionError::BadFileLimits(_) => AppError::field("file_types", "error.form.file_limits"),
    }
}

/// Saves a whole form as the next version of the call's form. `based_on` is the version the
/// editor started from: if another was saved since, nothing is written and the manager is
/// told to reload (no edit silently overwrites another).
pub async fn replace_form(app: &App, user: &UserRow, slug: &str, based_on: i64, form: &Form) -> AppResult<i64> {
    let c = managed(app, user, slug).await?;
    form.validate_definition().map_err(definition_error)?;
    let mut tx = app.db.begin().await?;
    let Some(version) = forms::save(&mut tx, c.id, based_on, form).await? else {
        return Err(AppError::Conflict { field: "form", key: "error.form.changed" });
    };
    tx.commit().await?;
    Ok(version)
}

/// A question as typed in the builder form.
#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct QuestionInput {
    /// Section id; empty for the last section (created if the form has none).
    pub section: String,
    /// short_text, long_text, single_choice, multiple_choice, number, date, country, email,
    /// phone, url, file or yes_no
    pub kind: String,
    pub label: String,
    pub label_en: String,
    pub help: String,
    pub help_en: String,
    pub required: bool,
    pub identifying: bool,
    /// For choices: one per line, `value | label | English label` (value and English optional).
    pub options: String,
    pub max_chars: String,
    pub max_words: String,
    pub min: String,
    pub max: String,
    pub max_selected: String,
    /// For files: accepted types, comma-separated, among pdf, jpeg, png, webp, document,
    /// spreadsheet, mp4 and mp3 (e.g. `pdf, document`). The page's checkboxes send one
    /// `file_type` field per type instead.
    pub file_types: String,
    /// Size limit in megabytes (1 to 20; 5 when empty).
    pub max_mb: String,
    pub show_if_question: String,
    pub show_if_value: String,
}

fn opt_num<T: std::str::FromStr>(e: &mut FieldErrors, field: &'static str, s: &str) -> Option<T> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    s.parse().map_err(|_| e.insert(field, "error.answer.not_a_number")).ok()
}

/// The value stored for a choice typed only as a label: "Médias & presse" → "medias-presse".
fn choice_value(label: &str) -> String {
    let folded = crate::domain::search::fold(label);
    let v: String = folded.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    v.split('-').filter(|p| !p.is_empty()).collect::<Vec<_>>().join("-")
}

pub fn question_from(input: &QuestionInput, id: String) -> Result<Question, FieldErrors> {
    let mut e = FieldErrors::new();
    let options: Vec<Choice> = input
        .options
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let parts: Vec<&str> = l.split('|').map(str::trim).collect();
            match parts.as_slice() {
                [label] => Choice { value: choice_value(label), label: (*label).into(), label_en: String::new() },
                [value, label] => Choice { value: (*value).into(), label: (*label).into(), label_en: String::new() },
                [value, label, en, ..] => {
                    Choice { value: (*value).into(), label: (*label).into(), label_en: (*en).into() }
                }
                [] => Choice { value: String::new(), label: String::new(), label_en: String::new() },
            }
        })
        .collect();
    let kind = match input.kind.as_str() {
        "short_text" => Kind::ShortText { max_chars: opt_num(&mut e, "max_chars", &input.max_chars).unwrap_or(200) },
        "long_text" => Kind::LongText {
            max_words: opt_num(&mut e, "max_words", &input.max_words),
            max_chars: opt_num(&mut e, "max_chars", &input.max_chars),
        },
        "single_choice" => Kind::SingleChoice { options },
        "multiple_choice" => {
            Kind::MultipleChoice { options, max_selected: opt_num(&mut e, "max_selected", &input.max_selected) }
        }
        "number" => Kind::Number { min: opt_num(&mut e, "min", &input.min), max: opt_num(&mut e, "max", &input.max) },
        "date" => Kind::Date,
        "country" => Kind::Country,
        "email" => Kind::Email,
        "phone" => Kind::Phone,
        "url" => Kind::Url,
        "file" => {
            let mut types = vec![];
            for code in input.file_types.split(',').map(str::trim).filter(|t| !t.is_empty()) {
                match FileType::parse(code) {
                    Some(t) if !types.contains(&t) => types.push(t),
                    Some(_) => {}
                    None => {
                        e.insert("file_types", "error.form.file_type");
                    }
                }
            }
            if types.is_empty() {
                e.insert("file_types", "error.form.file_limits");
            }
            let mb: u64 = opt_num(&mut e, "max_mb", &input.max_mb).unwrap_or(5);
            if !(1..=crate::domain::attachment::MAX_FILE_BYTES / (1024 * 1024)).contains(&mb) {
                e.insert("max_mb", "error.form.file_size");
            }
            Kind::File { types, max_bytes: mb * 1024 * 1024 }
        }
        "yes_no" => Kind::YesNo,
        _ => {
            e.insert("kind", "error.form.kind");
            Kind::YesNo
        }
    };
    let label = input.label.trim();
    if label.is_empty() {
        e.insert("label", "error.field.required");
    } else if label.chars().count() > 500 {
        e.insert("label", "error.field.too_long");
    }
    let show_if = (!input.show_if_question.trim().is_empty()).then(|| Condition {
        question: input.show_if_question.trim().into(),
        equals: input.show_if_value.trim().into(),
    });
    if !e.is_empty() {
        return Err(e);
    }
    Ok(Question {
        id,
        label: label.into(),
        label_en: input.label_en.trim().into(),
        help: input.help.trim().into(),
        help_en: input.help_en.trim().into(),
        required: input.required,
        kind,
        show_if,
        identifying: input.identifying,
    })
}

fn next_question_id(form: &Form) -> String {
    let n =
        form.questions().filter_map(|q| q.id.strip_prefix('q').and_then(|n| n.parse::<u32>().ok())).max().unwrap_or(0);
    format!("q{}", n + 1)
}

/// Adds a question (and, to an empty form, a first section).
pub async fn add_question(
    app: &App,
    user: &UserRow,
    slug: &str,
    based_on: i64,
    input: &QuestionInput,
) -> AppResult<i64> {
    let c = managed(app, user, slug).await?;
    let (_, mut form) = forms::current(&app.db, c.id).await?;
    let q = question_from(input, next_question_id(&form)).map_err(AppError::Invalid)?;
    if form.sections.is_empty() {
        form.sections.push(Section {
            id: "s1".into(),
            title: "Votre candidature".into(),
            title_en: "Your application".into(),
            questions: vec![],
        });
    }
    let section = match input.section.trim() {
        "" => form.sections.len() - 1,
        id => form.sections.iter().position(|s| s.id == id).ok_or(AppError::field("section", "error.form.section"))?,
    };
    form.sections[section].questions.push(q);
    replace_form(app, user, slug, based_on, &form).await
}

pub async fn add_section(
    app: &App,
    user: &UserRow,
    slug: &str,
    based_on: i64,
    title: &str,
    title_en: &str,
) -> AppResult<i64> {
    let c = managed(app, user, slug).await?;
    let (_, mut form) = forms::current(&app.db, c.id).await?;
    if title.trim().is_empty() {
        return Err(AppError::field("title", "error.field.required"));
    }
    let n = form.sections.len() + 1;
    form.sections.push(Section {
        id: format!("s{n}"),
        title: title.trim().into(),
        title_en: title_en.trim().into(),
        questions: vec![],
    });
    replace_form(app, user, slug, based_on, &form).await
}

pub async fn delete_question(app: &App, user: &UserRow, slug: &str, based_on: i64, question: &str) -> AppResult<i64> {
    let c = managed(app, user, slug).await?;
    let (_, mut form) = forms::current(&app.db, c.id).await?;
    let before = form.questions().count();
    for s in &mut form.sections {
        s.questions.retain(|q| q.id != question);
    }
    if form.questions().count() == before {
        return Err(AppError::NotFound);
    }
    replace_form(app, user, slug, based_on, &form).await
}

/// Copies the current form of another call the user manages (e.g. last year's).
pub async fn copy_form(app: &App, user: &UserRow, slug: &str, based_on: i64, from: &str) -> AppResult<i64> {
    let source = managed(app, user, from).await.map_err(|_| AppError::field("from", "error.form.source"))?;
    let (_, form) = forms::current(&app.db, source.id).await?;
    replace_form(app, user, slug, based_on, &form).await
}
