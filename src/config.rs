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
}

impl Settings {
    /// Load from `file` (if given or if `ROTA_CONFIG` names one), then apply `DATABASE_URL`,
    /// `ROTA_BIND`, `ROTA_DATA_DIR`, `ROTA_MAX_BODY_BYTES`, `ROTA_POOL_SIZE`, `ROTA_WORKERS`, `ROTA_JSON_LOGS`.
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

    /// The database URL in force: the configured one or the embedded SQLite file.
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

    #[must_use]
    pub fn database_url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| self.data_dir.join("rota.sqlite3").display().to_string())
    }
}
