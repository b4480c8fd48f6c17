//! Helpers shared by the vector runners.
#![allow(dead_code)]

use std::path::PathBuf;

use mca_attestation::{ErrorView, McaError};
use serde_json::Value;

/// Loads tests/vectors/<name>.
pub fn load(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/vectors")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The members of the flat error view that an expectation fixes whether it lists them or not:
/// an absent one must be `null` (tests/vectors/README.md).
pub const NULL_UNLESS_GIVEN: [&str; 6] = [
    "status",
    "code",
    "title",
    "detail",
    "retryAfterMs",
    "traceId",
];

/// Checks an error against an error expectation (see tests/vectors/README.md): the core's flat
/// view ([`ErrorView`], what every binding's error is built from), field by field.
pub fn check_error(err: &McaError, want: &Value) -> Result<(), String> {
    check_view(&serde_json::to_value(ErrorView::from(err)).unwrap(), want)
}

/// Checks a flat error view in its JSON form (camelCase members) against an error expectation.
pub fn check_view(got: &Value, want: &Value) -> Result<(), String> {
    let mut problems = Vec::new();
    let message = got["message"].as_str().unwrap_or_default();
    if got["kind"] != want["kind"] {
        problems.push(format!(
            "kind {} != {} ({message})",
            got["kind"], want["kind"]
        ));
    }
    for key in NULL_UNLESS_GIVEN {
        let expected = want.get(key).unwrap_or(&Value::Null);
        let actual = got.get(key).unwrap_or(&Value::Null);
        if actual != expected {
            problems.push(format!("{key} {actual} != {expected}"));
        }
    }
    for key in ["message", "bodyExcerpt"] {
        if let Some(expected) = want.get(key) {
            if got.get(key) != Some(expected) {
                problems.push(format!("{key} {} != {expected}", got[key]));
            }
        }
    }
    let violations = got["violations"].as_array().cloned().unwrap_or_default();
    match (want.get("violations"), want.get("pointers")) {
        (Some(expected), _) => {
            if &Value::Array(violations.clone()) != expected {
                problems.push(format!(
                    "violations {} != {expected}",
                    Value::Array(violations)
                ));
            }
        }
        (None, Some(pointers)) => {
            let got_pointers: Vec<Value> =
                violations.iter().map(|v| v["pointer"].clone()).collect();
            if &Value::Array(got_pointers.clone()) != pointers {
                problems.push(format!(
                    "pointers {} != {pointers} (violations: {})",
                    Value::Array(got_pointers),
                    Value::Array(violations)
                ));
            }
        }
        (None, None) => {
            if !violations.is_empty() {
                problems.push(format!("violations {} != []", Value::Array(violations)));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// Subset match: every member of `want` must be in `got` with a matching value; arrays match whole.
pub fn subset(got: &Value, want: &Value, path: &str, out: &mut Vec<String>) {
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

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::{ready, Future, Ready};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use mca_attestation::{
    Auth, ClientConfig, Credentials, FlowEvent, Header, HttpRequest, HttpResponse, Platform,
    Session, Timestamp,
};

/// Polls a future whose leaves are all ready (the fake platform never blocks).
pub fn block_on<F: Future>(fut: F) -> F::Output {
    let mut fut = std::pin::pin!(fut);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..1_000_000 {
        if let Poll::Ready(out) = fut.as_mut().poll(&mut cx) {
            return out;
        }
    }
    panic!("future did not complete");
}

/// One scripted answer.
pub enum Answer {
    Respond(HttpResponse),
    TransportError(String),
}

/// A platform with a scripted transport and a fake clock that moves only when the flow sleeps.
pub struct FakePlatform {
    pub clock: RefCell<Timestamp>,
    pub answers: RefCell<VecDeque<Answer>>,
    /// When set, every request gets this response (answers are ignored).
    pub always: Option<HttpResponse>,
    /// When set, every request fails this way (responses.json `transport`): `timeout` (the
    /// request's `timeout_ms` elapsed) or `cancel` (the caller cancelled).
    pub always_fail: Option<String>,
    pub sent: RefCell<Vec<HttpRequest>>,
    pub sleeps: RefCell<Vec<Duration>>,
    pub events: RefCell<Vec<FlowEvent>>,
}

impl FakePlatform {
    pub fn new(now: Timestamp, answers: Vec<Answer>) -> Self {
        Self {
            clock: RefCell::new(now),
            answers: RefCell::new(answers.into()),
            always: None,
            always_fail: None,
            sent: RefCell::new(Vec::new()),
            sleeps: RefCell::new(Vec::new()),
            events: RefCell::new(Vec::new()),
        }
    }
}

impl Platform for FakePlatform {
    type SendFuture = Ready<Result<HttpResponse, McaError>>;
    type SleepFuture = Ready<()>;

    fn send(&self, request: HttpRequest) -> Self::SendFuture {
        let timeout_ms = request.timeout_ms;
        self.sent.borrow_mut().push(request);
        match self.always_fail.as_deref() {
            Some("timeout") => return ready(Err(McaError::timed_out(timeout_ms))),
            Some("cancel") => return ready(Err(McaError::cancelled())),
            Some(other) => {
                return ready(Err(McaError::config(format!("unknown transport {other}"))))
            }
            None => {}
        }
        if let Some(r) = &self.always {
            return ready(Ok(r.clone()));
        }
        ready(match self.answers.borrow_mut().pop_front() {
            Some(Answer::Respond(r)) => Ok(r),
            Some(Answer::TransportError(m)) => Err(McaError::transport(m)),
            None => Err(McaError::transport(
                "script exhausted: no answer for this request",
            )),
        })
    }

    fn sleep(&self, duration: Duration) -> Self::SleepFuture {
        self.sleeps.borrow_mut().push(duration);
        let now = *self.clock.borrow();
        *self.clock.borrow_mut() = now.add(duration);
        ready(())
    }

    fn now(&self) -> Timestamp {
        *self.clock.borrow()
    }

    fn event(&self, event: &FlowEvent) {
        self.events.borrow_mut().push(event.clone());
    }
}

/// A response from its vector form.
pub fn response(v: &Value) -> HttpResponse {
    let headers = v["headers"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| Header::new(k.clone(), v.as_str().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default();
    HttpResponse::new(
        v["status"].as_u64().unwrap_or(200) as u16,
        headers,
        v["body"].as_str().unwrap_or_default(),
    )
}

/// A session from a vector's `config` and `auth` (defaults of flows.json when absent).
pub fn session(config: Option<&Value>, auth: Option<&Value>) -> Result<Session, McaError> {
    let base = config
        .and_then(|c| c["baseUrl"].as_str())
        .unwrap_or("https://api.example.test/");
    let reseller = config
        .and_then(|c| c["resellerId"].as_str())
        .unwrap_or("11111111-1111-4111-8111-111111111111");
    let mut cfg = ClientConfig::new(base, reseller, "rust")?;
    if let Some(c) = config {
        cfg.correlation_id = c["correlationId"].as_str().map(str::to_string);
        cfg.user_agent_extra = c["userAgentExtra"].as_str().map(str::to_string);
    }
    if let Some(ms) = config.and_then(|c| c["requestTimeoutMs"].as_u64()) {
        cfg.request_timeout = Duration::from_millis(ms);
    }
    let auth = match auth {
        Some(a) if a.get("credentials").is_some() => {
            let creds: Credentials = serde_json::from_value(a["credentials"].clone()).unwrap();
            Auth::Password(creds)
        }
        Some(a) => Auth::Bearer(a["token"].as_str().unwrap_or("vector-token").to_string()),
        None => Auth::Bearer("vector-token".into()),
    };
    Ok(Session::new(cfg, auth))
}

/// Runs one operation by name through the session; the output as the core's JSON.
pub fn call(
    session: &Session,
    platform: &FakePlatform,
    op: &str,
    org: &str,
    input: &Value,
) -> Result<Value, McaError> {
    use mca_attestation::OrganizationId;
    let to_json = |v: &dyn erased::Ser| v.json();
    if op == "token" {
        return block_on(session.token(platform)).map(|t| to_json(&t));
    }
    let org = OrganizationId::parse(org)?;
    block_on(async {
        Ok(match op {
            "start_attestation" => to_json(
                &session
                    .start_attestation(
                        platform,
                        &org,
                        serde_json::from_value(input.clone()).unwrap(),
                    )
                    .await?,
            ),
            "get_attestation" => to_json(&session.get_attestation(platform, &org).await?),
            "finalize_attestation" => {
                session.finalize_attestation(platform, &org).await?;
                Value::Null
            }
            "get_acceptance" => to_json(&session.get_acceptance(platform, &org).await?),
            "refresh_acceptance" => to_json(&session.refresh_acceptance(platform, &org).await?),
            "add_csp_service" => to_json(
                &session
                    .add_csp_service(
                        platform,
                        &org,
                        serde_json::from_value(input.clone()).unwrap(),
                    )
                    .await?,
            ),
            other => panic!("unknown op {other}"),
        })
    })
}

mod erased {
    pub trait Ser {
        fn json(&self) -> serde_json::Value;
    }
    impl<T: serde::Serialize> Ser for T {
        fn json(&self) -> serde_json::Value {
            serde_json::to_value(self).unwrap_or_default()
        }
    }
}

/// Checks a header expectation value (with `{version}` and `{binding}` placeholders).
pub fn header_matches(got: &str, want: &str) -> bool {
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
