//! Rest and forbidden successions: one row per (shift, day, gap k):
//! y[i,d,t] + Σ_{u ∈ C(t,k)} y[i,d+k,u] <= 1, where C holds the shift types
//! that are forbidden after t (k = 1) or start less than min-rest after t ends.

use super::{Builder, Lin};
use crate::problem::DAY_MINUTES;

pub(super) fn add(b: &mut Builder<'_>) {
    let p = b.p;
    let h = b.h() as i64;
    let nt = p.shift_types.len();
    for i in b.active.clone() {
        let st = &p.staff[i];
        let rest = st.contract.min_rest_minutes.map(i64::from);
        // conflicts[t][k-1] = shift types u in conflict on day d+k
        let mut conflicts = vec![vec![Vec::new(); 3]; nt];
        for (t, s) in p.shift_types.iter().enumerate() {
            for k in 1..=3i64 {
                for (u, su) in p.shift_types.iter().enumerate() {
                    let forbidden = k == 1 && s.forbidden_next.contains(&su.id);
                    let gap = k * DAY_MINUTES + i64::from(su.start_minute) - s.end_minute();
                    if forbidden || rest.is_some_and(|r| gap < r) {
                        conflicts[t][(k - 1) as usize].push(u);
                    }
                }
            }
        }
        if conflicts.iter().all(|c| c.iter().all(Vec::is_empty)) {
            continue;
        }
        let last = st.history.last_shift.as_ref().and_then(|t| b.ix.shift_by_id.get(t)).copied();
        for d in -1..h - 1 {
            // skip windows with no free cell quickly
            let lo = d.max(0) as usize;
            let hi = (d + 3).min(h - 1) as usize;
            if !(lo..=hi).any(|j| b.is_free(i, j)) {
                continue;
            }
            for (t, conf) in conflicts.iter().enumerate() {
                let first =
                    if d < 0 { Lin::constant(f64::from(u8::from(last == Some(t)))) } else { b.y(i, d as usize, t) };
                if !first.has_vars() && first.constant < 0.5 {
                    continue;
                }
                for k in 1..=3i64 {
                    let cs = &conf[(k - 1) as usize];
                    if cs.is_empty() || d + k >= h {
                        continue;
                    }
                    let mut l = first.clone();
                    for &u in cs {
                        l.add(&b.y(i, (d + k) as usize, u), 1.0);
                    }
                    b.le(l, 1.0, p.rules.succession, 1.0);
                }
            }
        }
    }
}
