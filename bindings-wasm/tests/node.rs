//! The driver (`Core` + `JsPlatform`) in Node, through wasm-bindgen-test: scripted `fetch`, recorded
//! `sleep`, fixed `now`, all as JavaScript functions like the package passes them.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use js_sys::{Array, Function, Promise, Reflect};
use mca_attestation_wasm::Core;
use tsify::Ts;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

const ORG: &str = "22222222-2222-4222-8222-222222222222";

/// A fetch answering `[status, body]` pairs in order, recording `[method, url, headers]` into `log`.
fn scripted_fetch(answers: &str, log: &Array) -> Function {
    let make = Function::new_with_args(
        "answers, log",
        "let i = 0; return async (url, init) => {
            log.push([init.method, url, JSON.stringify(init.headers), init.body ?? null]);
            const a = answers[i++];
            if (!a) throw new TypeError('fetch failed: script exhausted');
            if (a[0] === 0) throw new TypeError('fetch failed', { cause: new Error('connection reset') });
            return new Response(a[1] === null ? null : a[1], { status: a[0], headers: a[2] ?? {} });
        };",
    );
    let answers = js_sys::JSON::parse(answers).unwrap();
    make.call2(&JsValue::UNDEFINED, &answers, log)
        .unwrap()
        .dyn_into()
        .unwrap()
}

/// A sleep that records the milliseconds and returns at once.
fn recording_sleep(log: &Array) -> Function {
    let make = Function::new_with_args("log", "return async (ms) => { log.push(ms); };");
    make.call1(&JsValue::UNDEFINED, log)
        .unwrap()
        .dyn_into()
        .unwrap()
}

fn fixed_now() -> Function {
    Function::new_no_args("return Date.parse('2026-11-25T12:00:00Z');")
}

/// A JavaScript object from JSON text, as a typed tsify argument.
fn js<T: tsify::Tsify>(json: &str) -> Ts<T> {
    Ts::new_unchecked(js_sys::JSON::parse(json).unwrap())
}

/// JSON text of a JavaScript value (what the tests compare).
fn text(value: &JsValue) -> String {
    if value.is_undefined() {
        return "undefined".into();
    }
    js_sys::JSON::stringify(value).unwrap().as_string().unwrap()
}

fn core(options: &str, fetch: Function, sleeps: &Array) -> Core {
    Core::new(js(options), fetch, recording_sleep(sleeps), fixed_now())
        .unwrap_or_else(|e| panic!("{e:?}"))
}

const TOKEN: &str = r#"{"baseUrl":"https://api.example.test","resellerId":"11111111-1111-4111-8111-111111111111","token":"tok"}"#;

async fn settle(p: Promise) -> Result<String, String> {
    JsFuture::from(p)
        .await
        .map(|v| text(&v))
        .map_err(|e| text(&e))
}

#[wasm_bindgen_test]
async fn get_attestation_404_is_null() {
    let (log, sleeps) = (Array::new(), Array::new());
    let c = core(TOKEN, scripted_fetch(r#"[[404, ""]]"#, &log), &sleeps);
    let out = settle(c.get_attestation(ORG.into(), JsValue::UNDEFINED)).await;
    assert_eq!(out.unwrap(), "null");
    assert_eq!(log.length(), 1);
    let headers = Array::from(&log.get(0)).get(2).as_string().unwrap();
    assert!(
        headers.contains(r#""Authorization":"Bearer tok""#),
        "{headers}"
    );
}

#[wasm_bindgen_test]
async fn retry_sleeps_through_the_hook() {
    let (log, sleeps) = (Array::new(), Array::new());
    let att = r#"{\"attestationId\":\"a-1\",\"status\":2,\"agreementLink\":\"https://x.test/a\"}"#;
    let c = core(
        TOKEN,
        scripted_fetch(&format!(r#"[[503, ""], [0, null], [200, "{att}"]]"#), &log),
        &sleeps,
    );
    let out = settle(c.get_attestation(ORG.into(), JsValue::UNDEFINED))
        .await
        .unwrap();
    assert!(out.contains(r#""status":"pending_finalization""#), "{out}");
    assert_eq!(log.length(), 3, "503 and a transport error are retried");
    assert_eq!(sleeps.length(), 2);
    assert_eq!(sleeps.get(0).as_f64(), Some(500.0));
}

#[wasm_bindgen_test]
async fn password_grant_then_bearer() {
    let (log, sleeps) = (Array::new(), Array::new());
    let options = r#"{"baseUrl":"https://api.example.test","resellerId":"11111111-1111-4111-8111-111111111111","credentials":{"username":"u","password":"p"}}"#;
    let c = core(
        options,
        scripted_fetch(
            r#"[[200, "{\"access_token\":\"fresh\",\"expires_in\":3600}"], [202, null], [202, null]]"#,
            &log,
        ),
        &sleeps,
    );
    for _ in 0..2 {
        let out = settle(c.refresh_acceptance(ORG.into(), JsValue::UNDEFINED)).await;
        assert_eq!(out.unwrap(), r#"{"type":"started"}"#);
    }
    assert_eq!(
        log.length(),
        3,
        "one token request, cached for the second call"
    );
    let first = Array::from(&log.get(0));
    assert!(first
        .get(1)
        .as_string()
        .unwrap()
        .ends_with("/connect/token"));
    assert!(first
        .get(3)
        .as_string()
        .unwrap()
        .contains("grant_type=password"));
    let headers = Array::from(&log.get(2)).get(2).as_string().unwrap();
    assert!(headers.contains("Bearer fresh"), "{headers}");
}

#[wasm_bindgen_test]
async fn flow_events_reach_on_step() {
    let (log, sleeps) = (Array::new(), Array::new());
    let c = core(
        TOKEN,
        scripted_fetch(
            r#"[[200, "{\"accepted\":true,\"acceptedVia\":[\"CustomerDirectAcceptance\"]}"]]"#,
            &log,
        ),
        &sleeps,
    );
    let events = Array::new();
    let on_step: Function = Function::new_with_args("events", "return (e) => events.push(e);")
        .call1(&JsValue::UNDEFINED, &events)
        .unwrap()
        .dyn_into()
        .unwrap();
    let input = r#"{"signer":{"firstName":"A","lastName":"B","emailAddress":"a@b.example","phoneNumber":"+46701234567"},"country":"SE","acceptanceDate":"2026-11-25T11:00:00Z"}"#;
    let out = settle(c.ensure_accepted(
        ORG.into(),
        js(input),
        Some(js("{}")),
        JsValue::UNDEFINED,
        on_step.into(),
    ))
    .await
    .unwrap();
    assert!(out.contains(r#""status":"already_accepted""#), "{out}");
    assert_eq!(events.length(), 1);
    assert_eq!(
        text(&events.get(0)),
        r#"{"type":"acceptance_checked","accepted":true}"#
    );
}

#[wasm_bindgen_test]
async fn errors_are_error_views_and_nothing_is_sent_for_invalid_input() {
    let (log, sleeps) = (Array::new(), Array::new());
    let c = core(TOKEN, scripted_fetch("[]", &log), &sleeps);
    let err = settle(c.get_acceptance("nope".into(), JsValue::UNDEFINED))
        .await
        .unwrap_err();
    assert!(err.starts_with(r#"{"kind":"invalid""#), "{err}");
    assert!(err.contains(r#""pointer":"/organizationId""#), "{err}");
    let err = settle(c.start_attestation(ORG.into(), js("{}"), JsValue::UNDEFINED))
        .await
        .unwrap_err();
    assert!(err.contains(r#""kind":"invalid""#), "{err}");
    assert_eq!(log.length(), 0);
}

#[wasm_bindgen_test]
async fn aborted_signal_stops_before_sending() {
    let (log, sleeps) = (Array::new(), Array::new());
    let c = core(TOKEN, scripted_fetch(r#"[[200, "{}"]]"#, &log), &sleeps);
    let signal = Function::new_no_args("return AbortSignal.abort();")
        .call0(&JsValue::UNDEFINED)
        .unwrap();
    assert_eq!(
        Reflect::get(&signal, &"aborted".into()).unwrap(),
        JsValue::TRUE
    );
    let err = settle(c.finalize_attestation(ORG.into(), signal))
        .await
        .unwrap_err();
    assert!(err.contains(r#""kind":"cancelled""#), "{err}");
    assert_eq!(log.length(), 0);
}

#[wasm_bindgen_test]
fn bad_options_are_config_errors() {
    let sleeps = Array::new();
    let err = Core::new(
        js(r#"{"baseUrl":"http://example.com","resellerId":"11111111-1111-4111-8111-111111111111"}"#),
        scripted_fetch("[]", &Array::new()),
        recording_sleep(&sleeps),
        fixed_now(),
    )
    .err()
    .unwrap();
    assert!(text(&err).contains(r#""kind":"config""#));
}
