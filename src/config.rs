//! Typed settings from an optional YAML file, then the environment, then CLI flags — each
//! overriding the one before. Injected into `Application::build`, never read globally.

use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// `postgres://…` for PostgreSQL; anything else is a SQLite file path. Defaults to
    /// `<data_dir>/rota.sqlite3`.
    pub database_url: Option<String>,
    /// Address to listen on.
    pub bind: String,
    /// Where the embedded database and other local state live.
    pub data_dir: PathBuf,
    /// Largest accepted request body, in bytes.
    pub max_body_bytes: usize,
    /// Connections in the pool.
    pub pool_size: u32,
    /// Emit logs as JSON lines (for log shippers) instead of human-readable text.
    pub json_logs: bool,
    /// Job worker threads inside `rota serve` (0 = leave jobs to `rota worker` processes).
    pub workers: usize,
    /// Search lanes (one thread each) of every solve a worker of this process runs, and of
    /// `rota schedule`: 1 to 8. More lanes search more of the rosters in the same time on a
    /// machine with cores to spare; `workers × solver_threads` should not exceed the cores.
    pub solver_threads: u32,
    /// SMTP relay for e-mail notifications (`smtp://host:25`, `smtps://user:pass@host:465`);
    /// no e-mail is sent without it (notifications stay in the outbox and the in-app inbox).
    pub smtp_url: Option<String>,
    /// The From address of notification mails.
    pub mail_from: String,
    /// First retry delay after a failed send, in milliseconds (doubles per attempt, up to 64×).
    pub mail_retry_base_ms: u64,
    /// Attempts before a mail is marked failed.
    pub mail_max_attempts: i32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            database_url: None,
            bind: "127.0.0.1:8080".to_owned(),
            data_dir: PathBuf::from("./rota-data"),
            max_body_bytes: 256 * 1024,
            pool_size: 8,
            json_logs: false,
            workers: 1,
            solver_threads: 1,
            smtp_url: None,
            mail_from: "rota <rota@localhost>".to_owned(),
            mail_retry_base_ms: 5_000,
            mail_max_attempts: 12,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("config file {path}: {source}")]
    Parse { path: String, source: serde_yaml::Error },
    #[error("environment variable {name}: {message}")]
    Env { name: &'static str, message: String },
    #[error("setting {name}: {message}")]
    Invalid { name: &'static str, message: String },
}

/// Most search lanes one solve may run (the solver's own ceiling).
pub const MAX_SOLVER_THREADS: u32 = rota_solver::MAX_THREADS;

impl Settings {
    /// Load from `file` (if given or if `ROTA_CONFIG` names one), then apply `DATABASE_URL`,
    /// `ROTA_BIND`, `ROTA_DATA_DIR`, `ROTA_MAX_BODY_BYTES`, `ROTA_POOL_SIZE`, `ROTA_WORKERS`,
    /// `ROTA_SOLVER_THREADS`, `ROTA_SMTP_URL`, `ROTA_MAIL_FROM`, `ROTA_JSON_LOGS`.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let env_file = std::env::var("ROTA_CONFIG").ok().map(PathBuf::from);
        let mut s = match file.map(Path::to_path_buf).or(env_file) {
            Some(path) => {
                let text = std::fs::read_to_string(&path)
                    .map_err(|source| ConfigError::Read { path: path.display().to_string(), source })?;
                serde_yaml::from_str(&text)
                    .map_err(|source| ConfigError::Parse { path: path.display().to_string(), source })?
            }
            None => Settings::default(),
        };
        if let Ok(v) = std::env::var("DATABASE_URL") {
            s.database_url = Some(v);
        }
        if let Ok(v) = std::env::var("ROTA_BIND") {
            s.bind = v;
        }
        if let Ok(v) = std::env::var("ROTA_DATA_DIR") {
            s.data_dir = PathBuf::from(v);
        }
        if let Ok(v) = std::env::var("ROTA_MAX_BODY_BYTES") {
            s.max_body_bytes = v.parse().map_err(|_| ConfigError::Env {
                name: "ROTA_MAX_BODY_BYTES",
                message: "must be a number of bytes".into(),
            })?;
        }
        if let Ok(v) = std::env::var("ROTA_POOL_SIZE") {
            s.pool_size = v.parse().map_err(|_| ConfigError::Env {
                name: "ROTA_POOL_SIZE",
                message: "must be a positive number".into(),
            })?;
        }
        if let Ok(v) = std::env::var("ROTA_WORKERS") {
            s.workers =
                v.parse().map_err(|_| ConfigError::Env { name: "ROTA_WORKERS", message: "must be a number".into() })?;
        }
        if let Ok(v) = std::env::var("ROTA_SOLVER_THREADS") {
            s.solver_threads = v.parse().map_err(|_| ConfigError::Env {
                name: "ROTA_SOLVER_THREADS",
                message: format!("must be a number from 1 to {MAX_SOLVER_THREADS}"),
            })?;
        }
        if let Ok(v) = std::env::var("ROTA_SMTP_URL") {
            s.smtp_url = Some(v).filter(|v| !v.is_empty());
        }
        if let Ok(v) = std::env::var("ROTA_MAIL_FROM") {
            s.mail_from = v;
        }
        if let Ok(v) = std::env::var("ROTA_JSON_LOGS") {
            s.json_logs = matches!(v.as_str(), "1" | "true" | "yes");
        }
        Ok(s)
    }

    /// The settings that parse but make no sense. Called once every source (file,
    /// environment, flags) has had its say, so that a flag may mend a file's value.
    pub fn check(&self) -> Result<(), ConfigError> {
        if !(1..=MAX_SOLVER_THREADS).contains(&self.solver_threads) {
            return Err(ConfigError::Invalid {
                name: "solver_threads",
                message: format!("{} is not a number from 1 to {MAX_SOLVER_THREADS}", self.solver_threads),
            });
        }
        Ok(())
    }

    /// The mail sender's settings, when an SMTP relay is configured.
    #[must_use]
    pub fn mail(&self) -> Option<crate::mail::MailSettings> {
        self.smtp_url.as_ref().map(|url| crate::mail::MailSettings {
            smtp_url: url.clone(),
            from: self.mail_from.clone(),
            retry_base: std::time::Duration::from_millis(self.mail_retry_base_ms),
            max_attempts: self.mail_max_attempts.max(1),
        })
    }

    /// The database URL in force: the configured one or the embedded SQLite file.
    #[must_use]
    pub fn database_url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| self.data_dir.join("rota.sqlite3").display().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solver_threads_outside_one_to_eight_is_refused_by_name() {
        for bad in [0, MAX_SOLVER_THREADS + 1] {
            let s = Settings { solver_threads: bad, ..Settings::default() };
            let e = s.check().expect_err("refused").to_string();
            assert!(e.contains("solver_threads") && e.contains(&bad.to_string()), "{e}");
        }
        for good in [1, MAX_SOLVER_THREADS] {
            assert!(Settings { solver_threads: good, ..Settings::default() }.check().is_ok());
        }
    }

    #[test]
    fn a_settings_file_may_set_solver_threads() {
        let s: Settings = serde_yaml::from_str("solver_threads: 4\nworkers: 2\n").expect("parses");
        assert_eq!((s.solver_threads, s.workers), (4, 2));
    }
}
