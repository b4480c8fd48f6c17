//! Client-side validation with normalisation. Every violation is reported, each with an RFC 6901
//! pointer into the request body. The same verdicts hold in every language because they live here.

use std::time::Duration;

use crate::error::{Error, Violation};
use crate::model::{AddCspService, PartnerAttestation, Signer, StartAttestation};
use crate::timestamp::Timestamp;

/// Default language when the caller gives none.
pub const DEFAULT_LANGUAGE: &str = "en-US";

/// How far in the future an acceptance date may lie (clock skew allowance).
pub const ACCEPTANCE_DATE_SKEW: Duration = Duration::from_secs(5 * 60);

/// Collects violations while normalising values.
#[derive(Default)]
struct Checker {
    violations: Vec<Violation>,
}

impl Checker {
    fn fail(&mut self, pointer: &str, detail: impl Into<String>) {
        self.violations.push(Violation::new(pointer, detail));
    }

    fn finish<T>(self, value: T) -> Result<T, Error> {
        if self.violations.is_empty() {
            Ok(value)
        } else {
            Err(Error::Invalid {
                violations: self.violations,
            })
        }
    }

    /// Trimmed, non-blank text without control characters.
    fn name(&mut self, pointer: &str, value: &str, label: &str) -> String {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            self.fail(pointer, format!("{label} is required"));
        } else if trimmed.chars().any(char::is_control) {
            self.fail(
                pointer,
                format!("{label} must not contain control characters"),
            );
        }
        trimmed.to_string()
    }

    /// Optional free text: trimmed, no control characters; blank becomes absent.
    fn optional_text(
        &mut self,
        pointer: &str,
        value: &Option<String>,
        label: &str,
    ) -> Option<String> {
        let trimmed = value.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
        if trimmed.chars().any(char::is_control) {
            self.fail(
                pointer,
                format!("{label} must not contain control characters"),
            );
        }
        Some(trimmed.to_string())
    }

    fn email(&mut self, pointer: &str, value: &str) -> String {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            self.fail(pointer, "e-mail address is required");
        } else if !is_practical_email(trimmed) {
            self.fail(
                pointer,
                "e-mail address is not valid (expected name@domain.tld)",
            );
        }
        trimmed.to_string()
    }

    fn phone(&mut self, pointer: &str, value: &str) -> String {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            self.fail(pointer, "phone number is required");
            return String::new();
        }
        match normalize_phone(trimmed) {
            Some(p) => p,
            None => {
                self.fail(
                    pointer,
                    "phone number must be international: '+' then 7 to 15 digits (spaces, dashes, dots and parentheses allowed)",
                );
                trimmed.to_string()
            }
        }
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
        match normalize_language(raw) {
            Some(tag) => tag,
            None => {
                self.fail(
                    pointer,
                    "language must be a well-formed BCP 47 tag such as en-US",
                );
                raw.to_string()
            }
        }
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
        match Timestamp::parse_rfc3339(trimmed) {
            Ok(t) if t > now.add(ACCEPTANCE_DATE_SKEW) => {
                self.fail(pointer, "acceptance date must not be in the future");
                trimmed.to_string()
            }
            Ok(t) => t.to_rfc3339(),
            Err(_) => {
                self.fail(
                    pointer,
                    "acceptance date must be an RFC 3339 date-time with offset, e.g. 2026-01-31T09:30:00Z",
                );
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
) -> Result<StartAttestation, Error> {
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
pub fn add_csp_service(input: &AddCspService, now: Timestamp) -> Result<AddCspService, Error> {
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

/// Practical e-mail syntax: RFC 5322 local part (no quoted strings, no display text), a domain with
/// a dot and no IP literal.
pub fn is_practical_email(text: &str) -> bool {
    use email_address::{EmailAddress, Options};
    let options = Options::default()
        .with_required_tld()
        .without_domain_literal()
        .without_display_text();
    EmailAddress::parse_with_options(text, options).is_ok()
        && !text.starts_with('"')
        && !text.chars().any(char::is_whitespace)
}

/// `+` followed by 7–15 digits once spaces, dashes, dots and parentheses are removed; returns the
/// compact form (`+46701234567`).
pub fn normalize_phone(text: &str) -> Option<String> {
    let rest = text.strip_prefix('+')?;
    let mut digits = String::with_capacity(rest.len() + 1);
    digits.push('+');
    for ch in rest.chars() {
        match ch {
            '0'..='9' => digits.push(ch),
            ' ' | '-' | '.' | '(' | ')' => {}
            _ => return None,
        }
    }
    let count = digits.len() - 1;
    (7..=15).contains(&count).then_some(digits)
}

/// A well-formed BCP 47 tag with canonical case (`en-us` → `en-US`, `zh-hant-tw` → `zh-Hant-TW`).
/// The primary language subtag must be an ISO 639 code (2–3 letters): BCP 47's 5–8-letter
/// registered subtags do not exist in practice and words like `english` are mistakes.
pub fn normalize_language(text: &str) -> Option<String> {
    let tag = oxilangtag::LanguageTag::parse(text).ok()?;
    let primary = tag.primary_language();
    if !(2..=3).contains(&primary.len()) {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut after_singleton = false;
    for (i, sub) in tag.as_str().split('-').enumerate() {
        if i > 0 {
            out.push('-');
        }
        let lower = sub.to_ascii_lowercase();
        if i == 0 || after_singleton {
            out.push_str(&lower);
        } else if sub.len() == 1 {
            after_singleton = true;
            out.push_str(&lower);
        } else if sub.len() == 2 {
            out.push_str(&sub.to_ascii_uppercase());
        } else if sub.len() == 4 && sub.bytes().all(|b| b.is_ascii_alphabetic()) {
            let mut chars = lower.chars();
            if let Some(first) = chars.next() {
                out.push(first.to_ascii_uppercase());
                out.push_str(chars.as_str());
            }
        } else {
            out.push_str(&lower);
        }
    }
    Some(out)
}

/// An assigned ISO 3166-1 alpha-2 code (upper case), or Microsoft's `XK` (Kosovo).
pub fn is_country(upper: &str) -> bool {
    upper == "XK"
        || (upper.len() == 2
            && upper.bytes().all(|b| b.is_ascii_uppercase())
            && isocountry::CountryCode::for_alpha2(upper).is_ok())
}

/// An active ISO 4217 currency (upper case): not superseded, not a fund, not a special `X..` code.
pub fn is_currency(upper: &str) -> bool {
    iso_currency::Currency::from_code(upper).is_some_and(|c| c.flags().is_empty())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn language_case_is_canonical() {
        assert_eq!(normalize_language("EN-us").unwrap(), "en-US");
        assert_eq!(normalize_language("zh-hant-tw").unwrap(), "zh-Hant-TW");
        assert_eq!(
            normalize_language("de-ch-x-phonebk").unwrap(),
            "de-CH-x-phonebk"
        );
        assert!(normalize_language("en_US").is_none());
    }

    #[test]
    fn phone_is_compacted() {
        assert_eq!(
            normalize_phone("+46 (70) 123-45.67").unwrap(),
            "+46701234567"
        );
        assert!(normalize_phone("0701234567").is_none());
        assert!(normalize_phone("+123456").is_none());
        assert!(normalize_phone("+1234567890123456").is_none());
    }

    #[test]
    fn currencies_and_countries() {
        assert!(is_currency("EUR"));
        assert!(!is_currency("XTS"));
        assert!(is_country("XK"));
        assert!(is_country("SE"));
        assert!(!is_country("UK"));
    }
}
