//! The happy-path cost of one call: the generated Teamup client's `get_event` against a raw
//! reqwest GET of the same body decoded into the same type, side by side in one process, both
//! against a minimal keep-alive HTTP/1.1 server on 127.0.0.1 (a raw `TcpListener`, so the
//! server's own cost is small and the same for both).
//!
//! `cargo bench -p clientgen-tests --bench call_cost`
//!
//! Prints the median and the 90th percentile of the per-call time of each side, over rounds of
//! calls, and the difference: what the runtime (request assembly, retry and rate-limit
//! machinery, deadline, body cap, decoding into `ResponseValue`) adds to a bare request.

use std::time::{Duration, Instant};

use saas_clients::teamup;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const ROUNDS: usize = 15;
const CALLS: usize = 400;

/// Answers every request on every connection with `body`, keeping connections alive.
async fn serve(body: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let response = response.clone();
            tokio::spawn(async move {
                let mut buffer = Vec::with_capacity(4096);
                let mut chunk = [0u8; 4096];
                loop {
                    // Requests here are GETs without a body: one ends at the blank line.
                    while let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                        buffer.drain(..end + 4);
                        if socket.write_all(response.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                    match socket.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                    }
                }
            });
        }
    });
    format!("http://{addr}")
}

const EVENT: &str = r#"{"event":{"id":"11449078","subcalendar_id":893615,"subcalendar_ids":[893615],"start_dt":"2015-06-01T00:00:00+0000","end_dt":"2015-06-01T23:59:00+0000","all_day":true,"rrule":"","title":"Demo Event 1 - All Day","who":"","location":"","notes":"","version":"559a7bc52d8d8","readonly":false,"tz":"Europe/Brussels","creation_dt":"2015-07-06T13:06:13+0000","update_dt":null,"delete_dt":null}}"#;

fn quantile(sorted: &[f64], q: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let base = serve(EVENT).await;
        let client = teamup::Client::builder("calendar", "key")
            .transport(|t| t.base_url(base.clone()).allow_http(true))
            .build()
            .expect("client");
        let raw = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .expect("reqwest");
        let url = format!("{base}/calendar/events/11449078");

        let generated = || async {
            let event = client.get_event("11449078").await.expect("call succeeds");
            assert_eq!(event.id, "11449078");
        };
        let bare = || async {
            let response = raw
                .get(&url)
                .header("teamup-token", "key")
                .header("accept", "application/json")
                .send()
                .await
                .expect("send");
            let body = response.bytes().await.expect("body");
            #[derive(serde::Deserialize)]
            struct Envelope {
                event: teamup::types::Event,
            }
            let e: Envelope = serde_json::from_slice(&body).expect("decodes");
            assert_eq!(e.event.id, "11449078");
        };
        // Warm up both connection pools.
        for _ in 0..200 {
            generated().await;
            bare().await;
        }
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        for _ in 0..ROUNDS {
            let started = Instant::now();
            for _ in 0..CALLS {
                bare().await;
            }
            theirs.push(started.elapsed().as_secs_f64() * 1e6 / CALLS as f64);
            let started = Instant::now();
            for _ in 0..CALLS {
                generated().await;
            }
            ours.push(started.elapsed().as_secs_f64() * 1e6 / CALLS as f64);
        }
        ours.sort_by(f64::total_cmp);
        theirs.sort_by(f64::total_cmp);
        println!("per-call time, µs ({ROUNDS} rounds of {CALLS} calls, current-thread runtime)");
        println!("| side | median | p90 |");
        println!("|---|---|---|");
        println!(
            "| bare reqwest + serde | {:.1} | {:.1} |",
            quantile(&theirs, 0.5),
            quantile(&theirs, 0.9)
        );
        println!(
            "| generated client | {:.1} | {:.1} |",
            quantile(&ours, 0.5),
            quantile(&ours, 0.9)
        );
        println!(
            "runtime overhead (median difference): {:.1} µs per call",
            quantile(&ours, 0.5) - quantile(&theirs, 0.5)
        );
    });
}
