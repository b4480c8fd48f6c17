//! Flow state machines. A machine never does IO: it returns a [`Step`] — send this request, sleep
//! this long, report this event, or done — and is fed the result as the next [`Input`].

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::McaError;
use crate::http::{ClientConfig, HttpRequest, HttpResponse};
use crate::model::AttestationStatus;
use crate::timestamp::Timestamp;

mod call;
mod ensure;
mod wait;

pub use call::{Call, RetryPolicy};
pub use ensure::{EnsureAccepted, EnsureOptions, EnsureOutcome, EnsureStatus};
pub use wait::{WaitForSignature, WaitOutcome, WaitStatus};

/// What the driver hands a machine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// First call.
    Begin,
    /// The response to the last [`Step::Send`].
    Response(HttpResponse),
    /// The last [`Step::Send`] got no response (connection refused, reset, timeout, …).
    TransportError(String),
    /// The last [`Step::Sleep`] is over.
    Slept,
    /// The last [`Step::Event`] was delivered.
    Continue,
}

/// What a machine asks the driver to do next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step<O> {
    /// Send this request (the driver adds `Authorization`).
    Send(HttpRequest),
    /// Wait this long.
    Sleep(Duration),
    /// Tell the caller about progress, then continue.
    Event(FlowEvent),
    /// Finished.
    Done(O),
}

impl<O> Step<O> {
    /// Splits a sub-machine's step: `Ok(output)` when done, else the same step for the outer machine.
    pub fn split<P>(self) -> Result<O, Step<P>> {
        match self {
            Step::Done(o) => Ok(o),
            Step::Send(r) => Err(Step::Send(r)),
            Step::Sleep(d) => Err(Step::Sleep(d)),
            Step::Event(e) => Err(Step::Event(e)),
        }
    }
}

/// A sans-IO state machine driven by [`crate::Session::run`].
pub trait Machine {
    /// The result of the whole machine.
    type Output;
    /// Advances on `input`; `now` is the caller's clock.
    fn next(
        &mut self,
        config: &ClientConfig,
        input: Input,
        now: Timestamp,
    ) -> Result<Step<Self::Output>, McaError>;
}

/// Progress of a flow, for callbacks and logs. Carries no signer details.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub enum FlowEvent {
    /// The acceptance state was read.
    AcceptanceChecked {
        /// Whether the customer has accepted already.
        accepted: bool,
    },
    /// A new attestation was started: send `agreement_link` to the signer.
    AttestationStarted {
        /// Attestation id.
        attestation_id: String,
        /// Link for the signer.
        agreement_link: String,
        /// When the link expires.
        expires_at: Timestamp,
    },
    /// An ongoing, unexpired attestation was found and is reused instead of starting another.
    AttestationReused {
        /// Attestation id.
        attestation_id: String,
        /// Link for the signer.
        agreement_link: String,
        /// When the link expires.
        expires_at: Option<Timestamp>,
        /// Its status.
        status: AttestationStatus,
    },
    /// The signer accepted (status 2 seen).
    Signed {
        /// Attestation id.
        attestation_id: String,
    },
    /// Finalize succeeded.
    Finalized {
        /// Attestation id.
        attestation_id: String,
    },
    /// The acceptance state shows the acceptance.
    Confirmed {
        /// Channels listed by the API.
        accepted_via: Vec<String>,
    },
}

/// Shortest wait between polls, whatever the options say: a zero interval would hammer the API.
pub const MIN_POLL_INTERVAL: Duration = Duration::from_millis(10);

/// Polling schedule shared by the flows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
// Not a uniffi record: bindings take `WaitOptions` (signed milliseconds), so no unsigned
// `jitter_seed` reaches Kotlin.
pub struct PollOptions {
    /// First wait between polls (default 2 s; at least [`MIN_POLL_INTERVAL`]).
    pub initial_interval: Duration,
    /// Longest wait between polls (default 30 s); waits double up to it.
    pub max_interval: Duration,
    /// Give up with `deadline` at this instant.
    pub deadline: Option<Timestamp>,
    /// Seed of the caller's jitter: 0 = none; otherwise each wait is scaled into [50 %, 100 %].
    pub jitter_seed: u64,
}

impl PollOptions {
    /// The first wait, raised to [`MIN_POLL_INTERVAL`].
    pub(crate) fn first_interval(&self) -> Duration {
        self.initial_interval.max(MIN_POLL_INTERVAL)
    }

    /// The longest wait, never below the first.
    pub(crate) fn longest_interval(&self) -> Duration {
        self.max_interval.max(self.first_interval())
    }
}

impl Default for PollOptions {
    fn default() -> Self {
        Self {
            initial_interval: Duration::from_secs(2),
            max_interval: Duration::from_secs(30),
            deadline: None,
            jitter_seed: 0,
        }
    }
}

/// Deterministic jitter from a caller-supplied seed (splitmix64).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Jitter {
    state: u64,
}

impl Jitter {
    pub(crate) fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// Scales `d` into [d/2, d] (unchanged when the seed is 0). Integer math on nanoseconds:
    /// `d/2 + d/2 · f / 2^53` with `f` a 53-bit random fraction.
    pub(crate) fn apply(&mut self, d: Duration) -> Duration {
        if self.state == 0 {
            return d;
        }
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        let fraction = u128::from(z >> 11);
        let half = d.as_nanos() >> 1;
        // half · fraction overflows u128 only for waits of over a million years; then scale
        // the shifted value instead (a loss of precision nobody can wait out).
        let extra = half
            .checked_mul(fraction)
            .map_or_else(|| (half >> 53).saturating_mul(fraction), |p| p >> 53);
        let nanos = half.saturating_add(extra);
        let secs = u64::try_from(nanos.checked_div(1_000_000_000).unwrap_or_default());
        let sub = u32::try_from(nanos.checked_rem(1_000_000_000).unwrap_or_default());
        match (secs, sub) {
            (Ok(secs), Ok(sub)) => Duration::new(secs, sub),
            _ => d,
        }
    }
}

/// The wait before trying again, for every flow: the server's hint (`Retry-After`) cut to the
/// policy's longest delay, else `fallback`; then cut to the deadline (`Err(deadline)` when it has
/// passed). No sleep a flow asks for is ever longer than this allows for a hint.
pub(crate) fn next_wait(
    hint: Option<Duration>,
    fallback: impl FnOnce() -> Duration,
    policy: &RetryPolicy,
    deadline: Option<Timestamp>,
    now: Timestamp,
    what: &str,
) -> Result<Duration, McaError> {
    let wait = match hint {
        Some(hint) => hint.min(policy.max_delay),
        None => fallback(),
    };
    fit_deadline(wait, deadline, now, what)
}

/// Fits a wait before `deadline`: `Err(deadline)` when it has passed, else the wait cut to it.
pub(crate) fn fit_deadline(
    wait: Duration,
    deadline: Option<Timestamp>,
    now: Timestamp,
    what: &str,
) -> Result<Duration, McaError> {
    match deadline {
        Some(d) if now >= d => Err(McaError::Deadline {
            message: format!("deadline passed while {what}"),
        }),
        Some(d) => Ok(wait.min(d.since(now))),
        None => Ok(wait),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::arithmetic_side_effects)]
    use super::*;

    #[test]
    fn jitter_scales_into_the_upper_half_without_floats() {
        for seed in [1u64, 7, 42, u64::MAX] {
            let mut j = Jitter::new(seed);
            for d in [
                Duration::ZERO,
                Duration::from_nanos(1),
                Duration::from_millis(2000),
                Duration::from_secs(30),
                Duration::MAX,
            ] {
                for _ in 0..100 {
                    let got = j.apply(d);
                    assert!(got <= d && got >= d / 2, "{got:?} for {d:?}");
                }
            }
        }
        assert_eq!(Jitter::new(0).apply(Duration::MAX), Duration::MAX);
    }
}
