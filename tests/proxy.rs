//! A proxy named by the environment carries the API calls. The transport then sends them
//! through reqwest, which reads `HTTP_PROXY` and the others; without one it keeps its own
//! connections.
//!
//! The environment is the process's, so the call runs in a child: this binary again, running
//! only `the_call_in_the_child`, with `HTTP_PROXY` pointing at a proxy the parent serves by hand
//! on 127.0.0.1, which records the request head as it arrived.

use std::process::Command;
use std::sync::Arc;

use clientgen_tests::next_head;
use saas_clients::teamup;
use tokio::io::AsyncWriteExt;
use tokio::sync::Mutex;

/// Set in the child only.
const CHILD: &str = "CLIENTGEN_PROXY_TEST_CHILD";

/// A host that exists nowhere: the call can only succeed through the proxy.
const HOST: &str = "api.teamup.invalid";

const ANSWER: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 17\r\n\r\n{\"access\": \"ok\"}\n";

/// Answers every request with `ANSWER` and records its head.
async fn proxy() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    let heads = Arc::new(Mutex::new(Vec::new()));
    let seen = heads.clone();
    tokio::spawn(async move {
        while let Ok((mut tcp, _)) = listener.accept().await {
            let seen = seen.clone();
            tokio::spawn(async move {
                let Some(head) = next_head(&mut tcp, &mut Vec::new()).await else {
                    return;
                };
                seen.lock()
                    .await
                    .push(String::from_utf8_lossy(&head).into_owned());
                let _ = tcp.write_all(ANSWER).await;
            });
        }
    });
    (format!("http://{address}"), heads)
}

/// The parent: serves the proxy, runs the child with `HTTP_PROXY` set, and checks that the call
/// went to the proxy in absolute form, with the client's headers.
#[tokio::test]
async fn a_proxy_named_by_the_environment_carries_the_calls() {
    if std::env::var_os(CHILD).is_some() {
        return;
    }
    let (url, heads) = proxy().await;
    let exe = std::env::current_exe().expect("own path");
    let output = tokio::task::spawn_blocking(move || {
        Command::new(exe)
            .args(["the_call_in_the_child", "--exact", "--nocapture"])
            .env(CHILD, "1")
            .env("HTTP_PROXY", &url)
            .env_remove("NO_PROXY")
            .env_remove("no_proxy")
            .env_remove("ALL_PROXY")
            .env_remove("all_proxy")
            .output()
            .expect("the child runs")
    })
    .await
    .expect("child");
    assert!(
        output.status.success(),
        "the child failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let heads = heads.lock().await;
    assert_eq!(heads.len(), 1, "{heads:?}");
    let head = &heads[0];
    assert!(
        head.starts_with(&format!("GET http://{HOST}/check-access HTTP/1.1\r\n")),
        "{head}"
    );
    for line in [
        format!("host: {HOST}"),
        "accept: application/json".to_owned(),
        "teamup-token: API_KEY".to_owned(),
    ] {
        assert!(
            head.contains(&format!("\r\n{line}\r\n")),
            "{line} in {head}"
        );
    }
}

/// The child: one call to a host that does not exist, which only the proxy can answer.
#[tokio::test]
async fn the_call_in_the_child() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    let client = teamup::Client::builder("ks73ad7816e7a61b3a", "API_KEY")
        .transport(|t| t.base_url(format!("http://{HOST}")).allow_http(true))
        .build()
        .expect("client builds");
    let access = client.check_access().await.expect("the proxy answers");
    assert_eq!(access.access.as_deref(), Some("ok"));
}
