//! Teamleader API v1 (deprecated): the users of an account, with the group and secret of the
//! account's API settings.
//!
//! `TEAMLEADER_API_GROUP=… TEAMLEADER_API_SECRET=… cargo run -p clientgen-examples --example teamleader_v1`

use clientgen_examples::env;
use saas_clients::teamleader_v1::{self, types::GetUsers};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let group = env("TEAMLEADER_API_GROUP", "the account's API group")?;
    let secret = env("TEAMLEADER_API_SECRET", "the account's API secret")?;
    let client = teamleader_v1::Client::builder()
        .credentials([group, secret])
        .build()?;

    // The v1 answer is untyped JSON (the vendor documents no shape for it).
    let users = client.get_users(&GetUsers::default()).await?;
    match users.as_array() {
        Some(users) => {
            for user in users.iter().take(10) {
                println!("user {}: {}", user["id"], user["name"]);
            }
        }
        None => println!("{}", *users),
    }
    Ok(())
}
