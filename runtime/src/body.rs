//! Reading response bodies with a cap, so that no server can make the client buffer more than
//! it was told to accept.
//!
//! A hostile or broken server can announce a 2 GiB body or stream one without end. The cap is
//! checked twice: against `Content-Length` before a byte of the body is read (the call fails at
//! once, nothing is buffered), and against the bytes received while the body streams (a chunked
//! or lying body stops at the cap, and the connection is dropped). A declared length within the
//! cap takes reqwest's one-allocation path; hyper never reads past a declared length.

use bytes::{Bytes, BytesMut};

/// Bodies larger than this are refused unless the client or the call allows more.
///
/// 32 MiB: the largest documented pages of these APIs (100 Grow CRM leads, 100 Teamleader
/// records) are well under 1 MiB, so this leaves a factor of 30 for growth while keeping a
/// hostile server's effect on the process small. It is the same order as what the large SDKs
/// pick for a buffered, non-streaming answer.
pub const DEFAULT_MAX_BODY: u64 = 32 * 1024 * 1024;

/// How much of a failing response's body is kept (in the error and for decoding the
/// documented error body); the rest is not read.
pub const ERROR_BODY_EXCERPT: u64 = 16 * 1024;

/// How much of a token endpoint's answer is read: a token pair is a few hundred bytes.
pub const TOKEN_BODY_LIMIT: u64 = 64 * 1024;

/// Why a body could not be read.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// More than `limit` bytes, as announced (`declared`) or as received.
    TooLarge { limit: u64, declared: Option<u64> },
    /// The connection failed while the body was read.
    Transport(reqwest::Error),
}

/// Reads the whole body, refusing one larger than `limit`.
pub(crate) async fn read_capped(
    mut response: reqwest::Response,
    limit: u64,
) -> Result<Bytes, ReadError> {
    match response.content_length() {
        Some(declared) if declared > limit => {
            return Err(ReadError::TooLarge {
                limit,
                declared: Some(declared),
            });
        }
        Some(_) => return response.bytes().await.map_err(ReadError::Transport),
        None => {}
    }
    let mut buffer: Vec<u8> = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(ReadError::Transport)? {
        let needed = buffer.len() as u64 + chunk.len() as u64;
        if needed > limit {
            return Err(ReadError::TooLarge {
                limit,
                declared: None,
            });
        }
        if needed > buffer.capacity() as u64 {
            // Double, but never past the cap: a body at the cap never holds twice the cap.
            let target = (buffer.capacity() as u64 * 2).clamp(needed, limit.max(needed));
            buffer.reserve_exact(target as usize - buffer.len());
        }
        buffer.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(buffer))
}

/// Reads at most `limit` bytes of the body and drops the rest unread (the connection is closed
/// rather than drained). For failing responses, where an excerpt is all anyone needs.
pub(crate) async fn read_excerpt(
    mut response: reqwest::Response,
    limit: u64,
) -> Result<Bytes, reqwest::Error> {
    if response.content_length().is_some_and(|n| n <= limit) {
        return response.bytes().await;
    }
    let mut buffer = BytesMut::new();
    while let Some(chunk) = response.chunk().await? {
        let room = (limit as usize).saturating_sub(buffer.len());
        if chunk.len() >= room {
            buffer.extend_from_slice(&chunk[..room]);
            break;
        }
        buffer.extend_from_slice(&chunk);
    }
    Ok(buffer.freeze())
}

impl crate::response::RawResponse {
    /// A response as if `status` and `body` had just been received for `operation`, for fuzz
    /// targets and tests that drive the decoders without a server.
    #[doc(hidden)]
    pub fn synthetic(operation: &'static str, status: u16, body: &[u8]) -> Self {
        crate::response::RawResponse {
            parts: crate::error::ResponseParts::new(
                operation,
                http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::OK),
                http::HeaderMap::new(),
                Bytes::copy_from_slice(body),
            ),
        }
    }
}
