//! Starting and stopping a Tremplin process: database, migrations, demo data, e-mail
//! worker, sweep of expired uploads, HTTP listener. Used by `tremplin serve` and by the test harness alike.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::app::App;
use crate::config::Config;
use crate::mail::{worker, Mailer};
use crate::store::Db;

pub struct Server {
    pub addr: SocketAddr,
    pub app: App,
    stop: watch::Sender<bool>,
    http: JoinHandle<anyhow::Result<()>>,
    mail: JoinHandle<()>,
    sweeper: JoinHandle<()>,
}

/// Opens the database, migrates, loads the demo if asked, and starts serving.
pub async fn start(cfg: Config, demo: bool) -> anyhow::Result<Server> {
    let started = std::time::Instant::now();
    let db = Db::connect(cfg.database_url.as_deref(), &cfg.data_dir).await?;
    db.migrate().await?;
    let app = App::new(db, cfg)?;
    if demo {
        crate::demo::load_if_empty(&app).await?;
    }
    let mailer = Arc::new(Mailer::from_config(&app.cfg)?);
    let listener = tokio::net::TcpListener::bind(app.cfg.addr).await?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = watch::channel(false);
    let mail = tokio::spawn(worker::run(app.db.clone(), mailer, app.mail_wake.clone(), stopped.clone()));
    tokio::spawn(crate::library::run_video_worker(app.clone(), stopped.clone()));
    let sweeper = tokio::spawn(crate::uploads::sweeper(app.clone(), stopped.clone()));
    tokio::spawn(crate::progress::worker(app.clone(), stopped.clone()));
    let mut http_stopped = stopped;
    let shutdown = async move {
        let _ = http_stopped.wait_for(|s| *s).await;
    };
    let http = tokio::spawn(crate::web::serve(app.clone(), listener, shutdown));
    tracing::info!(%addr, backend = ?app.db.backend, startup_ms = started.elapsed().as_millis() as u64, "Tremplin is serving on http://{addr}");
    Ok(Server { addr, app, stop, http, mail, sweeper })
}

impl Server {
    /// Asks the server to stop without waiting (for use where one cannot await).
    pub fn signal_stop(&self) {
        let _ = self.stop.send(true);
    }

    /// Stops accepting, lets requests in flight finish, stops the workers.
    pub async fn stop(self) -> anyhow::Result<()> {
        let _ = self.stop.send(true);
        let res = self.http.await?;
        let _ = self.mail.await;
        let _ = self.sweeper.await;
        self.app.db.pool.close().await;
        res
    }
}
