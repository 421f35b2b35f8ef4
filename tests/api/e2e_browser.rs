//! End to end in a real browser: headless Chromium driven over WebDriver (fantoccini).
//! Needs Debian's `chromium` and `chromium-driver`, which `scripts/test.sh` installs.
//! Set TREMPLIN_SKIP_BROWSER=1 to skip it on a machine without them.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{ClientBuilder, Locator};
use serde_json::json;

use crate::helpers::{spawn_app, PASSWORD};

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn browser() -> (Driver, fantoccini::Client, tempdir::Dir) {
    let port = free_port();
    let driver = Command::new(std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into()))
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver is installed (Debian package chromium-driver), or set TREMPLIN_SKIP_BROWSER=1");
    let driver = Driver(driver);
    let profile = tempdir::Dir::new();
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                     "--window-size=390,844", "--lang=fr-FR", format!("--user-data-dir={}", profile.0.display())],
            "prefs": {"intl.accept_languages": "fr-FR,fr"}
        }),
    );
    let mut last_err = None;
    for _ in 0..50 {
        match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(c) => return (driver, c, profile),
            Err(e) => {
                last_err = Some(e);
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
    panic!("cannot start a WebDriver session: {last_err:?}");
}

mod tempdir {
    pub struct Dir(pub std::path::PathBuf);
    impl Dir {
        pub fn new() -> Dir {
            let p = std::env::temp_dir().join(format!("tremplin-chromium-{}", uuid::Uuid::new_v4().simple()));
            std::fs::create_dir_all(&p).unwrap();
            Dir(p)
        }
    }
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

async fn fill(c: &fantoccini::Client, css: &str, text: &str) {
    c.find(Locator::Css(css)).await.unwrap().send_keys(text).await.unwrap();
}

/// The e-mail address of the demo online course's first learner.
async fn first_learner(app: &crate::helpers::TestApp) -> String {
    sqlx::query_scalar(
        "SELECT u.email FROM phase_participants p JOIN users u ON u.id = p.user_id \
         JOIN programme_phases ph ON ph.id = p.phase_id WHERE ph.kind = 'online_course' ORDER BY u.id LIMIT 1",
    )
    .fetch_one(&app.db().pool)
    .await
    .unwrap()
}

/// Signs in on the sign-in page at `url` (with its `next`).
async fn sign_in(c: &fantoccini::Client, url: &str, email: &str, password: &str) {
    c.goto(url).await.unwrap();
    fill(c, "#email", email).await;
    fill(c, "#password", password).await;
    c.find(Locator::Css("main form:last-of-type button")).await.unwrap().click().await.unwrap();
}

async fn text_of_page(c: &fantoccini::Client) -> String {
    c.find(Locator::Css("body")).await.unwrap().text().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_registers_confirms_signs_in_and_switches_to_english_in_a_real_browser() {
    if std::env::var("TREMPLIN_SKIP_BROWSER").is_ok_and(|v| v == "1") {
        eprintln!("browser test skipped (TREMPLIN_SKIP_BROWSER=1)");
        return;
    }
    let app = spawn_app().await;
    let (_driver, c, _profile) = browser().await;

    // Register through the visible form.
    c.goto(&app.url("/")).await.unwrap();
    c.find(Locator::Css("header a[href='/inscription']")).await.unwrap().click().await.unwrap();
    fill(&c, "#name", "Seynabou Sy Ndiaye").await;
    fill(&c, "#email", "seynabou@example.sn").await;
    fill(&c, "#password", PASSWORD).await;
    c.find(Locator::Css("main form button")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::XPath("//h1[contains(., 'Vérifiez votre boîte e-mail')]")).await.unwrap();

    // Open the confirmation link from the outbox.
    let token = app.token_from_mail("seynabou@example.sn", "Confirmez").await;
    c.goto(&app.url(&format!("/confirmation?jeton={token}"))).await.unwrap();
    assert!(text_of_page(&c).await.contains("Adresse confirmée"));

    // Sign in.
    c.find(Locator::Css("main a.button")).await.unwrap().click().await.unwrap();
    fill(&c, "#email", "seynabou@example.sn").await;
    fill(&c, "#password", PASSWORD).await;
    c.find(Locator::Css("main form:last-of-type button")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::XPath("//h1[contains(., 'Mon compte')]")).await.unwrap();
    assert!(text_of_page(&c).await.contains("Seynabou Sy Ndiaye"));

    // Switch to English from the footer.
    c.find(Locator::Css("footer button[name=lang]")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::XPath("//h1[contains(., 'My account')]")).await.unwrap();
    let lang = c.find(Locator::Css("html")).await.unwrap().attr("lang").await.unwrap();
    assert_eq!(lang.as_deref(), Some("en"));
    let me: serde_json::Value =
        sqlx::query_scalar::<_, String>("SELECT locale FROM users WHERE email = 'seynabou@example.sn'")
            .fetch_one(&app.db().pool)
            .await
            .map(serde_json::Value::String)
            .unwrap();
    assert_eq!(me, "en", "the choice is kept in the account");

    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_edits_a_programme_and_finds_it_by_search_in_a_real_browser() {
    if std::env::var("TREMPLIN_SKIP_BROWSER").is_ok_and(|v| v == "1") {
        eprintln!("browser test skipped (TREMPLIN_SKIP_BROWSER=1)");
        return;
    }
    let app = crate::helpers::spawn_app_with(true).await;
    let (_driver, c, _profile) = browser().await;
    sign_in(&c, &app.url("/connexion"), "responsable@cfi.demo", tremplin::demo::DEMO_PASSWORD).await;
    c.wait().for_element(Locator::XPath("//h1[contains(., 'Mon compte')]")).await.unwrap();

    // From the account page to the programme's edit form.
    c.find(Locator::Css("main a[href='/gestion']")).await.unwrap().click().await.unwrap();
    c.find(Locator::Css("main a[href='/gestion/programmes/connexions-citoyennes']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let mission = c.wait().for_element(Locator::Css("#mission")).await.unwrap();
    mission.clear().await.unwrap();
    mission.send_keys("Faire pousser des projets citoyens comme des baobabs").await.unwrap();
    c.find(Locator::Css("main form.wide button")).await.unwrap().click().await.unwrap();
    c.wait()
        .for_element(Locator::XPath("//p[@role='status' and contains(., 'Modifications enregistrées')]"))
        .await
        .unwrap();

    // A visitor's search finds it at once.
    c.find(Locator::Css("header a[href='/recherche']")).await.unwrap().click().await.unwrap();
    fill(&c, "#q", "baobab").await;
    c.find(Locator::Css("main form[role=search] button")).await.unwrap().click().await.unwrap();
    let link =
        c.wait().for_element(Locator::Css("ol.results a[href='/programmes/connexions-citoyennes']")).await.unwrap();
    assert!(text_of_page(&c).await.contains("baobabs"));
    link.click().await.unwrap();
    c.wait().for_element(Locator::XPath("//p[@class='mission' and contains(., 'baobabs')]")).await.unwrap();
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_draft_saves_itself_as_the_applicant_types_in_a_real_browser() {
    if std::env::var("TREMPLIN_SKIP_BROWSER").is_ok_and(|v| v == "1") {
        eprintln!("browser test skipped (TREMPLIN_SKIP_BROWSER=1)");
        return;
    }
    let app = crate::helpers::spawn_app_with(true).await;
    let email = app.confirmed_user("typing@example.sn").await;
    let (_driver, c, _profile) = browser().await;
    sign_in(
        &c,
        &app.url("/connexion?next=/appels/connexions-citoyennes-prochaine-promotion/candidature"),
        &email,
        PASSWORD,
    )
    .await;
    let title = c.wait().for_element(Locator::Css("#q4")).await.unwrap();
    title.send_keys("Radio des jeunes de Thiès").await.unwrap();
    c.find(Locator::Css("fieldset[data-multiple=q10] input[value=fr]")).await.unwrap().click().await.unwrap();
    // No button pressed: the script saves in the background and says so.
    c.wait()
        .for_element(Locator::XPath("//p[@id='autosave-status' and contains(., 'Brouillon enregistré')]"))
        .await
        .unwrap();
    let saved: String = sqlx::query_scalar("SELECT answers FROM applications WHERE id = (SELECT a.id FROM applications a JOIN users u ON u.id = a.user_id WHERE u.email = 'typing@example.sn')").fetch_one(&app.db().pool).await.unwrap();
    let saved: serde_json::Value = serde_json::from_str(&saved).unwrap();
    assert_eq!(saved["q4"], "Radio des jeunes de Thiès");
    assert_eq!(saved["q10"], json!(["fr"]));
    c.close().await.unwrap();
}

/// A TCP relay between the browser and the server that the test can cut: while cut, every
/// open connection is dropped and new ones are refused, as when a phone loses the network.
mod flaky_network {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    use tokio::net::{TcpListener, TcpStream};
    use tokio::sync::watch;

    pub struct Relay {
        pub port: u16,
        down: Arc<AtomicBool>,
        cut: watch::Sender<u64>,
    }

    impl Relay {
        pub async fn start(upstream: String) -> Relay {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let port = listener.local_addr().unwrap().port();
            let down = Arc::new(AtomicBool::new(false));
            let (cut, _) = watch::channel(0u64);
            let (flag, cuts) = (down.clone(), cut.subscribe());
            tokio::spawn(async move {
                while let Ok((mut inbound, _)) = listener.accept().await {
                    if flag.load(Ordering::SeqCst) {
                        drop(inbound); // refused: no network
                        continue;
                    }
                    let upstream = upstream.clone();
                    let mut cuts = cuts.clone();
                    cuts.borrow_and_update(); // only a cut from now on drops this connection
                    tokio::spawn(async move {
                        let Ok(mut outbound) = TcpStream::connect(&upstream).await else { return };
                        tokio::select! {
                            _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                            _ = cuts.changed() => {} // the network went down: drop both ends
                        }
                    });
                }
            });
            Relay { port, down, cut }
        }

        pub fn go_offline(&self) {
            self.down.store(true, Ordering::SeqCst);
            self.cut.send_modify(|n| *n += 1);
        }

        pub fn go_online(&self) {
            self.down.store(false, Ordering::SeqCst);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_applicant_loses_the_network_mid_form_continues_and_submits_in_a_real_browser() {
    if std::env::var("TREMPLIN_SKIP_BROWSER").is_ok_and(|v| v == "1") {
        eprintln!("browser test skipped (TREMPLIN_SKIP_BROWSER=1)");
        return;
    }
    let app = crate::helpers::spawn_app_with(true).await;
    let email = app.confirmed_user("reseau@example.ml").await;
    let relay = flaky_network::Relay::start(app.base.trim_start_matches("http://").to_owned()).await;
    let base = format!("http://127.0.0.1:{}", relay.port);
    let page = "/appels/connexions-citoyennes-prochaine-promotion/candidature";
    let (_driver, c, _profile) = browser().await;
    sign_in(&c, &format!("{base}/connexion?next={page}"), &email, PASSWORD).await;
    c.wait().for_element(Locator::Css("#q4")).await.unwrap().send_keys("Cartes citoyennes de Ségou").await.unwrap();
    c.wait()
        .for_element(Locator::XPath("//p[@id='autosave-status' and contains(., 'Brouillon enregistré')]"))
        .await
        .unwrap();
    let saved = |app: &crate::helpers::TestApp| {
        let pool = app.db().pool.clone();
        async move {
            let (answers, status): (String, String) = sqlx::query_as(
                "SELECT a.answers, a.status FROM applications a JOIN users u ON u.id = a.user_id \
                 WHERE u.email = 'reseau@example.ml'",
            )
            .fetch_one(&pool)
            .await
            .unwrap();
            (serde_json::from_str::<serde_json::Value>(&answers).unwrap(), status)
        }
    };
    assert_eq!(saved(&app).await.0["q4"], "Cartes citoyennes de Ségou");

    // The network goes down. She goes on typing; the page says her answers are kept here.
    relay.go_offline();
    fill(&c, "#q5", "Une carte en ligne des services publics de Ségou, tenue à jour par les jeunes du quartier.").await;
    fill(&c, "#q12", "Coordinatrice").await;
    c.wait()
        .for_element(Locator::XPath("//p[@id='autosave-status' and contains(., 'Pas de connexion')]"))
        .await
        .unwrap();
    assert!(saved(&app).await.0.get("q5").is_none(), "nothing reached the server while offline");

    // The network comes back; she opens the page again: what she typed offline returns
    // from the phone and is saved, then she completes the form and submits.
    relay.go_online();
    // Like a person on a phone, reload until the page comes (the browser may first try a
    // connection that died with the network).
    for _ in 0..10 {
        c.goto(&format!("{base}{page}")).await.unwrap();
        if c.find(Locator::Css("#autosave-status")).await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    c.wait()
        .for_element(Locator::XPath("//p[@id='autosave-status' and contains(., 'Brouillon enregistré')]"))
        .await
        .unwrap();
    let (answers, _) = saved(&app).await;
    assert_eq!(answers["q12"], "Coordinatrice", "the offline answers were kept and sent: {answers}");
    assert!(answers["q5"].as_str().unwrap().starts_with("Une carte en ligne"));
    // Date and list inputs are set directly (typing into them depends on the browser's locale).
    c.execute(
        "document.getElementById('q1').value = '2001-06-15'; document.getElementById('q2').value = 'ML';",
        vec![],
    )
    .await
    .unwrap();
    for css in ["input[name='a.q6'][value=no]", "input[name='a.q10'][value=fr]", "input[name='a.q14'][value=idea]"] {
        c.find(Locator::Css(css)).await.unwrap().click().await.unwrap();
    }
    c.find(Locator::Css("input[name='a.q19'][value=yes]")).await.unwrap().click().await.unwrap();
    fill(&c, "#q15", "Les 40 000 jeunes de Ségou.").await;
    fill(&c, "#q20", "Apprendre à convaincre la mairie.").await;
    c.find(Locator::Css("button[name=action][value=submit]")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::XPath("//*[contains(., 'Numéro de reçu')]")).await.unwrap();
    let (answers, status) = saved(&app).await;
    assert_eq!(status, "submitted");
    assert_eq!(answers["q12"], "Coordinatrice");
    assert_eq!(answers["q20"], "Apprendre à convaincre la mairie.");
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reviewer_scores_blind_in_a_real_browser() {
    if std::env::var("TREMPLIN_SKIP_BROWSER").is_ok_and(|v| v == "1") {
        eprintln!("browser test skipped (TREMPLIN_SKIP_BROWSER=1)");
        return;
    }
    let app = crate::helpers::spawn_app_with(true).await;
    let (_driver, c, _profile) = browser().await;
    sign_in(&c, &app.url("/connexion?next=/evaluations"), "jury@cfi.demo", tremplin::demo::DEMO_PASSWORD).await;
    c.wait().for_element(Locator::Css("main ul.cards a")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::Css("main ol a")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::Css("fieldset#pertinence")).await.unwrap();
    let url = c.current_url().await.unwrap();
    let application: i64 = url.path().rsplit('/').next().unwrap().parse().unwrap();
    let (name, email): (String, String) =
        sqlx::query_as("SELECT u.name, u.email FROM applications a JOIN users u ON u.id = a.user_id WHERE a.id = $1")
            .bind(application)
            .fetch_one(&app.db().pool)
            .await
            .unwrap();
    let text = text_of_page(&c).await;
    assert!(text.contains("Évaluation à l’aveugle"), "{text}");
    assert!(!text.contains(&name) && !text.contains(&email), "nothing identifying on the page");
    for (criterion, score) in [("pertinence", 4), ("faisabilite", 3), ("impact", 5), ("motivation", 4)] {
        c.find(Locator::Css(&format!("input[name='s.{criterion}'][value='{score}']")))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }
    fill(&c, "#comment", "Un projet utile, bien pensé pour le quartier.").await;
    c.find(Locator::Css("button[name=action][value=submit]")).await.unwrap().click().await.unwrap();
    // On to the next application, the first one recorded.
    c.wait().for_element(Locator::XPath("//p[contains(., 'Évaluation enregistrée')]")).await.unwrap();
    let (status, score): (String, Option<i64>) = sqlx::query_as(
        "SELECT r.status, r.score_milli FROM reviews r JOIN reviewers v ON v.id = r.reviewer_id \
         WHERE v.email = 'jury@cfi.demo' AND r.application_id = $1",
    )
    .bind(application)
    .fetch_one(&app.db().pool)
    .await
    .unwrap();
    assert_eq!(status, "submitted");
    assert!(score.unwrap() > 70_000);
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_proposes_and_confirms_the_selection_in_a_real_browser() {
    if std::env::var("TREMPLIN_SKIP_BROWSER").is_ok_and(|v| v == "1") {
        eprintln!("browser test skipped (TREMPLIN_SKIP_BROWSER=1)");
        return;
    }
    let app = crate::helpers::spawn_app_with(true).await;
    let (_driver, c, _profile) = browser().await;
    let page = "/gestion/appels/connexions-citoyennes-prochaine-promotion/selection";
    sign_in(&c, &app.url(&format!("/connexion?next={page}")), "responsable@cfi.demo", tremplin::demo::DEMO_PASSWORD)
        .await;
    let women = c.wait().for_element(Locator::Css("#women_min")).await.unwrap();
    women.clear().await.unwrap();
    women.send_keys("50").await.unwrap();
    c.find(Locator::Css("button[name=action][value=propose]")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::Css("button[name=action][value=confirm]")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::XPath("//p[contains(., 'Sélection confirmée')]")).await.unwrap();
    let women: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM decisions d JOIN applications a ON a.id = d.application_id \
         WHERE d.decision = 'selected' AND a.answers LIKE '%\"q3\":\"female\"%'",
    )
    .fetch_one(&app.db().pool)
    .await
    .unwrap();
    assert!(women >= 15, "half of 30 at least: {women}");
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_learner_reads_a_kept_lesson_with_no_network_in_a_real_browser() {
    if std::env::var("TREMPLIN_SKIP_BROWSER").is_ok_and(|v| v == "1") {
        eprintln!("browser test skipped (TREMPLIN_SKIP_BROWSER=1)");
        return;
    }
    let app = crate::helpers::spawn_app_with(true).await;
    let email = first_learner(&app).await;
    let relay = flaky_network::Relay::start(app.base.trim_start_matches("http://").to_owned()).await;
    let base = format!("http://127.0.0.1:{}", relay.port);
    let course = "/cours/connexions-citoyennes-formation-en-ligne";
    let (_driver, c, _profile) = browser().await;
    sign_in(&c, &format!("{base}/connexion?next={course}"), &email, tremplin::demo::DEMO_PASSWORD).await;
    // On the course page, the phone keeps the open lessons and says so.
    c.wait()
        .for_element(Locator::XPath("//p[@id='offline-status' and contains(., 'gardées sur ce téléphone')]"))
        .await
        .unwrap();
    let lesson = c
        .find(Locator::XPath("//a[@data-offline and contains(., 'Dessiner la carte de ses parties prenantes')]"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();

    // On the bus: no network. The lesson she never opened reads from the phone, with its
    // diagram's link; a page never kept shows what can be read.
    relay.go_offline();
    c.goto(&format!("{base}{lesson}")).await.unwrap();
    c.wait().for_element(Locator::Css("article h1")).await.unwrap();
    let text = text_of_page(&c).await;
    assert!(text.contains("Dessiner la carte de ses parties prenantes"), "{text}");
    c.goto(&format!("{base}/rapport/2016")).await.unwrap();
    c.wait()
        .for_element(Locator::XPath("//ul[@id='kept-pages']/li/a[contains(., 'Dessiner la carte')]"))
        .await
        .unwrap();
    assert!(text_of_page(&c).await.contains("Pas de réseau"));
    relay.go_online();
    c.goto(&format!("{base}/rapport/2016")).await.unwrap();
    c.wait().for_element(Locator::Css("main h1")).await.unwrap();
    assert!(!text_of_page(&c).await.contains("Pas de réseau"), "back online, the real page");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_learner_answers_offline_and_her_work_is_sent_when_the_network_returns_in_a_real_browser() {
    if std::env::var("TREMPLIN_SKIP_BROWSER").is_ok_and(|v| v == "1") {
        eprintln!("browser test skipped (TREMPLIN_SKIP_BROWSER=1)");
        return;
    }
    let app = crate::helpers::spawn_app_with(true).await;
    let course = "connexions-citoyennes-formation-en-ligne";
    // This week's written exercise, added by the manager.
    let manager = app.demo_client("responsable@cfi.demo").await;
    let module: i64 = sqlx::query_scalar(
        "SELECT m.id FROM course_modules m JOIN courses c ON c.id = m.course_id WHERE c.slug = $1 AND m.position = 4",
    )
    .bind(course)
    .fetch_one(&app.db().pool)
    .await
    .unwrap();
    let due = jiff::Timestamp::now()
        .checked_add(jiff::SignedDuration::from_hours(48))
        .unwrap()
        .to_zoned(jiff::tz::TimeZone::UTC);
    let r = manager
        .post(app.url(&format!("/api/v1/courses/{course}/modules/{module}/exercises")))
        .json(&json!({"title": "Décrivez votre public", "due_on": due.date().to_string(), "due_time": "23:00", "status": "published"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let exercise = r.json::<serde_json::Value>().await.unwrap()["id"].as_i64().unwrap();
    let email = first_learner(&app).await;

    let relay = flaky_network::Relay::start(app.base.trim_start_matches("http://").to_owned()).await;
    let base = format!("http://127.0.0.1:{}", relay.port);
    let (_driver, c, _profile) = browser().await;
    sign_in(&c, &format!("{base}/connexion?next=/cours/{course}"), &email, tremplin::demo::DEMO_PASSWORD).await;
    // The course page keeps the open lessons and exercises on the phone.
    c.wait()
        .for_element(Locator::XPath("//p[@id='offline-status' and contains(., 'gardées sur ce téléphone')]"))
        .await
        .unwrap();
    let lesson =
        c.find(Locator::Css("a[data-offline][href*='/lecons/']")).await.unwrap().attr("href").await.unwrap().unwrap();

    // On the bus: she reads a lesson kept on the phone, then writes her answer.
    relay.go_offline();
    c.goto(&format!("{base}{lesson}")).await.unwrap();
    c.wait().for_element(Locator::Css("article h1")).await.unwrap();
    c.goto(&format!("{base}/cours/{course}/exercices/{exercise}")).await.unwrap();
    c.wait().for_element(Locator::Css("textarea#text")).await.unwrap();
    fill(&c, "#text", "Les jeunes du quartier, surtout les lycéennes, qui n’ont pas accès aux services.").await;
    c.find(Locator::Css("button[value='send']")).await.unwrap().click().await.unwrap();
    c.wait()
        .for_element(Locator::XPath("//p[@id='queue-status' and contains(., 'En attente d’envoi')]"))
        .await
        .unwrap();
    let sent = format!("SELECT COUNT(*) FROM submissions WHERE exercise_id = {exercise}");
    assert_eq!(app.count(&sent).await, 0, "nothing reached the server offline");

    // The network comes back: the work leaves by itself and the page says it was sent.
    relay.go_online();
    c.wait()
        .at_most(Duration::from_secs(40))
        .for_element(Locator::XPath("//p[@class='ok' and contains(., 'Travail envoyé')]"))
        .await
        .unwrap();
    let text: String =
        sqlx::query_scalar(&format!("SELECT work FROM submissions WHERE exercise_id = {exercise} AND state = 'sent'"))
            .fetch_one(&app.db().pool)
            .await
            .unwrap();
    assert!(text.contains("lycéennes"), "{text}");
    assert!(text_of_page(&c).await.contains("Envoyé le"));
    c.close().await.unwrap();
}
