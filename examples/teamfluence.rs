//! Teamfluence: the tracked LinkedIn posts of a profile.
//!
//! `TEAMFLUENCE_PROFILE_ID=… TEAMFLUENCE_API_KEY=… cargo run -p clientgen-examples --example teamfluence`

use clientgen_examples::env;
use saas_clients::teamfluence::{self, types::PostList};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let profile_id = env("TEAMFLUENCE_PROFILE_ID", "the id of the tracked profile")?;
    let api_key = env("TEAMFLUENCE_API_KEY", "the account's API key")?;
    let client = teamfluence::Client::builder(profile_id, api_key).build()?;

    let posts = match client.list_posts().await?.into_inner() {
        PostList::Array(posts) => posts,
        PostList::Posts(envelope) => envelope.posts,
        PostList::Data(envelope) => envelope.data,
    };
    for post in posts.iter().take(10) {
        println!(
            "{}  likes: {}",
            post.post_url.as_deref().unwrap_or("(no url)"),
            post.likes_num.unwrap_or(0)
        );
    }
    Ok(())
}
