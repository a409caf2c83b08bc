//! `ecrctl pull-check`: why a pod, task or function cannot pull an image, each reason with
//! its fix. `check` holds the finding type; `engine` (reference, platform, region) and
//! `access` (IAM and the repository policy, through `crate::iam`) are pure, as is
//! `network` (the `--vpc` part); `command` gathers evidence, runs them and applies `--fix`.

pub mod access;
pub mod check;
pub mod command;
pub mod engine;
pub mod network;
pub mod report;
pub mod vpc;
