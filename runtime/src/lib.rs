//! Hand-written support for the clients in `saas-clients`: what the generated code needs but
//! no spec describes. Transport, credentials, errors, parameter encoding and date-times live
//! here so that the generated modules stay declarations and calls, in the way progenitor's
//! clients depend on `progenitor-client`.

pub mod body;
pub mod datetime;
pub mod de;
pub mod decimal;
pub mod encode;
pub mod error;
pub mod extra;
pub mod limit;
pub mod oauth;
pub mod paginate;
pub mod patch;
pub mod request;
pub mod response;
pub mod retry;
pub mod transfer;
pub mod transport;
pub mod unknown;

pub use datetime::{DateTime, UnixTime};
pub use decimal::{Decimal, DecimalNumber};
pub use encode::{ArrayStyle, Pairs, ToParam};
pub use error::{
    ApiError, BodyTooLarge, DeadlineExceeded, DecodeError, Error, ErrorBody, InvalidRequest,
    ResponseParts, TransportError, TransportErrorKind, UnexpectedStatus,
};
pub use extra::{Extra, Unknown};
pub use http::Method;
pub use limit::{LimitBackend, LimitError, RateLimit};
pub use patch::Patch;
pub use request::Request;
pub use response::{RawResponse, ResponseValue};
pub use retry::{RetryPolicy, Sleeper};
pub use secrecy::SecretString;
pub use transport::{BuildError, Credential, SendError, Transport, TransportBuilder};
pub use unknown::UnknownFields;

pub use futures::Stream;
/// Re-exported so generated code and users name the same versions.
pub use {chrono, futures, serde_json};
