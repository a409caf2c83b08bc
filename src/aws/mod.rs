//! Everything that builds AWS clients: the credential chain, region, endpoint, retries and
//! timeouts live here and nowhere else. Errors from the SDK are translated in `errors`.

mod config;
mod errors;
pub mod repositories;

pub use config::{AwsContext, load};
pub use errors::{error_code, sdk_error};
