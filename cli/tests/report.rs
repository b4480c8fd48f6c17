//! `mca report` over 1,000 organisations in mixed states with injected faults: every row must match
//! what the test set up.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::HashMap;

use common::{org, run, Sandbox};
use serde_json::{json, Value};

#[derive(Clone, Debug, PartialEq)]
enum Expect {
    Direct,
    Partner,
    Pending(&'static str),
    Expired,
    None,
    Error(&'static str),
}

/// Runs setup calls with up to 16 in flight.
fn setup(sb: &Sandbox, calls: Vec<(String, String, Option<Value>)>) {
    let token = sb.token();
    let client = sb.client().clone();
    sb.rt.block_on(async move {
        let mut set = tokio::task::JoinSet::new();
        let mut pending = calls.into_iter();
        loop {
            while set.len() < 16 {
                let Some((method, url, body)) = pending.next() else {
                    break;
                };
                let client = client.clone();
                let token = token.clone();
                set.spawn(async move {
                    let mut req = match method.as_str() {
                        "PUT" => client.put(&url),
                        _ => client.post(&url),
                    };
                    if url.contains("/api/") {
                        req = req.bearer_auth(token);
                    }
                    if let Some(body) = body {
                        req = req.json(&body);
                    }
                    let r = req.send().await.unwrap();
                    assert!(r.status().is_success(), "{method} {url}: {}", r.status());
                });
            }
            match set.join_next().await {
                Some(r) => r.unwrap(),
                None => break,
            }
        }
    });
}

fn start(sb: &Sandbox, org: &str) -> (String, String, Option<Value>) {
    let body: Value = serde_json::from_str(&common::start_body()).unwrap();
    (
        "POST".into(),
        sb.service(org, "csp/mca/attestation"),
        Some(body),
    )
}

fn admin(sb: &Sandbox, org: &str, what: &str) -> (String, String, Option<Value>) {
    (
        "POST".into(),
        format!("{}/_sandbox/orgs/{org}/{what}", sb.url),
        None,
    )
}

#[test]
fn report_over_1000_organisations_with_mixed_states_and_faults() {
    let sb = Sandbox::start();
    let mut expected: Vec<(String, Expect)> = Vec::new();
    let mut phase1 = Vec::new();
    let mut phase2 = Vec::new();
    let mut phase3 = Vec::new();
    for i in 0..999 {
        let o = org();
        let e = match i {
            0..=249 => {
                phase1.push(admin(&sb, &o, "direct-acceptance"));
                Expect::Direct
            }
            250..=449 => {
                phase1.push(start(&sb, &o));
                Expect::Pending("pending_agreement_acceptance")
            }
            450..=549 => {
                phase1.push(start(&sb, &o));
                phase2.push(admin(&sb, &o, "sign"));
                Expect::Pending("pending_finalization")
            }
            550..=649 => {
                phase1.push(start(&sb, &o));
                phase2.push(admin(&sb, &o, "sign"));
                phase3.push((
                    "PUT".into(),
                    sb.service(&o, "csp/mca/attestation/finalize"),
                    None,
                ));
                Expect::Partner
            }
            650..=699 => {
                phase1.push(start(&sb, &o));
                phase2.push(admin(&sb, &o, "expire"));
                Expect::Expired
            }
            _ => Expect::None,
        };
        expected.push((o, e));
    }
    setup(&sb, phase1);
    setup(&sb, phase2);
    setup(&sb, phase3);

    // Faults. Transient ones the core retries (row still correct) …
    for (o, _) in &expected[700..720] {
        sb.fault(json!({"op": "get_acceptance", "org": o, "fault": "status", "status": 503}));
    }
    for (o, _) in &expected[720..723] {
        sb.fault(json!({"op": "get_acceptance", "org": o, "fault": "status", "status": 429, "retryAfter": 1}));
    }
    for (o, _) in &expected[260..265] {
        sb.fault(json!({"op": "get_attestation", "org": o, "fault": "drop"}));
    }
    // … and lasting ones that become row errors without stopping the run.
    for (i, kind) in [
        (900, "transport"),
        (901, "transport"),
        (902, "api"),
        (903, "decode"),
        (904, "api"),
    ] {
        let o = expected[i].0.clone();
        let spec = match i {
            900 | 901 => json!({"op": "get_acceptance", "org": o, "fault": "drop", "count": 3}),
            902 => json!({"op": "get_acceptance", "org": o, "fault": "html", "status": 500}),
            903 => json!({"op": "get_acceptance", "org": o, "fault": "truncated", "count": 3}),
            _ => json!({"op": "get_attestation", "org": o, "fault": "legacy", "status": 400}),
        };
        sb.fault(spec);
        expected[i].1 = Expect::Error(kind);
    }
    expected.push(("not-a-guid".into(), Expect::Error("invalid")));

    let dir = tempfile::tempdir().unwrap();
    let orgs_csv = dir.path().join("orgs.csv");
    let mut text = String::from("organizationId,name\n");
    for (i, (o, _)) in expected.iter().enumerate() {
        // Mixed case is normalised by the core.
        let shown = if i % 7 == 0 {
            o.to_uppercase()
        } else {
            o.clone()
        };
        text.push_str(&format!("{shown},Customer {i}\n"));
    }
    std::fs::write(&orgs_csv, text).unwrap();
    let out = dir.path().join("report.csv");

    let r = run(sb
        .mca()
        .args(["report", "--concurrency", "16", "--orgs"])
        .arg(&orgs_csv)
        .arg("--out")
        .arg(&out));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("1000 organisations"), "{}", r.stderr);
    assert!(
        r.stderr.contains("accepted 350 (direct 250, partner attestation 100), pending 300, expired 50, none 294, errors 6"),
        "{}",
        r.stderr
    );

    let mut reader = csv::Reader::from_path(&out).unwrap();
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    let (c_org, c_state, c_via, c_status, c_kind, c_signer) = (
        col("organizationId"),
        col("state"),
        col("acceptedVia"),
        col("attestationStatus"),
        col("errorKind"),
        col("signerEmail"),
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), expected.len());
    let mut seen = HashMap::new();
    for (row, (o, e)) in rows.iter().zip(&expected) {
        // Rows keep the input order; ids come out normalised.
        assert_eq!(&row[c_org], o.as_str());
        let state = &row[c_state];
        match e {
            Expect::Direct => {
                assert_eq!(state, "accepted", "{o}");
                assert_eq!(&row[c_via], "CustomerDirectAcceptance", "{o}");
            }
            Expect::Partner => {
                assert_eq!(state, "accepted", "{o}");
                assert_eq!(&row[c_via], "PartnerAttestation", "{o}");
                assert_eq!(&row[c_signer], "ada@example.com", "{o}");
            }
            Expect::Pending(status) => {
                assert_eq!(state, "pending", "{o}");
                assert_eq!(&row[c_status], *status, "{o}");
            }
            Expect::Expired => assert_eq!(state, "expired", "{o}"),
            Expect::None => {
                assert_eq!(state, "none", "{o}");
                assert_eq!(&row[c_status], "", "{o}");
            }
            Expect::Error(kind) => {
                assert_eq!(state, "error", "{o}: {row:?}");
                assert_eq!(&row[c_kind], *kind, "{o}: {row:?}");
            }
        }
        *seen.entry(format!("{e:?}")).or_insert(0) += 1;
    }
    // The retried orgs really saw their faults (and were retried, not skipped).
    assert_eq!(sb.counts(&expected[700].0)["get_acceptance"], 2);
    assert_eq!(sb.counts(&expected[720].0)["get_acceptance"], 2);
    assert_eq!(sb.counts(&expected[260].0)["get_attestation"], 2);
    assert_eq!(sb.counts(&expected[900].0)["get_acceptance"], 3);
}

#[test]
fn report_as_json_with_a_plain_list() {
    let sb = Sandbox::start();
    let accepted = org();
    let none = org();
    sb.admin(&format!("/_sandbox/orgs/{accepted}/direct-acceptance"));
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("orgs.csv");
    std::fs::write(&list, format!("# customers\n{accepted}\n\n{none}\n")).unwrap();
    let out = dir.path().join("report.json");
    let r = run(sb
        .mca()
        .args(["report", "--json", "--orgs"])
        .arg(&list)
        .arg("--out")
        .arg(&out));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let summary = r.json();
    assert_eq!(summary["total"], 2);
    assert_eq!(summary["accepted"], 1);
    let rows: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(rows[0]["organizationId"], accepted.as_str());
    assert_eq!(rows[0]["state"], "accepted");
    assert_eq!(rows[0]["accepted"], true);
    assert_eq!(rows[1]["state"], "none");
    assert_eq!(rows[1]["errorKind"], Value::Null);

    // Bad credentials stop the run before any row: exit 4.
    let r = run(sb
        .mca()
        .env("MCA_PASSWORD", "nope-nope")
        .args(["report", "--orgs"])
        .arg(&list));
    assert_eq!(r.code, 4, "{}", r.stderr);
    // A missing input file: exit 2.
    let r = run(sb.mca().args(["report", "--orgs", "/nonexistent/orgs.csv"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
}
