//! The manager's inbox: every request waiting for a manager on their wards — time off, open
//! shifts, accepted swaps and offers — oldest first.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{home_wards, require_manager, staff_names, PENDING};
use crate::db::schema::time_off_requests;
use crate::db::DbConnection;
use crate::services::{Caller, ServiceError};

#[derive(Debug, Serialize, ToSchema)]
pub struct InboxItem {
    /// time_off, open_shift, swap or offer.
    pub kind: String,
    /// The request's id.
    pub id: String,
    /// Where to act on it (approve / decline under this path).
    pub path: String,
    pub staff_id: String,
    pub staff_name: String,
    pub ward_id: Option<String>,
    pub created_at: DateTime<Utc>,
    /// What the manager should know before deciding, e.g. leave that collides with published
    /// shifts (approve, then re-plan with POST …/replan).
    pub flag: Option<String>,
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct InboxFilter {
    /// time_off, open_shift, swap or offer.
    pub kind: Option<String>,
    pub ward_id: Option<String>,
}

/// One request waiting for a manager, before the access check.
struct Waiting {
    kind: &'static str,
    id: String,
    path: String,
    site_id: String,
    ward_id: Option<String>,
    staff_id: String,
    created: chrono::NaiveDateTime,
    /// The days asked for, for time off.
    days: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
}

impl Waiting {
    fn new(
        kind: &'static str,
        id: String,
        path: String,
        site_id: String,
        ward_id: Option<String>,
        staff_id: String,
        created: chrono::NaiveDateTime,
    ) -> Self {
        Waiting { kind, id, path, site_id, ward_id, staff_id, created, days: None }
    }
}

pub fn inbox(conn: &mut DbConnection, caller: &Caller, f: &InboxFilter) -> Result<Vec<InboxItem>, ServiceError> {
    if !matches!(caller, Caller::Admin | Caller::Manager { .. }) {
        return Err(ServiceError::Forbidden(format!("the inbox is for managers (this is a {} token)", caller.role())));
    }
    if let Some(k) = &f.kind {
        if !["time_off", "open_shift", "swap", "offer"].contains(&k.as_str()) {
            return Err(ServiceError::field("kind", "must be time_off, open_shift, swap or offer"));
        }
    }
    let wanted = |kind: &str| f.kind.as_deref().is_none_or(|k| k == kind);
    let mut items = Vec::new();
    let mut candidates: Vec<Waiting> = Vec::new();
    if wanted("time_off") {
        type Row = (String, String, String, chrono::NaiveDateTime, chrono::NaiveDate, chrono::NaiveDate);
        let rows: Vec<Row> = time_off_requests::table
            .filter(time_off_requests::status.eq(PENDING))
            .select((
                time_off_requests::id,
                time_off_requests::staff_id,
                time_off_requests::site_id,
                time_off_requests::created_at,
                time_off_requests::start_date,
                time_off_requests::end_date,
            ))
            .load(conn)?;
        let people: Vec<String> = rows.iter().map(|r| r.1.clone()).collect();
        let homes = home_wards(conn, &people)?;
        for (id, staff_id, site_id, created, from, to) in rows {
            let ward = homes.get(&staff_id).cloned();
            let mut waiting = Waiting::new(
                "time_off",
                id.clone(),
                format!("/api/v1/time-off-requests/{id}"),
                site_id,
                ward,
                staff_id,
                created,
            );
            waiting.days = Some((from, to));
            candidates.push(waiting);
        }
    }
    if wanted("open_shift") {
        for (claim, shift) in super::open_shifts::pending_claims(conn)? {
            let (claim_id, staff_id, created) = claim.parts();
            let (shift_id, site_id, ward_id, _) = shift.place();
            let path = format!("/api/v1/open-shifts/{shift_id}/requests/{claim_id}");
            candidates.push(Waiting::new(
                "open_shift",
                claim_id.to_owned(),
                path,
                site_id.to_owned(),
                Some(ward_id.to_owned()),
                staff_id.to_owned(),
                created,
            ));
        }
    }
    for t in super::trades::awaiting_manager(conn)? {
        let (id, kind, site_id, ward_id, requester, created) = t.parts();
        let kind_name = if kind == super::trades::SWAP { "swap" } else { "offer" };
        if wanted(kind_name) {
            let path = format!("/api/v1/{kind_name}-requests/{id}");
            candidates.push(Waiting::new(
                kind_name,
                id.to_owned(),
                path,
                site_id.to_owned(),
                Some(ward_id.to_owned()),
                requester.to_owned(),
                created,
            ));
        }
    }
    candidates.retain(|c| {
        f.ward_id.as_ref().is_none_or(|w| c.ward_id.as_ref() == Some(w))
            && require_manager(caller, &c.site_id, c.ward_id.as_deref()).is_ok()
    });
    candidates.sort_by_key(|c| c.created);
    let people: Vec<String> = candidates.iter().map(|c| c.staff_id.clone()).collect();
    let names = staff_names(conn, &people)?;
    for Waiting { kind, id, path, ward_id, staff_id, created, days, .. } in candidates {
        let flag = match days {
            Some((from, to)) => {
                let n = super::time_off::collisions(conn, &staff_id, from, to)?.len();
                (n > 0).then(|| format!("collides with {n} published shift(s): approve, then re-plan"))
            }
            None => None,
        };
        let staff_name =
            names.get(&staff_id).cloned().ok_or_else(|| ServiceError::field("staff_id", "no such staff member"))?;
        items.push(InboxItem {
            flag,
            kind: kind.to_owned(),
            staff_name,
            id,
            path,
            staff_id,
            ward_id,
            created_at: created.and_utc(),
        });
    }
    Ok(items)
}
