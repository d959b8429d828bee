//! Independent validator: recomputes every hard violation and every soft cost
//! from the assignments alone, working on the roster table staff → day → shift
//! and on blocks of worked days / days off. It shares no code with `model/`.

use crate::problem::{skill_ok, ward_ok, Family, Index, Mode, Problem, DAY_MINUTES};
use crate::solution::{SlotSummary, Solution, StaffSummary};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

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
struct Lookup {
    /// slot → shift type index.
    slot_shift: Vec<Option<usize>>,
    /// staff → indices into `requests`, `reference` and `pins`.
    requests: Vec<Vec<usize>>,
    reference: Vec<Vec<usize>>,
    pins: Vec<Vec<usize>>,
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
        Lookup {
            slot_shift: p.slots.iter().map(|s| p.shift_types.iter().position(|t| t.id == s.shift)).collect(),
            requests: group(&mut p.requests.iter().map(|r| r.staff.as_str())),
            reference: group(&mut p.reference.iter().map(|r| r.staff.as_str())),
            pins: group(&mut p.pins.iter().map(|r| r.staff.as_str())),
        }
    }
}

struct Validator<'a> {
    p: &'a Problem,
    lookup: Lookup,
    report: ValidationReport,
    /// Only count and sum: no violation list, no details, no summaries (the search's mode).
    quiet: bool,
    hard_count: usize,
    /// Sum of the amounts of the hard violations.
    hard_amount: f64,
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
        // in hours, not minutes, so that every family's unit is about one shift or day
        let unit = if matches!(family, Family::TotalMinutes | Family::WeeklyMinutes) { 1.0 / 60.0 } else { 1.0 };
        self.hard_amount += amount * unit;
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
        let st = &p.staff[i];
        let c = &st.contract;
        let rules = &p.rules;
        let shift_idx = |id: &str| p.shift_types.iter().position(|s| s.id == id);
        // day -> shift type index
        let row: Vec<Option<usize>> =
            cells.iter().map(|c| c.and_then(|k| self.lookup.slot_shift.get(k).copied().flatten())).collect();
        let row = &row;
        let mut summary =
            StaffSummary { staff: if self.quiet { String::new() } else { st.id.clone() }, ..StaffSummary::default() };
        self.person_cost = 0.0;
        // Requests.
        for q in 0..self.lookup.requests[i].len() {
            let r = &p.requests[self.lookup.requests[i][q]];
            if r.day as usize >= h {
                continue;
            }
            let worked = row[r.day as usize];
            let want = r.shift.as_deref().and_then(shift_idx);
            let met = match (r.work, r.shift.is_some()) {
                (true, true) => worked.is_some() && worked == want,
                (true, false) => worked.is_some(),
                (false, true) => worked.is_none() || worked != want,
                (false, false) => worked.is_none(),
            };
            summary.requests_total += 1;
            if met {
                summary.requests_met += 1;
            } else {
                let detail =
                    || format!("request {} {:?} on day {} not met", if r.work { "on" } else { "off" }, r.shift, r.day);
                self.cost(Family::Requests, r.weight, Some(i), Some(r.day), 1.0, detail);
            }
        }
        // Eligibility, unavailability, pins.
        for (d, cell) in cells.iter().enumerate() {
            let day = Some(d as u32);
            if let Some(k) = *cell {
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
            }
        }
        for q in 0..self.lookup.pins[i].len() {
            let pin = &p.pins[self.lookup.pins[i][q]];
            if pin.day as usize >= h {
                continue;
            }
            let got = row[pin.day as usize];
            let want = pin.shift.as_deref().and_then(shift_idx);
            if got != want {
                self.hard(Family::Pins, Some(i), Some(pin.day), 1.0, || format!("pinned to {:?}", pin.shift));
            }
        }
        // Workload.
        let mut minutes = 0u64;
        let mut per_type = vec![0u32; p.shift_types.len()];
        let mut nights = 0u32;
        for t in row.iter().flatten() {
            let s = &p.shift_types[*t];
            minutes += u64::from(s.minutes);
            per_type[*t] += 1;
            nights += u32::from(s.night);
            summary.shifts += 1;
            let hourly = rules.cost_weight * st.hourly_cost * f64::from(s.minutes) / 60.0;
            if hourly > 0.0 {
                self.cost(Family::Cost, 1.0, Some(i), None, hourly, || format!("cost of shift {}", s.id));
            }
        }
        summary.minutes = minutes;
        summary.nights = nights;
        for (t, n) in per_type.iter().enumerate() {
            let id = &p.shift_types[t].id;
            if let Some(&lim) = c.max_shifts.get(id) {
                let ex = n.saturating_sub(lim);
                self.rule(Family::ShiftsPerType, rules.shifts_per_type, i, None, f64::from(ex), || {
                    format!("{n} shifts {id} > {lim}")
                });
            }
        }
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
        for wk in 0..h.div_ceil(7) {
            let days = (7 * wk)..(7 * wk + 7).min(h);
            let full = days.len() == 7;
            let m: u64 = days.clone().filter_map(|d| row[d]).map(|t| u64::from(p.shift_types[t].minutes)).sum();
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
        if let Some(mx) = c.max_nights {
            let total = nights + st.history.nights_worked;
            let ex = total.saturating_sub(mx);
            self.rule(Family::Nights, rules.max_nights, i, None, f64::from(ex), || format!("{total} nights > {mx}"));
        }
        // Total shifts, history included.
        let total = st.history.shifts_worked.saturating_add(row.iter().flatten().count() as u32);
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
        // Complete weekends: Saturday and its Sunday both inside the horizon.
        if c.complete_weekends {
            for d in 0..h.saturating_sub(1) {
                if p.weekday(d as i64) == 5 && row[d].is_some() != row[d + 1].is_some() {
                    self.rule(Family::CompleteWeekends, rules.complete_weekends, i, Some(d as u32), 1.0, || {
                        format!("only one day of the weekend starting on day {d} worked")
                    });
                }
            }
        }
        // Runs of the same shift type, the run of the last history shift continuing into day 0.
        for (id, lim) in &c.consecutive_shifts {
            let Some(t) = shift_idx(id) else { continue };
            let pre = (st.history.consecutive_days_worked.max(st.history.consecutive_days_off) + 2) as i64;
            let last = st.history.last_shift.as_deref().and_then(shift_idx);
            let line: Vec<Option<bool>> = (-pre..0)
                .map(|j| past_shift(&st.history, last, t, (-j) as u32))
                .chain(row.iter().map(|x| Some(*x == Some(t))))
                .collect();
            for run in runs_of_true(&line, pre) {
                let len = run.last - run.first + 1;
                let before = (run.last.min(-1) - run.first + 1).max(0);
                if let Some(mx) = lim.max.map(i64::from) {
                    let ex = (len - mx).max(0) - (before - mx).max(0);
                    self.rule(
                        Family::ConsecutiveShiftType,
                        rules.consecutive_shift_type,
                        i,
                        Some(run.first.max(0) as u32),
                        ex as f64,
                        || format!("{len} {id} shifts in a row > {mx}"),
                    );
                }
                if let Some(mn) = lim.min.map(i64::from) {
                    if run.left_known && run.last >= -1 && run.last < h as i64 - 1 && len < mn {
                        self.rule(
                            Family::ConsecutiveShiftType,
                            rules.consecutive_shift_type,
                            i,
                            Some(run.first.max(0) as u32),
                            (mn - len) as f64,
                            || format!("only {len} {id} shifts in a row < {mn}"),
                        );
                    }
                }
            }
        }
        // Weekends.
        let mut weekends = BTreeSet::new();
        for (d, t) in row.iter().enumerate() {
            if t.is_some() {
                if let Some(w) = p.weekend_of(d as i64) {
                    weekends.insert(w);
                }
            }
        }
        let nw = weekends.len() as u32;
        summary.weekends = nw;
        if let Some(mx) = c.max_weekends {
            let total = nw + st.history.weekends_worked;
            let ex = total.saturating_sub(mx);
            self.rule(Family::Weekends, rules.max_weekends, i, None, f64::from(ex), || {
                format!("{total} weekends > {mx}")
            });
        }
        // Blocks of worked days / days off on the timeline extended by history. A block
        // is judged by the minimum rules when the day after it is inside the horizon.
        // known[j] for j in -pre..h: Some(worked) or None (unknown past).
        let hist = &st.history;
        let pre = (hist.consecutive_days_worked.max(hist.consecutive_days_off) + 1) as usize;
        let mut line: Vec<Option<bool>> = Vec::with_capacity(pre + h);
        for j in 0..pre {
            let back = pre - j; // day = -back
            let v = if hist.consecutive_days_worked > 0 {
                if back <= hist.consecutive_days_worked as usize {
                    Some(true)
                } else {
                    Some(false)
                }
            } else if hist.consecutive_days_off > 0 && back <= hist.consecutive_days_off as usize {
                Some(false)
            } else if hist.consecutive_days_off > 0 && back == hist.consecutive_days_off as usize + 1 {
                Some(true)
            } else {
                None
            };
            line.push(v);
        }
        line.extend(row.iter().map(|t| Some(t.is_some())));
        let off = pre as i64; // line index of day 0
        let mut a = 0usize;
        while a < line.len() {
            let kind = line[a];
            let mut b = a;
            while b + 1 < line.len() && line[b + 1] == kind {
                b += 1;
            }
            let (da, db) = (a as i64 - off, b as i64 - off);
            let len = (b - a + 1) as i64;
            let left_known = a > 0 && line[a - 1].is_some();
            let right_inside = db < h as i64 - 1;
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
            a = b + 1;
        }
        // Rest and forbidden successions: pairs (d, t) -> (d + k, u), including day -1.
        let last = hist.last_shift.as_deref().and_then(shift_idx);
        let at = |d: i64| -> Option<usize> {
            if d == -1 {
                last
            } else if d >= 0 && (d as usize) < h {
                row[d as usize]
            } else {
                None
            }
        };
        let rest = c.min_rest_minutes.map(i64::from);
        for d in -1..(h as i64) {
            let Some(t) = at(d) else { continue };
            let st_t = &p.shift_types[t];
            for k in 1..=3i64 {
                let Some(u) = at(d + k) else { continue };
                let st_u = &p.shift_types[u];
                let forbidden = k == 1 && st_t.forbidden_next.contains(&st_u.id);
                let gap = k * DAY_MINUTES + i64::from(st_u.start_minute) - st_t.end_minute();
                let short = rest.is_some_and(|r| gap < r);
                if forbidden || short {
                    let day = Some((d + k) as u32);
                    self.rule(Family::Succession, rules.succession, i, day, 1.0, || {
                        format!("{} on day {d} then {} on day {}", st_t.id, st_u.id, d + k)
                    });
                }
            }
        }
        // Stability.
        for q in 0..self.lookup.reference[i].len() {
            let r = &p.reference[self.lookup.reference[i][q]];
            if r.day as usize >= h {
                continue;
            }
            let want = r.shift.as_deref().and_then(shift_idx);
            if row[r.day as usize] != want {
                self.cost(Family::Stability, p.rules.change_weight, Some(i), Some(r.day), 1.0, || {
                    format!("changed from {:?}", r.shift)
                });
            }
        }
        summary.cost = self.person_cost;
        summary
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

/// A maximal run of `Some(true)` on a line whose index `day0` is day 0.
struct Run {
    first: i64,
    last: i64,
    /// The day before the run is known (not `None`).
    left_known: bool,
}

fn runs_of_true(line: &[Option<bool>], day0: i64) -> Vec<Run> {
    let mut out = Vec::new();
    let mut k = 0usize;
    while k < line.len() {
        if line[k] != Some(true) {
            k += 1;
            continue;
        }
        let start = k;
        while k < line.len() && line[k] == Some(true) {
            k += 1;
        }
        out.push(Run {
            first: start as i64 - day0,
            last: k as i64 - 1 - day0,
            left_known: start > 0 && line[start - 1].is_some(),
        });
    }
    out
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

    /// Person `i` working `cells` (day → slot).
    pub(crate) fn person(&mut self, i: usize, cells: &[Option<usize>]) -> Price {
        self.reset();
        self.v.person(i, cells);
        self.price()
    }

    /// Slot `k` with `n` people assigned.
    pub(crate) fn slot(&mut self, k: usize, n: u32) -> Price {
        self.reset();
        self.v.slot(k, n);
        self.price()
    }
}
