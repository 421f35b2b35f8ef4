//! The `tremplin` command as an administrator uses it.

use std::io::Write;
use std::process::{Command, Stdio};

fn tremplin(data_dir: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tremplin"));
    c.arg("--data-dir").arg(data_dir).env_remove("DATABASE_URL").env("TREMPLIN_CONFIG", "/dev/null");
    c
}

#[test]
fn help_everywhere() {
    let dir = std::env::temp_dir().join(format!("tremplin-cli-{}", uuid::Uuid::new_v4().simple()));
    for args in [&["--help"][..], &["serve", "--help"], &["migrate", "--help"], &["user", "create", "--help"]] {
        let out = tremplin(&dir).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("Usage"));
    }
}

#[test]
fn migrate_then_create_an_administrator() {
    let dir = std::env::temp_dir().join(format!("tremplin-cli-{}", uuid::Uuid::new_v4().simple()));
    let out = tremplin(&dir).arg("migrate").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(dir.join("tremplin.db").exists());

    let mut child = tremplin(&dir)
        .args([
            "user",
            "create",
            "--email",
            "chef@example.org",
            "--name",
            "Cheffe de projet",
            "--role",
            "admin",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"brousse-camp Normandie\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("administrator"));

    // A second account with the same address, and a weak password, are refused clearly.
    let out = tremplin(&dir).args(["user", "create", "--email", "CHEF@example.org", "--name", "X"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
    let mut child = tremplin(&dir)
        .args(["user", "create", "--email", "b@example.org", "--name", "B", "--password-stdin"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"123\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 10"));

    // Without --password-stdin a password is generated and printed once.
    let out = tremplin(&dir).args(["user", "create", "--email", "c@example.org", "--name", "C"]).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("Password (shown once): "));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn grant_a_programme_role() {
    let dir = std::env::temp_dir().join(format!("tremplin-cli-{}", uuid::Uuid::new_v4().simple()));
    assert!(tremplin(&dir).arg("demo").output().unwrap().status.success());
    let out =
        tremplin(&dir).args(["user", "create", "--email", "nadia@example.org", "--name", "Nadia"]).output().unwrap();
    assert!(out.status.success());
    let grant = |programme: &str, role: &str| {
        tremplin(&dir)
            .args(["user", "grant", "--email", "nadia@example.org", "--programme", programme, "--role", role])
            .output()
            .unwrap()
    };
    let out = grant("connexions-citoyennes", "coach");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("is now coach of connexions-citoyennes"));
    let out = grant("connexions-citoyennes", "coach");
    assert!(String::from_utf8_lossy(&out.stdout).contains("already was coach"));
    let out = grant("nope", "coach");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no programme"));
    let out = grant("connexions-citoyennes", "king");
    assert!(!out.status.success(), "unknown roles are refused by the parser");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_stops_gracefully_on_sigterm() {
    use std::io::BufRead;
    let dir = std::env::temp_dir().join(format!("tremplin-cli-{}", uuid::Uuid::new_v4().simple()));
    let mut child = tremplin(&dir)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("the server announces its address").unwrap();
        if let Some(i) = line.find("serving on http://") {
            break line[i + "serving on ".len()..].split_whitespace().next().unwrap().to_owned();
        }
    };
    assert_eq!(reqwest::get(format!("{addr}/healthz")).await.unwrap().status(), 200);
    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(child.wait().unwrap().success(), "exit 0 after SIGTERM");
    assert!(rest.iter().any(|l| l.contains("stopped")), "{rest:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}
