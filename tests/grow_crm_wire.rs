//! Wire tests of the generated Grow CRM client.
//!
//! Each test points the client at a local HTTP server, makes calls, and checks what crossed the
//! wire byte for byte (method, raw path, raw query, headers, body) and how the server's answer
//! decodes. The server answers with the documented examples, read from `specs/grow_crm.yaml` at
//! test time, or, where the spec has none, with the answer the vendor document describes; the
//! vendor document is `shared/sources/004_88aa106e67946db9.txt`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{NaiveDate, TimeZone, Utc};
use clientgen_runtime::{Decimal, Sleeper, UnknownFields};
use clientgen_tests::{
    Sent, assert_header, assert_request, body_text, error_example, load_spec, received,
    response_example, serve, serve_with, single_request,
};
use futures::StreamExt;
use saas_clients::grow_crm::{self, types};
use serde_json::{Value, json};
use wiremock::matchers::{any, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// The API key every test client sends.
const KEY: &str = "KEY";

/// The documented title of lead 59, and how a form writes it.
const TITLE: &str = "Acme – new website";
const TITLE_FORM: &str = "Acme%20%E2%80%93%20new%20website";

/// A Grow CRM client for `server`, whose base URL ends in `/api` as the real one does.
fn client(server: &MockServer) -> grow_crm::Client {
    builder(server).build().expect("client builds")
}

fn builder(server: &MockServer) -> grow_crm::ClientBuilder {
    grow_crm::Client::builder(KEY)
        .transport(|t| t.base_url(format!("{}/api", server.uri())).allow_http(true))
}

/// A client whose retries do not sleep; the delays asked for are recorded instead.
fn instant_retry_client(server: &MockServer) -> (grow_crm::Client, Arc<Mutex<Vec<Duration>>>) {
    let delays: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let record = Arc::clone(&delays);
    let sleeper = Sleeper::new(move |d| {
        record.lock().unwrap().push(d);
        Box::pin(async {})
    });
    let client = builder(server)
        .transport(|t| t.sleeper(sleeper))
        .build()
        .expect("client builds");
    (client, delays)
}

/// Asserts what every Grow CRM call sends (bearer key, `Accept: application/json`) and what this
/// call sent: method, raw path, raw query, and the body with its `Content-Type`.
#[track_caller]
fn assert_wire(req: &Request, method: &str, path: &str, query: Option<&str>, sent: Sent<'_>) {
    assert_header(req, "authorization", Some("Bearer KEY"));
    assert_request(req, method, path, query, sent);
}

/// The names of the fields of a form body, in wire order.
fn form_names(req: &Request) -> Vec<&str> {
    body_text(req)
        .split('&')
        .map(|pair| pair.split_once('=').map_or(pair, |(name, _)| name))
        .collect()
}

/// The payload of a documented `{"data": ...}` example, decoded.
fn payload<T: serde::de::DeserializeOwned>(example: &str) -> T {
    let mut envelope: Value = serde_json::from_str(example).expect("example is JSON");
    serde_json::from_value(envelope["data"].take()).expect("example payload decodes")
}

/// The documented lead 59, as get_lead decodes it.
fn documented_lead() -> types::Lead {
    let api = load_spec("grow_crm");
    payload(response_example(&api, "get_lead", 200, "lead_object"))
}

/// The documented lead object as raw JSON (inside its envelope), to be changed by a test.
fn documented_lead_json() -> Value {
    let api = load_spec("grow_crm");
    serde_json::from_str(response_example(&api, "get_lead", 200, "lead_object")).unwrap()
}

/// A `{"data": ..., "message": ...}` answer, as every Grow CRM call but the list answers.
fn envelope(data: Value, message: &str) -> String {
    json!({"data": data, "message": message}).to_string()
}

fn decimal(text: &str) -> Decimal {
    text.parse().expect("a decimal")
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

// ----------------------------------------------------------------------------------------------
// list_leads

/// `list_leads` sends the document's example query (`status=1&limit=25`) under `/api/leads` and
/// decodes the documented page: the lead, `meta` and `message` all typed, nothing left over.
#[tokio::test]
async fn list_leads_documented_request_and_example() {
    let api = load_spec("grow_crm");
    let server = serve(200, response_example(&api, "list_leads", 200, "one_lead")).await;

    let page = client(&server)
        .list_leads()
        .status(1)
        .limit(25)
        .await
        .unwrap();

    let req = single_request(&server).await;
    assert_wire(
        &req,
        "GET",
        "/api/leads",
        Some("status=1&limit=25"),
        Sent::Nothing,
    );
    assert_eq!(page.status().as_u16(), 200);
    assert!(page.rest().is_empty(), "the list keeps its whole envelope");
    assert_eq!(page.unknown_fields(), Vec::<String>::new());
    let [lead] = page.data.as_slice() else {
        panic!("one lead expected, got {:?}", page.data)
    };
    assert_eq!(lead.id, 59);
    assert_eq!(lead.title.as_deref(), Some(TITLE));
    let status = lead.status.as_ref().unwrap();
    assert_eq!((status.id, status.title.as_deref()), (1, Some("New")));
    assert_eq!(status.color, None);
    assert_eq!((lead.value.as_ref(), lead.category.as_ref()), (None, None));
    let meta = &page.meta;
    assert_eq!(
        (meta.current_page, meta.per_page, meta.total, meta.last_page),
        (1, 25, 1, 1)
    );
    assert_eq!(
        page.message.as_deref(),
        Some("Leads retrieved successfully.")
    );
}

/// Every filter of `list_leads` goes into the query in the spec's order, enums as their wire
/// values and free text percent-encoded (spaces as `%20`, `&` as `%26`).
#[tokio::test]
async fn list_leads_sends_every_filter() {
    let api = load_spec("grow_crm");
    let server = serve(200, response_example(&api, "list_leads", 200, "one_lead")).await;

    client(&server)
        .list_leads()
        .status(1)
        .category_id(3)
        .source("Trade fair")
        .active_state(types::ActiveState::Archived)
        .assigned_user_id(53)
        .search("Acme & Co – web")
        .sort(types::LeadSort::LeadLastContacted)
        .order(types::SortOrder::Asc)
        .limit(100)
        .page(2)
        .await
        .unwrap();

    let query = concat!(
        "status=1&category_id=3&source=Trade%20fair&active_state=archived&assigned_user_id=53",
        "&search=Acme%20%26%20Co%20%E2%80%93%20web&sort=lead_last_contacted&order=asc",
        "&limit=100&page=2",
    );
    let req = single_request(&server).await;
    assert_wire(&req, "GET", "/api/leads", Some(query), Sent::Nothing);
}

/// Each sort column and each state is sent as the document spells it; the server's default
/// order is not sent when the caller does not set one.
#[tokio::test]
async fn list_leads_enum_values_as_documented() {
    let api = load_spec("grow_crm");
    let server = serve(200, response_example(&api, "list_leads", 200, "one_lead")).await;
    let client = client(&server);

    for sort in [
        types::LeadSort::LeadTitle,
        types::LeadSort::LeadValue,
        types::LeadSort::LeadCreated,
    ] {
        client.list_leads().sort(sort).await.unwrap();
    }
    client
        .list_leads()
        .active_state(types::ActiveState::Active)
        .order(types::SortOrder::Desc)
        .await
        .unwrap();
    client.list_leads().await.unwrap();

    let queries: Vec<Option<String>> = received(&server)
        .await
        .iter()
        .map(|r| r.url.query().map(str::to_owned))
        .collect();
    let expected = [
        Some("sort=lead_title"),
        Some("sort=lead_value"),
        Some("sort=lead_created"),
        Some("active_state=active&order=desc"),
        None,
    ];
    assert_eq!(queries, expected.map(|q| q.map(str::to_owned)));
}

// ----------------------------------------------------------------------------------------------
// Pagination

/// Lead `id` as a list item, with a title naming it.
fn item(id: i64) -> Value {
    json!({"id": id, "title": format!("Lead {id}"), "status": {"id": 1}})
}

/// Page `number` of `last` with `ids`, `limit` per page, as the list answers it.
fn page_body(number: i64, last: i64, limit: i64, total: i64, ids: &[i64]) -> String {
    json!({
        "data": ids.iter().map(|&id| item(id)).collect::<Vec<_>>(),
        "meta": {"current_page": number, "per_page": limit, "total": total, "last_page": last},
        "message": "Leads retrieved successfully."
    })
    .to_string()
}

/// A server whose `/api/leads` answers page N (matched on `page=N`) with `pages[N-1]`, two
/// leads per page and `last_page` = the number of pages. Any other request gets a 404.
async fn paged_server(pages: &[&[i64]]) -> MockServer {
    let server = MockServer::start().await;
    let last = pages.len() as i64;
    let total = pages.iter().map(|p| p.len() as i64).sum();
    for (i, ids) in pages.iter().enumerate() {
        let number = i as i64 + 1;
        let body = page_body(number, last, 2, total, ids);
        Mock::given(query_param("page", number.to_string().as_str()))
            .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
            .mount(&server)
            .await;
    }
    server
}

/// `stream()` reads all three pages in order, asks for each page exactly once (page 1, 2, 3 and
/// nothing after the last page, although the last page is full), and sends the builder's
/// `limit` and filters with every page.
#[tokio::test]
async fn stream_reads_every_page_once_and_stops_after_the_last() {
    let server = paged_server(&[&[1, 2], &[3, 4], &[5, 6]]).await;
    let client = client(&server);

    let leads: Vec<types::LeadSummary> = client
        .list_leads()
        .status(1)
        .limit(2)
        .stream()
        .map(|r| r.expect("every page decodes"))
        .collect()
        .await;

    let ids: Vec<i64> = leads.iter().map(|l| l.id).collect();
    assert_eq!(ids, [1, 2, 3, 4, 5, 6]);
    let titles: Vec<&str> = leads.iter().map(|l| l.title.as_deref().unwrap()).collect();
    assert_eq!(
        titles,
        ["Lead 1", "Lead 2", "Lead 3", "Lead 4", "Lead 5", "Lead 6"]
    );
    let requests = received(&server).await;
    assert_eq!(requests.len(), 3, "one request per page: {requests:?}");
    for (req, page) in requests.iter().zip(1..) {
        let query = format!("status=1&limit=2&page={page}");
        assert_wire(req, "GET", "/api/leads", Some(&query), Sent::Nothing);
    }
}

/// A list answer may be trimmed anywhere (note `lead-summary`): items whose nested objects lack
/// what the full lead object always has (a category without its name, an assignee without a
/// name, a conversion without `is_converted`, dates with one time) decode, and the stream reads
/// on to the next page instead of ending on a decode error.
#[tokio::test]
async fn stream_reads_trimmed_items_through_to_the_last_page() {
    let server = MockServer::start().await;
    let trimmed = json!({
        "data": [
            {"id": 1, "category": {"id": 4}, "assigned": [{"id": 53}], "converted": {"client_id": null}},
            {"id": 2, "dates": {"created": "2026-06-18T09:30:00.000000Z"}, "contact": {"email": "a@b.example"},
             "address": {"city": "Gent"}}
        ],
        "meta": {"current_page": 1, "per_page": 2, "total": 3, "last_page": 2}
    });
    let last = json!({
        "data": [{"id": 3, "category": {"name": "Fairs"}}],
        "meta": {"current_page": 2, "per_page": 2, "total": 3, "last_page": 2}
    });
    for (page, body) in [(1, trimmed), (2, last)] {
        Mock::given(query_param("page", page.to_string().as_str()))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(&server)
            .await;
    }

    let leads: Vec<types::LeadSummary> = client(&server)
        .list_leads()
        .limit(2)
        .stream()
        .map(|r| r.expect("a trimmed item decodes"))
        .collect()
        .await;

    assert_eq!(leads.iter().map(|l| l.id).collect::<Vec<_>>(), [1, 2, 3]);
    let category = leads[0].category.as_ref().unwrap();
    assert_eq!((category.id, category.name.as_deref()), (Some(4), None));
    assert_eq!(leads[0].assigned.as_ref().unwrap()[0].name, None);
    let converted = leads[0].converted.as_ref().unwrap();
    assert_eq!((converted.is_converted, converted.client_id), (None, None));
    assert_eq!(leads[1].dates.as_ref().unwrap().updated, None);
    assert_eq!(
        leads[1].contact.as_ref().unwrap().email.as_deref(),
        Some("a@b.example")
    );
    assert_eq!(
        leads[2].category.as_ref().unwrap().name.as_deref(),
        Some("Fairs")
    );
    assert_eq!(received(&server).await.len(), 2);
}

/// The stream is lazy: nothing is sent before the first item is asked for, reading the first
/// item sends one request, and the request for page 2 goes out only when page 1 is used up.
#[tokio::test]
async fn stream_fetches_the_next_page_only_when_the_previous_is_used_up() {
    let server = paged_server(&[&[1, 2], &[3, 4], &[5, 6]]).await;
    let client = client(&server);

    let mut stream = client.list_leads().limit(2).stream();
    assert_eq!(received(&server).await.len(), 0, "nothing before reading");

    assert_eq!(stream.next().await.unwrap().unwrap().id, 1);
    assert_eq!(received(&server).await.len(), 1, "after the first item");
    assert_eq!(stream.next().await.unwrap().unwrap().id, 2);
    assert_eq!(
        received(&server).await.len(),
        1,
        "page 1 used up, page 2 not asked for yet"
    );

    assert_eq!(stream.next().await.unwrap().unwrap().id, 3);
    let requests = received(&server).await;
    assert_eq!(requests.len(), 2, "page 2 asked for with its first item");
    assert_eq!(requests[1].url.query(), Some("limit=2&page=2"));

    let rest: Vec<i64> = stream.map(|r| r.unwrap().id).collect().await;
    assert_eq!(rest, [4, 5, 6]);
    assert_eq!(received(&server).await.len(), 3);
}

/// A page number set on the builder is where the stream starts.
#[tokio::test]
async fn stream_starts_at_the_page_set_on_the_builder() {
    let server = paged_server(&[&[1, 2], &[3, 4], &[5, 6]]).await;
    let client = client(&server);

    let ids: Vec<i64> = client
        .list_leads()
        .limit(2)
        .page(2)
        .stream()
        .map(|r| r.unwrap().id)
        .collect()
        .await;

    assert_eq!(ids, [3, 4, 5, 6]);
    let queries: Vec<Option<String>> = received(&server)
        .await
        .iter()
        .map(|r| r.url.query().map(str::to_owned))
        .collect();
    assert_eq!(
        queries,
        [
            Some("limit=2&page=2".to_owned()),
            Some("limit=2&page=3".to_owned())
        ]
    );
}

/// A failing page ends the stream: the items before it, then the error, then nothing; no page
/// after the failing one is asked for.
#[tokio::test]
async fn stream_ends_after_a_failing_page() {
    let server = MockServer::start().await;
    let first = page_body(1, 3, 2, 6, &[1, 2]);
    Mock::given(query_param("page", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(first, "application/json"))
        .mount(&server)
        .await;
    let failure = json!({"message": "Server Error"}).to_string();
    Mock::given(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(500).set_body_raw(failure, "application/json"))
        .mount(&server)
        .await;
    let client = client(&server);

    let results: Vec<Result<types::LeadSummary, grow_crm::Error>> =
        client.list_leads().limit(2).stream().collect().await;

    assert_eq!(results.len(), 3, "{results:?}");
    assert_eq!(results[0].as_ref().unwrap().id, 1);
    assert_eq!(results[1].as_ref().unwrap().id, 2);
    let err = results[2].as_ref().unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(err.api().unwrap().message, "Server Error");
    assert_eq!(received(&server).await.len(), 2, "500 is not retried");
}

// ----------------------------------------------------------------------------------------------
// get_lead and the types of the lead object

/// `get_lead` is `GET /api/leads/59` and decodes the documented lead object completely into
/// typed fields; the envelope's `message` stays reachable through `rest()`.
#[tokio::test]
async fn get_lead_wire_and_example() {
    let api = load_spec("grow_crm");
    let server = serve(200, response_example(&api, "get_lead", 200, "lead_object")).await;

    let lead = client(&server).get_lead(59).await.unwrap();

    let req = single_request(&server).await;
    assert_wire(&req, "GET", "/api/leads/59", None, Sent::Nothing);
    assert_eq!(lead.status().as_u16(), 200);
    assert_eq!(
        Value::Object(lead.rest().clone()),
        json!({"message": "Lead retrieved successfully."})
    );
    assert_eq!(lead.unknown_fields(), Vec::<String>::new());
    assert_eq!(lead.id, 59);
    assert_eq!(lead.title, TITLE);
    assert_eq!(lead.value, Some(decimal("2500.00")));
    assert_eq!(
        (
            lead.status.id,
            lead.status.title.as_str(),
            lead.status.color.as_str()
        ),
        (1, "New", "#4f8cff")
    );
    assert_eq!(lead.active_state, types::ActiveState::Active);
    assert_eq!((lead.category.id, lead.category.name.as_str()), (3, "Web"));
    assert_eq!(lead.source.as_deref(), Some("Website"));
    assert_eq!(lead.last_contacted, Some(date(2026, 6, 15)));
    assert_eq!(lead.description.as_deref(), Some("Inbound enquiry."));
    let contact = &lead.contact;
    assert_eq!(contact.first_name.as_deref(), Some("Jane"));
    assert_eq!(contact.last_name.as_deref(), Some("Doe"));
    assert_eq!(contact.email.as_deref(), Some("jane@acme.example"));
    assert_eq!(contact.phone.as_deref(), Some("+1 555 0100"));
    assert_eq!(contact.job_position.as_deref(), Some("CTO"));
    assert_eq!(contact.company_name.as_deref(), Some("Acme Inc"));
    assert_eq!(contact.website.as_deref(), Some("https://acme.example"));
    assert_eq!(
        lead.address,
        types::LeadAddress::new(None, None, None, None, None)
    );
    assert!(!lead.converted.is_converted);
    assert_eq!(
        (lead.converted.client_id, &lead.converted.date),
        (None, &None)
    );
    assert_eq!(
        lead.assigned,
        [types::LeadAssignee::new(53, "Sam Lee".to_owned())]
    );
    assert_eq!(lead.tags, ["priority"]);
    assert_eq!(
        lead.dates.created.to_chrono(),
        Some(Utc.with_ymd_and_hms(2026, 6, 18, 9, 30, 0).unwrap().into())
    );
    assert_eq!(lead.dates.updated, lead.dates.created);
}

/// The decimal, date and date-time fields keep their values: `value` keeps its digits
/// (`2500.00`, not `2500`), `last_contacted` is the calendar date 2026-06-15, and
/// `dates.created` (`2026-06-18T09:30:00.000000Z`, Laravel's microseconds) is 09:30 UTC.
#[tokio::test]
async fn decimal_date_and_date_time_keep_their_values() {
    let lead = documented_lead();

    let value = lead.value.as_ref().unwrap();
    assert_eq!(value.as_str(), "2500.00");
    assert_eq!(value.to_string(), "2500.00");
    assert_eq!(serde_json::to_string(value).unwrap(), r#""2500.00""#);
    assert_eq!(lead.last_contacted, Some(date(2026, 6, 15)));
    assert_eq!(
        lead.last_contacted.unwrap().to_string(),
        "2026-06-15",
        "a date, no time"
    );
    let created = lead.dates.created;
    assert_eq!(created.offset(), chrono::FixedOffset::east_opt(0));
    assert_eq!(
        created.local(),
        date(2026, 6, 18).and_hms_opt(9, 30, 0).unwrap()
    );
    assert_eq!(created.to_string(), "2026-06-18T09:30:00+0000");
    assert_eq!(created.to_chrono().unwrap().timestamp(), 1_781_775_000);

    // The same values through a list answer (LeadSummary), and a value sent as a JSON integer.
    let summary: types::LeadSummary = serde_json::from_value(json!({
        "id": 7, "value": 1200, "last_contacted": "2026-01-31",
        "dates": {"created": "2026-06-18T09:30:00.000000Z", "updated": "2026-06-19T10:00:00.500000Z"}
    }))
    .unwrap();
    assert_eq!(summary.value, Some(decimal("1200")));
    assert_eq!(summary.last_contacted, Some(date(2026, 1, 31)));
    let dates = summary.dates.unwrap();
    assert_eq!(dates.created, Some(created));
    assert_eq!(
        dates.updated.unwrap().to_chrono().unwrap(),
        Utc.with_ymd_and_hms(2026, 6, 19, 10, 0, 0).unwrap() + chrono::Duration::milliseconds(500)
    );
}

/// Note `value-type` says `value` "decodes from the string (or from a number)": a lead whose
/// value the server writes as a JSON number with a fraction (`2500.5`) decodes.
#[tokio::test]
async fn a_fractional_json_number_value_decodes() {
    let mut answer = documented_lead_json();
    answer["data"]["value"] = json!(2500.5);
    let server = serve(200, &answer.to_string()).await;

    let lead = client(&server).get_lead(59).await.unwrap();

    assert_eq!(lead.value.as_ref().map(Decimal::as_str), Some("2500.5"));
}

/// A converted lead's `converted.date` decodes whether the server writes a date-time or a date
/// (note `date-formats`), and `client_id` is read.
#[tokio::test]
async fn converted_date_decodes_as_date_time_or_date() {
    let client_id = 12;
    for (written, expected) in [
        (
            "2026-06-20T08:00:00.000000Z",
            types::ConversionDate::DateTime(
                Utc.with_ymd_and_hms(2026, 6, 20, 8, 0, 0).unwrap().into(),
            ),
        ),
        ("2026-06-20", types::ConversionDate::Date(date(2026, 6, 20))),
    ] {
        let mut answer = documented_lead_json();
        answer["data"]["converted"] =
            json!({"is_converted": true, "client_id": client_id, "date": written});
        let server = serve(200, &answer.to_string()).await;

        let lead = client(&server).get_lead(59).await.unwrap();

        assert!(lead.converted.is_converted, "{written}");
        assert_eq!(lead.converted.client_id, Some(client_id), "{written}");
        assert_eq!(lead.converted.date, Some(expected), "{written}");
    }
}

/// An undocumented `active_state` decodes into the open enum's unknown variant instead of
/// failing the call.
#[tokio::test]
async fn an_undocumented_active_state_decodes_as_unknown() {
    let mut answer = documented_lead_json();
    answer["data"]["active_state"] = json!("archive");
    let server = serve(200, &answer.to_string()).await;

    let lead = client(&server).get_lead(59).await.unwrap();

    assert_eq!(
        lead.active_state,
        types::ActiveState::Unknown("archive".to_owned())
    );
    assert_eq!(lead.unknown_fields(), ["active_state = archive"]);
}

// ----------------------------------------------------------------------------------------------
// create_lead

/// `create_lead` POSTs the document's example form (`lead_title`, `lead_status`,
/// `lead_categoryid`, the title's en dash as UTF-8 percent-encoded) and reads the documented 201
/// answer; the envelope's `message` stays reachable through `rest()`.
#[tokio::test]
async fn create_lead_wire_and_example() {
    let api = load_spec("grow_crm");
    let server = serve(201, response_example(&api, "create_lead", 201, "created")).await;

    let new = types::NewLead::new(TITLE.to_owned(), 1, 3);
    let created = client(&server).create_lead(&new).await.unwrap();

    let body = format!("lead_title={TITLE_FORM}&lead_status=1&lead_categoryid=3");
    let req = single_request(&server).await;
    assert_wire(&req, "POST", "/api/leads", None, Sent::Form(&body));
    assert_eq!(
        body,
        "lead_title=Acme%20%E2%80%93%20new%20website&lead_status=1&lead_categoryid=3"
    );
    assert_eq!(created.status().as_u16(), 201);
    assert_eq!(
        Value::Object(created.rest().clone()),
        json!({"message": "Lead created successfully."})
    );
    assert_eq!(created.unknown_fields(), Vec::<String>::new());
    assert_eq!(created.id, 59);
    assert_eq!(created.title.as_deref(), Some(TITLE));
    assert_eq!(created.status, Some(types::LeadSummaryStatus::new(1)));
}

/// Every create parameter set goes out under its documented name, in the spec's order, with
/// `lead_value` as its exact decimal text (`2500.00`, never through a float) and the date as
/// `YYYY-MM-DD`; custom fields in `extra` follow as plain form fields, arrays PHP-style.
#[tokio::test]
async fn create_lead_sends_every_field_and_custom_fields() {
    let api = load_spec("grow_crm");
    let server = serve(201, response_example(&api, "create_lead", 201, "created")).await;

    let mut new = types::NewLead::new(TITLE.to_owned(), 1, 3);
    new.lead_firstname = Some("Jane".to_owned());
    new.lead_lastname = Some("Doe".to_owned());
    new.lead_email = Some("jane+crm@acme.example".to_owned());
    new.lead_phone = Some("+1 555 0100".to_owned());
    new.lead_company_name = Some("Acme Inc".to_owned());
    new.lead_job_position = Some("CTO".to_owned());
    new.lead_website = Some("https://acme.example/?a=1".to_owned());
    new.lead_value = Some(decimal("2500.00"));
    new.lead_source = Some("Website".to_owned());
    new.lead_last_contacted = Some(date(2026, 6, 15));
    new.lead_description = Some("Line 1\nLine 2".to_owned());
    new.lead_street = Some("1 Main St.".to_owned());
    new.lead_city = Some("Zürich".to_owned());
    new.lead_state = Some("ZH".to_owned());
    new.lead_zip = Some("8001".to_owned());
    new.lead_country = Some("Switzerland".to_owned());
    new.extra.insert("budget_band", json!("B"));
    new.extra.insert("services", json!(["web", "seo"]));
    new.extra.insert("urgent", json!(true));
    client(&server).create_lead(&new).await.unwrap();

    let body = concat!(
        "lead_title=Acme%20%E2%80%93%20new%20website&lead_status=1&lead_categoryid=3",
        "&lead_firstname=Jane&lead_lastname=Doe&lead_email=jane%2Bcrm%40acme.example",
        "&lead_phone=%2B1%20555%200100&lead_company_name=Acme%20Inc&lead_job_position=CTO",
        "&lead_website=https%3A%2F%2Facme.example%2F%3Fa%3D1&lead_value=2500.00",
        "&lead_source=Website&lead_last_contacted=2026-06-15",
        "&lead_description=Line%201%0ALine%202&lead_street=1%20Main%20St.",
        "&lead_city=Z%C3%BCrich&lead_state=ZH&lead_zip=8001&lead_country=Switzerland",
        "&budget_band=B&services[]=web&services[]=seo&urgent=true",
    );
    let req = single_request(&server).await;
    assert_wire(&req, "POST", "/api/leads", None, Sent::Form(body));
}

/// `lead_value` keeps digits a float would lose, and unset optional fields are left out of the
/// create form entirely (no empty values).
#[tokio::test]
async fn create_lead_value_is_exact_text_and_unset_fields_are_absent() {
    let api = load_spec("grow_crm");
    let server = serve(201, response_example(&api, "create_lead", 201, "created")).await;

    let mut new = types::NewLead::new("Big".to_owned(), 1, 3);
    new.lead_value = Some(decimal("12345678901234567.10"));
    client(&server).create_lead(&new).await.unwrap();

    let req = single_request(&server).await;
    let body = "lead_title=Big&lead_status=1&lead_categoryid=3&lead_value=12345678901234567.10";
    assert_wire(&req, "POST", "/api/leads", None, Sent::Form(body));
}

// ----------------------------------------------------------------------------------------------
// update_lead

/// The names update_lead sends, in wire order: every editable field of the lead object under
/// its create-form name; no read-only part (id, active state, converted, assigned, tags, dates,
/// status title and colour, category name).
const UPDATE_FORM_NAMES: [&str; 19] = [
    "lead_title",
    "lead_value",
    "lead_status",
    "lead_categoryid",
    "lead_source",
    "lead_last_contacted",
    "lead_description",
    "lead_firstname",
    "lead_lastname",
    "lead_email",
    "lead_phone",
    "lead_job_position",
    "lead_company_name",
    "lead_website",
    "lead_street",
    "lead_city",
    "lead_state",
    "lead_zip",
    "lead_country",
];

/// `update_lead` PATCHes the complete fetched lead: the documented lead with a new title and a
/// custom field added to `extra` goes out as every form field in wire order, empty values for
/// the null address parts, no read-only part, and the custom field last.
#[tokio::test]
async fn update_lead_sends_the_complete_lead() {
    let answer = envelope(
        json!({"id": 59, "title": "Acme – website + branding", "status": {"id": 1}}),
        "Lead updated successfully.",
    );
    let server = serve(200, &answer).await;

    let mut lead = documented_lead();
    lead.title = "Acme – website + branding".to_owned();
    lead.extra.insert("budget_band", json!("B"));
    let updated = client(&server).update_lead(lead.id, &lead).await.unwrap();

    let body = concat!(
        "lead_title=Acme%20%E2%80%93%20website%20%2B%20branding&lead_value=2500.00",
        "&lead_status=1&lead_categoryid=3&lead_source=Website&lead_last_contacted=2026-06-15",
        "&lead_description=Inbound%20enquiry.&lead_firstname=Jane&lead_lastname=Doe",
        "&lead_email=jane%40acme.example&lead_phone=%2B1%20555%200100&lead_job_position=CTO",
        "&lead_company_name=Acme%20Inc&lead_website=https%3A%2F%2Facme.example",
        "&lead_street=&lead_city=&lead_state=&lead_zip=&lead_country=&budget_band=B",
    );
    let req = single_request(&server).await;
    assert_wire(&req, "PATCH", "/api/leads/59", None, Sent::Form(body));
    let mut names = UPDATE_FORM_NAMES.to_vec();
    names.push("budget_band");
    assert_eq!(form_names(&req), names);

    assert_eq!(updated.status().as_u16(), 200);
    assert_eq!(updated.id, 59);
    assert_eq!(updated.title.as_deref(), Some("Acme – website + branding"));
    assert_eq!(
        updated.rest().get("message"),
        Some(&json!("Lead updated successfully."))
    );
}

/// Clearing a nullable field sends it empty (`lead_value=`), which Laravel reads as null; the
/// other fields are still all sent.
#[tokio::test]
async fn update_lead_sends_unset_nullable_fields_empty() {
    let server = serve(
        200,
        &envelope(json!({"id": 59}), "Lead updated successfully."),
    )
    .await;

    let mut lead = documented_lead();
    lead.value = None;
    lead.source = None;
    lead.last_contacted = None;
    lead.description = None;
    lead.contact = types::LeadContact::new(None, None, None, None, None, None, None);
    lead.address = types::LeadAddress::new(
        Some("1 Main St.".to_owned()),
        None,
        None,
        None,
        Some("CH".to_owned()),
    );
    client(&server).update_lead(59, &lead).await.unwrap();

    let body = concat!(
        "lead_title=Acme%20%E2%80%93%20new%20website&lead_value=&lead_status=1",
        "&lead_categoryid=3&lead_source=&lead_last_contacted=&lead_description=",
        "&lead_firstname=&lead_lastname=&lead_email=&lead_phone=&lead_job_position=",
        "&lead_company_name=&lead_website=&lead_street=1%20Main%20St.&lead_city=&lead_state=",
        "&lead_zip=&lead_country=CH",
    );
    let req = single_request(&server).await;
    assert_wire(&req, "PATCH", "/api/leads/59", None, Sent::Form(body));
    assert_eq!(form_names(&req), UPDATE_FORM_NAMES);
}

/// Read, change, write back: custom fields the server returned with the lead are sent back as
/// they came (arrays PHP-style), while unknown keys inside `status`, `category`, `contact` and
/// `address` are dropped instead of being sent as fields of the lead (note
/// `nested-unknown-fields`), and a changed status and category go out by id.
#[tokio::test]
async fn update_lead_read_modify_write_keeps_custom_fields() {
    let mut answer = documented_lead_json();
    let data = &mut answer["data"];
    data["budget_band"] = json!("B");
    data["services"] = json!(["web", "seo"]);
    data["status"]["type"] = json!("open");
    data["category"]["type"] = json!("lead");
    data["contact"]["twitter"] = json!("@jane");
    data["address"]["county"] = json!("Kent");
    data["converted"]["by"] = json!(1);
    let server = serve(200, &answer.to_string()).await;
    let client = client(&server);

    let read = client.get_lead(59).await.unwrap();
    assert_eq!(
        read.unknown_fields(),
        ["converted.by", "budget_band", "services"]
    );
    let mut lead = read.into_inner();
    lead.status.id = 2;
    lead.category.id = 4;
    client.update_lead(59, &lead).await.unwrap();

    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    let body = concat!(
        "lead_title=Acme%20%E2%80%93%20new%20website&lead_value=2500.00",
        "&lead_status=2&lead_categoryid=4&lead_source=Website&lead_last_contacted=2026-06-15",
        "&lead_description=Inbound%20enquiry.&lead_firstname=Jane&lead_lastname=Doe",
        "&lead_email=jane%40acme.example&lead_phone=%2B1%20555%200100&lead_job_position=CTO",
        "&lead_company_name=Acme%20Inc&lead_website=https%3A%2F%2Facme.example",
        "&lead_street=&lead_city=&lead_state=&lead_zip=&lead_country=",
        "&budget_band=B&services[]=web&services[]=seo",
    );
    assert_wire(
        &requests[1],
        "PATCH",
        "/api/leads/59",
        None,
        Sent::Form(body),
    );
    for absent in ["type", "twitter", "county", "by"] {
        assert!(
            !form_names(&requests[1]).contains(&absent),
            "`{absent}` was sent"
        );
    }
}

// ----------------------------------------------------------------------------------------------
// delete_lead and the lead actions

/// `delete_lead` is a bodiless `DELETE /api/leads/59` and decodes the documented answer.
#[tokio::test]
async fn delete_lead_wire_and_example() {
    let api = load_spec("grow_crm");
    let server = serve(200, response_example(&api, "delete_lead", 200, "deleted")).await;

    let deleted = client(&server).delete_lead(59).await.unwrap();

    let req = single_request(&server).await;
    assert_wire(&req, "DELETE", "/api/leads/59", None, Sent::Nothing);
    assert_eq!(deleted.status().as_u16(), 200);
    assert_eq!(deleted.id, 59);
    assert_eq!(deleted.unknown_fields(), Vec::<String>::new());
    assert_eq!(
        deleted.rest().get("message"),
        Some(&json!("Lead deleted successfully."))
    );
}

/// `set_lead_status` PUTs the document's form `status=3` to `/api/leads/59/status`.
#[tokio::test]
async fn set_lead_status_wire() {
    let answer = envelope(
        json!({"id": 59, "status": {"id": 3, "title": "Won"}}),
        "Lead status updated successfully.",
    );
    let server = serve(200, &answer).await;

    let lead = client(&server)
        .set_lead_status(59, &types::LeadStatusChange::new(3))
        .await
        .unwrap();

    let req = single_request(&server).await;
    assert_wire(
        &req,
        "PUT",
        "/api/leads/59/status",
        None,
        Sent::Form("status=3"),
    );
    let status = lead.status.as_ref().unwrap();
    assert_eq!((status.id, status.title.as_deref()), (3, Some("Won")));
    assert_eq!(
        lead.rest().get("message"),
        Some(&json!("Lead status updated successfully."))
    );
}

/// `set_lead_assigned` PUTs the team user ids as JSON, `{"assigned":[53,8]}` (the document's
/// example values), not as a form.
#[tokio::test]
async fn set_lead_assigned_wire() {
    let answer = envelope(
        json!({"id": 59, "assigned": [{"id": 53, "name": "Sam Lee"}, {"id": 8, "name": "Ann Ray"}]}),
        "Lead assignees updated successfully.",
    );
    let server = serve(200, &answer).await;

    let lead = client(&server)
        .set_lead_assigned(59, &types::LeadAssignment::new(vec![53, 8]))
        .await
        .unwrap();

    let req = single_request(&server).await;
    assert_wire(
        &req,
        "PUT",
        "/api/leads/59/assigned",
        None,
        Sent::Json(r#"{"assigned":[53,8]}"#),
    );
    let ids: Vec<i64> = lead
        .assigned
        .as_ref()
        .unwrap()
        .iter()
        .filter_map(|a| a.id)
        .collect();
    assert_eq!(ids, [53, 8]);
}

/// An empty assignment is sent as `{"assigned":[]}`, which clears it (note
/// `empty-set-encoding`); a form would have sent nothing at all.
#[tokio::test]
async fn set_lead_assigned_empty_list_is_sent_as_json() {
    let answer = envelope(
        json!({"id": 59, "assigned": []}),
        "Lead assignees updated successfully.",
    );
    let server = serve(200, &answer).await;

    let lead = client(&server)
        .set_lead_assigned(59, &types::LeadAssignment::new(Vec::new()))
        .await
        .unwrap();

    let req = single_request(&server).await;
    assert_wire(
        &req,
        "PUT",
        "/api/leads/59/assigned",
        None,
        Sent::Json(r#"{"assigned":[]}"#),
    );
    assert_eq!(lead.assigned, Some(Vec::new()));
}

/// `set_lead_tags` PUTs the tag titles as JSON, `{"tags":["priority","q3 – web"]}`.
#[tokio::test]
async fn set_lead_tags_wire() {
    let answer = envelope(
        json!({"id": 59, "tags": ["priority", "q3 – web"]}),
        "Lead tags updated successfully.",
    );
    let server = serve(200, &answer).await;

    let tags = vec!["priority".to_owned(), "q3 – web".to_owned()];
    let lead = client(&server)
        .set_lead_tags(59, &types::LeadTags::new(tags.clone()))
        .await
        .unwrap();

    let req = single_request(&server).await;
    assert_wire(
        &req,
        "PUT",
        "/api/leads/59/tags",
        None,
        Sent::Json(r#"{"tags":["priority","q3 – web"]}"#),
    );
    assert_eq!(lead.tags, Some(tags));
    assert_eq!(
        lead.rest().get("message"),
        Some(&json!("Lead tags updated successfully."))
    );
}

/// Clearing the tags sends `{"tags":[]}` as JSON (note `empty-set-encoding`).
#[tokio::test]
async fn set_lead_tags_empty_list_is_sent_as_json() {
    let server = serve(
        200,
        &envelope(
            json!({"id": 59, "tags": []}),
            "Lead tags updated successfully.",
        ),
    )
    .await;

    let lead = client(&server)
        .set_lead_tags(59, &types::LeadTags::new(Vec::new()))
        .await
        .unwrap();

    let req = single_request(&server).await;
    assert_wire(
        &req,
        "PUT",
        "/api/leads/59/tags",
        None,
        Sent::Json(r#"{"tags":[]}"#),
    );
    assert_eq!(lead.tags, Some(Vec::new()));
}

/// `archive_lead` is a bodiless `PUT /api/leads/59/archive` and reads the lead it answers.
#[tokio::test]
async fn archive_lead_wire() {
    let server = serve(
        200,
        &envelope(
            json!({"id": 59, "active_state": "archived"}),
            "Lead archived.",
        ),
    )
    .await;

    let lead = client(&server).archive_lead(59).await.unwrap();

    let req = single_request(&server).await;
    assert_wire(&req, "PUT", "/api/leads/59/archive", None, Sent::Nothing);
    assert_eq!(lead.active_state, Some(types::ActiveState::Archived));
}

/// `activate_lead` is a bodiless `PUT /api/leads/59/activate` and reads the lead it answers.
#[tokio::test]
async fn activate_lead_wire() {
    let server = serve(
        200,
        &envelope(
            json!({"id": 59, "active_state": "active"}),
            "Lead activated.",
        ),
    )
    .await;

    let lead = client(&server).activate_lead(59).await.unwrap();

    let req = single_request(&server).await;
    assert_wire(&req, "PUT", "/api/leads/59/activate", None, Sent::Nothing);
    assert_eq!(lead.active_state, Some(types::ActiveState::Active));
}

/// `convert_lead` POSTs the document's example form and reads the 201 answer: the client's
/// `id` typed, its other (undocumented) fields kept in `extra`.
#[tokio::test]
async fn convert_lead_wire() {
    let answer = envelope(
        json!({"id": 12, "client_company_name": "Acme Inc", "client_status": "active"}),
        "Lead converted to client successfully.",
    );
    let server = serve(201, &answer).await;

    let mut conversion = types::LeadConversion::new(
        "Jane".to_owned(),
        "Doe".to_owned(),
        "jane@acme.example".to_owned(),
    );
    conversion.client_company_name = Some("Acme Inc".to_owned());
    let converted = client(&server).convert_lead(59, &conversion).await.unwrap();

    let body =
        "first_name=Jane&last_name=Doe&email=jane%40acme.example&client_company_name=Acme%20Inc";
    let req = single_request(&server).await;
    assert_wire(
        &req,
        "POST",
        "/api/leads/59/convert",
        None,
        Sent::Form(body),
    );
    assert_eq!(converted.status().as_u16(), 201);
    assert_eq!(converted.id, Some(12));
    assert_eq!(
        Value::Object(converted.extra.to_map()),
        json!({"client_company_name": "Acme Inc", "client_status": "active"})
    );
    assert_eq!(
        converted.rest().get("message"),
        Some(&json!("Lead converted to client successfully."))
    );
}

/// Every convert option goes out under its documented name: the due days as an integer and the
/// switches as `yes`/`no`.
#[tokio::test]
async fn convert_lead_sends_every_option() {
    let server = serve(201, &envelope(json!({"id": 12}), "Lead converted.")).await;

    let mut conversion = types::LeadConversion::new(
        "Jane".to_owned(),
        "Doe".to_owned(),
        "jane@acme.example".to_owned(),
    );
    conversion.client_company_name = Some("Acme Inc".to_owned());
    conversion.client_billing_invoice_due_days = Some(30);
    conversion.send_welcome_email = Some(types::YesNo::Yes);
    conversion.delete_lead = Some(types::YesNo::No);
    client(&server).convert_lead(59, &conversion).await.unwrap();

    let body = concat!(
        "first_name=Jane&last_name=Doe&email=jane%40acme.example&client_company_name=Acme%20Inc",
        "&client_billing_invoice_due_days=30&send_welcome_email=yes&delete_lead=no",
    );
    let req = single_request(&server).await;
    assert_wire(
        &req,
        "POST",
        "/api/leads/59/convert",
        None,
        Sent::Form(body),
    );
}

/// A convert answer without an `id` still decodes (the client was made; note
/// `convert-response`).
#[tokio::test]
async fn convert_lead_answer_without_id_decodes() {
    let server = serve(201, &envelope(json!({"client_id": 12}), "Lead converted.")).await;

    let conversion = types::LeadConversion::new(
        "Jane".to_owned(),
        "Doe".to_owned(),
        "jane@acme.example".to_owned(),
    );
    let converted = client(&server).convert_lead(59, &conversion).await.unwrap();

    assert_eq!(converted.id, None);
    assert_eq!(converted.extra.value("client_id"), Some(json!(12)));
}

/// `clone_lead` POSTs the document's example form (title and status) to `/api/leads/59/clone`.
#[tokio::test]
async fn clone_lead_wire() {
    let answer = envelope(
        json!({"id": 60, "title": "Acme – new website (copy)", "status": {"id": 1}}),
        "Lead cloned successfully.",
    );
    let server = serve(201, &answer).await;

    let clone = types::LeadClone::new("Acme – new website (copy)".to_owned(), 1);
    let cloned = client(&server).clone_lead(59, &clone).await.unwrap();

    let body = "lead_title=Acme%20%E2%80%93%20new%20website%20%28copy%29&lead_status=1";
    let req = single_request(&server).await;
    assert_wire(&req, "POST", "/api/leads/59/clone", None, Sent::Form(body));
    assert_eq!(cloned.status().as_u16(), 201);
    assert_eq!(cloned.id, 60);
    assert_eq!(cloned.title.as_deref(), Some("Acme – new website (copy)"));
}

/// Every clone parameter goes out under its documented name, the value as exact text and the
/// copy switches as `on`.
#[tokio::test]
async fn clone_lead_sends_every_field() {
    let server = serve(
        201,
        &envelope(json!({"id": 60}), "Lead cloned successfully."),
    )
    .await;

    let mut clone = types::LeadClone::new("Copy".to_owned(), 2);
    clone.lead_firstname = Some("Jane".to_owned());
    clone.lead_lastname = Some("Doe".to_owned());
    clone.lead_email = Some("jane@acme.example".to_owned());
    clone.lead_phone = Some("+1 555 0100".to_owned());
    clone.lead_company_name = Some("Acme Inc".to_owned());
    clone.lead_website = Some("https://acme.example".to_owned());
    clone.lead_value = Some(decimal("99.90"));
    clone.copy_checklist = Some(types::On::On);
    clone.copy_files = Some(types::On::On);
    client(&server).clone_lead(59, &clone).await.unwrap();

    let body = concat!(
        "lead_title=Copy&lead_status=2&lead_firstname=Jane&lead_lastname=Doe",
        "&lead_email=jane%40acme.example&lead_phone=%2B1%20555%200100",
        "&lead_company_name=Acme%20Inc&lead_website=https%3A%2F%2Facme.example",
        "&lead_value=99.90&copy_checklist=on&copy_files=on",
    );
    let req = single_request(&server).await;
    assert_wire(&req, "POST", "/api/leads/59/clone", None, Sent::Form(body));
}

// ----------------------------------------------------------------------------------------------
// Comments

/// `list_lead_comments` is `GET /api/leads/59/comments` and decodes the documented list.
#[tokio::test]
async fn list_lead_comments_wire_and_example() {
    let api = load_spec("grow_crm");
    let server = serve(
        200,
        response_example(&api, "list_lead_comments", 200, "one_comment"),
    )
    .await;

    let comments = client(&server).list_lead_comments(59).await.unwrap();

    let req = single_request(&server).await;
    assert_wire(&req, "GET", "/api/leads/59/comments", None, Sent::Nothing);
    assert_eq!(comments.unknown_fields(), Vec::<String>::new());
    let creator = types::CommentCreator::new(1, "Admin".to_owned());
    assert_eq!(
        comments.as_slice(),
        [types::LeadComment::new(9, "...".to_owned(), creator)]
    );
    assert_eq!(comments.rest().get("message"), Some(&json!("...")));
}

/// `add_lead_comment` POSTs the document's example form `comment=...` and reads the new comment
/// from the 201 answer.
#[tokio::test]
async fn add_lead_comment_wire() {
    let text = "Called the prospect, following up next week";
    let answer = envelope(
        json!({"id": 10, "text": text, "creator": {"id": 1, "name": "Admin"}}),
        "Lead comment added successfully.",
    );
    let server = serve(201, &answer).await;

    let comment = client(&server)
        .add_lead_comment(59, &types::NewLeadComment::new(text.to_owned()))
        .await
        .unwrap();

    let body = "comment=Called%20the%20prospect%2C%20following%20up%20next%20week";
    let req = single_request(&server).await;
    assert_wire(
        &req,
        "POST",
        "/api/leads/59/comments",
        None,
        Sent::Form(body),
    );
    assert_eq!(comment.status().as_u16(), 201);
    assert_eq!((comment.id, comment.text.as_str()), (10, text));
    assert_eq!(comment.creator.name, "Admin");
}

/// `delete_lead_comment` is a bodiless `DELETE /api/leads/59/comments/9` and decodes the
/// documented answer.
#[tokio::test]
async fn delete_lead_comment_wire_and_example() {
    let api = load_spec("grow_crm");
    let server = serve(
        200,
        response_example(&api, "delete_lead_comment", 200, "deleted"),
    )
    .await;

    let deleted = client(&server).delete_lead_comment(59, 9).await.unwrap();

    let req = single_request(&server).await;
    assert_wire(
        &req,
        "DELETE",
        "/api/leads/59/comments/9",
        None,
        Sent::Nothing,
    );
    assert_eq!(deleted.id, 9);
    assert_eq!(
        deleted.rest().get("message"),
        Some(&json!("Lead comment deleted successfully."))
    );
}

// ----------------------------------------------------------------------------------------------
// Errors

/// A 422 with the documented validation body is an `Api` error whose `errors` map holds the
/// messages by form field name.
#[tokio::test]
async fn validation_422_decodes_the_field_errors() {
    let api = load_spec("grow_crm");
    let body = error_example(&api, "lead_validation");
    let server = serve(422, body).await;

    let new = types::NewLead::new(String::new(), 999, 3);
    let err = client(&server).create_lead(&new).await.unwrap_err();

    assert!(matches!(err, grow_crm::Error::Api(_)), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(422));
    let api_body = err.api().unwrap();
    assert_eq!(api_body.message, "The given data was invalid.");
    let errors = api_body.errors.as_ref().unwrap();
    assert_eq!(
        errors.get("lead_title").map(Vec::as_slice),
        Some(["The lead title field is required.".to_owned()].as_slice())
    );
    assert_eq!(
        errors.get("lead_status").map(Vec::as_slice),
        Some(["The selected lead status is invalid.".to_owned()].as_slice())
    );
    assert_eq!(errors.len(), 2);
    assert_eq!(err.response().unwrap().body.as_ref(), body.as_bytes());
    assert_eq!(received(&server).await.len(), 1, "a 422 is not retried");
}

/// The spec's generic error shape (`{message, errors: {field: [...]}}`) decodes as well.
#[tokio::test]
async fn the_documented_error_shape_decodes() {
    let api = load_spec("grow_crm");
    let server = serve(422, error_example(&api, "documented_shape")).await;

    let err = client(&server).get_lead(59).await.unwrap_err();

    let body = err.api().unwrap();
    assert_eq!(body.message, "...");
    let errors = body.errors.as_ref().unwrap();
    assert_eq!(errors["field"], ["..."]);
}

/// A 404 for an unknown lead is an `Api` error with the server's message and no field errors.
#[tokio::test]
async fn not_found_404_is_an_api_error() {
    let server = serve(404, r#"{"message": "Lead not found."}"#).await;

    let err = client(&server).get_lead(60).await.unwrap_err();

    assert!(matches!(err, grow_crm::Error::Api(_)), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(err.api().unwrap().message, "Lead not found.");
    assert_eq!(err.api().unwrap().errors, None);
    assert_eq!(single_request(&server).await.url.path(), "/api/leads/60");
}

/// A 404 for an unknown comment is an `Api` error as well.
#[tokio::test]
async fn not_found_comment_404_is_an_api_error() {
    let server = serve(404, r#"{"message": "Comment not found."}"#).await;

    let err = client(&server)
        .delete_lead_comment(59, 99)
        .await
        .unwrap_err();

    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(err.api().unwrap().message, "Comment not found.");
}

/// The documented 401 body (missing or wrong key) is an `Api` error with its message.
#[tokio::test]
async fn unauthorized_401_is_an_api_error() {
    let api = load_spec("grow_crm");
    let server = serve(401, error_example(&api, "unauthorized")).await;

    let err = client(&server).list_leads().await.unwrap_err();

    assert!(matches!(err, grow_crm::Error::Api(_)), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(
        err.api().unwrap().message,
        "Unauthorized. A valid API key is required."
    );
    assert_eq!(received(&server).await.len(), 1);
}

/// Converting a lead a second time is a 409 `Api` error, and the convert is not repeated.
#[tokio::test]
async fn convert_409_already_converted_is_an_api_error() {
    let body = r#"{"message": "The lead has already been converted to a client."}"#;
    let server = serve(409, body).await;

    let conversion = types::LeadConversion::new(
        "Jane".to_owned(),
        "Doe".to_owned(),
        "jane@acme.example".to_owned(),
    );
    let err = client(&server)
        .convert_lead(59, &conversion)
        .await
        .unwrap_err();

    assert!(matches!(err, grow_crm::Error::Api(_)), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(409));
    assert_eq!(
        err.api().unwrap().message,
        "The lead has already been converted to a client."
    );
    assert_eq!(received(&server).await.len(), 1);
}

/// A failure whose body is not the documented `{message}` body (a proxy's HTML page) is
/// `UnexpectedStatus` with the raw body kept.
#[tokio::test]
async fn a_failure_without_the_error_body_is_unexpected_status() {
    let page = "<html><body>500 Server Error</body></html>";
    let server = serve_with(ResponseTemplate::new(500).set_body_raw(page, "text/html")).await;

    let err = client(&server).get_lead(59).await.unwrap_err();

    assert!(
        matches!(err, grow_crm::Error::UnexpectedStatus(_)),
        "{err:?}"
    );
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(err.response().unwrap().body.as_ref(), page.as_bytes());
}

/// A success without the `data` envelope key is a `Decode` error that names the key.
#[tokio::test]
async fn a_success_without_data_is_a_decode_error() {
    let server = serve(200, r#"{"message": "Lead retrieved successfully."}"#).await;

    let err = client(&server).get_lead(59).await.unwrap_err();

    let grow_crm::Error::Decode(decode) = &err else {
        panic!("a decode error expected: {err:?}")
    };
    assert!(decode.message.contains("`data`"), "{}", decode.message);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
}

// ----------------------------------------------------------------------------------------------
// Retries (the spec's `retry` block)

/// A 429 proves the request was not processed: even a create is retried, with the
/// `Retry-After` wait, and succeeds.
#[tokio::test]
async fn a_429_is_retried_even_for_create() {
    let api = load_spec("grow_crm");
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "2"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let created = response_example(&api, "create_lead", 201, "created");
    Mock::given(any())
        .respond_with(ResponseTemplate::new(201).set_body_raw(created, "application/json"))
        .mount(&server)
        .await;
    let (client, delays) = instant_retry_client(&server);

    let new = types::NewLead::new(TITLE.to_owned(), 1, 3);
    let lead = client.create_lead(&new).await.unwrap();

    assert_eq!(lead.id, 59);
    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].body, requests[1].body, "the same form twice");
    assert_eq!(*delays.lock().unwrap(), [Duration::from_secs(2)]);
}

/// A 503 is retried for the idempotent calls (get, the full update) but not for a create,
/// which may have been carried out.
#[tokio::test]
async fn a_503_is_retried_only_for_idempotent_calls() {
    let server = serve(503, r#"{"message": "Service Unavailable"}"#).await;
    let (client, _) = instant_retry_client(&server);

    let err = client.get_lead(59).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(received(&server).await.len(), 3, "get: three attempts");

    let lead = documented_lead();
    client.update_lead(59, &lead).await.unwrap_err();
    assert_eq!(
        received(&server).await.len(),
        6,
        "update (PATCH, idempotent): three attempts"
    );

    let new = types::NewLead::new(TITLE.to_owned(), 1, 3);
    let err = client.create_lead(&new).await.unwrap_err();
    assert_eq!(err.api().unwrap().message, "Service Unavailable");
    assert_eq!(received(&server).await.len(), 7, "create: one attempt");
}

// ----------------------------------------------------------------------------------------------
// Client

/// Without a base URL override the client calls `https://{domain}/api`; here the domain is
/// checked through `Debug`, which shows the base URL and never the key.
#[tokio::test]
async fn the_default_base_url_is_the_account_domain() {
    let client = grow_crm::Client::builder("secret_key_9f2")
        .domain("crm.example.com")
        .build()
        .unwrap();

    let shown = format!("{client:?}");

    assert!(shown.contains("https://crm.example.com/api"), "{shown}");
    assert!(!shown.contains("secret_key_9f2"), "{shown}");
}

/// A whole base URL (a sandbox, a proxy, this test server) replaces the account domain: no
/// `.domain(..)` is needed, and the calls go to that URL, key included.
#[tokio::test]
async fn a_client_from_a_full_base_url_needs_no_domain() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::method("GET"))
        .and(wiremock::matchers::path("/crm/api/leads/7"))
        .and(wiremock::matchers::header("authorization", "Bearer k"))
        .respond_with(ResponseTemplate::new(404).set_body_string("{}"))
        .expect(1)
        .mount(&server)
        .await;
    let client = grow_crm::Client::builder("k")
        .base_url(format!("{}/crm/api", server.uri()))
        .transport(|t| t.allow_http(true))
        .build()
        .unwrap();
    let answer = tokio::time::timeout(Duration::from_secs(10), client.get_lead(7))
        .await
        .unwrap();
    assert_eq!(answer.unwrap_err().status().map(|s| s.as_u16()), Some(404));
}

/// Neither a domain nor a base URL: `build` says which two settings would do.
#[test]
fn neither_a_domain_nor_a_base_url_is_a_clear_build_error() {
    let err = grow_crm::Client::builder("k").build().unwrap_err();
    assert!(
        matches!(
            err,
            saas_clients::runtime::BuildError::Missing {
                setting: "domain",
                ..
            }
        ),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(
        text.contains(".domain(..)") && text.contains(".base_url(..)"),
        "{text}"
    );
    // A domain that would move the key elsewhere is still refused.
    let err = grow_crm::Client::builder("k")
        .domain("evil.example/")
        .build()
        .unwrap_err();
    assert!(
        matches!(err, saas_clients::runtime::BuildError::BaseUrl { .. }),
        "{err:?}"
    );
}
