//! The six operations and the token endpoint: building each request and parsing each response.
//! Each operation is a value implementing [`Operation`]; flows and [`crate::Session`] drive them.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::decode::error_from_response;
use crate::error::McaError;
use crate::http::{ClientConfig, HttpRequest, HttpResponse, Method};
use crate::ids::OrganizationId;
use crate::model::{
    Acceptance, AcceptanceEvidence, AddCspService, Attestation, AttestationStarted,
    AttestationStatus, CspServiceAdded, FlowKind, McaInfo, PartnerAttestationAcceptance,
    RefreshOutcome, Signer, StartAttestation,
};
use crate::redact;
use crate::timestamp::Timestamp;
use crate::validate;

pub use crate::http::Op;

/// One API operation: how to build its request and read its response.
pub trait Operation {
    /// What a successful response yields.
    type Output;
    /// Which operation this is.
    fn op(&self) -> Op;
    /// Builds the request (validating the input first; nothing is sent on `invalid`).
    fn request(&self, config: &ClientConfig, now: Timestamp) -> Result<HttpRequest, McaError>;
    /// Reads the response: the output, or the error it stands for.
    fn parse(&self, response: &HttpResponse, now: Timestamp) -> Result<Self::Output, McaError>;
}

fn service_url(config: &ClientConfig, org: &OrganizationId, tail: &str) -> String {
    config.base_url.join(&format!(
        "api/resellers/{}/organizations/{}/services/{tail}",
        config.reseller_id, org
    ))
}

fn json_body<T: Serialize>(value: &T) -> Result<Option<(String, &'static str)>, McaError> {
    serde_json::to_string(value)
        .map(|text| Some((text, "application/json")))
        .map_err(|e| McaError::config(format!("cannot serialise request body: {e}")))
}

/// A decode error with a redacted excerpt of the body ([`redact::body_excerpt`]: no signer data,
/// no secrets).
pub(crate) fn decode_error(resp: &HttpResponse, message: impl Into<String>) -> McaError {
    McaError::Decode {
        status: resp.status,
        message: message.into(),
        body_excerpt: redact::body_excerpt(&resp.body),
    }
}

/// Personal values shorter than this are left in error text: a one-letter name would eat words.
const PERSONAL_MIN_CHARS: usize = 2;

/// What people gave in a request body (signer, contact), as given, as sent (trimmed, phone in its
/// compact form) and JSON-escaped: taken out of the text of an error answering that request, as
/// servers echo rejected values ("The value 'ada@example.com' is not valid for EmailAddress").
/// Kept longest first, so a full value goes before a part of it.
#[derive(Default)]
struct PersonalValues(Vec<String>);

impl PersonalValues {
    fn add(&mut self, value: &str) {
        let trimmed = value.trim();
        let escaped = serde_json::to_string(trimmed).unwrap_or_default();
        let escaped = escaped
            .strip_prefix('"')
            .and_then(|e| e.strip_suffix('"'))
            .unwrap_or_default();
        for form in [value, trimmed, escaped] {
            let chars = form.chars().count();
            if chars >= PERSONAL_MIN_CHARS && !self.0.iter().any(|v| v == form) {
                let at = self.0.iter().position(|v| v.chars().count() < chars);
                self.0.insert(at.unwrap_or(self.0.len()), form.to_string());
            }
        }
    }

    fn add_phone(&mut self, value: &str) {
        self.add(value);
        if let Some(compact) = validate::normalize_phone(value) {
            self.add(&compact);
        }
    }

    fn add_signer(&mut self, signer: &Signer) {
        self.add(&signer.first_name);
        self.add(&signer.last_name);
        self.add(&signer.email_address);
        self.add_phone(&signer.phone_number);
    }

    /// The error `parse` makes of `resp` (`None`: none), without these values: they are removed
    /// from the body before it is read (so no excerpt or truncation keeps a part of one) and from
    /// the error's text after (a value the body held escaped).
    fn error_from(
        &self,
        resp: &HttpResponse,
        parse: &dyn Fn(&HttpResponse) -> Option<McaError>,
    ) -> McaError {
        let values: Vec<&str> = self.0.iter().map(String::as_str).collect();
        let scrub = |text: &str| redact::scrub_values(text, &values);
        let scrubbed = HttpResponse {
            status: resp.status,
            headers: resp.headers.clone(),
            body: scrub(&resp.body),
        };
        // `None`: only a value's removal made the body readable; still an error, without excerpt.
        let error = parse(&scrubbed).unwrap_or_else(|| McaError::Decode {
            status: resp.status,
            message: "unreadable response".into(),
            body_excerpt: String::new(),
        });
        error.map_response_text(&scrub)
    }
}

fn json_object(resp: &HttpResponse) -> Result<Map<String, Value>, McaError> {
    match serde_json::from_str::<Value>(resp.body.trim()) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(decode_error(resp, "expected a JSON object")),
        Err(e) => Err(decode_error(resp, format!("invalid JSON: {e}"))),
    }
}

/// Start a partner attestation.
#[derive(Clone, Debug)]
pub struct StartAttestationOp {
    /// Organisation.
    pub org: OrganizationId,
    /// Body as the caller gave it (validated when the request is built).
    pub input: StartAttestation,
}

impl Operation for StartAttestationOp {
    type Output = AttestationStarted;
    fn op(&self) -> Op {
        Op::StartAttestation
    }
    fn request(&self, config: &ClientConfig, now: Timestamp) -> Result<HttpRequest, McaError> {
        let body = validate::start_attestation(&self.input, now)?;
        Ok(config.request(
            Op::StartAttestation,
            Method::Post,
            service_url(config, &self.org, "csp/mca/attestation"),
            json_body(&body)?,
        ))
    }
    fn parse(&self, resp: &HttpResponse, now: Timestamp) -> Result<AttestationStarted, McaError> {
        self.parse_response(resp, now).map_err(|_| {
            let mut personal = PersonalValues::default();
            personal.add_signer(&self.input.signer);
            personal.error_from(resp, &|r| self.parse_response(r, now).err())
        })
    }
}

impl StartAttestationOp {
    fn parse_response(
        &self,
        resp: &HttpResponse,
        now: Timestamp,
    ) -> Result<AttestationStarted, McaError> {
        if !resp.is_success() {
            return Err(error_from_response(resp, now));
        }
        let map = json_object(resp)?;
        let r = Reader { map: &map, resp };
        Ok(AttestationStarted {
            attestation_id: r.required_str("attestationId")?,
            agreement_link: r.required_str("agreementLink")?,
            expires_at: r
                .time("expiresAt")?
                .ok_or_else(|| decode_error(resp, "missing expiresAt"))?,
        })
    }
}

/// Get the ongoing attestation; 404 means none.
#[derive(Clone, Debug)]
pub struct GetAttestationOp {
    /// Organisation.
    pub org: OrganizationId,
}

impl Operation for GetAttestationOp {
    type Output = Option<Attestation>;
    fn op(&self) -> Op {
        Op::GetAttestation
    }
    fn request(&self, config: &ClientConfig, _now: Timestamp) -> Result<HttpRequest, McaError> {
        Ok(config.request(
            Op::GetAttestation,
            Method::Get,
            service_url(config, &self.org, "csp/mca/attestation"),
            None,
        ))
    }
    fn parse(&self, resp: &HttpResponse, now: Timestamp) -> Result<Option<Attestation>, McaError> {
        if resp.status == 404 || resp.status == 204 {
            return Ok(None);
        }
        if !resp.is_success() {
            return Err(error_from_response(resp, now));
        }
        let map = json_object(resp)?;
        parse_attestation(&Reader { map: &map, resp }).map(Some)
    }
}

fn parse_attestation(r: &Reader<'_>) -> Result<Attestation, McaError> {
    let (status, status_code) = match r.map.get("status") {
        Some(Value::Number(n)) => {
            let code = n
                .as_i64()
                .ok_or_else(|| decode_error(r.resp, "status is not an integer"))?;
            (AttestationStatus::from_code(code), code)
        }
        Some(Value::String(s)) => match s.trim().parse::<i64>() {
            Ok(code) => (AttestationStatus::from_code(code), code),
            Err(_) => {
                AttestationStatus::from_name(s.trim()).unwrap_or((AttestationStatus::Unknown, -1))
            }
        },
        None | Some(Value::Null) => (AttestationStatus::Unspecified, 0),
        Some(_) => return Err(decode_error(r.resp, "status has an unexpected type")),
    };
    let mca = r.object("mcaInfo");
    let mca_info = match mca {
        Some(m) => {
            let mr = Reader {
                map: m,
                resp: r.resp,
            };
            McaInfo {
                language: mr.opt_str("language"),
                country: mr.opt_str("country"),
                template_id: mr.opt_str("templateId"),
            }
        }
        None => McaInfo::default(),
    };
    Ok(Attestation {
        attestation_id: r.required_str("attestationId")?,
        signer: r.signer("signer").unwrap_or_default(),
        mca_info,
        acceptance_date: r.time("acceptanceDate")?,
        status,
        status_code,
        agreement_link: r.opt_str("agreementLink").unwrap_or_default(),
        expires_at: r.time("expiresAt")?,
    })
}

/// Finalize an attestation whose agreement was accepted (status 2). Idempotent.
#[derive(Clone, Debug)]
pub struct FinalizeAttestationOp {
    /// Organisation.
    pub org: OrganizationId,
}

impl Operation for FinalizeAttestationOp {
    type Output = ();
    fn op(&self) -> Op {
        Op::FinalizeAttestation
    }
    fn request(&self, config: &ClientConfig, _now: Timestamp) -> Result<HttpRequest, McaError> {
        Ok(config.request(
            Op::FinalizeAttestation,
            Method::Put,
            service_url(config, &self.org, "csp/mca/attestation/finalize"),
            None,
        ))
    }
    fn parse(&self, resp: &HttpResponse, now: Timestamp) -> Result<(), McaError> {
        if resp.is_success() {
            Ok(())
        } else {
            Err(error_from_response(resp, now))
        }
    }
}

/// Get the customer's acceptance state.
#[derive(Clone, Debug)]
pub struct GetAcceptanceOp {
    /// Organisation.
    pub org: OrganizationId,
}

impl Operation for GetAcceptanceOp {
    type Output = Acceptance;
    fn op(&self) -> Op {
        Op::GetAcceptance
    }
    fn request(&self, config: &ClientConfig, _now: Timestamp) -> Result<HttpRequest, McaError> {
        Ok(config.request(
            Op::GetAcceptance,
            Method::Get,
            service_url(config, &self.org, "csp/mca/acceptance"),
            None,
        ))
    }
    fn parse(&self, resp: &HttpResponse, now: Timestamp) -> Result<Acceptance, McaError> {
        if !resp.is_success() {
            return Err(error_from_response(resp, now));
        }
        let map = match json_object(resp) {
            Ok(map) => map,
            // The guide prints `"mcaInfoTemplateId": "templateId": "…"`; accept that text too.
            Err(first) => {
                let repaired = resp.body.replace("\"templateId\":", "");
                match serde_json::from_str::<Value>(&repaired) {
                    Ok(Value::Object(map)) if repaired != resp.body => map,
                    _ => return Err(first),
                }
            }
        };
        parse_acceptance(&Reader { map: &map, resp })
    }
}

fn parse_acceptance(r: &Reader<'_>) -> Result<Acceptance, McaError> {
    let accepted_via: Vec<String> = match r.map.get("acceptedVia") {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| match v {
                Value::String(s) => Some(s.clone()),
                Value::Null => None,
                other => Some(other.to_string()),
            })
            .collect(),
        Some(Value::String(s)) => s.split(',').map(|p| p.trim().to_string()).collect(),
        _ => Vec::new(),
    };
    let accepted = match r.map.get("accepted") {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => !accepted_via.is_empty(),
    };
    let partner_attestation = match r.object("acceptanceViaPartnerAttestation") {
        Some(pa) => {
            let pr = Reader {
                map: pa,
                resp: r.resp,
            };
            let template_id = match pa.get("mcaInfoTemplateId") {
                Some(Value::String(s)) => Some(s.clone()),
                Some(Value::Object(o)) => o
                    .get("templateId")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                _ => pr
                    .object("mcaInfo")
                    .and_then(|m| m.get("templateId"))
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .or_else(|| pr.opt_str("templateId")),
            };
            Some(PartnerAttestationAcceptance {
                signer: pr.signer("signer"),
                template_id,
                acceptance_date: pr.time("acceptanceDate")?,
            })
        }
        None => None,
    };
    Ok(Acceptance {
        accepted,
        accepted_via,
        partner_attestation,
        last_sync_date: r.time("lastSyncDate")?,
    })
}

/// Ask Cloudmore to re-sync the acceptance state with Microsoft.
#[derive(Clone, Debug)]
pub struct RefreshAcceptanceOp {
    /// Organisation.
    pub org: OrganizationId,
}

impl Operation for RefreshAcceptanceOp {
    type Output = RefreshOutcome;
    fn op(&self) -> Op {
        Op::RefreshAcceptance
    }
    fn request(&self, config: &ClientConfig, _now: Timestamp) -> Result<HttpRequest, McaError> {
        Ok(config.request(
            Op::RefreshAcceptance,
            Method::Post,
            service_url(config, &self.org, "csp/mca/acceptance/refresh"),
            None,
        ))
    }
    fn parse(&self, resp: &HttpResponse, now: Timestamp) -> Result<RefreshOutcome, McaError> {
        match resp.status.get() {
            s if (200..300).contains(&s) => Ok(RefreshOutcome::Started),
            429 => Ok(RefreshOutcome::AlreadyRunning {
                retry_after: resp
                    .header("Retry-After")
                    .and_then(|v| crate::decode::retry_after(v, now)),
            }),
            _ => Err(error_from_response(resp, now)),
        }
    }
}

/// Add the CSP service, optionally with an automatic partner attestation.
#[derive(Clone, Debug)]
pub struct AddCspServiceOp {
    /// Organisation.
    pub org: OrganizationId,
    /// Body as the caller gave it (validated when the request is built).
    pub input: AddCspService,
}

impl Operation for AddCspServiceOp {
    type Output = CspServiceAdded;
    fn op(&self) -> Op {
        Op::AddCspService
    }
    fn request(&self, config: &ClientConfig, now: Timestamp) -> Result<HttpRequest, McaError> {
        let body = validate::add_csp_service(&self.input, now)?;
        Ok(config.request(
            Op::AddCspService,
            Method::Post,
            service_url(config, &self.org, "Csp"),
            json_body(&body)?,
        ))
    }
    fn parse(&self, resp: &HttpResponse, now: Timestamp) -> Result<CspServiceAdded, McaError> {
        if !resp.is_success() {
            let input = &self.input;
            let mut personal = PersonalValues::default();
            personal.add(&input.contact_email);
            for name in [&input.contact_first_name, &input.contact_last_name] {
                personal.add(name.as_deref().unwrap_or_default());
            }
            personal.add_phone(input.contact_phone.as_deref().unwrap_or_default());
            if let Some(pa) = &input.partner_attestation {
                personal.add_signer(&pa.signer);
            }
            return Err(personal.error_from(resp, &|r| Some(error_from_response(r, now))));
        }
        let evidence = self.input.partner_attestation.as_ref().map(|pa| {
            let language = pa
                .language
                .as_deref()
                .and_then(validate::normalize_language)
                .unwrap_or_else(|| validate::DEFAULT_LANGUAGE.to_string());
            AcceptanceEvidence {
                flow: FlowKind::Automatic,
                organization_id: self.org.to_string(),
                attestation_id: None,
                signer: Signer {
                    phone_number: validate::normalize_phone(&pa.signer.phone_number)
                        .unwrap_or_else(|| pa.signer.phone_number.clone()),
                    first_name: pa.signer.first_name.trim().into(),
                    last_name: pa.signer.last_name.trim().into(),
                    email_address: pa.signer.email_address.trim().into(),
                },
                language: Some(language),
                country: Some(pa.country.trim().to_ascii_uppercase()),
                template_id: None,
                acceptance_date: Timestamp::parse_rfc3339(pa.acceptance_date.trim()).ok(),
                agreement_link: None,
                started_at: Some(now),
                signed_at: None,
                finalized_at: Some(now),
                confirmed_at: None,
            }
        });
        Ok(CspServiceAdded {
            status: resp.status,
            body: resp.body.clone(),
            evidence,
        })
    }
}

/// Typed reads from a JSON object, tolerant of nulls and missing members.
struct Reader<'a> {
    map: &'a Map<String, Value>,
    resp: &'a HttpResponse,
}

impl Reader<'_> {
    fn opt_str(&self, key: &str) -> Option<String> {
        match self.map.get(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            other => Some(other.to_string()),
        }
    }

    fn required_str(&self, key: &str) -> Result<String, McaError> {
        self.opt_str(key)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| decode_error(self.resp, format!("missing {key}")))
    }

    fn object(&self, key: &str) -> Option<&Map<String, Value>> {
        self.map.get(key).and_then(Value::as_object)
    }

    fn time(&self, key: &str) -> Result<Option<Timestamp>, McaError> {
        match self.opt_str(key).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(text) => Timestamp::parse(&text)
                .map(Some)
                .map_err(|e| decode_error(self.resp, format!("{key}: {e}"))),
        }
    }

    fn signer(&self, key: &str) -> Option<Signer> {
        let m = self.object(key)?;
        let r = Reader {
            map: m,
            resp: self.resp,
        };
        Some(Signer {
            first_name: r.opt_str("firstName").unwrap_or_default(),
            last_name: r.opt_str("lastName").unwrap_or_default(),
            email_address: r.opt_str("emailAddress").unwrap_or_default(),
            phone_number: r.opt_str("phoneNumber").unwrap_or_default(),
        })
    }
}
