//! Property tests of validation: for any input the validator accepts, the normalised body is what
//! the caller meant and already in the wire form — it re-validates to itself, and each field has
//! its wire shape (RFC 3339 UTC date, `+` and digits phone, upper-case alpha-2 country, ASCII
//! language tag) and differs from the input only by the normalisations the README names.
//!
//! The generators mix well-formed values with the borderline characters the rules are about
//! (invisible and bidi characters, Unicode separators and digits, `(0)`, grandfathered tags,
//! offsets that cross year 0001/9999), so both verdicts occur; `generators_reach_both_verdicts`
//! checks that they do, so the properties are never vacuous.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use mca_attestation::{
    validate, AddCspService, PartnerAttestation, Signer, StartAttestation, Timestamp,
};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;

const NOW: &str = "2026-11-25T12:00:00Z";
const NOW_NEAR_9999: &str = "9999-12-31T23:59:00Z";

/// Characters the text rules are about, alongside plain letters.
const TEXT_CHARS: &[char] = &[
    'A', 'd', 'a', 'L', 'o', 'é', 'ë', 'م', 'ه', '李', '-', '\'', ' ', '\u{a0}', '\u{200b}',
    '\u{200c}', '\u{200d}', '\u{200e}', '\u{200f}', '\u{feff}', '\u{ad}', '\u{2060}', '\u{3164}',
    '\u{202e}', '\u{202d}', '\u{2067}', '\u{2069}', '\u{7}', '\t', '\n', '\u{85}', '\u{9b}',
    '\u{2028}',
];

/// Any text mixing those characters (mostly letters, so that many names are accepted).
fn text() -> impl Strategy<Value = String> {
    let ch = prop_oneof![
        6 => prop::sample::select(&TEXT_CHARS[..10]),
        4 => prop::sample::select(TEXT_CHARS),
    ];
    prop::collection::vec(ch, 0..12).prop_map(|v| v.into_iter().collect())
}

fn local_part() -> impl Strategy<Value = String> {
    let ch = prop_oneof![
        10 => prop::sample::select(&['a', 'b', 'z', '0', '9', '.', '+', '_', '-'][..]),
        1 => prop::sample::select(&['é', '"', '@', ' ', '\u{200b}', '\u{ad}', '\u{feff}', '\u{7}'][..]),
    ];
    prop_oneof![
        prop::collection::vec(ch, 1..12).prop_map(|v| v.into_iter().collect::<String>()),
        (60usize..68).prop_map(|n| "a".repeat(n)),
    ]
}

fn label() -> impl Strategy<Value = String> {
    let ch = prop_oneof![
        10 => prop::sample::select(&['a', 'k', 'x', '1', '0', '-'][..]),
        1 => prop::sample::select(&['_', 'ü', '\u{200b}', '\u{ad}'][..]),
    ];
    prop_oneof![
        8 => prop::collection::vec(ch, 1..10).prop_map(|v| v.into_iter().collect::<String>()),
        1 => (60usize..66).prop_map(|n| "b".repeat(n)),
        1 => Just("123".to_string()),
    ]
}

fn email() -> impl Strategy<Value = String> {
    let domain = prop_oneof![
        4 => prop::collection::vec(label(), 1..4).prop_map(|v| v.join(".") + ".com"),
        1 => prop::collection::vec(label(), 1..5).prop_map(|v| v.join(".")),
        1 => Just("[192.0.2.1]".to_string()),
        1 => prop::collection::vec(label(), 3..5).prop_map(|v| v.join(".")),
    ];
    (local_part(), domain, prop::sample::select(&["", " "][..]))
        .prop_map(|(l, d, pad)| format!("{pad}{l}@{d}{pad}"))
}

fn phone() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        8 => prop::sample::select(&["1", "2", "4", "6", "7", "0", "55", "123", "4567"][..]),
        3 => prop::sample::select(&[" ", "-", ".", "(0)", "(", ")", "(70)"][..]),
        1 => prop::sample::select(&["\u{a0}", "\u{2013}", "\u{2212}", "\u{202f}", "\u{ff14}", "\u{664}", "\u{200b}", "x", "\t", "/"][..]),
    ];
    (
        prop::sample::select(&["+", "+", "+", "", "\u{ff0b}", "00"][..]),
        prop::collection::vec(token, 0..14),
    )
        .prop_map(|(plus, tokens)| format!("{plus}{}", tokens.concat()))
}

fn language() -> impl Strategy<Value = Option<String>> {
    let sub = prop::sample::select(
        &[
            "en", "EN", "sv", "zh", "tlh", "us", "US", "gb", "Hant", "419", "x", "X", "i",
            "klingon", "oed", "u", "ca", "gregory", "abcd", "min", "nan", "whatever", "", "é",
        ][..],
    );
    prop_oneof![
        1 => Just(None),
        1 => Just(Some("   ".to_string())),
        8 => prop::collection::vec(sub, 1..5).prop_map(|v| Some(v.join("-"))),
    ]
}

fn country() -> impl Strategy<Value = String> {
    prop::sample::select(
        &[
            "se",
            "SE",
            "Se",
            "xk",
            "XK",
            "us",
            "UK",
            "EU",
            "zz",
            "S",
            "SWE",
            " se ",
            "ＳＥ",
            "SE\u{200b}",
            "",
            "1A",
        ][..],
    )
    .prop_map(str::to_string)
}

/// RFC 3339 (and near-misses) around the year and skew limits.
fn date() -> impl Strategy<Value = String> {
    let year = prop_oneof![
        Just(0u32),
        Just(1u32),
        1990u32..2030,
        Just(9999u32),
        Just(10000u32),
    ];
    let offset = prop_oneof![
        Just("Z".to_string()),
        Just("z".to_string()),
        Just("-00:00".to_string()),
        (
            prop::sample::select(&["+", "-"][..]),
            0u32..24,
            prop::sample::select(&[0u32, 30][..])
        )
            .prop_map(|(s, h, m)| format!("{s}{h:02}:{m:02}")),
        Just(String::new()),
    ];
    let frac = prop::sample::select(&["", ".5", ".001", ".1234567", ".000000001"][..]);
    (
        year,
        1u32..=13,
        1u32..=31,
        0u32..=24,
        0u32..60,
        0u32..=60,
        frac,
        offset,
    )
        .prop_map(|(y, mo, d, h, mi, s, f, o)| {
            format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{f}{o}")
        })
}

/// Mostly (3 in 5) a value from `pool`, otherwise one from `other`: every field is often valid, so
/// whole bodies are accepted often enough for the properties to bite.
fn likely(
    pool: &'static [&'static str],
    other: impl Strategy<Value = String> + 'static,
) -> BoxedStrategy<String> {
    prop_oneof![3 => prop::sample::select(pool).prop_map(str::to_string), 2 => other].boxed()
}

fn name() -> BoxedStrategy<String> {
    likely(
        &[
            "Ada",
            "Zoë",
            "\u{feff}Ada",
            "Mehr\u{200c}naz",
            " Lovelace\u{200b}",
        ],
        text(),
    )
}

fn likely_email() -> BoxedStrategy<String> {
    likely(
        &[
            "ada@example.com",
            "a.b+c@sub.example.co.uk",
            "x@xn--bcher-kva.de",
            " ada@123.example.org ",
        ],
        email(),
    )
}

fn likely_phone() -> BoxedStrategy<String> {
    likely(
        &[
            "+46 (0) 70 123 45 67",
            "+46701234567",
            "+1 (555) 123-4567",
            "+33\u{202f}6 12 34 56 78",
            "+44 (0)20 7946\u{2013}0958",
        ],
        phone(),
    )
}

fn start_body() -> impl Strategy<Value = (StartAttestation, &'static str)> {
    let signer = (name(), name(), likely_email(), likely_phone())
        .prop_map(|(f, l, e, p)| Signer::new(f, l, e, p));
    (
        signer,
        prop_oneof![
            3 => prop::sample::select(&[Some("en-us"), Some("zh-hant-tw"), None, Some("EN-gb-OXENDICT")][..])
                .prop_map(|l| l.map(str::to_string)),
            2 => language(),
        ],
        likely(&["se", "XK", "Us"], country()),
        likely(
            &[
                "2026-11-25T11:00:00Z",
                "2026-11-25T13:05:00+01:00",
                "0000-12-31T23:00:00-01:00",
                "9999-12-31T23:59:59+01:00",
            ],
            date(),
        ),
        prop::sample::select(&[NOW, NOW, NOW, NOW_NEAR_9999][..]),
    )
        .prop_map(|(signer, language, country, acceptance_date, now)| {
            (
                StartAttestation {
                    signer,
                    language,
                    country,
                    acceptance_date,
                },
                now,
            )
        })
}

fn csp_body() -> impl Strategy<Value = AddCspService> {
    let optional = prop_oneof![Just(None), name().prop_map(Some)];
    (
        (start_body(), any::<bool>(), any::<bool>()),
        prop::sample::select(&["SEK", "eur", "XTS", "", "USD "][..]),
        likely_email(),
        (optional.clone(), optional.clone(), optional),
        prop_oneof![Just(None), likely_phone().prop_map(Some)],
        prop::sample::select(&["contoso", "Contoso1", "con-toso", ""][..]),
    )
        .prop_map(
            |(
                (start, with_pa, automatic),
                currency,
                contact_email,
                (first, last, city),
                contact_phone,
                prefix,
            )| {
                let (s, _) = start;
                AddCspService {
                    currency_code: currency.to_string(),
                    contact_email,
                    contact_first_name: first,
                    contact_last_name: last,
                    city,
                    contact_phone,
                    domain_prefix: prefix.to_string(),
                    partner_attestation: with_pa.then_some(PartnerAttestation {
                        automatic_flow: automatic,
                        signer: s.signer,
                        language: s.language,
                        country: s.country,
                        acceptance_date: s.acceptance_date,
                    }),
                    ..AddCspService::default()
                }
            },
        )
}

fn now(text: &str) -> Timestamp {
    Timestamp::parse(text).unwrap()
}

/// The bidi controls refused in text (embeddings, overrides, isolates).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Characters a name may not start or end with once normalised: whitespace and the invisible
/// characters the generators use.
fn is_trimmed_away(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{200b}'..='\u{200f}' | '\u{feff}' | '\u{ad}' | '\u{2060}' | '\u{3164}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

fn assert_name_wire(input: &str, out: &str) {
    assert!(!out.is_empty(), "accepted an empty name");
    assert!(
        input.contains(out),
        "a name is only trimmed: {input:?} -> {out:?}"
    );
    let first = out.chars().next().unwrap();
    let last = out.chars().next_back().unwrap();
    assert!(
        !is_trimmed_away(first) && !is_trimmed_away(last),
        "{out:?} not trimmed"
    );
    assert!(
        !out.chars()
            .any(|c| c.is_control() || c == '\u{2028}' || is_bidi_control(c)),
        "{out:?} holds a control, line break or bidi control"
    );
}

fn assert_email_wire(input: &str, out: &str) {
    assert_eq!(out, input.trim(), "an address is only trimmed");
    assert!(out.len() <= 254);
    let (local, domain) = out.rsplit_once('@').unwrap();
    assert!(!local.is_empty() && local.len() <= 64 && !local.starts_with('"'));
    let labels: Vec<&str> = domain.split('.').collect();
    assert!(labels.len() >= 2);
    for l in &labels {
        assert!(!l.is_empty() && l.len() <= 63);
        assert!(
            l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'),
            "{domain}"
        );
    }
    assert!(!labels.last().unwrap().bytes().all(|b| b.is_ascii_digit()));
}

/// `+` and 7–15 ASCII digits: the input's ASCII digits in order, less one `(0)` trunk prefix.
fn assert_phone_wire(input: &str, out: &str) {
    let digits = out.strip_prefix('+').expect("starts with +");
    assert!(digits.bytes().all(|b| b.is_ascii_digit()), "{out}");
    assert!((7..=15).contains(&digits.len()), "{out}");
    let meant: String = input
        .replacen("(0)", "", 1)
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    assert_eq!(digits, meant, "{input:?} -> {out}");
}

fn assert_country_wire(input: &str, out: &str) {
    assert_eq!(out.len(), 2);
    assert!(out.bytes().all(|b| b.is_ascii_uppercase()));
    assert_eq!(out, input.trim().to_ascii_uppercase());
}

fn assert_language_wire(input: Option<&str>, out: Option<&str>) {
    let out = out.expect("the language is always sent");
    assert!(out.is_ascii());
    let primary = out.split('-').next().unwrap();
    assert!((2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_lowercase()));
    match input.map(str::trim).filter(|s| !s.is_empty()) {
        Some(given) => assert!(out.eq_ignore_ascii_case(given), "{given} -> {out}"),
        None => assert_eq!(out, validate::DEFAULT_LANGUAGE),
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction]Z`, year 0001–9999, the same instant as the input, not after
/// now + 5 min.
fn assert_date_wire(input: &str, out: &str, now: Timestamp) {
    let b = out.as_bytes();
    let digits_at = |range: std::ops::Range<usize>| b[range].iter().all(u8::is_ascii_digit);
    assert!(b.len() >= 20 && out.ends_with('Z'), "{out}");
    assert!(
        digits_at(0..4) && digits_at(5..7) && digits_at(8..10),
        "{out}"
    );
    assert!(
        digits_at(11..13) && digits_at(14..16) && digits_at(17..19),
        "{out}"
    );
    assert_eq!(
        (b[4], b[7], b[10], b[13], b[16]),
        (b'-', b'-', b'T', b':', b':'),
        "{out}"
    );
    let rest = &out[19..out.len() - 1];
    assert!(
        rest.is_empty()
            || (rest.starts_with('.')
                && rest.len() > 1
                && rest[1..].bytes().all(|c| c.is_ascii_digit())),
        "{out}"
    );
    assert!(&out[..4] != "0000", "{out}");
    let sent = Timestamp::parse_rfc3339(out).unwrap();
    assert_eq!(
        sent,
        Timestamp::parse_rfc3339(input.trim()).unwrap(),
        "same instant"
    );
    assert!(
        sent <= now || sent.since(now) <= validate::ACCEPTANCE_DATE_SKEW,
        "{out} is in the future"
    );
}

fn check_start(input: &StartAttestation, at: &str) -> Result<(), TestCaseError> {
    let now = now(at);
    let Ok(out) = validate::start_attestation(input, now) else {
        return Ok(());
    };
    prop_assert_eq!(
        validate::start_attestation(&out, now).ok(),
        Some(out.clone())
    );
    assert_name_wire(&input.signer.first_name, &out.signer.first_name);
    assert_name_wire(&input.signer.last_name, &out.signer.last_name);
    assert_email_wire(&input.signer.email_address, &out.signer.email_address);
    assert_phone_wire(&input.signer.phone_number, &out.signer.phone_number);
    assert_language_wire(input.language.as_deref(), out.language.as_deref());
    assert_country_wire(&input.country, &out.country);
    assert_date_wire(&input.acceptance_date, &out.acceptance_date, now);
    Ok(())
}

fn check_csp(input: &AddCspService) -> Result<(), TestCaseError> {
    let now = now(NOW);
    let Ok(out) = validate::add_csp_service(input, now) else {
        return Ok(());
    };
    prop_assert_eq!(validate::add_csp_service(&out, now).ok(), Some(out.clone()));
    assert_email_wire(&input.contact_email, &out.contact_email);
    for (given, sent) in [
        (&input.contact_first_name, &out.contact_first_name),
        (&input.contact_last_name, &out.contact_last_name),
        (&input.city, &out.city),
    ] {
        if let Some(sent) = sent {
            assert_name_wire(given.as_deref().unwrap(), sent);
        }
    }
    if let Some(sent) = &out.contact_phone {
        assert_phone_wire(input.contact_phone.as_deref().unwrap(), sent);
    }
    prop_assert!(
        out.currency_code.len() == 3 && out.currency_code.bytes().all(|b| b.is_ascii_uppercase())
    );
    if let (Some(given), Some(sent)) = (&input.partner_attestation, &out.partner_attestation) {
        prop_assert!(sent.automatic_flow);
        assert_name_wire(&given.signer.first_name, &sent.signer.first_name);
        assert_phone_wire(&given.signer.phone_number, &sent.signer.phone_number);
        assert_language_wire(given.language.as_deref(), sent.language.as_deref());
        assert_country_wire(&given.country, &sent.country);
        assert_date_wire(&given.acceptance_date, &sent.acceptance_date, now);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn accepted_start_bodies_are_normalised_wire_forms((input, at) in start_body()) {
        check_start(&input, at)?;
    }

    #[test]
    fn accepted_csp_bodies_are_normalised_wire_forms(input in csp_body()) {
        check_csp(&input)?;
    }

    #[test]
    fn accepted_phones_keep_the_callers_digits(input in phone()) {
        if let Some(out) = validate::normalize_phone(&input) {
            assert_phone_wire(&input, &out);
            prop_assert_eq!(validate::normalize_phone(&out), Some(out.clone()));
        }
    }

    #[test]
    fn accepted_languages_only_change_case(input in language()) {
        if let Some(out) = input.as_deref().and_then(validate::normalize_language) {
            assert_language_wire(input.as_deref(), Some(&out));
            prop_assert_eq!(validate::normalize_language(&out), Some(out.clone()));
        }
    }
}

/// The generators produce accepted and refused values for every field, so the properties above
/// are exercised on accepted bodies rather than passing vacuously.
#[test]
fn generators_reach_both_verdicts() {
    let mut runner = TestRunner::deterministic();
    let strategy = start_body();
    let (mut accepted, mut refused) = (0, 0);
    let mut accepted_phone_with_trunk = 0;
    for _ in 0..3000 {
        let (input, at) = strategy.new_tree(&mut runner).unwrap().current();
        match validate::start_attestation(&input, now(at)) {
            Ok(_) => {
                accepted += 1;
                if input.signer.phone_number.contains("(0)") {
                    accepted_phone_with_trunk += 1;
                }
            }
            Err(_) => refused += 1,
        }
    }
    assert!(
        accepted >= 150,
        "only {accepted} of 3000 start bodies accepted"
    );
    assert!(
        refused >= 1500,
        "only {refused} of 3000 start bodies refused"
    );
    assert!(
        accepted_phone_with_trunk >= 1,
        "no accepted body had a (0) trunk prefix"
    );
}
