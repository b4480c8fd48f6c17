//! Runs every case of tests/vectors/*.json through the component in wasmtime, with a scripted
//! host (recorded requests, scripted responses, a fake clock that advances only when it sleeps).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::cell::RefCell;
use std::collections::VecDeque;
use std::path::PathBuf;
use std::rc::Rc;

use mca_component_host::{component_path, json, wit, Host, Instance, Runtime};
use serde_json::{json, Value};

fn load(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/vectors")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn runtime() -> Runtime {
    Runtime::load_cached(&component_path()).expect("component (run bindings-component/test.sh)")
}

fn ms(rfc3339: &str) -> i64 {
    mca_attestation::Timestamp::parse(rfc3339)
        .unwrap()
        .unix_millis()
}

/// What the scripted host saw.
#[derive(Default)]
struct Log {
    sent: Vec<wit::HttpRequest>,
    events: Vec<String>,
    mismatches: Vec<String>,
    clock: i64,
}

/// Answers requests from a queue (`always` for every request when set) or a flows.json script.
struct Scripted {
    log: Rc<RefCell<Log>>,
    answers: VecDeque<Value>,
    always: Option<Value>,
    script: Option<Rc<RefCell<VecDeque<Value>>>>,
    /// responses.json `transport`: every request fails, `timeout` as the core's timed-out
    /// transport error (the request's `timeout-ms`), `cancel` as `send-error::cancelled`.
    fail: Option<String>,
}

fn response(v: &Value) -> wit::HttpResponse {
    wit::HttpResponse {
        status: v["status"].as_u64().unwrap_or(200) as u16,
        headers: v["headers"]
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| wit::Header {
                        name: k.clone(),
                        value: v.as_str().unwrap_or_default().into(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        body: v["body"].as_str().unwrap_or_default().into(),
    }
}

impl Host for Scripted {
    fn send(&mut self, r: wit::HttpRequest) -> Result<wit::HttpResponse, wit::SendError> {
        let got = format!("{} {}", r.method, r.url);
        let timeout_ms = r.timeout_ms;
        self.log.borrow_mut().sent.push(r);
        match self.fail.as_deref() {
            Some("timeout") => {
                return Err(wit::SendError::Transport(format!(
                    "request timed out after {timeout_ms} ms"
                )))
            }
            Some("cancel") => return Err(wit::SendError::Cancelled("the caller cancelled".into())),
            Some(other) => {
                return Err(wit::SendError::Transport(format!(
                    "unknown transport {other}"
                )))
            }
            None => {}
        }
        if let Some(script) = &self.script {
            let Some(entry) = script.borrow_mut().pop_front() else {
                self.log
                    .borrow_mut()
                    .mismatches
                    .push(format!("unexpected request {got}"));
                return Err(wit::SendError::Cancelled("script exhausted".into()));
            };
            let want = entry["request"].as_str().unwrap_or_default();
            let (method, suffix) = want.split_once(' ').unwrap_or(("", ""));
            if !got.starts_with(&format!("{method} ")) || !got.ends_with(suffix) {
                self.log
                    .borrow_mut()
                    .mismatches
                    .push(format!("expected {entry}, got {got}"));
                return Err(wit::SendError::Cancelled("script mismatch".into()));
            }
            if let Some(msg) = entry.get("transportError") {
                return Err(wit::SendError::Transport(
                    msg.as_str().unwrap_or_default().into(),
                ));
            }
            return Ok(response(&entry["respond"]));
        }
        if let Some(a) = &self.always {
            return Ok(response(a));
        }
        match self.answers.pop_front() {
            Some(a) => Ok(response(&a)),
            None => Err(wit::SendError::Transport("no scripted answer".into())),
        }
    }

    fn sleep(&mut self, ms: u64) {
        if let Some(script) = &self.script {
            let entry = script.borrow_mut().pop_front();
            if entry.as_ref().and_then(|e| e["sleep"].as_u64()) != Some(ms) {
                self.log
                    .borrow_mut()
                    .mismatches
                    .push(format!("expected {entry:?}, got sleep {ms} ms"));
            }
        }
        self.log.borrow_mut().clock += ms as i64;
    }

    fn now(&mut self) -> i64 {
        self.log.borrow().clock
    }

    fn event(&mut self, e: wit::FlowEvent) {
        self.log
            .borrow_mut()
            .events
            .push(json::event_type(&e).into());
    }
}

fn scripted(now: i64) -> (Scripted, Rc<RefCell<Log>>) {
    let log = Rc::new(RefCell::new(Log {
        clock: now,
        ..Log::default()
    }));
    let host = Scripted {
        log: log.clone(),
        answers: VecDeque::new(),
        always: None,
        script: None,
        fail: None,
    };
    (host, log)
}

/// Checks an error view against an error expectation, field by field as the core's runner does
/// (tests/vectors/README.md): `status`, `code`, `title`, `detail`, `retryAfterMs` and `traceId`
/// always (absent = null); `message` and `bodyExcerpt` when given; `violations` whole, else
/// `pointers` in order, else no violations.
fn check_error(e: &wit::ErrorView, want: &Value) -> Result<(), String> {
    let got = json::error(e);
    let mut problems = Vec::new();
    if got["kind"] != want["kind"] {
        problems.push(format!(
            "kind {} != {} ({})",
            got["kind"], want["kind"], e.message
        ));
    }
    for key in [
        "status",
        "code",
        "title",
        "detail",
        "retryAfterMs",
        "traceId",
    ] {
        let w = want.get(key).unwrap_or(&Value::Null);
        if &got[key] != w {
            problems.push(format!("{key} {} != {w}", got[key]));
        }
    }
    for key in ["message", "bodyExcerpt"] {
        if let Some(w) = want.get(key) {
            if &got[key] != w {
                problems.push(format!("{key} {} != {w}", got[key]));
            }
        }
    }
    let violations = got["violations"].clone();
    match (want.get("violations"), want.get("pointers")) {
        (Some(w), _) if &violations != w => {
            problems.push(format!("violations {violations} != {w}"))
        }
        (Some(_), _) => {}
        (None, Some(w)) => {
            let pointers: Vec<Value> = e.violations.iter().map(|v| json!(v.pointer)).collect();
            if &Value::Array(pointers.clone()) != w {
                problems.push(format!("pointers {pointers:?} != {w}"));
            }
        }
        (None, None) if !e.violations.is_empty() => {
            problems.push(format!("violations {violations} != []"))
        }
        (None, None) => {}
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// Subset match: every member of `want` in `got` with a matching value; arrays match whole.
fn subset(got: &Value, want: &Value, path: &str, out: &mut Vec<String>) {
    match (got, want) {
        (Value::Object(g), Value::Object(w)) => {
            for (k, wv) in w {
                match g.get(k) {
                    Some(gv) => subset(gv, wv, &format!("{path}/{k}"), out),
                    None if wv.is_null() => {}
                    None => out.push(format!("{path}/{k} missing (want {wv})")),
                }
            }
        }
        (Value::Array(g), Value::Array(w)) if g.len() == w.len() => {
            for (i, (gv, wv)) in g.iter().zip(w).enumerate() {
                subset(gv, wv, &format!("{path}/{i}"), out);
            }
        }
        _ if got == want => {}
        _ => out.push(format!("{path}: got {got}, want {want}")),
    }
}

fn header_matches(got: &str, want: &str) -> bool {
    let want = want.replace("{version}", mca_attestation::VERSION);
    match want.split_once("{binding}") {
        None => got == want,
        Some((pre, post)) => {
            got.len() > pre.len() + post.len()
                && got.starts_with(pre)
                && got.ends_with(post)
                && got[pre.len()..got.len() - post.len()]
                    .bytes()
                    .all(|b| b.is_ascii_lowercase())
        }
    }
}

fn check_result(result: Result<Value, wit::ErrorView>, expect: &Value, problems: &mut Vec<String>) {
    match (result, expect.get("ok")) {
        (Ok(got), Some(want)) => {
            subset(&got, want, "", problems);
            if want.is_null() && !got.is_null() {
                problems.push(format!("expected null, got {got}"));
            }
        }
        (Ok(got), None) => problems.push(format!("expected an error, got {got}")),
        (Err(e), Some(_)) => problems.push(format!("expected ok, got {:?}: {}", e.kind, e.message)),
        (Err(e), None) => {
            if let Err(msg) = check_error(&e, &expect["error"]) {
                problems.push(msg);
            }
        }
    }
}

fn report(what: &str, total: usize, failures: Vec<String>) {
    assert!(
        failures.is_empty(),
        "{} of {total} {what} vectors failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!("{total} {what} vectors passed through the component");
}

/// validation.json `client_options` input as the WIT record, member for member (a token and
/// credentials together too: the core decides).
fn client_options(input: &Value) -> wit::ClientOptions {
    let auth = json!({"token": input.get("token"), "credentials": input.get("credentials")});
    json::client_options(Some(input), Some(&auth))
}

#[test]
fn validation_vectors() {
    let rt = runtime();
    let file = load("validation.json");
    let cases = file["cases"].as_array().unwrap();
    let mut failures = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        // A case's `now` is the caller's text: the validators get it as is (text that is not a
        // date-time is their `config` error); the host clock starts at it when it parses.
        let now = case["now"].as_str().or(file["now"].as_str()).unwrap();
        let clock = mca_attestation::Timestamp::parse(now)
            .or_else(|_| mca_attestation::Timestamp::parse(file["now"].as_str().unwrap()))
            .unwrap()
            .unix_millis();
        let (mut host, log) = scripted(clock);
        // A valid organisation id reaches the network: it finds no attestation.
        host.always = Some(json!({"status": 404}));
        let mut inst = rt.instantiate(host).unwrap();
        let input = &case["input"];
        let result: Result<Value, wit::ErrorView> = match case["kind"].as_str().unwrap() {
            "start_attestation" => {
                let (api, store) = inst.api();
                api.call_validate_start_attestation(store, &json::start_in(input), Some(now))
                    .unwrap()
                    .map(|v| json::start_out(&v))
            }
            "add_csp_service" => {
                let (api, store) = inst.api();
                api.call_validate_add_csp_service(store, &json::csp_in(input), Some(now))
                    .unwrap()
                    .map(|v| json::csp_out(&v))
            }
            "organization_id" => {
                // An id is checked when a call uses it: a valid one is sent, normalised, in the URL.
                let client = inst
                    .open(&json::client_options(None, None))
                    .unwrap()
                    .unwrap();
                let id = input.as_str().unwrap();
                json::call(&mut inst, client, "get_attestation", id, &Value::Null)
                    .unwrap()
                    .map(|_| {
                        let url = log
                            .borrow()
                            .sent
                            .first()
                            .map(|r| r.url.clone())
                            .unwrap_or_default();
                        let seg = url.split("/organizations/").nth(1).unwrap_or_default();
                        json!(seg.split('/').next().unwrap_or_default())
                    })
            }
            "base_url" => {
                let mut o = json::client_options(None, None);
                o.base_url = input.as_str().unwrap().into();
                match inst.open(&o).unwrap() {
                    Ok(client) => {
                        let (api, store) = inst.api();
                        Ok(json!(api
                            .client()
                            .call_base_url(store, Instance::handle(client))
                            .unwrap()))
                    }
                    Err(e) => Err(e),
                }
            }
            "client_options" => match inst.open(&client_options(input)).unwrap() {
                Ok(client) => {
                    let (api, store) = inst.api();
                    Ok(json!(api
                        .client()
                        .call_base_url(store, Instance::handle(client))
                        .unwrap()))
                }
                Err(e) => Err(e),
            },
            other => panic!("{name}: unknown kind {other}"),
        };
        let mut problems = Vec::new();
        match (case["valid"].as_bool().unwrap(), result) {
            (true, Ok(got)) if got == case["normalized"] => {}
            (true, Ok(got)) => problems.push(format!("normalized {got} != {}", case["normalized"])),
            (true, Err(e)) => problems.push(format!("expected valid, got {}", e.message)),
            (false, Ok(got)) => problems.push(format!("expected invalid, got {got}")),
            (false, Err(e)) => {
                if let Err(m) = check_error(&e, &case["error"]) {
                    problems.push(m);
                }
                if case["kind"] == "organization_id" && !log.borrow().sent.is_empty() {
                    problems.push("a request was sent".into());
                }
            }
        }
        if !problems.is_empty() {
            failures.push(format!("{name}: {}", problems.join("; ")));
        }
    }
    report("validation", cases.len(), failures);
}

#[test]
fn request_vectors() {
    let rt = runtime();
    let file = load("requests.json");
    let now = ms(file["now"].as_str().unwrap());
    let cases = file["cases"].as_array().unwrap();
    let mut failures = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let (mut host, log) = scripted(now);
        host.answers = case["respond"]
            .as_array()
            .unwrap()
            .iter()
            .cloned()
            .collect();
        let mut inst = rt.instantiate(host).unwrap();
        let client = inst
            .open(&json::client_options(
                Some(&case["config"]),
                Some(&case["auth"]),
            ))
            .unwrap()
            .unwrap();
        let c = &case["call"];
        let _ = json::call(
            &mut inst,
            client,
            c["op"].as_str().unwrap(),
            c["org"].as_str().unwrap(),
            &c["input"],
        )
        .unwrap();
        let log = log.borrow();
        let expect = case["expect"].as_array().unwrap();
        if log.sent.len() != expect.len() {
            failures.push(format!(
                "{name}: sent {} requests, expected {}",
                log.sent.len(),
                expect.len()
            ));
            continue;
        }
        for (i, (req, want)) in log.sent.iter().zip(expect).enumerate() {
            let mut problems = Vec::new();
            let header = |n: &str| {
                req.headers
                    .iter()
                    .find(|h| h.name.eq_ignore_ascii_case(n))
                    .map(|h| h.value.clone())
            };
            if req.method != want["method"].as_str().unwrap() {
                problems.push(format!("method {}", req.method));
            }
            if req.url != want["url"].as_str().unwrap() {
                problems.push(format!("url {}", req.url));
            }
            if req.body.as_deref() != want["body"].as_str() {
                problems.push(format!("body {:?}", req.body));
            }
            for (h, v) in want["headers"].as_object().unwrap() {
                match header(h) {
                    Some(got) if header_matches(&got, v.as_str().unwrap()) => {}
                    got => problems.push(format!("header {h}: {got:?}")),
                }
            }
            for h in want["absentHeaders"].as_array().into_iter().flatten() {
                if let Some(got) = header(h.as_str().unwrap()) {
                    problems.push(format!("header {h} should be absent, is {got:?}"));
                }
            }
            if !problems.is_empty() {
                failures.push(format!("{name}: request {i}: {}", problems.join("; ")));
            }
        }
    }
    report("request", cases.len(), failures);
}

#[test]
fn response_vectors() {
    let rt = runtime();
    let file = load("responses.json");
    let now = ms(file["now"].as_str().unwrap());
    let org = file["org"].as_str().unwrap();
    let cases = file["cases"].as_array().unwrap();
    let mut failures = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let op = case["op"].as_str().unwrap();
        let (mut host, log) = scripted(now);
        match case["transport"].as_str() {
            Some(failure) => host.fail = Some(failure.into()),
            None => host.always = Some(case["response"].clone()),
        }
        let mut inst = rt.instantiate(host).unwrap();
        let auth = if op == "token" {
            json!({"credentials": file["credentials"]})
        } else {
            json!({"token": "vector-token"})
        };
        let client = inst
            .open(&json::client_options(None, Some(&auth)))
            .unwrap()
            .unwrap();
        let input = match op {
            "start_attestation" => file["startInput"].clone(),
            "add_csp_service" => file["cspInput"].clone(),
            _ => Value::Null,
        };
        let result = json::call(&mut inst, client, op, org, &input).unwrap();
        let mut problems = Vec::new();
        let attempts = case["attempts"].as_u64().unwrap_or(1) as usize;
        let sent = log.borrow().sent.len();
        if sent != attempts {
            problems.push(format!("{sent} requests, expected {attempts}"));
        }
        check_result(result, &case["expect"], &mut problems);
        if !problems.is_empty() {
            failures.push(format!("{name}: {}", problems.join("; ")));
        }
    }
    report("response", cases.len(), failures);
}

#[test]
fn flow_vectors() {
    let rt = runtime();
    let file = load("flows.json");
    let now = ms(file["now"].as_str().unwrap());
    let cases = file["cases"].as_array().unwrap();
    let mut failures = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let org = case.get("org").unwrap_or(&file["org"]).as_str().unwrap();
        let input = json::start_in(case.get("input").unwrap_or(&file["input"]));
        let o = &case["options"];
        let poll = wit::WaitOptions {
            poll_interval_ms: o["initialIntervalMs"].as_i64(),
            max_poll_interval_ms: o["maxIntervalMs"].as_i64(),
            deadline_ms: o["deadlineMs"].as_i64(),
            jitter_seed: Some(0),
        };
        let options = wit::EnsureAcceptedOptions {
            wait: o["wait"].as_bool(),
            confirm_attempts: o["confirmAttempts"].as_i64().map(|n| n as i32),
            deadline_ms: poll.deadline_ms,
            poll_interval_ms: poll.poll_interval_ms,
            max_poll_interval_ms: poll.max_poll_interval_ms,
            jitter_seed: poll.jitter_seed,
        };
        let script = Rc::new(RefCell::new(
            case["script"]
                .as_array()
                .unwrap()
                .iter()
                .cloned()
                .collect::<VecDeque<_>>(),
        ));
        let (mut host, log) = scripted(now);
        host.script = Some(script.clone());
        let mut inst = rt.instantiate(host).unwrap();
        let client = inst
            .open(&json::client_options(None, None))
            .unwrap()
            .unwrap();
        let (api, store) = inst.api();
        let h = Instance::handle(client);
        let result = match case["flow"].as_str().unwrap() {
            "ensure_accepted" => api
                .client()
                .call_ensure_accepted(store, h, org, &input, options)
                .unwrap()
                .map(|v| json::ensure_outcome(&v)),
            "wait_for_signature" => api
                .client()
                .call_wait_for_signature(store, h, org, poll)
                .unwrap()
                .map(|v| json::wait_outcome(&v)),
            other => panic!("{name}: unknown flow {other}"),
        };
        let log = log.borrow();
        let mut problems = log.mismatches.clone();
        if let Some(left) = script.borrow().front() {
            problems.push(format!(
                "{} script entries not consumed: {left}",
                script.borrow().len()
            ));
        }
        if json!(log.events) != case["events"] {
            problems.push(format!("events {:?} != {}", log.events, case["events"]));
        }
        check_result(result, &case["expect"], &mut problems);
        if !problems.is_empty() {
            failures.push(format!("{name}: {}", problems.join("; ")));
        }
    }
    report("flow", cases.len(), failures);
}

/// A host that cancels (`send-error::cancelled`) ends the call at once with kind `cancelled`:
/// no retry, unlike a transport failure (which a safe call retries).
#[test]
fn cancelled_send_stops_the_call_as_cancelled() {
    struct Cancelling(Rc<RefCell<u32>>);
    impl Host for Cancelling {
        fn send(&mut self, _: wit::HttpRequest) -> Result<wit::HttpResponse, wit::SendError> {
            *self.0.borrow_mut() += 1;
            Err(wit::SendError::Cancelled("the caller gave up".into()))
        }
        fn sleep(&mut self, _: u64) {}
        fn now(&mut self) -> i64 {
            1_764_072_000_000
        }
        fn event(&mut self, _: wit::FlowEvent) {}
    }
    let sent = Rc::new(RefCell::new(0));
    let mut inst = runtime().instantiate(Cancelling(sent.clone())).unwrap();
    let client = inst
        .open(&json::client_options(None, None))
        .unwrap()
        .unwrap();
    let org = "11111111-1111-4111-8111-111111111111";
    let err = json::call(&mut inst, client, "get_acceptance", org, &Value::Null)
        .unwrap()
        .unwrap_err();
    assert_eq!(err.kind, wit::ErrorKind::Cancelled, "{}", err.message);
    assert_eq!(
        err.message,
        "cancelled: the call was cancelled by the caller"
    );
    assert_eq!(*sent.borrow(), 1, "a cancelled request is not retried");
}

/// Per-operation cost through the component: `get_acceptance` (build the request, the host's
/// scripted 200, parse) and `validate_start_attestation`, each 1000 times on one instance.
#[test]
fn per_operation_cost() {
    let n = 1000;
    let (mut host, _log) = scripted(1_764_072_000_000);
    host.always = Some(
        json!({"status": 200, "headers": {"Content-Type": "application/json"},
        "body": "{\"accepted\": true, \"acceptedVia\": [\"PartnerAttestation\"], \"acceptanceViaPartnerAttestation\": {\"signer\": {\"firstName\": \"Ada\", \"lastName\": \"Lovelace\", \"emailAddress\": \"ada@example.com\", \"phoneNumber\": \"+46701234567\"}, \"mcaInfoTemplateId\": \"tpl-42\", \"acceptanceDate\": \"2026-11-25T10:00:00Z\"}, \"lastSyncDate\": \"2026-11-25T11:59:00Z\"}"}),
    );
    let mut inst = runtime().instantiate(host).unwrap();
    let client = inst
        .open(&json::client_options(None, None))
        .unwrap()
        .unwrap();
    let org = "11111111-1111-4111-8111-111111111111";
    let t = std::time::Instant::now();
    for _ in 0..n {
        let (api, store) = inst.api();
        let got = api
            .client()
            .call_get_acceptance(store, Instance::handle(client), org);
        assert!(got.unwrap().unwrap().accepted);
    }
    let op = t.elapsed();
    let body = json::start_in(
        &json!({"signer": {"firstName": "Ada", "lastName": "Lovelace",
        "emailAddress": "ada@example.com", "phoneNumber": "+46 70 123 45 67"},
        "country": "se", "acceptanceDate": "2026-11-25T10:00:00Z"}),
    );
    let t = std::time::Instant::now();
    for _ in 0..n {
        let (api, store) = inst.api();
        let v = api.call_validate_start_attestation(store, &body, Some("2026-11-25T12:00:00Z"));
        assert!(v.unwrap().is_ok());
    }
    eprintln!(
        "wasmtime: get_acceptance {:.1} us/op, validate_start_attestation {:.1} us/op",
        op.as_secs_f64() * 1e6 / f64::from(n),
        t.elapsed().as_secs_f64() * 1e6 / f64::from(n)
    );
}
