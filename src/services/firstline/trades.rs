//! Swaps (two people exchange shifts) and offers (one gives a shift to a colleague). The
//! recipient accepts, then a manager of the ward approves, then the published roster changes.
//! Every step checks the rules again against the roster as it is then; a step out of order
//! (approve a declined request, accept someone else's) gets 409 with the reason.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::time_off::DecisionInput;
use super::{
    expect_status, may_read, me, require_manager, staff_name, upcoming_shift, APPROVED, CANCELLED, DECLINED, PENDING,
};
use crate::db::models::RosterAssignmentRow;
use crate::db::schema::{shift_trades, staff};
use crate::db::DbConnection;
use crate::services::notify::notify;
use crate::services::rostering::edit::{self, Change, Check};
use crate::services::rostering::problem::BuiltProblem;
use crate::services::rostering::publishing::ShiftWords;
use crate::services::rostering::Roster;
use crate::services::{Caller, ServiceError};

pub const SWAP: &str = "swap";
pub const OFFER: &str = "offer";
/// The recipient said yes; a manager decides next.
pub const ACCEPTED: &str = "accepted";

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SwapRequestInput {
    /// Your shift.
    pub assignment_id: String,
    /// The colleague's shift you would take instead.
    pub recipient_assignment_id: String,
    pub message: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfferRequestInput {
    /// Your shift.
    pub assignment_id: String,
    /// The colleague who would take it.
    pub recipient_id: String,
    pub message: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ShiftTrade {
    pub id: String,
    /// swap or offer.
    pub kind: String,
    pub roster_id: String,
    pub ward_id: String,
    pub requester_id: String,
    pub requester_name: String,
    pub assignment_id: String,
    /// The requester's shift, in words.
    pub shift: String,
    pub recipient_id: String,
    pub recipient_name: String,
    /// Swaps: the recipient's shift.
    pub recipient_assignment_id: Option<String>,
    pub recipient_shift: Option<String>,
    pub message: Option<String>,
    /// pending (for the recipient), accepted (for a manager), approved, declined or cancelled.
    pub status: String,
    pub manager_note: Option<String>,
    pub decided_by: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = shift_trades)]
pub(crate) struct TradeRow {
    id: String,
    kind: String,
    roster_id: String,
    site_id: String,
    ward_id: String,
    requester_id: String,
    assignment_id: String,
    recipient_id: String,
    recipient_assignment_id: Option<String>,
    message: Option<String>,
    status: String,
    manager_note: Option<String>,
    decided_by: Option<String>,
    created_at: chrono::NaiveDateTime,
}

impl TradeRow {
    pub(crate) fn parts(&self) -> (&str, &str, &str, &str, &str, chrono::NaiveDateTime) {
        (&self.id, &self.kind, &self.site_id, &self.ward_id, &self.requester_id, self.created_at)
    }
}

fn noun(kind: &str) -> &'static str {
    if kind == SWAP {
        "swap request"
    } else {
        "offer"
    }
}

fn find(conn: &mut DbConnection, kind: &str, id: &str) -> Result<TradeRow, ServiceError> {
    shift_trades::table
        .filter(shift_trades::id.eq(id))
        .filter(shift_trades::kind.eq(kind))
        .select(TradeRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ServiceError::NotFound { kind: noun(kind), id: id.to_owned() })
}

fn describe(conn: &mut DbConnection, words: &ShiftWords, assignment_id: &str) -> Result<String, ServiceError> {
    use crate::db::schema::roster_assignments;
    let row: Option<RosterAssignmentRow> = roster_assignments::table
        .find(assignment_id)
        .select(RosterAssignmentRow::as_select())
        .first(conn)
        .optional()?;
    Ok(row.map_or_else(
        || "(no longer on the roster)".to_owned(),
        |r| words.line(&r.shift_template_id, r.starts_at, r.ends_at),
    ))
}

fn view(conn: &mut DbConnection, t: TradeRow) -> Result<ShiftTrade, ServiceError> {
    let words = ShiftWords::for_site(conn, &t.site_id)?;
    let shift = describe(conn, &words, &t.assignment_id)?;
    let recipient_shift = match &t.recipient_assignment_id {
        Some(a) => Some(describe(conn, &words, a)?),
        None => None,
    };
    Ok(ShiftTrade {
        requester_name: staff_name(conn, &t.requester_id)?,
        recipient_name: staff_name(conn, &t.recipient_id)?,
        id: t.id,
        kind: t.kind,
        roster_id: t.roster_id,
        ward_id: t.ward_id,
        requester_id: t.requester_id,
        assignment_id: t.assignment_id,
        shift,
        recipient_id: t.recipient_id,
        recipient_assignment_id: t.recipient_assignment_id,
        recipient_shift,
        message: t.message,
        status: t.status,
        manager_note: t.manager_note,
        decided_by: t.decided_by,
        created_at: t.created_at.and_utc(),
    })
}

/// The roster change a trade makes.
struct Plan {
    built: BuiltProblem,
    remove: Vec<RosterAssignmentRow>,
    add: Vec<RosterAssignmentRow>,
}

impl Plan {
    /// The people who receive a shift: no rule may break for them.
    fn receivers(&self) -> Vec<&str> {
        self.add.iter().map(|r| r.staff_id.as_str()).collect()
    }

    /// 422 with each rule the change would break for the receivers; writes nothing.
    fn check(&self, conn: &mut DbConnection, roster: &Roster) -> Result<(), ServiceError> {
        let receivers = self.receivers();
        edit::vet(conn, roster, &self.built, &Check::Published { receivers: &receivers }, &self.remove, &self.add)?;
        Ok(())
    }
}

fn plan(
    conn: &mut DbConnection,
    t_kind: &str,
    mine: &RosterAssignmentRow,
    recipient: &str,
    theirs: Option<&RosterAssignmentRow>,
    roster: &Roster,
) -> Result<Plan, ServiceError> {
    let built = edit::problem_of(conn, roster)?;
    let mut remove = vec![mine.clone()];
    let mut add = vec![edit::reassigned(conn, &built, mine, recipient)?];
    if t_kind == SWAP {
        let theirs = theirs.ok_or_else(|| ServiceError::Internal("swap without the recipient's shift".into()))?;
        add.push(edit::reassigned(conn, &built, theirs, &mine.staff_id)?);
        remove.push(theirs.clone());
    }
    Ok(Plan { built, remove, add })
}

/// Both shifts, still upcoming and on the same published roster.
fn shifts_of(
    conn: &mut DbConnection,
    t: &TradeRow,
) -> Result<(RosterAssignmentRow, Option<RosterAssignmentRow>, Roster), ServiceError> {
    let (mine, roster) = upcoming_shift(conn, &t.assignment_id, "assignment_id")
        .map_err(|e| ServiceError::Conflict(format!("the shift offered can no longer change hands: {}", reason(&e))))?;
    let theirs = match &t.recipient_assignment_id {
        Some(a) => Some(
            upcoming_shift(conn, a, "recipient_assignment_id")
                .map_err(|e| {
                    ServiceError::Conflict(format!("the shift asked for can no longer change hands: {}", reason(&e)))
                })?
                .0,
        ),
        None => None,
    };
    if mine.staff_id != t.requester_id || theirs.as_ref().is_some_and(|r| r.staff_id != t.recipient_id) {
        return Err(ServiceError::Conflict("the shifts have changed hands since the request was made".into()));
    }
    Ok((mine, theirs, roster))
}

fn reason(e: &ServiceError) -> String {
    match e {
        ServiceError::Validation(errors) => errors.iter().map(|f| f.message.clone()).collect::<Vec<_>>().join("; "),
        other => other.to_string(),
    }
}

/// The caller's own upcoming shift on a published roster (403 for someone else's).
fn my_upcoming_shift(
    conn: &mut DbConnection,
    me_id: &str,
    assignment_id: &str,
    verb: &str,
) -> Result<(RosterAssignmentRow, Roster), ServiceError> {
    let (mine, roster) = upcoming_shift(conn, assignment_id, "assignment_id")?;
    if mine.staff_id != me_id {
        return Err(ServiceError::Forbidden(format!("you can only {verb} your own shifts")));
    }
    Ok((mine, roster))
}

/// A staff member asks a colleague to swap shifts.
pub fn request_swap(
    conn: &mut DbConnection,
    caller: &Caller,
    input: &SwapRequestInput,
) -> Result<ShiftTrade, ServiceError> {
    let (me_id, _) = me(caller)?;
    let (mine, roster) = my_upcoming_shift(conn, me_id, &input.assignment_id, "swap")?;
    let (theirs, other_roster) = upcoming_shift(conn, &input.recipient_assignment_id, "recipient_assignment_id")?;
    if other_roster.record.id != roster.record.id {
        return Err(ServiceError::field("recipient_assignment_id", "is on another roster"));
    }
    if theirs.staff_id == me_id {
        return Err(ServiceError::field("recipient_assignment_id", "is your own shift"));
    }
    plan(conn, SWAP, &mine, &theirs.staff_id, Some(&theirs), &roster)?.check(conn, &roster)?;
    insert(conn, SWAP, &roster, &mine, &theirs.staff_id, Some(&theirs.id), input.message.as_deref())
}

/// A staff member offers a shift to a colleague.
pub fn request_offer(
    conn: &mut DbConnection,
    caller: &Caller,
    input: &OfferRequestInput,
) -> Result<ShiftTrade, ServiceError> {
    let (me_id, site_id) = me(caller)?;
    let (mine, roster) = my_upcoming_shift(conn, me_id, &input.assignment_id, "offer")?;
    let recipient_site: Option<String> =
        staff::table.find(&input.recipient_id).select(staff::site_id).first(conn).optional()?;
    if recipient_site.as_deref() != Some(site_id) {
        return Err(ServiceError::field("recipient_id", "no such colleague on your site"));
    }
    if input.recipient_id == me_id {
        return Err(ServiceError::field("recipient_id", "is you"));
    }
    plan(conn, OFFER, &mine, &input.recipient_id, None, &roster)?.check(conn, &roster)?;
    insert(conn, OFFER, &roster, &mine, &input.recipient_id, None, input.message.as_deref())
}

fn insert(
    conn: &mut DbConnection,
    kind: &str,
    roster: &Roster,
    mine: &RosterAssignmentRow,
    recipient: &str,
    recipient_assignment: Option<&str>,
    message: Option<&str>,
) -> Result<ShiftTrade, ServiceError> {
    let open: i64 = shift_trades::table
        .filter(shift_trades::assignment_id.eq(&mine.id))
        .filter(shift_trades::status.eq_any([PENDING, ACCEPTED]))
        .count()
        .get_result(conn)?;
    if open > 0 {
        return Err(ServiceError::Conflict("this shift already has an open swap or offer; cancel it first".into()));
    }
    let id = crate::services::new_id();
    let now = crate::services::now();
    diesel::insert_into(shift_trades::table)
        .values((
            shift_trades::id.eq(&id),
            shift_trades::kind.eq(kind),
            shift_trades::roster_id.eq(&roster.record.id),
            shift_trades::site_id.eq(&roster.site_id),
            shift_trades::ward_id.eq(&mine.ward_id),
            shift_trades::requester_id.eq(&mine.staff_id),
            shift_trades::assignment_id.eq(&mine.id),
            shift_trades::recipient_id.eq(recipient),
            shift_trades::recipient_assignment_id.eq(recipient_assignment),
            shift_trades::message.eq(message),
            shift_trades::status.eq(PENDING),
            shift_trades::created_at.eq(now),
            shift_trades::updated_at.eq(now),
        ))
        .execute(conn)?;
    let row = find(conn, kind, &id)?;
    let trade = view(conn, row)?;
    let subject =
        format!("{} asks you to {}", trade.requester_name, if kind == SWAP { "swap shifts" } else { "take a shift" });
    let body = match &trade.recipient_shift {
        Some(theirs) => {
            format!("{} would take your {theirs}\nand give you their {}.", trade.requester_name, trade.shift)
        }
        None => format!("{} offers you their {}.", trade.requester_name, trade.shift),
    };
    notify(conn, recipient, &format!("{kind}_request"), &subject, &body)?;
    Ok(trade)
}

pub fn get(conn: &mut DbConnection, caller: &Caller, kind: &str, id: &str) -> Result<ShiftTrade, ServiceError> {
    super::may_use(caller)?;
    let t = find(conn, kind, id)?;
    may_read(caller, &t.site_id, Some(&t.ward_id), &[&t.requester_id, &t.recipient_id])?;
    view(conn, t)
}

/// Staff see the trades they are in; managers those on their wards.
pub fn list(
    conn: &mut DbConnection,
    caller: &Caller,
    kind: &str,
    f: &super::time_off::RequestFilter,
) -> Result<Vec<ShiftTrade>, ServiceError> {
    let mut q =
        shift_trades::table.filter(shift_trades::kind.eq(kind.to_owned())).select(TradeRow::as_select()).into_boxed();
    match caller {
        Caller::Staff { staff_id, .. } => {
            q = q.filter(
                shift_trades::requester_id.eq(staff_id.clone()).or(shift_trades::recipient_id.eq(staff_id.clone())),
            );
        }
        Caller::Manager { site_id, ward_id } => {
            q = q.filter(shift_trades::site_id.eq(site_id.clone()));
            if let Some(w) = ward_id {
                q = q.filter(shift_trades::ward_id.eq(w.clone()));
            }
        }
        Caller::Admin => {}
        Caller::Integration => return Err(ServiceError::Forbidden("integrations do not see staff requests".into())),
    }
    if let Some(s) = &f.status {
        q = q.filter(shift_trades::status.eq(s.clone()));
    }
    if let Some(s) = &f.staff_id {
        q = q.filter(shift_trades::requester_id.eq(s.clone()));
    }
    let rows: Vec<TradeRow> = q.order(shift_trades::created_at.asc()).limit(500).load(conn)?;
    rows.into_iter().map(|t| view(conn, t)).collect()
}

fn set_status(
    conn: &mut DbConnection,
    t: &TradeRow,
    to: &str,
    decided_by: Option<&str>,
    note: Option<&str>,
) -> Result<(), ServiceError> {
    let now = crate::services::now();
    let changed = diesel::update(
        shift_trades::table.filter(shift_trades::id.eq(&t.id)).filter(shift_trades::status.eq(&t.status)),
    )
    .set((
        shift_trades::status.eq(to),
        shift_trades::decided_by.eq(decided_by),
        shift_trades::decided_at.eq(decided_by.map(|_| now)),
        shift_trades::manager_note.eq(note),
        shift_trades::version.eq(shift_trades::version + 1),
        shift_trades::updated_at.eq(now),
    ))
    .execute(conn)?;
    if changed == 0 {
        return Err(ServiceError::Conflict(format!("the {} changed meanwhile; fetch it again", noun(&t.kind))));
    }
    Ok(())
}

/// The recipient accepts: the rules are checked again, then a manager decides.
pub fn accept(conn: &mut DbConnection, caller: &Caller, kind: &str, id: &str) -> Result<ShiftTrade, ServiceError> {
    let (me_id, _) = me(caller)?;
    let t = find(conn, kind, id)?;
    if t.recipient_id != me_id {
        return Err(ServiceError::Forbidden(format!("only the recipient can accept this {}", noun(kind))));
    }
    expect_status(noun(kind), &t.status, &[PENDING], "accept")?;
    let (mine, theirs, roster) = shifts_of(conn, &t)?;
    plan(conn, kind, &mine, &t.recipient_id, theirs.as_ref(), &roster)?.check(conn, &roster)?;
    set_status(conn, &t, ACCEPTED, None, None)?;
    let name = staff_name(conn, &t.recipient_id)?;
    notify(
        conn,
        &t.requester_id,
        &format!("{kind}_accepted"),
        &format!("{name} accepted your {}", noun(kind)),
        "A manager will now approve or decline it.",
    )?;
    get(conn, caller, kind, id)
}

/// The recipient (while pending) or a manager (once accepted) declines.
pub fn decline(
    conn: &mut DbConnection,
    caller: &Caller,
    actor: &str,
    kind: &str,
    id: &str,
    input: &DecisionInput,
) -> Result<ShiftTrade, ServiceError> {
    super::may_use(caller)?;
    let t = find(conn, kind, id)?;
    let note = input.note();
    match caller {
        Caller::Staff { staff_id, .. } => {
            if *staff_id != t.recipient_id {
                return Err(ServiceError::Forbidden(format!(
                    "only the recipient or a manager can decline this {}",
                    noun(kind)
                )));
            }
            expect_status(noun(kind), &t.status, &[PENDING], "decline")?;
            set_status(conn, &t, DECLINED, None, note)?;
        }
        _ => {
            require_manager(caller, &t.site_id, Some(&t.ward_id))?;
            expect_status(noun(kind), &t.status, &[PENDING, ACCEPTED], "decline")?;
            set_status(conn, &t, DECLINED, Some(actor), note)?;
            notify(
                conn,
                &t.recipient_id,
                &format!("{kind}_decided"),
                &format!("A {} you were in was declined", noun(kind)),
                note.unwrap_or("Declined by a manager."),
            )?;
        }
    }
    let body = note.map_or_else(
        || "Your shifts stay as they are.".to_owned(),
        |n| format!("Your shifts stay as they are.\nNote: {n}"),
    );
    notify(conn, &t.requester_id, &format!("{kind}_decided"), &format!("Your {} was declined", noun(kind)), &body)?;
    get(conn, caller, kind, id)
}

/// The requester withdraws before a manager has approved.
pub fn cancel(conn: &mut DbConnection, caller: &Caller, kind: &str, id: &str) -> Result<ShiftTrade, ServiceError> {
    let (me_id, _) = me(caller)?;
    let t = find(conn, kind, id)?;
    if t.requester_id != me_id {
        return Err(ServiceError::Forbidden(format!("only the requester can cancel this {}", noun(kind))));
    }
    expect_status(noun(kind), &t.status, &[PENDING, ACCEPTED], "cancel")?;
    set_status(conn, &t, CANCELLED, None, None)?;
    get(conn, caller, kind, id)
}

/// A manager approves an accepted trade: the roster changes now, after a last check.
pub fn approve(
    conn: &mut DbConnection,
    caller: &Caller,
    actor: &str,
    kind: &str,
    id: &str,
    input: &DecisionInput,
) -> Result<ShiftTrade, ServiceError> {
    super::may_use(caller)?;
    let t = find(conn, kind, id)?;
    require_manager(caller, &t.site_id, Some(&t.ward_id))?;
    expect_status(noun(kind), &t.status, &[ACCEPTED], "approve")?;
    let (mine, theirs, roster) = shifts_of(conn, &t)?;
    // Checked once, by `edit::apply`, against the roster as it is now.
    let Plan { built, remove, add } = plan(conn, kind, &mine, &t.recipient_id, theirs.as_ref(), &roster)?;
    // In words before the shifts change hands.
    let trade = view(conn, t.clone())?;
    let receivers: Vec<String> = add.iter().map(|r| r.staff_id.clone()).collect();
    let receivers: Vec<&str> = receivers.iter().map(String::as_str).collect();
    let change = Change {
        remove,
        add,
        actor,
        action: if kind == SWAP { "swap_approved" } else { "offer_approved" },
        detail: json!({ "request_id": t.id, "requester_id": t.requester_id, "recipient_id": t.recipient_id }),
    };
    edit::apply(conn, &roster, &built, None, &Check::Published { receivers: &receivers }, change)?;
    let note = input.note();
    set_status(conn, &t, APPROVED, Some(actor), note)?;
    let subject = format!("Your {} was approved", noun(kind));
    let for_requester = match &trade.recipient_shift {
        Some(theirs) => format!("You now work {theirs} instead of {}.", trade.shift),
        None => format!("{} now works {}.", trade.recipient_name, trade.shift),
    };
    notify(conn, &t.requester_id, &format!("{kind}_decided"), &subject, &for_requester)?;
    let for_recipient = match &trade.recipient_shift {
        Some(theirs) => format!("You now work {} instead of {theirs}.", trade.shift),
        None => format!("You now work {}.", trade.shift),
    };
    notify(
        conn,
        &t.recipient_id,
        &format!("{kind}_decided"),
        &format!("A {} you accepted was approved", noun(kind)),
        &for_recipient,
    )?;
    get(conn, caller, kind, id)
}

/// Trades waiting for a manager, for the inbox.
pub(crate) fn awaiting_manager(conn: &mut DbConnection) -> Result<Vec<TradeRow>, ServiceError> {
    Ok(shift_trades::table.filter(shift_trades::status.eq(ACCEPTED)).select(TradeRow::as_select()).load(conn)?)
}
