//! OAuth2 sessions against a local token server whose refresh tokens work once, as
//! Teamleader's do: many calls racing over an expired or revoked token cause exactly one
//! refresh, every new pair reaches the store before it is used, and none is ever lost.
//!
//! The client is the `fx_oauth` fixture (`tests/fixtures/specs/oauth.yaml`): two alternative
//! schemes, form-field credentials or an OAuth2 session.

// A fixture exists to exercise the generator, so not every generated item is used here.
#![allow(dead_code)]

#[path = "fixtures/generated/fx_oauth/mod.rs"]
#[rustfmt::skip]
pub mod fx_oauth;

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use clientgen_runtime::oauth::{OAuthConfig, OAuthSession, TokenPair};
use clientgen_tests::RecordingStore;
use secrecy::ExposeSecret;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The authorization server and the API in one: generation `n` has access token `A<n>` and
/// refresh token `R<n>`; a refresh token works once; the API accepts only the newest token.
#[derive(Clone, Default)]
struct Tokens {
    state: Arc<Mutex<TokenState>>,
}

#[derive(Default)]
struct TokenState {
    generation: u32,
    refreshes: u32,
    reused_refresh_tokens: u32,
    unauthorized: u32,
}

fn form_value(request: &Request, name: &str) -> Option<String> {
    url::form_urlencoded::parse(&request.body)
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

struct TokenEndpoint(Tokens);

impl Respond for TokenEndpoint {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut s = self.0.state.lock().unwrap();
        let grant = form_value(request, "grant_type").unwrap_or_default();
        let ok = match grant.as_str() {
            "refresh_token" => {
                form_value(request, "refresh_token") == Some(format!("R{}", s.generation))
            }
            "authorization_code" => form_value(request, "code").as_deref() == Some("the-code"),
            _ => false,
        };
        if !ok {
            s.reused_refresh_tokens += 1;
            return ResponseTemplate::new(400).set_body_string(r#"{"error":"invalid_grant"}"#);
        }
        if grant == "refresh_token" {
            s.refreshes += 1;
        }
        s.generation += 1;
        let g = s.generation;
        ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "token_type": "Bearer", "expires_in": 3600,
            "access_token": format!("A{g}"), "refresh_token": format!("R{g}")
        }))
    }
}

struct Api(Tokens);

impl Respond for Api {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut s = self.0.state.lock().unwrap();
        let expected = format!("Bearer A{}", s.generation);
        let sent = request
            .headers
            .get("authorization")
            .map(|v| v.to_str().unwrap_or(""));
        if sent != Some(expected.as_str()) {
            s.unauthorized += 1;
            return ResponseTemplate::new(401);
        }
        ResponseTemplate::new(200).set_body_string(form_value(request, "n").unwrap_or_default())
    }
}

struct Setup {
    server: MockServer,
    tokens: Tokens,
    store: Arc<RecordingStore>,
    session: Arc<OAuthSession>,
    client: fx_oauth::Client,
}

/// A server at generation 0 and a session holding pair 0, which expires at `expires_at`.
async fn setup(expires_at: SystemTime) -> Setup {
    let server = MockServer::start().await;
    let tokens = Tokens::default();
    Mock::given(path("/oauth2/access_token"))
        .respond_with(TokenEndpoint(tokens.clone()))
        .mount(&server)
        .await;
    Mock::given(path("/ping.php"))
        .respond_with(Api(tokens.clone()))
        .mount(&server)
        .await;
    let store = Arc::new(RecordingStore::default());
    let mut config = fx_oauth::oauth_config("client-1", "s3cret", "https://app.example/callback");
    config.token_url = format!("{}/oauth2/access_token", server.uri());
    config.allow_http = true;
    let pair = TokenPair {
        access_token: "A0".into(),
        refresh_token: "R0".into(),
        expires_at,
    };
    let session = OAuthSession::new(config, pair, store.clone());
    let client = fx_oauth::Client::builder()
        .oauth(session.clone())
        .transport(|t| t.base_url(server.uri()).allow_http(true))
        .build()
        .unwrap();
    Setup {
        server,
        tokens,
        store,
        session,
        client,
    }
}

/// Runs `n` calls at once, from as many tasks, through clones of one client.
async fn race(client: &fx_oauth::Client, n: i64) -> Vec<i64> {
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move {
                let body = fx_oauth::types::Ping::new(i);
                client.ping(&body).await.map(|r| *r)
            })
        })
        .collect();
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.expect("no panic").expect("every call succeeds"));
    }
    answers
}

/// 64 calls race over an expired token: exactly one refresh, its pair saved before use, every
/// call answered, none sent with a stale token, no refresh token used twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_calls_over_an_expired_token_refresh_once() {
    let s = setup(SystemTime::now() - Duration::from_secs(5)).await;
    let answers = race(&s.client, 64).await;
    assert_eq!(answers, (0..64).collect::<Vec<_>>());
    let state = s.tokens.state.lock().unwrap();
    assert_eq!(state.refreshes, 1);
    assert_eq!(state.reused_refresh_tokens, 0);
    assert_eq!(state.unauthorized, 0);
    assert_eq!(
        *s.store.saved.lock().unwrap(),
        [("A1".to_owned(), "R1".to_owned())]
    );
}

/// A call answered 401 refreshes once and is sent again with the new token.
#[tokio::test]
async fn a_401_refreshes_and_resends_once() {
    // A0 is still in date for the client, but the API has revoked it.
    let s = setup_revoked().await;
    let answer = s.client.ping(&fx_oauth::types::Ping::new(5)).await.unwrap();
    assert_eq!(*answer, 5);
    let state = s.tokens.state.lock().unwrap();
    assert_eq!(state.refreshes, 1);
    assert_eq!(state.unauthorized, 1, "one 401, then success");
    assert_eq!(
        *s.store.saved.lock().unwrap(),
        [("A1".to_owned(), "R1".to_owned())]
    );
}

/// Like `setup`, with a token in date that the API has revoked.
async fn setup_revoked() -> Setup {
    let s = setup(SystemTime::now() + Duration::from_secs(3600)).await;
    s.server.reset().await;
    Mock::given(path("/oauth2/access_token"))
        .respond_with(TokenEndpoint(s.tokens.clone()))
        .mount(&s.server)
        .await;
    Mock::given(path("/ping.php"))
        .respond_with(RevokedFirst(s.tokens.clone()))
        .mount(&s.server)
        .await;
    s
}

/// The API rejects access token `A0` (revoked), accepts the newest.
struct RevokedFirst(Tokens);

impl Respond for RevokedFirst {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut s = self.0.state.lock().unwrap();
        let sent = request
            .headers
            .get("authorization")
            .map(|v| v.to_str().unwrap_or("").to_owned());
        if sent.as_deref() == Some("Bearer A0") || sent != Some(format!("Bearer A{}", s.generation))
        {
            s.unauthorized += 1;
            return ResponseTemplate::new(401);
        }
        ResponseTemplate::new(200).set_body_string(form_value(request, "n").unwrap_or_default())
    }
}

/// 64 calls racing into 401s at once with a revoked token: one refresh, every call succeeds.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_401s_with_a_revoked_token_refresh_once() {
    let s = setup_revoked().await;
    let answers = race(&s.client, 64).await;
    assert_eq!(answers, (0..64).collect::<Vec<_>>());
    let state = s.tokens.state.lock().unwrap();
    assert_eq!(state.refreshes, 1, "one refresh for all the 401s");
    assert_eq!(
        state.reused_refresh_tokens, 0,
        "no refresh token spent twice"
    );
    assert_eq!(
        *s.store.saved.lock().unwrap(),
        [("A1".to_owned(), "R1".to_owned())]
    );
}

/// A store that fails does not lose the new pair: the call reports the failure, the pair stays
/// in memory, and the next call saves it before using it.
#[tokio::test]
async fn a_failed_save_keeps_the_pair_and_saves_it_next_time() {
    let s = setup(SystemTime::now() - Duration::from_secs(5)).await;
    *s.store.fail.lock().unwrap() = true;
    let err = s
        .client
        .ping(&fx_oauth::types::Ping::new(1))
        .await
        .unwrap_err();
    assert!(matches!(err, clientgen_runtime::Error::Auth(_)), "{err}");
    assert!(s.store.saved.lock().unwrap().is_empty());
    *s.store.fail.lock().unwrap() = false;
    let answer = s.client.ping(&fx_oauth::types::Ping::new(2)).await.unwrap();
    assert_eq!(*answer, 2);
    assert_eq!(
        *s.store.saved.lock().unwrap(),
        [("A1".to_owned(), "R1".to_owned())]
    );
    assert_eq!(
        s.tokens.state.lock().unwrap().refreshes,
        1,
        "the refresh was not repeated"
    );
}

/// The authorize URL carries the client id, the redirect URI and the state; the code is
/// exchanged for the first pair; secrets never show in `Debug`.
#[tokio::test]
async fn authorize_url_and_code_exchange() {
    let s = setup(SystemTime::now() + Duration::from_secs(3600)).await;
    let config: &OAuthConfig = s.session.config();
    assert_eq!(
        config.authorize_url("xyz 1"),
        "https://auth.example.com/oauth2/authorize?client_id=client-1&response_type=code\
         &redirect_uri=https%3A%2F%2Fapp.example%2Fcallback&state=xyz%201"
    );
    let pair = config.exchange_code("the-code").await.unwrap();
    assert_eq!(pair.access_token.expose_secret(), "A1");
    assert!(pair.expires_at > SystemTime::now() + Duration::from_secs(3500));
    let requests = s.server.received_requests().await.unwrap();
    let body = String::from_utf8(requests.last().unwrap().body.clone()).unwrap();
    assert_eq!(
        body,
        "client_id=client-1&client_secret=s3cret&code=the-code&grant_type=authorization_code\
         &redirect_uri=https%3A%2F%2Fapp.example%2Fcallback"
    );
    let shown = format!("{pair:?} {config:?} {:?} {:?}", s.session, s.client);
    assert!(
        !shown.contains("s3cret") && !shown.contains("A1") && !shown.contains("R0"),
        "{shown}"
    );
    assert!(config.exchange_code("wrong").await.is_err());
}

/// With alternative schemes, a client needs one of them; the form-field credentials work alone.
#[tokio::test]
async fn one_of_the_alternative_schemes_is_needed() {
    let err = fx_oauth::Client::builder().build().unwrap_err();
    assert!(
        matches!(err, clientgen_runtime::BuildError::NoCredential),
        "{err}"
    );
    let server = clientgen_tests::serve(200, "9").await;
    let client = fx_oauth::Client::builder()
        .credentials(["g".into(), "s".into()])
        .transport(|t| t.base_url(server.uri()).allow_http(true))
        .build()
        .unwrap();
    assert_eq!(
        *client.ping(&fx_oauth::types::Ping::new(9)).await.unwrap(),
        9
    );
    let request = clientgen_tests::single_request(&server).await;
    assert_eq!(request.body, b"n=9&api_group=g&api_secret=s");
    assert!(request.headers.get("authorization").is_none());
}
