//! Reading a posted form (`application/x-www-form-urlencoded`) field by field.

use axum::body::Bytes;

pub fn pairs(body: &Bytes) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

/// The first value of a field, trimmed; empty when absent.
pub fn get(p: &[(String, String)], key: &str) -> String {
    p.iter().find(|(k, _)| k == key).map(|(_, v)| v.trim().to_owned()).unwrap_or_default()
}

/// A ticked checkbox.
pub fn flag(p: &[(String, String)], key: &str) -> bool {
    p.iter().any(|(k, v)| k == key && (v == "1" || v == "on" || v == "true"))
}
