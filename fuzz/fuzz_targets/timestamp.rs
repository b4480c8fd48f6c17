//! Timestamps: `Timestamp::parse` / `parse_rfc3339` on any text and on generated dates at the ends
//! of years 0000–9999 with offsets that push their UTC form out of range; whatever parses writes
//! back (`to_rfc3339`) as RFC 3339 that parses to the same instant; millisecond round trips;
//! arithmetic at the ends of the range.
#![no_main]

use std::time::Duration;

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use mca_attestation::Timestamp;
use mca_fuzz::gen;

fn round_trip(t: Timestamp) {
    let text = t.to_rfc3339();
    let back = Timestamp::parse_rfc3339(&text)
        .unwrap_or_else(|e| panic!("to_rfc3339 wrote {text:?}, which does not parse back: {e}"));
    assert_eq!(back, t, "{text} parses to another instant");
    let millis = t.unix_millis();
    if let Some(m) = Timestamp::from_unix_millis(millis) {
        let apart = m.since(t).max(t.since(m));
        assert!(
            apart < Duration::from_millis(1),
            "{text}: millis {millis} are {apart:?} away"
        );
    }
    let json = serde_json::to_string(&t).unwrap_or_default();
    let from_json: Result<Timestamp, _> = serde_json::from_str(&json);
    assert_eq!(from_json.ok(), Some(t), "serde round trip of {json}");
}

fn check_text(text: &str) {
    for parsed in [Timestamp::parse(text), Timestamp::parse_rfc3339(text)] {
        if let Ok(t) = parsed {
            round_trip(t);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        check_text(text);
    }
    let mut u = Unstructured::new(data);
    if let Ok(text) = gen::date_text(&mut u) {
        check_text(&text);
    }
    if let Ok(millis) = u.arbitrary::<i64>() {
        if let Some(t) = Timestamp::from_unix_millis(millis) {
            assert_eq!(t.unix_millis(), millis, "millisecond round trip");
        }
    }
    if let (Ok(a), Ok(secs), Ok(nanos)) = (
        u.arbitrary::<i64>(),
        u.arbitrary::<u64>(),
        u.int_in_range(0u32..=999_999_999),
    ) {
        if let Some(t) = Timestamp::from_unix_millis(a) {
            let d = Duration::new(secs, nanos);
            let later = t.add(d);
            let earlier = t.sub(d);
            assert!(later >= t && earlier <= t, "add and sub move the right way");
            let _ = (later.since(earlier), earlier.since(later), t.to_rfc3339());
        }
    }
});
