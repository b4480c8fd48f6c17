#!/usr/bin/env bash
# Builds the Python artefacts users install, into $CARGO_TARGET_DIR/dist-python/ (default target/):
#   mca_attestation-<v>-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
#   mca_attestation-<v>-py3-none-manylinux_2_17_aarch64.manylinux2014_aarch64.whl
#   mca_attestation-<v>.tar.gz   (sdist: builds from source with a Rust toolchain)
# The wheels' libraries are linked by zig (ziglang from PyPI) against glibc 2.17 symbols.
# Idempotent and cached: nothing is rebuilt while the sources (core/, bindings-uniffi/, python/,
# Cargo.*) are unchanged since the last successful build (stamp: dist-python/.inputs-sha).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
VENV="${MCA_PY_VENV:-$HOME/.cache/mca-py-venv}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
OUT="$CARGO_TARGET_DIR/dist-python"
PINS=(maturin==1.16.0 ziglang==0.17.1)

[[ -x "$VENV/bin/python" ]] || python3 -m venv "$VENV"
"$VENV/bin/python" - "${PINS[@]}" <<'PY' || "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${PINS[@]}"
import sys
from importlib.metadata import version, PackageNotFoundError
for pin in sys.argv[1:]:
    name, want = pin.split("==")
    try:
        if version(name) != want:
            sys.exit(1)
    except PackageNotFoundError:
        sys.exit(1)
PY
installed=$(rustup target list --installed)
grep -qx aarch64-unknown-linux-gnu <<<"$installed" || rustup target add aarch64-unknown-linux-gnu

cd "$ROOT"
inputs=$( { git ls-files -s core bindings-uniffi python Cargo.toml Cargo.lock 2>/dev/null;
            git diff HEAD -- core bindings-uniffi python Cargo.toml Cargo.lock 2>/dev/null;
            printf '%s\n' "${PINS[@]}"; } | sha256sum | cut -d' ' -f1)
if [[ -f "$OUT/.inputs-sha" && "$(cat "$OUT/.inputs-sha")" == "$inputs" ]] \
   && [[ $(ls "$OUT"/*.whl "$OUT"/*.tar.gz 2>/dev/null | wc -l) == 3 ]]; then
  echo "python/dist.sh: up to date ($OUT)"
  exit 0
fi
rm -rf "$OUT"
mkdir -p "$OUT"
cd "$HERE"
export PATH="$VENV/bin:$PATH"
# zig links each wheel's library against glibc 2.17 (bindings-uniffi/zig-linker.sh says why this is
# not `maturin build --zig`); maturin checks the symbols for manylinux2014 and tags the wheel.
# --no-default-features: the library does not need the bindings generator (maturin builds that for
# the host with --features cli on its own).
x86=$(bash "$ROOT/bindings-uniffi/zig-linker.sh" x86_64-linux-gnu.2.17 "$VENV" "$CARGO_TARGET_DIR/zig-cc")
arm=$(bash "$ROOT/bindings-uniffi/zig-linker.sh" aarch64-linux-gnu.2.17 "$VENV" "$CARGO_TARGET_DIR/zig-cc")
# The host linker is zig's x86_64 one in both builds: build scripts, proc macros and maturin's
# uniffi-bindgen (host, x86_64) are then compiled once for both wheels, not twice.
export CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER="$x86" CC_x86_64_unknown_linux_gnu="$x86"
maturin build --release --quiet --no-default-features --compatibility manylinux2014 \
  --target x86_64-unknown-linux-gnu --out "$OUT"
CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER="$arm" CC_aarch64_unknown_linux_gnu="$arm" \
  maturin build --release --quiet --no-default-features --compatibility manylinux2014 \
  --target aarch64-unknown-linux-gnu --out "$OUT"
maturin sdist --out "$OUT" >/dev/null
echo "$inputs" >"$OUT/.inputs-sha"
ls -l "$OUT"
