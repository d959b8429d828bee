//! Max worked weekends: indicator k[n] >= w[Sat], k[n] >= w[Sun]; Σ k <= max.

use super::{Builder, Lin};
use std::collections::BTreeMap;

pub(super) fn add(b: &mut Builder<'_>) {
    let p = b.p;
    let h = b.h();
    let mut weekends: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
    for d in 0..h {
        if let Some(n) = p.weekend_of(d as i64) {
            weekends.entry(n).or_default().push(d);
        }
    }
    for i in b.active.clone() {
        let st = &p.staff[i];
        let Some(mx) = st.contract.max_weekends else { continue };
        if weekends.len() as u32 + st.history.weekends_worked <= mx {
            continue;
        }
        let mut total = Lin::constant(f64::from(st.history.weekends_worked));
        for days in weekends.values() {
            let ws: Vec<Lin> = days.iter().map(|&d| b.w(i, d)).collect();
            if ws.iter().all(|l| !l.has_vars()) {
                let worked = ws.iter().any(|l| l.constant > 0.5);
                total.constant += f64::from(u8::from(worked));
            } else if ws.len() == 1 {
                total.add(&ws[0], 1.0);
            } else {
                let k0 = ws.iter().map(|l| b.start_of(l)).fold(0.0, f64::max);
                let k = b.new_var(true, 0.0, 1.0, k0);
                for l in ws {
                    let mut row = Lin::var(k);
                    row.add(&l, -1.0);
                    b.row(row, 0.0, f64::INFINITY);
                }
                total.terms.push((k, 1.0));
            }
        }
        b.le(total, f64::from(mx), p.rules.max_weekends, 1.0);
    }
}
