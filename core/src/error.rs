//! The one error type of the SDK, with stable `kind` strings shared by every language.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::status::HttpStatus;

/// One violated rule of client-side validation: where (an RFC 6901 pointer into the request body,
/// or a parameter name such as `/organizationId`) and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Violation {
    /// RFC 6901 JSON pointer, e.g. `/signer/emailAddress` (`""` is the whole document); none when
    /// the server's message names no field.
    pub pointer: Option<String>,
    /// Human-readable explanation.
    pub detail: String,
}

impl Violation {
    /// A violation at `pointer`.
    pub fn new(pointer: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            pointer: Some(pointer.into()),
            detail: detail.into(),
        }
    }

    /// A violation that names no field (a server message without one).
    pub fn general(detail: impl Into<String>) -> Self {
        Self {
            pointer: None,
            detail: detail.into(),
        }
    }
}

impl std::fmt::Display for Violation {
    /// `pointer: detail`, or the detail alone when there is no pointer.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.pointer {
            Some(pointer) => write!(f, "{pointer}: {}", self.detail),
            None => f.write_str(&self.detail),
        }
    }
}

/// The message of [`McaError::cancelled`].
pub const CANCELLED: &str = "the call was cancelled by the caller";

/// Every failure the SDK reports. [`McaError::kind`] gives the stable string used by all bindings.
///
/// Display and Debug never contain tokens, passwords or signer details.
#[derive(Clone, Debug, PartialEq, thiserror::Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Error))]
// Named `CoreError` in the generated bindings: each binding's public error (`McaError` in Python
// and JS, `McaException` in Kotlin) is built from this error's flat view, and Kotlin would turn
// `McaError` into a second `McaException` (and `Error` into `Exception`).
#[cfg_attr(feature = "uniffi", uniffi(name = "CoreError"))]
pub enum McaError {
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
        status: HttpStatus,
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
    /// The caller cancelled (AbortSignal, asyncio or coroutine cancellation); the flow stopped
    /// at once without retrying. A write in flight may or may not have taken effect.
    #[error("cancelled: {message}")]
    Cancelled {
        /// What the platform reported.
        message: String,
    },
}

fn summarize(violations: &[Violation]) -> String {
    violations
        .iter()
        .map(Violation::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

impl McaError {
    /// The error with `f` applied to every text it took from a response (the problem's members, a
    /// decode error's message and excerpt), for redaction. Other kinds are returned as they are.
    pub(crate) fn map_response_text(self, f: &dyn Fn(&str) -> String) -> McaError {
        match self {
            McaError::Api { problem } => McaError::Api {
                problem: problem.map_text(f),
            },
            McaError::Unauthorized { problem } => McaError::Unauthorized {
                problem: problem.map_text(f),
            },
            McaError::Forbidden { problem } => McaError::Forbidden {
                problem: problem.map_text(f),
            },
            McaError::RateLimited {
                retry_after,
                problem,
            } => McaError::RateLimited {
                retry_after,
                problem: problem.map_text(f),
            },
            McaError::Decode {
                status,
                message,
                body_excerpt,
            } => McaError::Decode {
                status,
                message: f(&message),
                body_excerpt: f(&body_excerpt),
            },
            other => other,
        }
    }

    /// The stable kind string: `invalid`, `api`, `unauthorized`, `forbidden`, `rate_limited`,
    /// `transport`, `decode`, `deadline`, `config` or `cancelled`.
    pub fn kind(&self) -> &'static str {
        self.error_kind().as_str()
    }

    /// The kind as an enum.
    pub fn error_kind(&self) -> ErrorKind {
        match self {
            McaError::Invalid { .. } => ErrorKind::Invalid,
            McaError::Api { .. } => ErrorKind::Api,
            McaError::Unauthorized { .. } => ErrorKind::Unauthorized,
            McaError::Forbidden { .. } => ErrorKind::Forbidden,
            McaError::RateLimited { .. } => ErrorKind::RateLimited,
            McaError::Transport { .. } => ErrorKind::Transport,
            McaError::Decode { .. } => ErrorKind::Decode,
            McaError::Deadline { .. } => ErrorKind::Deadline,
            McaError::Config { .. } => ErrorKind::Config,
            McaError::Cancelled { .. } => ErrorKind::Cancelled,
        }
    }

    /// The HTTP status, where a response was received.
    pub fn status(&self) -> Option<u16> {
        match self {
            McaError::Api { problem }
            | McaError::Unauthorized { problem }
            | McaError::Forbidden { problem }
            | McaError::RateLimited { problem, .. } => Some(problem.status.get()),
            McaError::Decode { status, .. } => Some(status.get()),
            _ => None,
        }
    }

    /// The problem details, for the kinds that carry them.
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            McaError::Api { problem }
            | McaError::Unauthorized { problem }
            | McaError::Forbidden { problem }
            | McaError::RateLimited { problem, .. } => Some(problem),
            _ => None,
        }
    }

    /// Violations: client-side ones for `invalid`, the server's `errors` for the others.
    pub fn violations(&self) -> Vec<Violation> {
        match self {
            McaError::Invalid { violations } => violations.clone(),
            _ => self.problem().map(|p| p.errors.clone()).unwrap_or_default(),
        }
    }

    /// Delay from `Retry-After`, where the server sent one.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            McaError::RateLimited { retry_after, .. } => *retry_after,
            _ => self.problem().and_then(|p| p.retry_after),
        }
    }

    /// An `invalid` error with a single violation.
    pub fn invalid(pointer: impl Into<String>, detail: impl Into<String>) -> Self {
        McaError::Invalid {
            violations: vec![Violation::new(pointer, detail)],
        }
    }

    /// A `config` error.
    pub fn config(message: impl Into<String>) -> Self {
        McaError::Config {
            message: message.into(),
        }
    }

    /// The `cancelled` error every binding maps its native cancellation to (AbortSignal, asyncio
    /// `CancelledError`, coroutine `CancellationException`), with the message [`CANCELLED`]; the
    /// binding keeps its native reason as the cause where the language has one.
    pub fn cancelled() -> Self {
        McaError::Cancelled {
            message: CANCELLED.into(),
        }
    }

    /// The `transport` error of a request that took longer than its `timeout_ms`
    /// ([`crate::HttpRequest::timeout_ms`]): `request timed out after N ms`, the same in every
    /// binding.
    pub fn timed_out(timeout_ms: i64) -> Self {
        McaError::transport(format!("request timed out after {timeout_ms} ms"))
    }

    /// The error's own message, for the kinds that carry one instead of a problem or violations.
    fn own_message(&self) -> Option<&str> {
        match self {
            McaError::Transport { message }
            | McaError::Deadline { message }
            | McaError::Config { message }
            | McaError::Cancelled { message }
            | McaError::Decode { message, .. } => Some(message),
            _ => None,
        }
    }

    /// A `transport` error.
    pub fn transport(message: impl Into<String>) -> Self {
        McaError::Transport {
            message: message.into(),
        }
    }

    /// True when a write may or may not have taken effect: no response, a 5xx/408 answer, or a
    /// success whose body could not be read.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            McaError::Transport { .. } | McaError::Decode { .. } => true,
            McaError::Api { problem } => problem.status >= 500 || problem.status == 408,
            _ => false,
        }
    }
}

/// The stable error kinds, the same strings in every language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub enum ErrorKind {
    /// Client-side validation failed; nothing was sent.
    Invalid,
    /// The API answered with an error.
    Api,
    /// 401.
    Unauthorized,
    /// 403.
    Forbidden,
    /// 429 where it is an error.
    RateLimited,
    /// No response (connection, DNS, TLS, request timeout, redirect refused, body too large).
    Transport,
    /// A response that could not be understood.
    Decode,
    /// The caller's deadline passed.
    Deadline,
    /// The client is configured wrongly.
    Config,
    /// The caller cancelled.
    Cancelled,
}

impl ErrorKind {
    /// Every kind, in declaration order.
    pub const ALL: [ErrorKind; 10] = [
        ErrorKind::Invalid,
        ErrorKind::Api,
        ErrorKind::Unauthorized,
        ErrorKind::Forbidden,
        ErrorKind::RateLimited,
        ErrorKind::Transport,
        ErrorKind::Decode,
        ErrorKind::Deadline,
        ErrorKind::Config,
        ErrorKind::Cancelled,
    ];

    /// The stable snake_case string.
    pub fn as_str(&self) -> &'static str {
        match self {
            ErrorKind::Invalid => "invalid",
            ErrorKind::Api => "api",
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::Transport => "transport",
            ErrorKind::Decode => "decode",
            ErrorKind::Deadline => "deadline",
            ErrorKind::Config => "config",
            ErrorKind::Cancelled => "cancelled",
        }
    }
}

/// The flat view of an [`McaError`] that every binding's error object is built from: the same
/// members, filled the same way, in every language (JS `McaError`, Python `McaError`, Kotlin
/// `McaException`, the CLI's JSON). Built in one place: `ErrorView::from(&error)`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct ErrorView {
    /// The stable kind.
    pub kind: ErrorKind,
    /// One line for people (never holds tokens, passwords or signer details).
    pub message: String,
    /// HTTP status, where a response was received.
    pub status: Option<i32>,
    /// The problem's `code` (legacy bodies: the symbolic `errorName`).
    pub code: Option<String>,
    /// The problem's `title`.
    pub title: Option<String>,
    /// The problem's `detail`; for `transport`, `decode`, `deadline`, `config` and `cancelled`
    /// the error's own message; none for `invalid` (see `violations`).
    pub detail: Option<String>,
    /// Client-side violations (`invalid`) or the server's field errors.
    pub violations: Vec<Violation>,
    /// Delay from `Retry-After` in milliseconds, where the server sent one.
    pub retry_after_ms: Option<i64>,
    /// The problem's `traceId`.
    pub trace_id: Option<String>,
    /// For `decode`: the redacted first characters of the body.
    pub body_excerpt: Option<String>,
    /// The normalised problem details, for the kinds that carry them.
    pub problem: Option<Problem>,
}

impl From<&McaError> for ErrorView {
    fn from(error: &McaError) -> Self {
        let problem = error.problem();
        let detail = match error.own_message() {
            Some(message) => Some(message.to_string()),
            None => problem.and_then(|p| p.detail.clone()),
        };
        ErrorView {
            kind: error.error_kind(),
            message: error.to_string(),
            status: error.status().map(i32::from),
            code: problem.and_then(|p| p.code.clone()),
            title: problem.and_then(|p| p.title.clone()),
            detail,
            violations: error.violations(),
            retry_after_ms: error
                .retry_after()
                .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX)),
            trace_id: problem.and_then(|p| p.trace_id.clone()),
            body_excerpt: match error {
                McaError::Decode { body_excerpt, .. } => Some(body_excerpt.clone()),
                _ => None,
            },
            problem: problem.cloned(),
        }
    }
}

impl From<McaError> for ErrorView {
    fn from(error: McaError) -> Self {
        ErrorView::from(&error)
    }
}

/// Problem details of an error response, normalised from whatever shape the server sent.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Problem {
    /// HTTP status of the response (the body's `status` is ignored when it disagrees).
    #[cfg_attr(feature = "wasm", tsify(type = "number"))]
    pub status: HttpStatus,
    /// `type` URI; `about:blank` when absent.
    #[serde(rename = "type")]
    pub type_uri: String,
    /// Short summary.
    pub title: Option<String>,
    /// Explanation of this occurrence (for non-JSON bodies: an excerpt of the body).
    pub detail: Option<String>,
    /// URI of this occurrence.
    pub instance: Option<String>,
    /// Cloudmore error code extension.
    pub code: Option<String>,
    /// Field errors with RFC 6901 pointers.
    pub errors: Vec<Violation>,
    /// `traceId` extension.
    pub trace_id: Option<String>,
    /// From `Retry-After`, when sent.
    #[serde(with = "crate::timestamp::opt_millis", rename = "retryAfterMs")]
    #[cfg_attr(feature = "wasm", tsify(type = "number | null"))]
    pub retry_after: Option<Duration>,
    /// Other members of the problem object, as a JSON object text (`{}` when none).
    pub extensions: String,
}

impl Problem {
    /// One line: title, detail and code.
    pub fn summary(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if let Some(t) = &self.title {
            parts.push(t.clone());
        }
        if let Some(d) = &self.detail {
            parts.push(d.clone());
        }
        if let Some(c) = &self.code {
            parts.push(format!("[{c}]"));
        }
        for e in &self.errors {
            parts.push(e.to_string());
        }
        if parts.is_empty() {
            parts.push(reason_phrase(self.status.get()).to_string());
        }
        parts.join(" — ")
    }

    /// A problem made on the client side (no body was parsed).
    pub fn synthetic(status: u16, code: &str, detail: &str) -> Self {
        Problem {
            status: HttpStatus(status),
            type_uri: "about:blank".into(),
            title: Some(reason_phrase(status).into()),
            detail: Some(detail.into()),
            code: Some(code.into()),
            extensions: "{}".into(),
            ..Problem::default()
        }
    }
}

impl Problem {
    /// The problem with `f` applied to every text member (for redaction).
    pub(crate) fn map_text(mut self, f: impl Fn(&str) -> String) -> Problem {
        let on = |text: &mut Option<String>| {
            if let Some(t) = text.as_mut() {
                *t = f(t);
            }
        };
        on(&mut self.title);
        on(&mut self.detail);
        on(&mut self.instance);
        on(&mut self.code);
        on(&mut self.trace_id);
        self.type_uri = f(&self.type_uri);
        self.extensions = f(&self.extensions);
        for v in &mut self.errors {
            v.detail = f(&v.detail);
            v.pointer = v.pointer.as_deref().map(&f);
        }
        self
    }
}

/// Standard reason phrase for a status.
pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        s if s >= 500 => "Server Error",
        s if s >= 400 => "Client Error",
        _ => "Unexpected Status",
    }
}
