//! Moving file bytes to and from the temporary URLs some APIs hand out instead of the bytes.
//!
//! Teamleader's `files.download`, `invoices.download`, `creditNotes.download` and
//! `quotations.download` answer with a `location` on another host (`cdn.teamleader.eu`) where
//! the file can be fetched, and `files.upload` with one (`files.teamleader.eu/upload/…`) where
//! its contents are to be POSTed. Such a URL is itself the credential: it carries a signature
//! or a token (in the query, or in the path as in the documented upload example), and whoever
//! holds it can use it until it expires. The API's own token must never go there.
//!
//! So this module keeps the two apart by construction:
//! - [`TemporaryUrl`], the type the generated code uses for such fields, decodes from and
//!   encodes to the URL string unchanged, but its `Debug` and `Display` show only the origin
//!   (`https://cdn.teamleader.eu/…`), and so do the errors below; logging a decoded answer or
//!   an error never leaks the link.
//! - [`TransferClient`] is a separate HTTP client that has no credential to add: no default
//!   headers, no cookie store (reqwest is built without one), no `Referer` on redirects (it
//!   would carry the signed URL to the next host), no credentials taken from the URL (one with
//!   a user name or password is refused when decoded). It refuses plain `http` unless told
//!   otherwise, bounds every transfer in time and every answer in size, and returns a typed
//!   [`TransferError`] rather than panicking.
//!
//! The API clients' `Transport` is deliberately not reused: it adds the API credential to
//! every request it sends, which is exactly what must not happen here.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http::header::{CONTENT_TYPE, LOCATION};
use http::{HeaderMap, HeaderValue, StatusCode};
use reqwest::redirect;
use tokio::io::{AsyncWrite, AsyncWriteExt};
use url::Url;

use crate::error::TransportError;

/// A temporary URL where a file can be downloaded or uploaded, as an API answers it.
///
/// It (de)serializes as the URL string, exactly as received, so a decoded answer can be stored
/// and sent back losslessly. Everything after the origin is treated as secret: `Debug` and
/// `Display` print `https://cdn.teamleader.eu/…`, never the path or the query, because signed
/// links carry their signature in the query and Teamleader's upload links carry their token in
/// the path. Use [`expose`](Self::expose) when the full URL is really needed.
///
/// Only `http` and `https` URLs with a host and without a user name or password decode; plain
/// `http` is refused again when the URL is used, unless the [`TransferClient`] allows it.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct TemporaryUrl {
    url: Url,
}

/// Why a text is not a [`TemporaryUrl`]. The message never repeats the text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a temporary URL: {0}")]
pub struct InvalidTemporaryUrl(String);

impl TemporaryUrl {
    /// Parses a temporary URL.
    pub fn parse(text: &str) -> Result<TemporaryUrl, InvalidTemporaryUrl> {
        // `url::ParseError` describes the problem without quoting the input.
        let url = Url::parse(text).map_err(|e| InvalidTemporaryUrl(e.to_string()))?;
        match url.scheme() {
            "https" | "http" => {}
            other => {
                return Err(InvalidTemporaryUrl(format!(
                    "scheme `{other}` is not `https` or `http`"
                )));
            }
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(InvalidTemporaryUrl("it has no host".into()));
        }
        // reqwest would turn these into an `Authorization: Basic` header.
        if !url.username().is_empty() || url.password().is_some() {
            return Err(InvalidTemporaryUrl(
                "it carries a user name or password".into(),
            ));
        }
        Ok(TemporaryUrl { url })
    }

    /// The full URL, signature and all. Treat it as a secret: do not log it.
    pub fn expose(&self) -> &Url {
        &self.url
    }

    /// The host the URL points at, such as `cdn.teamleader.eu`.
    pub fn host(&self) -> &str {
        self.url.host_str().unwrap_or_default()
    }

    /// The URL with everything after the origin hidden: `https://cdn.teamleader.eu/…`. This
    /// is what `Debug`, `Display` and the errors of this module print.
    pub fn redacted(&self) -> String {
        redact(&self.url)
    }

    /// Fetches the file into memory, at most [`TransferBuilder::max_download_bytes`] bytes.
    ///
    /// Fine for invoices and documents; for files that may be large, prefer
    /// [`download_to`](Self::download_to), which holds only one chunk in memory at a time.
    pub async fn download(&self, client: &TransferClient) -> Result<Bytes, TransferError> {
        let mut response = client.get(self).await?;
        let limit = client.inner.max_download_bytes;
        let expected = response.content_length().unwrap_or(0).min(limit);
        // The announced length is only a hint for the first allocation, never trusted beyond
        // the cap.
        let mut out = BytesMut::with_capacity(usize::try_from(expected).unwrap_or(0));
        while let Some(chunk) = next_chunk(&mut response, "download").await? {
            check_size(out.len() as u64 + chunk.len() as u64, limit, self)?;
            out.extend_from_slice(&chunk);
        }
        Ok(out.freeze())
    }

    /// Streams the file into `writer` chunk by chunk and returns how many bytes were written;
    /// memory use does not grow with the file. The writer is flushed at the end.
    ///
    /// Stops with [`TransferError::TooLarge`] once more than
    /// [`TransferBuilder::max_download_bytes`] would be written (what was written before stays
    /// written: write to a temporary file and rename it when this returns `Ok`).
    pub async fn download_to<W>(
        &self,
        client: &TransferClient,
        writer: &mut W,
    ) -> Result<u64, TransferError>
    where
        W: AsyncWrite + Unpin + ?Sized,
    {
        let mut response = client.get(self).await?;
        let limit = client.inner.max_download_bytes;
        let mut written = 0u64;
        while let Some(chunk) = next_chunk(&mut response, "download").await? {
            check_size(written + chunk.len() as u64, limit, self)?;
            writer
                .write_all(&chunk)
                .await
                .map_err(TransferError::Write)?;
            written += chunk.len() as u64;
        }
        writer.flush().await.map_err(TransferError::Write)?;
        Ok(written)
    }

    /// Sends a file's contents with a `POST` to this URL, as Teamleader's `files.upload`
    /// describes ("the temporary API endpoint (URL) where user should send a POST request with
    /// file contents").
    ///
    /// The body is `contents` as is, the raw bytes, with `Content-Type: content_type` and a
    /// `Content-Length`: not multipart form data, not base64, not JSON. The apiary document
    /// says only "file contents"; the vendor's newer reference page for `files.upload`
    /// (developer.focus.teamleader.eu/docs/api/files-upload) says "the binary file contents
    /// (not form-data)". Nothing else is sent: no credential, no cookie, no file name (that
    /// was given to `files.upload` itself).
    ///
    /// Any 2xx is success; the answer (undocumented) is returned as it came. Only a 307 or 308
    /// within the URL's own origin is followed (the POST is repeated with the same body):
    /// following one elsewhere would hand the file to a host the API did not name, and a 301,
    /// 302 or 303 would drop the file. Any other redirect is [`TransferError::Redirected`].
    pub async fn upload(
        &self,
        client: &TransferClient,
        contents: impl Into<Bytes>,
        content_type: &str,
    ) -> Result<Uploaded, TransferError> {
        let content_type = HeaderValue::from_str(content_type)
            .map_err(|_| TransferError::InvalidContentType(content_type.to_owned()))?;
        client.check_scheme(self)?;
        let response = client
            .inner
            .upload
            .post(self.url.clone())
            .timeout(client.inner.timeout)
            .header(CONTENT_TYPE, content_type)
            .body(contents.into())
            .send()
            .await
            .map_err(|e| TransferError::Transport(TransportError::new("upload", e)))?;
        let mut response = check_status(response, "upload", self).await?;
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let mut body = BytesMut::new();
        while let Some(chunk) = next_chunk(&mut response, "upload").await? {
            check_size(
                body.len() as u64 + chunk.len() as u64,
                MAX_ANSWER_BYTES,
                self,
            )?;
            body.extend_from_slice(&chunk);
        }
        Ok(Uploaded {
            status,
            headers,
            body: body.freeze(),
        })
    }
}

/// The answer to an [`upload`](TemporaryUrl::upload), which no document describes.
#[derive(Debug, Clone)]
pub struct Uploaded {
    /// The success status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body as received (at most 1 MiB).
    pub body: Bytes,
}

/// The most an upload's answer may hold: it is a receipt, not a file.
const MAX_ANSWER_BYTES: u64 = 1024 * 1024;
/// How much of a failure's body is kept.
const ERROR_BODY_BYTES: usize = 4096;

fn redact(url: &Url) -> String {
    let origin = url.origin().ascii_serialization();
    let has_more = url.path() != "/" || url.query().is_some() || url.fragment().is_some();
    if has_more {
        format!("{origin}/…")
    } else {
        format!("{origin}/")
    }
}

fn check_size(total: u64, limit: u64, url: &TemporaryUrl) -> Result<(), TransferError> {
    if total > limit {
        Err(TransferError::TooLarge {
            url: url.redacted(),
            limit,
        })
    } else {
        Ok(())
    }
}

async fn next_chunk(
    response: &mut reqwest::Response,
    operation: &'static str,
) -> Result<Option<Bytes>, TransferError> {
    response
        .chunk()
        .await
        .map_err(|e| TransferError::Transport(TransportError::new(operation, e)))
}

/// Turns a redirect that was not followed and every other non-2xx into an error.
async fn check_status(
    mut response: reqwest::Response,
    operation: &'static str,
    url: &TemporaryUrl,
) -> Result<reqwest::Response, TransferError> {
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    if status.is_redirection() {
        let to = response
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| response.url().join(v).ok())
            .map(|u| redact(&u));
        return Err(TransferError::Redirected {
            operation,
            url: url.redacted(),
            status,
            to,
        });
    }
    let headers = std::mem::take(response.headers_mut());
    let mut body = BytesMut::new();
    // Only the start of the body is kept; a failure page may be arbitrarily long, and a
    // connection that breaks while it is read still leaves the status to report.
    while body.len() < ERROR_BODY_BYTES {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let room = ERROR_BODY_BYTES - body.len();
                body.extend_from_slice(&chunk[..chunk.len().min(room)]);
            }
            Ok(None) | Err(_) => break,
        }
    }
    Err(TransferError::Status(Box::new(TransferStatus {
        operation,
        url: url.redacted(),
        status,
        headers,
        body: body.freeze(),
    })))
}

impl fmt::Debug for TemporaryUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("TemporaryUrl")
            .field(&self.redacted())
            .finish()
    }
}

impl fmt::Display for TemporaryUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl FromStr for TemporaryUrl {
    type Err = InvalidTemporaryUrl;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TemporaryUrl::parse(s)
    }
}

impl serde::Serialize for TemporaryUrl {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.url.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for TemporaryUrl {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Parsed inside the visitor, so that serde_json places an error at the string itself.
        struct Text;
        impl serde::de::Visitor<'_> for Text {
            type Value = TemporaryUrl;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a URL string")
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<TemporaryUrl, E> {
                TemporaryUrl::parse(text).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Text)
    }
}

impl crate::unknown::UnknownFields for TemporaryUrl {
    fn collect_unknown(&self, _: &str, _: &mut Vec<String>) {}
}

/// As a parameter the URL is sent whole: the API it goes to is the one that issued it.
impl crate::encode::ToParam for TemporaryUrl {
    fn to_param(&self) -> String {
        self.url.as_str().to_owned()
    }
}

/// Why a transfer failed. Messages name the URL only by its origin. New kinds may be added, so
/// a `match` on it needs a wildcard arm.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TransferError {
    /// The URL is plain `http` and the client does not allow it.
    #[error("{url}: plain http refused; the link would travel unencrypted")]
    InsecureScheme {
        /// The URL, redacted.
        url: String,
    },
    /// The content type cannot be sent in a header.
    #[error("content type `{0}` cannot be sent in a header")]
    InvalidContentType(String),
    /// No complete response arrived (connect failure, timeout, broken connection).
    #[error(transparent)]
    Transport(TransportError),
    /// The host answered with a failure status (a 403 is what an expired or tampered link
    /// usually gets).
    #[error("{0}")]
    Status(Box<TransferStatus>),
    /// The host answered with a redirect this client does not follow.
    #[error(
        "{operation} at {url}: HTTP {status} redirect to {} not followed",
        to.as_deref().unwrap_or("an unreadable location")
    )]
    Redirected {
        /// `download` or `upload`.
        operation: &'static str,
        /// The URL, redacted.
        url: String,
        /// The redirect's status.
        status: StatusCode,
        /// Where it pointed, redacted.
        to: Option<String>,
    },
    /// The body is larger than the client accepts.
    #[error("{url}: the answer is larger than the limit of {limit} bytes")]
    TooLarge {
        /// The URL, redacted.
        url: String,
        /// The limit.
        limit: u64,
    },
    /// Writing the downloaded bytes failed.
    #[error("writing the download failed: {0}")]
    Write(#[source] std::io::Error),
}

impl TransferError {
    /// The HTTP status, if a failure or redirect status arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            TransferError::Status(s) => Some(s.status),
            TransferError::Redirected { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// A failure status from the host of a temporary URL.
#[derive(Debug)]
pub struct TransferStatus {
    /// `download` or `upload`.
    pub operation: &'static str,
    /// The URL, redacted.
    pub url: String,
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The start of the body (at most 4 KiB).
    pub body: Bytes,
}

impl TransferStatus {
    /// The start of the body as text.
    pub fn excerpt(&self) -> String {
        const LIMIT: usize = 200;
        let text = String::from_utf8_lossy(&self.body);
        let mut cut: String = text.chars().take(LIMIT).collect();
        if text.chars().count() > LIMIT {
            cut.push('…');
        }
        cut
    }
}

impl fmt::Display for TransferStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at {} failed with HTTP {}",
            self.operation, self.url, self.status
        )?;
        let excerpt = self.excerpt();
        if excerpt.trim().is_empty() {
            f.write_str("; empty body")
        } else {
            write!(f, "; body: {excerpt}")
        }
    }
}

/// The HTTP client for temporary URLs. Cheap to clone (clones share connections); build one
/// and keep it.
///
/// ```no_run
/// # mod saas_clients { pub use clientgen_runtime as runtime; }
/// use saas_clients::runtime::transfer::{TemporaryUrl, TransferClient, TransferError};
///
/// // `file` is, for example, a `tokio::fs::File` opened for writing.
/// async fn save(
///     location: &TemporaryUrl,
///     file: &mut (impl tokio::io::AsyncWrite + Unpin),
/// ) -> Result<u64, Box<dyn std::error::Error>> {
///     let transfer = TransferClient::new()?; // build once and keep it
///     Ok(location.download_to(&transfer, file).await?)
/// }
/// ```
#[derive(Clone)]
pub struct TransferClient {
    inner: Arc<TransferInner>,
}

struct TransferInner {
    download: reqwest::Client,
    upload: reqwest::Client,
    allow_http: bool,
    timeout: Duration,
    max_download_bytes: u64,
}

impl fmt::Debug for TransferClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransferClient")
            .field("allow_http", &self.inner.allow_http)
            .field("timeout", &self.inner.timeout)
            .field("max_download_bytes", &self.inner.max_download_bytes)
            .finish_non_exhaustive()
    }
}

impl TransferClient {
    /// A client with the defaults of [`TransferBuilder`].
    pub fn new() -> Result<TransferClient, crate::BuildError> {
        TransferClient::builder().build()
    }

    /// Starts configuring a client.
    pub fn builder() -> TransferBuilder {
        TransferBuilder {
            allow_http: false,
            timeout: TransferBuilder::DEFAULT_TIMEOUT,
            connect_timeout: crate::transport::DEFAULT_CONNECT_TIMEOUT,
            read_timeout: TransferBuilder::DEFAULT_READ_TIMEOUT,
            max_download_bytes: TransferBuilder::DEFAULT_MAX_DOWNLOAD_BYTES,
        }
    }

    fn check_scheme(&self, url: &TemporaryUrl) -> Result<(), TransferError> {
        if url.url.scheme() == "https" || self.inner.allow_http {
            Ok(())
        } else {
            Err(TransferError::InsecureScheme {
                url: url.redacted(),
            })
        }
    }

    async fn get(&self, url: &TemporaryUrl) -> Result<reqwest::Response, TransferError> {
        self.check_scheme(url)?;
        let response = self
            .inner
            .download
            .get(url.url.clone())
            .timeout(self.inner.timeout)
            .send()
            .await
            .map_err(|e| TransferError::Transport(TransportError::new("download", e)))?;
        let response = check_status(response, "download", url).await?;
        if let Some(len) = response.content_length() {
            check_size(len, self.inner.max_download_bytes, url)?;
        }
        Ok(response)
    }
}

/// Configures a [`TransferClient`].
#[derive(Debug, Clone)]
pub struct TransferBuilder {
    allow_http: bool,
    timeout: Duration,
    connect_timeout: Duration,
    read_timeout: Duration,
    max_download_bytes: u64,
}

impl TransferBuilder {
    /// Total time one transfer may take, body included, unless set: 10 minutes.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);
    /// Longest wait for the next bytes of a body unless set: 30 seconds.
    pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(30);
    /// Largest download accepted unless set: 256 MiB.
    pub const DEFAULT_MAX_DOWNLOAD_BYTES: u64 = 256 * 1024 * 1024;

    /// Allows plain `http` URLs (and redirects to them). Off by default: a temporary URL is a
    /// credential. Meant for tests against a local server.
    pub fn allow_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// Total time one transfer may take, from connecting to the last byte of the body.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Time to establish a connection.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Longest wait for the next bytes while a response is read: a stalled host fails fast
    /// even when the total timeout is long enough for a large file.
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = timeout;
        self
    }

    /// Largest body a download may have; more is [`TransferError::TooLarge`], detected from
    /// `Content-Length` before reading or while streaming when there is none.
    pub fn max_download_bytes(mut self, limit: u64) -> Self {
        self.max_download_bytes = limit;
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<TransferClient, crate::BuildError> {
        // Downloads carry nothing secret but the URL itself, so they may follow redirects to
        // other hosts (a CDN handing over to storage is common): with `Referer` off the signed
        // URL does not travel along, and `https_only` forbids a downgrade. Uploads carry the
        // file, so they stay within the origin the API named.
        let base = || {
            reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .read_timeout(self.read_timeout)
                .referer(false)
                .https_only(!self.allow_http)
                .user_agent(concat!("clientgen-runtime/", env!("CARGO_PKG_VERSION")))
        };
        let download = base().redirect(redirect::Policy::limited(5)).build()?;
        let upload = base().redirect(same_origin_only()).build()?;
        Ok(TransferClient {
            inner: Arc::new(TransferInner {
                download,
                upload,
                allow_http: self.allow_http,
                timeout: self.timeout,
                max_download_bytes: self.max_download_bytes,
            }),
        })
    }
}

/// Uploads follow only 307 and 308, which repeat the POST with its body, and only within the
/// origin: a 301, 302 or 303 would turn the upload into a GET without the file, and its 200
/// would look like a successful upload.
fn same_origin_only() -> redirect::Policy {
    redirect::Policy::custom(|attempt| {
        let same = attempt
            .previous()
            .first()
            .is_some_and(|first| first.origin() == attempt.url().origin());
        let keeps_body = matches!(
            attempt.status(),
            StatusCode::TEMPORARY_REDIRECT | StatusCode::PERMANENT_REDIRECT
        );
        if same && keeps_body && attempt.previous().len() <= 5 {
            attempt.follow()
        } else {
            attempt.stop()
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIGNED: &str =
        "https://cdn.teamleader.eu/file/abc?X-Amz-Signature=deadbeef&X-Amz-Expires=60";

    #[test]
    fn round_trips_the_exact_string() {
        let url: TemporaryUrl = serde_json::from_str(&format!("\"{SIGNED}\"")).unwrap();
        assert_eq!(url.expose().as_str(), SIGNED);
        assert_eq!(
            serde_json::to_string(&url).unwrap(),
            format!("\"{SIGNED}\"")
        );
        assert_eq!(url.host(), "cdn.teamleader.eu");
    }

    #[test]
    fn debug_and_display_hide_path_and_query() {
        let url = TemporaryUrl::parse(SIGNED).unwrap();
        for text in [format!("{url:?}"), url.to_string(), url.redacted()] {
            assert!(!text.contains("deadbeef"), "{text}");
            assert!(!text.contains("abc"), "{text}");
            assert!(text.contains("https://cdn.teamleader.eu/…"), "{text}");
        }
        let bare = TemporaryUrl::parse("https://cdn.teamleader.eu").unwrap();
        assert_eq!(bare.to_string(), "https://cdn.teamleader.eu/");
        let port = TemporaryUrl::parse("http://127.0.0.1:8080/x?sig=1").unwrap();
        assert_eq!(port.to_string(), "http://127.0.0.1:8080/…");
    }

    #[test]
    fn rejects_what_is_not_a_usable_link_without_quoting_it() {
        for (text, why) in [
            ("ftp://cdn.teamleader.eu/file?sig=secret", "scheme `ftp`"),
            (
                "https://user:secret@cdn.teamleader.eu/f",
                "user name or password",
            ),
            ("not a url secret", "relative URL"),
            ("file:///etc/passwd", "scheme `file`"),
        ] {
            let err = TemporaryUrl::parse(text).unwrap_err().to_string();
            assert!(err.contains(why), "{text}: {err}");
            assert!(!err.contains("secret"), "{err}");
            let json = serde_json::to_string(text).unwrap();
            let err = serde_json::from_str::<TemporaryUrl>(&json).unwrap_err();
            assert!(!err.to_string().contains("secret"), "{err}");
        }
        assert!(serde_json::from_str::<TemporaryUrl>("42").is_err());
    }

    #[test]
    fn status_error_shows_origin_status_and_excerpt() {
        let err = TransferError::Status(Box::new(TransferStatus {
            operation: "download",
            url: TemporaryUrl::parse(SIGNED).unwrap().redacted(),
            status: StatusCode::FORBIDDEN,
            headers: HeaderMap::new(),
            body: Bytes::from_static(b"<Error><Code>AccessDenied</Code></Error>"),
        }));
        let text = err.to_string();
        assert_eq!(
            text,
            "download at https://cdn.teamleader.eu/… failed with HTTP 403 Forbidden; body: \
             <Error><Code>AccessDenied</Code></Error>"
        );
        assert_eq!(err.status(), Some(StatusCode::FORBIDDEN));
    }

    #[tokio::test]
    async fn plain_http_is_refused_before_connecting() {
        let client = TransferClient::new().unwrap();
        // Nothing listens on port 9 of the discard address; the refusal must come first.
        let url = TemporaryUrl::parse("http://127.0.0.1:9/file?sig=secret").unwrap();
        let err = url.download(&client).await.unwrap_err();
        assert!(matches!(err, TransferError::InsecureScheme { .. }), "{err}");
        assert!(!err.to_string().contains("secret"));
        let err = url.upload(&client, "x", "text/plain").await.unwrap_err();
        assert!(matches!(err, TransferError::InsecureScheme { .. }), "{err}");
    }

    #[tokio::test]
    async fn bad_content_type_is_refused() {
        let client = TransferClient::new().unwrap();
        let url = TemporaryUrl::parse(SIGNED).unwrap();
        let err = url.upload(&client, "x", "text/plain\n").await.unwrap_err();
        assert!(matches!(err, TransferError::InvalidContentType(_)), "{err}");
    }
}
