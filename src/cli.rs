//! clap definitions only: every flag, its help text and its environment variable.
//! Validation that needs more than a type lives in the command modules' settings step.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

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
#[derive(Debug, Args, Clone, Default)]
pub struct GlobalArgs {
    /// AWS named profile from ~/.aws/config (SSO profiles included)
    #[arg(long, global = true, env = "AWS_PROFILE", value_name = "NAME")]
    pub profile: Option<String>,

    /// AWS region, e.g. us-east-1 (`login` takes several)
    #[arg(long, global = true, env = "AWS_REGION", value_name = "REGION")]
    pub region: Vec<String>,

    /// AWS account ID of the registry; default: the caller's (`login` takes several)
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
        env = "ECRCTL_REGISTRY_ENDPOINT",
        value_name = "HOST[:PORT]"
    )]
    pub registry_endpoint: Option<String>,

    /// Extra CA certificate (PEM) to trust for registries, besides the system roots,
    /// SSL_CERT_FILE and /etc/docker/certs.d/HOST[:PORT]/*.crt
    #[arg(long, global = true, env = "ECRCTL_CA_CERT", value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,

    /// Output format: a table for people, JSON for scripts
    #[arg(long, short = 'o', global = true, env = "ECRCTL_OUTPUT", value_enum)]
    pub output: Option<OutputFormat>,

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum OutputFormat {
    #[default]
    Table,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Log a container client in to ECR with a cached, auto-refreshed token
    Login(LoginArgs),

    /// Create repositories, or converge existing ones to the settings given; list them
    #[command(subcommand)]
    Repo(RepoCommand),

    /// Print shell completions to stdout
    Completions(CompletionsArgs),
}

#[derive(Debug, Subcommand)]
pub enum RepoCommand {
    /// Create repositories, or bring existing ones to the settings given (idempotent)
    Create(RepoCreateArgs),
    /// List repositories with their settings
    List(RepoListArgs),
}

#[derive(Debug, Args)]
#[command(after_long_help = "\
Examples:
  ecrctl repo create my-app --scan-on-push --immutable
  ecrctl repo create team/api team/web --tag team=platform --lifecycle-policy keep-10.json
  ecrctl repo create --from-file repositories.toml --dry-run")]
pub struct RepoCreateArgs {
    /// Repository names (lowercase; `/` for namespaces), e.g. team/my-app
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,

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
}

/// Settings flags shared by every repository named on the command line.
#[derive(Debug, Args, Clone, Default)]
pub struct RepoSettingsArgs {
    /// Scan images on push (`--scan-on-push=false` turns it off)
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub scan_on_push: Option<bool>,

    /// Whether tags can be overwritten
    #[arg(long, value_enum, value_name = "MODE")]
    pub tag_mutability: Option<TagMutabilityArg>,

    /// Shorthand for --tag-mutability IMMUTABLE (IMMUTABLE_WITH_EXCLUSION with --immutable-exclude)
    #[arg(long, conflicts_with = "tag_mutability")]
    pub immutable: bool,

    /// Tag pattern exempt from the mutability setting, `*` as wildcard (repeatable)
    #[arg(long, value_name = "PATTERN")]
    pub immutable_exclude: Vec<String>,

    /// Encryption at rest; fixed once the repository exists
    #[arg(long, value_enum, value_name = "TYPE")]
    pub encryption: Option<EncryptionArg>,

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
pub struct RepoListArgs {
    /// Only repositories whose name starts with this prefix
    #[arg(long, value_name = "PREFIX")]
    pub prefix: Option<String>,
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
    pub client: Option<crate::login::client::ClientKind>,

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
