//! Requests to work / not to work a shift or a day (soft, weighted).

use super::Builder;

pub(super) fn add(b: &mut Builder<'_>) {
    let p = b.p;
    for r in &p.requests {
        let (Some(&i), d) = (b.ix.staff_by_id.get(&r.staff), r.day as usize) else {
            continue;
        };
        if d >= b.h() {
            continue;
        }
        let lin = match r.shift.as_ref().and_then(|t| b.ix.shift_by_id.get(t)) {
            Some(&t) => b.y(i, d, t),
            None => b.w(i, d),
        };
        if r.work {
            // weight * (1 - lin)
            b.offset += r.weight;
            b.cost_lin(&lin, -r.weight);
        } else {
            b.cost_lin(&lin, r.weight);
        }
    }
}
