//! A real `redis-server` for one test, and child processes of the test binary.
//!
//! [`RedisServer::start`] runs Debian's `redis-server` on a free port of 127.0.0.1, without
//! persistence, and kills it when dropped; `.ci/run` installs the package when it is missing.
//! [`spawn_child`] runs one `#[ignore]`d test of the current test binary as a child process,
//! with an environment variable naming its role, so that several processes, not only several
//! tasks, share one Redis key.

#![allow(dead_code)]

use std::net::TcpListener;
use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A `redis-server` process owned by a test.
pub struct RedisServer {
    /// The port it listens on (127.0.0.1 only).
    pub port: u16,
    child: Option<std::process::Child>,
}

impl RedisServer {
    /// Starts a server on a free port and waits (at most 10 s) until it answers as itself.
    ///
    /// Tests run in parallel, so the port `free_port` saw free can be taken by another test's
    /// server before this one binds it: this server then exits, and a `PING` would be answered
    /// by the other one, and two tests would share keys. So the server must report this
    /// child's process id; otherwise it is killed and another port is tried.
    pub async fn start() -> RedisServer {
        for _ in 0..5 {
            let port = free_port();
            let child = std::process::Command::new("redis-server")
                .args(["--port", &port.to_string()])
                .args(["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
                .stdout(Stdio::null())
                .stderr(Stdio::inherit())
                .spawn()
                .expect("redis-server runs (Debian package `redis-server`; `.ci/run` installs it)");
            let pid = child.id();
            let mut server = RedisServer {
                port,
                child: Some(child),
            };
            let until = Instant::now() + Duration::from_secs(10);
            loop {
                if server.process_id().await == Some(pid) {
                    return server;
                }
                let exited = server
                    .child
                    .as_mut()
                    .is_some_and(|c| !matches!(c.try_wait(), Ok(None)));
                if exited {
                    break;
                }
                assert!(
                    Instant::now() < until,
                    "redis-server did not start on port {port}"
                );
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            server.stop();
        }
        panic!("redis-server found its port taken five times");
    }

    /// The process id of the server answering on `port`, if one answers within a second.
    async fn process_id(&self) -> Option<u32> {
        let info = async {
            let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", self.port)).await?;
            stream.write_all(b"INFO server\r\n").await?;
            let mut reply = Vec::new();
            let mut buf = [0u8; 1024];
            loop {
                let n = stream.read(&mut buf).await?;
                if n == 0 {
                    return Ok(None);
                }
                reply.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&reply);
                if let Some(rest) = text.split_once("process_id:").map(|(_, r)| r)
                    && let Some((id, _)) = rest.split_once("\r\n")
                {
                    return Ok::<_, std::io::Error>(id.trim().parse().ok());
                }
            }
        };
        tokio::time::timeout(Duration::from_secs(1), info)
            .await
            .ok()?
            .ok()?
    }

    /// `redis://127.0.0.1:<port>/0`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
    }

    /// Kills the server and waits until it is gone.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("its address").port()
}

/// The variable that tells a child which role to play; a test that finds it unset is not a
/// child and does nothing.
pub const ROLE: &str = "CLIENTGEN_REDIS_CHILD";

/// Runs the `#[ignore]`d test `test` of this binary as a child process, with `ROLE=role` and
/// `env`; its stdout is piped, and it is killed if the handle is dropped.
pub fn spawn_child(test: &str, role: &str, env: &[(&str, String)]) -> tokio::process::Child {
    let exe = std::env::current_exe().expect("the test binary");
    let mut command = tokio::process::Command::new(exe);
    command
        .args([
            test,
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(ROLE, role)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true);
    for (k, v) in env {
        command.env(k, v);
    }
    command.spawn().expect("the test binary runs as a child")
}

/// Waits for `child` (at most `limit`), and returns its stdout; fails the test if it timed out
/// or failed.
pub async fn finish(child: tokio::process::Child, limit: Duration, what: &str) -> String {
    let output = tokio::time::timeout(limit, child.wait_with_output())
        .await
        .unwrap_or_else(|_| panic!("{what} did not finish within {limit:?}"))
        .expect("the child's output");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "{what} failed:\n{stdout}");
    stdout
}

/// What follows `tag ` on each line of `stdout` that holds it (the first line the child
/// prints shares its line with libtest's `test name ... `).
pub fn tagged<'a>(stdout: &'a str, tag: &str) -> Vec<&'a str> {
    let tag = format!("{tag} ");
    stdout
        .lines()
        .filter_map(|l| Some(l.split_once(&tag)?.1))
        .collect()
}

impl RedisServer {
    /// Sends one command (as RESP) and returns the start of the raw reply, for a test that
    /// plays another process by writing keys itself.
    pub async fn command(&self, args: &[&str]) -> String {
        let mut request = format!("*{}\r\n", args.len());
        for a in args {
            request.push_str(&format!("${}\r\n{a}\r\n", a.len()));
        }
        let exchange = async {
            let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", self.port)).await?;
            stream.write_all(request.as_bytes()).await?;
            let mut buf = vec![0u8; 4096];
            let n = stream.read(&mut buf).await?;
            Ok::<_, std::io::Error>(String::from_utf8_lossy(&buf[..n]).into_owned())
        };
        tokio::time::timeout(Duration::from_secs(2), exchange)
            .await
            .expect("Redis answers within 2 s")
            .expect("Redis answers")
    }
}
