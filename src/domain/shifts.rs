//! Shift templates are wall-clock patterns in the site's zone; concrete shifts are UTC
//! instants. A 20:00 night of 12 wall-clock hours lasts 11 real hours on the night the
//! clocks go forward and 13 on the night they go back, and rest rules use real hours.

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::Weekdays;

/// A shift template's timing: local start, nominal (wall-clock) length, unpaid break, days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShiftPattern {
    pub start_minute: i32,
    pub duration_minutes: i32,
    pub unpaid_break_minutes: i32,
    pub weekdays: Weekdays,
}

/// One concrete shift: the local date it starts on and its real start and end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShiftInstance {
    pub date: NaiveDate,
    pub start_utc: DateTime<Utc>,
    pub end_utc: DateTime<Utc>,
}

impl ShiftInstance {
    /// Real elapsed minutes, DST included.
    #[must_use]
    pub fn elapsed_minutes(&self) -> i64 {
        (self.end_utc - self.start_utc).num_minutes()
    }
}

/// Resolve a local wall-clock time in `tz`: an ambiguous time (clocks going back) takes the
/// first occurrence; a time that does not exist (clocks going forward) moves forward past
/// the gap, as a ward clock would.
#[must_use]
pub fn resolve_local(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    let mut probe = local;
    for _ in 0..=16 {
        match tz.from_local_datetime(&probe) {
            LocalResult::Single(t) => return t.with_timezone(&Utc),
            LocalResult::Ambiguous(first, _) => return first.with_timezone(&Utc),
            LocalResult::None => probe += Duration::minutes(15),
        }
    }
    // No zone has a gap longer than four hours; fall back to reading the time as UTC.
    Utc.from_utc_datetime(&local)
}

impl ShiftPattern {
    /// The shift starting on local `date`, or `None` if the template does not run that day.
    #[must_use]
    pub fn on(&self, date: NaiveDate, tz: Tz) -> Option<ShiftInstance> {
        if !self.weekdays.contains_date(date) {
            return None;
        }
        let start_local = date.and_hms_opt(0, 0, 0)? + Duration::minutes(i64::from(self.start_minute));
        let end_local = start_local + Duration::minutes(i64::from(self.duration_minutes));
        Some(ShiftInstance { date, start_utc: resolve_local(tz, start_local), end_utc: resolve_local(tz, end_local) })
    }

    /// Every instance starting on a local date in `from..=to`.
    #[must_use]
    pub fn between(&self, from: NaiveDate, to: NaiveDate, tz: Tz) -> Vec<ShiftInstance> {
        from.iter_days().take_while(|d| *d <= to).filter_map(|d| self.on(d, tz)).collect()
    }

    /// A night shift puts at least three hours into local 23:00–06:00 (the Working Time
    /// Regulations' definition of night work), measured on the wall clock.
    #[must_use]
    pub fn is_night(&self) -> bool {
        let (start, end) = (self.start_minute, self.start_minute + self.duration_minutes);
        // Night windows that a shift starting today can touch: [-60, 360) and [1380, 1800).
        let overlap = |lo: i32, hi: i32| (end.min(hi) - start.max(lo)).max(0);
        overlap(-60, 360) + overlap(1380, 1800) + overlap(2820, 3240) >= 180
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn night() -> ShiftPattern {
        ShiftPattern {
            start_minute: 20 * 60,
            duration_minutes: 12 * 60,
            unpaid_break_minutes: 60,
            weekdays: Weekdays::ALL,
        }
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn night_shift_lengths_follow_dst_in_london_and_new_york() {
        let london: Tz = "Europe/London".parse().unwrap();
        let ny: Tz = "America/New_York".parse().unwrap();
        assert_eq!(night().on(date(2026, 3, 28), london).unwrap().elapsed_minutes(), 11 * 60);
        assert_eq!(night().on(date(2026, 10, 24), london).unwrap().elapsed_minutes(), 13 * 60);
        assert_eq!(night().on(date(2026, 3, 7), ny).unwrap().elapsed_minutes(), 11 * 60);
        assert_eq!(night().on(date(2026, 10, 31), ny).unwrap().elapsed_minutes(), 13 * 60);
        assert_eq!(night().on(date(2026, 6, 1), london).unwrap().elapsed_minutes(), 12 * 60);
    }

    #[test]
    fn a_start_inside_the_spring_gap_moves_forward() {
        let london: Tz = "Europe/London".parse().unwrap();
        let early = ShiftPattern {
            start_minute: 60 + 30,
            duration_minutes: 60,
            unpaid_break_minutes: 0,
            weekdays: Weekdays::ALL,
        };
        let s = early.on(date(2026, 3, 29), london).unwrap();
        assert_eq!(s.start_utc.to_rfc3339(), "2026-03-29T01:00:00+00:00");
    }

    #[test]
    fn nights_are_told_from_days() {
        assert!(night().is_night());
        let day = ShiftPattern {
            start_minute: 7 * 60,
            duration_minutes: 12 * 60 + 30,
            unpaid_break_minutes: 60,
            weekdays: Weekdays::ALL,
        };
        assert!(!day.is_night());
        let late = ShiftPattern {
            start_minute: 14 * 60 + 30,
            duration_minutes: 8 * 60,
            unpaid_break_minutes: 30,
            weekdays: Weekdays::ALL,
        };
        assert!(!late.is_night());
        let short_night = ShiftPattern {
            start_minute: 22 * 60,
            duration_minutes: 8 * 60,
            unpaid_break_minutes: 30,
            weekdays: Weekdays::ALL,
        };
        assert!(short_night.is_night());
    }
}
