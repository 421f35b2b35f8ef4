//! The three cookies Tremplin sets: session, CSRF token and (for visitors) language.

use axum::http::HeaderMap;

pub const SESSION: &str = "tremplin_session";
pub const CSRF: &str = "tremplin_csrf";
pub const LANG: &str = "tremplin_lang";

/// The value of cookie `name` in the request headers.
pub fn get<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim_matches('"'))
        .filter(|v| !v.is_empty())
}

/// A `Set-Cookie` value: HttpOnly always, `Secure` when the site is served over HTTPS.
pub fn set(name: &str, value: &str, max_age_secs: i64, same_site: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; Max-Age={max_age_secs}; HttpOnly; SameSite={same_site}{secure}")
}

pub fn clear(name: &str, secure: bool) -> String {
    set(name, "", 0, "Lax", secure)
}
