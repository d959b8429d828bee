//! One row per assignment: `employee_number,ward,date,shift_code,role,skill,start_utc,end_utc`.

use super::Shift;

pub const HEADER: &str = "employee_number,ward,date,shift_code,role,skill,start_utc,end_utc";

/// Quote a field when it holds a comma, quote or line break (RFC 4180).
fn field(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

#[must_use]
pub fn write(shifts: &[Shift]) -> String {
    let mut out = String::from(HEADER);
    out.push('\n');
    for s in shifts {
        let row = [
            field(&s.employee_number),
            field(&s.ward),
            s.date.to_string(),
            field(&s.shift_code),
            field(&s.role),
            field(s.skill.as_deref().unwrap_or("")),
            s.start_utc.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            s.end_utc.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        ];
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_with_commas_are_quoted() {
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("plain"), "plain");
    }
}
