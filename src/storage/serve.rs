//! Answering an HTTP request for a stored file, whatever the storage: a byte range
//! (RFC 9110 §14: `Range`, `If-Range`, 206 and 416) so that a video starts at once and
//! resumes where it stopped, conditional requests (§13: `If-None-Match`,
//! `If-Modified-Since`, `If-Match`, `If-Unmodified-Since`; 304 and 412), and the body
//! streamed from the storage, never held whole in memory.

use std::ops::Range;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};

use super::{Key, Meta, Storage};
use crate::error::{AppError, AppResult};
use crate::web::error::PendingError;

/// How a stored file is presented.
#[derive(Clone, Copy, Debug)]
pub struct Serve<'a> {
    pub content_type: &'a str,
    pub cache_control: &'a str,
    /// A whole `Content-Disposition` value, if any.
    pub disposition: Option<&'a str>,
}

/// Answers `method` (GET or HEAD) with `headers` for the file `key`: 200 with the whole file,
/// 206 with one range of it, 304, 412 or 416; a missing file is a 404.
pub async fn serve(
    storage: &Storage,
    key: &Key,
    method: &Method,
    headers: &HeaderMap,
    how: Serve<'_>,
) -> AppResult<Response> {
    let meta = storage.head(key).await.map_err(|e| AppError::Internal(e.into()))?.ok_or(AppError::NotFound)?;
    let mut response = match precondition(method, headers, &meta) {
        Some(StatusCode::NOT_MODIFIED) => StatusCode::NOT_MODIFIED.into_response(),
        Some(status) => refusal(status, "precondition_failed"),
        None => match wanted_range(method, headers, &meta) {
            Wanted::Whole => body(storage, key, method, 0..meta.size, StatusCode::OK).await?,
            Wanted::Part(range) => {
                let content_range = format!("bytes {}-{}/{}", range.start, range.end - 1, meta.size);
                let mut r = body(storage, key, method, range, StatusCode::PARTIAL_CONTENT).await?;
                r.headers_mut().insert(header::CONTENT_RANGE, value(&content_range));
                r
            }
            Wanted::Unsatisfiable => {
                let mut r = refusal(StatusCode::RANGE_NOT_SATISFIABLE, "range_not_satisfiable");
                r.headers_mut().insert(header::CONTENT_RANGE, value(&format!("bytes */{}", meta.size)));
                r
            }
        },
    };
    let h = response.headers_mut();
    h.insert(header::ETAG, value(&meta.etag));
    h.insert(header::LAST_MODIFIED, value(&httpdate::fmt_http_date(meta.modified)));
    h.insert(header::CACHE_CONTROL, value(how.cache_control));
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if response.status().is_success() {
        let h = response.headers_mut();
        h.insert(header::CONTENT_TYPE, value(how.content_type));
        if let Some(d) = how.disposition.and_then(|d| HeaderValue::from_str(d).ok()) {
            h.insert(header::CONTENT_DISPOSITION, d);
        }
    }
    Ok(response)
}

/// A 412 or 416, rendered by the context middleware as every error is (a page or the API's
/// JSON, in the reader's language).
fn refusal(status: StatusCode, code: &'static str) -> Response {
    let mut r = status.into_response();
    r.extensions_mut().insert(Arc::new(PendingError {
        status: status.as_u16(),
        code,
        message_key: "error.bad_request",
        fields: vec![],
        details: vec![],
        retry_after: None,
        args: vec![],
    }));
    r
}

fn value(s: &str) -> HeaderValue {
    HeaderValue::from_str(s).unwrap_or_else(|_| HeaderValue::from_static(""))
}

async fn body(
    storage: &Storage,
    key: &Key,
    method: &Method,
    range: Range<u64>,
    status: StatusCode,
) -> AppResult<Response> {
    let len = range.end - range.start;
    let body = if method == Method::HEAD {
        Body::empty()
    } else {
        let stream = storage.read_range(key, range).await.map_err(|e| match e.kind() {
            // Deleted between the two calls.
            std::io::ErrorKind::NotFound => AppError::NotFound,
            _ => AppError::Internal(e.into()),
        })?;
        // Fused: the compression layer may poll once more after the end.
        Body::from_stream(futures_util::StreamExt::fuse(stream))
    };
    let mut r = (status, body).into_response();
    r.headers_mut().insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    Ok(r)
}

/// The answer the preconditions impose, if any (RFC 9110 §13.2.2, in its order).
fn precondition(method: &Method, headers: &HeaderMap, meta: &Meta) -> Option<StatusCode> {
    let get = method == Method::GET || method == Method::HEAD;
    if let Some(tags) = text(headers, header::IF_MATCH) {
        if !matches_any(tags, &meta.etag, true) {
            return Some(StatusCode::PRECONDITION_FAILED);
        }
    } else if let Some(date) = date(headers, header::IF_UNMODIFIED_SINCE) {
        if seconds(meta.modified) > seconds(date) {
            return Some(StatusCode::PRECONDITION_FAILED);
        }
    }
    if let Some(tags) = text(headers, header::IF_NONE_MATCH) {
        if matches_any(tags, &meta.etag, false) {
            return Some(if get { StatusCode::NOT_MODIFIED } else { StatusCode::PRECONDITION_FAILED });
        }
    } else if let Some(date) = date(headers, header::IF_MODIFIED_SINCE).filter(|_| get) {
        if seconds(meta.modified) <= seconds(date) {
            return Some(StatusCode::NOT_MODIFIED);
        }
    }
    None
}

enum Wanted {
    Whole,
    Part(Range<u64>),
    Unsatisfiable,
}

/// What a GET asks for. A `Range` that cannot be read (another unit, several ranges, bad
/// syntax) or whose `If-Range` no longer holds is ignored: the whole file is sent.
fn wanted_range(method: &Method, headers: &HeaderMap, meta: &Meta) -> Wanted {
    let Some(range) = text(headers, header::RANGE).filter(|_| method == Method::GET) else { return Wanted::Whole };
    if let Some(validator) = text(headers, header::IF_RANGE) {
        let holds = match httpdate::parse_http_date(validator) {
            Ok(date) => seconds(date) == seconds(meta.modified),
            Err(_) => strong_match(validator.trim(), &meta.etag),
        };
        if !holds {
            return Wanted::Whole;
        }
    }
    match parse_range(range, meta.size) {
        None => Wanted::Whole,
        Some(Ok(r)) => Wanted::Part(r),
        Some(Err(())) => Wanted::Unsatisfiable,
    }
}

/// One byte range of a file of `size` bytes: `None` when the header is not one range we
/// read, `Some(Err)` when it is one but lies past the end.
fn parse_range(header: &str, size: u64) -> Option<Result<Range<u64>, ()>> {
    let (unit, spec) = header.trim().split_once('=')?;
    if !unit.trim().eq_ignore_ascii_case("bytes") || spec.contains(',') {
        return None;
    }
    let (first, last) = spec.trim().split_once('-')?;
    let number = |s: &str| -> Option<u64> {
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
    };
    match (first.trim(), last.trim()) {
        ("", suffix) => {
            let n = number(suffix)?;
            Some(if n == 0 || size == 0 { Err(()) } else { Ok(size - n.min(size)..size) })
        }
        (first, "") => {
            let first = number(first)?;
            Some(if first >= size { Err(()) } else { Ok(first..size) })
        }
        (first, last) => {
            let (first, last) = (number(first)?, number(last)?);
            if first > last {
                return None;
            }
            Some(if first >= size { Err(()) } else { Ok(first..last.min(size - 1) + 1) })
        }
    }
}

fn text(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn date(headers: &HeaderMap, name: header::HeaderName) -> Option<SystemTime> {
    text(headers, name).and_then(|d| httpdate::parse_http_date(d).ok())
}

/// HTTP dates count whole seconds.
fn seconds(t: SystemTime) -> u64 {
    t.duration_since(SystemTime::UNIX_EPOCH).unwrap_or(Duration::ZERO).as_secs()
}

/// Whether a list of entity tags (or `*`) names `etag`: strong comparison for `If-Match`,
/// weak for `If-None-Match`.
fn matches_any(list: &str, etag: &str, strong: bool) -> bool {
    list.trim() == "*"
        || list.split(',').map(str::trim).any(|t| if strong { strong_match(t, etag) } else { weak(t) == weak(etag) })
}

fn weak(tag: &str) -> &str {
    tag.strip_prefix("W/").unwrap_or(tag)
}

fn strong_match(a: &str, b: &str) -> bool {
    !a.starts_with("W/") && !b.starts_with("W/") && a == b
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::Area;

    #[test]
    fn ranges_as_rfc_9110_reads_them() {
        assert_eq!(parse_range("bytes=0-99", 1000), Some(Ok(0..100)));
        assert_eq!(parse_range("bytes=100-199", 1000), Some(Ok(100..200)));
        assert_eq!(parse_range("bytes=900-", 1000), Some(Ok(900..1000)));
        assert_eq!(parse_range("bytes=-100", 1000), Some(Ok(900..1000)));
        assert_eq!(parse_range("bytes=-5000", 1000), Some(Ok(0..1000)), "a suffix longer than the file");
        assert_eq!(parse_range("bytes=990-5000", 1000), Some(Ok(990..1000)), "a last byte past the end");
        assert_eq!(parse_range("bytes=1000-", 1000), Some(Err(())));
        assert_eq!(parse_range("bytes=1000-1001", 1000), Some(Err(())));
        assert_eq!(parse_range("bytes=-0", 1000), Some(Err(())));
        assert_eq!(parse_range("bytes=0-", 0), Some(Err(())));
        for ignored in ["bytes=5-1", "bytes=0-1,5-9", "lines=1-2", "bytes=a-b", "bytes=-", "bytes 0-1", "bytes=+1-2"] {
            assert_eq!(parse_range(ignored, 1000), None, "{ignored}");
        }
    }

    #[test]
    fn entity_tags_compare_weakly_or_strongly() {
        assert!(matches_any("\"a\", \"b\"", "\"b\"", true));
        assert!(matches_any("*", "\"b\"", true));
        assert!(!matches_any("W/\"b\"", "\"b\"", true));
        assert!(matches_any("W/\"b\"", "\"b\"", false));
        assert!(!matches_any("\"c\"", "\"b\"", false));
    }

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        pairs.iter().map(|(k, v)| (k.clone(), HeaderValue::from_str(v).unwrap())).collect()
    }

    async fn bytes(r: Response) -> Vec<u8> {
        axum::body::to_bytes(r.into_body(), usize::MAX).await.unwrap().to_vec()
    }

    #[tokio::test]
    async fn a_stored_file_is_served_with_ranges_and_validators() {
        let root = std::env::temp_dir().join(format!("tremplin-serve-{}", uuid::Uuid::new_v4().simple()));
        let storage = Storage::local(&root);
        let key = Key::new(Area::Library, "0a1b2c").unwrap();
        let data: Vec<u8> = (0..100_000u32).map(|i| (i % 253) as u8).collect();
        storage.put_bytes(&key, data.clone().into()).await.unwrap();
        let how = Serve { content_type: "video/mp4", cache_control: "public, max-age=60", disposition: None };
        let get = |h: HeaderMap| {
            let storage = &storage;
            let key = &key;
            async move { serve(storage, key, &Method::GET, &h, how).await.unwrap() }
        };

        let whole = get(HeaderMap::new()).await;
        assert_eq!(whole.status(), 200);
        let etag = whole.headers()[header::ETAG].to_str().unwrap().to_owned();
        let modified = whole.headers()[header::LAST_MODIFIED].to_str().unwrap().to_owned();
        assert_eq!(whole.headers()[header::CONTENT_LENGTH], "100000");
        assert_eq!(whole.headers()[header::ACCEPT_RANGES], "bytes");
        assert_eq!(whole.headers()[header::CONTENT_TYPE], "video/mp4");
        assert_eq!(bytes(whole).await, data);

        let part = get(headers(&[(header::RANGE, "bytes=70000-")])).await;
        assert_eq!(part.status(), 206);
        assert_eq!(part.headers()[header::CONTENT_RANGE], "bytes 70000-99999/100000");
        assert_eq!(part.headers()[header::CONTENT_LENGTH], "30000");
        assert_eq!(bytes(part).await, &data[70_000..]);

        let past = get(headers(&[(header::RANGE, "bytes=100000-")])).await;
        assert_eq!(past.status(), 416);
        assert_eq!(past.headers()[header::CONTENT_RANGE], "bytes */100000");

        assert_eq!(get(headers(&[(header::IF_NONE_MATCH, &etag)])).await.status(), 304);
        assert_eq!(get(headers(&[(header::IF_MODIFIED_SINCE, &modified)])).await.status(), 304);
        assert_eq!(get(headers(&[(header::IF_MATCH, "\"other\"")])).await.status(), 412);
        assert_eq!(get(headers(&[(header::IF_NONE_MATCH, "\"other\"")])).await.status(), 200);
        // A range from a version that is no longer there: the whole file.
        let stale = get(headers(&[(header::RANGE, "bytes=0-9"), (header::IF_RANGE, "\"old\"")])).await;
        assert_eq!(stale.status(), 200);
        let same = get(headers(&[(header::RANGE, "bytes=0-9"), (header::IF_RANGE, &etag)])).await;
        assert_eq!((same.status(), bytes(same).await), (StatusCode::PARTIAL_CONTENT, data[..10].to_vec()));

        let head = serve(&storage, &key, &Method::HEAD, &HeaderMap::new(), how).await.unwrap();
        assert_eq!(
            (head.status(), head.headers()[header::CONTENT_LENGTH].clone()),
            (StatusCode::OK, "100000".parse().unwrap())
        );
        assert!(bytes(head).await.is_empty());

        storage.delete(&key).await.unwrap();
        assert!(matches!(serve(&storage, &key, &Method::GET, &HeaderMap::new(), how).await, Err(AppError::NotFound)));
        std::fs::remove_dir_all(root).unwrap();
    }
}
