//! Simulated annealing on the roster table, priced by the validator's own
//! rules one person and one slot at a time (`validate::Pricer`).
//!
//! Where a MIP neighbourhood costs a model build and a HiGHS run, a move here
//! re-prices one or two people's lines and at most two slots, so the search
//! tries hundreds of thousands of moves a second. It works on rosters that
//! break hard rules too (each broken rule and each unit of its amount carry a
//! penalty that grows during the run), which makes it a constructor as well
//! as an improver. The caller still ranks what it returns with the full
//! validator, hard rules first.
//!
//! Moves: give one person another shift (or a day off) on one day, or on a
//! block of two or three days; move one person's shift to another day, often a
//! nearby one (the edge of a run moves); rotate one person's window of days (a
//! break moves past a run, so that short runs can merge); swap two people's
//! days; swap two people's rosters over a window of days; give a slot short of
//! its target to someone who may work it, often in exchange for one of their
//! shifts on an over-covered slot nearby. Pinned cells never
//! move and only eligible slots are ever assigned.

use crate::model::Table;
use crate::problem::{Index, Problem, Slot};
use crate::validate::{Price, Pricer, Totals};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::time::Instant;

/// Penalty of each broken hard rule, and of each unit of its amount (a shift's
/// worth of minutes short, a day too many), so that the search is pulled
/// towards feasibility.
const HARD_EACH: f64 = 1_000.0;
const HARD_UNIT: f64 = 1_000.0;
/// How much heavier the hard penalties are at the end of a run than at its
/// start: early on the search may cross rosters that break a rule, at the end
/// it may not.
const HARD_RAMP: f64 = 20.0;
/// Weight of the hard penalties at the start of a relaxed run (a construction).
const RELAXED: f64 = 0.1;
/// Longest window of the window-swap move, in days.
const MAX_WINDOW: usize = 7;
/// Farthest day a nearby day swap reaches.
const NEAR: usize = 3;
/// Kinds of move `draw` chooses among (see there; 12 and 13 fill a short slot).
const KINDS: usize = 14;
/// The days a shift traded for a short slot may lie from it, and how many
/// days are tried.
const TRADE_REACH: usize = 14;
const TRADE_TRIES: usize = 6;

fn penalty(p: Price) -> f64 {
    p.hard as f64 * HARD_EACH + p.hard_amount * HARD_UNIT
}

/// `q += sign × r`, part by part.
fn add(q: &mut Price, r: Price, sign: i8) {
    if sign >= 0 {
        q.hard += r.hard;
    } else {
        q.hard = q.hard.saturating_sub(r.hard);
    }
    q.hard_amount += f64::from(sign) * r.hard_amount;
    q.cost += f64::from(sign) * r.cost;
}

pub(crate) struct Anneal<'a> {
    ix: &'a Index,
    pricer: Pricer<'a>,
    table: Table,
    /// slot → people assigned.
    count: Vec<u32>,
    /// person → price of their line.
    person: Vec<Price>,
    /// person → the horizon-wide sums of their line, and the price of the rules on them.
    totals: Vec<Totals>,
    global: Vec<Price>,
    /// slot → price of its cover.
    slot: Vec<Price>,
    /// Weight of the hard penalties.
    hw: f64,
    /// Current energy: soft cost + hw × penalties.
    energy: f64,
    /// person → day → may change (not pinned).
    movable: Vec<Vec<bool>>,
    /// People with at least one movable day that has an eligible slot.
    active: Vec<usize>,
    /// slot → its class (shift, ward, skill); class → day → the class's slot that day.
    class_of: Vec<usize>,
    twin: Vec<Vec<Option<usize>>>,
    /// The days of each weekend inside the horizon.
    weekends: Vec<Vec<usize>>,
    /// slot → its day, the count it wants (its target, at least its minimum),
    /// and the people who may work it.
    slot_day: Vec<usize>,
    want: Vec<u32>,
    takers: Vec<Vec<usize>>,
    pending: Pending,
}

/// What a run found.
pub(crate) struct Outcome {
    pub best: Table,
    pub moves: u64,
}

/// A whole table priced from scratch.
struct Priced {
    /// slot → people assigned.
    count: Vec<u32>,
    person: Vec<Price>,
    totals: Vec<Totals>,
    global: Vec<Price>,
    slot: Vec<Price>,
}

impl Priced {
    fn of(pricer: &mut Pricer<'_>, table: &Table, slots: usize) -> Priced {
        let count = crate::model::slot_counts(table, slots);
        let totals: Vec<Totals> = table.iter().map(|row| pricer.totals_of(row)).collect();
        let global: Vec<Price> = totals.iter().enumerate().map(|(i, t)| pricer.totals(i, t)).collect();
        // a line's price: its rules on days plus those on its sums (as `Pricer::person`)
        let person = table
            .iter()
            .enumerate()
            .map(|(i, row)| {
                let mut q = pricer.days(i, row, 0, row.len());
                add(&mut q, global[i], 1);
                q
            })
            .collect();
        let slot = count.iter().enumerate().map(|(k, c)| pricer.slot(k, *c)).collect();
        Priced { count, person, totals, global, slot }
    }
}

/// Cell changes (person, day, new cell).
type Changes = Vec<(usize, usize, Option<usize>)>;

/// The move being priced: the table already holds it.
#[derive(Default)]
struct Pending {
    delta: f64,
    /// Cells changed, with their old values.
    undo: Changes,
    /// People re-priced, with their new prices (and at the same position in
    /// `totals` and `global`, their new sums and the price of those).
    people: Vec<(usize, Price)>,
    totals: Vec<Totals>,
    global: Vec<Price>,
    /// Scratch: one person's changed days (day, old cell, new cell), and the
    /// windows of anchor days to re-price around them.
    days: Vec<(usize, Option<usize>, Option<usize>)>,
    windows: Vec<(usize, usize)>,
    /// Slots whose count changes: (slot, change, new price).
    slots: Vec<(usize, i32, Price)>,
}

impl<'a> Anneal<'a> {
    pub(crate) fn new(p: &'a Problem, ix: &'a Index, start: &Table) -> Anneal<'a> {
        let mut pricer = Pricer::new(p);
        let n = p.staff.len();
        let h = ix.h;
        let Priced { count, person, totals, global, slot } = Priced::of(&mut pricer, start, p.slots.len());
        let movable: Vec<Vec<bool>> = (0..n).map(|i| (0..h).map(|d| ix.pin[i][d].is_none()).collect()).collect();
        let active =
            (0..n).filter(|&i| (0..h).any(|d| movable[i][d] && !ix.eligible[i][d].is_empty())).collect::<Vec<_>>();
        // the same shift, ward and skill on every day
        let mut class_of = Vec::with_capacity(p.slots.len());
        let mut classes: Vec<(&str, &str, Option<&str>)> = Vec::new();
        for s in &p.slots {
            let key = (s.shift.as_str(), s.ward.as_str(), s.skill.as_deref());
            let c = classes.iter().position(|x| *x == key).unwrap_or_else(|| {
                classes.push(key);
                classes.len() - 1
            });
            class_of.push(c);
        }
        let mut twin = vec![vec![None; h]; classes.len()];
        for (k, s) in p.slots.iter().enumerate() {
            if let Some(x) = twin[class_of[k]].get_mut(s.day as usize) {
                *x = Some(k);
            }
        }
        let weekends = p.weekend_days();
        let slot_day: Vec<usize> = p.slots.iter().map(|s| s.day as usize).collect();
        let want = p.slots.iter().map(Slot::wanted).collect();
        let mut takers = vec![Vec::new(); p.slots.len()];
        for (i, days) in ix.eligible.iter().enumerate() {
            for &k in days.iter().flatten() {
                if let Some(t) = takers.get_mut(k) {
                    t.push(i);
                }
            }
        }
        let mut a = Anneal {
            ix,
            pricer,
            table: start.clone(),
            count,
            person,
            totals,
            global,
            slot,
            hw: 1.0,
            energy: 0.0,
            movable,
            active,
            class_of,
            twin,
            weekends,
            slot_day,
            want,
            takers,
            pending: Pending::default(),
        };
        a.set_hard_weight(1.0);
        a
    }

    fn e(&self, p: Price) -> f64 {
        self.hw * penalty(p) + p.cost
    }

    fn set_hard_weight(&mut self, hw: f64) {
        self.hw = hw;
        self.energy = self.total(&self.person, &self.slot);
    }

    /// May person `i` take `cell` on day `d`?
    fn fits(&self, i: usize, d: usize, cell: Option<usize>) -> bool {
        self.movable[i][d] && cell.is_none_or(|k| self.ix.eligible[i][d].contains(&k))
    }

    /// The slot like `cell` (same shift, ward and skill) on day `d`; `Some(None)` for a day off,
    /// `None` if there is no such slot.
    fn on_day(&self, cell: Option<usize>, d: usize) -> Option<Option<usize>> {
        match cell {
            None => Some(None),
            Some(k) => self.twin[self.class_of[k]][d].map(Some),
        }
    }

    /// Put `changes` in the table and price them; the change of energy.
    fn price(&mut self, changes: &[(usize, usize, Option<usize>)]) -> f64 {
        let mut m = std::mem::take(&mut self.pending);
        m.undo.clear();
        m.people.clear();
        m.slots.clear();
        let bump = |slots: &mut Vec<(usize, i32, Price)>, k: usize, by: i32| match slots.iter_mut().find(|s| s.0 == k) {
            Some(s) => s.1 += by,
            None => slots.push((k, by, Price::default())),
        };
        for &(i, d, cell) in changes {
            let old = self.table[i][d];
            m.undo.push((i, d, old));
            self.table[i][d] = cell;
            if let Some(k) = old {
                bump(&mut m.slots, k, -1);
            }
            if let Some(k) = cell {
                bump(&mut m.slots, k, 1);
            }
            if !m.people.iter().any(|x| x.0 == i) {
                m.people.push((i, Price::default()));
            }
        }
        let mut delta = 0.0;
        for x in 0..m.people.len() {
            let i = m.people[x].0;
            let q = self.reprice(&mut m, x);
            m.people[x].1 = q;
            delta += self.e(q) - self.e(self.person[i]);
        }
        for s in &mut m.slots {
            if s.1 != 0 {
                s.2 = self.pricer.slot(s.0, self.count[s.0].saturating_add_signed(s.1));
                delta += self.e(s.2) - self.e(self.slot[s.0]);
            }
        }
        m.delta = delta;
        self.pending = m;
        delta
    }

    /// The new price of `m.people[x]`, whose cells in the table are already
    /// changed (`m.undo` holds the old ones): the rules on their sums priced
    /// again from the sums updated cell by cell, and the rules on days priced
    /// again only on the days whose rules the change can reach.
    fn reprice(&mut self, m: &mut Pending, x: usize) -> Price {
        let i = m.people[x].0;
        m.days.clear();
        for &(j, d, old) in &m.undo {
            if j == i && !m.days.iter().any(|c| c.0 == d) {
                m.days.push((d, old, self.table[i][d]));
            }
        }
        if m.totals.len() <= x {
            m.totals.resize_with(x + 1, Totals::default);
            m.global.resize(x + 1, Price::default());
        }
        let t = &mut m.totals[x];
        t.clone_from(&self.totals[i]);
        for &(d, old, new) in &m.days {
            self.pricer.tally(t, d, old, false);
            self.pricer.tally(t, d, new, true);
        }
        m.global[x] = self.pricer.totals(i, t);
        self.windows(i, &m.days, &mut m.windows);
        let mut new_days = Price::default();
        for &(lo, hi) in &m.windows {
            add(&mut new_days, self.pricer.days(i, &self.table[i], lo, hi), 1);
        }
        for &(d, old, _) in &m.days {
            self.table[i][d] = old;
        }
        let mut old_days = Price::default();
        for &(lo, hi) in &m.windows {
            add(&mut old_days, self.pricer.days(i, &self.table[i], lo, hi), 1);
        }
        for &(d, _, new) in &m.days {
            self.table[i][d] = new;
        }
        let mut q = self.person[i];
        add(&mut q, old_days, -1);
        add(&mut q, new_days, 1);
        add(&mut q, self.global[i], -1);
        add(&mut q, m.global[x], 1);
        q
    }

    /// The anchor days (see `Pricer::days`) of person `i`'s rules that changing
    /// `days` (day, old, new) can reach, as sorted disjoint ranges: from the
    /// start of the week, of the day before, and of the block of worked days or
    /// days off holding the day before (before and after the change), to three
    /// days after (rest and successions).
    fn windows(&self, i: usize, days: &[(usize, Option<usize>, Option<usize>)], out: &mut Vec<(usize, usize)>) {
        let h = self.ix.h;
        let row = &self.table[i];
        let old = |d: usize| days.iter().find(|c| c.0 == d).map_or(row[d], |c| c.1);
        // first day of the block of days like `d` (worked or off) holding `d`
        let block_start = |get: &dyn Fn(usize) -> Option<usize>, d: usize| {
            let w = get(d).is_some();
            let mut a = d;
            while a > 0 && get(a - 1).is_some() == w {
                a -= 1;
            }
            a
        };
        out.clear();
        for &(d, _, _) in days {
            let mut lo = d - d % 7;
            if d > 0 {
                lo = lo.min(block_start(&|x| row[x], d - 1)).min(block_start(&old, d - 1));
            }
            out.push((lo, (d + 4).min(h)));
        }
        out.sort_unstable();
        let mut k = 0;
        for j in 1..out.len() {
            if out[j].0 <= out[k].1 {
                out[k].1 = out[k].1.max(out[j].1);
            } else {
                k += 1;
                out[k] = out[j];
            }
        }
        out.truncate(k + 1);
    }

    fn commit(&mut self) {
        let mut m = std::mem::take(&mut self.pending);
        for (x, &(i, q)) in m.people.iter().enumerate() {
            self.person[i] = q;
            std::mem::swap(&mut self.totals[i], &mut m.totals[x]);
            self.global[i] = m.global[x];
        }
        for &(k, by, q) in &m.slots {
            if by != 0 {
                self.count[k] = self.count[k].saturating_add_signed(by);
                self.slot[k] = q;
            }
        }
        self.energy += m.delta;
        self.pending = m;
    }

    fn rollback(&mut self) {
        for &(i, d, old) in self.pending.undo.iter().rev() {
            self.table[i][d] = old;
        }
    }

    /// Person `i`'s days set to new cells (`None` in `cells`: no such slot), as a
    /// move: the days that change, or `None` if one cannot or none does.
    fn line_move(&self, i: usize, cells: impl Iterator<Item = Option<(usize, Option<usize>)>>) -> Option<Changes> {
        let mut changes = Vec::new();
        for x in cells {
            let (d, c) = x?;
            if c != self.table[i][d] {
                if !self.fits(i, d, c) {
                    return None;
                }
                changes.push((i, d, c));
            }
        }
        (!changes.is_empty()).then_some(changes)
    }

    /// A random move (cell changes), or `None` if the one drawn is not allowed.
    fn draw(&self, rng: &mut ChaCha8Rng) -> Option<Changes> {
        let n = self.active.len();
        if n == 0 {
            return None;
        }
        let h = self.ix.h;
        let i = self.active[rng.random_range(0..n)];
        let kind = rng.random_range(0..KINDS);
        if kind >= 12 {
            return self.fill(rng, kind == 13);
        }
        if kind == 0 && !self.weekends.is_empty() {
            // a weekend off for one person
            let w = &self.weekends[rng.random_range(0..self.weekends.len())];
            let changes: Changes = w
                .iter()
                .filter(|&&d| self.table[i][d].is_some() && self.movable[i][d])
                .map(|&d| (i, d, None))
                .collect();
            return (!changes.is_empty()).then_some(changes);
        }
        if kind < 3 {
            // another shift, or a day off, for one person on one day
            let d = rng.random_range(0..h);
            if !self.movable[i][d] {
                return None;
            }
            let options = &self.ix.eligible[i][d];
            let cell = options.get(rng.random_range(0..=options.len())).copied();
            return (cell != self.table[i][d]).then(|| vec![(i, d, cell)]);
        }
        if kind == 10 && h >= 2 {
            // one person's block of two or three days all off, or all on one shift
            // (runs of worked days and days off have minimum lengths)
            let len = rng.random_range(2..=3).min(h);
            let a = rng.random_range(0..=h - len);
            let options = &self.ix.eligible[i][a];
            let cell = options.get(rng.random_range(0..=options.len())).copied();
            return self.line_move(i, (a..a + len).map(|d| Some((d, self.on_day(cell, d)?))));
        }
        if kind == 11 && h >= 3 {
            // one person's window of days rotated: a run of days off moves past a run
            // of worked days, so that short runs can merge and make room for more work
            let len = rng.random_range(3..=MAX_WINDOW.max(3) + 1).min(h);
            let a = rng.random_range(0..=h - len);
            let r = rng.random_range(1..len);
            return self.line_move(
                i,
                (0..len).map(|j| {
                    let (from, to) = (a + j, a + (j + r) % len);
                    Some((to, self.on_day(self.table[i][from], to)?))
                }),
            );
        }
        if kind < 5 || n < 2 {
            // one person's days d and e exchanged (a shift moves to another day; to
            // a nearby one for kind 4, which moves the edge of a run)
            let d = rng.random_range(0..h);
            let e = if kind == 3 {
                rng.random_range(0..h)
            } else {
                let step = rng.random_range(1..=NEAR.min(h.saturating_sub(1)).max(1));
                if rng.random_bool(0.5) && d >= step {
                    d - step
                } else {
                    (d + step).min(h - 1)
                }
            };
            let (x, y) = (self.table[i][d], self.table[i][e]);
            if d == e || x == y {
                return None;
            }
            let (x_on_e, y_on_d) = (self.on_day(x, e)?, self.on_day(y, d)?);
            if !self.fits(i, d, y_on_d) || !self.fits(i, e, x_on_e) {
                return None;
            }
            return Some(vec![(i, d, y_on_d), (i, e, x_on_e)]);
        }
        // two people exchange their days on a window (one day for kind 5 and 6, a
        // weekend for kind 7)
        let j = self.active[rng.random_range(0..n)];
        if i == j {
            return None;
        }
        let (a, len) = match kind {
            5 | 6 => (rng.random_range(0..h), 1),
            7 if !self.weekends.is_empty() => {
                let w = &self.weekends[rng.random_range(0..self.weekends.len())];
                (w[0], w.len())
            }
            _ => {
                let len = rng.random_range(2..=MAX_WINDOW.max(2)).min(h);
                (rng.random_range(0..=h - len), len)
            }
        };
        let mut changes = Vec::with_capacity(2 * len);
        for d in a..a + len {
            let (x, y) = (self.table[i][d], self.table[j][d]);
            if x == y {
                continue;
            }
            if !self.fits(i, d, y) || !self.fits(j, d, x) {
                return None;
            }
            changes.push((i, d, y));
            changes.push((j, d, x));
        }
        (!changes.is_empty()).then_some(changes)
    }

    /// A slot short of what it wants, given to someone who may work it; with
    /// `trade`, that person also gives up one of their shifts on a slot with more
    /// than it wants, on a day nearby (their work moves to where it is needed).
    fn fill(&self, rng: &mut ChaCha8Rng, trade: bool) -> Option<Changes> {
        let k = rng.random_range(0..self.count.len().max(1));
        if self.count.get(k)? >= self.want.get(k)? {
            return None;
        }
        let takers = &self.takers[k];
        let i = *takers.get(rng.random_range(0..takers.len().max(1)))?;
        let d = self.slot_day[k];
        if !self.movable[i][d] || self.table[i][d] == Some(k) {
            return None;
        }
        let take = (i, d, Some(k));
        if !trade || self.table[i][d].is_some() {
            return Some(vec![take]);
        }
        let h = self.ix.h;
        (0..TRADE_TRIES).find_map(|_| {
            let e =
                (d + rng.random_range(0..=2 * TRADE_REACH)).checked_sub(TRADE_REACH).filter(|&e| e < h && e != d)?;
            let x = self.table[i][e]?;
            (self.movable[i][e] && self.count[x] > self.want[x]).then(|| vec![take, (i, e, None)])
        })
    }

    /// One random move, accepted by the Metropolis rule at temperature `temp`.
    /// Returns the change of energy of an accepted move.
    fn step(&mut self, rng: &mut ChaCha8Rng, temp: f64) -> Option<f64> {
        let changes = self.draw(rng)?;
        let delta = self.price(&changes);
        if delta <= 0.0 || (temp > 0.0 && rng.random_range(0.0..1.0) < (-delta / temp).exp()) {
            self.commit();
            Some(delta)
        } else {
            self.rollback();
            None
        }
    }

    /// Energy of a whole table at the current weight.
    fn energy_of(&mut self, table: &Table) -> f64 {
        let priced = Priced::of(&mut self.pricer, table, self.count.len());
        self.total(&priced.person, &priced.slot)
    }

    /// Energy of these prices at the current weight.
    fn total(&self, person: &[Price], slot: &[Price]) -> f64 {
        person.iter().chain(slot).map(|q| self.e(*q)).sum()
    }

    /// A temperature at which a typical worsening move is accepted with
    /// probability `accept` (moves that break a hard rule left out).
    fn calibrate(&mut self, rng: &mut ChaCha8Rng, accept: f64) -> f64 {
        let mut ups = Vec::new();
        for _ in 0..5_000 {
            let Some(changes) = self.draw(rng) else { continue };
            let delta = self.price(&changes);
            self.rollback();
            if delta > 0.0 && delta < HARD_EACH {
                ups.push(delta);
                if ups.len() >= 200 {
                    break;
                }
            }
        }
        if ups.is_empty() {
            return 1.0;
        }
        ups.sort_by(f64::total_cmp);
        ups[ups.len() / 2] / -accept.clamp(1e-6, 0.999).ln()
    }

    /// Anneal from the current table until `until` (or until `stop` says so,
    /// looked at every 256 moves), cooling geometrically from
    /// a temperature at which a typical worsening move is accepted with
    /// probability `accept` to a thousandth of it, while the hard penalties
    /// grow; returns the best table seen (ranked with the final penalties).
    pub(crate) fn run(
        &mut self,
        rng: &mut ChaCha8Rng,
        until: Instant,
        accept: f64,
        relax: bool,
        stop: &dyn Fn() -> bool,
    ) -> Outcome {
        let start = Instant::now();
        let span = until.saturating_duration_since(start).as_secs_f64().max(1e-3);
        let hw0 = if relax { RELAXED } else { HARD_RAMP };
        self.set_hard_weight(hw0);
        let t0 = self.calibrate(rng, accept);
        let t_end = t0 * 1e-3;
        let mut temp = t0;
        let mut best = self.table.clone();
        let mut best_energy = self.energy;
        // the current table is the best one: copied only when we leave it
        let mut at_best = true;
        let mut moves = 0u64;
        loop {
            if moves.is_multiple_of(256) {
                let now = Instant::now();
                if now >= until || stop() {
                    break;
                }
                let frac = (now - start).as_secs_f64() / span;
                temp = t0 * (t_end / t0).powf(frac);
                let hw = hw0 * (HARD_RAMP / hw0).powf(frac);
                if hw > self.hw * 1.02 {
                    self.set_hard_weight(hw);
                    // the best so far, priced with the new weight
                    best_energy = if at_best { self.energy } else { self.energy_of(&best) };
                }
            }
            moves += 1;
            let Some(delta) = self.step(rng, temp) else { continue };
            if self.energy < best_energy - 1e-9 {
                best_energy = self.energy;
                at_best = true;
            } else if delta > 0.0 && at_best {
                // leaving a best table: keep it (the current one with the move undone)
                best.clone_from(&self.table);
                for &(i, d, old) in &self.pending.undo {
                    best[i][d] = old;
                }
                at_best = false;
            }
        }
        if at_best {
            best = self.table.clone();
        }
        Outcome { best, moves }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::generate::{hospital, HospitalSpec};
    use crate::problem::Problem;
    use crate::validate::validate_table;
    use rand::SeedableRng;
    use std::time::Duration;

    /// A random roster of eligible slots (rules broken freely).
    fn random_table(ix: &Index, n: usize, rng: &mut ChaCha8Rng) -> Table {
        (0..n)
            .map(|i| {
                (0..ix.h)
                    .map(|d| {
                        let options = &ix.eligible[i][d];
                        if options.is_empty() || rng.random_bool(0.4) {
                            None
                        } else {
                            Some(options[rng.random_range(0..options.len())])
                        }
                    })
                    .collect()
            })
            .collect()
    }

    /// A generated two-week hospital of `staff` people (generator seed `seed`), a
    /// random roster on it, and the random generator that drew it.
    fn random_start(staff: usize, seed: u64, rng_seed: u64) -> (Problem, Index, Table, ChaCha8Rng) {
        let p = hospital(&HospitalSpec { staff, wards: 2, weeks: 2, seed });
        let ix = Index::new(&p);
        let mut rng = ChaCha8Rng::seed_from_u64(rng_seed);
        let start = random_table(&ix, p.staff.len(), &mut rng);
        (p, ix, start, rng)
    }

    /// Problems whose rules all bind somewhere: generated hospitals, a Curtois
    /// instance (blocks of days, weekends, successions) and an INRC-II one
    /// (history before day 0, runs of one shift type, complete weekends).
    fn problems() -> Vec<Problem> {
        let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/benchmarks");
        let mut out: Vec<Problem> =
            (0..3).map(|seed| hospital(&HospitalSpec { staff: 40, wards: 2, weeks: 2, seed })).collect();
        out.push(crate::formats::curtois::shared_instance(5));
        out.push(crate::formats::inrc2::read_instance(&shared.join("inrc2/data/n005w4"), 1, &[1, 2, 3, 3]).unwrap());
        out
    }

    /// The prices per person and per slot add up to the validator's verdict on the
    /// whole roster, and after thousands of accepted moves (each re-pricing only the
    /// days around it) every person's price and the energy kept up to date move by
    /// move are still those of the table priced from scratch.
    #[test]
    fn prices_add_up_to_the_validator_and_moves_keep_the_books() {
        for (seed, p) in problems().into_iter().enumerate() {
            let seed = seed as u64;
            let ix = Index::new(&p);
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let table = random_table(&ix, p.staff.len(), &mut rng);
            let report = validate_table(&p, &table);
            let mut sa = Anneal::new(&p, &ix, &table);
            let hard: usize = sa.person.iter().chain(&sa.slot).map(|q| q.hard).sum();
            let cost: f64 = sa.person.iter().chain(&sa.slot).map(|q| q.cost).sum();
            assert_eq!(hard, report.hard.len(), "problem {seed}");
            assert!((cost - report.objective).abs() < 1e-6, "problem {seed}: {cost} vs {}", report.objective);

            let mut accepted = 0;
            for _ in 0..20_000 {
                if sa.step(&mut rng, 50.0).is_some() {
                    accepted += 1;
                }
            }
            assert!(accepted > 100, "problem {seed}: only {accepted} moves accepted");
            let table = sa.table.clone();
            let mut pricer = Pricer::new(&p);
            for (i, row) in table.iter().enumerate() {
                let (kept, fresh) = (sa.person[i], pricer.person(i, row));
                assert_eq!(kept.hard, fresh.hard, "problem {seed} person {i}");
                assert!((kept.hard_amount - fresh.hard_amount).abs() < 1e-6, "problem {seed} person {i}");
                assert!((kept.cost - fresh.cost).abs() < 1e-6, "problem {seed} person {i}: {kept:?} vs {fresh:?}");
            }
            let kept = sa.energy;
            let fresh = sa.energy_of(&table);
            assert!((kept - fresh).abs() < 1e-6 * fresh.abs().max(1.0), "problem {seed}: {kept} vs {fresh}");
            // only eligible slots, on their own day, pinned cells untouched
            for (i, row) in table.iter().enumerate() {
                for (d, cell) in row.iter().enumerate() {
                    if let Some(k) = cell {
                        assert!(ix.eligible[i][d].contains(k));
                    }
                }
            }
        }
    }

    /// A run returns a roster no worse than its start, with the hard penalties at full weight.
    #[test]
    fn a_run_never_returns_worse_than_its_start() {
        let (p, ix, start, mut rng) = random_start(30, 9, 3);
        let mut sa = Anneal::new(&p, &ix, &start);
        sa.set_hard_weight(HARD_RAMP);
        let before = sa.energy;
        let out = sa.run(&mut rng, Instant::now() + Duration::from_millis(300), TEST_ACCEPT, false, &|| false);
        let after = Anneal::new(&p, &ix, &out.best).energy_at(HARD_RAMP);
        assert!(after <= before + 1e-6, "{after} > {before}");
        assert!(out.moves > 1_000);
    }

    /// A fill move gives a slot short of its target to someone who may work it on
    /// its day, and a traded shift was on a slot over its target, near that day.
    #[test]
    fn a_fill_move_takes_work_to_a_short_slot_from_an_over_covered_one() {
        let (p, ix, start, mut rng) = random_start(40, 4, 5);
        let sa = Anneal::new(&p, &ix, &start);
        let (mut fills, mut trades) = (0, 0);
        for n in 0..20_000 {
            let Some(changes) = sa.fill(&mut rng, n % 2 == 1) else { continue };
            let (i, d, Some(k)) = changes[0] else { panic!("a fill assigns a slot: {changes:?}") };
            assert!(sa.count[k] < sa.want[k] && sa.slot_day[k] == d && ix.eligible[i][d].contains(&k));
            assert_ne!(start[i][d], Some(k));
            fills += 1;
            if let Some(&(j, e, off)) = changes.get(1) {
                let x = start[i][e].unwrap();
                assert!(j == i && off.is_none() && start[i][d].is_none() && e.abs_diff(d) <= TRADE_REACH);
                assert!(sa.count[x] > sa.want[x], "traded a shift its slot needs");
                trades += 1;
            }
        }
        assert!(fills > 100 && trades > 10, "{fills} fills, {trades} trades");
    }

    const TEST_ACCEPT: f64 = 0.2;

    impl Anneal<'_> {
        fn energy_at(mut self, hw: f64) -> f64 {
            self.set_hard_weight(hw);
            self.energy
        }
    }
}
