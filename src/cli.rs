//! clap definitions only: every flag, its help text and its environment variable.
//! Validation that needs more than a type lives in the command modules' settings step.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::settings;

const EXIT_CODES: &str = "\
Exit codes:
  0    success
  1    the command worked and its verdict is \"no\" (a gate failed, a check found a blocker)
  2    usage or input error: bad flag, name or file. Nothing was changed
  3    AWS or registry error after retries: credentials, permissions, network, throttling
  4    timed out waiting
  130  interrupted (Ctrl-C)";

/// Fast, safe Amazon ECR tooling: repositories, tokens, checks, previews, gates, migrations.
#[derive(Debug, Parser)]
#[command(name = "ecrctl", version, about, after_long_help = EXIT_CODES, after_help = EXIT_CODES)]
#[command(propagate_version = true, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// Flags every command shares (see docs/conventions.md).
#[derive(Debug, Args, Clone)]
pub struct GlobalArgs {
    /// AWS named profile from ~/.aws/config (SSO profiles included). Given here, its
    /// credentials win over AWS_ACCESS_KEY_ID in the environment, as in the AWS CLI;
    /// AWS_PROFILE keeps the standard order (environment keys first)
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,

    /// AWS region, e.g. us-east-1 (`login` and `lifecycle` take several)
    #[arg(long, global = true, env = settings::ENV_REGION, value_name = "REGION")]
    pub region: Vec<String>,

    /// AWS account ID of the registry; default: the caller's (`login` and `lifecycle` take several)
    #[arg(long, global = true, value_name = "ACCOUNT_ID")]
    pub registry_id: Vec<String>,

    /// ECR API endpoint, e.g. a VPC endpoint or a local stand-in. Without it the standard
    /// AWS_ENDPOINT_URL_ECR, then AWS_ENDPOINT_URL, then the profile's endpoint_url apply
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint_url: Option<String>,

    /// Registry (data-plane) host to use instead of ACCOUNT.dkr.ecr.REGION.amazonaws.com
    #[arg(
        long,
        global = true,
        env = settings::ENV_REGISTRY_ENDPOINT,
        value_name = "HOST[:PORT]"
    )]
    pub registry_endpoint: Option<String>,

    /// Extra CA certificate (PEM) to trust for registries, besides the system roots,
    /// SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt
    #[arg(long, global = true, env = settings::ENV_CA_CERT, value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,

    /// Output format: a table for people, JSON for scripts
    #[arg(long, short = 'o', global = true, env = settings::ENV_OUTPUT, value_enum)]
    pub output: Option<OutputFormatArg>,

    /// Print only errors
    #[arg(long, short = 'q', global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// More detail on stderr (-v, -vv, -vvv); secrets are never logged
    #[arg(long, short = 'v', global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Never colour output (also NO_COLOR)
    #[arg(long, global = true)]
    pub no_color: bool,

    /// Never draw progress bars
    #[arg(long, global = true)]
    pub no_progress: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormatArg {
    Table,
    Json,
}

impl GlobalArgs {
    /// The flags as plain data for `Settings::resolve`.
    pub fn to_flags(&self) -> settings::Flags {
        settings::Flags {
            profile: self.profile.clone(),
            regions: self.region.clone(),
            registry_ids: self.registry_id.clone(),
            endpoint_url: self.endpoint_url.clone(),
            registry_endpoint: self.registry_endpoint.clone(),
            ca_cert: self.ca_cert.clone(),
            output: self.output.map(|o| match o {
                OutputFormatArg::Table => crate::output::OutputFormat::Table,
                OutputFormatArg::Json => crate::output::OutputFormat::Json,
            }),
            quiet: self.quiet,
            verbose: self.verbose,
            no_color: self.no_color,
            no_progress: self.no_progress,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Log a container client in to ECR with a cached, auto-refreshed token
    Login(LoginArgs),

    /// Remove ecrctl's cached ECR tokens and the client's stored credentials for registries
    Logout(LogoutArgs),

    /// Create repositories, or converge existing ones to the settings given; list them
    #[command(subcommand)]
    Repo(RepoCommand),

    /// Preview exactly what a lifecycle policy expires, check it, apply it safely
    #[command(subcommand)]
    Lifecycle(LifecycleCommand),

    /// Wait for ECR scan results and pass or fail a build on them (CI gate)
    #[command(subcommand)]
    Scan(ScanCommand),

    /// Diagnose why a push to ECR would fail, before pushing
    PushCheck(PushCheckArgs),

    /// Diagnose why a pod, task or function cannot pull an image from ECR
    PullCheck(PullCheckArgs),

    /// Copy and re-tag images between registries, digests preserved, resumably
    Migrate(MigrateArgs),

    /// Print shell completions to stdout
    Completions(CompletionsArgs),
}

#[derive(Debug, Subcommand)]
pub enum RepoCommand {
    /// Create repositories, or bring existing ones to the settings given (idempotent)
    Create(Box<RepoCreateArgs>),
    /// List repositories with their settings
    List(RepoListArgs),
    /// Delete repositories (refuses non-empty ones without --force; asks first)
    Delete(RepoDeleteArgs),
}

#[derive(Debug, Args)]
#[command(after_long_help = "\
Examples:
  ecrctl repo create my-app --scan-on-push --immutable
  ecrctl repo create team/api team/web --tag team=platform --lifecycle-policy keep-10.json
  ecrctl repo create --from-file repositories.toml --dry-run
  ecrctl repo create --repository-name team/api --image-tag-mutability IMMUTABLE --tags Key=team,Value=core
  ecrctl --region us-west-2 repo create --from-file repos.json --kms-key-map OLD_ARN=NEW_ARN")]
pub struct RepoCreateArgs {
    /// Repository names (lowercase; `/` for namespaces), e.g. team/my-app
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,

    /// A repository name, as the AWS CLI spells it (repeatable; same as NAME)
    #[arg(long = "repository-name", value_name = "NAME")]
    pub repository_names: Vec<String>,

    /// JSON or TOML file listing repositories with per-repository settings and defaults
    #[arg(long, short = 'f', value_name = "FILE")]
    pub from_file: Option<PathBuf>,

    #[command(flatten)]
    pub settings: RepoSettingsArgs,

    /// Show what would be created or changed, and change nothing
    #[arg(long)]
    pub dry_run: bool,

    /// How many repositories to create or update at once
    #[arg(long, short = 'j', default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs: u16,

    /// Use KMS key NEW where the settings name key OLD (e.g. a key ARN of the source region
    /// when copying to another); `OLD=` means the AWS managed key. Repeatable, or a FILE of
    /// OLD=NEW lines
    #[arg(long, value_name = "OLD=NEW|FILE")]
    pub kms_key_map: Vec<String>,
}

/// Settings flags shared by every repository named on the command line.
#[derive(Debug, Args, Clone, Default)]
pub struct RepoSettingsArgs {
    /// Scan images on push (`--scan-on-push=false` turns it off)
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub scan_on_push: Option<bool>,

    /// Whether tags can be overwritten (alias: --image-tag-mutability)
    #[arg(long, value_enum, value_name = "MODE", alias = "image-tag-mutability")]
    pub tag_mutability: Option<TagMutabilityArg>,

    /// Shorthand for --tag-mutability IMMUTABLE (IMMUTABLE_WITH_EXCLUSION with --immutable-exclude)
    #[arg(long, conflicts_with = "tag_mutability")]
    pub immutable: bool,

    /// Tags are immutable except those matching PATTERN (`*` wildcard; repeatable):
    /// IMMUTABLE_WITH_EXCLUSION
    #[arg(long, value_name = "PATTERN")]
    pub immutable_exclude: Vec<String>,

    /// Tags are mutable except those matching PATTERN, which are immutable (`*` wildcard;
    /// repeatable): MUTABLE_WITH_EXCLUSION
    #[arg(long, value_name = "PATTERN", conflicts_with_all = ["immutable", "immutable_exclude"])]
    pub mutable_exclude: Vec<String>,

    /// Scan on push as the AWS CLI writes it: `scanOnPush=true|false`
    #[arg(long, value_name = "scanOnPush=BOOL", conflicts_with = "scan_on_push")]
    pub image_scanning_configuration: Option<String>,

    /// Encryption at rest; fixed once the repository exists
    #[arg(long, value_enum, value_name = "TYPE")]
    pub encryption: Option<EncryptionArg>,

    /// Encryption as the AWS CLI writes it: `encryptionType=KMS,kmsKey=KEY` (or AES256)
    #[arg(long, value_name = "encryptionType=TYPE[,kmsKey=KEY]", conflicts_with_all = ["encryption", "kms_key"])]
    pub encryption_configuration: Option<String>,

    /// KMS key ARN, ID or alias for --encryption KMS (default: the AWS managed key)
    #[arg(long, value_name = "KEY")]
    pub kms_key: Option<String>,

    /// Lifecycle policy document (JSON) to put on the repository
    #[arg(long, value_name = "FILE")]
    pub lifecycle_policy: Option<PathBuf>,

    /// Repository policy document (JSON) to set on the repository
    #[arg(long, value_name = "FILE")]
    pub repository_policy: Option<PathBuf>,

    /// Resource tag KEY=VALUE (repeatable)
    #[arg(long = "tag", value_name = "KEY=VALUE")]
    pub tags: Vec<String>,

    /// Resource tags as the AWS CLI writes them: `Key=k,Value=v` (several, space-separated
    /// or repeated) or a JSON list `[{"Key":"k","Value":"v"}]`
    #[arg(long = "tags", value_name = "Key=K,Value=V", num_args = 1..)]
    pub aws_tags: Vec<String>,
}

/// A container client for `login --client` (mapped to `login::client::ClientKind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ClientArg {
    Docker,
    Podman,
    Nerdctl,
    Finch,
    Helm,
    Oras,
}

/// A finding severity for `scan gate` (mapped to `scan::findings::Severity`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
    Informational,
    Low,
    Medium,
    High,
    Critical,
}

/// `scan gate --fail-on`: a severity, or `none` (budgets alone decide).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOnArg {
    Informational,
    Low,
    Medium,
    High,
    Critical,
    // No threshold: only the --max-* budgets fail the gate.
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TagMutabilityArg {
    Mutable,
    Immutable,
    ImmutableWithExclusion,
    MutableWithExclusion,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EncryptionArg {
    #[value(name = "AES256")]
    Aes256,
    Kms,
    KmsDsse,
}

#[derive(Debug, Args)]
#[command(after_long_help = "\
Without --with, JSON output includes policies and tags (so it can be replayed with
`repo create --from-file`) and the table does not (one call per repository less).

Examples:
  ecrctl repo list
  ecrctl repo list --with tags
  ecrctl repo list -o json > repos.json && ecrctl --region us-west-2 repo create --from-file repos.json
  ecrctl repo list -o json --with none      # fastest: DescribeRepositories only")]
pub struct RepoListArgs {
    /// Only repositories whose name starts with this prefix
    #[arg(long, value_name = "PREFIX")]
    pub prefix: Option<String>,

    /// Also fetch these per repository (comma-separated): policies (lifecycle and
    /// repository policy), tags, all, none
    #[arg(long, value_enum, value_name = "WHAT", value_delimiter = ',')]
    pub with: Vec<RepoListWith>,
}

/// What `repo list --with` fetches beyond DescribeRepositories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RepoListWith {
    Policies,
    Tags,
    All,
    None,
}

#[derive(Debug, Args)]
#[command(after_long_help = "\
Each repository is described first: images, bytes and image tags that deleting it would
lose. A repository with images is refused (nothing is deleted) unless --force is given.
On a terminal ecrctl asks before deleting; elsewhere --yes is required.

Examples:
  ecrctl repo delete old/api old/web --dry-run
  ecrctl repo delete old/api --force --yes -o json")]
pub struct RepoDeleteArgs {
    /// Repositories to delete
    #[arg(value_name = "NAME", required = true)]
    pub names: Vec<String>,

    /// Also delete repositories that still hold images (the images are lost)
    #[arg(long)]
    pub force: bool,

    /// Show what would be deleted and lost, and change nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Do not ask for confirmation (required when not on a terminal)
    #[arg(long, short = 'y')]
    pub yes: bool,

    /// How many repositories to describe or delete at once
    #[arg(long, short = 'j', default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs: u16,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to print completions for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
#[command(after_long_help = "\
Examples:
  ecrctl login                                  # docker, this account and region
  ecrctl login --region us-east-1 --region eu-west-1 --registry-id 111122223333
  ecrctl login --print-password | crane auth login ACCOUNT.dkr.ecr.REGION.amazonaws.com -u AWS --password-stdin
  ecrctl login --install-helper                 # docker asks ecrctl for tokens from now on
  ecrctl login status --warn-within 2h          # exit 1 when a login expires within 2h")]
pub struct LoginArgs {
    #[command(subcommand)]
    pub command: Option<LoginCommand>,

    /// Container client to log in (default: docker, else the first one found on PATH)
    #[arg(long, value_enum)]
    pub client: Option<ClientArg>,

    /// Print only the password, for tools that read it on stdin (like
    /// `aws ecr get-login-password`); logs no client in
    #[arg(long, conflicts_with_all = ["client", "install_helper", "no_creds_store"])]
    pub print_password: bool,

    /// Reuse a cached token only while it has at least this long left
    #[arg(long, value_name = "DURATION", default_value = "1h", value_parser = duration_arg)]
    pub min_validity: Duration,

    /// Always get a new token from AWS, ignoring the cache
    #[arg(long)]
    pub force: bool,

    /// Make docker ask ecrctl for ECR credentials (credHelpers in config.json), so it never
    /// holds an expired token
    #[arg(long, conflicts_with = "no_creds_store")]
    pub install_helper: bool,

    /// Log docker in through a separate DOCKER_CONFIG that stores credentials in `auths`,
    /// bypassing a broken credsStore such as Docker Desktop's
    #[arg(long)]
    pub no_creds_store: bool,
}

#[derive(Debug, Args)]
#[command(after_long_help = "\
Examples:
  ecrctl logout 123456789012.dkr.ecr.eu-west-1.amazonaws.com
  ecrctl logout --all --dry-run                 # what would go
  ecrctl logout --all --client podman")]
pub struct LogoutArgs {
    /// Registry hosts to log out of (HOST or HOST:PORT)
    #[arg(
        value_name = "HOST",
        required_unless_present = "all",
        conflicts_with = "all"
    )]
    pub hosts: Vec<String>,

    /// Every ECR registry known to ecrctl's cache and the client's stored credentials
    #[arg(long)]
    pub all: bool,

    /// Show what would be removed; change nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Whose stored credentials to remove besides ecrctl's cache: docker (config.json
    /// `auths` and its credential store) or podman
    #[arg(long, value_enum, default_value = "docker")]
    pub client: LogoutClientArg,
}

/// The clients `logout --client` knows how to clean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogoutClientArg {
    Docker,
    Podman,
}

#[derive(Debug, Subcommand)]
pub enum LoginCommand {
    /// Show every known ECR login and how long it has left; exit 1 if any is expired or
    /// expires within --warn-within
    Status(LoginStatusArgs),
}

#[derive(Debug, Args)]
pub struct LoginStatusArgs {
    /// Count a login as expiring (exit 1) when it has less than this left
    #[arg(long, value_name = "DURATION", default_value = "1h", value_parser = duration_arg)]
    pub warn_within: Duration,
}

fn duration_arg(text: &str) -> Result<Duration, String> {
    crate::duration::parse_duration(text)
}

/// `--horizon`: a duration with its unit. Everything about a horizon is in days (ECR's
/// 90-day archive minimum, `--horizon 90d`), so a bare `90` would silently be 90 seconds;
/// only `0` (now only) may go without one.
fn horizon_arg(text: &str) -> Result<Duration, String> {
    let trimmed = text.trim();
    if !trimmed.is_empty()
        && trimmed.bytes().all(|b| b.is_ascii_digit())
        && trimmed.bytes().any(|b| b != b'0')
    {
        return Err(format!(
            "`{trimmed}` has no unit: say {trimmed}d for days (or {trimmed}h, {trimmed}m, {trimmed}s)"
        ));
    }
    crate::duration::parse_duration(text)
}

/// The most `--price-per-gb-month` takes (ECR charges $0.10).
pub const MAX_PRICE_PER_GB_MONTH: f64 = 1000.0;

/// A price: a finite number in 0..=1000 (NaN, infinities and negatives are refused).
fn price_arg(text: &str) -> Result<f64, String> {
    let price: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a number (USD, e.g. 0.10)"))?;
    if (0.0..=MAX_PRICE_PER_GB_MONTH).contains(&price) {
        Ok(price)
    } else {
        Err(format!(
            "`{text}` is out of range 0..={MAX_PRICE_PER_GB_MONTH} (USD per GB-month)"
        ))
    }
}

#[derive(Debug, Subcommand)]
pub enum LifecycleCommand {
    /// Show which images a policy would expire or archive, and why every other one stays
    Preview(LifecyclePreviewArgs),
    /// Check a policy against every ECR constraint (exit 2 when invalid)
    Lint(LifecycleLintArgs),
    /// Put a policy on a repository: preview, diff, then apply when confirmed
    Apply(LifecycleApplyArgs),
    /// Save what a lifecycle policy sees (every image, archived too, and index children) as describe-images JSON
    Snapshot(LifecycleSnapshotArgs),
}

/// Where the images come from.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct ImageSourceArgs {
    /// Preview this repository (images from DescribeImages)
    #[arg(long, value_name = "NAME")]
    pub repository: Option<String>,

    /// Preview every repository that has a lifecycle policy (or all, with --policy)
    #[arg(long)]
    pub all_repositories: bool,

    /// Offline: images from `ecrctl lifecycle snapshot` or `aws ecr describe-images --filter imageStatus=ANY --output json` saved to FILE
    #[arg(long, value_name = "FILE")]
    pub images: Option<PathBuf>,
}

/// Images that must never be expired or archived.
#[derive(Debug, Args, Clone, Default)]
pub struct ProtectArgs {
    /// Tag pattern (`*` wildcard) whose images must survive, e.g. 'prod-*' (repeatable)
    #[arg(long, value_name = "GLOB")]
    pub protect: Vec<String>,

    /// File of digests or image references in use (one per line): exit 1 if any would go
    #[arg(long, value_name = "FILE")]
    pub protect_digests: Option<PathBuf>,

    /// Protect images running workloads use: ecs, lambda, k8s (current kubectl context),
    /// k8s:CONTEXT, k8s=FILE (`kubectl get … -o json`); comma list or repeated
    #[arg(long, value_name = "SOURCES")]
    pub protect_in_use: Vec<String>,
}

#[derive(Debug, Args)]
#[command(after_long_help = "\
Examples:
  ecrctl lifecycle preview --repository team/api
  ecrctl lifecycle preview --repository team/api --policy new-policy.json --protect 'prod-*'
  ecrctl lifecycle preview --images images.json --policy policy.json --now 2026-01-01T00:00:00Z
  ecrctl lifecycle preview --repository team/api --protect 'prod-*' --horizon 90d
  ecrctl lifecycle preview --all-repositories --repository-prefix team/ -o json
  ecrctl lifecycle preview --repository team/api --explain v1.2.3
  ecrctl lifecycle preview --repository team/api --protect-in-use ecs,lambda,k8s=pods.json
  ecrctl lifecycle snapshot --repository team/api > images.json   # then --images images.json

Live previews read every image, archived ones too (DescribeImages with imageStatus ANY);
an image being restored (ACTIVATING) is still in the archive. Sizes are ECR's per-image
sizes (an index counts as the largest of its manifests, and nothing of its own when its
children are listed); layers shared between images are not deduplicated, so freed bytes
are an upper bound. LAST PULLED is ECR's lastRecordedPullTime, which ECR refreshes about
once every 24 hours: an image pulled within the last day may show an older time.")]
pub struct LifecyclePreviewArgs {
    #[command(flatten)]
    pub source: ImageSourceArgs,

    /// With --all-repositories: only repositories whose name starts with PREFIX
    #[arg(long, value_name = "PREFIX", requires = "all_repositories")]
    pub repository_prefix: Option<String>,

    /// Policy document (JSON; `-` reads standard input); default: the repository's own policy
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,

    /// Evaluate as of this instant: RFC 3339, or relative to now (+30d, -7d, +12h)
    #[arg(long, value_name = "RFC3339|±DURATION", allow_hyphen_values = true)]
    pub now: Option<String>,

    /// Fail (exit 1) if a protected image is touched within DURATION from now, assuming no
    /// new pushes (e.g. 90d; 0 = now only; at most 365d)
    #[arg(long, value_name = "DURATION", default_value = "0", value_parser = horizon_arg)]
    pub horizon: Duration,

    #[command(flatten)]
    pub protect: ProtectArgs,

    /// Show the decision path for one image (digest, digest prefix, or tag)
    #[arg(long, value_name = "DIGEST|TAG")]
    pub explain: Option<String>,

    /// Storage price used for the savings estimate (USD per GB-month, 0 to 1000)
    #[arg(long, value_name = "USD", default_value_t = 0.10, value_parser = price_arg)]
    pub price_per_gb_month: f64,

    /// Also run ECR's own preview and show any difference from the local result
    /// (one live repository: not with --images or --all-repositories)
    #[arg(long, requires = "repository", conflicts_with_all = ["images", "all_repositories"])]
    pub remote: bool,

    /// How long to wait for ECR's own preview (--remote)
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = duration_arg)]
    pub timeout: Duration,

    /// Repositories previewed at once (--all-repositories)
    #[arg(long, short = 'j', default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs: u16,

    /// Image rows in the table (0: all); default 20 on a terminal, all otherwise. `-o json` lists all
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
}

/// Which repositories to snapshot.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct SnapshotSourceArgs {
    /// Snapshot this repository
    #[arg(long, value_name = "NAME")]
    pub repository: Option<String>,

    /// Snapshot every repository (one document; each image names its repository)
    #[arg(long)]
    pub all_repositories: bool,
}

#[derive(Debug, Args)]
#[command(after_long_help = "\
Prints `aws ecr describe-images`-shaped JSON ({\"imageDetails\":[…]}) on stdout: every image
in every storage state (imageStatus ANY: ACTIVE, ARCHIVED, ACTIVATING), each with its
repositoryName, and for each index (manifest list) a `childManifests` list read with
BatchGetImage, which describe-images does not print. `lifecycle preview --images FILE` on
it is as exact as a live preview. JSON whatever --output says. Nothing is printed unless
every repository was read completely (exit 3 otherwise).

Examples:
  ecrctl lifecycle snapshot --repository team/api > images.json
  ecrctl lifecycle preview --images images.json --policy new.json --now 2026-03-01T00:00:00Z
  ecrctl lifecycle snapshot --all-repositories --repository-prefix team/ > fleet.json")]
pub struct LifecycleSnapshotArgs {
    #[command(flatten)]
    pub source: SnapshotSourceArgs,

    /// With --all-repositories: only repositories whose name starts with PREFIX
    #[arg(long, value_name = "PREFIX", requires = "all_repositories")]
    pub repository_prefix: Option<String>,

    /// Repositories read at once (--all-repositories)
    #[arg(long, short = 'j', default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs: u16,
}

/// `lifecycle apply --horizon` by default: a quarter. A policy put today keeps running
/// unattended; 90 days covers a release cycle and ECR's 90-day minimum stay in the archive
/// (docs/lifecycle.md, "A guard that holds over time").
pub const DEFAULT_APPLY_HORIZON: &str = "90d";

/// Which repositories `lifecycle apply` puts the policy on.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct ApplyTargetArgs {
    /// Repository to put the policy on
    #[arg(long, value_name = "NAME")]
    pub repository: Option<String>,

    /// Every repository whose name starts with PREFIX (in each --region)
    #[arg(long, value_name = "PREFIX")]
    pub repository_prefix: Option<String>,

    /// Every repository of the registry (in each --region)
    #[arg(long)]
    pub all_repositories: bool,

    /// The repositories named in FILE, one per line (`#` starts a comment)
    #[arg(long, value_name = "FILE")]
    pub repositories_from: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct LifecycleLintArgs {
    /// Policy document (JSON) to check
    #[arg(long, value_name = "FILE")]
    pub policy: PathBuf,
}

#[derive(Debug, Args)]
#[command(after_long_help = "\
Examples:
  ecrctl lifecycle apply --repository team/api --policy keep-30.json --protect 'prod-*'
  ecrctl lifecycle apply --repository team/api --policy keep-30.json --yes   # in CI
  ecrctl lifecycle apply --repository team/api --policy keep-30.json --protect-in-use ecs,k8s:prod
  ecrctl lifecycle apply --repository-prefix team/ --policy keep-30.json --dry-run
  ecrctl lifecycle apply --all-repositories --region us-east-1 --region eu-west-1 --policy - < p.json

Each repository gets a per-rule diff, the images that stop or start expiring, and the
protected-image check; then a drift report (unchanged / would change / changed / error) and
one confirmation for the batch. Exit code: the worst repository (error 3 > protected 1 > 0).")]
pub struct LifecycleApplyArgs {
    #[command(flatten)]
    pub target: ApplyTargetArgs,

    /// Policy document (JSON); `-` reads it from standard input
    #[arg(long, value_name = "FILE")]
    pub policy: PathBuf,

    #[command(flatten)]
    pub protect: ProtectArgs,

    /// Refuse if a protected image is touched within DURATION from now, assuming no new
    /// pushes (0 = now only; at most 365d)
    #[arg(long, value_name = "DURATION", default_value = DEFAULT_APPLY_HORIZON, value_parser = horizon_arg)]
    pub horizon: Duration,

    /// Apply even when protected images would be expired
    #[arg(long)]
    pub force: bool,

    /// Do not ask for confirmation (required when not on a terminal)
    #[arg(long, short = 'y')]
    pub yes: bool,

    /// Show the preview and the diff, change nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Storage price used for the savings estimate (USD per GB-month, 0 to 1000)
    #[arg(long, value_name = "USD", default_value_t = 0.10, value_parser = price_arg)]
    pub price_per_gb_month: f64,

    /// Repositories read (and changed) at once
    #[arg(long, short = 'j', default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs: u16,

    /// Image rows in the table (0: all); default 20 on a terminal, all otherwise. `-o json` lists all
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
}

#[derive(Debug, Subcommand)]
pub enum ScanCommand {
    /// Wait for each image's scan, apply the policy, and exit 0 (pass) or 1 (fail)
    Gate(ScanGateArgs),
}

#[derive(Debug, Args)]
#[command(after_long_help = "\
Severity order: informational < low < medium < high < critical. A severity the gate does
not know (UNDEFINED, UNTRIAGED, anything new) counts as critical, with a warning, unless
--unknown-severity-as maps it.
The gate fails on critical findings unless --fail-on says otherwise; --max-* budgets add
to that threshold and never switch it off (--fail-on none: budgets alone decide). A budget
at or above the threshold (--fail-on high --max-high 5) is a contradiction: exit 2.
--timeout bounds the whole gate (all images together), not each image.

Exit codes: 0 pass, 1 fail, 2 bad input, 3 AWS error, 4 timeout.

Examples:
  ecrctl scan gate team/api:v1.2.3 --fail-on high
  ecrctl scan gate team/api:v1.2.3 --start --fail-on critical --max-high 5 --ignore-file .ecr-ignore.toml
  ecrctl scan gate team/api@sha256:… --sarif scan.sarif --junit scan.xml
  ecrctl scan gate --findings findings.json --fail-on high      # offline")]
pub struct ScanGateArgs {
    /// Images: REPO:TAG, REPO@sha256:DIGEST, or ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO:TAG
    #[arg(value_name = "IMAGE")]
    pub images: Vec<String>,

    /// Offline: the JSON of `aws ecr describe-image-scan-findings --output json`
    /// (repeatable; `-` reads standard input)
    #[arg(long, value_name = "FILE")]
    pub findings: Vec<PathBuf>,

    /// Fail when any finding at or above this severity remains [default: critical]
    /// (any case: `CRITICAL` too)
    #[arg(long, value_enum, value_name = "SEVERITY", ignore_case = true)]
    pub fail_on: Option<FailOnArg>,

    /// Fail when more than N critical findings remain
    #[arg(long, value_name = "N")]
    pub max_critical: Option<u32>,
    /// Fail when more than N high findings remain
    #[arg(long, value_name = "N")]
    pub max_high: Option<u32>,
    /// Fail when more than N medium findings remain
    #[arg(long, value_name = "N")]
    pub max_medium: Option<u32>,
    /// Fail when more than N low findings remain
    #[arg(long, value_name = "N")]
    pub max_low: Option<u32>,
    /// Fail when more than N informational findings remain
    #[arg(long, value_name = "N")]
    pub max_informational: Option<u32>,

    /// Where findings of a severity the gate does not know (UNDEFINED, UNTRIAGED, new
    /// ones) count [default: critical, with a warning]
    #[arg(long, value_enum, value_name = "SEVERITY", ignore_case = true)]
    pub unknown_severity_as: Option<SeverityArg>,

    /// Skip findings with no fix available for their package (enhanced scanning only)
    #[arg(long)]
    pub ignore_unfixed: bool,

    /// Skip findings with no known exploit (enhanced scanning only)
    #[arg(long)]
    pub only_exploitable: bool,

    /// Reviewed exceptions: TOML `[[ignore]]` entries (id, package, until, reason), a
    /// `.trivyignore` or a `.trivyignore.yaml` (dates are UTC)
    #[arg(long, value_name = "FILE")]
    pub ignore_file: Option<PathBuf>,

    /// Start a basic scan when the image has none
    #[arg(long)]
    pub start: bool,

    /// With --start: start a new scan of an image whose scan FAILED, and wait for it
    #[arg(long, requires = "start")]
    pub rescan_failed: bool,

    /// How long the whole gate waits for all scans together, not each image (then exit 4)
    #[arg(long, value_name = "DURATION", default_value = "15m", value_parser = duration_arg)]
    pub timeout: Duration,

    /// Also write a SARIF 2.1.0 report (GitHub code scanning): one run per repository,
    /// alerts keyed by repository, not tag or digest
    #[arg(long, value_name = "FILE")]
    pub sarif: Option<PathBuf>,

    /// Keep ignored findings in the SARIF report, as suppressed notes (GitHub code
    /// scanning shows them as open alerts; by default they are left out)
    #[arg(long, requires = "sarif")]
    pub sarif_include_ignored: bool,

    /// Also write a JUnit XML report (one test case per image)
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,

    /// In the JUnit report, one test case per finding (named repository + id) instead of
    /// one per image
    #[arg(long, requires = "junit")]
    pub junit_per_finding: bool,

    /// Also write a GitLab container-scanning report (gl-container-scanning-report.json)
    #[arg(long, value_name = "FILE")]
    pub gitlab_report: Option<PathBuf>,

    /// Under GitHub Actions, attach the annotations to this file (e.g. Dockerfile)
    #[arg(long, value_name = "FILE")]
    pub annotation_file: Option<String>,

    /// Images gated at once
    #[arg(long, short = 'j', default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs: u16,
}

#[derive(Debug, Args)]
#[command(after_long_help = "\
Plan file: one `SOURCE DESTINATION` pair per line; `#` comments. A destination ending in
`/` is a prefix (the source's path and tag go under it); a destination without a host is
this account's ECR registry. Sources without a host are Docker Hub. Two items writing one
destination tag (after hosts and --rename are applied) are refused; a source pinned by
digest, and every blob, must match its digest.

  nginx:1.27                                   mirror/nginx:1.27
  ghcr.io/org/tool:v2                          tools/
  registry.internal:5000/team/api:v1.4.0       123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/api:v1.4.0

A `skopeo sync` YAML file (FILE.yaml: images, images-by-tag-regex, images-by-semver) is a
plan too, with the destination prefix as --to PREFIX/.

Examples:
  ecrctl migrate --plan images.txt --dry-run
  ecrctl migrate --plan images.txt --jobs 16 --report migration.json
  ecrctl migrate --plan images.txt --shard 2/4      # one of four CI jobs
  ecrctl migrate --plan images.txt --shard auto --shard-count 4   # Kubernetes Indexed Job")]
pub struct MigrateArgs {
    /// The plan: `SOURCE DESTINATION` per line (`-` reads stdin), TOML/JSON, or a
    /// `skopeo sync` YAML file (FILE.yaml, with --to)
    #[arg(
        long,
        value_name = "FILE",
        required_unless_present = "from",
        conflicts_with = "from"
    )]
    pub plan: Option<PathBuf>,

    /// Generate the plan: every repository under REGISTRY/PREFIX (listed with the registry
    /// API, or DescribeRepositories/DescribeImages for ECR)
    #[arg(long, value_name = "REGISTRY/PREFIX", requires = "to")]
    pub from: Option<String>,

    /// With --from or a skopeo sync plan (FILE.yaml): the destination prefix (ending in
    /// `/`), e.g. `mirror/`
    #[arg(long, value_name = "PREFIX/")]
    pub to: Option<String>,

    /// With --from: only repositories matching this glob (repeatable)
    #[arg(long, value_name = "GLOB", requires = "from")]
    pub include: Vec<String>,

    /// With --from: skip repositories matching this glob (repeatable)
    #[arg(long, value_name = "GLOB", requires = "from")]
    pub exclude: Vec<String>,

    /// With --from: copy every tag
    #[arg(long, requires = "from", conflicts_with = "tags")]
    pub all_tags: bool,

    /// With --from: copy the tags matching this glob, e.g. 'v*'
    #[arg(long, value_name = "GLOB", requires = "from")]
    pub tags: Option<String>,

    /// With --from: copy the tags this regular expression matches (unanchored, as
    /// skopeo sync), e.g. '^v1\.[0-9]+$'
    #[arg(long, value_name = "REGEX", requires = "from")]
    pub tags_regex: Option<String>,

    /// With --from: copy the tags that are versions in this range, e.g. '>= 1.2, < 2'
    #[arg(long, value_name = "RANGE", requires = "from")]
    pub tags_semver: Option<String>,

    /// With --from: rename repository paths, `s/FROM/TO/` (FROM literal; `^` anchors a
    /// prefix, `$` a suffix), e.g. 's/^legacy-//'
    #[arg(long, value_name = "s/FROM/TO/", requires = "from")]
    pub rename: Option<String>,

    /// Images copied at once
    #[arg(long, short = 'j', default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs: u16,

    /// Images copied at once from or to any single registry
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs_per_host: u16,

    /// Further attempts of an image that failed for a reason that may pass (a registry
    /// that kept answering 503, a broken transfer), after each request's own retries
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = clap::value_parser!(u32).range(0..=10))]
    pub retries: u32,

    /// Replace destination tags that point at another digest (never an immutable tag,
    /// exclusion filters checked tag by tag)
    #[arg(long)]
    pub overwrite: bool,

    /// Show what would be copied, skipped or refused, and the blobs to move; change nothing
    /// (exit 1 when an item would fail)
    #[arg(long)]
    pub dry_run: bool,

    /// Journal of finished items and their source digests, for resuming and re-syncing; one
    /// run at a time (locked). Default: per plan and shard, in the state folder
    #[arg(long, value_name = "FILE")]
    pub journal: Option<PathBuf>,

    /// Keep no journal: every item is checked against the destination afresh
    #[arg(long, conflicts_with_all = ["journal", "fresh"])]
    pub no_journal: bool,

    /// Start the journal over (forget earlier runs of this plan)
    #[arg(long)]
    pub fresh: bool,

    /// Read every destination manifest back and compare digests
    #[arg(long)]
    pub verify: bool,

    /// Registry reached over plain HTTP (repeatable), e.g. localhost:5000; never an ECR
    /// registry (its token would travel in clear)
    #[arg(long, value_name = "HOST[:PORT]")]
    pub plain_http: Vec<String>,

    /// Settings for ECR repositories created on the way (same format as `repo create --from-file`)
    #[arg(long, value_name = "FILE")]
    pub repo_settings: Option<PathBuf>,

    /// Manifest PUTs per second per ECR registry [default: 10, ECR's PutImage quota per
    /// account and region; 10/N with --shard I/N, as the shards share it] (0 = unlimited)
    #[arg(long, env = "ECRCTL_MAX_PUT_RATE", value_name = "N")]
    pub max_put_rate: Option<u32>,

    /// Run only slice I of N of the plan (1-based), e.g. 2/4; `auto` reads it from
    /// Kubernetes Indexed Jobs (JOB_COMPLETION_INDEX + --shard-count), GitLab parallel jobs
    /// (CI_NODE_INDEX, CI_NODE_TOTAL) or ECRCTL_SHARD_INDEX + --shard-count (GitHub matrix)
    #[arg(long, value_name = "I/N|auto", value_parser = shard_arg)]
    pub shard: Option<ShardArg>,

    /// With --shard auto: how many shards there are (Kubernetes `completions`, matrix size)
    #[arg(long, env = "ECRCTL_SHARD_COUNT", value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub shard_count: Option<u32>,

    /// Also write the JSON report to FILE
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,

    /// Copy only this platform of a multi-platform source, os/arch[/variant] (repeatable):
    /// one platform copies its own manifest, several a new index listing only them
    #[arg(long, value_name = "OS/ARCH[/VARIANT]", value_parser = crate::migrate::platform::parse)]
    pub platform: Vec<crate::migrate::platform::Platform>,

    /// Also copy each image's OCI referrers (signatures, attestations, SBOMs): the referrers
    /// API and the `sha256-<hex>` / cosign `.sig`/`.att`/`.sbom` tags
    #[arg(long)]
    pub referrers: bool,

    /// Credentials for source registries: a podman/skopeo auth.json (instead of docker's config.json)
    #[arg(long, value_name = "FILE")]
    pub src_authfile: Option<PathBuf>,

    /// Credentials for destination registries other than ECR: a podman/skopeo auth.json
    #[arg(long, value_name = "FILE")]
    pub dest_authfile: Option<PathBuf>,
}

/// `--shard`: a fixed slice, or `auto` (resolved from the CI environment by `migrate`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShardArg {
    /// Slice I of N, 1-based.
    Slice(usize, usize),
    Auto,
}

fn shard_arg(text: &str) -> Result<ShardArg, String> {
    if text == "auto" {
        return Ok(ShardArg::Auto);
    }
    let bad = || format!("`{text}` is not I/N with 1 <= I <= N (e.g. 2/4), or `auto`");
    let (i, n) = text.split_once('/').ok_or_else(bad)?;
    let (i, n): (usize, usize) = (i.parse().map_err(|_| bad())?, n.parse().map_err(|_| bad())?);
    if i >= 1 && i <= n {
        Ok(ShardArg::Slice(i, n))
    } else {
        Err(bad())
    }
}

#[derive(Debug, Args)]
#[command(after_long_help = "\
Checks, in order: reference and naming; AWS credentials and a registry token; the
repository (exists, mutability, scan on push, encryption); the registry host (DNS, TLS,
/v2/); docker's stored credentials for the host (and that they work); tag immutability;
layer sizes; repository policy denies; lifecycle policy and scan on push.

Exit codes: 0 nothing fails (warnings allowed), 1 a check fails, 2 bad input, 3 the
checks could not run.

Examples:
  ecrctl push-check 123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/api:v1.2.3
  ecrctl push-check team/api:v1.2.3 --layer-sizes layers.json
  ecrctl push-check team/api:v1.2.3 --fix --yes")]
pub struct PushCheckArgs {
    /// The image to push: ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO:TAG, or REPO:TAG
    #[arg(value_name = "IMAGE")]
    pub image: String,

    /// Layer sizes to check against ECR's 52,000 MiB limit: a JSON list of byte counts, a
    /// JSON image manifest, or an OCI image layout folder
    #[arg(long, value_name = "FILE", conflicts_with = "local_image")]
    pub layer_sizes: Option<PathBuf>,

    /// Read layer sizes from this image in the local docker daemon (`docker save`)
    #[arg(long, value_name = "REF")]
    pub local_image: Option<String>,

    /// Apply the safe fixes: create the repository, log docker in
    #[arg(long)]
    pub fix: bool,

    /// With --fix: do not ask (required when not on a terminal)
    #[arg(long, short = 'y')]
    pub yes: bool,

    /// With --fix: settings for a repository it creates (the `repo create --from-file` format)
    #[arg(long, value_name = "FILE", requires = "fix")]
    pub repo_settings: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(after_long_help = "\
Who pulls (one of): --principal ARN, --eks-nodegroup CLUSTER/NODEGROUP (its node role),
--ecs-task-definition FAMILY[:REV] (its execution role), --lambda-function NAME (its role,
and the Lambda service across accounts); default: the caller of these credentials.

Checks, in order: the reference (repository, tag or digest, not archived); the principal;
ecr:GetAuthorizationToken; the pull actions (BatchGetImage, GetDownloadUrlForLayer,
BatchCheckLayerAvailability) in IAM; the repository policy (cross-account); kms:Decrypt
for KMS repositories; the platform; the consumer's region and replication; with --vpc, the
VPC's paths to ECR (vpc, endpoint-ecr-api, endpoint-ecr-dkr, endpoint-s3).

Exit codes: 0 nothing fails (warnings allowed), 1 a pull would fail, 2 bad input, 3 a
check could not run (and none fails).

Examples:
  ecrctl pull-check 123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/api:v1 --eks-nodegroup prod/arm-nodes
  ecrctl pull-check team/api:v1 --principal arn:aws:iam::210987654321:role/deployer
  ecrctl pull-check team/api:v1 --ecs-task-definition api:42 --fix --dry-run
  ecrctl pull-check team/api:v1 --eks-nodegroup prod/nodes --vpc vpc-0a1b2c3d4e5f67890")]
pub struct PullCheckArgs {
    /// The image to pull: ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO:TAG (or @DIGEST), or REPO:TAG
    #[arg(value_name = "IMAGE")]
    pub image: String,

    /// Who pulls: an IAM role or user ARN (an assumed-role session ARN means its role)
    #[arg(long, value_name = "ARN", group = "who")]
    pub principal: Option<String>,

    /// Who pulls: the node role of this EKS managed node group
    #[arg(long, value_name = "CLUSTER/NODEGROUP", group = "who")]
    pub eks_nodegroup: Option<String>,

    /// Who pulls: the execution role of this ECS task definition
    #[arg(long, value_name = "FAMILY[:REV]", group = "who")]
    pub ecs_task_definition: Option<String>,

    /// Who pulls: this Lambda function's role (and the Lambda service across accounts)
    #[arg(long, value_name = "NAME", group = "who")]
    pub lambda_function: Option<String>,

    /// The platform the consumer runs, e.g. linux/arm64 (default: what the node group,
    /// task definition or function says, when it says)
    #[arg(long, value_name = "OS/ARCH[/VARIANT]")]
    pub platform: Option<String>,

    /// The region the consumer runs in (default: the configured region for a node group,
    /// task definition or function; that is also where they are looked up)
    #[arg(long, value_name = "REGION")]
    pub region_of_consumer: Option<String>,

    /// Check that the VPC's subnets reach ECR: interface endpoints ecr.api / ecr.dkr with
    /// private DNS, the S3 gateway endpoint on their route tables, or a NAT/internet route
    /// (read in the consumer's region)
    #[arg(long, value_name = "VPC_ID")]
    pub vpc: Option<String>,

    /// With --vpc: only this subnet, where the workload runs (repeatable; default: every
    /// subnet of the VPC)
    #[arg(long = "subnet", value_name = "SUBNET_ID", requires = "vpc")]
    pub subnets: Vec<String>,

    /// Apply the safe fixes: attach AmazonEC2ContainerRegistryPullOnly to the role, add a
    /// repository-policy statement for the consumer account
    #[arg(long)]
    pub fix: bool,

    /// With --fix: print the exact policy JSON and change nothing
    #[arg(long, requires = "fix")]
    pub dry_run: bool,

    /// With --fix: do not ask (required when not on a terminal)
    #[arg(long, short = 'y')]
    pub yes: bool,
}

#[cfg(test)]
mod tests {
    #[test]
    fn prices_are_finite_and_in_range() {
        assert_eq!(super::price_arg("0.10"), Ok(0.10));
        assert_eq!(super::price_arg("0"), Ok(0.0));
        for bad in [
            "NaN", "nan", "inf", "-inf", "-0.01", "1000.5", "1e309", "ten",
        ] {
            assert!(super::price_arg(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_horizon_says_its_unit() {
        use std::time::Duration;
        assert_eq!(super::horizon_arg("0"), Ok(Duration::ZERO));
        assert_eq!(
            super::horizon_arg("90d"),
            Ok(Duration::from_secs(90 * 86_400))
        );
        let e = super::horizon_arg("90").unwrap_err();
        assert!(e.contains("say 90d"), "{e}");
    }
}
