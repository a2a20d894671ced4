//! Peak memory of a call whose server sends a huge or endless body: the body cap keeps it to
//! the cap, whatever the server sends.
//!
//! `cargo bench -p clientgen-tests --bench big_body`
//!
//! A raw server on 127.0.0.1 (in this process; it writes from one 64 KiB buffer) answers with a
//! `Content-Length` of 2 GiB, an endless chunked body, or a 1 MiB error page. "Peak heap" is
//! the most heap bytes live at once during the call, counted by a wrapping global allocator;
//! `VmHWM` is the process's peak resident set at the end.

#[path = "../support/faults.rs"]
#[allow(dead_code)]
mod fault_support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use fault_support::{RawFault, RawServer};
use saas_clients::teamup;

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed to the system allocator unchanged; only counters are updated.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn vm_hwm() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM"))
                .map(|l| l["VmHWM:".len()..].trim().to_owned())
        })
        .unwrap_or_else(|| "n/a".to_owned())
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        println!("| server sends | cap | outcome | seconds | peak heap during the call |");
        println!("|---|---|---|---|---|");
        let cases: [(&str, RawFault, Option<u64>); 3] = [
            (
                "200, Content-Length 2 GiB",
                RawFault::HugeBody { declared: 2 << 30 },
                None,
            ),
            ("200, endless chunked body", RawFault::EndlessBody, None),
            (
                "200, endless chunked body",
                RawFault::EndlessBody,
                Some(1 << 20),
            ),
        ];
        for (what, fault, cap) in cases {
            let server = RawServer::start(fault).await;
            let client = teamup::Client::builder("calendar", "key")
                .transport(|t| {
                    let t = t.base_url(server.uri()).allow_http(true);
                    match cap {
                        Some(cap) => t.max_body(cap),
                        None => t,
                    }
                })
                .build()
                .expect("client");
            let before = LIVE.load(Ordering::Relaxed);
            PEAK.store(before, Ordering::Relaxed);
            let started = Instant::now();
            let result =
                tokio::time::timeout(Duration::from_secs(60), client.get_event("1").send())
                    .await
                    .expect("the call ends");
            let seconds = started.elapsed().as_secs_f64();
            let peak = PEAK.load(Ordering::Relaxed).saturating_sub(before);
            let outcome = match &result {
                Err(teamup::Error::BodyTooLarge(e)) if e.declared.is_some() => {
                    "BodyTooLarge (Content-Length)"
                }
                Err(teamup::Error::BodyTooLarge(_)) => "BodyTooLarge (while reading)",
                Err(_) => "other error",
                Ok(_) => "Ok",
            };
            let cap = cap.unwrap_or(clientgen_runtime::body::DEFAULT_MAX_BODY);
            println!(
                "| {what} | {} MiB | {outcome} | {seconds:.3} | {:.1} MiB |",
                cap >> 20,
                peak as f64 / (1 << 20) as f64
            );
        }
        println!("process peak resident set (VmHWM): {}", vm_hwm());
    });
}
