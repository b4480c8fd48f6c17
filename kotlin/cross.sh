#!/usr/bin/env bash
# Builds the release native libraries of the Kotlin jar and puts each at its JNA resource path under
# kotlin/target/native-resources/ (packed into the jar by `mvn package`):
#   linux-x86-64/libmca_uniffi.so    x86_64-unknown-linux-gnu and
#   linux-aarch64/libmca_uniffi.so   aarch64-unknown-linux-gnu, both linked by zig (ziglang from
#                                    PyPI) against glibc 2.17 symbols at most (the manylinux2014
#                                    baseline, as the wheels), debug info stripped
#   win32-x86-64/mca_uniffi.dll      x86_64-pc-windows-gnu, linked by mingw-w64 (Debian)
# Installs what is missing (rustup targets, gcc-mingw-w64-x86-64, ziglang and maturin in $MCA_PY_VENV).
# Idempotent: cargo rebuilds only on changes, and a file is copied only when it differs.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
export CARGO_TARGET_DIR="$target"
venv="${MCA_PY_VENV:-$HOME/.cache/mca-py-venv}"
ZIG_PIN="ziglang==0.17.1"
MATURIN_PIN="maturin==1.16.0"
cd "$root"

installed=$(rustup target list --installed)
for t in aarch64-unknown-linux-gnu x86_64-pc-windows-gnu; do
  grep -qx "$t" <<<"$installed" || rustup target add "$t"
done
if ! command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1; then
  echo "kotlin/cross.sh: installing gcc-mingw-w64-x86-64 (apt)" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc-mingw-w64-x86-64 >/dev/null
fi
[[ -x "$venv/bin/python" ]] || python3 -m venv "$venv"
{ "$venv/bin/python" -c 'import ziglang' 2>/dev/null && [[ -x "$venv/bin/maturin" ]]; } \
  || "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$ZIG_PIN" "$MATURIN_PIN"

# zig as the Linux linker (see bindings-uniffi/zig-linker.sh; the same wrappers python/dist.sh uses,
# so the libraries match the wheels' targets; maturin builds its own copy of each).
x86=$(bash "$root/bindings-uniffi/zig-linker.sh" x86_64-linux-gnu.2.17 "$venv" "$target/zig-cc")
arm=$(bash "$root/bindings-uniffi/zig-linker.sh" aarch64-linux-gnu.2.17 "$venv" "$target/zig-cc")

# zig links the x86_64 target through its rustflags, not CARGO_TARGET_X86_64_…_LINKER: that would
# also apply to the host's build scripts and proc macros (the same triple), and cargo would rebuild
# them here and again in kotlin/test.sh on every run. Rustflags skip host units under --target.
CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS="-Clinker=$x86" \
  cargo build --release -q -p bindings-uniffi --lib --no-default-features --target x86_64-unknown-linux-gnu
CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER="$arm" CC_aarch64_unknown_linux_gnu="$arm" \
  cargo build --release -q -p bindings-uniffi --lib --no-default-features --target aarch64-unknown-linux-gnu
CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc \
  cargo build --release -q -p bindings-uniffi --lib --no-default-features --target x86_64-pc-windows-gnu

place() { # built file, JNA resource directory
  local dir="$here/target/native-resources/$2"
  mkdir -p "$dir"
  cmp -s "$1" "$dir/$(basename "$1")" || cp "$1" "$dir/"
}
place "$target/x86_64-unknown-linux-gnu/release/libmca_uniffi.so" linux-x86-64
place "$target/aarch64-unknown-linux-gnu/release/libmca_uniffi.so" linux-aarch64
place "$target/x86_64-pc-windows-gnu/release/mca_uniffi.dll" win32-x86-64
echo "kotlin/cross.sh: $(cd "$here/target/native-resources" && ls -1 */* | tr '\n' ' ')"
