//! Which days of the week a template or requirement applies to.

use chrono::{Datelike, NaiveDate, Weekday};

const NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// A set of weekdays, bit 0 = Monday … bit 6 = Sunday (stored as that integer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Weekdays(u8);

impl Weekdays {
    pub const ALL: Weekdays = Weekdays(0x7f);

    /// Parse names like `["mon","tue"]`; an empty list is rejected (a shift that never runs).
    pub fn parse(names: &[String]) -> Result<Self, String> {
        let mut bits = 0u8;
        for name in names {
            let lower = name.to_ascii_lowercase();
            let idx = NAMES
                .iter()
                .position(|n| lower.starts_with(n) && (lower.len() == 3 || full_name(n) == lower))
                .ok_or_else(|| format!("'{name}' is not a weekday (use mon, tue, wed, thu, fri, sat, sun)"))?;
            bits |= 1 << idx;
        }
        if bits == 0 {
            return Err("must name at least one weekday".to_owned());
        }
        Ok(Weekdays(bits))
    }

    #[must_use]
    pub fn from_bits(bits: i32) -> Self {
        Weekdays(u8::try_from(bits & 0x7f).unwrap_or(0))
    }

    #[must_use]
    pub fn bits(self) -> i32 {
        i32::from(self.0)
    }

    #[must_use]
    pub fn contains(self, day: Weekday) -> bool {
        self.0 & (1 << day.num_days_from_monday()) != 0
    }

    #[must_use]
    pub fn contains_date(self, date: NaiveDate) -> bool {
        self.contains(date.weekday())
    }

    #[must_use]
    pub fn names(self) -> Vec<String> {
        NAMES.iter().enumerate().filter(|(i, _)| self.0 & (1 << i) != 0).map(|(_, n)| (*n).to_owned()).collect()
    }
}

fn full_name(short: &str) -> &'static str {
    match short {
        "mon" => "monday",
        "tue" => "tuesday",
        "wed" => "wednesday",
        "thu" => "thursday",
        "fri" => "friday",
        "sat" => "saturday",
        _ => "sunday",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekday_names_round_trip_and_reject_nonsense() {
        let w = Weekdays::parse(&["mon".into(), "Saturday".into()]).unwrap();
        assert_eq!(w.names(), vec!["mon", "sat"]);
        assert!(Weekdays::parse(&["funday".into()]).is_err());
        assert!(Weekdays::parse(&[]).is_err());
    }
}
