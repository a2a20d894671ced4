//! Exact decimals, so that money never passes through a float: [`Decimal`] is sent as a string
//! (`"2500.00"`), [`DecimalNumber`] as a JSON number (`123.30`).
//!
//! Both decode a JSON number from the text as written, not from a float. serde_json's parser
//! hands that text out, unparsed, to whoever asks for its `RawValue`; both types ask for it the
//! same way [`crate::Extra`] does, so `123.30` keeps its trailing zero and
//! `1234567890123456.78` all its digits. [`DecimalNumber`] is sent back through a `RawValue`
//! too, which serde_json writes as the digits unchanged, unquoted.
//!
//! The other way to get the text of numbers, serde_json's `arbitrary_precision` feature, is not
//! used: cargo unifies features, so it would switch on for the user's whole program and change
//! how every `serde_json::Number` and `Value` there behaves (numbers become strings inside, and
//! some deserializers then see maps instead of numbers). The `raw_value` feature the runtime
//! enables only adds the `RawValue` type and changes nothing else.
//!
//! Not every route into a decoder carries the text. A value already parsed into a
//! `serde_json::Value` (or buffered by serde, as inside an untagged union) holds its numbers as
//! `f64`; from there a number is the shortest decimal that reads back as that float: exact for
//! up to 15 significant digits, but without trailing zeros (`123.30` arrives as `123.3`) and
//! rounded beyond (`1234567890123456.78` arrives as `1234567890123456.8`). Decode from the
//! bytes (`serde_json::from_slice`, which the clients do) to keep every digit.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Unexpected, Visitor};
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;

use crate::de::Key;
use crate::extra::RAW_TOKEN;

/// A decimal number kept exactly as its digits, e.g. `2500.00`, sent as a JSON string.
///
/// It accepts a JSON string (kept digit for digit) or a JSON number (kept as written when
/// decoded from JSON text; see the [module documentation](self) for values that went through a
/// `serde_json::Value` first), and is always sent as a string. For an API that wants the number
/// unquoted, see [`DecimalNumber`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Decimal(String);

/// Text that is not a plain decimal number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a decimal number like `2500.00`")]
pub struct DecimalError(String);

impl Decimal {
    /// The digits as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Decimal {
    type Err = DecimalError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let digits = s.strip_prefix('-').unwrap_or(s);
        let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
        let ok = !int.is_empty()
            && int.bytes().all(|b| b.is_ascii_digit())
            && frac.bytes().all(|b| b.is_ascii_digit())
            && !(digits.contains('.') && frac.is_empty());
        if ok {
            Ok(Decimal(s.to_owned()))
        } else {
            Err(DecimalError(s.to_owned()))
        }
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // serde_json's parser answers this name with the value's text (that is how its own
        // `RawValue` is decoded); any other deserializer calls `visit_newtype_struct`.
        deserializer.deserialize_newtype_struct(RAW_TOKEN, ExactVisitor)
    }
}

/// A decimal number kept exactly as its digits, e.g. `123.30`, sent as a JSON number.
///
/// For APIs that write money as JSON numbers (Teamleader's `{"amount": 123.30}`): a JSON
/// number decoded from JSON text keeps the digits as written, and is sent back as the same
/// digits, unquoted. A JSON string of digits (`"123.30"`) is accepted too, and sent back as a
/// number. The digits are the [`Decimal`] inside ([`DecimalNumber::as_decimal`]); two values
/// are equal when their digits are (`123.30` is not `123.3`).
///
/// A number in exponent form (`1.5e2`) is written out in plain digits (`150`); its exponent
/// must lie within ±64, so that a short input cannot ask for a long value (`1e400` is refused).
/// Redundant leading zeros, which a JSON number cannot have, are dropped (`"007.50"` is
/// `7.50`). How a value that went through a `serde_json::Value` loses digits is in the
/// [module documentation](self).
///
/// It is written for serde_json: `serde_json::to_string`/`to_vec`/`to_writer` write the digits,
/// `serde_json::to_value` reads them into a `Number` (an f64 again); other serde formats see
/// the struct through which serde_json passes raw text, so convert to [`Decimal`] for those.
///
/// ```
/// # mod saas_clients { pub use clientgen_runtime as runtime; }
/// use saas_clients::runtime::DecimalNumber;
///
/// let amount: DecimalNumber = serde_json::from_str("123.30").unwrap();
/// assert_eq!(amount.as_str(), "123.30");
/// assert_eq!(serde_json::to_string(&amount).unwrap(), "123.30");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DecimalNumber(Decimal);

impl DecimalNumber {
    /// The number with these digits (redundant leading zeros dropped).
    pub fn new(decimal: Decimal) -> Self {
        DecimalNumber(without_leading_zeros(decimal))
    }

    /// The digits, e.g. `123.30`.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The digits as a [`Decimal`].
    pub fn as_decimal(&self) -> &Decimal {
        &self.0
    }

    /// The digits as a [`Decimal`], which is sent as a string.
    pub fn into_decimal(self) -> Decimal {
        self.0
    }
}

impl From<Decimal> for DecimalNumber {
    fn from(decimal: Decimal) -> Self {
        DecimalNumber::new(decimal)
    }
}

impl From<DecimalNumber> for Decimal {
    fn from(number: DecimalNumber) -> Self {
        number.0
    }
}

impl FromStr for DecimalNumber {
    type Err = DecimalError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse().map(DecimalNumber::new)
    }
}

impl fmt::Display for DecimalNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for DecimalNumber {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // The digits are a valid JSON number (no leading zeros, no exponent), which serde_json
        // writes unchanged; `serde_json::to_value` reads them into a `Number`.
        let raw = RawValue::from_string(self.as_str().to_owned()).map_err(|e| {
            serde::ser::Error::custom(format!("`{}` as a JSON number: {e}", self.as_str()))
        })?;
        raw.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for DecimalNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Decimal::deserialize(deserializer).map(DecimalNumber::new)
    }
}

/// The largest exponent magnitude accepted in a number such as `1.5e2`.
const MAX_EXPONENT: i32 = 64;

/// Decodes a decimal from a JSON number's text, a string of digits, or (from buffered
/// deserializers) an integer or a float.
struct ExactVisitor;

impl<'de> Visitor<'de> for ExactVisitor {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal number such as 123.30, or a string of its digits")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Decimal, A::Error> {
        // The raw protocol: one entry, the marker, whose value is the JSON text.
        match map.next_key::<Key<'de>>()? {
            Some(key) if key.as_str() == RAW_TOKEN => {
                let text = map.next_value::<Key<'de>>()?;
                from_json_text(text.as_str())
            }
            _ => Err(de::Error::invalid_type(Unexpected::Map, &self)),
        }
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Decimal, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
        v.parse().map_err(E::custom)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
        Ok(Decimal(v.to_string()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
        Ok(Decimal(v.to_string()))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Decimal, E> {
        Ok(Decimal(v.to_string()))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Decimal, E> {
        Ok(Decimal(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
        if !v.is_finite() {
            return Err(E::custom(format!("{v} is not a decimal number")));
        }
        // The shortest digits that read back as `v`, in exponent form, written out exactly.
        from_number_text(&format!("{v:e}")).map_err(E::custom)
    }
}

/// A decimal from the JSON text of one value: a number, or a string of digits.
fn from_json_text<E: de::Error>(text: &str) -> Result<Decimal, E> {
    let text = text.trim();
    let expected = &ExactVisitor;
    match text.as_bytes().first() {
        Some(b'"') => {
            let s: String = serde_json::from_str(text).map_err(E::custom)?;
            s.parse().map_err(E::custom)
        }
        Some(b't') => Err(E::invalid_type(Unexpected::Bool(true), expected)),
        Some(b'f') => Err(E::invalid_type(Unexpected::Bool(false), expected)),
        Some(b'n') => Err(E::invalid_type(Unexpected::Unit, expected)),
        Some(b'[') => Err(E::invalid_type(Unexpected::Seq, expected)),
        Some(b'{') => Err(E::invalid_type(Unexpected::Map, expected)),
        _ => from_number_text(text).map_err(E::custom),
    }
}

/// A decimal from a number's text, `-12.30` or `1.5e2`, exactly.
fn from_number_text(text: &str) -> Result<Decimal, String> {
    let not_decimal = || format!("`{text}` is not a decimal number like 123.30");
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(at) => (&text[..at], Some(&text[at + 1..])),
        None => (text, None),
    };
    let mantissa: Decimal = mantissa.parse().map_err(|_| not_decimal())?;
    let Some(exponent) = exponent else {
        return Ok(without_leading_zeros(mantissa));
    };
    let out_of_range = || {
        format!(
            "`{text}` is out of range: a decimal number's exponent must lie within ±{MAX_EXPONENT}"
        )
    };
    let exponent: i32 = match exponent.parse() {
        Ok(e) if (-MAX_EXPONENT..=MAX_EXPONENT).contains(&e) => e,
        Ok(_) => return Err(out_of_range()),
        // Digits that do not fit an i32 are out of range too; anything else is malformed.
        Err(_) => {
            let digits = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
            let all_digits = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
            return Err(if all_digits {
                out_of_range()
            } else {
                not_decimal()
            });
        }
    };
    let (negative, unsigned) = match mantissa.as_str().strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, mantissa.as_str()),
    };
    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits = format!("{int}{frac}");
    // Where the decimal point falls in `digits` once the exponent is applied.
    let point = int.len() as i64 + i64::from(exponent);
    let mut out = String::with_capacity(digits.len() + MAX_EXPONENT as usize + 3);
    if negative {
        out.push('-');
    }
    if point <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', point.unsigned_abs() as usize));
        out.push_str(&digits);
    } else if point as usize >= digits.len() {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n('0', point as usize - digits.len()));
    } else {
        let (before, after) = digits.split_at(point as usize);
        out.push_str(before);
        out.push('.');
        out.push_str(after);
    }
    Ok(without_leading_zeros(Decimal(out)))
}

/// The same number without redundant leading zeros (`007.5` is `7.5`, `-00.5` is `-0.5`).
fn without_leading_zeros(decimal: Decimal) -> Decimal {
    let s = decimal.as_str();
    let (sign, unsigned) = match s.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", s),
    };
    let trimmed = unsigned.trim_start_matches('0');
    if trimmed.len() == unsigned.len() {
        return decimal;
    }
    let rest = if trimmed.is_empty() || trimmed.starts_with('.') {
        format!("0{trimmed}")
    } else {
        trimmed.to_owned()
    };
    Decimal(format!("{sign}{rest}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_digits_exactly() {
        for ok in ["2500.00", "0", "-1.5", "12345678901234567890.123456789"] {
            assert_eq!(ok.parse::<Decimal>().unwrap().to_string(), ok);
        }
        for bad in ["", "1.", ".5", "1e3", "NaN", "1,5", "--1"] {
            assert!(bad.parse::<Decimal>().is_err(), "{bad}");
        }
        let d: Decimal = serde_json::from_str("\"2500.00\"").unwrap();
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"2500.00\"");
        let d: Decimal = serde_json::from_str("7").unwrap();
        assert_eq!(d.as_str(), "7");
        let d: Decimal = serde_json::from_str("2500.5").unwrap();
        assert_eq!(d.as_str(), "2500.5");
        let d: Decimal = serde_json::from_str("0.1").unwrap();
        assert_eq!(d.as_str(), "0.1");
        assert!(serde_json::from_str::<Decimal>("\"1e3\"").is_err());
    }

    /// A JSON number decoded from text keeps its digits, in either type: the trailing zero of
    /// `123.30`, and digits far beyond an f64's 15 to 17.
    #[test]
    fn json_numbers_keep_their_digits_from_text() {
        for text in [
            "123.30",
            "1234567890123456.78",
            "-0.10",
            "0",
            "-0",
            "18446744073709551617",
            "0.1000000000000000055511151231257827",
        ] {
            let n: DecimalNumber = serde_json::from_str(text).unwrap();
            assert_eq!(n.as_str(), text);
            assert_eq!(serde_json::to_string(&n).unwrap(), text, "sent as written");
            let d: Decimal = serde_json::from_str(text).unwrap();
            assert_eq!(d.as_str(), text);
            assert_eq!(serde_json::to_string(&d).unwrap(), format!("\"{text}\""));
            // From bytes and from a reader (owned raw text) alike.
            let n: DecimalNumber = serde_json::from_slice(text.as_bytes()).unwrap();
            assert_eq!(n.as_str(), text);
            let n: DecimalNumber = serde_json::from_reader(text.as_bytes()).unwrap();
            assert_eq!(n.as_str(), text);
        }
    }

    #[test]
    fn a_string_of_digits_is_accepted_and_sent_as_a_number() {
        let n: DecimalNumber = serde_json::from_str(r#""123.30""#).unwrap();
        assert_eq!(n.as_str(), "123.30");
        assert_eq!(serde_json::to_string(&n).unwrap(), "123.30");
        let n: DecimalNumber = serde_json::from_str(r#""007.50""#).unwrap();
        assert_eq!(
            serde_json::to_string(&n).unwrap(),
            "7.50",
            "no leading zeros in JSON"
        );
        let n: DecimalNumber = "-00.5".parse().unwrap();
        assert_eq!(n.as_str(), "-0.5");
        let n: DecimalNumber = "000".parse().unwrap();
        assert_eq!(n.as_str(), "0");
    }

    #[test]
    fn exponents_are_written_out_exactly_within_bounds() {
        let big = format!("1{}", "0".repeat(64));
        for (text, plain) in [
            ("1.5e2", "150"),
            ("1.50E+1", "15.0"),
            ("12.5e-1", "1.25"),
            ("1e-3", "0.001"),
            ("-2.5e-2", "-0.025"),
            ("0e5", "0"),
            ("1e64", big.as_str()),
        ] {
            let n: DecimalNumber = serde_json::from_str(text).unwrap();
            assert_eq!(n.as_str(), plain, "{text}");
        }
    }

    #[test]
    fn bad_input_is_a_clear_error() {
        for (json, says) in [
            (r#""12a""#, "`12a` is not a decimal number"),
            (
                "true",
                "invalid type: boolean `true`, expected a decimal number",
            ),
            ("null", "invalid type: null, expected a decimal number"),
            ("[1]", "invalid type: sequence"),
            (r#"{"a": 1}"#, "invalid type: map"),
            ("1e400", "`1e400` is out of range"),
            ("1e-65", "`1e-65` is out of range"),
            ("1e99999999999999999999", "out of range"),
        ] {
            let err = serde_json::from_str::<DecimalNumber>(json).unwrap_err();
            assert!(err.to_string().contains(says), "{json}: {err}");
            let err = serde_json::from_str::<Decimal>(json).unwrap_err();
            assert!(err.to_string().contains(says), "{json}: {err}");
        }
    }

    /// Through a `serde_json::Value` the number is an f64 already: exact within 15 digits, but
    /// without trailing zeros, and rounded beyond.
    #[test]
    fn through_a_value_numbers_are_as_exact_as_a_float() {
        for (text, got) in [
            ("123.30", "123.3"),
            ("7", "7"),
            ("18446744073709551615", "18446744073709551615"),
            ("1234567890123456.78", "1234567890123456.8"),
            // A Value writes this float as `1e20`, which is written out again.
            ("100000000000000000000.0", "100000000000000000000"),
            ("0.00001", "0.00001"),
            (r#""123.30""#, "123.30"),
        ] {
            let value: serde_json::Value = serde_json::from_str(text).unwrap();
            let n: DecimalNumber = serde_json::from_value(value.clone()).unwrap();
            assert_eq!(n.as_str(), got, "{text}");
            let n: DecimalNumber = DecimalNumber::deserialize(&value).unwrap();
            assert_eq!(n.as_str(), got, "{text} by reference");
        }
        let value = serde_json::json!({"amount": true});
        let err = serde_json::from_value::<DecimalNumber>(value["amount"].clone()).unwrap_err();
        assert!(err.to_string().contains("boolean"), "{err}");
    }

    /// Through the clients' decoder the text arrives, and a failure is located at the field
    /// (`crate::json_path` reads serde_json's position, so the error must be raised there).
    #[test]
    fn the_clients_decoder_keeps_the_text_and_names_the_field() {
        #[derive(Debug, serde::Deserialize)]
        struct Line {
            price: DecimalNumber,
            #[allow(dead_code)]
            name: String,
        }
        let (line, _) =
            crate::response::decode_json::<Line>(br#"{"price": 123.30, "name": "a"}"#, None)
                .unwrap();
        assert_eq!(line.price.as_str(), "123.30");
        for body in [
            &br#"{"price": 1e400, "name": "a"}"#[..],
            br#"{"price": "12a", "name": "a"}"#,
            br#"{"price": true, "name": "a"}"#,
        ] {
            let (path, message) = crate::response::decode_json::<Line>(body, None).unwrap_err();
            let body = String::from_utf8_lossy(body);
            assert_eq!(path, "price", "{body}: {message}");
        }
        let (_, message) =
            crate::response::decode_json::<Line>(br#"{"price": 1e400, "name": "a"}"#, None)
                .unwrap_err();
        assert!(message.contains("`1e400` is out of range"), "{message}");
    }

    /// Inside an untagged union serde buffers the value, and the float route applies.
    #[test]
    fn buffered_values_decode_as_floats() {
        #[derive(serde::Deserialize)]
        #[serde(untagged)]
        enum Either {
            Amount(DecimalNumber),
        }
        let Either::Amount(n) = serde_json::from_str("123.30").unwrap();
        assert_eq!(n.as_str(), "123.3");
        let Either::Amount(n) = serde_json::from_str("1200").unwrap();
        assert_eq!(n.as_str(), "1200");
        let Either::Amount(n) = serde_json::from_str(r#""123.30""#).unwrap();
        assert_eq!(n.as_str(), "123.30");
        assert!(serde_json::from_str::<Either>("true").is_err());
    }

    #[test]
    fn conversions_keep_the_digits() {
        let d: Decimal = "123.30".parse().unwrap();
        let n = DecimalNumber::from(d.clone());
        assert_eq!(n.as_decimal(), &d);
        assert_eq!(n.to_string(), "123.30");
        assert_eq!(Decimal::from(n.clone()), d);
        assert_eq!(n.into_decimal(), d);
        assert_ne!(
            "123.30".parse::<DecimalNumber>().unwrap(),
            "123.3".parse::<DecimalNumber>().unwrap(),
            "equal means the same digits"
        );
        assert_eq!(
            serde_json::to_value("123.30".parse::<DecimalNumber>().unwrap()).unwrap(),
            serde_json::json!(123.3),
            "to_value reads the digits as a number"
        );
    }
}
