//! Re-planning after a call-out: a repair draft of a published roster in which only the days
//! around the absence are re-solved; every other worked shift is pinned, and each change inside
//! the window costs, so the answer moves as few people as it can.

use std::collections::BTreeSet;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use rota_solver::{Pin, RosterEntry, SolveOptions};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::problem::build;
use super::solve::write_assignments;
use super::{load, new_draft, Roster, PUBLISHED};
use crate::db::models::RosterAssignmentRow;
use crate::db::schema::{roster_assignments, shift_templates, staff};
use crate::db::{DbConnection, DbPool};
use crate::domain::{UnavailabilityKind, UnavailabilityStatus};
use crate::services::crud;
use crate::services::policy::Action;
use crate::services::staffing::{Unavailabilities, UnavailabilityInput};
use crate::services::{Caller, ServiceError};

/// Cost of each changed (person, day) inside the repair window.
const CHANGE_WEIGHT: f64 = 50.0;
const REPAIR_SECONDS: u64 = 3;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CallOutInput {
    pub staff_id: String,
    /// Start of the absence (UTC).
    pub from: DateTime<Utc>,
    /// End of the absence (UTC).
    pub to: DateTime<Utc>,
    pub note: Option<String>,
    /// The absence is already on record (approved leave): do not record it again.
    #[serde(skip)]
    pub already_recorded: bool,
}

/// One shift that the repair removes or adds.
#[derive(Debug, Serialize, ToSchema, PartialEq, Eq, PartialOrd, Ord)]
pub struct ShiftChange {
    pub staff_id: String,
    pub employee_number: String,
    pub date: NaiveDate,
    pub shift_code: String,
    pub ward_id: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Repair {
    /// The repair draft: review it, then publish it.
    pub draft: Roster,
    pub removed: Vec<ShiftChange>,
    pub added: Vec<ShiftChange>,
    /// Changes beyond taking the absent person off their shifts.
    pub changes_beyond_gap: usize,
    /// Demand still short after the repair, with reasons.
    #[schema(value_type = Object)]
    pub uncovered: serde_json::Value,
    pub elapsed_seconds: f64,
}

type Key = (String, NaiveDate, String);

fn keys(rows: &[RosterAssignmentRow]) -> BTreeSet<Key> {
    rows.iter().map(|r| (r.staff_id.clone(), r.date, r.shift_template_id.clone())).collect()
}

fn changes(
    conn: &mut DbConnection,
    keys: &BTreeSet<Key>,
    rows: &[RosterAssignmentRow],
) -> Result<Vec<ShiftChange>, ServiceError> {
    let mut out = Vec::new();
    for (staff_id, date, template) in keys {
        let number: String = staff::table.find(staff_id).select(staff::employee_number).first(conn)?;
        let code: String = shift_templates::table.find(template).select(shift_templates::code).first(conn)?;
        let ward = rows
            .iter()
            .find(|r| &r.staff_id == staff_id && r.date == *date && &r.shift_template_id == template)
            .map(|r| r.ward_id.clone())
            .unwrap_or_default();
        out.push(ShiftChange {
            staff_id: staff_id.clone(),
            employee_number: number,
            date: *date,
            shift_code: code,
            ward_id: ward,
        });
    }
    Ok(out)
}

fn rows_of(conn: &mut DbConnection, roster_id: &str) -> Result<Vec<RosterAssignmentRow>, ServiceError> {
    Ok(roster_assignments::table
        .filter(roster_assignments::roster_id.eq(roster_id))
        .select(RosterAssignmentRow::as_select())
        .load(conn)?)
}

fn pooled(pool: &DbPool) -> Result<crate::db::PooledConn, ServiceError> {
    pool.get().map_err(|e| ServiceError::Unavailable(e.to_string()))
}

/// Record the absence, open a repair draft and re-solve the window around it.
pub fn call_out(
    pool: &DbPool,
    caller: &Caller,
    actor: &str,
    roster_id: &str,
    input: &CallOutInput,
) -> Result<Repair, ServiceError> {
    if input.to <= input.from {
        return Err(ServiceError::field("to", "must be after from"));
    }
    let started = std::time::Instant::now();
    let mut conn = pooled(pool)?;
    let c: &mut DbConnection = &mut conn;
    let (draft, published, mut built) = c.transaction(|c| {
        crate::db::lock_for_write(c)?;
        let roster = load(c, caller, roster_id, Action::Write)?;
        if roster.status != PUBLISHED {
            return Err(ServiceError::Conflict("call-outs repair a published roster; this one is a draft".into()));
        }
        let published = rows_of(c, roster_id)?;
        if !published.iter().any(|r| r.staff_id == input.staff_id) {
            return Err(ServiceError::field("staff_id", "has no shift on this roster"));
        }
        if !input.already_recorded {
            crud::create::<Unavailabilities>(
                c,
                &Caller::Admin,
                UnavailabilityInput {
                    staff_id: input.staff_id.clone(),
                    kind: UnavailabilityKind::Sick,
                    status: UnavailabilityStatus::Approved,
                    start_date: None,
                    end_date: None,
                    starts_at: Some(input.from),
                    ends_at: Some(input.to),
                    note: input.note.clone().or_else(|| Some("call-out".to_owned())),
                },
            )?;
        }
        let draft = new_draft(c, caller, actor, roster_id)?;
        let built = build(c, &draft.site_id, &draft.ward_ids, draft.start_date, draft.end_date)?;
        Ok((draft, published, built))
    })?;
    // The window: the days the absent person is now unavailable, one day either side.
    let absent =
        built.problem.staff.iter().find(|s| s.id == input.staff_id).map(|s| s.unavailable.clone()).unwrap_or_default();
    let (Some(&first), Some(&last)) = (absent.iter().min(), absent.iter().max()) else {
        return Err(ServiceError::field("from", "the absence does not touch any day of this roster"));
    };
    let window = first.saturating_sub(1)..=(last + 1).min(built.problem.horizon_days.saturating_sub(1));
    let day_of = |date: NaiveDate| u32::try_from((date - built.start).num_days()).ok();
    for r in &published {
        let Some(day) = day_of(r.date) else { continue };
        if window.contains(&day) {
            continue;
        }
        built.problem.pins.push(Pin { staff: r.staff_id.clone(), day, shift: Some(r.shift_template_id.clone()) });
    }
    for person in &built.problem.staff {
        for day in window.clone() {
            let shift = published
                .iter()
                .find(|r| r.staff_id == person.id && day_of(r.date) == Some(day))
                .map(|r| r.shift_template_id.clone());
            built.problem.reference.push(RosterEntry { staff: person.id.clone(), day, shift });
        }
    }
    built.problem.rules.change_weight = CHANGE_WEIGHT;
    // Start from the published roster without the absent person's shifts on their days off:
    // the search only improves on it, so a large roster is never lost to a short time limit.
    let start: Vec<rota_solver::Assignment> = super::edit::as_solver(&built, &published)
        .into_iter()
        .filter(|a| !(a.staff == input.staff_id && absent.contains(&a.day)))
        .collect();
    let already_broken =
        rota_solver::validate(&built.problem, &rota_solver::Solution::from_assignments(start.clone())).hard.len();
    let options = SolveOptions {
        time_limit: Duration::from_secs(REPAIR_SECONDS),
        relative_gap: 0.0,
        warm_start: Some(rota_solver::Roster { assignments: start }),
        ..SolveOptions::default()
    };
    let solution = rota_solver::solve(&built.problem, &options).map_err(|e| ServiceError::Internal(e.to_string()))?;
    // Never write a repair that breaks more hard rules (pins, rest, leave) than the roster it
    // started from: keep the draft as the published copy and say so.
    let report = rota_solver::validate(&built.problem, &solution);
    if report.hard.len() > already_broken {
        return Err(ServiceError::Conflict(format!(
            "no valid repair found in {REPAIR_SECONDS} s ({} rule(s) would break); draft {} is an unchanged copy to edit by hand",
            report.hard.len(),
            draft.record.id
        )));
    }
    let mut conn = pooled(pool)?;
    let c: &mut DbConnection = &mut conn;
    c.transaction(|c| {
        crate::db::lock_for_write(c)?;
        write_assignments(c, &draft.record.id, &built, &solution.assignments)?;
        let now_rows = rows_of(c, &draft.record.id)?;
        let (before, after) = (keys(&published), keys(&now_rows));
        let removed_keys: BTreeSet<Key> = before.difference(&after).cloned().collect();
        let added_keys: BTreeSet<Key> = after.difference(&before).cloned().collect();
        let gap = removed_keys.iter().filter(|(s, _, _)| s == &input.staff_id).count();
        let removed = changes(c, &removed_keys, &published)?;
        let added = changes(c, &added_keys, &now_rows)?;
        let changes_beyond_gap = removed.len() + added.len() - gap - added.len().min(gap);
        let version: i64 = crate::db::schema::rosters::table
            .find(&draft.record.id)
            .select(crate::db::schema::rosters::version)
            .first(c)?;
        let detail = serde_json::json!({
            "staff_id": input.staff_id, "from": input.from, "to": input.to,
            "removed": removed.len(), "added": added.len(), "changes_beyond_gap": changes_beyond_gap,
        });
        super::history::record(c, &draft.record.id, version, actor, "call_out_repaired", &detail)?;
        Ok(Repair {
            draft: load(c, caller, &draft.record.id, Action::Read)?,
            removed,
            added,
            changes_beyond_gap,
            uncovered: serde_json::to_value(&solution.uncovered).unwrap_or_default(),
            elapsed_seconds: started.elapsed().as_secs_f64(),
        })
    })
}
