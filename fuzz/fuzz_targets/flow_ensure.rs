//! `EnsureAccepted` against a scripted server (any sequence of responses and transport errors) on
//! a fake clock: it ends within a bounded number of steps, never sleeps past its ceiling or its
//! deadline, and never starts a second attestation unless a lookup after an unknown outcome found
//! nothing (never more than two). See `mca_fuzz::flows`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mca_fuzz::flows::{run_ensure, FlowCase};

fuzz_target!(|data: &[u8]| {
    if let Some(case) = FlowCase::from_bytes(data) {
        let run = run_ensure(&case);
        if let Err(e) = &run.result {
            let _ = format!("{e} {e:?}");
        }
    }
});
