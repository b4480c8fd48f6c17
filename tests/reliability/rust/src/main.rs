//! Matrix driver, Rust: N concurrent [`Session::ensure_accepted`] calls on ONE `Session`, over the
//! CLI's reqwest platform (`cli/src/platform.rs`, included as is, so the row tests the shipped one).
//!
//! Usage: `mca-reliability-driver BASE_URL RESELLER ORG wait|nowait CALLERS DEADLINE_S`.
//! Prints one JSON line: `{"clients": 1, "callers": [{"status", "attestationId"} | {"error"}]}`.

use std::time::Duration;

use futures_util::future::join_all;
use mca_attestation::{
    Auth, ClientAuth, ClientConfig, Credentials, EnsureOptions, McaError, OrganizationId, Platform,
    PollOptions, Session, Signer, StartAttestation,
};
use serde_json::{json, Value};

#[allow(dead_code, missing_docs, clippy::result_large_err)]
#[path = "../../../../cli/src/platform.rs"]
mod platform;

/// `kind[ status][ code]`, as every driver reports an error.
fn describe(e: &McaError) -> String {
    let mut parts = vec![e.kind().to_string()];
    if let Some(status) = e.status() {
        parts.push(status.to_string());
    }
    if let Some(code) = e.problem().and_then(|p| p.code.clone()) {
        parts.push(code);
    }
    parts.join(" ")
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [base_url, reseller, org, mode, callers, deadline] = args.as_slice() else {
        return Err("usage: BASE_URL RESELLER ORG wait|nowait CALLERS DEADLINE_S".into());
    };
    let callers: usize = callers.parse().map_err(|e| format!("callers: {e}"))?;
    let deadline: f64 = deadline.parse().map_err(|e| format!("deadline: {e}"))?;
    let config = ClientConfig::new(base_url, reseller, "rust").map_err(|e| e.to_string())?;
    let session = Session::new(
        config,
        Auth::Password(Credentials {
            username: "sandbox".into(),
            password: "sandbox".into(),
            client_id: None,
            client_secret: None,
            client_auth: Some(ClientAuth::Basic),
            scope: None,
        }),
    );
    // The CLI's default request timeout.
    let net = platform::Net::new(Duration::from_secs(30), false).map_err(|e| e.to_string())?;
    let org = OrganizationId::parse(org).map_err(|e| e.to_string())?;
    let now = net.now();
    let body = StartAttestation {
        signer: Signer::new("Ada", "Lovelace", "ada@example.com", "+46 70 123 45 67"),
        language: Some("sv-SE".into()),
        country: "SE".into(),
        acceptance_date: now.sub(Duration::from_secs(60)).to_rfc3339(),
    };
    let options = EnsureOptions {
        wait: mode == "wait",
        poll: PollOptions {
            initial_interval: Duration::from_millis(200),
            max_interval: Duration::from_millis(500),
            deadline: Some(now.add(Duration::from_secs_f64(deadline))),
            jitter_seed: 0,
        },
        ..EnsureOptions::default()
    };
    let calls = (0..callers).map(|_| {
        let (session, net, org, body, options) =
            (&session, &net, &org, body.clone(), options.clone());
        async move {
            match session.ensure_accepted(net, org, body, options).await {
                Ok(out) => json!({
                    "status": serde_json::to_value(out.status).unwrap_or(Value::Null),
                    "attestationId": out.attestation_id,
                }),
                Err(e) => json!({ "error": describe(&e) }),
            }
        }
    });
    let results = join_all(calls).await;
    println!("{}", json!({ "clients": 1, "callers": results }));
    Ok(())
}
