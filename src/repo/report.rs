//! The `repo create` report: one row per repository, as a table or JSON.

use serde::Serialize;

use crate::model::repository::{
    Encryption, EncryptionType, Field, Mutability, ObservedRepo, RepoSettings, default_mutability,
};
use crate::output::Printer;

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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Report<'a> {
    dry_run: bool,
    repositories: &'a [RepoRow],
}

pub fn print(printer: &Printer, rows: &[RepoRow], dry_run: bool) {
    if printer.is_json() {
        return printer.json(&Report {
            dry_run,
            repositories: rows,
        });
    }
    let mut table = printer.table(&["REPOSITORY", "URI", "STATUS", "SETTINGS"]);
    for row in rows {
        let status = match (&row.error, row.changes.is_empty()) {
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
    printer.print_table(&table);
    let count = |s: Status| rows.iter().filter(|r| r.status == s).count();
    let summary = if dry_run {
        format!(
            "dry run: {} to create, {} to update, {} unchanged; nothing was changed",
            count(Status::WouldCreate),
            count(Status::WouldUpdate),
            count(Status::Unchanged)
        )
    } else {
        format!(
            "{} created, {} updated, {} unchanged, {} failed",
            count(Status::Created),
            count(Status::Updated),
            count(Status::Unchanged),
            count(Status::Failed)
        )
    };
    printer.info(&summary);
}
