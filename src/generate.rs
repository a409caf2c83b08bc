//! Generated artefacts: shell completions and man pages, built from the clap definitions.
//! `scripts/generate` writes them; a test fails when the committed copies are stale.

use std::path::PathBuf;

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;

/// Completions for `shell`, as `ecrctl completions SHELL` prints them.
pub fn completions(shell: Shell) -> Vec<u8> {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, "ecrctl", &mut out);
    out
}

/// Every generated file, as (path relative to the repository root, contents).
pub fn all_files() -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    for (shell, name) in [
        (Shell::Bash, "ecrctl.bash"),
        (Shell::Zsh, "_ecrctl"),
        (Shell::Fish, "ecrctl.fish"),
        (Shell::PowerShell, "_ecrctl.ps1"),
        (Shell::Elvish, "ecrctl.elv"),
    ] {
        files.push((PathBuf::from("completions").join(name), completions(shell)));
    }
    let mut command = Cli::command();
    command.build();
    man_pages(&command, "ecrctl", &mut files);
    files
}

fn man_pages(command: &clap::Command, name: &str, files: &mut Vec<(PathBuf, Vec<u8>)>) {
    let page = command.clone().name(name.to_string());
    let mut out = Vec::new();
    clap_mangen::Man::new(page)
        .render(&mut out)
        .expect("rendering to memory cannot fail");
    files.push((PathBuf::from("docs/man").join(format!("{name}.1")), out));
    for sub in command
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        man_pages(sub, &format!("{name}-{}", sub.get_name()), files);
    }
}
