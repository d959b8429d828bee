//! Writers for the formats a ward's schedule leaves rota in: CSV, XLSX, iCalendar and JSON.
//! They take plain schedule data and know nothing of the database.

pub mod csv;
pub mod ics;
pub mod xlsx;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

/// One worked shift, with codes a reader recognises.
#[derive(Debug, Clone, Serialize)]
pub struct Shift {
    pub employee_number: String,
    pub staff_name: String,
    pub ward: String,
    pub ward_name: String,
    /// Local date the shift starts on.
    pub date: NaiveDate,
    pub shift_code: String,
    pub role: String,
    pub skill: Option<String>,
    pub start_utc: DateTime<Utc>,
    pub end_utc: DateTime<Utc>,
    /// Stable across re-solving and re-publishing: person, ward, template and date.
    pub uid: String,
}

/// Required against assigned for one shift, role and skill on one date.
#[derive(Debug, Clone, Serialize)]
pub struct Cover {
    pub date: NaiveDate,
    pub shift_code: String,
    pub role: String,
    pub skill: Option<String>,
    pub required: i32,
    pub assigned: i32,
}

/// A ward's schedule for one week.
#[derive(Debug, Clone, Serialize)]
pub struct WardWeek {
    pub site: String,
    pub ward: String,
    pub ward_name: String,
    pub week_start: NaiveDate,
    /// Everyone who may work on the ward, even with no shift this week: (number, name).
    pub staff: Vec<(String, String)>,
    pub shifts: Vec<Shift>,
    pub cover: Vec<Cover>,
}

impl WardWeek {
    #[must_use]
    pub fn days(&self) -> Vec<NaiveDate> {
        self.week_start.iter_days().take(7).collect()
    }

    /// File stem: `<site>-<ward>-<monday>`.
    #[must_use]
    pub fn stem(&self) -> String {
        format!("{}-{}-{}", self.site, self.ward, self.week_start)
    }
}

/// The formats `rota schedule` can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
    Xlsx,
    Ics,
}

impl Format {
    /// Parse a comma-separated list such as `json,csv,xlsx,ics`.
    pub fn parse_list(list: &str) -> Result<Vec<Format>, String> {
        list.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| match s.to_ascii_lowercase().as_str() {
                "json" => Ok(Format::Json),
                "csv" => Ok(Format::Csv),
                "xlsx" => Ok(Format::Xlsx),
                "ics" | "ical" => Ok(Format::Ics),
                other => Err(format!("unknown format '{other}' (use json, csv, xlsx, ics)")),
            })
            .collect()
    }
}

/// Write every requested format under `dir`; returns the files written.
pub fn write_all(
    dir: &std::path::Path,
    weeks: &[WardWeek],
    formats: &[Format],
) -> Result<Vec<std::path::PathBuf>, String> {
    let io = |path: &std::path::Path, e: std::io::Error| format!("cannot write {}: {e}", path.display());
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    let mut written = Vec::new();
    let mut put = |path: std::path::PathBuf, bytes: &[u8]| -> Result<(), String> {
        std::fs::write(&path, bytes).map_err(|e| io(&path, e))?;
        written.push(path);
        Ok(())
    };
    for format in formats {
        match format {
            Format::Json => {
                for week in weeks {
                    let text = serde_json::to_string_pretty(week).map_err(|e| e.to_string())?;
                    put(dir.join(format!("{}.json", week.stem())), text.as_bytes())?;
                }
            }
            Format::Csv => {
                for week in weeks {
                    put(dir.join(format!("{}.csv", week.stem())), csv::write(&week.shifts).as_bytes())?;
                }
            }
            Format::Xlsx => {
                for week in weeks {
                    let bytes = xlsx::write(std::slice::from_ref(week)).map_err(|e| e.to_string())?;
                    put(dir.join(format!("{}.xlsx", week.stem())), &bytes)?;
                }
            }
            Format::Ics => {
                let ics_dir = dir.join("ics");
                std::fs::create_dir_all(&ics_dir).map_err(|e| io(&ics_dir, e))?;
                let mut by_person: std::collections::BTreeMap<&str, Vec<Shift>> = Default::default();
                for s in weeks.iter().flat_map(|w| &w.shifts) {
                    by_person.entry(s.employee_number.as_str()).or_default().push(s.clone());
                }
                for (person, mut shifts) in by_person {
                    shifts.sort_by_key(|s| s.start_utc);
                    let name = format!("Shifts of {}", shifts.first().map_or(person, |s| s.staff_name.as_str()));
                    put(ics_dir.join(format!("{person}.ics")), ics::write(&name, &shifts).as_bytes())?;
                }
            }
        }
    }
    Ok(written)
}
