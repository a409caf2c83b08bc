//! The local ECR stand-in every end-to-end test runs against, started once per test
//! process: moto (control plane), a CNCF distribution registry with TLS and htpasswd basic
//! auth using moto's token password (data plane), and a plain-HTTP registry without auth
//! (a migration source). Free ports, one temp folder; children die with the test process
//! (PR_SET_PDEATHSIG) and the folder is removed at exit or by the next run.
//!
//! Missing tools are a failure with the command that installs them, never a skip.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock, mpsc};
use std::time::{Duration, Instant};

/// moto's fixed GetAuthorizationToken password, used as the registry's basic-auth password.
pub const MOTO_PASSWORD: &str = "123456789012-auth-token";
pub const ACCOUNT: &str = "123456789012";
pub const REGION: &str = "us-east-1";

pub struct StandIns {
    pub root: PathBuf,
    pub moto_url: String,
    /// `127.0.0.1:PORT` of the TLS + basic-auth registry (ECR's data plane).
    pub registry: String,
    /// `127.0.0.1:PORT` of the plain-HTTP registry without auth.
    pub plain_registry: String,
    /// `127.0.0.1:PORT` of a TLS registry whose password was "rotated": moto's token
    /// does not open it.
    pub rotated_registry: String,
    /// Folder holding only `ca.crt`, for skopeo's --cert-dir (it reads any `*.key` there
    /// as a client key).
    pub cert_dir: PathBuf,
    pub ca_cert: PathBuf,
}

static STAND_INS: OnceLock<StandIns> = OnceLock::new();
static CHILDREN: Mutex<Vec<Child>> = Mutex::new(Vec::new());

/// The shared stand-ins, started on first use.
pub fn stand_ins() -> &'static StandIns {
    STAND_INS.get_or_init(|| {
        // Children get PDEATHSIG, which fires when the *thread* that forked them ends, so
        // they are started from a thread that lives as long as the process.
        let (tx, rx) = mpsc::channel();
        std::thread::Builder::new()
            .name("stand-ins".into())
            .spawn(move || {
                let result = std::panic::catch_unwind(start);
                let _ = tx.send(result);
                loop {
                    std::thread::park();
                }
            })
            .expect("spawn the stand-in thread");
        match rx.recv().expect("stand-in thread answers") {
            Ok(stand_ins) => stand_ins,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

extern "C" fn cleanup_at_exit() {
    if let Ok(mut children) = CHILDREN.lock() {
        for child in children.iter_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
    if let Some(s) = STAND_INS.get() {
        let _ = std::fs::remove_dir_all(&s.root);
    }
}

fn start() -> StandIns {
    sweep_stale_roots();
    let root = std::env::temp_dir().join(format!("ecrctl-e2e-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    unsafe {
        libc::atexit(cleanup_at_exit);
    }
    let moto = tool("moto_server");
    let registry_bin = tool("docker-registry");
    let tls_dir = root.join("tls");
    make_certificates(&tls_dir);
    let cert_dir = root.join("ca");
    std::fs::create_dir_all(&cert_dir).unwrap();
    std::fs::copy(tls_dir.join("ca.crt"), cert_dir.join("ca.crt")).unwrap();
    let htpasswd = root.join("htpasswd");
    write_htpasswd(&htpasswd, MOTO_PASSWORD);
    let rotated_htpasswd = root.join("htpasswd-rotated");
    write_htpasswd(&rotated_htpasswd, "a-password-moto-never-issues");

    let registry = format!("127.0.0.1:{}", free_port());
    let tls = |htpasswd: &Path| {
        format!(
            "  tls: {{ certificate: {0}/cert.pem, key: {0}/key.pem }}\nauth:\n  htpasswd: {{ realm: ecr, path: {1} }}\n",
            tls_dir.display(),
            htpasswd.display()
        )
    };
    start_registry(
        &registry_bin,
        &root.join("registry"),
        &registry,
        &tls(&htpasswd),
    );
    let rotated_registry = format!("127.0.0.1:{}", free_port());
    start_registry(
        &registry_bin,
        &root.join("rotated-registry"),
        &rotated_registry,
        &tls(&rotated_htpasswd),
    );
    let plain_registry = format!("127.0.0.1:{}", free_port());
    start_registry(
        &registry_bin,
        &root.join("plain-registry"),
        &plain_registry,
        "",
    );

    let moto_port = free_port();
    spawn(
        Command::new(&moto)
            .args(["-H", "127.0.0.1", "-p", &moto_port.to_string()])
            // AWS managed policies (AmazonEC2ContainerRegistryReadOnly, PullOnly…), as IAM has them.
            .env("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
            .stdout(log_file(&root, "moto.log"))
            .stderr(log_file(&root, "moto.log")),
    );
    let moto_url = format!("http://127.0.0.1:{moto_port}");
    wait_for_port(
        &format!("127.0.0.1:{moto_port}"),
        "moto_server",
        &root.join("moto.log"),
    );
    StandIns {
        ca_cert: cert_dir.join("ca.crt"),
        cert_dir,
        root,
        moto_url,
        registry,
        plain_registry,
        rotated_registry,
    }
}

/// Removes folders left by test processes that were killed before their atexit ran.
fn sweep_stale_roots() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if let Some(pid) = name
            .strip_prefix("ecrctl-e2e-")
            .and_then(|p| p.parse::<u32>().ok())
            && !Path::new(&format!("/proc/{pid}")).exists()
        {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Finds a stand-in program, or fails with how to install it.
pub fn tool(name: &str) -> PathBuf {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(".venv-moto/bin")
        .join(name);
    if venv.exists() {
        return venv;
    }
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    });
    found.unwrap_or_else(|| {
        panic!(
            "`{name}` is not installed. Run scripts/test, which installs the test stand-ins \
             (Debian: docker-registry skopeo apache2-utils openssl; moto[server] in .venv-moto)"
        )
    })
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn log_file(root: &Path, name: &str) -> Stdio {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(root.join(name))
        .unwrap()
        .into()
}

/// Starts a child that is killed when this process ends.
fn spawn(command: &mut Command) {
    unsafe {
        command.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
    let child = command
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {command:?}: {e}"));
    CHILDREN.lock().unwrap().push(child);
}

fn wait_for_port(addr: &str, what: &str, log: &Path) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if TcpStream::connect(addr).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let log = std::fs::read_to_string(log).unwrap_or_default();
    panic!("{what} did not start listening on {addr} within 60 s; its log:\n{log}");
}

fn run_ok(command: &mut Command) {
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
    assert!(
        out.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A small CA and a leaf for 127.0.0.1/localhost signed by it (Go clients refuse a
/// self-signed leaf).
fn make_certificates(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let openssl = tool("openssl");
    let at = |name: &str| dir.join(name).display().to_string();
    run_ok(Command::new(&openssl).args([
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        &at("ca.key"),
        "-out",
        &at("ca.crt"),
        "-days",
        "2",
        "-subj",
        "/CN=ecrctl-test-ca",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    ]));
    run_ok(Command::new(&openssl).args([
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        &at("key.pem"),
        "-out",
        &at("srv.csr"),
        "-subj",
        "/CN=localhost",
    ]));
    std::fs::write(
        dir.join("ext.cnf"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    run_ok(Command::new(&openssl).args([
        "x509",
        "-req",
        "-in",
        &at("srv.csr"),
        "-CA",
        &at("ca.crt"),
        "-CAkey",
        &at("ca.key"),
        "-CAcreateserial",
        "-out",
        &at("cert.pem"),
        "-days",
        "2",
        "-extfile",
        &at("ext.cnf"),
    ]));
}

/// htpasswd for user AWS with `password`, given on stdin (never in argv).
fn write_htpasswd(path: &Path, password: &str) {
    let mut child = Command::new(tool("htpasswd"))
        .args(["-niB", "AWS"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run htpasswd");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(password.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "htpasswd failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::write(path, out.stdout).unwrap();
}

fn start_registry(bin: &Path, dir: &Path, addr: &str, extra: &str) {
    std::fs::create_dir_all(dir.join("data")).unwrap();
    let config = dir.join("config.yml");
    std::fs::write(
        &config,
        format!(
            "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem: {{ rootdirectory: {} }}\n  delete: {{ enabled: true }}\nhttp:\n  addr: {addr}\n{extra}",
            dir.join("data").display()
        ),
    )
    .unwrap();
    spawn(
        Command::new(bin)
            .arg("serve")
            .arg(&config)
            .stdout(log_file(dir, "registry.log"))
            .stderr(log_file(dir, "registry.log")),
    );
    wait_for_port(addr, "docker-registry", &dir.join("registry.log"));
}
