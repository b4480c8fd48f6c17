//! The API's data: what callers send (raw strings, validated by [`crate::validate`]) and what the
//! API returns (parsed tolerantly by [`crate::ops`]). Signer details are redacted in `Debug`.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::status::HttpStatus;
use crate::timestamp::Timestamp;

/// The person at the customer who accepts the Microsoft Customer Agreement.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
// The redacting `Debug` becomes `toString`/`__repr__` in the uniffi bindings.
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Signer {
    /// Given name.
    pub first_name: String,
    /// Family name.
    pub last_name: String,
    /// E-mail address.
    pub email_address: String,
    /// Phone number, international form (`+` and 7–15 digits).
    pub phone_number: String,
}

impl Signer {
    /// A signer from its four fields.
    pub fn new(
        first_name: impl Into<String>,
        last_name: impl Into<String>,
        email_address: impl Into<String>,
        phone_number: impl Into<String>,
    ) -> Self {
        Self {
            first_name: first_name.into(),
            last_name: last_name.into(),
            email_address: email_address.into(),
            phone_number: phone_number.into(),
        }
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Signer { <redacted> }")
    }
}

/// Body of *Start partner attestation* (`POST csp/mca/attestation`), as the caller gives it.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct StartAttestation {
    /// Who accepts.
    pub signer: Signer,
    /// BCP 47 language tag; `en-US` when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub language: Option<String>,
    /// Customer's country, ISO 3166-1 alpha-2.
    pub country: String,
    /// When the customer accepted, RFC 3339 with offset.
    pub acceptance_date: String,
}

/// Answer of *Start partner attestation*.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct AttestationStarted {
    /// Id of the new attestation.
    pub attestation_id: String,
    /// Link to send to the signer.
    pub agreement_link: String,
    /// When the link stops working.
    pub expires_at: Timestamp,
}

/// Status of an attestation. Unknown numbers are kept in [`Attestation::status_code`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub enum AttestationStatus {
    /// 0: not specified.
    Unspecified,
    /// 1: waiting for the signer to accept through the agreement link.
    PendingAgreementAcceptance,
    /// 2: accepted; waiting for finalization.
    PendingFinalization,
    /// A status this SDK does not know (see `status_code`).
    Unknown,
}

impl AttestationStatus {
    /// The status for a wire number.
    pub fn from_code(code: i64) -> Self {
        match code {
            0 => Self::Unspecified,
            1 => Self::PendingAgreementAcceptance,
            2 => Self::PendingFinalization,
            _ => Self::Unknown,
        }
    }

    /// The status for a wire name (case-insensitive), with its number.
    pub fn from_name(name: &str) -> Option<(Self, i64)> {
        match name.to_ascii_lowercase().as_str() {
            "unspecified" => Some((Self::Unspecified, 0)),
            "pendingagreementacceptance" => Some((Self::PendingAgreementAcceptance, 1)),
            "pendingfinalization" => Some((Self::PendingFinalization, 2)),
            _ => None,
        }
    }
}

/// Template and locale of an attestation.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct McaInfo {
    /// BCP 47 language.
    pub language: Option<String>,
    /// ISO 3166-1 alpha-2 country.
    pub country: Option<String>,
    /// Microsoft agreement template id.
    pub template_id: Option<String>,
}

/// An ongoing attestation (*Get partner attestation*).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Attestation {
    /// Attestation id.
    pub attestation_id: String,
    /// Who is asked to accept.
    pub signer: Signer,
    /// Template and locale.
    pub mca_info: McaInfo,
    /// Acceptance date given at start.
    pub acceptance_date: Option<Timestamp>,
    /// Known status.
    pub status: AttestationStatus,
    /// Status number as sent (kept for unknown values).
    pub status_code: i64,
    /// Link for the signer.
    pub agreement_link: String,
    /// When the link expires.
    pub expires_at: Option<Timestamp>,
}

impl Attestation {
    /// True once `expires_at` has passed (an attestation without expiry never expires).
    pub fn is_expired(&self, now: Timestamp) -> bool {
        self.expires_at.is_some_and(|e| e <= now)
    }

    /// True when this attestation is still worth waiting for: unexpired and pending.
    pub fn is_ongoing(&self, now: Timestamp) -> bool {
        !self.is_expired(now)
            && matches!(
                self.status,
                AttestationStatus::PendingAgreementAcceptance
                    | AttestationStatus::PendingFinalization
            )
    }
}

/// Details of an acceptance given through partner attestation.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct PartnerAttestationAcceptance {
    /// Who accepted.
    pub signer: Option<Signer>,
    /// Template id (the guide's `mcaInfoTemplateId`).
    pub template_id: Option<String>,
    /// When they accepted.
    pub acceptance_date: Option<Timestamp>,
}

/// The customer's acceptance state (*Get end-customer's acceptance state*).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Acceptance {
    /// True when any acceptance exists; no further acceptance is needed.
    pub accepted: bool,
    /// Channels as sent (`CustomerDirectAcceptance`, `PartnerAttestation`, unknown ones kept).
    pub accepted_via: Vec<String>,
    /// Present when accepted through partner attestation.
    pub partner_attestation: Option<PartnerAttestationAcceptance>,
    /// Last sync with Microsoft.
    pub last_sync_date: Option<Timestamp>,
}

#[cfg_attr(feature = "uniffi", uniffi::export)]
impl Acceptance {
    /// The customer accepted directly with Microsoft.
    pub fn via_direct(&self) -> bool {
        self.accepted_via
            .iter()
            .any(|v| v.eq_ignore_ascii_case("CustomerDirectAcceptance"))
    }

    /// The customer accepted through a partner attestation.
    pub fn via_partner_attestation(&self) -> bool {
        self.accepted_via
            .iter()
            .any(|v| v.eq_ignore_ascii_case("PartnerAttestation"))
    }
}

/// Outcome of *Refresh acceptance state*: 202 or 429 (a sync already runs) are both values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub enum RefreshOutcome {
    /// 202: a sync started.
    Started,
    /// 429: a sync is already running.
    AlreadyRunning {
        /// From `Retry-After`, when sent.
        #[serde(with = "crate::timestamp::opt_millis", rename = "retryAfterMs")]
        #[cfg_attr(feature = "wasm", tsify(type = "number | null"))]
        retry_after: Option<Duration>,
    },
}

/// Partner attestation inside *Add CSP service* (automatic flow).
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct PartnerAttestation {
    /// Must be true: Cloudmore runs the whole attestation.
    #[cfg_attr(feature = "uniffi", uniffi(default = true))]
    pub automatic_flow: bool,
    /// Who accepted.
    pub signer: Signer,
    /// BCP 47 language; `en-US` when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub language: Option<String>,
    /// ISO 3166-1 alpha-2 country.
    pub country: String,
    /// When the customer accepted, RFC 3339 with offset.
    pub acceptance_date: String,
}

/// Body of *Add CSP service* (`POST Csp`).
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct AddCspService {
    /// Service id, if the caller has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub id: Option<String>,
    /// ISO 4217 billing currency (required).
    pub currency_code: String,
    /// Company registration number.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub organization_number: Option<String>,
    /// Contact e-mail (required).
    pub contact_email: String,
    /// Contact given name.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub contact_first_name: Option<String>,
    /// Contact family name.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub contact_last_name: Option<String>,
    /// Contact phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub contact_phone: Option<String>,
    /// City.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub city: Option<String>,
    /// Street address.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub address: Option<String>,
    /// Postal code.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub postal_code: Option<String>,
    /// Microsoft tenant domain prefix (`<prefix>.onmicrosoft.com`, required).
    pub domain_prefix: String,
    /// Automatic attestation; `automaticFlow` must be true when present.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub partner_attestation: Option<PartnerAttestation>,
}

/// Result of *Add CSP service*.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct CspServiceAdded {
    /// HTTP status of the success (2xx).
    #[cfg_attr(feature = "wasm", tsify(type = "number"))]
    pub status: HttpStatus,
    /// The response body as sent (may be empty).
    pub body: String,
    /// Evidence of the automatic attestation, when `partnerAttestation` was sent.
    pub evidence: Option<AcceptanceEvidence>,
}

/// How the acceptance was collected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub enum FlowKind {
    /// Start → signer accepts via the agreement link → finalize.
    Manual,
    /// Add CSP service with `partnerAttestation.automaticFlow = true`.
    Automatic,
}

/// Proof of customer acceptance, serialisable to JSON. Times are as observed by the SDK
/// (`signed_at` is when the SDK first saw status 2). Signer details are redacted in `Debug` only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct AcceptanceEvidence {
    /// Manual or automatic.
    pub flow: FlowKind,
    /// Organisation (lowercase GUID).
    pub organization_id: String,
    /// Attestation id (manual flow).
    pub attestation_id: Option<String>,
    /// Who accepted.
    pub signer: Signer,
    /// Agreement language.
    pub language: Option<String>,
    /// Customer country.
    pub country: Option<String>,
    /// Microsoft template id.
    pub template_id: Option<String>,
    /// Acceptance date given at start.
    pub acceptance_date: Option<Timestamp>,
    /// Link the signer used.
    pub agreement_link: Option<String>,
    /// When the attestation was started (or first seen, when reused).
    pub started_at: Option<Timestamp>,
    /// When status 2 (accepted) was first seen.
    pub signed_at: Option<Timestamp>,
    /// When finalize succeeded.
    pub finalized_at: Option<Timestamp>,
    /// When the acceptance state showed the acceptance.
    pub confirmed_at: Option<Timestamp>,
}

#[cfg_attr(feature = "uniffi", uniffi::export)]
impl AcceptanceEvidence {
    /// Pretty JSON (camelCase members, RFC 3339 times).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }
}
