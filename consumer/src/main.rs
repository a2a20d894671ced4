//! The README's first program, in a crate outside the workspace that depends on saas-clients by
//! path only, as a user's crate does: `.ci/run` builds it with its own `Cargo.lock`, and
//! `tests/readme` checks that the rest of this file is the README's first Rust block.

use saas_clients::chrono::{Days, Local};
use saas_clients::teamup::{self, types::ErrorId};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let calendar_key = std::env::var("TEAMUP_CALENDAR_KEY")?;
    let api_key = std::env::var("TEAMUP_API_KEY")?; // &str or String; held as a secret
    let client = teamup::Client::builder(calendar_key, api_key)
        .tz("Europe/Brussels") // global parameter: per client, overridable per call
        .build()?;
    let today = Local::now().date_naive();
    let week = client
        .list_events()
        .start_date(today)
        .end_date(today + Days::new(6))
        .await; // or `.send().await`
    let events = match week {
        Ok(events) => events,
        Err(e) if e.code() == Some(&ErrorId::CalendarNotFound) => {
            eprintln!("no calendar has that key");
            return Ok(());
        }
        Err(e) => return Err(e.into()),
    };
    for event in events.iter() {
        println!("{}  {}", event.start_dt, event.title.as_deref().unwrap_or("(untitled)"));
    }
    Ok(())
}
