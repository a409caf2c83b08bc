//! Registry-wide and organization-wide runs: the places (`--region` × `--registry-id`),
//! the repositories in each, one row per repository whatever happens to it (previewed,
//! without a policy, or an error), and the exit code of the worst row.
//!
//! One repository never aborts the run: a bad policy, AccessDenied or throttling that
//! outlasted the retries becomes that repository's error row. Precedence of the exit code:
//! an error row (3) over a protected image the policy would touch (1) over success (0).

use std::collections::BTreeMap;
use std::path::Path;

use futures::stream::{self, StreamExt};
use serde::Serialize;

use super::guard::{self, Guard, HorizonReport};
use super::images::Image;
use super::inputs;
use super::judge::{Judge, Judged};
use super::policy::Policy;
use super::report::{Preview, RepositoryPreview, Totals};
use crate::aws::{self, AwsContext, AwsSettings, images as ecr_images, repositories};
use crate::error::{CliError, Result};
use crate::input;
use crate::outcome::{self, CommandResult};
use crate::output::{Printer, SchemaVersion};

/// `--policy FILE`, or `--policy -` for standard input (bounded like a file), linted.
pub fn read_policy(path: &Path) -> Result<(String, Policy)> {
    if path.as_os_str() != "-" {
        return inputs::policy_file(path);
    }
    let text = input::read_stdin(input::POLICY)?;
    let policy = inputs::parse_policy(&text, "the policy on standard input")?;
    Ok((text, policy))
}

/// Where a repository lives: region and account, when known (offline files say neither).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Place {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registry_id: Option<String>,
}

/// One AWS context per `--region` × `--registry-id` given (the configured region and the
/// caller's registry when none is). Configuration problems (no region, no credentials)
/// are the whole command's error: they are not one repository's.
pub async fn contexts(aws: &AwsSettings) -> Result<Vec<AwsContext>> {
    let regions: Vec<Option<String>> = match aws.regions.is_empty() {
        true => vec![None],
        false => dedup(&aws.regions).into_iter().map(Some).collect(),
    };
    let ids: Vec<Option<String>> = match aws.registry_ids.is_empty() {
        true => vec![None],
        false => dedup(&aws.registry_ids).into_iter().map(Some).collect(),
    };
    let mut out = Vec::new();
    for region in &regions {
        for id in &ids {
            let mut scoped = aws.clone();
            scoped.regions = region.iter().cloned().collect();
            scoped.registry_ids = id.iter().cloned().collect();
            out.push(aws::load(&scoped).await?);
        }
    }
    Ok(out)
}

fn dedup(values: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in values {
        if !out.contains(v) {
            out.push(v.clone());
        }
    }
    out
}

/// The account in a repository ARN (`arn:aws:ecr:REGION:ACCOUNT:repository/NAME`).
pub fn account_of_arn(arn: &str) -> Option<String> {
    let account = arn.split(':').nth(4)?;
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()))
        .then(|| account.to_string())
}

/// A repository to work on, in its place, with the client for that place.
#[derive(Debug, Clone)]
pub struct Target {
    pub place: Place,
    pub repository: String,
    pub ctx: AwsContext,
}

/// A place whose repositories could not be listed: an error row of its own.
#[derive(Debug)]
pub struct PlaceFailure {
    pub place: Place,
    pub error: CliError,
}

/// The repositories of every place (names starting with `prefix`, or exactly the
/// `names` given), sorted by place and name.
pub async fn targets(
    contexts: &[AwsContext],
    prefix: Option<&str>,
    names: Option<&[String]>,
) -> (Vec<Target>, Vec<PlaceFailure>) {
    let mut found = Vec::new();
    let mut failures = Vec::new();
    for ctx in contexts {
        let place = Place {
            region: Some(ctx.region.clone()),
            registry_id: ctx.registry_id.clone(),
        };
        match repositories::list(ctx, prefix).await {
            Ok(list) => {
                for repo in list {
                    if names.is_some_and(|n| !n.contains(&repo.repository_name)) {
                        continue;
                    }
                    let place = Place {
                        registry_id: account_of_arn(&repo.repository_arn)
                            .or_else(|| place.registry_id.clone()),
                        ..place.clone()
                    };
                    found.push(Target {
                        place,
                        repository: repo.repository_name,
                        ctx: ctx.clone(),
                    });
                }
                if let Some(names) = names {
                    for name in names {
                        if !found
                            .iter()
                            .any(|t| &t.repository == name && t.ctx.region == ctx.region)
                        {
                            failures.push(PlaceFailure {
                                place: place.clone(),
                                error: CliError::remote(format!(
                                    "repository `{name}` does not exist in {}",
                                    ctx.region
                                ))
                                .with_hint("check the name, --region and --registry-id"),
                            });
                        }
                    }
                }
            }
            Err(error) => failures.push(PlaceFailure { place, error }),
        }
    }
    found.sort_by(|a, b| (&a.place, &a.repository).cmp(&(&b.place, &b.repository)));
    (found, failures)
}

/// What happened to one repository.
pub enum RowResult {
    Previewed(Box<Judged>),
    /// No policy given and the repository has none.
    NoPolicy,
    Failed(CliError),
}

pub struct Row {
    pub place: Place,
    /// `None` for a place whose repositories could not be listed.
    pub repository: Option<String>,
    pub result: RowResult,
}

impl Row {
    fn label(&self) -> String {
        let name = self.repository.as_deref().unwrap_or("(all repositories)");
        match (&self.place.region, &self.place.registry_id) {
            (Some(r), Some(a)) => format!("{name} ({a}, {r})"),
            (Some(r), None) => format!("{name} ({r})"),
            _ => name.to_string(),
        }
    }
}

/// Previews every repository of every place, `jobs` at a time; never stops at one.
pub async fn live_rows(
    contexts: &[AwsContext],
    prefix: Option<&str>,
    given: Option<&Policy>,
    jobs: usize,
    judge: &Judge<'_>,
) -> Vec<Row> {
    let (found, failures) = targets(contexts, prefix, None).await;
    let mut rows: Vec<Row> = failures
        .into_iter()
        .map(|f| Row {
            place: f.place,
            repository: None,
            result: RowResult::Failed(f.error),
        })
        .collect();
    let previewed: Vec<Row> = stream::iter(found)
        .map(|target| async move {
            let result = match preview_one(&target, given, judge).await {
                Ok(Some(p)) => RowResult::Previewed(Box::new(p)),
                Ok(None) => RowResult::NoPolicy,
                Err(e) => RowResult::Failed(e),
            };
            Row {
                place: target.place,
                repository: Some(target.repository),
                result,
            }
        })
        .buffered(jobs.max(1))
        .collect()
        .await;
    rows.extend(previewed);
    rows
}

async fn preview_one(
    target: &Target,
    given: Option<&Policy>,
    judge: &Judge<'_>,
) -> Result<Option<Judged>> {
    let name = &target.repository;
    let policy = match given {
        Some(p) => p.clone(),
        None => match ecr_images::get_lifecycle_policy(&target.ctx, name).await? {
            Some(text) => inputs::parse_policy(&text, &format!("of `{name}`"))?,
            None => return Ok(None),
        },
    };
    let images = ecr_images::describe_images(&target.ctx, name).await?;
    Ok(Some(judge.judge(
        target.place.registry_id.as_deref(),
        Some(&target.ctx.region),
        Some(name.clone()),
        policy,
        images,
    )))
}

/// An images file: of one repository (or of images without `repositoryName`), or of several.
pub enum Split {
    One(Vec<Image>),
    /// By (`registryId`, `repositoryName`): the same name in two registries is two
    /// repositories.
    Many(BTreeMap<(Option<String>, String), Vec<Image>>),
}

/// Groups an images file by the repositories it names, when it names more than one.
pub fn split_by_repository(images: Vec<Image>) -> Result<Split> {
    let named = images.iter().filter(|i| i.repository.is_some()).count();
    let mut names: Vec<(Option<&str>, &str)> = images
        .iter()
        .filter_map(|i| Some((i.registry_id.as_deref(), i.repository.as_deref()?)))
        .collect();
    names.sort_unstable();
    names.dedup();
    if names.len() < 2 {
        return Ok(Split::One(images));
    }
    if named != images.len() {
        return Err(CliError::usage(format!(
            "the images file names {} repositories, but {} of its images name none",
            names.len(),
            images.len() - named
        ))
        .with_hint(
            "every image of a multi-repository file needs its `repositoryName` \
             (`ecrctl lifecycle snapshot --all-repositories` writes it)",
        ));
    }
    let mut groups: BTreeMap<(Option<String>, String), Vec<Image>> = BTreeMap::new();
    for image in images {
        let name = image.repository.clone().unwrap_or_default();
        groups
            .entry((image.registry_id.clone(), name))
            .or_default()
            .push(image);
    }
    Ok(Split::Many(groups))
}

/// Offline: each repository of a multi-repository file evaluated on its own (rows name
/// their registry when the file holds several).
/// `warnings` are each repository's own (what its part of the file cannot show).
pub fn offline_rows(
    groups: BTreeMap<(Option<String>, String), Vec<Image>>,
    policy: &Policy,
    judge: &Judge<'_>,
    mut warnings: BTreeMap<(Option<String>, String), Vec<String>>,
) -> Vec<Row> {
    let mut registries: Vec<&Option<String>> = groups.keys().map(|(r, _)| r).collect();
    registries.dedup();
    let several = registries.len() > 1;
    groups
        .into_iter()
        .map(|(key, images)| {
            let mut judged = judge.judge(
                key.0.as_deref(),
                None,
                Some(key.1.clone()),
                policy.clone(),
                images,
            );
            judged.preview.warnings = warnings.remove(&key).unwrap_or_default();
            let (registry_id, name) = key;
            Row {
                place: Place {
                    region: None,
                    registry_id: registry_id.filter(|_| several),
                },
                repository: Some(name),
                result: RowResult::Previewed(Box::new(judged)),
            }
        })
        .collect()
}

/// `lifecycle preview --all-repositories -o json` (and a multi-repository images file).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct RegistryDocument<'a> {
    schema_version: SchemaVersion,
    repositories: Vec<PlacedPreview<'a>>,
    /// Names only (as before several regions); `withoutPolicyRepositories` says where.
    without_policy: Vec<&'a str>,
    without_policy_repositories: Vec<PlacedName<'a>>,
    errors: Vec<ErrorRow<'a>>,
    totals: Totals,
    /// Every row's warnings, each prefixed with its repository.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    warnings: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct PlacedPreview<'a> {
    #[serde(flatten)]
    place: &'a Place,
    #[serde(flatten)]
    preview: RepositoryPreview<'a>,
    protection_horizon: HorizonReport<'a>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct PlacedName<'a> {
    #[serde(flatten)]
    place: &'a Place,
    repository_name: &'a str,
}

/// A repository (or a whole place, `repositoryName: null`) that could not be done.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorRow<'a> {
    #[serde(flatten)]
    pub place: &'a Place,
    pub repository_name: Option<&'a str>,
    pub error: &'a str,
    pub causes: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<&'a str>,
}

impl<'a> ErrorRow<'a> {
    pub fn new(place: &'a Place, repository: Option<&'a str>, error: &'a CliError) -> Self {
        Self {
            place,
            repository_name: repository,
            error: error.message(),
            causes: error.causes(),
            hint: error.hint(),
        }
    }
}

/// Prints the registry report (table or JSON) and returns the worst outcome.
pub fn report(rows: &[Row], price: f64, printer: &Printer) -> CommandResult {
    let judged: Vec<(&Place, &Judged)> = rows
        .iter()
        .filter_map(|r| match &r.result {
            RowResult::Previewed(j) => Some((&r.place, j.as_ref())),
            _ => None,
        })
        .collect();
    let previews: Vec<(&Place, &Preview)> = judged
        .iter()
        .map(|(place, j)| (*place, &j.preview))
        .collect();
    let mut totals = Totals {
        price_per_gb_month: price,
        ..Default::default()
    };
    for (_, p) in &previews {
        totals.add(&p.totals(price));
    }
    let without: Vec<&Row> = rows
        .iter()
        .filter(|r| matches!(r.result, RowResult::NoPolicy))
        .collect();
    if printer.is_json() {
        printer.json(&RegistryDocument {
            schema_version: SchemaVersion,
            repositories: judged
                .iter()
                .map(|(place, j)| PlacedPreview {
                    place,
                    preview: j.preview.report(price),
                    protection_horizon: guard::report(&j.guard, &j.preview.images),
                })
                .collect(),
            without_policy: without
                .iter()
                .filter_map(|r| r.repository.as_deref())
                .collect(),
            without_policy_repositories: without
                .iter()
                .filter_map(|r| {
                    Some(PlacedName {
                        place: &r.place,
                        repository_name: r.repository.as_deref()?,
                    })
                })
                .collect(),
            errors: rows
                .iter()
                .filter_map(|r| match &r.result {
                    RowResult::Failed(e) => {
                        Some(ErrorRow::new(&r.place, r.repository.as_deref(), e))
                    }
                    _ => None,
                })
                .collect(),
            totals,
            warnings: judged
                .iter()
                .flat_map(|(_, j)| {
                    let name = j.preview.repository.as_deref().unwrap_or("?");
                    j.preview
                        .warnings
                        .iter()
                        .map(move |w| format!("{name}: {w}"))
                })
                .collect(),
        });
    } else {
        // -q: only errors (the error rows are the command's error) and the exit code.
        if !printer.quiet {
            print_table(printer, rows, price);
        }
        printer.info(&format!(
            "{} of {} images expire across {}, freeing {} (${:.2}/month)",
            totals.expiring,
            totals.images,
            crate::output::count(previews.len(), "repository", "repositories"),
            crate::output::human_bytes(totals.bytes_freed),
            totals.monthly_savings
        ));
        if !without.is_empty() {
            printer.info(&format!(
                "{} without a lifecycle policy {} skipped",
                crate::output::count(without.len(), "repository", "repositories"),
                if without.len() == 1 { "was" } else { "were" }
            ));
        }
    }
    if !printer.is_json() {
        // Named with region and account: the same repository may be in several.
        for row in rows {
            if let RowResult::Previewed(j) = &row.result
                && let Some(line) = guard::sentence(&j.guard, &j.preview.images)
            {
                printer.info(&format!("{}: {line}", row.label()));
            }
        }
    }
    let checked: Vec<(&Preview, &Guard)> =
        judged.iter().map(|(_, j)| (&j.preview, &j.guard)).collect();
    worst(rows, guard::verdict(&checked), "previewed")
}

fn print_table(printer: &Printer, rows: &[Row], price: f64) {
    let placed = rows.iter().any(|r| r.place.region.is_some());
    let mut header = Vec::new();
    if placed {
        header.extend(["REGION", "ACCOUNT"]);
    }
    header.extend([
        "REPOSITORY",
        "IMAGES",
        "EXPIRING",
        "ARCHIVING",
        "FREED",
        "$/MONTH",
        "PROTECTED HIT",
    ]);
    let mut table = printer.table(&header);
    for row in rows {
        let mut cells = Vec::new();
        if placed {
            cells.push(row.place.region.clone().unwrap_or_default());
            cells.push(row.place.registry_id.clone().unwrap_or_default());
        }
        cells.push(
            row.repository
                .clone()
                .unwrap_or_else(|| "(all repositories)".into()),
        );
        match &row.result {
            RowResult::Previewed(j) => {
                let p = &j.preview;
                let t = p.totals(price);
                cells.extend([
                    t.images.to_string(),
                    t.expiring.to_string(),
                    t.transitioning.to_string(),
                    crate::output::human_bytes(t.bytes_freed),
                    format!("{:.2}", t.monthly_savings),
                    p.violations.len().to_string(),
                ]);
            }
            RowResult::NoPolicy => continue,
            RowResult::Failed(e) => {
                cells.push(format!(
                    "error: {}",
                    crate::output::sanitize_field(e.message(), " ")
                ));
                cells.extend(std::iter::repeat_n("-".to_string(), 5));
            }
        }
        table.add_row(cells);
    }
    printer.print_table(&table);
}

/// The worst outcome of the rows: any error row is exit 3 (its causes list every failed
/// repository, and a protected hit seen too); otherwise the protection verdict (1) or 0.
pub fn worst(rows: &[Row], protected: outcome::Outcome, done: &str) -> CommandResult {
    let failed: Vec<(String, &CliError)> = rows
        .iter()
        .filter_map(|r| match &r.result {
            RowResult::Failed(e) => Some((r.label(), e)),
            _ => None,
        })
        .collect();
    worst_of(&failed, protected, done)
}

/// `failed` (label, error) outranks `outcome`: exit 3 with every failure as a cause.
pub fn worst_of(
    failed: &[(String, &CliError)],
    outcome: outcome::Outcome,
    done: &str,
) -> CommandResult {
    if failed.is_empty() {
        return Ok(outcome);
    }
    let mut error = CliError::remote(format!(
        "{} could not be {done}; the others are reported",
        crate::output::count(failed.len(), "repository", "repositories")
    ));
    for (label, e) in failed {
        let detail = e.causes().join("; ");
        error = error.with_cause(match detail.is_empty() {
            true => format!("{label}: {}", e.message()),
            false => format!("{label}: {}: {detail}", e.message()),
        });
    }
    if let outcome::Outcome::Verdict(v) = outcome {
        error = error.with_cause(format!("also: {}", v.message));
        for cause in v.causes {
            error = error.with_cause(format!("also: {cause}"));
        }
    }
    Err(error.with_hint(
        "an error row outranks a protected-image hit (exit 3 over 1); fix access or retry \
         those repositories (`--repository NAME`), or lower --jobs when throttled",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_come_from_repository_arns() {
        assert_eq!(
            account_of_arn("arn:aws:ecr:eu-west-1:123456789012:repository/team/api").as_deref(),
            Some("123456789012")
        );
        assert_eq!(account_of_arn("arn:aws:ecr:eu-west-1::repository/x"), None);
        assert_eq!(account_of_arn("nonsense"), None);
    }

    fn image(repository: Option<&str>, digest: &str) -> Image {
        Image {
            repository: repository.map(String::from),
            ..Image::new(digest, Vec::new(), 0)
        }
    }

    #[test]
    fn a_file_of_several_repositories_is_split_and_a_partly_named_one_refused() {
        let one = vec![image(Some("a"), "sha256:1"), image(Some("a"), "sha256:2")];
        assert!(matches!(split_by_repository(one).unwrap(), Split::One(i) if i.len() == 2));
        let two = vec![
            image(Some("b"), "sha256:1"),
            image(Some("a"), "sha256:2"),
            image(Some("b"), "sha256:3"),
        ];
        let Split::Many(groups) = split_by_repository(two).unwrap() else {
            panic!("two repositories")
        };
        assert_eq!(
            groups.keys().map(|(_, n)| n.as_str()).collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert_eq!(groups[&(None, "b".to_string())].len(), 2);
        // The same name in two registries is two repositories.
        let in_two = |id: &str, digest: &str| Image {
            registry_id: Some(id.into()),
            ..image(Some("a"), digest)
        };
        let Split::Many(groups) =
            split_by_repository(vec![in_two("1", "sha256:1"), in_two("2", "sha256:2")]).unwrap()
        else {
            panic!("two registries")
        };
        assert_eq!(groups.len(), 2);
        let mixed = vec![
            image(Some("a"), "sha256:1"),
            image(Some("b"), "sha256:2"),
            image(None, "sha256:3"),
        ];
        let Err(error) = split_by_repository(mixed) else {
            panic!("refused")
        };
        assert!(error.message().contains("1 of its images name none"));
    }

    fn failed_row() -> Row {
        Row {
            place: Place {
                region: Some("eu-west-1".into()),
                registry_id: None,
            },
            repository: Some("team/x".into()),
            result: RowResult::Failed(
                CliError::remote("could not list the images of `team/x`")
                    .with_cause("AccessDeniedException: no"),
            ),
        }
    }

    #[test]
    fn an_error_row_outranks_a_protected_hit() {
        let hit = outcome::Outcome::Verdict(outcome::Verdict::new("protected"));
        assert_eq!(worst(&[], hit.clone(), "previewed").unwrap(), hit);
        let error = worst(&[failed_row()], hit, "previewed").unwrap_err();
        assert_eq!(error.exit_code(), crate::exit::ExitCode::Remote);
        assert!(error.causes()[0].starts_with("team/x (eu-west-1): could not list"));
        assert_eq!(error.causes()[1], "also: protected");
        let ok = worst(&[], outcome::Outcome::Success, "previewed").unwrap();
        assert_eq!(ok, outcome::Outcome::Success);
    }
}
