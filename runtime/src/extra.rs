//! The fields of an object that its spec does not describe, kept as the exact JSON text received.
//!
//! A fetched value sent back with an update must lose nothing. A `serde_json::Value` cannot
//! promise that: without serde_json's `arbitrary_precision` feature (which cargo would switch on
//! for the user's whole program, changing how every `Value` and `Number` there behaves) it
//! reads `18446744073709551617` or `0.1000000000000000055511151231257827` as a float. [`Extra`]
//! instead keeps each unknown value as a [`RawValue`], the bytes as they arrived, and writes
//! them back byte for byte. serde_json's `raw_value` feature only adds that type; it changes
//! nothing else.
//!
//! Raw text can only be taken from serde_json's own parser. A value that reaches [`Extra`]
//! through serde's buffered `Content` (an object inside an untagged union, say) is kept as a
//! `serde_json::Value` instead, as before: by then the number has already been read.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde::{Serialize, Serializer};
use serde_json::Value;
use serde_json::value::RawValue;

/// Fields the spec does not describe, by name, each kept as received, in the order received.
///
/// A short list rather than a tree: objects carry a handful of unknown fields at most, and a
/// list of 10,000 events each holding two would otherwise spend more heap on tree nodes than
/// on the events.
#[derive(Clone, Default)]
pub struct Extra(Vec<(String, Unknown)>);

/// One undescribed value: its exact JSON text, or a value set by the caller.
#[derive(Clone)]
pub enum Unknown {
    /// The JSON text as received, written back unchanged.
    Raw(Box<RawValue>),
    /// A value given by the caller, or one that came through a buffered decoder.
    Value(Value),
}

impl Unknown {
    /// The value, parsed. A number beyond `f64`'s precision is rounded here; the raw text
    /// ([`Unknown::raw`]) is what is sent back.
    pub fn to_value(&self) -> Value {
        match self {
            Unknown::Raw(raw) => serde_json::from_str(raw.get()).unwrap_or(Value::Null),
            Unknown::Value(v) => v.clone(),
        }
    }

    /// The exact JSON text received, if this value was read from a body.
    pub fn raw(&self) -> Option<&str> {
        match self {
            Unknown::Raw(raw) => Some(raw.get()),
            Unknown::Value(_) => None,
        }
    }
}

impl PartialEq for Unknown {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Unknown::Raw(a), Unknown::Raw(b)) => a.get() == b.get(),
            (a, b) => a.to_value() == b.to_value(),
        }
    }
}

impl fmt::Debug for Unknown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unknown::Raw(raw) => f.write_str(raw.get()),
            Unknown::Value(v) => write!(f, "{v}"),
        }
    }
}

impl Serialize for Unknown {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Unknown::Raw(raw) => raw.serialize(serializer),
            Unknown::Value(v) => v.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Unknown {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // serde_json hands out raw text to a newtype struct of this name (that is how its own
        // `RawValue` is decoded); any other deserializer calls `visit_newtype_struct`, and
        // the value is decoded as a `Value`.
        deserializer.deserialize_newtype_struct(RAW_TOKEN, UnknownVisitor)
    }
}

/// The name under which serde_json's parser yields raw text (`serde_json::value::RawValue`).
/// Should it ever change, values arrive through `visit_newtype_struct` as `Value`s, which is
/// today's behaviour; the tests of exactness would then fail and say so.
pub(crate) const RAW_TOKEN: &str = "$serde_json::private::RawValue";

struct UnknownVisitor;

impl<'de> Visitor<'de> for UnknownVisitor {
    type Value = Unknown;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Unknown, A::Error> {
        // The raw protocol: one entry whose value is the text. Anything else is a real map.
        match map.next_key_seed(FirstKeySeed)? {
            Some(FirstKey::Token) => {
                let text = map.next_value::<crate::de::Key<'de>>()?.into_owned();
                RawValue::from_string(text)
                    .map(Unknown::Raw)
                    .map_err(de::Error::custom)
            }
            first => {
                let mut object = serde_json::Map::new();
                if let Some(FirstKey::Other(key)) = first {
                    object.insert(key, map.next_value()?);
                    while let Some((k, v)) = map.next_entry()? {
                        object.insert(k, v);
                    }
                }
                Ok(Unknown::Value(Value::Object(object)))
            }
        }
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Unknown, D::Error> {
        Value::deserialize(d).map(Unknown::Value)
    }
}

/// The first key of a map seen by [`UnknownVisitor`]: the raw-text marker (recognised without
/// allocating), or a real key.
enum FirstKey {
    Token,
    Other(String),
}

struct FirstKeySeed;

impl<'de> de::DeserializeSeed<'de> for FirstKeySeed {
    type Value = FirstKey;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<FirstKey, D::Error> {
        deserializer.deserialize_str(FirstKeyVisitor)
    }
}

struct FirstKeyVisitor;

impl Visitor<'_> for FirstKeyVisitor {
    type Value = FirstKey;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<FirstKey, E> {
        Ok(if v == RAW_TOKEN {
            FirstKey::Token
        } else {
            FirstKey::Other(v.to_owned())
        })
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<FirstKey, E> {
        Ok(if v == RAW_TOKEN {
            FirstKey::Token
        } else {
            FirstKey::Other(v)
        })
    }
}

impl Extra {
    /// No fields.
    pub fn new() -> Self {
        Extra::default()
    }

    /// How many fields.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The names, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_str())
    }

    /// The fields, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Unknown)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// One field as it was received (or set).
    pub fn get(&self, name: &str) -> Option<&Unknown> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// One field, parsed as a `serde_json::Value`.
    pub fn value(&self, name: &str) -> Option<Value> {
        self.get(name).map(Unknown::to_value)
    }

    /// Sets a field, to be sent with the value (`null` clears it on most APIs). Returns the
    /// value it replaces.
    pub fn insert(&mut self, name: String, value: Value) -> Option<Unknown> {
        self.insert_unknown(name, Unknown::Value(value))
    }

    /// Sets a field to an [`Unknown`]: the generated decoders keep raw text this way. A name
    /// given twice keeps the last value, as a JSON object read into a map does.
    pub fn insert_unknown(&mut self, name: String, value: Unknown) -> Option<Unknown> {
        match self.0.iter_mut().find(|(k, _)| *k == name) {
            Some((_, slot)) => Some(std::mem::replace(slot, value)),
            None => {
                self.0.push((name, value));
                None
            }
        }
    }

    /// Appends a field read from the wire, without looking for an earlier one of the same name:
    /// the decoders call [`Extra::dedup`] once the object is read, so that an object with many
    /// undescribed keys (a hostile server's million) costs linear time, not quadratic.
    #[doc(hidden)]
    pub fn push_unknown(&mut self, name: String, value: Unknown) {
        self.0.push((name, value));
    }

    /// Makes names unique after [`Extra::push_unknown`], as [`Extra::insert_unknown`] would
    /// have: a name given twice keeps its first position and its last value.
    #[doc(hidden)]
    pub fn dedup(&mut self) {
        let n = self.0.len();
        let repeated = if n < 2 {
            false
        } else if n <= 16 {
            (1..n).any(|i| self.0[..i].iter().any(|(k, _)| *k == self.0[i].0))
        } else {
            let mut seen = std::collections::HashSet::with_capacity(n);
            !self.0.iter().all(|(k, _)| seen.insert(k.as_str()))
        };
        if !repeated {
            return;
        }
        let mut at: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        let mut out: Vec<(String, Unknown)> = Vec::with_capacity(n);
        for (k, v) in self.0.drain(..) {
            match at.get(&k) {
                Some(&i) => out[i].1 = v,
                None => {
                    at.insert(k.clone(), out.len());
                    out.push((k, v));
                }
            }
        }
        self.0 = out;
    }

    /// Removes a field.
    pub fn remove(&mut self, name: &str) -> Option<Unknown> {
        let at = self.0.iter().position(|(k, _)| k == name)?;
        Some(self.0.remove(at).1)
    }

    /// All fields as a `serde_json` object (numbers beyond `f64` rounded; see [`Unknown::to_value`]).
    pub fn to_map(&self) -> serde_json::Map<String, Value> {
        self.0
            .iter()
            .map(|(k, v)| (k.clone(), v.to_value()))
            .collect()
    }
}

/// Equal when the same names hold equal values, in any order.
impl PartialEq for Extra {
    fn eq(&self, other: &Self) -> bool {
        self.0.len() == other.0.len() && self.0.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

impl fmt::Debug for Extra {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.iter().map(|(k, v)| (k, v)))
            .finish()
    }
}

impl Serialize for Extra {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

impl<'de> Deserialize<'de> for Extra {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ExtraVisitor;
        impl<'de> Visitor<'de> for ExtraVisitor {
            type Value = Extra;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Extra, A::Error> {
                let mut out = Extra::new();
                while let Some((k, v)) = map.next_entry()? {
                    out.push_unknown(k, v);
                }
                out.dedup();
                Ok(out)
            }
        }
        deserializer.deserialize_map(ExtraVisitor)
    }
}

impl From<serde_json::Map<String, Value>> for Extra {
    fn from(map: serde_json::Map<String, Value>) -> Self {
        Extra(
            map.into_iter()
                .map(|(k, v)| (k, Unknown::Value(v)))
                .collect(),
        )
    }
}

impl<'a> IntoIterator for &'a Extra {
    type Item = &'a (String, Unknown);
    type IntoIter = std::slice::Iter<'a, (String, Unknown)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_text_from_the_parser_and_falls_back_to_a_value_elsewhere() {
        let text = r#"{"big": 18446744073709551617, "d": 0.10000000000000000555, "o": {"a": 1}}"#;
        let extra: Extra = serde_json::from_str(text).unwrap();
        assert_eq!(
            extra.get("big").and_then(Unknown::raw),
            Some("18446744073709551617")
        );
        assert_eq!(
            serde_json::to_string(&extra).unwrap(),
            r#"{"big":18446744073709551617,"d":0.10000000000000000555,"o":{"a": 1}}"#
        );
        // From a `Value` (serde_json's own deserializer): raw text of the value as held.
        let from_value: Extra = serde_json::from_value(serde_json::json!({"n": 7})).unwrap();
        assert_eq!(from_value.get("n").and_then(Unknown::raw), Some("7"));
        // Through serde's buffered `Content` (an untagged enum): a plain value, still decoded.
        #[derive(serde::Deserialize)]
        #[serde(untagged)]
        enum Either {
            Map(Extra),
        }
        let Either::Map(buffered) = serde_json::from_str(text).unwrap();
        assert_eq!(buffered.get("o").and_then(Unknown::raw), None);
        assert_eq!(buffered.value("o"), Some(serde_json::json!({"a": 1})));
        // A name given twice keeps the last value.
        let twice: Extra = serde_json::from_str(r#"{"a": 1, "a": 2}"#).unwrap();
        assert_eq!((twice.len(), twice.value("a")), (1, Some(2.into())));
    }

    #[test]
    fn repeated_names_keep_the_first_place_and_the_last_value_in_both_dedup_paths() {
        // Few keys take the pairwise path, many the hashed one; both must agree with
        // `insert_unknown`.
        for n in [3usize, 40] {
            let mut text = String::from("{");
            for i in 0..n {
                text.push_str(&format!("\"k{i}\": {i}, "));
            }
            text.push_str("\"k1\": \"again\", \"k0\": \"last\"}");
            let extra: Extra = serde_json::from_str(&text).unwrap();
            let mut expected = Extra::new();
            for i in 0..n {
                expected.insert(format!("k{i}"), i.into());
            }
            expected.insert("k1".into(), "again".into());
            expected.insert("k0".into(), "last".into());
            assert_eq!(extra.len(), n, "{n} keys");
            let keys: Vec<&str> = extra.keys().collect();
            let want: Vec<&str> = expected.keys().collect();
            assert_eq!(keys, want, "{n} keys keep their first places");
            assert_eq!(extra.value("k0"), Some("last".into()));
            assert_eq!(extra.value("k1"), Some("again".into()));
        }
    }
}
