//! The token response (`TokenOp::parse`), structure-aware: `expires_in` is drawn as any f64 (NaN,
//! ±inf, negative, huge), as its text, as an integer at the edges or as junk, which byte mutation
//! alone never produces. The password never appears in an error.
#![no_main]

use arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use mca_attestation::ops::Operation;
use mca_attestation::token::TokenOp;
use mca_attestation::{Credentials, HttpResponse, Timestamp};
use mca_fuzz::gen;
use mca_fuzz::responses::{any_now, ResponseCase};
use serde_json::{json, Map, Number, Value};

const PASSWORD: &str = "fuzz-secret-password";

fn token_body(u: &mut Unstructured<'_>) -> Result<String> {
    if u.ratio(1, 8)? {
        return gen::body(u);
    }
    let mut map = Map::new();
    match u.int_in_range(0u8..=4)? {
        0 => {}
        1 => {
            map.insert("access_token".into(), json!(""));
        }
        2 => {
            map.insert("access_token".into(), json!(u.arbitrary::<String>()?));
        }
        3 => {
            map.insert("access_token".into(), json!(PASSWORD));
        }
        _ => {
            map.insert("access_token".into(), json!("eyJhbGciOi.x.y"));
        }
    }
    let expires_in = match u.int_in_range(0u8..=7)? {
        0 => None,
        1 => Some(Value::Null),
        2 => Some(Number::from_f64(u.arbitrary()?).map_or(Value::Null, Value::Number)),
        3 | 4 => Some(Value::String(gen::float_text(u)?)),
        5 => Some(json!(gen::interesting_i64(u)?)),
        6 => Some(json!(u.arbitrary::<u64>()?)),
        _ => Some(gen::json_value(u, 2)?),
    };
    if let Some(v) = expires_in {
        map.insert("expires_in".into(), v);
    }
    if u.arbitrary()? {
        map.insert("token_type".into(), gen::json_value(u, 2)?);
    }
    if u.arbitrary()? {
        map.insert("scope".into(), gen::json_value(u, 2)?);
    }
    let mut text = Value::Object(map).to_string();
    if u.ratio(1, 8)? {
        // A bare NaN/Infinity literal, as some servers write it (not JSON).
        text = text.replace(
            "null",
            gen::pick(u, &["NaN", "Infinity", "-Infinity", "1e999"])?,
        );
    }
    Ok(text)
}

fn check(resp: &HttpResponse, now: Timestamp) {
    let op = TokenOp {
        credentials: Credentials {
            username: "fuzz-user".into(),
            password: PASSWORD.into(),
            ..Credentials::default()
        },
    };
    match op.parse(resp, now) {
        Ok(token) => {
            assert!(
                token.expires_at >= token.issued_at,
                "a token expires after it is issued"
            );
            let _ = token.needs_refresh(now);
            let _ = token.needs_refresh(token.expires_at);
            let _ = format!("{token:?}");
        }
        Err(e) => {
            let text = format!(
                "{e} {e:?} {}",
                e.problem().map(|p| p.summary()).unwrap_or_default()
            );
            assert!(
                !text.contains(PASSWORD),
                "the password leaked into an error: {text}"
            );
        }
    }
}

fuzz_target!(|data: &[u8]| {
    if let Some(case) = ResponseCase::from_json(data) {
        check(&case.response, case.now);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        check(
            &HttpResponse::new(200, Vec::new(), text),
            mca_fuzz::flows::now(),
        );
    }
    let mut u = Unstructured::new(data);
    let built = (|| -> Result<(HttpResponse, Timestamp)> {
        let status = if u.ratio(3, 4)? {
            200
        } else {
            gen::status(&mut u)?
        };
        let headers = gen::headers(&mut u)?;
        let now = any_now(&mut u)?;
        Ok((HttpResponse::new(status, headers, token_body(&mut u)?), now))
    })();
    if let Ok((resp, now)) = built {
        check(&resp, now);
    }
});
