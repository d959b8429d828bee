//! Consecutive days on the same shift type (`Contract::consecutive_shifts`), on the
//! indicator y[t] extended before day 0 by the history (the run of `last_shift`):
//! - maximum M: sliding windows Σ_{j=d}^{d+M} y[t,j] <= M, each window ending inside the
//!   horizon; a slack costs one unit per day beyond M (a window is full exactly on the
//!   days of a run past its M-th day, so history days are never charged again);
//! - minimum m: forbid the patterns "not t, s × t, not t" for s < m, with the day after
//!   the run inside the horizon (a run reaching the last day is exempt) and every day of
//!   the pattern known; the slack costs m − s units.
//!
//! The two helpers work on any 0/1 indicator line and are shared with `days_off`.

use super::{Builder, Lin};
use crate::problem::Mode;

/// Indicator of the pattern on day `j` (may be negative); `None` = unknown.
pub(super) type Indicator<'f> = &'f dyn Fn(&Builder<'_>, i64) -> Option<Lin>;

fn free_in(b: &Builder<'_>, i: usize, a: i64, z: i64) -> bool {
    let h = b.h() as i64;
    (a.max(0)..=z.min(h - 1)).any(|j| b.is_free(i, j as usize))
}

/// At most `m` consecutive days with the indicator on (unknown days count as off).
pub(super) fn max_run(b: &mut Builder<'_>, i: usize, ind: Indicator<'_>, m: i64, mode: Mode) {
    let h = b.h() as i64;
    for d in -m..(h - m) {
        if !free_in(b, i, d, d + m) {
            continue;
        }
        let mut l = Lin::default();
        for j in d..=d + m {
            if let Some(x) = ind(b, j) {
                l.add(&x, 1.0);
            }
        }
        b.le(l, m as f64, mode, 1.0);
    }
}

/// At least `m` consecutive days with the indicator on, for every run followed by a day
/// inside the horizon and preceded by a known day.
pub(super) fn min_run(b: &mut Builder<'_>, i: usize, ind: Indicator<'_>, m: i64, mode: Mode) {
    let h = b.h() as i64;
    for s in 1..m {
        // pattern days d ..= d+s+1, inner d+1 ..= d+s; the run ends on day -1 or later
        for d in (-s - 1)..(h - s - 1) {
            if !free_in(b, i, d, d + s + 1) {
                continue;
            }
            let mut l = Lin::default();
            let mut known = true;
            for j in d..=d + s + 1 {
                let Some(x) = ind(b, j) else {
                    known = false;
                    break;
                };
                let inner = j > d && j <= d + s;
                // -x[d] + Σ x[inner] - x[d+s+1] <= s - 1
                l.add(&x, if inner { 1.0 } else { -1.0 });
            }
            if known {
                b.le(l, (s - 1) as f64, mode, (m - s) as f64);
            }
        }
    }
}

pub(super) fn add(b: &mut Builder<'_>) {
    let p = b.p;
    let mode = p.rules.consecutive_shift_type;
    for i in b.active.clone() {
        for (id, lim) in &p.staff[i].contract.consecutive_shifts {
            let Some(&t) = b.ix.shift_by_id.get(id) else { continue };
            let on = move |b: &Builder<'_>, j: i64| b.y_ext(i, j, t);
            if let Some(mx) = lim.max {
                max_run(b, i, &on, i64::from(mx), mode);
            }
            if let Some(mn) = lim.min {
                min_run(b, i, &on, i64::from(mn), mode);
            }
        }
    }
}
