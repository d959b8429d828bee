//! Independent validator: recomputes every hard violation and every soft cost
//! from the assignments alone, working on the roster table staff → day → shift
//! and on blocks of worked days / days off. It shares no code with `model/`.

use crate::problem::{skill_ok, ward_ok, Family, Index, Mode, Problem, RunLimits, DAY_MINUTES};
use crate::solution::{SlotSummary, Solution, StaffSummary};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// One broken rule (hard) or one soft cost item.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Violation {
    pub family: Family,
    pub staff: Option<String>,
    pub day: Option<u32>,
    /// Violation amount in the family's unit.
    pub amount: f64,
    pub detail: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ValidationReport {
    /// Broken hard rules; the roster is feasible iff this is empty.
    pub hard: Vec<Violation>,
    /// Soft rule violations (each costs its family's weight × amount).
    pub soft: Vec<Violation>,
    pub cost_by_family: BTreeMap<Family, f64>,
    pub objective: f64,
    pub staff: Vec<StaffSummary>,
    pub slots: Vec<SlotSummary>,
}

impl ValidationReport {
    pub fn is_feasible(&self) -> bool {
        self.hard.is_empty()
    }
}

/// Validate a solution's assignments against the problem.
pub fn validate(problem: &Problem, solution: &Solution) -> ValidationReport {
    if let Err(faults) = problem.check() {
        let mut r = ValidationReport::default();
        for f in faults {
            r.hard.push(Violation {
                family: Family::Eligibility,
                staff: None,
                day: None,
                amount: 1.0,
                detail: format!("invalid problem: {f}"),
            });
        }
        return r;
    }
    let index = Index::new(problem);
    let mut v = Validator::new(problem);
    let mut table: Vec<Vec<Option<usize>>> = vec![vec![None; index.h]; problem.staff.len()];
    for a in &solution.assignments {
        let Some(&i) = index.staff_by_id.get(&a.staff) else {
            v.hard(Family::Eligibility, None, Some(a.day), 1.0, || format!("unknown staff {}", a.staff));
            continue;
        };
        let slot = problem
            .slots
            .iter()
            .position(|s| s.day == a.day && s.shift == a.shift && s.ward == a.ward && s.skill == a.skill);
        let Some(k) = slot else {
            v.hard(Family::Eligibility, Some(i), Some(a.day), 1.0, || {
                format!("no slot for {} on day {} ward {}", a.shift, a.day, a.ward)
            });
            continue;
        };
        let d = a.day as usize;
        if table[i][d].is_some() {
            v.hard(Family::OneShiftPerDay, Some(i), Some(a.day), 1.0, || "two shifts on one day".into());
            continue;
        }
        table[i][d] = Some(k);
    }
    v.run(&table);
    v.report
}

/// Validate an internal roster table (staff → day → slot). Used by the search.
pub(crate) fn validate_table(problem: &Problem, table: &[Vec<Option<usize>>]) -> ValidationReport {
    let mut v = Validator::new(problem);
    v.run(table);
    v.report
}

/// What the validator looks up by index instead of by id.
#[derive(Default)]
struct Lookup {
    /// slot → shift type index.
    slot_shift: Vec<Option<usize>>,
    /// staff → indices into `requests`, `reference` and `pins`.
    requests: Vec<Vec<usize>>,
    reference: Vec<Vec<usize>>,
    pins: Vec<Vec<usize>>,
    /// request / pin / reference entry → the shift type it names.
    request_shift: Vec<Option<usize>>,
    pin_shift: Vec<Option<usize>>,
    reference_shift: Vec<Option<usize>>,
    /// staff → shift type of their last history shift.
    last_shift: Vec<Option<usize>>,
    /// staff → (shift type, limits) of their contract's runs of one shift type.
    consecutive: Vec<Vec<(usize, RunLimits)>>,
}

impl Lookup {
    fn new(p: &Problem) -> Lookup {
        let n = p.staff.len();
        let staff: HashMap<&str, usize> = p.staff.iter().enumerate().map(|(i, s)| (s.id.as_str(), i)).collect();
        let group = |ids: &mut dyn Iterator<Item = &str>| {
            let mut by: Vec<Vec<usize>> = vec![Vec::new(); n];
            for (k, id) in ids.enumerate() {
                if let Some(&i) = staff.get(id) {
                    by[i].push(k);
                }
            }
            by
        };
        let shift_idx = |id: &str| p.shift_types.iter().position(|s| s.id == id);
        let named = |id: &Option<String>| id.as_deref().and_then(shift_idx);
        Lookup {
            slot_shift: p.slots.iter().map(|s| shift_idx(&s.shift)).collect(),
            requests: group(&mut p.requests.iter().map(|r| r.staff.as_str())),
            reference: group(&mut p.reference.iter().map(|r| r.staff.as_str())),
            pins: group(&mut p.pins.iter().map(|r| r.staff.as_str())),
            request_shift: p.requests.iter().map(|r| named(&r.shift)).collect(),
            pin_shift: p.pins.iter().map(|r| named(&r.shift)).collect(),
            reference_shift: p.reference.iter().map(|r| named(&r.shift)).collect(),
            last_shift: p.staff.iter().map(|s| named(&s.history.last_shift)).collect(),
            consecutive: p
                .staff
                .iter()
                .map(|s| {
                    s.contract.consecutive_shifts.iter().filter_map(|(id, lim)| Some((shift_idx(id)?, *lim))).collect()
                })
                .collect(),
        }
    }
}

/// The scale of a minute in a hard violation's amount for the search: one over
/// the mean length of a shift, so that every family's unit is about one shift
/// or one day (a person a shift short weighs as much as one working a seventh
/// day in a row).
pub(crate) fn minute_unit(p: &Problem) -> f64 {
    let total: u64 = p.shift_types.iter().map(|s| u64::from(s.minutes)).sum();
    p.shift_types.len() as f64 / (total.max(1) as f64)
}

/// The scale of a hard violation's amount for the search (see `minute_unit`).
pub(crate) fn hard_unit(family: Family, minute_unit: f64) -> f64 {
    if matches!(family, Family::TotalMinutes | Family::WeeklyMinutes) {
        minute_unit
    } else {
        1.0
    }
}

struct Validator<'a> {
    p: &'a Problem,
    lookup: Lookup,
    report: ValidationReport,
    /// Only count and sum: no violation list, no details, no summaries (the search's mode).
    quiet: bool,
    hard_count: usize,
    /// Sum of the amounts of the hard violations, minutes scaled by `minute_unit`.
    hard_amount: f64,
    /// `minute_unit` of the problem.
    minute_unit: f64,
    /// Soft cost of the person being checked.
    person_cost: f64,
}

impl<'a> Validator<'a> {
    fn new(p: &'a Problem) -> Self {
        Validator {
            p,
            lookup: Lookup::new(p),
            report: ValidationReport::default(),
            quiet: false,
            hard_count: 0,
            hard_amount: 0.0,
            minute_unit: minute_unit(p),
            person_cost: 0.0,
        }
    }

    fn staff_id(&self, i: Option<usize>) -> Option<String> {
        i.and_then(|i| self.p.staff.get(i)).map(|s| s.id.clone())
    }

    fn hard(
        &mut self,
        family: Family,
        i: Option<usize>,
        day: Option<u32>,
        amount: f64,
        detail: impl FnOnce() -> String,
    ) {
        self.hard_count += 1;
        self.hard_amount += amount * hard_unit(family, self.minute_unit);
        if !self.quiet {
            let staff = self.staff_id(i);
            self.report.hard.push(Violation { family, staff, day, amount, detail: detail() });
        }
    }

    fn cost(
        &mut self,
        family: Family,
        weight: f64,
        i: Option<usize>,
        day: Option<u32>,
        amount: f64,
        detail: impl FnOnce() -> String,
    ) {
        if amount <= 0.0 {
            return;
        }
        let c = weight * amount;
        self.report.objective += c;
        if i.is_some() {
            self.person_cost += c;
        }
        if !self.quiet {
            *self.report.cost_by_family.entry(family).or_insert(0.0) += c;
            let staff = self.staff_id(i);
            self.report.soft.push(Violation { family, staff, day, amount, detail: detail() });
        }
    }

    fn rule(
        &mut self,
        family: Family,
        mode: Mode,
        i: usize,
        day: Option<u32>,
        amount: f64,
        detail: impl FnOnce() -> String,
    ) {
        if amount <= 0.0 {
            return;
        }
        match mode {
            Mode::Hard => self.hard(family, Some(i), day, amount, detail),
            Mode::Soft(w) => self.cost(family, w, Some(i), day, amount, detail),
        }
    }

    fn run(&mut self, table: &[Vec<Option<usize>>]) {
        let p = self.p;
        let mut count = vec![0u32; p.slots.len()];
        for row in table {
            for k in row.iter().flatten() {
                if let Some(c) = count.get_mut(*k) {
                    *c += 1;
                }
            }
        }
        for (k, n) in count.iter().enumerate() {
            self.slot(k, *n);
        }
        for (i, cells) in table.iter().enumerate().take(p.staff.len()) {
            let summary = self.person(i, cells);
            self.report.staff.push(summary);
        }
    }

    /// Cover of slot `k` with `n` people assigned.
    fn slot(&mut self, k: usize, n: u32) {
        let p = self.p;
        let Some(s) = p.slots.get(k) else { return };
        let day = Some(s.day);
        let what = || format!("{} {} {} {:?}", s.day, s.shift, s.ward, s.skill);
        let below_min = s.min.saturating_sub(n);
        // A slot below a hard minimum is one hard violation; its shortfall is not costed too.
        let hard_min = p.rules.cover_min_hard && below_min > 0;
        let under = if hard_min { 0 } else { s.target.saturating_sub(n) };
        let over = n.saturating_sub(s.target);
        self.cost(Family::Cover, s.under_weight, None, day, f64::from(under), || {
            format!("{}: {under} below target", what())
        });
        self.cost(Family::Cover, s.over_weight, None, day, f64::from(over), || {
            format!("{}: {over} above target", what())
        });
        if p.rules.cover_min_hard {
            if hard_min {
                self.hard(Family::Cover, None, day, f64::from(below_min), || {
                    format!("{}: {below_min} below min", what())
                });
            }
        } else {
            self.cost(Family::Cover, p.rules.cover_below_min_weight, None, day, f64::from(below_min), || {
                format!("{}: {below_min} below min", what())
            });
        }
        if let Some(mx) = s.max {
            let above = n.saturating_sub(mx);
            self.cost(Family::Cover, p.rules.cover_above_max_weight, None, day, f64::from(above), || {
                format!("{}: {above} above max", what())
            });
        }
        if !self.quiet {
            self.report.slots.push(SlotSummary {
                slot: k,
                day: s.day,
                shift: s.shift.clone(),
                ward: s.ward.clone(),
                skill: s.skill.clone(),
                assigned: n,
                min: s.min,
                target: s.target,
                max: s.max,
            });
        }
    }

    /// Every rule on one person's roster line (`cells`: day → slot), with their
    /// requests and the changes from the reference roster.
    fn person(&mut self, i: usize, cells: &[Option<usize>]) -> StaffSummary {
        let p = self.p;
        let h = p.horizon_days as usize;
        self.person_cost = 0.0;
        let totals = Totals::of(p, &self.lookup.slot_shift, cells);
        let (requests_met, requests_total) = self.person_days(i, cells, 0, h);
        self.person_totals(i, &totals);
        StaffSummary {
            staff: if self.quiet { String::new() } else { p.staff[i].id.clone() },
            shifts: totals.shifts,
            minutes: totals.minutes,
            nights: totals.nights,
            weekends: totals.weekends,
            requests_met,
            requests_total,
            cost: self.person_cost,
        }
    }

    /// The rules on one person's whole-horizon sums: shifts per type, total
    /// minutes, nights, total shifts, weekends.
    fn person_totals(&mut self, i: usize, t: &Totals) {
        let p = self.p;
        let st = &p.staff[i];
        let c = &st.contract;
        let rules = &p.rules;
        for (k, n) in t.per_type.iter().enumerate() {
            let id = &p.shift_types[k].id;
            if let Some(&lim) = c.max_shifts.get(id) {
                let ex = n.saturating_sub(lim);
                self.rule(Family::ShiftsPerType, rules.shifts_per_type, i, None, f64::from(ex), || {
                    format!("{n} shifts {id} > {lim}")
                });
            }
        }
        let minutes = t.minutes;
        if let Some(mx) = c.max_minutes_total {
            let ex = minutes.saturating_sub(u64::from(mx));
            self.rule(Family::TotalMinutes, rules.total_minutes, i, None, ex as f64, || {
                format!("{minutes} min > {mx}")
            });
        }
        if let Some(mn) = c.min_minutes_total {
            let sh = u64::from(mn).saturating_sub(minutes);
            self.rule(Family::TotalMinutes, rules.total_minutes, i, None, sh as f64, || {
                format!("{minutes} min < {mn}")
            });
        }
        if let Some(mx) = c.max_nights {
            let total = t.nights + st.history.nights_worked;
            let ex = total.saturating_sub(mx);
            self.rule(Family::Nights, rules.max_nights, i, None, f64::from(ex), || format!("{total} nights > {mx}"));
        }
        // Total shifts, history included.
        let total = st.history.shifts_worked.saturating_add(t.shifts);
        if let Some(mx) = c.max_shifts_total {
            let ex = total.saturating_sub(mx);
            self.rule(Family::TotalShifts, rules.total_shifts, i, None, f64::from(ex), || {
                format!("{total} shifts > {mx}")
            });
        }
        if let Some(mn) = c.min_shifts_total {
            let sh = mn.saturating_sub(total);
            self.rule(Family::TotalShifts, rules.total_shifts, i, None, f64::from(sh), || {
                format!("{total} shifts < {mn}")
            });
        }
        if let Some(mx) = c.max_weekends {
            let total = t.weekends + st.history.weekends_worked;
            let ex = total.saturating_sub(mx);
            self.rule(Family::Weekends, rules.max_weekends, i, None, f64::from(ex), || {
                format!("{total} weekends > {mx}")
            });
        }
    }

    /// The rules on days, weeks and blocks of one person's line whose anchor day
    /// lies in `lo..hi`: requests, eligibility, pins and the reference roster on
    /// their day; the cost of a shift on its day; a week on its first day; a
    /// weekend on its Saturday; a block of days (worked, off, or on one shift
    /// type) on its first day (day 0 for a block that began before the horizon);
    /// a rest or succession fault on its second day. Every such rule of the line
    /// is counted exactly once over `0..h`, which lets the search re-price only
    /// the days around a change. Returns the requests (met, total) in the range.
    fn person_days(&mut self, i: usize, cells: &[Option<usize>], lo: usize, hi: usize) -> (u32, u32) {
        let p = self.p;
        let h = p.horizon_days as usize;
        let hi = hi.min(h).min(cells.len());
        let st = &p.staff[i];
        let c = &st.contract;
        let rules = &p.rules;
        // the lookup is read while the rules are recorded
        let lk = std::mem::take(&mut self.lookup);
        let ty = |d: usize| cells[d].and_then(|k| lk.slot_shift.get(k).copied().flatten());
        let in_range = |d: u32| (lo..hi).contains(&(d as usize));
        let (mut met_n, mut total_n) = (0u32, 0u32);
        // Requests.
        for &q in &lk.requests[i] {
            let r = &p.requests[q];
            if !in_range(r.day) {
                continue;
            }
            let worked = ty(r.day as usize);
            let want = lk.request_shift[q];
            let met = match (r.work, r.shift.is_some()) {
                (true, true) => worked.is_some() && worked == want,
                (true, false) => worked.is_some(),
                (false, true) => worked.is_none() || worked != want,
                (false, false) => worked.is_none(),
            };
            total_n += 1;
            if met {
                met_n += 1;
            } else {
                let detail =
                    || format!("request {} {:?} on day {} not met", if r.work { "on" } else { "off" }, r.shift, r.day);
                self.cost(Family::Requests, r.weight, Some(i), Some(r.day), 1.0, detail);
            }
        }
        // Eligibility, unavailability, the cost of each shift.
        for (d, cell) in cells.iter().enumerate().take(hi).skip(lo) {
            let day = Some(d as u32);
            let Some(k) = *cell else { continue };
            let Some(s) = p.slots.get(k) else { continue };
            if s.day as usize != d {
                self.hard(Family::Eligibility, Some(i), day, 1.0, || "slot on another day".into());
            }
            if !skill_ok(st, s.skill.as_deref(), s.day) || !ward_ok(st, &s.ward) {
                self.hard(Family::Eligibility, Some(i), day, 1.0, || {
                    format!("not eligible for {} {} {:?}", s.shift, s.ward, s.skill)
                });
            }
            if st.unavailable.contains(&(d as u32)) {
                self.hard(Family::Unavailability, Some(i), day, 1.0, || "works on an unavailable day".into());
            }
            if let Some(t) = ty(d) {
                let s = &p.shift_types[t];
                let hourly = rules.cost_weight * st.hourly_cost * f64::from(s.minutes) / 60.0;
                if hourly > 0.0 {
                    self.cost(Family::Cost, 1.0, Some(i), None, hourly, || format!("cost of shift {}", s.id));
                }
            }
        }
        for &q in &lk.pins[i] {
            let pin = &p.pins[q];
            if !in_range(pin.day) {
                continue;
            }
            let got = ty(pin.day as usize);
            if got != lk.pin_shift[q] {
                self.hard(Family::Pins, Some(i), Some(pin.day), 1.0, || format!("pinned to {:?}", pin.shift));
            }
        }
        // Weeks of seven days from day 0.
        for wk in lo.div_ceil(7)..hi.div_ceil(7) {
            let days = (7 * wk)..(7 * wk + 7).min(h);
            let full = days.len() == 7;
            let m: u64 = days.clone().filter_map(ty).map(|t| u64::from(p.shift_types[t].minutes)).sum();
            let day = Some((7 * wk) as u32);
            if let Some(mx) = c.max_minutes_week {
                let ex = m.saturating_sub(u64::from(mx));
                self.rule(Family::WeeklyMinutes, rules.weekly_minutes, i, day, ex as f64, || {
                    format!("week {wk}: {m} min > {mx}")
                });
            }
            if let (Some(mn), true) = (c.min_minutes_week, full) {
                let sh = u64::from(mn).saturating_sub(m);
                self.rule(Family::WeeklyMinutes, rules.weekly_minutes, i, day, sh as f64, || {
                    format!("week {wk}: {m} min < {mn}")
                });
            }
        }
        // Complete weekends: Saturday and its Sunday both inside the horizon.
        if c.complete_weekends {
            for d in lo..hi.min(h.saturating_sub(1)) {
                if p.weekday(d as i64) == 5 && ty(d).is_some() != ty(d + 1).is_some() {
                    self.rule(Family::CompleteWeekends, rules.complete_weekends, i, Some(d as u32), 1.0, || {
                        format!("only one day of the weekend starting on day {d} worked")
                    });
                }
            }
        }
        let hist = &st.history;
        let (lo_i, hi_i, h_i) = (lo as i64, hi as i64, h as i64);
        // Runs of the same shift type, the run of the last history shift continuing into day 0.
        let last = lk.last_shift[i];
        for &(t, lim) in &lk.consecutive[i] {
            let pre = i64::from(hist.consecutive_days_worked.max(hist.consecutive_days_off) + 2);
            let on =
                |j: i64| if j < 0 { past_shift(hist, last, t, (-j) as u32) } else { Some(ty(j as usize) == Some(t)) };
            for_runs(&on, -pre, h_i, lo_i, hi_i, |first, last_day, v| {
                if v != Some(true) {
                    return;
                }
                let left_known = first > -pre && on(first - 1).is_some();
                let len = last_day - first + 1;
                let before = (last_day.min(-1) - first + 1).max(0);
                let day = Some(first.max(0) as u32);
                let id = &p.shift_types[t].id;
                if let Some(mx) = lim.max.map(i64::from) {
                    let ex = (len - mx).max(0) - (before - mx).max(0);
                    self.rule(Family::ConsecutiveShiftType, rules.consecutive_shift_type, i, day, ex as f64, || {
                        format!("{len} {id} shifts in a row > {mx}")
                    });
                }
                if let Some(mn) = lim.min.map(i64::from) {
                    if left_known && last_day >= -1 && last_day < h_i - 1 && len < mn {
                        self.rule(
                            Family::ConsecutiveShiftType,
                            rules.consecutive_shift_type,
                            i,
                            day,
                            (mn - len) as f64,
                            || format!("only {len} {id} shifts in a row < {mn}"),
                        );
                    }
                }
            });
        }
        // Blocks of worked days / days off on the timeline extended by history. A block
        // is judged by the minimum rules when the day after it is inside the horizon.
        // worked(j) for j in -pre..h: Some(worked) or None (unknown past).
        let pre = i64::from(hist.consecutive_days_worked.max(hist.consecutive_days_off) + 1);
        let worked = |j: i64| -> Option<bool> {
            if j >= 0 {
                return Some(ty(j as usize).is_some());
            }
            let back = (-j) as u32;
            if hist.consecutive_days_worked > 0 {
                Some(back <= hist.consecutive_days_worked)
            } else if hist.consecutive_days_off > 0 && back <= hist.consecutive_days_off {
                Some(false)
            } else if hist.consecutive_days_off > 0 && back == hist.consecutive_days_off + 1 {
                Some(true)
            } else {
                None
            }
        };
        for_runs(&worked, -pre, h_i, lo_i, hi_i, |da, db, kind| {
            let len = db - da + 1;
            let left_known = da > -pre && worked(da - 1).is_some();
            let right_inside = db < h_i - 1;
            let day = Some(da.max(0) as u32);
            match kind {
                Some(true) => {
                    if let Some(cmax) = c.max_consecutive_days {
                        let cmax = i64::from(cmax);
                        // windows of cmax+1 days inside the block ending in the horizon
                        let first = da.max(-cmax);
                        let n = (db - cmax - first + 1).max(0);
                        self.rule(Family::MaxConsecutiveDays, rules.max_consecutive_days, i, day, n as f64, || {
                            format!("{len} days worked in a row")
                        });
                    }
                    if let Some(cmin) = c.min_consecutive_days {
                        let cmin = i64::from(cmin);
                        if db >= -1 && left_known && right_inside && len < cmin {
                            self.rule(
                                Family::MinConsecutiveDays,
                                rules.min_consecutive_days,
                                i,
                                day,
                                (cmin - len) as f64,
                                || format!("only {len} days worked in a row"),
                            );
                        }
                    }
                }
                Some(false) => {
                    if let Some(omax) = c.max_consecutive_days_off.map(i64::from) {
                        // days off beyond the maximum, less those already beyond it before day 0
                        let before = (db.min(-1) - da + 1).max(0);
                        let ex = (len - omax).max(0) - (before - omax).max(0);
                        self.rule(
                            Family::MaxConsecutiveDaysOff,
                            rules.max_consecutive_days_off,
                            i,
                            day,
                            ex as f64,
                            || format!("{len} days off in a row"),
                        );
                    }
                    if let Some(omin) = c.min_consecutive_days_off {
                        let omin = i64::from(omin);
                        if db >= -1 && left_known && right_inside && len < omin {
                            self.rule(
                                Family::MinConsecutiveDaysOff,
                                rules.min_consecutive_days_off,
                                i,
                                day,
                                (omin - len) as f64,
                                || format!("only {len} days off in a row"),
                            );
                        }
                    }
                }
                None => {}
            }
        });
        // Rest and forbidden successions: pairs (d, t) -> (d + k, u), day -1 included,
        // each on its second day.
        let at = |d: i64| -> Option<usize> {
            if d == -1 {
                last
            } else if d >= 0 && d < h_i {
                ty(d as usize)
            } else {
                None
            }
        };
        let rest = c.min_rest_minutes.map(i64::from);
        for e in lo_i..hi_i {
            let Some(u) = at(e) else { continue };
            let st_u = &p.shift_types[u];
            for k in (1..=3i64).rev() {
                let d = e - k;
                let Some(t) = at(d) else { continue };
                let st_t = &p.shift_types[t];
                let forbidden = k == 1 && st_t.forbidden_next.contains(&st_u.id);
                let gap = k * DAY_MINUTES + i64::from(st_u.start_minute) - st_t.end_minute();
                let short = rest.is_some_and(|r| gap < r);
                if forbidden || short {
                    self.rule(Family::Succession, rules.succession, i, Some(e as u32), 1.0, || {
                        format!("{} on day {d} then {} on day {e}", st_t.id, st_u.id)
                    });
                }
            }
        }
        // Stability.
        for &q in &lk.reference[i] {
            let r = &p.reference[q];
            if !in_range(r.day) {
                continue;
            }
            if ty(r.day as usize) != lk.reference_shift[q] {
                self.cost(Family::Stability, p.rules.change_weight, Some(i), Some(r.day), 1.0, || {
                    format!("changed from {:?}", r.shift)
                });
            }
        }
        self.lookup = lk;
        (met_n, total_n)
    }
}

/// Calls `f(first, last, value)` for each maximal run of equal values of `get`
/// on the days `from..h` whose anchor (its first day, or day 0 for a run that
/// began before it) lies in `lo..hi`.
fn for_runs<T: PartialEq>(
    get: &impl Fn(i64) -> T,
    from: i64,
    h: i64,
    lo: i64,
    hi: i64,
    mut f: impl FnMut(i64, i64, T),
) {
    let mut s = if lo <= 0 { from } else { lo };
    if s > from && s < h {
        // skip the run going on from before `lo`: it is anchored there
        let before = get(s - 1);
        while s < h && get(s) == before {
            s += 1;
        }
    }
    while s < h && s.max(0) < hi {
        let v = get(s);
        let mut e = s;
        while e + 1 < h && get(e + 1) == v {
            e += 1;
        }
        f(s, e, v);
        s = e + 1;
    }
}

/// The horizon-wide sums of one person's line that the totals rules read.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Totals {
    pub minutes: u64,
    /// shift type → shifts worked.
    pub per_type: Vec<u32>,
    pub nights: u32,
    pub shifts: u32,
    /// Weekends with at least one day worked.
    pub weekends: u32,
    /// weekend number → days worked on it.
    weekend_days: Vec<u32>,
}

impl Totals {
    fn of(p: &Problem, slot_shift: &[Option<usize>], cells: &[Option<usize>]) -> Totals {
        let h = p.horizon_days as usize;
        let mut t = Totals {
            per_type: vec![0; p.shift_types.len()],
            weekend_days: vec![0; (usize::from(p.first_weekday) + h) / 7 + 1],
            ..Totals::default()
        };
        for (d, cell) in cells.iter().enumerate().take(h) {
            t.tally(p, slot_shift, d, *cell, true);
        }
        t
    }

    /// Add (or take away) `cell` worked on day `d`.
    fn tally(&mut self, p: &Problem, slot_shift: &[Option<usize>], d: usize, cell: Option<usize>, add: bool) {
        let Some(k) = cell.and_then(|k| slot_shift.get(k).copied().flatten()) else { return };
        let s = &p.shift_types[k];
        let step = |x: &mut u32| *x = if add { *x + 1 } else { x.saturating_sub(1) };
        step(&mut self.per_type[k]);
        step(&mut self.shifts);
        if s.night {
            step(&mut self.nights);
        }
        let m = u64::from(s.minutes);
        self.minutes = if add { self.minutes + m } else { self.minutes.saturating_sub(m) };
        let w = p.weekend_of(d as i64).and_then(|w| usize::try_from(w).ok());
        if let Some(x) = w.and_then(|w| self.weekend_days.get_mut(w)) {
            let was = *x > 0;
            step(x);
            if was != (*x > 0) {
                step(&mut self.weekends);
            }
        }
    }
}

/// Whether the day `back` days before day 0 was worked on shift type `t`, from the
/// history alone (`None` = unknown): the run of `last` has `consecutive_same_shift`
/// days (at least 1) and is preceded by another type or a day off; the worked block
/// has `consecutive_days_worked` days and is preceded by a day off.
fn past_shift(hist: &crate::problem::History, last: Option<usize>, t: usize, back: u32) -> Option<bool> {
    if hist.consecutive_days_worked == 0 {
        return (back <= hist.consecutive_days_off).then_some(false);
    }
    if back == hist.consecutive_days_worked + 1 {
        return Some(false);
    }
    if back > hist.consecutive_days_worked {
        return None;
    }
    let l = last?;
    let run = hist.consecutive_same_shift.max(1);
    if back <= run {
        Some(l == t)
    } else if back == run + 1 && l == t {
        Some(false)
    } else {
        None
    }
}

/// What a person's line or a slot's cover costs, as the validator counts it.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Price {
    pub hard: usize,
    /// Sum of the hard violations' amounts (minutes counted as hours).
    pub hard_amount: f64,
    pub cost: f64,
}

/// The validator's own rules, one person or one slot at a time, for the local
/// search: counts and sums only (no violation list, no details).
pub(crate) struct Pricer<'a> {
    v: Validator<'a>,
}

impl<'a> Pricer<'a> {
    pub(crate) fn new(p: &'a Problem) -> Pricer<'a> {
        let mut v = Validator::new(p);
        v.quiet = true;
        Pricer { v }
    }

    fn reset(&mut self) {
        self.v.hard_count = 0;
        self.v.hard_amount = 0.0;
        self.v.report.objective = 0.0;
    }

    fn price(&self) -> Price {
        Price { hard: self.v.hard_count, hard_amount: self.v.hard_amount, cost: self.v.report.objective }
    }

    /// Person `i` working `cells` (day → slot), in one pass of the validator:
    /// the tests' reference for the annealer's split prices, and whether a line
    /// breaks a rule for the sweep (`search::Lines::replan`).
    pub(crate) fn person(&mut self, i: usize, cells: &[Option<usize>]) -> Price {
        self.reset();
        self.v.person(i, cells);
        self.price()
    }

    /// The horizon-wide sums of a line.
    pub(crate) fn totals_of(&self, cells: &[Option<usize>]) -> Totals {
        Totals::of(self.v.p, &self.v.lookup.slot_shift, cells)
    }

    /// Add (`add`) or take away `cell` worked on day `d` from `t`.
    pub(crate) fn tally(&self, t: &mut Totals, d: usize, cell: Option<usize>, add: bool) {
        t.tally(self.v.p, &self.v.lookup.slot_shift, d, cell, add);
    }

    /// The rules of person `i` on their horizon-wide sums `t`. With
    /// [`Pricer::days`] over `0..h` it makes [`Pricer::person`].
    pub(crate) fn totals(&mut self, i: usize, t: &Totals) -> Price {
        self.reset();
        self.v.person_totals(i, t);
        self.price()
    }

    /// The rules of person `i` working `cells` anchored on the days `lo..hi`
    /// (see `Validator::person_days`).
    pub(crate) fn days(&mut self, i: usize, cells: &[Option<usize>], lo: usize, hi: usize) -> Price {
        self.reset();
        self.v.person_days(i, cells, lo, hi);
        self.price()
    }

    /// Slot `k` with `n` people assigned.
    pub(crate) fn slot(&mut self, k: usize, n: u32) -> Price {
        self.reset();
        self.v.slot(k, n);
        self.price()
    }
}
