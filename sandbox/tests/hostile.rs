//! The sandbox under hostile input (dates at the year boundaries, huge delays, junk bodies) and the
//! transport-shaped fault kinds `redirect`, `oversized`, `slowbody` and `stall`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};

/// A client that never follows redirects (the sandbox's own answers are what the tests look at).
fn manual() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

async fn trap_hits(sb: &Sandbox) -> Value {
    sb.client
        .get(format!("{}/_sandbox/trap-hits", sb.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn post_fault(sb: &Sandbox, fault: Value) -> reqwest::Response {
    sb.client
        .post(format!("{}/_sandbox/faults", sb.url))
        .json(&fault)
        .send()
        .await
        .unwrap()
}

/// The sandbox still serves a whole manual flow for a fresh organisation.
async fn still_serves(sb: &Sandbox) {
    let org = new_org();
    assert_eq!(sb.start(&org).await.status(), 200);
    let got = sb.get(&org, "csp/mca/attestation").await;
    assert_eq!(got.status(), 200);
    let body: Value = got.json().await.unwrap();
    assert_dotnet(&body["acceptanceDate"]);
}

#[tokio::test]
async fn acceptance_dates_outside_years_1_to_9999_in_utc_are_refused_and_do_not_wedge() {
    let sb = sandbox().await;
    for date in [
        "0000-01-01T00:00:00+01:00",
        "9999-12-31T23:59:59-01:00",
        "0000-12-31T23:59:59Z",
    ] {
        let org = new_org();
        let mut body = start_body();
        body["acceptanceDate"] = json!(date);
        let response = sb
            .client
            .post(sb.api(&org, "csp/mca/attestation"))
            .bearer_auth(&sb.token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let problem = problem(response, 400).await;
        assert_eq!(problem["errors"][0]["pointer"], "/acceptanceDate", "{date}");
        // Nothing was stored: GET answers 404, a valid start is not a 409.
        assert_eq!(sb.get(&org, "csp/mca/attestation").await.status(), 404);
        assert_eq!(sb.start(&org).await.status(), 200);
        assert_eq!(sb.get(&org, "csp/mca/attestation").await.status(), 200);

        let mut csp = csp_body(Some(true));
        csp["partnerAttestation"]["acceptanceDate"] = json!(date);
        let problem = problem_of(sb.csp(&org, &csp).await).await;
        assert_eq!(
            problem["errors"][0]["pointer"],
            "/partnerAttestation/acceptanceDate"
        );
    }
    // The boundaries themselves are fine and answered in UTC.
    for (date, utc) in [
        ("0001-01-01T00:00:00Z", "0001-01-01T00:00:00.0000000Z"),
        ("9999-12-31T23:59:59+01:00", "9999-12-31T22:59:59.0000000Z"),
        ("0001-01-01T00:30:00+00:30", "0001-01-01T00:00:00.0000000Z"),
    ] {
        let org = new_org();
        let mut body = start_body();
        body["acceptanceDate"] = json!(date);
        let response = sb
            .client
            .post(sb.api(&org, "csp/mca/attestation"))
            .bearer_auth(&sb.token)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{date}");
        let got: Value = sb
            .get(&org, "csp/mca/attestation")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(got["acceptanceDate"], utc);
    }
    still_serves(&sb).await;
}

async fn problem_of(response: reqwest::Response) -> Value {
    problem(response, 400).await
}

#[tokio::test]
async fn fault_delays_are_capped_at_120_s() {
    let sb = sandbox().await;
    for (fault, field) in [
        (
            json!({"op": "get_acceptance", "fault": "delay", "delayMs": u64::MAX}),
            "/delayMs",
        ),
        (
            json!({"op": "token", "fault": "stall", "delayMs": 120_001}),
            "/delayMs",
        ),
        (
            json!({"op": "get_acceptance", "fault": "oversized", "sizeBytes": u64::MAX}),
            "/sizeBytes",
        ),
        (
            json!({"op": "get_acceptance", "fault": "redirect", "status": 200}),
            "/status",
        ),
        (
            json!({"op": "get_acceptance", "fault": "redirect", "location": "/relative"}),
            "/location",
        ),
    ] {
        let body = problem(post_fault(&sb, fault.clone()).await, 400).await;
        assert_eq!(body["errors"][0]["pointer"], field, "{fault}");
    }
    let ok = post_fault(
        &sb,
        json!({"op": "get_acceptance", "fault": "delay", "delayMs": 120_000}),
    )
    .await;
    assert_eq!(ok.status(), 200);
}

#[tokio::test]
async fn hostile_bodies_never_break_the_sandbox() {
    let sb = sandbox().await;
    let org = new_org();
    let junk: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"\xff\xfe\x00".to_vec(),
        b"[]".to_vec(),
        b"{\"signer\":{\"firstName\":1e999}}".to_vec(),
        br#"{"signer":null,"country":"\u0000\u0000","acceptanceDate":"+275760-09-13T00:00:00Z"}"#
            .to_vec(),
        br#"{"acceptanceDate":"9999-12-31T23:59:60-23:59"}"#.to_vec(),
        br#"{"acceptanceDate":"0000-01-01T00:00:00+23:59"}"#.to_vec(),
        br#"{"acceptanceDate":"-0001-01-01T00:00:00Z"}"#.to_vec(),
        "{\"language\":\"".repeat(1000).into_bytes(),
        vec![b'['; 100_000],
    ];
    for body in junk {
        for rest in ["csp/mca/attestation", "Csp"] {
            let response = sb
                .client
                .post(sb.api(&org, rest))
                .bearer_auth(&sb.token)
                .header("content-type", "application/json")
                .body(body.clone())
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 400, "{}", String::from_utf8_lossy(&body));
        }
    }
    for fault in [
        json!({"op": "nope", "fault": "status"}),
        json!({"op": "token", "fault": "status", "count": u64::MAX}),
        json!({"op": "token", "fault": "status", "retryAfter": -1}),
        json!({"op": "token", "fault": "warp"}),
    ] {
        assert_eq!(post_fault(&sb, fault).await.status(), 400);
    }
    still_serves(&sb).await;
}

#[tokio::test]
async fn redirect_fault_points_to_the_trap_on_another_origin() {
    let sb = sandbox().await;
    let org = new_org();
    sb.fault(json!({"op": "start_attestation", "org": org, "fault": "redirect"}))
        .await;
    let response = manual()
        .post(sb.api(&org, "csp/mca/attestation"))
        .bearer_auth(&sb.token)
        .json(&start_body())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 307);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let port = sb.handle.local_addr().port();
    assert_eq!(location, format!("http://localhost:{port}/_sandbox/trap"));
    assert!(sb.url.starts_with("http://127.0.0.1:"));
    // The redirect replaced handling: nothing was started.
    assert_eq!(sb.get(&org, "csp/mca/attestation").await.status(), 404);
    assert_eq!(trap_hits(&sb).await["hits"], 0);

    // A client that follows a 307 re-posts the token form (with the password) to the trap.
    sb.fault(json!({"op": "token", "fault": "redirect", "status": 307}))
        .await;
    let follower = reqwest::Client::new();
    let followed = follower
        .post(format!("{}/connect/token", sb.url))
        .form(&[
            ("grant_type", "password"),
            ("username", "sandbox"),
            ("password", "sandbox"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(followed.status(), 200);
    assert_eq!(
        followed.json::<Value>().await.unwrap(),
        json!({"trap": true})
    );
    let hits = trap_hits(&sb).await;
    assert_eq!(hits["hits"], 1, "{hits}");
    assert_eq!(hits["withPassword"], 1, "{hits}");
    assert_eq!(hits["withBody"], 1, "{hits}");
    assert_eq!(hits["requests"][0]["method"], "POST");

    // A 302 with an explicit location; a reset forgets the hits.
    sb.fault(json!({"op": "get_acceptance", "fault": "redirect", "status": 302, "location": "https://elsewhere.invalid/x"})).await;
    let response = manual()
        .get(sb.api(&org, "csp/mca/acceptance"))
        .bearer_auth(&sb.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 302);
    assert_eq!(
        response.headers()["location"],
        "https://elsewhere.invalid/x"
    );
    assert_eq!(sb.admin("reset").await.status(), 200);
    assert_eq!(trap_hits(&sb).await["hits"], 0);
}

/// Reads a whole body chunk by chunk, counting bytes and keeping only the first and last few.
async fn drain(mut response: reqwest::Response) -> (u64, Vec<u8>, Vec<u8>) {
    let mut total = 0u64;
    let mut head = Vec::new();
    let mut tail = Vec::new();
    while let Some(chunk) = response.chunk().await.unwrap() {
        total += chunk.len() as u64;
        if head.len() < 64 {
            head.extend_from_slice(&chunk[..chunk.len().min(64)]);
        }
        tail.extend_from_slice(&chunk);
        if tail.len() > 64 {
            tail.drain(..tail.len() - 64);
        }
    }
    (total, head, tail)
}

#[tokio::test]
async fn oversized_fault_streams_exactly_size_bytes() {
    let sb = sandbox().await;
    let org = new_org();
    let size = 20 * 1024 * 1024 + 7;
    sb.fault(json!({"op": "get_attestation", "org": org, "fault": "oversized", "sizeBytes": size}))
        .await;
    let response = sb.get(&org, "csp/mca/attestation").await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let (total, head, tail) = drain(response).await;
    assert_eq!(total, size);
    assert!(head.starts_with(b"{\"attestationId\":\"xxx"));
    assert!(tail.ends_with(b"xx\"}"));

    // An error status gets an HTML page; the token endpoint too.
    sb.fault(json!({"op": "token", "fault": "oversized", "status": 502, "sizeBytes": 100_000}))
        .await;
    let response = sb
        .client
        .post(format!("{}/connect/token", sb.url))
        .form(&[("grant_type", "password")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 502);
    let (total, head, tail) = drain(response).await;
    assert_eq!(total, 100_000);
    assert!(head.starts_with(b"<!DOCTYPE html>"));
    assert!(tail.ends_with(b"</html>\n"));

    // The default is 1 GiB: the head arrives at once, a client can stop reading.
    sb.fault(json!({"op": "get_acceptance", "fault": "oversized"}))
        .await;
    let mut response = sb.get(&org, "csp/mca/acceptance").await;
    assert_eq!(response.status(), 200);
    let first = response.chunk().await.unwrap().unwrap();
    assert!(first.starts_with(b"{\"attestationId\":\""));
    drop(response);
    still_serves(&sb).await;
}

#[tokio::test]
async fn slowbody_fault_trickles_the_normal_body() {
    let sb = sandbox().await;
    let org = new_org();
    sb.fault(json!({"op": "get_acceptance", "org": org, "fault": "slowbody", "delayMs": 1500}))
        .await;
    let started = Instant::now();
    let mut response = sb.get(&org, "csp/mca/acceptance").await;
    assert!(
        started.elapsed() < Duration::from_millis(700),
        "headers late"
    );
    assert_eq!(response.status(), 200);
    let mut body = Vec::new();
    let mut chunks = 0;
    while let Some(chunk) = response.chunk().await.unwrap() {
        chunks += 1;
        body.extend_from_slice(&chunk);
    }
    assert!(started.elapsed() >= Duration::from_millis(1200), "not slow");
    assert!(chunks > 10, "{chunks} chunks");
    let value: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(value["accepted"], false);
}

#[tokio::test]
async fn stall_fault_sends_headers_then_never_completes_the_body() {
    let sb = sandbox().await;
    let org = new_org();
    sb.fault(json!({"op": "start_attestation", "org": org, "fault": "stall", "delayMs": 1000}))
        .await;
    let started = Instant::now();
    let mut response = sb.start(&org).await;
    assert!(
        started.elapsed() < Duration::from_millis(700),
        "headers late"
    );
    assert_eq!(response.status(), 200);
    let mut body = Vec::new();
    let error = loop {
        match response.chunk().await {
            Ok(Some(chunk)) => body.extend_from_slice(&chunk),
            Ok(None) => panic!("the body completed"),
            Err(e) => break e,
        }
    };
    assert!(started.elapsed() >= Duration::from_millis(900));
    assert!(
        error.is_body() || error.is_decode() || error.is_request(),
        "{error:?}"
    );
    assert!(body.starts_with(b"{\"attestationId\":\""));
    assert!(serde_json::from_slice::<Value>(&body).is_err());
    // The start was handled: the server did it, the client never heard.
    assert_eq!(sb.get(&org, "csp/mca/attestation").await.status(), 200);

    // A client with a short timeout gives up on a stalled token answer.
    sb.fault(json!({"op": "token", "fault": "stall"})).await;
    let quick = reqwest::Client::builder()
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    let started = Instant::now();
    let result = async {
        quick
            .post(format!("{}/connect/token", sb.url))
            .basic_auth("sandbox", Some("sandbox"))
            .form(&[
                ("grant_type", "password"),
                ("username", "sandbox"),
                ("password", "sandbox"),
            ])
            .send()
            .await?
            .bytes()
            .await
    }
    .await;
    assert!(result.unwrap_err().is_timeout());
    assert!(started.elapsed() < Duration::from_secs(5));
}
