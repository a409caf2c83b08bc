//! `ecrctl repo list`: every repository with its settings. The JSON form uses ECR's field
//! names, so it can be fed back to `repo create --from-file` (e.g. in another region).

use crate::aws::{self, repositories};
use crate::cli::RepoListArgs;
use crate::outcome::{CommandResult, Outcome};
use crate::output::Printer;
use crate::settings::Settings;

pub async fn run(settings: &Settings, args: &RepoListArgs, printer: &Printer) -> CommandResult {
    let ctx = aws::load(&settings.aws).await?;
    let repos = repositories::list(&ctx, args.prefix.as_deref()).await?;
    if printer.is_json() {
        printer.json(&serde_json::json!({ "repositories": repos }));
        return Ok(Outcome::Success);
    }
    let mut table = printer.table(&[
        "REPOSITORY",
        "URI",
        "TAG MUTABILITY",
        "SCAN ON PUSH",
        "ENCRYPTION",
    ]);
    for repo in &repos {
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
    printer.print_table(&table);
    printer.info(&crate::output::count(
        repos.len(),
        "repository",
        "repositories",
    ));
    Ok(Outcome::Success)
}
