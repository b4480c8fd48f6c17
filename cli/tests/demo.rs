//! `mca demo`: the project's main job. It must exit 0, print every stage and write the evidence.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::{Duration, Instant};

use common::{bare_mca, run};

/// The evidence files of `dir`, each checked to be named after its organisation.
fn read_evidence(dir: &std::path::Path) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let value: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let org = value["organizationId"].as_str().unwrap();
        assert_eq!(
            path.file_name().unwrap().to_string_lossy(),
            format!("{org}.json")
        );
        out.push(value);
    }
    assert_eq!(out.len(), 2, "{out:?}");
    out
}

#[test]
fn demo_exits_0_prints_every_stage_and_writes_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Instant::now();
    let r = run(bare_mca().current_dir(dir.path()).arg("demo"));
    let took = clock.elapsed();
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let stages = [
        "(embedded sandbox)",
        "Signed in",
        "Acceptance check: the customer has not accepted the MCA yet",
        "Attestation started",
        "Agreement link: http://127.0.0.1:",
        "The customer signs",
        "Signed: the attestation is pending finalization",
        "Finalized",
        "Acceptance confirmed: accepted via PartnerAttestation",
        "Evidence written to",
        "Automatic flow: adding the CSP service",
        "CSP service added (HTTP 200); acceptance confirmed: accepted via PartnerAttestation",
        "Done in",
    ];
    let mut at = 0;
    for stage in stages {
        let found = r.stdout[at..]
            .find(stage)
            .unwrap_or_else(|| panic!("stage {stage:?} missing or out of order in:\n{}", r.stdout));
        at += found + stage.len();
    }
    assert!(took < Duration::from_secs(20), "the demo took {took:?}");

    // Both flows' evidence in ./mca-evidence/<organizationId>.json, nothing else in the directory.
    let top: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(top, ["mca-evidence"], "the demo left {top:?}");
    let evidence = read_evidence(&dir.path().join("mca-evidence"));
    let manual = evidence.iter().find(|e| e["flow"] == "manual").unwrap();
    for key in [
        "attestationId",
        "agreementLink",
        "startedAt",
        "signedAt",
        "finalizedAt",
        "confirmedAt",
    ] {
        assert!(manual[key].is_string(), "{key} missing in {manual}");
    }
    assert_eq!(manual["templateId"], "sandbox-mca-template-2025");
    let auto = evidence.iter().find(|e| e["flow"] == "automatic").unwrap();
    assert_eq!(auto["flow"], "automatic");
    assert_ne!(auto["organizationId"], manual["organizationId"]);
    // No signer details and no token in the walk-through output.
    assert!(
        !r.stdout.contains("ada.lovelace@example.com"),
        "{}",
        r.stdout
    );
}

#[test]
fn demo_writes_evidence_to_the_named_directory() {
    let dir = tempfile::tempdir().unwrap();
    let named = dir.path().join("proof").join("2026");
    let r = run(bare_mca()
        .current_dir(dir.path())
        .args(["demo", "--evidence-dir"])
        .arg(&named));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(read_evidence(&named).len(), 2);
    assert!(!dir.path().join("mca-evidence").exists());
    assert!(
        r.stdout.contains(&named.display().to_string()),
        "{}",
        r.stdout
    );
}

#[test]
fn demo_against_a_configured_endpoint_needs_an_org() {
    let r = run(bare_mca().args([
        "demo",
        "--base-url",
        "https://api.example.com",
        "--reseller-id",
        "11111111-1111-4111-8111-111111111111",
        "--token",
        "t",
    ]));
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("--org"), "{}", r.stderr);
}
