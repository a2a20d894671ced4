//! The future of one call: what a generated request builder's `send()` returns and what
//! awaiting the builder runs.
//!
//! `send()` assembles the [`Request`] at once (a plain function, not an `async fn`) and hands it
//! to [`Transport::call`], which starts the transport's work as one boxed future and pairs it
//! with the operation's decode step, a plain function pointer. Two things follow:
//! - No operation has a state machine of its own. The transport's (auth, rate limit, retries,
//!   deadline, body cap) is one `async fn` in this crate, boxed here, so it is compiled once
//!   here, not again in the generated crate and in every crate that awaits a call. What an
//!   operation compiles is the code that builds its request and the decoding of its own types.
//! - The builder's `IntoFuture` is this type, so awaiting a builder allocates nothing more than
//!   the transport's one box; before, each builder boxed its whole `send()` future as well.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::error::{Error, ErrorBody};
use crate::request::Request;
use crate::response::RawResponse;
use crate::transport::{SendError, Transport};

/// The transport's work for one call, boxed once.
type Sending<'a> = Pin<Box<dyn Future<Output = Result<RawResponse, SendError>> + Send + 'a>>;

/// One call in flight: the transport sends the request (retrying as its policy allows, within
/// the call's deadline), then the operation's decode step turns the response into the
/// call's output, `Result<ResponseValue<T>, Error<E>>`. Dropping it cancels the call.
#[must_use = "a call does nothing until it is awaited"]
pub struct Call<'a, O> {
    sending: Sending<'a>,
    decode: fn(RawResponse) -> O,
}

impl<O> fmt::Debug for Call<'_, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call").finish_non_exhaustive()
    }
}

/// What a call can end in: the output of an operation's decode step, or a failure to send.
pub trait CallOutput {
    /// The output for a call that the transport could not complete.
    fn not_sent(error: SendError) -> Self;
}

impl<T, E: ErrorBody> CallOutput for Result<T, Error<E>> {
    fn not_sent(error: SendError) -> Self {
        Err(error.into())
    }
}

impl<O: CallOutput> Future for Call<'_, O> {
    type Output = O;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<O> {
        match self.sending.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Ok(response)) => Poll::Ready((self.decode)(response)),
            Poll::Ready(Err(error)) => Poll::Ready(O::not_sent(error)),
        }
    }
}

impl Transport {
    /// Starts `request` and decodes its response with `decode` (the operation's own step:
    /// the success check, then the body's type).
    pub fn call<O: CallOutput>(
        &self,
        request: Request,
        decode: fn(RawResponse) -> O,
    ) -> Call<'_, O> {
        Call {
            sending: self.start(request),
            decode,
        }
    }

    /// [`Transport::execute`], boxed: not generic and not inlined, so its state machine is
    /// compiled in this crate only.
    #[inline(never)]
    fn start(&self, request: Request) -> Sending<'_> {
        Box::pin(self.execute(request))
    }
}
