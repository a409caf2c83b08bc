//! `ecrctl push-check IMAGE`: runs every check in order (skipping those whose premise
//! failed), reports, and with `--fix` creates the repository and logs docker in, then
//! checks again.

use super::check::{
    AutoFix, Check, CheckId, Status, Target, cross_account_fix, tag_is_immutable,
    unknown_region_hint,
};
use super::permissions;
use super::probes;
use crate::aws::{self, AwsContext, images as ecr_images, repositories};
use crate::cli::PushCheckArgs;
use crate::docker::config::{DockerConfig, config_dir};
use crate::error::{CliError, Result};
use crate::iam::Principal;
use crate::lifecycle::{engine, images::Image, inputs};
use crate::login::{client, fetch, token::RegistryToken};
use crate::model::reference;
use crate::model::repository::{Field, ObservedRepo, RepoSettings};
use crate::outcome::{CommandResult, Outcome, Verdict};
use crate::output::Printer;
use crate::registry::endpoint;
use crate::settings::Settings;

/// What the fixes need from a run of the checks.
struct Findings {
    checks: Vec<Check>,
    token: Option<RegistryToken>,
    /// A client for the image's region, naming the image's registry.
    ctx: Option<AwsContext>,
    target: Option<Target>,
    /// Why the checks could not run at all (no region, no credentials): reported after
    /// the table, and the exit code is its own (2 or 3), not "the push would fail".
    fatal: Option<CliError>,
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
    check_reference(settings, &image)?;
    // Read before any AWS call, so a bad file is exit 2 with nothing checked or changed.
    let repo_settings = args
        .repo_settings
        .as_deref()
        .map(|path| settings_for(path, &image.repository))
        .transpose()?;
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
    if let Some(fatal) = findings.fatal {
        return Err(fatal);
    }
    let exists = findings
        .checks
        .iter()
        .any(|c| c.id == CheckId::Repository && c.status == Status::Ok);
    if args.repo_settings.is_some() && exists {
        // Not silently "fine": the file's settings (a KMS key given as an alias included)
        // were neither compared with the repository nor applied to it.
        printer.warn(&format!(
            "`{}` exists: --repo-settings only applies to a repository --fix creates, so its \
             settings were not compared or changed (converge them with `ecrctl repo create --from-file`)",
            image.repository
        ));
    }
    let fixable = findings.needs(AutoFix::CreateRepository) || findings.needs(AutoFix::DockerLogin);
    if args.fix && !fixable {
        let failing = findings.checks.iter().any(|c| c.status == Status::Fail);
        printer.info(match failing {
            true => "none of the failing checks has a fix --fix can apply; see the FIX column",
            false => "nothing to fix",
        });
    }
    if args.fix && fixable {
        if !confirm(args.yes)? {
            return Ok(Outcome::Verdict(Verdict::new("no fixes applied")));
        }
        // A fix that fails does not hide the ones applied before it: the checks run
        // again (stdout shows the state after the fixes), then the failure is the error.
        let failed = apply_fixes(&findings, &image, repo_settings.as_ref(), printer)
            .await
            .err();
        printer.info("checking again after the fixes:");
        findings = slow(
            printer,
            "AWS and the registry",
            check_all(settings, &image, sizes.as_deref()),
        )
        .await;
        super::report::print(printer, &args.image, &findings.checks);
        if let Some(failed) = failed {
            return Err(failed);
        }
        if let Some(fatal) = findings.fatal {
            return Err(fatal);
        }
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

/// A reference ECR cannot take is bad input (exit 2), like a malformed one: the name
/// rules (with the lowercase name to use) and a host that is not an ECR registry.
fn check_reference(settings: &Settings, image: &reference::ImageRef) -> Result<()> {
    if let Err(problem) = crate::names::check_repository_name(&image.repository) {
        return Err(crate::names::name_error(&image.repository, &problem));
    }
    let host = image.host.as_deref();
    if let Some(host) = host
        && endpoint::parse_ecr_host(host).is_none()
        && Some(host) != settings.registry.endpoint.as_deref()
    {
        return Err(
            CliError::usage(format!("{host} is not an ECR registry host")).with_hint(
                "use ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO:TAG, or REPO:TAG for this account and region",
            ),
        );
    }
    Ok(())
}

/// The settings `--fix` creates `repository` with: the file's entry of that name over its
/// `[defaults]`, else the defaults alone.
fn settings_for(path: &std::path::Path, repository: &str) -> Result<RepoSettings> {
    let file = crate::repo::file::read_settings(path)?;
    Ok(
        match file.entries.iter().find(|(name, _)| name == repository) {
            Some((_, entry)) => file.defaults.overlaid_with(entry),
            None => file.defaults,
        },
    )
}

/// The region the AWS configuration names (flag, environment or profile), if any.
async fn caller_region(settings: &Settings) -> Option<String> {
    let region = settings.aws.region().ok().flatten();
    let sdk = aws::load_sdk_config(&settings.aws, region).await.ok()?;
    sdk.region().map(|r| r.to_string())
}

/// Who the credentials are (STS GetCallerIdentity, once per run: the policy checks and
/// the fix commands share it), or why STS could not say within 10 s.
async fn caller(ctx: &AwsContext) -> std::result::Result<Principal, String> {
    let asked = tokio::time::timeout(std::time::Duration::from_secs(10), aws::iam::caller(ctx));
    let who = match asked.await {
        Ok(answer) => answer.map_err(|e| e.to_string()),
        Err(_) => Err("STS GetCallerIdentity did not answer within 10 s".to_string()),
    };
    if let Err(e) = &who {
        tracing::info!(error = %e, "could not tell the caller's account");
    }
    who
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
        target: None,
        fatal: None,
    };
    let tag = image.tag.clone().unwrap_or_else(|| "latest".into());
    // 1. The reference was checked up front (`check_reference`).
    let ecr_host = image.host.as_deref().and_then(endpoint::parse_ecr_host);
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
            f.fatal = Some(e);
            return skip_rest(f, "no AWS access");
        }
    };
    let token_target = fetch::LoginTarget {
        registry_id: ctx.registry_id.clone(),
        region: ctx.region.clone(),
    };
    let obtain = async {
        match fetch::TokenSettings::new(settings, 600) {
            Ok(token_settings) => fetch::obtain(&ctx.sdk, &token_settings, &[token_target]).await,
            Err(e) => Err(e),
        }
    };
    // Who is asking, beside the token request: STS may be slow or unreachable (a VPC
    // without its endpoint), and then only the fix commands lose precision.
    let (configured, who, obtained) = tokio::join!(caller_region(settings), caller(&ctx), obtain);
    let caller = who.as_ref().ok().map(|p| p.account.clone());
    let region_hint = unknown_region_hint(&ctx.region);
    if let Some(hint) = &region_hint {
        f.checks.push(Check::warn(
            CheckId::Reference,
            format!(
                "the image's region `{}` is not one ECR is known to run in",
                ctx.region
            ),
            hint.clone(),
        ));
    } else if let (Some(h), Some(r)) = (&ecr_host, &configured)
        && h.region != *r
    {
        f.checks.push(Check::warn(
            CheckId::Reference,
            format!(
                "the image is in {} but the AWS configuration says {r}; checking {}",
                h.region, h.region
            ),
            "make sure the push really goes to the region you mean",
        ));
    }
    let token = match obtained {
        Ok(mut t) => t.remove(0).token,
        Err(e) => {
            let hint = region_hint
                .clone()
                .or_else(|| e.hint().map(String::from))
                .unwrap_or_else(|| "grant ecr:GetAuthorizationToken".into());
            f.checks.push(Check::fail(
                CheckId::AwsCredentials,
                e.to_string(),
                hint.clone(),
            ));
            // Without a token nothing else can be checked: exit 3 (or 4 on a timeout),
            // not "the push would fail".
            f.fatal = Some(e.with_hint(hint));
            return skip_rest(f, "no registry token");
        }
    };
    // Without a registry in the reference the token is for the caller's own registry,
    // so its account is the caller's even when STS did not answer.
    let caller = caller.or_else(|| ecr_host.is_none().then(|| token.account.clone()));
    let target = Target {
        region: ctx.region.clone(),
        account: token.account.clone(),
        caller_region: configured,
        caller_account: caller,
    };
    let flags = target.flags();
    let cross = target.cross_account().map(String::from);
    if !f.checks.iter().any(|c| c.id == CheckId::Reference) {
        let whose = match &cross {
            Some(caller) => {
                format!(" (the credentials are of account {caller}: a cross-account push)")
            }
            None if target.caller_account.is_none() => " (the credentials' account could not \
                 be told: whether this is a cross-account push is unknown)"
                .to_string(),
            None => String::new(),
        };
        f.checks.push(Check::ok(
            CheckId::Reference,
            format!(
                "{}:{tag} in account {}{whose}, region {}",
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
    let repo_unread = repo.is_err();
    let observed = match repo {
        Ok(Some(r)) => {
            let whose = match &cross {
                Some(caller) => format!(
                    " (in account {}; pushing from account {caller} needs its repository policy to allow that account, and IAM here)",
                    target.account
                ),
                None => String::new(),
            };
            f.checks.push(Check::ok(
                CheckId::Repository,
                format!(
                    "exists: {}, scanOnPush={}, {}{whose}",
                    r.mutability.mode.as_str(),
                    r.scan_on_push,
                    r.encryption.encryption_type.as_str()
                ),
            ));
            Some(r)
        }
        // Another account's repository cannot be created from here: say what a
        // cross-account push needs instead of "create it".
        Ok(None) if cross.is_some() => {
            let caller = cross.as_deref().unwrap_or_default();
            f.checks.push(Check::fail(
                CheckId::Repository,
                format!(
                    "`{}` is not in the registry of account {} (region {}), and the credentials are of account {caller}: \
                     this is a cross-account push, and ECR needs the repository before it",
                    image.repository, target.account, target.region
                ),
                cross_account_fix(&target, caller, &image.repository),
            ));
            None
        }
        // STS did not answer: whether the image's registry is the caller's is unknown,
        // so creating a repository there is no safe fix.
        Ok(None) if target.caller_account.is_none() => {
            f.checks.push(Check::fail(
                CheckId::Repository,
                format!(
                    "`{}` is not in the registry of account {} (region {}), and the account of \
                     the credentials could not be told (STS did not answer): this may be a \
                     cross-account push",
                    image.repository, target.account, target.region
                ),
                format!(
                    "if account {} is yours: `ecrctl repo create {}{flags}`; if not, {}",
                    target.account,
                    image.repository,
                    cross_account_fix(&target, "(yours)", &image.repository)
                ),
            ));
            None
        }
        Ok(None) => {
            f.checks.push(Check::fail(
                CheckId::Repository,
                format!("`{}` does not exist: docker would say \"name unknown: The repository … does not exist\"", image.repository),
                format!("ECR needs the repository before a push: `ecrctl repo create {}{flags}` (or --fix)", image.repository),
            ).with_auto_fix(AutoFix::CreateRepository));
            None
        }
        Err(e) => {
            let fix = match &cross {
                Some(caller) => Some(cross_account_fix(&target, caller, &image.repository)),
                None => region_hint.clone(),
            }
            .or_else(|| e.hint().map(String::from))
            .unwrap_or_default();
            f.checks
                .push(Check::fail(CheckId::Repository, e.to_string(), fix));
            None
        }
    };
    let no_repository = match repo_unread {
        true => "the repository could not be read",
        false => "no repository to check",
    };
    // 4. Registry host and 5. docker's credentials, side by side (independent).
    let docker = async {
        match config_dir().and_then(|dir| DockerConfig::load(&dir)) {
            Ok(config) => {
                probes::docker(
                    &token.host,
                    &config,
                    settings.registry.ca_cert.as_deref(),
                    &flags,
                )
                .await
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
                permissions::repository_policy_check(&ctx, who.as_ref(), &image.repository)
            );
            // Checks that need the image list say so when it could not be read, rather
            // than judging an empty list ("the tag is new").
            match images {
                Ok(images) => {
                    f.checks.push(immutability(repo, &images, &tag));
                    f.checks.push(probes::layers(sizes));
                    f.checks.push(policy);
                    f.checks
                        .push(lifecycle_check(&ctx, &image.repository, images, &tag, &flags).await);
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
                    format!(
                        "ecrctl repo create {} --scan-on-push{flags}",
                        image.repository
                    ),
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
                f.checks.push(Check::skipped(id, no_repository));
            }
        }
    }
    // The caller's IAM for the push actions (with or without the repository).
    f.checks
        .push(permissions::iam_check(&ctx, who.as_ref(), &image.repository).await);
    f.token = Some(token);
    f.ctx = Some(ctx);
    f.target = Some(target);
    in_order(f)
}

/// The checks in the order of `CheckId::ALL`, whatever order they were found in.
fn in_order(mut f: Findings) -> Findings {
    f.checks
        .sort_by_key(|c| CheckId::ALL.iter().position(|id| *id == c.id));
    f
}

fn skip_rest(mut f: Findings, why: &str) -> Findings {
    for id in CheckId::ALL {
        if !f.checks.iter().any(|c| c.id == id) {
            f.checks.push(Check::skipped(id, why));
        }
    }
    in_order(f)
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

/// Would the policy expire the freshly pushed tag at once?
async fn lifecycle_check(
    ctx: &AwsContext,
    repository: &str,
    mut images: Vec<Image>,
    tag: &str,
    flags: &str,
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
                    "preview with `ecrctl lifecycle preview --repository {repository} --explain {tag}{flags}` and fix the rule"
                ),
            )
        }
        _ => Check::ok(CheckId::LifecyclePolicy, format!("`{tag}` would be kept")),
    }
}

async fn apply_fixes(
    f: &Findings,
    image: &reference::ImageRef,
    repo_settings: Option<&RepoSettings>,
    printer: &Printer,
) -> Result<()> {
    let (Some(ctx), Some(token)) = (&f.ctx, &f.token) else {
        return Err(CliError::remote("cannot fix: no AWS access"));
    };
    if f.needs(AutoFix::CreateRepository) {
        // Never in a registry that may not be the caller's.
        let own = f
            .target
            .as_ref()
            .is_some_and(|t| t.caller_account.as_deref() == Some(t.account.as_str()));
        if !own {
            return Err(CliError::remote(format!(
                "not creating {}: the registry may not be the caller's account",
                image.repository
            )));
        }
        // `ctx` is a client for the image's region, naming the image's registry.
        let settings = repo_settings.cloned().unwrap_or_default();
        let (arn, _) = repositories::create(ctx, &image.repository, &settings).await?;
        for (field, wanted) in [
            (Field::LifecyclePolicy, settings.lifecycle_policy.is_some()),
            (
                Field::RepositoryPolicy,
                settings.repository_policy.is_some(),
            ),
        ] {
            if wanted {
                repositories::update(ctx, &image.repository, &arn, field, &settings)
                    .await
                    .map_err(|e| {
                        e.context(format!(
                            "created repository {}, but one of its settings failed",
                            image.repository
                        ))
                    })?;
            }
        }
        let whose = f
            .target
            .as_ref()
            .map(|t| format!(" in {} (account {})", t.region, t.account))
            .unwrap_or_default();
        printer.info(&format!(
            "fixed: created repository {}{whose}",
            image.repository
        ));
    }
    // A registry host that does not answer makes a docker login fail too.
    let host_failed = f
        .checks
        .iter()
        .any(|c| c.id == CheckId::RegistryHost && c.status == Status::Fail);
    if f.needs(AutoFix::DockerLogin) && host_failed {
        printer.warn(&format!(
            "not logging docker in to {}: the registry-host check failed",
            token.host
        ));
    } else if f.needs(AutoFix::DockerLogin) {
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
    let mut hints: Vec<String> = failed
        .iter()
        .find_map(|c| c.fix.clone())
        .into_iter()
        .collect();
    if let Some(offer) = fix_offer(&failed) {
        hints.push(offer);
    }
    match hints.is_empty() {
        true => Outcome::Verdict(verdict),
        false => Outcome::Verdict(verdict.with_hint(hints.join("; "))),
    }
}

/// "`--fix` applies …", naming only the fixes it has for these failing checks.
fn fix_offer(failed: &[&Check]) -> Option<String> {
    let fixes: Vec<&str> = [
        (AutoFix::CreateRepository, "create the repository"),
        (AutoFix::DockerLogin, "docker login"),
    ]
    .into_iter()
    .filter(|(fix, _)| failed.iter().any(|c| c.auto_fix == Some(*fix)))
    .map(|(_, what)| what)
    .collect();
    (!fixes.is_empty()).then(|| format!("`--fix` applies the safe fixes ({})", fixes.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hint(checks: &[Check]) -> Option<String> {
        match verdict(checks) {
            Outcome::Verdict(v) => v.hint,
            _ => panic!("no verdict"),
        }
    }

    #[test]
    fn fix_is_offered_only_for_failures_it_can_fix() {
        let broken_store = Check::fail(
            CheckId::DockerCredentials,
            "docker's credential store `desktop` is broken",
            "`ecrctl login --install-helper` (or `ecrctl login --no-creds-store`)",
        );
        let h = hint(std::slice::from_ref(&broken_store)).unwrap();
        assert!(!h.contains("--fix"), "{h}");
        assert!(h.contains("--install-helper"), "{h}");
        let no_login = Check::fail(CheckId::DockerCredentials, "no login", "run `ecrctl login`")
            .with_auto_fix(AutoFix::DockerLogin);
        let h = hint(&[broken_store, no_login]).unwrap();
        assert!(
            h.ends_with("`--fix` applies the safe fixes (docker login)"),
            "{h}"
        );
        let unknown = Check::fail(CheckId::Repository, "UnknownError", "");
        assert_eq!(hint(&[unknown]), None);
        assert!(matches!(
            verdict(&[Check::ok(CheckId::Reference, "ok")]),
            Outcome::Success
        ));
    }
}
