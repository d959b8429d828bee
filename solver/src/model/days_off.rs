//! Max consecutive days off: sliding windows over the off indicator 1 − w, extended
//! before day 0 by the history (unknown days count as worked), see `shift_runs::max_run`.

use super::shift_runs::max_run;
use super::{Builder, Lin};

pub(super) fn add(b: &mut Builder<'_>) {
    let p = b.p;
    for i in b.active.clone() {
        let Some(mx) = p.staff[i].contract.max_consecutive_days_off else { continue };
        let off = move |b: &Builder<'_>, j: i64| {
            b.w_ext(i, j).map(|w| {
                let mut l = Lin::constant(1.0);
                l.add(&w, -1.0);
                l
            })
        };
        max_run(b, i, &off, i64::from(mx), p.rules.max_consecutive_days_off);
    }
}
