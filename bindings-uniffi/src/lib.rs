//! uniffi bindings of the `mca-attestation` core, shared by Python and Kotlin.
//!
//! The native library opens no socket and owns no timer: the host language provides HTTP, sleep
//! and the clock through foreign traits, and this crate adapts them to the core's
//! [`mca_attestation::Platform`]. The core's [`Session`] owns every loop, retry and parse.
//!
//! Two clients over the same core:
//!
//! - [`McaClient`]: `async` methods over the async foreign traits [`HttpTransport`] and [`Runtime`]
//!   (Python `asyncio`, Kotlin coroutines; no tokio involved).
//! - [`McaBlockingClient`]: blocking methods over [`BlockingHttpTransport`] and [`BlockingRuntime`]
//!   (plain threads). Its platform futures are ready when created, so the core's driver runs to
//!   completion on the calling thread.
//!
//! Model types and the error ([`mca_attestation::McaError`]) come from the core's uniffi namespace
//! `mca_attestation`; this crate's own items live in namespace `mca_uniffi`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![allow(clippy::result_large_err)]

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, SystemTime};

use mca_attestation::http::{DEFAULT_REQUEST_TIMEOUT, MAX_RESPONSE_BYTES};

use mca_attestation::{
    validate, Acceptance, AddCspService, Attestation, AttestationStarted, ClientOptions,
    CspServiceAdded, EnsureAcceptedOptions, EnsureOutcome, ErrorView, FlowEvent, HttpRequest,
    HttpResponse, McaError, OrganizationId, Platform, RefreshOutcome, Session, StartAttestation,
    Timestamp, Token, WaitOptions,
};

uniffi::setup_scaffolding!("mca_uniffi");

/// Why a host transport produced no response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum TransportError {
    /// No response arrived (connection refused or reset, DNS, TLS, timeout). The core may retry
    /// the request where that is safe; otherwise the caller gets a `transport` error.
    #[error("{message}")]
    Failed {
        /// What the host reported.
        message: String,
    },
    /// The host gave up on purpose (a bug in user code): the flow stops at once without
    /// retrying, as a `config` error. The host usually re-raises its own exception afterwards.
    #[error("{message}")]
    Aborted {
        /// What the host reported.
        message: String,
    },
    /// The host's native cancellation (asyncio cancel, coroutine cancel, thread interrupt): the
    /// flow stops at once, as the core's `cancelled` kind (with the core's message).
    #[error("cancelled")]
    Cancelled,
    /// No complete response within the request's `timeout_ms`: the core's `transport` error
    /// "request timed out after N ms" (retried where that is safe).
    #[error("timed out")]
    TimedOut,
}

impl From<uniffi::UnexpectedUniFFICallbackError> for TransportError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        TransportError::Aborted {
            message: format!("unexpected error in the host transport: {}", e.reason),
        }
    }
}

impl TransportError {
    /// The core error for this failure of a request whose timeout was `timeout_ms`.
    fn into_core(self, timeout_ms: i64) -> McaError {
        match self {
            TransportError::Failed { message } => McaError::Transport { message },
            TransportError::Aborted { message } => McaError::Config {
                message: format!("transport aborted: {message}"),
            },
            TransportError::Cancelled => McaError::cancelled(),
            TransportError::TimedOut => McaError::timed_out(timeout_ms),
        }
    }
}

/// What an asynchronous host transport returns: the response that arrived.
///
/// A record of this crate wrapping the core's [`HttpResponse`]: uniffi 0.32's Kotlin bindings
/// cannot return a record of another crate from an async foreign method (they pass that crate's
/// `RustBuffer` class where this one's is expected), so the async trait returns this instead.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Received {
    /// The response, whatever its status.
    pub response: HttpResponse,
}

/// The host's asynchronous HTTP client (Python `asyncio`, Kotlin coroutines).
#[uniffi::export(with_foreign)]
#[async_trait::async_trait]
pub trait HttpTransport: Send + Sync {
    /// Sends `request` and returns whatever response arrived, whatever its status; fails with
    /// [`TransportError::Failed`] only when no response arrived.
    async fn send(&self, request: HttpRequest) -> Result<Received, TransportError>;
}

/// The host's blocking HTTP client.
#[uniffi::export(with_foreign)]
pub trait BlockingHttpTransport: Send + Sync {
    /// Sends `request` and returns whatever response arrived, whatever its status; fails with
    /// [`TransportError::Failed`] only when no response arrived.
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError>;
}

/// The host's clock and asynchronous sleep.
#[uniffi::export(with_foreign)]
#[async_trait::async_trait]
pub trait Runtime: Send + Sync {
    /// The current time.
    fn now(&self) -> SystemTime;
    /// Waits `duration` without blocking the host's event loop.
    async fn sleep(&self, duration: Duration);
}

/// The host's clock and blocking sleep.
#[uniffi::export(with_foreign)]
pub trait BlockingRuntime: Send + Sync {
    /// The current time.
    fn now(&self) -> SystemTime;
    /// Blocks the calling thread for `duration`.
    fn sleep(&self, duration: Duration);
}

/// Receives flow progress ([`FlowEvent`]s carry no signer details).
#[uniffi::export(with_foreign)]
pub trait EventListener: Send + Sync {
    /// Called for each event, in order, on the thread driving the flow.
    fn on_event(&self, event: FlowEvent);
}

fn session(options: &ClientOptions, binding: &str) -> Result<Session, McaError> {
    Session::from_options(options, binding)
}

fn org(id: &str) -> Result<OrganizationId, McaError> {
    OrganizationId::parse(id)
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// A host transport's response, refused as a `transport` error when its body is larger than the
/// core's [`MAX_RESPONSE_BYTES`] (the default transports stop reading there; this also covers a
/// caller's own transport, so the core never parses an unbounded body).
fn within_cap(response: HttpResponse) -> Result<HttpResponse, McaError> {
    if response.body.len() > MAX_RESPONSE_BYTES {
        return Err(McaError::transport(format!(
            "response body exceeds {MAX_RESPONSE_BYTES} bytes"
        )));
    }
    Ok(response)
}

/// Where a host's `now()` comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Clock {
    /// The host runtime's `now()` (a caller's own clock, e.g. a test's fake clock): one call into
    /// the host language per step of a flow.
    Host,
    /// The system clock, read in Rust: no call into the host language. Used when the caller gave
    /// no clock of its own (the host's clock would be the same wall clock).
    System,
}

/// [`Platform`] over the async foreign traits.
struct AsyncHost {
    transport: Arc<dyn HttpTransport>,
    runtime: Arc<dyn Runtime>,
    listener: Option<Arc<dyn EventListener>>,
    clock: Clock,
}

impl Platform for AsyncHost {
    type SendFuture = BoxFuture<Result<HttpResponse, McaError>>;
    type SleepFuture = BoxFuture<()>;

    fn send(&self, request: HttpRequest) -> Self::SendFuture {
        let transport = Arc::clone(&self.transport);
        let timeout_ms = request.timeout_ms;
        Box::pin(async move {
            transport
                .send(request)
                .await
                .map(|received| received.response)
                .map_err(|e| e.into_core(timeout_ms))
                .and_then(within_cap)
        })
    }

    fn sleep(&self, duration: Duration) -> Self::SleepFuture {
        let runtime = Arc::clone(&self.runtime);
        Box::pin(async move { runtime.sleep(duration).await })
    }

    fn now(&self) -> Timestamp {
        Timestamp::from_system_time(match self.clock {
            Clock::Host => self.runtime.now(),
            Clock::System => SystemTime::now(),
        })
    }

    fn event(&self, event: &FlowEvent) {
        if let Some(listener) = &self.listener {
            listener.on_event(event.clone());
        }
    }
}

/// [`Platform`] over the blocking foreign traits: every future is ready when created.
struct BlockingHost {
    transport: Arc<dyn BlockingHttpTransport>,
    runtime: Arc<dyn BlockingRuntime>,
    listener: Option<Arc<dyn EventListener>>,
    clock: Clock,
}

impl Platform for BlockingHost {
    type SendFuture = std::future::Ready<Result<HttpResponse, McaError>>;
    type SleepFuture = std::future::Ready<()>;

    fn send(&self, request: HttpRequest) -> Self::SendFuture {
        let timeout_ms = request.timeout_ms;
        std::future::ready(
            self.transport
                .send(request)
                .map_err(|e| e.into_core(timeout_ms))
                .and_then(within_cap),
        )
    }

    fn sleep(&self, duration: Duration) -> Self::SleepFuture {
        self.runtime.sleep(duration);
        std::future::ready(())
    }

    fn now(&self) -> Timestamp {
        Timestamp::from_system_time(match self.clock {
            Clock::Host => self.runtime.now(),
            Clock::System => SystemTime::now(),
        })
    }

    fn event(&self, event: &FlowEvent) {
        if let Some(listener) = &self.listener {
            listener.on_event(event.clone());
        }
    }
}

/// Wakes a parked thread.
struct ThreadWaker(std::thread::Thread);

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

/// Runs a future on the calling thread. With [`BlockingHost`] every inner future is ready at
/// once, so this finishes on the first poll; parking covers any future that is not.
fn block_on<F: Future>(future: F) -> F::Output {
    let waker = Waker::from(Arc::new(ThreadWaker(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    loop {
        match future.as_mut().poll(&mut cx) {
            Poll::Ready(output) => return output,
            Poll::Pending => std::thread::park(),
        }
    }
}

/// Asynchronous client: each method is a uniffi `async` function driven by the host's executor.
#[derive(uniffi::Object)]
pub struct McaClient {
    session: Session,
    host: AsyncHost,
}

impl McaClient {
    fn build(
        options: ClientOptions,
        binding: &str,
        transport: Arc<dyn HttpTransport>,
        runtime: Arc<dyn Runtime>,
        listener: Option<Arc<dyn EventListener>>,
        clock: Clock,
    ) -> Result<Arc<Self>, McaError> {
        Ok(Arc::new(Self {
            session: session(&options, binding)?,
            host: AsyncHost {
                transport,
                runtime,
                listener,
                clock,
            },
        }))
    }
}

impl fmt::Debug for McaClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("McaClient")
            .field("session", &self.session)
            .finish_non_exhaustive()
    }
}

#[uniffi::export]
impl McaClient {
    /// A client over the core's options; `binding` (`python`, `kotlin`) labels the `User-Agent`.
    /// Every option is checked by the core (`config` errors).
    #[uniffi::constructor]
    pub fn new(
        options: ClientOptions,
        binding: String,
        transport: Arc<dyn HttpTransport>,
        runtime: Arc<dyn Runtime>,
        listener: Option<Arc<dyn EventListener>>,
    ) -> Result<Arc<Self>, McaError> {
        Self::build(options, &binding, transport, runtime, listener, Clock::Host)
    }

    /// Like [`McaClient::new`], but the clock is the system clock read in Rust: `runtime.now()` is
    /// never called (no call into the host language per step), `runtime.sleep` still is. For hosts
    /// whose clock would be the wall clock anyway (no caller-supplied clock).
    #[uniffi::constructor]
    pub fn with_system_clock(
        options: ClientOptions,
        binding: String,
        transport: Arc<dyn HttpTransport>,
        runtime: Arc<dyn Runtime>,
        listener: Option<Arc<dyn EventListener>>,
    ) -> Result<Arc<Self>, McaError> {
        Self::build(
            options,
            &binding,
            transport,
            runtime,
            listener,
            Clock::System,
        )
    }

    /// The normalised base URL (ends in `/`).
    pub fn base_url(&self) -> String {
        self.session.config().base_url.as_str().to_string()
    }

    /// The `User-Agent` sent with every request.
    pub fn user_agent(&self) -> String {
        self.session.config().user_agent()
    }

    /// Validates and normalises a start body against the host clock; sends nothing.
    pub fn validate_start_attestation(
        &self,
        input: StartAttestation,
    ) -> Result<StartAttestation, McaError> {
        validate::start_attestation(&input, self.host.now())
    }

    /// Validates and normalises an add-CSP-service body against the host clock; sends nothing.
    pub fn validate_add_csp_service(
        &self,
        input: AddCspService,
    ) -> Result<AddCspService, McaError> {
        validate::add_csp_service(&input, self.host.now())
    }

    /// Normalises an organisation GUID (`invalid` at `/organizationId` otherwise).
    pub fn normalize_organization_id(&self, organization_id: String) -> Result<String, McaError> {
        org(&organization_id).map(|o| o.to_string())
    }

    /// A valid access token (cached or fetched; password auth only).
    pub async fn token(&self) -> Result<Token, McaError> {
        self.session.token(&self.host).await
    }

    /// Starts a partner attestation (validated first; never retried blindly).
    pub async fn start_attestation(
        &self,
        organization_id: String,
        input: StartAttestation,
    ) -> Result<AttestationStarted, McaError> {
        let org = org(&organization_id)?;
        self.session
            .start_attestation(&self.host, &org, input)
            .await
    }

    /// The ongoing attestation, or none (404).
    pub async fn get_attestation(
        &self,
        organization_id: String,
    ) -> Result<Option<Attestation>, McaError> {
        let org = org(&organization_id)?;
        self.session.get_attestation(&self.host, &org).await
    }

    /// Finalizes an accepted attestation.
    pub async fn finalize_attestation(&self, organization_id: String) -> Result<(), McaError> {
        let org = org(&organization_id)?;
        self.session.finalize_attestation(&self.host, &org).await
    }

    /// The acceptance state.
    pub async fn get_acceptance(&self, organization_id: String) -> Result<Acceptance, McaError> {
        let org = org(&organization_id)?;
        self.session.get_acceptance(&self.host, &org).await
    }

    /// Asks for a re-sync of the acceptance state (429 is the value `AlreadyRunning`).
    pub async fn refresh_acceptance(
        &self,
        organization_id: String,
    ) -> Result<RefreshOutcome, McaError> {
        let org = org(&organization_id)?;
        self.session.refresh_acceptance(&self.host, &org).await
    }

    /// Adds the CSP service (automatic attestation when `partner_attestation` is set).
    pub async fn add_csp_service(
        &self,
        organization_id: String,
        input: AddCspService,
    ) -> Result<CspServiceAdded, McaError> {
        let org = org(&organization_id)?;
        self.session.add_csp_service(&self.host, &org, input).await
    }

    /// Polls until the signer accepted or the link expired.
    pub async fn wait_for_signature(
        &self,
        organization_id: String,
        options: WaitOptions,
    ) -> Result<mca_attestation::WaitOutcome, McaError> {
        let org = org(&organization_id)?;
        self.session
            .wait_for_signature_with(&self.host, &org, &options)
            .await
    }

    /// Makes sure the customer has accepted, doing only what is missing.
    pub async fn ensure_accepted(
        &self,
        organization_id: String,
        input: StartAttestation,
        options: EnsureAcceptedOptions,
    ) -> Result<EnsureOutcome, McaError> {
        let org = org(&organization_id)?;
        self.session
            .ensure_accepted_with(&self.host, &org, input, &options)
            .await
    }
}

/// Blocking client: each method runs the core's driver on the calling thread.
#[derive(uniffi::Object)]
pub struct McaBlockingClient {
    session: Session,
    host: BlockingHost,
}

impl McaBlockingClient {
    fn build(
        options: ClientOptions,
        binding: &str,
        transport: Arc<dyn BlockingHttpTransport>,
        runtime: Arc<dyn BlockingRuntime>,
        listener: Option<Arc<dyn EventListener>>,
        clock: Clock,
    ) -> Result<Arc<Self>, McaError> {
        Ok(Arc::new(Self {
            session: session(&options, binding)?,
            host: BlockingHost {
                transport,
                runtime,
                listener,
                clock,
            },
        }))
    }
}

impl fmt::Debug for McaBlockingClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("McaBlockingClient")
            .field("session", &self.session)
            .finish_non_exhaustive()
    }
}

#[uniffi::export]
impl McaBlockingClient {
    /// A client over the core's options; `binding` (`python`, `kotlin`) labels the `User-Agent`.
    /// Every option is checked by the core (`config` errors).
    #[uniffi::constructor]
    pub fn new(
        options: ClientOptions,
        binding: String,
        transport: Arc<dyn BlockingHttpTransport>,
        runtime: Arc<dyn BlockingRuntime>,
        listener: Option<Arc<dyn EventListener>>,
    ) -> Result<Arc<Self>, McaError> {
        Self::build(options, &binding, transport, runtime, listener, Clock::Host)
    }

    /// Like [`McaBlockingClient::new`], but the clock is the system clock read in Rust:
    /// `runtime.now()` is never called (no call into the host language per step),
    /// `runtime.sleep` still is. For hosts whose clock would be the wall clock anyway.
    #[uniffi::constructor]
    pub fn with_system_clock(
        options: ClientOptions,
        binding: String,
        transport: Arc<dyn BlockingHttpTransport>,
        runtime: Arc<dyn BlockingRuntime>,
        listener: Option<Arc<dyn EventListener>>,
    ) -> Result<Arc<Self>, McaError> {
        Self::build(
            options,
            &binding,
            transport,
            runtime,
            listener,
            Clock::System,
        )
    }

    /// The normalised base URL (ends in `/`).
    pub fn base_url(&self) -> String {
        self.session.config().base_url.as_str().to_string()
    }

    /// The `User-Agent` sent with every request.
    pub fn user_agent(&self) -> String {
        self.session.config().user_agent()
    }

    /// Validates and normalises a start body against the host clock; sends nothing.
    pub fn validate_start_attestation(
        &self,
        input: StartAttestation,
    ) -> Result<StartAttestation, McaError> {
        validate::start_attestation(&input, self.host.now())
    }

    /// Validates and normalises an add-CSP-service body against the host clock; sends nothing.
    pub fn validate_add_csp_service(
        &self,
        input: AddCspService,
    ) -> Result<AddCspService, McaError> {
        validate::add_csp_service(&input, self.host.now())
    }

    /// Normalises an organisation GUID (`invalid` at `/organizationId` otherwise).
    pub fn normalize_organization_id(&self, organization_id: String) -> Result<String, McaError> {
        org(&organization_id).map(|o| o.to_string())
    }

    /// A valid access token (cached or fetched; password auth only).
    pub fn token(&self) -> Result<Token, McaError> {
        block_on(self.session.token(&self.host))
    }

    /// Starts a partner attestation (validated first; never retried blindly).
    pub fn start_attestation(
        &self,
        organization_id: String,
        input: StartAttestation,
    ) -> Result<AttestationStarted, McaError> {
        let org = org(&organization_id)?;
        block_on(self.session.start_attestation(&self.host, &org, input))
    }

    /// The ongoing attestation, or none (404).
    pub fn get_attestation(
        &self,
        organization_id: String,
    ) -> Result<Option<Attestation>, McaError> {
        let org = org(&organization_id)?;
        block_on(self.session.get_attestation(&self.host, &org))
    }

    /// Finalizes an accepted attestation.
    pub fn finalize_attestation(&self, organization_id: String) -> Result<(), McaError> {
        let org = org(&organization_id)?;
        block_on(self.session.finalize_attestation(&self.host, &org))
    }

    /// The acceptance state.
    pub fn get_acceptance(&self, organization_id: String) -> Result<Acceptance, McaError> {
        let org = org(&organization_id)?;
        block_on(self.session.get_acceptance(&self.host, &org))
    }

    /// Asks for a re-sync of the acceptance state (429 is the value `AlreadyRunning`).
    pub fn refresh_acceptance(&self, organization_id: String) -> Result<RefreshOutcome, McaError> {
        let org = org(&organization_id)?;
        block_on(self.session.refresh_acceptance(&self.host, &org))
    }

    /// Adds the CSP service (automatic attestation when `partner_attestation` is set).
    pub fn add_csp_service(
        &self,
        organization_id: String,
        input: AddCspService,
    ) -> Result<CspServiceAdded, McaError> {
        let org = org(&organization_id)?;
        block_on(self.session.add_csp_service(&self.host, &org, input))
    }

    /// Polls until the signer accepted or the link expired.
    pub fn wait_for_signature(
        &self,
        organization_id: String,
        options: WaitOptions,
    ) -> Result<mca_attestation::WaitOutcome, McaError> {
        let org = org(&organization_id)?;
        block_on(
            self.session
                .wait_for_signature_with(&self.host, &org, &options),
        )
    }

    /// Makes sure the customer has accepted, doing only what is missing.
    pub fn ensure_accepted(
        &self,
        organization_id: String,
        input: StartAttestation,
        options: EnsureAcceptedOptions,
    ) -> Result<EnsureOutcome, McaError> {
        let org = org(&organization_id)?;
        block_on(
            self.session
                .ensure_accepted_with(&self.host, &org, input, &options),
        )
    }
}

/// The core's cap on a response body in bytes (`MAX_RESPONSE_BYTES`): the default transports read
/// at most this many plus one and report more as a `transport` error.
#[uniffi::export]
pub fn max_response_bytes() -> i64 {
    i64::try_from(MAX_RESPONSE_BYTES).unwrap_or(i64::MAX)
}

/// The core's default timeout of one HTTP exchange (connect, headers and the whole body):
/// `DEFAULT_REQUEST_TIMEOUT`, used by the default transports when the caller sets none.
#[uniffi::export]
pub fn default_request_timeout() -> Duration {
    DEFAULT_REQUEST_TIMEOUT
}

/// The core's version (the `User-Agent` version).
#[uniffi::export]
pub fn core_version() -> String {
    mca_attestation::VERSION.to_string()
}

/// The flat view of a core error (kind, message, status, code, title, detail, violations,
/// retry-after, trace id, body excerpt, problem) that every binding's error object is built from.
#[uniffi::export]
pub fn error_view(error: McaError) -> ErrorView {
    ErrorView::from(&error)
}

/// The `cancelled` error's view for a host's native cancellation (asyncio cancel, coroutine
/// cancel) that happened outside the core, so every language reports it the same way.
#[uniffi::export]
pub fn cancelled_view() -> ErrorView {
    ErrorView::from(&McaError::cancelled())
}

/// Validates and normalises a start body against `now` given as text (RFC 3339; anything else is
/// the core's `config` error), without a client; sends nothing.
#[uniffi::export]
pub fn validate_start_attestation_at(
    input: StartAttestation,
    now: String,
) -> Result<StartAttestation, McaError> {
    validate::start_attestation(&input, validate::now(&now)?)
}

/// Validates and normalises an add-CSP-service body against `now` given as text, without a
/// client; sends nothing.
#[uniffi::export]
pub fn validate_add_csp_service_at(
    input: AddCspService,
    now: String,
) -> Result<AddCspService, McaError> {
    validate::add_csp_service(&input, validate::now(&now)?)
}
