//! Support of `bench/run.sh` (see `bench/README.md`): the binaries `mca-loadgen` (a keep-alive HTTP/1.1
//! GET load generator, used where `wrk` is not installed) and `bench-hello` (the axum hello-world the
//! sandbox is compared with), and the criterion benchmark of the core (`benches/core.rs`).
