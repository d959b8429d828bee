//! Reader for the INRC-II benchmark (Second International Nurse Rostering Competition,
//! text format; see `shared/benchmarks/inrc2/README.md`), static version: a scenario,
//! an initial history and one week-data file per week give one [`Problem`] over the
//! whole horizon. Every rule is expressed with the general model:
//!
//! | INRC-II | Problem |
//! | --- | --- |
//! | H1 single assignment | one slot per person per day (always hard) |
//! | H2 minimum cover, S1 optimal cover (30) | one slot per (day, shift, skill): `min`, `target` = optimal, under weight 30, [`Rules::cover_min_hard`] |
//! | H3 forbidden successions (history included) | [`ShiftType::forbidden_next`], [`History::last_shift`], hard |
//! | H4 skills | [`Staff::skills`] and the slot's skill |
//! | S2a consecutive same shift (15) | [`Contract::consecutive_shifts`], [`History::consecutive_same_shift`] |
//! | S2b consecutive working days (30) | `min/max_consecutive_days`, [`History::consecutive_days_worked`] |
//! | S3 consecutive days off (30) | `min/max_consecutive_days_off`, [`History::consecutive_days_off`] |
//! | S4 preferences (10) | [`Request`]s not to work (a shift, or `Any` = the day) |
//! | S5 complete weekends (30) | [`Contract::complete_weekends`] |
//! | S6 total assignments (20) | `min/max_shifts_total`, [`History::shifts_worked`] |
//! | S7 working weekends (30) | `max_weekends`, [`History::weekends_worked`] |
//!
//! Errors name the file, the section (the header keyword) and the 1-based line.

use super::FormatError;
use crate::problem::{
    Assignment, Contract, Family, History, Mode, Problem, Qualification, Request, Rules, RunLimits, ShiftType, Slot,
    Staff,
};
use crate::validate::ValidationReport;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Ward name of every cover slot.
pub const WARD: &str = "ward";
/// Day names of a week file, Monday first.
pub const DAY_NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// S1: per nurse missing below the optimal cover.
pub const W_OPTIMAL_COVER: f64 = 30.0;
/// S2a: per day below/above the consecutive same-shift limits.
pub const W_CONSECUTIVE_SHIFT: f64 = 15.0;
/// S2b: per day below/above the consecutive working-day limits.
pub const W_CONSECUTIVE_WORK: f64 = 30.0;
/// S3: per day below/above the consecutive days-off limits.
pub const W_CONSECUTIVE_OFF: f64 = 30.0;
/// S4: per shift-off request not met.
pub const W_PREFERENCE: f64 = 10.0;
/// S5: per incomplete weekend.
pub const W_COMPLETE_WEEKEND: f64 = 30.0;
/// S6: per assignment below/above the total limits.
pub const W_TOTAL_ASSIGNMENTS: f64 = 20.0;
/// S7: per working weekend above the maximum.
pub const W_WORKING_WEEKENDS: f64 = 30.0;

/// Largest number accepted in the files (counts, limits, history counters).
pub const MAX_NUMBER: u32 = 100_000;

/// The text of one input file and the name used in error messages.
#[derive(Clone, Copy, Debug)]
pub struct Source<'a> {
    pub file: &'a str,
    pub text: &'a str,
}

// ---------------------------------------------------------------------------------------
// Line reader

#[derive(Clone, Debug)]
struct Line {
    no: usize,
    tok: Vec<String>,
}

struct Reader {
    file: String,
    lines: Vec<Line>,
    pos: usize,
    /// Line number reported for "unexpected end of file".
    end: usize,
}

impl Reader {
    fn new(src: Source<'_>) -> Reader {
        let mut lines = Vec::new();
        let mut end = 0;
        for (k, raw) in src.text.split('\n').enumerate() {
            end = k + 1;
            let norm = raw.replace('\r', " ").replace('=', " = ");
            let tok: Vec<String> = norm.split_whitespace().map(str::to_string).collect();
            if !tok.is_empty() {
                lines.push(Line { no: k + 1, tok });
            }
        }
        Reader { file: src.file.to_string(), lines, pos: 0, end }
    }

    fn err(&self, section: &str, line: usize, message: impl Into<String>) -> FormatError {
        FormatError { file: self.file.clone(), section: section.to_string(), line, message: message.into() }
    }

    fn peek(&self) -> Option<&Line> {
        self.lines.get(self.pos)
    }

    fn next(&mut self, section: &str) -> Result<Line, FormatError> {
        match self.lines.get(self.pos) {
            Some(l) => {
                self.pos += 1;
                Ok(l.clone())
            }
            None => Err(self.err(section, self.end, "unexpected end of file")),
        }
    }

    /// A line holding exactly `keyword`.
    fn keyword(&mut self, keyword: &str) -> Result<Line, FormatError> {
        let l = self.next(keyword)?;
        if l.tok.len() != 1 || l.tok[0] != keyword {
            return Err(self.err(keyword, l.no, format!("expected {keyword:?}, found {:?}", l.tok.join(" "))));
        }
        Ok(l)
    }

    /// A line `KEYWORD = value` (the `=` is optional); returns the value.
    fn keyed(&mut self, keyword: &str) -> Result<(Line, String), FormatError> {
        let l = self.next(keyword)?;
        self.value_of(keyword, &l).map(|v| (l, v))
    }

    fn value_of(&self, keyword: &str, l: &Line) -> Result<String, FormatError> {
        if l.tok.first().map(String::as_str) != Some(keyword) {
            return Err(self.err(keyword, l.no, format!("expected \"{keyword} = …\", found {:?}", l.tok.join(" "))));
        }
        let rest: Vec<&String> = l.tok[1..].iter().skip_while(|t| t.as_str() == "=").collect();
        match rest.as_slice() {
            [v] => Ok((*v).clone()),
            _ => Err(self.err(keyword, l.no, format!("expected one value after {keyword}"))),
        }
    }

    /// A line `KEYWORD = n`.
    fn count(&mut self, keyword: &str) -> Result<(Line, usize), FormatError> {
        let (l, v) = self.keyed(keyword)?;
        let n = self.parse_num(keyword, &l, &v, "count")?;
        Ok((l, n))
    }

    /// A non-negative integer up to [`MAX_NUMBER`] (larger values make no sense in a roster
    /// and could overflow counters downstream).
    fn parse_num<T: TryFrom<u32>>(&self, sec: &str, l: &Line, s: &str, what: &str) -> Result<T, FormatError> {
        s.parse::<u32>()
            .ok()
            .filter(|v| *v <= MAX_NUMBER)
            .and_then(|v| T::try_from(v).ok())
            .ok_or_else(|| self.err(sec, l.no, format!("{what}: {s:?} is not a number in 0..={MAX_NUMBER}")))
    }

    fn num<T: TryFrom<u32>>(&self, sec: &str, l: &Line, k: usize, what: &str) -> Result<T, FormatError> {
        let s = l.tok.get(k).ok_or_else(|| self.err(sec, l.no, format!("missing {what}")))?;
        self.parse_num(sec, l, s, what)
    }

    /// A token `(a,b)`.
    fn pair(&self, sec: &str, l: &Line, k: usize, what: &str) -> Result<(u32, u32), FormatError> {
        let s = l.tok.get(k).ok_or_else(|| self.err(sec, l.no, format!("missing {what}")))?;
        let bad =
            || self.err(sec, l.no, format!("{what}: expected \"(a,b)\" with a, b in 0..={MAX_NUMBER}, found {s:?}"));
        let inner = s.strip_prefix('(').and_then(|x| x.strip_suffix(')')).ok_or_else(bad)?;
        let (a, b) = inner.split_once(',').ok_or_else(bad)?;
        let a: u32 = a.trim().parse().ok().filter(|v| *v <= MAX_NUMBER).ok_or_else(bad)?;
        let b: u32 = b.trim().parse().ok().filter(|v| *v <= MAX_NUMBER).ok_or_else(bad)?;
        Ok((a, b))
    }

    fn fields(&self, sec: &str, l: &Line, n: usize) -> Result<(), FormatError> {
        if l.tok.len() == n {
            Ok(())
        } else {
            Err(self.err(sec, l.no, format!("expected {n} fields, found {}", l.tok.len())))
        }
    }

    fn done(&self, sec: &str) -> Result<(), FormatError> {
        match self.peek() {
            Some(l) => Err(self.err(sec, l.no, format!("unexpected line {:?}", l.tok.join(" ")))),
            None => Ok(()),
        }
    }
}

fn read_text(path: &Path) -> Result<String, FormatError> {
    std::fs::read_to_string(path).map_err(|e| FormatError {
        file: path.display().to_string(),
        section: "file".into(),
        line: 0,
        message: e.to_string(),
    })
}

fn day_index(name: &str) -> Option<usize> {
    DAY_NAMES.iter().position(|d| d.eq_ignore_ascii_case(name))
}

// ---------------------------------------------------------------------------------------
// Scenario, history, week data

struct ContractLine {
    name: String,
    total: (u32, u32),
    work: (u32, u32),
    off: (u32, u32),
    max_weekends: u32,
    complete: bool,
}

struct Nurse {
    name: String,
    contract: usize,
    skills: Vec<String>,
}

struct Scenario {
    name: String,
    weeks: u32,
    weeks_line: usize,
    skills: Vec<String>,
    /// (name, min consecutive, max consecutive)
    shifts: Vec<(String, u32, u32)>,
    forbidden: Vec<Vec<String>>,
    contracts: Vec<ContractLine>,
    nurses: Vec<Nurse>,
}

impl Scenario {
    fn shift(&self, name: &str) -> Option<usize> {
        self.shifts.iter().position(|s| s.0 == name)
    }
    fn skill(&self, name: &str) -> Option<usize> {
        self.skills.iter().position(|s| s == name)
    }
    fn nurse(&self, name: &str) -> Option<usize> {
        self.nurses.iter().position(|s| s.name == name)
    }
}

fn parse_scenario(src: Source<'_>) -> Result<Scenario, FormatError> {
    let mut r = Reader::new(src);
    let (_, name) = r.keyed("SCENARIO")?;
    let (weeks_l, weeks) = r.count("WEEKS")?;
    let weeks = u32::try_from(weeks).ok().filter(|w| (1..=100).contains(w));
    let weeks = weeks.ok_or_else(|| r.err("WEEKS", weeks_l.no, "number of weeks out of range 1..=100"))?;

    let sec = "SKILLS";
    let (_, n) = r.count(sec)?;
    let mut skills: Vec<String> = Vec::new();
    for _ in 0..n {
        let l = r.next(sec)?;
        r.fields(sec, &l, 1)?;
        if skills.contains(&l.tok[0]) {
            return Err(r.err(sec, l.no, format!("duplicate skill {:?}", l.tok[0])));
        }
        skills.push(l.tok[0].clone());
    }

    let sec = "SHIFT_TYPES";
    let (hl, n) = r.count(sec)?;
    if n == 0 {
        return Err(r.err(sec, hl.no, "no shift types"));
    }
    let mut shifts: Vec<(String, u32, u32)> = Vec::new();
    for _ in 0..n {
        let l = r.next(sec)?;
        r.fields(sec, &l, 2)?;
        let id = l.tok[0].clone();
        if id == "Any" || id == "None" || shifts.iter().any(|s| s.0 == id) {
            return Err(r.err(sec, l.no, format!("duplicate or reserved shift type {id:?}")));
        }
        let (lo, hi) = r.pair(sec, &l, 1, "(minConsecutive,maxConsecutive)")?;
        if lo > hi {
            return Err(r.err(sec, l.no, format!("minimum {lo} > maximum {hi}")));
        }
        shifts.push((id, lo, hi));
    }

    let sec = "FORBIDDEN_SHIFT_TYPES_SUCCESSIONS";
    r.keyword(sec)?;
    let mut forbidden: Vec<Option<Vec<String>>> = vec![None; shifts.len()];
    for _ in 0..shifts.len() {
        let l = r.next(sec)?;
        let prev = l.tok[0].as_str();
        let t = shifts
            .iter()
            .position(|s| s.0 == prev)
            .ok_or_else(|| r.err(sec, l.no, format!("unknown shift type {prev:?}")))?;
        if forbidden[t].is_some() {
            return Err(r.err(sec, l.no, format!("second line for shift type {prev:?}")));
        }
        let k: usize = r.num(sec, &l, 1, "number of forbidden successors")?;
        if l.tok.len().checked_sub(2) != Some(k) {
            return Err(r.err(sec, l.no, format!("{k} successors announced, {} given", l.tok.len().saturating_sub(2))));
        }
        let mut next = Vec::new();
        for u in &l.tok[2..] {
            if !shifts.iter().any(|s| &s.0 == u) {
                return Err(r.err(sec, l.no, format!("unknown shift type {u:?}")));
            }
            next.push(u.clone());
        }
        forbidden[t] = Some(next);
    }
    let forbidden: Vec<Vec<String>> = forbidden.into_iter().map(Option::unwrap_or_default).collect();

    let sec = "CONTRACTS";
    let (_, n) = r.count(sec)?;
    let mut contracts: Vec<ContractLine> = Vec::new();
    for _ in 0..n {
        let l = r.next(sec)?;
        r.fields(sec, &l, 6)?;
        let name = l.tok[0].clone();
        if contracts.iter().any(|c| c.name == name) {
            return Err(r.err(sec, l.no, format!("duplicate contract {name:?}")));
        }
        let total = r.pair(sec, &l, 1, "(minTotalAssignments,maxTotalAssignments)")?;
        let work = r.pair(sec, &l, 2, "(minConsecutiveWorkingDays,maxConsecutiveWorkingDays)")?;
        let off = r.pair(sec, &l, 3, "(minConsecutiveDaysOff,maxConsecutiveDaysOff)")?;
        for (what, (lo, hi)) in [("total assignments", total), ("consecutive working days", work), ("days off", off)] {
            if lo > hi {
                return Err(r.err(sec, l.no, format!("{what}: minimum {lo} > maximum {hi}")));
            }
        }
        let max_weekends: u32 = r.num(sec, &l, 4, "maxWorkingWeekends")?;
        let complete = match l.tok[5].as_str() {
            "0" => false,
            "1" => true,
            x => return Err(r.err(sec, l.no, format!("completeWeekends must be 0 or 1, found {x:?}"))),
        };
        contracts.push(ContractLine { name, total, work, off, max_weekends, complete });
    }

    let sec = "NURSES";
    let (_, n) = r.count(sec)?;
    let mut nurses: Vec<Nurse> = Vec::new();
    for _ in 0..n {
        let l = r.next(sec)?;
        if l.tok.len() < 3 {
            return Err(r.err(sec, l.no, "expected: name contract k skill_1 … skill_k"));
        }
        let name = l.tok[0].clone();
        if nurses.iter().any(|x| x.name == name) {
            return Err(r.err(sec, l.no, format!("duplicate nurse {name:?}")));
        }
        let contract = contracts
            .iter()
            .position(|c| c.name == l.tok[1])
            .ok_or_else(|| r.err(sec, l.no, format!("unknown contract {:?}", l.tok[1])))?;
        let k: usize = r.num(sec, &l, 2, "number of skills")?;
        if l.tok.len().checked_sub(3) != Some(k) {
            return Err(r.err(sec, l.no, format!("{k} skills announced, {} given", l.tok.len() - 3)));
        }
        let mut own: Vec<String> = Vec::new();
        for s in &l.tok[3..] {
            if !skills.contains(s) || own.contains(s) {
                return Err(r.err(sec, l.no, format!("unknown or repeated skill {s:?}")));
            }
            own.push(s.clone());
        }
        nurses.push(Nurse { name, contract, skills: own });
    }
    r.done(sec)?;
    Ok(Scenario { name, weeks, weeks_line: weeks_l.no, skills, shifts, forbidden, contracts, nurses })
}

fn parse_history(src: Source<'_>, sc: &Scenario) -> Result<Vec<History>, FormatError> {
    let mut r = Reader::new(src);
    r.keyword("HISTORY")?;
    let sec = "HISTORY";
    let l = r.next(sec)?;
    r.fields(sec, &l, 2)?;
    let _week: u32 = r.num(sec, &l, 0, "week index")?;
    if l.tok[1] != sc.name {
        return Err(r.err(sec, l.no, format!("scenario {:?}, expected {:?}", l.tok[1], sc.name)));
    }
    let sec = "NURSE_HISTORY";
    r.keyword(sec)?;
    let mut out: Vec<Option<History>> = vec![None; sc.nurses.len()];
    while r.peek().is_some() {
        let l = r.next(sec)?;
        r.fields(sec, &l, 7)?;
        let i = sc.nurse(&l.tok[0]).ok_or_else(|| r.err(sec, l.no, format!("unknown nurse {:?}", l.tok[0])))?;
        if out[i].is_some() {
            return Err(r.err(sec, l.no, format!("second history line for {:?}", l.tok[0])));
        }
        let total: u32 = r.num(sec, &l, 1, "totalAssignments")?;
        let weekends: u32 = r.num(sec, &l, 2, "totalWorkedWeekends")?;
        let last = match l.tok[3].as_str() {
            "None" => None,
            s => Some(sc.shift(s).ok_or_else(|| r.err(sec, l.no, format!("unknown shift type {s:?}")))?),
        };
        let same: u32 = r.num(sec, &l, 4, "consecutiveSameShift")?;
        let worked: u32 = r.num(sec, &l, 5, "consecutiveWorkedDays")?;
        let off: u32 = r.num(sec, &l, 6, "consecutiveDaysOff")?;
        let consistent = match last {
            None => same == 0 && worked == 0 && off >= 1,
            Some(_) => off == 0 && same >= 1 && worked >= same,
        };
        if !consistent {
            return Err(r.err(
                sec,
                l.no,
                "inconsistent counters: with a last shift need consecutiveDaysOff = 0 and \
                 consecutiveWorkedDays >= consecutiveSameShift >= 1; with None need both work counters 0 \
                 and consecutiveDaysOff >= 1",
            ));
        }
        out[i] = Some(History {
            last_shift: last.map(|t| sc.shifts[t].0.clone()),
            consecutive_days_worked: worked,
            consecutive_days_off: off,
            consecutive_same_shift: same,
            shifts_worked: total,
            weekends_worked: weekends,
            nights_worked: 0,
        });
    }
    let mut hist = Vec::with_capacity(out.len());
    for (i, h) in out.into_iter().enumerate() {
        match h {
            Some(h) => hist.push(h),
            None => return Err(r.err(sec, r.end, format!("no history line for nurse {:?}", sc.nurses[i].name))),
        }
    }
    Ok(hist)
}

struct Week {
    /// (shift, skill) → (minimum, optimal) for Mon..Sun.
    requirements: HashMap<(usize, usize), [(u32, u32); 7]>,
    /// (nurse, shift or `None` = any, day of week)
    off_requests: Vec<(usize, Option<usize>, usize)>,
}

fn parse_week(src: Source<'_>, sc: &Scenario) -> Result<Week, FormatError> {
    let mut r = Reader::new(src);
    r.keyword("WEEK_DATA")?;
    let sec = "WEEK_DATA";
    let l = r.next(sec)?;
    if l.tok.len() != 1 || l.tok[0] != sc.name {
        return Err(r.err(sec, l.no, format!("scenario {:?}, expected {:?}", l.tok.join(" "), sc.name)));
    }
    let sec = "REQUIREMENTS";
    r.keyword(sec)?;
    let mut requirements = HashMap::new();
    let requests_line = loop {
        let l = r.next(sec)?;
        if l.tok[0] == "SHIFT_OFF_REQUESTS" {
            break l;
        }
        r.fields(sec, &l, 9)?;
        let t = sc.shift(&l.tok[0]).ok_or_else(|| r.err(sec, l.no, format!("unknown shift type {:?}", l.tok[0])))?;
        let k = sc.skill(&l.tok[1]).ok_or_else(|| r.err(sec, l.no, format!("unknown skill {:?}", l.tok[1])))?;
        let mut days = [(0, 0); 7];
        for (j, d) in days.iter_mut().enumerate() {
            *d = r.pair(sec, &l, 2 + j, &format!("(minimum,optimal) for {}", DAY_NAMES[j]))?;
        }
        if requirements.insert((t, k), days).is_some() {
            return Err(r.err(sec, l.no, format!("second line for {} {}", l.tok[0], l.tok[1])));
        }
    };
    let sec = "SHIFT_OFF_REQUESTS";
    let v = r.value_of(sec, &requests_line)?;
    let n: usize = r.parse_num(sec, &requests_line, &v, "count")?;
    let mut off_requests = Vec::new();
    for _ in 0..n {
        let l = r.next(sec)?;
        r.fields(sec, &l, 3)?;
        let i = sc.nurse(&l.tok[0]).ok_or_else(|| r.err(sec, l.no, format!("unknown nurse {:?}", l.tok[0])))?;
        let t = match l.tok[1].as_str() {
            "Any" => None,
            s => Some(sc.shift(s).ok_or_else(|| r.err(sec, l.no, format!("unknown shift type {s:?}")))?),
        };
        let d = day_index(&l.tok[2]).ok_or_else(|| r.err(sec, l.no, format!("unknown day {:?}", l.tok[2])))?;
        off_requests.push((i, t, d));
    }
    r.done(sec)?;
    Ok(Week { requirements, off_requests })
}

// ---------------------------------------------------------------------------------------
// Problem

/// Instance name `family_history_w1-w2-…`.
pub fn instance_name(family: &str, history: u32, weeks: &[u32]) -> String {
    let w: Vec<String> = weeks.iter().map(u32::to_string).collect();
    format!("{family}_{history}_{}", w.join("-"))
}

/// Split an instance name `family_history_w1-w2-…` into its parts.
pub fn parse_instance_name(name: &str) -> Option<(String, u32, Vec<u32>)> {
    let mut it = name.split('_');
    let (family, history, weeks) = (it.next()?, it.next()?, it.next()?);
    if it.next().is_some() || family.is_empty() {
        return None;
    }
    let weeks: Option<Vec<u32>> = weeks.split('-').map(|w| w.parse().ok()).collect();
    Some((family.to_string(), history.parse().ok()?, weeks?))
}

/// Build the static problem from the texts of the scenario, the history and the week files
/// (one per week, in horizon order).
pub fn parse(
    name: &str,
    scenario: Source<'_>,
    history: Source<'_>,
    weeks: &[Source<'_>],
) -> Result<Problem, FormatError> {
    let sc = parse_scenario(scenario)?;
    let hist = parse_history(history, &sc)?;
    if weeks.len() != sc.weeks as usize {
        return Err(FormatError {
            file: scenario.file.to_string(),
            section: "WEEKS".into(),
            line: sc.weeks_line,
            message: format!("the scenario has {} weeks, {} week files given", sc.weeks, weeks.len()),
        });
    }
    let data: Vec<Week> = weeks.iter().map(|w| parse_week(*w, &sc)).collect::<Result<_, _>>()?;
    Ok(build(name, &sc, hist, &data))
}

fn build(name: &str, sc: &Scenario, hist: Vec<History>, weeks: &[Week]) -> Problem {
    let horizon = 7 * weeks.len() as u32;
    let shift_types: Vec<ShiftType> = sc
        .shifts
        .iter()
        .zip(&sc.forbidden)
        .map(|((id, _, _), next)| ShiftType {
            id: id.clone(),
            // Times play no part in INRC-II (no rest rule); the forbidden successions are explicit.
            minutes: 480,
            start_minute: 0,
            night: id.eq_ignore_ascii_case("night"),
            forbidden_next: next.clone(),
        })
        .collect();
    let mut slots = Vec::new();
    for (w, week) in weeks.iter().enumerate() {
        for j in 0..7 {
            for (t, (shift, _, _)) in sc.shifts.iter().enumerate() {
                for (k, skill) in sc.skills.iter().enumerate() {
                    let (min, opt) = week.requirements.get(&(t, k)).map_or((0, 0), |r| r[j]);
                    slots.push(Slot {
                        day: (7 * w + j) as u32,
                        shift: shift.clone(),
                        ward: WARD.to_string(),
                        skill: Some(skill.clone()),
                        min,
                        // optimal < minimum costs nothing once the minimum is met (it must be)
                        target: opt.max(min),
                        max: None,
                        under_weight: W_OPTIMAL_COVER,
                        over_weight: 0.0,
                    });
                }
            }
        }
    }
    let consecutive_shifts: BTreeMap<String, RunLimits> =
        sc.shifts.iter().map(|(id, lo, hi)| (id.clone(), RunLimits { min: Some(*lo), max: Some(*hi) })).collect();
    let staff = sc
        .nurses
        .iter()
        .zip(hist)
        .map(|(n, history)| {
            let c = &sc.contracts[n.contract];
            Staff {
                id: n.name.clone(),
                skills: n
                    .skills
                    .iter()
                    .map(|s| Qualification { skill: s.clone(), from_day: None, until_day: None })
                    .collect(),
                wards: Vec::new(),
                contract: Contract {
                    min_shifts_total: Some(c.total.0),
                    max_shifts_total: Some(c.total.1),
                    min_consecutive_days: Some(c.work.0),
                    max_consecutive_days: Some(c.work.1),
                    min_consecutive_days_off: Some(c.off.0),
                    max_consecutive_days_off: Some(c.off.1),
                    max_weekends: Some(c.max_weekends),
                    complete_weekends: c.complete,
                    consecutive_shifts: consecutive_shifts.clone(),
                    ..Contract::default()
                },
                unavailable: Vec::new(),
                history,
                hourly_cost: 0.0,
            }
        })
        .collect();
    let mut requests = Vec::new();
    for (w, week) in weeks.iter().enumerate() {
        for &(i, t, j) in &week.off_requests {
            requests.push(Request {
                staff: sc.nurses[i].name.clone(),
                day: (7 * w + j) as u32,
                shift: t.map(|t| sc.shifts[t].0.clone()),
                work: false,
                weight: W_PREFERENCE,
            });
        }
    }
    Problem {
        name: name.to_string(),
        horizon_days: horizon,
        first_weekday: 0,
        shift_types,
        slots,
        staff,
        requests,
        pins: Vec::new(),
        reference: Vec::new(),
        rules: Rules {
            max_consecutive_days: Mode::Soft(W_CONSECUTIVE_WORK),
            min_consecutive_days: Mode::Soft(W_CONSECUTIVE_WORK),
            min_consecutive_days_off: Mode::Soft(W_CONSECUTIVE_OFF),
            max_consecutive_days_off: Mode::Soft(W_CONSECUTIVE_OFF),
            consecutive_shift_type: Mode::Soft(W_CONSECUTIVE_SHIFT),
            total_shifts: Mode::Soft(W_TOTAL_ASSIGNMENTS),
            max_weekends: Mode::Soft(W_WORKING_WEEKENDS),
            complete_weekends: Mode::Soft(W_COMPLETE_WEEKEND),
            succession: Mode::Hard,
            cover_min_hard: true,
            cover_below_min_weight: 0.0,
            cover_above_max_weight: 0.0,
            change_weight: 0.0,
            cost_weight: 0.0,
            ..Rules::default()
        },
    }
}

/// The family (`nXXXwY`) of a dataset directory: the `Sc-<family>.txt` file in it.
pub fn family_of(dir: &Path) -> Result<String, FormatError> {
    let fail = |message: String| FormatError {
        file: dir.display().to_string(),
        section: "directory".into(),
        line: 0,
        message,
    };
    let entries = std::fs::read_dir(dir).map_err(|e| fail(e.to_string()))?;
    let mut found: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter_map(|f| f.strip_prefix("Sc-").and_then(|x| x.strip_suffix(".txt")).map(str::to_string))
        .collect();
    found.sort();
    match found.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(fail("no scenario file Sc-<family>.txt".into())),
        _ => Err(fail(format!("several scenario files: {}", found.join(", ")))),
    }
}

/// Read instance `<family>_<history>_<weeks>` from a dataset directory holding
/// `Sc-<family>.txt`, `H0-<family>-<history>.txt` and `WD-<family>-<w>.txt`.
pub fn read_instance(dir: &Path, history: u32, weeks: &[u32]) -> Result<Problem, FormatError> {
    let family = family_of(dir)?;
    let sc_path = dir.join(format!("Sc-{family}.txt"));
    let h_path = dir.join(format!("H0-{family}-{history}.txt"));
    let w_paths: Vec<PathBuf> = weeks.iter().map(|w| dir.join(format!("WD-{family}-{w}.txt"))).collect();
    let sc_text = read_text(&sc_path)?;
    let h_text = read_text(&h_path)?;
    let w_texts: Vec<String> = w_paths.iter().map(|p| read_text(p)).collect::<Result<_, _>>()?;
    let names: Vec<String> = w_paths.iter().map(|p| p.display().to_string()).collect();
    let (sc_name, h_name) = (sc_path.display().to_string(), h_path.display().to_string());
    let w_src: Vec<Source<'_>> =
        names.iter().zip(&w_texts).map(|(file, text)| Source { file: file.as_str(), text: text.as_str() }).collect();
    parse(
        &instance_name(&family, history, weeks),
        Source { file: &sc_name, text: &sc_text },
        Source { file: &h_name, text: &h_text },
        &w_src,
    )
}

// ---------------------------------------------------------------------------------------
// Solutions

/// Read one official per-week solution file (`Sol-….txt`) of a problem built by this
/// module: the week index in its header places it in the horizon. Lines after the
/// assignments (e.g. `Cost: 575`) are ignored.
pub fn parse_solution(problem: &Problem, src: Source<'_>) -> Result<Vec<Assignment>, FormatError> {
    let mut r = Reader::new(src);
    r.keyword("SOLUTION")?;
    let sec = "SOLUTION";
    let l = r.next(sec)?;
    r.fields(sec, &l, 2)?;
    let week: u32 = r.num(sec, &l, 0, "week index")?;
    if week >= problem.horizon_days.div_ceil(7) {
        return Err(r.err(sec, l.no, format!("week {week} outside the horizon of {} weeks", problem.horizon_days / 7)));
    }
    let skills: HashSet<&str> = problem.slots.iter().filter_map(|s| s.skill.as_deref()).collect();
    let sec = "ASSIGNMENTS";
    let (_, n) = r.count(sec)?;
    let mut out = Vec::new();
    for _ in 0..n {
        let l = r.next(sec)?;
        r.fields(sec, &l, 4)?;
        let nurse = &l.tok[0];
        if !problem.staff.iter().any(|s| &s.id == nurse) {
            return Err(r.err(sec, l.no, format!("unknown nurse {nurse:?}")));
        }
        let j = day_index(&l.tok[1]).ok_or_else(|| r.err(sec, l.no, format!("unknown day {:?}", l.tok[1])))?;
        let shift = &l.tok[2];
        if !problem.shift_types.iter().any(|s| &s.id == shift) {
            return Err(r.err(sec, l.no, format!("unknown shift type {shift:?}")));
        }
        if !skills.contains(l.tok[3].as_str()) {
            return Err(r.err(sec, l.no, format!("unknown skill {:?}", l.tok[3])));
        }
        out.push(Assignment {
            staff: nurse.clone(),
            day: 7 * week + j as u32,
            shift: shift.clone(),
            ward: WARD.to_string(),
            skill: Some(l.tok[3].clone()),
        });
    }
    Ok(out)
}

/// Read the per-week solution files of a whole horizon (any order).
pub fn read_solution(problem: &Problem, files: &[PathBuf]) -> Result<Vec<Assignment>, FormatError> {
    let mut out = Vec::new();
    for f in files {
        let text = read_text(f)?;
        let name = f.display().to_string();
        out.extend(parse_solution(problem, Source { file: &name, text: &text })?);
    }
    Ok(out)
}

/// Read a roster written as CSV `nurse,day,shift,skill` (header first, global day index).
pub fn parse_solution_csv(problem: &Problem, src: Source<'_>) -> Result<Vec<Assignment>, FormatError> {
    let sec = "CSV";
    let err =
        |line: usize, message: String| FormatError { file: src.file.to_string(), section: sec.into(), line, message };
    let mut out = Vec::new();
    let mut header = false;
    for (k, raw) in src.text.split('\n').enumerate() {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split(',').map(str::trim).collect();
        if !header {
            if f != ["nurse", "day", "shift", "skill"] {
                return Err(err(k + 1, format!("expected the header nurse,day,shift,skill, found {line:?}")));
            }
            header = true;
            continue;
        }
        let [nurse, day, shift, skill] = f.as_slice() else {
            return Err(err(k + 1, format!("expected 4 fields, found {}", f.len())));
        };
        if !problem.staff.iter().any(|s| s.id == *nurse) {
            return Err(err(k + 1, format!("unknown nurse {nurse:?}")));
        }
        let day: u32 = day
            .parse()
            .ok()
            .filter(|d| *d < problem.horizon_days)
            .ok_or_else(|| err(k + 1, format!("day {day:?} is not in 0..{}", problem.horizon_days)))?;
        if !problem.shift_types.iter().any(|s| s.id == *shift) {
            return Err(err(k + 1, format!("unknown shift type {shift:?}")));
        }
        out.push(Assignment {
            staff: nurse.to_string(),
            day,
            shift: shift.to_string(),
            ward: WARD.to_string(),
            skill: Some(skill.to_string()),
        });
    }
    if !header {
        return Err(err(0, "empty file".into()));
    }
    Ok(out)
}

/// Read solution files: official per-week `Sol-….txt` files, or one CSV (`.csv`) of the whole horizon.
pub fn read_solution_files(problem: &Problem, files: &[PathBuf]) -> Result<Vec<Assignment>, FormatError> {
    let mut out = Vec::new();
    for f in files {
        let text = read_text(f)?;
        let name = f.display().to_string();
        let src = Source { file: &name, text: &text };
        if f.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")) {
            out.extend(parse_solution_csv(problem, src)?);
        } else {
            out.extend(parse_solution(problem, src)?);
        }
    }
    Ok(out)
}

/// A roster as CSV `nurse,day,shift,skill` (global day index, days off absent), sorted.
pub fn solution_csv(assignments: &[Assignment]) -> String {
    let mut a: Vec<&Assignment> = assignments.iter().collect();
    a.sort();
    let mut csv = String::from("nurse,day,shift,skill\n");
    for x in a {
        let _ = writeln!(csv, "{},{},{},{}", x.staff, x.day, x.shift, x.skill.as_deref().unwrap_or(""));
    }
    csv
}

// ---------------------------------------------------------------------------------------
// The official validator's categories

/// A validation report in the categories of the official INRC-II validator.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Inrc2Report {
    /// (day, shift, skill) cells below their minimum.
    pub minimal_coverage: usize,
    pub required_skill: usize,
    pub illegal_succession: usize,
    pub single_assignment: usize,
    /// S6.
    pub total_assignments: f64,
    /// S2a + S2b.
    pub consecutive: f64,
    /// S3.
    pub non_working_days: f64,
    /// S4.
    pub preferences: f64,
    /// S7.
    pub max_working_weekend: f64,
    /// S5.
    pub complete_weekends: f64,
    /// S1.
    pub optimal_coverage: f64,
    /// Sum of the soft costs (also for an infeasible roster, as the official validator).
    pub total: f64,
}

impl Inrc2Report {
    pub fn hard_violations(&self) -> usize {
        self.minimal_coverage + self.required_skill + self.illegal_succession + self.single_assignment
    }

    /// The report in the layout of the official validator's output.
    pub fn to_text(&self) -> String {
        let mut s = String::from("Hard constraint violations\n--------------------------\n\n");
        let _ = writeln!(s, "Minimal coverage constraints: {}", self.minimal_coverage);
        let _ = writeln!(s, "Required skill constraints: {}", self.required_skill);
        let _ = writeln!(s, "Illegal shift type succession constraints: {}", self.illegal_succession);
        let _ = writeln!(s, "Single assignment per day: {}", self.single_assignment);
        s.push_str("\n\nCost per constraint type\n------------------------\n\n");
        let _ = writeln!(s, "Total assignment constraints: {}", self.total_assignments);
        let _ = writeln!(s, "Consecutive constraints: {}", self.consecutive);
        let _ = writeln!(s, "Non working days constraints: {}", self.non_working_days);
        let _ = writeln!(s, "Preferences: {}", self.preferences);
        let _ = writeln!(s, "Max working weekend: {}", self.max_working_weekend);
        let _ = writeln!(s, "Complete weekends: {}", self.complete_weekends);
        let _ = writeln!(s, "Optimal coverage constraints: {}", self.optimal_coverage);
        let _ = writeln!(s, "\n------------------------\n\nTotal cost: {}", self.total);
        s
    }
}

/// Group a validation report of an INRC-II problem into the official categories.
pub fn report(r: &ValidationReport) -> Inrc2Report {
    let hard = |f: Family| r.hard.iter().filter(|v| v.family == f).count();
    let cost = |fs: &[Family]| fs.iter().map(|f| r.cost_by_family.get(f).copied().unwrap_or(0.0)).sum::<f64>();
    Inrc2Report {
        minimal_coverage: hard(Family::Cover),
        required_skill: hard(Family::Eligibility),
        illegal_succession: hard(Family::Succession),
        single_assignment: hard(Family::OneShiftPerDay),
        total_assignments: cost(&[Family::TotalShifts]),
        consecutive: cost(&[Family::ConsecutiveShiftType, Family::MinConsecutiveDays, Family::MaxConsecutiveDays]),
        non_working_days: cost(&[Family::MinConsecutiveDaysOff, Family::MaxConsecutiveDaysOff]),
        preferences: cost(&[Family::Requests]),
        max_working_weekend: cost(&[Family::Weekends]),
        complete_weekends: cost(&[Family::CompleteWeekends]),
        optimal_coverage: cost(&[Family::Cover]),
        total: r.objective,
    }
}
