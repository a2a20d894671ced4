//! Teamup Calendar: the sub-calendars of a calendar and its events of the coming week.
//!
//! `TEAMUP_API_KEY=… TEAMUP_CALENDAR_KEY=… cargo run -p clientgen-examples --example teamup`

use clientgen_examples::env;
use saas_clients::runtime::chrono::{Days, Local};
use saas_clients::teamup;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let api_key = env("TEAMUP_API_KEY", "the application's API key")?;
    let calendar_key = env("TEAMUP_CALENDAR_KEY", "a key of the calendar to read")?;
    let client = teamup::Client::builder(calendar_key, api_key).build()?;

    for sub in client.list_subcalendars().await?.iter() {
        println!("sub-calendar {}: {}", sub.id, sub.name);
    }
    let today = Local::now().date_naive();
    let events = client
        .list_events()
        .start_date(today)
        .end_date(today + Days::new(6))
        .await?;
    for event in events.iter().take(10) {
        println!(
            "{}  {}",
            event.start_dt,
            event.title.as_deref().unwrap_or("(untitled)")
        );
    }
    Ok(())
}
