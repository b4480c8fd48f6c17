//! Client-side validation with normalisation. Every violation is reported, each with an RFC 6901
//! pointer into the request body. The same verdicts hold in every language because they live here.
//! The rules and each policy decision are listed in the README's "Validation" section.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

mod chars;
mod country;
mod date;
mod email;
mod language;
mod phone;

use crate::error::{McaError, Violation};
use crate::model::{AddCspService, PartnerAttestation, Signer, StartAttestation};
use crate::timestamp::Timestamp;

pub use date::ACCEPTANCE_DATE_SKEW;
pub use email::{MAX_ADDRESS_OCTETS, MAX_LABEL_OCTETS, MAX_LOCAL_PART_OCTETS};
pub use phone::{MAX_DIGITS as MAX_PHONE_DIGITS, MIN_DIGITS as MIN_PHONE_DIGITS};

/// Default language when the caller gives none.
pub const DEFAULT_LANGUAGE: &str = "en-US";

/// Collects violations while normalising values.
#[derive(Default)]
struct Checker {
    violations: Vec<Violation>,
}

impl Checker {
    fn fail(&mut self, pointer: &str, detail: impl Into<String>) {
        self.violations.push(Violation::new(pointer, detail));
    }

    fn finish<T>(self, value: T) -> Result<T, McaError> {
        if self.violations.is_empty() {
            Ok(value)
        } else {
            Err(McaError::Invalid {
                violations: self.violations,
            })
        }
    }

    /// Free text: whitespace and invisible characters trimmed from both ends; no control
    /// characters, line breaks or bidi embedding/override/isolate controls anywhere. `None` when
    /// nothing visible is left (the caller decides whether that is a violation).
    fn text(&mut self, pointer: &str, value: &str, label: &str) -> Option<String> {
        if value.chars().any(chars::is_bidi_control) {
            self.fail(
                pointer,
                format!("{label} must not contain bidirectional override, embedding or isolate characters"),
            );
        }
        let trimmed = value.trim_matches(chars::is_blank);
        if trimmed.is_empty() {
            return None;
        }
        if trimmed.chars().any(chars::is_control_or_break) {
            self.fail(
                pointer,
                format!("{label} must not contain control characters or line breaks"),
            );
        }
        Some(trimmed.to_string())
    }

    /// A required name: free text with at least one visible character.
    fn name(&mut self, pointer: &str, value: &str, label: &str) -> String {
        match self.text(pointer, value, label) {
            Some(text) => text,
            None if value.trim().is_empty() => {
                self.fail(pointer, format!("{label} is required"));
                String::new()
            }
            None => {
                self.fail(
                    pointer,
                    format!("{label} is blank: it has only invisible characters"),
                );
                String::new()
            }
        }
    }

    /// Optional free text: blank (or invisible-only) becomes absent.
    fn optional_text(
        &mut self,
        pointer: &str,
        value: &Option<String>,
        label: &str,
    ) -> Option<String> {
        self.text(pointer, value.as_deref()?, label)
    }

    fn email(&mut self, pointer: &str, value: &str) -> String {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            self.fail(pointer, "e-mail address is required");
        } else if let Err(detail) = email::check(trimmed) {
            self.fail(pointer, detail);
        }
        trimmed.to_string()
    }

    fn phone(&mut self, pointer: &str, value: &str) -> String {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            self.fail(pointer, "phone number is required");
            return String::new();
        }
        phone::normalize(trimmed).unwrap_or_else(|detail| {
            self.fail(pointer, detail);
            trimmed.to_string()
        })
    }

    fn signer(&mut self, base: &str, s: &Signer) -> Signer {
        Signer {
            first_name: self.name(&format!("{base}/firstName"), &s.first_name, "first name"),
            last_name: self.name(&format!("{base}/lastName"), &s.last_name, "last name"),
            email_address: self.email(&format!("{base}/emailAddress"), &s.email_address),
            phone_number: self.phone(&format!("{base}/phoneNumber"), &s.phone_number),
        }
    }

    fn language(&mut self, pointer: &str, value: &Option<String>) -> String {
        let Some(raw) = value.as_deref().map(str::trim).filter(|s| !s.is_empty()) else {
            return DEFAULT_LANGUAGE.to_string();
        };
        language::normalize(raw).unwrap_or_else(|detail| {
            self.fail(pointer, detail);
            raw.to_string()
        })
    }

    fn country(&mut self, pointer: &str, value: &str) -> String {
        let upper = value.trim().to_ascii_uppercase();
        if upper.is_empty() {
            self.fail(pointer, "country is required");
        } else if !is_country(&upper) {
            self.fail(
                pointer,
                "country must be an ISO 3166-1 alpha-2 code such as SE",
            );
        }
        upper
    }

    fn acceptance_date(&mut self, pointer: &str, value: &str, now: Timestamp) -> String {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            self.fail(pointer, "acceptance date is required");
            return String::new();
        }
        match date::acceptance_date(trimmed, now) {
            Ok(t) => t.to_rfc3339(),
            Err(detail) => {
                self.fail(pointer, detail);
                trimmed.to_string()
            }
        }
    }

    fn currency(&mut self, pointer: &str, value: &str) -> String {
        let upper = value.trim().to_ascii_uppercase();
        if upper.is_empty() {
            self.fail(pointer, "currency code is required");
        } else if !is_currency(&upper) {
            self.fail(
                pointer,
                "currency code must be an active ISO 4217 currency such as EUR",
            );
        }
        upper
    }

    fn domain_prefix(&mut self, pointer: &str, value: &str) -> String {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            self.fail(pointer, "domain prefix is required");
        } else if trimmed.len() > 27 || !trimmed.bytes().all(|b| b.is_ascii_alphanumeric()) {
            self.fail(
                pointer,
                "domain prefix must be 1 to 27 letters or digits (the part before .onmicrosoft.com)",
            );
        }
        trimmed.to_ascii_lowercase()
    }
}

/// Validates and normalises a *Start partner attestation* body.
pub fn start_attestation(
    input: &StartAttestation,
    now: Timestamp,
) -> Result<StartAttestation, McaError> {
    let mut c = Checker::default();
    let out = StartAttestation {
        signer: c.signer("/signer", &input.signer),
        language: Some(c.language("/language", &input.language)),
        country: c.country("/country", &input.country),
        acceptance_date: c.acceptance_date("/acceptanceDate", &input.acceptance_date, now),
    };
    c.finish(out)
}

/// Validates and normalises an *Add CSP service* body (and its partner attestation).
pub fn add_csp_service(input: &AddCspService, now: Timestamp) -> Result<AddCspService, McaError> {
    let mut c = Checker::default();
    let partner_attestation = input.partner_attestation.as_ref().map(|pa| {
        if !pa.automatic_flow {
            c.fail(
                "/partnerAttestation/automaticFlow",
                "automaticFlow must be true when partnerAttestation is given",
            );
        }
        PartnerAttestation {
            automatic_flow: pa.automatic_flow,
            signer: c.signer("/partnerAttestation/signer", &pa.signer),
            language: Some(c.language("/partnerAttestation/language", &pa.language)),
            country: c.country("/partnerAttestation/country", &pa.country),
            acceptance_date: c.acceptance_date(
                "/partnerAttestation/acceptanceDate",
                &pa.acceptance_date,
                now,
            ),
        }
    });
    let contact_phone = input
        .contact_phone
        .as_deref()
        .filter(|p| !p.trim().is_empty())
        .map(|p| c.phone("/contactPhone", p));
    let out = AddCspService {
        id: c.optional_text("/id", &input.id, "id"),
        currency_code: c.currency("/currencyCode", &input.currency_code),
        organization_number: c.optional_text(
            "/organizationNumber",
            &input.organization_number,
            "organization number",
        ),
        contact_email: c.email("/contactEmail", &input.contact_email),
        contact_first_name: c.optional_text(
            "/contactFirstName",
            &input.contact_first_name,
            "first name",
        ),
        contact_last_name: c.optional_text(
            "/contactLastName",
            &input.contact_last_name,
            "last name",
        ),
        contact_phone,
        city: c.optional_text("/city", &input.city, "city"),
        address: c.optional_text("/address", &input.address, "address"),
        postal_code: c.optional_text("/postalCode", &input.postal_code, "postal code"),
        domain_prefix: c.domain_prefix("/domainPrefix", &input.domain_prefix),
        partner_attestation,
    };
    c.finish(out)
}

/// Practical e-mail syntax within RFC 5321's limits: an unquoted RFC 5322 local part of at most
/// 64 octets, an RFC 1123 host name (ASCII letters, digits and hyphens, labels of at most 63, a
/// top-level label that is not all digits, no IP literal), at most 254 octets in all, and no
/// The caller's clock for the validators (`now` given as text, e.g. by JavaScript or the CLI): an
/// RFC 3339 date-time (UTC when it has no offset). Anything else is a `config` error rather than a silent default.
pub fn now(text: &str) -> Result<Timestamp, McaError> {
    Timestamp::parse(text).map_err(|_| {
        McaError::config(format!(
            "now {:?} is not an RFC 3339 date-time (e.g. 2026-11-25T12:00:00Z)",
            crate::redact::excerpt(text, 40)
        ))
    })
}

/// spaces, control or invisible characters.
pub fn is_practical_email(text: &str) -> bool {
    email::check(text).is_ok()
}

/// `+` followed by 7–15 digits once separators are removed (spaces, dashes, dots, parentheses; a
/// `(0)` trunk prefix right after the country code is dropped); returns the compact form
/// (`+46701234567`).
pub fn normalize_phone(text: &str) -> Option<String> {
    phone::normalize(text).ok()
}

/// A well-formed BCP 47 tag with a 2–3 letter primary subtag, in canonical case (`en-us` →
/// `en-US`, `zh-hant-tw` → `zh-Hant-TW`). Grandfathered and private-use-only tags are refused.
pub fn normalize_language(text: &str) -> Option<String> {
    language::normalize(text).ok()
}

/// An assigned ISO 3166-1 alpha-2 code (upper case), or Microsoft's `XK` (Kosovo).
pub fn is_country(upper: &str) -> bool {
    upper == "XK"
        || (upper.len() == 2
            && upper.bytes().all(|b| b.is_ascii_uppercase())
            && country::is_assigned_alpha2(upper))
}

/// An active ISO 4217 currency (upper case): not superseded, not a fund, not a special `X..` code.
pub fn is_currency(upper: &str) -> bool {
    iso_currency::Currency::from_code(upper).is_some_and(|c| c.flags().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn currencies_and_countries() {
        assert!(is_currency("EUR"));
        assert!(!is_currency("XTS"));
        assert!(is_country("XK"));
        assert!(is_country("SE"));
        assert!(!is_country("UK"));
    }
}
