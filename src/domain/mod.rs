//! Types and rules of the product. Nothing here touches the network, the disk or a clock:
//! callers pass "now" in, so every rule is testable without a database.

pub mod aggregation;
pub mod assignment;
pub mod attachment;
pub mod budget;
pub mod call;
pub mod certificate;
pub mod course;
pub mod eligibility;
pub mod email;
pub mod exercise;
pub mod form;
pub mod indicators;
pub mod locale;
pub mod markdown;
pub mod money;
pub mod notice;
pub mod password;
pub mod peer;
pub mod person;
pub mod programme;
pub mod progress;
pub mod quiz;
pub mod report;
pub mod role;
pub mod rubric;
pub mod search;
pub mod search_index;
pub mod selection;
pub mod slug;
pub mod teams;
pub mod throttle;
pub mod time;
pub mod timeline;
pub mod tus;
pub mod upload;
