//! Stored files in an S3-compatible bucket: the app is configured with `[storage]` pointing
//! at a real S3 server (s3s-fs, started in this process on a random port, its bucket a
//! directory) and driven over HTTP as usual. Library files, application attachments and
//! finished resumable uploads go to the bucket and come back whole or by range; deleted,
//! they leave the bucket.

use std::path::PathBuf;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tremplin::config::{Overrides, StorageOverrides};
use tremplin::domain::tus::Metadata;

use crate::helpers::{client, header, spawn_app_configured, TestApp, PASSWORD};

const BUCKET: &str = "tremplin-test";
const ACCESS_KEY: &str = "tremplin-test-access";
const SECRET_KEY: &str = "tremplin-test-secret-key";
const PROGRAMME: &str = "connexions-citoyennes";
const CALL: &str = "connexions-citoyennes-prochaine-promotion";
const MB: usize = 1024 * 1024;

/// An S3 server on 127.0.0.1 (s3s-fs: the S3 protocol, signatures checked, over a
/// directory), with one bucket, for as long as the value lives.
struct S3Server {
    endpoint: String,
    root: PathBuf,
    task: tokio::task::JoinHandle<()>,
}

impl S3Server {
    async fn start() -> S3Server {
        let root = std::env::temp_dir().join(format!("tremplin-s3-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(root.join(BUCKET)).unwrap();
        let fs = s3s_fs::FileSystem::new(&root).unwrap();
        let mut builder = s3s::service::S3ServiceBuilder::new(fs);
        builder.set_auth(s3s::auth::SimpleAuth::from_single(ACCESS_KEY, SECRET_KEY));
        let service = builder.build();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let service = service.clone();
                tokio::spawn(async move {
                    let io = hyper_util::rt::TokioIo::new(socket);
                    let _ = hyper::server::conn::http1::Builder::new().serve_connection(io, service).await;
                });
            }
        });
        S3Server { endpoint: format!("http://{addr}"), root, task }
    }

    /// The settings of a deployment that uses this server.
    fn configure(&self, o: &mut Overrides, prefix: &str) {
        o.storage = StorageOverrides {
            backend: Some("s3".into()),
            bucket: Some(BUCKET.into()),
            endpoint: Some(self.endpoint.clone()),
            region: Some("us-east-1".into()),
            access_key_id: Some(ACCESS_KEY.into()),
            secret_access_key: Some(SECRET_KEY.into()),
            path_style: Some(true),
            prefix: Some(prefix.into()),
        };
    }

    /// Where the server keeps an object.
    fn object(&self, name: &str) -> PathBuf {
        self.root.join(BUCKET).join(name)
    }

    fn objects_in(&self, dir: &str) -> usize {
        std::fs::read_dir(self.object(dir)).map(|d| d.count()).unwrap_or(0)
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        self.task.abort();
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// Files of the data directory's `dir` other than staging files (`.…`): with a bucket there
/// should be none.
fn local_files(app: &TestApp, dir: &str) -> Vec<String> {
    std::fs::read_dir(app.data_dir.join(dir))
        .map(|d| d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default()
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// A PDF of `len` bytes whose content varies along the file (so a wrong range shows).
fn pdf(len: usize) -> Vec<u8> {
    let mut v = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n".to_vec();
    let mut x: u32 = 2463534242;
    while v.len() < len - 7 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        v.push(b'0' + (x % 75) as u8);
    }
    v.extend_from_slice(b"\n%%EOF\n");
    v
}

fn png(w: u32, h: u32) -> Vec<u8> {
    let mut out = vec![];
    image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x % 255) as u8, (y % 255) as u8, 90]))
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

async fn get_range(app: &TestApp, path: &str, range: &str) -> reqwest::Response {
    app.client.get(app.url(path)).header("Range", range).send().await.unwrap()
}

#[tokio::test]
async fn library_files_live_in_the_bucket_and_are_served_by_range() {
    let s3 = S3Server::start().await;
    let app = spawn_app_configured(true, |o| s3.configure(o, "")).await;
    let manager = app.demo_client("responsable@cfi.demo").await;
    let api = app.url(&format!("/api/v1/programmes/{PROGRAMME}/media"));

    // The demo's library went to the bucket too.
    let demo: Value = manager.get(&api).send().await.unwrap().json().await.unwrap();
    for m in demo.as_array().unwrap() {
        assert!(s3.object(&format!("library/{}", m["id"].as_str().unwrap())).exists(), "{m}");
    }

    // An image: original and light variant in the bucket, none on the local disk.
    let image = png(1600, 900);
    let r = manager.post(format!("{api}?name=carte.png&title=Carte")).body(image.clone()).send().await.unwrap();
    assert_eq!(r.status(), 201);
    let m: Value = r.json().await.unwrap();
    let image_id = m["id"].as_str().unwrap().to_owned();
    assert_eq!(std::fs::read(s3.object(&format!("library/{image_id}"))).unwrap(), image);
    assert!(s3.object(&format!("library/{image_id}.light")).exists());
    let light = app.get(m["url"].as_str().unwrap()).await;
    assert_eq!(light.status(), 200);
    assert_eq!(header(light.headers(), "content-type"), "image/jpeg");
    let light = image::load_from_memory(&light.bytes().await.unwrap()).unwrap();
    assert!(light.width() <= 960 && light.height() <= 540);

    // A 20 MB file: sent to the bucket in parts, read back whole and by ranges.
    let big = pdf(20 * MB + 12_345);
    let r = manager.post(format!("{api}?name=guide.pdf&title=Guide")).body(big.clone()).send().await.unwrap();
    assert_eq!(r.status(), 201);
    let m: Value = r.json().await.unwrap();
    let id = m["id"].as_str().unwrap().to_owned();
    assert_eq!(sha256(&std::fs::read(s3.object(&format!("library/{id}"))).unwrap()), sha256(&big));
    assert!(local_files(&app, "library").iter().all(|f| f.starts_with('.')), "{:?}", local_files(&app, "library"));
    let original = format!("/medias/{id}/original");

    let whole = app.get(&original).await;
    assert_eq!(whole.status(), 200);
    assert_eq!(header(whole.headers(), "content-type"), "application/pdf");
    assert_eq!(header(whole.headers(), "accept-ranges"), "bytes");
    assert_eq!(header(whole.headers(), "content-length"), big.len().to_string());
    let etag = header(whole.headers(), "etag").to_owned();
    assert!(!etag.is_empty());
    assert_eq!(sha256(&whole.bytes().await.unwrap()), sha256(&big));

    let r = get_range(&app, &original, "bytes=10000000-10000099").await;
    assert_eq!(r.status(), 206);
    assert_eq!(header(r.headers(), "content-range"), format!("bytes 10000000-10000099/{}", big.len()));
    assert_eq!(r.bytes().await.unwrap().as_ref(), &big[10_000_000..10_000_100]);
    let r = get_range(&app, &original, "bytes=-100").await;
    assert_eq!(r.status(), 206);
    assert_eq!(r.bytes().await.unwrap().as_ref(), &big[big.len() - 100..]);
    let r = get_range(&app, &original, "bytes=19000000-").await;
    assert_eq!(header(r.headers(), "content-length"), (big.len() - 19_000_000).to_string());
    assert_eq!(r.bytes().await.unwrap().as_ref(), &big[19_000_000..]);
    let r = get_range(&app, &original, &format!("bytes={}-", big.len())).await;
    assert_eq!(r.status(), 416, "past the end");

    // Conditional requests: a phone that has the file is told so; a stale range gets it all.
    let r = app.client.get(app.url(&original)).header("If-None-Match", &etag).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    let r = app
        .client
        .get(app.url(&original))
        .header("Range", "bytes=0-9")
        .header("If-Range", "\"another-version\"")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    drop(r);
    let r = app.client.get(app.url(&original)).header("If-Match", "\"another-version\"").send().await.unwrap();
    assert_eq!(r.status(), 412);
    let r = app.client.head(app.url(&original)).send().await.unwrap();
    assert_eq!((r.status(), header(r.headers(), "content-length")), (StatusCode::OK, big.len().to_string().as_str()));

    // Deleted: gone from the bucket.
    for gone in [&id, &image_id] {
        assert_eq!(manager.delete(format!("{api}/{gone}")).send().await.unwrap().status(), 204);
        assert_eq!(app.get(&format!("/medias/{gone}")).await.status(), 404);
        assert!(!s3.object(&format!("library/{gone}")).exists());
        assert!(!s3.object(&format!("library/{gone}.light")).exists());
    }
}

#[tokio::test]
async fn covers_are_stored_in_the_bucket() {
    let s3 = S3Server::start().await;
    let app = spawn_app_configured(true, |o| s3.configure(o, "")).await;
    let html = app.get(&format!("/programmes/{PROGRAMME}")).await.text().await.unwrap();
    let cover = html.split("src=\"/media/").nth(1).expect("the demo programme has a cover").split('"').next().unwrap();
    assert!(s3.object(&format!("media/{cover}")).exists());
    assert!(local_files(&app, "media").is_empty());
    let r = app.get(&format!("/media/{cover}")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(header(r.headers(), "content-type"), "image/jpeg");
    assert!(header(r.headers(), "cache-control").contains("immutable"));
    assert!(image::load_from_memory(&r.bytes().await.unwrap()).is_ok());
    assert_eq!(app.get("/media/nothing-here.jpg").await.status(), 404);
}

#[tokio::test]
async fn an_application_attachment_is_kept_in_the_bucket() {
    let s3 = S3Server::start().await;
    let app = spawn_app_configured(true, |o| s3.configure(o, "")).await;
    let demo_files = app.count("SELECT COUNT(*) FROM attachments").await;
    assert!(demo_files > 0);
    assert_eq!(s3.objects_in("attachments") as i64, demo_files, "the demo's attachments are in the bucket");

    app.confirmed_user("awa@example.sn").await;
    let awa = client();
    awa.post(app.url("/api/v1/session"))
        .json(&json!({"email": "awa@example.sn", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let bytes = pdf(300_000);
    let r = awa
        .post(app.url(&format!("/api/v1/calls/{CALL}/application/files/q21?name=projet.pdf")))
        .header("content-type", "application/octet-stream")
        .body(bytes.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let id = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    assert_eq!(std::fs::read(s3.object(&format!("attachments/{id}"))).unwrap(), bytes);
    assert!(!app.data_dir.join("attachments").join(&id).exists(), "not on the local disk");
    assert!(local_files(&app, "attachments").is_empty(), "no staging file left");

    let r = awa.get(app.url(&format!("/api/v1/files/{id}"))).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(header(r.headers(), "content-type"), "application/pdf");
    assert!(header(r.headers(), "content-disposition").starts_with("attachment;"));
    assert_eq!(header(r.headers(), "cache-control"), "private, no-store");
    assert_eq!(r.bytes().await.unwrap().as_ref(), bytes.as_slice());
    let r = awa.get(app.url(&format!("/fichiers/{id}"))).header("Range", "bytes=1000-1999").send().await.unwrap();
    assert_eq!(r.status(), 206);
    assert_eq!(r.bytes().await.unwrap().as_ref(), &bytes[1000..2000]);
    // Someone else is told it does not exist.
    app.confirmed_user("kofi@example.tg").await;
    let kofi = app.client_for("kofi@example.tg", PASSWORD).await;
    assert_eq!(kofi.get(app.url(&format!("/api/v1/files/{id}"))).send().await.unwrap().status(), 404);
}

fn tus_metadata(name: &str) -> String {
    let mut m = Metadata::default();
    m.insert("purpose", "exercise").unwrap();
    m.insert("filename", name).unwrap();
    m.encode()
}

#[tokio::test]
async fn a_finished_resumable_upload_is_moved_into_the_bucket() {
    let s3 = S3Server::start().await;
    let app = spawn_app_configured(false, |o| s3.configure(o, "/tremplin/")).await;
    let awa = {
        app.confirmed_user("awa@example.sn").await;
        app.client_for("awa@example.sn", PASSWORD).await
    };
    // 12 MB: an MP4 header, then bytes that vary.
    let mut data = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom".to_vec();
    data.extend(pdf(12 * MB)[24..].iter().copied());
    let r = awa
        .post(app.url("/api/v1/uploads"))
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", data.len().to_string())
        .header("Upload-Metadata", tus_metadata("pitch.mp4"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let location = header(r.headers(), "location").to_owned();
    let id = location.rsplit('/').next().unwrap().to_owned();
    let mut offset = 0;
    for piece in data.chunks(5 * MB) {
        let r = awa
            .patch(app.url(&location))
            .header("Tus-Resumable", "1.0.0")
            .header("Upload-Offset", offset.to_string())
            .header("Content-Type", "application/offset+octet-stream")
            .body(piece.to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 204, "{}", r.text().await.unwrap());
        offset += piece.len();
        // While it arrives, the part file is on the local disk, and nothing in the bucket.
        if offset < data.len() {
            assert!(app.data_dir.join("uploads").join(format!("{id}.part")).exists());
            assert!(!s3.object(&format!("tremplin/uploads/{id}")).exists());
        }
    }
    let info: Value = awa.get(app.url(&location)).send().await.unwrap().json().await.unwrap();
    assert_eq!((info["complete"].as_bool(), info["type"].as_str()), (Some(true), Some("mp4")));
    assert_eq!(info["sha256"], sha256(&data).as_str());
    assert_eq!(sha256(&std::fs::read(s3.object(&format!("tremplin/uploads/{id}"))).unwrap()), sha256(&data));
    assert!(local_files(&app, "uploads").is_empty(), "{:?}", local_files(&app, "uploads"));

    // What other code (an exercise's answer) reads: the finished upload, by id.
    let inner = &app.server.as_ref().unwrap().app;
    let done = tremplin::uploads::open_completed(inner, &id).await.unwrap().expect("finished");
    assert_eq!((done.row.user_id > 0, done.media_type()), (true, "video/mp4"));
    let (meta, mut stream) = inner.storage.open(&done.key).await.unwrap();
    assert_eq!(meta.size, data.len() as u64);
    let mut hasher = Sha256::new();
    while let Some(chunk) = futures_util::StreamExt::next(&mut stream).await {
        hasher.update(chunk.unwrap());
    }
    assert_eq!(hasher.finalize().as_slice(), Sha256::digest(&data).as_slice());
    let mut headers = axum::http::HeaderMap::new();
    headers.insert("range", "bytes=6000000-6000009".parse().unwrap());
    let how = tremplin::storage::Serve { content_type: done.media_type(), cache_control: "private", disposition: None };
    let response =
        tremplin::storage::serve(&inner.storage, &done.key, &axum::http::Method::GET, &headers, how).await.unwrap();
    assert_eq!(response.status(), 206);
    let body = axum::body::to_bytes(response.into_body(), 100).await.unwrap();
    assert_eq!(body.as_ref(), &data[6_000_000..6_000_010]);
    let response = done.serve(inner, &axum::http::Method::HEAD, &axum::http::HeaderMap::new()).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "video/mp4");
    assert_eq!(response.headers()["content-length"], data.len().to_string().as_str());

    // An upload still arriving is not finished.
    let r = awa
        .post(app.url("/api/v1/uploads"))
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", "1000")
        .header("Upload-Metadata", tus_metadata("autre.mp4"))
        .send()
        .await
        .unwrap();
    let other = header(r.headers(), "location").rsplit('/').next().unwrap().to_owned();
    assert!(tremplin::uploads::open_completed(inner, &other).await.unwrap().is_none());
    assert!(tremplin::uploads::open_completed(inner, "0123456789abcdef0123456789abcdef").await.unwrap().is_none());

    // Termination removes it from the bucket.
    let r = awa.delete(app.url(&location)).header("Tus-Resumable", "1.0.0").send().await.unwrap();
    assert_eq!(r.status(), 204);
    assert!(!s3.object(&format!("tremplin/uploads/{id}")).exists());
}

/// A short video made by ffmpeg itself, or None without ffmpeg.
fn sample_video(dir: &std::path::Path) -> Option<Vec<u8>> {
    let out = dir.join("sample.mp4");
    let ok = std::process::Command::new("ffmpeg")
        .args(["-nostdin", "-y", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=854x480:rate=25"])
        .args(["-t", "2", "-c:v", "libx264", "-b:v", "2M"])
        .arg(&out)
        .status()
        .ok()?
        .success();
    ok.then(|| std::fs::read(&out).ok()).flatten()
}

#[tokio::test]
async fn the_video_worker_reads_and_writes_through_the_bucket() {
    let s3 = S3Server::start().await;
    let scratch = s3.root.join("scratch");
    std::fs::create_dir_all(&scratch).unwrap();
    let Some(video) = sample_video(&scratch) else {
        // scripts/test.sh installs ffmpeg.
        eprintln!("ffmpeg missing: skipped");
        return;
    };
    let app = spawn_app_configured(true, |o| s3.configure(o, "")).await;
    let manager = app.demo_client("responsable@cfi.demo").await;
    let api = app.url(&format!("/api/v1/programmes/{PROGRAMME}/media"));
    let r = manager.post(format!("{api}?name=pitch.mp4&title=Pitch")).body(video.clone()).send().await.unwrap();
    assert_eq!(r.status(), 201);
    let id = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let mut status = Value::Null;
    for _ in 0..240 {
        let list: Value = manager.get(&api).send().await.unwrap().json().await.unwrap();
        status = list.as_array().unwrap().iter().find(|x| x["id"] == id.as_str()).unwrap()["light_status"].clone();
        if status != "pending" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(status, "ready");
    let light = std::fs::read(s3.object(&format!("library/{id}.light"))).unwrap();
    assert!(light.len() < video.len());
    assert!(local_files(&app, "library").is_empty(), "no copy left behind: {:?}", local_files(&app, "library"));
    let r = get_range(&app, &format!("/medias/{id}"), "bytes=0-").await;
    assert_eq!(r.status(), 206);
    assert_eq!(header(r.headers(), "content-type"), "video/mp4");
    assert_eq!(r.bytes().await.unwrap().as_ref(), light.as_slice());
}
