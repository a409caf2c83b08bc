//! Local files: where they live (the home and XDG folders), writing them so they are never
//! seen half-written or by other users, serializing edits with a lock, and checking output
//! paths before any work starts. docs/conventions.md ("Local files") describes the rules.

use std::ffi::OsString;
use std::fs::File;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::error::{CliError, Result};

/// The user's home: `$HOME` when set and not empty, else the home the system user
/// database gives the effective user (as the AWS CLI and docker do). Never a shared
/// temp folder: with no home at all, this is an error (exit 3).
pub fn home_dir() -> Result<PathBuf> {
    resolve_home(std::env::var_os("HOME"), passwd_home)
}

fn resolve_home(
    env_home: Option<OsString>,
    passwd: impl FnOnce() -> Option<PathBuf>,
) -> Result<PathBuf> {
    if let Some(home) = env_home.filter(|h| !h.is_empty()) {
        return Ok(PathBuf::from(home));
    }
    passwd().ok_or_else(|| {
        CliError::remote("cannot find your home folder")
            .with_cause("HOME is not set and the system user database has no home for this user")
            .with_hint(
                "set HOME (or the folder's own variable, e.g. XDG_CACHE_HOME or DOCKER_CONFIG)",
            )
    })
}

/// The effective user id (who must own private folders such as the token cache).
#[allow(unsafe_code)]
pub fn effective_uid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// The home directory of the effective user in the system user database (`getpwuid_r`).
/// The one place ecrctl calls into libc, so unsafe code is allowed here alone.
#[allow(unsafe_code)]
fn passwd_home() -> Option<PathBuf> {
    use std::os::unix::ffi::OsStrExt;
    // SAFETY: plain libc calls; `pwd` and `buf` outlive the call, and `pw_dir` points into
    // `buf`, which is read before it is dropped or resized.
    let uid = unsafe { libc::geteuid() };
    let mut buf = vec![0u8; 1024];
    loop {
        let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
        let mut found: *mut libc::passwd = std::ptr::null_mut();
        let rc = unsafe {
            libc::getpwuid_r(
                uid,
                &mut pwd,
                buf.as_mut_ptr().cast(),
                buf.len(),
                &mut found,
            )
        };
        if rc == libc::ERANGE && buf.len() < (1 << 20) {
            buf.resize(buf.len() * 2, 0);
            continue;
        }
        if rc != 0 || found.is_null() || pwd.pw_dir.is_null() {
            return None;
        }
        let dir = unsafe { std::ffi::CStr::from_ptr(pwd.pw_dir) }.to_bytes();
        return (!dir.is_empty()).then(|| PathBuf::from(std::ffi::OsStr::from_bytes(dir)));
    }
}

/// An XDG base folder: `$VAR` when set to an absolute path (the XDG spec ignores relative
/// ones), else `<home>/<fallback>`.
pub fn xdg_dir(var: &str, fallback: &str) -> Result<PathBuf> {
    match std::env::var_os(var).map(PathBuf::from) {
        Some(dir) if dir.is_absolute() => Ok(dir),
        _ => Ok(home_dir()?.join(fallback)),
    }
}

/// Creates `dir` and any missing parents with mode 0700 (existing folders are left alone).
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

/// Writes `bytes` to `path` atomically: readers see the old content or the new, never a
/// mix, even if ecrctl is killed.
///
/// - The data goes to an exclusive temp file with an unpredictable name in the target's
///   folder (`O_CREAT|O_EXCL`, so a symlink planted there is never followed), whose mode
///   is set before any byte is written; it is fsynced, renamed over the target, and the
///   folder is fsynced so the rename survives a crash.
/// - `mode` (0600 for secrets) is for a new file; an existing file keeps its mode, as
///   docker does (a user who chose 0640 for a dotfile keeps it).
/// - A target that is a symlink (dotfiles: `config.json -> ~/dotfiles/docker.json`) is
///   written through: the link stays, the file it points at gets the new content.
/// - Missing parent folders are created 0700.
pub fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    let fail = |what: &str, e: std::io::Error| {
        CliError::remote(format!("could not {what} {}", path.display())).with_cause(e.to_string())
    };
    if is_special_file(path) {
        return write_in_place(path, bytes).map_err(|e| fail("write", e));
    }
    let target = resolve_symlinks(path).map_err(|e| fail("follow the link", e))?;
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    create_private_dir(&dir).map_err(|e| fail("create the folder for", e))?;
    let mode = match std::fs::metadata(&target) {
        Ok(meta) => meta.permissions().mode() & 0o7777,
        Err(_) => mode,
    };
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .permissions(std::fs::Permissions::from_mode(mode))
        .tempfile_in(&dir)
        .map_err(|e| fail("write", e))?;
    // The mode given at creation is filtered by the umask; make it exact before writing.
    let written = temp
        .as_file()
        .set_permissions(std::fs::Permissions::from_mode(mode))
        .and_then(|()| temp.write_all(bytes))
        .and_then(|()| temp.as_file().sync_all());
    written.map_err(|e| fail("write", e))?;
    // On failure the temp file is removed when `temp` drops.
    temp.persist(&target).map_err(|e| fail("write", e.error))?;
    sync_dir(&dir).map_err(|e| fail("write", e))
}

/// Refuses (exit 2) an output file that is also an input or another output of the same
/// command: writing it would destroy the input (`--report` naming the plan) or one report
/// would silently replace the other (`--sarif x --junit x`). Files are compared by device
/// and inode when they exist, else by their resolved path; devices and pipes
/// (`/dev/stdout`) are exempt.
pub fn check_distinct_files(outputs: &[(&str, &Path)], inputs: &[(&str, &Path)]) -> Result<()> {
    let identity = |path: &Path| -> Option<FileIdentity> {
        if is_special_file(path) {
            return None;
        }
        match std::fs::metadata(path) {
            Ok(meta) => Some(FileIdentity::Inode(meta.dev(), meta.ino())),
            Err(_) => Some(FileIdentity::Path(absolute_in_real_folder(path))),
        }
    };
    let mut seen: Vec<(&str, &Path, FileIdentity)> = inputs
        .iter()
        .filter(|(_, p)| p.as_os_str() != "-")
        .filter_map(|(flag, path)| Some((*flag, *path, identity(path)?)))
        .collect();
    for (flag, path) in outputs {
        let Some(id) = identity(path) else { continue };
        if let Some((other, other_path, _)) = seen.iter().find(|(_, _, seen)| *seen == id) {
            return Err(CliError::usage(format!(
                "{flag} {} is the same file as {other} {}",
                path.display(),
                other_path.display()
            ))
            .with_hint(format!(
                "give {flag} a file of its own; nothing was changed"
            )));
        }
        seen.push((flag, path, id));
    }
    Ok(())
}

/// `path` made absolute with its folder resolved (`./a`, `a` and `x/../a` agree), for a
/// file that does not exist yet.
fn absolute_in_real_folder(path: &Path) -> PathBuf {
    let absolute = std::env::current_dir()
        .map(|cwd| cwd.join(path))
        .unwrap_or_else(|_| path.to_path_buf());
    match (
        absolute.parent().and_then(|p| p.canonicalize().ok()),
        absolute.file_name(),
    ) {
        (Some(folder), Some(name)) => folder.join(name),
        _ => absolute,
    }
}

#[derive(Debug, PartialEq, Eq)]
enum FileIdentity {
    Inode(u64, u64),
    Path(PathBuf),
}

/// A device, FIFO or socket (`/dev/null`, a named pipe), or one of this process's own
/// standard streams: written in place, since renaming a file over it would replace the
/// device node itself (or, for `/dev/stdout` redirected to a file, the file stdout holds).
fn is_special_file(path: &Path) -> bool {
    standard_stream(path).is_some()
        || std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// `/dev/stdout`, `/dev/stderr` and their `/dev/fd/N`, `/proc/self/fd/N` spellings.
fn standard_stream(path: &Path) -> Option<u8> {
    match path.to_str()? {
        "/dev/stdout" | "/dev/fd/1" | "/proc/self/fd/1" => Some(1),
        "/dev/stderr" | "/dev/fd/2" | "/proc/self/fd/2" => Some(2),
        _ => None,
    }
}

fn write_in_place(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    // Through the process's own handle, so what the printer writes to the same stream
    // lands after it instead of over it (a new open of /dev/stdout starts at offset 0).
    match standard_stream(path) {
        Some(1) => {
            let mut out = std::io::stdout().lock();
            out.write_all(bytes)?;
            out.flush()
        }
        Some(_) => {
            let mut err = std::io::stderr().lock();
            err.write_all(bytes)?;
            err.flush()
        }
        None => {
            let mut file = std::fs::OpenOptions::new().write(true).open(path)?;
            file.write_all(bytes)?;
            file.flush()
        }
    }
}

/// Creates `path` with `bytes` only if nothing exists there (never through a symlink),
/// with exactly `mode`, fsynced. Used for backups, which must never replace anything.
pub fn create_new(path: &Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    let result = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(path)?;
        file.set_permissions(std::fs::Permissions::from_mode(mode))?;
        file.write_all(bytes)?;
        file.sync_all()
    })();
    if let Err(e) = result {
        if e.kind() != std::io::ErrorKind::AlreadyExists {
            let _ = std::fs::remove_file(path);
        }
        return Err(e);
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        sync_dir(dir)?;
    }
    Ok(())
}

/// Makes a rename in `dir` durable. A folder we may write in but not read (mode 0300)
/// cannot be opened to fsync: the rename has happened, so that is not a failure.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    match File::open(dir) {
        Ok(folder) => folder.sync_all(),
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => Ok(()),
        Err(e) => Err(e),
    }
}

/// The file a path finally names, following symlinks (relative ones from the link's
/// folder) even when the last one dangles; the path itself when it is not a link.
fn resolve_symlinks(path: &Path) -> std::io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let next = std::fs::read_link(&current)?;
                current = match current.parent() {
                    Some(parent) if next.is_relative() => parent.join(next),
                    _ => next,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(std::io::Error::other("too many levels of symbolic links"))
}

/// An exclusive advisory lock, released when dropped (or when the process dies).
#[derive(Debug)]
pub struct FileLock {
    _file: File,
}

/// How long a command waits for another ecrctl to finish editing the same file.
const LOCK_WAIT: Duration = Duration::from_secs(60);

/// Locks `target` for a read-modify-write: an exclusive `flock` on the sibling file
/// `.<name>.lock` (created 0600, left in place), held until the guard drops. Waits up to
/// a minute for another ecrctl holding it (saying so after two seconds), then fails.
pub fn lock_for(target: &Path) -> Result<FileLock> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let lock_path = dir.join(format!(".{name}.lock"));
    lock_file(&lock_path, LOCK_WAIT)
}

fn lock_file(lock_path: &Path, wait: Duration) -> Result<FileLock> {
    let fail = |e: std::io::Error| {
        CliError::remote(format!("could not lock {}", lock_path.display()))
            .with_cause(e.to_string())
    };
    if let Some(dir) = lock_path.parent() {
        create_private_dir(dir).map_err(fail)?;
    }
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(lock_path)
        .map_err(fail)?;
    let start = Instant::now();
    let mut said = false;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(FileLock { _file: file }),
            Err(std::fs::TryLockError::Error(e)) => return Err(fail(e)),
            Err(std::fs::TryLockError::WouldBlock) => {}
        }
        if start.elapsed() >= wait {
            return Err(CliError::remote(format!(
                "another program has held {} for {}s",
                lock_path.display(),
                wait.as_secs()
            ))
            .with_hint("wait for the other ecrctl to finish, or stop it, then run this again"));
        }
        if !said && start.elapsed() >= Duration::from_secs(2) {
            tracing::warn!(
                "waiting for another ecrctl to release {}",
                lock_path.display()
            );
            said = true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Checks, before any work, that a file ecrctl was asked to write (`flag`, e.g.
/// `--sarif`) can be written: not a folder, in a folder that exists (it is not created
/// silently) and that we can create files in. Failures are exit 2, nothing changed.
pub fn check_output_file(path: &Path, flag: &str) -> Result<()> {
    let bad = |what: String| CliError::usage(format!("{flag} {}: {what}", path.display()));
    if path.as_os_str().is_empty() {
        return Err(CliError::usage(format!("{flag} needs a file name")));
    }
    if path.is_dir() || path.as_os_str().as_encoded_bytes().ends_with(b"/") {
        let what = if path.is_dir() {
            "is a folder"
        } else {
            "names a folder, not a file"
        };
        return Err(bad(what.into()).with_hint(format!(
            "name a file in it, e.g. {flag} {}",
            path.join("report").display()
        )));
    }
    if is_special_file(path) {
        return Ok(());
    }
    let target = resolve_symlinks(path).map_err(|e| bad(e.to_string()))?;
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    match std::fs::metadata(&dir) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => return Err(bad(format!("{} is not a folder", dir.display()))),
        Err(_) => {
            return Err(bad(format!("the folder {} does not exist", dir.display()))
                .with_hint(format!("create it with `mkdir -p {}`", dir.display())));
        }
    }
    // The only honest test of "can create files here" (root ignores modes, read-only
    // mounts ignore them the other way): create one, then remove it.
    tempfile::Builder::new()
        .prefix(".ecrctl-check.")
        .tempfile_in(&dir)
        .map(drop)
        .map_err(|e| {
            bad(format!("cannot create files in {}", dir.display())).with_cause(e.to_string())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("ecrctl-fsutil-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn mode_of(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    fn names_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn writes_with_the_exact_mode_and_replaces_atomically() {
        let dir = scratch("mode");
        let path = dir.join("sub/secret.json");
        write_atomic(&path, b"one", 0o600).unwrap();
        write_atomic(&path, b"two", 0o600).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(mode_of(&path), 0o600);
        assert_eq!(mode_of(path.parent().unwrap()), 0o700);
        assert_eq!(
            names_in(path.parent().unwrap()),
            ["secret.json"],
            "no temp left"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn never_follows_a_symlink_planted_at_a_temp_name() {
        let dir = scratch("plant");
        let victim = dir.join("victim");
        std::fs::write(&victim, "untouched").unwrap();
        let path = dir.join("tokens.json");
        // The name the old writer used (`.NAME.PID.tmp`), and a few more guesses.
        for guess in [
            format!(".tokens.json.{}.tmp", std::process::id()),
            ".tokens.json.tmp".to_string(),
            "tokens.json.tmp".to_string(),
        ] {
            std::os::unix::fs::symlink(&victim, dir.join(guess)).unwrap();
        }
        write_atomic(&path, b"secret", 0o600).unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "untouched");
        assert_eq!(std::fs::read(&path).unwrap(), b"secret");
        assert!(!std::fs::symlink_metadata(&path).unwrap().is_symlink());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn writes_through_a_symlinked_target_keeping_its_mode() {
        let dir = scratch("link");
        std::fs::create_dir_all(dir.join("dotfiles")).unwrap();
        let real = dir.join("dotfiles/docker.json");
        std::fs::write(&real, "{}").unwrap();
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
        std::fs::create_dir_all(dir.join("docker")).unwrap();
        let link = dir.join("docker/config.json");
        std::os::unix::fs::symlink("../dotfiles/docker.json", &link).unwrap();
        write_atomic(&link, b"{\"a\":1}", 0o644).unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
        assert_eq!(std::fs::read(&real).unwrap(), b"{\"a\":1}");
        assert_eq!(mode_of(&real), 0o640);
        write_atomic(&link, b"{}", 0o600).unwrap();
        assert_eq!(mode_of(&real), 0o640, "an existing file keeps its mode");
        // A dangling link is written through too: its target is created.
        let dangling = dir.join("docker/other.json");
        std::os::unix::fs::symlink("../dotfiles/new.json", &dangling).unwrap();
        write_atomic(&dangling, b"x", 0o600).unwrap();
        assert_eq!(std::fs::read(dir.join("dotfiles/new.json")).unwrap(), b"x");
        assert!(std::fs::symlink_metadata(&dangling).unwrap().is_symlink());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn create_new_never_replaces_anything() {
        let dir = scratch("new");
        let path = dir.join("backup");
        create_new(&path, b"first", 0o600).unwrap();
        assert_eq!(mode_of(&path), 0o600);
        let err = create_new(&path, b"second", 0o600).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&path).unwrap(), b"first");
        let link = dir.join("link");
        std::os::unix::fs::symlink(dir.join("elsewhere"), &link).unwrap();
        assert!(create_new(&link, b"x", 0o600).is_err());
        assert!(!dir.join("elsewhere").exists());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn home_comes_from_env_then_the_user_database_never_temp() {
        let passwd = || Some(PathBuf::from("/home/me"));
        assert_eq!(
            resolve_home(Some("/h".into()), passwd).unwrap(),
            PathBuf::from("/h")
        );
        assert_eq!(
            resolve_home(None, passwd).unwrap(),
            PathBuf::from("/home/me")
        );
        assert_eq!(
            resolve_home(Some("".into()), passwd).unwrap(),
            PathBuf::from("/home/me")
        );
        let none = resolve_home(None, || None).unwrap_err();
        assert_eq!(none.exit_code(), crate::exit::ExitCode::Remote);
        assert!(none.message().contains("home folder"), "{}", none.message());
    }

    #[test]
    fn the_user_database_knows_this_user() {
        let home = passwd_home().expect("the test user has a passwd entry");
        assert!(home.is_absolute(), "{}", home.display());
        assert_ne!(home, std::env::temp_dir());
    }

    #[test]
    fn a_held_lock_is_waited_for_then_reported() {
        let dir = scratch("lock");
        let target = dir.join("config.json");
        let held = lock_for(&target).unwrap();
        let lock_path = dir.join(".config.json.lock");
        let err = lock_file(&lock_path, Duration::from_millis(200)).unwrap_err();
        assert_eq!(err.exit_code(), crate::exit::ExitCode::Remote);
        assert!(
            err.message().contains("another program"),
            "{}",
            err.message()
        );
        drop(held);
        lock_file(&lock_path, Duration::from_millis(200)).unwrap();
        assert_eq!(mode_of(&lock_path), 0o600);
        // A symlink planted at a lock's name is refused, not followed.
        let victim = dir.join("victim");
        std::os::unix::fs::symlink(&victim, dir.join(".tokens.lock")).unwrap();
        assert!(lock_for(&dir.join("tokens")).is_err());
        assert!(!victim.exists());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn output_files_are_checked_before_work() {
        let dir = scratch("out");
        check_output_file(&dir.join("report.json"), "--report").unwrap();
        let missing = check_output_file(&dir.join("nope/report.json"), "--report").unwrap_err();
        assert_eq!(missing.exit_code(), crate::exit::ExitCode::Usage);
        assert!(missing.hint().unwrap().contains("mkdir -p"), "{missing:?}");
        assert!(!dir.join("nope").exists(), "not created silently");
        let folder = check_output_file(&dir, "--sarif").unwrap_err();
        assert_eq!(folder.exit_code(), crate::exit::ExitCode::Usage);
        assert!(
            folder.message().contains("is a folder"),
            "{}",
            folder.message()
        );
        std::fs::write(dir.join("file"), "").unwrap();
        let under_file = check_output_file(&dir.join("file/x"), "--junit").unwrap_err();
        assert_eq!(under_file.exit_code(), crate::exit::ExitCode::Usage);
        assert_eq!(names_in(&dir), ["file"], "the check leaves nothing behind");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
