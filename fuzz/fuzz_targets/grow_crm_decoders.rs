//! Any response body, decoded as each Grow CRM response type (with its envelope) and as the
//! error body, through the client's own decoding and the example checker, gives a value or an
//! error, never a panic. `tests/fuzz_coverage.rs` fails when an operation's response type is
//! missing here.
#![no_main]

use clientgen_runtime::RawResponse;
use clientgen_runtime::unknown::check_example;
use libfuzzer_sys::fuzz_target;
use saas_clients::grow_crm::types;

/// The body as a 200 reply, decoded through the client's own path.
fn ok(data: &[u8]) -> RawResponse {
    RawResponse::synthetic("fuzz", 200, data)
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = check_example::<Vec<types::LeadComment>>(&text, Some("data"));
    let _ = check_example::<types::ConvertedClient>(&text, Some("data"));
    let _ = check_example::<types::DeletedComment>(&text, Some("data"));
    let _ = check_example::<types::DeletedLead>(&text, Some("data"));
    let _ = check_example::<types::Lead>(&text, Some("data"));
    let _ = check_example::<types::LeadComment>(&text, Some("data"));
    let _ = check_example::<types::LeadPage>(&text, None);
    let _ = check_example::<types::LeadSummary>(&text, Some("data"));
    let _ = check_example::<types::ErrorBody>(&text, None);
    // The same bodies through the decoding the client itself uses.
    let _ = ok(data).json::<Vec<types::LeadComment>, types::ErrorBody>(Some("data"));
    let _ = ok(data).json::<types::ConvertedClient, types::ErrorBody>(Some("data"));
    let _ = ok(data).json::<types::DeletedComment, types::ErrorBody>(Some("data"));
    let _ = ok(data).json::<types::DeletedLead, types::ErrorBody>(Some("data"));
    let _ = ok(data).json::<types::Lead, types::ErrorBody>(Some("data"));
    let _ = ok(data).json::<types::LeadComment, types::ErrorBody>(Some("data"));
    let _ = ok(data).json::<types::LeadPage, types::ErrorBody>(None);
    let _ = ok(data).json::<types::LeadSummary, types::ErrorBody>(Some("data"));
    let _ = RawResponse::synthetic("fuzz", 400, data).error::<types::ErrorBody>();
});
