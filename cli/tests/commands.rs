//! Every command against a sandbox served from the test process, including the error exits.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{bare_mca, org, run, start_body, Sandbox, RESELLER};
use serde_json::json;

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn manual_flow_command_by_command() {
    let sb = Sandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let body = write(&dir, "start.json", &start_body());
    let org = org();

    let r = run(sb
        .mca()
        .args(["attestation", "start", "--json", "--org", &org, "--input"])
        .arg(&body));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let started = r.json();
    let id = started["attestationId"].as_str().unwrap().to_string();
    assert!(started["agreementLink"].as_str().unwrap().ends_with(&id));

    // A second start while one is ongoing: 409 → exit 3, with the problem's code.
    let r = run(sb
        .mca()
        .args(["attestation", "start", "--json", "--org", &org, "--input"])
        .arg(&body));
    assert_eq!(r.code, 3, "{}{}", r.stdout, r.stderr);
    let err = r.json();
    assert_eq!(err["error"]["kind"], "api");
    assert_eq!(err["error"]["status"], 409);
    assert_eq!(err["error"]["code"], "AttestationInProgress");

    let r = run(sb
        .mca()
        .args(["attestation", "get", "--json", "--org", &org]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let a = r.json();
    assert_eq!(a["attestationId"], id.as_str());
    assert_eq!(a["status"], "pending_agreement_acceptance");
    assert_eq!(a["mcaInfo"]["language"], "sv-SE");
    assert_eq!(a["mcaInfo"]["country"], "SE");

    // Not signed yet: waiting past the deadline → exit 6.
    let r = run(sb.mca().args([
        "attestation",
        "wait",
        "--org",
        &org,
        "--timeout-after",
        "1",
        "--interval-ms",
        "100",
    ]));
    assert_eq!(r.code, 6, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("deadline"), "{}", r.stderr);

    // Finalize before signing: 409 → exit 3.
    let r = run(sb.mca().args(["attestation", "finalize", "--org", &org]));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("AttestationNotSigned"), "{}", r.stderr);

    sb.admin(&format!("/_sandbox/orgs/{org}/sign"));
    let r = run(sb.mca().args([
        "attestation",
        "wait",
        "--json",
        "--org",
        &org,
        "--interval-ms",
        "50",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["status"], "signed");

    let r = run(sb
        .mca()
        .args(["attestation", "finalize", "--json", "--org", &org]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["finalized"], true);

    let r = run(sb
        .mca()
        .args(["acceptance", "get", "--json", "--org", &org]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let acc = r.json();
    assert_eq!(acc["accepted"], true);
    assert_eq!(acc["acceptedVia"], json!(["PartnerAttestation"]));
    assert_eq!(acc["partnerAttestation"]["signer"]["lastName"], "Lovelace");

    // Readable output too.
    let r = run(sb.mca().args(["acceptance", "get", "--org", &org]));
    assert_eq!(r.code, 0);
    assert!(
        r.stdout.contains("accepted") && r.stdout.contains("PartnerAttestation"),
        "{}",
        r.stdout
    );

    // After finalize there is no ongoing attestation: none, not an error.
    let r = run(sb
        .mca()
        .args(["attestation", "get", "--json", "--org", &org]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json(), serde_json::Value::Null);
    let r = run(sb.mca().args(["attestation", "get", "--org", &org]));
    assert!(r.stdout.contains("no attestation"), "{}", r.stdout);

    let counts = sb.counts(&org);
    assert_eq!(counts["start_attestation"], 2);
    assert_eq!(counts["finalize_attestation"], 2);
}

#[test]
fn ensure_reuses_the_ongoing_attestation_and_writes_evidence() {
    let sb = Sandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let body = write(&dir, "start.json", &start_body());
    let org = org();

    let r = run(sb
        .mca()
        .args([
            "attestation",
            "ensure",
            "--json",
            "--no-wait",
            "--org",
            &org,
            "--input",
        ])
        .arg(&body));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let first = r.json();
    assert_eq!(first["status"], "pending");
    assert!(r.stderr.contains("attestation started"), "{}", r.stderr);

    sb.admin(&format!("/_sandbox/orgs/{org}/sign"));
    let evidence = dir.path().join("evidence.json");
    let r = run(sb
        .mca()
        .args([
            "attestation",
            "ensure",
            "--json",
            "--org",
            &org,
            "--interval-ms",
            "50",
            "--input",
        ])
        .arg(&body)
        .arg("--evidence-out")
        .arg(&evidence));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let second = r.json();
    assert_eq!(second["status"], "accepted");
    assert_eq!(second["attestationId"], first["attestationId"]);
    assert!(
        r.stderr.contains("reusing the ongoing attestation"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("finalized") && r.stderr.contains("acceptance confirmed"));
    let ev: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&evidence).unwrap()).unwrap();
    assert_eq!(ev["flow"], "manual");
    assert_eq!(ev["organizationId"], org.as_str());
    assert_eq!(ev["attestationId"], first["attestationId"]);
    assert!(ev["finalizedAt"].is_string() && ev["confirmedAt"].is_string());
    // Exactly one start in all: the second run reused it.
    assert_eq!(sb.counts(&org)["start_attestation"], 1);

    // Accepted already: nothing is started.
    let r = run(sb
        .mca()
        .args(["attestation", "ensure", "--json", "--org", &org, "--input"])
        .arg(&body));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["status"], "already_accepted");
    assert_eq!(sb.counts(&org)["start_attestation"], 1);
}

#[test]
fn refresh_twice_is_already_running_not_an_error() {
    let sb = Sandbox::start();
    let org = org();
    let r = run(sb
        .mca()
        .args(["acceptance", "refresh", "--json", "--org", &org]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["type"], "started");
    let r = run(sb
        .mca()
        .args(["acceptance", "refresh", "--json", "--org", &org]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = r.json();
    assert_eq!(v["type"], "already_running");
    assert!(v["retryAfterMs"].as_u64().unwrap() >= 1000);
}

#[test]
fn csp_add_automatic_and_invalid_body_sends_nothing() {
    let sb = Sandbox::start();
    let org = org();
    let r = run(sb.mca().args([
        "csp",
        "add",
        "--json",
        "--org",
        &org,
        "--currency",
        "sek",
        "--contact-email",
        "it@example.com",
        "--domain-prefix",
        "contoso",
        "--automatic",
        "--first-name",
        "Ada",
        "--last-name",
        "Lovelace",
        "--email",
        "ada@example.com",
        "--phone",
        "+46 70 123 45 67",
        "--country",
        "SE",
        "--acceptance-date",
        "now",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let added = r.json();
    assert_eq!(added["status"], 200);
    assert_eq!(added["evidence"]["flow"], "automatic");
    let r = run(sb
        .mca()
        .args(["acceptance", "get", "--json", "--org", &org]));
    assert_eq!(r.json()["acceptedVia"], json!(["PartnerAttestation"]));

    // automaticFlow missing (false) and a bad e-mail: exit 2, every pointer, no request.
    let other = common::org();
    let dir = tempfile::tempdir().unwrap();
    let body = write(
        &dir,
        "csp.json",
        &json!({"currencyCode": "SEK", "contactEmail": "nope", "domainPrefix": "contoso",
                "partnerAttestation": {"signer": {"firstName": "Ada", "lastName": "L", "emailAddress": "ada@example.com", "phoneNumber": "+46701234567"}, "country": "SE", "acceptanceDate": "2026-01-01T00:00:00Z"}})
            .to_string(),
    );
    let r = run(sb
        .mca()
        .args(["csp", "add", "--json", "--org", &other, "--input"])
        .arg(&body));
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    let pointers: Vec<String> = r.json()["error"]["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["pointer"].as_str().unwrap().to_string())
        .collect();
    assert!(
        pointers.contains(&"/contactEmail".to_string()),
        "{pointers:?}"
    );
    assert!(
        pointers.contains(&"/partnerAttestation/automaticFlow".to_string()),
        "{pointers:?}"
    );
    assert_eq!(sb.counts(&other)["add_csp_service"], 0);
}

#[test]
fn validate_lists_every_violation_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(
        &dir,
        "bad.json",
        &json!({"signer": {"firstName": " ", "lastName": "L", "emailAddress": "not-an-email", "phoneNumber": "12"},
                "country": "XX", "acceptanceDate": "yesterday"})
            .to_string(),
    );
    let r = run(bare_mca().args(["validate"]).arg(&bad));
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    for pointer in [
        "/signer/firstName",
        "/signer/emailAddress",
        "/signer/phoneNumber",
        "/country",
        "/acceptanceDate",
    ] {
        assert!(
            r.stdout.contains(pointer),
            "{pointer} missing in {}",
            r.stdout
        );
    }
    let r = run(bare_mca().args(["validate", "--json"]).arg(&bad));
    assert_eq!(r.code, 2);
    let v = r.json();
    assert_eq!(v["valid"], false);
    assert_eq!(v["kind"], "start_attestation");
    assert_eq!(v["violations"].as_array().unwrap().len(), 5, "{v}");

    let good = write(&dir, "good.json", &start_body());
    let r = run(bare_mca().args(["validate", "--json"]).arg(&good));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let v = r.json();
    assert_eq!(v["normalized"]["language"], "sv-SE");
    assert_eq!(v["normalized"]["signer"]["phoneNumber"], "+46701234567");

    let csp = write(
        &dir,
        "csp.json",
        &json!({"currencyCode": "EUR", "contactEmail": "a@example.com", "domainPrefix": "x"})
            .to_string(),
    );
    let r = run(bare_mca().args(["validate", "--json"]).arg(&csp));
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(r.json()["kind"], "add_csp_service");

    let broken = write(&dir, "broken.json", "{\"signer\": ");
    let r = run(bare_mca().args(["validate"]).arg(&broken));
    assert_eq!(r.code, 2);
}

#[test]
fn auth_errors_exit_4() {
    let sb = Sandbox::start();
    let org = org();
    let r = run(sb
        .mca()
        .env_remove("MCA_USERNAME")
        .env_remove("MCA_PASSWORD")
        .env("MCA_TOKEN", "not-a-token")
        .args(["acceptance", "get", "--org", &org]));
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert!(r.stderr.contains("unauthorized"), "{}", r.stderr);
    // A token and credentials together: the core's `config` error (exit 2), as in every binding.
    let r =
        run(sb
            .mca()
            .env("MCA_TOKEN", "not-a-token")
            .args(["acceptance", "get", "--org", &org]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("either a token or credentials, not both"),
        "{}",
        r.stderr
    );
    let r = run(sb.mca().env("MCA_PASSWORD", "pw-Zx81-not-it").args([
        "acceptance",
        "get",
        "--org",
        &org,
    ]));
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert!(
        !r.stderr.contains("pw-Zx81-not-it"),
        "the password leaked: {}",
        r.stderr
    );
}

#[test]
fn faults_map_to_exit_codes() {
    let sb = Sandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let body = write(&dir, "start.json", &start_body());

    // A dropped connection on a start (never retried blindly): transport → 5.
    let o = org();
    sb.fault(json!({"op": "start_attestation", "org": o, "fault": "drop"}));
    let r = run(sb
        .mca()
        .args(["attestation", "start", "--json", "--org", &o, "--input"])
        .arg(&body));
    assert_eq!(r.code, 5, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.json()["error"]["kind"], "transport");

    // A success body cut short once: read again by the core, exit 0.
    let o = org();
    sb.fault(json!({"op": "get_acceptance", "org": o, "fault": "truncated"}));
    let r = run(sb.mca().args(["acceptance", "get", "--json", "--org", &o]));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.json()["accepted"], false);

    // Cut short on every attempt: decode → 5.
    let o = org();
    sb.fault(json!({"op": "get_acceptance", "org": o, "fault": "truncated", "count": 3}));
    let r = run(sb.mca().args(["acceptance", "get", "--json", "--org", &o]));
    assert_eq!(r.code, 5, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.json()["error"]["kind"], "decode");

    // An HTML error page (500): api → 3.
    let o = org();
    sb.fault(json!({"op": "get_acceptance", "org": o, "fault": "html", "status": 500}));
    let r = run(sb.mca().args(["acceptance", "get", "--json", "--org", &o]));
    assert_eq!(r.code, 3, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.json()["error"]["status"], 500);

    // Two 503s then success: retried by the core, exit 0.
    let o = org();
    sb.fault(
        json!({"op": "get_acceptance", "org": o, "fault": "status", "status": 503, "count": 2}),
    );
    let r = run(sb.mca().args(["acceptance", "get", "--json", "--org", &o]));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(sb.counts(&o)["get_acceptance"], 3);

    // Nothing listening: transport → 5.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let r = run(bare_mca().args([
        "acceptance",
        "get",
        "--org",
        &org(),
        "--base-url",
        &format!("http://127.0.0.1:{port}"),
        "--reseller-id",
        RESELLER,
        "--token",
        "t",
    ]));
    assert_eq!(r.code, 5, "{}", r.stderr);
}

#[test]
fn configuration_errors_exit_2_and_precedence_is_flags_env_file() {
    let o = org();
    // Nothing configured.
    let r = run(bare_mca().args(["acceptance", "get", "--org", &o]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("base URL"), "{}", r.stderr);
    // Plain http to a non-loopback host.
    let r = run(bare_mca().args([
        "acceptance",
        "get",
        "--org",
        &o,
        "--base-url",
        "http://api.example.com",
        "--reseller-id",
        RESELLER,
        "--token",
        "t",
    ]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    // A bad organisation id: invalid at /organizationId, nothing sent.
    let r = run(bare_mca().args([
        "acceptance",
        "get",
        "--json",
        "--org",
        "{not-a-guid}",
        "--base-url",
        "https://api.example.com",
        "--reseller-id",
        RESELLER,
        "--token",
        "t",
    ]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        r.json()["error"]["violations"][0]["pointer"],
        "/organizationId"
    );

    // The config file supplies what flags and environment do not; they win over it.
    let sb = Sandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        &dir,
        "mca.toml",
        &format!("base_url = \"{}\"\nreseller_id = \"{RESELLER}\"\nusername = \"sandbox\"\npassword = \"sandbox\"\n", sb.url),
    );
    let r = run(bare_mca()
        .args(["acceptance", "get", "--json", "--org", &o, "--config"])
        .arg(&file));
    assert_eq!(r.code, 0, "{}", r.stderr);
    // The environment's wrong password beats the file's right one.
    let r = run(bare_mca()
        .env("MCA_PASSWORD", "wrong")
        .args(["acceptance", "get", "--org", &o, "--config"])
        .arg(&file));
    assert_eq!(r.code, 4, "{}", r.stderr);
    // The flag beats the environment.
    let r = run(bare_mca()
        .env("MCA_PASSWORD", "wrong")
        .args([
            "acceptance",
            "get",
            "--org",
            &o,
            "--password",
            "sandbox",
            "--config",
        ])
        .arg(&file));
    assert_eq!(r.code, 0, "{}", r.stderr);
    // An unknown key in the file is a configuration error.
    let typo = write(&dir, "typo.toml", "baseurl = \"https://x\"\n");
    let r = run(bare_mca()
        .args(["acceptance", "get", "--org", &o, "--config"])
        .arg(&typo));
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn token_is_redacted_unless_revealed() {
    let sb = Sandbox::start();
    let r = run(sb.mca().args(["token", "--reveal"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let secret = r.stdout.trim().to_string();
    assert!(secret.len() >= 16, "{secret}");
    for args in [
        vec!["token"],
        vec!["token", "--json"],
        vec!["token", "--verbose"],
    ] {
        let r = run(sb.mca().args(&args));
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stdout.contains("redacted"), "{}", r.stdout);
        // A new token each time, but never any token text nor the password.
        assert!(!r.stdout.contains(&secret) && !r.stderr.contains(&secret));
    }
    // --help never shows secret environment values.
    let r = run(sb.mca().env("MCA_TOKEN", "very-secret-token").arg("--help"));
    assert!(!r.stdout.contains("very-secret-token"), "{}", r.stdout);
    assert!(!r.stdout.contains("MCA_PASSWORD=sandbox"), "{}", r.stdout);
}

#[test]
fn sandbox_command_prints_its_url_and_stops_on_sigint() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mca"))
        .args([
            "sandbox",
            "--port",
            "0",
            "--link-ttl",
            "60",
            "--sync-seconds",
            "1",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("mca-sandbox listening on ")
        .unwrap_or_else(|| panic!("{line}"))
        .to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let r = run(bare_mca().args([
        "acceptance",
        "get",
        "--json",
        "--org",
        &org(),
        "--base-url",
        &url,
        "--reseller-id",
        RESELLER,
        "--username",
        "sandbox",
        "--password",
        "sandbox",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["accepted"], false);
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "{status:?}");
            break;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("mca sandbox did not stop on SIGINT");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn every_command_has_help_with_examples() {
    for args in [
        vec!["--help"],
        vec!["demo", "--help"],
        vec!["sandbox", "--help"],
        vec!["attestation", "start", "--help"],
        vec!["attestation", "get", "--help"],
        vec!["attestation", "finalize", "--help"],
        vec!["attestation", "wait", "--help"],
        vec!["attestation", "ensure", "--help"],
        vec!["acceptance", "get", "--help"],
        vec!["acceptance", "refresh", "--help"],
        vec!["csp", "add", "--help"],
        vec!["validate", "--help"],
        vec!["token", "--help"],
        vec!["report", "--help"],
    ] {
        let r = run(bare_mca().args(&args));
        assert_eq!(r.code, 0, "{args:?}");
        assert!(
            r.stdout.contains("Example"),
            "{args:?} has no example:\n{}",
            r.stdout
        );
    }
}
