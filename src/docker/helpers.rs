//! Running docker credential helpers (`docker-credential-NAME get|list`), to see what
//! docker would really use — and to catch a broken store such as Docker Desktop's
//! "The stub received bad data".

use std::process::Stdio;
use std::time::Duration;

use tokio::io::AsyncWriteExt;

use crate::secret::Secret;

/// How asking a helper went.
#[derive(Debug)]
pub enum HelperAnswer {
    Found {
        username: String,
        secret: Secret,
    },
    /// The helper knows nothing for that host.
    NotFound,
    /// The helper program is not on PATH.
    Missing,
    /// It ran and failed; `message` is what it printed (never includes a secret).
    Failed {
        message: String,
    },
}

/// `docker-credential-NAME get` for `host`, with a 10 s limit.
pub async fn get(name: &str, host: &str) -> HelperAnswer {
    let program = format!("docker-credential-{name}");
    let child = tokio::process::Command::new(&program)
        .arg("get")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return HelperAnswer::Missing,
        Err(e) => {
            return HelperAnswer::Failed {
                message: e.to_string(),
            };
        }
    };
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(host.as_bytes()).await;
    }
    let output = match tokio::time::timeout(Duration::from_secs(10), child.wait_with_output()).await
    {
        Ok(Ok(output)) => output,
        Ok(Err(e)) => {
            return HelperAnswer::Failed {
                message: e.to_string(),
            };
        }
        Err(_) => {
            return HelperAnswer::Failed {
                message: format!("{program} did not answer within 10 s"),
            };
        }
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        let said = format!(
            "{} {}",
            stdout.trim(),
            String::from_utf8_lossy(&output.stderr).trim()
        );
        if said.contains("credentials not found") {
            return HelperAnswer::NotFound;
        }
        return HelperAnswer::Failed {
            message: said.trim().to_string(),
        };
    }
    match serde_json::from_str::<serde_json::Value>(&stdout) {
        Ok(v) => match (v["Username"].as_str(), v["Secret"].as_str()) {
            (Some(user), Some(secret)) => HelperAnswer::Found {
                username: user.to_string(),
                secret: Secret::new(secret.to_string()),
            },
            _ => HelperAnswer::Failed {
                message: format!("{program} answered without Username/Secret"),
            },
        },
        Err(_) => HelperAnswer::Failed {
            message: format!("{program} did not answer with JSON"),
        },
    }
}

/// Docker Desktop's broken store says this; see docs/login.md.
pub fn is_desktop_stub_error(message: &str) -> bool {
    message.contains("stub received bad data")
}
