//! Injected faults: the next N requests matching an op (and org) get a fault.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::body::to_bytes;
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
}

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
    let status = spec
        .status
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    match spec.fault {
        FaultKind::Delay => {
            tokio::time::sleep(Duration::from_millis(spec.delay_ms.unwrap_or(1500))).await;
            handler.await
        }
        FaultKind::Truncated => truncated(handler.await).await,
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
