//! `ecrctl login`, `login status`, `logout` and the `docker-credential-ecrctl` helper.
//!
//! Pure parts: `token` (decode, expiry, freshness), `diagnose` (why a login failed),
//! `client` (argument shapes). The shell: `fetch` (AWS + cache), `cache` (0600 files),
//! `command`, `status`, `helper`.

pub mod cache;
pub mod client;
pub mod command;
pub mod diagnose;
pub mod fetch;
pub mod helper;
pub mod logout;
pub mod status;
pub mod token;
