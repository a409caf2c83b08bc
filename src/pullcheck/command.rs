//! `ecrctl pull-check IMAGE`: resolves who pulls, gathers the evidence (ECR, IAM, EKS,
//! ECS, Lambda, the registry), runs the pure checks, reports, and with `--fix` applies
//! the safe fixes (or, with `--dry-run`, prints them) and checks again.

use serde_json::{Value, json};

use super::access::{self, AccessInput};
use super::check::{AutoFix, Check, CheckId, Status, Verdict as RunVerdict, verdict};
use super::engine::{self, ImageState, Offered, Placement};
use crate::aws::{self, AwsContext, images as ecr_images, repositories};
use crate::cli::PullCheckArgs;
use crate::error::{CliError, Result};
use crate::iam::{Policy, Principal, PrincipalKind};
use crate::login::fetch;
use crate::model::platform::{self, Platform};
use crate::model::reference::{self, ImageRef};
use crate::model::repository::RepoSettings;
use crate::outcome::{CommandResult, Outcome, Verdict};
use crate::output::Printer;
use crate::registry::client::{Credentials, RegistryClient};
use crate::registry::{endpoint, tls};
use crate::settings::Settings;

/// Who pulls, resolved from the flags.
#[derive(Debug, Clone, Default)]
struct Consumer {
    /// `None`: nothing to check IAM for (an ECS task without an execution role).
    principal: Option<Principal>,
    /// What the principal is, for people: "node role of EKS node group prod/arm".
    label: String,
    /// The principal check when it is not a plain ok.
    note: Option<Check>,
    platform: Option<(Platform, String)>,
    region: Option<(String, String)>,
    lambda_function_arn: Option<String>,
    /// No who-flag: the principal is the caller of these credentials, whose pull
    /// permissions can be tried when its IAM cannot be read.
    is_caller: bool,
}

/// The validated input.
struct Input {
    image: ImageRef,
    reference: String,
    platform: Option<Platform>,
}

pub async fn run(settings: &Settings, args: &PullCheckArgs, printer: &Printer) -> CommandResult {
    let input = validate(settings, args)?;
    let (repo_ctx, consumer_ctx) = contexts(settings, args, &input.image).await?;
    let caller = aws::iam::caller(&repo_ctx).await?;
    let caller_account = caller.account.clone();
    let consumer = resolve(args, &consumer_ctx, &caller, &input).await?;
    // `--vpc`: the network does not change with --fix, so it is read once.
    let network = match &args.vpc {
        Some(vpc) => {
            super::vpc::checks(&consumer_ctx, vpc, &args.subnets, &repo_ctx.region).await?
        }
        None => Vec::new(),
    };
    let mut checks = check_all(
        settings,
        &repo_ctx,
        &consumer_ctx,
        &caller_account,
        &consumer,
        &input,
    )
    .await;
    checks.extend(network.iter().cloned());
    let principal = consumer.principal.as_ref().map(|p| p.arn.as_str());
    super::report::print(printer, &args.image, principal, &checks);
    let fixes: Vec<AutoFix> = checks.iter().filter_map(|c| c.auto_fix.clone()).collect();
    if args.fix && !fixes.is_empty() {
        let plans = plan_fixes(&repo_ctx, &fixes).await?;
        for plan in &plans {
            printer.info(&plan.describe(args.dry_run));
        }
        if args.dry_run {
            printer.info("dry run: nothing changed");
        } else {
            if !crate::output::confirm(
                args.yes,
                "Apply the fixes above?",
                CliError::usage(
                    "--fix changes IAM or the repository policy: pass --yes when not on a terminal (or --dry-run to see the policy JSON)",
                ),
            )? {
                return Ok(Outcome::Verdict(Verdict::new("no fixes applied")));
            }
            for plan in &plans {
                plan.apply(&repo_ctx, &consumer_ctx).await?;
                printer.info(&format!("fixed: {}", plan.done()));
            }
            printer.info("checking again after the fixes:");
            checks = check_all(
                settings,
                &repo_ctx,
                &consumer_ctx,
                &caller_account,
                &consumer,
                &input,
            )
            .await;
            checks.extend(network.iter().cloned());
            super::report::print(printer, &args.image, principal, &checks);
        }
    } else if args.fix {
        printer.info("--fix: nothing that ecrctl may fix by itself");
    }
    outcome(&checks)
}

fn validate(settings: &Settings, args: &PullCheckArgs) -> Result<Input> {
    let image = reference::parse(&args.image).map_err(|e| {
        CliError::usage(format!("`{}` is not an image reference", args.image)).with_cause(e)
    })?;
    if let Err(problem) = crate::names::check_repository_name(&image.repository) {
        return Err(crate::names::name_error(&image.repository, &problem));
    }
    let ecr_host = image.host.as_deref().and_then(endpoint::parse_ecr_host);
    if image.host.is_some() && ecr_host.is_none() && image.host != settings.registry.endpoint {
        return Err(CliError::usage(format!(
            "{} is not an ECR registry host",
            image.host.as_deref().unwrap_or_default()
        ))
        .with_hint("use ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO:TAG, or REPO:TAG for this account and region"));
    }
    let platform = args
        .platform
        .as_deref()
        .map(|p| platform::parse(p).map_err(|e| CliError::usage(format!("--platform: {e}"))))
        .transpose()?;
    if let Some(arn) = &args.principal {
        let p = Principal::from_arn(arn).map_err(|e| {
            CliError::usage(format!("--principal: {}", e.message))
                .with_hint("pass a role or user ARN, e.g. arn:aws:iam::123456789012:role/nodes")
        })?;
        if p.kind() == PrincipalKind::Account {
            return Err(CliError::usage(
                "--principal: an account is not who pulls; pass the role or user",
            )
            .with_hint("e.g. arn:aws:iam::123456789012:role/nodes"));
        }
    }
    if let Some(ng) = &args.eks_nodegroup {
        match ng.split_once('/') {
            Some((c, n)) if !c.is_empty() && !n.is_empty() && !n.contains('/') => {}
            _ => {
                return Err(CliError::usage(format!(
                    "--eks-nodegroup: `{ng}` is not CLUSTER/NODEGROUP"
                ))
                .with_hint("e.g. --eks-nodegroup prod/arm-nodes"));
            }
        }
    }
    if let Some(r) = &args.region_of_consumer {
        aws::validate_region(r, "--region-of-consumer")?;
    }
    if let Some(vpc) = &args.vpc {
        super::vpc::validate(vpc, &args.subnets)?;
    }
    let reference = image
        .digest
        .clone()
        .or_else(|| image.tag.clone())
        .unwrap_or_else(|| "latest".into());
    Ok(Input {
        image,
        reference,
        platform,
    })
}

fn workload_flag(args: &PullCheckArgs) -> bool {
    args.eks_nodegroup.is_some()
        || args.ecs_task_definition.is_some()
        || args.lambda_function.is_some()
}

/// The repository's context (the image host's account and region) and the consumer's
/// (where its node group, task definition or function is looked up).
async fn contexts(
    settings: &Settings,
    args: &PullCheckArgs,
    image: &ImageRef,
) -> Result<(AwsContext, AwsContext)> {
    let mut scoped = settings.aws.clone();
    if let Some(h) = image.host.as_deref().and_then(endpoint::parse_ecr_host) {
        scoped.regions = vec![h.region.clone()];
        scoped.registry_ids = vec![h.account.clone()];
    }
    let repo_ctx = aws::load(&scoped).await?;
    let mut consumer = settings.aws.clone();
    consumer.registry_ids = Vec::new();
    if let Some(r) = &args.region_of_consumer {
        consumer.regions = vec![r.clone()];
    }
    let consumer_ctx = if workload_flag(args) || args.region_of_consumer.is_some() {
        aws::load(&consumer).await?
    } else {
        aws::load(&consumer)
            .await
            .unwrap_or_else(|_| clone_ctx(&repo_ctx))
    };
    Ok((repo_ctx, consumer_ctx))
}

fn clone_ctx(ctx: &AwsContext) -> AwsContext {
    AwsContext {
        sdk: ctx.sdk.clone(),
        ecr: ctx.ecr.clone(),
        region: ctx.region.clone(),
        registry_id: None,
    }
}

fn arch_platform(word: &str, source: String) -> Option<(Platform, String)> {
    engine::platform_of_arch(word).map(|p| (p, source))
}

async fn resolve(
    args: &PullCheckArgs,
    ctx: &AwsContext,
    caller: &Principal,
    input: &Input,
) -> Result<Consumer> {
    let mut c = Consumer::default();
    let region = ctx.region.clone();
    if let Some(ng) = &args.eks_nodegroup {
        let (cluster, nodegroup) = ng.split_once('/').expect("validated");
        let group = aws::eks::node_group(ctx, cluster, nodegroup).await?;
        c.label = format!("node role of EKS node group {ng} ({region})");
        c.principal = Some(principal(&group.node_role)?);
        c.platform = group
            .ami_type
            .as_deref()
            .and_then(|t| arch_platform(t, format!("the node group's AMI type {t}")));
        c.region = Some((region, format!("EKS cluster {cluster}")));
    } else if let Some(td) = &args.ecs_task_definition {
        let def = aws::ecs::task_definition_roles(ctx, td).await?;
        c.platform = def
            .cpu_architecture
            .as_deref()
            .and_then(|a| arch_platform(a, format!("runtimePlatform.cpuArchitecture {a}")));
        c.region = Some((
            region,
            format!("ECS task definition {}", def.family_revision),
        ));
        match &def.execution_role {
            Some(role) => {
                c.label = format!(
                    "execution role of ECS task definition {}",
                    def.family_revision
                );
                c.principal = Some(principal(role)?);
            }
            None if def.compatibilities.iter().any(|x| x == "FARGATE") => {
                c.label = format!(
                    "ECS task definition {} (no execution role)",
                    def.family_revision
                );
                c.note = Some(Check::fail(
                    CheckId::Principal,
                    format!(
                        "{} runs on Fargate without a task execution role: Fargate pulls private ECR images with the execution role, so the pull fails (CannotPullContainerError)",
                        def.family_revision
                    ),
                    "register a new revision with --execution-role-arn arn:aws:iam::ACCOUNT:role/ecsTaskExecutionRole (a role with AmazonECSTaskExecutionRolePolicy)",
                ));
            }
            None => {
                c.label = format!(
                    "ECS task definition {} (no execution role)",
                    def.family_revision
                );
                c.note = Some(Check::warn(
                    CheckId::Principal,
                    format!(
                        "{} has no task execution role: on EC2 container instances the ECS agent pulls with the container instance role (often ecsInstanceRole), which is not checked here",
                        def.family_revision
                    ),
                    "pass --principal arn:aws:iam::ACCOUNT:role/ecsInstanceRole (the instances' role) to check it, or set an execution role",
                ));
            }
        }
    } else if let Some(name) = &args.lambda_function {
        let f = aws::lambda::function_role(ctx, name).await?;
        c.label = format!("role of Lambda function {name}");
        c.principal = Some(principal(&f.role)?);
        c.platform = f
            .architectures
            .first()
            .and_then(|a| arch_platform(a, format!("the function's architecture {a}")));
        c.region = Some((region, format!("Lambda function {name}")));
        c.lambda_function_arn = Some(f.function_arn);
    } else if let Some(arn) = &args.principal {
        c.label = "--principal".into();
        c.principal = Some(principal(arn)?);
    } else {
        c.label = "the caller of these credentials (pass --principal, --eks-nodegroup, --ecs-task-definition or --lambda-function for the real consumer)".into();
        // An ARN that is no IAM principal (a stand-in's `arn:aws:sts::…:user/…`) is kept
        // as it is by aws::iam::caller: its IAM cannot be read, so its pull is tried
        // instead (see check_all).
        c.principal = Some(caller.clone());
        c.is_caller = true;
    }
    if let Some(r) = &args.region_of_consumer {
        c.region = Some((r.clone(), "--region-of-consumer".into()));
    }
    if let Some(p) = &input.platform {
        c.platform = Some((p.clone(), "--platform".into()));
    }
    Ok(c)
}

fn principal(arn: &str) -> Result<Principal> {
    Principal::from_arn(arn).map_err(|e| {
        CliError::remote(format!("cannot use {arn} as a principal")).with_cause(e.message)
    })
}

async fn check_all(
    settings: &Settings,
    repo_ctx: &AwsContext,
    consumer_ctx: &AwsContext,
    caller_account: &str,
    consumer: &Consumer,
    input: &Input,
) -> Vec<Check> {
    let repository = &input.image.repository;
    let account = repo_ctx
        .registry_id
        .clone()
        .unwrap_or_else(|| caller_account.to_string());
    let region = repo_ctx.region.clone();
    let mut checks = Vec::new();
    let skip_rest = |checks: &mut Vec<Check>, why: &str| {
        for id in [
            CheckId::Principal,
            CheckId::IamAuthorizationToken,
            CheckId::IamPull,
            CheckId::RepositoryPolicy,
            CheckId::KmsDecrypt,
            CheckId::Platform,
            CheckId::Region,
        ] {
            if !checks.iter().any(|c: &Check| c.id == id) {
                checks.push(Check::skipped(id, why));
            }
        }
    };
    // 1. The reference: the repository, then the image.
    let repo = match repositories::observe(repo_ctx, repository, &RepoSettings::default()).await {
        Ok(Some(repo)) => repo,
        Ok(None) => {
            checks.push(Check::fail(
                CheckId::Reference,
                format!("the repository {repository} does not exist in account {account}, {region}: docker says \"repository … not found\" / \"name unknown\""),
                format!("check the account, region and name in the URI (aws ecr describe-repositories --registry-id {account} --region {region})"),
            ));
            skip_rest(&mut checks, "no repository to check");
            return checks;
        }
        Err(e) => {
            checks.push(Check::could_not_check(
                CheckId::Reference,
                format!("could not read the repository {repository}"),
                e.to_string(),
            ));
            skip_rest(&mut checks, "the repository could not be read");
            return checks;
        }
    };
    let state = image_state(repo_ctx, repository, &input.reference).await;
    let digest = match &state {
        Ok(s) => {
            checks.push(engine::reference(
                repository,
                &account,
                &region,
                &input.reference,
                s,
            ));
            match s {
                ImageState::Active { digest } => Some(digest.clone()),
                _ => None,
            }
        }
        Err(e) => {
            checks.push(Check::could_not_check(
                CheckId::Reference,
                format!("could not list the images of {repository}"),
                e.clone(),
            ));
            None
        }
    };
    // 2. Who pulls.
    checks.push(match (&consumer.note, &consumer.principal) {
        (Some(note), _) => note.clone(),
        (None, Some(p)) => Check::ok(
            CheckId::Principal,
            format!("{} ({})", p.arn, consumer.label),
        ),
        (None, None) => Check::skipped(CheckId::Principal, "no principal"),
    });
    // 3. IAM, the repository policy, KMS.
    match &consumer.principal {
        Some(p) => {
            let identity = identity_policies(consumer_ctx, p, caller_account).await;
            // The caller's own IAM not readable (no such user/role, AccessDenied, a root or
            // federated caller): try what a pull does with these credentials instead.
            let try_instead = consumer.is_caller && matches!(&identity, Err(e) if e.unreadable);
            // A role or user IAM says does not exist: nothing can pull as it (a deleted node
            // role, a typo'd --principal) — a FAIL, not "could not check".
            let missing = (!consumer.is_caller)
                .then(|| identity.as_ref().err().filter(|e| e.not_found))
                .flatten()
                .map(|e| e.reason.clone());
            let identity = identity.map_err(|e| e.reason);
            let repository_policy = match repositories::repository_policy(repo_ctx, repository)
                .await
            {
                Ok(Some(doc)) => Policy::parse("repository policy", &doc.to_string())
                    .map(Some)
                    .map_err(|e| format!("the repository policy does not parse: {}", e.message)),
                Ok(None) => Ok(None),
                Err(e) => Err(e.to_string()),
            };
            let kms_key = (repo.encryption.encryption_type.as_str() != "AES256").then(|| {
                repo.encryption
                    .kms_key
                    .clone()
                    .unwrap_or_else(|| format!("the AWS managed key aws/ecr of {account}"))
            });
            let attachable_role = match p.kind() {
                PrincipalKind::Role { name } | PrincipalKind::AssumedRole { role: name, .. }
                    if p.account == caller_account =>
                {
                    Some(name)
                }
                _ => None,
            };
            let mut access_checks = access::checks(&AccessInput {
                principal: p.clone(),
                identity,
                repository_policy,
                repository: repository.clone(),
                repository_arn: repo.arn.clone(),
                repository_account: account.clone(),
                kms_key,
                lambda_function_arn: consumer.lambda_function_arn.clone(),
                attachable_role,
            });
            if try_instead {
                let why = access_checks
                    .iter()
                    .find(|c| c.id == CheckId::IamPull)
                    .and_then(|c| c.error.clone())
                    .unwrap_or_default();
                tried_instead(repo_ctx, p, repository, digest.as_deref(), &why)
                    .await
                    .into_iter()
                    .for_each(|tried| {
                        if let Some(c) = access_checks
                            .iter_mut()
                            .find(|c| c.id == tried.id && c.error.is_some())
                        {
                            *c = tried;
                        }
                    });
            }
            if let Some(why) = missing {
                for c in access_checks.iter_mut().filter(|c| c.error.is_some()) {
                    *c = Check::skipped(c.id, format!("{} does not exist", p.arn));
                }
                if let Some(c) = checks.iter_mut().find(|c| c.id == CheckId::Principal) {
                    *c = Check::fail(
                        CheckId::Principal,
                        format!(
                            "{} ({}) does not exist in IAM of account {}: nothing can pull as it ({why})",
                            p.arn, consumer.label, p.account
                        ),
                        "check the ARN (aws iam list-roles / list-users), or create the role and attach arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
                    );
                }
            }
            checks.extend(access_checks);
        }
        None => {
            for id in [
                CheckId::IamAuthorizationToken,
                CheckId::IamPull,
                CheckId::RepositoryPolicy,
                CheckId::KmsDecrypt,
            ] {
                checks.push(Check::skipped(
                    id,
                    "no principal to check (see the principal check)",
                ));
            }
        }
    }
    // 4. The platform.
    let image_name = format!("{repository}:{}", input.reference);
    checks.push(match (&consumer.platform, &digest) {
        (None, _) => engine::platform(None, &Offered::Index(Vec::new()), &image_name),
        (Some(_), None) => Check::skipped(
            CheckId::Platform,
            "no pullable image to read the manifest of",
        ),
        // The manifest the consumer gets for the reference it pulls (tag or digest).
        (Some((wanted, source)), Some(_)) => {
            match offered(settings, repo_ctx, &account, repository, &input.reference).await {
                Ok(offered) => engine::platform(Some((wanted, source)), &offered, &image_name),
                Err(e) => Check::could_not_check(
                    CheckId::Platform,
                    format!("could not read the manifest of {image_name}"),
                    e,
                ),
            }
        }
    });
    // 5. The region.
    let consumer_region = consumer
        .region
        .as_ref()
        .map(|(r, s)| (r.as_str(), s.as_str()));
    let rules = match consumer_region {
        Some((r, _)) if r != region => aws::replication::rules(repo_ctx)
            .await
            .map_err(|e| e.to_string()),
        _ => Ok(Vec::new()),
    };
    checks.push(engine::region(
        &Placement {
            repository,
            account: &account,
            region: &region,
            consumer: consumer_region,
        },
        &rules,
    ));
    checks
}

/// Why the identity policies could not be read; `unreadable`: IAM answered that they
/// cannot be read (no such entity, AccessDenied, not an IAM principal), as opposed to a
/// failed call.
struct IdentityError {
    reason: String,
    unreadable: bool,
    /// IAM says the role or user does not exist (NoSuchEntity).
    not_found: bool,
}

async fn identity_policies(
    ctx: &AwsContext,
    p: &Principal,
    caller_account: &str,
) -> std::result::Result<(Vec<Policy>, Vec<String>), IdentityError> {
    if p.account != caller_account {
        return Err(IdentityError {
            reason: format!(
                "{} is in account {}, these credentials in {caller_account}: ecrctl reads only this account's IAM; run pull-check with credentials of {} to check that side",
                p.arn, p.account, p.account
            ),
            unreadable: false,
            not_found: false,
        });
    }
    aws::iam::identity_policies(ctx, &p.arn)
        .await
        .map(|identity| (identity.policies, identity.caveats))
        .map_err(|e| IdentityError {
            reason: e.reason(),
            not_found: matches!(e, aws::iam::IamError::NotFound(_)),
            unreadable: matches!(
                e,
                aws::iam::IamError::CannotRead(_)
                    | aws::iam::IamError::NotFound(_)
                    | aws::iam::IamError::Unsupported(_)
            ),
        })
}

/// The caller's IAM could not be read (`why`): its token and manifest permissions are
/// tried with its own credentials instead. Returns the checks that replace the evaluated
/// ones: iam-authorization-token, iam-pull, and kms-decrypt when it could not run.
async fn tried_instead(
    ctx: &AwsContext,
    p: &Principal,
    repository: &str,
    digest: Option<&str>,
    why: &str,
) -> Vec<Check> {
    use aws::pull_probe::{self, Tried};
    let who = &p.arn;
    let unread = format!("its identity policies could not be read ({why})");
    let token = match pull_probe::authorization_token(ctx).await {
        Tried::Allowed => Check::ok(
            CheckId::IamAuthorizationToken,
            format!(
                "{who} (these credentials) got a registry token: ecr:GetAuthorizationToken was tried, since {unread}"
            ),
        ),
        Tried::Denied(message) => Check::fail(
            CheckId::IamAuthorizationToken,
            format!(
                "ecr:GetAuthorizationToken was tried with these credentials ({who}) and denied: {message} (docker says \"no basic auth credentials\")"
            ),
            format!(
                "give {who} ecr:GetAuthorizationToken on * (e.g. attach arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly)"
            ),
        ),
        Tried::Failed(e) => Check::could_not_check(
            CheckId::IamAuthorizationToken,
            format!("could not try ecr:GetAuthorizationToken as {who}, and {unread}"),
            e.to_string(),
        ),
    };
    let pull = match digest {
        None => Check::skipped(
            CheckId::IamPull,
            format!("no pullable image to try ecr:BatchGetImage on, and {unread}"),
        ),
        Some(digest) => match pull_probe::batch_get_image(ctx, repository, digest).await {
            // Only the manifest read was tried: the layer calls are not proven.
            Tried::Allowed => Check::warn(
                CheckId::IamPull,
                format!(
                    "{who} (these credentials) read the manifest (ecr:BatchGetImage was tried and allowed); ecr:GetDownloadUrlForLayer and ecr:BatchCheckLayerAvailability were not checked, since {unread}"
                ),
                "pull once to be sure (docker pull), or let these credentials read their IAM (iam:GetUser/GetRole, iam:List*Policies, iam:Get*Policy*) so pull-check can evaluate all pull actions",
            ),
            Tried::Denied(message) => Check::fail(
                CheckId::IamPull,
                format!(
                    "ecr:BatchGetImage on {repository} was tried with these credentials ({who}) and denied: {message} (docker says \"pull access denied\")"
                ),
                format!(
                    "give {who} ecr:BatchGetImage, ecr:GetDownloadUrlForLayer and ecr:BatchCheckLayerAvailability on the repository (e.g. attach arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly), or allow it in the repository policy"
                ),
            ),
            Tried::Failed(e) => Check::could_not_check(
                CheckId::IamPull,
                format!("could not try ecr:BatchGetImage on {repository} as {who}, and {unread}"),
                e.to_string(),
            ),
        },
    };
    let kms = Check::warn(
        CheckId::KmsDecrypt,
        format!(
            "the repository is KMS-encrypted; kms:Decrypt of {who} was not checked: {unread}, and ecrctl does not read KMS key policies"
        ),
        "make sure the key policy and the identity policies of these credentials allow kms:Decrypt on the repository's key",
    );
    vec![token, pull, kms]
}

async fn image_state(
    ctx: &AwsContext,
    repository: &str,
    reference: &str,
) -> std::result::Result<ImageState, String> {
    let images = ecr_images::describe_images_detailed(ctx, repository)
        .await
        .map_err(|e| e.to_string())?;
    let found = images.iter().find(|d| {
        if reference.starts_with("sha256:") {
            d.image.digest == reference
        } else {
            d.image.tags.iter().any(|t| t == reference)
        }
    });
    Ok(match found {
        None => ImageState::Missing,
        Some(d) => match d.status {
            Some("ARCHIVED") | Some("ACTIVATING") => ImageState::Archived {
                digest: d.image.digest.clone(),
                status: d.status.unwrap_or_default().to_string(),
            },
            _ => ImageState::Active {
                digest: d.image.digest.clone(),
            },
        },
    })
}

/// The platforms the image offers, read from the registry (the index, or the config).
async fn offered(
    settings: &Settings,
    ctx: &AwsContext,
    account: &str,
    repository: &str,
    reference: &str,
) -> std::result::Result<Offered, String> {
    let token_settings = fetch::TokenSettings::new(settings, 600).map_err(|e| e.to_string())?;
    let target = fetch::LoginTarget {
        registry_id: Some(account.to_string()),
        region: ctx.region.clone(),
    };
    let token = fetch::obtain(&ctx.sdk, &token_settings, &[target])
        .await
        .map_err(|e| e.to_string())?
        .remove(0)
        .token;
    let http = tls::http_client(
        &token.host,
        settings.registry.ca_cert.as_deref(),
        &tls::docker_certs_dir(),
    )
    .map_err(|e| e.to_string())?;
    let client = RegistryClient::new(
        http,
        &token.host,
        false,
        Some(Credentials {
            username: token.username.clone(),
            password: token.password.clone(),
        }),
    );
    let manifest = client
        .get_manifest(repository, reference)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| {
            format!(
                "{}/{repository} has no manifest for `{reference}` in the registry",
                token.host
            )
        })?;
    let doc: Value = serde_json::from_slice(&manifest.bytes)
        .map_err(|e| format!("the manifest is not JSON: {e}"))?;
    if doc.get("manifests").is_some() {
        return Ok(Offered::Index(engine::index_platforms(&doc)));
    }
    let Some(config) = doc.pointer("/config/digest").and_then(Value::as_str) else {
        return Ok(Offered::Single(None));
    };
    let bytes = client
        .get_small_blob(repository, config)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("the image config {config} is not in the registry"))?;
    let config: Value =
        serde_json::from_slice(&bytes).map_err(|e| format!("the image config is not JSON: {e}"))?;
    Ok(Offered::Single(engine::config_platform(&config)))
}

/// One fix, planned: exactly what it changes.
enum Plan {
    Attach {
        role: String,
        policy_arn: String,
        document: Option<String>,
    },
    RepositoryPolicy {
        repository: String,
        policy: Value,
    },
}

impl Plan {
    fn describe(&self, dry_run: bool) -> String {
        let verb = if dry_run { "would" } else { "will" };
        match self {
            Plan::Attach {
                role,
                policy_arn,
                document,
            } => format!(
                "{verb} attach {policy_arn} to role {role} (aws iam attach-role-policy --role-name {role} --policy-arn {policy_arn}); its policy document:\n{}",
                document.clone().unwrap_or_else(|| "(not readable)".into())
            ),
            Plan::RepositoryPolicy { repository, policy } => format!(
                "{verb} set the repository policy of {repository} to:\n{}",
                serde_json::to_string_pretty(policy).expect("JSON serializes")
            ),
        }
    }
    fn done(&self) -> String {
        match self {
            Plan::Attach {
                role, policy_arn, ..
            } => format!("attached {policy_arn} to role {role}"),
            Plan::RepositoryPolicy { repository, .. } => {
                format!("added a pull statement to the repository policy of {repository}")
            }
        }
    }
    async fn apply(&self, repo_ctx: &AwsContext, consumer_ctx: &AwsContext) -> Result<()> {
        match self {
            Plan::Attach {
                role, policy_arn, ..
            } => aws::iam_fix::attach_role_policy(consumer_ctx, role, policy_arn).await,
            Plan::RepositoryPolicy { repository, policy } => {
                repositories::set_repository_policy(repo_ctx, repository, &policy.to_string()).await
            }
        }
    }
}

async fn plan_fixes(repo_ctx: &AwsContext, fixes: &[AutoFix]) -> Result<Vec<Plan>> {
    let mut plans: Vec<Plan> = Vec::new();
    for fix in fixes {
        match fix {
            AutoFix::AttachRolePolicy {
                role_name,
                policy_arn,
            } => {
                if plans
                    .iter()
                    .any(|p| matches!(p, Plan::Attach { role, .. } if role == role_name))
                {
                    continue;
                }
                let document = aws::iam_fix::managed_policy_document(repo_ctx, policy_arn)
                    .await
                    .ok();
                plans.push(Plan::Attach {
                    role: role_name.clone(),
                    policy_arn: policy_arn.clone(),
                    document,
                });
            }
            AutoFix::AddRepositoryStatement {
                repository,
                statement,
            } => {
                if plans
                    .iter()
                    .any(|p| matches!(p, Plan::RepositoryPolicy { .. }))
                {
                    continue;
                }
                let current = repositories::repository_policy(repo_ctx, repository).await?;
                plans.push(Plan::RepositoryPolicy {
                    repository: repository.clone(),
                    policy: with_statements(current, statement),
                });
            }
        }
    }
    Ok(plans)
}

/// The repository policy with `added` statements appended (a new policy when none).
fn with_statements(current: Option<Value>, added: &Value) -> Value {
    let mut policy = current.unwrap_or_else(|| json!({ "Version": "2012-10-17", "Statement": [] }));
    let mut statements = match policy.get("Statement") {
        Some(Value::Array(list)) => list.clone(),
        Some(one @ Value::Object(_)) => vec![one.clone()],
        _ => Vec::new(),
    };
    for s in added
        .as_array()
        .cloned()
        .unwrap_or_else(|| vec![added.clone()])
    {
        let sid = s.get("Sid").cloned();
        statements.retain(|old| sid.is_none() || old.get("Sid") != sid.as_ref());
        statements.push(s);
    }
    policy["Statement"] = Value::Array(statements);
    policy
}

fn outcome(checks: &[Check]) -> CommandResult {
    let failed: Vec<&Check> = checks.iter().filter(|c| c.status == Status::Fail).collect();
    match verdict(checks) {
        RunVerdict::Pass => Ok(Outcome::Success),
        RunVerdict::Fail => {
            let mut v = Verdict::new(format!(
                "the pull would fail: {}",
                crate::output::count(failed.len(), "check fails", "checks fail")
            ));
            for c in &failed {
                v = v.with_cause(format!("{}: {}", c.id.as_str(), c.reason));
            }
            let fix = failed.iter().find_map(|c| c.fix.clone()).unwrap_or_default();
            let auto = if failed.iter().any(|c| c.auto_fix.is_some()) {
                "; `--fix --dry-run` shows the policy change, `--fix --yes` applies it"
            } else {
                ""
            };
            Ok(Outcome::Verdict(v.with_hint(format!("{fix}{auto}"))))
        }
        RunVerdict::Unknown => Err(
            checks
                .iter()
                .filter_map(|c| c.error.as_ref().map(|e| (c, e)))
                .fold(CliError::remote("some checks could not run: the pull could not be fully checked"), |err, (c, e)| {
                    err.with_cause(format!("{}: {} ({e})", c.id.as_str(), c.reason))
                })
                .with_hint("give the credentials read access to what the causes name (or run with the consumer account's credentials)"),
        ),
    }
}
