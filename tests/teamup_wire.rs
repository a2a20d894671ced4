//! Wire tests of the generated Teamup client.
//!
//! Each test points the client at a local HTTP server, makes calls, and checks what crossed the
//! wire byte for byte (method, raw path, raw query, headers, body) and how the server's answer
//! decodes. The server answers with the documented examples, read from `specs/teamup.yaml` at
//! test time; the vendor document is `shared/sources/002_db84e9af49a8955f.txt`.

use std::collections::BTreeSet;

use chrono::{FixedOffset, NaiveDate, TimeZone, Utc};
use clientgen::ir::{EnumLiteral, TypeBody};
use clientgen_runtime::{DateTime, UnixTime, UnknownFields};
use clientgen_tests::{
    Sent, TEAMUP_API_KEY, TEAMUP_CALENDAR_KEY, assert_header, assert_request, error_example,
    load_spec, received, request_example, response_example, serve, serve_with, single_request,
    teamup_builder, teamup_client,
};
use saas_clients::teamup::{self, types};
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// The calls on the calendar start with this path.
const CAL: &str = "/ks73ad7816e7a61b3a";

/// Asserts what every Teamup call sends (API key, no password, `Accept: application/json`) and
/// what this call sent: method, raw path, raw query and, for `Some`, the exact JSON body with
/// `Content-Type: application/json`; for `None`, no body and no `Content-Type`.
#[track_caller]
fn assert_wire(req: &Request, method: &str, path: &str, query: Option<&str>, json: Option<&str>) {
    assert_header(req, "teamup-token", Some(TEAMUP_API_KEY));
    assert_header(req, "teamup-password", None);
    assert_request(
        req,
        method,
        path,
        query,
        json.map_or(Sent::Nothing, Sent::Json),
    );
}

fn body_json(req: &Request) -> Value {
    serde_json::from_slice(&req.body).expect("JSON body")
}

/// The payload of a documented `{"<key>": ...}` example, decoded.
fn payload<T: serde::de::DeserializeOwned>(example: &str, key: &str) -> T {
    let mut envelope: Value = serde_json::from_str(example).expect("example is JSON");
    serde_json::from_value(envelope[key].take()).expect("example payload decodes")
}

/// A date-time at a fixed offset in hours, as a caller would build it with chrono.
fn at(offset_hours: i32, y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime {
    let offset = FixedOffset::east_opt(offset_hours * 3600).unwrap();
    DateTime::from(offset.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap())
}

fn minus_four() -> Option<FixedOffset> {
    FixedOffset::west_opt(4 * 3600)
}

/// The documented example event 123 (the create answer), as decoded by the client's types.
fn documented_event() -> types::Event {
    let api = load_spec("teamup");
    payload(
        response_example(&api, "create_event", 201, "created"),
        "event",
    )
}

/// An error body of the documented shape.
fn error_body(id: &str) -> String {
    json!({"error": {"id": id, "title": "Title", "message": "Message"}}).to_string()
}

/// `check_access` is a bare `GET /check-access` (no calendar key) and decodes `{"access": "ok"}`.
#[tokio::test]
async fn check_access_wire_and_example() {
    let api = load_spec("teamup");
    let server = serve(200, response_example(&api, "check_access", 200, "ok")).await;

    let access = teamup_client(&server).check_access().await.unwrap();

    assert_wire(
        &single_request(&server).await,
        "GET",
        "/check-access",
        None,
        None,
    );
    assert_eq!(access.status().as_u16(), 200);
    assert_eq!(access.access.as_deref(), Some("ok"));
    assert!(access.extra.is_empty());
}

/// `get_configuration` is `GET /{calendarKey}/configuration`, and the documented configuration
/// decodes completely into typed fields.
#[tokio::test]
async fn get_configuration_wire_and_example() {
    let api = load_spec("teamup");
    let server = serve(
        200,
        response_example(&api, "get_configuration", 200, "demo_calendar"),
    )
    .await;

    let config = teamup_client(&server)
        .get_configuration()
        .send()
        .await
        .unwrap();

    let path = format!("{CAL}/configuration");
    assert_wire(&single_request(&server).await, "GET", &path, None, None);
    assert_eq!(config.unknown_fields(), Vec::<String>::new());
    let general = config.general_settings.as_ref().unwrap();
    assert_eq!(general.admin_email.as_deref(), Some("support@teamup.com"));
    assert_eq!(
        general.about.as_deref(),
        Some("<p>This is a demo calendar</p>")
    );
    let views = config.calendar_views.as_ref().unwrap();
    assert_eq!(views.default_view.as_deref(), Some("MW"));
    assert_eq!(views.multiweek_number_of_weeks, Some(4));
    let date_time = config.date_time.as_ref().unwrap();
    assert_eq!(date_time.tz.as_deref(), Some("Europe/London"));
    assert_eq!(date_time.start_date, NaiveDate::from_ymd_opt(2015, 1, 1));
    assert_eq!(date_time.week_start, Some(0));
    let identity = config.identity.as_ref().unwrap();
    assert_eq!(
        identity.title.as_deref(),
        Some("Team Absence & Travel Planner")
    );
    assert_eq!(
        config.link.as_ref().unwrap().key.as_deref(),
        Some(TEAMUP_CALENDAR_KEY)
    );
    let features = config.features.as_ref().unwrap();
    assert_eq!(
        features.import_feed_frequency,
        Some(vec![43200, 10080, 720])
    );
}

/// `list_events` sends the range, both note formats (`format[]=`) and `tz` in the documented
/// query form, and decodes the documented event list with its `-0400` offsets.
#[tokio::test]
#[allow(deprecated)] // `subcalendar_id` is deprecated, and still in the example
async fn list_events_wire_and_example() {
    let api = load_spec("teamup");
    let server = serve(200, response_example(&api, "list_events", 200, "one_event")).await;

    let events = teamup_client(&server)
        .list_events()
        .start_date(NaiveDate::from_ymd_opt(2015, 6, 1).unwrap())
        .end_date(NaiveDate::from_ymd_opt(2015, 6, 5).unwrap())
        .format(vec![types::NoteFormat::Html, types::NoteFormat::Markdown])
        .tz("Europe/Berlin")
        .await
        .unwrap();

    let query = "startDate=2015-06-01&endDate=2015-06-05&format[]=html&format[]=markdown&tz=Europe%2FBerlin";
    let path = format!("{CAL}/events");
    assert_wire(
        &single_request(&server).await,
        "GET",
        &path,
        Some(query),
        None,
    );
    assert_eq!(events.unknown_fields(), Vec::<String>::new());
    assert!(events.rest().is_empty());
    let [event] = events.as_slice() else {
        panic!("one event expected, got {events:?}")
    };
    assert_eq!(event.id, "123");
    assert_eq!(event.subcalendar_ids, Some(vec![730624]));
    assert_eq!(event.subcalendar_id, Some(730624));
    assert_eq!(event.start_dt.offset(), minus_four());
    assert_eq!(event.start_dt.to_string(), "2015-06-17T06:00:00-0400");
    assert_eq!(
        event.start_dt.to_chrono().unwrap().timestamp(),
        1_434_535_200
    );
    assert_eq!(event.end_dt, at(-4, 2015, 6, 17, 7, 0));
    assert!(!event.all_day);
    assert_eq!(event.title.as_deref(), Some("Demo Event"));
    assert_eq!(event.version.as_deref(), Some("556db1f949aa6"));
    assert_eq!(event.readonly, Some(false));
    assert_eq!(
        event.creation_dt.unwrap().to_string(),
        "2015-06-02T13:39:05+0000"
    );
    assert_eq!(
        event.creation_dt.unwrap().offset(),
        FixedOffset::east_opt(0)
    );
    assert_eq!(
        (event.remote_id.as_ref(), event.series_id, event.tz.as_ref()),
        (None, None, None)
    );
    assert_eq!(
        (event.ristart_dt, event.rsstart_dt, event.update_dt),
        (None, None, None)
    );
}

/// `modifiedSince` is sent as Unix seconds, and a `timestamp` the server puts beside `events`
/// (seen only in third-party material) stays reachable through `rest()`.
#[tokio::test]
async fn list_events_modified_since_is_unix_seconds() {
    let api = load_spec("teamup");
    let mut answer: Value =
        serde_json::from_str(response_example(&api, "list_events", 200, "one_event")).unwrap();
    answer["timestamp"] = json!(1434600000);
    let server = serve(200, &answer.to_string()).await;

    let since = Utc.with_ymd_and_hms(2015, 6, 17, 10, 0, 0).unwrap();
    let client = teamup_client(&server);
    let events = client
        .list_events()
        .modified_since(UnixTime::from(since))
        .await
        .unwrap();

    let path = format!("{CAL}/events");
    let query = Some("modifiedSince=1434535200");
    assert_wire(&single_request(&server).await, "GET", &path, query, None);
    assert_eq!(events.len(), 1);
    assert_eq!(
        Value::Object(events.rest().clone()),
        json!({"timestamp": 1434600000})
    );
}

/// `get_event` is `GET /{calendarKey}/events/{eventId}` and decodes the documented all-day event.
#[tokio::test]
#[allow(deprecated)] // `subcalendar_id`
async fn get_event_wire_and_example() {
    let api = load_spec("teamup");
    let server = serve(
        200,
        response_example(&api, "get_event", 200, "all_day_event"),
    )
    .await;

    let client = teamup_client(&server);
    let event = client
        .get_event("11449078")
        .format(vec![types::NoteFormat::Markdown])
        .await
        .unwrap();

    let path = format!("{CAL}/events/11449078");
    let query = Some("format=markdown");
    assert_wire(&single_request(&server).await, "GET", &path, query, None);
    assert_eq!(event.unknown_fields(), Vec::<String>::new());
    assert_eq!(event.id, "11449078");
    assert_eq!(event.subcalendar_id, Some(893615));
    assert!(event.all_day);
    assert_eq!(event.start_dt.to_string(), "2015-06-01T00:00:00+0000");
    assert_eq!(event.end_dt, at(0, 2015, 6, 1, 23, 59));
    assert_eq!(event.version.as_deref(), Some("55817b2954ae4"));
    assert_eq!(event.title.as_deref(), Some("Demo Event 1 - All Day"));
}

/// `create_event` POSTs the NewEvent as JSON (the documented example's fields, date-times as
/// `2015-06-17T06:00:00-0400`) and reads the 201 answer and its `Location` header.
#[tokio::test]
#[allow(deprecated)] // the documented example uses `subcalendar_id`
async fn create_event_wire_and_example() {
    let api = load_spec("teamup");
    let created = response_example(&api, "create_event", 201, "created");
    let template = ResponseTemplate::new(201)
        .insert_header("Location", "/ks73ad7816e7a61b3a/events/123")
        .set_body_raw(created.as_bytes().to_vec(), "application/json");
    let server = serve_with(template).await;

    let mut new = types::NewEvent::new(at(-4, 2015, 6, 17, 6, 0), at(-4, 2015, 6, 17, 7, 0), false);
    new.subcalendar_id = Some(730624);
    new.rrule = Some(String::new());
    new.title = Some("Demo Event".to_owned());
    new.who = Some(String::new());
    new.location = Some(String::new());
    new.notes = Some(String::new());
    let client = teamup_client(&server);
    let event = client
        .create_event(&new)
        .input_format(types::NoteFormat::Markdown)
        .await
        .unwrap();

    let req = single_request(&server).await;
    let body = concat!(
        r#"{"subcalendar_id":730624,"#,
        r#""start_dt":"2015-06-17T06:00:00-0400","end_dt":"2015-06-17T07:00:00-0400","#,
        r#""all_day":false,"title":"Demo Event","who":"","location":"","notes":"","rrule":""}"#,
    );
    let path = format!("{CAL}/events");
    assert_wire(
        &req,
        "POST",
        &path,
        Some("inputFormat=markdown"),
        Some(body),
    );
    // Exactly the documented create body.
    let documented: Value =
        serde_json::from_str(request_example(&api, "create_event", "timed_event")).unwrap();
    assert_eq!(body_json(&req), documented);

    assert_eq!(event.status().as_u16(), 201);
    assert_eq!(
        event.header("location"),
        Some("/ks73ad7816e7a61b3a/events/123")
    );
    assert_eq!(event.id, "123");
    assert_eq!(event.version.as_deref(), Some("556db1f949aa6"));
    assert_eq!(event.start_dt.offset(), minus_four());
}

/// `create_event` sends no read-only (or server-assigned) attribute, even with every field of
/// NewEvent set: the body holds exactly NewEvent's writable fields.
#[tokio::test]
#[allow(deprecated)] // `subcalendar_id`
async fn create_event_sends_no_read_only_fields() {
    let api = load_spec("teamup");
    let server = serve(201, response_example(&api, "create_event", 201, "created")).await;

    let mut new = types::NewEvent::new(at(-4, 2015, 6, 17, 6, 0), at(-4, 2015, 6, 17, 7, 0), false);
    new.remote_id = Some("crm-1".to_owned());
    new.subcalendar_ids = Some(vec![730624, 730625]);
    new.subcalendar_id = Some(730624);
    new.title = Some("T".to_owned());
    new.who = Some("W".to_owned());
    new.location = Some("L".to_owned());
    new.notes = Some("N".to_owned());
    new.rrule = Some("FREQ=DAILY".to_owned());
    new.tz = Some("America/New_York".to_owned());
    teamup_client(&server).create_event(&new).await.unwrap();

    let body = body_json(&single_request(&server).await);
    let keys: BTreeSet<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let expected: BTreeSet<&str> = [
        "remote_id",
        "subcalendar_ids",
        "subcalendar_id",
        "start_dt",
        "end_dt",
        "all_day",
        "title",
        "who",
        "location",
        "notes",
        "rrule",
        "tz",
    ]
    .into();
    assert_eq!(keys, expected);
    assert!(
        EVENT_READ_ONLY.iter().all(|k| !keys.contains(k)),
        "{keys:?}"
    );
}

/// The read-only attributes of an event: returned by the server, never sent.
const EVENT_READ_ONLY: [&str; 5] = [
    "creation_dt",
    "readonly",
    "rsstart_dt",
    "series_id",
    "update_dt",
];

/// [`EVENT_READ_ONLY`] is what the spec marks read-only in Event.
#[test]
fn event_read_only_fields_match_the_spec() {
    let api = load_spec("teamup");
    let event = api.types.iter().find(|t| t.spec_name == "Event").unwrap();
    let TypeBody::Object { fields, .. } = &event.body else {
        panic!("Event is an object")
    };
    let in_spec: BTreeSet<&str> = fields
        .iter()
        .filter(|f| f.read_only)
        .map(|f| f.wire.as_str())
        .collect();
    assert_eq!(in_spec, EVENT_READ_ONLY.into());
}

/// Date-times go out as the document writes them: `-0400`/`+0000` offsets without a colon, and
/// no zone at all for a floating time (the default timezone).
#[tokio::test]
async fn date_times_are_sent_in_the_documented_form() {
    let api = load_spec("teamup");
    let server = serve(201, response_example(&api, "create_event", 201, "created")).await;

    let floating = NaiveDate::from_ymd_opt(2015, 1, 31)
        .unwrap()
        .and_hms_opt(10, 0, 0)
        .unwrap();
    let utc = Utc.with_ymd_and_hms(2015, 1, 31, 11, 0, 0).unwrap();
    let client = teamup_client(&server);
    let new = types::NewEvent {
        subcalendar_ids: Some(vec![730624]),
        ..types::NewEvent::new(DateTime::floating(floating), DateTime::from(utc), false)
    };
    client.create_event(&new).await.unwrap();
    let new = types::NewEvent {
        subcalendar_ids: Some(vec![730624]),
        ..types::NewEvent::new(at(-4, 2015, 6, 17, 6, 0), at(5, 2015, 6, 17, 7, 30), false)
    };
    client.create_event(&new).await.unwrap();

    let requests = received(&server).await;
    let sent: Vec<(Value, Value)> = requests
        .iter()
        .map(|r| {
            let body = body_json(r);
            (body["start_dt"].clone(), body["end_dt"].clone())
        })
        .collect();
    assert_eq!(
        sent,
        [
            (
                json!("2015-01-31T10:00:00"),
                json!("2015-01-31T11:00:00+0000")
            ),
            (
                json!("2015-06-17T06:00:00-0400"),
                json!("2015-06-17T07:30:00+0500")
            ),
        ]
    );
}

/// `update_event` PUTs the documented event with its new title (and the `version` it was read
/// with) and decodes the documented answer with the new `version`.
#[tokio::test]
async fn update_event_wire_and_example() {
    let api = load_spec("teamup");
    let server = serve(200, response_example(&api, "update_event", 200, "updated")).await;

    let mut event = documented_event();
    event.title = Some("New Title".to_owned());
    let client = teamup_client(&server);
    let updated = client
        .update_event(&event.id, &event)
        .format(vec![types::NoteFormat::Html])
        .await
        .unwrap();

    let req = single_request(&server).await;
    let body = concat!(
        r#"{"id":"123","remote_id":null,"subcalendar_id":730624,"#,
        r#""start_dt":"2015-06-17T06:00:00-0400","end_dt":"2015-06-17T07:00:00-0400","#,
        r#""all_day":false,"title":"New Title","who":"","location":"","notes":"","rrule":"","#,
        r#""redit":null,"ristart_dt":null,"tz":null,"version":"556db1f949aa6"}"#,
    );
    let path = format!("{CAL}/events/123");
    assert_wire(&req, "PUT", &path, Some("format=html"), Some(body));
    // The documented update body, plus explicit nulls for the nullable `remote_id` and `tz`.
    let mut documented: Value =
        serde_json::from_str(request_example(&api, "update_event", "new_title")).unwrap();
    documented["remote_id"] = Value::Null;
    documented["tz"] = Value::Null;
    assert_eq!(body_json(&req), documented);

    assert_eq!(updated.status().as_u16(), 200);
    assert_eq!(updated.title.as_deref(), Some("New Title"));
    assert_eq!(updated.version.as_deref(), Some("556dd350bf702"));
}

/// Read, change the title, write back: the PUT carries every field the spec does not know,
/// unchanged, leaves out the read-only ones, and keeps `id` and `version`; the envelope's
/// `undo_id` is reachable through `rest()`.
#[tokio::test]
async fn read_modify_write_loses_no_data() {
    let stored = json!({
        "id": "77",
        "remote_id": "crm-77",
        "series_id": 4242,
        "subcalendar_ids": [730624, 730625],
        "subcalendar_id": 730624,
        "start_dt": "2015-06-17T06:00:00-0400",
        "end_dt": "2015-06-17T07:00:00-0400",
        "all_day": false,
        "title": "Weekly sync",
        "who": "Ann",
        "location": "Room 1",
        "notes": "<p>Agenda</p>",
        "rrule": "FREQ=WEEKLY",
        "ristart_dt": "2015-06-17T06:00:00-0400",
        "rsstart_dt": "2015-06-10T06:00:00-0400",
        "tz": "America/New_York",
        "version": "556db1f949aa6",
        "readonly": false,
        "creation_dt": "2015-06-02T13:39:05+0000",
        "update_dt": "2015-06-03T08:00:00+0000",
        "signup_enabled": true,
        "comments_enabled": false,
        "custom": {"x": ["a"]},
        "attachments": []
    });
    let answer = json!({"event": stored, "undo_id": "u-5f2e"});
    let server = serve(200, &answer.to_string()).await;
    let client = teamup_client(&server);

    let read = client.get_event("77").await.unwrap();
    assert_eq!(
        Value::Object(read.rest().clone()),
        json!({"undo_id": "u-5f2e"})
    );
    let unknown = [
        "attachments",
        "comments_enabled",
        "custom",
        "signup_enabled",
    ];
    assert_eq!(read.unknown_fields(), unknown.map(String::from));
    let mut event = read.into_inner();
    event.title = Some("Weekly sync (moved)".to_owned());
    client.update_event("77", &event).await.unwrap();

    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    let put = &requests[1];
    // Typed fields in declaration order (read-only ones left out, the update-only `redit`
    // unset), then the fields the spec does not know, as received.
    let body = concat!(
        r#"{"id":"77","remote_id":"crm-77","subcalendar_ids":[730624,730625],"subcalendar_id":730624,"#,
        r#""start_dt":"2015-06-17T06:00:00-0400","end_dt":"2015-06-17T07:00:00-0400","all_day":false,"#,
        r#""title":"Weekly sync (moved)","who":"Ann","location":"Room 1","notes":"<p>Agenda</p>","#,
        r#""rrule":"FREQ=WEEKLY","redit":null,"ristart_dt":"2015-06-17T06:00:00-0400","#,
        r#""tz":"America/New_York","version":"556db1f949aa6","#,
        r#""attachments":[],"comments_enabled":false,"custom":{"x":["a"]},"signup_enabled":true}"#,
    );
    assert_wire(put, "PUT", &format!("{CAL}/events/77"), None, Some(body));
    let sent = body_json(put);
    for key in unknown {
        assert_eq!(sent[key], stored[key], "unknown field `{key}`");
    }
    for key in EVENT_READ_ONLY {
        assert!(
            sent.get(key).is_none(),
            "read-only `{key}` was sent: {sent}"
        );
    }
    assert_eq!(
        (&sent["id"], &sent["version"]),
        (&json!("77"), &json!("556db1f949aa6"))
    );
}

/// Unknown values go back byte for byte: a 65-bit integer, a decimal with more digits than an
/// `f64` holds and a nested big number are not turned into floats on the way.
#[tokio::test]
async fn read_modify_write_keeps_unknown_numbers_exactly() {
    let answer = concat!(
        r#"{"event": {"id": "77", "subcalendar_ids": [730624], "#,
        r#""start_dt": "2015-06-17T06:00:00-0400", "#,
        r#""end_dt": "2015-06-17T07:00:00-0400", "all_day": false, "version": "v1", "#,
        r#""big": 18446744073709551617, "precise": 0.1000000000000000055511151231257827, "#,
        r#""nested": {"ids": [18446744073709551616, -1.50]}, "text": "caf\u00e9"}}"#
    );
    let server = serve(200, answer).await;
    let client = teamup_client(&server);

    let read = client.get_event("77").await.unwrap();
    assert_eq!(
        read.extra.get("big").map(|v| v.get()),
        Some("18446744073709551617")
    );
    assert_eq!(
        read.extra.get("precise").map(|v| v.get()),
        Some("0.1000000000000000055511151231257827")
    );
    let mut event = read.into_inner();
    event.title = Some("moved".to_owned());
    client.update_event("77", &event).await.unwrap();

    let requests = received(&server).await;
    let put = String::from_utf8(requests[1].body.clone()).unwrap();
    let tail = concat!(
        r#""big":18446744073709551617,"precise":0.1000000000000000055511151231257827,"#,
        r#""nested":{"ids": [18446744073709551616, -1.50]},"text":"caf\u00e9"}"#
    );
    assert!(put.ends_with(tail), "{put}");
}

/// `delete_event` sends `version` and `redit` in the query and no body, and accepts the
/// documented empty 204.
#[tokio::test]
async fn delete_event_wire() {
    let server = serve(204, "").await;

    let client = teamup_client(&server);
    let deleted = client
        .delete_event("123", "556db1f949aa6")
        .redit(types::RecurrenceEditMode::Single)
        .await
        .unwrap();

    let path = format!("{CAL}/events/123");
    let query = Some("version=556db1f949aa6&redit=single");
    assert_wire(&single_request(&server).await, "DELETE", &path, query, None);
    assert_eq!(deleted.status().as_u16(), 204);
}

/// `list_subcalendars` is `GET /{calendarKey}/subcalendars` and decodes the documented list,
/// including the `+00:00` date-time form.
#[tokio::test]
async fn list_subcalendars_wire_and_example() {
    let api = load_spec("teamup");
    let server = serve(
        200,
        response_example(&api, "list_subcalendars", 200, "two_subcalendars"),
    )
    .await;

    let subcalendars = teamup_client(&server).list_subcalendars().await.unwrap();

    let path = format!("{CAL}/subcalendars");
    assert_wire(&single_request(&server).await, "GET", &path, None, None);
    assert_eq!(subcalendars.unknown_fields(), Vec::<String>::new());
    let [first, second] = subcalendars.as_slice() else {
        panic!("two sub-calendars expected")
    };
    assert_eq!((first.id, first.name.as_str()), (730624, "Calendar 1"));
    assert_eq!((second.id, second.name.as_str()), (730625, "Calendar 2"));
    assert_eq!(first.color, Some(types::SubcalendarColor::Id(19)));
    assert_eq!(second.color, Some(types::SubcalendarColor::Id(3)));
    assert_eq!((first.readonly, second.readonly), (Some(false), Some(true)));
    assert_eq!((first.active, first.overlap), (Some(true), Some(true)));
    assert_eq!(
        first.creation_dt.unwrap().offset(),
        FixedOffset::east_opt(0)
    );
    assert_eq!(
        first.creation_dt.unwrap().to_string(),
        "2015-04-29T09:50:28+0000"
    );
    assert_eq!(
        second.update_dt.unwrap().to_string(),
        "2015-04-29T09:52:02+0000"
    );
}

/// The first documented sub-calendar, in the peer clients' `{"subcalendar": ...}` envelope
/// (the document shows no single sub-calendar answer).
fn documented_subcalendar() -> String {
    let api = load_spec("teamup");
    let list: Value = serde_json::from_str(response_example(
        &api,
        "list_subcalendars",
        200,
        "two_subcalendars",
    ))
    .unwrap();
    json!({"subcalendar": list["subcalendars"][0]}).to_string()
}

/// `get_subcalendar` is `GET /{calendarKey}/subcalendars/{subCalendarId}`.
#[tokio::test]
async fn get_subcalendar_wire() {
    let server = serve(200, &documented_subcalendar()).await;

    let subcalendar = teamup_client(&server)
        .get_subcalendar(730624)
        .await
        .unwrap();

    let path = format!("{CAL}/subcalendars/730624");
    assert_wire(&single_request(&server).await, "GET", &path, None, None);
    assert_eq!(
        (subcalendar.id, subcalendar.name.as_str()),
        (730624, "Calendar 1")
    );
}

/// `create_subcalendar` POSTs only the fields that were set (a custom colour as a string).
#[tokio::test]
async fn create_subcalendar_wire() {
    let server = serve(201, &documented_subcalendar()).await;

    let mut new = types::NewSubcalendar::new("Holidays".to_owned());
    new.color = Some(types::SubcalendarColor::Custom("#ABCD12".to_owned()));
    new.overlap = Some(false);
    let created = teamup_client(&server)
        .create_subcalendar(&new)
        .await
        .unwrap();

    let path = format!("{CAL}/subcalendars");
    let body = r##"{"name":"Holidays","color":"#ABCD12","overlap":false}"##;
    assert_wire(
        &single_request(&server).await,
        "POST",
        &path,
        None,
        Some(body),
    );
    assert_eq!(created.status().as_u16(), 201);
    assert_eq!(created.id, 730624);
}

/// `update_subcalendar` PUTs a sub-calendar as read, renamed, without its read-only `id`,
/// `creation_dt`, `update_dt` and `readonly`.
#[tokio::test]
async fn update_subcalendar_wire() {
    let server = serve(200, &documented_subcalendar()).await;

    let mut subcalendar: types::Subcalendar = payload(&documented_subcalendar(), "subcalendar");
    subcalendar.name = "Renamed".to_owned();
    let client = teamup_client(&server);
    let updated = client
        .update_subcalendar(subcalendar.id, &subcalendar)
        .await
        .unwrap();

    let path = format!("{CAL}/subcalendars/730624");
    let body = r#"{"name":"Renamed","active":true,"color":19,"overlap":true}"#;
    assert_wire(
        &single_request(&server).await,
        "PUT",
        &path,
        None,
        Some(body),
    );
    assert_eq!((updated.status().as_u16(), updated.id), (200, 730624));
}

/// `delete_subcalendar` is a bodiless `DELETE /{calendarKey}/subcalendars/{subCalendarId}`.
#[tokio::test]
async fn delete_subcalendar_wire() {
    let server = serve(204, "").await;

    let deleted = teamup_client(&server)
        .delete_subcalendar(730625)
        .await
        .unwrap();

    let path = format!("{CAL}/subcalendars/730625");
    assert_wire(&single_request(&server).await, "DELETE", &path, None, None);
    assert_eq!(deleted.status().as_u16(), 204);
}

/// The calendar password travels in `Teamup-Password` beside `Teamup-Token` when it is set.
#[tokio::test]
async fn password_is_sent_when_set() {
    let server = serve(204, "").await;
    let client = teamup_builder(&server)
        .password("demopassword")
        .build()
        .unwrap();

    client.delete_subcalendar(1).await.unwrap();

    let req = single_request(&server).await;
    assert_header(&req, "teamup-password", Some("demopassword"));
    assert_header(&req, "teamup-token", Some(TEAMUP_API_KEY));
}

/// A redirect to another origin is not followed, so the API key and password never reach it;
/// the caller gets the 3xx as it is.
#[tokio::test]
async fn a_redirect_to_another_origin_is_not_followed() {
    let elsewhere = serve(200, r#"{"access":"ok"}"#).await;
    let target = format!("{}/check-access", elsewhere.uri());
    let redirect = ResponseTemplate::new(307).insert_header("Location", target.as_str());
    let server = serve_with(redirect).await;
    let client = teamup_builder(&server)
        .password("demopassword")
        .build()
        .unwrap();

    let err = client.check_access().await.unwrap_err();

    assert!(matches!(err, teamup::Error::UnexpectedStatus(_)), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(307));
    assert_eq!(received(&server).await.len(), 1);
    assert_eq!(received(&elsewhere).await.len(), 0);
}

/// The client's `tz` and `lang` go with every call, and a call's own value replaces each one.
#[tokio::test]
async fn client_tz_and_lang_apply_to_every_call_and_calls_override_them() {
    let server = serve(204, "").await;
    let client = teamup_builder(&server)
        .tz("Europe/Berlin")
        .lang("de")
        .build()
        .unwrap();

    // Only the queries matter here; the answers (204 without a body) do not fit every call.
    let _ = client.list_subcalendars().await;
    let _ = client.get_event("1").tz("Etc/GMT+5").await;
    let _ = client.delete_event("1", "v1").lang("fr").await;
    let _ = client.check_access().tz("Asia/Tokyo").lang("hu").await;

    let queries: Vec<Option<String>> = received(&server)
        .await
        .iter()
        .map(|r| r.url.query().map(str::to_owned))
        .collect();
    let expected = [
        "tz=Europe%2FBerlin&lang=de",
        "tz=Etc%2FGMT%2B5&lang=de",
        "version=v1&tz=Europe%2FBerlin&lang=fr",
        "tz=Asia%2FTokyo&lang=hu",
    ];
    assert_eq!(queries, expected.map(|q| Some(q.to_owned())));
}

/// The documented error ids with their documented statuses, and the typed variant each decodes to.
fn documented_errors() -> Vec<(&'static str, u16, types::ErrorId)> {
    use types::ErrorId::*;
    vec![
        ("maintenance_active", 503, MaintenanceActive),
        ("unexpected_error", 500, UnexpectedError),
        ("auth_required", 401, AuthRequired),
        ("no_permission", 403, NoPermission),
        (
            "event_add_only_permission_expired",
            400,
            EventAddOnlyPermissionExpired,
        ),
        ("calendar_not_found", 404, CalendarNotFound),
        ("event_not_found", 404, EventNotFound),
        ("event_overlapping", 400, EventOverlapping),
        ("event_validation", 400, EventValidation),
        ("event_validation_conflict", 400, EventValidationConflict),
        (
            "invalid_timezone_identifier",
            400,
            InvalidTimezoneIdentifier,
        ),
        ("invalid_api_key", 400, InvalidApiKey),
        ("bad_request", 400, BadRequest),
        ("validation_error", 400, ValidationError),
    ]
}

/// Every documented error id, sent with its documented status in the documented error body,
/// decodes to its typed `ErrorId` variant; the table above is every value the spec documents.
#[tokio::test]
async fn every_documented_error_id_decodes_to_its_variant() {
    let api = load_spec("teamup");
    let error_id = api.types.iter().find(|t| t.spec_name == "ErrorId").unwrap();
    let TypeBody::Enum { values, .. } = &error_id.body else {
        panic!("ErrorId is an enum")
    };
    let in_spec: BTreeSet<(String, u16)> = values
        .iter()
        .map(|v| {
            let EnumLiteral::Str(id) = &v.value else {
                panic!("string ids")
            };
            let status = v
                .docs
                .split('.')
                .next()
                .unwrap()
                .parse()
                .expect("docs start with the status");
            (id.clone(), status)
        })
        .collect();
    let tested: BTreeSet<(String, u16)> = documented_errors()
        .into_iter()
        .map(|(id, status, _)| (id.to_owned(), status))
        .collect();
    assert_eq!(tested, in_spec);

    for (id, status, variant) in documented_errors() {
        let body = error_body(id);
        let server = serve(status, &body).await;
        let err = teamup_client(&server).get_event("123").await.unwrap_err();

        assert!(matches!(err, teamup::Error::Api(_)), "{id}: {err:?}");
        assert_eq!(err.code(), Some(&variant), "{id}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status), "{id}");
        let detail = &err.api().unwrap().error;
        assert_eq!(detail.title.as_deref(), Some("Title"), "{id}");
        assert_eq!(
            detail.message,
            Some(types::ErrorMessage::Text("Message".to_owned())),
            "{id}"
        );
        assert_eq!(
            err.response().unwrap().body.as_ref(),
            body.as_bytes(),
            "{id}"
        );
    }
}

/// The documented error examples: a single message decodes as `Text`, a message array as `List`.
#[tokio::test]
async fn documented_error_messages_decode_as_text_and_as_list() {
    let api = load_spec("teamup");
    let server = serve(400, error_example(&api, "generic_bad_request")).await;
    let err = teamup_client(&server)
        .list_subcalendars()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&types::ErrorId::BadRequest));
    let detail = &err.api().unwrap().error;
    assert_eq!(detail.title.as_deref(), Some("Invalid request"));
    let text = "The request parameters were invalid.".to_owned();
    assert_eq!(detail.message, Some(types::ErrorMessage::Text(text)));

    let server = serve(400, error_example(&api, "event_validation_messages")).await;
    let new = types::NewEvent {
        subcalendar_ids: Some(vec![730624]),
        ..types::NewEvent::new(at(0, 2015, 6, 1, 0, 0), at(0, 2015, 6, 1, 1, 0), false)
    };
    let err = teamup_client(&server).create_event(&new).await.unwrap_err();
    assert_eq!(err.code(), Some(&types::ErrorId::ValidationError));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    let messages = vec![
        "The event title is too long. The maximum length is 255 characters.".to_owned(),
        "The value of the <i>Who</i> field is too long. The maximum length is 255 characters."
            .to_owned(),
    ];
    assert_eq!(
        err.api().unwrap().error.message,
        Some(types::ErrorMessage::List(messages))
    );
}

/// An error id the spec does not document still decodes, as `ErrorId::Unknown` with the id.
#[tokio::test]
async fn an_undocumented_error_id_decodes_as_unknown() {
    let server = serve(423, &error_body("calendar_locked")).await;

    let err = teamup_client(&server)
        .get_configuration()
        .await
        .unwrap_err();

    assert!(matches!(err, teamup::Error::Api(_)), "{err:?}");
    assert_eq!(
        err.code(),
        Some(&types::ErrorId::Unknown("calendar_locked".to_owned()))
    );
    assert_eq!(err.status().map(|s| s.as_u16()), Some(423));
}

/// An update with an outdated version is recognisable as `EventValidationConflict`.
#[tokio::test]
async fn a_version_conflict_on_update_is_recognisable() {
    let server = serve(400, &error_body("event_validation_conflict")).await;

    let event = documented_event();
    let err = teamup_client(&server)
        .update_event("123", &event)
        .await
        .unwrap_err();

    assert_eq!(err.code(), Some(&types::ErrorId::EventValidationConflict));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(single_request(&server).await.method.as_str(), "PUT");
}

/// A delete with an outdated version is recognisable as `EventValidationConflict`.
#[tokio::test]
async fn a_version_conflict_on_delete_is_recognisable() {
    let server = serve(400, &error_body("event_validation_conflict")).await;

    let err = teamup_client(&server)
        .delete_event("123", "old")
        .await
        .unwrap_err();

    assert_eq!(err.code(), Some(&types::ErrorId::EventValidationConflict));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(
        single_request(&server).await.url.query(),
        Some("version=old")
    );
}

/// A failure whose body is not the documented error body (a gateway's HTML page) is
/// `UnexpectedStatus`, with the status and the raw body kept.
#[tokio::test]
async fn a_failure_without_the_error_body_is_unexpected_status() {
    let page = "<html><body>502 Bad Gateway</body></html>";
    let server = serve_with(ResponseTemplate::new(502).set_body_raw(page, "text/html")).await;

    let err = teamup_client(&server).get_event("123").await.unwrap_err();

    assert!(matches!(err, teamup::Error::UnexpectedStatus(_)), "{err:?}");
    assert_eq!(err.code(), None);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(err.response().unwrap().body.as_ref(), page.as_bytes());
}

/// A success whose body does not fit the documented type is `Decode`, naming where it failed.
#[tokio::test]
async fn a_success_body_that_does_not_decode_is_a_decode_error() {
    let body = r#"{"event":{"id":"1","start_dt":"tomorrow","end_dt":"2015-06-01T00:00:00Z","all_day":true}}"#;
    let server = serve(200, body).await;

    let err = teamup_client(&server).get_event("1").await.unwrap_err();

    let teamup::Error::Decode(decode) = &err else {
        panic!("a decode error expected: {err:?}")
    };
    assert_eq!(decode.path, "event.start_dt");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(err.response().unwrap().body.as_ref(), body.as_bytes());
}

/// A path parameter holding `/`, `?`, space, `#` or `%` is sent percent-encoded, as one segment,
/// and nothing of it leaks into the query.
#[tokio::test]
async fn path_parameters_are_one_percent_encoded_segment() {
    let server = serve(204, "").await;
    let client = teamup_client(&server);

    let _ = client.get_event("a/b?c d").await; // a 204 answer does not decode; only the path matters
    client.delete_event("x#y%z", "v 1").await.unwrap();

    let requests = received(&server).await;
    let sent: Vec<(&str, Option<&str>)> = requests
        .iter()
        .map(|r| (r.url.path(), r.url.query()))
        .collect();
    assert_eq!(
        sent,
        [
            ("/ks73ad7816e7a61b3a/events/a%2Fb%3Fc%20d", None),
            (
                "/ks73ad7816e7a61b3a/events/x%23y%25z",
                Some("version=v%201")
            ),
        ]
    );
}

/// An empty, `.` or `..` event id would address another resource: the call is refused with
/// `InvalidRequest` and nothing reaches the server.
#[tokio::test]
async fn empty_and_dot_event_ids_are_refused_before_sending() {
    let server = serve(204, "").await;
    let client = teamup_client(&server);
    let event = documented_event();

    for id in ["", ".", ".."] {
        let errors = [
            client.get_event(id).await.unwrap_err(),
            client.update_event(id, &event).await.unwrap_err(),
            client.delete_event(id, "v1").await.unwrap_err(),
        ];
        for (err, operation) in errors
            .iter()
            .zip(["get_event", "update_event", "delete_event"])
        {
            let teamup::Error::InvalidRequest(refused) = err else {
                panic!("{id:?}: {err:?}")
            };
            assert_eq!(refused.operation, operation, "{id:?}");
            assert!(
                refused.reason.contains("`eventId`"),
                "{id:?}: {}",
                refused.reason
            );
            assert_eq!(err.status(), None);
        }
    }
    assert_eq!(received(&server).await.len(), 0);
}

/// `Debug` of the client and of a request builder shows neither the API key nor the password.
#[tokio::test]
async fn debug_output_hides_the_api_key_and_the_password() {
    let server = MockServer::start().await;
    let client = teamup::Client::builder(TEAMUP_CALENDAR_KEY, "tk_live_5f1c9e")
        .password("pw_9a2b7d")
        .transport(|t| t.base_url(server.uri()).allow_http(true))
        .build()
        .unwrap();
    let new = types::NewEvent::new(at(0, 2015, 6, 1, 0, 0), at(0, 2015, 6, 1, 1, 0), false);

    let shown = [
        format!("{client:?}"),
        format!("{client:#?}"),
        format!("{:?}", client.get_event("1")),
        format!("{:?}", client.create_event(&new)),
    ];
    for text in &shown {
        assert!(
            text.contains(&server.uri()),
            "the Debug output shows the client: {text}"
        );
        assert!(!text.contains("tk_live_5f1c9e"), "API key in {text}");
        assert!(!text.contains("pw_9a2b7d"), "password in {text}");
    }
}

/// A transport failure's message and `Debug` name neither the URL's calendar key nor the
/// credentials.
#[tokio::test]
async fn transport_errors_hide_the_calendar_key_and_credentials() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = teamup::Client::builder(TEAMUP_CALENDAR_KEY, "tk_live_5f1c9e")
        .password("pw_9a2b7d")
        .transport(|t| {
            t.base_url(format!("http://127.0.0.1:{port}"))
                .allow_http(true)
        })
        .build()
        .unwrap();

    let err = client.get_configuration().await.unwrap_err();

    let teamup::Error::Transport(transport) = &err else {
        panic!("a transport error expected: {err:?}")
    };
    assert_eq!(
        transport.kind,
        clientgen_runtime::TransportErrorKind::Connect
    );
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(text.contains("get_configuration"), "{text}");
        for secret in [TEAMUP_CALENDAR_KEY, "tk_live_5f1c9e", "pw_9a2b7d"] {
            assert!(!text.contains(secret), "`{secret}` in {text}");
        }
    }
}

/// The spec's `retry` block: a 503 (`maintenance_active`, "not processed") is retried, so a
/// maintenance window shorter than the backoff is invisible to the caller.
#[tokio::test]
async fn a_maintenance_503_is_retried_as_the_spec_says() {
    let api = load_spec("teamup");
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(503)
                .set_body_raw(error_body("maintenance_active"), "application/json"),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let ok = response_example(&api, "check_access", 200, "ok");
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(ok, "application/json"))
        .mount(&server)
        .await;

    let access = teamup_client(&server).check_access().await;

    assert_eq!(received(&server).await.len(), 2);
    assert_eq!(access.unwrap().access.as_deref(), Some("ok"));
}

/// "Events are always associated with at least one sub-calendar" (note `event-subcalendars`):
/// a create or an update naming none, or only an empty `subcalendar_ids`, is refused before
/// anything is sent. `subcalendar_ids` alone or the deprecated `subcalendar_id` alone (as the
/// document's examples send it) goes out; an event read with both sends both back unchanged.
#[tokio::test]
#[allow(deprecated)]
async fn an_event_without_a_sub_calendar_is_refused_before_sending() {
    let api = load_spec("teamup");
    let server = serve(201, response_example(&api, "create_event", 201, "created")).await;
    let client = teamup_client(&server);
    let reason = "the body must set `subcalendar_ids`, or `subcalendar_id` (an empty list counts \
                  as unset)";

    let bare = types::NewEvent::new(at(0, 2015, 6, 1, 0, 0), at(0, 2015, 6, 1, 1, 0), false);
    let empty = types::NewEvent {
        subcalendar_ids: Some(Vec::new()),
        ..bare.clone()
    };
    for new in [&bare, &empty] {
        let err = client.create_event(new).await.unwrap_err();
        let teamup::Error::InvalidRequest(invalid) = &err else {
            panic!("InvalidRequest expected, got {err:?}")
        };
        assert_eq!(invalid.reason, reason);
    }
    let mut event: types::Event = payload(
        response_example(&api, "get_event", 200, "all_day_event"),
        "event",
    );
    event.subcalendar_ids = None;
    event.subcalendar_id = None;
    let err = client.update_event(&event.id, &event).await.unwrap_err();
    assert!(matches!(err, teamup::Error::InvalidRequest(_)), "{err:?}");
    assert!(received(&server).await.is_empty(), "nothing is sent");

    let by_ids = types::NewEvent {
        subcalendar_ids: Some(vec![730624]),
        ..bare.clone()
    };
    client.create_event(&by_ids).await.unwrap();
    let by_id = types::NewEvent {
        subcalendar_id: Some(730624),
        ..bare.clone()
    };
    client.create_event(&by_id).await.unwrap();
    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    assert_eq!(body_json(&requests[0])["subcalendar_ids"], json!([730624]));
    assert!(body_json(&requests[0]).get("subcalendar_id").is_none());
    assert_eq!(body_json(&requests[1])["subcalendar_id"], json!(730624));
    assert!(body_json(&requests[1]).get("subcalendar_ids").is_none());

    // Both, as read: both go back.
    let server = serve(200, response_example(&api, "update_event", 200, "updated")).await;
    let mut event: types::Event = payload(
        response_example(&api, "get_event", 200, "all_day_event"),
        "event",
    );
    event.subcalendar_ids = Some(vec![730624]);
    event.subcalendar_id = Some(730624);
    teamup_client(&server)
        .update_event(&event.id, &event)
        .await
        .unwrap();
    let sent = body_json(&single_request(&server).await);
    assert_eq!(sent["subcalendar_ids"], json!([730624]));
    assert_eq!(sent["subcalendar_id"], json!(730624));
}

/// The document types `format` as a string and keeps `?format[]=html&format[]=markdown` for
/// asking for both (note `notes-format`): one format goes out as `format=html`, both with the
/// brackets, no format not at all; the same on every operation that takes it.
#[tokio::test]
async fn one_note_format_is_a_plain_string_and_two_use_brackets() {
    let api = load_spec("teamup");
    let server = serve(200, response_example(&api, "list_events", 200, "one_event")).await;
    let client = teamup_client(&server);
    let cases: [(&[types::NoteFormat], Option<&str>); 4] = [
        (&[types::NoteFormat::Html], Some("format=html")),
        (&[types::NoteFormat::Markdown], Some("format=markdown")),
        (
            &[types::NoteFormat::Html, types::NoteFormat::Markdown],
            Some("format[]=html&format[]=markdown"),
        ),
        (&[], None),
    ];
    for (formats, _) in &cases {
        client.list_events().format(formats.to_vec()).await.unwrap();
    }
    let requests = received(&server).await;
    assert_eq!(requests.len(), cases.len());
    for (req, (_, query)) in requests.iter().zip(&cases) {
        assert_wire(req, "GET", &format!("{CAL}/events"), *query, None);
    }

    let server = serve(
        200,
        response_example(&api, "get_event", 200, "all_day_event"),
    )
    .await;
    teamup_client(&server)
        .get_event("1")
        .format(vec![types::NoteFormat::Html, types::NoteFormat::Markdown])
        .await
        .unwrap();
    let query = Some("format[]=html&format[]=markdown");
    assert_wire(
        &single_request(&server).await,
        "GET",
        &format!("{CAL}/events/1"),
        query,
        None,
    );
}
