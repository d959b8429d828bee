//! Benchmark runner for the Curtois & Qu instances.

use crate::formats::curtois;
use crate::{solve, validate, SolveOptions};
use serde::Serialize;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[derive(Clone, Debug)]
pub struct BenchOptions {
    pub time_limit: Duration,
    pub threads: u32,
    pub seed: u64,
    /// Write `DIR/<instance>.csv` (`employee,day,shift`) when set.
    pub solutions_dir: Option<PathBuf>,
}

impl Default for BenchOptions {
    fn default() -> Self {
        BenchOptions { time_limit: Duration::from_secs(60), threads: 1, seed: 1, solutions_dir: None }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct BenchRow {
    pub instance: String,
    pub staff: usize,
    pub days: u32,
    pub shift_types: usize,
    pub status: String,
    pub objective: Option<f64>,
    pub best_bound: Option<f64>,
    pub best_known: Option<f64>,
    pub gap_to_best_known_pct: Option<f64>,
    pub wall_seconds: f64,
    /// VmHWM of the whole process (MiB) after this instance.
    pub peak_memory_mib: Option<f64>,
    pub validator_ok: bool,
    pub error: Option<String>,
}

/// Best-known objective values ([WEB] BKS column of the benchmark README).
pub fn best_known(instance: &str) -> Option<f64> {
    const BKS: [(u32, f64); 24] = [
        (1, 607.0),
        (2, 828.0),
        (3, 1001.0),
        (4, 1716.0),
        (5, 1143.0),
        (6, 1950.0),
        (7, 1056.0),
        (8, 1300.0),
        (9, 439.0),
        (10, 4631.0),
        (11, 3443.0),
        (12, 4040.0),
        (13, 1348.0),
        (14, 1278.0),
        (15, 3828.0),
        (16, 3225.0),
        (17, 5746.0),
        (18, 4459.0),
        (19, 3149.0),
        (20, 4769.0),
        (21, 21133.0),
        (22, 30241.0),
        (23, 17285.0),
        (24, 40439.0),
    ];
    let n: u32 = instance.strip_prefix("Instance")?.parse().ok()?;
    BKS.iter().find(|(k, _)| *k == n).map(|(_, v)| *v)
}

/// Peak resident memory of this process in MiB (VmHWM), Linux only.
pub fn peak_memory_mib() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn run_one(file: &Path, opts: &BenchOptions) -> BenchRow {
    let name = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let mut row = BenchRow {
        instance: name.clone(),
        staff: 0,
        days: 0,
        shift_types: 0,
        status: "error".into(),
        objective: None,
        best_bound: None,
        best_known: best_known(&name),
        gap_to_best_known_pct: None,
        wall_seconds: 0.0,
        peak_memory_mib: None,
        validator_ok: false,
        error: None,
    };
    let problem = match curtois::read_file(file) {
        Ok(p) => p,
        Err(e) => {
            row.error = Some(e.to_string());
            return row;
        }
    };
    row.staff = problem.staff.len();
    row.days = problem.horizon_days;
    row.shift_types = problem.shift_types.len();
    let so =
        SolveOptions { time_limit: opts.time_limit, threads: opts.threads, seed: opts.seed, ..SolveOptions::default() };
    let t = Instant::now();
    let res = solve(&problem, &so);
    row.wall_seconds = t.elapsed().as_secs_f64();
    row.peak_memory_mib = peak_memory_mib();
    match res {
        Err(e) => row.error = Some(e.to_string()),
        Ok(sol) => {
            let rep = validate(&problem, &sol);
            row.validator_ok = rep.is_feasible() && (rep.objective - sol.objective).abs() < 1e-6;
            row.status = format!("{:?}", sol.status);
            row.objective = Some(sol.objective);
            row.best_bound = sol.best_bound;
            row.gap_to_best_known_pct = row.best_known.map(|b| (sol.objective - b) / b * 100.0);
            if let Some(dir) = &opts.solutions_dir {
                let mut csv = String::from("employee,day,shift\n");
                let mut a = sol.assignments;
                a.sort();
                for x in &a {
                    let _ = writeln!(csv, "{},{},{}", x.staff, x.day, x.shift);
                }
                let _ = std::fs::create_dir_all(dir);
                if let Err(e) = std::fs::write(dir.join(format!("{name}.csv")), csv) {
                    row.error = Some(format!("writing solution: {e}"));
                }
            }
        }
    }
    row
}

/// Solve each file in turn and report one row per instance.
pub fn run_curtois(files: &[PathBuf], opts: &BenchOptions) -> Vec<BenchRow> {
    files.iter().map(|f| run_one(f, opts)).collect()
}

/// Like [`run_curtois`] but calls `each` as soon as a row is ready.
pub fn run_curtois_with(files: &[PathBuf], opts: &BenchOptions, mut each: impl FnMut(&BenchRow)) -> Vec<BenchRow> {
    files
        .iter()
        .map(|f| {
            let r = run_one(f, opts);
            each(&r);
            r
        })
        .collect()
}

fn opt(v: Option<f64>, prec: usize) -> String {
    v.map_or_else(|| "–".to_string(), |x| format!("{x:.prec$}"))
}

/// A Markdown table of the rows.
pub fn format_table(rows: &[BenchRow]) -> String {
    let mut s = String::from(
        "| instance | staff | days | shifts | status | objective | bound | BKS | gap to BKS % | wall s | peak MiB | valid |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for r in rows {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.1} | {} | {} |",
            r.instance,
            r.staff,
            r.days,
            r.shift_types,
            r.error.as_deref().map_or(r.status.clone(), |e| format!("error: {e}")),
            opt(r.objective, 0),
            opt(r.best_bound, 1),
            opt(r.best_known, 0),
            opt(r.gap_to_best_known_pct, 2),
            r.wall_seconds,
            opt(r.peak_memory_mib, 0),
            r.validator_ok
        );
    }
    s
}
