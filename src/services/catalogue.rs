//! The organisation's catalogues: roles (RN, HCA, charge nurse, …) and skills (ALS,
//! paediatric, chemotherapy, …). Both are a code and a name; one macro defines both.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::crud::{list_page, row_writes, versioned_writes, Record, Resource, RowMeta};
use super::{Family, ListParams, ListScope, Scope, ServiceError};
use crate::db::models::{RoleRow, SkillRow};
use crate::db::DbConnection;
use crate::domain::FieldErrors;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogueInput {
    /// Unique short code, e.g. `RN` or `ALS`.
    #[schema(pattern = r"^[A-Za-z0-9_-]{1,32}$")]
    pub code: String,
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
}

/// A role or a skill.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogueEntry {
    #[serde(flatten)]
    pub record: Record,
    pub code: String,
    pub name: String,
}

pub struct ValidEntry {
    code: String,
    name: String,
}

macro_rules! catalogue {
    ($resource:ident, $table:ident, $row:ident, $kind:literal) => {
        pub struct $resource;

        impl Resource for $resource {
            const KIND: &'static str = $kind;
            const FAMILY: Family = Family::Catalogue;
            type Input = CatalogueInput;
            type Valid = ValidEntry;
            type Output = CatalogueEntry;

            fn parse(_conn: &mut DbConnection, input: CatalogueInput) -> Result<(ValidEntry, Scope), ServiceError> {
                let mut e = FieldErrors::new();
                let code = e.code("code", &input.code);
                let name = e.text("name", &input.name);
                Ok((e.finish(ValidEntry { code, name })?, Scope::default()))
            }

            fn find(conn: &mut DbConnection, id: &str) -> Result<Option<(CatalogueEntry, Scope)>, ServiceError> {
                use crate::db::schema::$table::dsl as t;
                let row: Option<$row> = t::$table.find(id).select($row::as_select()).first(conn).optional()?;
                Ok(row.map(|r| {
                    let out = CatalogueEntry {
                        record: Record::new(r.id, r.version, r.created_at, r.updated_at, r.archived_at),
                        code: r.code,
                        name: r.name,
                    };
                    (out, Scope::default())
                }))
            }

            fn list(
                conn: &mut DbConnection,
                scope: &ListScope,
                p: &ListParams,
            ) -> Result<Vec<CatalogueEntry>, ServiceError> {
                use crate::db::schema::$table::dsl as t;
                if *scope == ListScope::Nothing {
                    return Ok(vec![]);
                }
                let q = t::$table.select($row::as_select()).into_boxed();
                let rows: Vec<$row> = list_page!(q, $table, p).load(conn)?;
                Ok(rows
                    .into_iter()
                    .map(|r| CatalogueEntry {
                        record: Record::new(r.id, r.version, r.created_at, r.updated_at, r.archived_at),
                        code: r.code,
                        name: r.name,
                    })
                    .collect())
            }

            versioned_writes!($table);
            row_writes!($table, row_of::<$row>);
        }

        impl From<(&RowMeta, &ValidEntry)> for $row {
            fn from((m, v): (&RowMeta, &ValidEntry)) -> Self {
                $row {
                    id: m.id.clone(),
                    code: v.code.clone(),
                    name: v.name.clone(),
                    version: m.version,
                    created_at: m.created_at,
                    updated_at: m.updated_at,
                    archived_at: m.archived_at,
                }
            }
        }
    };
}

fn row_of<'a, R: From<(&'a RowMeta, &'a ValidEntry)>>(m: &'a RowMeta, v: &'a ValidEntry) -> R {
    R::from((m, v))
}

catalogue!(Roles, roles, RoleRow, "role");
catalogue!(Skills, skills, SkillRow, "skill");
