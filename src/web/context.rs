//! The request context: who is asking (session cookie or API token), in which language,
//! with which CSRF token; and the checks and rendering that every request goes through.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::{header, request::Parts, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use jiff::tz::TimeZone;

use super::cookies;
use super::error::{pending_for_status, render, AppError, PendingError};
use crate::app::App;
use crate::domain::locale::Locale;
use crate::i18n::I18n;
use crate::store::accounts::UserRow;
use crate::store::{api_tokens, sessions};

/// How the person was recognised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthMethod {
    Session,
    ApiToken,
}

#[derive(Clone)]
pub struct Ctx {
    pub user: Option<Arc<UserRow>>,
    pub auth: Option<AuthMethod>,
    pub locale: Locale,
    pub zone: TimeZone,
    /// The CSRF token to embed in forms (same value as the CSRF cookie).
    pub csrf: String,
    pub path: String,
    /// The address used for rate limiting.
    pub client: String,
    pub secure_cookies: bool,
    /// The person follows, tutors or manages a course: the menu shows "Mes cours".
    pub has_courses: bool,
}

impl Ctx {
    pub fn i18n(&self) -> I18n {
        I18n::new(self.locale)
    }

    /// The signed-in person, or 401.
    pub fn require_user(&self) -> Result<&UserRow, AppError> {
        self.user.as_deref().ok_or(AppError::Unauthenticated)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Ctx>()
            .cloned()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("context middleware not installed")))
    }
}

fn client_address(req: &Request, behind_proxy: bool) -> String {
    if behind_proxy {
        // The proxy appends the address it saw; the last entry is the one we can trust.
        if let Some(last) =
            req.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok()).and_then(|v| v.rsplit(',').next())
        {
            return last.trim().to_owned();
        }
    }
    req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string()).unwrap_or_else(|| "unknown".into())
}

/// Who is asking, how, and (for pages: the menu links to them) whether she has courses.
struct Caller {
    user: Option<UserRow>,
    auth: Option<AuthMethod>,
    has_courses: bool,
}

async fn resolve_user(app: &App, headers: &HeaderMap, api: bool) -> Result<Caller, AppError> {
    if let Some(auth) = headers.get(header::AUTHORIZATION) {
        let token = auth.to_str().ok().and_then(|v| v.strip_prefix("Bearer ")).map(str::trim).unwrap_or_default();
        return match api_tokens::user_of(&app.db, token).await? {
            Some(u) => Ok(Caller { user: Some(u), auth: Some(AuthMethod::ApiToken), has_courses: false }),
            None => Err(AppError::Unauthenticated),
        };
    }
    if let Some(secret) = cookies::get(headers, cookies::SESSION) {
        let found = if api {
            sessions::user_of(&app.db, secret).await?.map(|u| (u, false))
        } else {
            sessions::user_and_courses_of(&app.db, secret).await?
        };
        if let Some((u, has_courses)) = found {
            return Ok(Caller { user: Some(u), auth: Some(AuthMethod::Session), has_courses });
        }
    }
    Ok(Caller { user: None, auth: None, has_courses: false })
}

/// Behind a TLS-terminating proxy the request arrives in plain HTTP; the proxy says so.
fn forwarded_https(headers: &HeaderMap) -> bool {
    headers.get("x-forwarded-proto").is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"))
}

fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

/// Form posts must carry the CSRF token of the cookie, as a `csrf` field or an
/// `X-CSRF-Token` header. The body is read (it is small: the body limit applies) and put
/// back for the handler.
async fn check_form_csrf(req: Request, expected: &str) -> Result<Request, AppError> {
    let header_ok = req.headers().get("x-csrf-token").and_then(|v| v.to_str().ok()).is_some_and(|v| ct_eq(v, expected));
    if header_ok {
        return Ok(req);
    }
    // A file upload without JavaScript cannot set a header: its form carries the token in
    // its action address instead (same origin, never sent to another site).
    let is_multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if is_multipart {
        let in_query = req.uri().query().and_then(|q| {
            url::form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "csrf").map(|(_, v)| v.into_owned())
        });
        return if in_query.is_some_and(|v| ct_eq(&v, expected)) { Ok(req) } else { Err(AppError::Csrf) };
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(AppError::Csrf);
    }
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, super::BODY_LIMIT).await.map_err(|_| AppError::PayloadTooLarge)?;
    let sent = url::form_urlencoded::parse(&bytes).find(|(k, _)| k == "csrf").map(|(_, v)| v.into_owned());
    if !sent.is_some_and(|v| ct_eq(&v, expected)) {
        return Err(AppError::Csrf);
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// A cross-site page can POST to the API only with the "simple" content types; a request
/// authenticated by the session cookie must not use them.
fn api_csrf_ok(req: &Request, auth: Option<AuthMethod>) -> bool {
    if auth != Some(AuthMethod::Session) || matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    let ct = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    !(ct.starts_with("application/x-www-form-urlencoded")
        || ct.starts_with("multipart/form-data")
        || ct.starts_with("text/plain"))
}

/// Constant-time comparison of two tokens.
fn ct_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub async fn middleware(State(app): State<App>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let api = is_api(&path);
    let headers = req.headers().clone();
    let (Caller { user, auth, has_courses }, auth_err) = match resolve_user(&app, &headers, api).await {
        Ok(caller) => (caller, None),
        Err(e) => (Caller { user: None, auth: None, has_courses: false }, Some(e)),
    };
    let locale = user
        .as_ref()
        .map(|u| u.locale())
        .or_else(|| cookies::get(req.headers(), cookies::LANG).and_then(Locale::parse))
        .or_else(|| {
            req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).and_then(Locale::negotiate)
        })
        .unwrap_or_default();
    let existing_csrf = cookies::get(req.headers(), cookies::CSRF).map(str::to_owned);
    let new_csrf = existing_csrf.is_none().then(crate::store::new_secret);
    let csrf = existing_csrf.clone().or_else(|| new_csrf.clone()).unwrap_or_default();
    let ctx = Ctx {
        has_courses,
        zone: user.as_ref().map(|u| u.time_zone().zone()).unwrap_or(TimeZone::UTC),
        user: user.map(Arc::new),
        auth,
        locale,
        csrf: csrf.clone(),
        path: path.clone(),
        client: client_address(&req, app.cfg.behind_proxy),
        secure_cookies: app.cfg.secure_cookies() || (app.cfg.behind_proxy && forwarded_https(&headers)),
    };
    req.extensions_mut().insert(ctx.clone());

    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let outcome: Result<Response, AppError> = async {
        if let Some(e) = auth_err {
            return Err(e);
        }
        if api {
            if !api_csrf_ok(&req, auth) {
                return Err(AppError::Csrf);
            }
        } else if unsafe_method {
            req = check_form_csrf(req, existing_csrf.as_deref().unwrap_or("\u{0}missing")).await?;
        }
        Ok(next.run(req).await)
    }
    .await;
    let mut resp = outcome.unwrap_or_else(|e| e.into_response());

    // Render errors in the viewer's language: our own, and bare ones from the router/limits.
    let pending = resp.extensions().get::<Arc<PendingError>>().cloned();
    let bare_error = pending.is_none()
        && resp.status().is_client_error()
        && !resp
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"text/html") || v.as_bytes().starts_with(b"application/json"));
    if let Some(p) = pending {
        resp = keep_cookies(resp, render(&ctx, &p, api));
    } else if bare_error {
        let status = resp.status();
        resp = keep_cookies(resp, render(&ctx, &pending_for_status(status), api));
    }
    if let Some(token) = new_csrf.filter(|_| !api) {
        if let Ok(v) =
            HeaderValue::from_str(&cookies::set(cookies::CSRF, &token, 365 * 24 * 3600, "Strict", ctx.secure_cookies))
        {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    if let Ok(v) = HeaderValue::from_str(ctx.locale.code()) {
        resp.headers_mut().insert(header::CONTENT_LANGUAGE, v);
    }
    resp.headers_mut().insert(header::VARY, HeaderValue::from_static("Cookie, Accept-Language, Accept-Encoding"));
    if resp.status() == StatusCode::INTERNAL_SERVER_ERROR {
        tracing::error!(path, "responded 500");
    }
    resp
}

/// Carries the `Set-Cookie` headers of the original response over to the rendered one, and
/// the `Content-Range` of a 416 (it tells the client the file's length).
fn keep_cookies(original: Response, mut rendered: Response) -> Response {
    for v in original.headers().get_all(header::SET_COOKIE) {
        rendered.headers_mut().append(header::SET_COOKIE, v.clone());
    }
    if let Some(range) = original.headers().get(header::CONTENT_RANGE) {
        rendered.headers_mut().insert(header::CONTENT_RANGE, range.clone());
    }
    rendered
}
