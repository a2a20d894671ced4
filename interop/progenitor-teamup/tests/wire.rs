//! The progenitor client talks to a local server: the request it sends follows the exported
//! document (path with the calendar key, PHP-style array query, the API key header given by the
//! caller), and it decodes a documented response envelope into its own types.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const BODY: &str = r#"{"events":[{"id":"123","series_id":null,"remote_id":null,
"subcalendar_ids":[730624],"start_dt":"2015-06-17T06:00:00-0400",
"end_dt":"2015-06-17T07:00:00-0400","all_day":false,"title":"Demo Event","who":"",
"location":"","notes":"","rrule":"","ristart_dt":null,"rsstart_dt":null,"tz":null,
"version":"556db1f949aa6","readonly":false,"creation_dt":"2015-06-02T13:39:05+0000",
"update_dt":null}]}"#;

#[tokio::test]
async fn list_events_round_trip() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = Vec::new();
        let mut buf = [0u8; 4096];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = socket.read(&mut buf).await.unwrap();
            assert!(n > 0, "connection closed before the request ended");
            request.extend_from_slice(&buf[..n]);
        }
        let response = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
             connection: close\r\n\r\n{BODY}",
            BODY.len()
        );
        socket.write_all(response.as_bytes()).await.unwrap();
        String::from_utf8(request).unwrap()
    });

    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("Teamup-Token", "secret-key".parse().unwrap());
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap();
    let client = progenitor_teamup::Client::new_with_client(&format!("http://{addr}"), http);
    let formats = vec![progenitor_teamup::types::NoteFormat("markdown".to_owned())];
    let call = client.list_events(
        "ks73ad7816e7a61b3a",
        None,
        Some(&formats),
        None,
        None,
        None,
        None,
    );
    let events = tokio::time::timeout(Duration::from_secs(10), call)
        .await
        .expect("the call finishes")
        .expect("the response decodes")
        .into_inner();
    assert_eq!(events.events.len(), 1);
    assert_eq!(events.events[0].id, "123");
    assert_eq!(events.events[0].title.as_deref(), Some("Demo Event"));

    let request = tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .unwrap()
        .unwrap();
    let line = request.lines().next().unwrap();
    assert_eq!(
        line, "GET /ks73ad7816e7a61b3a/events?format%5B%5D=markdown HTTP/1.1",
        "{request}"
    );
    assert!(
        request.to_lowercase().contains("teamup-token: secret-key"),
        "{request}"
    );
}
