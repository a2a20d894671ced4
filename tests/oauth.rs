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
    let config = fx_oauth::oauth_config("client-1", "s3cret", "https://app.example/callback")
        .with_token_url(format!("{}/oauth2/access_token", server.uri()));
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
        .credentials(["g", "s"])
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

// ---------------------------------------------------------------------------------------------
// Hostile token endpoints, cancelled callers and broken stores.
// ---------------------------------------------------------------------------------------------

/// What the scripted token endpoint answers to its n-th request (the last entry repeats).
#[derive(Clone, Copy, Debug)]
enum Answer {
    /// A new pair, with `expires_in` as this JSON text.
    Pair(&'static str),
    /// Rotates the pair (the old refresh token is spent) but answers 200 with an HTML page.
    HtmlAfterRotating,
    /// A new access token and no `refresh_token`: the old one stays valid (RFC 6749 §6).
    NoRefreshToken,
    /// This status, with nothing rotated.
    Status(u16),
}

#[derive(Default)]
struct Ledger {
    /// The access token the API accepts, and the refresh token the endpoint accepts.
    access: String,
    refresh: String,
    generation: u32,
    /// Requests received by the token endpoint.
    requests: u32,
    /// Successful rotations.
    refreshes: u32,
    /// Refresh requests that carried a refresh token that was no longer valid.
    reused: u32,
}

#[derive(Clone)]
struct Scripted {
    ledger: Arc<Mutex<Ledger>>,
    answers: Arc<Vec<Answer>>,
    delay: Duration,
}

impl Respond for Scripted {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut l = self.ledger.lock().unwrap();
        let n = l.requests as usize;
        l.requests += 1;
        let answer = self.answers[n.min(self.answers.len() - 1)];
        if form_value(request, "refresh_token").as_deref() != Some(l.refresh.as_str()) {
            l.reused += 1;
            return ResponseTemplate::new(400).set_body_string(r#"{"error":"invalid_grant"}"#);
        }
        let template = match answer {
            Answer::Status(status) => {
                return ResponseTemplate::new(status)
                    .set_body_string("<html>busy</html>")
                    .set_delay(self.delay);
            }
            Answer::Pair(expires_in) => {
                l.generation += 1;
                l.access = format!("A{}", l.generation);
                l.refresh = format!("R{}", l.generation);
                ResponseTemplate::new(200).set_body_raw(
                    format!(
                        r#"{{"token_type":"Bearer","expires_in":{expires_in},"access_token":"{}","refresh_token":"{}"}}"#,
                        l.access, l.refresh
                    ),
                    "application/json",
                )
            }
            Answer::HtmlAfterRotating => {
                l.generation += 1;
                l.access = format!("A{}", l.generation);
                l.refresh = format!("R{}", l.generation);
                ResponseTemplate::new(200).set_body_raw("<html>Welcome!</html>", "text/html")
            }
            Answer::NoRefreshToken => {
                l.generation += 1;
                l.access = format!("A{}", l.generation);
                ResponseTemplate::new(200).set_body_raw(
                    format!(
                        r#"{{"token_type":"Bearer","expires_in":0,"access_token":"{}"}}"#,
                        l.access
                    ),
                    "application/json",
                )
            }
        };
        l.refreshes += 1;
        template.set_delay(self.delay)
    }
}

struct LedgerApi(Arc<Mutex<Ledger>>);

impl Respond for LedgerApi {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let l = self.0.lock().unwrap();
        let sent = request
            .headers
            .get("authorization")
            .map(|v| v.to_str().unwrap_or(""));
        if sent != Some(format!("Bearer {}", l.access).as_str()) {
            return ResponseTemplate::new(401);
        }
        ResponseTemplate::new(200).set_body_string(form_value(request, "n").unwrap_or_default())
    }
}

/// A store that can be made to hang or to panic.
#[derive(Default)]
struct MoodyStore {
    saved: Mutex<Vec<(String, String)>>,
    hang: std::sync::atomic::AtomicBool,
    panic: std::sync::atomic::AtomicBool,
}

impl clientgen_runtime::oauth::TokenStore for MoodyStore {
    fn save<'a>(&'a self, pair: &'a TokenPair) -> clientgen_runtime::oauth::StoreFuture<'a> {
        use std::sync::atomic::Ordering::SeqCst;
        if self.panic.load(SeqCst) {
            panic!("the store exploded");
        }
        let hang = self.hang.load(SeqCst);
        Box::pin(async move {
            if hang {
                futures::future::pending::<()>().await;
            }
            self.saved.lock().unwrap().push((
                pair.access_token.expose_secret().to_owned(),
                pair.refresh_token.expose_secret().to_owned(),
            ));
            Ok(())
        })
    }
}

struct Hostile {
    _server: MockServer,
    ledger: Arc<Mutex<Ledger>>,
    store: Arc<MoodyStore>,
    session: Arc<OAuthSession>,
    client: fx_oauth::Client,
}

/// A session holding the expired pair `A0`/`R0` against a token endpoint that answers `answers`
/// after `delay`.
async fn hostile(
    answers: &[Answer],
    delay: Duration,
    options: clientgen_runtime::oauth::SessionOptions,
) -> Hostile {
    let server = MockServer::start().await;
    let ledger = Arc::new(Mutex::new(Ledger {
        access: "A0".into(),
        refresh: "R0".into(),
        ..Ledger::default()
    }));
    Mock::given(path("/oauth2/access_token"))
        .respond_with(Scripted {
            ledger: ledger.clone(),
            answers: Arc::new(answers.to_vec()),
            delay,
        })
        .mount(&server)
        .await;
    Mock::given(path("/ping.php"))
        .respond_with(LedgerApi(ledger.clone()))
        .mount(&server)
        .await;
    let store = Arc::new(MoodyStore::default());
    let config = fx_oauth::oauth_config("client-1", "s3cret", "https://app.example/callback")
        .with_token_url(format!("{}/oauth2/access_token", server.uri()));
    let pair = TokenPair {
        access_token: "A0".into(),
        refresh_token: "R0".into(),
        expires_at: SystemTime::now() - Duration::from_secs(5),
    };
    let session = OAuthSession::with_options(config, pair, store.clone(), options);
    let client = fx_oauth::Client::builder()
        .oauth(session.clone())
        .transport(|t| t.base_url(server.uri()).allow_http(true))
        .build()
        .unwrap();
    Hostile {
        _server: server,
        ledger,
        store,
        session,
        client,
    }
}

fn fast_options() -> clientgen_runtime::oauth::SessionOptions {
    clientgen_runtime::oauth::SessionOptions {
        store_timeout: Duration::from_millis(300),
        retry_backoff: Duration::from_millis(100),
        ..Default::default()
    }
}

async fn ping(client: &fx_oauth::Client, n: i64) -> Result<i64, fx_oauth::Error> {
    tokio::time::timeout(
        Duration::from_secs(10),
        client.ping(&fx_oauth::types::Ping::new(n)),
    )
    .await
    .expect("every call ends")
    .map(|r| *r)
}

/// Runs `n` calls at once; every result, in order.
async fn race_results(client: &fx_oauth::Client, n: i64) -> Vec<Result<i64, fx_oauth::Error>> {
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move { ping(&client, i).await })
        })
        .collect();
    let mut results = Vec::new();
    for t in tasks {
        results.push(t.await.expect("no call panics"));
    }
    results
}

fn counts(h: &Hostile) -> (u32, u32, u32) {
    let l = h.ledger.lock().unwrap();
    (l.requests, l.refreshes, l.reused)
}

/// The call that starts a refresh is dropped while the token endpoint is answering (it has
/// already rotated the pair): the session still receives the new pair and saves it, and the
/// next call uses it instead of sending the spent refresh token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_call_does_not_lose_the_new_pair() {
    let h = hostile(
        &[Answer::Pair("3600")],
        Duration::from_millis(300),
        fast_options(),
    )
    .await;
    let dropped = tokio::time::timeout(
        Duration::from_millis(50),
        h.client.ping(&fx_oauth::types::Ping::new(1)),
    )
    .await;
    assert!(dropped.is_err(), "the caller gave up mid-refresh");
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(
        *h.store.saved.lock().unwrap(),
        [("A1".to_owned(), "R1".to_owned())],
        "the pair reached the store although its caller was gone"
    );
    assert_eq!(ping(&h.client, 2).await.unwrap(), 2);
    let (requests, refreshes, reused) = counts(&h);
    println!("dropped caller: token requests {requests}, refreshes {refreshes}, reused {reused}");
    assert_eq!((requests, refreshes, reused), (1, 1, 0));
}

/// A 200 that is not a token pair (the server may have rotated): one request for all 16
/// waiting calls, each told the grant may be spent, and the refresh token is never sent again
/// until the pair is replaced.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreadable_200_never_resends_the_refresh_token() {
    let h = hostile(
        &[Answer::HtmlAfterRotating],
        Duration::from_millis(100),
        fast_options(),
    )
    .await;
    let results = race_results(&h.client, 16).await;
    for r in &results {
        assert!(
            matches!(
                r,
                Err(clientgen_runtime::Error::Auth(
                    clientgen_runtime::oauth::OAuthError::PossiblySpent(_)
                ))
            ),
            "{r:?}"
        );
    }
    let err = ping(&h.client, 99).await.unwrap_err();
    assert!(err.to_string().contains("may have been spent"), "{err}");
    let (requests, _, reused) = counts(&h);
    println!("unreadable 200: 17 calls, token requests {requests}, reused {reused}");
    assert_eq!((requests, reused), (1, 0), "sent once, never again");
    // A person authorizes again; the session resumes with the pair given.
    h.session
        .replace_pair(TokenPair {
            access_token: "A1".into(),
            refresh_token: "R1".into(),
            expires_at: SystemTime::now() + Duration::from_secs(3600),
        })
        .await;
    assert_eq!(ping(&h.client, 3).await.unwrap(), 3);
}

/// A 200 without `refresh_token` keeps the old refresh token; its `expires_in: 0` makes the
/// next call refresh again (with the kept token), not every poll.
#[tokio::test]
async fn a_200_without_refresh_token_keeps_the_old_one() {
    let h = hostile(
        &[Answer::NoRefreshToken, Answer::Pair("3600")],
        Duration::ZERO,
        fast_options(),
    )
    .await;
    assert_eq!(ping(&h.client, 1).await.unwrap(), 1);
    assert_eq!(
        *h.store.saved.lock().unwrap(),
        [("A1".to_owned(), "R0".to_owned())]
    );
    assert_eq!(ping(&h.client, 2).await.unwrap(), 2);
    assert_eq!(ping(&h.client, 3).await.unwrap(), 3);
    let (requests, refreshes, reused) = counts(&h);
    println!("no refresh_token: token requests {requests}, refreshes {refreshes}, reused {reused}");
    assert_eq!((requests, refreshes, reused), (2, 2, 0));
    assert_eq!(
        h.store.saved.lock().unwrap()[1],
        ("A2".to_owned(), "R2".to_owned())
    );
}

/// `expires_in` beyond `u64`, huge floats, negative, and as a string: no panic, and the call
/// goes through.
#[tokio::test]
async fn expires_in_of_any_size_never_panics() {
    for expires_in in [
        "18446744073709551616",
        "99999999999999999999999999999",
        "1e300",
        "-1",
        "\"3600\"",
        "null",
    ] {
        let h = hostile(&[Answer::Pair(expires_in)], Duration::ZERO, fast_options()).await;
        assert_eq!(
            ping(&h.client, 7).await.unwrap(),
            7,
            "expires_in {expires_in}"
        );
        assert_eq!(counts(&h).1, 1, "expires_in {expires_in}");
    }
}

/// A 503 from the token endpoint is tried once more, after the backoff, for all 16 waiting
/// calls together: two requests in all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_5xx_is_retried_once_for_all_waiters() {
    let h = hostile(
        &[Answer::Status(503), Answer::Pair("3600")],
        Duration::from_millis(50),
        fast_options(),
    )
    .await;
    let results = race_results(&h.client, 16).await;
    assert!(results.iter().all(|r| r.is_ok()), "{results:?}");
    let (requests, refreshes, reused) = counts(&h);
    println!(
        "5xx then pair, 16 calls: token requests {requests}, refreshes {refreshes}, reused {reused}"
    );
    assert_eq!((requests, refreshes, reused), (2, 1, 0));

    let h = hostile(&[Answer::Status(502)], Duration::ZERO, fast_options()).await;
    let results = race_results(&h.client, 16).await;
    for r in &results {
        assert!(
            matches!(
                r,
                Err(clientgen_runtime::Error::Auth(
                    clientgen_runtime::oauth::OAuthError::Refused { status: 502, .. }
                ))
            ),
            "{r:?}"
        );
    }
    assert_eq!(counts(&h).0, 2, "two tries for 16 waiters, not 32");
}

/// A store whose `save` never returns: every call fails after the store timeout instead of
/// hanging, the pair stays in memory marked unsaved, and once the store is back the next call
/// saves it without refreshing again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_that_never_returns_does_not_hang_the_calls() {
    use std::sync::atomic::Ordering::SeqCst;
    let h = hostile(&[Answer::Pair("3600")], Duration::ZERO, fast_options()).await;
    h.store.hang.store(true, SeqCst);
    let started = std::time::Instant::now();
    let results = race_results(&h.client, 8).await;
    let elapsed = started.elapsed();
    for r in &results {
        assert!(
            matches!(
                r,
                Err(clientgen_runtime::Error::Auth(
                    clientgen_runtime::oauth::OAuthError::Store(_)
                ))
            ),
            "{r:?}"
        );
    }
    println!(
        "hanging store: 8 calls failed after {:.2} s (store timeout 0.3 s)",
        elapsed.as_secs_f64()
    );
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
    assert!(h.session.is_unsaved());
    h.store.hang.store(false, SeqCst);
    assert_eq!(ping(&h.client, 1).await.unwrap(), 1);
    assert!(!h.session.is_unsaved());
    assert_eq!(
        *h.store.saved.lock().unwrap(),
        [("A1".to_owned(), "R1".to_owned())]
    );
    let (requests, refreshes, reused) = counts(&h);
    assert_eq!((requests, refreshes, reused), (1, 1, 0));
}

/// A store that panics: the calls get `OAuthError::Store`, none panics, and the pair is kept.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_store_does_not_panic_the_calls() {
    use std::sync::atomic::Ordering::SeqCst;
    let h = hostile(&[Answer::Pair("3600")], Duration::ZERO, fast_options()).await;
    h.store.panic.store(true, SeqCst);
    let results = race_results(&h.client, 8).await;
    for r in &results {
        let Err(clientgen_runtime::Error::Auth(clientgen_runtime::oauth::OAuthError::Store(why))) =
            r
        else {
            panic!("{r:?}");
        };
        assert!(why.contains("panicked"), "{why}");
    }
    h.store.panic.store(false, SeqCst);
    assert_eq!(ping(&h.client, 1).await.unwrap(), 1);
    assert_eq!(
        *h.store.saved.lock().unwrap(),
        [("A1".to_owned(), "R1".to_owned())]
    );
    assert_eq!(counts(&h), (1, 1, 0));
}

/// A token that lives 30 s, under the 60 s margin, is refreshed once, not before every call.
#[tokio::test]
async fn a_short_lived_token_is_not_refreshed_before_every_call() {
    let h = hostile(&[Answer::Pair("30")], Duration::ZERO, fast_options()).await;
    for n in 0..5 {
        assert_eq!(ping(&h.client, n).await.unwrap(), n);
    }
    let (requests, refreshes, reused) = counts(&h);
    println!("30 s token, 5 calls: refreshes {refreshes}, reused {reused}");
    assert_eq!((requests, refreshes, reused), (1, 1, 0));
}

/// A token endpoint slower than the call's timeout: the call ends at its deadline with
/// `Error::Deadline`, and the refresh it started still completes and is saved.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_token_endpoint_is_bounded_by_the_call_deadline() {
    let h = hostile(
        &[Answer::Pair("3600")],
        Duration::from_millis(1500),
        fast_options(),
    )
    .await;
    let started = std::time::Instant::now();
    let result = tokio::time::timeout(
        Duration::from_secs(10),
        h.client
            .ping(&fx_oauth::types::Ping::new(1))
            .timeout(Duration::from_millis(500)),
    )
    .await
    .expect("the call ends");
    let elapsed = started.elapsed();
    println!(
        "token endpoint 1.5 s, call timeout 0.5 s: ended after {:.3} s",
        elapsed.as_secs_f64()
    );
    assert!(
        matches!(result, Err(clientgen_runtime::Error::Deadline(_))),
        "{result:?}"
    );
    assert!(elapsed < Duration::from_millis(800), "{elapsed:?}");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        *h.store.saved.lock().unwrap(),
        [("A1".to_owned(), "R1".to_owned())]
    );
    assert_eq!(ping(&h.client, 2).await.unwrap(), 2);
    assert_eq!(counts(&h), (1, 1, 0));
}

/// Mounts the token endpoint and the API of generation 0 on a new server.
async fn token_server() -> (MockServer, Tokens) {
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
    (server, tokens)
}

/// A session started from a stored refresh token alone refreshes before its first call: the
/// API never sees a request without a valid token, the refresh token is sent once, and the new
/// pair is saved before it is used. Racing first calls share that one refresh.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_session_from_a_refresh_token_alone_refreshes_before_the_first_call() {
    let (server, tokens) = token_server().await;
    let store = Arc::new(RecordingStore::default());
    let config = fx_oauth::oauth_config("client-1", "s3cret", "https://app.example/callback")
        .with_token_url(format!("{}/oauth2/access_token", server.uri()));
    let session = OAuthSession::from_refresh_token(config, "R0", store.clone());
    let client = fx_oauth::Client::builder()
        .oauth(session.clone())
        .transport(|t| t.base_url(server.uri()).allow_http(true))
        .build()
        .unwrap();
    let answers = tokio::time::timeout(Duration::from_secs(20), race(&client, 16))
        .await
        .expect("bounded");
    assert_eq!(answers, (0..16).collect::<Vec<_>>());
    {
        let state = tokens.state.lock().unwrap();
        assert_eq!(state.refreshes, 1);
        assert_eq!(state.reused_refresh_tokens, 0);
        assert_eq!(state.unauthorized, 0, "no call went out before the refresh");
    }
    assert_eq!(
        *store.saved.lock().unwrap(),
        [("A1".to_owned(), "R1".to_owned())]
    );
    let pings = server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.url.path() == "/ping.php")
        .count();
    assert_eq!(pings, 16);
}

/// The token endpoint is redirected through `with_token_url`, and a plain-HTTP one is used
/// only by a session whose client allows plain HTTP: the one `allow_http` of the transport.
#[tokio::test]
async fn a_plain_http_token_url_follows_the_clients_allow_http() {
    let (server, tokens) = token_server().await;
    let config = fx_oauth::oauth_config("client-1", "s3cret", "https://app.example/callback")
        .with_token_url(format!("{}/oauth2/access_token", server.uri()));
    assert_eq!(
        config.token_url(),
        format!("{}/oauth2/access_token", server.uri())
    );
    // No client allows plain HTTP yet: nothing is sent to the token endpoint.
    let err = config.exchange_code("the-code").await.unwrap_err();
    assert!(err.to_string().contains("allow_http(true)"), "{err}");
    let session =
        OAuthSession::from_refresh_token(config.clone(), "R0", Arc::new(RecordingStore::default()));
    // A client over https refuses the plain-HTTP token URL at build time.
    let err = fx_oauth::Client::builder()
        .oauth(session.clone())
        .build()
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("token URL needs `allow_http(true)`"),
        "{err}"
    );
    assert_eq!(tokens.state.lock().unwrap().generation, 0);
    // The client that allows it lets the session (and the config it was made from) use it.
    let client = fx_oauth::Client::builder()
        .oauth(session)
        .transport(|t| t.base_url(server.uri()).allow_http(true))
        .build()
        .unwrap();
    let answer = tokio::time::timeout(
        Duration::from_secs(10),
        client.ping(&fx_oauth::types::Ping::new(3)),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(*answer, 3);
    assert_eq!(tokens.state.lock().unwrap().refreshes, 1);
    let pair = config.exchange_code("the-code").await.unwrap();
    assert_eq!(
        (pair.access_token_str(), pair.refresh_token_str()),
        ("A2", "R2")
    );
}

/// `TokenPair::new` takes text; the accessors give it back; `Debug` hides both.
#[test]
fn a_token_pair_is_built_and_read_as_text() {
    let at = SystemTime::now();
    let pair = TokenPair::new("access-1", String::from("refresh-1"), at);
    assert_eq!(pair.access_token_str(), "access-1");
    assert_eq!(pair.refresh_token_str(), "refresh-1");
    assert_eq!(pair.expires_at, at);
    let shown = format!("{pair:?}");
    assert!(
        !shown.contains("access-1") && !shown.contains("refresh-1"),
        "{shown}"
    );
}
