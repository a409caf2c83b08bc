//! OCI 1.1 referrers (signatures, attestations, SBOMs) of the images a migration copies:
//! found through the referrers API (`/v2/REPO/referrers/DIGEST`) and the tag schema
//! fallback (`sha256-<hex>`: the fallback index; `sha256-<hex>.sig`, `.att`, `.sbom`:
//! cosign). With `--referrers` they are copied with the image (manifests byte for byte,
//! so signatures still verify; referrers of referrers too); without it, the run counts
//! how many were left behind.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::copy::{Copier, Destination, skip_existing};
use super::plan::PlanItem;
use crate::error::{CliError, Result};
use crate::registry::client::RegistryClient;

/// How deep referrers of referrers are followed (a signature of an SBOM of an image…).
const MAX_DEPTH: usize = 4;

/// Source (host, repository) → its tags, each listed once (one slot per repository, so
/// items of other repositories never wait on a listing that is not theirs).
type TagCache = HashMap<(String, String), Arc<tokio::sync::OnceCell<Arc<Vec<String>>>>>;

#[derive(Default)]
pub struct Referrers {
    /// `--referrers`: copy them; otherwise only count them.
    pub copy: bool,
    pub copied: AtomicU64,
    pub left_behind: AtomicU64,
    /// Found by a dry run with `--referrers`.
    pub would_copy: AtomicU64,
    /// Images whose referrers could not be counted (a listing failed): the counts above
    /// leave them out, so the summary says so.
    pub uncounted: AtomicU64,
    /// Source (host, repository) → its tags, listed once per run.
    tags: std::sync::Mutex<TagCache>,
}

/// The referrers of one manifest: by digest (the API) and by tag (the fallbacks).
struct Found {
    digests: Vec<String>,
    tags: Vec<String>,
}

impl Found {
    fn count(&self) -> u64 {
        (self.digests.len() + self.tags.len()) as u64
    }
}

impl Referrers {
    async fn tags_of(&self, src: &RegistryClient, repo: &str) -> Result<Arc<Vec<String>>> {
        let slot = self
            .tags
            .lock()
            .expect("tag cache")
            .entry((src.host.clone(), repo.to_string()))
            .or_default()
            .clone();
        let tags = slot
            .get_or_try_init(|| async { Ok::<_, CliError>(Arc::new(src.tags(repo).await?)) })
            .await?;
        Ok(tags.clone())
    }

    async fn find(&self, src: &RegistryClient, repo: &str, digest: &str) -> Result<Found> {
        let digests = match src.referrers(repo, digest).await? {
            Some(body) => {
                let index: serde_json::Value = serde_json::from_slice(&body).map_err(|e| {
                    CliError::remote(format!("the referrers of {digest} are not a valid index"))
                        .with_cause(e.to_string())
                })?;
                index["manifests"]
                    .as_array()
                    .map(|m| {
                        m.iter()
                            .filter_map(|d| d["digest"].as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default()
            }
            None => Vec::new(),
        };
        let prefix = format!("sha256-{}", digest.trim_start_matches("sha256:"));
        let tags = self
            .tags_of(src, repo)
            .await?
            .iter()
            .filter(|t| {
                **t == prefix
                    || t.strip_prefix(&prefix)
                        .is_some_and(|rest| rest.starts_with('.'))
            })
            .cloned()
            .collect();
        Ok(Found { digests, tags })
    }
}

impl Copier {
    /// After `item` was copied (or found present) as `digest`: copies its referrers with
    /// `--referrers`, else counts them.
    pub(super) async fn referrers_of(
        &self,
        item: &PlanItem,
        dest_host: &str,
        digest: &str,
    ) -> Result<()> {
        if !self.referrers.copy {
            self.count_referrers(item, digest).await;
            return Ok(());
        }
        let src_host = item.source.host.as_deref().unwrap_or_default();
        let src = &self.sources[src_host];
        let repo = &item.source.repository;
        let dst = &self.destinations[dest_host];
        self.copy_referrers(src, repo, dst, &item.destination.repository, digest, 0)
            .await
    }

    /// A dry run: counts the referrers a real run would copy (or leave behind) and, with
    /// `--referrers`, reads the destination's referrer tags as the real run does, so a
    /// tag that exists with another digest fails here too.
    pub(super) async fn dry_referrers(
        &self,
        item: &PlanItem,
        dest_host: &str,
        digest: &str,
    ) -> Result<()> {
        self.count_referrers(item, digest).await;
        if !self.referrers.copy {
            return Ok(());
        }
        let src_host = item.source.host.as_deref().unwrap_or_default();
        let src = &self.sources[src_host];
        let dst = &self.destinations[dest_host];
        self.check_referrer_tags(
            src,
            &item.source.repository,
            dst,
            &item.destination.repository,
            digest,
            0,
        )
        .await
    }

    async fn check_referrer_tags(
        &self,
        src: &RegistryClient,
        repo: &str,
        dst: &Destination,
        dst_repo: &str,
        digest: &str,
        depth: usize,
    ) -> Result<()> {
        if depth >= MAX_DEPTH {
            return Ok(());
        }
        let found = self.referrers.find(src, repo, digest).await?;
        for tag in &found.tags {
            let Some(now) = src.head_manifest_digest(repo, tag).await? else {
                return Err(CliError::remote(format!(
                    "the referrer {tag} of {digest} is gone"
                )));
            };
            let existing = dst.client.manifest_digest(dst_repo, tag).await?;
            let protected = dst.protection(dst_repo, tag);
            skip_existing(
                dst_repo,
                tag,
                existing.as_deref(),
                &now,
                protected.as_deref(),
                self.overwrite,
            )?;
            Box::pin(self.check_referrer_tags(src, repo, dst, dst_repo, &now, depth + 1)).await?;
        }
        Ok(())
    }

    /// Counts the referrers of `item` (as `digest`): left behind without --referrers,
    /// or (a dry run with it) those a real run would copy.
    pub(super) async fn count_referrers(&self, item: &PlanItem, digest: &str) {
        let src_host = item.source.host.as_deref().unwrap_or_default();
        let src = &self.sources[src_host];
        match self
            .referrers
            .find(src, &item.source.repository, digest)
            .await
        {
            Ok(found) => {
                let counter = if self.referrers.copy {
                    &self.referrers.would_copy
                } else {
                    &self.referrers.left_behind
                };
                counter.fetch_add(found.count(), Ordering::Relaxed);
            }
            Err(e) => {
                self.referrers.uncounted.fetch_add(1, Ordering::Relaxed);
                let repo = &item.source.repository;
                tracing::info!(%repo, %digest, error = %e, "could not count referrers");
            }
        }
    }

    async fn copy_referrers(
        &self,
        src: &RegistryClient,
        repo: &str,
        dst: &Destination,
        dst_repo: &str,
        digest: &str,
        depth: usize,
    ) -> Result<()> {
        if depth >= MAX_DEPTH {
            return Ok(());
        }
        let found = self.referrers.find(src, repo, digest).await?;
        let missing = |r: &str| CliError::remote(format!("the referrer {r} of {digest} is gone"));
        for referrer in &found.digests {
            let manifest = src
                .get_manifest(repo, referrer)
                .await?
                .ok_or_else(|| missing(referrer))?;
            self.copy_tree(src, repo, dst, dst_repo, &manifest).await?;
            super::copy::pace(dst).await;
            dst.client
                .put_manifest(dst_repo, referrer, &manifest)
                .await?;
            self.referrers.copied.fetch_add(1, Ordering::Relaxed);
            Box::pin(self.copy_referrers(src, repo, dst, dst_repo, referrer, depth + 1)).await?;
        }
        for tag in &found.tags {
            let manifest = src
                .get_manifest(repo, tag)
                .await?
                .ok_or_else(|| missing(tag))?;
            let existing = dst.client.manifest_digest(dst_repo, tag).await?;
            let protected = dst.protection(dst_repo, tag);
            if !skip_existing(
                dst_repo,
                tag,
                existing.as_deref(),
                &manifest.digest,
                protected.as_deref(),
                self.overwrite,
            )? {
                self.copy_tree(src, repo, dst, dst_repo, &manifest).await?;
                super::copy::pace(dst).await;
                dst.client.put_manifest(dst_repo, tag, &manifest).await?;
            }
            self.referrers.copied.fetch_add(1, Ordering::Relaxed);
            Box::pin(self.copy_referrers(src, repo, dst, dst_repo, &manifest.digest, depth + 1))
                .await?;
        }
        Ok(())
    }
}

/// The run's closing line about referrers, if any: `(true, …)` is a warning. Images
/// whose referrers could not be counted are named as such, never taken for none.
pub fn summary(referrers: &Referrers) -> Option<(bool, String)> {
    let copied = referrers.copied.load(Ordering::Relaxed);
    let left = referrers.left_behind.load(Ordering::Relaxed);
    let would_copy = referrers.would_copy.load(Ordering::Relaxed);
    let uncounted = referrers.uncounted.load(Ordering::Relaxed);
    let s = |n: u64| if n == 1 { "" } else { "s" };
    let unknown = format!(
        "the referrers of {uncounted} image{} could not be counted (-v shows why)",
        s(uncounted)
    );
    let also = if uncounted > 0 {
        format!("; {unknown}")
    } else {
        String::new()
    };
    if would_copy > 0 {
        return Some((
            uncounted > 0,
            format!(
                "would copy {would_copy} referrer{} (signatures, attestations, SBOMs) of the images found (more may follow: referrers of referrers){also}",
                s(would_copy)
            ),
        ));
    }
    if left > 0 {
        Some((
            true,
            format!(
                "{left} referrer{} (signatures, attestations, SBOMs) left behind{also}; pass --referrers to copy them",
                s(left)
            ),
        ))
    } else if uncounted > 0 {
        Some((true, unknown))
    } else if copied > 0 {
        Some((
            false,
            format!(
                "copied {copied} referrer{} (signatures, attestations, SBOMs)",
                s(copied)
            ),
        ))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(left: u64, would_copy: u64, uncounted: u64) -> Referrers {
        let r = Referrers::default();
        r.left_behind.store(left, Ordering::Relaxed);
        r.would_copy.store(would_copy, Ordering::Relaxed);
        r.uncounted.store(uncounted, Ordering::Relaxed);
        r
    }

    #[test]
    fn referrers_that_could_not_be_counted_are_never_taken_for_none() {
        assert_eq!(summary(&counts(0, 0, 0)), None);
        let (warn, line) = summary(&counts(0, 0, 2)).unwrap();
        assert!(warn);
        assert_eq!(
            line,
            "the referrers of 2 images could not be counted (-v shows why)"
        );
        let (warn, line) = summary(&counts(1, 0, 1)).unwrap();
        assert!(warn);
        assert!(line.starts_with("1 referrer (signatures"), "{line}");
        assert!(line.contains("left behind; the referrers of 1 image could not be counted"));
        assert!(line.ends_with("pass --referrers to copy them"), "{line}");
        let (warn, line) = summary(&counts(0, 3, 1)).unwrap();
        assert!(warn, "{line}");
        assert!(line.starts_with("would copy 3 referrers"), "{line}");
        assert!(line.contains("could not be counted"), "{line}");
        let (warn, _) = summary(&counts(0, 3, 0)).unwrap();
        assert!(!warn);
    }
}
