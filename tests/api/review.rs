//! Review of the demo call's applications: rubric, reviewers, assignment in one click,
//! blind scoring, conflicts of interest, drop-outs, and the normalised ranking.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use crate::helpers::{client, spawn_app_with, TestApp};

const CALL: &str = "connexions-citoyennes-prochaine-promotion";

async fn results(app: &TestApp, manager: &reqwest::Client) -> Value {
    manager.get(app.url(&format!("/api/v1/calls/{CALL}/review/results"))).send().await.unwrap().json().await.unwrap()
}

/// Every application in the pool has `k` distinct reviewers, loads differ by at most one.
async fn assert_well_assigned(app: &TestApp, k: i64) {
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT r.application_id, r.reviewer_id FROM reviews r JOIN reviewers v ON v.id = r.reviewer_id WHERE v.active = 1",
    )
    .fetch_all(&app.db().pool)
    .await
    .unwrap();
    let mut per_app: BTreeMap<i64, BTreeSet<i64>> = BTreeMap::new();
    let mut load: BTreeMap<i64, i64> = BTreeMap::new();
    for (a, r) in rows {
        per_app.entry(a).or_default().insert(r);
        *load.entry(r).or_default() += 1;
    }
    assert!(!per_app.is_empty());
    assert!(per_app.values().all(|s| s.len() as i64 == k), "{per_app:?}");
    let (min, max) = (load.values().min().unwrap(), load.values().max().unwrap());
    assert!(max - min <= 1, "loads {load:?}");
}

#[tokio::test]
async fn managers_set_the_rubric_invite_reviewers_assign_and_replace_a_drop_out() {
    let app = spawn_app_with(true).await;
    let manager = app.demo_client("responsable@cfi.demo").await;
    let url = |p: &str| app.url(&format!("/api/v1/calls/{CALL}{p}"));
    let settings: Value = manager.get(url("/review")).send().await.unwrap().json().await.unwrap();
    assert_eq!(settings["rubric"]["criteria"].as_array().unwrap().len(), 4);
    assert_eq!(settings["blind"], true);

    // A rubric that cannot work, and 0 reviewers per application: refused, nothing changed.
    let mut bad = settings.clone();
    bad["rubric"]["criteria"][0]["scale_min"] = json!(5);
    bad["rubric"]["criteria"][0]["scale_max"] = json!(1);
    let r = manager.put(url("/review")).json(&bad).send().await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("bas de l’échelle"));
    let mut bad = settings.clone();
    bad["per_application"] = json!(0);
    assert_eq!(manager.put(url("/review")).json(&bad).send().await.unwrap().status(), 422);

    // The demo's applications are assigned to 3 reviewers each, loads balanced.
    assert_well_assigned(&app, 3).await;
    let before: Value = results(&app, &manager).await;
    let pool = before["applications"].as_array().unwrap().len();
    assert!(pool > 100, "sent, eligible applications: {pool}");

    // A new reviewer: invited by e-mail; the same address twice, or a bad one, refused.
    let r = manager
        .post(url("/reviewers"))
        .json(&json!({"email": "nouvelle.jury@example.org", "name": "Nouvelle Jury", "languages": "fr, en", "country": "sn"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let mail = app.last_mail("nouvelle.jury@example.org", "Invitation").await;
    assert!(mail.contains("/evaluations/connexions-citoyennes-prochaine-promotion"), "{mail}");
    let r = manager
        .post(url("/reviewers"))
        .json(&json!({"email": "nouvelle.jury@example.org", "name": "X"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    let r =
        manager.post(url("/reviewers")).json(&json!({"email": "pas-une-adresse", "name": ""})).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let err: Value = r.json().await.unwrap();
    assert!(err["error"]["fields"]["email"].is_string() && err["error"]["fields"]["name"].is_string());

    // Running the assignment again keeps what exists: nothing new is needed.
    let report: Value = manager.post(url("/assignments")).send().await.unwrap().json().await.unwrap();
    assert_eq!(report["assigned"], 0, "{report}");
    assert!(report["short"].as_array().unwrap().is_empty());

    // Moussa drops out: his assignments (none scored yet) go to others, all still at 3.
    let reviewers: Value = manager.get(url("/reviewers")).send().await.unwrap().json().await.unwrap();
    let moussa = reviewers.as_array().unwrap().iter().find(|r| r["email"] == "jury@cfi.demo").unwrap().clone();
    let his = moussa["assigned"].as_u64().unwrap();
    assert!(his > 0);
    let r: Value =
        manager.delete(url(&format!("/reviewers/{}", moussa["id"]))).send().await.unwrap().json().await.unwrap();
    assert_eq!(r["reassigned"].as_u64().unwrap(), his);
    assert_well_assigned(&app, 3).await;
    let submitted_before = before["submitted"].as_u64().unwrap();
    let after = results(&app, &manager).await;
    assert_eq!(after["submitted"].as_u64().unwrap(), submitted_before, "no score lost");

    // The ranking: normalised scores, disagreements flagged, agreement of the jury, and
    // the harsh reviewer recognised as such.
    let first = &after["applications"][0];
    assert_eq!(first["rank"], 1);
    assert!(
        first["normalised_mean"].as_f64().unwrap() >= after["applications"][1]["normalised_mean"].as_f64().unwrap()
    );
    assert!(after["alpha"].as_f64().is_some());
    let marie = after["reviewers"].as_array().unwrap().iter().find(|r| r["email"] == "marie.jury@cfi.demo").unwrap();
    assert_eq!(marie["leaning"], "harsh", "{marie}");

    // Reviewers and results are the manager’s: an applicant is refused.
    let nosy = app.demo_client("seynabou@cfi.demo").await;
    assert_eq!(nosy.get(url("/review/results")).send().await.unwrap().status(), 403);
}

#[tokio::test]
async fn a_reviewer_scores_blind_only_what_she_was_given() {
    let app = spawn_app_with(true).await;
    let moussa = app.demo_client("jury@cfi.demo").await;
    let url = |p: &str| app.url(&format!("/api/v1/calls/{CALL}{p}"));
    let mine: Value = moussa.get(app.url("/api/v1/reviews")).send().await.unwrap().json().await.unwrap();
    assert_eq!(mine[0]["slug"], CALL);
    assert_eq!(mine[0]["submitted"], 0);
    let queue: Value = moussa.get(url("/reviews")).send().await.unwrap().json().await.unwrap();
    let queue: Vec<i64> = queue.as_array().unwrap().iter().map(|i| i["application"].as_i64().unwrap()).collect();
    assert!(queue.len() > 10);
    let first = queue[0];

    // Nothing identifying leaks: not the name, the e-mail, the birth date or the gender.
    let (name, email, answers): (String, String, String) = sqlx::query_as(
        "SELECT u.name, u.email, a.answers FROM applications a JOIN users u ON u.id = a.user_id WHERE a.id = $1",
    )
    .bind(first)
    .fetch_one(&app.db().pool)
    .await
    .unwrap();
    let answers: Value = serde_json::from_str(&answers).unwrap();
    let text = moussa.get(url(&format!("/reviews/{first}"))).send().await.unwrap().text().await.unwrap();
    for secret in [name.as_str(), email.as_str(), answers["q1"].as_str().unwrap()] {
        assert!(!text.contains(secret), "{secret} leaked");
    }
    let seen: Value = serde_json::from_str(&text).unwrap();
    assert!(seen["answers"].get("q3").is_none() && seen["answers"].get("q1").is_none());
    assert!(seen["applicant"].is_null());
    assert_eq!(seen["answers"]["q4"], answers["q4"], "the project itself is there");

    // Scores out of the scale, unknown criteria, an incomplete submission: refused.
    let put = |body: Value| moussa.put(url(&format!("/reviews/{first}"))).json(&body).send();
    let r = put(json!({"scores": {"pertinence": 9, "beaute": 2}})).await.unwrap();
    assert_eq!(r.status(), 422);
    let err: Value = r.json().await.unwrap();
    assert!(err["error"]["fields"]["pertinence"].as_str().unwrap().contains("hors de l’échelle"));
    assert!(err["error"]["fields"]["beaute"].is_string());
    let r = put(json!({"scores": {"pertinence": 4}, "submit": true})).await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Notez ce critère"));
    // A draft, then the submission; a second one is refused.
    let r = put(json!({"scores": {"pertinence": 4}, "comment": "À revoir"})).await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "draft");
    let all = json!({"pertinence": 4, "faisabilite": 3, "impact": 5, "motivation": 4});
    let r = put(json!({"scores": all, "comment": "Très pertinent.", "submit": true})).await.unwrap();
    assert_eq!(r.status(), 200);
    let done: Value = r.json().await.unwrap();
    assert_eq!(done["status"], "submitted");
    assert!(done["score"].as_f64().unwrap() > 70.0);
    let r = put(json!({"scores": all, "submit": true})).await.unwrap();
    assert_eq!(r.status(), 409);

    // An application not given to her does not exist for her.
    let other: i64 = sqlx::query_scalar(
        "SELECT MIN(a.id) FROM applications a WHERE a.status = 'submitted' AND a.id NOT IN \
         (SELECT r.application_id FROM reviews r JOIN reviewers v ON v.id = r.reviewer_id WHERE v.email = 'jury@cfi.demo')",
    )
    .fetch_one(&app.db().pool)
    .await
    .unwrap();
    assert_eq!(moussa.get(url(&format!("/reviews/{other}"))).send().await.unwrap().status(), 404);
    assert_eq!(put(json!({"scores": all})).await.unwrap().status(), 409);
    let r = moussa.put(url(&format!("/reviews/{other}"))).json(&json!({"scores": all})).send().await.unwrap();
    assert_eq!(r.status(), 404);

    // A conflict of interest: the application leaves her queue and keeps three reviewers.
    let second = queue[1];
    let r = moussa.post(url(&format!("/reviews/{second}/conflict"))).json(&json!({"reason": ""})).send().await.unwrap();
    assert_eq!(r.status(), 422, "a reason is needed");
    let r = moussa
        .post(url(&format!("/reviews/{second}/conflict")))
        .json(&json!({"reason": "C’est ma cousine."}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(moussa.get(url(&format!("/reviews/{second}"))).send().await.unwrap().status(), 404);
    let reviewers: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reviews WHERE application_id = $1")
        .bind(second)
        .fetch_one(&app.db().pool)
        .await
        .unwrap();
    assert_eq!(reviewers, 3);

    // A conflict found after she submitted voids her scores: they leave the ranking and
    // someone else reviews the application.
    let r = moussa
        .post(url(&format!("/reviews/{first}/conflict")))
        .json(&json!({"reason": "J’ai appris qu’il travaille dans mon association."}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let (mine, others): (i64, i64) = sqlx::query_as(
        "SELECT SUM(CASE WHEN v.email = 'jury@cfi.demo' THEN 1 ELSE 0 END), COUNT(*) FROM reviews r \
         JOIN reviewers v ON v.id = r.reviewer_id WHERE r.application_id = $1",
    )
    .bind(first)
    .fetch_one(&app.db().pool)
    .await
    .unwrap();
    assert_eq!((mine, others), (0, 3), "her review is gone, three reviewers still");

    // Someone who is not a reviewer of the call has no queue.
    let nosy = app.demo_client("seynabou@cfi.demo").await;
    assert_eq!(nosy.get(url("/reviews")).send().await.unwrap().status(), 404);
    assert_eq!(nosy.get(url(&format!("/reviews/{first}"))).send().await.unwrap().status(), 404);

    // After the review period, scores are refused.
    let manager = app.demo_client("responsable@cfi.demo").await;
    let mut settings: Value = manager.get(url("/review")).send().await.unwrap().json().await.unwrap();
    settings["closes_at"] = json!(1_000_000_000);
    assert_eq!(manager.put(url("/review")).json(&settings).send().await.unwrap().status(), 200);
    let third = queue[2];
    let r = moussa.put(url(&format!("/reviews/{third}"))).json(&json!({"scores": all})).send().await.unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("terminée"));
}

#[tokio::test]
async fn the_review_pages_work_without_javascript() {
    let app = spawn_app_with(true).await;
    // The reviewer: her calls, her queue, one application blind, scores sent by a plain form.
    app.sign_in_demo("jury@cfi.demo").await;
    let html = app.get("/compte").await.text().await.unwrap();
    assert!(html.contains("href=\"/evaluations\""));
    let html = app.get("/evaluations").await.text().await.unwrap();
    assert!(html.contains(&format!("/evaluations/{CALL}")) && html.contains("0 évaluation(s) envoyée(s)"));
    let html = app.get(&format!("/evaluations/{CALL}")).await.text().await.unwrap();
    assert!(html.contains("Évaluation à l’aveugle"));
    let first: i64 =
        html.split(&format!("/evaluations/{CALL}/")).nth(1).unwrap().split('"').next().unwrap().parse().unwrap();
    let page = format!("/evaluations/{CALL}/{first}");
    let (name, email): (String, String) =
        sqlx::query_as("SELECT u.name, u.email FROM applications a JOIN users u ON u.id = a.user_id WHERE a.id = $1")
            .bind(first)
            .fetch_one(&app.db().pool)
            .await
            .unwrap();
    let html = app.get(&page).await.text().await.unwrap();
    assert!(!html.contains(&name) && !html.contains(&email), "blind");
    assert!(html.contains("Pertinence citoyenne") && html.contains("name=\"s.pertinence\" value=\"5\""));
    // Submitting without every score: refused, what was ticked is shown again.
    let r = app.post_form(&page, &page, &[("s.pertinence", "4"), ("comment", "Bien"), ("action", "submit")]).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Notez ce critère") && html.contains("value=\"4\" checked"));
    let r = app
        .post_form(
            &page,
            &page,
            &[
                ("s.pertinence", "4"),
                ("s.faisabilite", "3"),
                ("s.impact", "4"),
                ("s.motivation", "5"),
                ("comment", "Bien"),
                ("action", "submit"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303, "on to the next one");
    let status: String = sqlx::query_scalar(
        "SELECT r.status FROM reviews r JOIN reviewers v ON v.id = r.reviewer_id WHERE v.email = 'jury@cfi.demo' AND r.application_id = $1",
    )
    .bind(first)
    .fetch_one(&app.db().pool)
    .await
    .unwrap();
    assert_eq!(status, "submitted");
    let r = app.post_form(&page, &page, &[("s.pertinence", "1"), ("action", "submit")]).await;
    assert_eq!(r.status(), 409, "sent once");

    // The manager: progress, ranking, reviewers, settings, exports.
    let manager = client();
    manager
        .post(app.url("/api/v1/session"))
        .json(&json!({"email": "responsable@cfi.demo", "password": tremplin::demo::DEMO_PASSWORD}))
        .send()
        .await
        .unwrap();
    let html =
        manager.get(app.url(&format!("/gestion/appels/{CALL}/evaluation"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Krippendorff") && html.contains("Marie Dupont") && html.contains("sévère"));
    let csrf = crate::helpers::csrf_of(&html);
    let r = manager
        .post(app.url(&format!("/gestion/appels/{CALL}/evaluation/evaluateurs")))
        .form(&[("csrf", csrf.as_str()), ("email", "faux"), ("name", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("pas valide"));
    let r = manager
        .post(app.url(&format!("/gestion/appels/{CALL}/evaluation/repartition")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("0 nouvelle(s) attribution(s)"));
    // The rubric edited in the page: a criterion renamed, another added, a bad scale refused.
    let form: Vec<(String, String)> = vec![
        ("csrf".into(), csrf.clone()),
        ("blind".into(), "1".into()),
        ("per_application".into(), "3".into()),
        ("c0.id".into(), "pertinence".into()),
        ("c0.label".into(), "Pertinence".into()),
        ("c0.min".into(), "0".into()),
        ("c0.max".into(), "5".into()),
        ("c0.weight".into(), "2".into()),
        ("c0.required".into(), "1".into()),
        ("c1.label".into(), "Créativité".into()),
        ("c1.min".into(), "1".into()),
        ("c1.max".into(), "10".into()),
        ("c1.weight".into(), "1".into()),
    ];
    let url = app.url(&format!("/gestion/appels/{CALL}/evaluation/reglages"));
    let r = manager.post(&url).form(&form).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let s: Value =
        manager.get(app.url(&format!("/api/v1/calls/{CALL}/review"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(s["rubric"]["criteria"][1]["id"], "creativite");
    assert_eq!(s["rubric"]["criteria"][1]["scale_max"], 10);
    let bad: Vec<(String, String)> =
        form.iter().filter(|(k, _)| k != "c1.min").cloned().chain([("c1.min".to_owned(), "11".to_owned())]).collect();
    let r = manager.post(&url).form(&bad).send().await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("bas de l’échelle"));
    let csv = manager
        .get(app.url(&format!("/gestion/appels/{CALL}/evaluation/classement.csv")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(csv.starts_with("rank,receipt,country"), "blind: no names in the ranking export: {}", &csv[..80]);
}

#[tokio::test]
async fn a_manager_moves_one_assignment_by_hand() {
    let app = spawn_app_with(true).await;
    let manager = app.demo_client("responsable@cfi.demo").await;
    let url = |p: &str| app.url(&format!("/api/v1/calls/{CALL}{p}"));
    // One of Moussa's applications (none scored) goes to a reviewer who does not have it.
    let (application, from): (i64, i64) = sqlx::query_as(
        "SELECT r.application_id, r.reviewer_id FROM reviews r JOIN reviewers v ON v.id = r.reviewer_id \
         WHERE v.email = 'jury@cfi.demo' ORDER BY r.application_id LIMIT 1",
    )
    .fetch_one(&app.db().pool)
    .await
    .unwrap();
    let to: i64 = sqlx::query_scalar(
        "SELECT v.id FROM reviewers v WHERE v.id NOT IN (SELECT reviewer_id FROM reviews WHERE application_id = $1) \
         ORDER BY v.id LIMIT 1",
    )
    .bind(application)
    .fetch_one(&app.db().pool)
    .await
    .unwrap();
    let holder: i64 = sqlx::query_scalar(
        "SELECT reviewer_id FROM reviews WHERE application_id = $1 AND reviewer_id <> $2 ORDER BY reviewer_id LIMIT 1",
    )
    .bind(application)
    .bind(from)
    .fetch_one(&app.db().pool)
    .await
    .unwrap();
    let mv = |from: i64, to: i64| {
        manager.post(url("/assignments/move")).json(&json!({"application": application, "from": from, "to": to})).send()
    };
    assert_eq!(mv(from, holder).await.unwrap().status(), 422, "she already has it");
    assert_eq!(mv(from, 999_999).await.unwrap().status(), 422, "not a reviewer of the call");
    assert_eq!(mv(to, from).await.unwrap().status(), 404, "nothing to move");
    // Through the page, without JavaScript.
    let page = format!("/gestion/appels/{CALL}/candidatures/{application}");
    let html = manager.get(app.url(&page)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Réattribuer"));
    let csrf = crate::helpers::csrf_of(&html);
    let r = manager
        .post(app.url(&format!("{page}/evaluateur")))
        .form(&[("csrf", csrf.as_str()), ("from", &from.to_string()), ("to", &to.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let now: Vec<i64> = sqlx::query_scalar("SELECT reviewer_id FROM reviews WHERE application_id = $1")
        .bind(application)
        .fetch_all(&app.db().pool)
        .await
        .unwrap();
    assert!(now.contains(&to) && !now.contains(&from) && now.len() == 3, "{now:?}");
    // A submitted review stays where it is.
    let (scored, scorer): (i64, i64) = sqlx::query_as(
        "SELECT application_id, reviewer_id FROM reviews WHERE status = 'submitted' ORDER BY id LIMIT 1",
    )
    .fetch_one(&app.db().pool)
    .await
    .unwrap();
    let r = manager
        .post(url("/assignments/move"))
        .json(&json!({"application": scored, "from": scorer, "to": to}))
        .send()
        .await
        .unwrap();
    assert!(r.status() == 409 || r.status() == 422, "{}", r.status());
}
