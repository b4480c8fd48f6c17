//! State transitions, validation, auth, token endpoint, CORS and the concurrent-start race, over HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use common::*;
use mca_sandbox::SandboxConfig;
use serde_json::{json, Value};

#[tokio::test]
async fn manual_flow_signed_by_admin_then_finalized() {
    let sb = sandbox().await;
    let org = new_org();
    assert_eq!(sb.get(&org, "csp/mca/attestation").await.status(), 404);

    let response = sb.start(&org).await;
    assert_eq!(response.status(), 200);
    let started: Value = response.json().await.unwrap();
    let id = started["attestationId"].as_str().unwrap().to_owned();
    assert_eq!(uuid::Uuid::parse_str(&id).unwrap().get_version_num(), 4);
    assert_eq!(
        started["agreementLink"],
        format!("{}/agreements/{id}", sb.url)
    );
    assert_dotnet(&started["expiresAt"]);

    let got: Value = sb
        .get(&org, "csp/mca/attestation")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(got["status"], 1);
    assert_eq!(got["attestationId"], id.as_str());
    assert_eq!(got["signer"]["emailAddress"], "ada@example.com");
    assert_eq!(got["mcaInfo"]["language"], "sv-SE");
    assert_eq!(got["mcaInfo"]["country"], "SE");
    assert!(got["mcaInfo"]["templateId"].is_string());
    assert_eq!(got["acceptanceDate"], "2025-06-01T07:30:00.0000000Z");
    assert_dotnet(&got["expiresAt"]);
    assert_eq!(got["expiresAt"], started["expiresAt"]);

    let acceptance: Value = sb
        .get(&org, "csp/mca/acceptance")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(acceptance["accepted"], false);

    assert_eq!(sb.admin(&format!("orgs/{org}/sign")).await.status(), 200);
    let got: Value = sb
        .get(&org, "csp/mca/attestation")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(got["status"], 2);

    let response = sb.finalize(&org).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "");
    // Idempotent.
    assert_eq!(sb.finalize(&org).await.status(), 200);
    // No longer ongoing.
    problem(sb.get(&org, "csp/mca/attestation").await, 404).await;

    let acceptance: Value = sb
        .get(&org, "csp/mca/acceptance")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(acceptance["accepted"], true);
    assert_eq!(acceptance["acceptedVia"], json!(["PartnerAttestation"]));
    let pa = &acceptance["acceptanceViaPartnerAttestation"];
    assert_eq!(pa["signer"]["firstName"], "Ada");
    assert_eq!(pa["mcaInfoTemplateId"], got["mcaInfo"]["templateId"]);
    assert_eq!(pa["acceptanceDate"], "2025-06-01T07:30:00.0000000Z");
    assert_dotnet(&acceptance["lastSyncDate"]);

    // A new start after acceptance is allowed.
    assert_eq!(sb.start(&org).await.status(), 200);
}

#[tokio::test]
async fn manual_flow_signed_on_the_agreement_page() {
    let sb = sandbox().await;
    let org = new_org();
    let started: Value = sb.start(&org).await.json().await.unwrap();
    let link = started["agreementLink"].as_str().unwrap().to_owned();
    let id = started["attestationId"].as_str().unwrap().to_owned();

    let response = sb.client.get(&link).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let html = response.text().await.unwrap();
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("<title>"));
    assert!(html.contains("<h1>"));
    assert!(html.contains("Ada Lovelace"));
    assert!(html.contains("sv-SE") && html.contains(">SE<"));
    assert!(html.contains("sandbox-mca-template-2025"));
    assert!(html.contains(&format!(
        "<form method=\"post\" action=\"/agreements/{id}/accept\">"
    )));
    assert!(html.contains("<button type=\"submit\">Accept</button>"));

    let response = sb
        .client
        .post(format!("{link}/accept"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("<h1>Accepted</h1>"));
    assert!(!html.contains("<button"));

    let got: Value = sb
        .get(&org, "csp/mca/attestation")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(got["status"], 2);
    assert_eq!(sb.finalize(&org).await.status(), 200);

    let unknown = sb
        .client
        .get(format!("{}/agreements/{}", sb.url, new_org()))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    assert!(unknown.text().await.unwrap().contains("<h1>"));
}

#[tokio::test]
async fn second_start_while_ongoing_is_a_conflict() {
    let sb = sandbox().await;
    let org = new_org();
    assert_eq!(sb.start(&org).await.status(), 200);
    let body = problem(sb.start(&org).await, 409).await;
    assert_eq!(body["code"], "AttestationInProgress");
    sb.admin(&format!("orgs/{org}/sign")).await;
    let body = problem(sb.start(&org).await, 409).await;
    assert_eq!(body["code"], "AttestationInProgress");
    // Another organisation is independent.
    assert_eq!(sb.start(&new_org()).await.status(), 200);
}

#[tokio::test]
async fn expired_attestation_stays_visible_and_a_new_start_is_allowed() {
    let sb = sandbox().await;
    let org = new_org();
    let first: Value = sb.start(&org).await.json().await.unwrap();
    assert_eq!(sb.admin(&format!("orgs/{org}/expire")).await.status(), 200);

    let got: Value = sb
        .get(&org, "csp/mca/attestation")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(got["status"], 1);
    assert_eq!(got["attestationId"], first["attestationId"]);
    let expires = time::OffsetDateTime::parse(
        got["expiresAt"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert!(expires < time::OffsetDateTime::now_utc());

    let body = problem(sb.finalize(&org).await, 409).await;
    assert_eq!(body["code"], "AttestationExpired");

    let page = sb
        .client
        .get(first["agreementLink"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 410);
    let html = page.text().await.unwrap();
    assert!(html.to_lowercase().contains("expired"));
    assert!(!html.contains("<button"));

    let second = sb.start(&org).await;
    assert_eq!(second.status(), 200);
    let second: Value = second.json().await.unwrap();
    assert_ne!(second["attestationId"], first["attestationId"]);
}

#[tokio::test]
async fn link_ttl_expires_attestations() {
    let sb = sandbox_with(SandboxConfig {
        link_ttl: Duration::from_millis(1000),
        ..Default::default()
    })
    .await;
    let org = new_org();
    assert_eq!(sb.start(&org).await.status(), 200);
    problem(sb.start(&org).await, 409).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(sb.start(&org).await.status(), 200);
}

#[tokio::test]
async fn finalize_before_signing_or_without_attestation() {
    let sb = sandbox().await;
    let org = new_org();
    let body = problem(sb.finalize(&org).await, 404).await;
    assert_eq!(body["code"], "AttestationNotFound");
    sb.start(&org).await;
    let body = problem(sb.finalize(&org).await, 409).await;
    assert_eq!(body["code"], "AttestationNotSigned");
    assert_eq!(sb.get(&org, "csp/mca/attestation").await.status(), 200);
}

#[tokio::test]
async fn acceptance_in_all_four_shapes() {
    let sb = sandbox().await;
    let org = new_org();
    let none: Value = sb
        .get(&org, "csp/mca/acceptance")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(none["accepted"], false);
    assert_eq!(none["acceptedVia"], json!([]));
    assert!(none.get("acceptanceViaPartnerAttestation").is_none());
    assert_dotnet(&none["lastSyncDate"]);

    assert_eq!(
        sb.admin(&format!("orgs/{org}/direct-acceptance"))
            .await
            .status(),
        200
    );
    let direct: Value = sb
        .get(&org, "csp/mca/acceptance")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(direct["accepted"], true);
    assert_eq!(direct["acceptedVia"], json!(["CustomerDirectAcceptance"]));
    assert!(direct.get("acceptanceViaPartnerAttestation").is_none());

    assert_eq!(sb.csp(&org, &csp_body(Some(true))).await.status(), 200);
    let both: Value = sb
        .get(&org, "csp/mca/acceptance")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        both["acceptedVia"],
        json!(["CustomerDirectAcceptance", "PartnerAttestation"])
    );
    assert!(both["acceptanceViaPartnerAttestation"]["mcaInfoTemplateId"].is_string());

    let org2 = new_org();
    sb.csp(&org2, &csp_body(Some(true))).await;
    let partner: Value = sb
        .get(&org2, "csp/mca/acceptance")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(partner["accepted"], true);
    assert_eq!(partner["acceptedVia"], json!(["PartnerAttestation"]));
    assert_dotnet(&partner["acceptanceViaPartnerAttestation"]["acceptanceDate"]);
}

#[tokio::test]
async fn refresh_runs_a_sync_then_answers_429_until_it_ends() {
    let sb = sandbox_with(SandboxConfig {
        sync_duration: Duration::from_millis(1200),
        ..Default::default()
    })
    .await;
    let org = new_org();
    let before: Value = sb
        .get(&org, "csp/mca/acceptance")
        .await
        .json()
        .await
        .unwrap();
    let response = sb.refresh(&org).await;
    assert_eq!(response.status(), 202);
    assert_eq!(response.text().await.unwrap(), "");

    let busy = sb.refresh(&org).await;
    let retry_after: u64 = busy.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry_after), "{retry_after}");
    let body = problem(busy, 429).await;
    assert_eq!(body["code"], "AcceptanceSyncInProgress");
    let during: Value = sb
        .get(&org, "csp/mca/acceptance")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(during["lastSyncDate"], before["lastSyncDate"]);

    tokio::time::sleep(Duration::from_millis(1300)).await;
    let after: Value = sb
        .get(&org, "csp/mca/acceptance")
        .await
        .json()
        .await
        .unwrap();
    assert_dotnet(&after["lastSyncDate"]);
    assert!(after["lastSyncDate"].as_str().unwrap() > before["lastSyncDate"].as_str().unwrap());
    assert_eq!(sb.refresh(&org).await.status(), 202);
}

#[tokio::test]
async fn csp_service_with_and_without_automatic_attestation() {
    let sb = sandbox().await;
    let org = new_org();
    let response = sb.csp(&org, &csp_body(Some(true))).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({"id": "cust-42", "status": "Active"}));
    let acceptance: Value = sb
        .get(&org, "csp/mca/acceptance")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(acceptance["accepted"], true);
    assert_eq!(
        acceptance["acceptanceViaPartnerAttestation"]["signer"]["lastName"],
        "Lovelace"
    );

    let plain = new_org();
    let response = sb
        .client
        .post(sb.api(&plain, "csp"))
        .bearer_auth(&sb.token)
        .json(&csp_body(None))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let acceptance: Value = sb
        .get(&plain, "csp/mca/acceptance")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(acceptance["accepted"], false);

    let body = problem(sb.csp(&new_org(), &csp_body(Some(false))).await, 400).await;
    assert_eq!(body["code"], "ValidationFailed");
    assert_eq!(
        body["errors"],
        json!([{"pointer": "/partnerAttestation/automaticFlow", "detail": body["errors"][0]["detail"]}])
    );

    let mut bad = csp_body(Some(true));
    bad["currencyCode"] = json!("kronor");
    bad.as_object_mut().unwrap().remove("domainPrefix");
    bad["partnerAttestation"]
        .as_object_mut()
        .unwrap()
        .remove("automaticFlow");
    bad["partnerAttestation"]["signer"]["emailAddress"] = json!("");
    let body = problem(sb.csp(&new_org(), &bad).await, 400).await;
    let pointers: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["pointer"].as_str().unwrap())
        .collect();
    for p in [
        "/currencyCode",
        "/domainPrefix",
        "/partnerAttestation/automaticFlow",
        "/partnerAttestation/signer/emailAddress",
    ] {
        assert!(pointers.contains(&p), "{p} missing in {pointers:?}");
    }
}

#[tokio::test]
async fn start_reports_every_violation_with_pointers() {
    let sb = sandbox().await;
    let org = new_org();
    let url = sb.api(&org, "csp/mca/attestation");
    let body = json!({"signer": {"firstName": "", "lastName": 7, "emailAddress": "a@b.c"}, "language": 5, "country": "SWE", "acceptanceDate": "yesterday"});
    let response = sb
        .client
        .post(&url)
        .bearer_auth(&sb.token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let problem_body = problem(response, 400).await;
    assert_eq!(problem_body["code"], "ValidationFailed");
    let pointers: Vec<&str> = problem_body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["pointer"].as_str().unwrap())
        .collect();
    assert_eq!(
        pointers,
        [
            "/signer/firstName",
            "/signer/lastName",
            "/signer/phoneNumber",
            "/language",
            "/country",
            "/acceptanceDate"
        ]
    );
    assert!(problem_body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["detail"].is_string()));

    let response = sb
        .client
        .post(&url)
        .bearer_auth(&sb.token)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    let pointers: Vec<String> = problem(response, 400).await["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["pointer"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(pointers, ["/signer", "/country", "/acceptanceDate"]);

    for raw in ["{\"signer\":", "[1,2]", ""] {
        let response = sb
            .client
            .post(&url)
            .bearer_auth(&sb.token)
            .header("content-type", "application/json")
            .body(raw)
            .send()
            .await
            .unwrap();
        let body = problem(response, 400).await;
        assert_eq!(body["errors"][0]["pointer"], "", "{raw}");
    }
    // Nothing was started by the rejected requests; language defaults to en-US.
    let mut no_language = start_body();
    no_language.as_object_mut().unwrap().remove("language");
    sb.client
        .post(&url)
        .bearer_auth(&sb.token)
        .json(&no_language)
        .send()
        .await
        .unwrap();
    let got: Value = sb
        .get(&org, "csp/mca/attestation")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(got["mcaInfo"]["language"], "en-US");
}

#[tokio::test]
async fn ids_must_be_guids_and_paths_are_case_insensitive() {
    let sb = sandbox().await;
    let url = format!(
        "{}/api/resellers/{RESELLER}/organizations/not-a-guid/services/csp/mca/acceptance",
        sb.url
    );
    let body = problem(
        sb.client
            .get(&url)
            .bearer_auth(&sb.token)
            .send()
            .await
            .unwrap(),
        404,
    )
    .await;
    assert_eq!(body["instance"], url.trim_start_matches(&sb.url));
    let url = format!(
        "{}/api/resellers/123/organizations/{}/services/csp/mca/acceptance",
        sb.url,
        new_org()
    );
    problem(sb.client.get(&url).send().await.unwrap(), 404).await;
    // Upper-case GUID and path segments in another case are accepted.
    let org = new_org().to_uppercase();
    let url = format!(
        "{}/api/Resellers/{RESELLER}/Organizations/{org}/Services/CSP/MCA/Acceptance",
        sb.url
    );
    assert_eq!(
        sb.client
            .get(&url)
            .bearer_auth(&sb.token)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    problem(
        sb.client
            .get(format!("{}/api/nothing", sb.url))
            .send()
            .await
            .unwrap(),
        404,
    )
    .await;
    let response = sb
        .client
        .delete(sb.api(&new_org(), "csp/mca/attestation"))
        .bearer_auth(&sb.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["allow"], "POST, GET");
    problem(response, 405).await;
}

#[tokio::test]
async fn api_requires_a_valid_unexpired_bearer_token() {
    let sb = sandbox_with(SandboxConfig {
        token_ttl: Duration::from_secs(2),
        ..Default::default()
    })
    .await;
    let org = new_org();
    let url = sb.api(&org, "csp/mca/acceptance");
    let none = sb.client.get(&url).send().await.unwrap();
    assert_eq!(
        none.headers()["www-authenticate"].to_str().unwrap(),
        "Bearer"
    );
    assert_eq!(problem(none, 401).await["code"], "Unauthorized");
    let bad = sb
        .client
        .get(&url)
        .bearer_auth("not-a-token")
        .send()
        .await
        .unwrap();
    assert!(bad.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .starts_with("Bearer"));
    problem(bad, 401).await;
    let basic = sb
        .client
        .get(&url)
        .basic_auth("sandbox", Some("sandbox"))
        .send()
        .await
        .unwrap();
    problem(basic, 401).await;
    assert_eq!(
        sb.client
            .get(&url)
            .bearer_auth(&sb.token)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let expired = sb
        .client
        .get(&url)
        .bearer_auth(&sb.token)
        .send()
        .await
        .unwrap();
    problem(expired, 401).await;
    // Rejected requests are not counted.
    assert_eq!(sb.counts(&org).await["get_acceptance"], 1);
}

#[tokio::test]
async fn token_endpoint_client_auth_styles_and_errors() {
    let sb = sandbox().await;
    let url = format!("{}/connect/token", sb.url);
    let grant = [
        ("grant_type", "password"),
        ("username", "sandbox"),
        ("password", "sandbox"),
        ("scope", "api"),
    ];

    let basic = sb
        .client
        .post(&url)
        .basic_auth("sandbox", Some("sandbox"))
        .form(&grant)
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), 200);
    let body: Value = basic.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["scope"], "api");
    assert!(body["access_token"].as_str().unwrap().len() >= 32);

    let mut with_client = grant.to_vec();
    with_client.extend([("client_id", "sandbox"), ("client_secret", "sandbox")]);
    let form = sb
        .client
        .post(&url)
        .form(&with_client)
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 200);
    let token = form.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let ok = sb
        .client
        .get(sb.api(&new_org(), "csp/mca/acceptance"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);

    assert_eq!(
        sb.client
            .post(&url)
            .form(&grant)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    let bad_client = sb
        .client
        .post(&url)
        .basic_auth("sandbox", Some("wrong"))
        .form(&grant)
        .send()
        .await
        .unwrap();
    assert_eq!(bad_client.status(), 401);
    assert_eq!(
        bad_client.json::<Value>().await.unwrap()["error"],
        "invalid_client"
    );
    let mut bad_form_client = grant.to_vec();
    bad_form_client.extend([("client_id", "other"), ("client_secret", "sandbox")]);
    let response = sb
        .client
        .post(&url)
        .form(&bad_form_client)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);

    let bad_password = [
        ("grant_type", "password"),
        ("username", "sandbox"),
        ("password", "nope"),
        ("scope", "api"),
    ];
    let response = sb
        .client
        .post(&url)
        .basic_auth("sandbox", Some("sandbox"))
        .form(&bad_password)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_grant");
    assert!(body["error_description"].is_string());

    let wrong_grant = [("grant_type", "client_credentials"), ("scope", "api")];
    let response = sb
        .client
        .post(&url)
        .basic_auth("sandbox", Some("sandbox"))
        .form(&wrong_grant)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(
        response.json::<Value>().await.unwrap()["error"],
        "unsupported_grant_type"
    );
}

#[tokio::test]
async fn cors_preflight_and_headers_everywhere() {
    let sb = sandbox().await;
    for path in [
        format!(
            "/api/resellers/{RESELLER}/organizations/{}/services/csp/mca/attestation",
            new_org()
        ),
        String::from("/connect/token"),
        String::from("/_sandbox/faults"),
    ] {
        let response = sb
            .client
            .request(reqwest::Method::OPTIONS, format!("{}{path}", sb.url))
            .header("Origin", "http://localhost:5173")
            .header("Access-Control-Request-Method", "POST")
            .header(
                "Access-Control-Request-Headers",
                "authorization, content-type",
            )
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 204, "{path}");
        let h = response.headers();
        assert_eq!(h["access-control-allow-origin"], "*");
        let methods = h["access-control-allow-methods"].to_str().unwrap();
        for m in ["GET", "POST", "PUT", "OPTIONS"] {
            assert!(methods.contains(m));
        }
        let allowed = h["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .to_lowercase();
        for name in [
            "authorization",
            "content-type",
            "accept",
            "x-correlation-id",
        ] {
            assert!(allowed.contains(name));
        }
    }
    let response = sb.get(&new_org(), "csp/mca/acceptance").await;
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    assert!(response.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .contains("Retry-After"));
    let unauthorized = sb
        .client
        .get(sb.api(&new_org(), "csp/mca/acceptance"))
        .send()
        .await
        .unwrap();
    assert_eq!(unauthorized.headers()["access-control-allow-origin"], "*");
}

#[tokio::test]
async fn request_counts_per_op_and_reset() {
    let sb = sandbox().await;
    let org = new_org();
    let zero = json!({
        "start_attestation": 0, "get_attestation": 0, "finalize_attestation": 0,
        "get_acceptance": 0, "refresh_acceptance": 0, "add_csp_service": 0
    });
    assert_eq!(sb.counts(&org).await, zero);
    sb.start(&org).await;
    sb.start(&org).await;
    sb.get(&org, "csp/mca/attestation").await;
    sb.finalize(&org).await;
    sb.get(&org, "csp/mca/acceptance").await;
    sb.refresh(&org).await;
    sb.csp(&org, &csp_body(None)).await;
    assert_eq!(
        sb.counts(&org).await,
        json!({
            "start_attestation": 2, "get_attestation": 1, "finalize_attestation": 1,
            "get_acceptance": 1, "refresh_acceptance": 1, "add_csp_service": 1
        })
    );
    assert_eq!(sb.counts(&new_org()).await, zero);

    assert_eq!(sb.admin("reset").await.status(), 200);
    assert_eq!(sb.counts(&org).await, zero);
    // Tokens survive a reset; the attestation does not.
    assert_eq!(sb.get(&org, "csp/mca/attestation").await.status(), 404);
    assert_eq!(sb.start(&org).await.status(), 200);
}

#[tokio::test]
async fn admin_endpoints_on_organisations_without_attestation() {
    let sb = sandbox().await;
    let org = new_org();
    problem(sb.admin(&format!("orgs/{org}/sign")).await, 404).await;
    problem(sb.admin(&format!("orgs/{org}/expire")).await, 404).await;
    problem(sb.admin("orgs/not-a-guid/sign").await, 404).await;
}

#[tokio::test]
async fn concurrent_starts_on_one_org_exactly_one_wins() {
    let sb = sandbox().await;
    let org = new_org();
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let client = sb.client.clone();
        let url = sb.api(&org, "csp/mca/attestation");
        let token = sb.token.clone();
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .bearer_auth(token)
                .json(&start_body())
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        19,
        "{statuses:?}"
    );
    assert_eq!(sb.counts(&org).await["start_attestation"], 20);
}

#[tokio::test]
async fn shutdown_is_graceful_and_frees_the_port() {
    let sb = sandbox().await;
    let addr = sb.handle.local_addr();
    assert_eq!(sb.get(&new_org(), "csp/mca/acceptance").await.status(), 200);
    sb.handle.shutdown().await;
    assert!(sb
        .client
        .get(format!("http://{addr}/_sandbox/faults"))
        .send()
        .await
        .is_err());
}

#[test]
fn binary_prints_its_url_and_stops_on_sigterm() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_mca-sandbox"))
        .args([
            "--port",
            "0",
            "--sync-seconds",
            "1",
            "--link-ttl",
            "60",
            "--token-ttl",
            "60",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(
        line.starts_with("mca-sandbox listening on http://127.0.0.1:"),
        "{line}"
    );
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "{exit:?}");
}
