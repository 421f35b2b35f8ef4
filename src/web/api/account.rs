//! Accounts through the API: the same use cases as the pages.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ErrorBody;
use crate::accounts::{self, Registration};
use crate::app::App;
use crate::domain::locale::Locale;
use crate::error::{AppError, AppResult};
use crate::store::accounts::{self as account_store, UserRow};
use crate::store::{api_tokens, sessions};
use crate::web::context::Ctx;
use crate::web::cookies;
use crate::web::extract::ApiJson;

#[derive(Serialize, ToSchema)]
pub struct Membership {
    pub programme: String,
    pub role: String,
}

#[derive(Serialize, ToSchema)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub language: Locale,
    /// IANA zone used to show dates, e.g. `Africa/Dakar`.
    pub time_zone: String,
    pub gender: String,
    pub country: String,
    pub is_admin: bool,
    pub email_confirmed: bool,
    /// Unix seconds.
    pub created_at: i64,
}

impl From<&UserRow> for User {
    fn from(u: &UserRow) -> Self {
        User {
            id: u.id,
            email: u.email.clone(),
            name: u.name.clone(),
            language: u.locale(),
            time_zone: u.time_zone.clone(),
            gender: u.gender.clone(),
            country: u.country.clone(),
            is_admin: u.is_admin(),
            email_confirmed: u.is_confirmed(),
            created_at: u.created_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    #[serde(flatten)]
    pub user: User,
    pub memberships: Vec<Membership>,
}

#[derive(Deserialize, ToSchema)]
pub struct RegisterRequest {
    pub email: String,
    pub name: String,
    pub password: String,
    /// Language of the account and its e-mails; defaults to the request's language.
    pub language: Option<Locale>,
}

/// Create an account; a confirmation link is e-mailed.
#[utoipa::path(post, path = "/api/v1/accounts", tag = "accounts", request_body = RegisterRequest,
    responses((status = 201, body = User), (status = 409, body = ErrorBody, description = "address taken"),
              (status = 422, body = ErrorBody, description = "invalid fields")))]
pub async fn register(State(app): State<App>, ctx: Ctx, ApiJson(r): ApiJson<RegisterRequest>) -> AppResult<Response> {
    let locale = r.language.unwrap_or(ctx.locale);
    let user = accounts::register(&app, Registration { email: &r.email, name: &r.name, password: &r.password, locale })
        .await?;
    Ok((StatusCode::CREATED, Json(User::from(&user))).into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct TokenRequest {
    /// The `jeton` of the link received by e-mail.
    pub token: String,
}

/// Confirm an e-mail address with the token of the link.
#[utoipa::path(post, path = "/api/v1/accounts/confirm", tag = "accounts", request_body = TokenRequest,
    responses((status = 200, body = User), (status = 400, body = ErrorBody), (status = 410, body = ErrorBody, description = "expired or used")))]
pub async fn confirm(State(app): State<App>, ApiJson(r): ApiJson<TokenRequest>) -> AppResult<Json<User>> {
    Ok(Json(User::from(&accounts::confirm(&app, &r.token).await?)))
}

#[derive(Deserialize, ToSchema)]
pub struct EmailRequest {
    pub email: String,
}

/// Send the confirmation link again (always 202, whoever the address belongs to).
#[utoipa::path(post, path = "/api/v1/accounts/confirmation-email", tag = "accounts", request_body = EmailRequest,
    responses((status = 202), (status = 422, body = ErrorBody)))]
pub async fn resend_confirmation(State(app): State<App>, ApiJson(r): ApiJson<EmailRequest>) -> AppResult<StatusCode> {
    accounts::resend_confirmation(&app, &r.email).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Ask for a password reset link (always 202, whoever the address belongs to).
#[utoipa::path(post, path = "/api/v1/accounts/password-reset", tag = "accounts", request_body = EmailRequest,
    responses((status = 202), (status = 422, body = ErrorBody)))]
pub async fn request_reset(State(app): State<App>, ApiJson(r): ApiJson<EmailRequest>) -> AppResult<StatusCode> {
    accounts::request_reset(&app, &r.email).await?;
    Ok(StatusCode::ACCEPTED)
}

#[derive(Deserialize, ToSchema)]
pub struct CompleteResetRequest {
    pub token: String,
    pub new_password: String,
}

/// Set a new password with the token of a reset link; closes every session.
#[utoipa::path(post, path = "/api/v1/accounts/password-reset/complete", tag = "accounts", request_body = CompleteResetRequest,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 410, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn complete_reset(
    State(app): State<App>,
    ApiJson(r): ApiJson<CompleteResetRequest>,
) -> AppResult<StatusCode> {
    accounts::complete_reset(&app, &r.token, &r.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct SignInRequest {
    pub email: String,
    pub password: String,
}

/// Sign in: sets the session cookie.
#[utoipa::path(post, path = "/api/v1/session", tag = "session", request_body = SignInRequest,
    responses((status = 200, body = User), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody, description = "address not confirmed"),
              (status = 429, body = ErrorBody, description = "too many attempts")))]
pub async fn sign_in(State(app): State<App>, ctx: Ctx, ApiJson(r): ApiJson<SignInRequest>) -> AppResult<Response> {
    let (user, secret) = accounts::sign_in(&app, &r.email, &r.password, &ctx.client).await?;
    let mut resp = Json(User::from(&user)).into_response();
    resp.headers_mut().append(header::SET_COOKIE, crate::web::pages::account::session_cookie(&ctx, &secret));
    Ok(resp)
}

/// Sign out: ends the session of the cookie.
#[utoipa::path(delete, path = "/api/v1/session", tag = "session", responses((status = 204)))]
pub async fn sign_out(State(app): State<App>, ctx: Ctx, headers: HeaderMap) -> AppResult<Response> {
    if let Some(secret) = cookies::get(&headers, cookies::SESSION) {
        sessions::delete(&app.db, secret).await?;
    }
    let mut resp = StatusCode::NO_CONTENT.into_response();
    if let Ok(v) = HeaderValue::from_str(&cookies::clear(cookies::SESSION, ctx.secure_cookies)) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(resp)
}

async fn me_of(app: &App, user: &UserRow) -> AppResult<Me> {
    let memberships = account_store::memberships(&app.db, user.id)
        .await?
        .into_iter()
        .map(|(slug, _, role)| Membership { programme: slug, role })
        .collect();
    Ok(Me { user: User::from(user), memberships })
}

/// The signed-in person and their roles.
#[utoipa::path(get, path = "/api/v1/me", tag = "me", security(("session" = []), ("token" = [])),
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
pub async fn me(State(app): State<App>, ctx: Ctx) -> AppResult<Json<Me>> {
    Ok(Json(me_of(&app, ctx.require_user()?).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct UpdateMeRequest {
    pub language: Option<String>,
    pub time_zone: Option<String>,
    /// female, male, other, undisclosed, or "" — optional, used only in aggregated indicators.
    pub gender: Option<String>,
    /// ISO code of the country of residence, or "".
    pub country: Option<String>,
}

/// Change preferences: language and time zone.
#[utoipa::path(patch, path = "/api/v1/me", tag = "me", security(("session" = []), ("token" = [])), request_body = UpdateMeRequest,
    responses((status = 200, body = Me), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_me(State(app): State<App>, ctx: Ctx, ApiJson(r): ApiJson<UpdateMeRequest>) -> AppResult<Json<Me>> {
    let user = ctx.require_user()?;
    let settings = accounts::Settings {
        language: r.language.as_deref(),
        time_zone: r.time_zone.as_deref(),
        gender: r.gender.as_deref(),
        country: r.country.as_deref(),
    };
    accounts::save_settings(&app, user, settings).await?;
    let updated = account_store::find_by_id(&app.db, user.id).await?.ok_or(AppError::NotFound)?;
    Ok(Json(me_of(&app, &updated).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct LanguageRequest {
    /// `fr` or `en`.
    pub language: String,
}

/// Choose the language of the interface and of e-mails.
#[utoipa::path(put, path = "/api/v1/me/language", tag = "me", security(("session" = []), ("token" = [])), request_body = LanguageRequest,
    responses((status = 200, body = User), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_language(
    State(app): State<App>,
    ctx: Ctx,
    ApiJson(r): ApiJson<LanguageRequest>,
) -> AppResult<Json<User>> {
    let user = ctx.require_user()?;
    let locale = Locale::parse(&r.language).ok_or(AppError::field("language", "error.language.unknown"))?;
    account_store::set_locale(&app.db, user.id, locale).await?;
    let updated = account_store::find_by_id(&app.db, user.id).await?.ok_or(AppError::NotFound)?;
    Ok(Json(User::from(&updated)))
}

#[derive(Deserialize, ToSchema)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

/// Change the password; every session is closed and a new one is opened for this client.
#[utoipa::path(post, path = "/api/v1/me/password", tag = "me", security(("session" = []), ("token" = [])), request_body = ChangePasswordRequest,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn change_password(
    State(app): State<App>,
    ctx: Ctx,
    ApiJson(r): ApiJson<ChangePasswordRequest>,
) -> AppResult<Response> {
    let user = ctx.require_user()?;
    accounts::change_password(&app, user, &r.current_password, &r.new_password).await?;
    let mut resp = StatusCode::NO_CONTENT.into_response();
    if ctx.auth == Some(crate::web::context::AuthMethod::Session) {
        let secret = sessions::create(&app.db, user.id).await?;
        resp.headers_mut().append(header::SET_COOKIE, crate::web::pages::account::session_cookie(&ctx, &secret));
    }
    Ok(resp)
}

#[derive(Serialize, ToSchema)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct NewApiToken {
    #[serde(flatten)]
    pub token: ApiToken,
    /// The secret, shown only in this answer.
    pub secret: String,
}

/// Personal API tokens of the signed-in person.
#[utoipa::path(get, path = "/api/v1/me/tokens", tag = "me", security(("session" = []), ("token" = [])),
    responses((status = 200, body = Vec<ApiToken>), (status = 401, body = ErrorBody)))]
pub async fn list_tokens(State(app): State<App>, ctx: Ctx) -> AppResult<Json<Vec<ApiToken>>> {
    let user = ctx.require_user()?;
    let tokens = api_tokens::list(&app.db, user.id).await?;
    Ok(Json(
        tokens
            .into_iter()
            .map(|t| ApiToken { id: t.id, name: t.name, created_at: t.created_at, last_used_at: t.last_used_at })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct CreateTokenRequest {
    pub name: String,
}

/// Create a personal API token; its secret is in the answer, and only there.
#[utoipa::path(post, path = "/api/v1/me/tokens", tag = "me", security(("session" = []), ("token" = [])), request_body = CreateTokenRequest,
    responses((status = 201, body = NewApiToken), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_token(
    State(app): State<App>,
    ctx: Ctx,
    ApiJson(r): ApiJson<CreateTokenRequest>,
) -> AppResult<Response> {
    let user = ctx.require_user()?;
    let name = crate::web::pages::account::token_name(&r.name)?;
    let (t, secret) = api_tokens::create(&app.db, user.id, &name).await?;
    let body = NewApiToken {
        token: ApiToken { id: t.id, name: t.name, created_at: t.created_at, last_used_at: None },
        secret,
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// Revoke one of your tokens.
#[utoipa::path(delete, path = "/api/v1/me/tokens/{id}", tag = "me", security(("session" = []), ("token" = [])),
    params(("id" = i64, Path, description = "token id")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn revoke_token(State(app): State<App>, ctx: Ctx, Path(id): Path<i64>) -> AppResult<StatusCode> {
    let user = ctx.require_user()?;
    if !api_tokens::revoke(&app.db, user.id, id).await? {
        return Err(AppError::NotFound);
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Everything Tremplin holds about me: account, roles, tokens, applications and their
/// submitted versions.
#[utoipa::path(get, path = "/api/v1/me/data", tag = "me", security(("session" = []), ("token" = [])),
    responses((status = 200, body = Object), (status = 401, body = ErrorBody)))]
pub async fn my_data(State(app): State<App>, ctx: Ctx) -> AppResult<Json<serde_json::Value>> {
    Ok(Json(accounts::export_data(&app, ctx.require_user()?).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct DeleteAccountRequest {
    pub password: String,
}

/// Delete my account (sent applications are kept without anything identifying).
#[utoipa::path(post, path = "/api/v1/me/delete", tag = "me", security(("session" = []), ("token" = [])), request_body = DeleteAccountRequest,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn delete_me(
    State(app): State<App>,
    ctx: Ctx,
    ApiJson(r): ApiJson<DeleteAccountRequest>,
) -> AppResult<StatusCode> {
    accounts::delete_account(&app, ctx.require_user()?, &r.password).await?;
    Ok(StatusCode::NO_CONTENT)
}
