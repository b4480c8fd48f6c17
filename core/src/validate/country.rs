//! ISO 3166-1 alpha-2 country codes, as one table: the 249 officially assigned codes (those of
//! ISO 3166-1:2020, as in the `isocountry` crate, which a test compares against) in sorted order.
//! A table of two-letter pairs keeps the wasm small where a `match` over names would not.

/// The assigned alpha-2 codes, sorted, two letters each.
const ALPHA2: &str = "\
    ADAEAFAGAIALAMAOAQARASATAUAWAXAZBABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZCACCCDCFCGCHCI\
    CKCLCMCNCOCRCUCVCWCXCYCZDEDJDKDMDODZECEEEGEHERESETFIFJFKFMFOFRGAGBGDGEGFGGGHGIGLGMGNGPGQ\
    GRGSGTGUGWGYHKHMHNHRHTHUIDIEILIMINIOIQIRISITJEJMJOJPKEKGKHKIKMKNKPKRKWKYKZLALBLCLILKLRLS\
    LTLULVLYMAMCMDMEMFMGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZNANCNENFNGNINLNONPNRNUNZOMPAPEPFPG\
    PHPKPLPMPNPRPSPTPWPYQARERORSRURWSASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZTCTDTFTGTHTJTK\
    TLTMTNTOTRTTTVTWTZUAUGUMUSUYUZVAVCVEVGVIVNVUWFWSYEYTZAZMZW";

/// True for an assigned ISO 3166-1 alpha-2 code in upper case (`SE`, `US`; not `se`, not `XK`).
/// A binary search over the sorted pairs (a linear scan was a tenth of `validateStartAttestation`
/// in the npm package's profile).
pub(crate) fn is_assigned_alpha2(code: &str) -> bool {
    let code = code.as_bytes();
    if code.len() != 2 {
        return false;
    }
    let table = ALPHA2.as_bytes();
    let (mut lo, mut hi) = (0usize, table.len().checked_div(2).unwrap_or(0));
    while lo < hi {
        let mid = lo.saturating_add(hi.saturating_sub(lo).checked_div(2).unwrap_or(0));
        let at = mid.saturating_mul(2);
        match table.get(at..at.saturating_add(2)) {
            Some(pair) if pair == code => return true,
            Some(pair) if pair < code => lo = mid.saturating_add(1),
            Some(_) => hi = mid,
            None => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn the_table_is_sorted_pairs_of_upper_case_letters() {
        let pairs: Vec<&[u8]> = ALPHA2.as_bytes().chunks(2).collect();
        assert_eq!(pairs.len(), 249);
        assert!(pairs
            .iter()
            .all(|p| p.len() == 2 && p.iter().all(u8::is_ascii_uppercase)));
        assert!(
            pairs.windows(2).all(|w| w[0] < w[1]),
            "sorted, no duplicates"
        );
    }

    #[test]
    fn every_two_letter_code_agrees_with_isocountry() {
        for a in b'A'..=b'Z' {
            for b in b'A'..=b'Z' {
                let code = String::from_utf8(vec![a, b]).unwrap_or_default();
                assert_eq!(
                    is_assigned_alpha2(&code),
                    isocountry::CountryCode::for_alpha2(&code).is_ok(),
                    "{code}"
                );
            }
        }
        assert!(!is_assigned_alpha2("se"));
        assert!(!is_assigned_alpha2("SWE"));
    }
}
