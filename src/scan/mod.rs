//! `ecrctl scan gate`. Pure: `findings` (basic and enhanced), `ignore` (reviewed
//! exceptions), `gate` (the verdict), and the report formats `report`, `sarif`, `junit`,
//! `github`, `gitlab`. The shell: `wait` (polling ECR) and `command`.

pub mod command;
pub mod findings;
pub mod gate;
pub mod github;
pub mod gitlab;
pub mod ignore;
pub mod junit;
pub mod outcome;
pub mod report;
pub mod sarif;
pub mod wait;
