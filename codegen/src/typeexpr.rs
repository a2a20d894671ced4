//! Type expressions as written in a spec's `type:` keys: `string`, `array<Event>`, `map<integer>`.

use std::fmt;

/// A parsed type expression.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TypeExpr {
    /// UTF-8 text.
    String,
    /// A 64-bit signed integer.
    Integer,
    /// A 64-bit float. Never used for money: see `Decimal` and `DecimalNumber`.
    Number,
    /// `true` or `false`.
    Boolean,
    /// A calendar date, `2015-01-31`.
    Date,
    /// A date and time, with or without an offset.
    DateTime,
    /// Seconds since the Unix epoch, as an integer.
    UnixTime,
    /// A decimal number sent as a string (`"2500.00"`), kept exact.
    Decimal,
    /// A decimal number sent as a JSON number (`123.30`), kept exact.
    DecimalNumber,
    /// Any JSON value, kept as it came.
    Json,
    /// A temporary URL on another host for a file's bytes; its query and path are secret.
    TemporaryUrl,
    /// A list.
    Array(Box<TypeExpr>),
    /// An object with arbitrary string keys.
    Map(Box<TypeExpr>),
    /// A type defined in the spec's `types`.
    Named(String),
}

const PRIMITIVES: &[(&str, TypeExpr)] = &[
    ("string", TypeExpr::String),
    ("integer", TypeExpr::Integer),
    ("number", TypeExpr::Number),
    ("boolean", TypeExpr::Boolean),
    ("date", TypeExpr::Date),
    ("datetime", TypeExpr::DateTime),
    ("unix_time", TypeExpr::UnixTime),
    ("decimal", TypeExpr::Decimal),
    ("decimal_number", TypeExpr::DecimalNumber),
    ("json", TypeExpr::Json),
    ("temporary_url", TypeExpr::TemporaryUrl),
];

impl TypeExpr {
    /// Parses a type expression; the error says what was expected and where.
    pub fn parse(text: &str) -> Result<TypeExpr, String> {
        let mut p = Parser { text, at: 0 };
        let ty = p.expr()?;
        p.skip_ws();
        if p.at != text.len() {
            return Err(format!(
                "unexpected `{}` after the type in `{text}`",
                &text[p.at..]
            ));
        }
        Ok(ty)
    }

    /// Named types this expression refers to.
    pub fn named(&self) -> Option<&str> {
        match self {
            TypeExpr::Named(n) => Some(n),
            TypeExpr::Array(inner) | TypeExpr::Map(inner) => inner.named(),
            _ => None,
        }
    }
}

impl fmt::Display for TypeExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeExpr::Array(t) => write!(f, "array<{t}>"),
            TypeExpr::Map(t) => write!(f, "map<{t}>"),
            TypeExpr::Named(n) => f.write_str(n),
            prim => {
                let name = PRIMITIVES.iter().find(|(_, t)| t == prim).map(|(n, _)| *n);
                f.write_str(name.unwrap_or("?"))
            }
        }
    }
}

struct Parser<'a> {
    text: &'a str,
    at: usize,
}

impl Parser<'_> {
    fn skip_ws(&mut self) {
        let rest = &self.text[self.at..];
        self.at += rest.len() - rest.trim_start().len();
    }

    fn ident(&mut self) -> Result<&str, String> {
        self.skip_ws();
        let rest = &self.text[self.at..];
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if len == 0 {
            return Err(format!(
                "expected a type name at offset {} of `{}`",
                self.at, self.text
            ));
        }
        self.at += len;
        Ok(&rest[..len])
    }

    fn eat(&mut self, c: char) -> bool {
        self.skip_ws();
        if self.text[self.at..].starts_with(c) {
            self.at += c.len_utf8();
            true
        } else {
            false
        }
    }

    fn expr(&mut self) -> Result<TypeExpr, String> {
        let name = self.ident()?.to_owned();
        match name.as_str() {
            "array" | "map" => {
                if !self.eat('<') {
                    return Err(format!("`{name}` needs an element type: `{name}<T>`"));
                }
                let inner = Box::new(self.expr()?);
                if !self.eat('>') {
                    return Err(format!("missing `>` in `{}`", self.text));
                }
                Ok(if name == "array" {
                    TypeExpr::Array(inner)
                } else {
                    TypeExpr::Map(inner)
                })
            }
            _ => Ok(PRIMITIVES
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, t)| t.clone())
                .unwrap_or(TypeExpr::Named(name))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        for text in [
            "string",
            "array<Event>",
            "map<array<integer>>",
            "datetime",
            "temporary_url",
            "decimal",
            "decimal_number",
            "map<decimal_number>",
        ] {
            assert_eq!(TypeExpr::parse(text).unwrap().to_string(), text);
        }
        assert_eq!(
            TypeExpr::parse(" array < Event > ").unwrap(),
            TypeExpr::Array(Box::new(TypeExpr::Named("Event".into())))
        );
    }

    #[test]
    fn rejects_malformed() {
        assert!(TypeExpr::parse("array").is_err());
        assert!(TypeExpr::parse("array<string").is_err());
        assert!(TypeExpr::parse("string>").is_err());
        assert!(TypeExpr::parse("").is_err());
        assert!(TypeExpr::parse("<>").is_err());
    }
}
