//! `rota-solver`: hospital staff rostering as a mixed-integer program over
//! HiGHS (through good_lp), with a search around it (greedy construction,
//! fix-and-optimise / LNS, full-model solve for bounds) and an independent
//! validator.

mod anneal;
pub mod bench;
mod colgen;
pub mod formats;
pub mod generate;
mod line;
mod model;
pub mod problem;
mod search;
pub mod solution;
mod start;
pub mod validate;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

pub use problem::{
    Assignment, Contract, Family, History, Mode, Pin, Problem, ProblemFault, Qualification, Request, Roster,
    RosterEntry, Rules, RunLimits, ShiftType, Slot, Staff,
};
pub use solution::{SlotSummary, Solution, SolveStatus, StaffSummary, Uncovered, UncoveredReason};
pub use validate::{validate, ValidationReport, Violation};

/// Search phase reported to the progress callback.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Phase {
    Construct,
    Lns,
    FullModel,
    Done,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct Progress {
    pub phase: Phase,
    pub elapsed: Duration,
    /// Objective of the best roster so far (validator value; in the first half of a
    /// search that starts on whole weekends, see `search`, with each half weekend
    /// priced as a weekend shift short).
    pub incumbent: Option<f64>,
    pub best_bound: Option<f64>,
}

pub type ProgressFn = Arc<dyn Fn(&Progress) + Send + Sync>;

/// Most search lanes one solve runs ([`SolveOptions::threads`] above it counts as this).
pub const MAX_THREADS: u32 = 8;

#[derive(Clone)]
pub struct SolveOptions {
    /// Overall limit: model building and search together.
    pub time_limit: Duration,
    /// Relative MIP gap at which the full model stops (0 = prove optimality).
    pub relative_gap: f64,
    /// Search lanes run side by side, one thread each (at most [`MAX_THREADS`]): each lane
    /// searches with its own seed and the lanes exchange their best rosters
    /// between turns. The full model (bound, proof) runs on a lane of its own
    /// (the second) for the smallest models unless `stop` is given, otherwise
    /// on the first between its searches. Every HiGHS solve is single-threaded.
    pub threads: u32,
    pub seed: u64,
    pub warm_start: Option<Roster>,
    pub progress: Option<ProgressFn>,
    /// Set to `true` (from another thread) to end the search early, e.g. for a
    /// cancelled job: the best roster so far comes back as soon as the step in
    /// progress ends — an annealing batch at once, a neighbourhood solve within
    /// seconds; a full-model HiGHS solve already running keeps its own limit.
    pub stop: Option<Arc<AtomicBool>>,
}

impl SolveOptions {
    /// Whether `stop` has been set.
    pub fn stopped(&self) -> bool {
        self.stop.as_ref().is_some_and(|s| s.load(Ordering::Relaxed))
    }
}

impl Default for SolveOptions {
    fn default() -> Self {
        SolveOptions {
            time_limit: Duration::from_secs(60),
            relative_gap: 0.0,
            threads: 1,
            seed: 1,
            warm_start: None,
            progress: None,
            stop: None,
        }
    }
}

impl std::fmt::Debug for SolveOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SolveOptions")
            .field("time_limit", &self.time_limit)
            .field("relative_gap", &self.relative_gap)
            .field("threads", &self.threads)
            .field("seed", &self.seed)
            .field("warm_start", &self.warm_start.as_ref().map(|r| r.assignments.len()))
            .field("progress", &self.progress.is_some())
            .field("stop", &self.stop.is_some())
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SolveError {
    #[error("invalid problem: {0:?}")]
    InvalidProblem(Vec<ProblemFault>),
    #[error("solver failure: {0}")]
    Solver(String),
}

/// Solve a rostering problem within `options.time_limit`.
pub fn solve(problem: &Problem, options: &SolveOptions) -> Result<Solution, SolveError> {
    search::solve(problem, options)
}
