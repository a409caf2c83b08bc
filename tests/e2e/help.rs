//! `--help` of every command and subcommand, snapshotted (insta) in-process from the clap
//! definition at a fixed width of 100 columns, so a changed flag or text shows in review.

use clap::CommandFactory;

/// (path, long help) for the root and every subcommand below it.
fn all_help(command: &mut clap::Command, path: &mut Vec<String>, out: &mut Vec<(String, String)>) {
    let name = if path.is_empty() {
        "ecrctl".to_string()
    } else {
        format!("ecrctl {}", path.join(" "))
    };
    out.push((name, command.render_long_help().to_string()));
    let children: Vec<String> = command
        .get_subcommands()
        .filter(|c| c.get_name() != "help")
        .map(|c| c.get_name().to_string())
        .collect();
    for child in children {
        path.push(child.clone());
        let sub = command.find_subcommand_mut(&child).expect("listed above");
        all_help(sub, path, out);
        path.pop();
    }
}

#[test]
fn help_of_every_command() {
    let mut root = ecrctl::cli::Cli::command().term_width(100);
    root.build();
    let mut pages = Vec::new();
    all_help(&mut root, &mut Vec::new(), &mut pages);
    assert!(pages.len() > 10, "found {} commands", pages.len());
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    // clap prints the value of an option's environment variable when it is set.
    settings.add_filter(r"\[env: ([A-Z_]+)=[^\]]*\]", "[env: $1]");
    settings.bind(|| {
        for (name, help) in pages {
            let snapshot = format!("help {}", name.trim_start_matches("ecrctl").trim());
            insta::assert_snapshot!(snapshot.trim().replace(' ', "_"), help);
        }
    });
}
