//! Closed vocabularies. Stored as their snake_case names.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parse the stored/wire name; `None` for anything else.
            #[must_use]
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }

            /// Every accepted name, for error messages.
            #[must_use]
            pub fn names() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary! {
    /// The kind of clinical unit a ward is; ratios are set per unit type.
    UnitType {
        Icu => "icu",
        Ed => "ed",
        MedSurg => "med_surg",
        Maternity => "maternity",
        Paediatrics => "paediatrics",
        Theatre => "theatre",
        Other => "other",
    }
}

vocabulary! {
    /// How a person is employed; bank and agency staff usually cost more per hour.
    EmploymentType {
        Permanent => "permanent",
        Bank => "bank",
        Agency => "agency",
    }
}

vocabulary! {
    /// Why someone cannot work.
    UnavailabilityKind {
        AnnualLeave => "annual_leave",
        Sick => "sick",
        Training => "training",
        Parental => "parental",
        Unavailable => "unavailable",
        Other => "other",
    }
}

vocabulary! {
    /// Only approved unavailability binds the solver.
    UnavailabilityStatus {
        Requested => "requested",
        Approved => "approved",
        Declined => "declined",
    }
}

vocabulary! {
    /// What an API token may do; see `services::policy` for the rules.
    TokenRole {
        Admin => "admin",
        Manager => "manager",
        Staff => "staff",
        Integration => "integration",
    }
}
