//! MILP model over good_lp/HiGHS, one file per rule family.
//!
//! The model can be built for the whole roster or for a neighbourhood: cells
//! (staff, day) outside `Scope::free` are constants taken from the current
//! roster, and rows that contain no variable are left out. Every variable gets
//! a start value computed from the current roster so HiGHS gets a complete
//! warm start.

mod complete_weekends;
mod cover;
mod days_off;
mod requests;
mod sequences;
mod shift_runs;
mod stability;
mod succession;
mod total_shifts;
mod weekends;
mod workload;

use crate::problem::{Index, Mode, Problem};
use good_lp::{constraint, variable, Expression, ProblemVariables, SolverModel, Variable};

/// Column index of a model variable (creation order = HiGHS column order).
pub(crate) type Col = usize;
use std::ffi::CString;

/// staff → day → slot index (`None` = off).
pub(crate) type Table = Vec<Vec<Option<usize>>>;

/// Slot → people assigned to it in `table` (of `slots` slots).
pub(crate) fn slot_counts(table: &Table, slots: usize) -> Vec<u32> {
    let mut count = vec![0u32; slots];
    for k in table.iter().flatten().flatten() {
        if let Some(c) = count.get_mut(*k) {
            *c += 1;
        }
    }
    count
}

/// A linear expression with a constant, kept as a plain list.
#[derive(Clone, Debug, Default)]
pub(crate) struct Lin {
    pub terms: Vec<(Col, f64)>,
    pub constant: f64,
}

impl Lin {
    pub fn constant(c: f64) -> Lin {
        Lin { terms: Vec::new(), constant: c }
    }
    pub fn var(v: Col) -> Lin {
        Lin { terms: vec![(v, 1.0)], constant: 0.0 }
    }
    pub fn add(&mut self, other: &Lin, coef: f64) {
        self.terms.extend(other.terms.iter().map(|(v, c)| (*v, c * coef)));
        self.constant += other.constant * coef;
    }
    pub fn has_vars(&self) -> bool {
        !self.terms.is_empty()
    }
    fn expr(&self, cols: &[Variable]) -> Expression {
        let mut e = Expression::from(0.0);
        for (v, c) in &self.terms {
            e.add_mul(*c, cols[*v]);
        }
        e
    }
}

/// Which cells the model may change.
pub(crate) struct Scope<'a> {
    /// staff → day → may change.
    pub free: &'a [Vec<bool>],
    /// Current roster: constants for fixed cells, start values for free ones.
    pub current: &'a [Vec<Option<usize>>],
}

pub(crate) struct Builder<'a> {
    pub p: &'a Problem,
    pub ix: &'a Index,
    pub scope: Scope<'a>,
    vars: ProblemVariables,
    cols: Vec<Variable>,
    start: Vec<f64>,
    rows: Vec<(Lin, f64, f64)>,
    obj: Vec<(Col, f64)>,
    pub offset: f64,
    /// staff → day → eligible (slot, x variable) when free.
    x: Vec<Vec<Vec<(usize, Col)>>>,
    /// staff → day → worked indicator when free and eligible somewhere.
    w: Vec<Vec<Option<Lin>>>,
    /// staff with at least one free day.
    pub active: Vec<usize>,
}

impl<'a> Builder<'a> {
    fn new(p: &'a Problem, ix: &'a Index, scope: Scope<'a>) -> Builder<'a> {
        let n = p.staff.len();
        Builder {
            p,
            ix,
            scope,
            vars: ProblemVariables::new(),
            cols: Vec::new(),
            start: Vec::new(),
            rows: Vec::new(),
            obj: Vec::new(),
            offset: 0.0,
            x: vec![vec![Vec::new(); ix.h]; n],
            w: vec![vec![None; ix.h]; n],
            active: Vec::new(),
        }
    }

    pub fn h(&self) -> usize {
        self.ix.h
    }

    /// A new column. Integer columns include the slacks of rows whose terms are
    /// all integral: then the objective is integral too, and HiGHS can round its
    /// bound up and cut on those rows (a proof of Curtois 4 within a minute
    /// needs it).
    pub fn new_var(&mut self, integer: bool, lo: f64, hi: f64, start: f64) -> Col {
        let v = if integer && lo == 0.0 && hi == 1.0 {
            self.vars.add(variable().binary())
        } else if integer {
            self.vars.add(variable().integer().min(lo).max(hi))
        } else {
            self.vars.add(variable().min(lo).max(hi))
        };
        self.start.push(start);
        self.cols.push(v);
        self.cols.len() - 1
    }

    pub fn start_of(&self, lin: &Lin) -> f64 {
        lin.constant + lin.terms.iter().map(|(v, c)| c * self.start[*v]).sum::<f64>()
    }

    pub fn cost(&mut self, v: Col, c: f64) {
        if c != 0.0 {
            self.obj.push((v, c));
        }
    }

    pub fn cost_lin(&mut self, lin: &Lin, c: f64) {
        self.offset += lin.constant * c;
        for (v, k) in &lin.terms {
            self.obj.push((*v, k * c));
        }
    }

    /// Hard row `lo <= lin <= hi` (skipped when it has no variable).
    pub fn row(&mut self, lin: Lin, lo: f64, hi: f64) {
        if lin.has_vars() {
            let k = lin.constant;
            self.rows.push((lin, lo - k, hi - k));
        }
    }

    /// `lin <= rhs`, hard or with a slack costing `weight` per unit.
    pub fn le(&mut self, mut lin: Lin, rhs: f64, mode: Mode, unit_weight: f64) {
        if !lin.has_vars() {
            if let Mode::Soft(w) = mode {
                self.offset += w * unit_weight * (lin.constant - rhs).max(0.0);
            }
            return;
        }
        match mode {
            Mode::Hard => self.row(lin, f64::NEG_INFINITY, rhs),
            Mode::Soft(w) => {
                let s0 = (self.start_of(&lin) - rhs).max(0.0);
                let integral = (rhs - lin.constant).fract() == 0.0 && lin.terms.iter().all(|(_, c)| c.fract() == 0.0);
                let s = self.new_var(integral, 0.0, f64::INFINITY, s0);
                self.cost(s, w * unit_weight);
                lin.terms.push((s, -1.0));
                self.row(lin, f64::NEG_INFINITY, rhs);
            }
        }
    }

    /// `lin >= rhs`, hard or soft.
    pub fn ge(&mut self, mut lin: Lin, rhs: f64, mode: Mode, unit_weight: f64) {
        lin.constant = -lin.constant;
        for t in &mut lin.terms {
            t.1 = -t.1;
        }
        self.le(lin, -rhs, mode, unit_weight);
    }

    pub fn is_free(&self, i: usize, d: usize) -> bool {
        self.scope.free[i][d]
    }

    /// Works shift type `t` on day `d`.
    pub fn y(&self, i: usize, d: usize, t: usize) -> Lin {
        if self.is_free(i, d) {
            let mut l = Lin::default();
            for (k, v) in &self.x[i][d] {
                if self.ix.slot_shift[*k] == t {
                    l.terms.push((*v, 1.0));
                }
            }
            l
        } else {
            let on = self.scope.current[i][d].is_some_and(|k| self.ix.slot_shift[k] == t);
            Lin::constant(f64::from(u8::from(on)))
        }
    }

    /// Works on day `d` (inside the horizon).
    pub fn w(&self, i: usize, d: usize) -> Lin {
        if self.is_free(i, d) {
            self.w[i][d].clone().unwrap_or_default()
        } else {
            Lin::constant(f64::from(u8::from(self.scope.current[i][d].is_some())))
        }
    }

    /// Works on day `j` (may be before day 0, from history); `None` = unknown.
    pub fn w_ext(&self, i: usize, j: i64) -> Option<Lin> {
        if j >= 0 {
            return ((j as usize) < self.h()).then(|| self.w(i, j as usize));
        }
        let hist = &self.p.staff[i].history;
        let back = (-j) as u32;
        if hist.consecutive_days_worked > 0 {
            if back <= hist.consecutive_days_worked {
                Some(Lin::constant(1.0))
            } else if back == hist.consecutive_days_worked + 1 {
                Some(Lin::constant(0.0))
            } else {
                None
            }
        } else if hist.consecutive_days_off > 0 && back <= hist.consecutive_days_off {
            Some(Lin::constant(0.0))
        } else if hist.consecutive_days_off > 0 && back == hist.consecutive_days_off + 1 {
            // the days off in a row are all of them: the day before was worked
            Some(Lin::constant(1.0))
        } else {
            None
        }
    }

    /// Works shift type `t` on day `j` (may be before day 0, from history); `None` = unknown.
    /// Before day 0 the run of `last_shift` has `consecutive_same_shift` days (at least 1),
    /// preceded by a day that is not of that type.
    pub fn y_ext(&self, i: usize, j: i64, t: usize) -> Option<Lin> {
        if j >= 0 {
            return ((j as usize) < self.h()).then(|| self.y(i, j as usize, t));
        }
        let hist = &self.p.staff[i].history;
        let back = (-j) as u32;
        let zero = Some(Lin::constant(0.0));
        if hist.consecutive_days_worked == 0 && back <= hist.consecutive_days_off {
            return zero;
        }
        if hist.consecutive_days_worked > 0 && back == hist.consecutive_days_worked + 1 {
            return zero;
        }
        let last = hist.last_shift.as_ref().and_then(|s| self.ix.shift_by_id.get(s)).copied()?;
        let run = hist.consecutive_same_shift.max(1);
        if back <= run {
            Some(Lin::constant(f64::from(u8::from(last == t))))
        } else if back == run + 1 && last == t {
            zero
        } else {
            None
        }
    }

    /// Slots of staff `i` on free day `d` with their variables.
    pub fn x_of(&self, i: usize, d: usize) -> &[(usize, Col)] {
        &self.x[i][d]
    }

    fn make_assignment_vars(&mut self) {
        let n = self.p.staff.len();
        for i in 0..n {
            let mut any = false;
            for d in 0..self.h() {
                if !self.scope.free[i][d] {
                    continue;
                }
                any = true;
                let cur = self.scope.current[i][d];
                let slots = self.ix.eligible[i][d].clone();
                let mut xs = Vec::with_capacity(slots.len());
                for k in slots {
                    let v = self.new_var(true, 0.0, 1.0, f64::from(u8::from(cur == Some(k))));
                    xs.push((k, v));
                }
                // one shift per day; w = worked
                let w = match xs.len() {
                    0 => None,
                    1 => Some(Lin::var(xs[0].1)),
                    _ => {
                        let wv = self.new_var(true, 0.0, 1.0, f64::from(u8::from(cur.is_some())));
                        let mut l = Lin::default();
                        for (_, v) in &xs {
                            l.terms.push((*v, 1.0));
                        }
                        l.terms.push((wv, -1.0));
                        self.row(l, 0.0, 0.0);
                        Some(Lin::var(wv))
                    }
                };
                if let (Some(Some(_)), Some(w)) = (self.ix.pin[i][d], &w) {
                    self.row(w.clone(), 1.0, 1.0);
                }
                self.x[i][d] = xs;
                self.w[i][d] = w;
            }
            if any {
                self.active.push(i);
            }
        }
    }
}

/// A built model ready for HiGHS.
pub(crate) struct Built {
    model: highs::Model,
    start: Vec<f64>,
    /// (staff, day, slot, column)
    x: Vec<(usize, usize, usize, usize)>,
    pub offset: f64,
    integral: bool,
    pub n_cols: usize,
    obj: Vec<(Col, f64)>,
}

pub(crate) fn build(p: &Problem, ix: &Index, scope: Scope<'_>) -> Result<Built, String> {
    let mut b = Builder::new(p, ix, scope);
    b.make_assignment_vars();
    cover::add(&mut b);
    requests::add(&mut b);
    workload::add(&mut b);
    sequences::add(&mut b);
    days_off::add(&mut b);
    shift_runs::add(&mut b);
    total_shifts::add(&mut b);
    succession::add(&mut b);
    weekends::add(&mut b);
    complete_weekends::add(&mut b);
    stability::add(&mut b);

    let mut x = Vec::new();
    for i in 0..p.staff.len() {
        for d in 0..ix.h {
            for (k, v) in &b.x[i][d] {
                x.push((i, d, *k, *v));
            }
        }
    }
    let integral = b.obj.iter().all(|(_, c)| c.fract() == 0.0);
    let mut objective = Expression::from(0.0);
    for (v, c) in &b.obj {
        objective.add_mul(*c, b.cols[*v]);
    }
    let n_cols = b.start.len();
    let mut prob = b.vars.minimise(objective).using(good_lp::highs);
    for (lin, lo, hi) in &b.rows {
        let e = lin.expr(&b.cols);
        if lo == hi {
            prob = prob.with(constraint!(e == *lo));
        } else {
            if lo.is_finite() {
                prob = prob.with(constraint!(e.clone() >= *lo));
            }
            if hi.is_finite() {
                prob = prob.with(constraint!(e <= *hi));
            }
        }
    }
    let model = prob.try_into_inner().map_err(|e| e.to_string())?;
    Ok(Built { model, start: b.start, x, offset: b.offset, integral, n_cols, obj: b.obj })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MipStatus {
    Optimal,
    Feasible,
    NoSolution,
    Infeasible,
}

pub(crate) struct MipResult {
    pub status: MipStatus,
    /// Roster cells of the free part: (staff, day, slot) worked.
    pub worked: Vec<(usize, usize, usize)>,
    pub objective: f64,
    pub bound: Option<f64>,
    /// HiGHS reported a better objective than the columns it returned.
    pub inconsistent: bool,
}

pub(crate) struct MipParams {
    pub time_limit: f64,
    pub rel_gap: f64,
    pub seed: u64,
    pub warm_start: bool,
}

/// Threads of every HiGHS solve: the parallelism is in the search lanes. One
/// number for the whole process, because HiGHS sets up its thread scheduler
/// once, at the first solve, with that model's count, and a later model asking
/// for another one gets "Option 'threads' is set to 1 but the scheduler has
/// already been initialized to use 2 threads" and does not solve at all (met
/// in the ninth sitting: one model left at HiGHS's default, every
/// neighbourhood after it failed).
pub(crate) const HIGHS_THREADS: i32 = 1;

/// HiGHS's `kSolutionStatusFeasible`.
const PRIMAL_FEASIBLE: i64 = 2;

pub(crate) fn solve(built: Built, prm: &MipParams) -> MipResult {
    let Built { mut model, start, x, offset, integral, n_cols, obj } = built;
    if n_cols == 0 {
        return MipResult {
            status: MipStatus::Optimal,
            worked: Vec::new(),
            objective: offset,
            bound: Some(offset),
            inconsistent: false,
        };
    }
    model.make_quiet();
    if std::env::var_os("ROTA_HIGHS_LOG").is_some() {
        let _ = model.try_set_option("output_flag", true);
        let _ = model.try_set_option("log_to_console", true);
    }
    let _ = model.try_set_option("time_limit", prm.time_limit.max(0.01));
    let _ = model.try_set_option("mip_rel_gap", prm.rel_gap.max(0.0));
    if integral {
        let _ = model.try_set_option("mip_abs_gap", 0.999);
    }
    let _ = model.try_set_option("threads", HIGHS_THREADS);
    let _ = model.try_set_option("random_seed", (prm.seed % 2_147_483_647) as i32);
    if prm.warm_start {
        let _ = model.try_set_solution(Some(&start), None, None, None);
    }
    let Ok(solved) = model.try_solve() else {
        return MipResult {
            status: MipStatus::NoSolution,
            worked: Vec::new(),
            objective: f64::INFINITY,
            bound: None,
            inconsistent: false,
        };
    };
    use highs::HighsModelStatus as S;
    // Read the info value directly: `primal_solution_status()` panics when HiGHS
    // leaves its info invalid (-1, e.g. a run that stopped before solving).
    let has_sol = solved.int_info_value(c"primal_solution_status") == Ok(PRIMAL_FEASIBLE);
    let status = match solved.status() {
        S::Optimal if has_sol => MipStatus::Optimal,
        S::Infeasible | S::UnboundedOrInfeasible => MipStatus::Infeasible,
        _ if has_sol => MipStatus::Feasible,
        _ => MipStatus::NoSolution,
    };
    let bound = CString::new("mip_dual_bound")
        .ok()
        .and_then(|n| solved.double_info_value(&n).ok())
        .filter(|b| b.is_finite())
        .map(|b| b + offset);
    let mut worked = Vec::new();
    let mut objective = f64::INFINITY;
    let mut inconsistent = false;
    if has_sol {
        let sol = solved.get_solution();
        let cols = sol.columns();
        for (i, d, k, c) in &x {
            if cols.get(*c).is_some_and(|v| *v > 0.5) {
                worked.push((*i, *d, *k));
            }
        }
        // The objective of the columns HiGHS hands back. With a start solution,
        // HiGHS 1.16 can report the objective of a better solution while
        // returning the start's columns; the caller then re-solves cold. Seen
        // (Curtois 18, 2026-12-06, 12 cases): the reported objective 1 or 2 below
        // the start's, every column equal to the start, status Optimal (bound =
        // reported objective) or Feasible at the time limit.
        objective = offset + obj.iter().map(|(c, k)| k * cols.get(*c).copied().unwrap_or(0.0)).sum::<f64>();
        let reported = solved.objective_value() + offset;
        if (objective - reported).abs() > 1e-6 * objective.abs().max(1.0) {
            inconsistent = true;
        }
    }
    MipResult { status, worked, objective, bound, inconsistent }
}
