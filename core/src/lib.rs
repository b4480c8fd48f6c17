//! Sans-IO core of the Cloudmore **MCA Partner Attestation** API client.
//!
//! Everything that knows the API lives here once, for every language: ids, model types, validation,
//! request building, response parsing, the error model, tokens and the flow state machines.
//! The core never reads a clock (callers pass `now`), never opens a socket and never panics.
//! Bindings (wasm, uniffi, the CLI) implement [`Platform`] — send a request, sleep, tell the time —
//! and call [`Session`], which loops over the core's [`Step`]s.
//!
//! ```
//! use mca_attestation::{validate, StartAttestation, Signer, Timestamp};
//! let now = Timestamp::parse("2026-11-25T12:00:00Z").unwrap();
//! let input = StartAttestation {
//!     signer: Signer::new("Ada", "Lovelace", "ada@example.com", "+46 70 123 45 67"),
//!     language: Some("sv-se".into()),
//!     country: "se".into(),
//!     acceptance_date: "2026-11-25T11:00:00+01:00".into(),
//! };
//! let valid = validate::start_attestation(&input, now).unwrap();
//! assert_eq!(valid.language.as_deref(), Some("sv-SE"));
//! assert_eq!(valid.country, "SE");
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]
// What could panic on a server's input is denied: slicing and indexing (use `get`), unchecked
// integer arithmetic (use checked/saturating ops), and float-to-`Duration` conversions
// (`disallowed-methods` in core/clippy.toml). Exceptions carry a reviewed `#[allow]` and a reason.
#![deny(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::disallowed_methods,
    clippy::string_slice
)]
// `McaError` carries its `Problem` by value so it crosses FFI as a plain record; errors are rare.
#![allow(clippy::result_large_err)]

pub mod decode;
pub mod error;
pub mod flow;
pub mod http;
pub mod ids;
pub mod model;
pub mod ops;
pub mod options;
pub mod redact;
pub mod session;
pub mod status;
pub mod timestamp;
pub mod token;
pub mod validate;

pub use error::{ErrorKind, ErrorView, McaError, Problem, Violation};
pub use flow::{
    EnsureAccepted, EnsureOptions, EnsureOutcome, EnsureStatus, FlowEvent, Input, Machine,
    PollOptions, Step, WaitForSignature, WaitOutcome, WaitStatus,
};
pub use http::Op;
pub use http::{BaseUrl, ClientConfig, Header, HttpRequest, HttpResponse, Method, RetryPolicy};
pub use ids::{OrganizationId, ResellerId};
pub use model::{
    Acceptance, AcceptanceEvidence, AddCspService, Attestation, AttestationStarted,
    AttestationStatus, CspServiceAdded, FlowKind, McaInfo, PartnerAttestation,
    PartnerAttestationAcceptance, RefreshOutcome, Signer, StartAttestation,
};
pub use options::{Auth, ClientOptions, EnsureAcceptedOptions, WaitOptions};
pub use session::{Platform, Session};
pub use status::HttpStatus;
pub use timestamp::Timestamp;
pub use token::{ClientAuth, Credentials, Token};

/// Version of this crate, used in the `User-Agent` header.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!("mca_attestation");
