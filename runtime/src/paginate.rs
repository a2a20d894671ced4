//! Streams over page-numbered collections.
//!
//! The stream asks for a page only when the consumer has taken every item of the previous one,
//! so it never holds more than one page, and it stops after the last page: the page number the
//! response names as last, or a page shorter than the size asked for, or an empty page. An error
//! ends the stream after it is yielded, so a consumer that goes on reading is not sent into a
//! loop of failing requests.

use std::future::Future;
use std::pin::Pin;

use futures::Stream;

/// One fetched page, as the generated code reads it out of a response.
#[derive(Debug)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// The number of the last page, if the response says.
    pub last_page: Option<i64>,
}

/// A boxed stream of items, as the generated `stream()` methods return it.
pub type ItemStream<'a, T, E> = Pin<Box<dyn Stream<Item = Result<T, E>> + Send + 'a>>;

struct State<T, F> {
    next: Option<i64>,
    size: Option<i64>,
    buffer: std::vec::IntoIter<T>,
    fetch: F,
}

/// Streams every item from page `first` on; `fetch(n)` gets page `n`. `size` is the page size
/// the caller asked for, if any.
pub fn pages<'a, T, E, F, Fut>(first: i64, size: Option<i64>, fetch: F) -> ItemStream<'a, T, E>
where
    T: Send + 'a,
    E: Send + 'a,
    F: FnMut(i64) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Page<T>, E>> + Send + 'a,
{
    let state = State {
        next: Some(first),
        size,
        buffer: Vec::new().into_iter(),
        fetch,
    };
    Box::pin(futures::stream::unfold(state, |mut state| async move {
        loop {
            if let Some(item) = state.buffer.next() {
                return Some((Ok(item), state));
            }
            let number = state.next?;
            match (state.fetch)(number).await {
                Err(e) => {
                    state.next = None;
                    return Some((Err(e), state));
                }
                Ok(page) => {
                    let count = page.items.len() as i64;
                    let more = match (page.last_page, state.size) {
                        _ if count == 0 => false,
                        (Some(last), _) => number < last,
                        (None, Some(size)) => count >= size,
                        (None, None) => true,
                    };
                    tracing::debug!(page = number, items = count, more, "page fetched");
                    state.next = more.then_some(number + 1);
                    state.buffer = page.items.into_iter();
                }
            }
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::StreamExt;
    use std::sync::{Arc, Mutex};

    fn fetcher(
        pages: Vec<Vec<u32>>,
        last: Option<i64>,
        log: Arc<Mutex<Vec<i64>>>,
    ) -> impl FnMut(i64) -> futures::future::Ready<Result<Page<u32>, String>> {
        move |n| {
            log.lock().unwrap().push(n);
            let items = pages.get(n as usize - 1).cloned().unwrap_or_default();
            futures::future::ready(Ok(Page {
                items,
                last_page: last,
            }))
        }
    }

    #[tokio::test]
    async fn stops_at_the_last_page_and_fetches_lazily() {
        let log = Arc::new(Mutex::new(Vec::new()));
        let pages_ = vec![vec![1, 2], vec![3, 4], vec![5]];
        let mut s = pages(1, None, fetcher(pages_, Some(3), log.clone()));
        assert_eq!(s.next().await, Some(Ok(1)));
        assert_eq!(*log.lock().unwrap(), [1], "only the first page so far");
        assert_eq!(s.next().await, Some(Ok(2)));
        assert_eq!(s.next().await, Some(Ok(3)));
        assert_eq!(*log.lock().unwrap(), [1, 2]);
        let rest: Vec<_> = s.collect().await;
        assert_eq!(rest, [Ok(4), Ok(5)]);
        assert_eq!(
            *log.lock().unwrap(),
            [1, 2, 3],
            "no request past the last page"
        );
    }

    #[tokio::test]
    async fn a_short_page_or_an_empty_page_ends_the_stream() {
        let log = Arc::new(Mutex::new(Vec::new()));
        let s = pages(
            1,
            Some(2),
            fetcher(vec![vec![1, 2], vec![3]], None, log.clone()),
        );
        assert_eq!(s.collect::<Vec<_>>().await, [Ok(1), Ok(2), Ok(3)]);
        assert_eq!(*log.lock().unwrap(), [1, 2]);
        let log = Arc::new(Mutex::new(Vec::new()));
        let s = pages(1, None, fetcher(vec![vec![1], vec![2]], None, log.clone()));
        assert_eq!(s.collect::<Vec<_>>().await, [Ok(1), Ok(2)]);
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
                Err("boom")
            })
        });
        assert_eq!(s.collect::<Vec<_>>().await, [Ok(1), Err("boom")]);
    }
}
