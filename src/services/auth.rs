//! Bearer API tokens. The secret is shown once at creation; only its SHA-256 is stored, so a
//! leaked database does not leak working tokens.

use base64::Engine;
use diesel::prelude::*;
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::{Caller, ServiceError};
use crate::db::models::ApiTokenRow;
use crate::db::schema::{api_tokens, sites, staff, wards};
use crate::db::DbConnection;
use crate::domain::TokenRole;

const PREFIX: &str = "rota_";

#[must_use]
pub fn hash_token(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// 256 random bits, URL-safe.
#[must_use]
pub fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// What `rota token create` asks for. Sites, wards and staff are named by code / employee
/// number, as a manager would.
#[derive(Debug, Clone)]
pub struct TokenRequest {
    pub role: TokenRole,
    pub name: String,
    pub site_code: Option<String>,
    pub ward_code: Option<String>,
    pub employee_number: Option<String>,
}

/// A freshly minted token: the secret is not stored anywhere.
#[derive(Debug)]
pub struct IssuedToken {
    pub id: String,
    pub secret: String,
}

fn bad(message: impl Into<String>) -> ServiceError {
    ServiceError::Validation(vec![crate::domain::FieldError { field: "token".to_owned(), message: message.into() }])
}

/// Create a token after checking that its scope makes sense for its role.
pub fn issue(conn: &mut DbConnection, req: &TokenRequest) -> Result<IssuedToken, ServiceError> {
    let site_id: Option<String> = match &req.site_code {
        Some(code) => Some(
            sites::table
                .filter(sites::code.eq(code))
                .select(sites::id)
                .first(conn)
                .optional()?
                .ok_or_else(|| bad(format!("no site with code {code}")))?,
        ),
        None => None,
    };
    let ward_id: Option<String> = match &req.ward_code {
        Some(code) => {
            let site = site_id.as_ref().ok_or_else(|| bad("--ward needs --site (ward codes are unique per site)"))?;
            Some(
                wards::table
                    .filter(wards::site_id.eq(site))
                    .filter(wards::code.eq(code))
                    .select(wards::id)
                    .first(conn)
                    .optional()?
                    .ok_or_else(|| bad(format!("no ward {code} on that site")))?,
            )
        }
        None => None,
    };
    let staff_row: Option<(String, String)> = match &req.employee_number {
        Some(number) => Some(
            staff::table
                .filter(staff::employee_number.eq(number))
                .select((staff::id, staff::site_id))
                .first(conn)
                .optional()?
                .ok_or_else(|| bad(format!("no staff member with employee number {number}")))?,
        ),
        None => None,
    };
    let (site_id, staff_id) = match req.role {
        TokenRole::Admin | TokenRole::Integration => {
            if site_id.is_some() || staff_row.is_some() {
                return Err(bad(format!("a {} token is not scoped: drop --site/--ward/--staff", req.role)));
            }
            (None, None)
        }
        TokenRole::Manager => {
            if site_id.is_none() {
                return Err(bad("a manager token needs --site (and optionally --ward)"));
            }
            (site_id, None)
        }
        TokenRole::Staff => {
            let (staff_id, staff_site) = staff_row.ok_or_else(|| bad("a staff token needs --staff EMPLOYEE_NUMBER"))?;
            (Some(staff_site), Some(staff_id))
        }
    };
    let secret = format!("{PREFIX}{}", random_secret());
    let row = ApiTokenRow {
        id: super::new_id(),
        name: req.name.clone(),
        token_hash: hash_token(&secret),
        role: req.role.as_str().to_owned(),
        site_id,
        ward_id,
        staff_id,
        created_at: super::now(),
        revoked_at: None,
    };
    diesel::insert_into(api_tokens::table).values(&row).execute(conn)?;
    Ok(IssuedToken { id: row.id, secret })
}

/// Resolve a presented secret to the caller and a label for histories ("name (role)");
/// `None` for unknown or revoked tokens.
pub fn authenticate(conn: &mut DbConnection, secret: &str) -> Result<Option<(Caller, String)>, ServiceError> {
    if !secret.starts_with(PREFIX) {
        return Ok(None);
    }
    let row: Option<ApiTokenRow> = api_tokens::table
        .filter(api_tokens::token_hash.eq(hash_token(secret)))
        .filter(api_tokens::revoked_at.is_null())
        .select(ApiTokenRow::as_select())
        .first(conn)
        .optional()?;
    let Some(row) = row else { return Ok(None) };
    let caller = match TokenRole::parse(&row.role) {
        Some(TokenRole::Admin) => Caller::Admin,
        Some(TokenRole::Integration) => Caller::Integration,
        Some(TokenRole::Manager) => match row.site_id {
            Some(site_id) => Caller::Manager { site_id, ward_id: row.ward_id },
            None => return Ok(None),
        },
        Some(TokenRole::Staff) => match (row.staff_id, row.site_id) {
            (Some(staff_id), Some(site_id)) => Caller::Staff { staff_id, site_id },
            _ => return Ok(None),
        },
        None => return Ok(None),
    };
    Ok(Some((caller, format!("{} ({})", row.name, row.role))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_stored_as_sha256_hex() {
        assert_eq!(hash_token("rota_x").len(), 64);
        assert_ne!(hash_token("rota_x"), hash_token("rota_y"));
    }
}
