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
