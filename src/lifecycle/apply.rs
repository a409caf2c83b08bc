//! `ecrctl lifecycle apply`: the preview and the policy diff first; refuses to expire
//! protected images without --force, and asks (or needs --yes) before changing anything.

use super::inputs;
use super::preview;
use crate::aws::{self, images as ecr_images};
use crate::cli::LifecycleApplyArgs;
use crate::error::{CliError, Result};
use crate::outcome::{CommandResult, Outcome, Verdict};
use crate::output::Printer;
use crate::settings::Settings;
use crate::textdiff::diff_lines;

pub async fn run(
    settings: &Settings,
    args: &LifecycleApplyArgs,
    printer: &Printer,
) -> CommandResult {
    let (text, policy) = inputs::policy_file(&args.policy)?;
    let protection = inputs::protection(&args.protect)?;
    let now = inputs::now(None)?;
    let ctx = aws::load(&settings.aws).await?;
    let repository = &args.repository;
    let current = ecr_images::get_lifecycle_policy(&ctx, repository).await?;
    let images = ecr_images::describe_images(&ctx, repository).await?;
    let preview = preview::evaluate(Some(repository.clone()), policy, images, now, &protection);
    if printer.is_json() {
        printer.json(&preview.json(args.price_per_gb_month));
    } else {
        preview.print(printer, args.price_per_gb_month, now);
    }
    let unchanged = current.as_deref().is_some_and(|c| same_json(c, &text));
    show_diff(printer, current.as_deref(), &text);

    if let Outcome::Verdict(protected) = preview::verdict(&[&preview]) {
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
    let old = current.map(pretty).unwrap_or_default();
    let header = match current {
        Some(_) => "policy change (- current, + new):",
        None => "the repository has no policy yet; new policy:",
    };
    let lines: Vec<String> = diff_lines(&old, &pretty(new))
        .into_iter()
        .filter(|l| current.is_none() || !l.starts_with("  "))
        .collect();
    printer.info(header);
    for line in lines {
        printer.info(&format!("  {line}"));
    }
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
