//! Row structs, one per table. They mirror the schema exactly; meaning lives in `domain`.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{
    api_tokens, census, credentials, nurse_ratios, roles, shift_templates, sites, skills, staff, staff_wards,
    staffing_requirements, unavailability, wards,
};

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset, Identifiable)]
#[diesel(table_name = sites, treat_none_as_null = true)]
pub struct SiteRow {
    pub id: String,
    pub code: String,
    pub name: String,
    pub time_zone: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub archived_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset, Identifiable)]
#[diesel(table_name = wards, treat_none_as_null = true)]
pub struct WardRow {
    pub id: String,
    pub site_id: String,
    pub code: String,
    pub name: String,
    pub unit_type: String,
    pub beds: i32,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub archived_at: Option<NaiveDateTime>,
    pub open_shifts_auto_approve: bool,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset, Identifiable)]
#[diesel(table_name = roles, treat_none_as_null = true)]
pub struct RoleRow {
    pub id: String,
    pub code: String,
    pub name: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub archived_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset, Identifiable)]
#[diesel(table_name = skills, treat_none_as_null = true)]
pub struct SkillRow {
    pub id: String,
    pub code: String,
    pub name: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub archived_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset, Identifiable)]
#[diesel(table_name = staff, treat_none_as_null = true)]
pub struct StaffRow {
    pub id: String,
    pub site_id: String,
    pub employee_number: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub primary_role_id: String,
    pub fte: f64,
    pub active: bool,
    pub employment_type: String,
    pub min_hours_per_week: f64,
    pub max_hours_per_week: f64,
    pub max_consecutive_days: i32,
    pub min_rest_hours: f64,
    pub max_nights_per_4_weeks: i32,
    pub max_weekends_per_4_weeks: i32,
    pub night_eligible: bool,
    pub hourly_cost_cents: i64,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub archived_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = staff_wards)]
pub struct StaffWardRow {
    pub staff_id: String,
    pub ward_id: String,
    pub kind: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset, Identifiable)]
#[diesel(table_name = credentials, treat_none_as_null = true)]
pub struct CredentialRow {
    pub id: String,
    pub staff_id: String,
    pub skill_id: String,
    pub valid_from: NaiveDate,
    pub expires_on: Option<NaiveDate>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub archived_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset, Identifiable)]
#[diesel(table_name = shift_templates, treat_none_as_null = true)]
pub struct ShiftTemplateRow {
    pub id: String,
    pub ward_id: String,
    pub code: String,
    pub name: String,
    pub start_minute: i32,
    pub duration_minutes: i32,
    pub unpaid_break_minutes: i32,
    pub weekdays: i32,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub archived_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset, Identifiable)]
#[diesel(table_name = staffing_requirements, treat_none_as_null = true)]
pub struct StaffingRequirementRow {
    pub id: String,
    pub ward_id: String,
    pub shift_template_id: String,
    pub role_id: String,
    pub skill_id: Option<String>,
    pub min_count: i32,
    pub target_count: i32,
    pub max_count: i32,
    pub weekdays: i32,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub archived_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset, Identifiable)]
#[diesel(table_name = nurse_ratios, treat_none_as_null = true)]
pub struct NurseRatioRow {
    pub id: String,
    pub site_id: String,
    pub unit_type: String,
    pub role_id: String,
    pub patients_per_nurse: f64,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub archived_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset, Identifiable)]
#[diesel(table_name = census, treat_none_as_null = true)]
pub struct CensusRow {
    pub id: String,
    pub ward_id: String,
    pub shift_template_id: String,
    pub date: NaiveDate,
    pub patients: i32,
    pub acuity: Option<f64>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub archived_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset, Identifiable)]
#[diesel(table_name = unavailability, treat_none_as_null = true)]
pub struct UnavailabilityRow {
    pub id: String,
    pub staff_id: String,
    pub kind: String,
    pub status: String,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub starts_at: Option<NaiveDateTime>,
    pub ends_at: Option<NaiveDateTime>,
    pub note: Option<String>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub archived_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = api_tokens)]
pub struct ApiTokenRow {
    pub id: String,
    pub name: String,
    pub token_hash: String,
    pub role: String,
    pub site_id: Option<String>,
    pub ward_id: Option<String>,
    pub staff_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset, Identifiable)]
#[diesel(table_name = crate::db::schema::rosters, treat_none_as_null = true)]
pub struct RosterRow {
    pub id: String,
    pub site_id: String,
    pub name: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub status: String,
    pub objective: Option<f64>,
    pub solved_at: Option<NaiveDateTime>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub archived_at: Option<NaiveDateTime>,
    pub published_at: Option<NaiveDateTime>,
    pub based_on: Option<String>,
    pub superseded_by: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = crate::db::schema::roster_assignments)]
pub struct RosterAssignmentRow {
    pub id: String,
    pub roster_id: String,
    pub staff_id: String,
    pub ward_id: String,
    pub shift_template_id: String,
    pub date: NaiveDate,
    pub role_id: String,
    pub skill_id: Option<String>,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub pinned: bool,
    pub override_reason: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = crate::db::schema::jobs)]
pub struct JobRow {
    pub id: String,
    pub kind: String,
    pub roster_id: Option<String>,
    pub status: String,
    pub params: String,
    pub progress: Option<String>,
    pub result: Option<String>,
    pub error: Option<String>,
    pub attempts: i32,
    pub cancel_requested: bool,
    pub worker: Option<String>,
    pub lease_until: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub started_at: Option<NaiveDateTime>,
    pub finished_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
}
