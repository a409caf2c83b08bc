//! Reads the workloads of a live Kubernetes context with `kubectl get … -o json`, under a
//! deadline (ECRCTL_HTTP_TIMEOUT, default 60 s, is kubectl's `--request-timeout`; twice
//! that bounds the whole run). Only the context name is passed in argv: kubectl reads its
//! own credentials from its kubeconfig. A missing kubectl, a failing one (RBAC, no
//! cluster) or unreadable output is an error, never "nothing in use".

use std::process::Stdio;

use super::workloads::{self, Workloads};
use crate::error::{CliError, Result};

/// What is read: every kind that runs or templates pods.
pub const RESOURCES: &str = "pods,deployments,statefulsets,daemonsets,replicasets,jobs,cronjobs";

/// The largest output read: 256 MiB (a very large cluster's pods and templates).
const MAX_OUTPUT: usize = 256 << 20;

/// `kubectl get RESOURCES --all-namespaces -o json [--context CONTEXT]`, parsed.
pub async fn workloads(context: Option<&str>) -> Result<Workloads> {
    let request = crate::registry::deadline::request_timeout()?;
    let mut command = tokio::process::Command::new("kubectl");
    command.args(["get", RESOURCES, "--all-namespaces", "-o", "json"]);
    command.arg(format!("--request-timeout={}s", request.as_secs()));
    if let Some(context) = context {
        command.args(["--context", context]);
    }
    let what = match context {
        Some(c) => format!("could not read the workloads of Kubernetes context `{c}`"),
        None => "could not read the workloads of the current Kubernetes context".to_string(),
    };
    let child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn();
    let child = match child {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(CliError::remote(what)
                .with_cause("`kubectl` is not on PATH")
                .with_hint(
                    "install kubectl, or save the workloads and pass the file: \
                     `kubectl get pods,deployments,statefulsets,daemonsets,replicasets,jobs,cronjobs -A -o json > k8s.json` then \
                     --protect-in-use k8s=k8s.json",
                ));
        }
        Err(e) => return Err(CliError::remote(what).with_cause(e.to_string())),
    };
    let deadline = request * 2;
    let output = match tokio::time::timeout(deadline, child.wait_with_output()).await {
        Ok(Ok(output)) => output,
        Ok(Err(e)) => return Err(CliError::remote(what).with_cause(e.to_string())),
        Err(_) => {
            return Err(CliError::remote(what)
                .with_cause(format!("kubectl did not finish within {} s", deadline.as_secs()))
                .with_hint("check the cluster is reachable (`kubectl get pods -A`), or raise ECRCTL_HTTP_TIMEOUT"));
        }
    };
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let said: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
        let mut error = CliError::remote(what).with_cause(format!("kubectl {}", output.status));
        for line in said.iter().rev().take(5).rev() {
            error = error.with_cause(line.chars().take(300).collect::<String>());
        }
        return Err(error.with_hint(
            "kubectl must be able to list pods, deployments, statefulsets, daemonsets, \
             replicasets, jobs and cronjobs in all namespaces (`kubectl auth can-i list pods -A`)",
        ));
    }
    if output.stdout.len() > MAX_OUTPUT {
        return Err(CliError::remote(what).with_cause(format!(
            "kubectl printed more than {} MiB",
            MAX_OUTPUT >> 20
        )));
    }
    let text = String::from_utf8(output.stdout).map_err(|_| {
        CliError::remote(what.clone()).with_cause("kubectl printed something that is not UTF-8")
    })?;
    workloads::parse(&text).map_err(|e| {
        CliError::remote(what).with_cause(format!("kubectl's output is not a list of objects: {e}"))
    })
}
