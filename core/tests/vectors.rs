//! Runs every case of tests/vectors/*.json against the core (the other languages run the same files
//! through their bindings).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::result_large_err,
    missing_docs
)]

mod support;

use mca_attestation::http::BaseUrl;
use mca_attestation::{
    validate, AddCspService, ClientOptions, OrganizationId, StartAttestation, Timestamp,
};
use serde_json::Value;
use support::{check_error, load};

#[test]
fn validation_vectors() {
    let file = load("validation.json");
    let now = Timestamp::parse(file["now"].as_str().unwrap()).unwrap();
    let mut failures = Vec::new();
    let cases = file["cases"].as_array().unwrap();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let input = case["input"].clone();
        // `now` is the file's unless the case overrides it (tests/vectors/README.md); a case's
        // `now` is the caller's text, checked by the core like every binding's validators.
        let now = case["now"].as_str().map_or(Ok(now), validate::now);
        let result: Result<Value, mca_attestation::McaError> = match case["kind"].as_str().unwrap()
        {
            _ if now.is_err() => now.map(|_| Value::Null),
            "client_options" => {
                let options: ClientOptions = serde_json::from_value(input).unwrap();
                mca_attestation::Session::from_options(&options, "rust")
                    .map(|s| Value::String(s.config().base_url.as_str().to_string()))
            }
            "start_attestation" => {
                let input: StartAttestation = serde_json::from_value(input).unwrap();
                validate::start_attestation(&input, now.unwrap())
                    .map(|v| serde_json::to_value(v).unwrap())
            }
            "add_csp_service" => {
                let input: AddCspService = serde_json::from_value(input).unwrap();
                validate::add_csp_service(&input, now.unwrap())
                    .map(|v| serde_json::to_value(v).unwrap())
            }
            "organization_id" => OrganizationId::parse(input.as_str().unwrap())
                .map(|id| Value::String(id.to_string())),
            "base_url" => BaseUrl::parse(input.as_str().unwrap())
                .map(|u| Value::String(u.as_str().to_string())),
            other => panic!("{name}: unknown kind {other}"),
        };
        let valid = case["valid"].as_bool().unwrap();
        match (valid, result) {
            (true, Ok(got)) if got == case["normalized"] => {}
            (true, Ok(got)) => failures.push(format!(
                "{name}: normalized\n   got {got}\n  want {}",
                case["normalized"]
            )),
            (true, Err(e)) => failures.push(format!("{name}: expected valid, got {e}")),
            (false, Ok(got)) => failures.push(format!("{name}: expected invalid, got {got}")),
            (false, Err(e)) => {
                if let Err(msg) = check_error(&e, &case["error"]) {
                    failures.push(format!("{name}: {msg}"));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} validation vectors failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn request_vectors() {
    use support::{call, header_matches, response, session, Answer, FakePlatform};
    let file = load("requests.json");
    let now = Timestamp::parse(file["now"].as_str().unwrap()).unwrap();
    let cases = file["cases"].as_array().unwrap();
    let mut failures = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let answers = case["respond"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| Answer::Respond(response(r)))
            .collect();
        let platform = FakePlatform::new(now, answers);
        let session = session(Some(&case["config"]), Some(&case["auth"])).unwrap();
        let c = &case["call"];
        let _ = call(
            &session,
            &platform,
            c["op"].as_str().unwrap(),
            c["org"].as_str().unwrap(),
            &c["input"],
        );
        let sent = platform.sent.borrow();
        let expect = case["expect"].as_array().unwrap();
        if sent.len() != expect.len() {
            failures.push(format!(
                "{name}: sent {} requests, expected {}",
                sent.len(),
                expect.len()
            ));
            continue;
        }
        for (i, (req, want)) in sent.iter().zip(expect).enumerate() {
            let mut problems = Vec::new();
            if req.method.as_str() != want["method"].as_str().unwrap() {
                problems.push(format!("method {}", req.method.as_str()));
            }
            if req.url != want["url"].as_str().unwrap() {
                problems.push(format!("url {}", req.url));
            }
            if req.body.as_deref() != want["body"].as_str() {
                problems.push(format!("body {:?}", req.body));
            }
            for (h, v) in want["headers"].as_object().unwrap() {
                match req.header(h) {
                    Some(got) if header_matches(got, v.as_str().unwrap()) => {}
                    got => problems.push(format!("header {h}: {got:?}")),
                }
            }
            for h in want["absentHeaders"].as_array().into_iter().flatten() {
                if let Some(got) = req.header(h.as_str().unwrap()) {
                    problems.push(format!("header {h} should be absent, is {got:?}"));
                }
            }
            if !problems.is_empty() {
                failures.push(format!("{name}: request {i}: {}", problems.join("; ")));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} request vectors failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn response_vectors() {
    use support::{call, response, session, subset, FakePlatform};
    let file = load("responses.json");
    let now = Timestamp::parse(file["now"].as_str().unwrap()).unwrap();
    let org = file["org"].as_str().unwrap();
    let cases = file["cases"].as_array().unwrap();
    let mut failures = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let op = case["op"].as_str().unwrap();
        let mut platform = FakePlatform::new(now, Vec::new());
        match case["transport"].as_str() {
            Some(failure) => platform.always_fail = Some(failure.to_string()),
            None => platform.always = Some(response(&case["response"])),
        }
        let auth = if op == "token" {
            serde_json::json!({"credentials": file["credentials"]})
        } else {
            serde_json::json!({"token": "vector-token"})
        };
        let session = session(None, Some(&auth)).unwrap();
        let input = match op {
            "start_attestation" => file["startInput"].clone(),
            "add_csp_service" => file["cspInput"].clone(),
            _ => Value::Null,
        };
        let result = call(&session, &platform, op, org, &input);
        let attempts = case["attempts"].as_u64().unwrap_or(1) as usize;
        let sent = platform.sent.borrow().len();
        if sent != attempts {
            failures.push(format!("{name}: {sent} requests, expected {attempts}"));
        }
        let expect = &case["expect"];
        match (result, expect.get("ok")) {
            (Ok(got), Some(want)) => {
                let mut diffs = Vec::new();
                subset(&got, want, "", &mut diffs);
                if want.is_null() && !got.is_null() {
                    diffs.push(format!("expected null, got {got}"));
                }
                if !diffs.is_empty() {
                    failures.push(format!("{name}: {}", diffs.join("; ")));
                }
            }
            (Ok(got), None) => failures.push(format!("{name}: expected an error, got {got}")),
            (Err(e), Some(_)) => {
                failures.push(format!("{name}: expected ok, got {} error: {e}", e.kind()))
            }
            (Err(e), None) => {
                if let Err(msg) = check_error(&e, &expect["error"]) {
                    failures.push(format!("{name}: {msg}"));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} response vectors failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

mod script {
    use std::cell::RefCell;
    use std::collections::VecDeque;
    use std::future::{ready, Ready};
    use std::time::Duration;

    use mca_attestation::{FlowEvent, HttpRequest, HttpResponse, McaError, Platform, Timestamp};
    use serde_json::Value;

    /// Platform that checks every request and sleep against a flows.json script.
    pub struct ScriptPlatform {
        pub clock: RefCell<Timestamp>,
        pub script: RefCell<VecDeque<Value>>,
        pub mismatches: RefCell<Vec<String>>,
        pub events: RefCell<Vec<String>>,
    }

    impl ScriptPlatform {
        pub fn new(now: Timestamp, script: &[Value]) -> Self {
            Self {
                clock: RefCell::new(now),
                script: RefCell::new(script.iter().cloned().collect()),
                mismatches: RefCell::new(Vec::new()),
                events: RefCell::new(Vec::new()),
            }
        }
    }

    impl Platform for ScriptPlatform {
        type SendFuture = Ready<Result<HttpResponse, McaError>>;
        type SleepFuture = Ready<()>;

        fn send(&self, req: HttpRequest) -> Self::SendFuture {
            let got = format!("{} {}", req.method.as_str(), req.url);
            let Some(entry) = self.script.borrow_mut().pop_front() else {
                self.mismatches
                    .borrow_mut()
                    .push(format!("unexpected request {got}"));
                return ready(Err(McaError::config("script exhausted")));
            };
            let want = entry["request"].as_str().unwrap_or_default();
            let (method, suffix) = want.split_once(' ').unwrap_or(("", ""));
            if req.method.as_str() != method || !req.url.ends_with(suffix) {
                self.mismatches
                    .borrow_mut()
                    .push(format!("expected {entry}, got request {got}"));
                return ready(Err(McaError::config("script mismatch")));
            }
            if let Some(msg) = entry.get("transportError") {
                return ready(Err(McaError::transport(msg.as_str().unwrap_or_default())));
            }
            ready(Ok(super::support::response(&entry["respond"])))
        }

        fn sleep(&self, d: Duration) -> Self::SleepFuture {
            let entry = self.script.borrow_mut().pop_front();
            match entry
                .as_ref()
                .and_then(|e| e.get("sleep"))
                .and_then(Value::as_u64)
            {
                Some(ms) if u128::from(ms) == d.as_millis() => {}
                _ => self.mismatches.borrow_mut().push(format!(
                    "expected {entry:?}, got sleep {} ms",
                    d.as_millis()
                )),
            }
            let now = *self.clock.borrow();
            *self.clock.borrow_mut() = now.add(d);
            ready(())
        }

        fn now(&self) -> Timestamp {
            *self.clock.borrow()
        }

        fn event(&self, event: &FlowEvent) {
            let v = serde_json::to_value(event).unwrap_or_default();
            self.events
                .borrow_mut()
                .push(v["type"].as_str().unwrap_or_default().to_string());
        }
    }
}

#[test]
fn flow_vectors() {
    use mca_attestation::{EnsureOptions, PollOptions};
    use std::time::Duration;
    use support::{block_on, session, subset};
    let file = load("flows.json");
    let now = Timestamp::parse(file["now"].as_str().unwrap()).unwrap();
    let cases = file["cases"].as_array().unwrap();
    let mut failures = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let org = OrganizationId::parse(case.get("org").unwrap_or(&file["org"]).as_str().unwrap())
            .unwrap();
        let input: StartAttestation =
            serde_json::from_value(case.get("input").unwrap_or(&file["input"]).clone()).unwrap();
        let o = &case["options"];
        let mut poll = PollOptions::default();
        if let Some(ms) = o["initialIntervalMs"].as_u64() {
            poll.initial_interval = Duration::from_millis(ms);
        }
        if let Some(ms) = o["maxIntervalMs"].as_u64() {
            poll.max_interval = Duration::from_millis(ms);
        }
        poll.deadline = o["deadlineMs"]
            .as_u64()
            .map(|ms| now.add(Duration::from_millis(ms)));
        let mut options = EnsureOptions {
            poll: poll.clone(),
            ..EnsureOptions::default()
        };
        if let Some(w) = o["wait"].as_bool() {
            options.wait = w;
        }
        if let Some(n) = o["confirmAttempts"].as_u64() {
            options.confirm_attempts = n as u32;
        }
        let platform = script::ScriptPlatform::new(now, case["script"].as_array().unwrap());
        let session = session(None, None).unwrap();
        let result = match case["flow"].as_str().unwrap() {
            "ensure_accepted" => block_on(session.ensure_accepted(&platform, &org, input, options))
                .map(|v| serde_json::to_value(v).unwrap()),
            "wait_for_signature" => block_on(session.wait_for_signature(&platform, &org, poll))
                .map(|v| serde_json::to_value(v).unwrap()),
            other => panic!("{name}: unknown flow {other}"),
        };
        let mut problems: Vec<String> = platform.mismatches.borrow().clone();
        let left = platform.script.borrow().len();
        if left > 0 {
            problems.push(format!(
                "{left} script entries not consumed: {:?}",
                platform.script.borrow().front()
            ));
        }
        let events: Vec<Value> = platform
            .events
            .borrow()
            .iter()
            .map(|e| Value::from(e.as_str()))
            .collect();
        if Value::Array(events.clone()) != case["events"] {
            problems.push(format!("events {events:?} != {}", case["events"]));
        }
        let expect = &case["expect"];
        match (result, expect.get("ok")) {
            (Ok(got), Some(want)) => subset(&got, want, "", &mut problems),
            (Ok(got), None) => problems.push(format!("expected error, got {got}")),
            (Err(e), Some(_)) => problems.push(format!("expected ok, got {} error: {e}", e.kind())),
            (Err(e), None) => {
                if let Err(msg) = check_error(&e, &expect["error"]) {
                    problems.push(msg);
                }
            }
        }
        if !problems.is_empty() {
            failures.push(format!("{name}: {}", problems.join("; ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} flow vectors failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
