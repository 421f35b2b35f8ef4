//! Managers edit programmes in the browser, without JavaScript; bad input is refused with a
//! clear message and nothing half-saved; nobody edits what is not theirs.

use serde_json::Value;

use crate::helpers::{header, spawn_app_with};
use tremplin::demo::DEMO_PASSWORD;

async fn signed_in(email: &str) -> crate::helpers::TestApp {
    let app = spawn_app_with(true).await;
    let r = app.post_form("/connexion", "/connexion", &[("email", email), ("password", DEMO_PASSWORD)]).await;
    assert_eq!(r.status(), 303);
    app
}

const NEW: &[(&str, &str)] = &[
    ("title", "Médias citoyens du Sahel"),
    ("slug", "medias-citoyens-sahel"),
    ("mission", "Former des journalistes citoyens au Sahel"),
    ("body", "Un programme **pilote** de formation. [Site](https://example.org)"),
    ("start_month", "2017-01"),
    ("end_month", "2017-12"),
    ("status", "active"),
    ("countries", "ML, NE, BF"),
    ("themes", "medias"),
    ("themes", "jeunesse"),
    ("currency", "XOF"),
    ("budget_estimate", "65 000 000"),
    ("budget_public", "1"),
    ("is_public", "1"),
];

#[tokio::test]
async fn an_administrator_creates_a_programme_and_fills_it_in() {
    let app = signed_in("admin@cfi.demo").await;
    let r = app.post_form("/gestion/programmes/nouveau", "/gestion/programmes", NEW).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    assert_eq!(header(r.headers(), "location"), "/gestion/programmes/medias-citoyens-sahel?fait=cree");
    let edit = "/gestion/programmes/medias-citoyens-sahel";

    let r = app
        .post_form(
            edit,
            &format!("{edit}/etapes"),
            &[
                ("kind", "online_course"),
                ("title", "Formation en ligne"),
                ("start_date", "2017-02-01"),
                ("end_date", "2017-03-15"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let r = app.post_form(edit, &format!("{edit}/couts"), &[("year", "2017"), ("amount", "40 000 000")]).await;
    assert_eq!(r.status(), 303);
    let r = app
        .post_form(
            edit,
            &format!("{edit}/budget"),
            &[
                ("year", "2017"),
                ("category", "Formation"),
                ("planned", "30 000 000"),
                ("actual", "31 500 000"),
                ("is_public", "1"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let r = app
        .post_form(
            edit,
            &format!("{edit}/temoignages"),
            &[
                ("quote", "Une expérience unique au Sahel."),
                ("person_name", "Hawa Diarra"),
                ("language", "fr"),
                ("consent", "1"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let r = app
        .post_form(
            edit,
            &format!("{edit}/temoignages"),
            &[("quote", "Pas encore d’accord pour publier."), ("person_name", "Anonyme Secret"), ("language", "fr")],
        )
        .await;
    assert_eq!(r.status(), 303);

    let visitor = crate::helpers::client();
    let html = visitor.get(app.url("/programmes/medias-citoyens-sahel")).send().await.unwrap().text().await.unwrap();
    for fact in [
        "Médias citoyens du Sahel",
        "<strong>pilote</strong>",
        "65 MFCFA",
        "Formation en ligne",
        "<svg class=\"timeline\"",
        "Hawa Diarra",
        "Mali",
        "médias",
        "+5,0 %",
    ] {
        assert!(html.contains(fact), "{fact} missing: {html}");
    }
    assert!(!html.contains("Anonyme Secret"), "a testimonial without consent stays private");
    let hits: Value = visitor.get(app.url("/api/v1/search?q=sahel")).send().await.unwrap().json().await.unwrap();
    assert!(hits["total"].as_i64().unwrap() >= 2, "the index follows every edit: {hits}");
    let hits: Value = visitor.get(app.url("/api/v1/search?q=secret")).send().await.unwrap().json().await.unwrap();
    assert_eq!(hits["total"], 0);
}

#[tokio::test]
async fn a_manager_edits_her_programme_but_no_other() {
    let app = signed_in("responsable@cfi.demo").await;
    let edit = "/gestion/programmes/connexions-citoyennes";
    let html = app.get(edit).await.text().await.unwrap();
    assert!(html.contains("Connexions citoyennes"));
    let mut fields: Vec<(String, String)> = vec![];
    let p: Value = app.get("/api/v1/programmes/connexions-citoyennes").await.json().await.unwrap();
    for k in [
        "title",
        "title_en",
        "slug",
        "mission_en",
        "body",
        "body_en",
        "region",
        "start_month",
        "end_month",
        "status",
        "currency",
    ] {
        fields.push((k.into(), p[k].as_str().unwrap().into()));
    }
    fields.push(("mission".into(), "Faire grandir des projets numériques citoyens, du Sahel à Madagascar".into()));
    fields.push(("countries".into(), "SN,BJ".into()));
    fields.push(("budget_estimate".into(), "500 000".into()));
    fields.push(("is_public".into(), "1".into()));
    fields.push(("budget_public".into(), "1".into()));
    let f: Vec<(&str, &str)> = fields.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let r = app.post_form(edit, edit, &f).await;
    assert_eq!(r.status(), 303);
    let hits: Value = app.get("/api/v1/search?q=madagascar").await.json().await.unwrap();
    assert_eq!(hits["results"][0]["url"], "/programmes/connexions-citoyennes");

    assert_eq!(app.get("/gestion/programmes/modernisation-agence-tap").await.status(), 403);
    let r = app
        .post_form(
            "/gestion",
            "/gestion/programmes/modernisation-agence-tap/couts",
            &[("year", "2016"), ("amount", "1")],
        )
        .await;
    assert_eq!(r.status(), 403);
    assert_eq!(app.get("/gestion/programmes/nouveau").await.status(), 403, "only administrators create programmes");
}

#[tokio::test]
async fn participants_and_visitors_cannot_manage() {
    let app = signed_in("seynabou@cfi.demo").await;
    assert_eq!(app.get("/gestion").await.status(), 403);
    assert_eq!(app.get("/gestion/programmes/connexions-citoyennes").await.status(), 403);
    let visitor = crate::helpers::client();
    let r = visitor.get(app.url("/gestion")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let r = visitor.get(app.url("/gestion/programmes/connexions-citoyennes")).send().await.unwrap();
    assert_eq!(r.status(), 401);
}

#[tokio::test]
async fn bad_programme_input_is_refused_field_by_field_and_nothing_is_saved() {
    let app = signed_in("admin@cfi.demo").await;
    let mut bad: Vec<(&str, &str)> = NEW.to_vec();
    for (k, v) in bad.iter_mut() {
        match *k {
            "end_month" => *v = "2016-06",
            "budget_estimate" => *v = "-3",
            "currency" => *v = "BTC",
            "body" => *v = "Bonjour <script>alert(1)</script>",
            "countries" => *v = "ML, XX",
            _ => {}
        }
    }
    let r = app.post_form("/gestion/programmes/nouveau", "/gestion/programmes", &bad).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    for msg in [
        "ne peut pas précéder",
        "ne peut pas être négatif",
        "Devise inconnue",
        "Le HTML n’est pas accepté",
        "Code de pays inconnu",
    ] {
        assert!(html.contains(msg), "{msg} missing");
    }
    assert!(html.contains("value=\"Médias citoyens du Sahel\""), "typed values are kept");
    assert_eq!(app.count("SELECT COUNT(*) FROM programmes WHERE slug = 'medias-citoyens-sahel'").await, 0);

    let edit = "/gestion/programmes/connexions-citoyennes";
    let r = app
        .post_form(edit, &format!("{edit}/budget"), &[("year", "2016"), ("category", "x"), ("planned", "abc")])
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Indiquez un montant en chiffres"));
    let r = app
        .post_form(
            edit,
            &format!("{edit}/etapes"),
            &[("kind", "camp"), ("title", "x"), ("start_date", "2017-05-01"), ("end_date", "2017-04-01")],
        )
        .await;
    assert_eq!(r.status(), 422);
    // A body with a javascript: link through the API.
    let mut p: Value = app.get("/api/v1/programmes/connexions-citoyennes").await.json().await.unwrap();
    p["body"] = Value::String("[clic](javascript:alert(1))".into());
    p["countries"] = Value::String(String::new());
    p["funders"] = Value::String(String::new());
    p["partners"] = Value::String(String::new());
    p["budget_estimate"] = Value::String("500 000".into());
    let r = app.client.put(app.url("/api/v1/programmes/connexions-citoyennes")).json(&p).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let err: Value = r.json().await.unwrap();
    assert!(err["error"]["fields"]["body"].as_str().unwrap().contains("http"));
    let after: Value = app.get("/api/v1/programmes/connexions-citoyennes").await.json().await.unwrap();
    assert!(!after["body"].as_str().unwrap().contains("javascript"));
}

fn multipart_body(boundary: &str, filename: &str, content: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"cover\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    body
}

#[tokio::test]
async fn cover_images_are_checked_and_made_light() {
    let app = signed_in("admin@cfi.demo").await;
    let edit = "/gestion/programmes/connexions-citoyennes";
    let csrf = crate::helpers::csrf_of(&app.get(edit).await.text().await.unwrap());
    let upload = |content: Vec<u8>, token: String| {
        app.client
            .post(app.url(&format!("{edit}/couverture?csrf={token}")))
            .header("content-type", "multipart/form-data; boundary=XYZ")
            .body(multipart_body("XYZ", "x.png", &content))
            .send()
    };
    let mut png = vec![];
    image::RgbImage::from_fn(1200, 800, |x, y| image::Rgb([(x % 255) as u8, (y % 255) as u8, 90]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    assert_eq!(upload(png.clone(), "forged".into()).await.unwrap().status(), 403, "CSRF applies to uploads");
    let r = upload(b"%PDF-1.4 not an image".to_vec(), csrf.clone()).await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("n’est pas une image"));
    let r = upload(vec![0u8; 9 * 1024 * 1024], csrf.clone()).await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("trop grande"), "an oversized file gets a clear message");
    let r = upload(png, csrf.clone()).await.unwrap();
    assert_eq!(r.status(), 303);
    let html = app.get("/programmes/connexions-citoyennes").await.text().await.unwrap();
    let src = html.split("class=\"cover\" src=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let r = app.get(&src).await;
    assert_eq!(header(r.headers(), "content-type"), "image/jpeg");
    let bytes = r.bytes().await.unwrap();
    assert!(bytes.len() < 30 * 1024, "the page loads a light variant: {} bytes", bytes.len());
    assert_eq!(app.get("/media/..%2F..%2Fetc%2Fpasswd").await.status(), 404);
}

#[tokio::test]
async fn the_report_foreword_is_edited_and_searchable() {
    let app = signed_in("admin@cfi.demo").await;
    let r = app
        .post_form(
            "/gestion/rapports/2016",
            "/gestion/rapports/2016",
            &[("foreword", "Une année **riche** en baobabs."), ("foreword_en", "A year rich in baobabs.")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let html = app.get("/rapport/2016").await.text().await.unwrap();
    assert!(html.contains("<strong>riche</strong>"));
    let hits: Value = app.get("/api/v1/search?q=baobab").await.json().await.unwrap();
    assert_eq!(hits["results"][0]["url"], "/rapport/2016");
    let r = app.post_form("/gestion/rapports/2016", "/gestion/rapports/2016", &[("foreword", "<iframe src=x>")]).await;
    assert_eq!(r.status(), 422);
}

#[tokio::test]
async fn portraits_and_covers_through_the_api() {
    let app = spawn_app_with(true).await;
    app.sign_in_api("responsable@cfi.demo", DEMO_PASSWORD).await;
    let mut jpeg = vec![];
    image::RgbImage::from_fn(800, 800, |x, y| image::Rgb([(x % 200) as u8, (y % 200) as u8, 40]))
        .write_to(&mut std::io::Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)
        .unwrap();
    let p: Value = app.get("/api/v1/programmes/connexions-citoyennes").await.json().await.unwrap();
    let id = p["testimonials"][0]["id"].as_i64().unwrap();
    let put = |path: String, body: Vec<u8>| {
        app.client.put(app.url(&path)).header("content-type", "image/jpeg").body(body).send()
    };
    let r =
        put(format!("/api/v1/programmes/connexions-citoyennes/testimonials/{id}/photo"), jpeg.clone()).await.unwrap();
    assert_eq!(r.status(), 204);
    let r = put("/api/v1/programmes/connexions-citoyennes/cover".into(), jpeg.clone()).await.unwrap();
    assert_eq!(r.status(), 204);
    let r = put("/api/v1/programmes/connexions-citoyennes/cover".into(), b"not an image".to_vec()).await.unwrap();
    assert_eq!(r.status(), 422);
    let r =
        put("/api/v1/programmes/connexions-citoyennes/testimonials/999999/photo".into(), jpeg.clone()).await.unwrap();
    assert_eq!(r.status(), 404);
    let r = put("/api/v1/programmes/modernisation-agence-tap/cover".into(), jpeg).await.unwrap();
    assert_eq!(r.status(), 403, "not her programme");

    let p: Value = app.get("/api/v1/programmes/connexions-citoyennes").await.json().await.unwrap();
    let photo = p["testimonials"][0]["photo_url"].as_str().unwrap().to_owned();
    let cover = p["cover_url"].as_str().unwrap().to_owned();
    let img = image::load_from_memory(&app.get(&photo).await.bytes().await.unwrap()).unwrap();
    assert!(img.width() <= 120 && img.height() <= 120, "a small portrait");
    let html = crate::helpers::client()
        .get(app.url("/programmes/connexions-citoyennes"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(&photo) && html.contains(&cover));
}

#[tokio::test]
async fn phases_can_be_reordered() {
    let app = spawn_app_with(true).await;
    app.sign_in_api("responsable@cfi.demo", DEMO_PASSWORD).await;
    let titles = |p: &Value| {
        p["phases"].as_array().unwrap().iter().map(|ph| ph["title"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
    };
    let p: Value = app.get("/api/v1/programmes/connexions-citoyennes").await.json().await.unwrap();
    let before = titles(&p);
    let second = p["phases"][1]["id"].as_i64().unwrap();
    let r = app
        .post_json(
            &format!("/api/v1/programmes/connexions-citoyennes/phases/{second}/move"),
            serde_json::json!({"direction": "up"}),
        )
        .await;
    assert_eq!(r.status(), 204);
    let after = titles(&app.get("/api/v1/programmes/connexions-citoyennes").await.json().await.unwrap());
    assert_eq!((after[0].as_str(), after[1].as_str()), (before[1].as_str(), before[0].as_str()));
    let r = app
        .post_json(
            &format!("/api/v1/programmes/connexions-citoyennes/phases/{second}/move"),
            serde_json::json!({"direction": "sideways"}),
        )
        .await;
    assert_eq!(r.status(), 422);
    // The same from the page, without JavaScript.
    let r = app
        .post_form(
            "/gestion/programmes/connexions-citoyennes",
            &format!("/gestion/programmes/connexions-citoyennes/etapes/{second}/deplacer"),
            &[("direction", "down")],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(titles(&app.get("/api/v1/programmes/connexions-citoyennes").await.json().await.unwrap()), before);
}
