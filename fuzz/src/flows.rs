//! Drives the flow machines against a scripted server on a fake clock that advances only by each
//! `Sleep` (and each answer's latency), checking the flows' promises on every step:
//!
//! - the flow ends within [`MAX_STEPS`] steps;
//! - every sleep is at most the [`sleep_ceiling`] of its options, and never runs past the deadline;
//! - at most [`MAX_STARTS`] `POST attestation`; a second one only right after a `GET attestation`
//!   that the server answered (so the lookup after an unknown outcome found nothing);
//! - `WaitForSignature` only ever reads (no POST or PUT).

use std::collections::BTreeMap;
use std::time::Duration;

use arbitrary::{Result, Unstructured};
use mca_attestation::{
    ClientConfig, EnsureAccepted, EnsureOptions, McaError, Header, HttpRequest, HttpResponse, Input,
    Machine, Method, OrganizationId, PollOptions, Signer, StartAttestation, Step, Timestamp,
    WaitForSignature,
};
use serde::Deserialize;
use serde_json::json;

use crate::gen;

/// Most steps (sends, sleeps, events) a flow may take before it counts as not terminating. The
/// generated cases keep every legitimate flow far below it: deadlines are at most
/// [`DEADLINE_INTERVALS`] first intervals away and waits never shrink below half an interval.
pub const MAX_STEPS: usize = 20_000;

/// Deadlines of generated cases lie at most this many first poll intervals after the start.
pub const DEADLINE_INTERVALS: u64 = 24;

/// Starts allowed in one run of `ensure_accepted`.
pub const MAX_STARTS: usize = 2;

/// The longest retry wait a plain call honours (`RetryPolicy::default().max_delay`).
pub const RETRY_CEILING: Duration = Duration::from_secs(30);

/// The fake clock's start.
pub const NOW: &str = "2026-11-25T12:00:00Z";

/// What the server does once the script is used up.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Then {
    /// Every further request fails without a response.
    #[default]
    Transport,
    /// The last answer again, forever (only with a deadline: a pending attestation is otherwise
    /// polled forever, by design).
    Repeat,
}

/// The server's answer to one request.
#[derive(Clone, Debug)]
pub enum Answer {
    /// No response (reset, refused, timeout).
    Transport,
    /// This exact response.
    Raw {
        /// Time the request takes on the fake clock.
        latency: Duration,
        /// The response.
        response: HttpResponse,
    },
    /// A response whose body is built for the request it answers.
    Semantic {
        /// Time the request takes on the fake clock.
        latency: Duration,
        /// Status.
        status: u16,
        /// Headers.
        headers: Vec<Header>,
        /// What the body says.
        plan: Plan,
    },
}

/// What a semantic answer says, whatever was asked.
#[derive(Clone, Debug)]
pub struct Plan {
    /// Acceptance state: accepted?
    pub accepted: bool,
    /// Attestation `status` member (a number or a name).
    pub status: serde_json::Value,
    /// `expiresAt`: seconds after the request, or a literal text.
    pub expires: Result2<i64, String>,
}

/// Either of two values (a local `Result` without the error connotation).
#[derive(Clone, Debug)]
pub enum Result2<A, B> {
    /// The first.
    A(A),
    /// The second.
    B(B),
}

/// One scripted run of a flow.
#[derive(Clone, Debug)]
pub struct FlowCase {
    /// Options of the flow.
    pub options: EnsureOptions,
    /// The start body (`ensure_accepted` only).
    pub input: StartAttestation,
    /// Answers in order.
    pub answers: Vec<Answer>,
    /// What happens after the last answer.
    pub then: Then,
}

/// A valid start body.
pub fn valid_input() -> StartAttestation {
    StartAttestation {
        signer: Signer::new("Ada", "Lovelace", "ada@example.com", "+46 70 123 45 67"),
        language: Some("sv-se".into()),
        country: "se".into(),
        acceptance_date: "2026-11-25T11:00:00+01:00".into(),
    }
}

fn interval_ms(u: &mut Unstructured<'_>) -> Result<u64> {
    Ok(match u.int_in_range(0u8..=6)? {
        0 => 0,
        1 => 10,
        2 => 500,
        3 => 2_000,
        4 => 30_000,
        _ => u.int_in_range(0..=600_000)?,
    })
}

impl FlowCase {
    /// A case from fuzzer bytes.
    pub fn arbitrary(u: &mut Unstructured<'_>) -> Result<Self> {
        let initial = interval_ms(u)?;
        let max = interval_ms(u)?;
        let first = initial.max(10);
        let deadline_ms = if u.ratio(3, 4)? {
            Some(u.int_in_range(0..=DEADLINE_INTERVALS.saturating_mul(first))?)
        } else {
            None
        };
        let jitter_seed = if u.arbitrary()? { 0 } else { u.arbitrary()? };
        let now = now();
        let options = EnsureOptions {
            wait: u.ratio(3, 4)?,
            poll: PollOptions {
                initial_interval: Duration::from_millis(initial),
                max_interval: Duration::from_millis(max),
                deadline: deadline_ms.map(|ms| now.add(Duration::from_millis(ms))),
                jitter_seed,
            },
            confirm_attempts: u.int_in_range(0..=10)?,
        };
        let input = if u.ratio(1, 8)? {
            gen::start_input(u)?
        } else {
            valid_input()
        };
        let then = if deadline_ms.is_some() && u.arbitrary()? {
            Then::Repeat
        } else {
            Then::Transport
        };
        let mut answers = Vec::new();
        while !u.is_empty() && answers.len() < 64 {
            answers.push(answer(u)?);
        }
        Ok(FlowCase {
            options,
            input,
            answers,
            then,
        })
    }

    /// A case from the JSON seed format (see README.md), or `None` when `data` is not one.
    pub fn from_json(data: &[u8]) -> Option<Self> {
        let seed: JsonCase = serde_json::from_slice(data).ok()?;
        let now = now();
        let then = match (seed.then, seed.deadline_ms) {
            (Then::Repeat, Some(_)) => Then::Repeat,
            _ => Then::Transport,
        };
        let deadline_ms = seed.deadline_ms.map(|ms| {
            let first = seed.initial_interval_ms.unwrap_or(2_000).max(10);
            ms.min(DEADLINE_INTERVALS.saturating_mul(first))
        });
        Some(FlowCase {
            options: EnsureOptions {
                wait: seed.wait.unwrap_or(true),
                poll: PollOptions {
                    initial_interval: Duration::from_millis(
                        seed.initial_interval_ms.unwrap_or(2_000),
                    ),
                    max_interval: Duration::from_millis(seed.max_interval_ms.unwrap_or(30_000)),
                    deadline: deadline_ms.map(|ms| now.add(Duration::from_millis(ms))),
                    jitter_seed: seed.jitter_seed.unwrap_or(0),
                },
                confirm_attempts: seed.confirm_attempts.unwrap_or(5).min(10),
            },
            input: seed.input.unwrap_or_else(valid_input),
            answers: seed
                .answers
                .into_iter()
                .take(256)
                .map(JsonAnswer::into_answer)
                .collect(),
            then,
        })
    }

    /// The case from JSON when `data` is a JSON seed, else from fuzzer bytes.
    pub fn from_bytes(data: &[u8]) -> Option<Self> {
        Self::from_json(data).or_else(|| Self::arbitrary(&mut Unstructured::new(data)).ok())
    }
}

/// The JSON seed format: `flows.json`'s options and script, flattened.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsonCase {
    wait: Option<bool>,
    deadline_ms: Option<u64>,
    confirm_attempts: Option<u32>,
    initial_interval_ms: Option<u64>,
    max_interval_ms: Option<u64>,
    jitter_seed: Option<u64>,
    #[serde(default)]
    then: Then,
    input: Option<StartAttestation>,
    #[serde(default)]
    answers: Vec<JsonAnswer>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsonAnswer {
    transport_error: Option<String>,
    #[serde(default)]
    status: u16,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    #[serde(default)]
    body: String,
    #[serde(default)]
    latency_ms: u64,
}

impl JsonAnswer {
    fn into_answer(self) -> Answer {
        if self.transport_error.is_some() {
            return Answer::Transport;
        }
        Answer::Raw {
            latency: Duration::from_millis(self.latency_ms.min(3_600_000)),
            response: HttpResponse::new(
                self.status,
                self.headers
                    .into_iter()
                    .map(|(k, v)| Header::new(k, v))
                    .collect(),
                self.body,
            ),
        }
    }
}

fn answer(u: &mut Unstructured<'_>) -> Result<Answer> {
    let latency = if u.ratio(3, 4)? {
        Duration::ZERO
    } else {
        Duration::from_millis(u.int_in_range(0..=120_000)?)
    };
    Ok(match u.int_in_range(0u8..=7)? {
        0 => Answer::Transport,
        1 => Answer::Raw {
            latency,
            response: HttpResponse::new(gen::status(u)?, gen::headers(u)?, gen::body(u)?),
        },
        _ => Answer::Semantic {
            latency,
            status: if u.ratio(3, 4)? { 200 } else { gen::status(u)? },
            headers: gen::headers(u)?,
            plan: Plan {
                accepted: u.ratio(1, 4)?,
                status: match u.int_in_range(0u8..=7)? {
                    0 => json!(0),
                    1 | 2 => json!(1),
                    3 | 4 => json!(2),
                    5 => json!("PendingFinalization"),
                    6 => json!(3),
                    _ => json!(gen::interesting_i64(u)?),
                },
                expires: if u.ratio(7, 8)? {
                    Result2::A(u.int_in_range(-3_600..=30 * 86_400)?)
                } else {
                    Result2::B(gen::date_text(u)?)
                },
            },
        },
    })
}

/// The fake clock's start.
pub fn now() -> Timestamp {
    Timestamp::parse(NOW).unwrap_or_else(|_| Timestamp::from_system_time(std::time::UNIX_EPOCH))
}

/// The configuration every run uses.
pub fn config() -> ClientConfig {
    match ClientConfig::new(
        "https://api.example.test/",
        "11111111-1111-4111-8111-111111111111",
        "fuzz",
    ) {
        Ok(c) => c,
        Err(e) => panic!("fixed config rejected: {e}"),
    }
}

/// The organisation every run uses.
pub fn org() -> OrganizationId {
    match OrganizationId::parse("22222222-2222-4222-8222-222222222222") {
        Ok(o) => o,
        Err(e) => panic!("fixed org rejected: {e}"),
    }
}

/// The longest sleep a flow with `options` may ask for: the longest poll interval, or the longest
/// retry wait of a plain call, whichever is longer.
pub fn sleep_ceiling(options: &PollOptions) -> Duration {
    let first = options
        .initial_interval
        .max(mca_attestation::flow::MIN_POLL_INTERVAL);
    options.max_interval.max(first).max(RETRY_CEILING)
}

/// Which endpoint a request is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endpoint {
    /// GET acceptance.
    GetAcceptance,
    /// POST acceptance/refresh.
    Refresh,
    /// GET attestation.
    GetAttestation,
    /// POST attestation.
    Start,
    /// PUT attestation/finalize.
    Finalize,
    /// Anything else.
    Other,
}

/// The endpoint of `req`.
pub fn endpoint(req: &HttpRequest) -> Endpoint {
    let url = req.url.as_str();
    match req.method {
        Method::Get if url.ends_with("csp/mca/acceptance") => Endpoint::GetAcceptance,
        Method::Get if url.ends_with("csp/mca/attestation") => Endpoint::GetAttestation,
        Method::Post if url.ends_with("csp/mca/acceptance/refresh") => Endpoint::Refresh,
        Method::Post if url.ends_with("csp/mca/attestation") => Endpoint::Start,
        Method::Put if url.ends_with("csp/mca/attestation/finalize") => Endpoint::Finalize,
        _ => Endpoint::Other,
    }
}

fn render(plan: &Plan, ep: Endpoint, now: Timestamp) -> String {
    let expires = match &plan.expires {
        Result2::A(secs) if *secs >= 0 => now.add(Duration::from_secs(secs.unsigned_abs())),
        Result2::A(secs) => now.sub(Duration::from_secs(secs.unsigned_abs())),
        Result2::B(_) => now,
    };
    let expires = match &plan.expires {
        Result2::B(text) => json!(text),
        Result2::A(_) => json!(expires.to_rfc3339()),
    };
    match ep {
        Endpoint::GetAcceptance => {
            if plan.accepted {
                json!({"accepted": true, "acceptedVia": ["PartnerAttestation"],
                       "acceptanceViaPartnerAttestation": {"acceptanceDate": expires,
                           "mcaInfoTemplateId": "t-1"},
                       "lastSyncDate": now.to_rfc3339()})
                .to_string()
            } else {
                json!({"accepted": false, "acceptedVia": [], "lastSyncDate": now.to_rfc3339()})
                    .to_string()
            }
        }
        Endpoint::GetAttestation => json!({
            "attestationId": "7d0c2f4e-1b9e-4c7a-9a55-0b8f3e2d1c00",
            "signer": {"firstName": "Ada", "lastName": "Lovelace",
                       "emailAddress": "ada@example.com", "phoneNumber": "+46701234567"},
            "mcaInfo": {"language": "sv-SE", "country": "SE", "templateId": "t-1"},
            "acceptanceDate": "2026-11-25T10:00:00Z",
            "status": plan.status,
            "agreementLink": "https://agreements.example.test/7d0c",
            "expiresAt": expires,
        })
        .to_string(),
        Endpoint::Start => json!({
            "attestationId": "7d0c2f4e-1b9e-4c7a-9a55-0b8f3e2d1c00",
            "agreementLink": "https://agreements.example.test/7d0c",
            "expiresAt": expires,
        })
        .to_string(),
        Endpoint::Refresh | Endpoint::Finalize | Endpoint::Other => String::new(),
    }
}

/// What a run did.
#[derive(Debug)]
pub struct Run<O> {
    /// How it ended.
    pub result: std::result::Result<O, McaError>,
    /// Steps taken.
    pub steps: usize,
    /// Requests sent, by endpoint.
    pub requests: Vec<Endpoint>,
    /// The fake clock at the end.
    pub clock: Timestamp,
}

/// Runs `machine` against the scripted server of `case`, asserting the flow promises on every step
/// (see the module documentation). `reads_only`: every request must be a GET.
pub fn drive<M: Machine>(mut machine: M, case: &FlowCase, reads_only: bool) -> Run<M::Output> {
    let config = config();
    let poll = &case.options.poll;
    let ceiling = sleep_ceiling(poll);
    let mut clock = now();
    let mut input = Input::Begin;
    let mut steps = 0usize;
    let mut next_answer = 0usize;
    let mut requests: Vec<Endpoint> = Vec::new();
    // What the previous request got: a status, or `None` for a transport error.
    let mut last_reply: Option<(Endpoint, Option<u16>)> = None;
    // The last lookup's reply, while only acceptance reads followed it: a start may follow a lookup
    // that found nothing and then fresh reads of the acceptance state (the flow's recheck against a
    // racing finalize, retried like any safe read).
    let mut lookup_then_reads: Option<(Endpoint, Option<u16>)> = None;
    loop {
        steps += 1;
        assert!(
            steps <= MAX_STEPS,
            "the flow did not end within {MAX_STEPS} steps (requests: {:?})",
            requests.iter().rev().take(8).collect::<Vec<_>>()
        );
        let step = match machine.next(&config, input, clock) {
            Ok(step) => step,
            Err(e) => {
                return Run {
                    result: Err(e),
                    steps,
                    requests,
                    clock,
                }
            }
        };
        input = match step {
            Step::Done(out) => {
                return Run {
                    result: Ok(out),
                    steps,
                    requests,
                    clock,
                }
            }
            Step::Event(_) => Input::Continue,
            Step::Sleep(d) => {
                assert!(
                    d <= ceiling,
                    "sleep of {d:?} exceeds the ceiling {ceiling:?} (after {:?})",
                    last_reply
                );
                if let Some(deadline) = poll.deadline {
                    assert!(
                        clock.add(d) <= deadline,
                        "sleep of {d:?} at {clock} runs past the deadline {deadline}"
                    );
                }
                clock = clock.add(d);
                Input::Slept
            }
            Step::Send(req) => {
                let ep = endpoint(&req);
                if reads_only {
                    assert_eq!(
                        req.method,
                        Method::Get,
                        "wait_for_signature sent {ep:?}: it must only read"
                    );
                }
                if ep == Endpoint::Start {
                    let starts = requests.iter().filter(|e| **e == Endpoint::Start).count();
                    assert!(
                        starts < MAX_STARTS,
                        "a third POST attestation: never more than {MAX_STARTS} starts"
                    );
                    if starts == 1 {
                        let found_nothing = |r: Option<(Endpoint, Option<u16>)>| {
                            matches!(
                                r,
                                Some((Endpoint::GetAttestation, Some(s)))
                                    if (200..300).contains(&s) || s == 404
                            )
                        };
                        let rechecked = matches!(
                            last_reply,
                            Some((Endpoint::GetAcceptance, Some(s))) if (200..300).contains(&s)
                        ) && found_nothing(lookup_then_reads);
                        assert!(
                            found_nothing(last_reply) || rechecked,
                            "a second POST attestation without a lookup that found nothing \
                             right before it (lookup: {lookup_then_reads:?}, previous: {last_reply:?})"
                        );
                    }
                }
                requests.push(ep);
                let answer = match case.answers.get(next_answer) {
                    Some(a) => Some(a),
                    None if case.then == Then::Repeat => case.answers.last(),
                    None => None,
                };
                next_answer += 1;
                match answer {
                    None | Some(Answer::Transport) => {
                        last_reply = Some((ep, None));
                        lookup_then_reads = match ep {
                            Endpoint::GetAttestation => last_reply,
                            Endpoint::GetAcceptance => lookup_then_reads,
                            _ => None,
                        };
                        Input::TransportError("scripted transport error".into())
                    }
                    Some(Answer::Raw { latency, response }) => {
                        clock = clock.add(*latency);
                        last_reply = Some((ep, Some(response.status.get())));
                        lookup_then_reads = match ep {
                            Endpoint::GetAttestation => last_reply,
                            Endpoint::GetAcceptance => lookup_then_reads,
                            _ => None,
                        };
                        Input::Response(response.clone())
                    }
                    Some(Answer::Semantic {
                        latency,
                        status,
                        headers,
                        plan,
                    }) => {
                        let body = render(plan, ep, clock);
                        clock = clock.add(*latency);
                        last_reply = Some((ep, Some(*status)));
                        lookup_then_reads = match ep {
                            Endpoint::GetAttestation => last_reply,
                            Endpoint::GetAcceptance => lookup_then_reads,
                            _ => None,
                        };
                        Input::Response(HttpResponse::new(*status, headers.clone(), body))
                    }
                }
            }
        };
    }
}

/// Runs `ensure_accepted` for `case`.
pub fn run_ensure(case: &FlowCase) -> Run<mca_attestation::EnsureOutcome> {
    let machine = EnsureAccepted::new(org(), case.input.clone(), case.options.clone());
    drive(machine, case, false)
}

/// Runs `wait_for_signature` for `case`.
pub fn run_wait(case: &FlowCase) -> Run<mca_attestation::WaitOutcome> {
    let machine = WaitForSignature::new(org(), case.options.poll.clone());
    drive(machine, case, true)
}
