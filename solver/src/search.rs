//! Search around HiGHS: a first roster by simulated annealing (`anneal`),
//! people still breaking a hard rule re-planned one at a time by the MIP;
//! then annealing and fix-and-optimise / LNS over people and windows of days
//! take turns, the time going to whichever gained more per second lately;
//! models that fit also get full-model solves with the incumbent as warm
//! start (for the bound and the proof).
//!
//! After the first roster, the first lane runs column generation over
//! people's lines (`colgen`) where the line planner covers every rule: its
//! Lagrangian bound, and a roster from a dive, offered like any other.
//!
//! On a large model whose weekend cover asks for more than the people's
//! weekend allowances can give, the first half of the time searches with
//! whole weekends asked of everybody (`whole_weekends`), and the second half
//! goes on from that roster with the real objective.
//!
//! `SolveOptions::threads` > 1 runs that search in lanes, one thread each,
//! each with its own seed: they publish and take the best roster between
//! turns (`Ctx::sync`), and a lane that proves optimality stops the
//! rest. On the smallest models lane 1 runs the full model, cold, from start
//! to end while the others search; on larger ones only lane 0 runs it,
//! between its searches.

use crate::anneal::Anneal;
use crate::line;
use crate::model::{self, MipParams, MipStatus, Scope, Table};
use crate::problem::{skill_ok, ward_ok, Assignment, Index, Problem, DAY_MINUTES};
use crate::solution::{Solution, SolveStatus, Uncovered, UncoveredReason};
use crate::start;
use crate::validate::{validate_table, Pricer, ValidationReport};
use crate::{Phase, Progress, SolveError, SolveOptions};
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Clone, Copy, Debug, PartialEq)]
struct Score {
    hard: usize,
    obj: f64,
}

impl Score {
    fn of(r: &ValidationReport) -> Score {
        Score { hard: r.hard.len(), obj: r.objective }
    }
    fn better(self, o: Score) -> bool {
        self.hard < o.hard || (self.hard == o.hard && self.obj < o.obj - 1e-7)
    }
    fn no_worse(self, o: Score) -> bool {
        self.hard < o.hard || (self.hard == o.hard && self.obj <= o.obj + 1e-7)
    }
    /// One number, hard violations first, for measuring progress.
    fn value(self) -> f64 {
        self.hard as f64 * 1e6 + self.obj
    }
}

struct Ctx<'a> {
    p: &'a Problem,
    ix: Index,
    o: &'a SolveOptions,
    t0: Instant,
    deadline: Instant,
    best: Table,
    best_rep: ValidationReport,
    best_score: Score,
    bound: Option<f64>,
    proved: bool,
    /// The full model was proved infeasible.
    infeasible: bool,
    model_objective: Option<f64>,
    /// ROTA_SOLVER_TRACE: progress of each phase on stderr (lane 0, and the
    /// full-model lane's one line).
    trace: bool,
    /// This search's number among the lanes of one solve (0: the only one
    /// given the progress callback; 1 runs the full model on the smallest models).
    lane: usize,
    /// What the lanes share; `None` when the solve has one lane.
    shared: Option<&'a Shared>,
    /// HiGHS gets the incumbent as its start (not on the full-model lane).
    warm_start: bool,
    /// person → their line planner (`None`: a rule beyond it), when the search sweeps.
    planners: Option<Vec<Option<line::Planner>>>,
}

/// What the lanes of one solve share: the best roster any of them found, and
/// whether one of them has settled the question (proved its roster optimal or
/// the model infeasible), after which the others stop.
#[derive(Default)]
struct Shared {
    best: Mutex<Option<(Score, Table)>>,
    settled: AtomicBool,
}

impl Ctx<'_> {
    /// Seconds left before the deadline; none once the caller asked to stop.
    fn remaining(&self) -> f64 {
        if self.stopped() {
            return 0.0;
        }
        self.deadline.saturating_duration_since(Instant::now()).as_secs_f64()
    }
    /// The caller asked to stop, or another lane settled the question.
    fn stopped(&self) -> bool {
        self.o.stopped() || self.shared.is_some_and(|s| s.settled.load(Ordering::Relaxed))
    }
    /// Exchange rosters with the other lanes: publish ours if it is the best
    /// so far, take the shared one if it is better than ours (and then
    /// return true: a better incumbent to report).
    fn sync(&mut self) -> bool {
        let Some(shared) = self.shared else { return false };
        let theirs = {
            let mut best = shared.best.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            match &*best {
                Some((score, table)) if score.better(self.best_score) => Some(table.clone()),
                Some((score, _)) if !self.best_score.better(*score) => None,
                _ => {
                    *best = Some((self.best_score, self.best.clone()));
                    None
                }
            }
        };
        let took = theirs.is_some_and(|table| self.offer(table, None));
        if took {
            self.trace_incumbent(format_args!("lane {}: took the shared roster", self.lane));
        }
        took
    }
    /// Tell the other lanes to stop: this lane proved its roster optimal or the model infeasible.
    fn settle(&self) {
        if let Some(shared) = self.shared {
            shared.settled.store(true, Ordering::Relaxed);
        }
    }
    /// Tell the progress callback, if any (only lane 0 has one).
    fn report(&self, phase: Phase) {
        report(self.o, phase, self.t0, self.best_rep.objective, self.bound);
    }
    /// ROTA_SOLVER_TRACE: `what`, the time and the incumbent on one line.
    fn trace_incumbent(&self, what: std::fmt::Arguments<'_>) {
        if self.trace {
            let t = self.t0.elapsed().as_secs_f64();
            eprintln!("{what} t={t:.1} obj={} hard={}", self.best_score.obj, self.best_score.hard);
        }
    }
    fn params(&self, limit: f64) -> MipParams {
        MipParams {
            time_limit: limit.min(self.remaining() - 0.02).max(0.01),
            rel_gap: self.o.relative_gap,
            seed: self.o.seed,
            warm_start: self.warm_start,
        }
    }

    /// Re-optimise the free cells; returns (status, improved?).
    fn reoptimise(&mut self, free: &[Vec<bool>], limit: f64, full: bool) -> (MipStatus, bool) {
        if self.remaining() < 0.05 {
            return (MipStatus::NoSolution, false);
        }
        let Ok(built) = model::build(self.p, &self.ix, Scope { free, current: &self.best }) else {
            return (MipStatus::NoSolution, false);
        };
        let mut prm = self.params(limit);
        let mut res = model::solve(built, &prm);
        if res.inconsistent && self.remaining() > 0.05 {
            // HiGHS found something better than it handed back: solve again without the start.
            if self.trace {
                eprintln!("  inconsistent start/solution: re-solving cold");
            }
            let Ok(built) = model::build(self.p, &self.ix, Scope { free, current: &self.best }) else {
                return (MipStatus::NoSolution, false);
            };
            prm.warm_start = false;
            prm.time_limit = limit.min(self.remaining() - 0.02).max(0.01);
            res = model::solve(built, &prm);
        }
        if full {
            if let Some(b) = res.bound {
                self.bound = Some(self.bound.map_or(b, |o: f64| o.max(b)));
            }
            if res.status == MipStatus::Optimal && !res.inconsistent {
                self.proved = true;
            }
            if res.status == MipStatus::Infeasible {
                self.infeasible = true;
            }
            if self.proved || self.infeasible {
                self.settle();
            }
        }
        if !matches!(res.status, MipStatus::Optimal | MipStatus::Feasible) {
            return (res.status, false);
        }
        let mut cand = self.best.clone();
        for (i, row) in free.iter().enumerate() {
            for (d, f) in row.iter().enumerate() {
                if *f {
                    cand[i][d] = None;
                }
            }
        }
        for (i, d, k) in &res.worked {
            cand[*i][*d] = Some(*k);
        }
        let improved = self.offer(cand, full.then_some(res.objective));
        (res.status, improved)
    }

    /// Keep `cand` if the validator ranks it no worse than the incumbent
    /// (`model_objective`: the full model's objective for it); returns whether it is better.
    fn offer(&mut self, cand: Table, model_objective: Option<f64>) -> bool {
        let rep = validate_table(self.p, &cand);
        let sc = Score::of(&rep);
        let improved = sc.better(self.best_score);
        if sc.no_worse(self.best_score) {
            if model_objective.is_some() {
                self.model_objective = model_objective;
            } else if improved {
                self.model_objective = None;
            }
            self.best = cand;
            self.best_rep = rep;
            self.best_score = sc;
        }
        improved
    }

    /// Re-plan people one at a time, in random order, each as their best line
    /// against everybody else as they stand (`line::Planner`: exact, by dynamic
    /// programming, where it covers the person's rules), until a whole pass
    /// changes nothing: a coordinate descent, each step never worse for the
    /// objective. Then, until `until`, ruin and recreate: a few alike people's
    /// lines cleared and planned again one after the other, then swept among
    /// them, the roster kept if the validator ranks it no worse.
    fn sweep(&mut self, rng: &mut ChaCha8Rng, shape: &Shape, until: Instant) -> bool {
        let p = self.p;
        // made where the search decides it has this arm
        let Some(planners) = self.planners.take() else { return false };
        let mut lines = Lines::new(p, &planners, self.best.clone());
        let mut pricer = Pricer::new(p);
        let mut order: Vec<usize> = (0..p.staff.len()).filter(|&i| planners[i].is_some()).collect();
        let before = self.best_score;
        let (mut passes, mut changed_total, mut rebuilt, mut kept) = (0usize, 0usize, 0usize, 0usize);
        let start = Instant::now();
        'passes: loop {
            order.shuffle(rng);
            let mut changed = 0;
            for &i in &order {
                if Instant::now() >= until || self.stopped() {
                    break 'passes;
                }
                changed += usize::from(lines.replan(&self.ix, &mut pricer, i, true));
            }
            passes += 1;
            changed_total += changed;
            if changed == 0 {
                break;
            }
        }
        self.offer(lines.table.clone(), None);
        while Instant::now() < until && !self.stopped() {
            let Some(&seed) = order.choose(rng) else { break };
            let k = rng.random_range(2..=RUIN_PEOPLE);
            let mut group: Vec<usize> =
                similar_staff(rng, shape, seed, k).into_iter().filter(|&i| planners[i].is_some()).collect();
            let mut trial = lines.clone();
            for &i in &group {
                trial.clear(i);
            }
            group.shuffle(rng);
            // a line planned without a bound may take a second or more (Curtois 13):
            // past `until` the rebuild is given up between two people
            let steps = group.iter().map(|&i| (i, false)).chain((0..2).flat_map(|_| group.iter().map(|&i| (i, true))));
            let mut done = true;
            for (i, bounded) in steps {
                if Instant::now() >= until || self.stopped() {
                    done = false;
                    break;
                }
                trial.replan(&self.ix, &mut pricer, i, bounded);
            }
            if !done {
                break;
            }
            rebuilt += 1;
            let score = Score::of(&validate_table(p, &trial.table));
            if score.no_worse(self.best_score) {
                kept += 1;
                lines = trial;
                self.offer(lines.table.clone(), None);
            }
        }
        if self.trace {
            eprintln!(
                "  sweep: {passes} passes, {changed_total} lines changed, {rebuilt} rebuilt, {kept} kept, {:.2}s, {} planned of {}",
                start.elapsed().as_secs_f64(),
                order.len(),
                p.staff.len()
            );
        }
        self.planners = Some(planners);
        self.best_score.better(before)
    }

    /// Column generation over people's lines (`colgen`): the LP for at most
    /// `lp` seconds, its bound kept; then a dive for at most `dive` seconds,
    /// whose roster is offered. Nothing happens when a
    /// person's rules are beyond the line planner or a slot's cover cost is
    /// not convex.
    fn colgen(&mut self, lp: f64, dive: f64) -> bool {
        let t = Instant::now();
        let Some(mut cg) = crate::colgen::ColGen::new(self.p, &self.ix) else {
            if self.trace {
                eprintln!("  colgen: not applicable");
            }
            return false;
        };
        cg.add_roster(&self.best);
        let until = (Instant::now() + Duration::from_secs_f64(lp)).min(self.deadline);
        let stop = || self.stopped();
        let converged = cg.run(until, &stop, self.trace);
        let lp_time = t.elapsed().as_secs_f64();
        let until = (Instant::now() + Duration::from_secs_f64(dive)).min(self.deadline);
        // a dive from an LP that has not converged yet still gives a roster
        // (offered, so never worse); none when the LP was given up as too slow
        let give_up = if self.best_score.hard == 0 { self.best_score.obj } else { f64::INFINITY };
        let found =
            if cg.lp_value.is_some() && !cg.too_slow { cg.dive(until, give_up, &stop, self.trace) } else { None };
        // the bound stands only if the master prices the incumbent (and the
        // dive's roster) as the validator does
        let dived = found.as_ref().map(|f| validate_table(self.p, f));
        let mut checks = Vec::new();
        if self.best_score.hard == 0 {
            checks.push((cg.cost_of(&self.best) - self.best_score.obj).abs() < 1e-6);
        }
        if let (Some(f), Some(rep)) = (&found, &dived) {
            if rep.hard.is_empty() {
                checks.push((cg.cost_of(f) - rep.objective).abs() < 1e-6);
            }
        }
        let agree = !checks.is_empty() && checks.iter().all(|c| *c);
        let (rounds, pool, lp_value, bound) = (cg.rounds, cg.pool(), cg.lp_value, cg.bound);
        drop(cg);
        if let Some(b) = bound.filter(|_| agree) {
            self.bound = Some(self.bound.map_or(b, |o: f64| o.max(b)));
        }
        let before = self.best_score;
        let dived = dived.map(|r| r.objective);
        if let Some(f) = found {
            self.offer(f, None);
        }
        if self.trace {
            eprintln!(
                "  colgen: converged={converged} rounds={rounds} pool={pool} lp={lp_value:?} bound={bound:?} agree={agree} lp_time={lp_time:.1}s dive={dived:?} (incumbent {}) total={:.1}s",
                before.obj,
                t.elapsed().as_secs_f64()
            );
        }
        self.at_bound();
        self.best_score.better(before)
    }

    /// Whether the incumbent is proved optimal by reaching the bound (then the other lanes stop).
    fn at_bound(&mut self) -> bool {
        if !self.proved && self.best_score.hard == 0 && self.bound.is_some_and(|b| self.best_score.obj <= b + 1e-6) {
            self.proved = true;
            self.settle();
        }
        self.proved
    }

    /// Anneal from the incumbent until `until` and offer the best roster seen.
    fn anneal(&mut self, rng: &mut ChaCha8Rng, until: Instant, accept: f64, relax: bool) -> bool {
        self.anneal_from(None, rng, until, accept, relax)
    }

    /// Anneal from `start` (the incumbent if `None`) until `until` and offer the best roster seen.
    fn anneal_from(
        &mut self,
        start: Option<&Table>,
        rng: &mut ChaCha8Rng,
        until: Instant,
        accept: f64,
        relax: bool,
    ) -> bool {
        let until = until.min(self.deadline);
        if until <= Instant::now() {
            return false;
        }
        let mut sa = Anneal::new(self.p, &self.ix, start.unwrap_or(&self.best));
        let stop = || self.stopped();
        let out = sa.run(rng, until, accept, relax, &stop);
        if self.trace {
            let sc = Score::of(&validate_table(self.p, &out.best));
            eprintln!("  anneal: {} moves, found hard={} obj={}", out.moves, sc.hard, sc.obj);
        }
        self.offer(out.best, None)
    }
}

fn table_from_roster(p: &Problem, ix: &Index, roster: &crate::Roster) -> Table {
    let mut t: Table = vec![vec![None; ix.h]; p.staff.len()];
    for a in &roster.assignments {
        let Some(&i) = ix.staff_by_id.get(&a.staff) else { continue };
        let d = a.day as usize;
        if d >= ix.h || t[i][d].is_some() {
            continue;
        }
        let exact =
            p.slots.iter().position(|s| s.day == a.day && s.shift == a.shift && s.ward == a.ward && s.skill == a.skill);
        let loose = || ix.eligible[i][d].iter().copied().find(|&k| p.slots[k].shift == a.shift);
        t[i][d] = exact.or_else(loose);
    }
    t
}

pub(crate) fn solve(p: &Problem, o: &SolveOptions) -> Result<Solution, SolveError> {
    let t0 = Instant::now();
    p.check().map_err(SolveError::InvalidProblem)?;
    // ROTA_NO_WHOLE_WEEKENDS: without the first half on whole weekends, to measure what it adds
    let whole = if o.warm_start.is_none() && std::env::var_os("ROTA_NO_WHOLE_WEEKENDS").is_none() {
        whole_weekends(p)
    } else {
        None
    };
    let done = |cx: Ctx<'_>| {
        report(o, Phase::Done, t0, cx.best_rep.objective, cx.bound);
        let mut sol = finish(cx);
        sol.elapsed_seconds = t0.elapsed().as_secs_f64();
        sol
    };
    let Some(q) = whole else {
        return run_lanes(p, o, t0, done);
    };
    let first = SolveOptions { time_limit: o.time_limit.mul_f64(WHOLE_WEEKENDS_SHARE), ..o.clone() };
    let start = run_lanes(&q, &first, t0, |cx| crate::Roster { assignments: assignments_of(&q, &cx.best) })?;
    // the second half reports its progress as time since the start of the whole solve
    let offset = t0.elapsed();
    let progress = o.progress.clone().map(|report| -> crate::ProgressFn {
        Arc::new(move |at: &Progress| report(&Progress { elapsed: at.elapsed + offset, ..at.clone() }))
    });
    let rest = SolveOptions {
        time_limit: o.time_limit.saturating_sub(offset),
        warm_start: Some(start),
        progress,
        ..o.clone()
    };
    run_lanes(p, &rest, Instant::now(), done)
}

/// `p` with whole weekends asked of everybody at the price of a weekend shift
/// short, for the first `WHOLE_WEEKENDS_SHARE` of a search on a large model
/// (more than `FULL_LAST_CELLS` assignment variables: no full model, only
/// local search) whose weekend cover asks for more than the people's weekend
/// allowances can give even at two shifts a weekend: then every weekend
/// worked on one day only leaves a weekend shift short that a whole one would
/// have covered. Local moves rarely turn a half weekend into a whole one (a
/// run has to move, and someone else take its first day), so the search
/// first learns whole weekends and then goes on with the real objective from
/// there. Curtois 22 (364 days, 2 721 weekend shifts asked, 2 640 allowed),
/// 600 s, one lane, seeds 1 / 2: 34 244 / 33 811 without, 32 895 / 32 993 with.
/// Where the weekend cover only just fits (Curtois 13: 482 asked, 500 allowed)
/// it did not pay: 1 661 without, 2 046 and 1 862 with (seeds 1 and 2); nor on
/// models that the full model and larger neighbourhoods reach (300 s, seeds
/// 1 / 2: Curtois 16 3 332 / 3 336 without, 3 551 / 3 336 with; 18 4 900 /
/// 5 072 without, 5 097 / 5 179 with).
/// `None` when the model is small enough for the full model, the weekend
/// cover fits, or contracts already ask for whole weekends.
fn whole_weekends(p: &Problem) -> Option<Problem> {
    let weekends: Vec<Vec<usize>> = p.weekend_days().into_iter().filter(|w| w.len() == 2).collect();
    if weekends.is_empty() || p.staff.iter().any(|s| s.contract.complete_weekends) {
        return None;
    }
    let weekend_slots: Vec<&crate::problem::Slot> =
        p.slots.iter().filter(|s| weekends.iter().flatten().any(|&d| d == s.day as usize)).collect();
    let asked: u64 = weekend_slots.iter().map(|s| u64::from(s.wanted())).sum();
    let whole = weekends.len() as u32;
    let allowed: u64 = p
        .staff
        .iter()
        .map(|s| {
            let left = s.contract.max_weekends.map_or(whole, |m| m.saturating_sub(s.history.weekends_worked));
            2 * u64::from(left.min(whole))
        })
        .sum();
    if asked <= allowed {
        return None;
    }
    // last, as the dearest test: an index of who may work what
    let cells: usize = Index::new(p).eligible.iter().flatten().map(Vec::len).sum();
    if cells <= FULL_LAST_CELLS {
        return None;
    }
    let weight = weekend_slots.iter().map(|s| s.under_weight).filter(|w| *w > 0.0).fold(f64::INFINITY, f64::min);
    if !weight.is_finite() {
        return None;
    }
    let mut q = p.clone();
    for s in &mut q.staff {
        s.contract.complete_weekends = true;
    }
    q.rules.complete_weekends = crate::problem::Mode::Soft(weight);
    Some(q)
}

/// Share of the time limit that a search on whole weekends gets first (`whole_weekends`).
const WHOLE_WEEKENDS_SHARE: f64 = 0.5;

/// The lanes of one search on `p` (one, or `o.threads` side by side), merged
/// and handed to `then`.
fn run_lanes<T>(p: &Problem, o: &SolveOptions, t0: Instant, then: impl FnOnce(Ctx<'_>) -> T) -> Result<T, SolveError> {
    let lanes = (o.threads as usize).clamp(1, MAX_LANES);
    if lanes == 1 {
        return Ok(then(search_lane(p, o, t0, 0, None)));
    }
    // Lane 0 runs with the caller's options; the others each with their own
    // seed, and without the progress callback (lane 0 reports).
    let options: Vec<SolveOptions> = (1..lanes)
        .map(|lane| SolveOptions { seed: o.seed.wrapping_add(lane as u64), progress: None, ..o.clone() })
        .collect();
    let shared = Shared::default();
    let done = std::thread::scope(|s| {
        let handles: Vec<_> = std::iter::once(o)
            .chain(&options)
            .enumerate()
            .map(|(lane, lo)| {
                let shared = &shared;
                s.spawn(move || search_lane(p, lo, t0, lane, Some(shared)))
            })
            .collect();
        handles.into_iter().map(|h| h.join()).collect::<Result<Vec<_>, _>>()
    })
    .map_err(|_| SolveError::Solver("a search lane panicked".into()))?;
    merge(done).map(then).ok_or_else(|| SolveError::Solver("no search lane ran".into()))
}

/// Tell `o`'s progress callback, if any, where the search is.
fn report(o: &SolveOptions, phase: Phase, t0: Instant, incumbent: f64, best_bound: Option<f64>) {
    if let Some(cb) = &o.progress {
        cb(&Progress { phase, elapsed: t0.elapsed(), incumbent: Some(incumbent), best_bound });
    }
}

/// Most lanes one solve runs side by side (`SolveOptions::threads`).
const MAX_LANES: usize = crate::MAX_THREADS as usize;

/// The lanes' result as one: the best roster (a proved one among equals),
/// the best bound any lane found, infeasible if any lane proved it.
fn merge(lanes: Vec<Ctx<'_>>) -> Option<Ctx<'_>> {
    let bound = lanes.iter().filter_map(|c| c.bound).reduce(f64::max);
    let infeasible = lanes.iter().any(|c| c.infeasible);
    let mut cx = lanes.into_iter().reduce(|best, cx| {
        let proved_among_equals = cx.proved && !best.proved && cx.best_score.no_worse(best.best_score);
        if cx.best_score.better(best.best_score) || proved_among_equals {
            cx
        } else {
            best
        }
    })?;
    cx.bound = bound;
    cx.infeasible = infeasible;
    Some(cx)
}

/// One search: construction, repair, then annealing and LNS by turns (and,
/// on lane 0, the full model). With more than one lane, the lanes exchange
/// their best rosters between turns through `shared`.
fn search_lane<'a>(
    p: &'a Problem,
    o: &'a SolveOptions,
    t0: Instant,
    lane: usize,
    shared: Option<&'a Shared>,
) -> Ctx<'a> {
    // at most 30 days, so that instant arithmetic cannot overflow
    let time_limit = o.time_limit.min(Duration::from_secs(30 * 86_400));
    let deadline = t0 + time_limit;
    let ix = Index::new(p);
    let n = p.staff.len();
    let h = ix.h;
    let mut rng = ChaCha8Rng::seed_from_u64(o.seed);
    let start = match &o.warm_start {
        Some(r) => table_from_roster(p, &ix, r),
        None => vec![vec![None; h]; n],
    };
    let tracing = std::env::var_os("ROTA_SOLVER_TRACE").is_some();
    let rep = validate_table(p, &start);
    let mut cx = Ctx {
        p,
        o,
        t0,
        deadline,
        best_score: Score::of(&rep),
        best: start,
        best_rep: rep,
        bound: None,
        proved: false,
        infeasible: false,
        model_objective: None,
        trace: lane == 0 && tracing,
        ix,
        lane,
        shared,
        warm_start: true,
        planners: None,
    };
    let cells: usize = cx.ix.eligible.iter().flatten().map(Vec::len).sum();
    let limit = time_limit.as_secs_f64();
    // With more than one lane (`shared`), the smallest models get a lane of
    // their own for the full model (lane 1), and lane 0 searches throughout
    // like the others; not when the caller may stop the search
    // (`SolveOptions::stop`): that lane's one long HiGHS solve would not see the stop.
    let full_lane = shared.is_some() && cells <= FULL_LANE_CELLS && o.stop.is_none();
    if full_lane && lane == 1 {
        cx.trace = tracing;
        full_model_lane(&mut cx);
        return cx;
    }

    let trace = cx.trace;
    // time limit of one neighbourhood's model
    let sub_limit = (limit / 120.0).clamp(0.3, 3.0);
    // ROTA_NO_ANNEAL: LNS alone (constructing with the MIP), to measure what annealing adds
    let no_sa = std::env::var_os("ROTA_NO_ANNEAL").is_some();
    // Tiny problems: the full model directly.
    if cells <= 400 || std::env::var_os("ROTA_FULL_ONLY").is_some() {
        if lane == 0 {
            let free = vec![vec![true; h]; n];
            cx.reoptimise(&free, limit, true);
        }
        return cx;
    }

    // Phase 1: a first roster, unless we have one. Two annealing runs, each
    // given half of the construction time, and the better roster kept: one from
    // the contracts' rhythm (`start::rhythm`) with the hard rules at full weight
    // throughout, so that its dense lines are reshaped but not given up — what
    // tight contracts need (Curtois 22: no hard violation left on 49 of 50
    // people, against 40 people short from the empty roster); one from the
    // empty roster with the hard rules relaxed at first, so that cover shapes
    // the lines — what loose contracts and small instances prefer. Then each
    // person still breaking a hard rule is re-planned alone by the MIP, the
    // others fixed (two rounds, below).
    if o.warm_start.is_none() {
        cx.report(Phase::Construct);
        if !no_sa {
            let half = time_limit.mul_f64(CONSTRUCT_SHARE / 2.0);
            let rhythm = start::rhythm(p, &cx.ix, &mut rng);
            cx.anneal_from(Some(&rhythm), &mut rng, Instant::now() + half, CONSTRUCT_ACCEPT, false);
            cx.trace_incumbent(format_args!("annealed from the rhythm"));
            let empty = vec![vec![None; h]; n];
            cx.anneal_from(Some(&empty), &mut rng, Instant::now() + half, CONSTRUCT_ACCEPT, true);
            cx.trace_incumbent(format_args!("annealed from the empty roster"));
        }
    }
    // A start that breaks hard rules (constructed, or given: a caller's roster,
    // or the roster of the whole-weekend half of the search) is repaired.
    if o.warm_start.is_none() || !cx.best_rep.hard.is_empty() {
        if trace {
            for v in &cx.best_rep.hard {
                eprintln!("  hard after annealing: {:?} {:?} day {:?}: {}", v.family, v.staff, v.day, v.detail);
            }
        }
        let mut order = if no_sa { (0..n).collect() } else { breaking_rules(&cx.best_rep, &cx.ix, n) };
        order.shuffle(&mut rng);
        if trace {
            eprintln!(
                "annealed t={:.1} obj={} hard={} repair {} people",
                t0.elapsed().as_secs_f64(),
                cx.best_score.obj,
                cx.best_score.hard,
                order.len()
            );
        }
        // Round 0 gives each person at most REPAIR_PERSON neighbourhood limits, so
        // that the many people of a long horizon do not take the whole time; round 1
        // gives those still breaking a rule half of what is left between them.
        for round in 0..2 {
            if round == 1 {
                if no_sa || cx.best_rep.hard.is_empty() {
                    break;
                }
                order = breaking_rules(&cx.best_rep, &cx.ix, n);
            }
            for (pos, &i) in order.iter().enumerate() {
                let left = (order.len() - pos) as f64;
                let mut per = (cx.remaining() * 0.5 / left).max(0.05);
                if round == 0 && !no_sa {
                    // a few people share a budget; many get a neighbourhood limit each
                    per = per.min((REPAIR_PERSON * sub_limit).max(REPAIR_BUDGET * limit / order.len() as f64));
                }
                let mut free = vec![vec![false; h]; n];
                free[i] = vec![true; h];
                cx.reoptimise(&free, per, false);
            }
            cx.trace_incumbent(format_args!("repair round {round}"));
        }
    }
    cx.sync();
    cx.report(Phase::Lns);

    // Column generation over people's lines (lane 0; the others search on):
    // its bound, and a roster from a dive, if every person's rules are within
    // the line planner and its first round shows the LP can converge in its time.
    if lane == 0 && !no_sa && std::env::var_os("ROTA_NO_COLGEN").is_none() {
        cx.colgen(COLGEN_LP_SHARE * limit, COLGEN_DIVE_SHARE * limit);
        cx.sync();
        cx.report(Phase::Lns);
    }

    // Phase 2: LNS, alternating with the full model.
    // Models that fit hand the LNS incumbent to HiGHS on the full model (warm
    // start). Small models do so after 30 % of the time for up to half of what
    // is left (a probe first, the rest only if the probe improved the roster or
    // left it within 1 % of the bound), then LNS resumes from whatever the full
    // model found until the end (on Curtois 4-9 each phase finds improvements
    // the other missed; LNS after the full model gained most on 6-9). Mid-size
    // models run LNS to 85 % and the full model gets the rest (bound, proof).
    // (lane 0 only, unless lane 1 runs it: the other lanes keep searching meanwhile)
    let has_full = lane == 0 && cells <= FULL_LAST_CELLS && !full_lane;
    let first_lns_end = if !has_full {
        deadline
    } else if cells <= SMALL_CELLS {
        t0 + time_limit.mul_f64(0.3)
    } else {
        t0 + time_limit.mul_f64(0.85)
    };
    cx.trace_incumbent(format_args!("construct done cells={cells}"));
    let per_cell = (cells as f64 / (n.max(1) * h.max(1)) as f64).max(0.1);
    // Adaptive LNS: per neighbourhood kind a size (free staff-days) and a weight.
    let init = (150.0 / per_cell).max(7.0).min((n * h) as f64);
    let mut sizes = [init; KINDS];
    let shape = Shape::new(p, &cx.ix);
    let mut weights = [1.0f64; KINDS];
    let mut lns_end = first_lns_end;
    // Annealing and LNS take turns in bursts; each turn goes to the one that
    // gained more per second in its recent bursts (an untried one first,
    // sometimes the other one), so the time follows what works on the instance.
    let burst = (limit / 30.0).clamp(0.5, 10.0);
    let mut rate = [f64::INFINITY; ARMS];
    // the arms this search has: LNS alone without annealing (ROTA_NO_ANNEAL); the
    // sweep only when asked for (ROTA_SWEEP: measured in the tenth sitting of
    // docs/benchmarks.md, where it did not pay) and if the line planner covers
    // someone's rules
    let mut arms = vec![LNS];
    if !no_sa {
        arms.push(ANNEAL);
    }
    if !no_sa && std::env::var_os("ROTA_SWEEP").is_some() {
        let planners = (0..n).map(|i| line::Planner::new(p, &cx.ix, i)).collect::<Vec<_>>();
        if planners.iter().any(Option::is_some) {
            arms.push(SWEEP);
        }
        cx.planners = Some(planners);
    }
    let mut arm = LNS;
    loop {
        let mut stale = 0usize;
        while Instant::now() < lns_end && cx.remaining() > 0.1 && !cx.at_bound() {
            let turn_end = (Instant::now() + Duration::from_secs_f64(burst)).min(lns_end);
            let before = cx.best_score.value();
            let turn_start = Instant::now();
            if arm == ANNEAL {
                cx.anneal(&mut rng, turn_end, TURN_ACCEPT, false);
            }
            if arm == SWEEP {
                cx.sweep(&mut rng, &shape, turn_end);
            }
            while arm == LNS && Instant::now() < turn_end && cx.remaining() > 0.1 {
                let total: f64 = weights.iter().sum();
                let mut pick = rng.random_range(0.0..total);
                let mut kind = 0;
                while kind + 1 < KINDS && pick >= weights[kind] {
                    pick -= weights[kind];
                    kind += 1;
                }
                let before_value = cx.best_score.value();
                let hot = hot_spots(p, &cx.best_rep, &cx.best, &cx.ix.slot_shift, h);
                let free = neighbourhood(&mut rng, kind, &shape, sizes[kind], &hot);
                let t = Instant::now();
                let (status, improved) = cx.reoptimise(&free, sub_limit, false);
                let took = t.elapsed().as_secs_f64();
                if trace {
                    let nfree: usize = free.iter().flatten().filter(|f| **f).count();
                    eprintln!(
                        "lns t={:.1} kind={kind} size={:.0} free={nfree} {status:?} took={took:.2} obj={} hard={}",
                        cx.t0.elapsed().as_secs_f64(),
                        sizes[kind],
                        cx.best_score.obj,
                        cx.best_score.hard
                    );
                }
                let max_size = (n * h) as f64;
                if status == MipStatus::Optimal && took < 0.1 * sub_limit {
                    sizes[kind] = (sizes[kind] * 1.3).min(max_size);
                } else if status == MipStatus::Optimal && took < 0.25 * sub_limit {
                    sizes[kind] = (sizes[kind] * 1.15).min(max_size);
                } else if status != MipStatus::Optimal {
                    sizes[kind] = (sizes[kind] * 0.8).max(4.0);
                }
                weights[kind] = 0.9 * weights[kind] + reward(before_value - cx.best_score.value(), took / sub_limit);
                weights[kind] = weights[kind].max(0.1);
                if improved {
                    stale = 0;
                    cx.report(Phase::Lns);
                } else {
                    stale += 1;
                    if stale >= 40 {
                        // stuck: try larger neighbourhoods
                        for sz in &mut sizes {
                            *sz = (*sz * 1.5).min(max_size);
                        }
                        stale = 0;
                    }
                }
            }
            let gain = (before - cx.best_score.value()).max(0.0) / turn_start.elapsed().as_secs_f64().max(1e-3);
            rate[arm] = if rate[arm].is_finite() { 0.5 * rate[arm] + 0.5 * gain } else { gain };
            if trace {
                eprintln!("turn {} gain/s={gain:.2} rates={rate:?}", ["anneal", "lns", "sweep"][arm]);
            }
            if cx.sync() {
                cx.report(Phase::Lns);
            }
            arm = next_arm(&mut rng, arm, &rate, &arms);
        }
        // Full model with the incumbent as warm start.
        if !has_full || cx.remaining() <= 0.5 {
            break;
        }
        cx.report(Phase::FullModel);
        let rem = cx.remaining();
        let free = vec![vec![true; h]; n];
        if rem < LAST_FULL_SHARE * limit {
            // the last phase: the rest of the time, for the bound and the proof
            let r = cx.reoptimise(&free, rem, true);
            cx.trace_incumbent(format_args!("full {r:?} bound={:?}", cx.bound));
            break;
        }
        // Mid-run: half of what is left, given in two parts: a probe, and the
        // rest only if the probe improved the incumbent or left it within
        // `CLOSE_GAP` of the bound, close to a proof (Curtois 3: 1 007 against the
        // optimum 1 001 as bound after the probe). Otherwise (Curtois 16 and 18:
        // 104 s of full model at 300 s found nothing, while the LNS after it kept
        // gaining) the LNS gets the time instead, and the bound the probe found stands.
        let slice = rem * 0.5;
        let probe = slice.min(PROBE_SHARE * limit);
        let (status, improved) = cx.reoptimise(&free, probe, true);
        cx.trace_incumbent(format_args!("full probe {status:?} improved={improved} bound={:?}", cx.bound));
        let close =
            cx.best_score.hard == 0 && cx.bound.is_some_and(|b| relative_gap(cx.best_score.obj, b) <= CLOSE_GAP);
        if (improved || close) && !cx.proved && !cx.infeasible && slice - probe > 0.5 {
            let r = cx.reoptimise(&free, slice - probe, true);
            cx.trace_incumbent(format_args!("full {r:?} bound={:?}", cx.bound));
        }
        if cx.proved || cx.infeasible || cx.remaining() <= 0.5 {
            break;
        }
        // back to LNS from the (possibly new) incumbent, to the end
        lns_end = deadline;
    }
    cx
}

/// The full-model lane: HiGHS on the whole model from the start of the solve,
/// cold (no roster as start), in one solve to the deadline; a proof stops
/// every lane, otherwise `merge` weighs its roster against the others' at the
/// end. Cold, because HiGHS's own heuristics did better without an incumbent
/// (two lanes, 60 s: Curtois 5 at 1 156 cold, against 1 246 started from the
/// lanes' first roster; at 120 s, 3 proved in 1.4 s cold against 15.7 s, 4 in
/// 67.9 s against 65.4 s); in one solve, because a restart loses HiGHS's
/// search tree (started from the first roster, 4 was proved within 60 s in
/// one solve, not in two halves).
fn full_model_lane(cx: &mut Ctx<'_>) {
    cx.warm_start = false;
    let free = vec![vec![true; cx.ix.h]; cx.p.staff.len()];
    let (status, improved) = cx.reoptimise(&free, cx.remaining(), true);
    cx.trace_incumbent(format_args!("lane {} full {status:?} improved={improved} bound={:?}", cx.lane, cx.bound));
}

/// Share of the time limit below which lane 0's full model takes all that is left.
const LAST_FULL_SHARE: f64 = 0.3;

const KINDS: usize = 7;
/// Share of the time limit for the first roster by annealing (two runs of half of it).
const CONSTRUCT_SHARE: f64 = 0.1;
/// Longest first re-planning of one person after it, in neighbourhood time
/// limits (two were measured too: Curtois 22 ended worse on both seeds tried).
const REPAIR_PERSON: f64 = 1.0;
/// Share of the time limit that the first re-planning round may take whatever
/// the number of people in it: one person short of two shifts after the
/// construction of Curtois 22 costs 4 600 when re-planned within 3 s.
const REPAIR_BUDGET: f64 = 0.05;
/// Probability that a typical worsening move is accepted at the start of a
/// construction, and of an improving turn (which starts from the incumbent).
const CONSTRUCT_ACCEPT: f64 = 0.5;
const TURN_ACCEPT: f64 = 0.05;
/// Share of the turns that go to the search that gained less lately.
const EXPLORE: f64 = 0.1;
/// The two searches that take turns.
const ANNEAL: usize = 0;
const LNS: usize = 1;
/// People re-planned one at a time by their best line (`Ctx::sweep`).
const SWEEP: usize = 2;
const ARMS: usize = 3;
/// Most people whose lines one ruin-and-recreate step of a sweep clears.
const RUIN_PEOPLE: usize = 4;
/// Shares of the time limit for column generation's LP and for its dive.
const COLGEN_LP_SHARE: f64 = 0.2;
const COLGEN_DIVE_SHARE: f64 = 0.1;

/// The arm of the next turn among `arms`: an untried one first; else the one
/// that gained most per second lately, or (with probability `EXPLORE`, and on a
/// tie) another one at random.
fn next_arm(rng: &mut ChaCha8Rng, arm: usize, rate: &[f64; ARMS], arms: &[usize]) -> usize {
    if let [only] = arms {
        return *only;
    }
    if let Some(&untried) = arms.iter().find(|&&a| !rate[a].is_finite()) {
        return untried;
    }
    let explore = rng.random_bool(EXPLORE);
    let best = arms.iter().copied().max_by(|&a, &b| rate[a].total_cmp(&rate[b])).unwrap_or(LNS);
    let tie = arms.iter().any(|&a| a != best && rate[a] == rate[best]);
    let others: Vec<usize> = arms.iter().copied().filter(|&a| a != arm).collect();
    match others.as_slice() {
        [] => best,
        [other] if explore || tie => *other,
        _ if explore || tie => others.choose(rng).copied().unwrap_or(best),
        _ => best,
    }
}

/// What one neighbourhood solve adds to its kind's weight: more for a larger
/// gain and for a faster solve (`share`: its time over the neighbourhood
/// limit), nothing for a solve that found nothing. Counting each improvement
/// alike made kinds that ran into the limit every time keep their share: on
/// Curtois 13 and 18 the solves stopped by the limit took half of the LNS time
/// for a tenth of its gain.
fn reward(gain: f64, share: f64) -> f64 {
    if gain <= 1e-7 {
        return 0.0;
    }
    let speed = (0.25 / share.max(1e-3)).clamp(0.25, 4.0);
    0.5 * speed * (1.0 + gain.ln_1p() / 5.0)
}

/// `(objective - bound) / max(|objective|, 1)`, never negative: the gap a
/// `Solution` reports, and what the mid-run probe compares with `CLOSE_GAP`.
fn relative_gap(objective: f64, bound: f64) -> f64 {
    ((objective - bound) / objective.abs().max(1.0)).max(0.0)
}

/// People named by a hard violation (everybody if one names nobody, e.g. a hard cover minimum).
fn breaking_rules(rep: &ValidationReport, ix: &Index, n: usize) -> Vec<usize> {
    if rep.hard.iter().any(|v| v.staff.is_none()) {
        return (0..n).collect();
    }
    let mut out: Vec<usize> =
        rep.hard.iter().filter_map(|v| v.staff.as_ref().and_then(|s| ix.staff_by_id.get(s)).copied()).collect();
    out.sort_unstable();
    out.dedup();
    out
}
/// Models with at most this many assignment variables give the first LNS epoch at most 30 % of the time.
const SMALL_CELLS: usize = 5_000;
/// Share of the time limit that the mid-run full model gets first (the rest of
/// its slice only if it improved the incumbent in that time, or left it within
/// `CLOSE_GAP` of the bound).
const PROBE_SHARE: f64 = 0.1;
/// Relative gap between the incumbent and the bound after the probe within which
/// the full model keeps the rest of its slice even without a better roster.
const CLOSE_GAP: f64 = 0.01;
/// Models with at most this many assignment variables, solved in more than one
/// lane, give the full model a lane of its own (`full_model_lane`): proofs come
/// sooner (two lanes at 120 s: Curtois 3, 598 variables, proved in 1.4 s
/// against 44.1 s; 4, 468 variables, proved in 67.9 s against 1 719 unproved),
/// while on larger models the second searching lane paid more (a lane started
/// from the first roster, at 300 s: 16 (2 250 variables) 3 335 against 3 324;
/// 18 (4 104) 4 890 against 4 687).
const FULL_LANE_CELLS: usize = 1_500;
/// Models with at most this many assignment variables end with the full model.
const FULL_LAST_CELLS: usize = 30_000;

/// Where the current roster pays: days with cover cost, people with soft cost,
/// and the slots off target (day, shift type, under-covered?).
struct HotSpots<'a> {
    days: Vec<usize>,
    staff: Vec<usize>,
    slots: Vec<(usize, usize, bool)>,
    /// person → minutes they may still work before their horizon maximum.
    room: Vec<u64>,
    /// The current roster.
    table: &'a Table,
}

impl HotSpots<'_> {
    /// The slots short of their target.
    fn unders(&self) -> Vec<&(usize, usize, bool)> {
        self.slots.iter().filter(|s| s.2).collect()
    }

    /// Person `i` has no shift on day `d` in the current roster.
    fn off(&self, i: usize, d: usize) -> bool {
        self.table.get(i).and_then(|r| r.get(d)).is_some_and(Option::is_none)
    }
}

fn hot_spots<'a>(
    p: &Problem,
    rep: &ValidationReport,
    table: &'a Table,
    slot_shift: &[usize],
    h: usize,
) -> HotSpots<'a> {
    let n = table.len();
    let mut days: Vec<usize> =
        rep.slots.iter().filter(|s| s.assigned != s.target).map(|s| s.day as usize).filter(|d| *d < h).collect();
    days.dedup();
    let staff = rep.staff.iter().enumerate().filter(|(i, s)| *i < n && s.cost > 0.0).map(|(i, _)| i).collect();
    let slots = rep
        .slots
        .iter()
        .filter(|s| s.assigned != s.target && (s.day as usize) < h)
        .filter_map(|s| slot_shift.get(s.slot).map(|&t| (s.day as usize, t, s.assigned < s.target)))
        .collect();
    let room = (0..n)
        .map(|i| {
            let max = p.staff[i].contract.max_minutes_total.map_or(u64::MAX, u64::from);
            max.saturating_sub(rep.staff.get(i).map_or(0, |s| s.minutes))
        })
        .collect();
    HotSpots { days, staff, slots, room, table }
}

/// Static shape of the instance for the neighbourhoods.
struct Shape {
    n: usize,
    h: usize,
    /// staff → shift type → eligible on at least one day.
    types: Vec<Vec<bool>>,
}

impl Shape {
    fn new(p: &Problem, ix: &Index) -> Shape {
        let nt = p.shift_types.len();
        let types = ix
            .eligible
            .iter()
            .map(|days| {
                let mut v = vec![false; nt];
                for &k in days.iter().flatten() {
                    if let Some(t) = ix.slot_shift.get(k) {
                        if let Some(x) = v.get_mut(*t) {
                            *x = true;
                        }
                    }
                }
                v
            })
            .collect();
        Shape { n: p.staff.len(), h: ix.h, types }
    }

    /// Jaccard similarity of the shift types two people can work.
    fn similarity(&self, a: usize, b: usize) -> f64 {
        let (x, y) = (&self.types[a], &self.types[b]);
        let both = x.iter().zip(y).filter(|(p, q)| **p && **q).count();
        let any = x.iter().zip(y).filter(|(p, q)| **p || **q).count();
        if any == 0 {
            1.0
        } else {
            both as f64 / any as f64
        }
    }
}

/// A roster being re-planned line by line (`Ctx::sweep`): the people's line
/// planners, the table, and each slot's count.
#[derive(Clone)]
struct Lines<'a> {
    planners: &'a [Option<line::Planner>],
    table: Table,
    count: Vec<u32>,
}

impl<'a> Lines<'a> {
    fn new(p: &'a Problem, planners: &'a [Option<line::Planner>], table: Table) -> Lines<'a> {
        let count = model::slot_counts(&table, p.slots.len());
        Lines { planners, table, count }
    }

    /// Person `i` off every day.
    fn clear(&mut self, i: usize) {
        for k in self.table[i].iter_mut().filter_map(Option::take) {
            self.count[k] -= 1;
        }
    }

    /// Give person `i` their best line against the others; with `bounded`,
    /// only a line better than theirs (unless theirs breaks a rule). Returns
    /// whether the line changed.
    fn replan(&mut self, ix: &Index, pricer: &mut Pricer<'_>, i: usize, bounded: bool) -> bool {
        let Some(planner) = &self.planners[i] else { return false };
        for k in self.table[i].iter().flatten() {
            self.count[*k] -= 1;
        }
        let count = &self.count;
        let mut cover = |k: usize| line::cover_cost(pricer, k, count[k] + 1) - line::cover_cost(pricer, k, count[k]);
        let (costs, slot, now) = planner.cell_costs(ix, &self.table[i], &mut cover);
        let bound = if bounded && pricer.person(i, &self.table[i]).hard == 0 { now } else { f64::INFINITY };
        let mut changed = false;
        if let Some(l) = planner.plan(&costs, bound) {
            let row = l.cells(&slot);
            changed = row != self.table[i];
            self.table[i] = row;
        }
        for k in self.table[i].iter().flatten() {
            self.count[*k] += 1;
        }
        changed
    }
}

/// `k` people: `seed` and those most alike to it (with random tie-breaking).
fn similar_staff(rng: &mut ChaCha8Rng, sh: &Shape, seed: usize, k: usize) -> Vec<usize> {
    let mut cand: Vec<(f64, usize)> =
        (0..sh.n).filter(|&j| j != seed).map(|j| (sh.similarity(seed, j) + rng.random_range(0.0..0.5), j)).collect();
    cand.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut out = vec![seed];
    out.extend(cand.iter().take(k.saturating_sub(1)).map(|c| c.1));
    out
}

fn neighbourhood(rng: &mut ChaCha8Rng, kind: usize, sh: &Shape, size: f64, hot: &HotSpots<'_>) -> Vec<Vec<bool>> {
    let (n, h) = (sh.n, sh.h);
    let mut free = vec![vec![false; h]; n];
    let mut staff: Vec<usize> = (0..n).collect();
    staff.shuffle(rng);
    if !hot.staff.is_empty() && rng.random_bool(0.5) {
        let first = hot.staff[rng.random_range(0..hot.staff.len())];
        if let Some(pos) = staff.iter().position(|&i| i == first) {
            staff.swap(0, pos);
        }
    }
    if kind == 3 && h > 8 {
        // everybody on a few short windows around days that pay for cover
        // windows of four days, fewer and shorter as the size shrinks (to one of
        // two days): on 120 people (Curtois 13) two windows of four days timed
        // out at every size, the floor of the old rule
        let len = ((size / n as f64).round() as usize).clamp(2, 4).min(h);
        let m = ((size / (n * len) as f64).round() as usize).clamp(1, (h / len).max(1));
        for _ in 0..m {
            let a = if !hot.days.is_empty() && rng.random_bool(0.8) {
                let d = hot.days[rng.random_range(0..hot.days.len())];
                d.saturating_sub(rng.random_range(0..len)).min(h - len)
            } else {
                rng.random_range(0..=h - len)
            };
            for row in &mut free {
                for f in &mut row[a..a + len] {
                    *f = true;
                }
            }
        }
        return free;
    }
    if kind == 4 && n > 0 {
        // a few people who can work the same shift types, over the whole horizon
        let k = ((size / h.max(1) as f64).round() as usize).clamp(2.min(n), n);
        for i in similar_staff(rng, sh, staff[0], k) {
            free[i] = vec![true; h];
        }
        return free;
    }
    if kind == 5 && !hot.slots.is_empty() && n > 0 && h > 0 {
        // around one slot off target: the people who can work its shift type, on a window
        let unders = hot.unders();
        let &(d, t, _) = if !unders.is_empty() && rng.random_bool(0.8) {
            unders[rng.random_range(0..unders.len())]
        } else {
            &hot.slots[rng.random_range(0..hot.slots.len())]
        };
        let mut cand: Vec<usize> = staff.iter().copied().filter(|&i| sh.types[i].get(t) == Some(&true)).collect();
        if cand.is_empty() {
            cand = staff.clone();
        }
        let len = ((size / cand.len() as f64).round() as usize).clamp(3.min(h), h);
        let k = ((size / len as f64).round() as usize).clamp(1, cand.len());
        let a = d.saturating_sub(rng.random_range(0..len)).min(h - len);
        for &i in cand.iter().take(k) {
            for f in &mut free[i][a..a + len] {
                *f = true;
            }
        }
        return free;
    }
    if kind == 6 && n > 0 && h > 0 {
        // an under-covered slot's chain: people who can work its shift type, most
        // of them off that day or with minutes to spare, over the whole horizon,
        // and everybody on that day, so that the work can be passed along
        let unders = hot.unders();
        if let Some(&&(d, t, _)) = unders.get(rng.random_range(0..unders.len().max(1))) {
            let mut cand: Vec<(f64, usize)> = (0..n)
                .filter(|&i| sh.types[i].get(t) == Some(&true))
                .map(|i| {
                    let off = hot.off(i, d);
                    let room = hot.room.get(i).copied().unwrap_or(0) > 0;
                    (f64::from(u8::from(off)) + f64::from(u8::from(room)) + rng.random_range(0.0..1.5), i)
                })
                .collect();
            cand.sort_by(|a, b| b.0.total_cmp(&a.0));
            let k = ((size / h as f64).round() as usize).clamp(2, n);
            for &(_, i) in cand.iter().take(k) {
                free[i] = vec![true; h];
            }
            for row in &mut free {
                row[d] = true;
            }
            return free;
        }
    }
    let (k, len) = match kind {
        // a few people over the whole horizon
        0 => (((size / h as f64).round() as usize).clamp(1, n), h),
        // everybody on a window of days
        1 => (n, ((size / n as f64).round() as usize).clamp(2.min(h), h)),
        // half the people on a window twice as long
        _ => {
            let k = n.div_ceil(2).max(1);
            (k, ((size / k as f64).round() as usize).clamp(2.min(h), h))
        }
    };
    let a = if len < h && !hot.days.is_empty() && rng.random_bool(0.7) {
        let d = hot.days[rng.random_range(0..hot.days.len())];
        d.saturating_sub(rng.random_range(0..len)).min(h - len)
    } else {
        rng.random_range(0..=h - len)
    };
    for &i in staff.iter().take(k) {
        for f in &mut free[i][a..a + len] {
            *f = true;
        }
    }
    free
}

fn finish(cx: Ctx<'_>) -> Solution {
    let p = cx.p;
    let rep = cx.best_rep;
    let assignments = assignments_of(p, &cx.best);
    let feasible = rep.hard.is_empty();
    let objective = rep.objective;
    let bound = cx.bound.map(|b| b.min(objective));
    let gap = bound.map(|b| relative_gap(objective, b));
    let optimal = feasible
        && (cx.proved && cx.model_objective.is_some()
            || gap.is_some_and(|g| g <= cx.o.relative_gap.max(1e-9))
            || bound.is_some_and(|b| objective - b < 1.0 - 1e-6 && objective.fract() == 0.0 && b.ceil() >= objective));
    let status = if optimal {
        SolveStatus::Optimal
    } else if feasible {
        SolveStatus::Feasible
    } else if cx.infeasible {
        SolveStatus::Infeasible
    } else {
        SolveStatus::TimeLimit
    };
    let uncovered = explain_uncovered(p, &cx.ix, &cx.best, &rep);
    Solution {
        status,
        assignments,
        objective,
        best_bound: bound,
        gap,
        model_objective: cx.model_objective,
        cost_by_family: rep.cost_by_family.clone(),
        staff: rep.staff.clone(),
        slots: rep.slots.clone(),
        uncovered,
        hard_violations: rep.hard.len(),
        elapsed_seconds: cx.t0.elapsed().as_secs_f64(),
    }
}

/// The roster `table` holds, as assignments.
fn assignments_of(p: &Problem, table: &Table) -> Vec<Assignment> {
    let mut out = Vec::new();
    for (i, row) in table.iter().enumerate() {
        for (d, c) in row.iter().enumerate() {
            if let Some(k) = c {
                let s = &p.slots[*k];
                out.push(Assignment {
                    staff: p.staff[i].id.clone(),
                    day: d as u32,
                    shift: s.shift.clone(),
                    ward: s.ward.clone(),
                    skill: s.skill.clone(),
                });
            }
        }
    }
    out
}

fn explain_uncovered(p: &Problem, ix: &Index, table: &Table, rep: &ValidationReport) -> Vec<Uncovered> {
    let mut out = Vec::new();
    for s in &rep.slots {
        if s.assigned >= s.target.max(s.min) {
            continue;
        }
        let k = s.slot;
        let d = s.day as usize;
        let t = ix.slot_shift[k];
        let st = &p.shift_types[t];
        let qualified: Vec<usize> = (0..p.staff.len())
            .filter(|&i| skill_ok(&p.staff[i], s.skill.as_deref(), s.day) && ward_ok(&p.staff[i], &s.ward))
            .collect();
        let reason = if qualified.is_empty() {
            UncoveredReason::NobodyEligible
        } else {
            let avail: Vec<usize> = qualified.iter().copied().filter(|&i| ix.eligible[i][d].contains(&k)).collect();
            if avail.is_empty() {
                UncoveredReason::Unavailability
            } else {
                let idle: Vec<usize> = avail.iter().copied().filter(|&i| table[i][d].is_none()).collect();
                if idle.is_empty() {
                    UncoveredReason::BusyElsewhere
                } else {
                    let mut any_free = false;
                    let mut any_rest = false;
                    for &i in &idle {
                        let c = &p.staff[i].contract;
                        let mins = rep.staff.get(i).map_or(0, |x| x.minutes);
                        let per_type = table[i].iter().flatten().filter(|&&kk| ix.slot_shift[kk] == t).count() as u32;
                        let at_max = c.max_minutes_total.is_some_and(|m| mins + u64::from(st.minutes) > u64::from(m))
                            || c.max_shifts.get(&st.id).is_some_and(|&m| per_type >= m);
                        let rest_block = [-1i64, 1].iter().any(|&off| {
                            let j = d as i64 + off;
                            if j < 0 || j as usize >= ix.h {
                                return false;
                            }
                            let Some(kk) = table[i][j as usize] else { return false };
                            let other = &p.shift_types[ix.slot_shift[kk]];
                            let (a, b) = if off < 0 { (other, st) } else { (st, other) };
                            let forbidden = a.forbidden_next.contains(&b.id);
                            let gap = DAY_MINUTES + i64::from(b.start_minute) - a.end_minute();
                            forbidden || c.min_rest_minutes.is_some_and(|r| gap < i64::from(r))
                        });
                        if rest_block {
                            any_rest = true;
                        } else if !at_max {
                            any_free = true;
                        }
                    }
                    if any_free {
                        UncoveredReason::CostTradeOff
                    } else if any_rest {
                        UncoveredReason::RestOrSuccession
                    } else {
                        UncoveredReason::AllAtMaxHours
                    }
                }
            }
        };
        out.push(Uncovered {
            slot: k,
            day: s.day,
            shift: s.shift.clone(),
            ward: s.ward.clone(),
            skill: s.skill.clone(),
            assigned: s.assigned,
            target: s.target,
            reason,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::curtois::shared_instance;

    /// Three people over five days and two shift types; person 2 cannot work type 1.
    fn shape() -> Shape {
        Shape { n: 3, h: 5, types: vec![vec![true, true], vec![true, true], vec![true, false]] }
    }

    /// Person 1 is off all week and has minutes to spare; 0 and 2 work every day.
    fn roster() -> Table {
        vec![vec![Some(0); 5], vec![None; 5], vec![Some(0); 5]]
    }

    fn hot(slots: Vec<(usize, usize, bool)>, table: &Table) -> HotSpots<'_> {
        HotSpots { days: Vec::new(), staff: Vec::new(), slots, room: vec![0, 60, 0], table }
    }

    #[test]
    fn a_cover_chain_frees_whole_lines_of_people_who_can_work_the_short_slot_and_everybody_on_its_day() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for _ in 0..50 {
            // type 1 is short on day 3: only people 0 and 1 can work it
            let free = neighbourhood(&mut rng, 6, &shape(), 10.0, &hot(vec![(3, 1, true), (1, 0, false)], &roster()));
            assert_eq!(free[0], vec![true; 5]);
            assert_eq!(free[1], vec![true; 5]);
            assert_eq!(free[2], vec![false, false, false, true, false]);
        }
    }

    #[test]
    fn a_small_window_neighbourhood_frees_one_window_of_two_days_for_everybody() {
        let sh = Shape { n: 3, h: 20, types: vec![vec![true]; 3] };
        let table = vec![vec![None; 20]; 3];
        let hot = hot(Vec::new(), &table);
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        for _ in 0..20 {
            let free = neighbourhood(&mut rng, 3, &sh, 6.0, &hot);
            assert_eq!(free.iter().flatten().filter(|f| **f).count(), 6);
            let days: Vec<usize> = (0..20).filter(|&d| free[0][d]).collect();
            assert_eq!(days.len(), 2);
            assert_eq!(days[1], days[0] + 1);
            assert!(free.iter().all(|row| row == &free[0]));
        }
    }

    /// Whole weekends first only where the weekend cover asks for more than the
    /// allowances give and the model is too large for the full model: Curtois
    /// 22 (2 721 weekend shifts asked, 2 640 allowed) gets them, at the price of
    /// a weekend shift short for each half weekend, for everybody; 13 (its cover
    /// fits: 482 asked, 500 allowed) and 18 (scarce, but a small model) do not.
    #[test]
    fn whole_weekends_first_where_weekends_are_scarce_on_a_large_model() {
        let q = whole_weekends(&shared_instance(22)).expect("Curtois 22 starts on whole weekends");
        assert!(q.staff.iter().all(|s| s.contract.complete_weekends));
        assert_eq!(q.rules.complete_weekends, crate::problem::Mode::Soft(100.0));
        assert!(whole_weekends(&shared_instance(13)).is_none());
        assert!(whole_weekends(&shared_instance(18)).is_none());
    }

    #[test]
    fn a_solve_that_found_nothing_earns_its_kind_nothing_and_faster_or_larger_gains_earn_more() {
        assert_eq!(reward(0.0, 0.1), 0.0);
        assert!(reward(100.0, 0.5) > reward(1.0, 0.5));
        assert!(reward(1.0, 0.05) > reward(1.0, 1.0));
        assert!(reward(1.0, 1.0) > 0.0);
    }

    /// The sweep's step: a person's best line against the others never makes the
    /// roster worse by the validator (hard rules first), and from the empty roster
    /// one pass leaves no rule broken on Curtois 3.
    #[test]
    fn replanning_a_line_never_makes_the_roster_worse() {
        let p = shared_instance(3);
        let ix = Index::new(&p);
        let planners: Vec<_> = (0..p.staff.len()).map(|i| line::Planner::new(&p, &ix, i)).collect();
        assert!(planners.iter().all(Option::is_some));
        let mut lines = Lines::new(&p, &planners, vec![vec![None; ix.h]; p.staff.len()]);
        let mut pricer = Pricer::new(&p);
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let mut score = Score::of(&validate_table(&p, &lines.table));
        assert!(score.hard > 0);
        for pass in 0..3 {
            let mut order: Vec<usize> = (0..p.staff.len()).collect();
            order.shuffle(&mut rng);
            for i in order {
                lines.replan(&ix, &mut pricer, i, true);
                let now = Score::of(&validate_table(&p, &lines.table));
                assert!(now.no_worse(score), "pass {pass} person {i}: {now:?} after {score:?}");
                score = now;
            }
            assert_eq!(score.hard, 0, "pass {pass}");
        }
        // a ruined line planned without a bound is planned again, never worse than nothing
        lines.clear(0);
        lines.replan(&ix, &mut pricer, 0, false);
        assert_eq!(Score::of(&validate_table(&p, &lines.table)).hard, 0);
    }

    #[test]
    fn the_next_turn_goes_to_an_untried_arm_then_to_the_best_and_only_to_arms_the_search_has() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut rate = [f64::INFINITY; ARMS];
        assert_eq!(next_arm(&mut rng, LNS, &rate, &[LNS]), LNS);
        rate[LNS] = 2.0;
        assert_eq!(next_arm(&mut rng, LNS, &rate, &[LNS, ANNEAL]), ANNEAL);
        rate[ANNEAL] = 1.0;
        // mostly the best, sometimes (exploring) the other
        let picks: Vec<usize> = (0..200).map(|_| next_arm(&mut rng, LNS, &rate, &[LNS, ANNEAL])).collect();
        assert!(picks.iter().filter(|&&a| a == LNS).count() > 150);
        assert!(picks.contains(&ANNEAL), "sometimes the other arm");
        // on a tie, the other one
        rate[ANNEAL] = 2.0;
        assert_eq!(next_arm(&mut rng, LNS, &rate, &[LNS, ANNEAL]), ANNEAL);
        assert_eq!(next_arm(&mut rng, ANNEAL, &rate, &[LNS, ANNEAL]), LNS);
        // an arm the search lacks is never picked, however well it did
        rate[SWEEP] = 5.0;
        assert!((0..100).all(|_| next_arm(&mut rng, LNS, &rate, &[LNS, ANNEAL]) != SWEEP));
    }

    #[test]
    fn without_a_short_slot_the_cover_chain_still_frees_something() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let free = neighbourhood(&mut rng, 6, &shape(), 10.0, &hot(vec![(1, 0, false)], &roster()));
        assert!(free.iter().flatten().any(|f| *f));
    }
}
