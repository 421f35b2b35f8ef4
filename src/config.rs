//! Configuration: command-line flags, then environment (`TREMPLIN_*`, `DATABASE_URL`), then
//! an optional TOML file (`--config`, `TREMPLIN_CONFIG`, or `tremplin.toml` in the working
//! directory), then defaults. See README.md, "Configuration".

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;

/// Values as written in the TOML file; every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub addr: Option<SocketAddr>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub public_url: Option<String>,
    pub behind_proxy: Option<bool>,
    pub log_format: Option<String>,
    /// Largest file of a resumable upload, in MB.
    pub upload_max_mb: Option<u64>,
    #[serde(default)]
    pub mail: MailFileConfig,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailFileConfig {
    pub from: Option<String>,
    pub smtp_host: Option<String>,
    pub smtp_port: Option<u16>,
    pub smtp_username: Option<String>,
    pub smtp_password: Option<String>,
    /// "starttls" (default), "tls" (implicit TLS, port 465) or "none" (local relays only).
    pub smtp_security: Option<String>,
}

/// Values from flags or the environment (clap reads both; a flag wins over its variable).
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub addr: Option<SocketAddr>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub public_url: Option<String>,
    pub behind_proxy: Option<bool>,
    pub log_format: Option<String>,
    pub upload_max_mb: Option<u64>,
    pub mail_from: Option<String>,
    pub smtp_host: Option<String>,
    pub smtp_port: Option<u16>,
    pub smtp_username: Option<String>,
    pub smtp_password: Option<String>,
    pub smtp_security: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SmtpSecurity {
    StartTls,
    Tls,
    None,
}

#[derive(Clone, Debug)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub username: Option<String>,
    pub password: Option<String>,
    pub security: SmtpSecurity,
}

/// The resolved configuration of one process.
#[derive(Clone, Debug)]
pub struct Config {
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
    /// Base of the links written in e-mails, e.g. `https://tremplin.example.org`.
    pub public_url: String,
    /// Trust `X-Forwarded-For` / `X-Forwarded-Proto` from a reverse proxy.
    pub behind_proxy: bool,
    pub log_json: bool,
    /// Largest file of a resumable upload (`crate::uploads`), in bytes.
    pub upload_max_bytes: u64,
    pub mail_from: String,
    /// `None`: messages are written as `.eml` files under `data_dir/outbox` (development).
    pub smtp: Option<SmtpConfig>,
}

impl Config {
    pub fn load(config_file: Option<&Path>, o: Overrides) -> anyhow::Result<Config> {
        let file = match config_file {
            Some(p) => read_file(p)?,
            None if Path::new("tremplin.toml").exists() => read_file(Path::new("tremplin.toml"))?,
            None => FileConfig::default(),
        };
        let addr = o.addr.or(file.addr).unwrap_or_else(|| "127.0.0.1:8080".parse().expect("valid"));
        let public_url = o
            .public_url
            .or(file.public_url)
            .unwrap_or_else(|| format!("http://{addr}"))
            .trim_end_matches('/')
            .to_owned();
        url::Url::parse(&public_url).with_context(|| format!("public_url is not a URL: {public_url}"))?;
        let smtp_host = o.smtp_host.or(file.mail.smtp_host).filter(|h| !h.is_empty());
        let security = match o.smtp_security.or(file.mail.smtp_security).as_deref() {
            None | Some("starttls") => SmtpSecurity::StartTls,
            Some("tls") => SmtpSecurity::Tls,
            Some("none") => SmtpSecurity::None,
            Some(other) => anyhow::bail!("smtp_security must be starttls, tls or none, not {other:?}"),
        };
        let smtp = smtp_host.map(|host| SmtpConfig {
            port: o.smtp_port.or(file.mail.smtp_port).unwrap_or(match security {
                SmtpSecurity::Tls => 465,
                SmtpSecurity::StartTls => 587,
                SmtpSecurity::None => 25,
            }),
            host,
            username: o.smtp_username.or(file.mail.smtp_username),
            password: o.smtp_password.or(file.mail.smtp_password),
            security,
        });
        let log_format = o.log_format.or(file.log_format).unwrap_or_else(|| "text".into());
        let upload_max_bytes = match o.upload_max_mb.or(file.upload_max_mb) {
            Some(0) => anyhow::bail!("upload_max_mb must be at least 1"),
            Some(mb) => mb.saturating_mul(1024 * 1024),
            None => crate::domain::upload::DEFAULT_MAX_BYTES,
        };
        Ok(Config {
            addr,
            data_dir: o.data_dir.or(file.data_dir).unwrap_or_else(|| PathBuf::from("./data")),
            database_url: o.database_url.or(file.database_url).filter(|u| !u.is_empty()),
            public_url,
            behind_proxy: o.behind_proxy.or(file.behind_proxy).unwrap_or(false),
            log_json: log_format == "json",
            upload_max_bytes,
            mail_from: o
                .mail_from
                .or(file.mail.from)
                .unwrap_or_else(|| "Tremplin <no-reply@tremplin.localhost>".into()),
            smtp,
        })
    }

    /// Cookies get the `Secure` flag when the public address is HTTPS.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

fn read_file(path: &Path) -> anyhow::Result<FileConfig> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("invalid configuration file {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_file_which_wins_over_defaults() {
        let dir = std::env::temp_dir().join(format!("tremplin-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("t.toml");
        std::fs::write(
            &f,
            "addr = \"0.0.0.0:9000\"\ndata_dir = \"/srv/t\"\n[mail]\nsmtp_host = \"smtp.example.org\"\n",
        )
        .unwrap();
        let c =
            Config::load(Some(&f), Overrides { addr: Some("127.0.0.1:7000".parse().unwrap()), ..Default::default() })
                .unwrap();
        assert_eq!(c.addr.port(), 7000);
        assert_eq!(c.data_dir, PathBuf::from("/srv/t"));
        let smtp = c.smtp.unwrap();
        assert_eq!((smtp.host.as_str(), smtp.port, smtp.security), ("smtp.example.org", 587, SmtpSecurity::StartTls));
        assert_eq!(c.public_url, "http://127.0.0.1:7000");
        std::fs::write(&f, "adress = 1\n").unwrap();
        assert!(Config::load(Some(&f), Overrides::default()).is_err(), "unknown keys are refused");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
