//! Concurrent calls on one `Session` share one token fetch, and a 401 renews the token only if the
//! cached token is still the one that was refused. Runtime-free: the calls are polled round-robin
//! on one thread, and the fake platform's futures stay pending for a few polls, so the calls
//! interleave the way they do on a real executor.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use mca_attestation::{
    Auth, ClientConfig, Credentials, HttpRequest, HttpResponse, McaError, OrganizationId, Platform,
    Session, Timestamp,
};

/// Ready after being polled `left` more times.
struct Later<T> {
    left: u32,
    value: Option<T>,
}

impl<T: Unpin> Future for Later<T> {
    type Output = T;
    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<T> {
        if self.left == 0 {
            return Poll::Ready(self.value.take().expect("polled after completion"));
        }
        self.left -= 1;
        Poll::Pending
    }
}

/// Token endpoint and API. Tokens are `tok-1`, `tok-2`, …; the API refuses the tokens listed
/// in `refused` with 401.
struct Fake {
    now: Timestamp,
    token_requests: Cell<u32>,
    api_requests: Cell<u32>,
    refused: RefCell<Vec<String>>,
    /// The first token requests fail: 503, then no response, then answers.
    token_failures: Cell<u32>,
}

impl Fake {
    fn new() -> Self {
        Self {
            now: Timestamp::parse("2026-11-25T12:00:00Z").unwrap(),
            token_requests: Cell::new(0),
            api_requests: Cell::new(0),
            refused: RefCell::new(Vec::new()),
            token_failures: Cell::new(0),
        }
    }
}

impl Platform for Fake {
    type SendFuture = Later<Result<HttpResponse, McaError>>;
    type SleepFuture = Later<()>;

    fn send(&self, request: HttpRequest) -> Self::SendFuture {
        if request.url.ends_with("connect/token") {
            let n = self.token_requests.get() + 1;
            self.token_requests.set(n);
            if n <= self.token_failures.get() {
                let failure = if n % 2 == 1 {
                    Ok(HttpResponse::new(503, vec![], "busy"))
                } else {
                    Err(McaError::transport("connection reset"))
                };
                return Later {
                    left: 3,
                    value: Some(failure),
                };
            }
            let body = format!(r#"{{"access_token":"tok-{n}","expires_in":3600}}"#);
            // The token endpoint is slow: the other calls get to run meanwhile.
            return Later {
                left: 5,
                value: Some(Ok(HttpResponse::new(200, vec![], body))),
            };
        }
        let n = self.api_requests.get() + 1;
        self.api_requests.set(n);
        let bearer = request.header("Authorization").unwrap_or_default();
        let refused = self
            .refused
            .borrow()
            .iter()
            .any(|t| bearer == format!("Bearer {t}"));
        let response = if refused {
            HttpResponse::new(401, vec![], "")
        } else {
            HttpResponse::new(200, vec![], r#"{"accepted":true,"acceptedVia":["X"]}"#)
        };
        // Answers take 1 to 16 polls: some 401s arrive after another call has renewed the token.
        Later {
            left: 1 + n % 16,
            value: Some(Ok(response)),
        }
    }

    fn sleep(&self, _duration: Duration) -> Self::SleepFuture {
        Later {
            left: 0,
            value: Some(()),
        }
    }

    fn now(&self) -> Timestamp {
        self.now
    }
}

/// Polls every future round-robin until all are done.
fn join_all<T>(mut futures: Vec<Pin<Box<dyn Future<Output = T> + '_>>>) -> Vec<T> {
    let mut cx = Context::from_waker(Waker::noop());
    let mut out: Vec<Option<T>> = futures.iter().map(|_| None).collect();
    for _ in 0..100_000 {
        for (slot, fut) in out.iter_mut().zip(futures.iter_mut()) {
            if slot.is_none() {
                if let Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
                    *slot = Some(v);
                }
            }
        }
        if out.iter().all(Option::is_some) {
            return out.into_iter().map(Option::unwrap).collect();
        }
    }
    panic!("the calls did not finish");
}

fn session() -> Session {
    let config = ClientConfig::new(
        "https://api.example.test",
        "11111111-1111-4111-8111-111111111111",
        "rust",
    )
    .unwrap();
    Session::new(
        config,
        Auth::Password(Credentials {
            username: "u".into(),
            password: "p".into(),
            ..Credentials::default()
        }),
    )
}

fn org() -> OrganizationId {
    OrganizationId::parse("22222222-2222-4222-8222-222222222222").unwrap()
}

#[test]
fn thirty_two_concurrent_calls_fetch_one_token() {
    let fake = Fake::new();
    let session = session();
    let org = org();
    let calls = (0..32)
        .map(|_| {
            Box::pin(session.get_acceptance(&fake, &org))
                as Pin<Box<dyn Future<Output = Result<_, McaError>>>>
        })
        .collect();
    let results = join_all(calls);
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(fake.token_requests.get(), 1, "token requests");
    assert_eq!(fake.api_requests.get(), 32);
}

#[test]
fn concurrent_401s_renew_the_refused_token_once() {
    let fake = Fake::new();
    let session = session();
    let org = org();
    // Warm the cache with tok-1, then have the API refuse it.
    join_all(vec![Box::pin(session.get_acceptance(&fake, &org))
        as Pin<Box<dyn Future<Output = Result<_, McaError>>>>])
    .pop()
    .unwrap()
    .unwrap();
    fake.refused.borrow_mut().push("tok-1".into());
    let calls = (0..32)
        .map(|_| {
            Box::pin(session.get_acceptance(&fake, &org))
                as Pin<Box<dyn Future<Output = Result<_, McaError>>>>
        })
        .collect();
    let results = join_all(calls);
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(
        fake.token_requests.get(),
        2,
        "tok-1 then one renewal (tok-2) shared by every refused call"
    );
}

#[test]
fn token_request_is_retried_after_503_and_transport_error() {
    let fake = Fake::new();
    fake.token_failures.set(2);
    let session = session();
    let org = org();
    let calls = (0..32)
        .map(|_| {
            Box::pin(session.get_acceptance(&fake, &org))
                as Pin<Box<dyn Future<Output = Result<_, McaError>>>>
        })
        .collect();
    let results = join_all(calls);
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    // One fetch in flight at a time: a 503, a dropped connection, then the token all 32 share.
    assert_eq!(fake.token_requests.get(), 3, "token requests");
    assert_eq!(fake.api_requests.get(), 32);
}
