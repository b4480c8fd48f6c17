//! Request bodies from a JSON file and/or flags (flags override the file's members). The CLI does
//! not check them: the core validates every body before anything is sent.

use std::path::{Path, PathBuf};

use clap::Args;
use mca_attestation::{
    AddCspService, McaError, OrganizationId, PartnerAttestation, StartAttestation, Violation,
};
use serde::de::DeserializeOwned;

use crate::exit::Failure;

/// Reads a JSON file (`-` for stdin) as `T`; JSON that does not fit is `invalid` at the document.
pub fn read_json<T: DeserializeOwned>(path: &Path) -> Result<T, Failure> {
    let text = if path == Path::new("-") {
        std::io::read_to_string(std::io::stdin())
            .map_err(|e| Failure::input(format!("cannot read stdin: {e}")))?
    } else {
        std::fs::read_to_string(path)
            .map_err(|e| Failure::input(format!("cannot read {}: {e}", path.display())))?
    };
    serde_json::from_str(&text).map_err(|e| {
        Failure::Core(McaError::Invalid {
            violations: vec![Violation::new("", format!("{}: {e}", path.display()))],
        })
    })
}

/// Parses an organisation id (the core's rule: `invalid` at `/organizationId`).
pub fn org(text: &str) -> Result<OrganizationId, Failure> {
    Ok(OrganizationId::parse(text)?)
}

fn set(target: &mut String, value: &Option<String>) {
    if let Some(v) = value {
        *target = v.clone();
    }
}

/// Signer, language, country and acceptance date, from flags.
#[derive(Args, Clone, Debug, Default)]
pub struct SignerArgs {
    /// Signer's given name.
    #[arg(long, value_name = "NAME")]
    pub first_name: Option<String>,
    /// Signer's family name.
    #[arg(long, value_name = "NAME")]
    pub last_name: Option<String>,
    /// Signer's e-mail address.
    #[arg(long, value_name = "EMAIL")]
    pub email: Option<String>,
    /// Signer's phone number, international form (+46 70 123 45 67).
    #[arg(long, value_name = "PHONE")]
    pub phone: Option<String>,
    /// Agreement language, BCP 47 (default en-US).
    #[arg(long, value_name = "TAG")]
    pub language: Option<String>,
    /// Customer's country, ISO 3166-1 alpha-2.
    #[arg(long, value_name = "CC")]
    pub country: Option<String>,
    /// When the customer accepted, RFC 3339 with offset (2026-11-25T12:00:00Z), or `now`.
    #[arg(long, value_name = "WHEN")]
    pub acceptance_date: Option<String>,
}

fn acceptance_date(value: &Option<String>) -> Option<String> {
    value.as_ref().map(|v| {
        if v.eq_ignore_ascii_case("now") {
            mca_attestation::Timestamp::from_system_time(std::time::SystemTime::now()).to_rfc3339()
        } else {
            v.clone()
        }
    })
}

/// Input of `attestation start` / `attestation ensure`.
#[derive(Args, Clone, Debug, Default)]
pub struct StartArgs {
    /// JSON file with the start body (camelCase, as in the API guide); `-` reads stdin.
    #[arg(long, value_name = "FILE")]
    pub input: Option<PathBuf>,
    #[command(flatten)]
    pub signer: SignerArgs,
}

impl StartArgs {
    /// The body: the file's, with flags overriding.
    pub fn body(&self) -> Result<StartAttestation, Failure> {
        let mut body: StartAttestation = match &self.input {
            Some(path) => read_json(path)?,
            None => StartAttestation::default(),
        };
        let s = &self.signer;
        set(&mut body.signer.first_name, &s.first_name);
        set(&mut body.signer.last_name, &s.last_name);
        set(&mut body.signer.email_address, &s.email);
        set(&mut body.signer.phone_number, &s.phone);
        if s.language.is_some() {
            body.language = s.language.clone();
        }
        set(&mut body.country, &s.country);
        set(
            &mut body.acceptance_date,
            &acceptance_date(&s.acceptance_date),
        );
        Ok(body)
    }
}

/// Input of `csp add`.
#[derive(Args, Clone, Debug, Default)]
pub struct CspArgs {
    /// JSON file with the Add CSP service body (camelCase); `-` reads stdin.
    #[arg(long, value_name = "FILE")]
    pub input: Option<PathBuf>,
    /// Billing currency, ISO 4217.
    #[arg(long, value_name = "CODE")]
    pub currency: Option<String>,
    /// Contact e-mail.
    #[arg(long, value_name = "EMAIL")]
    pub contact_email: Option<String>,
    /// Tenant domain prefix (<prefix>.onmicrosoft.com).
    #[arg(long, value_name = "PREFIX")]
    pub domain_prefix: Option<String>,
    /// Add `partnerAttestation` with `automaticFlow = true` from the signer flags.
    #[arg(long)]
    pub automatic: bool,
    #[command(flatten)]
    pub signer: SignerArgs,
}

impl CspArgs {
    /// The body: the file's, with flags overriding.
    pub fn body(&self) -> Result<AddCspService, Failure> {
        let mut body: AddCspService = match &self.input {
            Some(path) => read_json(path)?,
            None => AddCspService::default(),
        };
        set(&mut body.currency_code, &self.currency);
        set(&mut body.contact_email, &self.contact_email);
        set(&mut body.domain_prefix, &self.domain_prefix);
        let s = &self.signer;
        let any_signer = s.first_name.is_some()
            || s.last_name.is_some()
            || s.email.is_some()
            || s.phone.is_some()
            || s.language.is_some()
            || s.country.is_some()
            || s.acceptance_date.is_some();
        if self.automatic || any_signer {
            let pa = body
                .partner_attestation
                .get_or_insert_with(PartnerAttestation::default);
            if self.automatic {
                pa.automatic_flow = true;
            }
            set(&mut pa.signer.first_name, &s.first_name);
            set(&mut pa.signer.last_name, &s.last_name);
            set(&mut pa.signer.email_address, &s.email);
            set(&mut pa.signer.phone_number, &s.phone);
            if s.language.is_some() {
                pa.language = s.language.clone();
            }
            set(&mut pa.country, &s.country);
            set(
                &mut pa.acceptance_date,
                &acceptance_date(&s.acceptance_date),
            );
        }
        Ok(body)
    }
}
