//! The validators, structure-aware: signers, phones, e-mails, language tags, countries and dates
//! (often at the year boundaries) are drawn mostly well formed so that every check is reached.
//! Whatever validates re-validates to itself (normalisation is idempotent), and a normalised
//! acceptance date is RFC 3339.
#![no_main]

use arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use mca_attestation::http::BaseUrl;
use mca_attestation::{validate, AddCspService, OrganizationId, StartAttestation, Timestamp};
use mca_fuzz::gen;
use mca_fuzz::responses::any_now;
use serde::Deserialize;

fn date_is_rfc3339(date: &str) {
    assert!(
        Timestamp::parse_rfc3339(date).is_ok(),
        "a normalised acceptance date is RFC 3339, got {date:?}"
    );
}

fn start(input: &StartAttestation, now: Timestamp) {
    match validate::start_attestation(input, now) {
        Ok(valid) => {
            date_is_rfc3339(&valid.acceptance_date);
            let again = validate::start_attestation(&valid, now);
            assert_eq!(
                again.as_ref().ok(),
                Some(&valid),
                "normalisation is idempotent: {again:?}"
            );
        }
        Err(e) => {
            assert_eq!(e.kind(), "invalid");
            assert!(
                !e.violations().is_empty(),
                "an invalid body names its violations"
            );
            let _ = format!("{e} {e:?}");
        }
    }
}

fn csp(input: &AddCspService, now: Timestamp) {
    match validate::add_csp_service(input, now) {
        Ok(valid) => {
            if let Some(pa) = &valid.partner_attestation {
                date_is_rfc3339(&pa.acceptance_date);
            }
            let again = validate::add_csp_service(&valid, now);
            assert_eq!(
                again.as_ref().ok(),
                Some(&valid),
                "normalisation is idempotent: {again:?}"
            );
        }
        Err(e) => {
            assert_eq!(e.kind(), "invalid");
            assert!(
                !e.violations().is_empty(),
                "an invalid body names its violations"
            );
        }
    }
}

fn text(t: &str) {
    if let Some(p) = validate::normalize_phone(t) {
        assert_eq!(
            validate::normalize_phone(&p).as_deref(),
            Some(p.as_str()),
            "phone"
        );
    }
    if let Some(l) = validate::normalize_language(t) {
        assert_eq!(
            validate::normalize_language(&l).as_deref(),
            Some(l.as_str()),
            "language"
        );
    }
    let _ = validate::is_practical_email(t);
    let _ = validate::is_country(t);
    let _ = validate::is_currency(t);
    if let Ok(id) = OrganizationId::parse(t) {
        let again = OrganizationId::parse(id.as_str()).map(|i| i.as_str().to_string());
        assert_eq!(again.ok().as_deref(), Some(id.as_str()), "organisation id");
    }
    if let Ok(url) = BaseUrl::parse(t) {
        let again = BaseUrl::parse(url.as_str()).map(|u| u.as_str().to_string());
        assert_eq!(again.ok().as_deref(), Some(url.as_str()), "base URL");
    }
}

/// A `validation.json` case.
#[derive(Deserialize)]
struct JsonCase {
    kind: String,
    input: serde_json::Value,
}

fn from_json(data: &[u8], now: Timestamp) -> bool {
    let Ok(case) = serde_json::from_slice::<JsonCase>(data) else {
        return false;
    };
    match case.kind.as_str() {
        "start_attestation" => {
            if let Ok(input) = serde_json::from_value::<StartAttestation>(case.input) {
                start(&input, now);
            }
        }
        "add_csp_service" => {
            if let Ok(input) = serde_json::from_value::<AddCspService>(case.input) {
                csp(&input, now);
            }
        }
        _ => {
            if let Some(t) = case.input.as_str() {
                text(t);
            }
        }
    }
    true
}

fn structured(u: &mut Unstructured<'_>) -> Result<()> {
    let now = if u.ratio(3, 4)? {
        mca_fuzz::flows::now()
    } else {
        any_now(u)?
    };
    match u.int_in_range(0u8..=2)? {
        0 => start(&gen::start_input(u)?, now),
        1 => csp(&gen::csp_input(u)?, now),
        _ => text(&gen::any_text(u)?),
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let now = mca_fuzz::flows::now();
    if !from_json(data, now) {
        if let Ok(t) = std::str::from_utf8(data) {
            text(t);
        }
    }
    let _ = structured(&mut Unstructured::new(data));
});
