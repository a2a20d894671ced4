//! Date-time values as the APIs write them.
//!
//! Teamup alone shows four spellings: `2015-06-17T06:00:00-0400`, `2015-06-02T13:39:05+0000`,
//! `2015-04-29T09:50:28+00:00`, and values with no zone at all, which mean "in the calendar's
//! timezone". A value without a zone is not a UTC instant, so [`DateTime`] keeps the offset as an
//! `Option` instead of inventing one. It is built on chrono: its `FixedOffset` keeps the offset
//! the server chose (the calendar's local time is information, not noise), it has the widest use
//! among Rust HTTP clients, and with default features off it pulls in nothing else.

use std::fmt;
use std::str::FromStr;

use chrono::{FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A date and time, with the offset the server gave or none ("in the calendar's timezone").
///
/// Printed as `2015-06-17T06:00:00-0400` (with fractional seconds only when there are some), or
/// `2015-06-17T06:00:00` without an offset: the forms the vendor documents send.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateTime {
    local: NaiveDateTime,
    /// Seconds east of UTC, or [`NO_OFFSET`]: an `Option<FixedOffset>` would take eight bytes
    /// where four do, and a list of 10,000 events holds 60,000 date-times.
    offset: i32,
}

/// [`DateTime::offset`] when there is none; outside `FixedOffset`'s range of ±86,399 seconds.
const NO_OFFSET: i32 = i32::MIN;

/// As it read when the offset was an `Option<FixedOffset>`.
impl fmt::Debug for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DateTime")
            .field("local", &self.local)
            .field("offset", &self.offset())
            .finish()
    }
}

/// The stored form of an offset.
fn pack(offset: Option<FixedOffset>) -> i32 {
    offset.map_or(NO_OFFSET, |o| o.local_minus_utc())
}

/// A string that is not a date-time in any of the accepted forms.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not an ISO-8601 date-time: {reason}")]
pub struct ParseError {
    input: String,
    reason: &'static str,
}

impl DateTime {
    /// A date-time at a known offset.
    pub fn from_chrono<Tz: TimeZone>(value: chrono::DateTime<Tz>) -> Self {
        let fixed = value.fixed_offset();
        DateTime {
            local: fixed.naive_local(),
            offset: fixed.offset().local_minus_utc(),
        }
    }

    /// A date-time with no offset, read in the server's default timezone.
    pub fn floating(local: NaiveDateTime) -> Self {
        DateTime {
            local,
            offset: NO_OFFSET,
        }
    }

    /// The wall-clock time as written.
    pub fn local(&self) -> NaiveDateTime {
        self.local
    }

    /// The offset, if the value had one.
    pub fn offset(&self) -> Option<FixedOffset> {
        // `NO_OFFSET` is out of range, so it is `None` here.
        FixedOffset::east_opt(self.offset)
    }

    /// The instant, if the value had an offset.
    pub fn to_chrono(&self) -> Option<chrono::DateTime<FixedOffset>> {
        let offset = self.offset()?;
        offset.from_local_datetime(&self.local).single()
    }

    /// Parses `YYYY-MM-DD[T| ]HH:MM[:SS[.fraction]]` followed by nothing, `Z`, `±HH`, `±HHMM`
    /// or `±HH:MM`.
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        match parse_fixed(input.as_bytes()) {
            Some(value) => Ok(value),
            None => parse_general(input),
        }
    }
}

/// Two ASCII digits at `at`, as a number.
fn two_digits(b: &[u8], at: usize) -> Option<u32> {
    let (h, l) = (*b.get(at)?, *b.get(at + 1)?);
    (h.is_ascii_digit() && l.is_ascii_digit())
        .then(|| u32::from(h - b'0') * 10 + u32::from(l - b'0'))
}

/// The fast path: the forms the documents show, read at fixed positions without allocating.
/// `None` means "not one of those forms, or not valid": [`parse_general`] then decides, so the
/// accepted set and every error message are exactly the general parser's.
fn parse_fixed(b: &[u8]) -> Option<DateTime> {
    if b.len() < 16 || b[4] != b'-' || b[7] != b'-' || b[13] != b':' {
        return None;
    }
    if !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let year = two_digits(b, 0)? * 100 + two_digits(b, 2)?;
    let date = NaiveDate::from_ymd_opt(year as i32, two_digits(b, 5)?, two_digits(b, 8)?)?;
    let (hour, minute) = (two_digits(b, 11)?, two_digits(b, 14)?);
    let mut at = 16;
    let mut second = 0;
    let mut nano = 0;
    if b.get(at) == Some(&b':') {
        second = two_digits(b, at + 1)?;
        at += 3;
        if b.get(at) == Some(&b'.') {
            at += 1;
            let digits = b[at..].iter().take_while(|c| c.is_ascii_digit()).count();
            if digits == 0 || digits > 9 {
                return None;
            }
            for &c in &b[at..at + digits] {
                nano = nano * 10 + u32::from(c - b'0');
            }
            nano *= 10u32.pow(9 - digits as u32);
            at += digits;
        }
    }
    if second > 59 {
        return None;
    }
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nano)?;
    let zone = &b[at..];
    let offset = match zone {
        [] => None,
        [b'Z' | b'z'] => Some(FixedOffset::east_opt(0)?),
        [sign @ (b'+' | b'-'), ..] => {
            let (h, m) = match zone.len() {
                3 => (two_digits(zone, 1)?, 0),
                5 => (two_digits(zone, 1)?, two_digits(zone, 3)?),
                6 if zone[3] == b':' => (two_digits(zone, 1)?, two_digits(zone, 4)?),
                _ => return None,
            };
            if h > 23 || m > 59 {
                return None;
            }
            let secs = (h * 3600 + m * 60) as i32;
            Some(FixedOffset::east_opt(if *sign == b'-' {
                -secs
            } else {
                secs
            })?)
        }
        _ => return None,
    };
    Some(DateTime {
        local: date.and_time(time),
        offset: pack(offset),
    })
}

/// The general parser, built on chrono's format parser: slower (about 200 ns a value), and the
/// reference for what is accepted. Every input the fast path does not take comes here.
fn parse_general(input: &str) -> Result<DateTime, ParseError> {
    let fail = |reason| ParseError {
        input: input.to_owned(),
        reason,
    };
    let (date, rest) = input
        .split_at_checked(10)
        .ok_or_else(|| fail("too short"))?;
    let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| fail("bad date"))?;
    let rest = rest
        .strip_prefix(['T', 't', ' '])
        .ok_or_else(|| fail("expected `T` after the date"))?;
    let zone_at = rest.find(['Z', 'z', '+', '-']).unwrap_or(rest.len());
    let (time, zone) = rest.split_at(zone_at);
    let time = ["%H:%M:%S%.f", "%H:%M"]
        .iter()
        .find_map(|f| NaiveTime::parse_from_str(time, f).ok())
        .ok_or_else(|| fail("bad time"))?;
    let offset = match zone {
        "" => None,
        "Z" | "z" => Some(FixedOffset::east_opt(0).ok_or_else(|| fail("bad offset"))?),
        _ => Some(parse_offset(zone).ok_or_else(|| fail("bad offset"))?),
    };
    Ok(DateTime {
        local: date.and_time(time),
        offset: pack(offset),
    })
}

fn parse_offset(zone: &str) -> Option<FixedOffset> {
    let sign = match zone.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: String = zone[1..].chars().filter(|c| *c != ':').collect();
    let colons = zone[1..].matches(':').count();
    if !digits.chars().all(|c| c.is_ascii_digit()) || colons > 1 || (colons == 1 && zone.len() != 6)
    {
        return None;
    }
    let (h, m) = match digits.len() {
        2 => (digits.parse::<i32>().ok()?, 0),
        4 => (
            digits[..2].parse::<i32>().ok()?,
            digits[2..].parse::<i32>().ok()?,
        ),
        _ => return None,
    };
    if h > 23 || m > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pattern = if self.local.and_utc().timestamp_subsec_nanos() == 0 {
            "%Y-%m-%dT%H:%M:%S"
        } else {
            "%Y-%m-%dT%H:%M:%S%.f"
        };
        write!(f, "{}", self.local.format(pattern))?;
        if let Some(offset) = self.offset() {
            let secs = offset.local_minus_utc();
            let sign = if secs < 0 { '-' } else { '+' };
            let secs = secs.abs();
            write!(f, "{sign}{:02}{:02}", secs / 3600, secs % 3600 / 60)?;
        }
        Ok(())
    }
}

impl FromStr for DateTime {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DateTime::parse(s)
    }
}

impl<Tz: TimeZone> From<chrono::DateTime<Tz>> for DateTime {
    fn from(value: chrono::DateTime<Tz>) -> Self {
        DateTime::from_chrono(value)
    }
}

impl From<NaiveDateTime> for DateTime {
    fn from(value: NaiveDateTime) -> Self {
        DateTime::floating(value)
    }
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // A visitor rather than `String`/`Cow`: the text is parsed where it lies, unallocated.
        // The parse error is raised inside the visitor, so serde_json places it at the string
        // itself, which is how a failure is located (`crate::json_path`).
        struct Text;
        impl serde::de::Visitor<'_> for Text {
            type Value = DateTime;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<DateTime, E> {
                DateTime::parse(text).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Text)
    }
}

/// Seconds since the Unix epoch, written as an integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UnixTime(pub i64);

impl<Tz: TimeZone> From<chrono::DateTime<Tz>> for UnixTime {
    fn from(value: chrono::DateTime<Tz>) -> Self {
        UnixTime(value.timestamp())
    }
}

impl fmt::Display for UnixTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]

        /// Text shaped like a date-time, valid or nearly: digits anywhere, every separator and
        /// zone spelling, fractions of any length. The fast parser and the general one agree on
        /// every input, both on the value and on the error.
        #[test]
        fn the_fast_parser_agrees_with_the_general_one(
            text in "[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt x][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{0,11})?)?([Zz]|[+-][0-9]{2}(:?[0-9]{2})?|[+-][0-9]{1,5}|[+-][0-9]{2}:[0-9]{2}:[0-9]{2})?"
        ) {
            prop_assert_eq!(DateTime::parse(&text), parse_general(&text));
        }

        /// The same for any text at all.
        #[test]
        fn the_fast_parser_agrees_on_any_text(text in any::<String>()) {
            prop_assert_eq!(DateTime::parse(&text), parse_general(&text));
        }

        /// Every valid value in every documented spelling: both parsers read the same value,
        /// and it prints and parses back to itself.
        #[test]
        fn documented_spellings_round_trip(
            secs in -62_000_000_000i64..250_000_000_000i64,
            nanos in prop_oneof![Just(0u32), 0u32..1_000_000_000],
            offset_minutes in prop_oneof![Just(None), (-1439i32..=1439).prop_map(Some)],
            spelling in 0usize..4,
        ) {
            let local = chrono::DateTime::from_timestamp(secs, nanos).unwrap().naive_utc();
            let value = DateTime {
                local,
                offset: pack(offset_minutes.map(|m| FixedOffset::east_opt(m * 60).unwrap())),
            };
            let printed = value.to_string();
            let text = match (spelling, value.offset()) {
                (1, Some(o)) if o.local_minus_utc() == 0 => format!("{}Z", &printed[..printed.len() - 5]),
                (2, Some(_)) => format!("{}:{}", &printed[..printed.len() - 2], &printed[printed.len() - 2..]),
                (3, _) => printed.replacen('T', " ", 1),
                _ => printed.clone(),
            };
            prop_assert_eq!(DateTime::parse(&text), Ok(value));
            prop_assert_eq!(parse_general(&text), Ok(value));
            prop_assert_eq!(DateTime::parse(&printed), Ok(value));
        }
    }

    #[test]
    fn parses_every_documented_form_and_prints_the_compact_offset() {
        let cases = [
            ("2015-06-17T06:00:00-0400", "2015-06-17T06:00:00-0400"),
            ("2015-06-02T13:39:05+0000", "2015-06-02T13:39:05+0000"),
            ("2015-04-29T09:50:28+00:00", "2015-04-29T09:50:28+0000"),
            ("2015-01-31T10:00:00Z", "2015-01-31T10:00:00+0000"),
            ("2015-01-31T10:00:00-05:00", "2015-01-31T10:00:00-0500"),
            ("2015-01-31T10:00:00", "2015-01-31T10:00:00"),
            ("2026-06-18T09:30:00.000000Z", "2026-06-18T09:30:00+0000"),
            (
                "2026-06-18T09:30:00.25+05:45",
                "2026-06-18T09:30:00.250+0545",
            ),
            ("2015-01-31T10:00", "2015-01-31T10:00:00"),
        ];
        for (input, printed) in cases {
            let dt = DateTime::parse(input).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(
                parse_fixed(input.as_bytes()),
                Some(dt),
                "{input} takes the fast path"
            );
            assert_eq!(dt.to_string(), printed, "{input}");
            assert_eq!(DateTime::parse(printed).unwrap(), dt, "{input} round trip");
        }
        let floating = DateTime::parse("2015-01-31T10:00:00").unwrap();
        assert_eq!(floating.offset(), None);
        assert_eq!(floating.to_chrono(), None);
        let zoned = DateTime::parse("2015-06-17T06:00:00-0400").unwrap();
        assert_eq!(zoned.to_chrono().unwrap().timestamp(), 1_434_535_200);
    }

    #[test]
    fn rejects_what_is_not_a_date_time() {
        for bad in [
            "",
            "2015-06-17",
            "2015-13-01T00:00:00",
            "2015-06-17X06:00:00",
            "2015-06-17T25:00:00",
            "2015-06-17T06:00:00+5",
            "2015-06-17T06:00:00+05:0",
            "2015-06-17T06:00:00+2400",
            "2015-06-17T06:00:00+0a00",
            "2015-06-17T06:00:00+05:00:00",
            "2015-06-17T06:00:00Zjunk",
            "２０１５-06-17T06:00:00",
        ] {
            assert!(DateTime::parse(bad).is_err(), "{bad:?} should not parse");
        }
    }
}
