//! Items whose source and destination are the same ECR registry: re-tagged through the
//! API, with the same safety rules as a copy (identical = skipped, different = refused
//! without --overwrite, never moved in an IMMUTABLE repository).

use std::collections::BTreeMap;

use futures::StreamExt;

use aws_sdk_ecr::Client;

use super::copy::{Destination, ItemReport, Status, skip_existing};
use super::journal::{EARLIER, Resume, SOURCE_CHANGED, resume, source_changed};
use super::plan::PlanItem;
use crate::aws::retag::{self, PutOutcome};
use crate::error::{CliError, Result};

fn report(item: &PlanItem) -> ItemReport {
    ItemReport::new(item)
}

/// How one registry's re-tags run.
pub struct Retag<'a> {
    pub client: &'a Client,
    pub registry_id: Option<&'a str>,
    pub dst: &'a Destination,
    pub overwrite: bool,
    pub jobs: usize,
    /// Read the sources and destinations, decide, write nothing.
    pub dry_run: bool,
}

/// The journal's source digest for an item, if it finished in an earlier run.
pub type Journaled<'a> = &'a (dyn Fn(&PlanItem) -> Option<String> + Sync);
/// Called as each item finishes (journal, progress).
pub type OnDone<'a> = &'a (dyn Fn(&PlanItem, &ItemReport) -> Result<()> + Sync);

/// Re-tags `items` (all in one registry); one report per item, in order.
pub async fn retag_all(
    run: &Retag<'_>,
    items: &[&PlanItem],
    journaled: Journaled<'_>,
    on_done: OnDone<'_>,
) -> Result<Vec<ItemReport>> {
    let (client, registry_id) = (run.client, run.registry_id);
    let mut by_source: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut by_dest: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for item in items {
        let source_ref = item.source_reference();
        by_source
            .entry(&item.source.repository)
            .or_default()
            .push(source_ref);
        by_dest
            .entry(&item.destination.repository)
            .or_default()
            .push(item.destination_tag());
    }
    let mut sources = BTreeMap::new();
    let mut existing = BTreeMap::new();
    let all_failed = |e: &CliError| -> Result<Vec<ItemReport>> {
        let mut reports = Vec::new();
        for item in items {
            let r = failed(item, e);
            on_done(item, &r)?;
            reports.push(r);
        }
        Ok(reports)
    };
    for (repo, refs) in &by_source {
        match retag::get_manifests(client, registry_id, repo, refs).await {
            Ok(found) => sources.insert(*repo, found),
            Err(e) => return all_failed(&e),
        };
    }
    for (repo, tags) in &by_dest {
        match retag::get_manifests(client, registry_id, repo, tags).await {
            Ok(found) => existing.insert(*repo, found),
            Err(e) => return all_failed(&e),
        };
    }
    // PutImage calls run side by side (paced by the destination's rate), in plan order;
    // each item is journaled and shown as it finishes.
    let (sources, existing) = (&sources, &existing);
    futures::stream::iter(items)
        .map(|item| async move {
            let mut r = report(item);
            let was = journaled(item);
            if let Err(e) = retag_one(run, item, sources, existing, was.as_deref(), &mut r).await {
                r.status = Status::Failed;
                r.error = Some(e.to_string());
            }
            on_done(item, &r)?;
            Ok(r)
        })
        .buffered(run.jobs)
        .collect::<Vec<Result<ItemReport>>>()
        .await
        .into_iter()
        .collect()
}

fn failed(item: &PlanItem, error: &CliError) -> ItemReport {
    let mut r = report(item);
    r.error = Some(error.to_string());
    r
}

type Found<'a> = BTreeMap<&'a str, std::collections::HashMap<String, retag::StoredManifest>>;

async fn retag_one(
    run: &Retag<'_>,
    item: &PlanItem,
    sources: &Found<'_>,
    existing: &Found<'_>,
    journaled: Option<&str>,
    r: &mut ItemReport,
) -> Result<()> {
    let source_ref = item.source_reference();
    let tag = item.destination_tag();
    let manifest = sources
        .get(item.source.repository.as_str())
        .and_then(|m| m.get(&source_ref))
        .ok_or_else(|| CliError::remote(format!("{} does not exist", item.source)))?;
    r.digest = Some(manifest.digest.clone());
    let changed = match resume(journaled, &manifest.digest) {
        Resume::New => None,
        Resume::Done(_) => {
            r.status = Status::Skipped;
            r.detail = Some(EARLIER.into());
            return Ok(());
        }
        Resume::Changed { was } => Some(was),
    };
    let dst_repo = &item.destination.repository;
    let current = existing
        .get(dst_repo.as_str())
        .and_then(|m| m.get(&tag))
        .map(|m| m.digest.as_str());
    let protected = run.dst.protection(dst_repo, &tag);
    let skip = skip_existing(
        dst_repo,
        &tag,
        current,
        &manifest.digest,
        protected.as_deref(),
        run.overwrite,
    )
    .map_err(|e| match &changed {
        Some(was) => source_changed(e, was),
        None => e,
    })?;
    if skip {
        r.skip_exists();
        return Ok(());
    }
    if changed.is_some() {
        r.detail = Some(SOURCE_CHANGED.into());
    }
    if run.dry_run {
        r.status = Status::Retagged;
        r.detail = Some("would re-tag in ECR (no blobs move)".into());
        return Ok(());
    }
    if let Some(pacer) = &run.dst.pacer {
        pacer.wait().await;
    }
    match retag::put_tag(
        run.client,
        run.registry_id,
        &item.destination.repository,
        &tag,
        manifest,
    )
    .await?
    {
        PutOutcome::Written => r.status = Status::Retagged,
        PutOutcome::AlreadyThere => r.skip_exists(),
    }
    Ok(())
}
