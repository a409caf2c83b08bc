//! End-to-end tests: the real `ecrctl` binary against real stand-ins for ECR (moto and
//! the CNCF distribution registry), checked with independent clients (boto3, skopeo).

// Tests call libc on their own child processes (signals, PR_SET_PDEATHSIG, uid switches).
#![allow(unsafe_code)]
// Tests may print what they skip or measure.
#![allow(clippy::print_stderr, clippy::print_stdout)]

mod bounded;
mod cli;
mod client;
mod exit_codes;
mod faults;
mod files;
mod generated;
mod harness;
mod help;
mod hostile;
mod iam_checks;
mod images;
mod inputs;
mod layers;
mod lifecycle;
mod lifecycle_data;
mod lifecycle_fleet;
mod lifecycle_guard;
mod lifecycle_inuse;
mod lifecycle_review;
mod login;
mod login_identity;
mod login_logout;
mod migrate;
mod migrate_content;
mod migrate_faults;
mod migrate_hosts;
mod migrate_mjournal;
mod migrate_msafe;
mod pull_check_vpc;
mod pullcheck;
mod push_check;
mod push_check_targets;
mod registry;
mod repo_aliases;
mod repo_copy;
mod repo_create;
mod repo_delete;
mod repo_unreadable;
mod sarif;
mod scan;
mod secrets;
mod slow;
mod snapshots;
