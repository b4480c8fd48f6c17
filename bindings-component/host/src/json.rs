//! The component's records to and from the core's JSON form (camelCase members, RFC 3339 times,
//! `null` for none), as `tests/vectors` write them; and [`call`], which runs an operation by name.

use anyhow::{bail, Result};
use serde_json::{json, Map, Value};

use crate::{wit, Client, Instance};

fn text(v: &Value, key: &str) -> String {
    v[key].as_str().unwrap_or_default().to_string()
}

fn opt(v: &Value, key: &str) -> Option<String> {
    v[key].as_str().map(str::to_string)
}

/// A signer from JSON (absent members empty, as the core's `default`).
pub fn signer_in(v: &Value) -> wit::Signer {
    wit::Signer {
        first_name: text(v, "firstName"),
        last_name: text(v, "lastName"),
        email_address: text(v, "emailAddress"),
        phone_number: text(v, "phoneNumber"),
    }
}

/// A start body from JSON.
pub fn start_in(v: &Value) -> wit::StartAttestation {
    wit::StartAttestation {
        signer: signer_in(&v["signer"]),
        language: opt(v, "language"),
        country: text(v, "country"),
        acceptance_date: text(v, "acceptanceDate"),
    }
}

/// An add-CSP-service body from JSON.
pub fn csp_in(v: &Value) -> wit::AddCspService {
    let pa = &v["partnerAttestation"];
    wit::AddCspService {
        id: opt(v, "id"),
        currency_code: text(v, "currencyCode"),
        organization_number: opt(v, "organizationNumber"),
        contact_email: text(v, "contactEmail"),
        contact_first_name: opt(v, "contactFirstName"),
        contact_last_name: opt(v, "contactLastName"),
        contact_phone: opt(v, "contactPhone"),
        city: opt(v, "city"),
        address: opt(v, "address"),
        postal_code: opt(v, "postalCode"),
        domain_prefix: text(v, "domainPrefix"),
        partner_attestation: pa.is_object().then(|| wit::PartnerAttestation {
            automatic_flow: pa["automaticFlow"].as_bool().unwrap_or(false),
            signer: signer_in(&pa["signer"]),
            language: opt(pa, "language"),
            country: text(pa, "country"),
            acceptance_date: text(pa, "acceptanceDate"),
        }),
    }
}

/// Credentials from the vectors' JSON form.
pub fn credentials(k: &Value) -> wit::Credentials {
    wit::Credentials {
        username: text(k, "username"),
        password: text(k, "password"),
        client_id: opt(k, "clientId"),
        client_secret: opt(k, "clientSecret"),
        client_auth: match k["clientAuth"].as_str() {
            Some("body") => Some(wit::ClientAuth::Body),
            Some("basic") => Some(wit::ClientAuth::Basic),
            _ => None,
        },
        scope: opt(k, "scope"),
    }
}

/// Client options from a vector's `config` and `auth` (flows.json defaults when absent: a
/// bearer token `vector-token`). `auth` holds `token` and/or `credentials`, passed as they are.
pub fn client_options(config: Option<&Value>, auth: Option<&Value>) -> wit::ClientOptions {
    let c = config.cloned().unwrap_or(Value::Null);
    let (token, credentials) = match auth {
        Some(a) => (
            opt(a, "token"),
            a.get("credentials")
                .filter(|k| !k.is_null())
                .map(credentials),
        ),
        None => (Some("vector-token".to_string()), None),
    };
    wit::ClientOptions {
        base_url: c["baseUrl"]
            .as_str()
            .unwrap_or("https://api.example.test/")
            .to_string(),
        reseller_id: c["resellerId"]
            .as_str()
            .unwrap_or("11111111-1111-4111-8111-111111111111")
            .to_string(),
        token,
        credentials,
        token_url: opt(&c, "tokenUrl"),
        user_agent: opt(&c, "userAgentExtra"),
        correlation_id: opt(&c, "correlationId"),
        request_timeout_ms: c["requestTimeoutMs"].as_i64(),
        retry_max_attempts: c["retryMaxAttempts"]
            .as_i64()
            .and_then(|n| i32::try_from(n).ok()),
    }
}

fn signer(s: &wit::Signer) -> Value {
    json!({"firstName": s.first_name, "lastName": s.last_name,
           "emailAddress": s.email_address, "phoneNumber": s.phone_number})
}

/// A start body as JSON (absent options omitted, as the core serialises them).
pub fn start_out(s: &wit::StartAttestation) -> Value {
    let mut m = Map::new();
    m.insert("signer".into(), signer(&s.signer));
    if let Some(l) = &s.language {
        m.insert("language".into(), json!(l));
    }
    m.insert("country".into(), json!(s.country));
    m.insert("acceptanceDate".into(), json!(s.acceptance_date));
    Value::Object(m)
}

/// An add-CSP-service body as JSON (absent options omitted).
pub fn csp_out(c: &wit::AddCspService) -> Value {
    let mut m = Map::new();
    let mut put = |k: &str, v: Option<Value>| {
        if let Some(v) = v {
            m.insert(k.into(), v);
        }
    };
    put("id", c.id.as_ref().map(|v| json!(v)));
    put("currencyCode", Some(json!(c.currency_code)));
    put(
        "organizationNumber",
        c.organization_number.as_ref().map(|v| json!(v)),
    );
    put("contactEmail", Some(json!(c.contact_email)));
    put(
        "contactFirstName",
        c.contact_first_name.as_ref().map(|v| json!(v)),
    );
    put(
        "contactLastName",
        c.contact_last_name.as_ref().map(|v| json!(v)),
    );
    put("contactPhone", c.contact_phone.as_ref().map(|v| json!(v)));
    put("city", c.city.as_ref().map(|v| json!(v)));
    put("address", c.address.as_ref().map(|v| json!(v)));
    put("postalCode", c.postal_code.as_ref().map(|v| json!(v)));
    put("domainPrefix", Some(json!(c.domain_prefix)));
    put(
        "partnerAttestation",
        c.partner_attestation.as_ref().map(|p| {
            let mut o = Map::new();
            o.insert("automaticFlow".into(), json!(p.automatic_flow));
            o.insert("signer".into(), signer(&p.signer));
            if let Some(l) = &p.language {
                o.insert("language".into(), json!(l));
            }
            o.insert("country".into(), json!(p.country));
            o.insert("acceptanceDate".into(), json!(p.acceptance_date));
            Value::Object(o)
        }),
    );
    Value::Object(m)
}

fn status(s: wit::AttestationStatus) -> &'static str {
    match s {
        wit::AttestationStatus::Unspecified => "unspecified",
        wit::AttestationStatus::PendingAgreementAcceptance => "pending_agreement_acceptance",
        wit::AttestationStatus::PendingFinalization => "pending_finalization",
        wit::AttestationStatus::Unknown => "unknown",
    }
}

/// An attestation as JSON.
pub fn attestation(a: &wit::Attestation) -> Value {
    json!({
        "attestationId": a.attestation_id, "signer": signer(&a.signer),
        "mcaInfo": {"language": a.mca_info.language, "country": a.mca_info.country,
                    "templateId": a.mca_info.template_id},
        "acceptanceDate": a.acceptance_date, "status": status(a.status),
        "statusCode": a.status_code, "agreementLink": a.agreement_link, "expiresAt": a.expires_at,
    })
}

/// The acceptance state as JSON.
pub fn acceptance(a: &wit::Acceptance) -> Value {
    json!({
        "accepted": a.accepted, "acceptedVia": a.accepted_via,
        "partnerAttestation": a.partner_attestation.as_ref().map(|p| json!({
            "signer": p.signer.as_ref().map(signer), "templateId": p.template_id,
            "acceptanceDate": p.acceptance_date})),
        "lastSyncDate": a.last_sync_date,
    })
}

fn evidence(e: &wit::AcceptanceEvidence) -> Value {
    json!({
        "flow": match e.flow { wit::FlowKind::Manual => "manual", wit::FlowKind::Automatic => "automatic" },
        "organizationId": e.organization_id, "attestationId": e.attestation_id,
        "signer": signer(&e.signer), "language": e.language, "country": e.country,
        "templateId": e.template_id, "acceptanceDate": e.acceptance_date,
        "agreementLink": e.agreement_link, "startedAt": e.started_at, "signedAt": e.signed_at,
        "finalizedAt": e.finalized_at, "confirmedAt": e.confirmed_at,
    })
}

/// The outcome of wait-for-signature as JSON.
pub fn wait_outcome(w: &wit::WaitOutcome) -> Value {
    json!({
        "status": match w.status { wit::WaitStatus::Signed => "signed", wit::WaitStatus::Expired => "expired" },
        "attestation": attestation(&w.attestation),
    })
}

/// The outcome of ensure-accepted as JSON.
pub fn ensure_outcome(e: &wit::EnsureOutcome) -> Value {
    use wit::EnsureStatus as S;
    json!({
        "status": match e.status {
            S::AlreadyAccepted => "already_accepted", S::Accepted => "accepted",
            S::Finalized => "finalized", S::Pending => "pending", S::Expired => "expired",
        },
        "acceptance": e.acceptance.as_ref().map(acceptance),
        "attestationId": e.attestation_id, "agreementLink": e.agreement_link,
        "evidence": e.evidence.as_ref().map(evidence),
    })
}

/// The `type` of a flow event (the core's snake_case names).
pub fn event_type(e: &wit::FlowEvent) -> &'static str {
    match e {
        wit::FlowEvent::AcceptanceChecked(_) => "acceptance_checked",
        wit::FlowEvent::AttestationStarted(_) => "attestation_started",
        wit::FlowEvent::AttestationReused(_) => "attestation_reused",
        wit::FlowEvent::Signed(_) => "signed",
        wit::FlowEvent::Finalized(_) => "finalized",
        wit::FlowEvent::Confirmed(_) => "confirmed",
    }
}

/// The stable kind string of an error view.
pub fn kind(k: wit::ErrorKind) -> &'static str {
    use wit::ErrorKind as K;
    match k {
        K::Invalid => "invalid",
        K::Api => "api",
        K::Unauthorized => "unauthorized",
        K::Forbidden => "forbidden",
        K::RateLimited => "rate_limited",
        K::Transport => "transport",
        K::Decode => "decode",
        K::Deadline => "deadline",
        K::Config => "config",
        K::Cancelled => "cancelled",
    }
}

/// The error view as JSON, with the members an error expectation names.
pub fn error(e: &wit::ErrorView) -> Value {
    json!({
        "kind": kind(e.kind), "message": e.message, "status": e.status, "code": e.code,
        "title": e.title, "detail": e.detail,
        "violations": e.violations.iter().map(|v| json!({"pointer": v.pointer, "detail": v.detail})).collect::<Vec<_>>(),
        "retryAfterMs": e.retry_after_ms, "traceId": e.trace_id, "bodyExcerpt": e.body_excerpt,
    })
}

/// Runs operation `op` (a vectors name) on `client`; the output as the core's JSON.
pub fn call(
    inst: &mut Instance,
    client: Client,
    op: &str,
    org: &str,
    input: &Value,
) -> Result<Result<Value, wit::ErrorView>> {
    let (api, store) = inst.api();
    let c = api.client();
    let h = Instance::handle(client);
    Ok(match op {
        "start_attestation" => c
            .call_start_attestation(store, h, org, &start_in(input))?
            .map(|s| json!({"attestationId": s.attestation_id, "agreementLink": s.agreement_link, "expiresAt": s.expires_at})),
        "get_attestation" => c
            .call_get_attestation(store, h, org)?
            .map(|a| a.as_ref().map(attestation).unwrap_or(Value::Null)),
        "finalize_attestation" => c.call_finalize_attestation(store, h, org)?.map(|()| Value::Null),
        "get_acceptance" => c.call_get_acceptance(store, h, org)?.map(|a| acceptance(&a)),
        "refresh_acceptance" => c.call_refresh_acceptance(store, h, org)?.map(|r| match r {
            wit::RefreshOutcome::Started => json!({"type": "started"}),
            wit::RefreshOutcome::AlreadyRunning(ms) => {
                json!({"type": "already_running", "retryAfterMs": ms})
            }
        }),
        "add_csp_service" => c.call_add_csp_service(store, h, org, &csp_in(input))?.map(|r| {
            json!({"status": r.status, "body": r.body, "evidence": r.evidence.as_ref().map(evidence)})
        }),
        "token" => c.call_token(store, h)?.map(|t| {
            json!({"accessToken": t.access_token, "tokenType": t.token_type,
                   "issuedAt": t.issued_at, "expiresAt": t.expires_at, "scope": t.scope})
        }),
        other => bail!("unknown op {other}"),
    })
}
