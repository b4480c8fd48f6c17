//! Admin endpoints under `/_sandbox/` (no authentication).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Map, Value};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::fault::{FaultKind, FaultRule, FaultSpec, MAX_DELAY_MS, MAX_SIZE_BYTES};
use crate::http::{dotnet, json_response, problem, FieldError};
use crate::state::{AppState, TrapHit, OPS};

fn bad_org(path: &str) -> Response {
    problem(
        StatusCode::NOT_FOUND,
        "NotFound",
        "The organization id must be a GUID.",
        path,
        &[],
    )
}

fn no_attestation(path: &str) -> Response {
    problem(
        StatusCode::NOT_FOUND,
        "AttestationNotFound",
        "No partner attestation is ongoing for this organization.",
        path,
        &[],
    )
}

/// `POST /_sandbox/reset`: forgets organisations, attestations and faults (tokens stay valid).
pub(crate) async fn reset(State(state): State<Arc<AppState>>) -> Response {
    state.lock().reset();
    json_response(StatusCode::OK, &json!({"reset": true}))
}

/// `POST /_sandbox/orgs/{org}/sign`: the signer accepts the ongoing attestation (status 2).
pub(crate) async fn sign(State(state): State<Arc<AppState>>, Path(org): Path<String>) -> Response {
    let path = format!("/_sandbox/orgs/{org}/sign");
    let Ok(org) = Uuid::parse_str(&org) else {
        return bad_org(&path);
    };
    let mut st = state.lock();
    let Some(a) = st.current(org) else {
        return no_attestation(&path);
    };
    if a.expired() && a.status != 2 {
        return problem(
            StatusCode::CONFLICT,
            "AttestationExpired",
            "The attestation has expired.",
            &path,
            &[],
        );
    }
    a.status = 2;
    json_response(
        StatusCode::OK,
        &json!({"attestationId": a.id.to_string(), "status": 2}),
    )
}

/// `POST /_sandbox/orgs/{org}/direct-acceptance`: the customer accepted the MCA directly.
pub(crate) async fn direct_acceptance(
    State(state): State<Arc<AppState>>,
    Path(org): Path<String>,
) -> Response {
    let path = format!("/_sandbox/orgs/{org}/direct-acceptance");
    let Ok(org) = Uuid::parse_str(&org) else {
        return bad_org(&path);
    };
    state.lock().org(org).direct = true;
    json_response(
        StatusCode::OK,
        &json!({"acceptedVia": "CustomerDirectAcceptance"}),
    )
}

/// `POST /_sandbox/orgs/{org}/expire`: the ongoing attestation's expiresAt moves into the past.
pub(crate) async fn expire(
    State(state): State<Arc<AppState>>,
    Path(org): Path<String>,
) -> Response {
    let path = format!("/_sandbox/orgs/{org}/expire");
    let Ok(org) = Uuid::parse_str(&org) else {
        return bad_org(&path);
    };
    let mut st = state.lock();
    let Some(a) = st.current(org) else {
        return no_attestation(&path);
    };
    a.expires_at = OffsetDateTime::now_utc() - time::Duration::seconds(1);
    json_response(
        StatusCode::OK,
        &json!({"attestationId": a.id.to_string(), "expiresAt": dotnet(a.expires_at)}),
    )
}

/// `GET /_sandbox/orgs/{org}/requests`: API requests counted per op for this organisation.
pub(crate) async fn requests(
    State(state): State<Arc<AppState>>,
    Path(org): Path<String>,
) -> Response {
    let path = format!("/_sandbox/orgs/{org}/requests");
    let Ok(org) = Uuid::parse_str(&org) else {
        return bad_org(&path);
    };
    let counts = state
        .lock()
        .orgs
        .get(&org)
        .map(|o| o.counts)
        .unwrap_or_default();
    let map: Map<String, Value> = OPS
        .iter()
        .zip(counts)
        .map(|(op, n)| ((*op).to_owned(), json!(n)))
        .collect();
    json_response(StatusCode::OK, &Value::Object(map))
}

fn rule_json(rule: &FaultRule) -> Value {
    let mut v = serde_json::to_value(&rule.spec).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut v {
        map.insert(String::from("id"), json!(rule.id));
        map.insert(String::from("remaining"), json!(rule.remaining));
    }
    v
}

/// `POST /_sandbox/faults`: registers a fault for the next `count` matching requests.
pub(crate) async fn add_fault(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    const PATH: &str = "/_sandbox/faults";
    let invalid = |pointer: &str, detail: &str| {
        problem(
            StatusCode::BAD_REQUEST,
            "ValidationFailed",
            "The fault is not valid; see errors.",
            PATH,
            &[FieldError {
                pointer: pointer.to_owned(),
                detail: detail.to_owned(),
            }],
        )
    };
    let spec: FaultSpec = match serde_json::from_slice(&body) {
        Ok(spec) => spec,
        Err(e) => return invalid("", &format!("Not a fault: {e}")),
    };
    if spec.op != "token" && !OPS.contains(&spec.op.as_str()) {
        return invalid("/op", "op must be one of the six op names or \"token\".");
    }
    let org = match &spec.org {
        None => None,
        Some(s) => match Uuid::parse_str(s) {
            Ok(u) => Some(u),
            Err(_) => return invalid("/org", "org must be a GUID."),
        },
    };
    if spec.count == 0 {
        return invalid("/count", "count must be at least 1.");
    }
    if let Some(status) = spec.status {
        if spec.fault == FaultKind::Redirect && !(300..=399).contains(&status) {
            return invalid(
                "/status",
                "a redirect's status must be between 300 and 399.",
            );
        }
        if !(200..=599).contains(&status) {
            return invalid("/status", "status must be between 200 and 599.");
        }
    }
    if spec.delay_ms.is_some_and(|ms| ms > MAX_DELAY_MS) {
        return invalid(
            "/delayMs",
            &format!("delayMs must be at most {MAX_DELAY_MS} (120 s)."),
        );
    }
    if spec.size_bytes.is_some_and(|n| n > MAX_SIZE_BYTES) {
        return invalid(
            "/sizeBytes",
            &format!("sizeBytes must be at most {MAX_SIZE_BYTES} (16 GiB)."),
        );
    }
    if let Some(location) = &spec.location {
        let absolute = location.starts_with("http://") || location.starts_with("https://");
        if !absolute || axum::http::HeaderValue::from_str(location).is_err() {
            return invalid("/location", "location must be an absolute http(s) URL.");
        }
    }
    let mut st = state.lock();
    st.next_fault_id = st.next_fault_id.saturating_add(1);
    let rule = FaultRule {
        id: st.next_fault_id,
        op: spec.op.clone(),
        org,
        remaining: spec.count,
        spec,
    };
    let answer = rule_json(&rule);
    st.faults.push(rule);
    json_response(StatusCode::OK, &answer)
}

/// `GET /_sandbox/faults`: the faults still registered.
pub(crate) async fn list_faults(State(state): State<Arc<AppState>>) -> Response {
    let list: Vec<Value> = state.lock().faults.iter().map(rule_json).collect();
    json_response(StatusCode::OK, &Value::Array(list))
}

/// `DELETE /_sandbox/faults`: forgets every registered fault.
pub(crate) async fn clear_faults(State(state): State<Arc<AppState>>) -> Response {
    state.lock().faults.clear();
    json_response(StatusCode::OK, &json!({"cleared": true}))
}

/// Any request to the redirect trap (`/_sandbox/trap`): recorded, answered 200 `{"trap": true}`.
pub(crate) async fn trap(
    State(state): State<Arc<AppState>>,
    method: axum::http::Method,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Response {
    let hit = TrapHit {
        method: method.as_str().to_owned(),
        authorization: headers.contains_key(axum::http::header::AUTHORIZATION),
        body_bytes: body.len(),
        password: body
            .windows(9)
            .any(|w| w.eq_ignore_ascii_case(b"password=")),
    };
    state.lock().trap.push(hit);
    json_response(StatusCode::OK, &json!({"trap": true}))
}

/// `GET /_sandbox/trap-hits`: what reached the redirect trap since the last reset.
pub(crate) async fn trap_hits(State(state): State<Arc<AppState>>) -> Response {
    let st = state.lock();
    let count = |f: fn(&TrapHit) -> bool| st.trap.iter().filter(|h| f(h)).count();
    let body = json!({
        "hits": st.trap.len(),
        "withAuthorization": count(|h| h.authorization),
        "withBody": count(|h| h.body_bytes > 0),
        "withPassword": count(|h| h.password),
        "requests": serde_json::to_value(&st.trap).unwrap_or(Value::Null),
    });
    json_response(StatusCode::OK, &body)
}

/// `DELETE /_sandbox/trap-hits`: forgets what reached the trap.
pub(crate) async fn clear_trap_hits(State(state): State<Arc<AppState>>) -> Response {
    state.lock().trap.clear();
    json_response(StatusCode::OK, &json!({"cleared": true}))
}
