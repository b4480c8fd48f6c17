//! Every fault kind of `POST /_sandbox/faults`, over HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};

#[tokio::test]
async fn status_fault_fires_count_times_with_retry_after() {
    let sb = sandbox().await;
    let org = new_org();
    sb.fault(json!({"op": "get_acceptance", "org": org, "count": 2, "fault": "status", "status": 503, "retryAfter": 2})).await;
    for _ in 0..2 {
        let response = sb.get(&org, "csp/mca/acceptance").await;
        assert_eq!(response.headers()["retry-after"], "2");
        let body = problem(response, 503).await;
        assert_eq!(body["code"], "InjectedFault");
    }
    assert_eq!(sb.get(&org, "csp/mca/acceptance").await.status(), 200);
    // Faulted requests are counted.
    assert_eq!(sb.counts(&org).await["get_acceptance"], 3);
}

#[tokio::test]
async fn fault_for_one_org_leaves_others_alone_and_can_be_cleared() {
    let sb = sandbox().await;
    let (org, other) = (new_org(), new_org());
    sb.fault(json!({"op": "get_acceptance", "org": org, "fault": "status", "status": 500}))
        .await;
    assert_eq!(sb.get(&other, "csp/mca/acceptance").await.status(), 200);
    assert_eq!(sb.get(&org, "csp/mca/attestation").await.status(), 404);
    let listed: Value = sb
        .client
        .get(format!("{}/_sandbox/faults", sb.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let cleared = sb
        .client
        .delete(format!("{}/_sandbox/faults", sb.url))
        .send()
        .await
        .unwrap();
    assert_eq!(cleared.status(), 200);
    assert_eq!(sb.get(&org, "csp/mca/acceptance").await.status(), 200);

    // Without org the fault matches any organisation.
    sb.fault(json!({"op": "get_acceptance", "fault": "status", "status": 502}))
        .await;
    problem(sb.get(&other, "csp/mca/acceptance").await, 502).await;
}

#[tokio::test]
async fn delay_fault_waits_then_answers_normally() {
    let sb = sandbox().await;
    let org = new_org();
    sb.fault(json!({"op": "start_attestation", "fault": "delay", "delayMs": 600}))
        .await;
    let began = Instant::now();
    let response = sb.start(&org).await;
    assert!(began.elapsed() >= Duration::from_millis(600));
    assert_eq!(response.status(), 200);
    let began = Instant::now();
    assert_eq!(sb.get(&org, "csp/mca/attestation").await.status(), 200);
    assert!(began.elapsed() < Duration::from_millis(600));

    // A client with a shorter timeout gives up; the server still starts the attestation.
    let other = new_org();
    sb.fault(json!({"op": "start_attestation", "fault": "delay", "delayMs": 800}))
        .await;
    let result = sb
        .client
        .post(sb.api(&other, "csp/mca/attestation"))
        .bearer_auth(&sb.token)
        .json(&start_body())
        .timeout(Duration::from_millis(200))
        .send()
        .await;
    assert!(result.unwrap_err().is_timeout());
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(sb.get(&other, "csp/mca/attestation").await.status(), 200);
}

#[tokio::test]
async fn truncated_fault_cuts_the_success_body() {
    let sb = sandbox().await;
    let org = new_org();
    sb.fault(json!({"op": "start_attestation", "org": org, "fault": "truncated"}))
        .await;
    let response = sb.start(&org).await;
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    assert!(text.starts_with('{'));
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");
    // The start did happen: the outcome was only lost on the way back.
    let got: Value = sb
        .get(&org, "csp/mca/attestation")
        .await
        .json()
        .await
        .unwrap();
    assert!(text.len() < 200);
    assert_eq!(got["status"], 1);

    // An op whose success has no body gets a fragment.
    sb.admin(&format!("orgs/{org}/sign")).await;
    sb.fault(json!({"op": "finalize_attestation", "fault": "truncated"}))
        .await;
    let response = sb.finalize(&org).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "{\"attestationId\":");
}

#[tokio::test]
async fn html_fault_is_a_text_html_error_page() {
    let sb = sandbox().await;
    let org = new_org();
    sb.fault(json!({"op": "get_attestation", "fault": "html", "status": 502}))
        .await;
    let response = sb.get(&org, "csp/mca/attestation").await;
    assert_eq!(response.status(), 502);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let text = response.text().await.unwrap();
    assert!(text.contains("<html") && text.contains("502"));
}

#[tokio::test]
async fn legacy_fault_has_the_cloudmore_legacy_body() {
    let sb = sandbox().await;
    let org = new_org();
    sb.fault(json!({"op": "add_csp_service", "fault": "legacy", "status": 400}))
        .await;
    let response = sb.csp(&org, &csp_body(Some(true))).await;
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!([{"errorCode": "E1001", "errorName": "InjectedFault", "errorMessage": "Injected legacy error"}])
    );
    // Not handled: the acceptance did not change.
    let acceptance: Value = sb
        .get(&org, "csp/mca/acceptance")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(acceptance["accepted"], false);
}

#[tokio::test]
async fn drop_fault_closes_the_connection_without_answer() {
    let sb = sandbox().await;
    let org = new_org();
    sb.fault(json!({"op": "start_attestation", "org": org, "fault": "drop"}))
        .await;
    let result = sb
        .client
        .post(sb.api(&org, "csp/mca/attestation"))
        .bearer_auth(&sb.token)
        .json(&start_body())
        .send()
        .await;
    let error = result.unwrap_err();
    assert!(error.is_request() || error.is_connect(), "{error:?}");
    assert!(error.status().is_none());
    // Not handled: nothing was started, and the next request is served normally.
    assert_eq!(sb.get(&org, "csp/mca/attestation").await.status(), 404);
    assert_eq!(sb.counts(&org).await["start_attestation"], 1);

    // afterHandling: the server did the work, then the answer was lost.
    sb.fault(
        json!({"op": "start_attestation", "org": org, "fault": "drop", "afterHandling": true}),
    )
    .await;
    assert!(sb
        .client
        .post(sb.api(&org, "csp/mca/attestation"))
        .bearer_auth(&sb.token)
        .json(&start_body())
        .send()
        .await
        .is_err());
    assert_eq!(sb.get(&org, "csp/mca/attestation").await.status(), 200);
}

#[tokio::test]
async fn faults_on_the_token_endpoint() {
    let sb = sandbox().await;
    sb.fault(json!({"op": "token", "fault": "status", "status": 503}))
        .await;
    let grant = [
        ("grant_type", "password"),
        ("username", "sandbox"),
        ("password", "sandbox"),
        ("scope", "api"),
    ];
    let url = format!("{}/connect/token", sb.url);
    let response = sb
        .client
        .post(&url)
        .basic_auth("sandbox", Some("sandbox"))
        .form(&grant)
        .send()
        .await
        .unwrap();
    problem(response, 503).await;
    sb.fault(json!({"op": "token", "fault": "drop"})).await;
    assert!(sb
        .client
        .post(&url)
        .basic_auth("sandbox", Some("sandbox"))
        .form(&grant)
        .send()
        .await
        .is_err());
    let response = sb
        .client
        .post(&url)
        .basic_auth("sandbox", Some("sandbox"))
        .form(&grant)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn invalid_fault_specs_are_rejected() {
    let sb = sandbox().await;
    for bad in [
        json!({"op": "nope", "fault": "status"}),
        json!({"op": "token", "fault": "explode"}),
        json!({"op": "token", "fault": "status", "org": "x"}),
        json!({"op": "token", "fault": "status", "count": 0}),
        json!({"op": "token", "fault": "status", "status": 99}),
    ] {
        let response = sb
            .client
            .post(format!("{}/_sandbox/faults", sb.url))
            .json(&bad)
            .send()
            .await
            .unwrap();
        problem(response, 400).await;
    }
}
