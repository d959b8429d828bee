//! A ward's plan: shift templates, staffing requirements and census, and what they add up
//! to — concrete shifts (UTC instants, DST-correct) and demand per shift.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::crud::{find_with_owner, list_page, row_writes, versioned_writes, Record, Resource, RowMeta};
use super::hospital::{role_exists, ward_site, RowFilter};
use super::policy::{self, Action};
use super::{Caller, Family, ListParams, ListScope, Scope, ServiceError};
use crate::db::models::{CensusRow, NurseRatioRow, ShiftTemplateRow, StaffingRequirementRow};
use crate::db::schema::{census, nurse_ratios, shift_templates, sites, skills, staffing_requirements, wards};
use crate::db::DbConnection;
use crate::domain::demand::{self, DemandSource, FixedRequirement};
use crate::domain::{FieldErrors, ShiftPattern, Weekdays};

/// Applies a caller's scope to a table with a `ward_id` column.
macro_rules! ward_scoped {
    ($q:expr, $table:ident, $scope:expr) => {{
        let mut q = $q;
        match RowFilter::from($scope) {
            RowFilter::Any => {}
            RowFilter::Site(s) => {
                q = q.filter($table::ward_id.eq_any(wards::table.filter(wards::site_id.eq(s)).select(wards::id)))
            }
            RowFilter::Ward(w) => q = q.filter($table::ward_id.eq(w)),
            RowFilter::Staff(_) | RowFilter::NoRows => return Ok(vec![]),
        }
        q
    }};
}

fn ward_scope(site_id: String, ward_id: &str) -> Scope {
    Scope { site_id, ward_id: Some(ward_id.to_owned()), staff_id: None }
}

fn weekdays(e: &mut FieldErrors, field: &str, names: Option<&Vec<String>>) -> Weekdays {
    match names {
        None => Weekdays::ALL,
        Some(n) => Weekdays::parse(n).unwrap_or_else(|m| {
            e.add(field, m);
            Weekdays::ALL
        }),
    }
}

fn local_time(minute: i32) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

// ---------------------------------------------------------------- shift templates

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShiftTemplateInput {
    pub ward_id: String,
    /// Unique within the ward, e.g. `E`, `L`, `N`, `LD`.
    #[schema(pattern = r"^[A-Za-z0-9_-]{1,32}$")]
    pub code: String,
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// Local wall-clock start, `HH:MM`, in the site's time zone.
    pub start_time: String,
    /// Nominal wall-clock length; the real length differs across a DST change.
    pub duration_minutes: i64,
    #[serde(default)]
    pub unpaid_break_minutes: i64,
    /// Days it runs (`mon` … `sun`); every day when omitted.
    pub days_of_week: Option<Vec<String>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ShiftTemplate {
    #[serde(flatten)]
    pub record: Record,
    pub ward_id: String,
    pub code: String,
    pub name: String,
    pub start_time: String,
    pub duration_minutes: i32,
    pub unpaid_break_minutes: i32,
    pub days_of_week: Vec<String>,
    /// At least three hours fall in local 23:00–06:00.
    pub night: bool,
}

impl ShiftTemplateRow {
    #[must_use]
    pub fn pattern(&self) -> ShiftPattern {
        ShiftPattern {
            start_minute: self.start_minute,
            duration_minutes: self.duration_minutes,
            unpaid_break_minutes: self.unpaid_break_minutes,
            weekdays: Weekdays::from_bits(self.weekdays),
        }
    }
}

impl From<ShiftTemplateRow> for ShiftTemplate {
    fn from(r: ShiftTemplateRow) -> Self {
        let pattern = r.pattern();
        ShiftTemplate {
            record: Record::new(r.id, r.version, r.created_at, r.updated_at, r.archived_at),
            ward_id: r.ward_id,
            code: r.code,
            name: r.name,
            start_time: local_time(r.start_minute),
            duration_minutes: r.duration_minutes,
            unpaid_break_minutes: r.unpaid_break_minutes,
            days_of_week: pattern.weekdays.names(),
            night: pattern.is_night(),
        }
    }
}

pub struct ShiftTemplates;

pub struct ValidTemplate {
    ward_id: String,
    code: String,
    name: String,
    pattern: ShiftPattern,
}

impl Resource for ShiftTemplates {
    const KIND: &'static str = "shift template";
    const FAMILY: Family = Family::ShiftTemplate;
    type Input = ShiftTemplateInput;
    type Valid = ValidTemplate;
    type Output = ShiftTemplate;

    fn parse(conn: &mut DbConnection, input: ShiftTemplateInput) -> Result<(ValidTemplate, Scope), ServiceError> {
        let mut e = FieldErrors::new();
        let site_id = ward_site(conn, &mut e, "ward_id", &input.ward_id)?;
        let code = e.code("code", &input.code);
        let name = e.text("name", &input.name);
        let start_minute = e.local_time("start_time", &input.start_time);
        let duration_minutes = e.int_in("duration_minutes", input.duration_minutes, 15, 24 * 60);
        let unpaid_break_minutes = e.int_in("unpaid_break_minutes", input.unpaid_break_minutes, 0, 240);
        e.check(unpaid_break_minutes < duration_minutes, "unpaid_break_minutes", "must be shorter than the shift");
        let weekdays = weekdays(&mut e, "days_of_week", input.days_of_week.as_ref());
        let pattern = ShiftPattern { start_minute, duration_minutes, unpaid_break_minutes, weekdays };
        let scope = ward_scope(site_id, &input.ward_id);
        Ok((e.finish(ValidTemplate { ward_id: input.ward_id, code, name, pattern })?, scope))
    }

    find_with_owner!(shift_templates, ShiftTemplateRow, wards, ward_id, ward_scope);

    fn list(conn: &mut DbConnection, scope: &ListScope, p: &ListParams) -> Result<Vec<ShiftTemplate>, ServiceError> {
        let mut q = ward_scoped!(
            shift_templates::table.select(ShiftTemplateRow::as_select()).into_boxed(),
            shift_templates,
            scope
        );
        if let Some(w) = &p.ward_id {
            q = q.filter(shift_templates::ward_id.eq(w.clone()));
        }
        if let Some(s) = &p.site_id {
            q = q.filter(
                shift_templates::ward_id.eq_any(wards::table.filter(wards::site_id.eq(s.clone())).select(wards::id)),
            );
        }
        let rows: Vec<ShiftTemplateRow> = list_page!(q, shift_templates, p).load(conn)?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    versioned_writes!(shift_templates);
    row_writes!(shift_templates, template_row);
}

fn template_row(m: &RowMeta, v: &ValidTemplate) -> ShiftTemplateRow {
    ShiftTemplateRow {
        id: m.id.clone(),
        ward_id: v.ward_id.clone(),
        code: v.code.clone(),
        name: v.name.clone(),
        start_minute: v.pattern.start_minute,
        duration_minutes: v.pattern.duration_minutes,
        unpaid_break_minutes: v.pattern.unpaid_break_minutes,
        weekdays: v.pattern.weekdays.bits(),
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
        archived_at: m.archived_at,
    }
}

// ---------------------------------------------------------------- staffing requirements

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffingRequirementInput {
    pub ward_id: String,
    pub shift_template_id: String,
    pub role_id: String,
    /// A skill every counted person must hold (valid credential on the date).
    pub skill_id: Option<String>,
    pub min: i64,
    pub target: i64,
    pub max: i64,
    /// Days it applies (`mon` … `sun`); every day when omitted.
    pub days_of_week: Option<Vec<String>>,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StaffingRequirement {
    #[serde(flatten)]
    pub record: Record,
    pub ward_id: String,
    pub shift_template_id: String,
    pub role_id: String,
    pub skill_id: Option<String>,
    pub min: i32,
    pub target: i32,
    pub max: i32,
    pub days_of_week: Vec<String>,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

impl From<StaffingRequirementRow> for StaffingRequirement {
    fn from(r: StaffingRequirementRow) -> Self {
        StaffingRequirement {
            record: Record::new(r.id, r.version, r.created_at, r.updated_at, r.archived_at),
            ward_id: r.ward_id,
            shift_template_id: r.shift_template_id,
            role_id: r.role_id,
            skill_id: r.skill_id,
            min: r.min_count,
            target: r.target_count,
            max: r.max_count,
            days_of_week: Weekdays::from_bits(r.weekdays).names(),
            valid_from: r.valid_from,
            valid_to: r.valid_to,
        }
    }
}

pub struct StaffingRequirements;

pub struct ValidRequirement {
    ward_id: String,
    shift_template_id: String,
    role_id: String,
    skill_id: Option<String>,
    min: i32,
    target: i32,
    max: i32,
    weekdays: Weekdays,
    valid_from: NaiveDate,
    valid_to: Option<NaiveDate>,
}

/// The shift template must exist and belong to `ward_id`.
fn template_on_ward(
    conn: &mut DbConnection,
    e: &mut FieldErrors,
    template_id: &str,
    ward_id: &str,
) -> Result<(), ServiceError> {
    let ward: Option<String> = shift_templates::table
        .filter(shift_templates::id.eq(template_id))
        .select(shift_templates::ward_id)
        .first(conn)
        .optional()?;
    match ward {
        None => e.add("shift_template_id", "no such shift template"),
        Some(w) if w != ward_id => e.add("shift_template_id", "belongs to another ward"),
        Some(_) => {}
    }
    Ok(())
}

pub(crate) fn skill_exists(
    conn: &mut DbConnection,
    e: &mut FieldErrors,
    field: &str,
    id: &str,
) -> Result<(), ServiceError> {
    let found: i64 = skills::table.filter(skills::id.eq(id)).count().get_result(conn)?;
    e.check(found > 0, field, "no such skill");
    Ok(())
}

impl Resource for StaffingRequirements {
    const KIND: &'static str = "staffing requirement";
    const FAMILY: Family = Family::Requirement;
    type Input = StaffingRequirementInput;
    type Valid = ValidRequirement;
    type Output = StaffingRequirement;

    fn parse(
        conn: &mut DbConnection,
        input: StaffingRequirementInput,
    ) -> Result<(ValidRequirement, Scope), ServiceError> {
        let mut e = FieldErrors::new();
        let site_id = ward_site(conn, &mut e, "ward_id", &input.ward_id)?;
        template_on_ward(conn, &mut e, &input.shift_template_id, &input.ward_id)?;
        role_exists(conn, &mut e, "role_id", &input.role_id)?;
        if let Some(skill) = &input.skill_id {
            skill_exists(conn, &mut e, "skill_id", skill)?;
        }
        let min = e.int_in("min", input.min, 0, 1000);
        let target = e.int_in("target", input.target, 0, 1000);
        let max = e.int_in("max", input.max, 0, 1000);
        e.check(min <= target, "target", "must be at least min");
        e.check(target <= max, "max", "must be at least target");
        let weekdays = weekdays(&mut e, "days_of_week", input.days_of_week.as_ref());
        e.date_order("valid_to", input.valid_from, input.valid_to);
        let scope = ward_scope(site_id, &input.ward_id);
        let valid = ValidRequirement {
            ward_id: input.ward_id,
            shift_template_id: input.shift_template_id,
            role_id: input.role_id,
            skill_id: input.skill_id,
            min,
            target,
            max,
            weekdays,
            valid_from: input.valid_from,
            valid_to: input.valid_to,
        };
        Ok((e.finish(valid)?, scope))
    }

    find_with_owner!(staffing_requirements, StaffingRequirementRow, wards, ward_id, ward_scope);

    fn list(
        conn: &mut DbConnection,
        scope: &ListScope,
        p: &ListParams,
    ) -> Result<Vec<StaffingRequirement>, ServiceError> {
        let mut q = ward_scoped!(
            staffing_requirements::table.select(StaffingRequirementRow::as_select()).into_boxed(),
            staffing_requirements,
            scope
        );
        if let Some(w) = &p.ward_id {
            q = q.filter(staffing_requirements::ward_id.eq(w.clone()));
        }
        if let Some(to) = p.to {
            q = q.filter(staffing_requirements::valid_from.le(to));
        }
        if let Some(from) = p.from {
            q = q.filter(staffing_requirements::valid_to.is_null().or(staffing_requirements::valid_to.ge(from)));
        }
        let rows: Vec<StaffingRequirementRow> = list_page!(q, staffing_requirements, p).load(conn)?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    versioned_writes!(staffing_requirements);
    row_writes!(staffing_requirements, requirement_row);
}

fn requirement_row(m: &RowMeta, v: &ValidRequirement) -> StaffingRequirementRow {
    StaffingRequirementRow {
        id: m.id.clone(),
        ward_id: v.ward_id.clone(),
        shift_template_id: v.shift_template_id.clone(),
        role_id: v.role_id.clone(),
        skill_id: v.skill_id.clone(),
        min_count: v.min,
        target_count: v.target,
        max_count: v.max,
        weekdays: v.weekdays.bits(),
        valid_from: v.valid_from,
        valid_to: v.valid_to,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
        archived_at: m.archived_at,
    }
}

// ---------------------------------------------------------------- census

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CensusInput {
    pub ward_id: String,
    pub shift_template_id: String,
    /// Local date the shift starts on.
    pub date: NaiveDate,
    pub patients: i64,
    /// Dependency weighting: 1.0 is average; 1.5 needs half as much nursing again.
    pub acuity: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CensusEntry {
    #[serde(flatten)]
    pub record: Record,
    pub ward_id: String,
    pub shift_template_id: String,
    pub date: NaiveDate,
    pub patients: i32,
    pub acuity: Option<f64>,
}

impl From<CensusRow> for CensusEntry {
    fn from(r: CensusRow) -> Self {
        CensusEntry {
            record: Record::new(r.id, r.version, r.created_at, r.updated_at, r.archived_at),
            ward_id: r.ward_id,
            shift_template_id: r.shift_template_id,
            date: r.date,
            patients: r.patients,
            acuity: r.acuity,
        }
    }
}

pub struct Census;

pub struct ValidCensus {
    ward_id: String,
    shift_template_id: String,
    date: NaiveDate,
    patients: i32,
    acuity: Option<f64>,
}

impl Resource for Census {
    const KIND: &'static str = "census entry";
    const FAMILY: Family = Family::Census;
    type Input = CensusInput;
    type Valid = ValidCensus;
    type Output = CensusEntry;

    fn parse(conn: &mut DbConnection, input: CensusInput) -> Result<(ValidCensus, Scope), ServiceError> {
        let mut e = FieldErrors::new();
        let site_id = ward_site(conn, &mut e, "ward_id", &input.ward_id)?;
        template_on_ward(conn, &mut e, &input.shift_template_id, &input.ward_id)?;
        let patients = e.int_in("patients", input.patients, 0, 10_000);
        if let Some(a) = input.acuity {
            e.number_in("acuity", a, 0.1, 10.0);
        }
        let scope = ward_scope(site_id, &input.ward_id);
        let valid = ValidCensus {
            ward_id: input.ward_id,
            shift_template_id: input.shift_template_id,
            date: input.date,
            patients,
            acuity: input.acuity,
        };
        Ok((e.finish(valid)?, scope))
    }

    find_with_owner!(census, CensusRow, wards, ward_id, ward_scope);

    fn list(conn: &mut DbConnection, scope: &ListScope, p: &ListParams) -> Result<Vec<CensusEntry>, ServiceError> {
        let mut q = ward_scoped!(census::table.select(CensusRow::as_select()).into_boxed(), census, scope);
        if let Some(w) = &p.ward_id {
            q = q.filter(census::ward_id.eq(w.clone()));
        }
        if let Some(from) = p.from {
            q = q.filter(census::date.ge(from));
        }
        if let Some(to) = p.to {
            q = q.filter(census::date.le(to));
        }
        let rows: Vec<CensusRow> = list_page!(q, census, p).load(conn)?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    versioned_writes!(census);
    row_writes!(census, census_row);
}

fn census_row(m: &RowMeta, v: &ValidCensus) -> CensusRow {
    CensusRow {
        id: m.id.clone(),
        ward_id: v.ward_id.clone(),
        shift_template_id: v.shift_template_id.clone(),
        date: v.date,
        patients: v.patients,
        acuity: v.acuity,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
        archived_at: m.archived_at,
    }
}

// ---------------------------------------------------------------- derived views

/// One concrete shift of a template.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShiftOccurrence {
    pub shift_template_id: String,
    pub code: String,
    /// Local date the shift starts on.
    pub date: NaiveDate,
    /// Local start and end with offset, in the site's zone.
    pub start_local: String,
    pub end_local: String,
    pub start_utc: DateTime<Utc>,
    pub end_utc: DateTime<Utc>,
    /// Real minutes between start and end (11 h or 13 h across a DST change for a 12 h night).
    pub elapsed_minutes: i64,
    /// Elapsed minus the unpaid break.
    pub paid_minutes: i64,
    pub night: bool,
}

/// Required staff on one shift of a ward.
#[derive(Debug, Serialize, ToSchema)]
pub struct DemandLine {
    #[serde(flatten)]
    pub shift: ShiftOccurrence,
    pub role_id: String,
    pub skill_id: Option<String>,
    pub min: i32,
    pub target: i32,
    pub max: i32,
    pub source: DemandSource,
}

const MAX_RANGE_DAYS: i64 = 366;

fn check_range(from: NaiveDate, to: NaiveDate) -> Result<(), ServiceError> {
    if to < from {
        return Err(ServiceError::field("to", "must not be before from"));
    }
    if (to - from).num_days() >= MAX_RANGE_DAYS {
        return Err(ServiceError::field("to", "the range may cover at most 366 days"));
    }
    Ok(())
}

/// The ward's templates with the site's zone, after checking the caller may read the ward plan.
fn ward_templates(
    conn: &mut DbConnection,
    caller: &Caller,
    family: Family,
    ward_id: &str,
) -> Result<(Tz, String, Vec<ShiftTemplateRow>), ServiceError> {
    let ward: Option<(String, String, String)> = wards::table
        .inner_join(sites::table)
        .filter(wards::id.eq(ward_id))
        .select((wards::site_id, sites::time_zone, wards::unit_type))
        .first(conn)
        .optional()?;
    let (site_id, zone, unit_type) =
        ward.ok_or_else(|| ServiceError::NotFound { kind: "ward", id: ward_id.to_owned() })?;
    policy::authorize(caller, family, Action::Read, &ward_scope(site_id, ward_id))?;
    let tz: Tz = zone.parse().map_err(|_| ServiceError::Internal(format!("stored zone {zone} is invalid")))?;
    let templates = shift_templates::table
        .filter(shift_templates::ward_id.eq(ward_id))
        .filter(shift_templates::archived_at.is_null())
        .order((shift_templates::start_minute.asc(), shift_templates::code.asc()))
        .select(ShiftTemplateRow::as_select())
        .load(conn)?;
    Ok((tz, unit_type, templates))
}

fn occurrence(t: &ShiftTemplateRow, tz: Tz, s: crate::domain::ShiftInstance) -> ShiftOccurrence {
    let elapsed = s.elapsed_minutes();
    ShiftOccurrence {
        shift_template_id: t.id.clone(),
        code: t.code.clone(),
        date: s.date,
        start_local: s.start_utc.with_timezone(&tz).to_rfc3339(),
        end_local: s.end_utc.with_timezone(&tz).to_rfc3339(),
        start_utc: s.start_utc,
        end_utc: s.end_utc,
        elapsed_minutes: elapsed,
        paid_minutes: elapsed - i64::from(t.unpaid_break_minutes),
        night: t.pattern().is_night(),
    }
}

/// Concrete shifts of one ward between two local dates, in start order.
pub fn ward_shifts(
    conn: &mut DbConnection,
    caller: &Caller,
    ward_id: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<ShiftOccurrence>, ServiceError> {
    check_range(from, to)?;
    let (tz, _, templates) = ward_templates(conn, caller, Family::ShiftTemplate, ward_id)?;
    let mut out: Vec<ShiftOccurrence> = templates
        .iter()
        .flat_map(|t| t.pattern().between(from, to, tz).into_iter().map(move |s| occurrence(t, tz, s)))
        .collect();
    out.sort_by(|a, b| a.start_utc.cmp(&b.start_utc).then_with(|| a.code.cmp(&b.code)));
    Ok(out)
}

/// Demand of one ward between two local dates: fixed requirements merged with census × ratio.
pub fn ward_demand(
    conn: &mut DbConnection,
    caller: &Caller,
    ward_id: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<DemandLine>, ServiceError> {
    check_range(from, to)?;
    let (tz, unit_type, templates) = ward_templates(conn, caller, Family::Requirement, ward_id)?;
    let requirements: Vec<FixedRequirement> = staffing_requirements::table
        .filter(staffing_requirements::ward_id.eq(ward_id))
        .filter(staffing_requirements::archived_at.is_null())
        .select(StaffingRequirementRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|r| FixedRequirement {
            shift_template_id: r.shift_template_id,
            role_id: r.role_id,
            skill_id: r.skill_id,
            min: r.min_count,
            target: r.target_count,
            max: r.max_count,
            weekdays: Weekdays::from_bits(r.weekdays),
            valid_from: r.valid_from,
            valid_to: r.valid_to,
        })
        .collect();
    let ratios: Vec<demand::Ratio> = nurse_ratios::table
        .inner_join(wards::table.on(wards::site_id.eq(nurse_ratios::site_id)))
        .filter(wards::id.eq(ward_id))
        .filter(nurse_ratios::unit_type.eq(&unit_type))
        .filter(nurse_ratios::archived_at.is_null())
        .select(NurseRatioRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|r| demand::Ratio { role_id: r.role_id, patients_per_nurse: r.patients_per_nurse })
        .collect();
    let censuses: Vec<CensusRow> = census::table
        .filter(census::ward_id.eq(ward_id))
        .filter(census::date.ge(from))
        .filter(census::date.le(to))
        .filter(census::archived_at.is_null())
        .select(CensusRow::as_select())
        .load(conn)?;
    let mut out = Vec::new();
    for t in &templates {
        for s in t.pattern().between(from, to, tz) {
            let count = censuses
                .iter()
                .find(|c| c.shift_template_id == t.id && c.date == s.date)
                .map(|c| demand::Census { patients: c.patients, acuity: c.acuity });
            for line in demand::demand_for_shift(s.date, &t.id, &requirements, count, &ratios) {
                out.push(DemandLine {
                    shift: occurrence(t, tz, s),
                    role_id: line.role_id,
                    skill_id: line.skill_id,
                    min: line.min,
                    target: line.target,
                    max: line.max,
                    source: line.source,
                });
            }
        }
    }
    out.sort_by(|a, b| a.shift.start_utc.cmp(&b.shift.start_utc).then_with(|| a.shift.code.cmp(&b.shift.code)));
    Ok(out)
}
