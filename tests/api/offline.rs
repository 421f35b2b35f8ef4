//! Offline reading: the service worker and the offline page it falls back to.

use crate::helpers::spawn_app_with;

#[tokio::test]
async fn the_service_worker_is_served_fresh_with_its_shell() {
    let app = spawn_app_with(true).await;
    let r = app.get("/sw.js").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/javascript; charset=utf-8");
    assert_eq!(r.headers()["cache-control"], "no-cache", "a release must reach the phones");
    let sw = r.text().await.unwrap();
    assert!(!sw.contains("__SHELL__") && !sw.contains("__VERSION__"));
    let home = app.get("/").await.text().await.unwrap();
    let css = home.split("href=\"/static/site.").nth(1).unwrap().split('"').next().unwrap();
    assert!(sw.contains(&format!("/static/site.{css}")), "the shell names this release's stylesheet");
    assert!(sw.contains("\"/hors-ligne\""));
    // Every file of the shell answers, or the installation would fail on the phone.
    let shell = sw.split("var SHELL_URLS = ").nth(1).unwrap().split(';').next().unwrap();
    let shell: Vec<String> = serde_json::from_str(shell).unwrap();
    for url in shell {
        assert_eq!(app.get(&url).await.status(), 200, "{url}");
    }
}

#[tokio::test]
async fn the_offline_page_carries_nobodys_name_nor_a_form_token() {
    let app = spawn_app_with(true).await;
    app.sign_in_demo("responsable@cfi.demo").await;
    let html = app.get("/hors-ligne").await.text().await.unwrap();
    assert!(html.contains("Pas de réseau") && html.contains("id=\"kept-pages\""));
    assert!(!html.contains("csrf") && !html.contains("Claire Responsable") && !html.contains("Déconnexion"), "{html}");
    assert!(html.contains("/static/offline."), "the script that lists what was kept");
}
