//! Items whose source and destination are the same ECR registry: re-tagged through the
//! API, with the same safety rules as a copy (identical = skipped, different = refused
//! without --overwrite, never moved in an IMMUTABLE repository).

use std::collections::BTreeMap;

use futures::StreamExt;

use aws_sdk_ecr::Client;

use super::copy::{Destination, ItemReport, Status, skip_existing};
use super::plan::PlanItem;
use crate::aws::retag::{self, PutOutcome};
use crate::error::{CliError, Result};

fn report(item: &PlanItem) -> ItemReport {
    ItemReport::new(item)
}

/// Re-tags `items` (all in one registry); one report per item, in order.
pub async fn retag_all(
    client: &Client,
    registry_id: Option<&str>,
    dst: &Destination,
    items: &[&PlanItem],
    overwrite: bool,
    jobs: usize,
) -> Vec<ItemReport> {
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
    for (repo, refs) in &by_source {
        match retag::get_manifests(client, registry_id, repo, refs).await {
            Ok(found) => sources.insert(*repo, found),
            Err(e) => return items.iter().map(|i| failed(i, &e)).collect(),
        };
    }
    for (repo, tags) in &by_dest {
        match retag::get_manifests(client, registry_id, repo, tags).await {
            Ok(found) => existing.insert(*repo, found),
            Err(e) => return items.iter().map(|i| failed(i, &e)).collect(),
        };
    }
    // PutImage calls run side by side (paced by the destination's rate), in plan order.
    let (sources, existing) = (&sources, &existing);
    futures::stream::iter(items)
        .map(|item| async move {
            let mut r = report(item);
            if let Err(e) = retag_one(
                client,
                registry_id,
                dst,
                item,
                sources,
                existing,
                overwrite,
                &mut r,
            )
            .await
            {
                r.status = Status::Failed;
                r.error = Some(e.to_string());
            }
            r
        })
        .buffered(jobs)
        .collect()
        .await
}

fn failed(item: &PlanItem, error: &CliError) -> ItemReport {
    let mut r = report(item);
    r.error = Some(error.to_string());
    r
}

type Found<'a> = BTreeMap<&'a str, std::collections::HashMap<String, retag::StoredManifest>>;

#[allow(clippy::too_many_arguments)]
async fn retag_one(
    client: &Client,
    registry_id: Option<&str>,
    dst: &Destination,
    item: &PlanItem,
    sources: &Found<'_>,
    existing: &Found<'_>,
    overwrite: bool,
    r: &mut ItemReport,
) -> Result<()> {
    let source_ref = item.source_reference();
    let tag = item.destination_tag();
    let manifest = sources
        .get(item.source.repository.as_str())
        .and_then(|m| m.get(&source_ref))
        .ok_or_else(|| CliError::remote(format!("{} does not exist", item.source)))?;
    r.digest = Some(manifest.digest.clone());
    let dst_repo = &item.destination.repository;
    let current = existing
        .get(dst_repo.as_str())
        .and_then(|m| m.get(&tag))
        .map(|m| m.digest.as_str());
    let protected = dst.protection(dst_repo, &tag);
    if skip_existing(
        dst_repo,
        &tag,
        current,
        &manifest.digest,
        protected.as_deref(),
        overwrite,
    )? {
        r.skip_exists();
        return Ok(());
    }
    if let Some(pacer) = &dst.pacer {
        pacer.wait().await;
    }
    match retag::put_tag(
        client,
        registry_id,
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
