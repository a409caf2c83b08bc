//! Starts the local ECR stand-ins the tests use (moto + TLS registry + plain registry),
//! prints shell `export` lines for them, and keeps them up until stdin closes.
//! Used by scripts/demo and bench/; handy for trying ecrctl by hand:
//!
//! ```sh
//! cargo run --example stand_ins      # then paste the exports into another shell
//! ```

#![allow(clippy::print_stdout)] // printing the exports is what this program is for
#![allow(unsafe_code)] // the shared harness calls libc on its child processes
#[allow(dead_code)]
#[path = "../tests/e2e/harness.rs"]
mod harness;

use std::io::Read;

fn main() {
    let s = harness::stand_ins();
    println!("export AWS_ENDPOINT_URL={}", s.moto_url);
    println!(
        "export AWS_REGION={0} AWS_DEFAULT_REGION={0}",
        harness::REGION
    );
    println!(
        "export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_EC2_METADATA_DISABLED=true"
    );
    println!("export ECRCTL_REGISTRY_ENDPOINT={}", s.registry);
    println!("export ECRCTL_CA_CERT={}", s.ca_cert.display());
    println!("export ECRCTL_PLAIN_REGISTRY={}", s.plain_registry);
    println!("export ECRCTL_STAND_INS_ROOT={}", s.root.display());
    println!("# ready");
    // Stay up until whoever started us closes our stdin (or Ctrl-C in a terminal).
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
}
