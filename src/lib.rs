//! rota: hospital shift staffing. See docs/ARCHITECTURE.md for the layout.

pub mod api;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod export;
pub mod jobs;
pub mod mail;
pub mod services;
pub mod startup;
pub mod telemetry;
