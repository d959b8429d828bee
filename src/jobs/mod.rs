//! Durable jobs in the database. Any number of workers (threads of `rota serve`, or
//! `rota worker` processes on PostgreSQL) claim queued jobs with a compare-and-set on their
//! status — on PostgreSQL the candidate is picked with `FOR UPDATE SKIP LOCKED` — and hold a
//! lease they renew while working; a job whose lease ran out (its worker died) is claimed
//! again.

pub mod worker;

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::models::JobRow;
use crate::db::schema::jobs;
use crate::db::DbConnection;
use crate::services::ServiceError;

pub const QUEUED: &str = "queued";
pub const RUNNING: &str = "running";
pub const SUCCEEDED: &str = "succeeded";
pub const FAILED: &str = "failed";
pub const CANCELLED: &str = "cancelled";

/// How long a claim lasts without a heartbeat.
pub const LEASE_SECONDS: i64 = 60;
/// Attempts before a job that keeps losing its worker is failed.
const MAX_ATTEMPTS: i32 = 3;

/// A job as clients see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Job {
    pub id: String,
    pub kind: String,
    pub roster_id: Option<String>,
    /// queued, running, succeeded, failed or cancelled.
    pub status: String,
    pub cancel_requested: bool,
    /// Latest progress report (phase, elapsed seconds, incumbent objective, best bound).
    #[schema(value_type = Object)]
    pub progress: Option<serde_json::Value>,
    /// What the job produced (for a solve: status, objective, shortfalls and their reasons).
    #[schema(value_type = Object)]
    pub result: Option<serde_json::Value>,
    pub error: Option<String>,
    pub attempts: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub started_at: Option<chrono::DateTime<chrono::Utc>>,
    pub finished_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl From<JobRow> for Job {
    fn from(r: JobRow) -> Self {
        let json = |s: Option<String>| s.and_then(|t| serde_json::from_str(&t).ok());
        Job {
            id: r.id,
            kind: r.kind,
            roster_id: r.roster_id,
            status: r.status,
            cancel_requested: r.cancel_requested,
            progress: json(r.progress),
            result: json(r.result),
            error: r.error,
            attempts: r.attempts,
            created_at: r.created_at.and_utc(),
            started_at: r.started_at.map(|t| t.and_utc()),
            finished_at: r.finished_at.map(|t| t.and_utc()),
        }
    }
}

/// Parameters of a solve job.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SolveParams {
    /// Overall time limit in seconds (1–3600, default 30).
    #[serde(default = "default_limit")]
    pub time_limit_seconds: u64,
    /// Stop when the proven gap is below this (default 0.01).
    #[serde(default = "default_gap")]
    pub relative_gap: f64,
}

fn default_limit() -> u64 {
    30
}

fn default_gap() -> f64 {
    0.01
}

impl Default for SolveParams {
    fn default() -> Self {
        SolveParams { time_limit_seconds: default_limit(), relative_gap: default_gap() }
    }
}

pub fn enqueue(
    conn: &mut DbConnection,
    kind: &str,
    roster_id: Option<&str>,
    params: &impl Serialize,
) -> Result<Job, ServiceError> {
    let now = crate::services::now();
    let row = JobRow {
        id: crate::services::new_id(),
        kind: kind.to_owned(),
        roster_id: roster_id.map(str::to_owned),
        status: QUEUED.to_owned(),
        params: serde_json::to_string(params).map_err(|e| ServiceError::Internal(e.to_string()))?,
        progress: None,
        result: None,
        error: None,
        attempts: 0,
        cancel_requested: false,
        worker: None,
        lease_until: None,
        created_at: now,
        started_at: None,
        finished_at: None,
        updated_at: now,
    };
    diesel::insert_into(jobs::table).values(&row).execute(conn)?;
    Ok(row.into())
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<JobRow, ServiceError> {
    jobs::table
        .find(id)
        .select(JobRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ServiceError::NotFound { kind: "job", id: id.to_owned() })
}

/// A job that may be claimed at `now`: queued, or running with an expired lease (its worker
/// died). Not cancelled. One predicate for the candidate query and the compare-and-set.
macro_rules! claimable {
    ($now:expr) => {
        jobs::cancel_requested
            .eq(false)
            .and(jobs::status.eq(QUEUED).or(jobs::status.eq(RUNNING).and(jobs::lease_until.lt($now))))
    };
}

/// Claim the oldest claimable job for `worker`, or `None`.
pub fn claim(conn: &mut DbConnection, worker: &str) -> Result<Option<JobRow>, ServiceError> {
    let now = crate::services::now();
    conn.transaction(|conn| {
        crate::db::lock_for_write(conn)?;
        let candidate: Option<String> = match &mut *conn {
            DbConnection::Postgres(pg) => jobs::table
                .filter(claimable!(now))
                .order(jobs::created_at.asc())
                .select(jobs::id)
                .for_update()
                .skip_locked()
                .first(pg)
                .optional()?,
            other => jobs::table
                .filter(claimable!(now))
                .order(jobs::created_at.asc())
                .select(jobs::id)
                .first(other)
                .optional()?,
        };
        let Some(id) = candidate else { return Ok(None) };
        // Compare-and-set: exactly one worker wins even without row locks.
        let won = diesel::update(jobs::table.filter(jobs::id.eq(&id)).filter(claimable!(now)))
            .set((
                jobs::status.eq(RUNNING),
                jobs::worker.eq(worker),
                jobs::lease_until.eq(now + Duration::seconds(LEASE_SECONDS)),
                jobs::attempts.eq(jobs::attempts + 1),
                jobs::started_at.eq(now),
                jobs::updated_at.eq(now),
            ))
            .execute(conn)?;
        if won == 0 {
            return Ok(None);
        }
        let row = find(conn, &id)?;
        if row.attempts > MAX_ATTEMPTS {
            finish(conn, &id, worker, FAILED, None, Some("the job lost its worker too many times"))?;
            return Ok(None);
        }
        Ok(Some(row))
    })
}

/// Record progress and renew the lease; returns whether cancellation was requested.
pub fn heartbeat(
    conn: &mut DbConnection,
    id: &str,
    worker: &str,
    progress: &serde_json::Value,
) -> Result<bool, ServiceError> {
    let now = crate::services::now();
    diesel::update(
        jobs::table.filter(jobs::id.eq(id)).filter(jobs::worker.eq(worker)).filter(jobs::status.eq(RUNNING)),
    )
    .set((
        jobs::progress.eq(progress.to_string()),
        jobs::lease_until.eq(now + Duration::seconds(LEASE_SECONDS)),
        jobs::updated_at.eq(now),
    ))
    .execute(conn)?;
    let cancel: bool = jobs::table.find(id).select(jobs::cancel_requested).first(conn)?;
    Ok(cancel)
}

/// End a job this worker holds.
pub fn finish(
    conn: &mut DbConnection,
    id: &str,
    worker: &str,
    status: &str,
    result: Option<&serde_json::Value>,
    error: Option<&str>,
) -> Result<(), ServiceError> {
    let now = crate::services::now();
    diesel::update(jobs::table.filter(jobs::id.eq(id)).filter(jobs::worker.eq(worker)))
        .set((
            jobs::status.eq(status),
            jobs::result.eq(result.map(ToString::to_string)),
            jobs::error.eq(error),
            jobs::finished_at.eq(now),
            jobs::lease_until.eq(None::<NaiveDateTime>),
            jobs::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Hand a running job back to the queue (its worker is shutting down): the next worker
/// claims it at once instead of waiting for the lease to run out, and the claim given back
/// does not count among the job's attempts. Only the holder can.
pub fn release(conn: &mut DbConnection, id: &str, worker: &str) -> Result<(), ServiceError> {
    let now = crate::services::now();
    diesel::update(
        jobs::table.filter(jobs::id.eq(id)).filter(jobs::worker.eq(worker)).filter(jobs::status.eq(RUNNING)),
    )
    .set((
        jobs::status.eq(QUEUED),
        jobs::attempts.eq(jobs::attempts - 1),
        jobs::worker.eq(None::<String>),
        jobs::lease_until.eq(None::<NaiveDateTime>),
        jobs::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(())
}

/// Ask for cancellation: a queued job is cancelled at once; a running one when its worker
/// next looks (its result is then discarded).
pub fn cancel(conn: &mut DbConnection, id: &str) -> Result<JobRow, ServiceError> {
    let row = find(conn, id)?;
    if row.status != QUEUED && row.status != RUNNING {
        return Err(ServiceError::Conflict(format!("the job has already {}", row.status)));
    }
    let now = crate::services::now();
    diesel::update(jobs::table.filter(jobs::id.eq(id)))
        .set((jobs::cancel_requested.eq(true), jobs::updated_at.eq(now)))
        .execute(conn)?;
    diesel::update(jobs::table.filter(jobs::id.eq(id)).filter(jobs::status.eq(QUEUED)))
        .set((jobs::status.eq(CANCELLED), jobs::finished_at.eq(now)))
        .execute(conn)?;
    find(conn, id)
}
