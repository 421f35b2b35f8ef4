//! The S3-compatible bucket, through `object_store` (SigV4, retries, multipart uploads;
//! reqwest over rustls, no OpenSSL).

use std::io;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use futures_util::StreamExt;
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path as ObjectPath;
use object_store::{ClientOptions, GetOptions, GetRange, ObjectStore, ObjectStoreExt, PutPayload, WriteMultipart};
use tokio::io::AsyncReadExt;

use super::{ByteStream, Key, Meta};
use crate::config::S3Config;

/// Files up to this size are sent in one request; larger ones in parts of this size
/// (S3 wants parts of 5 MiB at least, except the last).
const PART: usize = 5 * 1024 * 1024;
/// How many files are sent to the bucket at once; the others wait. Each holds at most two
/// parts in memory, so sending stays within about 45 MB whatever the number of uploads.
const PUTS_AT_ONCE: usize = 4;
/// A request other than a streamed read that takes longer than this is given up (and
/// retried by `object_store` when that is safe).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// A streamed read goes at the pace of whoever receives it (a phone may take half an hour
/// over a video), so it has no overall limit; but a bucket that sends nothing for this long
/// while we wait for it has failed.
const READ_IDLE: Duration = Duration::from_secs(60);

pub(super) struct S3 {
    /// For everything but streamed reads.
    store: Arc<AmazonS3>,
    /// For streamed reads: no overall time limit (see `READ_IDLE`).
    reader: Arc<AmazonS3>,
    prefix: String,
    description: String,
    puts: tokio::sync::Semaphore,
}

/// With virtual-hosted-style requests, the bucket is part of the host name:
/// `https://s3.example.org` → `https://tremplin.s3.example.org`.
fn virtual_hosted(endpoint: &str, bucket: &str) -> anyhow::Result<String> {
    let mut url = url::Url::parse(endpoint)?;
    let host = url.host_str().ok_or_else(|| anyhow::anyhow!("storage endpoint without a host: {endpoint}"))?;
    let host = format!("{bucket}.{host}");
    url.set_host(Some(&host))?;
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

impl S3 {
    pub(super) fn new(c: &S3Config) -> anyhow::Result<S3> {
        let build = |client: ClientOptions| -> anyhow::Result<AmazonS3> {
            // The usual AWS_* variables apply to what the configuration leaves out (e.g.
            // credentials of the instance).
            // Client options first: `with_allow_http` below is one of them.
            let mut b = AmazonS3Builder::from_env()
                .with_client_options(client.with_connect_timeout(CONNECT_TIMEOUT))
                .with_bucket_name(&c.bucket)
                .with_region(&c.region)
                .with_virtual_hosted_style_request(!c.path_style);
            if let Some(endpoint) = &c.endpoint {
                let endpoint = if c.path_style { endpoint.clone() } else { virtual_hosted(endpoint, &c.bucket)? };
                b = b.with_allow_http(endpoint.starts_with("http://")).with_endpoint(endpoint);
            }
            if let (Some(id), Some(secret)) = (&c.access_key_id, &c.secret_access_key) {
                b = b.with_access_key_id(id).with_secret_access_key(secret);
            }
            Ok(b.build()?)
        };
        let store = build(ClientOptions::new().with_timeout(REQUEST_TIMEOUT))?;
        let reader = build(ClientOptions::new().with_timeout_disabled())?;
        let prefix = c.prefix.trim_matches('/');
        let description = match &c.endpoint {
            Some(e) => format!("S3 bucket {} at {e}", c.bucket),
            None => format!("S3 bucket {} in {}", c.bucket, c.region),
        };
        Ok(S3 {
            store: Arc::new(store),
            reader: Arc::new(reader),
            prefix: if prefix.is_empty() { String::new() } else { format!("{prefix}/") },
            description,
            puts: tokio::sync::Semaphore::new(PUTS_AT_ONCE),
        })
    }

    pub(super) fn describe(&self) -> String {
        self.description.clone()
    }

    fn path(&self, key: &Key) -> ObjectPath {
        ObjectPath::from(format!("{}{}", self.prefix, key.path()))
    }

    /// Uploads a local file: in one request when it is small, else in parts, reading the
    /// file as it goes (at most two parts in memory).
    pub(super) async fn put_file(&self, key: &Key, from: &Path) -> io::Result<()> {
        let _turn = self.puts.acquire().await.map_err(io::Error::other)?;
        let size = tokio::fs::metadata(from).await?.len();
        let path = self.path(key);
        if size <= PART as u64 {
            let bytes = tokio::fs::read(from).await?;
            self.store.put(&path, PutPayload::from(bytes)).await?;
            return Ok(());
        }
        let upload = self.store.put_multipart(&path).await?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART);
        let mut file = tokio::fs::File::open(from).await?;
        let mut buf = vec![0u8; 1024 * 1024];
        loop {
            let step = async {
                let n = file.read(&mut buf).await?;
                if n > 0 {
                    writer.wait_for_capacity(1).await?;
                    writer.write(&buf[..n]);
                }
                Ok::<_, io::Error>(n)
            };
            match step.await {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) => {
                    let _ = writer.abort().await;
                    return Err(e);
                }
            }
        }
        writer.finish().await?;
        Ok(())
    }

    pub(super) async fn put_bytes(&self, key: &Key, bytes: Bytes) -> io::Result<()> {
        let _turn = self.puts.acquire().await.map_err(io::Error::other)?;
        self.store.put(&self.path(key), PutPayload::from(bytes)).await?;
        Ok(())
    }

    pub(super) async fn read(&self, key: &Key) -> io::Result<Bytes> {
        Ok(self.store.get(&self.path(key)).await?.bytes().await?)
    }

    pub(super) async fn head(&self, key: &Key) -> io::Result<Option<Meta>> {
        match self.store.head(&self.path(key)).await {
            Ok(m) => {
                let etag = match m.e_tag {
                    Some(t) if t.starts_with('"') || t.starts_with("W/") => t,
                    Some(t) => format!("\"{t}\""),
                    None => format!("\"{:x}-{:x}\"", m.size, m.last_modified.timestamp()),
                };
                Ok(Some(Meta { size: m.size, modified: m.last_modified.into(), etag }))
            }
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    pub(super) async fn read_range(&self, key: &Key, range: Range<u64>) -> io::Result<ByteStream> {
        let options = GetOptions { range: Some(GetRange::Bounded(range)), ..Default::default() };
        let stream = self.reader.get_opts(&self.path(key), options).await?.into_stream();
        let stream = futures_util::stream::unfold(Some(stream), |stream| async move {
            let mut stream = stream?;
            match tokio::time::timeout(READ_IDLE, stream.next()).await {
                Ok(Some(Ok(bytes))) => Some((Ok(bytes), Some(stream))),
                Ok(Some(Err(e))) => Some((Err(e.into()), None)),
                Ok(None) => None,
                Err(_) => Some((Err(io::Error::new(io::ErrorKind::TimedOut, "the bucket stopped sending")), None)),
            }
        });
        Ok(stream.boxed())
    }

    pub(super) async fn delete(&self, key: &Key) -> io::Result<()> {
        match self.store.delete(&self.path(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn virtual_hosted_requests_put_the_bucket_in_the_host() {
        assert_eq!(
            virtual_hosted("https://s3.fr-par.scw.cloud", "tremplin").unwrap(),
            "https://tremplin.s3.fr-par.scw.cloud"
        );
        assert_eq!(virtual_hosted("http://minio.local:9000/", "b").unwrap(), "http://b.minio.local:9000");
    }

    #[test]
    fn objects_are_named_like_local_files_under_the_prefix() {
        let mut c = S3Config {
            bucket: "b".into(),
            endpoint: Some("http://127.0.0.1:9000".into()),
            region: "us-east-1".into(),
            access_key_id: Some("k".into()),
            secret_access_key: Some("s".into()),
            path_style: true,
            prefix: String::new(),
        };
        let key = Key::new(super::super::Area::Library, "0a1b.light").unwrap();
        assert_eq!(S3::new(&c).unwrap().path(&key).as_ref(), "library/0a1b.light");
        c.prefix = "/tremplin/prod/".into();
        assert_eq!(S3::new(&c).unwrap().path(&key).as_ref(), "tremplin/prod/library/0a1b.light");
    }
}
