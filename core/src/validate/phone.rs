//! Phone numbers: E.164 (`+` and 7–15 digits) once separators are removed.

use super::chars::{is_phone_dash, is_phone_space};

/// Fewest digits after `+`.
pub const MIN_DIGITS: usize = 7;
/// Most digits after `+` (E.164).
pub const MAX_DIGITS: usize = 15;

const FORMAT: &str = "phone number must be international: '+' then 7 to 15 digits (spaces, dashes, dots and parentheses allowed)";

/// The compact form (`+46701234567`) of a trimmed number, or the violation's detail.
///
/// Separators are removed: spaces (any Unicode space but controls and line breaks), dashes (ASCII
/// and the Unicode dashes word processors substitute), dots and balanced, unnested parentheses. A
/// `(0)` right after the country code (the first 1–3 digits) is a national trunk prefix and is
/// dropped; elsewhere it is refused. Only ASCII digits count: digits of other scripts (full-width,
/// Arabic-Indic…) are refused, not converted.
pub(crate) fn normalize(text: &str) -> Result<String, &'static str> {
    let rest = text.strip_prefix('+').ok_or(FORMAT)?;
    let mut out = String::with_capacity(rest.len().saturating_add(1));
    out.push('+');
    let mut digits = 0usize;
    let mut in_parens = false;
    let mut trunk_dropped = false;
    let mut chars = rest.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '0'..='9' => {
                out.push(c);
                digits = digits.saturating_add(1);
            }
            '(' if rest.get(at..).is_some_and(|s| s.starts_with("(0)")) && !in_parens => {
                if trunk_dropped || !(1..=3).contains(&digits) {
                    return Err("phone number may have (0) only right after the country code, where it is a national trunk prefix and is dropped");
                }
                trunk_dropped = true;
                chars.next();
                chars.next();
            }
            '(' if !in_parens => in_parens = true,
            ')' if in_parens => in_parens = false,
            '(' | ')' => {
                return Err("phone number's parentheses must be balanced and not nested")
            }
            '.' => {}
            c if is_phone_space(c) || is_phone_dash(c) => {}
            c if c.is_numeric() => {
                return Err("phone number must use the digits 0-9 (digits of other scripts, such as full-width or Arabic-Indic, are not converted)")
            }
            _ => return Err(FORMAT),
        }
    }
    if in_parens {
        return Err("phone number's parentheses must be balanced and not nested");
    }
    if (MIN_DIGITS..=MAX_DIGITS).contains(&digits) {
        Ok(out)
    } else {
        Err(FORMAT)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn trunk_prefix_after_country_code_is_dropped() {
        assert_eq!(normalize("+46 (0) 70 123 45 67").unwrap(), "+46701234567");
        assert_eq!(normalize("+44(0)20 7946 0958").unwrap(), "+442079460958");
        assert_eq!(normalize("+1 (0) 555 123 4567").unwrap(), "+15551234567");
        assert!(normalize("+(0)46 70 123 45 67").is_err());
        assert!(normalize("+46 70 (0) 123 45 67").is_err());
        // One trunk prefix at most: a second `(0)` would drop a digit the caller wrote.
        assert!(normalize("+1(0)(0)455020055").is_err());
    }

    #[test]
    fn other_parentheses_are_separators() {
        assert_eq!(normalize("+1 (555) 123-4567").unwrap(), "+15551234567");
        assert_eq!(normalize("+39 (06) 1234 5678").unwrap(), "+390612345678");
        assert!(normalize("+1 (555 123-4567").is_err());
        assert!(normalize("+1 555) 123-4567").is_err());
        assert!(normalize("+1 ((555)) 1234567").is_err());
    }

    #[test]
    fn unicode_separators_and_digits() {
        assert_eq!(
            normalize("+46\u{a0}70\u{2013}123\u{202f}45 67").unwrap(),
            "+46701234567"
        );
        assert!(normalize("+４６７０１２３４５６７").is_err());
        assert!(normalize("+٤٦٧٠١٢٣٤٥٦٧").is_err());
        assert!(normalize("+46\t701234567").is_err());
        assert!(normalize("+46\u{200b}701234567").is_err());
    }
}
