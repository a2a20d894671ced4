//! One Teamleader OAuth2 grant shared through a real `redis-server` by several processes,
//! against a token server whose refresh tokens work once: 4 processes x 16 calls racing over an
//! expired access token cause exactly one refresh; a process killed in the middle of its
//! refresh gives the lock up when its lease ends and another completes; a process whose lease
//! ran out cannot overwrite a newer pair (fencing); and without Redis no refresh token is sent.

#[path = "support/redis.rs"]
mod redis_support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use clientgen_runtime::oauth::shared::{RedisGrant, SharedOptions};
use clientgen_runtime::oauth::{OAuthError, OAuthSession, SessionOptions, TokenPair};
use clientgen_tests::{RecordingStore, load_spec, response_example};
use redis_support::{ROLE, RedisServer, finish, spawn_child, tagged};
use saas_clients::teamleader_v2;
use secrecy::ExposeSecret;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const CALLS: usize = 16;
const LEASE: Duration = Duration::from_secs(3);

/// The token endpoint and the API: generation `n` is `A<n>`/`R<n>`; a refresh token works
/// once; the API accepts only the newest access token.
#[derive(Clone, Default)]
struct Tokens(Arc<Mutex<TokenState>>);

#[derive(Default)]
struct TokenState {
    generation: u32,
    /// Every refresh token received, in order.
    received: Vec<String>,
    /// Refreshes answered with a new pair.
    rotations: u32,
    /// Refresh tokens refused as spent or unknown.
    refused: u32,
    /// Hold the next refresh without answering or rotating (a request whose sender dies).
    hold_next: bool,
    /// Answer the next refresh 200 with a body that is not a pair (it may have rotated).
    garbage_next: bool,
    /// Answer refreshes this much later (the rotation happens when the request arrives).
    delay: Duration,
}

impl Respond for Tokens {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut s = self.0.lock().unwrap();
        let sent = url::form_urlencoded::parse(&request.body)
            .find(|(k, _)| k == "refresh_token")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        s.received.push(sent.clone());
        if std::mem::take(&mut s.hold_next) {
            // Never delivered: the test kills the sender first. Nothing is rotated.
            return ResponseTemplate::new(500).set_delay(Duration::from_secs(60));
        }
        if std::mem::take(&mut s.garbage_next) {
            return ResponseTemplate::new(200).set_body_string("<html>maintenance</html>");
        }
        if sent != format!("R{}", s.generation) {
            s.refused += 1;
            return ResponseTemplate::new(400).set_body_string(r#"{"error":"invalid_grant"}"#);
        }
        s.generation += 1;
        s.rotations += 1;
        let g = s.generation;
        ResponseTemplate::new(200)
            .set_body_json(serde_json::json!({
                "token_type": "Bearer", "expires_in": 3600,
                "access_token": format!("A{g}"), "refresh_token": format!("R{g}")
            }))
            .set_delay(s.delay)
    }
}

struct Api(Tokens, String);

impl Respond for Api {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let s = (self.0).0.lock().unwrap();
        let expected = format!("Bearer A{}", s.generation);
        let sent = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok());
        if sent == Some(expected.as_str()) {
            ResponseTemplate::new(200).set_body_raw(self.1.clone().into_bytes(), "application/json")
        } else {
            ResponseTemplate::new(401)
        }
    }
}

async fn servers(tokens: &Tokens) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(tokens.clone())
        .mount(&server)
        .await;
    let api = load_spec("teamleader_v2");
    let user = response_example(&api, "users_me", 200, "john_smith");
    Mock::given(method("POST"))
        .and(path("/users.me"))
        .respond_with(Api(tokens.clone(), user.to_owned()))
        .mount(&server)
        .await;
    server
}

/// A session on `server`'s token endpoint starting from the expired pair `A0`/`R0`, sharing
/// the grant `grant` on the Redis at `redis`.
fn session(server: &str, redis: &str, store: Arc<RecordingStore>) -> Arc<OAuthSession> {
    let config = teamleader_v2::oauth_config("id", "secret".to_owned(), "https://app/cb")
        .with_token_url(format!("{server}/token"));
    let options = SessionOptions {
        token_timeout: Duration::from_secs(1),
        retry_backoff: Duration::from_millis(100),
        ..SessionOptions::default()
    };
    let shared = SharedOptions {
        lease: LEASE,
        poll: Duration::from_millis(20),
        redis_timeout: Duration::from_millis(500),
    };
    let pair = TokenPair {
        access_token: "A0".into(),
        refresh_token: "R0".into(),
        expires_at: SystemTime::now() - Duration::from_secs(1),
    };
    let grant = RedisGrant::open(redis, "teamleader-test", shared).unwrap();
    let session = OAuthSession::shared(config, pair, store, options, grant).unwrap();
    // The plain-HTTP token URL is allowed by the `allow_http` of a client that takes the
    // session; some tests below use the session without calling through that client.
    teamleader_v2::Client::builder(session.clone())
        .base_url(server)
        .transport(|t| t.allow_http(true))
        .build()
        .unwrap();
    session
}

/// One child process: `CALLS` calls racing through one client; prints `CARRIED <i>` per call
/// that returned `Ok`, `TOKEN <access>` with the token its session ends on, and `SAVED
/// <access>/<refresh>` per pair its own store received.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a child process of the tests below"]
async fn oauth_child() {
    if std::env::var(ROLE).as_deref() != Ok("oauth") {
        return;
    }
    let var = |k: &str| std::env::var(k).unwrap_or_else(|_| panic!("{k} is set"));
    let server = var("CHILD_SERVER");
    let store = Arc::new(RecordingStore::default());
    let session = session(&server, &var("CHILD_REDIS"), store.clone());
    let client = teamleader_v2::Client::builder(session.clone())
        .transport(|t| t.base_url(server).allow_http(true))
        .build()
        .unwrap();
    let calls: Vec<_> = (0..CALLS)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move { client.users_me().await.map(|_| i) })
        })
        .collect();
    for call in calls {
        match call.await.expect("no panic") {
            Ok(i) => println!("CARRIED {i}"),
            Err(e) => println!("FAILED {e}"),
        }
    }
    let token = session.access_token().await.unwrap();
    println!("TOKEN {}", token.expose_secret());
    for (access, refresh) in store.saved.lock().unwrap().iter() {
        println!("SAVED {access}/{refresh}");
    }
}

fn child(server: &MockServer, redis: &RedisServer) -> tokio::process::Child {
    spawn_child(
        "oauth_child",
        "oauth",
        &[("CHILD_SERVER", server.uri()), ("CHILD_REDIS", redis.url())],
    )
}

/// Checks one child's output: every call carried out with the newest token, and the session
/// and the store end on the newest pair.
fn ends_on_newest(out: &str, generation: u32) {
    assert_eq!(tagged(out, "FAILED"), Vec::<&str>::new(), "no call failed");
    assert_eq!(
        tagged(out, "CARRIED").len(),
        CALLS,
        "every call carried out"
    );
    assert_eq!(tagged(out, "TOKEN"), [format!("A{generation}")], "{out}");
    assert_eq!(
        tagged(out, "SAVED"),
        [format!("A{generation}/R{generation}")],
        "the process's own store got the newest pair once"
    );
}

/// 4 processes x 16 calls over an expired token: one refresh request, no refresh token sent
/// twice, every process on the newest pair.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_processes_racing_over_an_expired_token_refresh_once() {
    let redis = RedisServer::start().await;
    let tokens = Tokens::default();
    let server = servers(&tokens).await;
    let children: Vec<_> = (0..4).map(|_| child(&server, &redis)).collect();
    for (p, c) in children.into_iter().enumerate() {
        let out = finish(c, Duration::from_secs(30), &format!("child {p}")).await;
        ends_on_newest(&out, 1);
    }
    let s = tokens.0.lock().unwrap();
    assert_eq!(s.received, ["R0"], "exactly one refresh request");
    assert_eq!((s.rotations, s.refused), (1, 0));
}

/// The first process is killed while its refresh is at the token endpoint (which has not
/// answered, so has not rotated). Three more processes wait for the lock; when its lease ends
/// one of them refreshes, and all end on that pair. The refresh token crossed the wire twice
/// (once in the request that died with its sender), and was carried out once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_process_killed_mid_refresh_loses_its_lease_and_another_completes() {
    let redis = RedisServer::start().await;
    let tokens = Tokens::default();
    tokens.0.lock().unwrap().hold_next = true;
    let server = servers(&tokens).await;
    let mut doomed = child(&server, &redis);
    let until = Instant::now() + Duration::from_secs(15);
    while tokens.0.lock().unwrap().received.is_empty() {
        assert!(
            Instant::now() < until,
            "the first child never asked for a token"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    doomed.kill().await.expect("killed");
    let killed = Instant::now();
    let others: Vec<_> = (0..3).map(|_| child(&server, &redis)).collect();
    for (p, c) in others.into_iter().enumerate() {
        let out = finish(c, Duration::from_secs(30), &format!("child {p}")).await;
        ends_on_newest(&out, 1);
    }
    println!(
        "the other processes finished {:?} after the kill",
        killed.elapsed()
    );
    let s = tokens.0.lock().unwrap();
    assert_eq!(
        s.received,
        ["R0", "R0"],
        "the dead request, then one refresh"
    );
    assert_eq!((s.rotations, s.refused), (1, 0));
}

/// A session whose lease ran out while its refresh was answered: meanwhile "another process"
/// (the test, writing to Redis itself) took the lock and wrote a newer pair. The late answer
/// must not overwrite it: the session reports `OAuthError::Shared` and then uses the newer
/// pair.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_holder_whose_lease_ran_out_does_not_overwrite_a_newer_pair() {
    let redis = RedisServer::start().await;
    let tokens = Tokens::default();
    tokens.0.lock().unwrap().delay = Duration::from_millis(600);
    let server = servers(&tokens).await;
    let store = Arc::new(RecordingStore::default());
    let session = session(&server.uri(), &redis.url(), store);
    let late = tokio::spawn({
        let session = session.clone();
        async move { session.access_token().await }
    });
    let until = Instant::now() + Duration::from_secs(5);
    while tokens.0.lock().unwrap().received.is_empty() {
        assert!(Instant::now() < until, "no refresh request");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // The lease ends early, another process takes the lock and writes version 1.
    let lock = "clientgen:oauth:teamleader-test:lock";
    let pair = "clientgen:oauth:teamleader-test:pair";
    assert!(
        redis
            .command(&["SET", lock, "999999"])
            .await
            .starts_with("+OK")
    );
    let expires = (SystemTime::now() + Duration::from_secs(3600))
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_millis()
        .to_string();
    let hset = [
        "HSET",
        pair,
        "access",
        "B1",
        "refresh",
        "S1",
        "expires_ms",
        &expires,
        "lifetime_ms",
        "3600000",
        "version",
        "1",
    ];
    assert!(redis.command(&hset).await.starts_with(':'));
    let outcome = tokio::time::timeout(Duration::from_secs(5), late)
        .await
        .expect("bounded")
        .expect("no panic");
    match outcome {
        Err(OAuthError::Shared(why)) => assert!(why.contains("lease"), "{why}"),
        other => panic!("expected OAuthError::Shared, got {other:?}"),
    }
    let stored = redis.command(&["HGET", pair, "access"]).await;
    assert!(stored.contains("B1"), "the newer pair stays: {stored}");
    let token = session.access_token().await.expect("the newer pair");
    assert_eq!(token.expose_secret(), "B1");
}

/// The token endpoint answers a refresh 200 with no readable pair, so the refresh token may be
/// spent: a second session on the grant (another process) fails with `PossiblySpent` too, and
/// sends nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_possibly_spent_grant_is_not_refreshed_by_another_process() {
    let redis = RedisServer::start().await;
    let tokens = Tokens::default();
    tokens.0.lock().unwrap().garbage_next = true;
    let server = servers(&tokens).await;
    let first = session(&server.uri(), &redis.url(), Arc::default());
    let second = session(&server.uri(), &redis.url(), Arc::default());
    let bounded = Duration::from_secs(5);
    let one = tokio::time::timeout(bounded, first.access_token())
        .await
        .unwrap();
    assert!(matches!(one, Err(OAuthError::PossiblySpent(_))), "{one:?}");
    let two = tokio::time::timeout(bounded, second.access_token())
        .await
        .unwrap();
    match two {
        Err(OAuthError::PossiblySpent(why)) => assert!(why.contains("Redis"), "{why}"),
        other => panic!("expected PossiblySpent, got {other:?}"),
    }
    assert_eq!(tokens.0.lock().unwrap().received, ["R0"], "sent once");
}

/// Redis is not there: a refresh fails with `OAuthError::Shared` within the Redis timeout, and
/// no refresh token is sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_redis_no_refresh_token_is_sent() {
    let mut redis = RedisServer::start().await;
    let url = redis.url();
    redis.stop();
    let tokens = Tokens::default();
    let server = servers(&tokens).await;
    let session = session(&server.uri(), &url, Arc::new(RecordingStore::default()));
    let client = teamleader_v2::Client::builder(session)
        .transport(|t| t.base_url(server.uri()).allow_http(true))
        .build()
        .unwrap();
    let asked = Instant::now();
    let outcome = tokio::time::timeout(Duration::from_secs(10), client.users_me())
        .await
        .expect("bounded");
    match outcome {
        Err(teamleader_v2::Error::Auth(OAuthError::Shared(why))) => println!("{why}"),
        other => panic!("expected Error::Auth(OAuthError::Shared), got {other:?}"),
    }
    assert!(
        asked.elapsed() < Duration::from_secs(3),
        "{:?}",
        asked.elapsed()
    );
    assert!(tokens.0.lock().unwrap().received.is_empty(), "nothing sent");
}
