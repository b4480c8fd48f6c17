//! Shared state of one sandbox server: tokens, organisations, attestations and injected faults.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::fault::FaultRule;
use crate::SandboxConfig;

/// The operations of the API, in the order used for request counts.
pub(crate) const OPS: [&str; 6] = [
    "start_attestation",
    "get_attestation",
    "finalize_attestation",
    "get_acceptance",
    "refresh_acceptance",
    "add_csp_service",
];

/// Template id every attestation of the sandbox carries.
pub(crate) const TEMPLATE_ID: &str = "sandbox-mca-template-2025";

/// State shared by all handlers of one sandbox server.
#[derive(Debug)]
pub struct AppState {
    pub(crate) config: SandboxConfig,
    pub(crate) base_url: String,
    inner: Mutex<State>,
}

impl AppState {
    /// Creates an empty state for a server reachable at `base_url` (used in agreement links).
    pub fn new(config: SandboxConfig, base_url: String) -> Self {
        Self {
            config,
            base_url,
            inner: Mutex::new(State::default()),
        }
    }

    /// Locks the state (a poisoned lock is taken over: no handler panics while holding it).
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[derive(Debug, Default)]
pub(crate) struct State {
    pub tokens: HashMap<String, Instant>,
    pub orgs: HashMap<Uuid, Org>,
    pub attestations: HashMap<Uuid, Attestation>,
    pub faults: Vec<FaultRule>,
    pub next_fault_id: u64,
    /// Requests that reached the redirect trap (a client followed a `redirect` fault).
    pub trap: Vec<TrapHit>,
}

/// One request that reached the redirect trap: what a client that follows redirects gave away.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TrapHit {
    pub method: String,
    /// An `Authorization` header arrived (bearer token or client secret).
    pub authorization: bool,
    /// Bytes of request body that arrived.
    pub body_bytes: usize,
    /// The body carried a `password` field (a re-posted token form).
    pub password: bool,
}

impl State {
    /// The organisation's state, created on first use (its lastSyncDate is that moment).
    pub fn org(&mut self, id: Uuid) -> &mut Org {
        self.orgs.entry(id).or_insert_with(|| Org {
            current: None,
            last_finalized: None,
            partner: None,
            direct: false,
            last_sync: OffsetDateTime::now_utc(),
            sync: None,
            counts: [0; 6],
        })
    }

    /// The organisation's ongoing attestation (status 1 or 2, not finalized), expired or not.
    pub fn current(&mut self, org: Uuid) -> Option<&mut Attestation> {
        let id = self.orgs.get(&org)?.current?;
        self.attestations.get_mut(&id)
    }

    /// Clears everything but the issued tokens.
    pub fn reset(&mut self) {
        self.orgs.clear();
        self.attestations.clear();
        self.faults.clear();
        self.trap.clear();
    }
}

#[derive(Debug)]
pub(crate) struct Org {
    /// Id of the ongoing attestation, if any.
    pub current: Option<Uuid>,
    /// Id of the last finalized attestation (a repeated finalize answers 200).
    pub last_finalized: Option<Uuid>,
    pub partner: Option<PartnerAcceptance>,
    pub direct: bool,
    pub last_sync: OffsetDateTime,
    /// A running sync: when it ends (monotonic) and the wall-clock time it ends at.
    pub sync: Option<(Instant, OffsetDateTime)>,
    pub counts: [u64; 6],
}

impl Org {
    /// Completes a sync whose time is over; returns the time left of a running one.
    pub fn settle_sync(&mut self) -> Option<Duration> {
        let (until, wall) = self.sync?;
        let now = Instant::now();
        if until <= now {
            self.last_sync = wall;
            self.sync = None;
            None
        } else {
            Some(until - now)
        }
    }
}

/// The signer of an attestation, as on the wire.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Signer {
    pub first_name: String,
    pub last_name: String,
    pub email_address: String,
    pub phone_number: String,
}

#[derive(Debug, Clone)]
pub(crate) struct PartnerAcceptance {
    pub signer: Signer,
    pub template_id: String,
    pub acceptance_date: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub(crate) struct Attestation {
    pub id: Uuid,
    pub signer: Signer,
    pub language: String,
    pub country: String,
    pub template_id: String,
    pub acceptance_date: OffsetDateTime,
    /// 1 PendingAgreementAcceptance, 2 PendingFinalization.
    pub status: u8,
    pub expires_at: OffsetDateTime,
    pub finalized: bool,
}

impl Attestation {
    pub fn expired(&self) -> bool {
        self.expires_at <= OffsetDateTime::now_utc()
    }
}
