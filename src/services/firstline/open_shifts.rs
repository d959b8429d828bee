//! Open shifts: a manager posts a shift that needs people (by hand, or from a published
//! roster's uncovered demand) with a number of places; eligible staff ask for it; a manager
//! approves — or the ward's policy approves at once. Each approval takes one place with a
//! conditional update (`filled < slots`), so when several people claim the last place at the
//! same moment exactly one gets it.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::time_off::DecisionInput;
use super::{expect_status, may_read, me, require_manager, staff_name, APPROVED, CANCELLED, DECLINED, PENDING};
use crate::db::models::ShiftTemplateRow;
use crate::db::schema::{open_shift_claims, open_shifts, roster_wards, rosters, shift_templates, staff_wards, wards};
use crate::db::DbConnection;
use crate::services::notify::notify;
use crate::services::policy::Action;
use crate::services::rostering::edit::{self, Change, Check};
use crate::services::rostering::problem::BuiltProblem;
use crate::services::rostering::{self, site_zone, PUBLISHED};
use crate::services::{Caller, ServiceError};

pub const OPEN: &str = "open";
pub const FILLED: &str = "filled";

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenShiftInput {
    pub ward_id: String,
    /// Local date the shift starts on.
    pub date: NaiveDate,
    pub shift_template_id: String,
    pub role_id: String,
    pub skill_id: Option<String>,
    /// How many people are wanted (1–50).
    pub slots: i32,
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OpenShift {
    pub id: String,
    /// The published roster the shift is added to.
    pub roster_id: String,
    pub ward_id: String,
    pub date: NaiveDate,
    pub shift_template_id: String,
    pub shift_code: String,
    pub role_id: String,
    pub skill_id: Option<String>,
    pub slots: i32,
    pub filled: i32,
    /// open, filled or cancelled.
    pub status: String,
    pub note: Option<String>,
    pub start_utc: DateTime<Utc>,
    pub end_utc: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OpenShiftClaim {
    pub id: String,
    pub open_shift_id: String,
    pub staff_id: String,
    pub staff_name: String,
    /// pending, approved, declined or cancelled (withdrawn).
    pub status: String,
    pub manager_note: Option<String>,
    pub decided_by: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = open_shifts)]
pub(crate) struct OpenShiftRow {
    id: String,
    roster_id: String,
    site_id: String,
    ward_id: String,
    shift_template_id: String,
    date: NaiveDate,
    role_id: String,
    skill_id: Option<String>,
    slots: i32,
    filled: i32,
    note: Option<String>,
    status: String,
    created_at: chrono::NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = open_shift_claims)]
pub(crate) struct ClaimRow {
    id: String,
    open_shift_id: String,
    staff_id: String,
    status: String,
    manager_note: Option<String>,
    decided_by: Option<String>,
    created_at: chrono::NaiveDateTime,
}

fn template(conn: &mut DbConnection, id: &str) -> Result<ShiftTemplateRow, ServiceError> {
    shift_templates::table
        .find(id)
        .select(ShiftTemplateRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ServiceError::field("shift_template_id", "no such shift template"))
}

fn view(conn: &mut DbConnection, r: OpenShiftRow) -> Result<OpenShift, ServiceError> {
    let t = template(conn, &r.shift_template_id)?;
    let tz = site_zone(conn, &r.site_id)?;
    let instance = t
        .pattern()
        .on(r.date, tz)
        .ok_or_else(|| ServiceError::Internal(format!("shift {} no longer runs on {}", t.code, r.date)))?;
    Ok(OpenShift {
        id: r.id,
        roster_id: r.roster_id,
        ward_id: r.ward_id,
        date: r.date,
        shift_template_id: r.shift_template_id,
        shift_code: t.code,
        role_id: r.role_id,
        skill_id: r.skill_id,
        slots: r.slots,
        filled: r.filled,
        status: r.status,
        note: r.note,
        start_utc: instance.start_utc,
        end_utc: instance.end_utc,
        created_at: r.created_at.and_utc(),
    })
}

fn claim_view(conn: &mut DbConnection, c: ClaimRow) -> Result<OpenShiftClaim, ServiceError> {
    Ok(OpenShiftClaim {
        staff_name: staff_name(conn, &c.staff_id)?,
        id: c.id,
        open_shift_id: c.open_shift_id,
        staff_id: c.staff_id,
        status: c.status,
        manager_note: c.manager_note,
        decided_by: c.decided_by,
        created_at: c.created_at.and_utc(),
    })
}

pub(crate) fn find(conn: &mut DbConnection, id: &str) -> Result<OpenShiftRow, ServiceError> {
    open_shifts::table
        .find(id)
        .select(OpenShiftRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ServiceError::NotFound { kind: "open shift", id: id.to_owned() })
}

fn find_claim(conn: &mut DbConnection, open_shift_id: &str, id: &str) -> Result<ClaimRow, ServiceError> {
    open_shift_claims::table
        .filter(open_shift_claims::open_shift_id.eq(open_shift_id))
        .filter(open_shift_claims::id.eq(id))
        .select(ClaimRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ServiceError::NotFound { kind: "open-shift request", id: id.to_owned() })
}

/// The published roster that covers `ward_id` on `date`.
fn published_roster_for(conn: &mut DbConnection, ward_id: &str, date: NaiveDate) -> Result<String, ServiceError> {
    rosters::table
        .inner_join(roster_wards::table)
        .filter(roster_wards::ward_id.eq(ward_id))
        .filter(rosters::status.eq(PUBLISHED))
        .filter(rosters::start_date.le(date))
        .filter(rosters::end_date.ge(date))
        .select(rosters::id)
        .first(conn)
        .optional()?
        .ok_or_else(|| {
            ServiceError::field("date", "no published roster covers this ward on that date: publish one first")
        })
}

fn insert(
    conn: &mut DbConnection,
    site_id: &str,
    roster_id: &str,
    input: &OpenShiftInput,
) -> Result<OpenShiftRow, ServiceError> {
    let now = crate::services::now();
    let row = OpenShiftRow {
        id: crate::services::new_id(),
        roster_id: roster_id.to_owned(),
        site_id: site_id.to_owned(),
        ward_id: input.ward_id.clone(),
        shift_template_id: input.shift_template_id.clone(),
        date: input.date,
        role_id: input.role_id.clone(),
        skill_id: input.skill_id.clone(),
        slots: input.slots,
        filled: 0,
        note: input.note.clone(),
        status: OPEN.to_owned(),
        created_at: now,
    };
    diesel::insert_into(open_shifts::table)
        .values((
            open_shifts::id.eq(&row.id),
            open_shifts::roster_id.eq(&row.roster_id),
            open_shifts::site_id.eq(&row.site_id),
            open_shifts::ward_id.eq(&row.ward_id),
            open_shifts::shift_template_id.eq(&row.shift_template_id),
            open_shifts::date.eq(row.date),
            open_shifts::role_id.eq(&row.role_id),
            open_shifts::skill_id.eq(&row.skill_id),
            open_shifts::slots.eq(row.slots),
            open_shifts::note.eq(&row.note),
            open_shifts::status.eq(OPEN),
            open_shifts::created_at.eq(now),
            open_shifts::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(row)
}

/// A manager posts an open shift by hand.
pub fn create(conn: &mut DbConnection, caller: &Caller, input: &OpenShiftInput) -> Result<OpenShift, ServiceError> {
    super::may_use(caller)?;
    let site_id: String = wards::table
        .find(&input.ward_id)
        .select(wards::site_id)
        .first(conn)
        .optional()?
        .ok_or_else(|| ServiceError::field("ward_id", "no such ward"))?;
    require_manager(caller, &site_id, Some(&input.ward_id))?;
    if !(1..=50).contains(&input.slots) {
        return Err(ServiceError::field("slots", "must be between 1 and 50"));
    }
    let t = template(conn, &input.shift_template_id)?;
    if t.ward_id != input.ward_id {
        return Err(ServiceError::field("shift_template_id", "is not a shift of this ward"));
    }
    if t.pattern().on(input.date, site_zone(conn, &site_id)?).is_none() {
        return Err(ServiceError::field("date", format!("shift {} does not run on that day", t.code)));
    }
    let roster_id = published_roster_for(conn, &input.ward_id, input.date)?;
    let row = insert(conn, &site_id, &roster_id, input)?;
    view(conn, row)
}

/// Post every shortfall of a published roster as open shifts (one per short line, with as many
/// places as it is short); lines already posted and still open are skipped.
pub fn from_uncovered(
    conn: &mut DbConnection,
    caller: &Caller,
    roster_id: &str,
) -> Result<Vec<OpenShift>, ServiceError> {
    let roster = rostering::load(conn, caller, roster_id, Action::Write)?;
    if roster.status != PUBLISHED {
        return Err(ServiceError::Conflict("open shifts are posted from a published roster".into()));
    }
    let mut out = Vec::new();
    for line in rostering::coverage(conn, caller, roster_id, &rostering::AssignmentFilter::default())?
        .into_iter()
        .filter(|l| l.short > 0)
    {
        let posted: i64 = open_shifts::table
            .filter(open_shifts::roster_id.eq(roster_id))
            .filter(open_shifts::ward_id.eq(&line.ward_id))
            .filter(open_shifts::date.eq(line.date))
            .filter(open_shifts::shift_template_id.eq(&line.shift_template_id))
            .filter(open_shifts::role_id.eq(&line.role_id))
            .filter(open_shifts::status.eq(OPEN))
            .count()
            .get_result(conn)?;
        if posted > 0 {
            continue;
        }
        let input = OpenShiftInput {
            ward_id: line.ward_id,
            date: line.date,
            shift_template_id: line.shift_template_id,
            role_id: line.role_id,
            skill_id: line.skill_id,
            slots: line.short,
            note: Some("posted from the roster's uncovered demand".into()),
        };
        let row = insert(conn, &roster.site_id, roster_id, &input)?;
        out.push(view(conn, row)?);
    }
    Ok(out)
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OpenShiftFilter {
    pub ward_id: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// open (default), filled, cancelled or all.
    pub status: Option<String>,
}

/// Staff see the open shifts of the wards they work on; managers those of their wards.
pub fn list(conn: &mut DbConnection, caller: &Caller, f: &OpenShiftFilter) -> Result<Vec<OpenShift>, ServiceError> {
    let mut q = open_shifts::table.select(OpenShiftRow::as_select()).into_boxed();
    match caller {
        Caller::Staff { staff_id, site_id } => {
            let mine: Vec<String> = staff_wards::table
                .filter(staff_wards::staff_id.eq(staff_id))
                .select(staff_wards::ward_id)
                .load(conn)?;
            q = q.filter(open_shifts::site_id.eq(site_id.clone())).filter(open_shifts::ward_id.eq_any(mine));
        }
        Caller::Manager { site_id, ward_id } => {
            q = q.filter(open_shifts::site_id.eq(site_id.clone()));
            if let Some(w) = ward_id {
                q = q.filter(open_shifts::ward_id.eq(w.clone()));
            }
        }
        Caller::Admin => {}
        Caller::Integration => return Err(ServiceError::Forbidden("integrations do not see open shifts".into())),
    }
    match f.status.as_deref() {
        None => q = q.filter(open_shifts::status.eq(OPEN)),
        Some("all") => {}
        Some(s) => q = q.filter(open_shifts::status.eq(s.to_owned())),
    }
    if let Some(w) = &f.ward_id {
        q = q.filter(open_shifts::ward_id.eq(w.clone()));
    }
    if let Some(d) = f.from {
        q = q.filter(open_shifts::date.ge(d));
    }
    if let Some(d) = f.to {
        q = q.filter(open_shifts::date.le(d));
    }
    let rows: Vec<OpenShiftRow> = q.order((open_shifts::date.asc(), open_shifts::id.asc())).limit(500).load(conn)?;
    rows.into_iter().map(|r| view(conn, r)).collect()
}

pub fn get(conn: &mut DbConnection, caller: &Caller, id: &str) -> Result<OpenShift, ServiceError> {
    super::may_use(caller)?;
    let row = find(conn, id)?;
    if let Caller::Staff { site_id, .. } = caller {
        if *site_id != row.site_id {
            return Err(ServiceError::Forbidden("this open shift is on another site".into()));
        }
    } else {
        may_read(caller, &row.site_id, Some(&row.ward_id), &[])?;
    }
    view(conn, row)
}

/// The change that gives `staff_id` a place on this open shift (not yet checked).
fn place_for(
    conn: &mut DbConnection,
    shift: &OpenShiftRow,
    staff_id: &str,
) -> Result<(rostering::Roster, BuiltProblem, Change<'static>), ServiceError> {
    let roster = rostering::load(conn, &Caller::Admin, &shift.roster_id, Action::Read)?;
    if roster.status != PUBLISHED {
        return Err(ServiceError::Conflict(
            "the roster this open shift was posted on has been replaced; post the shift again".into(),
        ));
    }
    let built = edit::problem_of(conn, &roster)?;
    let place = edit::Place {
        staff_id,
        date: shift.date,
        shift_template_id: &shift.shift_template_id,
        role_id: Some(&shift.role_id),
        skill_id: shift.skill_id.as_deref(),
    };
    let row = edit::new_row(conn, &built, &roster.record.id, &place)?;
    let change = Change { remove: vec![], add: vec![row], actor: "", action: "open_shift_filled", detail: json!({}) };
    Ok((roster, built, change))
}

/// A staff member asks for a place; approved at once when the ward's policy says so.
pub fn claim(conn: &mut DbConnection, caller: &Caller, id: &str) -> Result<OpenShiftClaim, ServiceError> {
    let (staff_id, site_id) = me(caller)?;
    let shift = find(conn, id)?;
    if shift.site_id != site_id {
        return Err(ServiceError::Forbidden("this open shift is on another site".into()));
    }
    expect_status("open shift", &shift.status, &[OPEN], "ask for")?;
    let view_of = view(conn, shift.clone())?;
    if view_of.start_utc <= Utc::now() {
        return Err(ServiceError::Conflict("this shift has already started".into()));
    }
    // Would the place break a rule for them? 422 with each rule if so.
    let (roster, built, change) = place_for(conn, &shift, staff_id)?;
    edit::vet(conn, &roster, &built, &Check::Published { receivers: &[staff_id] }, &[], &change.add)?;
    let now = crate::services::now();
    let claim_id = crate::services::new_id();
    diesel::insert_into(open_shift_claims::table)
        .values((
            open_shift_claims::id.eq(&claim_id),
            open_shift_claims::open_shift_id.eq(id),
            open_shift_claims::staff_id.eq(staff_id),
            open_shift_claims::status.eq(PENDING),
            open_shift_claims::created_at.eq(now),
            open_shift_claims::updated_at.eq(now),
        ))
        .execute(conn)
        .map_err(|e| match e {
            diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _) => {
                ServiceError::Conflict("you have already asked for this shift".into())
            }
            other => other.into(),
        })?;
    let auto: bool = wards::table.find(&shift.ward_id).select(wards::open_shifts_auto_approve).first(conn)?;
    if auto {
        approve_claim(conn, &shift, &claim_id, "ward policy (automatic approval)", None)?;
    }
    let row = find_claim(conn, id, &claim_id)?;
    claim_view(conn, row)
}

/// Take one place (atomically), put the person on the roster, tell them.
fn approve_claim(
    conn: &mut DbConnection,
    shift: &OpenShiftRow,
    claim_id: &str,
    actor: &str,
    note: Option<&str>,
) -> Result<(), ServiceError> {
    let claim = find_claim(conn, &shift.id, claim_id)?;
    expect_status("open-shift request", &claim.status, &[PENDING], "approve")?;
    let now = crate::services::now();
    let took = diesel::update(
        open_shifts::table
            .filter(open_shifts::id.eq(&shift.id))
            .filter(open_shifts::status.eq(OPEN))
            .filter(open_shifts::filled.lt(open_shifts::slots)),
    )
    .set((
        open_shifts::filled.eq(open_shifts::filled + 1),
        open_shifts::version.eq(open_shifts::version + 1),
        open_shifts::updated_at.eq(now),
    ))
    .execute(conn)?;
    if took == 0 {
        return Err(ServiceError::Conflict("every place on this open shift is taken".into()));
    }
    diesel::update(
        open_shifts::table.filter(open_shifts::id.eq(&shift.id)).filter(open_shifts::filled.ge(open_shifts::slots)),
    )
    .set(open_shifts::status.eq(FILLED))
    .execute(conn)?;
    // Checked once, by `edit::apply`.
    let (roster, built, mut change) = place_for(conn, shift, &claim.staff_id)?;
    change.actor = actor;
    change.detail = json!({ "open_shift_id": shift.id, "request_id": claim_id, "staff_id": claim.staff_id });
    edit::apply(conn, &roster, &built, None, &Check::Published { receivers: &[&claim.staff_id] }, change)?;
    decide_claim(conn, claim_id, APPROVED, actor, note)?;
    let words = rostering::publishing::ShiftWords::for_site(conn, &shift.site_id)?;
    let v = view(conn, shift.clone())?;
    let line = words.line(&shift.shift_template_id, v.start_utc.naive_utc(), v.end_utc.naive_utc());
    notify(conn, &claim.staff_id, "open_shift_decided", "Open shift approved", &format!("You are on: {line}"))?;
    Ok(())
}

fn decide_claim(
    conn: &mut DbConnection,
    id: &str,
    to: &str,
    actor: &str,
    note: Option<&str>,
) -> Result<(), ServiceError> {
    let now = crate::services::now();
    let changed = diesel::update(
        open_shift_claims::table.filter(open_shift_claims::id.eq(id)).filter(open_shift_claims::status.eq(PENDING)),
    )
    .set((
        open_shift_claims::status.eq(to),
        open_shift_claims::decided_by.eq(Some(actor)),
        open_shift_claims::decided_at.eq(Some(now)),
        open_shift_claims::manager_note.eq(note),
        open_shift_claims::version.eq(open_shift_claims::version + 1),
        open_shift_claims::updated_at.eq(now),
    ))
    .execute(conn)?;
    if changed == 0 {
        return Err(ServiceError::Conflict("the request is no longer pending".into()));
    }
    Ok(())
}

/// A manager approves or declines a request for an open shift.
pub fn decide(
    conn: &mut DbConnection,
    caller: &Caller,
    actor: &str,
    id: &str,
    claim_id: &str,
    approve: bool,
    input: &DecisionInput,
) -> Result<OpenShiftClaim, ServiceError> {
    super::may_use(caller)?;
    let shift = find(conn, id)?;
    require_manager(caller, &shift.site_id, Some(&shift.ward_id))?;
    let note = input.note();
    if approve {
        approve_claim(conn, &shift, claim_id, actor, note)?;
    } else {
        let claim = find_claim(conn, id, claim_id)?;
        expect_status("open-shift request", &claim.status, &[PENDING], "decline")?;
        decide_claim(conn, claim_id, DECLINED, actor, note)?;
        let body = match note {
            Some(n) => format!("Your request for the open shift on {} was declined.\nNote: {n}", shift.date),
            None => format!("Your request for the open shift on {} was declined.", shift.date),
        };
        notify(conn, &claim.staff_id, "open_shift_decided", "Open shift request declined", &body)?;
    }
    let row = find_claim(conn, id, claim_id)?;
    claim_view(conn, row)
}

/// The claimant withdraws a pending request.
pub fn withdraw(
    conn: &mut DbConnection,
    caller: &Caller,
    id: &str,
    claim_id: &str,
) -> Result<OpenShiftClaim, ServiceError> {
    let (staff_id, _) = me(caller)?;
    let claim = find_claim(conn, id, claim_id)?;
    if claim.staff_id != staff_id {
        return Err(ServiceError::Forbidden("this request is not yours".into()));
    }
    expect_status("open-shift request", &claim.status, &[PENDING], "withdraw")?;
    diesel::update(open_shift_claims::table.filter(open_shift_claims::id.eq(claim_id)))
        .set((open_shift_claims::status.eq(CANCELLED), open_shift_claims::updated_at.eq(crate::services::now())))
        .execute(conn)?;
    let row = find_claim(conn, id, claim_id)?;
    claim_view(conn, row)
}

/// The requests for one open shift: managers see all, staff their own.
pub fn claims(conn: &mut DbConnection, caller: &Caller, id: &str) -> Result<Vec<OpenShiftClaim>, ServiceError> {
    super::may_use(caller)?;
    let shift = find(conn, id)?;
    let mut q = open_shift_claims::table
        .filter(open_shift_claims::open_shift_id.eq(id))
        .select(ClaimRow::as_select())
        .into_boxed();
    match caller {
        Caller::Staff { staff_id, .. } => q = q.filter(open_shift_claims::staff_id.eq(staff_id.clone())),
        _ => may_read(caller, &shift.site_id, Some(&shift.ward_id), &[])?,
    }
    let rows: Vec<ClaimRow> = q.order(open_shift_claims::created_at.asc()).load(conn)?;
    rows.into_iter().map(|r| claim_view(conn, r)).collect()
}

/// Pending requests on the caller's wards, for the inbox.
pub(crate) fn pending_claims(conn: &mut DbConnection) -> Result<Vec<(ClaimRow, OpenShiftRow)>, ServiceError> {
    Ok(open_shift_claims::table
        .inner_join(open_shifts::table)
        .filter(open_shift_claims::status.eq(PENDING))
        .select((ClaimRow::as_select(), OpenShiftRow::as_select()))
        .load(conn)?)
}

impl ClaimRow {
    pub(crate) fn parts(&self) -> (&str, &str, chrono::NaiveDateTime) {
        (&self.id, &self.staff_id, self.created_at)
    }
}

impl OpenShiftRow {
    pub(crate) fn place(&self) -> (&str, &str, &str, NaiveDate) {
        (&self.id, &self.site_id, &self.ward_id, self.date)
    }
}
