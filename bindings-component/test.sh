#!/usr/bin/env bash
# The core as a WebAssembly component (issue 16): builds the guest for wasm32-unknown-unknown,
# turns it into a component (wit-component, as `wasm-tools component new`), then runs the vectors
# and the sandbox scenarios in three hosts: Rust (wasmtime), Node (jco transpile) and Python
# (wasmtime from PyPI). Idempotent: installs only what is missing. Sizes and instantiate times are
# printed. Usage: bash bindings-component/test.sh  (MCA_BUILD_ONLY=1: build only, for bench/run.sh)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
out="$CARGO_TARGET_DIR/component"
export MCA_COMPONENT="$out/mca_attestation.wasm"
export MCA_SANDBOX_BIN="$CARGO_TARGET_DIR/debug/mca-sandbox"
start=$(date +%s)
step() { printf -- '-- component: %s (%ss)\n' "$*" "$(( $(date +%s) - start ))"; }

step "build the guest and the component"
rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
(cd "$here" && cargo build -q --release -p mca-attestation-component --target wasm32-unknown-unknown \
  && cargo build -q -p mca-component-host --bins)
(cd "$root" && cargo build -q -p mca-sandbox)
mkdir -p "$out"
"$CARGO_TARGET_DIR/debug/componentize" \
  "$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/mca_attestation_component.wasm" "$MCA_COMPONENT"
raw=$(stat -c %s "$MCA_COMPONENT"); gz=$(gzip -9 -c "$MCA_COMPONENT" | wc -c)
echo "component size: $raw bytes raw, $gz bytes gzip -9"

if [ "${MCA_BUILD_ONLY:-0}" = 1 ]; then
  # bench/run.sh: the component, the Rust host's binaries (built above) and the jco output; no tests.
  (cd "$here/node" && { [ -x node_modules/.bin/jco ] || timeout 600 npm install --no-audit --no-fund; } \
    && rm -rf gen && node_modules/.bin/jco transpile "$MCA_COMPONENT" -o gen --name mca_attestation --instantiation sync --no-nodejs-compat -q)
  step "built (MCA_BUILD_ONLY=1: no tests)"
  exit 0
fi

step "rust host (wasmtime): lint, vectors, sandbox scenarios, imports"
(cd "$here" && cargo fmt --all -- --check \
  && cargo clippy -q -p mca-attestation-component --target wasm32-unknown-unknown -- -D warnings \
  && cargo clippy -q -p mca-component-host --all-targets -- -D warnings \
  && cargo test -q -p mca-component-host -- --nocapture)

step "node host (jco transpile)"
if [ -d "$here/node" ]; then
  (cd "$here/node" && { [ -x node_modules/.bin/jco ] || timeout 600 npm install --no-audit --no-fund; } \
    && rm -rf gen && node_modules/.bin/jco transpile "$MCA_COMPONENT" -o gen --name mca_attestation --instantiation sync --no-nodejs-compat -q \
    && node_modules/.bin/jco wit "$MCA_COMPONENT" > gen/world.wit \
    && node --test test/)
fi

step "python host: the pure-Python package on this component (python-component/test.sh: wheel, fresh venv, vectors, scenarios)"
bash "$root/python-component/test.sh"
step "done"
