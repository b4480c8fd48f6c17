//! Where the connection settings come from: flags, then environment variables (clap reads both,
//! flags first), then an optional TOML config file. Secrets are never printed.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, ValueEnum};
use mca_attestation::http::millis_i64;
use mca_attestation::{
    Auth, ClientAuth, ClientConfig, ClientOptions, Credentials, McaError, Session,
};
use serde::Deserialize;

/// How the OAuth client id and secret are sent to the token endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClientAuthArg {
    /// `Authorization: Basic` (default).
    Basic,
    /// `client_id` / `client_secret` in the form body.
    Body,
}

/// The help heading of the options every command takes, listed apart from the command's own.
pub const GLOBAL_OPTIONS: &str = "Global options";

/// Connection options shared by every command that talks to the API.
#[derive(Args, Clone, Default)]
#[command(next_help_heading = GLOBAL_OPTIONS)]
pub struct Connection {
    /// API base URL (https; plain http only for localhost).
    #[arg(long, env = "MCA_BASE_URL", global = true, value_name = "URL")]
    pub base_url: Option<String>,
    /// Reseller id (GUID).
    #[arg(long, env = "MCA_RESELLER_ID", global = true, value_name = "GUID")]
    pub reseller_id: Option<String>,
    /// Bearer token obtained elsewhere (or --username/--password, not both: a `config` error).
    #[arg(
        long,
        env = "MCA_TOKEN",
        hide_env_values = true,
        global = true,
        value_name = "TOKEN"
    )]
    pub token: Option<String>,
    /// API user name for the password grant.
    #[arg(long, env = "MCA_USERNAME", global = true, value_name = "NAME")]
    pub username: Option<String>,
    /// API password for the password grant (prefer the environment variable).
    #[arg(
        long,
        env = "MCA_PASSWORD",
        hide_env_values = true,
        global = true,
        value_name = "PASSWORD"
    )]
    pub password: Option<String>,
    /// OAuth client id, when the identity server requires one.
    #[arg(long, env = "MCA_CLIENT_ID", global = true, value_name = "ID")]
    pub client_id: Option<String>,
    /// OAuth client secret.
    #[arg(
        long,
        env = "MCA_CLIENT_SECRET",
        hide_env_values = true,
        global = true,
        value_name = "SECRET"
    )]
    pub client_secret: Option<String>,
    /// How the client id and secret are sent.
    #[arg(long, env = "MCA_CLIENT_AUTH", global = true, value_enum)]
    pub client_auth: Option<ClientAuthArg>,
    /// Token endpoint (default: <base URL>/connect/token).
    #[arg(long, env = "MCA_TOKEN_URL", global = true, value_name = "URL")]
    pub token_url: Option<String>,
    /// Config file (TOML) read after flags and environment variables.
    #[arg(long, env = "MCA_CONFIG", global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Sent as X-Correlation-Id on every request.
    #[arg(long, global = true, value_name = "ID")]
    pub correlation_id: Option<String>,
    /// Extra User-Agent product, e.g. `acme-onboarding/2.1` (`--user-agent` is the core's name).
    #[arg(
        long,
        visible_alias = "user-agent",
        env = "MCA_USER_AGENT_EXTRA",
        global = true,
        value_name = "PRODUCT"
    )]
    pub user_agent_extra: Option<String>,
    /// Per-request timeout in seconds, until the whole answer arrived (no answer in time → exit 5)
    /// [default: the core's DEFAULT_REQUEST_TIMEOUT].
    #[arg(long, global = true, default_value_t = mca_attestation::http::DEFAULT_REQUEST_TIMEOUT.as_secs(), value_name = "SECONDS")]
    pub timeout: u64,
    /// Per-request timeout in milliseconds (the core's `request_timeout_ms`; overrides --timeout).
    #[arg(long, global = true, value_name = "MS")]
    pub request_timeout_ms: Option<u64>,
    /// Attempts in all of a call that is safe to repeat; 1 = no retry [default: the core's, 3].
    #[arg(long, global = true, value_name = "N")]
    pub retry_max_attempts: Option<i32>,
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secret = |s: &Option<String>| s.as_ref().map(|_| "<redacted>");
        f.debug_struct("Connection")
            .field("base_url", &self.base_url)
            .field("reseller_id", &self.reseller_id)
            .field("token", &secret(&self.token))
            .field("username", &self.username)
            .field("password", &secret(&self.password))
            .field("client_id", &self.client_id)
            .field("client_secret", &secret(&self.client_secret))
            .field("client_auth", &self.client_auth)
            .field("token_url", &self.token_url)
            .field("config", &self.config)
            .finish()
    }
}

/// The config file: the same settings in snake_case.
///
/// ```toml
/// base_url = "https://api.example.com"
/// reseller_id = "11111111-1111-4111-8111-111111111111"
/// username = "api-user"
/// password = "…"
/// client_id = "…"
/// client_secret = "…"
/// client_auth = "basic"
/// ```
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    base_url: Option<String>,
    reseller_id: Option<String>,
    token: Option<String>,
    username: Option<String>,
    password: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    client_auth: Option<ClientAuthArg>,
    token_url: Option<String>,
}

fn read_file(path: &Path) -> Result<FileConfig, McaError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        McaError::config(format!("cannot read config file {}: {e}", path.display()))
    })?;
    toml::from_str(&text).map_err(|e| {
        McaError::config(format!(
            "config file {} is not valid: {}",
            path.display(),
            e.message()
        ))
    })
}

fn pick(first: &Option<String>, second: Option<String>) -> Option<String> {
    first
        .clone()
        .filter(|s| !s.trim().is_empty())
        .or(second.filter(|s| !s.trim().is_empty()))
}

/// Settings after merging every source.
pub struct Resolved {
    /// API base URL, if any source gave one.
    pub base_url: Option<String>,
    reseller_id: Option<String>,
    token: Option<String>,
    username: Option<String>,
    password: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    client_auth: ClientAuthArg,
    token_url: Option<String>,
    correlation_id: Option<String>,
    user_agent_extra: Option<String>,
    /// Request timeout.
    pub timeout: Duration,
    retry_max_attempts: Option<i32>,
}

impl Connection {
    /// Merges flags/environment with the config file (flags and environment win).
    pub fn resolve(&self) -> Result<Resolved, McaError> {
        let file = match &self.config {
            Some(path) => read_file(path)?,
            None => FileConfig::default(),
        };
        Ok(Resolved {
            base_url: pick(&self.base_url, file.base_url),
            reseller_id: pick(&self.reseller_id, file.reseller_id),
            token: pick(&self.token, file.token),
            username: pick(&self.username, file.username),
            password: pick(&self.password, file.password),
            client_id: pick(&self.client_id, file.client_id),
            client_secret: pick(&self.client_secret, file.client_secret),
            client_auth: self
                .client_auth
                .or(file.client_auth)
                .unwrap_or(ClientAuthArg::Basic),
            token_url: pick(&self.token_url, file.token_url),
            correlation_id: self.correlation_id.clone().filter(|s| !s.is_empty()),
            user_agent_extra: self.user_agent_extra.clone().filter(|s| !s.is_empty()),
            timeout: match self.request_timeout_ms {
                Some(ms) => Duration::from_millis(ms.max(1)),
                None => Duration::from_secs(self.timeout.max(1)),
            },
            retry_max_attempts: self.retry_max_attempts,
        })
    }
}

impl Resolved {
    /// The password credentials, when a username is given (it needs a password).
    fn credentials(&self) -> Result<Option<Credentials>, McaError> {
        match (&self.username, &self.password) {
            (Some(username), Some(password)) => Ok(Some(Credentials {
                username: username.clone(),
                password: password.clone(),
                client_id: self.client_id.clone(),
                client_secret: self.client_secret.clone(),
                client_auth: Some(match self.client_auth {
                    ClientAuthArg::Basic => ClientAuth::Basic,
                    ClientAuthArg::Body => ClientAuth::Body,
                }),
                scope: None,
            })),
            (Some(_), None) => Err(McaError::config(
                "a username needs a password: --password, MCA_PASSWORD or password in --config",
            )),
            _ => Ok(None),
        }
    }

    /// The authentication by the core's rule ([`ClientOptions::auth`]: a token or credentials,
    /// both is a `config` error); none at all is a `config` error here, as every command needs one.
    pub fn auth(&self) -> Result<Auth, McaError> {
        let options = ClientOptions {
            token: self.token.clone(),
            credentials: self.credentials()?,
            ..ClientOptions::default()
        };
        match options.auth()? {
            Auth::None => Err(McaError::config(
                "no credentials: give --token / MCA_TOKEN, or --username and --password \
                 (MCA_USERNAME / MCA_PASSWORD), or a --config file",
            )),
            auth => Ok(auth),
        }
    }

    /// The client configuration (base URL, reseller, token URL), checked by the core.
    pub fn client_config(&self) -> Result<ClientConfig, McaError> {
        let base_url = self.base_url.as_deref().ok_or_else(|| {
            McaError::config(
                "no API base URL: give --base-url, MCA_BASE_URL or base_url in --config \
                 (`mca sandbox` runs a local one; `mca demo` needs none)",
            )
        })?;
        let reseller = self.reseller_id.as_deref().ok_or_else(|| {
            McaError::config(
                "no reseller id: give --reseller-id, MCA_RESELLER_ID or reseller_id in --config",
            )
        })?;
        let options = ClientOptions {
            base_url: base_url.to_string(),
            reseller_id: reseller.to_string(),
            token_url: self.token_url.clone(),
            correlation_id: self.correlation_id.clone(),
            user_agent: self.user_agent_extra.clone(),
            request_timeout_ms: Some(millis_i64(self.timeout)),
            retry_max_attempts: self.retry_max_attempts,
            ..ClientOptions::default()
        };
        Ok(options.resolve("cli")?.0)
    }

    /// How requests would be authorised, without any secret.
    pub fn auth_summary(&self) -> String {
        match self.auth() {
            Ok(Auth::Bearer(_)) => "bearer token (hidden)".into(),
            Ok(Auth::Password(c)) => format!(
                "password grant as {:?}{} (password hidden)",
                c.username,
                c.client_id
                    .as_ref()
                    .map(|id| format!(", client {id:?}"))
                    .unwrap_or_default()
            ),
            Ok(Auth::None) => "none".into(),
            Err(e) => format!("none ({e})"),
        }
    }

    /// A session for the configured API.
    pub fn session(&self) -> Result<Session, McaError> {
        Ok(Session::new(self.client_config()?, self.auth()?))
    }
}
