//! [`EnsureAccepted`]: make sure a customer has accepted the MCA, doing only what is missing.
//!
//! Acceptance present → done. An ongoing, unexpired attestation → reuse it (never start a second).
//! Otherwise start one. A start whose outcome is unknown (no response, 5xx, unreadable success) is
//! followed by a GET before any second POST. Then wait for the signature, finalize, and confirm
//! through the acceptance state (refreshing it while it lags).
//!
//! Concurrent callers on one organisation: when another caller finalized first, the attestation is
//! gone (a 404 while waiting) or cannot be finalized again (404/409 on finalize). Those answers are
//! not failures in themselves: the flow re-reads the acceptance state (the confirm path) and ends
//! `accepted` when it shows the acceptance; only when it never does is the 404/409 returned.

use serde::{Deserialize, Serialize};

use crate::error::McaError;
use crate::flow::{
    next_wait, Call, FlowEvent, Input, Jitter, Machine, PollOptions, RetryPolicy, Step,
    WaitForSignature, WaitOutcome, WaitStatus,
};
use crate::http::ClientConfig;
use crate::ids::OrganizationId;
use crate::model::{Acceptance, Attestation, AttestationStatus, RefreshOutcome, StartAttestation};
use crate::model::{AcceptanceEvidence, FlowKind};
use crate::ops::{
    FinalizeAttestationOp, GetAcceptanceOp, GetAttestationOp, RefreshAcceptanceOp,
    StartAttestationOp,
};
use crate::timestamp::Timestamp;
use crate::validate;

/// How [`EnsureAccepted`] behaves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
// Not a uniffi record: bindings take `EnsureAcceptedOptions` (no unsigned members).
pub struct EnsureOptions {
    /// Wait for the signer (true, default) or return `pending` once the attestation exists.
    pub wait: bool,
    /// Polling schedule and deadline.
    pub poll: PollOptions,
    /// Reads of the acceptance state after finalize before returning `finalized` (default 5).
    pub confirm_attempts: u32,
}

impl Default for EnsureOptions {
    fn default() -> Self {
        Self {
            wait: true,
            poll: PollOptions::default(),
            confirm_attempts: 5,
        }
    }
}

/// Where [`EnsureAccepted`] ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub enum EnsureStatus {
    /// The customer had accepted already; nothing was started.
    AlreadyAccepted,
    /// Signed, finalized and confirmed by the acceptance state.
    Accepted,
    /// Finalized, but the acceptance state did not show it yet; check again later.
    Finalized,
    /// (`wait: false`) the attestation exists; the signer has not accepted yet.
    Pending,
    /// The link expired before the signer accepted; a new call starts a new attestation.
    Expired,
}

/// Result of [`EnsureAccepted`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct EnsureOutcome {
    /// Where it ended.
    pub status: EnsureStatus,
    /// The acceptance state as last read.
    pub acceptance: Option<Acceptance>,
    /// The attestation worked on, if any.
    pub attestation_id: Option<String>,
    /// Its agreement link, if any.
    pub agreement_link: Option<String>,
    /// Evidence so far (absent for `already_accepted`).
    pub evidence: Option<AcceptanceEvidence>,
}

/// Why the attestation is being looked up.
#[derive(Debug)]
enum Lookup {
    Initial,
    /// After a start whose outcome is unknown, or a 409; the error is returned if nothing is found
    /// and no second start is allowed.
    AfterStart(Box<McaError>),
}

#[derive(Debug)]
enum State {
    Init,
    CheckAcceptance(Call<GetAcceptanceOp>),
    Find(Call<GetAttestationOp>, Lookup),
    /// No attestation was found: the acceptance state is read again before starting one, because a
    /// racing caller may have finalized between the first read and the lookup (the API then shows
    /// neither an ongoing attestation nor, in the first read, the acceptance).
    Recheck(Call<GetAcceptanceOp>, Lookup),
    Start(Call<StartAttestationOp>),
    Wait(WaitForSignature),
    Finalize(Call<FinalizeAttestationOp>),
    Confirm(Call<GetAcceptanceOp>),
    Refresh(Call<RefreshAcceptanceOp>),
    ConfirmSleep,
    Finish(Box<EnsureOutcome>),
    Over,
}

/// The reconciling manual flow. See the module documentation.
#[derive(Debug)]
pub struct EnsureAccepted {
    org: OrganizationId,
    input: StartAttestation,
    options: EnsureOptions,
    state: State,
    starts: u32,
    confirms: u32,
    jitter: Jitter,
    interval: std::time::Duration,
    evidence: AcceptanceEvidence,
    /// Set when another caller may have finalized first (404 while waiting, 404/409 on finalize):
    /// the confirm path then decides, and this error is returned if it never shows acceptance.
    raced: Option<Box<McaError>>,
}

/// Starts allowed in one run (the second only after a GET found nothing).
const MAX_STARTS: u32 = 2;

impl EnsureAccepted {
    /// Ensures `org` has accepted, starting an attestation from `input` if needed.
    pub fn new(org: OrganizationId, input: StartAttestation, options: EnsureOptions) -> Self {
        let evidence = AcceptanceEvidence {
            flow: FlowKind::Manual,
            organization_id: org.to_string(),
            attestation_id: None,
            signer: input.signer.clone(),
            language: None,
            country: None,
            template_id: None,
            acceptance_date: None,
            agreement_link: None,
            started_at: None,
            signed_at: None,
            finalized_at: None,
            confirmed_at: None,
        };
        Self {
            jitter: Jitter::new(options.poll.jitter_seed),
            interval: options.poll.first_interval(),
            org,
            input,
            options,
            state: State::Init,
            starts: 0,
            confirms: 0,
            evidence,
            raced: None,
        }
    }

    fn call<O: crate::ops::Operation>(&self, op: O) -> Call<O> {
        Call::scheduled(
            op,
            self.options.poll.deadline,
            self.options.poll.jitter_seed,
        )
    }

    /// Enters `state` and runs its first step.
    fn goto(
        &mut self,
        state: State,
        config: &ClientConfig,
        now: Timestamp,
    ) -> Result<Step<EnsureOutcome>, McaError> {
        self.state = state;
        self.next(config, Input::Begin, now)
    }

    /// Enters `state` after reporting `event` (the `Continue` input starts the state).
    fn announce(
        &mut self,
        event: FlowEvent,
        state: State,
    ) -> Result<Step<EnsureOutcome>, McaError> {
        self.state = state;
        Ok(Step::Event(event))
    }

    fn outcome(&self, status: EnsureStatus, acceptance: Option<Acceptance>) -> EnsureOutcome {
        EnsureOutcome {
            status,
            acceptance,
            attestation_id: self.evidence.attestation_id.clone(),
            agreement_link: self.evidence.agreement_link.clone(),
            evidence: Some(self.evidence.clone()),
        }
    }

    fn start(
        &mut self,
        config: &ClientConfig,
        now: Timestamp,
    ) -> Result<Step<EnsureOutcome>, McaError> {
        self.starts = self.starts.saturating_add(1);
        let call = self.call(StartAttestationOp {
            org: self.org.clone(),
            input: self.input.clone(),
        });
        self.goto(State::Start(call), config, now)
    }

    fn find(
        &mut self,
        lookup: Lookup,
        config: &ClientConfig,
        now: Timestamp,
    ) -> Result<Step<EnsureOutcome>, McaError> {
        let call = self.call(GetAttestationOp {
            org: self.org.clone(),
        });
        self.goto(State::Find(call, lookup), config, now)
    }

    fn reuse(
        &mut self,
        att: Attestation,
        config: &ClientConfig,
        now: Timestamp,
    ) -> Result<Step<EnsureOutcome>, McaError> {
        let e = &mut self.evidence;
        e.attestation_id = Some(att.attestation_id.clone());
        e.agreement_link = Some(att.agreement_link.clone());
        if !att.signer.email_address.is_empty() {
            e.signer = att.signer.clone();
        }
        e.language = att.mca_info.language.clone().or(e.language.take());
        e.country = att.mca_info.country.clone().or(e.country.take());
        e.template_id = att.mca_info.template_id.clone();
        e.acceptance_date = att.acceptance_date.or(e.acceptance_date);
        let event = FlowEvent::AttestationReused {
            attestation_id: att.attestation_id.clone(),
            agreement_link: att.agreement_link.clone(),
            expires_at: att.expires_at,
            status: att.status,
        };
        let _ = (config, now);
        let next = self.after_attestation(att.status);
        self.announce(event, next)
    }

    /// What follows once an attestation exists with `status`.
    fn after_attestation(&mut self, status: AttestationStatus) -> State {
        if status == AttestationStatus::PendingFinalization {
            return State::Finalize(self.call(FinalizeAttestationOp {
                org: self.org.clone(),
            }));
        }
        if !self.options.wait {
            return State::Finish(Box::new(self.outcome(EnsureStatus::Pending, None)));
        }
        State::Wait(WaitForSignature::new(
            self.org.clone(),
            self.options.poll.clone(),
        ))
    }

    /// Ends with `already_accepted`: the customer accepted without this run doing anything.
    fn already_accepted(
        &mut self,
        acceptance: Acceptance,
    ) -> Result<Step<EnsureOutcome>, McaError> {
        let outcome = EnsureOutcome {
            status: EnsureStatus::AlreadyAccepted,
            acceptance: Some(acceptance),
            attestation_id: None,
            agreement_link: None,
            evidence: None,
        };
        self.announce(
            FlowEvent::AcceptanceChecked { accepted: true },
            State::Finish(Box::new(outcome)),
        )
    }

    fn confirm_or_finish(
        &mut self,
        config: &ClientConfig,
        now: Timestamp,
    ) -> Result<Step<EnsureOutcome>, McaError> {
        if self.confirms >= self.options.confirm_attempts.max(1) {
            return self.unconfirmed(None);
        }
        self.confirms = self.confirms.saturating_add(1);
        let call = self.call(GetAcceptanceOp {
            org: self.org.clone(),
        });
        self.goto(State::Confirm(call), config, now)
    }

    /// The waiting sub-machine's step: pass it on, or go on from its outcome.
    fn after_wait(
        &mut self,
        step: Step<WaitOutcome>,
        now: Timestamp,
    ) -> Result<Step<EnsureOutcome>, McaError> {
        let outcome = match step.split() {
            Err(step) => return Ok(step),
            Ok(outcome) => outcome,
        };
        match outcome.status {
            WaitStatus::Expired => Ok(Step::Done(self.outcome(EnsureStatus::Expired, None))),
            WaitStatus::Signed => {
                self.evidence.signed_at = Some(now);
                if self.evidence.template_id.is_none() {
                    self.evidence.template_id = outcome.attestation.mca_info.template_id.clone();
                }
                let event = FlowEvent::Signed {
                    attestation_id: outcome.attestation.attestation_id,
                };
                let next = self.after_attestation(AttestationStatus::PendingFinalization);
                self.announce(event, next)
            }
        }
    }

    /// The confirm path ended without seeing the acceptance: `finalized` after our own finalize,
    /// or the 404/409 that sent a racing caller here.
    fn unconfirmed(
        &mut self,
        acceptance: Option<Acceptance>,
    ) -> Result<Step<EnsureOutcome>, McaError> {
        match self.raced.take() {
            Some(err) => Err(*err),
            None => Ok(Step::Done(
                self.outcome(EnsureStatus::Finalized, acceptance),
            )),
        }
    }

    /// Another caller may have finalized first (`err` is the 404/409 seen): read the acceptance.
    fn after_race(
        &mut self,
        err: McaError,
        config: &ClientConfig,
        now: Timestamp,
    ) -> Result<Step<EnsureOutcome>, McaError> {
        self.raced = Some(Box::new(err));
        self.confirm_or_finish(config, now)
    }
}

impl Machine for EnsureAccepted {
    type Output = EnsureOutcome;

    fn next(
        &mut self,
        config: &ClientConfig,
        input: Input,
        now: Timestamp,
    ) -> Result<Step<EnsureOutcome>, McaError> {
        match &mut self.state {
            State::Init => {
                // Validate before any request: bad input never costs a round trip.
                let valid = validate::start_attestation(&self.input, now)?;
                self.evidence.signer = valid.signer.clone();
                self.evidence.language = valid.language.clone();
                self.evidence.country = Some(valid.country.clone());
                self.evidence.acceptance_date = Timestamp::parse(&valid.acceptance_date).ok();
                let call = self.call(GetAcceptanceOp {
                    org: self.org.clone(),
                });
                self.goto(State::CheckAcceptance(call), config, now)
            }
            State::CheckAcceptance(call) => match call.next(config, input, now)?.split() {
                Err(step) => Ok(step),
                Ok(acceptance) if acceptance.accepted => self.already_accepted(acceptance),
                Ok(_) => {
                    let call = self.call(GetAttestationOp {
                        org: self.org.clone(),
                    });
                    self.announce(
                        FlowEvent::AcceptanceChecked { accepted: false },
                        State::Find(call, Lookup::Initial),
                    )
                }
            },
            State::Find(call, _) => match call.next(config, input, now)?.split() {
                Err(step) => Ok(step),
                Ok(found) => {
                    let State::Find(_, lookup) = std::mem::replace(&mut self.state, State::Over)
                    else {
                        return Err(McaError::config("internal: state changed"));
                    };
                    match (found, lookup) {
                        (Some(att), _) if att.is_ongoing(now) => self.reuse(att, config, now),
                        (None, lookup) => {
                            let call = self.call(GetAcceptanceOp {
                                org: self.org.clone(),
                            });
                            self.goto(State::Recheck(call, lookup), config, now)
                        }
                        (_, Lookup::AfterStart(err)) if self.starts >= MAX_STARTS => Err(*err),
                        _ => self.start(config, now),
                    }
                }
            },
            State::Recheck(call, _) => match call.next(config, input, now)?.split() {
                Err(step) => Ok(step),
                Ok(acceptance) if acceptance.accepted => self.already_accepted(acceptance),
                Ok(_) => match std::mem::replace(&mut self.state, State::Over) {
                    State::Recheck(_, Lookup::AfterStart(err)) if self.starts >= MAX_STARTS => {
                        Err(*err)
                    }
                    _ => self.start(config, now),
                },
            },
            State::Start(call) => match call.next(config, input, now) {
                Err(err) if err.outcome_unknown() || err.status() == Some(409) => {
                    self.find(Lookup::AfterStart(Box::new(err)), config, now)
                }
                Err(err) => Err(err),
                Ok(step) => match step.split() {
                    Err(step) => Ok(step),
                    Ok(started) => {
                        let e = &mut self.evidence;
                        e.attestation_id = Some(started.attestation_id.clone());
                        e.agreement_link = Some(started.agreement_link.clone());
                        e.started_at = Some(now);
                        let event = FlowEvent::AttestationStarted {
                            attestation_id: started.attestation_id,
                            agreement_link: started.agreement_link,
                            expires_at: started.expires_at,
                        };
                        let next =
                            self.after_attestation(AttestationStatus::PendingAgreementAcceptance);
                        self.announce(event, next)
                    }
                },
            },
            State::Wait(wait) => match wait.next(config, input, now) {
                Err(err) if err.status() == Some(404) => self.after_race(err, config, now),
                Err(err) => Err(err),
                Ok(step) => self.after_wait(step, now),
            },
            State::Finalize(call) => match call.next(config, input, now) {
                Err(err) if matches!(err.status(), Some(404 | 409)) => {
                    self.after_race(err, config, now)
                }
                Err(err) => Err(err),
                Ok(step) => match step.split() {
                    Err(step) => Ok(step),
                    Ok(()) => {
                        self.evidence.finalized_at = Some(now);
                        let event = FlowEvent::Finalized {
                            attestation_id: self
                                .evidence
                                .attestation_id
                                .clone()
                                .unwrap_or_default(),
                        };
                        self.announce(event, State::ConfirmSleep)
                    }
                },
            },
            State::ConfirmSleep => self.confirm_or_finish(config, now),
            State::Confirm(call) => match call.next(config, input, now) {
                // After a successful finalize nothing is lost by stopping: report `finalized`.
                Err(_) => self.unconfirmed(None),
                Ok(step) => match step.split() {
                    Err(step) => Ok(step),
                    Ok(acceptance) if acceptance.accepted => {
                        self.evidence.confirmed_at = Some(now);
                        if let Some(t) = acceptance
                            .partner_attestation
                            .as_ref()
                            .and_then(|p| p.template_id.clone())
                        {
                            self.evidence.template_id = Some(t);
                        }
                        let event = FlowEvent::Confirmed {
                            accepted_via: acceptance.accepted_via.clone(),
                        };
                        let outcome = self.outcome(EnsureStatus::Accepted, Some(acceptance));
                        self.announce(event, State::Finish(Box::new(outcome)))
                    }
                    Ok(acceptance) => {
                        if self.confirms >= self.options.confirm_attempts.max(1) {
                            return self.unconfirmed(Some(acceptance));
                        }
                        let call = self.call(RefreshAcceptanceOp {
                            org: self.org.clone(),
                        });
                        self.goto(State::Refresh(call), config, now)
                    }
                },
            },
            State::Refresh(call) => match call.next(config, input, now) {
                Err(_) => self.unconfirmed(None),
                Ok(step) => match step.split() {
                    Err(step) => Ok(step),
                    Ok(refresh) => {
                        let hinted = match refresh {
                            RefreshOutcome::AlreadyRunning { retry_after } => retry_after,
                            RefreshOutcome::Started => None,
                        };
                        let interval = self.interval;
                        self.interval = self
                            .interval
                            .saturating_mul(2)
                            .min(self.options.poll.longest_interval());
                        let jitter = &mut self.jitter;
                        match next_wait(
                            hinted,
                            || jitter.apply(interval),
                            &RetryPolicy::default(),
                            self.options.poll.deadline,
                            now,
                            "confirming",
                        ) {
                            Ok(wait) => {
                                self.state = State::ConfirmSleep;
                                Ok(Step::Sleep(wait))
                            }
                            Err(_) => self.unconfirmed(None),
                        }
                    }
                },
            },
            State::Finish(_) => match std::mem::replace(&mut self.state, State::Over) {
                State::Finish(outcome) => Ok(Step::Done(*outcome)),
                _ => Err(McaError::config("internal: state changed")),
            },
            State::Over => Err(McaError::config("the flow is over; start a new one")),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use std::time::Duration;

    use super::*;
    use crate::http::{Header, HttpResponse, Method};
    use crate::model::Signer;

    fn config() -> ClientConfig {
        ClientConfig::new(
            "https://api.example.test",
            "11111111-1111-4111-8111-111111111111",
            "rust",
        )
        .unwrap()
    }

    fn t(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap()
    }

    fn machine(options: EnsureOptions) -> EnsureAccepted {
        let input = StartAttestation {
            signer: Signer::new("Ada", "Lovelace", "ada@example.com", "+46701234567"),
            language: None,
            country: "SE".into(),
            acceptance_date: "2026-11-25T11:00:00Z".into(),
        };
        let org = OrganizationId::parse("22222222-2222-4222-8222-222222222222").unwrap();
        EnsureAccepted::new(org, input, options)
    }

    fn json(status: u16, body: &str) -> Input {
        Input::Response(HttpResponse::new(status, vec![], body))
    }

    const NOT_ACCEPTED: &str = r#"{"accepted":false,"acceptedVia":[]}"#;
    const ACCEPTED: &str = r#"{"accepted":true,"acceptedVia":["PartnerAttestation"]}"#;

    fn attestation(status: u8, expires: &str) -> String {
        format!(
            r#"{{"attestationId":"a1","status":{status},"agreementLink":"https://x.example/a1","expiresAt":"{expires}"}}"#
        )
    }

    /// Asserts the step is a send of `method` to a URL ending in `suffix`.
    fn sends<O: std::fmt::Debug>(step: Step<O>, method: Method, suffix: &str) {
        match step {
            Step::Send(r) => {
                assert_eq!(r.method, method, "{}", r.url);
                assert!(
                    r.url.ends_with(suffix),
                    "{} does not end in {suffix}",
                    r.url
                );
            }
            other => panic!("expected a send to {suffix}, got {other:?}"),
        }
    }

    /// Drives the machine to the point where it has read an empty acceptance and found `found`.
    fn to_lookup(m: &mut EnsureAccepted, now: Timestamp, found: Input) -> Step<EnsureOutcome> {
        let c = config();
        sends(
            m.next(&c, Input::Begin, now).unwrap(),
            Method::Get,
            "csp/mca/acceptance",
        );
        assert!(matches!(
            m.next(&c, json(200, NOT_ACCEPTED), now).unwrap(),
            Step::Event(FlowEvent::AcceptanceChecked { accepted: false })
        ));
        sends(
            m.next(&c, Input::Continue, now).unwrap(),
            Method::Get,
            "csp/mca/attestation",
        );
        m.next(&c, found, now).unwrap()
    }

    #[test]
    fn ongoing_attestation_is_reused_not_restarted() {
        let now = t("2026-11-25T12:00:00Z");
        let mut m = machine(EnsureOptions::default());
        let step = to_lookup(
            &mut m,
            now,
            json(200, &attestation(1, "2026-12-01T00:00:00Z")),
        );
        assert!(matches!(
            step,
            Step::Event(FlowEvent::AttestationReused { .. })
        ));
        // Waiting polls the attestation; it never POSTs.
        sends(
            m.next(&config(), Input::Continue, now).unwrap(),
            Method::Get,
            "csp/mca/attestation",
        );
    }

    #[test]
    fn unknown_start_outcome_is_followed_by_a_get() {
        let now = t("2026-11-25T12:00:00Z");
        let mut m = machine(EnsureOptions::default());
        let c = config();
        // Nothing found: the acceptance is read again (a racing caller may have finalized).
        sends(
            to_lookup(&mut m, now, json(404, "")),
            Method::Get,
            "csp/mca/acceptance",
        );
        sends(
            m.next(&c, json(200, NOT_ACCEPTED), now).unwrap(),
            Method::Post,
            "csp/mca/attestation",
        );
        let step = m
            .next(&c, Input::TransportError("reset".into()), now)
            .unwrap();
        sends(step, Method::Get, "csp/mca/attestation");
    }

    #[test]
    fn finalized_between_reads_is_not_started_again() {
        let now = t("2026-11-25T12:00:00Z");
        let mut m = machine(EnsureOptions::default());
        let c = config();
        sends(
            to_lookup(&mut m, now, json(404, "")),
            Method::Get,
            "csp/mca/acceptance",
        );
        assert!(matches!(
            m.next(&c, json(200, ACCEPTED), now).unwrap(),
            Step::Event(FlowEvent::AcceptanceChecked { accepted: true })
        ));
        match m.next(&c, Input::Continue, now).unwrap() {
            Step::Done(outcome) => assert_eq!(outcome.status, EnsureStatus::AlreadyAccepted),
            other => panic!("expected done, got {other:?}"),
        }
        assert_eq!(m.starts, 0);
    }

    #[test]
    fn expiry_while_waiting_ends_as_expired() {
        let now = t("2026-11-25T12:00:00Z");
        let mut m = machine(EnsureOptions::default());
        let c = config();
        let step = to_lookup(
            &mut m,
            now,
            json(200, &attestation(1, "2026-11-25T12:00:01Z")),
        );
        assert!(matches!(step, Step::Event(_)));
        sends(
            m.next(&c, Input::Continue, now).unwrap(),
            Method::Get,
            "csp/mca/attestation",
        );
        let later = t("2026-11-25T12:00:02Z");
        match m
            .next(
                &c,
                json(200, &attestation(1, "2026-11-25T12:00:01Z")),
                later,
            )
            .unwrap()
        {
            Step::Done(outcome) => assert_eq!(outcome.status, EnsureStatus::Expired),
            other => panic!("expected done, got {other:?}"),
        }
    }

    #[test]
    fn refresh_429_during_confirm_sleeps_retry_after() {
        let now = t("2026-11-25T12:00:00Z");
        let mut m = machine(EnsureOptions::default());
        let c = config();
        let step = to_lookup(
            &mut m,
            now,
            json(200, &attestation(2, "2026-12-01T00:00:00Z")),
        );
        assert!(matches!(
            step,
            Step::Event(FlowEvent::AttestationReused { .. })
        ));
        sends(
            m.next(&c, Input::Continue, now).unwrap(),
            Method::Put,
            "finalize",
        );
        assert!(matches!(
            m.next(&c, json(200, ""), now).unwrap(),
            Step::Event(FlowEvent::Finalized { .. })
        ));
        sends(
            m.next(&c, Input::Continue, now).unwrap(),
            Method::Get,
            "csp/mca/acceptance",
        );
        sends(
            m.next(&c, json(200, NOT_ACCEPTED), now).unwrap(),
            Method::Post,
            "acceptance/refresh",
        );
        let busy = HttpResponse::new(429, vec![Header::new("Retry-After", "4")], "");
        assert_eq!(
            m.next(&c, Input::Response(busy), now).unwrap(),
            Step::Sleep(Duration::from_secs(4))
        );
        sends(
            m.next(&c, Input::Slept, now).unwrap(),
            Method::Get,
            "csp/mca/acceptance",
        );
        assert!(matches!(
            m.next(&c, json(200, ACCEPTED), now).unwrap(),
            Step::Event(FlowEvent::Confirmed { .. })
        ));
        match m.next(&c, Input::Continue, now).unwrap() {
            Step::Done(outcome) => assert_eq!(outcome.status, EnsureStatus::Accepted),
            other => panic!("expected done, got {other:?}"),
        }
    }

    #[test]
    fn deadline_passed_while_waiting_is_an_error() {
        let now = t("2026-11-25T12:00:00Z");
        let options = EnsureOptions {
            poll: PollOptions {
                deadline: Some(t("2026-11-25T12:00:01Z")),
                ..PollOptions::default()
            },
            ..EnsureOptions::default()
        };
        let mut m = machine(options);
        let c = config();
        to_lookup(
            &mut m,
            now,
            json(200, &attestation(1, "2026-12-01T00:00:00Z")),
        );
        sends(
            m.next(&c, Input::Continue, now).unwrap(),
            Method::Get,
            "csp/mca/attestation",
        );
        let late = t("2026-11-25T12:00:05Z");
        let err = m
            .next(&c, json(200, &attestation(1, "2026-12-01T00:00:00Z")), late)
            .unwrap_err();
        assert_eq!(err.kind(), "deadline");
    }

    #[test]
    fn invalid_input_fails_before_any_request() {
        let mut m = machine(EnsureOptions::default());
        m.input.country = "XX".into();
        let err = m
            .next(&config(), Input::Begin, t("2026-11-25T12:00:00Z"))
            .unwrap_err();
        assert_eq!(err.kind(), "invalid");
    }
}
