//! Applying to a call over several visits, on two devices, up to the last second.

use serde_json::{json, Value};

use crate::helpers::{spawn_app_with, PASSWORD};

const CALL: &str = "connexions-citoyennes-prochaine-promotion";

fn complete(born: &str) -> Value {
    json!({
        "q1": born, "q2": "SN", "q3": "female", "q4": "Radio citoyenne de Pikine",
        "q5": "Une radio de quartier pour informer les jeunes de Pikine sur leurs droits.",
        "q6": "yes", "q7": "3", "q10": ["fr", "en"], "q12": "Fondatrice", "q14": "prototype",
        "q15": "Les jeunes de Pikine, environ 5 000.", "q19": "yes", "q20": "Trouver des financements."
    })
}

#[tokio::test]
async fn a_participant_fills_the_form_over_two_visits_and_submits_once() {
    let app = spawn_app_with(true).await;
    let email = app.confirmed_user("aicha@example.sn").await;
    let r = app.get(&format!("/appels/{CALL}/candidature")).await;
    assert_eq!(r.status(), 303, "sign in first");
    app.post_form("/connexion", "/connexion", &[("email", &email), ("password", PASSWORD)]).await;

    // First visit: a few answers, saved as a draft without JavaScript.
    let page = format!("/appels/{CALL}/candidature");
    let r = app
        .post_form(&page, &page, &[("revision", "0"), ("action", "save"), ("a.q4", "Radio citoyenne"), ("a.q2", "SN")])
        .await;
    assert_eq!(r.status(), 303);
    // A second device sees the latest draft.
    let phone = crate::helpers::client();
    phone.post(app.url("/api/v1/session")).json(&json!({"email": email, "password": PASSWORD})).send().await.unwrap();
    let mine: Value =
        phone.get(app.url(&format!("/api/v1/calls/{CALL}/application"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(mine["answers"]["q4"], "Radio citoyenne");
    assert_eq!(mine["revision"], 1);

    // Submitting an incomplete application: refused, question by question, draft intact.
    let r = app
        .post_form(
            &page,
            &page,
            &[("revision", "1"), ("action", "submit"), ("a.q4", "Radio citoyenne de Pikine"), ("a.q2", "SN")],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Cette question est obligatoire."));
    assert!(html.contains("value=\"Radio citoyenne de Pikine\""), "what was typed is shown again");
    let mine: Value = app.get(&format!("/api/v1/calls/{CALL}/application")).await.json().await.unwrap();
    assert_eq!(mine["answers"]["q4"], "Radio citoyenne de Pikine", "and saved");
    let rev = mine["revision"].as_i64().unwrap();

    // The phone completes and submits through the API; a retried request gives the same receipt.
    let r = phone
        .put(app.url(&format!("/api/v1/calls/{CALL}/application")))
        .json(&json!({"revision": rev, "answers": complete("2000-04-02")}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let saved: Value = r.json().await.unwrap();
    let rev = saved["revision"].as_i64().unwrap();
    let submit = || {
        phone.post(app.url(&format!("/api/v1/calls/{CALL}/application/submit"))).json(&json!({"revision": rev})).send()
    };
    let (a, b) = tokio::join!(submit(), submit());
    let (a, b): (Value, Value) = (a.unwrap().json().await.unwrap(), b.unwrap().json().await.unwrap());
    assert_eq!(a["status"], "submitted");
    assert_eq!(a["receipt"], b["receipt"]);
    assert_eq!(app.count("SELECT COUNT(*) FROM application_versions WHERE application_id = (SELECT a.id FROM applications a JOIN users u ON u.id = a.user_id WHERE u.email = 'aicha@example.sn')").await, 1, "one submission for a double click");
    let receipt = a["receipt"].as_str().unwrap().to_owned();
    let mail = app.last_mail(&email, &receipt).await;
    assert!(mail.contains("Radio citoyenne de Pikine") && mail.contains("Numéro de reçu"), "{mail}");

    // The page shows the receipt; the stale tab cannot overwrite the newer answers.
    let html = app.get(&page).await.text().await.unwrap();
    assert!(html.contains(&receipt));
    let r = app.post_form(&page, &page, &[("revision", "1"), ("action", "save"), ("a.q4", "Ancien titre")]).await;
    assert_eq!(r.status(), 409);
    let mine: Value = app.get(&format!("/api/v1/calls/{CALL}/application")).await.json().await.unwrap();
    assert_eq!(mine["answers"]["q4"], "Radio citoyenne de Pikine");
    assert_eq!(mine["conflict"]["q4"], "Ancien titre", "both versions kept");

    // Withdraw.
    let r = app.post_form(&page, &page, &[("action", "withdraw")]).await;
    assert_eq!(r.status(), 303);
    let mine: Value = app.get(&format!("/api/v1/calls/{CALL}/application")).await.json().await.unwrap();
    assert_eq!(mine["status"], "withdrawn");
}

#[tokio::test]
async fn bad_answers_ineligible_applicants_and_late_submissions_are_refused() {
    let app = spawn_app_with(true).await;
    let email = app.confirmed_user("late@example.bj").await;
    app.sign_in_api(&email, PASSWORD).await;
    let url = |p: &str| app.url(&format!("/api/v1/calls/{CALL}/application{p}"));
    let mine: Value = app.client.get(url("")).send().await.unwrap().json().await.unwrap();
    assert_eq!(mine["revision"], 0);

    // A question that is not in the form: refused, nothing saved.
    let r = app
        .client
        .put(url(""))
        .json(&json!({"revision": 0, "answers": {"q999": "x", "q4": "Titre"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let err: Value = r.json().await.unwrap();
    assert!(err["error"]["fields"]["q999"].is_string());
    // Malformed values are kept in the draft but block the submission.
    let mut answers = complete("1980-01-01");
    answers["q9"] = json!("0771234567");
    let r = app.client.put(url("")).json(&json!({"revision": 0, "answers": answers})).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let rev = r.json::<Value>().await.unwrap()["revision"].as_i64().unwrap();
    let r = app.client.post(url("/submit")).json(&json!({"revision": rev})).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let err: Value = r.json().await.unwrap();
    assert!(err["error"]["fields"]["q9"].as_str().unwrap().contains("+221"), "{err}");

    // Too old: the eligibility rule says so before anything is sent.
    let r = app
        .client
        .put(url(""))
        .json(&json!({"revision": rev, "answers": complete("1980-01-01")}))
        .send()
        .await
        .unwrap();
    let mine: Value = r.json().await.unwrap();
    assert!(mine["eligibility"][0].as_str().unwrap().contains("entre 18 et 35 ans"), "{mine}");
    let r = app.client.post(url("/submit")).json(&json!({"revision": mine["revision"]})).send().await.unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(r.json::<Value>().await.unwrap()["error"]["code"], "not_eligible");

    // One second after the closing instant, measured on the server: closed.
    let r = app
        .client
        .put(url(""))
        .json(&json!({"revision": mine["revision"], "answers": complete("2001-01-01")}))
        .send()
        .await
        .unwrap();
    let rev = r.json::<Value>().await.unwrap()["revision"].as_i64().unwrap();
    sqlx::query("UPDATE calls SET closes_at = $1 WHERE slug = $2")
        .bind(tremplin::domain::time::unix_now() - 1)
        .bind(CALL)
        .execute(&app.db().pool)
        .await
        .unwrap();
    let r = app.client.post(url("/submit")).json(&json!({"revision": rev})).send().await.unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(app.count("SELECT COUNT(*) FROM application_versions WHERE application_id = (SELECT a.id FROM applications a JOIN users u ON u.id = a.user_id WHERE u.email = 'late@example.bj')").await, 0);
    let mine: Value = app.client.get(url("")).send().await.unwrap().json().await.unwrap();
    assert_eq!(mine["answers"]["q4"], "Radio citoyenne de Pikine", "the draft is intact");

    // A closed call cannot be applied to from the page either.
    let r = app.get("/appels/connexions-citoyennes-2016/candidature").await;
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn managers_list_filter_read_and_export_applications() {
    let app = spawn_app_with(true).await;
    // Two applicants submit.
    for (email, born, country) in [("awa@example.sn", "2000-04-02", "SN"), ("kofi@example.tg", "1999-01-01", "TG")] {
        let who = crate::helpers::client();
        app.confirmed_user(email).await;
        who.post(app.url("/api/v1/session")).json(&json!({"email": email, "password": PASSWORD})).send().await.unwrap();
        let mut answers = complete(born);
        answers["q2"] = json!(country);
        let r = who
            .put(app.url(&format!("/api/v1/calls/{CALL}/application")))
            .json(&json!({"revision": 0, "answers": answers}))
            .send()
            .await
            .unwrap();
        let rev = r.json::<Value>().await.unwrap()["revision"].as_i64().unwrap();
        let r = who
            .post(app.url(&format!("/api/v1/calls/{CALL}/application/submit")))
            .json(&json!({"revision": rev}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    app.sign_in_demo("responsable@cfi.demo").await;
    let list = format!("/gestion/appels/{CALL}/candidatures");
    let html = app.get(&list).await.text().await.unwrap();
    assert!(html.contains("202 candidature(s)"), "the demo's 200 plus these two");
    let html = app.get(&format!("{list}?q=example")).await.text().await.unwrap();
    assert!(html.contains("2 candidature(s)") && html.contains("Awa Diop"));
    let html = app.get(&format!("{list}?pays=TG&q=example")).await.text().await.unwrap();
    assert!(html.contains("1 candidature(s)"));
    let csv = app.get(&format!("{list}.csv")).await.text().await.unwrap();
    assert!(
        csv.contains("awa@example.sn")
            && csv.contains("Radio citoyenne de Pikine")
            && csv.contains("Date de naissance")
    );
    let anon = app.get(&format!("{list}.csv?anonyme=1")).await.text().await.unwrap();
    assert!(!anon.contains("awa@example.sn") && !anon.contains("Awa Diop") && !anon.contains("2000-04-02"), "{anon}");
    assert!(anon.contains("Radio citoyenne de Pikine"));
    let r = app.get(&format!("{list}.xlsx")).await;
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));
    let id: i64 = sqlx::query_scalar(
        "SELECT a.id FROM applications a JOIN users u ON u.id = a.user_id WHERE u.email = 'awa@example.sn'",
    )
    .fetch_one(&app.db().pool)
    .await
    .unwrap();
    let html = app.get(&format!("{list}/{id}")).await.text().await.unwrap();
    assert!(html.contains("Décrivez votre projet") && html.contains("Une radio de quartier"));
    // Applicants and other managers see none of it.
    let other = crate::helpers::client();
    other
        .post(app.url("/api/v1/session"))
        .json(&json!({"email": "awa@example.sn", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(other.get(app.url(&list)).send().await.unwrap().status(), 403);
    assert_eq!(other.get(app.url(&format!("{list}.csv"))).send().await.unwrap().status(), 403);
}

#[tokio::test]
async fn applicants_download_their_data_and_delete_their_account() {
    let app = spawn_app_with(true).await;
    let email = app.confirmed_user("rights@example.sn").await;
    app.sign_in_api(&email, PASSWORD).await;
    let r = app
        .client
        .put(app.url(&format!("/api/v1/calls/{CALL}/application")))
        .json(&json!({"revision": 0, "answers": complete("2000-04-02")}))
        .send()
        .await
        .unwrap();
    let rev = r.json::<Value>().await.unwrap()["revision"].as_i64().unwrap();
    app.client
        .post(app.url(&format!("/api/v1/calls/{CALL}/application/submit")))
        .json(&json!({"revision": rev}))
        .send()
        .await
        .unwrap();

    let data: Value = app.get("/api/v1/me/data").await.json().await.unwrap();
    assert_eq!(data["account"]["email"], email);
    assert_eq!(data["applications"][0]["answers"]["q1"], "2000-04-02");
    assert_eq!(data["applications"][0]["submitted_versions"].as_array().unwrap().len(), 1);
    let r = app.get("/compte/donnees.json").await;
    assert!(crate::helpers::header(r.headers(), "content-disposition").contains("attachment"));

    // A wrong password deletes nothing.
    let r = app.post_json("/api/v1/me/delete", json!({"password": "not mine at all"})).await;
    assert_eq!(r.status(), 422);
    let r = app.post_form("/compte", "/compte/supprimer", &[("password", PASSWORD)]).await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("Compte supprimé"));
    assert_eq!(app.sign_in_api(&email, PASSWORD).await.status(), 401, "the account is gone");
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM users WHERE email = '{email}'")).await, 0);
    // The programme keeps the application, without anything identifying.
    let answers: String = sqlx::query_scalar("SELECT answers FROM applications WHERE answers LIKE '%Pikine%'")
        .fetch_one(&app.db().pool)
        .await
        .unwrap();
    assert!(answers.contains("Radio citoyenne de Pikine"));
    assert!(!answers.contains("2000-04-02") && !answers.contains("female"), "identifying answers removed: {answers}");
    let versions: String = sqlx::query_scalar("SELECT answers FROM application_versions WHERE answers LIKE '%Pikine%'")
        .fetch_one(&app.db().pool)
        .await
        .unwrap();
    assert!(!versions.contains("2000-04-02"));
}

#[tokio::test]
async fn managers_set_the_rules_and_grant_an_exception_with_a_reason() {
    let app = spawn_app_with(true).await;
    let email = app.confirmed_user("older@example.ml").await;
    let applicant = crate::helpers::client();
    applicant
        .post(app.url("/api/v1/session"))
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let mut answers = complete("1985-06-01");
    answers["q2"] = json!("ML");
    let r = applicant
        .put(app.url(&format!("/api/v1/calls/{CALL}/application")))
        .json(&json!({"revision": 0, "answers": answers}))
        .send()
        .await
        .unwrap();
    let rev = r.json::<Value>().await.unwrap()["revision"].as_i64().unwrap();
    let submit = || {
        applicant
            .post(app.url(&format!("/api/v1/calls/{CALL}/application/submit")))
            .json(&json!({"revision": rev}))
            .send()
    };
    assert_eq!(submit().await.unwrap().status(), 422, "too old");

    app.sign_in_demo("responsable@cfi.demo").await;
    // The rules page shows the demo rules and refuses nonsense.
    let page = format!("/gestion/appels/{CALL}/eligibilite");
    assert!(app.get(&page).await.text().await.unwrap().contains("value=\"18\""));
    let r = app
        .post_form(
            &page,
            &page,
            &[("age_question", "q4"), ("age_min", "18"), ("age_max", "35"), ("age_on", "2027-01-01")],
        )
        .await;
    assert_eq!(r.status(), 422, "a text question cannot hold a birth date");
    let r = app.post_form(&page, &page, &[("country_question", "q2"), ("countries", "SN, XX")]).await;
    assert_eq!(r.status(), 422);

    // An exception, with a reason, lets her apply.
    let id: i64 = sqlx::query_scalar(
        "SELECT a.id FROM applications a JOIN users u ON u.id = a.user_id WHERE u.email = 'older@example.ml'",
    )
    .fetch_one(&app.db().pool)
    .await
    .unwrap();
    let detail = format!("/gestion/appels/{CALL}/candidatures/{id}");
    let r = app.post_form(&detail, &format!("{detail}/derogation"), &[("reason", "")]).await;
    assert_eq!(r.status(), 422, "a reason is required");
    let r = app
        .post_form(&detail, &format!("{detail}/derogation"), &[("reason", "Reprise d’études après un service civique")])
        .await;
    assert_eq!(r.status(), 303);
    assert!(app.get(&detail).await.text().await.unwrap().contains("Reprise d’études"));
    assert_eq!(submit().await.unwrap().status(), 200);
    // The API sets the same rules.
    let rules: Value = app.get(&format!("/api/v1/calls/{CALL}/eligibility")).await.json().await.unwrap();
    assert_eq!(rules["age"]["max"], 35);
    let mut changed = rules.clone();
    changed["age"]["max"] = json!(40);
    let r = app.client.put(app.url(&format!("/api/v1/calls/{CALL}/eligibility"))).json(&changed).send().await.unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(
        applicant.get(app.url(&format!("/api/v1/calls/{CALL}/eligibility"))).send().await.unwrap().status(),
        403,
        "managers only"
    );
}
