//! Column generation over people's lines (a Dantzig–Wolfe decomposition).
//!
//! Every rule but cover concerns one person, so a roster is one *line* per
//! person and its cost is the lines' own costs (requests, the reference
//! roster, hourly cost) plus each slot's cover cost, a convex function of how
//! many people work it. The master LP picks, per person, a convex combination
//! of lines from a pool; its cover duals price each cell for the pricing
//! problem — one person's best line by dynamic programming (`line::Planner`)
//! — and a line whose reduced cost is negative joins the pool. The LP's value
//! plus every person's least reduced cost bounds every roster from below
//! (a Lagrangian bound), when each pricing was exact. A roster comes from a
//! dive: people whose LP line is whole are held to it (or the nearest to
//! whole), more lines priced, and again, until everybody is held. (A MIP
//! over the pool instead, price and branch, found nothing better than the
//! roster it started from on Curtois 18: see docs/benchmarks.md.)

use crate::line::{Effort, Planner};
use crate::model::Table;
use crate::problem::{Index, Problem};
use crate::validate::Pricer;
use highs::{ColProblem, HighsModelStatus, Model, Row, Sense};
use std::collections::HashSet;
use std::time::Instant;

/// Reduced costs above this are not worth a column.
const EPS: f64 = 1e-6;
/// Rounds the LP is expected to need at the least (see `rounds_until`).
const ROUNDS_NEEDED: f64 = 50.0;
/// A dive step holds at least one in this many of the people not yet held,
/// after at most `DIVE_ROUNDS` rounds of column generation.
const DIVE_SHARE: usize = 4;
const DIVE_ROUNDS: usize = 10;
/// Weight of the best bound's duals in the duals priced with (Wentges smoothing).
const SMOOTH: f64 = 0.5;

/// One line of the pool: person, day → slot, and its own cost.
struct Column {
    person: usize,
    cells: Vec<Option<usize>>,
    own: f64,
}

/// The master LP as last solved: per person the convexity dual, per slot the cover dual.
struct Duals {
    objective: f64,
    person: Vec<f64>,
    slot: Vec<f64>,
}

pub(crate) struct ColGen<'a> {
    ix: &'a Index,
    pricer: Pricer<'a>,
    planners: Vec<Planner>,
    /// Per slot, the pieces of its convex cover curve: (marginal cost, people).
    pieces: Vec<Vec<(f64, f64)>>,
    /// The cover cost of every slot left empty.
    base: f64,
    columns: Vec<Column>,
    seen: HashSet<(usize, Vec<Option<usize>>)>,
    /// The LP with its rows (`conv` per person, `cover` per slot), kept between rounds.
    lp: Option<(Model, Vec<Row>, Vec<Row>)>,
    /// Columns of the pool already considered for `lp`, and those in it, in its order.
    in_lp: usize,
    lp_cols: Vec<usize>,
    /// Per person, the pool column they are held to (while diving).
    fixed: Vec<Option<usize>>,
    /// In a dive the fast pricing's "nothing" ends the rounds (no exact pass).
    diving: bool,
    /// Rounds price coarsely first (`Effort::Coarse`): a fast round was too slow.
    coarse: bool,
    /// The round whose time tells whether the LP can converge in its time.
    judged_round: usize,
    /// The best Lagrangian bound seen (only from rounds whose every pricing
    /// was exact), rounded up when every cost is whole.
    pub bound: Option<f64>,
    /// Every cost is a whole number: so is every roster's.
    integral: bool,
    /// The last master LP's value, and its value of each pool column.
    pub lp_value: Option<f64>,
    lambda: Vec<f64>,
    pub rounds: usize,
    /// The first round showed the LP could not converge in its time (see `ROUNDS_NEEDED`).
    pub too_slow: bool,
    /// Never give up as too slow, only go on coarsely (to measure the pricing: [`ColGen::measure`]).
    patient: bool,
}

impl<'a> ColGen<'a> {
    /// `None` unless the line planner covers every person's rules and every
    /// slot's cover cost is convex in its count.
    pub(crate) fn new(p: &'a Problem, ix: &'a Index) -> Option<ColGen<'a>> {
        let planners = (0..p.staff.len()).map(|i| Planner::new(p, ix, i)).collect::<Option<Vec<_>>>()?;
        let mut pricer = Pricer::new(p);
        let mut eligible = vec![0u32; p.slots.len()];
        for row in &ix.eligible {
            for ks in row {
                for &k in ks {
                    eligible[k] += 1;
                }
            }
        }
        let mut pieces = Vec::with_capacity(p.slots.len());
        let mut base = 0.0;
        for (k, &most) in eligible.iter().enumerate() {
            let mut cost = |n: u32| crate::line::cover_cost(&mut pricer, k, n);
            let mut last = cost(0);
            base += last;
            let mut ps: Vec<(f64, f64)> = Vec::new();
            for n in 1..=most {
                let c = cost(n);
                let m = c - last;
                last = c;
                match ps.last_mut() {
                    Some((pm, w)) if (m - *pm).abs() <= 1e-9 => *w += 1.0,
                    Some((pm, _)) if m < *pm - 1e-9 => return None,
                    _ => ps.push((m, 1.0)),
                }
            }
            pieces.push(ps);
        }
        let whole = |x: f64| x.fract() == 0.0;
        let integral = whole(base)
            && pieces.iter().flatten().all(|(m, _)| whole(*m))
            && planners.iter().all(|pl| pl.own_costs_whole());
        Some(ColGen {
            integral,
            ix,
            pricer,
            planners,
            pieces,
            base,
            columns: Vec::new(),
            seen: HashSet::new(),
            lp: None,
            in_lp: 0,
            lp_cols: Vec::new(),
            fixed: vec![None; p.staff.len()],
            diving: false,
            coarse: false,
            judged_round: 1,
            bound: None,
            lp_value: None,
            lambda: Vec::new(),
            rounds: 0,
            too_slow: false,
            patient: false,
        })
    }

    /// Add every line of `table` that breaks no rule of its person.
    pub(crate) fn add_roster(&mut self, table: &Table) {
        for (i, cells) in table.iter().enumerate() {
            if self.pricer.person(i, cells).hard == 0 {
                self.add(i, cells.clone());
            }
        }
    }

    fn add(&mut self, person: usize, cells: Vec<Option<usize>>) -> bool {
        let key = (person, cells);
        if self.seen.contains(&key) {
            return false;
        }
        let own = self.planners[person].own_cost(self.ix, &key.1);
        self.seen.insert(key.clone());
        self.columns.push(Column { person, cells: key.1, own });
        true
    }

    /// Every person needs a line for the master to be feasible: their best
    /// line with cover left out, if they have none yet.
    fn ensure_lines(&mut self, until: Instant) -> bool {
        let mut has = vec![false; self.planners.len()];
        for c in &self.columns {
            has[c.person] = true;
        }
        for (i, h) in has.iter().enumerate() {
            if *h {
                continue;
            }
            let (costs, slot, _) = self.planners[i].cell_costs(self.ix, &[], &mut |_| 0.0);
            // any line will do: a coarse plan, an exact one if it finds none
            let plan = |effort| self.planners[i].plan_with(&costs, f64::INFINITY, effort, Some(until));
            match plan(Effort::Coarse).or_else(|| plan(Effort::Exact)) {
                Some(l) => {
                    self.add(i, l.cells(&slot));
                }
                None => return false,
            }
        }
        true
    }

    /// Solve the master LP over the pool (adding the columns new since the last solve).
    fn solve_lp(&mut self) -> Option<Duals> {
        let n = self.planners.len();
        let (mut model, conv, cover) = match self.lp.take() {
            Some(lp) => lp,
            None => {
                let mut pb = ColProblem::default();
                let conv: Vec<Row> = (0..n).map(|_| pb.add_row(1.0..=1.0)).collect();
                let cover: Vec<Row> = self.pieces.iter().map(|_| pb.add_row(0.0..=0.0)).collect();
                for (k, ps) in self.pieces.iter().enumerate() {
                    for &(m, w) in ps {
                        pb.add_column(m, 0.0..=w, [(cover[k], -1.0)]);
                    }
                }
                self.in_lp = 0;
                self.lp_cols.clear();
                let mut model = pb.try_optimise(Sense::Minimise).ok()?;
                model.make_quiet();
                let _ = model.try_set_option("threads", crate::model::HIGHS_THREADS);
                // primal simplex while pricing: new columns leave the basis primal
                // feasible (the dual simplex took 2–3 times as long a round on
                // Curtois 13); the dual one in a dive, whose LP is built anew each
                // step: its vertices held to better rosters (Curtois 12, 16, 17)
                if !self.diving {
                    let _ = model.try_set_option("simplex_strategy", 4);
                }
                (model, conv, cover)
            }
        };
        for (j, c) in self.columns.iter().enumerate().skip(self.in_lp) {
            if self.fixed[c.person].is_some_and(|f| f != j) {
                continue;
            }
            let rows = std::iter::once((conv[c.person], 1.0)).chain(c.cells.iter().flatten().map(|&k| (cover[k], 1.0)));
            model.try_add_column(c.own, 0.0..=1.0, rows).ok()?;
            self.lp_cols.push(j);
        }
        self.in_lp = self.columns.len();
        let solved = model.try_solve().ok()?;
        if solved.status() != HighsModelStatus::Optimal {
            return None;
        }
        let sol = solved.get_solution();
        let dual = sol.dual_rows();
        let first: usize = self.pieces.iter().map(Vec::len).sum();
        self.lambda = vec![0.0; self.columns.len()];
        for (pos, &j) in self.lp_cols.iter().enumerate() {
            self.lambda[j] = sol.columns().get(first + pos).copied().unwrap_or(0.0);
        }
        let duals = Duals {
            objective: solved.objective_value() + self.base,
            person: dual[..n].to_vec(),
            slot: dual[n..].to_vec(),
        };
        self.lp = Some((Model::from(solved), conv, cover));
        Some(duals)
    }

    /// The Lagrangian value of cover duals `pi`, given each person's least
    /// line cost under them (`least[i]`, or a lower bound on it).
    fn lagrange(&self, pi: &[f64], least: &[f64]) -> f64 {
        let cover: f64 =
            self.pieces.iter().zip(pi).map(|(ps, p)| ps.iter().map(|(m, w)| w * (m + p).min(0.0)).sum::<f64>()).sum();
        self.base + least.iter().sum::<f64>() + cover
    }

    /// Rounds of column generation until no line prices out, `until`, or `stop`.
    /// Pricing is first fast (`Effort::Fast`; coarse instead when a fast round
    /// is too slow for the LP to converge in its time), then, when that finds
    /// nothing, fast after coarse and at last exact; duals are smoothed
    /// towards those of the best bound so far (Wentges), falling back to the
    /// LP's own when that finds nothing. Returns whether the LP converged.
    pub(crate) fn run(&mut self, until: Instant, stop: &dyn Fn() -> bool, trace: bool) -> bool {
        self.rounds_until(until, stop, trace, usize::MAX)
    }

    /// [`ColGen::run`] for at most `rounds` rounds, never given up as too slow;
    /// whether it converged in fewer (the pricing benchmark, `bench::run_pricing`).
    pub(crate) fn measure(&mut self, rounds: usize, until: Instant, trace: bool) -> bool {
        self.patient = true;
        let ended = self.rounds_until(until, &|| false, trace, rounds);
        self.patient = false;
        ended && self.rounds < rounds
    }

    /// [`ColGen::run`] for at most `most` rounds; true if it converged or used them all.
    fn rounds_until(&mut self, until: Instant, stop: &dyn Fn() -> bool, trace: bool, most: usize) -> bool {
        if !self.ensure_lines(until) {
            return false;
        }
        let n = self.planners.len();
        let mut center: Option<(f64, Vec<f64>, Vec<f64>)> = None;
        let mut smooth = SMOOTH;
        // how much past the first effort the pricing has gone: 0 none, 1 fast after coarse, 2 exact
        let mut level = 0;
        for _ in 0..most {
            if Instant::now() >= until || stop() {
                return false;
            }
            let t = Instant::now();
            let Some(duals) = self.solve_lp() else { return false };
            let lp_time = t.elapsed().as_secs_f64();
            self.lp_value = Some(duals.objective);
            self.rounds += 1;
            // the duals to price with
            let (pi, mu): (Vec<f64>, Vec<f64>) = match &center {
                Some((_, cp, cm)) if smooth > 0.0 => (
                    duals.slot.iter().zip(cp).map(|(a, b)| smooth * b + (1.0 - smooth) * a).collect(),
                    duals.person.iter().zip(cm).map(|(a, b)| smooth * b + (1.0 - smooth) * a).collect(),
                ),
                _ => (duals.slot.clone(), duals.person.clone()),
            };
            let effort = match level {
                0 if self.coarse => Effort::Coarse,
                0 | 1 => Effort::Fast,
                _ => Effort::Exact,
            };
            let mut added = 0;
            let mut improving = 0;
            let mut exact = true;
            let mut least = vec![0.0; n];
            let mut complete = true;
            let budget = until.saturating_duration_since(t).as_secs_f64();
            for (i, lo) in least.iter_mut().enumerate() {
                if Instant::now() >= until || stop() {
                    complete = false;
                    break;
                }
                // too slow to converge in time: the LP takes some 50 to 150 rounds
                // (35–57 on Curtois 16–18), so a first round that would take more
                // than a `ROUNDS_NEEDED`th of the time, judged by its people priced
                // so far, goes on coarsely, and if that is still too slow, ends
                // (Curtois 13: 5 s a fast round, 0.5 s a coarse one; 22: minutes)
                let per_round = t.elapsed().as_secs_f64() * n as f64 / i.max(1) as f64;
                if self.judged(i > 0 && per_round * ROUNDS_NEEDED > budget) {
                    if self.too_slow {
                        return false;
                    }
                    complete = false;
                    break;
                }
                if self.fixed[i].is_some() {
                    exact = false;
                    continue;
                }
                let (costs, slot, _) = self.planners[i].cell_costs(self.ix, &[], &mut |k| -pi[k]);
                *lo = mu[i] - EPS;
                let mut line = self.planners[i].plan_with(&costs, mu[i] - EPS, effort, Some(until));
                if effort == Effort::Exact && line.as_ref().is_some_and(|l| !l.exact) {
                    // a state overflowed: again with room, for the bound
                    let thorough = self.planners[i].plan_with(&costs, mu[i] - EPS, Effort::Thorough, Some(until));
                    line = thorough.or(line);
                }
                if Instant::now() >= until {
                    // (a line given up at `until` is not "no line")
                    complete = false;
                    break;
                }
                if let Some(l) = line {
                    exact &= l.exact;
                    *lo = l.cost;
                    let cells = l.cells(&slot);
                    let rc: f64 = self.planners[i].own_cost(self.ix, &cells)
                        - cells.iter().flatten().map(|&k| duals.slot[k]).sum::<f64>()
                        - duals.person[i];
                    improving += usize::from(rc < -EPS);
                    if self.add(i, cells) {
                        added += 1;
                    }
                }
            }
            // the Lagrangian value: a bound if every pricing was exact, else an
            // estimate, good enough to choose the smoothing's centre by
            let value = complete.then(|| self.lagrange(&pi, &least));
            let bound = value.filter(|_| exact && effort == Effort::Exact);
            if let Some(b) = bound {
                let b = if self.integral { (b - 1e-6).ceil() } else { b };
                self.bound = Some(self.bound.map_or(b, |o: f64| o.max(b)));
            }
            if let Some(v) = value {
                if center.as_ref().is_none_or(|c| v > c.0) {
                    center = Some((v, pi.clone(), mu.clone()));
                }
            }
            if trace {
                eprintln!(
                    "  colgen round {}: lp={:.2} lp_time={lp_time:.3}s round_time={:.3}s effort={effort:?} smooth={smooth} added={added} improving={improving} pool={} bound={}",
                    self.rounds,
                    duals.objective,
                    t.elapsed().as_secs_f64(),
                    self.columns.len(),
                    value.map_or("-".into(), |b| format!("{b:.2}"))
                );
            }
            if self.judged(t.elapsed().as_secs_f64() * ROUNDS_NEEDED > budget) && self.too_slow {
                return false;
            }
            if !complete {
                // (a round cut short to go on coarsely: the next one)
                if self.coarse && self.judged_round > self.rounds && Instant::now() < until && !stop() {
                    continue;
                }
                return false;
            }
            // (a line that prices out but is in the pool already adds nothing: the
            // LP's duals are off by its tolerance, and going on would not end)
            if improving > 0 && added > 0 {
                smooth = SMOOTH;
                level = 0;
                continue;
            }
            // nothing that prices out against the LP's own duals
            if smooth > 0.0 && center.is_some() {
                smooth = 0.0;
            } else if level == 0 && self.coarse {
                level = 1;
            } else if level < 2 && !self.diving {
                level = 2;
            } else {
                return true;
            }
        }
        true
    }

    /// Whether the round being judged (see `ROUNDS_NEEDED`) is `slow`, and
    /// what follows: a fast round too slow → coarse rounds from the next
    /// one on, a coarse one → `too_slow` (the caller gives up).
    fn judged(&mut self, slow: bool) -> bool {
        if self.rounds != self.judged_round || !slow {
            return false;
        }
        if !self.coarse {
            self.coarse = true;
            self.judged_round = self.rounds + 1;
        } else if self.patient {
            return false;
        } else {
            self.too_slow = true;
        }
        true
    }

    /// A dive: a few rounds of column generation, then the people whose LP
    /// line is whole held to it, with at least a `DIVE_SHARE`th of those left
    /// (nearest to whole first), and again, until everybody is held; at
    /// `until` everybody left takes their line nearest to whole. `None` if
    /// somebody has no line at all, or once the LP with the lines held costs
    /// more than `give_up` (the incumbent: such a dive seldom beats it).
    pub(crate) fn dive(&mut self, until: Instant, give_up: f64, stop: &dyn Fn() -> bool, trace: bool) -> Option<Table> {
        self.diving = true;
        self.lp = None;
        let out = self.dive_steps(until, give_up, stop, trace);
        self.diving = false;
        self.fixed.iter_mut().for_each(|f| *f = None);
        self.lp = None;
        out
    }

    fn dive_steps(&mut self, until: Instant, give_up: f64, stop: &dyn Fn() -> bool, trace: bool) -> Option<Table> {
        let n = self.planners.len();
        loop {
            // each step an equal share of the time left
            let open = self.fixed.iter().filter(|f| f.is_none()).count();
            let step_until = Instant::now() + until.saturating_duration_since(Instant::now()) / steps_left(open);
            let rounds = self.rounds;
            self.rounds_until(step_until, stop, false, DIVE_ROUNDS);
            if self.rounds == rounds {
                // no time for a round: the LP at least, for the values of the lines
                if let Some(d) = self.solve_lp() {
                    self.lp_value = Some(d.objective);
                }
            }
            if self.lp_value.is_some_and(|v| v > give_up) {
                if trace {
                    eprintln!("  dive: given up, lp={:?} above {give_up}", self.lp_value);
                }
                return None;
            }
            // out of time: everybody not held takes their LP line nearest to whole
            let in_time = Instant::now() < until && !stop();
            // per person not held, their LP line nearest to whole
            let mut best: Vec<Option<(f64, usize)>> = vec![None; n];
            for (j, c) in self.columns.iter().enumerate() {
                let v = self.lambda.get(j).copied().unwrap_or(0.0);
                if self.fixed[c.person].is_none() && best[c.person].is_none_or(|(b, _)| v > b) {
                    best[c.person] = Some((v, j));
                }
            }
            let mut open: Vec<(usize, f64, usize)> =
                best.iter().enumerate().filter_map(|(i, b)| b.map(|(v, j)| (i, v, j))).collect();
            if open.is_empty() {
                break;
            }
            // the whole ones, and at least a `DIVE_SHARE`th of those left, nearest to whole first
            open.sort_by(|a, b| b.1.total_cmp(&a.1));
            let least = if in_time { open.len().div_ceil(DIVE_SHARE) } else { open.len() };
            for (pos, o) in open.iter().enumerate() {
                if pos < least || o.1 >= 1.0 - 1e-6 {
                    self.fixed[o.0] = Some(o.2);
                }
            }
            self.lp = None;
            if trace {
                eprintln!(
                    "  dive: lp={:?} held {} of {n} pool={}",
                    self.lp_value,
                    self.fixed.iter().flatten().count(),
                    self.columns.len()
                );
            }
        }
        let table: Table =
            self.fixed.iter().map(|f| f.map_or_else(Vec::new, |j| self.columns[j].cells.clone())).collect();
        let h = self.ix.h;
        table.iter().all(|r| r.len() == h).then_some(table)
    }

    /// What the master says `table` costs: its lines' own costs and each
    /// slot's cover curve at its count. For a roster that breaks no rule it
    /// must be the validator's objective (a check that the decomposition is
    /// exact for the problem, on which the bound rests).
    pub(crate) fn cost_of(&self, table: &Table) -> f64 {
        let counts = crate::model::slot_counts(table, self.pieces.len());
        let cover: f64 = self
            .pieces
            .iter()
            .zip(&counts)
            .map(|(ps, &c)| {
                let mut left = f64::from(c);
                let mut sum = 0.0;
                for &(m, w) in ps {
                    sum += m * left.min(w);
                    left = (left - w).max(0.0);
                }
                sum
            })
            .sum();
        let own: f64 = table.iter().enumerate().map(|(i, cells)| self.planners[i].own_cost(self.ix, cells)).sum();
        self.base + cover + own
    }

    pub(crate) fn pool(&self) -> usize {
        self.columns.len()
    }
}

/// How many dive steps hold `open` people, holding a `DIVE_SHARE`th of those left each.
fn steps_left(open: usize) -> u32 {
    let (mut left, mut steps) = (open, 1);
    while left > 1 {
        left -= left.div_ceil(DIVE_SHARE);
        steps += 1;
    }
    steps
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::formats::curtois::shared_instance;
    use crate::model::{MipParams, MipStatus, Scope};
    use crate::validate::validate_table;
    use std::time::Duration;

    fn far() -> Instant {
        Instant::now() + Duration::from_secs(120)
    }

    /// The optimum of `p` by the full MIP, as a roster the validator accepts.
    fn optimum(p: &Problem, ix: &Index) -> Option<f64> {
        let n = p.staff.len();
        let free = vec![vec![true; ix.h]; n];
        let empty = vec![vec![None; ix.h]; n];
        let built = crate::model::build(p, ix, Scope { free: &free, current: &empty }).ok()?;
        let prm = MipParams { time_limit: 60.0, rel_gap: 0.0, seed: 1, warm_start: false };
        let res = crate::model::solve(built, &prm);
        if res.status != MipStatus::Optimal {
            return None;
        }
        let mut table = empty;
        for (i, d, k) in res.worked {
            table[i][d] = Some(k);
        }
        let rep = validate_table(p, &table);
        rep.hard.is_empty().then_some(rep.objective)
    }

    /// On random small problems: the bound never passes the MIP's optimum, and
    /// the dive's roster breaks no rule, costs what the validator says, and is
    /// no better than the optimum.
    #[test]
    fn the_bound_never_passes_the_optimum_and_the_dive_is_priced_as_the_validator_prices_it() {
        let mut compared = 0;
        for seed in 0..300 {
            let p = crate::line::tests::small(seed);
            let ix = Index::new(&p);
            let Some(mut cg) = ColGen::new(&p, &ix) else { continue };
            // false: somebody has no line that keeps their rules
            if !cg.run(far(), &|| false, false) {
                continue;
            }
            let Some(best) = optimum(&p, &ix) else { continue };
            let bound = cg.bound.expect("every pricing exact on a small problem");
            assert!(bound <= best + 1e-6, "seed {seed}: bound {bound} above the optimum {best}");
            let lp = cg.lp_value.unwrap();
            assert!((lp - bound).abs() < 1e-4, "seed {seed}: converged, so the LP is the bound: {lp} vs {bound}");
            let dive = cg.dive(far(), f64::INFINITY, &|| false, false).expect("a dive ends with a roster");
            let rep = validate_table(&p, &dive);
            assert!(rep.hard.is_empty(), "seed {seed}: {:?}", rep.hard);
            assert!((cg.cost_of(&dive) - rep.objective).abs() < 1e-6, "seed {seed}");
            assert!(rep.objective >= best - 1e-6, "seed {seed}");
            compared += 1;
        }
        assert!(compared >= 100, "only {compared} problems compared");
    }

    /// Curtois 3 and 4: the bound lies within 1 % below the proven optimum.
    #[test]
    fn the_bound_on_curtois_3_and_4_is_close_below_their_optima() {
        for (n, best) in [(3, 1001.0), (4, 1716.0)] {
            let p = shared_instance(n);
            let ix = Index::new(&p);
            let mut cg = ColGen::new(&p, &ix).expect("the planner covers every rule of the Curtois set");
            assert!(cg.run(far(), &|| false, false));
            let bound = cg.bound.expect("exact pricing");
            assert!(bound <= best && bound >= 0.99 * best, "Curtois {n}: bound {bound}");
            assert_eq!(bound.fract(), 0.0, "whole costs: a whole bound");
        }
    }
}
