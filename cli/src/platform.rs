//! [`Net`]: the core's [`Platform`] over reqwest (rustls) and tokio. It only adapts types: no rule,
//! no retry, no parsing lives here — the core's `Session` does all of that.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use mca_attestation::http::MAX_RESPONSE_BYTES;
use mca_attestation::{
    FlowEvent, Header, HttpRequest, HttpResponse, McaError, Platform, Timestamp,
};

/// Called with each flow event (progress output of `demo` and `attestation ensure`).
pub type EventHook = Arc<dyn Fn(&FlowEvent) + Send + Sync>;

/// Environment variable of the test clock: an RFC 3339 start instant. When set, `now()` is that
/// instant plus every sleep so far and sleeps return at once (for the shared test vectors).
pub const TEST_CLOCK_ENV: &str = "MCA_TEST_CLOCK";

/// A clock that only moves when the flow sleeps.
struct FakeClock {
    start: Timestamp,
    slept_ms: AtomicU64,
}

/// HTTP, sleep and clock for the core, over a shared reqwest client.
#[derive(Clone)]
pub struct Net {
    client: reqwest::Client,
    hook: Option<EventHook>,
    verbose: bool,
    clock: Option<Arc<FakeClock>>,
}

impl Net {
    /// A platform whose requests time out after `timeout`, counted from connecting until the whole
    /// body arrived (no complete answer in time → `transport` error). Redirects are never followed,
    /// bodies are capped at [`MAX_RESPONSE_BYTES`].
    pub fn new(timeout: Duration, verbose: bool) -> Result<Self, McaError> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            // The core sees every status as sent: a redirect is not silently followed.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| McaError::config(format!("cannot build the HTTP client: {e}")))?;
        let clock = match std::env::var(TEST_CLOCK_ENV) {
            Ok(text) if !text.is_empty() => {
                let start = Timestamp::parse_rfc3339(&text)
                    .map_err(|e| McaError::config(format!("{TEST_CLOCK_ENV}: {e}")))?;
                Some(Arc::new(FakeClock {
                    start,
                    slept_ms: AtomicU64::new(0),
                }))
            }
            _ => None,
        };
        Ok(Self {
            client,
            hook: None,
            verbose,
            clock,
        })
    }

    /// The same platform, reporting flow events to `hook`.
    pub fn with_hook(mut self, hook: EventHook) -> Self {
        self.hook = Some(hook);
        self
    }

    /// The underlying HTTP client (the demo's simulated browser uses it too).
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }
}

/// A reqwest error with its causes ("connection refused", "operation timed out", …).
pub fn describe(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

async fn exchange(
    client: reqwest::Client,
    request: HttpRequest,
    verbose: bool,
) -> Result<HttpResponse, McaError> {
    let started = Instant::now();
    let method = reqwest::Method::from_bytes(request.method.as_str().as_bytes())
        .map_err(|e| McaError::config(format!("bad method: {e}")))?;
    if verbose {
        eprintln!("→ {} {}", request.method.as_str(), request.url);
    }
    let mut builder = client.request(method, &request.url);
    for header in &request.headers {
        builder = builder.header(header.name.as_str(), header.value.as_str());
    }
    if let Some(body) = request.body {
        builder = builder.body(body);
    }
    let response = builder.send().await.map_err(|e| {
        let message = describe(&e);
        if verbose {
            eprintln!("← no response: {message}");
        }
        McaError::transport(message)
    })?;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| {
            Header::new(
                name.as_str(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    // A body cut off mid-way is a response that did not fully arrive: `transport`.
    let bytes = read_bounded(response, status).await?;
    if verbose {
        eprintln!(
            "← {status} ({} bytes, {} ms)",
            bytes.len(),
            started.elapsed().as_millis()
        );
    }
    Ok(HttpResponse::new(
        status,
        headers,
        String::from_utf8_lossy(&bytes).into_owned(),
    ))
}

/// The error of a body larger than the core's [`MAX_RESPONSE_BYTES`].
fn too_large(status: u16) -> McaError {
    McaError::transport(format!(
        "status {status}: response body exceeds {MAX_RESPONSE_BYTES} bytes"
    ))
}

/// Reads the body chunk by chunk and stops (dropping the connection) as soon as it passes
/// [`MAX_RESPONSE_BYTES`]: memory stays bounded whatever the server sends.
async fn read_bounded(mut response: reqwest::Response, status: u16) -> Result<Vec<u8>, McaError> {
    let limit = u64::try_from(MAX_RESPONSE_BYTES).unwrap_or(u64::MAX);
    if response.content_length().is_some_and(|n| n > limit) {
        return Err(too_large(status));
    }
    let mut bytes = Vec::new();
    loop {
        let chunk = response.chunk().await.map_err(|e| {
            McaError::transport(format!(
                "status {status}, body interrupted: {}",
                describe(&e)
            ))
        })?;
        let Some(chunk) = chunk else {
            return Ok(bytes);
        };
        if bytes.len().saturating_add(chunk.len()) > MAX_RESPONSE_BYTES {
            return Err(too_large(status));
        }
        bytes.extend_from_slice(&chunk);
    }
}

impl Platform for Net {
    type SendFuture = Pin<Box<dyn Future<Output = Result<HttpResponse, McaError>> + Send>>;
    type SleepFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

    fn send(&self, request: HttpRequest) -> Self::SendFuture {
        Box::pin(exchange(self.client.clone(), request, self.verbose))
    }

    fn sleep(&self, duration: Duration) -> Self::SleepFuture {
        if self.verbose {
            eprintln!("· sleep {} ms", duration.as_millis());
        }
        match &self.clock {
            Some(clock) => {
                let ms = u64::try_from(duration.as_millis()).unwrap_or(u64::MAX);
                clock.slept_ms.fetch_add(ms, Ordering::SeqCst);
                Box::pin(std::future::ready(()))
            }
            None => Box::pin(tokio::time::sleep(duration)),
        }
    }

    fn now(&self) -> Timestamp {
        match &self.clock {
            Some(clock) => clock
                .start
                .add(Duration::from_millis(clock.slept_ms.load(Ordering::SeqCst))),
            None => Timestamp::from_system_time(SystemTime::now()),
        }
    }

    fn event(&self, event: &FlowEvent) {
        if self.verbose {
            let kind = serde_json::to_value(event)
                .ok()
                .and_then(|v| v.get("type").and_then(|t| t.as_str().map(str::to_string)))
                .unwrap_or_default();
            eprintln!("• event {kind}");
        }
        if let Some(hook) = &self.hook {
            hook(event);
        }
    }
}
