//! The CLI's platform against a hostile server (the sandbox's transport-shaped faults): redirects are
//! refused and never followed, bodies are capped, slow or stalled bodies time out — each a
//! `transport` error (exit 5) — and memory stays bounded. The scenario names are the same in the
//! npm, Python and Kotlin suites.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};

/// What reached the sandbox's redirect trap.
fn trap_hits(sb: &Sandbox) -> Value {
    let url = format!("{}/_sandbox/trap-hits", sb.url);
    sb.rt.block_on(async {
        sb.client()
            .get(&url)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    })
}

fn assert_trap_untouched(sb: &Sandbox) {
    let hits = trap_hits(sb);
    assert_eq!(hits["hits"], 0, "a redirect was followed: {hits}");
    assert_eq!(hits["withPassword"], 0, "{hits}");
    assert_eq!(hits["withAuthorization"], 0, "{hits}");
    assert_eq!(hits["withBody"], 0, "{hits}");
}

/// A JSON error of kind `transport` and exit code 5; returns its message.
fn assert_transport(r: &Run) -> String {
    assert_eq!(r.code, 5, "{}{}", r.stdout, r.stderr);
    let error = &r.json()["error"];
    assert_eq!(error["kind"], "transport", "{error}");
    error["message"].as_str().unwrap_or_default().to_owned()
}

/// Runs `cmd` under `/usr/bin/time`; the result and the peak resident set size in KiB.
fn run_measured(cmd: &mut assert_cmd::Command) -> (Run, u64) {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("rss");
    let inner = cmd.get_program().to_owned();
    let args: Vec<_> = cmd.get_args().map(|a| a.to_owned()).collect();
    let envs: Vec<_> = cmd
        .get_envs()
        .map(|(k, v)| (k.to_owned(), v.map(|v| v.to_owned())))
        .collect();
    let mut timed = assert_cmd::Command::new("/usr/bin/time");
    timed.arg("-f").arg("%M").arg("-o").arg(&report).arg(inner);
    timed.args(args);
    for (key, value) in envs {
        match value {
            Some(v) => timed.env(key, v),
            None => timed.env_remove(key),
        };
    }
    timed.timeout(Duration::from_secs(120));
    let r = run(&mut timed);
    let text = std::fs::read_to_string(&report).unwrap();
    let kib = text.trim().lines().last().unwrap().trim().parse().unwrap();
    (r, kib)
}

#[test]
fn redirect_from_token_endpoint_is_refused() {
    let sb = Sandbox::start();
    sb.fault(json!({"op": "token", "fault": "redirect", "status": 307, "count": 5}));
    let r = run(sb
        .mca()
        .args(["acceptance", "get", "--json", "--org", &org()]));
    assert_transport(&r);
    assert_trap_untouched(&sb);
    // The password never reaches the output either.
    assert!(!r.stdout.contains("password"), "{}", r.stdout);
}

#[test]
fn redirect_from_api_is_refused() {
    let sb = Sandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let body = dir.path().join("start.json");
    std::fs::write(&body, start_body()).unwrap();
    let o = org();
    sb.fault(json!({"op": "start_attestation", "org": o, "fault": "redirect", "count": 5}));
    sb.fault(
        json!({"op": "get_acceptance", "org": o, "fault": "redirect", "status": 302, "count": 5}),
    );
    let r = run(sb
        .mca()
        .args(["attestation", "start", "--json", "--org", &o, "--input"])
        .arg(&body));
    assert_transport(&r);
    let r = run(sb.mca().args(["acceptance", "get", "--json", "--org", &o]));
    assert_transport(&r);
    assert_trap_untouched(&sb);
}

#[test]
fn oversized_body_is_a_transport_error() {
    let sb = Sandbox::start();
    // 1 GiB, streamed by the sandbox as the success body of every attempt.
    let o = org();
    sb.fault(json!({"op": "get_acceptance", "org": o, "fault": "oversized", "count": 10}));
    let started = Instant::now();
    let (r, kib) = run_measured(sb.mca().args(["acceptance", "get", "--json", "--org", &o]));
    let message = assert_transport(&r);
    assert!(
        message.contains(&format!(
            "exceeds {} bytes",
            mca_attestation::http::MAX_RESPONSE_BYTES
        )),
        "{message}"
    );
    assert!(kib < 100 * 1024, "peak RSS {kib} KiB");
    assert!(started.elapsed() < Duration::from_secs(60));

    // An oversized HTML error page from the token endpoint too.
    sb.fault(json!({"op": "token", "fault": "oversized", "status": 502, "sizeBytes": 50_000_000, "count": 10}));
    let (r, kib) = run_measured(
        sb.mca()
            .args(["acceptance", "get", "--json", "--org", &org()]),
    );
    assert_transport(&r);
    assert!(kib < 100 * 1024, "peak RSS {kib} KiB");
}

#[test]
fn stalled_body_times_out() {
    let sb = Sandbox::start();
    let o = org();
    sb.fault(
        json!({"op": "get_acceptance", "org": o, "fault": "stall", "delayMs": 60_000, "count": 10}),
    );
    let started = Instant::now();
    let r = run(sb
        .mca()
        .args(["--timeout", "1", "acceptance", "get", "--json", "--org", &o]));
    assert_transport(&r);
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
}

/// The core's option names work as flags: `--request-timeout-ms` bounds each exchange (without it
/// the default 30 s would apply) and `--retry-max-attempts 1` sends the read once.
#[test]
fn request_timeout_ms_and_retry_max_attempts_flags() {
    let sb = Sandbox::start();
    let o = org();
    sb.fault(
        json!({"op": "get_acceptance", "org": o, "fault": "stall", "delayMs": 60_000, "count": 10}),
    );
    let started = Instant::now();
    let r = run(sb.mca().args([
        "--request-timeout-ms",
        "400",
        "--retry-max-attempts",
        "1",
        "acceptance",
        "get",
        "--json",
        "--org",
        &o,
    ]));
    assert_transport(&r);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn slow_body_times_out() {
    let sb = Sandbox::start();
    let o = org();
    sb.fault(json!({"op": "get_acceptance", "org": o, "fault": "slowbody", "delayMs": 60_000, "count": 10}));
    let started = Instant::now();
    let r = run(sb
        .mca()
        .args(["--timeout", "1", "acceptance", "get", "--json", "--org", &o]));
    assert_transport(&r);
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn flows_have_a_default_deadline() {
    let r = run(bare_mca().args(["attestation", "wait", "--help"]));
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("default: 1800"), "{}", r.stdout);
    // A signer who never signs: on the test clock (sleeps return at once) `wait` without
    // `--timeout-after` stops at the 30-minute default deadline, long before the link expires.
    let sb = Sandbox::start();
    let o = org();
    let dir = tempfile::tempdir().unwrap();
    let body = dir.path().join("start.json");
    std::fs::write(&body, start_body()).unwrap();
    let r = run(sb
        .mca()
        .args(["attestation", "start", "--json", "--org", &o, "--input"])
        .arg(&body));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let now = time_now_rfc3339();
    let r = run(sb.mca().env("MCA_TEST_CLOCK", &now).args([
        "attestation",
        "wait",
        "--json",
        "--no-jitter",
        "--org",
        &o,
    ]));
    assert_eq!(r.code, 6, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.json()["error"]["kind"], "deadline");
}

/// The current time as RFC 3339 (UTC, seconds).
fn time_now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    mca_attestation::Timestamp::from_unix_millis(i64::try_from(secs * 1000).unwrap())
        .unwrap()
        .to_rfc3339()
}
