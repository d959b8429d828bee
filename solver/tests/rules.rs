//! One tiny instance per rule family: the solver respects the rule where it
//! binds, and the validator flags a hand-made violation.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use rota_solver::*;
use std::time::Duration;

fn shift(id: &str, start: i32, night: bool) -> ShiftType {
    ShiftType { id: id.into(), minutes: 480, start_minute: start, night, forbidden_next: vec![] }
}

fn person(id: &str) -> Staff {
    Staff {
        id: id.into(),
        skills: vec![],
        wards: vec![],
        contract: Contract::default(),
        unavailable: vec![],
        history: History::default(),
        hourly_cost: 0.0,
    }
}

/// `days` days, shift types D (08–16) and N (22–06, night), every slot wants
/// `target` people with under weight 10 and over weight 1.
fn base(days: u32, n_staff: usize, target: u32) -> Problem {
    let shifts = vec![shift("D", 480, false), shift("N", 1320, true)];
    let mut slots = vec![];
    for d in 0..days {
        for s in &shifts {
            slots.push(Slot {
                day: d,
                shift: s.id.clone(),
                ward: "W".into(),
                skill: None,
                min: 0,
                target,
                max: None,
                under_weight: 10.0,
                over_weight: 1.0,
            });
        }
    }
    Problem {
        name: "t".into(),
        horizon_days: days,
        first_weekday: 0,
        shift_types: shifts,
        slots,
        staff: (0..n_staff).map(|i| person(&format!("P{i}"))).collect(),
        requests: vec![],
        pins: vec![],
        reference: vec![],
        rules: Rules::default(),
    }
}

fn only_day_shifts(p: &mut Problem) {
    for s in &mut p.slots {
        if s.shift == "N" {
            s.target = 0;
        }
    }
}

fn solve_ok(p: &Problem) -> Solution {
    let o = SolveOptions { time_limit: Duration::from_secs(20), ..SolveOptions::default() };
    let s = solve(p, &o).unwrap();
    let r = validate(p, &s);
    assert!(r.is_feasible(), "hard violations: {:?}", r.hard);
    assert!((r.objective - s.objective).abs() < 1e-6);
    if let Some(m) = s.model_objective {
        assert!((m - s.objective).abs() < 1e-6, "model {m} vs validator {}", s.objective);
    }
    s
}

fn roster(p: &Problem, cells: &[(&str, u32, &str)]) -> Solution {
    Solution::from_assignments(
        cells
            .iter()
            .map(|(s, d, t)| Assignment {
                staff: s.to_string(),
                day: *d,
                shift: t.to_string(),
                ward: p.slots[0].ward.clone(),
                skill: None,
            })
            .collect(),
    )
}

fn flags(p: &Problem, cells: &[(&str, u32, &str)], fam: Family) {
    let r = validate(p, &roster(p, cells));
    assert!(r.hard.iter().any(|v| v.family == fam), "{fam:?} not flagged: {:?}", r.hard);
}

fn worked(s: &Solution, staff: &str) -> Vec<(u32, String)> {
    let mut v: Vec<(u32, String)> =
        s.assignments.iter().filter(|a| a.staff == staff).map(|a| (a.day, a.shift.clone())).collect();
    v.sort();
    v
}

#[test]
fn cover_is_met_when_possible() {
    let mut p = base(3, 3, 1);
    only_day_shifts(&mut p);
    let s = solve_ok(&p);
    assert_eq!(s.objective, 0.0);
    assert!(s.slots.iter().all(|x| x.assigned == x.target));
    assert!(s.uncovered.is_empty());
}

#[test]
fn one_shift_per_day() {
    let p = base(2, 1, 1);
    let s = solve_ok(&p);
    assert_eq!(worked(&s, "P0").len(), 2);
    flags(&p, &[("P0", 0, "D"), ("P0", 0, "N")], Family::OneShiftPerDay);
}

#[test]
fn shifts_per_type() {
    let mut p = base(7, 1, 1);
    only_day_shifts(&mut p);
    p.staff[0].contract.max_shifts.insert("D".into(), 3);
    let s = solve_ok(&p);
    assert_eq!(worked(&s, "P0").len(), 3);
    flags(&p, &[("P0", 0, "D"), ("P0", 1, "D"), ("P0", 2, "D"), ("P0", 3, "D")], Family::ShiftsPerType);
}

#[test]
fn total_minutes_max_and_min() {
    let mut p = base(7, 1, 1);
    only_day_shifts(&mut p);
    p.staff[0].contract.max_minutes_total = Some(480 * 5);
    let s = solve_ok(&p);
    assert_eq!(worked(&s, "P0").len(), 5);
    flags(&p, &(0..6).map(|d| ("P0", d, "D")).collect::<Vec<_>>(), Family::TotalMinutes);
    // minimum: nobody is wanted, but 4 shifts are required
    for sl in &mut p.slots {
        sl.target = 0;
    }
    p.staff[0].contract.min_minutes_total = Some(480 * 4);
    let s = solve_ok(&p);
    assert_eq!(worked(&s, "P0").len(), 4);
    flags(&p, &[("P0", 0, "D")], Family::TotalMinutes);
}

#[test]
fn weekly_minutes() {
    let mut p = base(14, 1, 1);
    only_day_shifts(&mut p);
    p.staff[0].contract.max_minutes_week = Some(480 * 3);
    let s = solve_ok(&p);
    let w = worked(&s, "P0");
    assert_eq!(w.iter().filter(|(d, _)| *d < 7).count(), 3);
    assert_eq!(w.iter().filter(|(d, _)| *d >= 7).count(), 3);
    flags(&p, &(0..4).map(|d| ("P0", d, "D")).collect::<Vec<_>>(), Family::WeeklyMinutes);
}

#[test]
fn max_consecutive_days() {
    let mut p = base(10, 1, 1);
    only_day_shifts(&mut p);
    p.staff[0].contract.max_consecutive_days = Some(3);
    let s = solve_ok(&p);
    let days: Vec<u32> = worked(&s, "P0").iter().map(|x| x.0).collect();
    for d in 0..7 {
        assert!((d..d + 4).filter(|x| days.contains(x)).count() <= 3);
    }
    assert_eq!(days.len(), 8); // 3 on, 1 off, 3 on, 1 off... = days 0-2,4-6,8-9
    flags(&p, &(0..4).map(|d| ("P0", d, "D")).collect::<Vec<_>>(), Family::MaxConsecutiveDays);
}

#[test]
fn max_consecutive_days_with_history() {
    let mut p = base(4, 1, 1);
    only_day_shifts(&mut p);
    p.staff[0].contract.max_consecutive_days = Some(3);
    p.staff[0].history.consecutive_days_worked = 3;
    p.staff[0].history.last_shift = Some("D".into());
    let s = solve_ok(&p);
    let days: Vec<u32> = worked(&s, "P0").iter().map(|x| x.0).collect();
    assert!(!days.contains(&0), "history: 3 days worked already");
    flags(&p, &[("P0", 0, "D")], Family::MaxConsecutiveDays);
}

#[test]
fn min_consecutive_days() {
    let mut p = base(10, 1, 0);
    only_day_shifts(&mut p);
    p.slots.iter_mut().find(|s| s.day == 5 && s.shift == "D").unwrap().target = 1;
    p.staff[0].contract.min_consecutive_days = Some(3);
    let s = solve_ok(&p);
    // covering day 5 needs a block of 3 (cost 2 over) — cheaper than 10 under
    assert_eq!(worked(&s, "P0").len(), 3);
    assert_eq!(s.objective, 2.0);
    flags(&p, &[("P0", 5, "D")], Family::MinConsecutiveDays);
    // a block touching the end is exempt
    let r = validate(&p, &roster(&p, &[("P0", 9, "D")]));
    assert!(r.is_feasible());
}

#[test]
fn min_consecutive_days_off() {
    let mut p = base(7, 1, 1);
    only_day_shifts(&mut p);
    p.slots.iter_mut().find(|s| s.day == 3 && s.shift == "D").unwrap().target = 0;
    p.staff[0].contract.min_consecutive_days_off = Some(2);
    p.staff[0].contract.max_shifts.insert("N".into(), 0);
    p.staff[0].unavailable = vec![3];
    let s = solve_ok(&p);
    // working every day but day 3 would leave a 1-day break: must lose one more day
    assert_eq!(worked(&s, "P0").len(), 5);
    flags(&p, &[("P0", 0, "D"), ("P0", 1, "D"), ("P0", 2, "D"), ("P0", 4, "D")], Family::MinConsecutiveDaysOff);
}

#[test]
fn forbidden_succession_and_rest() {
    let mut p = base(2, 1, 0);
    p.slots.iter_mut().find(|s| s.day == 0 && s.shift == "N").unwrap().target = 1;
    p.slots.iter_mut().find(|s| s.day == 1 && s.shift == "D").unwrap().target = 1;
    p.shift_types[1].forbidden_next = vec!["D".into()];
    let s = solve_ok(&p);
    assert_eq!(worked(&s, "P0").len(), 1);
    flags(&p, &[("P0", 0, "N"), ("P0", 1, "D")], Family::Succession);
    // the same through min rest only (N ends 06:00, D starts 08:00: 2 h)
    p.shift_types[1].forbidden_next.clear();
    p.staff[0].contract.min_rest_minutes = Some(11 * 60);
    let s = solve_ok(&p);
    assert_eq!(worked(&s, "P0").len(), 1);
    flags(&p, &[("P0", 0, "N"), ("P0", 1, "D")], Family::Succession);
    // across the horizon start via history
    let mut q = base(1, 1, 0);
    q.slots.iter_mut().find(|s| s.shift == "D").unwrap().target = 1;
    q.staff[0].contract.min_rest_minutes = Some(11 * 60);
    q.staff[0].history = History { last_shift: Some("N".into()), consecutive_days_worked: 1, ..History::default() };
    let s = solve_ok(&q);
    assert!(worked(&s, "P0").is_empty());
}

#[test]
fn max_weekends() {
    let mut p = base(14, 1, 1);
    only_day_shifts(&mut p);
    p.staff[0].contract.max_weekends = Some(1);
    let s = solve_ok(&p);
    let days: Vec<u32> = worked(&s, "P0").iter().map(|x| x.0).collect();
    let we = [5u32, 6, 12, 13];
    let w1 = days.iter().any(|d| *d == 5 || *d == 6);
    let w2 = days.iter().any(|d| *d == 12 || *d == 13);
    assert!(!(w1 && w2));
    assert_eq!(days.iter().filter(|d| we.contains(d)).count(), 2);
    flags(&p, &[("P0", 5, "D"), ("P0", 13, "D")], Family::Weekends);
}

#[test]
fn max_nights() {
    let mut p = base(5, 1, 1);
    for s in &mut p.slots {
        if s.shift == "D" {
            s.target = 0;
        }
    }
    p.staff[0].contract.max_nights = Some(2);
    let s = solve_ok(&p);
    assert_eq!(worked(&s, "P0").len(), 2);
    flags(&p, &[("P0", 0, "N"), ("P0", 1, "N"), ("P0", 2, "N")], Family::Nights);
}

#[test]
fn unavailability_pins_and_eligibility() {
    let mut p = base(3, 2, 1);
    only_day_shifts(&mut p);
    p.staff[0].unavailable = vec![1];
    p.pins.push(Pin { staff: "P1".into(), day: 2, shift: None });
    p.slots.iter_mut().find(|s| s.day == 0 && s.shift == "D").unwrap().skill = Some("ICU".into());
    p.staff[1].skills.push(Qualification { skill: "ICU".into(), from_day: Some(1), until_day: None });
    let s = solve_ok(&p);
    let w0 = worked(&s, "P0");
    let w1 = worked(&s, "P1");
    assert!(!w0.iter().any(|x| x.0 == 1));
    assert!(!w1.iter().any(|x| x.0 == 2));
    assert!(!w0.iter().chain(&w1).any(|x| x.0 == 0));
    let u = s.uncovered.iter().find(|u| u.day == 0).unwrap();
    assert_eq!(u.reason, UncoveredReason::NobodyEligible);
    flags(&p, &[("P0", 1, "D")], Family::Unavailability);
    flags(&p, &[("P1", 2, "D")], Family::Pins);
    let mut a = roster(&p, &[("P1", 0, "D")]);
    a.assignments[0].skill = Some("ICU".into());
    assert!(validate(&p, &a).hard.iter().any(|v| v.family == Family::Eligibility));
    // pinned to work
    p.pins.push(Pin { staff: "P0".into(), day: 2, shift: Some("N".into()) });
    let s = solve_ok(&p);
    assert!(worked(&s, "P0").contains(&(2, "N".to_string())));
}

#[test]
fn requests_and_stability() {
    let mut p = base(3, 1, 0);
    p.requests.push(Request { staff: "P0".into(), day: 1, shift: Some("N".into()), work: true, weight: 5.0 });
    let s = solve_ok(&p);
    assert_eq!(worked(&s, "P0"), vec![(1, "N".to_string())]);
    assert_eq!(s.objective, 1.0); // one over cover, request met
    let r = validate(&p, &roster(&p, &[]));
    assert_eq!(r.cost_by_family.get(&Family::Requests), Some(&5.0));
    // stability: the published roster has D on day 0; changing costs 3
    p.requests.clear();
    p.rules.change_weight = 3.0;
    p.reference.push(RosterEntry { staff: "P0".into(), day: 0, shift: Some("D".into()) });
    let s = solve_ok(&p);
    assert_eq!(worked(&s, "P0"), vec![(0, "D".to_string())]);
    let r = validate(&p, &roster(&p, &[]));
    assert_eq!(r.cost_by_family.get(&Family::Stability), Some(&3.0));
}

#[test]
fn soft_rules_cost_what_the_validator_says() {
    let mut p = base(5, 1, 1);
    only_day_shifts(&mut p);
    p.staff[0].contract.max_consecutive_days = Some(3);
    p.rules.max_consecutive_days = Mode::Soft(4.0);
    let s = solve_ok(&p);
    // breaking the rule costs 4 per day too many, leaving a day uncovered costs 10
    assert_eq!(worked(&s, "P0").len(), 5);
    assert_eq!(s.cost_by_family.get(&Family::MaxConsecutiveDays), Some(&8.0));
    assert_eq!(s.objective, 8.0);
}

#[test]
fn hourly_cost_counts() {
    let mut p = base(2, 2, 1);
    only_day_shifts(&mut p);
    p.rules.cost_weight = 1.0;
    p.staff[0].hourly_cost = 1.0;
    p.staff[1].hourly_cost = 0.5;
    let s = solve_ok(&p);
    assert!(worked(&s, "P0").is_empty());
    assert_eq!(s.objective, 8.0);
}

#[test]
fn invalid_problems_are_refused() {
    let mut p = base(2, 1, 1);
    p.staff[0].contract.min_minutes_total = Some(10);
    p.staff[0].contract.max_minutes_total = Some(5);
    p.slots[0].shift = "X".into();
    p.requests.push(Request { staff: "nobody".into(), day: 9, shift: None, work: true, weight: -1.0 });
    match solve(&p, &SolveOptions::default()) {
        Err(SolveError::InvalidProblem(f)) => assert!(f.len() >= 4, "{f:?}"),
        other => panic!("expected InvalidProblem, got {other:?}"),
    }
    let mut q = base(1, 1, 1);
    q.horizon_days = 0;
    assert!(matches!(solve(&q, &SolveOptions::default()), Err(SolveError::InvalidProblem(_))));
}

#[test]
fn contradictory_hard_rules_are_reported_infeasible() {
    let mut p = base(3, 1, 1);
    only_day_shifts(&mut p);
    p.staff[0].contract.min_minutes_total = Some(480 * 3);
    p.staff[0].unavailable = vec![1];
    let s = solve(&p, &SolveOptions::default()).unwrap();
    assert_eq!(s.status, SolveStatus::Infeasible);
    assert!(s.hard_violations > 0);
    let r = validate(&p, &s);
    assert!(r.hard.iter().any(|v| v.family == Family::TotalMinutes));
}

#[test]
fn max_consecutive_days_off_hard_with_history() {
    // nobody is wanted, but at most 2 days off in a row; 2 days off already in history
    let mut p = base(7, 1, 0);
    p.staff[0].contract.max_consecutive_days_off = Some(2);
    p.staff[0].history.consecutive_days_off = 2;
    let s = solve_ok(&p);
    let days: Vec<u32> = worked(&s, "P0").iter().map(|x| x.0).collect();
    assert_eq!(days[0], 0, "history: 2 days off already");
    assert_eq!(days.len(), 3); // e.g. 0, 3, 6
    assert_eq!(s.objective, 3.0); // three shifts over target 0, weight 1
    flags(&p, &[("P0", 1, "D"), ("P0", 4, "D")], Family::MaxConsecutiveDaysOff);
}

#[test]
fn consecutive_shift_type_hard_with_history() {
    // nights wanted every day, at most 2 nights in a row, at least 2; one night in history
    let mut p = base(6, 1, 0);
    for s in &mut p.slots {
        s.target = u32::from(s.shift == "N");
    }
    p.staff[0].contract.consecutive_shifts.insert("N".into(), RunLimits { min: Some(2), max: Some(2) });
    p.staff[0].history = History {
        last_shift: Some("N".into()),
        consecutive_days_worked: 1,
        consecutive_same_shift: 1,
        ..History::default()
    };
    let s = solve_ok(&p);
    let nights: Vec<u32> = worked(&s, "P0").iter().filter(|x| x.1 == "N").map(|x| x.0).collect();
    // day 0 continues the history night (1 + 1 = 2), then off, then 2 nights, off, 1 night at the end
    assert_eq!(nights, vec![0, 2, 3, 5]);
    flags(&p, &[("P0", 0, "N"), ("P0", 1, "N")], Family::ConsecutiveShiftType); // 3 in a row
    flags(&p, &[("P0", 1, "N"), ("P0", 2, "N")], Family::ConsecutiveShiftType); // history night alone
    flags(&p, &[("P0", 0, "N"), ("P0", 2, "N"), ("P0", 4, "N"), ("P0", 5, "N")], Family::ConsecutiveShiftType);
}

#[test]
fn total_shifts_hard_with_history() {
    let mut p = base(7, 1, 1);
    only_day_shifts(&mut p);
    p.staff[0].contract.max_shifts_total = Some(6);
    p.staff[0].history.shifts_worked = 2;
    let s = solve_ok(&p);
    assert_eq!(worked(&s, "P0").len(), 4);
    flags(&p, &(0..5).map(|d| ("P0", d, "D")).collect::<Vec<_>>(), Family::TotalShifts);
    for sl in &mut p.slots {
        sl.target = 0;
    }
    p.staff[0].contract.min_shifts_total = Some(5);
    let s = solve_ok(&p);
    assert_eq!(worked(&s, "P0").len(), 3);
    flags(&p, &[("P0", 0, "D")], Family::TotalShifts);
}

#[test]
fn complete_weekends_hard() {
    // day 0 is Monday; Saturday (5) wanted, Sunday (6) not: both or neither
    let mut p = base(7, 1, 0);
    for s in &mut p.slots {
        if s.day == 5 && s.shift == "D" {
            s.target = 1;
            s.under_weight = 10.0;
        }
        s.over_weight = 3.0;
    }
    p.staff[0].contract.complete_weekends = true;
    let s = solve_ok(&p);
    assert_eq!(worked(&s, "P0").iter().map(|x| x.0).collect::<Vec<_>>(), vec![5, 6]);
    assert_eq!(s.objective, 3.0);
    flags(&p, &[("P0", 5, "D")], Family::CompleteWeekends);
}

#[test]
fn hard_cover_minimum() {
    // a minimum of 1 on every day shift; 2 people, one of them can work 2 days at most
    let mut p = base(4, 2, 0);
    only_day_shifts(&mut p);
    for s in &mut p.slots {
        if s.shift == "D" {
            s.min = 1;
            s.target = 1;
        }
    }
    p.rules.cover_min_hard = true;
    p.staff[0].contract.max_shifts_total = Some(2);
    let s = solve_ok(&p);
    assert!(s.slots.iter().filter(|x| x.shift == "D").all(|x| x.assigned >= 1));
    assert_eq!(s.objective, 0.0);
    let r = validate(&p, &roster(&p, &[("P0", 0, "D")]));
    assert_eq!(r.hard.iter().filter(|v| v.family == Family::Cover).count(), 3);
    // a slot below its hard minimum is not also costed below target
    assert_eq!(r.cost_by_family.get(&Family::Cover), None);
}

#[test]
fn generated_hospitals_are_reproducible_valid_and_solve_clean() {
    use rota_solver::generate::{hospital, HospitalSpec};
    let spec = HospitalSpec { staff: 60, wards: 3, weeks: 2, seed: 5 };
    let p = hospital(&spec);
    assert_eq!(p, hospital(&spec), "same seed, same problem");
    assert_ne!(p, hospital(&HospitalSpec { seed: 6, ..spec }));
    assert_eq!(p.staff.len(), 60);
    assert_eq!(p.horizon_days, 14);
    assert!(p.check().is_ok());
    let o = SolveOptions { time_limit: Duration::from_secs(4), ..SolveOptions::default() };
    let s = solve(&p, &o).unwrap();
    let r = validate(&p, &s);
    assert!(r.is_feasible(), "{:?}", r.hard);
    assert!((r.objective - s.objective).abs() < 1e-6 * r.objective.max(1.0));
}

/// A generated 60-person hospital solved with a 600 s limit, in `threads` lanes, and the
/// stop flag set from another thread after `secs` seconds.
fn solve_hospital_stopped_after(secs: u64, threads: u32) -> (Problem, Solution) {
    use rota_solver::generate::{hospital, HospitalSpec};
    let p = hospital(&HospitalSpec { staff: 60, wards: 3, weeks: 2, seed: 5 });
    let o = SolveOptions { time_limit: Duration::from_secs(600), threads, ..SolveOptions::default() };
    let s = common::solve_stopped_after(&p, o, secs);
    (p, s)
}

/// A caller that sets `stop` (a cancelled job) gets the best roster so far soon
/// after, not at the end of the time limit, and that roster is still checked.
#[test]
fn setting_stop_ends_a_long_solve_early_with_the_best_roster_so_far() {
    let (p, s) = solve_hospital_stopped_after(2, 1);
    assert!(s.elapsed_seconds < 60.0, "stopped after {} s of a 600 s limit", s.elapsed_seconds);
    assert!(s.elapsed_seconds >= 2.0, "ended before it was asked to: {} s", s.elapsed_seconds);
    assert!(!s.assignments.is_empty());
    let r = validate(&p, &s);
    assert!((r.objective - s.objective).abs() < 1e-6 * r.objective.max(1.0));
}

/// With two search lanes (`threads: 2`) the stop flag ends both, and the roster
/// that comes back is the best of the two, checked by the validator.
#[test]
fn two_lanes_stop_together_and_return_a_roster_the_validator_agrees_with() {
    let (p, s) = solve_hospital_stopped_after(4, 2);
    assert!(s.elapsed_seconds < 60.0, "stopped after {} s of a 600 s limit", s.elapsed_seconds);
    assert!(!s.assignments.is_empty());
    let r = validate(&p, &s);
    assert_eq!(r.hard.len(), s.hard_violations);
    assert!((r.objective - s.objective).abs() < 1e-6 * r.objective.max(1.0));
}
