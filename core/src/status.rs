//! [`HttpStatus`]: an HTTP status code, `u16` in Rust and a signed integer in every binding.

use std::fmt;

use serde::{Deserialize, Serialize};

/// An HTTP status code (`200`, `404`, …). Any `u16` is kept as sent; the core classifies it.
///
/// In the bindings it is a signed 32-bit integer (Kotlin `Int`, Python `int`, TypeScript `number`):
/// no unsigned type reaches a public surface. A binding handing the core a value outside
/// `0..=65535` gets an error instead of a wrapped number.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct HttpStatus(pub u16);

impl HttpStatus {
    /// The code.
    pub const fn get(self) -> u16 {
        self.0
    }

    /// True for 2xx.
    pub fn is_success(self) -> bool {
        (200..300).contains(&self.0)
    }

    /// The code as the bindings show it (`i32`, always in `0..=65535`).
    pub fn to_i32(self) -> i32 {
        i32::from(self.0)
    }

    /// From a binding's signed integer; `None` outside `0..=65535`.
    pub fn from_i32(code: i32) -> Option<Self> {
        u16::try_from(code).ok().map(HttpStatus)
    }
}

impl From<u16> for HttpStatus {
    fn from(code: u16) -> Self {
        HttpStatus(code)
    }
}

impl From<HttpStatus> for u16 {
    fn from(status: HttpStatus) -> Self {
        status.0
    }
}

impl PartialEq<u16> for HttpStatus {
    fn eq(&self, other: &u16) -> bool {
        self.0 == *other
    }
}

impl PartialOrd<u16> for HttpStatus {
    fn partial_cmp(&self, other: &u16) -> Option<std::cmp::Ordering> {
        self.0.partial_cmp(other)
    }
}

impl fmt::Display for HttpStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

#[cfg(feature = "uniffi")]
uniffi::custom_type!(HttpStatus, i32, {
    lower: |status| status.to_i32(),
    try_lift: |code| HttpStatus::from_i32(code).ok_or_else(|| {
        uniffi::deps::anyhow::anyhow!("HTTP status {code} is outside 0..=65535")
    }),
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_view_is_checked_and_round_trips() {
        assert_eq!(HttpStatus::from_i32(404), Some(HttpStatus(404)));
        assert_eq!(
            HttpStatus::from_i32(65_535).map(HttpStatus::to_i32),
            Some(65_535)
        );
        assert_eq!(HttpStatus::from_i32(-1), None);
        assert_eq!(HttpStatus::from_i32(65_536), None);
        assert!(HttpStatus(204).is_success() && !HttpStatus(300).is_success());
        assert!(HttpStatus(503) >= 500 && HttpStatus(404) == 404);
        assert_eq!(
            serde_json::to_string(&HttpStatus(429)).ok().as_deref(),
            Some("429")
        );
    }
}
