//! `POST /connect/token`: an IdentityServer-style password grant.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use base64::Engine;
use serde_json::json;
use uuid::Uuid;

use crate::fault::with_fault;
use crate::http::json_response;
use crate::state::AppState;

const PATH: &str = "/connect/token";

/// Issues a bearer token for `grant_type=password&username=sandbox&password=sandbox&scope=api`.
pub(crate) async fn token(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    with_fault(&state, "token", None, PATH, async {
        issue(&state, &headers, &body)
    })
    .await
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    let mut response = json_response(
        status,
        &json!({"error": error, "error_description": description}),
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn issue(state: &AppState, headers: &HeaderMap, body: &Bytes) -> Response {
    let form_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        });
    if !form_type {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "The request must be application/x-www-form-urlencoded.",
        );
    }
    let mut form: HashMap<String, String> = HashMap::new();
    for (key, value) in form_urlencoded::parse(body) {
        form.entry(key.into_owned())
            .or_insert_with(|| value.into_owned());
    }
    // Client authentication: HTTP Basic first, else client_id/client_secret in the form, else none.
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("basic"))
        .map(|(_, creds)| creds.trim().to_owned());
    let client = match basic {
        Some(encoded) => {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(encoded.as_bytes())
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok());
            match decoded.as_deref().and_then(|s| s.split_once(':')) {
                Some((id, secret)) => Some((id.to_owned(), secret.to_owned(), true)),
                None => Some((String::new(), String::new(), true)),
            }
        }
        None => form.get("client_id").map(|id| {
            (
                id.clone(),
                form.get("client_secret").cloned().unwrap_or_default(),
                false,
            )
        }),
    };
    if let Some((id, secret, basic)) = client {
        if id != "sandbox" || secret != "sandbox" {
            let mut response = oauth_error(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "Unknown client or wrong secret.",
            );
            if basic {
                response.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Basic realm=\"mca-sandbox\""),
                );
            }
            return response;
        }
    }
    match form.get("grant_type").map(String::as_str) {
        None => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "grant_type is required.",
            )
        }
        Some("password") => {}
        Some(_) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "Only the password grant is supported.",
            )
        }
    }
    if form.get("username").map(String::as_str) != Some("sandbox")
        || form.get("password").map(String::as_str) != Some("sandbox")
    {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "invalid_username_or_password",
        );
    }
    if let Some(scope) = form.get("scope") {
        if scope.split_ascii_whitespace().any(|s| s != "api") {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_scope",
                "Only the scope api is available.",
            );
        }
    }
    let token = format!("{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple());
    let ttl = state.config.token_ttl;
    {
        let mut st = state.lock();
        let now = Instant::now();
        st.tokens.retain(|_, expiry| *expiry > now);
        st.tokens.insert(token.clone(), now + ttl);
    }
    let mut response = json_response(
        StatusCode::OK,
        &json!({
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": ttl.as_secs(),
            "scope": "api",
        }),
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
