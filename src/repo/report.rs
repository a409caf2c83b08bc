//! The `repo create` report: one row per repository, as a table or JSON.

use serde::Serialize;

use crate::model::repository::{
    Encryption, EncryptionType, Field, Mutability, ObservedRepo, RepoSettings, default_mutability,
};
use crate::output::{Printer, SchemaVersion};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Created,
    Updated,
    Unchanged,
    Failed,
    WouldCreate,
    WouldUpdate,
}

impl Status {
    fn label(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Updated => "updated",
            Self::Unchanged => "unchanged",
            Self::Failed => "failed",
            Self::WouldCreate => "would create",
            Self::WouldUpdate => "would update",
        }
    }
}

/// The settings a repository has after the run (or would have, in a dry run).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EffectiveSettings {
    pub scan_on_push: bool,
    #[serde(flatten)]
    pub image_tag_mutability: Mutability,
    pub encryption_configuration: Encryption,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub lifecycle_policy: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub repository_policy: bool,
    pub tags: std::collections::BTreeMap<String, String>,
}

impl EffectiveSettings {
    pub fn new(desired: &RepoSettings, observed: Option<&ObservedRepo>) -> Self {
        let mut tags = observed.map(|o| o.tags.clone()).unwrap_or_default();
        tags.extend(desired.tags.clone());
        Self {
            scan_on_push: desired
                .scan_on_push
                .or(observed.map(|o| o.scan_on_push))
                .unwrap_or(false),
            image_tag_mutability: desired
                .mutability
                .clone()
                .or_else(|| observed.map(|o| o.mutability.clone()))
                .unwrap_or_else(default_mutability),
            encryption_configuration: observed
                .map(|o| o.encryption.clone())
                .or_else(|| desired.encryption.clone())
                .unwrap_or(Encryption {
                    encryption_type: EncryptionType::Aes256,
                    kms_key: None,
                }),
            lifecycle_policy: desired.lifecycle_policy.is_some()
                || observed.is_some_and(|o| o.lifecycle_policy.is_some()),
            repository_policy: desired.repository_policy.is_some()
                || observed.is_some_and(|o| o.repository_policy.is_some()),
            tags,
        }
    }

    fn summary(&self) -> String {
        let m = &self.image_tag_mutability;
        let mut parts = vec![
            format!("scanOnPush={}", self.scan_on_push),
            if m.exclusions.is_empty() {
                m.mode.as_str().to_string()
            } else {
                format!("{} ({})", m.mode.as_str(), m.exclusions.join(", "))
            },
            self.encryption_configuration
                .encryption_type
                .as_str()
                .to_string(),
        ];
        if self.lifecycle_policy {
            parts.push("lifecycle policy".into());
        }
        if self.repository_policy {
            parts.push("repository policy".into());
        }
        if !self.tags.is_empty() {
            let tags: Vec<String> = self.tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
            parts.push(format!("tags: {}", tags.join(" ")));
        }
        parts.join(", ")
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RepoRow {
    pub repository_name: String,
    pub repository_uri: Option<String>,
    pub repository_arn: Option<String>,
    pub status: Status,
    pub changes: Vec<Field>,
    pub settings: EffectiveSettings,
    /// Settings that could not be put on a repository that was created or updated.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failed_settings: Vec<Field>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// `repo create -o json` (docs/json-output.md).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report<'a> {
    pub schema_version: SchemaVersion,
    pub dry_run: bool,
    pub repositories: &'a [RepoRow],
}

pub fn print(printer: &Printer, rows: &[RepoRow], dry_run: bool) {
    if printer.is_json() {
        return printer.json(&Report {
            schema_version: SchemaVersion,
            dry_run,
            repositories: rows,
        });
    }
    printer.print_table(&table(printer, rows));
    printer.info(&summary(rows, dry_run));
}

fn table(printer: &Printer, rows: &[RepoRow]) -> comfy_table::Table {
    let mut table = printer.table(&["REPOSITORY", "URI", "STATUS", "SETTINGS"]);
    for row in rows {
        let status = match (&row.error, row.changes.is_empty()) {
            (Some(error), _) if error.starts_with("created, ") => error.clone(),
            (Some(error), _) => format!("{}: {error}", row.status.label()),
            (None, true) => row.status.label().to_string(),
            (None, false) => {
                let fields: Vec<&str> = row.changes.iter().map(|f| f.as_str()).collect();
                format!("{} ({})", row.status.label(), fields.join(", "))
            }
        };
        table.add_row(vec![
            row.repository_name.clone(),
            row.repository_uri.clone().unwrap_or_else(|| "-".into()),
            status,
            row.settings.summary(),
        ]);
    }
    table
}

fn summary(rows: &[RepoRow], dry_run: bool) -> String {
    let count = |s: Status| rows.iter().filter(|r| r.status == s).count();
    if dry_run {
        format!(
            "dry run: {} to create, {} to update, {} unchanged; nothing was changed",
            count(Status::WouldCreate),
            count(Status::WouldUpdate),
            count(Status::Unchanged)
        )
    } else {
        let partial = rows
            .iter()
            .filter(|r| r.status != Status::Failed && r.error.is_some())
            .count();
        let mut text = format!(
            "{} created, {} updated, {} unchanged, {} failed",
            count(Status::Created),
            count(Status::Updated),
            count(Status::Unchanged),
            count(Status::Failed)
        );
        if partial > 0 {
            text.push_str(&format!(
                "; {} with errors (see the rows)",
                crate::output::count(partial, "repository", "repositories")
            ));
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::repository::MutabilityMode;

    fn rows() -> Vec<RepoRow> {
        let settings = |mode, exclusions: &[&str], tags: &[(&str, &str)]| EffectiveSettings {
            scan_on_push: true,
            image_tag_mutability: Mutability {
                mode,
                exclusions: exclusions.iter().map(|s| s.to_string()).collect(),
            },
            encryption_configuration: Encryption {
                encryption_type: EncryptionType::Aes256,
                kms_key: None,
            },
            lifecycle_policy: !tags.is_empty(),
            repository_policy: false,
            tags: tags
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        };
        let uri = |name: &str| {
            Some(format!(
                "123456789012.dkr.ecr.eu-west-1.amazonaws.com/{name}"
            ))
        };
        vec![
            RepoRow {
                repository_name: "team/api".into(),
                repository_uri: uri("team/api"),
                repository_arn: Some(
                    "arn:aws:ecr:eu-west-1:123456789012:repository/team/api".into(),
                ),
                status: Status::Created,
                changes: vec![],
                settings: settings(MutabilityMode::Immutable, &[], &[("team", "core")]),
                failed_settings: vec![],
                error: None,
            },
            RepoRow {
                repository_name: "team/web".into(),
                repository_uri: uri("team/web"),
                repository_arn: Some(
                    "arn:aws:ecr:eu-west-1:123456789012:repository/team/web".into(),
                ),
                status: Status::Updated,
                changes: vec![Field::ScanOnPush, Field::TagMutability],
                settings: settings(MutabilityMode::ImmutableWithExclusion, &["rc-*"], &[]),
                failed_settings: vec![],
                error: None,
            },
            RepoRow {
                repository_name: "team/bad".into(),
                repository_uri: None,
                repository_arn: None,
                status: Status::Failed,
                changes: vec![],
                settings: settings(MutabilityMode::Mutable, &[], &[]),
                failed_settings: vec![],
                error: Some("InvalidParameterException: policy is not valid".into()),
            },
        ]
    }

    #[test]
    fn table_and_summary() {
        let printer = crate::output::plain_printer();
        let rows = rows();
        insta::assert_snapshot!(format!(
            "{}\n{}",
            table(&printer, &rows),
            summary(&rows, false)
        ));
        assert_eq!(
            summary(&rows[..2], true),
            "dry run: 0 to create, 0 to update, 0 unchanged; nothing was changed"
        );
    }

    #[test]
    fn json() {
        insta::assert_json_snapshot!(Report {
            schema_version: SchemaVersion,
            dry_run: false,
            repositories: &rows(),
        });
    }
}
