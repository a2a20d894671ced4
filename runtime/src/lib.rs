//! Hand-written support for the clients in `saas-clients`: what the generated code needs but
//! no spec describes. Transport, credentials, errors, parameter encoding and date-times live
//! here so that the generated modules stay declarations and calls, in the way progenitor's
//! clients depend on `progenitor-client`.
//!
//! Users reach this crate as `saas_clients::runtime`, and what their own code names most
//! often as `saas_clients::prelude` (this crate's [`prelude`]); they never depend on it
//! directly, so every path in the documentation starts at `saas_clients`.

pub mod body;
pub mod call;
mod conn;
pub mod datetime;
pub mod de;
pub mod decimal;
pub mod encode;
pub mod error;
pub mod extra;
pub mod impls;
pub mod json_path;
pub mod limit;
#[cfg(feature = "mock")]
pub mod mock;
pub mod oauth;
pub mod paginate;
pub mod patch;
pub mod prelude;
pub mod raw;
pub mod request;
pub mod response;
pub mod retry;
pub mod transfer;
pub mod transport;
pub mod unknown;

pub use call::{Call, CallOutput};
pub use datetime::{DateTime, UnixTime};
pub use decimal::{Decimal, DecimalNumber};
pub use encode::{ArrayStyle, Pairs, ToParam};
pub use error::{
    ApiError, AttemptTimedOut, BodyTooLarge, DeadlineExceeded, DecodeError, Error, ErrorBody,
    InvalidRequest, ResponseParts, TransportError, TransportErrorKind, UnexpectedStatus,
};
pub use extra::Extra;
pub use http::Method;
pub use limit::{LimitBackend, LimitError, RateLimit, ServerWindow};
pub use patch::Patch;
pub use request::Request;
pub use response::{RawResponse, ResponseValue};
pub use retry::{RateLimitHeaders, ResetFormat, RetryPolicy, Sleeper};
pub use secrecy::{ExposeSecret, SecretString};
pub use transport::{
    BuildError, Credential, SendError, SharedConnections, Transport, TransportBuilder,
};
pub use unknown::UnknownFields;

pub use futures::Stream;
/// Re-exported so generated code and users name the same versions.
pub use {chrono, futures, serde_json};

/// The serde the generated impls (see [`impls`]) are written against.
#[doc(hidden)]
pub use serde as __serde;
