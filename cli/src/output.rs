//! Results on stdout: readable key/value tables, or the core's JSON form with `--json`.

use mca_attestation::{
    Acceptance, Attestation, AttestationStarted, AttestationStatus, CspServiceAdded, EnsureOutcome,
    RefreshOutcome, Timestamp, Token, WaitOutcome,
};
use serde::Serialize;

/// Prints `value` as one line of JSON.
pub fn json<T: Serialize + ?Sized>(value: &T) {
    match serde_json::to_string(value) {
        Ok(text) => println!("{text}"),
        Err(e) => eprintln!("error: cannot serialise the result: {e}"),
    }
}

/// Prints aligned `key  value` lines.
pub fn table(rows: &[(&str, String)]) {
    let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    for (key, value) in rows {
        println!("{key:<width$}  {value}");
    }
}

/// The wire-style name of a status.
pub fn status_name(status: AttestationStatus) -> &'static str {
    match status {
        AttestationStatus::Unspecified => "unspecified (0)",
        AttestationStatus::PendingAgreementAcceptance => "pending agreement acceptance (1)",
        AttestationStatus::PendingFinalization => "pending finalization (2)",
        AttestationStatus::Unknown => "unknown",
    }
}

/// A timestamp or `-`.
pub fn when(t: Option<Timestamp>) -> String {
    t.map(|t| t.to_rfc3339()).unwrap_or_else(|| "-".into())
}

fn or_dash(s: Option<&str>) -> String {
    s.filter(|s| !s.is_empty()).unwrap_or("-").to_string()
}

/// `attestation start`.
pub fn started(s: &AttestationStarted) {
    table(&[
        ("attestationId", s.attestation_id.clone()),
        ("agreementLink", s.agreement_link.clone()),
        ("expiresAt", s.expires_at.to_rfc3339()),
    ]);
}

/// `attestation get`.
pub fn attestation(a: &Attestation, now: Timestamp) {
    let status = match a.status {
        AttestationStatus::Unknown => format!("unknown ({})", a.status_code),
        s => status_name(s).to_string(),
    };
    table(&[
        ("attestationId", a.attestation_id.clone()),
        ("status", status),
        (
            "signer",
            format!(
                "{} {} <{}>",
                a.signer.first_name, a.signer.last_name, a.signer.email_address
            ),
        ),
        ("language", or_dash(a.mca_info.language.as_deref())),
        ("country", or_dash(a.mca_info.country.as_deref())),
        ("templateId", or_dash(a.mca_info.template_id.as_deref())),
        ("acceptanceDate", when(a.acceptance_date)),
        ("agreementLink", a.agreement_link.clone()),
        ("expiresAt", when(a.expires_at)),
        ("expired", a.is_expired(now).to_string()),
    ]);
}

/// `acceptance get`.
pub fn acceptance(a: &Acceptance) {
    let mut rows = vec![
        ("accepted", a.accepted.to_string()),
        (
            "acceptedVia",
            if a.accepted_via.is_empty() {
                "-".into()
            } else {
                a.accepted_via.join(", ")
            },
        ),
    ];
    if let Some(p) = &a.partner_attestation {
        if let Some(s) = &p.signer {
            rows.push((
                "signer",
                format!("{} {} <{}>", s.first_name, s.last_name, s.email_address),
            ));
        }
        rows.push(("templateId", or_dash(p.template_id.as_deref())));
        rows.push(("acceptanceDate", when(p.acceptance_date)));
    }
    rows.push(("lastSyncDate", when(a.last_sync_date)));
    table(&rows);
}

/// `acceptance refresh`.
pub fn refresh(r: &RefreshOutcome) {
    match r {
        RefreshOutcome::Started => {
            println!("refresh started (202): the acceptance state is being synced")
        }
        RefreshOutcome::AlreadyRunning { retry_after } => println!(
            "a sync is already running (429){}",
            retry_after
                .map(|d| format!("; retry after {} s", d.as_secs_f64()))
                .unwrap_or_default()
        ),
    }
}

/// `csp add`.
pub fn csp(c: &CspServiceAdded) {
    let mut rows = vec![("status", c.status.to_string())];
    if !c.body.trim().is_empty() {
        rows.push(("response", c.body.trim().to_string()));
    }
    rows.push((
        "automaticAttestation",
        if c.evidence.is_some() {
            "yes (partnerAttestation.automaticFlow = true)".into()
        } else {
            "no".into()
        },
    ));
    table(&rows);
}

/// `attestation wait`.
pub fn wait(w: &WaitOutcome) {
    let status = match w.status {
        mca_attestation::WaitStatus::Signed => "signed: ready to finalize",
        mca_attestation::WaitStatus::Expired => "expired before the signer accepted",
    };
    table(&[
        ("result", status.into()),
        ("attestationId", w.attestation.attestation_id.clone()),
        ("expiresAt", when(w.attestation.expires_at)),
    ]);
}

/// `attestation ensure`.
pub fn ensure(e: &EnsureOutcome) {
    let status = match e.status {
        mca_attestation::EnsureStatus::AlreadyAccepted => "already accepted: nothing to do",
        mca_attestation::EnsureStatus::Accepted => "accepted: signed, finalized and confirmed",
        mca_attestation::EnsureStatus::Finalized => {
            "finalized; the acceptance state does not show it yet (check again later)"
        }
        mca_attestation::EnsureStatus::Pending => "pending: waiting for the signer",
        mca_attestation::EnsureStatus::Expired => {
            "expired: the link expired before the signer accepted"
        }
    };
    let mut rows = vec![("result", status.to_string())];
    if let Some(id) = &e.attestation_id {
        rows.push(("attestationId", id.clone()));
    }
    if let Some(link) = &e.agreement_link {
        rows.push(("agreementLink", link.clone()));
    }
    if let Some(a) = &e.acceptance {
        rows.push(("acceptedVia", a.accepted_via.join(", ")));
    }
    table(&rows);
}

/// `mca token`: the token itself only when asked for.
pub fn token(t: &Token, reveal: bool) {
    if reveal {
        println!("{}", t.access_token);
        return;
    }
    table(&[
        ("accessToken", redact(&t.access_token)),
        ("tokenType", t.token_type.clone()),
        ("expiresAt", t.expires_at.to_rfc3339()),
        ("scope", or_dash(t.scope.as_deref())),
    ]);
}

/// A secret shown only by its length.
pub fn redact(secret: &str) -> String {
    format!(
        "<redacted, {} characters; --reveal prints it>",
        secret.chars().count()
    )
}
