//! The journal: one JSON line per finished item, appended and flushed as each finishes,
//! so a run killed at any point (Ctrl-C, `kill -9`) resumes where it stopped.

use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use anyhow::Context;

use crate::error::Result;

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    key: String,
    digest: String,
    status: String,
}

pub struct Journal {
    pub path: PathBuf,
    done: HashMap<String, String>,
    file: Mutex<std::fs::File>,
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

impl Journal {
    /// Opens (creating) the journal; a failure is operational (exit 3) with its cause.
    pub fn open(path: &Path) -> anyhow::Result<Self> {
        let what = || format!("cannot use the journal {}", path.display());
        if let Some(dir) = path.parent() {
            crate::fsutil::create_private_dir(dir).with_context(what)?;
        }
        let mut done = HashMap::new();
        if let Ok(file) = std::fs::File::open(path) {
            // A torn last line (killed mid-write) is skipped: that item is simply redone.
            for line in std::io::BufReader::new(file).lines().map_while(|l| l.ok()) {
                if let Ok(entry) = serde_json::from_str::<Entry>(&line) {
                    done.insert(entry.key, entry.digest);
                }
            }
        }
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .with_context(what)?;
        Ok(Self {
            path: path.to_path_buf(),
            done,
            file: Mutex::new(file),
        })
    }

    /// The digest recorded for a finished item.
    pub fn finished(&self, key: &str) -> Option<&str> {
        self.done.get(key).map(String::as_str)
    }

    pub fn record(&self, key: &str, digest: &str, status: &str) -> anyhow::Result<()> {
        let line = serde_json::to_string(&Entry {
            key: key.into(),
            digest: digest.into(),
            status: status.into(),
        })
        .expect("serializes");
        let mut file = self.file.lock().expect("journal lock");
        writeln!(file, "{line}")
            .and_then(|()| file.sync_data())
            .with_context(|| format!("cannot write the journal {}", self.path.display()))
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
            let j = Journal::open(&path).unwrap();
            j.record("a b", "sha256:1", "copied").unwrap();
        }
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(b"{\"key\":\"c d\",\"dig")
            .unwrap();
        let j = Journal::open(&path).unwrap();
        assert_eq!(j.finished("a b"), Some("sha256:1"));
        assert_eq!(j.finished("c d"), None);
        std::fs::remove_file(&path).unwrap();
        assert_ne!(
            default_path(Path::new("/j"), &["x".into()]),
            default_path(Path::new("/j"), &["y".into()])
        );
    }
}
