//! A TCP proxy that misbehaves on purpose: it answers some new connections with 503 or
//! 429 (`Retry-After: 0`), drops others without a word (a reset), and forwards the rest
//! to the real registry. Only loopback traffic; bounded by the test's lifetime.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

pub struct FaultProxy {
    pub addr: String,
    pub faults: Arc<[AtomicUsize; 3]>,
}

const UNAVAILABLE: &[u8] =
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
const TOO_MANY: &[u8] = b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 0\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

impl FaultProxy {
    /// Faults on connections 0, 1, 2 (one of each kind) and then every fifth one.
    pub fn start(upstream: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let faults: Arc<[AtomicUsize; 3]> = Arc::new(Default::default());
        let (upstream, counts) = (upstream.to_string(), faults.clone());
        std::thread::spawn(move || {
            for (n, stream) in listener.incoming().enumerate() {
                let Ok(mut client) = stream else { continue };
                let kind = if n < 3 {
                    Some(n)
                } else if n % 5 == 0 {
                    Some(n % 3)
                } else {
                    None
                };
                match kind {
                    Some(k) => {
                        counts[k].fetch_add(1, Ordering::Relaxed);
                        let mut request = [0u8; 1024];
                        let _ = client.read(&mut request);
                        match k {
                            0 => drop(client.write_all(UNAVAILABLE)),
                            1 => drop(client.write_all(TOO_MANY)),
                            _ => {} // closed without an answer
                        }
                    }
                    None => forward(client, &upstream),
                }
            }
        });
        Self { addr, faults }
    }

    pub fn counts(&self) -> [usize; 3] {
        [0, 1, 2].map(|i| self.faults[i].load(Ordering::Relaxed))
    }
}

fn forward(client: TcpStream, upstream: &str) {
    let Ok(server) = TcpStream::connect(upstream) else {
        return;
    };
    let (mut c_read, mut s_write) = (client.try_clone().unwrap(), server.try_clone().unwrap());
    let (mut s_read, mut c_write) = (server, client);
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut c_read, &mut s_write);
        let _ = s_write.shutdown(std::net::Shutdown::Write);
    });
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut s_read, &mut c_write);
        let _ = c_write.shutdown(std::net::Shutdown::Write);
    });
}

/// What [`HttpFaultProxy`] does with one request.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Forward it.
    Pass,
    /// Answer with this status line and `Retry-After` (when given), without forwarding
    /// (the request body is read and dropped first, as a registry does).
    Status(&'static str, Option<String>),
    /// Forward it, then pass on only half of the answer's body (Content-Length intact).
    Truncate,
    /// Close the connection without an answer.
    Reset,
    /// Hold it until this many requests are held at once (then let every held and later
    /// one through), or until the pause is over: concurrency shows as the number held at
    /// once, however slow the machine; one request after another never gets past one.
    Gather(usize, std::time::Duration),
}

/// Requests held by [`Fault::Gather`] right now, and whether the gathering was reached.
type Gate = (std::sync::Mutex<(usize, bool)>, std::sync::Condvar);

/// One request the proxy saw: method, path (with query) and what it did (printed in
/// assertion messages).
#[derive(Debug, Clone)]
#[allow(dead_code)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub fault: String,
}

type Rule = dyn Fn(&str, &str) -> Fault + Send + Sync;

/// An HTTP/1.1 proxy in front of a plain-HTTP registry that decides, request by request
/// (`rule(method, path)`), to forward, delay, refuse, truncate or drop. Each request
/// gets its own connection upstream (`Connection: close`), so answers end at EOF.
pub struct HttpFaultProxy {
    pub addr: String,
    pub seen: Arc<std::sync::Mutex<Vec<Seen>>>,
    /// Most forwarded requests in flight at once, by method.
    pub peak_in_flight: Arc<AtomicUsize>,
}

impl HttpFaultProxy {
    pub fn start(
        upstream: &str,
        rule: impl Fn(&str, &str) -> Fault + Send + Sync + 'static,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let seen: Arc<std::sync::Mutex<Vec<Seen>>> = Arc::default();
        let peak: Arc<AtomicUsize> = Arc::default();
        let in_flight: Arc<AtomicUsize> = Arc::default();
        let rule: Arc<Rule> = Arc::new(rule);
        let gate: Arc<Gate> = Arc::default();
        let (upstream, log, top) = (upstream.to_string(), seen.clone(), peak.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(client) = stream else { continue };
                let (upstream, log, rule) = (upstream.clone(), log.clone(), rule.clone());
                let (in_flight, top, gate) = (in_flight.clone(), top.clone(), gate.clone());
                std::thread::spawn(move || {
                    let counters = Counters {
                        in_flight: &in_flight,
                        peak: &top,
                        gate: &gate,
                    };
                    let _ = serve(client, &upstream, &*rule, &log, counters);
                });
            }
        });
        Self {
            addr,
            seen,
            peak_in_flight: peak,
        }
    }

    /// Requests that got `fault` (by its name: "Status", "Truncate", "Reset" …).
    pub fn count(&self, fault: &str) -> usize {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .filter(|s| s.fault.starts_with(fault))
            .count()
    }
}

/// What the proxy's connections share to measure concurrency.
struct Counters<'a> {
    in_flight: &'a AtomicUsize,
    peak: &'a AtomicUsize,
    gate: &'a Gate,
}

/// [`Fault::Gather`]: wait until `at_once` requests are held together (or `within` passes);
/// the most held at once counts toward the proxy's peak.
fn gather(counters: &Counters, at_once: usize, within: std::time::Duration) {
    let (lock, wake) = counters.gate;
    let deadline = std::time::Instant::now() + within;
    let mut state = lock.lock().unwrap();
    state.0 += 1;
    counters.peak.fetch_max(state.0, Ordering::SeqCst);
    if state.0 >= at_once {
        state.1 = true;
        wake.notify_all();
    }
    while !state.1 {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            break;
        }
        state = wake.wait_timeout(state, left).unwrap().0;
    }
    state.0 -= 1;
}

fn serve(
    mut client: TcpStream,
    upstream: &str,
    rule: &Rule,
    log: &std::sync::Mutex<Vec<Seen>>,
    counters: Counters,
) -> std::io::Result<()> {
    let (in_flight, peak) = (counters.in_flight, counters.peak);
    // The request head, and whatever of the body came with it.
    let mut buffer = Vec::new();
    let head_end = loop {
        let mut chunk = [0u8; 8192];
        let n = client.read(&mut chunk)?;
        if n == 0 {
            return Ok(());
        }
        buffer.extend_from_slice(&chunk[..n]);
        if let Some(i) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_string();
    let early_body = buffer[head_end..].to_vec();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().unwrap_or("").split(' ');
    let method = request_line.next().unwrap_or("").to_string();
    let path = request_line.next().unwrap_or("").to_string();
    let headers: Vec<&str> = lines.filter(|l| !l.is_empty()).collect();
    let content_length: usize = headers
        .iter()
        .find_map(|h| {
            let (name, value) = h.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0);
    let fault = rule(&method, &path);
    let truncate_it = matches!(fault, Fault::Truncate);
    log.lock().unwrap().push(Seen {
        method: method.clone(),
        path: path.clone(),
        fault: format!("{fault:?}"),
    });
    match fault {
        Fault::Reset => return Ok(()),
        Fault::Status(status, retry_after) => {
            // Read the body to its end, as a registry would before answering.
            let mut left = content_length.saturating_sub(early_body.len());
            let mut sink = [0u8; 65536];
            while left > 0 {
                let n = client.read(&mut sink)?;
                if n == 0 {
                    break;
                }
                left = left.saturating_sub(n);
            }
            let retry_after = retry_after
                .map(|r| format!("Retry-After: {r}\r\n"))
                .unwrap_or_default();
            let answer = format!(
                "HTTP/1.1 {status}\r\n{retry_after}Content-Length: 0\r\nConnection: close\r\n\r\n"
            );
            client.write_all(answer.as_bytes())?;
            return Ok(());
        }
        Fault::Gather(at_once, within) => gather(&counters, at_once, within),
        Fault::Pass | Fault::Truncate => {}
    }
    let truncate = truncate_it;
    let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    peak.fetch_max(now, Ordering::SeqCst);
    let result = forward_one(client, upstream, &head, &early_body, &headers, truncate);
    in_flight.fetch_sub(1, Ordering::SeqCst);
    result
}

fn forward_one(
    mut client: TcpStream,
    upstream: &str,
    head: &str,
    early_body: &[u8],
    headers: &[&str],
    truncate: bool,
) -> std::io::Result<()> {
    let mut server = TcpStream::connect(upstream)?;
    let request_line = head.split("\r\n").next().unwrap_or("");
    let mut rewritten = format!("{request_line}\r\n");
    for h in headers {
        if !h.to_ascii_lowercase().starts_with("connection:") {
            rewritten.push_str(h);
            rewritten.push_str("\r\n");
        }
    }
    rewritten.push_str("Connection: close\r\n\r\n");
    server.write_all(rewritten.as_bytes())?;
    server.write_all(early_body)?;
    // The rest of the request body, as it comes.
    let (mut c_read, mut s_write) = (client.try_clone()?, server.try_clone()?);
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut c_read, &mut s_write);
    });
    if truncate {
        let mut answer = Vec::new();
        server.read_to_end(&mut answer)?;
        let body_at = answer
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .map_or(answer.len(), |i| i + 4);
        let keep = body_at + (answer.len() - body_at) / 2;
        client.write_all(&answer[..keep])?;
    } else {
        std::io::copy(&mut server, &mut client)?;
    }
    client.shutdown(std::net::Shutdown::Both)
}
