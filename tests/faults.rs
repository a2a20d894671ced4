//! Fault tests of the generated Teamup client against real servers on 127.0.0.1.
//!
//! The centre is [`fault_matrix`]: every fault below, for every one of the twelve operations,
//! with its own server and client, asserting the outcome class, the number of requests the
//! server received, the delays the transport waited (recorded, never slept), and that no create
//! reached the server twice unless the status proved it was not processed. Each call runs in its
//! own task, so that a panic or a hang is counted instead of ending the run. The focused tests
//! after it look at one behaviour each: `Retry-After` forms and cap, backoff growth, the rate
//! limit, what reaches the logs, credential header values.

#[path = "support/faults.rs"]
// The body-size helpers serve `limits.rs` and the benches.
#[allow(dead_code)]
mod fault_support;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use clientgen_runtime::{BuildError, DateTime, RetryPolicy, TransportBuilder, TransportErrorKind};
use clientgen_tests::{TEAMUP_API_KEY, TEAMUP_CALENDAR_KEY, received, serve_with};
use fault_support::{RawFault, RawServer, recorded, recording_sleeper};
use saas_clients::teamup::{self, types};
use serde_json::{Value, json};
use tokio::sync::Barrier;
use wiremock::matchers::{any, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The calendar password every matrix client sends, so that a leak of it would show.
const PASSWORD: &str = "pw_fault_5e1d";

/// How long one call may take before the matrix counts it as hung (lost).
const CELL_LIMIT: Duration = Duration::from_secs(5);

/// A gateway's error page.
const HTML_502: &str = "<html><body><h1>502 Bad Gateway</h1></body></html>";

/// An application server's error page.
const HTML_500: &str = "<!DOCTYPE html><html><body>Internal Server Error</body></html>";

/// The server delay of the slow-server faults, and the timeout the client gives it.
const SLOW: Duration = Duration::from_millis(800);
const TIMEOUT: Duration = Duration::from_millis(200);

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// The delays of the Teamup policy's jittered backoff before retry 1, 2, ...: the base doubles
/// from 500 ms, and backon's jitter adds up to the base again.
fn teamup_backoff(retries: usize) -> Vec<(Duration, Duration)> {
    [(ms(500), ms(1000)), (ms(1000), ms(2000))][..retries].to_vec()
}

/// The documented error body with `id`.
fn error_body(id: &str) -> String {
    json!({"error": {"id": id, "title": "Title", "message": "Message"}}).to_string()
}

fn json_template(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.as_bytes().to_vec(), "application/json")
}

fn event_json() -> Value {
    json!({
        "id": "123",
        "subcalendar_ids": [730624],
        "start_dt": "2015-06-17T06:00:00-0400",
        "end_dt": "2015-06-17T07:00:00-0400",
        "all_day": false,
        "title": "Demo Event",
        "version": "556db1f949aa6"
    })
}

fn subcalendar_json() -> Value {
    json!({"id": 730624, "name": "Calendar 1", "active": true})
}

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

/// The twelve operations of the Teamup client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Op {
    CheckAccess,
    GetConfiguration,
    ListEvents,
    GetEvent,
    CreateEvent,
    UpdateEvent,
    DeleteEvent,
    ListSubcalendars,
    GetSubcalendar,
    CreateSubcalendar,
    UpdateSubcalendar,
    DeleteSubcalendar,
}

const OPS: [Op; 12] = [
    Op::CheckAccess,
    Op::GetConfiguration,
    Op::ListEvents,
    Op::GetEvent,
    Op::CreateEvent,
    Op::UpdateEvent,
    Op::DeleteEvent,
    Op::ListSubcalendars,
    Op::GetSubcalendar,
    Op::CreateSubcalendar,
    Op::UpdateSubcalendar,
    Op::DeleteSubcalendar,
];

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::CheckAccess => "check_access",
            Op::GetConfiguration => "get_configuration",
            Op::ListEvents => "list_events",
            Op::GetEvent => "get_event",
            Op::CreateEvent => "create_event",
            Op::UpdateEvent => "update_event",
            Op::DeleteEvent => "delete_event",
            Op::ListSubcalendars => "list_subcalendars",
            Op::GetSubcalendar => "get_subcalendar",
            Op::CreateSubcalendar => "create_subcalendar",
            Op::UpdateSubcalendar => "update_subcalendar",
            Op::DeleteSubcalendar => "delete_subcalendar",
        }
    }

    fn method(self) -> &'static str {
        match self {
            Op::CreateEvent | Op::CreateSubcalendar => "POST",
            Op::UpdateEvent | Op::UpdateSubcalendar => "PUT",
            Op::DeleteEvent | Op::DeleteSubcalendar => "DELETE",
            _ => "GET",
        }
    }

    /// A create: not idempotent, never to be sent twice unless the server proved it did nothing.
    fn is_create(self) -> bool {
        self.method() == "POST"
    }

    fn idempotent(self) -> bool {
        !self.is_create()
    }

    /// Documented with a 204 and no body: any success is accepted.
    fn is_delete(self) -> bool {
        self.method() == "DELETE"
    }

    /// The documented success answer.
    fn success(self) -> ResponseTemplate {
        let body = match self {
            Op::DeleteEvent | Op::DeleteSubcalendar => return ResponseTemplate::new(204),
            Op::CheckAccess => json!({"access": "ok"}),
            Op::GetConfiguration => {
                json!({"configuration": {"link": {"key": TEAMUP_CALENDAR_KEY}}})
            }
            Op::ListEvents => json!({"events": [event_json()]}),
            Op::GetEvent | Op::CreateEvent | Op::UpdateEvent => json!({"event": event_json()}),
            Op::ListSubcalendars => json!({"subcalendars": [subcalendar_json()]}),
            Op::GetSubcalendar | Op::CreateSubcalendar | Op::UpdateSubcalendar => {
                json!({"subcalendar": subcalendar_json()})
            }
        };
        json_template(if self.is_create() { 201 } else { 200 }, &body.to_string())
    }

    /// A JSON body of the wrong shape, and the path the decode error must name.
    fn wrong_shape(self) -> (Value, &'static str) {
        match self {
            Op::CheckAccess => (json!({"access": 5}), "access"),
            Op::GetConfiguration => (
                json!({"configuration": {"link": "x"}}),
                "configuration.link",
            ),
            Op::ListEvents => (json!({"events": "x"}), "events"),
            Op::GetEvent | Op::CreateEvent | Op::UpdateEvent | Op::DeleteEvent => {
                (json!({"event": {"id": 5}}), "event.id")
            }
            Op::ListSubcalendars => (json!({"subcalendars": "x"}), "subcalendars"),
            Op::GetSubcalendar
            | Op::CreateSubcalendar
            | Op::UpdateSubcalendar
            | Op::DeleteSubcalendar => (
                json!({"subcalendar": {"id": 1, "name": 7}}),
                "subcalendar.name",
            ),
        }
    }

    /// Runs the operation once through `client` with minimal valid arguments, with the per-call
    /// timeout when given; the value is dropped, only success or the typed error matters.
    async fn run(
        self,
        client: &teamup::Client,
        per_call: Option<Duration>,
    ) -> Result<(), teamup::Error> {
        macro_rules! send {
            ($builder:expr) => {{
                let builder = $builder;
                match per_call {
                    Some(t) => builder.timeout(t).await.map(drop),
                    None => builder.await.map(drop),
                }
            }};
        }
        let start = DateTime::from(Utc.with_ymd_and_hms(2015, 6, 17, 10, 0, 0).unwrap());
        let end = DateTime::from(Utc.with_ymd_and_hms(2015, 6, 17, 11, 0, 0).unwrap());
        let mut new_event = types::NewEvent::new(start, end, false);
        new_event.subcalendar_ids = Some(vec![730624]); // an event names at least one
        let event: types::Event = serde_json::from_value(event_json()).expect("fixture event");
        let new_subcalendar = types::NewSubcalendar::new("Fault drills".to_owned());
        let subcalendar: types::Subcalendar =
            serde_json::from_value(subcalendar_json()).expect("fixture sub-calendar");
        let day = |d| chrono::NaiveDate::from_ymd_opt(2015, 6, d).unwrap();
        match self {
            Op::CheckAccess => send!(client.check_access()),
            Op::GetConfiguration => send!(client.get_configuration()),
            Op::ListEvents => send!(client.list_events().start_date(day(1)).end_date(day(30))),
            Op::GetEvent => send!(client.get_event("123")),
            Op::CreateEvent => send!(client.create_event(&new_event)),
            Op::UpdateEvent => send!(client.update_event("123", &event)),
            Op::DeleteEvent => send!(client.delete_event("123", "556db1f949aa6")),
            Op::ListSubcalendars => send!(client.list_subcalendars()),
            Op::GetSubcalendar => send!(client.get_subcalendar(730624)),
            Op::CreateSubcalendar => send!(client.create_subcalendar(&new_subcalendar)),
            Op::UpdateSubcalendar => send!(client.update_subcalendar(730624, &subcalendar)),
            Op::DeleteSubcalendar => send!(client.delete_subcalendar(730624)),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Outcomes
// ---------------------------------------------------------------------------------------------

/// What a call returned, reduced to what the matrix compares.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Ok,
    Api {
        status: u16,
        code: Option<types::ErrorId>,
    },
    Unexpected {
        status: u16,
        body: String,
    },
    Decode {
        status: u16,
        path: String,
    },
    Transport(TransportErrorKind),
    Invalid,
    /// Over the body cap, refused on `Content-Length` (`true`) or while reading.
    BodyTooLarge {
        declared: bool,
    },
    /// The call's deadline refused a wait.
    Deadline,
    /// A kind of error the harness does not know (Teamup has no OAuth2, so none is expected).
    Other(String),
}

impl Outcome {
    fn of(result: &Result<(), teamup::Error>) -> Outcome {
        let err = match result {
            Ok(()) => return Outcome::Ok,
            Err(err) => err,
        };
        let status = err.status().map_or(0, |s| s.as_u16());
        match err {
            teamup::Error::Api(_) => Outcome::Api {
                status,
                code: err.code().cloned(),
            },
            teamup::Error::UnexpectedStatus(e) => Outcome::Unexpected {
                status,
                body: String::from_utf8_lossy(&e.response.body).into_owned(),
            },
            teamup::Error::Decode(e) => Outcome::Decode {
                status,
                path: e.path.clone(),
            },
            teamup::Error::Transport(e) => Outcome::Transport(e.kind),
            teamup::Error::InvalidRequest(_) => Outcome::Invalid,
            teamup::Error::BodyTooLarge(e) => Outcome::BodyTooLarge {
                declared: e.declared.is_some(),
            },
            teamup::Error::Deadline(_) => Outcome::Deadline,
            other => Outcome::Other(other.to_string()),
        }
    }

    /// The class, for the summary.
    fn class(&self) -> String {
        match self {
            Outcome::Ok => "Ok".to_owned(),
            Outcome::Api { status, .. } => format!("Api {status}"),
            Outcome::Unexpected { status, .. } => format!("UnexpectedStatus {status}"),
            Outcome::Decode { .. } => "Decode".to_owned(),
            Outcome::Transport(kind) => format!("Transport {kind:?}"),
            Outcome::Invalid => "InvalidRequest".to_owned(),
            Outcome::BodyTooLarge { declared: true } => "BodyTooLarge (Content-Length)".to_owned(),
            Outcome::BodyTooLarge { declared: false } => "BodyTooLarge (while reading)".to_owned(),
            Outcome::Deadline => "Deadline".to_owned(),
            Outcome::Other(text) => format!("Other({text})"),
        }
    }
}

/// What a cell must produce.
struct Expect {
    outcome: Outcome,
    /// Requests the server must receive.
    requests: usize,
    /// The delays the transport must wait, each within `(low, high)` inclusive.
    delays: Vec<(Duration, Duration)>,
}

impl Expect {
    fn new(outcome: Outcome, requests: usize, delays: Vec<(Duration, Duration)>) -> Expect {
        Expect {
            outcome,
            requests,
            delays,
        }
    }

    /// One request, no retry.
    fn once(outcome: Outcome) -> Expect {
        Expect::new(outcome, 1, Vec::new())
    }
}

// ---------------------------------------------------------------------------------------------
// Faults
// ---------------------------------------------------------------------------------------------

/// The faults of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    TooManyRetryAfter,
    TooManyBackoff,
    Error500,
    Html502,
    Maintenance503,
    Status505,
    ClosedBeforeResponse,
    ResetBeforeResponse,
    CutMidBody,
    InvalidJson,
    WrongShape,
    Html500,
    EmptyBody,
    SlowClientTimeout,
    SlowCallTimeout,
    RedirectElsewhere,
    RedirectSameOrigin,
    HugeBody,
    EndlessBody,
    HugeErrorBody,
    RetryAfterPastDeadline,
    BackoffPastDeadline,
}

const FAULTS: [Fault; 22] = [
    Fault::TooManyRetryAfter,
    Fault::TooManyBackoff,
    Fault::Error500,
    Fault::Html502,
    Fault::Maintenance503,
    Fault::Status505,
    Fault::ClosedBeforeResponse,
    Fault::ResetBeforeResponse,
    Fault::CutMidBody,
    Fault::InvalidJson,
    Fault::WrongShape,
    Fault::Html500,
    Fault::EmptyBody,
    Fault::SlowClientTimeout,
    Fault::SlowCallTimeout,
    Fault::RedirectElsewhere,
    Fault::RedirectSameOrigin,
    Fault::HugeBody,
    Fault::EndlessBody,
    Fault::HugeErrorBody,
    Fault::RetryAfterPastDeadline,
    Fault::BackoffPastDeadline,
];

/// The body cap of the body-size rows, and the 500 body of the error-excerpt row.
const CAP: u64 = 1024 * 1024;
const BIG_ERROR: usize = 1024 * 1024;
/// The client timeout of the deadline rows.
const DEADLINE: Duration = Duration::from_millis(1000);

/// A server of one cell.
enum Server {
    Mock {
        main: MockServer,
        /// The other origin a redirect points to.
        elsewhere: Option<MockServer>,
    },
    Raw(RawServer),
}

/// One request a server received, reduced to what the matrix checks.
#[derive(Debug)]
struct Seen {
    method: String,
    path: String,
    token: Option<String>,
    password: Option<String>,
    /// Length of the body received.
    body: usize,
}

impl Seen {
    fn of_mock(r: &Request) -> Seen {
        let header = |n: &str| {
            r.headers
                .get(n)
                .map(|v| v.to_str().unwrap_or("?").to_owned())
        };
        Seen {
            method: r.method.to_string(),
            path: r.url.path().to_owned(),
            token: header("teamup-token"),
            password: header("teamup-password"),
            body: r.body.len(),
        }
    }
}

impl Server {
    fn uri(&self) -> String {
        match self {
            Server::Mock { main, .. } => main.uri(),
            Server::Raw(raw) => raw.uri(),
        }
    }

    async fn seen(&self) -> Vec<Seen> {
        match self {
            Server::Mock { main, .. } => received(main).await.iter().map(Seen::of_mock).collect(),
            Server::Raw(raw) => raw
                .requests()
                .into_iter()
                .map(|r| {
                    let header = |n: &str| {
                        r.headers
                            .iter()
                            .find(|(name, _)| name == n)
                            .map(|(_, v)| v.clone())
                    };
                    Seen {
                        token: header("teamup-token"),
                        password: header("teamup-password"),
                        path: r.target.split('?').next().unwrap_or("").to_owned(),
                        body: r.body.len(),
                        method: r.method,
                    }
                })
                .collect(),
        }
    }
}

/// A server answering `first` once, then the operation's success.
async fn once_then_success(first: ResponseTemplate, op: Op) -> Server {
    let main = MockServer::start().await;
    Mock::given(any())
        .respond_with(first)
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&main)
        .await;
    Mock::given(any())
        .respond_with(op.success())
        .with_priority(2)
        .mount(&main)
        .await;
    Server::Mock {
        main,
        elsewhere: None,
    }
}

/// A server answering `template` to every request.
async fn always(template: ResponseTemplate) -> Server {
    Server::Mock {
        main: serve_with(template).await,
        elsewhere: None,
    }
}

/// The retry policy with 429 in both lists. Teamup documents no 429, so its spec policy does not
/// list it; the generic default policy retries 429 for every operation, and these faults check
/// that behaviour through the Teamup client.
fn policy_with_429() -> RetryPolicy {
    RetryPolicy {
        retry_statuses: vec![429, 500, 502, 503, 504],
        not_processed_statuses: vec![429, 503],
        ..teamup::retry_policy()
    }
}

impl Fault {
    fn label(self) -> &'static str {
        match self {
            Fault::TooManyRetryAfter => "1a 429 Retry-After: 2, then 2xx",
            Fault::TooManyBackoff => "1b 429 no Retry-After, then 2xx",
            Fault::Error500 => "2  500 unexpected_error, then 2xx",
            Fault::Html502 => "3  502 HTML, then 2xx",
            Fault::Maintenance503 => "4  503 Retry-After: 1 maintenance, then 2xx",
            Fault::Status505 => "5  505 empty body",
            Fault::ClosedBeforeResponse => "6a closed (FIN) before response",
            Fault::ResetBeforeResponse => "6b reset (RST) before response",
            Fault::CutMidBody => "7  body cut at 10 of 1000 bytes",
            Fault::InvalidJson => "8  200 invalid JSON",
            Fault::WrongShape => "9  200 JSON of the wrong shape",
            Fault::Html500 => "10 500 HTML page (always)",
            Fault::EmptyBody => "11 200 empty body",
            Fault::SlowClientTimeout => "12a slow server, client timeout",
            Fault::SlowCallTimeout => "12b slow server, per-call timeout",
            Fault::RedirectElsewhere => "13a 302 to another origin",
            Fault::RedirectSameOrigin => "13b 302 same origin (GETs)",
            Fault::HugeBody => "14a 200 Content-Length 2 GiB, cap 1 MiB",
            Fault::EndlessBody => "14b 200 endless chunked body, cap 1 MiB",
            Fault::HugeErrorBody => "15 500 with a 1 MiB body (always)",
            Fault::RetryAfterPastDeadline => "16a 503 Retry-After: 60, 1 s timeout",
            Fault::BackoffPastDeadline => "16b 500 backoff 2 s, 1 s timeout",
        }
    }

    /// A status that proves the request was not processed: a create may be sent again.
    fn not_processed(self) -> bool {
        matches!(
            self,
            Fault::TooManyRetryAfter | Fault::TooManyBackoff | Fault::Maintenance503
        )
    }

    /// The brief asks the same-origin redirect for reads only; what it does to writes is a
    /// focused test of its own.
    fn applies_to(self, op: Op) -> bool {
        self != Fault::RedirectSameOrigin || op.method() == "GET"
    }

    /// The call's own timeout.
    fn per_call_timeout(self) -> Option<Duration> {
        (self == Fault::SlowCallTimeout).then_some(TIMEOUT)
    }

    /// Transport settings beyond the base URL and the recording sleeper.
    fn adjust(self, t: TransportBuilder) -> TransportBuilder {
        match self {
            Fault::TooManyRetryAfter | Fault::TooManyBackoff => t.retry(policy_with_429()),
            Fault::SlowClientTimeout => t.retry(RetryPolicy::none()).timeout(TIMEOUT),
            Fault::SlowCallTimeout => t.retry(RetryPolicy::none()),
            Fault::HugeBody | Fault::EndlessBody => t.max_body(CAP),
            Fault::RetryAfterPastDeadline => t.timeout(DEADLINE),
            Fault::BackoffPastDeadline => t.timeout(DEADLINE).retry(RetryPolicy {
                initial_backoff: ms(2000),
                ..teamup::retry_policy()
            }),
            _ => t,
        }
    }

    async fn serve(self, op: Op) -> Server {
        match self {
            Fault::TooManyRetryAfter => {
                once_then_success(
                    ResponseTemplate::new(429).insert_header("Retry-After", "2"),
                    op,
                )
                .await
            }
            Fault::TooManyBackoff => once_then_success(ResponseTemplate::new(429), op).await,
            Fault::Error500 => {
                once_then_success(json_template(500, &error_body("unexpected_error")), op).await
            }
            Fault::Html502 => {
                once_then_success(
                    ResponseTemplate::new(502).set_body_raw(HTML_502, "text/html"),
                    op,
                )
                .await
            }
            Fault::Maintenance503 => {
                let first = json_template(503, &error_body("maintenance_active"))
                    .insert_header("Retry-After", "1");
                once_then_success(first, op).await
            }
            Fault::Status505 => always(ResponseTemplate::new(505)).await,
            Fault::ClosedBeforeResponse => {
                Server::Raw(RawServer::start(RawFault::CloseBeforeResponse).await)
            }
            Fault::ResetBeforeResponse => {
                Server::Raw(RawServer::start(RawFault::ResetBeforeResponse).await)
            }
            Fault::CutMidBody => Server::Raw(
                RawServer::start(RawFault::CutBody {
                    declared: 1000,
                    sent: 10,
                })
                .await,
            ),
            Fault::InvalidJson => always(json_template(200, "{not json")).await,
            Fault::WrongShape => always(json_template(200, &op.wrong_shape().0.to_string())).await,
            Fault::Html500 => {
                always(ResponseTemplate::new(500).set_body_raw(HTML_500, "text/html")).await
            }
            Fault::EmptyBody => always(ResponseTemplate::new(200)).await,
            Fault::SlowClientTimeout | Fault::SlowCallTimeout => {
                always(op.success().set_delay(SLOW)).await
            }
            Fault::RedirectElsewhere => {
                let elsewhere = serve_with(op.success()).await;
                let target = format!("{}/elsewhere", elsewhere.uri());
                let main = serve_with(
                    ResponseTemplate::new(302).insert_header("Location", target.as_str()),
                )
                .await;
                Server::Mock {
                    main,
                    elsewhere: Some(elsewhere),
                }
            }
            Fault::HugeBody => {
                Server::Raw(RawServer::start(RawFault::HugeBody { declared: 2 << 30 }).await)
            }
            Fault::EndlessBody => Server::Raw(RawServer::start(RawFault::EndlessBody).await),
            Fault::HugeErrorBody => {
                always(ResponseTemplate::new(500).set_body_raw(vec![b'x'; BIG_ERROR], "text/plain"))
                    .await
            }
            Fault::RetryAfterPastDeadline => {
                always(
                    json_template(503, &error_body("maintenance_active"))
                        .insert_header("Retry-After", "60"),
                )
                .await
            }
            Fault::BackoffPastDeadline => {
                always(json_template(500, &error_body("unexpected_error"))).await
            }
            Fault::RedirectSameOrigin => {
                let main = MockServer::start().await;
                Mock::given(path("/moved"))
                    .respond_with(op.success())
                    .with_priority(1)
                    .mount(&main)
                    .await;
                let target = format!("{}/moved", main.uri());
                Mock::given(any())
                    .respond_with(
                        ResponseTemplate::new(302).insert_header("Location", target.as_str()),
                    )
                    .with_priority(2)
                    .mount(&main)
                    .await;
                Server::Mock {
                    main,
                    elsewhere: None,
                }
            }
        }
    }

    fn expect(self, op: Op) -> Expect {
        let idempotent = op.idempotent();
        // A failure an idempotent call retries until the attempts run out (3 with Teamup's
        // policy): three requests, two backoff delays, then the last reply.
        let exhausted = |outcome: Outcome| {
            if idempotent {
                Expect::new(outcome, 3, teamup_backoff(2))
            } else {
                Expect::once(outcome)
            }
        };
        let decoded = |path: &str| {
            if op.is_delete() {
                Expect::once(Outcome::Ok)
            } else {
                Expect::once(Outcome::Decode {
                    status: 200,
                    path: path.to_owned(),
                })
            }
        };
        match self {
            Fault::TooManyRetryAfter => Expect::new(Outcome::Ok, 2, vec![(ms(2000), ms(2000))]),
            Fault::TooManyBackoff => Expect::new(Outcome::Ok, 2, teamup_backoff(1)),
            Fault::Error500 if idempotent => Expect::new(Outcome::Ok, 2, teamup_backoff(1)),
            Fault::Error500 => Expect::once(Outcome::Api {
                status: 500,
                code: Some(types::ErrorId::UnexpectedError),
            }),
            Fault::Html502 if idempotent => Expect::new(Outcome::Ok, 2, teamup_backoff(1)),
            Fault::Html502 => Expect::once(Outcome::Unexpected {
                status: 502,
                body: HTML_502.to_owned(),
            }),
            Fault::Maintenance503 => Expect::new(Outcome::Ok, 2, vec![(ms(1000), ms(1000))]),
            Fault::Status505 => Expect::once(Outcome::Unexpected {
                status: 505,
                body: String::new(),
            }),
            // A connection that closed or reset after the request went out is neither a connect
            // error nor a body error: `Other`. Only `Connect` makes the transport retry a
            // create, so a create is sent once.
            Fault::ClosedBeforeResponse | Fault::ResetBeforeResponse => {
                exhausted(Outcome::Transport(TransportErrorKind::Other))
            }
            Fault::CutMidBody => exhausted(Outcome::Transport(TransportErrorKind::Body)),
            // Text that is not JSON fails before any key is read: the path is empty.
            Fault::InvalidJson => decoded(""),
            Fault::WrongShape => decoded(op.wrong_shape().1),
            Fault::Html500 => exhausted(Outcome::Unexpected {
                status: 500,
                body: HTML_500.to_owned(),
            }),
            Fault::EmptyBody => decoded(""),
            Fault::SlowClientTimeout | Fault::SlowCallTimeout => {
                Expect::once(Outcome::Transport(TransportErrorKind::Timeout))
            }
            Fault::RedirectElsewhere => Expect::once(Outcome::Unexpected {
                status: 302,
                body: String::new(),
            }),
            Fault::RedirectSameOrigin => Expect::new(Outcome::Ok, 2, Vec::new()),
            // Over the cap: never retried (the same server would send the same body).
            Fault::HugeBody => Expect::once(Outcome::BodyTooLarge { declared: true }),
            Fault::EndlessBody => Expect::once(Outcome::BodyTooLarge { declared: false }),
            Fault::HugeErrorBody => exhausted(Outcome::Unexpected {
                status: 500,
                body: "x".repeat(16 * 1024),
            }),
            // The wait would end after the deadline: refused at once, no sleep.
            Fault::RetryAfterPastDeadline => Expect::once(Outcome::Deadline),
            Fault::BackoffPastDeadline if idempotent => Expect::once(Outcome::Deadline),
            Fault::BackoffPastDeadline => Expect::once(Outcome::Api {
                status: 500,
                code: Some(types::ErrorId::UnexpectedError),
            }),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The matrix
// ---------------------------------------------------------------------------------------------

/// How a call ended.
#[derive(Debug)]
enum Ran {
    Done(Outcome),
    /// Still running after [`CELL_LIMIT`].
    Hung,
    /// The call's task panicked (or was cancelled) instead of returning.
    Panicked(String),
}

/// The figures of one cell.
struct Cell {
    fault: Fault,
    op: Op,
    ran: Ran,
    requests: usize,
    retries: usize,
    duplicated: bool,
    mismatches: Vec<String>,
}

/// Runs `op` against a server with `fault` and checks what happened. The call starts once every
/// cell of the fault has its server and client (`ready`): building a client takes CPU, and
/// building eleven while a 200 ms timeout runs would starve the first calls.
async fn run_cell(fault: Fault, op: Op, ready: Arc<Barrier>) -> Cell {
    let server = fault.serve(op).await;
    let (sleeper, delays) = recording_sleeper();
    let uri = server.uri();
    let client = teamup::Client::builder(TEAMUP_CALENDAR_KEY, TEAMUP_API_KEY)
        .password(PASSWORD)
        .transport(|t| fault.adjust(t.base_url(uri).allow_http(true).sleeper(sleeper)))
        .build()
        .expect("client builds");
    let _ = tokio::time::timeout(CELL_LIMIT, ready.wait()).await;

    let started = Instant::now();
    let per_call = fault.per_call_timeout();
    let call = tokio::spawn(async move { op.run(&client, per_call).await });
    let abort = call.abort_handle();
    let ran = match tokio::time::timeout(CELL_LIMIT, call).await {
        Err(_) => {
            abort.abort();
            Ran::Hung
        }
        Ok(Err(join)) if join.is_panic() => {
            let payload = join.into_panic();
            let text = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            Ran::Panicked(text)
        }
        Ok(Err(join)) => Ran::Panicked(format!("cancelled: {join}")),
        Ok(Ok(result)) => Ran::Done(Outcome::of(&result)),
    };
    let elapsed = started.elapsed();

    let seen = server.seen().await;
    let delays = recorded(&delays);
    let expect = fault.expect(op);
    let mut mismatches = Vec::new();
    let mut check = |ok: bool, what: String| {
        if !ok {
            mismatches.push(format!("{} / {}: {what}", fault.label(), op.name()));
        }
    };

    match &ran {
        Ran::Done(outcome) => check(
            *outcome == expect.outcome,
            format!("outcome {outcome:?}, expected {:?}", expect.outcome),
        ),
        other => check(false, format!("lost call: {other:?}")),
    }
    check(
        seen.len() == expect.requests,
        format!(
            "{} requests received, expected {}",
            seen.len(),
            expect.requests
        ),
    );
    let within = delays.len() == expect.delays.len()
        && delays
            .iter()
            .zip(&expect.delays)
            .all(|(d, (low, high))| low <= d && d <= high);
    check(
        within,
        format!("delays {delays:?}, expected within {:?}", expect.delays),
    );
    for (i, s) in seen.iter().enumerate() {
        check(
            s.method == op.method(),
            format!("request {i} went out as {}", s.method),
        );
        check(
            s.token.as_deref() == Some(TEAMUP_API_KEY) && s.password.as_deref() == Some(PASSWORD),
            format!("request {i} lacks its credentials: {s:?}"),
        );
        let writes = matches!(op.method(), "POST" | "PUT");
        check(
            (s.body > 0) == writes,
            format!("request {i} carried {} body bytes", s.body),
        );
    }
    if let Server::Raw(raw) = &server {
        check(
            raw.connections() == seen.len(),
            format!(
                "{} connections for {} requests",
                raw.connections(),
                seen.len()
            ),
        );
    }
    match fault {
        Fault::RedirectElsewhere => {
            if let Server::Mock {
                elsewhere: Some(elsewhere),
                ..
            } = &server
            {
                let leaked = received(elsewhere).await.len();
                check(
                    leaked == 0,
                    format!("the other origin received {leaked} requests"),
                );
            }
        }
        Fault::RedirectSameOrigin => {
            let followed = seen.get(1).map(|s| s.path.as_str());
            check(
                followed == Some("/moved"),
                format!("the redirect was not followed to /moved: {seen:?}"),
            );
        }
        Fault::SlowClientTimeout | Fault::SlowCallTimeout => check(
            elapsed < SLOW - ms(100),
            format!("the timeout took {elapsed:?}"),
        ),
        _ => {}
    }
    let creates = seen.iter().filter(|s| s.method == "POST").count();
    let allowed = if fault.not_processed() {
        teamup::retry_policy().max_attempts as usize
    } else {
        1
    };
    let duplicated = op.is_create() && creates > allowed;
    check(
        !duplicated,
        format!("a create was received {creates} times"),
    );

    Cell {
        fault,
        op,
        ran,
        requests: seen.len(),
        retries: delays.len(),
        duplicated,
        mismatches,
    }
}

/// Every fault × every operation: no panic, duplicated create or lost call; outcomes, requests and delays as the policy promises.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_matrix() {
    let mut cells = Vec::new();
    for fault in FAULTS {
        // The cells of one fault run concurrently, each with its own server and client.
        let ops: Vec<Op> = OPS.into_iter().filter(|op| fault.applies_to(*op)).collect();
        let ready = Arc::new(Barrier::new(ops.len()));
        let tasks: Vec<_> = ops
            .into_iter()
            .map(|op| tokio::spawn(run_cell(fault, op, Arc::clone(&ready))))
            .collect();
        for task in tasks {
            cells.push(task.await.expect("the harness itself does not panic"));
        }
    }

    let columns = [
        "ops",
        "expected",
        "panics",
        "dup writes",
        "lost",
        "retries",
        "requests",
    ];
    let line = |label: &str, figures: &[usize], outcomes: &str| {
        let mut text = format!("| {label:<44} |");
        for (column, n) in columns.iter().zip(figures) {
            text.push_str(&format!(" {n:>w$} |", w = column.len()));
        }
        format!("{}\n", format!("{text} {outcomes}").trim_end())
    };
    let mut table = format!("| {:<44} | {} | outcomes\n", "fault", columns.join(" | "));
    table.push_str(&format!("|{}|\n", "-".repeat(table.len() - 12)));
    let mut totals = [0usize; 7];
    for fault in FAULTS {
        let row: Vec<&Cell> = cells.iter().filter(|c| c.fault == fault).collect();
        let mut classes: BTreeMap<String, usize> = BTreeMap::new();
        for c in &row {
            let class = match &c.ran {
                Ran::Done(outcome) => outcome.class(),
                Ran::Hung => "hung".to_owned(),
                Ran::Panicked(_) => "panicked".to_owned(),
            };
            *classes.entry(class).or_default() += 1;
        }
        let figures = [
            row.len(),
            row.iter().filter(|c| c.mismatches.is_empty()).count(),
            row.iter()
                .filter(|c| matches!(c.ran, Ran::Panicked(_)))
                .count(),
            row.iter().filter(|c| c.duplicated).count(),
            row.iter()
                .filter(|c| !matches!(c.ran, Ran::Done(_)))
                .count(),
            row.iter().map(|c| c.retries).sum(),
            row.iter().map(|c| c.requests).sum(),
        ];
        for (total, n) in totals.iter_mut().zip(figures) {
            *total += n;
        }
        let classes: Vec<String> = classes.iter().map(|(k, n)| format!("{k} x{n}")).collect();
        table.push_str(&line(fault.label(), &figures, &classes.join(", ")));
    }
    table.push_str(&line("TOTAL", &totals, ""));
    println!(
        "\nFault matrix of the Teamup client ({} faults):\n{table}",
        FAULTS.len()
    );

    let mismatches: Vec<&String> = cells.iter().flat_map(|c| &c.mismatches).collect();
    for m in &mismatches {
        println!("MISMATCH {m}");
    }
    for c in &cells {
        if let Ran::Panicked(text) = &c.ran {
            println!("PANIC {} / {}: {text}", c.fault.label(), c.op.name());
        }
    }
    let [_, _, panics, duplicated, lost, _, _] = totals;
    assert_eq!(panics, 0, "panics");
    assert_eq!(duplicated, 0, "duplicated writes");
    assert_eq!(lost, 0, "lost calls");
    assert!(
        mismatches.is_empty(),
        "{} cells differ from the policy",
        mismatches.len()
    );
}

// ---------------------------------------------------------------------------------------------
// Focused tests
// ---------------------------------------------------------------------------------------------

/// A Teamup client for `uri` with a recording sleeper, adjusted by `adjust`.
fn client_for(
    uri: String,
    adjust: impl FnOnce(TransportBuilder) -> TransportBuilder,
) -> (teamup::Client, fault_support::Delays) {
    let (sleeper, delays) = recording_sleeper();
    let client = teamup::Client::builder(TEAMUP_CALENDAR_KEY, TEAMUP_API_KEY)
        .transport(|t| adjust(t.base_url(uri).allow_http(true).sleeper(sleeper)))
        .build()
        .expect("client builds");
    (client, delays)
}

/// A `Retry-After` given as an HTTP date about 3 s ahead is waited out (between 1 and 3 s).
#[tokio::test]
async fn retry_after_http_date_form() {
    let at = Utc::now() + chrono::Duration::seconds(3);
    let date = at.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
    let first = json_template(503, &error_body("maintenance_active"))
        .insert_header("Retry-After", date.as_str());
    let server = once_then_success(first, Op::GetEvent).await;
    let (client, delays) = client_for(server.uri(), |t| t);

    let result = Op::GetEvent.run(&client, None).await;

    assert_eq!(Outcome::of(&result), Outcome::Ok, "{result:?}");
    assert_eq!(server.seen().await.len(), 2);
    let delays = recorded(&delays);
    assert_eq!(delays.len(), 1, "{delays:?} for Retry-After: {date}");
    assert!(
        (ms(1000)..=ms(3000)).contains(&delays[0]),
        "{delays:?} for Retry-After: {date}"
    );
}

/// A `Retry-After` beyond the 120 s cap is not waited out: the 503 is returned after one request.
#[tokio::test]
async fn retry_after_beyond_the_cap_is_not_waited() {
    let server = serve_with(
        json_template(503, &error_body("maintenance_active")).insert_header("Retry-After", "500"),
    )
    .await;
    let (client, delays) = client_for(server.uri(), |t| t);

    for op in [Op::GetEvent, Op::CreateEvent] {
        let result = op.run(&client, None).await;
        assert_eq!(
            Outcome::of(&result),
            Outcome::Api {
                status: 503,
                code: Some(types::ErrorId::MaintenanceActive)
            },
            "{}",
            op.name()
        );
    }
    assert_eq!(received(&server).await.len(), 2, "one request per call");
    assert_eq!(recorded(&delays), Vec::<Duration>::new());
}

/// A server that keeps answering 503 with `Retry-After: 1` gets exactly 3 requests, not an endless loop.
#[tokio::test]
async fn retry_after_does_not_extend_the_attempt_limit() {
    let server = serve_with(
        json_template(503, &error_body("maintenance_active")).insert_header("Retry-After", "1"),
    )
    .await;
    let (sleeper, delays) = recording_sleeper();
    let client = teamup::Client::builder(TEAMUP_CALENDAR_KEY, TEAMUP_API_KEY)
        .transport(|t| t.base_url(server.uri()).allow_http(true).sleeper(sleeper))
        .build()
        .unwrap();

    let call =
        tokio::time::timeout(Duration::from_secs(2), Op::CreateEvent.run(&client, None)).await;

    let requests = received(&server).await.len();
    let delays = recorded(&delays).len();
    let result = call.unwrap_or_else(|_| {
        panic!("still retrying after 2 s: {requests} requests, {delays} recorded delays")
    });
    assert!(matches!(result, Err(teamup::Error::Api(_))), "{result:?}");
    assert_eq!(requests, 3);
    assert_eq!(delays, 2);
}

/// Backoff doubles from the initial delay and stops at the cap (bases 100, 200, 300, 300 ms).
#[tokio::test]
async fn backoff_grows_and_is_capped() {
    let server = serve_with(json_template(500, &error_body("unexpected_error"))).await;
    let policy = RetryPolicy {
        max_attempts: 5,
        initial_backoff: ms(100),
        max_backoff: ms(300),
        ..teamup::retry_policy()
    };
    // 5 attempts, so 4 delays; backon's jitter adds up to the base again, so each delay lies
    // between its base and twice its base, and never beyond twice the cap.
    let (client, delays) = client_for(server.uri(), |t| t.retry(policy));

    let result = Op::GetEvent.run(&client, None).await;

    assert_eq!(
        Outcome::of(&result),
        Outcome::Api {
            status: 500,
            code: Some(types::ErrorId::UnexpectedError)
        }
    );
    assert_eq!(received(&server).await.len(), 5);
    let delays = recorded(&delays);
    let bases = [ms(100), ms(200), ms(300), ms(300)];
    assert_eq!(delays.len(), bases.len(), "{delays:?}");
    for (d, base) in delays.iter().zip(bases) {
        assert!(
            base <= *d && *d <= base * 2,
            "{d:?} for base {base:?}: {delays:?}"
        );
        assert!(*d <= ms(300) * 2, "{d:?} beyond twice the cap");
    }
}

/// A refused connection proves nothing was sent, so even a create is retried, ending as `Connect`.
#[tokio::test]
async fn a_refused_connection_is_retried_even_for_a_create() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (client, delays) = client_for(format!("http://127.0.0.1:{port}"), |t| t);

    let result = Op::CreateEvent.run(&client, None).await;

    assert_eq!(
        Outcome::of(&result),
        Outcome::Transport(TransportErrorKind::Connect)
    );
    assert_eq!(recorded(&delays).len(), 2, "3 attempts");
}

/// Records when each request reached the server.
struct Stamps(Arc<Mutex<Vec<Instant>>>);

impl Respond for Stamps {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        self.0.lock().unwrap().push(Instant::now());
        json_template(200, r#"{"access":"ok"}"#)
    }
}

/// `rate_limit(5, 500 ms)` holds across 3 clones × 5 concurrent calls: no 6 within 500 ms, ≥ 1.4 s in all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limit_spaces_calls() {
    let stamps = Arc::new(Mutex::new(Vec::new()));
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(Stamps(Arc::clone(&stamps)))
        .mount(&server)
        .await;
    let (client, _) = client_for(server.uri(), |t| t.rate_limit(5, ms(500)));
    let clones = [client.clone(), client.clone(), client];

    let started = Instant::now();
    let tasks: Vec<_> = (0..15)
        .map(|i| {
            let client = clones[i % 3].clone();
            tokio::spawn(async move { client.check_access().await.map(drop) })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let total = started.elapsed();

    let mut at = stamps.lock().unwrap().clone();
    at.sort();
    assert_eq!(at.len(), 15);
    // The limiter spaces calls 100 ms apart; arrivals at the server may be a few ms closer than
    // departures (the first call also opens the connection), hence the tolerance.
    let tolerance = ms(25);
    for (i, window) in at.windows(6).enumerate() {
        let span = window[5] - window[0];
        assert!(
            span + tolerance >= ms(500),
            "calls {i}..={} arrived within {span:?}",
            i + 5
        );
    }
    assert!(total >= ms(1400), "15 calls took {total:?}");
}

/// Captures what a `tracing_subscriber::fmt` subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

/// At TRACE level, retried and failing calls log "retrying" but never the API key, password or calendar key.
#[tokio::test]
async fn secrets_never_reach_logs() {
    const API_KEY: &str = "tk_live_log_9f3c1a";
    const PASSWORD: &str = "pw_log_77d2e0";
    const CALENDAR_KEY: &str = "ks_log_cal_4b81e6";
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(captured.clone())
        .finish();
    // tracing-core caches each callsite's interest globally. With a single registered
    // dispatcher it computes that interest from the default of whichever thread reaches the
    // callsite first, and the other tests of this binary run on threads without a subscriber,
    // which would switch the runtime's `http` span and `sending` event off for this test too.
    // A second registered dispatcher makes tracing-core ask every registered dispatcher.
    let _second = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    let _guard = tracing::subscriber::set_default(subscriber);

    let first =
        json_template(503, &error_body("maintenance_active")).insert_header("Retry-After", "1");
    let retried = once_then_success(first, Op::GetEvent).await;
    let failing = serve_with(json_template(401, &error_body("auth_required"))).await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let refused = format!("http://127.0.0.1:{port}");
    for (uri, expect_ok) in [
        (retried.uri(), true),
        (failing.uri(), false),
        (refused, false),
    ] {
        let (sleeper, _) = recording_sleeper();
        let client = teamup::Client::builder(CALENDAR_KEY, API_KEY)
            .password(PASSWORD)
            .transport(|t| t.base_url(uri).allow_http(true).sleeper(sleeper))
            .build()
            .unwrap();
        let result = client.get_event("123").await;
        assert_eq!(result.is_ok(), expect_ok, "{result:?}");
    }
    drop(_guard);
    drop(_second);

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("retrying"), "{log}");
    assert!(
        log.contains("get_event"),
        "the log names the operation: {log}"
    );
    for secret in [API_KEY, PASSWORD, CALENDAR_KEY] {
        assert!(!log.contains(secret), "`{secret}` in the log:\n{log}");
    }
}

/// A credential holding a line break fails the build with `BuildError::Credential`; nothing is sent.
#[tokio::test]
async fn header_values_with_line_breaks_are_refused() {
    let server = MockServer::start().await;
    let attempts = [
        (
            TEAMUP_API_KEY,
            Some("pw\r\nX-Injected: 1"),
            "teamup-password",
        ),
        ("key\r\nX-Injected: 1", None, "teamup-token"),
        (TEAMUP_API_KEY, Some("pw\nX-Injected: 1"), "teamup-password"),
    ];
    for (api_key, password, header) in attempts {
        let mut builder = teamup::Client::builder(TEAMUP_CALENDAR_KEY, api_key)
            .transport(|t| t.base_url(server.uri()).allow_http(true));
        if let Some(password) = password {
            builder = builder.password(password);
        }
        match builder.build() {
            Err(BuildError::Credential(name)) => assert_eq!(name, header),
            other => panic!("{header}: expected BuildError::Credential, got {other:?}"),
        }
    }
    assert_eq!(received(&server).await.len(), 0);
}

/// A decode error inside a list names the element as `DecodeError::path` documents: `events[0].start_dt`.
#[tokio::test]
async fn decode_paths_into_lists_read_as_documented() {
    let mut event = event_json();
    event["start_dt"] = json!("tomorrow");
    let server = serve_with(json_template(200, &json!({"events": [event]}).to_string())).await;
    let (client, _) = client_for(server.uri(), |t| t);

    let result = Op::ListEvents.run(&client, None).await;

    assert_eq!(
        Outcome::of(&result),
        Outcome::Decode {
            status: 200,
            path: "events[0].start_dt".to_owned()
        }
    );
}

/// A same-origin 302 on a write never repeats a POST; PUT and DELETE are re-sent as they were.
#[tokio::test]
async fn a_same_origin_redirect_of_a_write_never_repeats_a_post() {
    // A POST answered with 302 becomes a bodiless GET (RFC 9110 allows it: the
    // Post/Redirect/Get pattern), as in browsers and reqwest; PUT (with its body) and DELETE
    // are re-sent unchanged.
    for (op, methods) in [
        (Op::CreateEvent, ["POST", "GET"]),
        (Op::CreateSubcalendar, ["POST", "GET"]),
        (Op::UpdateEvent, ["PUT", "PUT"]),
        (Op::UpdateSubcalendar, ["PUT", "PUT"]),
        (Op::DeleteEvent, ["DELETE", "DELETE"]),
        (Op::DeleteSubcalendar, ["DELETE", "DELETE"]),
    ] {
        let server = Fault::RedirectSameOrigin.serve(op).await;
        let Server::Mock { main, .. } = &server else {
            unreachable!("a wiremock server")
        };
        let (client, _) = client_for(server.uri(), |t| t);

        let result = op.run(&client, None).await;

        assert_eq!(Outcome::of(&result), Outcome::Ok, "{}", op.name());
        let requests = received(main).await;
        let sent: Vec<&str> = requests.iter().map(|r| r.method.as_str()).collect();
        assert_eq!(sent, methods, "{}", op.name());
        assert_eq!(requests[1].url.path(), "/moved", "{}", op.name());
        let expected_body = if methods[1] == "PUT" {
            requests[0].body.clone()
        } else {
            Vec::new()
        };
        assert_eq!(requests[1].body, expected_body, "{}", op.name());
        for r in &requests {
            let token = r.headers.get("teamup-token").map(|v| v.as_bytes());
            assert_eq!(token, Some(TEAMUP_API_KEY.as_bytes()), "{}", op.name());
        }
    }
}
