#!/usr/bin/env bash
# The npm package's whole test suite, called by tests/run.sh. Idempotent: installs what is missing
# (wasm32 target, wasm-bindgen-cli matching the pinned wasm-bindgen, npm packages from the lock file,
# Debian chromium), builds the release wasm and the package, then runs wasm-bindgen-test in Node,
# tsc --strict on a consumer, node --test (vectors, API, sandbox scenarios, errors), the bundler apps
# (Vite, esbuild, webpack, plain page, Node import/require) and the browser test.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
cd "$here"

step() { printf '\n== npm: %s\n' "$*"; }

step "toolchain"
node -e 'if (+process.versions.node.split(".")[0] < 20) { console.error("Node >= 20 needed, have " + process.version); process.exit(1) }'
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi
pin="$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' "$root/Cargo.toml")"
[ -n "$pin" ] || { echo "no exact wasm-bindgen pin in $root/Cargo.toml" >&2; exit 1; }
have="$( (wasm-bindgen --version 2>/dev/null || true) | awk '{print $2}')"
if [ "$have" != "$pin" ]; then
  echo "installing wasm-bindgen-cli $pin (found: ${have:-none})"
  cargo install wasm-bindgen-cli --version "$pin" --force
fi
if [ "${MCA_BUILD_ONLY:-0}" != 1 ] && [ ! -x /usr/bin/chromium ]; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium chromium-driver
fi
stamp="node_modules/.lock-sha"
sha="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sha" ]; then
  npm ci --no-audit --no-fund
  echo "$sha" > "$stamp"
fi

step "build (release-wasm, wasm-bindgen, wasm-opt -Oz)"
./build.sh
# MCA_BUILD_ONLY=1 (bench/run.sh): the tools and the package only, no tests.
[ "${MCA_BUILD_ONLY:-0}" = 1 ] && exit 0
cargo build --manifest-path "$root/Cargo.toml" -p mca-sandbox
export MCA_SANDBOX_BIN="$CARGO_TARGET_DIR/debug/mca-sandbox"

step "wasm-bindgen-test (driver, Node)"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --manifest-path "$root/Cargo.toml" -p mca-attestation-wasm --target wasm32-unknown-unknown

step "types: tsc --noEmit --strict on test/consumer.ts"
if grep -nwE 'any' index.d.ts; then
  echo "index.d.ts must not use 'any'" >&2
  exit 1
fi
node_modules/.bin/tsc --noEmit --strict -p tsconfig.json

step "node --test: vectors, API, sandbox scenarios, hostile server"
node --test test/vectors.test.mjs test/api.test.mjs test/scenarios.test.mjs test/hostile.test.mjs

step "node --test: errors stay McaError (fetch failures, timeouts, aborts)"
node --test test/errors.test.mjs

step "bundlers: npm pack once; Vite, esbuild, webpack, plain module page in chromium; Node import/require"
t0=$SECONDS
node --test test/bundlers/bundlers.test.mjs
echo "bundlers step: $((SECONDS - t0)) s"

step "browser: playwright-core + chromium"
node --test test/browser.test.mjs
echo "screenshot: $here/test-output/browser-manual-flow.png"
