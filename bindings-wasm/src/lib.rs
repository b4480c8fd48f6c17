//! wasm-bindgen glue of [`mca_attestation`] for the npm package `mca-attestation`.
//!
//! This crate adapts types and provides the [`mca_attestation::Platform`] (HTTP through a JavaScript
//! `fetch` function, sleeping and the clock through JavaScript hooks). Every rule, retry, parse and
//! loop lives in the core's [`Session`]. The package's hand-written `Client` (npm/src/api.js) wraps
//! [`Core`] and turns the plain error objects thrown here into `McaError`s.

#![forbid(unsafe_code)]
// `McaError` carries its `Problem` by value (see the core); errors are rare.
#![allow(clippy::result_large_err)]

mod convert;
mod platform;

use std::rc::Rc;
use std::time::Duration;

use js_sys::{Function, Promise};
use mca_attestation::{
    validate, AddCspService, Auth, ClientConfig, Credentials, EnsureOptions, McaError,
    OrganizationId, PollOptions, Session, StartAttestation,
};
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::convert::{error_value, from_json, to_json};
pub use crate::platform::{Hooks, JsPlatform};

/// Label sent in the `User-Agent` header (`mca-attestation/<version> (wasm)`).
pub const BINDING: &str = "wasm";

/// Client options as the package passes them (functions travel separately as [`Hooks`]).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct ClientOptions {
    base_url: String,
    reseller_id: String,
    token: Option<String>,
    credentials: Option<Credentials>,
    user_agent: Option<String>,
    correlation_id: Option<String>,
    token_url: Option<String>,
}

/// Options of the polling flows (`waitForSignature`, `ensureAccepted`); all optional.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct FlowOptions {
    /// Give up (`deadline` error) this many ms after the call starts.
    deadline_ms: Option<f64>,
    /// `ensureAccepted` only: wait for the signer (default true).
    wait: Option<bool>,
    /// First wait between polls (default 2000).
    poll_interval_ms: Option<f64>,
    /// Longest wait between polls (default 30000).
    max_poll_interval_ms: Option<f64>,
    /// `ensureAccepted` only: acceptance reads after finalize (default 5).
    confirm_attempts: Option<u32>,
    /// Jitter seed; 0 (default) = none.
    jitter_seed: Option<f64>,
}

fn millis(ms: f64) -> Duration {
    Duration::from_millis(if ms.is_finite() && ms > 0.0 {
        ms as u64
    } else {
        0
    })
}

impl FlowOptions {
    fn poll(&self, platform: &JsPlatform) -> PollOptions {
        use mca_attestation::Platform;
        let mut poll = PollOptions::default();
        if let Some(ms) = self.poll_interval_ms {
            poll.initial_interval = millis(ms);
        }
        if let Some(ms) = self.max_poll_interval_ms {
            poll.max_interval = millis(ms);
        }
        if let Some(ms) = self.deadline_ms {
            poll.deadline = Some(platform.now().add(millis(ms)));
        }
        if let Some(seed) = self.jitter_seed {
            poll.jitter_seed = if seed.is_finite() && seed > 0.0 {
                seed as u64
            } else {
                0
            };
        }
        poll
    }

    fn ensure(&self, platform: &JsPlatform) -> EnsureOptions {
        let mut options = EnsureOptions {
            poll: self.poll(platform),
            ..EnsureOptions::default()
        };
        if let Some(wait) = self.wait {
            options.wait = wait;
        }
        if let Some(n) = self.confirm_attempts {
            options.confirm_attempts = n;
        }
        options
    }
}

struct Inner {
    session: Session,
    hooks: Hooks,
}

impl Inner {
    fn platform(&self, signal: JsValue, on_step: JsValue) -> JsPlatform {
        JsPlatform::new(self.hooks.clone(), signal, on_step)
    }
}

/// The configured client: a core [`Session`] plus the JavaScript hooks. Wrapped by the package's
/// `Client`; every method returns a Promise and rejects with a plain error object (see
/// [`convert::error_value`]) that the package turns into an `McaError`. Values cross as JSON text
/// (inputs, options, results, errors): one serde path, shared with the core, keeps the wasm small.
#[wasm_bindgen]
pub struct Core {
    inner: Rc<Inner>,
}

fn org_id(org: &JsValue) -> Result<OrganizationId, McaError> {
    match org.as_string() {
        Some(text) => OrganizationId::parse(&text),
        None => Err(McaError::invalid(
            "/organizationId",
            "organizationId must be a string",
        )),
    }
}

/// A call in progress (boxed so that one `future_to_promise` instance serves every method).
type Pending = std::pin::Pin<Box<dyn std::future::Future<Output = Result<String, McaError>>>>;

/// Runs a call as a Promise of its JSON text, or a rejection with the error's JSON text.
fn promise(fut: Pending) -> Promise {
    future_to_promise(async move {
        match fut.await {
            Ok(json) => Ok(JsValue::from_str(&json)),
            Err(e) => Err(error_value(&e)),
        }
    })
}

#[wasm_bindgen]
impl Core {
    /// A client from `options` (`baseUrl`, `resellerId`, `token`?, `credentials`?, `userAgent`?,
    /// `correlationId`?, `tokenUrl`?) and the hooks: `fetch(url, init)`, `sleep(ms, signal)` and
    /// `now()` (ms since the epoch). Throws a `config` error object on bad options.
    #[wasm_bindgen(constructor)]
    pub fn new(
        options: String,
        fetch: Function,
        sleep: Function,
        now: Function,
    ) -> Result<Core, JsValue> {
        Self::build(options, Hooks { fetch, sleep, now }).map_err(|e| error_value(&e))
    }

    fn build(options: String, hooks: Hooks) -> Result<Core, McaError> {
        let o: ClientOptions = serde_json::from_str(&options)
            .map_err(|e| McaError::config(format!("client options: {e}")))?;
        let mut config = ClientConfig::new(&o.base_url, &o.reseller_id, BINDING)?;
        if let Some(url) = o.token_url.as_deref() {
            config = config.with_token_url(url)?;
        }
        config.user_agent_extra = o.user_agent;
        config.correlation_id = o.correlation_id;
        let auth = match (o.token, o.credentials) {
            (Some(_), Some(_)) => {
                return Err(McaError::config(
                    "give either token or credentials, not both",
                ))
            }
            (Some(token), None) => Auth::Bearer(token),
            (None, Some(credentials)) => Auth::Password(credentials),
            (None, None) => Auth::None,
        };
        Ok(Core {
            inner: Rc::new(Inner {
                session: Session::new(config, auth),
                hooks,
            }),
        })
    }

    /// The normalised base URL (always ending in `/`).
    #[wasm_bindgen(getter, js_name = baseUrl)]
    pub fn base_url(&self) -> String {
        self.inner.session.config().base_url.as_str().to_string()
    }

    /// `POST csp/mca/attestation` (validated first).
    #[wasm_bindgen(js_name = startAttestation)]
    pub fn start_attestation(&self, org: JsValue, input: String, signal: JsValue) -> Promise {
        let inner = self.inner.clone();
        promise(Box::pin(async move {
            let platform = inner.platform(signal, JsValue::UNDEFINED);
            let org = org_id(&org)?;
            let input: StartAttestation = from_json(&input)?;
            to_json(
                &inner
                    .session
                    .start_attestation(&platform, &org, input)
                    .await?,
            )
        }))
    }

    /// `GET csp/mca/attestation`: the attestation or `null` (404).
    #[wasm_bindgen(js_name = getAttestation)]
    pub fn get_attestation(&self, org: JsValue, signal: JsValue) -> Promise {
        let inner = self.inner.clone();
        promise(Box::pin(async move {
            let platform = inner.platform(signal, JsValue::UNDEFINED);
            let org = org_id(&org)?;
            to_json(&inner.session.get_attestation(&platform, &org).await?)
        }))
    }

    /// `PUT csp/mca/attestation/finalize`: resolves to `undefined`.
    #[wasm_bindgen(js_name = finalizeAttestation)]
    pub fn finalize_attestation(&self, org: JsValue, signal: JsValue) -> Promise {
        let inner = self.inner.clone();
        promise(Box::pin(async move {
            let platform = inner.platform(signal, JsValue::UNDEFINED);
            let org = org_id(&org)?;
            inner.session.finalize_attestation(&platform, &org).await?;
            Ok("null".to_string())
        }))
    }

    /// `GET csp/mca/acceptance`.
    #[wasm_bindgen(js_name = getAcceptance)]
    pub fn get_acceptance(&self, org: JsValue, signal: JsValue) -> Promise {
        let inner = self.inner.clone();
        promise(Box::pin(async move {
            let platform = inner.platform(signal, JsValue::UNDEFINED);
            let org = org_id(&org)?;
            to_json(&inner.session.get_acceptance(&platform, &org).await?)
        }))
    }

    /// `POST csp/mca/acceptance/refresh`: `{type: "started"}` or `{type: "already_running", retryAfterMs}`.
    #[wasm_bindgen(js_name = refreshAcceptance)]
    pub fn refresh_acceptance(&self, org: JsValue, signal: JsValue) -> Promise {
        let inner = self.inner.clone();
        promise(Box::pin(async move {
            let platform = inner.platform(signal, JsValue::UNDEFINED);
            let org = org_id(&org)?;
            to_json(&inner.session.refresh_acceptance(&platform, &org).await?)
        }))
    }

    /// `POST Csp` (validated first).
    #[wasm_bindgen(js_name = addCspService)]
    pub fn add_csp_service(&self, org: JsValue, input: String, signal: JsValue) -> Promise {
        let inner = self.inner.clone();
        promise(Box::pin(async move {
            let platform = inner.platform(signal, JsValue::UNDEFINED);
            let org = org_id(&org)?;
            let input: AddCspService = from_json(&input)?;
            to_json(
                &inner
                    .session
                    .add_csp_service(&platform, &org, input)
                    .await?,
            )
        }))
    }

    /// Polls until the signer accepted or the link expired.
    #[wasm_bindgen(js_name = waitForSignature)]
    pub fn wait_for_signature(
        &self,
        org: JsValue,
        options: String,
        signal: JsValue,
        on_step: JsValue,
    ) -> Promise {
        let inner = self.inner.clone();
        promise(Box::pin(async move {
            let platform = inner.platform(signal, on_step);
            let org = org_id(&org)?;
            let options: FlowOptions = flow_options(options)?;
            let poll = options.poll(&platform);
            to_json(
                &inner
                    .session
                    .wait_for_signature(&platform, &org, poll)
                    .await?,
            )
        }))
    }

    /// Makes sure `org` has accepted, doing only what is missing; flow events go to `on_step`.
    #[wasm_bindgen(js_name = ensureAccepted)]
    pub fn ensure_accepted(
        &self,
        org: JsValue,
        input: String,
        options: String,
        signal: JsValue,
        on_step: JsValue,
    ) -> Promise {
        let inner = self.inner.clone();
        promise(Box::pin(async move {
            let platform = inner.platform(signal, on_step);
            let org = org_id(&org)?;
            let input: StartAttestation = from_json(&input)?;
            let options = flow_options(options)?.ensure(&platform);
            to_json(
                &inner
                    .session
                    .ensure_accepted(&platform, &org, input, options)
                    .await?,
            )
        }))
    }

    /// A valid access token (password credentials only): cached, or fetched from the token endpoint.
    pub fn token(&self, signal: JsValue) -> Promise {
        let inner = self.inner.clone();
        promise(Box::pin(async move {
            let platform = inner.platform(signal, JsValue::UNDEFINED);
            to_json(&inner.session.token(&platform).await?)
        }))
    }
}

fn flow_options(options: String) -> Result<FlowOptions, McaError> {
    if options.trim().is_empty() {
        return Ok(FlowOptions::default());
    }
    serde_json::from_str(&options).map_err(|e| McaError::config(format!("flow options: {e}")))
}

fn now_from(now_ms: Option<f64>) -> mca_attestation::Timestamp {
    platform::timestamp(now_ms.unwrap_or_else(js_sys::Date::now))
}

/// Validates and normalises a *Start partner attestation* body without sending anything: the body
/// that would be sent, or a thrown `invalid` error object listing every violation. `now_ms`
/// (ms since the epoch, default the current time) bounds `acceptanceDate`.
#[wasm_bindgen(js_name = validateStartAttestation)]
pub fn validate_start_attestation(input: String, now_ms: Option<f64>) -> Result<String, JsValue> {
    let run = || -> Result<String, McaError> {
        let input: StartAttestation = from_json(&input)?;
        to_json(&validate::start_attestation(&input, now_from(now_ms))?)
    };
    run().map_err(|e| error_value(&e))
}

/// Validates and normalises an *Add CSP service* body without sending anything (see
/// [`validate_start_attestation`]).
#[wasm_bindgen(js_name = validateAddCspService)]
pub fn validate_add_csp_service(input: String, now_ms: Option<f64>) -> Result<String, JsValue> {
    let run = || -> Result<String, McaError> {
        let input: AddCspService = from_json(&input)?;
        to_json(&validate::add_csp_service(&input, now_from(now_ms))?)
    };
    run().map_err(|e| error_value(&e))
}

/// The crate version (the `{version}` in the `User-Agent`).
#[wasm_bindgen]
pub fn version() -> String {
    mca_attestation::VERSION.to_string()
}

/// The core's cap on a response body in bytes ([`mca_attestation::http::MAX_RESPONSE_BYTES`]):
/// the package reads at most this many plus one and reports more as a `transport` error.
#[wasm_bindgen(js_name = maxResponseBytes)]
pub fn max_response_bytes() -> f64 {
    mca_attestation::http::MAX_RESPONSE_BYTES as f64
}

/// The core's default timeout of one HTTP exchange in milliseconds
/// ([`mca_attestation::http::DEFAULT_REQUEST_TIMEOUT`]).
#[wasm_bindgen(js_name = defaultRequestTimeoutMs)]
pub fn default_request_timeout_ms() -> f64 {
    mca_attestation::http::DEFAULT_REQUEST_TIMEOUT.as_millis() as f64
}
