//! The request and decode path of a generated client, side by side with the code a careful user
//! would write by hand, in one process against one loopback server.
//!
//! `cargo bench -p clientgen-tests --bench request_path`
//!
//! Three clients make the same calls, interleaved round by round so that drifting machine load
//! hits all three alike, and in an order rotated every round: on this machine the place in
//! the round alone moved a client's median by up to 20 µs, so a fixed order would favour the
//! first:
//! - `hyper`: a raw hyper HTTP/1 connection that reads the body and decodes nothing (the floor);
//! - `hand`: reqwest + serde_json into plain `#[derive(Deserialize)]` structs, chrono for the
//!   date-times, as a careful user would write it;
//! - `generated`: the generated Teamup (and Grow CRM) client.
//!
//! The server (hyper, keep-alive, bodies prepared in advance) runs in a child process (this
//! binary with `--serve`), so allocation counts and heap figures are the client's alone.
//! Allocations are counted by a wrapping global allocator, which is off while 32 tasks are
//! timed (see `Counting`). The decode section decodes a
//! 10,000-event body in memory, without HTTP, and reports MB/s and the peak heap, and the rate of
//! the lead page too. The transport
//! section splits the gap between raw hyper and reqwest: the same `get_event` request, body
//! read and not decoded, through one hyper connection, hyper-util's pooled client (what
//! reqwest is built on), reqwest itself, with the hand-written client's 30 s timeout and
//! without one, and a pool of hyper connections kept by hand (what the runtime's `conn` does).
//!
//! Every client sends the credential header its API takes (`Teamup-Token`, or Grow CRM's
//! `Authorization: Bearer`); the generated one adds `Accept` and `User-Agent`, which the
//! hand-written one does without. Under 32 tasks each client first runs a round that opens its
//! connections, then one that counts allocations; neither is timed.
//!
//! `cargo bench -p clientgen-tests --bench request_path -- --profile generated` (or `hand`;
//! `generated-raw`, `hand-raw` and `pool-raw`, the pool by hand, read the body and decode
//! nothing) runs one client alone, 32 tasks of `get_event` for 6 s (`hand-1000` and
//! `generated-1000`: `list_events` of 1,000), and prints its calls per second; for
//! `perf record` (with `CARGO_PROFILE_BENCH_DEBUG=line-tables-only
//! RUSTFLAGS=-Cforce-frame-pointers=yes` for call stacks).

use std::alloc::{GlobalAlloc, Layout, System};
use std::convert::Infallible;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicIsize, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Empty, Full};
use hyper_util::rt::TokioIo;
use serde::Deserialize;

/// Counts allocations and live heap bytes, and remembers the most live at once, while
/// `COUNTING` is on.
///
/// Off while 32 tasks are timed and in `--profile`: the counters are shared by both threads,
/// and under two threads allocating at once their cache lines went back and forth between the
/// cores. A 32-task profile of `list_events` of 1,000 spent 28% of the generated client's time
/// and 4% of the hand-written one's in this allocator, a cost no real program pays. Live bytes
/// are signed: memory allocated while counting was off and freed while it is on takes them
/// below where they started, which only deltas are read from.
struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(true);
static ALLOCS: AtomicUsize = AtomicUsize::new(0);
static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

fn counted(size: usize) {
    ALLOCS.fetch_add(1, Ordering::Relaxed);
    let size = size as isize;
    let live = LIVE.fetch_add(size, Ordering::Relaxed) + size;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

// SAFETY: every call is passed to the system allocator unchanged; only counters are updated.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() && COUNTING.load(Ordering::Relaxed) {
            counted(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        if COUNTING.load(Ordering::Relaxed) {
            LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() && COUNTING.load(Ordering::Relaxed) {
            LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
            counted(new_size);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

// ---------------------------------------------------------------------------------------------
// Bodies

/// One Teamup event as the live service sends it: the documented fields, and two it does not
/// document (`attachments`, `signup_enabled`), which the generated client keeps in `extra`.
fn event_json(i: usize) -> serde_json::Value {
    serde_json::json!({
        "id": format!("{}", 100_000 + i),
        "series_id": null,
        "remote_id": null,
        "subcalendar_ids": [730624, 730625],
        "subcalendar_id": 730624,
        "start_dt": "2015-06-17T06:00:00-0400",
        "end_dt": "2015-06-17T07:00:00-0400",
        "all_day": false,
        "rrule": "",
        "title": format!("Demo event number {i}"),
        "who": "Sam Lee",
        "location": "Room 4",
        "notes": "<p>Bring the quarterly figures.</p>",
        "version": "556db1f949aa6",
        "readonly": false,
        "tz": "America/New_York",
        "ristart_dt": null,
        "rsstart_dt": null,
        "creation_dt": "2015-06-02T13:39:05+0000",
        "update_dt": "2015-06-03T08:12:44+0000",
        "attachments": [],
        "signup_enabled": false
    })
}

fn events_body(n: usize) -> Bytes {
    let events: Vec<_> = (0..n).map(event_json).collect();
    serde_json::to_vec(&serde_json::json!({ "events": events, "timestamp": 1_434_535_200 }))
        .expect("json")
        .into()
}

fn event_body() -> Bytes {
    serde_json::to_vec(&serde_json::json!({ "event": event_json(7) }))
        .expect("json")
        .into()
}

fn leads_body() -> Bytes {
    let data: Vec<_> = (0..100)
        .map(|id| {
            serde_json::json!({
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
    serde_json::to_vec(&serde_json::json!({
        "data": data,
        "meta": {"current_page": 1, "per_page": 100, "total": 100, "last_page": 1},
        "message": "Leads retrieved successfully."
    }))
    .expect("json")
    .into()
}

// ---------------------------------------------------------------------------------------------
// Server (child process)

struct Bodies {
    event: Bytes,
    lists: Vec<(String, Bytes)>,
    leads: Bytes,
}

fn route(bodies: &Bodies, path: &str) -> Bytes {
    if path.starts_with("/api/leads") {
        return bodies.leads.clone();
    }
    if path.contains("/events/") {
        return bodies.event.clone();
    }
    for (key, body) in &bodies.lists {
        if path.starts_with(&format!("/{key}/events")) {
            return body.clone();
        }
    }
    Bytes::from_static(b"{}")
}

async fn serve() {
    let bodies = Arc::new(Bodies {
        event: event_body(),
        lists: [1, 100, 1000]
            .iter()
            .map(|n| (format!("n{n}"), events_body(*n)))
            .collect(),
        leads: leads_body(),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    println!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(async {
        let _ =
            tokio::task::spawn_blocking(|| std::io::stdin().read_line(&mut String::new())).await;
        std::process::exit(0);
    });
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let bodies = bodies.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req: hyper::Request<_>| {
                let body = route(&bodies, req.uri().path());
                async move {
                    let resp = hyper::Response::builder()
                        .header("content-type", "application/json")
                        .body(Full::new(body))
                        .expect("response");
                    Ok::<_, Infallible>(resp)
                }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

// ---------------------------------------------------------------------------------------------
// The hand-written client

type Chrono = chrono::DateTime<chrono::FixedOffset>;

/// A Teamup event as a careful user would declare it.
#[allow(dead_code)]
#[derive(Deserialize)]
struct HandEvent {
    id: String,
    series_id: Option<i64>,
    remote_id: Option<String>,
    subcalendar_ids: Vec<i64>,
    subcalendar_id: i64,
    start_dt: Chrono,
    end_dt: Chrono,
    all_day: bool,
    rrule: Option<String>,
    title: Option<String>,
    who: Option<String>,
    location: Option<String>,
    notes: Option<String>,
    version: Option<String>,
    readonly: Option<bool>,
    tz: Option<String>,
    ristart_dt: Option<Chrono>,
    rsstart_dt: Option<Chrono>,
    creation_dt: Option<Chrono>,
    update_dt: Option<Chrono>,
}

#[derive(Deserialize)]
struct HandEventEnvelope {
    event: HandEvent,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct HandEventsEnvelope {
    events: Vec<HandEvent>,
    timestamp: Option<i64>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct HandLead {
    id: i64,
    title: Option<String>,
    value: Option<String>,
    status: Option<HandStatus>,
    active_state: Option<String>,
    category: Option<HandCategory>,
    source: Option<String>,
    last_contacted: Option<chrono::NaiveDate>,
    description: Option<String>,
    contact: Option<HandContact>,
    address: Option<HandAddress>,
    converted: Option<HandConverted>,
    assigned: Vec<HandAssignee>,
    tags: Vec<String>,
    dates: Option<HandDates>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct HandStatus {
    id: i64,
    title: String,
    color: Option<String>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct HandCategory {
    id: i64,
    name: String,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct HandContact {
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    job_position: Option<String>,
    company_name: Option<String>,
    website: Option<String>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct HandAddress {
    street: Option<String>,
    city: Option<String>,
    state: Option<String>,
    zip: Option<String>,
    country: Option<String>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct HandConverted {
    is_converted: bool,
    client_id: Option<i64>,
    date: Option<chrono::NaiveDate>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct HandAssignee {
    id: i64,
    name: String,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct HandDates {
    created: Option<Chrono>,
    updated: Option<Chrono>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct HandLeads {
    data: Vec<HandLead>,
}

#[derive(Clone)]
struct Hand {
    http: reqwest::Client,
    base: String,
}

impl Hand {
    async fn get(&self, case: Case, path: &str) -> Bytes {
        let (name, value) = case.credential();
        let resp = self
            .http
            .get(format!("{}{path}", self.base))
            .header(name, value)
            .send()
            .await
            .expect("send");
        assert!(resp.status().is_success());
        resp.bytes().await.expect("body")
    }

    async fn call(&self, case: Case) -> usize {
        match case {
            Case::GetEvent => {
                let body = self.get(case, "/cal/events/100007").await;
                let e: HandEventEnvelope = serde_json::from_slice(&body).expect("decode");
                usize::from(!e.event.id.is_empty())
            }
            Case::List(n) => {
                let body = self.get(case, &format!("/n{n}/events")).await;
                let e: HandEventsEnvelope = serde_json::from_slice(&body).expect("decode");
                e.events.len()
            }
            Case::Leads => {
                let body = self.get(case, "/api/leads?limit=100").await;
                let l: HandLeads = serde_json::from_slice(&body).expect("decode");
                l.data.len()
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The raw hyper floor

struct Raw {
    send: hyper::client::conn::http1::SendRequest<Empty<Bytes>>,
    host: String,
}

impl Raw {
    async fn connect(addr: &str) -> Raw {
        let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
        stream.set_nodelay(true).expect("nodelay");
        let (send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .expect("handshake");
        tokio::spawn(conn);
        Raw {
            send,
            host: addr.to_owned(),
        }
    }

    async fn call(&mut self, case: Case) -> usize {
        let path = match case {
            Case::GetEvent => "/cal/events/100007".to_owned(),
            Case::List(n) => format!("/n{n}/events"),
            Case::Leads => "/api/leads?limit=100".to_owned(),
        };
        let (name, value) = case.credential();
        let req = hyper::Request::get(path)
            .header("host", &self.host)
            .header(name, value)
            .body(Empty::new())
            .expect("request");
        self.send.ready().await.expect("connection ready");
        let resp = self.send.send_request(req).await.expect("send");
        assert!(resp.status().is_success());
        let body = resp.into_body().collect().await.expect("body").to_bytes();
        body.len()
    }
}

/// A pool kept by hand over hyper connections: idle senders in a list, taken for one request
/// and put back once its body is read. No task is spawned per request, unlike hyper-util's
/// pool; it shows what the pool alone costs over one connection.
struct Pool {
    addr: String,
    idle: std::sync::Mutex<Vec<hyper::client::conn::http1::SendRequest<Empty<Bytes>>>>,
}

impl Pool {
    async fn get(&self, path: &str) -> usize {
        let taken = self.idle.lock().expect("pool").pop();
        let mut send = match taken {
            Some(send) if !send.is_closed() => send,
            _ => Raw::connect(&self.addr).await.send,
        };
        let req = hyper::Request::get(path)
            .header("host", &self.addr)
            .header("Teamup-Token", "key")
            .body(Empty::new())
            .expect("request");
        send.ready().await.expect("connection ready");
        let resp = send.send_request(req).await.expect("send");
        assert!(resp.status().is_success());
        let body = resp.into_body().collect().await.expect("body").to_bytes();
        self.idle.lock().expect("pool").push(send);
        body.len()
    }
}

/// hyper-util's pooled client: the pool and connection task reqwest runs on, without
/// reqwest's own layers.
type Pooled = hyper_util::client::legacy::Client<
    hyper_util::client::legacy::connect::HttpConnector,
    Empty<Bytes>,
>;

async fn transport_call(
    which: usize,
    raw: &mut Raw,
    pooled: &Pooled,
    hand: &Hand,
    untimed: &Hand,
    pool: &Pool,
) -> usize {
    const PATH: &str = "/cal/events/100007";
    match which {
        0 => raw.call(Case::GetEvent).await,
        1 => {
            let req = hyper::Request::get(format!("{}{PATH}", hand.base))
                .header("Teamup-Token", "key")
                .body(Empty::new())
                .expect("request");
            let resp = pooled.request(req).await.expect("send");
            assert!(resp.status().is_success());
            resp.into_body()
                .collect()
                .await
                .expect("body")
                .to_bytes()
                .len()
        }
        2 => hand.get(Case::GetEvent, PATH).await.len(),
        3 => untimed.get(Case::GetEvent, PATH).await.len(),
        _ => pool.get(PATH).await,
    }
}

/// The transport alone, `get_event`'s request and body with no decoding, interleaved.
async fn transport(raw: &mut Raw, hand: &Hand) {
    let mut connector = hyper_util::client::legacy::connect::HttpConnector::new();
    connector.set_nodelay(true);
    let pooled: Pooled =
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .build(connector);
    // The hand-written client has a 30 s timeout, as a careful user's would; reqwest's timeout
    // is a cost of its own, so the same client without one is measured too.
    let untimed = Hand {
        http: reqwest::Client::new(),
        base: hand.base.clone(),
    };
    let pool = Pool {
        addr: raw.host.clone(),
        idle: Default::default(),
    };
    let mut samples: [Samples; 5] = Default::default();
    let rounds = Case::GetEvent.rounds();
    for round in 0..rounds + rounds / 10 {
        for k in 0..samples.len() {
            let which = (round + k) % samples.len();
            let s = &mut samples[which];
            let allocs = ALLOCS.load(Ordering::Relaxed);
            let started = Instant::now();
            let got = transport_call(which, raw, &pooled, hand, &untimed, &pool).await;
            let elapsed = started.elapsed();
            let allocs = ALLOCS.load(Ordering::Relaxed) - allocs;
            assert!(got > 0);
            if round >= rounds / 10 {
                s.micros.push(elapsed.as_secs_f64() * 1e6);
                s.allocs += allocs;
                s.calls += 1;
                s.counted += 1;
            }
        }
    }
    println!(
        "transport alone, get_event's request and body, no decode (µs: median, p99; allocations):"
    );
    let stats: Vec<(f64, f64)> = samples.iter_mut().map(Samples::stats).collect();
    let names = [
        "hyper connection",
        "hyper-util pooled",
        "reqwest, 30 s timeout",
        "reqwest, no timeout",
        "hyper, pool by hand",
    ];
    for (i, name) in names.iter().enumerate() {
        let (median, p99) = stats[i];
        let allocs = samples[i].allocs as f64 / samples[i].counted as f64;
        println!(
            "  {name:<22} {median:>8.1} {p99:>8.1} {allocs:>6.0}   {:>+7.1} over the connection",
            median - stats[0].0
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The generated clients

#[derive(Clone)]
struct Generated {
    calendars: Vec<(usize, saas_clients::teamup::Client)>,
    single: saas_clients::teamup::Client,
    crm: saas_clients::grow_crm::Client,
}

impl Generated {
    fn new(base: &str) -> Generated {
        let teamup = |key: &str| {
            saas_clients::teamup::Client::builder(key, "key")
                .transport(|t| t.base_url(base).allow_http(true))
                .build()
                .expect("client")
        };
        Generated {
            calendars: [1, 100, 1000]
                .iter()
                .map(|n| (*n, teamup(&format!("n{n}"))))
                .collect(),
            single: teamup("cal"),
            crm: saas_clients::grow_crm::Client::builder("key")
                .transport(|t| t.base_url(format!("{base}/api")).allow_http(true))
                .build()
                .expect("client"),
        }
    }

    async fn call(&self, case: Case) -> usize {
        match case {
            Case::GetEvent => {
                let e = self.single.get_event("100007").await.expect("decode");
                usize::from(!e.id.is_empty())
            }
            Case::List(n) => {
                let client = &self.calendars.iter().find(|(k, _)| *k == n).expect("n").1;
                client.list_events().await.expect("decode").len()
            }
            Case::Leads => self
                .crm
                .list_leads()
                .limit(100)
                .await
                .expect("decode")
                .data
                .len(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Measuring

#[derive(Clone, Copy, PartialEq, Eq)]
enum Case {
    GetEvent,
    List(usize),
    Leads,
}

impl Case {
    fn name(self) -> String {
        match self {
            Case::GetEvent => "get_event".into(),
            Case::List(n) => format!("list_events {n}"),
            Case::Leads => "list_leads 100".into(),
        }
    }

    /// The credential header the API takes, as the generated client sends it: Teamup's key
    /// header, Grow CRM's bearer token. The hand-written and raw clients send the same, so
    /// that each makes the same call.
    fn credential(self) -> (&'static str, &'static str) {
        match self {
            Case::GetEvent | Case::List(_) => ("Teamup-Token", "key"),
            Case::Leads => ("Authorization", "Bearer key"),
        }
    }

    fn expected(self) -> usize {
        match self {
            Case::GetEvent => 1,
            Case::List(n) => n,
            Case::Leads => 100,
        }
    }

    /// Sequential calls per client: about the same time for every case.
    fn rounds(self) -> usize {
        match self {
            Case::GetEvent | Case::List(1) => 3000,
            Case::List(100) | Case::Leads => 400,
            _ => 60,
        }
    }
}

#[derive(Default)]
struct Samples {
    micros: Vec<f64>,
    /// Allocations in the `counted` calls.
    allocs: usize,
    counted: usize,
    calls: usize,
}

impl Samples {
    fn stats(&mut self) -> (f64, f64) {
        self.micros.sort_by(f64::total_cmp);
        let n = self.micros.len();
        (self.micros[n / 2], self.micros[(n * 99 / 100).min(n - 1)])
    }
}

const NAMES: [&str; 3] = ["hyper", "hand", "generated"];

async fn sequential(case: Case, raw: &mut Raw, hand: &Hand, generated: &Generated) {
    let mut samples: [Samples; 3] = Default::default();
    let warmup = case.rounds() / 10;
    for round in 0..case.rounds() + warmup {
        for k in 0..samples.len() {
            let which = (round + k) % samples.len();
            let s = &mut samples[which];
            let allocs = ALLOCS.load(Ordering::Relaxed);
            let started = Instant::now();
            let got = match which {
                0 => raw.call(case).await,
                1 => hand.call(case).await,
                _ => generated.call(case).await,
            };
            let elapsed = started.elapsed();
            let allocs = ALLOCS.load(Ordering::Relaxed) - allocs;
            if which > 0 {
                assert_eq!(got, case.expected());
            }
            if round >= warmup {
                s.micros.push(elapsed.as_secs_f64() * 1e6);
                s.allocs += allocs;
                s.calls += 1;
                s.counted += 1;
            }
        }
    }
    print_row(&case.name(), "seq", &mut samples);
}

async fn concurrent(case: Case, addr: &str, hand: &Hand, generated: &Generated) {
    const TASKS: usize = 32;
    let per_task = (case.rounds() / 40).max(3);
    let mut samples: [Samples; 3] = Default::default();
    let mut raws = Vec::new();
    for _ in 0..TASKS {
        raws.push(Raw::connect(addr).await);
    }
    let mut wall = [Duration::ZERO; 3];
    // Round 0 is a warm-up and is not counted: each client opens its 32 connections in it.
    // Without it, whichever client met this case with a cold pool paid 32 connection set-ups
    // inside the measurement (the generated clients are one per case, the hand-written one is
    // shared, so that was nearly always the generated one). Round 1 counts allocations and is
    // not timed; rounds 2 to 5 are timed, with the counting allocator off.
    for round in 0..6 {
        COUNTING.store(round == 1, Ordering::Relaxed);
        for k in 0..samples.len() {
            let which = (round + k) % samples.len();
            let mut untimed = Samples::default();
            let s = if round < 2 {
                &mut untimed
            } else {
                &mut samples[which]
            };
            let allocs = ALLOCS.load(Ordering::Relaxed);
            let started = Instant::now();
            let mut tasks = Vec::new();
            for _ in 0..TASKS {
                let hand = hand.clone();
                let generated = generated.clone();
                let mut raw = (which == 0).then(|| raws.pop().expect("connection"));
                tasks.push(tokio::spawn(async move {
                    let mut micros = Vec::with_capacity(per_task);
                    for _ in 0..per_task {
                        let t = Instant::now();
                        let got = match (which, raw.as_mut()) {
                            (0, Some(raw)) => raw.call(case).await,
                            (1, _) => hand.call(case).await,
                            _ => generated.call(case).await,
                        };
                        micros.push(t.elapsed().as_secs_f64() * 1e6);
                        if which > 0 {
                            assert_eq!(got, case.expected());
                        }
                    }
                    (micros, raw)
                }));
            }
            for task in tasks {
                let (micros, raw) = task.await.expect("task");
                s.micros.extend(micros);
                s.calls += per_task;
                raws.extend(raw);
            }
            if round > 1 {
                wall[which] += started.elapsed();
            }
            if round == 1 {
                samples[which].allocs += ALLOCS.load(Ordering::Relaxed) - allocs;
                samples[which].counted += TASKS * per_task;
            }
        }
    }
    COUNTING.store(true, Ordering::Relaxed);
    print_row(&case.name(), "32 tasks", &mut samples);
    let rate = |i: usize| samples[i].calls as f64 / wall[i].as_secs_f64();
    println!(
        "{:>44} calls/s: hyper {:.0}, hand {:.0}, generated {:.0}; generated/hand throughput {:.2}",
        "",
        rate(0),
        rate(1),
        rate(2),
        rate(2) / rate(1)
    );
}

/// `--profile`: client `which` alone, 32 tasks of `get_event` for 6 s: 1 hand, 2 generated,
/// and the same two reading the body without decoding it (3, 4; the generated client through
/// `raw_request`), which splits a difference between sending and decoding; 5, the pool by hand;
/// 6 and 7, hand and generated with `list_events` of 1,000 instead.
async fn profile(which: usize, hand: &Hand, generated: &Generated, addr: &str) {
    const SECONDS: u64 = 6;
    const EVENT: &str = "/cal/events/100007";
    let until = Instant::now() + Duration::from_secs(SECONDS);
    let pool = Arc::new(Pool {
        addr: addr.to_owned(),
        idle: Default::default(),
    });
    let tasks: Vec<_> = (0..32)
        .map(|_| {
            let (hand, generated, pool) = (hand.clone(), generated.clone(), pool.clone());
            tokio::spawn(async move {
                let mut calls = 0u64;
                while Instant::now() < until {
                    let got = match which {
                        1 => hand.call(Case::GetEvent).await,
                        // The same request, body read, nothing decoded.
                        3 => usize::from(!hand.get(Case::GetEvent, EVENT).await.is_empty()),
                        4 => {
                            let body = generated
                                .single
                                .raw_request(saas_clients::runtime::Method::GET, EVENT)
                                .bytes()
                                .await
                                .expect("body");
                            usize::from(!body.is_empty())
                        }
                        5 => usize::from(pool.get(EVENT).await > 0),
                        6 => usize::from(hand.call(Case::List(1000)).await == 1000),
                        7 => usize::from(generated.call(Case::List(1000)).await == 1000),
                        _ => generated.call(Case::GetEvent).await,
                    };
                    assert_eq!(got, 1);
                    calls += 1;
                }
                calls
            })
        })
        .collect();
    let mut calls = 0;
    for task in tasks {
        calls += task.await.expect("task");
    }
    println!("{} calls/s", calls / SECONDS);
}

fn print_row(name: &str, mode: &str, samples: &mut [Samples; 3]) {
    let stats: Vec<(f64, f64)> = samples.iter_mut().map(Samples::stats).collect();
    let mut line = format!("{name:<16} {mode:<9}");
    for (i, (median, p99)) in stats.iter().enumerate() {
        let allocs = samples[i].allocs as f64 / samples[i].counted as f64;
        line.push_str(&format!(" | {median:>8.1} {p99:>8.1} {allocs:>6.0}"));
    }
    line.push_str(&format!(
        " | {:>5.2} {:>5.2} {:>+8.1}",
        stats[2].0 / stats[1].0,
        stats[2].1 / stats[1].1,
        stats[2].0 - stats[0].0
    ));
    println!("{line}");
}

/// Decodes a 10,000-event body in memory: MB/s and the peak heap above the body itself.
fn decode(which: usize, body: &Bytes) -> (f64, usize) {
    let runs = 12;
    let mut best = f64::MAX;
    let mut peak = 0;
    for _ in 0..runs {
        let before = LIVE.load(Ordering::Relaxed);
        PEAK.store(before, Ordering::Relaxed);
        let started = Instant::now();
        let n = if which == 1 {
            let v: HandEventsEnvelope = serde_json::from_slice(body).expect("decode");
            v.events.len()
        } else {
            let v: Vec<saas_clients::teamup::types::Event> = generated_decode::<
                _,
                saas_clients::teamup::types::ErrorResponse,
            >(body, Some("events"));
            v.len()
        };
        best = best.min(started.elapsed().as_secs_f64());
        peak = peak.max((PEAK.load(Ordering::Relaxed) - before).max(0) as usize);
        assert_eq!(n, 10_000);
    }
    (body.len() as f64 / best / 1e6, peak)
}

/// A body decoded as the generated clients decode a 200 answer, without HTTP.
fn generated_decode<T, E>(body: &Bytes, envelope: Option<&str>) -> T
where
    T: serde::de::DeserializeOwned,
    E: clientgen_runtime::ErrorBody,
{
    clientgen_runtime::RawResponse::from_parts(
        "decode",
        http::StatusCode::OK,
        http::HeaderMap::new(),
        body.clone(),
    )
    .json::<T, E>(envelope)
    .expect("decode")
    .into_inner()
}

/// Decodes the 100-lead page in memory: MB/s, best of 12 batches of 200.
fn decode_leads(which: usize, body: &Bytes) -> f64 {
    let mut best = f64::MAX;
    for _ in 0..12 {
        let started = Instant::now();
        for _ in 0..200 {
            let n = if which == 1 {
                let v: HandLeads = serde_json::from_slice(body).expect("decode");
                v.data.len()
            } else {
                let v: saas_clients::grow_crm::types::LeadPage =
                    generated_decode::<_, saas_clients::grow_crm::types::ErrorBody>(body, None);
                v.data.len()
            };
            assert_eq!(n, 100);
        }
        best = best.min(started.elapsed().as_secs_f64() / 200.0);
    }
    body.len() as f64 / best / 1e6
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--serve") {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(serve());
        return;
    }
    // `--profile hand|generated|hand-raw|generated-raw`: only that client, 32 tasks of
    // `get_event` for 6 s, and its rate; for `perf record`, which then sees one client's work
    // alone.
    let profile_only = args.iter().position(|a| a == "--profile").map(|i| {
        match args.get(i + 1).map(String::as_str) {
            Some("hand") => 1,
            Some("generated") => 2,
            Some("hand-raw") => 3,
            Some("generated-raw") => 4,
            Some("pool-raw") => 5,
            Some("hand-1000") => 6,
            Some("generated-1000") => 7,
            _ => panic!(
                "--profile takes `hand`, `generated`, `hand-raw`, `generated-raw`, `pool-raw`, \
                 `hand-1000` or `generated-1000`"
            ),
        }
    });
    let exe = std::env::current_exe().expect("own path");
    let mut child = Command::new(exe)
        .arg("--serve")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the server");
    let mut base = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut base)
        .expect("server address");
    let base = base.trim().to_owned();
    let addr = base.trim_start_matches("http://").to_owned();

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let hand = Hand {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .expect("reqwest"),
            base: base.clone(),
        };
        let generated = Generated::new(&base);
        let mut raw = Raw::connect(&addr).await;
        if let Some(which) = profile_only {
            COUNTING.store(false, Ordering::Relaxed);
            profile(which, &hand, &generated, &addr).await;
            return;
        }
        println!("latency in µs (median, p99) and allocations per call; ratios generated/hand");
        println!(
            "{:<26} | {:^24} | {:^24} | {:^24} | {:^22}",
            "case", NAMES[0], NAMES[1], NAMES[2], "gen/hand med p99, gen-hyper"
        );
        let cases = [
            Case::GetEvent,
            Case::List(1),
            Case::List(100),
            Case::List(1000),
            Case::Leads,
        ];
        for case in cases {
            sequential(case, &mut raw, &hand, &generated).await;
        }
        for case in cases {
            concurrent(case, &addr, &hand, &generated).await;
        }
        transport(&mut raw, &hand).await;
    });
    if profile_only.is_some() {
        drop(child.stdin.take());
        let _ = child.wait();
        return;
    }

    let body = events_body(10_000);
    println!(
        "decode of 10,000 events ({:.1} MB), best of 12:",
        body.len() as f64 / 1e6
    );
    let (hand_rate, hand_peak) = decode(1, &body);
    let (gen_rate, gen_peak) = decode(2, &body);
    println!(
        "  hand      {hand_rate:>7.1} MB/s  peak heap {:>6.1} MB",
        hand_peak as f64 / 1e6
    );
    println!(
        "  generated {gen_rate:>7.1} MB/s  peak heap {:>6.1} MB  (rate {:.2}x, heap {:.2}x of hand)",
        gen_peak as f64 / 1e6,
        gen_rate / hand_rate,
        gen_peak as f64 / hand_peak as f64
    );
    let leads = leads_body();
    let (hand_rate, gen_rate) = (decode_leads(1, &leads), decode_leads(2, &leads));
    println!(
        "decode of the 100-lead page ({:.1} KB), best of 12: hand {hand_rate:.1} MB/s, \
         generated {gen_rate:.1} MB/s (rate {:.2}x of hand)",
        leads.len() as f64 / 1e3,
        gen_rate / hand_rate
    );
    drop(child.stdin.take());
    let _ = child.wait();
}
