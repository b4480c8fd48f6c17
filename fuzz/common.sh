# Shared by smoke.sh and campaign.sh (sourced, not run): installs what is missing, idempotently,
# and runs one target for a bounded time.
set -euo pipefail
FUZZ_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$FUZZ_DIR")"
# The fuzz build has its own flags and triple: keep it in fuzz/target whatever the caller set.
export CARGO_TARGET_DIR="$FUZZ_DIR/target"
TARGETS=(parse_response problem token timestamp retry_after validate flow_ensure flow_wait)
# Release build with debug assertions and overflow checks; no sanitizer (the core is
# `forbid(unsafe_code)`: panics, assertion failures, overflows and hangs are what we look for).
BUILD_FLAGS=(--release --debug-assertions --sanitizer none)

# cargo-fuzz needs nightly flags; without a nightly toolchain (none installed and none can be
# downloaded) stable builds the same targets with RUSTC_BOOTSTRAP=1 (no sanitizer is used).
FUZZ_TOOLCHAIN=+nightly
fuzz_install() {
  if ! rustup toolchain list | grep -q '^nightly' &&
    ! rustup toolchain install nightly --profile minimal; then
    echo "fuzz: no nightly toolchain; building with stable and RUSTC_BOOTSTRAP=1"
    FUZZ_TOOLCHAIN=+stable
    export RUSTC_BOOTSTRAP=1
  fi
  command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
}

fuzz_build() {
  python3 "$FUZZ_DIR/seeds.py" >/dev/null
  (cd "$ROOT" && cargo "$FUZZ_TOOLCHAIN" fuzz build "${BUILD_FLAGS[@]}")
}

# fuzz_run TARGET SECONDS LOG: runs TARGET (corpus/ then the committed seeds/) for SECONDS;
# the exit status is libFuzzer's (non-zero on a crash, a failed assertion, a timeout or an OOM).
fuzz_run() {
  local target=$1 seconds=$2 log=$3
  mkdir -p "$FUZZ_DIR/corpus/$target" "$FUZZ_DIR/seeds/$target" "$FUZZ_DIR/artifacts/$target"
  (cd "$ROOT" && cargo "$FUZZ_TOOLCHAIN" fuzz run "${BUILD_FLAGS[@]}" "$target" \
    "$FUZZ_DIR/corpus/$target" "$FUZZ_DIR/seeds/$target" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
    -dict="$FUZZ_DIR/dict/$target.dict" -print_final_stats=1 \
    -artifact_prefix="$FUZZ_DIR/artifacts/$target/") >"$log" 2>&1
}

# fuzz_execs LOG: executions reported by libFuzzer's final stats (0 when none).
fuzz_execs() {
  grep -o 'stat::number_of_executed_units: *[0-9]*' "$1" | grep -o '[0-9]*$' | tail -1 || echo 0
}

# fuzz_show_crash LOG: the panic message and the input that caused it.
fuzz_show_crash() {
  local log=$1 file
  grep -m1 -A3 -E "panicked at|ERROR: libFuzzer|==ERROR" "$log" | sed 's/^/    /' || true
  file=$(grep -o 'Test unit written to [^ ]*' "$log" | tail -1 | sed 's/Test unit written to //')
  if [ -n "$file" ] && [ -f "$file" ]; then
    echo "    input: $file"
    echo "    bytes: $(head -c 400 "$file" | od -An -c | tr -s ' ' | tr -d '\n' | head -c 600)"
  fi
}
