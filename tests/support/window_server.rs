//! A server that enforces "at most N calls in any W seconds" the way Teamleader v1 does:
//! a call that would make N+1 in the trailing window is refused with an empty 505 and not
//! carried out. It records every call it carried out, by the number the call carries.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use wiremock::{Request, Respond, ResponseTemplate};

/// What the server saw.
#[derive(Default)]
pub struct Log {
    /// Arrival times of accepted calls.
    pub accepted: Vec<Instant>,
    /// The `email` form field of each accepted call, in order of arrival.
    pub emails: Vec<String>,
    /// How many calls were refused with 505.
    pub refused: usize,
    window: VecDeque<Instant>,
}

/// The responder; clone the `log` before mounting.
#[derive(Clone)]
pub struct WindowServer {
    /// Calls allowed per window.
    pub calls: usize,
    /// Window length.
    pub per: Duration,
    /// What happened.
    pub log: Arc<Mutex<Log>>,
}

impl WindowServer {
    /// A server allowing `calls` per `per`.
    pub fn new(calls: usize, per: Duration) -> Self {
        WindowServer {
            calls,
            per,
            log: Arc::default(),
        }
    }
}

impl Respond for WindowServer {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let now = Instant::now();
        let mut log = self.log.lock().unwrap();
        while log
            .window
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.per)
        {
            log.window.pop_front();
        }
        if log.window.len() >= self.calls {
            log.refused += 1;
            return ResponseTemplate::new(505);
        }
        log.window.push_back(now);
        log.accepted.push(now);
        let email = url::form_urlencoded::parse(&request.body)
            .find(|(k, _)| k == "email")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        log.emails.push(email);
        ResponseTemplate::new(200).set_body_string(log.accepted.len().to_string())
    }
}

/// The most accepted calls in any window of `per` (each window starts at an arrival).
pub fn busiest_window(arrivals: &[Instant], per: Duration) -> usize {
    let mut best = 0;
    let mut start = 0;
    for end in 0..arrivals.len() {
        while arrivals[end].duration_since(arrivals[start]) >= per {
            start += 1;
        }
        best = best.max(end - start + 1);
    }
    best
}
