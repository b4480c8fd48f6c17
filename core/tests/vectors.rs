//! Runs every case of tests/vectors/*.json against the core (the other languages run the same files
//! through their bindings).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod support;

use mca_attestation::http::BaseUrl;
use mca_attestation::{validate, AddCspService, OrganizationId, StartAttestation, Timestamp};
use serde_json::Value;
use support::{check_error, load};

#[test]
fn validation_vectors() {
    let file = load("validation.json");
    let now = Timestamp::parse(file["now"].as_str().unwrap()).unwrap();
    let mut failures = Vec::new();
    let cases = file["cases"].as_array().unwrap();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let input = case["input"].clone();
        let result: Result<Value, mca_attestation::Error> = match case["kind"].as_str().unwrap() {
            "start_attestation" => {
                let input: StartAttestation = serde_json::from_value(input).unwrap();
                validate::start_attestation(&input, now).map(|v| serde_json::to_value(v).unwrap())
            }
            "add_csp_service" => {
                let input: AddCspService = serde_json::from_value(input).unwrap();
                validate::add_csp_service(&input, now).map(|v| serde_json::to_value(v).unwrap())
            }
            "organization_id" => OrganizationId::parse(input.as_str().unwrap())
                .map(|id| Value::String(id.to_string())),
            "base_url" => BaseUrl::parse(input.as_str().unwrap())
                .map(|u| Value::String(u.as_str().to_string())),
            other => panic!("{name}: unknown kind {other}"),
        };
        let valid = case["valid"].as_bool().unwrap();
        match (valid, result) {
            (true, Ok(got)) if got == case["normalized"] => {}
            (true, Ok(got)) => failures.push(format!(
                "{name}: normalized\n   got {got}\n  want {}",
                case["normalized"]
            )),
            (true, Err(e)) => failures.push(format!("{name}: expected valid, got {e}")),
            (false, Ok(got)) => failures.push(format!("{name}: expected invalid, got {got}")),
            (false, Err(e)) => {
                if let Err(msg) = check_error(&e, &case["error"]) {
                    failures.push(format!("{name}: {msg}"));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} validation vectors failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
