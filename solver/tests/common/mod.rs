//! Helpers shared by the solver's test files.

use rota_solver::{solve, Problem, Solution, SolveOptions};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Solve `p` with `o`, the stop flag set from another thread after `secs` seconds.
pub fn solve_stopped_after(p: &Problem, o: SolveOptions, secs: u64) -> Solution {
    let stop = Arc::new(AtomicBool::new(false));
    let o = SolveOptions { stop: Some(stop.clone()), ..o };
    let setter = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(secs));
        stop.store(true, Ordering::Relaxed);
    });
    let s = solve(p, &o).unwrap();
    setter.join().unwrap();
    s
}
