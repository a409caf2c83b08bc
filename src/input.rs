//! Reading the files a user names (policies, image lists, findings, plans…): bounded in
//! size, UTF-8 checked, a leading byte-order mark dropped. Every failure is an input
//! error (exit 2) naming the file; nothing is read past the limit, so `/dev/zero`, a FIFO
//! or a huge file cannot exhaust memory.

use std::io::Read;
use std::path::Path;

use crate::error::{CliError, Result};

const KIB: u64 = 1024;
const MIB: u64 = 1024 * KIB;

/// How much of one kind of input ecrctl reads, and what that kind is called in messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub bytes: u64,
    pub what: &'static str,
}

/// A lifecycle or repository policy: ECR accepts at most 30,720 characters (up to 4
/// bytes each).
pub const POLICY: Limit = Limit {
    bytes: 128 * KIB,
    what: "a policy",
};
/// describe-images output, scan findings, migrate plans: long lists.
pub const LIST: Limit = Limit {
    bytes: 64 * MIB,
    what: "an image list, findings file or plan",
};
/// Hand-written settings: ignore files, repository files, layer sizes, digest lists.
pub const SETTINGS: Limit = Limit {
    bytes: 16 * MIB,
    what: "a settings or list file",
};

/// `N KiB` / `N MiB` for a limit.
pub fn describe_bytes(bytes: u64) -> String {
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= KIB && bytes.is_multiple_of(KIB) {
        format!("{} KiB", bytes / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// Reads the file at `path` as text, refusing more than `limit.bytes`.
pub fn read_file(path: &Path, limit: Limit) -> Result<String> {
    let name = path.display().to_string();
    let cannot = |e: std::io::Error| {
        CliError::usage(format!("cannot read {name}")).with_cause(e.to_string())
    };
    let file = std::fs::File::open(path).map_err(cannot)?;
    let meta = file.metadata().map_err(cannot)?;
    if meta.is_dir() {
        return Err(
            CliError::usage(format!("cannot read {name}: it is a folder")).with_hint("name a file"),
        );
    }
    // A regular file's size is known: refuse it without reading anything.
    if meta.is_file() && meta.len() > limit.bytes {
        return Err(too_large(&name, limit));
    }
    // Sized once: growing a buffer by doubling copies and zeroes tens of megabytes.
    let size_hint = if meta.is_file() { meta.len() } else { 0 };
    read_bounded_with(file, &name, limit, size_hint)
}

/// Reads standard input as text, with the same limit as a file of that kind.
pub fn read_stdin(limit: Limit) -> Result<String> {
    read_bounded(std::io::stdin().lock(), "standard input", limit)
}

/// Reads at most `limit.bytes + 1` bytes from `reader`: one byte more means too large.
pub fn read_bounded(reader: impl Read, name: &str, limit: Limit) -> Result<String> {
    read_bounded_with(reader, name, limit, 0)
}

fn read_bounded_with(
    reader: impl Read,
    name: &str,
    limit: Limit,
    size_hint: u64,
) -> Result<String> {
    let capacity = usize::try_from(size_hint.min(limit.bytes) + 1).unwrap_or(0);
    let mut bytes = Vec::with_capacity(capacity);
    reader
        .take(limit.bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| CliError::usage(format!("cannot read {name}")).with_cause(e.to_string()))?;
    if bytes.len() as u64 > limit.bytes {
        return Err(too_large(name, limit));
    }
    decode(bytes, name)
}

fn too_large(name: &str, limit: Limit) -> CliError {
    CliError::usage(format!(
        "{name} is larger than {}, the most ecrctl reads for {}",
        describe_bytes(limit.bytes),
        limit.what
    ))
    .with_hint(
        "check that this is the file you meant (limits: docs/conventions.md, \"Input files\")",
    )
}

/// UTF-8 text without a leading byte-order mark (Windows editors write one).
pub fn decode(bytes: Vec<u8>, name: &str) -> Result<String> {
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        CliError::usage(format!("{name} is not UTF-8 text"))
            .with_cause(format!("invalid byte at offset {at}"))
            .with_hint("save the file as UTF-8")
    })?;
    let mut text = text;
    if text.starts_with('\u{feff}') {
        // In place: no second copy of a large file.
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(text)
}

/// Why JSON text did not deserialize into its typed form: where, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonProblem {
    /// `$.rules[2].selection.countNumber`; `$` for the whole document.
    pub path: String,
    /// serde's words, with the line and column.
    pub message: String,
    /// Not JSON at all (a syntax error, truncated text, trailing characters).
    pub syntax: bool,
}

impl std::fmt::Display for JsonProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.syntax {
            write!(f, "not valid JSON: {}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Deserializes a whole JSON document into `T`, naming the JSON path of a problem.
/// Well-formed input (the usual case) is read at full speed; only a document with a
/// problem is read again, tracking paths, to name where the problem is.
pub fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, JsonProblem> {
    match serde_json::from_str(text) {
        Ok(value) => Ok(value),
        Err(_) => from_json_tracked(text),
    }
}

fn from_json_tracked<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, JsonProblem> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut de).map_err(json_problem)?;
    de.end().map_err(|e| JsonProblem {
        path: "$".into(),
        message: e.to_string(),
        syntax: true,
    })?;
    Ok(value)
}

/// Deserializes an already-parsed JSON value into `T`, naming the path of a problem.
pub fn from_value<T: serde::de::DeserializeOwned>(
    value: &serde_json::Value,
) -> Result<T, JsonProblem> {
    serde_path_to_error::deserialize(value).map_err(json_problem)
}

fn json_problem(e: serde_path_to_error::Error<serde_json::Error>) -> JsonProblem {
    let path = json_path(&e.path().to_string());
    let inner = e.into_inner();
    JsonProblem {
        path,
        syntax: inner.is_syntax() || inner.is_eof(),
        message: inner.to_string(),
    }
}

/// serde's `rules[2].selection` → `$.rules[2].selection`; the root (`.`) → `$`.
pub fn json_path(serde_path: &str) -> String {
    match serde_path {
        "" | "." => "$".into(),
        p if p.starts_with('[') => format!("${p}"),
        p => format!("$.{p}"),
    }
}

/// A float as a person wrote it: `1.5`, `1e300` (not 301 digits).
pub fn show_f64(x: f64) -> String {
    if x.is_finite() && x.abs() < 1e16 {
        x.to_string()
    } else {
        format!("{x:e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TINY: Limit = Limit {
        bytes: 8,
        what: "a test file",
    };

    fn code(e: &CliError) -> i32 {
        e.exit_code().code()
    }

    #[test]
    fn drops_a_byte_order_mark_and_keeps_the_rest() {
        let text = read_bounded(&b"\xEF\xBB\xBF{}"[..], "x", TINY).unwrap();
        assert_eq!(text, "{}");
        // Only one, and only at the start.
        let text = read_bounded(&b"a\xEF\xBB\xBF"[..], "x", TINY).unwrap();
        assert_eq!(text, "a\u{feff}");
    }

    #[test]
    fn refuses_more_than_the_limit_without_reading_everything() {
        assert_eq!(read_bounded(&[b'a'; 8][..], "x", TINY).unwrap().len(), 8);
        // An endless reader: only limit + 1 bytes are taken.
        let e = read_bounded(std::io::repeat(0), "/dev/zero", TINY).unwrap_err();
        assert_eq!(code(&e), 2);
        assert!(e.to_string().contains("larger than 8 bytes"), "{e}");
    }

    #[test]
    fn invalid_utf8_is_an_input_error() {
        let e = read_bounded(&b"ab\xFFcd"[..], "f.json", TINY).unwrap_err();
        assert_eq!(code(&e), 2);
        assert!(e.to_string().contains("f.json is not UTF-8"), "{e}");
    }

    #[test]
    fn files_past_the_limit_and_folders_are_refused() {
        let dir = std::env::temp_dir().join(format!("ecrctl-input-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let big = dir.join("big");
        std::fs::write(&big, [b' '; 9]).unwrap();
        assert_eq!(code(&read_file(&big, TINY).unwrap_err()), 2);
        assert_eq!(code(&read_file(&dir, TINY).unwrap_err()), 2);
        assert_eq!(code(&read_file(&dir.join("missing"), TINY).unwrap_err()), 2);
        std::fs::remove_dir_all(dir).unwrap();
        assert!(read_file(Path::new("/dev/zero"), TINY).is_err());
    }

    #[test]
    fn json_problems_name_the_path() {
        #[derive(Debug, serde::Deserialize)]
        struct Doc {
            #[allow(dead_code)]
            items: Vec<u8>,
        }
        let e = from_json::<Doc>(r#"{"items":[1,300]}"#).unwrap_err();
        assert_eq!(e.path, "$.items[1]");
        assert!(!e.syntax);
        assert!(
            e.to_string()
                .starts_with("$.items[1]: invalid value: integer `300`"),
            "{e}"
        );
        let e = from_json::<Doc>(r#"{"items":[1"#).unwrap_err();
        assert!(
            e.syntax && e.to_string().starts_with("not valid JSON: EOF"),
            "{e}"
        );
        let e = from_json::<Doc>(r#"{"items":[]} []"#).unwrap_err();
        assert!(e.syntax, "{e}");
        let e = from_json::<Vec<u8>>("[1, \"a\"]").unwrap_err();
        assert_eq!(e.path, "$[1]");
        assert_eq!(show_f64(1e300), "1e300");
        assert_eq!(show_f64(1.5), "1.5");
    }

    #[test]
    fn describes_limits() {
        assert_eq!(describe_bytes(64 * MIB), "64 MiB");
        assert_eq!(describe_bytes(128 * KIB), "128 KiB");
        assert_eq!(describe_bytes(10), "10 bytes");
    }
}
