//! Required staffing for a ward on a date: fixed minimums from staffing requirements, raised
//! where the census and the unit's nurse-to-patient ratio call for more nurses.

use chrono::NaiveDate;

use super::Weekdays;

/// A fixed staffing requirement, as stored.
#[derive(Debug, Clone)]
pub struct FixedRequirement {
    pub shift_template_id: String,
    pub role_id: String,
    pub skill_id: Option<String>,
    pub min: i32,
    pub target: i32,
    pub max: i32,
    pub weekdays: Weekdays,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

impl FixedRequirement {
    #[must_use]
    pub fn applies_on(&self, date: NaiveDate) -> bool {
        self.weekdays.contains_date(date) && date >= self.valid_from && self.valid_to.is_none_or(|to| date <= to)
    }
}

/// Patients expected on a shift; `acuity` weights them (1.0 = average dependency).
#[derive(Debug, Clone, Copy)]
pub struct Census {
    pub patients: i32,
    pub acuity: Option<f64>,
}

/// Nurses of `role_id` needed per patient on this ward's unit type.
#[derive(Debug, Clone)]
pub struct Ratio {
    pub role_id: String,
    pub patients_per_nurse: f64,
}

/// Where a demand line's numbers came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DemandSource {
    Fixed,
    Census,
    FixedAndCensus,
}

/// Staff of one role (and optional skill) needed on one shift.
#[derive(Debug, Clone, PartialEq)]
pub struct DemandLine {
    pub role_id: String,
    pub skill_id: Option<String>,
    pub min: i32,
    pub target: i32,
    pub max: i32,
    pub source: DemandSource,
}

/// Nurses needed for a census: ⌈patients × acuity ÷ patients-per-nurse⌉.
#[must_use]
pub fn nurses_for(census: Census, patients_per_nurse: f64) -> i32 {
    if patients_per_nurse <= 0.0 || census.patients <= 0 {
        return 0;
    }
    let load = f64::from(census.patients) * census.acuity.unwrap_or(1.0).max(0.0);
    // Guard against 7.000000001 becoming 8 nurses.
    let needed = (load / patients_per_nurse - 1e-9).ceil();
    if needed.is_finite() && needed > 0.0 {
        // A ward never needs more than i32::MAX nurses; saturate rather than wrap.
        needed.min(f64::from(i32::MAX)) as i32
    } else {
        0
    }
}

/// Demand for one shift on one date: each applicable fixed requirement, with the census-derived
/// minimum merged into the requirement for the ratio's role without a skill (or added as its own
/// line when there is none).
#[must_use]
pub fn demand_for_shift(
    date: NaiveDate,
    shift_template_id: &str,
    requirements: &[FixedRequirement],
    census: Option<Census>,
    ratios: &[Ratio],
) -> Vec<DemandLine> {
    let mut lines: Vec<DemandLine> = requirements
        .iter()
        .filter(|r| r.shift_template_id == shift_template_id && r.applies_on(date))
        .map(|r| DemandLine {
            role_id: r.role_id.clone(),
            skill_id: r.skill_id.clone(),
            min: r.min,
            target: r.target,
            max: r.max,
            source: DemandSource::Fixed,
        })
        .collect();
    if let Some(census) = census {
        for ratio in ratios {
            let derived = nurses_for(census, ratio.patients_per_nurse);
            if derived == 0 {
                continue;
            }
            match lines.iter_mut().find(|l| l.role_id == ratio.role_id && l.skill_id.is_none()) {
                Some(line) => {
                    if derived > line.min {
                        line.min = derived;
                        line.source = DemandSource::FixedAndCensus;
                    }
                    line.target = line.target.max(derived);
                    line.max = line.max.max(derived);
                }
                None => lines.push(DemandLine {
                    role_id: ratio.role_id.clone(),
                    skill_id: None,
                    min: derived,
                    target: derived,
                    max: derived,
                    source: DemandSource::Census,
                }),
            }
        }
    }
    lines
}

/// Skill lines count within their role's line: "6 RNs" and "1 RN with ALS" need six RNs, one
/// of them with ALS. A roster fills disjoint places, so the role line keeps only what its
/// skill lines do not already take: 1 ALS place and 5 places for any RN. With several skill
/// lines each takes its own person (someone holding two skills fills one place), which can
/// only over-staff, never under-staff.
#[must_use]
pub fn disjoint_places(lines: &[DemandLine]) -> Vec<DemandLine> {
    lines
        .iter()
        .map(|line| {
            if line.skill_id.is_some() {
                return line.clone();
            }
            let within = |f: fn(&DemandLine) -> i32| -> i32 {
                lines.iter().filter(|l| l.role_id == line.role_id && l.skill_id.is_some()).map(f).sum()
            };
            let (min, target) = ((line.min - within(|l| l.min)).max(0), (line.target - within(|l| l.target)).max(0));
            DemandLine {
                min,
                target: target.max(min),
                max: (line.max - within(|l| l.min)).max(target.max(min)),
                ..line.clone()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(min: i32) -> FixedRequirement {
        FixedRequirement {
            shift_template_id: "t".into(),
            role_id: "rn".into(),
            skill_id: None,
            min,
            target: min + 1,
            max: min + 2,
            weekdays: Weekdays::ALL,
            valid_from: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            valid_to: None,
        }
    }

    #[test]
    fn census_raises_the_fixed_minimum_when_the_ratio_needs_more() {
        let date = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let ratio = [Ratio { role_id: "rn".into(), patients_per_nurse: 2.0 }];
        let lines = demand_for_shift(date, "t", &[req(3)], Some(Census { patients: 9, acuity: None }), &ratio);
        assert_eq!(lines.len(), 1);
        assert_eq!((lines[0].min, lines[0].target, lines[0].max), (5, 5, 5));
        assert_eq!(lines[0].source, DemandSource::FixedAndCensus);
        let low = demand_for_shift(date, "t", &[req(3)], Some(Census { patients: 4, acuity: None }), &ratio);
        assert_eq!((low[0].min, low[0].source), (3, DemandSource::Fixed));
    }

    #[test]
    fn skill_lines_are_counted_within_their_role_line() {
        let line = |skill: Option<&str>, min, target, max| DemandLine {
            role_id: "rn".into(),
            skill_id: skill.map(Into::into),
            min,
            target,
            max,
            source: DemandSource::Fixed,
        };
        let places = disjoint_places(&[line(None, 6, 7, 8), line(Some("als"), 1, 2, 2), line(Some("vent"), 1, 1, 1)]);
        assert_eq!((places[0].min, places[0].target, places[0].max), (4, 4, 6));
        assert_eq!((places[1].min, places[2].min), (1, 1));
        // A skill line larger than its role line leaves no plain places.
        let places = disjoint_places(&[line(None, 1, 1, 1), line(Some("als"), 2, 2, 2)]);
        assert_eq!((places[0].min, places[0].max), (0, 0));
    }

    #[test]
    fn acuity_weights_patients_and_exact_multiples_do_not_round_up() {
        assert_eq!(nurses_for(Census { patients: 10, acuity: None }, 5.0), 2);
        assert_eq!(nurses_for(Census { patients: 10, acuity: Some(1.5) }, 5.0), 3);
        assert_eq!(nurses_for(Census { patients: 0, acuity: None }, 5.0), 0);
    }
}
