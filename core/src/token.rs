//! OAuth 2.0 password grant against the IdentityServer token endpoint, and the token it yields.

use std::fmt;
use std::time::Duration;

use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::decode::parse_problem;
use crate::error::McaError;
use crate::error::Problem;
use crate::http::{ClientConfig, HttpRequest, HttpResponse, Method};
use crate::ops::{Op, Operation};
use crate::redact::scrub_values;
use crate::timestamp::Timestamp;

/// Longest time before expiry at which a token is renewed.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// Longest token lifetime believed: a larger `expires_in` is cut to this (one day), so that a
/// server's huge value never keeps a token cached for longer.
pub const MAX_EXPIRES_IN: Duration = Duration::from_secs(24 * 60 * 60);

/// Lifetime when the response has no `expires_in`.
pub const DEFAULT_EXPIRES_IN: Duration = Duration::from_secs(3600);

/// `expires_in` in seconds (a JSON number or a numeric string, fractions allowed) as a duration:
/// `None` when it is not a finite, non-negative number; values above [`MAX_EXPIRES_IN`] are cut
/// to it. Whole milliseconds, computed without float-to-`Duration` conversions.
pub fn expires_in(value: &Value) -> Option<Duration> {
    let seconds = match value {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => s.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    if !seconds.is_finite() || seconds < 0.0 {
        return None;
    }
    let cap = MAX_EXPIRES_IN.as_secs_f64();
    if seconds >= cap {
        return Some(MAX_EXPIRES_IN);
    }
    // Finite and in [0, one day): the product is below 8.64e7, so the cast is exact and in range.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let millis = (seconds * 1000.0).round() as u64;
    Some(Duration::from_millis(millis))
}

/// How the OAuth client id and secret are sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub enum ClientAuth {
    /// `Authorization: Basic base64(id:secret)` (default).
    #[default]
    Basic,
    /// `client_id` and `client_secret` in the form body.
    Body,
}

/// Resource-owner credentials for the password grant. Secrets are redacted in `Debug`.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
// The redacting `Debug` becomes `toString`/`__repr__` in the uniffi bindings.
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Credentials {
    /// API user name.
    pub username: String,
    /// API password.
    pub password: String,
    /// OAuth client id, when the identity server requires one.
    #[cfg_attr(feature = "wasm", tsify(optional))]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub client_id: Option<String>,
    /// OAuth client secret.
    #[cfg_attr(feature = "wasm", tsify(optional))]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub client_secret: Option<String>,
    /// How the client id and secret are sent; [`ClientAuth::Basic`] when absent (see
    /// [`Credentials::client_auth`]).
    #[cfg_attr(feature = "wasm", tsify(optional))]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub client_auth: Option<ClientAuth>,
    /// Scope; `api` when absent.
    #[cfg_attr(feature = "wasm", tsify(optional))]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub scope: Option<String>,
}

impl Credentials {
    /// How the client id and secret are sent: the member, or the default [`ClientAuth::Basic`].
    pub fn client_auth(&self) -> ClientAuth {
        self.client_auth.unwrap_or_default()
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("client_auth", &self.client_auth)
            .finish()
    }
}

/// An access token and when it expires. The token is redacted in `Debug`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
// The redacting `Debug` becomes `toString`/`__repr__` in the uniffi bindings.
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Token {
    /// The bearer token.
    pub access_token: String,
    /// Usually `Bearer`.
    pub token_type: String,
    /// When it was issued (the `now` of parsing).
    pub issued_at: Timestamp,
    /// `issued_at + expires_in`.
    pub expires_at: Timestamp,
    /// Granted scope.
    pub scope: Option<String>,
}

impl Token {
    /// True when the token should be renewed before use: within [`REFRESH_MARGIN`] (or a quarter
    /// of its lifetime, whichever is shorter) of expiry.
    pub fn needs_refresh(&self, now: Timestamp) -> bool {
        let lifetime = self.expires_at.since(self.issued_at);
        let margin = REFRESH_MARGIN.min(lifetime.checked_div(4).unwrap_or_default());
        now.add(margin) >= self.expires_at
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("access_token", &"<redacted>")
            .field("token_type", &self.token_type)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// Password grant request.
#[derive(Clone, Debug)]
pub struct TokenOp {
    /// The credentials.
    pub credentials: Credentials,
}

impl TokenOp {
    /// The problem without the password or client secret, should the endpoint echo them (as
    /// sent, or form-encoded as in the request body).
    fn scrub(&self, problem: Problem) -> Problem {
        let c = &self.credentials;
        let mut secrets: Vec<String> = vec![c.password.clone()];
        secrets.extend(c.client_secret.clone());
        let encoded: Vec<String> = secrets
            .iter()
            .map(|s| form_urlencoded::byte_serialize(s.as_bytes()).collect())
            .collect();
        secrets.extend(encoded);
        let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
        problem.map_text(|text| scrub_values(text, &secrets))
    }
}

impl Operation for TokenOp {
    type Output = Token;
    fn op(&self) -> Op {
        Op::Token
    }
    fn request(&self, config: &ClientConfig, _now: Timestamp) -> Result<HttpRequest, McaError> {
        let c = &self.credentials;
        if c.username.is_empty() || c.password.is_empty() {
            return Err(McaError::config(
                "credentials need a username and a password",
            ));
        }
        let mut form = form_urlencoded::Serializer::new(String::new());
        form.append_pair("grant_type", "password")
            .append_pair("username", &c.username)
            .append_pair("password", &c.password)
            .append_pair("scope", c.scope.as_deref().unwrap_or("api"));
        let client = c.client_id.as_deref().filter(|id| !id.is_empty());
        if let (Some(id), ClientAuth::Body) = (client, c.client_auth()) {
            form.append_pair("client_id", id);
            if let Some(secret) = &c.client_secret {
                form.append_pair("client_secret", secret);
            }
        }
        let mut req = config.request(
            Op::Token,
            Method::Post,
            config.token_url.clone(),
            Some((form.finish(), "application/x-www-form-urlencoded")),
        );
        req.set_header("Accept", "application/json");
        if let (Some(id), ClientAuth::Basic) = (client, c.client_auth()) {
            let pair = format!("{id}:{}", c.client_secret.as_deref().unwrap_or(""));
            let encoded = base64::engine::general_purpose::STANDARD.encode(pair);
            req.set_header("Authorization", format!("Basic {encoded}"));
        }
        Ok(req)
    }
    fn parse(&self, resp: &HttpResponse, now: Timestamp) -> Result<Token, McaError> {
        if !resp.is_success() {
            // OAuth errors (invalid_grant, invalid_client) are authentication failures.
            let problem = self.scrub(parse_problem(resp, now));
            return Err(match resp.status.get() {
                400 | 401 => McaError::Unauthorized { problem },
                403 => McaError::Forbidden { problem },
                429 => McaError::RateLimited {
                    retry_after: problem.retry_after,
                    problem,
                },
                _ => McaError::Api { problem },
            });
        }
        // Token bodies hold secrets: decode errors carry no excerpt.
        let decode = |message: &str| McaError::Decode {
            status: resp.status,
            message: message.to_string(),
            body_excerpt: String::new(),
        };
        let Ok(Value::Object(map)) = serde_json::from_str::<Value>(resp.body.trim()) else {
            return Err(decode("token response is not a JSON object"));
        };
        let access_token = map
            .get("access_token")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| decode("token response has no access_token"))?;
        let expires_in = match map.get("expires_in") {
            None | Some(Value::Null) => DEFAULT_EXPIRES_IN,
            Some(value) => expires_in(value).ok_or_else(|| {
                decode("token response's expires_in is not a finite, non-negative number")
            })?,
        };
        Ok(Token {
            access_token: access_token.to_string(),
            token_type: map
                .get("token_type")
                .and_then(Value::as_str)
                .unwrap_or("Bearer")
                .to_string(),
            issued_at: now,
            expires_at: now.add(expires_in),
            scope: map.get("scope").and_then(Value::as_str).map(str::to_string),
        })
    }
}
