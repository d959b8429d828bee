//! From the hospital model to the solver's problem: concrete shifts per local date (DST
//! correct), demand from requirements and census × ratio, eligibility from role, credentials
//! valid on the date and wards, contracts, and approved leave as hard unavailability.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use chrono_tz::Tz;
use diesel::prelude::*;
use rota_solver::{Contract, Mode, Problem, Qualification, Request, Rules, ShiftType, Slot, Staff};

use crate::db::models::{CredentialRow, ShiftTemplateRow, StaffRow, UnavailabilityRow};
use crate::db::schema::{credentials, shift_templates, sites, staff, staff_wards, unavailability};
use crate::db::DbConnection;
use crate::domain::UnavailabilityStatus;
use crate::services::planning::ward_demand;
use crate::services::{Caller, ServiceError};

/// Cost of each person short of a slot's target; below `min` the solver adds its own,
/// much larger, shortfall weight.
const UNDER_TARGET_WEIGHT: f64 = 100.0;
/// Cost of each person over target (still allowed up to max).
const OVER_TARGET_WEIGHT: f64 = 5.0;
/// Cost per minute a contract's minimum hours over the horizon are not met.
const MIN_HOURS_WEIGHT: f64 = 0.05;
/// Cost of working a day someone asked to have off (leave requested, not yet approved).
pub const DAY_OFF_REQUEST_WEIGHT: f64 = 40.0;
/// Cost weight on the hourly rate, so that cheaper cover wins a tie.
const COST_WEIGHT: f64 = 0.01;

/// The key a slot asks for and a person holds: a role, optionally with a skill.
#[must_use]
pub fn qualification(role_id: &str, skill_id: Option<&str>) -> String {
    match skill_id {
        Some(skill) => format!("{role_id}+{skill}"),
        None => role_id.to_owned(),
    }
}

/// What the solver needs, plus what it takes to turn its answer back into shifts.
pub struct BuiltProblem {
    pub problem: Problem,
    pub tz: Tz,
    pub start: NaiveDate,
    /// Template id → (ward id, template row).
    pub templates: HashMap<String, ShiftTemplateRow>,
    /// Staff id → primary role id.
    pub roles: HashMap<String, String>,
}

impl BuiltProblem {
    #[must_use]
    pub fn date_of(&self, day: u32) -> NaiveDate {
        self.start + chrono::Duration::days(i64::from(day))
    }

    fn day_of(&self, date: NaiveDate) -> Option<u32> {
        u32::try_from((date - self.start).num_days()).ok().filter(|d| *d < self.problem.horizon_days)
    }
}

fn minutes(hours: f64) -> u32 {
    (hours * 60.0).round().clamp(0.0, f64::from(u32::MAX)) as u32
}

/// Build the problem for `ward_ids` of `site_id` over `start..=end`.
pub fn build(
    conn: &mut DbConnection,
    site_id: &str,
    ward_ids: &[String],
    start: NaiveDate,
    end: NaiveDate,
) -> Result<BuiltProblem, ServiceError> {
    let zone: String = sites::table.find(site_id).select(sites::time_zone).first(conn)?;
    let tz: Tz = zone.parse().map_err(|_| ServiceError::Internal(format!("stored zone {zone} is invalid")))?;
    let horizon_days = u32::try_from((end - start).num_days() + 1).unwrap_or(0);
    let mut built = BuiltProblem {
        problem: Problem {
            name: format!("site {site_id} {start}..{end}"),
            horizon_days,
            first_weekday: u8::try_from(start.weekday().num_days_from_monday()).unwrap_or(0),
            shift_types: Vec::new(),
            slots: Vec::new(),
            staff: Vec::new(),
            requests: Vec::new(),
            pins: Vec::new(),
            reference: Vec::new(),
            rules: Rules {
                weekly_minutes: Mode::Hard,
                total_minutes: Mode::Soft(MIN_HOURS_WEIGHT),
                cost_weight: COST_WEIGHT,
                ..Rules::default()
            },
        },
        tz,
        start,
        templates: HashMap::new(),
        roles: HashMap::new(),
    };

    // Shift types: one per active template of the rostered wards.
    let templates: Vec<ShiftTemplateRow> = shift_templates::table
        .filter(shift_templates::ward_id.eq_any(ward_ids))
        .filter(shift_templates::archived_at.is_null())
        .select(ShiftTemplateRow::as_select())
        .load(conn)?;
    for t in &templates {
        let pattern = t.pattern();
        built.problem.shift_types.push(ShiftType {
            id: t.id.clone(),
            // Rest is measured from the real end of the shift, so the whole length counts.
            minutes: u32::try_from(t.duration_minutes).unwrap_or(0),
            start_minute: t.start_minute,
            night: pattern.is_night(),
            forbidden_next: Vec::new(),
        });
        built.templates.insert(t.id.clone(), t.clone());
    }

    // Slots: the demand of each ward, as the API reports it, split into disjoint places
    // (skill lines count within their role's line).
    for ward_id in ward_ids {
        let demand = ward_demand(conn, &Caller::Admin, ward_id, start, end)?;
        let mut shifts: BTreeMap<(NaiveDate, String), Vec<crate::domain::demand::DemandLine>> = BTreeMap::new();
        for line in demand {
            shifts.entry((line.shift.date, line.shift.shift_template_id.clone())).or_default().push(
                crate::domain::demand::DemandLine {
                    role_id: line.role_id,
                    skill_id: line.skill_id,
                    min: line.min,
                    target: line.target,
                    max: line.max,
                    source: line.source,
                },
            );
        }
        for ((date, template_id), lines) in shifts {
            let Some(day) = built.day_of(date) else { continue };
            for place in crate::domain::demand::disjoint_places(&lines) {
                built.problem.slots.push(Slot {
                    day,
                    shift: template_id.clone(),
                    ward: ward_id.clone(),
                    skill: Some(qualification(&place.role_id, place.skill_id.as_deref())),
                    min: u32::try_from(place.min).unwrap_or(0),
                    target: u32::try_from(place.target).unwrap_or(0),
                    max: u32::try_from(place.max).ok(),
                    under_weight: UNDER_TARGET_WEIGHT,
                    over_weight: OVER_TARGET_WEIGHT,
                });
            }
        }
    }

    // Staff who may work on at least one rostered ward.
    let links: Vec<(String, String)> = staff_wards::table
        .filter(staff_wards::ward_id.eq_any(ward_ids))
        .select((staff_wards::staff_id, staff_wards::ward_id))
        .load(conn)?;
    let mut wards_of: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (staff_id, ward_id) in links {
        wards_of.entry(staff_id).or_default().push(ward_id);
    }
    let people: Vec<StaffRow> = staff::table
        .filter(staff::id.eq_any(wards_of.keys()))
        .filter(staff::active.eq(true))
        .filter(staff::archived_at.is_null())
        .order(staff::employee_number.asc())
        .select(StaffRow::as_select())
        .load(conn)?;
    let ids: Vec<&String> = people.iter().map(|p| &p.id).collect();
    let held: Vec<CredentialRow> = credentials::table
        .filter(credentials::staff_id.eq_any(&ids))
        .filter(credentials::archived_at.is_null())
        .filter(credentials::valid_from.le(end))
        .select(CredentialRow::as_select())
        .load(conn)?;
    let leave: Vec<UnavailabilityRow> = unavailability::table
        .filter(unavailability::staff_id.eq_any(&ids))
        .filter(
            unavailability::status
                .eq_any([UnavailabilityStatus::Approved.as_str(), UnavailabilityStatus::Requested.as_str()]),
        )
        .filter(unavailability::archived_at.is_null())
        .select(UnavailabilityRow::as_select())
        .load(conn)?;
    // Leave asked for through the self-service requests and not decided yet.
    let pending_leave: Vec<(String, NaiveDate, NaiveDate)> = {
        use crate::db::schema::time_off_requests as t;
        t::table
            .filter(t::staff_id.eq_any(&ids))
            .filter(t::status.eq(crate::services::firstline::PENDING))
            .filter(t::start_date.le(end))
            .filter(t::end_date.ge(start))
            .select((t::staff_id, t::start_date, t::end_date))
            .load(conn)?
    };
    let weeks = f64::from(horizon_days) / 7.0;
    // Limits "per 4 weeks" scale with the horizon, rounding up: a one-week roster of someone
    // allowed 2 weekends in 4 may still work its weekend.
    let per_four_weeks = |limit: i32| -> u32 {
        let scaled = f64::from(limit) * f64::from(horizon_days) / 28.0;
        scaled.ceil().clamp(0.0, f64::from(u32::MAX)) as u32
    };
    let night_types: Vec<String> = built.problem.shift_types.iter().filter(|s| s.night).map(|s| s.id.clone()).collect();
    for p in &people {
        let mut skills =
            vec![Qualification { skill: qualification(&p.primary_role_id, None), from_day: None, until_day: None }];
        for c in held.iter().filter(|c| c.staff_id == p.id) {
            if c.expires_on.is_some_and(|e| e < start) {
                continue; // expired before the horizon
            }
            skills.push(Qualification {
                skill: qualification(&p.primary_role_id, Some(&c.skill_id)),
                from_day: if c.valid_from <= start { None } else { built.day_of(c.valid_from) },
                // An expiry after the horizon does not limit it.
                until_day: c.expires_on.and_then(|e| built.day_of(e)),
            });
        }
        let mut contract = Contract {
            max_minutes_week: Some(minutes(p.max_hours_per_week)),
            min_minutes_total: Some(minutes(p.min_hours_per_week * weeks)),
            max_consecutive_days: u32::try_from(p.max_consecutive_days).ok(),
            min_rest_minutes: Some(minutes(p.min_rest_hours)),
            max_weekends: Some(per_four_weeks(p.max_weekends_per_4_weeks)),
            max_nights: Some(per_four_weeks(p.max_nights_per_4_weeks)),
            ..Contract::default()
        };
        if !p.night_eligible {
            for t in &night_types {
                contract.max_shifts.insert(t.clone(), 0);
            }
        }
        let mut unavailable = Vec::new();
        for l in leave.iter().filter(|l| l.staff_id == p.id) {
            let days = days_touched(&built, tz, l);
            if l.status == UnavailabilityStatus::Approved.as_str() {
                unavailable.extend(days);
            } else {
                // Asked for, not yet approved: a wish the roster should keep if it can.
                for day in days {
                    built.problem.requests.push(Request {
                        staff: p.id.clone(),
                        day,
                        shift: None,
                        work: false,
                        weight: DAY_OFF_REQUEST_WEIGHT,
                    });
                }
            }
        }
        for r in pending_leave.iter().filter(|r| r.0 == p.id) {
            let days: Vec<u32> = (0..horizon_days).filter(|d| (r.1..=r.2).contains(&built.date_of(*d))).collect();
            for day in days {
                built.problem.requests.push(Request {
                    staff: p.id.clone(),
                    day,
                    shift: None,
                    work: false,
                    weight: DAY_OFF_REQUEST_WEIGHT,
                });
            }
        }
        unavailable.sort_unstable();
        unavailable.dedup();
        built.roles.insert(p.id.clone(), p.primary_role_id.clone());
        built.problem.staff.push(Staff {
            id: p.id.clone(),
            skills,
            wards: wards_of.get(&p.id).cloned().unwrap_or_default(),
            contract,
            unavailable,
            history: rota_solver::History::default(),
            hourly_cost: p.hourly_cost_cents as f64 / 100.0,
        });
    }
    history_from_published(conn, site_id, &mut built)?;
    Ok(built)
}

/// The roster days an unavailability touches (whole local days, or any part of a day for an
/// exact UTC range).
fn days_touched(built: &BuiltProblem, tz: Tz, l: &UnavailabilityRow) -> Vec<u32> {
    (0..built.problem.horizon_days)
        .filter(|day| {
            let date = built.date_of(*day);
            match (l.start_date, l.end_date, l.starts_at, l.ends_at) {
                (Some(a), Some(b), _, _) => a <= date && date <= b,
                (_, _, Some(a), Some(b)) => {
                    let midnight = |d: NaiveDate| {
                        crate::domain::shifts::resolve_local(tz, d.and_hms_opt(0, 0, 0).unwrap_or_default())
                    };
                    a.and_utc() < midnight(date + chrono::Duration::days(1)) && b.and_utc() > midnight(date)
                }
                _ => false,
            }
        })
        .collect()
}

/// How far back the published roster before the horizon is read.
const HISTORY_DAYS: i64 = 14;

/// Rest, consecutive-day and succession rules hold across the horizon start: what each person
/// worked in the last days before it, from the site's published rosters. When no published
/// roster covers the day before the horizon, the past stays unknown (treated as off).
fn history_from_published(
    conn: &mut DbConnection,
    site_id: &str,
    built: &mut BuiltProblem,
) -> Result<(), ServiceError> {
    use crate::db::schema::{roster_assignments, rosters};
    let eve = built.start - chrono::Duration::days(1);
    let covered: i64 = rosters::table
        .filter(rosters::site_id.eq(site_id))
        .filter(rosters::status.eq(super::PUBLISHED))
        .filter(rosters::start_date.le(eve))
        .filter(rosters::end_date.ge(eve))
        .count()
        .get_result(conn)?;
    if covered == 0 {
        return Ok(());
    }
    let worked: Vec<(String, NaiveDate, String)> = roster_assignments::table
        .inner_join(rosters::table)
        .filter(rosters::site_id.eq(site_id))
        .filter(rosters::status.eq(super::PUBLISHED))
        .filter(roster_assignments::date.ge(built.start - chrono::Duration::days(HISTORY_DAYS)))
        .filter(roster_assignments::date.le(eve))
        .select((roster_assignments::staff_id, roster_assignments::date, roster_assignments::shift_template_id))
        .load(conn)?;
    let mut by_staff: HashMap<&str, BTreeMap<NaiveDate, &str>> = HashMap::new();
    for (staff_id, date, shift) in &worked {
        by_staff.entry(staff_id.as_str()).or_default().insert(*date, shift.as_str());
    }
    let known: std::collections::HashSet<String> = built.problem.shift_types.iter().map(|t| t.id.clone()).collect();
    let span = u32::try_from(HISTORY_DAYS).unwrap_or(14);
    for person in &mut built.problem.staff {
        let days = by_staff.get(person.id.as_str());
        let on = |back: u32| days.and_then(|d| d.get(&(eve - chrono::Duration::days(i64::from(back))))).copied();
        let run = |working: bool| (0..span).take_while(|b| on(*b).is_some() == working).count();
        let history = &mut person.history;
        match on(0) {
            Some(shift) => {
                history.consecutive_days_worked = u32::try_from(run(true)).unwrap_or(span);
                history.last_shift = Some(shift.to_owned()).filter(|s| known.contains(s));
            }
            None => history.consecutive_days_off = u32::try_from(run(false)).unwrap_or(span),
        }
    }
    Ok(())
}
