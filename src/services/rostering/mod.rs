//! Rosters: a site's wards over a range of local dates, solved as a durable job, read back as
//! assignments (local and UTC times) and coverage against demand.

pub mod edit;
pub mod history;
pub mod problem;
pub mod publishing;

pub use publishing::publish;
pub mod repair;
pub mod solve;
pub mod workload;

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::crud::Record;
use super::hospital::site_exists;
use super::policy::{self, Action};
use super::{Caller, Family, ListParams, Scope, ServiceError};
use crate::db::models::{RosterAssignmentRow, RosterRow};
use crate::db::schema::{roster_assignments, roster_wards, rosters, sites, wards};
use crate::db::DbConnection;
use crate::domain::FieldErrors;

pub const DRAFT: &str = "draft";
pub const PUBLISHED: &str = "published";
/// A published roster that a newer published version of it replaced.
pub const SUPERSEDED: &str = "superseded";

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RosterInput {
    pub site_id: String,
    pub name: String,
    /// First local date (usually a Monday).
    pub start_date: NaiveDate,
    /// Last local date, inclusive; at most 12 weeks after the start.
    pub end_date: NaiveDate,
    /// Wards to roster; every active ward of the site when omitted.
    pub ward_ids: Option<Vec<String>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Roster {
    #[serde(flatten)]
    pub record: Record,
    pub site_id: String,
    pub name: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub ward_ids: Vec<String>,
    /// `draft` until published; `superseded` once a newer version of it is published.
    pub status: String,
    /// Objective of the last solve (the validator's value).
    pub objective: Option<f64>,
    pub solved_at: Option<DateTime<Utc>>,
    /// When it was published; a published roster never changes.
    pub published_at: Option<DateTime<Utc>>,
    /// The published roster this draft was started from.
    pub based_on: Option<String>,
    /// The published roster that replaced this one.
    pub superseded_by: Option<String>,
}

fn roster_of(row: RosterRow, ward_ids: Vec<String>) -> Roster {
    Roster {
        record: Record::new(row.id, row.version, row.created_at, row.updated_at, row.archived_at),
        site_id: row.site_id,
        name: row.name,
        start_date: row.start_date,
        end_date: row.end_date,
        ward_ids,
        status: row.status,
        objective: row.objective,
        solved_at: row.solved_at.map(|t| t.and_utc()),
        published_at: row.published_at.map(|t| t.and_utc()),
        based_on: row.based_on,
        superseded_by: row.superseded_by,
    }
}

/// 403 unless the caller's role may change some roster (checked before a body is read).
pub fn may_write(caller: &Caller) -> Result<(), ServiceError> {
    policy::require(caller, Family::Roster, Action::Write).map(|_| ())
}

/// A manager may act on a roster only if every one of its wards is theirs.
fn authorize_wards(caller: &Caller, action: Action, site_id: &str, ward_ids: &[String]) -> Result<(), ServiceError> {
    policy::require(caller, Family::Roster, action)?;
    for ward in ward_ids {
        let scope = Scope { site_id: site_id.to_owned(), ward_id: Some(ward.clone()), staff_id: None };
        policy::authorize(caller, Family::Roster, action, &scope)?;
    }
    Ok(())
}

/// Load a roster with its wards (404 if missing) after checking the caller may `action` it.
pub fn load(conn: &mut DbConnection, caller: &Caller, id: &str, action: Action) -> Result<Roster, ServiceError> {
    policy::require(caller, Family::Roster, action)?;
    let row: RosterRow = rosters::table
        .find(id)
        .select(RosterRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ServiceError::NotFound { kind: "roster", id: id.to_owned() })?;
    let ward_ids: Vec<String> = roster_wards::table
        .filter(roster_wards::roster_id.eq(id))
        .order(roster_wards::ward_id.asc())
        .select(roster_wards::ward_id)
        .load(conn)?;
    authorize_wards(caller, action, &row.site_id, &ward_ids)?;
    Ok(roster_of(row, ward_ids))
}

pub fn create(
    conn: &mut DbConnection,
    caller: &Caller,
    actor: &str,
    input: RosterInput,
) -> Result<Roster, ServiceError> {
    policy::require(caller, Family::Roster, Action::Write)?;
    let mut e = FieldErrors::new();
    site_exists(conn, &mut e, "site_id", &input.site_id)?;
    let name = e.text("name", &input.name);
    e.date_order("end_date", input.start_date, Some(input.end_date));
    e.check((input.end_date - input.start_date).num_days() < 84, "end_date", "a roster may cover at most 12 weeks");
    let site_wards: Vec<String> = wards::table
        .filter(wards::site_id.eq(&input.site_id))
        .filter(wards::archived_at.is_null())
        .order(wards::code.asc())
        .select(wards::id)
        .load(conn)?;
    let ward_ids = match input.ward_ids {
        Some(ids) => {
            for (i, w) in ids.iter().enumerate() {
                e.check(site_wards.contains(w), &format!("ward_ids[{i}]"), "no such active ward on this site");
            }
            e.check(!ids.is_empty(), "ward_ids", "must name at least one ward");
            let mut ids = ids;
            ids.sort();
            ids.dedup();
            ids
        }
        None => {
            e.check(!site_wards.is_empty(), "site_id", "the site has no active wards");
            site_wards
        }
    };
    e.finish(())?;
    authorize_wards(caller, Action::Write, &input.site_id, &ward_ids)?;
    let now = super::now();
    let row = RosterRow {
        id: super::new_id(),
        site_id: input.site_id,
        name,
        start_date: input.start_date,
        end_date: input.end_date,
        status: DRAFT.to_owned(),
        objective: None,
        solved_at: None,
        version: 1,
        created_at: now,
        updated_at: now,
        archived_at: None,
        published_at: None,
        based_on: None,
        superseded_by: None,
    };
    diesel::insert_into(rosters::table).values(&row).execute(conn)?;
    for w in &ward_ids {
        diesel::insert_into(roster_wards::table)
            .values((roster_wards::roster_id.eq(&row.id), roster_wards::ward_id.eq(w)))
            .execute(conn)?;
    }
    let detail = serde_json::json!({ "name": row.name, "start_date": row.start_date, "end_date": row.end_date, "ward_ids": ward_ids });
    history::record(conn, &row.id, row.version, actor, "created", &detail)?;
    Ok(roster_of(row, ward_ids))
}

pub fn list(conn: &mut DbConnection, caller: &Caller, p: &ListParams) -> Result<Vec<Roster>, ServiceError> {
    policy::require(caller, Family::Roster, Action::Read)?;
    let mut q = rosters::table.select(RosterRow::as_select()).into_boxed();
    if let Some(s) = &p.site_id {
        q = q.filter(rosters::site_id.eq(s.clone()));
    }
    if let Some(after) = &p.after {
        q = q.filter(rosters::id.gt(after.clone()));
    }
    let rows: Vec<RosterRow> = q.order(rosters::id.asc()).limit(p.limit).load(conn)?;
    let mut out = Vec::new();
    for row in rows {
        // Only the rosters whose wards the caller may all read.
        if let Ok(r) = load(conn, caller, &row.id, Action::Read) {
            out.push(r);
        }
    }
    Ok(out)
}

/// One worked shift of a roster.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssignmentView {
    pub id: String,
    pub staff_id: String,
    pub employee_number: String,
    pub staff_name: String,
    pub ward_id: String,
    pub shift_template_id: String,
    pub shift_code: String,
    /// Local date the shift starts on.
    pub date: NaiveDate,
    pub role_id: String,
    pub skill_id: Option<String>,
    pub start_local: String,
    pub end_local: String,
    pub start_utc: DateTime<Utc>,
    pub end_utc: DateTime<Utc>,
    pub pinned: bool,
    /// Why a manager kept this assignment although it breaks an overridable rule.
    pub override_reason: Option<String>,
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AssignmentFilter {
    pub ward_id: Option<String>,
    pub staff_id: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

pub(crate) fn site_zone(conn: &mut DbConnection, site_id: &str) -> Result<Tz, ServiceError> {
    let zone: String = sites::table.find(site_id).select(sites::time_zone).first(conn)?;
    zone.parse().map_err(|_| ServiceError::Internal(format!("stored zone {zone} is invalid")))
}

pub fn assignments(
    conn: &mut DbConnection,
    caller: &Caller,
    roster_id: &str,
    f: &AssignmentFilter,
) -> Result<Vec<AssignmentView>, ServiceError> {
    use crate::db::schema::{shift_templates, staff};
    let roster = load(conn, caller, roster_id, Action::Read)?;
    let tz = site_zone(conn, &roster.site_id)?;
    let mut q = roster_assignments::table
        .inner_join(staff::table.on(staff::id.eq(roster_assignments::staff_id)))
        .inner_join(shift_templates::table.on(shift_templates::id.eq(roster_assignments::shift_template_id)))
        .filter(roster_assignments::roster_id.eq(roster_id))
        .select((RosterAssignmentRow::as_select(), staff::employee_number, staff::name, shift_templates::code))
        .into_boxed();
    if let Some(w) = &f.ward_id {
        q = q.filter(roster_assignments::ward_id.eq(w.clone()));
    }
    if let Some(s) = &f.staff_id {
        q = q.filter(roster_assignments::staff_id.eq(s.clone()));
    }
    if let Some(d) = f.from {
        q = q.filter(roster_assignments::date.ge(d));
    }
    if let Some(d) = f.to {
        q = q.filter(roster_assignments::date.le(d));
    }
    let rows: Vec<(RosterAssignmentRow, String, String, String)> = q
        .order((roster_assignments::date.asc(), roster_assignments::starts_at.asc(), staff::employee_number.asc()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(a, number, name, code)| {
            let (start, end) = (a.starts_at.and_utc(), a.ends_at.and_utc());
            AssignmentView {
                id: a.id,
                staff_id: a.staff_id,
                employee_number: number,
                staff_name: name,
                ward_id: a.ward_id,
                shift_template_id: a.shift_template_id,
                shift_code: code,
                date: a.date,
                role_id: a.role_id,
                skill_id: a.skill_id,
                start_local: start.with_timezone(&tz).to_rfc3339(),
                end_local: end.with_timezone(&tz).to_rfc3339(),
                start_utc: start,
                end_utc: end,
                pinned: a.pinned,
                override_reason: a.override_reason,
            }
        })
        .collect())
}

/// Required against assigned for one demand line.
#[derive(Debug, Serialize, ToSchema)]
pub struct CoverageLine {
    pub ward_id: String,
    pub date: NaiveDate,
    pub shift_template_id: String,
    pub shift_code: String,
    pub role_id: String,
    pub skill_id: Option<String>,
    pub min: i32,
    pub target: i32,
    pub max: i32,
    pub assigned: i32,
    /// Below the minimum.
    pub short: i32,
    /// Above the maximum.
    pub over: i32,
}

/// Coverage recomputed from the stored assignments and today's demand. A role line counts
/// everyone of the role on the shift, a skill line those placed for that skill.
pub fn coverage(
    conn: &mut DbConnection,
    caller: &Caller,
    roster_id: &str,
    f: &AssignmentFilter,
) -> Result<Vec<CoverageLine>, ServiceError> {
    let roster = load(conn, caller, roster_id, Action::Read)?;
    if f.staff_id.is_some() {
        return Err(ServiceError::field("staff_id", "coverage is per ward and shift: filter by ward_id, from, to"));
    }
    let rows: Vec<RosterAssignmentRow> = roster_assignments::table
        .filter(roster_assignments::roster_id.eq(roster_id))
        .select(RosterAssignmentRow::as_select())
        .load(conn)?;
    let mut by_role: HashMap<(String, NaiveDate, String, String), i32> = HashMap::new();
    let mut by_skill: HashMap<(String, NaiveDate, String, String, String), i32> = HashMap::new();
    for a in rows {
        *by_role.entry((a.ward_id.clone(), a.date, a.shift_template_id.clone(), a.role_id.clone())).or_default() += 1;
        if let Some(skill) = a.skill_id {
            *by_skill.entry((a.ward_id, a.date, a.shift_template_id, a.role_id, skill)).or_default() += 1;
        }
    }
    let mut out = Vec::new();
    let from = f.from.map_or(roster.start_date, |d| d.max(roster.start_date));
    let to = f.to.map_or(roster.end_date, |d| d.min(roster.end_date));
    for ward in roster.ward_ids.iter().filter(|w| f.ward_id.as_ref().is_none_or(|only| only == *w)) {
        if from > to {
            break;
        }
        for line in super::planning::ward_demand(conn, &Caller::Admin, ward, from, to)? {
            let role_key = (ward.clone(), line.shift.date, line.shift.shift_template_id.clone(), line.role_id.clone());
            let assigned = match &line.skill_id {
                None => by_role.get(&role_key),
                Some(skill) => by_skill.get(&(role_key.0, role_key.1, role_key.2, role_key.3, skill.clone())),
            }
            .copied()
            .unwrap_or(0);
            out.push(CoverageLine {
                ward_id: ward.clone(),
                date: line.shift.date,
                shift_template_id: line.shift.shift_template_id,
                shift_code: line.shift.code,
                role_id: line.role_id,
                skill_id: line.skill_id,
                min: line.min,
                target: line.target,
                max: line.max,
                assigned,
                short: (line.min - assigned).max(0),
                over: (assigned - line.max).max(0),
            });
        }
    }
    Ok(out)
}

/// Start a new draft from a published roster: same wards, dates and assignments.
pub fn new_draft(conn: &mut DbConnection, caller: &Caller, actor: &str, id: &str) -> Result<Roster, ServiceError> {
    let published = load(conn, caller, id, Action::Write)?;
    if published.status != PUBLISHED {
        return Err(ServiceError::Conflict("only a published roster can be the base of a new draft".into()));
    }
    let draft = create(
        conn,
        caller,
        actor,
        RosterInput {
            site_id: published.site_id.clone(),
            name: format!("{} (changes)", published.name),
            start_date: published.start_date,
            end_date: published.end_date,
            ward_ids: Some(published.ward_ids.clone()),
        },
    )?;
    let now = super::now();
    diesel::update(rosters::table.find(&draft.record.id))
        .set((
            rosters::based_on.eq(Some(id)),
            rosters::objective.eq(published.objective),
            rosters::solved_at.eq(Some(now)),
        ))
        .execute(conn)?;
    let rows: Vec<RosterAssignmentRow> = roster_assignments::table
        .filter(roster_assignments::roster_id.eq(id))
        .select(RosterAssignmentRow::as_select())
        .load(conn)?;
    for row in rows {
        let copy = RosterAssignmentRow { id: super::new_id(), roster_id: draft.record.id.clone(), ..row };
        diesel::insert_into(roster_assignments::table).values(&copy).execute(conn)?;
    }
    let detail = serde_json::json!({ "based_on": id, "based_on_version": published.record.version });
    history::record(conn, &draft.record.id, draft.record.version, actor, "draft_started", &detail)?;
    load(conn, caller, &draft.record.id, Action::Read)
}

/// Everyone who may work on the roster's wards (home or float), and anyone assigned to it.
pub(crate) fn roster_staff_ids(conn: &mut DbConnection, roster: &Roster) -> Result<Vec<String>, ServiceError> {
    use crate::db::schema::{staff, staff_wards};
    let mut ids: Vec<String> = staff_wards::table
        .inner_join(staff::table)
        .filter(staff_wards::ward_id.eq_any(&roster.ward_ids))
        .filter(staff::active.eq(true))
        .filter(staff::archived_at.is_null())
        .select(staff_wards::staff_id)
        .load(conn)?;
    ids.extend(
        roster_assignments::table
            .filter(roster_assignments::roster_id.eq(&roster.record.id))
            .select(roster_assignments::staff_id)
            .load::<String>(conn)?,
    );
    ids.sort();
    ids.dedup();
    Ok(ids)
}
