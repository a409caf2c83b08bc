//! Images as the lifecycle engine sees them, and reading them from the JSON that
//! `aws ecr describe-images --output json` prints (timestamps as RFC 3339 strings or
//! epoch seconds, as different AWS CLI versions print them).

use serde::Serialize;
use serde_json::Value;

use super::policy::StorageClass;

/// Microseconds since the Unix epoch: enough to keep pushes a moment apart in order.
pub type Micros = i64;

pub const MICROS_PER_DAY: i64 = 86_400 * 1_000_000;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Image {
    pub digest: String,
    pub tags: Vec<String>,
    pub pushed_at: Micros,
    pub size: u64,
    pub media_type: Option<String>,
    pub last_pull: Option<Micros>,
    pub storage: StorageClass,
    pub archived_at: Option<Micros>,
    pub activated_at: Option<Micros>,
    /// Manifests this image (an index / manifest list) references.
    pub children: Vec<String>,
}

impl Image {
    /// An active (standard storage) image with nothing else known.
    pub fn new(digest: impl Into<String>, tags: Vec<String>, pushed_at: Micros) -> Self {
        Image {
            digest: digest.into(),
            tags,
            pushed_at,
            size: 0,
            media_type: None,
            last_pull: None,
            storage: StorageClass::Standard,
            archived_at: None,
            activated_at: None,
            children: Vec::new(),
        }
    }

    pub fn is_index(&self) -> bool {
        self.media_type.as_deref().is_some_and(|m| {
            m == "application/vnd.oci.image.index.v1+json"
                || m == "application/vnd.docker.distribution.manifest.list.v2+json"
        })
    }
}

/// Parses a timestamp given as RFC 3339 text or epoch seconds (integer or fractional).
pub fn parse_timestamp(value: &Value) -> Result<Micros, String> {
    match value {
        Value::Number(n) => n
            .as_f64()
            .map(|secs| (secs * 1_000_000.0).round() as Micros)
            .ok_or_else(|| format!("{n} is not a timestamp")),
        Value::String(s) => parse_rfc3339(s),
        other => Err(format!("{other} is not a timestamp")),
    }
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

/// Reads `describe-images` output (`{"imageDetails":[…]}` or a bare list). Each problem
/// names the entry and field.
pub fn from_describe_images(document: &Value) -> Result<Vec<Image>, String> {
    let details = match document {
        Value::Object(map) => map.get("imageDetails").and_then(Value::as_array).ok_or_else(|| {
            "expected the output of `aws ecr describe-images --output json` (an `imageDetails` list)".to_string()
        })?,
        Value::Array(list) => list,
        _ => return Err("expected an object with `imageDetails`".into()),
    };
    details
        .iter()
        .enumerate()
        .map(|(i, d)| image_from_detail(d).map_err(|e| format!("imageDetails[{i}]: {e}")))
        .collect()
}

fn optional_time(d: &Value, key: &str) -> Result<Option<Micros>, String> {
    match d.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => parse_timestamp(v)
            .map(Some)
            .map_err(|e| format!("{key}: {e}")),
    }
}

fn image_from_detail(d: &Value) -> Result<Image, String> {
    let digest = d
        .get("imageDigest")
        .and_then(Value::as_str)
        .ok_or("no imageDigest")?
        .to_string();
    let pushed_at = parse_timestamp(d.get("imagePushedAt").ok_or("no imagePushedAt")?)
        .map_err(|e| format!("imagePushedAt: {e}"))?;
    let strings = |key: &str| -> Vec<String> {
        d.get(key)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|t| t.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    let storage = match d.get("imageStatus").and_then(Value::as_str) {
        Some("ARCHIVED") => StorageClass::Archive,
        _ => StorageClass::Standard,
    };
    Ok(Image {
        digest,
        tags: strings("imageTags"),
        pushed_at,
        size: d
            .get("imageSizeInBytes")
            .and_then(Value::as_u64)
            .unwrap_or(0),
        media_type: d
            .get("imageManifestMediaType")
            .and_then(Value::as_str)
            .map(String::from),
        last_pull: optional_time(d, "lastRecordedPullTime")?,
        storage,
        archived_at: optional_time(d, "lastArchivedAt")?,
        activated_at: optional_time(d, "lastActivatedAt")?,
        children: strings("childManifests"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_both_timestamp_forms() {
        assert_eq!(
            parse_timestamp(&json!(1_700_000_000)).unwrap(),
            1_700_000_000_000_000
        );
        assert_eq!(
            parse_timestamp(&json!(1_700_000_000.25)).unwrap(),
            1_700_000_000_250_000
        );
        assert_eq!(
            parse_timestamp(&json!("2023-11-14T23:13:20.250000+01:00")).unwrap(),
            1_700_000_000_250_000
        );
        assert!(parse_timestamp(&json!("yesterday")).is_err());
        assert_eq!(format_micros(1_700_000_000_400_000), "2023-11-14T22:13:20Z");
    }

    #[test]
    fn reads_describe_images_output() {
        let doc = json!({"imageDetails": [
            {"registryId":"1","repositoryName":"r","imageDigest":"sha256:a","imageTags":["v1"],
             "imageSizeInBytes": 100, "imagePushedAt": "2024-01-01T00:00:00+00:00",
             "imageManifestMediaType":"application/vnd.oci.image.index.v1+json",
             "lastRecordedPullTime": 1704153600.0, "imageStatus": "ACTIVE",
             "childManifests": ["sha256:b"]},
            {"imageDigest":"sha256:b","imagePushedAt": 1704067200}
        ]});
        let images = from_describe_images(&doc).unwrap();
        assert_eq!(images[0].tags, vec!["v1"]);
        assert!(images[0].is_index());
        assert_eq!(images[0].children, vec!["sha256:b"]);
        assert_eq!(images[0].last_pull, Some(1_704_153_600_000_000));
        assert_eq!(images[1].pushed_at, images[0].pushed_at);
        assert!(images[1].tags.is_empty());
        let err = from_describe_images(&json!({"imageDetails":[{"imageDigest":"x"}]})).unwrap_err();
        assert_eq!(err, "imageDetails[0]: no imagePushedAt");
    }
}
