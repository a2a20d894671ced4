//! Wire tests of every Teamleader v2 action, one row per action.
//!
//! The 234 actions share one shape: a JSON POST to `/<resource>.<action>` with the bearer
//! token, answered with one documented body or none. So one row per action says all that
//! differs between them (the client method, the path, the request type with the names of its
//! documented request examples, the answer's type and status with the names of its documented
//! answers), and one macro checks, for every row:
//!
//! - every documented request body decodes into the request type with nothing left over, and
//!   the client sends it as the same JSON: a POST to the row's path, no query,
//!   `Authorization: Bearer AT`, `Accept` and `Content-Type: application/json`; the actions
//!   without a body send none, and no `Content-Type`;
//! - every documented answer, served by a local server, decodes completely into the answer's
//!   type (`unknown_fields()` is empty, nothing but sideloaded `included` beside `data`), the
//!   status is the documented one, and an answer without a body (204, and the 201 of
//!   daysOff.import and 202 of dealPipelines.markAsDefault) is `()`.
//!
//! Every action that takes a body documents at least one request example, so every body sent
//! here is a documented one (a row names at least one); the bodies with only the required
//! fields are sent by the older table in the parent module, for the 32 actions of `api.yaml`.
//! The documented JSON and the JSON received are compared as values, not as text: the examples
//! are pretty-printed in the document's key order, the client writes its fields in the spec's
//! order. Two differences of spelling are allowed, both the same JSON value: a date-time's
//! offset is written without a colon (note `date-types`), and a whole `number` is written `10.0`
//! where the example has `10`.
//!
//! The examples are read from `specs/teamleader_v2/` at test time, as in the rest of this file,
//! so the rows name them instead of repeating them. The rows must list exactly the operations of
//! the spec: an action added to the spec without a row here fails the test.
//!
//! Every problem is collected and reported at the end, all at once, so that one broken example
//! does not hide the others. One server and one client serve all rows, the server reset between
//! calls; the client's rate limit (200 calls a minute, 300 ms apart) is turned off, or the 240
//! calls would take more than a minute.

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::future::IntoFuture;
use std::time::Duration;

use clientgen::ir;
use clientgen_runtime::{ResponseValue, UnknownFields};
use clientgen_tests::{
    header_values, load_spec, operation, received, request_example, response_example,
};
use saas_clients::teamleader_v2::{self, types};
use serde::de::DeserializeOwned;
use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A documented answer of an action: what the server sends, and what the client must return.
struct Answer<T> {
    /// The example's name in the spec (`"204"` for an answer without a body).
    name: String,
    status: u16,
    /// The body as documented; `None` for an answer without one.
    body: Option<String>,
    /// The payload decoded by serde on its own (from the text, so that amounts keep their
    /// digits), or why it does not decode.
    expected: Result<T, String>,
}

impl<T: DeserializeOwned> Answer<T> {
    /// The documented answers `names` of `op` with `status`, their payload under `envelope`
    /// (`Some("data")`) or the whole body (`None`, for the lists typed with `meta`).
    fn documented(
        api: &ir::Api,
        op: &str,
        status: u16,
        names: &[&str],
        envelope: Option<&str>,
    ) -> Vec<Self> {
        names
            .iter()
            .map(|&name| {
                let text = response_example(api, op, status, name);
                let expected = super::decode_documented(text, envelope);
                Answer {
                    name: name.to_owned(),
                    status,
                    body: Some(text.to_owned()),
                    expected,
                }
            })
            .collect()
    }
}

impl Answer<()> {
    /// An answer with `status` and no body, which the client returns as `()`.
    fn empty(status: u16) -> Vec<Self> {
        vec![Answer {
            name: status.to_string(),
            status,
            body: None,
            expected: Ok(()),
        }]
    }
}

impl<T> Answer<T> {
    /// Makes `server` answer every request with this answer, and forgets what it received.
    async fn serve(&self, server: &MockServer) {
        server.reset().await;
        let mut template = ResponseTemplate::new(self.status);
        if let Some(body) = &self.body {
            template = template.set_body_raw(body.clone().into_bytes(), "application/json");
        }
        Mock::given(any())
            .respond_with(template)
            .mount(server)
            .await;
    }
}

/// Awaits a call, failing the test if it takes more than ten seconds.
async fn bounded<F: IntoFuture>(call: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(10), call.into_future())
        .await
        .expect("the call completes within 10 s")
}

/// Decodes documented request body `name` of `op` into its request type, or says why it does
/// not decode completely.
fn request_body<B: DeserializeOwned + UnknownFields>(
    op: &str,
    name: &str,
    text: &str,
) -> Result<B, String> {
    let body: B = serde_json::from_str(text)
        .map_err(|e| format!("{op}: request example `{name}` does not decode: {e}"))?;
    let unknown = body.unknown_fields();
    if unknown.is_empty() {
        Ok(body)
    } else {
        Err(format!(
            "{op}: request example `{name}` holds undescribed {unknown:?}"
        ))
    }
}

/// The documented JSON as the client writes it: date-times with the offset without a colon
/// (`+00:00` becomes `+0000`, `Z` becomes `+0000`), as note `date-types` says. Nothing else is
/// changed.
fn as_sent(documented: Value) -> Value {
    match documented {
        Value::String(text) => Value::String(date_time_as_sent(&text).unwrap_or(text)),
        Value::Array(items) => Value::Array(items.into_iter().map(as_sent).collect()),
        Value::Object(fields) => {
            Value::Object(fields.into_iter().map(|(k, v)| (k, as_sent(v))).collect())
        }
        other => other,
    }
}

/// `json` with every whole number written as an integer: a `number` field (an `f64`) holding
/// the documented `10` is written `10.0`, the same JSON number. serde_json's `Value` tells the
/// two apart, so both sides of a comparison go through this; fractions are left as they are.
fn whole_numbers_as_integers(json: Value) -> Value {
    match json {
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 9e15 => Value::from(f as i64),
            _ => Value::Number(n),
        },
        Value::Array(items) => {
            Value::Array(items.into_iter().map(whole_numbers_as_integers).collect())
        }
        Value::Object(fields) => Value::Object(
            fields
                .into_iter()
                .map(|(k, v)| (k, whole_numbers_as_integers(v)))
                .collect(),
        ),
        other => other,
    }
}

/// `2016-02-04T16:44:33+00:00` (or `...Z`) as `2016-02-04T16:44:33+0000`; `None` for any text
/// that is not a date-time with an offset.
fn date_time_as_sent(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let looks_like_date_time = text.is_ascii()
        && bytes.len() >= 20
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes[10] == b'T'
        && bytes[..4].iter().all(u8::is_ascii_digit);
    if !looks_like_date_time {
        return None;
    }
    if let Some(local) = text.strip_suffix('Z') {
        return Some(format!("{local}+0000"));
    }
    let (local, offset) = text.split_at(text.len() - 6);
    let offset = offset.as_bytes();
    let colon_offset = matches!(offset[0], b'+' | b'-')
        && offset[3] == b':'
        && [1, 2, 4, 5].iter().all(|&i| offset[i].is_ascii_digit());
    colon_offset.then(|| {
        format!(
            "{local}{}{}",
            &text[text.len() - 6..text.len() - 3],
            &text[text.len() - 2..]
        )
    })
}

/// Checks the one request `server` received for `op`: a POST to `path` without a query, with
/// the bearer token, and `body` (the documented request body, if the action has one) as JSON.
async fn check_request(
    server: &MockServer,
    op: &str,
    path: &str,
    body: Option<(&str, &str)>,
) -> Vec<String> {
    let requests = received(server).await;
    let [req] = requests.as_slice() else {
        return vec![format!("{op}: {} requests instead of one", requests.len())];
    };
    let mut problems = Vec::new();
    let mut expect = |what: &str, sent: Option<&str>, wanted: Option<&str>| {
        if sent != wanted {
            problems.push(format!("{op}: {what} is {sent:?}, expected {wanted:?}"));
        }
    };
    expect("the method", Some(req.method.as_str()), Some("POST"));
    expect("the path", Some(req.url.path()), Some(path));
    expect("the query", req.url.query(), None);
    let header = |name: &str| header_values(req, name).join(", ");
    expect(
        "`Authorization`",
        Some(&header("authorization")),
        Some("Bearer AT"),
    );
    expect(
        "`Accept`",
        Some(&header("accept")),
        Some("application/json"),
    );
    match body {
        None => {
            expect("`Content-Type`", Some(&header("content-type")), Some(""));
            expect("the body", std::str::from_utf8(&req.body).ok(), Some(""));
        }
        Some((name, text)) => {
            expect(
                "`Content-Type`",
                Some(&header("content-type")),
                Some("application/json"),
            );
            let documented = as_sent(serde_json::from_str(text).expect("the example is JSON"));
            let documented = whole_numbers_as_integers(documented);
            match serde_json::from_slice::<Value>(&req.body).map(whole_numbers_as_integers) {
                Ok(sent) if sent == documented => {}
                Ok(sent) => {
                    let example = format!("{op}: request example `{name}`");
                    let diff = format!("sent as\n    {sent}\n  instead of\n    {documented}");
                    problems.push(format!("{example} was {diff}"));
                }
                Err(e) => problems.push(format!("{op}: the body sent is not JSON: {e}")),
            }
        }
    }
    problems
}

/// Checks what the client returned for `answer`: the documented payload, decoded completely,
/// with the documented status.
fn check_answer<T: PartialEq + Debug + UnknownFields>(
    op: &str,
    answer: &Answer<T>,
    returned: Result<ResponseValue<T>, teamleader_v2::Error>,
) -> Vec<String> {
    let name = &answer.name;
    let value = match (returned, &answer.expected) {
        (_, Err(e)) => return vec![format!("{op}: answer `{name}` does not decode: {e}")],
        (Err(e), _) => return vec![format!("{op}: answer `{name}` is an error: {e:?}")],
        (Ok(value), Ok(expected)) if *value != *expected => {
            return vec![format!(
                "{op}: answer `{name}` decoded as {:?}, expected {expected:?}",
                *value
            )];
        }
        (Ok(value), Ok(_)) => value,
    };
    let mut problems = Vec::new();
    if value.status().as_u16() != answer.status {
        problems.push(format!(
            "{op}: answer `{name}` came back with status {}",
            value.status()
        ));
    }
    let unknown = value.unknown_fields();
    if !unknown.is_empty() {
        problems.push(format!(
            "{op}: answer `{name}` holds undescribed {unknown:?}"
        ));
    }
    let beside: Vec<&String> = value
        .rest()
        .keys()
        .filter(|key| *key != "included")
        .collect();
    if !beside.is_empty() {
        problems.push(format!(
            "{op}: answer `{name}` has {beside:?} beside its `data`"
        ));
    }
    problems
}

/// Every action of the spec: its documented request bodies cross the wire unchanged, and its
/// documented answers decode completely.
#[tokio::test]
async fn every_action_sends_its_documented_bodies_and_decodes_its_documented_answers() {
    let api = load_spec("teamleader_v2");
    let server = MockServer::start().await;
    let (session, _) = super::session(&server, super::in_an_hour());
    let client = super::builder(&server, session)
        .transport(|t| t.rate_limit(0, Duration::ZERO))
        .build()
        .expect("client builds");
    let mut problems: Vec<String> = Vec::new();
    let mut covered: BTreeSet<&str> = BTreeSet::new();

    // One row: `action!(method, "/path", RequestType: "example", ... => answers)`, or
    // `action!(method, "/path" => answers)` for the actions without a body. The answers are
    // `data::<T>(status, "example", ...)` (the payload under `data` is a `T`),
    // `whole::<T>(status, "example", ...)` (the whole body is a `T`: the lists, typed with
    // their `meta`), or `empty(status)` (no body, `()`).
    macro_rules! action {
        (@answers $op:expr, data::<$ty:ty>($status:literal, $($name:literal),+)) => {
            Answer::<$ty>::documented(&api, $op, $status, &[$($name),+], Some("data"))
        };
        (@answers $op:expr, whole::<$ty:ty>($status:literal, $($name:literal),+)) => {
            Answer::<$ty>::documented(&api, $op, $status, &[$($name),+], None)
        };
        (@answers $op:expr, empty($status:literal)) => {
            Answer::empty($status)
        };
        (@row $op:ident, $path:literal) => {{
            let op = stringify!($op);
            if !covered.insert(op) {
                problems.push(format!("{op}: two rows"));
            }
            let in_spec = &operation(&api, op).path_template;
            if in_spec != $path {
                problems.push(format!("{op}: the spec's path is {in_spec}, the row's {}", $path));
            }
            op
        }};
        ($op:ident, $path:literal => $($answers:tt)+) => {{
            let op = action!(@row $op, $path);
            for answer in &action!(@answers op, $($answers)+) {
                answer.serve(&server).await;
                let returned = bounded(client.$op()).await;
                problems.extend(check_request(&server, op, $path, None).await);
                problems.extend(check_answer(op, answer, returned));
            }
        }};
        ($op:ident, $path:literal, $req:ty: $($example:literal),+ => $($answers:tt)+) => {{
            let op = action!(@row $op, $path);
            let answers = action!(@answers op, $($answers)+);
            // Each documented body with the first answer, then the other answers (deals.info
            // has three) with the first body.
            let mut calls = Vec::new();
            for name in [$($example),+] {
                calls.push((name, &answers[0]));
            }
            for answer in &answers[1..] {
                calls.push((calls[0].0, answer));
            }
            for (name, answer) in calls {
                let text = request_example(&api, op, name);
                let body: $req = match request_body(op, name, text) {
                    Ok(body) => body,
                    Err(problem) => {
                        problems.push(problem);
                        continue;
                    }
                };
                answer.serve(&server).await;
                let returned = bounded(client.$op(&body)).await;
                problems.extend(check_request(&server, op, $path, Some((name, text))).await);
                problems.extend(check_answer(op, answer, returned));
            }
        }};
    }

    // ---------------------------------------- specs/teamleader_v2/api.yaml

    action!(users_me, "/users.me" => data::<types::CurrentUser>(200, "john_smith"));

    action!(
        migrate_id, "/migrate.id",
        types::MigrateIdRequest: "contact"
        => data::<types::MigratedId>(200, "contact")
    );
    action!(
        migrate_tax_rate, "/migrate.taxRate",
        types::MigrateTaxRateRequest: "rate_21"
        => data::<types::Reference>(200, "tax_rate")
    );
    action!(
        migrate_activity_type, "/migrate.activityType",
        types::MigrateActivityTypeRequest: "meeting"
        => data::<types::Reference>(200, "activity_type")
    );

    action!(webhooks_register, "/webhooks.register", types::Webhook: "webhook" => empty(204));
    action!(webhooks_list, "/webhooks.list" => data::<Vec<types::Webhook>>(200, "one_webhook"));
    action!(webhooks_unregister, "/webhooks.unregister", types::Webhook: "webhook" => empty(204));

    action!(
        contacts_list, "/contacts.list",
        types::ListContactsRequest: "filtered"
        => whole::<types::ContactList>(200, "one_contact")
    );
    action!(
        contacts_info, "/contacts.info",
        types::ContactInfoRequest: "by_id"
        => data::<types::Contact>(200, "erlich_bachman")
    );
    action!(
        contacts_add, "/contacts.add",
        types::NewContact: "john_smith"
        => data::<types::CreatedReference>(201, "created")
    );
    action!(
        contacts_update, "/contacts.update",
        types::UpdateContact: "john_smith", "updating_collections"
        => empty(204)
    );
    action!(contacts_delete, "/contacts.delete", types::IdRequest: "by_id" => empty(204));
    action!(contacts_tag, "/contacts.tag", types::TagRequest: "two_tags" => empty(204));
    action!(contacts_untag, "/contacts.untag", types::TagRequest: "two_tags" => empty(204));
    action!(
        contacts_link_to_company, "/contacts.linkToCompany",
        types::CompanyLinkRequest: "ceo"
        => empty(204)
    );
    action!(
        contacts_unlink_from_company, "/contacts.unlinkFromCompany",
        types::CompanyUnlinkRequest: "unlink"
        => empty(204)
    );
    action!(
        contacts_update_company_link, "/contacts.updateCompanyLink",
        types::CompanyLinkRequest: "ceo"
        => empty(204)
    );

    action!(
        companies_list, "/companies.list",
        types::ListCompaniesRequest: "filtered"
        => whole::<types::CompanyList>(200, "one_company")
    );
    action!(
        companies_info, "/companies.info",
        types::CompanyInfoRequest: "with_relations"
        => data::<types::Company>(200, "pied_piper")
    );
    action!(
        companies_add, "/companies.add",
        types::NewCompany: "pied_piper"
        => data::<types::CreatedReference>(201, "created")
    );
    action!(
        companies_update, "/companies.update",
        types::UpdateCompany: "pied_piper"
        => empty(204)
    );
    action!(companies_delete, "/companies.delete", types::IdRequest: "by_id" => empty(204));
    action!(companies_tag, "/companies.tag", types::TagRequest: "two_tags" => empty(204));
    action!(companies_untag, "/companies.untag", types::TagRequest: "two_tags" => empty(204));

    action!(
        deals_list, "/deals.list",
        types::ListDealsRequest: "filtered"
        => whole::<types::DealList>(200, "one_deal")
    );
    action!(
        deals_info, "/deals.info",
        types::DealInfoRequest: "by_id"
        => data::<types::Deal>(
            200,
            "interesting_deal",
            "sideloading_relationship",
            "sideloading_included"
        )
    );
    action!(
        deals_create, "/deals.create",
        types::NewDeal: "interesting_business_deal"
        => data::<types::CreatedReference>(201, "created")
    );
    action!(
        deals_update, "/deals.update",
        types::UpdateDeal: "interesting_business_deal"
        => empty(204)
    );
    action!(deals_move, "/deals.move", types::MoveDealRequest: "move" => empty(204));
    action!(deals_win, "/deals.win", types::IdRequest: "by_id" => empty(204));
    action!(deals_lose, "/deals.lose", types::LoseDealRequest: "postponed" => empty(204));
    action!(deals_delete, "/deals.delete", types::IdRequest: "by_id" => empty(204));

    // ---------------------------------------- specs/teamleader_v2/calendar.yaml

    action!(
        meetings_list, "/meetings.list",
        types::ListMeetingsRequest: "filtered"
        => whole::<types::MeetingList>(200, "one_meeting")
    );
    action!(
        meetings_info, "/meetings.info",
        types::MeetingInfoRequest: "with_tracked_time"
        => data::<types::Meeting>(200, "my_meeting")
    );
    action!(
        meetings_schedule, "/meetings.schedule",
        types::NewMeeting: "my_meeting"
        => data::<types::CreatedReference>(201, "created")
    );
    action!(meetings_update, "/meetings.update", types::UpdateMeeting: "my_meeting" => empty(204));
    action!(meetings_complete, "/meetings.complete", types::IdRequest: "by_id" => empty(204));
    action!(meetings_delete, "/meetings.delete", types::IdRequest: "by_id" => empty(204));
    action!(
        meetings_create_report, "/meetings.createReport",
        types::CreateMeetingReportRequest: "summary"
        => data::<types::CreatedReference>(201, "created")
    );

    action!(
        calls_list, "/calls.list",
        types::ListCallsRequest: "filtered"
        => whole::<types::CallList>(200, "one_call")
    );
    action!(
        calls_info, "/calls.info",
        types::IdRequest: "by_id"
        => data::<types::Call>(200, "one_call")
    );
    action!(
        calls_add, "/calls.add",
        types::NewCall: "call"
        => data::<types::CreatedReference>(201, "created")
    );
    action!(calls_update, "/calls.update", types::UpdateCall: "call" => empty(204));
    action!(
        calls_complete, "/calls.complete",
        types::CompleteCallRequest: "not_available"
        => empty(204)
    );

    action!(
        call_outcomes_list, "/callOutcomes.list",
        types::ListCallOutcomesRequest: "first_page"
        => whole::<types::CallOutcomeList>(200, "one_outcome")
    );

    action!(
        events_list, "/events.list",
        types::ListEventsRequest: "filtered"
        => whole::<types::EventList>(200, "birthday")
    );
    action!(
        events_info, "/events.info",
        types::IdRequest: "by_id"
        => data::<types::Event>(200, "stakeholders")
    );
    action!(
        events_create, "/events.create",
        types::NewEvent: "stakeholders"
        => data::<types::CreatedReference>(201, "created")
    );
    action!(events_update, "/events.update", types::UpdateEvent: "stakeholders" => empty(204));
    action!(events_cancel, "/events.cancel", types::IdRequest: "by_id" => empty(204));

    action!(
        activity_types_list, "/activityTypes.list",
        types::ListActivityTypesRequest: "by_ids"
        => whole::<types::ActivityTypeList>(200, "one_type")
    );

    // ---------------------------------------- specs/teamleader_v2/crm.yaml

    action!(
        business_types_list, "/businessTypes.list",
        types::ListBusinessTypesRequest: "belgium"
        => data::<Vec<types::BusinessType>>(200, "vzw_asbl")
    );

    action!(
        tags_list, "/tags.list",
        types::ListTagsRequest: "first_page"
        => whole::<types::TagList>(200, "campaign")
    );

    action!(
        level_two_areas_list, "/levelTwoAreas.list",
        types::ListLevelTwoAreasRequest: "belgium_in_dutch"
        => data::<Vec<types::LevelTwoArea>>(200, "west_flanders")
    );

    // ---------------------------------------- specs/teamleader_v2/deals.yaml

    action!(
        lost_reasons_list, "/lostReasons.list",
        types::ListLostReasonsRequest: "filtered"
        => whole::<types::LostReasonList>(200, "one_reason")
    );

    action!(
        deal_pipelines_list, "/dealPipelines.list",
        types::ListDealPipelinesRequest: "filtered"
        => whole::<types::DealPipelineList>(200, "main_pipeline")
    );
    action!(
        deal_pipelines_create, "/dealPipelines.create",
        types::NewDealPipeline: "primary"
        => data::<types::CreatedReference>(201, "created")
    );
    action!(
        deal_pipelines_update, "/dealPipelines.update",
        types::UpdateDealPipeline: "main"
        => empty(204)
    );
    action!(
        deal_pipelines_mark_as_default, "/dealPipelines.markAsDefault",
        types::IdRequest: "by_id"
        => empty(202)
    );
    action!(
        deal_pipelines_duplicate, "/dealPipelines.duplicate",
        types::IdRequest: "by_id"
        => data::<types::CreatedReference>(201, "created")
    );
    action!(
        deal_pipelines_delete, "/dealPipelines.delete",
        types::DeleteDealPipelineRequest: "with_migration"
        => empty(204)
    );

    action!(
        deal_phases_list, "/dealPhases.list",
        types::ListDealPhasesRequest: "filtered"
        => whole::<types::DealPhaseList>(200, "new_phase")
    );
    action!(
        deal_phases_create, "/dealPhases.create",
        types::NewDealPhase: "investigation"
        => data::<types::CreatedReference>(201, "created")
    );
    action!(
        deal_phases_update, "/dealPhases.update",
        types::UpdateDealPhase: "preparation"
        => empty(204)
    );
    action!(
        deal_phases_duplicate, "/dealPhases.duplicate",
        types::IdRequest: "by_id"
        => data::<types::CreatedReference>(201, "created")
    );
    action!(
        deal_phases_move, "/dealPhases.move",
        types::MoveDealPhaseRequest: "move"
        => empty(204)
    );
    action!(
        deal_phases_delete, "/dealPhases.delete",
        types::DeleteDealPhaseRequest: "with_migration"
        => empty(204)
    );

    action!(
        deal_sources_list, "/dealSources.list",
        types::ListDealSourcesRequest: "filtered"
        => whole::<types::DealSourceList>(200, "referral")
    );

    action!(
        quotations_list, "/quotations.list",
        types::ListQuotationsRequest: "by_ids"
        => whole::<types::QuotationList>(200, "webdevelopment")
    );
    action!(
        quotations_info, "/quotations.info",
        types::QuotationInfoRequest: "by_id"
        => data::<types::Quotation>(200, "webdevelopment")
    );
    action!(
        quotations_download, "/quotations.download",
        types::DownloadQuotationRequest: "pdf"
        => data::<types::QuotationDownload>(200, "link")
    );
    action!(
        quotations_create, "/quotations.create",
        types::NewQuotation: "one_line"
        => data::<types::CreatedReference>(201, "created")
    );
    action!(
        quotations_send, "/quotations.send",
        types::SendQuotationRequest: "offer"
        => empty(204)
    );
    action!(
        quotations_update, "/quotations.update",
        types::UpdateQuotation: "one_line"
        => empty(204)
    );
    action!(quotations_accept, "/quotations.accept", types::IdRequest: "by_id" => empty(204));
    action!(quotations_delete, "/quotations.delete", types::IdRequest: "by_id" => empty(204));

    // ---------------------------------------- specs/teamleader_v2/files.yaml

    action!(
        files_list, "/files.list",
        types::ListFilesRequest: "company_files"
        => whole::<types::FileList>(200, "meeting_report")
    );
    action!(
        files_info, "/files.info",
        types::IdRequest: "by_id"
        => data::<types::File>(200, "meeting_report")
    );
    action!(
        files_download, "/files.download",
        types::IdRequest: "by_id"
        => data::<types::FileDownloadLocation>(200, "cdn")
    );
    action!(
        files_upload, "/files.upload",
        types::FileUploadRequest: "meeting_note"
        => data::<types::FileUploadLocation>(200, "upload_endpoint")
    );
    action!(files_delete, "/files.delete", types::IdRequest: "by_id" => empty(204));

    // ---------------------------------------- specs/teamleader_v2/general.yaml

    action!(
        departments_list, "/departments.list",
        types::ListDepartmentsRequest: "filtered"
        => data::<Vec<types::DepartmentListItem>>(200, "human_resources")
    );
    action!(
        departments_info, "/departments.info",
        types::IdRequest: "by_id"
        => data::<types::Department>(200, "human_resources")
    );

    action!(
        users_list, "/users.list",
        types::ListUsersRequest: "filtered"
        => whole::<types::UserList>(200, "john_smith")
    );
    action!(
        users_info, "/users.info",
        types::UserInfoRequest: "with_external_rate"
        => data::<types::User>(200, "john_smith")
    );
    action!(
        users_list_days_off, "/users.listDaysOff",
        types::ListUserDaysOffRequest: "october"
        => whole::<types::UserDayOffList>(200, "approved")
    );
    action!(
        users_get_week_schedule, "/users.getWeekSchedule",
        types::IdRequest: "by_id"
        => data::<types::UserWeekSchedule>(200, "monday")
    );

    action!(
        teams_list, "/teams.list",
        types::ListTeamsRequest: "designers"
        => data::<Vec<types::Team>>(200, "designers")
    );

    action!(
        custom_field_definitions_list, "/customFieldDefinitions.list",
        types::ListCustomFieldDefinitionsRequest: "contact_fields"
        => whole::<types::CustomFieldDefinitionList>(200, "one_definition")
    );
    action!(
        custom_field_definitions_info, "/customFieldDefinitions.info",
        types::IdRequest: "by_id"
        => data::<types::CustomFieldDefinition>(200, "definition")
    );

    action!(
        work_types_list, "/workTypes.list",
        types::ListWorkTypesRequest: "design"
        => whole::<types::WorkTypeList>(200, "planning")
    );

    action!(
        document_templates_list, "/documentTemplates.list",
        types::ListDocumentTemplatesRequest: "invoice_templates"
        => data::<Vec<types::DocumentTemplate>>(200, "new_logo")
    );

    action!(
        currencies_exchange_rates, "/currencies.exchangeRates",
        types::CurrencyExchangeRatesRequest: "from_euro"
        => data::<Vec<types::CurrencyRate>>(200, "us_dollar")
    );

    action!(
        notes_list, "/notes.list",
        types::ListNotesRequest: "contact_notes"
        => whole::<types::NoteList>(200, "one_note")
    );
    action!(
        notes_create, "/notes.create",
        types::NewNote: "on_contact"
        => data::<types::CreatedReference>(201, "created")
    );
    action!(notes_update, "/notes.update", types::UpdateNote: "new_content" => empty(204));

    action!(
        email_tracking_list, "/emailTracking.list",
        types::ListEmailTrackingRequest: "contact_emails"
        => whole::<types::EmailTrackingList>(200, "one_email")
    );
    action!(
        email_tracking_create, "/emailTracking.create",
        types::NewEmailTracking: "on_contact"
        => data::<types::CreatedReference>(201, "created")
    );

    action!(
        closing_days_list, "/closingDays.list",
        types::ListClosingDaysRequest: "december"
        => whole::<types::ClosingDayList>(200, "one_day")
    );
    action!(
        closing_days_add, "/closingDays.add",
        types::NewClosingDay: "first_of_february"
        => data::<types::CreatedReference>(201, "created")
    );
    action!(closing_days_delete, "/closingDays.delete", types::IdRequest: "by_id" => empty(204));

    action!(
        day_off_types_list, "/dayOffTypes.list"
        => data::<Vec<types::DayOffType>>(200, "sick_leave")
    );
    action!(
        day_off_types_create, "/dayOffTypes.create",
        types::NewDayOffType: "with_validity"
        => data::<types::CreatedReference>(201, "created")
    );
    action!(
        day_off_types_update, "/dayOffTypes.update",
        types::UpdateDayOffType: "with_validity"
        => empty(204)
    );
    action!(day_off_types_delete, "/dayOffTypes.delete", types::IdRequest: "by_id" => empty(204));

    action!(
        days_off_import, "/daysOff.import",
        types::ImportDaysOffRequest: "one_day"
        => empty(201)
    );
    action!(
        days_off_bulk_delete, "/daysOff.bulkDelete",
        types::BulkDeleteDaysOffRequest: "two_days"
        => empty(204)
    );

    // ---------------------------------------- specs/teamleader_v2/invoicing.yaml

    action!(
        invoices_list, "/invoices.list",
        types::ListInvoicesRequest: "filtered"
        => whole::<types::InvoiceList>(200, "one_invoice")
    );
    action!(
        invoices_info, "/invoices.info",
        types::InvoiceInfoRequest: "with_late_fees"
        => data::<types::Invoice>(200, "outstanding_invoice")
    );
    action!(
        invoices_download, "/invoices.download",
        types::DownloadInvoiceRequest: "pdf"
        => data::<types::InvoiceDownload>(200, "link")
    );
    action!(
        invoices_draft, "/invoices.draft",
        types::NewInvoice: "one_line"
        => data::<types::CreatedReference>(201, "created")
    );
    action!(invoices_update, "/invoices.update", types::UpdateInvoice: "one_line" => empty(204));
    action!(
        invoices_update_booked, "/invoices.updateBooked",
        types::UpdateBookedInvoice: "one_line"
        => empty(204)
    );
    action!(
        invoices_copy, "/invoices.copy",
        types::IdRequest: "by_id"
        => data::<types::CreatedReference>(201, "created")
    );
    action!(invoices_book, "/invoices.book", types::BookInvoiceRequest: "on_date" => empty(204));
    action!(invoices_delete, "/invoices.delete", types::IdRequest: "by_id" => empty(204));
    action!(
        invoices_register_payment, "/invoices.registerPayment",
        types::RegisterInvoicePaymentRequest: "payment"
        => empty(204)
    );
    action!(
        invoices_remove_payments, "/invoices.removePayments",
        types::IdRequest: "by_id"
        => empty(204)
    );
    action!(
        invoices_credit, "/invoices.credit",
        types::CreditInvoiceRequest: "on_date"
        => data::<types::CreatedReference>(201, "created")
    );
    action!(
        invoices_credit_partially, "/invoices.creditPartially",
        types::CreditInvoicePartiallyRequest: "one_line"
        => data::<types::CreatedReference>(201, "created")
    );
    action!(invoices_send, "/invoices.send", types::SendInvoiceRequest: "to_cc_bcc" => empty(204));

    action!(
        credit_notes_list, "/creditNotes.list",
        types::ListCreditNotesRequest: "filtered"
        => whole::<types::CreditNoteList>(200, "one_credit_note")
    );
    action!(
        credit_notes_info, "/creditNotes.info",
        types::CreditNoteInfoRequest: "by_id"
        => data::<types::CreditNoteInfoData>(200, "booked_credit_note")
    );
    action!(
        credit_notes_download, "/creditNotes.download",
        types::DownloadCreditNoteRequest: "pdf"
        => data::<types::InvoiceDownload>(200, "link")
    );

    action!(
        subscriptions_list, "/subscriptions.list",
        types::ListSubscriptionsRequest: "filtered"
        => whole::<types::SubscriptionList>(200, "one_subscription")
    );
    action!(
        subscriptions_info, "/subscriptions.info",
        types::SubscriptionInfoRequest: "by_id"
        => data::<types::Subscription>(200, "cookies")
    );
    action!(
        subscriptions_create, "/subscriptions.create",
        types::NewSubscription: "cookies"
        => data::<types::CreatedReference>(201, "created")
    );
    action!(
        subscriptions_update, "/subscriptions.update",
        types::UpdateSubscription: "cookies"
        => empty(204)
    );
    action!(
        subscriptions_deactivate, "/subscriptions.deactivate",
        types::IdRequest: "by_id"
        => empty(204)
    );

    action!(
        tax_rates_list, "/taxRates.list",
        types::ListTaxRatesRequest: "by_department"
        => whole::<types::TaxRateList>(200, "one_rate")
    );

    action!(
        payment_terms_list, "/paymentTerms.list"
        => whole::<types::PaymentTermList>(200, "one_term")
    );

    action!(
        withholding_tax_rates_list, "/withholdingTaxRates.list",
        types::ListWithholdingTaxRatesRequest: "by_department"
        => data::<Vec<types::WithholdingTaxRate>>(200, "one_rate")
    );

    action!(
        commercial_discounts_list, "/commercialDiscounts.list",
        types::ListCommercialDiscountsRequest: "by_department"
        => data::<Vec<types::CommercialDiscountOption>>(200, "one_discount")
    );

    action!(
        payment_methods_list, "/paymentMethods.list",
        types::ListPaymentMethodsRequest: "filtered"
        => whole::<types::PaymentMethodList>(200, "one_method")
    );

    // ---------------------------------------- specs/teamleader_v2/legacy_projects.yaml

    action!(
        projects_list, "/projects.list",
        types::ListLegacyProjectsRequest: "filtered"
        => whole::<types::LegacyProjectList>(200, "new_company_website")
    );
    action!(
        projects_info, "/projects.info",
        types::IdRequest: "by_id"
        => data::<types::LegacyProject>(200, "new_company_website")
    );
    action!(
        projects_create, "/projects.create",
        types::NewLegacyProject: "new_company_website"
        => data::<types::CreatedReference>(201, "created")
    );
    action!(
        projects_update, "/projects.update",
        types::UpdateLegacyProject: "new_company_website"
        => empty(204)
    );
    action!(projects_close, "/projects.close", types::IdRequest: "by_id" => empty(204));
    action!(projects_reopen, "/projects.reopen", types::IdRequest: "by_id" => empty(204));
    action!(projects_delete, "/projects.delete", types::IdRequest: "by_id" => empty(204));
    action!(
        projects_add_participant, "/projects.addParticipant",
        types::LegacyProjectAddParticipantRequest: "member"
        => empty(204)
    );
    action!(
        projects_update_participant, "/projects.updateParticipant",
        types::LegacyProjectUpdateParticipantRequest: "decision_maker"
        => empty(204)
    );

    action!(
        milestones_list, "/milestones.list",
        types::ListLegacyMilestonesRequest: "filtered"
        => whole::<types::LegacyMilestoneList>(200, "initial_setup")
    );
    action!(
        milestones_info, "/milestones.info",
        types::IdRequest: "by_id"
        => data::<types::LegacyMilestone>(200, "initial_setup")
    );
    action!(
        milestones_create, "/milestones.create",
        types::NewLegacyMilestone: "initial_setup"
        => data::<types::CreatedReference>(201, "created")
    );
    action!(
        milestones_update, "/milestones.update",
        types::UpdateLegacyMilestone: "initial_setup"
        => empty(204)
    );
    action!(milestones_delete, "/milestones.delete", types::IdRequest: "by_id" => empty(204));
    action!(milestones_close, "/milestones.close", types::IdRequest: "by_id" => empty(204));
    action!(milestones_open, "/milestones.open", types::IdRequest: "by_id" => empty(204));

    // ---------------------------------------- specs/teamleader_v2/other.yaml

    action!(
        cloud_platforms_url, "/cloudPlatforms.url",
        types::CloudPlatformUrlRequest: "invoice"
        => data::<types::CloudPlatformUrl>(200, "url")
    );

    action!(
        accounts_projects_v2_status, "/accounts.projects-v2-status"
        => data::<types::AccountProjectsStatus>(200, "projects_v2")
    );

    // ---------------------------------------- specs/teamleader_v2/products.yaml

    action!(
        product_categories_list, "/productCategories.list",
        types::ListProductCategoriesRequest: "by_department"
        => data::<Vec<types::ProductCategory>>(200, "asian_flowers")
    );

    action!(
        products_list, "/products.list",
        types::ListProductsRequest: "filtered"
        => data::<Vec<types::ProductListItem>>(200, "cookies")
    );
    action!(
        products_info, "/products.info",
        types::ProductInfoRequest: "with_suppliers"
        => data::<types::Product>(200, "cookies")
    );
    action!(
        products_add, "/products.add",
        types::NewProduct: "cookies"
        => data::<types::CreatedReference>(201, "created")
    );
    action!(products_update, "/products.update", types::UpdateProduct: "hosting" => empty(204));
    action!(products_delete, "/products.delete", types::IdRequest: "by_id" => empty(204));

    action!(
        units_of_measure_list, "/unitsOfMeasure.list"
        => data::<Vec<types::UnitOfMeasure>>(200, "kg")
    );

    action!(
        price_lists_list, "/priceLists.list",
        types::ListPriceListsRequest: "by_ids"
        => data::<Vec<types::PriceList>>(200, "manual")
    );

    // ---------------------------------------- specs/teamleader_v2/projects.yaml

    action!(
        projects_v2_projects_list, "/projects-v2/projects.list",
        types::ListProjectsRequest: "filtered"
        => whole::<types::ProjectList>(200, "one_project")
    );
    action!(
        projects_v2_projects_info, "/projects-v2/projects.info",
        types::ProjectInfoRequest: "with_legacy_project"
        => data::<types::Project>(200, "my_project")
    );
    action!(
        projects_v2_projects_create, "/projects-v2/projects.create",
        types::NewProject: "my_cool_new_project"
        => data::<types::CreatedReference>(201, "created")
    );
    action!(
        projects_v2_projects_update, "/projects-v2/projects.update",
        types::UpdateProject: "different_title"
        => empty(204)
    );
    action!(
        projects_v2_projects_close, "/projects-v2/projects.close",
        types::CloseProjectRequest: "close"
        => empty(204)
    );
    action!(
        projects_v2_projects_reopen, "/projects-v2/projects.reopen",
        types::IdRequest: "by_id"
        => empty(204)
    );
    action!(
        projects_v2_projects_duplicate, "/projects-v2/projects.duplicate",
        types::DuplicateProjectRequest: "copy"
        => data::<types::CreatedReference>(201, "created")
    );
    action!(
        projects_v2_projects_delete, "/projects-v2/projects.delete",
        types::DeleteProjectRequest: "unlink"
        => empty(204)
    );
    action!(
        projects_v2_projects_add_owner, "/projects-v2/projects.addOwner",
        types::ProjectOwnerRequest: "owner"
        => empty(204)
    );
    action!(
        projects_v2_projects_remove_owner, "/projects-v2/projects.removeOwner",
        types::ProjectOwnerRequest: "owner"
        => empty(204)
    );
    action!(
        projects_v2_projects_assign, "/projects-v2/projects.assign",
        types::ProjectAssignRequest: "user"
        => empty(204)
    );
    action!(
        projects_v2_projects_unassign, "/projects-v2/projects.unassign",
        types::ProjectAssignRequest: "user"
        => empty(204)
    );
    action!(
        projects_v2_projects_add_customer, "/projects-v2/projects.addCustomer",
        types::ProjectCustomerRequest: "contact"
        => empty(204)
    );
    action!(
        projects_v2_projects_remove_customer, "/projects-v2/projects.removeCustomer",
        types::ProjectCustomerRequest: "contact"
        => empty(204)
    );
    action!(
        projects_v2_projects_add_deal, "/projects-v2/projects.addDeal",
        types::ProjectDealRequest: "deal"
        => empty(204)
    );
    action!(
        projects_v2_projects_remove_deal, "/projects-v2/projects.removeDeal",
        types::ProjectDealRequest: "deal"
        => empty(204)
    );
    action!(
        projects_v2_projects_add_quotation, "/projects-v2/projects.addQuotation",
        types::ProjectQuotationRequest: "quotation"
        => empty(204)
    );
    action!(
        projects_v2_projects_remove_quotation, "/projects-v2/projects.removeQuotation",
        types::ProjectQuotationRequest: "quotation"
        => empty(204)
    );

    action!(
        projects_v2_project_lines_list, "/projects-v2/projectLines.list",
        types::ListProjectLinesRequest: "tasks_of_user"
        => data::<Vec<types::ProjectLine>>(200, "one_line")
    );
    action!(
        projects_v2_project_lines_add_to_group, "/projects-v2/projectLines.addToGroup",
        types::ProjectLineGroupRequest: "add"
        => empty(204)
    );
    action!(
        projects_v2_project_lines_remove_from_group, "/projects-v2/projectLines.removeFromGroup",
        types::ProjectLineUngroupRequest: "remove"
        => empty(204)
    );

    action!(
        projects_v2_project_groups_list, "/projects-v2/projectGroups.list",
        types::ListProjectGroupsRequest: "filtered"
        => data::<Vec<types::ProjectGroupListItem>>(200, "one_group")
    );
    action!(
        projects_v2_project_groups_info, "/projects-v2/projectGroups.info",
        types::ProjectGroupInfoRequest: "by_id"
        => data::<types::ProjectGroup>(200, "website_frontpage")
    );
    action!(
        projects_v2_project_groups_create, "/projects-v2/projectGroups.create",
        types::NewProjectGroup: "my_project_group"
        => data::<types::CreatedReference>(201, "created")
    );
    action!(
        projects_v2_project_groups_update, "/projects-v2/projectGroups.update",
        types::UpdateProjectGroup: "updated_group"
        => empty(204)
    );
    action!(
        projects_v2_project_groups_duplicate, "/projects-v2/projectGroups.duplicate",
        types::ProjectLineDuplicateRequest: "origin"
        => data::<types::CreatedReference>(201, "created")
    );
    action!(
        projects_v2_project_groups_delete, "/projects-v2/projectGroups.delete",
        types::DeleteProjectGroupRequest: "ungroup"
        => empty(204)
    );
    action!(
        projects_v2_project_groups_assign, "/projects-v2/projectGroups.assign",
        types::ProjectAssignRequest: "user"
        => empty(204)
    );
    action!(
        projects_v2_project_groups_unassign, "/projects-v2/projectGroups.unassign",
        types::ProjectAssignRequest: "user"
        => empty(204)
    );

    action!(
        projects_v2_tasks_list, "/projects-v2/tasks.list",
        types::ListProjectTasksRequest: "by_ids"
        => whole::<types::ProjectTaskList>(200, "one_task")
    );
    action!(
        projects_v2_tasks_info, "/projects-v2/tasks.info",
        types::ProjectTaskInfoRequest: "by_id"
        => data::<types::ProjectTask>(200, "write_api_documentation")
    );
    action!(
        projects_v2_tasks_create, "/projects-v2/tasks.create",
        types::NewProjectTask: "my_task"
        => data::<types::CreatedReference>(201, "created")
    );
    action!(
        projects_v2_tasks_update, "/projects-v2/tasks.update",
        types::UpdateProjectTask: "on_hold"
        => empty(204)
    );
    action!(
        projects_v2_tasks_duplicate, "/projects-v2/tasks.duplicate",
        types::ProjectLineDuplicateRequest: "origin"
        => data::<types::CreatedReference>(201, "created")
    );
    action!(
        projects_v2_tasks_delete, "/projects-v2/tasks.delete",
        types::DeleteProjectTaskRequest: "unlink"
        => empty(204)
    );
    action!(
        projects_v2_tasks_assign, "/projects-v2/tasks.assign",
        types::ProjectAssignRequest: "user"
        => empty(204)
    );
    action!(
        projects_v2_tasks_unassign, "/projects-v2/tasks.unassign",
        types::ProjectAssignRequest: "user"
        => empty(204)
    );

    action!(
        projects_v2_materials_list, "/projects-v2/materials.list",
        types::ListProjectMaterialsRequest: "by_ids"
        => data::<Vec<types::ProjectMaterialListItem>>(200, "one_material")
    );
    action!(
        projects_v2_materials_info, "/projects-v2/materials.info",
        types::ProjectMaterialInfoRequest: "by_id"
        => data::<types::ProjectMaterial>(200, "wd_40")
    );
    action!(
        projects_v2_materials_create, "/projects-v2/materials.create",
        types::NewProjectMaterial: "some_material"
        => data::<types::CreatedReference>(201, "created")
    );
    action!(
        projects_v2_materials_update, "/projects-v2/materials.update",
        types::UpdateProjectMaterial: "on_hold"
        => empty(204)
    );
    action!(
        projects_v2_materials_duplicate, "/projects-v2/materials.duplicate",
        types::ProjectLineDuplicateRequest: "origin"
        => data::<types::CreatedReference>(201, "created")
    );
    action!(
        projects_v2_materials_delete, "/projects-v2/materials.delete",
        types::IdRequest: "by_id"
        => empty(204)
    );
    action!(
        projects_v2_materials_assign, "/projects-v2/materials.assign",
        types::ProjectAssignRequest: "user"
        => empty(204)
    );
    action!(
        projects_v2_materials_unassign, "/projects-v2/materials.unassign",
        types::ProjectAssignRequest: "user"
        => empty(204)
    );

    // ---------------------------------------- specs/teamleader_v2/tasks.yaml

    action!(
        tasks_list, "/tasks.list",
        types::ListTasksRequest: "filtered"
        => whole::<types::TaskList>(200, "review_code_changes")
    );
    action!(
        tasks_info, "/tasks.info",
        types::IdRequest: "by_id"
        => data::<types::Task>(200, "review_code_changes")
    );
    action!(
        tasks_create, "/tasks.create",
        types::NewTask: "review_code_changes"
        => data::<types::CreatedReference>(201, "created")
    );
    action!(tasks_update, "/tasks.update", types::UpdateTask: "review_code_changes" => empty(204));
    action!(tasks_complete, "/tasks.complete", types::IdRequest: "by_id" => empty(204));
    action!(tasks_reopen, "/tasks.reopen", types::IdRequest: "by_id" => empty(204));
    action!(tasks_delete, "/tasks.delete", types::IdRequest: "by_id" => empty(204));
    action!(
        tasks_schedule, "/tasks.schedule",
        types::TaskScheduleRequest: "two_hours"
        => data::<types::CreatedReference>(201, "event")
    );

    // ---------------------------------------- specs/teamleader_v2/templates.yaml

    action!(
        mail_templates_list, "/mailTemplates.list",
        types::ListMailTemplatesRequest: "invoice_templates"
        => data::<Vec<types::MailTemplate>>(200, "send_link")
    );

    // ---------------------------------------- specs/teamleader_v2/tickets.yaml

    action!(
        tickets_list, "/tickets.list",
        types::ListTicketsRequest: "filtered"
        => whole::<types::TicketList>(200, "one_ticket")
    );
    action!(
        tickets_info, "/tickets.info",
        types::IdRequest: "by_id"
        => whole::<types::Ticket>(200, "my_ticket")
    );
    action!(
        tickets_create, "/tickets.create",
        types::NewTicket: "my_ticket"
        => data::<types::CreatedReference>(201, "created")
    );
    action!(tickets_update, "/tickets.update", types::UpdateTicket: "my_ticket" => empty(204));
    action!(
        tickets_list_messages, "/tickets.listMessages",
        types::ListTicketMessagesRequest: "customer_messages"
        => whole::<types::TicketMessageList>(200, "one_message")
    );
    action!(
        tickets_get_message, "/tickets.getMessage",
        types::TicketMessageRequest: "by_id"
        => whole::<types::TicketMessage>(200, "customer_message")
    );
    action!(
        tickets_import_message, "/tickets.importMessage",
        types::ImportTicketMessageRequest: "hello_world"
        => data::<types::CreatedReference>(200, "imported")
    );
    action!(
        tickets_add_reply, "/tickets.addReply",
        types::NewTicketMessage: "hello_world"
        => data::<types::CreatedReference>(200, "added")
    );
    action!(
        tickets_add_internal_message, "/tickets.addInternalMessage",
        types::NewTicketMessage: "hello_world"
        => data::<types::CreatedReference>(200, "added")
    );

    action!(
        ticket_status_list, "/ticketStatus.list",
        types::ListTicketStatusesRequest: "by_ids"
        => data::<Vec<types::TicketStatus>>(200, "new")
    );

    // ---------------------------------------- specs/teamleader_v2/time_tracking.yaml

    action!(
        time_tracking_list, "/timeTracking.list",
        types::ListTimeTrackingRequest: "filtered"
        => whole::<types::TimeTrackingList>(200, "one_hour")
    );
    action!(
        time_tracking_info, "/timeTracking.info",
        types::TimeTrackingInfoRequest: "with_includes"
        => whole::<types::TimeTrackingInfo>(200, "one_hour")
    );
    action!(
        time_tracking_add, "/timeTracking.add",
        types::NewTimeTracking: "one_hour"
        => data::<types::CreatedReference>(201, "created")
    );
    action!(
        time_tracking_update, "/timeTracking.update",
        types::UpdateTimeTracking: "one_hour"
        => empty(204)
    );
    action!(
        time_tracking_resume, "/timeTracking.resume",
        types::TimeTrackingResumeRequest: "resume"
        => data::<types::CreatedReference>(201, "timer")
    );
    action!(time_tracking_delete, "/timeTracking.delete", types::IdRequest: "by_id" => empty(204));

    action!(timers_current, "/timers.current" => data::<types::Timer>(200, "running"));
    action!(
        timers_start, "/timers.start",
        types::TimerStartRequest: "start"
        => data::<types::CreatedReference>(201, "timer")
    );
    action!(timers_stop, "/timers.stop" => data::<types::CreatedReference>(201, "time_tracking"));
    action!(timers_update, "/timers.update", types::UpdateTimer: "update" => empty(204));

    let in_spec: BTreeSet<&str> = api.operations.iter().map(|op| op.id.as_str()).collect();
    for op in in_spec.difference(&covered) {
        problems.push(format!("{op}: no row"));
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert_eq!(
        covered, in_spec,
        "a row for every operation of the spec, and only those"
    );
    assert_eq!(covered.len(), 234);
}
