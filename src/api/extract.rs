//! Request parsing shared by every handler: the bearer token, `If-Match`, JSON bodies and
//! list queries. Each failure becomes a problem+json that names what was wrong.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use chrono::{DateTime, NaiveDate, Utc};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::AppState;
use crate::error::AppError;
use crate::services::{self, Caller, ListParams};

/// The authenticated caller. Missing, malformed, unknown or revoked tokens get 401.
/// The caller and a label naming them in histories and decisions (the token's name and role).
pub struct Authenticated(pub Caller, pub String);

impl FromRequest for Authenticated {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let header = req.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let state =
                state.ok_or_else(|| AppError::Service(services::ServiceError::Internal("no app state".into())))?;
            let header = header.ok_or_else(|| AppError::Unauthorized("send Authorization: Bearer <token>".into()))?;
            let secret = header
                .strip_prefix("Bearer ")
                .or_else(|| header.strip_prefix("bearer "))
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .ok_or_else(|| AppError::Unauthorized("the Authorization header must be 'Bearer <token>'".into()))?
                .to_owned();
            let caller = super::run(&state, move |conn| services::auth::authenticate(conn, &secret)).await?;
            caller
                .map(|(c, label)| Authenticated(c, label))
                .ok_or_else(|| AppError::Unauthorized("unknown or revoked token".into()))
        })
    }
}

/// The version a client last saw, from `If-Match: "3"` (the ETag of a GET).
pub struct IfMatch(pub i64);

impl FromRequest for IfMatch {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let parsed = match req.headers().get(header::IF_MATCH) {
            None => Err(AppError::Service(services::ServiceError::PreconditionRequired)),
            Some(v) => v
                .to_str()
                .ok()
                .map(|s| s.trim().trim_start_matches("W/").trim_matches('"'))
                .and_then(|s| s.parse::<i64>().ok())
                .map(IfMatch)
                .ok_or_else(|| AppError::bad_field("If-Match", "must be an ETag from this API, e.g. \"3\"")),
        };
        std::future::ready(parsed)
    }
}

/// The strong ETag of a version.
#[must_use]
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// A JSON body, parsed with the path of any faulty field reported. Requires
/// `Content-Type: application/json` and respects the configured size limit. What was wrong
/// with the body is only reported when the handler asks for it (`parse`), after its role
/// check, so that a caller whose role may never do the action gets 403 first, not the
/// details of what the body should have looked like.
pub struct LaterJson<T>(Result<T, AppError>);

impl<T> LaterJson<T> {
    /// The parsed body, or the 400/413/415 it earned.
    pub fn parse(self) -> Result<T, AppError> {
        self.0
    }
}

/// Like `LaterJson`, but an empty body is `None` (for actions whose options all have defaults).
pub struct OptionalJson<T>(Result<Option<T>, AppError>);

impl<T> OptionalJson<T> {
    /// The parsed body (`None` when empty), or the 400/413/415 it earned.
    pub fn parse(self) -> Result<Option<T>, AppError> {
        self.0
    }
}

type BodyFuture<T> = Pin<Box<dyn Future<Output = Result<T, AppError>>>>;

/// Read the body (within the limit) and parse it; `None` when it is empty and `allow_empty`.
fn read_json<T: DeserializeOwned + 'static>(
    req: &HttpRequest,
    payload: &mut Payload,
    allow_empty: bool,
) -> BodyFuture<Option<T>> {
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let limit = req.app_data::<web::Data<AppState>>().map_or(256 * 1024, |s| s.max_body_bytes);
    let mut payload = payload.take();
    Box::pin(async move {
        let mut body = web::BytesMut::new();
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(|e| AppError::bad_request(format!("could not read the body: {e}")))?;
            if body.len() + chunk.len() > limit {
                return Err(AppError::PayloadTooLarge(format!("the body may be at most {limit} bytes")));
            }
            body.extend_from_slice(&chunk);
        }
        if allow_empty && body.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        let mime = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        if mime != "application/json" && !mime.ends_with("+json") {
            return Err(AppError::UnsupportedMediaType(format!(
                "send the body as application/json (got '{}')",
                if mime.is_empty() { "nothing" } else { &mime }
            )));
        }
        let de = &mut serde_json::Deserializer::from_slice(&body);
        serde_path_to_error::deserialize(de).map(Some).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let unreadable =
                matches!(inner.classify(), serde_json::error::Category::Syntax | serde_json::error::Category::Eof);
            if unreadable || path == "." || path.is_empty() {
                AppError::bad_field("body", format!("malformed JSON: {inner}"))
            } else {
                AppError::bad_field(&path, inner.to_string())
            }
        })
    })
}

impl<T: DeserializeOwned + 'static> FromRequest for LaterJson<T> {
    type Error = AppError;
    type Future = BodyFuture<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = read_json::<T>(req, payload, false);
        Box::pin(async move {
            let parsed =
                body.await.and_then(|b| b.ok_or_else(|| AppError::bad_field("body", "a JSON body is required")));
            Ok(LaterJson(parsed))
        })
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for OptionalJson<T> {
    type Error = AppError;
    type Future = BodyFuture<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = read_json::<T>(req, payload, true);
        Box::pin(async move { Ok(OptionalJson(body.await)) })
    }
}

/// Query parameters every list accepts.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Cursor: the `next_cursor` of the previous page.
    pub after: Option<String>,
    /// Page size, 1–500 (default 100).
    pub limit: Option<i64>,
    /// Only records changed after this instant (RFC 3339), for incremental sync.
    pub updated_since: Option<DateTime<Utc>>,
    /// Include archived records.
    pub include_archived: Option<bool>,
    pub site_id: Option<String>,
    pub ward_id: Option<String>,
    pub staff_id: Option<String>,
    /// First local date of a date-range filter.
    pub from: Option<NaiveDate>,
    /// Last local date of a date-range filter (inclusive).
    pub to: Option<NaiveDate>,
}

impl ListQuery {
    pub fn into_params(self) -> Result<ListParams, AppError> {
        let limit = self.limit.unwrap_or(100);
        if !(1..=500).contains(&limit) {
            return Err(AppError::bad_field("limit", "must be between 1 and 500"));
        }
        if let (Some(f), Some(t)) = (self.from, self.to) {
            if t < f {
                return Err(AppError::bad_field("to", "must not be before from"));
            }
        }
        Ok(ListParams {
            after: self.after,
            limit,
            updated_since: self.updated_since.map(|t| t.naive_utc()),
            include_archived: self.include_archived.unwrap_or(false),
            site_id: self.site_id,
            ward_id: self.ward_id,
            staff_id: self.staff_id,
            from: self.from,
            to: self.to,
        })
    }
}

/// A required local date range (`from`, `to`).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DateRange {
    /// First local date.
    pub from: NaiveDate,
    /// Last local date (inclusive).
    pub to: NaiveDate,
}

/// Query parameters, parsed with the name of any faulty parameter reported.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(req.query_string().as_bytes()));
        let parsed = serde_path_to_error::deserialize(de).map(Query).map_err(|e| {
            let path = e.path().to_string();
            let message = e.into_inner().to_string();
            let field = if path == "." || path.is_empty() || path == "?" {
                message.split('`').nth(1).unwrap_or("query").to_owned()
            } else {
                path
            };
            AppError::bad_field(&field, message)
        });
        std::future::ready(parsed)
    }
}

/// Path errors (malformed ids) as problem+json (signature fixed by actix).
#[allow(clippy::needless_pass_by_value)]
pub fn path_error(err: actix_web::error::PathError, _req: &HttpRequest) -> actix_web::Error {
    AppError::bad_field("path", err.to_string()).into()
}
