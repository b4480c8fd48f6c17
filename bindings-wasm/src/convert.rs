//! Values between Rust and JavaScript: JSON text both ways (camelCase members, RFC 3339 strings for
//! times, `null` for absent values), parsed and stringified by the package; errors likewise.

use mca_attestation::{ErrorView, McaError};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsValue;

/// A Rust value as JSON text (the core's JSON form: camelCase, RFC 3339 times, `null` for none).
pub fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String, McaError> {
    serde_json::to_string(value)
        .map_err(|e| McaError::config(format!("internal: could not convert a result ({e})")))
}

/// A caller's input (JSON text made by the package) as a core model type. A member of the wrong
/// JSON type is an `invalid` error at the document root (field rules are the core's, checked later).
pub fn from_json<T: DeserializeOwned>(text: &str) -> Result<T, McaError> {
    serde_json::from_str(text).map_err(|e| McaError::invalid("", e.to_string()))
}

/// What the package's `McaError` is built from: the core's [`ErrorView`], marked.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Marked {
    /// Marker telling the package this object came from here.
    mca_error: bool,
    #[serde(flatten)]
    view: ErrorView,
}

/// An error as JSON text (a JavaScript string): `mcaError: true` and the core's [`ErrorView`].
pub fn error_value(error: &McaError) -> JsValue {
    let marked = Marked {
        mca_error: true,
        view: ErrorView::from(error),
    };
    match to_json(&marked) {
        Ok(json) => JsValue::from_str(&json),
        Err(_) => js_sys::Error::new(&error.to_string()).into(),
    }
}
