//! Any response body, decoded as each Teamup response type (with its envelope) and as the
//! error body, through the client's own decoding and the example checker, gives a value or an
//! error, never a panic.
#![no_main]

use clientgen_runtime::RawResponse;
use clientgen_runtime::unknown::check_example;
use libfuzzer_sys::fuzz_target;
use saas_clients::teamup::types;

/// The body as a 200 reply, decoded through the client's own path.
fn ok(data: &[u8]) -> RawResponse {
    RawResponse::synthetic("fuzz", 200, data)
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = check_example::<types::AccessCheck>(&text, None);
    let _ = check_example::<types::Configuration>(&text, Some("configuration"));
    let _ = check_example::<Vec<types::Event>>(&text, Some("events"));
    let _ = check_example::<types::Event>(&text, Some("event"));
    let _ = check_example::<Vec<types::Subcalendar>>(&text, Some("subcalendars"));
    let _ = check_example::<types::Subcalendar>(&text, Some("subcalendar"));
    let _ = check_example::<types::ErrorResponse>(&text, None);
    // The same bodies through the decoding the client itself uses.
    let _ = ok(data).json::<types::AccessCheck, types::ErrorResponse>(None);
    let _ = ok(data).json::<types::Configuration, types::ErrorResponse>(Some("configuration"));
    let _ = ok(data).json::<Vec<types::Event>, types::ErrorResponse>(Some("events"));
    let _ = ok(data).json::<types::Event, types::ErrorResponse>(Some("event"));
    let _ = ok(data).json::<Vec<types::Subcalendar>, types::ErrorResponse>(Some("subcalendars"));
    let _ = ok(data).json::<types::Subcalendar, types::ErrorResponse>(Some("subcalendar"));
    let _ = RawResponse::synthetic("fuzz", 400, data).error::<types::ErrorResponse>();
});
