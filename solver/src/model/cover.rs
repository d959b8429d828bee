//! Cover: per slot, people assigned vs target (under/over slack), below min, above max.
//! With `Rules::cover_min_hard` the minimum is a hard row.

use super::{Builder, Lin};
use crate::problem::Mode;

/// Cost per missing person of a hard minimum that the current roster already breaks.
const BROKEN_MIN_WEIGHT: f64 = 10_000.0;

pub(super) fn add(b: &mut Builder<'_>) {
    let p = b.p;
    // slot -> (staff with a variable for it) collected per day.
    let mut n: Vec<Lin> = vec![Lin::default(); p.slots.len()];
    for i in 0..p.staff.len() {
        for d in 0..b.h() {
            if b.is_free(i, d) {
                for (k, v) in b.x_of(i, d) {
                    n[*k].terms.push((*v, 1.0));
                }
            } else if let Some(k) = b.scope.current[i][d] {
                if let Some(l) = n.get_mut(k) {
                    l.constant += 1.0;
                }
            }
        }
    }
    for (k, s) in p.slots.iter().enumerate() {
        let lin = std::mem::take(&mut n[k]);
        let n0 = b.start_of(&lin);
        let target = f64::from(s.target);
        if !lin.has_vars() {
            b.offset += s.under_weight * (target - n0).max(0.0) + s.over_weight * (n0 - target).max(0.0);
        } else if s.under_weight > 0.0 || s.over_weight > 0.0 {
            let u = b.new_var(true, 0.0, target, (target - n0).max(0.0));
            let o = b.new_var(true, 0.0, f64::INFINITY, (n0 - target).max(0.0));
            b.cost(u, s.under_weight);
            b.cost(o, s.over_weight);
            let mut row = lin.clone();
            row.terms.push((u, 1.0));
            row.terms.push((o, -1.0));
            b.row(row, target, target);
        }
        if s.min > 0 && p.rules.cover_min_hard {
            // Hard, unless the current roster breaks it: then a neighbourhood that cannot
            // reach the minimum would be infeasible, so the row gets a slack expensive
            // enough to be repaired first (a relaxation, so the full model's bound stays valid).
            let mode = if n0 >= f64::from(s.min) - 1e-9 { Mode::Hard } else { Mode::Soft(BROKEN_MIN_WEIGHT) };
            b.ge(lin.clone(), f64::from(s.min), mode, 1.0);
        } else if s.min > 0 && p.rules.cover_below_min_weight > 0.0 {
            b.ge(lin.clone(), f64::from(s.min), Mode::Soft(p.rules.cover_below_min_weight), 1.0);
        }
        if let Some(mx) = s.max {
            if p.rules.cover_above_max_weight > 0.0 {
                b.le(lin, f64::from(mx), Mode::Soft(p.rules.cover_above_max_weight), 1.0);
            }
        }
    }
}
