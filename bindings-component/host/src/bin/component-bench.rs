//! `component-bench FIXTURES.json [--quick]`: the component's costs in the Rust host (wasmtime), as
//! JSON records of `bench/run.sh` (format: bench/README.md): instantiate time, and the benchmarks'
//! "one op" (`start-attestation`: validate the input, build the request, parse the answer; then
//! `get-attestation`: build, parse) with a host answering from memory (`bench/fixtures.json`).
//! Built with the tests' profile (debug wasmtime runtime; the guest's code is Cranelift's either way).

use std::time::Instant;

use anyhow::{bail, Context, Result};
use mca_component_host::{component_path, json, wit, Host, Instance, Runtime};
use serde_json::{json as j, Value};

/// Answers from memory: the start answer for POST, the attestation for GET.
struct Memory {
    start: String,
    attestation: String,
}

impl Host for Memory {
    fn send(&mut self, r: wit::HttpRequest) -> Result<wit::HttpResponse, wit::SendError> {
        let body = if r.method == "POST" {
            &self.start
        } else {
            &self.attestation
        };
        Ok(wit::HttpResponse {
            status: 200,
            headers: vec![wit::Header {
                name: "Content-Type".into(),
                value: "application/json".into(),
            }],
            body: body.clone(),
        })
    }
    fn sleep(&mut self, _ms: u64) {}
    fn now(&mut self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
    }
    fn event(&mut self, _event: wit::FlowEvent) {}
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quick = args.iter().any(|a| a == "--quick");
    let Some(fixtures) = args.iter().find(|a| *a != "--quick") else {
        bail!("usage: component-bench FIXTURES.json [--quick]");
    };
    let fx: Value = serde_json::from_str(&std::fs::read_to_string(fixtures).context("fixtures")?)?;
    let text = |k: &str| fx[k].as_str().unwrap_or_default().to_string();
    let (samples, iters, warm) = if quick { (3, 20, 20) } else { (30, 400, 2000) };
    let memory = || Memory {
        start: text("startResponse"),
        attestation: text("attestationResponse"),
    };

    let path = component_path();
    let t = Instant::now();
    let rt = Runtime::load_cached(&path)?;
    let load_ms = t.elapsed().as_secs_f64() * 1e3;
    let mut inst_ms = Vec::new();
    for _ in 0..samples {
        let n = if quick { 5 } else { 50 };
        let t = Instant::now();
        for _ in 0..n {
            rt.instantiate(memory())?;
        }
        inst_ms.push(t.elapsed().as_secs_f64() * 1e3 / f64::from(n));
    }
    println!(
        "{}",
        j!({"id": "component_instantiate_rust", "figure": "component instantiate, Rust wasmtime 48 (Store + instance)", "unit": "ms",
            "sdk": inst_ms, "base_name": "—",
            "extra": format!("(load: {load_ms:.0} ms, compiling on the first run, then the cached `.cwasm`; debug build of the wasmtime runtime)")})
    );

    let options = json::client_options(
        Some(&j!({"baseUrl": fx["baseUrl"], "resellerId": fx["resellerId"]})),
        Some(&j!({"token": fx["token"]})),
    );
    let input = json::start_in(&fx["startInput"]);
    let org = text("org");
    let mut inst: Instance = rt.instantiate(memory())?;
    let client = match inst.open(&options)? {
        Ok(c) => Instance::handle(c),
        Err(e) => bail!("open: {}", e.message),
    };
    let mut op = || -> Result<()> {
        let (api, store) = inst.api();
        let started = api
            .client()
            .call_start_attestation(&mut *store, client, &org, &input)?;
        let got = api
            .client()
            .call_get_attestation(&mut *store, client, &org)?;
        match (started, got) {
            (Ok(s), Ok(Some(a)))
                if !s.attestation_id.is_empty()
                    && a.status == wit::AttestationStatus::PendingAgreementAcceptance =>
            {
                Ok(())
            }
            (Err(e), _) | (_, Err(e)) => bail!("{}", e.message),
            (_, got) => bail!("bad parse: {got:?}"),
        }
    };
    for _ in 0..warm {
        op()?;
    }
    let mut us = Vec::new();
    for _ in 0..samples {
        let t = Instant::now();
        for _ in 0..iters {
            op()?;
        }
        us.push(t.elapsed().as_secs_f64() * 1e6 / f64::from(iters));
    }
    eprintln!(
        "component-bench: one op {:.1} µs (median)",
        median(us.clone())
    );
    println!(
        "{}",
        j!({"id": "component_one_op_rust", "figure": "component, the same op (validate start input + build request + parse GET attestation), Rust wasmtime 48, no network", "unit": "µs",
            "sdk": us, "base_name": "— (native core: `rust_one_op`)",
            "extra": "(debug build of the wasmtime runtime)"})
    );
    Ok(())
}
