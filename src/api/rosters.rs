//! Rosters and their solving jobs.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

use super::extract::{etag, Authenticated, IfMatch, LaterJson, ListQuery, OptionalJson, Query};
use super::{run, AppState};
use crate::error::AppError;
use crate::jobs::{self, Job, SolveParams};
use crate::services::policy::Action;
use crate::services::rostering::edit::{self, AssignmentInput, EditOutcome, MoveInput, SwapInput};
use crate::services::rostering::history;
use crate::services::rostering::repair::{self, CallOutInput};
use crate::services::rostering::{self, solve, AssignmentFilter, RosterInput};
use crate::services::{Caller, ServiceError};

pub async fn create(
    req: HttpRequest,
    Authenticated(caller, actor): Authenticated,
    state: web::Data<AppState>,
    body: LaterJson<RosterInput>,
) -> Result<HttpResponse, AppError> {
    rostering::may_write(&caller)?;
    let input = body.parse()?;
    let roster = run(&state, move |conn| rostering::create(conn, &caller, &actor, input)).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("{}/{}", req.path().trim_end_matches('/'), roster.record.id)))
        .insert_header((header::ETAG, etag(roster.record.version)))
        .json(roster))
}

pub async fn list(
    Authenticated(caller, _): Authenticated,
    state: web::Data<AppState>,
    Query(query): Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let params = query.into_params()?;
    let items = run(&state, move |conn| rostering::list(conn, &caller, &params)).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "items": items })))
}

pub async fn get(
    Authenticated(caller, _): Authenticated,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let roster = run(&state, move |conn| rostering::load(conn, &caller, &id, Action::Read)).await?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(roster.record.version))).json(roster))
}

/// Queue a solve: 202 Accepted with the job's location.
pub async fn solve(
    Authenticated(caller, _): Authenticated,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: OptionalJson<SolveParams>,
) -> Result<HttpResponse, AppError> {
    rostering::may_write(&caller)?;
    let params = body.parse()?.unwrap_or_default();
    if !(1..=3600).contains(&params.time_limit_seconds) {
        return Err(AppError::bad_field("time_limit_seconds", "must be between 1 and 3600"));
    }
    if !(0.0..=1.0).contains(&params.relative_gap) {
        return Err(AppError::bad_field("relative_gap", "must be between 0 and 1"));
    }
    let job = run(&state, move |conn| {
        let roster = rostering::load(conn, &caller, &id, Action::Write)?;
        if roster.status != rostering::DRAFT {
            return Err(ServiceError::Conflict(
                "a published roster never changes: start a new draft from it (POST …/drafts) and solve that".into(),
            ));
        }
        // Refuse at once what the job could only fail on.
        solve::check_solvable(&edit::problem_of(conn, &roster)?)?;
        jobs::enqueue(conn, solve::KIND, Some(&id), &params)
    })
    .await?;
    Ok(HttpResponse::Accepted().insert_header((header::LOCATION, format!("/api/v1/jobs/{}", job.id))).json(job))
}

pub async fn assignments(
    Authenticated(caller, _): Authenticated,
    state: web::Data<AppState>,
    id: web::Path<String>,
    Query(filter): Query<AssignmentFilter>,
) -> Result<HttpResponse, AppError> {
    let items = run(&state, move |conn| rostering::assignments(conn, &caller, &id, &filter)).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "items": items })))
}

pub async fn coverage(
    Authenticated(caller, _): Authenticated,
    state: web::Data<AppState>,
    id: web::Path<String>,
    Query(filter): Query<AssignmentFilter>,
) -> Result<HttpResponse, AppError> {
    let items = run(&state, move |conn| rostering::coverage(conn, &caller, &id, &filter)).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "items": items })))
}

/// A job is visible to whoever may read its roster.
fn job_for(conn: &mut crate::db::DbConnection, caller: &Caller, id: &str, action: Action) -> Result<Job, ServiceError> {
    crate::services::policy::require(caller, crate::services::Family::Roster, action)?;
    let row = jobs::find(conn, id)?;
    match &row.roster_id {
        Some(roster) => {
            rostering::load(conn, caller, roster, action)?;
        }
        None if *caller != Caller::Admin => return Err(ServiceError::Forbidden("only admins see this job".into())),
        None => {}
    }
    Ok(row.into())
}

pub async fn job(
    Authenticated(caller, _): Authenticated,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let job = run(&state, move |conn| job_for(conn, &caller, &id, Action::Read)).await?;
    Ok(HttpResponse::Ok().json(job))
}

pub async fn cancel_job(
    Authenticated(caller, _): Authenticated,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let job = run(&state, move |conn| {
        job_for(conn, &caller, &id, Action::Write)?;
        Ok(Job::from(jobs::cancel(conn, &id)?))
    })
    .await?;
    Ok(HttpResponse::Ok().json(job))
}

pub async fn publish(
    Authenticated(caller, actor): Authenticated,
    state: web::Data<AppState>,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
) -> Result<HttpResponse, AppError> {
    let roster = run(&state, move |conn| rostering::publish(conn, &caller, &actor, &id, version)).await?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(roster.record.version))).json(roster))
}

/// A new draft from a published roster: 201 with its location.
pub async fn new_draft(
    Authenticated(caller, actor): Authenticated,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let roster = run(&state, move |conn| rostering::new_draft(conn, &caller, &actor, &id)).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/rosters/{}", roster.record.id)))
        .insert_header((header::ETAG, etag(roster.record.version)))
        .json(roster))
}

/// Add an assignment to a draft; 422 lists every rule it would break.
pub async fn add_assignment(
    Authenticated(caller, actor): Authenticated,
    state: web::Data<AppState>,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    body: LaterJson<AssignmentInput>,
) -> Result<HttpResponse, AppError> {
    rostering::may_write(&caller)?;
    let input = body.parse()?;
    let outcome = run(&state, move |conn| edit::add(conn, &caller, &actor, &id, version, &input)).await?;
    Ok(HttpResponse::Created().insert_header((header::ETAG, etag(outcome.roster_version))).json(outcome))
}

fn edited(outcome: &EditOutcome) -> HttpResponse {
    HttpResponse::Ok().insert_header((header::ETAG, etag(outcome.roster_version))).json(outcome)
}

pub async fn remove_assignment(
    Authenticated(caller, actor): Authenticated,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    IfMatch(version): IfMatch,
) -> Result<HttpResponse, AppError> {
    let (roster, assignment) = path.into_inner();
    let outcome = run(&state, move |conn| edit::remove(conn, &caller, &actor, &roster, &assignment, version)).await?;
    Ok(edited(&outcome))
}

/// Move an assignment to another person, day or shift.
pub async fn move_assignment(
    Authenticated(caller, actor): Authenticated,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    IfMatch(version): IfMatch,
    body: LaterJson<MoveInput>,
) -> Result<HttpResponse, AppError> {
    rostering::may_write(&caller)?;
    let input = body.parse()?;
    let (roster, assignment) = path.into_inner();
    let outcome =
        run(&state, move |conn| edit::move_assignment(conn, &caller, &actor, &roster, &assignment, version, &input))
            .await?;
    Ok(edited(&outcome))
}

/// Exchange the people of two assignments.
pub async fn swap(
    Authenticated(caller, actor): Authenticated,
    state: web::Data<AppState>,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    body: LaterJson<SwapInput>,
) -> Result<HttpResponse, AppError> {
    rostering::may_write(&caller)?;
    let input = body.parse()?;
    let outcome = run(&state, move |conn| edit::swap(conn, &caller, &actor, &id, version, &input)).await?;
    Ok(edited(&outcome))
}

async fn set_pin(
    Authenticated(caller, actor): Authenticated,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    IfMatch(version): IfMatch,
    pinned: bool,
) -> Result<HttpResponse, AppError> {
    let (roster, assignment) = path.into_inner();
    let outcome =
        run(&state, move |conn| edit::pin(conn, &caller, &actor, &roster, &assignment, version, pinned)).await?;
    Ok(edited(&outcome))
}

/// Pin an assignment: re-solving keeps it.
pub async fn pin(
    who: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    version: IfMatch,
) -> Result<HttpResponse, AppError> {
    set_pin(who, state, path, version, true).await
}

pub async fn unpin(
    who: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    version: IfMatch,
) -> Result<HttpResponse, AppError> {
    set_pin(who, state, path, version, false).await
}

/// Hours against contract, nights and weekends per person, and how evenly they are spread.
pub async fn workload(
    Authenticated(caller, _): Authenticated,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let w = run(&state, move |conn| rostering::workload::workload(conn, &caller, &id)).await?;
    Ok(HttpResponse::Ok().json(w))
}

/// Who changed what on the roster, oldest first.
pub async fn changes(
    Authenticated(caller, _): Authenticated,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let items = run(&state, move |conn| history::list(conn, &caller, &id)).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "items": items })))
}

/// Re-plan after a call-out: 201 with the repair draft and the diff against the published roster.
pub async fn call_out(
    Authenticated(caller, actor): Authenticated,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: LaterJson<CallOutInput>,
) -> Result<HttpResponse, AppError> {
    rostering::may_write(&caller)?;
    let input = body.parse()?;
    let pool = state.pool.clone();
    let repair = web::block(move || repair::call_out(&pool, &caller, &actor, &id, &input))
        .await
        .map_err(|e| ServiceError::Internal(format!("blocking task failed: {e}")))??;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/rosters/{}", repair.draft.record.id)))
        .json(repair))
}
