//! `--platform os/arch[/variant]` (repeatable): copy only some platforms of an index, as
//! `skopeo copy --override-os/--override-arch` and `crane copy --platform` do. One
//! platform copies that platform's image manifest itself (the destination digest is the
//! platform manifest's digest, as with skopeo and crane); several copy a new index that
//! lists only them (a new digest: the source index names platforms that are not copied).
//! A source that is a single image is copied as it is.

use serde_json::Value;

use crate::registry::client::{Manifest, sha256_digest};

pub use crate::model::platform::{Platform, parse};

/// The platform an index entry declares.
fn declared(entry: &Value) -> Option<Platform> {
    let p = entry.get("platform")?;
    Some(Platform {
        os: p.get("os")?.as_str()?.to_string(),
        architecture: p.get("architecture")?.as_str()?.to_string(),
        variant: p.get("variant").and_then(Value::as_str).map(String::from),
    })
}

/// What to copy for `platforms` from `index` (an index manifest): `Ok(Single(digest))`
/// for one platform, `Ok(Index(manifest))` for a reduced index; `Err` names the missing
/// platforms and what the index has.
pub enum Selected {
    Single(String),
    Index(Manifest),
}

pub fn select(index: &Manifest, platforms: &[Platform]) -> Result<Selected, String> {
    let mut doc: Value = serde_json::from_slice(&index.bytes)
        .map_err(|e| format!("the index {} is not JSON: {e}", index.digest))?;
    let entries = doc
        .get("manifests")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut chosen: Vec<Value> = Vec::new();
    let mut missing = Vec::new();
    for wanted in platforms {
        match entries
            .iter()
            .find(|e| declared(e).is_some_and(|p| wanted.matches(&p)))
        {
            Some(e) if !chosen.contains(e) => chosen.push(e.clone()),
            Some(_) => {}
            None => missing.push(wanted.to_string()),
        }
    }
    if !missing.is_empty() {
        let has: Vec<String> = entries
            .iter()
            .filter_map(declared)
            .map(|p| p.to_string())
            .collect();
        return Err(format!(
            "the source index has no {} (it has: {})",
            missing.join(", "),
            if has.is_empty() {
                "no declared platforms".to_string()
            } else {
                has.join(", ")
            }
        ));
    }
    if let [one] = chosen.as_slice() {
        let digest = one
            .get("digest")
            .and_then(Value::as_str)
            .ok_or("an index entry has no digest")?;
        return Ok(Selected::Single(digest.to_string()));
    }
    // Every platform chosen: the source index itself, byte for byte (same digest).
    if chosen.len() == entries.len() {
        return Ok(Selected::Index(Manifest {
            bytes: index.bytes.clone(),
            media_type: index.media_type.clone(),
            digest: index.digest.clone(),
        }));
    }
    // Keep the source's order (and every other field) for the entries kept.
    let kept: Vec<Value> = entries.into_iter().filter(|e| chosen.contains(e)).collect();
    doc["manifests"] = Value::Array(kept);
    let bytes = serde_json::to_vec(&doc).expect("JSON serializes");
    Ok(Selected::Index(Manifest {
        digest: sha256_digest(&bytes),
        bytes,
        media_type: index.media_type.clone(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> Manifest {
        let bytes = br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
          {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:aa","size":1,"platform":{"os":"linux","architecture":"amd64"}},
          {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:bb","size":1,"platform":{"os":"linux","architecture":"arm64","variant":"v8"}},
          {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:cc","size":1,"platform":{"os":"windows","architecture":"amd64"}}],
          "annotations":{"a":"b"}}"#.to_vec();
        Manifest {
            digest: sha256_digest(&bytes),
            bytes,
            media_type: "application/vnd.oci.image.index.v1+json".into(),
        }
    }

    #[test]
    fn parses_platforms() {
        assert_eq!(
            parse("linux/arm64/v8").unwrap().to_string(),
            "linux/arm64/v8"
        );
        for bad in ["linux", "linux/", "a/b/c/d", "linux/amd 64"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn one_platform_is_its_manifest_several_a_smaller_index() {
        let i = index();
        let Selected::Single(d) = select(&i, &[parse("linux/arm64").unwrap()]).unwrap() else {
            panic!("one platform")
        };
        assert_eq!(d, "sha256:bb");
        let Selected::Index(m) = select(
            &i,
            &[
                parse("windows/amd64").unwrap(),
                parse("linux/amd64").unwrap(),
            ],
        )
        .unwrap() else {
            panic!("an index")
        };
        let doc: Value = serde_json::from_slice(&m.bytes).unwrap();
        let digests: Vec<&str> = doc["manifests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["digest"].as_str().unwrap())
            .collect();
        assert_eq!(digests, ["sha256:aa", "sha256:cc"], "the source's order");
        assert_eq!(doc["annotations"]["a"], "b");
        assert_ne!(m.digest, i.digest);
        let Err(e) = select(&i, &[parse("linux/s390x").unwrap()]) else {
            panic!("missing")
        };
        assert!(
            e.contains("no linux/s390x") && e.contains("linux/arm64/v8"),
            "{e}"
        );
    }
}
