//! The background worker: drains the outbox and purges expired sessions.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{watch, Notify};

use super::Mailer;
use crate::store::{outbox, sessions, Db};

/// Runs until `shutdown` turns true. `wake` is notified when a message is enqueued so that
/// it leaves at once instead of at the next poll.
pub async fn run(db: Db, mailer: Arc<Mailer>, wake: Arc<Notify>, mut shutdown: watch::Receiver<bool>) {
    let mut last_purge = std::time::Instant::now() - Duration::from_secs(3600);
    loop {
        if *shutdown.borrow() {
            return;
        }
        match outbox::claim_next(&db).await {
            Ok(Some(mail)) => {
                let result = mailer.send(&mail).await;
                let saved = match result {
                    Ok(()) => outbox::mark_sent(&db, mail.id).await,
                    Err(e) => {
                        tracing::warn!(id = mail.id, attempts = mail.attempts + 1, error = %e, "e-mail delivery failed; will retry");
                        outbox::mark_failed(&db, &mail, &format!("{e:#}")).await
                    }
                };
                if let Err(e) = saved {
                    tracing::error!(error = %e, "cannot record e-mail delivery");
                }
                continue;
            }
            Ok(None) => {}
            Err(e) => tracing::error!(error = %e, "cannot read the outbox"),
        }
        if last_purge.elapsed() > Duration::from_secs(3600) {
            last_purge = std::time::Instant::now();
            if let Err(e) = sessions::purge_expired(&db).await {
                tracing::warn!(error = %e, "cannot purge expired sessions");
            }
        }
        tokio::select! {
            _ = wake.notified() => {}
            _ = tokio::time::sleep(Duration::from_secs(5)) => {}
            _ = shutdown.changed() => {}
        }
    }
}
