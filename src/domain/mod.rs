//! Types and rules of the product. Nothing here touches the network, the disk or a clock:
//! callers pass "now" in, so every rule is testable without a database.

pub mod email;
pub mod locale;
pub mod money;
pub mod password;
pub mod person;
pub mod role;
pub mod slug;
pub mod throttle;
pub mod time;
