//! The fuzz targets cover the decoders of every API: each response type an operation of the
//! generated client decodes as JSON, and each API's error body, is fed by
//! `fuzz/fuzz_targets/<api>_decoders.rs` through the client's own decoding. A new operation
//! whose type is not there fails this test, naming it.

use std::path::Path;

const APIS: [&str; 5] = [
    "teamup",
    "grow_crm",
    "teamfluence",
    "teamleader_v1",
    "teamleader_v2",
];

/// `(type, envelope)` of every JSON decode in the generated operations of `api`.
fn json_outputs(api: &str) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let code = std::fs::read_to_string(root.join(format!("generated/src/{api}/operations.rs")))
        .expect("generated operations");
    let mut found = Vec::new();
    // Each builder's `send()`, up to its `request_builder!(Name => Answer<Type>);` line, which
    // names the output type on one line.
    for send in code.split("pub fn send(self) -> ").skip(1) {
        let Some(at) = send.find(" => Answer<") else {
            continue;
        };
        let after = &send[at + " => Answer<".len()..];
        let Some(end) = after.find(">);\n") else {
            continue;
        };
        let ty = &after[..end];
        let body = &send[..at];
        if let Some(at) = body.find("resp.json(") {
            let args = &body[at + "resp.json(".len()..];
            // `None)` or `Some("key"))`: up to the first `)`, plus the one closing `Some(`.
            let inner = &args[..args.find(')').unwrap_or(args.len())];
            let envelope = if inner.starts_with("Some(") {
                format!("{inner})")
            } else {
                inner.to_owned()
            };
            let entry = (ty.trim().to_owned(), envelope);
            if !found.contains(&entry) {
                found.push(entry);
            }
        }
    }
    found
}

#[test]
fn every_response_type_of_every_api_is_fuzzed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut missing = Vec::new();
    for api in APIS {
        let target =
            std::fs::read_to_string(root.join(format!("fuzz/fuzz_targets/{api}_decoders.rs")))
                .unwrap_or_else(|_| panic!("no fuzz target for {api}"));
        let target = target.replace("clientgen_runtime::serde_json::", "serde_json::");
        let outputs = json_outputs(api);
        assert!(!outputs.is_empty(), "{api}: no JSON decodes found");
        for (ty, envelope) in outputs {
            let call = format!("ok(data).json::<{ty}, ");
            let with_envelope = target
                .lines()
                .any(|l| l.contains(&call) && l.contains(&format!("({envelope});")));
            if !with_envelope {
                missing.push(format!("{api}: {ty} with envelope {envelope}"));
            }
        }
        if !target.contains(".error::<") {
            missing.push(format!("{api}: the error body"));
        }
    }
    assert!(missing.is_empty(), "not fuzzed:\n{}", missing.join("\n"));
}
