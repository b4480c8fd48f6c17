//! [`AcceptanceEvidence`]: what a partner keeps as proof that the customer accepted the MCA.

use serde::{Deserialize, Serialize};

use crate::model::Signer;
use crate::timestamp::Timestamp;

/// How the acceptance was collected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
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
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
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
    #[cfg_attr(feature = "wasm", tsify(type = "string | null"))]
    pub acceptance_date: Option<Timestamp>,
    /// Link the signer used.
    pub agreement_link: Option<String>,
    /// When the attestation was started (or first seen, when reused).
    #[cfg_attr(feature = "wasm", tsify(type = "string | null"))]
    pub started_at: Option<Timestamp>,
    /// When status 2 (accepted) was first seen.
    #[cfg_attr(feature = "wasm", tsify(type = "string | null"))]
    pub signed_at: Option<Timestamp>,
    /// When finalize succeeded.
    #[cfg_attr(feature = "wasm", tsify(type = "string | null"))]
    pub finalized_at: Option<Timestamp>,
    /// When the acceptance state showed the acceptance.
    #[cfg_attr(feature = "wasm", tsify(type = "string | null"))]
    pub confirmed_at: Option<Timestamp>,
}

#[cfg_attr(feature = "uniffi", uniffi::export)]
impl AcceptanceEvidence {
    /// Pretty JSON (camelCase members, RFC 3339 times).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }
}
