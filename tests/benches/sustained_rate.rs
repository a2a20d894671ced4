//! Sustained throughput of the Teamleader v1 client against its limit of 25 calls in any 5
//! seconds: 8 tasks share one client for 65 seconds against a local server that refuses (505) any call over the
//! limit. Prints the calls carried out in each 5-second window (goal: at least 24, never over
//! 25), the busiest sliding window, and the 505s.
//!
//! `cargo bench -p clientgen-tests --bench sustained_rate`

#[path = "../support/window_server.rs"]
mod window_server;

use std::time::{Duration, Instant};

use saas_clients::teamleader_v1::{self, types::AddContact};
use window_server::{WindowServer, busiest_window};
use wiremock::{Mock, MockServer};

const RUN: Duration = Duration::from_secs(65);
const WINDOW: Duration = Duration::from_secs(5);

#[tokio::main(flavor = "multi_thread", worker_threads = 4)]
async fn main() {
    let limit = WindowServer::new(25, WINDOW);
    let server = MockServer::builder()
        .disable_request_recording()
        .start()
        .await;
    Mock::given(wiremock::matchers::any())
        .respond_with(limit.clone())
        .mount(&server)
        .await;
    let client = teamleader_v1::Client::builder()
        .credentials(["GROUP", "SECRET"])
        .transport(|t| t.base_url(server.uri()).allow_http(true))
        .build()
        .expect("client");
    let started = Instant::now();
    let tasks: Vec<_> = (0..8)
        .map(|task| {
            let client = client.clone();
            tokio::spawn(async move {
                let mut n = 0;
                while started.elapsed() < RUN {
                    let email = format!("{task}-{n}@example.com");
                    let body = AddContact::new("Jane".into(), "Doe".into(), email);
                    client.add_contact(&body).await.expect("carried out");
                    n += 1;
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("no panic");
    }
    let log = limit.log.lock().unwrap();
    let first = log.accepted[0];
    let mut per_window = vec![0usize; (RUN.as_secs() / WINDOW.as_secs()) as usize + 1];
    for t in &log.accepted {
        per_window[(t.duration_since(first).as_secs() / WINDOW.as_secs()) as usize] += 1;
    }
    // The last window is cut short by the end of the run.
    let full = &per_window[..(RUN.as_secs() / WINDOW.as_secs()) as usize];
    println!(
        "calls carried out per 5-second window over {} s: {full:?}",
        RUN.as_secs()
    );
    println!(
        "min {} / max {} per fixed window; busiest sliding window {}; 505 refusals {}; total {}",
        full.iter().min().unwrap(),
        full.iter().max().unwrap(),
        busiest_window(&log.accepted, WINDOW),
        log.refused,
        log.accepted.len()
    );
}
