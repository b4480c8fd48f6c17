//! The one error type of the SDK, with stable `kind` strings shared by every language.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::problem::Problem;

/// One violated rule of client-side validation: where (an RFC 6901 pointer into the request body,
/// or a parameter name such as `/organizationId`) and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct Violation {
    /// RFC 6901 JSON pointer, e.g. `/signer/emailAddress`.
    pub pointer: String,
    /// Human-readable explanation.
    pub detail: String,
}

impl Violation {
    /// A violation at `pointer`.
    pub fn new(pointer: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            pointer: pointer.into(),
            detail: detail.into(),
        }
    }
}

/// Every failure the SDK reports. [`Error::kind`] gives the stable string used by all bindings.
///
/// Display and Debug never contain tokens, passwords or signer details.
#[derive(Clone, Debug, PartialEq, thiserror::Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Error))]
pub enum Error {
    /// Client-side validation failed; nothing was sent. Every violation is listed.
    #[error("invalid input: {}", summarize(violations))]
    Invalid {
        /// All violations found, in document order.
        violations: Vec<Violation>,
    },
    /// The API answered with an error (RFC 9457 problem or a legacy shape).
    #[error("API error {}: {}", problem.status, problem.summary())]
    Api {
        /// The problem details, normalised.
        problem: Problem,
    },
    /// 401: the token is missing, expired or wrong, or the credentials were refused.
    #[error("unauthorized ({}): {}", problem.status, problem.summary())]
    Unauthorized {
        /// The problem details, normalised.
        problem: Problem,
    },
    /// 403: the caller may not act on this reseller or organisation.
    #[error("forbidden: {}", problem.summary())]
    Forbidden {
        /// The problem details, normalised.
        problem: Problem,
    },
    /// 429 where it is an error: retry after the given delay.
    #[error("rate limited{}", retry_after.map(|d| format!(", retry after {} ms", d.as_millis())).unwrap_or_default())]
    RateLimited {
        /// Delay from `Retry-After`, if the server sent one.
        retry_after: Option<Duration>,
        /// The problem details, normalised.
        problem: Problem,
    },
    /// The request did not get a response (connection, DNS, TLS, timeout, dropped connection).
    #[error("transport error: {message}")]
    Transport {
        /// What the platform reported.
        message: String,
    },
    /// A response arrived but could not be understood.
    #[error("could not decode response (status {status}): {message}")]
    Decode {
        /// HTTP status of the response.
        status: u16,
        /// What was wrong with it.
        message: String,
        /// The first bytes of the body (empty for token responses, which may hold secrets).
        body_excerpt: String,
    },
    /// The caller's deadline passed before the flow finished.
    #[error("deadline exceeded: {message}")]
    Deadline {
        /// Where the flow was when the deadline passed.
        message: String,
    },
    /// The client is configured wrongly (base URL, reseller id, credentials).
    #[error("configuration error: {message}")]
    Config {
        /// What is wrong.
        message: String,
    },
}

fn summarize(violations: &[Violation]) -> String {
    violations
        .iter()
        .map(|v| format!("{}: {}", v.pointer, v.detail))
        .collect::<Vec<_>>()
        .join("; ")
}

impl Error {
    /// The stable kind string: `invalid`, `api`, `unauthorized`, `forbidden`, `rate_limited`,
    /// `transport`, `decode`, `deadline` or `config`.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Invalid { .. } => "invalid",
            Error::Api { .. } => "api",
            Error::Unauthorized { .. } => "unauthorized",
            Error::Forbidden { .. } => "forbidden",
            Error::RateLimited { .. } => "rate_limited",
            Error::Transport { .. } => "transport",
            Error::Decode { .. } => "decode",
            Error::Deadline { .. } => "deadline",
            Error::Config { .. } => "config",
        }
    }

    /// The HTTP status, where a response was received.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { problem }
            | Error::Unauthorized { problem }
            | Error::Forbidden { problem }
            | Error::RateLimited { problem, .. } => Some(problem.status),
            Error::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The problem details, for the kinds that carry them.
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            Error::Api { problem }
            | Error::Unauthorized { problem }
            | Error::Forbidden { problem }
            | Error::RateLimited { problem, .. } => Some(problem),
            _ => None,
        }
    }

    /// Violations: client-side ones for `invalid`, the server's `errors` for the others.
    pub fn violations(&self) -> Vec<Violation> {
        match self {
            Error::Invalid { violations } => violations.clone(),
            _ => self.problem().map(|p| p.errors.clone()).unwrap_or_default(),
        }
    }

    /// Delay from `Retry-After`, where the server sent one.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::RateLimited { retry_after, .. } => *retry_after,
            _ => self.problem().and_then(|p| p.retry_after),
        }
    }

    /// An `invalid` error with a single violation.
    pub fn invalid(pointer: impl Into<String>, detail: impl Into<String>) -> Self {
        Error::Invalid {
            violations: vec![Violation::new(pointer, detail)],
        }
    }

    /// A `config` error.
    pub fn config(message: impl Into<String>) -> Self {
        Error::Config {
            message: message.into(),
        }
    }

    /// A `transport` error.
    pub fn transport(message: impl Into<String>) -> Self {
        Error::Transport {
            message: message.into(),
        }
    }

    /// True when a write may or may not have taken effect: no response, a 5xx/408 answer, or a
    /// success whose body could not be read.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            Error::Transport { .. } | Error::Decode { .. } => true,
            Error::Api { problem } => problem.status >= 500 || problem.status == 408,
            _ => false,
        }
    }
}
