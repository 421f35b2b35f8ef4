//! Files answering file questions: sent through the API or a plain form, checked by their
//! content and size, read by the applicant and the call's managers only.

use serde_json::{json, Value};

use crate::helpers::{client, header, spawn_app_with, TestApp, PASSWORD};

const CALL: &str = "connexions-citoyennes-prochaine-promotion";

/// A small but real PDF.
fn pdf(extra: usize) -> Vec<u8> {
    let mut v = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n".to_vec();
    v.extend(std::iter::repeat_n(b'%', extra));
    v.extend_from_slice(b"\n%%EOF\n");
    v
}

fn complete() -> Value {
    json!({
        "q1": "2000-04-02", "q2": "SN", "q3": "female", "q4": "Radio citoyenne de Pikine",
        "q5": "Une radio de quartier pour informer les jeunes.", "q6": "no", "q10": ["fr"], "q12": "Fondatrice",
        "q14": "idea", "q15": "Les jeunes de Pikine.", "q19": "yes", "q20": "Trouver des financements."
    })
}

async fn upload(who: &reqwest::Client, app: &TestApp, question: &str, name: &str, bytes: Vec<u8>) -> reqwest::Response {
    who.post(app.url(&format!("/api/v1/calls/{CALL}/application/files/{question}?name={name}")))
        .header("content-type", "application/octet-stream")
        .body(bytes)
        .send()
        .await
        .unwrap()
}

async fn applicant(app: &TestApp, email: &str) -> reqwest::Client {
    app.confirmed_user(email).await;
    let who = client();
    who.post(app.url("/api/v1/session")).json(&json!({"email": email, "password": PASSWORD})).send().await.unwrap();
    who
}

#[tokio::test]
async fn an_applicant_sends_a_file_that_only_she_and_the_managers_can_read() {
    let app = spawn_app_with(true).await;
    let awa = applicant(&app, "awa@example.sn").await;
    let bytes = pdf(2000);
    let r = upload(&awa, &app, "q21", "Pr%C3%A9sentation%20Pikine.pdf", bytes.clone()).await;
    assert_eq!(r.status(), 201);
    let file: Value = r.json().await.unwrap();
    assert_eq!(file["type"], "pdf");
    assert_eq!(file["name"], "Présentation Pikine.pdf");
    assert_eq!(file["size"], bytes.len());
    let id = file["id"].as_str().unwrap().to_owned();

    let mut answers = complete();
    answers["q21"] = json!(id);
    let url = app.url(&format!("/api/v1/calls/{CALL}/application"));
    let r = awa.put(&url).json(&json!({"revision": 0, "answers": answers})).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let mine: Value = r.json().await.unwrap();
    assert_eq!(mine["files"][0]["id"], id.as_str());
    let r = awa.post(format!("{url}/submit")).json(&json!({"revision": mine["revision"]})).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let receipt = r.json::<Value>().await.unwrap()["receipt"].as_str().unwrap().to_owned();
    let mail = app.last_mail("awa@example.sn", &receipt).await;
    assert!(mail.contains("Présentation Pikine.pdf"), "the receipt names the file: {mail}");

    // She reads it back, byte for byte, as a download.
    let r = awa.get(app.url(&format!("/fichiers/{id}"))).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(header(r.headers(), "content-type"), "application/pdf");
    assert!(header(r.headers(), "content-disposition").starts_with("attachment;"));
    assert_eq!(r.bytes().await.unwrap().as_ref(), bytes.as_slice());

    // Another applicant can neither read it nor claim it as her own answer.
    let kofi = applicant(&app, "kofi@example.tg").await;
    let r = kofi.get(app.url(&format!("/api/v1/files/{id}"))).send().await.unwrap();
    assert_eq!(r.status(), 404);
    let r =
        kofi.put(&url).json(&json!({"revision": 0, "answers": {"q4": "Mon projet", "q21": id}})).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let err: Value = r.json().await.unwrap();
    assert!(err["error"]["fields"]["q21"].as_str().unwrap().contains("envoyés"), "{err}");
    let r = client().get(app.url(&format!("/api/v1/files/{id}"))).send().await.unwrap();
    assert_eq!(r.status(), 401, "signed out");

    // The call's manager reads it, sees it in the application and in the exports.
    let manager = client();
    manager
        .post(app.url("/api/v1/session"))
        .json(&json!({"email": "responsable@cfi.demo", "password": tremplin::demo::DEMO_PASSWORD}))
        .send()
        .await
        .unwrap();
    let r = manager.get(app.url(&format!("/api/v1/files/{id}"))).send().await.unwrap();
    assert_eq!(r.status(), 200);
    // Compressed on the way (the stream ends once, whatever the compression layer does).
    for encoding in ["gzip", "br"] {
        let r = manager
            .get(app.url(&format!("/api/v1/files/{id}")))
            .header("accept-encoding", encoding)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert!(!r.bytes().await.expect("the whole body arrives").is_empty());
    }
    let csv = manager
        .get(app.url(&format!("/gestion/appels/{CALL}/candidatures.csv")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let line = csv.lines().find(|l| l.contains("Radio citoyenne de Pikine")).unwrap_or_default();
    assert!(
        line.contains("Présentation Pikine.pdf (2 Ko) http") && line.contains(&format!("/fichiers/{id}")),
        "{line}"
    );
    let anonymous = manager
        .get(app.url(&format!("/gestion/appels/{CALL}/candidatures.csv?anonyme=1")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!anonymous.contains("Pikine.pdf") && anonymous.contains("PDF (2 Ko)"), "a file's name may name a person");

    // Deleting her account removes nothing the programme keeps: the file answers a
    // non-identifying question of a sent application.
    let r = awa.get(app.url("/api/v1/me/data")).send().await.unwrap();
    let data: Value = r.json().await.unwrap();
    assert_eq!(data["applications"][0]["files"][0]["name"], "Présentation Pikine.pdf");
}

#[tokio::test]
async fn wrong_files_are_refused_in_her_language_and_the_draft_is_kept() {
    let app = spawn_app_with(true).await;
    let awa = applicant(&app, "awa@example.sn").await;
    let url = app.url(&format!("/api/v1/calls/{CALL}/application"));
    let r = awa.put(&url).json(&json!({"revision": 0, "answers": {"q4": "Radio citoyenne"}})).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let files_before = app.count("SELECT COUNT(*) FROM attachments").await;

    let cases: [(&str, &str, Vec<u8>, &str); 5] = [
        ("q21", "cv.pdf", b"MZ\x90\0 an executable renamed".to_vec(), "type de fichier"),
        ("q21", "gros.pdf", pdf(5 * 1024 * 1024 + 1), "taille maximale"),
        ("q21", "vide.pdf", vec![], "vide"),
        ("q4", "a.pdf", pdf(10), "type de fichier"),
        ("q999", "a.pdf", pdf(10), "ne fait pas partie du formulaire"),
    ];
    for (question, name, bytes, message) in cases {
        let r = upload(&awa, &app, question, name, bytes).await;
        assert_eq!(r.status(), 422, "{name} for {question}");
        let err: Value = r.json().await.unwrap();
        let said = err["error"]["fields"][question].as_str().unwrap_or_default();
        assert!(said.contains(message), "{name}: {err}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM attachments").await, files_before, "no row for a refused file");
    let leftovers = std::fs::read_dir(app.data_dir.join("attachments"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().starts_with('.'))
        .count();
    assert_eq!(leftovers, 0, "no partial file left on disk");
    // In English for an English reader.
    let r = awa.put(app.url("/api/v1/me/language")).json(&json!({"language": "en"})).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let r = upload(&awa, &app, "q21", "x.pdf", b"GIF89a".to_vec()).await;
    let err: Value = r.json().await.unwrap();
    assert!(err["error"]["fields"]["q21"].as_str().unwrap().contains("type of file"), "{err}");
    // A made-up file id in the answers.
    let r = awa
        .put(&url)
        .json(&json!({"revision": 1, "answers": {"q4": "Radio", "q21": "0123456789abcdef0123456789abcdef"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let mine: Value = awa.get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(mine["answers"]["q4"], "Radio citoyenne", "the draft is intact");
    assert_eq!(mine["revision"], 1);
}

#[tokio::test]
async fn the_page_sends_files_without_javascript() {
    let app = spawn_app_with(true).await;
    let email = app.confirmed_user("awa@example.sn").await;
    app.post_form("/connexion", "/connexion", &[("email", &email), ("password", PASSWORD)]).await;
    let page = format!("/appels/{CALL}/candidature");
    let html = app.get(&page).await.text().await.unwrap();
    assert!(html.contains("enctype=\"multipart/form-data\""), "a form with a file question is multipart");
    assert!(html.contains("accept=\".pdf,application/pdf,.docx,.odt\""));
    assert!(html.contains("PDF, DOCX/ODT — 5 Mo au plus."));
    let csrf = crate::helpers::csrf_of(&html);
    let post = |q4: &'static str, name: &'static str, bytes: Vec<u8>| {
        let form = reqwest::multipart::Form::new()
            .text("csrf", csrf.clone())
            .text("revision", "0")
            .text("action", "save")
            .text("a.q4", q4)
            .text("a.q21", "")
            .part("f.q21", reqwest::multipart::Part::bytes(bytes).file_name(name));
        app.client.post(app.url(&format!("{page}?csrf={csrf}"))).multipart(form).send()
    };
    let r = post("Radio citoyenne", "projet.pdf", pdf(100)).await.unwrap();
    assert_eq!(r.status(), 303);
    let mine: Value = app.get(&format!("/api/v1/calls/{CALL}/application")).await.json().await.unwrap();
    assert_eq!(mine["answers"]["q4"], "Radio citoyenne");
    assert_eq!(mine["answers"]["q21"], mine["files"][0]["id"]);
    let html = app.get(&page).await.text().await.unwrap();
    assert!(html.contains("projet.pdf ("), "the page names the file sent");

    // A wrong file: the other answers are saved all the same and the page says what to fix.
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .text("revision", "1")
        .text("action", "submit")
        .text("a.q4", "Radio citoyenne de Pikine")
        .part("f.q21", reqwest::multipart::Part::bytes(b"not a pdf".to_vec()).file_name("faux.pdf"));
    let r = app.client.post(app.url(&format!("{page}?csrf={csrf}"))).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("Ce type de fichier n’est pas accepté"), "{html}");
    let mine: Value = app.get(&format!("/api/v1/calls/{CALL}/application")).await.json().await.unwrap();
    assert_eq!(mine["answers"]["q4"], "Radio citoyenne de Pikine");
    assert_eq!(mine["status"], "draft", "not submitted with a refused file");
    // Without the token in the address, a multipart post is refused.
    let form = reqwest::multipart::Form::new().text("csrf", csrf.clone()).text("action", "save");
    let r = app.client.post(app.url(&page)).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn managers_add_file_questions_with_types_and_a_size_limit() {
    let app = spawn_app_with(true).await;
    app.sign_in_demo("responsable@cfi.demo").await;
    let builder = format!("/gestion/appels/{CALL}/formulaire");
    let html = app.get(&builder).await.text().await.unwrap();
    assert!(html.contains("value=\"file\"") && html.contains("name=\"file_type\" value=\"pdf\""));
    let version: Value = app.get(&format!("/api/v1/calls/{CALL}/form")).await.json().await.unwrap();
    let v = version["version"].as_i64().unwrap().to_string();
    let action = format!("{builder}/questions");
    let r = app
        .post_form(&builder, &action, &[("version", &v), ("kind", "file"), ("label", "Photo"), ("max_mb", "50")])
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Cochez au moins un type") && html.contains("entre 1 et 20 Mo"), "{html}");
    let r = app
        .post_form(
            &builder,
            &action,
            &[
                ("version", &v),
                ("kind", "file"),
                ("label", "Photo du projet"),
                ("file_type", "jpeg"),
                ("file_type", "png"),
                ("max_mb", "2"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let form: Value = app.get(&format!("/api/v1/calls/{CALL}/form")).await.json().await.unwrap();
    let last = form["form"]["sections"].as_array().unwrap().last().unwrap()["questions"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["kind"], json!({"type": "file", "types": ["jpeg", "png"], "max_bytes": 2 * 1024 * 1024}));
}
