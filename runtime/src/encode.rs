//! How values are written into paths, query strings and form bodies.
//!
//! Query strings and form bodies share one encoder so that a value is spelled the same in both.
//! Names keep `[` and `]` unescaped (PHP-style `format[]=html`, as the vendors document them);
//! everything outside RFC 3986's unreserved set is percent-encoded, spaces as `%20`.

use std::borrow::Cow;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::datetime::{DateTime, UnixTime};
use crate::decimal::{Decimal, DecimalNumber};

/// Characters escaped in a query or form value: all but RFC 3986's unreserved characters.
const VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Characters escaped in a query or form name: as values, but brackets stay readable.
const NAME: &AsciiSet = &VALUE.remove(b'[').remove(b']');

/// Characters escaped in one path segment: all but unreserved characters and the sub-delimiters
/// and `:`/`@` that RFC 3986 allows in a segment. `/`, `?`, `#` and `%` are always escaped.
const SEGMENT: &AsciiSet = &VALUE
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b':')
    .remove(b'@');

/// How an array is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArrayStyle {
    /// `name=a&name=b`
    Repeat,
    /// `name[]=a&name[]=b`
    Brackets,
    /// `name=a,b`
    Comma,
    /// `name=a` for a single value, `name[]=a&name[]=b` for several.
    BracketsUnlessSingle,
}

/// A value that can stand in a path, query string, header or form field.
pub trait ToParam {
    /// The value as text, before any escaping.
    fn to_param(&self) -> String;

    /// The same text, borrowed when the value holds it already (a string), so that writing
    /// it into a path allocates nothing of its own.
    fn param_text(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_param())
    }
}

impl<T: ToParam + ?Sized> ToParam for &T {
    fn to_param(&self) -> String {
        (**self).to_param()
    }

    fn param_text(&self) -> Cow<'_, str> {
        (**self).param_text()
    }
}

impl ToParam for str {
    fn to_param(&self) -> String {
        self.to_owned()
    }

    fn param_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl ToParam for String {
    fn to_param(&self) -> String {
        self.clone()
    }

    fn param_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

macro_rules! display_param {
    ($($t:ty),*) => {$(
        impl ToParam for $t {
            fn to_param(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
display_param!(
    i64,
    i32,
    u32,
    u64,
    f64,
    bool,
    DateTime,
    UnixTime,
    Decimal,
    DecimalNumber
);

impl ToParam for chrono::NaiveDate {
    fn to_param(&self) -> String {
        self.format("%Y-%m-%d").to_string()
    }
}

/// Name/value pairs, encoded as `application/x-www-form-urlencoded` (query strings and forms).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pairs(Vec<(String, String)>);

impl Pairs {
    /// Adds one scalar.
    pub fn push(&mut self, name: &str, value: &impl ToParam) {
        self.0.push((name.to_owned(), value.to_param()));
    }

    /// Adds a scalar if present.
    pub fn push_opt<T: ToParam>(&mut self, name: &str, value: Option<&T>) {
        if let Some(v) = value {
            self.push(name, v);
        }
    }

    /// Adds an array in the given style. An empty array adds nothing.
    pub fn push_array<T: ToParam>(&mut self, name: &str, values: &[T], style: ArrayStyle) {
        match style {
            ArrayStyle::Repeat => values.iter().for_each(|v| self.push(name, v)),
            ArrayStyle::Brackets => {
                let name = format!("{name}[]");
                values.iter().for_each(|v| self.push(&name, v));
            }
            ArrayStyle::BracketsUnlessSingle => match values {
                [single] => self.push(name, single),
                several => self.push_array(name, several, ArrayStyle::Brackets),
            },
            ArrayStyle::Comma if !values.is_empty() => {
                let joined: Vec<String> = values.iter().map(ToParam::to_param).collect();
                self.0.push((name.to_owned(), joined.join(",")));
            }
            ArrayStyle::Comma => {}
        }
    }

    /// Adds a JSON value: scalars as text, arrays in the given style, `null` not at all.
    /// Objects have no agreed form encoding and are refused.
    pub fn push_json(
        &mut self,
        name: &str,
        value: &serde_json::Value,
        style: ArrayStyle,
    ) -> Result<(), String> {
        use serde_json::Value;
        match value {
            Value::Null => {}
            Value::String(s) => self.push(name, s),
            Value::Bool(_) | Value::Number(_) => self.push(name, &value.to_string()),
            Value::Array(items) => {
                let mut texts = Vec::with_capacity(items.len());
                for item in items {
                    match item {
                        Value::String(s) => texts.push(s.clone()),
                        Value::Bool(_) | Value::Number(_) => texts.push(item.to_string()),
                        _ => return Err(format!("form field `{name}` holds a nested value")),
                    }
                }
                self.push_array(name, &texts, style);
            }
            Value::Object(_) => return Err(format!("form field `{name}` holds an object")),
        }
        Ok(())
    }

    /// Adds an empty value: how a form says "no value" (Laravel reads it as null).
    pub fn push_empty(&mut self, name: &str) {
        self.0.push((name.to_owned(), String::new()));
    }

    /// Adds a value that is always sent: the value if present, otherwise an empty one.
    pub fn push_or_empty<T: ToParam>(&mut self, name: &str, value: Option<&T>) {
        match value {
            Some(v) => self.push(name, v),
            None => self.push_empty(name),
        }
    }

    /// Adds a field the spec does not describe (a custom field): scalars and arrays of scalars
    /// as [`Pairs::push_json`] does. Objects have no form encoding; they are left out, which is
    /// what a form can do with them.
    pub fn push_extra(
        &mut self,
        name: &str,
        value: &serde_json::value::RawValue,
        style: ArrayStyle,
    ) {
        // The text is JSON by construction (`Extra` holds nothing else).
        let Ok(value) = serde_json::from_str::<serde_json::Value>(value.get()) else {
            return;
        };
        if self.push_json(name, &value, style).is_err() {
            tracing::debug!(
                field = name,
                "undescribed field with nested data left out of the form"
            );
        }
    }

    /// Whether nothing was added.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The pairs, unescaped.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.0
    }

    /// `a=1&b=2`, escaped.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        for (i, (name, value)) in self.0.iter().enumerate() {
            if i > 0 {
                out.push('&');
            }
            out.extend(utf8_percent_encode(name, NAME));
            out.push('=');
            out.extend(utf8_percent_encode(value, VALUE));
        }
        out
    }
}

/// Why a path parameter was refused before anything was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    /// Empty values would address the collection instead of one item.
    #[error("path parameter `{0}` is empty")]
    Empty(String),
    /// `.` and `..` are removed by URL normalisation and would address another resource.
    #[error("path parameter `{0}` is `.` or `..`, which would change the path")]
    DotSegment(String),
}

/// Escapes one path segment, refusing values that would change which resource is addressed.
pub fn path_segment(name: &str, value: &str) -> Result<String, PathError> {
    let mut out = String::new();
    push_path_segment(&mut out, name, value)?;
    Ok(out)
}

/// [`path_segment`], written onto the end of `path`.
pub fn push_path_segment(path: &mut String, name: &str, value: &str) -> Result<(), PathError> {
    match value {
        "" => Err(PathError::Empty(name.to_owned())),
        "." | ".." => Err(PathError::DotSegment(name.to_owned())),
        _ => {
            path.extend(utf8_percent_encode(value, SEGMENT));
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrays_in_each_style() {
        let mut p = Pairs::default();
        p.push_array("format", &["html", "markdown"], ArrayStyle::Brackets);
        p.push_array("id", &[1_i64, 2], ArrayStyle::Repeat);
        p.push_array("c", &["a", "b"], ArrayStyle::Comma);
        p.push_array("none", &[] as &[&str], ArrayStyle::Comma);
        p.push_array("one", &["html"], ArrayStyle::BracketsUnlessSingle);
        p.push_array("two", &["html", "md"], ArrayStyle::BracketsUnlessSingle);
        p.push_array("zero", &[] as &[&str], ArrayStyle::BracketsUnlessSingle);
        assert_eq!(
            p.encode(),
            "format[]=html&format[]=markdown&id=1&id=2&c=a%2Cb&one=html&two[]=html&two[]=md"
        );
    }

    #[test]
    fn escapes_values_and_names() {
        let mut p = Pairs::default();
        p.push("q", &"a b&c=d/é+");
        p.push("x y", &true);
        assert_eq!(p.encode(), "q=a%20b%26c%3Dd%2F%C3%A9%2B&x%20y=true");
    }

    #[test]
    fn path_segments() {
        assert_eq!(
            path_segment("id", "a/b?c#d%e f").unwrap(),
            "a%2Fb%3Fc%23d%25e%20f"
        );
        assert_eq!(path_segment("id", "k:s@1").unwrap(), "k:s@1");
        assert_eq!(path_segment("id", ""), Err(PathError::Empty("id".into())));
        assert!(path_segment("id", "..").is_err());
        assert!(path_segment("id", ".").is_err());
        assert_eq!(path_segment("id", "...").unwrap(), "...");
    }
}
