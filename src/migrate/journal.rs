//! The journal: one JSON line per finished item, appended and flushed as each finishes,
//! so a run killed at any point (Ctrl-C, `kill -9`) resumes where it stopped.

use std::collections::HashMap;
use std::io::{BufRead, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{CliError, Result};

/// One finished item: `key` is `SOURCE DESTINATION`, `digest` the source manifest digest
/// that was written to the destination (so a rerun can tell when the source moved on).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    key: String,
    digest: String,
    status: String,
}

pub struct Journal {
    /// `None` with `--no-journal`.
    pub path: Option<PathBuf>,
    done: HashMap<String, String>,
    /// `None` when read only (a dry run) or with `--no-journal`. Holds an exclusive lock
    /// on the file for as long as the run lasts: one journal, one writer.
    file: Option<Mutex<std::fs::File>>,
}

/// `$XDG_STATE_HOME/ecrctl/journals` (default `~/.local/state/…`); an error with no home.
pub fn journals_dir() -> Result<PathBuf> {
    Ok(crate::fsutil::xdg_dir("XDG_STATE_HOME", ".local/state")?.join("ecrctl/journals"))
}

/// The default journal in `dir` ([`journals_dir`]): one file per plan.
pub fn default_path(dir: &Path, plan_keys: &[String]) -> PathBuf {
    let digest = hex::encode(Sha256::digest(plan_keys.join("\n").as_bytes()));
    dir.join(format!("migrate-{}.jsonl", &digest[..16]))
}

/// The entries of a journal file; a torn last line (killed mid-write) is skipped, so that
/// item is simply redone.
fn read_entries(file: &std::fs::File) -> HashMap<String, String> {
    let mut done = HashMap::new();
    for line in std::io::BufReader::new(file).lines().map_while(|l| l.ok()) {
        if let Ok(entry) = serde_json::from_str::<Entry>(&line) {
            done.insert(entry.key, entry.digest);
        }
    }
    done
}

/// Ends a torn last line (a run killed mid-write) with a newline, so that this run's
/// first record starts on a line of its own instead of being glued onto the torn one.
fn terminate_torn_line(file: &mut std::fs::File) -> std::io::Result<()> {
    let len = file.seek(SeekFrom::End(0))?;
    if len == 0 {
        return Ok(());
    }
    file.seek(SeekFrom::Start(len - 1))?;
    let mut last = [0u8; 1];
    std::io::Read::read_exact(file, &mut last)?;
    if last[0] != b'\n' {
        file.write_all(b"\n")?;
        file.sync_data()?;
    }
    Ok(())
}

impl Journal {
    /// No journal (`--no-journal`): nothing is remembered or written.
    pub fn none() -> Self {
        Self {
            path: None,
            done: HashMap::new(),
            file: None,
        }
    }

    /// The journal as a dry run sees it: read, never created, locked or written.
    pub fn peek(path: &Path, fresh: bool) -> Self {
        let done = match std::fs::File::open(path) {
            Ok(file) if !fresh => read_entries(&file),
            _ => HashMap::new(),
        };
        Self {
            path: Some(path.to_path_buf()),
            done,
            file: None,
        }
    }

    /// Opens (creating) the journal and locks it for this run; `fresh` forgets what it
    /// holds. Another run holding it is refused at once; other failures are operational
    /// (exit 3) with their cause.
    pub fn open(path: &Path, fresh: bool) -> Result<Self> {
        let what = || format!("cannot use the journal {}", path.display());
        let io = |e: std::io::Error| CliError::remote(what()).with_cause(e.to_string());
        if let Some(dir) = path.parent() {
            crate::fsutil::create_private_dir(dir).map_err(io)?;
        }
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(CliError::remote(format!(
                    "another `ecrctl migrate` is using the journal {}; nothing was copied",
                    path.display()
                ))
                .with_hint(
                    "wait for it to finish, or give each concurrent run (each shard) its own \
                     --journal (the default journal is per plan and per shard)",
                ));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
        }
        let done = if fresh {
            file.set_len(0).map_err(io)?;
            HashMap::new()
        } else {
            file.seek(SeekFrom::Start(0)).map_err(io)?;
            let done = read_entries(&file);
            terminate_torn_line(&mut file).map_err(io)?;
            done
        };
        Ok(Self {
            path: Some(path.to_path_buf()),
            done,
            file: Some(Mutex::new(file)),
        })
    }

    /// The source digest recorded for a finished item.
    pub fn finished(&self, key: &str) -> Option<&str> {
        self.done.get(key).map(String::as_str)
    }

    /// Records a finished item (appended and flushed); a no-op without a journal file.
    pub fn record(&self, key: &str, digest: &str, status: &str) -> Result<()> {
        let Some(file) = &self.file else {
            return Ok(());
        };
        let line = serde_json::to_string(&Entry {
            key: key.into(),
            digest: digest.into(),
            status: status.into(),
        })
        .expect("serializes");
        let mut file = file.lock().expect("journal lock");
        writeln!(file, "{line}")
            .and_then(|()| file.sync_data())
            .map_err(|e| {
                let path = self.path.as_deref().unwrap_or(Path::new("-"));
                CliError::remote(format!("cannot write the journal {}", path.display()))
                    .with_cause(e.to_string())
            })
    }
}

/// The detail of an item skipped because an earlier run finished it.
pub const EARLIER: &str = "done in an earlier run";
/// The detail of an item copied again because its source moved on.
pub const SOURCE_CHANGED: &str = "source changed since an earlier run";

/// A failure of an item whose source moved on since the journal recorded it.
pub fn source_changed(e: CliError, was: &str) -> CliError {
    let was = if was.is_empty() { "unknown" } else { was };
    CliError::remote(format!(
        "source changed since an earlier run (was {was}): {}",
        e.message()
    ))
}

/// What the journal says about an item, given what its source points at now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resume {
    /// Not in the journal: copy it.
    New,
    /// Finished earlier and the source still points at the same digest: skip it.
    Done(String),
    /// Finished earlier, but the source now points elsewhere: copy it again.
    Changed { was: String },
}

/// The rule for a journaled item: only the same source digest counts as done (an entry
/// without a digest never does).
pub fn resume(journaled: Option<&str>, source_now: &str) -> Resume {
    match journaled {
        None => Resume::New,
        Some(was) if !was.is_empty() && was == source_now => Resume::Done(was.to_string()),
        Some(was) => Resume::Changed {
            was: was.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_finished_items_and_survives_a_torn_line() {
        let path =
            std::env::temp_dir().join(format!("ecrctl-journal-{}.jsonl", std::process::id()));
        let _ = std::fs::remove_file(&path);
        {
            let j = Journal::open(&path, false).unwrap();
            j.record("a b", "sha256:1", "copied").unwrap();
        }
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(b"{\"key\":\"c d\",\"dig")
            .unwrap();
        {
            let j = Journal::open(&path, false).unwrap();
            assert_eq!(j.finished("a b"), Some("sha256:1"));
            assert_eq!(j.finished("c d"), None);
            // The torn line is ended: this run's first record is readable on its own.
            j.record("e f", "sha256:3", "copied").unwrap();
            assert_eq!(
                Journal::peek(&path, false).finished("e f"),
                Some("sha256:3")
            );
            // One writer: a second open while this one holds it is refused at once.
            let second = Journal::open(&path, false).err().unwrap();
            assert!(second.message().contains("another `ecrctl migrate`"));
            // A dry run only reads it.
            assert_eq!(
                Journal::peek(&path, false).finished("a b"),
                Some("sha256:1")
            );
            assert_eq!(Journal::peek(&path, true).finished("a b"), None);
        }
        // --fresh forgets everything.
        let j = Journal::open(&path, true).unwrap();
        assert_eq!(j.finished("a b"), None);
        drop(j);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "");
        std::fs::remove_file(&path).unwrap();
        assert_ne!(
            default_path(Path::new("/j"), &["x".into()]),
            default_path(Path::new("/j"), &["y".into()])
        );
        Journal::none().record("a b", "sha256:1", "copied").unwrap();
    }

    #[test]
    fn only_the_same_source_digest_counts_as_done() {
        assert_eq!(resume(None, "sha256:1"), Resume::New);
        assert_eq!(
            resume(Some("sha256:1"), "sha256:1"),
            Resume::Done("sha256:1".into())
        );
        assert_eq!(
            resume(Some("sha256:1"), "sha256:2"),
            Resume::Changed {
                was: "sha256:1".into()
            }
        );
        assert_eq!(resume(Some(""), ""), Resume::Changed { was: String::new() });
    }
}
