//! Character classes the validators need, from the Unicode Character Database (UCD 15.1).
//!
//! A small explicit table instead of a Unicode-properties crate: it holds the union of
//! `Default_Ignorable_Code_Point` (DerivedCoreProperties.txt) and general category `Cf` (format),
//! i.e. every character that renders as nothing (zero-width space, BOM, soft hyphen, joiners,
//! bidi controls, variation selectors, tag characters, Hangul fillers). Checked against Perl's and
//! Python's UCD tables when written; new Unicode versions rarely add to it.

/// `(first, last)` ranges, inclusive, sorted: Default_Ignorable_Code_Point ∪ Cf.
const INVISIBLE: &[(char, char)] = &[
    ('\u{00AD}', '\u{00AD}'),   // soft hyphen
    ('\u{034F}', '\u{034F}'),   // combining grapheme joiner
    ('\u{0600}', '\u{0605}'),   // Arabic number signs (Cf)
    ('\u{061C}', '\u{061C}'),   // Arabic letter mark
    ('\u{06DD}', '\u{06DD}'),   // Arabic end of ayah (Cf)
    ('\u{070F}', '\u{070F}'),   // Syriac abbreviation mark (Cf)
    ('\u{0890}', '\u{0891}'),   // Arabic pound/piastre mark above (Cf)
    ('\u{08E2}', '\u{08E2}'),   // Arabic disputed end of ayah (Cf)
    ('\u{115F}', '\u{1160}'),   // Hangul choseong/jungseong fillers
    ('\u{17B4}', '\u{17B5}'),   // Khmer inherent vowels
    ('\u{180B}', '\u{180F}'),   // Mongolian variation selectors, vowel separator
    ('\u{200B}', '\u{200F}'),   // ZWSP, ZWNJ, ZWJ, LRM, RLM
    ('\u{202A}', '\u{202E}'),   // bidi embeddings and overrides
    ('\u{2060}', '\u{206F}'),   // word joiner, invisible operators, bidi isolates, deprecated
    ('\u{3164}', '\u{3164}'),   // Hangul filler
    ('\u{FE00}', '\u{FE0F}'),   // variation selectors
    ('\u{FEFF}', '\u{FEFF}'),   // BOM / zero-width no-break space
    ('\u{FFA0}', '\u{FFA0}'),   // halfwidth Hangul filler
    ('\u{FFF0}', '\u{FFFB}'),   // reserved, interlinear annotation
    ('\u{110BD}', '\u{110BD}'), // Kaithi number sign (Cf)
    ('\u{110CD}', '\u{110CD}'), // Kaithi number sign above (Cf)
    ('\u{13430}', '\u{1343F}'), // Egyptian hieroglyph format controls (Cf)
    ('\u{1BCA0}', '\u{1BCA3}'), // shorthand format controls
    ('\u{1D173}', '\u{1D17A}'), // musical symbol beam/tie/slur controls
    ('\u{E0000}', '\u{E0FFF}'), // tags, variation selectors supplement
];

/// A character that renders as nothing: `Default_Ignorable_Code_Point` or general category `Cf`.
pub(crate) fn is_invisible(c: char) -> bool {
    INVISIBLE
        .binary_search_by(|&(first, last)| {
            if c < first {
                std::cmp::Ordering::Greater
            } else if c > last {
                std::cmp::Ordering::Less
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// The explicit bidirectional controls that reorder text (embeddings LRE/RLE, overrides LRO/RLO,
/// PDF, isolates LRI/RLI/FSI/PDI) — the "Trojan Source" set (CVE-2021-42574). The implicit marks
/// (LRM, RLM, ALM) do not reorder other characters and are allowed.
pub(crate) fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A control character (`Cc`) or a Unicode line/paragraph separator: text that breaks lines.
pub(crate) fn is_control_or_break(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

/// Whitespace or invisible: what is set aside when deciding whether text is blank, and what is
/// trimmed from the ends of names.
pub(crate) fn is_blank(c: char) -> bool {
    c.is_whitespace() || is_invisible(c)
}

/// A space within a phone number: any Unicode `White_Space` character (NBSP, narrow NBSP, thin
/// space, ideographic space…) except controls and line breaks.
pub(crate) fn is_phone_space(c: char) -> bool {
    c.is_whitespace() && !is_control_or_break(c)
}

/// A dash within a phone number: ASCII hyphen-minus or a Unicode dash that word processors
/// substitute (hyphen, non-breaking hyphen, figure dash, en dash, em dash, horizontal bar, minus).
pub(crate) fn is_phone_dash(c: char) -> bool {
    matches!(c, '-' | '\u{2010}'..='\u{2015}' | '\u{2212}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_disjoint() {
        for pair in INVISIBLE.windows(2) {
            if let [(a_first, a_last), (b_first, _)] = pair {
                assert!(a_first <= a_last && a_last < b_first, "{pair:?}");
            }
        }
    }

    #[test]
    fn invisible_characters() {
        for c in [
            '\u{200B}',
            '\u{00AD}',
            '\u{FEFF}',
            '\u{200D}',
            '\u{202E}',
            '\u{2066}',
            '\u{3164}',
            '\u{E0001}',
            '\u{E0FFF}',
            '\u{180E}',
            '\u{1343F}',
        ] {
            assert!(is_invisible(c), "{c:?}");
        }
        for c in [
            'a',
            ' ',
            '\u{00A0}',
            'é',
            '\u{0660}',
            '\u{2028}',
            '\u{FFFC}',
            '\u{1F600}',
        ] {
            assert!(!is_invisible(c), "{c:?}");
        }
    }

    #[test]
    fn bidi_controls_but_not_marks() {
        assert!(is_bidi_control('\u{202E}'));
        assert!(is_bidi_control('\u{202D}'));
        assert!(is_bidi_control('\u{2067}'));
        assert!(!is_bidi_control('\u{200F}'));
        assert!(!is_bidi_control('\u{061C}'));
    }

    #[test]
    fn phone_separators() {
        assert!(is_phone_space('\u{00A0}') && is_phone_space('\u{202F}') && is_phone_space(' '));
        assert!(!is_phone_space('\t') && !is_phone_space('\u{2028}'));
        assert!(is_phone_dash('\u{2013}') && is_phone_dash('\u{2212}') && !is_phone_dash('_'));
    }
}
