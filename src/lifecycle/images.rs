//! Images as the lifecycle engine sees them, and reading them from the JSON that
//! `aws ecr describe-images --output json` prints (timestamps as RFC 3339 strings or
//! epoch seconds, as different AWS CLI versions print them).

use serde::Deserialize;

pub use crate::model::image::{Image, MICROS_PER_DAY, Micros, StorageClass};

/// The largest `imageSizeInBytes` taken: 1 PiB (ECR's limits allow a few TiB per image).
pub const MAX_IMAGE_BYTES: u64 = 1 << 50;

/// An image size: a whole number of bytes in 0..=[`MAX_IMAGE_BYTES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ImageBytes(u64);

impl<'de> Deserialize<'de> for ImageBytes {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = u64::deserialize(d)?;
        if n <= MAX_IMAGE_BYTES {
            Ok(ImageBytes(n))
        } else {
            Err(serde::de::Error::custom(format!(
                "{n} is out of range 0..={MAX_IMAGE_BYTES} (bytes: 1 PiB)"
            )))
        }
    }
}

/// The latest instant an input timestamp may name: 9999-12-31T23:59:59Z.
pub const MAX_EPOCH_SECONDS: i64 = 253_402_300_799;

/// A timestamp read from input: RFC 3339 text or epoch seconds (integer or fractional),
/// between 1970 and the end of year 9999, so that differences of two never overflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InputTime(pub Micros);

impl<'de> Deserialize<'de> for InputTime {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl serde::de::Visitor<'_> for Visit {
            type Value = InputTime;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a time: RFC 3339 text or epoch seconds")
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<InputTime, E> {
                match i64::try_from(n) {
                    Ok(n) => self.visit_i64(n),
                    Err(_) => Err(E::custom(out_of_range(&n.to_string()))),
                }
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<InputTime, E> {
                if (0..=MAX_EPOCH_SECONDS).contains(&n) {
                    Ok(InputTime(n * 1_000_000))
                } else {
                    Err(E::custom(out_of_range(&n.to_string())))
                }
            }
            fn visit_f64<E: serde::de::Error>(self, x: f64) -> Result<InputTime, E> {
                // NaN and infinities fail this test too.
                if (0.0..=MAX_EPOCH_SECONDS as f64).contains(&x) {
                    Ok(InputTime((x * 1_000_000.0).round() as Micros))
                } else {
                    Err(E::custom(out_of_range(&crate::input::show_f64(x))))
                }
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<InputTime, E> {
                let micros = parse_rfc3339(text).map_err(E::custom)?;
                if micros < 0 {
                    return Err(E::custom(out_of_range(text)));
                }
                Ok(InputTime(micros))
            }
        }
        d.deserialize_any(Visit)
    }
}

fn out_of_range(value: &str) -> String {
    format!(
        "{value} is out of range: a time is RFC 3339 text or epoch seconds in 0..={MAX_EPOCH_SECONDS} (1970 to 9999)"
    )
}

pub fn parse_rfc3339(text: &str) -> Result<Micros, String> {
    let ts: jiff::Timestamp = text
        .trim()
        .parse()
        .map_err(|e| format!("`{text}` is not an RFC 3339 time ({e})"))?;
    Ok(ts.as_microsecond())
}

pub fn format_micros(micros: Micros) -> String {
    jiff::Timestamp::from_microsecond(micros)
        .map(|t| t.round(jiff::Unit::Second).unwrap_or(t).to_string())
        .unwrap_or_else(|_| micros.to_string())
}

/// `aws ecr describe-images --output json`. Not `deny_unknown_fields`: AWS adds fields.
#[derive(Debug, Deserialize)]
#[serde(
    rename_all = "camelCase",
    expecting = "describe-images output: an object with an `imageDetails` list"
)]
struct RawDescribeImages {
    image_details: Vec<RawImageDetail>,
    #[serde(alias = "NextToken")]
    next_token: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "an image detail object")]
struct RawImageDetail {
    registry_id: Option<String>,
    repository_name: Option<String>,
    image_digest: String,
    #[serde(default)]
    image_tags: Vec<String>,
    image_size_in_bytes: Option<ImageBytes>,
    image_pushed_at: InputTime,
    image_manifest_media_type: Option<String>,
    last_recorded_pull_time: Option<InputTime>,
    image_status: Option<ImageStatus>,
    last_archived_at: Option<InputTime>,
    last_activated_at: Option<InputTime>,
    /// Not an AWS field: manifests an index references, for saved inputs that know them
    /// (`lifecycle snapshot` writes it for every index).
    child_manifests: Option<Vec<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
enum ImageStatus {
    Active,
    Archived,
    Activating,
}

impl From<RawImageDetail> for Image {
    fn from(d: RawImageDetail) -> Self {
        Image {
            repository: d.repository_name,
            registry_id: d.registry_id,
            digest: d.image_digest,
            tags: d.image_tags,
            pushed_at: d.image_pushed_at.0,
            size: d.image_size_in_bytes.map_or(0, |b| b.0),
            media_type: d.image_manifest_media_type,
            last_pull: d.last_recorded_pull_time.map(|t| t.0),
            // An image being restored (ACTIVATING) stays in the archive for lifecycle
            // purposes until the restore completes.
            storage: match d.image_status {
                Some(ImageStatus::Archived | ImageStatus::Activating) => StorageClass::Archive,
                Some(ImageStatus::Active) | None => StorageClass::Standard,
            },
            archived_at: d.last_archived_at.map(|t| t.0),
            activated_at: d.last_activated_at.map(|t| t.0),
            children: d.child_manifests.unwrap_or_default(),
        }
    }
}

/// What a describe-images file says about itself, beyond its images: whether it can show
/// the archive at all, and whether its indexes name their children.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FileFacts {
    /// Some detail has `imageStatus`, `lastArchivedAt` or `lastActivatedAt`.
    pub has_archive_fields: bool,
    /// Indexes (manifest lists) without a `childManifests` list.
    pub indexes_without_children: usize,
    /// A bare list of image details: it cannot carry the `nextToken` that tells a page
    /// from the whole list.
    pub bare_list: bool,
}

impl FileFacts {
    fn note(&mut self, d: &RawImageDetail) {
        use crate::model::media_type::{DOCKER_MANIFEST_LIST, OCI_INDEX};
        self.has_archive_fields |= d.image_status.is_some()
            || d.last_archived_at.is_some()
            || d.last_activated_at.is_some();
        let index = d
            .image_manifest_media_type
            .as_deref()
            .is_some_and(|m| m == OCI_INDEX || m == DOCKER_MANIFEST_LIST);
        if index && d.child_manifests.is_none() {
            self.indexes_without_children += 1;
        }
    }
}

/// A describe-images file read: its images and what it says about itself.
#[derive(Debug, Clone, PartialEq)]
pub struct ImagesFile {
    pub images: Vec<Image>,
    pub facts: FileFacts,
    /// The same facts for each repository of the file: one repository's fields must not
    /// hide another's gaps.
    pub facts_by_repository: std::collections::BTreeMap<RepositoryKey, FileFacts>,
}

/// A repository of an images file: (`registryId`, `repositoryName`), as far as known.
pub type RepositoryKey = (Option<String>, Option<String>);

/// Whether a rule archives images or works on the archive (`storageClass: archive`,
/// `sinceImageTransitioned`): such rules need each image's storage state.
pub fn has_archive_rules(policy: &super::policy::Policy) -> bool {
    use super::policy::{Action, Count};
    policy.rules.iter().any(|r| {
        r.action == Action::Transition
            || r.storage_class == StorageClass::Archive
            || matches!(r.count, Count::SinceTransitioned { .. })
    })
}

/// Warnings about what an images file cannot show for `policy`, so an offline preview
/// is never silently less exact than a live one.
pub fn file_warnings(facts: &FileFacts, policy: &super::policy::Policy) -> Vec<String> {
    let mut warnings = Vec::new();
    if !facts.has_archive_fields && has_archive_rules(policy) {
        warnings.push(
            "the policy has archive rules, but the images file has no `imageStatus`, `lastArchivedAt` or `lastActivatedAt` field: it looks like `describe-images` without `--filter imageStatus=ANY`, which lists only active images, so archived images are missing and every image is judged as active; save it with `aws ecr describe-images --repository-name NAME --filter imageStatus=ANY --output json` or `ecrctl lifecycle snapshot --repository NAME`".to_string(),
        );
    }
    if facts.indexes_without_children > 0 {
        warnings.push(format!(
            "{} in the images file {} no `childManifests`: describe-images does not list an index's children, and ECR does not expire the untagged children of an index that stays, so some untagged images may be shown as expiring although they stay; save the file with `ecrctl lifecycle snapshot --repository NAME` (it adds `childManifests` from BatchGetImage)",
            crate::output::count(facts.indexes_without_children, "index (manifest list)", "indexes (manifest lists)"),
            if facts.indexes_without_children == 1 { "has" } else { "have" },
        ));
    }
    let count_rules = policy
        .rules
        .iter()
        .any(|r| matches!(r.count, super::policy::Count::MoreThan(_)));
    if facts.bare_list && count_rules {
        warnings.push(
            "the images file is a bare list of image details, which cannot show whether it is the whole repository or one page of it (`--max-items` drops the `nextToken` with it); the count rules keep the newest images of this list as if it were complete; save the whole `describe-images` output (an object with `imageDetails`) or use `ecrctl lifecycle snapshot --repository NAME`".to_string(),
        );
    }
    warnings
}

/// Adds `more` (facts about more images of the same repository) to `into`.
fn merge_facts(into: &mut FileFacts, more: FileFacts) {
    into.has_archive_fields |= more.has_archive_fields;
    into.indexes_without_children += more.indexes_without_children;
    into.bare_list |= more.bare_list;
}

/// Refuses a digest listed twice in one repository: ECR holds one image per digest in a
/// repository, so a duplicate (an overlapping `jq -s` merge of two saves) would count one
/// image twice (wrong keep-N results, bytes double counted).
fn refuse_duplicates(details: &[RawImageDetail], bare: bool) -> Result<(), String> {
    let at = |i: usize| {
        if bare {
            format!("$[{i}]")
        } else {
            format!("$.imageDetails[{i}]")
        }
    };
    if let Some((first, i)) = first_duplicate(details) {
        let d = &details[i];
        return Err(format!(
            "{}: digest {} is listed twice{} ({} and {}); ECR holds one image per digest in a repository, so a duplicate would be counted as two images; remove it, e.g. `jq '.imageDetails |= unique_by(.registryId, .repositoryName, .imageDigest)'`",
            at(i),
            d.image_digest,
            d.repository_name
                .as_deref()
                .map(|r| format!(" in repository {r}"))
                .unwrap_or_default(),
            at(first),
            at(i),
        ));
    }
    Ok(())
}

/// The first entry (in input order) whose (registryId, repository, digest) an earlier
/// entry has, and that earlier entry. Sorted 16-byte hashes instead of a hash table: at
/// 200,000 images a table of the keys no longer fits the cache and made reading a file
/// grow faster than its size (bench/lifecycle).
fn first_duplicate(details: &[RawImageDetail]) -> Option<(usize, usize)> {
    use std::hash::{Hash, Hasher};
    fn key(d: &RawImageDetail) -> (Option<&str>, Option<&str>, &str) {
        (
            d.registry_id.as_deref(),
            d.repository_name.as_deref(),
            d.image_digest.as_str(),
        )
    }
    let mut hashes: Vec<(u64, usize)> = details
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            key(d).hash(&mut h);
            (h.finish(), i)
        })
        .collect();
    hashes.sort_unstable();
    let mut found: Option<(usize, usize)> = None;
    for group in hashes.chunk_by(|a, b| a.0 == b.0).filter(|g| g.len() > 1) {
        // Entries of a group are in input order; equal hashes may still differ.
        for (n, &(_, later)) in group.iter().enumerate().skip(1) {
            let earlier = group[..n]
                .iter()
                .map(|&(_, e)| e)
                .find(|&e| key(&details[e]) == key(&details[later]));
            if let Some(earlier) = earlier
                && found.is_none_or(|(_, f)| later < f)
            {
                found = Some((earlier, later));
            }
        }
    }
    found
}

/// Reads `describe-images` output (`{"imageDetails":[…]}` or a bare list). A problem
/// names its JSON path (`$.imageDetails[3].imagePushedAt: …`).
/// Also tells what the file can and cannot show ([`FileFacts`]).
pub fn parse_images_file(text: &str) -> Result<ImagesFile, String> {
    let bare = text.trim_start().starts_with('[');
    let details = if bare {
        crate::input::from_json::<Vec<RawImageDetail>>(text).map_err(|e| e.to_string())?
    } else {
        let doc = crate::input::from_json::<RawDescribeImages>(text).map_err(|e| e.to_string())?;
        if doc.next_token.is_some() {
            return Err("it has a `nextToken`: this is one page of a longer list, and judging a part as the whole could expire the wrong images; save it without --max-items / --page-size so the AWS CLI fetches every page".into());
        }
        doc.image_details
    };
    refuse_duplicates(&details, bare)?;
    let mut facts = FileFacts {
        bare_list: bare,
        ..FileFacts::default()
    };
    let mut facts_by_repository: std::collections::BTreeMap<RepositoryKey, FileFacts> =
        std::collections::BTreeMap::new();
    // Files list a repository's images together: look the facts up once per run of them.
    let mut current: Option<(RepositoryKey, FileFacts)> = None;
    let mut images = Vec::with_capacity(details.len());
    for d in details {
        facts.note(&d);
        let same = current.as_ref().is_some_and(|((r, n), _)| {
            r.as_deref() == d.registry_id.as_deref() && n.as_deref() == d.repository_name.as_deref()
        });
        if !same {
            if let Some((key, done)) = current.take() {
                merge_facts(facts_by_repository.entry(key).or_default(), done);
            }
            let key = (d.registry_id.clone(), d.repository_name.clone());
            let start = FileFacts {
                bare_list: bare,
                ..FileFacts::default()
            };
            current = Some((key, start));
        }
        if let Some((_, f)) = current.as_mut() {
            f.note(&d);
        }
        images.push(Image::from(d));
    }
    if let Some((key, done)) = current.take() {
        merge_facts(facts_by_repository.entry(key).or_default(), done);
    }
    Ok(ImagesFile {
        images,
        facts,
        facts_by_repository,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_describe_images(text: &str) -> Result<Vec<Image>, String> {
        parse_images_file(text).map(|file| file.images)
    }

    fn time(json: &str) -> Result<Micros, String> {
        serde_json::from_str::<InputTime>(json)
            .map(|t| t.0)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn reads_both_timestamp_forms() {
        assert_eq!(time("1700000000").unwrap(), 1_700_000_000_000_000);
        assert_eq!(time("1700000000.25").unwrap(), 1_700_000_000_250_000);
        assert_eq!(
            time(r#""2023-11-14T23:13:20.250000+01:00""#).unwrap(),
            1_700_000_000_250_000
        );
        assert!(time(r#""yesterday""#).is_err());
        assert!(time("true").is_err());
        assert_eq!(format_micros(1_700_000_000_400_000), "2023-11-14T22:13:20Z");
    }

    #[test]
    fn times_out_of_range_are_refused_with_the_range() {
        for bad in [
            "1e300",
            "-1",
            "-0.5",
            "253402300800",
            "18446744073709551615",
            r#""1969-12-31T23:59:59Z""#,
        ] {
            let e = time(bad).unwrap_err();
            assert!(e.contains("out of range"), "{bad}: {e}");
            assert!(e.contains("0..=253402300799"), "{bad}: {e}");
        }
        assert_eq!(time("253402300799").unwrap(), 253_402_300_799_000_000);
    }

    #[test]
    fn reads_describe_images_output() {
        let doc = r#"{"imageDetails": [
            {"registryId":"1","repositoryName":"r","imageDigest":"sha256:a","imageTags":["v1"],
             "imageSizeInBytes": 100, "imagePushedAt": "2024-01-01T00:00:00+00:00",
             "imageManifestMediaType":"application/vnd.oci.image.index.v1+json",
             "lastRecordedPullTime": 1704153600.0, "imageStatus": "ACTIVE",
             "childManifests": ["sha256:b"]},
            {"imageDigest":"sha256:b","imagePushedAt": 1704067200, "imageStatus": "ARCHIVED"}
        ]}"#;
        let images = parse_describe_images(doc).unwrap();
        assert_eq!(images[0].tags, vec!["v1"]);
        assert_eq!(images[0].repository.as_deref(), Some("r"));
        assert_eq!(images[1].repository, None);
        assert!(images[0].is_index());
        assert_eq!(images[0].children, vec!["sha256:b"]);
        assert_eq!(images[0].last_pull, Some(1_704_153_600_000_000));
        assert_eq!(images[1].pushed_at, images[0].pushed_at);
        assert!(images[1].tags.is_empty());
        assert_eq!(images[1].storage, StorageClass::Archive);
        // A bare list, with a byte-order mark already dropped by the reader.
        let list = parse_describe_images(r#"[{"imageDigest":"x","imagePushedAt":1}]"#).unwrap();
        assert_eq!(list[0].pushed_at, 1_000_000);
    }

    #[test]
    fn an_image_being_restored_is_still_in_the_archive() {
        let file = parse_images_file(
            r#"{"imageDetails":[{"imageDigest":"x","imagePushedAt":1,"imageStatus":"ACTIVATING","lastActivatedAt":5}]}"#,
        )
        .unwrap();
        assert_eq!(file.images[0].storage, StorageClass::Archive);
        assert!(file.facts.has_archive_fields);
    }

    fn policy(text: &str) -> crate::lifecycle::policy::Policy {
        crate::lifecycle::policy::parse(text).unwrap()
    }

    #[test]
    fn files_that_cannot_show_what_the_policy_needs_are_warned_about() {
        let archive_rule = policy(
            r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","storageClass":"archive","countType":"sinceImageTransitioned","countUnit":"days","countNumber":90},"action":{"type":"expire"}}]}"#,
        );
        let transition = policy(
            r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"sinceImagePulled","countUnit":"days","countNumber":30},"action":{"type":"transition","targetStorageClass":"archive"}}]}"#,
        );
        let plain = policy(
            r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":3},"action":{"type":"expire"}}]}"#,
        );
        let active_only =
            parse_images_file(r#"{"imageDetails":[{"imageDigest":"x","imagePushedAt":1}]}"#)
                .unwrap();
        for p in [&archive_rule, &transition] {
            let w = file_warnings(&active_only.facts, p);
            assert_eq!(w.len(), 1, "{w:?}");
            assert!(w[0].contains("--filter imageStatus=ANY"), "{w:?}");
        }
        assert!(file_warnings(&active_only.facts, &plain).is_empty());
        let with_status = parse_images_file(
            r#"{"imageDetails":[{"imageDigest":"x","imagePushedAt":1,"imageStatus":"ACTIVE"}]}"#,
        )
        .unwrap();
        assert!(file_warnings(&with_status.facts, &archive_rule).is_empty());

        let index = r#"{"imageDetails":[
            {"imageDigest":"i","imagePushedAt":1,"imageManifestMediaType":"application/vnd.oci.image.index.v1+json"},
            {"imageDigest":"j","imagePushedAt":1,"imageManifestMediaType":"application/vnd.docker.distribution.manifest.list.v2+json","childManifests":[]},
            {"imageDigest":"c","imagePushedAt":1,"imageManifestMediaType":"application/vnd.oci.image.manifest.v1+json"}]}"#;
        let file = parse_images_file(index).unwrap();
        assert_eq!(file.facts.indexes_without_children, 1);
        let w = file_warnings(&file.facts, &plain);
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(
            w[0].starts_with("1 index (manifest list) in the images file has no `childManifests`")
                && w[0].contains("ecrctl lifecycle snapshot"),
            "{w:?}"
        );
    }

    #[test]
    fn problems_name_the_json_path() {
        let err = |doc: &str| parse_describe_images(doc).unwrap_err();
        let e = err(r#"{"imageDetails":[{"imageDigest":"x"}]}"#);
        assert!(
            e.starts_with("$.imageDetails[0]: missing field `imagePushedAt`"),
            "{e}"
        );
        let e = err(
            r#"{"imageDetails":[{"imageDigest":"x","imagePushedAt":1},{"imageDigest":"y","imagePushedAt":1e300}]}"#,
        );
        assert!(
            e.starts_with("$.imageDetails[1].imagePushedAt: 1e300 is out of range"),
            "{e}"
        );
        let e = err(
            r#"{"imageDetails":[{"imageDigest":"x","imagePushedAt":1,"imageSizeInBytes":-5}]}"#,
        );
        assert!(
            e.starts_with("$.imageDetails[0].imageSizeInBytes: invalid value"),
            "{e}"
        );
        let e = err(r#"{"imageDetails":[{"imageDigest":"x","imagePushedAt":1,"imageTags":"v1"}]}"#);
        assert!(
            e.starts_with("$.imageDetails[0].imageTags: invalid type"),
            "{e}"
        );
        let e =
            err(r#"{"imageDetails":[{"imageDigest":"x","imagePushedAt":1,"imageStatus":"GONE"}]}"#);
        assert!(
            e.starts_with("$.imageDetails[0].imageStatus: unknown variant `GONE`"),
            "{e}"
        );
        let e = err(r#"[{"imageDigest":"x","imagePushedAt":1}"#);
        assert!(e.starts_with("not valid JSON"), "{e}");
        let e = err(r#"{"repositories":[]}"#);
        assert!(e.contains("missing field `imageDetails`"), "{e}");
        let e = err(r#"{"imageDetails":[],"nextToken":"abc"}"#);
        assert!(e.contains("nextToken"), "{e}");
        let e = err(r#"{"imageDetails":[]} trailing"#);
        assert!(e.starts_with("not valid JSON"), "{e}");
    }

    #[test]
    fn a_digest_listed_twice_in_a_repository_is_refused() {
        let e = parse_describe_images(
            r#"{"imageDetails":[{"repositoryName":"r","imageDigest":"x","imagePushedAt":1},{"repositoryName":"r","imageDigest":"y","imagePushedAt":1},{"repositoryName":"r","imageDigest":"x","imagePushedAt":1}]}"#,
        )
        .unwrap_err();
        assert!(
            e.starts_with("$.imageDetails[2]: digest x is listed twice in repository r ($.imageDetails[0] and $.imageDetails[2])"),
            "{e}"
        );
        // Several duplicates: the first entry (in input order) that repeats an earlier one.
        let e = parse_describe_images(
            r#"[{"imageDigest":"a","imagePushedAt":1},{"imageDigest":"b","imagePushedAt":1},{"imageDigest":"b","imagePushedAt":1},{"imageDigest":"a","imagePushedAt":1}]"#,
        )
        .unwrap_err();
        assert!(
            e.starts_with("$[2]: digest b is listed twice ($[1] and $[2])"),
            "{e}"
        );
        // The same digest in two repositories (or two registries) is two images.
        parse_describe_images(
            r#"[{"repositoryName":"r","imageDigest":"x","imagePushedAt":1},{"repositoryName":"s","imageDigest":"x","imagePushedAt":1},{"registryId":"2","repositoryName":"r","imageDigest":"x","imagePushedAt":1}]"#,
        )
        .unwrap();
    }

    #[test]
    fn a_bare_list_is_warned_about_as_maybe_one_page() {
        let plain = policy(
            r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":3},"action":{"type":"expire"}}]}"#,
        );
        let bare = parse_images_file(r#"[{"imageDigest":"x","imagePushedAt":1}]"#).unwrap();
        let w = file_warnings(&bare.facts, &plain);
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(
            w[0].contains("bare list") && w[0].contains("one page"),
            "{w:?}"
        );
        let whole =
            parse_images_file(r#"{"imageDetails":[{"imageDigest":"x","imagePushedAt":1}]}"#)
                .unwrap();
        assert!(file_warnings(&whole.facts, &plain).is_empty());
    }
}
