//! `ecrctl lifecycle apply`: the preview and the policy diff first; refuses to expire
//! protected images without --force, and asks (or needs --yes) before changing anything.

use super::guard;
use super::in_use;
use super::inputs;
use super::preview;
use crate::aws::{self, images as ecr_images};
use crate::cli::LifecycleApplyArgs;
use crate::error::{CliError, Result};
use crate::outcome::{CommandResult, Outcome, Verdict};
use crate::output::Printer;
use crate::settings::Settings;
use crate::textdiff;

pub async fn run(
    settings: &Settings,
    args: &LifecycleApplyArgs,
    printer: &Printer,
) -> CommandResult {
    let (text, policy) = inputs::policy_file(&args.policy)?;
    let protection = inputs::protection(&args.protect)?;
    let in_use = in_use::sources(&args.protect.protect_in_use)?;
    let now = inputs::now(None)?;
    let ctx = aws::load(&settings.aws).await?;
    let repository = &args.repository;
    let current = ecr_images::get_lifecycle_policy(&ctx, repository).await?;
    let images = ecr_images::describe_images(&ctx, repository).await?;
    for warning in protection.warnings(Some(repository), &images) {
        printer.warn(&warning);
    }
    let workloads = in_use::gather(in_use, settings, Some(&ctx), printer).await?;
    workloads.print_summary(printer);
    let protection = workloads.protection_for(&protection, Some(repository), &images, printer);
    let preview = preview::evaluate(Some(repository.clone()), policy, images, now, &protection);
    let guard = guard::check(&preview, &protection, now, args.horizon);
    if printer.is_json() {
        printer.json(&guard::Guarded {
            document: preview.document(args.price_per_gb_month),
            protection_horizon: guard::report(&guard, &preview.images),
        });
    } else {
        preview.print(printer, args.price_per_gb_month, now);
        guard::print(printer, &guard, &preview.images);
    }
    let unchanged = current.as_deref().is_some_and(|c| same_json(c, &text));
    show_diff(printer, current.as_deref(), &text);

    if let Outcome::Verdict(protected) = guard::verdict(&[(&preview, &guard)]) {
        if !args.force {
            let mut refusal = Verdict::new("refusing to apply the policy; nothing was changed")
                .with_cause(protected.message);
            for cause in protected.causes {
                refusal = refusal.with_cause(cause);
            }
            return Ok(Outcome::Verdict(refusal.with_hint(
                "fix the policy so protected images stay, or pass --force to apply anyway",
            )));
        }
        printer.warn("--force: applying although protected images will be expired or archived");
    }
    if args.dry_run {
        printer.info("dry run: nothing was changed");
        return Ok(Outcome::Success);
    }
    if unchanged {
        printer.info(&format!(
            "`{repository}` already has this policy; nothing to do"
        ));
        return Ok(Outcome::Success);
    }
    if !confirm(args.yes, repository)? {
        return Ok(Outcome::Verdict(Verdict::new(
            "not applied: nothing was changed",
        )));
    }
    ecr_images::put_lifecycle_policy(&ctx, repository, &text).await?;
    printer.info(&format!(
        "applied the lifecycle policy to `{repository}` (ECR acts on it within 24 hours)"
    ));
    Ok(Outcome::Success)
}

fn same_json(a: &str, b: &str) -> bool {
    match (
        serde_json::from_str::<serde_json::Value>(a),
        serde_json::from_str::<serde_json::Value>(b),
    ) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

fn pretty(text: &str) -> String {
    serde_json::from_str::<serde_json::Value>(text)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .unwrap_or_else(|_| text.to_string())
}

fn show_diff(printer: &Printer, current: Option<&str>, new: &str) {
    for line in diff_text(current, new) {
        printer.info(&line);
    }
}

/// The policy change as a unified diff with context (or the whole new policy).
fn diff_text(current: Option<&str>, new: &str) -> Vec<String> {
    let old = current.map(pretty).unwrap_or_default();
    let header = match current {
        Some(_) => "policy change (- current, + new):",
        None => "the repository has no policy yet; new policy:",
    };
    let mut lines = vec![header.to_string()];
    lines.extend(
        textdiff::unified(&old, &pretty(new), textdiff::CONTEXT)
            .into_iter()
            .map(|line| format!("  {line}")),
    );
    lines
}

/// `--yes`, or a "y" typed at a terminal; otherwise nothing changes.
fn confirm(yes: bool, repository: &str) -> Result<bool> {
    crate::output::confirm(
        yes,
        &format!("Apply this policy to `{repository}`?"),
        CliError::usage("not applying without confirmation: stdin is not a terminal")
            .with_hint("review the preview above, then run again with --yes"),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn diff_shows_changes_with_context() {
        let current = r#"{"rules":[{"rulePriority":1,"description":"keep releases","selection":{"tagStatus":"tagged","tagPatternList":["v*"],"countType":"imageCountMoreThan","countNumber":2},"action":{"type":"expire"}}]}"#;
        let new = current.replace("\"countNumber\":2", "\"countNumber\":3");
        insta::assert_snapshot!(super::diff_text(Some(current), &new).join("\n"));
        let first = super::diff_text(None, current);
        assert_eq!(first[0], "the repository has no policy yet; new policy:");
        assert!(
            first[2..].iter().all(|l| l.starts_with("  + ")),
            "{first:?}"
        );
    }
}
