//! Everything that builds AWS clients: the credential chain, region, endpoint, retries and
//! timeouts live here and nowhere else. Errors from the SDK are translated in `errors`.

pub mod clock;
mod config;
mod errors;
mod explicit_false;
mod profiles;
mod settings;
pub use explicit_false::ExplicitScanOnPushFalse;
pub mod ec2;
pub mod ecs;
pub mod eks;
pub mod iam;
pub mod iam_fix;
pub mod identity;
pub mod images;
pub mod lambda;
pub mod pull_probe;
pub mod replication;
pub mod repositories;
pub mod retag;
pub mod scans;

pub use config::{AwsContext, ecr_client, ensure_credentials, load, load_sdk_config, region_of};
pub use errors::{error_code, sdk_error};
pub use settings::{
    AwsSettings, Profile, validate_account_id, validate_endpoint_url, validate_region,
};
