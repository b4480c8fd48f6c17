//! Values between Rust and JavaScript: JSON text both ways (camelCase members, RFC 3339 strings for
//! times, `null` for absent values), parsed and stringified by the package; errors likewise.

use mca_attestation::{Error, Problem, Violation};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsValue;

/// A Rust value as JSON text (the core's JSON form: camelCase, RFC 3339 times, `null` for none).
pub fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    serde_json::to_string(value)
        .map_err(|e| Error::config(format!("internal: could not convert a result ({e})")))
}

/// A caller's input (JSON text made by the package) as a core model type. A member of the wrong
/// JSON type is an `invalid` error at the document root (field rules are the core's, checked later).
pub fn from_json<T: DeserializeOwned>(text: &str) -> Result<T, Error> {
    serde_json::from_str(text).map_err(|e| Error::invalid("", e.to_string()))
}

/// What the package's `McaError` is built from.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ErrorInfo<'a> {
    /// Marker telling the package this object came from here.
    mca_error: bool,
    kind: &'static str,
    message: String,
    status: Option<u16>,
    code: Option<&'a str>,
    title: Option<&'a str>,
    detail: Option<&'a str>,
    violations: Vec<Violation>,
    retry_after_ms: Option<u64>,
    trace_id: Option<&'a str>,
    problem: Option<&'a Problem>,
    body_excerpt: Option<&'a str>,
}

/// An error as JSON text (a JavaScript string): `mcaError: true`, `kind`, `message` (never holding secrets), `status`, `code`,
/// `title`, `detail`, `violations`, `retryAfterMs`, `traceId`, `problem`, `bodyExcerpt`.
pub fn error_value(error: &Error) -> JsValue {
    let problem = error.problem();
    let detail = match error {
        Error::Transport { message }
        | Error::Deadline { message }
        | Error::Config { message }
        | Error::Decode { message, .. } => Some(message.as_str()),
        _ => problem.and_then(|p| p.detail.as_deref()),
    };
    let info = ErrorInfo {
        mca_error: true,
        kind: error.kind(),
        message: error.to_string(),
        status: error.status(),
        code: problem.and_then(|p| p.code.as_deref()),
        title: problem.and_then(|p| p.title.as_deref()),
        detail,
        violations: error.violations(),
        retry_after_ms: error
            .retry_after()
            .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
        trace_id: problem.and_then(|p| p.trace_id.as_deref()),
        problem,
        body_excerpt: match error {
            Error::Decode { body_excerpt, .. } => Some(body_excerpt.as_str()),
            _ => None,
        },
    };
    match to_json(&info) {
        Ok(json) => JsValue::from_str(&json),
        Err(_) => js_sys::Error::new(&error.to_string()).into(),
    }
}
