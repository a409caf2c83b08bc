//! `ecrctl pull-check`: why a pod, task or function cannot pull an image, each reason with
//! its fix. `check` holds the finding type; `engine` (reference, platform, region) and
//! `access` (IAM and the repository policy, through `crate::iam`) are pure, as is
//! `network` (the `--vpc` part); `command` gathers evidence, runs them and applies `--fix`.

pub mod access;
pub mod check;
pub mod command;
pub mod engine;
// `--vpc` (network, vpc) is wired into the command by the h16-net branch.
#[allow(dead_code)]
pub mod network;
pub mod report;
#[allow(dead_code)]
pub mod vpc;
