//! Time off: a staff member asks for a range of days with a reason; a manager of their home
//! ward approves or declines with a note. Approved leave is hard unavailability for the solver;
//! leave that collides with published shifts is flagged, with a one-step re-plan (the call-out
//! repair) for each roster concerned.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    expect_status, home_ward, may_read, me, require_manager, staff_name, APPROVED, CANCELLED, DECLINED, PENDING,
};
use crate::db::schema::{roster_assignments, rosters, time_off_requests};
use crate::db::DbConnection;
use crate::domain::{shifts::resolve_local, UnavailabilityKind, UnavailabilityStatus};
use crate::services::notify::notify;
use crate::services::rostering::{site_zone, PUBLISHED};
use crate::services::staffing::{Unavailabilities, UnavailabilityInput};
use crate::services::{crud, Caller, ServiceError};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeOffInput {
    /// First local date off.
    pub start_date: NaiveDate,
    /// Last local date off, inclusive.
    pub end_date: NaiveDate,
    pub reason: String,
}

/// A manager's answer, or a requester's withdrawal.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    pub note: Option<String>,
}

impl DecisionInput {
    /// The note, if it says anything.
    #[must_use]
    pub fn note(&self) -> Option<&str> {
        self.note.as_deref().map(str::trim).filter(|n| !n.is_empty())
    }
}

/// A published shift the leave would take someone off.
#[derive(Debug, Serialize, ToSchema)]
pub struct Collision {
    pub roster_id: String,
    pub assignment_id: String,
    pub ward_id: String,
    pub date: NaiveDate,
    pub start_utc: DateTime<Utc>,
    pub end_utc: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TimeOffRequest {
    pub id: String,
    pub staff_id: String,
    pub staff_name: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub reason: String,
    /// pending, approved, declined or cancelled.
    pub status: String,
    pub manager_note: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// Published shifts inside the leave: re-plan them with POST …/replan.
    pub collisions: Vec<Collision>,
}

type Row = (
    String,
    String,
    String,
    NaiveDate,
    NaiveDate,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<chrono::NaiveDateTime>,
    chrono::NaiveDateTime,
);

fn columns() -> (
    time_off_requests::id,
    time_off_requests::staff_id,
    time_off_requests::site_id,
    time_off_requests::start_date,
    time_off_requests::end_date,
    time_off_requests::reason,
    time_off_requests::status,
    time_off_requests::manager_note,
    time_off_requests::decided_by,
    time_off_requests::decided_at,
    time_off_requests::created_at,
) {
    use time_off_requests as t;
    (
        t::id,
        t::staff_id,
        t::site_id,
        t::start_date,
        t::end_date,
        t::reason,
        t::status,
        t::manager_note,
        t::decided_by,
        t::decided_at,
        t::created_at,
    )
}

fn find_row(conn: &mut DbConnection, id: &str) -> Result<Row, ServiceError> {
    time_off_requests::table
        .find(id)
        .select(columns())
        .first(conn)
        .optional()?
        .ok_or_else(|| ServiceError::NotFound { kind: "time-off request", id: id.to_owned() })
}

/// Published shifts of `staff_id` between two dates.
pub(crate) fn collisions(
    conn: &mut DbConnection,
    staff_id: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Collision>, ServiceError> {
    let rows: Vec<(String, String, String, NaiveDate, chrono::NaiveDateTime, chrono::NaiveDateTime)> =
        roster_assignments::table
            .inner_join(rosters::table)
            .filter(rosters::status.eq(PUBLISHED))
            .filter(roster_assignments::staff_id.eq(staff_id))
            .filter(roster_assignments::date.ge(from))
            .filter(roster_assignments::date.le(to))
            .order(roster_assignments::starts_at.asc())
            .select((
                roster_assignments::roster_id,
                roster_assignments::id,
                roster_assignments::ward_id,
                roster_assignments::date,
                roster_assignments::starts_at,
                roster_assignments::ends_at,
            ))
            .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(roster_id, assignment_id, ward_id, date, s, e)| Collision {
            roster_id,
            assignment_id,
            ward_id,
            date,
            start_utc: s.and_utc(),
            end_utc: e.and_utc(),
        })
        .collect())
}

fn view(conn: &mut DbConnection, r: Row) -> Result<TimeOffRequest, ServiceError> {
    let collisions = if r.6 == PENDING || r.6 == APPROVED { collisions(conn, &r.1, r.3, r.4)? } else { vec![] };
    Ok(TimeOffRequest {
        staff_name: staff_name(conn, &r.1)?,
        id: r.0,
        staff_id: r.1,
        start_date: r.3,
        end_date: r.4,
        reason: r.5,
        status: r.6,
        manager_note: r.7,
        decided_by: r.8,
        decided_at: r.9.map(|t| t.and_utc()),
        created_at: r.10.and_utc(),
        collisions,
    })
}

/// A staff member asks for leave.
pub fn request(conn: &mut DbConnection, caller: &Caller, input: &TimeOffInput) -> Result<TimeOffRequest, ServiceError> {
    let (staff_id, site_id) = me(caller)?;
    let mut e = crate::domain::FieldErrors::new();
    let reason = e.text("reason", &input.reason);
    e.check(input.end_date >= input.start_date, "end_date", "must not be before start_date (leave of zero days)");
    let today = Utc::now().with_timezone(&site_zone(conn, site_id)?).date_naive();
    e.check(input.start_date >= today, "start_date", "is in the past");
    e.check((input.end_date - input.start_date).num_days() < 366, "end_date", "at most a year of leave per request");
    e.finish(())?;
    let overlapping: Option<String> = time_off_requests::table
        .filter(time_off_requests::staff_id.eq(staff_id))
        .filter(time_off_requests::status.eq_any([PENDING, APPROVED]))
        .filter(time_off_requests::start_date.le(input.end_date))
        .filter(time_off_requests::end_date.ge(input.start_date))
        .select(time_off_requests::id)
        .first(conn)
        .optional()?;
    if let Some(other) = overlapping {
        return Err(ServiceError::field("start_date", format!("overlaps your time-off request {other}")));
    }
    let id = crate::services::new_id();
    let now = crate::services::now();
    diesel::insert_into(time_off_requests::table)
        .values((
            time_off_requests::id.eq(&id),
            time_off_requests::staff_id.eq(staff_id),
            time_off_requests::site_id.eq(site_id),
            time_off_requests::start_date.eq(input.start_date),
            time_off_requests::end_date.eq(input.end_date),
            time_off_requests::reason.eq(reason),
            time_off_requests::status.eq(PENDING),
            time_off_requests::created_at.eq(now),
            time_off_requests::updated_at.eq(now),
        ))
        .execute(conn)?;
    get(conn, caller, &id)
}

pub fn get(conn: &mut DbConnection, caller: &Caller, id: &str) -> Result<TimeOffRequest, ServiceError> {
    super::may_use(caller)?;
    let row = find_row(conn, id)?;
    let ward = home_ward(conn, &row.1)?;
    may_read(caller, &row.2, ward.as_deref(), &[&row.1])?;
    view(conn, row)
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RequestFilter {
    /// pending, approved, declined, cancelled (and for swaps/offers: accepted).
    pub status: Option<String>,
    pub staff_id: Option<String>,
}

/// Staff see their own requests; managers those of their site's (or ward's) people.
pub fn list(conn: &mut DbConnection, caller: &Caller, f: &RequestFilter) -> Result<Vec<TimeOffRequest>, ServiceError> {
    let mut q = time_off_requests::table.select(columns()).into_boxed();
    match caller {
        Caller::Staff { staff_id, .. } => q = q.filter(time_off_requests::staff_id.eq(staff_id.clone())),
        Caller::Manager { site_id, .. } => q = q.filter(time_off_requests::site_id.eq(site_id.clone())),
        Caller::Admin => {}
        Caller::Integration => return Err(ServiceError::Forbidden("integrations do not see staff requests".into())),
    }
    if let Some(s) = &f.status {
        q = q.filter(time_off_requests::status.eq(s.clone()));
    }
    if let Some(s) = &f.staff_id {
        q = q.filter(time_off_requests::staff_id.eq(s.clone()));
    }
    let rows: Vec<Row> = q.order(time_off_requests::created_at.asc()).limit(500).load(conn)?;
    let mut out = Vec::new();
    for row in rows {
        let ward = home_ward(conn, &row.1)?;
        if may_read(caller, &row.2, ward.as_deref(), &[&row.1]).is_ok() {
            out.push(view(conn, row)?);
        }
    }
    Ok(out)
}

fn set_status(
    conn: &mut DbConnection,
    id: &str,
    from: &str,
    to: &str,
    actor: Option<&str>,
    note: Option<&str>,
    unavailability: Option<&str>,
) -> Result<(), ServiceError> {
    let now = crate::services::now();
    let changed = diesel::update(
        time_off_requests::table.filter(time_off_requests::id.eq(id)).filter(time_off_requests::status.eq(from)),
    )
    .set((
        time_off_requests::status.eq(to),
        time_off_requests::manager_note.eq(note),
        time_off_requests::decided_by.eq(actor),
        time_off_requests::decided_at.eq(actor.map(|_| now)),
        time_off_requests::unavailability_id.eq(unavailability),
        time_off_requests::version.eq(time_off_requests::version + 1),
        time_off_requests::updated_at.eq(now),
    ))
    .execute(conn)?;
    if changed == 0 {
        return Err(ServiceError::Conflict(format!("the time-off request is no longer {from}")));
    }
    Ok(())
}

/// A manager approves (leave becomes hard unavailability) or declines.
pub fn decide(
    conn: &mut DbConnection,
    caller: &Caller,
    actor: &str,
    id: &str,
    approve: bool,
    input: &DecisionInput,
) -> Result<TimeOffRequest, ServiceError> {
    super::may_use(caller)?;
    let row = find_row(conn, id)?;
    let ward = home_ward(conn, &row.1)?;
    require_manager(caller, &row.2, ward.as_deref())?;
    let verb = if approve { "approve" } else { "decline" };
    expect_status("time-off request", &row.6, &[PENDING], verb)?;
    let note = input.note();
    let (period, staff_id) = (format!("{} to {}", row.3, row.4), row.1.clone());
    if approve {
        let leave = crud::create::<Unavailabilities>(
            conn,
            &Caller::Admin,
            UnavailabilityInput {
                staff_id: row.1.clone(),
                kind: UnavailabilityKind::AnnualLeave,
                status: UnavailabilityStatus::Approved,
                start_date: Some(row.3),
                end_date: Some(row.4),
                starts_at: None,
                ends_at: None,
                note: Some(format!("time-off request {id}: {}", row.5)),
            },
        )?;
        set_status(conn, id, PENDING, APPROVED, Some(actor), note, Some(&leave.record.id))?;
    } else {
        set_status(conn, id, PENDING, DECLINED, Some(actor), note, None)?;
    }
    let outcome = if approve { "approved" } else { "declined" };
    let body = match note {
        Some(n) => format!("Your time off {period} was {outcome}.\nNote from your manager: {n}"),
        None => format!("Your time off {period} was {outcome}."),
    };
    notify(conn, &staff_id, "time_off_decided", &format!("Time off {outcome}: {period}"), &body)?;
    get(conn, caller, id)
}

/// The requester withdraws a pending request.
pub fn cancel(conn: &mut DbConnection, caller: &Caller, id: &str) -> Result<TimeOffRequest, ServiceError> {
    let (staff_id, _) = me(caller)?;
    let row = find_row(conn, id)?;
    if row.1 != staff_id {
        return Err(ServiceError::Forbidden("this request is not yours".into()));
    }
    expect_status("time-off request", &row.6, &[PENDING], "cancel")?;
    set_status(conn, id, PENDING, CANCELLED, None, None, None)?;
    get(conn, caller, id)
}

/// What re-planning an approved request needs: for each published roster it collides with,
/// the absence as a call-out.
pub fn replan_inputs(
    conn: &mut DbConnection,
    caller: &Caller,
    id: &str,
) -> Result<Vec<(String, crate::services::rostering::repair::CallOutInput)>, ServiceError> {
    super::may_use(caller)?;
    let row = find_row(conn, id)?;
    let ward = home_ward(conn, &row.1)?;
    require_manager(caller, &row.2, ward.as_deref())?;
    expect_status("time-off request", &row.6, &[APPROVED], "re-plan")?;
    let tz = site_zone(conn, &row.2)?;
    let midnight = |d: NaiveDate| resolve_local(tz, d.and_hms_opt(0, 0, 0).unwrap_or_default());
    let (from, to) = (midnight(row.3), midnight(row.4 + chrono::Duration::days(1)));
    let mut rosters: Vec<String> = collisions(conn, &row.1, row.3, row.4)?.into_iter().map(|c| c.roster_id).collect();
    rosters.dedup();
    if rosters.is_empty() {
        return Err(ServiceError::Conflict("no published shift collides with this leave: nothing to re-plan".into()));
    }
    Ok(rosters
        .into_iter()
        .map(|roster| {
            let input = crate::services::rostering::repair::CallOutInput {
                staff_id: row.1.clone(),
                from,
                to,
                note: Some(format!("time off {} to {}", row.3, row.4)),
                already_recorded: true,
            };
            (roster, input)
        })
        .collect())
}
