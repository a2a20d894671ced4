//! The fields of an object that its spec does not describe, kept as the exact JSON text received.
//!
//! A fetched value sent back with an update must lose nothing. A `serde_json::Value` cannot
//! promise that: without serde_json's `arbitrary_precision` feature (which cargo would switch on
//! for the user's whole program, changing how every `Value` and `Number` there behaves) it
//! reads `18446744073709551617` or `0.1000000000000000055511151231257827` as a float. [`Extra`]
//! instead keeps each unknown value's JSON text, as the bytes arrived, hands it out as a
//! serde_json [`RawValue`] and writes it back byte for byte. serde_json's `raw_value` feature
//! only adds that type; it changes nothing else.
//!
//! Raw text can only be taken from serde_json's own parser. A value that reaches [`Extra`]
//! through another deserializer (a `serde_json::Value`, or serde's buffered `Content`) is
//! printed back to JSON text: by then its numbers have already been read.
//!
//! The fields live in one string, not in a list of owned names and values. A list of 10,000
//! events that each carry two undescribed fields would otherwise hold 50,000 small
//! allocations (the list, two names, two values) and a list capacity of four entries per
//! event: more heap than the hand-written structs that drop those fields spend on the events.

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::{Serialize, Serializer};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::de::Key;

/// Fields the spec does not describe, by name, each kept as received, in the order received.
///
/// Each value is its JSON text, read as a [`RawValue`] ([`Extra::get`]) or parsed
/// ([`Extra::value`]). Inside, the fields are one string of length-prefixed pieces,
/// `<name length>:<name><text length>:<text>` for each field: one allocation per object
/// whatever the number of fields, none when there are none, and no parse to list them.
#[derive(Clone, Default)]
pub struct Extra(Box<str>);

/// The fields of an [`Extra`]: each name with its value's JSON text.
#[derive(Clone)]
pub struct Iter<'a>(Pieces<'a>);

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a str, &'a RawValue);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let (name, text) = self.0.next()?;
            // Every text was written by this module from a parser's raw text or a printed
            // `Value`, so it parses; a piece that did not would be skipped, not a panic.
            if let Ok(raw) = serde_json::from_str::<&RawValue>(text) {
                return Some((name, raw));
            }
        }
    }
}

/// The stored pieces, name and text, without validating the text.
#[derive(Clone)]
struct Pieces<'a>(&'a str);

impl<'a> Iterator for Pieces<'a> {
    type Item = (&'a str, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        let (name, rest) = take(self.0)?;
        let (text, rest) = take(rest)?;
        self.0 = rest;
        Some((name, text))
    }
}

/// Splits one length-prefixed piece off the front of `s`.
fn take(s: &str) -> Option<(&str, &str)> {
    let colon = s.find(':')?;
    let len: usize = s[..colon].parse().ok()?;
    let rest = &s[colon + 1..];
    Some((rest.get(..len)?, rest.get(len..)?))
}

/// Appends one length-prefixed piece.
fn put(out: &mut String, piece: &str) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut n = piece.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.reserve(digits.len() - at + 1 + piece.len());
    out.extend(digits[at..].iter().map(|&d| char::from(d)));
    out.push(':');
    out.push_str(piece);
}

/// Writes fields in order into one string.
fn write<'a>(fields: impl IntoIterator<Item = (&'a str, &'a str)>) -> Box<str> {
    let mut out = String::new();
    for (name, text) in fields {
        put(&mut out, name);
        put(&mut out, text);
    }
    out.into_boxed_str()
}

/// Collects the undescribed fields of one object while the generated decoders read it.
///
/// [`ExtraBuilder::push`] appends without looking for an earlier field of the same name, and
/// [`ExtraBuilder::finish`] makes the names unique once, so an object with many undescribed
/// keys (a hostile server's million) costs linear time, not quadratic.
///
/// The fields are collected in a scratch string kept per thread and copied out at the end,
/// so that each object costs one allocation of exactly its size, not a string that grows
/// three times and is then shrunk.
#[doc(hidden)]
#[derive(Default)]
pub struct ExtraBuilder {
    text: String,
    fields: usize,
}

/// The most scratch capacity a thread keeps between objects; a larger one (a hostile
/// object's million keys) is freed.
const SCRATCH_KEPT: usize = 16 * 1024;

thread_local! {
    /// The scratch string of the last finished builder on this thread, empty. A builder
    /// takes it when it sees its first field; one nested inside it finds none and starts its
    /// own.
    static SCRATCH: std::cell::Cell<String> = const { std::cell::Cell::new(String::new()) };
}

impl ExtraBuilder {
    /// Nothing collected yet; allocates nothing.
    pub fn new() -> Self {
        ExtraBuilder::default()
    }

    /// Appends a field read from the wire.
    pub fn push(&mut self, name: &str, value: RawText<'_>) {
        if self.fields == 0 {
            // `try_with`: a thread whose locals are being torn down decodes without one.
            self.text = SCRATCH.try_with(|s| s.take()).unwrap_or_default();
        }
        put(&mut self.text, name);
        put(&mut self.text, value.as_str());
        self.fields += 1;
    }

    /// The fields, names unique: a name given twice keeps its first position and its last
    /// value, as a JSON object read into a map does.
    pub fn finish(self) -> Extra {
        let mut scratch = self.text;
        let extra = if self.fields < 2 || !repeats(&scratch, self.fields) {
            Extra(Box::from(scratch.as_str()))
        } else {
            let mut order: Vec<(&str, &str)> = Vec::with_capacity(self.fields);
            let mut at = std::collections::HashMap::<&str, usize>::new();
            for (name, text) in Pieces(&scratch) {
                match at.get(name) {
                    Some(&i) => order[i].1 = text,
                    None => {
                        at.insert(name, order.len());
                        order.push((name, text));
                    }
                }
            }
            Extra(write(order))
        };
        // A builder that saw no field never took the scratch, and must not replace it.
        if self.fields > 0 && scratch.capacity() <= SCRATCH_KEPT {
            scratch.clear();
            let _ = SCRATCH.try_with(|s| s.set(scratch));
        }
        extra
    }
}

/// Whether a name occurs twice among `n` fields: pairwise for a few, hashed for many.
fn repeats(text: &str, n: usize) -> bool {
    let names = Pieces(text).map(|(name, _)| name);
    if n <= 16 {
        let names: Vec<&str> = names.collect();
        (1..names.len()).any(|i| names[..i].contains(&names[i]))
    } else {
        let mut seen = std::collections::HashSet::with_capacity(n);
        !names.into_iter().all(|name| seen.insert(name))
    }
}

impl Extra {
    /// No fields.
    pub fn new() -> Self {
        Extra::default()
    }

    /// How many fields.
    pub fn len(&self) -> usize {
        Pieces(&self.0).count()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The names, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        Pieces(&self.0).map(|(name, _)| name)
    }

    /// The fields, in order, each value as its JSON text.
    pub fn iter(&self) -> Iter<'_> {
        Iter(Pieces(&self.0))
    }

    /// One field's JSON text as it was received (or set); `.get()` on it is the text.
    pub fn get(&self, name: &str) -> Option<&RawValue> {
        let (_, text) = Pieces(&self.0).find(|(n, _)| *n == name)?;
        serde_json::from_str(text).ok()
    }

    /// One field, parsed as a `serde_json::Value`. A number beyond `f64`'s precision is
    /// rounded here; the text ([`Extra::get`]) is what is sent back.
    pub fn value(&self, name: &str) -> Option<Value> {
        self.get(name)
            .and_then(|raw| serde_json::from_str(raw.get()).ok())
    }

    /// Sets a field, to be sent with the value (`null` clears it on most APIs). Returns the
    /// text it replaces.
    pub fn insert(&mut self, name: &str, value: Value) -> Option<Box<RawValue>> {
        self.set(name, &value.to_string())
    }

    /// Sets a field to JSON text as it is, such as a value read from another object's
    /// `extra`. Returns the text it replaces.
    pub fn insert_raw(&mut self, name: &str, value: &RawValue) -> Option<Box<RawValue>> {
        self.set(name, value.get())
    }

    fn set(&mut self, name: &str, text: &str) -> Option<Box<RawValue>> {
        let old = self.get(name).map(RawValue::to_owned);
        let mut found = false;
        let fields: Vec<(&str, &str)> = Pieces(&self.0)
            .map(|(n, t)| match n == name {
                true => {
                    found = true;
                    (n, text)
                }
                false => (n, t),
            })
            .collect();
        let appended = (!found).then_some((name, text));
        self.0 = write(fields.into_iter().chain(appended));
        old
    }

    /// Removes a field, returning its text.
    pub fn remove(&mut self, name: &str) -> Option<Box<RawValue>> {
        let old = self.get(name).map(RawValue::to_owned)?;
        self.0 = write(Pieces(&self.0).filter(|(n, _)| *n != name));
        Some(old)
    }

    /// All fields as a `serde_json` object (numbers beyond `f64` rounded; see [`Extra::value`]).
    pub fn to_map(&self) -> serde_json::Map<String, Value> {
        self.iter()
            .filter_map(|(k, v)| Some((k.to_owned(), serde_json::from_str(v.get()).ok()?)))
            .collect()
    }
}

/// Equal when the same names hold equal values, in any order. Two texts are equal when they
/// are the same bytes or parse to the same `serde_json::Value` (so `{"a": 1}` as received
/// equals `{"a":1}` as set).
impl PartialEq for Extra {
    fn eq(&self, other: &Self) -> bool {
        if self.0 == other.0 {
            return true;
        }
        let same = |a: &str, b: &str| {
            a == b
                || matches!(
                    (serde_json::from_str::<Value>(a), serde_json::from_str::<Value>(b)),
                    (Ok(x), Ok(y)) if x == y
                )
        };
        self.len() == other.len()
            && Pieces(&self.0)
                .all(|(name, text)| Pieces(&other.0).any(|(n, t)| n == name && same(text, t)))
    }
}

impl fmt::Debug for Extra {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        /// A value's text, printed as it is.
        struct Text<'a>(&'a str);
        impl fmt::Debug for Text<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.0)
            }
        }
        f.debug_map()
            .entries(Pieces(&self.0).map(|(k, v)| (k, Text(v))))
            .finish()
    }
}

impl Serialize for Extra {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
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
                let mut out = ExtraBuilder::new();
                while let Some(name) = map.next_key::<Key<'de>>()? {
                    out.push(name.as_str(), map.next_value()?);
                }
                Ok(out.finish())
            }
        }
        deserializer.deserialize_map(ExtraVisitor)
    }
}

impl From<serde_json::Map<String, Value>> for Extra {
    fn from(map: serde_json::Map<String, Value>) -> Self {
        let texts: Vec<(String, String)> =
            map.into_iter().map(|(k, v)| (k, v.to_string())).collect();
        Extra(write(texts.iter().map(|(k, v)| (k.as_str(), v.as_str()))))
    }
}

impl<'a> IntoIterator for &'a Extra {
    type Item = (&'a str, &'a RawValue);
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

/// One value's JSON text as read: borrowed from serde_json's input where it can be (no
/// allocation for the text of an undescribed field), otherwise printed from the value another
/// deserializer produced.
#[doc(hidden)]
pub struct RawText<'de>(Key<'de>);

impl RawText<'_> {
    /// The JSON text.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The JSON text, owned.
    pub fn into_owned(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> Deserialize<'de> for RawText<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // serde_json hands out raw text to a newtype struct of this name (that is how its own
        // `RawValue` is decoded); any other deserializer calls `visit_newtype_struct`, and
        // the value is decoded as a `Value` and printed.
        deserializer.deserialize_newtype_struct(RAW_TOKEN, RawTextVisitor)
    }
}

/// The name under which serde_json's parser yields raw text (`serde_json::value::RawValue`).
/// Should it ever change, values arrive through `visit_newtype_struct` as `Value`s and are
/// printed; the tests of exactness would then fail and say so.
pub(crate) const RAW_TOKEN: &str = "$serde_json::private::RawValue";

struct RawTextVisitor;

fn printed<'de>(value: &Value) -> RawText<'de> {
    RawText(Key::Owned(value.to_string()))
}

impl<'de> Visitor<'de> for RawTextVisitor {
    type Value = RawText<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawText<'de>, A::Error> {
        // The raw protocol: one entry whose value is the text. Anything else is a real map.
        match map.next_key::<Key<'de>>()? {
            Some(key) if key.as_str() == RAW_TOKEN => map.next_value::<Key<'de>>().map(RawText),
            first => {
                let mut object = serde_json::Map::new();
                if let Some(key) = first {
                    object.insert(key.into_owned(), map.next_value()?);
                    while let Some((k, v)) = map.next_entry()? {
                        object.insert(k, v);
                    }
                }
                Ok(printed(&Value::Object(object)))
            }
        }
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<RawText<'de>, D::Error> {
        Value::deserialize(d).map(|v| printed(&v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_text_from_the_parser_and_prints_values_from_elsewhere() {
        let text = r#"{"big": 18446744073709551617, "d": 0.10000000000000000555, "o": {"a": 1}}"#;
        let extra: Extra = serde_json::from_str(text).unwrap();
        assert_eq!(
            extra.get("big").map(RawValue::get),
            Some("18446744073709551617")
        );
        assert_eq!(
            serde_json::to_string(&extra).unwrap(),
            r#"{"big":18446744073709551617,"d":0.10000000000000000555,"o":{"a": 1}}"#
        );
        // From a `Value` (serde_json's own deserializer): the text of the value as held.
        let from_value: Extra = serde_json::from_value(serde_json::json!({"n": 7})).unwrap();
        assert_eq!(from_value.get("n").map(RawValue::get), Some("7"));
        // Through serde's buffered `Content` (an untagged enum): the value, printed.
        #[derive(serde::Deserialize)]
        #[serde(untagged)]
        enum Either {
            Map(Extra),
        }
        let Either::Map(buffered) = serde_json::from_str(text).unwrap();
        assert_eq!(buffered.get("o").map(RawValue::get), Some(r#"{"a":1}"#));
        assert_eq!(buffered.value("o"), Some(serde_json::json!({"a": 1})));
        // A name given twice keeps the last value.
        let twice: Extra = serde_json::from_str(r#"{"a": 1, "a": 2}"#).unwrap();
        assert_eq!((twice.len(), twice.value("a")), (1, Some(2.into())));
    }

    #[test]
    fn repeated_names_keep_the_first_place_and_the_last_value_in_both_dedup_paths() {
        // Few keys take the pairwise path, many the hashed one; both must agree with
        // `insert`.
        for n in [3usize, 40] {
            let mut text = String::from("{");
            for i in 0..n {
                text.push_str(&format!("\"k{i}\": {i}, "));
            }
            text.push_str("\"k1\": \"again\", \"k0\": \"last\"}");
            let extra: Extra = serde_json::from_str(&text).unwrap();
            let mut expected = Extra::new();
            for i in 0..n {
                expected.insert(&format!("k{i}"), i.into());
            }
            expected.insert("k1", "again".into());
            expected.insert("k0", "last".into());
            assert_eq!(extra.len(), n, "{n} keys");
            let keys: Vec<&str> = extra.keys().collect();
            let want: Vec<&str> = expected.keys().collect();
            assert_eq!(keys, want, "{n} keys keep their first places");
            assert_eq!(extra.value("k0"), Some("last".into()));
            assert_eq!(extra.value("k1"), Some("again".into()));
            assert_eq!(extra, expected);
        }
    }

    #[test]
    fn names_with_colons_digits_and_escapes_survive_every_operation() {
        // The length prefixes must not be confused by names or texts that look like them.
        let text = r#"{"12:ab": "3:x", "": 0, "é\"\u00e9": [1, "2:"], "9": {"1:": null}}"#;
        let mut extra: Extra = serde_json::from_str(text).unwrap();
        let names: Vec<&str> = extra.keys().collect();
        assert_eq!(names, ["12:ab", "", "é\"é", "9"]);
        assert_eq!(extra.get("12:ab").map(RawValue::get), Some(r#""3:x""#));
        assert_eq!(extra.get("é\"é").map(RawValue::get), Some(r#"[1, "2:"]"#));
        assert_eq!(
            serde_json::to_string(&extra).unwrap(),
            r#"{"12:ab":"3:x","":0,"é\"é":[1, "2:"],"9":{"1:": null}}"#
        );
        assert_eq!(
            extra
                .insert("", serde_json::json!("new"))
                .map(|r| r.get().to_owned()),
            Some("0".to_owned())
        );
        assert_eq!(
            extra.remove("12:ab").map(|r| r.get().to_owned()),
            Some(r#""3:x""#.into())
        );
        assert!(extra.remove("12:ab").is_none());
        extra.insert("added", serde_json::json!({"k": [true]}));
        assert_eq!(
            format!("{extra:?}"),
            r#"{"": "new", "é\"é": [1, "2:"], "9": {"1:": null}, "added": {"k":[true]}}"#
        );
        assert_eq!(extra.len(), 4);
        let raw = extra.get("9").unwrap().to_owned();
        let mut other = Extra::new();
        other.insert_raw("copy", &raw);
        assert_eq!(
            other.get("copy").map(RawValue::get),
            Some(r#"{"1:": null}"#)
        );
    }

    /// An object with undescribed fields, as the generator writes it.
    #[derive(Debug, serde::Serialize)]
    struct Outer {
        inner: Option<Box<Outer>>,
        #[serde(flatten)]
        extra: Extra,
    }
    crate::open_object!(Outer { inner: "inner" walk, });

    #[test]
    fn objects_nested_between_undescribed_fields_keep_their_own() {
        // The outer builder holds the thread's scratch string while the inner ones decode;
        // each must end with exactly its own fields, also after an error midway.
        for i in 0..4 {
            if i == 2 {
                assert!(serde_json::from_str::<Outer>(r#"{"z": 1, "inner": {"y": ]}"#).is_err());
            }
            let text = format!(
                r#"{{"a{i}": 1, "inner": {{"b{i}": [2], "inner": {{"c{i}": {{"x": 3}}}}, "d{i}": 4}}, "e{i}": 5}}"#
            );
            let outer: Outer = serde_json::from_str(&text).unwrap();
            let inner = outer.inner.as_deref().unwrap();
            let innermost = inner.inner.as_deref().unwrap();
            let keys = |o: &Outer| o.extra.keys().collect::<Vec<_>>().join(" ");
            assert_eq!(keys(&outer), format!("a{i} e{i}"));
            assert_eq!(keys(inner), format!("b{i} d{i}"));
            assert_eq!(keys(innermost), format!("c{i}"));
            assert_eq!(
                serde_json::to_string(&outer).unwrap(),
                format!(
                    r#"{{"inner":{{"inner":{{"inner":null,"c{i}":{{"x": 3}}}},"b{i}":[2],"d{i}":4}},"a{i}":1,"e{i}":5}}"#
                )
            );
        }
    }

    #[test]
    fn equality_ignores_order_and_spelling_but_not_values() {
        let a: Extra = serde_json::from_str(r#"{"x": {"a": 1}, "y": 2}"#).unwrap();
        let mut b = Extra::new();
        b.insert("y", 2.into());
        b.insert("x", serde_json::json!({"a": 1}));
        assert_eq!(a, b);
        b.insert("y", 3.into());
        assert_ne!(a, b);
        b.remove("y");
        assert_ne!(a, b);
    }
}
