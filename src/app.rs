//! The application: shared state of one process, handed to pages, API and CLI alike.

use std::sync::Arc;

use tokio::sync::Notify;

use crate::config::Config;
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
}

impl App {
    pub fn new(db: Db, cfg: Config) -> App {
        App {
            db,
            cfg: Arc::new(cfg),
            mail_wake: Arc::new(Notify::new()),
            cache: Arc::default(),
            uploads: Arc::default(),
        }
    }

    /// An absolute link for e-mails.
    pub fn link(&self, path_and_query: &str) -> String {
        format!("{}{}", self.cfg.public_url, path_and_query)
    }
}
