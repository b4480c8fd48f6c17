//! tests/vectors/validation.json through the `mca` binary: bodies through `mca validate`,
//! organisation ids through a command's `--org`, base URLs through `mca config`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{bare_mca, run, Reply, Scripted, RESELLER};
use serde_json::Value;

fn vectors(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/vectors")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// Checks an error expectation against the CLI's `{"error": …}` JSON (or `validate`'s violations).
fn check_error(name: &str, expect: &Value, kind: &str, violations: &[Value]) {
    assert_eq!(expect["kind"], kind, "{name}: kind");
    if let Some(pointers) = expect.get("pointers") {
        let got: Vec<&Value> = violations.iter().map(|v| &v["pointer"]).collect();
        let want: Vec<&Value> = pointers.as_array().unwrap().iter().collect();
        assert_eq!(got, want, "{name}: pointers");
    }
    if let Some(want) = expect.get("violations") {
        assert_eq!(
            &Value::Array(violations.to_vec()),
            want,
            "{name}: violations"
        );
    }
}

#[test]
fn validation_vectors_through_the_cli() {
    let file = vectors("validation.json");
    let file_now = file["now"].as_str().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    // A closed loopback port: a valid id leads to a request that fails with `transport` (exit 5).
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let closed_url = format!("http://127.0.0.1:{closed}");
    let cases = file["cases"].as_array().unwrap();
    assert!(!cases.is_empty());
    let mut ran = 0;
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let now = case["now"].as_str().unwrap_or(&file_now);
        let valid = case["valid"].as_bool().unwrap();
        match case["kind"].as_str().unwrap() {
            kind @ ("start_attestation" | "add_csp_service") => {
                let path = dir.path().join(format!("{name}.json"));
                std::fs::write(&path, case["input"].to_string()).unwrap();
                let cli_kind = kind.replace('_', "-");
                let r = run(bare_mca()
                    .args(["validate", "--json", "--kind", &cli_kind, "--now", now])
                    .arg(&path));
                let out = r.json();
                if case["error"]["kind"] == "config" {
                    // A bad `--now`: the core's `config` error, as in every binding.
                    check_cli_error(name, &case["error"], r.code, &out);
                    ran += 1;
                    continue;
                }
                assert_eq!(out["kind"], kind, "{name}");
                if valid {
                    assert_eq!(r.code, 0, "{name}: {out}");
                    assert_eq!(out["normalized"], case["normalized"], "{name}");
                } else {
                    assert_eq!(r.code, 2, "{name}: {out}");
                    check_error(
                        name,
                        &case["error"],
                        "invalid",
                        out["violations"].as_array().unwrap(),
                    );
                }
            }
            "organization_id" => {
                let input = case["input"].as_str().unwrap();
                let r = run(bare_mca().args([
                    "acceptance",
                    "get",
                    "--json",
                    "--verbose",
                    "--timeout",
                    "5",
                    "--base-url",
                    &closed_url,
                    "--reseller-id",
                    RESELLER,
                    "--token",
                    "t",
                    "--org",
                    input,
                ]));
                let out = r.json();
                if valid {
                    assert_eq!(r.code, 5, "{name}: {out}");
                    let normalized = case["normalized"].as_str().unwrap();
                    let sent = format!("/organizations/{normalized}/services/");
                    assert!(r.stderr.contains(&sent), "{name}: {}", r.stderr);
                } else {
                    assert_eq!(r.code, 2, "{name}: {out}");
                    assert!(!r.stderr.contains("→"), "{name}: a request was sent");
                    let error = &out["error"];
                    check_error(
                        name,
                        &case["error"],
                        error["kind"].as_str().unwrap(),
                        error["violations"].as_array().unwrap(),
                    );
                }
            }
            "base_url" => {
                let input = case["input"].as_str().unwrap();
                let r = run(bare_mca().args([
                    "config",
                    "--json",
                    "--reseller-id",
                    RESELLER,
                    "--base-url",
                    input,
                ]));
                let out = r.json();
                if valid {
                    assert_eq!(r.code, 0, "{name}: {out}");
                    assert_eq!(out["baseUrl"], case["normalized"], "{name}");
                } else {
                    assert_eq!(r.code, 2, "{name}: {out}");
                    check_error(
                        name,
                        &case["error"],
                        out["error"]["kind"].as_str().unwrap(),
                        &[],
                    );
                }
            }
            "client_options" => {
                let o = &case["input"];
                let mut args: Vec<String> = vec![
                    "--base-url".into(),
                    o["baseUrl"].as_str().unwrap().into(),
                    "--reseller-id".into(),
                    o["resellerId"].as_str().unwrap().into(),
                ];
                if let Some(token) = o["token"].as_str() {
                    args.extend(["--token".into(), token.into()]);
                }
                if let Some(c) = o.get("credentials") {
                    args.extend(credential_args(c));
                }
                if valid {
                    let r = run(bare_mca().args(["config", "--json"]).args(&args));
                    assert_eq!(r.code, 0, "{name}: {}", r.stdout);
                    assert_eq!(r.json()["baseUrl"], case["normalized"], "{name}");
                } else {
                    // The options are checked before anything is sent (no network needed).
                    let org = "22222222-2222-4222-8222-222222222222";
                    let r = run(bare_mca()
                        .args(["acceptance", "get", "--json", "--org", org])
                        .args(&args));
                    check_cli_error(name, &case["error"], r.code, &r.json());
                }
            }
            other => panic!("{name}: unknown kind {other}"),
        }
        ran += 1;
    }
    assert_eq!(ran, cases.len());
    eprintln!("{ran} validation vectors passed through the mca binary");
}

/// The documented exit code of each error kind (README), independent of the CLI's table.
fn exit_code(kind: &str) -> i32 {
    match kind {
        "invalid" | "config" => 2,
        "api" | "rate_limited" => 3,
        "unauthorized" | "forbidden" => 4,
        "transport" | "decode" => 5,
        "deadline" => 6,
        other => panic!("unknown kind {other}"),
    }
}

fn is_time(text: &str) -> Option<mca_attestation::Timestamp> {
    (text.len() >= 20 && text.as_bytes().get(4) == Some(&b'-'))
        .then(|| mca_attestation::Timestamp::parse_rfc3339(text).ok())
        .flatten()
}

/// `want` ⊆ `got`: objects by member, arrays whole, timestamps as instants.
fn subset(want: &Value, got: &Value, path: &str) -> Result<(), String> {
    match (want, got) {
        (Value::Object(w), Value::Object(g)) => {
            for (k, wv) in w {
                let gv = g.get(k).unwrap_or(&Value::Null);
                subset(wv, gv, &format!("{path}/{k}"))?;
            }
            Ok(())
        }
        (Value::Array(w), Value::Array(g)) => {
            if w.len() != g.len() {
                return Err(format!("{path}: {want} != {got}"));
            }
            for (i, (wv, gv)) in w.iter().zip(g).enumerate() {
                subset(wv, gv, &format!("{path}/{i}"))?;
            }
            Ok(())
        }
        (Value::String(w), Value::String(g)) if w != g => match (is_time(w), is_time(g)) {
            (Some(a), Some(b)) if a == b => Ok(()),
            _ => Err(format!("{path}: {want} != {got}")),
        },
        _ if want == got => Ok(()),
        _ => Err(format!("{path}: {want} != {got}")),
    }
}

/// Checks an error expectation against the CLI's flat `{"error": {...}}` (the core's error view)
/// and its exit code, field by field (tests/vectors/README.md): `status`, `code`, `title`, `detail`,
/// `retryAfterMs`, `traceId` always (absent = null); violations always (absent = none).
fn check_cli_error(name: &str, want: &Value, code: i32, out: &Value) {
    let kind = want["kind"].as_str().unwrap();
    assert_eq!(code, exit_code(kind), "{name}: exit code for {kind}: {out}");
    let err = &out["error"];
    assert_eq!(err["kind"], want["kind"], "{name}: kind: {out}");
    // A scripted `transportError` is a real dropped connection here: its text (the `detail` and
    // `message` of a `transport` error) is the socket's, not the script's.
    let real_socket = kind == "transport";
    for key in [
        "status",
        "code",
        "title",
        "detail",
        "retryAfterMs",
        "traceId",
    ] {
        if real_socket && key == "detail" {
            assert!(err[key].is_string(), "{name}: transport detail: {out}");
            continue;
        }
        let expected = want.get(key).unwrap_or(&Value::Null);
        assert_eq!(&err[key], expected, "{name}: error member {key}: {out}");
    }
    for key in ["message", "bodyExcerpt"] {
        if real_socket && key == "message" {
            continue;
        }
        if let Some(expected) = want.get(key) {
            assert_eq!(&err[key], expected, "{name}: error member {key}: {out}");
        }
    }
    let violations = err["violations"].as_array().unwrap();
    match (want.get("violations"), want.get("pointers")) {
        (Some(expected), _) => assert_eq!(
            &Value::Array(violations.clone()),
            expected,
            "{name}: violations"
        ),
        (None, Some(pointers)) => {
            let got: Vec<&Value> = violations.iter().map(|v| &v["pointer"]).collect();
            let want: Vec<&Value> = pointers.as_array().unwrap().iter().collect();
            assert_eq!(got, want, "{name}: pointers");
        }
        (None, None) => assert!(violations.is_empty(), "{name}: violations {out}"),
    }
}

/// The CLI command for an operation of the vectors.
fn op_args(op: &str, org: &str, input: Option<&std::path::Path>) -> Vec<String> {
    let mut args: Vec<String> = match op {
        "start_attestation" => vec!["attestation", "start"],
        "get_attestation" => vec!["attestation", "get"],
        "finalize_attestation" => vec!["attestation", "finalize"],
        "get_acceptance" => vec!["acceptance", "get"],
        "refresh_acceptance" => vec!["acceptance", "refresh"],
        "add_csp_service" => vec!["csp", "add"],
        other => panic!("unknown op {other}"),
    }
    .into_iter()
    .map(String::from)
    .collect();
    args.extend(["--json".into(), "--org".into(), org.into()]);
    if let Some(path) = input {
        args.push("--input".into());
        args.push(path.display().to_string());
    }
    args
}

fn credential_args(c: &Value) -> Vec<String> {
    let mut args = vec![
        "--username".to_string(),
        c["username"].as_str().unwrap().into(),
        "--password".into(),
        c["password"].as_str().unwrap().into(),
    ];
    for (key, flag) in [
        ("clientId", "--client-id"),
        ("clientSecret", "--client-secret"),
        ("clientAuth", "--client-auth"),
    ] {
        if let Some(v) = c[key].as_str() {
            args.push(flag.into());
            args.push(v.into());
        }
    }
    args
}

/// `scheme://host[:port]` of a URL.
fn origin(url: &str) -> &str {
    let start = url.find("://").map(|i| i + 3).unwrap_or(0);
    match url[start..].find('/') {
        Some(j) => &url[..start + j],
        None => url,
    }
}

#[test]
fn request_vectors_through_the_cli() {
    let file = vectors("requests.json");
    let now = file["now"]
        .as_str()
        .unwrap_or("2026-11-25T12:00:00Z")
        .to_string();
    let server = Scripted::start();
    let dir = tempfile::tempdir().unwrap();
    let cases = file["cases"].as_array().unwrap();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let config = &case["config"];
        let base = config["baseUrl"].as_str().unwrap();
        let remote = origin(base).to_string();
        let local_base = base.replacen(&remote, &server.url, 1);
        let call = &case["call"];
        let input = call.get("input").filter(|v| !v.is_null()).map(|v| {
            let path = dir.path().join(format!("{name}.json"));
            std::fs::write(&path, v.to_string()).unwrap();
            path
        });
        let mut args = op_args(
            call["op"].as_str().unwrap(),
            call["org"].as_str().unwrap(),
            input.as_deref(),
        );
        args.extend([
            "--base-url".into(),
            local_base,
            "--reseller-id".into(),
            config["resellerId"].as_str().unwrap().into(),
        ]);
        if let Some(c) = config["correlationId"].as_str() {
            args.extend(["--correlation-id".into(), c.into()]);
        }
        if let Some(u) = config["userAgentExtra"].as_str() {
            args.extend(["--user-agent-extra".into(), u.into()]);
        }
        match (&case["auth"]["token"], &case["auth"]["credentials"]) {
            (Value::String(t), _) => args.extend(["--token".into(), t.clone()]),
            (_, c @ Value::Object(_)) => args.extend(credential_args(c)),
            other => panic!("{name}: auth {other:?}"),
        }
        server.script(
            case["respond"]
                .as_array()
                .unwrap()
                .iter()
                .map(Reply::from_vector)
                .collect(),
            None,
        );
        let r = run(bare_mca()
            .env("MCA_TEST_CLOCK", case["now"].as_str().unwrap_or(&now))
            .args(&args));
        let seen = server.seen();
        let expect = case["expect"].as_array().unwrap();
        assert_eq!(
            seen.len(),
            expect.len(),
            "{name}: requests {seen:#?}\n{}",
            r.stderr
        );
        for (i, (want, got)) in expect.iter().zip(&seen).enumerate() {
            let at = format!("{name} request {i}");
            assert_eq!(want["method"], got.method.as_str(), "{at}");
            let url = want["url"]
                .as_str()
                .unwrap()
                .replacen(&remote, &server.url, 1);
            assert_eq!(format!("{}{}", server.url, got.target), url, "{at}");
            for (h, v) in want["headers"].as_object().into_iter().flatten() {
                let v = v
                    .as_str()
                    .unwrap()
                    .replace("{version}", env!("CARGO_PKG_VERSION"))
                    .replace("{binding}", "cli");
                assert_eq!(got.header(h), Some(v.as_str()), "{at}: header {h}");
            }
            for h in want["absentHeaders"].as_array().into_iter().flatten() {
                assert_eq!(
                    got.header(h.as_str().unwrap()),
                    None,
                    "{at}: header {h} must be absent"
                );
            }
            match &want["body"] {
                Value::Null => assert_eq!(got.body, "", "{at}: body"),
                Value::String(b) => assert_eq!(&got.body, b, "{at}: body"),
                other => panic!("{at}: body {other}"),
            }
        }
    }
    eprintln!(
        "{} request vectors passed through the mca binary",
        cases.len()
    );
}

#[test]
fn response_vectors_through_the_cli() {
    let file = vectors("responses.json");
    let now = file["now"].as_str().unwrap().to_string();
    let org = file["org"].as_str().unwrap();
    let server = Scripted::start();
    let dir = tempfile::tempdir().unwrap();
    let start = dir.path().join("start.json");
    std::fs::write(&start, file["startInput"].to_string()).unwrap();
    let csp = dir.path().join("csp.json");
    std::fs::write(&csp, file["cspInput"].to_string()).unwrap();
    let cases = file["cases"].as_array().unwrap();
    let mut ran = 0;
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let op = case["op"].as_str().unwrap();
        // A scripted transport failure (`timeout` after the core's default 30 s, the caller's
        // `cancel`) has no equivalent for a process talking to a real socket in a test's time:
        // the CLI's timeout is covered by tests/commands.rs; these cases run in the libraries.
        if case.get("transport").is_some() {
            continue;
        }
        ran += 1;
        let mut args: Vec<String> = match op {
            "token" => {
                let mut a = vec!["token".to_string(), "--json".into(), "--reveal".into()];
                a.extend(credential_args(&file["credentials"]));
                a
            }
            _ => {
                let input = match op {
                    "start_attestation" => Some(start.as_path()),
                    "add_csp_service" => Some(csp.as_path()),
                    _ => None,
                };
                let mut a = op_args(op, org, input);
                a.extend(["--token".into(), "vector-token".into()]);
                a
            }
        };
        args.extend([
            "--base-url".into(),
            server.url.clone(),
            "--reseller-id".into(),
            RESELLER.into(),
        ]);
        server.script(vec![], Some(Reply::from_vector(&case["response"])));
        let r = run(bare_mca()
            .env("MCA_TEST_CLOCK", case["now"].as_str().unwrap_or(&now))
            .args(&args));
        let attempts = case["attempts"].as_u64().unwrap_or(1) as usize;
        assert_eq!(
            server.seen().len(),
            attempts,
            "{name}: attempts\n{}",
            r.stderr
        );
        let expect = &case["expect"];
        if let Some(want) = expect.get("ok") {
            assert_eq!(r.code, 0, "{name}: {}{}", r.stdout, r.stderr);
            if op == "finalize_attestation" {
                assert_eq!(r.json()["finalized"], true, "{name}");
            } else {
                subset(want, &r.json(), "").unwrap_or_else(|e| panic!("{name}: {e}\n{}", r.stdout));
            }
        } else {
            check_cli_error(name, &expect["error"], r.code, &r.json());
        }
    }
    let scripted_failures = cases
        .iter()
        .filter(|c| c.get("transport").is_some())
        .count();
    assert_eq!(ran + scripted_failures, cases.len());
    eprintln!("{ran} response vectors passed through the mca binary");
}

#[test]
fn flow_vectors_through_the_cli() {
    let file = vectors("flows.json");
    let now = file["now"].as_str().unwrap().to_string();
    let server = Scripted::start();
    let dir = tempfile::tempdir().unwrap();
    let cases = file["cases"].as_array().unwrap();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let org = case["org"].as_str().or(file["org"].as_str()).unwrap();
        let options = &case["options"];
        let mut args: Vec<String> = match case["flow"].as_str().unwrap() {
            "ensure_accepted" => {
                let input = case
                    .get("input")
                    .filter(|v| !v.is_null())
                    .unwrap_or(&file["input"]);
                let path = dir.path().join(format!("{name}.json"));
                std::fs::write(&path, input.to_string()).unwrap();
                let mut a: Vec<String> = vec![
                    "attestation".into(),
                    "ensure".into(),
                    "--input".into(),
                    path.display().to_string(),
                ];
                if options["wait"] == Value::Bool(false) {
                    a.push("--no-wait".into());
                }
                if let Some(n) = options["confirmAttempts"].as_u64() {
                    a.extend(["--confirm-attempts".into(), n.to_string()]);
                }
                a
            }
            "wait_for_signature" => vec!["attestation".into(), "wait".into()],
            other => panic!("{name}: flow {other}"),
        };
        args.extend([
            "--json".into(),
            "--verbose".into(),
            "--no-jitter".into(),
            "--org".into(),
            org.into(),
        ]);
        if let Some(ms) = options["deadlineMs"].as_u64() {
            args.extend(["--timeout-after".into(), format!("{ms}ms")]);
        }
        if let Some(ms) = options["initialIntervalMs"].as_u64() {
            args.extend(["--interval-ms".into(), ms.to_string()]);
        }
        if let Some(ms) = options["maxIntervalMs"].as_u64() {
            args.extend(["--max-interval-ms".into(), ms.to_string()]);
        }
        args.extend([
            "--base-url".into(),
            server.url.clone(),
            "--reseller-id".into(),
            RESELLER.into(),
            "--token".into(),
            "vector-token".into(),
        ]);
        let script = case["script"].as_array().unwrap();
        let replies = script
            .iter()
            .filter(|s| s.get("request").is_some())
            .map(|s| {
                if s.get("transportError").is_some() {
                    Reply::Drop
                } else {
                    Reply::from_vector(&s["respond"])
                }
            })
            .collect();
        server.script(replies, None);
        let r = run(bare_mca()
            .env("MCA_TEST_CLOCK", case["now"].as_str().unwrap_or(&now))
            .args(&args));

        // The steps the flow took, from the verbose log: requests, sleeps and events in order.
        let mut steps = Vec::new();
        let mut events = Vec::new();
        for line in r.stderr.lines() {
            if let Some(rest) = line.strip_prefix("→ ") {
                steps.push(format!("request {rest}"));
            } else if let Some(ms) = line
                .strip_prefix("· sleep ")
                .and_then(|l| l.strip_suffix(" ms"))
            {
                steps.push(format!("sleep {ms}"));
            } else if let Some(kind) = line.strip_prefix("• event ") {
                events.push(Value::String(kind.to_string()));
            }
        }
        assert_eq!(
            steps.len(),
            script.len(),
            "{name}: steps {steps:#?}\nscript {script:#?}\n{}",
            r.stderr
        );
        for (i, (entry, step)) in script.iter().zip(&steps).enumerate() {
            if let Some(ms) = entry["sleep"].as_u64() {
                assert_eq!(step, &format!("sleep {ms}"), "{name} step {i}");
            } else {
                let (method, tail) = entry["request"].as_str().unwrap().split_once(' ').unwrap();
                let rest = step
                    .strip_prefix("request ")
                    .unwrap_or_else(|| panic!("{name} step {i}: {step}, want {entry}"));
                let (got_method, url) = rest.split_once(' ').unwrap();
                assert_eq!(got_method, method, "{name} step {i}");
                assert!(
                    url.ends_with(tail),
                    "{name} step {i}: {url} does not end with {tail}"
                );
            }
        }
        assert_eq!(Value::Array(events), case["events"], "{name}: events");
        let expect = &case["expect"];
        if let Some(want) = expect.get("ok") {
            assert_eq!(r.code, 0, "{name}: {}{}", r.stdout, r.stderr);
            subset(want, &r.json(), "").unwrap_or_else(|e| panic!("{name}: {e}\n{}", r.stdout));
        } else {
            check_cli_error(name, &expect["error"], r.code, &r.json());
        }
    }
    eprintln!("{} flow vectors passed through the mca binary", cases.len());
}
