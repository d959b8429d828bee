//! Every failure an HTTP client can see, mapped to RFC 9457 problem+json in ONE place.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::FieldError;
use crate::services::ServiceError;

/// RFC 9457 problem details as rota writes them.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// Stable identifier of the kind of problem, e.g. `urn:rota:problem:validation`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Field-level faults for validation problems.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Service(#[from] ServiceError),
    /// The request itself could not be read (body, query, path, headers).
    #[error("{detail}")]
    BadRequest { detail: String, errors: Vec<FieldError> },
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    MethodNotAllowed(String),
}

impl AppError {
    #[must_use]
    pub fn bad_request(detail: impl Into<String>) -> Self {
        AppError::BadRequest { detail: detail.into(), errors: Vec::new() }
    }

    #[must_use]
    pub fn bad_field(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        AppError::BadRequest {
            detail: format!("{field}: {message}"),
            errors: vec![FieldError { field: field.to_owned(), message }],
        }
    }

    fn parts(&self) -> (StatusCode, &'static str, &'static str) {
        match self {
            AppError::BadRequest { .. } => (StatusCode::BAD_REQUEST, "bad-request", "The request could not be read"),
            AppError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized", "Authentication required"),
            AppError::UnsupportedMediaType(_) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type", "Unsupported content type")
            }
            AppError::PayloadTooLarge(_) => {
                (StatusCode::PAYLOAD_TOO_LARGE, "payload-too-large", "Request body too large")
            }
            AppError::NotFound(_) => (StatusCode::NOT_FOUND, "not-found", "Not found"),
            AppError::MethodNotAllowed(_) => {
                (StatusCode::METHOD_NOT_ALLOWED, "method-not-allowed", "Method not allowed")
            }
            AppError::Service(e) => match e {
                ServiceError::Validation(_) => {
                    (StatusCode::UNPROCESSABLE_ENTITY, "validation", "The request has invalid fields")
                }
                ServiceError::NotFound { .. } => (StatusCode::NOT_FOUND, "not-found", "Not found"),
                ServiceError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden", "Not allowed for this token"),
                ServiceError::Conflict(_) => (StatusCode::CONFLICT, "conflict", "Conflicts with stored data"),
                ServiceError::PreconditionFailed { .. } => {
                    (StatusCode::PRECONDITION_FAILED, "stale-version", "The resource has changed")
                }
                ServiceError::PreconditionRequired => {
                    (StatusCode::PRECONDITION_REQUIRED, "if-match-required", "If-Match header required")
                }
                ServiceError::Unavailable(_) => {
                    (StatusCode::SERVICE_UNAVAILABLE, "unavailable", "Service temporarily unavailable")
                }
                ServiceError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal", "Internal error"),
            },
        }
    }

    #[must_use]
    pub fn problem(&self) -> Problem {
        let (status, kind, title) = self.parts();
        let (detail, errors) = match self {
            AppError::Service(ServiceError::Validation(errors)) => (
                errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; "),
                errors.clone(),
            ),
            AppError::BadRequest { detail, errors } => (detail.clone(), errors.clone()),
            // Never leak internals to the client; they are in the log with the request id.
            AppError::Service(ServiceError::Internal(_)) => {
                ("an internal error occurred; it has been logged".to_owned(), vec![])
            }
            other => (other.to_string(), vec![]),
        };
        Problem {
            kind: format!("urn:rota:problem:{kind}"),
            title: title.to_owned(),
            status: status.as_u16(),
            detail,
            errors,
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        self.parts().0
    }

    fn error_response(&self) -> HttpResponse {
        if let AppError::Service(ServiceError::Internal(e)) = self {
            tracing::error!(error = %e, "internal error");
        }
        let problem = self.problem();
        let mut res = HttpResponse::build(self.status_code());
        res.insert_header((header::CONTENT_TYPE, "application/problem+json"));
        if matches!(self, AppError::Unauthorized(_)) {
            res.insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"rota\""));
        }
        res.body(serde_json::to_string(&problem).unwrap_or_default())
    }
}
