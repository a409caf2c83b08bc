//! Repositories: `repo create` (idempotent convergence), `repo list` and `repo delete`.
//!
//! `settings`, `file`, `request` and `plan` are pure; `create` and `list` are the thin
//! commands; the AWS calls live in `crate::aws::repositories`.

pub mod create;
pub mod delete;
pub mod file;
pub mod kms;
pub mod list;
pub mod plan;
pub mod report;
pub mod request;
pub mod settings;
