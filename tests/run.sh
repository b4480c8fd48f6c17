#!/usr/bin/env bash
# The one test command (see README.md). Installs whatever this machine lacks — idempotently, so a
# second run skips the installs — then runs every suite: Rust (fmt, clippy, tests, wasm32 check),
# the OpenAPI lint + schemathesis against the sandbox, the npm package (Node + Chromium), the Python
# wheel and the Kotlin library. Any failure fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
# No incremental caches: a test run compiles each crate once per configuration, and the caches cost
# gigabytes of disk (CI ran out of disk once). Set CARGO_INCREMENTAL=1 to keep them while developing.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
start=$(date +%s)
# Each section header gives the elapsed seconds and the free disk, so a CI log shows where both go.
section() {
  printf '\n== %s (%ss, %s free)\n' "$*" "$(( $(date +%s) - start ))" \
    "$(df -h --output=avail . 2>/dev/null | tail -1 | tr -d ' ' || echo '?')"
}

section "toolchain"
installed_components=$(rustup component list --installed)
for c in rustfmt clippy; do
  grep -q "^$c" <<<"$installed_components" || rustup component add "$c"
done
rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
# GNU time: cli/tests/hostile.rs measures the CLI's peak RSS on a 1 GiB response with /usr/bin/time.
[ -x /usr/bin/time ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null; }

section "cargo fmt --check"
cargo fmt --all -- --check

section "cargo clippy -D warnings"
cargo clippy --workspace --all-targets -- -D warnings

section "cargo test --workspace"
cargo test --workspace

# Fuzz smoke: every cargo-fuzz target in fuzz/ for 10 s (nightly + cargo-fuzz installed if missing);
# fails on any crash. The long campaign is `bash fuzz/campaign.sh SECONDS` (fuzz/README.md).
section "fuzz smoke (fuzz/smoke.sh)"
bash fuzz/smoke.sh

section "core builds for wasm32"
cargo check -p mca-attestation --target wasm32-unknown-unknown

# The CLI's install path: `cargo install --path cli` (debug, shared target dir) and the installed mca.
section "tests/install-cli.sh"
bash tests/install-cli.sh

# The CLI's HTML pages (report/ensure --html) in headless Debian Chromium; screenshots in target/.
section "cli/test-html.sh"
bash cli/test-html.sh

for suite in spec/check.sh npm/test.sh python/test.sh kotlin/test.sh; do
  section "$suite"
  bash "$suite"
done

# The core as a WebAssembly component (issue 16): wit-bindgen guest + wit-component, run by three
# hosts — wasmtime (Rust), jco (Node), wasmtime-py (Python) — on every vector and the sandbox
# scenarios; prints the component size and instantiate times. Own Cargo workspace (wasmtime).
section "bindings-component/test.sh"
timeout 2400 bash bindings-component/test.sh

# Benchmarks smoke (issue 13): every benchmark of bench/run.sh with tiny counts, no timing assertions.
section "bench/run.sh --quick"; bash bench/run.sh --quick

# Packaging (issue 14; README "Install"): the release artefacts — manylinux2014 wheels (x86_64,
# aarch64; zig) and the sdist, the jar with linux-x86-64, linux-aarch64 (zig) and win32-x86-64
# (mingw-w64) natives plus sources and javadoc jars — built once and cached, checked (tags, ELF/PE
# machine, glibc <= 2.17); each package installed from them in a fresh directory as its README says;
# every README code block compiled or run. Reuses npm/dist, the venv's wheel and kotlin/target above.
section "packaging: tests/artefacts.sh, tests/install.sh, tests/snippets.sh"
bash tests/artefacts.sh
bash tests/install.sh
bash tests/snippets.sh

# Race and fault matrix, quick subset (issue 11; tests/reliability/README.md): fails when a cell breaks
# the promise (one attestation, every waiting caller accepted, one token per client). Reuses the wheel
# and the npm build of the suites above. The full matrix (docs/reliability.md): matrix.sh without --quick.
section "tests/reliability/matrix.sh --quick"
bash tests/reliability/matrix.sh --quick

section "all suites passed"
du -sh "$CARGO_TARGET_DIR" 2>/dev/null || true
