//! Compiles the module of every fixture spec (written by `cargo xtask gen` to
//! `tests/fixtures/generated/`) and checks that each construct behaves: keyword and colliding
//! names keep their wire names, open enums keep unknown values, unions decode either shape,
//! read-only fields are never sent, and arrays, forms and envelopes cross the wire as declared.

// A fixture exists to exercise the generator, so not every generated item is used here.
#![allow(dead_code)]

#[path = "fixtures/generated/fx_envelopes/mod.rs"]
#[rustfmt::skip]
pub mod fx_envelopes;
#[path = "fixtures/generated/fx_enums/mod.rs"]
#[rustfmt::skip]
pub mod fx_enums;
#[path = "fixtures/generated/fx_forms/mod.rs"]
#[rustfmt::skip]
pub mod fx_forms;
#[path = "fixtures/generated/fx_hostile/mod.rs"]
#[rustfmt::skip]
pub mod fx_hostile;
#[path = "fixtures/generated/fx_keywords/mod.rs"]
#[rustfmt::skip]
pub mod fx_keywords;
#[path = "fixtures/generated/fx_pages/mod.rs"]
#[rustfmt::skip]
pub mod fx_pages;
#[path = "fixtures/generated/fx_regress/mod.rs"]
#[rustfmt::skip]
pub mod fx_regress;
#[path = "fixtures/generated/fx_query/mod.rs"]
#[rustfmt::skip]
pub mod fx_query;
#[path = "fixtures/generated/fx_read_only/mod.rs"]
#[rustfmt::skip]
pub mod fx_read_only;
#[path = "fixtures/generated/fx_scalar_examples/mod.rs"]
#[rustfmt::skip]
pub mod fx_scalar_examples;
#[path = "fixtures/generated/fx_unions/mod.rs"]
#[rustfmt::skip]
pub mod fx_unions;

use clientgen_tests::{serve_with, single_request};
use futures::StreamExt;
use serde_json::json;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Keyword and colliding field names serialize under their wire names.
#[test]
fn keyword_fields_keep_their_wire_names() {
    use fx_keywords::types::{Self_, Type};
    let mut value = Type::new("t".to_owned());
    value.self_ = Some(1);
    value.extra_ = Some("e".into());
    value.start_date = Some("snake".into());
    value.start_date_2 = Some("camel".into());
    value.start_date_3 = Some("shout".into());
    value._3d = Some(true);
    value.match_ = Some(Self_::Unknown_);
    let wire = serde_json::to_value(&value).unwrap();
    assert_eq!(
        wire,
        json!({"type": "t", "self": 1, "extra": "e", "start_date": "snake", "startDate": "camel",
               "START-DATE": "shout", "3d": true, "match": "unknown"})
    );
    let back: Type = serde_json::from_value(wire).unwrap();
    assert_eq!(back, value);
}

/// Enum values that collide or are reserved get distinct variants and keep their wire values.
#[test]
fn colliding_enum_values_stay_distinct() {
    use fx_keywords::types::Self_;
    let cases = [
        (Self_::Unknown_, "unknown"),
        (Self_::Empty, ""),
        (Self_::V3months, "3months"),
        (Self_::AB, "a-b"),
        (Self_::AB2, "a_b"),
        (Self_::Self_, "Self"),
    ];
    for (variant, wire) in cases {
        assert_eq!(variant.as_str(), wire);
        assert_eq!(Self_::from(wire), variant);
    }
    assert_eq!(Self_::from("other"), Self_::Unknown("other".into()));
}

/// Undocumented string and integer values decode into `Unknown` and are sent back unchanged.
#[test]
fn unknown_enum_values_round_trip() {
    use fx_enums::types::{Priority, Status, Ticket};
    let text = r#"{"status":"escalated","priority":9,"history":["open","in_progress"]}"#;
    let ticket: Ticket = serde_json::from_str(text).unwrap();
    assert_eq!(ticket.status, Status::Unknown("escalated".into()));
    assert_eq!(ticket.priority, Some(Priority::Unknown(9)));
    assert_eq!(ticket.history, Some(vec![Status::Open, Status::InProgress]));
    assert_eq!(serde_json::to_string(&ticket).unwrap(), text);
    use clientgen_runtime::UnknownFields;
    assert_eq!(
        ticket.unknown_fields(),
        ["status = escalated", "priority = 9"]
    );
    assert_eq!(Priority::from(3), Priority::V3);
}

/// An untagged union decodes each of its shapes and writes each back as it came.
#[test]
fn unions_decode_every_shape() {
    use fx_unions::types::{Color, Label, Message};
    let a: Label = serde_json::from_str(r##"{"color": 17, "message": ["a", "b"]}"##).unwrap();
    assert_eq!(a.color, Color::Id(17));
    assert_eq!(a.message, Some(Message::List(vec!["a".into(), "b".into()])));
    let b: Label = serde_json::from_str(r##"{"color": "#ABCD12", "message": "one"}"##).unwrap();
    assert_eq!(b.color, Color::Custom("#ABCD12".into()));
    assert_eq!(b.message, Some(Message::Text("one".into())));
    assert_eq!(
        serde_json::to_value(&b).unwrap(),
        json!({"color": "#ABCD12", "message": "one"})
    );
    assert!(serde_json::from_str::<Label>(r#"{"color": true}"#).is_err());
}

/// Read-only fields decode but are never sent; nullable fields are sent as null; update-only
/// fields are sent; a derived type for sending has no read-only fields at all.
#[test]
#[allow(deprecated)]
fn read_only_fields_are_not_sent() {
    use fx_read_only::types::{Closed, NewRecord, Record};
    let text = r#"{"id": "r1", "name": "n", "created": "2015-06-02T13:39:05+0000",
                   "old_id": 4, "amount": "2500.00", "seen": 1434556800, "day": "2015-06-17",
                   "future": {"x": 1}}"#;
    let record: Record = serde_json::from_str(text).unwrap();
    assert_eq!(record.id, "r1");
    assert_eq!(
        record.created.unwrap().to_string(),
        "2015-06-02T13:39:05+0000"
    );
    assert_eq!(record.amount.as_ref().unwrap().as_str(), "2500.00");
    let sent = serde_json::to_value(&record).unwrap();
    assert_eq!(
        sent,
        json!({"name": "n", "note": null, "old_id": 4, "day": "2015-06-17", "seen": 1434556800,
               "amount": "2500.00", "future": {"x": 1}})
    );
    let new = NewRecord::new("n".into());
    assert_eq!(serde_json::to_value(&new).unwrap(), json!({"name": "n"}));
    let closed: Closed = serde_json::from_str(r#"{"a": 1, "b": 2}"#).unwrap();
    assert_eq!(serde_json::to_value(&closed).unwrap(), json!({"a": 1}));
}

/// Each array style, a header parameter, a client path value and a global parameter cross the
/// wire exactly as declared.
#[tokio::test]
async fn query_arrays_in_every_style() {
    let server = serve_with(ResponseTemplate::new(200).set_body_string("[1,2]")).await;
    let client = fx_query::Client::builder("acme co", "k3y")
        .lang("fr")
        .transport(|t| t.base_url(server.uri()).allow_http(true))
        .build()
        .unwrap();
    let out = client
        .search(vec![1, 2])
        .format(vec!["html".into(), "a b".into()])
        .tags(vec!["x".into(), "y".into()])
        .since(chrono::NaiveDate::from_ymd_opt(2015, 6, 1).unwrap())
        .x_trace("t-1")
        .lang("de")
        .await
        .unwrap();
    assert_eq!(*out, vec![1, 2]);
    let req = single_request(&server).await;
    assert_eq!(req.method.as_str(), "GET");
    assert_eq!(req.url.path(), "/acme%20co/search");
    assert_eq!(
        req.url.query(),
        Some("ids=1&ids=2&format[]=html&format[]=a%20b&tags=x%2Cy&since=2015-06-01&lang=de")
    );
    assert_eq!(req.headers.get("x-trace").unwrap(), "t-1");
    assert_eq!(req.headers.get("x-api-key").unwrap(), "k3y");
    assert!(req.body.is_empty());
}

/// A form body with PHP-style arrays, credentials appended as form fields, and a bare-id text
/// response.
#[tokio::test]
async fn form_body_with_credentials_and_text_response() {
    let server = serve_with(ResponseTemplate::new(200).set_body_string("418164\n")).await;
    // Form credentials taken as plain text (`&str`, `String` or `SecretString`).
    let client = fx_forms::Client::builder(["g1", "s&cret"])
        .transport(|t| t.base_url(server.uri()).allow_http(true))
        .build()
        .unwrap();
    let mut body = fx_forms::types::Assign::new("Acme – web".into(), vec![53, 8], None);
    body.value = Some("2500.00".parse().unwrap());
    body.flag = Some(false);
    body.extra.insert("custom_field_7", json!("blue"));
    let id = client.add_thing(&body).await.unwrap();
    assert_eq!(*id, 418164);
    let req = single_request(&server).await;
    assert_eq!(req.method.as_str(), "POST");
    assert_eq!(req.url.path(), "/addThing.php");
    assert_eq!(
        req.headers.get("content-type").unwrap(),
        "application/x-www-form-urlencoded"
    );
    assert_eq!(
        std::str::from_utf8(&req.body).unwrap(),
        "title=Acme%20%E2%80%93%20web&assigned[]=53&assigned[]=8&value=2500.00&flag=false\
         &thing_note=&custom_field_7=blue&api_group=g1&api_secret=s%26cret"
    );
    assert!(!format!("{client:?}").contains("s&cret"));
}

/// The default base URL takes the client's domain; without `allow_http` nothing but https
/// is accepted.
#[test]
fn base_url_placeholder_and_https_only() {
    use secrecy::SecretString;
    let creds = || [SecretString::from("g"), SecretString::from("s")];
    let client = fx_forms::Client::builder(creds())
        .domain("crm.example.com")
        .build()
        .unwrap();
    assert!(format!("{client:?}").contains("https://crm.example.com/api"));
    let err = fx_forms::Client::builder(creds())
        .transport(|t| t.base_url("http://127.0.0.1:1"))
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("allow_http"), "{err}");
}

/// Envelopes are unwrapped with their other keys kept; 201 exposes `Location`; 204 is `()`.
#[tokio::test]
async fn envelopes_created_and_no_content() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(r#"{"items": [{"id": 1}, {"id": 2}], "timestamp": 5}"#),
        )
        .mount(&server)
        .await;
    Mock::given(wiremock::matchers::method("POST"))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("Location", "/v1/items/3")
                .set_body_string(r#"{"item": {"id": 3}}"#),
        )
        .mount(&server)
        .await;
    Mock::given(wiremock::matchers::method("DELETE"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = fx_envelopes::Client::builder("tok")
        .transport(|t| t.base_url(format!("{}/v1", server.uri())).allow_http(true))
        .build()
        .unwrap();
    let items = client.list_items().await.unwrap();
    assert_eq!(items.iter().map(|i| i.id).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(items.rest().get("timestamp"), Some(&json!(5)));
    let created = client
        .create_item(&fx_envelopes::types::Item::new(0))
        .await
        .unwrap();
    assert_eq!(created.status().as_u16(), 201);
    assert_eq!(created.header("location"), Some("/v1/items/3"));
    assert_eq!(created.id, 3);
    let deleted = client.delete_item(3).await.unwrap();
    assert_eq!(deleted.status().as_u16(), 204);
    let requests = server.received_requests().await.unwrap();
    let paths: Vec<_> = requests
        .iter()
        .map(|r| (r.method.as_str().to_owned(), r.url.path().to_owned()))
        .collect();
    assert_eq!(
        paths,
        [
            ("GET".into(), "/v1/items".into()),
            ("POST".into(), "/v1/items".into()),
            ("DELETE".into(), "/v1/items/3".into())
        ]
    );
    assert_eq!(requests[1].body, br#"{"id":0}"#);
    assert_eq!(
        requests[1].headers.get("authorization").unwrap(),
        "Bearer tok"
    );
}

/// A server answering each page request from `pages` (page number → body).
async fn paged_server(
    path: &'static str,
    param: &'static str,
    pages: Vec<(i64, String)>,
) -> MockServer {
    let server = MockServer::start().await;
    for (number, body) in pages {
        Mock::given(wiremock::matchers::path(path))
            .and(wiremock::matchers::query_param(param, number.to_string()))
            .respond_with(ResponseTemplate::new(200).set_body_string(body))
            .mount(&server)
            .await;
    }
    server
}

fn item_page(ids: &[i64], page: i64, last: i64) -> String {
    let data: Vec<_> = ids.iter().map(|id| json!({"id": id})).collect();
    json!({"data": data, "meta": {"current_page": page, "last_page": last}}).to_string()
}

fn pages_client(server: &MockServer) -> fx_pages::Client {
    fx_pages::Client::builder()
        .transport(|t| t.base_url(server.uri()).allow_http(true))
        .build()
        .unwrap()
}

/// The stream reads three pages lazily: one request per page, made only when the previous
/// page is used up, and none after the last page.
#[tokio::test]
async fn stream_fetches_pages_lazily_and_stops_at_the_last() {
    let pages = vec![
        (1, item_page(&[1, 2], 1, 3)),
        (2, item_page(&[3, 4], 2, 3)),
        (3, item_page(&[5], 3, 3)),
    ];
    let server = paged_server("/items", "page", pages).await;
    let client = pages_client(&server);
    let mut stream = client.list_items().limit(2).stream();
    let requests = || async { server.received_requests().await.unwrap().len() };
    assert_eq!(
        requests().await,
        0,
        "nothing is fetched before the stream is read"
    );
    assert_eq!(stream.next().await.unwrap().unwrap().id, 1);
    assert_eq!(requests().await, 1);
    assert_eq!(stream.next().await.unwrap().unwrap().id, 2);
    assert_eq!(
        requests().await,
        1,
        "the second page waits until the first is used up"
    );
    assert_eq!(stream.next().await.unwrap().unwrap().id, 3);
    assert_eq!(requests().await, 2);
    let rest: Vec<i64> = stream.map(|item| item.unwrap().id).collect().await;
    assert_eq!(rest, [4, 5]);
    let queries: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.query().unwrap_or("").to_owned())
        .collect();
    assert_eq!(
        queries,
        ["page=1&limit=2", "page=2&limit=2", "page=3&limit=2"]
    );
}

/// Counting pages from zero without a last-page number: a page shorter than `amount` ends it.
#[tokio::test]
async fn stream_from_page_zero_ends_on_a_short_page() {
    let pages = vec![(0, "[1,2]".into()), (1, "[3,4]".into()), (2, "[5]".into())];
    let server = paged_server("/numbers", "pageno", pages).await;
    let client = pages_client(&server);
    let all: Vec<i64> = client
        .list_numbers()
        .amount(2)
        .stream()
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(all, [1, 2, 3, 4, 5]);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

/// A 202 that the spec lists as a failure status is an error with its body, not a success.
#[tokio::test]
async fn a_failure_status_is_not_success() {
    let reply = ResponseTemplate::new(202).set_body_string(r#"{"detail": "billing limitation"}"#);
    let server = serve_with(reply).await;
    let err = pages_client(&server).list_items().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(202));
    assert_eq!(
        err.api().and_then(|p| p.detail.as_deref()),
        Some("billing limitation")
    );
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        1,
        "202 is not retried"
    );
}

/// Nested objects are flattened into the form under their form names; read-only fields are
/// left out; a required nullable field that is unset is sent empty; undescribed scalar fields
/// are sent, undescribed objects are not.
#[test]
fn nested_form_fields_are_flattened() {
    use clientgen_runtime::{ArrayStyle, Pairs};
    use fx_forms::types::{Assign, Owner};
    let mut body = Assign::new("T".into(), vec![1], None);
    body.owner = Some(Owner::new(7));
    body.extra.insert("custom_x", json!("y"));
    body.extra.insert("nested", json!({"a": 1}));
    let mut form = Pairs::default();
    body.write_form(&mut form, ArrayStyle::Brackets).unwrap();
    assert_eq!(
        form.encode(),
        "title=T&assigned[]=1&thing_note=&owner_id=7&custom_x=y"
    );
    body.note = Some("n".into());
    let mut form = Pairs::default();
    body.write_form(&mut form, ArrayStyle::Repeat).unwrap();
    assert_eq!(
        form.encode(),
        "title=T&assigned=1&thing_note=n&owner_id=7&custom_x=y"
    );
}

/// The page number can travel in a JSON body: each page request carries a copy of the body
/// with `page.number` set, the caller's `page.size` kept, and a short page ends the stream.
#[tokio::test]
async fn stream_with_the_page_in_a_json_body() {
    use fx_pages::types::{PageRequest, SearchItems};
    let server = MockServer::start().await;
    for (number, ids) in [(1, vec![1, 2]), (2, vec![3, 4]), (3, vec![5])] {
        let data: Vec<_> = ids.iter().map(|id| json!({"id": id})).collect();
        Mock::given(wiremock::matchers::body_partial_json(
            json!({"page": {"number": number}}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": data})))
        .mount(&server)
        .await;
    }
    let body = SearchItems {
        filter: Some("x".into()),
        page: Some(PageRequest {
            size: Some(2),
            ..Default::default()
        }),
        extra: Default::default(),
    };
    let client = pages_client(&server);
    let ids: Vec<i64> = client
        .search_items(&body)
        .stream()
        .map(|item| item.unwrap().id)
        .collect()
        .await;
    assert_eq!(ids, [1, 2, 3, 4, 5]);
    let bodies: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| String::from_utf8(r.body.clone()).unwrap())
        .collect();
    assert_eq!(
        bodies,
        [
            r#"{"filter":"x","page":{"size":2,"number":1}}"#,
            r#"{"filter":"x","page":{"size":2,"number":2}}"#,
            r#"{"filter":"x","page":{"size":2,"number":3}}"#,
        ]
    );
    assert_eq!(
        body.page.as_ref().unwrap().number,
        None,
        "the caller's body is not changed"
    );
}

/// The page number can travel in a form body, counted from zero (Teamleader v1's `pageno`).
#[tokio::test]
async fn stream_with_the_page_in_a_form_body() {
    use fx_pages::types::ListThings;
    let server = MockServer::start().await;
    for (number, page) in [(0, "[1,2]"), (1, "[3]")] {
        Mock::given(wiremock::matchers::body_string(format!(
            "amount=2&pageno={number}"
        )))
        .respond_with(ResponseTemplate::new(200).set_body_string(page))
        .mount(&server)
        .await;
    }
    let body = ListThings {
        amount: Some(2),
        pageno: None,
        extra: Default::default(),
    };
    let all: Vec<i64> = pages_client(&server)
        .list_things(&body)
        .stream()
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(all, [1, 2, 3]);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

/// A base URL value can only name a host: one that would move the credentials elsewhere is
/// refused before anything is sent.
#[test]
fn base_url_values_can_only_name_a_host() {
    use secrecy::SecretString;
    let creds = || [SecretString::from("g"), SecretString::from("s")];
    for bad in [
        "evil.example/",
        "user@evil.example",
        "a.example/x?",
        "",
        "a b",
        ".example",
    ] {
        let err = fx_forms::Client::builder(creds())
            .domain(bad)
            .build()
            .unwrap_err();
        assert!(
            err.to_string().contains("may only name a host"),
            "{bad}: {err}"
        );
    }
    for good in ["crm.example.com", "crm-1.example.com:8443", "127.0.0.1"] {
        assert!(
            fx_forms::Client::builder(creds())
                .domain(good)
                .build()
                .is_ok(),
            "{good}"
        );
    }
}

/// Parameters named like the request builder's own methods, a header parameter that cases to a
/// global's name, and globals named like `build` and `send` all get names of their own and
/// cross the wire under their wire names; `stream()` still pages through `stream`.
#[tokio::test]
async fn hostile_parameter_names_keep_their_wire_names() {
    let server = MockServer::start().await;
    for (page, body) in [
        ("2", r#"{"data": [1, 2], "last": 3}"#),
        ("3", r#"{"data": [3], "last": 3}"#),
    ] {
        Mock::given(wiremock::matchers::query_param("stream", page))
            .respond_with(ResponseTemplate::new(200).set_body_string(body))
            .mount(&server)
            .await;
    }
    let client = fx_hostile::Client::builder()
        .tz("Europe/Brussels")
        .build_("b")
        .send_("s")
        .transport(|t| t.base_url(server.uri()).allow_http(true))
        .build()
        .unwrap();
    let items: Vec<i64> = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        client
            .list()
            .stream_(2)
            .clone_("c")
            .timeout_("t")
            .tz_2("header")
            .stream()
            .map(Result::unwrap)
            .collect(),
    )
    .await
    .expect("two pages in time");
    assert_eq!(items, [1, 2, 3]);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    assert_eq!(
        requests[0].url.query(),
        Some("stream=2&clone=c&timeout=t&tz=Europe%2FBrussels&build=b&send=s")
    );
    assert_eq!(requests[0].headers.get("tz").unwrap(), "header");
}

/// Types named like the traits and prelude items the generated code uses, enum values spelled
/// like the fallback variant, and types that contain themselves decode and round-trip.
#[test]
fn hostile_types_decode_and_round_trip() {
    use fx_hostile::types::{Branch, Default_, From_, Node, Send_, Tree};
    for (wire, variant) in [
        ("unknown", Send_::Unknown2),
        ("UNKNOWN", Send_::Unknown3),
        ("Unknown_", Send_::Unknown_),
    ] {
        assert_eq!(Send_::from(wire), variant);
        assert_eq!(variant.as_str(), wire);
    }
    assert_eq!(Send_::from("Unknown"), Send_::Unknown("Unknown".into()));
    let from = From_ {
        send: Some(Send_::Unknown3),
        default: Some(Default_::default()),
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_value(&from).unwrap(),
        json!({"send": "UNKNOWN", "default": {}})
    );
    let text =
        r#"{"name":"a","parent":{"name":"b","parent":{"name":"c"}},"owner":{"home":{"name":"d"}}}"#;
    let node: Node = serde_json::from_str(text).unwrap();
    assert_eq!(
        node.parent.as_ref().unwrap().parent.as_ref().unwrap().name,
        "c"
    );
    // `owner` is nullable, so it is sent as `null` where unset; the value reads back the same.
    let sent = serde_json::to_string(&node).unwrap();
    assert!(sent.contains(r#""name":"c","owner":null"#), "{sent}");
    assert_eq!(serde_json::from_str::<Node>(&sent).unwrap(), node);
    let tree: Tree = serde_json::from_str(r#"{"left": {"left": "x"}, "right": "y"}"#).unwrap();
    let Tree::Branch(branch) = &tree else {
        panic!("a branch: {tree:?}")
    };
    assert_eq!(
        *branch.left,
        Tree::Branch(Box::new(Branch::new(Box::new(Tree::Leaf("x".into())))))
    );
    use clientgen_runtime::UnknownFields;
    let odd: Node = serde_json::from_str(r#"{"name":"a","parent":{"name":"b","x":1}}"#).unwrap();
    assert_eq!(odd.unknown_fields(), ["parent.x"]);
}

/// An error code read through an optional field of the error body, present and absent (the
/// emitter once wrapped the field's `Option<&Code>` in another `Some(&..)`).
#[test]
fn error_code_through_an_optional_field() {
    use clientgen_runtime::ErrorBody;
    use fx_regress::types::{Failure, Reason};
    let failure: Failure = serde_json::from_str(r#"{"reason": "denied"}"#).unwrap();
    assert_eq!(failure.code(), Some(&Reason::Denied));
    let failure: Failure = serde_json::from_str("{}").unwrap();
    assert_eq!(failure.code(), None);
}
