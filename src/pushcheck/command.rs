//! `ecrctl push-check IMAGE`: runs every check in order (skipping those whose premise
//! failed), reports, and with `--fix` creates the repository and logs docker in, then
//! checks again.

use super::check::{AutoFix, Check, CheckId, Status, tag_is_immutable};
use super::permissions;
use super::probes;
use crate::aws::{self, AwsContext, images as ecr_images, repositories};
use crate::cli::PushCheckArgs;
use crate::docker::config::{DockerConfig, config_dir};
use crate::error::{CliError, Result};
use crate::lifecycle::{engine, images::Image, inputs};
use crate::login::{client, fetch, token::RegistryToken};
use crate::model::reference;
use crate::model::repository::{ObservedRepo, RepoSettings};
use crate::outcome::{CommandResult, Outcome, Verdict};
use crate::output::Printer;
use crate::registry::endpoint;
use crate::settings::Settings;

/// What the fixes need from a run of the checks.
struct Findings {
    checks: Vec<Check>,
    token: Option<RegistryToken>,
    ctx: Option<AwsContext>,
}

impl Findings {
    fn needs(&self, fix: AutoFix) -> bool {
        self.checks.iter().any(|c| c.auto_fix == Some(fix))
    }
}

pub async fn run(settings: &Settings, args: &PushCheckArgs, printer: &Printer) -> CommandResult {
    let image = reference::parse(&args.image).map_err(|e| {
        CliError::usage(format!("`{}` is not an image reference", args.image)).with_cause(e)
    })?;
    let sizes = args
        .layer_sizes
        .as_deref()
        .map(|p| {
            probes::read_layer_sizes(p).map_err(|e| {
                CliError::usage(format!("cannot read layer sizes from {}", p.display()))
                    .with_cause(e)
            })
        })
        .transpose()?;
    let (sizes, local_note) = match (&args.local_image, sizes) {
        (Some(local), _) => match slow(
            printer,
            "docker save",
            probes::local_image_layer_sizes(local),
        )
        .await
        {
            Ok(sizes) => (Some(sizes), None),
            Err(why) => (
                None,
                Some(format!(
                    "could not read {local} from the local docker daemon: {why}"
                )),
            ),
        },
        (None, sizes) => (sizes, None),
    };
    if let Some(note) = &local_note {
        printer.warn(&format!(
            "{note}; the layer-size check is skipped (pass --layer-sizes FILE instead)"
        ));
    }
    let mut findings = slow(
        printer,
        "AWS and the registry",
        check_all(settings, &image, sizes.as_deref()),
    )
    .await;
    super::report::print(printer, &args.image, &findings.checks);
    if args.fix
        && (findings.needs(AutoFix::CreateRepository) || findings.needs(AutoFix::DockerLogin))
    {
        if !confirm(args.yes)? {
            return Ok(Outcome::Verdict(Verdict::new("no fixes applied")));
        }
        apply_fixes(&findings, &image, args, printer).await?;
        printer.info("checking again after the fixes:");
        findings = slow(
            printer,
            "AWS and the registry",
            check_all(settings, &image, sizes.as_deref()),
        )
        .await;
        super::report::print(printer, &args.image, &findings.checks);
    }
    Ok(verdict(&findings.checks))
}

/// `work`, with a line on stderr when it keeps the user waiting.
async fn slow<T>(printer: &Printer, what: &str, work: impl std::future::Future<Output = T>) -> T {
    let say = |waited: std::time::Duration| {
        printer.info(&format!(
            "still waiting for {what} ({} s)…",
            waited.as_secs()
        ))
    };
    crate::registry::deadline::announce_if_slow(say, work).await
}

async fn check_all(
    settings: &Settings,
    image: &reference::ImageRef,
    sizes: Option<&[u64]>,
) -> Findings {
    let mut f = Findings {
        checks: Vec::new(),
        token: None,
        ctx: None,
    };
    let tag = image.tag.clone().unwrap_or_else(|| "latest".into());
    // 1. Reference and naming.
    if let Err(problem) = crate::names::check_repository_name(&image.repository) {
        let error = crate::names::name_error(&image.repository, &problem);
        f.checks.push(Check::fail(
            CheckId::Reference,
            error.message().to_string(),
            error.hint().unwrap_or_default().to_string(),
        ));
        return skip_rest(f, "the image reference is not valid");
    }
    let ecr_host = image.host.as_deref().and_then(endpoint::parse_ecr_host);
    if image.host.is_some() && ecr_host.is_none() && image.host != settings.registry.endpoint {
        f.checks.push(Check::fail(
            CheckId::Reference,
            format!("{} is not an ECR registry host", image.host.as_deref().unwrap_or_default()),
            "use ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO:TAG, or REPO:TAG for this account and region",
        ));
        return skip_rest(f, "not an ECR image");
    }
    let mut scoped = settings.aws.clone();
    if let Some(h) = &ecr_host {
        scoped.regions = vec![h.region.clone()];
        scoped.registry_ids = vec![h.account.clone()];
    }
    // 2. Credentials and a registry token.
    let ctx = match aws::load(&scoped).await {
        Ok(ctx) => ctx,
        Err(e) => {
            f.checks.push(Check::fail(
                CheckId::AwsCredentials,
                e.to_string(),
                e.hint().unwrap_or_default().to_string(),
            ));
            return skip_rest(f, "no AWS access");
        }
    };
    let configured = settings
        .aws
        .regions
        .first()
        .cloned()
        .or_else(|| std::env::var("AWS_REGION").ok());
    match (&ecr_host, configured) {
        (Some(h), Some(r)) if h.region != r => f.checks.push(Check::warn(
            CheckId::Reference,
            format!(
                "the image is in {} but the AWS configuration says {r}; checking {}",
                h.region, h.region
            ),
            "make sure the push really goes to the region you mean",
        )),
        _ => {}
    }
    let target = fetch::LoginTarget {
        registry_id: ctx.registry_id.clone(),
        region: ctx.region.clone(),
    };
    let obtained = match fetch::TokenSettings::new(settings, 600) {
        Ok(token_settings) => fetch::obtain(&ctx.sdk, &token_settings, &[target]).await,
        Err(e) => Err(e),
    };
    let token = match obtained {
        Ok(mut t) => t.remove(0).token,
        Err(e) => {
            f.checks.push(Check::fail(
                CheckId::AwsCredentials,
                e.to_string(),
                e.hint().unwrap_or("grant ecr:GetAuthorizationToken"),
            ));
            return skip_rest(f, "no registry token");
        }
    };
    if !f.checks.iter().any(|c| c.id == CheckId::Reference) {
        f.checks.push(Check::ok(
            CheckId::Reference,
            format!(
                "{}:{tag} in account {}, region {}",
                image.repository, token.account, ctx.region
            ),
        ));
    }
    f.checks.push(Check::ok(
        CheckId::AwsCredentials,
        format!("credentials work; got a registry token for {}", token.host),
    ));
    // 3. Repository.
    let repo = repositories::observe(&ctx, &image.repository, &RepoSettings::default()).await;
    let observed = match repo {
        Ok(Some(r)) => {
            f.checks.push(Check::ok(
                CheckId::Repository,
                format!(
                    "exists: {}, scanOnPush={}, {}",
                    r.mutability.mode.as_str(),
                    r.scan_on_push,
                    r.encryption.encryption_type.as_str()
                ),
            ));
            Some(r)
        }
        Ok(None) => {
            f.checks.push(Check::fail(
                CheckId::Repository,
                format!("`{}` does not exist: docker would say \"name unknown: The repository … does not exist\"", image.repository),
                format!("ECR needs the repository before a push: `ecrctl repo create {}` (or --fix)", image.repository),
            ).with_auto_fix(AutoFix::CreateRepository));
            None
        }
        Err(e) => {
            f.checks.push(Check::fail(
                CheckId::Repository,
                e.to_string(),
                e.hint().unwrap_or_default().to_string(),
            ));
            None
        }
    };
    // 4. Registry host and 5. docker's credentials, side by side (independent).
    let docker = async {
        match config_dir().and_then(|dir| DockerConfig::load(&dir)) {
            Ok(config) => {
                probes::docker(&token.host, &config, settings.registry.ca_cert.as_deref()).await
            }
            Err(e) => Check::fail(
                CheckId::DockerCredentials,
                e.to_string(),
                "fix docker's config.json",
            ),
        }
    };
    let (host, docker) = tokio::join!(
        probes::host(
            &token.host,
            &token,
            &ctx.region,
            settings.registry.ca_cert.as_deref()
        ),
        docker
    );
    f.checks.push(host);
    f.checks.push(docker);
    // 6–9 need the repository.
    match &observed {
        Some(repo) => {
            let (images, policy) = tokio::join!(
                ecr_images::describe_images(&ctx, &image.repository),
                policy_check(&ctx, &image.repository)
            );
            // Checks that need the image list say so when it could not be read, rather
            // than judging an empty list ("the tag is new").
            match images {
                Ok(images) => {
                    f.checks.push(immutability(repo, &images, &tag));
                    f.checks.push(probes::layers(sizes));
                    f.checks.push(policy);
                    f.checks
                        .push(lifecycle_check(&ctx, &image.repository, images, &tag).await);
                }
                Err(e) => {
                    let why = format!("could not list the repository's images: {e}");
                    f.checks
                        .push(Check::skipped(CheckId::TagImmutability, &why));
                    f.checks.push(probes::layers(sizes));
                    f.checks.push(policy);
                    f.checks.push(Check::skipped(CheckId::LifecyclePolicy, why));
                }
            }
            if !repo.scan_on_push {
                f.checks.push(Check::warn(
                    CheckId::ScanOnPush,
                    "scan on push is off: pushed images are not scanned",
                    format!("ecrctl repo create {} --scan-on-push", image.repository),
                ));
            } else {
                f.checks
                    .push(Check::ok(CheckId::ScanOnPush, "pushed images are scanned"));
            }
        }
        None => {
            f.checks.push(probes::layers(sizes));
            for id in [
                CheckId::TagImmutability,
                CheckId::RepositoryPolicy,
                CheckId::LifecyclePolicy,
                CheckId::ScanOnPush,
            ] {
                f.checks.push(Check::skipped(id, "no repository to check"));
            }
        }
    }
    // The caller's IAM for the push actions (with or without the repository).
    f.checks
        .push(permissions::iam_check(&ctx, &image.repository).await);
    f.token = Some(token);
    f.ctx = Some(ctx);
    f
}

fn skip_rest(mut f: Findings, why: &str) -> Findings {
    for id in CheckId::ALL {
        if !f.checks.iter().any(|c| c.id == id) {
            f.checks.push(Check::skipped(id, why));
        }
    }
    f
}

fn immutability(repo: &ObservedRepo, images: &[Image], tag: &str) -> Check {
    let exists = images.iter().any(|i| i.tags.iter().any(|t| t == tag));
    let immutable = tag_is_immutable(
        repo.mutability.mode.as_str(),
        &repo.mutability.exclusions,
        tag,
    );
    match (exists, immutable) {
        (true, true) => Check::fail(
            CheckId::TagImmutability,
            format!(
                "`{tag}` already exists and the repository is {}: ECR refuses the push (ImageTagAlreadyExistsException)",
                repo.mutability.mode.as_str()
            ),
            "push a new tag (e.g. the commit SHA); immutable tags cannot be moved",
        ),
        (true, false) => Check::warn(
            CheckId::TagImmutability,
            format!("`{tag}` exists and will be moved to the new image"),
            "use unique tags if deployments pin this one",
        ),
        (false, _) => Check::ok(CheckId::TagImmutability, format!("`{tag}` is new")),
    }
}

async fn policy_check(ctx: &AwsContext, repository: &str) -> Check {
    permissions::repository_policy_check(ctx, repository).await
}

/// Would the policy expire the freshly pushed tag at once?
async fn lifecycle_check(
    ctx: &AwsContext,
    repository: &str,
    mut images: Vec<Image>,
    tag: &str,
) -> Check {
    let text = match ecr_images::get_lifecycle_policy(ctx, repository).await {
        Ok(Some(text)) => text,
        Ok(None) => return Check::ok(CheckId::LifecyclePolicy, "no lifecycle policy"),
        Err(e) => {
            return Check::skipped(
                CheckId::LifecyclePolicy,
                format!("could not read the lifecycle policy: {e}"),
            );
        }
    };
    let Ok(policy) = inputs::parse_policy(&text, "of the repository") else {
        return Check::warn(
            CheckId::LifecyclePolicy,
            "the repository's lifecycle policy does not lint",
            "run `ecrctl lifecycle lint`",
        );
    };
    let now = jiff::Timestamp::now().as_microsecond();
    for image in &mut images {
        image.tags.retain(|t| t != tag);
    }
    images.push(Image::new(
        format!("sha256:{}", "f".repeat(64)),
        vec![tag.to_string()],
        now,
    ));
    let outcome = engine::evaluate(&policy, &images, now).outcomes.pop();
    match outcome {
        Some(engine::Outcome::Expire { rule }) | Some(engine::Outcome::Transition { rule }) => {
            Check::fail(
                CheckId::LifecyclePolicy,
                format!(
                    "lifecycle rule {rule} would expire or archive `{tag}` as soon as it is pushed"
                ),
                format!(
                    "preview with `ecrctl lifecycle preview --repository {repository} --explain {tag}` and fix the rule"
                ),
            )
        }
        _ => Check::ok(CheckId::LifecyclePolicy, format!("`{tag}` would be kept")),
    }
}

async fn apply_fixes(
    f: &Findings,
    image: &reference::ImageRef,
    args: &PushCheckArgs,
    printer: &Printer,
) -> Result<()> {
    let (Some(ctx), Some(token)) = (&f.ctx, &f.token) else {
        return Err(CliError::remote("cannot fix: no AWS access"));
    };
    if f.needs(AutoFix::CreateRepository) {
        let settings = match &args.repo_settings {
            Some(path) => crate::repo::file::read(path)?.defaults,
            None => RepoSettings::default(),
        };
        repositories::create(ctx, &image.repository, &settings).await?;
        printer.info(&format!("fixed: created repository {}", image.repository));
    }
    if f.needs(AutoFix::DockerLogin) {
        let (kind, program) = client::choose(Some(client::ClientKind::Docker))?;
        client::login(
            kind,
            &program,
            &token.host,
            &token.username,
            &token.password,
            None,
        )
        .await
        .map_err(|said| {
            CliError::remote(format!("docker login to {} failed", token.host)).with_cause(said)
        })?;
        printer.info(&format!("fixed: logged docker in to {}", token.host));
    }
    Ok(())
}

fn confirm(yes: bool) -> Result<bool> {
    crate::output::confirm(
        yes,
        "Apply the fixes above?",
        CliError::usage("--fix changes things: pass --yes when not on a terminal"),
    )
}

fn verdict(checks: &[Check]) -> Outcome {
    let failed: Vec<&Check> = checks.iter().filter(|c| c.status == Status::Fail).collect();
    if failed.is_empty() {
        return Outcome::Success;
    }
    let mut verdict = Verdict::new(format!(
        "the push would fail: {}",
        crate::output::count(failed.len(), "check fails", "checks fail")
    ));
    for c in &failed {
        verdict = verdict.with_cause(format!("{}: {}", c.id.as_str(), c.detail));
    }
    let first_fix = failed
        .iter()
        .find_map(|c| c.fix.clone())
        .unwrap_or_default();
    Outcome::Verdict(verdict.with_hint(format!(
        "{first_fix}; `--fix` applies the safe fixes (create the repository, docker login)"
    )))
}
