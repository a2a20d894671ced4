//! The README, compiled: rustdoc turns every ```` ```rust ```` block below into a doc test of
//! this crate, which depends on `saas-clients` the way a user's crate does (and on tokio for
//! `#[tokio::main]`, nothing else), so a README example that stops compiling fails
//! `cargo test --workspace`. Blocks that need a live service are `no_run`: compiled, not run.
//! The crate has no code of its own beyond the check that `consumer/src/main.rs`, the
//! out-of-workspace crate CI builds, is the README's first program.
#![doc = include_str!("../../../README.md")]

#[cfg(test)]
mod tests {
    /// The first ```` ```rust ```` block of the README, without its fence.
    fn first_rust_block(readme: &str) -> &str {
        let start = readme.find("```rust").expect("the README has a Rust block");
        let body = &readme[start..];
        let body = &body[body.find('\n').expect("a fence line") + 1..];
        &body[..body.find("```").expect("a closing fence")]
    }

    #[test]
    fn the_consumer_crate_builds_the_readmes_first_program() {
        let readme = include_str!("../../../README.md");
        let consumer = include_str!("../../../consumer/src/main.rs");
        let program = consumer
            .split_once("\n\n")
            .map(|(_doc, rest)| rest)
            .expect("consumer/src/main.rs starts with its `//!` comment");
        assert_eq!(
            program,
            first_rust_block(readme),
            "consumer/src/main.rs (after its module comment) must be the README's first Rust block"
        );
        assert!(program.contains("fn main()"));
    }
}
