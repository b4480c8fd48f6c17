//! tests/vectors/validation.json through the `mca` binary: bodies through `mca validate`,
//! organisation ids through a command's `--org`, base URLs through `mca config`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{bare_mca, run, RESELLER};
use serde_json::Value;

fn vectors(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/vectors")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// Checks an error expectation against the CLI's `{"error": …}` JSON (or `validate`'s violations).
fn check_error(name: &str, expect: &Value, kind: &str, violations: &[Value]) {
    assert_eq!(expect["kind"], kind, "{name}: kind");
    if let Some(pointers) = expect.get("pointers") {
        let got: Vec<&Value> = violations.iter().map(|v| &v["pointer"]).collect();
        let want: Vec<&Value> = pointers.as_array().unwrap().iter().collect();
        assert_eq!(got, want, "{name}: pointers");
    }
    if let Some(want) = expect.get("violations") {
        assert_eq!(
            &Value::Array(violations.to_vec()),
            want,
            "{name}: violations"
        );
    }
}

#[test]
fn validation_vectors_through_the_cli() {
    let file = vectors("validation.json");
    let file_now = file["now"].as_str().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    // A closed loopback port: a valid id leads to a request that fails with `transport` (exit 5).
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let closed_url = format!("http://127.0.0.1:{closed}");
    let cases = file["cases"].as_array().unwrap();
    assert!(!cases.is_empty());
    let mut ran = 0;
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let now = case["now"].as_str().unwrap_or(&file_now);
        let valid = case["valid"].as_bool().unwrap();
        match case["kind"].as_str().unwrap() {
            kind @ ("start_attestation" | "add_csp_service") => {
                let path = dir.path().join(format!("{name}.json"));
                std::fs::write(&path, case["input"].to_string()).unwrap();
                let cli_kind = kind.replace('_', "-");
                let r = run(bare_mca()
                    .args(["validate", "--json", "--kind", &cli_kind, "--now", now])
                    .arg(&path));
                let out = r.json();
                assert_eq!(out["kind"], kind, "{name}");
                if valid {
                    assert_eq!(r.code, 0, "{name}: {out}");
                    assert_eq!(out["normalized"], case["normalized"], "{name}");
                } else {
                    assert_eq!(r.code, 2, "{name}: {out}");
                    check_error(
                        name,
                        &case["error"],
                        "invalid",
                        out["violations"].as_array().unwrap(),
                    );
                }
            }
            "organization_id" => {
                let input = case["input"].as_str().unwrap();
                let r = run(bare_mca().args([
                    "acceptance",
                    "get",
                    "--json",
                    "--verbose",
                    "--timeout",
                    "5",
                    "--base-url",
                    &closed_url,
                    "--reseller-id",
                    RESELLER,
                    "--token",
                    "t",
                    "--org",
                    input,
                ]));
                let out = r.json();
                if valid {
                    assert_eq!(r.code, 5, "{name}: {out}");
                    let normalized = case["normalized"].as_str().unwrap();
                    let sent = format!("/organizations/{normalized}/services/");
                    assert!(r.stderr.contains(&sent), "{name}: {}", r.stderr);
                } else {
                    assert_eq!(r.code, 2, "{name}: {out}");
                    assert!(!r.stderr.contains("→"), "{name}: a request was sent");
                    let error = &out["error"];
                    check_error(
                        name,
                        &case["error"],
                        error["kind"].as_str().unwrap(),
                        error["violations"].as_array().unwrap(),
                    );
                }
            }
            "base_url" => {
                let input = case["input"].as_str().unwrap();
                let r = run(bare_mca().args([
                    "config",
                    "--json",
                    "--reseller-id",
                    RESELLER,
                    "--base-url",
                    input,
                ]));
                let out = r.json();
                if valid {
                    assert_eq!(r.code, 0, "{name}: {out}");
                    assert_eq!(out["baseUrl"], case["normalized"], "{name}");
                } else {
                    assert_eq!(r.code, 2, "{name}: {out}");
                    check_error(
                        name,
                        &case["error"],
                        out["error"]["kind"].as_str().unwrap(),
                        &[],
                    );
                }
            }
            other => panic!("{name}: unknown kind {other}"),
        }
        ran += 1;
    }
    assert_eq!(ran, cases.len());
    eprintln!("{ran} validation vectors passed through the mca binary");
}
