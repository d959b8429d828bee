//! iCalendar (RFC 5545) feeds: one VEVENT per shift, times in UTC, UIDs stable across
//! re-solving so calendar clients update events instead of duplicating them.

use chrono::Utc;

use super::Shift;

/// Escape TEXT values (RFC 5545 §3.3.11).
fn text(value: &str) -> String {
    value.replace('\\', "\\\\").replace(';', "\\;").replace(',', "\\,").replace('\n', "\\n")
}

/// Fold lines longer than 75 octets (RFC 5545 §3.1), never inside a UTF-8 character.
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for ch in line.chars() {
        let len = ch.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(ch);
        width += len;
    }
    out.push_str("\r\n");
    out
}

/// One shift in a feed: confirmed, or cancelled (it was on a published roster and no longer
/// is); `sequence` grows with every change so clients keep the newest.
pub struct Event<'a> {
    pub shift: &'a Shift,
    pub cancelled: bool,
    pub sequence: i64,
}

/// A calendar of confirmed shifts (the batch export).
#[must_use]
pub fn write(calendar_name: &str, shifts: &[Shift]) -> String {
    let events: Vec<Event<'_>> = shifts.iter().map(|shift| Event { shift, cancelled: false, sequence: 0 }).collect();
    write_events(calendar_name, &events)
}

#[must_use]
pub fn write_events(calendar_name: &str, events: &[Event<'_>]) -> String {
    let stamp = Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
    let mut out = String::new();
    for line in ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//rota//rota schedule//EN", "CALSCALE:GREGORIAN"] {
        out.push_str(&fold(line));
    }
    out.push_str(&fold(&format!("X-WR-CALNAME:{}", text(calendar_name))));
    for e in events {
        let s = e.shift;
        let summary = if e.cancelled {
            format!("Cancelled: {} shift, {}", s.shift_code, s.ward_name)
        } else {
            format!("{} shift, {}", s.shift_code, s.ward_name)
        };
        let description = match &s.skill {
            Some(skill) => format!("{} ({}) on {}", s.role, skill, s.ward_name),
            None => format!("{} on {}", s.role, s.ward_name),
        };
        for line in [
            "BEGIN:VEVENT".to_owned(),
            format!("UID:{}", s.uid),
            format!("DTSTAMP:{stamp}"),
            format!("SEQUENCE:{}", e.sequence),
            format!("DTSTART:{}", s.start_utc.format("%Y%m%dT%H%M%SZ")),
            format!("DTEND:{}", s.end_utc.format("%Y%m%dT%H%M%SZ")),
            format!("SUMMARY:{}", text(&summary)),
            format!("DESCRIPTION:{}", text(&description)),
            format!("LOCATION:{}", text(&s.ward_name)),
            format!("STATUS:{}", if e.cancelled { "CANCELLED" } else { "CONFIRMED" }),
            "END:VEVENT".to_owned(),
        ] {
            out.push_str(&fold(&line));
        }
    }
    out.push_str(&fold("END:VCALENDAR"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_fold_at_75_octets_and_text_is_escaped() {
        let folded = fold(&"x".repeat(160));
        assert!(folded.split("\r\n").all(|l| l.len() <= 75));
        assert_eq!(text("a,b;c"), "a\\,b\\;c");
    }
}
