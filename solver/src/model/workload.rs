//! Workload: shifts per type, minutes per horizon and per week, nights, hourly cost.

use super::{Builder, Lin};

fn minutes(b: &Builder<'_>, i: usize, days: std::ops::Range<usize>) -> Lin {
    let p = b.p;
    let mut l = Lin::default();
    for d in days {
        if b.is_free(i, d) {
            for (k, v) in b.x_of(i, d) {
                let t = b.ix.slot_shift[*k];
                l.terms.push((*v, f64::from(p.shift_types[t].minutes)));
            }
        } else if let Some(k) = b.scope.current[i][d] {
            l.constant += f64::from(p.shift_types[b.ix.slot_shift[k]].minutes);
        }
    }
    l
}

pub(super) fn add(b: &mut Builder<'_>) {
    let p = b.p;
    let h = b.h();
    let rules = &p.rules;
    for i in b.active.clone() {
        let st = &p.staff[i];
        let c = &st.contract;
        for (t, s) in p.shift_types.iter().enumerate() {
            let Some(&lim) = c.max_shifts.get(&s.id) else { continue };
            if lim as usize >= h || (lim == 0 && rules.shifts_per_type.is_hard()) {
                continue;
            }
            let mut l = Lin::default();
            for d in 0..h {
                l.add(&b.y(i, d, t), 1.0);
            }
            b.le(l, f64::from(lim), rules.shifts_per_type, 1.0);
        }
        if c.max_minutes_total.is_some() || c.min_minutes_total.is_some() {
            let l = minutes(b, i, 0..h);
            if let Some(mx) = c.max_minutes_total {
                b.le(l.clone(), f64::from(mx), rules.total_minutes, 1.0);
            }
            if let Some(mn) = c.min_minutes_total {
                b.ge(l, f64::from(mn), rules.total_minutes, 1.0);
            }
        }
        if c.max_minutes_week.is_some() || c.min_minutes_week.is_some() {
            for wk in 0..h.div_ceil(7) {
                let days = (7 * wk)..(7 * wk + 7).min(h);
                let full = days.len() == 7;
                let l = minutes(b, i, days);
                if let Some(mx) = c.max_minutes_week {
                    b.le(l.clone(), f64::from(mx), rules.weekly_minutes, 1.0);
                }
                if let (Some(mn), true) = (c.min_minutes_week, full) {
                    b.ge(l, f64::from(mn), rules.weekly_minutes, 1.0);
                }
            }
        }
        if let Some(mx) = c.max_nights {
            let mut l = Lin::constant(f64::from(st.history.nights_worked));
            for (t, s) in p.shift_types.iter().enumerate() {
                if s.night {
                    for d in 0..h {
                        l.add(&b.y(i, d, t), 1.0);
                    }
                }
            }
            b.le(l, f64::from(mx), rules.max_nights, 1.0);
        }
        let rate = rules.cost_weight * st.hourly_cost / 60.0;
        if rate > 0.0 {
            let l = minutes(b, i, 0..h);
            b.cost_lin(&l, rate);
        }
    }
}
