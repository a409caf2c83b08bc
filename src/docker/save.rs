//! Layer sizes of a local image from `docker image save`: the tar stream is read with the
//! `tar` crate (PAX extended headers, GNU base-256 sizes, so layers over 8 GiB are read
//! right) and every member's data is skipped, never kept. The child is bounded: it is
//! killed when its output stalls for [`IDLE`] or the whole save takes over [`TOTAL`].

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// `docker save` may send nothing for this long (the daemon is stuck, or asking
/// something) before it is stopped.
pub const IDLE: Duration = Duration::from_secs(60);

/// The longest a save may take at all (a 50 GiB image at a slow disk's 20 MB/s).
pub const TOTAL: Duration = Duration::from_secs(60 * 60);

/// Runs `PROGRAM image save REFERENCE` and returns its layers' sizes; `Err` says why
/// (no daemon, no such image, stalled, not a tar).
pub async fn layer_sizes(program: &Path, reference: &str) -> Result<Vec<u64>, String> {
    layer_sizes_bounded(program, reference, IDLE, TOTAL).await
}

async fn layer_sizes_bounded(
    program: &Path,
    reference: &str,
    idle: Duration,
    total: Duration,
) -> Result<Vec<u64>, String> {
    let mut child = Command::new(program)
        .args(["image", "save", reference])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start {}: {e}", program.display()))?;
    let stdout = child.stdout.take().ok_or("no output from docker save")?;
    let mut stderr = child.stderr.take().ok_or("no output from docker save")?;
    let said = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = (&mut stderr).take(64 * 1024).read_to_string(&mut text);
        text
    });
    let began = Instant::now();
    let last_read = Arc::new(AtomicU64::new(0));
    let watched = Watched {
        inner: stdout,
        began,
        last_read: last_read.clone(),
    };
    let mut reading = tokio::task::spawn_blocking(move || sizes_in_tar(watched));
    let sizes = loop {
        match tokio::time::timeout(Duration::from_millis(250), &mut reading).await {
            Ok(joined) => break joined.map_err(|e| e.to_string())?,
            Err(_) => {
                let quiet_for = began
                    .elapsed()
                    .saturating_sub(Duration::from_millis(last_read.load(Ordering::Relaxed)));
                let why = if began.elapsed() > total {
                    Some(format!(
                        "docker save did not finish within {} min",
                        total.as_secs() / 60
                    ))
                } else if quiet_for > idle {
                    Some(format!("docker save sent nothing for {} s", idle.as_secs()))
                } else {
                    None
                };
                if let Some(why) = why {
                    // Killing the child ends the read on the other thread too.
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(why);
                }
            }
        }
    };
    // The tar has ended: docker exits now; do not wait for one that does not.
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if began.elapsed() < total => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                if last_read_age(&last_read, began) > idle {
                    let _ = child.kill();
                    let _ = child.wait();
                    break None;
                }
            }
            _ => break None,
        }
    };
    let said = said.join().unwrap_or_default().trim().to_string();
    match status {
        Some(status) if status.success() => sizes,
        Some(_) => Err(if said.is_empty() {
            "docker save failed".into()
        } else {
            said
        }),
        None => Err("docker save did not exit after its output ended".into()),
    }
}

fn last_read_age(last_read: &AtomicU64, began: Instant) -> Duration {
    began
        .elapsed()
        .saturating_sub(Duration::from_millis(last_read.load(Ordering::Relaxed)))
}

/// A reader that notes when it last got bytes (milliseconds since `began`).
struct Watched<R> {
    inner: R,
    began: Instant,
    last_read: Arc<AtomicU64>,
}

impl<R: Read> Read for Watched<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n > 0 {
            let now = self.began.elapsed().as_millis() as u64;
            self.last_read.store(now, Ordering::Relaxed);
        }
        Ok(n)
    }
}

/// The layers of a `docker save` tar: docker's legacy `*/layer.tar` members, or the OCI
/// layout's `blobs/sha256/*` members larger than 4 KiB (configs and manifests are
/// smaller). Sizes come from the headers, PAX `size` records included.
pub fn sizes_in_tar(reader: impl Read) -> Result<Vec<u64>, String> {
    let not_tar = |e: std::io::Error| format!("docker save did not produce a readable tar: {e}");
    let mut archive = tar::Archive::new(reader);
    let mut sizes = Vec::new();
    for entry in archive.entries().map_err(not_tar)? {
        let entry = entry.map_err(not_tar)?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let size = entry.size();
        let path = entry.path().map_err(not_tar)?;
        let name = path.to_string_lossy();
        if name.ends_with("layer.tar") || (name.starts_with("blobs/sha256/") && size > 4096) {
            sizes.push(size);
        }
    }
    Ok(sizes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(name: &str, size: u64, gnu: bool) -> Vec<u8> {
        let mut header = if gnu {
            tar::Header::new_gnu()
        } else {
            tar::Header::new_ustar()
        };
        header.set_path(name).unwrap();
        header.set_size(size);
        header.set_mode(0o644);
        header.set_entry_type(tar::EntryType::Regular);
        header.set_cksum();
        header.as_bytes().to_vec()
    }

    fn padded(data: &[u8]) -> Vec<u8> {
        let mut out = data.to_vec();
        out.resize(data.len().div_ceil(512) * 512, 0);
        out
    }

    #[test]
    fn reads_legacy_and_oci_layouts() {
        let mut tar = Vec::new();
        for (name, size) in [
            ("abc/layer.tar", 5000usize),
            ("abc/json", 100),
            ("manifest.json", 300),
            ("blobs/sha256/aaaa", 6000),
            ("blobs/sha256/cfg", 500),
        ] {
            tar.extend(header(name, size as u64, false));
            tar.extend(padded(&vec![7u8; size]));
        }
        tar.extend([0u8; 1024]);
        assert_eq!(sizes_in_tar(&tar[..]).unwrap(), [5000, 6000]);
    }

    #[test]
    fn honours_pax_size_records() {
        // A PAX header says 8000 bytes; the ustar header's own size field says 0.
        let record = "13 size=8000\n";
        let mut pax = tar::Header::new_ustar();
        pax.set_path("PaxHeaders/layer.tar").unwrap();
        pax.set_size(record.len() as u64);
        pax.set_entry_type(tar::EntryType::XHeader);
        pax.set_cksum();
        let mut tar = pax.as_bytes().to_vec();
        tar.extend(padded(record.as_bytes()));
        tar.extend(header("abc/layer.tar", 0, false));
        tar.extend(padded(&[1u8; 8000]));
        tar.extend([0u8; 1024]);
        assert_eq!(sizes_in_tar(&tar[..]).unwrap(), [8000]);
    }

    /// A header, then `size` bytes that are never really produced, then the end blocks.
    struct HugeLayer {
        head: Vec<u8>,
        size: u64,
        at: u64,
    }

    impl Read for HugeLayer {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let head = self.head.len() as u64;
            let end = head + self.size.div_ceil(512) * 512 + 1024;
            if self.at >= end {
                return Ok(0);
            }
            let n = if self.at < head {
                let from = self.at as usize;
                let n = buf.len().min(self.head.len() - from);
                buf[..n].copy_from_slice(&self.head[from..from + n]);
                n
            } else {
                // Skipped data and end blocks: zeros (the buffer's content is not read
                // for skipped data, but keep it honest for the end blocks).
                let n = (buf.len() as u64).min(end - self.at) as usize;
                if self.at + n as u64 > end - 1024 {
                    buf[..n].fill(0);
                }
                n
            };
            self.at += n as u64;
            Ok(n)
        }
    }

    #[test]
    fn reads_base_256_sizes_over_8_gib() {
        let size = 9 * (1u64 << 30);
        // GNU headers store sizes of 8 GiB and more in base-256.
        let head = header("abc/layer.tar", size, true);
        assert_eq!(head[124] & 0x80, 0x80, "base-256 marker");
        let huge = HugeLayer { head, size, at: 0 };
        assert_eq!(sizes_in_tar(huge).unwrap(), [size]);
    }

    #[test]
    fn garbage_is_not_a_tar() {
        let garbage = vec![b'x'; 2048];
        let error = sizes_in_tar(&garbage[..]).unwrap_err();
        assert!(error.contains("tar"), "{error}");
    }

    #[cfg(unix)]
    fn script(body: &str) -> fake_docker::Script {
        fake_docker::Script::new(body)
    }

    #[cfg(unix)]
    mod fake_docker {
        use std::os::unix::fs::PermissionsExt;
        use std::path::PathBuf;

        /// An executable shell script in a fresh folder, removed on drop.
        pub struct Script(pub PathBuf);

        impl Script {
            pub fn new(body: &str) -> Self {
                let dir = std::env::temp_dir().join(format!(
                    "ecrctl-save-test-{}-{}",
                    std::process::id(),
                    body.len()
                ));
                std::fs::create_dir_all(&dir).unwrap();
                let path = dir.join("docker");
                std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
                Self(path)
            }
        }

        impl Drop for Script {
            fn drop(&mut self) {
                let _ = std::fs::remove_dir_all(self.0.parent().unwrap());
            }
        }
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn a_stalled_save_is_stopped() {
        let docker = script("printf 'x'; exec sleep 30");
        let began = Instant::now();
        let error = layer_sizes_bounded(
            &docker.0,
            "img",
            Duration::from_millis(500),
            Duration::from_secs(60),
        )
        .await
        .unwrap_err();
        assert!(error.contains("sent nothing"), "{error}");
        assert!(
            began.elapsed() < Duration::from_secs(20),
            "{:?}",
            began.elapsed()
        );
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn a_failed_save_says_why() {
        let docker = script("echo 'Error response from daemon: no such image: img' >&2; exit 1");
        let error = layer_sizes_bounded(
            &docker.0,
            "img",
            Duration::from_secs(10),
            Duration::from_secs(60),
        )
        .await
        .unwrap_err();
        assert!(error.contains("no such image"), "{error}");
    }
}
