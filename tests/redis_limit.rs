//! The Teamleader v1 rate limit (25 calls in any 5 s) shared through a real `redis-server` by
//! four processes of eight tasks each, against a server that refuses (505, not carried out)
//! any call that would make 26 in a sliding 5 s window: no 505, every call carried out once.
//! Then Redis is stopped in the middle of a run: a client set to fail reports
//! `Error::RateLimit` and sends nothing, a client set to fall back goes on under its own
//! limit, and no call is sent twice.
//!
//! The CI run makes 64 calls (about 13 s); `four_processes_for_a_minute` (ignored, run by hand)
//! makes 400, over 80 s, and prints the same figures.

#[path = "support/redis.rs"]
mod redis_support;
#[path = "support/window_server.rs"]
mod window_server;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clientgen_runtime::LimitError;
use clientgen_runtime::limit::redis::{RedisLimiter, Unreachable};
use redis_support::{ROLE, RedisServer, finish, spawn_child, tagged};
use saas_clients::teamleader_v1::{self, types::AddContact};
use window_server::{WindowServer, busiest_window};
use wiremock::{Mock, MockServer};

const PROCESSES: usize = 4;
const TASKS: usize = 8;
const PER: Duration = Duration::from_secs(5);

fn client(base: &str, limiter: RedisLimiter) -> teamleader_v1::Client {
    let base = base.to_owned();
    teamleader_v1::Client::builder()
        .credentials(["GROUP", "SECRET"])
        .transport(move |t| {
            t.base_url(base)
                .allow_http(true)
                .limit_backend(Arc::new(limiter))
        })
        .build()
        .expect("client builds")
}

/// One call, bounded in time.
async fn send(client: &teamleader_v1::Client, name: &str) -> Result<(), teamleader_v1::Error> {
    let body = contact(name);
    match tokio::time::timeout(Duration::from_secs(10), client.add_contact(&body)).await {
        Ok(answer) => answer.map(drop),
        Err(_) => panic!("{name} did not finish within 10 s"),
    }
}

fn contact(email: &str) -> AddContact {
    AddContact::new("Jane".into(), "Doe".into(), email.to_owned())
}

/// One child process: its own client, `TASKS` tasks, `CALLS` calls in all, each named
/// `p<process>-<i>`; prints `CARRIED <name>` for every call that returned `Ok`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a child process of the tests below"]
async fn limit_child() {
    if std::env::var(ROLE).as_deref() != Ok("limit") {
        return;
    }
    let var = |k: &str| std::env::var(k).unwrap_or_else(|_| panic!("{k} is set"));
    let process = var("CHILD_PROCESS");
    let calls: usize = var("CHILD_CALLS").parse().unwrap();
    let limiter = RedisLimiter::open(&var("CHILD_REDIS"), "shared-key").unwrap();
    let client = client(&var("CHILD_SERVER"), limiter);
    let tasks: Vec<_> = (0..TASKS)
        .map(|task| {
            let client = client.clone();
            let process = process.clone();
            tokio::spawn(async move {
                let mut done = Vec::new();
                for i in (task..calls).step_by(TASKS) {
                    let name = format!("p{process}-{i}");
                    match client.add_contact(&contact(&name)).await {
                        Ok(_) => done.push(name),
                        Err(e) => panic!("{name}: {e}"),
                    }
                }
                done
            })
        })
        .collect();
    for task in tasks {
        for name in task.await.expect("no panic") {
            println!("CARRIED {name}");
        }
    }
}

/// Runs `PROCESSES` children of `calls` calls each against one window server and one Redis,
/// checks that nothing was refused and every call was carried out once, and prints the calls
/// per 5 s window.
async fn four_processes(calls: usize) {
    let redis = RedisServer::start().await;
    let window = WindowServer::new(25, PER);
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(window.clone())
        .mount(&server)
        .await;
    let started = Instant::now();
    let children: Vec<_> = (0..PROCESSES)
        .map(|p| {
            spawn_child(
                "limit_child",
                "limit",
                &[
                    ("CHILD_PROCESS", p.to_string()),
                    ("CHILD_CALLS", calls.to_string()),
                    ("CHILD_REDIS", redis.url()),
                    ("CHILD_SERVER", server.uri()),
                ],
            )
        })
        .collect();
    // Spacing 202 ms: the whole run takes calls × processes × 0.202 s; allow 50% more.
    let limit = Duration::from_millis(303 * (calls * PROCESSES) as u64 + 10_000);
    let mut returned = BTreeSet::new();
    for (p, child) in children.into_iter().enumerate() {
        let out = finish(child, limit, &format!("child {p}")).await;
        returned.extend(tagged(&out, "CARRIED").into_iter().map(str::to_owned));
    }
    let elapsed = started.elapsed();
    let expected: BTreeSet<String> = (0..PROCESSES)
        .flat_map(|p| (0..calls).map(move |i| format!("p{p}-{i}")))
        .collect();
    assert_eq!(returned, expected, "every call returned Ok in its process");

    let log = window.log.lock().unwrap();
    let carried: BTreeSet<_> = log.emails.iter().cloned().collect();
    assert_eq!(
        log.emails.len(),
        expected.len(),
        "no call carried out twice"
    );
    assert_eq!(carried, expected, "every call carried out");
    let busiest = busiest_window(&log.accepted, PER);
    let first = log.accepted[0];
    let mut windows = Vec::new();
    for t in &log.accepted {
        let k = (t.duration_since(first).as_secs_f64() / PER.as_secs_f64()) as usize;
        if windows.len() <= k {
            windows.resize(k + 1, 0usize);
        }
        windows[k] += 1;
    }
    let full = &windows[..windows.len().saturating_sub(1)];
    let average = full.iter().sum::<usize>() as f64 / full.len().max(1) as f64;
    println!(
        "{PROCESSES} processes x {TASKS} tasks, {} calls in {elapsed:.1?}: calls per 5 s window \
         {windows:?}; average over the {} full windows {average:.2}; busiest sliding 5 s \
         window {busiest}; 505s {}",
        expected.len(),
        full.len(),
        log.refused
    );
    assert_eq!(log.refused, 0, "no 505");
    assert!(busiest <= 25, "a 5 s window held {busiest} calls");
}

/// 4 processes x 8 tasks, 64 calls through one Redis key: no 505, each call carried out once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_processes_share_25_calls_per_5_seconds() {
    four_processes(16).await;
}

/// The same for 400 calls (80 s), to read the sustained rate:
/// `cargo test -p clientgen-tests --test redis_limit -- --ignored four_processes_for_a_minute --nocapture`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "80 s; run by hand for the sustained-rate figures"]
async fn four_processes_for_a_minute() {
    four_processes(100).await;
}

/// Redis is killed after a few calls. A client that fails on an unreachable Redis reports
/// `Error::RateLimit(LimitError::Unavailable)` within its Redis timeout and sends nothing; a
/// client that falls back goes on under its in-process limit. No call reaches the server twice,
/// and none of the failed ones reaches it at all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_stopped_mid_run_fails_or_falls_back_and_sends_nothing_twice() {
    let mut redis = RedisServer::start().await;
    let window = WindowServer::new(25, PER);
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(window.clone())
        .mount(&server)
        .await;
    let timeout = Duration::from_millis(500);
    let strict = client(
        &server.uri(),
        RedisLimiter::with_options(&redis.url(), "k", timeout, Unreachable::Fail).unwrap(),
    );
    let lenient = client(
        &server.uri(),
        RedisLimiter::with_options(&redis.url(), "k", timeout, Unreachable::InProcess).unwrap(),
    );
    for i in 0..3 {
        send(&strict, &format!("strict-{i}")).await.unwrap();
        send(&lenient, &format!("lenient-{i}")).await.unwrap();
    }
    redis.stop();
    for i in 3..6 {
        let asked = Instant::now();
        let failed = send(&strict, &format!("strict-{i}")).await;
        match failed {
            Err(teamleader_v1::Error::RateLimit(LimitError::Unavailable(why))) => {
                assert!(
                    asked.elapsed() < Duration::from_secs(3),
                    "failed after {:?}",
                    asked.elapsed()
                );
                if i == 3 {
                    println!("with Redis stopped: {why}");
                }
            }
            other => panic!("strict-{i}: expected Error::RateLimit, got {other:?}"),
        }
        send(&lenient, &format!("lenient-{i}"))
            .await
            .expect("falls back to the in-process limit");
    }
    let log = window.log.lock().unwrap();
    let mut expected: Vec<String> = (0..3).map(|i| format!("strict-{i}")).collect();
    expected.extend((0..6).map(|i| format!("lenient-{i}")));
    expected.sort();
    let mut carried = log.emails.clone();
    carried.sort();
    assert_eq!(
        carried, expected,
        "each call carried out once; the failed ones never sent"
    );
    assert_eq!(log.refused, 0);
}
