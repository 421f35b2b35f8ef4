//! Stored files: one interface for the files the application keeps — attachments of
//! applications, light images of covers and portraits, the media library (originals and light
//! variants), finished resumable uploads — whichever place holds them:
//!
//! - a **local directory** (the default): the data directory itself, with the layout it has
//!   always had (`DATA_DIR/attachments/<id>`, `DATA_DIR/media/<name>`,
//!   `DATA_DIR/library/<id>` and `<id>.light`, `DATA_DIR/uploads/<id>`), so existing data
//!   directories keep working;
//! - an **S3-compatible bucket** (`[storage]` in the configuration), through `object_store`,
//!   so that several `serve` nodes share the same files. Objects have the same names as the
//!   local files, under an optional prefix.
//!
//! A file is named by a [`Key`]: an [`Area`] and a name that can hold no path (checked when
//! the key is made). Files are put whole, from bytes or from a local file that is moved in
//! (received files are first streamed to a local staging file, checked, then put); they are
//! read whole, as a stream, or by byte range; [`serve`] answers an HTTP request for one with
//! ranges and conditional requests. What is being received stays on local disk: the part
//! file of a resumable upload (appended to and synced piece by piece) and the staging files
//! (`.<id>.part` in the area's local directory).

mod s3;
mod serve;

use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use axum::body::Bytes;
use futures_util::stream::BoxStream;
use futures_util::StreamExt;
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

pub use serve::{serve, Serve};

use crate::config::{Config, StorageConfig};

/// The bytes of a stored file as they are read, a chunk at a time.
pub type ByteStream = BoxStream<'static, io::Result<Bytes>>;

/// How many bytes a read of a local file takes at a time.
const READ_CHUNK: usize = 64 * 1024;

/// The kinds of stored files; each is a directory of the local store and a prefix of the
/// bucket's object names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Area {
    /// Files answering file questions of applications (`attachments`).
    Attachments,
    /// Light images of covers and portraits (`media`).
    Media,
    /// A programme's media library: originals and `.light` variants (`library`).
    Library,
    /// Finished resumable uploads (`uploads`).
    Uploads,
}

impl Area {
    pub fn dir(self) -> &'static str {
        match self {
            Area::Attachments => "attachments",
            Area::Media => "media",
            Area::Library => "library",
            Area::Uploads => "uploads",
        }
    }
}

/// The name of a stored file: an area and a name of lower-case letters, digits, `-`, `_` and
/// `.` that does not start with a dot (staging files do), so no key can point outside its
/// area or at a file being received.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    area: Area,
    name: String,
}

impl Key {
    pub fn new(area: Area, name: &str) -> Option<Key> {
        let ok = !name.is_empty()
            && name.len() <= 200
            && !name.starts_with('.')
            && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.'));
        ok.then(|| Key { area, name: name.to_owned() })
    }

    pub fn area(&self) -> Area {
        self.area
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// `area/name`: the object's name in a bucket, the file's path under the local root.
    pub fn path(&self) -> String {
        format!("{}/{}", self.area.dir(), self.name)
    }
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.path())
    }
}

/// What is known of a stored file without reading it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Meta {
    pub size: u64,
    pub modified: SystemTime,
    /// An entity tag, quoted (`"…"`): the bucket's, or made of the size and the modification
    /// time of a local file.
    pub etag: String,
}

/// Where stored files are kept; cheap to share (`App::storage`).
pub struct Storage {
    backend: Backend,
    /// Where staging files are written: `DATA_DIR`.
    data_dir: PathBuf,
}

enum Backend {
    Local(Local),
    S3(s3::S3),
}

impl Storage {
    /// The storage the configuration names.
    pub fn from_config(cfg: &Config) -> anyhow::Result<Storage> {
        let backend = match &cfg.storage {
            StorageConfig::Local => Backend::Local(Local { root: cfg.data_dir.clone() }),
            StorageConfig::S3(s) => Backend::S3(s3::S3::new(s)?),
        };
        Ok(Storage { backend, data_dir: cfg.data_dir.clone() })
    }

    /// Files under `root` (today's layout of the data directory).
    pub fn local(root: &Path) -> Storage {
        Storage { backend: Backend::Local(Local { root: root.to_owned() }), data_dir: root.to_owned() }
    }

    /// For the logs: where files go.
    pub fn describe(&self) -> String {
        match &self.backend {
            Backend::Local(l) => format!("local directory {}", l.root.display()),
            Backend::S3(s) => s.describe(),
        }
    }

    /// A local path, in `area`'s local directory (created if needed), to receive a file
    /// before it is put: `.<name>.part`, which no key can name. The caller removes it or
    /// puts it.
    pub async fn staging_path(&self, area: Area, name: &str) -> io::Result<PathBuf> {
        let dir = self.data_dir.join(area.dir());
        tokio::fs::create_dir_all(&dir).await?;
        Ok(dir.join(format!(".{name}.part")))
    }

    /// Puts the local file at `path` under `key`, replacing what was there; the local file
    /// is gone afterwards (moved into place locally, uploaded then removed for a bucket).
    /// Readers see the old file or the new one, never a part of it.
    pub async fn put_file(&self, key: &Key, path: &Path) -> io::Result<()> {
        match &self.backend {
            Backend::Local(l) => l.put_file(key, path).await,
            Backend::S3(s) => {
                s.put_file(key, path).await?;
                remove_if_exists(path).await
            }
        }
    }

    /// Puts `bytes` under `key`, replacing what was there.
    pub async fn put_bytes(&self, key: &Key, bytes: Bytes) -> io::Result<()> {
        match &self.backend {
            Backend::Local(l) => l.put_bytes(key, bytes).await,
            Backend::S3(s) => s.put_bytes(key, bytes).await,
        }
    }

    /// The whole file, in memory: for small files only (images); stream the others.
    pub async fn read(&self, key: &Key) -> io::Result<Bytes> {
        match &self.backend {
            Backend::Local(l) => tokio::fs::read(l.path(key)).await.map(Bytes::from),
            Backend::S3(s) => s.read(key).await,
        }
    }

    /// The file's metadata, `None` when there is no such file.
    pub async fn head(&self, key: &Key) -> io::Result<Option<Meta>> {
        match &self.backend {
            Backend::Local(l) => l.head(key).await,
            Backend::S3(s) => s.head(key).await,
        }
    }

    pub async fn exists(&self, key: &Key) -> io::Result<bool> {
        Ok(self.head(key).await?.is_some())
    }

    /// The whole file as a stream, with its metadata (`NotFound` when there is none).
    pub async fn open(&self, key: &Key) -> io::Result<(Meta, ByteStream)> {
        let meta = self.head(key).await?.ok_or_else(|| not_found(key))?;
        let stream = self.read_range(key, 0..meta.size).await?;
        Ok((meta, stream))
    }

    /// Bytes `range` of the file, as a stream; memory stays bounded whatever the length. The
    /// range must lie within the file (see `head`).
    pub async fn read_range(&self, key: &Key, range: Range<u64>) -> io::Result<ByteStream> {
        if range.is_empty() {
            return Ok(futures_util::stream::empty().boxed());
        }
        match &self.backend {
            Backend::Local(l) => l.read_range(key, range).await,
            Backend::S3(s) => s.read_range(key, range).await,
        }
    }

    /// Removes the file; a file that is not there is not an error.
    pub async fn delete(&self, key: &Key) -> io::Result<()> {
        match &self.backend {
            Backend::Local(l) => remove_if_exists(&l.path(key)).await,
            Backend::S3(s) => s.delete(key).await,
        }
    }

    /// A local file with the stored file's bytes, for programs that need a path (ffmpeg):
    /// the stored file itself in a local directory, else a copy in the staging area,
    /// removed when the returned value is dropped.
    pub async fn local_copy(&self, key: &Key) -> io::Result<LocalCopy> {
        match &self.backend {
            Backend::Local(l) => {
                let path = l.path(key);
                tokio::fs::metadata(&path).await?;
                Ok(LocalCopy { path, temporary: false })
            }
            Backend::S3(_) => {
                let tmp = self.staging_path(key.area, &format!("{}.copy", key.name)).await?;
                let copy = LocalCopy { path: tmp, temporary: true };
                let (_, mut stream) = self.open(key).await?;
                let mut file = tokio::fs::File::create(&copy.path).await?;
                while let Some(chunk) = stream.next().await {
                    file.write_all(&chunk?).await?;
                }
                file.flush().await?;
                Ok(copy)
            }
        }
    }
}

/// A stored file's bytes in a local file (see `Storage::local_copy`).
pub struct LocalCopy {
    path: PathBuf,
    temporary: bool,
}

impl LocalCopy {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for LocalCopy {
    fn drop(&mut self) {
        if self.temporary {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

fn not_found(key: &Key) -> io::Error {
    io::Error::new(io::ErrorKind::NotFound, format!("no stored file {key}"))
}

async fn remove_if_exists(path: &Path) -> io::Result<()> {
    match tokio::fs::remove_file(path).await {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

// ------------------------------------------------------------------ the local directory

struct Local {
    root: PathBuf,
}

impl Local {
    fn path(&self, key: &Key) -> PathBuf {
        self.root.join(key.area.dir()).join(&key.name)
    }

    async fn put_file(&self, key: &Key, from: &Path) -> io::Result<()> {
        let to = self.path(key);
        let dir = to.parent().expect("keys have an area").to_owned();
        tokio::fs::create_dir_all(&dir).await?;
        match tokio::fs::rename(from, &to).await {
            Ok(()) => {}
            // The staging file is on another file system: copied beside, then renamed.
            Err(e) if e.kind() == io::ErrorKind::CrossesDevices => {
                let tmp = dir.join(format!(".{}.tmp", key.name));
                tokio::fs::copy(from, &tmp).await?;
                tokio::fs::File::open(&tmp).await?.sync_all().await?;
                tokio::fs::rename(&tmp, &to).await?;
                remove_if_exists(from).await?;
            }
            Err(e) => return Err(e),
        }
        sync_dir(dir).await
    }

    async fn put_bytes(&self, key: &Key, bytes: Bytes) -> io::Result<()> {
        let to = self.path(key);
        let dir = to.parent().expect("keys have an area").to_owned();
        tokio::fs::create_dir_all(&dir).await?;
        // Written beside, then renamed: a reader never sees half a file.
        let tmp = dir.join(format!(".{}.tmp", key.name));
        let mut file = tokio::fs::File::create(&tmp).await?;
        file.write_all(&bytes).await?;
        file.sync_all().await?;
        drop(file);
        tokio::fs::rename(&tmp, &to).await?;
        sync_dir(dir).await
    }

    async fn head(&self, key: &Key) -> io::Result<Option<Meta>> {
        match tokio::fs::metadata(self.path(key)).await {
            Ok(m) if m.is_file() => {
                let modified = m.modified()?;
                let since = modified.duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
                let etag = format!("\"{:x}-{:x}.{:x}\"", m.len(), since.as_secs(), since.subsec_nanos());
                Ok(Some(Meta { size: m.len(), modified, etag }))
            }
            Ok(_) => Ok(None),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn read_range(&self, key: &Key, range: Range<u64>) -> io::Result<ByteStream> {
        let mut file = tokio::fs::File::open(self.path(key)).await?;
        file.seek(io::SeekFrom::Start(range.start)).await?;
        let reader = file.take(range.end - range.start);
        let stream = futures_util::stream::unfold(Some(reader), |reader| async move {
            let mut reader = reader?;
            let mut buf = vec![0u8; READ_CHUNK];
            match reader.read(&mut buf).await {
                Ok(0) => None,
                Ok(n) => {
                    buf.truncate(n);
                    Some((Ok(Bytes::from(buf)), Some(reader)))
                }
                Err(e) => Some((Err(e), None)),
            }
        });
        Ok(stream.boxed())
    }
}

/// Makes a rename durable: the directory entry is synced too.
async fn sync_dir(dir: PathBuf) -> io::Result<()> {
    tokio::task::spawn_blocking(move || std::fs::File::open(dir)?.sync_all()).await.map_err(io::Error::other)?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_name_files_of_their_area_only() {
        let k = Key::new(Area::Library, "0a1b2c3d4e5f.light").unwrap();
        assert_eq!(k.path(), "library/0a1b2c3d4e5f.light");
        for bad in ["", ".hidden", "../etc/passwd", "a/b", "A", "a b", "é", "a\0b"] {
            assert!(Key::new(Area::Media, bad).is_none(), "{bad:?}");
        }
        assert!(Key::new(Area::Media, &"a".repeat(201)).is_none());
    }

    fn scratch() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("tremplin-storage-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    async fn collect(mut s: ByteStream) -> Vec<u8> {
        let mut out = vec![];
        while let Some(chunk) = s.next().await {
            out.extend_from_slice(&chunk.unwrap());
        }
        out
    }

    #[tokio::test]
    async fn a_local_directory_keeps_the_data_directory_layout() {
        let root = scratch();
        let storage = Storage::local(&root);
        let key = Key::new(Area::Attachments, "0123abcd").unwrap();
        assert!(!storage.exists(&key).await.unwrap());
        assert_eq!(storage.head(&key).await.unwrap(), None);
        assert_eq!(storage.read(&key).await.unwrap_err().kind(), io::ErrorKind::NotFound);

        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let staged = storage.staging_path(Area::Attachments, "0123abcd").await.unwrap();
        assert_eq!(staged, root.join("attachments/.0123abcd.part"));
        std::fs::write(&staged, &data).unwrap();
        storage.put_file(&key, &staged).await.unwrap();
        assert!(!staged.exists(), "moved, not copied");
        assert_eq!(std::fs::read(root.join("attachments/0123abcd")).unwrap(), data, "where it always was");

        let meta = storage.head(&key).await.unwrap().unwrap();
        assert_eq!(meta.size, data.len() as u64);
        assert!(meta.etag.starts_with('"') && meta.etag.ends_with('"'));
        assert_eq!(storage.read(&key).await.unwrap().as_ref(), &data[..]);
        assert_eq!(collect(storage.read_range(&key, 70_000..150_001).await.unwrap()).await, &data[70_000..150_001]);
        assert_eq!(collect(storage.read_range(&key, 5..5).await.unwrap()).await, b"");
        let (m, whole) = storage.open(&key).await.unwrap();
        assert_eq!((m, collect(whole).await), (meta, data.clone()));
        assert_eq!(storage.local_copy(&key).await.unwrap().path(), root.join("attachments/0123abcd"));

        let light = Key::new(Area::Media, "cover-0a.jpg").unwrap();
        storage.put_bytes(&light, Bytes::from_static(b"jpeg")).await.unwrap();
        storage.put_bytes(&light, Bytes::from_static(b"jpeg 2")).await.unwrap();
        assert_eq!(std::fs::read(root.join("media/cover-0a.jpg")).unwrap(), b"jpeg 2");
        assert_eq!(std::fs::read_dir(root.join("media")).unwrap().count(), 1, "no temporary file left");

        storage.delete(&key).await.unwrap();
        storage.delete(&key).await.unwrap();
        assert!(!storage.exists(&key).await.unwrap());
        std::fs::remove_dir_all(root).unwrap();
    }
}
