//! Teamleader Focus (API v2): the first contacts of an account, through an OAuth2 session that
//! starts from a stored refresh token and writes every new one back.
//!
//! Refresh tokens work once, so the file named by `TEAMLEADER_TOKEN_FILE` holds the current
//! refresh token (put the one from your first authorization there) and is rewritten after each
//! refresh: `TEAMLEADER_CLIENT_ID=… TEAMLEADER_CLIENT_SECRET=… TEAMLEADER_REDIRECT_URI=…
//! TEAMLEADER_TOKEN_FILE=… cargo run -p clientgen-examples --example teamleader_v2`

use std::sync::Arc;

use clientgen_examples::env;
use saas_clients::runtime::oauth::{OAuthSession, StoreFuture, TokenPair, TokenStore};
use saas_clients::teamleader_v2::{self, types::ListContactsRequest};

/// Keeps the refresh token in one file, replaced whole on every save.
struct FileStore(String);

impl TokenStore for FileStore {
    fn save<'a>(&'a self, pair: &'a TokenPair) -> StoreFuture<'a> {
        Box::pin(async move {
            // Write beside the file, then rename: a crash leaves the old token or the new one.
            let temporary = format!("{}.new", self.0);
            std::fs::write(&temporary, pair.refresh_token_str())
                .and_then(|()| std::fs::rename(&temporary, &self.0))
                .map_err(|e| format!("{}: {e}", self.0))
        })
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client_id = env("TEAMLEADER_CLIENT_ID", "the integration's client id")?;
    let secret = env(
        "TEAMLEADER_CLIENT_SECRET",
        "the integration's client secret",
    )?;
    let redirect = env("TEAMLEADER_REDIRECT_URI", "the integration's redirect URI")?;
    let token_file = env("TEAMLEADER_TOKEN_FILE", "a file holding the refresh token")?;
    let refresh_token = std::fs::read_to_string(&token_file)
        .map_err(|e| format!("{token_file}: {e}"))?
        .trim()
        .to_owned();

    let config = teamleader_v2::oauth_config(client_id, secret, redirect);
    // No access token yet: the first call refreshes, and the store saves the new pair.
    let session =
        OAuthSession::from_refresh_token(config, refresh_token, Arc::new(FileStore(token_file)));
    let client = teamleader_v2::Client::builder(session).build()?;

    let contacts = client
        .contacts_list(&ListContactsRequest::default())
        .await?;
    for contact in contacts.data.iter().take(10) {
        println!(
            "{}  {} {}",
            contact.id,
            contact.first_name.as_deref().unwrap_or(""),
            contact.last_name.as_deref().unwrap_or("")
        );
    }
    Ok(())
}
