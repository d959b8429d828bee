//! Staff requests and the manager's side of them: time off, open shifts, swaps, offers, inbox.

use actix_web::http::header;
use actix_web::{web, HttpResponse};

use super::extract::{Authenticated, LaterJson, OptionalJson, Query};
use super::{run, AppState};
use crate::error::AppError;
use crate::services::firstline::inbox::{self, InboxFilter};
use crate::services::firstline::open_shifts::{self, OpenShiftFilter, OpenShiftInput};
use crate::services::firstline::time_off::{self, DecisionInput, RequestFilter, TimeOffInput};
use crate::services::firstline::trades::{self, OfferRequestInput, SwapRequestInput, OFFER, SWAP};
use crate::services::firstline::{may_manage, may_use};
use crate::services::rostering::repair;
use crate::services::ServiceError;

fn created(location: String, body: &impl serde::Serialize) -> HttpResponse {
    HttpResponse::Created().insert_header((header::LOCATION, location)).json(body)
}

fn items(items: &impl serde::Serialize) -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "items": items }))
}

// ---------------------------------------------------------------- time off

pub async fn request_time_off(
    Authenticated(caller, _): Authenticated,
    state: web::Data<AppState>,
    body: LaterJson<TimeOffInput>,
) -> Result<HttpResponse, AppError> {
    may_use(&caller)?;
    let input = body.parse()?;
    let r = run(&state, move |conn| time_off::request(conn, &caller, &input)).await?;
    Ok(created(format!("/api/v1/time-off-requests/{}", r.id), &r))
}

pub async fn list_time_off(
    Authenticated(caller, _): Authenticated,
    state: web::Data<AppState>,
    Query(f): Query<RequestFilter>,
) -> Result<HttpResponse, AppError> {
    Ok(items(&run(&state, move |conn| time_off::list(conn, &caller, &f)).await?))
}

pub async fn get_time_off(
    Authenticated(caller, _): Authenticated,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(run(&state, move |conn| time_off::get(conn, &caller, &id)).await?))
}

async fn decide_time_off(
    Authenticated(caller, actor): Authenticated,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: OptionalJson<DecisionInput>,
    approve: bool,
) -> Result<HttpResponse, AppError> {
    may_manage(&caller)?;
    let input = body.parse()?.unwrap_or_default();
    let r = run(&state, move |conn| time_off::decide(conn, &caller, &actor, &id, approve, &input)).await?;
    Ok(HttpResponse::Ok().json(r))
}

pub async fn approve_time_off(
    who: Authenticated,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: OptionalJson<DecisionInput>,
) -> Result<HttpResponse, AppError> {
    decide_time_off(who, state, id, body, true).await
}

pub async fn decline_time_off(
    who: Authenticated,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: OptionalJson<DecisionInput>,
) -> Result<HttpResponse, AppError> {
    decide_time_off(who, state, id, body, false).await
}

pub async fn cancel_time_off(
    Authenticated(caller, _): Authenticated,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(run(&state, move |conn| time_off::cancel(conn, &caller, &id)).await?))
}

/// Re-plan every published roster the approved leave collides with (call-out repair): 201 with
/// one repair draft per roster, for the manager to check and publish.
pub async fn replan_time_off(
    Authenticated(caller, actor): Authenticated,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let who = caller.clone();
    let plans = run(&state, move |conn| time_off::replan_inputs(conn, &who, &id)).await?;
    let pool = state.pool.clone();
    let repairs = web::block(move || {
        plans
            .iter()
            .map(|(roster, input)| repair::call_out(&pool, &caller, &actor, roster, input))
            .collect::<Result<Vec<_>, ServiceError>>()
    })
    .await
    .map_err(|e| ServiceError::Internal(format!("blocking task failed: {e}")))??;
    Ok(HttpResponse::Created().json(serde_json::json!({ "items": repairs })))
}

// ---------------------------------------------------------------- open shifts

pub async fn create_open_shift(
    Authenticated(caller, _): Authenticated,
    state: web::Data<AppState>,
    body: LaterJson<OpenShiftInput>,
) -> Result<HttpResponse, AppError> {
    may_manage(&caller)?;
    let input = body.parse()?;
    let shift = run(&state, move |conn| open_shifts::create(conn, &caller, &input)).await?;
    Ok(created(format!("/api/v1/open-shifts/{}", shift.id), &shift))
}

/// Post a published roster's shortfalls as open shifts.
pub async fn open_shifts_from_roster(
    Authenticated(caller, _): Authenticated,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let posted = run(&state, move |conn| open_shifts::from_uncovered(conn, &caller, &id)).await?;
    Ok(HttpResponse::Created().json(serde_json::json!({ "items": posted })))
}

pub async fn list_open_shifts(
    Authenticated(caller, _): Authenticated,
    state: web::Data<AppState>,
    Query(f): Query<OpenShiftFilter>,
) -> Result<HttpResponse, AppError> {
    Ok(items(&run(&state, move |conn| open_shifts::list(conn, &caller, &f)).await?))
}

pub async fn get_open_shift(
    Authenticated(caller, _): Authenticated,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(run(&state, move |conn| open_shifts::get(conn, &caller, &id)).await?))
}

/// Ask for a place on an open shift.
pub async fn claim_open_shift(
    Authenticated(caller, _): Authenticated,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let shift_id = id.clone();
    let claim = run(&state, move |conn| open_shifts::claim(conn, &caller, &id)).await?;
    Ok(created(format!("/api/v1/open-shifts/{shift_id}/requests/{}", claim.id), &claim))
}

pub async fn list_claims(
    Authenticated(caller, _): Authenticated,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    Ok(items(&run(&state, move |conn| open_shifts::claims(conn, &caller, &id)).await?))
}

async fn decide_claim(
    Authenticated(caller, actor): Authenticated,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    body: OptionalJson<DecisionInput>,
    approve: bool,
) -> Result<HttpResponse, AppError> {
    let (shift, claim) = path.into_inner();
    may_manage(&caller)?;
    let input = body.parse()?.unwrap_or_default();
    let r =
        run(&state, move |conn| open_shifts::decide(conn, &caller, &actor, &shift, &claim, approve, &input)).await?;
    Ok(HttpResponse::Ok().json(r))
}

pub async fn approve_claim(
    who: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    body: OptionalJson<DecisionInput>,
) -> Result<HttpResponse, AppError> {
    decide_claim(who, state, path, body, true).await
}

pub async fn decline_claim(
    who: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    body: OptionalJson<DecisionInput>,
) -> Result<HttpResponse, AppError> {
    decide_claim(who, state, path, body, false).await
}

pub async fn withdraw_claim(
    Authenticated(caller, _): Authenticated,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (shift, claim) = path.into_inner();
    Ok(HttpResponse::Ok().json(run(&state, move |conn| open_shifts::withdraw(conn, &caller, &shift, &claim)).await?))
}

// ---------------------------------------------------------------- swaps and offers

/// Which collection a trade route serves.
fn kind_of(collection: &str) -> &'static str {
    if collection == "swap-requests" {
        SWAP
    } else {
        OFFER
    }
}

pub async fn request_swap(
    Authenticated(caller, _): Authenticated,
    state: web::Data<AppState>,
    body: LaterJson<SwapRequestInput>,
) -> Result<HttpResponse, AppError> {
    may_use(&caller)?;
    let input = body.parse()?;
    let t = run(&state, move |conn| trades::request_swap(conn, &caller, &input)).await?;
    Ok(created(format!("/api/v1/swap-requests/{}", t.id), &t))
}

pub async fn request_offer(
    Authenticated(caller, _): Authenticated,
    state: web::Data<AppState>,
    body: LaterJson<OfferRequestInput>,
) -> Result<HttpResponse, AppError> {
    may_use(&caller)?;
    let input = body.parse()?;
    let t = run(&state, move |conn| trades::request_offer(conn, &caller, &input)).await?;
    Ok(created(format!("/api/v1/offer-requests/{}", t.id), &t))
}

pub async fn list_trades(
    Authenticated(caller, _): Authenticated,
    state: web::Data<AppState>,
    collection: web::Path<String>,
    Query(f): Query<RequestFilter>,
) -> Result<HttpResponse, AppError> {
    let kind = kind_of(&collection);
    Ok(items(&run(&state, move |conn| trades::list(conn, &caller, kind, &f)).await?))
}

pub async fn get_trade(
    Authenticated(caller, _): Authenticated,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (collection, id) = path.into_inner();
    let kind = kind_of(&collection);
    Ok(HttpResponse::Ok().json(run(&state, move |conn| trades::get(conn, &caller, kind, &id)).await?))
}

/// accept, decline, cancel or approve.
pub async fn act_on_trade(
    Authenticated(caller, actor): Authenticated,
    state: web::Data<AppState>,
    path: web::Path<(String, String, String)>,
    body: OptionalJson<DecisionInput>,
) -> Result<HttpResponse, AppError> {
    let (collection, id, action) = path.into_inner();
    let kind = kind_of(&collection);
    // approving is the manager's step; the others are the requester's or the recipient's
    if action == "approve" {
        may_manage(&caller)?;
    } else {
        may_use(&caller)?;
    }
    let input = body.parse()?.unwrap_or_default();
    let t = run(&state, move |conn| match action.as_str() {
        "accept" => trades::accept(conn, &caller, kind, &id),
        "decline" => trades::decline(conn, &caller, &actor, kind, &id, &input),
        "cancel" => trades::cancel(conn, &caller, kind, &id),
        "approve" => trades::approve(conn, &caller, &actor, kind, &id, &input),
        other => Err(ServiceError::NotFound { kind: "action", id: other.to_owned() }),
    })
    .await?;
    Ok(HttpResponse::Ok().json(t))
}

// ---------------------------------------------------------------- inbox

pub async fn manager_inbox(
    Authenticated(caller, _): Authenticated,
    state: web::Data<AppState>,
    Query(f): Query<InboxFilter>,
) -> Result<HttpResponse, AppError> {
    Ok(items(&run(&state, move |conn| inbox::inbox(conn, &caller, &f)).await?))
}
