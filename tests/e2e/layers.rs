//! The layering of docs/architecture.md, enforced: each layer imports only the layers
//! below it, so `cli → … → model` has no cycles and clap stays in `cli`.

use std::path::{Path, PathBuf};

/// Top-level modules of each layer, highest first.
const COMMANDS: &[&str] = &[
    "repo",
    "lifecycle",
    "scan",
    "migrate",
    "pushcheck",
    "pullcheck",
    "login",
];
const ADAPTERS: &[&str] = &["aws", "registry", "docker", "kube"];

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// The top-level `crate::X` modules a file uses (in `use` lines and paths), outside tests.
fn imports(text: &str) -> Vec<String> {
    let code = text.split("#[cfg(test)]").next().unwrap_or_default();
    let mut found = Vec::new();
    for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
        let mut rest = line;
        while let Some(i) = rest.find("crate::") {
            rest = &rest[i + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if rest.starts_with('{') {
                let group = &rest[1..rest.find('}').unwrap_or(rest.len())];
                for part in group.split(',') {
                    let part = part.trim().split("::").next().unwrap_or_default();
                    if !part.is_empty() {
                        found.push(part.to_string());
                    }
                }
            } else if !name.is_empty() {
                found.push(name);
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

/// (file relative to src/, its top-level module, what it imports)
fn source() -> Vec<(String, String, Vec<String>, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    rust_files(&src)
        .into_iter()
        .map(|path| {
            let rel = path.strip_prefix(&src).unwrap().display().to_string();
            let module = rel
                .split('/')
                .next()
                .unwrap()
                .trim_end_matches(".rs")
                .to_string();
            let text = std::fs::read_to_string(&path).unwrap();
            (rel, module.clone(), imports(&text), text)
        })
        .collect()
}

#[test]
fn each_layer_imports_only_layers_below_it() {
    let mut wrong = Vec::new();
    for (file, module, imports, _) in source() {
        let forbidden: Vec<&str> = match module.as_str() {
            // The model imports nothing of ours.
            "model" => imports
                .iter()
                .map(String::as_str)
                .filter(|i| *i != "model")
                .collect(),
            // The IAM evaluator sits at the model level: model types and itself only.
            "iam" => imports
                .iter()
                .map(String::as_str)
                .filter(|i| !["model", "iam"].contains(i))
                .collect(),
            // Adapters translate to model types; they never reach up into commands.
            m if ADAPTERS.contains(&m) => imports
                .iter()
                .map(String::as_str)
                .filter(|i| COMMANDS.contains(i) || ["cli", "settings", "output"].contains(i))
                .collect(),
            // Shared core: no commands, no clap types.
            "error" | "exit" | "outcome" | "output" | "settings" | "secret" | "names"
            | "duration" | "fsutil" | "input" => imports
                .iter()
                .map(String::as_str)
                .filter(|i| COMMANDS.contains(i) || *i == "cli")
                .collect(),
            _ => Vec::new(),
        };
        if !forbidden.is_empty() {
            wrong.push(format!("{file} imports {forbidden:?}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "layering broken (docs/architecture.md):\n{}",
        wrong.join("\n")
    );
}

#[test]
fn clap_stays_in_cli() {
    let allowed = ["cli.rs", "lib.rs", "generate.rs"];
    let wrong: Vec<String> = source()
        .into_iter()
        .filter(|(file, _, _, text)| {
            !allowed.contains(&file.as_str())
                && text
                    .split("#[cfg(test)]")
                    .next()
                    .unwrap_or_default()
                    .contains("clap::")
        })
        .map(|(file, ..)| file)
        .collect();
    assert!(wrong.is_empty(), "clap outside cli: {wrong:?}");
}

#[test]
fn only_commands_see_cli_types() {
    let wrong: Vec<String> = source()
        .into_iter()
        .filter(|(_, module, imports, _)| {
            imports.iter().any(|i| i == "cli")
                && !COMMANDS.contains(&module.as_str())
                && !["lib", "generate", "cli"].contains(&module.as_str())
        })
        .map(|(file, ..)| file)
        .collect();
    assert!(
        wrong.is_empty(),
        "cli types below the command layer: {wrong:?}"
    );
}

#[test]
fn the_iam_evaluator_does_no_io() {
    // src/iam/ is a pure engine: no SDK, no network, no files, no processes, no clock.
    let forbidden = [
        "aws_sdk",
        "aws_config",
        "reqwest",
        "tokio",
        "std::fs",
        "std::process",
        "TcpStream",
        "SystemTime",
        "Timestamp::now",
        "Zoned::now",
    ];
    let wrong: Vec<String> = source()
        .into_iter()
        .filter(|(_, module, _, _)| module == "iam")
        .flat_map(|(file, _, _, text)| {
            forbidden
                .iter()
                .filter(|f| text.contains(*f))
                .map(|f| format!("{file} uses {f}"))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(wrong.is_empty(), "the IAM evaluator does I/O: {wrong:?}");
}
