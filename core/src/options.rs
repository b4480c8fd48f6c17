//! What callers configure, as records every binding shows as they are (uniffi and tsify derives):
//! the client options and the options of the polling flows, in milliseconds. Defaults, limits and
//! the rule between `token` and `credentials` live here once, for every language and the CLI.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::McaError;
use crate::flow::{EnsureOptions, PollOptions};
use crate::http::{ClientConfig, RetryPolicy, DEFAULT_REQUEST_TIMEOUT};
use crate::timestamp::Timestamp;
use crate::token::Credentials;

/// How requests are authorised.
#[derive(Clone, PartialEq, Eq)]
pub enum Auth {
    /// No `Authorization` header.
    None,
    /// A bearer token obtained elsewhere.
    Bearer(String),
    /// Password grant against the token endpoint; tokens are cached and renewed.
    Password(Credentials),
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::None => f.write_str("Auth::None"),
            Auth::Bearer(_) => f.write_str("Auth::Bearer(<redacted>)"),
            Auth::Password(c) => write!(f, "Auth::Password({c:?})"),
        }
    }
}

/// Everything a client needs besides its platform. Absent members take the core's defaults.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
// The redacting `Debug` becomes `toString`/`__repr__` in the uniffi bindings.
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct ClientOptions {
    /// API base URL: https (http only for loopback hosts), path prefixes kept.
    pub base_url: String,
    /// Reseller GUID.
    pub reseller_id: String,
    /// A bearer token obtained elsewhere (or give `credentials`, not both).
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub token: Option<String>,
    /// Password-grant credentials (or give `token`, not both).
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub credentials: Option<Credentials>,
    /// Token endpoint; `<baseUrl>/connect/token` when absent.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub token_url: Option<String>,
    /// Extra `User-Agent` product, e.g. `acme-onboarding/2.1`.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub user_agent: Option<String>,
    /// Sent as `X-Correlation-Id` on every request when set.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub correlation_id: Option<String>,
    /// How long one HTTP exchange (connect, headers and the whole body) may take, in ms; then a
    /// `transport` error. Default [`DEFAULT_REQUEST_TIMEOUT`] (30 000); at least 1.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub request_timeout_ms: Option<i64>,
    /// Attempts in all of a call that is safe to repeat (reads, finalize, refresh, token);
    /// default [`RetryPolicy::default`]'s (3); 1 = no retry.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub retry_max_attempts: Option<i32>,
}

impl fmt::Debug for ClientOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientOptions")
            .field("base_url", &self.base_url)
            .field("reseller_id", &self.reseller_id)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("credentials", &self.credentials)
            .field("token_url", &self.token_url)
            .field("user_agent", &self.user_agent)
            .field("correlation_id", &self.correlation_id)
            .field("request_timeout_ms", &self.request_timeout_ms)
            .field("retry_max_attempts", &self.retry_max_attempts)
            .finish()
    }
}

/// The message of the `config` error for a client given both a token and credentials.
pub const TOKEN_AND_CREDENTIALS: &str =
    "give either a token or credentials, not both (a token is used as is; credentials fetch and renew tokens)";

impl ClientOptions {
    /// Options with a base URL and a reseller id; everything else absent (defaults).
    pub fn new(base_url: impl Into<String>, reseller_id: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            reseller_id: reseller_id.into(),
            ..Self::default()
        }
    }

    /// The authentication: a token, credentials or none. Both is a `config` error
    /// ([`TOKEN_AND_CREDENTIALS`]), for every binding and the CLI.
    pub fn auth(&self) -> Result<Auth, McaError> {
        match (&self.token, &self.credentials) {
            (Some(_), Some(_)) => Err(McaError::config(TOKEN_AND_CREDENTIALS)),
            (Some(token), None) => Ok(Auth::Bearer(token.clone())),
            (None, Some(credentials)) => Ok(Auth::Password(credentials.clone())),
            (None, None) => Ok(Auth::None),
        }
    }

    /// The request timeout: the option, or [`DEFAULT_REQUEST_TIMEOUT`]. Below 1 ms is `config`.
    pub fn request_timeout(&self) -> Result<Duration, McaError> {
        match self.request_timeout_ms {
            None => Ok(DEFAULT_REQUEST_TIMEOUT),
            Some(ms) => positive_millis(ms, "request timeout"),
        }
    }

    /// The retry bounds: the default policy with the option's attempts. Below 1 is `config`.
    pub fn retry(&self) -> Result<RetryPolicy, McaError> {
        let Some(attempts) = self.retry_max_attempts else {
            return Ok(RetryPolicy::default());
        };
        let max_attempts = u32::try_from(attempts)
            .ok()
            .filter(|n| *n >= 1)
            .ok_or_else(|| {
                McaError::config(format!(
                    "retry max attempts must be 1 or more (got {attempts})"
                ))
            })?;
        Ok(RetryPolicy {
            max_attempts,
            ..RetryPolicy::default()
        })
    }

    /// The checked configuration (`binding` labels the `User-Agent`: `wasm`, `python`, …) and
    /// the authentication. Every rule is checked; the first broken one is a `config` error.
    pub fn resolve(&self, binding: &str) -> Result<(ClientConfig, Auth), McaError> {
        let mut config = ClientConfig::new(&self.base_url, &self.reseller_id, binding)?;
        if let Some(url) = self.token_url.as_deref() {
            config = config.with_token_url(url)?;
        }
        config.user_agent_extra = self.user_agent.clone();
        config.correlation_id = self.correlation_id.clone();
        config.request_timeout = self.request_timeout()?;
        config.retry = self.retry()?;
        Ok((config, self.auth()?))
    }
}

/// A non-negative number of milliseconds, or a `config` error naming `what`.
fn millis(ms: i64, what: &str) -> Result<Duration, McaError> {
    u64::try_from(ms)
        .map(Duration::from_millis)
        .map_err(|_| McaError::config(format!("{what} must be 0 ms or more (got {ms})")))
}

/// A positive number of milliseconds, or a `config` error naming `what`.
fn positive_millis(ms: i64, what: &str) -> Result<Duration, McaError> {
    match u64::try_from(ms) {
        Ok(ms) if ms >= 1 => Ok(Duration::from_millis(ms)),
        _ => Err(McaError::config(format!(
            "{what} must be 1 ms or more (got {ms})"
        ))),
    }
}

/// Options of `wait_for_signature`, in milliseconds; all optional.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct WaitOptions {
    /// Give up with a `deadline` error this many ms after the call starts (default: never).
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub deadline_ms: Option<i64>,
    /// First wait between polls (default 2000, at least 10); waits double up to the longest.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub poll_interval_ms: Option<i64>,
    /// Longest wait between polls (default 30 000).
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub max_poll_interval_ms: Option<i64>,
    /// Jitter seed: 0 or absent (default) for none, otherwise waits are scaled into [50 %, 100 %].
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub jitter_seed: Option<i64>,
}

impl WaitOptions {
    /// The polling schedule of a call that starts at `now` (the deadline is `now + deadline_ms`).
    /// A negative number is a `config` error.
    pub fn resolve(&self, now: Timestamp) -> Result<PollOptions, McaError> {
        let mut poll = PollOptions::default();
        if let Some(ms) = self.poll_interval_ms {
            poll.initial_interval = millis(ms, "poll interval")?;
        }
        if let Some(ms) = self.max_poll_interval_ms {
            poll.max_interval = millis(ms, "max poll interval")?;
        }
        if let Some(ms) = self.deadline_ms {
            poll.deadline = Some(now.add(millis(ms, "deadline")?));
        }
        poll.jitter_seed = self
            .jitter_seed
            .map_or(0, |seed| u64::from_ne_bytes(seed.to_ne_bytes()));
        Ok(poll)
    }
}

/// Options of `ensure_accepted`, in milliseconds; all optional. The polling members are those of
/// [`WaitOptions`].
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct EnsureAcceptedOptions {
    /// Wait for the signer (default true), or return `pending` once the attestation exists.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub wait: Option<bool>,
    /// Reads of the acceptance state after finalize before returning `finalized` (default 5).
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub confirm_attempts: Option<i32>,
    /// As [`WaitOptions::deadline_ms`].
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub deadline_ms: Option<i64>,
    /// As [`WaitOptions::poll_interval_ms`].
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub poll_interval_ms: Option<i64>,
    /// As [`WaitOptions::max_poll_interval_ms`].
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub max_poll_interval_ms: Option<i64>,
    /// As [`WaitOptions::jitter_seed`].
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub jitter_seed: Option<i64>,
}

impl EnsureAcceptedOptions {
    /// The polling members.
    pub fn wait_options(&self) -> WaitOptions {
        WaitOptions {
            deadline_ms: self.deadline_ms,
            poll_interval_ms: self.poll_interval_ms,
            max_poll_interval_ms: self.max_poll_interval_ms,
            jitter_seed: self.jitter_seed,
        }
    }

    /// The flow's options for a call that starts at `now`. A negative number is a `config` error.
    pub fn resolve(&self, now: Timestamp) -> Result<EnsureOptions, McaError> {
        let mut options = EnsureOptions {
            poll: self.wait_options().resolve(now)?,
            ..EnsureOptions::default()
        };
        if let Some(wait) = self.wait {
            options.wait = wait;
        }
        if let Some(n) = self.confirm_attempts {
            options.confirm_attempts = u32::try_from(n).map_err(|_| {
                McaError::config(format!("confirm attempts must be 0 or more (got {n})"))
            })?;
        }
        Ok(options)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const RESELLER: &str = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";

    #[test]
    fn token_and_credentials_together_are_a_config_error() {
        let mut options = ClientOptions::new("https://api.example.com", RESELLER);
        options.token = Some("t".into());
        options.credentials = Some(Credentials {
            username: "u".into(),
            password: "p".into(),
            ..Credentials::default()
        });
        let err = options.resolve("rust").unwrap_err();
        assert_eq!(err.kind(), "config");
        assert!(err.to_string().contains(TOKEN_AND_CREDENTIALS), "{err}");
        options.credentials = None;
        assert_eq!(options.auth().unwrap(), Auth::Bearer("t".into()));
    }

    #[test]
    fn defaults_and_limits_of_the_client_options() {
        let mut options = ClientOptions::new("https://api.example.com", RESELLER);
        let (config, auth) = options.resolve("rust").unwrap();
        assert_eq!(auth, Auth::None);
        assert_eq!(config.request_timeout, DEFAULT_REQUEST_TIMEOUT);
        assert_eq!(config.retry.max_attempts, 3);
        options.request_timeout_ms = Some(0);
        assert_eq!(options.resolve("rust").unwrap_err().kind(), "config");
        options.request_timeout_ms = Some(1500);
        options.retry_max_attempts = Some(1);
        let (config, _) = options.resolve("rust").unwrap();
        assert_eq!(config.request_timeout, Duration::from_millis(1500));
        assert_eq!(config.retry.max_attempts, 1);
        options.retry_max_attempts = Some(0);
        assert_eq!(options.resolve("rust").unwrap_err().kind(), "config");
    }

    #[test]
    fn debug_hides_the_token() {
        let mut options = ClientOptions::new("https://api.example.com", RESELLER);
        options.token = Some("secret-token-value".into());
        assert!(!format!("{options:?}").contains("secret-token-value"));
    }

    #[test]
    fn flow_options_in_milliseconds() {
        let now = Timestamp::parse("2026-11-25T12:00:00Z").unwrap();
        let poll = WaitOptions::default().resolve(now).unwrap();
        assert_eq!(poll, PollOptions::default());
        let options = EnsureAcceptedOptions {
            wait: Some(false),
            deadline_ms: Some(60_000),
            poll_interval_ms: Some(500),
            ..EnsureAcceptedOptions::default()
        };
        let ensure = options.resolve(now).unwrap();
        assert!(!ensure.wait);
        assert_eq!(ensure.confirm_attempts, 5);
        assert_eq!(ensure.poll.initial_interval, Duration::from_millis(500));
        assert_eq!(
            ensure.poll.deadline,
            Some(Timestamp::parse("2026-11-25T12:01:00Z").unwrap())
        );
        let bad = WaitOptions {
            poll_interval_ms: Some(-1),
            ..WaitOptions::default()
        };
        assert_eq!(bad.resolve(now).unwrap_err().kind(), "config");
    }
}
