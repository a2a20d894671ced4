//! What code that uses the clients names most often, in one glob import:
//! `use saas_clients::prelude::*;`.
//!
//! A user's crate depends on `saas-clients` alone, so the types that appear in the clients'
//! signatures (date-times, decimals, secrets, unknown fields) and the traits their methods
//! need in scope (`StreamExt` for `stream()`, `ExposeSecret` to read a token, `UnknownFields`)
//! must be reachable through it, at one documented place, in the versions the clients use.
//! Crates (`chrono`, `futures`, `serde_json`) are not in here: a glob import of a crate name
//! makes `use chrono::…` ambiguous in a crate that also depends on chrono itself. They are
//! `saas_clients::chrono`, `saas_clients::futures` and `saas_clients::serde_json`.

pub use crate::extra::Extra;
pub use crate::oauth::{
    OAuthConfig, OAuthSession, SessionOptions, StoreFuture, TokenPair, TokenStore,
};
pub use crate::patch::Patch;
pub use crate::response::ResponseValue;
pub use crate::unknown::UnknownFields;
pub use crate::{DateTime, Decimal, Method, UnixTime};
pub use futures::StreamExt;
pub use secrecy::{ExposeSecret, SecretString};
pub use serde_json::value::RawValue;
