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
