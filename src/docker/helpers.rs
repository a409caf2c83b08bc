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
    /// It ran and failed; `message` names the program and its exit status, with at most
    /// one redacted line of its stderr — never its stdout, which may hold the secret.
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
        let stderr = String::from_utf8_lossy(&output.stderr);
        if stdout.contains("credentials not found") || stderr.contains("credentials not found") {
            return HelperAnswer::NotFound;
        }
        return HelperAnswer::Failed {
            message: failure_message(&program, output.status.code(), &stdout, &stderr),
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

/// The keys a store may hold a login for `host` under, as `docker logout` erases them:
/// the bare host, then the `https://` and `http://` URLs (older docker and
/// `aws ecr get-login` stored `https://HOST`).
pub fn spellings(host: &str) -> [String; 3] {
    [
        host.to_string(),
        format!("https://{host}"),
        format!("http://{host}"),
    ]
}

/// [`get`] under every [spelling](spellings) of `host`: the first found, else the first
/// failure, else not found / missing.
pub async fn get_any(name: &str, host: &str) -> HelperAnswer {
    let mut failed = None;
    for key in spellings(host) {
        match get(name, &key).await {
            found @ HelperAnswer::Found { .. } => return found,
            HelperAnswer::Missing => return HelperAnswer::Missing,
            failure @ HelperAnswer::Failed { .. } => {
                failed.get_or_insert(failure);
            }
            HelperAnswer::NotFound => {}
        }
    }
    failed.unwrap_or(HelperAnswer::NotFound)
}

/// `docker-credential-NAME erase` for `host` (the host on stdin, as docker sends it),
/// with a 10 s limit; on failure, why (never the helper's stdout).
pub async fn erase(name: &str, host: &str) -> Result<(), String> {
    let program = format!("docker-credential-{name}");
    let mut child = tokio::process::Command::new(&program)
        .arg("erase")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("could not run {program}: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(host.as_bytes()).await;
    }
    let output = tokio::time::timeout(Duration::from_secs(10), child.wait_with_output())
        .await
        .map_err(|_| format!("{program} did not answer within 10 s"))?
        .map_err(|e| e.to_string())?;
    if output.status.success() {
        return Ok(());
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    if stdout.contains("credentials not found") || stderr.contains("credentials not found") {
        return Ok(());
    }
    Err(failure_message(
        &program,
        output.status.code(),
        &stdout,
        &stderr,
    ))
}

/// `docker-credential-NAME list`: the servers the helper holds credentials for (its
/// answer maps server → user name), or why it could not say.
pub async fn list(name: &str) -> Result<Vec<String>, String> {
    let program = format!("docker-credential-{name}");
    let child = tokio::process::Command::new(&program)
        .arg("list")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => format!("{program} is not on PATH"),
            _ => format!("could not run {program}: {e}"),
        })?;
    let output = tokio::time::timeout(Duration::from_secs(10), child.wait_with_output())
        .await
        .map_err(|_| format!("{program} did not answer within 10 s"))?
        .map_err(|e| e.to_string())?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(failure_message(
            &program,
            output.status.code(),
            &stdout,
            &stderr,
        ));
    }
    match serde_json::from_str::<serde_json::Value>(&stdout) {
        Ok(serde_json::Value::Object(map)) => Ok(map.keys().cloned().collect()),
        _ => Err(format!("{program} list did not answer with a JSON object")),
    }
}

/// "docker-credential-NAME exited with N", plus the first stderr line with anything that
/// may be a secret removed: a helper may print its whole answer (`"Secret":…`) before it
/// fails, so stdout is never quoted, and a stderr line is dropped when it quotes a
/// `Secret` field or the stdout's secret. Docker Desktop's "stub received bad data" is
/// kept (it is how that broken store is recognised).
fn failure_message(program: &str, code: Option<i32>, stdout: &str, stderr: &str) -> String {
    let status = match code {
        Some(code) => format!("{program} exited with {code}"),
        None => format!("{program} was killed by a signal"),
    };
    let stub = "The stub received bad data";
    let stdout_secret = serde_json::from_str::<serde_json::Value>(stdout.trim())
        .ok()
        .and_then(|v| v["Secret"].as_str().map(str::to_string))
        .filter(|s| !s.is_empty());
    let line = stderr
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .filter(|l| !l.to_ascii_lowercase().contains("secret"))
        .filter(|l| !stdout_secret.as_deref().is_some_and(|s| l.contains(s)))
        .filter(|l| !stdout.contains(l))
        .map(|l| l.chars().take(200).collect::<String>());
    let mut message = status;
    if let Some(line) = line {
        message.push_str(": ");
        message.push_str(&line);
    } else if !stderr.trim().is_empty() {
        message.push_str(" (its stderr is not shown: it may hold a secret)");
    }
    if is_desktop_stub_error(stdout) && !is_desktop_stub_error(&message) {
        message.push_str(&format!(": {stub}"));
    }
    message
}

/// Docker Desktop's broken store says this; see docs/login.md.
pub fn is_desktop_stub_error(message: &str) -> bool {
    message.contains("stub received bad data")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failing_helper_never_quotes_its_stdout_or_a_secret_on_stderr() {
        let out = r#"{"ServerURL":"h","Username":"u","Secret":"HelperSecret-42"}"#;
        let m = failure_message("docker-credential-leaky", Some(1), out, "");
        assert_eq!(m, "docker-credential-leaky exited with 1");
        let m = failure_message("p", Some(1), out, "oops HelperSecret-42\nmore");
        assert!(!m.contains("HelperSecret-42"), "{m}");
        let m = failure_message("p", Some(2), "", "password Secret=abc");
        assert!(!m.contains("abc"), "{m}");
        let m = failure_message("p", Some(2), "", "\n  gpg: decryption failed\nnext");
        assert_eq!(m, "p exited with 2: gpg: decryption failed");
        let m = failure_message("p", Some(1), "The stub received bad data.", "");
        assert!(is_desktop_stub_error(&m), "{m}");
    }
}
