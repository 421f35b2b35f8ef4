//! Selecting the cohort from the demo's reviewed applications: the best cohort under the
//! diversity rules, explained; infeasible rules named; decisions recorded, logged and sent.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::helpers::spawn_app_with;

const CALL: &str = "connexions-citoyennes-prochaine-promotion";

#[tokio::test]
async fn the_manager_selects_30_under_gender_and_country_rules_and_sends_the_results() {
    let app = spawn_app_with(true).await;
    let manager = app.demo_client("responsable@cfi.demo").await;
    let url = |p: &str| app.url(&format!("/api/v1/calls/{CALL}{p}"));
    let params: Value = manager.get(url("/selection")).send().await.unwrap().json().await.unwrap();
    assert_eq!(params["size"], 30);
    assert_eq!(params["gender_min_percent"]["female"], 40);

    let r = manager.post(url("/selection/proposal")).json(&params).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let p: Value = r.json().await.unwrap();
    let rows = p["rows"].as_array().unwrap();
    let selected: Vec<&Value> = rows.iter().filter(|r| r["decision"] == "selected").collect();
    assert_eq!(selected.len(), 30);
    assert!(selected.iter().filter(|r| r["gender"] == "female").count() >= 12, "at least 40% women");
    let mut per_country: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &selected {
        *per_country.entry(r["country"].as_str().unwrap()).or_default() += 1;
    }
    assert!(per_country.values().all(|n| *n <= 3), "{per_country:?}");
    assert_eq!(rows.iter().filter(|r| r["decision"] == "waitlisted").count(), 10);
    assert!(rows.iter().all(|r| !r["reason"].as_str().unwrap().is_empty()));
    assert!(
        rows.iter().any(|r| r["reason"].as_str().unwrap().contains("au plus 3 pour")),
        "someone well ranked is out because her country is full"
    );

    // Rules no cohort can meet: refused, naming the rule to relax. Bad numbers, a pin
    // without a reason: refused.
    let mut bad = params.clone();
    bad["country_max"] = json!(1);
    let r = manager.post(url("/selection/proposal")).json(&bad).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let err: Value = r.json().await.unwrap();
    assert!(err["error"]["message"].as_str().unwrap().contains("Aucune sélection ne respecte ces règles. "), "{err}");
    let mut bad = params.clone();
    bad["size"] = json!(500);
    let err: Value = manager.post(url("/selection/proposal")).json(&bad).send().await.unwrap().json().await.unwrap();
    assert!(err["error"]["message"].as_str().unwrap().contains("réduisez la promotion"), "{err}");
    let mut bad = params.clone();
    bad["size"] = json!(0);
    assert_eq!(manager.post(url("/selection/proposal")).json(&bad).send().await.unwrap().status(), 422);
    let last = rows.last().unwrap()["application"].as_i64().unwrap();
    let mut pinned = params.clone();
    pinned["pins"] = json!([{"application": last, "reason": ""}]);
    assert_eq!(manager.post(url("/selection/proposal")).json(&pinned).send().await.unwrap().status(), 422);
    pinned["pins"] = json!([{"application": last, "reason": "Seul projet en milieu rural"}]);
    let p: Value = manager.post(url("/selection/proposal")).json(&pinned).send().await.unwrap().json().await.unwrap();
    let row = p["rows"].as_array().unwrap().iter().find(|r| r["application"] == last).unwrap().clone();
    assert_eq!(row["decision"], "selected");
    assert!(row["reason"].as_str().unwrap().contains("Seul projet en milieu rural"));

    // The demo confirmed and sent the default selection: a decision for everyone, logged.
    let decisions: Value = manager.get(url("/decisions")).send().await.unwrap().json().await.unwrap();
    assert_eq!(decisions.as_array().unwrap().len(), rows.len());
    assert!(decisions.as_array().unwrap().iter().all(|d| d["notified_at"].is_i64()));
    assert_eq!(app.count("SELECT COUNT(*) FROM decision_log").await as usize, rows.len());
    // Confirming the pinned one changes her decision and those of the people displaced.
    let r: Value = manager.put(url("/selection")).json(&pinned).send().await.unwrap().json().await.unwrap();
    let changed = r["changed"].as_u64().unwrap() as usize;
    assert!(changed >= 2 && changed < rows.len(), "{changed}");
    assert_eq!(app.count("SELECT COUNT(*) FROM decision_log").await as usize, rows.len() + changed);
    let r: Value = manager.put(url("/selection")).json(&pinned).send().await.unwrap().json().await.unwrap();
    assert_eq!(r["changed"], 0, "the same selection twice changes nothing");

    // The changed results go out once, in each applicant's language.
    let r: Value = manager.post(url("/decisions/notify")).send().await.unwrap().json().await.unwrap();
    assert_eq!(r["sent"].as_u64().unwrap() as usize, changed);
    let (email,): (String,) =
        sqlx::query_as("SELECT u.email FROM applications a JOIN users u ON u.id = a.user_id WHERE a.id = $1")
            .bind(last)
            .fetch_one(&app.db().pool)
            .await
            .unwrap();
    let mail = app.last_mail(&email, "retenu").await;
    assert!(mail.contains("Bonne nouvelle"), "{mail}");
    let r: Value = manager.post(url("/decisions/notify")).send().await.unwrap().json().await.unwrap();
    assert_eq!(r["sent"], 0);

    // Only managers select.
    let jury = app.demo_client("jury@cfi.demo").await;
    assert_eq!(jury.put(url("/selection")).json(&params).send().await.unwrap().status(), 403);
}

#[tokio::test]
async fn the_selection_page_proposes_explains_and_confirms() {
    let app = spawn_app_with(true).await;
    app.sign_in_demo("responsable@cfi.demo").await;
    let page = format!("/gestion/appels/{CALL}/selection");
    let html = app.get(&page).await.text().await.unwrap();
    assert!(html.contains("Décisions enregistrées") && html.contains("Historique des décisions"));
    let app = &app;
    let post = |fields: Vec<(&'static str, &'static str)>| {
        let page = page.clone();
        async move {
            let mut f = vec![("size", "30"), ("waitlist", "10")];
            f.extend(fields);
            app.post_form(&page, &page, &f).await
        }
    };
    let r = post(vec![("women_min", "40"), ("country_max", "3"), ("action", "propose")]).await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("Retenue pour sa note.") && html.contains("Confirmer cette sélection"));
    let r = post(vec![("country_max", "1"), ("action", "propose")]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Aucune sélection ne respecte ces règles."));
    let r = post(vec![("pins", "XYZ-1 | parce que"), ("action", "propose")]).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("est inconnu") && html.contains("XYZ-1 | parce que"), "what was typed stays");
    let r = post(vec![("women_min", "50"), ("country_max", "3"), ("action", "confirm")]).await;
    assert_eq!(r.status(), 303);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let html = app.get(&location).await.text().await.unwrap();
    assert!(html.contains("Sélection confirmée"), "{location}");
    let women: i64 = app
        .count(
            "SELECT COUNT(*) FROM decisions d JOIN applications a ON a.id = d.application_id \
             WHERE d.decision = 'selected' AND a.answers LIKE '%\"q3\":\"female\"%'",
        )
        .await;
    assert!(women >= 15, "at least half women now: {women}");
    let r = app.post_form(&page, &format!("{page}/envoi"), &[]).await;
    assert_eq!(r.status(), 303);
}

#[tokio::test]
async fn a_selected_person_declines_and_the_next_who_keeps_the_rules_takes_her_place() {
    let app = spawn_app_with(true).await;
    let manager = app.demo_client("responsable@cfi.demo").await;
    let url = |p: &str| app.url(&format!("/api/v1/calls/{CALL}{p}"));
    let decisions: Value = manager.get(url("/decisions")).send().await.unwrap().json().await.unwrap();
    let of = |d: &Value, kind: &str| -> Vec<i64> {
        d.as_array()
            .unwrap()
            .iter()
            .filter(|x| x["decision"] == kind)
            .map(|x| x["application"].as_i64().unwrap())
            .collect()
    };
    let (selected, rejected) = (of(&decisions, "selected"), of(&decisions, "rejected"));
    let leaving = selected[0];
    let decline = |id: i64, reason: &'static str| {
        manager.post(url(&format!("/decisions/{id}/decline"))).json(&json!({"reason": reason})).send()
    };
    assert_eq!(decline(leaving, " ").await.unwrap().status(), 422, "a reason is needed");
    assert_eq!(decline(rejected[0], "x").await.unwrap().status(), 422, "only the selected can decline");
    let r: Value = decline(leaving, "Elle a trouvé un emploi").await.unwrap().json().await.unwrap();
    let promoted = r["promoted"].as_i64().expect("someone takes the place");
    assert!(!selected.contains(&promoted));

    let after: Value = manager.get(url("/decisions")).send().await.unwrap().json().await.unwrap();
    let now_selected = of(&after, "selected");
    assert_eq!(now_selected.len(), 30);
    assert!(now_selected.contains(&promoted) && !now_selected.contains(&leaving));
    assert!(selected.iter().filter(|id| **id != leaving).all(|id| now_selected.contains(id)), "the others stay");
    assert_eq!(of(&after, "declined"), vec![leaving]);
    let row = after.as_array().unwrap().iter().find(|x| x["application"] == promoted).unwrap();
    assert!(row["reason"].as_str().unwrap().contains("Promue depuis la liste d’attente"));
    let women = app
        .count(
            "SELECT COUNT(*) FROM decisions d JOIN applications a ON a.id = d.application_id \
             WHERE d.decision = 'selected' AND a.answers LIKE '%\"q3\":\"female\"%'",
        )
        .await;
    assert!(women >= 12, "the rules still hold: {women}");

    // The one promoted is told; the one who declined is not written to.
    let r: Value = manager.post(url("/decisions/notify")).send().await.unwrap().json().await.unwrap();
    assert!(r["sent"].as_u64().unwrap() >= 1);
    let leaving_notified = app
        .count(&format!("SELECT COUNT(*) FROM decisions WHERE application_id = {leaving} AND notified_at IS NOT NULL"))
        .await;
    assert_eq!(leaving_notified, 0);

    // Exports: decisions (receipt numbers only: the call is blind) and the scores matrix.
    let csv = manager
        .get(app.url(&format!("/gestion/appels/{CALL}/selection/decisions.csv")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(csv.starts_with("receipt,decision,") && csv.contains("declined"), "{}", &csv[..100]);
    let csv = manager
        .get(app.url(&format!("/gestion/appels/{CALL}/evaluation/notes.csv")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(csv.starts_with("receipt,") && csv.lines().next().unwrap().contains("Marie Dupont"));
}

/// The stage each demo applicant gave for her project (question q14), by application.
async fn stages(app: &crate::helpers::TestApp) -> BTreeMap<i64, String> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, answers FROM applications").fetch_all(&app.db().pool).await.unwrap();
    rows.into_iter()
        .filter_map(|(id, a)| {
            let v: Value = serde_json::from_str(&a).ok()?;
            Some((id, v["q14"].as_str()?.to_owned()))
        })
        .collect()
}

#[tokio::test]
async fn minimums_per_region_and_per_answer_are_met_and_explained() {
    let app = spawn_app_with(true).await;
    let manager = app.demo_client("responsable@cfi.demo").await;
    let url = |p: &str| app.url(&format!("/api/v1/calls/{CALL}{p}"));
    let params: Value = manager.get(url("/selection")).send().await.unwrap().json().await.unwrap();
    let propose = |p: Value| {
        let m = manager.clone();
        let u = url("/selection/proposal");
        async move { m.post(u).json(&p).send().await.unwrap() }
    };
    let selected = |p: &Value| -> Vec<Value> {
        p["rows"].as_array().unwrap().iter().filter(|r| r["decision"] == "selected").cloned().collect()
    };
    const WEST: &[&str] = &["BJ", "BF", "CV", "CI", "GM", "GH", "GN", "GW", "LR", "ML", "NE", "NG", "SN", "SL", "TG"];
    let west = |rows: &[Value]| rows.iter().filter(|r| WEST.contains(&r["country"].as_str().unwrap())).count();
    let stage = stages(&app).await;
    let ideas = |rows: &[Value]| rows.iter().filter(|r| stage[&r["application"].as_i64().unwrap()] == "idea").count();

    let before: Value = propose(params.clone()).await.json().await.unwrap();
    let (c0, i0) = (west(&selected(&before)), ideas(&selected(&before)));

    // Three more from West Africa and three more projects at the idea stage than the
    // scores alone would bring: met, and the people brought in say which rule.
    let mut p = params.clone();
    p["region_min"] = json!({"west": c0 + 3});
    p["answer_min"] = json!([{"question": "q14", "value": "idea", "min": i0 + 3}]);
    let r = propose(p.clone()).await;
    let status = r.status();
    let after: Value = r.json().await.unwrap();
    assert_eq!(status, 200, "{after} c0={c0} i0={i0}");
    let chosen = selected(&after);
    assert_eq!(chosen.len(), 30);
    assert!(west(&chosen) >= c0 + 3, "{} < {}", west(&chosen), c0 + 3);
    assert!(ideas(&chosen) >= i0 + 3);
    assert!(chosen.iter().filter(|r| r["gender"] == "female").count() >= 12, "the other rules still hold");
    let reasons: Vec<&str> = chosen.iter().map(|r| r["reason"].as_str().unwrap()).collect();
    assert!(reasons.iter().any(|r| r.contains("région : Afrique de l’Ouest")), "{reasons:?}");
    assert!(reasons.iter().any(|r| r.contains("« Où en est le projet ? : Idée »")), "{reasons:?}");

    // A minimum no cohort can meet names the region to relax; unknown regions and answers
    // are refused as such.
    let mut bad = params.clone();
    bad["region_min"] = json!({"north": 25});
    let err: Value = propose(bad).await.json().await.unwrap();
    assert!(err["error"]["message"].as_str().unwrap().contains("Afrique du Nord"), "{err}");
    for (field, value) in [
        ("region_min", json!({"sahel": 2})),
        ("region_min", json!({"west": 31})),
        ("answer_min", json!([{"question": "q14", "value": "licorne", "min": 2}])),
        ("answer_min", json!([{"question": "q5", "value": "x", "min": 2}])),
    ] {
        let mut bad = params.clone();
        bad[field] = value;
        let r = propose(bad).await;
        assert_eq!(r.status(), 422);
        let err: Value = r.json().await.unwrap();
        assert!(err["error"]["fields"][field].is_string(), "{err}");
    }

    // The same rules from the page, kept when the page comes back.
    let page = "/gestion/appels/connexions-citoyennes-prochaine-promotion/selection";
    app.sign_in_demo("responsable@cfi.demo").await;
    let html = app.get(page).await.text().await.unwrap();
    assert!(html.contains("Afrique centrale") && html.contains("Où en est le projet ? : Idée"));
    let r = app
        .post_form(
            page,
            page,
            &[
                ("size", "30"),
                ("waitlist", "10"),
                ("women_min", "40"),
                ("country_max", "3"),
                ("region_west", &(c0 + 3).to_string()),
                ("answer_q", "q14=idea"),
                ("answer_n", &(i0 + 3).to_string()),
                ("answer_q", ""),
                ("answer_n", ""),
                ("action", "propose"),
            ],
        )
        .await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("région : Afrique de l’Ouest"));
    assert!(html.contains(r#"<option value="q14=idea" selected>"#));
}

#[tokio::test]
async fn the_manager_rewrites_the_result_messages_and_they_are_what_is_sent() {
    let app = spawn_app_with(true).await;
    let manager = app.demo_client("responsable@cfi.demo").await;
    let url = |p: &str| app.url(&format!("/api/v1/calls/{CALL}{p}"));
    let messages: Value = manager.get(url("/selection/messages")).send().await.unwrap().json().await.unwrap();
    assert_eq!(messages.as_array().unwrap().len(), 6, "three decisions in two languages");
    let custom: Vec<&Value> = messages.as_array().unwrap().iter().filter(|m| m["custom"] == true).collect();
    assert_eq!(custom.len(), 1, "the demo rewrote the French waitlist message");
    assert_eq!((&custom[0]["decision"], &custom[0]["locale"]), (&json!("waitlisted"), &json!("fr")));

    // A typo in a placeholder, an empty subject: refused, each on its own field, nothing saved.
    let r = manager
        .put(url("/selection/messages"))
        .json(&json!([
            {"decision": "waitlisted", "locale": "fr", "subject": "Liste d’attente", "body": "Bonjour {nom}"},
            {"decision": "selected", "locale": "en", "subject": " ", "body": "Welcome {name}"},
        ]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let err: Value = r.json().await.unwrap();
    assert!(err["error"]["fields"]["waitlisted_fr_body"].as_str().unwrap().contains("{name}"), "{err}");
    assert!(err["error"]["fields"]["selected_en_subject"].is_string(), "{err}");
    assert_eq!(app.count("SELECT COUNT(*) FROM decision_messages").await, 1, "nothing saved");
    let r = manager
        .put(url("/selection/messages"))
        .json(&json!([{"decision": "admitted", "locale": "fr", "subject": "x", "body": "y"}]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);

    // Rewritten, then sent: the waitlisted people writing in French get the new text with
    // their name and place.
    let r = manager
        .put(url("/selection/messages"))
        .json(&json!([{
            "decision": "waitlisted",
            "locale": "fr",
            "subject": "{call} : vous êtes sur la liste d’attente",
            "body": "Chère, cher {name},\n\nvous êtes n° {rank} sur la liste d’attente. Nous vous écrivons dès qu’une place se libère.\n\nL’équipe Connexions citoyennes"
        }]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let saved: Value = r.json().await.unwrap();
    assert_eq!(saved.as_array().unwrap().iter().filter(|m| m["custom"] == true).count(), 1);
    // Re-confirming with a bigger waitlist makes new waitlisted people to tell.
    let mut params: Value = manager.get(url("/selection")).send().await.unwrap().json().await.unwrap();
    params["waitlist"] = json!(15);
    manager.put(url("/selection")).json(&params).send().await.unwrap();
    let (name, email, rank): (String, String, i64) = sqlx::query_as(
        "SELECT u.name, u.email, d.waitlist_rank FROM decisions d JOIN applications a ON a.id = d.application_id \
         JOIN users u ON u.id = a.user_id WHERE d.decision = 'waitlisted' AND d.notified_at IS NULL AND u.locale = 'fr' \
         ORDER BY d.waitlist_rank LIMIT 1",
    )
    .fetch_one(&app.db().pool)
    .await
    .unwrap();
    manager.post(url("/decisions/notify")).send().await.unwrap();
    let body = app.last_mail(&email, "vous êtes sur la liste d’attente").await;
    assert!(body.contains(&format!("Chère, cher {name},")), "{body}");
    assert!(body.contains(&format!("vous êtes n° {rank} sur la liste")), "{body}");

    // From the page: the edited text is shown marked, and a reset brings the default back.
    app.sign_in_demo("responsable@cfi.demo").await;
    let page = format!("/gestion/appels/{CALL}/selection/messages");
    let html = app.get(&page).await.text().await.unwrap();
    assert!(html.contains("vous êtes n° {rank}") && html.contains("modifié"));
    let messages: Value = manager.get(url("/selection/messages")).send().await.unwrap().json().await.unwrap();
    let mut fields: Vec<(String, String)> = vec![];
    for m in messages.as_array().unwrap() {
        let (d, l) = (m["decision"].as_str().unwrap(), m["locale"].as_str().unwrap());
        fields.push((format!("{d}_{l}_subject"), m["subject"].as_str().unwrap().to_owned()));
        fields.push((format!("{d}_{l}_body"), m["body"].as_str().unwrap().to_owned()));
    }
    let mut bad = fields.clone();
    bad[0].1 = "Objet {appel}".into();
    let f: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = app.post_form(&page, &page, &f).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Objet {appel}"), "what was typed stays");
    let mut reset = fields.clone();
    reset.push(("waitlisted_fr_reset".into(), "1".into()));
    let f: Vec<(&str, &str)> = reset.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = app.post_form(&page, &page, &f).await;
    assert_eq!(r.status(), 303);
    assert_eq!(app.count("SELECT COUNT(*) FROM decision_messages").await, 0, "back to the catalogue");
}
