//! `ecrctl migrate`: copy and re-tag images between registries. Pure: `plan` (parsing
//! and validation). The shell: `copy` (the registry-to-registry engine), `journal`
//! (resume), `setup` (credentials, clients), `destinations` (pacing, ECR repositories) and
//! `command`.

pub mod command;
pub mod copy;
pub mod destinations;
pub mod generate;
pub mod journal;
pub mod plan;
pub mod platform;
pub mod referrers;
pub mod report;
pub mod retag;
pub mod setup;
pub mod shard;
pub mod sync_yaml;
pub mod tags;
