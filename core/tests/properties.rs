//! Property tests of the core's promises (proptest): no public function panics for any input —
//! floats included (NaN, ±inf, negative, huge) and dates at the ends of years 0000–9999 —;
//! normalisation is idempotent; every flow ends within its deadline on a fake clock, in a bounded
//! number of steps, whatever the server answers.
//!
//! `PROPTEST_CASES=N` changes the number of cases (defaults below keep the file under 30 s).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::result_large_err,
    missing_docs
)]

use std::time::Duration;

use mca_attestation::decode::{error_from_response, parse_problem, retry_after};
use mca_attestation::flow::MIN_POLL_INTERVAL;
use mca_attestation::http::BaseUrl;
use mca_attestation::ops::{
    AddCspServiceOp, FinalizeAttestationOp, GetAcceptanceOp, GetAttestationOp, Operation,
    RefreshAcceptanceOp, StartAttestationOp,
};
use mca_attestation::token::TokenOp;
use mca_attestation::{
    validate, AddCspService, ClientConfig, Credentials, EnsureAccepted, EnsureOptions, Header,
    HttpResponse, Input, Machine, Method, OrganizationId, PartnerAttestation, PollOptions, Signer,
    StartAttestation, Step, Timestamp, Token, WaitForSignature,
};
use proptest::prelude::*;
use serde_json::{json, Value};

const NOW: &str = "2026-11-25T12:00:00Z";
const PASSWORD: &str = "property-secret-password";

/// `default` cases, or `PROPTEST_CASES` when set; no failure files (the failing input is printed).
fn cases(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn now() -> Timestamp {
    Timestamp::parse(NOW).unwrap()
}

fn config() -> ClientConfig {
    ClientConfig::new(
        "https://api.example.test/",
        "11111111-1111-4111-8111-111111111111",
        "props",
    )
    .unwrap()
}

fn org() -> OrganizationId {
    OrganizationId::parse("22222222-2222-4222-8222-222222222222").unwrap()
}

fn valid_start() -> StartAttestation {
    StartAttestation {
        signer: Signer::new("Ada", "Lovelace", "ada@example.com", "+46 70 123 45 67"),
        language: Some("sv-se".into()),
        country: "se".into(),
        acceptance_date: "2026-11-25T11:00:00+01:00".into(),
    }
}

// ---------------------------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------------------------

/// Any f64: NaN, ±inf, ±0, subnormals, huge and tiny values of both signs.
fn any_float() -> impl Strategy<Value = f64> {
    prop_oneof![
        prop::num::f64::ANY,
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(f64::MAX),
        Just(-1.0),
        Just(1.0e9),
        Just(1.0e10),
        Just(1.8446744073709552e19),
    ]
}

/// An RFC 3339-shaped date, often at the ends of years 0000–9999 with an offset that moves its
/// UTC form out of range.
fn date_text() -> impl Strategy<Value = String> {
    let year = prop_oneof![
        Just(0u32),
        Just(1),
        Just(9998),
        Just(9999),
        Just(1970),
        0u32..=9999
    ];
    let offset = prop_oneof![
        Just("Z".to_string()),
        Just(String::new()),
        Just("+01:00".to_string()),
        Just("-01:00".to_string()),
        (prop::bool::ANY, 0u32..=23, 0u32..=59)
            .prop_map(|(plus, h, m)| format!("{}{h:02}:{m:02}", if plus { '+' } else { '-' })),
    ];
    let fraction = prop_oneof![
        Just(String::new()),
        Just(".1234567".to_string()),
        Just(".999999999".to_string()),
        (0u32..1000).prop_map(|f| format!(".{f:03}")),
    ];
    let edge = prop_oneof![
        Just((1u32, 1u32, 0u32, 0u32, 0u32)),
        Just((12, 31, 23, 59, 59)),
        (1u32..=12, 1u32..=28, 0u32..=23, 0u32..=59, 0u32..=59),
        (0u32..=13, 0u32..=32, 0u32..=24, 0u32..=60, 0u32..=60),
    ];
    (year, edge, fraction, offset).prop_map(|(y, (mo, d, h, mi, s), f, o)| {
        format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{f}{o}")
    })
}

/// Text of any kind: random, a date, a float's `Display`, or a word the core knows.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        date_text(),
        any_float().prop_map(|f| f.to_string()),
        prop::sample::select(vec![
            "NaN",
            "inf",
            "-inf",
            "1e309",
            "-1",
            "0",
            "18446744073709551615",
            "4000000000",
            "PendingFinalization",
            "true",
            "",
            "  ",
        ])
        .prop_map(str::to_string),
    ]
}

/// A JSON value whose objects use the API's member names and whose leaves are often dates and
/// float texts.
fn json_value() -> impl Strategy<Value = Value> {
    let keys = prop::sample::select(vec![
        "attestationId",
        "agreementLink",
        "expiresAt",
        "status",
        "signer",
        "emailAddress",
        "mcaInfo",
        "templateId",
        "acceptanceDate",
        "accepted",
        "acceptedVia",
        "acceptanceViaPartnerAttestation",
        "mcaInfoTemplateId",
        "lastSyncDate",
        "access_token",
        "expires_in",
        "token_type",
        "type",
        "title",
        "detail",
        "errors",
        "error",
        "errorMessage",
        "field",
    ]);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (-3i64..5).prop_map(Value::from),
        any_float()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        any_text().prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((keys.clone(), inner), 0..7).prop_map(|members| Value::Object(
                members
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v))
                    .collect()
            )),
        ]
    })
}

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        4 => prop::sample::select(vec![
            200u16, 201, 204, 301, 307, 400, 401, 403, 404, 408, 409, 429, 500, 502, 503, 504,
        ]),
        1 => any::<u16>(),
    ]
}

fn retry_after_text() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u64..=60).prop_map(|s| s.to_string()),
        any::<u64>().prop_map(|s| s.to_string()),
        Just("4000000000".to_string()),
        Just("Fri, 31 Dec 9999 23:59:59 GMT".to_string()),
        Just("Wed, 21 Oct 2015 07:28:00 GMT".to_string()),
        any_text(),
    ]
}

fn headers() -> impl Strategy<Value = Vec<Header>> {
    prop::collection::vec(
        retry_after_text().prop_map(|v| Header::new("Retry-After", v)),
        0..2,
    )
}

fn response() -> impl Strategy<Value = HttpResponse> {
    let body = prop_oneof![
        json_value().prop_map(|v| v.to_string()),
        any::<String>(),
        Just(String::new()),
    ];
    (status(), headers(), body).prop_map(|(s, h, b)| HttpResponse::new(s, h, b))
}

/// Any `now` in the supported range (including its ends).
fn any_now() -> impl Strategy<Value = Timestamp> {
    prop_oneof![
        Just(now()),
        Just(Timestamp::parse("0001-01-01T00:00:00Z").unwrap()),
        Just(Timestamp::parse("9999-12-31T23:59:59.999Z").unwrap()),
        (-62_167_219_200_000i64..=253_402_300_799_999)
            .prop_filter_map("in range", Timestamp::from_unix_millis),
    ]
}

/// Any duration: zero, tiny, ordinary, and `Duration::MAX`.
fn any_duration() -> impl Strategy<Value = Duration> {
    prop_oneof![
        Just(Duration::ZERO),
        Just(Duration::MAX),
        (0u64..=600_000).prop_map(Duration::from_millis),
        (any::<u64>(), 0u32..1_000_000_000).prop_map(|(s, n)| Duration::new(s, n)),
    ]
}

fn mostly(good: Vec<&'static str>) -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(good).prop_map(str::to_string),
        1 => any::<String>(),
    ]
}

fn signer() -> impl Strategy<Value = Signer> {
    (
        mostly(vec!["Ada", " Ada ", "", "A\u{7}da", "Åsa"]),
        mostly(vec!["Lovelace", "", "\t"]),
        mostly(vec![
            "ada@example.com",
            " ada@example.com ",
            "ada@example",
            "a@b.co",
            "",
        ]),
        mostly(vec![
            "+46701234567",
            "+46 70 123 45 67",
            "+46 (70) 123-45.67",
            "0701234567",
            "+123456",
            "+123456789012345",
            "+1234567890123456",
            "",
        ]),
    )
        .prop_map(|(f, l, e, p)| Signer::new(f, l, e, p))
}

fn language() -> impl Strategy<Value = Option<String>> {
    prop::option::of(mostly(vec![
        "en-US",
        "sv-se",
        "EN-us",
        "zh-hant-tw",
        "de-ch-x-phonebk",
        "en_US",
        "english",
        "i-klingon",
        "",
    ]))
}

fn acceptance_date() -> impl Strategy<Value = String> {
    prop_oneof![
        date_text(),
        mostly(vec![
            "2026-11-25T11:00:00Z",
            "2026-11-25T11:00:00+01:00",
            "0000-01-01T00:00:00+01:00",
            "9999-12-31T23:59:59-01:00",
            "2026-11-25T12:04:59Z",
            "2026-11-25T12:05:01Z",
        ]),
    ]
}

fn start_input() -> impl Strategy<Value = StartAttestation> {
    (
        signer(),
        language(),
        mostly(vec!["SE", "se", "XK", "UK", "XX", ""]),
        acceptance_date(),
    )
        .prop_map(
            |(signer, language, country, acceptance_date)| StartAttestation {
                signer,
                language,
                country,
                acceptance_date,
            },
        )
}

fn csp_input() -> impl Strategy<Value = AddCspService> {
    let pa = (
        prop::bool::weighted(0.9),
        signer(),
        language(),
        mostly(vec!["SE", "se", "UK", ""]),
        acceptance_date(),
    )
        .prop_map(
            |(automatic_flow, signer, language, country, acceptance_date)| PartnerAttestation {
                automatic_flow,
                signer,
                language,
                country,
                acceptance_date,
            },
        );
    let opt = || prop::option::of(mostly(vec!["Stockholm", "", " x "]));
    (
        prop::option::of(pa),
        mostly(vec!["EUR", "eur", "SEK", "XTS", ""]),
        mostly(vec!["ops@example.com", "", "ops@"]),
        prop::option::of(mostly(vec!["+46701234567", "0701234567", " "])),
        mostly(vec![
            "contoso",
            "Contoso1",
            "",
            "a-b",
            "abcdefghijklmnopqrstuvwxyz01",
        ]),
        (opt(), opt(), opt(), opt()),
    )
        .prop_map(
            |(
                partner_attestation,
                currency_code,
                contact_email,
                contact_phone,
                domain_prefix,
                (id, city, address, postal_code),
            )| {
                AddCspService {
                    id,
                    currency_code,
                    contact_email,
                    contact_phone,
                    city,
                    address,
                    postal_code,
                    domain_prefix,
                    partner_attestation,
                    ..AddCspService::default()
                }
            },
        )
}

// ---------------------------------------------------------------------------------------------
// No public function panics
// ---------------------------------------------------------------------------------------------

fn parse_with_every_op(resp: &HttpResponse, now: Timestamp, csp: &AddCspService) {
    let org = org();
    let start = StartAttestationOp {
        org: org.clone(),
        input: valid_start(),
    };
    let results = [
        start.parse(resp, now).map(|_| ()),
        GetAttestationOp { org: org.clone() }
            .parse(resp, now)
            .map(|_| ()),
        FinalizeAttestationOp { org: org.clone() }.parse(resp, now),
        GetAcceptanceOp { org: org.clone() }
            .parse(resp, now)
            .map(|_| ()),
        RefreshAcceptanceOp { org: org.clone() }
            .parse(resp, now)
            .map(|_| ()),
        AddCspServiceOp {
            org,
            input: csp.clone(),
        }
        .parse(resp, now)
        .map(|_| ()),
    ];
    for err in results.into_iter().filter_map(Result::err) {
        let _ = (format!("{err} {err:?}"), err.kind(), err.outcome_unknown());
    }
}

fn token_op() -> TokenOp {
    TokenOp {
        credentials: Credentials {
            username: "props-user".into(),
            password: PASSWORD.into(),
            ..Credentials::default()
        },
    }
}

fn check_token(resp: &HttpResponse, now: Timestamp) {
    match token_op().parse(resp, now) {
        Ok(token) => {
            assert!(token.expires_at >= token.issued_at);
            let _ = token.needs_refresh(now);
        }
        Err(err) => assert!(!format!("{err} {err:?}").contains(PASSWORD)),
    }
}

proptest! {
    #![proptest_config(cases(256))]

    #[test]
    fn timestamps_parse_anything_and_write_back_what_they_read(text in prop_oneof![date_text(), any::<String>()]) {
        for t in [Timestamp::parse(&text), Timestamp::parse_rfc3339(&text)].into_iter().flatten() {
            let written = t.to_rfc3339();
            prop_assert_eq!(Timestamp::parse_rfc3339(&written), Ok(t), "{} -> {}", text, written);
            let _ = t.unix_millis();
        }
    }

    #[test]
    fn timestamp_millis_and_arithmetic_never_panic(millis in any::<i64>(), d in any_duration(), t in any_now()) {
        if let Some(m) = Timestamp::from_unix_millis(millis) {
            prop_assert_eq!(m.unix_millis(), millis);
        }
        let later = t.add(d);
        let earlier = t.sub(d);
        prop_assert!(later >= t && earlier <= t);
        let _ = (later.since(earlier), earlier.since(later), later.to_rfc3339(), earlier.to_rfc3339());
    }

    #[test]
    fn retry_after_never_panics(value in retry_after_text(), now in any_now()) {
        if let Some(d) = retry_after(&value, now) {
            let _ = now.add(d);
        }
    }

    #[test]
    fn every_response_parser_takes_any_response(resp in response(), now in any_now(), csp in csp_input()) {
        parse_with_every_op(&resp, now, &csp);
        let problem = parse_problem(&resp, now);
        prop_assert_eq!(problem.status, resp.status);
        let _ = problem.summary();
        let _ = format!("{:?}", error_from_response(&resp, now));
    }

    #[test]
    fn token_parse_takes_any_expires_in(
        expires in any_float(),
        as_text in any::<bool>(),
        token_type in prop::option::of(json_value()),
        status in status(),
        now in any_now(),
    ) {
        let expires_in = if as_text {
            Value::String(expires.to_string())
        } else {
            serde_json::Number::from_f64(expires).map_or(Value::Null, Value::Number)
        };
        let mut body = json!({"access_token": "tok", "expires_in": expires_in});
        if let Some(t) = token_type {
            body["token_type"] = t;
        }
        let resp = HttpResponse::new(status, Vec::new(), body.to_string());
        check_token(&resp, now);
        check_token(&HttpResponse::new(200, Vec::new(), body.to_string()), now);
    }

    #[test]
    fn token_parse_takes_any_body(resp in response(), now in any_now()) {
        check_token(&resp, now);
    }

    #[test]
    fn token_refresh_check_takes_any_token(issued in any_now(), expires in any_now(), now in any_now()) {
        let token = Token {
            access_token: "tok".into(),
            token_type: "Bearer".into(),
            issued_at: issued,
            expires_at: expires,
            scope: None,
        };
        let _ = token.needs_refresh(now);
    }

    #[test]
    fn validators_and_parsers_take_any_text(text in any_text()) {
        let _ = validate::is_practical_email(&text);
        let _ = validate::is_country(&text);
        let _ = validate::is_currency(&text);
        let _ = OrganizationId::parse(&text);
        let _ = ClientConfig::new(&text, &text, "props");
        let _ = mca_attestation::decode::field_to_pointer(&text);
        if let Some(p) = validate::normalize_phone(&text) {
            prop_assert_eq!(validate::normalize_phone(&p), Some(p.clone()));
        }
        if let Some(l) = validate::normalize_language(&text) {
            prop_assert_eq!(validate::normalize_language(&l), Some(l.clone()));
        }
        if let Ok(url) = BaseUrl::parse(&text) {
            prop_assert_eq!(BaseUrl::parse(url.as_str()).ok(), Some(url.clone()));
        }
    }

    // -----------------------------------------------------------------------------------------
    // Normalisation is idempotent
    // -----------------------------------------------------------------------------------------

    #[test]
    fn start_attestation_normalisation_is_idempotent(input in start_input(), now in prop_oneof![3 => Just(now()), 1 => any_now()]) {
        if let Ok(valid) = validate::start_attestation(&input, now) {
            prop_assert!(Timestamp::parse_rfc3339(&valid.acceptance_date).is_ok(), "{}", valid.acceptance_date);
            prop_assert_eq!(validate::start_attestation(&valid, now).ok(), Some(valid));
        }
    }

    #[test]
    fn add_csp_service_normalisation_is_idempotent(input in csp_input()) {
        if let Ok(valid) = validate::add_csp_service(&input, now()) {
            if let Some(pa) = &valid.partner_attestation {
                prop_assert!(Timestamp::parse_rfc3339(&pa.acceptance_date).is_ok());
            }
            prop_assert_eq!(validate::add_csp_service(&valid, now()).ok(), Some(valid));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Flows end within their deadline on a fake clock, whatever the server answers
// ---------------------------------------------------------------------------------------------

/// Steps (sends, sleeps, events) after which a flow counts as not terminating; the generated
/// cases keep every legitimate flow far below it (deadline ≤ 200 first intervals, waits never
/// below half an interval).
const MAX_STEPS: usize = 20_000;
/// The longest wait a retried call honours (`RetryPolicy::default().max_delay`).
const RETRY_CEILING: Duration = Duration::from_secs(30);

#[derive(Clone, Debug)]
enum Answer {
    Transport,
    Respond {
        status: u16,
        retry_after: Option<String>,
        /// What a 2xx body says: accepted? attestation status? expires in (s)?
        accepted: bool,
        attestation_status: i64,
        expires_in_s: i64,
        /// A junk body instead.
        junk: Option<String>,
    },
}

fn answer() -> impl Strategy<Value = Answer> {
    let respond = (
        prop_oneof![6 => Just(200u16), 1 => Just(429), 1 => Just(404), 1 => Just(503), 1 => status()],
        prop::option::weighted(0.5, retry_after_text()),
        prop::bool::weighted(0.25),
        prop_oneof![Just(0i64), Just(1), Just(1), Just(2), Just(2), Just(3), any::<i64>()],
        -3_600i64..=30 * 86_400,
        prop::option::weighted(0.1, prop_oneof![any::<String>(), date_text()]),
    )
        .prop_map(|(status, retry_after, accepted, attestation_status, expires_in_s, junk)| {
            Answer::Respond {
                status,
                retry_after,
                accepted,
                attestation_status,
                expires_in_s,
                junk,
            }
        });
    prop_oneof![1 => Just(Answer::Transport), 7 => respond]
}

#[derive(Clone, Debug)]
struct FlowCase {
    options: EnsureOptions,
    answers: Vec<Answer>,
}

/// A 200 whose body says `accepted` (acceptance) or `status` (attestation), expiring in a week.
fn ok(accepted: bool, status: i64) -> Answer {
    Answer::Respond {
        status: 200,
        retry_after: None,
        accepted,
        attestation_status: status,
        expires_in_s: 7 * 86_400,
        junk: None,
    }
}

fn interval() -> impl Strategy<Value = Duration> {
    prop_oneof![
        Just(Duration::ZERO),
        Just(Duration::from_millis(10)),
        Just(Duration::from_secs(2)),
        Just(Duration::from_secs(30)),
        (0u64..=600_000).prop_map(Duration::from_millis),
    ]
}

fn flow_case() -> impl Strategy<Value = FlowCase> {
    (
        interval(),
        interval(),
        0u64..=200,
        any::<u64>(),
        any::<bool>(),
        0u32..=6,
        (0usize..3, prop::collection::vec(answer(), 0..40)),
    )
        .prop_map(
            |(initial, max, intervals, seed, wait, confirm_attempts, (entry, tail))| {
                // Enter the flow at its start, while waiting, or while confirming after finalize.
                let mut answers = match entry {
                    0 => Vec::new(),
                    1 => vec![ok(false, 1), ok(false, 1)],
                    _ => vec![ok(false, 2), ok(false, 2), ok(false, 2)],
                };
                answers.extend(tail);
                let first = initial.max(MIN_POLL_INTERVAL);
                let deadline = now().add(first.saturating_mul(u32::try_from(intervals).unwrap()));
                FlowCase {
                    options: EnsureOptions {
                        wait,
                        poll: PollOptions {
                            initial_interval: initial,
                            max_interval: max,
                            deadline: Some(deadline),
                            jitter_seed: if seed % 2 == 0 { 0 } else { seed },
                        },
                        confirm_attempts,
                    },
                    answers,
                }
            },
        )
}

fn render(answer: &Answer, method: Method, url: &str, clock: Timestamp) -> Input {
    let Answer::Respond {
        status,
        retry_after,
        accepted,
        attestation_status,
        expires_in_s,
        junk,
    } = answer
    else {
        return Input::TransportError("scripted".into());
    };
    let expires = if *expires_in_s >= 0 {
        clock.add(Duration::from_secs(expires_in_s.unsigned_abs()))
    } else {
        clock.sub(Duration::from_secs(expires_in_s.unsigned_abs()))
    };
    let body = match (junk, method) {
        (Some(junk), _) => junk.clone(),
        (None, Method::Get) if url.ends_with("acceptance") => json!({
            "accepted": accepted,
            "acceptedVia": if *accepted { json!(["PartnerAttestation"]) } else { json!([]) },
        })
        .to_string(),
        (None, Method::Get) => json!({
            "attestationId": "att-1",
            "agreementLink": "https://agreements.example.test/att-1",
            "status": attestation_status,
            "expiresAt": expires.to_rfc3339(),
        })
        .to_string(),
        (None, Method::Post) if url.ends_with("attestation") => json!({
            "attestationId": "att-1",
            "agreementLink": "https://agreements.example.test/att-1",
            "expiresAt": expires.to_rfc3339(),
        })
        .to_string(),
        _ => String::new(),
    };
    let headers = retry_after
        .iter()
        .map(|v| Header::new("Retry-After", v.clone()))
        .collect();
    Input::Response(HttpResponse::new(*status, headers, body))
}

/// Drives `machine` on a fake clock that advances only by each sleep; after the script the server
/// repeats its last answer (or fails without a response when there is none). Checks every sleep
/// against the ceiling and the deadline, and counts starts; returns (steps, starts, end clock).
fn drive<M: Machine>(mut machine: M, case: &FlowCase) -> (usize, usize, Timestamp) {
    let config = config();
    let poll = &case.options.poll;
    let deadline = poll.deadline.unwrap();
    let ceiling = poll
        .max_interval
        .max(poll.initial_interval.max(MIN_POLL_INTERVAL))
        .max(RETRY_CEILING);
    let mut clock = now();
    let mut input = Input::Begin;
    let (mut sent, mut starts) = (0usize, 0usize);
    for steps in 1..=MAX_STEPS {
        match machine.next(&config, input, clock) {
            Err(_) | Ok(Step::Done(_)) => return (steps, starts, clock),
            Ok(Step::Event(_)) => input = Input::Continue,
            Ok(Step::Sleep(d)) => {
                assert!(d <= ceiling, "sleep {d:?} over the ceiling {ceiling:?}");
                assert!(
                    clock.add(d) <= deadline,
                    "sleep {d:?} at {clock} passes the deadline {deadline}"
                );
                clock = clock.add(d);
                input = Input::Slept;
            }
            Ok(Step::Send(req)) => {
                if req.method == Method::Post && req.url.ends_with("csp/mca/attestation") {
                    starts += 1;
                }
                let answer = case
                    .answers
                    .get(sent)
                    .or(case.answers.last())
                    .unwrap_or(&Answer::Transport);
                sent += 1;
                input = render(answer, req.method, &req.url, clock);
            }
        }
    }
    panic!("the flow did not end within {MAX_STEPS} steps ({sent} requests, clock {clock})");
}

proptest! {
    #![proptest_config(cases(128))]

    #[test]
    fn ensure_accepted_ends_within_its_deadline_whatever_the_server_answers(case in flow_case()) {
        let machine = EnsureAccepted::new(org(), valid_start(), case.options.clone());
        let (_, starts, clock) = drive(machine, &case);
        prop_assert!(starts <= 2, "{} starts", starts);
        prop_assert!(clock <= case.options.poll.deadline.unwrap());
    }

    #[test]
    fn a_busy_confirm_refresh_never_sleeps_past_the_ceiling(
        case in flow_case(),
        hint in retry_after_text(),
        confirm_attempts in 2u32..=6,
    ) {
        // Finalized, the acceptance lags, the refresh is busy (429) with any Retry-After.
        let busy = Answer::Respond {
            status: 429,
            retry_after: Some(hint),
            accepted: false,
            attestation_status: 2,
            expires_in_s: 0,
            junk: None,
        };
        let mut answers = vec![ok(false, 2), ok(false, 2), ok(false, 2), ok(false, 2), busy];
        answers.extend(case.answers);
        let options = EnsureOptions { confirm_attempts, ..case.options };
        let case = FlowCase { options, answers };
        let machine = EnsureAccepted::new(org(), valid_start(), case.options.clone());
        let (_, starts, clock) = drive(machine, &case);
        prop_assert_eq!(starts, 0);
        prop_assert!(clock <= case.options.poll.deadline.unwrap());
    }

    #[test]
    fn wait_for_signature_ends_within_its_deadline_whatever_the_server_answers(case in flow_case()) {
        let machine = WaitForSignature::new(org(), case.options.poll.clone());
        let (_, starts, clock) = drive(machine, &case);
        prop_assert_eq!(starts, 0);
        prop_assert!(clock <= case.options.poll.deadline.unwrap());
    }

    #[test]
    fn flows_take_any_poll_options(
        initial in any_duration(),
        max in any_duration(),
        seed in any::<u64>(),
        answers in prop::collection::vec(answer(), 0..12),
    ) {
        // Any options the caller may pass (Duration::MAX included), with a server that goes away
        // after its script: the flow ends (transport errors are retried a bounded number of times).
        let options = EnsureOptions {
            poll: PollOptions {
                initial_interval: initial,
                max_interval: max,
                deadline: Some(now().add(Duration::from_secs(3600))),
                jitter_seed: seed,
            },
            ..EnsureOptions::default()
        };
        let mut answers = answers;
        answers.push(Answer::Transport);
        let case = FlowCase { options, answers };
        let ensure = EnsureAccepted::new(org(), valid_start(), case.options.clone());
        let _ = drive_lenient(ensure, &case);
        let wait = WaitForSignature::new(org(), case.options.poll.clone());
        let _ = drive_lenient(wait, &case);
    }
}

/// Like [`drive`] without the ceiling check (the ceiling assumes sane options), for the
/// no-panic property of arbitrary options. Returns the number of steps.
fn drive_lenient<M: Machine>(mut machine: M, case: &FlowCase) -> usize {
    let config = config();
    let mut clock = now();
    let mut input = Input::Begin;
    let mut sent = 0usize;
    for steps in 1..=MAX_STEPS {
        match machine.next(&config, input, clock) {
            Err(_) | Ok(Step::Done(_)) => return steps,
            Ok(Step::Event(_)) => input = Input::Continue,
            Ok(Step::Sleep(d)) => {
                clock = clock.add(d);
                input = Input::Slept;
            }
            Ok(Step::Send(req)) => {
                let answer = case.answers.get(sent).unwrap_or(&Answer::Transport);
                sent += 1;
                input = render(answer, req.method, &req.url, clock);
            }
        }
    }
    panic!("the flow did not end within {MAX_STEPS} steps");
}

proptest! {
    #![proptest_config(cases(256))]

    #[test]
    fn decode_errors_never_carry_signer_data(
        first in "[A-Z][a-z]{5,10}",
        last in "[A-Z][a-z]{5,10}",
        email in "[a-z]{5,8}@[a-z]{5,8}\\.com",
        phone in "\\+46[0-9]{9}",
        cut in 0.0f64..1.0,
        defect in 0u8..4,
    ) {
        // A GET attestation body with the signer, made unreadable in one of four ways.
        let body = json!({
            "attestationId": "att-1",
            "signer": {"firstName": first, "lastName": last, "emailAddress": email,
                       "phoneNumber": phone},
            "status": 1,
            "expiresAt": "2026-12-01T00:00:00Z",
        })
        .to_string();
        let body = match defect {
            // Cut anywhere (as a dropped connection leaves it).
            0 => body.chars().take((body.chars().count() as f64 * cut) as usize).collect(),
            // A member of the wrong type.
            1 => body.replace("\"status\":1", "\"status\":{}"),
            // An unreadable date.
            2 => body.replace("2026-12-01T00:00:00Z", "tomorrow"),
            // Not an object.
            _ => format!("[{body}]"),
        };
        let resp = HttpResponse::new(200, Vec::new(), body.clone());
        if let Err(err) = (GetAttestationOp { org: org() }).parse(&resp, now()) {
            let text = format!("{err} {err:?}");
            for value in [&first, &last, &email, &phone] {
                prop_assert!(!text.contains(value.as_str()), "{} in {} (body {})", value, text, body);
            }
        }
    }
}

proptest! {
    #![proptest_config(cases(256))]

    #[test]
    fn start_errors_never_carry_signer_data(
        first in "[A-Z][a-z]{1,10}",
        last in "[A-Z][a-z]{3,10}",
        email in "[a-z]{1,8}@[a-z]{5,8}\\.com",
        phone in "\\+46[0-9]{9}",
        spaced in any::<bool>(),
        status in prop_oneof![Just(200u16), Just(400), Just(409), Just(422), Just(500), Just(502)],
        shape in 0u8..5,
        filler in "[a-z ]{0,40}",
    ) {
        // The phone as the caller typed it (spaced) or compact; the server echoes the compact form.
        let typed_phone = if spaced {
            format!("{} {} {}", &phone[..3], &phone[3..6], &phone[6..])
        } else {
            phone.clone()
        };
        let input = StartAttestation {
            signer: Signer::new(first.clone(), last.clone(), email.clone(), typed_phone),
            ..valid_start()
        };
        let echo = format!("{filler}{first} {last} <{email}> {phone}{filler}");
        let body = match shape {
            // A problem with the values in every text member.
            0 => json!({"title": echo, "detail": echo, "status": status, "code": echo,
                        "errors": {"Signer.EmailAddress": [format!("The value '{email}' is not valid.")]},
                        "instance": echo, "traceId": echo, "extra": echo}).to_string(),
            // ASP.NET model state.
            1 => json!({"Signer.FirstName": [echo], "Signer.PhoneNumber": [format!("'{phone}' bad")]}).to_string(),
            // An HTML page, cut at a random place by the excerpt or not.
            2 => format!("<html><head><title>{echo}</title></head><body><p>{}</p></body></html>", echo.repeat(40)),
            // Plain text, long enough to be cut.
            3 => echo.repeat(60),
            // A legacy error list.
            _ => json!([{"errorCode": "E1", "errorName": echo, "errorMessage": echo}]).to_string(),
        };
        let resp = HttpResponse::new(status, Vec::new(), body.clone());
        let op = StartAttestationOp { org: org(), input };
        if let Err(err) = op.parse(&resp, now()) {
            let view = serde_json::to_string(&mca_attestation::ErrorView::from(&err)).unwrap();
            let text = format!("{err} {err:?} {view}");
            for value in [&last, &email, &phone] {
                prop_assert!(!text.contains(value.as_str()), "{} in {} (body {})", value, text, body);
            }
            // A short first name is removed as a word (it may occur inside other words).
            let words: Vec<&str> = text.split(|c: char| !c.is_alphanumeric()).collect();
            prop_assert!(!words.contains(&first.as_str()), "{} in {}", first, text);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Hostile sizes: parsing stays linear
// ---------------------------------------------------------------------------------------------

/// Runs `f` on another thread; fails when it has not finished within `limit` (a quadratic parse of
/// a megabyte takes minutes, a linear one milliseconds, so the bound is far from both).
fn finishes_within(limit: Duration, what: &str, f: impl FnOnce() + Send + 'static) {
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        f();
        let _ = done.send(());
    });
    assert!(
        finished.recv_timeout(limit).is_ok(),
        "{what} did not finish within {limit:?}"
    );
}

#[test]
fn megabyte_error_bodies_full_of_secret_keys_parse_in_linear_time() {
    let noise = "password=x ".repeat(100_000);
    let bodies = [
        // An extension member (kept as JSON text in `Problem::extensions`).
        json!({"title": "Bad Request", "debug": noise}).to_string(),
        // An HTML page whose title is the noise.
        format!("<html><head><title>{noise}</title></head><body>x</body></html>"),
        // A legacy error list.
        json!([{"errorCode": "E1", "errorMessage": noise}]).to_string(),
    ];
    for body in bodies {
        let len = body.len();
        finishes_within(
            Duration::from_secs(10),
            &format!("parse_problem of a {len}-byte body"),
            move || {
                let resp = HttpResponse::new(400, Vec::new(), body);
                let _ = parse_problem(&resp, now());
                let _ = token_op().parse(&resp, now());
            },
        );
    }
}

#[test]
fn the_password_never_reaches_a_token_error_even_after_a_json_escape() {
    // Found by the `token` fuzz target: in `Problem::extensions` (JSON text) the echoed password
    // follows an escape (`\n`, `\u0000`), whose last character is a letter or digit.
    for echo in [
        format!("line\n{PASSWORD}"),
        format!("\u{0}{PASSWORD}\u{0}"),
        format!("\t{PASSWORD}"),
        format!("password={PASSWORD}"),
    ] {
        let body = json!({"title": "Bad Request", "echo": echo}).to_string();
        let err = token_op()
            .parse(&HttpResponse::new(400, Vec::new(), body.clone()), now())
            .unwrap_err();
        let text = format!("{err} {err:?}");
        assert!(
            !text.contains(PASSWORD),
            "{body} leaked the password: {text}"
        );
    }
}
