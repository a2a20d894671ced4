//! Any response body, decoded as each Teamleader v2 response type (with its envelope) and as the
//! error body, through the client's own decoding and the example checker, gives a value or an
//! error, never a panic. `tests/fuzz_coverage.rs` fails when an operation's response type is
//! missing here.
#![no_main]

use clientgen_runtime::RawResponse;
use clientgen_runtime::unknown::check_example;
use libfuzzer_sys::fuzz_target;
use saas_clients::teamleader_v2::types;

/// The body as a 200 reply, decoded through the client's own path.
fn ok(data: &[u8]) -> RawResponse {
    RawResponse::synthetic("fuzz", 200, data)
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = check_example::<Vec<types::Webhook>>(&text, Some("data"));
    let _ = check_example::<types::Company>(&text, Some("data"));
    let _ = check_example::<types::CompanyList>(&text, None);
    let _ = check_example::<types::Contact>(&text, Some("data"));
    let _ = check_example::<types::ContactList>(&text, None);
    let _ = check_example::<types::CreatedReference>(&text, Some("data"));
    let _ = check_example::<types::CurrentUser>(&text, Some("data"));
    let _ = check_example::<types::Deal>(&text, Some("data"));
    let _ = check_example::<types::DealList>(&text, None);
    let _ = check_example::<types::MigratedId>(&text, Some("data"));
    let _ = check_example::<types::Reference>(&text, Some("data"));
    let _ = check_example::<types::ErrorBody>(&text, None);
    // The same bodies through the decoding the client itself uses.
    let _ = ok(data).json::<Vec<types::Webhook>, types::ErrorBody>(Some("data"));
    let _ = ok(data).json::<types::Company, types::ErrorBody>(Some("data"));
    let _ = ok(data).json::<types::CompanyList, types::ErrorBody>(None);
    let _ = ok(data).json::<types::Contact, types::ErrorBody>(Some("data"));
    let _ = ok(data).json::<types::ContactList, types::ErrorBody>(None);
    let _ = ok(data).json::<types::CreatedReference, types::ErrorBody>(Some("data"));
    let _ = ok(data).json::<types::CurrentUser, types::ErrorBody>(Some("data"));
    let _ = ok(data).json::<types::Deal, types::ErrorBody>(Some("data"));
    let _ = ok(data).json::<types::DealList, types::ErrorBody>(None);
    let _ = ok(data).json::<types::MigratedId, types::ErrorBody>(Some("data"));
    let _ = ok(data).json::<types::Reference, types::ErrorBody>(Some("data"));
    let _ = RawResponse::synthetic("fuzz", 400, data).error::<types::ErrorBody>();
});
