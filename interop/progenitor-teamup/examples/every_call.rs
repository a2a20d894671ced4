//! Every operation of progenitor's Teamup client, each called once and awaited: the caller
//! that `scripts/build-times.sh` builds beside the same caller of our client
//! (`examples/every_teamup_call.rs`). A generated crate's build time says little alone: code
//! whose instantiation waits for a caller (an `async fn` never polled, serde impls generic over
//! the deserializer) is compiled in the caller's build, so the two builds are counted together.
//!
//! The program only compiles the calls: run, it stops before making any.

use progenitor_teamup::Client;

/// A value of any type, for arguments: the calls are compiled, never made.
fn any<T>() -> T {
    unreachable!("every_call is built to be compiled, not run")
}

async fn every_call(c: &Client) {
    let _ = c.check_access(any(), any()).await;
    let _ = c.get_configuration(any(), any(), any()).await;
    let _ = c
        .list_events(any(), any(), any(), any(), any(), any(), any())
        .await;
    let _ = c
        .create_event(any(), any(), any(), any(), any(), any())
        .await;
    let _ = c.get_event(any(), any(), any(), any(), any()).await;
    let _ = c
        .update_event(any(), any(), any(), any(), any(), any(), any())
        .await;
    let _ = c
        .delete_event(any(), any(), any(), any(), any(), any())
        .await;
    let _ = c.list_subcalendars(any(), any(), any()).await;
    let _ = c.create_subcalendar(any(), any(), any(), any()).await;
    let _ = c.get_subcalendar(any(), any(), any(), any()).await;
    let _ = c
        .update_subcalendar(any(), any(), any(), any(), any())
        .await;
    let _ = c.delete_subcalendar(any(), any(), any(), any()).await;
}

fn main() {
    // A condition the compiler cannot decide, so that the calls are compiled in full.
    if std::env::args().len() > 1_000 {
        futures::executor::block_on(every_call(&Client::new("http://127.0.0.1:9")));
    }
}
