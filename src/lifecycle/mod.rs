//! Lifecycle policies. Pure: `lint` (every ECR constraint), `policy` (typed rules),
//! `images` (describe-images input), `engine` (ECR's evaluation rules), `protect`
//! (what must survive), `report`. Commands: `preview`, `lint_cmd`, `apply`, `snapshot`
//! (describe-images JSON with archived images and index children), reading
//! their inputs through `inputs`.

pub mod apply;
pub mod engine;
pub mod fleet;
pub mod guard;
pub mod horizon;
pub mod images;
pub mod in_use;
pub mod inputs;
pub mod judge;
pub mod lint;
pub mod lint_cmd;
pub mod policy;
pub mod preview;
pub mod protect;
pub mod report;
pub mod snapshot;
pub mod wildcard;

#[cfg(test)]
mod engine_tests;
