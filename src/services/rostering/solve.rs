//! The solve job: build the problem in one read, solve outside any transaction, write the
//! roster's assignments in one transaction. A failed or cancelled solve leaves the previous
//! assignments as they were.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::RecvTimeoutError;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use serde_json::json;

use super::problem::{build, BuiltProblem};
use super::DRAFT;
use crate::db::models::{JobRow, RosterAssignmentRow};
use crate::db::schema::{roster_assignments, roster_wards, rosters};
use crate::db::{DbConnection, DbPool};
use crate::jobs::{self, SolveParams, CANCELLED, SUCCEEDED};
use crate::services::ServiceError;

pub const KIND: &str = "solve";

fn conn(pool: &DbPool) -> Result<crate::db::PooledConn, ServiceError> {
    pool.get().map_err(|e| ServiceError::Unavailable(e.to_string()))
}

/// How often a running solve job renews its lease, records its progress and looks
/// for a cancellation, whatever the solver is doing (well within `jobs::LEASE_SECONDS`),
/// in ticks of `TICK`, at which it looks whether its worker is shutting down.
const HEARTBEAT_TICKS: u32 = 5;
const TICK: Duration = Duration::from_secs(1);

/// Run a claimed solve job to completion.
///
/// The solve runs on this thread; a heartbeat thread beside it renews the job's lease
/// every five seconds with the latest progress, so that a long search that reports
/// nothing for a while is not taken for a dead worker, and stops the search when a
/// cancellation is asked for (the roster then keeps its previous assignments) or when
/// `shutdown` is set (the job then goes back to the queue for the next worker).
pub fn run(
    pool: &DbPool,
    job: &JobRow,
    worker: &str,
    shutdown: &AtomicBool,
    solver_threads: u32,
) -> Result<(), ServiceError> {
    let params: SolveParams =
        serde_json::from_str(&job.params).map_err(|e| ServiceError::Internal(format!("bad job parameters: {e}")))?;
    let roster_id = job.roster_id.clone().ok_or_else(|| ServiceError::Internal("solve job without roster".into()))?;
    let latest = Arc::new(Mutex::new(json!({ "phase": rota_solver::Phase::Construct })));
    let progress = {
        let latest = latest.clone();
        throttled(move |report| {
            if let Ok(mut l) = latest.lock() {
                *l = report;
            }
        })
    };
    // why the search was stopped early, if it was: the job's cancellation, or this worker's shutdown
    let stop_search = Arc::new(AtomicBool::new(false));
    let (cancel_seen, shutdown_seen) = (AtomicBool::new(false), AtomicBool::new(false));
    let (done, ticks) = std::sync::mpsc::channel::<()>();
    std::thread::scope(|scope| {
        let (latest, stop_search, cancel_seen, shutdown_seen) = (&latest, &stop_search, &cancel_seen, &shutdown_seen);
        scope.spawn(move || {
            // ends when `done` is dropped, i.e. when the solve below has returned
            let mut tick = 0u32;
            while let Err(RecvTimeoutError::Timeout) = ticks.recv_timeout(TICK) {
                if shutdown.load(Ordering::Relaxed) {
                    shutdown_seen.store(true, Ordering::Relaxed);
                    stop_search.store(true, Ordering::Relaxed);
                }
                tick += 1;
                if !tick.is_multiple_of(HEARTBEAT_TICKS) {
                    continue;
                }
                let report = latest.lock().map(|l| l.clone()).unwrap_or_default();
                let Ok(mut c) = pool.get() else { continue };
                match jobs::heartbeat(&mut c, &job.id, worker, &report) {
                    Ok(true) => {
                        cancel_seen.store(true, Ordering::Relaxed);
                        stop_search.store(true, Ordering::Relaxed);
                    }
                    Ok(false) => {}
                    Err(e) => tracing::warn!(job = %job.id, error = %e, "heartbeat failed"),
                }
            }
        });
        let search = Search { threads: solver_threads, progress, stop: Some(stop_search.clone()) };
        let outcome = solve_roster(pool, &roster_id, &params, search, |c, result| {
            let cancel: bool = crate::db::schema::jobs::table
                .find(&job.id)
                .select(crate::db::schema::jobs::cancel_requested)
                .first(c)?;
            if cancel || cancel_seen.load(Ordering::Relaxed) {
                jobs::finish(c, &job.id, worker, CANCELLED, Some(result), None)?;
                return Ok(false);
            }
            if shutdown_seen.load(Ordering::Relaxed) {
                // the search was cut short: the next worker solves it again in full
                tracing::info!(job = %job.id, "worker shutting down: job handed back to the queue");
                jobs::release(c, &job.id, worker)?;
                return Ok(false);
            }
            jobs::finish(c, &job.id, worker, SUCCEEDED, Some(result), None)?;
            Ok(true)
        });
        drop(done);
        outcome
    })?;
    Ok(())
}

/// A progress callback that reports at most once a second, as JSON.
pub fn throttled(report: impl Fn(serde_json::Value) + Send + Sync + 'static) -> rota_solver::ProgressFn {
    let last = Mutex::new(Instant::now() - Duration::from_secs(5));
    Arc::new(move |p: &rota_solver::Progress| {
        let Ok(mut at) = last.lock() else { return };
        if at.elapsed() < Duration::from_secs(1) && p.phase != rota_solver::Phase::Done {
            return;
        }
        *at = Instant::now();
        report(json!({
            "phase": p.phase,
            "elapsed_seconds": p.elapsed.as_secs_f64(),
            "incumbent": p.incumbent,
            "best_bound": p.best_bound,
        }));
    })
}

/// How a solve runs on this machine — the worker's or the command's choice, not the job's.
pub struct Search {
    /// Search lanes, one thread each (`Settings::solver_threads`).
    pub threads: u32,
    /// Where the solver's progress goes.
    pub progress: rota_solver::ProgressFn,
    /// Set to end the search early with the best roster so far.
    pub stop: Option<Arc<AtomicBool>>,
}

impl Search {
    /// `threads` lanes and no stop flag (it ends at its time limit or on a proof), progress to `report`.
    pub fn to_the_limit(threads: u32, report: impl Fn(serde_json::Value) + Send + Sync + 'static) -> Search {
        Search { threads, progress: throttled(report), stop: None }
    }
}

/// Build the roster's problem, solve it, and — if `keep` (called inside the writing
/// transaction with the result) agrees — replace its assignments. Returns the result summary.
pub fn solve_roster(
    pool: &DbPool,
    roster_id: &str,
    params: &SolveParams,
    search: Search,
    keep: impl FnOnce(&mut DbConnection, &serde_json::Value) -> Result<bool, ServiceError>,
) -> Result<serde_json::Value, ServiceError> {
    let built = {
        let mut pooled = conn(pool)?;
        let c: &mut DbConnection = &mut pooled;
        c.transaction(|c| {
            let (site_id, start, end, status): (String, chrono::NaiveDate, chrono::NaiveDate, String) = rosters::table
                .find(roster_id)
                .select((rosters::site_id, rosters::start_date, rosters::end_date, rosters::status))
                .first(c)?;
            if status != DRAFT {
                return Err(ServiceError::Conflict(
                    "a published roster never changes: start a new draft from it and solve that".into(),
                ));
            }
            let ward_ids: Vec<String> = roster_wards::table
                .filter(roster_wards::roster_id.eq(roster_id))
                .select(roster_wards::ward_id)
                .load(c)?;
            let mut built = build(c, &site_id, &ward_ids, start, end)?;
            // Pinned assignments stay as they are.
            let pinned: Vec<(chrono::NaiveDate, String, String)> = roster_assignments::table
                .filter(roster_assignments::roster_id.eq(roster_id))
                .filter(roster_assignments::pinned.eq(true))
                .select((roster_assignments::date, roster_assignments::staff_id, roster_assignments::shift_template_id))
                .load(c)?;
            for (date, staff, shift) in pinned {
                if let Ok(day) = u32::try_from((date - start).num_days()) {
                    built.problem.pins.push(rota_solver::Pin { staff, day, shift: Some(shift) });
                }
            }
            Ok(built)
        })?
    };
    check_solvable(&built)?;
    let options = rota_solver::SolveOptions {
        time_limit: Duration::from_secs(params.time_limit_seconds),
        relative_gap: params.relative_gap,
        threads: search.threads,
        seed: 1,
        warm_start: None,
        progress: Some(search.progress),
        stop: search.stop,
    };
    let solution = rota_solver::solve(&built.problem, &options).map_err(|e| match e {
        rota_solver::SolveError::InvalidProblem(faults) => ServiceError::Validation(
            faults.into_iter().map(|f| crate::domain::FieldError { field: f.what, message: f.detail }).collect(),
        ),
        rota_solver::SolveError::Solver(m) => ServiceError::Internal(m),
    })?;
    let report = rota_solver::validate(&built.problem, &solution);
    let result = json!({
        "status": solution.status,
        "objective": report.objective,
        "best_bound": solution.best_bound,
        "gap": solution.gap,
        "hard_violations": report.hard.len(),
        "cost_by_family": report.cost_by_family,
        "uncovered": solution.uncovered,
        "assignments": solution.assignments.len(),
        "elapsed_seconds": solution.elapsed_seconds,
        "search_lanes": options.threads,
    });
    let mut pooled = conn(pool)?;
    let c: &mut DbConnection = &mut pooled;
    c.transaction(|c| -> Result<(), ServiceError> {
        crate::db::lock_for_write(c)?;
        let status: String = rosters::table.find(roster_id).select(rosters::status).first(c)?;
        if status != DRAFT {
            return Err(ServiceError::Conflict("the roster was published while it was being solved".into()));
        }
        if !keep(c, &result)? {
            return Ok(());
        }
        write_assignments(c, roster_id, &built, &solution.assignments)?;
        let now = crate::services::now();
        let version: i64 = rosters::table.find(roster_id).select(rosters::version).first(c)?;
        diesel::update(rosters::table.find(roster_id))
            .set((
                rosters::objective.eq(Some(report.objective)),
                rosters::solved_at.eq(Some(now)),
                rosters::status.eq(DRAFT),
                rosters::version.eq(version + 1),
                rosters::updated_at.eq(now),
            ))
            .execute(c)?;
        let detail = json!({
            "objective": report.objective, "status": solution.status, "assignments": solution.assignments.len(),
            "uncovered": solution.uncovered.len(), "time_limit_seconds": params.time_limit_seconds,
        });
        super::history::record(c, roster_id, version + 1, "solver", "solved", &detail)?;
        Ok(())
    })?;
    Ok(result)
}

/// Refuse what cannot be solved, with the reason: no demand, or nobody to work.
pub fn check_solvable(built: &BuiltProblem) -> Result<(), ServiceError> {
    let mut e = crate::domain::FieldErrors::new();
    e.check(
        !built.problem.slots.is_empty(),
        "roster",
        "no staffing demand on these wards and dates: add staffing requirements or census first",
    );
    e.check(!built.problem.staff.is_empty(), "roster", "nobody works on these wards: give staff a home or float ward");
    Ok(e.finish(())?)
}

/// Replace the roster's assignments with the solver's, materialised to UTC instants.
pub(crate) fn write_assignments(
    c: &mut DbConnection,
    roster_id: &str,
    built: &BuiltProblem,
    assignments: &[rota_solver::Assignment],
) -> Result<(), ServiceError> {
    // Pinned assignments (the solver kept them) keep their pin and reason.
    let kept: Vec<(chrono::NaiveDate, String, String, Option<String>)> = roster_assignments::table
        .filter(roster_assignments::roster_id.eq(roster_id))
        .filter(roster_assignments::pinned.eq(true))
        .select((
            roster_assignments::date,
            roster_assignments::staff_id,
            roster_assignments::shift_template_id,
            roster_assignments::override_reason,
        ))
        .load(c)?;
    diesel::delete(roster_assignments::table.filter(roster_assignments::roster_id.eq(roster_id))).execute(c)?;
    let mut rows = Vec::with_capacity(assignments.len());
    for a in assignments {
        let template = built
            .templates
            .get(&a.shift)
            .ok_or_else(|| ServiceError::Internal(format!("solver returned unknown shift {}", a.shift)))?;
        let date = built.date_of(a.day);
        let instance = template
            .pattern()
            .on(date, built.tz)
            .ok_or_else(|| ServiceError::Internal(format!("shift {} does not run on {date}", template.code)))?;
        let role_id = built.roles.get(&a.staff).cloned().unwrap_or_default();
        let skill_id = a.skill.as_deref().and_then(|q| q.split_once('+')).map(|(_, s)| s.to_owned());
        rows.push(RosterAssignmentRow {
            id: crate::services::new_id(),
            roster_id: roster_id.to_owned(),
            staff_id: a.staff.clone(),
            ward_id: a.ward.clone(),
            shift_template_id: a.shift.clone(),
            date,
            role_id,
            skill_id,
            starts_at: instance.start_utc.naive_utc(),
            ends_at: instance.end_utc.naive_utc(),
            pinned: false,
            override_reason: None,
        });
        if let Some(row) = rows.last_mut() {
            if let Some(pin) =
                kept.iter().find(|k| k.0 == row.date && k.1 == row.staff_id && k.2 == row.shift_template_id)
            {
                row.pinned = true;
                row.override_reason.clone_from(&pin.3);
            }
        }
    }
    // One statement per row: batch inserts are not portable across the two backends.
    for row in &rows {
        diesel::insert_into(roster_assignments::table).values(row).execute(c)?;
    }
    Ok(())
}
