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
        let zone = TimeZoneName::parse(&c.time_zone).unwrap_or_else(TimeZoneName::utc).zone();
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
    let mut tx = app.db.pool.begin().await?;
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
    let mut tx = app.db.pool.begin().await?;
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
