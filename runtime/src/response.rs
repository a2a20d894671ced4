//! Responses: decoding the body into the documented type, and the value handed to the caller.

use std::collections::HashMap;
use std::ops::Deref;
use std::str::FromStr;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde::de::{DeserializeOwned, IgnoredAny};
use serde_json::{Map, Value};

use crate::error::{ApiError, DecodeError, Error, ErrorBody, ResponseParts, UnexpectedStatus};

/// A decoded response: the value, with the status, the headers and the rest of its envelope.
///
/// Dereferences to the value. Nothing the server sent is dropped: keys of the envelope other
/// than the payload (Teamup's `undo_id`, Grow CRM's `message`) stay in [`ResponseValue::rest`].
#[derive(Debug, Clone)]
pub struct ResponseValue<T> {
    value: T,
    status: StatusCode,
    headers: HeaderMap,
    rest: Map<String, Value>,
}

impl<T> ResponseValue<T> {
    /// The value.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// One header as text, if present and printable.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }

    /// The keys of the response envelope other than the payload.
    pub fn rest(&self) -> &Map<String, Value> {
        &self.rest
    }
}

impl<T> Deref for ResponseValue<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

/// A response as it arrived, before decoding.
#[derive(Debug)]
pub struct RawResponse {
    pub(crate) parts: ResponseParts,
}

impl RawResponse {
    /// The status code.
    pub fn status(&self) -> u16 {
        self.parts.status.as_u16()
    }

    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        self.parts.status.is_success()
    }

    /// Whether the body is a JSON object holding `key` (with any value, `null` included): how
    /// an API that answers "success or failure" with 200 says it failed (a spec's
    /// `failure_if`). Any other body, an array or a malformed one, does not hold the key.
    pub fn json_object_has_key(&self, key: &str) -> bool {
        serde_json::from_slice::<HashMap<String, IgnoredAny>>(&self.parts.body)
            .is_ok_and(|object| object.contains_key(key))
    }

    fn decode_error<E: ErrorBody>(self, path: String, message: String) -> Error<E> {
        Error::Decode(Box::new(DecodeError {
            path,
            message,
            response: self.parts,
        }))
    }

    fn value<T>(self, value: T, rest: Map<String, Value>) -> ResponseValue<T> {
        ResponseValue {
            value,
            status: self.parts.status,
            headers: self.parts.headers,
            rest,
        }
    }

    /// Decodes a JSON body, unwrapping it from `envelope` when given.
    pub fn json<T: DeserializeOwned, E: ErrorBody>(
        self,
        envelope: Option<&str>,
    ) -> Result<ResponseValue<T>, Error<E>> {
        let Some(key) = envelope else {
            let outcome = {
                let mut de = serde_json::Deserializer::from_slice(&self.parts.body);
                match serde_path_to_error::deserialize(&mut de) {
                    Ok(value) => de
                        .end()
                        .map(|()| value)
                        .map_err(|e| (String::new(), e.to_string())),
                    Err(e) => Err((path_text(e.path()), e.into_inner().to_string())),
                }
            };
            return match outcome {
                Ok(value) => Ok(self.value(value, Map::new())),
                Err((path, message)) => Err(self.decode_error(path, message)),
            };
        };
        let mut object = match serde_json::from_slice::<Map<String, Value>>(&self.parts.body) {
            Ok(object) => object,
            Err(e) => {
                let message = format!("expected a JSON object with key `{key}`: {e}");
                return Err(self.decode_error(String::new(), message));
            }
        };
        let Some(payload) = object.remove(key) else {
            let message = format!("the key `{key}` is missing");
            return Err(self.decode_error(String::new(), message));
        };
        match serde_path_to_error::deserialize(payload) {
            Ok(value) => Ok(self.value(value, object)),
            Err(e) => {
                let inner = path_text(e.path());
                let path = match inner.chars().next() {
                    None => key.to_owned(),
                    Some('[') => format!("{key}{inner}"),
                    Some(_) => format!("{key}.{inner}"),
                };
                Err(self.decode_error(path, e.into_inner().to_string()))
            }
        }
    }

    /// Parses a plain-text body (a bare id such as `418164`).
    pub fn text<T: FromStr, E: ErrorBody>(self) -> Result<ResponseValue<T>, Error<E>>
    where
        T::Err: std::fmt::Display,
    {
        let parsed = std::str::from_utf8(&self.parts.body)
            .map_err(|e| e.to_string())
            .and_then(|s| s.trim().parse::<T>().map_err(|e| e.to_string()));
        match parsed {
            Ok(value) => Ok(self.value(value, Map::new())),
            Err(message) => Err(self.decode_error(String::new(), message)),
        }
    }

    /// A response documented without a body. A JSON object the server sends anyway is kept in
    /// [`ResponseValue::rest`].
    pub fn empty<E: ErrorBody>(self) -> Result<ResponseValue<()>, Error<E>> {
        let rest =
            serde_json::from_slice::<Map<String, Value>>(&self.parts.body).unwrap_or_default();
        Ok(self.value((), rest))
    }

    /// The error for a failure status, or for a success status whose body reports a failure:
    /// the documented error body if it decodes, otherwise the raw response.
    pub fn error<E: ErrorBody>(self) -> Error<E> {
        match serde_json::from_slice::<E>(&self.parts.body) {
            Ok(body) => Error::Api(Box::new(ApiError {
                body,
                response: self.parts,
            })),
            Err(_) => Error::UnexpectedStatus(Box::new(UnexpectedStatus {
                response: self.parts,
            })),
        }
    }
}

/// serde_path_to_error writes the root as `.` and a position it could not name as `?`.
fn path_text(path: &serde_path_to_error::Path) -> String {
    match path.to_string() {
        p if p == "." || p == "?" => String::new(),
        p => p,
    }
}

impl ResponseParts {
    pub(crate) fn new(
        operation: &'static str,
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
    ) -> Self {
        ResponseParts {
            operation,
            status,
            headers,
            body,
        }
    }
}
