//! Who may do what. Every resource belongs to a family; this table is the one place where
//! roles meet families. A manager sees and changes only their site (or ward); a staff member
//! reads only what concerns them; an integration feeds data (staff, credentials, leave,
//! census) but does not reshape the hospital.

use crate::domain::TokenRole;

use super::ServiceError;

/// The authenticated caller, as resolved from the bearer token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    Admin,
    /// A manager of a whole site, or of one ward on it.
    Manager {
        site_id: String,
        ward_id: Option<String>,
    },
    /// A staff member acting for themselves.
    Staff {
        staff_id: String,
        site_id: String,
    },
    /// A service account (EHR census feed, HR import).
    Integration,
}

impl Caller {
    #[must_use]
    pub fn role(&self) -> TokenRole {
        match self {
            Caller::Admin => TokenRole::Admin,
            Caller::Manager { .. } => TokenRole::Manager,
            Caller::Staff { .. } => TokenRole::Staff,
            Caller::Integration => TokenRole::Integration,
        }
    }
}

/// Groups of resources that share an access rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Roles and skills: the organisation's catalogues.
    Catalogue,
    Site,
    Ward,
    /// Nurse-to-patient ratios, set per site.
    Ratio,
    /// Shift templates: shift times everyone on the site needs to know.
    ShiftTemplate,
    /// Staffing requirements: the manager's plan for a ward.
    Requirement,
    Census,
    Staff,
    /// Records owned by one staff member: credentials, unavailability.
    StaffRecord,
    /// Rosters and their solving jobs; drafts are for managers only.
    Roster,
    /// Staff requests (time off, open shifts, swaps, offers): the requester reads their own,
    /// managers of the ward decide.
    Request,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Read,
    Write,
}

/// Where one record lives.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    pub site_id: String,
    pub ward_id: Option<String>,
    pub staff_id: Option<String>,
}

/// The records a caller may touch in one family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListScope {
    All,
    Site(String),
    Ward { site_id: String, ward_id: String },
    Staff { staff_id: String },
    Nothing,
}

impl ListScope {
    #[must_use]
    pub fn admits(&self, scope: &Scope) -> bool {
        match self {
            ListScope::All => true,
            ListScope::Site(site) => scope.site_id == *site,
            ListScope::Ward { site_id, ward_id } => {
                scope.site_id == *site_id && scope.ward_id.as_deref() == Some(ward_id.as_str())
            }
            ListScope::Staff { staff_id } => scope.staff_id.as_deref() == Some(staff_id.as_str()),
            ListScope::Nothing => false,
        }
    }
}

/// The rule table.
#[must_use]
pub fn scope_for(caller: &Caller, family: Family, action: Action) -> ListScope {
    use Action::{Read, Write};
    use Family as F;
    match caller {
        Caller::Admin => ListScope::All,
        Caller::Integration => match (family, action) {
            (F::Roster | F::Request, _) => ListScope::Nothing,
            (_, Read) | (F::Staff | F::StaffRecord | F::Census, Write) => ListScope::All,
            _ => ListScope::Nothing,
        },
        Caller::Manager { site_id, ward_id } => {
            let site = ListScope::Site(site_id.clone());
            let own = match ward_id {
                Some(w) => ListScope::Ward { site_id: site_id.clone(), ward_id: w.clone() },
                None => site.clone(),
            };
            let site_manager_only = if ward_id.is_none() { site.clone() } else { ListScope::Nothing };
            match (family, action) {
                (F::Catalogue, Read) => ListScope::All,
                (F::Site | F::Ward | F::Ratio | F::Staff | F::StaffRecord, Read) => site,
                (F::ShiftTemplate | F::Requirement | F::Census | F::Roster | F::Request, _) => own,
                (F::Ward | F::Ratio | F::Staff, Write) => site_manager_only,
                (F::StaffRecord, Write) => site,
                (F::Catalogue | F::Site, Write) => ListScope::Nothing,
            }
        }
        Caller::Staff { staff_id, site_id } => match (family, action) {
            (F::Catalogue, Read) => ListScope::All,
            (F::Site | F::Ward | F::ShiftTemplate, Read) => ListScope::Site(site_id.clone()),
            (F::Staff | F::StaffRecord, Read) | (F::Request, _) => ListScope::Staff { staff_id: staff_id.clone() },
            _ => ListScope::Nothing,
        },
    }
}

/// The caller's scope for `family`, or 403 if they may not touch it at all.
pub fn require(caller: &Caller, family: Family, action: Action) -> Result<ListScope, ServiceError> {
    match scope_for(caller, family, action) {
        ListScope::Nothing => Err(forbidden(caller, family, action)),
        scope => Ok(scope),
    }
}

/// 403 unless the caller may do `action` on a record in `scope`.
pub fn authorize(caller: &Caller, family: Family, action: Action, scope: &Scope) -> Result<(), ServiceError> {
    if require(caller, family, action)?.admits(scope) {
        Ok(())
    } else {
        Err(forbidden(caller, family, action))
    }
}

fn forbidden(caller: &Caller, family: Family, action: Action) -> ServiceError {
    let verb = match action {
        Action::Read => "read",
        Action::Write => "change",
    };
    ServiceError::Forbidden(format!("a {} token may not {verb} this {family:?} record", caller.role()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ward_scope(site: &str, ward: &str) -> Scope {
        Scope { site_id: site.into(), ward_id: Some(ward.into()), staff_id: None }
    }

    #[test]
    fn a_ward_manager_changes_only_their_own_ward_plan() {
        let m = Caller::Manager { site_id: "s".into(), ward_id: Some("w".into()) };
        assert!(authorize(&m, Family::ShiftTemplate, Action::Write, &ward_scope("s", "w")).is_ok());
        assert!(authorize(&m, Family::ShiftTemplate, Action::Write, &ward_scope("s", "x")).is_err());
        assert!(authorize(&m, Family::Ward, Action::Write, &ward_scope("s", "w")).is_err());
    }

    #[test]
    fn staff_read_their_own_records_only() {
        let s = Caller::Staff { staff_id: "me".into(), site_id: "s".into() };
        let mine = Scope { site_id: "s".into(), ward_id: None, staff_id: Some("me".into()) };
        let theirs = Scope { site_id: "s".into(), ward_id: None, staff_id: Some("you".into()) };
        assert!(authorize(&s, Family::StaffRecord, Action::Read, &mine).is_ok());
        assert!(authorize(&s, Family::StaffRecord, Action::Read, &theirs).is_err());
        assert!(authorize(&s, Family::StaffRecord, Action::Write, &mine).is_err());
        assert!(require(&s, Family::Census, Action::Read).is_err());
    }
}
