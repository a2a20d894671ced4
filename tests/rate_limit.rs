//! The Teamleader v1 client's rate limit (25 calls in any 5 seconds, from its spec) against a
//! server that refuses (505, not carried out) any call that would make 26, as Teamleader does:
//! many tasks sharing one client never trip it, and a 505 caused by someone else is waited out
//! and retried without losing or duplicating the call. Uses real time (about 20 seconds).

#[path = "support/window_server.rs"]
mod window_server;

use std::collections::BTreeSet;
use std::time::Duration;

use saas_clients::teamleader_v1::{self, types::AddContact};
use window_server::{WindowServer, busiest_window};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> teamleader_v1::Client {
    teamleader_v1::Client::builder()
        .credentials(["GROUP", "SECRET"])
        .transport(|t| t.base_url(server.uri()).allow_http(true))
        .build()
        .unwrap()
}

fn contact(email: String) -> AddContact {
    AddContact::new("Jane".into(), "Doe".into(), email)
}

/// 8 tasks make 100 calls through one client: no 505, every call carried out exactly once,
/// no 5-second window over 25.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_tasks_never_pass_25_in_5_seconds() {
    let limit = WindowServer::new(25, Duration::from_secs(5));
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(limit.clone())
        .mount(&server)
        .await;
    let client = client(&server);
    let tasks: Vec<_> = (0..8)
        .map(|task| {
            let client = client.clone();
            tokio::spawn(async move {
                let mut done = Vec::new();
                for i in (task..100).step_by(8) {
                    let email = format!("call-{i}@example.com");
                    client
                        .add_contact(&contact(email))
                        .await
                        .expect("carried out");
                    done.push(i);
                }
                done
            })
        })
        .collect();
    let mut finished = BTreeSet::new();
    for t in tasks {
        finished.extend(t.await.expect("no panic"));
    }
    assert_eq!(finished.len(), 100, "every call returned");
    let log = limit.log.lock().unwrap();
    assert_eq!(log.refused, 0, "no 505");
    let carried: BTreeSet<_> = log.emails.iter().cloned().collect();
    assert_eq!(log.emails.len(), 100, "no call carried out twice");
    assert_eq!(
        carried,
        (0..100).map(|i| format!("call-{i}@example.com")).collect()
    );
    assert!(busiest_window(&log.accepted, Duration::from_secs(5)) <= 25);
}

/// Another program used the key: the first reply is 505. The call waits and is sent again, and
/// it is carried out once.
#[tokio::test]
async fn a_505_from_someone_else_is_retried_once_processed() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(505))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let limit = WindowServer::new(25, Duration::from_secs(5));
    Mock::given(wiremock::matchers::any())
        .respond_with(limit.clone())
        .mount(&server)
        .await;
    let delays = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let recorded = delays.clone();
    // The server must outlive the client: a dropped MockServer goes back to wiremock's pool,
    // where another test may take it over.
    let uri = server.uri();
    let client = teamleader_v1::Client::builder()
        .credentials(["GROUP", "SECRET"])
        .transport(move |t| {
            t.base_url(uri)
                .allow_http(true)
                .sleeper(clientgen_runtime::Sleeper::new(move |d| {
                    recorded.lock().unwrap().push(d);
                    Box::pin(async {})
                }))
        })
        .build()
        .unwrap();
    let id = client
        .add_contact(&contact("once@example.com".into()))
        .await
        .unwrap();
    assert_eq!(*id, 1);
    assert_eq!(limit.log.lock().unwrap().emails, ["once@example.com"]);
    assert_eq!(
        delays.lock().unwrap().len(),
        1,
        "one wait before the second attempt"
    );
}
