//! `mca demo`: the project's main job. It must exit 0, print every stage and write the evidence.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::{Duration, Instant};

use common::{bare_mca, run};

#[test]
fn demo_exits_0_prints_every_stage_and_writes_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let evidence = dir.path().join("manual.json");
    let clock = Instant::now();
    let r = run(bare_mca()
        .current_dir(dir.path())
        .args(["demo", "--evidence-out"])
        .arg(&evidence));
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

    let manual: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&evidence).unwrap()).unwrap();
    assert_eq!(manual["flow"], "manual");
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
    // The automatic flow's evidence lands next to it.
    let automatic: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("mca-evidence-")
        })
        .collect();
    assert_eq!(automatic.len(), 1, "{automatic:?}");
    let auto: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&automatic[0]).unwrap()).unwrap();
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
