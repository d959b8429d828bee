//! `rota-solver curtois FILE... --time-limit S --threads N [--seed N] [--json] [--solutions DIR]`

use rota_solver::bench::{format_table, run_curtois_with, BenchOptions};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str =
    "usage: rota-solver curtois FILE... [--time-limit SECONDS] [--threads N] [--seed N] [--json] [--solutions DIR]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) != Some("curtois") {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    }
    let mut files = Vec::new();
    let mut opts = BenchOptions::default();
    let mut json = false;
    let mut it = args.iter().skip(1);
    while let Some(a) = it.next() {
        let mut value =
            |name: &str| -> Result<String, String> { it.next().cloned().ok_or(format!("{name} needs a value")) };
        let r: Result<(), String> = match a.as_str() {
            "--time-limit" => value(a).and_then(|v| {
                v.parse::<f64>()
                    .ok()
                    .filter(|s| *s > 0.0 && s.is_finite())
                    .and_then(|s| Duration::try_from_secs_f64(s).ok())
                    .map(|d| opts.time_limit = d)
                    .ok_or(format!("bad time limit {v}"))
            }),
            "--threads" => {
                value(a).and_then(|v| v.parse().map(|n| opts.threads = n).map_err(|_| format!("bad threads {v}")))
            }
            "--seed" => value(a).and_then(|v| v.parse().map(|n| opts.seed = n).map_err(|_| format!("bad seed {v}"))),
            "--solutions" => value(a).map(|v| opts.solutions_dir = Some(PathBuf::from(v))),
            "--json" => {
                json = true;
                Ok(())
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            f if f.starts_with("--") => Err(format!("unknown option {f}")),
            f => {
                files.push(PathBuf::from(f));
                Ok(())
            }
        };
        if let Err(e) = r {
            eprintln!("{e}\n{USAGE}");
            return ExitCode::from(2);
        }
    }
    if files.is_empty() {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    }
    let rows = run_curtois_with(&files, &opts, |r| {
        if json {
            if let Ok(s) = serde_json::to_string(r) {
                println!("{s}");
            }
        } else {
            eprintln!(
                "{}: objective {:?} bound {:?} gap {:?}% in {:.1}s valid={}",
                r.instance, r.objective, r.best_bound, r.gap_to_best_known_pct, r.wall_seconds, r.validator_ok
            );
        }
    });
    if !json {
        print!("{}", format_table(&rows));
    }
    if rows.iter().all(|r| r.error.is_none()) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
