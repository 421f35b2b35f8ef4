//! What the benchmark examples share: where the run's data lives (a temporary directory, and
//! with `DATABASE_URL=postgres://…` a fresh PostgreSQL database on that server), the release
//! server started on it with the demo, and the clean-up.

use tremplin::config::{Config, Overrides};

/// The run's data: removed by `finish`.
pub struct RunData {
    pub dir: std::path::PathBuf,
    /// (admin URL, database name) of the fresh PostgreSQL database, if any.
    pg: Option<(String, String)>,
}

/// Starts the server with the demo on a fresh data directory (and database). `label` names
/// the directory and the database.
pub async fn start(label: &str) -> anyhow::Result<(tremplin::server::Server, RunData)> {
    let dir = std::env::temp_dir().join(format!("tremplin-{label}-{}", std::process::id()));
    let pg = match std::env::var("DATABASE_URL") {
        Ok(admin) if admin.starts_with("postgres") => {
            use sqlx::Connection;
            sqlx::any::install_default_drivers();
            let name = format!("tremplin_{label}_{}", std::process::id());
            let mut conn = sqlx::AnyConnection::connect(&admin).await?;
            sqlx::raw_sql(&format!("CREATE DATABASE {name}")).execute(&mut conn).await?;
            Some((admin, name))
        }
        _ => None,
    };
    let database_url = match &pg {
        Some((admin, name)) => {
            let mut url = url::Url::parse(admin)?;
            url.set_path(&format!("/{name}"));
            Some(url.to_string())
        }
        None => None,
    };
    let cfg = Config::load(
        Some(std::path::Path::new("/dev/null")),
        Overrides {
            addr: Some("127.0.0.1:0".parse()?),
            data_dir: Some(dir.clone()),
            database_url,
            ..Default::default()
        },
    )?;
    println!("database: {}", if pg.is_some() { "PostgreSQL" } else { "SQLite" });
    let server = tremplin::server::start(cfg, true).await?;
    Ok((server, RunData { dir, pg }))
}

/// Stops the server and removes the run's directory and database.
pub async fn finish(server: tremplin::server::Server, data: RunData) -> anyhow::Result<()> {
    server.stop().await?;
    let _ = std::fs::remove_dir_all(&data.dir);
    if let Some((admin, name)) = data.pg {
        use sqlx::Connection;
        let mut conn = sqlx::AnyConnection::connect(&admin).await?;
        sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut conn).await?;
    }
    Ok(())
}
