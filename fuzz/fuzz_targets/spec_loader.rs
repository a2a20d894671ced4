//! Any text given to the spec loader yields an API or diagnostics, never a panic; and an API it
//! accepts always emits Rust that parses.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(api) = clientgen::load_str(std::path::Path::new("fuzz.yaml"), text) {
        clientgen::api_sources(&api, "fuzz").expect("an accepted spec emits valid Rust");
    }
});
