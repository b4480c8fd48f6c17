//! Admin endpoints under `/_sandbox/` (no authentication).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Map, Value};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::fault::{FaultRule, FaultSpec};
use crate::http::{dotnet, json_response, problem, FieldError};
use crate::state::{AppState, OPS};

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
        if !(200..=599).contains(&status) {
            return invalid("/status", "status must be between 200 and 599.");
        }
    }
    let mut st = state.lock();
    st.next_fault_id += 1;
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
