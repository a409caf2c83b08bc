//! Servers that misbehave slowly or permanently, written here so nothing else is needed:
//! one that trickles its answer a byte at a time, one that goes silent after the headers,
//! one that never answers, and one that always answers the same status. Each counts the
//! requests it saw. Only loopback traffic; the threads end with the test process.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::client::Run;

#[derive(Clone)]
pub enum Behaviour {
    /// Writes a 200 answer one byte every `every`.
    Trickle { every: Duration },
    /// Sends complete headers (a 1000-byte body announced), then nothing.
    SilentAfterHeaders,
    /// Accepts the connection and never writes a byte.
    Silent,
    /// Always 503 with `Retry-After` as an HTTP-date `ahead` of the moment of answering.
    UnavailableFor { ahead: Duration },
    /// A 200 with a chunked body far larger than any manifest (32 MiB, then the end).
    Endless,
    /// Always this status line and these extra header lines (each ending in \r\n).
    Answer {
        status: &'static str,
        headers: String,
    },
}

pub struct SlowServer {
    pub addr: String,
    requests: Arc<AtomicUsize>,
}

impl SlowServer {
    pub fn start(behaviour: Behaviour) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let requests = Arc::new(AtomicUsize::new(0));
        let counter = requests.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (behaviour, counter) = (behaviour.clone(), counter.clone());
                std::thread::spawn(move || serve(stream, &behaviour, &counter));
            }
        });
        Self { addr, requests }
    }

    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::Relaxed)
    }
}

fn serve(mut stream: TcpStream, behaviour: &Behaviour, counter: &AtomicUsize) {
    // One request per connection: read its head, then misbehave.
    loop {
        if !read_head(&mut stream) {
            return;
        }
        counter.fetch_add(1, Ordering::Relaxed);
        match behaviour {
            Behaviour::Trickle { every } => {
                let answer = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}";
                for byte in answer {
                    if stream.write_all(&[*byte]).is_err() {
                        return;
                    }
                    std::thread::sleep(*every);
                }
            }
            Behaviour::SilentAfterHeaders => {
                let _ = stream.write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{",
                );
                std::thread::sleep(Duration::from_secs(600));
                return;
            }
            Behaviour::Silent => {
                std::thread::sleep(Duration::from_secs(600));
                return;
            }
            Behaviour::UnavailableFor { ahead } => {
                let at = httpdate::fmt_http_date(std::time::SystemTime::now() + *ahead);
                let answer = format!(
                    "HTTP/1.1 503 Service Unavailable\r\nRetry-After: {at}\r\nContent-Length: 0\r\n\r\n"
                );
                if stream.write_all(answer.as_bytes()).is_err() {
                    return;
                }
            }
            Behaviour::Endless => {
                let head = "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.oci.image.manifest.v1+json\r\nTransfer-Encoding: chunked\r\n\r\n";
                if stream.write_all(head.as_bytes()).is_err() {
                    return;
                }
                let chunk = vec![b' '; 64 * 1024];
                for _ in 0..512 {
                    let size = format!("{:x}\r\n", chunk.len());
                    let written = stream
                        .write_all(size.as_bytes())
                        .and_then(|()| stream.write_all(&chunk))
                        .and_then(|()| stream.write_all(b"\r\n"));
                    if written.is_err() {
                        return;
                    }
                }
                let _ = stream.write_all(b"0\r\n\r\n");
            }
            Behaviour::Answer { status, headers } => {
                let answer = format!(
                    "HTTP/1.1 {status}\r\n{headers}Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{{}}"
                );
                if stream.write_all(answer.as_bytes()).is_err() {
                    return;
                }
            }
        }
    }
}

/// Reads up to the blank line that ends a request head (bodies are not expected).
fn read_head(stream: &mut TcpStream) -> bool {
    let mut seen = Vec::new();
    let mut byte = [0u8; 1];
    while !seen.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => seen.push(byte[0]),
            _ => return false,
        }
    }
    true
}

/// Runs `command`, killing it if it is still running after `limit`; returns what it
/// printed and how long it took.
pub fn run_within(command: &mut Command, limit: Duration) -> (Run, Duration) {
    let began = Instant::now();
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run ecrctl");
    let (mut out, mut err) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let out = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = out.read_to_string(&mut text);
        text
    });
    let err = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = err.read_to_string(&mut text);
        text
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if began.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "still running after {limit:?}\nstdout:\n{}\nstderr:\n{}",
                out.join().unwrap(),
                err.join().unwrap()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let took = began.elapsed();
    let run = Run {
        code: status.code().unwrap_or(-1),
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    };
    (run, took)
}

/// A pass-through proxy in front of moto that answers `AccessDeniedException` to the ECR
/// API operations named (by their `X-Amz-Target` suffix, e.g. `DescribeImages`) and
/// forwards everything else: an AWS call that fails while the others work. With
/// `start_with`, a denial can be limited to one repository and answer another error code
/// (e.g. `ThrottlingException`); every operation seen is recorded (`targets`).
pub struct DenyingApi {
    pub url: String,
    seen: Arc<std::sync::Mutex<Vec<(String, String)>>>,
}

/// One denial: the operation, the repository it is limited to (any when `None`), and the
/// error code answered.
#[derive(Clone)]
pub struct Deny {
    pub operation: &'static str,
    pub repository: Option<String>,
    pub code: &'static str,
}

impl DenyingApi {
    pub fn start(upstream: &str, denied: &'static [&'static str]) -> Self {
        let rules = denied
            .iter()
            .map(|op| Deny {
                operation: op,
                repository: None,
                code: "AccessDeniedException",
            })
            .collect();
        Self::start_with(upstream, rules)
    }

    pub fn start_with(upstream: &str, rules: Vec<Deny>) -> Self {
        Self::start_answering(upstream, rules, Vec::new())
    }

    /// Also answers the operations of `answers` itself (a stand-in for what moto lacks).
    pub fn start_answering(upstream: &str, rules: Vec<Deny>, answers: Vec<Canned>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let upstream = upstream.trim_start_matches("http://").to_string();
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let recorder = seen.clone();
        let rules = Arc::new((rules, answers));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (upstream, rules, recorder) =
                    (upstream.clone(), rules.clone(), recorder.clone());
                std::thread::spawn(move || relay(stream, &upstream, &rules, &recorder));
            }
        });
        Self { url, seen }
    }

    /// The operations seen so far, with the repository each named (or "").
    pub fn targets(&self) -> Vec<(String, String)> {
        self.seen.lock().unwrap().clone()
    }
}

/// An answer the proxy gives itself: a 200 with this JSON body and `Date` header.
#[derive(Clone)]
pub struct Canned {
    pub operation: &'static str,
    pub body: String,
    pub date: String,
}

/// One request per connection (we ask for `Connection: close` both ways).
fn relay(
    mut client: TcpStream,
    upstream: &str,
    (rules, answers): &(Vec<Deny>, Vec<Canned>),
    seen: &std::sync::Mutex<Vec<(String, String)>>,
) {
    let _ = client.set_read_timeout(Some(Duration::from_secs(30)));
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match client.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let text = String::from_utf8_lossy(&head).to_string();
    let header = |name: &str| {
        text.lines()
            .find(|l| l.to_ascii_lowercase().starts_with(&format!("{name}:")))
            .map(|l| l[name.len() + 1..].trim().to_string())
    };
    let length: usize = header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    if client.read_exact(&mut body).is_err() {
        return;
    }
    let target = header("x-amz-target").unwrap_or_default();
    let operation = target.rsplit('.').next().unwrap_or_default().to_string();
    let repository = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v["repositoryName"].as_str().map(String::from))
        .unwrap_or_default();
    seen.lock()
        .unwrap()
        .push((operation.clone(), repository.clone()));
    let denial = rules.iter().find(|r| {
        r.operation == operation && r.repository.as_ref().is_none_or(|name| *name == repository)
    });
    if let Some(canned) = answers.iter().find(|a| a.operation == operation) {
        let _ = client.write_all(
            format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\nDate: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
                canned.date,
                canned.body.len(),
                canned.body
            )
            .as_bytes(),
        );
        return;
    }
    if let Some(deny) = denial {
        let answer = format!(
            r#"{{"__type":"{}","message":"denied by the test proxy"}}"#,
            deny.code
        );
        let _ = client.write_all(
            format!(
                "HTTP/1.1 400 Bad Request\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                answer.len()
            )
            .as_bytes(),
        );
        return;
    }
    let Ok(mut server) = TcpStream::connect(upstream) else {
        return;
    };
    let head = text.replacen("\r\n", "\r\nConnection: close\r\n", 1);
    if server
        .write_all(head.as_bytes())
        .and_then(|()| server.write_all(&body))
        .is_err()
    {
        return;
    }
    let mut answer = Vec::new();
    let _ = server.read_to_end(&mut answer);
    let _ = client.write_all(&answer);
}
