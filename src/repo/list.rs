//! `ecrctl repo list`: every repository with its settings. The JSON form uses ECR's field
//! names, so it can be fed back to `repo create --from-file` (e.g. in another region).

use comfy_table::Table;
use serde::Serialize;

use crate::aws::repositories::RepoSummary;
use crate::aws::{self, repositories};
use crate::cli::RepoListArgs;
use crate::outcome::{CommandResult, Outcome};
use crate::output::{Printer, SchemaVersion};
use crate::settings::Settings;

/// `repo list -o json` (docs/json-output.md).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListDocument<'a> {
    pub schema_version: SchemaVersion,
    pub repositories: &'a [RepoSummary],
}

pub async fn run(settings: &Settings, args: &RepoListArgs, printer: &Printer) -> CommandResult {
    let ctx = aws::load(&settings.aws).await?;
    let repos = repositories::list(&ctx, args.prefix.as_deref()).await?;
    print(printer, &repos);
    Ok(Outcome::Success)
}

fn print(printer: &Printer, repos: &[RepoSummary]) {
    if printer.is_json() {
        printer.json(&ListDocument {
            schema_version: SchemaVersion,
            repositories: repos,
        });
        return;
    }
    printer.print_table(&table(printer, repos));
    printer.info(&crate::output::count(
        repos.len(),
        "repository",
        "repositories",
    ));
}

fn table(printer: &Printer, repos: &[RepoSummary]) -> Table {
    let mut table = printer.table(&[
        "REPOSITORY",
        "URI",
        "TAG MUTABILITY",
        "SCAN ON PUSH",
        "ENCRYPTION",
    ]);
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
        table.add_row(vec![
            repo.repository_name.clone(),
            repo.repository_uri.clone(),
            mutability,
            repo.scan_on_push.to_string(),
            repo.encryption_configuration
                .encryption_type
                .as_str()
                .to_string(),
        ]);
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
        };
        vec![
            summary("team/api", &[], None),
            summary("team/web", &["rc-*", "dev-*"], Some("alias/ecr")),
        ]
    }

    #[test]
    fn table() {
        let printer = crate::output::plain_printer();
        insta::assert_snapshot!(super::table(&printer, &repos()).to_string());
    }

    #[test]
    fn json() {
        insta::assert_json_snapshot!(ListDocument {
            schema_version: SchemaVersion,
            repositories: &repos(),
        });
    }
}
