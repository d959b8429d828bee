//! Total shifts over the counting period: history shifts + Σ_d w[d] within [min, max].

use super::{Builder, Lin};

pub(super) fn add(b: &mut Builder<'_>) {
    let p = b.p;
    let mode = p.rules.total_shifts;
    for i in b.active.clone() {
        let st = &p.staff[i];
        let c = &st.contract;
        if c.min_shifts_total.is_none() && c.max_shifts_total.is_none() {
            continue;
        }
        let mut l = Lin::constant(f64::from(st.history.shifts_worked));
        for d in 0..b.h() {
            l.add(&b.w(i, d), 1.0);
        }
        if let Some(mx) = c.max_shifts_total {
            b.le(l.clone(), f64::from(mx), mode, 1.0);
        }
        if let Some(mn) = c.min_shifts_total {
            b.ge(l, f64::from(mn), mode, 1.0);
        }
    }
}
