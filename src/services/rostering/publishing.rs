//! Publishing: a draft becomes the roster staff see. A draft started from a published roster
//! replaces it (the old one is kept, superseded); shifts people lose are remembered as
//! cancelled for their calendars; and each person whose shifts are new or changed gets exactly
//! one message listing them.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono_tz::Tz;
use diesel::prelude::*;

use super::edit::remember_cancelled;
use super::{history, load, site_zone, Roster, DRAFT, PUBLISHED, SUPERSEDED};
use crate::db::models::RosterAssignmentRow;
use crate::db::schema::{roster_assignments, rosters, shift_templates, wards};
use crate::db::DbConnection;
use crate::services::notify::notify;
use crate::services::policy::Action;
use crate::services::{Caller, ServiceError};

/// Who works which shift on which day: what a person would call "the same shift".
type Key = (String, chrono::NaiveDate, String);

fn key(r: &RosterAssignmentRow) -> Key {
    (r.staff_id.clone(), r.date, r.shift_template_id.clone())
}

pub(crate) fn rows_of(conn: &mut DbConnection, roster_id: &str) -> Result<Vec<RosterAssignmentRow>, ServiceError> {
    Ok(roster_assignments::table
        .filter(roster_assignments::roster_id.eq(roster_id))
        .select(RosterAssignmentRow::as_select())
        .load(conn)?)
}

/// Turns assignments into lines a nurse reads: "Mon 7 Dec 07:30–20:00 LD on ICU".
pub struct ShiftWords {
    tz: Tz,
    /// Template id → (shift code, ward name).
    names: HashMap<String, (String, String)>,
}

impl ShiftWords {
    pub fn for_site(conn: &mut DbConnection, site_id: &str) -> Result<Self, ServiceError> {
        let tz = site_zone(conn, site_id)?;
        let names: Vec<(String, String, String)> = shift_templates::table
            .inner_join(wards::table)
            .filter(wards::site_id.eq(site_id))
            .select((shift_templates::id, shift_templates::code, wards::name))
            .load(conn)?;
        Ok(ShiftWords { tz, names: names.into_iter().map(|(id, code, ward)| (id, (code, ward))).collect() })
    }

    #[must_use]
    pub fn line(&self, template_id: &str, starts: chrono::NaiveDateTime, ends: chrono::NaiveDateTime) -> String {
        let (code, ward) = self.names.get(template_id).cloned().unwrap_or_default();
        let start = starts.and_utc().with_timezone(&self.tz);
        let end = ends.and_utc().with_timezone(&self.tz);
        format!("{} {}–{} {code} on {ward}", start.format("%a %-d %b %Y"), start.format("%H:%M"), end.format("%H:%M"))
    }
}

/// Publish a draft: from now on only approved staff requests change it. `expected` is the
/// version the manager saw.
pub fn publish(
    conn: &mut DbConnection,
    caller: &Caller,
    actor: &str,
    id: &str,
    expected: i64,
) -> Result<Roster, ServiceError> {
    let roster = load(conn, caller, id, Action::Write)?;
    if roster.status != DRAFT {
        return Err(ServiceError::Conflict("the roster is already published; start a new draft from it".into()));
    }
    if roster.solved_at.is_none() {
        return Err(ServiceError::field("roster", "solve the roster before publishing it"));
    }
    let now = crate::services::now();
    let changed = diesel::update(rosters::table.filter(rosters::id.eq(id)).filter(rosters::version.eq(expected)))
        .set((
            rosters::status.eq(PUBLISHED),
            rosters::published_at.eq(Some(now)),
            rosters::version.eq(expected + 1),
            rosters::updated_at.eq(now),
        ))
        .execute(conn)?;
    if changed == 0 {
        return Err(ServiceError::PreconditionFailed { kind: "roster", id: id.to_owned(), expected });
    }
    let rows = rows_of(conn, id)?;
    let mut before = Vec::new();
    if let Some(base_id) = &roster.based_on {
        let (status, base_version): (String, i64) =
            rosters::table.find(base_id).select((rosters::status, rosters::version)).first(conn)?;
        if status == PUBLISHED {
            before = rows_of(conn, base_id)?;
            diesel::update(rosters::table.find(base_id))
                .set((
                    rosters::status.eq(SUPERSEDED),
                    rosters::superseded_by.eq(Some(id)),
                    rosters::version.eq(base_version + 1),
                    rosters::updated_at.eq(now),
                ))
                .execute(conn)?;
            history::record(conn, base_id, base_version + 1, actor, "superseded", &serde_json::json!({ "by": id }))?;
            remember_cancelled(conn, &before, &rows, now)?;
        }
    }
    let told = tell_staff(conn, &roster, &before, &rows)?;
    let detail = serde_json::json!({ "assignments": rows.len(), "staff_notified": told, "replaces": roster.based_on });
    history::record(conn, id, expected + 1, actor, "published", &detail)?;
    load(conn, caller, id, Action::Read)
}

/// One message per person whose shifts are new, changed or cancelled; returns how many.
fn tell_staff(
    conn: &mut DbConnection,
    roster: &Roster,
    before: &[RosterAssignmentRow],
    after: &[RosterAssignmentRow],
) -> Result<usize, ServiceError> {
    let old: BTreeSet<Key> = before.iter().map(key).collect();
    let new: BTreeSet<Key> = after.iter().map(key).collect();
    let mut lines: BTreeMap<&str, Vec<(chrono::NaiveDateTime, String)>> = BTreeMap::new();
    let words = ShiftWords::for_site(conn, &roster.site_id)?;
    let first_time = before.is_empty();
    for r in after.iter().filter(|r| !old.contains(&key(r))) {
        let mark = if first_time { "" } else { " (new)" };
        let text = format!("{}{mark}", words.line(&r.shift_template_id, r.starts_at, r.ends_at));
        lines.entry(&r.staff_id).or_default().push((r.starts_at, text));
    }
    for r in before.iter().filter(|r| !new.contains(&key(r))) {
        let text = format!("{} (cancelled)", words.line(&r.shift_template_id, r.starts_at, r.ends_at));
        lines.entry(&r.staff_id).or_default().push((r.starts_at, text));
    }
    let period = format!("{} to {}", roster.start_date.format("%-d %b %Y"), roster.end_date.format("%-d %b %Y"));
    for (staff_id, mut shifts) in lines.iter_mut().map(|(k, v)| (*k, std::mem::take(v))) {
        shifts.sort();
        let (subject, intro) = if first_time {
            (format!("Your shifts, {period}"), format!("The roster for {period} is published. Your shifts:"))
        } else {
            (format!("Your shifts changed, {period}"), format!("The roster for {period} changed. For you:"))
        };
        let body = std::iter::once(intro).chain(shifts.into_iter().map(|(_, l)| format!("- {l}"))).collect::<Vec<_>>();
        notify(conn, staff_id, "roster_published", &subject, &body.join("\n"))?;
    }
    Ok(lines.len())
}
