//! The media library: files in, light variants out (images at once, videos by ffmpeg in the
//! background), served with ranges; the original one tap away.

use std::time::Duration;

use serde_json::Value;

use crate::helpers::spawn_app_with;

const PROGRAMME: &str = "connexions-citoyennes";

fn png(w: u32, h: u32) -> Vec<u8> {
    let mut out = vec![];
    image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x % 255) as u8, (y % 255) as u8, 90]))
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

#[tokio::test]
async fn images_get_a_light_variant_and_files_are_served_with_ranges() {
    let app = spawn_app_with(true).await;
    let manager = app.demo_client("responsable@cfi.demo").await;
    let api = app.url(&format!("/api/v1/programmes/{PROGRAMME}/media"));
    let big = png(2400, 1600);
    let r = manager
        .post(format!("{api}?name=carte.png&title=Carte%20du%20r%C3%A9seau"))
        .body(big.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let m: Value = r.json().await.unwrap();
    assert_eq!((m["kind"].as_str(), m["light_status"].as_str()), (Some("image"), Some("ready")));
    assert_eq!(m["markdown"], format!("![Carte du réseau](/medias/{})", m["id"].as_str().unwrap()));

    // Pages load the light JPEG; the original is one tap away, as sent.
    let light = app.get(m["url"].as_str().unwrap()).await;
    assert_eq!(light.headers()["content-type"], "image/jpeg");
    assert!(light.headers()["cache-control"].to_str().unwrap().contains("immutable"));
    let light = image::load_from_memory(&light.bytes().await.unwrap()).unwrap();
    assert!(light.width() <= 960 && light.height() <= 540, "{}x{}", light.width(), light.height());
    let original = app.get(m["original_url"].as_str().unwrap()).await;
    assert_eq!(original.headers()["content-type"], "image/png");
    assert_eq!(original.bytes().await.unwrap().len(), big.len());

    // A range: only those bytes.
    let r = app
        .client
        .get(app.url(m["original_url"].as_str().unwrap()))
        .header("Range", "bytes=100-199")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 206);
    assert_eq!(r.headers()["content-range"], format!("bytes 100-199/{}", big.len()));
    assert_eq!(r.bytes().await.unwrap().as_ref(), &big[100..200]);

    // What is not a medium is refused; others' libraries are not hers; deleted is gone.
    let r = manager.post(format!("{api}?name=virus.pdf")).body(b"MZ\x90\0not a pdf".to_vec()).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let err: Value = r.json().await.unwrap();
    assert!(err["error"]["fields"]["file"].as_str().unwrap().contains("ni une image"), "{err}");
    let r = manager.post(format!("{api}?name=vide.pdf")).body(Vec::new()).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let jury = app.demo_client("jury@cfi.demo").await;
    assert_eq!(jury.post(format!("{api}?name=x.png")).body(png(10, 10)).send().await.unwrap().status(), 403);
    let list: Value = manager.get(&api).send().await.unwrap().json().await.unwrap();
    assert_eq!(list.as_array().unwrap().len(), 3, "the demo's two files and this one");
    let id = m["id"].as_str().unwrap();
    assert_eq!(manager.delete(format!("{api}/{id}")).send().await.unwrap().status(), 204);
    assert_eq!(app.get(&format!("/medias/{id}")).await.status(), 404);
    assert_eq!(app.get("/medias/not-an-id").await.status(), 404);
}

#[tokio::test]
async fn the_library_page_uploads_and_lists() {
    let app = spawn_app_with(true).await;
    app.sign_in_demo("responsable@cfi.demo").await;
    let page = format!("/gestion/programmes/{PROGRAMME}/medias");
    let html = app.get(&page).await.text().await.unwrap();
    let csrf = html.split("medias?csrf=").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let form = reqwest::multipart::Form::new()
        .text("title", "Schéma du plan de financement")
        .part("file", reqwest::multipart::Part::bytes(png(800, 600)).file_name("plan.png"));
    let r = app.client.post(app.url(&format!("{page}?csrf={csrf}"))).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let html = app.get(&format!("{page}?ajoute=1")).await.text().await.unwrap();
    assert!(html.contains("Schéma du plan de financement") && html.contains("prête ("), "{html}");
    let form = reqwest::multipart::Form::new()
        .text("title", "Tableur")
        .part("file", reqwest::multipart::Part::bytes(b"PK\x03\x04xx".to_vec()).file_name("budget.xlsx"));
    let r = app.client.post(app.url(&format!("{page}?csrf={csrf}"))).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("ni une image"));
}

/// Removes a scratch directory when the test ends, passed or not.
struct Cleanup(std::path::PathBuf);

impl Drop for Cleanup {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A short test video made by ffmpeg itself: 1280×720, 4 s, a high bitrate.
fn sample_video(dir: &std::path::Path) -> Option<Vec<u8>> {
    let out = dir.join("sample.mp4");
    let ok = std::process::Command::new("ffmpeg")
        .args(["-nostdin", "-y", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=1280x720:rate=25"])
        .args(["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100", "-t", "4"])
        .args(["-c:v", "libx264", "-b:v", "3M", "-c:a", "aac", "-b:a", "128k", "-shortest"])
        .arg(&out)
        .status()
        .ok()?
        .success();
    ok.then(|| std::fs::read(&out).ok()).flatten()
}

#[tokio::test]
async fn videos_get_a_360p_variant_of_at_most_300_kbits() {
    let dir = std::env::temp_dir().join(format!("tremplin-video-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let _cleanup = Cleanup(dir.clone());
    let Some(video) = sample_video(&dir) else {
        // scripts/test.sh installs ffmpeg; a machine without it offers videos as they are.
        eprintln!("ffmpeg missing: skipped");
        return;
    };
    let app = spawn_app_with(true).await;
    let manager = app.demo_client("responsable@cfi.demo").await;
    let api = app.url(&format!("/api/v1/programmes/{PROGRAMME}/media"));
    let r = manager.post(format!("{api}?name=pitch.mp4&title=Pitch")).body(video.clone()).send().await.unwrap();
    assert_eq!(r.status(), 201);
    let m: Value = r.json().await.unwrap();
    assert_eq!(m["light_status"], "pending");
    // Until the light version is ready, the page offers the video as it is.
    let mut ready = Value::Null;
    for _ in 0..240 {
        let list: Value = manager.get(&api).send().await.unwrap().json().await.unwrap();
        let now = list.as_array().unwrap().iter().find(|x| x["id"] == m["id"]).unwrap().clone();
        if now["light_status"] != "pending" {
            ready = now;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(ready["light_status"], "ready", "{ready}");
    let light = app.get(ready["url"].as_str().unwrap()).await;
    assert_eq!(light.headers()["content-type"], "video/mp4");
    let bytes = light.bytes().await.unwrap();
    assert!(bytes.len() < video.len() / 4, "{} vs {}", bytes.len(), video.len());
    // ≤ 360 lines, ≤ 300 kbit/s of video (plus 48 kbit/s of sound) over its 4 seconds.
    let path = dir.join("light.mp4");
    std::fs::write(&path, &bytes).unwrap();
    let probe = std::process::Command::new("ffprobe")
        .args(["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=height", "-of", "csv=p=0"])
        .arg(&path)
        .output()
        .unwrap();
    let height: u32 = String::from_utf8_lossy(&probe.stdout).trim().parse().unwrap();
    assert_eq!(height, 360);
    assert!((bytes.len() as f64) * 8.0 / 4.0 <= 400_000.0, "{} bytes for 4 s", bytes.len());
}
