//! `ecrctl lifecycle apply`: one desired policy put on one or many repositories. Each
//! repository is read (its policy and images), then `decide` says — purely — what would
//! change: the per-rule diff, the images that stop or start expiring, and what blocks it
//! (protected images the new policy touches). Then the drift report (`unchanged / would
//! change / changed / error`), one confirmation for the batch, and the puts. An unchanged
//! policy is never put again.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use futures::stream::{self, StreamExt};
use serde::Serialize;
use serde_json::Value;

use super::engine::{self, Outcome as ImageOutcome};
use super::fleet::{self, ErrorRow, Place, Target};
use super::guard::{self, Guard, HorizonReport};
use super::images::{Image, Micros};
use super::in_use;
use super::inputs;
use super::judge::{Judge, Judged};
use super::policy::Policy;
use super::report::{Preview, RepositoryPreview};
use crate::aws::{AwsContext, images as ecr_images};
use crate::cli::LifecycleApplyArgs;
use crate::error::{CliError, Result};
use crate::input;
use crate::outcome::{CommandResult, Outcome, Verdict};
use crate::output::{Printer, SchemaVersion};
use crate::settings::Settings;
use crate::textdiff;

/// The policy to put, as given and as normalized rules.
pub struct Desired {
    pub text: String,
    pub policy: Policy,
}

/// What a repository holds now.
pub struct RepoState {
    pub current: Option<String>,
    pub images: Vec<Image>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Status {
    Unchanged,
    #[serde(rename = "would change")]
    WouldChange,
    Changed,
    Error,
}

impl Status {
    fn text(self) -> &'static str {
        match self {
            Status::Unchanged => "unchanged",
            Status::WouldChange => "would change",
            Status::Changed => "changed",
            Status::Error => "error",
        }
    }
}

/// How one rule (matched by `rulePriority`) differs between the current and new policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleChange {
    pub rule_priority: Option<u64>,
    pub change: &'static str,
}

/// The images the new policy acts on (expires or archives) that the current one does not,
/// and the other way round.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExpiringChange {
    pub stop: Vec<String>,
    pub start: Vec<String>,
}

/// The decision for one repository.
pub struct Plan {
    pub place: Place,
    pub repository: Option<String>,
    pub status: Status,
    pub error: Option<CliError>,
    pub preview: Option<Preview>,
    /// When the new policy first touches a protected image (`--horizon`).
    pub guard: Option<Guard>,
    pub rules: Vec<RuleChange>,
    pub diff: Vec<String>,
    /// `None` when there is no current policy to compare with (or it cannot be read).
    pub expiring: Option<ExpiringChange>,
    /// Why applying here is refused without --force (a protected image the policy touches).
    pub blocked: Vec<String>,
    /// The client for the repository's place (set by `run`; `decide` makes no call).
    pub ctx: Option<AwsContext>,
}

impl Plan {
    fn failed(place: Place, repository: Option<String>, error: CliError) -> Self {
        Self {
            place,
            repository,
            status: Status::Error,
            error: Some(error),
            preview: None,
            guard: None,
            rules: Vec::new(),
            diff: Vec::new(),
            expiring: None,
            blocked: Vec::new(),
            ctx: None,
        }
    }

    fn label(&self) -> String {
        let name = self.repository.as_deref().unwrap_or("(all repositories)");
        match &self.place.region {
            Some(region) => format!("{name} ({region})"),
            None => name.to_string(),
        }
    }
}

/// Decides, without any call, what applying `desired` to a repository in `state` means.
pub fn decide(
    place: Place,
    repository: String,
    state: RepoState,
    desired: &Desired,
    judge: &Judge<'_>,
) -> Plan {
    let now = judge.now;
    let (rules, diff) = rule_diff(state.current.as_deref(), &desired.text);
    let unchanged = state.current.is_some() && rules.iter().all(|r| r.change == "unchanged");
    let old_acted = state
        .current
        .as_deref()
        .and_then(|text| inputs::parse_policy(text, "current").ok())
        .map(|old| {
            acted(
                &engine::evaluate(&old, &state.images, now).outcomes,
                &state.images,
            )
        });
    let region = place.region.clone();
    let Judged { preview, guard } = judge.judge(
        place.registry_id.as_deref(),
        region.as_deref(),
        Some(repository.clone()),
        desired.policy.clone(),
        state.images,
    );
    let new_acted = acted(&preview.evaluation.outcomes, &preview.images);
    let expiring = old_acted.map(|old| ExpiringChange {
        stop: old.difference(&new_acted).cloned().collect(),
        start: new_acted.difference(&old).cloned().collect(),
    });
    // Protected images touched now, or within --horizon: the same verdict as preview's.
    let blocked = match guard::verdict(&[(&preview, &guard)]) {
        Outcome::Verdict(v) => std::iter::once(v.message).chain(v.causes).collect(),
        Outcome::Success => Vec::new(),
    };
    Plan {
        place,
        repository: Some(repository),
        status: match unchanged {
            true => Status::Unchanged,
            false => Status::WouldChange,
        },
        error: None,
        preview: Some(preview),
        guard: Some(guard),
        rules,
        diff,
        expiring,
        blocked,
        ctx: None,
    }
}

fn acted(outcomes: &[ImageOutcome], images: &[Image]) -> BTreeSet<String> {
    images
        .iter()
        .zip(outcomes)
        .filter(|(_, o)| !matches!(o, ImageOutcome::Keep { .. }))
        .map(|(i, _)| i.digest.clone())
        .collect()
}

/// Object keys sorted at every level: the form two policies are compared and shown in.
fn normalized(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let sorted: BTreeMap<&String, Value> =
                map.iter().map(|(k, v)| (k, normalized(v))).collect();
            Value::Object(sorted.into_iter().map(|(k, v)| (k.clone(), v)).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(normalized).collect()),
        other => other.clone(),
    }
}

/// The rules of a policy document by `rulePriority`, normalized; `None` when the text is
/// not a document of rules (then the diff is of the whole text).
fn rules_by_priority(text: &str) -> Option<(BTreeMap<u64, Value>, Value)> {
    let value: Value = serde_json::from_str(text).ok()?;
    let mut rest = value.as_object()?.clone();
    let rules = rest.remove("rules")?;
    let mut out = BTreeMap::new();
    for rule in rules.as_array()? {
        let priority = rule.get("rulePriority")?.as_u64()?;
        if out.insert(priority, normalized(rule)).is_some() {
            return None;
        }
    }
    Some((out, normalized(&Value::Object(rest))))
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).expect("JSON values serialize") + "\n"
}

/// The change per rule (matched by `rulePriority`, normalized JSON), with `-` lines before
/// `+` lines and context; rules in another order are the same policy.
pub fn rule_diff(current: Option<&str>, new: &str) -> (Vec<RuleChange>, Vec<String>) {
    let Some((new_rules, new_rest)) = rules_by_priority(new) else {
        return whole_text(current, new);
    };
    let Some(current) = current else {
        let mut lines = vec!["the repository has no policy yet; new policy:".to_string()];
        lines.extend(
            textdiff::unified(
                "",
                &pretty(&normalized(&serde_json::from_str(new).unwrap_or_default())),
                textdiff::CONTEXT,
            )
            .into_iter()
            .map(|l| format!("  {l}")),
        );
        let rules = new_rules
            .keys()
            .map(|p| RuleChange {
                rule_priority: Some(*p),
                change: "added",
            })
            .collect();
        return (rules, lines);
    };
    let Some((old_rules, old_rest)) = rules_by_priority(current) else {
        return whole_text(Some(current), new);
    };
    let mut changes = Vec::new();
    let mut lines = vec!["policy change by rule (- current, + new):".to_string()];
    let priorities: BTreeSet<u64> = old_rules.keys().chain(new_rules.keys()).copied().collect();
    for p in priorities {
        let (old, new) = (old_rules.get(&p), new_rules.get(&p));
        let change = match (old, new) {
            (Some(a), Some(b)) if a == b => "unchanged",
            (Some(_), Some(_)) => "changed",
            (None, Some(_)) => "added",
            (Some(_), None) => "removed",
            (None, None) => unreachable!("a priority comes from one of the policies"),
        };
        let description = new
            .or(old)
            .and_then(|r| r.get("description"))
            .and_then(Value::as_str)
            .map(|d| format!(" ({d})"))
            .unwrap_or_default();
        lines.push(format!("  rule {p}{description}: {change}"));
        if change != "unchanged" {
            let text = |r: Option<&Value>| r.map(pretty).unwrap_or_default();
            lines.extend(
                textdiff::unified(&text(old), &text(new), textdiff::CONTEXT)
                    .into_iter()
                    .map(|l| format!("    {l}")),
            );
        }
        changes.push(RuleChange {
            rule_priority: Some(p),
            change,
        });
    }
    if old_rest != new_rest {
        lines.push("  outside the rules:".to_string());
        lines.extend(
            textdiff::unified(&pretty(&old_rest), &pretty(&new_rest), textdiff::CONTEXT)
                .into_iter()
                .map(|l| format!("    {l}")),
        );
        changes.push(RuleChange {
            rule_priority: None,
            change: "changed",
        });
    }
    (changes, lines)
}

fn whole_text(current: Option<&str>, new: &str) -> (Vec<RuleChange>, Vec<String>) {
    let old = current.unwrap_or_default();
    let change = match old == new {
        true => "unchanged",
        false => "changed",
    };
    let mut lines = vec!["policy change (- current, + new):".to_string()];
    lines.extend(
        textdiff::unified(old, new, textdiff::CONTEXT)
            .into_iter()
            .map(|l| format!("  {l}")),
    );
    (
        vec![RuleChange {
            rule_priority: None,
            change,
        }],
        lines,
    )
}

/// `lifecycle apply -o json` for one repository (the preview's fields plus these) and,
/// in `repositories`, for many.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ApplyRepository<'a> {
    #[serde(flatten)]
    place: &'a Place,
    #[serde(skip_serializing_if = "Option::is_none")]
    repository_name: Option<&'a str>,
    status: Status,
    rule_changes: &'a [RuleChange],
    #[serde(skip_serializing_if = "Option::is_none")]
    stop_expiring: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_expiring: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ErrorRow<'a>>,
    #[serde(flatten)]
    preview: Option<RepositoryPreview<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    protection_horizon: Option<HorizonReport<'a>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SingleDocument<'a> {
    schema_version: SchemaVersion,
    dry_run: bool,
    #[serde(flatten)]
    repository: ApplyRepository<'a>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct BatchDocument<'a> {
    schema_version: SchemaVersion,
    dry_run: bool,
    repositories: Vec<ApplyRepository<'a>>,
    counts: BTreeMap<&'static str, usize>,
}

fn json_of<'a>(plan: &'a Plan, price: f64) -> ApplyRepository<'a> {
    ApplyRepository {
        place: &plan.place,
        repository_name: match plan.preview {
            Some(_) => None,
            None => plan.repository.as_deref(),
        },
        status: plan.status,
        rule_changes: &plan.rules,
        stop_expiring: plan.expiring.as_ref().map(|e| e.stop.as_slice()),
        start_expiring: plan.expiring.as_ref().map(|e| e.start.as_slice()),
        error: plan
            .error
            .as_ref()
            .map(|e| ErrorRow::new(&plan.place, plan.repository.as_deref(), e)),
        preview: plan.preview.as_ref().map(|p| p.report(price)),
        protection_horizon: plan
            .guard
            .as_ref()
            .zip(plan.preview.as_ref())
            .map(|(g, p)| guard::report(g, &p.images)),
    }
}

pub async fn run(
    settings: &Settings,
    args: &LifecycleApplyArgs,
    printer: &Printer,
) -> CommandResult {
    let (text, policy) = fleet::read_policy(&args.policy)?;
    let protection = inputs::protection(&args.protect)?;
    let in_use = in_use::sources(&args.protect.protect_in_use)?;
    let names = args
        .target
        .repositories_from
        .as_deref()
        .map(repository_names)
        .transpose()?;
    let now = inputs::now(None)?;
    let desired = Desired { text, policy };
    let contexts = fleet::contexts(&settings.aws).await?;
    let single = args.target.repository.is_some() && contexts.len() == 1;
    let mut judge = Judge::new(now, args.horizon, &protection, printer);
    judge.read_workloads(&in_use, settings, &contexts).await?;
    let (targets, failures) = match &args.target.repository {
        Some(name) => (
            contexts
                .iter()
                .map(|ctx| Target {
                    place: Place {
                        region: Some(ctx.region.clone()),
                        registry_id: ctx.registry_id.clone(),
                    },
                    repository: name.clone(),
                    ctx: ctx.clone(),
                })
                .collect(),
            Vec::new(),
        ),
        None => {
            let prefix = args.target.repository_prefix.as_deref();
            fleet::targets(&contexts, prefix, names.as_deref()).await
        }
    };
    if targets.is_empty() && failures.is_empty() {
        return Err(
            CliError::usage("no repository matches; nothing was changed")
                .with_hint("check --repository-prefix, --region and --registry-id"),
        );
    }
    let mut plans: Vec<Plan> = failures
        .into_iter()
        .map(|f| Plan::failed(f.place, None, f.error))
        .collect();
    let decided: Vec<Plan> = stream::iter(targets)
        .map(|target| {
            let (desired, judge, protection) = (&desired, &judge, &protection);
            async move {
                match read_state(&target).await {
                    Ok(state) => {
                        if single {
                            // A pattern that matches nothing may be a typo.
                            for warning in
                                protection.warnings(Some(target.repository.as_str()), &state.images)
                            {
                                printer.warn(&warning);
                            }
                        }
                        Plan {
                            ctx: Some(target.ctx),
                            ..decide(target.place, target.repository, state, desired, judge)
                        }
                    }
                    Err(e) => Plan::failed(target.place, Some(target.repository), e),
                }
            }
        })
        .buffered(usize::from(args.jobs))
        .collect()
        .await;
    plans.extend(decided);

    // Human notes go to stderr (also with -o json); -q silences them and the tables.
    if !printer.quiet {
        for plan in &plans {
            let limit = super::report::table_limit(args.limit);
            print_plan(plan, single, (args.price_per_gb_month, limit), now, printer);
        }
    }
    let finish = |plans: &[Plan], outcome: Outcome, dry_run: bool| -> CommandResult {
        if printer.is_json() {
            emit_json(plans, single, dry_run, args.price_per_gb_month, printer);
        }
        print_drift(plans, single, printer);
        worst(plans, outcome)
    };

    // Each blocked plan holds the guard's verdict: its message, then one line per image.
    let blocked: Vec<&String> = plans.iter().flat_map(|p| &p.blocked).collect();
    if !blocked.is_empty() {
        if !args.force {
            let mut refusal = Verdict::new("refusing to apply the policy; nothing was changed");
            for cause in blocked {
                refusal = refusal.with_cause(cause.clone());
            }
            let refusal = refusal.with_hint(
                "fix the policy so protected images stay, or pass --force to apply anyway",
            );
            return finish(&plans, Outcome::Verdict(refusal), true);
        }
        printer.warn("--force: applying although protected images will be expired or archived");
    }
    let to_change = plans
        .iter()
        .filter(|p| p.status == Status::WouldChange)
        .count();
    if args.dry_run {
        let result = finish(&plans, Outcome::Success, true);
        printer.info("dry run: nothing was changed");
        return result;
    }
    if to_change == 0 {
        let result = finish(&plans, Outcome::Success, false);
        printer.info("nothing to change: the policy is already in place");
        return result;
    }
    print_drift(&plans, single, printer);
    let question = match (
        single,
        plans.iter().find(|p| p.status == Status::WouldChange),
    ) {
        (true, Some(plan)) => format!(
            "Apply this policy to `{}`?",
            plan.repository.as_deref().unwrap_or_default()
        ),
        _ => format!(
            "Apply this policy to {}?",
            crate::output::count(to_change, "repository", "repositories")
        ),
    };
    let confirmed = crate::output::confirm(
        args.yes,
        &question,
        CliError::usage("not applying without confirmation: stdin is not a terminal")
            .with_hint("review the preview above, then run again with --yes"),
    )?;
    if !confirmed {
        printer.info("not applied: nothing changed");
        return worst(&plans, Outcome::Success);
    }
    let put: Vec<(usize, Result<()>)> = stream::iter(
        plans
            .iter()
            .enumerate()
            .filter(|(_, p)| p.status == Status::WouldChange)
            .filter_map(|(i, p)| Some((i, p.repository.clone()?, p.ctx.clone()?))),
    )
    .map(|(i, name, ctx)| {
        let text = &desired.text;
        async move { (i, ecr_images::put_lifecycle_policy(&ctx, &name, text).await) }
    })
    .buffered(usize::from(args.jobs))
    .collect()
    .await;
    for (i, result) in put {
        let plan = &mut plans[i];
        match result {
            Ok(()) => {
                plan.status = Status::Changed;
                printer.info(&format!(
                    "applied the lifecycle policy to `{}` (ECR acts on it within 24 hours)",
                    plan.label()
                ));
            }
            Err(e) => {
                plan.status = Status::Error;
                plan.error = Some(e);
            }
        }
    }
    if printer.is_json() {
        emit_json(&plans, single, false, args.price_per_gb_month, printer);
    }
    if !single {
        print_drift(&plans, single, printer);
    }
    worst(&plans, Outcome::Success)
}

async fn read_state(target: &Target) -> Result<RepoState> {
    let current = ecr_images::get_lifecycle_policy(&target.ctx, &target.repository).await?;
    let images = ecr_images::describe_images(&target.ctx, &target.repository).await?;
    Ok(RepoState { current, images })
}

/// `--repositories-from FILE`: names one per line; blank lines and `#` comments skipped.
fn repository_names(path: &Path) -> Result<Vec<String>> {
    let text = input::read_file(path, input::LIST)?;
    let mut names = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let name = line.split('#').next().unwrap_or_default().trim();
        if name.is_empty() {
            continue;
        }
        crate::names::check_repository_name(name).map_err(|problem| {
            crate::names::name_error(name, &problem).context(format!(
                "{} line {}: not a repository name",
                path.display(),
                n + 1
            ))
        })?;
        if !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
    }
    if names.is_empty() {
        return Err(
            CliError::usage(format!("{} names no repository", path.display()))
                .with_hint("one repository name per line"),
        );
    }
    Ok(names)
}

/// `table` is the price per GB-month and the image rows shown (`--limit`).
fn print_plan(plan: &Plan, single: bool, table: (f64, usize), now: Micros, printer: &Printer) {
    let (price, limit) = table;
    if !single {
        printer.info(&format!("== {}: {}", plan.label(), plan.status.text()));
    }
    if let Some(e) = &plan.error {
        printer.warn(&format!("{}: {}", plan.label(), e.message()));
        return;
    }
    if let Some(preview) = &plan.preview {
        if single && !printer.is_json() {
            preview.print_limited(printer, price, now, limit);
        } else {
            printer.info(&preview.summary(price));
        }
        if let Some(guard) = &plan.guard
            && !printer.is_json()
        {
            match guard::sentence(guard, &preview.images) {
                Some(line) if !single => printer.info(&format!("{}: {line}", plan.label())),
                _ => guard::print(printer, guard, &preview.images),
            }
        }
    }
    if plan.status == Status::Unchanged {
        printer.info(&format!(
            "`{}` already has this policy (rules compared by rulePriority): unchanged",
            plan.repository.as_deref().unwrap_or_default()
        ));
    } else {
        for line in &plan.diff {
            printer.info(line);
        }
    }
    if let Some(change) = &plan.expiring {
        printer.info(&expiring_line(change));
    }
}

fn expiring_line(change: &ExpiringChange) -> String {
    let list = |digests: &[String]| {
        let mut shown: Vec<String> = digests
            .iter()
            .take(5)
            .map(|d| engine::short_digest(d))
            .collect();
        if digests.len() > 5 {
            shown.push(format!("… {} more", digests.len() - 5));
        }
        match shown.is_empty() {
            true => String::new(),
            false => format!(" ({})", shown.join(", ")),
        }
    };
    format!(
        "compared with the current policy: {} stop expiring{}, {} start{} (expire or archive)",
        crate::output::count(change.stop.len(), "image", "images"),
        list(&change.stop),
        change.start.len(),
        list(&change.start)
    )
}

/// The drift report: a table on stdout for many repositories (not with -o json or -q),
/// and its counts on stderr.
fn print_drift(plans: &[Plan], single: bool, printer: &Printer) {
    let count = |s: Status| plans.iter().filter(|p| p.status == s).count();
    printer.info(&format!(
        "drift: {} unchanged, {} would change, {} changed, {} error",
        count(Status::Unchanged),
        count(Status::WouldChange),
        count(Status::Changed),
        count(Status::Error)
    ));
    if single || printer.is_json() || printer.quiet {
        return;
    }
    let mut table = printer.table(&[
        "REGION",
        "REPOSITORY",
        "STATUS",
        "EXPIRING",
        "STOP",
        "START",
        "PROTECTED HIT",
    ]);
    for plan in plans {
        let (expiring, hits) = match &plan.preview {
            Some(p) => (
                p.totals(0.0).expiring.to_string(),
                p.violations.len().to_string(),
            ),
            None => ("-".into(), "-".into()),
        };
        let (stop, start) = match &plan.expiring {
            Some(e) => (e.stop.len().to_string(), e.start.len().to_string()),
            None => ("-".into(), "-".into()),
        };
        let status = match &plan.error {
            Some(e) => format!("error: {}", crate::output::sanitize_field(e.message(), " ")),
            None => plan.status.text().to_string(),
        };
        table.add_row(vec![
            plan.place.region.clone().unwrap_or_default(),
            plan.repository
                .clone()
                .unwrap_or_else(|| "(all repositories)".into()),
            status,
            expiring,
            stop,
            start,
            hits,
        ]);
    }
    printer.print_table(&table);
}

fn emit_json(plans: &[Plan], single: bool, dry_run: bool, price: f64, printer: &Printer) {
    if single && let [plan] = plans {
        printer.json(&SingleDocument {
            schema_version: SchemaVersion,
            dry_run,
            repository: json_of(plan, price),
        });
        return;
    }
    let mut counts = BTreeMap::new();
    for s in [
        Status::Unchanged,
        Status::WouldChange,
        Status::Changed,
        Status::Error,
    ] {
        counts.insert(
            match s {
                Status::Unchanged => "unchanged",
                Status::WouldChange => "wouldChange",
                Status::Changed => "changed",
                Status::Error => "error",
            },
            plans.iter().filter(|p| p.status == s).count(),
        );
    }
    printer.json(&BatchDocument {
        schema_version: SchemaVersion,
        dry_run,
        repositories: plans.iter().map(|p| json_of(p, price)).collect(),
        counts,
    });
}

/// The worst of the plans: an error (3) over the outcome so far.
fn worst(plans: &[Plan], outcome: Outcome) -> CommandResult {
    let failed: Vec<(String, &CliError)> = plans
        .iter()
        .filter_map(|p| p.error.as_ref().map(|e| (p.label(), e)))
        .collect();
    fleet::worst_of(&failed, outcome, "read or changed")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle::protect::Protection;

    const CURRENT: &str = r#"{"rules":[{"rulePriority":1,"description":"keep releases","selection":{"tagStatus":"tagged","tagPatternList":["v*"],"countType":"imageCountMoreThan","countNumber":2},"action":{"type":"expire"}},{"rulePriority":2,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":1},"action":{"type":"expire"}}]}"#;

    #[test]
    fn diff_is_per_rule_with_context_and_minus_before_plus() {
        let new = CURRENT.replace("\"countNumber\":2", "\"countNumber\":3");
        let (rules, lines) = rule_diff(Some(CURRENT), &new);
        assert_eq!(
            rules.iter().map(|r| r.change).collect::<Vec<_>>(),
            ["changed", "unchanged"]
        );
        insta::assert_snapshot!(lines.join("\n"));
        let minus = lines
            .iter()
            .position(|l| l.contains("- ") && l.contains("2"))
            .unwrap();
        let plus = lines
            .iter()
            .position(|l| l.contains("+ ") && l.contains("3"))
            .unwrap();
        assert!(minus < plus);
    }

    #[test]
    fn reordered_rules_and_keys_are_unchanged() {
        // The same two rules, in the other order, keys in another order, other spacing.
        let reordered = r#"{"rules":[
          {"action":{"type":"expire"},"rulePriority":2,"selection":{"countNumber":1,"countUnit":"days","countType":"sinceImagePushed","tagStatus":"untagged"}},
          {"selection":{"tagStatus":"tagged","tagPatternList":["v*"],"countType":"imageCountMoreThan","countNumber":2},"rulePriority":1,"description":"keep releases","action":{"type":"expire"}}]}"#;
        let (changes, _) = rule_diff(Some(CURRENT), reordered);
        assert!(
            changes.iter().all(|c| c.change == "unchanged"),
            "{changes:?}"
        );
        let desired = Desired {
            policy: inputs::parse_policy(reordered, "new").unwrap(),
            text: reordered.to_string(),
        };
        let state = RepoState {
            current: Some(CURRENT.to_string()),
            images: Vec::new(),
        };
        let plan = decide_at("r", state, &desired, 0, &Protection::default());
        assert_eq!(plan.status, Status::Unchanged);
    }

    #[test]
    fn added_and_removed_rules_are_named() {
        let one: Value = serde_json::from_str(CURRENT).unwrap();
        let only_first = serde_json::json!({"rules": [one["rules"][0].clone()]}).to_string();
        let (changes, lines) = rule_diff(Some(CURRENT), &only_first);
        assert_eq!(changes[1].change, "removed");
        assert!(lines.iter().any(|l| l == "  rule 2: removed"), "{lines:?}");
        let (changes, lines) = rule_diff(None, CURRENT);
        assert!(changes.iter().all(|c| c.change == "added"));
        assert_eq!(lines[0], "the repository has no policy yet; new policy:");
    }

    /// Decides as `apply` does at `now`, with `protection` and no horizon.
    fn decide_at(
        repository: &str,
        state: RepoState,
        desired: &Desired,
        now: Micros,
        protection: &Protection,
    ) -> Plan {
        let printer = crate::output::plain_printer();
        let judge = Judge::new(now, std::time::Duration::ZERO, protection, &printer);
        decide(Place::default(), repository.into(), state, desired, &judge)
    }

    fn image(digest: &str, tag: &str, day: i64) -> Image {
        Image::new(
            digest,
            vec![tag.to_string()],
            day * crate::model::image::MICROS_PER_DAY,
        )
    }

    #[test]
    fn decide_reports_which_images_stop_and_start_expiring() {
        let images = vec![
            image("sha256:1", "v1", 1),
            image("sha256:2", "v2", 2),
            image("sha256:3", "v3", 3),
            image("sha256:4", "v4", 4),
        ];
        let new_text = CURRENT.replace("\"countNumber\":2", "\"countNumber\":1");
        let desired = Desired {
            policy: inputs::parse_policy(&new_text, "new").unwrap(),
            text: new_text,
        };
        let state = RepoState {
            current: Some(CURRENT.to_string()),
            images,
        };
        let plan = decide_at(
            "team/api",
            state,
            &desired,
            10 * crate::model::image::MICROS_PER_DAY,
            &Protection {
                tag_globs: vec!["v3".into()],
                in_use: Vec::new(),
            },
        );
        assert_eq!(plan.status, Status::WouldChange);
        let change = plan.expiring.unwrap();
        assert!(change.stop.is_empty());
        assert_eq!(change.start, ["sha256:3"]);
        assert_eq!(plan.blocked.len(), 2, "v3 is protected: {:?}", plan.blocked);
        assert!(
            plan.blocked[1].starts_with("team/api "),
            "{:?}",
            plan.blocked
        );
    }

    #[test]
    fn the_same_policy_is_unchanged() {
        let desired = Desired {
            policy: inputs::parse_policy(CURRENT, "new").unwrap(),
            text: CURRENT.to_string(),
        };
        let plan = decide_at(
            "team/api",
            RepoState {
                current: Some(CURRENT.to_string()),
                images: Vec::new(),
            },
            &desired,
            0,
            &Protection::default(),
        );
        assert_eq!(plan.status, Status::Unchanged);
        assert_eq!(plan.expiring, Some(ExpiringChange::default()));
    }
}
