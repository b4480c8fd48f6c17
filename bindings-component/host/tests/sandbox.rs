//! The shared sandbox scenarios through the component in wasmtime, on the network host
//! ([`NetHost`]): the sandbox binary runs on a free 127.0.0.1 port and is stopped afterwards.
//! Also: the component imports exactly the `host` interface (and its types), nothing of WASI.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use mca_component_host::http::{exchange, NetHost};
use mca_component_host::{component_path, json, wit, Instance, Runtime};
use serde_json::Value;

struct Sandbox {
    child: Child,
    url: String,
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn sandbox() -> Sandbox {
    let bin = std::env::var_os("MCA_SANDBOX_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/debug/mca-sandbox")
        });
    let mut child = Command::new(&bin)
        .args(["--host", "127.0.0.1", "--port", "0", "--sync-seconds", "1"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e} (cargo build -p mca-sandbox)", bin.display()));
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("mca-sandbox listening on ")
        .unwrap_or_else(|| panic!("sandbox did not start: {line:?}"))
        .to_string();
    Sandbox { child, url }
}

impl Sandbox {
    fn admin(&self, method: &str, path: &str) -> Value {
        let r = wit::HttpRequest {
            op: "admin".into(),
            method: method.into(),
            url: format!("{}{path}", self.url.trim_end_matches('/')),
            headers: vec![],
            body: None,
            timeout_ms: 10_000,
        };
        let resp = exchange(&r).unwrap();
        assert!(resp.status < 300, "{path}: {}", resp.status);
        serde_json::from_str(&resp.body).unwrap_or(Value::Null)
    }

    fn requests(&self, org: &str) -> u64 {
        let counts = self.admin("GET", &format!("/_sandbox/orgs/{org}/requests"));
        counts
            .as_object()
            .unwrap()
            .values()
            .filter_map(Value::as_u64)
            .sum()
    }

    fn count(&self, org: &str, op: &str) -> u64 {
        self.admin("GET", &format!("/_sandbox/orgs/{org}/requests"))[op]
            .as_u64()
            .unwrap_or(0)
    }
}

fn client(rt: &Runtime, url: &str) -> (Instance, mca_component_host::Client, NetHost) {
    let host = NetHost::default();
    let shared = NetHost {
        events: host.events.clone(),
        sent: host.sent.clone(),
    };
    let mut inst = rt.instantiate(host).unwrap();
    let options = json::client_options(
        Some(
            &serde_json::json!({"baseUrl": url, "resellerId": "11111111-1111-4111-8111-111111111111"}),
        ),
        Some(&serde_json::json!({"credentials": {"username": "sandbox", "password": "sandbox"}})),
    );
    let client = inst.open(&options).unwrap().unwrap();
    (inst, client, shared)
}

fn org() -> String {
    let n = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "{:08x}-0000-4000-8000-{:012x}",
        (n >> 48) as u32,
        n & 0xffff_ffff_ffff
    )
}

fn start_body() -> wit::StartAttestation {
    json::start_in(&serde_json::json!({
        "signer": {"firstName": "Ada", "lastName": "Lovelace", "emailAddress": "ada@example.com",
                   "phoneNumber": "+46 70 123 45 67"},
        "country": "SE", "acceptanceDate": "2026-01-01T10:00:00Z"
    }))
}

const FAST: wit::WaitOptions = wit::WaitOptions {
    poll_interval_ms: Some(20),
    max_poll_interval_ms: Some(100),
    deadline_ms: Some(20_000),
    jitter_seed: None,
};

#[test]
fn imports_are_exactly_the_host_interface() {
    let rt = Runtime::load_cached(&component_path()).unwrap();
    let ty = rt.component().component_type();
    let mut imports: Vec<String> = ty
        .imports(rt.engine())
        .map(|(n, _)| n.to_string())
        .collect();
    imports.sort();
    assert_eq!(
        imports,
        ["mca:attestation/host@0.1.0", "mca:attestation/types@0.1.0"]
    );
    for (name, item) in ty.imports(rt.engine()) {
        let wasmtime::component::types::ComponentItem::ComponentInstance(inst) = item.ty else {
            panic!("{name} is not an interface");
        };
        let mut funcs: Vec<String> = inst
            .exports(rt.engine())
            .filter(|(_, i)| {
                matches!(
                    i.ty,
                    wasmtime::component::types::ComponentItem::ComponentFunc(_)
                )
            })
            .map(|(n, _)| n.to_string())
            .collect();
        funcs.sort();
        let want: &[&str] = if name.contains("/host") {
            &["event", "now", "send", "sleep"]
        } else {
            &[]
        };
        assert_eq!(funcs, want, "functions of {name}");
    }
    let exports: Vec<String> = ty
        .exports(rt.engine())
        .map(|(n, _)| n.to_string())
        .collect();
    assert_eq!(exports, ["mca:attestation/client-api@0.1.0"]);
}

#[test]
fn instantiate_time() {
    let path = component_path();
    let t = Instant::now();
    let rt = Runtime::load(&path).unwrap();
    let compiled = t.elapsed();
    let t = Instant::now();
    let n = 20;
    for _ in 0..n {
        rt.instantiate(NetHost::default()).unwrap();
    }
    let instantiate = t.elapsed();
    let t = Instant::now();
    Runtime::load_cached(&path).unwrap();
    let cached = t.elapsed();
    eprintln!(
        "wasmtime: compile {:.1} ms, load precompiled {:.1} ms, instantiate {:.3} ms (mean of {n})",
        compiled.as_secs_f64() * 1e3,
        cached.as_secs_f64() * 1e3,
        instantiate.as_secs_f64() * 1e3 / f64::from(n)
    );
}

#[test]
fn sandbox_scenarios() {
    let rt = Runtime::load_cached(&component_path()).unwrap();
    let t0 = Instant::now();
    let sb = sandbox();

    // manual flow: start, the signer signs, wait, finalize, accepted
    let org1 = org();
    let (mut inst, c, host) = client(&rt, &sb.url);
    let (api, store) = inst.api();
    let h = Instance::handle(c);
    let started = api
        .client()
        .call_start_attestation(&mut *store, h, &org1, &start_body())
        .unwrap()
        .unwrap();
    let pending = api
        .client()
        .call_get_attestation(&mut *store, h, &org1)
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(
        pending.status,
        wit::AttestationStatus::PendingAgreementAcceptance
    );
    sb.admin("POST", &format!("/_sandbox/orgs/{org1}/sign"));
    let waited = api
        .client()
        .call_wait_for_signature(&mut *store, h, &org1, FAST)
        .unwrap()
        .unwrap();
    assert_eq!(waited.status, wit::WaitStatus::Signed);
    assert_eq!(waited.attestation.attestation_id, started.attestation_id);
    api.client()
        .call_finalize_attestation(&mut *store, h, &org1)
        .unwrap()
        .unwrap();
    let acceptance = api
        .client()
        .call_get_acceptance(&mut *store, h, &org1)
        .unwrap()
        .unwrap();
    assert!(acceptance.accepted);
    assert!(
        host.sent
            .borrow()
            .iter()
            .any(|r| r.contains("connect/token")),
        "password auth fetched a token"
    );

    // ensure: pending without waiting, then the signer signs and ensure finalizes and confirms
    let org2 = org();
    let (mut inst, c, host) = client(&rt, &sb.url);
    let (api, store) = inst.api();
    let h = Instance::handle(c);
    let ensure = |wait| wit::EnsureAcceptedOptions {
        wait: Some(wait),
        confirm_attempts: None,
        deadline_ms: FAST.deadline_ms,
        poll_interval_ms: FAST.poll_interval_ms,
        max_poll_interval_ms: FAST.max_poll_interval_ms,
        jitter_seed: FAST.jitter_seed,
    };
    let first = api
        .client()
        .call_ensure_accepted(&mut *store, h, &org2, &start_body(), ensure(false))
        .unwrap()
        .unwrap();
    assert_eq!(first.status, wit::EnsureStatus::Pending);
    let kinds: Vec<&str> = host.events.borrow().iter().map(json::event_type).collect();
    assert_eq!(kinds, ["acceptance_checked", "attestation_started"]);
    sb.admin("POST", &format!("/_sandbox/orgs/{org2}/sign"));
    let done = api
        .client()
        .call_ensure_accepted(&mut *store, h, &org2, &start_body(), ensure(true))
        .unwrap()
        .unwrap();
    assert_eq!(done.status, wit::EnsureStatus::Accepted);
    assert_eq!(done.evidence.unwrap().attestation_id, first.attestation_id);
    assert_eq!(sb.count(&org2, "start_attestation"), 1);

    // invalid input sends nothing
    let org3 = org();
    let (mut inst, c, host) = client(&rt, &sb.url);
    let mut bad = start_body();
    bad.signer.first_name = String::new();
    bad.signer.email_address = "not-an-email".into();
    bad.country = "zz".into();
    let err = json::call(
        &mut inst,
        c,
        "start_attestation",
        &org3,
        &json::start_out(&bad),
    )
    .unwrap()
    .unwrap_err();
    assert_eq!(err.kind, wit::ErrorKind::Invalid);
    let pointers: Vec<&str> = err
        .violations
        .iter()
        .map(|v| v.pointer.as_deref().unwrap_or(""))
        .collect();
    assert_eq!(
        pointers,
        ["/signer/firstName", "/signer/emailAddress", "/country"]
    );
    let err = json::call(&mut inst, c, "get_attestation", "not-a-guid", &Value::Null)
        .unwrap()
        .unwrap_err();
    assert_eq!(err.kind, wit::ErrorKind::Invalid);
    assert!(
        host.sent.borrow().is_empty(),
        "nothing sent: {:?}",
        host.sent.borrow()
    );
    assert_eq!(sb.requests(&org3), 0);
    eprintln!("sandbox scenarios: {:.1} s", t0.elapsed().as_secs_f64());
}
