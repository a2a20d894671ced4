//! Support for the `Deserialize` impls the generator writes for objects that keep unknown fields.
//!
//! Those objects used to collect unknown fields with `#[serde(flatten)]`, which makes serde
//! buffer the whole object into its private `Content` tree and decode every field a second time
//! from it: about a third of the decode time of a list of events, and values that must pass
//! through serde's own number types. The generated impls instead walk the object once,
//! matching each key against the documented wire names and sending every other key to `extra`.
//! [`Key`] is the key they match on: borrowed from the input when it has no escapes, so a
//! documented key costs no allocation.
//!
//! Untagged unions are decoded here too, without serde's `#[serde(untagged)]`: that buffers the
//! value into serde's `Content`, which holds numbers as `f64`, so an exact amount inside a
//! union (`123.30`) came out as `123.3`. [`Union`] keeps the value's JSON text instead (the way
//! [`crate::Extra`] does) and decodes each variant from that text in turn.

use std::cell::Cell;
use std::fmt;

use serde::de::{Deserialize, DeserializeOwned, Deserializer, Error, MapAccess, Visitor};

use crate::extra::RawText;

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

/// How deep the text of an untagged union may nest: serde_json's own limit.
pub const UNION_DEPTH: usize = 128;

/// The deepest nesting of arrays and objects in a JSON text (brackets inside strings do not
/// count).
fn nesting(text: &[u8]) -> usize {
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0usize, 0, false, false);
    for &b in text {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// How many bytes the variant attempts of the unions in one value may parse in all, as a
/// multiple of the outermost union's text (plus [`UNION_WORK_FLOOR`]). Each attempt re-parses
/// the text, and an attempt that fails deep inside a recursive union repeats the attempts of
/// every union below it: two variants that both descend before failing would cost 2^depth.
pub const UNION_WORK_FACTOR: usize = 64;

/// See [`UNION_WORK_FACTOR`].
pub const UNION_WORK_FLOOR: usize = 1 << 20;

thread_local! {
    /// Bytes the variant attempts of the outermost union being decoded on this thread may
    /// still parse; `None` when no union is being decoded. Decoding is synchronous, so the
    /// unions inside one value are decoded on the thread of the outermost.
    static UNION_WORK: Cell<Option<usize>> = const { Cell::new(None) };
}

/// What [`UNION_WORK`] holds. `try_with`, here and in [`set_work`]: on a thread whose locals
/// are being torn down there is no budget, so union attempts fail instead of panicking.
fn work_left() -> Option<usize> {
    UNION_WORK.try_with(Cell::get).ok().flatten()
}

fn set_work(left: Option<usize>) {
    let _ = UNION_WORK.try_with(|work| work.set(left));
}

/// Resets [`UNION_WORK`] when the outermost union's attempt ends, even by a panic.
struct OutermostUnion;

impl Drop for OutermostUnion {
    fn drop(&mut self) {
        set_work(None);
    }
}

/// The value of an untagged union, held while its variants are tried in order: the exact JSON
/// text when the deserializer is serde_json's parser, otherwise the value printed back to
/// JSON (a buffered route, where numbers are already `f64`). The generated
/// `Deserialize` of a union calls [`Union::variant`] once per variant and [`Union::fail`] when
/// none matches.
pub struct Union {
    text: String,
    errors: Vec<(&'static str, serde_json::Error)>,
}

impl Union {
    /// Reads the whole value, keeping its text where the deserializer gives it.
    ///
    /// The text is refused when it nests deeper than [`UNION_DEPTH`]. Each variant is decoded
    /// by a fresh serde_json parser, whose own depth limit starts again at 128; a union that
    /// holds itself through an object would otherwise let a hostile body nest without bound,
    /// one union at a time, until the stack overflows. With the limit, a union's text bounds
    /// the depth of every union inside it too, since their texts lie within its own.
    pub fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Union, D::Error> {
        let text = RawText::deserialize(deserializer)?.into_owned();
        if nesting(text.as_bytes()) > UNION_DEPTH {
            return Err(D::Error::custom(format_args!(
                "a value of an untagged union nests more than {UNION_DEPTH} levels deep"
            )));
        }
        Ok(Union {
            text,
            errors: Vec::new(),
        })
    }

    /// The value decoded as one variant's type, or `None` (the reason kept for
    /// [`Union::fail`]). `variant` is the variant's name, for that message.
    ///
    /// Every attempt on text is charged against one budget per outermost union (see
    /// [`UNION_WORK_FACTOR`]); once it is spent, attempts fail, and so does the value.
    pub fn variant<T: DeserializeOwned>(&mut self, variant: &'static str) -> Option<T> {
        let text = self.text.as_str();
        let outermost = work_left().is_none().then(|| {
            set_work(Some(text.len() * UNION_WORK_FACTOR + UNION_WORK_FLOOR));
            OutermostUnion
        });
        let left = work_left().unwrap_or(0);
        let decoded = if left < text.len() {
            set_work(Some(0));
            Err(serde_json::Error::custom(
                "decoding it takes too many attempts: its variants fail deep inside \
                 the value, again and again",
            ))
        } else {
            set_work(Some(left - text.len()));
            serde_json::from_str(text)
        };
        drop(outermost);
        decoded.map_err(|e| self.errors.push((variant, e))).ok()
    }

    /// The error when no variant matched: each variant's reason, in the order tried.
    pub fn fail<E: Error>(self, union: &'static str) -> E {
        let mut message = format!("the value matches no variant of `{union}`");
        for (i, (variant, error)) in self.errors.iter().enumerate() {
            // A variant's error counts lines and columns within the union's own text, which
            // would mislead next to the position in the whole body that the caller sees.
            let text = error.to_string();
            let at = format!(" at line {} column {}", error.line(), error.column());
            let reason = text.strip_suffix(&at).unwrap_or(&text);
            let sep = if i == 0 { ": " } else { "; " };
            message.push_str(&format!("{sep}not `{variant}` ({reason})"));
        }
        E::custom(message)
    }
}

#[cfg(test)]
mod tests {
    use crate::DecimalNumber;

    /// A union as the generator writes one, with a boxed variant.
    #[derive(Debug, PartialEq, serde::Serialize)]
    #[serde(untagged)]
    enum Amounts {
        One(DecimalNumber),
        Many(Vec<DecimalNumber>),
        Boxed(Box<DecimalNumber>),
    }
    crate::untagged_union!(Amounts { One, Many, Boxed });

    #[test]
    fn a_union_decodes_its_variants_from_the_text() {
        let many: Amounts = serde_json::from_str("[123.30, 1e2]").unwrap();
        assert_eq!(serde_json::to_string(&many).unwrap(), "[123.30,100]");
        let one: Amounts = serde_json::from_str(r#""007.50""#).unwrap();
        assert_eq!(serde_json::to_string(&one).unwrap(), "7.50");
    }

    #[test]
    fn a_union_read_from_a_value_still_decodes() {
        let value = serde_json::json!([1.25]);
        let many: Amounts = serde_json::from_value(value).unwrap();
        assert_eq!(serde_json::to_string(&many).unwrap(), "[1.25]");
    }

    #[test]
    fn a_value_of_no_variant_says_why_for_each() {
        let err = serde_json::from_str::<Amounts>(r#"{"a": 1}"#).unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("the value matches no variant of `Amounts`: not `One` ("),
            "{text}"
        );
        assert!(
            text.contains("; not `Many` (invalid type: map, expected a sequence); not `Boxed` ("),
            "{text}"
        );
    }

    #[test]
    fn a_failing_union_inside_a_body_is_located_at_its_key() {
        let body = br#"{"amounts": {"a": 1}, "other": 2}"#;
        let (path, text) = crate::response::decode_json::<Wrapper>(body, None).unwrap_err();
        assert_eq!(path, "amounts");
        assert!(text.contains("matches no variant of `Amounts`"), "{text}");
        assert!(text.ends_with("at line 1 column 20"), "{text}");
    }

    /// A union that holds itself through an object, as `Tree` in the hostile-names fixture.
    #[derive(Debug, serde::Serialize)]
    #[serde(untagged)]
    enum Tree {
        Leaf(String),
        Branch(Box<Branch>),
    }
    crate::untagged_union!(Tree { Leaf, Branch });

    #[derive(Debug, serde::Serialize)]
    struct Branch {
        tree: Tree,
        #[serde(flatten)]
        extra: crate::Extra,
    }
    crate::open_object!(Branch { tree: "tree" required, });

    fn tree(depth: usize) -> String {
        format!(
            "{}\"leaf\"{}",
            r#"{"tree": "#.repeat(depth),
            "}".repeat(depth)
        )
    }

    #[test]
    fn a_recursive_union_decodes_to_the_depth_limit_and_refuses_beyond() {
        let deep: Tree = serde_json::from_str(&tree(100)).unwrap();
        assert_eq!(
            serde_json::to_string(&deep).unwrap(),
            tree(100).replace(' ', "")
        );
        for depth in [129, 100_000] {
            let err = serde_json::from_str::<Tree>(&tree(depth)).unwrap_err();
            assert!(
                err.to_string()
                    .starts_with("a value of an untagged union nests more than 128"),
                "{err}"
            );
        }
    }

    /// A union whose first two variants both descend into the value before failing: without a
    /// work budget, each level tries the whole subtree twice (2^depth attempts).
    #[derive(Debug, serde::Serialize)]
    #[serde(untagged)]
    enum Costly {
        Strict(Box<Strict>),
        Loose(Box<Loose>),
        Leaf(String),
    }
    crate::untagged_union!(Costly {
        Strict,
        Loose,
        Leaf
    });

    /// Needs `x` after `next`, so it fails only once `next` is decoded.
    #[derive(Debug, serde::Serialize)]
    struct Strict {
        next: Costly,
        x: i64,
        #[serde(flatten)]
        extra: crate::Extra,
    }
    crate::open_object!(Strict { next: "next" required, x: "x" required, });

    /// Needs `y`, which no value below has.
    #[derive(Debug, serde::Serialize)]
    struct Loose {
        next: Costly,
        y: i64,
        #[serde(flatten)]
        extra: crate::Extra,
    }
    crate::open_object!(Loose { next: "next" required, y: "y" required, });

    #[test]
    fn attempts_that_fail_deep_inside_are_bounded() {
        let depth = 100;
        let text = format!(
            "{}\"leaf\"{}",
            r#"{"next": "#.repeat(depth),
            "}".repeat(depth)
        );
        let started = std::time::Instant::now();
        let err = serde_json::from_str::<Costly>(&text).unwrap_err();
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
        assert!(err.to_string().contains("too many attempts"), "{err}");
        // A union reached through a `serde_json::Value` is printed back to text, and so is
        // charged against the same budget.
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        let started = std::time::Instant::now();
        let err = serde_json::from_value::<Costly>(value).unwrap_err();
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
        assert!(err.to_string().contains("too many attempts"), "{err}");
        // The budget is per value: the next one decodes as before.
        let ok: Costly = serde_json::from_str(r#"{"next": "leaf", "x": 1}"#).unwrap();
        assert!(matches!(ok, Costly::Strict(_)));
        assert!(super::UNION_WORK.get().is_none());
    }

    #[test]
    fn nesting_counts_brackets_outside_strings() {
        assert_eq!(super::nesting(br#"[{"a": "[[[\"{"}, []]"#), 2);
        assert_eq!(super::nesting(b"1"), 0);
    }

    #[derive(Debug)]
    #[allow(dead_code)]
    struct Wrapper {
        amounts: Amounts,
        extra: crate::Extra,
    }
    crate::open_object!(Wrapper { amounts: "amounts" required, });
}
