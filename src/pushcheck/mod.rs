//! `ecrctl push-check`: every reason a push to ECR fails, checked before pushing, each
//! with its fix. `check` is pure; `probes` gathers evidence; `command` runs and fixes.

pub mod check;
pub mod command;
pub mod permissions;
pub mod probes;
pub mod report;
