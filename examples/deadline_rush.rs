//! The deadline rush: N applicants (default 1,000) who each saved a complete draft press
//! "send" at the same moment. Counts what the server answered and what the database holds.
//! Run: `cargo run --release --example deadline_rush -- 1000` (SQLite in a temporary
//! directory). See BENCHMARKS.md.

use std::time::Instant;

use serde_json::{json, Value};
use tremplin::config::{Config, Overrides};

const CALL: &str = "connexions-citoyennes-prochaine-promotion";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let dir = std::env::temp_dir().join(format!("tremplin-rush-{}", std::process::id()));
    let cfg = Config::load(
        Some(std::path::Path::new("/dev/null")),
        Overrides { addr: Some("127.0.0.1:0".parse()?), data_dir: Some(dir.clone()), ..Default::default() },
    )?;
    let server = tremplin::server::start(cfg, true).await?;
    let base = format!("http://{}", server.addr);
    let app = server.app.clone();
    sqlx::query("UPDATE calls SET max_applications = NULL").execute(&app.db.pool).await?;

    println!("preparing {n} applicants with a saved draft…");
    let t = Instant::now();
    let mut clients = vec![];
    for k in 0..n {
        let email = format!("rush{k:05}@example.sn");
        tremplin::accounts::create_confirmed(
            &app,
            &email,
            &format!("Candidate {k}"),
            "brousse-camp Normandie",
            false,
            tremplin::domain::locale::Locale::Fr,
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        let c = reqwest::Client::builder().cookie_store(true).build()?;
        let r = c
            .post(format!("{base}/api/v1/session"))
            .json(&json!({"email": email, "password": "brousse-camp Normandie"}))
            .send()
            .await?;
        anyhow::ensure!(r.status() == 200, "sign-in {}", r.status());
        let answers = json!({"q1": "2000-01-01", "q2": "SN", "q4": format!("Projet {k}"), "q5": "Une radio de quartier.", "q6": "no", "q10": ["fr"]});
        let r = c
            .put(format!("{base}/api/v1/calls/{CALL}/application"))
            .json(&json!({"revision": 0, "answers": answers}))
            .send()
            .await?;
        anyhow::ensure!(r.status() == 200, "draft {}", r.status());
        clients.push(c);
    }
    println!("prepared in {:.1} s", t.elapsed().as_secs_f64());

    // Everybody at once, twice each (the double click), as fast as the machine allows.
    let t = Instant::now();
    let mut tasks = vec![];
    for c in &clients {
        for _ in 0..2 {
            let c = c.clone();
            let url = format!("{base}/api/v1/calls/{CALL}/application/submit");
            tasks.push(tokio::spawn(async move {
                match c.post(url).json(&json!({"revision": 1})).send().await {
                    Ok(r) => {
                        let status = r.status().as_u16();
                        let receipt =
                            r.json::<Value>().await.ok().and_then(|v| v["receipt"].as_str().map(str::to_owned));
                        (status, receipt)
                    }
                    Err(_) => (0, None),
                }
            }));
        }
    }
    let mut ok = 0;
    let mut server_errors = 0;
    let mut other = 0;
    for t in tasks {
        let (status, _) = t.await?;
        match status {
            200 => ok += 1,
            500..=599 => server_errors += 1,
            _ => other += 1,
        }
    }
    let elapsed = t.elapsed();
    let submitted: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM applications WHERE status = 'submitted'")
        .fetch_one(&app.db.pool)
        .await?;
    let versions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM application_versions").fetch_one(&app.db.pool).await?;
    let receipts: i64 =
        sqlx::query_scalar("SELECT COUNT(DISTINCT receipt) FROM applications WHERE receipt IS NOT NULL")
            .fetch_one(&app.db.pool)
            .await?;
    let mails: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE subject LIKE '%reçu%' OR subject LIKE '%Reçu%'")
            .fetch_one(&app.db.pool)
            .await?;
    println!("{} submit requests ({n} applicants × 2) in {:.2} s", n * 2, elapsed.as_secs_f64());
    println!("answers: {ok} × 200, {server_errors} × 5xx, {other} other");
    println!("database: {submitted} submitted applications, {versions} submitted versions, {receipts} distinct receipts, {mails} receipt e-mails");
    println!("lost: {}", n as i64 - submitted);
    server.stop().await?;
    let _ = std::fs::remove_dir_all(dir);
    anyhow::ensure!(
        server_errors == 0 && submitted == n as i64 && versions == n as i64,
        "the rush lost or duplicated something"
    );
    Ok(())
}
