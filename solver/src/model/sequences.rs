//! Consecutive-day rules on the worked indicator w (history extends the line
//! before day 0; an unknown past counts as off for the maximum and exempts
//! blocks touching day 0 from the minimums; blocks touching the last day are
//! exempt from the minimums).
//! - max consecutive days: sliding windows Σ_{j=d}^{d+c} w[j] <= c;
//! - min consecutive days / days off, hard: start variables v[j] >= w[j] - w[j-1]
//!   (stop variables for days off) and Σ_{j=d-m+1}^{d} v[j] <= w[d] — the
//!   min-up/min-down formulation of Rajan & Takriti, the convex hull of one
//!   person's min-length rule, stronger than pattern rows;
//! - min consecutive days / days off, soft: forbid the patterns "off, s on, off"
//!   (resp. "on, s off, on") for s < minimum, each with a slack costing
//!   weight × (minimum − s).

use super::{Builder, Lin};

/// Add the start/stop (min-up/min-down) rows next to the pattern rows for hard
/// minimums. Measured on Curtois 4 and 5 (60 s): the pattern rows alone give
/// HiGHS a better bound and incumbent, so this is off.
const START_ROWS: bool = false;

pub(super) fn add(b: &mut Builder<'_>) {
    let p = b.p;
    let h = b.h() as i64;
    let rules = &p.rules;
    for i in b.active.clone() {
        let c = &p.staff[i].contract;
        let free_in = |b: &Builder<'_>, a: i64, z: i64| (a.max(0)..=z.min(h - 1)).any(|j| b.is_free(i, j as usize));
        if let Some(cmax) = c.max_consecutive_days.map(i64::from) {
            for d in -cmax..(h - cmax) {
                if !free_in(b, d, d + cmax) {
                    continue;
                }
                let mut l = Lin::default();
                for j in d..=d + cmax {
                    if let Some(w) = b.w_ext(i, j) {
                        l.add(&w, 1.0);
                    }
                }
                b.le(l, cmax as f64, rules.max_consecutive_days, 1.0);
            }
        }
        for (minimum, on, mode) in [
            (c.min_consecutive_days, true, rules.min_consecutive_days),
            (c.min_consecutive_days_off, false, rules.min_consecutive_days_off),
        ] {
            let Some(m) = minimum.map(i64::from) else { continue };
            if m <= 1 {
                continue;
            }
            if mode.is_hard() && START_ROWS {
                start_rows(b, i, m, on);
            }
            for s in 1..m {
                // pattern days d .. d+s+1, inner days d+1..=d+s; need d+s >= 0, d+s+1 <= h-1
                for d in (-s - 1)..(h - s - 1) {
                    if !free_in(b, d, d + s + 1) {
                        continue;
                    }
                    let mut l = Lin::default();
                    let mut known = true;
                    for j in d..=d + s + 1 {
                        let Some(w) = b.w_ext(i, j) else {
                            known = false;
                            break;
                        };
                        let inner = j > d && j <= d + s;
                        // on-pattern: -w[d] + Σ w[inner] - w[d+s+1] <= s-1
                        // off-pattern: w[d] - Σ w[inner] + w[d+s+1] <= 1
                        let coef = if inner == on { 1.0 } else { -1.0 };
                        l.add(&w, coef);
                    }
                    if !known {
                        continue;
                    }
                    let rhs = if on { (s - 1) as f64 } else { 1.0 };
                    b.le(l, rhs, mode, (m - s) as f64);
                }
            }
        }
    }
}

/// Hard min-length rule for blocks of worked days (`on`) or days off.
fn start_rows(b: &mut Builder<'_>, i: usize, m: i64, on: bool) {
    let h = b.h() as i64;
    // starts[j + m - 1] for j in -(m-1)..h: a block of the kind starts on day j
    let mut starts: Vec<Option<Lin>> = Vec::with_capacity((h + m) as usize);
    for j in -(m - 1)..h {
        let (Some(cur), Some(prev)) = (b.w_ext(i, j), b.w_ext(i, j - 1)) else {
            starts.push(None);
            continue;
        };
        let mut delta = Lin::default();
        let (a, z) = if on { (&cur, &prev) } else { (&prev, &cur) };
        delta.add(a, 1.0);
        delta.add(z, -1.0);
        if !delta.has_vars() {
            starts.push((delta.constant > 0.5).then(|| Lin::constant(1.0)));
            continue;
        }
        let v0 = b.start_of(&delta).max(0.0);
        let v = b.new_var(false, 0.0, 1.0, v0);
        let mut row = Lin::var(v);
        row.add(&delta, -1.0);
        b.row(row, 0.0, f64::INFINITY);
        starts.push(Some(Lin::var(v)));
    }
    for d in 0..h {
        let mut l = Lin::default();
        for j in (d - m + 1)..=d {
            if let Some(s) = &starts[(j + m - 1) as usize] {
                l.add(s, 1.0);
            }
        }
        let w = b.w(i, d as usize);
        // on: Σ starts <= w[d];  off: Σ stops <= 1 - w[d]
        if on {
            l.add(&w, -1.0);
            b.row(l, f64::NEG_INFINITY, 0.0);
        } else {
            l.add(&w, 1.0);
            b.row(l, f64::NEG_INFINITY, 1.0);
        }
    }
}
