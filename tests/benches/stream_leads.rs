//! Streams every lead of a Grow CRM account through the generated client and prints the time
//! and the peak memory, for 10,000 and 100,000 leads (pages of 100), to show that memory stays
//! flat however many pages there are.
//!
//! `cargo bench -p clientgen-tests --bench stream_leads`
//!
//! The page server runs in a child process (this same binary with `--serve`), so the memory
//! figures are the client's alone. Peak memory is measured two ways: the most heap bytes live at
//! once, counted by a wrapping global allocator, and the process's peak resident set (`VmHWM`).

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use futures::StreamExt;
use serde_json::json;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Counts live heap bytes and remembers the most seen at once.
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

const PAGE_SIZE: usize = 100;

/// Answers `GET /api/leads?page=N&limit=100` with page N of `total` leads.
struct Pages {
    total: usize,
}

impl Respond for Pages {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let page: usize = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "page")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(1);
        let last_page = self.total.div_ceil(PAGE_SIZE);
        let first_id = (page - 1) * PAGE_SIZE;
        let data: Vec<_> = (first_id..(first_id + PAGE_SIZE).min(self.total))
            .map(|id| {
                json!({
                    "id": id, "title": format!("Lead {id}"), "value": "2500.00",
                    "status": {"id": 1, "title": "New", "color": "#4f8cff"},
                    "active_state": "active", "category": {"id": 3, "name": "Web"},
                    "source": "Website", "last_contacted": "2026-06-15",
                    "description": "Inbound enquiry.",
                    "contact": {"first_name": "Jane", "last_name": "Doe",
                                "email": "jane@acme.example", "phone": "+1 555 0100",
                                "job_position": "CTO", "company_name": "Acme Inc",
                                "website": "https://acme.example"},
                    "address": {"street": null, "city": null, "state": null, "zip": null,
                                "country": null},
                    "converted": {"is_converted": false, "client_id": null, "date": null},
                    "assigned": [{"id": 53, "name": "Sam Lee"}], "tags": ["priority"],
                    "dates": {"created": "2026-06-18T09:30:00.000000Z",
                              "updated": "2026-06-18T09:30:00.000000Z"}
                })
            })
            .collect();
        let body = json!({
            "data": data,
            "meta": {"current_page": page, "per_page": PAGE_SIZE, "total": self.total,
                     "last_page": last_page},
            "message": "Leads retrieved successfully."
        });
        ResponseTemplate::new(200).set_body_json(body)
    }
}

/// Child process: serve pages until stdin closes.
async fn serve(total: usize) {
    let server = MockServer::builder()
        .disable_request_recording()
        .start()
        .await;
    Mock::given(wiremock::matchers::path("/api/leads"))
        .respond_with(Pages { total })
        .mount(&server)
        .await;
    println!("{}", server.uri());
    let _ = tokio::task::spawn_blocking(|| std::io::stdin().read_line(&mut String::new())).await;
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// Streams `total` leads from a fresh child server; returns (seconds, peak heap bytes during
/// the stream, items seen, requests made).
async fn run(total: usize) -> (f64, usize, usize) {
    let exe = std::env::current_exe().expect("own path");
    let mut child = Command::new(exe)
        .args(["--serve", &total.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the page server");
    let mut uri = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut uri)
        .expect("server address");
    let client = saas_clients::grow_crm::Client::builder("key")
        .transport(|t| t.base_url(format!("{}/api", uri.trim())).allow_http(true))
        .build()
        .expect("client");

    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let started = Instant::now();
    let mut stream = client.list_leads().limit(PAGE_SIZE as i64).stream();
    let mut seen = 0;
    while let Some(lead) = stream.next().await {
        let lead = lead.expect("every page decodes");
        assert_eq!(lead.id, seen as i64, "leads arrive in order, none lost");
        seen += 1;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let peak = PEAK.load(Ordering::Relaxed) - before;
    drop(child.stdin.take());
    let _ = child.wait();
    assert_eq!(seen, total);
    (elapsed, peak, seen)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    if let Some(i) = args.iter().position(|a| a == "--serve") {
        let total = args[i + 1].parse().expect("lead count");
        runtime.block_on(serve(total));
        return;
    }
    println!("streaming Grow CRM leads, pages of {PAGE_SIZE}, server in a child process");
    println!(
        "{:>8} {:>6} {:>9} {:>11} {:>14}",
        "leads", "pages", "seconds", "leads/s", "peak heap KiB"
    );
    for total in [10_000, 100_000] {
        let (secs, peak, seen) = runtime.block_on(run(total));
        println!(
            "{seen:>8} {:>6} {secs:>9.2} {:>11.0} {:>14}",
            total / PAGE_SIZE,
            seen as f64 / secs,
            peak / 1024
        );
    }
    println!(
        "peak resident set of the client process: {} KiB",
        peak_rss_kib()
    );
}
