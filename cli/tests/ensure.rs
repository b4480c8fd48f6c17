//! `mca ensure --orgs signers.csv` against the sandbox: each starting state gets its action, bad
//! rows are reported and not sent, `--dry-run` sends no POST/PUT, `--fail-on` exits 7, the HTML page
//! holds every row and no secret, and a run killed mid-way and re-run never starts twice.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use common::{org, run, Sandbox};
use serde_json::{json, Value};

const HEADER: &str = "organizationId,firstName,lastName,emailAddress,phoneNumber,country,language";

fn signer_line(org: &str) -> String {
    format!("{org},Ada,Lovelace,ada.signer@example.com,+46 70 123 45 67,SE,sv-SE")
}

/// Starts an attestation for `org` through the API (setup).
fn start(sb: &Sandbox, org: &str) {
    let token = sb.token();
    let url = sb.service(org, "csp/mca/attestation");
    let body: Value = serde_json::from_str(&common::start_body()).unwrap();
    sb.rt.block_on(async {
        let r = sb
            .client()
            .post(&url)
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "setup start: {}", r.status());
    });
}

fn starts(sb: &Sandbox, org: &str) -> u64 {
    sb.counts(org)["start_attestation"].as_u64().unwrap()
}

fn writes(sb: &Sandbox, org: &str) -> u64 {
    let c = sb.counts(org);
    [
        "start_attestation",
        "finalize_attestation",
        "refresh_acceptance",
        "add_csp_service",
    ]
    .iter()
    .map(|k| c[*k].as_u64().unwrap())
    .sum()
}

fn reads(sb: &Sandbox, org: &str) -> u64 {
    let c = sb.counts(org);
    c["get_acceptance"].as_u64().unwrap() + c["get_attestation"].as_u64().unwrap()
}

/// The organisations of the mixed set-up, by starting state.
struct Mixed {
    none: String,
    accepted: String,
    pending: String,
    signed: String,
    expired: String,
    bad: String,
}

fn mixed(sb: &Sandbox) -> Mixed {
    let m = Mixed {
        none: org(),
        accepted: org(),
        pending: org(),
        signed: org(),
        expired: org(),
        bad: org(),
    };
    sb.admin(&format!("/_sandbox/orgs/{}/direct-acceptance", m.accepted));
    start(sb, &m.pending);
    start(sb, &m.signed);
    sb.admin(&format!("/_sandbox/orgs/{}/sign", m.signed));
    start(sb, &m.expired);
    sb.admin(&format!("/_sandbox/orgs/{}/expire", m.expired));
    m
}

/// The CSV of the mixed set-up: lines 2–6 valid, 7 invalid (three violations), 8 a duplicate,
/// 9 a bad id.
fn mixed_csv(dir: &Path, m: &Mixed) -> std::path::PathBuf {
    let mut text = format!("{HEADER}\n");
    for o in [&m.none, &m.accepted, &m.pending, &m.signed, &m.expired] {
        text.push_str(&signer_line(o));
        text.push('\n');
    }
    text.push_str(&format!(
        "{},Bad,,not-an-email,+46 70 123 45 67,XX1,\n",
        m.bad
    ));
    text.push_str(&signer_line(&m.none));
    text.push('\n');
    text.push_str("not-a-guid,Ada,Lovelace,ada@example.com,+46701234567,SE,\n");
    let path = dir.join("signers.csv");
    std::fs::write(&path, text).unwrap();
    path
}

fn by_line(rows: &Value) -> HashMap<u64, Value> {
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| (r["line"].as_u64().unwrap(), r.clone()))
        .collect()
}

fn plan(row: &Value) -> (String, String, String) {
    (
        row["stateBefore"].as_str().unwrap().to_string(),
        row["action"].as_str().unwrap().to_string(),
        row["stateAfter"].as_str().unwrap().to_string(),
    )
}

fn triple(a: &str, b: &str, c: &str) -> (String, String, String) {
    (a.into(), b.into(), c.into())
}

#[test]
fn ensure_takes_each_state_to_its_action_and_reports_bad_rows() {
    let sb = Sandbox::start();
    let m = mixed(&sb);
    let dir = tempfile::tempdir().unwrap();
    let csv = mixed_csv(dir.path(), &m);
    let out = dir.path().join("out.json");
    let evidence = dir.path().join("evidence");
    let links = dir.path().join("links.csv");
    let before_expired = starts(&sb, &m.expired);
    // Two rate-limited reads on the way: the core waits Retry-After and goes on.
    sb.fault(json!({"op": "get_attestation", "count": 2, "fault": "status", "status": 429, "retryAfter": 1}));
    let r = run(sb
        .mca()
        .args(["ensure", "--orgs"])
        .arg(&csv)
        .arg("--out")
        .arg(&out)
        .arg("--evidence-dir")
        .arg(&evidence)
        .arg("--links")
        .arg(&links));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let faults_url = format!("{}/_sandbox/faults", sb.url);
    let left: Value = sb.rt.block_on(async {
        sb.client()
            .get(&faults_url)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    });
    assert_eq!(left, json!([]), "both 429 answers were given");
    // Bad rows are named on stderr with line and pointer before anything runs.
    assert!(
        r.stderr.contains("line 7: /signer/lastName"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("/signer/emailAddress"), "{}", r.stderr);
    assert!(r.stderr.contains("/country"), "{}", r.stderr);
    assert!(
        r.stderr.contains("line 8: duplicate of line 2"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("line 9: /organizationId"), "{}", r.stderr);
    assert!(!r.stderr.contains("ada.signer@example.com"), "{}", r.stderr);

    let rows: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let rows = by_line(&rows);
    assert_eq!(rows.len(), 8);
    assert_eq!(plan(&rows[&2]), triple("none", "start", "pending"));
    assert_eq!(plan(&rows[&3]), triple("accepted", "none", "accepted"));
    assert_eq!(plan(&rows[&4]), triple("pending", "reuse", "pending"));
    assert_eq!(plan(&rows[&5]), triple("signed", "finalize", "accepted"));
    assert_eq!(plan(&rows[&6]), triple("expired", "start", "pending"));
    for line in [7, 8, 9] {
        assert_eq!(rows[&line]["action"], "skip", "line {line}");
        assert_eq!(rows[&line]["stateAfter"], "invalid", "line {line}");
    }
    assert_eq!(rows[&7]["errorKind"], "invalid");
    assert_eq!(rows[&8]["errorKind"], "duplicate");
    for line in [2, 4, 6] {
        assert!(
            rows[&line]["agreementLink"]
                .as_str()
                .unwrap()
                .contains("/agreements/"),
            "line {line}"
        );
        assert!(rows[&line]["expiresAt"].as_str().is_some(), "line {line}");
    }

    // What reached the API: one start for none and for expired, none for the others.
    assert_eq!(starts(&sb, &m.none), 1);
    assert_eq!(starts(&sb, &m.expired), before_expired + 1);
    assert_eq!(starts(&sb, &m.pending), 1, "the setup's start only");
    assert_eq!(starts(&sb, &m.signed), 1, "the setup's start only");
    assert_eq!(writes(&sb, &m.accepted), 0);
    assert_eq!(
        writes(&sb, &m.bad) + reads(&sb, &m.bad),
        0,
        "nothing sent for a bad row"
    );
    assert_eq!(sb.counts(&m.signed)["finalize_attestation"], 1);

    // Evidence for the one that became accepted; links for the three pending.
    let file = evidence.join(format!("{}.json", m.signed));
    assert_eq!(rows[&5]["evidenceFile"], file.display().to_string());
    let ev: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(ev["organizationId"], m.signed.as_str());
    assert!(ev["finalizedAt"].is_string() && ev["confirmedAt"].is_string());
    let names: Vec<String> = std::fs::read_dir(&evidence)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    let links = std::fs::read_to_string(&links).unwrap();
    let mut lines = links.lines();
    assert_eq!(
        lines.next(),
        Some("organizationId,emailAddress,agreementLink,expiresAt")
    );
    let linked: Vec<&str> = lines.map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(linked.len(), 3, "{links}");
    for o in [&m.none, &m.pending, &m.expired] {
        assert!(linked.contains(&o.as_str()), "{o} missing from {links}");
    }

    // Re-run: nothing new is started; the pending ones are reused.
    let again = dir.path().join("again.json");
    let r = run(sb
        .mca()
        .args(["ensure", "--orgs"])
        .arg(&csv)
        .arg("--out")
        .arg(&again)
        .arg("--evidence-dir")
        .arg(&evidence)
        .arg("--links")
        .arg(dir.path().join("links2.csv")));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows: Value = serde_json::from_str(&std::fs::read_to_string(&again).unwrap()).unwrap();
    let rows = by_line(&rows);
    assert_eq!(plan(&rows[&2]), triple("pending", "reuse", "pending"));
    assert_eq!(plan(&rows[&5]), triple("accepted", "none", "accepted"));
    assert_eq!(plan(&rows[&6]), triple("pending", "reuse", "pending"));
    assert_eq!(starts(&sb, &m.none), 1);
    assert_eq!(starts(&sb, &m.expired), before_expired + 1);
}

#[test]
fn dry_run_reads_only_and_plans() {
    let sb = Sandbox::start();
    let m = mixed(&sb);
    let dir = tempfile::tempdir().unwrap();
    let csv = mixed_csv(dir.path(), &m);
    let all = [
        &m.none,
        &m.accepted,
        &m.pending,
        &m.signed,
        &m.expired,
        &m.bad,
    ];
    let writes_before: Vec<u64> = all.iter().map(|o| writes(&sb, o)).collect();
    let evidence = dir.path().join("evidence");
    let links = dir.path().join("links.csv");
    let r = run(sb
        .mca()
        .args(["--json", "ensure", "--dry-run", "--orgs"])
        .arg(&csv)
        .arg("--evidence-dir")
        .arg(&evidence)
        .arg("--links")
        .arg(&links));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = by_line(&r.json());
    assert_eq!(plan(&rows[&2]), triple("none", "would_start", "none"));
    assert_eq!(plan(&rows[&3]), triple("accepted", "none", "accepted"));
    assert_eq!(plan(&rows[&4]), triple("pending", "reuse", "pending"));
    assert_eq!(
        plan(&rows[&5]),
        triple("signed", "would_finalize", "signed")
    );
    assert_eq!(plan(&rows[&6]), triple("expired", "would_start", "expired"));
    for line in 2..=6 {
        assert_eq!(rows[&line]["error"], Value::Null, "line {line}");
    }
    // No POST or PUT reached the API (the sandbox counts every request per organisation) …
    let writes_after: Vec<u64> = all.iter().map(|o| writes(&sb, o)).collect();
    assert_eq!(writes_before, writes_after);
    // … but the reads did.
    for o in [&m.none, &m.pending, &m.signed, &m.expired] {
        // With no attestation at all the flow reads the acceptance again before it would start (a
        // racing caller may have finalized meanwhile).
        let acceptance_reads = if o == &m.none { 2 } else { 1 };
        assert_eq!(sb.counts(o)["get_acceptance"], acceptance_reads, "{o}");
        assert_eq!(sb.counts(o)["get_attestation"], 1, "{o}");
    }
    assert!(!evidence.exists(), "a dry run writes no evidence");
    assert!(!links.exists(), "a dry run writes no links");
}

#[test]
fn fail_on_exits_7_with_a_one_line_summary() {
    let sb = Sandbox::start();
    let m = mixed(&sb);
    let dir = tempfile::tempdir().unwrap();
    let csv = mixed_csv(dir.path(), &m);
    let ensure = |extra: &[&str]| {
        run(sb
            .mca()
            .args(["ensure", "--dry-run", "--orgs"])
            .arg(&csv)
            .args(["--out"])
            .arg(dir.path().join("o.csv"))
            .args(extra))
    };
    // Without --fail-on the bad rows do not change the exit code.
    assert_eq!(ensure(&[]).code, 0);
    let r = ensure(&["--fail-on", "error"]);
    assert_eq!(r.code, 7, "{}", r.stderr);
    let last = r.stderr.lines().last().unwrap();
    assert_eq!(last, "mca ensure: ALERT 8 organisations; error 3");
    let r = ensure(&["--fail-on", "not-accepted,expiring", "--fail-on", "error"]);
    assert_eq!(r.code, 7);
    assert_eq!(
        r.stderr.lines().last().unwrap(),
        // The default --expiring-within is 3d: both ongoing attestations (1 h links) count.
        "mca ensure: ALERT 8 organisations; not-accepted 7, expiring 2, error 3"
    );
    // The links of the sandbox live an hour: within 2h they are expiring, within 30m they are not.
    let r = ensure(&["--fail-on", "expiring", "--expiring-within", "2h"]);
    assert_eq!(r.code, 7);
    assert!(r.stderr.ends_with("expiring 2\n"), "{}", r.stderr);
    let r = ensure(&["--fail-on", "expiring", "--expiring-within", "30m"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stderr.lines().last().unwrap(),
        "mca ensure: OK 8 organisations; expiring 0"
    );
}

#[test]
fn report_where_every_row_fails_exits_7_under_fail_on_error() {
    let sb = Sandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let orgs: Vec<String> = (0..5).map(|_| org()).collect();
    let csv = dir.path().join("orgs.csv");
    std::fs::write(&csv, format!("organizationId\n{}\n", orgs.join("\n"))).unwrap();
    sb.fault(json!({"op": "get_acceptance", "count": 1000, "fault": "status", "status": 400}));
    let report = |extra: &[&str]| {
        run(sb
            .mca()
            .args(["report", "--orgs"])
            .arg(&csv)
            .arg("--out")
            .arg(dir.path().join("r.csv"))
            .args(extra))
    };
    let r = report(&[]);
    assert_eq!(
        r.code, 0,
        "without --fail-on a row error keeps exit 0: {}",
        r.stderr
    );
    assert!(r.stderr.contains("errors 5"), "{}", r.stderr);
    let r = report(&["--fail-on", "error"]);
    assert_eq!(r.code, 7, "{}", r.stderr);
    assert_eq!(
        r.stderr.lines().last().unwrap(),
        "mca report: ALERT 5 organisations; error 5"
    );
    let r = report(&["--fail-on", "not-accepted"]);
    assert_eq!(r.code, 7);
    // Once the API answers, the same run is OK under --fail-on error.
    let url = format!("{}/_sandbox/faults", sb.url);
    sb.rt
        .block_on(async { sb.client().delete(&url).send().await.unwrap() });
    let r = report(&["--fail-on", "error"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stderr.lines().last().unwrap(),
        "mca report: OK 5 organisations; error 0"
    );
}

#[test]
fn html_page_has_every_row_and_no_secrets_or_signer_data() {
    let sb = Sandbox::start();
    let m = mixed(&sb);
    let dir = tempfile::tempdir().unwrap();
    let csv = mixed_csv(dir.path(), &m);
    let html = dir.path().join("ensure.html");
    let r = run(sb
        .mca()
        .args(["ensure", "--orgs"])
        .arg(&csv)
        .arg("--out")
        .arg(dir.path().join("o.csv"))
        .arg("--evidence-dir")
        .arg(dir.path().join("ev"))
        .arg("--links")
        .arg(dir.path().join("l.csv"))
        .arg("--html")
        .arg(&html));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let page = std::fs::read_to_string(&html).unwrap();
    assert_eq!(
        page.matches("<tr data-state=").count(),
        8 + count_states(&page)
    );
    assert!(page.contains("Content-Security-Policy"));
    assert!(page.contains("default-src 'none'"));
    for secret in [
        "ada.signer@example.com",
        "Lovelace",
        "password",
        "Bearer",
        "access_token",
    ] {
        assert!(!page.contains(secret), "the page contains {secret:?}");
    }
    for o in [&m.none, &m.accepted, &m.pending, &m.signed, &m.expired] {
        assert!(page.contains(o.as_str()), "{o} missing");
    }
    // No external resource: nothing is loaded from anywhere.
    for tag in ["<link", "src=\"http", "url(http", "@import"] {
        assert!(!page.contains(tag), "the page loads {tag}");
    }
    assert!(!dir.path().join("ensure.html.rows.tmp").exists());
}

/// Rows of the counts table (they carry data-state too).
fn count_states(page: &str) -> usize {
    let start = page.find("<table id=\"counts\"").unwrap();
    let end = page[start..].find("</table>").unwrap() + start;
    page[start..end].matches("<tr data-state=").count()
}

#[test]
fn a_second_run_while_the_first_is_going_stops_before_sending() {
    let sb = Sandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let orgs: Vec<String> = (0..6).map(|_| org()).collect();
    let csv = dir.path().join("s.csv");
    let mut text = format!("{HEADER}\n");
    for o in &orgs {
        text.push_str(&signer_line(o));
        text.push('\n');
    }
    std::fs::write(&csv, text).unwrap();
    sb.fault(json!({"op": "get_acceptance", "count": 6, "fault": "delay", "delayMs": 400}));
    let evidence = dir.path().join("ev");
    let mut first = std::process::Command::new(env!("CARGO_BIN_EXE_mca"));
    first
        .env("MCA_BASE_URL", &sb.url)
        .env("MCA_RESELLER_ID", common::RESELLER)
        .env("MCA_USERNAME", "sandbox")
        .env("MCA_PASSWORD", "sandbox")
        .args(["ensure", "--concurrency", "1", "--orgs"])
        .arg(&csv)
        .arg("--out")
        .arg(dir.path().join("first.csv"))
        .arg("--evidence-dir")
        .arg(&evidence)
        .arg("--links")
        .arg(dir.path().join("l1.csv"))
        .stderr(std::process::Stdio::null());
    let mut child = first.spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while reads(&sb, &orgs[0]) == 0 {
        assert!(Instant::now() < deadline, "the first run did not begin");
        std::thread::sleep(Duration::from_millis(20));
    }
    let r = run(sb
        .mca()
        .args(["ensure", "--orgs"])
        .arg(&csv)
        .arg("--evidence-dir")
        .arg(&evidence)
        .arg("--links")
        .arg(dir.path().join("l2.csv")));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("another `mca ensure` is running"),
        "{}",
        r.stderr
    );
    assert_eq!(child.wait().unwrap().code(), Some(0));
    for o in &orgs {
        assert_eq!(starts(&sb, o), 1, "{o}");
    }
}
