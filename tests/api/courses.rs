//! Courses: the demo cohort reads the open weeks of its course and waits for the others;
//! a manager builds, publishes and copies a course; anyone signed in joins an open course.

use serde_json::{json, Value};

use crate::helpers::{spawn_app_with, TestApp};

const PROGRAMME: &str = "connexions-citoyennes";
const COURSE: &str = "connexions-citoyennes-formation-en-ligne";
const MOOC: &str = "initiation-au-journalisme-mobile";

async fn phase_id(app: &TestApp, kind: &str) -> i64 {
    let p: Value = app.get(&format!("/api/v1/programmes/{PROGRAMME}")).await.json().await.unwrap();
    p["phases"].as_array().unwrap().iter().find(|ph| ph["kind"] == kind).unwrap()["id"].as_i64().unwrap()
}

/// A signed-in client for one of the 30 participants of the online course.
async fn learner(app: &TestApp) -> reqwest::Client {
    let email: String = sqlx::query_scalar(
        "SELECT u.email FROM phase_participants p JOIN users u ON u.id = p.user_id \
         JOIN programme_phases ph ON ph.id = p.phase_id WHERE ph.kind = 'online_course' ORDER BY u.id",
    )
    .fetch_one(&app.db().pool)
    .await
    .unwrap();
    app.demo_client(&email).await
}

async fn json_of(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn get(client: &reqwest::Client, app: &TestApp, path: &str) -> (u16, Value) {
    json_of(client.get(app.url(path)).send().await.unwrap()).await
}

#[tokio::test]
async fn the_cohort_reads_the_open_weeks_and_waits_for_the_others() {
    let app = spawn_app_with(true).await;
    let me = learner(&app).await;
    let (s, mine) = get(&me, &app, "/api/v1/courses").await;
    assert_eq!(s, 200);
    assert!(mine.as_array().unwrap().iter().any(|c| c["slug"] == COURSE), "{mine}");

    let (s, course) = get(&me, &app, &format!("/api/v1/courses/{COURSE}")).await;
    assert_eq!(s, 200, "{course}");
    assert_eq!(course["access"], "learner");
    assert_eq!(course["time_zone"], "Africa/Abidjan");
    let modules = course["modules"].as_array().unwrap();
    assert_eq!(modules.len(), 6);
    assert_eq!(modules[0]["title"], "Filmer et monter avec son smartphone");
    for m in &modules[..4] {
        assert_eq!(m["open"], true, "{m}");
        assert!(!m["lessons"].as_array().unwrap().is_empty());
    }
    for m in &modules[4..] {
        assert_eq!(m["open"], false, "{m}");
        assert!(m["lessons"].as_array().unwrap().is_empty(), "a closed module shows no lesson");
        assert!(m["opens_on"].is_string() && m["title"].is_string());
    }

    // A lesson of an open week, with its neighbours.
    let first = modules[0]["lessons"][0]["id"].as_i64().unwrap();
    let (s, lesson) = get(&me, &app, &format!("/api/v1/courses/{COURSE}/lessons/{first}")).await;
    assert_eq!(s, 200, "{lesson}");
    assert_eq!(lesson["title_en"], "Filming a one-minute pitch");
    assert!(lesson["html"].as_str().unwrap().contains("<strong>150 mots</strong>"));
    assert!(lesson["previous"].is_null() && lesson["next"]["id"].is_i64());

    // A lesson of week 5, known to the manager: refused with the reason.
    let manager = app.demo_client("responsable@cfi.demo").await;
    let (_, full) = get(&manager, &app, &format!("/api/v1/courses/{COURSE}")).await;
    assert_eq!(full["access"], "manager");
    let closed = full["modules"][4]["lessons"][0]["id"].as_i64().unwrap();
    let (s, err) = get(&me, &app, &format!("/api/v1/courses/{COURSE}/lessons/{closed}")).await;
    assert_eq!(s, 403);
    assert!(err["error"]["message"].as_str().unwrap().contains("pas encore ouvert"), "{err}");
    let (s, _) = get(&manager, &app, &format!("/api/v1/courses/{COURSE}/lessons/{closed}")).await;
    assert_eq!(s, 200, "managers read ahead");
    // The tutor too.
    let coach = app.demo_client("coach@cfi.demo").await;
    let (s, c) = get(&coach, &app, &format!("/api/v1/courses/{COURSE}/lessons/{closed}")).await;
    assert_eq!(s, 200, "{c}");

    // Outside the cohort: refused.
    let outsider = app.demo_client("seynabou@cfi.demo").await;
    let (s, err) = get(&outsider, &app, &format!("/api/v1/courses/{COURSE}")).await;
    assert_eq!(s, 403);
    assert!(err["error"]["message"].as_str().unwrap().contains("réservé"), "{err}");
    let (s, _) = get(&outsider, &app, &format!("/api/v1/courses/{COURSE}/lessons/{first}")).await;
    assert_eq!(s, 403);
    let (s, _) = get(&crate::helpers::client(), &app, &format!("/api/v1/courses/{COURSE}")).await;
    assert_eq!(s, 401);
    let (s, _) = get(&me, &app, "/api/v1/courses/pas-de-cours").await;
    assert_eq!(s, 404);
    let (s, _) = get(&me, &app, &format!("/api/v1/courses/{COURSE}/lessons/999999")).await;
    assert_eq!(s, 404);

    // The pages.
    let page = me.get(app.url("/cours")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Connexions citoyennes — formation en ligne") && page.contains("Mes cours"));
    let page = me.get(app.url(&format!("/cours/{COURSE}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Semaine 1 — Filmer et monter") && page.contains("Ouvert depuis le"), "{page}");
    assert!(page.contains("Semaine 6 — Présenter son projet") && page.contains("Ouvre le"));
    assert!(page.contains("GMT") && page.contains("Africa/Abidjan"));
    assert!(!page.contains(&format!("/lecons/{closed}\"")), "no link to a closed week's lesson");
    let r = me.get(app.url(&format!("/cours/{COURSE}/lecons/{first}"))).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains("<strong>150 mots</strong>") && page.contains("rel=\"next\""));
    assert!(!page.contains("<img"), "a light page");
    let r = me.get(app.url(&format!("/cours/{COURSE}/lecons/{closed}"))).send().await.unwrap();
    assert_eq!(r.status(), 403);
    assert!(r.text().await.unwrap().contains("pas encore ouvert"));
    let english = me.put(app.url("/api/v1/me/language")).json(&json!({"language": "en"})).send().await.unwrap();
    assert!(english.status().is_success());
    let page = me.get(app.url(&format!("/cours/{COURSE}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Week 1 — Filming and editing with a smartphone") && page.contains("Opens on"), "{page}");
}

#[tokio::test]
async fn a_manager_builds_publishes_and_copies_a_course() {
    let app = spawn_app_with(true).await;
    let manager = app.demo_client("responsable@cfi.demo").await;
    let coaching = phase_id(&app, "coaching").await;
    let internship = phase_id(&app, "internship").await;
    let post = |path: String, body: Value| manager.post(app.url(&path)).json(&body).send();
    let put = |path: String, body: Value| manager.put(app.url(&path)).json(&body).send();

    let create = format!("/api/v1/programmes/{PROGRAMME}/phases/{coaching}/course");
    let (s, c) = json_of(
        post(create.clone(), json!({"slug": "ressources-coaching", "title": "Ressources du coaching"})).await.unwrap(),
    )
    .await;
    assert_eq!(s, 201, "{c}");
    assert_eq!(c["status"], "draft");
    assert_eq!(c["mode"], "cohort");
    assert!(c["time_zone"].is_string());
    let (s, _) = json_of(post(create, json!({})).await.unwrap()).await;
    assert_eq!(s, 409, "one course per phase");
    let base = "/api/v1/courses/ressources-coaching";

    // Publishing an empty course is refused on the status field.
    let settings = json!({"title": "Ressources du coaching", "mode": "cohort", "status": "published", "time_zone": "Africa/Dakar"});
    let (s, err) = json_of(put(base.into(), settings.clone()).await.unwrap()).await;
    assert_eq!(s, 422);
    assert!(err["error"]["fields"]["status"].as_str().unwrap().contains("au moins un module"), "{err}");

    // Modules: dates must not go back.
    let module = |title: &str, on: &str| json!({"title": title, "opens_on": on, "opens_time": "08:00"});
    let (s, m1) = json_of(post(format!("{base}/modules"), module("Semaine 1", "2017-01-09")).await.unwrap()).await;
    assert_eq!(s, 201, "{m1}");
    let (s, err) = json_of(post(format!("{base}/modules"), module("Semaine 2", "2017-01-02")).await.unwrap()).await;
    assert_eq!(s, 422);
    assert!(err["error"]["fields"]["opens_on"].as_str().unwrap().contains("avant celui qui le précède"), "{err}");
    let (s, err) = json_of(post(format!("{base}/modules"), module("", "2017-13-01")).await.unwrap()).await;
    assert_eq!(s, 422);
    assert!(err["error"]["fields"]["title"].is_string() && err["error"]["fields"]["opens_on"].is_string());
    let (s, m2) = json_of(post(format!("{base}/modules"), module("Semaine 2", "2017-01-16")).await.unwrap()).await;
    assert_eq!(s, 201);
    let m1 = m1["id"].as_i64().unwrap();
    let m2 = m2["id"].as_i64().unwrap();
    // Moving week 2 first would put the dates out of order.
    let mut moved = module("Semaine 2", "2017-01-16");
    moved["position"] = json!(1);
    let (s, _) = json_of(put(format!("{base}/modules/{m2}"), moved).await.unwrap()).await;
    assert_eq!(s, 422);

    // Lessons: Markdown checked.
    let (s, err) = json_of(
        post(format!("{base}/modules/{m1}/lessons"), json!({"title": "Fiche", "body": "<script>alert(1)</script>"}))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 422);
    assert!(err["error"]["fields"]["body"].as_str().unwrap().contains("HTML"), "{err}");
    let lesson = json!({"title": "Fixer ses objectifs", "title_en": "Setting goals", "body": "Trois objectifs **mesurables**.", "status": "published"});
    let (s, l1) = json_of(post(format!("{base}/modules/{m1}/lessons"), lesson.clone()).await.unwrap()).await;
    assert_eq!(s, 201);
    let (s, l2) =
        json_of(post(format!("{base}/modules/{m1}/lessons"), json!({"title": "Brouillon"})).await.unwrap()).await;
    assert_eq!(s, 201);
    let (s, _) =
        json_of(post(format!("{base}/modules/{m2}/lessons"), json!({"title": "Plan d’action"})).await.unwrap()).await;
    assert_eq!(s, 201);
    // The second lesson moved first, then deleted.
    let (l1, l2) = (l1["id"].as_i64().unwrap(), l2["id"].as_i64().unwrap());
    let (s, _) = json_of(
        put(format!("{base}/modules/{m1}/lessons/{l2}"), json!({"title": "Brouillon", "position": 1})).await.unwrap(),
    )
    .await;
    assert_eq!(s, 204);
    let (_, v) = get(&manager, &app, base).await;
    let ids: Vec<i64> =
        v["modules"][0]["lessons"].as_array().unwrap().iter().map(|l| l["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [l2, l1]);
    let r = manager.delete(app.url(&format!("{base}/modules/{m1}/lessons/{l2}"))).send().await.unwrap();
    assert_eq!(r.status(), 204);
    let r = manager.delete(app.url(&format!("{base}/modules/{m2}/lessons/{l1}"))).send().await.unwrap();
    assert_eq!(r.status(), 404, "a lesson of another module");

    // Publish, then the cohort (the coaching phase has no participant) — the manager sees it.
    let (s, v) = json_of(put(base.into(), settings).await.unwrap()).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["status"], "published");
    assert_eq!(v["time_zone"], "Africa/Dakar");
    // Someone else cannot edit.
    let jury = app.demo_client("jury@cfi.demo").await;
    let r = jury.post(app.url(&format!("{base}/modules"))).json(&module("X", "2017-02-01")).send().await.unwrap();
    assert!(r.status() == 403 || r.status() == 404, "{}", r.status());

    // A published quiz in the first module, to see it copied (as a draft, without attempts).
    let r = post(
        format!("{base}/modules/{m1}/quizzes"),
        json!({"title": "Vos objectifs", "status": "published", "text": "? Un objectif se mesure ?\n+ oui\n- non"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());

    // Copy onto the internship phase, a year later: whole weeks, a draft, lessons kept.
    let (s, copy) =
        json_of(post(format!("{base}/copy"), json!({"phase": internship, "first_week": "2018-01-03"})).await.unwrap())
            .await;
    assert_eq!(s, 201, "{copy}");
    assert_eq!(copy["status"], "draft");
    assert_eq!(copy["slug"], "ressources-coaching-2018");
    let dates: Vec<&str> =
        copy["modules"].as_array().unwrap().iter().map(|m| m["opens_on"].as_str().unwrap()).collect();
    // 2017-01-09 was a Monday; the week of 2018-01-03 starts on Monday 2018-01-01.
    assert_eq!(dates, ["2018-01-01", "2018-01-08"]);
    assert_eq!(copy["modules"][0]["opens_time"], "08:00");
    assert_eq!(copy["modules"][0]["lessons"][0]["title"], "Fixer ses objectifs");
    assert_eq!(copy["modules"][1]["lessons"].as_array().unwrap().len(), 1);
    let copied: Vec<(String, String)> = sqlx::query_as(
        "SELECT q.title, q.status FROM quizzes q JOIN course_modules m ON m.id = q.module_id \
         JOIN courses c ON c.id = m.course_id WHERE c.slug = 'ressources-coaching-2018'",
    )
    .fetch_all(&app.db().pool)
    .await
    .unwrap();
    assert_eq!(copied, [("Vos objectifs".to_owned(), "draft".to_owned())], "quizzes come along, as drafts");
    let (s, _) = json_of(post(format!("{base}/copy"), json!({"phase": internship})).await.unwrap()).await;
    assert_eq!(s, 409, "the phase has its course now");
    let (s, err) = json_of(post(format!("{base}/copy"), json!({"phase": 999_999})).await.unwrap()).await;
    assert_eq!(s, 422, "{err}");

    // Deleting a module takes its lessons; the last module of a published course stays.
    let r = manager.delete(app.url(&format!("{base}/modules/{m2}"))).send().await.unwrap();
    assert_eq!(r.status(), 204);
    let r = manager.delete(app.url(&format!("{base}/modules/{m1}"))).send().await.unwrap();
    assert_eq!(r.status(), 422);
}

#[tokio::test]
async fn anyone_signed_in_joins_an_open_course_but_not_a_draft_or_a_cohort() {
    let app = spawn_app_with(true).await;
    // Someone with an account, in no course yet (the demo's Seynabou already took this one).
    let email = app.confirmed_user("mariama@example.gn").await;
    let seynabou = app.client_for(&email, crate::helpers::PASSWORD).await;
    let (s, v) = get(&seynabou, &app, &format!("/api/v1/courses/{MOOC}")).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["access"], "visitor");
    assert_eq!(v["mode"], "open");
    let lesson = v["modules"][0]["lessons"][0]["id"].as_i64().unwrap();
    let (s, err) = get(&seynabou, &app, &format!("/api/v1/courses/{MOOC}/lessons/{lesson}")).await;
    assert_eq!(s, 403);
    assert!(err["error"]["message"].as_str().unwrap().contains("Inscrivez-vous"));
    let page = seynabou.get(app.url("/cours")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Initiation au journalisme mobile"), "offered on /cours");

    let enrol = |slug: &str| seynabou.post(app.url(&format!("/api/v1/courses/{slug}/enrolment"))).send();
    assert_eq!(enrol(MOOC).await.unwrap().status(), 201);
    assert_eq!(enrol(MOOC).await.unwrap().status(), 200, "already enrolled");
    let (s, _) = get(&seynabou, &app, &format!("/api/v1/courses/{MOOC}/lessons/{lesson}")).await;
    assert_eq!(s, 200);
    let (_, mine) = get(&seynabou, &app, "/api/v1/courses").await;
    assert!(mine.as_array().unwrap().iter().any(|c| c["slug"] == MOOC));

    // A cohort course: no self-enrolment.
    let (s, err) = json_of(enrol(COURSE).await.unwrap()).await;
    assert_eq!(s, 403);
    assert!(err["error"]["message"].as_str().unwrap().contains("réservé"), "{err}");
    // An open course still a draft: neither.
    let manager = app.demo_client("responsable@cfi.demo").await;
    let coaching = phase_id(&app, "coaching").await;
    let r = manager
        .post(app.url(&format!("/api/v1/programmes/{PROGRAMME}/phases/{coaching}/course")))
        .json(&json!({"slug": "mooc-brouillon", "mode": "open"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let (s, err) = json_of(enrol("mooc-brouillon").await.unwrap()).await;
    assert_eq!(s, 403);
    assert!(err["error"]["message"].as_str().unwrap().contains("pas encore ouvert aux inscriptions"), "{err}");
    let (s, _) = get(&seynabou, &app, "/api/v1/courses/mooc-brouillon").await;
    assert_eq!(s, 404, "a draft is invisible to learners");

    // The page's button does the same.
    let page = format!("/cours/{MOOC}");
    let other_email = app.confirmed_user("fatou@example.ml").await;
    let other = app.client_for(&other_email, crate::helpers::PASSWORD).await;
    let html = other.get(app.url(&page)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("S’inscrire"));
    let csrf = crate::helpers::csrf_of(&html);
    let r = other.post(app.url(&format!("{page}/inscription"))).form(&[("csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let html = other.get(app.url(&page)).send().await.unwrap().text().await.unwrap();
    assert!(!html.contains("S’inscrire") && html.contains(&format!("/cours/{MOOC}/lecons/{lesson}")));
}

#[tokio::test]
async fn the_manager_pages_create_edit_and_keep_what_was_typed() {
    let app = spawn_app_with(true).await;
    app.sign_in_demo("responsable@cfi.demo").await;
    let programme = format!("/gestion/programmes/{PROGRAMME}");
    let html = app.get(&programme).await.text().await.unwrap();
    assert!(html.contains(&format!("/gestion/cours/{COURSE}")) && html.contains("Créer le cours"));
    assert!(html.contains("href=\"/cours\""), "the menu links to the courses");
    let coaching = phase_id(&app, "coaching").await;
    let r = app.post_form(&programme, &format!("{programme}/etapes/{coaching}/cours"), &[]).await;
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(to.starts_with("/gestion/cours/connexions-citoyennes-accompagnement-personnalise"), "{to}");
    let page = to.split('?').next().unwrap().to_owned();
    let html = app.get(&to).await.text().await.unwrap();
    assert!(html.contains("Accompagnement personnalisé") && html.contains("brouillon"));

    // A module with a bad date: the message beside the field, the title kept.
    let r = app
        .post_form(
            &page,
            &format!("{page}/modules"),
            &[("title", "Premier rendez-vous"), ("opens_on", "lundi prochain")],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("AAAA-MM-JJ") && html.contains("value=\"Premier rendez-vous\""));
    let r = app
        .post_form(
            &page,
            &format!("{page}/modules"),
            &[("title", "Premier rendez-vous"), ("opens_on", "2016-10-24"), ("opens_time", "09:00")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let html = app.get(&page).await.text().await.unwrap();
    let module: i64 = app.count("SELECT MAX(id) FROM course_modules").await;
    assert!(html.contains("value=\"2016-10-31\""), "the next module defaults to a week later");
    // A lesson, then HTML in its body: refused, the text kept.
    let r = app
        .post_form(
            &page,
            &format!("{page}/modules/{module}/lecons"),
            &[("title", "Préparer la séance"), ("kind", "text")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let editor = r.headers()["location"].to_str().unwrap().to_owned();
    let r = app
        .post_form(
            &editor,
            &editor,
            &[("title", "Préparer la séance"), ("kind", "text"), ("status", "published"), ("body", "Lire <b>ceci</b>")],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Le HTML n’est pas accepté") && html.contains("Lire &#60;b&#62;ceci"), "{html}");
    let r = app
        .post_form(
            &editor,
            &editor,
            &[("title", "Préparer la séance"), ("kind", "text"), ("status", "published"), ("body", "Lire **ceci**")],
        )
        .await;
    assert_eq!(r.status(), 303);
    // Publish with one click; the learner view shows the lesson.
    let r = app.post_form(&page, &format!("{page}/statut"), &[("status", "published")]).await;
    assert_eq!(r.status(), 303);
    let slug = page.trim_start_matches("/gestion/cours/");
    let html = app.get(&format!("/cours/{slug}")).await.text().await.unwrap();
    assert!(html.contains("Préparer la séance") && !html.contains("(brouillon)"), "{html}");
    // The course form with an empty title: refused, the other values kept.
    let r = app
        .post_form(&page, &page, &[("title", ""), ("mode", "open"), ("status", "draft"), ("time_zone", "Africa/Dakar")])
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Ce champ est obligatoire") && html.contains("value=\"open\" selected"));
}

/// The pages of a course read its structure from memory (`courses::content`, per revision
/// of the course): every kind of edit must show at once, to a learner who just read it.
#[tokio::test]
async fn a_learner_sees_every_edit_at_once() {
    let app = spawn_app_with(true).await;
    let email = app.confirmed_user("awa@example.sn").await;
    let learner = app.client_for(&email, crate::helpers::PASSWORD).await;
    let enrolled = learner.post(app.url(&format!("/api/v1/courses/{MOOC}/enrolment"))).send().await.unwrap();
    assert_eq!(enrolled.status(), 201);
    // The open course's programme is managed by the administrators.
    let manager = app.demo_client("admin@cfi.demo").await;
    let base = format!("/api/v1/courses/{MOOC}");
    let page = |path: String| {
        let learner = learner.clone();
        let url = app.url(&path);
        async move {
            let r = learner.get(url).send().await.unwrap();
            assert_eq!(r.status(), 200, "{path}");
            r.text().await.unwrap()
        }
    };
    let course_page = format!("/cours/{MOOC}");
    let (_, v) = get(&manager, &app, &base).await;
    let module = v["modules"][0].clone();
    let m = module["id"].as_i64().unwrap();
    let l = module["lessons"][0]["id"].as_i64().unwrap();
    let lesson_page = format!("/cours/{MOOC}/lecons/{l}");
    assert!(!page(lesson_page.clone()).await.contains("Relu par la rédaction"));
    assert!(!page(course_page.clone()).await.contains("Semaine revue"));

    // A lesson's body.
    let (s, lesson) = get(&manager, &app, &format!("{base}/lessons/{l}")).await;
    assert_eq!(s, 200, "{lesson}");
    let mut edited = json!({
        "title": lesson["title"], "title_en": lesson["title_en"], "kind": lesson["kind"],
        "body": format!("{}\n\nRelu par la rédaction.", lesson["body"].as_str().unwrap()),
        "body_en": lesson["body_en"], "status": "published",
    });
    let r = manager.put(app.url(&format!("{base}/modules/{m}/lessons/{l}"))).json(&edited).send().await.unwrap();
    assert_eq!(r.status(), 204);
    assert!(page(lesson_page.clone()).await.contains("Relu par la rédaction"), "the lesson page");
    let (_, read) = get(&learner, &app, &format!("{base}/lessons/{l}")).await;
    assert!(read["html"].as_str().unwrap().contains("Relu par la rédaction"), "the API");
    // Back to a draft: gone for her.
    edited["status"] = json!("draft");
    let r = manager.put(app.url(&format!("{base}/modules/{m}/lessons/{l}"))).json(&edited).send().await.unwrap();
    assert_eq!(r.status(), 204);
    let r = learner.get(app.url(&lesson_page)).send().await.unwrap();
    assert_eq!(r.status(), 404, "a draft again");

    // A module's title.
    let r = manager
        .put(app.url(&format!("{base}/modules/{m}")))
        .json(&json!({"title": "Semaine revue", "opens_on": module["opens_on"], "opens_time": module["opens_time"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204, "{}", r.text().await.unwrap());
    assert!(page(course_page.clone()).await.contains("Semaine revue"));

    // A new quiz, then without it.
    let r = manager
        .post(app.url(&format!("{base}/modules/{m}/quizzes")))
        .json(&json!({"title": "Quiz surprise", "status": "published", "text": "? Une source se vérifie ?\n+ oui\n- non"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let quiz: Value = r.json().await.unwrap();
    assert!(page(course_page.clone()).await.contains("Quiz surprise"));
    let (_, standing) = get(&learner, &app, &format!("{base}/certificate")).await;
    assert!(standing["missing"].to_string().contains("Quiz surprise"), "{standing}");
    let r = manager.delete(app.url(&format!("{base}/quizzes/{}", quiz["id"]))).send().await.unwrap();
    assert_eq!(r.status(), 204);
    assert!(!page(course_page.clone()).await.contains("Quiz surprise"));

    // The certificate rules.
    for percent in [100, 50] {
        let r = manager
            .put(app.url(&format!("{base}/certificate-rules")))
            .json(&json!({"min_quiz_percent": percent, "min_exercises": 0}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
        let (_, standing) = get(&learner, &app, &format!("{base}/certificate")).await;
        assert!(standing["missing"][0].as_str().unwrap().ends_with(&format!("/ {percent} %")), "{standing}");
    }

    // The course's title.
    let (_, v) = get(&manager, &app, &base).await;
    let r = manager
        .put(app.url(&base))
        .json(&json!({"title": "Journalisme mobile, deuxième édition", "mode": "open", "status": "published", "time_zone": v["time_zone"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    assert!(page(course_page.clone()).await.contains("Journalisme mobile, deuxième édition"));

    // Teams: none, then formed (whether a course has teams is part of what is cached).
    let (_, team) = get(&learner, &app, &format!("{base}/team")).await;
    assert!(team.is_null(), "{team}");
    let r = manager.post(app.url(&format!("{base}/teams/automatic"))).json(&json!({"min": 3, "max": 5})).send().await;
    assert_eq!(r.unwrap().status(), 200);
    let (_, team) = get(&learner, &app, &format!("{base}/team")).await;
    assert!(team["members"].as_array().is_some_and(|m| m.len() >= 3), "{team}");
    assert!(page(course_page).await.contains(&format!("Votre équipe ({})", team["number"])), "her team on her page");
}
