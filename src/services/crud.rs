//! The life cycle every hospital-model resource shares — list, get, create, replace,
//! archive, delete — with the policy, version and existence checks in one place. Each
//! resource supplies only what differs: how to parse its input and how to read and write its
//! rows.

use chrono::NaiveDateTime;
use serde::{de::DeserializeOwned, Serialize};
use utoipa::ToSchema;

use super::policy::{self, Action};
use super::{Caller, Family, ListParams, ListScope, Scope, ServiceError};
use crate::db::DbConnection;

/// Bookkeeping fields every stored record has.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Record {
    pub id: String,
    /// Increases by one on every change; sent as the ETag.
    pub version: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    /// Set when archived: hidden from lists unless `include_archived=true`.
    pub archived_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl Record {
    #[must_use]
    pub fn new(
        id: String,
        version: i64,
        created_at: NaiveDateTime,
        updated_at: NaiveDateTime,
        archived_at: Option<NaiveDateTime>,
    ) -> Self {
        Record {
            id,
            version,
            created_at: created_at.and_utc(),
            updated_at: updated_at.and_utc(),
            archived_at: archived_at.map(|t| t.and_utc()),
        }
    }
}

/// What a write needs to know about the row it writes.
#[derive(Debug, Clone)]
pub struct RowMeta {
    pub id: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Kept across a full replace: PUT does not unarchive.
    pub archived_at: Option<NaiveDateTime>,
}

/// One page of a list.
#[derive(Debug, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `after` to fetch the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// A resource of the hospital model.
pub trait Resource: 'static {
    /// Singular name used in messages ("ward").
    const KIND: &'static str;
    const FAMILY: Family;
    type Input: DeserializeOwned + Send + 'static;
    /// The input after parsing: every field checked, every reference resolved.
    type Valid;
    type Output: Serialize + Send + 'static;

    /// Check the input and resolve references; also says where the record will live.
    fn parse(conn: &mut DbConnection, input: Self::Input) -> Result<(Self::Valid, Scope), ServiceError>;
    fn find(conn: &mut DbConnection, id: &str) -> Result<Option<(Self::Output, Scope)>, ServiceError>;
    fn record(output: &Self::Output) -> &Record;
    fn list(conn: &mut DbConnection, scope: &ListScope, params: &ListParams)
        -> Result<Vec<Self::Output>, ServiceError>;
    fn insert(conn: &mut DbConnection, meta: &RowMeta, valid: &Self::Valid) -> Result<(), ServiceError>;
    /// Write `valid` over the row whose version is `expected`; returns rows changed.
    fn update(
        conn: &mut DbConnection,
        meta: &RowMeta,
        expected: i64,
        valid: &Self::Valid,
    ) -> Result<usize, ServiceError>;
    fn delete(conn: &mut DbConnection, id: &str, expected: i64) -> Result<usize, ServiceError>;
    fn archive(conn: &mut DbConnection, id: &str, expected: i64, now: NaiveDateTime) -> Result<usize, ServiceError>;
}

fn not_found<R: Resource>(id: &str) -> ServiceError {
    ServiceError::NotFound { kind: R::KIND, id: id.to_owned() }
}

fn stale<R: Resource>(id: &str, expected: i64) -> ServiceError {
    ServiceError::PreconditionFailed { kind: R::KIND, id: id.to_owned(), expected }
}

/// Load a record the caller may read; a record they may not see is reported as 403.
pub fn get<R: Resource>(conn: &mut DbConnection, caller: &Caller, id: &str) -> Result<R::Output, ServiceError> {
    policy::require(caller, R::FAMILY, Action::Read)?;
    let (out, scope) = R::find(conn, id)?.ok_or_else(|| not_found::<R>(id))?;
    policy::authorize(caller, R::FAMILY, Action::Read, &scope)?;
    Ok(out)
}

pub fn list<R: Resource>(
    conn: &mut DbConnection,
    caller: &Caller,
    params: &ListParams,
) -> Result<Page<R::Output>, ServiceError> {
    let scope = policy::require(caller, R::FAMILY, Action::Read)?;
    let items = R::list(conn, &scope, params)?;
    let full = i64::try_from(items.len()).unwrap_or(i64::MAX) >= params.limit;
    let next_cursor = if full { items.last().map(|o| R::record(o).id.clone()) } else { None };
    Ok(Page { items, next_cursor })
}

/// 403 unless the caller's role may change some record of this kind: checked before the
/// body is read, so that a role that may never write here learns nothing from a 400.
pub fn may_write<R: Resource>(caller: &Caller) -> Result<(), ServiceError> {
    policy::require(caller, R::FAMILY, Action::Write).map(|_| ())
}

pub fn create<R: Resource>(
    conn: &mut DbConnection,
    caller: &Caller,
    input: R::Input,
) -> Result<R::Output, ServiceError> {
    policy::require(caller, R::FAMILY, Action::Write)?;
    let (valid, scope) = R::parse(conn, input)?;
    policy::authorize(caller, R::FAMILY, Action::Write, &scope)?;
    let now = super::now();
    let meta = RowMeta { id: super::new_id(), version: 1, created_at: now, updated_at: now, archived_at: None };
    R::insert(conn, &meta, &valid)?;
    let (out, _) = R::find(conn, &meta.id)?.ok_or_else(|| not_found::<R>(&meta.id))?;
    Ok(out)
}

/// Load for a write: exists (404), caller may change it (403), version matches (412).
fn load_for_write<R: Resource>(
    conn: &mut DbConnection,
    caller: &Caller,
    id: &str,
    expected: i64,
) -> Result<(R::Output, Scope), ServiceError> {
    policy::require(caller, R::FAMILY, Action::Write)?;
    let (out, scope) = R::find(conn, id)?.ok_or_else(|| not_found::<R>(id))?;
    policy::authorize(caller, R::FAMILY, Action::Write, &scope)?;
    if R::record(&out).version != expected {
        return Err(stale::<R>(id, expected));
    }
    Ok((out, scope))
}

pub fn replace<R: Resource>(
    conn: &mut DbConnection,
    caller: &Caller,
    id: &str,
    expected: i64,
    input: R::Input,
) -> Result<R::Output, ServiceError> {
    let (current, _) = load_for_write::<R>(conn, caller, id, expected)?;
    let (valid, new_scope) = R::parse(conn, input)?;
    // Moving a record out of the caller's reach is a write there too.
    policy::authorize(caller, R::FAMILY, Action::Write, &new_scope)?;
    let record = R::record(&current);
    let meta = RowMeta {
        id: id.to_owned(),
        version: expected + 1,
        created_at: record.created_at.naive_utc(),
        updated_at: super::now(),
        archived_at: record.archived_at.map(|t| t.naive_utc()),
    };
    if R::update(conn, &meta, expected, &valid)? == 0 {
        return Err(stale::<R>(id, expected));
    }
    let (out, _) = R::find(conn, id)?.ok_or_else(|| not_found::<R>(id))?;
    Ok(out)
}

pub fn archive<R: Resource>(
    conn: &mut DbConnection,
    caller: &Caller,
    id: &str,
    expected: i64,
) -> Result<R::Output, ServiceError> {
    load_for_write::<R>(conn, caller, id, expected)?;
    if R::archive(conn, id, expected, super::now())? == 0 {
        return Err(stale::<R>(id, expected));
    }
    let (out, _) = R::find(conn, id)?.ok_or_else(|| not_found::<R>(id))?;
    Ok(out)
}

pub fn delete<R: Resource>(
    conn: &mut DbConnection,
    caller: &Caller,
    id: &str,
    expected: i64,
) -> Result<(), ServiceError> {
    load_for_write::<R>(conn, caller, id, expected)?;
    if R::delete(conn, id, expected)? == 0 {
        return Err(stale::<R>(id, expected));
    }
    Ok(())
}

/// What is identical for every versioned table: the record accessor, and delete and archive
/// guarded by the expected version.
macro_rules! versioned_writes {
    ($table:ident) => {
        fn record(output: &Self::Output) -> &$crate::services::crud::Record {
            &output.record
        }

        fn delete(
            conn: &mut $crate::db::DbConnection,
            id: &str,
            expected: i64,
        ) -> Result<usize, $crate::services::ServiceError> {
            use diesel::prelude::*;
            use $crate::db::schema::$table::dsl as t;
            Ok(diesel::delete(t::$table.filter(t::id.eq(id)).filter(t::version.eq(expected))).execute(conn)?)
        }

        fn archive(
            conn: &mut $crate::db::DbConnection,
            id: &str,
            expected: i64,
            now: chrono::NaiveDateTime,
        ) -> Result<usize, $crate::services::ServiceError> {
            use diesel::prelude::*;
            use $crate::db::schema::$table::dsl as t;
            Ok(diesel::update(t::$table.filter(t::id.eq(id)).filter(t::version.eq(expected)))
                .set((t::archived_at.eq(Some(now)), t::version.eq(expected + 1), t::updated_at.eq(now)))
                .execute(conn)?)
        }
    };
}
pub(crate) use versioned_writes;

/// Insert and guarded update for a table whose whole row is built by `$row_fn(meta, valid)`.
macro_rules! row_writes {
    ($table:ident, $row_fn:expr) => {
        fn insert(
            conn: &mut $crate::db::DbConnection,
            meta: &$crate::services::crud::RowMeta,
            valid: &Self::Valid,
        ) -> Result<(), $crate::services::ServiceError> {
            use diesel::prelude::*;
            diesel::insert_into($crate::db::schema::$table::table).values($row_fn(meta, valid)).execute(conn)?;
            Ok(())
        }

        fn update(
            conn: &mut $crate::db::DbConnection,
            meta: &$crate::services::crud::RowMeta,
            expected: i64,
            valid: &Self::Valid,
        ) -> Result<usize, $crate::services::ServiceError> {
            Ok($crate::services::crud::update_row!(conn, $table, meta, expected, $row_fn(meta, valid))?)
        }
    };
}
pub(crate) use row_writes;

/// `find` for a table owned by a ward or a staff member: the row with its owner's site.
macro_rules! find_with_owner {
    ($table:ident, $row:ty, $owner:ident, $owner_col:ident, $scope_fn:path) => {
        fn find(
            conn: &mut $crate::db::DbConnection,
            id: &str,
        ) -> Result<Option<(Self::Output, $crate::services::Scope)>, $crate::services::ServiceError> {
            use diesel::prelude::*;
            use $crate::db::schema::{$owner, $table};
            let row: Option<($row, String)> = $table::table
                .inner_join($owner::table)
                .filter($table::id.eq(id))
                .select((<$row>::as_select(), $owner::site_id))
                .first(conn)
                .optional()?;
            Ok(row.map(|(r, site)| {
                let scope = $scope_fn(site, &r.$owner_col);
                (r.into(), scope)
            }))
        }
    };
}
pub(crate) use find_with_owner;

/// Guarded full-row update: `$row` replaces the row with id `meta.id` at version `expected`.
macro_rules! update_row {
    ($conn:expr, $table:ident, $meta:expr, $expected:expr, $row:expr) => {{
        use diesel::prelude::*;
        use $crate::db::schema::$table::dsl as t;
        diesel::update(t::$table.filter(t::id.eq(&$meta.id)).filter(t::version.eq($expected))).set(&$row).execute($conn)
    }};
}
pub(crate) use update_row;

/// The list filters every table shares: cursor, `updated_since`, archived, limit, id order.
macro_rules! list_page {
    ($query:expr, $table:ident, $params:expr) => {{
        use $crate::db::schema::$table::dsl as t;
        let mut q = $query;
        if let Some(after) = &$params.after {
            q = q.filter(t::id.gt(after.clone()));
        }
        if let Some(since) = $params.updated_since {
            q = q.filter(t::updated_at.gt(since));
        }
        if !$params.include_archived {
            q = q.filter(t::archived_at.is_null());
        }
        q.order(t::id.asc()).limit($params.limit)
    }};
}
pub(crate) use list_page;
