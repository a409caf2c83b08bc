//! Copying images registry to registry: manifests byte for byte (so digests survive),
//! every platform of an index, each blob at most once per destination repository (a
//! HEAD, or none where the registry honours mounts; then a cross-repository mount, then
//! a streamed upload into the session a declined mount opened), manifest PUTs paced.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures::stream::{self, StreamExt, TryStreamExt};
use serde::Serialize;

use super::plan::PlanItem;
use crate::error::{CliError, Result};
use crate::lifecycle::wildcard;
use crate::model::manifest;
use crate::model::repository::{Mutability, MutabilityMode};
use crate::registry::client::{Manifest, Mount, RegistryClient};

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
    /// What the source reference pointed at (the index itself with --platform, where
    /// `digest` is the platform manifest's): what the journal records, since a rerun's
    /// HEAD re-resolves the source reference to it.
    #[serde(skip)]
    pub source_digest: Option<String>,
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
            source_digest: None,
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
    /// Repositories this run created: their blobs are the ones this run put there, so
    /// none is looked up (their tags still are: never clobber rests on reading them).
    pub created: HashSet<String>,
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

/// A destination repository's tags as listed at `at`; `None` when the listing cannot
/// be trusted to be whole (or failed): then every tag is looked up on its own.
struct Listing {
    at: Instant,
    tags: Option<HashSet<String>>,
}

/// (destination host, repository) → its listing, one lock per repository.
type Listings = HashMap<(String, String), Arc<tokio::sync::Mutex<Option<Listing>>>>;

/// How long a destination repository's tag listing answers "no such tag" before it is
/// read again. A tag written by someone else after the listing is found by the next
/// one; the look-up it replaces ran once per item, before its blobs were copied.
const LISTING_FRESH: Duration = Duration::from_secs(30);

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
    /// Per-registry limits on blob transfers in flight (all items together).
    transfer_slots: HashMap<String, Arc<tokio::sync::Semaphore>>,
    /// Further attempts of an item that failed for a reason that may pass (`--retries`).
    pub retries: u32,
    /// Source manifests read before any repository was created, by `PlanItem::key`.
    read_ahead: std::sync::Mutex<HashMap<String, Manifest>>,
    /// Destination repositories' tag listings (see [`Copier::existing_digest`]).
    listings: std::sync::Mutex<Listings>,
}

/// Layers of one image (and children of one index) copied at once, as skopeo does.
pub const PARALLEL_PER_IMAGE: usize = 6;

/// Blob transfers in flight per registry, for each item it may have in flight.
const TRANSFERS_PER_ITEM_SLOT: usize = 2;

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
            transfer_slots: HashMap::new(),
            retries: 0,
            read_ahead: Default::default(),
            listings: Default::default(),
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

    /// Retries an item `retries` more times when it failed for a reason that may pass.
    /// The journal key of `item`: with --platform the selection is part of it, so a
    /// rerun with other platforms is not "done in an earlier run".
    pub fn journal_key(&self, item: &PlanItem) -> String {
        if self.platforms.is_empty() {
            return item.key();
        }
        let mut platforms: Vec<String> = self.platforms.iter().map(ToString::to_string).collect();
        platforms.sort();
        platforms.dedup();
        format!("{} --platform {}", item.key(), platforms.join(","))
    }

    /// With --platform the journaled digest (the source reference's) is not the image's
    /// own digest, so a journaled item's referrers cannot be re-checked from it alone.
    pub fn selects_platforms(&self) -> bool {
        !self.platforms.is_empty()
    }

    pub fn with_retries(mut self, retries: u32) -> Self {
        self.retries = retries;
        self
    }

    /// Source manifests already read (see [`read_sources`]), so they are not read twice.
    pub fn with_read_ahead(self, manifests: HashMap<String, Manifest>) -> Self {
        *self.read_ahead.lock().expect("read-ahead") = manifests;
        self
    }

    /// Hosts whose breaker tripped, with the cause, in host-name order.
    pub fn hosts_down(&self) -> Vec<(String, String)> {
        let mut down: Vec<(String, String)> = self
            .sources
            .values()
            .chain(self.destinations.values().map(|d| &d.client))
            .filter_map(|c| Some((c.host.clone(), c.down()?)))
            .collect();
        down.sort();
        down.dedup();
        down
    }

    /// Limits each registry to `per_host` items in flight.
    pub fn with_host_limit(mut self, per_host: usize) -> Self {
        let hosts: Vec<String> = self
            .sources
            .keys()
            .chain(self.destinations.keys())
            .cloned()
            .collect();
        self.transfer_slots = hosts
            .iter()
            .map(|h| {
                let n = per_host * TRANSFERS_PER_ITEM_SLOT;
                (h.clone(), Arc::new(tokio::sync::Semaphore::new(n)))
            })
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
        let src_host = item.source.host.as_deref().unwrap_or_default();
        let down = || {
            self.hosts_down()
                .into_iter()
                .find(|(h, _)| h == src_host || h == dest_host)
        };
        // A host that stopped answering gets no new work: the item is not attempted.
        if let Some((host, _)) = down() {
            let mut report = ItemReport::new(item);
            report.detail = Some("not attempted".into());
            report.error = Some(format!("not attempted: {host} is not answering"));
            return report;
        }
        let mut attempt = 0;
        loop {
            let mut report = ItemReport::new(item);
            // A retry looks its tag up again (its first attempt may have written it).
            let copied = self
                .copy_inner(item, dest_host, &mut report, attempt == 0)
                .await;
            // Signatures and attestations follow the image they refer to.
            let copied = match (copied, report.digest.clone()) {
                (Ok(()), Some(digest)) => {
                    let what = if report.status == Status::Copied {
                        "the image was copied, but not its referrers"
                    } else {
                        "the image was already there (skipped), but its referrers were not copied"
                    };
                    self.referrers_of(item, dest_host, &digest)
                        .await
                        .map_err(|e| e.context(what))
                }
                (result, _) => result,
            };
            let error = match copied {
                Ok(()) => return report,
                Err(e) => e,
            };
            report.status = Status::Failed;
            report.error = Some(error.to_string());
            if attempt >= self.retries || !worth_retrying(&error) || down().is_some() {
                return report;
            }
            attempt += 1;
            tracing::info!(item = %item.key(), attempt, "retrying the item: {}", report.error.as_deref().unwrap_or(""));
            tokio::time::sleep(item_backoff(attempt)).await;
        }
    }

    /// The source manifest: read ahead, or read now.
    async fn source_manifest(&self, src: &RegistryClient, item: &PlanItem) -> Result<Manifest> {
        if let Some(m) = self
            .read_ahead
            .lock()
            .expect("read-ahead")
            .remove(&item.key())
        {
            return Ok(m);
        }
        read_source(src, item).await
    }

    async fn copy_inner(
        &self,
        item: &PlanItem,
        dest_host: &str,
        report: &mut ItemReport,
        first_attempt: bool,
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
        let tag = item.destination_tag();
        let (src_repo, dst_repo) = (&item.source.repository, &item.destination.repository);
        let manifest = self.source_manifest(src, item).await?;
        report.source_digest = Some(manifest.digest.clone());
        let manifest = self.for_platforms(src, src_repo, manifest).await?;
        report.digest = Some(manifest.digest.clone());
        let existing = self
            .existing_digest(dst, dst_repo, &tag, first_attempt)
            .await?;
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

    /// The digest `tag` points at in the destination repository, or `None`. A tag
    /// missing from the repository's tag listing (whole, at most [`LISTING_FRESH`] old)
    /// is not looked up on its own: one listing per repository instead of one request
    /// per item. A tag the listing holds is read (its digest decides, as always), and
    /// so is every tag when the listing cannot be had whole, or `listed` is false.
    async fn existing_digest(
        &self,
        dst: &Destination,
        repo: &str,
        tag: &str,
        listed: bool,
    ) -> Result<Option<String>> {
        if listed && self.listed_absent(dst, repo, tag).await? {
            return Ok(None);
        }
        dst.client.manifest_digest(repo, tag).await
    }

    /// Whether a fresh, whole listing of `repo` says it has no tag `tag`. A registry
    /// that gives no usable answer fails the item, as the look-up would have.
    async fn listed_absent(&self, dst: &Destination, repo: &str, tag: &str) -> Result<bool> {
        // A digest reference is never in a tag listing.
        if tag.is_empty() || tag.contains(':') {
            return Ok(false);
        }
        let slot = self
            .listings
            .lock()
            .expect("tag listings")
            .entry((dst.client.host.clone(), repo.to_string()))
            .or_default()
            .clone();
        let mut listing = slot.lock().await;
        if listing
            .as_ref()
            .is_none_or(|l| l.at.elapsed() > LISTING_FRESH)
        {
            let at = Instant::now();
            let tags = match dst.client.tag_listing(repo).await? {
                Ok((tags, true)) => Some(tags.into_iter().collect()),
                Ok((_, false)) => {
                    tracing::debug!(
                        repo,
                        "a full page without a next link: tags looked up one by one"
                    );
                    None
                }
                Err(refused) => {
                    tracing::debug!(repo, error = %refused, "no tag listing: tags looked up one by one");
                    None
                }
            };
            *listing = Some(Listing { at, tags });
        }
        Ok(listing
            .as_ref()
            .and_then(|l| l.tags.as_ref())
            .is_some_and(|tags| !tags.contains(tag)))
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
        // Children of an index, then the blobs of an image, several at once; the first
        // failure ends the item (the others are dropped with it).
        let children = stream::iter(content.children())
            .map(|digest| async move {
                let child = child_manifest(src, src_repo, &digest).await?;
                let bytes = Box::pin(self.copy_tree(src, src_repo, dst, dst_repo, &child)).await?;
                pace(dst).await;
                dst.client.put_manifest(dst_repo, &digest, &child).await?;
                Ok::<u64, CliError>(bytes)
            })
            .buffer_unordered(PARALLEL_PER_IMAGE)
            .try_fold(0, |sum, bytes| async move { Ok(sum + bytes) });
        let mut bytes = children.await?;
        let blobs = stream::iter(content.blobs())
            .map(|blob| async move {
                self.ensure_blob(src, src_repo, dst, dst_repo, &blob.digest, blob.size)
                    .await
            })
            .buffer_unordered(PARALLEL_PER_IMAGE)
            .try_fold(0, |sum, bytes| async move { Ok(sum + bytes) });
        bytes += blobs.await?;
        Ok(bytes)
    }

    /// A slot for one blob transfer on each of the two registries (host-name order).
    async fn transfer_permits(&self, a: &str, b: &str) -> Vec<tokio::sync::OwnedSemaphorePermit> {
        let mut hosts = vec![a, b];
        hosts.sort();
        hosts.dedup();
        let mut permits = Vec::new();
        for host in hosts {
            if let Some(slots) = self.transfer_slots.get(host) {
                permits.push(
                    slots
                        .clone()
                        .acquire_owned()
                        .await
                        .expect("semaphores are never closed"),
                );
            }
        }
        permits
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
        // Taken inside the blob's lock and released before it: no two waits cross.
        let _permits = self.transfer_permits(&src.host, &dst.client.host).await;
        if holders.contains(dst_repo) {
            return Ok(0);
        }
        // A registry that honours mounts answers a mount from the repository itself
        // (201: it is there; 202: it is not, and here is the upload), so it needs no
        // HEAD. Any other registry is asked first: bytes it has are never sent again.
        let honours_mounts = dst.client.honours_mounts();
        // A repository this run created has only what this run put there (`holders`);
        // were it not so, a blob would be sent again, never a tag overwritten.
        let created_empty = dst.created.contains(dst_repo);
        if !honours_mounts && !created_empty && dst.client.blob_exists(dst_repo, digest).await? {
            holders.insert(dst_repo.to_string());
            return Ok(0);
        }
        // A mount from another repository of the same registry: the source itself, or
        // one that got the blob earlier in this run.
        let same_registry_source = (src.host == dst.client.host).then(|| src_repo.to_string());
        let mut others: Vec<&String> = holders.iter().filter(|r| *r != dst_repo).collect();
        others.sort();
        let from = same_registry_source
            .or_else(|| others.first().map(|r| r.to_string()))
            .or_else(|| (honours_mounts && !created_empty).then(|| dst_repo.to_string()));
        let mut session = None;
        if let Some(from) = from {
            match dst.client.mount_blob(dst_repo, digest, &from).await? {
                Mount::Mounted => {
                    holders.insert(dst_repo.to_string());
                    return Ok(0);
                }
                Mount::Upload(location) => session = Some(location),
                Mount::Declined => {}
            }
        }
        // Retried inside, with the registry client's one policy (transient failures only).
        dst.client
            .copy_blob_from(src, src_repo, dst_repo, digest, size, session)
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
        } else if let Some(digest) = report.digest.clone() {
            // The same destination reads as the real run's referrers: a referrer tag that
            // exists with another digest fails here as it would there.
            if let Err(e) = self.dry_referrers(item, dest_host, &digest).await {
                let what = if report.detail.as_deref() == Some("would copy") {
                    "the image would be copied, but not its referrers"
                } else {
                    "the image is already there, but its referrers would not be copied"
                };
                report.status = Status::Failed;
                report.error = Some(e.context(what).to_string());
            }
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
        let tag = item.destination_tag();
        let manifest = self.source_manifest(src, item).await?;
        report.source_digest = Some(manifest.digest.clone());
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

/// Reads an item's source manifest; a source that does not exist is an error.
pub async fn read_source(src: &RegistryClient, item: &PlanItem) -> Result<Manifest> {
    src.get_manifest(&item.source.repository, &item.source_reference())
        .await?
        .ok_or_else(|| CliError::remote(format!("{} does not exist", item.source)))
}

/// Reads the source manifest of every item (`jobs` at once) before anything is created
/// at the destination: ECR repositories are made only for items whose source was read.
/// Returns the manifests by `PlanItem::key` and the items that could not be read.
pub async fn read_sources(
    sources: &HashMap<String, Arc<RegistryClient>>,
    items: &[PlanItem],
    jobs: usize,
) -> (HashMap<String, Manifest>, Vec<ItemReport>) {
    let results: Vec<(String, Result<Manifest>, &PlanItem)> = stream::iter(items)
        .map(|item| async move {
            let host = item.source.host.as_deref().unwrap_or_default();
            let result = match sources.get(host) {
                Some(src) => read_source(src, item).await,
                None => Err(CliError::remote(format!("no client for {host}"))),
            };
            (item.key(), result, item)
        })
        .buffer_unordered(jobs.max(1))
        .collect()
        .await;
    let mut read = HashMap::new();
    let mut unreadable = Vec::new();
    for (key, result, item) in results {
        match result {
            Ok(manifest) => {
                read.insert(key, manifest);
            }
            Err(e) => {
                let mut report = ItemReport::new(item);
                report.detail = Some("source not read; nothing created for it".into());
                report.error = Some(e.to_string());
                unreadable.push(report);
            }
        }
    }
    (read, unreadable)
}

/// Whether an item that failed with `error` may succeed when tried again: not when the
/// registry refused it for good (credentials, permissions, a missing or invalid name or
/// manifest, a tag conflict), nor when the host is taken as down.
pub fn worth_retrying(error: &CliError) -> bool {
    const FINAL: [&str; 12] = [
        "UNAUTHORIZED",
        "DENIED",
        "NAME_UNKNOWN",
        "NAME_INVALID",
        "TAG_INVALID",
        "MANIFEST_INVALID",
        "MANIFEST_UNKNOWN",
        "UNSUPPORTED",
        "401 ",
        "403 ",
        "404 ",
        "405 ",
    ];
    if error.exit_code().code() != 3 {
        return false;
    }
    let message = error.message();
    let refused = message.contains("does not exist")
        || message.contains("is not answering")
        || message.contains("cannot be copied")
        || message.contains("IMMUTABLE")
        || message.contains("--overwrite")
        || message.contains("cannot reach")
        || message.contains("TLS connection");
    !refused
        && !error
            .causes()
            .iter()
            .any(|c| FINAL.iter().any(|f| c.starts_with(f)))
}

/// 1 s, 2 s, 4 s … (at most 30 s) before another attempt of an item, plus up to 50 %.
fn item_backoff(attempt: u32) -> Duration {
    let base =
        Duration::from_secs(1u64 << attempt.saturating_sub(1).min(5)).min(Duration::from_secs(30));
    let jitter = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0) as f64
        / 1e9
        * 0.5;
    base.mul_f64(1.0 + jitter)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::CliError;
    use std::time::Duration;

    #[test]
    fn only_failures_that_may_pass_are_retried() {
        let gave_up = CliError::remote("uploading sha256:ab to r/x failed")
            .with_cause("503 Service Unavailable")
            .with_cause("gave up after 5 attempts");
        assert!(worth_retrying(&gave_up));
        let truncated =
            CliError::remote("a request to r failed").with_cause("error decoding response body");
        assert!(worth_retrying(&truncated));
        let digest = CliError::remote("uploading sha256:ab to r/x failed")
            .with_cause("DIGEST_INVALID: provided digest did not match uploaded content");
        assert!(worth_retrying(&digest));
        for final_cause in [
            "UNAUTHORIZED: authentication required",
            "DENIED: requested access to the resource is denied",
            "NAME_UNKNOWN: repository name not known to registry",
            "MANIFEST_INVALID: manifest invalid",
            "403 Forbidden",
        ] {
            let e = CliError::remote("writing r/x:v1 failed").with_cause(final_cause);
            assert!(!worth_retrying(&e), "{final_cause}");
        }
        for message in [
            "r/x:v1 does not exist",
            "`v1` exists with another digest (sha256:b); pass --overwrite to replace it",
            "r is not answering; nothing more is sent to it",
            "cannot reach r: the connection was refused",
        ] {
            assert!(!worth_retrying(&CliError::remote(message)), "{message}");
        }
        assert!(!worth_retrying(&CliError::usage("bad")));
        assert!(!worth_retrying(&CliError::timeout("slow")));
    }

    #[test]
    fn item_retries_back_off() {
        let waits: Vec<Duration> = (1..=7).map(item_backoff).collect();
        for (wait, base) in waits.iter().zip([1u64, 2, 4, 8, 16, 30, 30]) {
            let base = Duration::from_secs(base);
            assert!(
                *wait >= base && *wait <= base.mul_f64(1.5),
                "{wait:?} for {base:?}"
            );
        }
    }

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
