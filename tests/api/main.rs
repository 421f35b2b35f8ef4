//! The integration suite: every test starts the real server on a random port against a
//! fresh database (SQLite by default; PostgreSQL when TREMPLIN_TEST_BACKEND=postgres) and
//! drives it over HTTP. One test binary keeps link time low.

mod helpers;

mod library;
mod manage;

mod accounts_api;
mod accounts_pages;
mod applications;
mod attachments;
mod bad_input;
mod calls;
mod certificates;
mod cli;
mod courses;
mod crash;
mod e2e_browser;
mod exercises;
mod offline;
mod operations;
mod participants;
mod programmes;
mod quizzes;
mod review;
mod selection;
mod smtp;
mod storage;
mod teams;
mod uploads;
