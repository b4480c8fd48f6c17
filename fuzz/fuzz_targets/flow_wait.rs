//! `WaitForSignature` against a scripted server on a fake clock: it only reads, ends within a
//! bounded number of steps and never sleeps past its ceiling or its deadline.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mca_fuzz::flows::{run_wait, FlowCase};

fuzz_target!(|data: &[u8]| {
    if let Some(case) = FlowCase::from_bytes(data) {
        let run = run_wait(&case);
        if let Err(e) = &run.result {
            let _ = format!("{e} {e:?}");
        }
    }
});
