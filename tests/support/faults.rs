//! Helpers of the fault tests: a sleeper that records the delays it is asked for instead of
//! sleeping, and a raw TCP server for the faults wiremock cannot produce (a connection closed or
//! reset before any response, a response cut off in the middle of its body).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clientgen_runtime::Sleeper;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// The delays a [`recording_sleeper`] was asked for, in order.
pub type Delays = Arc<Mutex<Vec<Duration>>>;

/// A sleeper that records each requested delay and returns at once, so that backoff tests never
/// wait for real.
pub fn recording_sleeper() -> (Sleeper, Delays) {
    let delays: Delays = Arc::default();
    let record = Arc::clone(&delays);
    let sleeper = Sleeper::new(move |d| {
        record.lock().expect("delays lock").push(d);
        Box::pin(async {})
    });
    (sleeper, delays)
}

/// The delays recorded so far.
pub fn recorded(delays: &Delays) -> Vec<Duration> {
    delays.lock().expect("delays lock").clone()
}

/// What the raw server does with each connection, after reading the whole request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawFault {
    /// Closes the connection (FIN) without sending a byte.
    CloseBeforeResponse,
    /// Resets the connection (RST, `SO_LINGER` 0) without sending a byte.
    ResetBeforeResponse,
    /// Sends `200 OK` headers with `Content-Length: declared`, then `sent` bytes of the body, and
    /// closes.
    CutBody {
        /// The length the headers announce.
        declared: usize,
        /// The bytes actually sent.
        sent: usize,
    },
    /// Sends `200 OK` headers with `Content-Length: declared`, then body bytes for as long as
    /// the client reads them.
    HugeBody {
        /// The length the headers announce.
        declared: u64,
    },
    /// Sends `200 OK` with a chunked body that never ends, for as long as the client reads it.
    EndlessBody,
    /// Sends `200 OK` headers announcing a 100-byte body and the first 10 bytes, then nothing
    /// more, keeping the connection open until the client leaves.
    StalledBody,
}

/// One request as the raw server read it.
#[derive(Debug, Clone)]
pub struct RawRequest {
    /// The method.
    pub method: String,
    /// The path with its query.
    pub target: String,
    /// The headers, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

/// A TCP server on 127.0.0.1 that reads each request completely and then answers it with a fault.
pub struct RawServer {
    port: u16,
    connections: Arc<AtomicUsize>,
    body_bytes: Arc<AtomicUsize>,
    requests: Arc<Mutex<Vec<RawRequest>>>,
    task: JoinHandle<()>,
}

impl RawServer {
    /// Starts a server that answers every connection with `fault`.
    pub async fn start(fault: RawFault) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("local address").port();
        let connections = Arc::new(AtomicUsize::new(0));
        let requests: Arc<Mutex<Vec<RawRequest>>> = Arc::default();
        let body_bytes = Arc::new(AtomicUsize::new(0));
        let (count, seen) = (Arc::clone(&connections), Arc::clone(&requests));
        let sent = Arc::clone(&body_bytes);
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                count.fetch_add(1, Ordering::SeqCst);
                let seen = Arc::clone(&seen);
                let sent = Arc::clone(&sent);
                tokio::spawn(async move {
                    let mut stream = stream;
                    let _ = answer(&mut stream, fault, &seen, &sent).await;
                });
            }
        });
        RawServer {
            port,
            connections,
            body_bytes,
            requests,
            task,
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn uri(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// Body bytes the huge and endless faults managed to write to clients so far.
    pub fn body_bytes_sent(&self) -> usize {
        self.body_bytes.load(Ordering::SeqCst)
    }

    /// Requests read completely so far.
    pub fn requests(&self) -> Vec<RawRequest> {
        self.requests.lock().expect("requests lock").clone()
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Reads one request from `stream`, records it, and answers with `fault`.
async fn answer(
    stream: &mut TcpStream,
    fault: RawFault,
    seen: &Mutex<Vec<RawRequest>>,
    sent: &AtomicUsize,
) -> Option<()> {
    let request = tokio::time::timeout(Duration::from_secs(5), read_one(stream))
        .await
        .ok()??;
    seen.lock().expect("requests lock").push(request);
    match fault {
        RawFault::CloseBeforeResponse => {
            let _ = stream.shutdown().await;
        }
        RawFault::ResetBeforeResponse => {
            stream.set_zero_linger().ok()?;
        }
        RawFault::CutBody { declared, sent } => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {declared}\r\n\r\n"
            );
            stream.write_all(head.as_bytes()).await.ok()?;
            // The start of a plausible JSON body, padded to `sent` bytes.
            let mut body = br#"{"event":{"id":"1","title":""#.to_vec();
            body.resize(sent, b'x');
            stream.write_all(&body).await.ok()?;
            stream.flush().await.ok()?;
            let _ = stream.shutdown().await;
        }
        RawFault::StalledBody => {
            let head =
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n";
            stream.write_all(head.as_bytes()).await.ok()?;
            stream.write_all(br#"{"event":{"#).await.ok()?;
            stream.flush().await.ok()?;
            // Returns once the client closes its end.
            let mut rest = Vec::new();
            let _ = stream.read_to_end(&mut rest).await;
        }
        RawFault::HugeBody { declared } => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {declared}\r\n\r\n"
            );
            stream.write_all(head.as_bytes()).await.ok()?;
            let block = vec![b' '; 64 * 1024];
            let mut left = declared;
            while left > 0 {
                let n = left.min(block.len() as u64) as usize;
                stream.write_all(&block[..n]).await.ok()?;
                sent.fetch_add(n, Ordering::SeqCst);
                left -= n as u64;
            }
        }
        RawFault::EndlessBody => {
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
            stream.write_all(head.as_bytes()).await.ok()?;
            let mut chunk = format!("{:x}\r\n", 64 * 1024).into_bytes();
            chunk.extend(std::iter::repeat_n(b' ', 64 * 1024));
            chunk.extend_from_slice(b"\r\n");
            loop {
                stream.write_all(&chunk).await.ok()?;
                sent.fetch_add(64 * 1024, Ordering::SeqCst);
            }
        }
    }
    Some(())
}

/// Reads a request head and its `Content-Length` body.
async fn read_one(stream: &mut TcpStream) -> Option<RawRequest> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut start = lines.next()?.split(' ');
    let (method, target) = (start.next()?.to_owned(), start.next()?.to_owned());
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(RawRequest {
        method,
        target,
        headers,
        body,
    })
}
