//! Every Teamup operation, each called once and awaited: the caller that
//! `scripts/build-times.sh` builds beside the same caller of progenitor's Teamup client
//! (`interop/progenitor-teamup/examples/every_call.rs`). A generated crate's build time says
//! little alone: code whose instantiation waits for a caller (an operation's future, serde
//! impls generic over the deserializer) is compiled in the caller's build, so the two builds
//! are counted together.
//!
//! The program only compiles the calls: run, it stops before making any.

use saas_clients::teamup::Client;

/// A value of any type, for arguments: the calls are compiled, never made.
fn any<T>() -> T {
    unreachable!("every_teamup_call is built to be compiled, not run")
}

async fn every_call(c: &Client) {
    let _ = c.check_access().await;
    let _ = c.get_configuration().await;
    let _ = c.list_events().await;
    let _ = c.create_event(any()).await;
    let _ = c.get_event(any::<String>()).await;
    let _ = c.update_event(any::<String>(), any()).await;
    let _ = c.delete_event(any::<String>(), any::<String>()).await;
    let _ = c.list_subcalendars().await;
    let _ = c.create_subcalendar(any()).await;
    let _ = c.get_subcalendar(any()).await;
    let _ = c.update_subcalendar(any(), any()).await;
    let _ = c.delete_subcalendar(any()).await;
}

fn main() {
    // A condition the compiler cannot decide, so that the calls are compiled in full.
    if std::env::args().len() > 1_000 {
        let client = Client::builder("calendar key", "api key").build();
        futures::executor::block_on(every_call(&client.expect("a client")));
    }
}
