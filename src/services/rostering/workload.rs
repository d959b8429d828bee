//! Who works how much on a roster: each person's hours against their contract, nights and
//! weekends, and how evenly the load is spread (the fairness a ward notices).

use std::collections::{BTreeSet, HashMap};

use chrono::Datelike;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::{load, roster_staff_ids};
use crate::db::models::{RosterAssignmentRow, ShiftTemplateRow};
use crate::db::schema::{roster_assignments, shift_templates, staff};
use crate::db::DbConnection;
use crate::services::policy::Action;
use crate::services::{Caller, ServiceError};

#[derive(Debug, Serialize, ToSchema)]
pub struct PersonLoad {
    pub staff_id: String,
    pub employee_number: String,
    pub name: String,
    pub shifts: usize,
    /// Paid hours (shift length less unpaid breaks).
    pub hours: f64,
    /// The contract's weekly minimum and maximum over the roster's weeks.
    pub contract_min_hours: f64,
    pub contract_max_hours: f64,
    /// Hours as a share of the contract's maximum (1.0 = full).
    pub utilisation: f64,
    pub nights: usize,
    pub weekends: usize,
    /// Days this person asked to have off (leave requested, not yet approved) …
    pub days_off_asked: usize,
    /// … and how many of them the roster leaves free.
    pub days_off_granted: usize,
}

/// Spread of one measure across the people on the roster.
#[derive(Debug, Serialize, ToSchema)]
pub struct Spread {
    pub min: f64,
    pub max: f64,
    pub mean: f64,
    /// Population standard deviation.
    pub std_dev: f64,
}

impl Spread {
    fn of(values: &[f64]) -> Spread {
        if values.is_empty() {
            return Spread { min: 0.0, max: 0.0, mean: 0.0, std_dev: 0.0 };
        }
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
        Spread {
            min: values.iter().copied().fold(f64::INFINITY, f64::min),
            max: values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            mean,
            std_dev: var.sqrt(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Fairness {
    /// Utilisation (hours ÷ contract maximum) across everyone who may work on the roster.
    pub utilisation: Spread,
    pub nights: Spread,
    pub weekends: Spread,
    /// People below their contract's minimum hours.
    pub below_contract_minimum: usize,
    /// People above their contract's maximum hours (only with a manager's override).
    pub above_contract_maximum: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Workload {
    pub people: Vec<PersonLoad>,
    pub fairness: Fairness,
}

/// Workload per person and its spread, from the stored assignments.
pub fn workload(conn: &mut DbConnection, caller: &Caller, roster_id: &str) -> Result<Workload, ServiceError> {
    let roster = load(conn, caller, roster_id, Action::Read)?;
    let weeks = ((roster.end_date - roster.start_date).num_days() + 1) as f64 / 7.0;
    let rows: Vec<RosterAssignmentRow> = roster_assignments::table
        .filter(roster_assignments::roster_id.eq(roster_id))
        .select(RosterAssignmentRow::as_select())
        .load(conn)?;
    let templates: HashMap<String, (i32, bool)> = shift_templates::table
        .select(ShiftTemplateRow::as_select())
        .load::<ShiftTemplateRow>(conn)?
        .into_iter()
        .map(|t| (t.id.clone(), (t.unpaid_break_minutes, t.pattern().is_night())))
        .collect();
    let ids = roster_staff_ids(conn, &roster)?;
    // The wishes the solver was asked to respect, as it sees them.
    let built = super::edit::problem_of(conn, &roster)?;
    let asked: Vec<(String, chrono::NaiveDate)> =
        built.problem.requests.iter().filter(|r| !r.work).map(|r| (r.staff.clone(), built.date_of(r.day))).collect();
    let people: Vec<(String, String, String, f64, f64)> = staff::table
        .filter(staff::id.eq_any(&ids))
        .order(staff::employee_number.asc())
        .select((staff::id, staff::employee_number, staff::name, staff::min_hours_per_week, staff::max_hours_per_week))
        .load(conn)?;
    let mut out = Vec::new();
    for (id, number, name, min_week, max_week) in people {
        let mine: Vec<&RosterAssignmentRow> = rows.iter().filter(|r| r.staff_id == id).collect();
        let mut minutes = 0i64;
        let mut nights = 0;
        let mut weekends = BTreeSet::new();
        for r in &mine {
            let (unpaid, night) = templates.get(&r.shift_template_id).copied().unwrap_or((0, false));
            minutes += (r.ends_at - r.starts_at).num_minutes() - i64::from(unpaid);
            nights += usize::from(night);
            if r.date.weekday().num_days_from_monday() >= 5 {
                weekends.insert((r.date.iso_week().year(), r.date.iso_week().week()));
            }
        }
        let hours = minutes as f64 / 60.0;
        let wishes: Vec<chrono::NaiveDate> = asked.iter().filter(|(s, _)| *s == id).map(|(_, d)| *d).collect();
        let granted = wishes.iter().filter(|d| !mine.iter().any(|r| r.date == **d)).count();
        let max = max_week * weeks;
        out.push(PersonLoad {
            staff_id: id,
            employee_number: number,
            name,
            shifts: mine.len(),
            hours,
            contract_min_hours: min_week * weeks,
            contract_max_hours: max,
            utilisation: if max > 0.0 { hours / max } else { 0.0 },
            nights,
            weekends: weekends.len(),
            days_off_asked: wishes.len(),
            days_off_granted: granted,
        });
    }
    let column = |f: &dyn Fn(&PersonLoad) -> f64| out.iter().map(f).collect::<Vec<f64>>();
    let fairness = Fairness {
        utilisation: Spread::of(&column(&|p| p.utilisation)),
        nights: Spread::of(&column(&|p| p.nights as f64)),
        weekends: Spread::of(&column(&|p| p.weekends as f64)),
        below_contract_minimum: out.iter().filter(|p| p.hours + 1e-9 < p.contract_min_hours).count(),
        above_contract_maximum: out.iter().filter(|p| p.hours > p.contract_max_hours + 1e-9).count(),
    };
    Ok(Workload { people: out, fairness })
}
