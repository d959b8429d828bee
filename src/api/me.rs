//! What a staff member sees of their own: shifts, hours, notifications, calendar feed.

use actix_web::http::header;
use actix_web::{web, HttpResponse};

use super::extract::{Authenticated, LaterJson, Query};
use super::{run, AppState};
use crate::error::AppError;
use crate::services::firstline::{calendar, shifts};
use crate::services::notify::{self, NotificationFilter, Preferences};
use crate::services::ServiceError;

pub async fn shifts(
    Authenticated(caller, _): Authenticated,
    state: web::Data<AppState>,
    Query(window): Query<shifts::Window>,
) -> Result<HttpResponse, AppError> {
    let items = run(&state, move |conn| shifts::my_shifts(conn, &caller, &window)).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "items": items })))
}

pub async fn summary(
    Authenticated(caller, _): Authenticated,
    state: web::Data<AppState>,
    Query(q): Query<shifts::SummaryQuery>,
) -> Result<HttpResponse, AppError> {
    let summary = run(&state, move |conn| shifts::summary(conn, &caller, &q)).await?;
    Ok(HttpResponse::Ok().json(summary))
}

pub async fn notifications(
    Authenticated(caller, _): Authenticated,
    state: web::Data<AppState>,
    Query(filter): Query<NotificationFilter>,
) -> Result<HttpResponse, AppError> {
    let items = run(&state, move |conn| notify::mine(conn, &caller, &filter)).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "items": items })))
}

pub async fn mark_read(
    Authenticated(caller, _): Authenticated,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    run(&state, move |conn| notify::mark_read(conn, &caller, &id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

pub async fn preferences(
    Authenticated(caller, _): Authenticated,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let p = run(&state, move |conn| notify::preferences(conn, &caller)).await?;
    Ok(HttpResponse::Ok().json(p))
}

pub async fn set_preferences(
    Authenticated(caller, _): Authenticated,
    state: web::Data<AppState>,
    body: LaterJson<Preferences>,
) -> Result<HttpResponse, AppError> {
    notify::me(&caller)?;
    let input = body.parse()?;
    let p = run(&state, move |conn| notify::set_preferences(conn, &caller, &input)).await?;
    Ok(HttpResponse::Ok().json(p))
}

/// A new calendar feed URL (the old one stops working).
pub async fn create_calendar_token(
    Authenticated(caller, _): Authenticated,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let feed = run(&state, move |conn| calendar::create(conn, &caller)).await?;
    Ok(HttpResponse::Created().insert_header((header::LOCATION, feed.url.clone())).json(feed))
}

pub async fn revoke_calendar_token(
    Authenticated(caller, _): Authenticated,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    run(&state, move |conn| calendar::revoke(conn, &caller)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The feed itself: the secret in the URL is the only credential (calendar apps send no
/// headers). Unknown and revoked secrets look the same: 404.
pub async fn calendar_feed(state: web::Data<AppState>, token: web::Path<String>) -> Result<HttpResponse, AppError> {
    let body = run(&state, move |conn| calendar::feed(conn, &token)).await?;
    match body {
        Some(ics) => Ok(HttpResponse::Ok()
            .content_type("text/calendar; charset=utf-8")
            .insert_header((header::CACHE_CONTROL, "private, max-age=300"))
            .body(ics)),
        None => Err(AppError::Service(ServiceError::NotFound { kind: "calendar", id: "(this feed)".into() })),
    }
}
