//! `--protect-in-use SOURCES`: images that running workloads use are protected.
//!
//! Sources: `ecs` (services and running tasks, every cluster), `lambda` (image
//! functions, every version), `k8s` (the current kubectl context), `k8s:CONTEXT`, and
//! `k8s=FILE` (saved `kubectl get … -o json`). References are parsed with the image
//! reference model; only those naming this registry (the account and region previewed,
//! any ECR host form, or `--registry-endpoint`) protect, the rest are counted. A tag
//! is resolved to the digest it names in the repository now (so the protection holds
//! if the tag moves), and a digest protects itself. A source that cannot be read is an
//! error: never "nothing is in use".

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

use super::engine::short_digest;
use super::images::Image;
use super::protect::{InUse, Protection};
use crate::aws::{self, AwsContext};
use crate::error::{CliError, Result};
use crate::input::{self, read_file};
use crate::kube::{kubectl, workloads};
use crate::model::reference;
use crate::model::workload::ImageUse;
use crate::output::Printer;
use crate::registry::endpoint;
use crate::settings::Settings;

/// One `--protect-in-use` source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Ecs,
    Lambda,
    /// A live context through kubectl (None: the current context).
    KubeLive(Option<String>),
    /// Saved `kubectl get … -o json` output, read and checked before anything runs.
    KubeFile(PathBuf, Vec<ImageUse>),
}

impl Source {
    fn label(&self) -> String {
        match self {
            Source::Ecs => "ECS".into(),
            Source::Lambda => "Lambda".into(),
            Source::KubeLive(None) => "Kubernetes (current context)".into(),
            Source::KubeLive(Some(c)) => format!("Kubernetes context {c}"),
            Source::KubeFile(path, _) => format!("Kubernetes {}", path.display()),
        }
    }

    fn needs_aws(&self) -> bool {
        matches!(self, Source::Ecs | Source::Lambda)
    }
}

const SYNTAX_HINT: &str = "sources: ecs, lambda, k8s (current kubectl context), k8s:CONTEXT, \
     k8s=FILE (from `kubectl get pods,deployments,statefulsets,daemonsets,replicasets,jobs,cronjobs -A -o json`); comma-separated or repeated";

/// Parses `--protect-in-use` values (each a comma list) and reads the files they name.
/// Every problem is a usage error (exit 2) before any network call.
pub fn sources(values: &[String]) -> Result<Vec<Source>> {
    let mut out: Vec<Source> = Vec::new();
    for item in values.iter().flat_map(|v| v.split(',')).map(str::trim) {
        let source = parse_source(item)?;
        let source = match source {
            Source::KubeFile(path, _) => {
                let text = read_file(&path, input::LIST)?;
                let parsed = workloads::parse(&text).map_err(|e| {
                    CliError::usage(format!(
                        "{} is not `kubectl get … -o json` output",
                        path.display()
                    ))
                    .with_cause(e)
                    .with_hint(
                        "save it with `kubectl get pods,deployments,statefulsets,daemonsets,replicasets,jobs,cronjobs -A -o json > FILE`",
                    )
                })?;
                Source::KubeFile(path, parsed.uses)
            }
            other => other,
        };
        if !out.contains(&source) {
            out.push(source);
        }
    }
    Ok(out)
}

fn parse_source(item: &str) -> Result<Source> {
    let bad = |why: String| {
        CliError::usage(format!("--protect-in-use `{}`: {why}", item.escape_debug()))
            .with_hint(SYNTAX_HINT)
    };
    let (name, rest) = match item.find([':', '=']) {
        Some(i) => (&item[..i], Some((&item[i..i + 1], &item[i + 1..]))),
        None => (item, None),
    };
    match (name.to_ascii_lowercase().as_str(), rest) {
        ("", _) => Err(bad("names no source".into())),
        ("ecs", None) => Ok(Source::Ecs),
        ("lambda", None) => Ok(Source::Lambda),
        ("k8s" | "kubernetes", None) => Ok(Source::KubeLive(None)),
        ("k8s" | "kubernetes", Some((":", context))) if !context.is_empty() => {
            // A context name is a kubeconfig key, never a flag.
            if context.starts_with('-') || context.chars().any(char::is_control) {
                return Err(bad("is not a context name".into()));
            }
            Ok(Source::KubeLive(Some(context.to_string())))
        }
        ("k8s" | "kubernetes", Some(("=", file))) if !file.is_empty() => {
            Ok(Source::KubeFile(PathBuf::from(file), Vec::new()))
        }
        ("k8s" | "kubernetes", Some((sep, _))) => Err(bad(format!(
            "needs {} after `{sep}`",
            if sep == ":" {
                "a context name"
            } else {
                "a file"
            }
        ))),
        ("ecs" | "lambda", Some(_)) => Err(bad(format!("`{name}` takes no argument"))),
        _ => Err(bad(format!("`{name}` is not a source"))),
    }
}

/// A reference to this registry, parsed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Used {
    /// The registry the reference names: (account, region).
    place: Place,
    repository: String,
    tag: Option<String>,
    digest: Option<String>,
    user: String,
}

/// How many references one source gave.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceCount {
    pub label: String,
    pub references: usize,
    pub this_registry: usize,
    /// References to other ECR registries (accounts or regions): kept for those.
    pub other_ecr: usize,
}

/// A registry: (account, region).
pub type Place = (String, String);

/// What the sources say is in use in ECR registries: this one (the context's), and the
/// others they name (a service in eu-west-1 may run an image of us-east-1, or of another
/// account read in the same run), each kept with the registry it names.
#[derive(Debug, Default)]
pub struct Workloads {
    used: Vec<Used>,
    /// `used`, for finding duplicates in constant time (a cluster has many pods).
    seen: std::collections::HashSet<Used>,
    pub counts: Vec<SourceCount>,
    /// The registry of the context the sources were read in.
    pub home: Option<Place>,
}

/// Which registry is "this" one.
#[derive(Debug, Clone)]
struct Registry {
    account: String,
    region: String,
    /// `--registry-endpoint`, standing for it.
    endpoint: Option<String>,
}

impl Registry {
    /// The ECR registry `host` names: any ECR host form, or `--registry-endpoint` (which
    /// stands for this registry).
    fn place_of(&self, host: &str) -> Option<Place> {
        if self.endpoint.as_deref() == Some(host) {
            return Some(self.place());
        }
        endpoint::parse_ecr_host(host).map(|h| (h.account, h.region))
    }

    fn place(&self) -> Place {
        (self.account.clone(), self.region.clone())
    }
}

/// Reads every source (ECS and Lambda through `ctx`, or a context loaded here when the
/// images come from a file) and keeps the references to this registry.
pub async fn gather(
    sources: Vec<Source>,
    settings: &Settings,
    ctx: Option<&AwsContext>,
    printer: &Printer,
) -> Result<Workloads> {
    if sources.is_empty() {
        return Ok(Workloads::default());
    }
    let loaded;
    let ctx = match ctx {
        Some(ctx) => Some(ctx),
        None if sources.iter().any(Source::needs_aws) => {
            loaded = aws::load(&settings.aws).await?;
            Some(&loaded)
        }
        None => None,
    };
    let registry = match ctx {
        Some(ctx) => Registry {
            account: aws::identity::registry_account(ctx).await?,
            region: ctx.region.clone(),
            endpoint: settings.registry.endpoint.clone(),
        },
        None => offline_registry(settings)?,
    };
    let mut found = Workloads {
        home: Some(registry.place()),
        ..Workloads::default()
    };
    for source in sources {
        let label = source.label();
        let spinner = printer.spinner(&format!("reading what {label} runs"));
        let uses = match source {
            Source::Ecs => aws::ecs::images_in_use(ctx.expect("loaded for ECS")).await?,
            Source::Lambda => aws::lambda::images_in_use(ctx.expect("loaded for Lambda")).await?,
            Source::KubeLive(context) => kubectl::workloads(context.as_deref()).await?.uses,
            Source::KubeFile(_, uses) => uses,
        };
        if let Some(spinner) = spinner {
            spinner.finish_and_clear();
        }
        found.add(&registry, label, uses)?;
    }
    Ok(found)
}

/// Offline (`--images`): the registry is `--registry-id` in `--region`.
fn offline_registry(settings: &Settings) -> Result<Registry> {
    let hint = "with --images, say whose registry the images are from: \
                --registry-id ACCOUNT --region REGION";
    let account = settings.aws.registry_id()?.ok_or_else(|| {
        CliError::usage("--protect-in-use with --images needs --registry-id").with_hint(hint)
    })?;
    let region = settings.aws.region()?.ok_or_else(|| {
        CliError::usage("--protect-in-use with --images needs --region").with_hint(hint)
    })?;
    Ok(Registry {
        account: account.to_string(),
        region: region.to_string(),
        endpoint: settings.registry.endpoint.clone(),
    })
}

impl Workloads {
    fn add(&mut self, registry: &Registry, label: String, uses: Vec<ImageUse>) -> Result<()> {
        let mut count = SourceCount {
            label,
            references: uses.len(),
            this_registry: 0,
            other_ecr: 0,
        };
        for u in uses {
            let parsed = match reference::parse(&u.image) {
                Ok(r) => r,
                Err(why) => {
                    // A reference we cannot read might be one of ours: fail closed.
                    if registry_mentioned(registry, &u.image) {
                        return Err(CliError::remote(format!(
                            "{} uses `{}`, which is not an image reference ecrctl can read",
                            u.user,
                            u.image.escape_debug()
                        ))
                        .with_cause(why)
                        .with_hint(
                            "fix the reference, or protect the image with --protect-digests FILE",
                        ));
                    }
                    continue;
                }
            };
            let Some(place) = parsed.host.as_deref().and_then(|h| registry.place_of(h)) else {
                continue;
            };
            if place == registry.place() {
                count.this_registry += 1;
            } else {
                count.other_ecr += 1;
            }
            // `repo:tag@digest` pulls the digest; the tag is only a label (as in docker).
            let tag = parsed.tag.filter(|_| parsed.digest.is_none());
            let used = Used {
                place,
                repository: parsed.repository,
                tag,
                digest: parsed.digest,
                user: u.user,
            };
            if self.seen.insert(used.clone()) {
                self.used.push(used);
            }
        }
        self.counts.push(count);
        Ok(())
    }

    /// One line per source: how many references, how many to this registry.
    pub fn summary(&self) -> Vec<String> {
        self.counts
            .iter()
            .map(|c| {
                format!(
                    "in use: {} — {} ({} to this registry, {} to other ECR registries, {} elsewhere, ignored)",
                    c.label,
                    crate::output::count(c.references, "image reference", "image references"),
                    c.this_registry,
                    c.other_ecr,
                    c.references - c.this_registry - c.other_ecr
                )
            })
            .collect()
    }

    /// `protection` plus the images of `repository` that workloads use, and what each
    /// reference hit (for people). Tags are resolved against `images`.
    pub fn protect(
        &self,
        protection: &Protection,
        place: Option<&Place>,
        repository: Option<&str>,
        images: &[Image],
    ) -> (Protection, Vec<String>) {
        let place = place.or(self.home.as_ref());
        let mut protection = protection.clone();
        if self.used.is_empty() {
            return (protection, Vec::new());
        }
        // Offline, the repository is the one the images file names (if one).
        let named = repository
            .map(String::from)
            .or_else(|| single_repository(images));
        // The images by digest and by tag (the first one in input order), indexed once.
        let mut image_by_digest: HashMap<&str, &Image> = HashMap::with_capacity(images.len());
        let mut image_by_tag: HashMap<&str, &Image> = HashMap::new();
        for image in images {
            image_by_digest
                .entry(image.digest.as_str())
                .or_insert(image);
            for tag in &image.tags {
                image_by_tag.entry(tag.as_str()).or_insert(image);
            }
        }
        let mut by_digest: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        let mut user_seen: HashSet<(&str, &str)> = HashSet::new();
        let mut notes = Vec::new();
        for u in &self.used {
            if named.as_deref().is_some_and(|r| r != u.repository)
                || place.is_some_and(|p| *p != u.place)
            {
                continue;
            }
            let hit = match (&u.digest, &u.tag) {
                (Some(digest), _) => image_by_digest.get(digest.as_str()).copied(),
                (None, Some(tag)) => image_by_tag.get(tag.as_str()).copied(),
                (None, None) => None,
            };
            match hit {
                Some(image) => {
                    if user_seen.insert((image.digest.as_str(), u.user.as_str())) {
                        by_digest
                            .entry(image.digest.as_str())
                            .or_default()
                            .push(u.user.as_str());
                    }
                }
                None => notes.push(format!(
                    "{} uses {}{}, which is not in `{}`",
                    u.user,
                    u.repository,
                    match (&u.digest, &u.tag) {
                        (Some(d), _) => format!("@{}", short_digest(d)),
                        (None, Some(t)) => format!(":{t}"),
                        (None, None) => String::new(),
                    },
                    u.repository
                )),
            }
        }
        let mut lines = Vec::new();
        for (digest, users) in by_digest {
            let image = image_by_digest.get(digest).copied();
            let by = match users.len() {
                1 => users[0].to_string(),
                n => format!("{} and {} more", users[0], n - 1),
            };
            lines.push(format!(
                "{}{} [{}] is used by {}",
                named
                    .as_deref()
                    .map(|r| format!("{r} "))
                    .unwrap_or_default(),
                short_digest(digest),
                image
                    .map(|i| super::report::tags_text(&i.tags))
                    .unwrap_or_default(),
                users.join(", ")
            ));
            protection.in_use.push(InUse::Workload {
                repository: named.clone(),
                digest: digest.to_string(),
                by,
            });
        }
        lines.extend(notes);
        (protection, lines)
    }
}

impl Workloads {
    /// Prints how many references each source gave (stderr).
    pub fn print_summary(&self, printer: &Printer) {
        for line in self.summary() {
            printer.info(&line);
        }
    }
}

/// The repository every image names, when they all name the same one.
fn single_repository(images: &[Image]) -> Option<String> {
    let first = images.first()?.repository.as_deref()?;
    images
        .iter()
        .all(|i| i.repository.as_deref() == Some(first))
        .then(|| first.to_string())
}

/// Whether unreadable text names this registry's host anyway.
fn registry_mentioned(registry: &Registry, text: &str) -> bool {
    let text = text.to_ascii_lowercase();
    let host = endpoint::ecr_registry_host(&registry.account, &registry.region);
    let account_region = format!("{}.dkr", registry.account);
    text.contains(&host)
        || (text.contains(&account_region) && text.contains(&registry.region))
        || registry
            .endpoint
            .as_deref()
            .is_some_and(|e| text.contains(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOST: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
    const D1: &str = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    const D2: &str = "sha256:2222222222222222222222222222222222222222222222222222222222222222";
    const D3: &str = "sha256:3333333333333333333333333333333333333333333333333333333333333333";

    fn registry() -> Registry {
        Registry {
            account: "123456789012".into(),
            region: "us-east-1".into(),
            endpoint: Some("127.0.0.1:5443".into()),
        }
    }

    fn image(digest: &str, tags: &[&str]) -> Image {
        Image::new(digest, tags.iter().map(|t| t.to_string()).collect(), 0)
    }

    #[test]
    fn source_syntax_like_other_tools() {
        let s = |v: &[&str]| sources(&v.iter().map(|x| x.to_string()).collect::<Vec<_>>());
        assert_eq!(
            s(&["ecs,lambda", "k8s", "k8s:prod-eu"]).unwrap(),
            vec![
                Source::Ecs,
                Source::Lambda,
                Source::KubeLive(None),
                Source::KubeLive(Some("prod-eu".into()))
            ]
        );
        assert_eq!(s(&["ecs,ECS"]).unwrap(), vec![Source::Ecs]);
        for bad in [
            "",
            "ecr",
            "ecs:x",
            "k8s:",
            "k8s=",
            "k8s:--kubeconfig=/x",
            "lambda=f",
        ] {
            let e = s(&[bad]).unwrap_err();
            assert_eq!(e.exit_code().code(), 2, "{bad}");
        }
        // A file is read and checked at once.
        assert_eq!(
            s(&["k8s=/nonexistent/pods.json"])
                .unwrap_err()
                .exit_code()
                .code(),
            2
        );
    }

    #[test]
    fn each_reference_protects_in_the_registry_it_names_and_tags_resolve_to_digests() {
        let mut w = Workloads {
            home: Some(registry().place()),
            ..Workloads::default()
        };
        w.add(
            &registry(),
            "ECS".into(),
            vec![
                ImageUse::new(format!("{HOST}/team/api:v1"), "ECS service prod/api"),
                ImageUse::new(
                    format!("{HOST}/team/api@{D3}"),
                    "ECS task prod/t1 (running)",
                ),
                ImageUse::new(
                    format!("{HOST}/team/api:v2@{D2}"),
                    "ECS service prod/pinned",
                ),
                ImageUse::new(
                    "123456789012.dkr.ecr-fips.us-east-1.amazonaws.com/team/api:v1",
                    "ECS service prod/fips",
                ),
                ImageUse::new("127.0.0.1:5443/team/api:gone", "ECS service prod/old"),
                ImageUse::new(
                    "999999999999.dkr.ecr.us-east-1.amazonaws.com/team/api:v1",
                    "ECS service other",
                ),
                ImageUse::new(
                    "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/api:v1",
                    "ECS service eu",
                ),
                ImageUse::new("nginx:1.27", "ECS service web"),
                ImageUse::new(format!("{HOST}/other/repo:v1"), "ECS service x"),
            ],
        )
        .unwrap();
        assert_eq!(w.counts[0].references, 9);
        assert_eq!(w.counts[0].this_registry, 6);
        assert_eq!(w.counts[0].other_ecr, 2);
        let images = vec![image(D1, &["v1"]), image(D2, &["v2"]), image(D3, &[])];
        let (p, lines) = w.protect(&Protection::default(), None, Some("team/api"), &images);
        let protected: Vec<(&str, &str)> = p
            .in_use
            .iter()
            .map(|u| match u {
                InUse::Workload { digest, by, .. } => (digest.as_str(), by.as_str()),
                _ => unreachable!(),
            })
            .collect();
        assert_eq!(
            protected,
            vec![
                (D1, "ECS service prod/api and 1 more"),
                (D2, "ECS service prod/pinned"),
                (D3, "ECS task prod/t1 (running)"),
            ]
        );
        assert!(
            lines
                .iter()
                .any(|l| l.contains("team/api:gone, which is not in `team/api`")),
            "{lines:?}"
        );
        let why = p.reason(Some("team/api"), &images[0]).unwrap();
        assert_eq!(why, "in use by ECS service prod/api and 1 more");
        // Another repository: its own references only.
        let (p, _) = w.protect(
            &Protection::default(),
            None,
            Some("other/repo"),
            &[image(D1, &["v1"])],
        );
        assert_eq!(p.in_use.len(), 1);
        let (p, _) = w.protect(&Protection::default(), None, Some("third"), &images);
        assert!(p.in_use.is_empty());
        // A reference to another region or account protects there, not here (a service
        // in one region may run another region's image).
        let eu: Place = ("123456789012".into(), "eu-west-1".into());
        let (p, _) = w.protect(&Protection::default(), Some(&eu), Some("team/api"), &images);
        assert_eq!(
            p.reason(Some("team/api"), &images[0]).as_deref(),
            Some("in use by ECS service eu")
        );
        let other: Place = ("999999999999".into(), "us-east-1".into());
        let (p, _) = w.protect(
            &Protection::default(),
            Some(&other),
            Some("team/api"),
            &images,
        );
        assert_eq!(
            p.reason(Some("team/api"), &images[0]).as_deref(),
            Some("in use by ECS service other")
        );
    }

    #[test]
    fn many_pods_and_images_are_matched_in_linear_time() {
        // 20,000 pods × 2 references over 30,000 images took ~53 s (debug) when every
        // reference was compared with every earlier one and searched every image; now it
        // is a fraction of a second (no timed assertion: machines are shared).
        let uses: Vec<ImageUse> = (0..20_000)
            .flat_map(|n| {
                let pod = format!("Kubernetes pod ns/web-{n}");
                [
                    ImageUse::new(format!("{HOST}/team/api:v{}", n % 1000), pod.clone()),
                    ImageUse::new(
                        format!("{HOST}/team/api@sha256:{n:064x}"),
                        format!("{pod} (running)"),
                    ),
                ]
            })
            .collect();
        let mut w = Workloads::default();
        w.add(&registry(), "Kubernetes".into(), uses).unwrap();
        let images: Vec<Image> = (0..30_000)
            .map(|n| image(&format!("sha256:{n:064x}"), &[&format!("v{n}")]))
            .collect();
        let (p, _) = w.protect(&Protection::default(), None, Some("team/api"), &images);
        // Digests 0..20,000 run; tags v0..v999 name the first 1,000 of them.
        assert_eq!(p.in_use.len(), 20_000);
        // The same pod listed twice (two kubectl outputs appended) counts once.
        let mut w = Workloads::default();
        let twice = vec![ImageUse::new(format!("{HOST}/team/api:v1"), "Kubernetes pod a/b"); 2];
        w.add(&registry(), "Kubernetes".into(), twice).unwrap();
        assert_eq!(w.used.len(), 1);
    }

    #[test]
    fn an_unreadable_reference_to_this_registry_is_an_error() {
        let mut w = Workloads::default();
        let e = w
            .add(
                &registry(),
                "Lambda".into(),
                vec![ImageUse::new(
                    format!("{HOST}/team/api:bad tag"),
                    "Lambda function f",
                )],
            )
            .unwrap_err();
        assert_eq!(e.exit_code().code(), 3);
        // Someone else's unreadable reference is only not counted as ours.
        w.add(
            &registry(),
            "Lambda".into(),
            vec![ImageUse::new("example.com/x:bad tag", "Lambda function g")],
        )
        .unwrap();
        assert_eq!(w.counts[0].this_registry, 0);
    }
}
