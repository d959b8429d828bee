//! Complete weekends: for each weekend with both days in the horizon,
//! w[Sat] − w[Sun] <= 0 and w[Sun] − w[Sat] <= 0 (soft: the two slacks add up to |w[Sat] − w[Sun]|).

use super::Builder;

pub(super) fn add(b: &mut Builder<'_>) {
    let p = b.p;
    let h = b.h();
    // Saturdays whose Sunday is inside the horizon
    let saturdays: Vec<usize> = (0..h.saturating_sub(1)).filter(|&d| p.weekday(d as i64) == 5).collect();
    for i in b.active.clone() {
        if !p.staff[i].contract.complete_weekends {
            continue;
        }
        for &sat in &saturdays {
            if !b.is_free(i, sat) && !b.is_free(i, sat + 1) {
                continue;
            }
            let (ws, wu) = (b.w(i, sat), b.w(i, sat + 1));
            for (a, z) in [(&ws, &wu), (&wu, &ws)] {
                let mut l = a.clone();
                l.add(z, -1.0);
                b.le(l, 0.0, p.rules.complete_weekends, 1.0);
            }
        }
    }
}
