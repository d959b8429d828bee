//! Personal calendar feeds: a secret URL per staff member (only its SHA-256 is stored;
//! creating a new one or revoking it makes the old URL stop working). The feed lists the
//! person's published shifts with UIDs that stay the same across re-publishing (person,
//! shift and date), and the shifts they lost as cancelled events.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::me;
use crate::db::schema::{calendar_feeds, cancelled_shifts, roster_assignments, rosters, shift_templates, staff, wards};
use crate::db::DbConnection;
use crate::export::ics::{self, Event};
use crate::export::Shift;
use crate::services::auth::hash_token;
use crate::services::rostering::PUBLISHED;
use crate::services::{Caller, ServiceError};

const PREFIX: &str = "cal_";

#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarFeed {
    /// Subscribe to this URL (path relative to the server); it works without any other token.
    pub url: String,
    /// The secret in the URL; shown once.
    pub token: String,
}

/// A new feed URL for the caller; any earlier one stops working.
pub fn create(conn: &mut DbConnection, caller: &Caller) -> Result<CalendarFeed, ServiceError> {
    let (staff_id, _) = me(caller)?;
    revoke_all(conn, staff_id)?;
    let token = format!("{PREFIX}{}", crate::services::auth::random_secret());
    diesel::insert_into(calendar_feeds::table)
        .values((
            calendar_feeds::id.eq(crate::services::new_id()),
            calendar_feeds::staff_id.eq(staff_id),
            calendar_feeds::token_hash.eq(hash_token(&token)),
            calendar_feeds::created_at.eq(crate::services::now()),
        ))
        .execute(conn)?;
    Ok(CalendarFeed { url: format!("/api/v1/calendar/{token}.ics"), token })
}

fn revoke_all(conn: &mut DbConnection, staff_id: &str) -> Result<usize, ServiceError> {
    Ok(diesel::update(
        calendar_feeds::table
            .filter(calendar_feeds::staff_id.eq(staff_id))
            .filter(calendar_feeds::revoked_at.is_null()),
    )
    .set(calendar_feeds::revoked_at.eq(Some(crate::services::now())))
    .execute(conn)?)
}

/// Revoke the caller's feed URL.
pub fn revoke(conn: &mut DbConnection, caller: &Caller) -> Result<(), ServiceError> {
    let (staff_id, _) = me(caller)?;
    revoke_all(conn, staff_id)?;
    Ok(())
}

type FeedRow = (String, String, chrono::NaiveDate, NaiveDateTime, NaiveDateTime, String, String, String, String);

/// The iCalendar document behind a feed token; `None` for unknown or revoked tokens.
pub fn feed(conn: &mut DbConnection, token: &str) -> Result<Option<String>, ServiceError> {
    if !token.starts_with(PREFIX) {
        return Ok(None);
    }
    let staff_id: Option<String> = calendar_feeds::table
        .filter(calendar_feeds::token_hash.eq(hash_token(token)))
        .filter(calendar_feeds::revoked_at.is_null())
        .select(calendar_feeds::staff_id)
        .first(conn)
        .optional()?;
    let Some(staff_id) = staff_id else { return Ok(None) };
    let (number, name): (String, String) =
        staff::table.find(&staff_id).select((staff::employee_number, staff::name)).first(conn)?;
    let active: Vec<(FeedRow, NaiveDateTime)> = roster_assignments::table
        .inner_join(rosters::table)
        .inner_join(wards::table.on(wards::id.eq(roster_assignments::ward_id)))
        .inner_join(shift_templates::table.on(shift_templates::id.eq(roster_assignments::shift_template_id)))
        .filter(roster_assignments::staff_id.eq(&staff_id))
        .filter(rosters::status.eq(PUBLISHED))
        .select((
            (
                roster_assignments::shift_template_id,
                roster_assignments::ward_id,
                roster_assignments::date,
                roster_assignments::starts_at,
                roster_assignments::ends_at,
                wards::code,
                wards::name,
                shift_templates::code,
                roster_assignments::role_id,
            ),
            rosters::updated_at,
        ))
        .load(conn)?;
    let cancelled: Vec<(FeedRow, NaiveDateTime)> = cancelled_shifts::table
        .inner_join(wards::table.on(wards::id.eq(cancelled_shifts::ward_id)))
        .inner_join(shift_templates::table.on(shift_templates::id.eq(cancelled_shifts::shift_template_id)))
        .filter(cancelled_shifts::staff_id.eq(&staff_id))
        .select((
            (
                cancelled_shifts::shift_template_id,
                cancelled_shifts::ward_id,
                cancelled_shifts::date,
                cancelled_shifts::starts_at,
                cancelled_shifts::ends_at,
                wards::code,
                wards::name,
                shift_templates::code,
                cancelled_shifts::staff_id,
            ),
            cancelled_shifts::cancelled_at,
        ))
        .load(conn)?;
    let shift = |r: &FeedRow, role: String| Shift {
        employee_number: number.clone(),
        staff_name: name.clone(),
        ward: r.5.clone(),
        ward_name: r.6.clone(),
        date: r.2,
        shift_code: r.7.clone(),
        role,
        skill: None,
        start_utc: r.3.and_utc(),
        end_utc: r.4.and_utc(),
        uid: uid(&staff_id, &r.0, r.2),
    };
    let mut shifts: Vec<(Shift, bool, NaiveDateTime)> = Vec::new();
    for (r, changed) in &active {
        shifts.push((shift(r, "on shift".to_owned()), false, *changed));
    }
    for (r, at) in &cancelled {
        let uid = uid(&staff_id, &r.0, r.2);
        if !shifts.iter().any(|(s, _, _)| s.uid == uid) {
            shifts.push((shift(r, "cancelled".to_owned()), true, *at));
        }
    }
    shifts.sort_by_key(|(s, _, _)| s.start_utc);
    let events: Vec<Event<'_>> = shifts
        .iter()
        .map(|(s, cancelled, changed)| Event { shift: s, cancelled: *cancelled, sequence: sequence(*changed) })
        .collect();
    Ok(Some(ics::write_events(&format!("{name} — shifts"), &events)))
}

/// The same UID the batch export uses: person, shift template and date.
fn uid(staff_id: &str, template_id: &str, date: chrono::NaiveDate) -> String {
    format!("{staff_id}-{template_id}-{date}@rota")
}

/// SEQUENCE grows with every change (seconds since 2020), so calendar clients take the newest.
fn sequence(changed: NaiveDateTime) -> i64 {
    (changed.and_utc().timestamp() - 1_577_836_800).max(0)
}
