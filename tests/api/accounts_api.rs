//! Accounts through the JSON API: the story of a participant from registration to sign-out.

use serde_json::{json, Value};

use crate::helpers::{spawn_app, PASSWORD};

#[tokio::test]
async fn register_confirm_sign_in_choose_language_sign_out() {
    let app = spawn_app().await;
    let r = app
        .post_json(
            "/api/v1/accounts",
            json!({"email": "Seynabou@Example.SN", "name": "Seynabou Sy Ndiaye", "password": PASSWORD}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let user: Value = r.json().await.unwrap();
    assert_eq!(user["email"], "seynabou@example.sn");
    assert_eq!(user["email_confirmed"], false);
    assert_eq!(user["language"], "fr");

    // Not confirmed yet: sign-in is refused with a message saying why.
    let r = app.sign_in_api("seynabou@example.sn", PASSWORD).await;
    assert_eq!(r.status(), 403);
    let err: Value = r.json().await.unwrap();
    assert_eq!(err["error"]["code"], "email_not_confirmed");

    // The confirmation e-mail is in French and carries a single-use link.
    let body = app.last_mail("seynabou@example.sn", "Confirmez").await;
    assert!(body.contains("Bonjour Seynabou Sy Ndiaye"), "{body}");
    assert!(body.contains("http://tremplin.test/confirmation?jeton="), "{body}");
    let token = crate::helpers::link_token(&body);
    let r = app.post_json("/api/v1/accounts/confirm", json!({"token": token})).await;
    assert_eq!(r.status(), 200);
    let r = app.post_json("/api/v1/accounts/confirm", json!({"token": token})).await;
    assert_eq!(r.status(), 410, "a used link is refused");

    let r = app.sign_in_api("SEYNABOU@example.sn ", PASSWORD).await;
    assert_eq!(r.status(), 200);
    assert!(crate::helpers::header(r.headers(), "set-cookie").contains("HttpOnly"));
    assert!(crate::helpers::header(r.headers(), "set-cookie").contains("SameSite=Lax"));

    let me: Value = app.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["name"], "Seynabou Sy Ndiaye");
    assert_eq!(me["memberships"], json!([]));

    let r = app.client.put(app.url("/api/v1/me/language")).json(&json!({"language": "en"})).send().await.unwrap();
    assert_eq!(r.status(), 200);
    // Messages now come in English, whatever the browser says.
    let r = app.client.get(app.url("/api/v1/nowhere")).header("accept-language", "fr").send().await.unwrap();
    let err: Value = r.json().await.unwrap();
    assert!(err["error"]["message"].as_str().unwrap().starts_with("This page does not exist"));

    let r = app.client.patch(app.url("/api/v1/me")).json(&json!({"time_zone": "Africa/Dakar"})).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let me: Value = r.json().await.unwrap();
    assert_eq!(me["time_zone"], "Africa/Dakar");
    let r = app.client.patch(app.url("/api/v1/me")).json(&json!({"time_zone": "Mars/Olympus"})).send().await.unwrap();
    assert_eq!(r.status(), 422);

    let r = app.client.delete(app.url("/api/v1/session")).send().await.unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(app.get("/api/v1/me").await.status(), 401);
}

#[tokio::test]
async fn password_reset_link_works_once_and_closes_sessions() {
    let app = spawn_app().await;
    let email = app.confirmed_user("awanabi@example.bj").await;
    let other = crate::helpers::client();
    let r = other
        .post(app.url("/api/v1/session"))
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    // Unknown addresses get the same answer, and no e-mail.
    let r = app.post_json("/api/v1/accounts/password-reset", json!({"email": "nobody@example.org"})).await;
    assert_eq!(r.status(), 202);
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox WHERE to_address = 'nobody@example.org'").await, 0);

    let r = app.post_json("/api/v1/accounts/password-reset", json!({"email": email})).await;
    assert_eq!(r.status(), 202);
    let body = app.last_mail(&email, "mot de passe").await;
    assert!(body.contains("UTC"), "the expiry names its zone: {body}");
    let token = crate::helpers::link_token(&body);

    let weak =
        app.post_json("/api/v1/accounts/password-reset/complete", json!({"token": token, "new_password": "123"})).await;
    assert_eq!(weak.status(), 422);
    let r = app
        .post_json(
            "/api/v1/accounts/password-reset/complete",
            json!({"token": token, "new_password": "Un nouveau départ 2017"}),
        )
        .await;
    assert_eq!(r.status(), 204);
    let again = app
        .post_json(
            "/api/v1/accounts/password-reset/complete",
            json!({"token": token, "new_password": "Encore un autre 2018"}),
        )
        .await;
    assert_eq!(again.status(), 410);
    let err: Value = again.json().await.unwrap();
    assert_eq!(err["error"]["code"], "link_already_used");

    // The other device was signed out; the old password no longer works.
    assert_eq!(other.get(app.url("/api/v1/me")).send().await.unwrap().status(), 401);
    assert_eq!(app.sign_in_api(&email, PASSWORD).await.status(), 401);
    assert_eq!(app.sign_in_api(&email, "Un nouveau départ 2017").await.status(), 200);
    // And a notice was sent.
    app.last_mail(&email, "changé").await;
}

#[tokio::test]
async fn an_expired_reset_link_is_refused() {
    let app = spawn_app().await;
    let email = app.confirmed_user("fatou@example.sn").await;
    app.post_json("/api/v1/accounts/password-reset", json!({"email": email})).await;
    let token = app.token_from_mail(&email, "mot de passe").await;
    sqlx::query("UPDATE account_tokens SET expires_at = 0 WHERE purpose = 'reset'")
        .execute(&app.db().pool)
        .await
        .unwrap();
    let r = app
        .post_json(
            "/api/v1/accounts/password-reset/complete",
            json!({"token": token, "new_password": "Un nouveau départ 2017"}),
        )
        .await;
    assert_eq!(r.status(), 410);
    let err: Value = r.json().await.unwrap();
    assert_eq!(err["error"]["code"], "link_expired");
    assert_eq!(app.sign_in_api(&email, PASSWORD).await.status(), 200, "password unchanged");
}

#[tokio::test]
async fn change_password_needs_the_current_one() {
    let app = spawn_app().await;
    let email = app.confirmed_user("moussa@example.ml").await;
    app.sign_in_api(&email, PASSWORD).await;
    let r = app
        .post_json(
            "/api/v1/me/password",
            json!({"current_password": "wrong one!", "new_password": "Bamako by night 2017"}),
        )
        .await;
    assert_eq!(r.status(), 422);
    let err: Value = r.json().await.unwrap();
    assert!(err["error"]["fields"]["current_password"].is_string());
    let r = app
        .post_json("/api/v1/me/password", json!({"current_password": PASSWORD, "new_password": "Bamako by night 2017"}))
        .await;
    assert_eq!(r.status(), 204);
    // This client got a fresh session.
    assert_eq!(app.get("/api/v1/me").await.status(), 200);
    assert_eq!(app.sign_in_api(&email, "Bamako by night 2017").await.status(), 200);
}

#[tokio::test]
async fn personal_api_tokens_authenticate_until_revoked() {
    let app = spawn_app().await;
    let email = app.confirmed_user("kofi@example.gh").await;
    app.sign_in_api(&email, PASSWORD).await;
    let r = app.post_json("/api/v1/me/tokens", json!({"name": "tableur"})).await;
    assert_eq!(r.status(), 201);
    let t: Value = r.json().await.unwrap();
    let secret = t["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("trp_"));
    let id = t["id"].as_i64().unwrap();

    let bare = reqwest::Client::new();
    let r = bare.get(app.url("/api/v1/me")).bearer_auth(&secret).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let list: Value = app.get("/api/v1/me/tokens").await.json().await.unwrap();
    assert!(list[0]["last_used_at"].is_i64());
    assert!(list[0].get("secret").is_none(), "the secret is never listed");

    let r = app.client.delete(app.url(&format!("/api/v1/me/tokens/{id}"))).send().await.unwrap();
    assert_eq!(r.status(), 204);
    let r = bare.get(app.url("/api/v1/me")).bearer_auth(&secret).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let err: Value = r.json().await.unwrap();
    assert_eq!(err["error"]["code"], "unauthenticated");
}
