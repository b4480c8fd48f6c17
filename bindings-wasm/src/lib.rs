//! wasm-bindgen glue of [`mca_attestation`] for the npm package `mca-attestation`.
//!
//! This crate provides the [`mca_attestation::Platform`] (HTTP through a JavaScript `fetch` function,
//! sleeping and the clock through JavaScript hooks). Values cross as the core's own types through
//! tsify (serde-wasm-bindgen); every rule, default, message, retry, parse and loop lives in the
//! core's [`Session`] and options. The package's `Client` (npm/src/api.js) wraps [`Core`] and builds
//! its `McaError` from the core's error view that calls reject with.

#![forbid(unsafe_code)]
// `McaError` carries its `Problem` by value (see the core); errors are rare.
#![allow(clippy::result_large_err)]

mod convert;
mod platform;

use std::rc::Rc;

use js_sys::{Function, Promise};
use mca_attestation::{
    validate, AddCspService, ClientOptions, EnsureAcceptedOptions, McaError, OrganizationId,
    Session, StartAttestation, WaitOptions,
};
use tsify::Ts;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::convert::{error_value, input, options, to_js};
pub use crate::platform::{Hooks, JsPlatform};

/// Label sent in the `User-Agent` header (`mca-attestation/<version> (wasm)`).
pub const BINDING: &str = "wasm";

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
/// `Client`; every method returns a Promise of the core's result as a JavaScript object, or rejects
/// with the core's error view (see [`convert::error_value`]).
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
type Pending = std::pin::Pin<Box<dyn std::future::Future<Output = Result<JsValue, McaError>>>>;

/// Runs a call as a Promise of its value, or a rejection with the core's error view.
fn promise(fut: Pending) -> Promise {
    future_to_promise(async move { fut.await.map_err(|e| error_value(&e)) })
}

#[wasm_bindgen]
impl Core {
    /// A client from the core's `ClientOptions` and the hooks: `fetch(url, init)`, `sleep(ms,
    /// signal)` and `now()` (ms since the epoch). Throws the core's `config` error view on bad
    /// options (token and credentials together included).
    #[wasm_bindgen(constructor)]
    pub fn new(
        options: Ts<ClientOptions>,
        fetch: Function,
        sleep: Function,
        now: Function,
    ) -> Result<Core, JsValue> {
        let build = || -> Result<Core, McaError> {
            let options = options
                .to_rust()
                .map_err(|e| McaError::config(format!("client options: {e}")))?;
            Ok(Core {
                inner: Rc::new(Inner {
                    session: Session::from_options(&options, BINDING)?,
                    hooks: Hooks { fetch, sleep, now },
                }),
            })
        };
        build().map_err(|e| error_value(&e))
    }

    /// The normalised base URL (always ending in `/`).
    #[wasm_bindgen(getter, js_name = baseUrl)]
    pub fn base_url(&self) -> String {
        self.inner.session.config().base_url.as_str().to_string()
    }

    /// `POST csp/mca/attestation` (validated first).
    #[wasm_bindgen(js_name = startAttestation)]
    pub fn start_attestation(
        &self,
        org: JsValue,
        body: Ts<StartAttestation>,
        signal: JsValue,
    ) -> Promise {
        let inner = self.inner.clone();
        let body = input(body);
        promise(Box::pin(async move {
            let platform = inner.platform(signal, JsValue::UNDEFINED);
            let org = org_id(&org)?;
            let started = inner
                .session
                .start_attestation(&platform, &org, body?)
                .await?;
            to_js(&started)
        }))
    }

    /// `GET csp/mca/attestation`: the attestation or `null` (404).
    #[wasm_bindgen(js_name = getAttestation)]
    pub fn get_attestation(&self, org: JsValue, signal: JsValue) -> Promise {
        let inner = self.inner.clone();
        promise(Box::pin(async move {
            let platform = inner.platform(signal, JsValue::UNDEFINED);
            let org = org_id(&org)?;
            match inner.session.get_attestation(&platform, &org).await? {
                Some(attestation) => to_js(&attestation),
                None => Ok(JsValue::NULL),
            }
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
            Ok(JsValue::UNDEFINED)
        }))
    }

    /// `GET csp/mca/acceptance`.
    #[wasm_bindgen(js_name = getAcceptance)]
    pub fn get_acceptance(&self, org: JsValue, signal: JsValue) -> Promise {
        let inner = self.inner.clone();
        promise(Box::pin(async move {
            let platform = inner.platform(signal, JsValue::UNDEFINED);
            let org = org_id(&org)?;
            to_js(&inner.session.get_acceptance(&platform, &org).await?)
        }))
    }

    /// `POST csp/mca/acceptance/refresh`: `{type: "started"}` or `{type: "already_running", retryAfterMs}`.
    #[wasm_bindgen(js_name = refreshAcceptance)]
    pub fn refresh_acceptance(&self, org: JsValue, signal: JsValue) -> Promise {
        let inner = self.inner.clone();
        promise(Box::pin(async move {
            let platform = inner.platform(signal, JsValue::UNDEFINED);
            let org = org_id(&org)?;
            to_js(&inner.session.refresh_acceptance(&platform, &org).await?)
        }))
    }

    /// `POST Csp` (validated first).
    #[wasm_bindgen(js_name = addCspService)]
    pub fn add_csp_service(
        &self,
        org: JsValue,
        body: Ts<AddCspService>,
        signal: JsValue,
    ) -> Promise {
        let inner = self.inner.clone();
        let body = input(body);
        promise(Box::pin(async move {
            let platform = inner.platform(signal, JsValue::UNDEFINED);
            let org = org_id(&org)?;
            let added = inner
                .session
                .add_csp_service(&platform, &org, body?)
                .await?;
            to_js(&added)
        }))
    }

    /// Polls until the signer accepted or the link expired.
    #[wasm_bindgen(js_name = waitForSignature)]
    pub fn wait_for_signature(
        &self,
        org: JsValue,
        wait: Option<Ts<WaitOptions>>,
        signal: JsValue,
        on_step: JsValue,
    ) -> Promise {
        let inner = self.inner.clone();
        let wait = options(wait, "wait options");
        promise(Box::pin(async move {
            let platform = inner.platform(signal, on_step);
            let org = org_id(&org)?;
            let outcome = inner
                .session
                .wait_for_signature_with(&platform, &org, &wait?)
                .await?;
            to_js(&outcome)
        }))
    }

    /// Makes sure `org` has accepted, doing only what is missing; flow events go to `on_step`.
    #[wasm_bindgen(js_name = ensureAccepted)]
    pub fn ensure_accepted(
        &self,
        org: JsValue,
        body: Ts<StartAttestation>,
        ensure: Option<Ts<EnsureAcceptedOptions>>,
        signal: JsValue,
        on_step: JsValue,
    ) -> Promise {
        let inner = self.inner.clone();
        let body = input(body);
        let ensure = options(ensure, "ensure options");
        promise(Box::pin(async move {
            let platform = inner.platform(signal, on_step);
            let org = org_id(&org)?;
            let outcome = inner
                .session
                .ensure_accepted_with(&platform, &org, body?, &ensure?)
                .await?;
            to_js(&outcome)
        }))
    }

    /// A valid access token (password credentials only): cached, or fetched from the token endpoint.
    pub fn token(&self, signal: JsValue) -> Promise {
        let inner = self.inner.clone();
        promise(Box::pin(async move {
            let platform = inner.platform(signal, JsValue::UNDEFINED);
            to_js(&inner.session.token(&platform).await?)
        }))
    }
}

/// The validators' clock: the caller's text (checked by the core: not a date-time is `config`),
/// else the current time.
fn now_from(now: Option<String>) -> Result<mca_attestation::Timestamp, McaError> {
    match now {
        Some(text) => validate::now(&text),
        None => Ok(platform::timestamp(js_sys::Date::now())),
    }
}

/// Validates and normalises a *Start partner attestation* body without sending anything: the body
/// that would be sent, or a thrown `invalid` error view listing every violation. `now` (RFC 3339
/// text, default the current time) bounds `acceptanceDate`.
#[wasm_bindgen(js_name = validateStartAttestation)]
pub fn validate_start_attestation(
    body: Ts<StartAttestation>,
    now: Option<String>,
) -> Result<JsValue, JsValue> {
    let run = || -> Result<JsValue, McaError> {
        let now = now_from(now)?;
        to_js(&validate::start_attestation(&input(body)?, now)?)
    };
    run().map_err(|e| error_value(&e))
}

/// Validates and normalises an *Add CSP service* body without sending anything (see
/// [`validate_start_attestation`]).
#[wasm_bindgen(js_name = validateAddCspService)]
pub fn validate_add_csp_service(
    body: Ts<AddCspService>,
    now: Option<String>,
) -> Result<JsValue, JsValue> {
    let run = || -> Result<JsValue, McaError> {
        let now = now_from(now)?;
        to_js(&validate::add_csp_service(&input(body)?, now)?)
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
