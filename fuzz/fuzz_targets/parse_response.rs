//! Every operation's response parser (`Operation::parse`) on any status, headers and body.
#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use mca_attestation::HttpResponse;
use mca_fuzz::flows::now;
use mca_fuzz::responses::{parse, ResponseCase, OPS};

fn check(case: &ResponseCase) {
    if let Err(e) = parse(case.op, &case.response, case.now, &case.csp) {
        // Reading an error must not panic either.
        let _ = (
            format!("{e} {e:?}"),
            e.kind(),
            e.status(),
            e.outcome_unknown(),
        );
        let _ = (
            e.violations(),
            e.retry_after(),
            e.problem().map(|p| p.summary()),
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let case = ResponseCase::from_json(data)
        .or_else(|| ResponseCase::arbitrary(&mut Unstructured::new(data)).ok());
    if let Some(case) = case {
        check(&case);
    }
    // The raw bytes as a 200 body, for every parser (byte mutation of JSON texts).
    if let Ok(text) = std::str::from_utf8(data) {
        let base = ResponseCase {
            op: 0,
            response: HttpResponse::new(200, Vec::new(), text),
            csp: Default::default(),
            now: now(),
        };
        for op in 0..OPS.len() {
            check(&ResponseCase { op, ..base.clone() });
        }
    }
});
