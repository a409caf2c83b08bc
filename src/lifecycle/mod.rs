//! Lifecycle policies: `lint` (every ECR constraint), `policy` (typed rules), `images`
//! (describe-images input), `engine` (ECR's evaluation rules) — all pure — and the
//! `preview`, `lint` and `apply` commands.

pub mod engine;
pub mod images;
pub mod lint;
pub mod policy;
pub mod wildcard;

#[cfg(test)]
mod engine_tests;
