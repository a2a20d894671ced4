//! Streams over page-numbered collections.
//!
//! The stream asks for a page only when the consumer has taken every item of the previous one,
//! so it never holds more than one page. It stops after the last page: the page number the
//! response names as last, an empty page, or a page shorter than the size asked for.
//!
//! A server can lie, and a stream must still end. So:
//! - a page that repeats the previous one (same count, same first and last item) stops the
//!   stream with [`PageError::RepeatedPage`] instead of asking again forever, whatever
//!   `last_page` claims;
//! - after [`DEFAULT_MAX_PAGES`] pages (or [`ItemStream::max_pages`]) the stream stops with
//!   [`PageError::PageCap`];
//! - the page number never overflows: a stream that would need page `i64::MAX + 1` stops with
//!   [`PageError::PageNumberOverflow`];
//! - a *first* page shorter than the size asked for is not taken as the last one, because a
//!   server that clamps the page size (Teamleader v1 gives at most 100 whatever `amount` says)
//!   sends exactly that. One more page is asked for: empty, the collection has ended (one extra
//!   request, for collections that fit in a single page); as long as the first one, the server's
//!   page size is that count and the stream goes on with it.
//!
//! An error ends the stream after it is yielded, so a consumer that goes on reading is not sent
//! into a loop of failing requests.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::Stream;
use futures::future::BoxFuture;

/// Pages a stream fetches at most unless told otherwise: a million items at 100 per page, far
/// past any collection these APIs document, and a bound on a server that never says "last".
pub const DEFAULT_MAX_PAGES: u64 = 10_000;

/// One fetched page, as the generated code reads it out of a response.
#[derive(Debug)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// The number of the last page, if the response says.
    pub last_page: Option<i64>,
}

/// Why a stream stopped before the server said it had ended.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PageError {
    /// Page `page` holds the same items as the page before it: the server is not advancing.
    #[error(
        "page {page} repeats the previous page ({items} items, same first and last): the server is not advancing, so the stream stopped"
    )]
    RepeatedPage {
        /// The page number asked for.
        page: i64,
        /// Its item count.
        items: usize,
    },
    /// The stream fetched its maximum number of pages and the server still reported more.
    #[error("the stream stopped after {pages} pages, its cap (`max_pages`), with more reported")]
    PageCap {
        /// The cap.
        pages: u64,
    },
    /// The next page number does not fit in an `i64`.
    #[error("the page after page {page} has no number (it would overflow)")]
    PageNumberOverflow {
        /// The last page fetched.
        page: i64,
    },
}

/// A page being fetched.
type PageFuture<'a, T, E> = BoxFuture<'a, Result<Page<T>, E>>;

type Fetch<'a, T, E> = Box<dyn FnMut(i64) -> PageFuture<'a, T, E> + Send + 'a>;

/// The stream the generated `stream()` methods return: every item of every page, in order.
/// Set [`ItemStream::max_pages`] before reading to change the page cap.
pub struct ItemStream<'a, T, E> {
    fetch: Fetch<'a, T, E>,
    in_flight: Option<(i64, PageFuture<'a, T, E>)>,
    next: Option<i64>,
    size: Option<i64>,
    /// The page size the server turned out to use, when it sent less than `size` asked for.
    server_size: Option<usize>,
    buffer: std::vec::IntoIter<T>,
    fetched: u64,
    max_pages: u64,
    /// Count, first and last item of the previous page.
    previous: Option<(usize, T, T)>,
    /// Why the stream stops once the buffered items are read.
    stop_after: Option<PageError>,
}

impl<T, E> std::fmt::Debug for ItemStream<'_, T, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ItemStream")
            .field("next", &self.next)
            .field("fetched", &self.fetched)
            .field("max_pages", &self.max_pages)
            .finish_non_exhaustive()
    }
}

impl<T, E> ItemStream<'_, T, E> {
    /// Stops the stream with [`PageError::PageCap`] after `pages` pages (default
    /// [`DEFAULT_MAX_PAGES`]).
    pub fn max_pages(mut self, pages: u64) -> Self {
        self.max_pages = pages;
        self
    }
}

/// Streams every item from page `first` on; `fetch(n)` gets page `n`. `size` is the page size
/// the caller asked for, if any.
pub fn pages<'a, T, E, F, Fut>(first: i64, size: Option<i64>, mut fetch: F) -> ItemStream<'a, T, E>
where
    T: PartialEq + Clone + Send + 'a,
    E: From<PageError> + Send + 'a,
    F: FnMut(i64) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Page<T>, E>> + Send + 'a,
{
    ItemStream {
        fetch: Box::new(move |n| Box::pin(fetch(n))),
        in_flight: None,
        next: Some(first),
        size,
        server_size: None,
        buffer: Vec::new().into_iter(),
        fetched: 0,
        max_pages: DEFAULT_MAX_PAGES,
        previous: None,
        stop_after: None,
    }
}

impl<T: PartialEq + Clone, E> ItemStream<'_, T, E> {
    /// Takes a fetched page: the page after it, or why the stream must stop.
    fn after(&mut self, number: i64, page: Page<T>) -> Result<(), PageError> {
        let count = page.items.len();
        self.buffer = Vec::new().into_iter();
        self.next = None;
        let (Some(first), Some(last)) = (page.items.first(), page.items.last()) else {
            tracing::debug!(page = number, "empty page: the stream ends");
            return Ok(());
        };
        if let Some((n, f, l)) = &self.previous {
            if *n == count && f == first && l == last {
                return Err(PageError::RepeatedPage {
                    page: number,
                    items: count,
                });
            }
        }
        self.previous = Some((count, first.clone(), last.clone()));
        let more = match (page.last_page, self.size) {
            (Some(last), _) => number < last,
            (None, Some(size)) => match self.server_size {
                Some(server) => count >= server,
                None if i64::try_from(count).is_ok_and(|c| c >= size) => true,
                // A short first page: maybe the server clamped the size. Ask once more.
                None if self.fetched == 1 => {
                    self.server_size = Some(count);
                    true
                }
                None => false,
            },
            (None, None) => true,
        };
        tracing::debug!(page = number, items = count, more, "page fetched");
        self.buffer = page.items.into_iter();
        if more {
            self.next = number.checked_add(1);
            if self.next.is_none() {
                self.stop_after = Some(PageError::PageNumberOverflow { page: number });
            }
        }
        Ok(())
    }
}

// Nothing in the stream is pinned structurally: the fetch futures are boxed, and items are
// only ever moved.
impl<T, E> Unpin for ItemStream<'_, T, E> {}

impl<T, E> Stream for ItemStream<'_, T, E>
where
    T: PartialEq + Clone,
    E: From<PageError>,
{
    type Item = Result<T, E>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.buffer.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            if this.in_flight.is_none() {
                let Some(number) = this.next else {
                    return Poll::Ready(this.stop_after.take().map(|stop| Err(stop.into())));
                };
                if this.fetched >= this.max_pages {
                    this.next = None;
                    let pages = this.max_pages;
                    return Poll::Ready(Some(Err(PageError::PageCap { pages }.into())));
                }
                this.in_flight = Some((number, (this.fetch)(number)));
            }
            let Some((number, future)) = this.in_flight.as_mut() else {
                continue;
            };
            let number = *number;
            let outcome = match future.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(outcome) => outcome,
            };
            this.in_flight = None;
            this.fetched = this.fetched.saturating_add(1);
            let stop = match outcome {
                Ok(page) => match this.after(number, page) {
                    Ok(()) => continue,
                    Err(stop) => stop.into(),
                },
                Err(e) => e,
            };
            this.next = None;
            this.buffer = Vec::new().into_iter();
            return Poll::Ready(Some(Err(stop)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::StreamExt;
    use std::sync::{Arc, Mutex};

    #[derive(Debug, PartialEq)]
    enum Failure {
        Server(&'static str),
        Stopped(PageError),
    }

    impl From<PageError> for Failure {
        fn from(e: PageError) -> Self {
            Failure::Stopped(e)
        }
    }

    type Log = Arc<Mutex<Vec<i64>>>;

    fn fetcher(
        pages: Vec<Vec<u32>>,
        last: Option<i64>,
        log: Log,
    ) -> impl FnMut(i64) -> futures::future::Ready<Result<Page<u32>, Failure>> {
        move |n| {
            log.lock().unwrap().push(n);
            let items = pages.get(n as usize - 1).cloned().unwrap_or_default();
            futures::future::ready(Ok(Page {
                items,
                last_page: last,
            }))
        }
    }

    async fn all<T: PartialEq + Clone>(s: ItemStream<'_, T, Failure>) -> Vec<Result<T, Failure>> {
        tokio::time::timeout(std::time::Duration::from_secs(10), s.collect())
            .await
            .expect("the stream ends")
    }

    #[tokio::test]
    async fn stops_at_the_last_page_and_fetches_lazily() {
        let log = Log::default();
        let pages_ = vec![vec![1, 2], vec![3, 4], vec![5]];
        let mut s = pages(1, None, fetcher(pages_, Some(3), log.clone()));
        assert_eq!(s.next().await, Some(Ok(1)));
        assert_eq!(*log.lock().unwrap(), [1], "only the first page so far");
        assert_eq!(s.next().await, Some(Ok(2)));
        assert_eq!(s.next().await, Some(Ok(3)));
        assert_eq!(*log.lock().unwrap(), [1, 2]);
        let rest = all(s).await;
        assert_eq!(rest, [Ok(4), Ok(5)]);
        assert_eq!(
            *log.lock().unwrap(),
            [1, 2, 3],
            "no request past the last page"
        );
    }

    #[tokio::test]
    async fn a_short_page_or_an_empty_page_ends_the_stream() {
        let log = Log::default();
        let s = pages(
            1,
            Some(2),
            fetcher(vec![vec![1, 2], vec![3]], None, log.clone()),
        );
        assert_eq!(all(s).await, [Ok(1), Ok(2), Ok(3)]);
        assert_eq!(*log.lock().unwrap(), [1, 2]);
        let log = Log::default();
        let s = pages(1, None, fetcher(vec![vec![1], vec![2]], None, log.clone()));
        assert_eq!(all(s).await, [Ok(1), Ok(2)]);
        assert_eq!(
            *log.lock().unwrap(),
            [1, 2, 3],
            "the empty third page ends it"
        );
    }

    #[tokio::test]
    async fn an_error_ends_the_stream() {
        let mut calls = 0;
        let s = pages(1, None, move |_| {
            calls += 1;
            futures::future::ready(if calls == 1 {
                Ok(Page {
                    items: vec![1],
                    last_page: None,
                })
            } else {
                Err(Failure::Server("boom"))
            })
        });
        assert_eq!(all(s).await, [Ok(1), Err(Failure::Server("boom"))]);
    }

    /// The same page again and again, with a `last_page` of 10^9: stopped at the repeat.
    #[tokio::test]
    async fn a_repeated_page_stops_the_stream() {
        let log = Log::default();
        let record = log.clone();
        let s = pages(1, Some(2), move |n| {
            record.lock().unwrap().push(n);
            futures::future::ready(Ok::<_, Failure>(Page {
                items: vec![7, 8],
                last_page: Some(1_000_000_000),
            }))
        });
        let got = all(s).await;
        assert_eq!(
            got,
            [
                Ok(7),
                Ok(8),
                Err(Failure::Stopped(PageError::RepeatedPage {
                    page: 2,
                    items: 2
                }))
            ]
        );
        assert_eq!(*log.lock().unwrap(), [1, 2]);
    }

    /// Full, distinct pages forever: stopped at the page cap.
    #[tokio::test]
    async fn full_pages_forever_stop_at_the_cap() {
        let log = Log::default();
        let record = log.clone();
        let s = pages(1, Some(2), move |n| {
            record.lock().unwrap().push(n);
            let k = n as u32 * 2;
            futures::future::ready(Ok::<_, Failure>(Page {
                items: vec![k, k + 1],
                last_page: None,
            }))
        })
        .max_pages(50);
        let got = all(s).await;
        assert_eq!(got.len(), 101);
        assert_eq!(
            got.last(),
            Some(&Err(Failure::Stopped(PageError::PageCap { pages: 50 })))
        );
        assert_eq!(log.lock().unwrap().len(), 50);
        assert_eq!(DEFAULT_MAX_PAGES, 10_000);
    }

    /// Starting at `i64::MAX`: the page after it has no number, and nothing overflows.
    #[tokio::test]
    async fn page_numbers_never_overflow() {
        let s = pages(i64::MAX, None, |_| {
            futures::future::ready(Ok::<_, Failure>(Page {
                items: vec![1],
                last_page: None,
            }))
        });
        assert_eq!(
            all(s).await,
            [
                Ok(1),
                Err(Failure::Stopped(PageError::PageNumberOverflow {
                    page: i64::MAX
                }))
            ]
        );
    }

    /// Asked for 500 a page, the server sends 100: every item arrives, and the short third
    /// page ends it.
    #[tokio::test]
    async fn a_clamped_page_size_does_not_end_the_stream() {
        let items: Vec<u32> = (0..250).collect();
        let chunks: Vec<Vec<u32>> = items.chunks(100).map(<[u32]>::to_vec).collect();
        let log = Log::default();
        let s = pages(1, Some(500), fetcher(chunks, None, log.clone()));
        let got: Vec<u32> = all(s).await.into_iter().map(Result::unwrap).collect();
        assert_eq!(got, items);
        assert_eq!(*log.lock().unwrap(), [1, 2, 3]);
        // A collection that fits in one short page costs one extra, empty, page.
        let log = Log::default();
        let s = pages(
            1,
            Some(100),
            fetcher(vec![vec![1, 2, 3]], None, log.clone()),
        );
        assert_eq!(all(s).await, [Ok(1), Ok(2), Ok(3)]);
        assert_eq!(*log.lock().unwrap(), [1, 2]);
    }
}
