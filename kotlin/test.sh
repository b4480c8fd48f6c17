#!/usr/bin/env bash
# Builds and tests the Kotlin/JVM library (called by tests/run.sh; idempotent, fast when warm).
#   1. the native library (release cdylib of bindings-uniffi) and the Kotlin sources uniffi-bindgen
#      generates from it (into target/generated-sources/uniffi, package names from uniffi.toml);
#   2. the library as a JNA resource (target/native-resources/linux-x86-64/), so the jar needs no
#      LD_LIBRARY_PATH;
#   3. the sandbox binary for the scenario tests;
#   4. `cargo check` of the native library for Android (aarch64-linux-android);
#   5. `mvn -q -B verify` (JUnit 5: vectors, sandbox scenarios, Java interop).
# Honours CARGO_TARGET_DIR (default: the workspace's target/). MCA_SKIP_ANDROID_CHECK=1 skips step 4.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
export CARGO_TARGET_DIR="$target"
cd "$root"

need() { command -v "$1" >/dev/null 2>&1; }
if ! need mvn || ! need javac; then
  echo "kotlin/test.sh: installing Maven and a JDK (apt)" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq maven openjdk-17-jdk-headless >/dev/null
fi

# 1. Native library and generated Kotlin.
cargo build --release -q -p bindings-uniffi --lib
lib="$target/release/libmca_uniffi.so"
gen="$here/target/generated-sources/uniffi"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cargo run -q -p bindings-uniffi --bin uniffi-bindgen -- generate --no-format \
  --library "$lib" --language kotlin --config "$here/uniffi.toml" --out-dir "$tmp/gen" >/dev/null
# Replace the generated sources only when they changed, so Maven does not recompile needlessly.
# When they changed, drop the compiled classes too: a class whose source is gone (a renamed
# generated type) would otherwise stay on the test classpath.
if ! diff -rq "$tmp/gen" "$gen" >/dev/null 2>&1; then
  rm -rf "$gen" "$here/target/classes" "$here/target/test-classes"
  mkdir -p "$(dirname "$gen")" && cp -r "$tmp/gen" "$gen"
fi

# No unsigned type on the public surface (the core's statuses are `HttpStatus` = `Int`, counts and
# milliseconds signed): only uniffi's internal buffer sizes and comments may name one.
unsigned='\b(UShort|UInt|ULong|UByte)\b'
internal='allocationSize|fun alloc\(size: ULong|fun create\(capacity: ULong|:[0-9]+:[[:space:]]*//'
if grep -rnE "$unsigned" --include=*.kt "$gen" "$here/src/main" | grep -vE "$internal"; then
  echo "kotlin/test.sh: unsigned types on the public Kotlin surface (listed above)" >&2
  exit 1
fi

# 2. The native library as a JNA resource.
res="$here/target/native-resources/linux-x86-64"
mkdir -p "$res"
cmp -s "$lib" "$res/libmca_uniffi.so" || cp "$lib" "$res/libmca_uniffi.so"

# MCA_BUILD_ONLY=1 (bench/run.sh): the jar (target/mca-attestation-0.1.0.jar), no tests.
if [[ "${MCA_BUILD_ONLY:-0}" == 1 ]]; then
  cd "$here" && mvn -q -B package -DskipTests
  exit 0
fi

# 3. Sandbox for the scenario tests.
cargo build -q -p mca-sandbox
sandbox="$target/debug/mca-sandbox"

# 4. Android: the native library must at least type-check for aarch64-linux-android (no NDK
#    linker is needed for `check`; an AAR build needs cargo-ndk and the NDK, see README.md).
if [[ "${MCA_SKIP_ANDROID_CHECK:-0}" != 1 ]]; then
  rustup target list --installed 2>/dev/null | grep -qx aarch64-linux-android \
    || rustup target add aarch64-linux-android
  cargo check -q -p bindings-uniffi --lib --target aarch64-linux-android
fi

# 5. Maven: compile, JUnit 5 through Surefire, jar.
cd "$here"
mvn -q -B verify -Dmca.sandbox.bin="$sandbox" -Dmca.vectors.dir="$root/tests/vectors"
# mvn -q hides Surefire's summary: print one from its reports.
python3 - <<'PY'
import glob, xml.etree.ElementTree as ET
t = f = s = 0
for path in glob.glob("target/surefire-reports/TEST-*.xml"):
    r = ET.parse(path).getroot()
    t += int(r.get("tests")); f += int(r.get("failures")) + int(r.get("errors")); s += int(r.get("skipped"))
print(f"kotlin: {t - f - s} passed, {f} failed, {s} skipped")
PY
