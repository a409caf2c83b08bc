//! Tracing to stderr for `-v`, `-vv`, `-vvv`.
//!
//! Only ecrctl's own events get the full verbosity. The AWS SDK logs whole responses at
//! trace level — including `GetAuthorizationToken`'s token — so every other crate is capped
//! at `info`, whatever the verbosity. RUST_LOG is deliberately not honoured for the same
//! reason.

use tracing_subscriber::EnvFilter;

pub fn init(verbose: u8, quiet: bool) {
    let own = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, 2) => "debug",
        (false, _) => "trace",
    };
    let others = match verbose {
        0 => "error",
        1 => "warn",
        _ => "info",
    };
    let filter = EnvFilter::new(format!("{others},ecrctl={own}"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(verbose >= 2)
        .without_time()
        .try_init();
}
