//! How one repository is judged, the same way by every command and mode (one repository,
//! registry-wide, offline files, apply): the policy evaluated, what is protected there
//! (`--protect`, `--protect-digests`, and what the workloads of its region run), and the
//! guard over time (`--horizon`).

use std::time::Duration;

use super::guard::{self, Guard};
use super::images::{Image, Micros};
use super::in_use::{self, Source, Workloads};
use super::policy::Policy;
use super::preview;
use super::protect::Protection;
use super::report::Preview;
use crate::aws::AwsContext;
use crate::error::Result;
use crate::output::Printer;
use crate::settings::Settings;

/// A repository's preview and its guard over time.
pub struct Judged {
    pub preview: Preview,
    pub guard: Guard,
}

pub struct Judge<'a> {
    pub now: Micros,
    pub horizon: Duration,
    pub protection: &'a Protection,
    pub printer: &'a Printer,
    /// What `--protect-in-use` found, by region (`None`: offline).
    workloads: Vec<(Option<String>, Workloads)>,
}

impl<'a> Judge<'a> {
    pub fn new(
        now: Micros,
        horizon: Duration,
        protection: &'a Protection,
        printer: &'a Printer,
    ) -> Self {
        Self {
            now,
            horizon,
            protection,
            printer,
            workloads: Vec::new(),
        }
    }

    /// Reads the `--protect-in-use` sources once for each region (or once offline, for
    /// `contexts` empty). Any source that cannot be read fails the command: fail closed.
    pub async fn read_workloads(
        &mut self,
        sources: &[Source],
        settings: &Settings,
        contexts: &[AwsContext],
    ) -> Result<()> {
        if sources.is_empty() {
            return Ok(());
        }
        if contexts.is_empty() {
            let found = in_use::gather(sources.to_vec(), settings, None, self.printer).await?;
            found.print_summary(self.printer);
            self.workloads.push((None, found));
        }
        for ctx in contexts {
            if self
                .workloads
                .iter()
                .any(|(r, _)| r.as_deref() == Some(&ctx.region))
            {
                continue;
            }
            let found = in_use::gather(sources.to_vec(), settings, Some(ctx), self.printer).await?;
            found.print_summary(self.printer);
            self.workloads.push((Some(ctx.region.clone()), found));
        }
        Ok(())
    }

    /// What is protected in `repository` (of `region`) among `images`.
    pub fn protection_for(
        &self,
        region: Option<&str>,
        repository: Option<&str>,
        images: &[Image],
    ) -> Protection {
        let found = self
            .workloads
            .iter()
            .find(|(r, _)| r.is_none() || r.as_deref() == region);
        match found {
            Some((_, workloads)) => {
                workloads.protection_for(self.protection, repository, images, self.printer)
            }
            None => self.protection.clone(),
        }
    }

    pub fn judge(
        &self,
        region: Option<&str>,
        repository: Option<String>,
        policy: Policy,
        images: Vec<Image>,
    ) -> Judged {
        let protection = self.protection_for(region, repository.as_deref(), &images);
        self.judge_protected(&protection, repository, policy, images)
    }

    /// [`Self::judge`] with the protection already worked out.
    pub fn judge_protected(
        &self,
        protection: &Protection,
        repository: Option<String>,
        policy: Policy,
        images: Vec<Image>,
    ) -> Judged {
        let preview = preview::evaluate(repository, policy, images, self.now, protection);
        let guard = guard::check(&preview, protection, self.now, self.horizon);
        Judged { preview, guard }
    }
}
