//! Certificates through the API.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ErrorBody;
use crate::app::App;
use crate::certificates::{self, Certificate, RulesInput, Standing};
use crate::courses::Paging;
use crate::error::AppResult;
use crate::web::context::Ctx;
use crate::web::extract::ApiJson;

/// Check a certificate by its code (no account needed). A mistyped code is a 422 saying
/// so; a well-formed one no certificate has, a 404.
#[utoipa::path(get, path = "/api/v1/certificates/{code}", tag = "courses", params(("code" = String, Path)),
    responses((status = 200, body = Certificate), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn verify(State(app): State<App>, Path(code): Path<String>) -> AppResult<Json<Certificate>> {
    Ok(Json(certificates::verify(&app, &code).await?))
}

/// Where I stand in a course: what I still lack, my certificate once issued.
#[utoipa::path(get, path = "/api/v1/courses/{slug}/certificate", tag = "courses", params(("slug" = String, Path)),
    security(("session" = []), ("token" = [])), responses((status = 200, body = Standing), (status = 403, body = ErrorBody)))]
pub async fn standing(State(app): State<App>, ctx: Ctx, Path(slug): Path<String>) -> AppResult<Json<Standing>> {
    Ok(Json(certificates::standing(&app, ctx.require_user()?, &slug).await?))
}

/// Ask for my certificate: issued if I meet the course's rules (422 naming what I lack).
#[utoipa::path(post, path = "/api/v1/courses/{slug}/certificate", tag = "courses", params(("slug" = String, Path)),
    security(("session" = []), ("token" = [])),
    responses((status = 201, body = Certificate), (status = 422, body = ErrorBody, description = "not complete yet")))]
pub async fn claim(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> AppResult<(StatusCode, Json<Certificate>)> {
    Ok((StatusCode::CREATED, Json(certificates::claim(&app, ctx.require_user()?, &slug).await?)))
}

/// One page of a course's certificates.
#[derive(Serialize, ToSchema)]
pub struct CertificateList {
    /// First issued first, 100 a page.
    pub certificates: Vec<Certificate>,
    /// Which page this is, and how many certificates the course has issued in all.
    pub paging: Paging,
}

#[derive(Deserialize, IntoParams)]
pub struct PageQuery {
    /// 1 (default) for the first page.
    pub page: Option<i64>,
}

/// The course's certificates, page by page (managers).
#[utoipa::path(get, path = "/api/v1/courses/{slug}/certificates", tag = "courses", params(("slug" = String, Path), PageQuery),
    security(("session" = []), ("token" = [])), responses((status = 200, body = CertificateList), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(q): Query<PageQuery>,
) -> AppResult<Json<CertificateList>> {
    let (_, _, certificates, paging) = certificates::of_course(&app, ctx.require_user()?, &slug, q.page).await?;
    Ok(Json(CertificateList { certificates, paging }))
}

/// Set the course's rules (the minimum score at every quiz).
#[utoipa::path(put, path = "/api/v1/courses/{slug}/certificate-rules", tag = "courses", params(("slug" = String, Path)),
    request_body = RulesInput, security(("session" = []), ("token" = [])),
    responses((status = 200, body = RulesInput), (status = 422, body = ErrorBody)))]
pub async fn set_rules(
    State(app): State<App>,
    ctx: Ctx,
    Path(slug): Path<String>,
    ApiJson(r): ApiJson<RulesInput>,
) -> AppResult<Json<RulesInput>> {
    let rules = certificates::set_rules(&app, ctx.require_user()?, &slug, r).await?;
    Ok(Json(RulesInput { min_quiz_percent: rules.min_quiz_percent, min_exercises: rules.min_exercises }))
}

#[derive(Deserialize, ToSchema)]
pub struct Revocation {
    /// Shown on the public page.
    pub reason: String,
}

/// Revoke a certificate of the course, with the reason the public page will show.
#[utoipa::path(post, path = "/api/v1/courses/{slug}/certificates/{code}/revoke", tag = "courses",
    params(("slug" = String, Path), ("code" = String, Path)), request_body = Revocation,
    security(("session" = []), ("token" = [])), responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn revoke(
    State(app): State<App>,
    ctx: Ctx,
    Path((slug, code)): Path<(String, String)>,
    ApiJson(r): ApiJson<Revocation>,
) -> AppResult<StatusCode> {
    certificates::revoke(&app, ctx.require_user()?, &slug, &code, &r.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}
