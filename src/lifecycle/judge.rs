//! How one repository is judged, the same way by every command and mode (one repository,
//! registry-wide, offline files, apply): the policy evaluated, what is protected there
//! (`--protect`, `--protect-digests`, and what the workloads of its region run), and the
//! guard over time (`--horizon`).

use std::time::Duration;

use super::guard::{self, Guard};
use super::images::{Image, Micros};
use super::in_use::{self, Place, Source, Workloads};
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
    /// What `--protect-in-use` found, read once per region (or once offline).
    workloads: Vec<Workloads>,
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
            self.workloads.push(found);
        }
        // ECS and Lambda are regional: read each region once. Every reference is kept
        // with the registry it names, so what one region runs protects in another.
        let mut read: Vec<&str> = Vec::new();
        for ctx in contexts {
            if read.contains(&ctx.region.as_str()) {
                continue;
            }
            read.push(&ctx.region);
            let found = in_use::gather(sources.to_vec(), settings, Some(ctx), self.printer).await?;
            found.print_summary(self.printer);
            self.workloads.push(found);
        }
        Ok(())
    }

    /// What is protected in `repository` of the registry (`account`, `region`) among
    /// `images`: the given protection, plus what the workloads of every region read use
    /// in that registry. An unknown account or region is the one the sources were read
    /// with (the caller's account; the context's region).
    pub fn protection_for(
        &self,
        account: Option<&str>,
        region: Option<&str>,
        repository: Option<&str>,
        images: &[Image],
    ) -> Protection {
        let home = self
            .workloads
            .iter()
            .find(|w| w.home.as_ref().map(|h| h.1.as_str()) == region)
            .or(self.workloads.first())
            .and_then(|w| w.home.clone());
        let Some(home) = home else {
            return self.protection.clone();
        };
        let place: Place = (
            account.map_or(home.0, String::from),
            region.map_or(home.1, String::from),
        );
        let mut protection = self.protection.clone();
        let mut said: Vec<String> = Vec::new();
        for workloads in &self.workloads {
            let (more, lines) = workloads.protect(&protection, Some(&place), repository, images);
            protection = more;
            for line in lines {
                if !said.contains(&line) {
                    self.printer.info(&format!("in use: {line}"));
                    said.push(line);
                }
            }
        }
        protection
    }

    pub fn judge(
        &self,
        account: Option<&str>,
        region: Option<&str>,
        repository: Option<String>,
        policy: Policy,
        images: Vec<Image>,
    ) -> Judged {
        let protection = self.protection_for(account, region, repository.as_deref(), &images);
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
