//! [`HostPlatform`]: the core's [`Platform`] over the component's `host` imports, and
//! [`block_on`], which drives the core's futures (every host call is synchronous, so each future
//! is ready when first polled).

use std::cell::Cell;
use std::future::{ready, Future, Ready};
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use mca_attestation::{
    FlowEvent, HttpRequest, HttpResponse, McaError as Error, Platform, Timestamp,
};

use crate::bindings::mca::attestation::host;
use crate::bindings::mca::attestation::types::SendError;
use crate::convert;

/// The host's clock.
pub fn host_now() -> Timestamp {
    convert::timestamp_ms(host::now())
}

/// The platform of one call.
pub struct HostPlatform {
    timeout: Duration,
    /// Set when the host reported `cancelled`: the error the call ends with is shown as `cancelled`.
    cancelled: Cell<bool>,
}

impl HostPlatform {
    /// A platform sending with this per-request timeout.
    pub fn new(timeout: Duration) -> Self {
        Self {
            timeout,
            cancelled: Cell::new(false),
        }
    }

    /// Whether the host cancelled a request of this call.
    pub fn cancelled(&self) -> bool {
        self.cancelled.get()
    }
}

impl Platform for HostPlatform {
    type SendFuture = Ready<Result<HttpResponse, Error>>;
    type SleepFuture = Ready<()>;

    fn send(&self, request: HttpRequest) -> Self::SendFuture {
        ready(match host::send(&convert::request(request, self.timeout)) {
            Ok(response) => Ok(convert::response(response)),
            Err(SendError::Transport(message)) => Err(Error::transport(message)),
            Err(SendError::Cancelled(message)) => {
                self.cancelled.set(true);
                // Not `transport`, so that the core stops instead of retrying.
                Err(Error::Deadline { message })
            }
        })
    }

    fn sleep(&self, duration: Duration) -> Self::SleepFuture {
        host::sleep(convert::millis(duration));
        ready(())
    }

    fn now(&self) -> Timestamp {
        host_now()
    }

    fn event(&self, event: &FlowEvent) {
        host::event(&convert::event(event));
    }
}

/// Runs a future to completion on this thread. The core's futures only wait on this platform's
/// (ready) futures and an uncontended lock (one call at a time per instance), so the first poll
/// finishes; anything else is reported as an internal `config` error instead of spinning.
pub fn block_on<T, F: Future<Output = Result<T, Error>>>(future: F) -> Result<T, Error> {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    match future.as_mut().poll(&mut cx) {
        Poll::Ready(value) => value,
        Poll::Pending => Err(Error::config(
            "internal: the call waited on something other than the host",
        )),
    }
}
