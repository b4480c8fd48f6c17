//! Hostile values reach errors, never panics: request dates outside years 0000–9999 in UTC are
//! violations, and a hostile token response through a `Session` is a `decode` error.
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::result_large_err,
    missing_docs
)]

mod support;

use mca_attestation::{validate, Signer, StartAttestation, Timestamp};
use serde_json::json;
use support::{block_on, response, session, FakePlatform};

#[test]
fn acceptance_dates_outside_the_years_rfc3339_writes_are_violations() {
    let now = Timestamp::parse("2026-11-25T12:00:00Z").unwrap();
    for date in [
        "9999-12-31T23:59:59-01:00",
        "0000-01-01T00:00:00+01:00",
        "0000-01-01T00:00:00+23:59",
    ] {
        let input = StartAttestation {
            signer: Signer::new("Ada", "Lovelace", "ada@example.com", "+46701234567"),
            language: None,
            country: "SE".into(),
            acceptance_date: date.into(),
        };
        let err = validate::start_attestation(&input, now).unwrap_err();
        assert_eq!(err.kind(), "invalid", "{date}");
        let text = format!("{err}");
        assert!(!text.contains("-6216"), "never a number: {text}");
    }
}

#[test]
fn hostile_expires_in_through_a_session_is_decode() {
    let now = Timestamp::parse("2026-11-25T12:00:00Z").unwrap();
    for expires_in in [
        json!("NaN"),
        json!("inf"),
        json!(-1),
        json!("-0.5"),
        json!({}),
    ] {
        let mut platform = FakePlatform::new(now, Vec::new());
        let body = json!({"access_token": "t", "expires_in": expires_in}).to_string();
        platform.always = Some(response(&json!({"status": 200, "body": body})));
        let session = session(
            None,
            Some(&json!({"credentials": {"username": "u", "password": "p"}})),
        )
        .unwrap();
        let err = block_on(session.token(&platform)).unwrap_err();
        assert_eq!(err.kind(), "decode", "{expires_in}");
    }
}
