//! Values between Rust and JavaScript through tsify (serde-wasm-bindgen): the core's types cross as
//! plain JavaScript objects in the core's JSON form (camelCase members, RFC 3339 strings for times,
//! `null` for absent values), typed by the declarations tsify generates from the same types.

use mca_attestation::{ErrorView, McaError};
use serde::de::DeserializeOwned;
use serde::Serialize;
use tsify::{Ts, Tsify};
use wasm_bindgen::JsValue;

/// A core value as a JavaScript object (absent values `null`, as the type's tsify declaration says).
pub fn to_js<T: Tsify + Serialize>(value: &T) -> Result<JsValue, McaError> {
    value
        .into_js()
        .map(Into::into)
        .map_err(|e| McaError::config(format!("internal: could not convert a result ({e})")))
}

/// A caller's input as a core type. A member of the wrong JavaScript type is an `invalid` error
/// at the document root (the field rules are the core's, checked afterwards).
pub fn input<T>(value: Ts<T>) -> Result<T, McaError>
where
    T: Tsify + DeserializeOwned,
    T::JsType: Clone,
{
    value
        .to_rust()
        .map_err(|e| McaError::invalid("", e.to_string()))
}

/// Options as a core type; a member of the wrong type is a `config` error naming `what`.
pub fn options<T>(value: Option<Ts<T>>, what: &str) -> Result<T, McaError>
where
    T: Tsify + DeserializeOwned + Default,
    T::JsType: Clone,
{
    match value {
        None => Ok(T::default()),
        Some(v) => v
            .to_rust()
            .map_err(|e| McaError::config(format!("{what}: {e}"))),
    }
}

/// The JavaScript value an error rejects with: the core's flat [`ErrorView`] as an object (the
/// package builds its `McaError` from it). Never holds secrets.
pub fn error_value(error: &McaError) -> JsValue {
    match ErrorView::from(error).into_js() {
        Ok(view) => view.into(),
        Err(_) => js_sys::Error::new(&error.to_string()).into(),
    }
}
