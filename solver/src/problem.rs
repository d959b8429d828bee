//! A general hospital rostering problem: horizon, shift types, cover slots,
//! staff with eligibility, contracts and history, requests, pins and an
//! optional reference roster. Nothing here is specific to one benchmark.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Minutes in a day.
pub const DAY_MINUTES: i64 = 1440;

/// How a rule family is enforced.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub enum Mode {
    /// Never violated (the problem may become infeasible).
    #[default]
    Hard,
    /// Each unit of violation costs this weight.
    Soft(f64),
}

impl Mode {
    pub fn is_hard(self) -> bool {
        matches!(self, Mode::Hard)
    }
}

/// Rule families; used for the cost breakdown and in validation reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Family {
    /// Slot cover below/above target, below min, above max.
    Cover,
    /// Requests to work / not to work.
    Requests,
    /// Max shifts of one type over the horizon.
    ShiftsPerType,
    /// Min/max minutes over the horizon (unit: minute).
    TotalMinutes,
    /// Min/max minutes per 7-day week counted from day 0 (unit: minute).
    WeeklyMinutes,
    /// Max consecutive working days (unit: one day too many).
    MaxConsecutiveDays,
    /// Min consecutive working days (unit: one day missing).
    MinConsecutiveDays,
    /// Min consecutive days off (unit: one day missing).
    MinConsecutiveDaysOff,
    /// Max consecutive days off (unit: one day off too many).
    MaxConsecutiveDaysOff,
    /// Min/max consecutive days on the same shift type (unit: one day missing or too many).
    ConsecutiveShiftType,
    /// Min/max number of shifts over the counting period, history included (unit: one shift).
    TotalShifts,
    /// Weekends with only one of Saturday/Sunday worked (unit: one weekend).
    CompleteWeekends,
    /// Min rest minutes and forbidden shift successions (unit: one bad pair).
    Succession,
    /// Max worked weekends.
    Weekends,
    /// Max night shifts.
    Nights,
    /// Changes against the reference roster.
    Stability,
    /// Hourly staff cost.
    Cost,
    /// Always hard: at most one shift per day.
    OneShiftPerDay,
    /// Always hard: skill, credential validity, ward.
    Eligibility,
    /// Always hard: unavailable days.
    Unavailability,
    /// Always hard: pinned assignments.
    Pins,
}

/// Enforcement mode per rule family, and the weights of the purely soft ones.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rules {
    pub shifts_per_type: Mode,
    pub total_minutes: Mode,
    pub weekly_minutes: Mode,
    pub max_consecutive_days: Mode,
    pub min_consecutive_days: Mode,
    pub min_consecutive_days_off: Mode,
    pub succession: Mode,
    pub max_weekends: Mode,
    pub max_nights: Mode,
    /// [`Contract::max_consecutive_days_off`].
    #[serde(default)]
    pub max_consecutive_days_off: Mode,
    /// [`Contract::consecutive_shifts`].
    #[serde(default)]
    pub consecutive_shift_type: Mode,
    /// [`Contract::min_shifts_total`] and [`Contract::max_shifts_total`].
    #[serde(default)]
    pub total_shifts: Mode,
    /// [`Contract::complete_weekends`].
    #[serde(default)]
    pub complete_weekends: Mode,
    /// A slot below its `min` is a hard violation (one per slot, amount = people missing)
    /// instead of costing `cover_below_min_weight`; the missing people's shortfall to
    /// `target` is then not charged as well (the roster is infeasible anyway).
    #[serde(default)]
    pub cover_min_hard: bool,
    /// Extra cost per person below a slot's `min` (on top of its under weight).
    pub cover_below_min_weight: f64,
    /// Extra cost per person above a slot's `max` (on top of its over weight).
    pub cover_above_max_weight: f64,
    /// Cost per (staff, day) whose shift differs from the reference roster.
    pub change_weight: f64,
    /// Multiplier on the hourly cost of every worked shift.
    pub cost_weight: f64,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            shifts_per_type: Mode::Hard,
            total_minutes: Mode::Hard,
            weekly_minutes: Mode::Hard,
            max_consecutive_days: Mode::Hard,
            min_consecutive_days: Mode::Hard,
            min_consecutive_days_off: Mode::Hard,
            succession: Mode::Hard,
            max_weekends: Mode::Hard,
            max_nights: Mode::Hard,
            max_consecutive_days_off: Mode::Hard,
            consecutive_shift_type: Mode::Hard,
            total_shifts: Mode::Hard,
            complete_weekends: Mode::Hard,
            cover_min_hard: false,
            cover_below_min_weight: 1000.0,
            cover_above_max_weight: 1000.0,
            change_weight: 0.0,
            cost_weight: 0.0,
        }
    }
}

/// A shift type. Times are minutes from midnight of the day the shift starts,
/// so rest can be measured in real minutes across days.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShiftType {
    pub id: String,
    pub minutes: u32,
    pub start_minute: i32,
    pub night: bool,
    /// Shift types that may not be worked on the day after this one.
    #[serde(default)]
    pub forbidden_next: Vec<String>,
}

impl ShiftType {
    pub fn end_minute(&self) -> i64 {
        i64::from(self.start_minute) + i64::from(self.minutes)
    }
}

/// One cover requirement: a shift type on a day, on a ward, for a skill.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Slot {
    pub day: u32,
    pub shift: String,
    pub ward: String,
    /// Required skill/role; `None` = anyone.
    pub skill: Option<String>,
    pub min: u32,
    pub target: u32,
    pub max: Option<u32>,
    /// Cost per person below target.
    pub under_weight: f64,
    /// Cost per person above target.
    pub over_weight: f64,
}

impl Slot {
    /// How many people the slot wants: its target, and never fewer than its minimum.
    pub fn wanted(&self) -> u32 {
        self.target.max(self.min)
    }
}

/// A skill held by a staff member, valid on days `from..=until` (inclusive).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Qualification {
    pub skill: String,
    pub from_day: Option<u32>,
    pub until_day: Option<u32>,
}

/// Limits on a run of consecutive days (`None` = no limit).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunLimits {
    /// Shortest run. A run that reaches the last day of the horizon is exempt (it may go on
    /// in the next roster), so is a run that starts on day 0 after an unknown past.
    #[serde(default)]
    pub min: Option<u32>,
    /// Longest run. Days of a run that lie before day 0 (history) are not charged again.
    #[serde(default)]
    pub max: Option<u32>,
}

/// Contract limits; `None` = no limit.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Contract {
    /// Most shifts of a type over the horizon (missing type = no limit).
    #[serde(default)]
    pub max_shifts: BTreeMap<String, u32>,
    pub min_minutes_total: Option<u32>,
    pub max_minutes_total: Option<u32>,
    pub min_minutes_week: Option<u32>,
    pub max_minutes_week: Option<u32>,
    pub max_consecutive_days: Option<u32>,
    pub min_consecutive_days: Option<u32>,
    pub min_consecutive_days_off: Option<u32>,
    /// Most days off in a row (history days off before day 0 included; unit: one day too many).
    #[serde(default)]
    pub max_consecutive_days_off: Option<u32>,
    /// Min/max days in a row on the same shift type (e.g. nights: at least 2, at most 4),
    /// per shift type id; a day off or another shift ends the run. The run of
    /// [`History::last_shift`] continues from the history.
    #[serde(default)]
    pub consecutive_shifts: BTreeMap<String, RunLimits>,
    /// Fewest shifts (days worked) over the counting period, [`History::shifts_worked`] included.
    #[serde(default)]
    pub min_shifts_total: Option<u32>,
    /// Most shifts (days worked) over the counting period, [`History::shifts_worked`] included.
    #[serde(default)]
    pub max_shifts_total: Option<u32>,
    pub min_rest_minutes: Option<u32>,
    pub max_weekends: Option<u32>,
    pub max_nights: Option<u32>,
    /// Work both days of a weekend or neither: each weekend (both days inside the horizon)
    /// with only one of Saturday/Sunday worked is a violation.
    #[serde(default)]
    pub complete_weekends: bool,
}

/// What happened just before day 0.
///
/// With `consecutive_days_worked == 0 && consecutive_days_off == 0` the past is
/// unknown: it counts as off for max-consecutive and succession rules, and blocks
/// touching day 0 are exempt from the minimum-length rules. Otherwise the counts are
/// whole runs: the day before `consecutive_days_worked` days worked was off and the day
/// before `consecutive_days_off` days off was worked, so a history run that day 0 does
/// not continue is judged by the minimum-length rules (its maximum is not charged again).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct History {
    /// Shift worked on day −1.
    pub last_shift: Option<String>,
    /// Days worked in a row ending on day −1.
    pub consecutive_days_worked: u32,
    /// Days off in a row ending on day −1.
    pub consecutive_days_off: u32,
    /// Days in a row on `last_shift` ending on day −1 (at most `consecutive_days_worked`;
    /// 0 with a `last_shift` counts as 1). Used by [`Contract::consecutive_shifts`].
    #[serde(default)]
    pub consecutive_same_shift: u32,
    /// Shifts already worked in the counting period of the total-shift limits.
    #[serde(default)]
    pub shifts_worked: u32,
    /// Weekends already worked in the counting period.
    pub weekends_worked: u32,
    /// Nights already worked in the counting period.
    pub nights_worked: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Staff {
    pub id: String,
    #[serde(default)]
    pub skills: Vec<Qualification>,
    /// Wards this person may work on; empty = any ward.
    #[serde(default)]
    pub wards: Vec<String>,
    #[serde(default)]
    pub contract: Contract,
    /// Hard: no shift on these days.
    #[serde(default)]
    pub unavailable: Vec<u32>,
    #[serde(default)]
    pub history: History,
    #[serde(default)]
    pub hourly_cost: f64,
}

/// A weighted wish. `shift: None` means the whole day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    pub staff: String,
    pub day: u32,
    pub shift: Option<String>,
    /// `true` = wants to work (that shift / that day); `false` = does not.
    pub work: bool,
    pub weight: f64,
}

/// A fixed decision: `shift: Some(t)` = must work `t`; `None` = must be off.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pin {
    pub staff: String,
    pub day: u32,
    pub shift: Option<String>,
}

/// One cell of a roster: `shift: None` = off.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RosterEntry {
    pub staff: String,
    pub day: u32,
    pub shift: Option<String>,
}

/// One worked shift.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Assignment {
    pub staff: String,
    pub day: u32,
    pub shift: String,
    pub ward: String,
    pub skill: Option<String>,
}

/// A roster as a list of worked shifts (warm starts, published rosters).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Roster {
    pub assignments: Vec<Assignment>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    pub name: String,
    pub horizon_days: u32,
    /// Weekday of day 0: 0 = Monday … 6 = Sunday.
    pub first_weekday: u8,
    pub shift_types: Vec<ShiftType>,
    pub slots: Vec<Slot>,
    pub staff: Vec<Staff>,
    #[serde(default)]
    pub requests: Vec<Request>,
    #[serde(default)]
    pub pins: Vec<Pin>,
    /// Published roster; each entry costs `rules.change_weight` if changed.
    #[serde(default)]
    pub reference: Vec<RosterEntry>,
    #[serde(default)]
    pub rules: Rules,
}

/// Something wrong with a problem's data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[error("{what}: {detail}")]
pub struct ProblemFault {
    pub what: String,
    pub detail: String,
}

fn fault(what: &str, detail: String) -> ProblemFault {
    ProblemFault { what: what.to_string(), detail }
}

fn bad_weight(w: f64) -> bool {
    !w.is_finite() || w < 0.0
}

impl Problem {
    /// Weekday (0 = Monday) of `day` (may be negative for history days).
    pub fn weekday(&self, day: i64) -> u8 {
        (i64::from(self.first_weekday) + day).rem_euclid(7) as u8
    }

    /// Weekend number of a Saturday/Sunday (weeks start on Monday), else `None`.
    pub fn weekend_of(&self, day: i64) -> Option<i64> {
        let wd = self.weekday(day);
        (wd >= 5).then(|| (i64::from(self.first_weekday) + day).div_euclid(7))
    }

    /// The days of each weekend inside the horizon, in order (a weekend cut by
    /// either end of the horizon has one day).
    pub(crate) fn weekend_days(&self) -> Vec<Vec<usize>> {
        let mut out: Vec<(i64, Vec<usize>)> = Vec::new();
        for d in 0..self.horizon_days as usize {
            if let Some(w) = self.weekend_of(d as i64) {
                match out.last_mut() {
                    Some((last, days)) if *last == w => days.push(d),
                    _ => out.push((w, vec![d])),
                }
            }
        }
        out.into_iter().map(|(_, days)| days).collect()
    }

    /// Check the data; `solve` refuses a problem with faults.
    pub fn check(&self) -> Result<(), Vec<ProblemFault>> {
        let mut f = Vec::new();
        let h = self.horizon_days;
        if h == 0 {
            f.push(fault("horizon", "empty horizon".into()));
        }
        if h > 5000 {
            f.push(fault("horizon", format!("{h} days is too long")));
        }
        if self.first_weekday > 6 {
            f.push(fault("first_weekday", format!("{} not in 0..=6", self.first_weekday)));
        }
        let mut shifts = HashSet::new();
        for s in &self.shift_types {
            if !shifts.insert(s.id.as_str()) {
                f.push(fault("shift type", format!("duplicate id {}", s.id)));
            }
            if s.minutes == 0 || s.minutes > 1440 {
                f.push(fault("shift type", format!("{}: length {} min", s.id, s.minutes)));
            }
            if !(-1440..=2880).contains(&s.start_minute) {
                f.push(fault("shift type", format!("{}: start {}", s.id, s.start_minute)));
            }
        }
        for s in &self.shift_types {
            for n in &s.forbidden_next {
                if !shifts.contains(n.as_str()) {
                    f.push(fault("shift type", format!("{}: unknown forbidden next {n}", s.id)));
                }
            }
        }
        let known_shift = |id: &str| shifts.contains(id);
        for (k, s) in self.slots.iter().enumerate() {
            if s.day >= h {
                f.push(fault("slot", format!("#{k}: day {} outside horizon", s.day)));
            }
            if !known_shift(&s.shift) {
                f.push(fault("slot", format!("#{k}: unknown shift {}", s.shift)));
            }
            if s.min > s.target || s.max.is_some_and(|m| m < s.target) {
                f.push(fault("slot", format!("#{k}: need min <= target <= max ({} {} {:?})", s.min, s.target, s.max)));
            }
            if bad_weight(s.under_weight) || bad_weight(s.over_weight) {
                f.push(fault("slot", format!("#{k}: negative or non-finite weight")));
            }
        }
        let mut staff = HashSet::new();
        for p in &self.staff {
            if !staff.insert(p.id.as_str()) {
                f.push(fault("staff", format!("duplicate id {}", p.id)));
            }
            let c = &p.contract;
            for t in c.max_shifts.keys() {
                if !known_shift(t) {
                    f.push(fault("staff", format!("{}: max_shifts for unknown shift {t}", p.id)));
                }
            }
            let pairs = [
                ("minutes total", c.min_minutes_total, c.max_minutes_total),
                ("minutes per week", c.min_minutes_week, c.max_minutes_week),
            ];
            for (what, lo, hi) in pairs {
                if let (Some(lo), Some(hi)) = (lo, hi) {
                    if lo > hi {
                        f.push(fault("staff", format!("{}: {what}: min {lo} > max {hi}", p.id)));
                    }
                }
            }
            if let (Some(lo), Some(hi)) = (c.min_consecutive_days, c.max_consecutive_days) {
                if lo > hi {
                    f.push(fault("staff", format!("{}: consecutive days min {lo} > max {hi}", p.id)));
                }
            }
            if let (Some(lo), Some(hi)) = (c.min_shifts_total, c.max_shifts_total) {
                if lo > hi {
                    f.push(fault("staff", format!("{}: total shifts min {lo} > max {hi}", p.id)));
                }
            }
            for (t, lim) in &c.consecutive_shifts {
                if !known_shift(t) {
                    f.push(fault("staff", format!("{}: consecutive limits for unknown shift {t}", p.id)));
                }
                if let (Some(lo), Some(hi)) = (lim.min, lim.max) {
                    if lo > hi {
                        f.push(fault("staff", format!("{}: consecutive {t}: min {lo} > max {hi}", p.id)));
                    }
                }
            }
            if c.max_consecutive_days == Some(0) && c.min_consecutive_days.unwrap_or(0) > 0 {
                f.push(fault("staff", format!("{}: max consecutive 0 with a minimum", p.id)));
            }
            for d in &p.unavailable {
                if *d >= h {
                    f.push(fault("staff", format!("{}: unavailable day {d} outside horizon", p.id)));
                }
            }
            for q in &p.skills {
                if let (Some(a), Some(b)) = (q.from_day, q.until_day) {
                    if a > b {
                        f.push(fault("staff", format!("{}: skill {} valid {a}..{b}", p.id, q.skill)));
                    }
                }
            }
            if let Some(t) = &p.history.last_shift {
                if !known_shift(t) {
                    f.push(fault("staff", format!("{}: history shift {t} unknown", p.id)));
                }
                if p.history.consecutive_days_worked == 0 {
                    f.push(fault("staff", format!("{}: history last shift with 0 days worked", p.id)));
                }
            }
            if p.history.consecutive_same_shift > 0
                && (p.history.last_shift.is_none()
                    || p.history.consecutive_same_shift > p.history.consecutive_days_worked)
            {
                f.push(fault(
                    "staff",
                    format!("{}: history same-shift run longer than the days worked or without a last shift", p.id),
                ));
            }
            if p.history.consecutive_days_worked > 0 && p.history.consecutive_days_off > 0 {
                f.push(fault("staff", format!("{}: history both worked and off on day -1", p.id)));
            }
            if bad_weight(p.hourly_cost) {
                f.push(fault("staff", format!("{}: bad hourly cost", p.id)));
            }
        }
        for (k, r) in self.requests.iter().enumerate() {
            if !staff.contains(r.staff.as_str()) {
                f.push(fault("request", format!("#{k}: unknown staff {}", r.staff)));
            }
            if r.day >= h {
                f.push(fault("request", format!("#{k}: day {} outside horizon", r.day)));
            }
            if r.shift.as_deref().is_some_and(|t| !known_shift(t)) {
                f.push(fault("request", format!("#{k}: unknown shift {:?}", r.shift)));
            }
            if bad_weight(r.weight) {
                f.push(fault("request", format!("#{k}: negative or non-finite weight")));
            }
        }
        let mut pinned = HashSet::new();
        for (k, p) in self.pins.iter().enumerate() {
            if !staff.contains(p.staff.as_str()) {
                f.push(fault("pin", format!("#{k}: unknown staff {}", p.staff)));
            }
            if p.day >= h {
                f.push(fault("pin", format!("#{k}: day {} outside horizon", p.day)));
            }
            if p.shift.as_deref().is_some_and(|t| !known_shift(t)) {
                f.push(fault("pin", format!("#{k}: unknown shift {:?}", p.shift)));
            }
            if !pinned.insert((p.staff.as_str(), p.day)) {
                f.push(fault("pin", format!("#{k}: {} pinned twice on day {}", p.staff, p.day)));
            }
        }
        for (k, r) in self.reference.iter().enumerate() {
            if !staff.contains(r.staff.as_str()) || r.day >= h {
                f.push(fault("reference", format!("#{k}: unknown staff or day")));
            }
            if r.shift.as_deref().is_some_and(|t| !known_shift(t)) {
                f.push(fault("reference", format!("#{k}: unknown shift {:?}", r.shift)));
            }
        }
        let r = &self.rules;
        let modes = [
            r.shifts_per_type,
            r.total_minutes,
            r.weekly_minutes,
            r.max_consecutive_days,
            r.min_consecutive_days,
            r.min_consecutive_days_off,
            r.succession,
            r.max_weekends,
            r.max_nights,
            r.max_consecutive_days_off,
            r.consecutive_shift_type,
            r.total_shifts,
            r.complete_weekends,
        ];
        let weights = [r.cover_below_min_weight, r.cover_above_max_weight, r.change_weight, r.cost_weight];
        if modes.iter().any(|m| matches!(m, Mode::Soft(w) if bad_weight(*w))) || weights.iter().any(|w| bad_weight(*w))
        {
            f.push(fault("rules", "negative or non-finite weight".into()));
        }
        if f.is_empty() {
            Ok(())
        } else {
            Err(f)
        }
    }
}

/// Index form of a checked problem, shared by the model, the search and the validator
/// (data look-ups only; no rule logic).
#[derive(Clone, Debug)]
pub(crate) struct Index {
    pub h: usize,
    pub shift_by_id: HashMap<String, usize>,
    pub staff_by_id: HashMap<String, usize>,
    pub slot_shift: Vec<usize>,
    /// `[staff][day]` → slots this person may take (skill, ward, availability, pins).
    pub eligible: Vec<Vec<Vec<usize>>>,
    /// `[staff][day]` → pinned: `Some(Some(t))` must work t, `Some(None)` must be off.
    pub pin: Vec<Vec<Option<Option<usize>>>>,
}

pub(crate) fn skill_ok(p: &Staff, skill: Option<&str>, day: u32) -> bool {
    match skill {
        None => true,
        Some(sk) => p
            .skills
            .iter()
            .any(|q| q.skill == sk && q.from_day.is_none_or(|a| a <= day) && q.until_day.is_none_or(|b| day <= b)),
    }
}

pub(crate) fn ward_ok(p: &Staff, ward: &str) -> bool {
    p.wards.is_empty() || p.wards.iter().any(|w| w == ward)
}

impl Index {
    /// Build the index; the problem must have passed `check`.
    pub fn new(p: &Problem) -> Index {
        let h = p.horizon_days as usize;
        let shift_by_id: HashMap<String, usize> =
            p.shift_types.iter().enumerate().map(|(k, s)| (s.id.clone(), k)).collect();
        let staff_by_id: HashMap<String, usize> = p.staff.iter().enumerate().map(|(k, s)| (s.id.clone(), k)).collect();
        let slot_shift: Vec<usize> = p.slots.iter().map(|s| shift_by_id.get(&s.shift).copied().unwrap_or(0)).collect();
        let mut pin = vec![vec![None; h]; p.staff.len()];
        for q in &p.pins {
            if let Some(&i) = staff_by_id.get(&q.staff) {
                if (q.day as usize) < h {
                    pin[i][q.day as usize] = Some(q.shift.as_ref().and_then(|t| shift_by_id.get(t).copied()));
                }
            }
        }
        let mut eligible = vec![vec![Vec::new(); h]; p.staff.len()];
        for (i, st) in p.staff.iter().enumerate() {
            let unavailable: HashSet<u32> = st.unavailable.iter().copied().collect();
            for (k, s) in p.slots.iter().enumerate() {
                let d = s.day as usize;
                if d >= h || unavailable.contains(&s.day) {
                    continue;
                }
                if !skill_ok(st, s.skill.as_deref(), s.day) || !ward_ok(st, &s.ward) {
                    continue;
                }
                let t = slot_shift[k];
                if p.rules.shifts_per_type.is_hard()
                    && st.contract.max_shifts.get(&s.shift) == Some(&0)
                    && pin[i][d] != Some(Some(t))
                {
                    continue;
                }
                match pin[i][d] {
                    Some(None) => continue,
                    Some(Some(pt)) if pt != t => continue,
                    _ => {}
                }
                eligible[i][d].push(k);
            }
        }
        Index { h, shift_by_id, staff_by_id, slot_shift, eligible, pin }
    }
}
