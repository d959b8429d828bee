//! What firstline workers do for themselves — see their shifts, subscribe to a calendar, ask
//! for leave, pick up open shifts, swap or give away shifts — and the manager's side of each
//! request. Every change to a published roster goes through the same checked path as a
//! manager's edit (`rostering::edit::apply`), so no request can break a rule the solver keeps.

pub mod calendar;
pub mod inbox;
pub mod open_shifts;
pub mod shifts;
pub mod time_off;
pub mod trades;

use std::collections::HashMap;

use diesel::prelude::*;

use super::policy::{self, Action, Family, Scope};
use super::rostering::{self, Roster, PUBLISHED};
use super::{Caller, ServiceError};
use crate::db::models::RosterAssignmentRow;
use crate::db::schema::{roster_assignments, staff, staff_wards};
use crate::db::DbConnection;

pub use super::notify::me;

pub const PENDING: &str = "pending";
pub const APPROVED: &str = "approved";
pub const DECLINED: &str = "declined";
pub const CANCELLED: &str = "cancelled";

/// The ward a person belongs to (their first home ward), which decides whose manager answers
/// their leave requests.
pub(crate) fn home_ward(conn: &mut DbConnection, staff_id: &str) -> Result<Option<String>, ServiceError> {
    Ok(staff_wards::table
        .filter(staff_wards::staff_id.eq(staff_id))
        .filter(staff_wards::kind.eq("home"))
        .order(staff_wards::ward_id.asc())
        .select(staff_wards::ward_id)
        .first(conn)
        .optional()?)
}

/// `home_ward` for many people in one query: person → their first home ward.
pub(crate) fn home_wards(
    conn: &mut DbConnection,
    staff_ids: &[String],
) -> Result<HashMap<String, String>, ServiceError> {
    by_ids(conn, staff_ids, |c, ids| {
        staff_wards::table
            .filter(staff_wards::staff_id.eq_any(ids))
            .filter(staff_wards::kind.eq("home"))
            // the last row of each person wins: their first ward in ascending order
            .order((staff_wards::staff_id.asc(), staff_wards::ward_id.desc()))
            .select((staff_wards::staff_id, staff_wards::ward_id))
            .load(c)
    })
}

/// Names of many people in one query: person → name.
pub(crate) fn staff_names(
    conn: &mut DbConnection,
    staff_ids: &[String],
) -> Result<HashMap<String, String>, ServiceError> {
    by_ids(conn, staff_ids, |c, ids| {
        staff::table.filter(staff::id.eq_any(ids)).select((staff::id, staff::name)).load(c)
    })
}

/// Run `query` over the distinct ids, in chunks small enough for one query's bind parameters
/// on either backend, and collect the (id, value) pairs it returns (later pairs win).
fn by_ids(
    conn: &mut DbConnection,
    ids: &[String],
    query: impl Fn(&mut DbConnection, Vec<String>) -> QueryResult<Vec<(String, String)>>,
) -> Result<HashMap<String, String>, ServiceError> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let mut out = HashMap::new();
    for chunk in ids.chunks(1_000) {
        out.extend(query(conn, chunk.to_vec())?);
    }
    Ok(out)
}

pub(crate) fn staff_name(conn: &mut DbConnection, staff_id: &str) -> Result<String, ServiceError> {
    staff::table
        .find(staff_id)
        .select(staff::name)
        .first(conn)
        .optional()?
        .ok_or_else(|| ServiceError::field("staff_id", "no such staff member"))
}

/// Staff requests are for staff, managers and admins: 403 for anyone else before anything is
/// looked up.
pub(crate) fn may_use(caller: &Caller) -> Result<(), ServiceError> {
    policy::require(caller, Family::Request, Action::Read).map(|_| ())
}

/// Deciding on requests and posting open shifts are for managers and admins: 403 for staff
/// (their own requests included) and anyone else before anything is looked up.
pub(crate) fn may_manage(caller: &Caller) -> Result<(), ServiceError> {
    if matches!(caller, Caller::Staff { .. }) {
        return Err(ServiceError::Forbidden(
            "staff cannot post open shifts or decide on requests, their own or others'".into(),
        ));
    }
    may_use(caller)
}

/// A manager (or admin) of `ward_id` on `site_id` decides; staff never approve anything.
pub(crate) fn require_manager(caller: &Caller, site_id: &str, ward_id: Option<&str>) -> Result<(), ServiceError> {
    may_manage(caller)?;
    let scope = Scope { site_id: site_id.to_owned(), ward_id: ward_id.map(str::to_owned), staff_id: None };
    policy::authorize(caller, Family::Request, Action::Write, &scope)
}

/// May the caller read a request made by `staff_ids` on `ward_id`? The people in it, and the
/// ward's managers.
pub(crate) fn may_read(
    caller: &Caller,
    site_id: &str,
    ward_id: Option<&str>,
    staff_ids: &[&str],
) -> Result<(), ServiceError> {
    match caller {
        Caller::Staff { staff_id, .. } if staff_ids.contains(&staff_id.as_str()) => Ok(()),
        Caller::Staff { .. } => Err(ServiceError::Forbidden("this request is not yours".into())),
        _ => {
            let scope = Scope { site_id: site_id.to_owned(), ward_id: ward_id.map(str::to_owned), staff_id: None };
            policy::authorize(caller, Family::Request, Action::Read, &scope)
        }
    }
}

/// A state change is only allowed from the states listed; 409 with the reason otherwise.
pub(crate) fn expect_status(what: &str, current: &str, allowed: &[&str], verb: &str) -> Result<(), ServiceError> {
    if allowed.contains(&current) {
        Ok(())
    } else {
        Err(ServiceError::Conflict(format!("cannot {verb} a {what} that is {current}")))
    }
}

/// A shift on a published roster that has not started yet, with its roster.
pub(crate) fn upcoming_shift(
    conn: &mut DbConnection,
    assignment_id: &str,
    field: &str,
) -> Result<(RosterAssignmentRow, Roster), ServiceError> {
    let row: RosterAssignmentRow = roster_assignments::table
        .find(assignment_id)
        .select(RosterAssignmentRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ServiceError::field(field, "no such shift"))?;
    let roster = rostering::load(conn, &Caller::Admin, &row.roster_id, Action::Read)?;
    if roster.status != PUBLISHED {
        return Err(ServiceError::field(field, "is not on a published roster"));
    }
    if row.starts_at <= super::now() {
        return Err(ServiceError::field(field, "this shift has already started"));
    }
    Ok((row, roster))
}
