//! Property tests: whatever a caller passes survives the server's decoding unchanged, and
//! date-times print and parse back to the same value.
//!
//! "The server's decoding" is the `url` crate's: the parser hyper-based servers (wiremock among
//! them) use to split a request target into path segments and query pairs.

use chrono::{FixedOffset, NaiveDate, NaiveTime};
use clientgen_runtime::DateTime;
use clientgen_runtime::encode::{ArrayStyle, Pairs, path_segment};
use proptest::prelude::*;

/// Parses a request target as a server would.
fn server_view(path: &str, query: &str) -> url::Url {
    url::Url::parse(&format!("http://127.0.0.1{path}?{query}"))
        .expect("the client built a valid URL")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Any value but empty, `.` and `..` is one path segment that decodes to itself.
    #[test]
    fn path_segments_round_trip(value in any::<String>()) {
        match path_segment("id", &value) {
            Ok(segment) => {
                let url = server_view(&format!("/cal/{segment}/events"), "");
                let segments: Vec<_> = url.path_segments().unwrap().collect();
                prop_assert_eq!(segments.len(), 3, "the value must stay one segment");
                let decoded = percent_encoding::percent_decode_str(segments[1]).decode_utf8().unwrap();
                prop_assert_eq!(decoded.as_ref(), value.as_str());
            }
            Err(_) => prop_assert!(value.is_empty() || value == "." || value == ".."),
        }
    }

    /// Names and values of any text come back from the query string as they went in.
    #[test]
    fn query_pairs_round_trip(pairs in proptest::collection::vec((any::<String>(), any::<String>()), 0..6)) {
        let mut q = Pairs::default();
        for (name, value) in &pairs {
            q.push(name, value);
        }
        let url = server_view("/x", &q.encode());
        let decoded: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        prop_assert_eq!(decoded, pairs);
    }

    /// Arrays come back as repeated names, in order, in every style that can carry them.
    #[test]
    fn arrays_round_trip(values in proptest::collection::vec("[^,]*", 1..5)) {
        for (style, name) in [(ArrayStyle::Repeat, "v"), (ArrayStyle::Brackets, "v[]")] {
            let mut q = Pairs::default();
            q.push_array("v", &values, style);
            let url = server_view("/x", &q.encode());
            let decoded: Vec<(String, String)> = url.query_pairs().into_owned().collect();
            let expected: Vec<(String, String)> =
                values.iter().map(|v| (name.to_owned(), v.clone())).collect();
            prop_assert_eq!(decoded, expected);
        }
        let mut q = Pairs::default();
        q.push_array("v", &values, ArrayStyle::Comma);
        let url = server_view("/x", &q.encode());
        let decoded: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        prop_assert_eq!(decoded, vec![("v".to_owned(), values.join(","))]);
    }

    /// A form body is decoded by the same rules: `application/x-www-form-urlencoded`.
    #[test]
    fn form_bodies_round_trip(pairs in proptest::collection::vec((any::<String>(), any::<String>()), 0..6)) {
        let mut form = Pairs::default();
        for (name, value) in &pairs {
            form.push(name, value);
        }
        let body = form.encode();
        let decoded: Vec<(String, String)> =
            url::form_urlencoded::parse(body.as_bytes()).into_owned().collect();
        prop_assert_eq!(decoded, pairs);
    }

    /// Printing a date-time and parsing the text gives the same value, with or without offset.
    #[test]
    fn date_times_round_trip(
        days in 0i32..80_000,
        secs in 0u32..86_400,
        nanos in prop_oneof![Just(0u32), 0u32..1_000_000_000],
        offset_minutes in prop_oneof![Just(None), (-1439i32..=1439).prop_map(Some)],
    ) {
        let date = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Days::new(days as u64);
        let time = NaiveTime::from_num_seconds_from_midnight_opt(secs, nanos).unwrap();
        let local = date.and_time(time);
        let value = match offset_minutes {
            None => DateTime::floating(local),
            Some(m) => {
                let offset = FixedOffset::east_opt(m * 60).unwrap();
                DateTime::from_chrono(local.and_local_timezone(offset).unwrap())
            }
        };
        let text = value.to_string();
        prop_assert_eq!(DateTime::parse(&text), Ok(value), "{}", text);
    }

    /// Parsing never panics, whatever the text.
    #[test]
    fn date_time_parsing_never_panics(text in any::<String>()) {
        let _ = DateTime::parse(&text);
    }
}
