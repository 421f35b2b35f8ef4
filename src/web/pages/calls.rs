//! Calls for applications as visitors see them: the list, and each call's page with its
//! deadline in the reference zone and in the viewer's own, and a countdown at the end.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::{html, PageCtx};
use crate::app::App;
use crate::domain::call::{days_hours, phase, Phase, COUNTDOWN_SECS};
use crate::domain::locale::Locale;
use crate::domain::markdown;
use crate::domain::programme::localized;
use crate::domain::time::unix_now;
use crate::error::AppResult;
use crate::i18n::I18n;
use crate::store::calls::{self as store, CallRow};
use crate::web::context::Ctx;

/// What the pages say of a call.
pub struct CallView {
    pub slug: String,
    pub title: String,
    pub programme_slug: String,
    pub programme_title: String,
    pub state: &'static str,
    pub state_class: &'static str,
    /// "28 décembre 2025 à 24:00 GMT (Africa/Abidjan)"
    pub closes_reference: String,
    /// The same instant in the viewer's zone, when it differs.
    pub closes_local: Option<String>,
    pub opens_reference: String,
    pub countdown: Option<String>,
    pub languages: Vec<&'static str>,
    pub max_applications: Option<i64>,
    pub description_html: String,
}

pub fn view(i: I18n, viewer_zone: &jiff::tz::TimeZone, c: &CallRow, now: i64) -> CallView {
    let en = i.locale == Locale::En;
    let zone_name = c.zone_name();
    let zone = zone_name.zone();
    let p = phase(c.status(), c.opens_at, c.closes_at, now);
    let (state, state_class) = match p {
        Phase::Draft => (i.t("call.state.draft"), "meta"),
        Phase::Upcoming => (i.t("call.state.upcoming"), "meta"),
        Phase::Accepting { .. } => (i.t("call.state.open"), "ok"),
        Phase::Over => (i.t("call.state.over"), "meta"),
    };
    let countdown = match p {
        Phase::Accepting { secs_left } if secs_left <= COUNTDOWN_SECS => {
            let (d, h) = days_hours(secs_left);
            Some(i.tf("call.countdown", &[("days", &d.to_string()), ("hours", &h.to_string())]))
        }
        _ => None,
    };
    let closes_reference = format!("{} ({})", i.deadline(c.closes_at, &zone), zone_name.as_str());
    let local = i.deadline(c.closes_at, viewer_zone);
    let closes_local = (local != i.deadline(c.closes_at, &zone)).then_some(local);
    CallView {
        slug: c.slug.clone(),
        title: localized(&c.title, &c.title_en, en).to_owned(),
        programme_slug: c.programme_slug.clone(),
        programme_title: localized(&c.programme_title, &c.programme_title_en, en).to_owned(),
        state,
        state_class,
        opens_reference: i.datetime(c.opens_at, &zone),
        closes_reference,
        closes_local,
        countdown,
        languages: c.languages.split(',').map(|l| if l == "en" { "English" } else { "Français" }).collect(),
        max_applications: c.max_applications,
        description_html: markdown::to_html(localized(&c.description, &c.description_en, en)),
    }
}

#[derive(Template)]
#[template(path = "calls.html")]
struct ListPage {
    page: PageCtx,
    calls: Vec<CallView>,
}

pub async fn list(State(app): State<App>, ctx: Ctx) -> AppResult<Response> {
    let i = ctx.i18n();
    let now = unix_now();
    let calls = store::list_public(&app.db).await?.iter().map(|c| view(i, &ctx.zone, c, now)).collect();
    Ok(html(StatusCode::OK, ListPage { page: PageCtx::new(&ctx, i.t("call.list_title")), calls }))
}

#[derive(Template)]
#[template(path = "call.html")]
struct CallPage {
    page: PageCtx,
    c: CallView,
    sections: Vec<super::manage::SectionView>,
    can_edit: bool,
    signed_in: bool,
}

pub async fn show(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>) -> AppResult<Response> {
    let i = ctx.i18n();
    let (row, _, form) = crate::calls::form_of(&app, ctx.user.as_deref(), &slug).await?;
    let can_edit = match ctx.user.as_deref() {
        Some(u) => crate::calls::managed(&app, u, &slug).await.is_ok(),
        None => false,
    };
    let c = view(i, &ctx.zone, &row, unix_now());
    Ok(html(
        StatusCode::OK,
        CallPage {
            page: PageCtx::new(&ctx, &c.title),
            sections: super::manage::sections_view(i, &form),
            c,
            can_edit,
            signed_in: ctx.user.is_some(),
        },
    ))
}
