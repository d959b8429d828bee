//! Views derived from a ward's plan: its concrete shifts and its demand.

use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use serde::Serialize;

use super::extract::{Authenticated, DateRange, Query};
use super::{run, AppState};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::services::{planning, Caller, ServiceError};

/// A service that lists something about one ward over a range of local dates.
type WardView<T> = fn(&mut DbConnection, &Caller, &str, NaiveDate, NaiveDate) -> Result<Vec<T>, ServiceError>;

async fn ward_view<T: Serialize + Send + 'static>(
    caller: Caller,
    state: &AppState,
    ward_id: String,
    range: DateRange,
    view: WardView<T>,
) -> Result<HttpResponse, AppError> {
    let out = run(state, move |conn| view(conn, &caller, &ward_id, range.from, range.to)).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "items": out })))
}

pub async fn shifts(
    Authenticated(caller, _): Authenticated,
    state: web::Data<AppState>,
    ward_id: web::Path<String>,
    Query(range): Query<DateRange>,
) -> Result<HttpResponse, AppError> {
    ward_view(caller, &state, ward_id.into_inner(), range, planning::ward_shifts).await
}

pub async fn demand(
    Authenticated(caller, _): Authenticated,
    state: web::Data<AppState>,
    ward_id: web::Path<String>,
    Query(range): Query<DateRange>,
) -> Result<HttpResponse, AppError> {
    ward_view(caller, &state, ward_id.into_inner(), range, planning::ward_demand).await
}
