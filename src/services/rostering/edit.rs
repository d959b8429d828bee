//! Changes to a roster's assignments, all through one checked path ([`apply`]): every change is
//! validated with the solver crate's validator against the whole roster, and recorded in the
//! roster's history.
//!
//! - A manager edits a **draft** (add, remove, move, swap, pin, unpin). Rules that protect
//!   patients and staff (rest between shifts, credentials and eligibility, approved leave, one
//!   shift at a time) can never be broken; contract limits can, with a recorded reason.
//! - Approved staff requests (swaps, offers, open shifts) amend a **published** roster: no rule
//!   may be broken for the people who receive a shift, and every shift someone loses is kept
//!   as a cancelled shift for their calendar.

use chrono::NaiveDate;
use diesel::prelude::*;
use rota_solver::{Assignment, Family, Solution};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::problem::{build, qualification, BuiltProblem};
use super::{history, load, Roster, DRAFT, PUBLISHED};
use crate::db::models::RosterAssignmentRow;
use crate::db::schema::{cancelled_shifts, roster_assignments, rosters, staff};
use crate::db::DbConnection;
use crate::domain::FieldError;
use crate::services::policy::Action;
use crate::services::{Caller, ServiceError};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignmentInput {
    pub staff_id: String,
    /// Local date the shift starts on.
    pub date: NaiveDate,
    pub shift_template_id: String,
    /// The skill place this person fills (they must hold it on that date).
    pub skill_id: Option<String>,
    /// Needed to keep an edit that breaks an overridable contract rule; recorded with it.
    pub override_reason: Option<String>,
}

/// Move an assignment to another person, day or shift; omitted fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveInput {
    pub staff_id: Option<String>,
    pub date: Option<NaiveDate>,
    pub shift_template_id: Option<String>,
    pub skill_id: Option<String>,
    pub override_reason: Option<String>,
}

/// Exchange the people of two assignments.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SwapInput {
    pub first_assignment_id: String,
    pub second_assignment_id: String,
    pub override_reason: Option<String>,
}

/// A rule an edit breaks.
#[derive(Debug, Serialize, ToSchema)]
pub struct RuleBreak {
    pub rule: String,
    pub staff_id: Option<String>,
    pub date: Option<NaiveDate>,
    pub detail: String,
    /// A manager may keep the edit with a reason.
    pub overridable: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EditOutcome {
    /// The new roster version (send it as If-Match next time).
    pub roster_version: i64,
    /// The assignments the edit created.
    pub assignment_ids: Vec<String>,
    /// Rules the roster breaks after the edit that it did not break before (kept with the
    /// override reason).
    pub broken: Vec<RuleBreak>,
}

/// Rules no reason can override.
fn overridable(family: Family) -> bool {
    !matches!(
        family,
        Family::OneShiftPerDay | Family::Eligibility | Family::Unavailability | Family::Succession | Family::Pins
    )
}

/// Who checks a change, and how strictly.
pub enum Check<'a> {
    /// A manager's edit of a draft: overridable rules may be broken with a reason.
    Draft { override_reason: Option<&'a str> },
    /// An approved request on a published roster: no rule may be broken for these people
    /// (those who receive a shift).
    Published { receivers: &'a [&'a str] },
    /// Report what the change breaks, refuse nothing (removing a shift protects everyone).
    Report,
}

/// One change: assignments out, assignments in, and what to write in the history.
pub struct Change<'a> {
    pub remove: Vec<RosterAssignmentRow>,
    pub add: Vec<RosterAssignmentRow>,
    pub actor: &'a str,
    pub action: &'a str,
    pub detail: serde_json::Value,
}

/// The stored rows as the solver's assignments.
pub(crate) fn as_solver(built: &BuiltProblem, rows: &[RosterAssignmentRow]) -> Vec<Assignment> {
    rows.iter()
        .filter_map(|r| {
            let day = u32::try_from((r.date - built.start).num_days()).ok()?;
            Some(Assignment {
                staff: r.staff_id.clone(),
                day,
                shift: r.shift_template_id.clone(),
                ward: r.ward_id.clone(),
                skill: Some(qualification(&r.role_id, r.skill_id.as_deref())),
            })
        })
        .collect()
}

/// Hard violations of `after` that `before` did not have.
fn new_breaks(built: &BuiltProblem, before: Vec<Assignment>, after: Vec<Assignment>) -> Vec<RuleBreak> {
    let key = |v: &rota_solver::Violation| (v.family, v.staff.clone(), v.day, v.detail.clone());
    let old: Vec<_> =
        rota_solver::validate(&built.problem, &Solution::from_assignments(before)).hard.iter().map(key).collect();
    rota_solver::validate(&built.problem, &Solution::from_assignments(after))
        .hard
        .into_iter()
        .filter(|v| !old.contains(&key(v)))
        .map(|v| RuleBreak {
            rule: format!("{:?}", v.family),
            staff_id: v.staff.clone(),
            date: v.day.map(|d| built.date_of(d)),
            detail: v.detail.clone(),
            overridable: overridable(v.family),
        })
        .collect()
}

fn refuse(broken: &[&RuleBreak], hint: &str) -> ServiceError {
    ServiceError::Validation(
        broken
            .iter()
            .map(|b| FieldError { field: format!("rules.{}", b.rule), message: format!("{} {hint}", b.detail) })
            .collect(),
    )
}

fn stored(conn: &mut DbConnection, roster_id: &str) -> Result<Vec<RosterAssignmentRow>, ServiceError> {
    Ok(roster_assignments::table
        .filter(roster_assignments::roster_id.eq(roster_id))
        .select(RosterAssignmentRow::as_select())
        .load(conn)?)
}

/// One assignment of a roster (404 if it is not on it).
pub fn assignment(conn: &mut DbConnection, roster_id: &str, id: &str) -> Result<RosterAssignmentRow, ServiceError> {
    roster_assignments::table
        .filter(roster_assignments::roster_id.eq(roster_id))
        .filter(roster_assignments::id.eq(id))
        .select(RosterAssignmentRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ServiceError::NotFound { kind: "assignment", id: id.to_owned() })
}

/// Who works which shift on which day, as what.
pub struct Place<'a> {
    pub staff_id: &'a str,
    /// Local date the shift starts on.
    pub date: NaiveDate,
    pub shift_template_id: &'a str,
    /// The role the place is for; the person's primary role when `None`.
    pub role_id: Option<&'a str>,
    pub skill_id: Option<&'a str>,
}

/// The assignment row for `place` on `roster_id`; checks the shift runs that day.
pub fn new_row(
    conn: &mut DbConnection,
    built: &BuiltProblem,
    roster_id: &str,
    place: &Place<'_>,
) -> Result<RosterAssignmentRow, ServiceError> {
    let template = built
        .templates
        .get(place.shift_template_id)
        .ok_or_else(|| ServiceError::field("shift_template_id", "is not a shift of this roster's wards"))?;
    let instance = template
        .pattern()
        .on(place.date, built.tz)
        .ok_or_else(|| ServiceError::field("date", format!("shift {} does not run on that day", template.code)))?;
    let primary: String = staff::table
        .find(place.staff_id)
        .select(staff::primary_role_id)
        .first(conn)
        .optional()?
        .ok_or_else(|| ServiceError::field("staff_id", "no such staff member"))?;
    Ok(RosterAssignmentRow {
        id: crate::services::new_id(),
        roster_id: roster_id.to_owned(),
        staff_id: place.staff_id.to_owned(),
        ward_id: template.ward_id.clone(),
        shift_template_id: template.id.clone(),
        date: place.date,
        role_id: place.role_id.map_or(primary, str::to_owned),
        skill_id: place.skill_id.map(str::to_owned),
        starts_at: instance.start_utc.naive_utc(),
        ends_at: instance.end_utc.naive_utc(),
        pinned: false,
        override_reason: None,
    })
}

/// The problem a roster's changes are checked against.
pub fn problem_of(conn: &mut DbConnection, roster: &Roster) -> Result<BuiltProblem, ServiceError> {
    build(conn, &roster.site_id, &roster.ward_ids, roster.start_date, roster.end_date)
}

/// What a change would break, refused per `check`; returns the breaks kept and the override
/// reason. Writes nothing.
pub fn vet(
    conn: &mut DbConnection,
    roster: &Roster,
    built: &BuiltProblem,
    check: &Check<'_>,
    remove: &[RosterAssignmentRow],
    add: &[RosterAssignmentRow],
) -> Result<(Vec<RuleBreak>, Option<String>), ServiceError> {
    for row in add {
        if row.date < roster.start_date || row.date > roster.end_date {
            return Err(ServiceError::field("date", "is outside the roster's dates"));
        }
    }
    let rows = stored(conn, &roster.record.id)?;
    let removed: Vec<&str> = remove.iter().map(|r| r.id.as_str()).collect();
    let before = as_solver(built, &rows);
    let mut after_rows: Vec<RosterAssignmentRow> =
        rows.into_iter().filter(|r| !removed.contains(&r.id.as_str())).collect();
    after_rows.extend(add.iter().cloned());
    let broken = new_breaks(built, before, as_solver(built, &after_rows));
    let mut reason = None;
    match check {
        Check::Draft { override_reason } => {
            let fixed: Vec<&RuleBreak> = broken.iter().filter(|b| !b.overridable).collect();
            if !fixed.is_empty() {
                return Err(refuse(&fixed, "(this rule cannot be overridden)"));
            }
            reason = override_reason.map(str::trim).filter(|r| !r.is_empty()).map(str::to_owned);
            if !broken.is_empty() && reason.is_none() {
                let all: Vec<&RuleBreak> = broken.iter().collect();
                return Err(refuse(&all, "(send override_reason to keep the edit anyway)"));
            }
        }
        Check::Published { receivers } => {
            let theirs: Vec<&RuleBreak> =
                broken.iter().filter(|b| b.staff_id.as_deref().is_some_and(|s| receivers.contains(&s))).collect();
            if !theirs.is_empty() {
                return Err(refuse(&theirs, "(the roster cannot change this way)"));
            }
        }
        Check::Report => {}
    }
    Ok((broken, reason))
}

/// Check and apply one change to `roster`, bump its version (compare-and-set against
/// `expected`, the version a manager saw, when given) and record the change.
pub fn apply(
    conn: &mut DbConnection,
    roster: &Roster,
    built: &BuiltProblem,
    expected: Option<i64>,
    check: &Check<'_>,
    change: Change<'_>,
) -> Result<EditOutcome, ServiceError> {
    let (broken, reason) = vet(conn, roster, built, check, &change.remove, &change.add)?;
    let now = crate::services::now();
    for row in &change.remove {
        diesel::delete(roster_assignments::table.filter(roster_assignments::id.eq(&row.id))).execute(conn)?;
    }
    let mut ids = Vec::new();
    for row in &change.add {
        let row = RosterAssignmentRow { override_reason: reason.clone(), ..row.clone() };
        diesel::insert_into(roster_assignments::table).values(&row).execute(conn).map_err(|e| match e {
            diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _) => {
                ServiceError::field("date", "this person already works a shift that day on this roster")
            }
            other => other.into(),
        })?;
        ids.push(row.id);
    }
    if roster.status == PUBLISHED {
        remember_cancelled(conn, &change.remove, &change.add, now)?;
    }
    let version = bump(conn, &roster.record.id, expected)?;
    let mut detail = change.detail;
    if let (Some(map), Some(reason)) = (detail.as_object_mut(), &reason) {
        map.insert("override_reason".into(), json!(reason));
    }
    if !broken.is_empty() {
        if let Some(map) = detail.as_object_mut() {
            map.insert("broken".into(), json!(broken.iter().map(|b| &b.detail).collect::<Vec<_>>()));
        }
    }
    history::record(conn, &roster.record.id, version, change.actor, change.action, &detail)?;
    Ok(EditOutcome { roster_version: version, assignment_ids: ids, broken })
}

/// Shifts people lose from a published roster stay visible, as cancelled, in their calendars;
/// a shift given back clears its cancellation.
pub fn remember_cancelled(
    conn: &mut DbConnection,
    removed: &[RosterAssignmentRow],
    added: &[RosterAssignmentRow],
    now: chrono::NaiveDateTime,
) -> Result<(), ServiceError> {
    let same = |a: &RosterAssignmentRow, b: &RosterAssignmentRow| {
        a.staff_id == b.staff_id && a.date == b.date && a.shift_template_id == b.shift_template_id
    };
    for r in added {
        diesel::delete(
            cancelled_shifts::table
                .filter(cancelled_shifts::staff_id.eq(&r.staff_id))
                .filter(cancelled_shifts::date.eq(r.date))
                .filter(cancelled_shifts::shift_template_id.eq(&r.shift_template_id)),
        )
        .execute(conn)?;
    }
    for r in removed.iter().filter(|r| !added.iter().any(|a| same(a, r))) {
        diesel::insert_into(cancelled_shifts::table)
            .values((
                cancelled_shifts::id.eq(crate::services::new_id()),
                cancelled_shifts::staff_id.eq(&r.staff_id),
                cancelled_shifts::ward_id.eq(&r.ward_id),
                cancelled_shifts::shift_template_id.eq(&r.shift_template_id),
                cancelled_shifts::date.eq(r.date),
                cancelled_shifts::starts_at.eq(r.starts_at),
                cancelled_shifts::ends_at.eq(r.ends_at),
                cancelled_shifts::cancelled_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

fn bump(conn: &mut DbConnection, roster_id: &str, expected: Option<i64>) -> Result<i64, ServiceError> {
    let now = crate::services::now();
    let Some(expected) = expected else {
        // Approved staff requests: no version was shown to anyone, so nothing can be stale.
        diesel::update(rosters::table.filter(rosters::id.eq(roster_id)))
            .set((rosters::version.eq(rosters::version + 1), rosters::updated_at.eq(now)))
            .execute(conn)?;
        return Ok(rosters::table.find(roster_id).select(rosters::version).first(conn)?);
    };
    let changed =
        diesel::update(rosters::table.filter(rosters::id.eq(roster_id)).filter(rosters::version.eq(expected)))
            .set((rosters::version.eq(expected + 1), rosters::updated_at.eq(now)))
            .execute(conn)?;
    if changed == 0 {
        return Err(ServiceError::PreconditionFailed { kind: "roster", id: roster_id.to_owned(), expected });
    }
    Ok(expected + 1)
}

/// A draft the caller may edit, at the version they saw.
fn draft(conn: &mut DbConnection, caller: &Caller, roster_id: &str, expected: i64) -> Result<Roster, ServiceError> {
    let roster = load(conn, caller, roster_id, Action::Write)?;
    if roster.status != DRAFT {
        return Err(ServiceError::Conflict("a published roster never changes: start a new draft from it".into()));
    }
    if roster.record.version != expected {
        return Err(ServiceError::PreconditionFailed { kind: "roster", id: roster_id.to_owned(), expected });
    }
    Ok(roster)
}

fn describe(row: &RosterAssignmentRow) -> serde_json::Value {
    json!({ "assignment_id": row.id, "staff_id": row.staff_id, "date": row.date, "shift_template_id": row.shift_template_id, "ward_id": row.ward_id })
}

/// Add one assignment to a draft.
pub fn add(
    conn: &mut DbConnection,
    caller: &Caller,
    actor: &str,
    roster_id: &str,
    expected: i64,
    input: &AssignmentInput,
) -> Result<EditOutcome, ServiceError> {
    let roster = draft(conn, caller, roster_id, expected)?;
    let built = problem_of(conn, &roster)?;
    let place = Place {
        staff_id: &input.staff_id,
        date: input.date,
        shift_template_id: &input.shift_template_id,
        role_id: None,
        skill_id: input.skill_id.as_deref(),
    };
    let row = new_row(conn, &built, roster_id, &place)?;
    let detail = describe(&row);
    let check = Check::Draft { override_reason: input.override_reason.as_deref() };
    let change = Change { remove: vec![], add: vec![row], actor, action: "assignment_added", detail };
    apply(conn, &roster, &built, Some(expected), &check, change)
}

/// Remove one assignment from a draft; reports what the roster breaks without it.
pub fn remove(
    conn: &mut DbConnection,
    caller: &Caller,
    actor: &str,
    roster_id: &str,
    assignment_id: &str,
    expected: i64,
) -> Result<EditOutcome, ServiceError> {
    let roster = draft(conn, caller, roster_id, expected)?;
    let row = assignment(conn, roster_id, assignment_id)?;
    let built = problem_of(conn, &roster)?;
    let detail = describe(&row);
    // Removing never breaks a rule that protects anyone; what it costs (cover, minimum
    // hours) is reported, not refused.
    let check = Check::Report;
    let change = Change { remove: vec![row], add: vec![], actor, action: "assignment_removed", detail };
    apply(conn, &roster, &built, Some(expected), &check, change)
}

/// Move one assignment to another person, day or shift.
pub fn move_assignment(
    conn: &mut DbConnection,
    caller: &Caller,
    actor: &str,
    roster_id: &str,
    assignment_id: &str,
    expected: i64,
    input: &MoveInput,
) -> Result<EditOutcome, ServiceError> {
    let roster = draft(conn, caller, roster_id, expected)?;
    let old = assignment(conn, roster_id, assignment_id)?;
    let built = problem_of(conn, &roster)?;
    let person_changes = input.staff_id.as_ref().is_some_and(|s| *s != old.staff_id);
    let place = Place {
        staff_id: input.staff_id.as_deref().unwrap_or(&old.staff_id),
        date: input.date.unwrap_or(old.date),
        shift_template_id: input.shift_template_id.as_deref().unwrap_or(&old.shift_template_id),
        // The new person fills the place as their own role; the same person keeps theirs.
        role_id: if person_changes { None } else { Some(old.role_id.as_str()) },
        skill_id: input.skill_id.as_deref().or(old.skill_id.as_deref()),
    };
    let mut row = new_row(conn, &built, roster_id, &place)?;
    row.pinned = old.pinned && !person_changes;
    let detail = json!({ "from": describe(&old), "to": describe(&row) });
    let check = Check::Draft { override_reason: input.override_reason.as_deref() };
    let change = Change { remove: vec![old], add: vec![row], actor, action: "assignment_moved", detail };
    apply(conn, &roster, &built, Some(expected), &check, change)
}

/// The same shift for someone else: `row` with a new id, person and (their) role.
pub fn reassigned(
    conn: &mut DbConnection,
    built: &BuiltProblem,
    row: &RosterAssignmentRow,
    to: &str,
) -> Result<RosterAssignmentRow, ServiceError> {
    let place = Place {
        staff_id: to,
        date: row.date,
        shift_template_id: &row.shift_template_id,
        role_id: None,
        skill_id: row.skill_id.as_deref(),
    };
    new_row(conn, built, &row.roster_id, &place)
}

/// Exchange the people of two assignments of a draft.
pub fn swap(
    conn: &mut DbConnection,
    caller: &Caller,
    actor: &str,
    roster_id: &str,
    expected: i64,
    input: &SwapInput,
) -> Result<EditOutcome, ServiceError> {
    let roster = draft(conn, caller, roster_id, expected)?;
    let first = assignment(conn, roster_id, &input.first_assignment_id)?;
    let second = assignment(conn, roster_id, &input.second_assignment_id)?;
    if first.staff_id == second.staff_id {
        return Err(ServiceError::field("second_assignment_id", "both assignments belong to the same person"));
    }
    let built = problem_of(conn, &roster)?;
    let add =
        vec![reassigned(conn, &built, &first, &second.staff_id)?, reassigned(conn, &built, &second, &first.staff_id)?];
    let detail = json!({ "first": describe(&first), "second": describe(&second) });
    let check = Check::Draft { override_reason: input.override_reason.as_deref() };
    let change = Change { remove: vec![first, second], add, actor, action: "assignments_swapped", detail };
    apply(conn, &roster, &built, Some(expected), &check, change)
}

/// Pin (or unpin) an assignment of a draft: re-solving keeps pinned assignments.
pub fn pin(
    conn: &mut DbConnection,
    caller: &Caller,
    actor: &str,
    roster_id: &str,
    assignment_id: &str,
    expected: i64,
    pinned: bool,
) -> Result<EditOutcome, ServiceError> {
    let roster = draft(conn, caller, roster_id, expected)?;
    let row = assignment(conn, roster_id, assignment_id)?;
    diesel::update(roster_assignments::table.filter(roster_assignments::id.eq(&row.id)))
        .set(roster_assignments::pinned.eq(pinned))
        .execute(conn)?;
    let version = bump(conn, &roster.record.id, Some(expected))?;
    let action = if pinned { "pinned" } else { "unpinned" };
    history::record(conn, roster_id, version, actor, action, &describe(&row))?;
    Ok(EditOutcome { roster_version: version, assignment_ids: vec![], broken: vec![] })
}
