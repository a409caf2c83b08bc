//! `ecrctl pull-check`: why a pod, task or function cannot pull an image, each reason with
//! its fix. `check` holds the shared finding type; the engines are pure (`network` is the
//! `--vpc` part); `command` gathers evidence, runs the engines and applies `--fix`.

// Used by the command once it is wired (the next commits); the skeleton lets `--vpc`
// (network.rs) build on the same type meanwhile.
#[allow(dead_code)]
pub mod check;
#[allow(dead_code)]
pub mod network;
#[allow(dead_code)]
pub mod vpc;
