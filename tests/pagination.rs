//! Streams through generated clients against servers whose pages lie: the same page forever
//! with a `last_page` of 10^9, full pages forever, and a page size clamped below what was asked.
//! Every stream ends, and says why when the server did not let it end normally.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use clientgen_runtime::paginate::PageError;
use clientgen_tests::received;
use futures::StreamExt;
use saas_clients::{grow_crm, teamleader_v1};
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// No stream here may take longer.
const LIMIT: Duration = Duration::from_secs(20);

fn leads_page(number: i64, ids: &[i64]) -> ResponseTemplate {
    let body = json!({
        "data": ids.iter().map(|id| json!({"id": id, "title": format!("Lead {id}"), "status": {"id": 1}})).collect::<Vec<_>>(),
        "meta": {"current_page": number, "per_page": ids.len(), "total": 1_000_000_000, "last_page": 1_000_000_000},
    });
    ResponseTemplate::new(200).set_body_json(body)
}

fn page_number(request: &Request, name: &str) -> i64 {
    let from_query = request
        .url
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned());
    let from_form = || {
        url::form_urlencoded::parse(&request.body)
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    from_query
        .or_else(from_form)
        .and_then(|v| v.parse().ok())
        .unwrap_or(-1)
}

/// Grow CRM: the same two leads on every page, and `last_page` 10^9.
struct SamePage;

impl Respond for SamePage {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        leads_page(page_number(request, "page"), &[1, 2])
    }
}

/// Grow CRM: page N holds leads 2N and 2N+1, forever.
struct Endless;

impl Respond for Endless {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let n = page_number(request, "page");
        leads_page(n, &[2 * n, 2 * n + 1])
    }
}

async fn grow(responder: impl Respond + 'static) -> (MockServer, grow_crm::Client) {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(responder)
        .mount(&server)
        .await;
    let client = grow_crm::Client::builder("key")
        .transport(|t| t.base_url(format!("{}/api", server.uri())).allow_http(true))
        .build()
        .unwrap();
    (server, client)
}

#[tokio::test]
async fn a_repeated_page_ends_the_stream_with_the_reason() {
    let (server, client) = grow(SamePage).await;
    let got: Vec<_> = tokio::time::timeout(LIMIT, client.list_leads().limit(2).stream().collect())
        .await
        .expect("the stream ends");
    let ids: Vec<i64> = got
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .map(|l| l.id)
        .collect();
    assert_eq!(ids, [1, 2]);
    let err = got.last().unwrap().as_ref().unwrap_err();
    assert!(
        matches!(
            err,
            grow_crm::Error::Pagination(PageError::RepeatedPage { page: 2, items: 2 })
        ),
        "{err:?}"
    );
    println!(
        "repeated page: stopped after {} requests: {err}",
        received(&server).await.len()
    );
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn full_pages_forever_stop_at_the_page_cap() {
    let (server, client) = grow(Endless).await;
    let got: Vec<_> = tokio::time::timeout(
        LIMIT,
        client
            .list_leads()
            .limit(2)
            .stream()
            .max_pages(25)
            .collect(),
    )
    .await
    .expect("the stream ends");
    assert_eq!(got.len(), 51);
    let err = got.last().unwrap().as_ref().unwrap_err();
    assert!(
        matches!(
            err,
            grow_crm::Error::Pagination(PageError::PageCap { pages: 25 })
        ),
        "{err:?}"
    );
    assert_eq!(received(&server).await.len(), 25);
}

/// Teamleader v1: 250 contacts, `amount=500` asked, the server gives at most 100 a page.
struct Clamping {
    requests: AtomicUsize,
}

impl Respond for Clamping {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.requests.fetch_add(1, Ordering::SeqCst);
        let page = page_number(request, "pageno");
        let ids: Vec<Value> = (page * 100..(page * 100 + 100).min(250))
            .map(|id| json!({"id": id}))
            .collect();
        ResponseTemplate::new(200).set_body_json(Value::Array(ids))
    }
}

#[tokio::test]
async fn a_clamped_page_size_does_not_end_the_stream_early() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(Clamping {
            requests: AtomicUsize::new(0),
        })
        .mount(&server)
        .await;
    let client = teamleader_v1::Client::builder()
        .credentials(["GROUP", "SECRET"])
        .transport(|t| t.base_url(server.uri()).allow_http(true))
        .build()
        .unwrap();
    let form = teamleader_v1::types::GetContacts {
        amount: Some(500),
        ..Default::default()
    };
    let got: Vec<_> = tokio::time::timeout(LIMIT, client.get_contacts(&form).stream().collect())
        .await
        .expect("the stream ends");
    let ids: Vec<i64> = got
        .into_iter()
        .map(|r| r.expect("every page decodes")["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, (0..250).collect::<Vec<_>>());
    assert_eq!(received(&server).await.len(), 3, "pages of 100, 100, 50");
}
