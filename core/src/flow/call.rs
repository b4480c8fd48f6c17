//! [`Call`]: one operation as a machine, with bounded retries for the operations that are safe to
//! repeat (GETs, finalize, refresh, token) on 408/429/502/503/504 and transport errors, and for the
//! reads and the token request also on a 2xx body cut short (empty or incomplete JSON).

use std::time::Duration;

use crate::error::McaError;
use crate::flow::{next_wait, Input, Jitter, Machine, Step};
pub use crate::http::RetryPolicy;
use crate::http::{ClientConfig, HttpResponse};
use crate::ops::{Op, Operation};
use crate::timestamp::Timestamp;

/// One operation, retried where safe.
#[derive(Debug)]
pub struct Call<O> {
    op: O,
    /// Explicit bounds; `None` until the first step, which takes the client's
    /// ([`ClientConfig::retry`]).
    policy: Option<RetryPolicy>,
    deadline: Option<Timestamp>,
    jitter: Jitter,
    attempt: u32,
}

impl<O: Operation> Call<O> {
    /// A call with the client's retry policy ([`ClientConfig::retry`]), no deadline and no jitter.
    pub fn new(op: O) -> Self {
        Self::scheduled(op, None, 0)
    }

    /// A call with the client's retry policy, a deadline and a jitter seed.
    pub fn scheduled(op: O, deadline: Option<Timestamp>, jitter_seed: u64) -> Self {
        Self {
            op,
            policy: None,
            deadline,
            jitter: Jitter::new(jitter_seed),
            attempt: 0,
        }
    }

    /// A call with an explicit policy (instead of the client's), deadline and jitter seed.
    pub fn with(op: O, policy: RetryPolicy, deadline: Option<Timestamp>, jitter_seed: u64) -> Self {
        Self {
            policy: Some(policy),
            ..Self::scheduled(op, deadline, jitter_seed)
        }
    }

    fn policy(&self) -> RetryPolicy {
        self.policy.clone().unwrap_or_default()
    }

    fn may_retry(&self) -> bool {
        self.op.op().retry_safe() && self.attempt < self.policy().max_attempts
    }

    fn backoff(&mut self) -> Duration {
        let policy = self.policy();
        let exp = self.attempt.saturating_sub(1).min(16);
        let d = policy.base_delay.saturating_mul(1u32 << exp);
        self.jitter.apply(d.min(policy.max_delay))
    }

    /// Whether to retry after `resp`: `Some(hint)` (the server's `Retry-After`, if any) or `None`.
    fn retry_wait(&mut self, resp: &HttpResponse, now: Timestamp) -> Option<Option<Duration>> {
        let transient = match resp.status.get() {
            408 | 502 | 503 | 504 => true,
            429 => self.op.op() != Op::RefreshAcceptance,
            _ => false,
        };
        if !transient || !self.may_retry() {
            return None;
        }
        let hinted = resp
            .header("Retry-After")
            .and_then(|v| crate::decode::retry_after(v, now));
        match hinted {
            // A longer hint than the policy allows: give up now rather than wait for it.
            Some(d) if d > self.policy().max_delay => None,
            hint => Some(hint),
        }
    }

    /// The wait before the next attempt ([`next_wait`]: hint capped, else backoff; deadline).
    fn wait(&mut self, hint: Option<Duration>, now: Timestamp) -> Result<Duration, McaError> {
        let policy = self.policy();
        let deadline = self.deadline;
        next_wait(hint, || self.backoff(), &policy, deadline, now, "retrying")
    }

    fn send(&mut self, config: &ClientConfig, now: Timestamp) -> Result<Step<O::Output>, McaError> {
        self.attempt = self.attempt.saturating_add(1);
        self.op.request(config, now).map(Step::Send)
    }
}

impl<O: Operation> Machine for Call<O> {
    type Output = O::Output;

    fn next(
        &mut self,
        config: &ClientConfig,
        input: Input,
        now: Timestamp,
    ) -> Result<Step<O::Output>, McaError> {
        if self.policy.is_none() {
            self.policy = Some(config.retry.clone());
        }
        match input {
            Input::Begin | Input::Slept | Input::Continue => self.send(config, now),
            Input::Response(resp) => match self.retry_wait(&resp, now) {
                Some(hint) => match self.wait(hint, now) {
                    Ok(wait) => Ok(Step::Sleep(wait)),
                    Err(_) => self.op.parse(&resp, now).map(Step::Done),
                },
                None => match self.op.parse(&resp, now) {
                    Ok(output) => Ok(Step::Done(output)),
                    // A success whose body ended early (empty, or JSON cut short by the
                    // connection) is read again where that is safe; the last error stands.
                    Err(err @ McaError::Decode { .. })
                        if resp.status.is_success()
                            && cut_short(&resp.body)
                            && self.op.op().reread_safe()
                            && self.may_retry() =>
                    {
                        match self.wait(None, now) {
                            Ok(wait) => Ok(Step::Sleep(wait)),
                            Err(_) => Err(err),
                        }
                    }
                    Err(err) => Err(err),
                },
            },
            Input::TransportError(message) => {
                if self.may_retry() {
                    if let Ok(wait) = self.wait(None, now) {
                        return Ok(Step::Sleep(wait));
                    }
                }
                Err(McaError::Transport { message })
            }
        }
    }
}

/// True when `body` is JSON that ends before its value does (empty, or cut in the middle), as
/// opposed to a whole document the core refused: only the first is worth reading again.
fn cut_short(body: &str) -> bool {
    serde_json::from_str::<serde::de::IgnoredAny>(body).is_err_and(|e| e.is_eof())
}
