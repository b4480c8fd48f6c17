//! The problem parser (RFC 9457, legacy lists, model state, OAuth errors, HTML pages) and the
//! error mapping, on any status, headers and body.
#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use mca_attestation::decode::{error_from_response, field_to_pointer, parse_problem};
use mca_attestation::HttpResponse;
use mca_fuzz::flows::now;
use mca_fuzz::gen;
use mca_fuzz::responses::{any_now, ResponseCase};

fn check(resp: &HttpResponse, now: mca_attestation::Timestamp) {
    let problem = parse_problem(resp, now);
    assert_eq!(
        problem.status, resp.status,
        "the problem keeps the HTTP status"
    );
    assert!(!problem.type_uri.is_empty(), "type defaults to about:blank");
    let _ = problem.summary();
    let _ = serde_json::to_string(&problem);
    let err = error_from_response(resp, now);
    let _ = (format!("{err} {err:?}"), err.kind(), err.outcome_unknown());
}

fuzz_target!(|data: &[u8]| {
    if let Some(case) = ResponseCase::from_json(data) {
        check(&case.response, case.now);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = field_to_pointer(text);
        // One status per input (the first byte picks it): the body parse does not depend on it.
        let statuses = [400, 401, 403, 404, 409, 429, 500, 502];
        let status = statuses[usize::from(data.first().copied().unwrap_or(0)) % statuses.len()];
        check(&HttpResponse::new(status, Vec::new(), text), now());
    }
    let mut u = Unstructured::new(data);
    let built = (|| -> arbitrary::Result<(HttpResponse, mca_attestation::Timestamp)> {
        Ok((
            HttpResponse::new(
                gen::status(&mut u)?,
                gen::headers(&mut u)?,
                gen::body(&mut u)?,
            ),
            any_now(&mut u)?,
        ))
    })();
    if let Ok((resp, now)) = built {
        check(&resp, now);
    }
});
