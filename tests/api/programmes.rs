//! The demo organisation and the public programme pages.

use serde_json::{json, Value};

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

#[tokio::test]
async fn the_2016_report_lists_the_programmes_with_their_figures() {
    let app = spawn_app_with(true).await;
    let html = app.get("/rapport").await.text().await.unwrap();
    assert!(html.contains("Rapport d’activité 2016"));
    let r = app.get("/rapport/2016").await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    for fact in [
        "Connexions citoyennes",
        "Myanmar Journalism Institute",
        "Ecrire et produire en Afrique",
        "Tunis Afrique Presse",
        "500 K€",
        "55 K€",
        "jeunesse",
        "Afrique subsaharienne",
    ] {
        assert!(html.contains(fact), "{fact} missing from the report");
    }
    let r = app.get("/rapport/2016.pdf").await;
    assert_eq!(r.status(), 200);
    assert_eq!(crate::helpers::header(r.headers(), "content-type"), "application/pdf");
    assert!(r.bytes().await.unwrap().starts_with(b"%PDF-"));
    assert_eq!(app.get("/rapport/1789").await.status(), 404);
    assert_eq!(app.get("/rapport/abc").await.status(), 404);
    let report: Value = app.get("/api/v1/reports/2016").await.json().await.unwrap();
    assert_eq!(report["programmes"].as_array().unwrap().len(), 4);
    // In English, with the translation where there is one.
    let r = app.client.get(app.url("/rapport/2016")).header("accept-language", "en").send().await.unwrap();
    let html = r.text().await.unwrap();
    assert!(html.contains("Annual report 2016") && html.contains("Citizen Connections"));
}

#[tokio::test]
async fn search_finds_programmes_testimonials_and_reports_in_both_languages() {
    let app = spawn_app_with(true).await;
    let html = app.get("/recherche?q=numerique").await.text().await.unwrap();
    assert!(html.contains("<mark>numériques</mark>"), "accent folding and highlighting: {html}");
    assert!(html.contains("/programmes/connexions-citoyennes"));
    let hits: Value = app.get("/api/v1/search?q=smartphone").await.json().await.unwrap();
    assert_eq!(hits["results"][0]["kind"], "testimonial", "{hits}");
    let hits: Value = app.get("/api/v1/search?q=citizens%20projects").await.json().await.unwrap();
    assert!(hits["total"].as_i64().unwrap() >= 1, "English stemming: {hits}");
    let hits: Value = app.get("/api/v1/search?q=journalisme").await.json().await.unwrap();
    assert_eq!(hits["results"][0]["url"], "/programmes/myanmar-journalism-institute");

    // Bad queries get a clear message, not an error page or a 5xx.
    let r = app.get(&format!("/recherche?q={}", "a".repeat(10_000))).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("200 caractères"));
    let r = app.get("/recherche?q=%21%21%21%20%3F%3F").await;
    assert_eq!(r.status(), 422);
    let r = app.get("/api/v1/search?q=%3C%3E%26").await;
    assert_eq!(r.status(), 422);
    let r = app.get("/recherche?q=projet&page=abc").await;
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn private_programmes_stay_out_of_pages_search_report_and_api() {
    let app = spawn_app_with(true).await;
    app.sign_in_api("admin@cfi.demo", tremplin::demo::DEMO_PASSWORD).await;
    let p: Value = app.get("/api/v1/programmes/connexions-citoyennes").await.json().await.unwrap();
    let mut input = p.clone();
    input["is_public"] = json!(false);
    input["themes"] = p["themes"].clone();
    input["countries"] =
        json!(p["countries"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect::<Vec<_>>().join(","));
    input["funders"] = json!("");
    input["partners"] = json!("");
    input["budget_estimate"] = json!("500 000");
    let r = app.client.put(app.url("/api/v1/programmes/connexions-citoyennes")).json(&input).send().await.unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());

    let visitor = crate::helpers::client();
    let get = |path: &str| visitor.get(app.url(path)).send();
    assert_eq!(get("/programmes/connexions-citoyennes").await.unwrap().status(), 404);
    assert_eq!(get("/api/v1/programmes/connexions-citoyennes").await.unwrap().status(), 404);
    let list: Value = get("/api/v1/programmes").await.unwrap().json().await.unwrap();
    assert!(!list.to_string().contains("connexions-citoyennes"));
    let home = get("/").await.unwrap().text().await.unwrap();
    assert!(!home.contains("Connexions citoyennes"));
    let report = get("/rapport/2016").await.unwrap().text().await.unwrap();
    assert!(!report.contains("Connexions citoyennes</a>"));
    let hits: Value = get("/api/v1/search?q=brousse").await.unwrap().json().await.unwrap();
    assert_eq!(hits["total"], 0, "neither the programme nor its testimonials: {hits}");
    let hits: Value = get("/api/v1/search?q=smartphone").await.unwrap().json().await.unwrap();
    assert_eq!(hits["total"], 0);
    let indicators: Value = get("/api/v1/indicators").await.unwrap().json().await.unwrap();
    assert_eq!(indicators, json!([]));
    // Its managers still see it.
    assert_eq!(app.get("/api/v1/programmes/connexions-citoyennes").await.status(), 200);
    assert_eq!(app.get("/programmes/connexions-citoyennes").await.status(), 200);
}

#[tokio::test]
async fn indicators_by_gender_and_country_with_exports() {
    let app = spawn_app_with(true).await;
    let html = app.get("/indicateurs?annee=2016").await.text().await.unwrap();
    assert!(html.contains("Connexions citoyennes") && html.contains("Sénégal") && html.contains("Part des femmes"));
    let counts: Value = app.get("/api/v1/indicators?year=2016").await.json().await.unwrap();
    let total: i64 = counts.as_array().unwrap().iter().map(|c| c["people"].as_i64().unwrap()).sum();
    assert_eq!(total, 30, "the 30 selected of 2016");
    let women: i64 = counts
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["gender"] == "female")
        .map(|c| c["people"].as_i64().unwrap())
        .sum();
    assert_eq!(women, 15);
    let csv = app.get("/indicateurs.csv?annee=2016").await.text().await.unwrap();
    assert!(csv.starts_with("programme,year,stage,gender,country,people\n"));
    assert!(csv.contains("connexions-citoyennes,2016,selected,female,SN,"));
    assert!(!csv.contains("Seynabou"), "no personal data");
    let r = app.get("/indicateurs.xlsx").await;
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.unwrap().starts_with(b"PK"), "an XLSX is a zip");
    assert_eq!(app.get("/indicateurs?annee=deux-mille").await.status(), 422);
}

#[tokio::test]
async fn all_programmes_page_by_page() {
    let app = spawn_app_with(true).await;
    let html = app.get("/programmes").await.text().await.unwrap();
    assert!(html.contains("Tous les programmes") && html.contains("Connexions citoyennes"));
    assert_eq!(app.get("/programmes?page=2").await.status(), 404);
    assert_eq!(app.get("/programmes?page=zero").await.status(), 200, "a bad page number shows the first page");
}
