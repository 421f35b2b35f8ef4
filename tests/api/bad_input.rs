//! Bad input gets a clear 4xx in the user's language, writes nothing, and never a 5xx.

use serde_json::{json, Value};

use crate::helpers::{header, spawn_app, PASSWORD};

#[tokio::test]
async fn duplicate_email_is_a_conflict_and_writes_nothing() {
    let app = spawn_app().await;
    app.confirmed_user("awa@example.sn").await;
    let before = app.count("SELECT COUNT(*) FROM outbox").await;
    let r = app
        .client
        .post(app.url("/api/v1/accounts"))
        .header("accept-language", "en")
        .json(&json!({"email": "AWA@example.sn", "name": "Awa", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    let err: Value = r.json().await.unwrap();
    assert_eq!(err["error"]["code"], "conflict");
    assert!(err["error"]["fields"]["email"].as_str().unwrap().contains("already exists"));
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox").await, before);
}

#[tokio::test]
async fn weak_passwords_are_refused_with_a_reason() {
    let app = spawn_app().await;
    for (pw, expect) in [("short", "at least 10"), ("azertyuiop", "too common"), ("kadiatou-2017", "e-mail")] {
        let r = app
            .client
            .post(app.url("/api/v1/accounts"))
            .header("accept-language", "en")
            .json(&json!({"email": "kadiatou@example.gn", "name": "Kadiatou", "password": pw}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "{pw}");
        let err: Value = r.json().await.unwrap();
        assert_eq!(err["error"]["code"], "invalid_input");
        let msg = err["error"]["fields"]["password"].as_str().unwrap();
        assert!(msg.contains(expect), "{pw}: {msg}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 0);
}

#[tokio::test]
async fn a_form_without_its_csrf_token_is_refused_and_writes_nothing() {
    let app = spawn_app().await;
    app.get("/inscription").await; // the browser has a CSRF cookie...
    let r = app
        .client
        .post(app.url("/inscription"))
        .form(&[("name", "Awa"), ("email", "awa@example.sn"), ("password", PASSWORD)]) // ...but no token in the form
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert!(r.text().await.unwrap().contains("Rechargez la page"));
    let r = app
        .client
        .post(app.url("/inscription"))
        .form(&[("csrf", "forged"), ("name", "Awa"), ("email", "awa@example.sn"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 0);
}

#[tokio::test]
async fn the_api_refuses_cross_site_form_posts_with_the_session_cookie() {
    let app = spawn_app().await;
    let email = app.confirmed_user("issa@example.bf").await;
    app.sign_in_api(&email, PASSWORD).await;
    let r = app.client.post(app.url("/api/v1/me/tokens")).form(&[("name", "x")]).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let err: Value = r.json().await.unwrap();
    assert_eq!(err["error"]["code"], "csrf_failed");
    assert_eq!(app.count("SELECT COUNT(*) FROM api_tokens").await, 0);
}

#[tokio::test]
async fn malformed_json_wrong_type_and_oversized_bodies() {
    let app = spawn_app().await;
    let r = app
        .client
        .post(app.url("/api/v1/accounts"))
        .header("content-type", "application/json")
        .body("{\"email\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let err: Value = r.json().await.unwrap();
    assert_eq!(err["error"]["code"], "malformed_body");

    let r = app
        .client
        .post(app.url("/api/v1/accounts"))
        .header("content-type", "application/json")
        .body("{\"email\": 3}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);

    let r = app
        .client
        .post(app.url("/api/v1/accounts"))
        .body("email=a")
        .header("content-type", "text/csv")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
    let err: Value = r.json().await.unwrap();
    assert_eq!(err["error"]["code"], "unsupported_media_type");

    let big = format!("{{\"email\": \"{}\"}}", "a".repeat(400 * 1024));
    let r = app
        .client
        .post(app.url("/api/v1/accounts"))
        .header("content-type", "application/json")
        .body(big.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    let err: Value = r.json().await.unwrap();
    assert_eq!(err["error"]["code"], "payload_too_large");

    // The same on a page form.
    let html = app.get("/inscription").await.text().await.unwrap();
    let csrf = crate::helpers::csrf_of(&html);
    let r = app
        .client
        .post(app.url("/inscription"))
        .form(&[("csrf", csrf.as_str()), ("name", &"n".repeat(400 * 1024))])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 0);
}

#[tokio::test]
async fn unknown_routes_and_methods() {
    let app = spawn_app().await;
    let r = app.get("/nulle-part").await;
    assert_eq!(r.status(), 404);
    assert!(header(r.headers(), "content-type").starts_with("text/html"));
    assert!(r.text().await.unwrap().contains("Cette page n’existe pas"));
    let r = app.get("/api/v1/nowhere").await;
    assert_eq!(r.status(), 404);
    let err: Value = r.json().await.unwrap();
    assert_eq!(err["error"]["code"], "not_found");
    let r = app.client.delete(app.url("/api/v1/accounts")).send().await.unwrap();
    assert_eq!(r.status(), 405);
    let err: Value = r.json().await.unwrap();
    assert_eq!(err["error"]["code"], "method_not_allowed");
    let r = app.get("/api/v1/me").await;
    assert_eq!(r.status(), 401);
    let r = app.client.get(app.url("/api/v1/me")).header("authorization", "Bearer trp_nope").send().await.unwrap();
    assert_eq!(r.status(), 401);
    let r = app.get("/confirmation?jeton=nonsense").await;
    assert_eq!(r.status(), 400);
    let r = app.get("/reinitialisation").await;
    assert_eq!(r.status(), 400);
}

/// A battery of hostile or clumsy requests against every route: none may produce a 5xx.
#[tokio::test]
async fn no_client_input_produces_a_server_error() {
    // Signed in as an administrator, so that every handler is reached, not only refusals.
    let app = crate::helpers::spawn_app_with(true).await;
    app.sign_in_api("admin@cfi.demo", tremplin::demo::DEMO_PASSWORD).await;
    let routes = [
        "/",
        "/inscription",
        "/connexion",
        "/deconnexion",
        "/confirmation",
        "/confirmation/renvoyer",
        "/mot-de-passe-oublie",
        "/reinitialisation",
        "/compte",
        "/compte/preferences",
        "/compte/mot-de-passe",
        "/compte/jetons",
        "/compte/jetons/abc/revoquer",
        "/langue",
        "/programmes/%00",
        "/static/x.css",
        "/api/v1/accounts",
        "/api/v1/accounts/confirm",
        "/api/v1/accounts/confirmation-email",
        "/api/v1/accounts/password-reset",
        "/api/v1/accounts/password-reset/complete",
        "/api/v1/session",
        "/api/v1/me",
        "/api/v1/me/language",
        "/api/v1/me/password",
        "/api/v1/me/tokens",
        "/api/v1/me/tokens/-1",
        "/api/v1/me/tokens/99999999999999999999",
        "/api/v1/programmes",
        "/api/v1/programmes/nope",
        "/programmes",
        "/programmes?page=-1",
        "/rapport",
        "/rapport/2016",
        "/rapport/2016.pdf",
        "/rapport/99999999999999999999",
        "/recherche?q=%00",
        "/recherche?q=a&page=99999999999999999999",
        "/indicateurs?annee=%00",
        "/indicateurs.csv?annee=x",
        "/indicateurs.xlsx",
        "/gestion",
        "/gestion/programmes",
        "/gestion/programmes/nouveau",
        "/gestion/programmes/nope",
        "/gestion/programmes/connexions-citoyennes/etapes",
        "/gestion/programmes/connexions-citoyennes/couts",
        "/gestion/programmes/connexions-citoyennes/budget/x/supprimer",
        "/gestion/programmes/connexions-citoyennes/couverture",
        "/gestion/programmes/connexions-citoyennes/temoignages/1/photo",
        "/gestion/rapports/2016",
        "/gestion/rapports/-5",
        "/media/x.jpg",
        "/api/v1/programmes/connexions-citoyennes/phases",
        "/api/v1/programmes/connexions-citoyennes/costs/abc",
        "/api/v1/programmes/connexions-citoyennes/budget-lines",
        "/api/v1/programmes/connexions-citoyennes/testimonials/1",
        "/api/v1/programmes/connexions-citoyennes/testimonials/1/photo",
        "/api/v1/programmes/connexions-citoyennes/cover",
        "/api/v1/reports/abc",
        "/api/v1/reports/2016",
        "/api/v1/search?q=",
        "/api/v1/search?q=a&page=-4",
        "/api/v1/indicators?year=x",
        "/appels",
        "/appels/%00",
        "/appels/connexions-citoyennes-2016",
        "/gestion/appels/connexions-citoyennes-2016",
        "/gestion/programmes/connexions-citoyennes/appels",
        "/gestion/programmes/connexions-citoyennes/appels/nouveau",
        "/api/v1/calls",
        "/api/v1/calls/connexions-citoyennes-2016",
        "/api/v1/programmes/connexions-citoyennes/calls",
        "/api/v1/calls/connexions-citoyennes-2016/form",
        "/gestion/appels/connexions-citoyennes-2016/formulaire",
        "/appels/connexions-citoyennes-prochaine-promotion/candidature",
        "/appels/connexions-citoyennes-2016/candidature",
        "/compte/donnees.json",
        "/gestion/appels/connexions-citoyennes-prochaine-promotion/eligibilite",
        "/gestion/appels/connexions-citoyennes-prochaine-promotion/candidatures/1/derogation",
        "/api/v1/calls/connexions-citoyennes-prochaine-promotion/eligibility",
        "/api/v1/calls/connexions-citoyennes-prochaine-promotion/applications/1/override",
        "/api/v1/me/data",
        "/gestion/appels/connexions-citoyennes-prochaine-promotion/candidatures?pays=%00&statut=x",
        "/gestion/appels/connexions-citoyennes-prochaine-promotion/candidatures.csv?anonyme=1",
        "/gestion/appels/connexions-citoyennes-prochaine-promotion/candidatures.xlsx",
        "/gestion/appels/connexions-citoyennes-prochaine-promotion/candidatures/abc",
        "/api/v1/calls/connexions-citoyennes-prochaine-promotion/application",
        "/api/v1/calls/connexions-citoyennes-prochaine-promotion/application/submit",
        "/api/v1/calls/connexions-citoyennes-prochaine-promotion/application/withdraw",
        "/gestion/appels/connexions-citoyennes-2016/formulaire/questions",
        "/gestion/appels/connexions-citoyennes-2016/formulaire/questions/q1/supprimer",
        "/gestion/appels/connexions-citoyennes-2016/formulaire/sections",
        "/gestion/appels/connexions-citoyennes-2016/formulaire/copier",
        "/api/v1/calls/connexions-citoyennes-prochaine-promotion/application/files/q21",
        "/api/v1/calls/connexions-citoyennes-prochaine-promotion/application/files/q4?name=%00",
        "/api/v1/calls/connexions-citoyennes-2016/application/files/q1",
        "/api/v1/files/0123456789abcdef0123456789abcdef",
        "/api/v1/files/..%2F..%2Fetc%2Fpasswd",
        "/fichiers/abc",
        "/api/v1/calls/connexions-citoyennes-prochaine-promotion/review",
        "/api/v1/calls/connexions-citoyennes-prochaine-promotion/reviewers",
        "/api/v1/calls/connexions-citoyennes-prochaine-promotion/reviewers/1",
        "/api/v1/calls/connexions-citoyennes-prochaine-promotion/reviewers/abc/conflicts",
        "/api/v1/calls/connexions-citoyennes-prochaine-promotion/reviewers/1/conflicts",
        "/api/v1/calls/connexions-citoyennes-prochaine-promotion/assignments",
        "/api/v1/calls/connexions-citoyennes-prochaine-promotion/review/results",
        "/api/v1/reviews",
        "/api/v1/calls/connexions-citoyennes-prochaine-promotion/reviews",
        "/api/v1/calls/connexions-citoyennes-prochaine-promotion/reviews/1",
        "/api/v1/calls/connexions-citoyennes-prochaine-promotion/reviews/99999999999999999999",
        "/api/v1/calls/connexions-citoyennes-prochaine-promotion/reviews/1/conflict",
        "/evaluations",
        "/evaluations/connexions-citoyennes-prochaine-promotion",
        "/evaluations/connexions-citoyennes-prochaine-promotion/1",
        "/evaluations/connexions-citoyennes-prochaine-promotion/abc",
        "/evaluations/connexions-citoyennes-prochaine-promotion/1/conflit",
        "/gestion/appels/connexions-citoyennes-prochaine-promotion/evaluation",
        "/gestion/appels/connexions-citoyennes-prochaine-promotion/evaluation/reglages",
        "/gestion/appels/connexions-citoyennes-prochaine-promotion/evaluation/evaluateurs",
        "/gestion/appels/connexions-citoyennes-prochaine-promotion/evaluation/evaluateurs/1/retirer",
        "/gestion/appels/connexions-citoyennes-prochaine-promotion/evaluation/repartition",
        "/gestion/appels/connexions-citoyennes-prochaine-promotion/evaluation/classement.csv",
        "/gestion/appels/connexions-citoyennes-prochaine-promotion/evaluation/classement.xlsx",
        "/api/v1/calls/connexions-citoyennes-prochaine-promotion/selection",
        "/api/v1/calls/connexions-citoyennes-prochaine-promotion/selection/proposal",
        "/api/v1/calls/connexions-citoyennes-prochaine-promotion/decisions",
        "/api/v1/calls/connexions-citoyennes-prochaine-promotion/decisions/notify",
        "/gestion/appels/connexions-citoyennes-prochaine-promotion/selection",
        "/gestion/appels/connexions-citoyennes-prochaine-promotion/selection/envoi",
        "/api/v1/calls/connexions-citoyennes-prochaine-promotion/decisions/1/decline",
        "/api/v1/calls/connexions-citoyennes-prochaine-promotion/decisions/abc/decline",
        "/gestion/appels/connexions-citoyennes-prochaine-promotion/selection/decisions/1/desistement",
        "/gestion/appels/connexions-citoyennes-prochaine-promotion/selection/decisions.csv",
        "/gestion/appels/connexions-citoyennes-prochaine-promotion/selection/decisions.xlsx",
        "/gestion/appels/connexions-citoyennes-prochaine-promotion/evaluation/notes.csv",
        "/gestion/appels/connexions-citoyennes-prochaine-promotion/evaluation/notes.xlsx",
        "/api/v1/calls/connexions-citoyennes-prochaine-promotion/assignments/move",
        "/gestion/appels/connexions-citoyennes-prochaine-promotion/candidatures/1/evaluateur",
        "/api/v1/calls/connexions-citoyennes-prochaine-promotion/selection/messages",
        "/gestion/appels/connexions-citoyennes-prochaine-promotion/selection/messages",
        "/api/v1/programmes/connexions-citoyennes/phases/1/participants",
        "/api/v1/programmes/connexions-citoyennes/phases/abc/participants",
        "/api/v1/programmes/connexions-citoyennes/phases/1/participants/1",
        "/gestion/programmes/connexions-citoyennes/etapes/1/participants",
        "/gestion/programmes/connexions-citoyennes/etapes/1/participants/1/retirer",
        "/api/v1/programmes/connexions-citoyennes/media",
        "/api/v1/programmes/connexions-citoyennes/media/abc",
        "/api/v1/programmes/connexions-citoyennes/media/0123456789abcdef0123456789abcdef",
        "/gestion/programmes/connexions-citoyennes/medias",
        "/gestion/programmes/connexions-citoyennes/medias/abc/supprimer",
        "/medias/abc",
        "/medias/0123456789abcdef0123456789abcdef/original",
        "/hors-ligne",
        "/certificats",
        "/certificats/verifier",
        "/certificats/0000-0000-0000-0000-0",
        "/certificats/%00/pdf",
        "/cours/initiation-au-journalisme-mobile/certificat",
        "/gestion/cours/initiation-au-journalisme-mobile/certificats",
        "/gestion/cours/initiation-au-journalisme-mobile/certificats/regles",
        "/gestion/cours/initiation-au-journalisme-mobile/certificats/ZZZZ/revoquer",
        "/api/v1/certificates/0000-0000-0000-0000-0",
        "/api/v1/certificates/%00",
        "/api/v1/courses/initiation-au-journalisme-mobile/certificate",
        "/api/v1/courses/initiation-au-journalisme-mobile/certificates",
        "/api/v1/courses/initiation-au-journalisme-mobile/certificate-rules",
        "/api/v1/courses/initiation-au-journalisme-mobile/certificates/ZZZZ/revoke",
        "/api/v1/courses/connexions-citoyennes-formation-en-ligne/teams",
        "/api/v1/courses/connexions-citoyennes-formation-en-ligne/teams/automatic",
        "/api/v1/courses/connexions-citoyennes-formation-en-ligne/team",
        "/gestion/cours/connexions-citoyennes-formation-en-ligne/equipes",
        "/gestion/cours/connexions-citoyennes-formation-en-ligne/equipes/automatique",
        "/sw.js",
        "/api/v1/courses",
        "/api/v1/courses/connexions-citoyennes-formation-en-ligne",
        "/api/v1/courses/%00",
        "/api/v1/courses/connexions-citoyennes-formation-en-ligne/lessons/1",
        "/api/v1/courses/connexions-citoyennes-formation-en-ligne/lessons/abc",
        "/api/v1/courses/initiation-au-journalisme-mobile/enrolment",
        "/api/v1/programmes/connexions-citoyennes/phases/1/course",
        "/api/v1/programmes/connexions-citoyennes/phases/abc/course",
        "/api/v1/courses/connexions-citoyennes-formation-en-ligne/copy",
        "/api/v1/courses/connexions-citoyennes-formation-en-ligne/modules",
        "/api/v1/courses/connexions-citoyennes-formation-en-ligne/modules/1",
        "/api/v1/courses/connexions-citoyennes-formation-en-ligne/modules/1/lessons",
        "/api/v1/courses/connexions-citoyennes-formation-en-ligne/modules/1/lessons/1",
        "/api/v1/courses/connexions-citoyennes-formation-en-ligne/modules/x/lessons/y",
        "/cours",
        "/cours/connexions-citoyennes-formation-en-ligne",
        "/cours/initiation-au-journalisme-mobile/inscription",
        "/cours/connexions-citoyennes-formation-en-ligne/lecons/1",
        "/api/v1/courses/connexions-citoyennes-formation-en-ligne/quizzes/1",
        "/api/v1/courses/connexions-citoyennes-formation-en-ligne/quizzes/x",
        "/api/v1/courses/connexions-citoyennes-formation-en-ligne/quizzes/1/attempts",
        "/api/v1/courses/connexions-citoyennes-formation-en-ligne/quizzes/1/attempts/1",
        "/api/v1/courses/connexions-citoyennes-formation-en-ligne/quizzes/1/attempts/-1",
        "/api/v1/courses/connexions-citoyennes-formation-en-ligne/modules/1/quizzes",
        "/api/v1/courses/%00/quizzes/1",
        "/cours/connexions-citoyennes-formation-en-ligne/quiz/1",
        "/cours/connexions-citoyennes-formation-en-ligne/quiz/1?tentative=x",
        "/gestion/cours/connexions-citoyennes-formation-en-ligne/modules/1/quiz",
        "/gestion/cours/connexions-citoyennes-formation-en-ligne/quiz/1",
        "/gestion/cours/connexions-citoyennes-formation-en-ligne/quiz/1/statut",
        "/gestion/cours/connexions-citoyennes-formation-en-ligne/quiz/2/supprimer",
        "/gestion/programmes/connexions-citoyennes/etapes/3/cours",
        "/gestion/cours/connexions-citoyennes-formation-en-ligne",
        "/gestion/cours/connexions-citoyennes-formation-en-ligne/statut",
        "/gestion/cours/connexions-citoyennes-formation-en-ligne/copie",
        "/gestion/cours/connexions-citoyennes-formation-en-ligne/modules",
        "/gestion/cours/connexions-citoyennes-formation-en-ligne/modules/1",
        "/gestion/cours/connexions-citoyennes-formation-en-ligne/modules/1/deplacer",
        "/gestion/cours/connexions-citoyennes-formation-en-ligne/modules/1/lecons",
        "/gestion/cours/connexions-citoyennes-formation-en-ligne/modules/2/supprimer",
        "/gestion/cours/connexions-citoyennes-formation-en-ligne/lecons/1",
        "/gestion/cours/connexions-citoyennes-formation-en-ligne/lecons/1/deplacer",
        "/gestion/cours/connexions-citoyennes-formation-en-ligne/lecons/2/supprimer",
        "/api/v1/courses/connexions-citoyennes-formation-en-ligne/exercises/1",
        "/api/v1/courses/connexions-citoyennes-formation-en-ligne/exercises/x",
        "/api/v1/courses/connexions-citoyennes-formation-en-ligne/exercises/1/submission",
        "/api/v1/courses/connexions-citoyennes-formation-en-ligne/exercises/1/peer-ratings",
        "/api/v1/courses/connexions-citoyennes-formation-en-ligne/exercises/2/submissions",
        "/api/v1/courses/connexions-citoyennes-formation-en-ligne/grading-queue",
        "/api/v1/courses/connexions-citoyennes-formation-en-ligne/submissions/1",
        "/api/v1/courses/connexions-citoyennes-formation-en-ligne/submissions/1/grade",
        "/api/v1/courses/connexions-citoyennes-formation-en-ligne/submissions/-1/grade",
        "/api/v1/courses/connexions-citoyennes-formation-en-ligne/exercises/1/release",
        "/api/v1/courses/connexions-citoyennes-formation-en-ligne/progress",
        "/api/v1/courses/connexions-citoyennes-formation-en-ligne/progress/cohort",
        "/api/v1/courses/connexions-citoyennes-formation-en-ligne/modules/1/exercises",
        "/api/v1/courses/connexions-citoyennes-formation-en-ligne/tutors",
        "/api/v1/courses/connexions-citoyennes-formation-en-ligne/tutors/1",
        "/api/v1/courses/connexions-citoyennes-formation-en-ligne/tutors/x",
        "/gestion/cours/connexions-citoyennes-formation-en-ligne/tuteurs",
        "/gestion/cours/connexions-citoyennes-formation-en-ligne/tuteurs/4/retirer",
        "/api/v1/courses/%00/exercises/1/submission",
        "/cours/connexions-citoyennes-formation-en-ligne/exercices/1",
        "/cours/connexions-citoyennes-formation-en-ligne/exercices/2/equipe",
        "/cours/connexions-citoyennes-formation-en-ligne/exercices/3/fichier",
        "/cours/connexions-citoyennes-formation-en-ligne/exercices/3/fichier?copie=x",
        "/cours/connexions-citoyennes-formation-en-ligne/progression",
        "/gestion/cours/connexions-citoyennes-formation-en-ligne/modules/1/exercice",
        "/gestion/cours/connexions-citoyennes-formation-en-ligne/exercices/1",
        "/gestion/cours/connexions-citoyennes-formation-en-ligne/exercices/6/supprimer",
        "/gestion/cours/connexions-citoyennes-formation-en-ligne/exercices/1/copies",
        "/gestion/cours/connexions-citoyennes-formation-en-ligne/exercices/1/publier-notes",
        "/gestion/cours/connexions-citoyennes-formation-en-ligne/corrections",
        "/gestion/cours/connexions-citoyennes-formation-en-ligne/corrections/1",
        "/gestion/cours/connexions-citoyennes-formation-en-ligne/progression",
        "/gestion/cours/connexions-citoyennes-formation-en-ligne/progression.csv",
        "/gestion/cours/connexions-citoyennes-formation-en-ligne/progression.xlsx",
    ];
    let bodies: [(&str, &str); 7] = [
        (
            "application/json",
            r#"{"name": "a\u0000b", "email": "a\u0000@b.cd", "password": "x\u0000yyyyyyyyyy", "token": "\u0000", "current_password": "\u0000", "new_password": "\u0000aaaaaaaaaaa", "language": "\u0000", "time_zone": "\u0000"}"#,
        ),
        ("application/json", "{}"),
        ("application/json", "[]"),
        ("application/json", "{\"email\": null, \"password\": [1], \"token\": {}, \"language\": 7}"),
        ("application/json", "\u{0}\u{1}garbage"),
        ("application/x-www-form-urlencoded", "csrf=x&email=%FF%FE&password="),
        ("text/plain", "hello"),
    ];
    let methods = [
        reqwest::Method::GET,
        reqwest::Method::POST,
        reqwest::Method::PUT,
        reqwest::Method::PATCH,
        reqwest::Method::DELETE,
    ];
    for route in routes {
        // Some requests sign out (DELETE /api/v1/session, /deconnexion): sign in again.
        app.sign_in_api("admin@cfi.demo", tremplin::demo::DEMO_PASSWORD).await;
        for m in &methods {
            for (ct, body) in bodies {
                let r = app
                    .client
                    .request(m.clone(), app.url(route))
                    .header("content-type", ct)
                    .body(body)
                    .send()
                    .await
                    .unwrap();
                assert!(r.status().as_u16() < 500, "{m} {route} {ct} {body:?} -> {}", r.status());
            }
        }
    }
    let r = app
        .client
        .get(app.url("/"))
        .header("cookie", "tremplin_session=garbage; tremplin_lang=zz")
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
}
