//! Accepted implies compiles. `build.rs` generates a batch of random specs (seed and count from
//! `CLIENTGEN_ACCEPTED_SEED` and `CLIENTGEN_ACCEPTED_CASES`), and the output of every spec the
//! loader accepts is included here as a module `case_<n>`, so that the workspace's `cargo
//! test`, `cargo clippy --all-targets -- -D warnings` and `cargo doc -D warnings` check that it
//! compiles, lints clean, documents without a warning and passes its own example tests.

include!(concat!(env!("OUT_DIR"), "/cases.rs"));

#[cfg(test)]
mod tests {
    /// Not vacuous: a generator whose specs the loader mostly refuses would check nothing. (The
    /// default batch, seed 1, has 27 of its 40 specs accepted.)
    #[test]
    fn many_random_specs_are_accepted() {
        assert!(
            super::ACCEPTED.len() as u64 * 3 >= super::CASES,
            "only {} of {} specs of seed {} were accepted:\n{}",
            super::ACCEPTED.len(),
            super::CASES,
            super::SEED,
            super::REFUSED
        );
    }
}
