//! Wire tests of the generated Teamleader Focus API v2 client.
//!
//! Each test points the client at a local HTTP server, makes calls, and checks what crossed the
//! wire byte for byte: every v2 call is a POST to `/<resource>.<action>` without a query, with
//! `Authorization: Bearer <access token>` from an OAuth2 session and, when it has a body, a JSON
//! body. The server answers with the documented examples, read from `specs/teamleader_v2/`
//! at test time; the vendor document is `shared/sources/more/teamleader-v2-apiary.apib`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use clientgen_runtime::oauth::{OAuthSession, TokenPair};
use clientgen_runtime::{Sleeper, UnknownFields};
use clientgen_tests::{
    RecordingStore, Sent, assert_header, assert_request, body_text, error_example, load_spec,
    received, request_example, response_example, serve, serve_with, single_request,
};
use futures::StreamExt;
use saas_clients::teamleader_v2::{self, types};
use serde_json::value::RawValue;
use serde_json::{Value, json};
use wiremock::matchers::{any, body_partial_json, header, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// One row per action of the spec: every documented body and answer on the wire.
#[path = "teamleader_v2_wire/actions.rs"]
mod actions;

/// A contact id of the document's examples.
const ID: &str = "cde0bc5f-8602-4e12-b5d3-f03436b54c0d";
/// A company id of the document's examples.
const COMPANY: &str = "4da20f00-0628-4336-b885-aa90e580dd85";

/// A session holding access token `AT`, which expires at `expires_at`, and refresh token `RT`,
/// whose token URL is on `server`; and the store it saves new pairs to.
fn session(
    server: &MockServer,
    expires_at: SystemTime,
) -> (Arc<OAuthSession>, Arc<RecordingStore>) {
    let store = Arc::new(RecordingStore::default());
    let config = teamleader_v2::oauth_config("client", "secret", "https://app.example/cb")
        .with_token_url(format!("{}/oauth2/access_token", server.uri()));
    let pair = TokenPair {
        access_token: "AT".into(),
        refresh_token: "RT".into(),
        expires_at,
    };
    (OAuthSession::new(config, pair, store.clone()), store)
}

fn in_an_hour() -> SystemTime {
    SystemTime::now() + Duration::from_secs(3600)
}

fn builder(server: &MockServer, session: Arc<OAuthSession>) -> teamleader_v2::ClientBuilder {
    teamleader_v2::Client::builder(session).transport(|t| t.base_url(server.uri()).allow_http(true))
}

/// A client for `server` whose session holds a token valid for an hour (see [`session`]), and
/// the store of its session.
fn client_and_store(server: &MockServer) -> (teamleader_v2::Client, Arc<RecordingStore>) {
    let (session, store) = session(server, in_an_hour());
    (
        builder(server, session).build().expect("client builds"),
        store,
    )
}

/// A client whose retries do not sleep; the delays asked for are recorded instead.
fn instant_retry_client(server: &MockServer) -> (teamleader_v2::Client, Arc<Mutex<Vec<Duration>>>) {
    let delays: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let record = Arc::clone(&delays);
    let sleeper = Sleeper::new(move |d| {
        record.lock().unwrap().push(d);
        Box::pin(async {})
    });
    let client = builder(server, session(server, in_an_hour()).0)
        .transport(|t| t.sleeper(sleeper))
        .build()
        .expect("client builds");
    (client, delays)
}

fn client(server: &MockServer) -> teamleader_v2::Client {
    client_and_store(server).0
}

/// Asserts what every v2 call sends (a POST without a query, `Authorization: Bearer AT`,
/// `Accept: application/json`) and what this one sent: the path and, for `Some`, the exact
/// JSON body with `Content-Type: application/json`; for `None`, no body and no `Content-Type`.
#[track_caller]
fn assert_wire(req: &Request, path: &str, json: Option<&str>) {
    assert_header(req, "authorization", Some("Bearer AT"));
    assert_request(
        req,
        "POST",
        path,
        None,
        json.map_or(Sent::Nothing, Sent::Json),
    );
}

fn body_json(req: &Request) -> Value {
    serde_json::from_slice(&req.body).expect("JSON body")
}

fn s(text: &str) -> String {
    text.to_owned()
}

/// The documented answer `name` of `op` with `status`, and the value it must decode to: the
/// payload under `data`, decoded by serde on its own.
fn data<T: serde::de::DeserializeOwned>(
    op: &str,
    status: u16,
    name: &str,
) -> (ResponseTemplate, T) {
    documented(op, status, name, Some("data"))
}

/// Like [`data`], for the list answers, which are typed with their envelope (`data`, `meta`,
/// `included`): the whole body.
fn whole<T: serde::de::DeserializeOwned>(
    op: &str,
    status: u16,
    name: &str,
) -> (ResponseTemplate, T) {
    documented(op, status, name, None)
}

fn documented<T: serde::de::DeserializeOwned>(
    op: &str,
    status: u16,
    name: &str,
    envelope: Option<&str>,
) -> (ResponseTemplate, T) {
    let api = load_spec("teamleader_v2");
    let text = response_example(&api, op, status, name);
    let expected = decode_documented(text, envelope).expect("example payload decodes");
    let template =
        ResponseTemplate::new(status).set_body_raw(text.as_bytes().to_vec(), "application/json");
    (template, expected)
}

/// Decodes a documented answer's payload (its `envelope` member, or the whole body) from the
/// text itself, as the client does. Through a `serde_json::Value` an amount such as `123.30`
/// would be read as a float first (`123.3`), while the client keeps the digits.
fn decode_documented<T: serde::de::DeserializeOwned>(
    text: &str,
    envelope: Option<&str>,
) -> Result<T, String> {
    let Some(key) = envelope else {
        return serde_json::from_str(text).map_err(|e| e.to_string());
    };
    let mut body: BTreeMap<String, Box<RawValue>> =
        serde_json::from_str(text).map_err(|e| e.to_string())?;
    let payload = body.remove(key);
    serde_json::from_str(payload.as_ref().map_or("null", |raw| raw.get()))
        .map_err(|e| e.to_string())
}

/// A 204 without a body, as every documented action answers.
fn no_content() -> (ResponseTemplate, ()) {
    (ResponseTemplate::new(204), ())
}

/// An error body of the documented shape.
fn error_body(title: &str) -> Value {
    json!({"errors": [{"title": title}]})
}

fn json_answer(status: u16, body: &Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_string().into_bytes(), "application/json")
}

// ----------------------------------------------------------------------------------------------
// Every operation

/// Every one of the 32 operations, with only its required fields set, POSTs exactly that JSON
/// (users.me and webhooks.list: nothing) to `/<resource>.<action>` with the bearer token, and
/// decodes its documented answer: the payload of every example typed completely, 204 as `()`.
#[tokio::test]
async fn every_operation_sends_its_body_and_decodes_its_documented_answer() {
    let mut covered: BTreeSet<&str> = BTreeSet::new();
    // One call per operation, each through a fresh server and client: the client's rate limit
    // (200 calls a minute, 300 ms apart) would otherwise make this test take ten seconds.
    macro_rules! check {
        ($op:ident, $server:ident, $value:expr, $expected:expr, $path:literal, $json:expr) => {{
            let value = $value.unwrap_or_else(|e| panic!("{}: {e:?}", stringify!($op)));
            assert_eq!(*value, $expected, "answer of {}", stringify!($op));
            let unknown = value.unknown_fields();
            assert_eq!(unknown, Vec::<String>::new(), "{}", stringify!($op));
            assert_wire(&single_request(&$server).await, $path, $json);
            assert!(covered.insert(stringify!($op)), "{} twice", stringify!($op));
        }};
    }
    macro_rules! case {
        ($op:ident(), $path:literal, $answer:expr) => {{
            let (template, expected) = $answer;
            let server = serve_with(template).await;
            let value = client(&server).$op().await;
            check!($op, server, value, expected, $path, None);
        }};
        ($op:ident($body:expr), $path:literal, $json:literal, $answer:expr) => {{
            let (template, expected) = $answer;
            let server = serve_with(template).await;
            let body = $body;
            let value = client(&server).$op(&body).await;
            check!($op, server, value, expected, $path, Some($json));
        }};
    }

    case!(
        users_me(),
        "/users.me",
        data::<types::CurrentUser>("users_me", 200, "john_smith")
    );
    case!(
        migrate_id(types::MigrateIdRequest::new(
            types::LegacyObjectType::Contact,
            1
        )),
        "/migrate.id",
        r#"{"type":"contact","id":1}"#,
        data::<types::MigratedId>("migrate_id", 200, "contact")
    );
    case!(
        migrate_tax_rate(types::MigrateTaxRateRequest::new(s(ID), s("21"))),
        "/migrate.taxRate",
        r#"{"department_id":"cde0bc5f-8602-4e12-b5d3-f03436b54c0d","tax_rate":"21"}"#,
        data::<types::Reference>("migrate_tax_rate", 200, "tax_rate")
    );
    case!(
        migrate_activity_type(types::MigrateActivityTypeRequest::new(
            types::ActivityTypeName::Meeting
        )),
        "/migrate.activityType",
        r#"{"type":"meeting"}"#,
        data::<types::Reference>("migrate_activity_type", 200, "activity_type")
    );
    case!(
        webhooks_register(types::Webhook::new(
            s("https://example.com/hook"),
            vec![types::WebhookEventType::ContactAdded]
        )),
        "/webhooks.register",
        r#"{"url":"https://example.com/hook","types":["contact.added"]}"#,
        no_content()
    );
    case!(
        webhooks_list(),
        "/webhooks.list",
        data::<Vec<types::Webhook>>("webhooks_list", 200, "one_webhook")
    );
    case!(
        webhooks_unregister(types::Webhook::new(
            s("https://example.com/hook"),
            vec![types::WebhookEventType::ContactAdded]
        )),
        "/webhooks.unregister",
        r#"{"url":"https://example.com/hook","types":["contact.added"]}"#,
        no_content()
    );
    case!(
        contacts_list(types::ListContactsRequest::default()),
        "/contacts.list",
        "{}",
        whole::<types::ContactList>("contacts_list", 200, "one_contact")
    );
    case!(
        contacts_info(types::ContactInfoRequest::new(s(ID))),
        "/contacts.info",
        r#"{"id":"cde0bc5f-8602-4e12-b5d3-f03436b54c0d"}"#,
        data::<types::Contact>("contacts_info", 200, "erlich_bachman")
    );
    case!(
        contacts_add(types::NewContact::new(s("Smith"))),
        "/contacts.add",
        r#"{"last_name":"Smith"}"#,
        data::<types::CreatedReference>("contacts_add", 201, "created")
    );
    case!(
        contacts_update(types::UpdateContact::new(s(ID))),
        "/contacts.update",
        r#"{"id":"cde0bc5f-8602-4e12-b5d3-f03436b54c0d"}"#,
        no_content()
    );
    case!(
        contacts_delete(types::IdRequest::new(s(ID))),
        "/contacts.delete",
        r#"{"id":"cde0bc5f-8602-4e12-b5d3-f03436b54c0d"}"#,
        no_content()
    );
    case!(
        contacts_tag(types::TagRequest::new(
            s(ID),
            vec![s("prospect"), s("expo")]
        )),
        "/contacts.tag",
        r#"{"id":"cde0bc5f-8602-4e12-b5d3-f03436b54c0d","tags":["prospect","expo"]}"#,
        no_content()
    );
    case!(
        contacts_untag(types::TagRequest::new(s(ID), vec![s("expo")])),
        "/contacts.untag",
        r#"{"id":"cde0bc5f-8602-4e12-b5d3-f03436b54c0d","tags":["expo"]}"#,
        no_content()
    );
    case!(
        contacts_link_to_company(types::CompanyLinkRequest::new(s(ID), s(COMPANY))),
        "/contacts.linkToCompany",
        r#"{"id":"cde0bc5f-8602-4e12-b5d3-f03436b54c0d","company_id":"4da20f00-0628-4336-b885-aa90e580dd85"}"#,
        no_content()
    );
    case!(
        contacts_unlink_from_company(types::CompanyUnlinkRequest::new(s(ID), s(COMPANY))),
        "/contacts.unlinkFromCompany",
        r#"{"id":"cde0bc5f-8602-4e12-b5d3-f03436b54c0d","company_id":"4da20f00-0628-4336-b885-aa90e580dd85"}"#,
        no_content()
    );
    case!(
        contacts_update_company_link(types::CompanyLinkRequest::new(s(ID), s(COMPANY))),
        "/contacts.updateCompanyLink",
        r#"{"id":"cde0bc5f-8602-4e12-b5d3-f03436b54c0d","company_id":"4da20f00-0628-4336-b885-aa90e580dd85"}"#,
        no_content()
    );
    case!(
        companies_list(types::ListCompaniesRequest::default()),
        "/companies.list",
        "{}",
        whole::<types::CompanyList>("companies_list", 200, "one_company")
    );
    case!(
        companies_info(types::CompanyInfoRequest::new(s(COMPANY))),
        "/companies.info",
        r#"{"id":"4da20f00-0628-4336-b885-aa90e580dd85"}"#,
        data::<types::Company>("companies_info", 200, "pied_piper")
    );
    case!(
        companies_add(types::NewCompany::new(s("Pied Piper"))),
        "/companies.add",
        r#"{"name":"Pied Piper"}"#,
        data::<types::CreatedReference>("companies_add", 201, "created")
    );
    case!(
        companies_update(types::UpdateCompany::new(s(COMPANY))),
        "/companies.update",
        r#"{"id":"4da20f00-0628-4336-b885-aa90e580dd85"}"#,
        no_content()
    );
    case!(
        companies_delete(types::IdRequest::new(s(COMPANY))),
        "/companies.delete",
        r#"{"id":"4da20f00-0628-4336-b885-aa90e580dd85"}"#,
        no_content()
    );
    case!(
        companies_tag(types::TagRequest::new(s(COMPANY), vec![s("lead")])),
        "/companies.tag",
        r#"{"id":"4da20f00-0628-4336-b885-aa90e580dd85","tags":["lead"]}"#,
        no_content()
    );
    case!(
        companies_untag(types::TagRequest::new(s(COMPANY), vec![s("lead")])),
        "/companies.untag",
        r#"{"id":"4da20f00-0628-4336-b885-aa90e580dd85","tags":["lead"]}"#,
        no_content()
    );
    case!(
        deals_list(types::ListDealsRequest::default()),
        "/deals.list",
        "{}",
        whole::<types::DealList>("deals_list", 200, "one_deal")
    );
    case!(
        deals_info(types::DealInfoRequest::new(s(ID))),
        "/deals.info",
        r#"{"id":"cde0bc5f-8602-4e12-b5d3-f03436b54c0d"}"#,
        data::<types::Deal>("deals_info", 200, "interesting_deal")
    );
    case!(
        deals_create(types::NewDeal::new(
            types::NewDealLead::new(types::CustomerReference::new(
                types::CustomerType::Company,
                s(COMPANY)
            )),
            s("Interesting deal")
        )),
        "/deals.create",
        r#"{"lead":{"customer":{"type":"company","id":"4da20f00-0628-4336-b885-aa90e580dd85"}},"title":"Interesting deal"}"#,
        data::<types::CreatedReference>("deals_create", 201, "created")
    );
    case!(
        deals_update(types::UpdateDeal::new(s(ID))),
        "/deals.update",
        r#"{"id":"cde0bc5f-8602-4e12-b5d3-f03436b54c0d"}"#,
        no_content()
    );
    case!(
        deals_move(types::MoveDealRequest::new(s(ID), s(COMPANY))),
        "/deals.move",
        r#"{"id":"cde0bc5f-8602-4e12-b5d3-f03436b54c0d","phase_id":"4da20f00-0628-4336-b885-aa90e580dd85"}"#,
        no_content()
    );
    case!(
        deals_win(types::IdRequest::new(s(ID))),
        "/deals.win",
        r#"{"id":"cde0bc5f-8602-4e12-b5d3-f03436b54c0d"}"#,
        no_content()
    );
    case!(
        deals_lose(types::LoseDealRequest::new(s(ID))),
        "/deals.lose",
        r#"{"id":"cde0bc5f-8602-4e12-b5d3-f03436b54c0d"}"#,
        no_content()
    );
    case!(
        deals_delete(types::IdRequest::new(s(ID))),
        "/deals.delete",
        r#"{"id":"cde0bc5f-8602-4e12-b5d3-f03436b54c0d"}"#,
        no_content()
    );

    let api = load_spec("teamleader_v2");
    let in_spec: BTreeSet<&str> = api.operations.iter().map(|op| op.id.as_str()).collect();
    // The 32 operations of `api.yaml`; `actions.rs` has a row for every operation of the spec.
    assert!(covered.is_subset(&in_spec), "only operations of the spec");
    assert_eq!(covered.len(), 32);
}

/// The documented request bodies: each decodes into its request type and, sent by the client,
/// arrives as the same JSON (date-times written with the offset without a colon, as note
/// `date-types` says), nothing lost and nothing added.
#[tokio::test]
async fn documented_request_bodies_cross_the_wire_unchanged() {
    let api = load_spec("teamleader_v2");
    let mut sent = 0;
    let mut named: BTreeSet<&str> = BTreeSet::new();
    macro_rules! documented {
        ($op:ident, $ty:ty, $example:literal) => {{
            let text = request_example(&api, stringify!($op), $example);
            let body: $ty = serde_json::from_str(text).expect("example decodes");
            assert_eq!(
                body.unknown_fields(),
                Vec::<String>::new(),
                "{}",
                stringify!($op)
            );
            let server = serve(204, "").await;
            // Only the request matters here: a 204 is not every operation's answer.
            let _answer = client(&server).$op(&body).await;
            let req = single_request(&server).await;
            assert_header(&req, "content-type", Some("application/json"));
            let expected: Value =
                serde_json::from_str(&text.replace("+00:00\"", "+0000\"")).unwrap();
            assert_eq!(
                body_json(&req),
                expected,
                "{} {}",
                stringify!($op),
                $example
            );
            sent += 1;
            named.insert(stringify!($op));
        }};
    }
    documented!(migrate_id, types::MigrateIdRequest, "contact");
    documented!(migrate_tax_rate, types::MigrateTaxRateRequest, "rate_21");
    documented!(
        migrate_activity_type,
        types::MigrateActivityTypeRequest,
        "meeting"
    );
    documented!(webhooks_register, types::Webhook, "webhook");
    documented!(webhooks_unregister, types::Webhook, "webhook");
    documented!(contacts_list, types::ListContactsRequest, "filtered");
    documented!(contacts_info, types::ContactInfoRequest, "by_id");
    documented!(contacts_add, types::NewContact, "john_smith");
    documented!(contacts_update, types::UpdateContact, "john_smith");
    documented!(
        contacts_update,
        types::UpdateContact,
        "updating_collections"
    );
    documented!(contacts_delete, types::IdRequest, "by_id");
    documented!(contacts_tag, types::TagRequest, "two_tags");
    documented!(contacts_untag, types::TagRequest, "two_tags");
    documented!(contacts_link_to_company, types::CompanyLinkRequest, "ceo");
    documented!(
        contacts_unlink_from_company,
        types::CompanyUnlinkRequest,
        "unlink"
    );
    documented!(
        contacts_update_company_link,
        types::CompanyLinkRequest,
        "ceo"
    );
    documented!(companies_list, types::ListCompaniesRequest, "filtered");
    documented!(companies_info, types::CompanyInfoRequest, "with_relations");
    documented!(companies_add, types::NewCompany, "pied_piper");
    documented!(companies_update, types::UpdateCompany, "pied_piper");
    documented!(companies_delete, types::IdRequest, "by_id");
    documented!(companies_tag, types::TagRequest, "two_tags");
    documented!(companies_untag, types::TagRequest, "two_tags");
    documented!(deals_list, types::ListDealsRequest, "filtered");
    documented!(deals_info, types::DealInfoRequest, "by_id");
    documented!(deals_create, types::NewDeal, "interesting_business_deal");
    documented!(deals_update, types::UpdateDeal, "interesting_business_deal");
    documented!(deals_move, types::MoveDealRequest, "move");
    documented!(deals_win, types::IdRequest, "by_id");
    documented!(deals_lose, types::LoseDealRequest, "postponed");
    documented!(deals_delete, types::IdRequest, "by_id");
    let in_spec = api
        .operations
        .iter()
        .filter(|op| named.contains(op.id.as_str()))
        .filter_map(|op| op.body.as_ref())
        .map(|body| body.examples.len())
        .sum::<usize>();
    // `actions.rs` sends the documented request bodies of every other operation.
    assert_eq!(
        sent, in_spec,
        "every documented request body of these operations"
    );
}

/// A clearable field of contacts.update crosses the wire in each of its three states, byte for
/// byte: unset leaves the key out (the server keeps the value), set sends the value, cleared
/// sends `null` (note `update-nulls`). The last call mixes the states in one body.
#[tokio::test]
async fn contacts_update_sends_clearable_fields_unset_set_and_cleared() {
    use clientgen_runtime::Patch;
    let unset = types::UpdateContact::new(s(ID));
    assert!(
        unset.first_name.is_unset(),
        "a new update leaves every field out"
    );
    let mut set = types::UpdateContact::new(s(ID));
    set.first_name = "Ada".into();
    let mut cleared = types::UpdateContact::new(s(ID));
    cleared.first_name = Patch::Clear;
    let mut mixed = types::UpdateContact::new(s(ID));
    mixed.last_name = Some(s("Lovelace"));
    mixed.website.clear();
    mixed.telephones = Patch::Clear;
    mixed.gender = types::Gender::Female.into();
    mixed
        .birthdate
        .set(chrono::NaiveDate::from_ymd_opt(1815, 12, 10).unwrap());
    let cases = [
        (unset, format!(r#"{{"id":"{ID}"}}"#)),
        (set, format!(r#"{{"id":"{ID}","first_name":"Ada"}}"#)),
        (cleared, format!(r#"{{"id":"{ID}","first_name":null}}"#)),
        (
            mixed,
            format!(
                r#"{{"id":"{ID}","last_name":"Lovelace","telephones":null,"website":null,"gender":"female","birthdate":"1815-12-10"}}"#
            ),
        ),
    ];
    for (body, wire) in cases {
        let server = serve(204, "").await;
        tokio::time::timeout(
            Duration::from_secs(10),
            client(&server).contacts_update(&body),
        )
        .await
        .expect("answered in time")
        .expect("204");
        let req = single_request(&server).await;
        assert_wire(&req, "/contacts.update", Some(&wire));
        // What was sent reads back as the same three states.
        let back: types::UpdateContact = serde_json::from_slice(&req.body).unwrap();
        assert_eq!(back, body);
    }
}

// ----------------------------------------------------------------------------------------------
// Decoded answers, field by field

/// users.me sends no body and decodes the documented user: enums, the nested preferences and
/// the account reference typed.
#[tokio::test]
async fn users_me_decodes_the_documented_user() {
    let api = load_spec("teamleader_v2");
    let server = serve(200, response_example(&api, "users_me", 200, "john_smith")).await;

    let me = client(&server).users_me().await.unwrap();

    assert_wire(&single_request(&server).await, "/users.me", None);
    assert_eq!(me.id, "cb8da52a-ce89-4bf6-8f7e-8ee6cb85e3b5");
    let account = me.account.as_ref().unwrap();
    assert_eq!(
        (account.type_.as_str(), account.id.as_str()),
        ("account", "0fc55513-7f68-4865-aba0-de5da9e4e43d")
    );
    assert_eq!(me.first_name.as_deref(), Some("John"));
    assert_eq!(me.email.as_deref(), Some("john@teamleader.eu"));
    assert_eq!(
        me.email_verification_status,
        Some(types::EmailVerificationStatus::Confirmed)
    );
    assert_eq!(
        me.language.as_ref().map(|l| l.to_string()).as_deref(),
        Some("nl-BE")
    );
    assert_eq!(me.time_zone.as_deref(), Some("Europe/Brussels"));
    let preferences = me.preferences.as_ref().unwrap();
    assert_eq!(preferences.invoiceable, Some(true));
    let limit = preferences.historic_time_tracking_limit.as_ref().unwrap();
    assert_eq!(limit.value, Some(24));
    assert!(me.rest().is_empty(), "nothing beside `data`");
}

/// deals.info decodes the documented deal: money as exact numbers with a currency, the closing date
/// as a date, `closed_at` with its offset, the phase history's offset-less time as written.
#[tokio::test]
async fn deals_info_decodes_money_dates_and_references() {
    let api = load_spec("teamleader_v2");
    let server = serve(
        200,
        response_example(&api, "deals_info", 200, "interesting_deal"),
    )
    .await;

    let deal = client(&server)
        .deals_info(&types::DealInfoRequest::new(s(
            "f6871b06-6513-4750-b5e6-ff3503b5a029",
        )))
        .await
        .unwrap();

    let body = r#"{"id":"f6871b06-6513-4750-b5e6-ff3503b5a029"}"#;
    assert_wire(&single_request(&server).await, "/deals.info", Some(body));
    assert_eq!(deal.status, Some(types::DealStatus::Won));
    let value = deal.estimated_value.as_ref().unwrap();
    assert_eq!(
        (value.amount.as_str(), &value.currency),
        ("123.30", &types::Currency::Eur),
        "the digits as written"
    );
    assert_eq!(deal.estimated_probability, Some(0.5));
    assert_eq!(
        deal.estimated_closing_date,
        chrono::NaiveDate::from_ymd_opt(2017, 5, 9)
    );
    let closed = deal.closed_at.unwrap();
    assert_eq!(closed.to_string(), "2017-05-09T11:31:30+0000");
    let lead = deal.lead.as_ref().unwrap();
    assert_eq!(
        lead.customer.as_ref().unwrap().id,
        "2659dc4d-444b-4ced-b51c-b87591f604d7"
    );
    let history = deal.phase_history.as_ref().unwrap();
    let started = history[0].started_at.unwrap();
    assert_eq!(
        (started.offset(), started.to_string().as_str()),
        (None, "2017-05-01T12:00:00")
    );
    assert_eq!(deal.quotations.as_ref().unwrap()[0].type_, "quotation");
}

// ----------------------------------------------------------------------------------------------
// Exact money (note `money-as-number`)

/// The documented deal of deals.info with its `estimated_value` and `weighted_value` replaced by
/// `estimated` and `weighted`, written into the answer as JSON text, unparsed.
fn deal_answer_with(estimated: &str, weighted: &str) -> String {
    let api = load_spec("teamleader_v2");
    let mut body: Value = serde_json::from_str(response_example(
        &api,
        "deals_info",
        200,
        "interesting_deal",
    ))
    .expect("example is JSON");
    body["data"]["estimated_value"] = json!("@estimated@");
    body["data"]["weighted_value"] = json!("@weighted@");
    body.to_string()
        .replace(r#""@estimated@""#, estimated)
        .replace(r#""@weighted@""#, weighted)
}

/// Amounts decode with the digits as the server wrote them: the trailing zero of `123.30`, and
/// all 18 digits of `1234567890123456.78`, which an f64 would round to `1234567890123456.8`.
#[tokio::test]
async fn amounts_decode_with_the_digits_as_written() {
    let answer = deal_answer_with(
        r#"{"amount": 123.30, "currency": "EUR"}"#,
        r#"{"amount": 1234567890123456.78, "currency": "USD"}"#,
    );
    assert!(
        answer.contains(r#""amount": 1234567890123456.78"#),
        "{answer}"
    );
    let server = serve(200, &answer).await;

    let deal = tokio::time::timeout(
        Duration::from_secs(10),
        client(&server).deals_info(&types::DealInfoRequest::new(s(ID))),
    )
    .await
    .expect("the call completes")
    .unwrap();

    let estimated = deal.estimated_value.as_ref().unwrap();
    assert_eq!(estimated.amount.as_str(), "123.30");
    assert_eq!(estimated.amount.to_string(), "123.30");
    assert_eq!(estimated.currency, types::Currency::Eur);
    let weighted = deal.weighted_value.as_ref().unwrap();
    assert_eq!(weighted.amount.as_str(), "1234567890123456.78");
    assert_eq!(weighted.currency, types::Currency::Usd);
    assert!(
        deal.unknown_fields().is_empty(),
        "{:?}",
        deal.unknown_fields()
    );
}

/// An amount given as a decimal goes out as exactly those digits, as a JSON number: no quotes,
/// no float formatting (`123.3`), byte for byte.
#[tokio::test]
async fn an_amount_is_sent_as_the_same_digits_unquoted() {
    let server = serve_with(no_content().0).await;
    let mut update = types::UpdateDeal::new(s(ID));
    update.estimated_value =
        types::Money::new("123.30".parse().expect("a decimal"), types::Currency::Eur).into();

    tokio::time::timeout(
        Duration::from_secs(10),
        client(&server).deals_update(&update),
    )
    .await
    .expect("the call completes")
    .unwrap();

    let req = single_request(&server).await;
    let body = r#"{"id":"cde0bc5f-8602-4e12-b5d3-f03436b54c0d","estimated_value":{"amount":123.30,"currency":"EUR"}}"#;
    assert_wire(&req, "/deals.update", Some(body));
    assert_eq!(body_text(&req), body, "the bytes sent");
}

/// What deals.info returned goes back with deals.update unchanged: the amount's digits as
/// received, a JSON number.
#[tokio::test]
async fn a_fetched_amount_is_sent_back_unchanged() {
    let answer = deal_answer_with(
        r#"{"amount": 1234567890123456.78, "currency": "EUR"}"#,
        r#"{"amount": 0.10, "currency": "EUR"}"#,
    );
    let read = serve(200, &answer).await;
    let deal = tokio::time::timeout(
        Duration::from_secs(10),
        client(&read).deals_info(&types::DealInfoRequest::new(s(ID))),
    )
    .await
    .expect("the call completes")
    .unwrap();

    let write = MockServer::start().await;
    Mock::given(path("/deals.update"))
        .respond_with(no_content().0)
        .mount(&write)
        .await;
    Mock::given(path("/deals.create"))
        .respond_with(data::<types::CreatedReference>("deals_create", 201, "created").0)
        .mount(&write)
        .await;
    let mut update = types::UpdateDeal::new(s(ID));
    update.estimated_value = deal.estimated_value.clone().unwrap().into();
    update.estimated_probability = 0.5.into();
    let mut money = deal.weighted_value.clone().unwrap();
    money.amount = "-00.50".parse().expect("a decimal");
    let mut create = types::NewDeal::new(
        types::NewDealLead::new(types::CustomerReference::new(
            types::CustomerType::Company,
            s(COMPANY),
        )),
        s("Exact"),
    );
    create.estimated_value = Some(money);
    let client = client(&write);
    tokio::time::timeout(Duration::from_secs(10), async {
        client.deals_update(&update).await.unwrap();
        client.deals_create(&create).await
    })
    .await
    .expect("the calls complete")
    .unwrap();

    let requests = received(&write).await;
    assert_eq!(requests.len(), 2);
    assert_eq!(
        body_text(&requests[0]),
        r#"{"id":"cde0bc5f-8602-4e12-b5d3-f03436b54c0d","estimated_value":{"amount":1234567890123456.78,"currency":"EUR"},"estimated_probability":0.5}"#
    );
    let created = body_text(&requests[1]);
    assert!(
        created.contains(r#""estimated_value":{"amount":-0.50,"currency":"EUR"}"#),
        "an amount set from text goes out as a number, leading zeros dropped: {created}"
    );
}

/// Bad amounts are decode errors, never a panic nor a float, and each names the field. `1e400`
/// is refused by the decoder (its exponent is beyond ±64).
#[tokio::test]
async fn a_bad_amount_is_a_decode_error() {
    for (amount, says) in [
        (r#""12a""#, "data.estimated_value.amount"),
        (r#""12a""#, "`12a` is not a decimal number"),
        ("true", "data.estimated_value.amount"),
        ("true", "invalid type: boolean `true`"),
        ("[]", "data.estimated_value.amount"),
        ("1e400", "data.estimated_value.amount"),
        ("1e400", "`1e400` is out of range"),
    ] {
        let answer = deal_answer_with(
            &format!(r#"{{"amount": {amount}, "currency": "EUR"}}"#),
            r#"{"amount": 1, "currency": "EUR"}"#,
        );
        let server = serve(200, &answer).await;
        let err = tokio::time::timeout(
            Duration::from_secs(10),
            client(&server).deals_info(&types::DealInfoRequest::new(s(ID))),
        )
        .await
        .expect("the call completes")
        .unwrap_err();
        let text = err.to_string();
        assert!(text.contains(says), "{amount}: {text}");
    }
}

/// An amount written as a string of digits is accepted, and sent back as a number.
#[test]
fn an_amount_as_a_string_of_digits_decodes_and_goes_back_as_a_number() {
    let money: types::Money =
        serde_json::from_str(r#"{"amount": "123.30", "currency": "EUR"}"#).unwrap();
    assert_eq!(money.amount.as_str(), "123.30");
    assert_eq!(
        serde_json::to_string(&money).unwrap(),
        r#"{"amount":123.30,"currency":"EUR"}"#
    );
}

/// The example tests decode through a `serde_json::Value` (`check_example`), where a number is
/// an f64 already: amounts decode there too, as exactly as the float allows (`123.3`).
#[test]
fn amounts_decode_through_a_value_as_exactly_as_a_float_allows() {
    let text = r#"{"data": {"amount": 123.30, "currency": "EUR"}}"#;
    let unknown = clientgen_runtime::unknown::check_example::<types::Money>(text, Some("data"));
    assert_eq!(unknown, Ok(Vec::new()));
    let value: Value = serde_json::from_str(text).unwrap();
    let money: types::Money = serde_json::from_value(value["data"].clone()).unwrap();
    assert_eq!(money.amount.as_str(), "123.3");
    let money: types::Money =
        serde_json::from_str(r#"{"amount": 123.30, "currency": "EUR"}"#).unwrap();
    assert_eq!(
        money.amount.as_str(),
        "123.30",
        "from the text: the digits as written"
    );
}

/// creditNotes.info's `data` is an untagged union (a list, or one credit note). Its variants are
/// tried on the value's text, not on serde's buffered copy with its numbers as floats, so the
/// amounts in it keep their digits (note `money-as-number`): `123.30` is sent back as `123.30`.
#[tokio::test]
async fn credit_notes_info_amounts_are_exact_inside_the_union() {
    let (template, _) =
        data::<types::CreditNoteInfoData>("credit_notes_info", 200, "booked_credit_note");
    let server = serve_with(template).await;
    let request: types::CreditNoteInfoRequest = serde_json::from_value(json!({"id": ID})).unwrap();

    let answer = tokio::time::timeout(
        Duration::from_secs(10),
        client(&server).credit_notes_info(&request),
    )
    .await
    .expect("the call completes")
    .unwrap();

    let api = load_spec("teamleader_v2");
    let documented = response_example(&api, "credit_notes_info", 200, "booked_credit_note");
    assert!(
        documented.contains(r#""amount": 123.30"#),
        "the example writes 123.30"
    );
    let sent_back = serde_json::to_string(&*answer).unwrap();
    assert!(sent_back.contains(r#""amount":123.30,"#), "{sent_back}");
    assert!(!sent_back.contains("123.3,"), "{sent_back}");
}

/// A custom field's value is not nullable (the document's `One Of` has no null), yet a `null`
/// sent anyway decodes as no value instead of failing the object, and is not sent back as
/// `null` but left out.
#[test]
fn a_null_custom_field_value_decodes_as_no_value() {
    let field: types::CustomField = serde_json::from_value(serde_json::json!({
        "definition": {"type": "customFieldDefinition", "id": "bf6765de"},
        "value": null
    }))
    .unwrap();
    assert!(field.value.is_none());
    let text = serde_json::to_value(&field).unwrap();
    assert_eq!(text.get("value"), None);
    let field: types::CustomField = serde_json::from_value(serde_json::json!({
        "definition": {"type": "customFieldDefinition", "id": "bf6765de"},
        "value": 123
    }))
    .unwrap();
    assert!(matches!(field.value, Some(types::CustomFieldData::Number(n)) if n == 123.0));
}

/// A sideloading answer keeps its `included` objects beside the `data` envelope.
#[tokio::test]
async fn deals_info_keeps_sideloaded_objects_beside_data() {
    let api = load_spec("teamleader_v2");
    let answer = response_example(&api, "deals_info", 200, "sideloading_included");
    let server = serve(200, answer).await;

    let mut request = types::DealInfoRequest::new(s("f6871b06-6513-4750-b5e6-ff3503b5a029"));
    request.include = Some(s("lead.customer"));
    let deal = client(&server).deals_info(&request).await.unwrap();

    let body = r#"{"id":"f6871b06-6513-4750-b5e6-ff3503b5a029","include":"lead.customer"}"#;
    assert_wire(&single_request(&server).await, "/deals.info", Some(body));
    assert_eq!(deal.title.as_deref(), Some("Deal with ACME"));
    assert_eq!(
        Value::Object(deal.rest().clone()),
        json!({"included": {"company": [{"id": "2659dc4d-444b-4ced-b51c-b87591f604d7", "name": "ACME"}]}})
    );
}

/// `X-Api-Version` is sent when the client or the call sets it, the call's value winning.
#[tokio::test]
async fn api_version_header_from_client_or_call() {
    let server = serve(204, "").await;
    let client = builder(&server, session(&server, in_an_hour()).0)
        .x_api_version("2023-09-26")
        .build()
        .unwrap();
    let body = types::IdRequest::new(s(ID));

    client.deals_win(&body).await.unwrap();
    client
        .deals_win(&body)
        .x_api_version("2024-01-01")
        .await
        .unwrap();

    let requests = received(&server).await;
    assert_header(&requests[0], "x-api-version", Some("2023-09-26"));
    assert_header(&requests[1], "x-api-version", Some("2024-01-01"));
    for req in &requests {
        assert_wire(
            req,
            "/deals.win",
            Some(r#"{"id":"cde0bc5f-8602-4e12-b5d3-f03436b54c0d"}"#),
        );
    }
}

// ----------------------------------------------------------------------------------------------
// Paging

/// A contact as a list item.
fn contact_item(n: i64) -> Value {
    json!({"id": format!("contact-{n}"), "last_name": format!("Name {n}")})
}

/// A server whose `/contacts.list` answers page N (matched on `page.number` in the JSON body)
/// with the contacts `pages[N-1]`.
async fn paged_server(pages: &[&[i64]]) -> MockServer {
    let server = MockServer::start().await;
    for (i, ids) in pages.iter().enumerate() {
        let data: Vec<Value> = ids.iter().map(|&n| contact_item(n)).collect();
        Mock::given(path("/contacts.list"))
            .and(body_partial_json(json!({"page": {"number": i + 1}})))
            .respond_with(json_answer(200, &json!({"data": data})))
            .mount(&server)
            .await;
    }
    server
}

/// `contacts_list().stream()` asks for page 1, 2 and 3 with the builder's `page.size` and
/// filter in the body, reads the items in order, and stops after the short third page.
#[tokio::test]
async fn contacts_stream_pages_through_the_body() {
    let server = paged_server(&[&[1, 2], &[3, 4], &[5]]).await;
    let request = types::ListContactsRequest {
        page: Some(types::PageRequest {
            size: Some(2),
            ..Default::default()
        }),
        includes: Some(s("custom_fields")),
        ..Default::default()
    };

    let client = client(&server);
    let contacts: Vec<types::ContactListItem> = client
        .contacts_list(&request)
        .stream()
        .map(|item| item.expect("every page decodes"))
        .collect()
        .await;

    let ids: Vec<&str> = contacts.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "contact-1",
            "contact-2",
            "contact-3",
            "contact-4",
            "contact-5"
        ]
    );
    assert_eq!(contacts[4].last_name.as_deref(), Some("Name 5"));
    let requests = received(&server).await;
    assert_eq!(requests.len(), 3, "{requests:?}");
    for (i, req) in requests.iter().enumerate() {
        let body = format!(
            r#"{{"page":{{"size":2,"number":{}}},"includes":"custom_fields"}}"#,
            i + 1
        );
        assert_wire(req, "/contacts.list", Some(&body));
    }
}

// ----------------------------------------------------------------------------------------------
// Errors, retries and the OAuth2 session

/// 400 with the documented error body is an Api error whose first error has the documented
/// title; it is not retried.
#[tokio::test]
async fn bad_request_decodes_the_documented_errors() {
    let api = load_spec("teamleader_v2");
    let server = serve(400, error_example(&api, "documented_shape")).await;

    let err = client(&server)
        .companies_add(&types::NewCompany::new(String::new()))
        .await
        .unwrap_err();

    assert_wire(
        &single_request(&server).await,
        "/companies.add",
        Some(r#"{"name":""}"#),
    );
    let teamleader_v2::Error::Api(api_error) = &err else {
        panic!("an Api error expected, got {err:?}")
    };
    assert_eq!(api_error.response.status.as_u16(), 400);
    let titles: Vec<Option<&str>> = api_error
        .body
        .errors
        .iter()
        .map(|e| e.title.as_deref())
        .collect();
    assert_eq!(titles, [Some("Company name must not be empty")]);
}

/// 404 with an error body is an Api error too, and a member the document does not name
/// (`status`) is kept with the error.
#[tokio::test]
async fn not_found_is_an_api_error_keeping_unknown_members() {
    let body = json!({"errors": [{"title": "Contact not found", "status": 404}]});
    let server = serve_with(json_answer(404, &body)).await;

    let err = client(&server)
        .contacts_info(&types::ContactInfoRequest::new(s(ID)))
        .await
        .unwrap_err();

    assert_eq!(received(&server).await.len(), 1, "a 404 is not retried");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    let errors = &err.api().expect("the documented error body").errors;
    assert_eq!(errors[0].title.as_deref(), Some("Contact not found"));
    assert_eq!(errors[0].extra.value("status"), Some(json!(404)));
}

/// A 500 is not retried, even for a read: an application error is likely to repeat.
#[tokio::test]
async fn server_error_is_not_retried() {
    let server = serve_with(json_answer(500, &error_body("Something went wrong"))).await;

    let err = client(&server).users_me().await.unwrap_err();

    assert_eq!(received(&server).await.len(), 1);
    assert!(matches!(err, teamleader_v2::Error::Api(_)), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
}

/// A 429 with `Retry-After: 0` is retried, even for a write (the rate limit refused it before
/// anything was done), and the call succeeds with the next reply: two requests, the same body.
#[tokio::test]
async fn rate_limited_call_is_retried_after_retry_after() {
    let api = load_spec("teamleader_v2");
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            json_answer(429, &error_body("Too Many Requests")).insert_header("Retry-After", "0"),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(201).set_body_raw(
            response_example(&api, "contacts_add", 201, "created"),
            "application/json",
        ))
        .mount(&server)
        .await;

    let created = client(&server)
        .contacts_add(&types::NewContact::new(s("Smith")))
        .await
        .unwrap();

    assert_eq!(created.id, "7c1d8672-f502-4333-9ea4-7a45add15115");
    assert_eq!(created.type_, "contact");
    assert_eq!(created.status().as_u16(), 201);
    let requests = received(&server).await;
    assert_eq!(requests.len(), 2, "{requests:?}");
    for req in &requests {
        assert_wire(req, "/contacts.add", Some(r#"{"last_name":"Smith"}"#));
    }
}

/// A server whose API accepts only `Bearer AT2` (answering 401 to anything else) and whose
/// token endpoint hands out the pair `AT2`/`RT2`.
async fn revoked_token_server() -> MockServer {
    let api = load_spec("teamleader_v2");
    let server = MockServer::start().await;
    Mock::given(path("/oauth2/access_token"))
        .respond_with(json_answer(
            200,
            &json!({"token_type": "Bearer", "expires_in": 3600, "access_token": "AT2", "refresh_token": "RT2"}),
        ))
        .mount(&server)
        .await;
    Mock::given(path("/users.me"))
        .and(header("authorization", "Bearer AT2"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            response_example(&api, "users_me", 200, "john_smith"),
            "application/json",
        ))
        .mount(&server)
        .await;
    Mock::given(path("/users.me"))
        .respond_with(json_answer(401, &error_body("Unauthorized")))
        .mount(&server)
        .await;
    server
}

/// A 401 refreshes the session once with the refresh token (a form POST to the token URL on
/// the same server), the store receives the new pair, and the call is sent again with the new
/// access token.
#[tokio::test]
async fn unauthorized_refreshes_once_and_resends_with_the_new_token() {
    let server = revoked_token_server().await;
    let (client, store) = client_and_store(&server);

    let me = client.users_me().await.unwrap();

    assert_eq!(me.first_name.as_deref(), Some("John"));
    let requests = received(&server).await;
    let paths: Vec<&str> = requests.iter().map(|r| r.url.path()).collect();
    assert_eq!(paths, ["/users.me", "/oauth2/access_token", "/users.me"]);
    assert_wire(&requests[0], "/users.me", None);
    let refresh = &requests[1];
    assert_eq!(refresh.method.as_str(), "POST");
    assert_header(
        refresh,
        "content-type",
        Some("application/x-www-form-urlencoded"),
    );
    assert_eq!(
        body_text(refresh),
        "client_id=client&client_secret=secret&refresh_token=RT&grant_type=refresh_token"
    );
    assert_header(&requests[2], "authorization", Some("Bearer AT2"));
    assert_eq!(body_text(&requests[2]), "");
    assert_eq!(
        *store.saved.lock().unwrap(),
        [(s("AT2"), s("RT2"))],
        "the new pair reached the store"
    );
}

/// After the refresh the next call uses the new token straight away, without a second refresh.
#[tokio::test]
async fn the_refreshed_token_is_kept_for_later_calls() {
    let server = revoked_token_server().await;
    let (client, store) = client_and_store(&server);

    client.users_me().await.unwrap();
    client.users_me().await.unwrap();

    let requests = received(&server).await;
    let paths: Vec<&str> = requests.iter().map(|r| r.url.path()).collect();
    assert_eq!(
        paths,
        [
            "/users.me",
            "/oauth2/access_token",
            "/users.me",
            "/users.me"
        ]
    );
    assert_header(&requests[3], "authorization", Some("Bearer AT2"));
    assert_eq!(store.saved.lock().unwrap().len(), 1);
}

/// A 401 that persists after the refresh is returned as the error it is: one refresh, no loop.
#[tokio::test]
async fn a_second_unauthorized_is_returned_without_another_refresh() {
    let server = MockServer::start().await;
    Mock::given(path("/oauth2/access_token"))
        .respond_with(json_answer(
            200,
            &json!({"token_type": "Bearer", "expires_in": 3600, "access_token": "AT2", "refresh_token": "RT2"}),
        ))
        .mount(&server)
        .await;
    Mock::given(path("/webhooks.list"))
        .respond_with(json_answer(401, &error_body("Unauthorized")))
        .mount(&server)
        .await;
    let (client, store) = client_and_store(&server);

    let err = client.webhooks_list().await.unwrap_err();

    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    let paths: Vec<String> = received(&server)
        .await
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    assert_eq!(
        paths,
        ["/webhooks.list", "/oauth2/access_token", "/webhooks.list"]
    );
    assert_eq!(store.saved.lock().unwrap().len(), 1);
}

// ----------------------------------------------------------------------------------------------
// Webhooks

/// Every event type of the `WebHook` structure, as the Rust enum names it and as the document
/// spells it.
const EVENT_TYPES: [(types::WebhookEventType, &str); 70] = {
    use types::WebhookEventType;
    [
        (WebhookEventType::AccountDeactivated, "account.deactivated"),
        (WebhookEventType::AccountDeleted, "account.deleted"),
        (WebhookEventType::CallAdded, "call.added"),
        (WebhookEventType::CallCompleted, "call.completed"),
        (WebhookEventType::CallDeleted, "call.deleted"),
        (WebhookEventType::CallUpdated, "call.updated"),
        (WebhookEventType::CompanyAdded, "company.added"),
        (WebhookEventType::CompanyDeleted, "company.deleted"),
        (WebhookEventType::CompanyUpdated, "company.updated"),
        (WebhookEventType::ContactAdded, "contact.added"),
        (WebhookEventType::ContactDeleted, "contact.deleted"),
        (
            WebhookEventType::ContactLinkedToCompany,
            "contact.linkedToCompany",
        ),
        (
            WebhookEventType::ContactUnlinkedFromCompany,
            "contact.unlinkedFromCompany",
        ),
        (
            WebhookEventType::ContactUpdatedLinkToCompany,
            "contact.updatedLinkToCompany",
        ),
        (WebhookEventType::ContactUpdated, "contact.updated"),
        (WebhookEventType::CreditNoteBooked, "creditNote.booked"),
        (WebhookEventType::CreditNoteDeleted, "creditNote.deleted"),
        (WebhookEventType::CreditNoteSent, "creditNote.sent"),
        (WebhookEventType::CreditNoteUpdated, "creditNote.updated"),
        (WebhookEventType::DealCreated, "deal.created"),
        (WebhookEventType::DealDeleted, "deal.deleted"),
        (WebhookEventType::DealLost, "deal.lost"),
        (WebhookEventType::DealMoved, "deal.moved"),
        (WebhookEventType::DealUpdated, "deal.updated"),
        (WebhookEventType::DealWon, "deal.won"),
        (WebhookEventType::InvoiceBooked, "invoice.booked"),
        (WebhookEventType::InvoiceDeleted, "invoice.deleted"),
        (WebhookEventType::InvoiceDrafted, "invoice.drafted"),
        (
            WebhookEventType::InvoicePaymentRegistered,
            "invoice.paymentRegistered",
        ),
        (
            WebhookEventType::InvoicePaymentRemoved,
            "invoice.paymentRemoved",
        ),
        (WebhookEventType::InvoiceSent, "invoice.sent"),
        (WebhookEventType::InvoiceUpdated, "invoice.updated"),
        (WebhookEventType::MeetingCreated, "meeting.created"),
        (WebhookEventType::MeetingCompleted, "meeting.completed"),
        (WebhookEventType::MeetingDeleted, "meeting.deleted"),
        (WebhookEventType::MeetingUpdated, "meeting.updated"),
        (WebhookEventType::MilestoneCreated, "milestone.created"),
        (WebhookEventType::MilestoneUpdated, "milestone.updated"),
        (
            WebhookEventType::NextgenProjectCreated,
            "nextgenProject.created",
        ),
        (
            WebhookEventType::NextgenProjectUpdated,
            "nextgenProject.updated",
        ),
        (
            WebhookEventType::NextgenProjectClosed,
            "nextgenProject.closed",
        ),
        (
            WebhookEventType::NextgenProjectDeleted,
            "nextgenProject.deleted",
        ),
        (
            WebhookEventType::NextgenTaskCompleted,
            "nextgenTask.completed",
        ),
        (WebhookEventType::NextgenTaskCreated, "nextgenTask.created"),
        (WebhookEventType::NextgenTaskDeleted, "nextgenTask.deleted"),
        (WebhookEventType::NextgenTaskUpdated, "nextgenTask.updated"),
        (WebhookEventType::ProductAdded, "product.added"),
        (WebhookEventType::ProductUpdated, "product.updated"),
        (WebhookEventType::ProductDeleted, "product.deleted"),
        (WebhookEventType::ProjectCreated, "project.created"),
        (WebhookEventType::ProjectDeleted, "project.deleted"),
        (WebhookEventType::ProjectUpdated, "project.updated"),
        (WebhookEventType::SubscriptionAdded, "subscription.added"),
        (
            WebhookEventType::SubscriptionDeactivated,
            "subscription.deactivated",
        ),
        (
            WebhookEventType::SubscriptionDeleted,
            "subscription.deleted",
        ),
        (
            WebhookEventType::SubscriptionUpdated,
            "subscription.updated",
        ),
        (WebhookEventType::TaskCompleted, "task.completed"),
        (WebhookEventType::TaskCreated, "task.created"),
        (WebhookEventType::TaskDeleted, "task.deleted"),
        (WebhookEventType::TaskUpdated, "task.updated"),
        (WebhookEventType::TicketClosed, "ticket.closed"),
        (WebhookEventType::TicketCreated, "ticket.created"),
        (WebhookEventType::TicketDeleted, "ticket.deleted"),
        (WebhookEventType::TicketReopened, "ticket.reopened"),
        (WebhookEventType::TicketUpdated, "ticket.updated"),
        (WebhookEventType::TicketMessageAdded, "ticketMessage.added"),
        (WebhookEventType::TimeTrackingAdded, "timeTracking.added"),
        (
            WebhookEventType::TimeTrackingDeleted,
            "timeTracking.deleted",
        ),
        (
            WebhookEventType::TimeTrackingUpdated,
            "timeTracking.updated",
        ),
        (WebhookEventType::UserDeactivated, "user.deactivated"),
    ]
};

/// webhooks.register with every event type of the enum sends the document's spellings, in the
/// order given; [`EVENT_TYPES`] is exactly the spec's list.
#[tokio::test]
async fn webhook_event_types_are_sent_as_documented() {
    let server = serve(204, "").await;
    let types_: Vec<types::WebhookEventType> = EVENT_TYPES.iter().map(|(t, _)| t.clone()).collect();
    let webhook = types::Webhook::new(s("https://example.com/teamleader"), types_);

    client(&server).webhooks_register(&webhook).await.unwrap();

    let spelled: Vec<&str> = EVENT_TYPES.iter().map(|(_, wire)| *wire).collect();
    let body = format!(
        r#"{{"url":"https://example.com/teamleader","types":{}}}"#,
        serde_json::to_string(&spelled).unwrap()
    );
    assert_wire(
        &single_request(&server).await,
        "/webhooks.register",
        Some(&body),
    );

    let api = load_spec("teamleader_v2");
    let event_type = api
        .types
        .iter()
        .find(|t| t.spec_name == "WebhookEventType")
        .unwrap();
    let clientgen::ir::TypeBody::Enum { values, .. } = &event_type.body else {
        panic!("WebhookEventType is an enum")
    };
    let in_spec: Vec<&str> = values
        .iter()
        .map(|v| match &v.value {
            clientgen::ir::EnumLiteral::Str(wire) => wire.as_str(),
            other => panic!("a string enum, got {other:?}"),
        })
        .collect();
    assert_eq!(spelled, in_spec);
}

/// An event type the spec does not list (added by Teamleader later) is sent and read back as
/// given; `subscription.add`, a typo of the additions log (see note `webhook-types`), is one.
#[tokio::test]
async fn unknown_event_types_round_trip() {
    let listed = json!({"data": [{"url": "https://example.com", "types": ["subscription.add", "deal.won"]}]});
    let server = serve_with(json_answer(200, &listed)).await;

    let hooks = client(&server).webhooks_list().await.unwrap();

    assert_wire(&single_request(&server).await, "/webhooks.list", None);
    assert_eq!(
        hooks[0].types,
        [
            types::WebhookEventType::Unknown(s("subscription.add")),
            types::WebhookEventType::DealWon
        ]
    );
    assert_eq!(hooks.unknown_fields(), ["[0].types[0] = subscription.add"]);
}

// ----------------------------------------------------------------------------------------------
// More of the session and the retry policy

/// The token endpoint on `server` answers the pair `AT2`/`RT2`.
async fn mount_token_endpoint(server: &MockServer) {
    let pair = json!({
        "token_type": "Bearer", "expires_in": 3600, "access_token": "AT2", "refresh_token": "RT2"
    });
    Mock::given(path("/oauth2/access_token"))
        .respond_with(json_answer(200, &pair))
        .mount(server)
        .await;
}

/// A session whose token has expired refreshes before the first call, saves the new pair, and
/// sends the call once, with the new token.
#[tokio::test]
async fn an_expired_token_is_refreshed_before_the_call() {
    let server = MockServer::start().await;
    mount_token_endpoint(&server).await;
    Mock::given(path("/deals.win"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let (session, store) = session(&server, SystemTime::now() - Duration::from_secs(1));
    let client = builder(&server, session).build().unwrap();

    client
        .deals_win(&types::IdRequest::new(s(ID)))
        .await
        .unwrap();

    let requests = received(&server).await;
    let paths: Vec<&str> = requests.iter().map(|r| r.url.path()).collect();
    assert_eq!(paths, ["/oauth2/access_token", "/deals.win"]);
    assert_header(&requests[1], "authorization", Some("Bearer AT2"));
    assert_eq!(*store.saved.lock().unwrap(), [(s("AT2"), s("RT2"))]);
}

/// A 401 on a write refreshes the token and sends the same JSON body again with the new token.
#[tokio::test]
async fn unauthorized_write_is_resent_with_the_same_body() {
    let api = load_spec("teamleader_v2");
    let server = MockServer::start().await;
    mount_token_endpoint(&server).await;
    Mock::given(path("/contacts.add"))
        .and(header("authorization", "Bearer AT2"))
        .respond_with(ResponseTemplate::new(201).set_body_raw(
            response_example(&api, "contacts_add", 201, "created"),
            "application/json",
        ))
        .mount(&server)
        .await;
    Mock::given(path("/contacts.add"))
        .respond_with(json_answer(401, &error_body("Unauthorized")))
        .mount(&server)
        .await;
    let (client, store) = client_and_store(&server);

    let created = client
        .contacts_add(&types::NewContact::new(s("Smith")))
        .await
        .unwrap();

    assert_eq!(created.id, "7c1d8672-f502-4333-9ea4-7a45add15115");
    let calls: Vec<Request> = received(&server)
        .await
        .into_iter()
        .filter(|r| r.url.path() == "/contacts.add")
        .collect();
    assert_eq!(calls.len(), 2);
    assert_wire(&calls[0], "/contacts.add", Some(r#"{"last_name":"Smith"}"#));
    assert_header(&calls[1], "authorization", Some("Bearer AT2"));
    assert_eq!(body_text(&calls[1]), r#"{"last_name":"Smith"}"#);
    assert_eq!(store.saved.lock().unwrap().len(), 1);
}

/// A refused refresh (the refresh token was already used) is an authorization error, and the
/// call is not sent again.
#[tokio::test]
async fn a_refused_refresh_is_an_auth_error() {
    let server = MockServer::start().await;
    Mock::given(path("/oauth2/access_token"))
        .respond_with(json_answer(400, &json!({"error": "invalid_grant"})))
        .mount(&server)
        .await;
    Mock::given(path("/users.me"))
        .respond_with(json_answer(401, &error_body("Unauthorized")))
        .mount(&server)
        .await;
    let (client, store) = client_and_store(&server);

    let err = client.users_me().await.unwrap_err();

    assert!(
        matches!(
            &err,
            teamleader_v2::Error::Auth(clientgen_runtime::oauth::OAuthError::Refused {
                status: 400,
                ..
            })
        ),
        "{err:?}"
    );
    let paths: Vec<String> = received(&server)
        .await
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    assert_eq!(paths, ["/users.me", "/oauth2/access_token"]);
    assert!(store.saved.lock().unwrap().is_empty());
}

/// A 429 on every attempt gives up after the policy's 4 attempts with the 429, having waited the
/// exponential backoff (at least 2 seconds) three times.
#[tokio::test]
async fn rate_limit_gives_up_after_four_attempts() {
    let server = serve_with(json_answer(429, &error_body("Too Many Requests"))).await;
    let (client, delays) = instant_retry_client(&server);

    let err = client
        .contacts_delete(&types::IdRequest::new(s(ID)))
        .await
        .unwrap_err();

    assert_eq!(received(&server).await.len(), 4);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    let delays = delays.lock().unwrap();
    assert_eq!(delays.len(), 3, "{delays:?}");
    assert!(
        delays.iter().all(|d| *d >= Duration::from_secs(2)),
        "{delays:?}"
    );
}

/// A gateway's 503 is retried for a read (`.info`), never for a write, which may have been
/// carried out.
#[tokio::test]
async fn gateway_errors_are_retried_for_reads_only() {
    let api = load_spec("teamleader_v2");
    let server = MockServer::start().await;
    Mock::given(path("/contacts.info"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/contacts.info"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            response_example(&api, "contacts_info", 200, "erlich_bachman"),
            "application/json",
        ))
        .mount(&server)
        .await;
    Mock::given(path("/contacts.delete"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let (client, _) = instant_retry_client(&server);

    let contact = client
        .contacts_info(&types::ContactInfoRequest::new(s(ID)))
        .await
        .unwrap();
    let err = client
        .contacts_delete(&types::IdRequest::new(s(ID)))
        .await
        .unwrap_err();

    assert_eq!(contact.id, ID);
    assert!(
        matches!(err, teamleader_v2::Error::UnexpectedStatus(_)),
        "{err:?}"
    );
    let paths: Vec<String> = received(&server)
        .await
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    assert_eq!(
        paths,
        ["/contacts.info", "/contacts.info", "/contacts.delete"]
    );
}
