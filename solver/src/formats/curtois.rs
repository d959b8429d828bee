//! Reader for the Curtois & Qu "Instances 1–24" text format (see
//! `shared/benchmarks/curtois/README.md`). Produces a [`Problem`] whose rules
//! express hard rules 1–9 and the objective exactly:
//! all families hard, history unknown (days before day 0 count as off for the
//! maximum-consecutive rule; blocks touching either end are exempt from the
//! minimum-length rules), one ward, no skills, cover slots with target =
//! requirement and the file's under/over weights.

use super::FormatError;
use crate::problem::{Contract, Problem, Request, Rules, ShiftType, Slot, Staff};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

const SECTIONS: [&str; 7] = [
    "SECTION_HORIZON",
    "SECTION_SHIFTS",
    "SECTION_STAFF",
    "SECTION_DAYS_OFF",
    "SECTION_SHIFT_ON_REQUESTS",
    "SECTION_SHIFT_OFF_REQUESTS",
    "SECTION_COVER",
];

/// Ward name used for every cover slot.
pub const WARD: &str = "ward";

/// Read a file from disk.
pub fn read_file(path: &Path) -> Result<Problem, FormatError> {
    let text = std::fs::read_to_string(path).map_err(|e| FormatError {
        file: String::new(),
        section: "file".into(),
        line: 0,
        message: format!("{}: {e}", path.display()),
    })?;
    let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "curtois".into());
    parse(&name, &text)
}

struct Line<'a> {
    no: usize,
    fields: Vec<&'a str>,
}

fn err(section: &str, line: usize, message: impl Into<String>) -> FormatError {
    FormatError { file: String::new(), section: section.to_string(), line, message: message.into() }
}

fn num<T: std::str::FromStr>(sec: &str, l: &Line<'_>, k: usize, what: &str) -> Result<T, FormatError> {
    let s = l.fields.get(k).ok_or_else(|| err(sec, l.no, format!("missing field {what}")))?;
    s.trim().parse::<T>().map_err(|_| err(sec, l.no, format!("{what}: cannot read {s:?} as a number")))
}

/// Parse the text of an instance.
pub fn parse(name: &str, text: &str) -> Result<Problem, FormatError> {
    // Split into sections.
    let mut sections: Vec<(usize, Vec<Line<'_>>)> = Vec::new(); // (index in SECTIONS, lines)
    let mut current: Option<usize> = None;
    let mut next_expected = 0usize;
    for (k, raw) in text.split('\n').enumerate() {
        let no = k + 1;
        let line = raw.trim_end_matches('\r').trim();
        if line.starts_with('#') {
            continue;
        }
        if line.is_empty() {
            current = None;
            continue;
        }
        if line.starts_with("SECTION_") {
            let Some(pos) = SECTIONS.iter().position(|s| *s == line) else {
                return Err(err(line, no, "unknown section"));
            };
            if pos < next_expected {
                return Err(err(
                    line,
                    no,
                    format!("section out of order (expected {})", SECTIONS[next_expected.min(6)]),
                ));
            }
            next_expected = pos + 1;
            current = Some(sections.len());
            sections.push((pos, Vec::new()));
            continue;
        }
        let Some(c) = current else {
            let prev = sections.last().map_or("start of file", |(p, _)| SECTIONS[*p]);
            return Err(err(prev, no, format!("data line outside a section: {line:?}")));
        };
        sections[c].1.push(Line { no, fields: line.split(',').collect() });
    }
    let get = |k: usize| sections.iter().find(|(p, _)| *p == k).map(|(_, l)| l.as_slice());
    let end_line = text.split('\n').count();

    // Horizon.
    let sec = SECTIONS[0];
    let hl = get(0).ok_or_else(|| err(sec, end_line, "missing section"))?;
    let first = hl.first().ok_or_else(|| err(sec, end_line, "empty section"))?;
    let h: u32 = num(sec, first, 0, "horizon")?;
    if h == 0 || h > 5000 {
        return Err(err(sec, first.no, format!("horizon {h} out of range")));
    }
    if hl.len() > 1 {
        return Err(err(sec, hl[1].no, "more than one line"));
    }

    // Shifts.
    let sec = SECTIONS[1];
    let sl = get(1).ok_or_else(|| err(sec, end_line, "missing section"))?;
    let mut shift_types = Vec::new();
    let mut shift_ids = HashSet::new();
    let mut forbid_lines = Vec::new();
    for l in sl {
        if l.fields.len() != 3 {
            return Err(err(sec, l.no, format!("expected 3 fields, found {}", l.fields.len())));
        }
        let id = l.fields[0].trim().to_string();
        if id.is_empty() || !shift_ids.insert(id.clone()) {
            return Err(err(sec, l.no, format!("empty or duplicate shift id {id:?}")));
        }
        let minutes: u32 = num(sec, l, 1, "length")?;
        if minutes == 0 || minutes > 1440 {
            return Err(err(sec, l.no, format!("shift length {minutes} out of range")));
        }
        let forbidden: Vec<String> = l.fields[2].split('|').filter(|s| !s.is_empty()).map(str::to_string).collect();
        forbid_lines.push(l.no);
        shift_types.push(ShiftType { id, minutes, start_minute: 0, night: false, forbidden_next: forbidden });
    }
    for (s, no) in shift_types.iter().zip(&forbid_lines) {
        if let Some(u) = s.forbidden_next.iter().find(|u| !shift_ids.contains(*u)) {
            return Err(err(sec, *no, format!("unknown shift {u:?} in forbidden list")));
        }
    }
    if shift_types.is_empty() {
        return Err(err(sec, end_line, "no shift types"));
    }

    // Staff.
    let sec = SECTIONS[2];
    let st = get(2).ok_or_else(|| err(sec, end_line, "missing section"))?;
    let mut staff = Vec::new();
    let mut staff_ix: HashMap<String, usize> = HashMap::new();
    for l in st {
        if l.fields.len() != 8 {
            return Err(err(sec, l.no, format!("expected 8 fields, found {}", l.fields.len())));
        }
        let id = l.fields[0].trim().to_string();
        if id.is_empty() || staff_ix.contains_key(&id) {
            return Err(err(sec, l.no, format!("empty or duplicate employee id {id:?}")));
        }
        let mut max_shifts = BTreeMap::new();
        for pair in l.fields[1].split('|').filter(|s| !s.is_empty()) {
            let (t, v) = pair.split_once('=').ok_or_else(|| err(sec, l.no, format!("bad MaxShifts entry {pair:?}")))?;
            if !shift_ids.contains(t) {
                return Err(err(sec, l.no, format!("unknown shift {t:?} in MaxShifts")));
            }
            let v: u32 = v.parse().map_err(|_| err(sec, l.no, format!("bad MaxShifts limit {v:?}")))?;
            max_shifts.insert(t.to_string(), v);
        }
        let max_min: u32 = num(sec, l, 2, "MaxTotalMinutes")?;
        let min_min: u32 = num(sec, l, 3, "MinTotalMinutes")?;
        let max_cons: u32 = num(sec, l, 4, "MaxConsecutiveShifts")?;
        let min_cons: u32 = num(sec, l, 5, "MinConsecutiveShifts")?;
        let min_off: u32 = num(sec, l, 6, "MinConsecutiveDaysOff")?;
        let max_we: u32 = num(sec, l, 7, "MaxWeekends")?;
        if min_min > max_min {
            return Err(err(sec, l.no, "MinTotalMinutes > MaxTotalMinutes"));
        }
        if min_cons > max_cons {
            return Err(err(sec, l.no, "MinConsecutiveShifts > MaxConsecutiveShifts"));
        }
        staff_ix.insert(id.clone(), staff.len());
        staff.push(Staff {
            id,
            skills: Vec::new(),
            wards: Vec::new(),
            contract: Contract {
                max_shifts,
                min_minutes_total: Some(min_min),
                max_minutes_total: Some(max_min),
                min_minutes_week: None,
                max_minutes_week: None,
                max_consecutive_days: Some(max_cons),
                min_consecutive_days: (min_cons > 1).then_some(min_cons),
                min_consecutive_days_off: (min_off > 1).then_some(min_off),
                min_rest_minutes: None,
                max_weekends: Some(max_we),
                max_nights: None,
                ..Contract::default()
            },
            unavailable: Vec::new(),
            history: Default::default(),
            hourly_cost: 0.0,
        });
    }

    let day = |sec: &str, l: &Line<'_>, k: usize| -> Result<u32, FormatError> {
        let d: u32 = num(sec, l, k, "day")?;
        if d >= h {
            return Err(err(sec, l.no, format!("day {d} outside horizon 0..{}", h - 1)));
        }
        Ok(d)
    };
    let employee = |sec: &str, l: &Line<'_>| -> Result<usize, FormatError> {
        let id = l.fields.first().map(|s| s.trim()).unwrap_or("");
        staff_ix.get(id).copied().ok_or_else(|| err(sec, l.no, format!("unknown employee {id:?}")))
    };

    // Days off.
    let sec = SECTIONS[3];
    let mut unavailable: Vec<Vec<u32>> = vec![Vec::new(); staff.len()];
    for l in get(3).unwrap_or(&[]) {
        let i = employee(sec, l)?;
        for k in 1..l.fields.len() {
            if l.fields[k].trim().is_empty() {
                continue;
            }
            unavailable[i].push(day(sec, l, k)?);
        }
    }
    for (s, u) in staff.iter_mut().zip(unavailable) {
        s.unavailable = u;
    }

    // Requests.
    let mut requests = Vec::new();
    for (k, work) in [(4usize, true), (5, false)] {
        let sec = SECTIONS[k];
        for l in get(k).unwrap_or(&[]) {
            if l.fields.len() != 4 {
                return Err(err(sec, l.no, format!("expected 4 fields, found {}", l.fields.len())));
            }
            let i = employee(sec, l)?;
            let d = day(sec, l, 1)?;
            let t = l.fields[2].trim();
            if !shift_ids.contains(t) {
                return Err(err(sec, l.no, format!("unknown shift {t:?}")));
            }
            let w: u32 = num(sec, l, 3, "weight")?;
            requests.push(Request {
                staff: staff[i].id.clone(),
                day: d,
                shift: Some(t.to_string()),
                work,
                weight: f64::from(w),
            });
        }
    }

    // Cover.
    let sec = SECTIONS[6];
    let cl = get(6).ok_or_else(|| err(sec, end_line, "missing section"))?;
    let mut slots = Vec::new();
    let mut seen = HashSet::new();
    for l in cl {
        if l.fields.len() != 5 {
            return Err(err(sec, l.no, format!("expected 5 fields, found {}", l.fields.len())));
        }
        let d = day(sec, l, 0)?;
        let t = l.fields[1].trim();
        if !shift_ids.contains(t) {
            return Err(err(sec, l.no, format!("unknown shift {t:?}")));
        }
        if !seen.insert((d, t.to_string())) {
            return Err(err(sec, l.no, format!("duplicate cover line for day {d} shift {t}")));
        }
        // Instance15 writes some zero requirements as "-0".
        let req: i64 = num(sec, l, 2, "requirement")?;
        let req = u32::try_from(req).map_err(|_| err(sec, l.no, format!("negative requirement {req}")))?;
        let wu: u32 = num(sec, l, 3, "weight under")?;
        let wo: u32 = num(sec, l, 4, "weight over")?;
        slots.push(Slot {
            day: d,
            shift: t.to_string(),
            ward: WARD.to_string(),
            skill: None,
            min: 0,
            target: req,
            max: None,
            under_weight: f64::from(wu),
            over_weight: f64::from(wo),
        });
    }
    // A (day, shift) without a cover line still counts for the objective as requirement 0 with weight 0:
    // it needs a slot so people can work it.
    for d in 0..h {
        for s in &shift_types {
            if !seen.contains(&(d, s.id.clone())) {
                slots.push(Slot {
                    day: d,
                    shift: s.id.clone(),
                    ward: WARD.to_string(),
                    skill: None,
                    min: 0,
                    target: 0,
                    max: None,
                    under_weight: 0.0,
                    over_weight: 0.0,
                });
            }
        }
    }

    Ok(Problem {
        name: name.to_string(),
        horizon_days: h,
        first_weekday: 0,
        shift_types,
        slots,
        staff,
        requests,
        pins: Vec::new(),
        reference: Vec::new(),
        rules: Rules { cover_below_min_weight: 0.0, cover_above_max_weight: 0.0, ..Rules::default() },
    })
}

/// Curtois instance `n` of the shared benchmarks, for the crate's unit tests.
#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) fn shared_instance(n: u32) -> Problem {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/benchmarks/curtois");
    read_file(&dir.join(format!("Instance{n}.txt"))).unwrap()
}
