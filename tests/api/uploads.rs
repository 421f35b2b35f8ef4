//! Resumable uploads (tus 1.0.0): a participant sends a large file in pieces; when the
//! connection drops she asks how much arrived and sends the rest, and nothing already
//! received is lost or sent twice.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tremplin::domain::tus::{ChecksumAlgorithm, Metadata, UploadChecksum};

use crate::crash::{start, wait_ready};
use crate::helpers::{client, drop_pg_database, header, new_pg_database, spawn_app, TestApp, PASSWORD};

const MB: u64 = 1024 * 1024;

/// Deterministic bytes of any length without holding them: a 1 MB pseudo-random block,
/// varied per megabyte, behind the first bytes of an MP4 file (so the type is accepted).
struct Data {
    block: Vec<u8>,
}

const MP4_HEAD: &[u8] = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom";

impl Data {
    fn new() -> Data {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let block = (0..MB)
            .map(|_| {
                // xorshift64*
                x ^= x >> 12;
                x ^= x << 25;
                x ^= x >> 27;
                (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8
            })
            .collect();
        Data { block }
    }

    fn byte(&self, p: u64) -> u8 {
        match MP4_HEAD.get(p as usize) {
            Some(b) => *b,
            None => self.block[(p % MB) as usize] ^ (p / MB) as u8,
        }
    }

    fn range(&self, from: u64, len: u64) -> Vec<u8> {
        (from..from + len).map(|p| self.byte(p)).collect()
    }

    fn sha256(&self, len: u64) -> String {
        let mut h = Sha256::new();
        let mut at = 0;
        while at < len {
            let n = MB.min(len - at);
            h.update(self.range(at, n));
            at += n;
        }
        hex(&h.finalize())
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn metadata(pairs: &[(&str, &str)]) -> String {
    let mut m = Metadata::default();
    for (k, v) in pairs {
        m.insert(k, v).unwrap();
    }
    m.encode()
}

/// A confirmed participant signed in with the session cookie.
async fn participant(app: &TestApp, email: &str) -> reqwest::Client {
    app.confirmed_user(email).await;
    let who = client();
    let r = who.post(app.url("/api/v1/session")).json(&json!({"email": email, "password": PASSWORD})).send().await;
    assert_eq!(r.unwrap().status(), 200);
    who
}

async fn create(who: &reqwest::Client, app: &TestApp, length: u64, name: &str) -> reqwest::Response {
    who.post(app.url("/api/v1/uploads"))
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", length.to_string())
        .header("Upload-Metadata", metadata(&[("purpose", "exercise"), ("filename", name), ("filetype", "video/mp4")]))
        .send()
        .await
        .unwrap()
}

/// Creates an upload and gives its address.
async fn new_upload(who: &reqwest::Client, app: &TestApp, length: u64) -> String {
    let r = create(who, app, length, "pitch.mp4").await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    header(r.headers(), "location").to_owned()
}

async fn head(who: &reqwest::Client, app: &TestApp, location: &str) -> reqwest::Response {
    who.head(app.url(location)).header("Tus-Resumable", "1.0.0").send().await.unwrap()
}

async fn offset_of(who: &reqwest::Client, app: &TestApp, location: &str) -> u64 {
    let r = head(who, app, location).await;
    assert_eq!(r.status(), 200);
    header(r.headers(), "upload-offset").parse().unwrap()
}

async fn patch(who: &reqwest::Client, app: &TestApp, location: &str, offset: u64, bytes: Vec<u8>) -> reqwest::Response {
    who.patch(app.url(location))
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Offset", offset.to_string())
        .header("Content-Type", "application/offset+octet-stream")
        .body(bytes)
        .send()
        .await
        .unwrap()
}

fn id_of(location: &str) -> &str {
    location.rsplit('/').next().unwrap()
}

fn part_len(app: &TestApp, location: &str) -> u64 {
    std::fs::metadata(app.data_dir.join("uploads").join(format!("{}.part", id_of(location)))).map(|m| m.len()).unwrap()
}

#[tokio::test]
async fn options_tell_what_the_server_speaks() {
    let app = spawn_app().await;
    let r = app.client.request(reqwest::Method::OPTIONS, app.url("/api/v1/uploads")).send().await.unwrap();
    assert_eq!(r.status(), 204);
    let h = r.headers();
    assert_eq!(header(h, "tus-resumable"), "1.0.0");
    assert_eq!(header(h, "tus-version"), "1.0.0");
    assert_eq!(header(h, "tus-extension"), "creation,expiration,checksum,termination");
    assert_eq!(header(h, "tus-max-size"), (200 * MB).to_string());
    assert_eq!(header(h, "tus-checksum-algorithm"), "sha1,sha256");
}

#[tokio::test]
async fn the_upload_script_is_served_small_and_cached() {
    let app = spawn_app().await;
    let r = app.client.get(app.url(&tremplin::web::assets::upload_url())).header("accept-encoding", "gzip").send();
    let r = r.await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(header(r.headers(), "content-type"), "text/javascript; charset=utf-8");
    assert!(header(r.headers(), "cache-control").contains("immutable"));
    assert_eq!(header(r.headers(), "content-encoding"), "gzip");
    assert!(r.bytes().await.unwrap().len() < 4 * 1024, "a few KB on the wire");
}

#[tokio::test]
async fn a_file_is_created_sent_in_pieces_resumed_and_completed() {
    let app = spawn_app().await;
    let awa = participant(&app, "awa@example.sn").await;
    let data = Data::new();
    let len = 300 * 1024;
    let r = create(&awa, &app, len, "Pitch été.mp4").await;
    assert_eq!(r.status(), 201);
    assert_eq!(header(r.headers(), "tus-resumable"), "1.0.0");
    assert!(header(r.headers(), "upload-expires").ends_with(" GMT"));
    let location = header(r.headers(), "location").to_owned();
    assert!(location.starts_with("/api/v1/uploads/") && id_of(&location).len() == 32, "{location}");

    let r = head(&awa, &app, &location).await;
    assert_eq!(r.status(), 200);
    let h = r.headers();
    assert_eq!((header(h, "upload-offset"), header(h, "upload-length")), ("0", "307200"));
    assert_eq!(header(h, "cache-control"), "no-store");
    assert_eq!(header(h, "tus-resumable"), "1.0.0");
    let sent_back = Metadata::parse(header(h, "upload-metadata")).unwrap();
    assert_eq!((sent_back.filename(), sent_back.get("purpose")), (Some("Pitch été.mp4"), Some("exercise")));

    let r = patch(&awa, &app, &location, 0, data.range(0, 100 * 1024)).await;
    assert_eq!(r.status(), 204);
    assert_eq!(header(r.headers(), "upload-offset"), "102400");
    assert!(header(r.headers(), "upload-expires").ends_with(" GMT"));
    assert_eq!(header(r.headers(), "tus-resumable"), "1.0.0");
    assert_eq!(offset_of(&awa, &app, &location).await, 102_400);

    // A piece with its checksum, then the last one.
    let piece = data.range(102_400, 100 * 1024);
    let checksum = UploadChecksum::of(ChecksumAlgorithm::Sha256, &piece).encode();
    let r = awa
        .patch(app.url(&location))
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Offset", "102400")
        .header("Upload-Checksum", checksum)
        .header("Content-Type", "application/offset+octet-stream")
        .body(piece)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let r = patch(&awa, &app, &location, 204_800, data.range(204_800, len - 204_800)).await;
    assert_eq!(r.status(), 204);
    assert_eq!(header(r.headers(), "upload-offset"), "307200");
    assert_eq!(header(r.headers(), "upload-expires"), "", "a complete upload does not expire");

    let info: Value = awa.get(app.url(&location)).send().await.unwrap().json().await.unwrap();
    assert_eq!(info["complete"], true);
    assert_eq!(info["type"], "mp4");
    assert_eq!(info["name"], "Pitch été.mp4");
    assert_eq!(info["sha256"], data.sha256(len).as_str());
    let on_disk = std::fs::read(app.data_dir.join("uploads").join(id_of(&location))).unwrap();
    assert_eq!(on_disk, data.range(0, len), "the finished file is in place, intact");
    assert!(!app.data_dir.join("uploads").join(format!("{}.part", id_of(&location))).exists());

    // Nothing more to send; a HEAD still answers.
    let r = patch(&awa, &app, &location, len, vec![1]).await;
    assert_eq!(r.status(), 409);
    assert_eq!(r.json::<Value>().await.unwrap()["error"]["code"], "upload_complete");
    assert_eq!(offset_of(&awa, &app, &location).await, len);

    // Termination removes row and file.
    let r = awa.delete(app.url(&location)).header("Tus-Resumable", "1.0.0").send().await.unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(header(r.headers(), "tus-resumable"), "1.0.0");
    assert_eq!(head(&awa, &app, &location).await.status(), 404);
    assert!(!app.data_dir.join("uploads").join(id_of(&location)).exists());
}

#[tokio::test]
async fn refused_pieces_change_nothing() {
    let app = spawn_app().await;
    let awa = participant(&app, "awa@example.sn").await;
    let data = Data::new();
    let location = new_upload(&awa, &app, 200_000).await;
    assert_eq!(patch(&awa, &app, &location, 0, data.range(0, 50_000)).await.status(), 204);

    // Wrong offset: 409, with the offset to resume from in the person's language.
    let r = patch(&awa, &app, &location, 10, data.range(10, 1000)).await;
    assert_eq!(r.status(), 409);
    assert_eq!(header(r.headers(), "tus-resumable"), "1.0.0");
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["code"], "offset_mismatch");
    assert!(e["error"]["message"].as_str().unwrap().contains("octet 50000"), "{e}");
    assert_eq!((offset_of(&awa, &app, &location).await, part_len(&app, &location)), (50_000, 50_000));

    // A damaged piece: 460, discarded whole.
    let piece = data.range(50_000, 30_000);
    let mut damaged = piece.clone();
    damaged[29_999] ^= 1;
    let r = awa
        .patch(app.url(&location))
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Offset", "50000")
        .header("Upload-Checksum", UploadChecksum::of(ChecksumAlgorithm::Sha1, &piece).encode())
        .header("Content-Type", "application/offset+octet-stream")
        .header("Accept-Language", "en")
        .body(damaged)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 460);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["code"], "checksum_mismatch");
    assert_eq!((offset_of(&awa, &app, &location).await, part_len(&app, &location)), (50_000, 50_000));

    // Malformed or unknown checksums, wrong content type, no version: refused before reading.
    let send = |checksum: &'static str, content_type: &'static str, version: &'static str| {
        awa.patch(app.url(&location))
            .header("Tus-Resumable", version)
            .header("Upload-Offset", "50000")
            .header("Upload-Checksum", checksum)
            .header("Content-Type", content_type)
            .body(data.range(50_000, 100))
            .send()
    };
    let ok_ct = "application/offset+octet-stream";
    assert_eq!(send("md5 XUFAKrxLKna5cZ2REBfFkg==", ok_ct, "1.0.0").await.unwrap().status(), 400);
    assert_eq!(send("sha1 !!!", ok_ct, "1.0.0").await.unwrap().status(), 400);
    let r = send("sha1 qvTGHdzF6KLavt4PO0gs2a6pQ00=", "application/octet-stream", "1.0.0").await.unwrap();
    assert_eq!(r.status(), 415);
    assert_eq!(r.json::<Value>().await.unwrap()["error"]["code"], "unsupported_media_type");
    let r = send("sha1 qvTGHdzF6KLavt4PO0gs2a6pQ00=", ok_ct, "0.2.2").await.unwrap();
    assert_eq!(r.status(), 412);
    assert_eq!(header(r.headers(), "tus-version"), "1.0.0");
    let r = patch(&awa, &app, &location, 50_000, data.range(50_000, 150_001)).await;
    assert_eq!(r.status(), 413, "past the upload's length");
    assert_eq!((offset_of(&awa, &app, &location).await, part_len(&app, &location)), (50_000, 50_000));

    // The rest arrives; the file is whole.
    assert_eq!(patch(&awa, &app, &location, 50_000, data.range(50_000, 150_000)).await.status(), 204);
    let info: Value = awa.get(app.url(&location)).send().await.unwrap().json().await.unwrap();
    assert_eq!(info["sha256"], data.sha256(200_000).as_str());
}

#[tokio::test]
async fn pieces_above_8_mb_are_refused_before_they_are_sent() {
    let app = spawn_app().await;
    let awa = participant(&app, "awa@example.sn").await;
    let token = token_of(&app, &awa).await;
    let location = new_upload(&awa, &app, 20 * MB).await;
    let addr: SocketAddr = app.base.trim_start_matches("http://").parse().unwrap();
    let mut s = connect(addr).await;
    send_patch_head(&mut s, &token, &location, 0, 9 * MB).await;
    let (status, headers, body) = read_response(&mut s).await;
    assert_eq!(status, 413);
    assert!(headers.contains("tus-resumable: 1.0.0"), "{headers}");
    let e: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(e["error"]["code"], "upload_chunk_too_large");
    assert!(e["error"]["message"].as_str().unwrap().contains("8 Mo"), "{e}");
    assert_eq!(offset_of(&awa, &app, &location).await, 0);
}

#[tokio::test]
async fn creations_are_checked() {
    let app = spawn_app().await;
    let r = create(&app.client, &app, 1000, "a.mp4").await;
    assert_eq!(r.status(), 401, "signed-in people only");
    assert_eq!(header(r.headers(), "tus-resumable"), "1.0.0");
    let awa = participant(&app, "awa@example.sn").await;
    let r = create(&awa, &app, 200 * MB + 1, "long.mp4").await;
    assert_eq!(r.status(), 413);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["code"], "upload_too_large");
    assert!(e["error"]["message"].as_str().unwrap().contains("taille maximale"), "{e}");
    assert_eq!(create(&awa, &app, 200 * MB, "long.mp4").await.status(), 201, "the limit itself is accepted");
    assert_eq!(create(&awa, &app, 0, "vide.mp4").await.status(), 422);

    let post = |length: &'static str, meta: String, version: &'static str| {
        awa.post(app.url("/api/v1/uploads"))
            .header("Tus-Resumable", version)
            .header("Upload-Length", length)
            .header("Upload-Metadata", meta)
            .send()
    };
    let exercise = metadata(&[("purpose", "exercise")]);
    assert_eq!(post("12", exercise.clone(), "1.0.0").await.unwrap().status(), 201);
    assert_eq!(post("-1", exercise.clone(), "1.0.0").await.unwrap().status(), 400);
    assert_eq!(post("", exercise.clone(), "1.0.0").await.unwrap().status(), 400);
    assert_eq!(post("12", "purpose !!!".into(), "1.0.0").await.unwrap().status(), 400);
    let r = post("12", metadata(&[("purpose", "avatar")]), "1.0.0").await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.json::<Value>().await.unwrap()["error"]["fields"]["purpose"].is_string());
    assert_eq!(post("12", String::new(), "1.0.0").await.unwrap().status(), 422, "a purpose is required");
    let r = post("12", exercise, "").await.unwrap();
    assert_eq!((r.status().as_u16(), header(r.headers(), "tus-version")), (412, "1.0.0"));
}

#[tokio::test]
async fn nobody_else_can_see_resume_or_delete_an_upload() {
    let app = spawn_app().await;
    let awa = participant(&app, "awa@example.sn").await;
    let kofi = participant(&app, "kofi@example.tg").await;
    let data = Data::new();
    let location = new_upload(&awa, &app, 1000).await;
    assert_eq!(patch(&awa, &app, &location, 0, data.range(0, 100)).await.status(), 204);
    assert_eq!(head(&kofi, &app, &location).await.status(), 404);
    assert_eq!(patch(&kofi, &app, &location, 100, data.range(100, 900)).await.status(), 404);
    assert_eq!(kofi.get(app.url(&location)).send().await.unwrap().status(), 404);
    let r = kofi.delete(app.url(&location)).header("Tus-Resumable", "1.0.0").send().await.unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(head(&awa, &app, "/api/v1/uploads/../../tremplin.db").await.status(), 404);
    assert_eq!(head(&awa, &app, "/api/v1/uploads/0123456789abcdef0123456789abcdef").await.status(), 404);
    assert_eq!(offset_of(&awa, &app, &location).await, 100, "untouched");
}

#[tokio::test]
async fn a_file_of_a_refused_type_is_refused_once_its_first_bytes_arrive() {
    let app = spawn_app().await;
    let awa = participant(&app, "awa@example.sn").await;
    let location = new_upload(&awa, &app, 5 * MB).await;
    let mut program = b"MZ\x90\0\x03\0\0\0".to_vec();
    program.resize(64 * 1024, 0);
    let r = patch(&awa, &app, &location, 0, program).await;
    assert_eq!(r.status(), 422);
    let e: Value = r.json().await.unwrap();
    assert!(e["error"]["fields"]["file"].as_str().unwrap().contains("MP4"), "{e}");
    assert_eq!(head(&awa, &app, &location).await.status(), 404, "the upload is gone, not left to fill the disk");
    assert!(!app.data_dir.join("uploads").join(format!("{}.part", id_of(&location))).exists());
}

#[tokio::test]
async fn expired_uploads_answer_410_and_are_swept() {
    let app = spawn_app().await;
    let awa = participant(&app, "awa@example.sn").await;
    let data = Data::new();
    let location = new_upload(&awa, &app, 1000).await;
    let kept = new_upload(&awa, &app, 1000).await;
    assert_eq!(patch(&awa, &app, &location, 0, data.range(0, 100)).await.status(), 204);
    sqlx::query("UPDATE uploads SET expires_at = $1 WHERE id = $2")
        .bind(tremplin::domain::time::unix_now() - 1)
        .bind(id_of(&location))
        .execute(&app.db().pool)
        .await
        .unwrap();
    let r = head(&awa, &app, &location).await;
    assert_eq!((r.status().as_u16(), header(r.headers(), "tus-resumable")), (410, "1.0.0"));
    let r = patch(&awa, &app, &location, 100, data.range(100, 900)).await;
    assert_eq!(r.status(), 410);
    assert_eq!(r.json::<Value>().await.unwrap()["error"]["code"], "upload_expired");

    // A part file no row names (a crash between file and row), old enough to be an orphan.
    let orphan = app.data_dir.join("uploads").join("00000000000000000000000000000000.part");
    std::fs::write(&orphan, b"lost").unwrap();
    let two_hours_ago = std::time::SystemTime::now() - Duration::from_secs(7200);
    std::fs::File::options().write(true).open(&orphan).unwrap().set_modified(two_hours_ago).unwrap();

    let app_state = &app.server.as_ref().unwrap().app;
    assert_eq!(tremplin::uploads::sweep(app_state).await.unwrap(), 2);
    assert_eq!(head(&awa, &app, &location).await.status(), 404);
    assert!(!app.data_dir.join("uploads").join(format!("{}.part", id_of(&location))).exists());
    assert!(!orphan.exists());
    assert_eq!(offset_of(&awa, &app, &kept).await, 0, "uploads still alive are kept");
    assert_eq!(part_len(&app, &kept), 0);
}

#[tokio::test]
async fn unfinished_uploads_go_with_a_deleted_account() {
    let app = spawn_app().await;
    let awa = participant(&app, "awa@example.sn").await;
    let data = Data::new();
    let location = new_upload(&awa, &app, 1000).await;
    assert_eq!(patch(&awa, &app, &location, 0, data.range(0, 100)).await.status(), 204);
    let r = awa.post(app.url("/api/v1/me/delete")).json(&json!({"password": PASSWORD})).send().await.unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(app.count("SELECT COUNT(*) FROM uploads").await, 0);
    assert!(!app.data_dir.join("uploads").join(format!("{}.part", id_of(&location))).exists());
}

#[tokio::test]
async fn a_piece_whose_connection_goes_silent_is_kept_when_the_phone_comes_back() {
    let app = spawn_app().await;
    let awa = participant(&app, "awa@example.sn").await;
    let token = token_of(&app, &awa).await;
    let data = Data::new();
    let len = 3 * MB;
    let location = new_upload(&awa, &app, len).await;
    let addr: SocketAddr = app.base.trim_start_matches("http://").parse().unwrap();

    // 1 MB of a 2 MB piece goes through, then the network goes quiet: the socket stays open.
    let mut silent = connect(addr).await;
    send_patch_head(&mut silent, &token, &location, 0, 2 * MB).await;
    expect_continue(&mut silent).await.unwrap();
    silent.write_all(&data.range(0, MB)).await.unwrap();
    silent.flush().await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;

    // Back on the network (a new connection): the HEAD makes the stalled request stop and
    // counts what it received.
    assert_eq!(offset_of(&awa, &app, &location).await, MB);
    assert_eq!(patch(&awa, &app, &location, MB, data.range(MB, 2 * MB)).await.status(), 204);
    drop(silent);
    let info: Value = awa.get(app.url(&location)).send().await.unwrap().json().await.unwrap();
    assert_eq!(info["sha256"], data.sha256(len).as_str());
}

/// The performance test of DESIGN.md's "video upload that survives a dropped connection":
/// 100 MB through a client whose connection drops every 5 MB — closed, reset, or gone
/// silent in turn — resuming each time from the server's offset.
#[tokio::test]
async fn a_100_mb_upload_survives_a_connection_dropped_every_5_mb() {
    let app = spawn_app().await;
    let awa = participant(&app, "awa@example.sn").await;
    let token = token_of(&app, &awa).await;
    let data = Data::new();
    let len = 100 * MB;
    let (piece_max, drop_after) = (8 * MB, 5 * MB);
    let addr: SocketAddr = app.base.trim_start_matches("http://").parse().unwrap();
    let started = Instant::now();
    let location = new_upload(&awa, &app, len).await;
    let (mut sent, mut drops, mut requests) = (0u64, 0u32, 0u32);
    let mut silent = vec![];
    loop {
        let offset = offset_of(&awa, &app, &location).await;
        if offset == len {
            break;
        }
        assert!(requests < 100, "no progress: stuck at {offset}");
        requests += 1;
        let piece = piece_max.min(len - offset);
        let cut = drop_after.min(piece);
        let mut s = connect(addr).await;
        send_patch_head(&mut s, &token, &location, offset, piece).await;
        if let Err(status) = expect_continue(&mut s).await {
            panic!("PATCH at {offset} refused with {status}");
        }
        let mut at = offset;
        while at < offset + cut {
            let n = (256 * 1024).min(offset + cut - at);
            s.write_all(&data.range(at, n)).await.unwrap();
            at += n;
        }
        sent += cut;
        if cut == piece {
            let (status, headers, _) = read_response(&mut s).await;
            assert_eq!(status, 204, "{headers}");
            continue;
        }
        drops += 1;
        match drops % 3 {
            0 => {
                s.shutdown().await.unwrap();
                drop(s);
            }
            1 => {
                s.set_zero_linger().unwrap();
                drop(s);
            }
            _ => silent.push(s),
        }
    }
    let elapsed = started.elapsed();
    drop(silent);
    let info: Value = awa.get(app.url(&location)).send().await.unwrap().json().await.unwrap();
    let expected = data.sha256(len);
    assert_eq!(info["complete"], true);
    assert_eq!(info["sha256"], expected.as_str(), "the file arrived intact");
    let on_disk = app.data_dir.join("uploads").join(id_of(&location));
    assert_eq!(sha256_file(&on_disk), expected);
    let resent = sent - len;
    eprintln!(
        "100 MB upload, connection dropped every 5 MB: {drops} drops, {requests} PATCH requests, \
         {sent} bytes sent for {len} ({resent} re-sent, {:.3} %), {:.1} s",
        resent as f64 * 100.0 / len as f64,
        elapsed.as_secs_f64()
    );
    assert!(drops >= 19, "the connection really dropped every 5 MB ({drops})");
    assert!(resent * 20 <= len, "at most 5 % re-sent: {resent} bytes");
}

/// `kill -9` while a piece is arriving: after the restart the offset is the last one
/// recorded, every byte it counts is on disk, and the bytes written past it are cut off
/// when the client resumes.
#[tokio::test]
async fn a_server_killed_mid_piece_resumes_from_bytes_that_are_on_disk() {
    let id = uuid::Uuid::new_v4().simple().to_string();
    let dir = std::env::temp_dir().join(format!("tremplin-upload-crash-{id}"));
    let pg = new_pg_database(&id).await;
    let url = pg.as_ref().map(|(u, _)| u.clone());
    create_account(&dir, url.as_deref(), "awa@example.sn");
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = start(&dir, port, url.as_deref(), false);
    wait_ready(&base).await;
    let awa = client();
    let r = awa.post(format!("{base}/api/v1/session")).json(&json!({"email": "awa@example.sn", "password": PASSWORD}));
    assert_eq!(r.send().await.unwrap().status(), 200);
    let token = awa.post(format!("{base}/api/v1/me/tokens")).json(&json!({"name": "t"})).send().await.unwrap();
    let token = token.json::<Value>().await.unwrap()["secret"].as_str().unwrap().to_owned();

    let data = Data::new();
    let len = 12 * MB;
    let r = awa
        .post(format!("{base}/api/v1/uploads"))
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", len.to_string())
        .header("Upload-Metadata", metadata(&[("purpose", "exercise"), ("filename", "pitch.mp4")]))
        .send()
        .await
        .unwrap();
    let location = header(r.headers(), "location").to_owned();
    let patch_at = |offset: u64, n: u64| {
        awa.patch(format!("{base}{location}"))
            .header("Tus-Resumable", "1.0.0")
            .header("Upload-Offset", offset.to_string())
            .header("Content-Type", "application/offset+octet-stream")
            .body(data.range(offset, n))
            .send()
    };
    assert_eq!(patch_at(0, 4 * MB).await.unwrap().status(), 204);

    // 3 MB of the next piece arrive and are written, then the server dies.
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let mut s = connect(addr).await;
    send_patch_head(&mut s, &token, &location, 4 * MB, 8 * MB).await;
    expect_continue(&mut s).await.unwrap();
    s.write_all(&data.range(4 * MB, 3 * MB)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    server.0.kill().unwrap();
    server.0.wait().unwrap();
    drop(s);
    let part = dir.join("uploads").join(format!("{}.part", id_of(&location)));
    let on_disk = std::fs::metadata(&part).unwrap().len();
    assert!(on_disk > 4 * MB, "bytes written but not counted: {on_disk}");

    let _server = start(&dir, port, url.as_deref(), false);
    wait_ready(&base).await;
    let r = awa.head(format!("{base}{location}")).header("Tus-Resumable", "1.0.0").send().await.unwrap();
    assert_eq!(header(r.headers(), "upload-offset"), (4 * MB).to_string(), "the last offset recorded");
    assert_eq!(std::fs::read(&part).unwrap()[..4 * MB as usize], data.range(0, 4 * MB)[..], "counted bytes intact");
    assert_eq!(patch_at(4 * MB, 8 * MB).await.unwrap().status(), 204);
    let info: Value = awa.get(format!("{base}{location}")).send().await.unwrap().json().await.unwrap();
    assert_eq!(info["sha256"], data.sha256(len).as_str(), "the bytes past the offset were cut off");
    drop(_server);
    if let Some((_, (admin, name))) = pg {
        drop_pg_database(&admin, &name).await;
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A confirmed account made with the command line, before the server starts.
fn create_account(dir: &std::path::Path, database_url: Option<&str>, email: &str) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut c = Command::new(env!("CARGO_BIN_EXE_tremplin"));
    c.arg("--data-dir").arg(dir).env("TREMPLIN_CONFIG", "/dev/null").env("RUST_LOG", "error");
    match database_url {
        Some(url) => c.env("DATABASE_URL", url),
        None => c.env_remove("DATABASE_URL"),
    };
    c.args(["user", "create", "--email", email, "--name", "Awa Diop", "--password-stdin"]);
    let mut child = c.stdin(Stdio::piped()).stdout(Stdio::null()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(PASSWORD.as_bytes()).unwrap();
    assert!(child.wait().unwrap().success());
}

fn sha256_file(path: &std::path::Path) -> String {
    use std::io::Read;
    let mut f = std::fs::File::open(path).unwrap();
    let mut h = Sha256::new();
    let mut buf = vec![0u8; MB as usize];
    loop {
        let n = f.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    hex(&h.finalize())
}

/// A personal API token, for the raw HTTP client below.
async fn token_of(app: &TestApp, who: &reqwest::Client) -> String {
    let r = who.post(app.url("/api/v1/me/tokens")).json(&json!({"name": "téléphone"})).send().await.unwrap();
    assert_eq!(r.status(), 201);
    r.json::<Value>().await.unwrap()["secret"].as_str().unwrap().to_owned()
}

/// A client socket with a small send buffer, like the little a phone's link holds in
/// flight: bytes written are on their way, not piled up in the local kernel.
async fn connect(addr: SocketAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.set_send_buffer_size(64 * 1024).unwrap();
    socket.connect(addr).await.unwrap()
}

/// The head of a PATCH over a raw connection, asking for `100 Continue` before the body.
async fn send_patch_head(s: &mut TcpStream, token: &str, location: &str, offset: u64, length: u64) {
    let head = format!(
        "PATCH {location} HTTP/1.1\r\nHost: tremplin.test\r\nAuthorization: Bearer {token}\r\n\
         Tus-Resumable: 1.0.0\r\nUpload-Offset: {offset}\r\nContent-Type: application/offset+octet-stream\r\n\
         Content-Length: {length}\r\nExpect: 100-continue\r\n\r\n"
    );
    s.write_all(head.as_bytes()).await.unwrap();
}

/// Waits for `100 Continue`; a final answer instead is an error with its status.
async fn expect_continue(s: &mut TcpStream) -> Result<(), u16> {
    let (status, _, _) = read_response(s).await;
    if status == 100 {
        Ok(())
    } else {
        Err(status)
    }
}

/// Reads one response (interim or final): status, raw headers, body (by Content-Length).
async fn read_response(s: &mut TcpStream) -> (u16, String, String) {
    let mut buf = vec![];
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        let n = s.read(&mut byte).await.unwrap();
        assert_eq!(n, 1, "connection closed before the answer: {:?}", String::from_utf8_lossy(&buf));
        buf.push(byte[0]);
    }
    let headers = String::from_utf8(buf).unwrap().to_ascii_lowercase();
    let status: u16 = headers.split(' ').nth(1).unwrap().parse().unwrap();
    let length: usize =
        headers.lines().find_map(|l| l.strip_prefix("content-length:")).map(|v| v.trim().parse().unwrap()).unwrap_or(0);
    let mut body = vec![0u8; length];
    s.read_exact(&mut body).await.unwrap();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}
