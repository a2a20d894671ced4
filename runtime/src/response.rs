//! Responses: decoding the body into the documented type, and the value handed to the caller.
//!
//! Decoding is on every call's path, so it is built to cost what a hand-written
//! `serde_json::from_slice` costs: the body is parsed once, straight into the documented type
//! (an envelope is walked by a `DeserializeSeed`, never parsed into a `serde_json::Value` tree
//! first), and nothing tracks the path on the way: when decoding fails, the place it failed is
//! found from serde_json's position in the text (`json_path`), so no type's `Deserialize` is
//! compiled a second time for a path-tracking wrapper.

use std::borrow::Cow;
use std::collections::HashMap;
use std::marker::PhantomData;
use std::ops::Deref;
use std::str::FromStr;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde::Deserializer;
use serde::de::{DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
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

    /// The same response with its value changed by `f` (status, headers and rest kept).
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> ResponseValue<U> {
        ResponseValue {
            value: f(self.value),
            status: self.status,
            headers: self.headers,
            rest: self.rest,
        }
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
    /// A response built from its parts, for decoding a body that did not come through the
    /// transport (benchmarks, replayed recordings).
    #[doc(hidden)]
    pub fn from_parts(
        operation: &'static str,
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
    ) -> Self {
        RawResponse {
            parts: ResponseParts::new(operation, status, headers, body),
        }
    }

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

    /// The body as it came, in a [`ResponseValue`] with the status and headers.
    pub fn into_bytes(self) -> ResponseValue<Bytes> {
        let body = self.parts.body.clone();
        self.value(body, Map::new())
    }

    /// Whether the body is empty or only white space.
    pub(crate) fn body_is_blank(&self) -> bool {
        self.parts.body.iter().all(u8::is_ascii_whitespace)
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
    ///
    /// The body is read once, straight into `T`: an envelope is walked key by key, the payload
    /// key decoded into `T` on the spot and the other keys kept for [`ResponseValue::rest`].
    /// No path is tracked on the way; a failure is located afterwards from serde_json's
    /// position (see [`crate::json_path`]), so it still names where it happened
    /// (`events[0].start_dt`) while a success pays nothing for it.
    pub fn json<T: DeserializeOwned, E: ErrorBody>(
        self,
        envelope: Option<&str>,
    ) -> Result<ResponseValue<T>, Error<E>> {
        match decode_json::<T>(&self.parts.body, envelope) {
            Ok((value, rest)) => Ok(self.value(value, rest)),
            Err((path, message)) => Err(self.decode_error(path, message)),
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

/// Decodes a JSON body into `T`, unwrapped from `envelope` when given; on failure, the path
/// (`items[1].at`, empty for the whole body) and the message.
///
/// This is compiled once per response type, so what does not depend on `T` (locating an error,
/// the keys beside the payload) is in functions of its own, compiled once.
pub(crate) fn decode_json<T: DeserializeOwned>(
    body: &[u8],
    envelope: Option<&str>,
) -> Result<(T, Map<String, Value>), (String, String)> {
    let Some(key) = envelope else {
        return match serde_json::from_slice::<T>(body) {
            Ok(value) => Ok((value, Map::new())),
            Err(e) => Err(located(body, e)),
        };
    };
    let mut de = serde_json::Deserializer::from_slice(body);
    let decoded = Envelope::<T> {
        key,
        payload: PhantomData,
    }
    .deserialize(&mut de)
    .and_then(|decoded| de.end().map(|()| decoded));
    match decoded {
        Ok((Some(value), rest)) => Ok((value, rest)),
        Ok((None, _)) => Err(missing_key(key)),
        Err(e) => Err(located(body, e)),
    }
}

/// The path and message of a failed decode of `body`.
#[inline(never)]
fn located(body: &[u8], e: serde_json::Error) -> (String, String) {
    let path = crate::json_path::path_at(body, e.line(), e.column());
    (path, e.to_string())
}

#[inline(never)]
fn missing_key(key: &str) -> (String, String) {
    (String::new(), format!("the key `{key}` is missing"))
}

/// A [`DeserializeSeed`] over the top-level object of an enveloped response: the payload key goes
/// into `T`, every other key into the rest.
struct Envelope<'k, T> {
    key: &'k str,
    payload: PhantomData<T>,
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for Envelope<'_, T> {
    type Value = (Option<T>, Map<String, Value>);

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for Envelope<'_, T> {
    type Value = (Option<T>, Map<String, Value>);

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        expecting_envelope(self.key, f)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut payload = None;
        let rest = walk_envelope(&mut map, self.key, &mut |map| {
            payload = Some(map.next_value::<T>()?);
            Ok(())
        })?;
        Ok((payload, rest))
    }
}

#[inline(never)]
fn expecting_envelope(key: &str, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    write!(f, "a JSON object with key `{key}`")
}

/// The walk over an envelope's keys: `payload` decodes the payload key's value, every other
/// key goes into the rest. Generic over the map only, so compiled once for serde_json's,
/// whatever the payload's type; a repeated key: the last one wins, as it does in a parsed
/// `serde_json::Map`.
#[inline(never)]
fn walk_envelope<'de, A: MapAccess<'de>>(
    map: &mut A,
    key: &str,
    payload: &mut dyn FnMut(&mut A) -> Result<(), A::Error>,
) -> Result<Map<String, Value>, A::Error> {
    let mut rest = Map::new();
    while let Some(name) = map.next_key::<Cow<'de, str>>()? {
        if name == key {
            payload(map)?;
        } else {
            rest.insert(name.into_owned(), map.next_value::<Value>()?);
        }
    }
    Ok(rest)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DateTime;

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Item {
        id: i64,
        at: DateTime,
    }

    #[derive(Debug, serde::Deserialize)]
    struct NoCode {}

    impl ErrorBody for NoCode {
        type Code = std::convert::Infallible;

        fn code(&self) -> Option<&Self::Code> {
            None
        }
    }

    fn decode<T: DeserializeOwned>(
        body: &str,
        envelope: Option<&str>,
    ) -> Result<ResponseValue<T>, (String, String)> {
        let raw = RawResponse::from_parts(
            "op",
            StatusCode::OK,
            HeaderMap::new(),
            Bytes::copy_from_slice(body.as_bytes()),
        );
        raw.json::<T, NoCode>(envelope).map_err(|e| match e {
            Error::Decode(d) => (d.path, d.message),
            other => panic!("expected a decode error, got {other:?}"),
        })
    }

    #[test]
    fn an_envelope_is_decoded_in_one_pass_and_keeps_the_other_keys() {
        let body = r#"{"undo_id": "u1", "items": [{"id": 1, "at": "2015-06-17T06:00:00-0400"}], "n": 18446744073709551615}"#;
        let v = decode::<Vec<Item>>(body, Some("items")).unwrap();
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].id, 1);
        assert_eq!(v.rest().get("undo_id"), Some(&Value::from("u1")));
        assert_eq!(v.rest().get("n"), Some(&Value::from(u64::MAX)));
        assert_eq!(v.rest().len(), 2);
        // A repeated payload key: the last one wins, as in a parsed map.
        let body = r#"{"item": {"id": 1, "at": "2015-06-17T06:00:00Z"}, "item": {"id": 2, "at": "2015-06-17T06:00:00Z"}}"#;
        assert_eq!(decode::<Item>(body, Some("item")).unwrap().id, 2);
    }

    #[test]
    fn failures_name_the_path_and_the_position() {
        let item = r#"{"id": 1, "at": "2015-06-17T06:00:00Z"}"#;
        let bad_at = r#"{"id": 2, "at": "tomorrow"}"#;
        let cases: [(String, Option<&str>, &str, &str); 9] = [
            (
                format!(r#"{{"items": [{item}, {bad_at}]}}"#),
                Some("items"),
                "items[1].at",
                "`tomorrow` is not an ISO-8601 date-time: too short at line 1 column 78",
            ),
            (
                format!(r#"{{"items": [{item}, {{"at": "2015-06-17T06:00:00Z"}}]}}"#),
                Some("items"),
                "items[1]",
                "missing field `id` at line 1 column 82",
            ),
            (
                format!(r#"{{"items": {item}}}"#),
                Some("items"),
                "items",
                "invalid type: map, expected a sequence at line 1 column 10",
            ),
            (
                format!(r#"{{"other": [{item}]}}"#),
                Some("items"),
                "",
                "the key `items` is missing",
            ),
            (
                "[1, 2]".to_owned(),
                Some("items"),
                "",
                "invalid type: sequence, expected a JSON object with key `items` at line 1 column 0",
            ),
            (
                format!(r#"{{"items": [{item}]}} junk"#),
                Some("items"),
                "",
                "trailing characters at line 1 column 54",
            ),
            (
                format!("[{item}, {bad_at}]"),
                None,
                "[1].at",
                "`tomorrow` is not an ISO-8601 date-time: too short at line 1 column 68",
            ),
            (
                format!("[{item}] junk"),
                None,
                "",
                "trailing characters at line 1 column 43",
            ),
            (
                String::new(),
                None,
                "",
                "EOF while parsing a value at line 1 column 0",
            ),
        ];
        let mut wrong = Vec::new();
        for (body, envelope, path, message) in cases {
            let got = decode::<Vec<Item>>(&body, envelope).unwrap_err();
            if got != (path.to_owned(), message.to_owned()) {
                wrong.push(format!(
                    "{body}\n  got {got:?}\n want {:?}",
                    (path, message)
                ));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }
}
