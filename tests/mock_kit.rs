//! The `mock` test kit (feature `mock` of `saas-clients`), used the way a user's own tests use
//! it: a real client talks HTTP to the kit's server on 127.0.0.1, and the test checks the typed
//! values that come back and the bytes the server received.
//!
//! Per API: the documented example is the default answer and decodes; a typed `respond`
//! round-trips (read-only fields included, which the types' `Serialize` leaves out); `fails`
//! becomes the API's typed `Error`; an unmet expectation panics when the server is dropped.

use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Duration;

use clientgen_runtime::mock::Answer;
use saas_clients::{grow_crm, teamfluence, teamleader_v1, teamleader_v2, teamup};

/// Every test is bounded in time.
async fn bounded<T>(f: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(30), f)
        .await
        .expect("the test finished within 30 s")
}

/// Runs `f` on a runtime of its own and returns the message of the panic it ends with (the
/// drop of a mock server with an unmet expectation), or `None` if it did not panic.
fn panic_message(f: impl AsyncFnOnce()) -> Option<String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let result = catch_unwind(AssertUnwindSafe(|| {
        runtime.block_on(async { bounded(f()).await })
    }));
    let panic = result.err()?;
    Some(
        panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_default(),
    )
}

fn dt(text: &str) -> clientgen_runtime::DateTime {
    text.parse().expect("a date-time")
}

// ---- Teamup ------------------------------------------------------------------------------

#[tokio::test]
async fn teamup_default_answer_is_the_documented_example() {
    bounded(async {
        let mock = teamup::mock::MockServer::start().await;
        let client = mock.client();
        let event = client
            .get_event("any-id")
            .await
            .expect("the example decodes");
        assert!(event.all_day, "the documented example is an all-day event");
        let events = client.list_events().await.expect("the example decodes");
        assert_eq!(events.len(), 1);

        let calls = mock.calls();
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[0].operation, Some("get_event"));
        assert_eq!(calls[0].method, http::Method::GET);
        assert_eq!(calls[0].path, "/mock-calendarKey/events/any-id");
        assert_eq!(calls[0].path_param("eventId"), Some("any-id"));
        assert_eq!(calls[0].header("teamup-token"), Some("mock-api_key"));
        assert_eq!(calls[0].answer, Answer::Example);
        assert!(calls[0].body.is_empty());
        assert_eq!(calls[1].operation, Some("list_events"));
    })
    .await;
}

#[tokio::test]
async fn teamup_typed_respond_round_trips_with_read_only_fields() {
    bounded(async {
        let mock = teamup::mock::MockServer::start().await;
        let mut event = teamup::types::Event::new(
            "123".into(),
            dt("2026-06-17T06:00:00-04:00"),
            dt("2026-06-17T07:00:00-04:00"),
            false,
        );
        event.title = Some("Planning".into());
        event.subcalendar_ids = Some(vec![730624]);
        // Read-only: `Serialize` leaves these out of requests, a response carries them.
        event.series_id = Some(42);
        event.creation_dt = Some(dt("2026-06-02T13:39:05+00:00"));
        event.version = Some("556db1f949aa6".into());
        // Twice: the client's call and the raw read of the answer below.
        mock.get_event()
            .with_event_id("123")
            .times(2)
            .respond(event.clone());

        let client = mock.client();
        let got = client
            .get_event("123")
            .await
            .expect("the typed answer decodes");
        assert_eq!(*got, event);
        // Another id does not match the expectation: the documented example answers.
        let other = client.get_event("456").await.expect("the example decodes");
        assert_ne!(other.id, "123");

        let calls = mock.calls();
        assert_eq!(
            calls[0].answer,
            Answer::Expectation("`get_event` where eventId = \"123\"".into())
        );
        assert_eq!(calls[1].answer, Answer::Example);
        // The wire form is the documented envelope.
        let sent: serde_json::Value =
            serde_json::from_slice(&reply_body(&mock).await).expect("json");
        assert_eq!(sent["event"]["series_id"], 42);
        assert!(sent["event"]["creation_dt"].is_string(), "{sent}");
    })
    .await;
}

/// The body the server answers `get_event("123")` with, read by a raw reqwest call.
async fn reply_body(mock: &teamup::mock::MockServer) -> Vec<u8> {
    let url = format!("{}/mock-calendarKey/events/123", mock.base_url());
    let answer = reqwest::get(url).await.expect("the server answers");
    assert_eq!(answer.status(), 200);
    assert_eq!(
        answer.headers()["content-type"],
        "application/json",
        "a typed answer is JSON"
    );
    answer.bytes().await.expect("a body").to_vec()
}

#[tokio::test]
async fn teamup_fails_becomes_the_typed_error() {
    bounded(async {
        let mock = teamup::mock::MockServer::start().await;
        let body = teamup::types::ErrorResponse::new(teamup::types::ErrorDetail::new(
            teamup::types::ErrorId::EventValidationConflict,
        ));
        mock.delete_event()
            .with_event_id("123")
            .with_version("v1")
            .fails(409, &body);
        let err = mock
            .client()
            .delete_event("123", "v1")
            .await
            .expect_err("the expectation fails the call");
        assert_eq!(
            err.code(),
            Some(&teamup::types::ErrorId::EventValidationConflict)
        );
        assert_eq!(err.status().map(|s| s.as_u16()), Some(409));
        assert!(matches!(err, teamup::Error::Api(_)), "{err:?}");

        let call = &mock.calls()[0];
        assert_eq!(call.method, http::Method::DELETE);
        assert_eq!(call.query_param("version").as_deref(), Some("v1"));
    })
    .await;
}

#[tokio::test]
async fn teamup_body_matcher_and_request_bytes() {
    bounded(async {
        let mock = teamup::mock::MockServer::start().await;
        let mut created = teamup::types::Event::new(
            "9".into(),
            dt("2026-06-17T06:00:00Z"),
            dt("2026-06-17T07:00:00Z"),
            false,
        );
        created.title = Some("Dentist".into());
        mock.create_event()
            .with_body(|b: &teamup::types::NewEvent| b.title.as_deref() == Some("Dentist"))
            .times(1)
            .respond(created.clone());

        let mut new = teamup::types::NewEvent::new(
            dt("2026-06-17T06:00:00Z"),
            dt("2026-06-17T07:00:00Z"),
            false,
        );
        new.title = Some("Dentist".into());
        new.subcalendar_ids = Some(vec![1]);
        let client = mock.client();
        let got = client.create_event(&new).await.expect("created");
        assert_eq!(*got, created);
        assert_eq!(got.status(), 201, "the documented status of a create");

        let call = &mock.calls()[0];
        assert_eq!(call.header("content-type"), Some("application/json"));
        assert_eq!(
            call.body.as_ref(),
            serde_json::to_vec(&new).expect("json").as_slice(),
            "the server saw the body the client sent, byte for byte"
        );
    })
    .await;
}

#[tokio::test]
async fn teamup_operation_without_example_answers_that_none_exists() {
    bounded(async {
        let mock = teamup::mock::MockServer::start().await;
        let err = mock
            .client()
            .get_subcalendar(7)
            .await
            .expect_err("no expectation, no example");
        let response = err.response().expect("the answer is kept");
        assert_eq!(response.status, 501);
        let text = String::from_utf8_lossy(&response.body);
        assert!(
            text.contains("no expectation was set for `get_subcalendar`")
                && text.contains("the spec has no example"),
            "{text}"
        );
        assert_eq!(mock.calls()[0].answer, Answer::NoExample);
    })
    .await;
}

#[test]
fn teamup_unmet_expectation_panics_on_drop() {
    let message = panic_message(async || {
        let mock = teamup::mock::MockServer::start().await;
        mock.get_event()
            .with_event_id("123")
            .times(1)
            .respond(teamup::types::Event::new(
                "123".into(),
                dt("2026-06-17T06:00:00Z"),
                dt("2026-06-17T07:00:00Z"),
                false,
            ));
        mock.list_events().respond(Vec::new());
        // Another id: the expectation is not met.
        let _ = mock.client().get_event("456").await;
    })
    .expect("the drop panics");
    assert!(
        message.contains("`get_event` where eventId = \"123\": expected 1 call, got 0"),
        "{message}"
    );
    assert!(message.contains("`list_events`: never called"), "{message}");
    assert!(
        message.contains("GET /mock-calendarKey/events/456 (get_event)"),
        "the report lists the calls received: {message}"
    );
}

#[test]
fn teamup_too_many_calls_panic_on_drop() {
    let message = panic_message(async || {
        let mock = teamup::mock::MockServer::start().await;
        mock.check_access()
            .times(1)
            .respond(teamup::types::AccessCheck::default());
        let client = mock.client();
        client.check_access().await.expect("first");
        client.check_access().await.expect("second");
    })
    .expect("the drop panics");
    assert!(message.contains("expected 1 call, got 2"), "{message}");
}

#[test]
fn met_expectations_do_not_panic() {
    let message = panic_message(async || {
        let mock = teamup::mock::MockServer::start().await;
        mock.check_access()
            .times(2)
            .respond(teamup::types::AccessCheck::default());
        let client = mock.client();
        client.check_access().await.expect("first");
        client.check_access().await.expect("second");
        assert!(mock.unmet().is_empty());
    });
    assert_eq!(message, None);
}

#[test]
fn a_panicking_matcher_does_not_stop_the_server() {
    let message = panic_message(async || {
        let mock = teamup::mock::MockServer::start().await;
        mock.get_event()
            .matching(|_| panic!("matcher bug"))
            .respond(teamup::types::Event::new(
                "1".into(),
                dt("2026-06-17T06:00:00Z"),
                dt("2026-06-17T07:00:00Z"),
                false,
            ));
        let client = mock.client();
        // The matcher panics in the server; the call still gets an answer (the example), and
        // so does the next one.
        client.get_event("1").await.expect("answered");
        client.get_event("2").await.expect("answered again");
    })
    .expect("the drop reports the matcher's panic");
    assert!(
        message.contains("a matcher panicked on GET /mock-calendarKey/events/1"),
        "{message}"
    );
    assert!(message.contains("matcher bug"), "{message}");
}

#[tokio::test]
async fn unknown_paths_answer_404_and_big_bodies_413() {
    bounded(async {
        let mock = teamup::mock::MockServer::start().await;
        let http = reqwest::Client::new();
        let answer = http
            .get(format!("{}/nowhere", mock.base_url()))
            .send()
            .await
            .expect("answered");
        assert_eq!(answer.status(), 404);
        let text = answer.text().await.expect("text");
        assert!(
            text.contains("no operation of the teamup mock has GET /nowhere"),
            "{text}"
        );

        let big = vec![b'x'; clientgen_runtime::mock::MAX_BODY + 1];
        let answer = http
            .post(format!("{}/mock-calendarKey/events", mock.base_url()))
            .body(big)
            .send()
            .await
            .expect("answered");
        assert_eq!(answer.status(), 413);
        let answers: Vec<Answer> = mock.calls().into_iter().map(|c| c.answer).collect();
        assert_eq!(answers, vec![Answer::NoOperation, Answer::TooLarge]);
    })
    .await;
}

// ---- Grow CRM ----------------------------------------------------------------------------

const LEAD: &str = r##"{
    "id": 59, "title": "Acme", "value": "2500.00",
    "status": {"id": 1, "title": "New", "color": "#4f8cff"},
    "active_state": "active", "category": {"id": 3, "name": "Web"},
    "source": null, "last_contacted": null, "description": null,
    "contact": {"first_name": "Jane", "last_name": "Doe", "email": "jane@acme.example",
                "phone": "+1 555 0100", "job_position": "CTO", "company_name": "Acme Inc",
                "website": "https://acme.example"},
    "address": {"street": null, "city": null, "state": null, "zip": null, "country": null},
    "converted": {"is_converted": true, "client_id": 7, "date": "2026-06-18"},
    "assigned": [{"id": 53, "name": "Sam Lee"}], "tags": ["priority"],
    "dates": {"created": "2026-06-18T09:30:00.000000Z", "updated": "2026-06-19T10:00:00.000000Z"}
}"##;

#[tokio::test]
async fn grow_crm_example_respond_and_fails() {
    bounded(async {
        let mock = grow_crm::mock::MockServer::start().await;
        let client = mock.client();
        let page = client.list_leads().await.expect("the example decodes");
        assert_eq!(page.data.len(), 1);

        // `Lead`'s id, state, conversion, assignees, tags and dates are read-only: required in
        // a response, never sent. The kit writes them.
        let lead: grow_crm::types::Lead = serde_json::from_str(LEAD).expect("a lead");
        mock.get_lead().with_id(59).times(1).respond(lead.clone());
        let got = client.get_lead(59).await.expect("the typed answer decodes");
        assert_eq!(*got, lead);

        let mut body = grow_crm::types::ErrorBody::new("The given data was invalid.".into());
        body.errors = Some([("lead_title".to_owned(), vec!["required".to_owned()])].into());
        mock.list_leads()
            .matching(|call| call.query_param("page").as_deref() == Some("2"))
            .fails(422, &body);
        let err = client.list_leads().page(2).await.expect_err("fails");
        assert_eq!(err.api(), Some(&body));
        assert_eq!(err.status().map(|s| s.as_u16()), Some(422));

        let calls = mock.calls();
        assert_eq!(calls[1].path, "/leads/59");
        assert_eq!(calls[2].query.as_deref(), Some("page=2"));
        assert_eq!(
            calls[2].header("authorization"),
            Some("Bearer mock-api_key")
        );
    })
    .await;
}

#[test]
fn grow_crm_unmet_expectation_panics_on_drop() {
    let message = panic_message(async || {
        let mock = grow_crm::mock::MockServer::start().await;
        mock.delete_lead()
            .with_id(1)
            .reply(200, r#"{"message": "ok"}"#);
    })
    .expect("the drop panics");
    assert!(
        message.contains("grow_crm mock server: expectations not met")
            && message.contains("`delete_lead` where id = \"1\": never called")
            && message.contains("no calls were received"),
        "{message}"
    );
}

// ---- Teamfluence -------------------------------------------------------------------------

#[tokio::test]
async fn teamfluence_respond_fails_and_no_example() {
    bounded(async {
        let mock = teamfluence::mock::MockServer::start().await;
        let client = mock.client();
        // No operation of this spec has an example.
        let err = client
            .list_posts()
            .await
            .expect_err("nothing to answer with");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(501));

        let post = teamfluence::types::Post {
            content: Some("Hello".into()),
            likes_num: Some(3),
            ..Default::default()
        };
        let posts = teamfluence::types::PostList::Array(vec![post]);
        mock.list_posts().times(1).respond(posts.clone());
        assert_eq!(*client.list_posts().await.expect("decodes"), posts);

        let body = teamfluence::types::ErrorBody {
            detail: Some("Invalid token.".into()),
            ..Default::default()
        };
        mock.list_activity_leads()
            .with_activity_id("7")
            .with_qualified_only(true)
            .fails(401, &body);
        let err = client
            .list_activity_leads("7")
            .qualified_only(true)
            .await
            .expect_err("fails");
        assert_eq!(err.api(), Some(&body));
        let call = mock.calls().pop().expect("a call");
        assert_eq!(call.path, "/mock-profile_id/activity/7/leads");
        assert_eq!(call.query.as_deref(), Some("qualified_only=true"));
    })
    .await;
}

#[test]
fn teamfluence_unmet_expectation_panics_on_drop() {
    let message = panic_message(async || {
        let mock = teamfluence::mock::MockServer::start().await;
        mock.list_posts()
            .times(2)
            .respond(teamfluence::types::PostList::Array(Vec::new()));
        mock.client().list_posts().await.expect("answered");
    })
    .expect("the drop panics");
    assert!(
        message.contains("`list_posts`: expected 2 calls, got 1"),
        "{message}"
    );
}

// ---- Teamleader v1 -----------------------------------------------------------------------

#[tokio::test]
async fn teamleader_v1_text_answer_form_bytes_and_fails() {
    bounded(async {
        let mock = teamleader_v1::mock::MockServer::start().await;
        let client = mock.client();
        mock.add_contact()
            .matching(|call| {
                call.form_pairs()
                    .contains(&("forename".to_owned(), "Ada".to_owned()))
            })
            .times(1)
            .respond(4711);
        let contact = teamleader_v1::types::AddContact::new(
            "Ada".into(),
            "Lovelace".into(),
            "ada@example.com".into(),
        );
        let id = client.add_contact(&contact).await.expect("a text answer");
        assert_eq!(*id, 4711);

        let call = &mock.calls()[0];
        assert_eq!(call.path, "/addContact.php");
        let form = call.form_pairs();
        assert!(
            form.contains(&("api_group".to_owned(), "mock-secret".to_owned())),
            "the credentials travel as form fields: {form:?}"
        );
        assert!(form.contains(&("email".to_owned(), "ada@example.com".to_owned())));

        let body = teamleader_v1::types::ErrorBody::new("Invalid API key".into());
        mock.add_contact().fails(400, &body);
        let err = client.add_contact(&contact).await.expect_err("fails");
        assert_eq!(
            err.api().map(|b| b.reason.as_str()),
            Some("Invalid API key")
        );
    })
    .await;
}

#[test]
fn teamleader_v1_unmet_expectation_panics_on_drop() {
    let message = panic_message(async || {
        let mock = teamleader_v1::mock::MockServer::start().await;
        mock.add_contact().respond(1);
    })
    .expect("the drop panics");
    assert!(message.contains("`add_contact`: never called"), "{message}");
}

// ---- Teamleader v2 -----------------------------------------------------------------------

#[tokio::test]
async fn teamleader_v2_example_respond_and_fails() {
    bounded(async {
        let mock = teamleader_v2::mock::MockServer::start().await;
        let client = mock.client();
        let id = teamleader_v2::types::IdRequest::new("32665afd".into());
        let call = client.calls_info(&id).await.expect("the example decodes");
        assert_eq!(call.id, "32665afd-1818-0ed3-9e18-a603a3a21b95");

        let mut changed = (*call).clone();
        changed.description = Some("Changed".into());
        mock.calls_info()
            .with_body(|b: &teamleader_v2::types::IdRequest| b.id == "42")
            .times(1)
            .respond(changed.clone());
        let id42 = teamleader_v2::types::IdRequest::new("42".into());
        assert_eq!(*client.calls_info(&id42).await.expect("decodes"), changed);

        let body = teamleader_v2::types::ErrorBody::new(vec![teamleader_v2::types::ApiError {
            title: Some("Not found".into()),
            ..Default::default()
        }]);
        mock.calls_info().fails(404, &body);
        let err = client.calls_info(&id).await.expect_err("fails");
        assert_eq!(err.api(), Some(&body));

        let calls = mock.calls();
        assert_eq!(calls[1].path, "/calls.info");
        assert_eq!(calls[1].body.as_ref(), br#"{"id":"42"}"#);
        assert_eq!(
            calls[1].header("authorization"),
            Some("Bearer mock-access-token")
        );
    })
    .await;
}

#[test]
fn teamleader_v2_unmet_expectation_panics_on_drop() {
    let message = panic_message(async || {
        let mock = teamleader_v2::mock::MockServer::start().await;
        mock.calls_info().times(1).reply(200, "{}");
    })
    .expect("the drop panics");
    assert!(
        message.contains("`calls_info`: expected 1 call, got 0"),
        "{message}"
    );
}

// ---- The README's test, word for word --------------------------------------------------------

mod readme {
    use saas_clients::teamup::{self, mock::MockServer, types};

    /// The code under test: the title of one event, or a fallback when it was changed meanwhile.
    async fn title_of(client: &teamup::Client, id: &str) -> Result<String, teamup::Error> {
        match client.get_event(id).await {
            Ok(event) => Ok(event.title.clone().unwrap_or_default()),
            Err(e) if e.code() == Some(&types::ErrorId::EventValidationConflict) => {
                Ok("(changed)".into())
            }
            Err(e) => Err(e),
        }
    }

    #[tokio::test]
    async fn reads_the_title_and_survives_a_conflict() -> Result<(), Box<dyn std::error::Error>> {
        let mock = MockServer::start().await; // every operation answers its documented example
        let start: saas_clients::runtime::DateTime = "2026-06-17T06:00:00Z".parse()?;
        let mut event = types::Event::new("123".into(), start, start, false);
        event.title = Some("Planning".into());
        mock.get_event()
            .with_event_id("123")
            .times(1)
            .respond(event);
        let conflict = types::ErrorResponse::new(types::ErrorDetail::new(
            types::ErrorId::EventValidationConflict,
        ));
        mock.get_event().with_event_id("456").fails(409, &conflict);

        let client = mock.client(); // or `mock.client_builder()`, or your builder with `mock.base_url()`
        assert_eq!(title_of(&client, "123").await?, "Planning");
        assert_eq!(title_of(&client, "456").await?, "(changed)");
        assert_eq!(mock.calls()[0].path, "/mock-calendarKey/events/123"); // what crossed the wire
        Ok(()) // dropping `mock` here panics if an expectation was not met
    }
}

/// The README's block and the module `readme` above stay the same text.
#[test]
fn readme_block_is_the_tested_one() {
    let readme = include_str!("../README.md");
    let start = readme
        .find("```rust,ignore\nuse saas_clients::teamup::{self, mock::MockServer")
        .expect("the README shows the mock kit test");
    let block = &readme[start..];
    let block = &block[block.find('\n').expect("a line") + 1..];
    let block = &block[..block.find("```\n").expect("the block ends")];

    let this = include_str!("mock_kit.rs");
    let module = &this[this.find("mod readme {\n").expect("the module") + "mod readme {\n".len()..];
    let module = &module[..module.find("\n}\n").expect("the module ends") + 1];
    let dedented: String = module
        .lines()
        .map(|l| format!("{}\n", l.strip_prefix("    ").unwrap_or(l)))
        .collect();
    assert_eq!(
        dedented, block,
        "README.md and tests/mock_kit.rs (mod readme) differ"
    );
}
