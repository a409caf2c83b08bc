//! Copying images registry to registry: manifests byte for byte (so digests survive),
//! every platform of an index, each blob at most once per destination repository (HEAD,
//! then a cross-repository mount, then a streamed upload), manifest PUTs paced for ECR.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::plan::PlanItem;
use crate::error::{CliError, Result};
use crate::lifecycle::wildcard;
use crate::model::manifest;
use crate::model::repository::{Mutability, MutabilityMode};
use crate::registry::client::{Manifest, RegistryClient};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Copied,
    /// Re-tagged inside one ECR registry (BatchGetImage + PutImage, no blobs moved).
    Retagged,
    Skipped,
    Failed,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemReport {
    pub source: String,
    pub destination: String,
    pub digest: Option<String>,
    pub status: Status,
    /// Why it was skipped, or why it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    pub bytes: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl ItemReport {
    /// A report for `item`, failed until something says otherwise.
    pub fn new(item: &PlanItem) -> Self {
        Self {
            source: item.source.to_string(),
            destination: item.destination.to_string(),
            digest: None,
            status: Status::Failed,
            detail: None,
            bytes: 0,
            error: None,
        }
    }
}

/// Why `tag` cannot be moved in a repository with mutability `m`, or `None` when it can:
/// IMMUTABLE protects every tag, `IMMUTABLE_WITH_EXCLUSION` the tags no exclusion filter
/// matches, `MUTABLE_WITH_EXCLUSION` the tags one matches (ECR's wildcard filters).
pub fn tag_protection(m: &Mutability, tag: &str) -> Option<String> {
    let matched = m.exclusions.iter().find(|f| wildcard::matches(f, tag));
    match (m.mode, matched) {
        (MutabilityMode::Mutable, _) => None,
        (MutabilityMode::Immutable, _) => Some("IMMUTABLE".into()),
        (MutabilityMode::ImmutableWithExclusion, None) => Some(format!(
            "IMMUTABLE_WITH_EXCLUSION and `{tag}` matches none of its exclusion filters ({})",
            m.exclusions.join(", ")
        )),
        (MutabilityMode::ImmutableWithExclusion, Some(_)) => None,
        (MutabilityMode::MutableWithExclusion, Some(filter)) => Some(format!(
            "MUTABLE_WITH_EXCLUSION and `{tag}` matches its exclusion filter `{filter}` (immutable)"
        )),
        (MutabilityMode::MutableWithExclusion, None) => None,
    }
}

/// The one rule for a destination tag that may already exist: the same digest is
/// skipped (`Ok(true)`); another digest is never moved where the tag is immutable
/// (`protected` says why, see `tag_protection`) and is only replaced with --overwrite; a
/// new tag goes ahead (`Ok(false)`).
pub fn skip_existing(
    repo: &str,
    tag: &str,
    existing: Option<&str>,
    digest: &str,
    protected: Option<&str>,
    overwrite: bool,
) -> Result<bool> {
    let Some(existing) = existing else {
        return Ok(false);
    };
    if existing == digest {
        return Ok(true);
    }
    if let Some(why) = protected {
        return Err(CliError::remote(format!(
            "{repo} is {why}; `{tag}` already points at {existing}: ECR refuses to move it"
        )));
    }
    if !overwrite {
        return Err(CliError::remote(format!(
            "`{tag}` exists with another digest ({existing}); pass --overwrite to replace it"
        )));
    }
    Ok(false)
}

impl ItemReport {
    /// Marks the item skipped because the destination already has it.
    pub fn skip_exists(&mut self) {
        self.status = Status::Skipped;
        self.detail = Some("exists".into());
    }
}

/// What a manifest holds, read strictly: a manifest that is not a valid image manifest
/// or index fails the item instead of being copied without its blobs.
fn content(manifest: &Manifest) -> Result<manifest::Manifest> {
    manifest::Manifest::parse(&manifest.bytes).map_err(|why| {
        CliError::remote(format!("the manifest {} cannot be copied", manifest.digest))
            .with_cause(why)
    })
}

/// A platform manifest an index lists, which the source must have.
async fn child_manifest(src: &RegistryClient, repo: &str, digest: &str) -> Result<Manifest> {
    src.get_manifest(repo, digest).await?.ok_or_else(|| {
        CliError::remote(format!(
            "the index references {digest}, which the source does not have: a sparse index \
             (the source holds only some of its platforms); copy the ones it has with \
             --platform OS/ARCH[/VARIANT]"
        ))
    })
}

/// Spaces manifest PUTs to at most `rate` per second (ECR's PutImage quota is 10/s).
pub struct Pacer {
    interval: Duration,
    next: tokio::sync::Mutex<Instant>,
}

impl Pacer {
    /// A pace of `rate` per second, fractions allowed (ECR's quota split across shards).
    pub fn per_second(rate: f64) -> Option<Self> {
        (rate.is_finite() && rate > 0.0).then(|| Self {
            interval: Duration::from_secs_f64(1.0 / rate),
            next: tokio::sync::Mutex::new(Instant::now()),
        })
    }

    pub async fn wait(&self) {
        let mut next = self.next.lock().await;
        let now = Instant::now();
        if *next > now {
            tokio::time::sleep(*next - now).await;
        }
        *next = (*next).max(now) + self.interval;
    }
}

/// One destination: its client, whether manifest PUTs are paced, and what is protected.
pub struct Destination {
    pub client: Arc<RegistryClient>,
    pub pacer: Option<Arc<Pacer>>,
    /// ECR repositories' tag mutability (with exclusion filters), checked tag by tag.
    pub tag_rules: HashMap<String, Mutability>,
}

impl Destination {
    /// Why `tag` in `repo` cannot be moved, or `None`.
    pub fn protection(&self, repo: &str, tag: &str) -> Option<String> {
        tag_protection(self.tag_rules.get(repo)?, tag)
    }
}

/// (destination host, digest): one lock per blob per registry, so a blob shared by
/// several repositories is uploaded once and mounted into the others.
type BlobKey = (String, String);

pub struct Copier {
    pub sources: HashMap<String, Arc<RegistryClient>>,
    pub destinations: HashMap<String, Destination>,
    pub overwrite: bool,
    pub verify: bool,
    /// Repositories known to have the blob.
    blobs: std::sync::Mutex<HashMap<BlobKey, Arc<tokio::sync::Mutex<HashSet<String>>>>>,
    pub uploaded: AtomicU64,
    /// Per-registry limits on items in flight.
    host_slots: HashMap<String, Arc<tokio::sync::Semaphore>>,
    /// `--platform`: only these platforms of an index (empty: all).
    platforms: Vec<super::platform::Platform>,
    /// Referrers copied with `--referrers`, or counted as left behind.
    pub referrers: super::referrers::Referrers,
}

impl Copier {
    pub fn new(
        sources: HashMap<String, Arc<RegistryClient>>,
        destinations: HashMap<String, Destination>,
        overwrite: bool,
        verify: bool,
    ) -> Self {
        Self {
            sources,
            destinations,
            overwrite,
            verify,
            blobs: Default::default(),
            uploaded: AtomicU64::new(0),
            host_slots: HashMap::new(),
            platforms: Vec::new(),
            referrers: Default::default(),
        }
    }

    /// `--referrers`: copy each image's referrers too (otherwise they are counted).
    pub fn with_referrers(mut self, copy: bool) -> Self {
        self.referrers.copy = copy;
        self
    }

    /// Copies only `platforms` of an index (`--platform`); empty copies every platform.
    pub fn with_platforms(mut self, platforms: Vec<super::platform::Platform>) -> Self {
        self.platforms = platforms;
        self
    }

    /// With --platform, what to copy from a source index: the one platform's manifest,
    /// or an index of the chosen ones. Other manifests are copied as they are.
    async fn for_platforms(
        &self,
        src: &RegistryClient,
        repo: &str,
        manifest: Manifest,
    ) -> Result<Manifest> {
        if self.platforms.is_empty() || !matches!(content(&manifest)?, manifest::Manifest::Index(_))
        {
            return Ok(manifest);
        }
        match super::platform::select(&manifest, &self.platforms).map_err(CliError::remote)? {
            super::platform::Selected::Single(digest) => child_manifest(src, repo, &digest).await,
            super::platform::Selected::Index(index) => Ok(index),
        }
    }

    /// Limits each registry to `per_host` items in flight.
    pub fn with_host_limit(mut self, per_host: usize) -> Self {
        let hosts: Vec<String> = self
            .sources
            .keys()
            .chain(self.destinations.keys())
            .cloned()
            .collect();
        self.host_slots = hosts
            .into_iter()
            .map(|h| (h, Arc::new(tokio::sync::Semaphore::new(per_host))))
            .collect();
        self
    }

    /// Copies one plan item; never fails the whole run.
    pub async fn copy(&self, item: &PlanItem, dest_host: &str) -> ItemReport {
        // Taken in host-name order, so two items never wait on each other's slots.
        let mut hosts = vec![
            item.source.host.clone().unwrap_or_default(),
            dest_host.to_string(),
        ];
        hosts.sort();
        hosts.dedup();
        let mut _permits = Vec::new();
        for host in &hosts {
            if let Some(slots) = self.host_slots.get(host) {
                _permits.push(
                    slots
                        .clone()
                        .acquire_owned()
                        .await
                        .expect("semaphores are never closed"),
                );
            }
        }
        let mut report = ItemReport::new(item);
        let copied = match self.copy_inner(item, dest_host, &mut report).await {
            Ok(()) => Ok(()),
            Err(e) => Err(e),
        };
        // Signatures and attestations follow the image they refer to.
        let copied = match (copied, report.digest.clone()) {
            (Ok(()), Some(digest)) => self.referrers_of(item, dest_host, &digest).await,
            (result, _) => result,
        };
        match copied {
            Ok(()) => {}
            Err(e) => {
                report.status = Status::Failed;
                report.error = Some(e.to_string());
            }
        }
        report
    }

    async fn copy_inner(
        &self,
        item: &PlanItem,
        dest_host: &str,
        report: &mut ItemReport,
    ) -> Result<()> {
        let src_host = item.source.host.as_deref().unwrap_or_default();
        let src = self
            .sources
            .get(src_host)
            .expect("a client per source host");
        let dst = self
            .destinations
            .get(dest_host)
            .expect("a client per destination host");
        let src_ref = item.source_reference();
        let tag = item.destination_tag();
        let (src_repo, dst_repo) = (&item.source.repository, &item.destination.repository);
        let manifest = src
            .get_manifest(src_repo, &src_ref)
            .await?
            .ok_or_else(|| CliError::remote(format!("{} does not exist", item.source)))?;
        let manifest = self.for_platforms(src, src_repo, manifest).await?;
        report.digest = Some(manifest.digest.clone());
        let existing = dst.client.manifest_digest(dst_repo, &tag).await?;
        let protected = dst.protection(dst_repo, &tag);
        if skip_existing(
            dst_repo,
            &tag,
            existing.as_deref(),
            &manifest.digest,
            protected.as_deref(),
            self.overwrite,
        )? {
            report.skip_exists();
            return Ok(());
        }
        report.bytes = self
            .copy_tree(src, src_repo, dst, dst_repo, &manifest)
            .await?;
        pace(dst).await;
        dst.client.put_manifest(dst_repo, &tag, &manifest).await?;
        if self.verify {
            let written = dst.client.manifest_digest(dst_repo, &tag).await?;
            if written.as_deref() != Some(manifest.digest.as_str()) {
                return Err(CliError::remote(format!(
                    "verification failed: {} reads back as {written:?}",
                    item.destination
                )));
            }
        }
        report.status = Status::Copied;
        Ok(())
    }

    /// Blobs (and, for an index, every platform manifest) of `manifest`; bytes uploaded.
    pub(super) async fn copy_tree(
        &self,
        src: &RegistryClient,
        src_repo: &str,
        dst: &Destination,
        dst_repo: &str,
        manifest: &Manifest,
    ) -> Result<u64> {
        let content = content(manifest)?;
        let foreign = content.foreign_layers();
        if !foreign.is_empty() {
            // As skopeo: not fetched (registries never hold them), descriptors kept.
            tracing::info!(
                manifest = %manifest.digest,
                layers = foreign.len(),
                "foreign layers are not copied; their descriptors are kept"
            );
        }
        let mut bytes = 0;
        for digest in content.children() {
            let child = child_manifest(src, src_repo, &digest).await?;
            bytes += Box::pin(self.copy_tree(src, src_repo, dst, dst_repo, &child)).await?;
            pace(dst).await;
            dst.client.put_manifest(dst_repo, &digest, &child).await?;
        }
        for blob in content.blobs() {
            bytes += self
                .ensure_blob(src, src_repo, dst, dst_repo, &blob.digest, blob.size)
                .await?;
        }
        Ok(bytes)
    }

    /// Makes sure the destination repository has the blob; returns bytes uploaded.
    async fn ensure_blob(
        &self,
        src: &RegistryClient,
        src_repo: &str,
        dst: &Destination,
        dst_repo: &str,
        digest: &str,
        size: u64,
    ) -> Result<u64> {
        let key = (dst.client.host.clone(), digest.to_string());
        let slot = self
            .blobs
            .lock()
            .expect("blob map")
            .entry(key)
            .or_default()
            .clone();
        let mut holders = slot.lock().await;
        if holders.contains(dst_repo) || dst.client.blob_exists(dst_repo, digest).await? {
            holders.insert(dst_repo.to_string());
            return Ok(0);
        }
        // A mount needs the blob in another repository of the same registry: one that got
        // it earlier in this run, or the source itself.
        let same_registry_source = (src.host == dst.client.host).then(|| src_repo.to_string());
        let candidates: Vec<String> = holders
            .iter()
            .cloned()
            .chain(same_registry_source)
            .filter(|r| r != dst_repo)
            .collect();
        for from in candidates {
            if dst.client.mount_blob(dst_repo, digest, &from).await? {
                holders.insert(dst_repo.to_string());
                return Ok(0);
            }
        }
        // Retried inside, with the registry client's one policy (transient failures only).
        dst.client
            .copy_blob_from(src, src_repo, dst_repo, digest, size)
            .await?;
        holders.insert(dst_repo.to_string());
        self.uploaded.fetch_add(size, Ordering::Relaxed);
        Ok(size)
    }
}

pub(super) async fn pace(dst: &Destination) {
    if let Some(pacer) = &dst.pacer {
        pacer.wait().await;
    }
}

/// What a dry run finds for one item.
pub struct DryRun {
    pub report: ItemReport,
    /// (destination host, repository, digest, size) of blobs the destination lacks.
    pub missing_blobs: Vec<(String, String, String, u64)>,
}

impl Copier {
    /// Reads everything a copy would read, writes nothing.
    pub async fn dry_run(&self, item: &PlanItem, dest_host: &str) -> DryRun {
        let mut missing = Vec::new();
        let mut report = self.copy_report_skeleton(item);
        if let Err(e) = self
            .dry_inner(item, dest_host, &mut report, &mut missing)
            .await
        {
            report.status = Status::Failed;
            report.error = Some(e.to_string());
        } else if let Some(digest) = &report.digest {
            self.count_referrers(item, digest).await;
        }
        DryRun {
            report,
            missing_blobs: missing,
        }
    }

    fn copy_report_skeleton(&self, item: &PlanItem) -> ItemReport {
        ItemReport {
            status: Status::Copied,
            detail: Some("would copy".into()),
            ..ItemReport::new(item)
        }
    }

    async fn dry_inner(
        &self,
        item: &PlanItem,
        dest_host: &str,
        report: &mut ItemReport,
        missing: &mut Vec<(String, String, String, u64)>,
    ) -> Result<()> {
        let src_host = item.source.host.as_deref().unwrap_or_default();
        let src = &self.sources[src_host];
        let dst = &self.destinations[dest_host];
        let src_ref = item.source_reference();
        let tag = item.destination_tag();
        let manifest = src
            .get_manifest(&item.source.repository, &src_ref)
            .await?
            .ok_or_else(|| CliError::remote(format!("{} does not exist", item.source)))?;
        let manifest = self
            .for_platforms(src, &item.source.repository, manifest)
            .await?;
        report.digest = Some(manifest.digest.clone());
        let dst_repo = &item.destination.repository;
        let existing = dst.client.manifest_digest(dst_repo, &tag).await?;
        let protected = dst.protection(dst_repo, &tag);
        if skip_existing(
            dst_repo,
            &tag,
            existing.as_deref(),
            &manifest.digest,
            protected.as_deref(),
            self.overwrite,
        )? {
            report.skip_exists();
            return Ok(());
        }
        let mut stack = vec![manifest];
        while let Some(m) = stack.pop() {
            // The same reads as a real copy, so a dry run fails where the copy would.
            let content = content(&m)?;
            for digest in content.children() {
                stack.push(child_manifest(src, &item.source.repository, &digest).await?);
            }
            for manifest::Blob { digest, size } in content.blobs() {
                let present = dst
                    .client
                    .blob_exists(&item.destination.repository, &digest)
                    .await
                    .unwrap_or(false);
                if !present {
                    missing.push((
                        dst.client.host.clone(),
                        item.destination.repository.clone(),
                        digest,
                        size,
                    ));
                }
            }
        }
        report.bytes = missing.iter().map(|m| m.3).sum();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_rule_for_existing_tags() {
        let locked = Some("IMMUTABLE");
        assert!(!skip_existing("r", "t", None, "sha256:a", locked, false).unwrap());
        assert!(skip_existing("r", "t", Some("sha256:a"), "sha256:a", locked, false).unwrap());
        let immutable =
            skip_existing("r", "t", Some("sha256:b"), "sha256:a", locked, true).unwrap_err();
        assert!(immutable.message().contains("IMMUTABLE"));
        let taken = skip_existing("r", "t", Some("sha256:b"), "sha256:a", None, false).unwrap_err();
        assert!(taken.message().contains("--overwrite"));
        assert!(!skip_existing("r", "t", Some("sha256:b"), "sha256:a", None, true).unwrap());
    }

    #[test]
    fn exclusion_filters_are_checked_tag_by_tag() {
        let rules = |mode, filters: &[&str]| Mutability {
            mode,
            exclusions: filters.iter().map(|f| f.to_string()).collect(),
        };
        let immutable_but = rules(MutabilityMode::ImmutableWithExclusion, &["dev-*", "latest"]);
        assert_eq!(tag_protection(&immutable_but, "dev-42"), None);
        assert_eq!(tag_protection(&immutable_but, "latest"), None);
        let why = tag_protection(&immutable_but, "v1").unwrap();
        assert!(
            why.contains("matches none of its exclusion filters (dev-*, latest)"),
            "{why}"
        );
        let mutable_but = rules(MutabilityMode::MutableWithExclusion, &["release-*"]);
        assert_eq!(tag_protection(&mutable_but, "dev-1"), None);
        let why = tag_protection(&mutable_but, "release-1").unwrap();
        assert!(why.contains("`release-*`"), "{why}");
        assert!(tag_protection(&rules(MutabilityMode::Immutable, &[]), "x").is_some());
        assert!(tag_protection(&rules(MutabilityMode::Mutable, &[]), "x").is_none());
    }
}
