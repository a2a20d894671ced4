//! Finding what a decoded value holds that its spec does not describe.
//!
//! Generated objects keep undocumented fields (so that sending a value back loses nothing) and
//! generated enums keep undocumented values. [`UnknownFields::unknown_fields`] lists them by path,
//! which tells a spec author where the documents and the live service part ways, and lets the
//! example tests prove that every field of every documented example is typed.

use std::collections::BTreeMap;

/// Values that can hold data the spec does not describe.
pub trait UnknownFields {
    /// Appends the path of everything undocumented below `path`.
    fn collect_unknown(&self, path: &str, out: &mut Vec<String>);

    /// Paths of undocumented fields and values, such as `events[0].undo_id`.
    fn unknown_fields(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.collect_unknown("", &mut out);
        out
    }
}

/// Joins a field name onto a path.
pub fn field_path(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_owned()
    } else {
        format!("{path}.{field}")
    }
}

macro_rules! nothing_unknown {
    ($($t:ty),*) => {$(
        impl UnknownFields for $t {
            fn collect_unknown(&self, _: &str, _: &mut Vec<String>) {}
        }
    )*};
}
nothing_unknown!(
    String,
    i64,
    f64,
    bool,
    chrono::NaiveDate,
    crate::DateTime,
    crate::UnixTime,
    crate::Decimal,
    crate::DecimalNumber,
    serde_json::Value,
    ()
);

impl<T: UnknownFields> UnknownFields for Option<T> {
    fn collect_unknown(&self, path: &str, out: &mut Vec<String>) {
        if let Some(v) = self {
            v.collect_unknown(path, out);
        }
    }
}

/// A boxed value (a type that contains itself) is searched like the value.
impl<T: UnknownFields + ?Sized> UnknownFields for Box<T> {
    fn collect_unknown(&self, path: &str, out: &mut Vec<String>) {
        (**self).collect_unknown(path, out);
    }
}

impl<T: UnknownFields> UnknownFields for Vec<T> {
    fn collect_unknown(&self, path: &str, out: &mut Vec<String>) {
        for (i, v) in self.iter().enumerate() {
            v.collect_unknown(&index_path(path, i), out);
        }
    }
}

/// `path[i]`; not inlined into the `Vec` impl above, which is compiled once per item type.
#[inline(never)]
fn index_path(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

impl<T: UnknownFields> UnknownFields for BTreeMap<String, T> {
    fn collect_unknown(&self, path: &str, out: &mut Vec<String>) {
        for (k, v) in self {
            v.collect_unknown(&field_path(path, k), out);
        }
    }
}

/// A `serde_json` object: every key in it is undocumented.
impl UnknownFields for serde_json::Map<String, serde_json::Value> {
    fn collect_unknown(&self, path: &str, out: &mut Vec<String>) {
        out.extend(self.keys().map(|k| field_path(path, k)));
    }
}

/// The `extra` of a generated object: every key in it is undocumented.
impl UnknownFields for crate::Extra {
    fn collect_unknown(&self, path: &str, out: &mut Vec<String>) {
        out.extend(self.keys().map(|k| field_path(path, k)));
    }
}

/// Decodes a documented example (unwrapping `envelope`) and lists what its type does not
/// describe. Used by the generated example tests.
#[doc(hidden)]
pub fn check_example<T>(text: &str, envelope: Option<&str>) -> Result<Vec<String>, String>
where
    T: serde::de::DeserializeOwned + UnknownFields,
{
    let (decoded, _) = crate::response::decode_json::<T>(text.as_bytes(), envelope).map_err(
        |(path, message)| match path.as_str() {
            "" => message,
            path => format!("at `{path}`: {message}"),
        },
    )?;
    Ok(decoded.unknown_fields())
}
