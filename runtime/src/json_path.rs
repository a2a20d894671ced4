//! Where in a JSON text a decode failed, as a path such as `events[0].start_dt`, found by
//! scanning the text up to the position serde_json reports.
//!
//! Tracking the path while decoding (`serde_path_to_error`) wraps the deserializer, so every
//! response type's `Deserialize` is compiled a second time, for the wrapper, in every crate that
//! decodes it — generated code that serves only the failure path and made the generated crate
//! slow to build. Scanning the text is one function, compiled once here. It runs only after a
//! decode has failed.
//!
//! The path names the value being read at the failing position: the key or index whose value
//! was wrong, or, for an error raised when an object ends (`missing field`), the object.

/// One open container on the way to the failing position.
enum Frame {
    Object {
        /// The key whose value is being read, once it has been read.
        key: Option<String>,
        /// Between `{` or `,` and the next key.
        expecting_key: bool,
    },
    Array {
        index: usize,
    },
}

/// The path at a 1-based `line` and a `column` counted, as serde_json does, in bytes consumed
/// on that line. A line of 0 (no position) or one past the text gives the path at its end.
pub fn path_at(text: &[u8], line: usize, column: usize) -> String {
    let end = offset(text, line, column).min(text.len());
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < end {
        match text[i] {
            b'{' => stack.push(Frame::Object {
                key: None,
                expecting_key: true,
            }),
            b'[' => stack.push(Frame::Array { index: 0 }),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object { expecting_key, .. }) => *expecting_key = true,
                Some(Frame::Array { index }) => *index += 1,
                None => {}
            },
            b'"' => {
                let (s, next) = string(text, i + 1, end);
                if let Some(Frame::Object { key, expecting_key }) = stack.last_mut() {
                    if *expecting_key {
                        *key = Some(s);
                        *expecting_key = false;
                    }
                }
                i = next;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    let mut path = String::new();
    for frame in &stack {
        match frame {
            Frame::Object {
                key: Some(key),
                expecting_key: false,
            } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Object { .. } => break,
            Frame::Array { index } => path.push_str(&format!("[{index}]")),
        }
    }
    path
}

/// The byte offset just past what serde_json had consumed.
fn offset(text: &[u8], line: usize, column: usize) -> usize {
    if line == 0 {
        return text.len();
    }
    let mut start = 0;
    for _ in 1..line {
        match text[start..].iter().position(|&b| b == b'\n') {
            Some(at) => start += at + 1,
            None => return text.len(),
        }
    }
    start.saturating_add(column)
}

/// A string's text from just after its opening quote, and the index after its closing quote
/// (or `end`, for a string cut off by the failing position). Escapes are decoded as JSON
/// defines them; a malformed one is kept as written.
fn string(text: &[u8], mut i: usize, end: usize) -> (String, usize) {
    let mut out: Vec<u8> = Vec::new();
    while i < end {
        match text[i] {
            b'"' => return (String::from_utf8_lossy(&out).into_owned(), i + 1),
            b'\\' if i + 1 < end => {
                let unescaped = match text[i + 1] {
                    b'n' => Some(b'\n'),
                    b't' => Some(b'\t'),
                    b'r' => Some(b'\r'),
                    b'b' => Some(0x08),
                    b'f' => Some(0x0c),
                    b'u' => None,
                    other => Some(other),
                };
                match unescaped {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => {
                        let (c, len) = unicode_escape(&text[i..end]);
                        let mut buf = [0; 4];
                        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                        i += len;
                    }
                }
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    (String::from_utf8_lossy(&out).into_owned(), end)
}

/// `\uXXXX`, or a surrogate pair of two, at the start of `text`: the character and the bytes
/// it took. Anything malformed reads as U+FFFD over the two bytes `\u`.
fn unicode_escape(text: &[u8]) -> (char, usize) {
    let hex = |at: usize| -> Option<u32> {
        let digits = text.get(at..at + 4)?;
        u32::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()
    };
    let Some(first) = hex(2) else {
        return (char::REPLACEMENT_CHARACTER, 2);
    };
    if (0xD800..0xDC00).contains(&first) && text.get(6..8) == Some(&b"\\u"[..]) {
        if let Some(second) = hex(8).filter(|s| (0xDC00..0xE000).contains(s)) {
            let c = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
            return (char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER), 12);
        }
    }
    (
        char::from_u32(first).unwrap_or(char::REPLACEMENT_CHARACTER),
        6,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The path serde_json's own error position leads to, for a body that fails to decode.
    fn path_of<T: serde::de::DeserializeOwned + std::fmt::Debug>(body: &str) -> String {
        let e = serde_json::from_str::<T>(body).unwrap_err();
        path_at(body.as_bytes(), e.line(), e.column())
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Item {
        id: i64,
        tags: Vec<String>,
        meta: std::collections::BTreeMap<String, u8>,
    }

    #[test]
    fn the_path_names_the_value_that_failed() {
        let cases: &[(&str, &str)] = &[
            (r#"{"id": "x", "tags": [], "meta": {}}"#, "id"),
            (r#"{"id": 1.5, "tags": [], "meta": {}}"#, "id"),
            (r#"{"id": 1, "tags": ["a", 2], "meta": {}}"#, "tags[1]"),
            (
                r#"{"id": 1, "tags": [], "meta": {"a": 1, "b": 300}}"#,
                "meta.b",
            ),
            (r#"{"id": 1, "tags": {}, "meta": {}}"#, "tags"),
            (r#"{"id": 1, "tags": []}"#, ""),
            (r#"{"id": 1, "tags": [], "meta": {}} junk"#, ""),
            ("", ""),
            ("[1]", ""),
        ];
        for (body, path) in cases {
            assert_eq!(&path_of::<Item>(body), path, "{body}");
        }
        let nested = r#"[{"id": 1, "tags": [], "meta": {}}, {"id": 2, "tags": [], "meta": {}, "x": [1,
  2]}, {"tags": []}]"#;
        assert_eq!(
            path_of::<Vec<Item>>(nested),
            "[2]",
            "missing field, on a later line"
        );
        let cut = r#"{"id": 1, "tags": ["a", "b"#;
        assert_eq!(path_of::<Item>(cut), "tags[1]", "a body cut off mid-string");
    }

    #[test]
    fn escaped_keys_are_decoded_and_hostile_text_does_not_panic() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Odd {
            #[serde(rename = "a\"b\u{e9}\u{1f600}")]
            odd: i64,
        }
        assert_eq!(
            path_of::<Odd>(r#"{"a\"b\u00e9\ud83d\ude00": "x"}"#),
            "a\"b\u{e9}\u{1f600}"
        );
        for text in [
            &b"{\"\\u12"[..],
            b"{\"\\ud800\\u0041\": 1",
            b"\"\\",
            b"]]]}}}",
            b"{\"a\":[[[",
            &[0xff, 0xfe, b'"', 0xff],
        ] {
            for line in 0..3 {
                for column in [0, 1, 5, usize::MAX] {
                    let _ = path_at(text, line, column);
                }
            }
        }
    }
}
