//! Parses `kubectl get pods,deployments,… -o json` output (a `List`, a `PodList`… or a
//! single object) into the image references its workloads use: every container,
//! init container and ephemeral container of pods and of pod templates (deployments,
//! statefulsets, daemonsets, replicasets, jobs, cronjobs, and any kind with a pod
//! template), plus the digest a pod's container is running (`status.*Statuses[].imageID`).

use serde::Deserialize;

use crate::model::workload::ImageUse;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Object {
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    metadata: Metadata,
    #[serde(default)]
    spec: Option<Spec>,
    #[serde(default)]
    status: Option<Status>,
    #[serde(default)]
    items: Option<Vec<Object>>,
}

#[derive(Debug, Default, Deserialize)]
struct Metadata {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    namespace: Option<String>,
}

/// The parts of a pod spec, a workload spec (`template`) and a cronjob spec
/// (`jobTemplate`) that lead to containers; other fields are ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Spec {
    #[serde(default)]
    containers: Vec<Container>,
    #[serde(default)]
    init_containers: Vec<Container>,
    #[serde(default)]
    ephemeral_containers: Vec<Container>,
    #[serde(default)]
    template: Option<Template>,
    #[serde(default)]
    job_template: Option<Template>,
}

#[derive(Debug, Default, Deserialize)]
struct Template {
    #[serde(default)]
    spec: Option<Box<Spec>>,
}

#[derive(Debug, Deserialize)]
struct Container {
    #[serde(default)]
    image: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Status {
    #[serde(default)]
    container_statuses: Vec<ContainerStatus>,
    #[serde(default)]
    init_container_statuses: Vec<ContainerStatus>,
    #[serde(default)]
    ephemeral_container_statuses: Vec<ContainerStatus>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ContainerStatus {
    #[serde(default, rename = "imageID")]
    image_id: Option<String>,
}

/// What a file or a `kubectl` run held.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Workloads {
    pub uses: Vec<ImageUse>,
    /// Objects read (list items count one each).
    pub objects: usize,
}

/// Parses `kubectl get … -o json` output. Errors say what is wrong and where.
///
/// Several JSON documents one after another (`kubectl get pods -o json >> k8s.json`, one
/// run per cluster) are all read; anything else after a document is an error, never ignored.
pub fn parse(text: &str) -> Result<Workloads, String> {
    let mut out = Workloads::default();
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<serde::de::IgnoredAny>();
    let mut start = 0;
    let mut documents = 0;
    loop {
        match stream.next() {
            None => break,
            Some(Ok(_)) => {}
            Some(Err(e)) if documents == 0 => return Err(e.to_string()),
            Some(Err(e)) => {
                return Err(format!(
                    "after JSON document {documents}: {e} (only `kubectl get … -o json` documents may follow one another)"
                ));
            }
        }
        let end = stream.byte_offset();
        documents += 1;
        let where_ = |what: String| {
            if documents == 1 {
                what
            } else {
                format!("document {documents}: {what}")
            }
        };
        let mut de = serde_json::Deserializer::from_str(&text[start..end]);
        let object: Object = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let path = e.path().to_string();
            where_(match path.as_str() {
                "." | "" => e.inner().to_string(),
                _ => format!("{path}: {}", e.inner()),
            })
        })?;
        if object.kind.is_none() && object.items.is_none() {
            return Err(where_(
                "has neither `kind` nor `items` (not `kubectl get … -o json` output)".into(),
            ));
        }
        collect(&object, &mut out);
        start = end;
    }
    if documents == 0 {
        return Err("holds no JSON document (not `kubectl get … -o json` output)".into());
    }
    Ok(out)
}

fn collect(object: &Object, out: &mut Workloads) {
    if let Some(items) = &object.items {
        for item in items {
            collect(item, out);
        }
        return;
    }
    out.objects += 1;
    let kind = object.kind.as_deref().unwrap_or("object");
    let name = object.metadata.name.as_deref().unwrap_or("?");
    let user = match &object.metadata.namespace {
        Some(ns) => format!("Kubernetes {} {ns}/{name}", kind.to_ascii_lowercase()),
        None => format!("Kubernetes {} {name}", kind.to_ascii_lowercase()),
    };
    if let Some(spec) = &object.spec {
        spec_images(spec, &user, out, 0);
    }
    if let Some(status) = &object.status {
        let statuses = status
            .container_statuses
            .iter()
            .chain(&status.init_container_statuses)
            .chain(&status.ephemeral_container_statuses);
        for s in statuses {
            if let Some(image) = s.image_id.as_deref().and_then(running_reference) {
                out.uses
                    .push(ImageUse::new(image, format!("{user} (running)")));
            }
        }
    }
}

/// Containers of a spec and of the pod templates inside it (a cronjob nests two deep).
fn spec_images(spec: &Spec, user: &str, out: &mut Workloads, depth: usize) {
    let containers = spec
        .containers
        .iter()
        .chain(&spec.init_containers)
        .chain(&spec.ephemeral_containers);
    for image in containers.filter_map(|c| c.image.as_deref()) {
        out.uses.push(ImageUse::new(image.trim(), user));
    }
    if depth > 4 {
        return;
    }
    for template in [&spec.template, &spec.job_template].into_iter().flatten() {
        if let Some(inner) = &template.spec {
            spec_images(inner, user, out, depth + 1);
        }
    }
}

/// `imageID` as runtimes report it: `HOST/REPO@sha256:…` (containerd, CRI-O) or
/// `docker-pullable://HOST/REPO@sha256:…` (dockershim). A bare image ID
/// (`docker://sha256:…`, `sha256:…`) names a config, not a manifest, and is skipped.
fn running_reference(image_id: &str) -> Option<String> {
    let id = image_id.trim();
    let id = id.split_once("://").map_or(id, |(_, rest)| rest);
    let (name, digest) = id.split_once('@')?;
    (!name.is_empty() && digest.starts_with("sha256:")).then(|| id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn images(w: &Workloads) -> Vec<(&str, &str)> {
        w.uses
            .iter()
            .map(|u| (u.image.as_str(), u.user.as_str()))
            .collect()
    }

    #[test]
    fn reads_pods_with_every_container_kind_and_the_running_digest() {
        let text = format!(
            r#"{{"apiVersion":"v1","kind":"List","items":[
              {{"kind":"Pod","metadata":{{"name":"web-1","namespace":"prod"}},
                "spec":{{"containers":[{{"name":"app","image":"123456789012.dkr.ecr.us-east-1.amazonaws.com/team/api:v1"}}],
                        "initContainers":[{{"name":"init","image":"busybox"}}],
                        "ephemeralContainers":[{{"name":"dbg","image":"team/debug:1"}}]}},
                "status":{{"containerStatuses":[{{"name":"app","imageID":"docker-pullable://123456789012.dkr.ecr.us-east-1.amazonaws.com/team/api@{D}"}}],
                          "initContainerStatuses":[{{"name":"init","imageID":"docker://sha256:abc"}}]}}}}]}}"#
        );
        let w = parse(&text).unwrap();
        assert_eq!(w.objects, 1);
        assert_eq!(
            images(&w),
            vec![
                (
                    "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/api:v1",
                    "Kubernetes pod prod/web-1"
                ),
                ("busybox", "Kubernetes pod prod/web-1"),
                ("team/debug:1", "Kubernetes pod prod/web-1"),
                (
                    &*format!("123456789012.dkr.ecr.us-east-1.amazonaws.com/team/api@{D}"),
                    "Kubernetes pod prod/web-1 (running)"
                ),
            ]
        );
    }

    #[test]
    fn reads_pod_templates_of_workloads_and_cronjobs() {
        let text = r#"{"kind":"List","items":[
          {"kind":"Deployment","metadata":{"name":"api","namespace":"a"},
           "spec":{"replicas":2,"template":{"spec":{"containers":[{"image":"r/api:v2"}]}}}},
          {"kind":"CronJob","metadata":{"name":"nightly","namespace":"a"},
           "spec":{"schedule":"@daily","jobTemplate":{"spec":{"template":{"spec":{"containers":[{"image":"r/job:v3"}],"initContainers":[{"image":"r/init:v3"}]}}}}}},
          {"kind":"Service","metadata":{"name":"svc"},"spec":{"ports":[{"port":80}]}}]}"#;
        let w = parse(text).unwrap();
        assert_eq!(w.objects, 3);
        assert_eq!(
            images(&w),
            vec![
                ("r/api:v2", "Kubernetes deployment a/api"),
                ("r/job:v3", "Kubernetes cronjob a/nightly"),
                ("r/init:v3", "Kubernetes cronjob a/nightly"),
            ]
        );
    }

    #[test]
    fn a_single_object_is_read_too() {
        let w = parse(r#"{"kind":"Job","metadata":{"name":"j"},"spec":{"template":{"spec":{"containers":[{"image":"x:1"}]}}}}"#).unwrap();
        assert_eq!(images(&w), vec![("x:1", "Kubernetes job j")]);
    }

    #[test]
    fn other_json_is_refused_with_where() {
        assert!(parse("[]").is_err());
        assert!(parse("{}").unwrap_err().contains("kubectl get"));
        let e = parse(r#"{"kind":"List","items":[{"kind":"Pod","spec":{"containers":"x"}}]}"#)
            .unwrap_err();
        assert!(e.contains("items[0].spec.containers"), "{e}");
        assert!(parse("not json").is_err());
        assert!(parse("  \n").is_err());
    }

    #[test]
    fn every_document_of_appended_outputs_is_read_and_trailing_data_refused() {
        let one = r#"{"kind":"List","items":[{"kind":"Pod","metadata":{"name":"a"},"spec":{"containers":[{"image":"x:1"}]}}]}"#;
        let two = r#"{"kind":"Job","metadata":{"name":"j"},"spec":{"template":{"spec":{"containers":[{"image":"y:2"}]}}}}"#;
        let w = parse(&format!("{one}\n{two}\n")).unwrap();
        assert_eq!(w.objects, 2);
        assert_eq!(
            images(&w),
            vec![("x:1", "Kubernetes pod a"), ("y:2", "Kubernetes job j")]
        );
        let e = parse(&format!("{one}\ngarbage after\n")).unwrap_err();
        assert!(e.contains("after JSON document 1"), "{e}");
        let e = parse(&format!("{one}\n{{}}")).unwrap_err();
        assert!(e.starts_with("document 2:"), "{e}");
    }
}
