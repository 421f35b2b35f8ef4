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
    #[serde(default)]
    pub storage: StorageFileConfig,
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

/// Where stored files go (`[storage]`); every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StorageFileConfig {
    /// "local" (default) or "s3"; "s3" when a bucket is given without a backend.
    pub backend: Option<String>,
    pub bucket: Option<String>,
    /// Base URL of an S3-compatible service (default: AWS, by region).
    pub endpoint: Option<String>,
    pub region: Option<String>,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    /// `https://endpoint/bucket/key` rather than `https://bucket.endpoint/key`.
    pub path_style: Option<bool>,
    /// Put before every object name, e.g. "tremplin/" to share a bucket.
    pub prefix: Option<String>,
}

/// Storage settings from the environment (`TREMPLIN_STORAGE_*`) or the caller; each wins
/// over the file's.
#[derive(Debug, Default, Clone)]
pub struct StorageOverrides {
    pub backend: Option<String>,
    pub bucket: Option<String>,
    pub endpoint: Option<String>,
    pub region: Option<String>,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    pub path_style: Option<bool>,
    pub prefix: Option<String>,
}

impl StorageOverrides {
    /// `TREMPLIN_STORAGE_BACKEND`, `_BUCKET`, `_ENDPOINT`, `_REGION`, `_ACCESS_KEY_ID`,
    /// `_SECRET_ACCESS_KEY`, `_PATH_STYLE` (true/false) and `_PREFIX`; empty means unset.
    pub fn from_env() -> anyhow::Result<StorageOverrides> {
        let var = |name: &str| std::env::var(format!("TREMPLIN_STORAGE_{name}")).ok().filter(|v| !v.is_empty());
        let path_style = match var("PATH_STYLE").as_deref() {
            None => None,
            Some("true" | "1" | "yes") => Some(true),
            Some("false" | "0" | "no") => Some(false),
            Some(other) => anyhow::bail!("TREMPLIN_STORAGE_PATH_STYLE must be true or false, not {other:?}"),
        };
        Ok(StorageOverrides {
            backend: var("BACKEND"),
            bucket: var("BUCKET"),
            endpoint: var("ENDPOINT"),
            region: var("REGION"),
            access_key_id: var("ACCESS_KEY_ID"),
            secret_access_key: var("SECRET_ACCESS_KEY"),
            path_style,
            prefix: var("PREFIX"),
        })
    }

    /// Each value of `self`, else of `other`.
    fn or(self, other: StorageOverrides) -> StorageOverrides {
        StorageOverrides {
            backend: self.backend.or(other.backend),
            bucket: self.bucket.or(other.bucket),
            endpoint: self.endpoint.or(other.endpoint),
            region: self.region.or(other.region),
            access_key_id: self.access_key_id.or(other.access_key_id),
            secret_access_key: self.secret_access_key.or(other.secret_access_key),
            path_style: self.path_style.or(other.path_style),
            prefix: self.prefix.or(other.prefix),
        }
    }
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
    /// Given by the caller (tests); `TREMPLIN_STORAGE_*` are read by `Config::load`.
    pub storage: StorageOverrides,
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

/// Where stored files are kept (`crate::storage`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StorageConfig {
    /// Under the data directory.
    Local,
    S3(S3Config),
}

/// An S3-compatible bucket.
#[derive(Clone, PartialEq, Eq)]
pub struct S3Config {
    pub bucket: String,
    /// `None`: Amazon S3 itself, by region.
    pub endpoint: Option<String>,
    pub region: String,
    /// Without keys, the usual AWS_* variables or the instance's role are used.
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    pub path_style: bool,
    /// Empty, or ends with `/`.
    pub prefix: String,
}

impl std::fmt::Debug for S3Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Config")
            .field("bucket", &self.bucket)
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &self.secret_access_key.as_ref().map(|_| "…"))
            .field("path_style", &self.path_style)
            .field("prefix", &self.prefix)
            .finish()
    }
}

impl StorageConfig {
    fn resolve(s: StorageOverrides) -> anyhow::Result<StorageConfig> {
        let backend = match s.backend.as_deref() {
            None if s.bucket.is_some() => "s3",
            None => "local",
            Some(b) => b,
        };
        match backend {
            "local" => return Ok(StorageConfig::Local),
            "s3" => {}
            other => anyhow::bail!("storage backend must be local or s3, not {other:?}"),
        }
        let bucket = s.bucket.filter(|b| !b.is_empty()).context("storage backend s3 needs a bucket")?;
        if let Some(e) = &s.endpoint {
            let url = url::Url::parse(e).with_context(|| format!("storage endpoint is not a URL: {e}"))?;
            if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
                anyhow::bail!("storage endpoint must be an http(s) URL: {e}");
            }
        }
        if s.access_key_id.is_some() != s.secret_access_key.is_some() {
            anyhow::bail!("storage access_key_id and secret_access_key go together");
        }
        let prefix = s.prefix.as_deref().unwrap_or("").trim_matches('/');
        Ok(StorageConfig::S3(S3Config {
            bucket,
            endpoint: s.endpoint.map(|e| e.trim_end_matches('/').to_owned()),
            region: s.region.unwrap_or_else(|| "us-east-1".into()),
            access_key_id: s.access_key_id,
            secret_access_key: s.secret_access_key,
            path_style: s.path_style.unwrap_or(false),
            prefix: if prefix.is_empty() { String::new() } else { format!("{prefix}/") },
        }))
    }
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
    /// Where stored files are kept: the data directory, or a bucket.
    pub storage: StorageConfig,
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
        let f = file.storage;
        let from_file = StorageOverrides {
            backend: f.backend,
            bucket: f.bucket,
            endpoint: f.endpoint,
            region: f.region,
            access_key_id: f.access_key_id,
            secret_access_key: f.secret_access_key,
            path_style: f.path_style,
            prefix: f.prefix,
        };
        let storage = StorageConfig::resolve(o.storage.or(StorageOverrides::from_env()?).or(from_file))?;
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
            storage,
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
        assert_eq!(c.storage, StorageConfig::Local, "files stay in the data directory by default");
        std::fs::write(&f, "adress = 1\n").unwrap();
        assert!(Config::load(Some(&f), Overrides::default()).is_err(), "unknown keys are refused");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_bucket_is_configured_in_the_storage_section() {
        let dir = std::env::temp_dir().join(format!("tremplin-config-s3-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("t.toml");
        std::fs::write(
            &f,
            "[storage]\nbucket = \"tremplin\"\nendpoint = \"https://s3.fr-par.scw.cloud/\"\nregion = \"fr-par\"\n\
             access_key_id = \"SCW1\"\nsecret_access_key = \"hunter2-value\"\nprefix = \"/prod/\"\n",
        )
        .unwrap();
        let c = Config::load(Some(&f), Overrides::default()).unwrap();
        let StorageConfig::S3(s3) = &c.storage else { panic!("{:?}", c.storage) };
        assert_eq!(
            (s3.bucket.as_str(), s3.endpoint.as_deref(), s3.region.as_str(), s3.path_style, s3.prefix.as_str()),
            ("tremplin", Some("https://s3.fr-par.scw.cloud"), "fr-par", false, "prod/")
        );
        assert!(!format!("{c:?}").contains("hunter2"), "the secret key stays out of logs");
        // The caller's values win over the file's.
        let o = Overrides {
            storage: StorageOverrides { path_style: Some(true), bucket: Some("other".into()), ..Default::default() },
            ..Default::default()
        };
        let StorageConfig::S3(s3) = Config::load(Some(&f), o).unwrap().storage else { panic!() };
        assert_eq!((s3.bucket.as_str(), s3.path_style), ("other", true));
        let local = Overrides {
            storage: StorageOverrides { backend: Some("local".into()), ..Default::default() },
            ..Default::default()
        };
        assert_eq!(Config::load(Some(&f), local).unwrap().storage, StorageConfig::Local);
        for bad in [
            "[storage]\nbackend = \"s3\"\n",
            "[storage]\nbackend = \"ftp\"\n",
            "[storage]\nbucket = \"b\"\nendpoint = \"s3.example.org\"\n",
            "[storage]\nbucket = \"b\"\naccess_key_id = \"k\"\n",
            "[storage]\nbuckett = \"b\"\n",
        ] {
            std::fs::write(&f, bad).unwrap();
            assert!(Config::load(Some(&f), Overrides::default()).is_err(), "{bad}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
