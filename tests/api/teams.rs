//! Teams of a course: formed in one click (balanced by country and gender) or by hand.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use crate::helpers::spawn_app_with;

const COURSE: &str = "connexions-citoyennes-formation-en-ligne";

#[tokio::test]
async fn the_manager_forms_balanced_teams_and_learners_see_theirs() {
    let app = spawn_app_with(true).await;
    let manager = app.demo_client("responsable@cfi.demo").await;
    let url = |p: &str| app.url(&format!("/api/v1/courses/{COURSE}{p}"));
    let before: Value = manager.get(url("/teams")).send().await.unwrap().json().await.unwrap();
    let learners = before["learners"].as_array().unwrap().clone();
    assert_eq!(learners.len(), 30);
    assert!(learners.iter().all(|l| l["country"].as_str().unwrap().len() == 2), "countries from the applications");

    // One click: 30 people in teams of 3 to 5, each team mixing countries.
    let r = manager.post(url("/teams/automatic")).json(&json!({"min": 3, "max": 5})).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let teams: Value = r.json().await.unwrap();
    let teams = teams.as_array().unwrap();
    let placed: BTreeSet<i64> = teams
        .iter()
        .flat_map(|t| t["members"].as_array().unwrap().iter().map(|m| m["user_id"].as_i64().unwrap()))
        .collect();
    assert_eq!(placed.len(), 30, "everyone once");
    for t in teams {
        let members = t["members"].as_array().unwrap();
        assert!((3..=5).contains(&members.len()));
        let mut per_country: BTreeMap<&str, usize> = BTreeMap::new();
        for m in members {
            *per_country.entry(m["country"].as_str().unwrap()).or_default() += 1;
        }
        assert!(per_country.len() >= members.len() - 1, "countries mixed: {per_country:?}");
    }

    // A learner sees her own team.
    let one = &teams[0]["members"][0];
    let email: String = sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
        .bind(one["user_id"].as_i64().unwrap())
        .fetch_one(&app.db().pool)
        .await
        .unwrap();
    let learner = app.demo_client(&email).await;
    let mine: Value = learner.get(url("/team")).send().await.unwrap().json().await.unwrap();
    assert_eq!(mine["number"], teams[0]["number"]);
    assert_eq!(learner.get(url("/teams")).send().await.unwrap().status(), 403, "not the others' list");

    // Impossible sizes, a team made by hand that leaves someone out: refused, saying why;
    // the teams stay as they were.
    let r = manager.post(url("/teams/automatic")).json(&json!({"min": 31, "max": 40})).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let err: Value = r.json().await.unwrap();
    assert!(err["error"]["message"].as_str().unwrap().contains("30"), "{err}");
    let ids: Vec<i64> = placed.iter().copied().collect();
    let mut by_hand: Vec<Vec<i64>> = ids.chunks(5).map(<[i64]>::to_vec).collect();
    let left_out = by_hand[0].pop().unwrap();
    let r = manager.put(url("/teams")).json(&json!({"teams": by_hand})).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let after: Value = manager.get(url("/teams")).send().await.unwrap().json().await.unwrap();
    assert_eq!(after["teams"].as_array().unwrap().len(), teams.len(), "nothing half-done");
    by_hand[0].push(left_out);
    let r = manager.put(url("/teams")).json(&json!({"teams": by_hand})).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap().as_array().unwrap().len(), 6);
}

#[tokio::test]
async fn the_teams_page_forms_and_edits_teams() {
    let app = spawn_app_with(true).await;
    app.sign_in_demo("responsable@cfi.demo").await;
    let page = format!("/gestion/cours/{COURSE}/equipes");
    let html = app.get(&page).await.text().await.unwrap();
    assert!(html.contains("Équipe 8") && html.contains("Former les équipes"), "the demo's teams");
    let r = app.post_form(&page, &format!("{page}/automatique"), &[("min", "3"), ("max", "5")]).await;
    assert_eq!(r.status(), 303);
    let html = app.get(&format!("{page}?fait=1")).await.text().await.unwrap();
    assert!(html.contains("Équipe 1") && html.contains("Équipes enregistrées"));
    // By hand, with one person left without a number: refused, the numbers typed stay.
    let users: Vec<i64> = sqlx::query_scalar(
        "SELECT p.user_id FROM phase_participants p JOIN programme_phases ph ON ph.id = p.phase_id \
         WHERE ph.kind = 'online_course' ORDER BY p.user_id",
    )
    .fetch_all(&app.db().pool)
    .await
    .unwrap();
    let numbers: Vec<(String, String)> = users
        .iter()
        .enumerate()
        .map(|(n, u)| (format!("t.{u}"), if n == 0 { String::new() } else { (n % 6 + 1).to_string() }))
        .collect();
    let mut fields: Vec<(&str, &str)> = numbers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    fields.extend([("min", "3"), ("max", "5")]);
    let r = app.post_form(&page, &page, &fields).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("role=\"alert\""), "{html}");
    assert!(html.contains(&format!("name=\"t.{}\" value=\"2\"", users[1])), "what was typed stays");
    let numbers: Vec<(String, String)> =
        users.iter().enumerate().map(|(n, u)| (format!("t.{u}"), (n % 6 + 1).to_string())).collect();
    let mut fields: Vec<(&str, &str)> = numbers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    fields.extend([("min", "3"), ("max", "5")]);
    assert_eq!(app.post_form(&page, &page, &fields).await.status(), 303);
    // The tutor sees the teams, without the forms.
    let tutor = app.demo_client("coach@cfi.demo").await;
    let html = tutor.get(app.url(&page)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Équipe 6") && !html.contains("Former les équipes"));
}

/// An open course of hundreds: its learners are listed 200 a page, with the counts, on the
/// API and on the page; the teams shown are those of the page's learners; a page's form
/// changes that page's learners only.
#[tokio::test]
async fn an_open_course_lists_its_learners_page_by_page() {
    const MOOC: &str = "initiation-au-journalisme-mobile";
    let app = spawn_app_with(true).await;
    let before = app
        .count(
            "SELECT COUNT(*) FROM course_enrolments e JOIN courses c ON c.id = e.course_id \
         WHERE c.slug = 'initiation-au-journalisme-mobile' AND e.role = 'learner'",
        )
        .await;
    app.enrol_learners(MOOC, 450).await;
    let total = before + 450;
    let manager = app.demo_client("admin@cfi.demo").await;
    let url = |p: &str| app.url(&format!("/api/v1/courses/{MOOC}/teams{p}"));
    let first: Value = manager.get(url("")).send().await.unwrap().json().await.unwrap();
    assert_eq!(first["paging"], json!({"page": 1, "pages": 3, "per_page": 200, "total": total}));
    assert_eq!((first["placed"].as_i64(), first["team_count"].as_i64()), (Some(0), Some(0)));
    let names: Vec<&str> = first["learners"].as_array().unwrap().iter().map(|l| l["name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 200);
    assert!(names.windows(2).all(|w| w[0] <= w[1]), "by name");
    let last: Value = manager.get(url("?page=3")).send().await.unwrap().json().await.unwrap();
    assert_eq!(last["learners"].as_array().unwrap().len() as i64, total - 400);
    let beyond: Value = manager.get(url("?page=99")).send().await.unwrap().json().await.unwrap();
    assert_eq!(beyond["paging"]["page"], 3, "the last page");
    assert_eq!(manager.get(url("?page=deux")).send().await.unwrap().status(), 400);

    let r = manager.post(url("/automatic")).json(&json!({"min": 3, "max": 5})).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let second: Value = manager.get(url("?page=2")).send().await.unwrap().json().await.unwrap();
    assert_eq!(second["placed"].as_i64(), Some(total));
    let on_page: BTreeSet<i64> =
        second["learners"].as_array().unwrap().iter().map(|l| l["user_id"].as_i64().unwrap()).collect();
    for t in second["teams"].as_array().unwrap() {
        assert!(t["members"].as_array().unwrap().iter().any(|m| on_page.contains(&m["user_id"].as_i64().unwrap())));
    }

    // The page: 200 learners, the counts, the pager; its form keeps the other pages' teams.
    app.sign_in_demo("admin@cfi.demo").await;
    let page = format!("/gestion/cours/{MOOC}/equipes");
    let html = app.get(&format!("{page}?page=2")).await.text().await.unwrap();
    assert!(html.contains(&format!("Apprenants 201 à 400 sur {total}")), "{html}");
    assert!(html.contains("?page=3") && html.contains("?page=1"));
    assert_eq!(html.matches("name=\"t.").count(), 200);
    let numbers: Vec<(String, String)> = second["learners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (format!("t.{}", l["user_id"]), l["team"].to_string()))
        .collect();
    let mut fields: Vec<(&str, &str)> = numbers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    fields.extend([("min", "3"), ("max", "5"), ("page", "2")]);
    let r = app.post_form(&format!("{page}?page=2"), &page, &fields).await;
    assert_eq!(r.status(), 303);
    assert_eq!(crate::helpers::header(r.headers(), "location"), format!("{page}?fait=1&page=2"));
    let after: Value = manager.get(url("?page=2")).send().await.unwrap().json().await.unwrap();
    assert_eq!(after["placed"].as_i64(), Some(total), "nobody else lost a team");
    assert_eq!(after["learners"], second["learners"]);
}
