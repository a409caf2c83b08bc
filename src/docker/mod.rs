//! The docker client's side: its `config.json` (auths, credHelpers, credsStore) and the
//! credential helpers it names, and `docker save`'s layer sizes. Shared by `login`,
//! `login status` and `push-check`.

pub mod config;
pub mod helpers;
pub mod save;
