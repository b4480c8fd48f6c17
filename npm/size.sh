#!/usr/bin/env bash
# Prints the wasm size (raw and gzip -9) and the npm pack size. Builds first when dist/ is missing.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
[ -f dist/mca_attestation_wasm_bg.wasm ] || ./build.sh >&2
wasm=dist/mca_attestation_wasm_bg.wasm
raw=$(wc -c < "$wasm")
gz=$(gzip -9c "$wasm" | wc -c)
awk -v r="$raw" -v g="$gz" 'BEGIN {
  printf "wasm raw:     %7d bytes (%.1f KiB)\n", r, r / 1024
  printf "wasm gzip -9: %7d bytes (%.1f KiB)\n", g, g / 1024 }'
npm pack --dry-run --json 2>/dev/null | node -e '
  const [p] = JSON.parse(require("fs").readFileSync(0, "utf8"));
  console.log(`npm pack:     ${String(p.size).padStart(7)} bytes (${(p.size / 1024).toFixed(1)} KiB) tarball, ${p.unpackedSize} unpacked, ${p.entryCount} files`);
  for (const f of p.files) console.log(`  ${String(f.size).padStart(7)}  ${f.path}`);'
