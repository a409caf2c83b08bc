//! `ecrctl repo delete`: describe what each repository holds (images, bytes, image tags),
//! refuse non-empty ones without `--force` before anything changes, ask once (or require
//! `--yes` off a terminal, like `lifecycle apply`), then delete.

use futures::stream::{self, StreamExt};
use serde::Serialize;

use crate::aws::{self, AwsContext, images, repositories};
use crate::cli::RepoDeleteArgs;
use crate::error::{CliError, Result};
use crate::model::repository::RepoSettings;
use crate::outcome::{CommandResult, Outcome};
use crate::output::{Printer, SchemaVersion, count, human_bytes};
use crate::settings::Settings;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeleteStatus {
    /// Dry run, or not yet confirmed.
    WouldDelete,
    Deleted,
    /// Not empty and no `--force`: nothing at all was deleted.
    Refused,
    /// The answer to the confirmation was no.
    Kept,
    /// No such repository.
    Missing,
    Failed,
}

impl DeleteStatus {
    fn label(self) -> &'static str {
        match self {
            Self::WouldDelete => "would delete",
            Self::Deleted => "deleted",
            Self::Refused => "refused: not empty (use --force)",
            Self::Kept => "kept",
            Self::Missing => "missing",
            Self::Failed => "failed",
        }
    }
}

/// One repository of a `repo delete` run, and what deleting it loses.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteRow {
    pub repository_name: String,
    pub repository_uri: Option<String>,
    pub status: DeleteStatus,
    /// Manifests in the repository (images, and indexes with their children); `None`
    /// (JSON null) when it could not be counted: unknown is never shown as 0.
    pub image_count: Option<usize>,
    /// Image tags that point into it.
    pub image_tag_count: Option<usize>,
    /// ECR's imageSizeInBytes summed (layers shared by images counted once per image).
    pub size_in_bytes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl DeleteRow {
    /// Images counted (0 when not counted: only counted rows are ever deleted).
    fn images(&self) -> usize {
        self.image_count.unwrap_or(0)
    }
}

/// `repo delete -o json` (docs/json-output.md).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteReport<'a> {
    pub schema_version: SchemaVersion,
    pub dry_run: bool,
    pub force: bool,
    pub repositories: &'a [DeleteRow],
}

pub async fn run(settings: &Settings, args: &RepoDeleteArgs, printer: &Printer) -> CommandResult {
    let names = check_names(&args.names)?;
    let ctx = aws::load(&settings.aws).await?;
    let jobs = usize::from(args.jobs);
    let mut rows: Vec<DeleteRow> = stream::iter(&names)
        .map(|name| inspect(&ctx, name))
        .buffered(jobs)
        .collect()
        .await;

    if !args.force {
        refuse_non_empty(&mut rows);
    }
    let refused: Vec<&DeleteRow> = rows
        .iter()
        .filter(|r| r.status == DeleteStatus::Refused)
        .collect();
    if !refused.is_empty() {
        let mut error = CliError::usage(format!(
            "{} not empty; nothing was deleted",
            count(refused.len(), "repository is", "repositories are")
        ));
        for row in &refused {
            error = error.with_cause(format!("{}: {}", row.repository_name, loss(row)));
        }
        print(printer, &rows, args);
        return Err(error.with_hint(
            "copy what you need first (ecrctl migrate), then add --force to delete the images too",
        ));
    }

    let pending = rows
        .iter()
        .filter(|r| r.status == DeleteStatus::WouldDelete)
        .count();
    if args.dry_run || pending == 0 {
        print(printer, &rows, args);
        if args.dry_run {
            printer.info(&format!(
                "dry run: {} would be deleted; nothing was changed",
                count(pending, "repository", "repositories")
            ));
        }
        return finish(&rows);
    }

    // What the question is about; with --yes nothing is asked, and the table that
    // follows says what was deleted.
    for row in rows
        .iter()
        .filter(|r| !args.yes && r.status == DeleteStatus::WouldDelete)
    {
        printer.info(&format!(
            "would delete `{}`: {}",
            row.repository_name,
            loss(row)
        ));
    }
    let question = format!(
        "Delete {}{}? This cannot be undone.",
        count(pending, "repository", "repositories"),
        total_loss(&rows)
    );
    let confirmed = crate::output::confirm(
        args.yes,
        &question,
        CliError::usage("not deleting without confirmation: stdin is not a terminal")
            .with_hint("review with --dry-run, then run again with --yes"),
    )?;
    if !confirmed {
        for row in &mut rows {
            if row.status == DeleteStatus::WouldDelete {
                row.status = DeleteStatus::Kept;
            }
        }
        print(printer, &rows, args);
        printer.info("not deleted: nothing changed");
        return finish(&rows);
    }

    let results: Vec<(usize, Result<()>)> = stream::iter(
        rows.iter()
            .enumerate()
            .filter(|(_, r)| r.status == DeleteStatus::WouldDelete),
    )
    .map(|(i, row)| {
        let ctx = &ctx;
        // Empty when described: no force, so an image pushed since then stops the delete.
        let force = args.force && row.images() > 0;
        async move {
            (
                i,
                repositories::delete(ctx, &row.repository_name, force).await,
            )
        }
    })
    .buffered(jobs)
    .collect()
    .await;
    for (i, result) in results {
        match result {
            Ok(()) => rows[i].status = DeleteStatus::Deleted,
            Err(error) => {
                rows[i].status = DeleteStatus::Failed;
                rows[i].error = Some(error.to_string());
            }
        }
    }
    print(printer, &rows, args);
    finish(&rows)
}

/// Valid names, each once, in the order given.
fn check_names(names: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::with_capacity(names.len());
    for name in names {
        if let Err(problem) = crate::names::check_repository_name(name) {
            return Err(crate::names::name_error(name, &problem));
        }
        if !out.contains(name) {
            out.push(name.clone());
        }
    }
    Ok(out)
}

async fn inspect(ctx: &AwsContext, name: &str) -> DeleteRow {
    let mut row = DeleteRow {
        repository_name: name.to_string(),
        repository_uri: None,
        status: DeleteStatus::WouldDelete,
        image_count: None,
        image_tag_count: None,
        size_in_bytes: None,
        error: None,
    };
    match repositories::observe(ctx, name, &RepoSettings::default()).await {
        Ok(Some(observed)) => row.repository_uri = Some(observed.uri),
        Ok(None) => {
            row.status = DeleteStatus::Missing;
            row.error = Some(format!("repository `{name}` does not exist"));
            return row;
        }
        Err(error) => {
            row.status = DeleteStatus::Failed;
            row.error = Some(error.to_string());
            return row;
        }
    }
    match images::describe_images(ctx, name).await {
        Ok(images) => {
            row.image_count = Some(images.len());
            row.image_tag_count = Some(images.iter().map(|i| i.tags.len()).sum());
            row.size_in_bytes = Some(images.iter().map(|i| i.size).sum());
        }
        // What would be lost is unknown: not deleted.
        Err(error) => {
            row.status = DeleteStatus::Failed;
            row.error = Some(format!("could not count its images: {error}"));
        }
    }
    row
}

fn refuse_non_empty(rows: &mut [DeleteRow]) {
    for row in rows {
        if row.status == DeleteStatus::WouldDelete && row.images() > 0 {
            row.status = DeleteStatus::Refused;
        }
    }
}

fn loss(row: &DeleteRow) -> String {
    if row.images() == 0 {
        return "empty".into();
    }
    format!(
        "{}, {}, {}",
        count(row.images(), "image", "images"),
        human_bytes(row.size_in_bytes.unwrap_or(0)),
        count(row.image_tag_count.unwrap_or(0), "image tag", "image tags")
    )
}

fn total_loss(rows: &[DeleteRow]) -> String {
    let pending = rows
        .iter()
        .filter(|r| r.status == DeleteStatus::WouldDelete);
    let images: usize = pending.clone().map(DeleteRow::images).sum();
    if images == 0 {
        return " (all empty)".into();
    }
    let bytes: u64 = pending.clone().filter_map(|r| r.size_in_bytes).sum();
    let tags: usize = pending.filter_map(|r| r.image_tag_count).sum();
    format!(
        " with {}, {}, {}",
        count(images, "image", "images"),
        human_bytes(bytes),
        count(tags, "image tag", "image tags")
    )
}

/// Exit 3 when a repository is missing or could not be deleted (the others are done).
fn finish(rows: &[DeleteRow]) -> CommandResult {
    let bad: Vec<&DeleteRow> = rows
        .iter()
        .filter(|r| matches!(r.status, DeleteStatus::Missing | DeleteStatus::Failed))
        .collect();
    if bad.is_empty() {
        return Ok(Outcome::Success);
    }
    let mut error = CliError::remote(format!(
        "{} of {} could not be deleted",
        bad.len(),
        count(rows.len(), "repository", "repositories")
    ));
    for row in bad {
        error = error.with_cause(format!(
            "{}: {}",
            row.repository_name,
            row.error.as_deref().unwrap_or("")
        ));
    }
    Err(error.with_hint("check the names with `ecrctl repo list`; the others were handled"))
}

fn print(printer: &Printer, rows: &[DeleteRow], args: &RepoDeleteArgs) {
    if printer.is_json() {
        return printer.json(&DeleteReport {
            schema_version: SchemaVersion,
            dry_run: args.dry_run,
            force: args.force,
            repositories: rows,
        });
    }
    printer.print_table(&table(printer, rows));
}

fn table(printer: &Printer, rows: &[DeleteRow]) -> comfy_table::Table {
    let mut table = printer.table(&["REPOSITORY", "STATUS", "IMAGES", "SIZE", "IMAGE TAGS"]);
    for row in rows {
        let status = match &row.error {
            Some(error) => format!("{}: {error}", row.status.label()),
            None => row.status.label().to_string(),
        };
        // Counts are known once the repository was described and its images counted.
        let cell = |v: Option<String>| v.unwrap_or_else(|| "-".into());
        table.add_row(vec![
            row.repository_name.clone(),
            status,
            cell(row.image_count.map(|n| n.to_string())),
            cell(row.size_in_bytes.map(human_bytes)),
            cell(row.image_tag_count.map(|n| n.to_string())),
        ]);
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, images: usize, status: DeleteStatus) -> DeleteRow {
        DeleteRow {
            repository_name: name.into(),
            repository_uri: Some(format!(
                "123456789012.dkr.ecr.us-east-1.amazonaws.com/{name}"
            )),
            status,
            image_count: Some(images),
            image_tag_count: Some(images * 2),
            size_in_bytes: Some(images as u64 * 1_572_864),
            error: None,
        }
    }

    #[test]
    fn non_empty_repositories_are_refused_without_force() {
        let mut rows = vec![
            row("a1", 0, DeleteStatus::WouldDelete),
            row("b1", 3, DeleteStatus::WouldDelete),
            row("c1", 0, DeleteStatus::Missing),
        ];
        refuse_non_empty(&mut rows);
        let statuses: Vec<DeleteStatus> = rows.iter().map(|r| r.status).collect();
        assert_eq!(
            statuses,
            [
                DeleteStatus::WouldDelete,
                DeleteStatus::Refused,
                DeleteStatus::Missing
            ]
        );
        assert_eq!(loss(&rows[1]), "3 images, 4.5 MiB, 6 image tags");
        assert_eq!(loss(&rows[0]), "empty");
    }

    #[test]
    fn the_question_sums_what_is_lost() {
        let rows = vec![
            row("a1", 1, DeleteStatus::WouldDelete),
            row("b1", 2, DeleteStatus::WouldDelete),
            row("c1", 5, DeleteStatus::Refused),
        ];
        assert_eq!(total_loss(&rows), " with 3 images, 4.5 MiB, 6 image tags");
        assert_eq!(
            total_loss(&[row("a1", 0, DeleteStatus::WouldDelete)]),
            " (all empty)"
        );
    }

    #[test]
    fn missing_and_failed_rows_exit_3() {
        assert!(finish(&[row("a1", 0, DeleteStatus::Deleted)]).is_ok());
        let mut missing = row("b1", 0, DeleteStatus::Missing);
        missing.error = Some("repository `b1` does not exist".into());
        let err = finish(&[row("a1", 0, DeleteStatus::Deleted), missing]).unwrap_err();
        assert_eq!(err.exit_code().code(), 3);
        assert!(err.causes()[0].contains("does not exist"));
    }

    #[test]
    fn names_are_checked_and_deduplicated() {
        assert_eq!(
            check_names(&["a1".into(), "a1".into(), "b1".into()]).unwrap(),
            ["a1", "b1"]
        );
        assert_eq!(
            check_names(&["Bad".into()]).unwrap_err().exit_code().code(),
            2
        );
    }

    #[test]
    fn table_shows_what_would_be_lost() {
        let printer = crate::output::plain_printer();
        let mut missing = row("c1", 0, DeleteStatus::Missing);
        missing.repository_uri = None;
        missing.error = Some("repository `c1` does not exist".into());
        let text = table(
            &printer,
            &[row("a1", 2, DeleteStatus::WouldDelete), missing],
        )
        .to_string();
        assert!(
            text.contains("would delete") && text.contains("3.0 MiB"),
            "{text}"
        );
        assert!(
            text.contains("missing: repository `c1` does not exist"),
            "{text}"
        );
    }
}
