//! Container clients ecrctl can log in: which program, which arguments, how to install
//! it. The password always goes on the child's stdin, never in its arguments.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::AsyncWriteExt;

use crate::error::{CliError, Result};
use crate::secret::Secret;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientKind {
    Docker,
    Podman,
    Nerdctl,
    Finch,
    Helm,
    Oras,
}

impl ClientKind {
    pub const ALL: [ClientKind; 6] = [
        Self::Docker,
        Self::Podman,
        Self::Nerdctl,
        Self::Finch,
        Self::Helm,
        Self::Oras,
    ];

    pub fn program(self) -> &'static str {
        match self {
            Self::Docker => "docker",
            Self::Podman => "podman",
            Self::Nerdctl => "nerdctl",
            Self::Finch => "finch",
            Self::Helm => "helm",
            Self::Oras => "oras",
        }
    }

    /// Arguments for a login that reads the password from stdin.
    pub fn login_args(self, host: &str, username: &str) -> Vec<String> {
        let mut args: Vec<String> = match self {
            Self::Helm => vec!["registry".into(), "login".into(), host.into()],
            _ => vec!["login".into()],
        };
        args.extend([
            "--username".into(),
            username.into(),
            "--password-stdin".into(),
        ]);
        if self != Self::Helm {
            args.push(host.into());
        }
        args
    }

    fn install_hint(self) -> &'static str {
        match self {
            Self::Docker => {
                "install the docker CLI (https://docs.docker.com/engine/install/), or pick another with --client"
            }
            Self::Podman => {
                "install podman (e.g. `apt-get install podman`), or pick another with --client"
            }
            Self::Nerdctl => {
                "install nerdctl (https://github.com/containerd/nerdctl), or pick another with --client"
            }
            Self::Finch => "install finch (https://runfinch.com), or pick another with --client",
            Self::Helm => {
                "install helm 3.8 or later (https://helm.sh/docs/intro/install/), or pick another with --client"
            }
            Self::Oras => {
                "install oras (https://oras.land/docs/installation), or pick another with --client"
            }
        }
    }
}

/// `name` on PATH, if there.
pub fn find_on_path(name: &str) -> Option<PathBuf> {
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// The client asked for, or docker, or else the first one installed.
pub fn choose(requested: Option<ClientKind>) -> Result<(ClientKind, PathBuf)> {
    if let Some(kind) = requested {
        return find_on_path(kind.program())
            .map(|p| (kind, p))
            .ok_or_else(|| {
                CliError::usage(format!(
                    "`{}` is not installed (not found on PATH)",
                    kind.program()
                ))
                .with_hint(kind.install_hint())
            });
    }
    ClientKind::ALL
        .into_iter()
        .find_map(|kind| find_on_path(kind.program()).map(|p| (kind, p)))
        .ok_or_else(|| {
            CliError::usage(
                "no container client found on PATH (docker, podman, nerdctl, finch, helm, oras)",
            )
            .with_hint(
                "install docker (https://docs.docker.com/engine/install/), or use \
                     `ecrctl login --print-password` and pass the password to your tool on stdin",
            )
        })
}

/// Runs the client's login with the password on stdin; on failure returns what it said.
/// `docker_config` points docker-style clients at another config folder.
pub async fn login(
    kind: ClientKind,
    program: &PathBuf,
    host: &str,
    username: &str,
    password: &Secret,
    docker_config: Option<&std::path::Path>,
) -> std::result::Result<(), String> {
    let mut command = tokio::process::Command::new(program);
    if let Some(dir) = docker_config {
        command.env("DOCKER_CONFIG", dir);
    }
    let args = kind.login_args(host, username);
    tracing::debug!(program = %program.display(), args = %args.join(" "), "logging the client in (password on stdin)");
    let mut child = command
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("could not start {}: {e}", program.display()))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(password.expose().as_bytes())
            .await
            .map_err(|e| format!("could not pass the password on stdin: {e}"))?;
    }
    let waited = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output()).await;
    let output = match waited {
        Ok(Ok(output)) => output,
        Ok(Err(e)) => return Err(e.to_string()),
        Err(_) => {
            return Err(format!(
                "{} login did not finish within 60 s",
                kind.program()
            ));
        }
    };
    if output.status.success() {
        return Ok(());
    }
    let said = String::from_utf8_lossy(&output.stderr).to_string()
        + &String::from_utf8_lossy(&output.stdout);
    // Whatever the client printed, the password itself must never travel further.
    Err(password.mask_in(&said, username).trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_is_never_an_argument() {
        for kind in ClientKind::ALL {
            let args = kind.login_args("h:1", "AWS");
            assert!(args.contains(&"--password-stdin".to_string()), "{kind:?}");
            assert!(args.contains(&"h:1".to_string()));
        }
        assert_eq!(
            ClientKind::Docker.login_args("h", "AWS"),
            ["login", "--username", "AWS", "--password-stdin", "h"]
        );
        assert_eq!(
            ClientKind::Helm.login_args("h", "AWS")[..3],
            ["registry", "login", "h"]
        );
    }
}
