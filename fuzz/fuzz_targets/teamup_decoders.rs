//! Any response body, decoded as each Teamup response type (with its envelope) and as the
//! error body, gives a value or an error, never a panic.
#![no_main]

use clientgen_runtime::unknown::check_example;
use libfuzzer_sys::fuzz_target;
use saas_clients::teamup::types;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = check_example::<types::AccessCheck>(&text, None);
    let _ = check_example::<types::Configuration>(&text, Some("configuration"));
    let _ = check_example::<Vec<types::Event>>(&text, Some("events"));
    let _ = check_example::<types::Event>(&text, Some("event"));
    let _ = check_example::<Vec<types::Subcalendar>>(&text, Some("subcalendars"));
    let _ = check_example::<types::Subcalendar>(&text, Some("subcalendar"));
    let _ = check_example::<types::ErrorResponse>(&text, None);
});
