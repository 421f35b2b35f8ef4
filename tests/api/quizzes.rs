//! Quizzes: a learner of the demo cohort takes the quiz of an open week, gets her score and
//! the feedback per answer at once, up to the attempts limit; answers for another attempt,
//! a second submission, a closed week and outsiders are refused with the reason; a manager
//! writes a quiz in the text editor and publishes it.

use serde_json::{json, Value};

use crate::helpers::{csrf_of, spawn_app_with, TestApp};

const COURSE: &str = "connexions-citoyennes-formation-en-ligne";

/// A participant of the demo course who has not taken any quiz yet (the demo gives
/// attempts to two thirds of the cohort).
async fn fresh_learner(app: &TestApp) -> reqwest::Client {
    let email: String = sqlx::query_scalar(
        "SELECT u.email FROM phase_participants p JOIN users u ON u.id = p.user_id \
         JOIN courses c ON c.phase_id = p.phase_id WHERE c.slug = $1 \
         AND NOT EXISTS (SELECT 1 FROM quiz_attempts a WHERE a.user_id = u.id) ORDER BY u.id",
    )
    .bind(COURSE)
    .fetch_one(&app.db().pool)
    .await
    .unwrap();
    app.demo_client(&email).await
}

/// The quiz of week `n` of the demo course.
async fn quiz_of_week(app: &TestApp, n: i64) -> i64 {
    sqlx::query_scalar(
        "SELECT q.id FROM quizzes q JOIN course_modules m ON m.id = q.module_id JOIN courses c ON c.id = m.course_id \
         WHERE c.slug = $1 AND m.position = $2",
    )
    .bind(COURSE)
    .bind(n)
    .fetch_one(&app.db().pool)
    .await
    .unwrap()
}

async fn json_of(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn message(v: &Value) -> &str {
    v["error"]["message"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn a_learner_takes_a_quiz_with_feedback_up_to_the_attempts_limit() {
    let app = spawn_app_with(true).await;
    // The demo: quizzes on every week, attempts by two thirds of the cohort, some used up.
    assert_eq!(app.count("SELECT COUNT(*) FROM quizzes WHERE status = 'published'").await, 9);
    assert!(app.count("SELECT COUNT(DISTINCT user_id) FROM quiz_attempts").await >= 18);
    assert!(app.count("SELECT COUNT(*) FROM quiz_attempts WHERE number = 3").await > 0);
    assert!(app.count("SELECT COUNT(*) FROM quiz_attempts WHERE passed = 1").await > 0);

    let me = fresh_learner(&app).await;
    let quiz = quiz_of_week(&app, 1).await;
    let base = format!("/api/v1/courses/{COURSE}/quizzes/{quiz}");
    let r = me.get(app.url(&base)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["questions"].as_array().unwrap().len(), 4);
    assert_eq!((v["pass_percent"].as_u64(), v["max_attempts"].as_u64()), (Some(60), Some(3)));
    assert_eq!(v["answers_shown"], false);
    assert!(v["definition"].is_null());
    // No right answer, accepted answer, feedback or explanation before she may see them.
    assert!(!text.contains("\"correct\":true") && !text.contains("720p") && !text.contains("Trop peu"), "{text}");
    assert_eq!(v["questions"][1]["kind"], "multiple");
    assert_eq!(v["questions"][2]["kind"], "short");

    let (s, started) = json_of(me.post(app.url(&format!("{base}/attempts"))).send().await.unwrap()).await;
    assert_eq!((s, started["number"].as_u64()), (201, Some(1)));
    let (s, again) = json_of(me.post(app.url(&format!("{base}/attempts"))).send().await.unwrap()).await;
    assert_eq!((s, again["number"].as_u64()), (200, Some(1)), "the attempt in progress");

    // Answers sent for another attempt: refused, nothing written.
    let sheet = json!({"answers": {"q1": "a", "q2": ["a"], "q3": "  720P ", "q4": ["c"]}});
    let (s, err) = json_of(me.put(app.url(&format!("{base}/attempts/2"))).json(&sheet).send().await.unwrap()).await;
    assert_eq!(s, 409, "{err}");
    assert!(message(&err).contains("autre tentative"), "{err}");
    // An option the quiz does not have: 422 on that question.
    let forged = json!({"answers": {"q1": "z"}});
    let (s, err) = json_of(me.put(app.url(&format!("{base}/attempts/1"))).json(&forged).send().await.unwrap()).await;
    assert_eq!(s, 422, "{err}");

    // Attempt 1: wrong, half of a multiple choice, a short answer in capitals, wrong.
    let (s, done) = json_of(me.put(app.url(&format!("{base}/attempts/1"))).json(&sheet).send().await.unwrap()).await;
    assert_eq!(s, 200, "{done}");
    let a = &done["attempt"];
    assert_eq!(a["score_percent"].as_f64(), Some(37.5));
    assert_eq!(a["passed"], false);
    let results = a["results"].as_array().unwrap();
    assert_eq!(results[0]["correct"], false);
    assert!(results[0]["feedback"][0]["text"].as_str().unwrap().contains("Trop peu"), "feedback on her choice");
    assert_eq!(results[0]["feedback"][0]["text_en"], "Too few: we speak faster than that.");
    assert_eq!(results[1]["credit"].as_f64(), Some(0.5), "partial credit");
    assert_eq!(results[2]["correct"], true, "case and spaces do not count");
    assert!(results[2]["feedback"].as_array().unwrap().is_empty(), "the explanation waits");
    assert_eq!(done["quiz"]["attempts_left"].as_u64(), Some(2));
    assert_eq!(done["quiz"]["answers_shown"], false);
    // Sent twice: the first stays.
    let (s, err) = json_of(me.put(app.url(&format!("{base}/attempts/1"))).json(&sheet).send().await.unwrap()).await;
    assert_eq!(s, 409, "{err}");
    assert!(message(&err).contains("déjà été envoyée"), "{err}");

    // Attempts 2 and 3 (sent directly: the next attempt starts as it is sent), then none.
    let wrong = json!({"answers": {"q1": "c", "q2": ["c"], "q3": "1080p", "q4": ["c"]}});
    for n in [2, 3] {
        let (s, d) = json_of(me.put(app.url(&format!("{base}/attempts/{n}"))).json(&wrong).send().await.unwrap()).await;
        assert_eq!(s, 200, "{d}");
        assert_eq!(d["attempt"]["score_percent"].as_f64(), Some(0.0));
    }
    let (s, err) = json_of(me.post(app.url(&format!("{base}/attempts"))).send().await.unwrap()).await;
    assert_eq!(s, 403, "{err}");
    assert!(message(&err).contains("toutes les tentatives"), "{err}");
    let (s, _) = json_of(me.put(app.url(&format!("{base}/attempts/4"))).json(&wrong).send().await.unwrap()).await;
    assert_eq!(s, 403);
    // Every attempt used: now the answers and explanations show.
    let (_, v) = json_of(me.get(app.url(&base)).send().await.unwrap()).await;
    assert_eq!(v["answers_shown"], true);
    assert_eq!(v["questions"][0]["options"][1]["correct"], true);
    assert!(v["questions"][2]["accepted"].as_array().unwrap().iter().any(|a| a == "720p"));
    assert_eq!(v["best_score"].as_f64(), Some(37.5));
    let (s, mine) = json_of(me.get(app.url(&format!("{base}/attempts"))).send().await.unwrap()).await;
    assert_eq!((s, mine.as_array().unwrap().len()), (200, 3));
    assert!(mine[0]["results"][2]["feedback"][0]["text"].as_str().unwrap().contains("720p"), "{mine}");

    // Week 3: an accented short answer typed without accents, and two submissions at once.
    let quiz3 = quiz_of_week(&app, 3).await;
    let base3 = format!("/api/v1/courses/{COURSE}/quizzes/{quiz3}");
    let (s, _) = json_of(me.post(app.url(&format!("{base3}/attempts"))).send().await.unwrap()).await;
    assert_eq!(s, 201);
    let sheet = json!({"answers": {"q1": ["a", "b"], "q2": "a", "q3": " EQUILIBRE ", "q4": "b"}});
    let url = app.url(&format!("{base3}/attempts/1"));
    let (r1, r2) = tokio::join!(me.put(&url).json(&sheet).send(), me.put(&url).json(&sheet).send());
    let mut statuses = [r1.unwrap().status().as_u16(), r2.unwrap().status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "one submission wins");
    let (_, v) = json_of(me.get(app.url(&base3)).send().await.unwrap()).await;
    assert_eq!(v["attempts"].as_array().unwrap().len(), 1);
    assert_eq!(v["best_score"].as_f64(), Some(100.0));
    assert_eq!(v["answers_shown"], true, "passed: the answers show");
}

#[tokio::test]
async fn closed_weeks_outsiders_and_staff_do_not_take_quizzes() {
    let app = spawn_app_with(true).await;
    let me = fresh_learner(&app).await;
    let closed = quiz_of_week(&app, 5).await;
    let base = format!("/api/v1/courses/{COURSE}/quizzes/{closed}");
    let (s, err) = json_of(me.get(app.url(&base)).send().await.unwrap()).await;
    assert_eq!(s, 403);
    assert!(message(&err).contains("pas encore ouvert"), "{err}");
    let (s, err) = json_of(me.post(app.url(&format!("{base}/attempts"))).send().await.unwrap()).await;
    assert_eq!(s, 403, "{err}");
    let r = me.get(app.url(&format!("/cours/{COURSE}/quiz/{closed}"))).send().await.unwrap();
    assert_eq!(r.status(), 403);

    let open = quiz_of_week(&app, 1).await;
    let base = format!("/api/v1/courses/{COURSE}/quizzes/{open}");
    let outsider = app.demo_client("seynabou@cfi.demo").await;
    let (s, err) = json_of(outsider.get(app.url(&base)).send().await.unwrap()).await;
    assert_eq!(s, 403);
    assert!(message(&err).contains("réservé"), "{err}");
    let (s, _) = json_of(outsider.post(app.url(&format!("{base}/attempts"))).send().await.unwrap()).await;
    assert_eq!(s, 403);
    let (s, _) = json_of(crate::helpers::client().get(app.url(&base)).send().await.unwrap()).await;
    assert_eq!(s, 401);

    // The manager reads the quiz with its answers, but does not take it.
    let manager = app.demo_client("responsable@cfi.demo").await;
    let (s, v) = json_of(manager.get(app.url(&base)).send().await.unwrap()).await;
    assert_eq!(s, 200);
    assert_eq!(v["answers_shown"], true);
    assert!(v["definition"]["questions"].is_array());
    let (s, err) = json_of(manager.post(app.url(&format!("{base}/attempts"))).send().await.unwrap()).await;
    assert_eq!(s, 403);
    assert!(message(&err).contains("apprenant"), "{err}");
    let (s, _) =
        json_of(me.get(app.url(&format!("/api/v1/courses/{COURSE}/quizzes/999999"))).send().await.unwrap()).await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn the_quiz_pages_show_the_form_then_the_result() {
    let app = spawn_app_with(true).await;
    let me = fresh_learner(&app).await;
    let quiz = quiz_of_week(&app, 2).await;
    let course = me.get(app.url(&format!("/cours/{COURSE}"))).send().await.unwrap().text().await.unwrap();
    assert!(course.contains(&format!("/cours/{COURSE}/quiz/{quiz}")) && course.contains("Quiz : cartographier"));
    assert!(course.contains("data-offline") && course.contains("offline-status"), "offline reading kept");
    assert!(!course.contains(&format!("/quiz/{}\"", quiz_of_week(&app, 5).await)), "no closed week's quiz");

    let page = format!("/cours/{COURSE}/quiz/{quiz}");
    let html = me.get(app.url(&page)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("type=\"radio\" name=\"q1\"") && html.contains("type=\"checkbox\" name=\"q4\""));
    assert!(html.contains("<input name=\"q2\"") && html.contains("name=\"attempt\" value=\"1\""), "{html}");
    assert!(!html.contains("✓"), "no right answer shown");
    let csrf = csrf_of(&html);
    let form = [
        ("csrf", csrf.as_str()),
        ("attempt", "1"),
        ("q1", "b"),
        ("q2", "Parties   PRENANTES"),
        ("q3", "a"),
        ("q4", "a"),
        ("q4", "b"),
    ];
    let r = me.post(app.url(&page)).form(&form).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(to, format!("{page}?tentative=1"));
    let html = me.get(app.url(&to)).send().await.unwrap().text().await.unwrap();
    // q1 right, q2 right, q3 right, q4: one right, one wrong out of two right → 0.
    assert!(html.contains("Réussi : 75 %"), "{html}");
    assert!(html.contains("Trop vague") && html.contains("Réponse fausse"), "feedback per answer");
    assert!(html.contains("✓"), "passed: the right answers show");
    assert!(html.contains("Faire une nouvelle tentative"));
    // The same form sent again: refused, the page tells why.
    let r = me.post(app.url(&page)).form(&form).send().await.unwrap();
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("déjà été envoyée"));
    let course = me.get(app.url(&format!("/cours/{COURSE}"))).send().await.unwrap().text().await.unwrap();
    assert!(course.contains("Meilleur score : 75 %") && course.contains("Tentatives restantes : 2"), "{course}");
}

#[tokio::test]
async fn a_manager_writes_a_quiz_in_the_text_editor() {
    let app = spawn_app_with(true).await;
    app.sign_in_demo("responsable@cfi.demo").await;
    let module: i64 = sqlx::query_scalar(
        "SELECT m.id FROM course_modules m JOIN courses c ON c.id = m.course_id WHERE c.slug = $1 AND m.position = 1",
    )
    .bind(COURSE)
    .fetch_one(&app.db().pool)
    .await
    .unwrap();
    let html = app.get(&format!("/gestion/cours/{COURSE}")).await.text().await.unwrap();
    assert!(html.contains(&format!("/gestion/cours/{COURSE}/modules/{module}/quiz")) && html.contains("Quiz : filmer"));
    let new = format!("/gestion/cours/{COURSE}/modules/{module}/quiz");
    let html = app.get(&new).await.text().await.unwrap();
    assert!(html.contains("Une question par bloc") && html.contains("? Question à choix unique"));

    // Mistakes on every field at once, what was typed kept.
    let r = app
        .post_form(
            &new,
            &new,
            &[("title", ""), ("questions", "? Q\n+ oui\n= non"), ("pass_percent", "abc"), ("max_attempts", "0")],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Ce champ est obligatoire") && html.contains("Ligne 3"), "{html}");
    assert!(html.contains("à la fois des choix") && html.contains("value=\"abc\""));
    assert!(html.contains("entre 0 et 100") && html.contains("au moins 1"));
    assert!(html.contains("= non</textarea>"), "the questions kept");
    // Well formed, but a single choice with two right answers forced: told on the questions.
    let r =
        app.post_form(&new, &new, &[("title", "Révision"), ("questions", "? Q\n- a"), ("pass_percent", "60")]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("au moins deux réponses"));

    let text = "? Combien de semaines dure la formation ? || How many weeks is the course?\n- Quatre\n+ Six\n> Oui, six semaines.\n\n? Le pays de l’atelier final ?\n= France\n";
    let r = app
        .post_form(
            &new,
            &new,
            &[
                ("title", "Révision"),
                ("title_en", "Review"),
                ("questions", text),
                ("pass_percent", "50"),
                ("max_attempts", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let edit = r.headers()["location"].to_str().unwrap().split('?').next().unwrap().to_owned();
    let id: i64 = edit.rsplit('/').next().unwrap().parse().unwrap();
    let html = app.get(&edit).await.text().await.unwrap();
    assert!(html.contains("? Combien de semaines dure la formation ? || How many weeks is the course?"));
    assert!(html.contains("brouillon"));
    let r = app.post_form(&edit, &format!("{edit}/statut"), &[("status", "published")]).await;
    assert_eq!(r.status(), 303);
    let me = fresh_learner(&app).await;
    let (s, v) =
        json_of(me.get(app.url(&format!("/api/v1/courses/{COURSE}/quizzes/{id}"))).send().await.unwrap()).await;
    assert_eq!(s, 200, "{v}");
    assert!(v["max_attempts"].is_null() && v["pass_percent"] == 50);

    // The API: a definition as JSON, checked on its fields.
    let manager = app.demo_client("responsable@cfi.demo").await;
    let url = app.url(&format!("/api/v1/courses/{COURSE}/modules/{module}/quizzes"));
    let two_right = json!({"title": "Q", "definition": {"pass_percent": 60, "max_attempts": 2, "questions": [
        {"id": "q1", "prompt": "?", "kind": {"type": "single", "options": [
            {"id": "a", "label": "A", "correct": true}, {"id": "b", "label": "B", "correct": true}]}}]}});
    let (s, err) = json_of(manager.post(&url).json(&two_right).send().await.unwrap()).await;
    assert_eq!(s, 422);
    assert!(err["error"]["fields"]["questions"].as_str().unwrap().contains("une bonne réponse"), "{err}");
    let (s, err) =
        json_of(manager.post(&url).json(&json!({"title": "Q", "definition": "x"})).send().await.unwrap()).await;
    assert_eq!(s, 422);
    assert!(err["error"]["fields"]["definition"].is_string());
    let mut ok = two_right.clone();
    ok["definition"]["questions"][0]["kind"]["type"] = json!("multiple");
    let (s, created) = json_of(manager.post(&url).json(&ok).send().await.unwrap()).await;
    assert_eq!(s, 201, "{created}");
    let quiz = created["id"].as_i64().unwrap();
    let one = app.url(&format!("/api/v1/courses/{COURSE}/quizzes/{quiz}"));
    ok["status"] = json!("published");
    assert_eq!(manager.put(&one).json(&ok).send().await.unwrap().status(), 204);
    let (s, _) = json_of(me.get(&one).send().await.unwrap()).await;
    assert_eq!(s, 200);
    assert_eq!(me.put(&one).json(&ok).send().await.unwrap().status(), 403, "learners do not edit");
    assert_eq!(manager.delete(&one).send().await.unwrap().status(), 204);
    assert_eq!(me.get(&one).send().await.unwrap().status(), 404);
}
