//! Tracing subscriber: human-readable by default, JSON lines for log shippers.

use tracing_subscriber::{fmt, EnvFilter};

/// Install the global subscriber once; later calls (e.g. from tests) are ignored.
pub fn init(json: bool) {
    // HiGHS reports every sub-solve that stops at its time limit as a warning: expected in the
    // search, so only its errors are shown by default.
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,actix_web=info,highs=error"));
    let builder = fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = if json { builder.json().try_init() } else { builder.try_init() };
}
