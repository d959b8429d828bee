//! Benchmark runners for the Curtois & Qu and the INRC-II (static) instances.

use crate::formats::{curtois, inrc2};
use crate::{solve, validate, Assignment, Problem, SolveOptions};
use serde::Serialize;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[derive(Clone, Debug)]
pub struct BenchOptions {
    pub time_limit: Duration,
    pub threads: u32,
    pub seed: u64,
    /// Write `DIR/<instance>.csv` when set (Curtois: `employee,day,shift`;
    /// INRC-II: `nurse,day,shift,skill`).
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
    /// INRC-II only: the roster's costs in the official validator's categories.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inrc2: Option<inrc2::Inrc2Report>,
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

fn empty_row(instance: String, best_known: Option<f64>) -> BenchRow {
    BenchRow {
        instance,
        staff: 0,
        days: 0,
        shift_types: 0,
        status: "error".into(),
        objective: None,
        best_bound: None,
        best_known,
        gap_to_best_known_pct: None,
        wall_seconds: 0.0,
        peak_memory_mib: None,
        validator_ok: false,
        error: None,
        inrc2: None,
    }
}

/// Solve `problem`, validate the roster, fill `row` and write the CSV made by `csv`.
fn solve_into(
    row: &mut BenchRow,
    problem: &Problem,
    opts: &BenchOptions,
    csv: fn(&[Assignment]) -> String,
) -> Option<crate::ValidationReport> {
    row.staff = problem.staff.len();
    row.days = problem.horizon_days;
    row.shift_types = problem.shift_types.len();
    let so =
        SolveOptions { time_limit: opts.time_limit, threads: opts.threads, seed: opts.seed, ..SolveOptions::default() };
    let t = Instant::now();
    let res = solve(problem, &so);
    row.wall_seconds = t.elapsed().as_secs_f64();
    row.peak_memory_mib = peak_memory_mib();
    match res {
        Err(e) => {
            row.error = Some(e.to_string());
            None
        }
        Ok(sol) => {
            let rep = validate(problem, &sol);
            row.validator_ok = rep.is_feasible() && (rep.objective - sol.objective).abs() < 1e-6;
            row.status = format!("{:?}", sol.status);
            row.objective = Some(sol.objective);
            row.best_bound = sol.best_bound;
            row.gap_to_best_known_pct = row.best_known.map(|b| (sol.objective - b) / b * 100.0);
            if let Some(dir) = &opts.solutions_dir {
                let _ = std::fs::create_dir_all(dir);
                if let Err(e) = std::fs::write(dir.join(format!("{}.csv", row.instance)), csv(&sol.assignments)) {
                    row.error = Some(format!("writing solution: {e}"));
                }
            }
            Some(rep)
        }
    }
}

fn curtois_csv(assignments: &[Assignment]) -> String {
    let mut csv = String::from("employee,day,shift\n");
    let mut a = assignments.to_vec();
    a.sort();
    for x in &a {
        let _ = writeln!(csv, "{},{},{}", x.staff, x.day, x.shift);
    }
    csv
}

fn run_one(file: &Path, opts: &BenchOptions) -> BenchRow {
    let name = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let mut row = empty_row(name.clone(), best_known(&name));
    match curtois::read_file(file) {
        Ok(problem) => {
            solve_into(&mut row, &problem, opts, curtois_csv);
        }
        Err(e) => row.error = Some(e.to_string()),
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

fn hospital_csv(assignments: &[Assignment]) -> String {
    let mut csv = String::from("staff,day,shift,ward,skill\n");
    let mut a = assignments.to_vec();
    a.sort();
    for x in &a {
        let _ = writeln!(csv, "{},{},{},{},{}", x.staff, x.day, x.shift, x.ward, x.skill.as_deref().unwrap_or(""));
    }
    csv
}

/// Generate a hospital ([`crate::generate::hospital`]) and solve it: one row, no best-known value
/// (the gap is to HiGHS's bound).
pub fn run_hospital(spec: &crate::generate::HospitalSpec, opts: &BenchOptions) -> BenchRow {
    let problem = crate::generate::hospital(spec);
    let mut row = empty_row(problem.name.clone(), None);
    solve_into(&mut row, &problem, opts, hospital_csv);
    row
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

/// One INRC-II static instance: a dataset directory (holding `Sc-<family>.txt`,
/// `H0-<family>-<h>.txt`, `WD-<family>-<w>.txt`), the initial history and the week files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inrc2Instance {
    pub dir: PathBuf,
    pub history: u32,
    /// Week-data indices, one per week of the horizon.
    pub weeks: Vec<u32>,
}

impl Inrc2Instance {
    /// The instance name `family_history_w1-w2-…` (the directory name stands in for the
    /// family when it has no scenario file).
    pub fn name(&self) -> String {
        let family = inrc2::family_of(&self.dir)
            .unwrap_or_else(|_| self.dir.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default());
        inrc2::instance_name(&family, self.history, &self.weeks)
    }
}

/// Best-known objective values of the INRC-II static instances (table of the benchmark README).
pub fn best_known_inrc2(instance: &str) -> Option<f64> {
    const BKS: [(&str, f64); 12] = [
        ("n030w4_1_6-2-9-1", 1670.0),
        ("n030w4_1_6-7-5-3", 1820.0),
        ("n040w4_0_2-0-6-1", 1565.0),
        ("n040w4_2_6-1-0-6", 1750.0),
        ("n050w4_0_0-4-8-7", 1320.0),
        ("n050w4_0_7-2-7-2", 1315.0),
        ("n060w4_1_6-1-1-5", 2455.0),
        ("n060w4_1_9-6-3-8", 2675.0),
        ("n080w4_2_4-3-3-3", 3300.0),
        ("n080w4_2_6-0-4-8", 3190.0),
        ("n120w4_1_4-6-2-6", 2020.0),
        ("n120w4_1_5-6-9-8", 2050.0),
    ];
    BKS.iter().find(|(k, _)| *k == instance).map(|(_, v)| *v)
}

fn run_one_inrc2(inst: &Inrc2Instance, opts: &BenchOptions) -> BenchRow {
    let name = inst.name();
    let mut row = empty_row(name.clone(), best_known_inrc2(&name));
    match inrc2::read_instance(&inst.dir, inst.history, &inst.weeks) {
        Ok(problem) => {
            let rep = solve_into(&mut row, &problem, opts, inrc2::solution_csv);
            row.inrc2 = rep.as_ref().map(inrc2::report);
        }
        Err(e) => row.error = Some(e.to_string()),
    }
    row
}

/// Solve each INRC-II instance (static version: the whole horizon at once) in turn.
pub fn run_inrc2(instances: &[Inrc2Instance], opts: &BenchOptions) -> Vec<BenchRow> {
    run_inrc2_with(instances, opts, |_| {})
}

/// Like [`run_inrc2`] but calls `each` as soon as a row is ready.
pub fn run_inrc2_with(
    instances: &[Inrc2Instance],
    opts: &BenchOptions,
    mut each: impl FnMut(&BenchRow),
) -> Vec<BenchRow> {
    instances
        .iter()
        .map(|inst| {
            let r = run_one_inrc2(inst, opts);
            each(&r);
            r
        })
        .collect()
}

/// How fast column generation's pricing runs on one instance ([`run_pricing`]).
#[derive(Clone, Debug, Default, Serialize)]
pub struct PricingRow {
    pub instance: String,
    /// Rounds of column generation run (LP, then every person's best line priced).
    pub rounds: usize,
    pub seconds: f64,
    pub seconds_per_round: Option<f64>,
    /// Whether no line priced out any more (the LP converged).
    pub converged: bool,
    pub lp_value: Option<f64>,
    pub bound: Option<f64>,
    pub pool: usize,
    /// With a dive: the roster it ended with, as the validator prices it (`None`:
    /// no roster, or one that breaks a rule), and its seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dive: Option<Option<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dive_seconds: Option<f64>,
    pub error: Option<String>,
}

/// Column generation alone on a Curtois instance, from each person's best line
/// without cover, for at most `rounds` rounds or `time_limit` (its LP's time:
/// a fast first round too slow for it → coarse rounds), never given up as too
/// slow: the speed of its pricing (the line planner), side by side across
/// builds; each round on stderr with `ROTA_SOLVER_TRACE`. Then, given `dive`,
/// a dive for at most that long, and what its roster costs. `error` when the instance cannot be read or a rule of it is
/// beyond the planner.
pub fn run_pricing(file: &Path, rounds: usize, time_limit: Duration, dive: Option<Duration>) -> PricingRow {
    let instance = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let mut row = PricingRow { instance, ..PricingRow::default() };
    let problem = match curtois::read_file(file) {
        Ok(p) => p,
        Err(e) => {
            row.error = Some(e.to_string());
            return row;
        }
    };
    let ix = crate::problem::Index::new(&problem);
    let Some(mut cg) = crate::colgen::ColGen::new(&problem, &ix) else {
        row.error = Some("a rule of this instance is beyond the line planner".into());
        return row;
    };
    let t = Instant::now();
    row.converged = cg.measure(rounds, t + time_limit, std::env::var_os("ROTA_SOLVER_TRACE").is_some());
    row.seconds = t.elapsed().as_secs_f64();
    row.rounds = cg.rounds;
    row.seconds_per_round = (cg.rounds > 0).then(|| row.seconds / cg.rounds as f64);
    row.lp_value = cg.lp_value;
    row.bound = cg.bound;
    row.pool = cg.pool();
    if let Some(d) = dive {
        let t = Instant::now();
        let table = cg.dive(t + d, f64::INFINITY, &|| false, false);
        row.dive_seconds = Some(t.elapsed().as_secs_f64());
        row.dive = Some(table.and_then(|tb| {
            let rep = crate::validate::validate_table(&problem, &tb);
            rep.hard.is_empty().then_some(rep.objective)
        }));
    }
    row
}
