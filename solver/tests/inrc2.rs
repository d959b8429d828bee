//! INRC-II (static): the reader builds the right problem, the validator reproduces the
//! official validator's report on the official example solution of n005w4, the solver
//! gives a validator-clean roster, the border rules with history follow the spec's
//! tables, and malformed files give errors naming the file, section and line.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use rota_solver::formats::inrc2::{self, Source};
use rota_solver::formats::FormatError;
use rota_solver::*;
use std::path::PathBuf;
use std::time::Duration;

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/benchmarks/inrc2/data/n005w4")
}

fn text(name: &str) -> String {
    std::fs::read_to_string(data_dir().join(name)).unwrap()
}

fn example_problem() -> Problem {
    inrc2::read_instance(&data_dir(), 0, &[1, 2, 3, 3]).unwrap()
}

fn example_solution(p: &Problem) -> Vec<Assignment> {
    let dir = data_dir().join("Solution_H_0-WD_1-2-3-3");
    let files: Vec<PathBuf> = ["Sol-n005w4-1-0.txt", "Sol-n005w4-2-1.txt", "Sol-n005w4-3-2.txt", "Sol-n005w4-3-3.txt"]
        .iter()
        .map(|f| dir.join(f))
        .collect();
    inrc2::read_solution(p, &files).unwrap()
}

#[test]
fn reader_builds_the_right_problem() {
    let p = example_problem();
    assert_eq!(p.name, "n005w4_0_1-2-3-3");
    assert_eq!(p.horizon_days, 28);
    assert_eq!(p.staff.len(), 5);
    assert_eq!(p.shift_types.len(), 3);
    assert_eq!(p.slots.len(), 28 * 3 * 2);
    assert!(p.check().is_ok(), "{:?}", p.check());
    // WD-1 has 5 requests, WD-2 and WD-3 as counted in the files
    let count = |w: u32| {
        let t = text(&format!("WD-n005w4-{w}.txt"));
        let line = t.lines().find(|l| l.starts_with("SHIFT_OFF_REQUESTS")).unwrap().to_string();
        line.split('=').nth(1).unwrap().trim().parse::<usize>().unwrap()
    };
    assert_eq!(p.requests.len(), count(1) + count(2) + 2 * count(3));
    let r = p.requests.iter().find(|r| r.staff == "Sara").unwrap();
    assert_eq!((r.day, r.shift.as_deref(), r.work, r.weight), (5, Some("Late"), false, 10.0));
    // Early HeadNurse on Wed of week 1 is (1,1); week 4 = WD-3
    let slot = |d: u32, t: &str, k: &str| {
        p.slots.iter().find(|s| s.day == d && s.shift == t && s.skill.as_deref() == Some(k)).unwrap()
    };
    assert_eq!((slot(2, "Early", "HeadNurse").min, slot(2, "Early", "HeadNurse").target), (1, 1));
    assert_eq!((slot(2, "Early", "Nurse").min, slot(2, "Early", "Nurse").target), (0, 1));
    let night = p.shift_types.iter().find(|s| s.id == "Night").unwrap();
    assert_eq!(night.forbidden_next, vec!["Early".to_string(), "Late".to_string()]);
    let patrick = &p.staff[0];
    assert_eq!(patrick.id, "Patrick");
    let c = &patrick.contract;
    assert_eq!((c.min_shifts_total, c.max_shifts_total), (Some(15), Some(22)));
    assert_eq!((c.min_consecutive_days, c.max_consecutive_days), (Some(3), Some(5)));
    assert_eq!((c.min_consecutive_days_off, c.max_consecutive_days_off), (Some(2), Some(3)));
    assert_eq!((c.max_weekends, c.complete_weekends), (Some(2), true));
    assert_eq!(c.consecutive_shifts["Night"], RunLimits { min: Some(4), max: Some(5) });
    let h = &patrick.history;
    assert_eq!((h.last_shift.as_deref(), h.consecutive_same_shift, h.consecutive_days_worked), (Some("Night"), 1, 4));
    let stefaan = &p.staff[2];
    assert_eq!((stefaan.history.last_shift.as_deref(), stefaan.history.consecutive_days_off), (None, 3));
    assert_eq!(p.staff[3].skills.len(), 1);
}

/// The official example solution: the validator's report, category by category (`validator.txt`).
#[test]
fn official_example_reproduces_the_validator_report() {
    let p = example_problem();
    let sol = example_solution(&p);
    // every announced assignment was read
    let announced: usize = std::fs::read_dir(data_dir().join("Solution_H_0-WD_1-2-3-3"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|f| f.file_name().unwrap().to_string_lossy().starts_with("Sol-"))
        .map(|f| {
            let t = std::fs::read_to_string(f).unwrap();
            let line = t.lines().find(|l| l.starts_with("ASSIGNMENTS")).unwrap().to_string();
            line.split('=').nth(1).unwrap().trim().parse::<usize>().unwrap()
        })
        .sum();
    assert_eq!(sol.len(), announced);
    let rep = validate(&p, &Solution::from_assignments(sol));
    assert!(rep.is_feasible(), "{:?}", rep.hard);
    let r = inrc2::report(&rep);
    let official = text("Solution_H_0-WD_1-2-3-3/validator.txt");
    let value = |label: &str| -> f64 {
        let line = official.lines().find(|l| l.starts_with(label)).unwrap();
        line.rsplit(':').next().unwrap().trim().parse().unwrap()
    };
    assert_eq!(r.minimal_coverage as f64, value("Minimal coverage constraints"));
    assert_eq!(r.required_skill as f64, value("Required skill constraints"));
    assert_eq!(r.illegal_succession as f64, value("Illegal shift type succession constraints"));
    assert_eq!(r.single_assignment as f64, value("Single assignment per day"));
    assert_eq!(r.total_assignments, value("Total assignment constraints"));
    assert_eq!(r.consecutive, value("Consecutive constraints"));
    assert_eq!(r.non_working_days, value("Non working days constraints"));
    assert_eq!(r.preferences, value("Preferences"));
    assert_eq!(r.max_working_weekend, value("Max working weekend"));
    assert_eq!(r.complete_weekends, value("Complete weekends"));
    assert_eq!(r.optimal_coverage, value("Optimal coverage constraints"));
    assert_eq!(r.total, value("Total cost"));
    // the numbers themselves, in case the file changes
    assert_eq!((r.total_assignments, r.consecutive, r.non_working_days, r.preferences), (320.0, 465.0, 330.0, 70.0));
    assert_eq!((r.max_working_weekend, r.complete_weekends, r.optimal_coverage, r.total), (210.0, 60.0, 240.0, 1695.0));
    assert_eq!(rep.objective, 1695.0);
}

/// Solving briefly gives a roster that breaks no hard rule; the reported objective is the validator's.
#[test]
fn solving_n005w4_gives_a_clean_roster() {
    let p = example_problem();
    let o = SolveOptions { time_limit: Duration::from_secs(20), threads: 1, seed: 1, ..SolveOptions::default() };
    let s = solve(&p, &o).unwrap();
    let rep = validate(&p, &s);
    assert!(rep.is_feasible(), "{:?}", rep.hard);
    assert_eq!(s.hard_violations, 0);
    assert!(matches!(s.status, SolveStatus::Feasible | SolveStatus::Optimal), "{:?}", s.status);
    assert!((rep.objective - s.objective).abs() < 1e-6, "validator {} solver {}", rep.objective, s.objective);
    let r = inrc2::report(&rep);
    assert_eq!(r.hard_violations(), 0);
    assert!((r.total - s.objective).abs() < 1e-6);
    if let Some(m) = s.model_objective {
        assert!((m - s.objective).abs() < 1e-4 * (1.0 + s.objective), "model {m} vs validator {}", s.objective);
    }
    if let Some(b) = s.best_bound {
        assert!(b <= s.objective + 1e-6);
    }
    // the official example costs 1695; a solver should do at least as well in 20 s
    assert!(s.objective <= 1695.0, "objective {}", s.objective);
    assert!(s.elapsed_seconds < 22.0, "time limit not honoured: {}", s.elapsed_seconds);
    // CSV in the benchmark's solution format
    let csv = inrc2::solution_csv(&s.assignments);
    assert!(csv.starts_with("nurse,day,shift,skill\n"));
    assert_eq!(csv.lines().count(), s.assignments.len() + 1);
    let back = inrc2::parse_solution_csv(&p, Source { file: "sol.csv", text: &csv }).unwrap();
    assert_eq!(validate(&p, &Solution::from_assignments(back)).objective, s.objective);
    let bad = csv.replacen("Andrea,", "Andrew,", 1);
    let e = inrc2::parse_solution_csv(&p, Source { file: "sol.csv", text: &bad }).unwrap_err();
    assert_eq!((e.section.as_str(), e.line), ("CSV", line_of(&bad, "Andrew,")));
}

// ---------------------------------------------------------------------------------------
// Border rules with history (README, Appendix B) on a one-nurse, one-week scenario.

const SC: &str = "SCENARIO = t\nWEEKS = 1\nSKILLS = 1\nNurse\nSHIFT_TYPES = 2\nEarly (2,3)\nNight (2,3)\n\
FORBIDDEN_SHIFT_TYPES_SUCCESSIONS\nEarly 0\nNight 1 Early\nCONTRACTS = 1\nC (0,7) (3,4) (3,4) 1 1\nNURSES = 1\nA C 1 Nurse\n";
const WD: &str = "WEEK_DATA\nt\nREQUIREMENTS\nSHIFT_OFF_REQUESTS = 0\n";

fn tiny(history: &str) -> Problem {
    let h = format!("HISTORY\n0 t\nNURSE_HISTORY\nA 0 0 {history}\n");
    let src = |file, text| Source { file, text };
    inrc2::parse("t", src("sc", SC), src("h", &h), &[src("wd", WD)]).unwrap()
}

/// Costs of a roster given as 7 letters (E, N, - for off) by family.
fn costs(p: &Problem, week: &str) -> std::collections::BTreeMap<Family, f64> {
    let a: Vec<Assignment> = week
        .chars()
        .enumerate()
        .filter(|(_, c)| *c != '-')
        .map(|(d, c)| Assignment {
            staff: "A".into(),
            day: d as u32,
            shift: if c == 'E' { "Early" } else { "Night" }.into(),
            ward: inrc2::WARD.into(),
            skill: Some("Nurse".into()),
        })
        .collect();
    let r = validate(p, &Solution::from_assignments(a));
    r.cost_by_family
}

fn cost(c: &std::collections::BTreeMap<Family, f64>, f: Family) -> f64 {
    c.get(&f).copied().unwrap_or(0.0)
}

#[test]
fn history_border_rules() {
    // c = 2 days worked, Monday off: the history run is 1 short of the minimum 3 (Table 7).
    let p = tiny("Early 2 2 0");
    let c = costs(&p, "-EEE---");
    assert_eq!(cost(&c, Family::MinConsecutiveDays), 30.0);
    // the Early run of 2 in history meets its minimum 2; the new run EEE also fits (max 3)
    assert_eq!(cost(&c, Family::ConsecutiveShiftType), 0.0);
    // c = 1 day off, Monday worked: 2 days off missing (Table 11)
    let p = tiny("None 0 0 1");
    assert_eq!(cost(&costs(&p, "EEE---E"), Family::MinConsecutiveDaysOff), 60.0);
    // a run starting on day 0 continues the history: 2 + 2 = 4 worked days, no minimum cost;
    // Early run 2 + 2 = 4 > 3: one day too many, charged once
    let p = tiny("Early 2 2 0");
    let c = costs(&p, "EE---EE");
    assert_eq!(cost(&c, Family::MinConsecutiveDays), 0.0);
    assert_eq!(cost(&c, Family::ConsecutiveShiftType), 15.0);
    // history beyond the maximum is not charged again: 6 days worked (max 4), Monday worked = 1 day
    let p = tiny("Night 6 6 0");
    let c = costs(&p, "N---NNN");
    assert_eq!(cost(&c, Family::MaxConsecutiveDays), 30.0);
    assert_eq!(cost(&c, Family::ConsecutiveShiftType), 15.0);
    // 6 days off in history (max 4): each further day off costs one unit
    let p = tiny("None 0 0 6");
    assert_eq!(cost(&costs(&p, "--EEE--"), Family::MaxConsecutiveDaysOff), 60.0);
    // the run reaching the last day is exempt from the minimums: "------E"
    let p = tiny("None 0 0 3");
    let c = costs(&p, "---EEE-");
    assert_eq!(cost(&c, Family::MinConsecutiveDaysOff), 0.0); // 3 + 3 off, then the last day off
    assert_eq!(cost(&c, Family::MaxConsecutiveDaysOff), 60.0); // 6 off in a row, max 4
    let c = costs(&p, "------E");
    assert_eq!(cost(&c, Family::MinConsecutiveDays), 0.0);
    // forbidden succession across the border: Night on day -1, Early on day 0
    let p = tiny("Night 1 1 0");
    let r = validate(
        &p,
        &Solution::from_assignments(vec![Assignment {
            staff: "A".into(),
            day: 0,
            shift: "Early".into(),
            ward: inrc2::WARD.into(),
            skill: Some("Nurse".into()),
        }]),
    );
    assert_eq!(inrc2::report(&r).illegal_succession, 1);
    // complete weekends: only Saturday worked
    let p = tiny("None 0 0 3");
    assert_eq!(cost(&costs(&p, "--EEEE-"), Family::CompleteWeekends), 30.0);
    assert_eq!(cost(&costs(&p, "--EEE--"), Family::CompleteWeekends), 0.0);
}

/// The model honours the same border rules: solving the tiny instances (cover 0, so the
/// best roster works only where that is cheaper) gives the validator's objective.
#[test]
fn model_agrees_with_validator_at_the_border() {
    for h in ["Early 2 2 0", "None 0 0 1", "Night 6 6 0", "None 0 0 6", "Early 1 4 0", "Night 3 3 0"] {
        let mut p = tiny(h);
        // a little cover so that working is worth something
        for s in &mut p.slots {
            if s.day % 2 == 0 {
                s.target = 1;
            }
        }
        let s = solve(&p, &SolveOptions::default()).unwrap();
        let r = validate(&p, &s);
        assert!(r.is_feasible(), "{h}: {:?}", r.hard);
        assert_eq!(s.status, SolveStatus::Optimal, "{h}");
        let m = s.model_objective.unwrap();
        assert!((m - s.objective).abs() < 1e-6, "{h}: model {m} vs validator {}", s.objective);
    }
}

// ---------------------------------------------------------------------------------------
// Malformed files

fn parse_with(sc: &str, h: &str, weeks: &[&str]) -> Result<Problem, FormatError> {
    let w: Vec<Source<'_>> = weeks.iter().map(|t| Source { file: "WD.txt", text: t }).collect();
    inrc2::parse("bad", Source { file: "Sc.txt", text: sc }, Source { file: "H0.txt", text: h }, &w)
}

/// 1-based number of the line of `text` containing `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.split('\n').position(|l| l.contains(needle)).unwrap() + 1
}

fn expect_err(r: Result<Problem, FormatError>, file: &str, section: &str, line: usize) -> FormatError {
    let Err(e) = r else { panic!("accepted a malformed file") };
    assert_eq!((e.file.as_str(), e.section.as_str(), e.line), (file, section, line), "{e}");
    assert!(e.to_string().starts_with(&format!("{file}: {section}, line {line}: ")), "{e}");
    e
}

#[test]
fn malformed_files_name_file_section_and_line() {
    let sc = text("Sc-n005w4.txt");
    let h = text("H0-n005w4-0.txt");
    let w1 = text("WD-n005w4-1.txt");
    let weeks = [w1.as_str(), w1.as_str(), w1.as_str(), w1.as_str()];
    assert!(parse_with(&sc, &h, &weeks).is_ok());

    let bad = sc.replace("FullTime (15,22)", "FullTime (15;22)");
    expect_err(parse_with(&bad, &h, &weeks), "Sc.txt", "CONTRACTS", line_of(&sc, "FullTime (15,22)"));
    let bad = sc.replace("Sara PartTime", "Sara HalfTime");
    expect_err(parse_with(&bad, &h, &weeks), "Sc.txt", "NURSES", line_of(&sc, "Sara PartTime"));
    let bad = sc.replace("Late 1 Early", "Late 2 Early");
    expect_err(parse_with(&bad, &h, &weeks), "Sc.txt", "FORBIDDEN_SHIFT_TYPES_SUCCESSIONS", line_of(&sc, "Late 1"));
    let bad = sc.replace("Night (4,5)", "Night (5,4)");
    expect_err(parse_with(&bad, &h, &weeks), "Sc.txt", "SHIFT_TYPES", line_of(&sc, "Night (4,5)"));
    let bad = sc.replace("WEEKS = 4", "WEEKS = four");
    expect_err(parse_with(&bad, &h, &weeks), "Sc.txt", "WEEKS", line_of(&sc, "WEEKS"));

    let bad = h.replace("Andrea 0 0 Early 3 3 0", "Andrea 0 0 Early 3 2 0");
    expect_err(parse_with(&sc, &bad, &weeks), "H0.txt", "NURSE_HISTORY", line_of(&h, "Andrea"));
    let bad = h.replace("Sara 0 0 Late", "Sara 0 0 Noon");
    expect_err(parse_with(&sc, &bad, &weeks), "H0.txt", "NURSE_HISTORY", line_of(&h, "Sara"));
    let bad = h.replace("Nguyen 0 0 None 0 0 1", "");
    let e = expect_err(parse_with(&sc, &bad, &weeks), "H0.txt", "NURSE_HISTORY", bad.split('\n').count());
    assert!(e.message.contains("Nguyen"), "{e}");

    let bad = w1.replace("Nguyen Any Fri", "Nguyen Any Fry");
    let bad_weeks = [w1.as_str(), bad.as_str(), w1.as_str(), w1.as_str()];
    expect_err(parse_with(&sc, &h, &bad_weeks), "WD.txt", "SHIFT_OFF_REQUESTS", line_of(&w1, "Nguyen Any Fri"));
    let bad = w1.replace("Late Nurse (0,1) ", "Late Nurse ");
    let bad_weeks = [bad.as_str(), w1.as_str(), w1.as_str(), w1.as_str()];
    expect_err(parse_with(&sc, &h, &bad_weeks), "WD.txt", "REQUIREMENTS", line_of(&w1, "Late Nurse"));
    let bad = w1.replace("SHIFT_OFF_REQUESTS = 5", "SHIFT_OFF_REQUESTS = 6");
    let bad_weeks = [bad.as_str(), w1.as_str(), w1.as_str(), w1.as_str()];
    let e = expect_err(parse_with(&sc, &h, &bad_weeks), "WD.txt", "SHIFT_OFF_REQUESTS", bad.split('\n').count());
    assert!(e.message.contains("end of file"), "{e}");

    // wrong number of week files: names the scenario's WEEKS line
    expect_err(parse_with(&sc, &h, &weeks[..3]), "Sc.txt", "WEEKS", line_of(&sc, "WEEKS"));

    // solution files
    let p = example_problem();
    let sol = text("Solution_H_0-WD_1-2-3-3/Sol-n005w4-1-0.txt");
    assert_eq!(inrc2::parse_solution(&p, Source { file: "Sol.txt", text: &sol }).unwrap().len(), 25);
    for (from, to) in [("Patrick Mon Night Nurse", "Patrick Mon Nite Nurse"), ("Andrea Tue Late", "Andrea Tues Late")] {
        let bad = sol.replace(from, to);
        let e = inrc2::parse_solution(&p, Source { file: "Sol.txt", text: &bad }).unwrap_err();
        assert_eq!((e.file.as_str(), e.section.as_str(), e.line), ("Sol.txt", "ASSIGNMENTS", line_of(&sol, from)));
    }
    let bad = sol.replace("0 n005w4", "7 n005w4");
    let e = inrc2::parse_solution(&p, Source { file: "Sol.txt", text: &bad }).unwrap_err();
    assert_eq!((e.section.as_str(), e.line), ("SOLUTION", line_of(&sol, "0 n005w4")));
    // a trailer after the assignments is ignored
    let trailer = format!("{sol}\nCost: 575\n");
    assert!(inrc2::parse_solution(&p, Source { file: "Sol.txt", text: &trailer }).is_ok());
    // a missing file names the path
    let e = inrc2::read_instance(&data_dir(), 9, &[1, 2, 3, 3]).unwrap_err();
    assert!(e.file.ends_with("H0-n005w4-9.txt"), "{e}");
}

/// No input makes the readers panic: every truncation and every single-token deletion of
/// the data files (and a few byte-level mutations) gives `Ok` or an error.
#[test]
fn readers_never_panic() {
    let sc = text("Sc-n005w4.txt");
    let h = text("H0-n005w4-0.txt");
    let w = text("WD-n005w4-1.txt");
    let sol = text("Solution_H_0-WD_1-2-3-3/Sol-n005w4-1-0.txt");
    let p = example_problem();
    let variants = |t: &str| -> Vec<String> {
        let mut out = Vec::new();
        for k in 0..=t.len() {
            if t.is_char_boundary(k) {
                out.push(t[..k].to_string());
            }
        }
        let toks: Vec<&str> = t.split_whitespace().collect();
        for k in 0..toks.len() {
            let mut v = toks.clone();
            v.remove(k);
            out.push(v.join(" "));
        }
        for (k, ch) in t.char_indices() {
            if ch.is_ascii_digit() {
                let mut s = t.to_string();
                s.replace_range(k..k + 1, "x");
                out.push(s);
                let mut s = t.to_string();
                s.replace_range(k..k + 1, "99999999999");
                out.push(s);
            }
        }
        out.push("\u{0}\u{ff}(,)(((=== \r\r\n".into());
        out
    };
    for v in variants(&sc) {
        let _ = parse_with(&v, &h, &[&w, &w, &w, &w]);
    }
    for v in variants(&h) {
        let _ = parse_with(&sc, &v, &[&w, &w, &w, &w]);
    }
    for v in variants(&w) {
        let _ = parse_with(&sc, &h, &[&w, &v, &w, &w]);
    }
    for v in variants(&sol) {
        let _ = inrc2::parse_solution(&p, Source { file: "s", text: &v });
    }
}

#[test]
fn instance_names() {
    assert_eq!(inrc2::instance_name("n030w4", 1, &[6, 2, 9, 1]), "n030w4_1_6-2-9-1");
    assert_eq!(inrc2::parse_instance_name("n080w4_2_4-3-3-3"), Some(("n080w4".into(), 2, vec![4, 3, 3, 3])));
    assert_eq!(inrc2::parse_instance_name("n080w4_x_4"), None);
    assert_eq!(bench::best_known_inrc2("n030w4_1_6-2-9-1"), Some(1670.0));
    assert_eq!(bench::best_known_inrc2("n005w4_0_1-2-3-3"), None);
}
