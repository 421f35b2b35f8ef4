//! A `kill -9` of the server in the middle of a deadline rush: every submission the server
//! acknowledged (a 200 with a receipt) is there after the restart, with its receipt e-mail.
//! The real binary runs in its own process, on SQLite or PostgreSQL like the other tests.

use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{client, drop_pg_database, new_pg_database};

const CALL: &str = "connexions-citoyennes-prochaine-promotion";

pub struct Server(pub Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn start(dir: &std::path::Path, port: u16, database_url: Option<&str>, demo: bool) -> Server {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tremplin"));
    c.arg("--data-dir").arg(dir).env("TREMPLIN_CONFIG", "/dev/null").env("RUST_LOG", "error");
    match database_url {
        Some(url) => c.env("DATABASE_URL", url),
        None => c.env_remove("DATABASE_URL"),
    };
    c.args(["serve", "--addr", &format!("127.0.0.1:{port}")]);
    if demo {
        c.arg("--demo");
    }
    Server(c.stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("the tremplin binary starts"))
}

pub async fn wait_ready(base: &str) {
    for _ in 0..300 {
        if let Ok(r) = reqwest::get(format!("{base}/readyz")).await {
            if r.status() == 200 {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server did not become ready");
}

/// One applicant who edits and resubmits as fast as she can until the server dies; returns
/// the texts of the submissions that were acknowledged.
async fn applicant(base: String, k: usize, acknowledged: Arc<Mutex<Vec<(String, String)>>>) {
    let email = format!("candidat{k:03}@demo.invalid");
    let who = client();
    let r = who
        .post(format!("{base}/api/v1/session"))
        .json(&json!({"email": email, "password": tremplin::demo::DEMO_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let url = format!("{base}/api/v1/calls/{CALL}/application");
    for round in 0.. {
        let Ok(r) = who.get(&url).send().await else { return };
        let Ok(mine) = r.json::<Value>().await else { return };
        let mut answers = mine["answers"].clone();
        let text = format!("Version {round} de la candidature {k}");
        answers["q20"] = json!(text);
        let Ok(r) = who.put(&url).json(&json!({"revision": mine["revision"], "answers": answers})).send().await else {
            return;
        };
        let Ok(saved) = r.json::<Value>().await else { return };
        let Ok(r) = who.post(format!("{url}/submit")).json(&json!({"revision": saved["revision"]})).send().await else {
            return;
        };
        if r.status() == 200 && r.json::<Value>().await.is_ok_and(|v| v["status"] == "submitted") {
            acknowledged.lock().unwrap().push((email.clone(), text));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn no_acknowledged_submission_is_lost_when_the_server_is_killed_mid_rush() {
    let id = uuid::Uuid::new_v4().simple().to_string();
    let dir = std::env::temp_dir().join(format!("tremplin-crash-{id}"));
    let pg = new_pg_database(&id).await;
    let url = pg.as_ref().map(|(u, _)| u.clone());
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");

    let mut server = start(&dir, port, url.as_deref(), true);
    wait_ready(&base).await;
    // Demo applicants whose applications are sent (k % 10 not 6, 8 or 9) resubmit in a loop.
    let acknowledged = Arc::new(Mutex::new(vec![]));
    let rush: Vec<_> = (0..60)
        .filter(|k| ![6, 8, 9].contains(&(k % 10)))
        .map(|k| tokio::spawn(applicant(base.clone(), k, acknowledged.clone())))
        .collect();
    // Let the rush run, then kill the server without warning (SIGKILL).
    while acknowledged.lock().unwrap().len() < 60 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    server.0.kill().unwrap();
    server.0.wait().unwrap();
    for task in rush {
        task.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();

    // It starts again on the same data and every acknowledged submission is there.
    let _server = start(&dir, port, url.as_deref(), false);
    wait_ready(&base).await;
    let db = tremplin::store::Db::connect(url.as_deref(), &dir).await.unwrap();
    for (email, text) in &acknowledged {
        let versions: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM application_versions v JOIN applications a ON a.id = v.application_id \
             JOIN users u ON u.id = a.user_id WHERE u.email = $1 AND v.answers LIKE $2",
        )
        .bind(email)
        .bind(format!("%\"{text}\"%"))
        .fetch_one(&db.pool)
        .await
        .unwrap();
        assert_eq!(versions, 1, "{email}: acknowledged submission {text:?} kept once");
    }
    for email in acknowledged.iter().map(|(e, _)| e).collect::<std::collections::BTreeSet<_>>() {
        let acked = acknowledged.iter().filter(|(e, _)| e == email).count() as i64;
        let mails: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM outbox WHERE to_address = $1 AND subject LIKE 'Reçu de candidature%'",
        )
        .bind(email)
        .fetch_one(&db.pool)
        .await
        .unwrap();
        assert!(mails >= acked, "{email}: a receipt e-mail for each of {acked} acknowledged submissions ({mails})");
    }
    db.pool.close().await;
    drop(_server);
    if let Some((_, (admin, name))) = pg {
        drop_pg_database(&admin, &name).await;
    }
    let _ = std::fs::remove_dir_all(&dir);
}
