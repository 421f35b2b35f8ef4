//! The deadline rush: N applicants (default 1,000) autosave their draft and press "send"
//! (twice: the double click) all at the same moment. Counts what the server answered, its
//! latency, and what the database holds.
//! Run: `cargo run --release --example deadline_rush -- 1000 60` (1,000 applicants arriving
//! within the last 60 seconds; `0` for all at the same instant; SQLite in a temporary
//! directory), or with `DATABASE_URL=postgres://…/postgres-db` to create a fresh PostgreSQL
//! database on that server for the run. See BENCHMARKS.md.

#[path = "common/mod.rs"]
mod common;

use std::time::Instant;

use serde_json::json;

const CALL: &str = "connexions-citoyennes-prochaine-promotion";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    // Applicants arrive within this many seconds before the deadline (0: all at once).
    let spread_ms: u64 = std::env::args().nth(2).and_then(|a| a.parse::<u64>().ok()).unwrap_or(60) * 1000;
    let (server, data) = common::start("rush").await?;
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
        let answers = json!({"q1": "2000-01-01", "q2": "SN", "q4": format!("Projet {k}"), "q5": "Une radio de quartier.", "q6": "no", "q10": ["fr"], "q12": "Fondateur", "q14": "idea", "q15": "Les jeunes du quartier.", "q19": "yes", "q20": "Apprendre."});
        let r = c
            .put(format!("{base}/api/v1/calls/{CALL}/application"))
            .json(&json!({"revision": 0, "answers": answers}))
            .send()
            .await?;
        anyhow::ensure!(r.status() == 200, "draft {}", r.status());
        clients.push(c);
    }
    println!("prepared in {:.1} s", t.elapsed().as_secs_f64());

    // Everybody at once: a last autosave, then "send" twice (the double click).
    let t = Instant::now();
    let mut tasks = vec![];
    for (k, c) in clients.iter().enumerate() {
        let c = c.clone();
        let base = base.clone();
        // Spread evenly over the window, in a shuffled order.
        let delay = if spread_ms == 0 { 0 } else { (k as u64 * 7919 % n as u64) * spread_ms / n as u64 };
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
            let mut out = vec![];
            let started = Instant::now();
            let answers = json!({"q1": "2000-01-01", "q2": "SN", "q4": format!("Projet {k} (final)"), "q5": "Une radio de quartier.", "q6": "no", "q10": ["fr"], "q12": "Fondateur", "q14": "idea", "q15": "Les jeunes du quartier.", "q19": "yes", "q20": "Apprendre."});
            let r = c.put(format!("{base}/api/v1/calls/{CALL}/application")).json(&json!({"revision": 1, "answers": answers})).send().await;
            let status = r.map(|r| r.status().as_u16()).unwrap_or(0);
            out.push(("autosave", status, started.elapsed()));
            let submits = (0..2).map(|_| {
                let c = c.clone();
                let url = format!("{base}/api/v1/calls/{CALL}/application/submit");
                async move {
                    let started = Instant::now();
                    let status = c.post(url).json(&json!({"revision": 2})).send().await.map(|r| r.status().as_u16()).unwrap_or(0);
                    ("submit", status, started.elapsed())
                }
            });
            out.extend(futures_join(submits).await);
            out
        }));
    }
    let mut ok = 0;
    let mut server_errors = 0;
    let mut other = 0;
    let mut submit_ms: Vec<f64> = vec![];
    for t in tasks {
        for (what, status, took) in t.await? {
            match status {
                200 => ok += 1,
                500..=599 => server_errors += 1,
                _ => other += 1,
            }
            if what == "submit" {
                submit_ms.push(took.as_secs_f64() * 1000.0);
            }
        }
    }
    let elapsed = t.elapsed();
    let submitted: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM applications a JOIN users u ON u.id = a.user_id WHERE a.status = 'submitted' AND u.email LIKE 'rush%'")
        .fetch_one(&app.db.pool)
        .await?;
    let versions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM application_versions v JOIN applications a ON a.id = v.application_id JOIN users u ON u.id = a.user_id WHERE u.email LIKE 'rush%'").fetch_one(&app.db.pool).await?;
    let receipts: i64 =
        sqlx::query_scalar("SELECT COUNT(DISTINCT a.receipt) FROM applications a JOIN users u ON u.id = a.user_id WHERE a.receipt IS NOT NULL AND u.email LIKE 'rush%'")
            .fetch_one(&app.db.pool)
            .await?;
    let mails: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE subject LIKE '%reçu%' OR subject LIKE '%Reçu%'")
            .fetch_one(&app.db.pool)
            .await?;
    submit_ms.sort_by(|a, b| a.total_cmp(b));
    let pct = |p: f64| {
        submit_ms
            .get(((submit_ms.len() as f64 * p) as usize).min(submit_ms.len().saturating_sub(1)))
            .copied()
            .unwrap_or(0.0)
    };
    println!("{} requests ({n} autosaves, {} submits) in {:.2} s", n * 3, n * 2, elapsed.as_secs_f64());
    println!("submit latency: p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms", pct(0.50), pct(0.99), pct(1.0));
    println!("answers: {ok} × 200, {server_errors} × 5xx, {other} other");
    println!("database: {submitted} submitted applications, {versions} submitted versions, {receipts} distinct receipts, {mails} receipt e-mails");
    println!("lost: {}", n as i64 - submitted);
    common::finish(server, data).await?;
    anyhow::ensure!(
        server_errors == 0 && submitted == n as i64 && versions == n as i64,
        "the rush lost or duplicated something"
    );
    Ok(())
}

/// Runs futures concurrently and collects their results in order.
async fn futures_join<F: std::future::Future>(futures: impl Iterator<Item = F>) -> Vec<F::Output> {
    let handles: Vec<_> = futures.collect();
    let mut out = Vec::with_capacity(handles.len());
    // Start them all, then wait: `join_all` without a new dependency.
    let mut pinned: Vec<std::pin::Pin<Box<F>>> = handles.into_iter().map(Box::pin).collect();
    let mut results: Vec<Option<F::Output>> = (0..pinned.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in pinned.iter_mut().enumerate() {
            if results[i].is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => results[i] = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    out.extend(results.into_iter().flatten());
    out
}
