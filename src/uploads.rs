//! Resumable uploads (tus 1.0.0, rules in `domain::tus`, choices in `domain::upload`): a
//! large file — an exercise video filmed on a phone — sent in pieces over a connection that
//! comes and goes. When it drops, the client asks how much arrived (`HEAD`) and sends the
//! rest from there (`PATCH`).
//!
//! The bytes received so far are in `DATA_DIR/uploads/<id>.part`. Two promises hold:
//! - **every byte that arrived is kept**, even when the connection drops in the middle of a
//!   piece: what was read is flushed and counted, so the client resumes right after it;
//! - **the recorded offset never passes the bytes on disk**: a piece is written, flushed
//!   (fsync), and only then is the new offset written to the database. After a crash the
//!   file may hold more than the offset says (those bytes are cut off at the next piece),
//!   never less.
//!
//! Once the offset reaches the length, the type is recognised from the content, the file is
//! moved into the storage (`crate::storage`, `uploads/<id>`: renamed `DATA_DIR/uploads/<id>`
//! in the default local directory, uploaded to the bucket when one is configured) and the
//! row marked complete: the rest of the application refers to the file by its id and reads
//! it with `open_completed`. Unfinished uploads expire (`domain::upload::TTL` after the last
//! piece) and `sweep` removes them, rows and files.
//!
//! One request at a time works on an upload (`Busy`). A new `HEAD`, `PATCH` or `DELETE`
//! from the owner asks the request in progress to stop: a phone that lost its connection
//! leaves a request hanging on the server, and when it comes back its `HEAD` must see every
//! byte that request received. The turn is kept in this process: several nodes sharing one
//! database need requests of one upload routed to the same node (the part files are on its
//! disk anyway).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, Method};
use axum::response::Response;
use futures_util::{Stream, StreamExt};
use jiff::Timestamp;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncSeekExt, AsyncWriteExt, BufWriter};
use tokio::sync::watch;

use crate::app::App;
use crate::domain::attachment::{self, clean_name, sniff, SNIFF_BYTES};
use crate::domain::tus::{self, Checksum, Metadata, TusError, Upload, UploadChecksum};
use crate::domain::upload::{Purpose, MAX_CHUNK_BYTES, TTL};
use crate::error::{AppError, AppResult};
use crate::storage::{self, Area, Key, Serve};
use crate::store::accounts::UserRow;
use crate::store::uploads::{self as store, UploadRow};

/// A piece whose connection stays silent this long is treated as interrupted: what arrived
/// is kept and counted, and the upload is free for the client's next attempt.
const IDLE: Duration = Duration::from_secs(60);
/// When another request takes an upload over, the piece in progress still reads what has
/// already arrived: until the body pauses this long...
const DRAIN_GAP: Duration = Duration::from_millis(100);
/// ...and for this long at most (a client still sending on the old connection would
/// otherwise keep the new request waiting).
const DRAIN_MAX: Duration = Duration::from_secs(1);
/// How often the background sweep runs.
const SWEEP_EVERY: Duration = Duration::from_secs(10 * 60);
/// A part file without a row is removed only after this long: the row of a new upload is
/// written just after its file.
const ORPHAN_AGE: Duration = Duration::from_secs(3600);
/// Writes go through a buffer of this size: a few system calls per megabyte.
const WRITE_BUFFER: usize = 256 * 1024;

fn dir(app: &App) -> PathBuf {
    app.cfg.data_dir.join("uploads")
}

fn part_path(app: &App, id: &str) -> PathBuf {
    dir(app).join(format!("{id}.part"))
}

/// Where a finished upload's bytes are stored (`uploads/<id>`); ids are checked hex tokens.
pub fn key_of(id: &str) -> Option<Key> {
    attachment::is_id(id).then(|| Key::new(Area::Uploads, id)).flatten()
}

fn internal(e: impl Into<anyhow::Error>) -> AppError {
    AppError::Internal(e.into())
}

fn unix(t: Timestamp) -> i64 {
    t.as_second()
}

/// The largest upload this server accepts (`Tus-Max-Size`).
pub fn max_size(app: &App) -> u64 {
    Purpose::ALL.iter().map(|p| p.max_bytes(app.cfg.upload_max_bytes)).max().unwrap_or(0)
}

/// Creation (`POST`): a new, empty upload of `upload_length` bytes for the signed-in person.
/// The metadata must say what the file is for (`purpose`); its name and type are kept as
/// the client's word.
pub async fn create(app: &App, user: &UserRow, upload_length: &str, upload_metadata: &str) -> AppResult<UploadRow> {
    let metadata = Metadata::parse(upload_metadata)?;
    let purpose = metadata
        .get("purpose")
        .and_then(Purpose::parse)
        .ok_or_else(|| AppError::field("purpose", "error.upload.purpose"))?;
    let length = tus::parse_length(upload_length, purpose.max_bytes(app.cfg.upload_max_bytes))?;
    if length == 0 {
        return Err(AppError::field("file", "error.answer.empty_file"));
    }
    let now = Timestamp::now();
    let state = Upload::new(length, now, TTL);
    let row = UploadRow {
        id: uuid::Uuid::new_v4().simple().to_string(),
        user_id: user.id,
        purpose: purpose.code().to_owned(),
        upload_length: length as i64,
        upload_offset: 0,
        max_bytes: purpose.max_bytes(app.cfg.upload_max_bytes) as i64,
        metadata: serde_json::to_string(&metadata).map_err(internal)?,
        filename: clean_name(metadata.filename().unwrap_or("")),
        filetype: metadata.filetype().unwrap_or("").chars().take(100).collect(),
        detected_type: None,
        sha256: None,
        created_at: unix(now),
        updated_at: unix(now),
        expires_at: unix(state.expires_at()),
        completed_at: None,
    };
    // The (empty) file first, then the row: a crash in between leaves an orphan file that
    // the sweep removes, never a row without its file.
    tokio::fs::create_dir_all(dir(app)).await.map_err(internal)?;
    tokio::fs::File::create(part_path(app, &row.id)).await.map_err(internal)?;
    store::insert(&app.db, &row).await?;
    tracing::info!(upload = %row.id, user = user.id, length, purpose = purpose.code(), "upload created");
    Ok(row)
}

/// The upload, if it is this person's; anyone else is told it does not exist.
async fn owned(app: &App, user: &UserRow, id: &str) -> AppResult<UploadRow> {
    if !attachment::is_id(id) {
        return Err(AppError::NotFound);
    }
    store::get(&app.db, id).await?.filter(|u| u.user_id == user.id).ok_or(AppError::NotFound)
}

/// Reads an upload again once this request has its turn (it may have moved meanwhile).
async fn reload(app: &App, id: &str) -> AppResult<UploadRow> {
    store::get(&app.db, id).await?.ok_or(AppError::NotFound)
}

/// `HEAD`: where to resume. Asks a request still working on the upload to stop first, so
/// the answer counts every byte it received.
pub async fn offset(app: &App, user: &UserRow, id: &str) -> AppResult<UploadRow> {
    owned(app, user, id).await?;
    let _turn = app.uploads.take_turn(id).await;
    let row = reload(app, id).await?;
    row.upload().check_head(Timestamp::now())?;
    finish_if_complete(app, row).await
}

/// The upload as the rest of the application sees it (no turn taken: a read).
pub async fn get(app: &App, user: &UserRow, id: &str) -> AppResult<UploadRow> {
    let row = owned(app, user, id).await?;
    if !row.is_complete() {
        row.upload().check_head(Timestamp::now())?;
        return Ok(row);
    }
    if row.completed_at.is_some() {
        return Ok(row);
    }
    let _turn = app.uploads.take_turn(id).await;
    finish_if_complete(app, reload(app, id).await?).await
}

/// `DELETE` (termination): the upload and its bytes are removed.
pub async fn terminate(app: &App, user: &UserRow, id: &str) -> AppResult<()> {
    owned(app, user, id).await?;
    let _turn = app.uploads.take_turn(id).await;
    store::delete(&app.db, id).await?;
    remove_files(app, id).await;
    tracing::info!(upload = %id, "upload terminated");
    Ok(())
}

async fn remove_files(app: &App, id: &str) {
    let _ = tokio::fs::remove_file(part_path(app, id)).await;
    if let Some(key) = key_of(id) {
        if let Err(e) = app.storage.delete(&key).await {
            tracing::warn!(file = %key, error = %e, "finished upload not removed");
        }
    }
}

/// The headers of a `PATCH`, as sent (`""` when absent).
pub struct Piece<'a> {
    pub upload_offset: &'a str,
    pub content_type: &'a str,
    pub upload_checksum: Option<&'a str>,
    /// `Content-Length`, when the body has one.
    pub content_length: Option<u64>,
}

/// `PATCH`: appends the body at the upload's offset. Returns the upload as recorded after
/// this piece: its offset is the `Upload-Offset` of the answer.
pub async fn append<S, E>(app: &App, user: &UserRow, id: &str, piece: Piece<'_>, mut body: S) -> AppResult<UploadRow>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let header_offset = tus::parse_offset(piece.upload_offset)?;
    let checksum = piece.upload_checksum.map(UploadChecksum::parse).transpose()?;
    if piece.content_length.is_some_and(|n| n > MAX_CHUNK_BYTES) {
        return Err(AppError::ChunkTooLarge { max_mb: MAX_CHUNK_BYTES / (1024 * 1024) });
    }
    // Ownership before the turn: nobody else may interrupt the owner's request.
    owned(app, user, id).await?;
    let mut turn = app.uploads.take_turn(id).await;
    let row = reload(app, id).await?;
    let remaining = row.upload().check_patch(header_offset, piece.content_type, Timestamp::now())?;
    if let Some(n) = piece.content_length.filter(|n| *n > remaining) {
        return Err(TusError::PastEnd { excess: n - remaining }.into());
    }
    let kept = store_piece(app, &row, &mut body, checksum, remaining, &mut turn).await?;
    if kept == 0 {
        return Ok(row);
    }
    record(app, row, kept).await
}

/// Writes the body after the part file's recorded bytes and gives how many of them to
/// count; those are synced to disk, the others cut off.
async fn store_piece<S, E>(
    app: &App,
    row: &UploadRow,
    body: &mut S,
    checksum: Option<UploadChecksum>,
    remaining: u64,
    turn: &mut Turn,
) -> AppResult<u64>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let offset = row.upload_offset as u64;
    let mut file = open_at(app, row).await?;
    let limit = remaining.min(MAX_CHUNK_BYTES);
    let received = write_piece(&mut file, body, limit, checksum.map(Checksum::new), turn).await.map_err(internal)?;
    let kept = keep(&received, limit, remaining);
    if kept.as_ref().is_ok_and(|k| *k == received.bytes) {
        file.get_mut().sync_data().await.map_err(internal)?;
    } else {
        discard(&mut file, offset).await.map_err(internal)?;
    }
    if let (Some(why), Ok(kept)) = (&received.interrupted, &kept) {
        tracing::info!(upload = %row.id, kept, offset = offset + kept, reason = %why, "upload piece interrupted");
    }
    kept
}

/// Records `kept` more bytes, already synced to disk, and renews the upload's life; then
/// checks the type once the first bytes are in, and finishes a complete upload.
async fn record(app: &App, row: UploadRow, kept: u64) -> AppResult<UploadRow> {
    let mut state = row.upload();
    let old = state.offset();
    state.append(kept)?;
    let now = Timestamp::now();
    state.renew(now, TTL);
    if !store::advance(&app.db, &row.id, old, state.offset(), unix(state.expires_at()), unix(now)).await? {
        // Cannot happen while turns are respected; the bytes past the recorded offset are
        // cut off by the next piece.
        let current = reload(app, &row.id).await?;
        return Err(TusError::OffsetMismatch { expected: current.upload_offset as u64, given: old }.into());
    }
    let row = reload(app, &row.id).await?;
    check_type_early(app, &row, old).await?;
    finish_if_complete(app, row).await
}

/// Opens the part file for writing at the recorded offset. Bytes past it (from a crash, or
/// a piece cut short before it was counted) are cut off.
async fn open_at(app: &App, row: &UploadRow) -> AppResult<BufWriter<tokio::fs::File>> {
    let path = part_path(app, &row.id);
    let mut file =
        tokio::fs::OpenOptions::new().write(true).create(true).truncate(false).open(&path).await.map_err(internal)?;
    let on_disk = file.metadata().await.map_err(internal)?.len();
    let offset = row.upload_offset as u64;
    if on_disk < offset {
        // The bytes counted are gone (the data directory was tampered with): the upload
        // cannot be completed; the client starts again, as after an expiry.
        tracing::error!(upload = %row.id, on_disk, offset, "part file shorter than its offset; upload dropped");
        store::delete(&app.db, &row.id).await?;
        remove_files(app, &row.id).await;
        return Err(TusError::Expired.into());
    }
    file.set_len(offset).await.map_err(internal)?;
    file.seek(std::io::SeekFrom::Start(offset)).await.map_err(internal)?;
    Ok(BufWriter::with_capacity(WRITE_BUFFER, file))
}

/// Cuts the part file back to `offset`: a refused piece leaves no trace.
async fn discard(file: &mut BufWriter<tokio::fs::File>, offset: u64) -> std::io::Result<()> {
    file.flush().await?;
    let f = file.get_mut();
    f.set_len(offset).await?;
    f.sync_data().await
}

/// What arrived of one piece.
struct Received {
    /// Bytes written to the part file (flushed, not yet synced).
    bytes: u64,
    /// The body went on past the limit (the extra bytes were not written).
    too_long: bool,
    /// Why the body ended before its end, if it did.
    interrupted: Option<String>,
    /// The piece's checksum, when the client sent one: `Some(Ok)` only for a whole body
    /// that matches it.
    checksum: Option<Result<(), TusError>>,
}

/// How many received bytes to count: all of them without a checksum (a dropped connection
/// still delivered correct bytes, in order); with one, all or nothing, since a piece cut
/// short cannot be verified.
fn keep(r: &Received, limit: u64, remaining: u64) -> AppResult<u64> {
    if r.too_long {
        return Err(if limit < remaining {
            AppError::ChunkTooLarge { max_mb: MAX_CHUNK_BYTES / (1024 * 1024) }
        } else {
            TusError::PastEnd { excess: 1 }.into()
        });
    }
    match &r.checksum {
        None => Ok(r.bytes),
        Some(_) if r.interrupted.is_some() => Ok(0),
        Some(Ok(())) => Ok(r.bytes),
        Some(Err(e)) => Err(e.clone().into()),
    }
}

/// Streams the body into the file, up to `limit` bytes, until it ends, breaks, or stays
/// silent for `IDLE`. When another request wants the upload, the bytes that have already
/// reached the server are still read (until a pause of `DRAIN_GAP`, at most `DRAIN_MAX`):
/// they are on this side of the network, and the client should not send them again.
/// Everything read is flushed from the buffer (not synced: the caller decides whether to
/// keep it).
async fn write_piece<S, E>(
    file: &mut BufWriter<tokio::fs::File>,
    body: &mut S,
    limit: u64,
    mut verifier: Option<Checksum>,
    turn: &mut Turn,
) -> std::io::Result<Received>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let mut r = Received { bytes: 0, too_long: false, interrupted: None, checksum: None };
    let mut drain_until: Option<tokio::time::Instant> = None;
    loop {
        let next = match drain_until {
            None => tokio::select! {
                biased;
                _ = turn.wanted_elsewhere() => {
                    drain_until = Some(tokio::time::Instant::now() + DRAIN_MAX);
                    continue;
                }
                next = tokio::time::timeout(IDLE, body.next()) => next,
            },
            Some(until) => {
                let gap = DRAIN_GAP.min(until.saturating_duration_since(tokio::time::Instant::now()));
                tokio::time::timeout(gap, body.next()).await
            }
        };
        let chunk = match next {
            Err(_) if drain_until.is_some() => {
                r.interrupted = Some("another request took over".into());
                break;
            }
            Err(_) => {
                r.interrupted = Some(format!("no data for {} s", IDLE.as_secs()));
                break;
            }
            Ok(None) => break,
            Ok(Some(Err(e))) => {
                r.interrupted = Some(e.to_string());
                break;
            }
            Ok(Some(Ok(chunk))) => chunk,
        };
        if r.bytes + chunk.len() as u64 > limit {
            r.too_long = true;
            break;
        }
        file.write_all(&chunk).await?;
        if let Some(v) = verifier.as_mut() {
            v.update(&chunk);
        }
        r.bytes += chunk.len() as u64;
    }
    file.flush().await?;
    r.checksum = verifier.map(Checksum::verify);
    Ok(r)
}

/// Once the first bytes are in, a file of a type the purpose refuses is refused at once,
/// not after the phone has sent 100 MB.
async fn check_type_early(app: &App, row: &UploadRow, old_offset: u64) -> AppResult<()> {
    let enough = (SNIFF_BYTES as u64).min(row.upload_length as u64);
    if old_offset >= enough || (row.upload_offset as u64) < enough || row.is_complete() {
        return Ok(());
    }
    let head = read_head(&part_path(app, &row.id)).await.map_err(internal)?;
    recognised(app, row, &head).await.map(|_| ())
}

/// The file's type if the purpose accepts it; otherwise the upload is dropped and refused.
async fn recognised(app: &App, row: &UploadRow, head: &[u8]) -> AppResult<attachment::FileType> {
    let purpose = Purpose::parse(&row.purpose);
    match (sniff(head, &row.filename), purpose) {
        (Some(t), Some(p)) if p.accepts(t) => Ok(t),
        _ => {
            store::delete(&app.db, &row.id).await?;
            remove_files(app, &row.id).await;
            tracing::info!(upload = %row.id, "upload refused: type not accepted");
            Err(AppError::field("file", "error.upload.file_type"))
        }
    }
}

async fn read_head(path: &Path) -> std::io::Result<Vec<u8>> {
    use tokio::io::AsyncReadExt;
    let file = tokio::fs::File::open(path).await?;
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    file.take(SNIFF_BYTES as u64).read_to_end(&mut head).await?;
    Ok(head)
}

/// A complete upload not yet marked finished is finished now: its type is recognised, its
/// SHA-256 computed, the part file moved into the storage, then the row marked complete. Safe
/// to repeat: after a crash between the move and the row's update, the next request reads
/// the stored file back and finishes.
async fn finish_if_complete(app: &App, row: UploadRow) -> AppResult<UploadRow> {
    if !row.is_complete() || row.completed_at.is_some() {
        return Ok(row);
    }
    let part = part_path(app, &row.id);
    let key = key_of(&row.id).ok_or(AppError::NotFound)?;
    let (file_type, digest) = if tokio::fs::try_exists(&part).await.map_err(internal)? {
        let head = read_head(&part).await.map_err(internal)?;
        let file_type = recognised(app, &row, &head).await?;
        let digest = sha256_of(part.clone()).await.map_err(internal)?;
        app.storage.put_file(&key, &part).await.map_err(internal)?;
        (file_type, digest)
    } else {
        let (_, mut bytes) = app.storage.open(&key).await.map_err(internal)?;
        let mut hasher = Sha256::new();
        let mut head = Vec::with_capacity(SNIFF_BYTES);
        while let Some(chunk) = bytes.next().await {
            let chunk = chunk.map_err(internal)?;
            let take = (SNIFF_BYTES - head.len()).min(chunk.len());
            head.extend_from_slice(&chunk[..take]);
            hasher.update(&chunk);
        }
        let file_type = recognised(app, &row, &head).await?;
        (file_type, hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
    };
    store::finish(&app.db, &row.id, file_type.code(), &digest, unix(Timestamp::now())).await?;
    tracing::info!(upload = %row.id, size = row.upload_length, file_type = file_type.code(), "upload complete");
    reload(app, &row.id).await
}

/// A finished upload, for the code that takes it over (an exercise's answer…): its row —
/// owner (`user_id`), purpose, name, recognised type (`detected_type`), SHA-256 — and where
/// its bytes are stored. Read them with `app.storage.open(&c.key)`, or answer a request for
/// them with `storage::serve` (ranges included).
#[derive(Clone, Debug)]
pub struct Completed {
    pub row: UploadRow,
    pub key: Key,
}

impl Completed {
    /// The recognised type of the file.
    pub fn file_type(&self) -> Option<attachment::FileType> {
        self.row.detected_type.as_deref().and_then(attachment::FileType::parse)
    }

    /// Its media type, for serving it.
    pub fn media_type(&self) -> &'static str {
        self.file_type().map(|t| t.media_type(&self.row.filename)).unwrap_or("application/octet-stream")
    }

    /// Answers a request for the file (a video played in a page: ranges, conditional
    /// requests), for a reader the caller has let in. The bytes of an id never change, so
    /// the reader's browser may keep them.
    pub async fn serve(&self, app: &App, method: &Method, headers: &HeaderMap) -> AppResult<Response> {
        let how = Serve { content_type: self.media_type(), cache_control: "private, max-age=86400", disposition: None };
        storage::serve(&app.storage, &self.key, method, headers, how).await
    }
}

/// The finished upload `id`, whoever sent it (the caller checks that `row.user_id` may hand
/// it in); `None` for an unknown id and for an upload not finished (still arriving, or
/// expired). An upload whose last bytes arrived just before a crash is finished now.
pub async fn open_completed(app: &App, id: &str) -> AppResult<Option<Completed>> {
    let Some(key) = key_of(id) else { return Ok(None) };
    let Some(row) = store::get(&app.db, id).await? else { return Ok(None) };
    if !row.is_complete() {
        return Ok(None);
    }
    let row = if row.completed_at.is_some() {
        row
    } else {
        let _turn = app.uploads.take_turn(id).await;
        finish_if_complete(app, reload(app, id).await?).await?
    };
    Ok(Some(Completed { row, key }))
}

/// SHA-256 of a file in hexadecimal, read in a blocking thread.
async fn sha256_of(path: PathBuf) -> std::io::Result<String> {
    tokio::task::spawn_blocking(move || {
        use std::io::Read;
        let mut file = std::fs::File::open(path)?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            let n = file.read(&mut buf)?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
        }
        Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
    })
    .await
    .map_err(std::io::Error::other)?
}

/// Every upload of a person, finished or not, with its bytes: what goes with a deleted
/// account. Work that named a finished file keeps its text; the file is gone
/// (`submissions.upload_id` becomes NULL): a pitch video is her face and voice.
pub async fn forget_all(app: &App, user_id: i64) -> anyhow::Result<()> {
    for u in store::all_of(&app.db, user_id).await? {
        let _turn = app.uploads.take_turn(&u.id).await;
        store::delete(&app.db, &u.id).await?;
        remove_files(app, &u.id).await;
    }
    Ok(())
}

/// Removes expired unfinished uploads (rows, then files) and part files that no row names.
/// Returns how many uploads and orphan files were removed.
pub async fn sweep(app: &App) -> anyhow::Result<usize> {
    let now = unix(Timestamp::now());
    let mut removed = 0;
    loop {
        let batch = store::expired(&app.db, now, 100).await?;
        let mut deleted = 0;
        for id in &batch {
            // A piece in progress is asked to stop; if it renews the upload, it stays.
            let _turn = app.uploads.take_turn(id).await;
            if store::delete_if_expired(&app.db, id, now).await? {
                remove_files(app, id).await;
                deleted += 1;
            }
        }
        removed += deleted;
        if batch.len() < 100 || deleted == 0 {
            break;
        }
    }
    removed += remove_orphans(app).await?;
    if removed > 0 {
        tracing::info!(removed, "expired uploads swept");
    }
    Ok(removed)
}

/// Part files older than `ORPHAN_AGE` without a row (a crash between file and row, or a row
/// deleted with its account).
async fn remove_orphans(app: &App) -> anyhow::Result<usize> {
    let Ok(mut entries) = tokio::fs::read_dir(dir(app)).await else { return Ok(0) };
    let mut candidates = vec![];
    while let Some(entry) = entries.next_entry().await? {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(id) = name.strip_suffix(".part").filter(|id| attachment::is_id(id)) else { continue };
        let old = entry.metadata().await?.modified()?.elapsed().is_ok_and(|age| age > ORPHAN_AGE);
        if old {
            candidates.push(id.to_owned());
        }
    }
    let known = store::existing(&app.db, &candidates).await?;
    let mut removed = 0;
    for id in candidates.iter().filter(|id| !known.contains(id)) {
        let _ = tokio::fs::remove_file(part_path(app, id)).await;
        removed += 1;
    }
    Ok(removed)
}

/// The background sweep: every `SWEEP_EVERY` until `shutdown` turns true.
pub async fn sweeper(app: App, mut shutdown: watch::Receiver<bool>) {
    loop {
        if *shutdown.borrow() {
            return;
        }
        if let Err(e) = sweep(&app).await {
            tracing::warn!(error = %e, "cannot sweep expired uploads");
        }
        tokio::select! {
            _ = tokio::time::sleep(SWEEP_EVERY) => {}
            _ = shutdown.changed() => {}
        }
    }
}

/// Whose turn it is to work on each upload, in this process. A request takes the turn of
/// an upload before touching it; one that arrives while another holds it asks the holder
/// to stop (the holder keeps what it received), then waits for it.
#[derive(Default)]
pub struct Busy {
    slots: Mutex<HashMap<String, Arc<Slot>>>,
}

struct Slot {
    /// How many requests are waiting for the turn.
    waiting: watch::Sender<usize>,
    turn: Arc<tokio::sync::Mutex<()>>,
}

impl Busy {
    /// Waits for the turn of upload `id`, asking the current holder to stop.
    pub async fn take_turn(self: &Arc<Self>, id: &str) -> Turn {
        let slot = {
            let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
            slots
                .entry(id.to_owned())
                .or_insert_with(|| Arc::new(Slot { waiting: watch::channel(0).0, turn: Arc::default() }))
                .clone()
        };
        let lock = slot.turn.clone();
        slot.waiting.send_modify(|n| *n += 1);
        // Counted as waiting until the turn is ours; if this request is dropped while it
        // waits (its client went away), the waiter's drop uncounts it.
        let mut waiter = Waiter { busy: self.clone(), id: id.to_owned(), slot: Some(slot) };
        let guard = lock.lock_owned().await;
        let slot = waiter.slot.take().expect("set above");
        slot.waiting.send_modify(|n| *n = n.saturating_sub(1));
        Turn { waiting: slot.waiting.subscribe(), guard: Some(guard), busy: self.clone(), id: id.to_owned(), slot }
    }

    /// Forgets a slot nobody holds or waits for (the caller holds the one other reference).
    fn release(&self, id: &str, slot: &Arc<Slot>) {
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        if Arc::strong_count(slot) == 2 {
            slots.remove(id);
        }
    }
}

struct Waiter {
    busy: Arc<Busy>,
    id: String,
    slot: Option<Arc<Slot>>,
}

impl Drop for Waiter {
    fn drop(&mut self) {
        if let Some(slot) = self.slot.take() {
            slot.waiting.send_modify(|n| *n = n.saturating_sub(1));
            self.busy.release(&self.id, &slot);
        }
    }
}

/// The turn of one upload, held until dropped.
pub struct Turn {
    waiting: watch::Receiver<usize>,
    guard: Option<tokio::sync::OwnedMutexGuard<()>>,
    busy: Arc<Busy>,
    id: String,
    slot: Arc<Slot>,
}

impl Turn {
    /// Resolves when another request is waiting for this upload.
    async fn wanted_elsewhere(&mut self) {
        if self.waiting.wait_for(|n| *n > 0).await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        self.guard.take();
        self.busy.release(&self.id, &self.slot);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slots(busy: &Busy) -> usize {
        busy.slots.lock().unwrap().len()
    }

    #[tokio::test]
    async fn a_second_request_asks_the_holder_to_stop_then_gets_the_turn() {
        let busy = Arc::new(Busy::default());
        let mut first = busy.take_turn("a").await;
        let other = busy.clone();
        let second = tokio::spawn(async move {
            let _turn = other.take_turn("a").await;
        });
        tokio::time::timeout(Duration::from_secs(5), first.wanted_elsewhere()).await.expect("asked to stop");
        assert!(!second.is_finished(), "waits for the holder");
        drop(first);
        second.await.unwrap();
        assert_eq!(slots(&busy), 0, "no slot left behind");
    }

    #[tokio::test]
    async fn a_request_that_gives_up_waiting_is_forgotten() {
        let busy = Arc::new(Busy::default());
        let mut first = busy.take_turn("a").await;
        let other = busy.clone();
        let gone = tokio::spawn(async move {
            let _turn = other.take_turn("a").await;
        });
        first.wanted_elsewhere().await;
        gone.abort();
        let _ = gone.await;
        assert_eq!(*first.waiting.borrow(), 0);
        drop(first);
        assert_eq!(slots(&busy), 0);
        let mut next = busy.take_turn("a").await;
        let asked = tokio::time::timeout(Duration::from_millis(50), next.wanted_elsewhere()).await;
        assert!(asked.is_err(), "nobody is waiting any more");
        let _other_upload = busy.take_turn("b").await;
        assert_eq!(slots(&busy), 2, "uploads have their own turns");
    }
}
