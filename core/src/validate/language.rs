//! Language tags: BCP 47 (RFC 5646) with a 2–3 letter primary language subtag.

use oxilangtag::LanguageTag;

/// The canonical-case tag (`en-us` → `en-US`, `zh-hant-tw` → `zh-Hant-TW`) or the violation's
/// detail. Policy beyond RFC 5646 well-formedness: the primary subtag must be an ISO 639 code of 2–3
/// letters, so grandfathered tags (`i-klingon`, `en-GB-oed`), private-use-only tags (`x-whatever`)
/// and the reserved 4–8 letter primary subtags are refused, each with a message that says why.
pub(crate) fn normalize(text: &str) -> Result<String, &'static str> {
    let tag = LanguageTag::parse_and_normalize(text)
        .map_err(|_| "language must be a well-formed BCP 47 tag such as en-US")?;
    if tag.as_str().starts_with("x-") {
        return Err("language must not be a private-use-only tag (x-...): start with a 2 or 3 letter ISO 639 language code, e.g. en-US-x-whatever");
    }
    let primary = tag.primary_language();
    if primary == tag.as_str() && primary.contains('-') {
        // oxilangtag reports a grandfathered tag as one indivisible primary subtag.
        return Err("language must not be a grandfathered BCP 47 tag (such as i-klingon or en-GB-oed): use its modern replacement (tlh, en-GB-oxendict)");
    }
    if !(2..=3).contains(&primary.len()) {
        return Err(
            "language must start with a 2 or 3 letter ISO 639 language code, such as en-US",
        );
    }
    Ok(tag.into_inner())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn case_is_canonical() {
        assert_eq!(normalize("EN-us").unwrap(), "en-US");
        assert_eq!(normalize("zh-hant-tw").unwrap(), "zh-Hant-TW");
        assert_eq!(normalize("de-ch-x-phonebk").unwrap(), "de-CH-x-phonebk");
        assert_eq!(normalize("ES-419").unwrap(), "es-419");
        assert_eq!(normalize("en-A-BB-x-CC").unwrap(), "en-a-bb-x-cc");
        assert!(normalize("en_US").is_err());
    }

    #[test]
    fn grandfathered_and_private_use_only_are_refused_with_reason() {
        for tag in [
            "i-klingon",
            "en-GB-oed",
            "EN-gb-OED",
            "zh-min-nan",
            "art-lojban",
        ] {
            assert!(
                normalize(tag).unwrap_err().contains("grandfathered"),
                "{tag}"
            );
        }
        for tag in ["x-whatever", "X-A-B"] {
            assert!(normalize(tag).unwrap_err().contains("private-use"), "{tag}");
        }
        assert!(normalize("english").unwrap_err().contains("2 or 3 letter"));
        assert_eq!(normalize("en-GB-oxendict").unwrap(), "en-GB-oxendict");
        assert_eq!(normalize("tlh").unwrap(), "tlh");
    }
}
