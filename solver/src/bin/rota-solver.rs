//! Stand-alone benchmark runner:
//!
//! - `rota-solver curtois FILE... [--time-limit S] [--threads N] [--seed N] [--json] [--solutions DIR]`
//! - `rota-solver inrc2 DIR --history H --weeks A-B-C-D [--weeks …] [--time-limit S] [--threads N] [--seed N]
//!   [--json] [--solutions DIR]`: INRC-II static instances of the dataset directory DIR
//! - `rota-solver inrc2-check DIR --history H --weeks A-B-C-D SOL-FILE...`: validate official
//!   per-week solution files (or one `nurse,day,shift,skill` CSV written by `--solutions`) and
//!   print the report in the official validator's categories
//! - `rota-solver pricing FILE... [--rounds N] [--time-limit S] [--dive S] [--json]`: column
//!   generation alone on Curtois instances, at most N rounds (default 20): the speed of its
//!   pricing; with `--dive`, then a dive of at most S seconds and its roster's cost

use rota_solver::bench::{
    format_table, run_curtois_with, run_inrc2_with, run_pricing, BenchOptions, BenchRow, Inrc2Instance,
};
use rota_solver::formats::inrc2;
use rota_solver::{validate, Solution};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str = "usage: rota-solver curtois FILE... [--time-limit SECONDS] [--threads N] [--seed N] [--json] [--solutions DIR]
       rota-solver inrc2 DIR --history H --weeks A-B-C-D [--weeks ...] [--time-limit SECONDS] [--threads N] [--seed N] [--json] [--solutions DIR]
       rota-solver inrc2-check DIR --history H --weeks A-B-C-D SOL-FILE...
       rota-solver pricing FILE... [--rounds N] [--time-limit SECONDS] [--dive SECONDS] [--json]";

#[derive(Default)]
struct Args {
    opts: BenchOptions,
    json: bool,
    positional: Vec<String>,
    history: Option<u32>,
    weeks: Vec<Vec<u32>>,
    rounds: Option<usize>,
    dive: Option<Duration>,
}

fn parse_weeks(v: &str) -> Result<Vec<u32>, String> {
    v.split('-').map(|w| w.parse::<u32>().map_err(|_| format!("bad week list {v}"))).collect()
}

/// A positive, finite number of seconds.
fn seconds(v: &str) -> Option<Duration> {
    v.parse::<f64>().ok().filter(|s| *s > 0.0 && s.is_finite()).and_then(|s| Duration::try_from_secs_f64(s).ok())
}

fn parse_args(args: &[String]) -> Result<Option<Args>, String> {
    let mut a = Args::default();
    let mut it = args.iter();
    while let Some(x) = it.next() {
        let mut value =
            |name: &str| -> Result<String, String> { it.next().cloned().ok_or(format!("{name} needs a value")) };
        match x.as_str() {
            "--time-limit" => {
                let v = value(x)?;
                a.opts.time_limit = seconds(&v).ok_or(format!("bad time limit {v}"))?;
            }
            "--threads" => {
                let v = value(x)?;
                a.opts.threads = v.parse().map_err(|_| format!("bad threads {v}"))?;
            }
            "--seed" => {
                let v = value(x)?;
                a.opts.seed = v.parse().map_err(|_| format!("bad seed {v}"))?;
            }
            "--solutions" => a.opts.solutions_dir = Some(PathBuf::from(value(x)?)),
            "--history" => {
                let v = value(x)?;
                a.history = Some(v.parse().map_err(|_| format!("bad history {v}"))?);
            }
            "--weeks" => a.weeks.push(parse_weeks(&value(x)?)?),
            "--dive" => {
                let v = value(x)?;
                a.dive = Some(seconds(&v).ok_or(format!("bad dive seconds {v}"))?);
            }
            "--rounds" => {
                let v = value(x)?;
                a.rounds = Some(v.parse().ok().filter(|n| *n > 0).ok_or(format!("bad rounds {v}"))?);
            }
            "--json" => a.json = true,
            "-h" | "--help" => return Ok(None),
            f if f.starts_with("--") => return Err(format!("unknown option {f}")),
            f => a.positional.push(f.to_string()),
        }
    }
    Ok(Some(a))
}

fn print_row(json: bool, r: &BenchRow) {
    if json {
        if let Ok(s) = serde_json::to_string(r) {
            println!("{s}");
        }
    } else {
        eprintln!(
            "{}: objective {:?} bound {:?} gap {:?}% in {:.1}s valid={}{}",
            r.instance,
            r.objective,
            r.best_bound,
            r.gap_to_best_known_pct,
            r.wall_seconds,
            r.validator_ok,
            r.error.as_deref().map_or(String::new(), |e| format!(" error: {e}"))
        );
    }
}

fn inrc2_instances(a: &Args) -> Result<Vec<Inrc2Instance>, String> {
    let [dir] = a.positional.as_slice() else { return Err("inrc2 needs exactly one dataset directory".into()) };
    let history = a.history.ok_or("--history is required")?;
    if a.weeks.is_empty() {
        return Err("--weeks is required".into());
    }
    Ok(a.weeks.iter().map(|w| Inrc2Instance { dir: PathBuf::from(dir), history, weeks: w.clone() }).collect())
}

fn inrc2_check(a: &Args) -> Result<bool, String> {
    let (dir, files) = a.positional.split_first().ok_or("inrc2-check needs a directory and solution files")?;
    let history = a.history.ok_or("--history is required")?;
    let [weeks] = a.weeks.as_slice() else { return Err("inrc2-check needs one --weeks".into()) };
    let p = inrc2::read_instance(&PathBuf::from(dir), history, weeks).map_err(|e| e.to_string())?;
    let files: Vec<PathBuf> = files.iter().map(PathBuf::from).collect();
    let sol = inrc2::read_solution_files(&p, &files).map_err(|e| e.to_string())?;
    let rep = validate(&p, &Solution::from_assignments(sol));
    let r = inrc2::report(&rep);
    if a.json {
        println!("{}", serde_json::to_string(&r).map_err(|e| e.to_string())?);
    } else {
        print!("{}", r.to_text());
        for v in &rep.hard {
            eprintln!("hard: {:?} {:?} day {:?}: {}", v.family, v.staff, v.day, v.detail);
        }
    }
    Ok(rep.is_feasible())
}

/// `rota-solver pricing`: one line per instance (JSON with `--json`).
fn pricing(a: &Args) -> ExitCode {
    let mut ok = true;
    for f in &a.positional {
        let r = run_pricing(&PathBuf::from(f), a.rounds.unwrap_or(20), a.opts.time_limit, a.dive);
        ok &= r.error.is_none();
        if a.json {
            if let Ok(s) = serde_json::to_string(&r) {
                println!("{s}");
            }
        } else {
            println!(
                "{}: {} rounds in {:.2}s ({} s a round){} lp {:?} bound {:?} pool {}{}{}",
                r.instance,
                r.rounds,
                r.seconds,
                r.seconds_per_round.map_or("-".into(), |s| format!("{s:.3}")),
                if r.converged { ", converged," } else { "" },
                r.lp_value,
                r.bound,
                r.pool,
                r.dive.map_or(String::new(), |d| format!(
                    " dive {} in {:.1}s",
                    d.map_or("none".into(), |v| format!("{v}")),
                    r.dive_seconds.unwrap_or(0.0)
                )),
                r.error.as_deref().map_or(String::new(), |e| format!(" error: {e}"))
            );
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((cmd, rest)) = args.split_first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let a = match parse_args(rest) {
        Ok(Some(a)) => a,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("{e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let rows = match cmd.as_str() {
        "curtois" => {
            if a.positional.is_empty() {
                eprintln!("{USAGE}");
                return ExitCode::from(2);
            }
            let files: Vec<PathBuf> = a.positional.iter().map(PathBuf::from).collect();
            run_curtois_with(&files, &a.opts, |r| print_row(a.json, r))
        }
        "inrc2" => match inrc2_instances(&a) {
            Ok(inst) => run_inrc2_with(&inst, &a.opts, |r| print_row(a.json, r)),
            Err(e) => {
                eprintln!("{e}\n{USAGE}");
                return ExitCode::from(2);
            }
        },
        "inrc2-check" => {
            return match inrc2_check(&a) {
                Ok(true) => ExitCode::SUCCESS,
                Ok(false) => ExitCode::FAILURE,
                Err(e) => {
                    eprintln!("{e}");
                    ExitCode::from(2)
                }
            }
        }
        "pricing" => {
            if a.positional.is_empty() {
                eprintln!("{USAGE}");
                return ExitCode::from(2);
            }
            return pricing(&a);
        }
        "-h" | "--help" => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    if !a.json {
        print!("{}", format_table(&rows));
    }
    // a rejected INRC-II roster fails the run (Curtois: as before, errors only)
    if rows.iter().all(|r| r.error.is_none() && (cmd == "curtois" || r.validator_ok)) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
