//! Structure-aware generators: values that byte-level mutation rarely builds (NaN and infinite
//! numbers, dates at the year boundaries with offsets that push them out of range, huge
//! `Retry-After` values, well-formed signers, phones and language tags).

use arbitrary::{Result, Unstructured};
use mca_attestation::{AddCspService, PartnerAttestation, Signer, StartAttestation};
use serde_json::{Map, Number, Value};

/// Every JSON member name the core reads, in any response or problem body.
pub const KEYS: &[&str] = &[
    "attestationId",
    "agreementLink",
    "expiresAt",
    "status",
    "signer",
    "firstName",
    "lastName",
    "emailAddress",
    "phoneNumber",
    "mcaInfo",
    "language",
    "country",
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
    "scope",
    "error",
    "error_description",
    "type",
    "title",
    "detail",
    "instance",
    "code",
    "errors",
    "traceId",
    "pointer",
    "field",
    "message",
    "errorMessage",
    "errorCode",
    "errorName",
];

/// Strings that mean something to the core, or to a number parser.
pub const WORDS: &[&str] = &[
    "NaN",
    "nan",
    "-NaN",
    "inf",
    "-inf",
    "infinity",
    "Infinity",
    "1e309",
    "-1e309",
    "1e9",
    "1.0e10",
    "0",
    "-0",
    "-1",
    "3600",
    "0.5",
    "18446744073709551615",
    "9223372036854775807",
    "-9223372036854775808",
    "true",
    "TRUE",
    "false",
    "null",
    "Bearer",
    "Unspecified",
    "PendingAgreementAcceptance",
    "PendingFinalization",
    "CustomerDirectAcceptance",
    "PartnerAttestation",
    "about:blank",
    "",
    " ",
    "<html><title>x</title><body>y</body></html>",
];

/// A pick from `items` (the first when `items` is empty).
pub fn pick<'a>(u: &mut Unstructured<'_>, items: &[&'a str]) -> Result<&'a str> {
    Ok(u.choose(items).copied().unwrap_or(""))
}

/// A year that is often at or next to the ends of 0000–9999.
pub fn year(u: &mut Unstructured<'_>) -> Result<i64> {
    Ok(match u.int_in_range(0u8..=7)? {
        0 => 0,
        1 => 9999,
        2 => 1,
        3 => 9998,
        4 => 1970,
        5 => 2026,
        6 => u.int_in_range(0..=99_999)?,
        _ => u.int_in_range(0..=9999)?,
    })
}

/// An RFC 3339-shaped date text, mostly well formed, often at the boundaries of the year range
/// with an offset that moves its UTC form out of range (`9999-12-31T23:59:59-01:00`).
pub fn date_text(u: &mut Unstructured<'_>) -> Result<String> {
    let year = year(u)?;
    let edge = u.arbitrary::<bool>()?;
    let (month, day, hour, minute, second) = if edge && year >= 5000 {
        (12, 31, 23, 59, 59)
    } else if edge {
        (1, 1, 0, 0, 0)
    } else {
        (
            u.int_in_range(0..=13)?,
            u.int_in_range(0..=32)?,
            u.int_in_range(0..=24)?,
            u.int_in_range(0..=60)?,
            u.int_in_range(0..=60)?,
        )
    };
    let sep = pick(u, &["T", "t", " ", "T", "T"])?;
    let fraction = match u.int_in_range(0u8..=3)? {
        0 => String::new(),
        1 => ".1234567".to_string(),
        2 => format!(".{}", "9".repeat(u.int_in_range(1..=12)?)),
        _ => format!(".{:03}", u.int_in_range(0..=999)?),
    };
    let offset = match u.int_in_range(0u8..=5)? {
        0 => "Z".to_string(),
        1 => "z".to_string(),
        2 => String::new(),
        3 => "-01:00".to_string(),
        4 => "+01:00".to_string(),
        _ => format!(
            "{}{:02}:{:02}",
            pick(u, &["+", "-"])?,
            u.int_in_range(0..=25)?,
            u.int_in_range(0..=60)?
        ),
    };
    Ok(format!(
        "{year:04}-{month:02}-{day:02}{sep}{hour:02}:{minute:02}:{second:02}{fraction}{offset}"
    ))
}

/// A float text: the `Display` of any f64 (NaN, inf, -inf, 1e308, -0, …) or a word.
pub fn float_text(u: &mut Unstructured<'_>) -> Result<String> {
    if u.arbitrary::<bool>()? {
        Ok(format!("{}", u.arbitrary::<f64>()?))
    } else {
        Ok(pick(u, WORDS)?.to_string())
    }
}

/// An integer that is often at the edge of its type.
pub fn interesting_i64(u: &mut Unstructured<'_>) -> Result<i64> {
    Ok(match u.int_in_range(0u8..=6)? {
        0 => u.int_in_range(-1..=4)?,
        1 => i64::MAX,
        2 => i64::MIN,
        3 => i64::from(u32::MAX),
        4 => 3600,
        _ => u.arbitrary()?,
    })
}

/// Any string the core might meet: a date, a float text, a word, a key or random text.
pub fn any_text(u: &mut Unstructured<'_>) -> Result<String> {
    Ok(match u.int_in_range(0u8..=4)? {
        0 => date_text(u)?,
        1 => float_text(u)?,
        2 => pick(u, WORDS)?.to_string(),
        3 => pick(u, KEYS)?.to_string(),
        _ => u.arbitrary::<String>()?,
    })
}

/// A JSON value of bounded depth whose objects use the core's member names.
pub fn json_value(u: &mut Unstructured<'_>, depth: u8) -> Result<Value> {
    let kinds = if depth >= 3 { 5 } else { 7 };
    Ok(match u.int_in_range(0u8..=kinds)? {
        0 => Value::Null,
        1 => Value::Bool(u.arbitrary()?),
        2 => Value::from(interesting_i64(u)?),
        3 => Number::from_f64(u.arbitrary()?).map_or(Value::Null, Value::Number),
        4 | 5 => Value::String(any_text(u)?),
        6 => {
            let n = u.int_in_range(0..=4)?;
            let mut items = Vec::with_capacity(n);
            for _ in 0..n {
                items.push(json_value(u, depth + 1)?);
            }
            Value::Array(items)
        }
        _ => Value::Object(json_object(u, depth + 1)?),
    })
}

/// A JSON object with members named like the API's.
pub fn json_object(u: &mut Unstructured<'_>, depth: u8) -> Result<Map<String, Value>> {
    let n = u.int_in_range(0..=8)?;
    let mut map = Map::new();
    for _ in 0..n {
        let key = if u.ratio(7, 8)? {
            pick(u, KEYS)?.to_string()
        } else {
            u.arbitrary::<String>()?
        };
        map.insert(key, json_value(u, depth)?);
    }
    Ok(map)
}

/// A response body: JSON built from the API's member names, a raw text, or empty.
pub fn body(u: &mut Unstructured<'_>) -> Result<String> {
    Ok(match u.int_in_range(0u8..=5)? {
        0 => String::new(),
        1 => u.arbitrary::<String>()?,
        2 => Value::Array(vec![Value::Object(json_object(u, 1)?)]).to_string(),
        _ => Value::Object(json_object(u, 0)?).to_string(),
    })
}

/// An HTTP status: mostly the ones the core treats specially.
pub fn status(u: &mut Unstructured<'_>) -> Result<u16> {
    const KNOWN: &[u16] = &[
        200, 201, 202, 204, 301, 302, 303, 307, 308, 400, 401, 403, 404, 408, 409, 410, 422, 429,
        500, 502, 503, 504,
    ];
    if u.ratio(7, 8)? {
        Ok(u.choose(KNOWN).copied().unwrap_or(200))
    } else {
        u.arbitrary()
    }
}

/// An RFC 2822 / IMF-fixdate text with arbitrary parts.
pub fn http_date(u: &mut Unstructured<'_>) -> Result<String> {
    let wkday = pick(u, &["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"])?;
    let month = pick(
        u,
        &[
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ],
    )?;
    let zone = pick(
        u,
        &["GMT", "UT", "+0000", "-2359", "+2359", "-0100", "EST", "Z"],
    )?;
    Ok(format!(
        "{wkday}, {:02} {month} {:04} {:02}:{:02}:{:02} {zone}",
        u.int_in_range(0..=32)?,
        year(u)?,
        u.int_in_range(0..=24)?,
        u.int_in_range(0..=60)?,
        u.int_in_range(0..=61)?,
    ))
}

/// A `Retry-After` value: delta seconds (small, at the cap, huge), an HTTP date, or junk.
pub fn retry_after_text(u: &mut Unstructured<'_>) -> Result<String> {
    Ok(match u.int_in_range(0u8..=6)? {
        0 => u.int_in_range(0u64..=60)?.to_string(),
        1 => pick(
            u,
            &[
                "4000000000",
                "18446744073709551615",
                "18446744073709551616",
                "-1",
                "30",
                "31",
                " 7 ",
                "1.5",
                "NaN",
            ],
        )?
        .to_string(),
        2 => u.arbitrary::<u64>()?.to_string(),
        3 | 4 => http_date(u)?,
        5 => float_text(u)?,
        _ => u.arbitrary::<String>()?,
    })
}

/// Response headers: mostly `Retry-After`, sometimes others or duplicates.
pub fn headers(u: &mut Unstructured<'_>) -> Result<Vec<mca_attestation::Header>> {
    let n = u.int_in_range(0..=3)?;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let name = pick(
            u,
            &[
                "Retry-After",
                "retry-after",
                "Content-Type",
                "Location",
                "WWW-Authenticate",
            ],
        )?;
        let value = if name.eq_ignore_ascii_case("retry-after") {
            retry_after_text(u)?
        } else {
            any_text(u)?
        };
        out.push(mca_attestation::Header::new(name, value));
    }
    Ok(out)
}

fn mostly<'a>(u: &mut Unstructured<'_>, good: &[&'a str]) -> Result<String> {
    if u.ratio(3, 4)? {
        Ok(pick(u, good)?.to_string())
    } else {
        u.arbitrary()
    }
}

/// A signer whose parts are mostly valid (so that every check is reached) and sometimes not.
pub fn signer(u: &mut Unstructured<'_>) -> Result<Signer> {
    Ok(Signer {
        first_name: mostly(u, &["Ada", " Ada ", "", "  ", "A\u{7}da", "Åsa"])?,
        last_name: mostly(u, &["Lovelace", "O'Neil", "", "\t"])?,
        email_address: mostly(
            u,
            &[
                "ada@example.com",
                " ada@example.com ",
                "ada@example",
                "\"a b\"@example.com",
                "ada@[127.0.0.1]",
                "Ada <ada@example.com>",
                "a@b.co",
                "",
            ],
        )?,
        phone_number: mostly(
            u,
            &[
                "+46701234567",
                "+46 70 123 45 67",
                "+46 (70) 123-45.67",
                "0701234567",
                "+123456",
                "+1234567",
                "+123456789012345",
                "+1234567890123456",
                "+",
                "",
                "+٤٦٧٠١٢٣٤٥٦٧",
            ],
        )?,
    })
}

/// A language tag, mostly a real one in any case.
pub fn language(u: &mut Unstructured<'_>) -> Result<Option<String>> {
    if u.ratio(1, 6)? {
        return Ok(None);
    }
    Ok(Some(mostly(
        u,
        &[
            "en-US",
            "sv-se",
            "EN-us",
            "zh-hant-tw",
            "de-ch-x-phonebk",
            "en_US",
            "english",
            "x-private",
            "i-klingon",
            "sgn-BE-FR",
            "en-a-bbb-x-a-ccc",
            "",
            " ",
        ],
    )?))
}

/// An acceptance date: a boundary date text, or a well-formed recent one.
pub fn acceptance_date(u: &mut Unstructured<'_>) -> Result<String> {
    if u.ratio(1, 2)? {
        date_text(u)
    } else {
        mostly(
            u,
            &[
                "2026-11-25T11:00:00Z",
                "2026-11-25T11:00:00+01:00",
                "0000-01-01T00:00:00+01:00",
                "9999-12-31T23:59:59-01:00",
                "2026-11-25T12:04:59Z",
                "2026-11-25T12:05:01Z",
                "2026-11-25T11:00:00",
            ],
        )
    }
}

/// A *Start partner attestation* body.
pub fn start_input(u: &mut Unstructured<'_>) -> Result<StartAttestation> {
    Ok(StartAttestation {
        signer: signer(u)?,
        language: language(u)?,
        country: mostly(u, &["SE", "se", "XK", "UK", "XX", "", "s"])?,
        acceptance_date: acceptance_date(u)?,
    })
}

fn opt_text(u: &mut Unstructured<'_>) -> Result<Option<String>> {
    Ok(match u.int_in_range(0u8..=3)? {
        0 => None,
        1 => Some(String::new()),
        2 => Some("Stockholm".into()),
        _ => Some(u.arbitrary()?),
    })
}

/// An *Add CSP service* body, with or without a partner attestation.
pub fn csp_input(u: &mut Unstructured<'_>) -> Result<AddCspService> {
    let partner_attestation = if u.arbitrary()? {
        Some(PartnerAttestation {
            automatic_flow: u.ratio(7, 8)?,
            signer: signer(u)?,
            language: language(u)?,
            country: mostly(u, &["SE", "se", "XK", "UK", ""])?,
            acceptance_date: acceptance_date(u)?,
        })
    } else {
        None
    };
    Ok(AddCspService {
        id: opt_text(u)?,
        currency_code: mostly(u, &["EUR", "eur", "SEK", "XTS", "XXX", "", "EU"])?,
        organization_number: opt_text(u)?,
        contact_email: mostly(u, &["ops@example.com", "", "ops@", "a@b.c"])?,
        contact_first_name: opt_text(u)?,
        contact_last_name: opt_text(u)?,
        contact_phone: if u.arbitrary()? {
            Some(mostly(u, &["+46701234567", "0701234567", " ", ""])?)
        } else {
            None
        },
        city: opt_text(u)?,
        address: opt_text(u)?,
        postal_code: opt_text(u)?,
        domain_prefix: mostly(
            u,
            &[
                "contoso",
                "Contoso1",
                "",
                "a-b",
                "abcdefghijklmnopqrstuvwxyz01",
            ],
        )?,
        partner_attestation,
    })
}
