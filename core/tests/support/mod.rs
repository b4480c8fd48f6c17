//! Helpers shared by the vector runners.
#![allow(dead_code)]

use std::path::PathBuf;

use mca_attestation::Error;
use serde_json::Value;

/// Loads tests/vectors/<name>.
pub fn load(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/vectors")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Checks an error against an error expectation (see tests/vectors/README.md).
pub fn check_error(err: &Error, want: &Value) -> Result<(), String> {
    let mut problems = Vec::new();
    let kind = want["kind"].as_str().unwrap_or_default();
    if err.kind() != kind {
        problems.push(format!("kind {} != {kind} ({err})", err.kind()));
    }
    let problem = err.problem();
    let fields: [(&str, Option<Value>); 6] = [
        ("status", err.status().map(Value::from)),
        (
            "code",
            problem.and_then(|p| p.code.clone()).map(Value::from),
        ),
        (
            "title",
            problem.and_then(|p| p.title.clone()).map(Value::from),
        ),
        (
            "detail",
            problem.and_then(|p| p.detail.clone()).map(Value::from),
        ),
        (
            "traceId",
            problem.and_then(|p| p.trace_id.clone()).map(Value::from),
        ),
        (
            "retryAfterMs",
            err.retry_after().map(|d| Value::from(d.as_millis() as u64)),
        ),
    ];
    for (key, got) in fields {
        if let Some(expected) = want.get(key) {
            if got.as_ref() != Some(expected) {
                problems.push(format!("{key} {got:?} != {expected}"));
            }
        }
    }
    let violations = err.violations();
    if let Some(pointers) = want.get("pointers") {
        let got: Vec<Value> = violations
            .iter()
            .map(|v| Value::from(v.pointer.clone()))
            .collect();
        if &Value::Array(got.clone()) != pointers {
            problems.push(format!(
                "pointers {} != {pointers} (details: {:?})",
                Value::Array(got),
                violations
                    .iter()
                    .map(|v| v.detail.as_str())
                    .collect::<Vec<_>>()
            ));
        }
    }
    if let Some(expected) = want.get("violations") {
        let got = serde_json::to_value(&violations).unwrap_or_default();
        if &got != expected {
            problems.push(format!("violations {got} != {expected}"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// Subset match: every member of `want` must be in `got` with a matching value; arrays match whole.
pub fn subset(got: &Value, want: &Value, path: &str, out: &mut Vec<String>) {
    match (got, want) {
        (Value::Object(g), Value::Object(w)) => {
            for (k, wv) in w {
                match g.get(k) {
                    Some(gv) => subset(gv, wv, &format!("{path}/{k}"), out),
                    None if wv.is_null() => {}
                    None => out.push(format!("{path}/{k} missing (want {wv})")),
                }
            }
        }
        (Value::Array(g), Value::Array(w)) if g.len() == w.len() => {
            for (i, (gv, wv)) in g.iter().zip(w).enumerate() {
                subset(gv, wv, &format!("{path}/{i}"), out);
            }
        }
        _ if got == want => {}
        _ => out.push(format!("{path}: got {got}, want {want}")),
    }
}
