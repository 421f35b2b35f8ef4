//! Exercises: learners of the demo cohort keep drafts and send their work (alone or for
//! their team), within the late policy, until a tutor grades it; tutors grade on the rubric
//! beside the automatic reactivity and release the grades; teammates rate each other; the
//! boards show each week and who falls behind. Every refusal says why and loses nothing.

use jiff::{SignedDuration, Timestamp};
use serde_json::{json, Value};
use tremplin::domain::tus::Metadata;

use crate::helpers::{csrf_of, spawn_app_with, TestApp};

const COURSE: &str = "connexions-citoyennes-formation-en-ligne";
const MANAGER: &str = "responsable@cfi.demo";
const TUTOR: &str = "coach@cfi.demo";

async fn json_of(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn message(v: &Value) -> &str {
    v["error"]["message"].as_str().unwrap_or_default()
}

/// The module of week `n`.
async fn module(app: &TestApp, n: i64) -> i64 {
    sqlx::query_scalar(
        "SELECT m.id FROM course_modules m JOIN courses c ON c.id = m.course_id WHERE c.slug = $1 AND m.position = $2",
    )
    .bind(COURSE)
    .bind(n)
    .fetch_one(&app.db().pool)
    .await
    .unwrap()
}

/// Cohort learners, the first in a team of `team` first: (email, user id).
async fn learners(app: &TestApp) -> Vec<(String, i64)> {
    sqlx::query_as(
        "SELECT u.email, u.id FROM team_members t JOIN users u ON u.id = t.user_id JOIN courses c ON c.id = t.course_id \
         JOIN teams tm ON tm.id = t.team_id WHERE c.slug = $1 ORDER BY tm.number, u.id",
    )
    .bind(COURSE)
    .fetch_all(&app.db().pool)
    .await
    .unwrap()
}

/// A date and time in Abidjan (UTC, the demo course's zone) `hours` from now.
fn local(hours: i64) -> (String, String) {
    let t = Timestamp::now().checked_add(SignedDuration::from_hours(hours)).unwrap().to_zoned(jiff::tz::TimeZone::UTC);
    (t.date().to_string(), format!("{:02}:{:02}", t.hour(), t.minute()))
}

/// The manager adds a published exercise to week `week`, due `due_in_hours` from now.
async fn add(app: &TestApp, manager: &reqwest::Client, week: i64, due_in_hours: i64, extra: Value) -> i64 {
    let (due_on, due_time) = local(due_in_hours);
    let mut body = json!({"title": format!("Exercice de test {week} {due_in_hours}"), "due_on": due_on, "due_time": due_time, "status": "published"});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let m = module(app, week).await;
    let r = manager.post(app.url(&format!("/api/v1/courses/{COURSE}/modules/{m}/exercises"))).json(&body).send().await;
    let (s, v) = json_of(r.unwrap()).await;
    assert_eq!(s, 201, "{v}");
    v["id"].as_i64().unwrap()
}

async fn send(app: &TestApp, who: &reqwest::Client, id: i64, work: Value, send: bool) -> (u16, Value) {
    let r = who
        .post(app.url(&format!("/api/v1/courses/{COURSE}/exercises/{id}/submission")))
        .json(&json!({"work": work, "send": send}))
        .send()
        .await
        .unwrap();
    json_of(r).await
}

/// A finished resumable upload of `bytes` by `who`; returns its id.
async fn upload(app: &TestApp, who: &reqwest::Client, name: &str, bytes: Vec<u8>) -> String {
    let mut m = Metadata::default();
    m.insert("purpose", "exercise").unwrap();
    m.insert("filename", name).unwrap();
    let r = who
        .post(app.url("/api/v1/uploads"))
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", bytes.len().to_string())
        .header("Upload-Metadata", m.encode())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    for (n, piece) in bytes.chunks(4 * 1024 * 1024).enumerate() {
        let r = who
            .patch(app.url(&location))
            .header("Tus-Resumable", "1.0.0")
            .header("Upload-Offset", (n * 4 * 1024 * 1024).to_string())
            .header("Content-Type", "application/offset+octet-stream")
            .body(piece.to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 204, "{}", r.text().await.unwrap());
    }
    location.rsplit('/').next().unwrap().to_owned()
}

fn mp4(len: usize) -> Vec<u8> {
    let mut v = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom".to_vec();
    v.resize(len, 7);
    v
}

#[tokio::test]
async fn the_demo_has_six_weekly_exercises_with_work_grades_and_ratings() {
    let app = spawn_app_with(true).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM exercises WHERE status = 'published'").await, 6);
    assert!(app.count("SELECT COUNT(*) FROM submissions WHERE state = 'sent'").await >= 40);
    assert!(app.count("SELECT COUNT(*) FROM submissions WHERE late = 1").await > 0);
    assert!(app.count("SELECT COUNT(*) FROM submission_grades WHERE released_at IS NOT NULL").await > 20);
    assert!(app.count("SELECT COUNT(*) FROM submission_grades WHERE released_at IS NULL").await > 0);
    assert!(app.count("SELECT COUNT(*) FROM peer_ratings").await > 50);
    assert_eq!(app.count("SELECT COUNT(*) FROM course_signals").await, 30, "signals stored for the whole cohort");
    // The financing plans are real PDF files, readable by the tutor.
    let tutor = app.demo_client(TUTOR).await;
    let (s, queue) =
        json_of(tutor.get(app.url(&format!("/api/v1/courses/{COURSE}/grading-queue"))).send().await.unwrap()).await;
    assert_eq!(s, 200);
    let first = queue[0]["id"].as_i64().unwrap();
    let (_, g) =
        json_of(tutor.get(app.url(&format!("/api/v1/courses/{COURSE}/submissions/{first}"))).send().await.unwrap())
            .await;
    assert_eq!(g["submission"]["file"]["file_type"], "pdf", "{g}");
    let exercise = g["exercise_id"].as_i64().unwrap();
    let r = tutor
        .get(app.url(&format!("/cours/{COURSE}/exercices/{exercise}/fichier?copie={first}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(r.bytes().await.unwrap().starts_with(b"%PDF"));
    // A learner may not read another team's file.
    let (email, _) = &learners(&app).await[0];
    let me = app.demo_client(email).await;
    let r =
        me.get(app.url(&format!("/cours/{COURSE}/exercices/{exercise}/fichier?copie={first}"))).send().await.unwrap();
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn a_learner_keeps_a_draft_sends_and_sends_again_until_graded() {
    let app = spawn_app_with(true).await;
    let manager = app.demo_client(MANAGER).await;
    let id = add(&app, &manager, 4, 48, json!({})).await;
    let all = learners(&app).await;
    let (email, _) = &all[0];
    let me = app.demo_client(email).await;

    // A draft may be empty; the tutors do not see it.
    let (s, v) = send(&app, &me, id, json!({"text": "Premières idées"}), false).await;
    assert_eq!((s, v["state"].as_str()), (200, Some("draft")), "{v}");
    // An empty answer is not sent, and the draft stays.
    let (s, v) = send(&app, &me, id, json!({"text": "   "}), true).await;
    assert_eq!(s, 422);
    assert!(v["error"]["fields"]["text"].as_str().unwrap().contains("vide"), "{v}");
    let (_, e) =
        json_of(me.get(app.url(&format!("/api/v1/courses/{COURSE}/exercises/{id}"))).send().await.unwrap()).await;
    assert_eq!(e["submission"]["work"]["text"], "Premières idées");
    assert_eq!(e["timing"], "on_time");

    let (s, v) = send(&app, &me, id, json!({"text": "Version 1"}), true).await;
    assert_eq!(
        (s, v["state"].as_str(), v["version"].as_i64(), v["late"].as_bool()),
        (200, Some("sent"), Some(1), Some(false))
    );
    // Once sent, a draft would take it back from the tutors: refused, the sent work kept.
    let (s, v) = send(&app, &me, id, json!({"text": "brouillon"}), false).await;
    assert_eq!(s, 409, "{v}");
    let (s, v) = send(&app, &me, id, json!({"text": "Version 2"}), true).await;
    assert_eq!((s, v["version"].as_i64()), (200, Some(2)));
    let sid = v["id"].as_i64().unwrap();

    // The tutor grades: off the scale, a missing criterion and no feedback are refused.
    let tutor = app.demo_client(TUTOR).await;
    let grade = |body: Value| {
        let tutor = tutor.clone();
        let url = app.url(&format!("/api/v1/courses/{COURSE}/submissions/{sid}/grade"));
        async move { json_of(tutor.put(url).json(&body).send().await.unwrap()).await }
    };
    let (s, v) = grade(json!({"scores": {"motivation": 9, "reactivity": 3}, "comment": "Bien"})).await;
    assert_eq!(s, 422);
    assert!(v["error"]["fields"]["motivation"].as_str().unwrap().contains("échelle"), "{v}");
    let (s, _) = grade(json!({"scores": {"motivation": 4}, "comment": "Bien"})).await;
    assert_eq!(s, 422);
    let (s, v) = grade(json!({"scores": {"motivation": 4, "reactivity": 5}, "comment": ""})).await;
    assert_eq!(s, 422, "{v}");
    let (_, g) =
        json_of(tutor.get(app.url(&format!("/api/v1/courses/{COURSE}/submissions/{sid}"))).send().await.unwrap()).await;
    // On time: at least 50, shown on the 0–5 scale as its rounded share.
    let auto = g["reactivity_auto"].as_f64().unwrap();
    assert!((50.0..=100.0).contains(&auto), "sent on time: {g}");
    assert_eq!(g["reactivity_suggested"].as_i64(), Some((auto / 20.0).round() as i64), "{g}");
    let (s, v) = grade(json!({"scores": {"motivation": 4, "reactivity": 5}, "comment": "Clair et précis."})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["score"].as_f64(), Some(90.0), "individual: teamwork drops out");
    assert_eq!(v["released"], false);

    // Graded: no longer replaced, and not shown before release.
    let (s, v) = send(&app, &me, id, json!({"text": "Version 3"}), true).await;
    assert_eq!(s, 409);
    assert!(message(&v).contains("déjà été noté"), "{v}");
    let (_, e) =
        json_of(me.get(app.url(&format!("/api/v1/courses/{COURSE}/exercises/{id}"))).send().await.unwrap()).await;
    assert_eq!(e["submission"]["work"]["text"], "Version 2");
    assert!(e["submission"]["grade"].is_null(), "not released yet: {e}");
    assert_eq!(e["can_send"], false);

    let (s, v) =
        json_of(tutor.post(app.url(&format!("/api/v1/courses/{COURSE}/exercises/{id}/release"))).send().await.unwrap())
            .await;
    assert_eq!((s, v["released"].as_u64()), (200, Some(1)));
    let (_, e) =
        json_of(me.get(app.url(&format!("/api/v1/courses/{COURSE}/exercises/{id}"))).send().await.unwrap()).await;
    assert_eq!(e["submission"]["grade"]["comment"], "Clair et précis.");
    // She is told by e-mail, in her language, with the way to her feedback.
    let mail = app.last_mail(email, "Votre travail est noté").await;
    assert!(mail.contains("90 / 100") && mail.contains(&format!("/cours/{COURSE}/exercices/{id}")), "{mail}");
    // A learner cannot grade, a tutor cannot send work.
    let r = me.put(app.url(&format!("/api/v1/courses/{COURSE}/submissions/{sid}/grade"))).json(&json!({})).send().await;
    assert_eq!(r.unwrap().status(), 403);
    let (s, _) = send(&app, &tutor, id, json!({"text": "x"}), true).await;
    assert_eq!(s, 403);
}

#[tokio::test]
async fn late_work_is_flagged_then_refused_and_closed_weeks_are_refused() {
    let app = spawn_app_with(true).await;
    let manager = app.demo_client(MANAGER).await;
    let flagged = add(&app, &manager, 2, -24, json!({"late_policy": "accept"})).await;
    let refused = add(&app, &manager, 1, -72, json!({"late_policy": "refuse", "grace_hours": 24})).await;
    let not_open = add(&app, &manager, 5, 24 * 12, json!({})).await;
    let (email, _) = &learners(&app).await[1];
    let me = app.demo_client(email).await;

    let (s, v) = send(&app, &me, flagged, json!({"text": "En retard"}), true).await;
    assert_eq!((s, v["late"].as_bool()), (200, Some(true)), "{v}");
    let (s, v) = send(&app, &me, refused, json!({"text": "Trop tard"}), true).await;
    assert_eq!(s, 403);
    assert!(message(&v).contains("délai est dépassé"), "{v}");
    let (s, v) = send(&app, &me, not_open, json!({"text": "Trop tôt"}), false).await;
    assert_eq!(s, 403, "{v}");
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM submissions WHERE exercise_id IN ({refused}, {not_open})")).await,
        0
    );

    // Somebody outside the cohort: refused with the reason.
    let outsider = app.demo_client("jury@cfi.demo").await;
    let (s, v) = send(&app, &outsider, flagged, json!({"text": "x"}), true).await;
    assert_eq!(s, 403, "{v}");
}

#[tokio::test]
async fn files_are_checked_by_type_and_size_and_videos_play_with_ranges() {
    let app = spawn_app_with(true).await;
    let manager = app.demo_client(MANAGER).await;
    let video = add(&app, &manager, 4, 48, json!({"answer": "video", "max_mb": 1})).await;
    let (email, _) = &learners(&app).await[2];
    let me = app.demo_client(email).await;

    let pdf = upload(&app, &me, "plan.pdf", b"%PDF-1.4\n%test\n".to_vec()).await;
    let (s, v) = send(&app, &me, video, json!({"upload": pdf}), true).await;
    assert_eq!(s, 422);
    assert!(v["error"]["fields"]["upload"].as_str().unwrap().contains("vidéo"), "{v}");
    let big = upload(&app, &me, "long.mp4", mp4(1024 * 1024 + 1)).await;
    let (s, v) = send(&app, &me, video, json!({"upload": big}), true).await;
    assert_eq!(s, 422);
    assert!(v["error"]["fields"]["upload"].as_str().unwrap().contains("dépasse"), "{v}");
    // Somebody else's upload is not hers to hand in.
    let other = app.demo_client(&learners(&app).await[5].0).await;
    let theirs = upload(&app, &other, "pitch.mp4", mp4(50_000)).await;
    let (s, _) = send(&app, &me, video, json!({"upload": theirs}), true).await;
    assert_eq!(s, 422);
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM submissions WHERE exercise_id = {video}")).await, 0);

    let pitch = upload(&app, &me, "pitch.mp4", mp4(200_000)).await;
    let (s, v) = send(&app, &me, video, json!({"upload": pitch}), true).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["file"]["file_type"], "mp4");
    let r = me
        .get(app.url(&format!("/cours/{COURSE}/exercices/{video}/fichier")))
        .header("Range", "bytes=0-99")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 206);
    assert_eq!(r.headers()["content-type"], "video/mp4");
    assert_eq!(r.bytes().await.unwrap().len(), 100);
    // Whole, it is not compressed (it already is, and ranges must match its bytes); past
    // its end, a 416 tells its length.
    let r = me
        .get(app.url(&format!("/cours/{COURSE}/exercices/{video}/fichier")))
        .header("Accept-Encoding", "gzip, br")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers().get("content-encoding").is_none(), "{:?}", r.headers());
    let r = me
        .get(app.url(&format!("/cours/{COURSE}/exercices/{video}/fichier")))
        .header("Range", "bytes=900000-")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 416);
    assert_eq!(r.headers()["content-range"], "bytes */200000");
}

#[tokio::test]
async fn without_javascript_the_page_sends_text_and_small_files() {
    let app = spawn_app_with(true).await;
    let manager = app.demo_client(MANAGER).await;
    let text = add(&app, &manager, 4, 48, json!({})).await;
    let file = add(&app, &manager, 4, 48, json!({"answer": "file", "file_types": ["pdf"]})).await;
    let (email, _) = &learners(&app).await[3];
    app.sign_in_demo(email).await;

    let page = format!("/cours/{COURSE}/exercices/{text}");
    let r = app.post_form(&page, &page, &[("text", "Mon texte"), ("action", "send")]).await;
    assert_eq!(r.status(), 303);
    let html = app.get(&format!("{page}?fait=envoye")).await.text().await.unwrap();
    assert!(html.contains("Travail envoyé") && html.contains("Mon texte"), "{html}");
    // An empty text comes back with the reason on the field, with a 422.
    let other = add(&app, &manager, 4, 49, json!({})).await;
    let page2 = format!("/cours/{COURSE}/exercices/{other}");
    let r = app.post_form(&page2, &page2, &[("text", ""), ("action", "send")]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("La réponse est vide"));

    // The plain form with a file (multipart, the token in the address).
    let page = format!("/cours/{COURSE}/exercices/{file}");
    let html = app.get(&page).await.text().await.unwrap();
    assert!(html.contains("enctype=\"multipart/form-data") && html.contains("data-resumable"), "{html}");
    let csrf = csrf_of(&html);
    let form = reqwest::multipart::Form::new()
        .text("action", "send")
        .part("file", reqwest::multipart::Part::bytes(b"%PDF-1.4\n%plan\n".to_vec()).file_name("plan.pdf"));
    let r = app.client.post(app.url(&format!("{page}?csrf={csrf}"))).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let html = app.get(&page).await.text().await.unwrap();
    assert!(html.contains("plan.pdf"), "{html}");
    // A file of a refused type through the plain form: 422, the reason on the field.
    let form = reqwest::multipart::Form::new()
        .text("action", "send")
        .part("file", reqwest::multipart::Part::bytes(mp4(1000)).file_name("pitch.mp4"));
    let r = app.client.post(app.url(&format!("{page}?csrf={csrf}"))).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("type de fichier"));
}

#[tokio::test]
async fn teams_send_once_for_all_and_rate_each_other_anonymously() {
    let app = spawn_app_with(true).await;
    let manager = app.demo_client(MANAGER).await;
    let id = add(&app, &manager, 4, 48, json!({"grouping": "team", "team_min": 3, "team_max": 5})).await;
    let team: Vec<(String, i64)> = sqlx::query_as(
        "SELECT u.email, u.id FROM team_members t JOIN users u ON u.id = t.user_id JOIN teams tm ON tm.id = t.team_id \
         JOIN courses c ON c.id = tm.course_id WHERE c.slug = $1 AND tm.number = 1 ORDER BY u.id",
    )
    .bind(COURSE)
    .fetch_all(&app.db().pool)
    .await
    .unwrap();
    assert!(team.len() >= 3);
    let a = app.demo_client(&team[0].0).await;
    let b = app.demo_client(&team[1].0).await;
    let (s, v) = send(&app, &a, id, json!({"text": "Notre comparaison"}), true).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["members"].as_array().unwrap().len(), team.len());
    // A teammate sees and replaces the same work.
    let (_, e) =
        json_of(b.get(app.url(&format!("/api/v1/courses/{COURSE}/exercises/{id}"))).send().await.unwrap()).await;
    assert_eq!(e["submission"]["work"]["text"], "Notre comparaison");
    let (s, v) = send(&app, &b, id, json!({"text": "Notre comparaison, relue"}), true).await;
    assert_eq!((s, v["version"].as_i64()), (200, Some(2)));
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM submissions WHERE exercise_id = {id}")).await, 1);

    // Ratings: oneself, a stranger and off the scale are refused; nothing is written.
    let url = app.url(&format!("/api/v1/courses/{COURSE}/exercises/{id}/peer-ratings"));
    let rate = |who: &reqwest::Client, scores: Value| {
        let (who, url) = (who.clone(), url.clone());
        async move { json_of(who.put(url).json(&json!({"scores": scores})).send().await.unwrap()).await }
    };
    let (me, mate) = (team[0].1, team[1].1);
    let stranger =
        learners(&app).await.iter().map(|(_, id)| *id).find(|id| !team.iter().any(|(_, t)| t == id)).unwrap();
    let (s, v) = rate(&a, json!({me.to_string(): 4})).await;
    assert_eq!(s, 422);
    assert!(v.to_string().contains("vous évaluer vous-même"), "{v}");
    let (s, _) = rate(&a, json!({stranger.to_string(): 4})).await;
    assert_eq!(s, 422);
    let (s, v) = rate(&a, json!({mate.to_string(): 9})).await;
    assert_eq!(s, 422);
    assert!(v.to_string().contains("entre 1 et 5"), "{v}");
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM peer_ratings WHERE exercise_id = {id}")).await, 0);

    // Everyone rates everyone 4, the first one harshly rated 1 by one teammate.
    for (k, (email, rater)) in team.iter().enumerate() {
        let who = app.demo_client(email).await;
        let scores: serde_json::Map<String, Value> = team
            .iter()
            .filter(|(_, t)| t != rater)
            .map(|(_, t)| (t.to_string(), json!(if k == 1 && *t == me { 1 } else { 4 })))
            .collect();
        let (s, v) = rate(&who, Value::Object(scores)).await;
        assert_eq!(s, 200, "{v}");
    }
    // She sees her score, never who gave what.
    let (_, e) =
        json_of(a.get(app.url(&format!("/api/v1/courses/{COURSE}/exercises/{id}"))).send().await.unwrap()).await;
    let peer = &e["peer"];
    assert_eq!(peer["received"].as_u64(), Some(team.len() as u64 - 1));
    assert!(peer["score"].as_f64().is_some());
    assert!(!e.to_string().contains("\"rater"), "{e}");
    // Managers see the damped aggregate.
    let tutor = app.demo_client(TUTOR).await;
    let (_, lines) = json_of(tutor.get(url.clone()).send().await.unwrap()).await;
    let first = lines.as_array().unwrap().iter().find(|l| l["user_id"] == me).unwrap();
    if team.len() >= 4 {
        assert_eq!(first["damped"], true, "{first}");
        assert!(first["score"].as_f64().unwrap() > 3.0, "one grudge does not sink her: {first}");
    }
}

#[tokio::test]
async fn boards_show_each_week_flag_who_falls_behind_and_export() {
    let app = spawn_app_with(true).await;
    let tutor = app.demo_client(TUTOR).await;
    let (s, b) =
        json_of(tutor.get(app.url(&format!("/api/v1/courses/{COURSE}/progress/cohort"))).send().await.unwrap()).await;
    assert_eq!(s, 200);
    assert_eq!(b["columns"].as_array().unwrap().len(), 6);
    assert_eq!(b["rows"].as_array().unwrap().len(), 30);
    let statuses: Vec<&str> = b["rows"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["cells"].as_array().unwrap())
        .filter_map(|c| c["status"].as_str())
        .collect();
    for s in ["graded", "done", "missed", "due", "not_open"] {
        assert!(statuses.contains(&s), "{s} in {statuses:?}");
    }
    assert!(b["at_risk"].as_u64().unwrap() >= 1, "{}", b["at_risk"]);
    let risky = b["rows"].as_array().unwrap().iter().find(|r| r["at_risk"] == true).unwrap();
    assert!(!risky["signals"]["risks"].as_array().unwrap().is_empty());

    // The page, the at-risk filter, the exports.
    app.sign_in_demo(TUTOR).await;
    let html = app.get(&format!("/gestion/cours/{COURSE}/progression?risque=1")).await.text().await.unwrap();
    assert!(html.contains("en difficulté") && html.contains(risky["name"].as_str().unwrap()), "{html}");
    let csv = app.get(&format!("/gestion/cours/{COURSE}/progression.csv")).await.text().await.unwrap();
    assert_eq!(csv.lines().count(), 31);
    assert!(csv.lines().next().unwrap().contains("Semaine 1"), "{csv}");
    let r = app.get(&format!("/gestion/cours/{COURSE}/progression.xlsx")).await;
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));
    for page in [format!("/gestion/cours/{COURSE}/corrections"), format!("/cours/{COURSE}")] {
        assert_eq!(app.get(&page).await.status(), 200, "{page}");
    }

    // A learner's own board: released grades only; nobody else's.
    let (email, id) = &learners(&app).await[0];
    let me = app.demo_client(email).await;
    let (s, mine) = json_of(me.get(app.url(&format!("/api/v1/courses/{COURSE}/progress"))).send().await.unwrap()).await;
    assert_eq!(s, 200);
    assert_eq!(mine["rows"].as_array().unwrap().len(), 1);
    assert_eq!(mine["rows"][0]["user_id"].as_i64(), Some(*id));
    let week3 = &mine["rows"][0]["cells"][2]["status"];
    assert_ne!(week3, "graded", "week 3's grades are not released");
    let r = me.get(app.url(&format!("/api/v1/courses/{COURSE}/progress/cohort"))).send().await.unwrap();
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn managers_write_exercises_field_by_field_and_lock_how_they_are_done_once_work_came() {
    let app = spawn_app_with(true).await;
    let manager = app.demo_client(MANAGER).await;
    let m = module(&app, 4).await;
    let url = app.url(&format!("/api/v1/courses/{COURSE}/modules/{m}/exercises"));
    let (s, v) = json_of(
        manager
            .post(url.clone())
            .json(&json!({"title": "", "answer": "fax", "grouping": "crowd", "due_on": "demain", "late_policy": "peut-être"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 422);
    for f in ["title", "answer", "grouping", "due_on", "late_policy"] {
        assert!(v["error"]["fields"][f].is_string(), "{f}: {v}");
    }
    let (due_on, _) = local(-24 * 30);
    let (s, v) =
        json_of(manager.post(url).json(&json!({"title": "Avant", "due_on": due_on})).send().await.unwrap()).await;
    assert_eq!(s, 422);
    assert!(v["error"]["fields"]["due_on"].as_str().unwrap().contains("après l’ouverture"), "{v}");

    // Week 1's exercise has work: its answer type is locked, its title is not.
    let week1: i64 =
        sqlx::query_scalar(&format!("SELECT id FROM exercises WHERE module_id = {}", module(&app, 1).await))
            .fetch_one(&app.db().pool)
            .await
            .unwrap();
    let edit = app.url(&format!("/api/v1/courses/{COURSE}/exercises/{week1}"));
    let (_, current) = json_of(manager.get(edit.clone()).send().await.unwrap()).await;
    let (d, t) = {
        let due =
            Timestamp::from_second(current["due_at"].as_i64().unwrap()).unwrap().to_zoned(jiff::tz::TimeZone::UTC);
        (due.date().to_string(), format!("{:02}:{:02}", due.hour(), due.minute()))
    };
    let body = json!({"title": "Carte du réseau", "answer": "text", "due_on": d, "due_time": t, "late_policy": "refuse", "grace_hours": 48, "status": "published"});
    let (s, v) = json_of(manager.put(edit.clone()).json(&body).send().await.unwrap()).await;
    assert_eq!(s, 422);
    assert!(v["error"]["fields"]["answer"].as_str().unwrap().contains("déjà été rendus"), "{v}");
    let mut body = body;
    body["answer"] = json!("form");
    body["form"] = current["answer"]["form"].clone();
    let r = manager.put(edit).json(&body).send().await.unwrap();
    assert_eq!(r.status(), 204, "{}", r.text().await.unwrap());
    // The editor page opens for the manager, not for a learner.
    app.sign_in_demo(MANAGER).await;
    assert_eq!(app.get(&format!("/gestion/cours/{COURSE}/exercices/{week1}")).await.status(), 200);
    let me = app.demo_client(&learners(&app).await[0].0).await;
    let r = me.get(app.url(&format!("/gestion/cours/{COURSE}/exercices/{week1}"))).send().await.unwrap();
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn her_course_work_is_in_her_export_and_her_files_go_with_her_account() {
    let app = spawn_app_with(true).await;
    let manager = app.demo_client(MANAGER).await;
    let video = add(&app, &manager, 4, 48, json!({"answer": "video"})).await;
    let text = add(&app, &manager, 4, 49, json!({})).await;
    let (email, id) = &learners(&app).await[4];
    let me = app.demo_client(email).await;
    let pitch = upload(&app, &me, "pitch.mp4", mp4(30_000)).await;
    assert_eq!(send(&app, &me, video, json!({"upload": pitch}), true).await.0, 200);
    assert_eq!(send(&app, &me, text, json!({"text": "Brouillon privé"}), false).await.0, 200);

    let (s, export) = json_of(me.get(app.url("/api/v1/me/data")).send().await.unwrap()).await;
    assert_eq!(s, 200, "{export}");
    let work = export["course_work"]["submissions"].as_array().unwrap();
    assert!(work.iter().any(|w| w["work"]["upload"] == pitch.as_str()), "{export}");
    assert!(work.iter().any(|w| w["work"]["text"] == "Brouillon privé"));
    assert!(!export["course_work"]["peer_ratings_given"].as_array().unwrap().is_empty(), "the demo's ratings");
    assert!(export["uploads"].as_array().unwrap().iter().any(|u| u["name"] == "pitch.mp4"), "{export}");

    let r =
        me.post(app.url("/api/v1/me/delete")).json(&json!({"password": tremplin::demo::DEMO_PASSWORD})).send().await;
    assert_eq!(r.unwrap().status(), 204);
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM uploads WHERE user_id = {id}")).await,
        0,
        "every upload of hers"
    );
    assert!(!app.data_dir.join("uploads").join(&pitch).exists(), "the video's bytes are gone");
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM submissions WHERE exercise_id = {text}")).await,
        0,
        "her draft"
    );
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM submissions WHERE exercise_id = {video} AND upload_id IS NULL")).await,
        1,
        "the sent work stays with the course, without the file"
    );
}

#[tokio::test]
async fn managers_add_and_remove_tutors_who_then_grade_or_no_longer_do() {
    let app = spawn_app_with(true).await;
    let manager = app.demo_client(MANAGER).await;
    let email = app.confirmed_user("tutrice@example.sn").await;
    let tutor = app.client_for(&email, crate::helpers::PASSWORD).await;
    let queue = app.url(&format!("/api/v1/courses/{COURSE}/grading-queue"));
    assert_eq!(tutor.get(queue.clone()).send().await.unwrap().status(), 403);

    let url = app.url(&format!("/api/v1/courses/{COURSE}/tutors"));
    let (s, v) =
        json_of(manager.post(url.clone()).json(&json!({"email": "personne@example.sn"})).send().await.unwrap()).await;
    assert_eq!(s, 422);
    assert!(v["error"]["fields"]["email"].as_str().unwrap().contains("Aucun compte"), "{v}");
    let (learner, _) = &learners(&app).await[0];
    let (s, _) = json_of(manager.post(url.clone()).json(&json!({"email": learner})).send().await.unwrap()).await;
    assert_eq!(s, 409, "a learner does not grade her own course");
    let (s, t) = json_of(manager.post(url.clone()).json(&json!({"email": email})).send().await.unwrap()).await;
    assert_eq!(s, 200, "{t}");
    assert_eq!(tutor.get(queue.clone()).send().await.unwrap().status(), 200);
    let (_, list) = json_of(manager.get(url.clone()).send().await.unwrap()).await;
    assert_eq!(list.as_array().unwrap().len(), 2, "the demo's coach and her: {list}");
    // Tutors do not manage tutors; the manager removes her.
    assert_eq!(tutor.get(url.clone()).send().await.unwrap().status(), 403);
    let id = t["user_id"].as_i64().unwrap();
    let r = manager.delete(app.url(&format!("/api/v1/courses/{COURSE}/tutors/{id}"))).send().await.unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(tutor.get(queue).send().await.unwrap().status(), 403);
    // The page has the form.
    app.sign_in_demo(MANAGER).await;
    let html = app.get(&format!("/gestion/cours/{COURSE}")).await.text().await.unwrap();
    assert!(html.contains("Aminata Coach") && html.contains("/tuteurs"), "{html}");
}
