//! File transfer through temporary URLs: the API answers with a `location` on another host, and
//! the bytes move there through `clientgen_runtime::transfer`, never with the API's token.
//!
//! The API is the `fx_transfer` fixture (`tests/fixtures/specs/transfer.yaml`), shaped like
//! Teamleader v2's `files.download` and `files.upload` answers, whose `location` is a
//! `temporary_url`. Two real servers run on 127.0.0.1: the API, and the file host its answers
//! point at (another port, so another origin). Every test checks what reached the file host.

#[path = "fixtures/generated/fx_transfer/mod.rs"]
#[rustfmt::skip]
#[allow(dead_code)]
pub mod fx_transfer;

use std::future::Future;
use std::time::Duration;

use clientgen_runtime::TransportErrorKind;
use clientgen_runtime::transfer::{TemporaryUrl, TransferClient, TransferError};
use clientgen_tests::{assert_header, next_head, received, single_request};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const API_TOKEN: &str = "tl-access-token-0123456789";
/// The secret parts of the links the API hands out.
const SIGNATURE: &str = "X-Amz-Signature=5ec2e7";
const UPLOAD_TOKEN: &str = "66726166a";

/// Bounds every test: nothing here may hang.
async fn bounded<T>(future: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(30), future)
        .await
        .expect("the test finished within 30 s")
}

/// The API server, answering files.download and files.upload with links to `file_host`.
async fn api_server(file_host: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/files.download"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": {
                "location": format!("{file_host}/file/abc.pdf?X-Amz-Expires=60&{SIGNATURE}"),
                "expires_at": "2018-02-05T16:44:33+00:00"
            }
        })))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/files.upload"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": {
                "location": format!("{file_host}/upload/{UPLOAD_TOKEN}"),
                "expires_at": "2019-10-30T11:44:33+00:00"
            }
        })))
        .mount(&server)
        .await;
    server
}

fn api_client(api: &MockServer) -> fx_transfer::Client {
    fx_transfer::Client::builder(API_TOKEN)
        .transport(|t| t.base_url(api.uri()).allow_http(true))
        .build()
        .unwrap()
}

/// A transfer client for the plain-http test servers.
fn transfer() -> TransferClient {
    TransferClient::builder().allow_http(true).build().unwrap()
}

async fn download_link(api: &MockServer) -> fx_transfer::types::FileLocation {
    let body = fx_transfer::types::FileId::new("4afb0a9c".into());
    let answer = api_client(api).files_download(&body).await.unwrap();
    answer.into_inner()
}

async fn upload_link(api: &MockServer) -> fx_transfer::types::FileLocation {
    let body = fx_transfer::types::FileName::new("note.docx".into());
    api_client(api)
        .files_upload(&body)
        .await
        .unwrap()
        .into_inner()
}

/// The file host got nothing that could be a credential: no `Authorization`, cookie, proxy
/// credential or `Referer` (which would carry a signed URL), and the API token nowhere.
fn assert_no_credential(request: &Request) {
    for name in ["authorization", "proxy-authorization", "cookie", "referer"] {
        assert_header(request, name, None);
    }
    for (name, value) in request.headers.iter() {
        let value = String::from_utf8_lossy(value.as_bytes());
        assert!(
            !value.contains(API_TOKEN),
            "header {name} carries the API token"
        );
    }
    let allowed = [
        "host",
        "accept",
        "user-agent",
        "content-type",
        "content-length",
    ];
    for name in request.headers.keys() {
        assert!(
            allowed.contains(&name.as_str()),
            "unexpected header {name} reached the file host: {:?}",
            request.headers
        );
    }
}

/// Bytes that survive no text conversion: every byte value, twice.
fn file_bytes() -> Vec<u8> {
    (0..=255u8).chain((0..=255u8).rev()).collect()
}

#[tokio::test]
async fn download_reaches_the_file_host_without_the_api_token_and_returns_the_exact_bytes() {
    bounded(async {
        let files = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/file/abc.pdf"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(file_bytes(), "application/pdf"))
            .mount(&files)
            .await;
        let api = api_server(&files.uri()).await;
        let answer = download_link(&api).await;

        // The API call itself carried the token (so the absence below means something).
        assert_header(
            &single_request(&api).await,
            "authorization",
            Some(&format!("Bearer {API_TOKEN}")),
        );

        let bytes = answer.location.download(&transfer()).await.unwrap();
        assert_eq!(bytes.as_ref(), file_bytes().as_slice());

        let mut sink = Vec::new();
        let written = answer
            .location
            .download_to(&transfer(), &mut sink)
            .await
            .unwrap();
        assert_eq!(written, 512);
        assert_eq!(sink, file_bytes());

        let requests = received(&files).await;
        assert_eq!(requests.len(), 2);
        for request in &requests {
            assert_eq!(request.method.as_str(), "GET");
            assert_eq!(
                request.url.query(),
                Some(&*format!("X-Amz-Expires=60&{SIGNATURE}")),
                "the link is used exactly as handed out"
            );
            assert!(request.body.is_empty());
            assert_no_credential(request);
        }
    })
    .await;
}

#[tokio::test]
async fn upload_posts_exactly_the_bytes_with_the_content_type_and_no_credential() {
    bounded(async {
        let files = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(format!("/upload/{UPLOAD_TOKEN}")))
            .respond_with(ResponseTemplate::new(201).set_body_string("stored"))
            .mount(&files)
            .await;
        let api = api_server(&files.uri()).await;
        let answer = upload_link(&api).await;
        let docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

        let uploaded = answer
            .location
            .upload(&transfer(), file_bytes(), docx)
            .await
            .unwrap();
        assert_eq!(uploaded.status.as_u16(), 201);
        assert_eq!(uploaded.body.as_ref(), b"stored");

        let request = single_request(&files).await;
        assert_eq!(request.method.as_str(), "POST");
        assert_eq!(request.url.path(), format!("/upload/{UPLOAD_TOKEN}"));
        assert_eq!(request.body, file_bytes(), "the raw bytes, not a form");
        assert_header(&request, "content-type", Some(docx));
        assert_header(&request, "content-length", Some("512"));
        assert_no_credential(&request);
    })
    .await;
}

#[tokio::test]
async fn an_expired_link_is_a_typed_error_with_status_and_excerpt() {
    bounded(async {
        let files = MockServer::start().await;
        let expired = "<?xml version=\"1.0\"?><Error><Code>AccessDenied</Code>\
                       <Message>Request has expired</Message></Error>";
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(403).set_body_raw(expired, "application/xml"))
            .mount(&files)
            .await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(403).set_body_raw(expired, "application/xml"))
            .mount(&files)
            .await;
        let api = api_server(&files.uri()).await;

        let link = download_link(&api).await.location;
        let err = link.download(&transfer()).await.unwrap_err();
        let TransferError::Status(status) = &err else {
            panic!("expected a status error, got {err:?}");
        };
        assert_eq!(status.status.as_u16(), 403);
        assert_eq!(status.operation, "download");
        assert!(status.excerpt().contains("Request has expired"));
        assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
        let text = err.to_string();
        assert!(
            text.starts_with(&format!(
                "download at {}/… failed with HTTP 403",
                files.uri()
            )),
            "{text}"
        );
        assert!(
            !text.contains(SIGNATURE) && !text.contains("abc.pdf"),
            "{text}"
        );
        assert!(!format!("{err:?}").contains(SIGNATURE));

        let link = upload_link(&api).await.location;
        let err = link
            .upload(&transfer(), "x", "text/plain")
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
        assert!(!err.to_string().contains(UPLOAD_TOKEN), "{err}");
        assert!(!format!("{err:?}").contains(UPLOAD_TOKEN), "{err:?}");
    })
    .await;
}

#[tokio::test]
async fn a_body_over_the_cap_is_refused_from_its_content_length() {
    bounded(async {
        let files = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_raw(vec![7u8; 64 * 1024 + 1], "application/octet-stream"),
            )
            .mount(&files)
            .await;
        let api = api_server(&files.uri()).await;
        let link = download_link(&api).await.location;
        let capped = TransferClient::builder()
            .allow_http(true)
            .max_download_bytes(64 * 1024)
            .build()
            .unwrap();

        let err = link.download(&capped).await.unwrap_err();
        assert!(
            matches!(err, TransferError::TooLarge { limit: 65536, .. }),
            "{err:?}"
        );
        let mut sink = Vec::new();
        let err = link.download_to(&capped, &mut sink).await.unwrap_err();
        assert!(matches!(err, TransferError::TooLarge { .. }), "{err:?}");
        assert!(sink.is_empty(), "refused before anything was written");
        // Exactly at the cap is fine.
        let exact = TransferClient::builder()
            .allow_http(true)
            .max_download_bytes(64 * 1024 + 1)
            .build()
            .unwrap();
        assert_eq!(link.download(&exact).await.unwrap().len(), 64 * 1024 + 1);
    })
    .await;
}

/// A host that answers with an endless chunked body and no `Content-Length`; returns its
/// base URL.
async fn endless_host() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                if next_head(&mut socket, &mut Vec::new()).await.is_none() {
                    return;
                }
                let header = "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\n\
                              transfer-encoding: chunked\r\n\r\n";
                if socket.write_all(header.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = format!("4000\r\n{}\r\n", "x".repeat(0x4000));
                // Until the client hangs up.
                while socket.write_all(chunk.as_bytes()).await.is_ok() {}
            });
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn an_endless_body_stops_at_the_cap() {
    bounded(async {
        let host = endless_host().await;
        let link = TemporaryUrl::parse(&format!("{host}/file?{SIGNATURE}")).unwrap();
        let capped = TransferClient::builder()
            .allow_http(true)
            .max_download_bytes(1024 * 1024)
            .build()
            .unwrap();

        let err = link.download(&capped).await.unwrap_err();
        assert!(matches!(err, TransferError::TooLarge { .. }), "{err:?}");
        assert!(!err.to_string().contains(SIGNATURE));

        let mut sink = Vec::new();
        let err = link.download_to(&capped, &mut sink).await.unwrap_err();
        assert!(matches!(err, TransferError::TooLarge { .. }), "{err:?}");
        assert!(sink.len() <= 1024 * 1024, "wrote {} bytes", sink.len());
        assert!(!sink.is_empty(), "streamed until the cap");
    })
    .await;
}

#[tokio::test]
async fn a_host_that_never_answers_times_out() {
    bounded(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        // Accepts, reads, never answers; the connections stay open until the test ends.
        let _hold = tokio::spawn(async move {
            let mut open = Vec::new();
            while let Ok((socket, _)) = listener.accept().await {
                open.push(socket);
            }
        });
        let link = TemporaryUrl::parse(&format!("http://{addr}/file?{SIGNATURE}")).unwrap();
        let quick = TransferClient::builder()
            .allow_http(true)
            .timeout(Duration::from_millis(300))
            .build()
            .unwrap();
        let err = link.download(&quick).await.unwrap_err();
        let TransferError::Transport(transport) = &err else {
            panic!("expected a transport error, got {err:?}");
        };
        assert_eq!(transport.kind, TransportErrorKind::Timeout);
        assert!(!err.to_string().contains(SIGNATURE), "{err}");
        assert!(!format!("{err:?}").contains(SIGNATURE), "{err:?}");
    })
    .await;
}

#[tokio::test]
async fn debug_of_the_answer_hides_the_links_secret_parts() {
    bounded(async {
        let files = MockServer::start().await;
        let api = api_server(&files.uri()).await;
        let download = download_link(&api).await;
        let upload = upload_link(&api).await;

        let text = format!(
            "{download:?} {upload:?} {} {}",
            download.location, upload.location
        );
        for secret in [SIGNATURE, "abc.pdf", UPLOAD_TOKEN] {
            assert!(!text.contains(secret), "{secret} printed in {text}");
        }
        assert!(
            text.contains(&format!("TemporaryUrl(\"{}/…\")", files.uri())),
            "{text}"
        );
        // The value itself is intact, and goes back on the wire unchanged.
        assert_eq!(
            download.location.expose().as_str(),
            format!("{}/file/abc.pdf?X-Amz-Expires=60&{SIGNATURE}", files.uri())
        );
        let wire = serde_json::to_value(&upload).unwrap();
        assert_eq!(
            wire["location"],
            json!(format!("{}/upload/{UPLOAD_TOKEN}", files.uri()))
        );
        // Nothing reached the file host just by decoding.
        assert!(received(&files).await.is_empty());
    })
    .await;
}

#[tokio::test]
async fn plain_http_is_refused_unless_allowed() {
    bounded(async {
        let files = MockServer::start().await;
        let api = api_server(&files.uri()).await;
        let link = download_link(&api).await.location;
        let strict = TransferClient::new().unwrap();

        let err = link.download(&strict).await.unwrap_err();
        assert!(
            matches!(err, TransferError::InsecureScheme { .. }),
            "{err:?}"
        );
        let err = upload_link(&api)
            .await
            .location
            .upload(&strict, "x", "text/plain")
            .await
            .unwrap_err();
        assert!(
            matches!(err, TransferError::InsecureScheme { .. }),
            "{err:?}"
        );
        assert!(received(&files).await.is_empty(), "nothing was sent");
    })
    .await;
}

#[tokio::test]
async fn a_download_follows_a_redirect_elsewhere_without_referer_but_an_upload_does_not() {
    bounded(async {
        let storage = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(file_bytes(), "application/pdf"))
            .mount(&storage)
            .await;
        let cdn = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(302)
                    .insert_header("location", format!("{}/object?sig=2", storage.uri())),
            )
            .mount(&cdn)
            .await;
        Mock::given(method("POST"))
            .respond_with(
                ResponseTemplate::new(307)
                    .insert_header("location", format!("{}/elsewhere?sig=3", storage.uri())),
            )
            .mount(&cdn)
            .await;
        let api = api_server(&cdn.uri()).await;

        let bytes = download_link(&api)
            .await
            .location
            .download(&transfer())
            .await
            .unwrap();
        assert_eq!(bytes.as_ref(), file_bytes().as_slice());
        let followed = single_request(&storage).await;
        assert_eq!(followed.url.query(), Some("sig=2"));
        assert_no_credential(&followed);

        let err = upload_link(&api)
            .await
            .location
            .upload(&transfer(), file_bytes(), "application/pdf")
            .await
            .unwrap_err();
        let TransferError::Redirected { status, to, .. } = &err else {
            panic!("expected a refused redirect, got {err:?}");
        };
        assert_eq!(status.as_u16(), 307);
        assert_eq!(to.as_deref(), Some(&*format!("{}/…", storage.uri())));
        assert!(!err.to_string().contains("sig=3"), "{err}");
        assert_eq!(
            received(&storage).await.len(),
            1,
            "the file never went to the other host"
        );
    })
    .await;
}

#[tokio::test]
async fn an_upload_follows_a_same_origin_307_with_its_body_but_never_a_302() {
    bounded(async {
        let files = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(format!("/upload/{UPLOAD_TOKEN}")))
            .respond_with(ResponseTemplate::new(307).insert_header("location", "/stored"))
            .mount(&files)
            .await;
        Mock::given(method("POST"))
            .and(path("/stored"))
            .respond_with(ResponseTemplate::new(201))
            .mount(&files)
            .await;
        let api = api_server(&files.uri()).await;
        let link = upload_link(&api).await.location;
        let uploaded = link
            .upload(&transfer(), file_bytes(), "application/pdf")
            .await
            .unwrap();
        assert_eq!(uploaded.status.as_u16(), 201);
        let requests = received(&files).await;
        assert_eq!(requests.len(), 2);
        assert_eq!(requests[1].url.path(), "/stored");
        assert_eq!(requests[1].body, file_bytes(), "the body went along");
        assert_no_credential(&requests[1]);

        // A 302 would make the client GET `/stored` and take its 200 for a finished upload.
        let moved = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(302).insert_header("location", "/stored"))
            .mount(&moved)
            .await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200))
            .mount(&moved)
            .await;
        let api = api_server(&moved.uri()).await;
        let link = upload_link(&api).await.location;
        let err = link
            .upload(&transfer(), file_bytes(), "application/pdf")
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(302), "{err:?}");
        assert_eq!(received(&moved).await.len(), 1, "no GET followed");
    })
    .await;
}

#[tokio::test]
async fn a_body_that_stalls_fails_on_the_read_timeout_long_before_the_total_one() {
    bounded(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        // Announces 1000 bytes, sends 10, then keeps the connection open without a word.
        let _host = tokio::spawn(async move {
            let mut open = Vec::new();
            while let Ok((mut socket, _)) = listener.accept().await {
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf).await;
                let head = "HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n0123456789";
                let _ = socket.write_all(head.as_bytes()).await;
                open.push(socket);
            }
        });
        let link = TemporaryUrl::parse(&format!("http://{addr}/file?{SIGNATURE}")).unwrap();
        let client = TransferClient::builder()
            .allow_http(true)
            .timeout(Duration::from_secs(25))
            .read_timeout(Duration::from_millis(300))
            .build()
            .unwrap();
        let mut sink = Vec::new();
        let err = link.download_to(&client, &mut sink).await.unwrap_err();
        let TransferError::Transport(transport) = &err else {
            panic!("expected a transport error, got {err:?}");
        };
        assert_eq!(transport.kind, TransportErrorKind::Timeout, "{err:?}");
        assert_eq!(sink, b"0123456789", "what arrived was written");
    })
    .await;
}
