//! The rules of the tus 1.0.0 resumable upload protocol (<https://tus.io/protocols/resumable-upload>):
//! core, creation, expiration, checksum and termination. A video of an exercise filmed on a
//! phone is sent in pieces; when the connection drops, the phone asks how much arrived
//! (`HEAD`) and sends the rest from there (`PATCH`), so nothing already sent is sent twice.
//!
//! This module holds what the protocol decides: which headers are valid, whether a piece may
//! be appended at an offset, when an upload expires, whether a piece matches its checksum.
//! The web layer reads the headers and the body, stores the bytes and the `Upload` state, and
//! answers with the status each error gives. Header values are passed as `&str`; a header
//! that is absent is passed as `""`, which every parser refuses where the header is required.
//! `OPTIONS` needs no `Tus-Resumable` header; every other request goes through `check_version`.

use std::collections::BTreeMap;
use std::time::Duration;

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::Digest;

/// The only protocol version spoken, sent in `Tus-Resumable` and `Tus-Version`.
pub const TUS_VERSION: &str = "1.0.0";
/// Sent in `Tus-Extension`. Termination (`DELETE` → 204) needs no rule of its own.
pub const TUS_EXTENSIONS: &str = "creation,expiration,checksum,termination";
/// Sent in `Tus-Checksum-Algorithm`: exactly the algorithms `ChecksumAlgorithm` computes.
pub const TUS_CHECKSUM_ALGORITHMS: &str = "sha1,sha256";
/// The only content type a `PATCH` may carry.
pub const OFFSET_OCTET_STREAM: &str = "application/offset+octet-stream";
/// Longest `Upload-Metadata` header accepted: a file name and type need far less, and a
/// header is held in memory whole.
pub const MAX_METADATA_BYTES: usize = 4096;

/// Header names, as the protocol spells them.
pub mod header {
    pub const TUS_RESUMABLE: &str = "Tus-Resumable";
    pub const TUS_VERSION: &str = "Tus-Version";
    pub const TUS_EXTENSION: &str = "Tus-Extension";
    pub const TUS_MAX_SIZE: &str = "Tus-Max-Size";
    pub const TUS_CHECKSUM_ALGORITHM: &str = "Tus-Checksum-Algorithm";
    pub const UPLOAD_LENGTH: &str = "Upload-Length";
    pub const UPLOAD_OFFSET: &str = "Upload-Offset";
    pub const UPLOAD_METADATA: &str = "Upload-Metadata";
    pub const UPLOAD_CHECKSUM: &str = "Upload-Checksum";
    pub const UPLOAD_EXPIRES: &str = "Upload-Expires";
}

/// Why a request is refused. `status` is the HTTP status the protocol prescribes.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TusError {
    #[error("Tus-Resumable is missing or not {TUS_VERSION}")]
    UnsupportedVersion,
    #[error("Upload-Length is missing or not a non-negative integer")]
    BadLength,
    #[error("the upload's length {length} is above the maximum of {max} bytes")]
    TooLarge { length: u64, max: u64 },
    #[error("Upload-Offset is missing or not a non-negative integer")]
    BadOffset,
    #[error("the upload is at offset {expected}, not {given}")]
    OffsetMismatch { expected: u64, given: u64 },
    #[error("Upload-Metadata is malformed")]
    BadMetadata,
    #[error("Upload-Checksum is malformed")]
    BadChecksum,
    #[error("checksum algorithm {0:?} is not supported")]
    UnsupportedChecksum(String),
    #[error("the data does not match its checksum")]
    ChecksumMismatch,
    #[error("a PATCH must have the content type {OFFSET_OCTET_STREAM}")]
    ContentType,
    #[error("the upload has expired")]
    Expired,
    #[error("the upload is already complete")]
    Complete,
    #[error("the data goes {excess} bytes past the upload's length")]
    PastEnd { excess: u64 },
}

impl TusError {
    /// The HTTP status of the answer. An already complete upload answers 409 like a wrong
    /// offset: a client (tus-js-client among others) retries after a 409 by asking the offset
    /// with `HEAD`, finds the upload complete and reports success, whereas another 4xx would
    /// show a failure for a file that has fully arrived.
    pub fn status(&self) -> u16 {
        match self {
            TusError::UnsupportedVersion => 412,
            TusError::BadLength
            | TusError::BadOffset
            | TusError::BadMetadata
            | TusError::BadChecksum
            | TusError::UnsupportedChecksum(_) => 400,
            TusError::TooLarge { .. } | TusError::PastEnd { .. } => 413,
            TusError::OffsetMismatch { .. } | TusError::Complete => 409,
            TusError::ChecksumMismatch => 460,
            TusError::ContentType => 415,
            TusError::Expired => 410,
        }
    }

    pub fn message_key(&self) -> &'static str {
        match self {
            TusError::UnsupportedVersion => "error.upload.tus_version",
            TusError::BadLength => "error.upload.bad_length",
            TusError::TooLarge { .. } => "error.upload.too_large",
            TusError::BadOffset => "error.upload.bad_offset",
            TusError::OffsetMismatch { .. } => "error.upload.offset_mismatch",
            TusError::BadMetadata => "error.upload.bad_metadata",
            TusError::BadChecksum => "error.upload.bad_checksum",
            TusError::UnsupportedChecksum(_) => "error.upload.checksum_algorithm",
            TusError::ChecksumMismatch => "error.upload.checksum_mismatch",
            TusError::ContentType => "error.upload.content_type",
            TusError::Expired => "error.upload.expired",
            TusError::Complete => "error.upload.complete",
            TusError::PastEnd { .. } => "error.upload.past_end",
        }
    }

    /// Values for the placeholders of the message (`{offset}` for a wrong offset).
    pub fn message_args(&self) -> Vec<(&'static str, String)> {
        match self {
            TusError::OffsetMismatch { expected, .. } => vec![("offset", expected.to_string())],
            _ => vec![],
        }
    }
}

/// Headers of the answer to `OPTIONS`: what this server speaks and accepts.
pub fn options_headers(max_size: u64) -> [(&'static str, String); 5] {
    [
        (header::TUS_RESUMABLE, TUS_VERSION.into()),
        (header::TUS_VERSION, TUS_VERSION.into()),
        (header::TUS_EXTENSION, TUS_EXTENSIONS.into()),
        (header::TUS_MAX_SIZE, max_size.to_string()),
        (header::TUS_CHECKSUM_ALGORITHM, TUS_CHECKSUM_ALGORITHMS.into()),
    ]
}

/// `Tus-Resumable` must name the version spoken here; otherwise 412, and the answer carries
/// `Tus-Version` so the client can tell what is spoken.
pub fn check_version(tus_resumable: &str) -> Result<(), TusError> {
    if tus_resumable.trim() == TUS_VERSION {
        Ok(())
    } else {
        Err(TusError::UnsupportedVersion)
    }
}

/// A non-negative integer in decimal digits only: no sign, no spaces inside, no exponent.
fn parse_u64(s: &str) -> Option<u64> {
    let s = s.trim();
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `Upload-Length` of a creation request, at most `max` bytes (413 above).
pub fn parse_length(upload_length: &str, max: u64) -> Result<u64, TusError> {
    let length = parse_u64(upload_length).ok_or(TusError::BadLength)?;
    if length > max {
        return Err(TusError::TooLarge { length, max });
    }
    Ok(length)
}

/// `Upload-Offset` of a `PATCH`.
pub fn parse_offset(upload_offset: &str) -> Result<u64, TusError> {
    parse_u64(upload_offset).ok_or(TusError::BadOffset)
}

/// Standard base64; padding optional when decoding (some clients leave it out), written
/// when encoding.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// A metadata key: non-empty, printable ASCII without space or comma.
fn valid_key(key: &str) -> bool {
    !key.is_empty() && key.bytes().all(|b| b.is_ascii_graphic() && b != b',')
}

/// `Upload-Metadata`: what the client says about the file, as text. Keys are unique and
/// valid by construction. Names are the client's word: clean them
/// (`attachment::clean_name`) before showing them, and type files by their content.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "BTreeMap<String, String>", into = "BTreeMap<String, String>")]
pub struct Metadata(BTreeMap<String, String>);

impl TryFrom<BTreeMap<String, String>> for Metadata {
    type Error = TusError;

    fn try_from(map: BTreeMap<String, String>) -> Result<Metadata, TusError> {
        if map.keys().all(|k| valid_key(k)) {
            Ok(Metadata(map))
        } else {
            Err(TusError::BadMetadata)
        }
    }
}

impl From<Metadata> for BTreeMap<String, String> {
    fn from(m: Metadata) -> BTreeMap<String, String> {
        m.0
    }
}

impl Metadata {
    /// Comma-separated `key base64value` pairs; the value and its space may be left out for
    /// an empty value. An empty header is empty metadata. Values must decode to UTF-8.
    pub fn parse(upload_metadata: &str) -> Result<Metadata, TusError> {
        if upload_metadata.len() > MAX_METADATA_BYTES {
            return Err(TusError::BadMetadata);
        }
        let mut map = BTreeMap::new();
        if upload_metadata.trim().is_empty() {
            return Ok(Metadata(map));
        }
        for pair in upload_metadata.split(',') {
            let pair = pair.trim_matches([' ', '\t']);
            let (key, encoded) = pair.split_once(' ').unwrap_or((pair, ""));
            if !valid_key(key) {
                return Err(TusError::BadMetadata);
            }
            let bytes = BASE64.decode(encoded.trim_matches(' ')).map_err(|_| TusError::BadMetadata)?;
            let value = String::from_utf8(bytes).map_err(|_| TusError::BadMetadata)?;
            if map.insert(key.to_owned(), value).is_some() {
                return Err(TusError::BadMetadata);
            }
        }
        Ok(Metadata(map))
    }

    /// The header value for this metadata (keys in order; an empty value is the key alone).
    pub fn encode(&self) -> String {
        let pairs =
            self.0.iter().map(|(k, v)| if v.is_empty() { k.clone() } else { format!("{k} {}", BASE64.encode(v)) });
        pairs.collect::<Vec<_>>().join(",")
    }

    /// Adds or replaces a value; refused for an invalid key.
    pub fn insert(&mut self, key: &str, value: &str) -> Result<(), TusError> {
        if !valid_key(key) {
            return Err(TusError::BadMetadata);
        }
        self.0.insert(key.to_owned(), value.to_owned());
        Ok(())
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    /// The file name the client gives (the `filename` key that tus clients send).
    pub fn filename(&self) -> Option<&str> {
        self.get("filename")
    }

    /// The media type the client claims (the `filetype` key).
    pub fn filetype(&self) -> Option<&str> {
        self.get("filetype")
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChecksumAlgorithm {
    Sha1,
    Sha256,
}

impl ChecksumAlgorithm {
    pub const ALL: &'static [ChecksumAlgorithm] = &[ChecksumAlgorithm::Sha1, ChecksumAlgorithm::Sha256];

    /// The name in `Upload-Checksum` and `Tus-Checksum-Algorithm`.
    pub fn name(self) -> &'static str {
        match self {
            ChecksumAlgorithm::Sha1 => "sha1",
            ChecksumAlgorithm::Sha256 => "sha256",
        }
    }

    /// Names are compared without regard to case.
    pub fn parse(name: &str) -> Option<ChecksumAlgorithm> {
        ChecksumAlgorithm::ALL.iter().copied().find(|a| a.name().eq_ignore_ascii_case(name.trim()))
    }

    /// Length of a digest in bytes.
    pub fn digest_len(self) -> usize {
        match self {
            ChecksumAlgorithm::Sha1 => 20,
            ChecksumAlgorithm::Sha256 => 32,
        }
    }

    /// The digest of some bytes in one go.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        let mut h = Hasher::new(self);
        h.update(data);
        h.finish()
    }
}

#[derive(Clone)]
enum Hasher {
    Sha1(sha1::Sha1),
    Sha256(sha2::Sha256),
}

impl Hasher {
    fn new(algorithm: ChecksumAlgorithm) -> Hasher {
        match algorithm {
            ChecksumAlgorithm::Sha1 => Hasher::Sha1(sha1::Sha1::new()),
            ChecksumAlgorithm::Sha256 => Hasher::Sha256(sha2::Sha256::new()),
        }
    }

    fn update(&mut self, data: &[u8]) {
        match self {
            Hasher::Sha1(h) => h.update(data),
            Hasher::Sha256(h) => h.update(data),
        }
    }

    fn finish(self) -> Vec<u8> {
        match self {
            Hasher::Sha1(h) => h.finalize().to_vec(),
            Hasher::Sha256(h) => h.finalize().to_vec(),
        }
    }
}

/// `Upload-Checksum`: the digest the client computed for the body of one `PATCH`.
/// The digest always has its algorithm's length.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadChecksum {
    algorithm: ChecksumAlgorithm,
    digest: Vec<u8>,
}

impl UploadChecksum {
    /// `algorithm base64digest`. An unknown algorithm is told apart from a malformed header
    /// (both 400) so the client can learn which algorithms to use from `OPTIONS`.
    pub fn parse(upload_checksum: &str) -> Result<UploadChecksum, TusError> {
        let (name, encoded) = upload_checksum.trim().split_once(' ').ok_or(TusError::BadChecksum)?;
        if name.is_empty() {
            return Err(TusError::BadChecksum);
        }
        let algorithm = ChecksumAlgorithm::parse(name).ok_or_else(|| TusError::UnsupportedChecksum(name.into()))?;
        let digest = BASE64.decode(encoded.trim()).map_err(|_| TusError::BadChecksum)?;
        if digest.len() != algorithm.digest_len() {
            return Err(TusError::BadChecksum);
        }
        Ok(UploadChecksum { algorithm, digest })
    }

    /// The checksum of some bytes, as a client would send it.
    pub fn of(algorithm: ChecksumAlgorithm, data: &[u8]) -> UploadChecksum {
        UploadChecksum { algorithm, digest: algorithm.digest(data) }
    }

    /// The header value.
    pub fn encode(&self) -> String {
        format!("{} {}", self.algorithm.name(), BASE64.encode(&self.digest))
    }

    pub fn algorithm(&self) -> ChecksumAlgorithm {
        self.algorithm
    }

    pub fn digest(&self) -> &[u8] {
        &self.digest
    }
}

/// Checks the body of a `PATCH` against its `Upload-Checksum` as the body streams in, so
/// the server never holds a whole piece in memory. On a mismatch (460) the server must
/// discard the piece: the offset does not move.
#[derive(Clone)]
pub struct Checksum {
    expected: UploadChecksum,
    hasher: Hasher,
}

impl Checksum {
    pub fn new(expected: UploadChecksum) -> Checksum {
        Checksum { hasher: Hasher::new(expected.algorithm), expected }
    }

    /// Feeds the next bytes of the body.
    pub fn update(&mut self, chunk: &[u8]) {
        self.hasher.update(chunk);
    }

    /// Once the whole body is read: does it match?
    pub fn verify(self) -> Result<(), TusError> {
        if self.hasher.finish() == self.expected.digest {
            Ok(())
        } else {
            Err(TusError::ChecksumMismatch)
        }
    }
}

/// When an unfinished upload expires: `ttl` after its last activity (creation or the last
/// accepted `PATCH`), so a participant whose connection comes and goes keeps her upload as
/// long as she keeps sending.
pub fn expires_at(last_activity: Timestamp, ttl: Duration) -> Timestamp {
    last_activity.saturating_add(ttl).unwrap_or(Timestamp::MAX)
}

/// An instant in the HTTP date format of `Upload-Expires`: "Wed, 25 Jun 2014 16:00:00 GMT".
pub fn http_date(t: Timestamp) -> String {
    t.strftime("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// The state of one upload. The offset never passes the length.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "UploadState")]
pub struct Upload {
    length: u64,
    offset: u64,
    created_at: Timestamp,
    expires_at: Timestamp,
}

/// `Upload` as stored, checked when read back.
#[derive(Deserialize)]
struct UploadState {
    length: u64,
    offset: u64,
    created_at: Timestamp,
    expires_at: Timestamp,
}

impl TryFrom<UploadState> for Upload {
    type Error = &'static str;

    fn try_from(s: UploadState) -> Result<Upload, &'static str> {
        Upload::restore(s.length, s.offset, s.created_at, s.expires_at).ok_or("upload offset past its length")
    }
}

impl Upload {
    /// A new, empty upload of `length` bytes (already checked by `parse_length`).
    pub fn new(length: u64, now: Timestamp, ttl: Duration) -> Upload {
        Upload { length, offset: 0, created_at: now, expires_at: expires_at(now, ttl) }
    }

    /// An upload read back from storage; `None` if its offset is past its length.
    pub fn restore(length: u64, offset: u64, created_at: Timestamp, expires_at: Timestamp) -> Option<Upload> {
        (offset <= length).then_some(Upload { length, offset, created_at, expires_at })
    }

    pub fn length(&self) -> u64 {
        self.length
    }

    /// Bytes received so far: the `Upload-Offset` of `HEAD` and `PATCH` answers.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    pub fn created_at(&self) -> Timestamp {
        self.created_at
    }

    pub fn expires_at(&self) -> Timestamp {
        self.expires_at
    }

    pub fn remaining(&self) -> u64 {
        self.length - self.offset
    }

    pub fn is_complete(&self) -> bool {
        self.offset == self.length
    }

    /// Only unfinished uploads expire; a complete one belongs to whatever it was sent for.
    pub fn is_expired(&self, now: Timestamp) -> bool {
        !self.is_complete() && now >= self.expires_at
    }

    /// The `Upload-Expires` header, for an unfinished upload.
    pub fn expires_header(&self) -> Option<String> {
        (!self.is_complete()).then(|| http_date(self.expires_at))
    }

    /// `HEAD`: the offset may be told unless the upload has expired (410).
    pub fn check_head(&self, now: Timestamp) -> Result<(), TusError> {
        if self.is_expired(now) {
            Err(TusError::Expired)
        } else {
            Ok(())
        }
    }

    /// `PATCH` with `Upload-Offset` (parsed by `parse_offset`) and `Content-Type`: may it be
    /// appended? Checked in this order: content type (415), expiry (410), offset (409),
    /// completeness (409). Gives how many bytes the body may carry at most; the web layer
    /// reads no more than that and calls `append` with what it received.
    pub fn check_patch(&self, header_offset: u64, content_type: &str, now: Timestamp) -> Result<u64, TusError> {
        let media_type = content_type.split(';').next().unwrap_or("").trim();
        if !media_type.eq_ignore_ascii_case(OFFSET_OCTET_STREAM) {
            return Err(TusError::ContentType);
        }
        self.check_head(now)?;
        if header_offset != self.offset {
            return Err(TusError::OffsetMismatch { expected: self.offset, given: header_offset });
        }
        if self.is_complete() {
            return Err(TusError::Complete);
        }
        Ok(self.remaining())
    }

    /// Records `received` more bytes and gives the new offset. Refused, and nothing changes,
    /// if they would go past the length: the piece must then be discarded whole.
    pub fn append(&mut self, received: u64) -> Result<u64, TusError> {
        if received > self.remaining() {
            return Err(TusError::PastEnd { excess: received - self.remaining() });
        }
        self.offset += received;
        Ok(self.offset)
    }

    /// After accepted activity: the upload lives `ttl` longer from `now`.
    pub fn renew(&mut self, now: Timestamp, ttl: Duration) {
        self.expires_at = expires_at(now, ttl);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const DAY: Duration = Duration::from_secs(24 * 3600);

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_second(secs).unwrap()
    }

    #[test]
    fn the_version_must_be_1_0_0() {
        assert_eq!(check_version("1.0.0"), Ok(()));
        assert_eq!(check_version(" 1.0.0 "), Ok(()));
        for bad in ["", "0.2.2", "1.0", "1.0.0,0.2.2"] {
            let e = check_version(bad).unwrap_err();
            assert_eq!((e.status(), e.message_key()), (412, "error.upload.tus_version"));
        }
    }

    #[test]
    fn lengths_are_plain_integers_within_the_maximum() {
        assert_eq!(parse_length("0", 100), Ok(0));
        assert_eq!(parse_length("100", 100), Ok(100));
        assert_eq!(parse_length(" 42 ", 100), Ok(42));
        let e = parse_length("101", 100).unwrap_err();
        assert_eq!((e.status(), e.message_key()), (413, "error.upload.too_large"));
        for bad in ["", "-1", "+5", "1e3", "4 2", "0x10", "12.0", "99999999999999999999999"] {
            assert_eq!(parse_length(bad, u64::MAX), Err(TusError::BadLength), "{bad:?}");
        }
        assert_eq!(TusError::BadLength.status(), 400);
    }

    #[test]
    fn offsets_are_plain_integers() {
        assert_eq!(parse_offset("0"), Ok(0));
        assert_eq!(parse_offset("18446744073709551615"), Ok(u64::MAX));
        for bad in ["", "-0", "+1", "abc", "1 2", "18446744073709551616"] {
            assert_eq!(parse_offset(bad), Err(TusError::BadOffset), "{bad:?}");
        }
    }

    #[test]
    fn metadata_is_read_as_the_protocol_says() {
        // The protocol's own example.
        let m = Metadata::parse("filename d29ybGRfZG9taW5hdGlvbl9wbGFuLnBkZg==,is_confidential").unwrap();
        assert_eq!(m.filename(), Some("world_domination_plan.pdf"));
        assert_eq!(m.get("is_confidential"), Some(""));
        assert_eq!(m.filetype(), None);
        let m = Metadata::parse("filename w6l0w6kubXA0, filetype dmlkZW8vbXA0").unwrap();
        assert_eq!((m.filename(), m.filetype()), (Some("été.mp4"), Some("video/mp4")));
        assert_eq!(Metadata::parse("filename w6l0w6kubXA0").unwrap().filename(), Some("été.mp4"), "no padding");
        assert!(Metadata::parse("").unwrap().is_empty());
        for bad in [
            ",",
            "a YQ==,",
            "a YQ==,a Yg==",
            "a\tb YQ==",
            "clé YQ==",
            "a !!!",
            "a YQ== Yg==",
            "a /w==", // 0xFF is not UTF-8
        ] {
            let e = Metadata::parse(bad).unwrap_err();
            assert_eq!((e.status(), e.message_key()), (400, "error.upload.bad_metadata"), "{bad:?}");
        }
        let long = format!("a {}", "A".repeat(MAX_METADATA_BYTES));
        assert_eq!(Metadata::parse(&long), Err(TusError::BadMetadata));
        let mut m = Metadata::default();
        assert_eq!(m.insert("bad key", "x"), Err(TusError::BadMetadata));
        m.insert("filename", "a.pdf").unwrap();
        m.insert("empty", "").unwrap();
        assert_eq!(m.encode(), "empty,filename YS5wZGY=");
    }

    #[test]
    fn metadata_keeps_its_invariants_through_serde() {
        let m = Metadata::parse("filename YS5wZGY=").unwrap();
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, r#"{"filename":"a.pdf"}"#);
        assert_eq!(serde_json::from_str::<Metadata>(&json).unwrap(), m);
        assert!(serde_json::from_str::<Metadata>(r#"{"a,b":"x"}"#).is_err());
    }

    #[test]
    fn checksums_are_parsed_and_verified() {
        // sha1("hello") = aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d
        let c = UploadChecksum::parse("sha1 qvTGHdzF6KLavt4PO0gs2a6pQ00=").unwrap();
        assert_eq!(c.algorithm(), ChecksumAlgorithm::Sha1);
        assert_eq!(c, UploadChecksum::of(ChecksumAlgorithm::Sha1, b"hello"));
        assert_eq!(UploadChecksum::parse(&c.encode()).unwrap(), c);
        let mut v = Checksum::new(c.clone());
        v.update(b"he");
        v.update(b"");
        v.update(b"llo");
        assert_eq!(v.verify(), Ok(()));
        let mut v = Checksum::new(c);
        v.update(b"hellO");
        let e = v.verify().unwrap_err();
        assert_eq!((e.status(), e.message_key()), (460, "error.upload.checksum_mismatch"));

        let sha256 = UploadChecksum::of(ChecksumAlgorithm::Sha256, b"");
        assert_eq!(sha256.encode(), "sha256 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
        assert!(UploadChecksum::parse("SHA256 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU").is_ok());

        let e = UploadChecksum::parse("md5 XUFAKrxLKna5cZ2REBfFkg==").unwrap_err();
        assert_eq!(e, TusError::UnsupportedChecksum("md5".into()));
        assert_eq!((e.status(), e.message_key()), (400, "error.upload.checksum_algorithm"));
        for bad in
            ["", "sha1", "sha1 ", " qvTGHdzF6KLavt4PO0gs2a6pQ00=", "sha1 !!!!", "sha1 qvTGHdzF6KLavt4PO0gs2a6pQ00=="]
        {
            assert_eq!(UploadChecksum::parse(bad), Err(TusError::BadChecksum), "{bad:?}");
        }
        // A digest of the wrong length for its algorithm.
        assert_eq!(UploadChecksum::parse("sha256 qvTGHdzF6KLavt4PO0gs2a6pQ00="), Err(TusError::BadChecksum));
    }

    #[test]
    fn options_advertise_what_is_implemented() {
        let h = options_headers(20 * 1024 * 1024);
        assert!(h.contains(&("Tus-Max-Size", "20971520".into())));
        let advertised: Vec<&str> = TUS_CHECKSUM_ALGORITHMS.split(',').collect();
        let implemented: Vec<&str> = ChecksumAlgorithm::ALL.iter().map(|a| a.name()).collect();
        assert_eq!(advertised, implemented);
    }

    #[test]
    fn patches_are_checked_in_order() {
        let mut u = Upload::new(10, at(1_000), DAY);
        let now = at(2_000);
        let ct = OFFSET_OCTET_STREAM;
        assert_eq!(u.check_patch(0, ct, now), Ok(10));
        assert_eq!(u.check_patch(0, "Application/Offset+Octet-Stream; charset=x", now), Ok(10));
        for bad in ["", "application/octet-stream", "multipart/form-data"] {
            let e = u.check_patch(0, bad, now).unwrap_err();
            assert_eq!((e.status(), e.message_key()), (415, "error.upload.content_type"));
        }
        let e = u.check_patch(3, ct, now).unwrap_err();
        assert_eq!(e, TusError::OffsetMismatch { expected: 0, given: 3 });
        assert_eq!((e.status(), e.message_args()), (409, vec![("offset", "0".to_string())]));
        assert_eq!(u.append(4), Ok(4));
        assert_eq!(u.check_patch(4, ct, now), Ok(6));
        assert_eq!(u.append(7), Err(TusError::PastEnd { excess: 1 }));
        assert_eq!(u.offset(), 4, "a refused piece changes nothing");
        assert_eq!(TusError::PastEnd { excess: 1 }.status(), 413);
        assert_eq!(u.append(6), Ok(10));
        let e = u.check_patch(10, ct, now).unwrap_err();
        assert_eq!((e.status(), e), (409, TusError::Complete));
    }

    #[test]
    fn unfinished_uploads_expire_after_their_last_activity() {
        let created = at(1_403_712_000 - DAY.as_secs() as i64);
        let mut u = Upload::new(10, created, DAY);
        assert_eq!(u.expires_at(), at(1_403_712_000));
        assert_eq!(u.expires_header().as_deref(), Some("Wed, 25 Jun 2014 16:00:00 GMT"));
        let late = at(1_403_712_000);
        assert_eq!(u.check_head(at(1_403_711_999)), Ok(()));
        let e = u.check_head(late).unwrap_err();
        assert_eq!((e.status(), e.message_key()), (410, "error.upload.expired"));
        assert_eq!(u.check_patch(0, OFFSET_OCTET_STREAM, late), Err(TusError::Expired));
        u.renew(at(1_403_711_000), DAY);
        assert_eq!(u.check_head(late), Ok(()));
        assert_eq!(u.created_at(), created);
        u.append(10).unwrap();
        assert!(!u.is_expired(at(i64::from(i32::MAX))) && u.expires_header().is_none());
        assert_eq!(expires_at(Timestamp::MAX, DAY), Timestamp::MAX);
    }

    #[test]
    fn stored_uploads_are_checked_when_read_back() {
        let u = Upload::new(10, at(0), DAY);
        let json = serde_json::to_string(&u).unwrap();
        assert_eq!(serde_json::from_str::<Upload>(&json).unwrap(), u);
        let bad = json.replace("\"offset\":0", "\"offset\":11");
        assert!(serde_json::from_str::<Upload>(&bad).is_err());
        assert!(Upload::restore(10, 11, at(0), at(1)).is_none());
        assert_eq!(Upload::restore(10, 10, at(0), at(1)).map(|u| u.is_complete()), Some(true));
    }

    proptest! {
        #[test]
        fn metadata_round_trips(map in proptest::collection::btree_map("[!-+\\--~]{1,12}", ".{0,40}", 0..6)) {
            let m = Metadata::try_from(map.clone()).unwrap();
            let parsed = Metadata::parse(&m.encode()).unwrap();
            prop_assert_eq!(BTreeMap::from(parsed), map);
        }

        #[test]
        fn any_split_of_chunks_reaches_exactly_the_length(
            length in 0u64..5_000,
            cuts in proptest::collection::vec(0u64..5_000, 0..12),
            wrong in proptest::collection::vec(any::<u64>(), 12),
        ) {
            let mut cuts: Vec<u64> = cuts.into_iter().map(|c| c % (length + 1)).collect();
            cuts.push(length);
            cuts.sort_unstable();
            let now = at(1_000);
            let mut u = Upload::new(length, now, DAY);
            let mut previous = 0;
            for (i, &cut) in cuts.iter().enumerate() {
                let offset = u.offset();
                prop_assert_eq!(offset, previous);
                let other = wrong[i % wrong.len()];
                if other != offset {
                    prop_assert_eq!(
                        u.check_patch(other, OFFSET_OCTET_STREAM, now),
                        Err(TusError::OffsetMismatch { expected: offset, given: other })
                    );
                }
                if u.is_complete() {
                    prop_assert_eq!(u.check_patch(offset, OFFSET_OCTET_STREAM, now), Err(TusError::Complete));
                } else {
                    prop_assert_eq!(u.check_patch(offset, OFFSET_OCTET_STREAM, now), Ok(length - offset));
                }
                prop_assert!(u.append(u.remaining() + 1).is_err());
                prop_assert_eq!(u.append(cut - previous), Ok(cut));
                previous = cut;
            }
            prop_assert_eq!(u.offset(), length);
            prop_assert!(u.is_complete());
            prop_assert!(u.append(1).is_err());
        }
    }
}
