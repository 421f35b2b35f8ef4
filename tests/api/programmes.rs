//! The demo organisation and the public programme pages.

use serde_json::Value;

use crate::helpers::{spawn_app, spawn_app_with};

#[tokio::test]
async fn the_demo_shows_the_agency_programmes() {
    let app = spawn_app_with(true).await;
    let html = app.get("/").await.text().await.unwrap();
    for title in [
        "Connexions citoyennes",
        "Tunis Afrique Presse",
        "Myanmar Journalism Institute",
        "Ecrire et produire en Afrique",
    ] {
        assert!(html.contains(title), "{title} missing from the home page");
    }
    let r = app.get("/programmes/connexions-citoyennes").await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    for fact in [
        "Accompagner l’émergence de projets numériques d’action citoyenne",
        "Septembre 2016 – Juin 2017",
        "500 K€",
        "55 K€",
        "Seynabou Sy Ndiaye",
        "Awanabi Idrissou",
        "Découvrez d’autres projets",
    ] {
        assert!(html.contains(fact), "{fact} missing from the programme page");
    }
    let list: Value = app.get("/api/v1/programmes").await.json().await.unwrap();
    assert_eq!(list.as_array().unwrap().len(), 4);
    let one: Value = app.get("/api/v1/programmes/connexions-citoyennes").await.json().await.unwrap();
    assert_eq!(one["budget_estimate_minor"], 50_000_000);
    assert_eq!(one["full_costs"][0]["year"], 2016);
    assert_eq!(one["testimonials"].as_array().unwrap().len(), 2);

    // Every role has a demo account that can sign in.
    for (email, ..) in tremplin::demo::DEMO_USERS {
        assert_eq!(app.sign_in_api(email, tremplin::demo::DEMO_PASSWORD).await.status(), 200, "{email}");
    }
    let me: Value = app.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["memberships"][0]["role"], "participant");
}

#[tokio::test]
async fn demo_data_goes_only_into_an_empty_database() {
    let app = spawn_app().await;
    app.confirmed_user("first@example.org").await;
    let loaded = tremplin::demo::load_if_empty(&app.server.as_ref().unwrap().app).await.unwrap();
    assert!(!loaded);
    assert_eq!(app.count("SELECT COUNT(*) FROM programmes").await, 0);
}

#[tokio::test]
async fn private_programmes_are_not_public() {
    let app = spawn_app_with(true).await;
    sqlx::query("UPDATE programmes SET is_public = 0 WHERE slug = 'myanmar-journalism-institute'")
        .execute(&app.db().pool)
        .await
        .unwrap();
    assert_eq!(app.get("/programmes/myanmar-journalism-institute").await.status(), 404);
    assert_eq!(app.get("/api/v1/programmes/myanmar-journalism-institute").await.status(), 404);
    assert!(!app.get("/").await.text().await.unwrap().contains("Myanmar"));
}
