//! `spawn_app()`: the real Tremplin on port 0 with a fresh database, plus a client that
//! keeps cookies as a browser would.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use reqwest::header::HeaderMap;
use sqlx::Connection;
use tremplin::config::{Config, Overrides};
use tremplin::server::{self, Server};

pub const PASSWORD: &str = "brousse-camp Normandie";

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub server: Option<Server>,
    pub data_dir: PathBuf,
    pg_database: Option<(String, String)>,
}

pub fn backend_is_postgres() -> bool {
    std::env::var("TREMPLIN_TEST_BACKEND").is_ok_and(|b| b == "postgres")
}

fn pg_admin_url() -> String {
    std::env::var("DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

fn with_database(url: &str, db: &str) -> String {
    let mut u = url::Url::parse(url).expect("DATABASE_URL is a URL");
    u.set_path(&format!("/{db}"));
    u.to_string()
}

/// With the PostgreSQL backend, a new empty database for one test: (its URL, (the admin
/// URL, its name) for `drop_pg_database`). None on SQLite.
pub async fn new_pg_database(id: &str) -> Option<(String, (String, String))> {
    if !backend_is_postgres() {
        return None;
    }
    sqlx::any::install_default_drivers();
    let admin = pg_admin_url();
    let name = format!("tremplin_t_{id}");
    let mut conn = sqlx::AnyConnection::connect(&admin).await.expect("PostgreSQL reachable through DATABASE_URL");
    sqlx::raw_sql(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.expect("create test database");
    conn.close().await.ok();
    Some((with_database(&admin, &name), (admin, name)))
}

pub async fn drop_pg_database(admin: &str, name: &str) {
    if let Ok(mut conn) = sqlx::AnyConnection::connect(admin).await {
        let _ = sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut conn).await;
    }
}

static INIT: AtomicBool = AtomicBool::new(false);

pub fn client() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(false).await
}

pub async fn spawn_app_with(demo: bool) -> TestApp {
    spawn_app_configured(demo, |_| {}).await
}

/// `spawn_app_with`, with more settings (e.g. the storage) given by `configure`.
pub async fn spawn_app_configured(demo: bool, configure: impl FnOnce(&mut Overrides)) -> TestApp {
    if !INIT.swap(true, Ordering::SeqCst) {
        let _ = tracing_subscriber::fmt().with_env_filter("warn").with_test_writer().try_init();
    }
    let id = uuid::Uuid::new_v4().simple().to_string();
    let data_dir = std::env::temp_dir().join(format!("tremplin-test-{id}"));
    let (database_url, pg_database) = match new_pg_database(&id).await {
        Some((url, admin_and_name)) => (Some(url), Some(admin_and_name)),
        None => (None, None),
    };
    let mut overrides = Overrides {
        addr: Some("127.0.0.1:0".parse().unwrap()),
        data_dir: Some(data_dir.clone()),
        database_url,
        public_url: Some("http://tremplin.test".into()),
        ..Default::default()
    };
    configure(&mut overrides);
    let cfg = Config::load(Some(&std::path::PathBuf::from("/dev/null")), overrides).expect("config");
    let server = server::start(cfg, demo).await.expect("server starts");
    TestApp { base: format!("http://{}", server.addr), client: client(), server: Some(server), data_dir, pg_database }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(s) = self.server.take() {
            // Its tasks end with the test's runtime; the signal closes the listener now.
            s.signal_stop();
        }
        let pg = self.pg_database.take();
        let dir = self.data_dir.clone();
        // Drop runs inside the test's runtime; clean up on a thread with its own.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async move {
                if let Some((admin, name)) = pg {
                    drop_pg_database(&admin, &name).await;
                }
            });
            let _ = std::fs::remove_dir_all(dir);
        })
        .join();
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn db(&self) -> &tremplin::store::Db {
        &self.server.as_ref().unwrap().app.db
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    pub async fn post_json(&self, path: &str, body: serde_json::Value) -> reqwest::Response {
        self.client.post(self.url(path)).json(&body).send().await.unwrap()
    }

    /// GETs `page`, takes the CSRF token from its form, and POSTs `fields` to `action`.
    pub async fn post_form(&self, page: &str, action: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let html = self.get(page).await.text().await.unwrap();
        let csrf = csrf_of(&html);
        let mut form: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        form.extend_from_slice(fields);
        self.client.post(self.url(action)).form(&form).send().await.unwrap()
    }

    /// Enrols `n` new learners (accounts written straight into the database, without a
    /// password one could sign in with) in the open course `slug`; their ids.
    pub async fn enrol_learners(&self, slug: &str, n: usize) -> Vec<i64> {
        let pool = &self.db().pool;
        let course: i64 =
            sqlx::query_scalar("SELECT id FROM courses WHERE slug = $1").bind(slug).fetch_one(pool).await.unwrap();
        let mut ids = vec![];
        for k in 0..n {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO users (email, name, password_hash, created_at, updated_at, country, gender) \
                 VALUES ($1, $2, '-', 0, 0, $3, $4) RETURNING id",
            )
            .bind(format!("apprenant{k:04}@example.org"))
            .bind(format!("Apprenant {k:04}"))
            .bind(["SN", "CI", "ML", "TN"][k % 4])
            .bind(["female", "male"][k % 2])
            .fetch_one(pool)
            .await
            .unwrap();
            sqlx::query(
                "INSERT INTO course_enrolments (course_id, user_id, role, enrolled_at) VALUES ($1, $2, 'learner', 0)",
            )
            .bind(course)
            .bind(id)
            .execute(pool)
            .await
            .unwrap();
            ids.push(id);
        }
        ids
    }

    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar::<_, i64>(sql).fetch_one(&self.db().pool).await.unwrap()
    }

    /// The body of the latest message queued for `to` whose subject contains `subject`.
    pub async fn last_mail(&self, to: &str, subject: &str) -> String {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT subject, body_text FROM outbox WHERE to_address = $1 ORDER BY id DESC")
                .bind(to)
                .fetch_all(&self.db().pool)
                .await
                .unwrap();
        rows.into_iter()
            .find(|(s, _)| s.contains(subject))
            .map(|(_, b)| b)
            .unwrap_or_else(|| panic!("no e-mail to {to} with subject containing {subject:?}"))
    }

    /// The `jeton` of the link in the latest matching e-mail.
    pub async fn token_from_mail(&self, to: &str, subject: &str) -> String {
        let body = self.last_mail(to, subject).await;
        link_token(&body)
    }

    /// Registers and confirms an account through the API; returns its e-mail address.
    pub async fn confirmed_user(&self, email: &str) -> String {
        let r = self
            .post_json(
                "/api/v1/accounts",
                serde_json::json!({"email": email, "name": "Awa Diop", "password": PASSWORD}),
            )
            .await;
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
        let token = self.token_from_mail(email, "Confirm").await;
        let r = self.post_json("/api/v1/accounts/confirm", serde_json::json!({"token": token})).await;
        assert_eq!(r.status(), 200);
        email.to_owned()
    }

    /// A new client signed in as a demo account.
    /// Signs the test's own client in through the sign-in page, as a demo account.
    pub async fn sign_in_demo(&self, email: &str) {
        let r = self
            .post_form("/connexion", "/connexion", &[("email", email), ("password", tremplin::demo::DEMO_PASSWORD)])
            .await;
        assert_eq!(r.status(), 303, "{email} signs in");
    }

    pub async fn demo_client(&self, email: &str) -> reqwest::Client {
        self.client_for(email, tremplin::demo::DEMO_PASSWORD).await
    }

    /// A client signed in through the API as this person.
    pub async fn client_for(&self, email: &str, password: &str) -> reqwest::Client {
        let who = client();
        let r = who
            .post(self.url("/api/v1/session"))
            .json(&serde_json::json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{email}");
        who
    }

    pub async fn sign_in_api(&self, email: &str, password: &str) -> reqwest::Response {
        self.post_json("/api/v1/session", serde_json::json!({"email": email, "password": password})).await
    }
}

pub fn link_token(body: &str) -> String {
    let start = body.find("jeton=").expect("a link with a token") + "jeton=".len();
    body[start..].split(|c: char| c.is_whitespace()).next().unwrap().to_owned()
}

pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("page has a CSRF field") + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

pub fn header<'a>(h: &'a HeaderMap, name: &str) -> &'a str {
    h.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}
