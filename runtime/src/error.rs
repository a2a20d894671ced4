//! Errors of the generated clients: one generic type, instantiated per API with its error body.
//!
//! Every variant that comes from a response keeps the status, the headers and the raw body, so a
//! caller can always see what the server said, even when it said something undocumented.

use std::fmt;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};

/// The body an API returns with a failure status, as generated from its spec.
pub trait ErrorBody: fmt::Debug + serde::de::DeserializeOwned + Send + Sync + 'static {
    /// The enum of documented error codes, if the API has codes.
    type Code: fmt::Debug + fmt::Display + PartialEq + Send + Sync;

    /// The code of this error, if the API has codes.
    fn code(&self) -> Option<&Self::Code>;
}

/// APIs whose spec names no error body keep it as raw JSON.
impl ErrorBody for serde_json::Value {
    type Code = String;

    fn code(&self) -> Option<&String> {
        None
    }
}

/// What went wrong with one call. New kinds of failure may be added, so a `match` on it needs
/// a wildcard arm.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error<E: ErrorBody> {
    /// The call was refused before anything was sent.
    #[error(transparent)]
    InvalidRequest(#[from] InvalidRequest),
    /// No complete response arrived.
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// No OAuth2 access token could be had (the refresh was refused, or the new pair could not
    /// be saved).
    #[error(transparent)]
    Auth(#[from] crate::oauth::OAuthError),
    /// The server answered with a failure status and the documented error body.
    #[error("{0}")]
    Api(Box<ApiError<E>>),
    /// The server answered with a failure status and a body that is not the documented error
    /// body (an HTML page, an empty body), or with a success status and a body that the spec
    /// says reports a failure (`failure_if`) in a shape other than the error body.
    #[error("{0}")]
    UnexpectedStatus(Box<UnexpectedStatus>),
    /// The server answered with success, but the body does not decode into the documented type.
    #[error("{0}")]
    Decode(Box<DecodeError>),
    /// The response body is larger than the client's or the call's cap; it was not read.
    #[error(transparent)]
    BodyTooLarge(#[from] BodyTooLarge),
    /// The call's timeout ran out, or would run out during a wait it was asked to make.
    #[error("{0}")]
    Deadline(Box<DeadlineExceeded>),
    /// A `stream()` stopped because the server's pages did not end (a repeated page, the page
    /// cap, page numbers running out).
    #[error(transparent)]
    Pagination(#[from] crate::paginate::PageError),
    /// The shared rate limit (`TransportBuilder::limit_backend`) could not be reached, and the
    /// backend does not fall back to the in-process limit; the call was not sent.
    #[error(transparent)]
    RateLimit(crate::limit::LimitError),
}

impl<E: ErrorBody> Error<E> {
    /// The documented error body, if the server sent one.
    pub fn api(&self) -> Option<&E> {
        match self {
            Error::Api(e) => Some(&e.body),
            _ => None,
        }
    }

    /// The documented error code, if the server sent one: compare it with the API's code enum
    /// instead of matching strings.
    pub fn code(&self) -> Option<&E::Code> {
        self.api().and_then(ErrorBody::code)
    }

    /// The HTTP status, if a response arrived.
    pub fn status(&self) -> Option<StatusCode> {
        self.response().map(|r| r.status)
    }

    /// The response as it arrived, if one did.
    pub fn response(&self) -> Option<&ResponseParts> {
        match self {
            Error::Api(e) => Some(&e.response),
            Error::UnexpectedStatus(e) => Some(&e.response),
            Error::Decode(e) => Some(&e.response),
            Error::Deadline(e) => e.response.as_ref(),
            Error::InvalidRequest(_)
            | Error::Transport(_)
            | Error::Auth(_)
            | Error::BodyTooLarge(_)
            | Error::Pagination(_)
            | Error::RateLimit(_) => None,
        }
    }
}

/// Status, headers and raw body of a response.
#[derive(Debug, Clone)]
pub struct ResponseParts {
    /// Which operation this answers.
    pub operation: &'static str,
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// The body exactly as received.
    pub body: Bytes,
}

impl ResponseParts {
    /// The start of the body as text, for messages.
    fn excerpt(&self) -> String {
        const LIMIT: usize = 200;
        let text = String::from_utf8_lossy(&self.body);
        let mut cut: String = text.chars().take(LIMIT).collect();
        if text.chars().count() > LIMIT {
            cut.push('…');
        }
        if cut.trim().is_empty() {
            "empty body".to_owned()
        } else {
            format!("body: {cut}")
        }
    }
}

/// A failure status with the documented error body.
#[derive(Debug)]
pub struct ApiError<E> {
    /// The decoded body.
    pub body: E,
    /// The response.
    pub response: ResponseParts,
}

impl<E: ErrorBody> fmt::Display for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} failed with HTTP {}",
            self.response.operation, self.response.status
        )?;
        match self.body.code() {
            Some(code) => write!(f, ": {code}"),
            None => write!(f, "; {}", self.response.excerpt()),
        }
    }
}

/// A failure status whose body is not the documented error body.
#[derive(Debug)]
pub struct UnexpectedStatus {
    /// The response.
    pub response: ResponseParts,
}

impl fmt::Display for UnexpectedStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} failed with HTTP {}; {}",
            self.response.operation,
            self.response.status,
            self.response.excerpt()
        )
    }
}

/// A success status whose body does not decode.
#[derive(Debug)]
pub struct DecodeError {
    /// Where in the body decoding stopped (`events[0].start_dt`); empty for the whole body.
    pub path: String,
    /// What was wrong there.
    pub message: String,
    /// The response.
    pub response: ResponseParts,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: the HTTP {} response does not decode",
            self.response.operation, self.response.status
        )?;
        if !self.path.is_empty() {
            write!(f, " at `{}`", self.path)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// A call refused before anything was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{operation}: request not sent: {reason}")]
pub struct InvalidRequest {
    /// Which operation.
    pub operation: &'static str,
    /// Why.
    pub reason: String,
}

/// What kind of transport failure happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportErrorKind {
    /// No connection could be made.
    Connect,
    /// The call took longer than its timeout.
    Timeout,
    /// The connection broke while the response was read.
    Body,
    /// Anything else, such as a connection that closed or failed after the request went out,
    /// before a response arrived.
    Other,
}

/// No complete response arrived. The message never includes the URL, which may hold keys.
#[derive(Debug, thiserror::Error)]
#[error("{operation}: {kind:?} error: {source}")]
pub struct TransportError {
    /// Which operation.
    pub operation: &'static str,
    /// What kind of failure.
    pub kind: TransportErrorKind,
    /// The underlying error: hyper's, the socket's or TLS's, reqwest's with its URL removed (for
    /// a call through a proxy), or [`AttemptTimedOut`].
    #[source]
    pub source: Box<dyn std::error::Error + Send + Sync>,
}

/// An attempt had no complete response within its bound: what was left of the call's
/// timeout, or the transport's `attempt_timeout` if that was shorter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("no complete response within {0:?}")]
pub struct AttemptTimedOut(pub std::time::Duration);

impl TransportError {
    pub(crate) fn new(operation: &'static str, source: reqwest::Error) -> Self {
        let kind = if source.is_timeout() {
            TransportErrorKind::Timeout
        } else if source.is_connect() {
            TransportErrorKind::Connect
        } else if source.is_body() || source.is_decode() {
            TransportErrorKind::Body
        } else {
            TransportErrorKind::Other
        };
        TransportError {
            operation,
            kind,
            source: Box::new(source.without_url()),
        }
    }

    pub(crate) fn from_failure(operation: &'static str, failure: crate::conn::Failure) -> Self {
        TransportError {
            operation,
            kind: failure.kind,
            source: failure.source,
        }
    }

    pub(crate) fn timed_out(operation: &'static str, after: std::time::Duration) -> Self {
        TransportError {
            operation,
            kind: TransportErrorKind::Timeout,
            source: Box::new(AttemptTimedOut(after)),
        }
    }
}

/// A response body over the cap (`TransportBuilder::max_body`, or the call's own). Nothing
/// beyond the cap was buffered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{operation}: the HTTP {status} response body is larger than the {limit}-byte cap{}",
    match declared { Some(n) => format!(" (Content-Length: {n})"), None => " (stopped while reading)".to_owned() }
)]
pub struct BodyTooLarge {
    /// Which operation.
    pub operation: &'static str,
    /// The status of the response.
    pub status: StatusCode,
    /// The cap in bytes.
    pub limit: u64,
    /// The length the response announced, when it announced one over the cap.
    pub declared: Option<u64>,
}

/// The call's deadline ran out, or a wait the call would have to make ends after it. The
/// deadline covers the whole call: the rate-limit wait, getting an access token, every attempt,
/// and every backoff and `Retry-After` wait between them.
#[derive(Debug)]
pub struct DeadlineExceeded {
    /// Which operation.
    pub operation: &'static str,
    /// The call's timeout.
    pub timeout: std::time::Duration,
    /// What the call was doing or was refused to wait for (`a Retry-After of 30s`).
    pub during: String,
    /// Why the last attempt failed, if one did.
    pub last_failure: Option<String>,
    /// The last response, if the last attempt got one (a 429 or 503 asking to wait).
    pub response: Option<ResponseParts>,
}

impl fmt::Display for DeadlineExceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: the call's timeout of {:?} ran out: {}",
            self.operation, self.timeout, self.during
        )?;
        if let Some(last) = &self.last_failure {
            write!(f, " (last attempt: {last})")?;
        }
        Ok(())
    }
}
