//! Every conversion between the WIT records (`wit/attestation.wit`) and the core's types, in one
//! place. The option records are the core's member for member: they are copied, and the core
//! decides every rule (no checks here).

use std::time::{Duration, SystemTime};

use mca_attestation as core;
use mca_attestation::{McaError as Error, Timestamp};

use crate::bindings::mca::attestation::types as wit;

/// Milliseconds of a duration, saturating.
pub fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// A timestamp from epoch milliseconds (the epoch itself when out of range).
pub fn timestamp_ms(ms: i64) -> Timestamp {
    Timestamp::from_unix_millis(ms)
        .unwrap_or_else(|| Timestamp::from_system_time(SystemTime::UNIX_EPOCH))
}

fn time(t: Timestamp) -> String {
    t.to_rfc3339()
}

fn opt_time(t: Option<Timestamp>) -> Option<String> {
    t.map(time)
}

/// An organisation id from a call's argument (`invalid` at `/organizationId` when malformed).
pub fn org(text: &str) -> Result<core::OrganizationId, Error> {
    core::OrganizationId::parse(text)
}

// ---------------------------------------------------------------- errors

/// The flat error view of `error`: the core's own [`core::ErrorView`] (kind, message, detail,
/// violations … as every binding shows them), carried member for member into the WIT record.
/// `cancelled` when the host cancelled the call (the core's `cancelled` kind and message).
pub fn error_view(error: &Error, cancelled: bool) -> wit::ErrorView {
    use core::ErrorKind as C;
    use wit::ErrorKind as K;
    let view = if cancelled {
        core::ErrorView::from(&Error::cancelled())
    } else {
        core::ErrorView::from(error)
    };
    wit::ErrorView {
        kind: match view.kind {
            C::Invalid => K::Invalid,
            C::Api => K::Api,
            C::Unauthorized => K::Unauthorized,
            C::Forbidden => K::Forbidden,
            C::RateLimited => K::RateLimited,
            C::Transport => K::Transport,
            C::Decode => K::Decode,
            C::Deadline => K::Deadline,
            C::Config => K::Config,
            C::Cancelled => K::Cancelled,
        },
        message: view.message,
        status: view.status.and_then(|s| u16::try_from(s).ok()),
        code: view.code,
        title: view.title,
        detail: view.detail,
        violations: view
            .violations
            .into_iter()
            .map(|v| wit::Violation {
                pointer: v.pointer,
                detail: v.detail,
            })
            .collect(),
        retry_after_ms: view.retry_after_ms.and_then(|ms| u64::try_from(ms).ok()),
        trace_id: view.trace_id,
        body_excerpt: view.body_excerpt,
    }
}

// ---------------------------------------------------------------- options

/// The core's client options, member for member (the core's `Session::from_options` decides).
pub fn client_options(o: wit::ClientOptions) -> core::ClientOptions {
    core::ClientOptions {
        base_url: o.base_url,
        reseller_id: o.reseller_id,
        token: o.token,
        credentials: o.credentials.map(|c| core::Credentials {
            username: c.username,
            password: c.password,
            client_id: c.client_id,
            client_secret: c.client_secret,
            client_auth: c.client_auth.map(|a| match a {
                wit::ClientAuth::Basic => core::ClientAuth::Basic,
                wit::ClientAuth::Body => core::ClientAuth::Body,
            }),
            scope: c.scope,
        }),
        token_url: o.token_url,
        user_agent: o.user_agent,
        correlation_id: o.correlation_id,
        request_timeout_ms: o.request_timeout_ms,
        retry_max_attempts: o.retry_max_attempts,
    }
}

/// The core's wait options, member for member.
pub fn wait_options(o: wit::WaitOptions) -> core::WaitOptions {
    core::WaitOptions {
        deadline_ms: o.deadline_ms,
        poll_interval_ms: o.poll_interval_ms,
        max_poll_interval_ms: o.max_poll_interval_ms,
        jitter_seed: o.jitter_seed,
    }
}

/// The core's ensure options, member for member.
pub fn ensure_options(o: wit::EnsureAcceptedOptions) -> core::EnsureAcceptedOptions {
    core::EnsureAcceptedOptions {
        wait: o.wait,
        confirm_attempts: o.confirm_attempts,
        deadline_ms: o.deadline_ms,
        poll_interval_ms: o.poll_interval_ms,
        max_poll_interval_ms: o.max_poll_interval_ms,
        jitter_seed: o.jitter_seed,
    }
}

// ---------------------------------------------------------------- host interface

/// A core request as the host's record.
pub fn request(r: core::HttpRequest, timeout: Duration) -> wit::HttpRequest {
    wit::HttpRequest {
        op: r.op.name().to_string(),
        method: r.method.as_str().to_string(),
        url: r.url,
        headers: r
            .headers
            .into_iter()
            .map(|h| wit::Header {
                name: h.name,
                value: h.value,
            })
            .collect(),
        body: r.body,
        timeout_ms: millis(timeout),
    }
}

/// The host's response as the core's.
pub fn response(r: wit::HttpResponse) -> core::HttpResponse {
    let headers = r
        .headers
        .into_iter()
        .map(|h| core::Header::new(h.name, h.value))
        .collect();
    core::HttpResponse::new(r.status, headers, r.body)
}

fn link(id: &str, link: &str, expires: Option<Timestamp>) -> wit::AttestationLink {
    wit::AttestationLink {
        attestation_id: id.to_string(),
        agreement_link: link.to_string(),
        expires_at: opt_time(expires),
    }
}

/// A flow event as the host's record.
pub fn event(e: &core::FlowEvent) -> wit::FlowEvent {
    use core::FlowEvent as E;
    match e {
        E::AcceptanceChecked { accepted } => wit::FlowEvent::AcceptanceChecked(*accepted),
        E::AttestationStarted {
            attestation_id,
            agreement_link,
            expires_at,
        } => wit::FlowEvent::AttestationStarted(link(
            attestation_id,
            agreement_link,
            Some(*expires_at),
        )),
        E::AttestationReused {
            attestation_id,
            agreement_link,
            expires_at,
            ..
        } => wit::FlowEvent::AttestationReused(link(attestation_id, agreement_link, *expires_at)),
        E::Signed { attestation_id } => wit::FlowEvent::Signed(attestation_id.clone()),
        E::Finalized { attestation_id } => wit::FlowEvent::Finalized(attestation_id.clone()),
        E::Confirmed { accepted_via } => wit::FlowEvent::Confirmed(accepted_via.clone()),
    }
}

// ---------------------------------------------------------------- inputs

fn signer_in(s: wit::Signer) -> core::Signer {
    core::Signer::new(s.first_name, s.last_name, s.email_address, s.phone_number)
}

fn signer_out(s: core::Signer) -> wit::Signer {
    wit::Signer {
        first_name: s.first_name,
        last_name: s.last_name,
        email_address: s.email_address,
        phone_number: s.phone_number,
    }
}

/// A start body as the core's.
pub fn start_in(s: wit::StartAttestation) -> core::StartAttestation {
    core::StartAttestation {
        signer: signer_in(s.signer),
        language: s.language,
        country: s.country,
        acceptance_date: s.acceptance_date,
    }
}

/// A (normalised) start body as the record.
pub fn start_out(s: core::StartAttestation) -> wit::StartAttestation {
    wit::StartAttestation {
        signer: signer_out(s.signer),
        language: s.language,
        country: s.country,
        acceptance_date: s.acceptance_date,
    }
}

/// An add-CSP-service body as the core's.
pub fn csp_in(c: wit::AddCspService) -> core::AddCspService {
    core::AddCspService {
        id: c.id,
        currency_code: c.currency_code,
        organization_number: c.organization_number,
        contact_email: c.contact_email,
        contact_first_name: c.contact_first_name,
        contact_last_name: c.contact_last_name,
        contact_phone: c.contact_phone,
        city: c.city,
        address: c.address,
        postal_code: c.postal_code,
        domain_prefix: c.domain_prefix,
        partner_attestation: c.partner_attestation.map(|p| core::PartnerAttestation {
            automatic_flow: p.automatic_flow,
            signer: signer_in(p.signer),
            language: p.language,
            country: p.country,
            acceptance_date: p.acceptance_date,
        }),
    }
}

/// A (normalised) add-CSP-service body as the record.
pub fn csp_out(c: core::AddCspService) -> wit::AddCspService {
    wit::AddCspService {
        id: c.id,
        currency_code: c.currency_code,
        organization_number: c.organization_number,
        contact_email: c.contact_email,
        contact_first_name: c.contact_first_name,
        contact_last_name: c.contact_last_name,
        contact_phone: c.contact_phone,
        city: c.city,
        address: c.address,
        postal_code: c.postal_code,
        domain_prefix: c.domain_prefix,
        partner_attestation: c.partner_attestation.map(|p| wit::PartnerAttestation {
            automatic_flow: p.automatic_flow,
            signer: signer_out(p.signer),
            language: p.language,
            country: p.country,
            acceptance_date: p.acceptance_date,
        }),
    }
}

// ---------------------------------------------------------------- outputs

/// Answer of start.
pub fn started(s: core::AttestationStarted) -> wit::AttestationStarted {
    wit::AttestationStarted {
        attestation_id: s.attestation_id,
        agreement_link: s.agreement_link,
        expires_at: time(s.expires_at),
    }
}

/// An attestation.
pub fn attestation(a: core::Attestation) -> wit::Attestation {
    use core::AttestationStatus as S;
    wit::Attestation {
        attestation_id: a.attestation_id,
        signer: signer_out(a.signer),
        mca_info: wit::McaInfo {
            language: a.mca_info.language,
            country: a.mca_info.country,
            template_id: a.mca_info.template_id,
        },
        acceptance_date: opt_time(a.acceptance_date),
        status: match a.status {
            S::Unspecified => wit::AttestationStatus::Unspecified,
            S::PendingAgreementAcceptance => wit::AttestationStatus::PendingAgreementAcceptance,
            S::PendingFinalization => wit::AttestationStatus::PendingFinalization,
            S::Unknown => wit::AttestationStatus::Unknown,
        },
        status_code: a.status_code,
        agreement_link: a.agreement_link,
        expires_at: opt_time(a.expires_at),
    }
}

/// The acceptance state.
pub fn acceptance(a: core::Acceptance) -> wit::Acceptance {
    wit::Acceptance {
        accepted: a.accepted,
        accepted_via: a.accepted_via,
        partner_attestation: a
            .partner_attestation
            .map(|p| wit::PartnerAttestationAcceptance {
                signer: p.signer.map(signer_out),
                template_id: p.template_id,
                acceptance_date: opt_time(p.acceptance_date),
            }),
        last_sync_date: opt_time(a.last_sync_date),
    }
}

/// Answer of refresh.
pub fn refresh(r: core::RefreshOutcome) -> wit::RefreshOutcome {
    match r {
        core::RefreshOutcome::Started => wit::RefreshOutcome::Started,
        core::RefreshOutcome::AlreadyRunning { retry_after } => {
            wit::RefreshOutcome::AlreadyRunning(retry_after.map(millis))
        }
    }
}

fn evidence(e: core::AcceptanceEvidence) -> wit::AcceptanceEvidence {
    wit::AcceptanceEvidence {
        flow: match e.flow {
            core::FlowKind::Manual => wit::FlowKind::Manual,
            core::FlowKind::Automatic => wit::FlowKind::Automatic,
        },
        organization_id: e.organization_id,
        attestation_id: e.attestation_id,
        signer: signer_out(e.signer),
        language: e.language,
        country: e.country,
        template_id: e.template_id,
        acceptance_date: opt_time(e.acceptance_date),
        agreement_link: e.agreement_link,
        started_at: opt_time(e.started_at),
        signed_at: opt_time(e.signed_at),
        finalized_at: opt_time(e.finalized_at),
        confirmed_at: opt_time(e.confirmed_at),
    }
}

/// Answer of add CSP service.
pub fn csp_added(c: core::CspServiceAdded) -> wit::CspServiceAdded {
    wit::CspServiceAdded {
        status: c.status.get(),
        body: c.body,
        evidence: c.evidence.map(evidence),
    }
}

/// A token.
pub fn token(t: core::Token) -> wit::Token {
    wit::Token {
        access_token: t.access_token,
        token_type: t.token_type,
        issued_at: time(t.issued_at),
        expires_at: time(t.expires_at),
        scope: t.scope,
    }
}

/// Result of wait-for-signature.
pub fn wait_outcome(w: core::WaitOutcome) -> wit::WaitOutcome {
    wit::WaitOutcome {
        status: match w.status {
            core::WaitStatus::Signed => wit::WaitStatus::Signed,
            core::WaitStatus::Expired => wit::WaitStatus::Expired,
        },
        attestation: attestation(w.attestation),
    }
}

/// Result of ensure-accepted.
pub fn ensure_outcome(e: core::EnsureOutcome) -> wit::EnsureOutcome {
    use core::EnsureStatus as S;
    wit::EnsureOutcome {
        status: match e.status {
            S::AlreadyAccepted => wit::EnsureStatus::AlreadyAccepted,
            S::Accepted => wit::EnsureStatus::Accepted,
            S::Finalized => wit::EnsureStatus::Finalized,
            S::Pending => wit::EnsureStatus::Pending,
            S::Expired => wit::EnsureStatus::Expired,
        },
        acceptance: e.acceptance.map(acceptance),
        attestation_id: e.attestation_id,
        agreement_link: e.agreement_link,
        evidence: e.evidence.map(evidence),
    }
}
