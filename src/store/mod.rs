//! Persistence. One code path for SQLite and PostgreSQL through `sqlx::Any`: queries use
//! portable SQL with `$n` parameters (both backends accept them), instants as BIGINT
//! seconds, flags as BIGINT 0/1. The migrations are one embedded list for both backends.

pub mod accounts;
pub mod api_tokens;
pub mod applications;
pub mod attachments;
pub mod calls;
pub mod certificates;
pub mod courses;
pub mod exercises;
pub mod forms;
pub mod indicators;
pub mod library;
pub mod outbox;
pub mod participants;
pub mod programmes;
pub mod quizzes;
pub mod reports;
pub mod review;
pub mod search;
pub mod selection;
pub mod sessions;
pub mod teams;
pub mod throttle;
pub mod uploads;

use std::ops::{Deref, DerefMut};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use sha2::{Digest, Sha256};
use sqlx::any::AnyPoolOptions;
use sqlx::{Any, AnyPool, Transaction};
use tokio::sync::OwnedMutexGuard;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The database handle shared by every request and worker.
#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
    /// SQLite's writers queue here for their turn (see `begin`).
    writers: Arc<tokio::sync::Mutex<()>>,
}

/// How long a writer waits for its turn on SQLite before giving up: the busy timeout.
const WRITE_TURN_TIMEOUT: Duration = Duration::from_secs(10);

/// A write transaction (`Db::begin`): the transaction, and on SQLite the writer's turn,
/// given back when it ends. Derefs to the transaction, so that `&mut tx` goes wherever a
/// `&mut Transaction` is expected.
pub struct WriteTx {
    tx: Transaction<'static, Any>,
    _turn: Option<OwnedMutexGuard<()>>,
}

impl WriteTx {
    pub async fn commit(self) -> sqlx::Result<()> {
        self.tx.commit().await
    }

    pub async fn rollback(self) -> sqlx::Result<()> {
        self.tx.rollback().await
    }
}

impl Deref for WriteTx {
    type Target = Transaction<'static, Any>;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

/// Embedded migrations, applied in order, each in its own transaction.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "foundation", include_str!("../../migrations/0001_foundation.sql")),
    (2, "programmes_report", include_str!("../../migrations/0002_programmes_report.sql")),
    (3, "content_version", include_str!("../../migrations/0003_content_version.sql")),
    (4, "calls", include_str!("../../migrations/0004_calls.sql")),
    (5, "call_forms", include_str!("../../migrations/0005_call_forms.sql")),
    (6, "applications", include_str!("../../migrations/0006_applications.sql")),
    (7, "eligibility_override", include_str!("../../migrations/0007_eligibility_override.sql")),
    (8, "attachments", include_str!("../../migrations/0008_attachments.sql")),
    (9, "review", include_str!("../../migrations/0009_review.sql")),
    (10, "selection", include_str!("../../migrations/0010_selection.sql")),
    (11, "decision_messages", include_str!("../../migrations/0011_decision_messages.sql")),
    (12, "phase_participants", include_str!("../../migrations/0012_phase_participants.sql")),
    (13, "uploads", include_str!("../../migrations/0013_uploads.sql")),
    (14, "courses", include_str!("../../migrations/0014_courses.sql")),
    (15, "media_library", include_str!("../../migrations/0015_media_library.sql")),
    (16, "quizzes", include_str!("../../migrations/0016_quizzes.sql")),
    (17, "teams", include_str!("../../migrations/0017_teams.sql")),
    (18, "certificates", include_str!("../../migrations/0018_certificates.sql")),
    (19, "exercises", include_str!("../../migrations/0019_exercises.sql")),
    (20, "course_revision", include_str!("../../migrations/0020_course_revision.sql")),
];

impl Db {
    /// A write transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`):
    /// a deferred transaction that reads then writes fails with "database is locked" when
    /// another writer committed in between, whatever the busy timeout; an immediate one
    /// waits its turn instead. It waits in this process's queue first: SQLite's own busy
    /// handler retries a locked database after sleeps growing to 100 ms, so that under a
    /// burst of writes (64 learners sending quiz attempts at once) the unlucky ones slept
    /// far longer than the writes ahead of them took (p99 147 ms for 1,400 writes/s); the
    /// queue hands the turn over the moment the previous writer ends.
    pub async fn begin(&self) -> sqlx::Result<WriteTx> {
        let turn = self.write_turn().await?;
        let tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok(WriteTx { tx, _turn: turn })
    }

    /// The writer's turn on SQLite (`None` on PostgreSQL, whose writers lock rows, not the
    /// database), for a write of one statement outside a transaction; held until dropped.
    pub async fn write_turn(&self) -> sqlx::Result<Option<OwnedMutexGuard<()>>> {
        match self.backend {
            Backend::Sqlite => tokio::time::timeout(WRITE_TURN_TIMEOUT, self.writers.clone().lock_owned())
                .await
                .map(Some)
                .map_err(|_| sqlx::Error::PoolTimedOut),
            Backend::Postgres => Ok(None),
        }
    }

    /// Opens PostgreSQL when `database_url` is given, else the SQLite file in `data_dir`.
    pub async fn connect(database_url: Option<&str>, data_dir: &Path) -> anyhow::Result<Db> {
        sqlx::any::install_default_drivers();
        let (url, backend) = match database_url {
            Some(u) if u.starts_with("postgres://") || u.starts_with("postgresql://") => {
                (u.to_owned(), Backend::Postgres)
            }
            Some(u) if u.starts_with("sqlite:") => (u.to_owned(), Backend::Sqlite),
            Some(u) => anyhow::bail!("DATABASE_URL must start with postgres:// or sqlite: (got {u:.20}…)"),
            None => {
                std::fs::create_dir_all(data_dir)
                    .with_context(|| format!("cannot create data directory {}", data_dir.display()))?;
                (format!("sqlite://{}?mode=rwc", data_dir.join("tremplin.db").display()), Backend::Sqlite)
            }
        };
        let max = match backend {
            Backend::Sqlite => 8,
            Backend::Postgres => 16,
        };
        let pool = AnyPoolOptions::new()
            .max_connections(max)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers proceed during a write; the busy timeout makes
                        // concurrent writers wait instead of failing.
                        use sqlx::Executor;
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; \
                             PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await
            .with_context(|| format!("cannot open the database ({backend:?})"))?;
        Ok(Db { pool, backend, writers: Arc::default() })
    }

    /// Applies the migrations not yet applied. Safe to run at every start.
    pub async fn migrate(&self) -> anyhow::Result<usize> {
        sqlx::raw_sql(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, \
             name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
        )
        .execute(&self.pool)
        .await?;
        let mut applied = 0;
        for (version, name, sql) in MIGRATIONS {
            let mut tx = self.begin().await?;
            if self.backend == Backend::Postgres {
                // Several nodes may start together: one migrates, the others wait.
                sqlx::raw_sql("SELECT pg_advisory_xact_lock(7450120161)").execute(&mut **tx).await?;
            }
            let done: Option<i64> = sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = $1")
                .bind(*version)
                .fetch_optional(&mut **tx)
                .await?;
            if done.is_some() {
                continue;
            }
            sqlx::raw_sql(&self.dialect(sql))
                .execute(&mut **tx)
                .await
                .with_context(|| format!("migration {version} ({name}) failed"))?;
            sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
                .bind(*version)
                .bind(*name)
                .bind(crate::domain::time::unix_now())
                .execute(&mut **tx)
                .await?;
            tx.commit().await?;
            tracing::info!(version, name, "migration applied");
            applied += 1;
        }
        Ok(applied)
    }

    fn dialect(&self, sql: &str) -> String {
        let id = match self.backend {
            Backend::Sqlite => "INTEGER PRIMARY KEY AUTOINCREMENT",
            Backend::Postgres => "BIGSERIAL PRIMARY KEY",
        };
        sql.replace("ID_PK", id)
    }

    /// True when the database answers a trivial query.
    pub async fn ping(&self) -> bool {
        sqlx::query_scalar::<_, i64>("SELECT 1").fetch_one(&self.pool).await.is_ok()
    }

    /// True when the database holds no user yet (demo data goes only into an empty one).
    pub async fn is_empty(&self) -> anyhow::Result<bool> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&self.pool).await?;
        Ok(n == 0)
    }
}

/// Marks public content as changed (inside the caller's transaction).
pub async fn bump_content_version(tx: &mut sqlx::Transaction<'static, sqlx::Any>) -> anyhow::Result<()> {
    sqlx::query("UPDATE content_version SET version = version + 1 WHERE id = 1").execute(&mut **tx).await?;
    Ok(())
}

pub async fn content_version(db: &Db) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar("SELECT version FROM content_version WHERE id = 1").fetch_one(&db.pool).await?)
}

/// A random secret for links, sessions and API tokens: 32 bytes, URL-safe base64.
pub fn new_secret() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Secrets are stored only as their SHA-256, so a leaked database grants no access.
pub fn hash_secret(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// True when a database error is a violated UNIQUE constraint, on either backend.
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Database(db) => {
            db.kind() == sqlx::error::ErrorKind::UniqueViolation
                || db.code().is_some_and(|c| c == "23505" || c == "2067" || c == "1555")
        }
        _ => false,
    }
}
