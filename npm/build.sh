#!/usr/bin/env bash
# Builds the npm package's wasm: release-wasm profile, wasm-bindgen (Node ESM + web glue sharing one
# .wasm), wasm-opt -Oz from npm binaryen, the CommonJS entry (esbuild). Output: npm/dist/. Expects the tools (see test.sh).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
cargo build --manifest-path "$root/Cargo.toml" -p mca-attestation-wasm \
  --target wasm32-unknown-unknown --profile release-wasm
raw="$target/wasm32-unknown-unknown/release-wasm/mca_attestation_wasm.wasm"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
wasm-bindgen --target web --out-dir "$tmp/web" "$raw"
wasm-bindgen --target experimental-nodejs-module --out-dir "$tmp/node" "$raw"
rm -rf "$here/dist"
mkdir -p "$here/dist"
cp "$tmp/web/mca_attestation_wasm.js" "$tmp/web/mca_attestation_wasm.d.ts" "$here/dist/"
# Same .wasm for both targets: the Node glue reads the file next to it.
sed 's#/\* @ts-self-types="./mca_attestation_wasm.d.ts" \*/##' "$tmp/node/mca_attestation_wasm.js" \
  > "$here/dist/mca_attestation_wasm.node.js"
"$here/node_modules/.bin/wasm-opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
  --enable-reference-types --enable-multivalue --enable-sign-ext --enable-mutable-globals \
  "$tmp/web/mca_attestation_wasm_bg.wasm" -o "$here/dist/mca_attestation_wasm_bg.wasm"
# CommonJS entry for `require()`: src/node.js and the Node glue bundled to one CJS file in dist/ (the
# glue's `import.meta.url` becomes this file's URL, so it reads the same .wasm next to it).
"$here/node_modules/.bin/esbuild" "$here/src/node.js" --bundle --platform=node --format=cjs --target=node20 \
  --define:import.meta.url=__mca_import_meta_url \
  --banner:js="const __mca_import_meta_url = require('node:url').pathToFileURL(__filename).href;" \
  --log-level=warning --outfile="$here/dist/node.cjs"
# Its types: index.d.ts as CommonJS declarations (TypeScript picks them for `require`).
sed "s#'./dist/#'./#" "$here/index.d.ts" > "$here/dist/node.d.cts"
echo "built $here/dist ($(wc -c < "$here/dist/mca_attestation_wasm_bg.wasm") bytes of wasm)"
