//! Secrets and signer PII never show in Debug or Display.
#![allow(clippy::unwrap_used, missing_docs)]

use mca_attestation::ops::{Operation, StartAttestationOp};
use mca_attestation::token::TokenOp;
use mca_attestation::{
    Auth, ClientConfig, Credentials, HttpResponse, OrganizationId, Session, Signer,
    StartAttestation, Timestamp,
};

fn now() -> Timestamp {
    Timestamp::parse("2026-11-25T12:00:00Z").unwrap()
}

#[test]
fn signer_debug_hides_pii() {
    let s = Signer::new("Ada", "Lovelace", "ada@example.com", "+46701234567");
    let text = format!("{s:?}");
    for secret in ["Ada", "Lovelace", "ada@example.com", "+46701234567"] {
        assert!(!text.contains(secret), "{text}");
    }
    let input = StartAttestation {
        signer: s,
        language: None,
        country: "SE".into(),
        acceptance_date: "2026-11-25T11:00:00Z".into(),
    };
    assert!(!format!("{input:?}").contains("Lovelace"));
}

#[test]
fn credentials_token_and_session_debug_hide_secrets() {
    let creds = Credentials {
        username: "api-user".into(),
        password: "hunter2-secret".into(),
        client_id: Some("client".into()),
        client_secret: Some("client-secret-xyz".into()),
        ..Credentials::default()
    };
    let text = format!("{creds:?}");
    assert!(
        !text.contains("hunter2-secret") && !text.contains("client-secret-xyz"),
        "{text}"
    );

    let config = ClientConfig::new(
        "https://api.example.test",
        "11111111-1111-4111-8111-111111111111",
        "rust",
    )
    .unwrap();
    let op = TokenOp {
        credentials: creds.clone(),
    };
    let request = op.request(&config, now()).unwrap();
    assert!(
        !format!("{request:?}").contains("hunter2"),
        "request Debug shows the form body"
    );
    let token = op
        .parse(
            &HttpResponse::new(
                200,
                vec![],
                r#"{"access_token":"eyJ-very-secret","expires_in":60}"#,
            ),
            now(),
        )
        .unwrap();
    assert!(!format!("{token:?}").contains("eyJ-very-secret"));

    let session = Session::new(config.clone(), Auth::Bearer("static-secret-token".into()));
    assert!(!format!("{session:?}").contains("static-secret-token"));
    let session = Session::new(config, Auth::Password(creds));
    assert!(!format!("{session:?}").contains("hunter2-secret"));
}

#[test]
fn token_decode_error_carries_no_body() {
    let config = ClientConfig::new(
        "https://api.example.test",
        "11111111-1111-4111-8111-111111111111",
        "rust",
    )
    .unwrap();
    let op = TokenOp {
        credentials: Credentials {
            username: "u".into(),
            password: "p".into(),
            ..Credentials::default()
        },
    };
    let _ = op.request(&config, now()).unwrap();
    let err = op
        .parse(
            &HttpResponse::new(200, vec![], r#"{"access_token":"eyJ-trunc"#),
            now(),
        )
        .unwrap_err();
    assert_eq!(err.kind(), "decode");
    assert!(!format!("{err:?} {err}").contains("eyJ-trunc"));
}

#[test]
fn request_debug_redacts_authorization_and_body() {
    let config = ClientConfig::new(
        "https://api.example.test",
        "11111111-1111-4111-8111-111111111111",
        "rust",
    )
    .unwrap();
    let op = StartAttestationOp {
        org: OrganizationId::parse("22222222-2222-4222-8222-222222222222").unwrap(),
        input: StartAttestation {
            signer: Signer::new("Ada", "Lovelace", "ada@example.com", "+46701234567"),
            language: None,
            country: "SE".into(),
            acceptance_date: "2026-11-25T11:00:00Z".into(),
        },
    };
    let mut request = op.request(&config, now()).unwrap();
    request.set_header("Authorization", "Bearer top-secret");
    let text = format!("{request:?}");
    assert!(
        !text.contains("top-secret") && !text.contains("ada@example.com"),
        "{text}"
    );
}

#[test]
fn token_renews_within_margin() {
    let config = ClientConfig::new(
        "https://api.example.test",
        "11111111-1111-4111-8111-111111111111",
        "rust",
    )
    .unwrap();
    let op = TokenOp {
        credentials: Credentials {
            username: "u".into(),
            password: "p".into(),
            ..Credentials::default()
        },
    };
    let _ = op.request(&config, now()).unwrap();
    let token = op
        .parse(
            &HttpResponse::new(200, vec![], r#"{"access_token":"t","expires_in":3600}"#),
            now(),
        )
        .unwrap();
    let at = |s: &str| Timestamp::parse(s).unwrap();
    assert!(!token.needs_refresh(at("2026-11-25T12:58:59Z")));
    assert!(
        token.needs_refresh(at("2026-11-25T12:59:00Z")),
        "60 s margin"
    );
    let short = op
        .parse(
            &HttpResponse::new(200, vec![], r#"{"access_token":"t","expires_in":8}"#),
            now(),
        )
        .unwrap();
    assert!(!short.needs_refresh(at("2026-11-25T12:00:05Z")));
    assert!(
        short.needs_refresh(at("2026-11-25T12:00:06Z")),
        "a quarter of a short lifetime"
    );
}

const PII: [&str; 6] = [
    "Ada",
    "Lovelace",
    "ada@example.com",
    "+46701234567",
    "46701234567",
    "example.com",
];

/// Every way an error can be shown: Debug, Display and the serialised form (what bindings and
/// the CLI's `--json` print).
fn shown(err: &mca_attestation::McaError) -> String {
    format!(
        "{err:?}\n{err}\n{}",
        serde_json::to_string(err).unwrap_or_default()
    )
}

#[test]
fn decode_error_of_an_attestation_body_carries_no_signer_data() {
    use mca_attestation::ops::GetAttestationOp;
    let op = GetAttestationOp {
        org: OrganizationId::parse("22222222-2222-4222-8222-222222222222").unwrap(),
    };
    let full = r#"{"attestationId": "a-1", "signer": {"firstName": "Ada", "lastName": "Lovelace", "emailAddress": "ada@example.com", "phoneNumber": "+46701234567"}, "status": 1, "agreementLink": "https://agreements.example.test/a-1", "expiresAt": "2026-12-02T12:00:00Z"}"#;
    let bodies = [
        full.get(..120).unwrap().to_string(),
        full.get(..95).unwrap().to_string(),
        full.replace(r#""status": 1"#, r#""status": [1]"#),
        full.replace("2026-12-02T12:00:00Z", "9999-12-31T23:59:59-01:00"),
        r#"{"attestationId": "a", "status": {}, "signer": {"phoneNumber": 46701234567}}"#.into(),
        "<html><title>Portal</title><body>Ada Lovelace ada@example.com</body></html>".into(),
        "Ada Lovelace <ada@example.com> +46701234567".into(),
        format!("[{full}]"),
    ];
    for body in bodies {
        let err = op
            .parse(&HttpResponse::new(200, vec![], body.clone()), now())
            .unwrap_err();
        assert_eq!(err.kind(), "decode", "{body}");
        let text = shown(&err);
        for pii in PII {
            assert!(
                !text.contains(pii),
                "{pii} shows in {text}\nfor body {body}"
            );
        }
    }
}

#[test]
fn a_token_endpoint_echoing_the_form_never_shows_the_password() {
    let config = ClientConfig::new(
        "https://api.example.test",
        "11111111-1111-4111-8111-111111111111",
        "rust",
    )
    .unwrap();
    let op = TokenOp {
        credentials: Credentials {
            username: "api-user".into(),
            password: "hunter2-secret".into(),
            client_id: Some("client".into()),
            client_secret: Some("client-secret-xyz".into()),
            client_auth: Some(mca_attestation::ClientAuth::Body),
            ..Credentials::default()
        },
    };
    let form = op.request(&config, now()).unwrap().body.unwrap();
    assert!(
        form.contains("hunter2-secret"),
        "the echo below must hold it"
    );
    let bodies = [
        (400, form.clone()),
        (401, format!("Unauthorized: {form}")),
        (500, format!("<html><title>{form}</title><body><p>{form}</p></body></html>")),
        (
            400,
            format!(r#"{{"error":"invalid_request","error_description":"got {form}"}}"#),
        ),
        (
            400,
            r#"{"title":"Bad","detail":"password: hunter2-secret","errors":{"Password":["'hunter2-secret' is wrong"]},"password":"hunter2-secret"}"#.into(),
        ),
        (429, form.clone()),
        (503, format!("\"{form}\"")),
    ];
    for (status, body) in bodies {
        let err = op
            .parse(&HttpResponse::new(status, vec![], body.clone()), now())
            .unwrap_err();
        let text = shown(&err);
        for secret in ["hunter2-secret", "client-secret-xyz"] {
            assert!(!text.contains(secret), "{secret} shows in {text}");
        }
    }
}
