//! E-mail addresses: practical syntax within RFC 5321's limits.

use super::chars::{is_control_or_break, is_invisible};

/// RFC 5321 §4.5.3.1.1: a local part is at most 64 octets.
pub const MAX_LOCAL_PART_OCTETS: usize = 64;
/// RFC 5321 §4.5.3.1.3 (a 256-octet path minus its angle brackets): an address is at most 254 octets.
pub const MAX_ADDRESS_OCTETS: usize = 254;
/// RFC 1035 §2.3.4: a domain label is at most 63 octets.
pub const MAX_LABEL_OCTETS: usize = 63;

/// Checks a trimmed, non-empty address; `Err` carries the violation's detail (never the address).
pub(crate) fn check(text: &str) -> Result<(), &'static str> {
    if text
        .chars()
        .any(|c| c.is_whitespace() || is_control_or_break(c) || is_invisible(c))
    {
        return Err("e-mail address must not contain spaces, control characters or invisible characters (such as zero-width space or soft hyphen)");
    }
    if text.len() > MAX_ADDRESS_OCTETS {
        return Err("e-mail address must be at most 254 octets (RFC 5321)");
    }
    let Some((local, domain)) = text.rsplit_once('@') else {
        return Err(SYNTAX);
    };
    if local.starts_with('"') {
        return Err("e-mail address must not have a quoted local part");
    }
    if local.len() > MAX_LOCAL_PART_OCTETS {
        return Err("the part of the e-mail address before @ must be at most 64 octets (RFC 5321)");
    }
    if domain.starts_with('[') {
        return Err("e-mail address must have a domain name, not an IP address literal");
    }
    check_domain(domain)?;
    let options = email_address::Options::default()
        .with_required_tld()
        .without_domain_literal()
        .without_display_text();
    email_address::EmailAddress::parse_with_options(text, options)
        .map(|_| ())
        .map_err(|_| SYNTAX)
}

const SYNTAX: &str = "e-mail address is not valid (expected name@domain.tld)";

/// RFC 1123 host names: at least two labels, each 1–63 ASCII letters, digits and hyphens, not
/// starting or ending with a hyphen; the top-level label is not all digits (RFC 3696 §2), which
/// also rules out dotted IPv4 addresses. Internationalised domains are accepted in their A-label
/// (`xn--`) form only.
fn check_domain(domain: &str) -> Result<(), &'static str> {
    const LABELS: &str = "e-mail domain must be labels of letters, digits and hyphens, at most 63 each and not starting or ending with a hyphen (internationalised domains in their xn-- form)";
    let mut labels = domain.split('.');
    let mut count = 0usize;
    let mut last = "";
    for label in labels.by_ref() {
        let ldh = label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if label.is_empty()
            || label.len() > MAX_LABEL_OCTETS
            || !ldh
            || label.starts_with('-')
            || label.ends_with('-')
        {
            return Err(LABELS);
        }
        count = count.saturating_add(1);
        last = label;
    }
    if count < 2 {
        return Err(SYNTAX);
    }
    if last.bytes().all(|b| b.is_ascii_digit()) {
        return Err("e-mail domain's top-level label must not be all digits (IP addresses are not accepted)");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repeat(c: char, n: usize) -> String {
        c.to_string().repeat(n)
    }

    #[test]
    fn local_part_limit_is_64_octets() {
        assert!(check(&format!("{}@example.com", repeat('a', 64))).is_ok());
        assert!(check(&format!("{}@example.com", repeat('a', 65))).is_err());
        // octets, not characters: 32 two-octet letters are 64 octets
        assert!(check(&format!("{}@example.com", repeat('é', 32))).is_ok());
        assert!(check(&format!("{}a@example.com", repeat('é', 32))).is_err());
    }

    #[test]
    fn address_limit_is_254_octets() {
        let domain = format!(
            "{}.{}.{}.com",
            repeat('b', 63),
            repeat('c', 63),
            repeat('d', 57)
        );
        let ok = format!("{}@{domain}", repeat('a', 64));
        assert_eq!(ok.len(), 254);
        assert!(check(&ok).is_ok());
        let long = format!("{}@{domain}", repeat('a', 65));
        assert!(check(&long).is_err());
        let long = format!(
            "{}@{}.{}.{}.com",
            repeat('a', 64),
            repeat('b', 63),
            repeat('c', 63),
            repeat('d', 58)
        );
        assert_eq!(long.len(), 255);
        assert!(check(&long).is_err());
    }

    #[test]
    fn labels_and_tld() {
        assert!(check(&format!("a@{}.com", repeat('b', 63))).is_ok());
        assert!(check(&format!("a@{}.com", repeat('b', 64))).is_err());
        assert!(check("a@ex_ample.com").is_err());
        assert!(check("a@example.123").is_err());
        assert!(check("a@192.0.2.1").is_err());
        assert!(check("a@example.c0m").is_ok());
        assert!(check("a@xn--bcher-kva.de").is_ok());
        assert!(check("a@bücher.de").is_err());
        assert!(check("a@[192.0.2.1]").is_err());
        assert!(check("\"a\"@example.com").is_err());
    }

    #[test]
    fn invisible_characters() {
        assert!(check("a\u{200B}da@example.com").is_err());
        assert!(check("ada@exam\u{00AD}ple.com").is_err());
        assert!(check("\u{FEFF}ada@example.com").is_err());
        assert!(check("josé@example.com").is_ok());
    }
}
