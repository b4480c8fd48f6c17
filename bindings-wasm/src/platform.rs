//! [`JsPlatform`]: the core's [`Platform`] over JavaScript functions — `fetch` for HTTP (with the
//! caller's `AbortSignal`), a `sleep(ms, signal)` hook and a `now()` hook. The package passes
//! `globalThis.fetch`, a `setTimeout` sleep and `Date.now` unless the caller injects others.

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, SystemTime};

use js_sys::{Array, Function, Object, Promise, Reflect};
use mca_attestation::{
    FlowEvent, Header, HttpRequest, HttpResponse, McaError, Platform, Timestamp,
};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::convert::to_js;

/// The JavaScript functions a client runs on.
#[derive(Clone)]
pub struct Hooks {
    /// `fetch(url, init) → Promise<Response>` (the WHATWG shape).
    pub fetch: Function,
    /// `sleep(ms, signal) → Promise<void>`; should resolve early when `signal` aborts.
    pub sleep: Function,
    /// `now() → number`, milliseconds since the Unix epoch.
    pub now: Function,
}

/// The platform of one call: the client's hooks, the call's `AbortSignal` and progress callback.
pub struct JsPlatform {
    hooks: Hooks,
    signal: Option<JsValue>,
    on_step: Option<Function>,
}

/// The error a call stops with when the caller's `AbortSignal` aborted it: the core's `cancelled`,
/// or `transport` when the reason is a `TimeoutError` (as from `AbortSignal.timeout()`). The package
/// attaches the signal's reason as the `McaError`'s `cause`.
fn aborted(signal: &Option<JsValue>) -> McaError {
    let reason = signal
        .as_ref()
        .map(|s| get(s, "reason"))
        .unwrap_or(JsValue::UNDEFINED);
    if reason.is_object() && get(&reason, "name").as_string().as_deref() == Some("TimeoutError") {
        McaError::transport("the caller's AbortSignal timed out")
    } else {
        McaError::cancelled()
    }
}

/// A timestamp from epoch milliseconds (the epoch itself when out of range).
pub fn timestamp(ms: f64) -> Timestamp {
    let ms = if ms.is_finite() { ms as i64 } else { 0 };
    Timestamp::from_unix_millis(ms)
        .unwrap_or_else(|| Timestamp::from_system_time(SystemTime::UNIX_EPOCH))
}

fn get(target: &JsValue, key: &str) -> JsValue {
    Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// A readable description of a thrown JavaScript value (with its `cause`, as Node's fetch nests it).
fn describe(value: &JsValue) -> String {
    let text =
        |v: &JsValue| -> Option<String> { v.as_string().or_else(|| get(v, "message").as_string()) };
    let mut out = text(value).unwrap_or_else(|| "fetch failed".into());
    if value.is_object() {
        let cause = get(value, "cause");
        if let Some(c) = (!cause.is_undefined() && !cause.is_null())
            .then(|| text(&cause))
            .flatten()
        {
            let code = get(&cause, "code").as_string();
            out = match code {
                Some(code) => format!("{out} ({c}; {code})"),
                None => format!("{out} ({c})"),
            };
        }
    }
    out
}

fn method(target: &JsValue, name: &str) -> Result<JsValue, JsValue> {
    let f: Function = get(target, name).dyn_into()?;
    f.call0(target)
}

impl JsPlatform {
    /// The platform of one call; `signal` and `on_step` may be `undefined`.
    pub fn new(hooks: Hooks, signal: JsValue, on_step: JsValue) -> Self {
        Self {
            hooks,
            signal: (!signal.is_undefined() && !signal.is_null()).then_some(signal),
            on_step: on_step.dyn_into::<Function>().ok(),
        }
    }

    fn is_aborted(signal: &Option<JsValue>) -> bool {
        signal.as_ref().is_some_and(|s| {
            s.unchecked_ref::<SignalLike>()
                .aborted()
                .ok()
                .and_then(|a| a.as_bool())
                == Some(true)
        })
    }
}

/// The shapes `send` reads and writes, as typed property accesses (one crossing each, no key
/// strings built in Rust). Getters may throw on a hostile object: `catch` turns that into an `Err`
/// that is read as "absent".
#[wasm_bindgen]
extern "C" {
    /// The `init` object handed to `fetch`.
    #[wasm_bindgen(extends = Object)]
    type FetchInit;
    #[wasm_bindgen(method, setter = method, structural)]
    fn set_method(this: &FetchInit, value: &str);
    #[wasm_bindgen(method, setter = headers, structural)]
    fn set_headers(this: &FetchInit, value: &Object);
    #[wasm_bindgen(method, setter = redirect, structural)]
    fn set_redirect(this: &FetchInit, value: &str);
    #[wasm_bindgen(method, setter = body, structural)]
    fn set_body(this: &FetchInit, value: &str);
    #[wasm_bindgen(method, setter = signal, structural)]
    fn set_signal(this: &FetchInit, value: &JsValue);
    #[wasm_bindgen(method, setter = timeoutMs, structural)]
    fn set_timeout_ms(this: &FetchInit, value: f64);

    /// What `fetch` resolved to: a WHATWG `Response`, or the package's exchange wrapper's result,
    /// which also carries `headerText` (`name\nvalue\n` per header) and `bodyText` (the body,
    /// already read) so that neither needs an iterator nor a second Promise.
    type FetchResponse;
    #[wasm_bindgen(method, getter = status, structural, catch)]
    fn status(this: &FetchResponse) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter = type, structural, catch)]
    fn kind(this: &FetchResponse) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter = headers, structural, catch)]
    fn headers(this: &FetchResponse) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter = headerText, structural, catch)]
    fn header_text(this: &FetchResponse) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter = bodyText, structural, catch)]
    fn body_text(this: &FetchResponse) -> Result<JsValue, JsValue>;

    /// The `headers` object of the `init` (a plain object, name → value).
    #[wasm_bindgen(extends = Object)]
    type HeaderMap;
    #[wasm_bindgen(method, indexing_setter)]
    fn set(this: &HeaderMap, name: &str, value: &str);

    /// The caller's `AbortSignal` (or anything with an `aborted` member).
    type SignalLike;
    #[wasm_bindgen(method, getter = aborted, structural, catch)]
    fn aborted(this: &SignalLike) -> Result<JsValue, JsValue>;
}

/// The response headers: from `headerText` when the package's wrapper supplied it, else by
/// iterating `headers` (a WHATWG `Headers` or any iterable of `[name, value]` pairs).
fn response_headers(response: &FetchResponse) -> Vec<Header> {
    let mut headers = Vec::new();
    if let Some(text) = response.header_text().ok().and_then(|t| t.as_string()) {
        let mut lines = text.split('\n');
        while let (Some(name), Some(value)) = (lines.next(), lines.next()) {
            headers.push(Header::new(name, value));
        }
        return headers;
    }
    let all = response.headers().unwrap_or(JsValue::UNDEFINED);
    if let Ok(Some(entries)) = js_sys::try_iter(&all) {
        for entry in entries.flatten() {
            let pair = Array::from(&entry);
            if let (Some(name), Some(value)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                headers.push(Header::new(name, value));
            }
        }
    }
    headers
}

async fn send(
    fetch: Function,
    signal: Option<JsValue>,
    request: HttpRequest,
) -> Result<HttpResponse, McaError> {
    if JsPlatform::is_aborted(&signal) {
        return Err(aborted(&signal));
    }
    let timeout_ms = request.timeout_ms;
    let failed = |e: JsValue, signal: &Option<JsValue>| {
        if JsPlatform::is_aborted(signal) {
            aborted(signal)
        } else if get(&e, "timedOut").as_bool() == Some(true) {
            // The package's fetch wrapper gave up after the request's `timeoutMs`.
            McaError::timed_out(timeout_ms)
        } else {
            McaError::transport(describe(&e))
        }
    };
    let init: FetchInit = Object::new().unchecked_into();
    init.set_method(request.method.as_str());
    let headers: HeaderMap = Object::new().unchecked_into();
    for h in &request.headers {
        headers.set(&h.name, &h.value);
    }
    init.set_headers(&headers);
    // Never follow a redirect: a bearer token or a password must not reach another host. Node
    // hands the 3xx itself to the core (which refuses it); browsers give an `opaqueredirect`.
    init.set_redirect("manual");
    if let Some(body) = &request.body {
        init.set_body(body);
    }
    if let Some(s) = &signal {
        init.set_signal(s);
    }
    // The core's per-request timeout; the package's fetch wrapper enforces it (and strips it).
    init.set_timeout_ms(timeout_ms as f64);
    let called = fetch.call2(&JsValue::UNDEFINED, &JsValue::from_str(&request.url), &init);
    let response: FetchResponse = match called {
        Ok(p) => JsFuture::from(Promise::resolve(&p)).await,
        Err(e) => Err(e),
    }
    .map_err(|e| failed(e, &signal))?
    .unchecked_into();
    if response.kind().ok().and_then(|k| k.as_string()).as_deref() == Some("opaqueredirect") {
        return Err(McaError::transport(
            "the server answered with a redirect, which is refused",
        ));
    }
    let status = response
        .status()
        .ok()
        .and_then(|s| s.as_f64())
        .unwrap_or(0.0) as u16;
    let headers = response_headers(&response);
    let text = match response.body_text().ok().and_then(|t| t.as_string()) {
        Some(text) => text,
        None => {
            // A body cut off mid-stream means no complete response arrived: a transport failure.
            let read = match method(&response, "text") {
                Ok(p) => JsFuture::from(Promise::resolve(&p)).await,
                Err(e) => Err(e),
            }
            .map_err(|e| failed(e, &signal))?;
            read.as_string().unwrap_or_default()
        }
    };
    Ok(HttpResponse::new(status, headers, text))
}

impl Platform for JsPlatform {
    type SendFuture = Pin<Box<dyn Future<Output = Result<HttpResponse, McaError>>>>;
    type SleepFuture = Pin<Box<dyn Future<Output = ()>>>;

    fn send(&self, request: HttpRequest) -> Self::SendFuture {
        Box::pin(send(self.hooks.fetch.clone(), self.signal.clone(), request))
    }

    fn sleep(&self, duration: Duration) -> Self::SleepFuture {
        let ms = JsValue::from_f64(duration.as_millis() as f64);
        let signal = self.signal.clone().unwrap_or(JsValue::UNDEFINED);
        let slept = self.hooks.sleep.call2(&JsValue::UNDEFINED, &ms, &signal);
        Box::pin(async move {
            if let Ok(p) = slept {
                let _ = JsFuture::from(Promise::resolve(&p)).await;
            }
        })
    }

    fn now(&self) -> Timestamp {
        let value = self.hooks.now.call0(&JsValue::UNDEFINED).ok();
        let ms = value
            .and_then(|v| {
                v.as_f64().or_else(|| {
                    // A `Date` is accepted too.
                    method(&v, "getTime").ok().and_then(|t| t.as_f64())
                })
            })
            .unwrap_or_else(js_sys::Date::now);
        timestamp(ms)
    }

    fn event(&self, event: &FlowEvent) {
        if let (Some(f), Ok(value)) = (&self.on_step, to_js(event)) {
            // A throwing callback must not break the flow.
            let _ = f.call1(&JsValue::UNDEFINED, &value);
        }
    }
}
