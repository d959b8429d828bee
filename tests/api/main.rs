//! Integration tests: the real HTTP app on port 0 against a fresh database. The backend is
//! SQLite unless ROTA_TEST_DATABASE=postgres (then each test gets its own PostgreSQL database).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod access;
mod demo;
mod firstline;
mod helpers;
mod hospital;
mod input;
mod rosters;
mod schedule;
mod time;
