//! One person's best roster line, by dynamic programming over the days.
//!
//! Every rule but cover concerns one person, so with everybody else fixed a
//! person's best line is a shortest path through the days: a label is a
//! partial line up to a day, its state what the rules still need to know
//! (the succession class of the last shift — shift types after which the
//! same types are forbidden share one —, the length of the current run of
//! days worked or off and whether its minimum applies, the minutes and
//! weekends worked), its
//! resources the shifts of each type whose limit can bind, and a label is
//! dropped when another one in the same state costs no more and uses no more
//! of any resource. A bound (the cost of the person's current line) drops
//! every partial line that cannot end below it. The cost of each cell — working shift type
//! `t` on day `d`, or being off — is given by the caller (requests, the
//! reference roster, hourly cost, and what the slot's cover gains or loses).
//!
//! It covers the hard forms of: one shift a day, eligibility and pins (as
//! impossible cells), forbidden successions and rest between consecutive days,
//! max/min consecutive days worked, max/min consecutive days off, max shifts
//! per type, min/max total minutes and max weekends, with the history before
//! day 0 read as the validator reads it. A person with any other rule, or
//! with one of these soft, is not planned here (`Planner::new` says `None`),
//! and the caller uses the MIP instead. Exact unless a state's labels
//! exceed `BUCKET`, when the costliest are dropped (`Line::exact`); a fast
//! plan keeps fewer, and a coarse one also merges states a little apart in
//! minutes worked (`Effort`).

use crate::problem::{Index, Mode, Problem, DAY_MINUTES};
use crate::validate::Pricer;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::time::Instant;

/// Limited shift types a line may track as resources.
const MAX_RES: usize = 10;
/// Most labels kept per state; beyond it the costliest go (the line is then not proved best).
const BUCKET: usize = 48;
/// `Effort::Thorough` keeps this many times `BUCKET` labels a state.
const THOROUGH: usize = 16;
/// Labels per state of a fast plan.
const FAST_STATE: usize = 2;
/// In a coarse plan minutes worked are told apart in the state only to about
/// this many steps of the person's limit (Curtois 13: 72 units of two hours,
/// 9 units a step).
const COARSE_MINUTE_STEPS: u32 = 8;

/// The price of one unit of a hard cover violation (below a hard minimum) in a cell's cover cost.
const HARD_COVER: f64 = 1e4;
/// `last` of a label whose line worked the day before on a shift type the history does not name.
const WORKED_UNKNOWN: u8 = u8::MAX;

/// How hard a plan looks for the best line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Effort {
    /// Up to `BUCKET` labels a state: the best line, proved so (`Line::exact`)
    /// unless a state overflows.
    Exact,
    /// As `Exact`, with `THOROUGH` times as many labels a state: for when an
    /// exact plan overflowed and a proof is wanted.
    Thorough,
    /// `FAST_STATE` labels a state: a good line, fast, not proved best.
    Fast,
    /// Fast, and states that differ only a little in minutes worked merged:
    /// some ten times faster where minutes limits multiply the states
    /// (Curtois 13, 15), and the lines found are weaker.
    Coarse,
}

/// What each cell of a line costs: `work[d][t]` to work shift type `t` on day
/// `d` (`f64::INFINITY`: not possible), `off[d]` to be off (infinite if pinned to work).
#[derive(Clone, Debug)]
pub(crate) struct CellCosts {
    pub work: Vec<Vec<f64>>,
    pub off: Vec<f64>,
}

/// A person's best line: day → shift type (`None` = off), its cost under the
/// cell costs, and whether it is proved best (no state overflowed).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Line {
    pub shifts: Vec<Option<usize>>,
    pub cost: f64,
    pub exact: bool,
}

#[derive(Clone, Copy)]
struct Label {
    cost: f64,
    res: [u16; MAX_RES],
    parent: u32,
    /// 0 = off, `t + 1` = shift type `t`.
    choice: u8,
    /// Minutes worked so far, in units (the state holds them too, in steps in a coarse plan).
    units: u32,
}

/// The rules of one person, read once.
pub(crate) struct Planner {
    h: usize,
    types: usize,
    /// shift type → minutes in units of the greatest common divisor of all lengths.
    units: Vec<u32>,
    min_units: Option<u32>,
    max_units: Option<u32>,
    /// Units of minutes one step of a coarse plan's state (see `COARSE_MINUTE_STEPS`).
    coarse_step: u32,
    /// Shift type → its succession class: types after which the same types
    /// are forbidden share one, and a label's state names the class of its
    /// last shift, not the type (fewer states, the same lines).
    class: Vec<u8>,
    /// Class → how many shift types it holds.
    class_size: Vec<usize>,
    /// `[c][u]`: `u` may not be worked the day after a shift of class `c`.
    forbidden: Vec<Vec<bool>>,
    /// shift type → its resource and limit, if its limit can bind.
    type_res: Vec<Option<(usize, u16)>>,
    /// The weekends left to work, if the limit can bind (counted in the state).
    weekends_left: Option<u16>,
    n_res: usize,
    /// day → weekend number (Saturday and Sunday of one week share it).
    weekend: Vec<Option<i64>>,
    max_work: Option<u32>,
    min_work: Option<u32>,
    max_off: Option<u32>,
    min_off: Option<u32>,
    cap_work: u16,
    cap_off: u16,
    /// The state before day 0: `last` (0 off, else class + 1), run length (0 = unknown past), shift of day −1.
    start_last: u8,
    start_run: u16,
    hist_last: Option<usize>,
    /// The person (index into the problem's staff).
    person: usize,
    /// The cells priced by the person's own terms: requests, the reference roster,
    /// hourly cost (`own_work[d][t]`), and being off (`own_off[d]`; infinite if pinned to work).
    own_work: Vec<Vec<f64>>,
    own_off: Vec<f64>,
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// `Some(limit)` if the family is present and hard; `None` if absent; `Err` if soft.
fn hard<T>(limit: Option<T>, mode: Mode) -> Result<Option<T>, ()> {
    match (limit, mode) {
        (None, _) => Ok(None),
        (Some(v), Mode::Hard) => Ok(Some(v)),
        (Some(_), Mode::Soft(_)) => Err(()),
    }
}

impl Planner {
    /// The planner of person `i`, or `None` if a rule of theirs is beyond it.
    pub(crate) fn new(p: &Problem, ix: &Index, i: usize) -> Option<Planner> {
        let st = p.staff.get(i)?;
        let c = &st.contract;
        let r = &p.rules;
        let h = ix.h;
        let types = p.shift_types.len();
        if types >= usize::from(WORKED_UNKNOWN) {
            return None;
        }
        // families the line does not follow
        let beyond = c.min_minutes_week.is_some()
            || c.max_minutes_week.is_some()
            || c.max_nights.is_some()
            || c.min_shifts_total.is_some()
            || c.max_shifts_total.is_some()
            || c.complete_weekends
            || !c.consecutive_shifts.is_empty();
        if beyond {
            return None;
        }
        let max_work = hard(c.max_consecutive_days, r.max_consecutive_days).ok()?;
        let min_work = hard(c.min_consecutive_days, r.min_consecutive_days).ok()?;
        let max_off = hard(c.max_consecutive_days_off, r.max_consecutive_days_off).ok()?;
        let min_off = hard(c.min_consecutive_days_off, r.min_consecutive_days_off).ok()?;
        let min_minutes = hard(c.min_minutes_total, r.total_minutes).ok()?;
        let max_minutes = hard(c.max_minutes_total, r.total_minutes).ok()?;
        let max_weekends = hard(c.max_weekends, r.max_weekends).ok()?;
        if !c.max_shifts.is_empty() && !r.shifts_per_type.is_hard() {
            return None;
        }
        let successions = p.shift_types.iter().any(|s| !s.forbidden_next.is_empty()) || c.min_rest_minutes.is_some();
        if successions && !r.succession.is_hard() {
            return None;
        }
        // successions: forbidden pairs on consecutive days; rest may not bind two days apart
        let rest = c.min_rest_minutes.map(i64::from);
        let gap = |t: usize, u: usize, k: i64| {
            k * DAY_MINUTES + i64::from(p.shift_types[u].start_minute) - p.shift_types[t].end_minute()
        };
        let mut forbidden = vec![vec![false; types]; types];
        for (t, row) in forbidden.iter_mut().enumerate() {
            for (u, f) in row.iter_mut().enumerate() {
                *f = p.shift_types[t].forbidden_next.contains(&p.shift_types[u].id)
                    || rest.is_some_and(|m| gap(t, u, 1) < m);
                if rest.is_some_and(|m| gap(t, u, 2) < m || gap(t, u, 3) < m) {
                    return None;
                }
            }
        }
        let mut class = Vec::with_capacity(types);
        let mut classes: Vec<Vec<bool>> = Vec::new();
        for row in forbidden {
            let c = classes.iter().position(|r| *r == row).unwrap_or_else(|| {
                classes.push(row);
                classes.len() - 1
            });
            class.push(c as u8);
        }
        let forbidden = classes;
        let class_size = (0..forbidden.len()).map(|c| class.iter().filter(|&&k| usize::from(k) == c).count()).collect();
        let g = p.shift_types.iter().fold(0, |a, s| gcd(a, s.minutes)).max(1);
        let units: Vec<u32> = p.shift_types.iter().map(|s| s.minutes / g).collect();
        // how many shifts the person could work at most: a limit at or above it cannot bind
        let min_len = units.iter().copied().filter(|u| *u > 0).min().unwrap_or(1);
        let most_shifts = max_minutes.map_or(h, |m| (m / g / min_len) as usize).min(h);
        let mut n_res = 0;
        let mut type_res = vec![None; types];
        for (t, s) in p.shift_types.iter().enumerate() {
            let days = ix.eligible[i].iter().filter(|ks| ks.iter().any(|&k| ix.slot_shift[k] == t)).count();
            if let Some(&lim) = c.max_shifts.get(&s.id) {
                if (lim as usize) < days.min(most_shifts) {
                    if n_res == MAX_RES || lim > u32::from(u16::MAX) {
                        return None;
                    }
                    type_res[t] = Some((n_res, lim as u16));
                    n_res += 1;
                }
            }
        }
        let weekend: Vec<Option<i64>> = (0..h).map(|d| p.weekend_of(d as i64)).collect();
        let mut weekends_left = None;
        if let Some(mx) = max_weekends {
            let left = mx.saturating_sub(st.history.weekends_worked);
            let mut ws: Vec<i64> = weekend.iter().flatten().copied().collect();
            ws.dedup();
            if (left as usize) < ws.len() {
                weekends_left = Some(u16::try_from(left).ok().filter(|l| *l < 1 << WEEKEND_BITS)?);
            }
        }
        let cap = |a: Option<u32>, b: Option<u32>| {
            let v = a.map_or(0, |x| x.saturating_add(1)).max(b.unwrap_or(0)).max(1);
            u16::try_from(v).ok()
        };
        let cap_work = cap(max_work, min_work).filter(|c| *c < 1 << RUN_BITS)?;
        let cap_off = cap(max_off, min_off).filter(|c| *c < 1 << RUN_BITS)?;
        let hist = &st.history;
        let hist_last = hist.last_shift.as_ref().and_then(|id| ix.shift_by_id.get(id).copied());
        let (own_work, own_off) = own_costs(p, ix, i);
        let (start_last, start_run) = if hist.consecutive_days_worked > 0 {
            let last = hist_last.map_or(WORKED_UNKNOWN, |t| class[t] + 1);
            (last, hist.consecutive_days_worked.min(u32::from(cap_work)) as u16)
        } else if hist.consecutive_days_off > 0 {
            (0, hist.consecutive_days_off.min(u32::from(cap_off)) as u16)
        } else {
            (0, 0)
        };
        Some(Planner {
            h,
            types,
            units,
            min_units: min_minutes.map(|m| m.div_ceil(g)),
            max_units: max_minutes.map(|m| m / g),
            coarse_step: max_minutes.or(min_minutes).map_or(1, |m| (m / g / COARSE_MINUTE_STEPS).max(1)),
            class,
            class_size,
            forbidden,
            type_res,
            weekends_left,
            n_res,
            weekend,
            max_work,
            min_work,
            max_off,
            min_off,
            cap_work,
            cap_off,
            start_last,
            start_run,
            hist_last,
            person: i,
            own_work,
            own_off,
        })
    }

    /// The cheapest line under `costs` that keeps every rule of the person and
    /// costs less than `bound`, or `None` if no line does. A partial line that
    /// cannot end below `bound` (its cost plus the cheapest cell of every day
    /// left) is dropped early: with the cost of the person's current line as
    /// `bound`, only lines better than it are searched.
    pub(crate) fn plan(&self, costs: &CellCosts, bound: f64) -> Option<Line> {
        self.plan_with(costs, bound, Effort::Exact, None)
    }

    /// [`Planner::plan`] with less `effort` (faster, and no longer proved best
    /// once a state overflows: `Line::exact`), giving up (`None`) at `until`,
    /// if given — the caller tells that from "no line" by the clock.
    pub(crate) fn plan_with(
        &self,
        costs: &CellCosts,
        bound: f64,
        effort: Effort,
        until: Option<Instant>,
    ) -> Option<Line> {
        let (per_state, step) = match effort {
            Effort::Exact => (BUCKET, 1),
            Effort::Thorough => (THOROUGH * BUCKET, 1),
            Effort::Fast => (FAST_STATE, 1),
            Effort::Coarse => (FAST_STATE, self.coarse_step),
        };
        // labels a state keeps, by its `last` (0 off): an exact plan keeps
        // `per_state` for each shift type of the last shift's class
        let proving = matches!(effort, Effort::Exact | Effort::Thorough);
        let most: Vec<usize> = std::iter::once(per_state)
            .chain(self.class_size.iter().map(|&n| if proving { per_state * n } else { per_state }))
            .collect();
        let h = self.h;
        // the least the days from d on can add
        let mut rest_cost = vec![0.0; h + 1];
        for d in (0..h).rev() {
            let least = costs.work[d].iter().copied().fold(costs.off[d], f64::min);
            rest_cost[d] = rest_cost[d + 1] + least;
        }
        let bound = bound - 1e-9;
        let track = self.min_units.is_some() || self.max_units.is_some();
        // the most minutes the days from d on can still add
        let mut rest_units = vec![0u32; h + 1];
        for d in (0..h).rev() {
            let most =
                (0..self.types).filter(|&t| costs.work[d][t].is_finite()).map(|t| self.units[t]).max().unwrap_or(0);
            rest_units[d] = rest_units[d + 1] + most;
        }
        let mut exact = true;
        let mut days: Vec<Vec<Label>> = Vec::with_capacity(h);
        let first =
            State { last: self.start_last, judged: self.start_run > 0, run: self.start_run, weekends: 0, minutes: 0 };
        let mut keys: Vec<u64> = vec![first.key()];
        let mut prev: Vec<Label> = vec![Label { cost: 0.0, res: [0; MAX_RES], parent: u32::MAX, choice: 0, units: 0 }];
        for d in 0..h {
            if until.is_some_and(|u| Instant::now() >= u) {
                return None;
            }
            let mut buckets: HashMap<u64, Vec<u32>, BuildHasherDefault<StateHasher>> = HashMap::default();
            let mut labels: Vec<Label> = Vec::new();
            let mut next_keys: Vec<u64> = Vec::new();
            for (li, lab) in prev.iter().enumerate() {
                let State { last, judged, run, weekends, .. } = State::of(keys[li]);
                let minutes = lab.units;
                let prev_work = last != 0;
                for choice in 0..=self.types {
                    let cell = if choice == 0 { costs.off[d] } else { costs.work[d][choice - 1] };
                    if !cell.is_finite() {
                        continue;
                    }
                    let work = choice > 0;
                    // succession from the day before
                    if work {
                        let before = if d == 0 {
                            self.hist_last.map(|t| usize::from(self.class[t]))
                        } else if last != 0 && last != WORKED_UNKNOWN {
                            Some(usize::from(last) - 1)
                        } else {
                            None
                        };
                        if before.is_some_and(|b| self.forbidden[b][choice - 1]) {
                            continue;
                        }
                    }
                    // runs of days worked and days off
                    let (mx, cap) = if work { (self.max_work, self.cap_work) } else { (self.max_off, self.cap_off) };
                    let (new_run, new_judged) = if run == 0 {
                        (1, false)
                    } else if work == prev_work {
                        (run + 1, judged)
                    } else {
                        let mn = if prev_work { self.min_work } else { self.min_off };
                        if judged && mn.is_some_and(|m| u32::from(run) < m) {
                            continue;
                        }
                        (1, true)
                    };
                    // (a maximum of 0 forbids even a run of one day)
                    if mx.is_some_and(|m| u32::from(new_run) > m) {
                        continue;
                    }
                    let new_run = new_run.min(cap);
                    let mut res = lab.res;
                    let mut m = minutes;
                    let mut w = weekends;
                    if work {
                        let t = choice - 1;
                        if track {
                            m += self.units[t];
                            if self.max_units.is_some_and(|mx| m > mx) {
                                continue;
                            }
                        }
                        if let Some((r, lim)) = self.type_res[t] {
                            if res[r] >= lim {
                                continue;
                            }
                            res[r] += 1;
                        }
                        if let (Some(left), Some(wk)) = (self.weekends_left, self.weekend[d]) {
                            let counted = d > 0 && prev_work && self.weekend[d - 1] == Some(wk);
                            if !counted {
                                if w >= left {
                                    continue;
                                }
                                w += 1;
                            }
                        }
                    }
                    if self.min_units.is_some_and(|mn| m + rest_units[d + 1] < mn) {
                        continue;
                    }
                    let new = Label { cost: lab.cost + cell, res, parent: li as u32, choice: choice as u8, units: m };
                    if new.cost + rest_cost[d + 1] >= bound {
                        continue;
                    }
                    let last_of = if work { self.class[choice - 1] + 1 } else { 0 };
                    let k =
                        State { last: last_of, judged: new_judged, run: new_run, weekends: w, minutes: m / step }.key();
                    let bucket = buckets.entry(k).or_default();
                    if insert(bucket, &mut labels, new, self.n_res) {
                        next_keys.push(k);
                    } else {
                        continue;
                    }
                    if bucket.len() > most[usize::from(last_of)] {
                        // drop the costliest
                        let worst = bucket
                            .iter()
                            .enumerate()
                            .max_by(|a, b| labels[*a.1 as usize].cost.total_cmp(&labels[*b.1 as usize].cost))
                            .map(|(pos, _)| pos);
                        if let Some(pos) = worst {
                            let gone = bucket.swap_remove(pos);
                            labels[gone as usize].cost = f64::INFINITY;
                        }
                        exact = false;
                    }
                }
            }
            days.push(prev);
            // keep the live labels only, with their keys
            let mut live = Vec::with_capacity(labels.len());
            let mut live_keys = Vec::with_capacity(labels.len());
            for (lab, k) in labels.into_iter().zip(next_keys) {
                if lab.cost.is_finite() {
                    live.push(lab);
                    live_keys.push(k);
                }
            }
            prev = live;
            keys = live_keys;
        }
        // the end: minutes at least the minimum (runs at the end are exempt)
        let best = prev
            .iter()
            .enumerate()
            .filter(|(_, lab)| self.min_units.is_none_or(|mn| lab.units >= mn))
            .min_by(|a, b| a.1.cost.total_cmp(&b.1.cost))
            .map(|(li, _)| li)?;
        let cost = prev[best].cost;
        let mut shifts = vec![None; h];
        let mut at = best;
        let mut lab = prev[at];
        for d in (0..h).rev() {
            shifts[d] = (lab.choice > 0).then(|| usize::from(lab.choice) - 1);
            at = lab.parent as usize;
            if d > 0 {
                lab = days[d][at];
            }
        }
        Some(Line { shifts, cost, exact })
    }
}

/// A label's state, packed: last shift's succession class (8 bits; 0 off), whether the current run's
/// minimum applies (1), its length (12), weekends worked (11), minutes in units (32).
#[derive(Clone, Copy)]
struct State {
    last: u8,
    judged: bool,
    run: u16,
    weekends: u16,
    minutes: u32,
}

/// Hashes a packed `State` key with one multiply (the default hasher is
/// built against adversaries, and the planner spends much of its time in it).
#[derive(Default)]
struct StateHasher(u64);

impl Hasher for StateHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, x: u64) {
        let h = (self.0 ^ x).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        // the product's high bits depend on every bit of the key; fold them down
        self.0 = h ^ (h >> 29);
    }
}

/// Longest run and most weekends a `State` holds.
const RUN_BITS: u32 = 12;
const WEEKEND_BITS: u32 = 11;

impl State {
    fn key(self) -> u64 {
        (u64::from(self.last) << 56)
            | (u64::from(self.judged) << 55)
            | (u64::from(self.run) << 43)
            | (u64::from(self.weekends) << 32)
            | u64::from(self.minutes)
    }
    fn of(k: u64) -> State {
        State {
            last: (k >> 56) as u8,
            judged: (k >> 55) & 1 == 1,
            run: ((k >> 43) & ((1 << RUN_BITS) - 1)) as u16,
            weekends: ((k >> 32) & ((1 << WEEKEND_BITS) - 1)) as u16,
            minutes: k as u32,
        }
    }
}

/// Put `new` into a state's labels unless one of them dominates it; drop those it
/// dominates (their cost set to infinity). Returns whether it went in.
fn insert(bucket: &mut Vec<u32>, labels: &mut Vec<Label>, new: Label, n_res: usize) -> bool {
    let le = |a: &Label, b: &Label| a.res[..n_res].iter().zip(&b.res[..n_res]).all(|(x, y)| x <= y);
    for &j in bucket.iter() {
        let old = &labels[j as usize];
        if old.cost <= new.cost && le(old, &new) {
            return false;
        }
    }
    bucket.retain(|&j| {
        let old = &labels[j as usize];
        let dominated = new.cost <= old.cost && le(&new, old);
        if dominated {
            labels[j as usize].cost = f64::INFINITY;
        }
        !dominated
    });
    bucket.push(labels.len() as u32);
    labels.push(new);
    true
}

/// The cells of person `i`'s line priced by their own terms: requests, the
/// reference roster, hourly cost (`[d][t]`), and being off (`[d]`; infinite if
/// pinned to work). Read once, in `Planner::new`.
fn own_costs(p: &Problem, ix: &Index, i: usize) -> (Vec<Vec<f64>>, Vec<f64>) {
    let h = ix.h;
    let types = p.shift_types.len();
    let st = &p.staff[i];
    let mut off = vec![0.0; h];
    let mut own = vec![vec![0.0; types]; h];
    for (t, s) in p.shift_types.iter().enumerate() {
        let hourly = p.rules.cost_weight * st.hourly_cost * f64::from(s.minutes) / 60.0;
        if hourly > 0.0 {
            own.iter_mut().for_each(|row| row[t] += hourly);
        }
    }
    let shift = |id: &Option<String>| id.as_ref().and_then(|s| ix.shift_by_id.get(s).copied());
    // a wish costs its weight on every cell of its day that does not meet it
    let mut charge = |d: usize, met: &dyn Fn(Option<usize>) -> bool, w: f64| {
        if d >= h {
            return;
        }
        if !met(None) {
            off[d] += w;
        }
        for (t, c) in own[d].iter_mut().enumerate() {
            if !met(Some(t)) {
                *c += w;
            }
        }
    };
    for r in p.requests.iter().filter(|r| r.staff == st.id) {
        let want = shift(&r.shift);
        let named = r.shift.is_some();
        let met = move |got: Option<usize>| match (r.work, named) {
            (true, true) => got.is_some() && got == want,
            (true, false) => got.is_some(),
            (false, true) => got.is_none() || got != want,
            (false, false) => got.is_none(),
        };
        charge(r.day as usize, &met, r.weight);
    }
    for e in p.reference.iter().filter(|e| e.staff == st.id) {
        let was = shift(&e.shift);
        charge(e.day as usize, &move |got| got == was, p.rules.change_weight);
    }
    for (d, o) in off.iter_mut().enumerate() {
        if matches!(ix.pin[i][d], Some(Some(_))) {
            *o = f64::INFINITY;
        }
    }
    (own, off)
}

impl Planner {
    /// The cells of the person's line priced by their own terms plus `cover(k)`
    /// for taking slot `k`; a cell with no slot the person may take is
    /// impossible. Returns the costs and, per day and shift type, the slot that
    /// gives that cell its cost; and what the person's line `now` (day → slot)
    /// costs under the same terms.
    pub(crate) fn cell_costs(
        &self,
        ix: &Index,
        now: &[Option<usize>],
        cover: &mut dyn FnMut(usize) -> f64,
    ) -> (CellCosts, Vec<Vec<Option<usize>>>, f64) {
        let (h, types, i) = (self.h, self.types, self.person);
        let mut work = vec![vec![f64::INFINITY; types]; h];
        let mut slot = vec![vec![None; types]; h];
        for d in 0..h {
            for &k in &ix.eligible[i][d] {
                let t = ix.slot_shift[k];
                let c = self.own_work[d][t] + cover(k);
                if c < work[d][t] {
                    work[d][t] = c;
                    slot[d][t] = Some(k);
                }
            }
        }
        let now_cost = self.own_cost(ix, now) + now.iter().take(h).flatten().map(|&k| cover(k)).sum::<f64>();
        (CellCosts { work, off: self.own_off.clone() }, slot, now_cost)
    }
}

/// Slot `k`'s cover cost with `n` people, as the validator prices it, a hard
/// violation at `HARD_COVER` a unit: what a cell's cover term (the sweep) and
/// the master's cover curve (`colgen`) are made of.
pub(crate) fn cover_cost(pricer: &mut Pricer<'_>, k: usize, n: u32) -> f64 {
    let pr = pricer.slot(k, n);
    pr.cost + HARD_COVER * pr.hard_amount
}

impl Planner {
    /// Whether every cell's own cost is a whole number (or impossible).
    pub(crate) fn own_costs_whole(&self) -> bool {
        let whole = |x: &f64| !x.is_finite() || x.fract() == 0.0;
        self.own_work.iter().flatten().all(whole) && self.own_off.iter().all(whole)
    }

    /// What the person's line `cells` (day → slot) costs by their own terms
    /// (requests, the reference roster, hourly cost), cover left out.
    pub(crate) fn own_cost(&self, ix: &Index, cells: &[Option<usize>]) -> f64 {
        (0..self.h)
            .map(|d| match cells.get(d).copied().flatten() {
                Some(k) => self.own_work[d][ix.slot_shift[k]],
                None => self.own_off[d],
            })
            .sum()
    }
}

impl Line {
    /// The line as slots (day → slot), each cell's shift type on the slot
    /// `Planner::cell_costs` priced it by.
    pub(crate) fn cells(&self, slot: &[Vec<Option<usize>>]) -> Vec<Option<usize>> {
        self.shifts.iter().enumerate().map(|(d, t)| t.and_then(|t| slot[d][t])).collect()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::problem::{Contract, History, Pin, Request, RosterEntry, Rules, ShiftType, Slot, Staff};
    use crate::validate::Pricer;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// A small random problem with only the rules the planner follows, all hard:
    /// one slot per day and shift type, so a line is a list of shift types.
    pub(crate) fn small(seed: u64) -> Problem {
        let mut r = ChaCha8Rng::seed_from_u64(seed);
        let days = r.random_range(1..=7u32);
        let n_shift = r.random_range(1..=3usize);
        let shift_types: Vec<ShiftType> = (0..n_shift)
            .map(|k| ShiftType {
                id: format!("S{k}"),
                minutes: [480, 600, 720][r.random_range(0..3)],
                start_minute: [360, 840, 1320][k],
                night: k == 2,
                forbidden_next: if k > 0 && r.random_bool(0.5) { vec!["S0".into()] } else { vec![] },
            })
            .collect();
        let slots = (0..days)
            .flat_map(|d| {
                shift_types.iter().map(move |s| Slot {
                    day: d,
                    shift: s.id.clone(),
                    ward: "A".into(),
                    skill: None,
                    min: 0,
                    target: 1,
                    max: None,
                    under_weight: 1.0,
                    over_weight: 1.0,
                })
            })
            .collect();
        let mut staff = vec![];
        let n_staff = r.random_range(1..=3usize);
        for i in 0..n_staff {
            let mut c = Contract::default();
            let maybe = |r: &mut ChaCha8Rng, lo: u32, hi: u32| r.random_bool(0.5).then(|| r.random_range(lo..=hi));
            c.max_consecutive_days = maybe(&mut r, 0, 4);
            c.min_consecutive_days = maybe(&mut r, 2, 3).filter(|m| *m <= c.max_consecutive_days.unwrap_or(9));
            c.min_consecutive_days_off = maybe(&mut r, 1, 3);
            c.max_consecutive_days_off = maybe(&mut r, 1, 4).map(|m| m.max(c.min_consecutive_days_off.unwrap_or(0)));
            c.max_minutes_total = maybe(&mut r, 1, 5).map(|k| k * 600);
            c.min_minutes_total = maybe(&mut r, 0, 2).map(|k| (k * 480).min(c.max_minutes_total.unwrap_or(u32::MAX)));
            c.max_weekends = maybe(&mut r, 0, 2);
            c.min_rest_minutes = r.random_bool(0.3).then_some(660);
            for s in &shift_types {
                if r.random_bool(0.4) {
                    c.max_shifts.insert(s.id.clone(), r.random_range(0..=3));
                }
            }
            let worked = if r.random_bool(0.5) { r.random_range(1..=4u32) } else { 0 };
            let weekends = c.max_weekends.unwrap_or(9);
            staff.push(Staff {
                id: format!("P{i}"),
                skills: vec![],
                wards: vec![],
                contract: c,
                unavailable: (0..days).filter(|_| r.random_bool(0.1)).collect(),
                history: History {
                    last_shift: (worked > 0 && r.random_bool(0.8)).then(|| format!("S{}", r.random_range(0..n_shift))),
                    consecutive_days_worked: worked,
                    consecutive_days_off: if worked == 0 { r.random_range(0..=3) } else { 0 },
                    // never above the limit already: that would break it on every line
                    weekends_worked: r.random_range(0..=1).min(weekends),
                    ..History::default()
                },
                hourly_cost: f64::from(r.random_range(0..=2u32)),
            });
        }
        let person = |r: &mut ChaCha8Rng| format!("P{}", r.random_range(0..n_staff));
        let requests = (0..r.random_range(0..8))
            .map(|_| Request {
                staff: person(&mut r),
                day: r.random_range(0..days),
                shift: r.random_bool(0.5).then(|| format!("S{}", r.random_range(0..n_shift))),
                work: r.random_bool(0.5),
                weight: f64::from(r.random_range(1..=5u32)),
            })
            .collect();
        let reference = (0..r.random_range(0..4))
            .map(|_| RosterEntry {
                staff: person(&mut r),
                day: r.random_range(0..days),
                shift: r.random_bool(0.5).then(|| "S0".to_string()),
            })
            .collect();
        let pins = (0..r.random_range(0..2))
            .map(|_| Pin {
                staff: person(&mut r),
                day: r.random_range(0..days),
                shift: r.random_bool(0.5).then(|| format!("S{}", r.random_range(0..n_shift))),
            })
            .collect();
        Problem {
            name: format!("line{seed}"),
            horizon_days: days,
            first_weekday: r.random_range(0..7),
            shift_types,
            slots,
            staff,
            requests,
            pins,
            reference,
            rules: Rules { change_weight: 2.0, cost_weight: 0.5, ..Rules::default() },
        }
    }

    /// The planner's best line against every line there is, priced by the validator.
    #[test]
    fn the_planned_line_is_the_cheapest_line_the_validator_accepts() {
        let mut planned = 0;
        let mut fast_lines = 0;
        for seed in 0..1500 {
            let p = small(seed);
            assert_eq!(p.check(), Ok(()), "seed {seed}");
            let ix = Index::new(&p);
            let mut pricer = Pricer::new(&p);
            let mut r = ChaCha8Rng::seed_from_u64(seed + 1_000);
            let cover: Vec<f64> = p.slots.iter().map(|_| f64::from(r.random_range(-6..=4i32))).collect();
            let types = p.shift_types.len();
            let h = ix.h;
            for i in 0..p.staff.len() {
                let planner = Planner::new(&p, &ix, i).expect("only rules the planner follows");
                let (costs, slot, _) = planner.cell_costs(&ix, &[], &mut |k| cover[k]);
                let line = planner.plan(&costs, f64::INFINITY);
                // every line, as slot indices
                let mut best: Option<f64> = None;
                for code in 0..(types + 1).pow(h as u32) {
                    let mut x = code;
                    let cells: Vec<Option<usize>> = (0..h)
                        .map(|d| {
                            let c = x % (types + 1);
                            x /= types + 1;
                            (c > 0).then(|| d * types + c - 1)
                        })
                        .collect();
                    let price = pricer.person(i, &cells);
                    let eligible =
                        cells.iter().enumerate().all(|(d, c)| c.is_none_or(|k| ix.eligible[i][d].contains(&k)));
                    if price.hard > 0 || !eligible {
                        continue;
                    }
                    let total = price.cost + cells.iter().flatten().map(|&k| cover[k]).sum::<f64>();
                    best = Some(best.map_or(total, |b: f64| b.min(total)));
                }
                match (&line, best) {
                    (None, None) => {}
                    (Some(l), Some(b)) => {
                        planned += 1;
                        assert!(l.exact);
                        assert!((l.cost - b).abs() < 1e-9, "seed {seed} person {i}: planned {} best {b}", l.cost);
                        // a bound: only lines below it
                        assert_eq!(planner.plan(&costs, b + 0.5).map(|l| l.cost), Some(l.cost));
                        assert_eq!(planner.plan(&costs, b), None);
                        // the line's own cost, as the caller's current line
                        let cells = l.cells(&slot);
                        let (_, _, now_cost) = planner.cell_costs(&ix, &cells, &mut |k| cover[k]);
                        assert!((now_cost - b).abs() < 1e-9);
                        let price = pricer.person(i, &cells);
                        assert_eq!(price.hard, 0, "seed {seed} person {i}");
                        let total = price.cost + cells.iter().flatten().map(|&k| cover[k]).sum::<f64>();
                        assert!((total - l.cost).abs() < 1e-9, "seed {seed} person {i}");
                        // a fast or coarse plan: a line that keeps every rule, priced
                        // as the validator prices it, and no cheaper than the best
                        for effort in [Effort::Fast, Effort::Coarse] {
                            let Some(f) = planner.plan_with(&costs, f64::INFINITY, effort, None) else { continue };
                            let cells = f.cells(&slot);
                            let price = pricer.person(i, &cells);
                            assert_eq!(price.hard, 0, "seed {seed} person {i} {effort:?}");
                            let total = price.cost + cells.iter().flatten().map(|&k| cover[k]).sum::<f64>();
                            assert!((total - f.cost).abs() < 1e-9, "seed {seed} person {i} {effort:?}");
                            assert!(f.cost >= b - 1e-9, "seed {seed} person {i} {effort:?}");
                            fast_lines += 1;
                        }
                    }
                    (l, b) => {
                        if let Some(l) = l {
                            let mut table = vec![vec![None; h]; p.staff.len()];
                            table[i] = l.cells(&slot);
                            let rep = crate::validate::validate_table(&p, &table);
                            eprintln!("{:?}", rep.hard);
                        }
                        panic!(
                            "seed {seed} person {i}: planned {l:?}, best {b:?}\n{:?}\nfirst weekday {}",
                            p.staff[i], p.first_weekday
                        )
                    }
                }
            }
        }
        assert!(planned > 1000, "only {planned} people had a line");
        assert!(fast_lines > 1000, "only {fast_lines} fast or coarse lines");
    }

    #[test]
    fn a_soft_rule_or_one_beyond_the_line_leaves_the_person_to_the_mip() {
        let mut p = small(3);
        p.staff[0].contract.max_consecutive_days = Some(3);
        let ix = Index::new(&p);
        assert!(Planner::new(&p, &ix, 0).is_some());
        p.rules.max_consecutive_days = Mode::Soft(5.0);
        assert!(Planner::new(&p, &ix, 0).is_none());
        p.rules.max_consecutive_days = Mode::Hard;
        p.staff[0].contract.max_minutes_week = Some(2400);
        assert!(Planner::new(&p, &ix, 0).is_none());
    }
}
