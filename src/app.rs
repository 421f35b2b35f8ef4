//! The application: shared state of one process, handed to pages, API and CLI alike.

use std::sync::Arc;

use tokio::sync::Notify;

use crate::config::Config;
use crate::storage::Storage;
use crate::store::Db;

#[derive(Clone)]
pub struct App {
    pub db: Db,
    pub cfg: Arc<Config>,
    /// Wakes the e-mail worker when a message is enqueued.
    pub mail_wake: Arc<Notify>,
    /// Search index and public page data, rebuilt when content changes.
    pub cache: Arc<crate::cache::Cache>,
    /// Which request works on each resumable upload (`uploads::Busy`).
    pub uploads: Arc<crate::uploads::Busy>,
    /// Where stored files are kept: the data directory or a bucket (`crate::storage`).
    pub storage: Arc<Storage>,
}

impl App {
    /// Fails when the configured storage cannot be set up (e.g. a bucket's settings).
    pub fn new(db: Db, cfg: Config) -> anyhow::Result<App> {
        let storage = Storage::from_config(&cfg)?;
        tracing::info!(storage = %storage.describe(), "stored files");
        Ok(App {
            db,
            cfg: Arc::new(cfg),
            mail_wake: Arc::new(Notify::new()),
            cache: Arc::default(),
            uploads: Arc::default(),
            storage: Arc::new(storage),
        })
    }

    /// An absolute link for e-mails.
    pub fn link(&self, path_and_query: &str) -> String {
        format!("{}{}", self.cfg.public_url, path_and_query)
    }
}
