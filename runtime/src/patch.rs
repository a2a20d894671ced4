//! A field of a partial update that has three states: left out, set, or cleared.
//!
//! Teamleader v2's update actions take "optional, nullable" properties: a key left out keeps
//! the stored value, a value replaces it, and `null` clears it. `Option<T>` has only two states,
//! so it cannot say both "keep" and "clear"; a field declared `clearable: true` in a spec is
//! generated as [`Patch<T>`] instead, with `#[serde(default, skip_serializing_if =
//! "Patch::is_unset")]`, so that [`Patch::Unset`] leaves the key out, [`Patch::Set`] sends the
//! value and [`Patch::Clear`] sends `null`.
//!
//! Decoding is the exact inverse, so a value read back (an example, a logged request) keeps
//! its meaning: a missing key is `Unset` (through `#[serde(default)]`), `null` is `Clear`, and
//! anything else is `Set`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::unknown::UnknownFields;

/// One field of a partial update: keep (`Unset`, the default), replace (`Set`) or clear
/// (`Clear`).
///
/// ```
/// # mod saas_clients { pub use clientgen_runtime as runtime; }
/// use saas_clients::runtime::Patch;
///
/// let mut name: Patch<String> = Patch::default(); // left out of the body
/// assert!(name.is_unset());
/// name = "Ada".into(); // sent as "Ada"
/// assert_eq!(name.get().map(String::as_str), Some("Ada"));
/// name = Patch::Clear; // sent as null
/// assert!(name.is_clear());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Patch<T> {
    /// Not sent: the server keeps what it has.
    #[default]
    Unset,
    /// Sent as this value: the server stores it.
    Set(T),
    /// Sent as `null`: the server clears the stored value.
    Clear,
}

impl<T> Patch<T> {
    /// Whether the field is left out of the request. Generated structs skip such fields when
    /// serializing.
    pub fn is_unset(&self) -> bool {
        matches!(self, Patch::Unset)
    }

    /// Whether the field is sent as `null`.
    pub fn is_clear(&self) -> bool {
        matches!(self, Patch::Clear)
    }

    /// The value, when one is set.
    pub fn get(&self) -> Option<&T> {
        match self {
            Patch::Set(v) => Some(v),
            Patch::Unset | Patch::Clear => None,
        }
    }

    /// Sets the value (anything that converts into it).
    pub fn set(&mut self, value: impl Into<T>) {
        *self = Patch::Set(value.into());
    }

    /// Clears the field: it is sent as `null`.
    pub fn clear(&mut self) {
        *self = Patch::Clear;
    }

    /// Leaves the field out again.
    pub fn unset(&mut self) {
        *self = Patch::Unset;
    }
}

impl<T> From<T> for Patch<T> {
    fn from(value: T) -> Self {
        Patch::Set(value)
    }
}

impl From<&str> for Patch<String> {
    fn from(value: &str) -> Self {
        Patch::Set(value.to_owned())
    }
}

/// `Set(v)` writes `v`; `Clear` writes `null`. `Unset` also writes `null` if it is ever
/// serialized on its own, but a generated field skips it, so it never reaches the wire.
impl<T: Serialize> Serialize for Patch<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Patch::Set(v) => serializer.serialize_some(v),
            Patch::Unset | Patch::Clear => serializer.serialize_none(),
        }
    }
}

/// `null` reads as `Clear` and a value as `Set`; a missing key never reaches this, it is
/// `Unset` through `#[serde(default)]`.
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(deserializer)? {
            Some(v) => Patch::Set(v),
            None => Patch::Clear,
        })
    }
}

impl<T: UnknownFields> UnknownFields for Patch<T> {
    fn collect_unknown(&self, path: &str, out: &mut Vec<String>) {
        if let Patch::Set(v) = self {
            v.collect_unknown(path, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Update {
        #[serde(default, skip_serializing_if = "Patch::is_unset")]
        name: Patch<String>,
    }

    #[test]
    fn three_states_on_the_wire_and_back() {
        for (value, wire) in [
            (Patch::Unset, "{}"),
            (Patch::Set("Ada".to_owned()), r#"{"name":"Ada"}"#),
            (Patch::Clear, r#"{"name":null}"#),
        ] {
            let update = Update { name: value };
            assert_eq!(serde_json::to_string(&update).unwrap(), wire);
            assert_eq!(serde_json::from_str::<Update>(wire).unwrap(), update);
        }
    }

    #[test]
    fn setters_and_conversions() {
        let mut p: Patch<String> = "a".into();
        assert_eq!(p, Patch::Set("a".to_owned()));
        p.clear();
        assert!(p.is_clear() && p.get().is_none());
        p.set("b");
        assert_eq!(p.get().map(String::as_str), Some("b"));
        p.unset();
        assert!(p.is_unset());
        assert_eq!(Patch::from(3), Patch::Set(3));
    }
}
