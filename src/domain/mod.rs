//! Hospital vocabulary as types that parse, so the rest of the code never re-validates.
//! Nothing here knows about HTTP, SQL or SMTP.

pub mod demand;
pub mod enums;
pub mod fields;
pub mod shifts;
pub mod weekdays;

pub use enums::{EmploymentType, TokenRole, UnavailabilityKind, UnavailabilityStatus, UnitType};
pub use fields::{FieldError, FieldErrors};
pub use shifts::{ShiftInstance, ShiftPattern};
pub use weekdays::Weekdays;
