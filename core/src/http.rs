//! Plain HTTP records exchanged with the platform, the base URL rules and the client configuration.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::McaError;
use crate::ids::ResellerId;
use crate::status::HttpStatus;

/// Names of the operations (stable strings: `start_attestation`, …, `token`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub enum Op {
    /// POST csp/mca/attestation
    StartAttestation,
    /// GET csp/mca/attestation
    GetAttestation,
    /// PUT csp/mca/attestation/finalize
    FinalizeAttestation,
    /// GET csp/mca/acceptance
    GetAcceptance,
    /// POST csp/mca/acceptance/refresh
    RefreshAcceptance,
    /// POST Csp
    AddCspService,
    /// POST connect/token
    Token,
}

impl Op {
    /// Every operation, in declaration order.
    pub const ALL: [Op; 7] = [
        Op::StartAttestation,
        Op::GetAttestation,
        Op::FinalizeAttestation,
        Op::GetAcceptance,
        Op::RefreshAcceptance,
        Op::AddCspService,
        Op::Token,
    ];

    /// The stable snake_case name.
    pub fn name(&self) -> &'static str {
        match self {
            Op::StartAttestation => "start_attestation",
            Op::GetAttestation => "get_attestation",
            Op::FinalizeAttestation => "finalize_attestation",
            Op::GetAcceptance => "get_acceptance",
            Op::RefreshAcceptance => "refresh_acceptance",
            Op::AddCspService => "add_csp_service",
            Op::Token => "token",
        }
    }

    /// True when sending it twice is harmless, so a failed attempt may be retried blindly.
    /// Starting an attestation and adding a CSP service are never retried blindly; a second
    /// password grant only issues another token, so the token request is retried too.
    pub fn retry_safe(&self) -> bool {
        matches!(
            self,
            Op::GetAttestation
                | Op::FinalizeAttestation
                | Op::GetAcceptance
                | Op::RefreshAcceptance
                | Op::Token
        )
    }

    /// True when a success whose body could not be read may be asked for again: the reads and the
    /// token request. A finalize or refresh that answered 2xx has done its work, so a second one
    /// would only report a conflict.
    pub fn reread_safe(&self) -> bool {
        matches!(self, Op::GetAttestation | Op::GetAcceptance | Op::Token)
    }
}

/// HTTP method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
    /// PUT
    Put,
}

impl Method {
    /// Upper-case name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
        }
    }
}

/// One header line.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
// The redacting `Debug` becomes `toString`/`__repr__` in the uniffi bindings.
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Header {
    /// Header name.
    pub name: String,
    /// Header value.
    pub value: String,
}

impl Header {
    /// A header.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            value: value.into(),
        }
    }

    fn is_secret(&self) -> bool {
        self.name.eq_ignore_ascii_case("authorization")
    }
}

impl fmt::Debug for Header {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_secret() {
            write!(f, "{}: <redacted>", self.name)
        } else {
            write!(f, "{}: {}", self.name, self.value)
        }
    }
}

/// A request for the platform to send.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
// The redacting `Debug` becomes `toString`/`__repr__` in the uniffi bindings.
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct HttpRequest {
    /// Which operation this is (for logs, metrics and progress callbacks; not sent).
    pub op: Op,
    /// Method.
    pub method: Method,
    /// Absolute URL.
    pub url: String,
    /// Headers in order.
    pub headers: Vec<Header>,
    /// Body text (JSON or form), if any.
    pub body: Option<String>,
    /// How long the platform may take for this exchange (connect, headers and the whole body),
    /// in milliseconds; then it reports a `transport` error (`request timed out after N ms`).
    #[cfg_attr(feature = "uniffi", uniffi(default = 30000))]
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: i64,
}

fn default_timeout_ms() -> i64 {
    millis_i64(DEFAULT_REQUEST_TIMEOUT)
}

/// A duration in whole milliseconds as `i64` (saturating), the unit of every `…_ms` member.
pub fn millis_i64(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

impl HttpRequest {
    /// First header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// Sets (replaces) a header.
    pub fn set_header(&mut self, name: &str, value: impl Into<String>) {
        self.headers.retain(|h| !h.name.eq_ignore_ascii_case(name));
        self.headers.push(Header::new(name, value));
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest")
            .field("op", &self.op)
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &self.headers)
            .field(
                "body",
                &self.body.as_ref().map(|b| format!("<{} bytes>", b.len())),
            )
            .field("timeout_ms", &self.timeout_ms)
            .finish()
    }
}

/// A response the platform received.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
// The `Debug` (body length only) becomes `toString`/`__repr__` in the uniffi bindings.
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct HttpResponse {
    /// Status code (`Int`/`int`/`number` in the bindings).
    #[cfg_attr(feature = "wasm", tsify(type = "number"))]
    pub status: HttpStatus,
    /// Headers.
    #[cfg_attr(feature = "uniffi", uniffi(default = []))]
    pub headers: Vec<Header>,
    /// Body text (empty when none).
    #[cfg_attr(feature = "uniffi", uniffi(default = ""))]
    pub body: String,
}

impl HttpResponse {
    /// A response from parts.
    pub fn new(status: u16, headers: Vec<Header>, body: impl Into<String>) -> Self {
        Self {
            status: HttpStatus(status),
            headers,
            body: body.into(),
        }
    }

    /// First header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// True for 2xx.
    pub fn is_success(&self) -> bool {
        self.status.is_success()
    }
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &format!("<{} bytes>", self.body.len()))
            .finish()
    }
}

/// Header look-up for the uniffi bindings (host transports and tests read request headers).
#[cfg(feature = "uniffi")]
#[uniffi::export]
impl HttpRequest {
    /// The value of the first header with this name (case-insensitive), if any.
    #[uniffi::method(name = "header")]
    pub fn header_value(&self, name: String) -> Option<String> {
        self.header(&name).map(str::to_string)
    }
}

/// Header look-up for the uniffi bindings.
#[cfg(feature = "uniffi")]
#[uniffi::export]
impl HttpResponse {
    /// The value of the first header with this name (case-insensitive), if any.
    #[uniffi::method(name = "header")]
    pub fn header_value(&self, name: String) -> Option<String> {
        self.header(&name).map(str::to_string)
    }
}

fn find_header<'a>(headers: &'a [Header], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str())
}

/// The API's base URL: https (http only for loopback hosts), always ending in `/`, path prefixes kept.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct BaseUrl(String);

impl BaseUrl {
    /// Checks and normalises a base URL such as `https://api.example.com/gateway`.
    pub fn parse(text: &str) -> Result<Self, McaError> {
        let text = text.trim();
        let (scheme, rest) = text.split_once("://").ok_or_else(|| {
            McaError::config(format!("base URL {text:?} must start with https://"))
        })?;
        let scheme = scheme.to_ascii_lowercase();
        if text.contains(['?', '#']) || text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(McaError::config(
                "base URL must not contain a query, a fragment or spaces",
            ));
        }
        let (authority, path) = match rest.find('/') {
            Some(i) => rest.split_at_checked(i).unwrap_or((rest, "/")),
            None => (rest, "/"),
        };
        if authority.is_empty() || authority.contains('@') {
            return Err(McaError::config(
                "base URL needs a host and must not carry user information",
            ));
        }
        let host = host_of(authority).to_ascii_lowercase();
        match scheme.as_str() {
            "https" => {}
            "http" if is_loopback(&host) => {}
            "http" if host.ends_with(".localhost") || host.ends_with('.') => {
                return Err(McaError::config(format!(
                    "base URL host {host:?} is resolved by name: plain http is allowed only for \
                     the exact host localhost and loopback addresses (127.0.0.0/8, [::1])"
                )))
            }
            "http" => {
                return Err(McaError::config(
                    "base URL must use https (plain http is allowed only for localhost and loopback addresses)",
                ))
            }
            _ => return Err(McaError::config("base URL must use https")),
        }
        let mut path = path.to_string();
        if !path.ends_with('/') {
            path.push('/');
        }
        Ok(BaseUrl(format!(
            "{scheme}://{}{path}",
            authority.to_ascii_lowercase()
        )))
    }

    /// The normalised URL, ending in `/`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Joins a relative path (no leading `/`).
    pub fn join(&self, relative: &str) -> String {
        format!("{}{}", self.0, relative.trim_start_matches('/'))
    }
}

fn host_of(authority: &str) -> &str {
    if let Some(rest) = authority.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    authority.split(':').next().unwrap_or(authority)
}

/// Hosts plain http may go to: loopback IP literals (127.0.0.0/8, `::1`) and the exact name
/// `localhost`. Other names (`*.localhost` included) are resolved through DNS, so they need https.
fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Retry bounds for one call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all (1 = no retry).
    pub max_attempts: u32,
    /// First backoff; doubles per attempt.
    pub base_delay: Duration,
    /// Longest backoff, and the longest `Retry-After` honoured before giving up.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
        }
    }
}

/// Everything a request needs besides its own input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientConfig {
    /// API base URL.
    pub base_url: BaseUrl,
    /// Token endpoint; `<base>/connect/token` by default.
    pub token_url: String,
    /// Reseller id in every path.
    pub reseller_id: ResellerId,
    /// Which binding sends (`rust`, `wasm`, `python`, `kotlin`, `cli`) for the `User-Agent`.
    pub binding: String,
    /// Extra `User-Agent` product, e.g. `acme-onboarding/2.1`.
    pub user_agent_extra: Option<String>,
    /// Sent as `X-Correlation-Id` on every request when set.
    pub correlation_id: Option<String>,
    /// How long one HTTP exchange may take; copied into every [`HttpRequest::timeout_ms`].
    pub request_timeout: Duration,
    /// Retry bounds of every call.
    pub retry: RetryPolicy,
}

impl ClientConfig {
    /// Configuration from strings, checked (errors are `config`).
    pub fn new(base_url: &str, reseller_id: &str, binding: &str) -> Result<Self, McaError> {
        let base_url = BaseUrl::parse(base_url)?;
        let reseller_id = ResellerId::parse(reseller_id)
            .map_err(|_| McaError::config(format!("resellerId {reseller_id:?} is not a GUID")))?;
        Ok(Self {
            token_url: base_url.join("connect/token"),
            base_url,
            reseller_id,
            binding: binding.to_string(),
            user_agent_extra: None,
            correlation_id: None,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            retry: RetryPolicy::default(),
        })
    }

    /// Overrides the token endpoint (same https/loopback rule as the base URL).
    pub fn with_token_url(mut self, url: &str) -> Result<Self, McaError> {
        let checked = BaseUrl::parse(url)?;
        self.token_url = checked.as_str().trim_end_matches('/').to_string();
        Ok(self)
    }

    /// The `User-Agent` value.
    pub fn user_agent(&self) -> String {
        let base = format!("mca-attestation/{} ({})", crate::VERSION, self.binding);
        match &self.user_agent_extra {
            Some(extra) if !extra.trim().is_empty() => format!("{} {base}", extra.trim()),
            _ => base,
        }
    }

    /// A request with the common headers set.
    pub(crate) fn request(
        &self,
        op: Op,
        method: Method,
        url: String,
        body: Option<(String, &str)>,
    ) -> HttpRequest {
        let mut headers = vec![
            Header::new("Accept", "application/json, application/problem+json"),
            Header::new("User-Agent", self.user_agent()),
        ];
        let body = body.map(|(text, content_type)| {
            headers.push(Header::new("Content-Type", content_type));
            text
        });
        if let Some(id) = self.correlation_id.as_deref().filter(|s| !s.is_empty()) {
            headers.push(Header::new("X-Correlation-Id", id));
        }
        HttpRequest {
            op,
            method,
            url,
            headers,
            body,
            timeout_ms: millis_i64(self.request_timeout),
        }
    }
}

/// The largest response body a platform reads, in bytes (4 MiB). Every binding reads at most this
/// many bytes plus one, streaming, and reports a larger body as a `transport` error ("response body
/// exceeds N bytes") without buffering the rest. The API's real answers are a few KiB.
pub const MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;

/// How long one HTTP exchange (connect, headers and the whole body) may take by default before the
/// platform gives up with a `transport` error (30 s). Bindings use it where the caller sets no timeout.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn base_url_keeps_prefix_and_adds_slash() {
        let b = BaseUrl::parse("https://Host.example/gateway").unwrap();
        assert_eq!(b.join("api/x"), "https://host.example/gateway/api/x");
    }

    #[test]
    fn http_only_for_loopback() {
        assert!(BaseUrl::parse("http://127.0.0.1:8080").is_ok());
        assert!(BaseUrl::parse("http://[::1]:8080/").is_ok());
        assert!(BaseUrl::parse("http://localhost").is_ok());
        assert_eq!(
            BaseUrl::parse("http://example.com").unwrap_err().kind(),
            "config"
        );
        assert_eq!(
            BaseUrl::parse("ftp://example.com").unwrap_err().kind(),
            "config"
        );
        assert_eq!(
            BaseUrl::parse("https://example.com/?a=1")
                .unwrap_err()
                .kind(),
            "config"
        );
    }

    #[test]
    fn http_is_refused_for_names_that_only_look_local() {
        for url in [
            "http://api.localhost",
            "http://evil.localhost:8080/",
            "http://localhost.",
            "http://localhost.example.com",
            "http://127.0.0.1.nip.io",
            "http://[::ffff:127.0.0.1]/",
        ] {
            let err = BaseUrl::parse(url).unwrap_err();
            assert_eq!(err.kind(), "config", "{url}");
        }
        let err = BaseUrl::parse("http://api.localhost").unwrap_err();
        assert!(err.to_string().contains("resolved by name"), "{err}");
        assert!(BaseUrl::parse("https://api.localhost").is_ok());
        assert!(BaseUrl::parse("http://127.8.9.10:1/").is_ok());
        assert!(BaseUrl::parse("http://[0:0:0:0:0:0:0:1]:8080/").is_ok());
        let config = ClientConfig::new(
            "http://127.0.0.1:1",
            "11111111-1111-4111-8111-111111111111",
            "rust",
        )
        .unwrap();
        assert_eq!(
            config
                .with_token_url("http://idp.localhost/connect/token")
                .unwrap_err()
                .kind(),
            "config"
        );
    }

    #[test]
    fn authorization_is_redacted_in_debug() {
        let h = Header::new("Authorization", "Bearer s3cr3t");
        assert!(!format!("{h:?}").contains("s3cr3t"));
    }
}
