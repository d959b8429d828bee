//! The command line: `rota serve | worker | migrate | demo | openapi | token create`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use diesel::Connection;

use crate::config::Settings;
use crate::domain::TokenRole;
use crate::services::{auth, demo};
use crate::startup::{prepare_database, Application};

#[derive(Debug, Parser)]
#[command(name = "rota", version, about = "Hospital shift staffing: wards, rosters, care teams")]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct Global {
    /// YAML settings file (also ROTA_CONFIG).
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    /// postgres://… for PostgreSQL, or a SQLite file path (also DATABASE_URL).
    #[arg(long, global = true)]
    pub database_url: Option<String>,
    /// Directory for the embedded database (also ROTA_DATA_DIR).
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,
    /// Search lanes (threads) per solve, 1–8, for `serve`, `worker`, `schedule` and
    /// `bench demo` (also ROTA_SOLVER_THREADS); default 1.
    #[arg(long, global = true)]
    pub solver_threads: Option<u32>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the HTTP API.
    Serve {
        /// Address to listen on (also ROTA_BIND); default 127.0.0.1:8080.
        #[arg(long)]
        bind: Option<String>,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Run queued jobs (solving) until interrupted; any number may share a PostgreSQL database.
    Worker,
    /// Load the demo hospital (idempotent).
    Demo {
        #[arg(long, default_value = "fixtures/demo-hospital.yaml")]
        fixture: PathBuf,
        /// Plan the four weeks after the Monday following this date (default: today).
        #[arg(long)]
        today: Option<chrono::NaiveDate>,
    },
    /// Solve and write weekly schedules per ward (JSON, CSV, XLSX, ICS) from the database.
    Schedule {
        /// Site code, e.g. LON.
        #[arg(long)]
        site: String,
        /// The Monday the first week starts on (local date), e.g. 2026-12-07.
        #[arg(long)]
        week: chrono::NaiveDate,
        #[arg(long, default_value_t = 1)]
        weeks: u32,
        /// Ward codes, comma-separated; every active ward of the site when omitted.
        #[arg(long, value_delimiter = ',')]
        wards: Vec<String>,
        /// Output directory.
        #[arg(long)]
        out: PathBuf,
        /// Formats, comma-separated: json,csv,xlsx,ics.
        #[arg(long, default_value = "json,csv,xlsx,ics")]
        format: String,
        /// Solver time limit in seconds.
        #[arg(long, default_value_t = 60)]
        time_limit: u64,
        /// Publish the roster when it is solved (staff see it; each person is told once).
        #[arg(long)]
        publish: bool,
    },
    /// Print the OpenAPI document (JSON) and exit.
    Openapi,
    /// Measure the solver on public benchmarks.
    Bench {
        #[command(subcommand)]
        suite: BenchSuite,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum BenchSuite {
    /// The demo hospital: load it into a fresh database, roster each site for four weeks,
    /// publish, and repair one call-out (needs an empty database: use --data-dir or --database-url).
    Demo {
        #[arg(long, default_value = "fixtures/demo-hospital.yaml")]
        fixture: PathBuf,
        /// Solver time limit per site, in seconds.
        #[arg(long, default_value_t = 60)]
        time_limit: u64,
        #[arg(long)]
        json: bool,
        /// Instead of the demo, a generated hospital of this many staff (with --wards), built
        /// from the demo's wards and people.
        #[arg(long, requires = "wards")]
        staff: Option<usize>,
        #[arg(long, requires = "staff")]
        wards: Option<usize>,
        /// Seed of the generated hospital.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Curtois–Qu instances (one row per file; best-known values from the benchmark's table).
    Curtois {
        /// Instance files, e.g. ../shared/benchmarks/curtois/Instance1.txt
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Seconds per instance.
        #[arg(long, default_value_t = 60)]
        time_limit: u64,
        /// Search lanes side by side, one thread each (they share their best rosters).
        #[arg(long, default_value_t = 2)]
        threads: u32,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Print the rows as a JSON array instead of a table.
        #[arg(long)]
        json: bool,
        /// Write each roster as DIR/<instance>.csv (employee,day,shift).
        #[arg(long)]
        solutions: Option<PathBuf>,
    },
    /// A seeded generated hospital problem solved directly (no database): objective, HiGHS's
    /// bound and the validator's verdict.
    Hospital {
        #[arg(long, default_value_t = 1000)]
        staff: usize,
        #[arg(long, default_value_t = 20)]
        wards: usize,
        #[arg(long, default_value_t = 4)]
        weeks: u32,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, default_value_t = 120)]
        time_limit: u64,
        /// Search lanes side by side, one thread each (they share their best rosters).
        #[arg(long, default_value_t = 2)]
        threads: u32,
        #[arg(long)]
        json: bool,
        /// Write the roster as DIR/<instance>.csv (staff,day,shift,ward,skill).
        #[arg(long)]
        solutions: Option<PathBuf>,
    },
    /// INRC-II static instances: one row per week sequence (e.g. --weeks 1-2-3-3 --weeks 6-2-9-1).
    Inrc2 {
        /// Dataset directory with Sc-*, H0-* and WD-* files, e.g. ../shared/benchmarks/inrc2/data/n005w4
        dir: PathBuf,
        /// Index of the initial history file H0-<family>-<H>.txt.
        #[arg(long, default_value_t = 0)]
        history: u32,
        /// Week-data indices, one per week, dash-separated; repeat for more instances.
        #[arg(long, required = true)]
        weeks: Vec<String>,
        #[arg(long, default_value_t = 60)]
        time_limit: u64,
        /// Search lanes side by side, one thread each (they share their best rosters).
        #[arg(long, default_value_t = 2)]
        threads: u32,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long)]
        json: bool,
        /// Write each roster as DIR/<instance>.csv (nurse,day,shift,skill).
        #[arg(long)]
        solutions: Option<PathBuf>,
    },
}

/// `1-2-3-3` → [1, 2, 3, 3].
fn parse_weeks(v: &str) -> Result<Vec<u32>, String> {
    v.split('-')
        .map(|w| {
            w.trim().parse::<u32>().map_err(|_| format!("{v:?}: week indices are numbers joined by '-', e.g. 1-2-3-3"))
        })
        .collect()
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token; its secret is printed once, as the last line.
    Create {
        #[arg(long, value_parser = parse_role)]
        role: TokenRole,
        /// Site code (managers; required for them).
        #[arg(long)]
        site: Option<String>,
        /// Ward code on that site (a ward manager).
        #[arg(long)]
        ward: Option<String>,
        /// Employee number (staff tokens).
        #[arg(long)]
        staff: Option<String>,
        /// A label to recognise the token by.
        #[arg(long, default_value = "cli")]
        name: String,
    },
}

fn parse_role(s: &str) -> Result<TokenRole, String> {
    TokenRole::parse(s).ok_or_else(|| format!("role must be one of {}", TokenRole::names()))
}

fn settings(global: &Global) -> anyhow::Result<Settings> {
    let mut s = Settings::load(global.config.as_deref())?;
    if let Some(url) = &global.database_url {
        s.database_url = Some(url.clone());
    }
    if let Some(dir) = &global.data_dir {
        s.data_dir.clone_from(dir);
    }
    if let Some(threads) = global.solver_threads {
        s.solver_threads = threads;
    }
    s.check()?;
    Ok(s)
}

/// Ctrl-C, or SIGTERM (what a service manager sends) on Unix.
async fn shutdown_signal() {
    let ctrl_c = Box::pin(async {
        actix_web::rt::signal::ctrl_c().await.ok();
    });
    #[cfg(unix)]
    {
        use actix_web::rt::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            let term = Box::pin(async move {
                term.recv().await;
            });
            futures_util::future::select(ctrl_c, term).await;
            return;
        }
    }
    ctrl_c.await;
}

/// Run one command to completion.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let mut settings = settings(&cli.global)?;
    crate::telemetry::init(settings.json_logs);
    match cli.command {
        Command::Serve { bind } => {
            if let Some(b) = bind {
                settings.bind = b;
            }
            let app = Application::build(&settings)?;
            tracing::info!(port = app.port(), database = %redact(&settings.database_url()), "rota is listening");
            app.run_until_stopped().await?;
        }
        Command::Worker => {
            let pool = prepare_database(&settings)?;
            let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
            let name = format!("worker-{}", std::process::id());
            // A worker also delivers the e-mail outbox when an SMTP relay is configured.
            let _mailer = settings.mail().and_then(|m| crate::mail::spawn(&pool, m, &stop));
            // SIGINT or SIGTERM: finish cleanly, a running solve handed back to the queue.
            let on_signal = stop.clone();
            actix_web::rt::spawn(async move {
                shutdown_signal().await;
                tracing::info!("shutting down: stopping the job in hand");
                on_signal.store(true, std::sync::atomic::Ordering::Relaxed);
            });
            actix_web::rt::task::spawn_blocking(move || {
                let options = crate::jobs::worker::Options {
                    idle: std::time::Duration::from_millis(500),
                    solver_threads: settings.solver_threads,
                };
                crate::jobs::worker::run(&pool, &name, &stop, options);
            })
            .await?;
        }
        Command::Migrate => {
            prepare_database(&settings)?;
            println!("database is up to date");
        }
        Command::Demo { fixture, today } => {
            let text = std::fs::read_to_string(&fixture)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", fixture.display()))?;
            let parsed = demo::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", fixture.display()))?;
            let pool = prepare_database(&settings)?;
            let today = today.unwrap_or_else(|| chrono::Utc::now().date_naive());
            let mut conn = pool.get()?;
            let report = conn.transaction(|c| demo::load(c, &parsed, today)).map_err(|e| {
                anyhow::anyhow!("{}: {}", fixture.display(), crate::error::AppError::from(e).problem().detail)
            })?;
            println!(
                "demo hospital loaded: {} new sites, {} new wards, {} new staff, {} census entries",
                report.sites, report.wards, report.staff, report.census_entries
            );
            for (site, monday) in report.weeks_from {
                println!("  {site}: requirements and census for the four weeks from {monday}");
            }
        }
        Command::Bench { suite: BenchSuite::Demo { fixture, time_limit, json, staff, wards, seed } } => {
            let text = std::fs::read_to_string(&fixture)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", fixture.display()))?;
            let mut parsed = demo::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", fixture.display()))?;
            if let (Some(staff), Some(wards)) = (staff, wards) {
                parsed = crate::services::generated::hospital(&parsed, seed, wards, staff)
                    .map_err(|e| anyhow::anyhow!("--staff/--wards: {e}"))?;
            }
            let pool = prepare_database(&settings)?;
            let today = chrono::Utc::now().date_naive();
            let mut conn = pool.get()?;
            let report = conn
                .transaction(|c| demo::load(c, &parsed, today))
                .map_err(|e| anyhow::anyhow!(crate::error::AppError::from(e).problem().detail))?;
            drop(conn);
            if report.sites == 0 {
                anyhow::bail!(
                    "the database already holds the demo hospital: point --data-dir or --database-url at an empty one"
                );
            }
            let monday = demo::next_monday(today);
            let rows = crate::services::batch::bench_demo(&pool, monday, time_limit, settings.solver_threads)
                .map_err(|e| anyhow::anyhow!(crate::error::AppError::from(e).problem().detail))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else {
                println!("| site | wards | staff | days | shifts | objective | hard violations | short places | solve s | call-out repair s | changes beyond gap | gap filled |");
                println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
                for r in &rows {
                    println!(
                        "| {} | {} | {} | {} | {} | {:.1} | {} | {} | {:.1} | {:.2} | {} | {} |",
                        r.site,
                        r.wards,
                        r.staff,
                        r.days,
                        r.shifts_assigned,
                        r.objective.as_f64().unwrap_or(f64::NAN),
                        r.hard_violations,
                        r.short_places,
                        r.solve_seconds,
                        r.repair_seconds,
                        r.repair_changes_beyond_gap,
                        r.repair_filled
                    );
                }
            }
        }
        Command::Bench { suite: BenchSuite::Curtois { files, time_limit, threads, seed, json, solutions } } => {
            let options = bench_options(time_limit, threads, seed, solutions);
            let rows = rota_solver::bench::run_curtois_with(&files, &options, print_row);
            print_rows(&rows, json)?;
        }
        Command::Bench {
            suite: BenchSuite::Hospital { staff, wards, weeks, seed, time_limit, threads, json, solutions },
        } => {
            let spec = rota_solver::generate::HospitalSpec { staff, wards, weeks, seed };
            let row = rota_solver::bench::run_hospital(&spec, &bench_options(time_limit, threads, seed, solutions));
            print_row(&row);
            if let (Some(objective), Some(bound)) = (row.objective, row.best_bound) {
                eprintln!("gap to HiGHS's bound: {:.2} %", (objective - bound) / objective.abs().max(1e-9) * 100.0);
            }
            print_rows(std::slice::from_ref(&row), json)?;
        }
        Command::Bench {
            suite: BenchSuite::Inrc2 { dir, history, weeks, time_limit, threads, seed, json, solutions },
        } => {
            let options = bench_options(time_limit, threads, seed, solutions);
            let instances = weeks
                .iter()
                .map(|w| {
                    let weeks = parse_weeks(w).map_err(|e| anyhow::anyhow!("--weeks {e}"))?;
                    Ok(rota_solver::bench::Inrc2Instance { dir: dir.clone(), history, weeks })
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let rows = rota_solver::bench::run_inrc2_with(&instances, &options, print_row);
            print_rows(&rows, json)?;
        }
        Command::Schedule { site, week, weeks, wards, out, format, time_limit, publish } => {
            let formats = crate::export::Format::parse_list(&format).map_err(|e| anyhow::anyhow!("--format: {e}"))?;
            let request = crate::services::batch::ScheduleRequest { site_code: site, week, weeks, ward_codes: wards };
            schedule(&settings, &request, &out, &formats, time_limit, publish)?;
        }
        Command::Openapi => {
            println!("{}", serde_json::to_string_pretty(&crate::api::openapi::build())?);
        }
        Command::Token { command: TokenCommand::Create { role, site, ward, staff, name } } => {
            let pool = prepare_database(&settings)?;
            let mut conn = pool.get()?;
            let request = auth::TokenRequest { role, name, site_code: site, ward_code: ward, employee_number: staff };
            let issued = conn
                .transaction(|c| {
                    crate::db::lock_for_write(c)?;
                    auth::issue(c, &request)
                })
                .map_err(|e| anyhow::anyhow!(crate::error::AppError::from(e).problem().detail))?;
            eprintln!("created {role} token {} (store it now: it is not shown again)", issued.id);
            println!("{}", issued.secret);
        }
    }
    Ok(())
}

fn bench_options(
    time_limit: u64,
    threads: u32,
    seed: u64,
    solutions: Option<PathBuf>,
) -> rota_solver::bench::BenchOptions {
    rota_solver::bench::BenchOptions {
        time_limit: std::time::Duration::from_secs(time_limit),
        threads,
        seed,
        solutions_dir: solutions,
    }
}

/// Progress on stderr, one line per instance as it finishes.
fn print_row(row: &rota_solver::bench::BenchRow) {
    eprintln!(
        "{}: objective {} (best known {}) in {:.1} s, validator {}",
        row.instance,
        row.objective.map_or_else(|| "-".to_owned(), |o| o.to_string()),
        row.best_known.map_or_else(|| "-".to_owned(), |o| o.to_string()),
        row.wall_seconds,
        if row.validator_ok { "ok" } else { "REJECTED" }
    );
}

/// The table (or JSON) on stdout; fails when the validator rejected a roster.
fn print_rows(rows: &[rota_solver::bench::BenchRow], json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(rows)?);
    } else {
        print!("{}", rota_solver::bench::format_table(rows));
    }
    if rows.iter().any(|r| !r.validator_ok) {
        anyhow::bail!("the validator rejected at least one roster");
    }
    Ok(())
}

/// Hide a password in a database URL before logging it.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}://{user}:***@{}", &url[..scheme], &url[at + 1..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// `rota schedule`: prepare, solve with progress on stderr, write the files.
fn schedule(
    settings: &Settings,
    request: &crate::services::batch::ScheduleRequest,
    out: &std::path::Path,
    formats: &[crate::export::Format],
    time_limit: u64,
    publish: bool,
) -> anyhow::Result<()> {
    use std::io::IsTerminal;
    let refused = |e: crate::services::ServiceError| anyhow::anyhow!(crate::error::AppError::from(e).problem().detail);
    let pool = prepare_database(settings)?;
    let mut conn = pool.get()?;
    let roster_id = conn.transaction(|c| crate::services::batch::prepare(c, request)).map_err(refused)?;
    drop(conn);
    let tty = std::io::stderr().is_terminal();
    let search = crate::services::rostering::solve::Search::to_the_limit(settings.solver_threads, move |p| {
        let line = format!(
            "solving: {:<10} {:>6.1} s  objective {}  bound {}",
            p["phase"].as_str().unwrap_or(""),
            p["elapsed_seconds"].as_f64().unwrap_or(0.0),
            p["incumbent"].as_f64().map_or_else(|| "-".to_owned(), |v| format!("{v:.1}")),
            p["best_bound"].as_f64().map_or_else(|| "-".to_owned(), |v| format!("{v:.1}")),
        );
        if tty {
            eprint!("\r{line}   ");
        } else {
            eprintln!("{line}");
        }
    });
    let params = crate::jobs::SolveParams { time_limit_seconds: time_limit, ..crate::jobs::SolveParams::default() };
    let result = crate::services::rostering::solve::solve_roster(&pool, &roster_id, &params, search, |_, _| Ok(true))
        .map_err(refused)?;
    if tty {
        eprintln!();
    }
    let mut conn = pool.get()?;
    let weeks = conn.transaction(|c| crate::services::batch::collect(c, &roster_id)).map_err(refused)?;
    if publish {
        conn.transaction(|c| crate::services::batch::publish(c, &roster_id)).map_err(refused)?;
        eprintln!("roster {roster_id} published");
    }
    let files = crate::export::write_all(out, &weeks, formats).map_err(|e| anyhow::anyhow!(e))?;
    let short: i32 = weeks.iter().flat_map(|w| &w.cover).map(|c| (c.required - c.assigned).max(0)).sum();
    eprintln!(
        "roster {roster_id}: {} shifts, objective {:.1}, {} short of minimum; {} files in {}",
        result["assignments"],
        result["objective"].as_f64().unwrap_or_default(),
        short,
        files.len(),
        out.display()
    );
    Ok(())
}
