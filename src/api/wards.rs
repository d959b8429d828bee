//! Views derived from a ward's plan: its concrete shifts and its demand.

use actix_web::{web, HttpResponse};

use super::extract::{Authenticated, DateRange, Query};
use super::{run, AppState};
use crate::error::AppError;
use crate::services::planning;

pub async fn shifts(
    Authenticated(caller): Authenticated,
    state: web::Data<AppState>,
    ward_id: web::Path<String>,
    Query(range): Query<DateRange>,
) -> Result<HttpResponse, AppError> {
    let DateRange { from, to } = range;
    let out = run(&state, move |conn| planning::ward_shifts(conn, &caller, &ward_id, from, to)).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "items": out })))
}

pub async fn demand(
    Authenticated(caller): Authenticated,
    state: web::Data<AppState>,
    ward_id: web::Path<String>,
    Query(range): Query<DateRange>,
) -> Result<HttpResponse, AppError> {
    let DateRange { from, to } = range;
    let out = run(&state, move |conn| planning::ward_demand(conn, &caller, &ward_id, from, to)).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "items": out })))
}
