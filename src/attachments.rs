//! Files sent as answers to file questions. A file is streamed to a local staging file as it
//! arrives (never held whole in memory), refused as soon as it passes the question's size
//! limit, recognised from its first bytes, and only then put in the storage
//! (`attachments/<id>`) and recorded; until then nothing points to it, so an interrupted or
//! refused upload leaves neither a row nor a file behind.

use std::collections::BTreeMap;
use std::path::Path;

use axum::body::Bytes;
use futures_util::{Stream, StreamExt};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::app::App;
use crate::applications::{self, ApplyError};
use crate::domain::attachment::{self, clean_name, sniff, SNIFF_BYTES};
use crate::domain::form::{AnswerError, Answers, Form, Kind};
use crate::domain::time::unix_now;
use crate::error::{AppError, AppResult};
use crate::storage::{Area, Key};
use crate::store::accounts::UserRow;
use crate::store::attachments::{self as store, AttachmentRow};

/// Where an attachment's bytes are stored (`attachments/<id>`); ids are checked hex tokens.
pub fn key_of(id: &str) -> Option<Key> {
    attachment::is_id(id).then(|| Key::new(Area::Attachments, id)).flatten()
}

fn refused(question: &str, e: AnswerError) -> ApplyError {
    ApplyError::Answers(BTreeMap::from([(question.to_owned(), e)]))
}

fn internal(e: impl Into<anyhow::Error>) -> ApplyError {
    ApplyError::App(AppError::Internal(e.into()))
}

/// Receives a file for question `question` of the applicant's application to call `slug`.
/// `chunks` is the body as it arrives (a multipart field or a raw request body).
pub async fn receive<S, E>(
    app: &App,
    user: &UserRow,
    slug: &str,
    question: &str,
    name: &str,
    mut chunks: S,
) -> Result<AttachmentRow, ApplyError>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let d = applications::dossier(app, user, slug).await?;
    if !d.accepting {
        return Err(AppError::BadRequest("error.application.closed").into());
    }
    if d.application.status == "withdrawn" {
        return Err(AppError::BadRequest("error.application.withdrawn").into());
    }
    let (types, limit) = match d.form.question(question).map(|q| &q.kind) {
        Some(Kind::File { types, max_bytes }) => (types.clone(), *max_bytes),
        Some(_) => return Err(refused(question, AnswerError::FileType)),
        None => return Err(refused(question, AnswerError::UnknownQuestion)),
    };
    let id = uuid::Uuid::new_v4().simple().to_string();
    let key = key_of(&id).expect("a new id is a key");
    let tmp = app.storage.staging_path(Area::Attachments, &id).await.map_err(internal)?;
    let outcome = write_checked(&tmp, &mut chunks, limit).await;
    let (size, digest, head) = match outcome {
        Ok(v) => v,
        Err(e) => {
            let _ = tokio::fs::remove_file(&tmp).await;
            return Err(match e {
                Received::TooLarge => refused(question, AnswerError::FileTooLarge),
                Received::Interrupted(msg) => {
                    tracing::info!(%msg, "upload interrupted");
                    AppError::BadRequest("error.upload.interrupted").into()
                }
                Received::Disk(e) => internal(e),
            });
        }
    };
    let name = clean_name(name);
    let found = match sniff(&head, &name) {
        _ if size == 0 => Err(AnswerError::EmptyFile),
        Some(t) if types.contains(&t) => Ok(t),
        _ => Err(AnswerError::FileType),
    };
    let file_type = match found {
        Ok(t) => t,
        Err(e) => {
            let _ = tokio::fs::remove_file(&tmp).await;
            return Err(refused(question, e));
        }
    };
    let row = AttachmentRow {
        id: id.clone(),
        application_id: d.application.id,
        question_id: question.to_owned(),
        name,
        file_type: file_type.code().to_owned(),
        size: size as i64,
        sha256: digest,
        created_at: unix_now(),
    };
    // The file is stored before the row that names it: a crash between the two leaves an
    // orphan file, never a row without its bytes.
    if let Err(e) = app.storage.put_file(&key, &tmp).await {
        let _ = tokio::fs::remove_file(&tmp).await;
        return Err(internal(e));
    }
    if let Err(e) = store::insert(&app.db, &row).await {
        let _ = app.storage.delete(&key).await;
        return Err(internal(e));
    }
    tracing::info!(attachment = %id, application = d.application.id, size, "attachment received");
    Ok(row)
}

pub(crate) enum Received {
    TooLarge,
    Interrupted(String),
    Disk(std::io::Error),
}

/// Writes the chunks to `path` up to `limit` bytes: (size, SHA-256 in hex, first bytes).
pub(crate) async fn write_checked<S, E>(
    path: &Path,
    chunks: &mut S,
    limit: u64,
) -> Result<(u64, String, Vec<u8>), Received>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let mut file = tokio::fs::File::create(path).await.map_err(Received::Disk)?;
    let mut hasher = Sha256::new();
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    let mut size: u64 = 0;
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(|e| Received::Interrupted(e.to_string()))?;
        size += chunk.len() as u64;
        if size > limit {
            return Err(Received::TooLarge);
        }
        if head.len() < SNIFF_BYTES {
            let take = (SNIFF_BYTES - head.len()).min(chunk.len());
            head.extend_from_slice(&chunk[..take]);
        }
        hasher.update(&chunk);
        file.write_all(&chunk).await.map_err(Received::Disk)?;
    }
    file.sync_all().await.map_err(Received::Disk)?;
    let digest: String = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
    Ok((size, digest, head))
}

/// The files an application's answers point to, by id.
pub async fn of_application(app: &App, application_id: i64) -> AppResult<BTreeMap<String, AttachmentRow>> {
    Ok(store::of_application(&app.db, application_id).await?.into_iter().map(|a| (a.id.clone(), a)).collect())
}

/// Answers to file questions that do not name a file of this application sent for that
/// question (someone else's file, or a made-up id).
pub fn foreign_files(
    form: &Form,
    answers: &Answers,
    files: &BTreeMap<String, AttachmentRow>,
) -> BTreeMap<String, AnswerError> {
    form.questions()
        .filter(|q| matches!(q.kind, Kind::File { .. }))
        .filter_map(|q| {
            let id = answers.get(&q.id)?.as_str()?;
            if id.trim().is_empty() {
                return None;
            }
            let ok = files.get(id).is_some_and(|f| f.question_id == q.id);
            (!ok).then(|| (q.id.clone(), AnswerError::UnknownFile))
        })
        .collect()
}

/// An attachment, for a reader allowed to see it: the applicant herself, a manager of the
/// call's programme, or a reviewer given the application (not for an identifying question
/// of a blind call). Anyone else is told it does not exist.
pub async fn readable(app: &App, viewer: &UserRow, id: &str) -> AppResult<AttachmentRow> {
    if !attachment::is_id(id) {
        return Err(AppError::NotFound);
    }
    let (call_id, owner) = store::owner(&app.db, id).await?.ok_or(AppError::NotFound)?;
    if owner != viewer.id {
        let slug: String =
            sqlx::query_scalar("SELECT slug FROM calls WHERE id = $1").bind(call_id).fetch_one(&app.db.pool).await?;
        crate::calls::managed(app, viewer, &slug).await.map_err(|_| AppError::NotFound)?;
    }
    store::get(&app.db, id).await?.ok_or(AppError::NotFound)
}

/// Removes files from the storage (their rows are gone or going).
pub async fn remove_files(app: &App, ids: &[String]) {
    for key in ids.iter().filter_map(|id| key_of(id)) {
        if let Err(e) = app.storage.delete(&key).await {
            tracing::warn!(file = %key, error = %e, "attachment not removed");
        }
    }
}
