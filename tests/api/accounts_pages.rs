//! Accounts through the HTML pages, as a person with a phone and no JavaScript would.

use crate::helpers::{csrf_of, header, spawn_app, PASSWORD};

#[tokio::test]
async fn a_visitor_registers_confirms_signs_in_switches_to_english_and_signs_out() {
    let app = spawn_app().await;
    let r = app
        .post_form(
            "/inscription",
            "/inscription",
            &[("name", "Awanabi Idrissou"), ("email", "awanabi@example.bj"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("Vérifiez votre boîte e-mail"), "{html}");

    let token = app.token_from_mail("awanabi@example.bj", "Confirmez").await;
    let r = app.get(&format!("/confirmation?jeton={token}")).await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("Adresse confirmée"));

    let r = app
        .post_form(
            "/connexion",
            "/connexion",
            &[("email", "awanabi@example.bj"), ("password", PASSWORD), ("next", "/")],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(header(r.headers(), "location"), "/compte");
    let html = app.get("/compte").await.text().await.unwrap();
    assert!(html.contains("Awanabi Idrissou") && html.contains("<html lang=\"fr\">"));
    assert!(html.contains("UTC"), "dates name their zone");

    let r = app.post_form("/compte", "/langue", &[("lang", "en"), ("next", "/compte")]).await;
    assert_eq!(r.status(), 303);
    let html = app.get("/compte").await.text().await.unwrap();
    assert!(html.contains("<html lang=\"en\">") && html.contains("My account"), "{html}");

    let r = app.post_form("/compte", "/deconnexion", &[]).await;
    assert_eq!(r.status(), 303);
    let r = app.get("/compte").await;
    assert_eq!(r.status(), 303, "signed out: the account page sends to sign-in");
    assert!(header(r.headers(), "location").starts_with("/connexion"));
}

#[tokio::test]
async fn register_form_shows_every_problem_and_keeps_what_was_typed() {
    let app = spawn_app().await;
    let r = app
        .post_form("/inscription", "/inscription", &[("name", "Aïcha <b>"), ("email", "aicha@"), ("password", "court")])
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("caractères non autorisés"));
    assert!(html.contains("pas valide"));
    assert!(html.contains("au moins 10 caractères"));
    assert!(html.contains("value=\"aicha@\""), "the e-mail typed is kept");
    assert!(html.contains("Aïcha &lt;b&gt;") || html.contains("Aïcha &#60;b&#62;"), "and escaped");
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 0);
}

#[tokio::test]
async fn visitors_get_their_browser_language_and_can_switch() {
    let app = spawn_app().await;
    let r = app.client.get(app.url("/")).header("accept-language", "en-GB,en;q=0.9").send().await.unwrap();
    assert_eq!(header(r.headers(), "content-language"), "en");
    assert!(r.text().await.unwrap().contains("<html lang=\"en\">"));
    let r = app.client.get(app.url("/")).header("accept-language", "wo-SN, de").send().await.unwrap();
    assert!(r.text().await.unwrap().contains("<html lang=\"fr\">"), "French when nothing matches");

    let html = app.get("/").await.text().await.unwrap();
    let csrf = csrf_of(&html);
    let r = app
        .client
        .post(app.url("/langue"))
        .form(&[("csrf", csrf.as_str()), ("lang", "en"), ("next", "//evil.example")])
        .send()
        .await
        .unwrap();
    assert_eq!(header(r.headers(), "location"), "/", "never redirected off-site");
    let html = app.get("/connexion").await.text().await.unwrap();
    assert!(html.contains("<html lang=\"en\">") && html.contains("Sign in"));
}

#[tokio::test]
async fn wrong_password_and_unknown_address_get_one_generic_message() {
    let app = spawn_app().await;
    let email = app.confirmed_user("binta@example.sn").await;
    let a = app.post_form("/connexion", "/connexion", &[("email", &email), ("password", "not the password")]).await;
    let b = app
        .post_form("/connexion", "/connexion", &[("email", "ghost@example.sn"), ("password", "not the password")])
        .await;
    assert_eq!(a.status(), 401);
    assert_eq!(b.status(), 401);
    let (a, b) = (a.text().await.unwrap(), b.text().await.unwrap());
    assert!(a.contains("Adresse e-mail ou mot de passe incorrect."));
    assert!(b.contains("Adresse e-mail ou mot de passe incorrect."));
}

#[tokio::test]
async fn sign_in_is_rate_limited_per_account() {
    let app = spawn_app().await;
    let email = app.confirmed_user("ibrahim@example.ne").await;
    for _ in 0..5 {
        assert_eq!(app.sign_in_api(&email, "wrong password!").await.status(), 401);
    }
    // Even the right password is refused now, with a clear message and Retry-After.
    let r = app.sign_in_api(&email, PASSWORD).await;
    assert_eq!(r.status(), 429);
    let retry: i64 = header(r.headers(), "retry-after").parse().unwrap();
    assert!(retry > 0 && retry <= 900);
    let err: serde_json::Value = r.json().await.unwrap();
    assert_eq!(err["error"]["code"], "too_many_attempts");
    assert!(err["error"]["message"].as_str().unwrap().contains("15 minute"));
    // The page says so too.
    let r = app.post_form("/connexion", "/connexion", &[("email", &email), ("password", PASSWORD)]).await;
    assert_eq!(r.status(), 429);
    assert!(r.text().await.unwrap().contains("Trop de tentatives"));
}

#[tokio::test]
async fn sign_in_is_rate_limited_per_address() {
    let app = spawn_app().await;
    for i in 0..20 {
        let r = app.sign_in_api(&format!("guess{i}@example.org"), "whatever123").await;
        assert_eq!(r.status(), 401);
    }
    let r = app.sign_in_api("guess99@example.org", "whatever123").await;
    assert_eq!(r.status(), 429);
}

#[tokio::test]
async fn forgotten_password_through_the_pages() {
    let app = spawn_app().await;
    let email = app.confirmed_user("mariam@example.td").await;
    let r = app.post_form("/mot-de-passe-oublie", "/mot-de-passe-oublie", &[("email", &email)]).await;
    assert_eq!(r.status(), 200);
    let token = app.token_from_mail(&email, "Réinitialisation").await;
    let page = format!("/reinitialisation?jeton={token}");
    let r = app.get(&page).await;
    assert_eq!(r.status(), 200);
    let r = app.post_form(&page, "/reinitialisation", &[("token", &token), ("password", "azertyuiop")]).await;
    assert_eq!(r.status(), 422, "a weak password is refused and the link kept");
    let r =
        app.post_form(&page, "/reinitialisation", &[("token", &token), ("password", "Ndjamena la belle 2017")]).await;
    assert_eq!(r.status(), 200);
    let r = app.get(&page).await;
    assert_eq!(r.status(), 410, "the link is used up");
    assert!(r.text().await.unwrap().contains("déjà été utilisé"));
    assert_eq!(app.sign_in_api(&email, "Ndjamena la belle 2017").await.status(), 200);
}

#[tokio::test]
async fn account_page_creates_and_revokes_api_tokens() {
    let app = spawn_app().await;
    let email = app.confirmed_user("yao@example.ci").await;
    app.post_form("/connexion", "/connexion", &[("email", &email), ("password", PASSWORD)]).await;
    let r = app.post_form("/compte", "/compte/jetons", &[("name", "  ")]).await;
    assert_eq!(r.status(), 422);
    let r = app.post_form("/compte", "/compte/jetons", &[("name", "export")]).await;
    assert_eq!(r.status(), 201);
    let html = r.text().await.unwrap();
    assert!(html.contains("trp_"), "the secret is shown once");
    let id: i64 = sqlx::query_scalar("SELECT id FROM api_tokens").fetch_one(&app.db().pool).await.unwrap();
    let r = app.post_form("/compte", &format!("/compte/jetons/{id}/revoquer"), &[]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(app.count("SELECT COUNT(*) FROM api_tokens").await, 0);
    // Another person's token id is not found, not revoked.
    let r = app.post_form("/compte", "/compte/jetons/999/revoquer", &[]).await;
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn preferences_change_language_and_time_zone() {
    let app = spawn_app().await;
    let email = app.confirmed_user("ama@example.gh").await;
    app.post_form("/connexion", "/connexion", &[("email", &email), ("password", PASSWORD)]).await;
    let r = app.post_form("/compte", "/compte/preferences", &[("language", "en"), ("time_zone", "Europe/Paris")]).await;
    assert_eq!(r.status(), 303);
    let html = app.get("/compte?fait=preferences").await.text().await.unwrap();
    assert!(html.contains("Preferences saved."));
    assert!(html.contains("CET") || html.contains("CEST"), "dates are shown in Paris time, zone named");
    let r = app.post_form("/compte", "/compte/preferences", &[("language", "wo"), ("time_zone", "Nowhere/Land")]).await;
    assert_eq!(r.status(), 422);
    // Gender and country, optional, for the indicators; a bad value saves nothing at all.
    let r = app
        .post_form(
            "/compte",
            "/compte/preferences",
            &[("language", "fr"), ("time_zone", "UTC"), ("gender", "female"), ("country", "gh")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let me: serde_json::Value = app.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(
        (me["gender"].as_str(), me["country"].as_str(), me["language"].as_str()),
        (Some("female"), Some("GH"), Some("fr"))
    );
    let r = app
        .post_form(
            "/compte",
            "/compte/preferences",
            &[("language", "en"), ("time_zone", "UTC"), ("gender", "robot"), ("country", "")],
        )
        .await;
    assert_eq!(r.status(), 422);
    let me: serde_json::Value = app.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!((me["gender"].as_str(), me["language"].as_str()), (Some("female"), Some("fr")), "nothing half-saved");
}
