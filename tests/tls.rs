//! HTTPS on the API calls' own connections: a server on 127.0.0.1 with a certificate for
//! `localhost` from a test CA (`fixtures/tls`, made by its `make.sh`), reached as
//! `https://localhost:<port>`.
//!
//! The server is written out by hand over tokio-rustls, so that the test sees the request bytes
//! exactly as they arrived after decryption, and counts TLS connections.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use clientgen_runtime::TransportErrorKind;
use clientgen_tests::next_head;
use saas_clients::teamup;
use tokio::io::AsyncWriteExt;
use tokio::sync::Mutex;

const CA: &[u8] = include_bytes!("fixtures/tls/ca.der");
const CERT: &[u8] = include_bytes!("fixtures/tls/server.der");
const KEY: &[u8] = include_bytes!("fixtures/tls/server.key.der");

const ANSWER: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 17\r\n\r\n{\"access\": \"ok\"}\n";

/// What the server saw: every request head, and how many connections completed a handshake
/// or failed one.
#[derive(Default)]
struct Seen {
    heads: Mutex<Vec<String>>,
    handshakes: AtomicUsize,
    refused: AtomicUsize,
}

/// Serves `ANSWER` to every request over TLS, keeping each connection open.
async fn serve() -> (u16, Arc<Seen>) {
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("protocol versions")
    .with_no_client_auth()
    .with_single_cert(
        vec![CERT.to_vec().into()],
        rustls::pki_types::PrivateKeyDer::Pkcs8(KEY.to_vec().into()),
    )
    .expect("server certificate");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("address").port();
    let seen = Arc::new(Seen::default());
    let state = seen.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let (acceptor, seen) = (acceptor.clone(), state.clone());
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    seen.refused.fetch_add(1, Ordering::SeqCst);
                    return;
                };
                seen.handshakes.fetch_add(1, Ordering::SeqCst);
                let mut buffer = Vec::new();
                while let Some(head) = next_head(&mut tls, &mut buffer).await {
                    seen.heads
                        .lock()
                        .await
                        .push(String::from_utf8_lossy(&head).into_owned());
                    if tls.write_all(ANSWER).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (port, seen)
}

fn client(port: u16, trust_ca: bool) -> teamup::Client {
    teamup::Client::builder("ks73ad7816e7a61b3a", "API_KEY")
        .transport(|t| {
            let t = t.base_url(format!("https://localhost:{port}"));
            if trust_ca {
                t.add_root_certificate(CA)
            } else {
                t
            }
        })
        .build()
        .expect("client builds")
}

/// With the test CA added, calls go over TLS to `localhost`: the request arrives as the client
/// wrote it (`Host` first, with the port), the answer decodes, and the second call reuses the
/// first call's connection.
#[tokio::test]
async fn a_call_over_https_arrives_whole_and_its_connection_is_reused() {
    let (port, seen) = serve().await;
    let client = client(port, true);

    for _ in 0..2 {
        let access = client.check_access().await.expect("the call succeeds");
        assert_eq!(access.access.as_deref(), Some("ok"));
    }

    let expected = format!(
        "GET /check-access HTTP/1.1\r\nhost: localhost:{port}\r\naccept: application/json\r\n\
         user-agent: saas-clients/{} (teamup)\r\nteamup-token: API_KEY\r\n\r\n",
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(*seen.heads.lock().await, vec![expected.clone(), expected]);
    assert_eq!(seen.handshakes.load(Ordering::SeqCst), 1);
}

/// Without the test CA the platform's verifier refuses the server's certificate: the call fails
/// as a connection that could not be made, saying it was TLS, and no request reaches the server.
#[tokio::test]
async fn a_certificate_from_an_unknown_ca_is_refused() {
    let (port, seen) = serve().await;

    let message = tls_failure(client(port, false).check_access().await);

    assert!(message.contains("certificate"), "{message}");
    assert!(seen.heads.lock().await.is_empty());
    assert_eq!(seen.handshakes.load(Ordering::SeqCst), 0);
    assert!(
        seen.refused.load(Ordering::SeqCst) >= 1,
        "the handshake was tried"
    );
}

/// A server that does not speak TLS behind an https URL is a connection that could not be made.
#[tokio::test]
async fn a_plain_http_server_behind_an_https_url_is_a_connect_error() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("address").port();
    tokio::spawn(async move {
        while let Ok((mut tcp, _)) = listener.accept().await {
            let _ = tcp
                .write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n")
                .await;
        }
    });

    tls_failure(client(port, true).check_access().await);
}

/// Asserts that a call failed as a connection that could not be made at its TLS stage, and
/// returns the message.
#[track_caller]
fn tls_failure<T: std::fmt::Debug>(result: Result<T, teamup::Error>) -> String {
    let Err(teamup::Error::Transport(e)) = &result else {
        panic!("expected a transport error, got {result:?}");
    };
    assert_eq!(e.kind, TransportErrorKind::Connect);
    let message = e.source.to_string();
    assert!(message.contains("(TLS)"), "{message}");
    message
}

/// Bytes that are not a certificate, given as a root, are refused by `build()`, saying where
/// they came from; nothing is sent.
#[test]
fn a_root_certificate_that_does_not_parse_is_refused_by_build() {
    let result = teamup::Client::builder("ks73ad7816e7a61b3a", "API_KEY")
        .transport(|t| t.add_root_certificate(b"not a certificate".to_vec()))
        .build();

    let Err(clientgen_runtime::BuildError::Tls(reason)) = &result else {
        panic!("expected a TLS build error, got {:?}", result.map(|_| ()));
    };
    assert!(reason.contains("add_root_certificate"), "{reason}");
}
