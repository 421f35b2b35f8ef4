//! Account pages: register, confirm, sign in and out, forgotten password, settings,
//! API tokens, language.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{html, safe_next, see_other, FormState, PageCtx};
use crate::accounts::{self, Registration};
use crate::app::App;
use crate::domain::locale::Locale;
use crate::domain::role::ProgrammeRole;
use crate::domain::time::OFFERED_ZONES;
use crate::error::{AppError, AppResult};
use crate::store::accounts as account_store;
use crate::store::api_tokens;
use crate::store::sessions;
use crate::web::context::Ctx;
use crate::web::cookies;
use crate::web::extract::PageForm;

/// A page that only says something (after registering, confirming, resetting...).
#[derive(Template)]
#[template(path = "notice.html")]
struct NoticePage {
    page: PageCtx,
    heading: &'static str,
    text: String,
    link: Option<(&'static str, &'static str)>,
}

fn notice(ctx: &Ctx, heading_key: &str, text: String, link: Option<(&'static str, &'static str)>) -> Response {
    let i = ctx.i18n();
    html(
        StatusCode::OK,
        NoticePage { page: PageCtx::new(ctx, i.t(heading_key)), heading: i.t(heading_key), text, link },
    )
}

// ---------------------------------------------------------------- registration

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    page: PageCtx,
    form: FormState,
    name: String,
    email: String,
}

#[derive(Deserialize, Default)]
pub struct RegisterInput {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

pub async fn register_form(ctx: Ctx) -> Response {
    let i = ctx.i18n();
    html(
        StatusCode::OK,
        RegisterPage {
            page: PageCtx::new(&ctx, i.t("register.title")),
            form: FormState::default(),
            name: String::new(),
            email: String::new(),
        },
    )
}

pub async fn register(State(app): State<App>, ctx: Ctx, PageForm(input): PageForm<RegisterInput>) -> Response {
    let i = ctx.i18n();
    let reg = Registration { email: &input.email, name: &input.name, password: &input.password, locale: ctx.locale };
    match accounts::register(&app, reg).await {
        Ok(user) => notice(&ctx, "register.done.title", i.tf("register.done.text", &[("email", &user.email)]), None),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict { .. })) => html(
            StatusCode::from_u16(e.status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY),
            RegisterPage {
                page: PageCtx::new(&ctx, i.t("register.title")),
                form: FormState::from_error(i, &e),
                name: input.name,
                email: input.email,
            },
        ),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
pub struct TokenQuery {
    jeton: Option<String>,
}

pub async fn confirm(State(app): State<App>, ctx: Ctx, Query(q): Query<TokenQuery>) -> AppResult<Response> {
    let token = q.jeton.unwrap_or_default();
    let user = accounts::confirm(&app, &token).await?;
    let i = ctx.i18n();
    Ok(notice(
        &ctx,
        "confirm.done.title",
        i.tf("confirm.done.text", &[("email", &user.email)]),
        Some(("/connexion", "nav.sign_in")),
    ))
}

#[derive(Deserialize)]
pub struct EmailInput {
    #[serde(default)]
    email: String,
}

pub async fn resend_confirmation(
    State(app): State<App>,
    ctx: Ctx,
    PageForm(input): PageForm<EmailInput>,
) -> AppResult<Response> {
    accounts::resend_confirmation(&app, &input.email).await?;
    Ok(notice(&ctx, "confirm.resent.title", ctx.i18n().t("confirm.resent.text").to_owned(), None))
}

// ---------------------------------------------------------------- sign in / out

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    page: PageCtx,
    form: FormState,
    email: String,
    next: String,
    unconfirmed: bool,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn sign_in_form(ctx: Ctx, Query(q): Query<NextQuery>) -> Response {
    let i = ctx.i18n();
    html(
        StatusCode::OK,
        SignInPage {
            page: PageCtx::new(&ctx, i.t("sign_in.title")),
            form: FormState::default(),
            email: String::new(),
            next: safe_next(q.next.as_deref()).to_owned(),
            unconfirmed: false,
        },
    )
}

#[derive(Deserialize)]
pub struct SignInInput {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

pub fn session_cookie(ctx: &Ctx, secret: &str) -> HeaderValue {
    HeaderValue::from_str(&cookies::set(
        cookies::SESSION,
        secret,
        sessions::SESSION_TTL_SECS,
        "Lax",
        ctx.secure_cookies,
    ))
    .expect("cookie is ASCII")
}

pub async fn sign_in(State(app): State<App>, ctx: Ctx, PageForm(input): PageForm<SignInInput>) -> Response {
    let i = ctx.i18n();
    let next = safe_next(input.next.as_deref()).to_owned();
    match accounts::sign_in(&app, &input.email, &input.password, &ctx.client).await {
        Ok((_, secret)) => {
            let to = if next == "/" { "/compte".to_owned() } else { next };
            let mut resp = see_other(&to);
            resp.headers_mut().append(header::SET_COOKIE, session_cookie(&ctx, &secret));
            resp
        }
        Err(e @ (AppError::BadCredentials | AppError::NotConfirmed | AppError::TooManyAttempts { .. })) => {
            let mut form = FormState::from_error(i, &e);
            if let AppError::TooManyAttempts { retry_after_secs } = e {
                form.summary =
                    Some(i.tf("error.too_many_attempts", &[("minutes", &((retry_after_secs + 59) / 60).to_string())]));
            }
            let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::UNAUTHORIZED);
            html(
                status,
                SignInPage {
                    page: PageCtx::new(&ctx, i.t("sign_in.title")),
                    form,
                    email: input.email,
                    next,
                    unconfirmed: matches!(e, AppError::NotConfirmed),
                },
            )
        }
        Err(e) => e.into_response(),
    }
}

pub async fn sign_out(State(app): State<App>, ctx: Ctx, headers: axum::http::HeaderMap) -> AppResult<Response> {
    if let Some(secret) = cookies::get(&headers, cookies::SESSION) {
        sessions::delete(&app.db, secret).await?;
    }
    let mut resp = see_other("/");
    if let Ok(v) = HeaderValue::from_str(&cookies::clear(cookies::SESSION, ctx.secure_cookies)) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(resp)
}

// ---------------------------------------------------------------- forgotten password

#[derive(Template)]
#[template(path = "forgot.html")]
struct ForgotPage {
    page: PageCtx,
    form: FormState,
    email: String,
}

pub async fn forgot_form(ctx: Ctx) -> Response {
    let i = ctx.i18n();
    html(
        StatusCode::OK,
        ForgotPage { page: PageCtx::new(&ctx, i.t("forgot.title")), form: FormState::default(), email: String::new() },
    )
}

pub async fn forgot(State(app): State<App>, ctx: Ctx, PageForm(input): PageForm<EmailInput>) -> Response {
    let i = ctx.i18n();
    match accounts::request_reset(&app, &input.email).await {
        Ok(()) => notice(&ctx, "forgot.sent.title", i.tf("forgot.sent.text", &[("email", input.email.trim())]), None),
        Err(e @ AppError::Invalid(_)) => html(
            StatusCode::UNPROCESSABLE_ENTITY,
            ForgotPage {
                page: PageCtx::new(&ctx, i.t("forgot.title")),
                form: FormState::from_error(i, &e),
                email: input.email,
            },
        ),
        Err(e) => e.into_response(),
    }
}

#[derive(Template)]
#[template(path = "reset.html")]
struct ResetPage {
    page: PageCtx,
    form: FormState,
    token: String,
}

pub async fn reset_form(State(app): State<App>, ctx: Ctx, Query(q): Query<TokenQuery>) -> AppResult<Response> {
    let token = q.jeton.unwrap_or_default();
    account_store::peek_token(&app.db, &token, account_store::TokenPurpose::Reset).await?.map_err(AppError::Link)?;
    let i = ctx.i18n();
    Ok(html(
        StatusCode::OK,
        ResetPage { page: PageCtx::new(&ctx, i.t("reset.title")), form: FormState::default(), token },
    ))
}

#[derive(Deserialize)]
pub struct ResetInput {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
}

pub async fn reset(State(app): State<App>, ctx: Ctx, PageForm(input): PageForm<ResetInput>) -> Response {
    let i = ctx.i18n();
    match accounts::complete_reset(&app, &input.token, &input.password).await {
        Ok(()) => {
            notice(&ctx, "reset.done.title", i.t("reset.done.text").to_owned(), Some(("/connexion", "nav.sign_in")))
        }
        Err(e @ AppError::Invalid(_)) => html(
            StatusCode::UNPROCESSABLE_ENTITY,
            ResetPage {
                page: PageCtx::new(&ctx, i.t("reset.title")),
                form: FormState::from_error(i, &e),
                token: input.token,
            },
        ),
        Err(e) => e.into_response(),
    }
}

// ---------------------------------------------------------------- settings

pub struct TokenView {
    pub id: i64,
    pub name: String,
    pub created: String,
    pub last_used: String,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    page: PageCtx,
    name: String,
    email: String,
    member_since: String,
    is_admin: bool,
    manages: bool,
    /// She reviews applications of at least one call.
    reviews: bool,
    roles: Vec<(String, String, &'static str)>,
    locale: &'static str,
    zone: String,
    zones: &'static [&'static str],
    gender: String,
    country: String,
    countries: Vec<(&'static str, &'static str)>,
    done: Option<&'static str>,
    password_form: FormState,
    token_form: FormState,
    tokens: Vec<TokenView>,
    new_token: Option<String>,
    delete_form: FormState,
}

#[derive(Deserialize)]
pub struct DoneQuery {
    fait: Option<String>,
}

async fn account_page(app: &App, ctx: &Ctx, done: Option<&'static str>) -> AppResult<AccountPage> {
    let user = ctx.require_user()?;
    let i = ctx.i18n();
    let memberships = account_store::memberships(&app.db, user.id).await?;
    let manages = user.is_admin() || memberships.iter().any(|(_, _, role)| role == "manager");
    let roles = memberships
        .into_iter()
        .map(|(slug, title, role)| {
            let label = ProgrammeRole::parse(&role).map(|r| i.t(r.label_key())).unwrap_or("");
            (slug, title, label)
        })
        .collect();
    let tokens = api_tokens::list(&app.db, user.id)
        .await?
        .into_iter()
        .map(|t| TokenView {
            id: t.id,
            name: t.name,
            created: i.datetime(t.created_at, &ctx.zone),
            last_used: t
                .last_used_at
                .map(|u| i.datetime(u, &ctx.zone))
                .unwrap_or_else(|| i.t("account.tokens.never").to_owned()),
        })
        .collect();
    Ok(AccountPage {
        page: PageCtx::new(ctx, i.t("account.title")),
        name: user.name.clone(),
        email: user.email.clone(),
        member_since: i.datetime(user.created_at, &ctx.zone),
        is_admin: user.is_admin(),
        manages,
        reviews: !crate::review::my_calls(app, user).await?.is_empty(),
        roles,
        locale: user.locale().code(),
        zone: user.time_zone.clone(),
        zones: OFFERED_ZONES,
        gender: user.gender.clone(),
        country: user.country.clone(),
        countries: crate::domain::programme::COUNTRIES
            .iter()
            .map(|(c, fr, en)| (*c, if ctx.locale == Locale::En { *en } else { *fr }))
            .collect(),
        done,
        password_form: FormState::default(),
        token_form: FormState::default(),
        tokens,
        new_token: None,
        delete_form: FormState::default(),
    })
}

fn sign_in_redirect(ctx: &Ctx) -> Response {
    see_other(&format!("/connexion?next={}", ctx.path))
}

pub async fn settings(State(app): State<App>, ctx: Ctx, Query(q): Query<DoneQuery>) -> AppResult<Response> {
    if ctx.user.is_none() {
        return Ok(sign_in_redirect(&ctx));
    }
    let done = match q.fait.as_deref() {
        Some("preferences") => Some("account.done.preferences"),
        Some("mot-de-passe") => Some("account.done.password"),
        Some("jeton-revoque") => Some("account.done.token_revoked"),
        _ => None,
    };
    Ok(html(StatusCode::OK, account_page(&app, &ctx, done).await?))
}

#[derive(Deserialize)]
pub struct PreferencesInput {
    #[serde(default)]
    language: String,
    #[serde(default)]
    time_zone: String,
    #[serde(default)]
    gender: String,
    #[serde(default)]
    country: String,
}

pub async fn save_preferences(
    State(app): State<App>,
    ctx: Ctx,
    PageForm(input): PageForm<PreferencesInput>,
) -> AppResult<Response> {
    let user = ctx.require_user()?;
    let settings = accounts::Settings {
        language: Some(&input.language),
        time_zone: Some(&input.time_zone),
        gender: Some(&input.gender),
        country: Some(&input.country),
    };
    accounts::save_settings(&app, user, settings).await?;
    Ok(see_other("/compte?fait=preferences"))
}

#[derive(Deserialize)]
pub struct PasswordInput {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

pub async fn change_password(
    State(app): State<App>,
    ctx: Ctx,
    PageForm(input): PageForm<PasswordInput>,
) -> AppResult<Response> {
    let user = ctx.require_user()?;
    match accounts::change_password(&app, user, &input.current_password, &input.new_password).await {
        Ok(()) => {
            // Every session was closed; this device gets a new one.
            let secret = sessions::create(&app.db, user.id).await?;
            let mut resp = see_other("/compte?fait=mot-de-passe");
            resp.headers_mut().append(header::SET_COOKIE, super::account::session_cookie(&ctx, &secret));
            Ok(resp)
        }
        Err(e @ AppError::Invalid(_)) => {
            let mut page = account_page(&app, &ctx, None).await?;
            page.password_form = FormState::from_error(ctx.i18n(), &e);
            Ok(html(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct TokenInput {
    #[serde(default)]
    name: String,
}

/// Validates a token name: 1 to 60 characters once trimmed, no control characters.
pub fn token_name(name: &str) -> AppResult<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 60 || name.chars().any(char::is_control) {
        return Err(AppError::field("name", "error.token_name"));
    }
    Ok(name.to_owned())
}

pub async fn create_token(
    State(app): State<App>,
    ctx: Ctx,
    PageForm(input): PageForm<TokenInput>,
) -> AppResult<Response> {
    let user = ctx.require_user()?;
    match token_name(&input.name) {
        Ok(name) => {
            let (_, secret) = api_tokens::create(&app.db, user.id, &name).await?;
            let mut page = account_page(&app, &ctx, Some("account.done.token_created")).await?;
            page.new_token = Some(secret);
            Ok(html(StatusCode::CREATED, page))
        }
        Err(e) => {
            let mut page = account_page(&app, &ctx, None).await?;
            page.token_form = FormState::from_error(ctx.i18n(), &e);
            Ok(html(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
    }
}

pub async fn revoke_token(State(app): State<App>, ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let user = ctx.require_user()?;
    if !api_tokens::revoke(&app.db, user.id, id).await? {
        return Err(AppError::NotFound);
    }
    Ok(see_other("/compte?fait=jeton-revoque"))
}

// ---------------------------------------------------------------- language

#[derive(Deserialize)]
pub struct LanguageInput {
    #[serde(default)]
    lang: String,
    next: Option<String>,
}

/// Switches the language: remembered in a cookie for visitors, in the account for members.
pub async fn switch_language(
    State(app): State<App>,
    ctx: Ctx,
    PageForm(input): PageForm<LanguageInput>,
) -> AppResult<Response> {
    let locale = Locale::parse(&input.lang).ok_or(AppError::field("lang", "error.language.unknown"))?;
    if let Some(user) = &ctx.user {
        account_store::set_locale(&app.db, user.id, locale).await?;
    }
    let mut resp = see_other(safe_next(input.next.as_deref()));
    let cookie = cookies::set(cookies::LANG, locale.code(), 365 * 24 * 3600, "Lax", ctx.secure_cookies);
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(resp)
}

// ---------------------------------------------------------------- data rights

/// `GET /compte/donnees.json`: everything held about the signed-in person.
pub async fn download_data(State(app): State<App>, ctx: Ctx) -> AppResult<Response> {
    let user = ctx.require_user()?;
    let data = accounts::export_data(&app, user).await?;
    Ok((
        [(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"tremplin-mes-donnees.json\""))],
        axum::Json(data),
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct DeleteInput {
    #[serde(default)]
    password: String,
}

pub async fn delete_account(
    State(app): State<App>,
    ctx: Ctx,
    PageForm(input): PageForm<DeleteInput>,
) -> AppResult<Response> {
    let user = ctx.require_user()?;
    match accounts::delete_account(&app, user, &input.password).await {
        Ok(()) => {
            let mut resp = notice(&ctx, "account.deleted.title", ctx.i18n().t("account.deleted.text").to_owned(), None);
            if let Ok(v) = HeaderValue::from_str(&cookies::clear(cookies::SESSION, ctx.secure_cookies)) {
                resp.headers_mut().append(header::SET_COOKIE, v);
            }
            Ok(resp)
        }
        Err(e @ AppError::Invalid(_)) => {
            let mut page = account_page(&app, &ctx, None).await?;
            page.delete_form = FormState::from_error(ctx.i18n(), &e);
            Ok(html(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(e) => Err(e),
    }
}
