//! The participants of a programme phase: the selected join the phase their call recruits
//! for and follow its decisions; managers enrol and take out others by hand.

use serde_json::{json, Value};

use crate::helpers::spawn_app_with;

const CALL: &str = "connexions-citoyennes-prochaine-promotion";
const PROGRAMME: &str = "connexions-citoyennes";

/// The id of the programme's first phase of this kind.
async fn phase_id(app: &crate::helpers::TestApp, kind: &str) -> i64 {
    let p: Value = app.get(&format!("/api/v1/programmes/{PROGRAMME}")).await.json().await.unwrap();
    p["phases"].as_array().unwrap().iter().find(|ph| ph["kind"] == kind).unwrap()["id"].as_i64().unwrap()
}

#[tokio::test]
async fn the_selected_join_the_course_and_follow_the_decisions() {
    let app = spawn_app_with(true).await;
    let manager = app.demo_client("responsable@cfi.demo").await;
    let course = phase_id(&app, "online_course").await;
    let people = |phase: i64| {
        let m = manager.clone();
        let u = app.url(&format!("/api/v1/programmes/{PROGRAMME}/phases/{phase}/participants"));
        async move { m.get(u).send().await.unwrap().json::<Value>().await.unwrap() }
    };
    // The demo's confirmed selection enrolled its 30 in the online course.
    let list = people(course).await;
    assert_eq!(list.as_array().unwrap().len(), 30, "{list}");
    assert!(list.as_array().unwrap().iter().all(|p| p["source"] == "selection" && p["call"].is_string()));
    let params: Value =
        manager.get(app.url(&format!("/api/v1/calls/{CALL}/selection"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(params["phase"], course, "the online course is the default phase");

    // A withdrawal: she leaves the course, the person promoted joins it.
    let decisions: Value =
        manager.get(app.url(&format!("/api/v1/calls/{CALL}/decisions"))).send().await.unwrap().json().await.unwrap();
    let leaving = decisions.as_array().unwrap().iter().find(|d| d["decision"] == "selected").unwrap()["application"]
        .as_i64()
        .unwrap();
    let leaving_user: i64 = app.count(&format!("SELECT user_id FROM applications WHERE id = {leaving}")).await;
    let r: Value = manager
        .post(app.url(&format!("/api/v1/calls/{CALL}/decisions/{leaving}/decline")))
        .json(&json!({"reason": "Elle part étudier à l’étranger"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let promoted = r["promoted"].as_i64().unwrap();
    let promoted_user: i64 = app.count(&format!("SELECT user_id FROM applications WHERE id = {promoted}")).await;
    let list = people(course).await;
    let ids: Vec<i64> = list.as_array().unwrap().iter().map(|p| p["user_id"].as_i64().unwrap()).collect();
    assert_eq!(ids.len(), 30);
    assert!(ids.contains(&promoted_user) && !ids.contains(&leaving_user));

    // Someone enrolled by hand stays whatever the selection does; the selected move with
    // the phase chosen, and leave when no phase is.
    let by_hand = "participant03@cfi.demo";
    let add = |phase: i64, email: &str| {
        manager
            .post(app.url(&format!("/api/v1/programmes/{PROGRAMME}/phases/{phase}/participants")))
            .json(&json!({ "email": email }))
            .send()
    };
    assert_eq!(add(course, by_hand).await.unwrap().status(), 201);
    assert_eq!(add(course, by_hand).await.unwrap().status(), 409);
    let r = add(course, "personne@nulle-part.example").await.unwrap();
    assert_eq!(r.status(), 422);
    let err: Value = r.json().await.unwrap();
    assert!(err["error"]["fields"]["email"].as_str().unwrap().contains("Aucun compte"), "{err}");
    assert_eq!(add(course, "pas une adresse").await.unwrap().status(), 422);
    assert_eq!(add(999_999, by_hand).await.unwrap().status(), 404, "a phase of no programme of hers");

    let coaching = phase_id(&app, "coaching").await;
    let mut moved = params.clone();
    moved["phase"] = json!(coaching);
    let r = manager.put(app.url(&format!("/api/v1/calls/{CALL}/selection"))).json(&moved).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(people(coaching).await.as_array().unwrap().len(), 30);
    let left = people(course).await;
    assert_eq!(left.as_array().unwrap().len(), 1, "only the one enrolled by hand: {left}");
    moved["phase"] = Value::Null;
    manager.put(app.url(&format!("/api/v1/calls/{CALL}/selection"))).json(&moved).send().await.unwrap();
    assert_eq!(people(coaching).await.as_array().unwrap().len(), 0);
    moved["phase"] = json!(123_456_789);
    let r = manager.put(app.url(&format!("/api/v1/calls/{CALL}/selection"))).json(&moved).send().await.unwrap();
    assert_eq!(r.status(), 422, "a phase of another programme");

    // Taking out: by hand yes, a selected person no (she declines instead).
    let hand_id = left.as_array().unwrap()[0]["user_id"].as_i64().unwrap();
    let remove = |phase: i64, user: i64| {
        manager.delete(app.url(&format!("/api/v1/programmes/{PROGRAMME}/phases/{phase}/participants/{user}"))).send()
    };
    assert_eq!(remove(course, hand_id).await.unwrap().status(), 204);
    assert_eq!(remove(course, hand_id).await.unwrap().status(), 404);
    moved["phase"] = json!(course);
    manager.put(app.url(&format!("/api/v1/calls/{CALL}/selection"))).json(&moved).send().await.unwrap();
    let first = people(course).await.as_array().unwrap()[0]["user_id"].as_i64().unwrap();
    assert_eq!(remove(course, first).await.unwrap().status(), 422);

    // Only the programme's managers see or change its participants.
    let jury = app.demo_client("jury@cfi.demo").await;
    let r = jury
        .get(app.url(&format!("/api/v1/programmes/{PROGRAMME}/phases/{course}/participants")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn the_participants_page_lists_enrols_and_takes_out() {
    let app = spawn_app_with(true).await;
    app.sign_in_demo("responsable@cfi.demo").await;
    let course = phase_id(&app, "online_course").await;
    let programme_page = app.get(&format!("/gestion/programmes/{PROGRAMME}")).await.text().await.unwrap();
    assert!(programme_page.contains("Participant·e·s (30)"), "the count beside the phase");
    let page = format!("/gestion/programmes/{PROGRAMME}/etapes/{course}/participants");
    let html = app.get(&page).await.text().await.unwrap();
    assert!(html.contains("30 participant·e·s") && html.contains("sélection : Appel à candidatures"));
    let r = app.post_form(&page, &page, &[("email", "inconnue@example.org")]).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Aucun compte avec cette adresse") && html.contains("inconnue@example.org"));
    let r = app.post_form(&page, &page, &[("email", "participant04@cfi.demo")]).await;
    assert_eq!(r.status(), 303);
    let html = app.get(&format!("{page}?ajoute=1")).await.text().await.unwrap();
    assert!(html.contains("31 participant·e·s") && html.contains("inscription à la main"));
    let user: i64 = app.count("SELECT id FROM users WHERE email = 'participant04@cfi.demo'").await;
    let r = app.post_form(&page, &format!("{page}/{user}/retirer"), &[]).await;
    assert_eq!(r.status(), 303);
    assert!(app.get(&page).await.text().await.unwrap().contains("30 participant·e·s"));
}
