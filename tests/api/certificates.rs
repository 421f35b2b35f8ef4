//! Certificates: issued to a learner who meets the course's rules, checked by anyone with
//! the code, revoked by a manager with a reason the public page shows.

use serde_json::{json, Value};

use crate::helpers::spawn_app_with;

const MOOC: &str = "initiation-au-journalisme-mobile";

/// Records a submitted attempt at every published quiz of the course, at this score.
async fn attempts_at(app: &crate::helpers::TestApp, user: i64, percent: i64) {
    let quizzes: Vec<i64> = sqlx::query_scalar(
        "SELECT q.id FROM quizzes q JOIN course_modules m ON m.id = q.module_id JOIN courses c ON c.id = m.course_id \
         WHERE c.slug = $1 AND q.status = 'published'",
    )
    .bind(MOOC)
    .fetch_all(&app.db().pool)
    .await
    .unwrap();
    assert!(!quizzes.is_empty(), "the demo MOOC has quizzes");
    for q in quizzes {
        let number: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(number), 0) + 1 FROM quiz_attempts WHERE quiz_id = $1 AND user_id = $2",
        )
        .bind(q)
        .bind(user)
        .fetch_one(&app.db().pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO quiz_attempts (quiz_id, user_id, number, answers, score_milli, passed, started_at, submitted_at) \
             VALUES ($1, $2, $3, '{}', $4, $5, 1700000000, 1700000100)",
        )
        .bind(q)
        .bind(user)
        .bind(number)
        .bind(percent * 1000)
        .bind(i64::from(percent >= 60))
        .execute(&app.db().pool)
        .await
        .unwrap();
    }
}

#[tokio::test]
async fn a_learner_who_completes_the_course_gets_a_certificate_anyone_can_check() {
    let app = spawn_app_with(true).await;
    let email = app.confirmed_user("apprenante@example.sn").await;
    let learner = app.client_for(&email, crate::helpers::PASSWORD).await;
    let url = |p: &str| app.url(&format!("/api/v1/courses/{MOOC}{p}"));
    assert_eq!(learner.post(url("/enrolment")).send().await.unwrap().status().as_u16() / 100, 2);
    let user: i64 = app.count(&format!("SELECT id FROM users WHERE email = '{email}'")).await;

    // Not yet: the quizzes are not passed. The refusal names what is missing.
    attempts_at(&app, user, 40).await;
    let r = learner.post(url("/certificate")).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let err: Value = r.json().await.unwrap();
    assert!(err["error"]["message"].as_str().unwrap().contains("40 % / 60 %"), "{err}");
    let standing: Value = learner.get(url("/certificate")).send().await.unwrap().json().await.unwrap();
    assert_eq!(standing["complete"], false);

    // Passed at the best attempt: issued once, the same when asked again.
    attempts_at(&app, user, 80).await;
    let r = learner.post(url("/certificate")).send().await.unwrap();
    assert_eq!(r.status(), 201);
    let cert: Value = r.json().await.unwrap();
    let code = cert["code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 21, "XXXX-XXXX-XXXX-XXXX-C: {code}");
    let again: Value = learner.post(url("/certificate")).send().await.unwrap().json().await.unwrap();
    assert_eq!(again["code"], code);

    // Anyone checks it, typed loosely; a typo is caught as such; the PDF is there.
    let visitor = reqwest::Client::new();
    let loose = code.replace('-', " ").to_lowercase();
    let r = visitor.get(app.url(&format!("/api/v1/certificates/{}", loose.replace(' ', "")))).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let public: Value = r.json().await.unwrap();
    assert_eq!(
        (public["valid"].as_bool(), public["course"].as_str()),
        (Some(true), Some("Initiation au journalisme mobile"))
    );
    let mut typo = code.clone().into_bytes();
    typo[0] = if typo[0] == b'A' { b'B' } else { b'A' };
    let typo = String::from_utf8(typo).unwrap();
    assert_eq!(visitor.get(app.url(&format!("/api/v1/certificates/{typo}"))).send().await.unwrap().status(), 422);
    let page = visitor.get(app.url(&format!("/certificats/verifier?code={loose}"))).send().await.unwrap();
    assert!(page.text().await.unwrap().contains("authentique et valide"), "the form leads to the certificate");
    let pdf = visitor.get(app.url(&format!("/certificats/{code}/pdf"))).send().await.unwrap();
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF"));

    // A manager of its programme (here the administrator) revokes it, with a reason the
    // public page shows.
    let manager = app.demo_client("admin@cfi.demo").await;
    let r =
        manager.post(url(&format!("/certificates/{code}/revoke"))).json(&json!({"reason": " "})).send().await.unwrap();
    assert_eq!(r.status(), 422, "a reason is needed");
    let r = manager
        .post(url(&format!("/certificates/{code}/revoke")))
        .json(&json!({"reason": "Quiz fait par une autre personne."}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let html = visitor.get(app.url(&format!("/certificats/{code}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("a été révoqué") && html.contains("Quiz fait par une autre personne."), "{html}");
    assert_eq!(
        learner
            .post(url(&format!("/certificates/{code}/revoke")))
            .json(&json!({"reason": "x"}))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );

    // Rules: a minimum above 100 % is refused.
    let r = manager
        .put(url("/certificate-rules"))
        .json(&json!({"min_quiz_percent": 120, "min_exercises": 0}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
}

#[tokio::test]
async fn the_demo_certificate_shows_on_the_course_and_public_pages() {
    let app = spawn_app_with(true).await;
    let code: String = sqlx::query_scalar(
        "SELECT c.code FROM certificates c JOIN users u ON u.id = c.user_id WHERE u.email = 'seynabou@cfi.demo'",
    )
    .fetch_one(&app.db().pool)
    .await
    .unwrap();
    app.sign_in_demo("seynabou@cfi.demo").await;
    let html = app.get(&format!("/cours/{MOOC}")).await.text().await.unwrap();
    assert!(html.contains("Votre certificat"), "{html}");
    // Awanabi still lacks two quizzes: the page says which.
    let awanabi = app.demo_client("awanabi@cfi.demo").await;
    let html = awanabi.get(app.url(&format!("/cours/{MOOC}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("il vous reste") && html.contains("/ 60 %"), "{html}");
    let r = awanabi.post(app.url(&format!("/api/v1/courses/{MOOC}/certificate"))).send().await.unwrap();
    assert_eq!(r.status(), 422);
    // Anyone: the form, a typo, the certificate.
    let visitor = reqwest::Client::new();
    let html = visitor.get(app.url("/certificats")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Vérifier un certificat"));
    let r = visitor.get(app.url("/certificats/verifier?code=ZZZZ")).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let html = visitor.get(app.url(&format!("/certificats/{code}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Seynabou Sy Ndiaye") && html.contains("authentique et valide"));
    // The managers' page lists it.
    let admin = app.demo_client("admin@cfi.demo").await;
    let html =
        admin.get(app.url(&format!("/gestion/cours/{MOOC}/certificats"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Seynabou Sy Ndiaye") && html.contains("Révoquer"));
}

/// Thousands of certificates: the managers' list comes 100 a page, with the count.
#[tokio::test]
async fn the_managers_list_of_certificates_comes_page_by_page() {
    let app = spawn_app_with(true).await;
    let course: i64 = sqlx::query_scalar("SELECT id FROM courses WHERE slug = $1")
        .bind(MOOC)
        .fetch_one(&app.db().pool)
        .await
        .unwrap();
    let before = app.count("SELECT COUNT(*) FROM certificates").await;
    for (k, user) in app.enrol_learners(MOOC, 150).await.into_iter().enumerate() {
        sqlx::query(
            "INSERT INTO certificates (course_id, user_id, code, holder_name, course_title, programme_title, issued_at) \
             VALUES ($1, $2, $3, $4, 'Initiation', 'TAP', $5)",
        )
        .bind(course)
        .bind(user)
        .bind(format!("CODE{k:04}"))
        .bind(format!("Apprenant {k:04}"))
        .bind(2_000_000_000 + k as i64)
        .execute(&app.db().pool)
        .await
        .unwrap();
    }
    let total = before + 150;
    let manager = app.demo_client("admin@cfi.demo").await;
    let list = |q: &'static str| {
        let manager = manager.clone();
        let url = app.url(&format!("/api/v1/courses/{MOOC}/certificates{q}"));
        async move { manager.get(url).send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let first = list("").await;
    assert_eq!(first["paging"], json!({"page": 1, "pages": 2, "per_page": 100, "total": total}));
    assert_eq!(first["certificates"].as_array().unwrap().len(), 100);
    let second = list("?page=2").await;
    let holders: Vec<&str> =
        second["certificates"].as_array().unwrap().iter().map(|c| c["holder"].as_str().unwrap()).collect();
    assert_eq!(holders.len() as i64, total - 100);
    assert_eq!(holders.last(), Some(&"Apprenant 0149"), "first issued first");
    app.sign_in_demo("admin@cfi.demo").await;
    let html = app.get(&format!("/gestion/cours/{MOOC}/certificats?page=2")).await.text().await.unwrap();
    assert!(html.contains(&format!("Certificats 101 à {total} sur {total}")), "{html}");
    assert!(html.contains("certificats?page=1") && !html.contains("certificats?page=3"));
    assert_eq!(html.matches("/revoquer\"").count() as i64, total - 100);
}
