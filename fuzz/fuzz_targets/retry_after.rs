//! `Retry-After` (`problem::retry_after`): delta seconds of any size, HTTP dates with any parts,
//! junk; against a `now` anywhere in the supported range.
#![no_main]

use std::time::Duration;

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use mca_attestation::decode::retry_after;
use mca_fuzz::gen;
use mca_fuzz::responses::any_now;

fn check(value: &str, now: mca_attestation::Timestamp) {
    let got = retry_after(value, now);
    if let Ok(secs) = value.trim().parse::<u64>() {
        if secs <= 86_400 {
            assert_eq!(got, Some(Duration::from_secs(secs)), "delta seconds");
        }
    }
    if let Some(d) = got {
        let _ = now.add(d);
        assert!(d <= Duration::from_secs(u64::MAX));
    }
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let now = any_now(&mut u).unwrap_or_else(|_| mca_fuzz::flows::now());
    if let Ok(text) = std::str::from_utf8(data) {
        check(text, now);
    }
    if let Ok(text) = gen::retry_after_text(&mut u) {
        check(&text, now);
    }
});
