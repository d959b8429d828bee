//! Use cases. Each function takes a connection (already inside a transaction) and the
//! authenticated caller, checks the policy, validates and persists. No HTTP here.

pub mod auth;
pub mod batch;
pub mod catalogue;
pub mod crud;
pub mod demo;
pub mod firstline;
pub mod generated;
pub mod hospital;
pub mod notify;
pub mod planning;
pub mod policy;
pub mod rostering;
pub mod staffing;

use chrono::{NaiveDate, NaiveDateTime};

use crate::db::DbError;
use crate::domain::FieldError;

pub use crud::{Page, Resource};
pub use policy::{Caller, Family, ListScope, Scope};

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    #[error("{kind} {id} not found")]
    NotFound { kind: &'static str, id: String },
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{kind} {id} has changed since version {expected}; fetch it again")]
    PreconditionFailed { kind: &'static str, id: String, expected: i64 },
    #[error("send If-Match with the ETag from GET to change this resource")]
    PreconditionRequired,
    #[error("{0}")]
    Unavailable(String),
    #[error("{0}")]
    Internal(String),
}

impl ServiceError {
    #[must_use]
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        ServiceError::Validation(vec![FieldError { field: field.to_owned(), message: message.into() }])
    }
}

impl From<Vec<FieldError>> for ServiceError {
    fn from(errors: Vec<FieldError>) -> Self {
        ServiceError::Validation(errors)
    }
}

impl From<diesel::result::Error> for ServiceError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind as K, Error as E};
        match e {
            E::DatabaseError(K::UniqueViolation, info) => {
                ServiceError::Conflict(format!("a record with the same unique key already exists ({})", info.message()))
            }
            E::DatabaseError(K::ForeignKeyViolation, _) => ServiceError::Conflict(
                "still referenced by other records; archive it instead (POST …/archive) or remove those first"
                    .to_owned(),
            ),
            E::DatabaseError(K::SerializationFailure, _) => {
                ServiceError::Unavailable("concurrent update; retry the request".to_owned())
            }
            other => ServiceError::Internal(other.to_string()),
        }
    }
}

impl From<DbError> for ServiceError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::Query(q) => q.into(),
            DbError::Pool(p) => ServiceError::Unavailable(format!("database unavailable: {p}")),
            other => ServiceError::Internal(other.to_string()),
        }
    }
}

/// Common list parameters: cursor pagination and filters.
#[derive(Debug, Clone, Default)]
pub struct ListParams {
    /// Return items whose id sorts after this cursor.
    pub after: Option<String>,
    pub limit: i64,
    pub updated_since: Option<NaiveDateTime>,
    pub include_archived: bool,
    pub site_id: Option<String>,
    pub ward_id: Option<String>,
    pub staff_id: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// Fresh time-ordered identifier for a new record.
#[must_use]
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Now, in UTC, to the microsecond (both backends store microseconds).
#[must_use]
pub fn now() -> NaiveDateTime {
    let t = chrono::Utc::now().naive_utc();
    t - chrono::Duration::nanoseconds(i64::from(t.and_utc().timestamp_subsec_nanos() % 1000))
}
