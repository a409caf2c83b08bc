//! `ecrctl repo list`: every repository with its settings. The JSON form uses ECR's field
//! names, so it can be fed back to `repo create --from-file` (e.g. in another region):
//! it carries policies and tags unless `--with` says otherwise.

use comfy_table::Table;
use futures::stream::{self, StreamExt, TryStreamExt};
use serde::Serialize;

use crate::aws::repositories::RepoSummary;
use crate::aws::{self, repositories};
use crate::cli::{RepoListArgs, RepoListWith};
use crate::outcome::{CommandResult, Outcome};
use crate::output::{Printer, SchemaVersion};
use crate::settings::Settings;

/// Per-repository reads done at once for `--with`.
const JOBS: usize = 8;

/// `repo list -o json` (docs/json-output.md).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListDocument<'a> {
    pub schema_version: SchemaVersion,
    /// What was fetched beyond DescribeRepositories: `policies`, `tags`. A setting not
    /// fetched is absent from every repository (and so not copied by a replay).
    pub with: Vec<&'static str>,
    pub repositories: &'a [RepoSummary],
}

/// What to fetch: `(policies, tags)`.
pub fn extras(with: &[RepoListWith], json: bool) -> (bool, bool) {
    if with.is_empty() {
        // JSON is the copy format: complete unless asked otherwise.
        return (json, json);
    }
    let has = |w| with.contains(&w) || with.contains(&RepoListWith::All);
    (has(RepoListWith::Policies), has(RepoListWith::Tags))
}

pub async fn run(settings: &Settings, args: &RepoListArgs, printer: &Printer) -> CommandResult {
    if args.with.contains(&RepoListWith::None) && args.with.len() > 1 {
        return Err(crate::error::CliError::usage(
            "--with none cannot be combined with other values",
        ));
    }
    let (policies, tags) = extras(&args.with, printer.is_json());
    let ctx = aws::load(&settings.aws).await?;
    let mut repos = repositories::list(&ctx, args.prefix.as_deref()).await?;
    if policies || tags {
        let bar = printer.progress(repos.len() as u64, "reading policies and tags");
        let before = repos.len();
        let listed = stream::iter(std::mem::take(&mut repos))
            .map(|mut repo| {
                let (ctx, bar) = (&ctx, bar.clone());
                async move {
                    let read = repositories::fetch_extras(ctx, &mut repo, policies, tags).await;
                    bar.inc(1);
                    match read {
                        Ok(()) => Ok(Some(repo)),
                        // Deleted between the listing and this read: it is gone, not
                        // unreadable, so it is left out (with a warning).
                        Err(e) if vanished(&e) => Ok(None),
                        Err(e) => Err(e),
                    }
                }
            })
            .buffered(JOBS)
            .try_collect::<Vec<Option<RepoSummary>>>()
            .await
            .map_err(|e: crate::error::CliError| {
                // The listing itself worked; only the extra reads failed (often a missing
                // ecr:GetRepositoryPolicy / ListTagsForResource permission). repo list
                // has no --jobs, so a throttling hint must not point at it.
                let hint = match e.hint() {
                    Some(h) => format!(
                        "{}; or list without them: --with none",
                        h.replace("lower --jobs, or retry later", "retry later")
                    ),
                    None => "list without policies and tags: --with none (then a copy \
                             made from it does not carry them)"
                        .to_string(),
                };
                e.with_hint(hint)
            })?;
        bar.finish_and_clear();
        let kept: Vec<RepoSummary> = listed.into_iter().flatten().collect();
        if kept.len() < before {
            printer.warn(&format!(
                "{} deleted while being listed; left out",
                crate::output::count(before - kept.len(), "repository was", "repositories were")
            ));
        }
        repos = kept;
    }
    print(printer, &repos, policies, tags);
    Ok(Outcome::Success)
}

fn vanished(error: &crate::error::CliError) -> bool {
    error
        .causes()
        .iter()
        .any(|c| c.starts_with("RepositoryNotFoundException"))
}

fn print(printer: &Printer, repos: &[RepoSummary], policies: bool, tags: bool) {
    if printer.is_json() {
        let with = [(policies, "policies"), (tags, "tags")]
            .into_iter()
            .filter_map(|(on, name)| on.then_some(name))
            .collect();
        printer.json(&ListDocument {
            schema_version: SchemaVersion,
            with,
            repositories: repos,
        });
        return;
    }
    printer.print_table(&table(printer, repos, policies, tags));
    printer.info(&crate::output::count(
        repos.len(),
        "repository",
        "repositories",
    ));
}

fn table(printer: &Printer, repos: &[RepoSummary], policies: bool, tags: bool) -> Table {
    let mut headers = vec![
        "REPOSITORY",
        "URI",
        "TAG MUTABILITY",
        "SCAN ON PUSH",
        "ENCRYPTION",
    ];
    if policies {
        headers.push("POLICIES");
    }
    if tags {
        headers.push("TAGS");
    }
    let mut table = printer.table(&headers);
    for repo in repos {
        let mutability = if repo.image_tag_mutability_exclusion_filters.is_empty() {
            repo.image_tag_mutability.clone()
        } else {
            format!(
                "{} ({})",
                repo.image_tag_mutability,
                repo.image_tag_mutability_exclusion_filters.join(", ")
            )
        };
        let mut row = vec![
            repo.repository_name.clone(),
            repo.repository_uri.clone(),
            mutability,
            repo.scan_on_push.to_string(),
            repo.encryption_configuration
                .encryption_type
                .as_str()
                .to_string(),
        ];
        if policies {
            let names: Vec<&str> = [
                (repo.lifecycle_policy.is_some(), "lifecycle"),
                (repo.repository_policy.is_some(), "repository"),
            ]
            .into_iter()
            .filter_map(|(on, name)| on.then_some(name))
            .collect();
            row.push(if names.is_empty() {
                "-".into()
            } else {
                names.join(", ")
            });
        }
        if tags {
            let list: Vec<String> = repo
                .tags
                .iter()
                .flatten()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            row.push(if list.is_empty() {
                "-".into()
            } else {
                list.join(" ")
            });
        }
        table.add_row(row);
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::repository::{Encryption, EncryptionType};

    fn repos() -> Vec<RepoSummary> {
        let summary = |name: &str, exclusions: &[&str], kms: Option<&str>| RepoSummary {
            repository_name: name.into(),
            repository_uri: format!("123456789012.dkr.ecr.eu-west-1.amazonaws.com/{name}"),
            repository_arn: format!("arn:aws:ecr:eu-west-1:123456789012:repository/{name}"),
            image_tag_mutability: if exclusions.is_empty() {
                "MUTABLE".into()
            } else {
                "IMMUTABLE_WITH_EXCLUSION".into()
            },
            image_tag_mutability_exclusion_filters: exclusions
                .iter()
                .map(|s| s.to_string())
                .collect(),
            scan_on_push: exclusions.is_empty(),
            encryption_configuration: Encryption {
                encryption_type: if kms.is_some() {
                    EncryptionType::Kms
                } else {
                    EncryptionType::Aes256
                },
                kms_key: kms.map(str::to_string),
            },
            created_at: Some("2026-01-02T03:04:05Z".into()),
            lifecycle_policy: None,
            repository_policy: None,
            tags: None,
        };
        vec![
            summary("team/api", &[], None),
            summary("team/web", &["rc-*", "dev-*"], Some("alias/ecr")),
        ]
    }

    #[test]
    fn table() {
        let printer = crate::output::plain_printer();
        insta::assert_snapshot!(super::table(&printer, &repos(), false, false).to_string());
    }

    #[test]
    fn json() {
        insta::assert_json_snapshot!(ListDocument {
            schema_version: SchemaVersion,
            with: vec![],
            repositories: &repos(),
        });
    }

    #[test]
    fn with_defaults_to_everything_for_json_only() {
        assert_eq!(extras(&[], true), (true, true));
        assert_eq!(extras(&[], false), (false, false));
        assert_eq!(extras(&[RepoListWith::None], true), (false, false));
        assert_eq!(extras(&[RepoListWith::Tags], true), (false, true));
        assert_eq!(extras(&[RepoListWith::All], false), (true, true));
        assert_eq!(
            extras(&[RepoListWith::Policies, RepoListWith::Tags], false),
            (true, true)
        );
    }

    #[test]
    fn table_with_policies_and_tags() {
        let printer = crate::output::plain_printer();
        let mut repos = repos();
        repos[0].lifecycle_policy = Some(serde_json::json!({"rules": []}));
        repos[0].tags = Some([("team".to_string(), "core".to_string())].into());
        repos[1].tags = Some(Default::default());
        let text = super::table(&printer, &repos, true, true).to_string();
        assert!(text.contains("POLICIES") && text.contains("TAGS"), "{text}");
        assert!(
            text.contains("lifecycle") && text.contains("team=core"),
            "{text}"
        );
    }
}
