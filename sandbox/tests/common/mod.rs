//! Helpers shared by the sandbox's integration tests: a sandbox on loopback, a token, request bodies.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use mca_sandbox::{spawn, SandboxConfig, SandboxHandle};
use serde_json::{json, Value};

pub const RESELLER: &str = "0b9f6a1e-8d55-4c1f-9a57-2f0d7c3e4b21";

pub struct Sandbox {
    pub handle: SandboxHandle,
    pub url: String,
    pub client: reqwest::Client,
    pub token: String,
}

pub async fn sandbox() -> Sandbox {
    sandbox_with(SandboxConfig::default()).await
}

pub async fn sandbox_with(config: SandboxConfig) -> Sandbox {
    let handle = spawn(config).await.unwrap();
    let url = handle.url();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let token = token(&client, &url).await;
    Sandbox {
        handle,
        url,
        client,
        token,
    }
}

pub async fn token(client: &reqwest::Client, url: &str) -> String {
    let response = client
        .post(format!("{url}/connect/token"))
        .basic_auth("sandbox", Some("sandbox"))
        .form(&[
            ("grant_type", "password"),
            ("username", "sandbox"),
            ("password", "sandbox"),
            ("scope", "api"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

pub fn new_org() -> String {
    uuid::Uuid::new_v4().to_string()
}

pub fn start_body() -> Value {
    json!({
        "signer": {
            "firstName": "Ada",
            "lastName": "Lovelace",
            "emailAddress": "ada@example.com",
            "phoneNumber": "+46 70 123 45 67"
        },
        "language": "sv-SE",
        "country": "SE",
        "acceptanceDate": "2025-06-01T09:30:00+02:00"
    })
}

pub fn csp_body(automatic: Option<bool>) -> Value {
    let mut body = json!({
        "id": "cust-42",
        "currencyCode": "SEK",
        "organizationNumber": "556677-8899",
        "contactEmail": "it@example.com",
        "contactFirstName": "Ada",
        "contactLastName": "Lovelace",
        "contactPhone": "+46701234567",
        "city": "Stockholm",
        "address": "Main street 1",
        "postalCode": "11122",
        "domainPrefix": "contoso42"
    });
    if let Some(flow) = automatic {
        let mut pa = start_body();
        pa["automaticFlow"] = json!(flow);
        body["partnerAttestation"] = pa;
    }
    body
}

impl Sandbox {
    pub fn api(&self, org: &str, rest: &str) -> String {
        format!(
            "{}/api/resellers/{RESELLER}/organizations/{org}/services/{rest}",
            self.url
        )
    }

    pub async fn start(&self, org: &str) -> reqwest::Response {
        self.client
            .post(self.api(org, "csp/mca/attestation"))
            .bearer_auth(&self.token)
            .json(&start_body())
            .send()
            .await
            .unwrap()
    }

    pub async fn get(&self, org: &str, rest: &str) -> reqwest::Response {
        self.client
            .get(self.api(org, rest))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap()
    }

    pub async fn finalize(&self, org: &str) -> reqwest::Response {
        self.client
            .put(self.api(org, "csp/mca/attestation/finalize"))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap()
    }

    pub async fn refresh(&self, org: &str) -> reqwest::Response {
        self.client
            .post(self.api(org, "csp/mca/acceptance/refresh"))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap()
    }

    pub async fn csp(&self, org: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(self.api(org, "Csp"))
            .bearer_auth(&self.token)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn admin(&self, path: &str) -> reqwest::Response {
        self.client
            .post(format!("{}/_sandbox/{path}", self.url))
            .send()
            .await
            .unwrap()
    }

    pub async fn fault(&self, fault: Value) {
        let response = self
            .client
            .post(format!("{}/_sandbox/faults", self.url))
            .json(&fault)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    }

    pub async fn counts(&self, org: &str) -> Value {
        self.client
            .get(format!("{}/_sandbox/orgs/{org}/requests", self.url))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

/// Reads a problem+json body, checking the content type and the common fields.
pub async fn problem(response: reqwest::Response, status: u16) -> Value {
    assert_eq!(response.status(), status);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(content_type, "application/problem+json");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], status);
    for key in ["type", "title", "detail", "instance", "code", "traceId"] {
        assert!(body[key].is_string(), "problem lacks {key}: {body}");
    }
    assert!(body["errors"].is_array());
    body
}

/// A .NET-style timestamp: `YYYY-MM-DDTHH:MM:SS.fffffffZ`.
pub fn assert_dotnet(value: &Value) {
    let s = value
        .as_str()
        .unwrap_or_else(|| panic!("not a string: {value}"));
    assert_eq!(s.len(), 28, "{s}");
    let (main, fraction) = s.split_once('.').unwrap();
    assert_eq!(main.len(), 19, "{s}");
    assert_eq!(&main[10..11], "T");
    assert_eq!(fraction.len(), 8, "{s}");
    assert!(fraction.ends_with('Z'), "{s}");
    assert!(fraction[..7].chars().all(|c| c.is_ascii_digit()), "{s}");
}
