//! Sites, wards and the nurse-to-patient ratios set per site.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::crud::{list_page, row_writes, versioned_writes, Record, Resource, RowMeta};
use super::{Family, ListParams, ListScope, Scope, ServiceError};
use crate::db::models::{NurseRatioRow, SiteRow, WardRow};
use crate::db::schema::{nurse_ratios, roles, sites, wards};
use crate::db::DbConnection;
use crate::domain::{FieldErrors, UnitType};

/// What a list may return, reduced to the filter a table can apply.
pub(crate) enum RowFilter {
    Any,
    Site(String),
    Ward(String),
    Staff(String),
    NoRows,
}

impl From<&ListScope> for RowFilter {
    fn from(scope: &ListScope) -> Self {
        match scope {
            ListScope::All => RowFilter::Any,
            ListScope::Site(s) => RowFilter::Site(s.clone()),
            ListScope::Ward { ward_id, .. } => RowFilter::Ward(ward_id.clone()),
            ListScope::Staff { staff_id } => RowFilter::Staff(staff_id.clone()),
            ListScope::Nothing => RowFilter::NoRows,
        }
    }
}

/// Resolve a site id that an input refers to; the error names the field.
pub(crate) fn site_exists(
    conn: &mut DbConnection,
    errors: &mut FieldErrors,
    field: &str,
    id: &str,
) -> Result<(), ServiceError> {
    let found: i64 = sites::table.filter(sites::id.eq(id)).count().get_result(conn)?;
    errors.check(found > 0, field, "no such site");
    Ok(())
}

/// The site a ward is on, or a field error when there is no such ward.
pub(crate) fn ward_site(
    conn: &mut DbConnection,
    errors: &mut FieldErrors,
    field: &str,
    id: &str,
) -> Result<String, ServiceError> {
    let site: Option<String> = wards::table.filter(wards::id.eq(id)).select(wards::site_id).first(conn).optional()?;
    errors.check(site.is_some(), field, "no such ward");
    Ok(site.unwrap_or_default())
}

pub(crate) fn role_exists(
    conn: &mut DbConnection,
    errors: &mut FieldErrors,
    field: &str,
    id: &str,
) -> Result<(), ServiceError> {
    let found: i64 = roles::table.filter(roles::id.eq(id)).count().get_result(conn)?;
    errors.check(found > 0, field, "no such role");
    Ok(())
}

pub(crate) fn unit_type(errors: &mut FieldErrors, field: &str, value: &str) -> UnitType {
    UnitType::parse(value).unwrap_or_else(|| {
        errors.add(field, format!("must be one of {}", UnitType::names()));
        UnitType::Other
    })
}

// ---------------------------------------------------------------- sites

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteInput {
    /// Short unique code, e.g. `STH`.
    #[schema(pattern = r"^[A-Za-z0-9_-]{1,32}$")]
    pub code: String,
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// IANA time zone, e.g. `Europe/London`.
    pub time_zone: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Site {
    #[serde(flatten)]
    pub record: Record,
    pub code: String,
    pub name: String,
    pub time_zone: String,
}

pub struct Sites;

impl From<SiteRow> for Site {
    fn from(r: SiteRow) -> Self {
        Site {
            record: Record::new(r.id, r.version, r.created_at, r.updated_at, r.archived_at),
            code: r.code,
            name: r.name,
            time_zone: r.time_zone,
        }
    }
}

pub struct ValidSite {
    code: String,
    name: String,
    time_zone: String,
}

impl Resource for Sites {
    const KIND: &'static str = "site";
    const FAMILY: Family = Family::Site;
    type Input = SiteInput;
    type Valid = ValidSite;
    type Output = Site;

    fn parse(_conn: &mut DbConnection, input: SiteInput) -> Result<(ValidSite, Scope), ServiceError> {
        let mut e = FieldErrors::new();
        let code = e.code("code", &input.code);
        let name = e.text("name", &input.name);
        let tz = e.time_zone("time_zone", &input.time_zone);
        let valid =
            e.finish(ValidSite { code, name, time_zone: tz.map(|t| t.name().to_owned()).unwrap_or_default() })?;
        // A new site has no id yet; only admins create sites, so the scope is not consulted.
        Ok((valid, Scope::default()))
    }

    fn find(conn: &mut DbConnection, id: &str) -> Result<Option<(Site, Scope)>, ServiceError> {
        let row: Option<SiteRow> = sites::table.find(id).select(SiteRow::as_select()).first(conn).optional()?;
        Ok(row.map(|r| {
            let scope = Scope { site_id: r.id.clone(), ..Scope::default() };
            (r.into(), scope)
        }))
    }

    fn list(conn: &mut DbConnection, scope: &ListScope, p: &ListParams) -> Result<Vec<Site>, ServiceError> {
        let mut q = sites::table.select(SiteRow::as_select()).into_boxed();
        match RowFilter::from(scope) {
            RowFilter::Any => {}
            RowFilter::Site(s) => q = q.filter(sites::id.eq(s)),
            RowFilter::Ward(_) | RowFilter::Staff(_) | RowFilter::NoRows => return Ok(vec![]),
        }
        if let Some(s) = &p.site_id {
            q = q.filter(sites::id.eq(s.clone()));
        }
        let rows: Vec<SiteRow> = list_page!(q, sites, p).load(conn)?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    versioned_writes!(sites);
    row_writes!(sites, site_row);
}

fn site_row(m: &RowMeta, v: &ValidSite) -> SiteRow {
    SiteRow {
        id: m.id.clone(),
        code: v.code.clone(),
        name: v.name.clone(),
        time_zone: v.time_zone.clone(),
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
        archived_at: m.archived_at,
    }
}

// ---------------------------------------------------------------- wards

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WardInput {
    pub site_id: String,
    /// Unique within the site, e.g. `ICU1`.
    #[schema(pattern = r"^[A-Za-z0-9_-]{1,32}$")]
    pub code: String,
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// One of icu, ed, med_surg, maternity, paediatrics, theatre, other.
    pub unit_type: String,
    #[schema(minimum = 0, maximum = 10000)]
    pub beds: i64,
    /// Approve staff requests for this ward's open shifts without a manager (default false).
    #[serde(default)]
    pub open_shifts_auto_approve: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Ward {
    #[serde(flatten)]
    pub record: Record,
    pub site_id: String,
    pub code: String,
    pub name: String,
    pub unit_type: UnitType,
    pub beds: i32,
    pub open_shifts_auto_approve: bool,
}

impl From<WardRow> for Ward {
    fn from(r: WardRow) -> Self {
        Ward {
            record: Record::new(r.id, r.version, r.created_at, r.updated_at, r.archived_at),
            site_id: r.site_id,
            code: r.code,
            name: r.name,
            unit_type: UnitType::parse(&r.unit_type).unwrap_or(UnitType::Other),
            beds: r.beds,
            open_shifts_auto_approve: r.open_shifts_auto_approve,
        }
    }
}

pub struct Wards;

pub struct ValidWard {
    site_id: String,
    code: String,
    name: String,
    unit_type: UnitType,
    beds: i32,
    open_shifts_auto_approve: bool,
}

impl Resource for Wards {
    const KIND: &'static str = "ward";
    const FAMILY: Family = Family::Ward;
    type Input = WardInput;
    type Valid = ValidWard;
    type Output = Ward;

    fn parse(conn: &mut DbConnection, input: WardInput) -> Result<(ValidWard, Scope), ServiceError> {
        let mut e = FieldErrors::new();
        site_exists(conn, &mut e, "site_id", &input.site_id)?;
        let code = e.code("code", &input.code);
        let name = e.text("name", &input.name);
        let unit_type = unit_type(&mut e, "unit_type", &input.unit_type);
        let beds = e.int_in("beds", input.beds, 0, 10_000);
        let scope = Scope { site_id: input.site_id.clone(), ..Scope::default() };
        Ok((
            e.finish(ValidWard {
                site_id: input.site_id,
                code,
                name,
                unit_type,
                beds,
                open_shifts_auto_approve: input.open_shifts_auto_approve,
            })?,
            scope,
        ))
    }

    fn find(conn: &mut DbConnection, id: &str) -> Result<Option<(Ward, Scope)>, ServiceError> {
        let row: Option<WardRow> = wards::table.find(id).select(WardRow::as_select()).first(conn).optional()?;
        Ok(row.map(|r| {
            let scope = Scope { site_id: r.site_id.clone(), ward_id: Some(r.id.clone()), staff_id: None };
            (r.into(), scope)
        }))
    }

    fn list(conn: &mut DbConnection, scope: &ListScope, p: &ListParams) -> Result<Vec<Ward>, ServiceError> {
        let mut q = wards::table.select(WardRow::as_select()).into_boxed();
        match RowFilter::from(scope) {
            RowFilter::Any => {}
            RowFilter::Site(s) => q = q.filter(wards::site_id.eq(s)),
            RowFilter::Ward(w) => q = q.filter(wards::id.eq(w)),
            RowFilter::Staff(_) | RowFilter::NoRows => return Ok(vec![]),
        }
        if let Some(s) = &p.site_id {
            q = q.filter(wards::site_id.eq(s.clone()));
        }
        if let Some(w) = &p.ward_id {
            q = q.filter(wards::id.eq(w.clone()));
        }
        let rows: Vec<WardRow> = list_page!(q, wards, p).load(conn)?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    versioned_writes!(wards);
    row_writes!(wards, ward_row);
}

fn ward_row(m: &RowMeta, v: &ValidWard) -> WardRow {
    WardRow {
        id: m.id.clone(),
        site_id: v.site_id.clone(),
        code: v.code.clone(),
        name: v.name.clone(),
        unit_type: v.unit_type.as_str().to_owned(),
        beds: v.beds,
        open_shifts_auto_approve: v.open_shifts_auto_approve,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
        archived_at: m.archived_at,
    }
}

// ---------------------------------------------------------------- nurse ratios

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NurseRatioInput {
    pub site_id: String,
    pub unit_type: String,
    /// The role the ratio staffs (usually RN).
    pub role_id: String,
    /// Acuity-weighted patients one nurse may care for, e.g. 2 for ICU (1:2).
    pub patients_per_nurse: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NurseRatio {
    #[serde(flatten)]
    pub record: Record,
    pub site_id: String,
    pub unit_type: UnitType,
    pub role_id: String,
    pub patients_per_nurse: f64,
}

impl From<NurseRatioRow> for NurseRatio {
    fn from(r: NurseRatioRow) -> Self {
        NurseRatio {
            record: Record::new(r.id, r.version, r.created_at, r.updated_at, r.archived_at),
            site_id: r.site_id,
            unit_type: UnitType::parse(&r.unit_type).unwrap_or(UnitType::Other),
            role_id: r.role_id,
            patients_per_nurse: r.patients_per_nurse,
        }
    }
}

pub struct NurseRatios;

pub struct ValidRatio {
    site_id: String,
    unit_type: UnitType,
    role_id: String,
    patients_per_nurse: f64,
}

impl Resource for NurseRatios {
    const KIND: &'static str = "nurse ratio";
    const FAMILY: Family = Family::Ratio;
    type Input = NurseRatioInput;
    type Valid = ValidRatio;
    type Output = NurseRatio;

    fn parse(conn: &mut DbConnection, input: NurseRatioInput) -> Result<(ValidRatio, Scope), ServiceError> {
        let mut e = FieldErrors::new();
        site_exists(conn, &mut e, "site_id", &input.site_id)?;
        role_exists(conn, &mut e, "role_id", &input.role_id)?;
        let unit_type = unit_type(&mut e, "unit_type", &input.unit_type);
        let ppn = input.patients_per_nurse;
        e.check(
            ppn.is_finite() && ppn > 0.0 && ppn <= 100.0,
            "patients_per_nurse",
            "must be more than 0 and at most 100",
        );
        let scope = Scope { site_id: input.site_id.clone(), ..Scope::default() };
        let valid = ValidRatio { site_id: input.site_id, unit_type, role_id: input.role_id, patients_per_nurse: ppn };
        Ok((e.finish(valid)?, scope))
    }

    fn find(conn: &mut DbConnection, id: &str) -> Result<Option<(NurseRatio, Scope)>, ServiceError> {
        let row: Option<NurseRatioRow> =
            nurse_ratios::table.find(id).select(NurseRatioRow::as_select()).first(conn).optional()?;
        Ok(row.map(|r| {
            let scope = Scope { site_id: r.site_id.clone(), ..Scope::default() };
            (r.into(), scope)
        }))
    }

    fn list(conn: &mut DbConnection, scope: &ListScope, p: &ListParams) -> Result<Vec<NurseRatio>, ServiceError> {
        let mut q = nurse_ratios::table.select(NurseRatioRow::as_select()).into_boxed();
        match RowFilter::from(scope) {
            RowFilter::Any => {}
            RowFilter::Site(s) => q = q.filter(nurse_ratios::site_id.eq(s)),
            RowFilter::Ward(_) | RowFilter::Staff(_) | RowFilter::NoRows => return Ok(vec![]),
        }
        if let Some(s) = &p.site_id {
            q = q.filter(nurse_ratios::site_id.eq(s.clone()));
        }
        let rows: Vec<NurseRatioRow> = list_page!(q, nurse_ratios, p).load(conn)?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    versioned_writes!(nurse_ratios);
    row_writes!(nurse_ratios, ratio_row);
}

fn ratio_row(m: &RowMeta, v: &ValidRatio) -> NurseRatioRow {
    NurseRatioRow {
        id: m.id.clone(),
        site_id: v.site_id.clone(),
        unit_type: v.unit_type.as_str().to_owned(),
        role_id: v.role_id.clone(),
        patients_per_nurse: v.patients_per_nurse,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
        archived_at: m.archived_at,
    }
}
