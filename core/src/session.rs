//! [`Session`]: the one driver loop shared by every binding. It feeds a [`Machine`]'s steps to a
//! [`Platform`] (the binding's HTTP, sleep and clock) and owns authentication: static bearer
//! tokens, or password-grant tokens cached, renewed before expiry and renewed once on a 401.
//!
//! Token renewal is single-flight: however many calls run concurrently on one session, one token
//! request is in flight at a time and every waiter uses the token it brought. The lock is
//! `async-lock`'s, which needs no runtime, so the same code serves wasm, uniffi's foreign
//! executors and tokio.

use std::fmt;
use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use crate::error::McaError;
use crate::flow::{
    Call, EnsureAccepted, EnsureOptions, EnsureOutcome, FlowEvent, Input, Machine, PollOptions,
    Step, WaitForSignature, WaitOutcome,
};
use crate::http::{ClientConfig, HttpRequest, HttpResponse};
use crate::ids::OrganizationId;
use crate::model::{
    Acceptance, AddCspService, Attestation, AttestationStarted, CspServiceAdded, RefreshOutcome,
    StartAttestation,
};
use crate::ops::{
    AddCspServiceOp, FinalizeAttestationOp, GetAcceptanceOp, GetAttestationOp, Operation,
    RefreshAcceptanceOp, StartAttestationOp,
};
pub use crate::options::Auth;
use crate::options::{ClientOptions, EnsureAcceptedOptions, WaitOptions};
use crate::timestamp::Timestamp;
use crate::token::{Token, TokenOp};

/// Refuses any 3xx response as a `transport` error: redirects are never followed (a token
/// request re-posted elsewhere would hand the password to another host), never read as the API's
/// answer and never retried. The rule lives here so that it holds whatever the platform does.
fn refuse_redirect(response: HttpResponse) -> Result<HttpResponse, McaError> {
    if (300..400).contains(&response.status.get()) {
        return Err(McaError::transport(format!(
            "redirect refused (status {})",
            response.status
        )));
    }
    Ok(response)
}

/// What a binding provides: HTTP, sleeping and the clock. Nothing else is platform-specific.
pub trait Platform {
    /// Future of [`Platform::send`].
    type SendFuture: Future<Output = Result<HttpResponse, McaError>>;
    /// Future of [`Platform::sleep`].
    type SleepFuture: Future<Output = ()>;

    /// Sends a request. Return `McaError::Transport` when no response arrived (it may be retried);
    /// any other error (e.g. the caller cancelled) stops the flow and is returned as is.
    fn send(&self, request: HttpRequest) -> Self::SendFuture;
    /// Waits.
    fn sleep(&self, duration: Duration) -> Self::SleepFuture;
    /// The current time.
    fn now(&self) -> Timestamp;
    /// Progress of a flow (default: ignored).
    fn event(&self, event: &FlowEvent) {
        let _ = event;
    }
}

/// A configured client: configuration, authentication and the token cache.
pub struct Session {
    config: ClientConfig,
    auth: Auth,
    /// The cached token (read without waiting).
    token: Mutex<Option<Token>>,
    /// Held while a token is being fetched, so that only one fetch runs at a time.
    renewing: async_lock::Mutex<()>,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("config", &self.config)
            .field("auth", &self.auth)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// A session.
    pub fn new(config: ClientConfig, auth: Auth) -> Self {
        Self {
            config,
            auth,
            token: Mutex::new(None),
            renewing: async_lock::Mutex::new(()),
        }
    }

    /// A session from the caller's options (every rule checked; errors are `config`); `binding`
    /// labels the `User-Agent` (`wasm`, `python`, `kotlin`, `cli`, `rust`).
    pub fn from_options(options: &ClientOptions, binding: &str) -> Result<Self, McaError> {
        let (config, auth) = options.resolve(binding)?;
        Ok(Self::new(config, auth))
    }

    /// The configuration.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    fn cached(&self) -> Option<Token> {
        self.token.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn store(&self, token: Option<Token>) {
        *self.token.lock().unwrap_or_else(|e| e.into_inner()) = token;
    }

    /// Forgets the cached token if it is still `used` (the one a 401 refused): a token another
    /// call renewed meanwhile is kept.
    fn forget(&self, used: &str) {
        let mut cached = self.token.lock().unwrap_or_else(|e| e.into_inner());
        if cached.as_ref().is_some_and(|t| t.access_token == used) {
            *cached = None;
        }
    }

    /// A valid token: the cached one, or a new one from the token endpoint (password auth only).
    /// Concurrent callers share one fetch: the first fetches, the others wait and use its token.
    pub async fn token<P: Platform>(&self, platform: &P) -> Result<Token, McaError> {
        let Auth::Password(credentials) = &self.auth else {
            return Err(McaError::config("token() needs password credentials"));
        };
        if let Some(t) = self.cached().filter(|t| !t.needs_refresh(platform.now())) {
            return Ok(t);
        }
        let _renewing = self.renewing.lock().await;
        // Whoever held the lock before may have fetched one meanwhile.
        if let Some(t) = self.cached().filter(|t| !t.needs_refresh(platform.now())) {
            return Ok(t);
        }
        // The token request is retried like a safe call (transport errors, 408/429/502/503/504,
        // bounded attempts), but sent without `Authorization`: it cannot go through `exchange`.
        let mut call = Call::new(TokenOp {
            credentials: credentials.clone(),
        });
        let mut input = Input::Begin;
        loop {
            match call.next(&self.config, input, platform.now())? {
                Step::Send(request) => {
                    input = match platform.send(request).await {
                        Ok(response) => Input::Response(refuse_redirect(response)?),
                        Err(McaError::Transport { message }) => Input::TransportError(message),
                        Err(other) => return Err(other),
                    }
                }
                Step::Sleep(duration) => {
                    platform.sleep(duration).await;
                    input = Input::Slept;
                }
                Step::Event(_) => input = Input::Continue,
                Step::Done(token) => {
                    self.store(Some(token.clone()));
                    return Ok(token);
                }
            }
        }
    }

    async fn bearer<P: Platform>(&self, platform: &P) -> Result<Option<String>, McaError> {
        match &self.auth {
            Auth::None => Ok(None),
            Auth::Bearer(t) => Ok(Some(t.clone())),
            Auth::Password(_) => Ok(Some(self.token(platform).await?.access_token)),
        }
    }

    /// Sends one request with authorisation; a 401 with password auth renews the token once.
    async fn exchange<P: Platform>(
        &self,
        platform: &P,
        request: HttpRequest,
    ) -> Result<Input, McaError> {
        let mut renewed = false;
        loop {
            let mut req = request.clone();
            let bearer = self.bearer(platform).await?;
            if let Some(bearer) = &bearer {
                req.set_header("Authorization", format!("Bearer {bearer}"));
            }
            let resp = match platform.send(req).await {
                // A redirect ends the run as `transport`: the machine never sees it, so it is
                // neither parsed nor retried.
                Ok(resp) => refuse_redirect(resp)?,
                Err(McaError::Transport { message }) => return Ok(Input::TransportError(message)),
                Err(other) => return Err(other),
            };
            if resp.status == 401 && !renewed && matches!(self.auth, Auth::Password(_)) {
                if let Some(used) = &bearer {
                    self.forget(used);
                }
                renewed = true;
                continue;
            }
            return Ok(Input::Response(resp));
        }
    }

    /// Runs a machine to completion on `platform`.
    pub async fn run<M: Machine, P: Platform>(
        &self,
        platform: &P,
        mut machine: M,
    ) -> Result<M::Output, McaError> {
        let mut input = Input::Begin;
        loop {
            match machine.next(&self.config, input, platform.now())? {
                Step::Send(request) => input = self.exchange(platform, request).await?,
                Step::Sleep(duration) => {
                    platform.sleep(duration).await;
                    input = Input::Slept;
                }
                Step::Event(event) => {
                    platform.event(&event);
                    input = Input::Continue;
                }
                Step::Done(output) => return Ok(output),
            }
        }
    }

    async fn call<O: Operation, P: Platform>(
        &self,
        platform: &P,
        op: O,
    ) -> Result<O::Output, McaError> {
        self.run(platform, Call::new(op)).await
    }

    /// Starts a partner attestation (validated first; never retried blindly).
    pub async fn start_attestation<P: Platform>(
        &self,
        platform: &P,
        org: &OrganizationId,
        input: StartAttestation,
    ) -> Result<AttestationStarted, McaError> {
        let org = org.clone();
        self.call(platform, StartAttestationOp { org, input }).await
    }

    /// The ongoing attestation, or `None` (404).
    pub async fn get_attestation<P: Platform>(
        &self,
        platform: &P,
        org: &OrganizationId,
    ) -> Result<Option<Attestation>, McaError> {
        self.call(platform, GetAttestationOp { org: org.clone() })
            .await
    }

    /// Finalizes an accepted attestation.
    pub async fn finalize_attestation<P: Platform>(
        &self,
        platform: &P,
        org: &OrganizationId,
    ) -> Result<(), McaError> {
        self.call(platform, FinalizeAttestationOp { org: org.clone() })
            .await
    }

    /// The acceptance state.
    pub async fn get_acceptance<P: Platform>(
        &self,
        platform: &P,
        org: &OrganizationId,
    ) -> Result<Acceptance, McaError> {
        self.call(platform, GetAcceptanceOp { org: org.clone() })
            .await
    }

    /// Asks for a re-sync of the acceptance state (429 is the value `AlreadyRunning`).
    pub async fn refresh_acceptance<P: Platform>(
        &self,
        platform: &P,
        org: &OrganizationId,
    ) -> Result<RefreshOutcome, McaError> {
        self.call(platform, RefreshAcceptanceOp { org: org.clone() })
            .await
    }

    /// Adds the CSP service (with automatic attestation when `partner_attestation` is set).
    pub async fn add_csp_service<P: Platform>(
        &self,
        platform: &P,
        org: &OrganizationId,
        input: AddCspService,
    ) -> Result<CspServiceAdded, McaError> {
        let org = org.clone();
        self.call(platform, AddCspServiceOp { org, input }).await
    }

    /// Polls until the signer accepted or the link expired.
    pub async fn wait_for_signature<P: Platform>(
        &self,
        platform: &P,
        org: &OrganizationId,
        options: PollOptions,
    ) -> Result<WaitOutcome, McaError> {
        self.run(platform, WaitForSignature::new(org.clone(), options))
            .await
    }

    /// Makes sure the customer has accepted, doing only what is missing.
    pub async fn ensure_accepted<P: Platform>(
        &self,
        platform: &P,
        org: &OrganizationId,
        input: StartAttestation,
        options: EnsureOptions,
    ) -> Result<EnsureOutcome, McaError> {
        self.run(platform, EnsureAccepted::new(org.clone(), input, options))
            .await
    }

    /// [`Session::wait_for_signature`] with the caller's options in milliseconds (the deadline
    /// counts from now on the platform's clock).
    pub async fn wait_for_signature_with<P: Platform>(
        &self,
        platform: &P,
        org: &OrganizationId,
        options: &WaitOptions,
    ) -> Result<WaitOutcome, McaError> {
        let poll = options.resolve(platform.now())?;
        self.wait_for_signature(platform, org, poll).await
    }

    /// [`Session::ensure_accepted`] with the caller's options in milliseconds.
    pub async fn ensure_accepted_with<P: Platform>(
        &self,
        platform: &P,
        org: &OrganizationId,
        input: StartAttestation,
        options: &EnsureAcceptedOptions,
    ) -> Result<EnsureOutcome, McaError> {
        let options = options.resolve(platform.now())?;
        self.ensure_accepted(platform, org, input, options).await
    }
}
