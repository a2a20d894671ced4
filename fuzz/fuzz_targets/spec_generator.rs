//! Random *valid-looking* specs (`tests/accepted/specgen.rs`, the generator of the
//! "accepted implies compiles" crate) from a fuzzed seed and case: the loader never panics, every
//! refusal is located (file, YAML path, line and column), and an accepted spec emits Rust that
//! parses. Whether that Rust compiles is the batch crate's check (`tests/accepted/`); this
//! target searches many more seeds for the loader's and the emitter's side of the promise.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../tests/accepted/specgen.rs"]
mod specgen;

fuzz_target!(|data: &[u8]| {
    let mut bytes = [0u8; 16];
    for (slot, b) in bytes.iter_mut().zip(data) {
        *slot = *b;
    }
    let seed = u64::from_le_bytes(bytes[..8].try_into().unwrap_or_default());
    let case = u64::from_le_bytes(bytes[8..].try_into().unwrap_or_default()) % 1_000_000;
    let text = specgen::spec(seed, case);
    let file = std::path::Path::new("generated.yaml");
    match clientgen::load_str(file, &text) {
        Ok(api) => {
            clientgen::api_sources(&api, "generated.yaml")
                .expect("an accepted spec emits valid Rust");
        }
        Err(diagnostics) => {
            for d in &diagnostics.0 {
                assert!(
                    d.file == file && !d.path.is_empty() && d.position.is_some(),
                    "a diagnostic without file, path, line and column: {d:?}\n{text}"
                );
            }
        }
    }
});
