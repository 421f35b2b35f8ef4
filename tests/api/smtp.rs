//! Delivery through a real SMTP conversation, against a small SMTP server run by the test.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

use tremplin::config::{Config, Overrides};

/// Accepts every message (or refuses them all with 451) and keeps what it received.
async fn smtp_sink(refuse: bool) -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = Arc::new(Mutex::new(vec![]));
    let store = received.clone();
    tokio::spawn(async move {
        loop {
            let Ok((sock, _)) = listener.accept().await else { return };
            let store = store.clone();
            tokio::spawn(async move {
                let (r, mut w) = sock.into_split();
                let mut r = BufReader::new(r);
                w.write_all(b"220 sink ESMTP\r\n").await.unwrap();
                let mut line = String::new();
                loop {
                    line.clear();
                    if r.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    let cmd = line.to_ascii_uppercase();
                    let reply: &[u8] = if cmd.starts_with("EHLO") || cmd.starts_with("HELO") {
                        b"250 sink\r\n"
                    } else if cmd.starts_with("MAIL") && refuse {
                        b"451 try again later\r\n"
                    } else if cmd.starts_with("DATA") {
                        w.write_all(b"354 go ahead\r\n").await.unwrap();
                        let mut data = String::new();
                        loop {
                            let mut l = String::new();
                            r.read_line(&mut l).await.unwrap();
                            if l == ".\r\n" {
                                break;
                            }
                            data.push_str(&l);
                        }
                        store.lock().unwrap().push(data);
                        b"250 queued\r\n"
                    } else if cmd.starts_with("QUIT") {
                        w.write_all(b"221 bye\r\n").await.unwrap();
                        return;
                    } else {
                        b"250 ok\r\n"
                    };
                    w.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (port, received)
}

async fn start_with_smtp(port: u16) -> (tremplin::server::Server, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("tremplin-smtp-{}", uuid::Uuid::new_v4().simple()));
    let cfg = Config::load(
        Some(std::path::Path::new("/dev/null")),
        Overrides {
            addr: Some("127.0.0.1:0".parse().unwrap()),
            data_dir: Some(dir.clone()),
            smtp_host: Some("127.0.0.1".into()),
            smtp_port: Some(port),
            smtp_security: Some("none".into()),
            ..Default::default()
        },
    )
    .unwrap();
    (tremplin::server::start(cfg, false).await.unwrap(), dir)
}

async fn register(base: &str) {
    let r = reqwest::Client::new()
        .post(format!("{base}/api/v1/accounts"))
        .json(&serde_json::json!({"email": "smtp@example.sn", "name": "Awa", "password": crate::helpers::PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn confirmation_mail_goes_out_by_smtp() {
    let (port, received) = smtp_sink(false).await;
    let (server, dir) = start_with_smtp(port).await;
    register(&format!("http://{}", server.addr)).await;
    // Up to 20 s: the whole suite runs in parallel on two cores.
    for _ in 0..400 {
        if !received.lock().unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let mails = received.lock().unwrap().clone();
    assert_eq!(mails.len(), 1, "exactly one message delivered");
    assert!(mails[0].contains("To: smtp@example.sn"));
    let sent: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE status = 'sent'")
        .fetch_one(&server.app.db.pool)
        .await
        .unwrap();
    assert_eq!(sent, 1);
    server.stop().await.unwrap();
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_message_is_kept_and_retried_later() {
    let (port, _) = smtp_sink(true).await;
    let (server, dir) = start_with_smtp(port).await;
    register(&format!("http://{}", server.addr)).await;
    let mut row = (0i64, String::new(), 0i64);
    for _ in 0..100 {
        row = sqlx::query_as("SELECT attempts, status, next_attempt_at FROM outbox")
            .fetch_one(&server.app.db.pool)
            .await
            .unwrap();
        if row.0 > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let (attempts, status, next) = row;
    assert_eq!((attempts, status.as_str()), (1, "pending"), "kept for a retry");
    assert!(next > tremplin::domain::time::unix_now() + 20, "with backoff");
    server.stop().await.unwrap();
    let _ = std::fs::remove_dir_all(dir);
}
