//! Notifications: an in-app inbox per staff member, and an e-mail outbox row for those with an
//! address who have not opted out. Both are written in the caller's transaction, so a change
//! and the message about it are committed together or not at all; the mail sender
//! (`crate::mail`) delivers the outbox afterwards.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Caller, ServiceError};
use crate::db::schema::{notifications, outbox_emails, staff};
use crate::db::DbConnection;

pub const PENDING: &str = "pending";
pub const SENT: &str = "sent";
pub const FAILED: &str = "failed";

/// Tell one staff member something: in-app always, by e-mail when they have an address and
/// have not opted out.
pub fn notify(
    conn: &mut DbConnection,
    staff_id: &str,
    kind: &str,
    subject: &str,
    body: &str,
) -> Result<String, ServiceError> {
    let id = super::new_id();
    let now = super::now();
    diesel::insert_into(notifications::table)
        .values((
            notifications::id.eq(&id),
            notifications::staff_id.eq(staff_id),
            notifications::kind.eq(kind),
            notifications::subject.eq(subject),
            notifications::body.eq(body),
            notifications::created_at.eq(now),
        ))
        .execute(conn)?;
    let (email, opted_out): (Option<String>, bool) =
        staff::table.find(staff_id).select((staff::email, staff::email_opt_out)).first(conn)?;
    if let Some(address) = email.filter(|a| !a.trim().is_empty() && !opted_out) {
        diesel::insert_into(outbox_emails::table)
            .values((
                outbox_emails::id.eq(super::new_id()),
                outbox_emails::notification_id.eq(&id),
                outbox_emails::to_address.eq(address),
                outbox_emails::subject.eq(subject),
                outbox_emails::body.eq(body),
                outbox_emails::status.eq(PENDING),
                outbox_emails::next_attempt_at.eq(now),
                outbox_emails::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(id)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Notification {
    pub id: String,
    /// roster_published, time_off_decided, open_shift_decided, swap_request, offer_request, …
    pub kind: String,
    pub subject: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct NotificationFilter {
    /// Only unread ones.
    #[serde(default)]
    pub unread: bool,
}

/// The staff member behind a staff token; 403 for anyone else.
pub fn me(caller: &Caller) -> Result<(&str, &str), ServiceError> {
    match caller {
        Caller::Staff { staff_id, site_id } => Ok((staff_id, site_id)),
        other => Err(ServiceError::Forbidden(format!(
            "only a staff member's own token can use /me (this is a {} token)",
            other.role()
        ))),
    }
}

/// The caller's notifications, newest first.
pub fn mine(
    conn: &mut DbConnection,
    caller: &Caller,
    filter: &NotificationFilter,
) -> Result<Vec<Notification>, ServiceError> {
    let (staff_id, _) = me(caller)?;
    let mut q = notifications::table.filter(notifications::staff_id.eq(staff_id)).into_boxed();
    if filter.unread {
        q = q.filter(notifications::read_at.is_null());
    }
    let rows: Vec<(String, String, String, String, chrono::NaiveDateTime, Option<chrono::NaiveDateTime>)> = q
        .order(notifications::created_at.desc())
        .limit(200)
        .select((
            notifications::id,
            notifications::kind,
            notifications::subject,
            notifications::body,
            notifications::created_at,
            notifications::read_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, kind, subject, body, created, read)| Notification {
            id,
            kind,
            subject,
            body,
            created_at: created.and_utc(),
            read_at: read.map(|t| t.and_utc()),
        })
        .collect())
}

/// Mark one of the caller's notifications read (idempotent).
pub fn mark_read(conn: &mut DbConnection, caller: &Caller, id: &str) -> Result<(), ServiceError> {
    let (staff_id, _) = me(caller)?;
    let owner: Option<String> = notifications::table.find(id).select(notifications::staff_id).first(conn).optional()?;
    match owner {
        Some(owner) if owner == staff_id => {
            diesel::update(notifications::table.find(id).filter(notifications::read_at.is_null()))
                .set(notifications::read_at.eq(Some(super::now())))
                .execute(conn)?;
            Ok(())
        }
        // Someone else's notification is as good as missing.
        _ => Err(ServiceError::NotFound { kind: "notification", id: id.to_owned() }),
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Preferences {
    /// Send notifications by e-mail too (to the address on the staff record).
    pub email_notifications: bool,
}

pub fn preferences(conn: &mut DbConnection, caller: &Caller) -> Result<Preferences, ServiceError> {
    let (staff_id, _) = me(caller)?;
    let opted_out: bool = staff::table.find(staff_id).select(staff::email_opt_out).first(conn)?;
    Ok(Preferences { email_notifications: !opted_out })
}

pub fn set_preferences(conn: &mut DbConnection, caller: &Caller, p: &Preferences) -> Result<Preferences, ServiceError> {
    let (staff_id, _) = me(caller)?;
    diesel::update(staff::table.find(staff_id)).set(staff::email_opt_out.eq(!p.email_notifications)).execute(conn)?;
    preferences(conn, caller)
}
