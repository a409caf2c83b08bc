//! Plain domain types shared by engines, commands and adapters. This layer imports nothing
//! of ecrctl's: no clap, no SDK, no I/O. `aws/` and `registry/` translate to and from it;
//! feature modules compute with it (docs/architecture.md).

pub mod finding;
pub mod image;
pub mod json_keys;
pub mod manifest;
pub mod media_type;
pub mod network;
pub mod platform;
pub mod reference;
pub mod repository;
pub mod workload;
