//! `rota schedule`: the weekly batch run from the command line, checked file by file.

use std::path::Path;
use std::process::Command;

use calamine::{open_workbook, Data, Reader, Xlsx};

use crate::helpers::fresh_database;

fn rota(url: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_rota")).arg("--database-url").arg(url).args(args).output().unwrap()
}

fn text(out: &std::process::Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

#[test]
fn a_weekly_batch_run_writes_csv_xlsx_ics_and_json_that_agree() {
    let (url, _scratch) = fresh_database();
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo-hospital.yaml");
    let loaded = rota(&url, &["demo", "--fixture", fixture, "--today", "2026-11-25"]);
    assert!(loaded.status.success(), "{}", text(&loaded));
    let out_dir = std::env::temp_dir().join(format!("rota-schedule-{}", uuid::Uuid::now_v7().simple()));
    let out_str = out_dir.display().to_string();
    let run = rota(
        &url,
        &[
            "schedule",
            "--site",
            "LON",
            "--week",
            "2026-11-30",
            "--wards",
            "ICU",
            "--out",
            &out_str,
            "--time-limit",
            "20",
            "--publish",
        ],
    );
    assert!(run.status.success(), "{}", text(&run));
    assert!(text(&run).contains("solving:"), "progress is shown: {}", text(&run));
    assert!(text(&run).contains("published"), "{}", text(&run));

    let stem = "LON-ICU-2026-11-30";
    let csv = std::fs::read_to_string(out_dir.join(format!("{stem}.csv"))).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("employee_number,ward,date,shift_code,role,skill,start_utc,end_utc"));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert!(!rows.is_empty());
    for r in &rows {
        assert_eq!(r.len(), 8);
        assert_eq!(r[1], "ICU");
        assert!(r[2] >= "2026-11-30" && r[2] <= "2026-12-06", "{r:?}");
    }

    // The XLSX grid says the same: each (employee, date) cell holds the CSV's shift code.
    let mut book: Xlsx<_> = open_workbook(out_dir.join(format!("{stem}.xlsx"))).unwrap();
    let sheet_name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&sheet_name).unwrap();
    let cells: Vec<Vec<String>> = range
        .rows()
        .map(|row| {
            row.iter()
                .map(|c| match c {
                    Data::String(s) => s.clone(),
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect();
    let header = cells.iter().position(|r| r.first().map(String::as_str) == Some("Employee")).unwrap();
    let days: Vec<String> = (0..7)
        .map(|i| (chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap() + chrono::Duration::days(i)).to_string())
        .collect();
    let mut grid_shifts = 0;
    for row in &cells[header + 1..] {
        if row.first().is_none_or(String::is_empty) {
            break;
        }
        for (i, day) in days.iter().enumerate() {
            let code = row.get(i + 2).cloned().unwrap_or_default();
            let expected: Vec<&str> =
                rows.iter().filter(|r| r[0] == row[0] && r[2] == day.as_str()).map(|r| r[3]).collect();
            assert_eq!(code, expected.join("/"), "{} on {day}", row[0]);
            if !code.is_empty() {
                grid_shifts += 1;
            }
        }
    }
    assert_eq!(grid_shifts, rows.len());
    assert!(cells.iter().any(|r| r.first().map(String::as_str) == Some("Coverage")));

    // One calendar per person with their shifts.
    let person = rows[0][0];
    let ics = std::fs::read_to_string(out_dir.join("ics").join(format!("{person}.ics"))).unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"));
    let events = ics.matches("BEGIN:VEVENT").count();
    assert_eq!(events, rows.iter().filter(|r| r[0] == person).count());
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.join(format!("{stem}.json"))).unwrap()).unwrap();
    assert_eq!(json["shifts"].as_array().unwrap().len(), rows.len());
    let _ = std::fs::remove_dir_all(&out_dir);
}

#[test]
fn a_batch_run_with_bad_input_says_what_to_fix() {
    let (url, _scratch) = fresh_database();
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo-hospital.yaml");
    assert!(rota(&url, &["demo", "--fixture", fixture, "--today", "2026-11-25"]).status.success());
    let out = std::env::temp_dir().join("rota-schedule-never-written");
    let out = out.to_str().unwrap();
    for (args, expected) in [
        (vec!["--site", "NOPE", "--week", "2026-11-30"], "unknown site 'NOPE'; known sites: LON, NYC"),
        (
            vec!["--site", "LON", "--week", "2026-12-02"],
            "is a Wednesday; give the Monday the week starts on (e.g. 2026-11-30)",
        ),
        (vec!["--site", "LON", "--week", "2026-11-30", "--wards", "XYZ"], "no ward 'XYZ'"),
        (vec!["--site", "LON", "--week", "2026-11-30", "--weeks", "0"], "--weeks 0 must be between 1 and 12"),
        (vec!["--site", "LON", "--week", "2026-11-30", "--format", "pdf"], "unknown format 'pdf'"),
    ] {
        let mut all = vec!["schedule", "--out", out];
        all.extend(args);
        let run = rota(&url, &all);
        assert!(!run.status.success());
        assert!(text(&run).contains(expected), "{expected:?} in {}", text(&run));
    }
    assert!(!Path::new(out).exists());
}
