//! The worker loop: claim a job, run it, record the outcome. Solving is CPU-bound and
//! blocking, so workers are plain threads, not async tasks.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use super::{claim, finish, FAILED};
use crate::db::{DbConnection, DbPool};
use crate::services::rostering::solve;
use crate::services::ServiceError;

/// How a worker runs its jobs.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// How long it waits before looking again when the queue is empty.
    pub idle: Duration,
    /// Search lanes (threads) of each solve (`Settings::solver_threads`).
    pub solver_threads: u32,
}

/// Run jobs until `stop` is set. Polls every `options.idle` when there is nothing to do. A
/// job running when `stop` is set is stopped within seconds and handed back to the queue.
pub fn run(pool: &DbPool, worker: &str, stop: &AtomicBool, options: Options) {
    let idle = options.idle;
    tracing::info!(worker, solver_threads = options.solver_threads, "job worker started");
    while !stop.load(Ordering::Relaxed) {
        match run_one(pool, worker, stop, options.solver_threads) {
            Ok(true) => {}
            Ok(false) => std::thread::sleep(idle),
            Err(e) => {
                tracing::warn!(worker, error = %e, "job worker could not reach the database");
                std::thread::sleep(idle * 4);
            }
        }
    }
}

/// Claim and run one job; `Ok(false)` when none was waiting. `shutdown` set while it runs
/// hands the job back to the queue.
pub fn run_one(pool: &DbPool, worker: &str, shutdown: &AtomicBool, solver_threads: u32) -> Result<bool, ServiceError> {
    let job = {
        let mut conn = pool.get().map_err(|e| ServiceError::Unavailable(e.to_string()))?;
        claim(&mut conn, worker)?
    };
    let Some(job) = job else { return Ok(false) };
    let span = tracing::info_span!("job", job_id = %job.id, kind = %job.kind, roster_id = ?job.roster_id);
    let _guard = span.enter();
    tracing::info!("job started");
    let outcome = match job.kind.as_str() {
        solve::KIND => solve::run(pool, &job, worker, shutdown, solver_threads),
        other => Err(ServiceError::Internal(format!("unknown job kind {other}"))),
    };
    if let Err(e) = outcome {
        tracing::warn!(error = %e, "job failed");
        let mut pooled = pool.get().map_err(|e| ServiceError::Unavailable(e.to_string()))?;
        let conn: &mut DbConnection = &mut pooled;
        let message = crate::error::AppError::from(e).problem().detail;
        finish(conn, &job.id, worker, FAILED, None, Some(&message))?;
    }
    Ok(true)
}

/// Start `count` worker threads for an in-process worker pool (`rota serve`), each solve
/// with `solver_threads` search lanes.
pub fn spawn(
    pool: &DbPool,
    count: usize,
    solver_threads: u32,
    stop: &Arc<AtomicBool>,
) -> Vec<std::thread::JoinHandle<()>> {
    let options = Options { idle: Duration::from_millis(300), solver_threads };
    (0..count)
        .filter_map(|i| {
            let pool = pool.clone();
            let stop = stop.clone();
            let name = format!("{}-{}-{i}", hostname(), std::process::id());
            std::thread::Builder::new()
                .name(format!("rota-worker-{i}"))
                .spawn(move || run(&pool, &name, &stop, options))
                .ok()
        })
        .collect()
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname").map(|s| s.trim().to_owned()).unwrap_or_else(|_| "rota".to_owned())
}
