//! Manual edits of a draft roster. Every edit is checked with the solver crate's validator
//! against the whole roster; rules that protect patients and staff (rest between shifts,
//! credentials and eligibility, approved leave, one shift at a time) can never be broken;
//! contract limits can, with a recorded reason.

use chrono::NaiveDate;
use diesel::prelude::*;
use rota_solver::{Assignment, Family, Solution};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::problem::{build, qualification, BuiltProblem};
use super::{load, Roster, DRAFT};
use crate::db::models::RosterAssignmentRow;
use crate::db::schema::{roster_assignments, rosters, staff};
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
    pub assignment_id: Option<String>,
    /// Rules the roster breaks after the edit that it did not break before.
    pub broken: Vec<RuleBreak>,
}

/// Rules no reason can override.
fn overridable(family: Family) -> bool {
    !matches!(
        family,
        Family::OneShiftPerDay | Family::Eligibility | Family::Unavailability | Family::Succession | Family::Pins
    )
}

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

fn as_solver(built: &BuiltProblem, rows: &[RosterAssignmentRow]) -> Vec<Assignment> {
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

fn refuse(broken: &[RuleBreak], hint: &str) -> ServiceError {
    ServiceError::Validation(
        broken
            .iter()
            .map(|b| FieldError { field: format!("rules.{}", b.rule), message: format!("{} {hint}", b.detail) })
            .collect(),
    )
}

fn bump(conn: &mut DbConnection, roster_id: &str, expected: i64) -> Result<i64, ServiceError> {
    let changed =
        diesel::update(rosters::table.filter(rosters::id.eq(roster_id)).filter(rosters::version.eq(expected)))
            .set((rosters::version.eq(expected + 1), rosters::updated_at.eq(crate::services::now())))
            .execute(conn)?;
    if changed == 0 {
        return Err(ServiceError::PreconditionFailed { kind: "roster", id: roster_id.to_owned(), expected });
    }
    Ok(expected + 1)
}

fn stored(conn: &mut DbConnection, roster_id: &str) -> Result<Vec<RosterAssignmentRow>, ServiceError> {
    Ok(roster_assignments::table
        .filter(roster_assignments::roster_id.eq(roster_id))
        .select(RosterAssignmentRow::as_select())
        .load(conn)?)
}

/// Add one assignment to a draft.
pub fn add(
    conn: &mut DbConnection,
    caller: &Caller,
    roster_id: &str,
    expected: i64,
    input: &AssignmentInput,
) -> Result<EditOutcome, ServiceError> {
    let roster = draft(conn, caller, roster_id, expected)?;
    if input.date < roster.start_date || input.date > roster.end_date {
        return Err(ServiceError::field("date", "is outside the roster's dates"));
    }
    let built = build(conn, &roster.site_id, &roster.ward_ids, roster.start_date, roster.end_date)?;
    let template = built
        .templates
        .get(&input.shift_template_id)
        .cloned()
        .ok_or_else(|| ServiceError::field("shift_template_id", "is not a shift of this roster's wards"))?;
    let instance = template
        .pattern()
        .on(input.date, built.tz)
        .ok_or_else(|| ServiceError::field("date", format!("shift {} does not run on that day", template.code)))?;
    let role_id: String = staff::table
        .find(&input.staff_id)
        .select(staff::primary_role_id)
        .first(conn)
        .optional()?
        .ok_or_else(|| ServiceError::field("staff_id", "no such staff member"))?;
    let rows = stored(conn, roster_id)?;
    let before = as_solver(&built, &rows);
    let row = RosterAssignmentRow {
        id: crate::services::new_id(),
        roster_id: roster_id.to_owned(),
        staff_id: input.staff_id.clone(),
        ward_id: template.ward_id.clone(),
        shift_template_id: template.id,
        date: input.date,
        role_id,
        skill_id: input.skill_id.clone(),
        starts_at: instance.start_utc.naive_utc(),
        ends_at: instance.end_utc.naive_utc(),
        pinned: false,
        override_reason: input.override_reason.as_deref().map(str::trim).filter(|r| !r.is_empty()).map(str::to_owned),
    };
    let mut after = before.clone();
    after.extend(as_solver(&built, std::slice::from_ref(&row)));
    let broken = new_breaks(&built, before, after);
    let fixed: Vec<&RuleBreak> = broken.iter().filter(|b| !b.overridable).collect();
    if !fixed.is_empty() {
        let fixed: Vec<RuleBreak> = broken.into_iter().filter(|b| !b.overridable).collect();
        return Err(refuse(&fixed, "(this rule cannot be overridden)"));
    }
    if !broken.is_empty() && row.override_reason.is_none() {
        return Err(refuse(&broken, "(send override_reason to keep the edit anyway)"));
    }
    diesel::insert_into(roster_assignments::table).values(&row).execute(conn).map_err(|e| match e {
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _) => {
            ServiceError::field("date", "this person already works a shift that day on this roster")
        }
        other => other.into(),
    })?;
    let version = bump(conn, roster_id, expected)?;
    Ok(EditOutcome { roster_version: version, assignment_id: Some(row.id), broken })
}

/// Remove one assignment from a draft; reports what the roster breaks without it.
pub fn remove(
    conn: &mut DbConnection,
    caller: &Caller,
    roster_id: &str,
    assignment_id: &str,
    expected: i64,
) -> Result<EditOutcome, ServiceError> {
    let roster = draft(conn, caller, roster_id, expected)?;
    let rows = stored(conn, roster_id)?;
    if !rows.iter().any(|r| r.id == assignment_id) {
        return Err(ServiceError::NotFound { kind: "assignment", id: assignment_id.to_owned() });
    }
    let built = build(conn, &roster.site_id, &roster.ward_ids, roster.start_date, roster.end_date)?;
    let before = as_solver(&built, &rows);
    let kept: Vec<RosterAssignmentRow> = rows.into_iter().filter(|r| r.id != assignment_id).collect();
    let broken = new_breaks(&built, before, as_solver(&built, &kept));
    diesel::delete(roster_assignments::table.filter(roster_assignments::id.eq(assignment_id))).execute(conn)?;
    let version = bump(conn, roster_id, expected)?;
    Ok(EditOutcome { roster_version: version, assignment_id: None, broken })
}
