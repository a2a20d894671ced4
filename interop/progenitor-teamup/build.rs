//! Generates a Teamup client with progenitor from the document `cargo xtask openapi` exports,
//! so that a build of this crate shows an independent generator reads that document.
//!
//! progenitor's parser (`openapiv3`) reads OpenAPI 3.0 only, so the 3.0.3 variant is the input.

use std::path::Path;

const SPEC: &str = "../../openapi/3.0/teamup.json";

fn main() {
    println!("cargo::rerun-if-changed={SPEC}");
    let text = std::fs::read_to_string(SPEC)
        .unwrap_or_else(|e| panic!("{SPEC}: {e} (run `cargo xtask openapi` in the checkout)"));
    let spec: openapiv3::OpenAPI = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{SPEC}: not an OpenAPI 3.0 document: {e}"));
    let mut generator = progenitor::Generator::default();
    let tokens = generator
        .generate_tokens(&spec)
        .unwrap_or_else(|e| panic!("{SPEC}: progenitor rejects the document: {e}"));
    let file = syn::parse2(tokens).expect("progenitor produces a Rust file");
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("teamup.rs");
    std::fs::write(&out, prettyplease::unparse(&file))
        .unwrap_or_else(|e| panic!("{}: {e}", out.display()));
}
