//! Support for the `Deserialize` impls the generator writes for objects that keep unknown fields.
//!
//! Those objects used to collect unknown fields with `#[serde(flatten)]`, which makes serde
//! buffer the whole object into its private `Content` tree and decode every field a second time
//! from it: about a third of the decode time of a list of events, and values that must pass
//! through serde's own number types. The generated impls instead walk the object once,
//! matching each key against the documented wire names and sending every other key to `extra`.
//! [`Key`] is the key they match on: borrowed from the input when it has no escapes, so a
//! documented key costs no allocation.

use std::fmt;

use serde::de::{Deserialize, Deserializer, Error, MapAccess, Visitor};

/// An object key, borrowed from the input where possible.
#[derive(Debug)]
pub enum Key<'de> {
    /// Borrowed from the input.
    Borrowed(&'de str),
    /// Unescaped or read from a buffered source, hence owned.
    Owned(String),
}

impl Key<'_> {
    /// The key's text.
    pub fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(s) => s,
            Key::Owned(s) => s,
        }
    }

    /// The key as an owned string, for `extra`.
    pub fn into_owned(self) -> String {
        match self {
            Key::Borrowed(s) => s.to_owned(),
            Key::Owned(s) => s,
        }
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(BorrowedText("an object key"))
    }
}

/// Reads a string, borrowed from the input where possible: the wire text of an open enum,
/// matched against the documented values without allocating for them.
pub fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Key<'de>, D::Error> {
    deserializer.deserialize_str(BorrowedText("a string"))
}

/// A string, borrowed when the input allows; the text says what was expected, for errors.
struct BorrowedText(&'static str);

impl<'de> Visitor<'de> for BorrowedText {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }

    fn visit_borrowed_str<E: Error>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(Key::Borrowed(v))
    }

    fn visit_str<E: Error>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(Key::Owned(v.to_owned()))
    }

    fn visit_string<E: Error>(self, v: String) -> Result<Key<'de>, E> {
        Ok(Key::Owned(v))
    }
}

/// Decodes the value of a documented key into its slot; a key given twice is an error, as
/// with serde's derive.
pub fn next_value<'de, A, T>(
    map: &mut A,
    slot: &mut Option<T>,
    field: &'static str,
) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    T: Deserialize<'de>,
{
    if slot.is_some() {
        return Err(A::Error::duplicate_field(field));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}
