//! Migration plans: `SOURCE DEST` per line (`#` comments, blank lines ignored). A DEST
//! ending in `/` is a prefix: the source's repository path and tag go under it. A DEST
//! without a host is in the ECR registry of the current account and region.
//! Everything is validated, every problem reported with its line, before anything runs.

use std::collections::HashMap;

use crate::model::reference::{self, ImageRef};
use crate::names;

/// Docker Hub's API host, for sources written without one (`nginx:1.27`).
pub const DOCKER_HUB: &str = "registry-1.docker.io";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanItem {
    pub line: usize,
    pub source: ImageRef,
    pub destination: ImageRef,
}

impl PlanItem {
    /// A stable key for the journal.
    pub fn key(&self) -> String {
        format!("{} {}", self.source, self.destination)
    }

    /// What to read at the source: its digest, else its tag.
    pub fn source_reference(&self) -> String {
        self.source
            .digest
            .clone()
            .or_else(|| self.source.tag.clone())
            .unwrap_or_default()
    }

    /// The destination tag (parsing gives every destination one).
    pub fn destination_tag(&self) -> String {
        self.destination.tag.clone().unwrap_or_default()
    }
}

/// Source references: a missing host is Docker Hub, and its one-part names are `library/…`.
pub(crate) fn source_ref(text: &str) -> Result<ImageRef, String> {
    let mut r = reference::parse(text)?;
    if r.host.is_none() || r.host.as_deref() == Some("docker.io") {
        r.host = Some(DOCKER_HUB.to_string());
        if !r.repository.contains('/') {
            r.repository = format!("library/{}", r.repository);
        }
    }
    Ok(r)
}

/// `PREFIX/` + the source's path (Docker Hub's `library/` dropped) and tag.
fn prefixed(prefix: &str, source: &ImageRef) -> Result<ImageRef, String> {
    let path = source
        .repository
        .strip_prefix("library/")
        .unwrap_or(&source.repository);
    let tag = source.tag.clone().ok_or(
        "the source has no tag to carry over to a prefix destination; write the destination tag",
    )?;
    reference::parse(&format!("{prefix}{path}:{tag}"))
}

fn parse_line(line: &str) -> Result<(ImageRef, ImageRef), String> {
    let parts: Vec<&str> = line.split_whitespace().collect();
    let [source, destination] = parts.as_slice() else {
        return Err(format!(
            "expected `SOURCE DESTINATION`, found {} fields",
            parts.len()
        ));
    };
    parse_pair(source, destination)
}

pub(crate) fn parse_pair(source: &str, destination: &str) -> Result<(ImageRef, ImageRef), String> {
    let source = source_ref(source).map_err(|e| format!("source: {e}"))?;
    let destination = if destination.ends_with('/') {
        prefixed(destination, &source)?
    } else {
        let d = reference::parse(destination).map_err(|e| format!("destination: {e}"))?;
        if d.digest.is_some() {
            return Err(
                "a destination is a tag, not a digest (the digest is preserved anyway)".into(),
            );
        }
        d
    };
    if let Err(problem) = names::check_repository_name(&destination.repository) {
        return Err(names::name_error(&destination.repository, &problem)
            .message()
            .to_string());
    }
    Ok((source, destination))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    #[serde(default)]
    defaults: Defaults,
    images: Vec<Entry>,
}

#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Defaults {
    /// Destination prefix for images that name none.
    to: Option<String>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    source: String,
    destination: Option<String>,
}

/// How items of a plan file are numbered in messages: `line` for the line form, `entry`
/// for TOML / JSON documents.
pub fn unit(text: &str, name: &str) -> &'static str {
    let json = name.ends_with(".json") || text.trim_start().starts_with('{');
    let toml = name.ends_with(".toml") || text.lines().any(|l| l.trim() == "[[images]]");
    if json || toml { "entry" } else { "line" }
}

/// Parses a plan file: the line form, or TOML / JSON
/// (`[defaults] to = "mirror/"` and `[[images]] source = … destination = …`), whose
/// problems are reported by entry number.
pub fn parse_file(text: &str, name: &str) -> Result<Vec<PlanItem>, Vec<String>> {
    let trimmed = text.trim_start();
    let json = name.ends_with(".json") || trimmed.starts_with('{');
    if unit(text, name) == "line" {
        return parse(text);
    }
    let document: Document = if json {
        // serde reads a struct from an array too (`[{}, […]]`): a plan is an object.
        let shape = serde_json::from_str::<serde_json::Value>(text.trim_start_matches('\u{feff}'));
        if let Ok(value) = &shape
            && !value.is_object()
        {
            return Err(vec![format!(
                "not a valid JSON plan: expected an object with `images` (and optionally `defaults`), found {}",
                json_kind(value)
            )]);
        }
        crate::input::from_json(text).map_err(|e| vec![format!("not a valid JSON plan: {e}")])?
    } else {
        toml::from_str(text).map_err(|e| {
            vec![format!(
                "not a valid TOML plan: {}",
                e.to_string().trim_end()
            )]
        })?
    };
    // Each entry is checked as it is: never re-joined into text, where a space or `#`
    // in a value would change its meaning.
    let mut items = Vec::new();
    let mut problems = Vec::new();
    // Every problem is reported at once: a bad default does not hide the entries' own.
    let default_to = match &document.defaults.to {
        Some(prefix) if !prefix.ends_with('/') => {
            problems.push(format!(
                "defaults.to `{prefix}` must be a prefix ending in `/`"
            ));
            None
        }
        other => other.clone(),
    };
    for (i, entry) in document.images.iter().enumerate() {
        let destination = match (&entry.destination, &default_to) {
            (Some(d), _) => d.clone(),
            (None, Some(prefix)) => prefix.clone(),
            (None, None) if document.defaults.to.is_some() => continue,
            (None, None) => {
                problems.push(format!(
                    "entry {}: no destination, and no defaults.to",
                    i + 1
                ));
                if let Err(why) = source_ref(&entry.source) {
                    problems.push(format!("entry {}: source: {why}", i + 1));
                }
                continue;
            }
        };
        match parse_pair(&entry.source, &destination) {
            Ok((source, destination)) => items.push(PlanItem {
                line: i + 1,
                source,
                destination,
            }),
            Err(why) => problems.push(format!("entry {}: {why}", i + 1)),
        }
    }
    finish(items, problems, "entry")
}

fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// Parses a whole plan; `Err` lists every problem as `line N: …`.
pub fn parse(text: &str) -> Result<Vec<PlanItem>, Vec<String>> {
    let mut items = Vec::new();
    let mut problems = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        match parse_line(line) {
            Ok((source, destination)) => items.push(PlanItem {
                line: index + 1,
                source,
                destination,
            }),
            Err(why) => problems.push(format!("line {}: {why}", index + 1)),
        }
    }
    finish(items, problems, "line")
}

/// Adds the cross-item problems (`unit` is `line` or `entry`); the plan or every problem.
pub(crate) fn finish(
    items: Vec<PlanItem>,
    mut problems: Vec<String>,
    unit: &str,
) -> Result<Vec<PlanItem>, Vec<String>> {
    let mut destinations: HashMap<String, &PlanItem> = HashMap::new();
    for item in &items {
        if let Some(first) = destinations.get(&item.destination.to_string()) {
            let why = if first.source == item.source {
                format!("repeats {unit}")
            } else {
                format!("copies a different source to the same destination as {unit}")
            };
            problems.push(format!(
                "{unit} {}: {why} {} ({})",
                item.line, first.line, item.destination
            ));
        } else {
            destinations.insert(item.destination.to_string(), item);
        }
    }
    if items.is_empty() && problems.is_empty() {
        problems.push("the plan lists no images".into());
    }
    if problems.is_empty() {
        Ok(items)
    } else {
        Err(problems)
    }
}

/// A host as a registry sees it: lowercased, an explicit default port (`:443`) dropped.
pub fn bare_host(host: &str) -> String {
    let lower = host.to_ascii_lowercase();
    lower.strip_suffix(":443").unwrap_or(&lower).to_string()
}

/// The registry a host names: an ECR host is its account and region (`-fips`, dual-stack
/// and `:443` spellings are one registry), any other host is [`bare_host`].
fn registry_key(host: Option<&str>) -> String {
    let host = bare_host(host.unwrap_or_default());
    match crate::registry::endpoint::parse_ecr_host(&host) {
        Some(h) => crate::registry::endpoint::ecr_registry_host(&h.account, &h.region),
        None => host,
    }
}

/// The destination as the registry will see it: its registry ([`registry_key`]; host-less
/// destinations are given theirs before this is called), repository and tag as written.
fn destination_key(item: &PlanItem) -> String {
    format!(
        "{}/{}:{}",
        registry_key(item.destination.host.as_deref()),
        item.destination.repository,
        item.destination_tag()
    )
}

/// The source as the registry will see it (its registry, tag or digest as written).
fn source_key(item: &PlanItem) -> String {
    format!(
        "{}/{}{}",
        registry_key(item.source.host.as_deref()),
        item.source.repository,
        match (&item.source.digest, &item.source.tag) {
            (Some(d), _) => format!("@{d}"),
            (None, Some(t)) => format!(":{t}"),
            (None, None) => String::new(),
        }
    )
}

/// Refuses a plan in which two items write one destination tag, once every destination is
/// normalized (host-less ones given their ECR host, `--rename` applied, generated plans
/// included): two different sources would mix the tag, and the same source twice is a
/// mistake the plan's author should see. `unit` (`line`/`entry`) names where items come
/// from in a plan file; generated plans name their sources only. Every collision is
/// reported, each destination once.
pub fn check_destinations(items: &[PlanItem], unit: Option<&str>) -> Result<(), Vec<String>> {
    let mut by_destination: HashMap<String, Vec<&PlanItem>> = HashMap::new();
    let mut order = Vec::new();
    for item in items {
        let key = destination_key(item);
        let entry = by_destination.entry(key.clone()).or_default();
        if entry.is_empty() {
            order.push(key);
        }
        entry.push(item);
    }
    let name = |item: &PlanItem| match unit {
        Some(unit) => format!("`{}` ({unit} {})", item.source, item.line),
        None => format!("`{}`", item.source),
    };
    let mut problems = Vec::new();
    for key in order {
        let group = &by_destination[&key];
        if group.len() < 2 {
            continue;
        }
        let mut sources: Vec<String> = group.iter().map(|i| source_key(i)).collect();
        sources.sort();
        sources.dedup();
        let names: Vec<String> = group.iter().map(|i| name(i)).collect();
        problems.push(if sources.len() > 1 {
            format!(
                "{} different sources copy to the same destination {key}: {}",
                sources.len(),
                names.join(", ")
            )
        } else {
            format!(
                "the destination {key} is listed {} times for one source: {}",
                group.len(),
                names.join(", ")
            )
        });
    }
    // An item that reads a tag another item writes would copy the old or the new image
    // depending on timing (or on which shard runs first): refused, naming both.
    for item in items {
        if item.source.digest.is_some() {
            continue;
        }
        let Some(writers) = by_destination.get(&source_key(item)) else {
            continue;
        };
        // An item copying a tag onto itself writes nothing new (it is skipped).
        let writes = |w: &PlanItem| !std::ptr::eq(w, item) && source_key(w) != destination_key(w);
        for writer in writers.iter().filter(|w| writes(w)) {
            problems.push(match unit {
                Some(unit) => format!(
                    "{unit} {} reads {}, which {unit} {} writes (from `{}`): the copy would depend on which runs first",
                    item.line, item.source, writer.line, writer.source
                ),
                None => format!(
                    "`{}` is read by one item and written by another (from `{}`): the copy would depend on which runs first",
                    item.source, writer.source
                ),
            });
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_pairs_prefixes_and_docker_hub_names() {
        let plan = parse(
            "# mirror\nnginx:1.27 mirror/nginx:1.27\n\nquay.io/org/tool:v2 123456789012.dkr.ecr.eu-west-1.amazonaws.com/tools/\nlocalhost:5000/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef app:pinned\n",
        )
        .unwrap();
        assert_eq!(plan.len(), 3);
        assert_eq!(plan[0].source.host.as_deref(), Some(DOCKER_HUB));
        assert_eq!(plan[0].source.repository, "library/nginx");
        assert_eq!(plan[0].destination.host, None);
        assert_eq!(
            plan[1].destination.to_string(),
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/tools/org/tool:v2"
        );
        assert_eq!(plan[1].line, 4);
        assert_eq!(plan[2].destination.tag.as_deref(), Some("pinned"));
    }

    #[test]
    fn toml_and_json_plans_with_defaults() {
        let toml = "[defaults]\nto = \"mirror/\"\n\n[[images]]\nsource = \"nginx:1.27\"\n\n[[images]]\nsource = \"redis:7\"\ndestination = \"cache/redis:7\"\n";
        let items = parse_file(toml, "plan.toml").unwrap();
        assert_eq!(items[0].destination.to_string(), "mirror/nginx:1.27");
        assert_eq!(items[1].destination.to_string(), "cache/redis:7");
        let json = r#"{"images":[{"source":"nginx:1.27","destination":"Mirror/nginx:1"}]}"#;
        assert!(parse_file(json, "plan.json").unwrap_err()[0].starts_with("entry 1:"));
        assert!(parse_file(r#"{"images":[{"source":"a:1"}]}"#, "p.json").is_err());
        assert!(parse_file(r#"{"images":[],"extra":1}"#, "p.json").is_err());
        // serde's sequence form of a struct is not a plan.
        for array in ["[]", r#"[{}, [{"source":"a:1","destination":"b:1"}]]"#] {
            let e = parse_file(array, "p.json").unwrap_err();
            assert_eq!(
                e,
                [
                    "not a valid JSON plan: expected an object with `images` (and optionally `defaults`), found an array"
                ]
            );
        }
        let e = parse_file(r#"{"images":[{"source":"a:1"},{"source":5}]}"#, "p.json").unwrap_err();
        assert!(
            e[0].starts_with("not a valid JSON plan: $.images[1].source: invalid type"),
            "{e:?}"
        );
        let e = parse_file(
            r#"{"images":[{"source":"a:1","destination":"b:1"}"#,
            "p.json",
        )
        .unwrap_err();
        assert!(e[0].starts_with("not a valid JSON plan"), "{e:?}");
        // A value is checked as written, not re-read as a line: `#` is no comment here.
        let e = parse_file(
            r#"{"images":[{"source":"a:1 #x","destination":"bb:1"}]}"#,
            "p.json",
        )
        .unwrap_err();
        assert!(e[0].starts_with("entry 1: source:"), "{e:?}");
        let e = parse_file(
            r#"{"images":[{"source":"a:1","destination":"bb:1"},{"source":"c:1","destination":"bb:1"}]}"#,
            "p.json",
        )
        .unwrap_err();
        assert!(
            e[0].starts_with("entry 2: copies a different source"),
            "{e:?}"
        );
    }

    #[test]
    fn structured_plans_report_every_problem_at_once() {
        let e = parse_file(
            r#"{"defaults":{"to":"mirror"},"images":[{"source":"a:1"},{"source":"a:1 #x","destination":"xx:1"},{"source":"c:1","destination":"xx:1#y"}]}"#,
            "p.json",
        )
        .unwrap_err();
        assert!(e[0].contains("defaults.to `mirror`"), "{e:?}");
        assert!(e[1].starts_with("entry 2: source:"), "{e:?}");
        assert!(e[2].starts_with("entry 3: destination:"), "{e:?}");
        let e = parse_file(
            "[[images]]\nsource = \"a:1\"\n\n[[images]]\nsource = \"a:1 #x\"\ndestination = \"x:1\"\n",
            "p.toml",
        )
        .unwrap_err();
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(e[0].starts_with("entry 1: no destination"), "{e:?}");
        assert!(e[1].starts_with("entry 2: source:"), "{e:?}");
    }

    #[test]
    fn every_problem_names_its_line() {
        let problems = parse("aa:1 bb:1\njunk\ncc:1 Bb:1\ndd@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef xx/\nee:1 bb:1\naa:1 bb:1\n").unwrap_err();
        assert!(problems[0].starts_with("line 2: expected"), "{problems:?}");
        assert!(
            problems[1].starts_with("line 3:") && problems[1].contains("uppercase"),
            "{problems:?}"
        );
        assert!(
            problems[2].starts_with("line 4:") && problems[2].contains("no tag"),
            "{problems:?}"
        );
        assert!(
            problems[3]
                .contains("line 5: copies a different source to the same destination as line 1"),
            "{problems:?}"
        );
        assert!(
            problems[4].contains("line 6: repeats line 1"),
            "{problems:?}"
        );
        assert!(parse("# nothing\n").is_err());
    }

    fn item(line: usize, source: &str, destination: &str) -> PlanItem {
        PlanItem {
            line,
            source: reference::parse(source).unwrap(),
            destination: reference::parse(destination).unwrap(),
        }
    }

    #[test]
    fn destinations_collide_after_normalization() {
        // Host-less destinations were given their ECR host; the case of a host differs.
        let items = [
            item(
                1,
                "src.example/a:v1",
                "123456789012.dkr.ecr.us-east-1.amazonaws.com/x:v1",
            ),
            item(
                2,
                "src.example/b:v1",
                "123456789012.DKR.ecr.us-east-1.amazonaws.com/x:v1",
            ),
            item(
                3,
                "src.example/c:v1",
                "123456789012.dkr.ecr.us-east-1.amazonaws.com/x:v2",
            ),
            item(
                4,
                "SRC.example/c:v1",
                "123456789012.dkr.ecr.us-east-1.amazonaws.com/x:v2",
            ),
        ];
        let problems = check_destinations(&items, Some("line")).unwrap_err();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems[0].starts_with("2 different sources copy to the same destination")
                && problems[0].contains("(line 1)")
                && problems[0].contains("(line 2)"),
            "{problems:?}"
        );
        assert!(
            problems[1].contains("listed 2 times for one source"),
            "{problems:?}"
        );
        // A tag and a digest of one repository are different sources.
        let pinned = [
            item(1, "src.example/a:v1", "h.example/x:v1"),
            item(
                2,
                "src.example/a@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                "h.example/x:v1",
            ),
        ];
        let problems = check_destinations(&pinned, None).unwrap_err();
        assert!(
            problems[0].starts_with("2 different sources"),
            "{problems:?}"
        );
        assert!(!problems[0].contains("line"), "{problems:?}");
        assert!(check_destinations(&items[..1], None).is_ok());
        assert!(check_destinations(&[items[0].clone(), items[2].clone()], None).is_ok());
    }

    #[test]
    fn one_registry_under_several_spellings_is_one_destination() {
        let items = [
            item(
                1,
                "src.example/legacy/api:v1",
                "123456789012.dkr.ecr.us-east-1.amazonaws.com:443/apps/api:v1",
            ),
            item(
                2,
                "src.example/legacy/old-api:v1",
                "123456789012.dkr.ecr-fips.US-EAST-1.amazonaws.com/apps/api:v1",
            ),
            item(3, "src.example/x:v1", "Mirror.Example:443/x:v1"),
            item(4, "src.example/y:v1", "mirror.example/x:v1"),
        ];
        let problems = check_destinations(&items, Some("line")).unwrap_err();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems[0].starts_with(
                "2 different sources copy to the same destination 123456789012.dkr.ecr.us-east-1.amazonaws.com/apps/api:v1"
            ),
            "{problems:?}"
        );
        assert!(problems[1].contains("mirror.example/x:v1"), "{problems:?}");
        // Another region or account is another registry.
        let apart = [
            item(
                1,
                "src.example/a:v1",
                "123456789012.dkr.ecr.us-east-1.amazonaws.com/x:v1",
            ),
            item(
                2,
                "src.example/b:v1",
                "123456789012.dkr.ecr.eu-west-1.amazonaws.com/x:v1",
            ),
            item(
                3,
                "src.example/c:v1",
                "210987654321.dkr.ecr.us-east-1.amazonaws.com/x:v1",
            ),
        ];
        assert!(check_destinations(&apart, None).is_ok());
    }

    #[test]
    fn a_source_written_by_another_item_is_refused() {
        let items = [
            item(1, "src.example/many/r1:t1", "ecr.example/chain/b:v1"),
            item(2, "ECR.example:443/chain/b:v1", "ecr.example/chain/c:v1"),
        ];
        let problems = check_destinations(&items, Some("line")).unwrap_err();
        assert_eq!(
            problems,
            [
                "line 2 reads ecr.example:443/chain/b:v1, which line 1 writes (from `src.example/many/r1:t1`): the copy would depend on which runs first"
            ]
        );
        let problems = check_destinations(&items, None).unwrap_err();
        assert!(
            problems[0].starts_with(
                "`ecr.example:443/chain/b:v1` is read by one item and written by another"
            ),
            "{problems:?}"
        );
        // A source pinned by digest does not move when the tag is written.
        let pinned = [
            items[0].clone(),
            item(
                2,
                "ecr.example/chain/b@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                "ecr.example/chain/c:v1",
            ),
        ];
        assert!(check_destinations(&pinned, None).is_ok());
        // A tag copied onto itself (skipped as it exists) writes nothing another reads.
        let itself = [
            item(1, "ecr.example/app:v1", "ecr.example/app:stable"),
            item(2, "ecr.example/app:v1", "ecr.example/app:v1"),
        ];
        assert!(check_destinations(&itself, None).is_ok());
    }
}
