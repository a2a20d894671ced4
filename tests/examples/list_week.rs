//! Lists the coming week of events of a Teamup calendar: the program the README shows.
//!
//! `TEAMUP_API_KEY=... TEAMUP_CALENDAR_KEY=... cargo run -p clientgen-tests --example list_week`

use chrono::{Days, Local};
use saas_clients::teamup::{self, types::ErrorId};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let api_key = std::env::var("TEAMUP_API_KEY")?;
    let calendar_key = std::env::var("TEAMUP_CALENDAR_KEY")?;
    let client = teamup::Client::builder(calendar_key, api_key)
        .tz("Europe/Brussels")
        .build()?;

    let today = Local::now().date_naive();
    let week = client
        .list_events()
        .start_date(today)
        .end_date(today + Days::new(6))
        .await;
    let events = match week {
        Ok(events) => events,
        Err(e) if e.code() == Some(&ErrorId::CalendarNotFound) => {
            eprintln!("no calendar has that key");
            return Ok(());
        }
        Err(e) => return Err(e.into()),
    };
    for event in events.iter() {
        let title = event.title.as_deref().unwrap_or("(untitled)");
        println!("{}  {title}", event.start_dt);
    }
    Ok(())
}
