//! A first roster in the rhythm of each contract, for the annealing to start from.
//!
//! Where the contracts leave little slack (Curtois 22: 232–234 shifts of 480
//! minutes in 364 days, runs of two to five worked days, two days off at
//! least), an annealing that starts from the empty roster builds lines of
//! short runs while cover pulls shifts about, and then cannot reach the minimum
//! minutes any more: a line of runs of three between pairs of days off has no
//! room for another shift without rebuilding several runs. This start gives
//! every person the densest legal rhythm instead — runs of their longest
//! stretch separated by their shortest break, around the days they cannot work,
//! worked weekends spread pro rata up to their maximum, capped by their total
//! minutes and shifts per type — and on each worked day the eligible slot that
//! needs people most. The annealing then moves shifts between days and people
//! from a roster that is already near the contracts.

use crate::model::Table;
use crate::problem::{Index, Problem};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// Longest stretch assumed for a contract without one (a working week).
const DEFAULT_STRETCH: u32 = 5;

/// The first roster described in the module docs; pinned cells as pinned.
pub(crate) fn rhythm(p: &Problem, ix: &Index, rng: &mut ChaCha8Rng) -> Table {
    let h = ix.h;
    let mut need: Vec<i64> = p.slots.iter().map(|s| i64::from(s.wanted())).collect();
    let mut table: Table = vec![vec![None; h]; p.staff.len()];
    // pinned work first, so that cover counts it
    for (i, row) in table.iter_mut().enumerate() {
        for (d, cell) in row.iter_mut().enumerate() {
            if let Some(Some(_)) = ix.pin[i][d] {
                if let Some(&k) = ix.eligible[i][d].first() {
                    *cell = Some(k);
                    need[k] -= 1;
                }
            }
        }
    }
    let n_weekends = p.weekend_days().len().max(1) as u32;
    let mut order: Vec<usize> = (0..p.staff.len()).collect();
    // people with fewer options first, so that they get the slots only they can take
    order.sort_by_key(|&i| ix.eligible[i].iter().map(Vec::len).sum::<usize>());
    for i in order {
        let st = &p.staff[i];
        let c = &st.contract;
        let stretch = c.max_consecutive_days.unwrap_or(DEFAULT_STRETCH).max(1);
        let rest = c.min_consecutive_days_off.unwrap_or(1).max(1);
        let min_run = c.min_consecutive_days.unwrap_or(1).clamp(1, stretch);
        let max_minutes = c.max_minutes_total.map_or(u64::MAX, u64::from);
        let max_shifts = c.max_shifts_total.map_or(u32::MAX, |m| m.saturating_sub(st.history.shifts_worked));
        let max_weekends = c.max_weekends.map(|m| m.saturating_sub(st.history.weekends_worked));
        let mut per_type = vec![0u32; p.shift_types.len()];
        let (mut minutes, mut shifts, mut weekends_worked) = (0u64, 0u32, 0u32);
        // a random phase: part-way through a run or a break
        let mut run = st.history.consecutive_days_worked;
        let mut off = st.history.consecutive_days_off;
        if run == 0 && off == 0 {
            let x = rng.random_range(0..stretch + rest);
            (run, off) = if x < stretch { (x, 0) } else { (0, x - stretch + 1) };
        }
        let (mut last_weekend, mut skip_weekend) = (None, None);
        // weekends of the horizon before the current one
        let mut passed = 0u32;
        for d in 0..h {
            let weekend = p.weekend_of(d as i64);
            if weekend.is_some() && weekend != last_weekend {
                if last_weekend.is_some() {
                    passed += 1;
                }
                last_weekend = weekend;
                // worked weekends pro rata: this one off if the person is ahead
                skip_weekend = max_weekends.filter(|&m| weekends_worked * n_weekends > m * passed).and(weekend);
            }
            let pinned = ix.pin[i][d].is_some();
            let prev = d.checked_sub(1).and_then(|e| table[i][e]).map(|k| &p.shift_types[ix.slot_shift[k]]);
            // a new run only where it can last its shortest length
            let room = |len: u32| (d..h.min(d + len as usize)).all(|e| !ix.eligible[i][e].is_empty());
            let may = !pinned
                && run < stretch
                && (run > 0 || (off >= rest && room(min_run)))
                && shifts < max_shifts
                && (weekend.is_none() || weekend != skip_weekend);
            let pick = may
                .then(|| {
                    ix.eligible[i][d]
                        .iter()
                        .copied()
                        .filter(|&k| {
                            let t = ix.slot_shift[k];
                            let s = &p.shift_types[t];
                            let cap = c.max_shifts.get(&s.id).copied().unwrap_or(u32::MAX);
                            per_type[t] < cap
                                && minutes + u64::from(s.minutes) <= max_minutes
                                && prev.is_none_or(|q| !q.forbidden_next.contains(&s.id))
                        })
                        .max_by_key(|&k| (need[k], rng.random_range(0..1_000u32)))
                })
                .flatten();
            if let Some(k) = pick {
                table[i][d] = Some(k);
                need[k] -= 1;
            }
            // the day as it now is, pinned or picked
            match table[i][d] {
                Some(k) => {
                    let t = ix.slot_shift[k];
                    per_type[t] += 1;
                    minutes += u64::from(p.shift_types[t].minutes);
                    shifts += 1;
                    if weekend.is_some()
                        && (d == 0 || p.weekend_of(d as i64 - 1) != weekend || table[i][d - 1].is_none())
                    {
                        weekends_worked += 1;
                    }
                    (run, off) = (run + 1, 0);
                }
                None => (run, off) = (0, off + 1),
            }
        }
    }
    table
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::generate::{hospital, HospitalSpec};
    use rand::SeedableRng;

    fn problems() -> Vec<Problem> {
        let mut out: Vec<Problem> =
            (0..3).map(|seed| hospital(&HospitalSpec { staff: 40, wards: 2, weeks: 4, seed })).collect();
        for i in [7, 18, 22] {
            out.push(crate::formats::curtois::shared_instance(i));
        }
        // pins: the first person works the first slot's shift on its day and is off the day after
        let mut pinned = hospital(&HospitalSpec { staff: 20, wards: 1, weeks: 2, seed: 5 });
        let (who, slot) = (pinned.staff[0].id.clone(), pinned.slots[0].clone());
        pinned.staff[0].contract.min_consecutive_days = None;
        pinned.pins.push(crate::problem::Pin { staff: who.clone(), day: slot.day, shift: Some(slot.shift) });
        pinned.pins.push(crate::problem::Pin { staff: who, day: slot.day + 1, shift: None });
        out.push(pinned);
        out
    }

    #[test]
    fn each_line_keeps_its_contract_s_stretches_breaks_and_caps() {
        for p in problems() {
            let ix = Index::new(&p);
            let table = rhythm(&p, &ix, &mut ChaCha8Rng::seed_from_u64(1));
            for (i, row) in table.iter().enumerate() {
                let c = &p.staff[i].contract;
                let (stretch, rest) =
                    (c.max_consecutive_days.unwrap_or(DEFAULT_STRETCH), c.min_consecutive_days_off.unwrap_or(1));
                let mut run = p.staff[i].history.consecutive_days_worked;
                let mut off = p.staff[i].history.consecutive_days_off;
                let (mut minutes, mut per_type) = (0u64, vec![0u32; p.shift_types.len()]);
                for (d, cell) in row.iter().enumerate() {
                    if ix.pin[i][d].is_some() {
                        assert_eq!(cell.map(|k| ix.slot_shift[k]), ix.pin[i][d].flatten(), "pin of {i} on {d}");
                    }
                    let Some(k) = cell else {
                        (run, off) = (0, off + 1);
                        continue;
                    };
                    assert!(ix.eligible[i][d].contains(k), "{i} takes a slot they may not on day {d}");
                    // a break between two runs (one at the start of the horizon may be short)
                    if run == 0 && (off as usize) < d + p.staff[i].history.consecutive_days_off as usize {
                        assert!(off >= rest, "{i} starts a run on day {d} after {off} days off");
                    }
                    (run, off) = (run + 1, 0);
                    assert!(run <= stretch, "{i} works {run} days in a row on day {d}");
                    let t = ix.slot_shift[*k];
                    per_type[t] += 1;
                    minutes += u64::from(p.shift_types[t].minutes);
                    if let Some(q) = d.checked_sub(1).and_then(|e| row[e]) {
                        assert!(
                            !p.shift_types[ix.slot_shift[q]].forbidden_next.contains(&p.shift_types[t].id),
                            "{i}: bad succession on {d}"
                        );
                    }
                }
                assert!(minutes <= c.max_minutes_total.map_or(u64::MAX, u64::from), "{i} over their minutes");
                for (t, s) in p.shift_types.iter().enumerate() {
                    assert!(
                        per_type[t] <= c.max_shifts.get(&s.id).copied().unwrap_or(u32::MAX),
                        "{i}: too many {}",
                        s.id
                    );
                }
            }
        }
    }

    #[test]
    fn a_tight_contract_starts_near_its_minimum_minutes() {
        // Curtois 22: 232–234 shifts in 364 days, runs of 2–5, breaks of 2; the empty
        // roster and a roster of short runs are both far below the minimum
        let p = crate::formats::curtois::shared_instance(22);
        let ix = Index::new(&p);
        let table = rhythm(&p, &ix, &mut ChaCha8Rng::seed_from_u64(1));
        let rep = crate::validate::validate_table(&p, &table);
        let short = rep.hard.iter().filter(|v| v.family == crate::problem::Family::TotalMinutes).count();
        assert!(short <= p.staff.len() / 4, "{short} of {} people below their minimum minutes", p.staff.len());
    }
}
