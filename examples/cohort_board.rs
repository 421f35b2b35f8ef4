//! The cohort board at scale: the demo's six-week course with N learners (default 1,000) in
//! teams of four, three weeks of work sent (on time, late, missing), graded and rated by
//! teammates, then the tutor's board loaded again and again: the page (first 100 learners,
//! all 1,000 computed), the API's whole board (JSON) and the CSV export.
//! Run: `cargo run --release --example cohort_board -- 1000 200` (1,000 learners, 200
//! requests of each kind, one at a time then 8 at once; SQLite in a temporary directory), or
//! with `DATABASE_URL=postgres://…` for a fresh PostgreSQL database on that server, dropped
//! at the end. See BENCHMARKS.md.

#[path = "common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp};
use serde_json::json;

const COURSE: &str = "connexions-citoyennes-formation-en-ligne";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let requests: usize = std::env::args().nth(2).and_then(|a| a.parse().ok()).unwrap_or(200);
    let (server, data) = common::start("board").await?;
    let base = format!("http://{}", server.addr);
    let app = server.app.clone();

    let t = Instant::now();
    fixture(&app, n).await?;
    let learners: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM course_signals").fetch_one(&app.db.pool).await?;
    let sent: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM submissions WHERE state = 'sent'").fetch_one(&app.db.pool).await?;
    println!(
        "fixture: {learners} learners with stored signals, {sent} pieces of work sent, in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    // Where the time goes: reading the course's data, then computing the board.
    let course = tremplin::store::courses::by_slug(&app.db, COURSE).await?.ok_or_else(|| anyhow::anyhow!("course"))?;
    let (mut read, mut compute) = (vec![], vec![]);
    for _ in 0..20 {
        let t = Instant::now();
        let d = tremplin::progress::course_data(&app, &course, None).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        read.push(t.elapsed());
        let t = Instant::now();
        std::hint::black_box(tremplin::progress::board(&d, Timestamp::now(), false));
        compute.push(t.elapsed());
    }
    read.sort();
    compute.sort();
    println!("in process: read p50 {:.1} ms, board p50 {:.1} ms", pct(&read, 0.5), pct(&compute, 0.5));

    let tutor = reqwest::Client::builder().cookie_store(true).build()?;
    let r = tutor
        .post(format!("{base}/api/v1/session"))
        .json(&json!({"email": "coach@cfi.demo", "password": tremplin::demo::DEMO_PASSWORD}))
        .send()
        .await?;
    anyhow::ensure!(r.status() == 200, "sign-in {}", r.status());
    for (label, path) in [
        ("page (100 shown of all)", format!("/gestion/cours/{COURSE}/progression")),
        ("API, whole board", format!("/api/v1/courses/{COURSE}/progress/cohort")),
        ("CSV export", format!("/gestion/cours/{COURSE}/progression.csv")),
    ] {
        let url = format!("{base}{path}");
        let (status, bytes) = {
            let r = tutor.get(&url).send().await?;
            (r.status(), r.bytes().await?.len())
        };
        anyhow::ensure!(status == 200, "{path}: {status}");
        for concurrency in [1usize, 8] {
            let times = load(&tutor, &url, requests, concurrency).await?;
            println!(
                "{label:<26} {concurrency} at once: {requests} × 200, p50 {:>5.1} ms, p99 {:>5.1} ms, max {:>5.1} ms ({bytes} bytes)",
                pct(&times, 0.50),
                pct(&times, 0.99),
                pct(&times, 1.0),
            );
        }
    }
    common::finish(server, data).await?;
    Ok(())
}

async fn load(c: &reqwest::Client, url: &str, requests: usize, concurrency: usize) -> anyhow::Result<Vec<Duration>> {
    let mut tasks = vec![];
    for w in 0..concurrency {
        let (c, url) = (c.clone(), url.to_owned());
        let share = requests / concurrency + usize::from(w < requests % concurrency);
        tasks.push(tokio::spawn(async move {
            let mut times = vec![];
            for _ in 0..share {
                let t = Instant::now();
                let r = c.get(&url).send().await?;
                anyhow::ensure!(r.status() == 200, "{}", r.status());
                r.bytes().await?;
                times.push(t.elapsed());
            }
            Ok::<_, anyhow::Error>(times)
        }));
    }
    let mut all = vec![];
    for t in tasks {
        all.extend(t.await??);
    }
    all.sort();
    Ok(all)
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1000.0
}

/// N more learners in the course's phase, in teams of four, with three weeks of work: the
/// individual network map, the team benchmark and the team financing plan (as text here),
/// sent on time, late or not at all, graded, and rated by teammates.
async fn fixture(app: &tremplin::app::App, n: usize) -> anyhow::Result<()> {
    let db = &app.db;
    let (phase, course): (i64, i64) =
        sqlx::query_as("SELECT phase_id, id FROM courses WHERE slug = $1").bind(COURSE).fetch_one(&db.pool).await?;
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE email = 'coach@cfi.demo'")
        .fetch_one(&db.pool)
        .await?;
    let tutor: i64 =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'coach@cfi.demo'").fetch_one(&db.pool).await?;
    let now = Timestamp::now().as_second();
    let mut tx = db.begin().await?;
    let mut ids = vec![];
    for k in 0..n {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (email, name, password_hash, is_admin, locale, time_zone, email_confirmed_at, created_at, updated_at) \
             VALUES ($1, $2, $3, 0, 'fr', 'UTC', $4, $4, $4) RETURNING id",
        )
        .bind(format!("cohorte{k:05}@example.sn"))
        .bind(format!("Apprenant·e {k:05}"))
        .bind(&hash)
        .bind(now)
        .fetch_one(&mut **tx)
        .await?;
        sqlx::query(
            "INSERT INTO phase_participants (phase_id, user_id, source, added_by, added_at) VALUES ($1, $2, 'manager', $3, $4)",
        )
        .bind(phase)
        .bind(id)
        .bind(tutor)
        .bind(now)
        .execute(&mut **tx)
        .await?;
        ids.push(id);
    }
    // The demo's 30 stay in their teams; the newcomers make teams of four after them.
    let mut teams: Vec<Vec<i64>> = vec![];
    let existing: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT t.number, m.user_id FROM team_members m JOIN teams t ON t.id = m.team_id WHERE m.course_id = $1 \
         ORDER BY t.number",
    )
    .bind(course)
    .fetch_all(&mut **tx)
    .await?;
    for (number, user) in existing {
        if teams.len() < number as usize {
            teams.push(vec![]);
        }
        teams[number as usize - 1].push(user);
    }
    let first_new = teams.len();
    teams.extend(ids.chunks(4).map(|c| c.to_vec()));
    tremplin::store::teams::replace(&mut tx, course, &teams).await?;
    let exercises: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT e.id, e.due_at, e.grouping FROM exercises e JOIN course_modules m ON m.id = e.module_id \
         WHERE m.course_id = $1 AND m.position <= 3 ORDER BY m.position",
    )
    .bind(course)
    .fetch_all(&mut **tx)
    .await?;
    let scores = r#"{"motivation":3,"reactivity":4,"teamwork":4}"#;
    for (week, (exercise, due, grouping)) in exercises.iter().enumerate() {
        let team = grouping.contains("team");
        let owners: Vec<(String, Option<i64>, Vec<i64>)> = if team {
            teams
                .iter()
                .enumerate()
                .skip(first_new)
                .map(|(i, m)| (format!("t{}", i + 1), Some(i as i64 + 1), m.clone()))
                .collect()
        } else {
            ids.iter().map(|u| (format!("u{u}"), None, vec![*u])).collect()
        };
        for (k, (owner, number, members)) in owners.iter().enumerate() {
            let offset = match (k + week) % 10 {
                0 => continue,
                1 => 20 * 3600,
                _ => -((k % 90) as i64) * 3600,
            };
            let at = Timestamp::from_second(*due)?.checked_add(SignedDuration::from_secs(offset))?.as_second();
            let sid: i64 = sqlx::query_scalar(
                "INSERT INTO submissions (exercise_id, owner, team_number, work, state, version, sent_at, sent_by, late, \
                 created_at, updated_at) VALUES ($1, $2, $3, $4, 'sent', 1, $5, $6, $7, $5, $5) RETURNING id",
            )
            .bind(exercise)
            .bind(owner)
            .bind(number)
            .bind(r#"{"text":"Notre travail de la semaine."}"#)
            .bind(at)
            .bind(members[0])
            .bind((offset > 0) as i64)
            .fetch_one(&mut **tx)
            .await?;
            for m in members {
                sqlx::query("INSERT INTO submission_members (submission_id, user_id) VALUES ($1, $2)")
                    .bind(sid)
                    .bind(m)
                    .execute(&mut **tx)
                    .await?;
            }
            if week < 2 || k % 2 == 0 {
                sqlx::query(
                    "INSERT INTO submission_grades (submission_id, tutor_id, scores, comment, score_milli, reactivity_milli, \
                     graded_at, released_at) VALUES ($1, $2, $3, 'Bien.', $4, $5, $6, $6)",
                )
                .bind(sid)
                .bind(tutor)
                .bind(scores)
                .bind(40_000 + ((k * 7 + week * 13) % 60) as i64 * 1000)
                .bind(60_000)
                .bind(now)
                .execute(&mut **tx)
                .await?;
            }
            if team {
                for rater in members {
                    for ratee in members.iter().filter(|r| *r != rater) {
                        sqlx::query(
                            "INSERT INTO peer_ratings (exercise_id, rater_id, ratee_id, score, rated_at) VALUES ($1, $2, $3, $4, $5)",
                        )
                        .bind(exercise)
                        .bind(rater)
                        .bind(ratee)
                        .bind(3 + ((rater + ratee) % 3))
                        .bind(now)
                        .execute(&mut **tx)
                        .await?;
                    }
                }
            }
        }
    }
    tx.commit().await?;
    tremplin::progress::refresh(app, course, &[]).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(())
}
