//! Staff members with their contracts and wards, the credentials they hold and the time they
//! cannot work.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::crud::{find_with_owner, list_page, row_writes, update_row, versioned_writes, Record, Resource, RowMeta};
use super::hospital::{role_exists, site_exists, RowFilter};
use super::planning::skill_exists;
use super::{Family, ListParams, ListScope, Scope, ServiceError};
use crate::db::models::{CredentialRow, StaffRow, StaffWardRow, UnavailabilityRow};
use crate::db::schema::{credentials, staff, staff_wards, unavailability, wards};
use crate::db::DbConnection;
use crate::domain::{EmploymentType, FieldErrors, UnavailabilityKind, UnavailabilityStatus};

/// Applies a caller's scope to a table with a `staff_id` column.
macro_rules! staff_scoped {
    ($q:expr, $table:ident, $scope:expr) => {{
        let mut q = $q;
        match RowFilter::from($scope) {
            RowFilter::Any => {}
            RowFilter::Site(s) => {
                q = q.filter($table::staff_id.eq_any(staff::table.filter(staff::site_id.eq(s)).select(staff::id)))
            }
            RowFilter::Staff(id) => q = q.filter($table::staff_id.eq(id)),
            RowFilter::Ward(_) | RowFilter::NoRows => return Ok(vec![]),
        }
        q
    }};
}

fn staff_scope(site_id: String, staff_id: &str) -> Scope {
    Scope { site_id, ward_id: None, staff_id: Some(staff_id.to_owned()) }
}

/// The site a staff member works on, or a field error.
fn staff_site(conn: &mut DbConnection, e: &mut FieldErrors, field: &str, id: &str) -> Result<String, ServiceError> {
    let site: Option<String> = staff::table.filter(staff::id.eq(id)).select(staff::site_id).first(conn).optional()?;
    e.check(site.is_some(), field, "no such staff member");
    Ok(site.unwrap_or_default())
}

// ---------------------------------------------------------------- staff

/// The terms a person works under; the solver enforces them.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Contract {
    #[schema(minimum = 0, maximum = 168)]
    pub min_hours_per_week: f64,
    #[schema(minimum = 0, maximum = 168)]
    pub max_hours_per_week: f64,
    #[schema(minimum = 1, maximum = 14)]
    pub max_consecutive_days: i64,
    /// Minimum rest between two shifts, in real hours.
    #[schema(minimum = 0, maximum = 48)]
    pub min_rest_hours: f64,
    #[schema(minimum = 0, maximum = 28)]
    pub max_nights_per_4_weeks: i64,
    #[schema(minimum = 0, maximum = 4)]
    pub max_weekends_per_4_weeks: i64,
    pub night_eligible: bool,
    /// Cost of one paid hour, in the site's currency (two decimals).
    #[schema(minimum = 0, maximum = 10000)]
    pub hourly_cost: f64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffInput {
    pub site_id: String,
    #[schema(pattern = r"^[A-Za-z0-9_-]{1,32}$")]
    pub employee_number: String,
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub primary_role_id: String,
    #[serde(default)]
    pub home_ward_ids: Vec<String>,
    /// Wards the person may float to besides their home wards.
    #[serde(default)]
    pub float_ward_ids: Vec<String>,
    /// Full-time equivalent, 0 (bank/agency) to 1.
    #[schema(minimum = 0, maximum = 1)]
    pub fte: f64,
    #[serde(default = "yes")]
    pub active: bool,
    pub employment_type: EmploymentType,
    pub contract: Contract,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StaffMember {
    #[serde(flatten)]
    pub record: Record,
    pub site_id: String,
    pub employee_number: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub primary_role_id: String,
    pub home_ward_ids: Vec<String>,
    pub float_ward_ids: Vec<String>,
    pub fte: f64,
    pub active: bool,
    pub employment_type: EmploymentType,
    pub contract: Contract,
}

const HOME: &str = "home";
const FLOAT: &str = "float";

impl StaffMember {
    fn from_row(r: StaffRow, links: &[StaffWardRow]) -> Self {
        let of_kind = |kind: &str| {
            links.iter().filter(|l| l.staff_id == r.id && l.kind == kind).map(|l| l.ward_id.clone()).collect()
        };
        StaffMember {
            home_ward_ids: of_kind(HOME),
            float_ward_ids: of_kind(FLOAT),
            record: Record::new(r.id.clone(), r.version, r.created_at, r.updated_at, r.archived_at),
            site_id: r.site_id,
            employee_number: r.employee_number,
            name: r.name,
            email: r.email,
            phone: r.phone,
            primary_role_id: r.primary_role_id,
            fte: r.fte,
            active: r.active,
            employment_type: EmploymentType::parse(&r.employment_type).unwrap_or(EmploymentType::Permanent),
            contract: Contract {
                min_hours_per_week: r.min_hours_per_week,
                max_hours_per_week: r.max_hours_per_week,
                max_consecutive_days: i64::from(r.max_consecutive_days),
                min_rest_hours: r.min_rest_hours,
                max_nights_per_4_weeks: i64::from(r.max_nights_per_4_weeks),
                max_weekends_per_4_weeks: i64::from(r.max_weekends_per_4_weeks),
                night_eligible: r.night_eligible,
                hourly_cost: r.hourly_cost_cents as f64 / 100.0,
            },
        }
    }
}

pub struct Staff;

pub struct ValidStaff {
    row: StaffRow,
    home: Vec<String>,
    float: Vec<String>,
}

fn parse_ward_list(
    conn: &mut DbConnection,
    e: &mut FieldErrors,
    field: &str,
    site_id: &str,
    ids: &[String],
) -> Result<(), ServiceError> {
    for (i, id) in ids.iter().enumerate() {
        let site: Option<String> =
            wards::table.filter(wards::id.eq(id)).select(wards::site_id).first(conn).optional()?;
        match site {
            None => e.add(&format!("{field}[{i}]"), "no such ward"),
            Some(s) if s != site_id => e.add(&format!("{field}[{i}]"), "is on another site"),
            Some(_) => {}
        }
    }
    Ok(())
}

impl Resource for Staff {
    const KIND: &'static str = "staff member";
    const FAMILY: Family = Family::Staff;
    type Input = StaffInput;
    type Valid = ValidStaff;
    type Output = StaffMember;

    fn parse(conn: &mut DbConnection, input: StaffInput) -> Result<(ValidStaff, Scope), ServiceError> {
        let mut e = FieldErrors::new();
        site_exists(conn, &mut e, "site_id", &input.site_id)?;
        role_exists(conn, &mut e, "primary_role_id", &input.primary_role_id)?;
        parse_ward_list(conn, &mut e, "home_ward_ids", &input.site_id, &input.home_ward_ids)?;
        parse_ward_list(conn, &mut e, "float_ward_ids", &input.site_id, &input.float_ward_ids)?;
        let both = input.home_ward_ids.iter().any(|w| input.float_ward_ids.contains(w));
        e.check(!both, "float_ward_ids", "must not repeat a home ward");
        let employee_number = e.code("employee_number", &input.employee_number);
        let name = e.text("name", &input.name);
        let email = input.email.as_deref().map(|m| e.email("email", m));
        let phone = input.phone.as_deref().map(|p| e.text("phone", p));
        let fte = e.number_in("fte", input.fte, 0.0, 1.0);
        let c = &input.contract;
        let min_h = e.number_in("contract.min_hours_per_week", c.min_hours_per_week, 0.0, 168.0);
        let max_h = e.number_in("contract.max_hours_per_week", c.max_hours_per_week, 0.0, 168.0);
        e.check(min_h <= max_h, "contract.min_hours_per_week", "must not exceed max_hours_per_week");
        let max_consecutive_days = e.int_in("contract.max_consecutive_days", c.max_consecutive_days, 1, 14);
        let min_rest_hours = e.number_in("contract.min_rest_hours", c.min_rest_hours, 0.0, 48.0);
        let max_nights = e.int_in("contract.max_nights_per_4_weeks", c.max_nights_per_4_weeks, 0, 28);
        let max_weekends = e.int_in("contract.max_weekends_per_4_weeks", c.max_weekends_per_4_weeks, 0, 4);
        let cost = e.number_in("contract.hourly_cost", c.hourly_cost, 0.0, 10_000.0);
        let mut home = input.home_ward_ids.clone();
        home.dedup();
        let mut float = input.float_ward_ids.clone();
        float.dedup();
        let row = StaffRow {
            id: String::new(),
            site_id: input.site_id.clone(),
            employee_number,
            name,
            email,
            phone,
            primary_role_id: input.primary_role_id,
            fte,
            active: input.active,
            employment_type: input.employment_type.as_str().to_owned(),
            min_hours_per_week: min_h,
            max_hours_per_week: max_h,
            max_consecutive_days,
            min_rest_hours,
            max_nights_per_4_weeks: max_nights,
            max_weekends_per_4_weeks: max_weekends,
            night_eligible: c.night_eligible,
            hourly_cost_cents: (cost * 100.0).round() as i64,
            version: 0,
            created_at: chrono::NaiveDateTime::default(),
            updated_at: chrono::NaiveDateTime::default(),
            archived_at: None,
        };
        let scope = Scope { site_id: input.site_id, ward_id: None, staff_id: None };
        Ok((e.finish(ValidStaff { row, home, float })?, scope))
    }

    fn find(conn: &mut DbConnection, id: &str) -> Result<Option<(StaffMember, Scope)>, ServiceError> {
        let row: Option<StaffRow> = staff::table.find(id).select(StaffRow::as_select()).first(conn).optional()?;
        let Some(row) = row else { return Ok(None) };
        let links: Vec<StaffWardRow> =
            staff_wards::table.filter(staff_wards::staff_id.eq(id)).select(StaffWardRow::as_select()).load(conn)?;
        let scope = staff_scope(row.site_id.clone(), id);
        Ok(Some((StaffMember::from_row(row, &links), scope)))
    }

    fn list(conn: &mut DbConnection, scope: &ListScope, p: &ListParams) -> Result<Vec<StaffMember>, ServiceError> {
        let mut q = staff::table.select(StaffRow::as_select()).into_boxed();
        match RowFilter::from(scope) {
            RowFilter::Any => {}
            RowFilter::Site(s) => q = q.filter(staff::site_id.eq(s)),
            RowFilter::Staff(id) => q = q.filter(staff::id.eq(id)),
            RowFilter::Ward(_) | RowFilter::NoRows => return Ok(vec![]),
        }
        if let Some(s) = &p.site_id {
            q = q.filter(staff::site_id.eq(s.clone()));
        }
        if let Some(w) = &p.ward_id {
            q =
                q.filter(staff::id.eq_any(
                    staff_wards::table.filter(staff_wards::ward_id.eq(w.clone())).select(staff_wards::staff_id),
                ));
        }
        let rows: Vec<StaffRow> = list_page!(q, staff, p).load(conn)?;
        let ids: Vec<&String> = rows.iter().map(|r| &r.id).collect();
        let links: Vec<StaffWardRow> = staff_wards::table
            .filter(staff_wards::staff_id.eq_any(ids))
            .select(StaffWardRow::as_select())
            .load(conn)?;
        Ok(rows.into_iter().map(|r| StaffMember::from_row(r, &links)).collect())
    }

    fn insert(conn: &mut DbConnection, m: &RowMeta, v: &ValidStaff) -> Result<(), ServiceError> {
        diesel::insert_into(staff::table).values(staff_row(m, v)).execute(conn)?;
        write_links(conn, &m.id, v)
    }

    fn update(conn: &mut DbConnection, m: &RowMeta, expected: i64, v: &ValidStaff) -> Result<usize, ServiceError> {
        let n = update_row!(conn, staff, m, expected, staff_row(m, v))?;
        if n > 0 {
            diesel::delete(staff_wards::table.filter(staff_wards::staff_id.eq(&m.id))).execute(conn)?;
            write_links(conn, &m.id, v)?;
        }
        Ok(n)
    }

    versioned_writes!(staff);
}

fn staff_row(m: &RowMeta, v: &ValidStaff) -> StaffRow {
    StaffRow {
        id: m.id.clone(),
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
        archived_at: m.archived_at,
        ..v.row.clone()
    }
}

fn write_links(conn: &mut DbConnection, staff_id: &str, v: &ValidStaff) -> Result<(), ServiceError> {
    let links: Vec<StaffWardRow> = v
        .home
        .iter()
        .map(|w| (w, HOME))
        .chain(v.float.iter().map(|w| (w, FLOAT)))
        .map(|(w, kind)| StaffWardRow { staff_id: staff_id.to_owned(), ward_id: w.clone(), kind: kind.to_owned() })
        .collect();
    for link in links {
        diesel::insert_into(staff_wards::table).values(link).execute(conn)?;
    }
    Ok(())
}

// ---------------------------------------------------------------- credentials

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CredentialInput {
    pub staff_id: String,
    pub skill_id: String,
    pub valid_from: NaiveDate,
    /// Last day the credential is valid; open-ended when omitted.
    pub expires_on: Option<NaiveDate>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Credential {
    #[serde(flatten)]
    pub record: Record,
    pub staff_id: String,
    pub skill_id: String,
    pub valid_from: NaiveDate,
    pub expires_on: Option<NaiveDate>,
}

impl From<CredentialRow> for Credential {
    fn from(r: CredentialRow) -> Self {
        Credential {
            record: Record::new(r.id, r.version, r.created_at, r.updated_at, r.archived_at),
            staff_id: r.staff_id,
            skill_id: r.skill_id,
            valid_from: r.valid_from,
            expires_on: r.expires_on,
        }
    }
}

pub struct Credentials;

pub struct ValidCredential {
    staff_id: String,
    skill_id: String,
    valid_from: NaiveDate,
    expires_on: Option<NaiveDate>,
}

impl Resource for Credentials {
    const KIND: &'static str = "credential";
    const FAMILY: Family = Family::StaffRecord;
    type Input = CredentialInput;
    type Valid = ValidCredential;
    type Output = Credential;

    fn parse(conn: &mut DbConnection, input: CredentialInput) -> Result<(ValidCredential, Scope), ServiceError> {
        let mut e = FieldErrors::new();
        let site = staff_site(conn, &mut e, "staff_id", &input.staff_id)?;
        skill_exists(conn, &mut e, "skill_id", &input.skill_id)?;
        e.date_order("expires_on", input.valid_from, input.expires_on);
        let scope = staff_scope(site, &input.staff_id);
        let valid = ValidCredential {
            staff_id: input.staff_id,
            skill_id: input.skill_id,
            valid_from: input.valid_from,
            expires_on: input.expires_on,
        };
        Ok((e.finish(valid)?, scope))
    }

    find_with_owner!(credentials, CredentialRow, staff, staff_id, staff_scope);

    fn list(conn: &mut DbConnection, scope: &ListScope, p: &ListParams) -> Result<Vec<Credential>, ServiceError> {
        let mut q =
            staff_scoped!(credentials::table.select(CredentialRow::as_select()).into_boxed(), credentials, scope);
        if let Some(s) = &p.staff_id {
            q = q.filter(credentials::staff_id.eq(s.clone()));
        }
        // A date range keeps credentials valid at some point inside it.
        if let Some(to) = p.to {
            q = q.filter(credentials::valid_from.le(to));
        }
        if let Some(from) = p.from {
            q = q.filter(credentials::expires_on.is_null().or(credentials::expires_on.ge(from)));
        }
        let rows: Vec<CredentialRow> = list_page!(q, credentials, p).load(conn)?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    versioned_writes!(credentials);
    row_writes!(credentials, credential_row);
}

fn credential_row(m: &RowMeta, v: &ValidCredential) -> CredentialRow {
    CredentialRow {
        id: m.id.clone(),
        staff_id: v.staff_id.clone(),
        skill_id: v.skill_id.clone(),
        valid_from: v.valid_from,
        expires_on: v.expires_on,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
        archived_at: m.archived_at,
    }
}

// ---------------------------------------------------------------- unavailability

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnavailabilityInput {
    pub staff_id: String,
    pub kind: UnavailabilityKind,
    #[serde(default = "requested")]
    pub status: UnavailabilityStatus,
    /// Whole local days, inclusive (give both, or give `starts_at`/`ends_at`).
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    /// An exact UTC range (e.g. a half day).
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub note: Option<String>,
}

fn requested() -> UnavailabilityStatus {
    UnavailabilityStatus::Requested
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Unavailability {
    #[serde(flatten)]
    pub record: Record,
    pub staff_id: String,
    pub kind: UnavailabilityKind,
    pub status: UnavailabilityStatus,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub note: Option<String>,
}

impl From<UnavailabilityRow> for Unavailability {
    fn from(r: UnavailabilityRow) -> Self {
        Unavailability {
            record: Record::new(r.id, r.version, r.created_at, r.updated_at, r.archived_at),
            staff_id: r.staff_id,
            kind: UnavailabilityKind::parse(&r.kind).unwrap_or(UnavailabilityKind::Other),
            status: UnavailabilityStatus::parse(&r.status).unwrap_or(UnavailabilityStatus::Requested),
            start_date: r.start_date,
            end_date: r.end_date,
            starts_at: r.starts_at.map(|t| t.and_utc()),
            ends_at: r.ends_at.map(|t| t.and_utc()),
            note: r.note,
        }
    }
}

pub struct Unavailabilities;

/// Either whole local days or an instant range — never both, never neither.
pub enum Period {
    Days { start: NaiveDate, end: NaiveDate },
    Instants { start: DateTime<Utc>, end: DateTime<Utc> },
}

pub struct ValidUnavailability {
    staff_id: String,
    kind: UnavailabilityKind,
    status: UnavailabilityStatus,
    period: Period,
    note: Option<String>,
}

fn parse_period(e: &mut FieldErrors, i: &UnavailabilityInput) -> Period {
    let fallback = Period::Days { start: NaiveDate::MIN, end: NaiveDate::MIN };
    match (i.start_date, i.end_date, i.starts_at, i.ends_at) {
        (Some(start), Some(end), None, None) => {
            e.date_order("end_date", start, Some(end));
            e.check((end - start).num_days() <= 400, "end_date", "may be at most 400 days after start_date");
            Period::Days { start, end }
        }
        (None, None, Some(start), Some(end)) => {
            e.check(end > start, "ends_at", "must be after starts_at");
            Period::Instants { start, end }
        }
        _ => {
            e.add("start_date", "give either start_date and end_date, or starts_at and ends_at");
            fallback
        }
    }
}

impl Resource for Unavailabilities {
    const KIND: &'static str = "unavailability";
    const FAMILY: Family = Family::StaffRecord;
    type Input = UnavailabilityInput;
    type Valid = ValidUnavailability;
    type Output = Unavailability;

    fn parse(
        conn: &mut DbConnection,
        input: UnavailabilityInput,
    ) -> Result<(ValidUnavailability, Scope), ServiceError> {
        let mut e = FieldErrors::new();
        let site = staff_site(conn, &mut e, "staff_id", &input.staff_id)?;
        let period = parse_period(&mut e, &input);
        let note = input.note.as_deref().map(|n| n.trim().chars().take(2000).collect::<String>());
        let scope = staff_scope(site, &input.staff_id);
        let valid =
            ValidUnavailability { staff_id: input.staff_id, kind: input.kind, status: input.status, period, note };
        Ok((e.finish(valid)?, scope))
    }

    find_with_owner!(unavailability, UnavailabilityRow, staff, staff_id, staff_scope);

    fn list(conn: &mut DbConnection, scope: &ListScope, p: &ListParams) -> Result<Vec<Unavailability>, ServiceError> {
        let mut q = staff_scoped!(
            unavailability::table.select(UnavailabilityRow::as_select()).into_boxed(),
            unavailability,
            scope
        );
        if let Some(s) = &p.staff_id {
            q = q.filter(unavailability::staff_id.eq(s.clone()));
        }
        if let Some(to) = p.to {
            let end_of_day = to.succ_opt().unwrap_or(to).and_hms_opt(0, 0, 0).unwrap_or_default();
            q = q.filter(unavailability::start_date.le(to).or(unavailability::starts_at.lt(end_of_day)));
        }
        if let Some(from) = p.from {
            let start = from.pred_opt().unwrap_or(from).and_hms_opt(0, 0, 0).unwrap_or_default();
            q = q.filter(unavailability::end_date.ge(from).or(unavailability::ends_at.gt(start)));
        }
        let rows: Vec<UnavailabilityRow> = list_page!(q, unavailability, p).load(conn)?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    versioned_writes!(unavailability);
    row_writes!(unavailability, unavailability_row);
}

fn unavailability_row(m: &RowMeta, v: &ValidUnavailability) -> UnavailabilityRow {
    let (start_date, end_date, starts_at, ends_at) = match v.period {
        Period::Days { start, end } => (Some(start), Some(end), None, None),
        Period::Instants { start, end } => (None, None, Some(start.naive_utc()), Some(end.naive_utc())),
    };
    UnavailabilityRow {
        id: m.id.clone(),
        staff_id: v.staff_id.clone(),
        kind: v.kind.as_str().to_owned(),
        status: v.status.as_str().to_owned(),
        start_date,
        end_date,
        starts_at,
        ends_at,
        note: v.note.clone(),
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
        archived_at: m.archived_at,
    }
}
