//! The `ecrctl` binary: everything lives in the library.

fn main() {
    std::process::exit(ecrctl::run());
}
