//! Every response parser of the core behind one call, and the inputs that reach them.

use std::collections::BTreeMap;

use arbitrary::{Result, Unstructured};
use mca_attestation::ops::{
    AddCspServiceOp, FinalizeAttestationOp, GetAcceptanceOp, GetAttestationOp, Operation,
    RefreshAcceptanceOp, StartAttestationOp,
};
use mca_attestation::token::TokenOp;
use mca_attestation::{AddCspService, Credentials, Header, HttpResponse, Timestamp};
use serde::Deserialize;

use crate::flows::{now, org, valid_input};
use crate::gen;

/// Names of the parsers, in the order of [`parse`]'s `op` index (the vector `op` names).
pub const OPS: &[&str] = &[
    "start_attestation",
    "get_attestation",
    "finalize_attestation",
    "get_acceptance",
    "refresh_acceptance",
    "add_csp_service",
    "token",
];

/// One response for one parser.
#[derive(Clone, Debug)]
pub struct ResponseCase {
    /// Index into [`OPS`].
    pub op: usize,
    /// The response.
    pub response: HttpResponse,
    /// The *Add CSP service* body the parse builds evidence from.
    pub csp: AddCspService,
    /// The `now` of parsing.
    pub now: Timestamp,
}

#[derive(Deserialize)]
struct JsonResponse {
    op: String,
    #[serde(default)]
    status: u16,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    #[serde(default)]
    body: String,
}

fn default_csp() -> AddCspService {
    let start = valid_input();
    AddCspService {
        currency_code: "EUR".into(),
        contact_email: "ops@example.com".into(),
        domain_prefix: "contoso".into(),
        partner_attestation: Some(mca_attestation::PartnerAttestation {
            automatic_flow: true,
            signer: start.signer,
            language: start.language,
            country: start.country,
            acceptance_date: start.acceptance_date,
        }),
        ..AddCspService::default()
    }
}

/// A `now` near the fake clock's start, or at the ends of the supported range.
pub fn any_now(u: &mut Unstructured<'_>) -> Result<Timestamp> {
    Ok(match u.int_in_range(0u8..=7)? {
        0 => Timestamp::from_unix_millis(u.arbitrary()?).unwrap_or_else(now),
        1 => Timestamp::parse("9999-12-31T23:59:59.999Z").unwrap_or_else(|_| now()),
        2 => Timestamp::parse("0001-01-01T00:00:00Z").unwrap_or_else(|_| now()),
        _ => now(),
    })
}

impl ResponseCase {
    /// From a JSON seed `{"op", "status", "headers", "body"}` (the vectors' `responses.json` shape).
    pub fn from_json(data: &[u8]) -> Option<Self> {
        let seed: JsonResponse = serde_json::from_slice(data).ok()?;
        Some(Self {
            op: OPS.iter().position(|o| *o == seed.op)?,
            response: HttpResponse::new(
                seed.status,
                seed.headers
                    .into_iter()
                    .map(|(k, v)| Header::new(k, v))
                    .collect(),
                seed.body,
            ),
            csp: default_csp(),
            now: now(),
        })
    }

    /// From fuzzer bytes.
    pub fn arbitrary(u: &mut Unstructured<'_>) -> Result<Self> {
        let op = u.int_in_range(0..=OPS.len() - 1)?;
        let status = if u.ratio(2, 3)? { 200 } else { gen::status(u)? };
        let headers = gen::headers(u)?;
        let csp = if u.ratio(1, 4)? {
            gen::csp_input(u)?
        } else {
            default_csp()
        };
        let now = any_now(u)?;
        let body = gen::body(u)?;
        Ok(Self {
            op,
            response: HttpResponse::new(status, headers, body),
            csp,
            now,
        })
    }
}

/// Runs the parser `op` (index into [`OPS`]) on `resp`; `Ok` carries the output's `Debug` text.
pub fn parse(
    op: usize,
    resp: &HttpResponse,
    now: Timestamp,
    csp: &AddCspService,
) -> std::result::Result<String, mca_attestation::McaError> {
    let org = org();
    match op {
        0 => StartAttestationOp {
            org,
            input: valid_input(),
        }
        .parse(resp, now)
        .map(|o| format!("{o:?}")),
        1 => GetAttestationOp { org }
            .parse(resp, now)
            .map(|o| format!("{o:?}")),
        2 => FinalizeAttestationOp { org }
            .parse(resp, now)
            .map(|o| format!("{o:?}")),
        3 => GetAcceptanceOp { org }
            .parse(resp, now)
            .map(|o| format!("{o:?}")),
        4 => RefreshAcceptanceOp { org }
            .parse(resp, now)
            .map(|o| format!("{o:?}")),
        5 => AddCspServiceOp {
            org,
            input: csp.clone(),
        }
        .parse(resp, now)
        .map(|o| format!("{o:?}")),
        _ => TokenOp {
            credentials: Credentials {
                username: "u".into(),
                password: "p".into(),
                ..Credentials::default()
            },
        }
        .parse(resp, now)
        .map(|o| format!("{o:?}")),
    }
}
