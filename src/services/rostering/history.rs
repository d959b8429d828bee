//! Who changed what on a roster, and when: one row per change, written in the same
//! transaction as the change itself.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::load;
use crate::db::schema::roster_changes;
use crate::db::DbConnection;
use crate::services::policy::Action;
use crate::services::{Caller, ServiceError};

/// One change to a roster.
#[derive(Debug, Serialize, ToSchema)]
pub struct Change {
    /// The roster's version after the change.
    pub version: i64,
    /// Who made it: the token's name and role, or the job that did it.
    pub actor: String,
    /// created, solved, published, draft_started, assignment_added, assignment_removed,
    /// assignment_moved, assignments_swapped, pinned, unpinned, call_out, swap_approved, …
    pub action: String,
    /// What changed (ids, dates, reasons).
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
    pub at: DateTime<Utc>,
}

/// Record one change.
pub fn record(
    conn: &mut DbConnection,
    roster_id: &str,
    version: i64,
    actor: &str,
    action: &str,
    detail: &serde_json::Value,
) -> Result<(), ServiceError> {
    diesel::insert_into(roster_changes::table)
        .values((
            roster_changes::id.eq(crate::services::new_id()),
            roster_changes::roster_id.eq(roster_id),
            roster_changes::version.eq(version),
            roster_changes::actor.eq(actor),
            roster_changes::action.eq(action),
            roster_changes::detail.eq(detail.to_string()),
            roster_changes::created_at.eq(crate::services::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// The roster's changes, oldest first.
pub fn list(conn: &mut DbConnection, caller: &Caller, roster_id: &str) -> Result<Vec<Change>, ServiceError> {
    load(conn, caller, roster_id, Action::Read)?;
    let rows: Vec<(i64, String, String, String, chrono::NaiveDateTime)> = roster_changes::table
        .filter(roster_changes::roster_id.eq(roster_id))
        .order((roster_changes::created_at.asc(), roster_changes::id.asc()))
        .select((
            roster_changes::version,
            roster_changes::actor,
            roster_changes::action,
            roster_changes::detail,
            roster_changes::created_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(version, actor, action, detail, at)| Change {
            version,
            actor,
            action,
            detail: serde_json::from_str(&detail).unwrap_or(serde_json::Value::String(detail)),
            at: at.and_utc(),
        })
        .collect())
}
