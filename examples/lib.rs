//! Shared helper of the example programs (`examples/*.rs`): each reads its credentials from
//! environment variables, so that no secret is written in a file or on a command line that
//! lands in shell history.

/// The value of the environment variable `name`, or an error that names it and says what it
/// holds, so that a program run without its credentials says which one is missing.
pub fn env(name: &str, what: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("set {name} to {what}"))
}
