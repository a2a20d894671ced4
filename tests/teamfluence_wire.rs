//! Wire tests of the generated Teamfluence client.
//!
//! Each test points the client at a local HTTP server, makes calls, and checks what crossed the
//! wire byte for byte (method, raw path, raw query, headers, body) and how the server's answer
//! decodes. No document shows a Teamfluence payload (note `no-examples`), so the answers are
//! built here from the fields the spec names; the vendor document is
//! `shared/sources/003_969abd854179cedb.txt`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use clientgen_runtime::{Sleeper, UnknownFields};
use clientgen_tests::{
    Sent, assert_header, assert_request, received, serve, serve_with, single_request,
};
use saas_clients::teamfluence::{self, types};
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// The profile id and API key every test client sends.
const PROFILE: &str = "p-42";
const KEY: &str = "KEY";

fn builder(server: &MockServer, profile_id: &str) -> teamfluence::ClientBuilder {
    teamfluence::Client::builder(profile_id, KEY)
        .transport(|t| t.base_url(server.uri()).allow_http(true))
}

/// A Teamfluence client for `server` as profile `p-42`.
fn client(server: &MockServer) -> teamfluence::Client {
    builder(server, PROFILE).build().expect("client builds")
}

/// A client whose retries do not sleep; the delays asked for are recorded instead.
fn instant_retry_client(server: &MockServer) -> (teamfluence::Client, Arc<Mutex<Vec<Duration>>>) {
    let delays: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let record = Arc::clone(&delays);
    let sleeper = Sleeper::new(move |d| {
        record.lock().unwrap().push(d);
        Box::pin(async {})
    });
    let client = builder(server, PROFILE)
        .transport(|t| t.sleeper(sleeper))
        .build()
        .expect("client builds");
    (client, delays)
}

/// Asserts what every Teamfluence call sends (bearer key, `Accept: application/json`, no body,
/// no `Content-Type`) and this call's raw path and query.
#[track_caller]
fn assert_wire(req: &Request, path: &str, query: Option<&str>) {
    assert_header(req, "authorization", Some("Bearer KEY"));
    assert_request(req, "GET", path, query, Sent::Nothing);
}

/// A post with every field the spec names, plus one it does not (`reactions`).
fn post_json() -> Value {
    json!({
        "id": 501,
        "activity_urn": "urn:li:activity:7123",
        "post_url": "https://www.linkedin.com/feed/update/urn:li:activity:7123/",
        "content": "We are hiring – join us!",
        "author": {"name": "Jane Doe", "profile_id": "p-42"},
        "published_at": "2025-03-04T10:00:00Z",
        "likes_num": 12,
        "comments_num": 3,
        "impressions_num": 1500,
        "shares_num": 1,
        "reactions": {"PRAISE": 2}
    })
}

/// A second post with only a few fields, a string id and a null count.
fn sparse_post_json() -> Value {
    json!({"id": "p_77", "activity_urn": "urn:li:activity:7124", "likes_num": null})
}

/// Asserts that `posts` are [`post_json`] then [`sparse_post_json`], typed, with the unknown
/// field kept.
#[track_caller]
fn assert_posts(posts: &[types::Post]) {
    let [post, sparse] = posts else {
        panic!("two posts expected, got {posts:?}")
    };
    assert_eq!(post.id, Some(json!(501)));
    assert_eq!(post.activity_urn.as_deref(), Some("urn:li:activity:7123"));
    assert_eq!(
        post.post_url.as_deref(),
        Some("https://www.linkedin.com/feed/update/urn:li:activity:7123/")
    );
    assert_eq!(post.content.as_deref(), Some("We are hiring – join us!"));
    assert_eq!(
        post.author,
        Some(json!({"name": "Jane Doe", "profile_id": "p-42"}))
    );
    assert_eq!(post.published_at.as_deref(), Some("2025-03-04T10:00:00Z"));
    assert_eq!(
        (
            post.likes_num,
            post.comments_num,
            post.impressions_num,
            post.shares_num
        ),
        (Some(12), Some(3), Some(1500), Some(1))
    );
    assert_eq!(
        Value::Object(post.extra.to_map()),
        json!({"reactions": {"PRAISE": 2}})
    );
    assert_eq!(sparse.id, Some(json!("p_77")));
    assert_eq!(sparse.activity_urn.as_deref(), Some("urn:li:activity:7124"));
    assert_eq!((sparse.likes_num, sparse.content.as_ref()), (None, None));
    assert!(sparse.extra.is_empty());
}

/// A lead with every field the spec names, plus some it does not (`stage`, a company `domain`,
/// a history item's `id` and `comment_url`).
fn lead_json() -> Value {
    json!({
        "first_name": "Ann",
        "last_name": "Ray",
        "linkedin_url": "https://www.linkedin.com/in/annray",
        "email": "ann@example.com",
        "contact_email": "ann.ray@example.org",
        "phone_number": "+49 89 1234",
        "headline": "Head of Sales",
        "job_title": "VP Sales",
        "company": {
            "name": "Example GmbH",
            "website": "https://example.com",
            "linkedin_url": "https://www.linkedin.com/company/example",
            "domain": "example.com"
        },
        "engagement_score": 7.5,
        "engagement_events_count": 2,
        "picture": "https://media.example.com/ann.jpg",
        "history": [
            {
                "event_type": "LINKEDIN_POST_ENGAGEMENT",
                "description": "Liked a post",
                "created_at": "2025-03-04 11:00:00",
                "post_url": "https://www.linkedin.com/feed/update/urn:li:activity:7123/"
            },
            {
                "id": 9,
                "event_type": "LINKEDIN_NEWSLETTER_SUBSCRIBER",
                "comment_url": "https://www.linkedin.com/x"
            }
        ],
        "stage": "new"
    })
}

/// Asserts that `leads` are one [`lead_json`], typed, with its unknown fields kept.
#[track_caller]
fn assert_leads(leads: &[types::Lead]) {
    let [lead] = leads else {
        panic!("one lead expected, got {leads:?}")
    };
    assert_eq!(lead.first_name.as_deref(), Some("Ann"));
    assert_eq!(lead.last_name.as_deref(), Some("Ray"));
    assert_eq!(
        lead.linkedin_url.as_deref(),
        Some("https://www.linkedin.com/in/annray")
    );
    assert_eq!(lead.email.as_deref(), Some("ann@example.com"));
    assert_eq!(lead.contact_email.as_deref(), Some("ann.ray@example.org"));
    assert_eq!(lead.phone_number.as_deref(), Some("+49 89 1234"));
    assert_eq!(lead.headline.as_deref(), Some("Head of Sales"));
    assert_eq!(lead.job_title.as_deref(), Some("VP Sales"));
    let company = lead.company.as_ref().unwrap();
    assert_eq!(company.name.as_deref(), Some("Example GmbH"));
    assert_eq!(company.website.as_deref(), Some("https://example.com"));
    assert_eq!(
        company.linkedin_url.as_deref(),
        Some("https://www.linkedin.com/company/example")
    );
    assert_eq!(lead.engagement_score, Some(7.5));
    assert_eq!(lead.engagement_events_count, Some(2));
    assert_eq!(
        lead.picture.as_deref(),
        Some("https://media.example.com/ann.jpg")
    );
    let [liked, other] = lead.history.as_deref().unwrap() else {
        panic!("two history items expected")
    };
    assert_eq!(
        liked.event_type,
        Some(types::EventType::LinkedinPostEngagement)
    );
    assert_eq!(liked.description.as_deref(), Some("Liked a post"));
    assert_eq!(liked.created_at.as_deref(), Some("2025-03-04 11:00:00"));
    assert_eq!(
        liked.post_url.as_deref(),
        Some("https://www.linkedin.com/feed/update/urn:li:activity:7123/")
    );
    assert_eq!(
        other.event_type,
        Some(types::EventType::Unknown(
            "LINKEDIN_NEWSLETTER_SUBSCRIBER".to_owned()
        ))
    );
    assert_eq!(
        lead.unknown_fields(),
        [
            "company.domain",
            "history[1].event_type = LINKEDIN_NEWSLETTER_SUBSCRIBER",
            "history[1].comment_url",
            "history[1].id",
            "stage",
        ]
    );
}

// ----------------------------------------------------------------------------------------------
// list_posts

/// `list_posts` is a bodiless `GET /p-42/posts` with the bearer key; a bare array decodes as
/// `PostList::Array` with typed fields and unknown fields kept.
#[tokio::test]
async fn list_posts_wire_and_bare_array() {
    let answer = json!([post_json(), sparse_post_json()]);
    let server = serve(200, &answer.to_string()).await;

    let posts = client(&server).list_posts().await.unwrap();

    assert_wire(&single_request(&server).await, "/p-42/posts", None);
    assert_eq!(posts.status().as_u16(), 200);
    assert!(posts.rest().is_empty());
    let types::PostList::Array(list) = &*posts else {
        panic!("the bare-array variant expected: {posts:?}")
    };
    assert_posts(list);
    assert_eq!(posts.unknown_fields(), ["[0].reactions"]);
}

/// `{"posts": [...]}` decodes as `PostList::Posts`, the envelope's other keys kept.
#[tokio::test]
async fn list_posts_posts_envelope() {
    let answer = json!({"posts": [post_json(), sparse_post_json()], "count": 2});
    let server = serve(200, &answer.to_string()).await;

    let posts = client(&server).list_posts().await.unwrap();

    assert_wire(&single_request(&server).await, "/p-42/posts", None);
    let types::PostList::Posts(envelope) = &*posts else {
        panic!("the `posts` variant expected: {posts:?}")
    };
    assert_posts(&envelope.posts);
    assert_eq!(Value::Object(envelope.extra.to_map()), json!({"count": 2}));
}

/// `{"data": [...]}` decodes as `PostList::Data`, the envelope's other keys kept.
#[tokio::test]
async fn list_posts_data_envelope() {
    let answer = json!({"data": [post_json(), sparse_post_json()], "meta": {"days": 7}});
    let server = serve(200, &answer.to_string()).await;

    let posts = client(&server).list_posts().await.unwrap();

    assert_wire(&single_request(&server).await, "/p-42/posts", None);
    let types::PostList::Data(envelope) = &*posts else {
        panic!("the `data` variant expected: {posts:?}")
    };
    assert_posts(&envelope.data);
    assert_eq!(
        Value::Object(envelope.extra.to_map()),
        json!({"meta": {"days": 7}})
    );
}

/// An object holding both `posts` and `data` decodes through the named key, `posts` (note
/// `envelope-unconfirmed`), and keeps `data` as an unknown field.
#[tokio::test]
async fn list_posts_prefers_the_posts_key_over_data() {
    let answer = json!({"data": [], "posts": [post_json(), sparse_post_json()]});
    let server = serve(200, &answer.to_string()).await;

    let posts = client(&server).list_posts().await.unwrap();

    let types::PostList::Posts(envelope) = &*posts else {
        panic!("the `posts` variant expected: {posts:?}")
    };
    assert_posts(&envelope.posts);
    assert_eq!(Value::Object(envelope.extra.to_map()), json!({"data": []}));
}

/// An empty bare array is an empty `Array`, not another variant.
#[tokio::test]
async fn list_posts_empty_array() {
    let server = serve(200, "[]").await;

    let posts = client(&server).list_posts().await.unwrap();

    assert_eq!(*posts, types::PostList::Array(Vec::new()));
}

/// A response in none of the three shapes is a `Decode` error that keeps the raw body.
#[tokio::test]
async fn list_posts_of_another_shape_is_a_decode_error() {
    let body = r#"{"items": [{"id": 1}]}"#;
    let server = serve(200, body).await;

    let err = client(&server).list_posts().await.unwrap_err();

    assert!(matches!(err, teamfluence::Error::Decode(_)), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(err.response().unwrap().body.as_ref(), body.as_bytes());
}

// ----------------------------------------------------------------------------------------------
// list_activity_leads

/// `list_activity_leads` is a bodiless `GET /p-42/activity/7123/leads?qualified_only=false`
/// (the third-party call); a bare array decodes as `LeadList::Array` with typed fields and
/// unknown fields kept.
#[tokio::test]
async fn list_activity_leads_wire_and_bare_array() {
    let server = serve(200, &json!([lead_json()]).to_string()).await;

    let leads = client(&server)
        .list_activity_leads("7123")
        .qualified_only(false)
        .await
        .unwrap();

    assert_wire(
        &single_request(&server).await,
        "/p-42/activity/7123/leads",
        Some("qualified_only=false"),
    );
    let types::LeadList::Array(list) = &*leads else {
        panic!("the bare-array variant expected: {leads:?}")
    };
    assert_leads(list);
}

/// `{"leads": [...]}` decodes as `LeadList::Leads`, the envelope's other keys kept.
#[tokio::test]
async fn list_activity_leads_leads_envelope() {
    let answer = json!({"leads": [lead_json()], "total": 1});
    let server = serve(200, &answer.to_string()).await;

    let leads = client(&server)
        .list_activity_leads("7123")
        .qualified_only(false)
        .await
        .unwrap();

    let types::LeadList::Leads(envelope) = &*leads else {
        panic!("the `leads` variant expected: {leads:?}")
    };
    assert_leads(&envelope.leads);
    assert_eq!(Value::Object(envelope.extra.to_map()), json!({"total": 1}));
}

/// `{"data": [...]}` decodes as `LeadList::Data`.
#[tokio::test]
async fn list_activity_leads_data_envelope() {
    let answer = json!({"data": [lead_json()]});
    let server = serve(200, &answer.to_string()).await;

    let leads = client(&server)
        .list_activity_leads("7123")
        .qualified_only(false)
        .await
        .unwrap();

    let types::LeadList::Data(envelope) = &*leads else {
        panic!("the `data` variant expected: {leads:?}")
    };
    assert_leads(&envelope.data);
    assert!(envelope.extra.is_empty());
}

/// An object holding both `leads` and `data` decodes through `leads`.
#[tokio::test]
async fn list_activity_leads_prefers_the_leads_key_over_data() {
    let answer = json!({"data": [], "leads": [lead_json()]});
    let server = serve(200, &answer.to_string()).await;

    let leads = client(&server).list_activity_leads("7123").await.unwrap();

    let types::LeadList::Leads(envelope) = &*leads else {
        panic!("the `leads` variant expected: {leads:?}")
    };
    assert_leads(&envelope.leads);
}

/// `qualified_only` is sent only when set, as `true` or `false`.
#[tokio::test]
async fn qualified_only_is_sent_only_when_set() {
    let server = serve(200, "[]").await;
    let client = client(&server);

    client.list_activity_leads("7123").await.unwrap();
    client
        .list_activity_leads("7123")
        .qualified_only(true)
        .await
        .unwrap();

    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    assert_wire(&requests[0], "/p-42/activity/7123/leads", None);
    assert_wire(
        &requests[1],
        "/p-42/activity/7123/leads",
        Some("qualified_only=true"),
    );
}

// ----------------------------------------------------------------------------------------------
// Path parameters

/// A `profile_id` holding `/` (or a space) is percent-encoded as one path segment, in both
/// calls; so is an `activity_id` holding `/`, `?` or `#`.
#[tokio::test]
async fn path_parameters_are_one_percent_encoded_segment() {
    let server = serve(200, "[]").await;
    let client = builder(&server, "team/p 42").build().unwrap();

    client.list_posts().await.unwrap();
    client
        .list_activity_leads("71/23?x#y")
        .qualified_only(false)
        .await
        .unwrap();

    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    assert_wire(&requests[0], "/team%2Fp%2042/posts", None);
    assert_wire(
        &requests[1],
        "/team%2Fp%2042/activity/71%2F23%3Fx%23y/leads",
        Some("qualified_only=false"),
    );
}

/// An empty `profile_id` or `activity_id` would address another resource: the call is refused
/// with `InvalidRequest` and nothing reaches the server.
#[tokio::test]
async fn empty_path_parameters_are_refused_before_sending() {
    let server = serve(200, "[]").await;

    let no_profile = builder(&server, "").build().unwrap();
    let errors = [
        no_profile.list_posts().await.unwrap_err(),
        client(&server).list_activity_leads("").await.unwrap_err(),
        client(&server).list_activity_leads("..").await.unwrap_err(),
    ];

    for err in &errors {
        assert!(
            matches!(err, teamfluence::Error::InvalidRequest(_)),
            "{err:?}"
        );
        assert_eq!(err.status(), None);
    }
    assert_eq!(received(&server).await.len(), 0);
}

// ----------------------------------------------------------------------------------------------
// Failures

/// A 202 with `{"detail": "billing limitation"}` is an `Api` error (never a success), with the
/// status and `detail`, and is not retried.
#[tokio::test]
async fn accepted_202_is_an_error_and_not_retried() {
    let body = r#"{"detail": "billing limitation"}"#;
    let server = serve(202, body).await;
    let (client, delays) = instant_retry_client(&server);

    let err = client.list_posts().await.unwrap_err();

    assert!(matches!(err, teamfluence::Error::Api(_)), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(202));
    assert_eq!(
        err.api().unwrap().detail.as_deref(),
        Some("billing limitation")
    );
    assert_eq!(err.response().unwrap().body.as_ref(), body.as_bytes());
    assert_eq!(received(&server).await.len(), 1, "a 202 is not retried");
    assert!(delays.lock().unwrap().is_empty());
}

/// The leads call treats a 202 the same way, even when its body would also fit the success
/// type (an object with `data`).
#[tokio::test]
async fn accepted_202_on_leads_is_an_error_even_with_a_data_key() {
    let body = r#"{"detail": "billing limitation", "data": []}"#;
    let server = serve(202, body).await;
    let (client, _) = instant_retry_client(&server);

    let err = client
        .list_activity_leads("7123")
        .qualified_only(false)
        .await
        .unwrap_err();

    assert!(matches!(err, teamfluence::Error::Api(_)), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(202));
    let api = err.api().unwrap();
    assert_eq!(api.detail.as_deref(), Some("billing limitation"));
    assert_eq!(Value::Object(api.extra.to_map()), json!({"data": []}));
    assert_eq!(received(&server).await.len(), 1);
}

/// A 202 without a body is still an error (`UnexpectedStatus`), never an empty success.
#[tokio::test]
async fn accepted_202_without_a_body_is_an_error() {
    let server = serve(202, "").await;
    let (client, _) = instant_retry_client(&server);

    let err = client.list_posts().await.unwrap_err();

    assert!(
        matches!(err, teamfluence::Error::UnexpectedStatus(_)),
        "{err:?}"
    );
    assert_eq!(err.status().map(|s| s.as_u16()), Some(202));
    assert_eq!(received(&server).await.len(), 1);
}

/// A 402 (Missing Billing Scope) is an `Api` error with its status and `detail`.
#[tokio::test]
async fn missing_billing_scope_402_is_an_api_error() {
    let body = r#"{"detail": "Your teamspace subscription does not include API access."}"#;
    let server = serve(402, body).await;

    let err = client(&server).list_posts().await.unwrap_err();

    assert!(matches!(err, teamfluence::Error::Api(_)), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(402));
    assert_eq!(
        err.api().unwrap().detail.as_deref(),
        Some("Your teamspace subscription does not include API access.")
    );
    assert_eq!(received(&server).await.len(), 1, "a 402 is not retried");
}

/// The other documented client failures (400, 401, 404) are `Api` errors, sent once.
#[tokio::test]
async fn documented_client_failures_are_api_errors() {
    for status in [400, 401, 404] {
        let server = serve(status, r#"{"detail": "Nope"}"#).await;

        let err = client(&server)
            .list_activity_leads("7123")
            .await
            .unwrap_err();

        assert!(
            matches!(err, teamfluence::Error::Api(_)),
            "{status}: {err:?}"
        );
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(err.api().unwrap().detail.as_deref(), Some("Nope"));
        assert_eq!(received(&server).await.len(), 1, "{status}");
    }
}

/// A 429 with `Retry-After: 0` is retried after the asked-for zero wait, and the retry's 200
/// is the result.
#[tokio::test]
async fn a_429_is_retried_and_then_succeeds() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "0")
                .set_body_raw(r#"{"detail": "Too Many Requests"}"#, "application/json"),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let answer = json!([post_json(), sparse_post_json()]).to_string();
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(answer, "application/json"))
        .mount(&server)
        .await;
    let (client, delays) = instant_retry_client(&server);

    let posts = client.list_posts().await.unwrap();

    let types::PostList::Array(list) = &*posts else {
        panic!("the bare-array variant expected: {posts:?}")
    };
    assert_posts(list);
    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    for req in &requests {
        assert_wire(req, "/p-42/posts", None);
    }
    assert_eq!(*delays.lock().unwrap(), [Duration::ZERO]);
}

/// A 429 that persists ends after the policy's four attempts with the last 429 as an `Api`
/// error; without `Retry-After` the waits are the spec's backoff from one second.
#[tokio::test]
async fn a_persistent_429_gives_up_after_four_attempts() {
    let server = serve(429, r#"{"detail": "Too Many Requests"}"#).await;
    let (client, delays) = instant_retry_client(&server);

    let err = client.list_posts().await.unwrap_err();

    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(
        err.api().unwrap().detail.as_deref(),
        Some("Too Many Requests")
    );
    assert_eq!(received(&server).await.len(), 4);
    let delays = delays.lock().unwrap().clone();
    assert_eq!(delays.len(), 3, "{delays:?}");
    let bases = [1000, 2000, 4000].map(Duration::from_millis);
    for (delay, base) in delays.iter().zip(bases) {
        assert!(
            *delay >= base && *delay <= base * 2,
            "{delay:?} outside {base:?}..={:?}",
            base * 2
        );
    }
}

/// A 500 (both calls are reads) is retried up to four attempts and then returned as an `Api`
/// error.
#[tokio::test]
async fn a_500_is_retried_up_to_four_attempts() {
    let server = serve(500, r#"{"detail": "Internal Server Error"}"#).await;
    let (client, _) = instant_retry_client(&server);

    let err = client
        .list_activity_leads("7123")
        .qualified_only(false)
        .await
        .unwrap_err();

    assert!(matches!(err, teamfluence::Error::Api(_)), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(received(&server).await.len(), 4);
}

/// A failure whose `detail` is not a string (a list of validation problems) is
/// `UnexpectedStatus` with status and raw body kept, as note `error-body` says.
#[tokio::test]
async fn a_detail_that_is_not_a_string_is_unexpected_status() {
    let body = r#"{"detail": [{"loc": ["query", "qualified_only"], "msg": "not a boolean"}]}"#;
    let server = serve(400, body).await;

    let err = client(&server)
        .list_activity_leads("7123")
        .await
        .unwrap_err();

    assert!(
        matches!(err, teamfluence::Error::UnexpectedStatus(_)),
        "{err:?}"
    );
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(err.response().unwrap().body.as_ref(), body.as_bytes());
}

/// A failure whose body is not JSON (a gateway's HTML page) is `UnexpectedStatus` with the raw
/// body kept.
#[tokio::test]
async fn a_failure_without_a_json_body_is_unexpected_status() {
    let page = "<html><body>401 Authorization Required</body></html>";
    let server = serve_with(ResponseTemplate::new(401).set_body_raw(page, "text/html")).await;

    let err = client(&server).list_posts().await.unwrap_err();

    assert!(
        matches!(err, teamfluence::Error::UnexpectedStatus(_)),
        "{err:?}"
    );
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(err.response().unwrap().body.as_ref(), page.as_bytes());
}

// ----------------------------------------------------------------------------------------------
// Client

/// Without a base URL override the client calls the documented base URL; `Debug` shows it and
/// never the API key.
#[tokio::test]
async fn the_default_base_url_is_the_documented_one() {
    let client = teamfluence::Client::builder(PROFILE, "tf_secret_8c1")
        .build()
        .unwrap();

    let shown = format!("{client:?}");

    assert!(
        shown.contains("https://api.teamfluence.app/external"),
        "{shown}"
    );
    assert!(!shown.contains("tf_secret_8c1"), "{shown}");
}
