//! End-to-end tests: the real `ecrctl` binary against real stand-ins for ECR (moto and
//! the CNCF distribution registry), checked with independent clients (boto3, skopeo).

mod cli;
mod client;
mod exit_codes;
mod faults;
mod generated;
mod harness;
mod help;
mod images;
mod lifecycle;
mod login;
mod migrate;
mod push_check;
mod registry;
mod repo_create;
mod scan;
mod secrets;
mod snapshots;
