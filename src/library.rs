//! A programme's media library: the images, videos, sound and PDFs its managers put in
//! lessons. Every file keeps its original; pages load a light variant — images a JPEG of at
//! most 960×540, videos an MP4 of at most 360 lines and 300 kbit/s made by `ffmpeg` in the
//! background — with the original one tap away. Without ffmpeg on the server, videos are
//! offered as they are, marked "no light version" for the managers; installing ffmpeg and
//! restarting makes the missing variants.
//!
//! Files are read by unguessable id (`/medias/{id}`, 128 random bits), like a lesson's
//! attachments in most learning platforms: whoever has the lesson has the link.

use std::path::Path;
use std::sync::LazyLock;
use std::time::Duration;

use axum::body::Bytes;
use futures_util::Stream;
use tokio::sync::{watch, Notify};

use crate::app::App;
use crate::attachments::{write_checked, Received};
use crate::domain::attachment::{clean_name, is_id, sniff, FileType};
use crate::domain::time::unix_now;
use crate::error::{AppError, AppResult};
use crate::storage::{Area, Key};
use crate::store::accounts::UserRow;
use crate::store::library::{self as store, MediaRow};

/// Largest file accepted: a ten-minute smartphone video.
pub const MAX_BYTES: u64 = 200 * 1024 * 1024;
/// The light image: what a phone screen shows.
const IMAGE_BOX: (u32, u32) = (960, 540);
/// The longest ffmpeg may take on one video before it is given up.
const TRANSCODE_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// Wakes the video worker when a video arrives (it also looks every minute).
static VIDEO_WAKE: LazyLock<Notify> = LazyLock::new(Notify::new);

/// Where a file's original is stored (`library/<id>`); ids are checked tokens.
pub fn original_key(id: &str) -> Option<Key> {
    is_id(id).then(|| Key::new(Area::Library, id)).flatten()
}

/// Where a file's light variant is stored (`library/<id>.light`).
pub fn light_key(id: &str) -> Option<Key> {
    is_id(id).then(|| Key::new(Area::Library, &format!("{id}.light"))).flatten()
}

/// What a file is, from its first bytes.
fn kind_of(t: FileType) -> Option<&'static str> {
    match t {
        FileType::Jpeg | FileType::Png | FileType::Webp => Some("image"),
        FileType::Mp4 => Some("video"),
        FileType::Mp3 => Some("audio"),
        FileType::Pdf => Some("pdf"),
        FileType::Document | FileType::Spreadsheet => None,
    }
}

/// The command that makes light videos (`TREMPLIN_FFMPEG`, else `ffmpeg` on the path).
fn ffmpeg() -> String {
    std::env::var("TREMPLIN_FFMPEG").unwrap_or_else(|_| "ffmpeg".into())
}

/// Whether ffmpeg can be run here.
pub async fn ffmpeg_available() -> bool {
    tokio::process::Command::new(ffmpeg())
        .arg("-version")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .await
        .is_ok_and(|s| s.success())
}

/// Receives a file for the library of programme `slug`, streamed to a staging file, then
/// stored with its light variant when it is an image.
pub async fn upload<S, E>(
    app: &App,
    user: &UserRow,
    slug: &str,
    title: &str,
    name: &str,
    mut chunks: S,
) -> AppResult<MediaRow>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let programme = crate::programmes::managed(app, user, slug).await?;
    let id = uuid::Uuid::new_v4().simple().to_string();
    let (original, light) = original_key(&id).zip(light_key(&id)).expect("a new id is a key");
    let tmp = app.storage.staging_path(Area::Library, &id).await.map_err(anyhow::Error::from)?;
    let (size, _, head) = match write_checked(&tmp, &mut chunks, MAX_BYTES).await {
        Ok(v) => v,
        Err(e) => {
            let _ = tokio::fs::remove_file(&tmp).await;
            return Err(match e {
                Received::TooLarge => AppError::field("file", "error.library.too_large"),
                Received::Interrupted(_) => AppError::BadRequest("error.upload.interrupted"),
                Received::Disk(e) => AppError::Internal(e.into()),
            });
        }
    };
    let name = clean_name(name);
    let found = sniff(&head, &name).and_then(|t| Some((t, kind_of(t)?))).filter(|_| size > 0);
    let Some((file_type, kind)) = found else {
        let _ = tokio::fs::remove_file(&tmp).await;
        return Err(AppError::field("file", "error.library.type"));
    };
    let title = match title.trim() {
        "" => name.clone(),
        t => t.chars().take(200).collect(),
    };
    let (light_status, light_bytes) = match kind {
        "image" => match image_variant(&tmp).await {
            Ok(bytes) => {
                let size = bytes.len() as i64;
                if let Err(e) = app.storage.put_bytes(&light, bytes.into()).await {
                    let _ = tokio::fs::remove_file(&tmp).await;
                    return Err(anyhow::Error::from(e).into());
                }
                ("ready", Some(size))
            }
            Err(key) => {
                let _ = tokio::fs::remove_file(&tmp).await;
                return Err(AppError::field("file", key));
            }
        },
        "video" => ("pending", None),
        _ => ("none", None),
    };
    let row = MediaRow {
        id: id.clone(),
        programme_id: programme.id,
        kind: kind.into(),
        title,
        original_type: file_type.code().to_owned(),
        original_name: name,
        original_bytes: size as i64,
        light_status: light_status.into(),
        light_bytes,
        light_error: None,
        created_at: unix_now(),
    };
    // The bytes are stored before the row that names them.
    if let Err(e) = app.storage.put_file(&original, &tmp).await {
        let _ = tokio::fs::remove_file(&tmp).await;
        remove_files(app, &id).await;
        return Err(anyhow::Error::from(e).into());
    }
    if let Err(e) = store::insert(&app.db, &row, user.id).await {
        remove_files(app, &id).await;
        return Err(e.into());
    }
    if kind == "video" {
        VIDEO_WAKE.notify_one();
    }
    tracing::info!(media = %id, kind, size, programme = programme.id, "media file received");
    Ok(row)
}

/// The light JPEG of an image (`original`, a local file), or the catalogue key of what is
/// wrong with it.
async fn image_variant(original: &Path) -> Result<Vec<u8>, &'static str> {
    let size = tokio::fs::metadata(original).await.map_err(|_| "error.image.not_an_image")?.len();
    if size > crate::media::MAX_UPLOAD as u64 {
        return Err("error.image.too_big");
    }
    let bytes = tokio::fs::read(original).await.map_err(|_| "error.image.not_an_image")?;
    tokio::task::spawn_blocking(move || crate::media::light_variant(&bytes, IMAGE_BOX))
        .await
        .map_err(|_| "error.image.not_an_image")?
}

/// Removes a file's original and light variant from the storage.
async fn remove_files(app: &App, id: &str) {
    for key in original_key(id).into_iter().chain(light_key(id)) {
        if let Err(e) = app.storage.delete(&key).await {
            tracing::warn!(file = %key, error = %e, "media file not removed");
        }
    }
}

pub async fn list(
    app: &App,
    user: &UserRow,
    slug: &str,
) -> AppResult<(crate::store::programmes::ProgrammeRow, Vec<MediaRow>)> {
    let programme = crate::programmes::managed(app, user, slug).await?;
    let files = store::of_programme(&app.db, programme.id).await?;
    Ok((programme, files))
}

pub async fn delete(app: &App, user: &UserRow, slug: &str, id: &str) -> AppResult<()> {
    let programme = crate::programmes::managed(app, user, slug).await?;
    if !is_id(id) || !store::delete(&app.db, programme.id, id).await? {
        return Err(AppError::NotFound);
    }
    remove_files(app, id).await;
    tracing::info!(media = %id, by = user.id, "media file deleted");
    Ok(())
}

/// The Markdown that puts a file in a lesson. Lesson pages show every file as a link to its
/// light version (an image's Markdown too): the page stays a few kilobytes.
pub fn markdown_of(m: &MediaRow) -> String {
    match m.kind.as_str() {
        "image" => format!("![{}](/medias/{})", m.title, m.id),
        _ => format!("[{}](/medias/{})", m.title, m.id),
    }
}

// ------------------------------------------------------------------ the video worker

/// The ffmpeg arguments of the light variant: at most 360 lines (never enlarged), H.264 at
/// about 250 kbit/s capped at 300, mono AAC at 48 kbit/s, the index first so that playback
/// starts before the whole file is there.
fn light_video_args(input: &Path, output: &Path) -> Vec<std::ffi::OsString> {
    let mut args: Vec<std::ffi::OsString> = vec!["-nostdin".into(), "-y".into(), "-i".into(), input.into()];
    for a in [
        "-vf",
        "scale=-2:'min(360,ih)'",
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-b:v",
        "250k",
        "-maxrate",
        "300k",
        "-bufsize",
        "600k",
        "-c:a",
        "aac",
        "-b:a",
        "48k",
        "-ac",
        "1",
        "-movflags",
        "+faststart",
        "-f",
        "mp4",
    ] {
        args.push(a.into());
    }
    args.push(output.into());
    args
}

/// Makes one video's light variant in the local file `output`: its size, or why it failed.
async fn transcode(input: &Path, output: &Path) -> Result<i64, String> {
    let run = tokio::process::Command::new(ffmpeg())
        .args(light_video_args(input, output))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(TRANSCODE_TIMEOUT, run)
        .await
        .map_err(|_| "ffmpeg took too long".to_owned())?
        .map_err(|e| format!("ffmpeg could not start: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let last = err.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("ffmpeg failed");
        return Err(last.chars().take(300).collect());
    }
    Ok(tokio::fs::metadata(output).await.map(|m| m.len() as i64).unwrap_or(0))
}

/// Makes the light variants of the videos waiting for one, one at a time, until stopped.
/// Without ffmpeg, they are marked "unavailable" (and put back in the queue at the next
/// start, should ffmpeg have been installed).
pub async fn run_video_worker(app: App, mut stopped: watch::Receiver<bool>) {
    let db = &app.db;
    let available = ffmpeg_available().await;
    if available {
        match store::requeue_unavailable(db).await {
            Ok(n) if n > 0 => tracing::info!(videos = n, "ffmpeg found: light versions to make"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "could not requeue videos"),
        }
    } else {
        tracing::info!("ffmpeg not found: videos are offered without a light version");
    }
    loop {
        if *stopped.borrow() {
            return;
        }
        match store::next_pending(db).await {
            Ok(Some(m)) => {
                process(&app, &m, available).await;
                continue;
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "video queue unreadable"),
        }
        tokio::select! {
            _ = VIDEO_WAKE.notified() => {}
            _ = tokio::time::sleep(Duration::from_secs(60)) => {}
            _ = stopped.changed() => {}
        }
    }
}

async fn process(app: &App, m: &MediaRow, available: bool) {
    let db = &app.db;
    let result = if available { make_light_video(app, &m.id).await } else { Err(String::new()) };
    let saved = match &result {
        Ok(bytes) => store::set_light(db, &m.id, "ready", Some(*bytes), None).await,
        Err(_) if !available => store::set_light(db, &m.id, "unavailable", None, None).await,
        Err(e) => store::set_light(db, &m.id, "failed", None, Some(e)).await,
    };
    if result.is_ok() && matches!(store::by_id(db, &m.id).await, Ok(None)) {
        // Deleted while ffmpeg worked: the variant goes too.
        remove_files(app, &m.id).await;
        return;
    }
    match (&result, saved) {
        (_, Err(e)) => tracing::warn!(media = %m.id, error = %e, "light video not recorded"),
        (Ok(bytes), _) => tracing::info!(media = %m.id, original = m.original_bytes, light = bytes, "light video made"),
        (Err(e), _) if available => tracing::warn!(media = %m.id, error = %e, "light video failed"),
        _ => {}
    }
}

/// Runs ffmpeg on a local copy of the original (the stored file itself in a local
/// directory) into a staging file, then stores the result: its size, or why it failed.
async fn make_light_video(app: &App, id: &str) -> Result<i64, String> {
    let (original, light) = original_key(id).zip(light_key(id)).ok_or("not a media id")?;
    let input = app.storage.local_copy(&original).await.map_err(|e| format!("original unreadable: {e}"))?;
    let output =
        app.storage.staging_path(Area::Library, &format!("{id}.light.mp4")).await.map_err(|e| e.to_string())?;
    let made = transcode(input.path(), &output).await;
    drop(input);
    let stored = match made {
        Ok(size) => app.storage.put_file(&light, &output).await.map(|()| size).map_err(|e| format!("not stored: {e}")),
        Err(e) => Err(e),
    };
    let _ = tokio::fs::remove_file(&output).await;
    stored
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_light_video_stays_within_360_lines_and_300_kbits() {
        let args: Vec<String> = light_video_args(Path::new("in"), Path::new("out"))
            .into_iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        let after = |flag: &str| args[args.iter().position(|a| a == flag).unwrap() + 1].clone();
        assert_eq!(after("-vf"), "scale=-2:'min(360,ih)'");
        assert_eq!(after("-maxrate"), "300k");
        assert_eq!(after("-movflags"), "+faststart");
        assert_eq!(args.last().map(String::as_str), Some("out"));
    }

    #[test]
    fn only_media_go_to_the_library() {
        assert_eq!(kind_of(FileType::Mp4), Some("video"));
        assert_eq!(kind_of(FileType::Webp), Some("image"));
        assert_eq!(kind_of(FileType::Spreadsheet), None);
    }
}
