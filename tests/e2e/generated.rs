//! Committed completions and man pages must match what the code generates.
//! Regenerate with `scripts/generate`.

use std::path::Path;

#[test]
fn completions_and_man_pages_are_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let regenerate = std::env::var_os("ECRCTL_REGENERATE").is_some();
    let mut stale = Vec::new();
    for (path, contents) in ecrctl::generate::all_files() {
        let full = root.join(&path);
        if regenerate {
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(&full, &contents).unwrap();
        } else if std::fs::read(&full).ok().as_deref() != Some(contents.as_slice()) {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "generated files are stale: {stale:?}\nrun `scripts/generate` and commit the result"
    );
}

#[test]
fn cli_definition_is_consistent() {
    use clap::CommandFactory;
    ecrctl::cli::Cli::command().debug_assert();
}
