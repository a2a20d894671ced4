//! Grow CRM: the first leads of an installation, read one page at a time by the lazy stream.
//!
//! `GROW_CRM_DOMAIN=crm.example.com GROW_CRM_API_KEY=… cargo run -p clientgen-examples --example grow_crm`

use clientgen_examples::env;
use futures::StreamExt;
use saas_clients::grow_crm;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let domain = env(
        "GROW_CRM_DOMAIN",
        "the installation's host name, e.g. crm.example.com",
    )?;
    let api_key = env("GROW_CRM_API_KEY", "an API token of the installation")?;
    let client = grow_crm::Client::builder(api_key).domain(domain).build()?;

    // Only the pages needed for ten leads are fetched.
    let mut leads = client.list_leads().limit(5).stream().take(10);
    while let Some(lead) = leads.next().await {
        let lead = lead?;
        println!("lead {}: {}", lead.id, lead.title.as_deref().unwrap_or(""));
    }
    Ok(())
}
