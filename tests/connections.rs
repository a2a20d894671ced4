//! When the transport uses a connection again, and when it does not: a server written by hand
//! on 127.0.0.1 answers from a script and records which connection carried each request.

use std::sync::Arc;
use std::time::Duration;

use clientgen_runtime::SharedConnections;
use clientgen_tests::next_head;
use saas_clients::teamup;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::Mutex;

/// One scripted answer: the bytes, and whether the server closes the connection after them.
struct Answer {
    bytes: Vec<u8>,
    close: bool,
}

fn answer(status: &str, body: &str, close: bool) -> Answer {
    let bytes = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes();
    Answer { bytes, close }
}

const OK: &str = r#"{"access": "ok"}"#;

/// The connection number (from 0) that carried each request, in order.
type Carried = Arc<Mutex<Vec<usize>>>;

/// Accepts connections on 127.0.0.1 and hands each to `handle` with its number (from 0).
/// Returns the base URL.
async fn listen<F, Fut>(handle: F) -> String
where
    F: Fn(usize, tokio::net::TcpStream) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(async move {
        let mut connection = 0;
        while let Ok((tcp, _)) = listener.accept().await {
            tokio::spawn(handle(connection, tcp));
            connection += 1;
        }
    });
    base
}

/// Serves `script` in order, one answer per request, whatever connection it arrives on.
async fn serve(script: Vec<Answer>) -> (String, Carried) {
    let script = Arc::new(Mutex::new(script.into_iter()));
    let carried = Carried::default();
    let seen = carried.clone();
    let base = listen(move |connection, mut tcp| {
        let (script, seen) = (script.clone(), seen.clone());
        async move {
            let mut buffer = Vec::new();
            while next_head(&mut tcp, &mut buffer).await.is_some() {
                seen.lock().await.push(connection);
                let Some(next) = script.lock().await.next() else {
                    return;
                };
                if tcp.write_all(&next.bytes).await.is_err() || next.close {
                    return;
                }
            }
        }
    })
    .await;
    (base, carried)
}

/// Answers one request per connection with what `reply` gives for the connection's number (a
/// delay, and the bytes), after noting the number; then waits for the client to close.
async fn answer_once<F>(reply: F) -> (String, Carried)
where
    F: Fn(usize) -> (Duration, Vec<u8>) + Send + Sync + 'static,
{
    let reply = Arc::new(reply);
    let carried = Carried::default();
    let seen = carried.clone();
    let base = listen(move |connection, mut tcp| {
        let (reply, seen) = (reply.clone(), seen.clone());
        async move {
            let mut buffer = Vec::new();
            if next_head(&mut tcp, &mut buffer).await.is_none() {
                return;
            }
            seen.lock().await.push(connection);
            let (delay, bytes) = reply(connection);
            tokio::time::sleep(delay).await;
            let _ = tcp.write_all(&bytes).await;
            let _ = tcp.read(&mut [0u8; 4096]).await;
        }
    })
    .await;
    (base, carried)
}

/// A client of the documented calendar.
fn client(base: &str) -> teamup::Client {
    calendar(base, "ks73ad7816e7a61b3a", None)
}

/// A client for another calendar, taking its connections from `shared`, or its own.
fn calendar(base: &str, key: &str, shared: Option<&SharedConnections>) -> teamup::Client {
    teamup::Client::builder(key, "API_KEY")
        .transport(|t| {
            let t = t.base_url(base).allow_http(true);
            match shared {
                Some(shared) => t.share_connections(shared),
                None => t,
            }
        })
        .build()
        .expect("client builds")
}

/// Clients of two calendars built with one `SharedConnections` use one connection one after
/// the other; built without it, each opens its own.
#[tokio::test]
async fn clients_that_share_connections_use_one_connection() {
    for (shared, expected) in [(Some(SharedConnections::new()), [0, 0]), (None, [0, 1])] {
        let (base, carried) = serve(vec![
            answer("200 OK", OK, false),
            answer("200 OK", OK, false),
        ])
        .await;
        let first = calendar(&base, "calendar-one", shared.as_ref());
        let second = calendar(&base, "calendar-two", shared.as_ref());

        first.check_access().await.expect("first");
        second.check_access().await.expect("second");

        assert_eq!(
            *carried.lock().await,
            expected,
            "shared: {}",
            shared.is_some()
        );
    }
}

/// Calls one after another share one connection, and a failure whose body was read whole (a
/// short 404) gives its connection back too.
#[tokio::test]
async fn calls_one_after_another_share_a_connection() {
    let (base, carried) = serve(vec![
        answer("200 OK", OK, false),
        answer("404 Not Found", r#"{"error": {"id": "not_found"}}"#, false),
        answer("200 OK", OK, false),
    ])
    .await;
    let client = client(&base);

    client.check_access().await.expect("first");
    client.check_access().await.expect_err("the 404");
    client.check_access().await.expect("third");

    assert_eq!(*carried.lock().await, vec![0, 0, 0]);
}

/// A failure's body is read only up to its excerpt (16 KiB); a connection left with unread
/// bytes is closed, and the next call opens another.
#[tokio::test]
async fn a_connection_with_unread_bytes_is_not_used_again() {
    let long = format!(r#"{{"padding": "{}"}}"#, "x".repeat(40_000));
    let (base, carried) = serve(vec![
        answer("404 Not Found", &long, false),
        answer("200 OK", OK, false),
    ])
    .await;
    let client = client(&base);

    client.check_access().await.expect_err("the 404");
    client.check_access().await.expect("second");

    assert_eq!(*carried.lock().await, vec![0, 1]);
}

/// A connection the server closed while it was idle is left out, and the call goes out on a
/// new one; the call does not fail.
#[tokio::test]
async fn a_connection_the_server_closed_is_not_used_again() {
    let (base, carried) = serve(vec![
        answer("200 OK", OK, true),
        answer("200 OK", OK, true),
        answer("200 OK", OK, false),
    ])
    .await;
    let client = client(&base);

    for _ in 0..3 {
        client.check_access().await.expect("every call succeeds");
        // Time for the server's close to reach the client.
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    assert_eq!(*carried.lock().await, vec![0, 1, 2]);
}

/// A call dropped while its answer is on the way leaves its connection closed: the next call
/// does not read the dropped call's answer, and goes out on a new connection.
#[tokio::test]
async fn a_call_dropped_mid_flight_does_not_leave_its_answer_to_the_next() {
    // The first connection's answer says something else, late.
    let (base, carried) = answer_once(|connection| match connection {
        0 => (
            Duration::from_millis(300),
            answer("200 OK", r#"{"access": "stale"}"#, false).bytes,
        ),
        _ => (Duration::ZERO, answer("200 OK", OK, false).bytes),
    })
    .await;
    let client = client(&base);

    let dropped = tokio::time::timeout(
        Duration::from_millis(100),
        client.check_access().into_future(),
    )
    .await;
    assert!(
        dropped.is_err(),
        "the first call is dropped before its answer"
    );
    let access = client.check_access().await.expect("second");

    assert_eq!(access.access.as_deref(), Some("ok"));
    assert_eq!(*carried.lock().await, vec![0, 1]);
}

/// A client that makes one attempt per call.
fn single_attempt(base: &str) -> teamup::Client {
    teamup::Client::builder("ks73ad7816e7a61b3a", "API_KEY")
        .transport(|t| {
            t.base_url(base)
                .allow_http(true)
                .retry(clientgen_runtime::RetryPolicy::none())
        })
        .build()
        .expect("client builds")
}

/// A response head that never ends (header lines sent as fast as the client reads) fails the
/// call once hyper's head buffer is full, well before the call's deadline: a bounded amount is
/// read, and the error says the head was too large.
#[tokio::test]
async fn a_response_head_that_never_ends_fails_the_call() {
    let base = listen(|_, mut tcp| async move {
        let mut head = vec![0u8; 4096];
        let _ = tcp.read(&mut head).await;
        let _ = tcp.write_all(b"HTTP/1.1 200 OK\r\n").await;
        let line = b"x-filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n";
        while tcp.write_all(line).await.is_ok() {}
    })
    .await;

    let started = std::time::Instant::now();
    let err = single_attempt(&base)
        .check_access()
        .await
        .expect_err("no head, no answer");

    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    let teamup::Error::Transport(e) = &err else {
        panic!("expected a transport error, got {err:?}");
    };
    assert_eq!(e.kind, clientgen_runtime::TransportErrorKind::Other);
    assert!(e.source.to_string().contains("too large"), "{}", e.source);
}

/// Text that is not HTTP where the response should be is a transport error, not a panic or a
/// hang, and the connection is not used again: the second call opens another.
#[tokio::test]
async fn an_answer_that_is_not_http_is_a_transport_error() {
    let (base, carried) =
        answer_once(|_| (Duration::ZERO, b"SSH-2.0-OpenSSH_9.6\r\n\r\n".to_vec())).await;
    let client = single_attempt(&base);

    for _ in 0..2 {
        let err = client.check_access().await.expect_err("not HTTP");
        let teamup::Error::Transport(e) = &err else {
            panic!("expected a transport error, got {err:?}");
        };
        assert_eq!(e.kind, clientgen_runtime::TransportErrorKind::Other);
    }
    assert_eq!(*carried.lock().await, vec![0, 1]);
}
