//! Stability: each (staff, day) of the reference roster that changes costs `change_weight`.

use super::{Builder, Lin};

pub(super) fn add(b: &mut Builder<'_>) {
    let p = b.p;
    let wgt = p.rules.change_weight;
    if wgt <= 0.0 {
        return;
    }
    for r in &p.reference {
        let (Some(&i), d) = (b.ix.staff_by_id.get(&r.staff), r.day as usize) else {
            continue;
        };
        if d >= b.h() {
            continue;
        }
        let lin = match r.shift.as_ref().and_then(|t| b.ix.shift_by_id.get(t)) {
            Some(&t) => {
                let mut l = Lin::constant(1.0);
                l.add(&b.y(i, d, t), -1.0);
                l
            }
            None => b.w(i, d),
        };
        b.cost_lin(&lin, wgt);
    }
}
