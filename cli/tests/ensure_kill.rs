//! `mca ensure` killed mid-way (SIGKILL) and run again, against a sandbox with injected faults
//! (slow answers, answers lost after the start was carried out, dropped reads): every organisation
//! ends with exactly one start, counted by the sandbox per organisation.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use common::{org, run, Sandbox};
use serde_json::{json, Value};

const ORGS: usize = 30;

fn starts(sb: &Sandbox, org: &str) -> u64 {
    sb.counts(org)["start_attestation"].as_u64().unwrap()
}

#[test]
fn killed_run_then_rerun_starts_each_organisation_once() {
    let sb = Sandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let orgs: Vec<String> = (0..ORGS).map(|_| org()).collect();
    let csv = dir.path().join("signers.csv");
    let mut text = String::from(
        "organizationId,firstName,lastName,emailAddress,phoneNumber,country,language\n",
    );
    for o in &orgs {
        text.push_str(&format!(
            "{o},Ada,Lovelace,ada@example.com,+46 70 123 45 67,SE,\n"
        ));
    }
    std::fs::write(&csv, text).unwrap();
    // The first 8 starts are carried out but their answers are lost (the connection drops);
    // every other start and every attestation read is slow; 5 acceptance reads are dropped.
    sb.fault(
        json!({"op": "start_attestation", "count": 8, "fault": "drop", "afterHandling": true}),
    );
    sb.fault(json!({"op": "start_attestation", "count": 1000, "fault": "delay", "delayMs": 300}));
    sb.fault(json!({"op": "get_attestation", "count": 1000, "fault": "delay", "delayMs": 150}));
    sb.fault(json!({"op": "get_acceptance", "count": 5, "fault": "drop"}));

    let evidence = dir.path().join("evidence");
    let mut first = std::process::Command::new(env!("CARGO_BIN_EXE_mca"));
    first
        .env("MCA_BASE_URL", &sb.url)
        .env("MCA_RESELLER_ID", common::RESELLER)
        .env("MCA_USERNAME", "sandbox")
        .env("MCA_PASSWORD", "sandbox")
        .args(["ensure", "--concurrency", "4", "--orgs"])
        .arg(&csv)
        .arg("--out")
        .arg(dir.path().join("first.csv"))
        .arg("--evidence-dir")
        .arg(&evidence)
        .arg("--links")
        .arg(dir.path().join("links1.csv"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let mut child = first.spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let started_before_kill = loop {
        let n: u64 = orgs.iter().map(|o| starts(&sb, o)).sum();
        if n >= 10 {
            break n;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the first run ended before it was killed"
        );
        assert!(
            Instant::now() < deadline,
            "the first run is stuck at {n} starts"
        );
        std::thread::sleep(Duration::from_millis(25));
    };
    child.kill().unwrap(); // SIGKILL
    let status = child.wait().unwrap();
    assert_eq!(status.code(), None, "killed by a signal");
    // Requests the killed process left in flight are still carried out by the server (each runs
    // in its own task); the re-run comes after they landed, as a re-run after a crash does.
    std::thread::sleep(Duration::from_millis(600));
    let at_kill: u64 = orgs.iter().map(|o| starts(&sb, o)).sum();
    assert!(
        at_kill < ORGS as u64,
        "the kill came too late to be mid-way: {at_kill} of {ORGS} started"
    );

    let out = dir.path().join("second.json");
    let r = run(sb
        .mca()
        .args(["ensure", "--concurrency", "4", "--orgs"])
        .arg(&csv)
        .arg("--out")
        .arg(&out)
        .arg("--evidence-dir")
        .arg(&evidence)
        .arg("--links")
        .arg(dir.path().join("links2.csv")));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), ORGS);
    let mut actions: BTreeMap<String, u64> = BTreeMap::new();
    for row in rows {
        assert_eq!(row["stateAfter"], "pending", "{row}");
        *actions
            .entry(row["action"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    let per_org: Vec<u64> = orgs.iter().map(|o| starts(&sb, o)).collect();
    let mut histogram: BTreeMap<u64, u64> = BTreeMap::new();
    for n in &per_org {
        *histogram.entry(*n).or_default() += 1;
    }
    eprintln!(
        "kill-and-rerun: {ORGS} organisations; starts seen when killed {started_before_kill}, \
         after the in-flight ones landed {at_kill}; re-run actions {actions:?}; \
         starts per organisation (starts -> organisations) {histogram:?}"
    );
    for (o, n) in orgs.iter().zip(&per_org) {
        assert!(*n <= 1, "{o} was started {n} times");
        assert_eq!(*n, 1, "{o} was never started");
    }
    assert_eq!(actions.get("reuse").copied().unwrap_or(0), at_kill);
}
