//! Criterion benchmarks of the Rust core (`bench/run.sh` reads their medians): the same work the JS,
//! Python and Kotlin runners time — validate a start input, build its request, parse the start answer,
//! build the GET attestation request and parse its answer — next to a hand-written serde version of
//! that work (the baseline), and `validate::start_attestation` alone. Inputs: `bench/fixtures.json`.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use mca_attestation::ops::{GetAttestationOp, Operation, StartAttestationOp};
use mca_attestation::{
    validate, ClientConfig, HttpResponse, OrganizationId, StartAttestation, Timestamp,
};
use serde::{Deserialize, Serialize};

struct Fixture {
    base_url: String,
    reseller: String,
    org: String,
    input: StartAttestation,
    start_response: String,
    attestation_response: String,
}

fn fixture() -> Fixture {
    let v: serde_json::Value = serde_json::from_str(include_str!("../../fixtures.json")).unwrap();
    let s = |k: &str| v[k].as_str().unwrap().to_string();
    Fixture {
        base_url: s("baseUrl"),
        reseller: s("resellerId"),
        org: s("org"),
        input: serde_json::from_value(v["startInput"].clone()).unwrap(),
        start_response: s("startResponse"),
        attestation_response: s("attestationResponse"),
    }
}

// ---- the hand-written baseline: typed serde structs and the checks a careful partner would write ----

#[derive(Serialize, Deserialize, Clone)]
#[serde(rename_all = "camelCase")]
struct HandSigner {
    first_name: String,
    last_name: String,
    email_address: String,
    phone_number: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct HandStart<'a> {
    signer: HandSigner,
    language: String,
    country: String,
    acceptance_date: &'a str,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct HandStarted {
    attestation_id: String,
    agreement_link: String,
    expires_at: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct HandMcaInfo {
    language: String,
    country: String,
    template_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct HandAttestation {
    attestation_id: String,
    signer: HandSigner,
    mca_info: HandMcaInfo,
    acceptance_date: String,
    status: i64,
    agreement_link: String,
    expires_at: String,
}

fn is_guid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

fn hand_phone(p: &str) -> Option<String> {
    let rest = p.strip_prefix('+')?;
    let digits: String = rest
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
        .collect();
    (digits.chars().all(|c| c.is_ascii_digit()) && (7..=15).contains(&digits.len()))
        .then(|| format!("+{digits}"))
}

fn hand_email(e: &str) -> bool {
    let Some((local, domain)) = e.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && local.len() <= 64
        && e.len() <= 254
        && domain.split('.').count() >= 2
        && domain.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

fn hand_language(l: &str) -> Option<String> {
    let mut parts = l.split('-');
    let primary = parts.next()?;
    if !(2..=3).contains(&primary.len()) || !primary.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let mut out = primary.to_ascii_lowercase();
    for p in parts {
        if p.is_empty() || p.len() > 8 || !p.chars().all(|c| c.is_ascii_alphanumeric()) {
            return None;
        }
        out.push('-');
        out.push_str(&if p.len() == 2 {
            p.to_ascii_uppercase()
        } else {
            p.to_string()
        });
    }
    Some(out)
}

fn hand_validate(input: &StartAttestation) -> Option<HandSigner> {
    let s = &input.signer;
    let names_ok = [&s.first_name, &s.last_name]
        .iter()
        .all(|n| !n.trim().is_empty() && !n.chars().any(char::is_control));
    (names_ok && hand_email(&s.email_address)).then(|| HandSigner {
        first_name: s.first_name.trim().to_string(),
        last_name: s.last_name.trim().to_string(),
        email_address: s.email_address.clone(),
        phone_number: hand_phone(&s.phone_number).unwrap_or_default(),
    })
}

fn hand_op(f: &Fixture) -> (String, String, String, HandStarted, HandAttestation) {
    let signer = hand_validate(&f.input).unwrap();
    let language = hand_language(f.input.language.as_deref().unwrap_or("en-US")).unwrap();
    let country = f.input.country.to_ascii_uppercase();
    assert!(country.len() == 2 && is_guid(&f.org) && is_guid(&f.reseller));
    let date = time::OffsetDateTime::parse(
        &f.input.acceptance_date,
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let utc = date
        .to_offset(time::UtcOffset::UTC)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let body = serde_json::to_string(&HandStart {
        signer,
        language,
        country,
        acceptance_date: &utc,
    })
    .unwrap();
    let url = format!(
        "{}api/resellers/{}/organizations/{}/services/csp/mca/attestation",
        f.base_url,
        f.reseller,
        f.org.to_ascii_lowercase()
    );
    let started: HandStarted = serde_json::from_str(&f.start_response).unwrap();
    let get_url = url.clone();
    let attestation: HandAttestation = serde_json::from_str(&f.attestation_response).unwrap();
    (url, body, get_url, started, attestation)
}

fn sdk_op(f: &Fixture, config: &ClientConfig, now: Timestamp) {
    let org = OrganizationId::parse(&f.org).unwrap();
    let start = StartAttestationOp {
        org: org.clone(),
        input: f.input.clone(),
    };
    let request = start.request(config, now).unwrap();
    let started = start
        .parse(
            &HttpResponse::new(200, Vec::new(), f.start_response.as_str()),
            now,
        )
        .unwrap();
    let get = GetAttestationOp { org };
    let get_request = get.request(config, now).unwrap();
    let attestation = get
        .parse(
            &HttpResponse::new(200, Vec::new(), f.attestation_response.as_str()),
            now,
        )
        .unwrap();
    black_box((request, started, get_request, attestation));
}

fn benches(c: &mut Criterion) {
    let f = fixture();
    let config = ClientConfig::new(&f.base_url, &f.reseller, "bench").unwrap();
    let now = Timestamp::parse("2026-11-29T12:00:00Z").unwrap();
    let mut g = c.benchmark_group("one_op");
    g.bench_function("sdk", |b| b.iter(|| sdk_op(black_box(&f), &config, now)));
    g.bench_function("hand", |b| b.iter(|| black_box(hand_op(black_box(&f)))));
    g.finish();
    let mut g = c.benchmark_group("validate_start");
    g.bench_function("sdk", |b| {
        b.iter(|| black_box(validate::start_attestation(black_box(&f.input), now).unwrap()))
    });
    g.bench_function("hand", |b| {
        b.iter(|| black_box(hand_validate(black_box(&f.input)).unwrap()))
    });
    g.finish();
}

fn config() -> Criterion {
    // BENCH_QUICK=1 (bench/run.sh --quick): a smoke run with tiny times.
    if std::env::var_os("BENCH_QUICK").is_some() {
        Criterion::default()
            .sample_size(10)
            .warm_up_time(Duration::from_millis(50))
            .measurement_time(Duration::from_millis(100))
    } else {
        Criterion::default()
            .sample_size(30)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(2))
    }
}

criterion_group! { name = core; config = config(); targets = benches }
criterion_main!(core);
