//! Field-level validation errors, collected so a client learns every fault in one answer.

use chrono::{NaiveDate, NaiveTime, Timelike};
use chrono_tz::Tz;
use serde::Serialize;
use utoipa::ToSchema;

/// Longest code (`FieldErrors::code`). The OpenAPI document states it as the pattern
/// `^[A-Za-z0-9_-]{1,32}$` and names as `maxLength` 200 (utoipa takes only literals there;
/// a test ties the document to these constants).
pub const CODE_MAX: usize = 32;
/// Longest name or label (`FieldErrors::text`).
pub const TEXT_MAX: usize = 200;

/// One thing wrong with one field of the input. `field` is a JSON pointer-ish dotted path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// Accumulates faults while a whole input is parsed.
#[derive(Debug, Default)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError { field: field.to_owned(), message: message.into() });
    }

    /// Record `message` against `field` unless `ok` holds.
    pub fn check(&mut self, ok: bool, field: &str, message: &str) {
        if !ok {
            self.add(field, message);
        }
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(value)` when nothing was recorded, otherwise every recorded fault.
    pub fn finish<T>(self, value: T) -> Result<T, Vec<FieldError>> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self.0)
        }
    }

    /// A short code: letters, digits, `-` and `_`, 1–`CODE_MAX` characters.
    pub fn code(&mut self, field: &str, value: &str) -> String {
        let v = value.trim();
        let ok = !v.is_empty()
            && v.len() <= CODE_MAX
            && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        self.check(ok, field, &format!("must be 1-{CODE_MAX} letters, digits, '-' or '_'"));
        v.to_owned()
    }

    /// A human name or label: 1–`TEXT_MAX` characters after trimming.
    pub fn text(&mut self, field: &str, value: &str) -> String {
        let v = value.trim();
        self.check(!v.is_empty() && v.chars().count() <= TEXT_MAX, field, &format!("must be 1-{TEXT_MAX} characters"));
        v.to_owned()
    }

    /// An IANA time zone such as `Europe/London`.
    pub fn time_zone(&mut self, field: &str, value: &str) -> Option<Tz> {
        match value.parse::<Tz>() {
            Ok(tz) => Some(tz),
            Err(_) => {
                self.add(field, format!("'{value}' is not an IANA time zone (e.g. Europe/London)"));
                None
            }
        }
    }

    /// A plausible e-mail address: one `@`, a dot in the domain, no spaces.
    pub fn email(&mut self, field: &str, value: &str) -> String {
        let v = value.trim();
        let ok = match v.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !v.contains(char::is_whitespace)
                    && !domain.contains('@')
                    && v.len() <= 254
            }
            None => false,
        };
        self.check(ok, field, "must be an e-mail address");
        v.to_lowercase()
    }

    /// A local wall-clock time `HH:MM`; returns minutes after midnight.
    pub fn local_time(&mut self, field: &str, value: &str) -> i32 {
        match NaiveTime::parse_from_str(value, "%H:%M") {
            Ok(t) => i32::try_from(t.hour() * 60 + t.minute()).unwrap_or(0),
            Err(_) => {
                self.add(field, "must be a local time HH:MM");
                0
            }
        }
    }

    /// An integer within `lo..=hi`.
    pub fn int_in(&mut self, field: &str, value: i64, lo: i64, hi: i64) -> i32 {
        self.check((lo..=hi).contains(&value), field, &format!("must be between {lo} and {hi}"));
        i32::try_from(value.clamp(lo, hi)).unwrap_or(0)
    }

    /// A finite number within `lo..=hi`.
    pub fn number_in(&mut self, field: &str, value: f64, lo: f64, hi: f64) -> f64 {
        self.check(value.is_finite() && value >= lo && value <= hi, field, &format!("must be between {lo} and {hi}"));
        value
    }

    /// `end` must not be before `start` (both optional: an open end is fine).
    pub fn date_order(&mut self, field: &str, start: NaiveDate, end: Option<NaiveDate>) {
        if let Some(end) = end {
            self.check(end >= start, field, "must not be before the start date");
        }
    }
}

impl From<FieldErrors> for Vec<FieldError> {
    fn from(e: FieldErrors) -> Self {
        e.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The published OpenAPI document states the limits these checks enforce: every code
    /// field's pattern and every name field's length.
    #[test]
    fn the_openapi_document_states_the_code_and_name_limits_that_are_enforced() {
        let doc = serde_json::to_value(crate::api::openapi::build()).unwrap();
        let pattern = format!("^[A-Za-z0-9_-]{{1,{CODE_MAX}}}$");
        let (mut codes, mut names) = (0, 0);
        for (schema, body) in doc["components"]["schemas"].as_object().unwrap() {
            let Some(props) = body["properties"].as_object() else { continue };
            if let Some(p) = props.get("code").or_else(|| props.get("employee_number")) {
                if p.get("pattern").is_some() {
                    assert_eq!(p["pattern"], pattern.as_str(), "{schema}");
                    codes += 1;
                }
            }
            if let Some(max) = props.get("name").and_then(|p| p.get("maxLength")) {
                assert_eq!(max.as_u64(), Some(TEXT_MAX as u64), "{schema}");
                names += 1;
            }
        }
        assert!(codes >= 5 && names >= 5, "{codes} code and {names} name fields carry limits");
        let mut e = FieldErrors::new();
        e.code("code", &"A".repeat(CODE_MAX));
        e.text("name", &"n".repeat(TEXT_MAX));
        assert!(e.finish(()).is_ok());
        let mut e = FieldErrors::new();
        e.code("code", &"A".repeat(CODE_MAX + 1));
        e.text("name", &"n".repeat(TEXT_MAX + 1));
        assert_eq!(e.finish(()).unwrap_err().len(), 2);
    }
}
