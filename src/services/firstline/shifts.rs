//! A staff member's own published shifts, in the site's time and UTC, with who else is on, and
//! their hours against the contract.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::me;
use crate::db::models::{RosterAssignmentRow, ShiftTemplateRow};
use crate::db::schema::{roles, roster_assignments, rosters, shift_templates, staff, wards};
use crate::db::DbConnection;
use crate::services::rostering::{site_zone, PUBLISHED};
use crate::services::{Caller, ServiceError};

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct Window {
    /// First local date (default: today in the site's zone).
    pub from: Option<NaiveDate>,
    /// Last local date, inclusive (default: four weeks after `from`).
    pub to: Option<NaiveDate>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Colleague {
    pub staff_id: String,
    pub name: String,
    pub role: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MyShift {
    pub assignment_id: String,
    pub roster_id: String,
    pub ward_id: String,
    pub ward_name: String,
    pub shift_code: String,
    /// Local date the shift starts on.
    pub date: NaiveDate,
    pub role: String,
    pub skill_id: Option<String>,
    pub start_local: String,
    pub end_local: String,
    pub start_utc: DateTime<Utc>,
    pub end_utc: DateTime<Utc>,
    /// Others on the same ward and shift.
    pub colleagues: Vec<Colleague>,
}

/// Published assignments of the site between two dates, with ward, shift code and role names.
type Row = (RosterAssignmentRow, String, String, String, String);

fn published_between(
    conn: &mut DbConnection,
    site_id: &str,
    staff_id: Option<&str>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Row>, ServiceError> {
    let mut q = roster_assignments::table
        .inner_join(rosters::table)
        .inner_join(wards::table.on(wards::id.eq(roster_assignments::ward_id)))
        .inner_join(shift_templates::table.on(shift_templates::id.eq(roster_assignments::shift_template_id)))
        .inner_join(roles::table.on(roles::id.eq(roster_assignments::role_id)))
        .inner_join(staff::table.on(staff::id.eq(roster_assignments::staff_id)))
        .filter(rosters::site_id.eq(site_id))
        .filter(rosters::status.eq(PUBLISHED))
        .filter(roster_assignments::date.ge(from))
        .filter(roster_assignments::date.le(to))
        .select((RosterAssignmentRow::as_select(), wards::name, shift_templates::code, roles::name, staff::name))
        .into_boxed();
    if let Some(s) = staff_id {
        q = q.filter(roster_assignments::staff_id.eq(s.to_owned()));
    }
    Ok(q.order((roster_assignments::starts_at.asc(), staff::name.asc())).load(conn)?)
}

fn window(tz: chrono_tz::Tz, w: &Window) -> Result<(NaiveDate, NaiveDate), ServiceError> {
    let from = w.from.unwrap_or_else(|| Utc::now().with_timezone(&tz).date_naive());
    let to = w.to.unwrap_or(from + chrono::Duration::days(27));
    if to < from {
        return Err(ServiceError::field("to", "must not be before from"));
    }
    if (to - from).num_days() > 366 {
        return Err(ServiceError::field("to", "at most 366 days after from"));
    }
    Ok((from, to))
}

/// The caller's published shifts.
pub fn my_shifts(conn: &mut DbConnection, caller: &Caller, w: &Window) -> Result<Vec<MyShift>, ServiceError> {
    let (staff_id, site_id) = me(caller)?;
    let tz = site_zone(conn, site_id)?;
    let (from, to) = window(tz, w)?;
    let mine = published_between(conn, site_id, Some(staff_id), from, to)?;
    let everyone = if mine.is_empty() { vec![] } else { published_between(conn, site_id, None, from, to)? };
    let mut on: HashMap<(String, NaiveDate, String), Vec<Colleague>> = HashMap::new();
    for (a, _, _, role, name) in everyone {
        if a.staff_id != staff_id {
            on.entry((a.ward_id, a.date, a.shift_template_id)).or_default().push(Colleague {
                staff_id: a.staff_id,
                name,
                role,
            });
        }
    }
    Ok(mine
        .into_iter()
        .map(|(a, ward_name, code, role, _)| {
            let (start, end) = (a.starts_at.and_utc(), a.ends_at.and_utc());
            let colleagues = on.remove(&(a.ward_id.clone(), a.date, a.shift_template_id.clone())).unwrap_or_default();
            MyShift {
                assignment_id: a.id,
                roster_id: a.roster_id,
                ward_id: a.ward_id,
                ward_name,
                shift_code: code,
                date: a.date,
                role,
                skill_id: a.skill_id,
                start_local: start.with_timezone(&tz).to_rfc3339(),
                end_local: end.with_timezone(&tz).to_rfc3339(),
                start_utc: start,
                end_utc: end,
                colleagues,
            }
        })
        .collect())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub shifts: usize,
    /// Paid hours (shift length less unpaid breaks).
    pub hours: f64,
    pub contract_min_hours: f64,
    pub contract_max_hours: f64,
    /// Night shifts (as the solver counts them against the contract).
    pub nights: usize,
    /// Weekends (Saturday or Sunday) with at least one shift.
    pub weekends: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Summary {
    /// The week (Monday to Sunday) containing `date`.
    pub week: Period,
    /// The four weeks starting on the Monday of that week.
    pub four_weeks: Period,
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SummaryQuery {
    /// Any local date of the week to summarise (default: today).
    pub date: Option<NaiveDate>,
}

/// Hours this week and over four weeks against the contract, nights and weekends.
pub fn summary(conn: &mut DbConnection, caller: &Caller, q: &SummaryQuery) -> Result<Summary, ServiceError> {
    let (staff_id, site_id) = me(caller)?;
    let tz = site_zone(conn, site_id)?;
    let date = q.date.unwrap_or_else(|| Utc::now().with_timezone(&tz).date_naive());
    let monday = date - chrono::Duration::days(i64::from(date.weekday().num_days_from_monday()));
    let (min_week, max_week): (f64, f64) =
        staff::table.find(staff_id).select((staff::min_hours_per_week, staff::max_hours_per_week)).first(conn)?;
    // Template id → (unpaid break minutes, night shift), as the solver counts them.
    let templates: HashMap<String, (i32, bool)> = shift_templates::table
        .select(ShiftTemplateRow::as_select())
        .load::<ShiftTemplateRow>(conn)?
        .into_iter()
        .map(|t| (t.id.clone(), (t.unpaid_break_minutes, t.pattern().is_night())))
        .collect();
    let mut period = |days: i64, weeks: f64| -> Result<Period, ServiceError> {
        let to = monday + chrono::Duration::days(days - 1);
        let rows = published_between(conn, site_id, Some(staff_id), monday, to)?;
        let mut minutes = 0i64;
        let mut nights = 0;
        let mut weekends = std::collections::BTreeSet::new();
        for (a, ..) in &rows {
            let (unpaid, night) = templates.get(&a.shift_template_id).copied().unwrap_or((0, false));
            minutes += (a.ends_at - a.starts_at).num_minutes() - i64::from(unpaid);
            if night {
                nights += 1;
            }
            if a.date.weekday().num_days_from_monday() >= 5 {
                weekends.insert((a.date.iso_week().year(), a.date.iso_week().week()));
            }
        }
        Ok(Period {
            from: monday,
            to,
            shifts: rows.len(),
            hours: minutes as f64 / 60.0,
            contract_min_hours: min_week * weeks,
            contract_max_hours: max_week * weeks,
            nights,
            weekends: weekends.len(),
        })
    };
    Ok(Summary { week: period(7, 1.0)?, four_weeks: period(28, 4.0)? })
}
