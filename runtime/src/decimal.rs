//! Exact decimals sent as strings (`"2500.00"`), so that money never passes through a float.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A decimal number kept exactly as its digits, e.g. `2500.00`.
///
/// It accepts a JSON string (kept digit for digit) or a JSON number, and is always sent as a
/// string. A JSON number with a fraction has already been read as a float by the JSON parser:
/// it is kept as the shortest decimal that reads back as that float (`2500.5`), which is exact
/// for up to 15 significant digits; APIs that send money as strings lose nothing.
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
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Wire {
            Text(String),
            Int(i64),
            Float(f64),
        }
        match Wire::deserialize(deserializer)? {
            Wire::Text(s) => s.parse().map_err(serde::de::Error::custom),
            Wire::Int(i) => Ok(Decimal(i.to_string())),
            Wire::Float(f) if f.is_finite() => Ok(Decimal(format!("{f}"))),
            Wire::Float(f) => Err(serde::de::Error::custom(format!("{f} is not a decimal"))),
        }
    }
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
}
