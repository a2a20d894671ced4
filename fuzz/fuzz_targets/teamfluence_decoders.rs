//! Any response body, decoded as each Teamfluence response type (with its envelope) and as the
//! error body, through the client's own decoding and the example checker, gives a value or an
//! error, never a panic. `tests/fuzz_coverage.rs` fails when an operation's response type is
//! missing here.
#![no_main]

use clientgen_runtime::RawResponse;
use clientgen_runtime::unknown::check_example;
use libfuzzer_sys::fuzz_target;
use saas_clients::teamfluence::types;

/// The body as a 200 reply, decoded through the client's own path.
fn ok(data: &[u8]) -> RawResponse {
    RawResponse::synthetic("fuzz", 200, data)
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = check_example::<types::LeadList>(&text, None);
    let _ = check_example::<types::PostList>(&text, None);
    let _ = check_example::<types::ErrorBody>(&text, None);
    // The same bodies through the decoding the client itself uses.
    let _ = ok(data).json::<types::LeadList, types::ErrorBody>(None);
    let _ = ok(data).json::<types::PostList, types::ErrorBody>(None);
    let _ = RawResponse::synthetic("fuzz", 400, data).error::<types::ErrorBody>();
});
