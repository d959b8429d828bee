//! Weekly batch runs (`rota schedule`): check the request, create and solve a roster, and
//! gather per-ward weekly schedules for the writers in `export`.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use diesel::prelude::*;

use super::policy::Action;
use super::rostering::{self, AssignmentFilter, RosterInput};
use super::{Caller, ServiceError};
use crate::db::schema::{roles, sites, skills, staff, staff_wards, wards};
use crate::db::DbConnection;
use crate::export::{Cover, Shift, WardWeek};

/// How batch runs appear in roster histories.
const BATCH_ACTOR: &str = "rota schedule (command line)";

/// What a batch run was asked for, as typed on the command line.
#[derive(Debug, Clone)]
pub struct ScheduleRequest {
    pub site_code: String,
    pub week: NaiveDate,
    pub weeks: u32,
    /// Ward codes; empty = every active ward of the site.
    pub ward_codes: Vec<String>,
}

/// Why a batch request cannot run, in words that say what to fix.
fn refuse(message: String) -> ServiceError {
    ServiceError::field("schedule", message)
}

/// Check the request and create the draft roster it describes; returns the roster id.
pub fn prepare(conn: &mut DbConnection, req: &ScheduleRequest) -> Result<String, ServiceError> {
    let site: Option<(String, String)> =
        sites::table.filter(sites::code.eq(&req.site_code)).select((sites::id, sites::name)).first(conn).optional()?;
    let Some((site_id, site_name)) = site else {
        let known: Vec<String> = sites::table.select(sites::code).order(sites::code.asc()).load(conn)?;
        return Err(refuse(format!("unknown site '{}'; known sites: {}", req.site_code, known.join(", "))));
    };
    if req.week.weekday() != Weekday::Mon {
        return Err(refuse(format!(
            "--week {} is a {}; give the Monday the week starts on (e.g. {})",
            req.week,
            req.week.format("%A"),
            req.week - Duration::days(i64::from(req.week.weekday().num_days_from_monday()))
        )));
    }
    if !(1..=12).contains(&req.weeks) {
        return Err(refuse(format!("--weeks {} must be between 1 and 12", req.weeks)));
    }
    let site_wards: Vec<(String, String)> = wards::table
        .filter(wards::site_id.eq(&site_id))
        .filter(wards::archived_at.is_null())
        .select((wards::code, wards::id))
        .load(conn)?;
    let ward_ids: Vec<String> = if req.ward_codes.is_empty() {
        site_wards.iter().map(|(_, id)| id.clone()).collect()
    } else {
        let mut ids = Vec::new();
        for code in &req.ward_codes {
            match site_wards.iter().find(|(c, _)| c == code) {
                Some((_, id)) => ids.push(id.clone()),
                None => {
                    let known: Vec<&str> = site_wards.iter().map(|(c, _)| c.as_str()).collect();
                    return Err(refuse(format!("no ward '{code}' on {site_name}; its wards: {}", known.join(", "))));
                }
            }
        }
        ids
    };
    if ward_ids.is_empty() {
        return Err(refuse(format!("{site_name} has no active wards to schedule")));
    }
    let people: i64 = staff_wards::table
        .inner_join(staff::table)
        .filter(staff_wards::ward_id.eq_any(&ward_ids))
        .filter(staff::active.eq(true))
        .filter(staff::archived_at.is_null())
        .count()
        .get_result(conn)?;
    if people == 0 {
        return Err(refuse("nobody works on these wards: add staff with these home or float wards first".to_owned()));
    }
    let end = req.week + Duration::days(7 * i64::from(req.weeks) - 1);
    let roster = rostering::create(
        conn,
        &Caller::Admin,
        BATCH_ACTOR,
        RosterInput {
            site_id,
            name: format!("Batch {} {}..{}", req.site_code, req.week, end),
            start_date: req.week,
            end_date: end,
            ward_ids: Some(ward_ids),
        },
    )?;
    Ok(roster.record.id)
}

type Codes = HashMap<String, String>;

/// The solved roster as per-ward weekly schedules.
pub fn collect(conn: &mut DbConnection, roster_id: &str) -> Result<Vec<WardWeek>, ServiceError> {
    let roster = rostering::load(conn, &Caller::Admin, roster_id, Action::Read)?;
    let site_code: String = sites::table.find(&roster.site_id).select(sites::code).first(conn)?;
    let role_codes: Codes =
        roles::table.select((roles::id, roles::code)).load::<(String, String)>(conn)?.into_iter().collect();
    let skill_codes: Codes =
        skills::table.select((skills::id, skills::code)).load::<(String, String)>(conn)?.into_iter().collect();
    let code = |codes: &Codes, id: &str| codes.get(id).cloned().unwrap_or_else(|| id.to_owned());
    let assignments = rostering::assignments(conn, &Caller::Admin, roster_id, &AssignmentFilter::default())?;
    let coverage = rostering::coverage(conn, &Caller::Admin, roster_id, &AssignmentFilter::default())?;
    let mut out = Vec::new();
    for ward_id in &roster.ward_ids {
        let (ward_code, ward_name): (String, String) =
            wards::table.find(ward_id).select((wards::code, wards::name)).first(conn)?;
        let mut people: Vec<(String, String)> = staff_wards::table
            .inner_join(staff::table)
            .filter(staff_wards::ward_id.eq(ward_id))
            .filter(staff::archived_at.is_null())
            .select((staff::employee_number, staff::name))
            .load(conn)?;
        people.sort();
        let shifts: Vec<Shift> = assignments
            .iter()
            .filter(|a| &a.ward_id == ward_id)
            .map(|a| Shift {
                employee_number: a.employee_number.clone(),
                staff_name: a.staff_name.clone(),
                ward: ward_code.clone(),
                ward_name: ward_name.clone(),
                date: a.date,
                shift_code: a.shift_code.clone(),
                role: code(&role_codes, &a.role_id),
                skill: a.skill_id.as_deref().map(|s| code(&skill_codes, s)),
                start_utc: a.start_utc,
                end_utc: a.end_utc,
                uid: format!("{}-{}-{}@rota", a.staff_id, a.shift_template_id, a.date),
            })
            .collect();
        // Everyone who worked here (floaters too) gets a row.
        for s in &shifts {
            if !people.iter().any(|(n, _)| n == &s.employee_number) {
                people.push((s.employee_number.clone(), s.staff_name.clone()));
            }
        }
        let cover: Vec<Cover> = coverage
            .iter()
            .filter(|c| &c.ward_id == ward_id)
            .map(|c| Cover {
                date: c.date,
                shift_code: c.shift_code.clone(),
                role: code(&role_codes, &c.role_id),
                skill: c.skill_id.as_deref().map(|s| code(&skill_codes, s)),
                required: c.min,
                assigned: c.assigned,
            })
            .collect();
        let mut monday = roster.start_date;
        while monday <= roster.end_date {
            let sunday = monday + Duration::days(6);
            let in_week = |d: NaiveDate| d >= monday && d <= sunday;
            out.push(WardWeek {
                site: site_code.clone(),
                ward: ward_code.clone(),
                ward_name: ward_name.clone(),
                week_start: monday,
                staff: people.clone(),
                shifts: shifts.iter().filter(|s| in_week(s.date)).cloned().collect(),
                cover: cover.iter().filter(|c| in_week(c.date)).cloned().collect(),
            });
            monday += Duration::days(7);
        }
    }
    Ok(out)
}

/// One row of `rota bench demo`.
#[derive(Debug, serde::Serialize)]
pub struct DemoBenchRow {
    pub site: String,
    pub wards: usize,
    pub staff: usize,
    pub days: i64,
    pub shifts_assigned: serde_json::Value,
    pub objective: serde_json::Value,
    pub hard_violations: serde_json::Value,
    pub short_places: i32,
    pub solve_seconds: f64,
    pub repair_seconds: f64,
    pub repair_changes_beyond_gap: usize,
    pub repair_filled: bool,
}

/// Publish a batch run's roster.
pub fn publish(conn: &mut DbConnection, roster_id: &str) -> Result<(), ServiceError> {
    let roster = rostering::load(conn, &Caller::Admin, roster_id, Action::Read)?;
    rostering::publish(conn, &Caller::Admin, BATCH_ACTOR, roster_id, roster.record.version)?;
    Ok(())
}

/// Roster every site of an already loaded demo hospital for four weeks from `monday`, publish,
/// then call out one nurse mid-roster and repair. Timings are wall-clock on this machine.
pub fn bench_demo(
    pool: &crate::db::DbPool,
    monday: NaiveDate,
    time_limit: u64,
    solver_threads: u32,
) -> Result<Vec<DemoBenchRow>, ServiceError> {
    use super::rostering::{repair, solve};
    let mut conn = pool.get().map_err(|e| ServiceError::Unavailable(e.to_string()))?;
    let site_codes: Vec<String> = sites::table.select(sites::code).order(sites::code.asc()).load(&mut *conn)?;
    drop(conn);
    let mut rows = Vec::new();
    for code in site_codes {
        let request = ScheduleRequest { site_code: code.clone(), week: monday, weeks: 4, ward_codes: Vec::new() };
        let mut conn = pool.get().map_err(|e| ServiceError::Unavailable(e.to_string()))?;
        let roster_id = conn.transaction(|c| prepare(c, &request))?;
        drop(conn);
        let started = std::time::Instant::now();
        let params = crate::jobs::SolveParams { time_limit_seconds: time_limit, relative_gap: 0.01 };
        let search = solve::Search::to_the_limit(solver_threads, |_| {});
        let result = solve::solve_roster(pool, &roster_id, &params, search, |_, _| Ok(true))?;
        let solve_seconds = started.elapsed().as_secs_f64();
        let mut conn = pool.get().map_err(|e| ServiceError::Unavailable(e.to_string()))?;
        let (roster, weeks, victim) = conn.transaction(|c| {
            let roster = rostering::load(c, &Caller::Admin, &roster_id, Action::Read)?;
            let weeks = collect(c, &roster_id)?;
            let published = rostering::publish(c, &Caller::Admin, BATCH_ACTOR, &roster_id, roster.record.version)?;
            // Someone working on the tenth day of the roster calls in sick for that shift.
            let day = monday + Duration::days(9);
            let victim = rostering::assignments(
                c,
                &Caller::Admin,
                &roster_id,
                &AssignmentFilter { from: Some(day), to: Some(day), ..AssignmentFilter::default() },
            )?
            .into_iter()
            .next();
            Ok::<_, ServiceError>((published, weeks, victim))
        })?;
        drop(conn);
        let staff_count: usize = {
            let mut people: Vec<&str> = weeks.iter().flat_map(|w| w.staff.iter().map(|(n, _)| n.as_str())).collect();
            people.sort_unstable();
            people.dedup();
            people.len()
        };
        let short_places = weeks
            .iter()
            .flat_map(|w| &w.cover)
            .filter(|c| c.skill.is_none())
            .map(|c| (c.required - c.assigned).max(0))
            .sum();
        let (repair_seconds, repair_changes_beyond_gap, repair_filled) = match victim {
            Some(v) => {
                let started = std::time::Instant::now();
                let input = repair::CallOutInput {
                    staff_id: v.staff_id,
                    from: v.start_utc,
                    to: v.end_utc,
                    note: None,
                    already_recorded: false,
                };
                let repaired = repair::call_out(pool, &Caller::Admin, BATCH_ACTOR, &roster.record.id, &input)?;
                (started.elapsed().as_secs_f64(), repaired.changes_beyond_gap, !repaired.added.is_empty())
            }
            None => (0.0, 0, false),
        };
        rows.push(DemoBenchRow {
            site: code,
            wards: roster.ward_ids.len(),
            staff: staff_count,
            days: (roster.end_date - roster.start_date).num_days() + 1,
            shifts_assigned: result["assignments"].clone(),
            objective: result["objective"].clone(),
            hard_violations: result["hard_violations"].clone(),
            short_places,
            solve_seconds,
            repair_seconds,
            repair_changes_beyond_gap,
            repair_filled,
        });
    }
    Ok(rows)
}
