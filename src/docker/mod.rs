//! The docker client's side: its `config.json` (auths, credHelpers, credsStore) and the
//! credential helpers it names. Shared by `login`, `login status` and `push-check`.

pub mod config;
pub mod helpers;
