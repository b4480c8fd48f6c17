//! [`WaitForSignature`]: poll the attestation until the signer accepted (status 2) or it expired.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::McaError;
use crate::error::Problem;
use crate::flow::{fit_deadline, Call, Input, Jitter, Machine, PollOptions, Step};
use crate::http::ClientConfig;
use crate::ids::OrganizationId;
use crate::model::{Attestation, AttestationStatus};
use crate::ops::GetAttestationOp;
use crate::timestamp::Timestamp;

/// How waiting ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub enum WaitStatus {
    /// Status 2: accepted, ready to finalize.
    Signed,
    /// The link expired before the signer accepted.
    Expired,
}

/// Result of [`WaitForSignature`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct WaitOutcome {
    /// Signed or expired.
    pub status: WaitStatus,
    /// The attestation as last read.
    pub attestation: Attestation,
}

/// Polls `GET attestation` with doubling waits (2 s → 30 s by default, jittered by the caller's
/// seed), honouring `Retry-After` and the deadline. No attestation at all is an `api` error
/// (status 404, code `NoAttestation`).
#[derive(Debug)]
pub struct WaitForSignature {
    org: OrganizationId,
    options: PollOptions,
    interval: Duration,
    jitter: Jitter,
    /// The poll under way; `None` before the first and while sleeping between polls.
    call: Option<Call<GetAttestationOp>>,
}

impl WaitForSignature {
    /// Waits on `org`'s attestation.
    pub fn new(org: OrganizationId, options: PollOptions) -> Self {
        Self {
            interval: options.first_interval(),
            jitter: Jitter::new(options.jitter_seed),
            org,
            options,
            call: None,
        }
    }

    fn on_attestation(
        &mut self,
        found: Option<Attestation>,
        now: Timestamp,
    ) -> Result<Step<WaitOutcome>, McaError> {
        let Some(attestation) = found else {
            return Err(McaError::Api {
                problem: Problem::synthetic(
                    404,
                    "NoAttestation",
                    "there is no attestation to wait for; start one first",
                ),
            });
        };
        if attestation.status == AttestationStatus::PendingFinalization {
            return Ok(Step::Done(WaitOutcome {
                status: WaitStatus::Signed,
                attestation,
            }));
        }
        if attestation.is_expired(now) {
            return Ok(Step::Done(WaitOutcome {
                status: WaitStatus::Expired,
                attestation,
            }));
        }
        let wait = self.jitter.apply(self.interval);
        self.interval = self
            .interval
            .saturating_mul(2)
            .min(self.options.longest_interval());
        let wait = fit_deadline(wait, self.options.deadline, now, "waiting for the signer")?;
        Ok(Step::Sleep(wait))
    }
}

impl Machine for WaitForSignature {
    type Output = WaitOutcome;

    fn next(
        &mut self,
        config: &ClientConfig,
        input: Input,
        now: Timestamp,
    ) -> Result<Step<WaitOutcome>, McaError> {
        let call = self.call.get_or_insert_with(|| {
            Call::scheduled(
                GetAttestationOp {
                    org: self.org.clone(),
                },
                self.options.deadline,
                self.options.jitter_seed,
            )
        });
        match call.next(config, input, now)?.split() {
            Ok(found) => {
                self.call = None;
                self.on_attestation(found, now)
            }
            Err(step) => Ok(step),
        }
    }
}
