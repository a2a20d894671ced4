//! The connections API calls go through: HTTP/1.1 on hyper, one list of idle connections to
//! the one origin a client talks to, and TLS by rustls with the platform's certificate
//! verifier and the crypto provider reqwest uses.
//!
//! Why not reqwest's client: its pool (hyper-util's) spawns a task for every request to put
//! the connection back when the response is done, and boxes the request future. In
//! `benches/request_path.rs`, 32 tasks sending `get_event` and reading the body made about
//! 60,000 calls/s through reqwest and about 130,000 through a pool kept as this one is, on the
//! same machine and server. A client talks to one origin (its base URL; redirects are followed
//! only within it), so a pool needs no key: a connection is taken from the list, used for one
//! exchange, and put back once its response body has been read to the end.
//!
//! reqwest is still used where it does more than this module: when the environment names a
//! proxy for the base URL (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, minus `NO_PROXY`, read as
//! reqwest reads them), and for the token endpoint and temporary URLs, which are other origins.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, LOCATION};
use http::{HeaderMap, Method, StatusCode};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use tokio_rustls::TlsConnector;

use crate::error::TransportErrorKind;
use crate::transport::BuildError;

/// An error from hyper, the socket or TLS, boxed as `TransportError::source` holds it.
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// An idle connection is closed after this long (reqwest's default): servers close theirs
/// after a minute or so, and a request sent on a connection the server has just closed fails.
const IDLE_TIMEOUT: Duration = Duration::from_secs(90);

/// At most this many idle connections are kept; a call that ends while as many wait closes its
/// own. More may be open at once while more calls run.
const MAX_IDLE: usize = 64;

/// Same-origin redirects followed in one attempt; the sixth is returned as it is, as under the
/// reqwest policy this replaces.
const MAX_REDIRECTS: usize = 5;

/// Why an exchange failed, sorted as `TransportError` reports it.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) kind: TransportErrorKind,
    pub(crate) source: BoxError,
}

/// No connection could be made: the stage that failed, and how.
#[derive(Debug, thiserror::Error)]
#[error("could not connect to {authority} ({stage}): {reason}")]
struct ConnectError {
    authority: String,
    stage: &'static str,
    reason: String,
}

/// The scheme, host and port of the base URL: where every connection goes.
struct Origin {
    tls: Option<(TlsConnector, ServerName<'static>)>,
    /// The host to connect to: a name, or an IP address without brackets.
    host: String,
    port: u16,
    /// `host:port`, for error messages.
    authority: String,
    /// `https://host:port`, for resolving a redirect's `Location`.
    base: url::Url,
}

struct Idle {
    sender: SendRequest<Full<Bytes>>,
    since: Instant,
}

type IdleList = Arc<Mutex<VecDeque<Idle>>>;

/// The pool of connections to a client's origin.
pub(crate) struct Pool {
    origin: Origin,
    connect_timeout: Duration,
    idle: IdleList,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("authority", &self.origin.authority)
            .field("tls", &self.origin.tls.is_some())
            .finish_non_exhaustive()
    }
}

/// A connection lent to one exchange. Given back with [`Lease::release`] once the response body
/// has been read to its end; dropped otherwise, which closes it, so that no connection with
/// unread bytes (a call cancelled mid-body, a body over the cap) is used again.
pub(crate) struct Lease {
    sender: SendRequest<Full<Bytes>>,
    idle: IdleList,
}

impl Lease {
    pub(crate) fn release(self) {
        if self.sender.is_closed() {
            return;
        }
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        // The oldest connection is the first to have been idle too long; dropping it here, one
        // per call, keeps expired connections from piling up without a timer.
        if idle
            .front()
            .is_some_and(|c| c.since.elapsed() >= IDLE_TIMEOUT)
        {
            idle.pop_front();
        }
        if idle.len() < MAX_IDLE {
            idle.push_back(Idle {
                sender: self.sender,
                since: Instant::now(),
            });
        }
    }
}

/// A request as the transport built it: `target` is the path and query, and `headers` hold
/// `Host`.
pub(crate) struct Outgoing {
    pub(crate) method: Method,
    pub(crate) target: String,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

/// A response whose head has arrived; its body is read by the caller.
pub(crate) struct Received {
    pub(crate) response: http::Response<Incoming>,
    pub(crate) lease: Lease,
}

/// Builds the TLS set-up reqwest builds for its default client: the platform's verifier (with
/// the extra roots, if any), the installed default crypto provider or aws-lc-rs, the safe
/// protocol versions, and ALPN for HTTP/1.1 only.
fn tls_config(extra_roots: &[Vec<u8>]) -> Result<TlsConnector, BuildError> {
    let tls = |e: rustls::Error| BuildError::Tls(e.to_string());
    let provider = rustls::crypto::CryptoProvider::get_default()
        .cloned()
        .unwrap_or_else(|| Arc::new(rustls::crypto::aws_lc_rs::default_provider()));
    let verifier = if extra_roots.is_empty() {
        rustls_platform_verifier::Verifier::new(provider.clone()).map_err(tls)?
    } else {
        with_extra_roots(extra_roots, provider.clone())?
    };
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(tls)?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsConnector::from(Arc::new(config)))
}

#[cfg(not(target_os = "android"))]
fn with_extra_roots(
    roots: &[Vec<u8>],
    provider: Arc<rustls::crypto::CryptoProvider>,
) -> Result<rustls_platform_verifier::Verifier, BuildError> {
    let roots = roots
        .iter()
        .map(|der| rustls::pki_types::CertificateDer::from(der.clone()));
    rustls_platform_verifier::Verifier::new_with_extra_roots(roots, provider).map_err(|e| {
        BuildError::Tls(format!(
            "a certificate given to `add_root_certificate`: {e}"
        ))
    })
}

#[cfg(target_os = "android")]
fn with_extra_roots(
    _: &[Vec<u8>],
    _: Arc<rustls::crypto::CryptoProvider>,
) -> Result<rustls_platform_verifier::Verifier, BuildError> {
    Err(BuildError::Tls(
        "extra root certificates cannot be added to Android's verifier".to_owned(),
    ))
}

impl Pool {
    /// A pool for the origin of `base`, which the transport builder has checked (http or https,
    /// a host, no user info).
    pub(crate) fn new(
        base: &url::Url,
        connect_timeout: Duration,
        extra_roots: &[Vec<u8>],
    ) -> Result<Pool, BuildError> {
        let bad = |reason: &str| BuildError::BaseUrl {
            url: base.origin().ascii_serialization(),
            reason: reason.to_owned(),
        };
        let (host, server_name) = match base.host() {
            Some(url::Host::Domain(name)) => (
                name.to_owned(),
                ServerName::try_from(name.to_owned()).map_err(|e| bad(&e.to_string()))?,
            ),
            Some(url::Host::Ipv4(ip)) => {
                (ip.to_string(), ServerName::from(std::net::IpAddr::V4(ip)))
            }
            Some(url::Host::Ipv6(ip)) => {
                (ip.to_string(), ServerName::from(std::net::IpAddr::V6(ip)))
            }
            None => return Err(bad("the base URL names no host")),
        };
        let port = base
            .port_or_known_default()
            .ok_or_else(|| bad("the base URL has no port"))?;
        let tls = match base.scheme() {
            "https" => Some((tls_config(extra_roots)?, server_name)),
            _ => None,
        };
        let mut origin_url = base.clone();
        origin_url.set_path("/");
        Ok(Pool {
            origin: Origin {
                tls,
                host,
                port,
                authority: format!("{}:{port}", base.host_str().unwrap_or_default()),
                base: origin_url,
            },
            connect_timeout,
            idle: Arc::default(),
        })
    }

    /// Sends `request`, following redirects within the origin, and returns the response whose
    /// head arrived last.
    pub(crate) async fn exchange(&self, request: Outgoing) -> Result<Received, Failure> {
        let Outgoing {
            mut method,
            mut target,
            mut headers,
            mut body,
        } = request;
        let mut redirects = 0;
        loop {
            let mut outgoing = http::Request::new(Full::new(body.clone()));
            *outgoing.method_mut() = method.clone();
            *outgoing.uri_mut() = http::Uri::try_from(target.as_str()).map_err(|e| Failure {
                kind: TransportErrorKind::Other,
                source: format!("the request path is not a valid URI: {e}").into(),
            })?;
            // A copy: a redirect sends the headers again.
            *outgoing.headers_mut() = headers.clone();
            let received = self.send(outgoing).await?;
            let status = received.response.status();
            if redirects == MAX_REDIRECTS || !is_redirect(status) {
                return Ok(received);
            }
            let Some(next) = self.same_origin_location(&target, received.response.headers()) else {
                return Ok(received);
            };
            // The redirect's own body is not read: the connection goes back only if it has none.
            if http_body::Body::is_end_stream(received.response.body()) {
                received.lease.release();
            }
            redirected(status, &mut method, &mut headers, &mut body);
            tracing::debug!(status = status.as_u16(), "following a same-origin redirect");
            target = next;
            redirects += 1;
        }
    }

    /// The path and query a `Location` header names, if it stays within the origin.
    fn same_origin_location(&self, target: &str, headers: &HeaderMap) -> Option<String> {
        let location = headers.get(LOCATION)?.to_str().ok()?;
        let current = self.origin.base.join(target).ok()?;
        let next = current.join(location).ok()?;
        if next.origin() != current.origin() {
            return None;
        }
        Some(next[url::Position::BeforePath..url::Position::AfterQuery].to_owned())
    }

    /// One exchange on a pooled connection, or on a new one. A pooled connection the server
    /// closed before the request was written gives the request back, which then goes out on
    /// another connection; a request that was written is never sent twice here.
    async fn send(&self, mut request: http::Request<Full<Bytes>>) -> Result<Received, Failure> {
        loop {
            let (mut sender, reused) = match self.take_idle() {
                Some(sender) => (sender, true),
                None => (self.connect().await?, false),
            };
            if let Err(e) = sender.ready().await {
                if reused {
                    continue;
                }
                return Err(Failure {
                    kind: TransportErrorKind::Connect,
                    source: Box::new(e),
                });
            }
            match sender.try_send_request(request).await {
                Ok(response) => {
                    return Ok(Received {
                        response,
                        lease: Lease {
                            sender,
                            idle: self.idle.clone(),
                        },
                    });
                }
                Err(mut e) => {
                    let kind = match e.take_message() {
                        Some(unsent) if reused => {
                            request = unsent;
                            continue;
                        }
                        // Not written: nothing reached the server, as with a failed connect.
                        Some(_) => TransportErrorKind::Connect,
                        None => TransportErrorKind::Other,
                    };
                    return Err(Failure {
                        kind,
                        source: Box::new(e.into_error()),
                    });
                }
            }
        }
    }

    /// The most recently used idle connection still open, if any.
    fn take_idle(&self) -> Option<SendRequest<Full<Bytes>>> {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        while let Some(c) = idle.pop_back() {
            if !c.sender.is_closed() && c.since.elapsed() < IDLE_TIMEOUT {
                return Some(c.sender);
            }
        }
        None
    }

    /// TCP to the first address the host resolves to that answers, in the resolver's order.
    /// Each address gets an equal share of the connect timeout, as in hyper-util's connector,
    /// so that one that drops packets (a broken IPv6 route) leaves time for the next.
    async fn tcp(&self) -> Result<tokio::net::TcpStream, String> {
        let origin = &self.origin;
        let addresses: Vec<std::net::SocketAddr> =
            tokio::net::lookup_host((origin.host.as_str(), origin.port))
                .await
                .map_err(|e| format!("resolving the host: {e}"))?
                .collect();
        let count = u32::try_from(addresses.len()).unwrap_or(u32::MAX).max(1);
        let share = self.connect_timeout / count;
        let mut failed = "the host resolves to no address".to_owned();
        for address in addresses {
            match tokio::time::timeout(share, tokio::net::TcpStream::connect(address)).await {
                Ok(Ok(stream)) => return Ok(stream),
                Ok(Err(e)) => failed = format!("{address}: {e}"),
                Err(_) => failed = format!("{address}: no answer within {share:?}"),
            }
        }
        Err(failed)
    }

    /// A new connection: TCP (every address the name resolves to, in turn), TLS for https, and
    /// the HTTP/1.1 handshake, all within the connect timeout. The connection's task runs on the
    /// caller's tokio runtime until the connection closes.
    async fn connect(&self) -> Result<SendRequest<Full<Bytes>>, Failure> {
        let origin = &self.origin;
        let fail = |stage: &'static str, reason: String| Failure {
            kind: TransportErrorKind::Connect,
            source: Box::new(ConnectError {
                authority: origin.authority.clone(),
                stage,
                reason,
            }),
        };
        let work = async {
            let stream = self.tcp().await.map_err(|reason| fail("TCP", reason))?;
            // Requests are written whole; waiting to fill a segment only adds latency.
            let _ = stream.set_nodelay(true);
            let handshake = |e: hyper::Error| fail("HTTP/1.1 handshake", e.to_string());
            match &origin.tls {
                None => http1(stream).await.map_err(handshake),
                Some((tls, name)) => {
                    let stream = tls
                        .connect(name.clone(), stream)
                        .await
                        .map_err(|e| fail("TLS", e.to_string()))?;
                    http1(stream).await.map_err(handshake)
                }
            }
        };
        match tokio::time::timeout(self.connect_timeout, work).await {
            Ok(result) => result,
            Err(_) => Err(fail(
                "timed out",
                format!("no connection within {:?}", self.connect_timeout),
            )),
        }
    }
}

/// The HTTP/1.1 handshake over `io`. The connection's task runs on the caller's tokio runtime
/// until the connection closes.
async fn http1<T>(io: T) -> Result<SendRequest<Full<Bytes>>, hyper::Error>
where
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(io)).await?;
    tokio::spawn(connection);
    Ok(sender)
}

fn is_redirect(status: StatusCode) -> bool {
    matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308)
}

/// What a followed redirect does to the request, as browsers and reqwest do it: a POST
/// answered with 301 or 302, and anything but HEAD answered with 303, becomes a GET without
/// a body; 307 and 308 keep the method and the body.
fn redirected(status: StatusCode, method: &mut Method, headers: &mut HeaderMap, body: &mut Bytes) {
    let to_get = match status.as_u16() {
        301 | 302 => *method == Method::POST,
        303 => *method != Method::HEAD,
        _ => false,
    };
    if to_get {
        *method = Method::GET;
        *body = Bytes::new();
        headers.remove(CONTENT_TYPE);
        headers.remove(CONTENT_LENGTH);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(base: &str) -> Pool {
        let base = url::Url::parse(base).expect("URL");
        Pool::new(&base, Duration::from_secs(1), &[]).expect("pool")
    }

    fn location(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(LOCATION, value.parse().expect("header value"));
        headers
    }

    /// A `Location` is followed when it resolves to the client's origin, whether it is
    /// relative or absolute, and the request keeps its query.
    #[test]
    fn a_location_within_the_origin_is_followed() {
        let pool = pool("http://api.example:8080/v1");
        let next = |value| pool.same_origin_location("/v1/events/1?a=b", &location(value));
        assert_eq!(next("/v1/events/2").as_deref(), Some("/v1/events/2"));
        assert_eq!(next("2?c=d").as_deref(), Some("/v1/events/2?c=d"));
        assert_eq!(
            next("http://api.example:8080/elsewhere").as_deref(),
            Some("/elsewhere")
        );
        assert_eq!(next("http://API.example:8080/x").as_deref(), Some("/x"));
    }

    /// Another host, port or scheme, a protocol-relative `//host`, or a `Location` that is not
    /// a URL is not followed: the caller gets the 3xx.
    #[test]
    fn a_location_outside_the_origin_is_not_followed() {
        let pool = pool("http://api.example:8080");
        let next = |value| pool.same_origin_location("/events", &location(value));
        for value in [
            "http://evil.example:8080/events",
            "http://api.example:8081/events",
            "https://api.example:8080/events",
            "//evil.example/events",
            "http://[::1",
        ] {
            assert_eq!(next(value), None, "{value}");
        }
        assert_eq!(
            pool.same_origin_location("/events", &HeaderMap::new()),
            None
        );
    }

    /// What a followed redirect does to the method and the body.
    #[test]
    fn a_redirect_changes_a_post_to_a_get_as_browsers_do() {
        let cases = [
            (301, Method::POST, Method::GET, false),
            (302, Method::POST, Method::GET, false),
            (302, Method::PUT, Method::PUT, true),
            (303, Method::PUT, Method::GET, false),
            (303, Method::HEAD, Method::HEAD, true),
            (307, Method::POST, Method::POST, true),
            (308, Method::DELETE, Method::DELETE, true),
        ];
        for (status, before, after, keeps_body) in cases {
            let mut method = before.clone();
            let mut headers = HeaderMap::new();
            headers.insert(CONTENT_TYPE, "application/json".parse().expect("value"));
            let mut body = Bytes::from_static(b"{}");
            let status = StatusCode::from_u16(status).expect("status");
            redirected(status, &mut method, &mut headers, &mut body);
            assert_eq!(method, after, "{status} {before}");
            assert_eq!(!body.is_empty(), keeps_body, "{status} {before}");
            assert_eq!(
                headers.contains_key(CONTENT_TYPE),
                keeps_body,
                "{status} {before}"
            );
        }
    }
}
