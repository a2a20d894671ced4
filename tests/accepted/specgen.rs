//! Random specs for the "accepted implies compiles" check: a seeded generator that writes YAML
//! text in the spec language, with hostile names wherever a name appears and hostile prose
//! wherever documentation appears.
//!
//! It aims at *valid* specs, so that most of them are accepted and their output is compiled;
//! where it cannot cheaply tell what the language allows (a hostile `rust_name`, a recursion
//! without a finite value), it writes the spec anyway and the loader's refusal is checked
//! instead. Examples are built from the types, so the generated example tests decode them.
//! The same `(seed, case)` always gives the same text: the generator draws from its own
//! splitmix64 stream and iterates only over vectors.

use std::fmt::Write as _;

/// splitmix64's finaliser.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// splitmix64: tiny, seedable, and the same on every platform.
pub struct Rng(u64);

impl Rng {
    /// The stream of case `case` of batch `seed`.
    pub fn new(seed: u64, case: u64) -> Rng {
        // Both mixed, so that the streams of two cases are not one stream shifted.
        Rng(mix(mix(seed) ^ case.wrapping_add(0x632B_E59B_D9B4_E019)))
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// Names the generated code defines or refers to, Rust's words, and spellings that collide
/// once cased or sanitised: the pool every snake_case name is drawn from.
const HOSTILE: &[&str] = &[
    // Keywords, strict, reserved and weak.
    "type",
    "self",
    "Self",
    "super",
    "crate",
    "match",
    "fn",
    "async",
    "await",
    "dyn",
    "gen",
    "try",
    "union",
    "yield",
    "abstract",
    "macro",
    "box",
    "move",
    "ref",
    "static",
    "where",
    "loop",
    "r#type",
    "raw",
    "default",
    "safe",
    // Items of the prelude, std, serde and the runtime that generated code names.
    "From",
    "Into",
    "Result",
    "Option",
    "Some",
    "None",
    "Ok",
    "Err",
    "Send",
    "Sync",
    "Error",
    "Client",
    "ClientBuilder",
    "Value",
    "Extra",
    "Box",
    "Vec",
    "String",
    "Default",
    "Unknown",
    "Patch",
    "Decimal",
    "DecimalNumber",
    "DateTime",
    "UnixTime",
    "Request",
    "Method",
    "Duration",
    "Future",
    "IntoFuture",
    "Pin",
    "ResponseValue",
    "BASE_URL",
    "serde",
    "serde_json",
    "std",
    "core",
    "alloc",
    "chrono",
    "clientgen_runtime",
    "types",
    "operations",
    "examples",
    "mock",
    "kit",
    "MockServer",
    "Deserialize",
    "Serialize",
    "Formatter",
    "BTreeMap",
    "HashMap",
    "TemporaryUrl",
    "RetryPolicy",
    "Transport",
    "UnknownFields",
    "Display",
    "Debug",
    "Clone",
    "PartialEq",
    "Hash",
    "Eq",
    // Methods and fields of generated items.
    "build",
    "send",
    "stream",
    "timeout",
    "max_body",
    "extra",
    "new",
    "builder",
    "clone",
    "body",
    "client",
    "into_future",
    "transport",
    "config",
    "default_transport",
    "base_url",
    "unknown_fields",
    "as_str",
    "from",
    "into",
    "fmt",
    "eq",
    "hash",
    "serialize",
    "deserialize",
    "set",
    "clear",
    "value",
    "get",
    "insert",
    "raw",
    "respond",
    "fails",
    "times",
    "calls",
    "start",
    "client_builder",
    "verify",
    "unmet",
    "with_body",
    "matching",
    "clear_calls",
    "deref",
    "retry_policy",
    "oauth_config",
    "headers",
    "status",
    "rest",
    "response",
    "code",
    "is_unset",
    "allow_http",
    "page",
    "next",
    "poll_next",
    "url",
    "query",
    "header",
    "form",
    "json",
    "path",
    "request",
    "error",
    "then",
    "map",
    // Names that differ only in case or punctuation.
    "a-b",
    "a_b",
    "A_B",
    "aB",
    "AB",
    "a.b",
    "a b",
    "A-B",
    "a__b",
    "_a_b",
    "a_b_",
    "startDate",
    "start_date",
    "START-DATE",
    "StartDate",
    // Digits first.
    "3months",
    "1",
    "42",
    "0x",
    "2fa",
    "_3months",
    "V3months",
    "9_lives",
    // Non-ASCII.
    "héllo",
    "日本",
    "ça_va",
    "Ünïcode",
    "straße",
    "naïve-Field",
    "Ωmega",
    // Empty after sanitising.
    "-",
    "$",
    "__",
    "!!",
    " ",
    "_",
    "...",
    "€",
    // Already suffixed like the collision policy's output.
    "type_",
    "type_2",
    "extra_",
    "Unknown_",
    "unknown",
    "UNKNOWN",
    "Unknown2",
    "send_",
    "stream_2",
    "build_",
    "tz",
    "TZ",
    "Tz",
    "t_z",
];

/// Type names: only ASCII letters, digits and `_` can be referred to from a type expression.
const HOSTILE_TYPES: &[&str] = &[
    "From",
    "Into",
    "Result",
    "Option",
    "Some",
    "None",
    "Ok",
    "Err",
    "Send",
    "Sync",
    "Error",
    "Client",
    "ClientBuilder",
    "Value",
    "Extra",
    "Box",
    "Vec",
    "String",
    "Default",
    "Unknown",
    "Patch",
    "Decimal",
    "DateTime",
    "Request",
    "Method",
    "Duration",
    "Future",
    "Pin",
    "ResponseValue",
    "Self",
    "self",
    "type",
    "Type",
    "Deserialize",
    "Serialize",
    "Debug",
    "Clone",
    "Display",
    "Formatter",
    "BTreeMap",
    "Unpin",
    "Sized",
    "Iterator",
    "Hash",
    "serde",
    "std",
    "core",
    "types",
    "MockServer",
    "Expect",
    "Call",
    "A_B",
    "AB",
    "a_b",
    "Ab",
    "_3d",
    "V3d",
    "Unknown_",
    "UnknownValue",
    "Node",
    "Page",
    "Item",
    "Event",
    "Event2",
    "event",
    "EVENT",
    "Kit",
    "Mock",
    "Wire",
    "Route",
    "Builder",
    "ListBuilder",
    "GetBuilder",
    "Examples",
    "Operations",
    "Test",
];

/// Type names that a type expression cannot refer to: they are defined, emitted, and unused.
const UNREFERABLE_TYPES: &[&str] = &["a-b", "日本", "Ünïcode", "3d", "", "-", "Ωmega Type"];

/// Documentation with what vendor prose holds: code in every markup, URLs, placeholders,
/// HTML, markdown that rustdoc or clippy's doc lints read.
const PROSE: &[&str] = &[
    "Plain words.",
    "Send `GET /events?startDate=<date>` with <your-key> in the header.",
    "See https://api.example.com/docs#section and http://example.com/a_b_c?x=1&y=2.",
    "    let x = 1; // indented code\n    println!(\"{x}\");",
    "```\nfn main() { panic!(\"never run\") }\n```",
    "```rust\nassert!(false);\n```\nafter the code",
    "```json\n{\"a\": 1}\n```",
    "~~~\nfenced with tildes\n~~~",
    "<b>bold</b> and <br> and <script>alert(1)</script> and &amp; &nbsp;",
    "A [link](https://example.com) and a [broken link] and [`Client`] and [Self] and [0].",
    "# Heading\n\n## Sub heading\n\n- item one\n- item two\n\n1. first\n2. second",
    "| table | header |\n|---|---|\n| a | b |",
    "Brackets [a] and [b][c] and `[d]` and \\[e\\] and a footnote[^1].\n\n[^1]: the note.",
    "Text with a trailing backslash \\",
    "An `unclosed backtick and *unclosed emphasis and _under_score_.",
    "Tabs\tand\r\ncarriage returns and a form feed \u{c} and a NUL-free bell \u{7}.",
    "Unicode: héllo 日本 ß ✓ \u{202e}reversed\u{202c} and a zero\u{200b}width space.",
    "<T> generic <Vec<u8>> and Option<String> and -> and => and a < b > c.",
    "\"Quoted\" 'single' and `\"` and r#\"raw\"# and \"#\" and }\"#.",
    "*/ /* comment markers */ // and //! and /// and #![allow] and #[doc = \"x\"]",
    "{placeholder} {{double}} and }{ and $var and %s and \\n.",
    "",
    "   ",
    "\n\n\nBlank lines first.\n\n\n",
    "A very long line that goes on and on and on and on and on and on and on and on and on and on and on and on and on and on and on and on and on and on and on and on and on and on.",
    "Email someone@example.com or <someone@example.com> or <https://example.com>.",
    "A line ending in two spaces  \nthen a break.",
    "> quoted\n> block",
    "Setext\n======",
    "    \n    ",
];

/// A value of the YAML document being written.
enum Y {
    /// A string, written double-quoted.
    S(String),
    /// An integer.
    I(i64),
    /// A boolean.
    B(bool),
    /// A mapping, in order.
    M(Vec<(Y, Y)>),
    /// A sequence.
    L(Vec<Y>),
}

fn s(text: impl Into<String>) -> Y {
    Y::S(text.into())
}

fn quoted(text: &str) -> String {
    // JSON's escapes are YAML's escapes in a double-quoted scalar.
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            // YAML reads these as line breaks even when quoted, and the BOM as noise.
            '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `text` as a JSON string, for the examples' object keys.
fn json_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn flow(y: &Y, out: &mut String) {
    match y {
        Y::S(t) => out.push_str(&quoted(t)),
        Y::I(i) => {
            let _ = write!(out, "{i}");
        }
        Y::B(b) => {
            let _ = write!(out, "{b}");
        }
        Y::M(entries) => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                flow(k, out);
                out.push_str(": ");
                flow(v, out);
            }
            out.push('}');
        }
        Y::L(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                flow(v, out);
            }
            out.push(']');
        }
    }
}

/// Block style for mappings, flow style inside sequences: both styles reach the loader.
fn block(y: &Y, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match y {
        Y::M(entries) => {
            for (k, v) in entries {
                out.push_str(&pad);
                flow(k, out);
                out.push(':');
                match v {
                    Y::M(e) if !e.is_empty() => {
                        out.push('\n');
                        block(v, indent + 2, out);
                    }
                    Y::L(items) if !items.is_empty() => {
                        out.push('\n');
                        for item in items {
                            out.push_str(&pad);
                            out.push_str("  - ");
                            flow(item, out);
                            out.push('\n');
                        }
                    }
                    _ => {
                        out.push(' ');
                        flow(v, out);
                        out.push('\n');
                    }
                }
            }
        }
        other => {
            out.push_str(&pad);
            flow(other, out);
            out.push('\n');
        }
    }
}

/// The scalar kinds of the language.
const SCALARS: &[&str] = &[
    "string",
    "integer",
    "number",
    "boolean",
    "date",
    "datetime",
    "unix_time",
    "decimal",
    "decimal_number",
    "json",
    "temporary_url",
];

/// A type expression, as the generator knows it (to build example values).
#[derive(Clone)]
enum T {
    Scalar(&'static str),
    Array(Box<T>),
    Map(Box<T>),
    Named(usize),
}

impl T {
    fn text(&self, types: &[TypeGen]) -> String {
        match self {
            T::Scalar(k) => (*k).to_owned(),
            T::Array(t) => format!("array<{}>", t.text(types)),
            T::Map(t) => format!("map<{}>", t.text(types)),
            T::Named(i) => types[*i].name.clone(),
        }
    }
}

struct FieldGen {
    wire: String,
    ty: T,
    required: bool,
    nullable: bool,
    clearable: bool,
    read_only: bool,
    write_only: bool,
}

enum Kind {
    Object {
        fields: Vec<FieldGen>,
        from: Option<usize>,
    },
    Enum {
        int: bool,
        values: Vec<Y>,
    },
    Union {
        variants: Vec<(String, T)>,
    },
}

struct TypeGen {
    name: String,
    referable: bool,
    kind: Kind,
    yaml: Vec<(Y, Y)>,
}

/// One spec being built.
struct Gen {
    rng: Rng,
    types: Vec<TypeGen>,
}

impl Gen {
    fn prose(&mut self) -> String {
        // A blank text is refused (`docs` must say something): rare, so that most specs pass.
        let mut text = self.rng.pick(PROSE).to_string();
        while text.trim().is_empty() && self.rng.below(400) != 0 {
            text = self.rng.pick(PROSE).to_string();
        }
        if self.rng.chance(30) {
            text.push_str("\n\n");
            text.push_str(self.rng.pick(PROSE));
        }
        text
    }

    /// A name from the hostile pool, or a plain one.
    fn name(&mut self) -> String {
        if self.rng.chance(70) {
            self.rng.pick(HOSTILE).to_string()
        } else {
            let plain = [
                "id",
                "name",
                "first_name",
                "firstName",
                "items",
                "data",
                "x",
                "y",
            ];
            self.rng.pick(&plain).to_string()
        }
    }

    /// An explicit snake_case `rust_name`: mostly one the language allows in some scope, some
    /// reserved or taken, some not identifiers at all.
    fn snake_rust_name(&mut self) -> String {
        if self.rng.chance(20) {
            return self.name();
        }
        let valid = [
            "renamed",
            "other_name",
            "x2",
            "type_",
            "value_",
            "with_body",
            "into_inner",
            "as_ref",
            "get",
            "name_",
            "stream_",
            "extra_2",
            "new_",
            "id",
        ];
        self.rng.pick(&valid).to_owned()
    }

    /// An explicit UpperCamelCase `rust_name`, like [`Gen::snake_rust_name`].
    fn pascal_rust_name(&mut self) -> String {
        if self.rng.chance(20) {
            return self.rng.pick(HOSTILE_TYPES).to_owned();
        }
        let valid = [
            "Renamed",
            "OtherName",
            "X2",
            "Type_",
            "Value_",
            "Kind",
            "FromStr",
            "Item2",
        ];
        self.rng.pick(&valid).to_owned()
    }

    /// `lo` to `lo + spread - 1` distinct names.
    fn some_names(&mut self, lo: usize, spread: usize) -> Vec<String> {
        let n = lo + self.rng.below(spread);
        self.names(n)
    }

    /// `n` distinct names (distinct as written; they may collide once cased).
    fn names(&mut self, n: usize) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for _ in 0..n * 3 {
            if out.len() == n {
                break;
            }
            let name = self.name();
            if !out.contains(&name) {
                out.push(name);
            }
        }
        out
    }

    fn cite(&mut self) -> Y {
        let section = if self.rng.chance(70) {
            "Section".to_owned()
        } else {
            self.rng.pick(PROSE).to_string()
        };
        Y::M(vec![(s("doc"), s("fx")), (s("section"), s(section))])
    }

    /// A type expression that is not an object (parameters), from scalars and enums.
    fn param_type(&mut self, location: &str) -> T {
        // Mostly what a parameter can be (a scalar but `json`, an enum, a list in the query);
        // sometimes not, to see the refusal.
        if self.rng.chance(5) {
            return self.any_type(0);
        }
        let mut t = self.param_type_any();
        while matches!(&t, T::Scalar("json")) || (location != "query" && matches!(t, T::Array(_))) {
            t = self.param_type_any();
        }
        t
    }

    fn param_type_any(&mut self) -> T {
        let enums: Vec<usize> = (0..self.types.len())
            .filter(|&i| self.types[i].referable && matches!(self.types[i].kind, Kind::Enum { .. }))
            .collect();
        let base = if !enums.is_empty() && self.rng.chance(30) {
            T::Named(self.rng.pick(&enums))
        } else {
            T::Scalar(self.rng.pick(SCALARS))
        };
        if self.rng.chance(25) {
            T::Array(Box::new(base))
        } else {
            base
        }
    }

    /// Any type expression: scalars, named types (the one being defined too), lists, maps.
    fn any_type(&mut self, depth: usize) -> T {
        let referable: Vec<usize> = (0..self.types.len())
            .filter(|&i| self.types[i].referable)
            .collect();
        match self.rng.below(10) {
            0..=3 => T::Scalar(self.rng.pick(SCALARS)),
            4..=6 if !referable.is_empty() => T::Named(self.rng.pick(&referable)),
            7 if depth < 2 => T::Array(Box::new(self.any_type(depth + 1))),
            8 if depth < 2 => T::Map(Box::new(self.any_type(depth + 1))),
            _ => T::Scalar(self.rng.pick(SCALARS)),
        }
    }

    fn param(&mut self, location: &str, ty: T, required: bool) -> Y {
        let mut m = vec![(s("in"), s(location)), (s("type"), s(ty.text(&self.types)))];
        if required {
            m.push((s("required"), Y::B(true)));
        }
        if matches!(ty, T::Array(_)) && self.rng.chance(60) {
            let style = self
                .rng
                .pick(&["repeat", "brackets", "comma", "brackets_unless_single"]);
            m.push((s("style"), s(style)));
        }
        if self.rng.chance(20) {
            m.push((s("default"), s(self.prose())));
        }
        m.push((s("docs"), s(self.prose())));
        if self.rng.chance(15) {
            m.push((s("note"), s(self.prose())));
        }
        if self.rng.chance(5) {
            m.push((s("rust_name"), s(self.snake_rust_name())));
        }
        Y::M(m)
    }

    /// Declares the names and kinds of the types, then fills them (so fields may refer to any
    /// type, themselves included).
    fn types(&mut self) {
        let count = 1 + self.rng.below(7);
        let mut names: Vec<(String, bool)> = Vec::new();
        for _ in 0..count * 3 {
            if names.len() == count {
                break;
            }
            let (name, referable) = if self.rng.chance(8) {
                (self.rng.pick(UNREFERABLE_TYPES).to_string(), false)
            } else {
                (self.rng.pick(HOSTILE_TYPES).to_string(), true)
            };
            if !names.iter().any(|(n, _)| *n == name) {
                names.push((name, referable));
            }
        }
        for (name, referable) in names {
            let kind = match self.rng.below(10) {
                0..=5 => Kind::Object {
                    fields: Vec::new(),
                    from: None,
                },
                6..=7 => Kind::Enum {
                    int: false,
                    values: Vec::new(),
                },
                _ => Kind::Union {
                    variants: Vec::new(),
                },
            };
            self.types.push(TypeGen {
                name,
                referable,
                kind,
                yaml: Vec::new(),
            });
        }
        // Enums first, so that parameters and objects can use them.
        for i in 0..self.types.len() {
            if matches!(self.types[i].kind, Kind::Enum { .. }) {
                self.fill_enum(i);
            }
        }
        for i in 0..self.types.len() {
            match self.types[i].kind {
                Kind::Object { .. } => self.fill_object(i),
                Kind::Union { .. } => self.fill_union(i),
                Kind::Enum { .. } => {}
            }
        }
    }

    fn common(&mut self, kind: &str) -> Vec<(Y, Y)> {
        let mut m = vec![(s("kind"), s(kind)), (s("docs"), s(self.prose()))];
        m.push((s("cite"), self.cite()));
        if self.rng.chance(15) {
            m.push((s("note"), s(self.prose())));
        }
        m
    }

    fn fill_enum(&mut self, i: usize) {
        let mut m = self.common("enum");
        let int = self.rng.chance(30);
        m.push((s("type"), s(if int { "integer" } else { "string" })));
        let n = 1 + self.rng.below(5);
        let mut values: Vec<Y> = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        for _ in 0..n * 2 {
            if values.len() == n {
                break;
            }
            let (v, key) = if int {
                let v = self
                    .rng
                    .pick(&[0i64, 1, 2, 3, -1, 42, 1000, i64::MAX, i64::MIN]);
                (Y::I(v), v.to_string())
            } else {
                let text = if self.rng.chance(80) {
                    self.name()
                } else {
                    String::new()
                };
                (s(text.clone()), text)
            };
            if seen.contains(&key) {
                continue;
            }
            seen.push(key);
            values.push(v);
        }
        let mut list = Vec::new();
        for v in &values {
            let v = match v {
                Y::I(i) => Y::I(*i),
                Y::S(t) => s(t.clone()),
                _ => unreachable!(),
            };
            let mut entry = vec![(s("value"), v), (s("docs"), s(self.prose()))];
            if self.rng.chance(5) {
                entry.push((s("rust_name"), s(self.pascal_rust_name())));
            }
            list.push(Y::M(entry));
        }
        m.push((s("values"), Y::L(list)));
        self.types[i].kind = Kind::Enum { int, values };
        self.types[i].yaml = m;
    }

    fn fill_union(&mut self, i: usize) {
        let mut m = self.common("union");
        let n = 2 + self.rng.below(2);
        let names = self.names(n);
        let mut variants = Vec::new();
        let mut entries = Vec::new();
        for name in names {
            let mut ty = self.any_type(0);
            // A union as a variant can close a cycle of unions, which is refused: seldom.
            while matches!(ty, T::Named(j) if matches!(self.types[j].kind, Kind::Union { .. }))
                && !self.rng.chance(5)
            {
                ty = self.any_type(0);
            }
            entries.push((
                s(name.clone()),
                Y::M(vec![
                    (s("type"), s(ty.text(&self.types))),
                    (s("docs"), s(self.prose())),
                ]),
            ));
            variants.push((name, ty));
        }
        m.push((s("variants"), Y::M(entries)));
        self.types[i].kind = Kind::Union { variants };
        self.types[i].yaml = m;
    }

    fn fill_object(&mut self, i: usize) {
        let mut m = self.common("object");
        if self.rng.chance(5) {
            m.push((s("rust_name"), s(self.pascal_rust_name())));
        }
        // Derive from an object filled before this one that is not derived itself.
        let sources: Vec<usize> = (0..i)
            .filter(|&j| {
                self.types[j].referable
                    && matches!(self.types[j].kind, Kind::Object { from: None, .. })
            })
            .collect();
        let mut fields: Vec<FieldGen> = Vec::new();
        let mut from = None;
        if !sources.is_empty() && self.rng.chance(20) {
            let src = self.rng.pick(&sources);
            from = Some(src);
            m.push((s("from"), s(self.types[src].name.clone())));
            let mut omit = Vec::new();
            if let Kind::Object { fields: sf, .. } = &self.types[src].kind {
                for f in sf {
                    if f.read_only {
                        continue;
                    }
                    if self.rng.chance(25) {
                        omit.push(s(f.wire.clone()));
                        continue;
                    }
                    fields.push(FieldGen {
                        wire: f.wire.clone(),
                        ty: f.ty.clone(),
                        required: f.required,
                        nullable: f.nullable,
                        clearable: f.clearable,
                        read_only: false,
                        write_only: f.write_only,
                    });
                }
            }
            if !omit.is_empty() {
                m.push((s("omit"), Y::L(omit)));
            }
        }
        let n = self.rng.below(6);
        let names = self.names(n);
        let mut entries = Vec::new();
        for wire in names {
            let ty = self.any_type(0);
            // A required field of a named type can close a cycle without a finite value: less
            // often, so that most specs are accepted.
            let required = self
                .rng
                .chance(if matches!(ty, T::Named(_)) { 12 } else { 35 });
            let nullable = self.rng.chance(20);
            let read_only = self.rng.chance(10);
            let write_only = !read_only && !required && self.rng.chance(8);
            let clearable = !required && !nullable && !read_only && self.rng.chance(15);
            let mut f = vec![(s("type"), s(ty.text(&self.types)))];
            for (key, on) in [
                ("required", required),
                ("nullable", nullable),
                ("clearable", clearable),
                ("read_only", read_only),
                ("write_only", write_only),
            ] {
                if on {
                    f.push((s(key), Y::B(true)));
                }
            }
            if self.rng.chance(8) {
                f.push((s("deprecated"), s(self.prose())));
            }
            if self.rng.chance(10) {
                f.push((s("default"), s(self.prose())));
            }
            f.push((s("docs"), s(self.prose())));
            if self.rng.chance(10) {
                f.push((s("note"), s(self.prose())));
            }
            if self.rng.chance(4) {
                f.push((s("rust_name"), s(self.snake_rust_name())));
            }
            if self.rng.chance(10) {
                f.push((s("form_name"), s(self.name())));
            }
            entries.push((s(wire.clone()), Y::M(f)));
            let field = FieldGen {
                wire,
                ty,
                required,
                nullable,
                clearable,
                read_only,
                write_only,
            };
            // A listed field replaces the copied one of that name.
            match fields.iter_mut().find(|g| g.wire == field.wire) {
                Some(slot) => *slot = field,
                None => fields.push(field),
            }
        }
        if !entries.is_empty() {
            m.push((s("fields"), Y::M(entries)));
        }
        if self.rng.chance(20) {
            m.push((s("keep_unknown_fields"), Y::B(false)));
        }
        let optional: Vec<String> = fields
            .iter()
            .filter(|f| !f.required && !f.read_only && !f.clearable)
            .map(|f| f.wire.clone())
            .collect();
        if optional.len() >= 2 && self.rng.chance(20) {
            let alts = optional.iter().map(|w| s(w.clone())).collect();
            m.push((s("one_of_required"), Y::L(alts)));
        }
        self.types[i].kind = Kind::Object { fields, from };
        self.types[i].yaml = m;
    }

    /// JSON text of a value of `ty`, as an example holds it; `response` leaves out the fields
    /// a response never has. `depth` bounds recursive types.
    fn value(&mut self, ty: &T, response: bool, depth: usize, out: &mut String) {
        match ty {
            T::Scalar(k) => out.push_str(match *k {
                "string" => r##""text with \"quotes\" and \"# and \\""##,
                "integer" => "17",
                "number" => "1.5",
                "boolean" => "true",
                "date" => "\"2015-01-31\"",
                "datetime" => "\"2015-06-17T06:00:00-0400\"",
                "unix_time" => "1434556800",
                "decimal" => "\"2500.00\"",
                "decimal_number" => "123.30",
                "json" => "{\"any\": [1, \"two\", null]}",
                _ => "\"https://cdn.example.com/file?signature=secret\"",
            }),
            T::Array(inner) => {
                out.push('[');
                if depth < 3 && self.rng.chance(60) {
                    self.value(inner, response, depth + 1, out);
                }
                out.push(']');
            }
            T::Map(inner) => {
                out.push('{');
                if depth < 3 && self.rng.chance(60) {
                    out.push_str("\"k\": ");
                    self.value(inner, response, depth + 1, out);
                }
                out.push('}');
            }
            T::Named(i) => self.named_value(*i, response, depth, out),
        }
    }

    fn named_value(&mut self, i: usize, response: bool, depth: usize, out: &mut String) {
        if depth > 6 {
            out.push_str("null");
            return;
        }
        match &self.types[i].kind {
            Kind::Enum { values, .. } => {
                let v = &values[self.rng.below(values.len())];
                flow(v, out);
            }
            Kind::Union { variants } => {
                let ty = variants[0].1.clone();
                self.value(&ty, response, depth + 1, out);
            }
            Kind::Object { fields, .. } => {
                let picked: Vec<(String, T, bool)> = fields
                    .iter()
                    .filter(|f| !(response && f.write_only))
                    .map(|f| (f.wire.clone(), f.ty.clone(), f.required, f.nullable))
                    .collect::<Vec<_>>()
                    .into_iter()
                    .filter_map(|(w, t, req, null)| {
                        let take = req || (depth < 2 && self.rng.chance(50));
                        take.then_some((w, t, req && null && depth >= 2))
                    })
                    .collect();
                out.push('{');
                for (n, (wire, ty, as_null)) in picked.iter().enumerate() {
                    if n > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(&json_string(wire));
                    out.push_str(": ");
                    if *as_null {
                        out.push_str("null");
                    } else {
                        self.value(ty, response, depth + 1, out);
                    }
                }
                out.push('}');
            }
        }
    }

    fn examples(&mut self, ty: &T, response: bool, envelope: Option<&str>) -> Y {
        let n = 1 + self.rng.below(2);
        let names = self.names(n);
        let mut list = Vec::new();
        for name in names {
            let mut body = String::new();
            if let Some(key) = envelope {
                body.push('{');
                body.push_str(&json_string(key));
                body.push_str(": ");
            }
            self.value(ty, response, 0, &mut body);
            if envelope.is_some() {
                body.push('}');
            }
            let mut e = vec![(s("name"), s(name)), (s("body"), s(body))];
            if self.rng.chance(15) {
                e.push((s("fixed"), s(self.prose())));
            }
            list.push(Y::M(e));
        }
        Y::L(list)
    }

    /// An object whose fields a form can carry: scalars (but `json`), enums and lists of
    /// those, none `clearable`.
    fn form_friendly(&self, i: usize) -> bool {
        let flat = |ty: &T| match ty {
            T::Scalar(k) => *k != "json",
            T::Named(j) => matches!(self.types[*j].kind, Kind::Enum { .. }),
            _ => false,
        };
        match &self.types[i].kind {
            Kind::Object { fields, .. } => fields.iter().all(|f| {
                !f.clearable
                    && match &f.ty {
                        T::Array(inner) => flat(inner),
                        other => flat(other),
                    }
            }),
            _ => false,
        }
    }

    fn objects(&self) -> Vec<usize> {
        (0..self.types.len())
            .filter(|&i| {
                self.types[i].referable && matches!(self.types[i].kind, Kind::Object { .. })
            })
            .collect()
    }

    /// A page type for a paginated operation: an object with the items and the last page.
    fn page_type(&mut self) -> (usize, String, String) {
        let names = self.names(2);
        let (items, last) = match names.as_slice() {
            [a, b] => (a.clone(), b.clone()),
            _ => ("items".to_owned(), "last_page".to_owned()),
        };
        let item = self.any_type(1);
        let mut m = self.common("object");
        let item_text = format!("array<{}>", item.text(&self.types));
        m.push((
            s("fields"),
            Y::M(vec![
                (
                    s(items.clone()),
                    Y::M(vec![
                        (s("type"), s(item_text)),
                        (s("required"), Y::B(true)),
                        (s("docs"), s(self.prose())),
                    ]),
                ),
                (
                    s(last.clone()),
                    Y::M(vec![
                        (s("type"), s("integer")),
                        (s("docs"), s(self.prose())),
                    ]),
                ),
            ]),
        ));
        let mut name = format!("{}Page", self.rng.pick(HOSTILE_TYPES));
        while self.types.iter().any(|t| t.name == name) {
            name.push('2');
        }
        self.types.push(TypeGen {
            name,
            referable: true,
            kind: Kind::Object {
                fields: vec![
                    FieldGen {
                        wire: items.clone(),
                        ty: T::Array(Box::new(item)),
                        required: true,
                        nullable: false,
                        clearable: false,
                        read_only: false,
                        write_only: false,
                    },
                    FieldGen {
                        wire: last.clone(),
                        ty: T::Scalar("integer"),
                        required: false,
                        nullable: false,
                        clearable: false,
                        read_only: false,
                        write_only: false,
                    },
                ],
                from: None,
            },
            yaml: m,
        });
        (self.types.len() - 1, items, last)
    }

    fn operation(&mut self, path_params: &[String], globals: &[String]) -> Y {
        let mut m = vec![(s("summary"), s(self.prose().replace('\n', " ")))];
        if self.rng.chance(50) {
            m.push((s("docs"), s(self.prose())));
        }
        m.push((s("cite"), self.cite()));
        if self.rng.chance(15) {
            m.push((s("note"), s(self.prose())));
        }
        if self.rng.chance(5) {
            m.push((s("rust_name"), s(self.snake_rust_name())));
        }
        let method = self.rng.pick(&["GET", "POST", "PUT", "PATCH", "DELETE"]);
        m.push((s("method"), s(method)));
        // Path: literal segments, the client's path values and the operation's own.
        let mut params = Vec::new();
        let mut path = format!("/p{}", self.rng.below(1000));
        for p in path_params {
            if self.rng.chance(80) {
                let _ = write!(path, "/{{{p}}}");
            }
        }
        let own = self.some_names(0, 5);
        let mut int_queries = Vec::new();
        for wire in own {
            if globals.contains(&wire)
                || path_params.contains(&wire)
                || wire.contains(['{', '}', '/'])
            {
                continue;
            }
            let mut location = self.rng.pick(&["path", "query", "query", "header"]);
            let token = |w: &str| {
                !w.is_empty()
                    && w.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-_.!#$%&'*+^`|~".contains(c))
            };
            if location == "header" && !token(&wire) && !self.rng.chance(20) {
                location = "query";
            }
            let (ty, required) = if location == "path" {
                let _ = write!(path, "/x{{{wire}}}");
                (
                    T::Scalar(self.rng.pick(&["string", "integer", "date"])),
                    true,
                )
            } else {
                (self.param_type(location), self.rng.chance(30))
            };
            if location == "query" && matches!(ty, T::Scalar("integer")) {
                int_queries.push(wire.clone());
            }
            let y = self.param(location, ty, required);
            params.push((s(wire), y));
        }
        let paginate = method == "GET" && self.rng.chance(35);
        let mut page_param = None;
        if paginate {
            let wire = match int_queries.first() {
                Some(w) if self.rng.chance(50) => w.clone(),
                _ => {
                    let mut w = self.name();
                    while globals.contains(&w)
                        || params.iter().any(|(k, _)| matches!(k, Y::S(t) if *t == w))
                    {
                        w.push('x');
                    }
                    let required = self.rng.chance(20);
                    let y = self.param("query", T::Scalar("integer"), required);
                    params.push((s(w.clone()), y));
                    w
                }
            };
            page_param = Some(wire);
        }
        m.push((s("path"), s(path)));
        if !params.is_empty() {
            m.push((s("params"), Y::M(params)));
        }
        if method != "GET" && self.rng.chance(60) {
            let objects = self.objects();
            if !objects.is_empty() {
                let ty = T::Named(self.rng.pick(&objects));
                let t = match ty {
                    T::Named(t) => t,
                    _ => unreachable!(),
                };
                // Mostly objects a form can carry (see `form_friendly`), sometimes any.
                let form = self.rng.chance(35) && (self.form_friendly(t) || self.rng.chance(10));
                let mut b = vec![
                    (s("type"), s(ty.text(&self.types))),
                    (s("encoding"), s(if form { "form" } else { "json" })),
                ];
                if form && self.rng.chance(50) {
                    let style = self.rng.pick(&["repeat", "brackets", "comma"]);
                    b.push((s("style"), s(style)));
                }
                if self.rng.chance(50) {
                    b.push((s("docs"), s(self.prose())));
                }
                if self.rng.chance(50) {
                    let ex = self.examples(&ty, false, None);
                    b.push((s("examples"), ex));
                }
                m.push((s("body"), Y::M(b)));
            }
        }
        // Responses.
        let mut responses = Vec::new();
        if let Some(page) = &page_param {
            let (t, items, last) = self.page_type();
            let ty = T::Named(t);
            let mut r = vec![(s("type"), s(ty.text(&self.types)))];
            if self.rng.chance(50) {
                let ex = self.examples(&ty, true, None);
                r.push((s("examples"), ex));
            }
            responses.push((Y::I(200), Y::M(r)));
            let mut p = vec![(s("page_param"), s(page.clone()))];
            if self.rng.chance(30) {
                p.push((s("first_page"), Y::I(0)));
            }
            p.push((s("items"), s(items)));
            if self.rng.chance(60) {
                p.push((s("last_page"), s(last)));
            }
            if let Some(size) = int_queries.iter().find(|q| *q != page) {
                if self.rng.chance(50) {
                    p.push((s("size_param"), s(size.clone())));
                }
            }
            m.push((s("pagination"), Y::M(p)));
        } else {
            let status = self.rng.pick(&[200i64, 200, 201, 202, 204]);
            let mut r = Vec::new();
            if status != 204 {
                let text = self.rng.chance(10);
                let ty = if text {
                    T::Scalar(self.rng.pick(&["string", "integer"]))
                } else {
                    self.any_type(0)
                };
                r.push((s("type"), s(ty.text(&self.types))));
                let envelope = (!text && self.rng.chance(25)).then(|| self.name());
                if let Some(e) = &envelope {
                    r.push((s("envelope"), s(e.clone())));
                }
                if text {
                    r.push((s("encoding"), s("text")));
                }
                if !text && self.rng.chance(30) {
                    let ex = self.examples(&ty, true, envelope.as_deref());
                    r.push((s("examples"), ex));
                }
                if !text && self.rng.chance(10) {
                    r.push((s("failure_if"), Y::M(vec![(s("key"), s(self.name()))])));
                }
            }
            if self.rng.chance(20) {
                let h = self.rng.pick(&["Location", "X-Request-Id", "ETag"]);
                r.push((s("headers"), Y::L(vec![s(h)])));
            }
            if self.rng.chance(50) {
                r.push((s("docs"), s(self.prose())));
            }
            responses.push((Y::I(status), Y::M(r)));
        }
        m.push((s("responses"), Y::M(responses)));
        if self.rng.chance(15) {
            m.push((s("idempotent"), Y::B(self.rng.chance(50))));
        }
        Y::M(m)
    }

    /// An error body with a code: `{<outer>: {<code>: Enum}}` or `{<code>: Enum}`.
    fn errors(&mut self) -> Option<Y> {
        let enums: Vec<usize> = (0..self.types.len())
            .filter(|&i| {
                self.types[i].referable
                    && matches!(self.types[i].kind, Kind::Enum { int: false, .. })
            })
            .collect();
        let objects = self.objects();
        let mut m = Vec::new();
        let ty;
        if let (Some(&e), true) = (enums.first(), self.rng.chance(70)) {
            let code = self.name();
            let mut name = format!("{}Error", self.rng.pick(HOSTILE_TYPES));
            while self.types.iter().any(|t| t.name == name) {
                name.push('2');
            }
            let mut y = self.common("object");
            y.push((
                s("fields"),
                Y::M(vec![(
                    s(code.clone()),
                    Y::M(vec![
                        (s("type"), s(self.types[e].name.clone())),
                        (s("docs"), s(self.prose())),
                    ]),
                )]),
            ));
            self.types.push(TypeGen {
                name: name.clone(),
                referable: true,
                kind: Kind::Object {
                    fields: vec![FieldGen {
                        wire: code.clone(),
                        ty: T::Named(e),
                        required: false,
                        nullable: false,
                        clearable: false,
                        read_only: false,
                        write_only: false,
                    }],
                    from: None,
                },
                yaml: y,
            });
            ty = T::Named(self.types.len() - 1);
            m.push((s("type"), s(name)));
            m.push((s("code"), s(code)));
        } else if let (Some(&o), true) = (objects.first(), self.rng.chance(50)) {
            ty = T::Named(o);
            m.push((s("type"), s(self.types[o].name.clone())));
        } else {
            ty = T::Scalar("json");
            m.push((s("type"), s("json")));
        }
        m.push((s("cite"), self.cite()));
        if self.rng.chance(50) {
            let ex = self.examples(&ty, true, None);
            m.push((s("examples"), ex));
        }
        if self.rng.chance(15) {
            m.push((s("failure_statuses"), Y::L(vec![Y::I(202)])));
        }
        Some(Y::M(m))
    }
}

/// The spec of case `case` of batch `seed`, as YAML text.
pub fn spec(seed: u64, case: u64) -> String {
    let mut g = Gen {
        rng: Rng::new(seed, case),
        types: Vec::new(),
    };
    let mut top = vec![
        (s("api"), s(format!("case_{case}"))),
        (s("title"), s(g.prose().replace('\n', " "))),
    ];
    if g.rng.chance(60) {
        top.push((s("docs"), s(g.prose())));
    }
    top.push((
        s("sources"),
        Y::M(vec![(
            s("fx"),
            Y::M(vec![
                (s("file"), s("fixture")),
                (s("title"), s(g.prose().replace('\n', " "))),
                (s("secondary"), Y::B(g.rng.chance(30))),
            ]),
        )]),
    ));
    top.push((s("cite"), g.cite()));

    // Client parameters, credentials and global parameters share the client builder.
    let mut builder_names = g.some_names(1, 6);
    builder_names.retain(|n| !n.contains(['{', '}', '/']));
    let mut base_url = "https://api.example.com/v1".to_owned();
    let mut client_params = Vec::new();
    let mut path_params = Vec::new();
    let mut auth = Vec::new();
    let mut globals = Vec::new();
    let mut global_names = Vec::new();
    for name in builder_names {
        match g.rng.below(6) {
            0 if !base_url.contains("{") => {
                base_url = format!("https://{{{name}}}.example.com/v1");
                let mut p = vec![(s("in"), s("base_url")), (s("docs"), s(g.prose()))];
                p.push((s("cite"), g.cite()));
                client_params.push((s(name), Y::M(p)));
            }
            1 => {
                let mut p = vec![(s("in"), s("path")), (s("docs"), s(g.prose()))];
                p.push((s("cite"), g.cite()));
                if g.rng.chance(15) {
                    p.push((s("note"), s(g.prose())));
                }
                path_params.push(name.clone());
                client_params.push((s(name), Y::M(p)));
            }
            2 => {
                let kind = g.rng.pick(&["header", "bearer", "form_fields", "oauth2"]);
                let mut a = vec![(s("kind"), s(kind))];
                match kind {
                    "header" => {
                        let h = g.rng.pick(&["X-Api-Key", "Authorization-Token", "Send"]);
                        a.push((s("header"), s(h)));
                    }
                    "form_fields" => {
                        let fields = g.some_names(1, 2);
                        a.push((s("fields"), Y::L(fields.into_iter().map(s).collect())));
                    }
                    "oauth2" => {
                        a.push((
                            s("authorize_url"),
                            s("https://app.example.com/oauth2/authorize"),
                        ));
                        a.push((s("token_url"), s("https://app.example.com/oauth2/token")));
                    }
                    _ => {}
                }
                if g.rng.chance(40) {
                    a.push((s("required"), Y::B(false)));
                }
                a.push((s("docs"), s(g.prose())));
                a.push((s("cite"), g.cite()));
                auth.push((s(name), Y::M(a)));
            }
            _ => {
                let location = g.rng.pick(&["query", "header"]);
                let ty = g.param_type_scalar(location);
                let y = g.param(location, ty, false);
                global_names.push(name.clone());
                globals.push((s(name), y));
            }
        }
    }
    top.push((s("base_url"), s(base_url)));

    // Types come before the parameters that use them; write them after the operations (the
    // loader reads keys in any order).
    g.types();
    if !client_params.is_empty() {
        top.push((s("client_params"), Y::M(client_params)));
    }
    if !auth.is_empty() {
        top.push((s("auth"), Y::M(auth)));
    }
    if !globals.is_empty() {
        top.push((s("global_params"), Y::M(globals)));
    }
    if g.rng.chance(50) {
        if let Some(e) = g.errors() {
            top.push((s("errors"), e));
        }
    }
    if g.rng.chance(25) {
        let mut r = vec![
            (s("calls"), Y::I(1 + g.rng.below(100) as i64)),
            (s("per_seconds"), Y::I(1 + g.rng.below(60) as i64)),
        ];
        r.push((s("cite"), g.cite()));
        if g.rng.chance(50) {
            let mut h = vec![
                (s("remaining"), s("X-RateLimit-Remaining")),
                (s("reset"), s("X-RateLimit-Reset")),
                (
                    s("reset_format"),
                    s(g.rng.pick(&["iso8601", "seconds", "unix_seconds"])),
                ),
            ];
            if g.rng.chance(50) {
                h.insert(0, (s("limit"), s("X-RateLimit-Limit")));
            }
            h.push((s("cite"), g.cite()));
            r.push((s("headers"), Y::M(h)));
        }
        top.push((s("rate_limit"), Y::M(r)));
    }
    if g.rng.chance(25) {
        let mut r = vec![
            (s("max_attempts"), Y::I(1 + g.rng.below(4) as i64)),
            (s("initial_backoff_ms"), Y::I(100)),
            (s("max_backoff_ms"), Y::I(1000)),
            (s("retry_statuses"), Y::L(vec![Y::I(500), Y::I(503)])),
        ];
        if g.rng.chance(50) {
            r.push((s("not_processed_statuses"), Y::L(vec![Y::I(503)])));
        }
        r.push((s("docs"), s(g.prose())));
        top.push((s("retry"), Y::M(r)));
    }
    if g.rng.chance(30) {
        let mut cite = vec![g.cite()];
        if g.rng.chance(50) {
            cite.push(g.cite());
        }
        let note = Y::M(vec![
            (s("id"), s(g.name())),
            (s("text"), s(g.prose())),
            (s("cite"), Y::L(cite)),
        ]);
        top.push((s("notes"), Y::L(vec![note])));
    }
    let ids = g.some_names(1, 5);
    let mut ops = Vec::new();
    for id in ids {
        let op = g.operation(&path_params, &global_names);
        ops.push((s(id), op));
    }
    top.push((s("operations"), Y::M(ops)));
    let types: Vec<(Y, Y)> = g
        .types
        .drain(..)
        .map(|t| (s(t.name), Y::M(t.yaml)))
        .collect();
    top.push((s("types"), Y::M(types)));

    let mut out = format!("# clientgen-accepted: seed {seed}, case {case}\n");
    block(&Y::M(top), 0, &mut out);
    out
}

impl Gen {
    /// A global parameter's type: types are not declared yet when globals are drawn.
    fn param_type_scalar(&mut self, location: &str) -> T {
        let mut base = T::Scalar(self.rng.pick(SCALARS));
        while matches!(base, T::Scalar("json")) && !self.rng.chance(5) {
            base = T::Scalar(self.rng.pick(SCALARS));
        }
        if location == "query" && self.rng.chance(20) {
            T::Array(Box::new(base))
        } else {
            base
        }
    }
}
