//! A seeded generator of hospital-like rostering problems, for benchmarks and tests at sizes
//! the public benchmarks do not reach (a 20-ward, 1,000-staff hospital over four weeks).
//!
//! Each ward runs early, late and night shifts; it needs registered nurses (some with an
//! advanced-life-support credential on acute wards) and healthcare assistants, a little less at
//! weekends on non-acute wards. Demand is sized so that the staff are about 85 % busy. Staff
//! hold one role (70 % RN, 30 % HCA), work 1.0, 0.8 or 0.6 of full time (37.5 h) within 48 h a
//! week, rest 11 h between shifts, work at most 5 days in a row, two weekends in four and eight
//! nights in four weeks (some no nights at all); one in seven may float to another ward, and
//! one in ten has a week of leave. The same seed gives the same problem.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::problem::{Contract, Mode, Problem, Qualification, Rules, ShiftType, Slot, Staff};

/// What to generate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HospitalSpec {
    pub staff: usize,
    pub wards: usize,
    pub weeks: u32,
    pub seed: u64,
}

const RN: &str = "RN";
const HCA: &str = "HCA";
const RN_ALS: &str = "RN+ALS";
/// Shifts a full-time person works in a week (37.5 h of 8 h shifts, a little rounded up).
const SHIFTS_PER_FTE_WEEK: f64 = 4.7;
const UTILISATION: f64 = 0.85;

fn shift_types() -> Vec<ShiftType> {
    let t = |id: &str, start: i32, minutes: u32, night: bool, next: &[&str]| ShiftType {
        id: id.to_owned(),
        minutes,
        start_minute: start,
        night,
        forbidden_next: next.iter().map(|s| (*s).to_owned()).collect(),
    };
    vec![
        t("E", 7 * 60, 480, false, &[]),
        t("L", 14 * 60 + 30, 480, false, &["E"]),
        t("N", 22 * 60, 570, true, &["E", "L"]),
    ]
}

/// A hospital of `spec.wards` wards and `spec.staff` people over `spec.weeks` weeks from a Monday.
#[must_use]
pub fn hospital(spec: &HospitalSpec) -> Problem {
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    let wards = spec.wards.max(1);
    let days = spec.weeks.max(1) * 7;
    // Ward sizes vary; demand per ward is its share of what the staff can work.
    let sizes: Vec<f64> = (0..wards).map(|_| rng.random_range(0.6..1.4)).collect();
    let total_size: f64 = sizes.iter().sum();
    let capacity_per_day = spec.staff as f64 * 0.87 * SHIFTS_PER_FTE_WEEK / 7.0 * UTILISATION;
    let mut slots = Vec::new();
    for (w, size) in sizes.iter().enumerate() {
        let ward = format!("W{:02}", w + 1);
        let acute = w % 3 == 0;
        let per_day = capacity_per_day * size / total_size;
        // Split a day's people over the shifts (nights a little thinner) and roles.
        let hca = (per_day * 0.25 / 3.0).round().max(1.0) as u32;
        let rn_day = ((per_day * 0.75) / 2.8).round().max(1.0) as u32;
        let rn_night = ((rn_day as f64) * 0.8).round().max(1.0) as u32;
        for day in 0..days {
            let weekend = day % 7 >= 5;
            for (shift, rn) in [("E", rn_day), ("L", rn_day), ("N", rn_night)] {
                let less = u32::from(weekend && !acute && shift != "N");
                let rn_min = rn.saturating_sub(less).max(1);
                let slot = |skill: &str, min: u32, target: u32| Slot {
                    day,
                    shift: shift.to_owned(),
                    ward: ward.clone(),
                    skill: Some(skill.to_owned()),
                    min,
                    target,
                    max: Some(target + 1),
                    under_weight: 100.0,
                    over_weight: 5.0,
                };
                slots.push(slot(RN, rn_min, rn_min));
                slots.push(slot(HCA, hca, hca));
                if acute {
                    slots.push(slot(RN_ALS, 1, 1));
                }
            }
        }
    }
    // People: each ward's share of the staff, as its share of the demand.
    let mut staff = Vec::with_capacity(spec.staff);
    let mut placed = 0usize;
    for (w, size) in sizes.iter().enumerate() {
        let count = if w + 1 == wards {
            spec.staff - placed
        } else {
            ((spec.staff as f64 * size / total_size).round() as usize).min(spec.staff - placed)
        };
        placed += count;
        let acute = w % 3 == 0;
        for _ in 0..count {
            let n = staff.len() + 1;
            let nurse = rng.random_bool(0.7);
            let mut skills = vec![Qualification {
                skill: (if nurse { RN } else { HCA }).to_owned(),
                from_day: None,
                until_day: None,
            }];
            if nurse && rng.random_bool(if acute { 0.5 } else { 0.2 }) {
                // An RN with ALS fills either place; some credentials lapse mid-roster.
                let until_day = rng.random_bool(0.1).then(|| rng.random_range(0..days));
                skills.push(Qualification { skill: RN_ALS.to_owned(), from_day: None, until_day });
            }
            let fte = [1.0, 1.0, 1.0, 0.8, 0.8, 0.6][rng.random_range(0..6)];
            let contracted = fte * 37.5 * 60.0 * f64::from(spec.weeks.max(1));
            let mut contract = Contract {
                min_minutes_total: Some((contracted * 0.9) as u32),
                max_minutes_total: Some((contracted * 1.1) as u32),
                max_minutes_week: Some(48 * 60),
                max_consecutive_days: Some(5),
                min_rest_minutes: Some(11 * 60),
                max_weekends: Some(spec.weeks.max(1).div_ceil(2)),
                max_nights: Some(2 * spec.weeks.max(1)),
                ..Contract::default()
            };
            if rng.random_bool(0.15) {
                contract.max_shifts.insert("N".to_owned(), 0);
            }
            let home = format!("W{:02}", w + 1);
            let mut ward_list = vec![home];
            if wards > 1 && rng.random_bool(1.0 / 7.0) {
                let other = (w + rng.random_range(1..wards)) % wards;
                ward_list.push(format!("W{:02}", other + 1));
            }
            let unavailable = if rng.random_bool(0.1) {
                let first = rng.random_range(0..days.saturating_sub(6).max(1));
                (first..(first + 7).min(days)).collect()
            } else {
                Vec::new()
            };
            staff.push(Staff {
                id: format!("S{n:04}"),
                skills,
                wards: ward_list,
                contract,
                unavailable,
                history: crate::problem::History::default(),
                hourly_cost: (rng.random_range(24.0..46.0f64) * 100.0).round() / 100.0,
            });
        }
    }
    Problem {
        name: format!("hospital-{}staff-{wards}wards-{}weeks-seed{}", spec.staff, spec.weeks, spec.seed),
        horizon_days: days,
        first_weekday: 0,
        shift_types: shift_types(),
        slots,
        staff,
        requests: Vec::new(),
        pins: Vec::new(),
        reference: Vec::new(),
        rules: Rules { total_minutes: Mode::Soft(0.05), cost_weight: 0.01, ..Rules::default() },
    }
}
