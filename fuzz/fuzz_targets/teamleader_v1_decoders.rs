//! Any response body, decoded as each Teamleader v1 response type (with its envelope) and as the
//! error body, through the client's own decoding and the example checker, gives a value or an
//! error, never a panic. `tests/fuzz_coverage.rs` fails when an operation's response type is
//! missing here.
#![no_main]

use clientgen_runtime::RawResponse;
use clientgen_runtime::unknown::check_example;
use libfuzzer_sys::fuzz_target;
use saas_clients::teamleader_v1::types;

/// The body as a 200 reply, decoded through the client's own path.
fn ok(data: &[u8]) -> RawResponse {
    RawResponse::synthetic("fuzz", 200, data)
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = check_example::<Vec<clientgen_runtime::serde_json::Value>>(&text, None);
    let _ = check_example::<Vec<types::ClientProject>>(&text, None);
    let _ = check_example::<Vec<types::FileEntry>>(&text, None);
    let _ = check_example::<Vec<types::ProjectSummary>>(&text, None);
    let _ = check_example::<clientgen_runtime::serde_json::Value>(&text, None);
    let _ = check_example::<types::FileInfo>(&text, None);
    let _ = check_example::<types::ErrorBody>(&text, None);
    // The same bodies through the decoding the client itself uses.
    let _ = ok(data).json::<Vec<clientgen_runtime::serde_json::Value>, types::ErrorBody>(None);
    let _ = ok(data).json::<Vec<types::ClientProject>, types::ErrorBody>(None);
    let _ = ok(data).json::<Vec<types::FileEntry>, types::ErrorBody>(None);
    let _ = ok(data).json::<Vec<types::ProjectSummary>, types::ErrorBody>(None);
    let _ = ok(data).json::<clientgen_runtime::serde_json::Value, types::ErrorBody>(None);
    let _ = ok(data).json::<types::FileInfo, types::ErrorBody>(None);
    // Plain-text answers (a bare id, a message).
    let _ = ok(data).text::<i64, types::ErrorBody>();
    let _ = ok(data).text::<String, types::ErrorBody>();
    let _ = RawResponse::synthetic("fuzz", 400, data).error::<types::ErrorBody>();
});
