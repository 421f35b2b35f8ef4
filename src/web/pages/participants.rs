//! The participants of a programme phase, for its managers: who the selection brought in,
//! who was enrolled by hand, and the forms to enrol or take out someone.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::form::{get, pairs};
use super::{html, see_other, FormState, PageCtx};
use crate::app::App;
use crate::error::{AppError, AppResult};
use crate::participants::{self, Enrolment};
use crate::store::participants::ParticipantRow;
use crate::web::context::Ctx;

#[derive(Template)]
#[template(path = "manage_participants.html")]
struct ParticipantsPage {
    page: PageCtx,
    slug: String,
    programme_title: String,
    phase_id: i64,
    people: Vec<ParticipantRow>,
    email: String,
    form: FormState,
    message: Option<String>,
}

impl ParticipantsPage {
    fn source(&self, p: &ParticipantRow) -> String {
        match (&p.source[..], &p.call_title) {
            ("selection", Some(call)) => self.page.i.tf1("participants.from_selection", "call", call),
            _ => self.page.i.t("participants.by_hand").to_owned(),
        }
    }
}

#[derive(Deserialize, Default)]
pub struct Done {
    ajoute: Option<u8>,
    retire: Option<u8>,
}

async fn page(app: &App, ctx: &Ctx, slug: &str, id: i64) -> AppResult<ParticipantsPage> {
    let i = ctx.i18n();
    let (p, phase, people) = participants::list(app, ctx.require_user()?, slug, id).await?;
    Ok(ParticipantsPage {
        page: PageCtx::new(
            ctx,
            &i.tf("participants.title", &[("phase", &phase.title), ("n", &people.len().to_string())]),
        ),
        slug: p.slug,
        programme_title: p.title,
        phase_id: phase.id,
        people,
        email: String::new(),
        form: FormState::default(),
        message: None,
    })
}

/// `/gestion/programmes/{slug}/etapes/{id}/participants`
pub async fn show(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
    Query(d): Query<Done>,
) -> AppResult<Response> {
    let i = ctx.i18n();
    let mut p = page(&app, &ctx, &slug, id).await?;
    p.message = match (d.ajoute, d.retire) {
        (Some(_), _) => Some(i.t("participants.added").to_owned()),
        (_, Some(_)) => Some(i.t("participants.removed").to_owned()),
        _ => None,
    };
    Ok(html(StatusCode::OK, p))
}

pub async fn add(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
    body: Bytes,
) -> AppResult<Response> {
    let p = pairs(&body);
    let input = Enrolment { email: get(&p, "email") };
    match participants::add(&app, ctx.require_user()?, &slug, id, &input).await {
        Ok(_) => Ok(see_other(&format!("/gestion/programmes/{slug}/etapes/{id}/participants?ajoute=1"))),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict { .. })) => {
            let mut shown = page(&app, &ctx, &slug, id).await?;
            shown.email = input.email;
            shown.form = FormState::from_error(ctx.i18n(), &e);
            Ok(html(StatusCode::from_u16(e.status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY), shown))
        }
        Err(e) => Err(e),
    }
}

pub async fn remove(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, id, person)): Path<(String, i64, i64)>,
) -> AppResult<Response> {
    participants::remove(&app, ctx.require_user()?, &slug, id, person).await?;
    Ok(see_other(&format!("/gestion/programmes/{slug}/etapes/{id}/participants?retire=1")))
}
