//! The CRUD handlers, generic over `services::Resource`: parse → call one service → answer.

use actix_web::http::header;
use actix_web::{web, HttpResponse};

use super::extract::{etag, Authenticated, IfMatch, LaterJson, ListQuery, Query};
use super::{run, AppState};
use crate::error::AppError;
use crate::services::crud::{self, Resource};

fn with_etag<R: Resource>(mut res: actix_web::HttpResponseBuilder, out: &R::Output) -> HttpResponse {
    res.insert_header((header::ETAG, etag(R::record(out).version))).json(out)
}

pub async fn list<R: Resource>(
    Authenticated(caller, _): Authenticated,
    state: web::Data<AppState>,
    query: Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let params = query.0.into_params()?;
    let page = run(&state, move |conn| crud::list::<R>(conn, &caller, &params)).await?;
    Ok(HttpResponse::Ok().json(page))
}

pub async fn get<R: Resource>(
    Authenticated(caller, _): Authenticated,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let out = run(&state, move |conn| crud::get::<R>(conn, &caller, &id)).await?;
    Ok(with_etag::<R>(HttpResponse::Ok(), &out))
}

pub async fn create<R: Resource>(
    req: actix_web::HttpRequest,
    Authenticated(caller, _): Authenticated,
    state: web::Data<AppState>,
    body: LaterJson<R::Input>,
) -> Result<HttpResponse, AppError> {
    crud::may_write::<R>(&caller)?;
    let input = body.parse()?;
    let out = run(&state, move |conn| crud::create::<R>(conn, &caller, input)).await?;
    let location = format!("{}/{}", req.path().trim_end_matches('/'), R::record(&out).id);
    let mut res = HttpResponse::Created();
    res.insert_header((header::LOCATION, location));
    Ok(with_etag::<R>(res, &out))
}

pub async fn replace<R: Resource>(
    Authenticated(caller, _): Authenticated,
    state: web::Data<AppState>,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    body: LaterJson<R::Input>,
) -> Result<HttpResponse, AppError> {
    crud::may_write::<R>(&caller)?;
    let input = body.parse()?;
    let out = run(&state, move |conn| crud::replace::<R>(conn, &caller, &id, version, input)).await?;
    Ok(with_etag::<R>(HttpResponse::Ok(), &out))
}

pub async fn archive<R: Resource>(
    Authenticated(caller, _): Authenticated,
    state: web::Data<AppState>,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
) -> Result<HttpResponse, AppError> {
    let out = run(&state, move |conn| crud::archive::<R>(conn, &caller, &id, version)).await?;
    Ok(with_etag::<R>(HttpResponse::Ok(), &out))
}

pub async fn delete<R: Resource>(
    Authenticated(caller, _): Authenticated,
    state: web::Data<AppState>,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
) -> Result<HttpResponse, AppError> {
    run(&state, move |conn| crud::delete::<R>(conn, &caller, &id, version)).await?;
    Ok(HttpResponse::NoContent().finish())
}
