//! Injected faults: the next N requests matching an op (and org) get a fault.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{to_bytes, Body, Bytes};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::http::{escape, problem, set_retry_after};
use crate::state::AppState;

/// Marker extension: the connection serving this response is closed without answering.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DropConnection;

/// The kind of an injected fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum FaultKind {
    Status,
    Delay,
    Truncated,
    Html,
    Legacy,
    Drop,
    Redirect,
    Oversized,
    Slowbody,
    Stall,
}

/// The longest `delayMs` a fault may ask for (120 s): a request always ends.
pub(crate) const MAX_DELAY_MS: u64 = 120_000;

/// Default `delayMs` of `delay` and `slowbody` faults.
const DEFAULT_DELAY_MS: u64 = 1500;

/// Default `sizeBytes` of an `oversized` fault: 1 GiB.
pub(crate) const DEFAULT_SIZE_BYTES: u64 = 1 << 30;

/// The largest `sizeBytes` an `oversized` fault may ask for: 16 GiB.
pub(crate) const MAX_SIZE_BYTES: u64 = 16 << 30;

/// Path of the redirect trap (on the sandbox, reached through another origin).
pub(crate) const TRAP_PATH: &str = "/_sandbox/trap";

/// A fault as posted to `POST /_sandbox/faults`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct FaultSpec {
    pub op: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
    #[serde(default = "one")]
    pub count: u32,
    pub fault: FaultKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
    #[serde(default)]
    pub after_handling: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size_bytes: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

fn one() -> u32 {
    1
}

/// A registered fault and how many more times it fires.
#[derive(Debug, Clone)]
pub(crate) struct FaultRule {
    pub id: u64,
    pub op: String,
    pub org: Option<Uuid>,
    pub remaining: u32,
    pub spec: FaultSpec,
}

/// Takes (consumes one firing of) the first fault matching `op` and `org`.
fn take(state: &AppState, op: &str, org: Option<Uuid>) -> Option<FaultSpec> {
    let mut st = state.lock();
    let index = st.faults.iter().position(|rule| {
        rule.remaining > 0 && rule.op == op && (rule.org.is_none() || rule.org == org)
    })?;
    let rule = &mut st.faults[index];
    rule.remaining -= 1;
    let spec = rule.spec.clone();
    if rule.remaining == 0 {
        st.faults.remove(index);
    }
    Some(spec)
}

/// Runs `handler` under whatever fault is registered for `op`/`org` (the handler future is only
/// polled when the fault lets the request reach normal handling).
pub(crate) async fn with_fault<F>(
    state: &Arc<AppState>,
    op: &str,
    org: Option<Uuid>,
    instance: &str,
    handler: F,
) -> Response
where
    F: Future<Output = Response>,
{
    let Some(spec) = take(state, op, org) else {
        return handler.await;
    };
    let delay = Duration::from_millis(spec.delay_ms.unwrap_or(DEFAULT_DELAY_MS).min(MAX_DELAY_MS));
    let default_status = match spec.fault {
        FaultKind::Redirect => StatusCode::TEMPORARY_REDIRECT,
        FaultKind::Oversized => StatusCode::OK,
        _ => StatusCode::SERVICE_UNAVAILABLE,
    };
    let status = spec
        .status
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(default_status);
    match spec.fault {
        FaultKind::Delay => {
            tokio::time::sleep(delay).await;
            handler.await
        }
        FaultKind::Truncated => truncated(handler.await).await,
        FaultKind::Slowbody => slow_body(handler.await, delay).await,
        FaultKind::Stall => {
            // Without a `delayMs` a stall lasts as long as the cap allows.
            let hold =
                Duration::from_millis(spec.delay_ms.unwrap_or(MAX_DELAY_MS).min(MAX_DELAY_MS));
            stall(handler.await, hold).await
        }
        kind => {
            if spec.after_handling {
                let _ = handler.await;
            }
            let mut response = match kind {
                FaultKind::Status => problem(
                    status,
                    "InjectedFault",
                    "Injected fault from the sandbox.",
                    instance,
                    &[],
                ),
                FaultKind::Html => html_error(status),
                FaultKind::Legacy => (
                    status,
                    [(header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8"))],
                    r#"[{"errorCode":"E1001","errorName":"InjectedFault","errorMessage":"Injected legacy error"}]"#,
                )
                    .into_response(),
                FaultKind::Redirect => redirect(state, status, spec.location.as_deref()),
                FaultKind::Oversized => {
                    oversized(status, spec.size_bytes.unwrap_or(DEFAULT_SIZE_BYTES))
                }
                _ => {
                    let mut response = StatusCode::INTERNAL_SERVER_ERROR.into_response();
                    response.extensions_mut().insert(DropConnection);
                    return response;
                }
            };
            if let Some(secs) = spec.retry_after {
                set_retry_after(&mut response, secs);
            }
            response
        }
    }
}

/// The trap's URL as seen from another origin: the sandbox's own port under the other loopback
/// name (`127.0.0.1` ↔ `localhost`), so a client that follows the redirect leaves the API's origin.
pub(crate) fn trap_url(base_url: &str) -> String {
    let rest = base_url.strip_prefix("http://").unwrap_or(base_url);
    let (host, port) = rest.rsplit_once(':').unwrap_or((rest, "80"));
    let other = if host.eq_ignore_ascii_case("localhost") {
        "127.0.0.1"
    } else {
        "localhost"
    };
    format!("http://{other}:{port}{TRAP_PATH}")
}

/// A 3xx with `Location` at `location` (default: the trap, on another origin) and a tiny HTML body.
fn redirect(state: &AppState, status: StatusCode, location: Option<&str>) -> Response {
    let target = location.map_or_else(|| trap_url(&state.base_url), str::to_owned);
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><title>Moved</title></head><body><a href=\"{0}\">{0}</a></body></html>\n",
        escape(&target)
    );
    let mut response = (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        )],
        page,
    )
        .into_response();
    if let Ok(value) = HeaderValue::from_str(&target) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// Size of the chunks streamed by `oversized`.
const CHUNK: usize = 64 * 1024;

/// The filler of `oversized` bodies, shared by every chunk.
static FILLER: [u8; CHUNK] = [b'x'; CHUNK];

/// A body of exactly `size` bytes, generated while it is sent (never held in memory): a JSON
/// object with one huge string for a success status, an HTML page for an error status.
fn oversized(status: StatusCode, size: u64) -> Response {
    let (content_type, head, tail): (&'static str, &'static [u8], &'static [u8]) =
        if status.is_success() {
            (
                "application/json; charset=utf-8",
                b"{\"attestationId\":\"",
                b"\"}",
            )
        } else {
            (
                "text/html; charset=utf-8",
                b"<!DOCTYPE html>\n<html><head><title>Error</title></head><body><pre>",
                b"</pre></body></html>\n",
            )
        };
    let frame = u64::try_from(head.len().saturating_add(tail.len())).unwrap_or(u64::MAX);
    let (head, tail) = if size >= frame {
        (head, tail)
    } else {
        (&b""[..], &b""[..])
    };
    let tail_len = u64::try_from(tail.len()).unwrap_or(0);
    // State: bytes still to send; the head goes first, the tail last, filler in between.
    let stream = futures_util::stream::unfold((size, true), move |(left, first)| async move {
        if left == 0 {
            return None;
        }
        if first && !head.is_empty() {
            let n = u64::try_from(head.len()).unwrap_or(0);
            return Some((
                Ok::<_, std::io::Error>(Bytes::from_static(head)),
                (left.saturating_sub(n), false),
            ));
        }
        if left <= tail_len {
            return Some((Ok(Bytes::from_static(tail)), (0, false)));
        }
        let room = left.saturating_sub(tail_len);
        let n = usize::try_from(room).unwrap_or(CHUNK).min(CHUNK);
        let chunk = Bytes::from_static(&FILLER).slice(..n);
        Some((Ok(chunk), (left.saturating_sub(n as u64), false)))
    });
    let mut response = Response::new(Body::from_stream(stream));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// The normal answer's head at once, then its body one byte at a time spread over `over`
/// (an empty body ends after `over`).
async fn slow_body(normal: Response, over: Duration) -> Response {
    let (parts, body) = normal.into_parts();
    let body = to_bytes(body, 1 << 20).await.unwrap_or_default();
    let count = u32::try_from(body.len().max(1)).unwrap_or(u32::MAX);
    let step = over.checked_div(count).unwrap_or(over);
    let stream = futures_util::stream::unfold(0usize, move |i| {
        let body = body.clone();
        async move {
            if i > body.len() || (i == body.len() && !body.is_empty()) {
                return None;
            }
            tokio::time::sleep(step).await;
            if body.is_empty() {
                // One wait, then the end of the (empty) body.
                return Some((Ok::<_, std::io::Error>(Bytes::new()), 1));
            }
            Some((Ok(body.slice(i..i.saturating_add(1))), i.saturating_add(1)))
        }
    });
    let mut parts = parts;
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from_stream(stream))
}

/// The normal answer's head and the first half of its body at once, then nothing for `hold`;
/// then the connection is cut (the body never completes).
async fn stall(normal: Response, hold: Duration) -> Response {
    let (mut parts, body) = normal.into_parts();
    let body = to_bytes(body, 1 << 20).await.unwrap_or_default();
    let half = body.slice(..body.len() / 2);
    let stream = futures_util::stream::unfold(0u8, move |step| {
        let half = half.clone();
        async move {
            match step {
                0 => Some((Ok(half), 1)),
                1 => {
                    tokio::time::sleep(hold).await;
                    Some((
                        Err(std::io::Error::other("stalled body cut by the sandbox")),
                        2,
                    ))
                }
                _ => None,
            }
        }
    });
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from_stream(stream))
}

/// A 200 whose JSON body is the first half of the normal success body.
async fn truncated(normal: Response) -> Response {
    let ok = normal.status().is_success();
    let body = to_bytes(normal.into_body(), 1 << 20)
        .await
        .unwrap_or_default();
    let cut = if ok && !body.is_empty() {
        body.slice(..body.len() / 2)
    } else {
        axum::body::Bytes::from_static(b"{\"attestationId\":")
    };
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        )],
        cut,
    )
        .into_response()
}

/// An HTML error page, as a gateway in front of the API would send.
fn html_error(status: StatusCode) -> Response {
    let reason = escape(status.canonical_reason().unwrap_or("Error"));
    let code = status.as_u16();
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{code} {reason}</title></head>\n<body><h1>{code} {reason}</h1><p>The gateway could not serve this request (injected fault).</p></body></html>\n"
    );
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        )],
        page,
    )
        .into_response()
}
