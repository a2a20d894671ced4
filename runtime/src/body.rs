//! Reading response bodies with a cap, so that no server can make the client buffer more than
//! it was told to accept.
//!
//! A hostile or broken server can announce a 2 GiB body or stream one without end. The cap is
//! checked twice: against `Content-Length` before a byte of the body is read (the call fails at
//! once, nothing is buffered), and against the bytes received while the body streams (a chunked
//! or lying body stops at the cap, and the connection is dropped). hyper never reads past a
//! declared length.

use bytes::{Bytes, BytesMut};
use http_body_util::BodyExt;

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
pub(crate) enum ReadError<E> {
    /// More than `limit` bytes, as announced (`declared`) or as received.
    TooLarge { limit: u64, declared: Option<u64> },
    /// The connection failed while the body was read.
    Transport(E),
}

/// The next piece of data in `body`, skipping trailers and empty frames; `None` at its end.
async fn next_chunk<B>(body: &mut B) -> Option<Result<Bytes, B::Error>>
where
    B: http_body::Body<Data = Bytes> + Unpin,
{
    while let Some(frame) = body.frame().await {
        match frame.map(|f| f.into_data()) {
            Ok(Ok(chunk)) if !chunk.is_empty() => return Some(Ok(chunk)),
            Ok(_) => {}
            Err(e) => return Some(Err(e)),
        }
    }
    None
}

/// Reads the whole body, refusing one larger than `limit`.
///
/// A body that arrives in one piece is returned as that piece, with no copy. Otherwise the
/// pieces are gathered in one buffer, sized for the declared length when there is one.
pub(crate) async fn read_capped<B>(mut body: B, limit: u64) -> Result<Bytes, ReadError<B::Error>>
where
    B: http_body::Body<Data = Bytes> + Unpin,
{
    let declared = body.size_hint().exact();
    if let Some(declared) = declared.filter(|n| *n > limit) {
        return Err(ReadError::TooLarge {
            limit,
            declared: Some(declared),
        });
    }
    let mut first: Option<Bytes> = None;
    let mut buffer: Vec<u8> = Vec::new();
    while let Some(chunk) = next_chunk(&mut body).await {
        let chunk = chunk.map_err(ReadError::Transport)?;
        let held = first.as_ref().map_or(buffer.len(), Bytes::len) as u64;
        let needed = held + chunk.len() as u64;
        if needed > limit {
            return Err(ReadError::TooLarge {
                limit,
                declared: None,
            });
        }
        if held == 0 {
            first = Some(chunk);
            continue;
        }
        if needed > buffer.capacity() as u64 {
            // The declared length if it is enough, else double, but never past the cap: a body
            // at the cap never holds twice the cap.
            let target = match declared {
                Some(declared) if declared >= needed => declared,
                _ => (buffer.capacity() as u64 * 2).clamp(needed, limit.max(needed)),
            };
            buffer.reserve_exact(target as usize - buffer.len());
        }
        if let Some(first) = first.take() {
            buffer.extend_from_slice(&first);
        }
        buffer.extend_from_slice(&chunk);
    }
    Ok(first.unwrap_or_else(|| Bytes::from(buffer)))
}

/// Reads at most `limit` bytes of the body and leaves the rest unread (the connection is then
/// closed rather than drained). For failing responses, where an excerpt is all anyone needs.
/// The flag says whether the body was read to its end.
pub(crate) async fn read_excerpt<B>(mut body: B, limit: u64) -> Result<(Bytes, bool), B::Error>
where
    B: http_body::Body<Data = Bytes> + Unpin,
{
    let mut buffer = BytesMut::new();
    while let Some(chunk) = next_chunk(&mut body).await {
        let chunk = chunk?;
        let room = (limit as usize).saturating_sub(buffer.len());
        if chunk.len() > room {
            buffer.extend_from_slice(&chunk[..room]);
            return Ok((buffer.freeze(), false));
        }
        buffer.extend_from_slice(&chunk);
    }
    Ok((buffer.freeze(), true))
}

/// The body of a reqwest response, for the readers above.
pub(crate) fn reqwest_body(response: reqwest::Response) -> reqwest::Body {
    http::Response::from(response).into_body()
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
