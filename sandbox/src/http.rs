//! Shared HTTP pieces: problem+json answers, .NET-style timestamps, CORS, HTML escaping.

use axum::extract::Request;
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use time::format_description::FormatItem;
use time::macros::format_description;
use time::OffsetDateTime;
use uuid::Uuid;

const DOTNET: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:7]Z");

/// Formats a time the way .NET does: UTC, exactly 7 fraction digits, `Z`. A time whose UTC form
/// leaves the representable range (never stored: [`parse_rfc3339`] refuses those) becomes
/// .NET's `DateTime.MinValue` instead of panicking.
pub(crate) fn dotnet(t: OffsetDateTime) -> String {
    t.checked_to_offset(time::UtcOffset::UTC)
        .and_then(|utc| utc.format(DOTNET).ok())
        .unwrap_or_else(|| String::from("0001-01-01T00:00:00.0000000Z"))
}

/// Why a timestamp was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DateError {
    /// Not RFC 3339 with an offset.
    Syntax,
    /// RFC 3339, but its UTC form is outside years 0001–9999 (.NET's `DateTime` range).
    Range,
}

/// Parses an RFC 3339 timestamp (`t`/`z` accepted in lower case too) whose UTC form lies in years
/// 0001–9999, the range .NET's `DateTime` (and so the real API) can hold; returns it in UTC.
pub(crate) fn parse_rfc3339(s: &str) -> Result<OffsetDateTime, DateError> {
    let upper = s.to_ascii_uppercase();
    let parsed = OffsetDateTime::parse(&upper, &time::format_description::well_known::Rfc3339)
        .map_err(|_| DateError::Syntax)?;
    match parsed.checked_to_offset(time::UtcOffset::UTC) {
        Some(utc) if (1..=9999).contains(&utc.year()) => Ok(utc),
        _ => Err(DateError::Range),
    }
}

/// A random 32-hex-digit trace id.
pub(crate) fn trace_id() -> String {
    Uuid::new_v4().simple().to_string()
}

/// One entry of a problem's `errors`.
#[derive(Debug, Clone)]
pub(crate) struct FieldError {
    pub pointer: String,
    pub detail: String,
}

fn type_and_title(status: StatusCode) -> (&'static str, &'static str) {
    match status.as_u16() {
        400 => (
            "https://tools.ietf.org/html/rfc9110#section-15.5.1",
            "Bad Request",
        ),
        401 => (
            "https://tools.ietf.org/html/rfc9110#section-15.5.2",
            "Unauthorized",
        ),
        403 => (
            "https://tools.ietf.org/html/rfc9110#section-15.5.4",
            "Forbidden",
        ),
        404 => (
            "https://tools.ietf.org/html/rfc9110#section-15.5.5",
            "Not Found",
        ),
        405 => (
            "https://tools.ietf.org/html/rfc9110#section-15.5.6",
            "Method Not Allowed",
        ),
        409 => (
            "https://tools.ietf.org/html/rfc9110#section-15.5.10",
            "Conflict",
        ),
        429 => (
            "https://tools.ietf.org/html/rfc6585#section-4",
            "Too Many Requests",
        ),
        500 => (
            "https://tools.ietf.org/html/rfc9110#section-15.6.1",
            "Internal Server Error",
        ),
        502 => (
            "https://tools.ietf.org/html/rfc9110#section-15.6.3",
            "Bad Gateway",
        ),
        503 => (
            "https://tools.ietf.org/html/rfc9110#section-15.6.4",
            "Service Unavailable",
        ),
        504 => (
            "https://tools.ietf.org/html/rfc9110#section-15.6.5",
            "Gateway Timeout",
        ),
        _ => ("about:blank", "Error"),
    }
}

/// An RFC 9457 problem+json answer with the Cloudmore extensions `code`, `errors` and `traceId`.
pub(crate) fn problem(
    status: StatusCode,
    code: &str,
    detail: &str,
    instance: &str,
    errors: &[FieldError],
) -> Response {
    let (kind, title) = type_and_title(status);
    let title = if status == StatusCode::BAD_REQUEST && !errors.is_empty() {
        "One or more validation errors occurred."
    } else if title == "Error" {
        status.canonical_reason().unwrap_or("Error")
    } else {
        title
    };
    let errors: Vec<Value> = errors
        .iter()
        .map(|e| json!({"detail": e.detail, "pointer": e.pointer}))
        .collect();
    let body = json!({
        "type": kind,
        "title": title,
        "status": status.as_u16(),
        "detail": detail,
        "instance": instance,
        "code": code,
        "errors": errors,
        "traceId": trace_id(),
    });
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        )],
        body.to_string(),
    )
        .into_response()
}

/// A 200/other JSON answer.
pub(crate) fn json_response(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        )],
        body.to_string(),
    )
        .into_response()
}

/// A 401 problem with `WWW-Authenticate: Bearer`.
pub(crate) fn unauthorized(instance: &str, detail: &str, error: Option<&str>) -> Response {
    let mut response = problem(
        StatusCode::UNAUTHORIZED,
        "Unauthorized",
        detail,
        instance,
        &[],
    );
    let challenge = match error {
        Some(e) => format!("Bearer error=\"{e}\""),
        None => String::from("Bearer"),
    };
    if let Ok(value) = HeaderValue::from_str(&challenge) {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, value);
    }
    response
}

/// Fallback for unknown paths: 404 problem.
pub(crate) async fn not_found(request: Request) -> Response {
    let path = request.uri().path().to_owned();
    problem(
        StatusCode::NOT_FOUND,
        "NotFound",
        "No resource at this path.",
        &path,
        &[],
    )
}

/// Fallback for known paths with another method: 405 problem.
pub(crate) async fn method_not_allowed(request: Request) -> Response {
    let path = request.uri().path().to_owned();
    problem(
        StatusCode::METHOD_NOT_ALLOWED,
        "MethodNotAllowed",
        "This method is not allowed on this path.",
        &path,
        &[],
    )
}

/// CORS for every route: preflights (`OPTIONS`) get 204, every answer gets the allow headers.
pub(crate) async fn cors(request: Request, next: Next) -> Response {
    let mut response = if request.method() == Method::OPTIONS {
        StatusCode::NO_CONTENT.into_response()
    } else {
        next.run(request).await
    };
    let headers = response.headers_mut();
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, POST, PUT, DELETE, OPTIONS"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("Authorization, Content-Type, Accept, X-Correlation-Id"),
    );
    headers.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("Retry-After, WWW-Authenticate, X-Correlation-Id"),
    );
    headers.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    response
}

/// Adds `Retry-After: secs` to a response.
pub(crate) fn set_retry_after(response: &mut Response, secs: u64) {
    if let Ok(value) = HeaderValue::from_str(&secs.to_string()) {
        response
            .headers_mut()
            .insert(HeaderName::from_static("retry-after"), value);
    }
}

/// Escapes text for HTML element content and attribute values.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}
