//! Tremplin: civic-tech incubation programmes, end to end.
//!
//! Layers, from the inside out (see ARCHITECTURE.md):
//! - [`domain`]: types and rules, no I/O;
//! - [`store`]: persistence on SQLite or PostgreSQL through one code path;
//! - [`web`]: HTML pages and the JSON API;
//! - [`cli`]: the `tremplin` command.
//!
//! [`i18n`] holds the French and English catalogues, [`mail`] the outbox worker,
//! [`demo`] the demonstration organisation.

// Money literals are written as euros_cents (`500_000_00` is 500,000.00 €).
#![allow(clippy::inconsistent_digit_grouping)]

pub mod accounts;
pub mod app;
pub mod applications;
pub mod attachments;
pub mod cache;
pub mod calls;
pub mod certificates;
pub mod cli;
pub mod config;
pub mod courses;
pub mod decision_messages;
pub mod demo;
pub mod domain;
pub mod error;
pub mod exercises;
pub mod i18n;
pub mod library;
pub mod mail;
pub mod media;
pub mod participants;
pub mod programmes;
pub mod progress;
pub mod quizzes;
pub mod review;
pub mod selection;
pub mod server;
pub mod storage;
pub mod store;
pub mod teams;
pub mod uploads;
pub mod web;
