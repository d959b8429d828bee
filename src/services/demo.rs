//! Loads the demo hospital (fixtures/demo-hospital.yaml) through the same services the API
//! uses, so every record is validated exactly as a client's would be. Loading twice changes
//! nothing; loading on a later day adds the census for the new four weeks.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate};
use diesel::prelude::*;
use serde::Deserialize;

use super::catalogue::{CatalogueInput, Roles, Skills};
use super::hospital::{NurseRatioInput, NurseRatios, SiteInput, Sites, WardInput, Wards};
use super::planning::{
    Census, CensusInput, ShiftTemplateInput, ShiftTemplates, StaffingRequirementInput, StaffingRequirements,
};
use super::staffing::{Contract, CredentialInput, Credentials, Staff, StaffInput};
use super::{crud, Caller, ServiceError};
use crate::db::schema::{census, roles, shift_templates, sites, skills, staff, wards};
use crate::db::DbConnection;
use crate::domain::EmploymentType;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixture {
    pub roles: Vec<Entry>,
    pub skills: Vec<Entry>,
    pub sites: Vec<SiteFixture>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteFixture {
    pub code: String,
    pub name: String,
    pub time_zone: String,
    #[serde(default)]
    pub ratios: Vec<RatioFixture>,
    pub wards: Vec<WardFixture>,
    pub staff: Vec<StaffFixture>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RatioFixture {
    pub unit_type: String,
    pub role: String,
    pub patients_per_nurse: f64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WardFixture {
    pub code: String,
    pub name: String,
    pub unit_type: String,
    pub beds: i64,
    pub shift_templates: Vec<TemplateFixture>,
    #[serde(default)]
    pub requirements: Vec<RequirementFixture>,
    #[serde(default)]
    pub census: HashMap<String, i64>,
    #[serde(default)]
    pub census_weekend: HashMap<String, i64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateFixture {
    pub code: String,
    pub name: String,
    pub start_time: String,
    pub duration_minutes: i64,
    #[serde(default)]
    pub unpaid_break_minutes: i64,
    pub days_of_week: Option<Vec<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequirementFixture {
    pub shift: String,
    pub role: String,
    pub skill: Option<String>,
    pub min: i64,
    pub target: i64,
    pub max: i64,
    pub days_of_week: Option<Vec<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffFixture {
    pub employee_number: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub role: String,
    #[serde(default)]
    pub home_wards: Vec<String>,
    #[serde(default)]
    pub float_wards: Vec<String>,
    pub fte: f64,
    pub employment_type: EmploymentType,
    pub contract: Contract,
    #[serde(default)]
    pub credentials: Vec<CredentialFixture>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CredentialFixture {
    pub skill: String,
    pub valid_from: NaiveDate,
    pub expires_on: Option<NaiveDate>,
    /// Expiry relative to the day the demo is loaded, so some credentials always expire soon.
    pub expires_in_days: Option<i64>,
}

/// What a load did.
#[derive(Debug, Default)]
pub struct LoadReport {
    pub sites: usize,
    pub wards: usize,
    pub staff: usize,
    pub census_entries: usize,
    /// The Monday the four planned weeks start on, per site code.
    pub weeks_from: Vec<(String, NaiveDate)>,
}

/// Parse the fixture text; errors name the line.
pub fn parse(text: &str) -> Result<Fixture, String> {
    serde_yaml::from_str(text).map_err(|e| match e.location() {
        Some(l) => format!("line {}, column {}: {e}", l.line(), l.column()),
        None => e.to_string(),
    })
}

/// The Monday after `today` (a week ahead when today is Monday: rosters are built ahead).
#[must_use]
pub fn next_monday(today: NaiveDate) -> NaiveDate {
    today + Duration::days(7 - i64::from(today.weekday().num_days_from_monday()))
}

/// Natural code → stored id.
type CodeIds = HashMap<String, String>;

fn lookup(map: &HashMap<String, String>, code: &str, what: &str) -> Result<String, ServiceError> {
    map.get(code).cloned().ok_or_else(|| ServiceError::field(what, format!("unknown code {code}")))
}

fn catalogue_ids(conn: &mut DbConnection, fixture: &Fixture) -> Result<(CodeIds, CodeIds), ServiceError> {
    let admin = Caller::Admin;
    for r in &fixture.roles {
        let exists: i64 = roles::table.filter(roles::code.eq(&r.code)).count().get_result(conn)?;
        if exists == 0 {
            crud::create::<Roles>(conn, &admin, CatalogueInput { code: r.code.clone(), name: r.name.clone() })?;
        }
    }
    for s in &fixture.skills {
        let exists: i64 = skills::table.filter(skills::code.eq(&s.code)).count().get_result(conn)?;
        if exists == 0 {
            crud::create::<Skills>(conn, &admin, CatalogueInput { code: s.code.clone(), name: s.name.clone() })?;
        }
    }
    let role_ids = roles::table.select((roles::code, roles::id)).load::<(String, String)>(conn)?.into_iter().collect();
    let skill_ids =
        skills::table.select((skills::code, skills::id)).load::<(String, String)>(conn)?.into_iter().collect();
    Ok((role_ids, skill_ids))
}

/// Load the fixture. The four planned weeks start on the Monday after `today`.
pub fn load(conn: &mut DbConnection, fixture: &Fixture, today: NaiveDate) -> Result<LoadReport, ServiceError> {
    let admin = Caller::Admin;
    let mut report = LoadReport::default();
    let (role_ids, skill_ids) = catalogue_ids(conn, fixture)?;
    for sf in &fixture.sites {
        let existing: Option<String> =
            sites::table.filter(sites::code.eq(&sf.code)).select(sites::id).first(conn).optional()?;
        let site_id = match existing {
            Some(id) => id,
            None => {
                report.sites += 1;
                let site = crud::create::<Sites>(
                    conn,
                    &admin,
                    SiteInput { code: sf.code.clone(), name: sf.name.clone(), time_zone: sf.time_zone.clone() },
                )?;
                for r in &sf.ratios {
                    crud::create::<NurseRatios>(
                        conn,
                        &admin,
                        NurseRatioInput {
                            site_id: site.record.id.clone(),
                            unit_type: r.unit_type.clone(),
                            role_id: lookup(&role_ids, &r.role, "ratios.role")?,
                            patients_per_nurse: r.patients_per_nurse,
                        },
                    )?;
                }
                site.record.id
            }
        };
        let monday = next_monday(today);
        report.weeks_from.push((sf.code.clone(), monday));
        let mut ward_ids = HashMap::new();
        for wf in &sf.wards {
            let ward_id = load_ward(conn, &site_id, wf, &role_ids, &skill_ids, monday, &mut report)?;
            report.census_entries += load_census(conn, &ward_id, wf, monday)?;
            ward_ids.insert(wf.code.clone(), ward_id);
        }
        for person in &sf.staff {
            load_staff(conn, &site_id, person, &role_ids, &skill_ids, &ward_ids, today, &mut report)?;
        }
    }
    Ok(report)
}

fn load_ward(
    conn: &mut DbConnection,
    site_id: &str,
    wf: &WardFixture,
    role_ids: &HashMap<String, String>,
    skill_ids: &HashMap<String, String>,
    monday: NaiveDate,
    report: &mut LoadReport,
) -> Result<String, ServiceError> {
    let admin = Caller::Admin;
    let existing: Option<String> = wards::table
        .filter(wards::site_id.eq(site_id))
        .filter(wards::code.eq(&wf.code))
        .select(wards::id)
        .first(conn)
        .optional()?;
    if let Some(id) = existing {
        return Ok(id);
    }
    report.wards += 1;
    let ward = crud::create::<Wards>(
        conn,
        &admin,
        WardInput {
            site_id: site_id.to_owned(),
            code: wf.code.clone(),
            name: wf.name.clone(),
            unit_type: wf.unit_type.clone(),
            beds: wf.beds,
            open_shifts_auto_approve: false,
        },
    )?;
    let ward_id = ward.record.id;
    let mut template_ids = HashMap::new();
    for t in &wf.shift_templates {
        let created = crud::create::<ShiftTemplates>(
            conn,
            &admin,
            ShiftTemplateInput {
                ward_id: ward_id.clone(),
                code: t.code.clone(),
                name: t.name.clone(),
                start_time: t.start_time.clone(),
                duration_minutes: t.duration_minutes,
                unpaid_break_minutes: t.unpaid_break_minutes,
                days_of_week: t.days_of_week.clone(),
            },
        )?;
        template_ids.insert(t.code.clone(), created.record.id);
    }
    for r in &wf.requirements {
        crud::create::<StaffingRequirements>(
            conn,
            &admin,
            StaffingRequirementInput {
                ward_id: ward_id.clone(),
                shift_template_id: lookup(&template_ids, &r.shift, "requirements.shift")?,
                role_id: lookup(role_ids, &r.role, "requirements.role")?,
                skill_id: r.skill.as_ref().map(|s| lookup(skill_ids, s, "requirements.skill")).transpose()?,
                min: r.min,
                target: r.target,
                max: r.max,
                days_of_week: r.days_of_week.clone(),
                valid_from: monday,
                valid_to: None,
            },
        )?;
    }
    Ok(ward_id)
}

/// Census for each of the 28 days from `monday` that has none yet.
fn load_census(
    conn: &mut DbConnection,
    ward_id: &str,
    wf: &WardFixture,
    monday: NaiveDate,
) -> Result<usize, ServiceError> {
    let admin = Caller::Admin;
    let mut added = 0;
    let templates: Vec<(String, String)> = shift_templates::table
        .filter(shift_templates::ward_id.eq(ward_id))
        .select((shift_templates::code, shift_templates::id))
        .load(conn)?;
    for day in 0..28 {
        let date = monday + Duration::days(day);
        let weekend = date.weekday().num_days_from_monday() >= 5;
        for (code, template_id) in &templates {
            let patients =
                if weekend { wf.census_weekend.get(code).or(wf.census.get(code)) } else { wf.census.get(code) };
            let Some(&patients) = patients else { continue };
            let exists: i64 = census::table
                .filter(census::ward_id.eq(ward_id))
                .filter(census::shift_template_id.eq(template_id))
                .filter(census::date.eq(date))
                .count()
                .get_result(conn)?;
            if exists == 0 {
                crud::create::<Census>(
                    conn,
                    &admin,
                    CensusInput {
                        ward_id: ward_id.to_owned(),
                        shift_template_id: template_id.clone(),
                        date,
                        patients,
                        acuity: None,
                    },
                )?;
                added += 1;
            }
        }
    }
    Ok(added)
}

#[allow(clippy::too_many_arguments)]
fn load_staff(
    conn: &mut DbConnection,
    site_id: &str,
    person: &StaffFixture,
    role_ids: &HashMap<String, String>,
    skill_ids: &HashMap<String, String>,
    ward_ids: &HashMap<String, String>,
    today: NaiveDate,
    report: &mut LoadReport,
) -> Result<(), ServiceError> {
    let admin = Caller::Admin;
    let exists: i64 =
        staff::table.filter(staff::employee_number.eq(&person.employee_number)).count().get_result(conn)?;
    if exists > 0 {
        return Ok(());
    }
    report.staff += 1;
    let wards_of = |codes: &[String], what: &str| -> Result<Vec<String>, ServiceError> {
        codes.iter().map(|c| lookup(ward_ids, c, what)).collect()
    };
    let created = crud::create::<Staff>(
        conn,
        &admin,
        StaffInput {
            site_id: site_id.to_owned(),
            employee_number: person.employee_number.clone(),
            name: person.name.clone(),
            email: person.email.clone(),
            phone: person.phone.clone(),
            primary_role_id: lookup(role_ids, &person.role, "staff.role")?,
            home_ward_ids: wards_of(&person.home_wards, "staff.home_wards")?,
            float_ward_ids: wards_of(&person.float_wards, "staff.float_wards")?,
            fte: person.fte,
            active: true,
            employment_type: person.employment_type,
            contract: person.contract.clone(),
        },
    )?;
    for c in &person.credentials {
        let expires_on = c.expires_on.or(c.expires_in_days.map(|d| today + Duration::days(d)));
        crud::create::<Credentials>(
            conn,
            &admin,
            CredentialInput {
                staff_id: created.record.id.clone(),
                skill_id: lookup(skill_ids, &c.skill, "credentials.skill")?,
                valid_from: c.valid_from.min(expires_on.unwrap_or(c.valid_from)),
                expires_on,
            },
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_monday_is_always_ahead() {
        let wed = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        assert_eq!(next_monday(wed), NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
        let mon = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        assert_eq!(next_monday(mon), NaiveDate::from_ymd_opt(2026, 12, 7).unwrap());
    }
}
