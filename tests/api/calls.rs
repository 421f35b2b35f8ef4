//! Calls for applications: managers open them with a deadline in a stated time zone;
//! visitors see it in that zone and in their own, with a countdown at the end.

use serde_json::{json, Value};

use crate::helpers::{spawn_app_with, PASSWORD};
use tremplin::demo::DEMO_PASSWORD;

#[tokio::test]
async fn visitors_see_the_open_call_with_its_deadline_and_a_countdown() {
    let app = spawn_app_with(true).await;
    let html = app.get("/appels").await.text().await.unwrap();
    assert!(html.contains("Connexions citoyennes, prochaine promotion") && html.contains("Connexions citoyennes 2016"));
    let html = app.get("/appels/connexions-citoyennes-prochaine-promotion").await.text().await.unwrap();
    assert!(html.contains("Candidatures ouvertes"));
    assert!(html.contains("à 24:00 GMT (Africa/Abidjan)"), "the deadline in its reference zone: {html}");
    assert!(html.contains("Plus que 5 jour(s)"), "a countdown in the last days");
    let html = app.get("/appels/connexions-citoyennes-2016").await.text().await.unwrap();
    assert!(html.contains("15 octobre 2016 à 24:00 GMT") && html.contains("Candidatures closes"));

    // A signed-in person in Paris also sees the deadline in her own time.
    let email = app.confirmed_user("paris@example.fr").await;
    app.sign_in_api(&email, PASSWORD).await;
    app.client.patch(app.url("/api/v1/me")).json(&json!({"time_zone": "Europe/Paris"})).send().await.unwrap();
    let html = app.get("/appels/connexions-citoyennes-2016").await.text().await.unwrap();
    assert!(html.contains("À votre heure : 16 octobre 2016 à 02:00 CEST"), "{html}");

    let calls: Value = app.get("/api/v1/calls").await.json().await.unwrap();
    assert_eq!(calls[0]["slug"], "connexions-citoyennes-prochaine-promotion");
    assert_eq!(calls[0]["accepting"], true);
    assert_eq!(calls[1]["accepting"], false);
    assert_eq!(calls[1]["closes_announced"], "15 octobre 2016 à 24:00 GMT");
}

#[tokio::test]
async fn a_manager_opens_a_call_and_drafts_stay_private() {
    let app = spawn_app_with(true).await;
    let r = app
        .post_form("/connexion", "/connexion", &[("email", "responsable@cfi.demo"), ("password", DEMO_PASSWORD)])
        .await;
    assert_eq!(r.status(), 303);
    let form = "/gestion/programmes/connexions-citoyennes/appels/nouveau";
    let fields = [
        ("title", "Appel — promotion 2028"),
        ("slug", "promotion-2028"),
        ("description", "Candidatez **vite**."),
        ("time_zone", "Africa/Dakar"),
        ("opens_date", "2027-11-01"),
        ("opens_time", "00:00"),
        ("closes_date", "2027-12-28"),
        ("closes_time", "24:00"),
        ("languages", "fr"),
        ("languages", "en"),
        ("max_applications", "3000"),
        ("status", "draft"),
    ];
    let r = app.post_form(form, "/gestion/programmes/connexions-citoyennes/appels", &fields).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let visitor = crate::helpers::client();
    assert_eq!(
        visitor.get(app.url("/appels/promotion-2028")).send().await.unwrap().status(),
        404,
        "a draft is private"
    );
    assert_eq!(app.get("/appels/promotion-2028").await.status(), 200, "but its manager sees it");

    // Publish it.
    let mut publish: Vec<(&str, &str)> = fields.to_vec();
    for (k, v) in publish.iter_mut() {
        if *k == "status" {
            *v = "open";
        }
    }
    let r = app.post_form("/gestion/appels/promotion-2028", "/gestion/appels/promotion-2028", &publish).await;
    assert_eq!(r.status(), 303);
    let html = visitor.get(app.url("/appels/promotion-2028")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Bientôt ouvert") && html.contains("28 décembre 2027 à 24:00 GMT"));

    // Bad input: closing before opening, unknown zone, no language; nothing saved.
    let mut bad: Vec<(&str, &str)> = fields.to_vec();
    bad.retain(|(k, _)| *k != "languages");
    for (k, v) in bad.iter_mut() {
        match *k {
            "slug" => *v = "promotion-2029",
            "closes_date" => *v = "2027-10-01",
            "time_zone" => *v = "Mars/Olympus",
            _ => {}
        }
    }
    let r = app.post_form(form, "/gestion/programmes/connexions-citoyennes/appels", &bad).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Fuseau horaire inconnu") && html.contains("au moins une langue"));
    assert_eq!(app.count("SELECT COUNT(*) FROM calls WHERE slug = 'promotion-2029'").await, 0);

    // Through the API, the same rules.
    let r = app
        .post_json(
            "/api/v1/programmes/connexions-citoyennes/calls",
            json!({"slug": "promotion-2028", "title": "Doublon", "opens_date": "2027-01-01", "opens_time": "00:00",
                   "closes_date": "2027-02-01", "closes_time": "24:00", "time_zone": "UTC", "languages": ["fr"], "status": "open"}),
        )
        .await;
    assert_eq!(r.status(), 409);
    // Not her programme.
    let r = app.post_form("/gestion", "/gestion/programmes/modernisation-agence-tap/appels", &fields).await;
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn managers_build_the_form_in_the_browser_and_no_edit_is_lost() {
    let app = spawn_app_with(true).await;
    app.post_form("/connexion", "/connexion", &[("email", "responsable@cfi.demo"), ("password", DEMO_PASSWORD)]).await;
    // The demo call has a valid form, shown to applicants before they start.
    let demo: Value =
        app.get("/api/v1/calls/connexions-citoyennes-prochaine-promotion/form").await.json().await.unwrap();
    assert_eq!(demo["version"], 1);
    let html = crate::helpers::client()
        .get(app.url("/appels/connexions-citoyennes-prochaine-promotion"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Date de naissance") && html.contains("Décrivez votre projet"));

    // The 2016 call has none yet: copy it from the open call, then add a question.
    let builder = "/gestion/appels/connexions-citoyennes-2016/formulaire";
    assert!(app.get(builder).await.text().await.unwrap().contains("Le formulaire est vide"));
    let r = app
        .post_form(
            builder,
            &format!("{builder}/copier"),
            &[("version", "0"), ("from", "connexions-citoyennes-prochaine-promotion")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let r = app
        .post_form(
            builder,
            &format!("{builder}/questions"),
            &[
                ("version", "1"),
                ("kind", "single_choice"),
                ("label", "Thème"),
                ("options", "Médias & presse\nsante | Santé | Health"),
                ("required", "1"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let form: Value = app.get("/api/v1/calls/connexions-citoyennes-2016/form").await.json().await.unwrap();
    assert_eq!(form["version"], 2);
    let sections = form["form"]["sections"].as_array().unwrap();
    let last = sections.last().unwrap()["questions"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["id"], "q22");
    assert_eq!(last["kind"]["options"][0]["value"], "medias-presse");

    // An edit based on an old version (another tab) is refused, and nothing is overwritten.
    let r = app
        .post_form(
            builder,
            &format!("{builder}/questions"),
            &[("version", "1"), ("kind", "yes_no"), ("label", "Stale")],
        )
        .await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("Rechargez la page"));
    // A bad question says what to fix.
    let r = app
        .post_form(
            builder,
            &format!("{builder}/questions"),
            &[("version", "2"), ("kind", "single_choice"), ("label", "Vide")],
        )
        .await;
    assert_eq!(r.status(), 422);
    let r = app
        .post_form(
            builder,
            &format!("{builder}/questions"),
            &[
                ("version", "2"),
                ("kind", "yes_no"),
                ("label", "Si"),
                ("show_if_question", "q99"),
                ("show_if_value", "yes"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    // Through the API: a definition with a duplicate id is refused.
    let mut f = form["form"].clone();
    let dup = f["sections"][0]["questions"][0].clone();
    f["sections"][0]["questions"].as_array_mut().unwrap().push(dup);
    let r = app
        .client
        .put(app.url("/api/v1/calls/connexions-citoyennes-2016/form"))
        .json(&json!({"based_on": 2, "form": f}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let r = app
        .client
        .put(app.url("/api/v1/calls/connexions-citoyennes-2016/form"))
        .json(&json!({"based_on": 2, "form": {"sections": "nope"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // Delete a question: a new version.
    let r = app.post_form(builder, &format!("{builder}/questions/q11/supprimer"), &[("version", "2")]).await;
    assert_eq!(r.status(), 303);
    let form: Value = app.get("/api/v1/calls/connexions-citoyennes-2016/form").await.json().await.unwrap();
    assert_eq!(form["version"], 3);
    assert_eq!(app.count("SELECT COUNT(*) FROM call_forms").await, 4, "every version is kept");
}
