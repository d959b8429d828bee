//! Build the application from settings: pool, migrations, HTTP server bound to a port (port 0
//! in tests, so each test gets its own server).

use std::net::TcpListener;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use actix_web::dev::{Server, ServerHandle};
use actix_web::{web, App, HttpServer};
use tracing_actix_web::TracingLogger;

use crate::api::{self, extract, AppState};
use crate::config::Settings;
use crate::db::{self, Backend, DbPool};

pub struct Application {
    port: u16,
    server: Server,
    pool: DbPool,
    workers: usize,
    solver_threads: u32,
    mail: Option<crate::mail::MailSettings>,
}

/// Open the pool for the configured database and bring its schema up to date.
pub fn prepare_database(settings: &Settings) -> anyhow::Result<DbPool> {
    let url = settings.database_url();
    if Backend::of_url(&url) == Backend::Sqlite {
        if let Some(dir) = std::path::Path::new(&url).parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| anyhow::anyhow!("cannot create data directory {}: {e}", dir.display()))?;
        }
    }
    let pool = db::connect(&url, settings.pool_size)?;
    let mut conn = pool.get()?;
    let applied = db::migrate(&mut conn)?;
    if applied > 0 {
        tracing::info!(applied, "database migrations applied");
    }
    Ok(pool)
}

impl Application {
    pub fn build(settings: &Settings) -> anyhow::Result<Self> {
        settings.check()?;
        let pool = prepare_database(settings)?;
        let listener = TcpListener::bind(&settings.bind)
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let state = web::Data::new(AppState { pool: pool.clone(), max_body_bytes: settings.max_body_bytes });
        let server = HttpServer::new(move || {
            App::new()
                .wrap(TracingLogger::default())
                .app_data(state.clone())
                .app_data(web::PathConfig::default().error_handler(extract::path_error))
                .configure(api::routes)
                .default_service(web::to(api::not_found))
        })
        .listen(listener)?
        .run();
        Ok(Application {
            port,
            server,
            pool,
            workers: settings.workers,
            solver_threads: settings.solver_threads,
            mail: settings.mail(),
        })
    }

    #[must_use]
    pub fn port(&self) -> u16 {
        self.port
    }

    #[must_use]
    pub fn pool(&self) -> DbPool {
        self.pool.clone()
    }

    /// A handle that stops the server (and with it the job workers) from another thread.
    #[must_use]
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serve until stopped; the in-process job workers run alongside and stop with it (a
    /// solve in hand is stopped and handed back to the queue, and waited for) — also when
    /// this future is dropped unfinished, so that no worker outlives its server holding
    /// database connections.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let stop = StopOnDrop(Arc::new(AtomicBool::new(false)));
        let workers = crate::jobs::worker::spawn(&self.pool, self.workers, self.solver_threads, &stop.0);
        let mailer = self.mail.and_then(|m| crate::mail::spawn(&self.pool, m, &stop.0));
        let served = self.server.await;
        drop(stop);
        // a solve in hand stops within seconds and goes back to the queue: wait for that
        let joined = actix_web::rt::task::spawn_blocking(move || {
            for w in workers {
                let _ = w.join();
            }
        })
        .await;
        if joined.is_err() {
            tracing::warn!("a job worker did not stop cleanly");
        }
        drop(mailer);
        served
    }
}

/// Raises the workers' stop flag when dropped.
struct StopOnDrop(Arc<AtomicBool>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}
