#!/usr/bin/env bash
# Race and fault matrix: 32 concurrent ensure_accepted callers per language (cli, rust, python, node, kotlin),
# mode (wait / no-wait) and fault scenario (tests/reliability/faults.json) against the sandbox; writes
# docs/reliability.md and exits 1 when a row breaks the promise (one attestation, every waiting caller
# accepted, one token per client). See tests/reliability/README.md.
#
#   bash tests/reliability/matrix.sh --quick          # the CI subset (tests/run.sh)
#   bash tests/reliability/matrix.sh                  # every scenario
#   bash tests/reliability/matrix.sh --langs node --only start-drop-after --out -
#
# Builds what the selected languages need first (idempotent; --no-build skips it): the `mca` and
# `mca-sandbox` binaries, the Rust driver, the Python wheel into $MCA_PY_VENV (default
# ~/.cache/mca-py-venv, as python/test.sh), the npm package's dist/ (npm/build.sh), the Kotlin jar
# (kotlin/test.sh with MCA_BUILD_ONLY=1) and the Kotlin driver (tests/reliability/kotlin, Maven).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
venv="${MCA_PY_VENV:-$HOME/.cache/mca-py-venv}"

langs="cli,rust,python,node,kotlin"
build=1
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0 ;;
    --langs) langs="$2"; args+=("$1" "$2"); shift ;;
    --langs=*) langs="${1#--langs=}"; args+=("$1") ;;
    *) args+=("$1") ;;
  esac
  shift
done
has() { [[ ",$langs," == *",$1,"* ]]; }

if [ "$build" = 1 ]; then
  echo "== matrix: build"
  cargo build --quiet --manifest-path "$root/Cargo.toml" -p mca-sandbox -p mca-cli
  if has rust; then
    # Its own workspace and target dir (tests/reliability/rust/target), so the repository's
    # workspace and lock file stay as they are.
    CARGO_TARGET_DIR="$here/rust/target" cargo build --quiet --manifest-path "$here/rust/Cargo.toml"
  fi
  if has python; then
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
    "$venv/bin/python" -c 'import maturin, httpx' 2>/dev/null ||
      "$venv/bin/python" -m pip install --quiet --disable-pip-version-check maturin==1.16.0 httpx==0.28.1
    wheels="$CARGO_TARGET_DIR/wheels-reliability"
    rm -rf "$wheels"
    (cd "$root/python" && "$venv/bin/maturin" build --release --quiet --out "$wheels")
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps \
      "$wheels"/mca_attestation-*.whl
  fi
  if has node; then
    if [ ! -x "$root/npm/node_modules/.bin/wasm-opt" ]; then
      (cd "$root/npm" && npm ci --no-audit --no-fund)
    fi
    pin="$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' "$root/Cargo.toml")"
    have="$( (wasm-bindgen --version 2>/dev/null || true) | awk '{print $2}')"
    [ "$have" = "$pin" ] || cargo install wasm-bindgen-cli --version "$pin" --force
    bash "$root/npm/build.sh" >/dev/null
  fi
  if has kotlin; then
    [ -f "$root/kotlin/target/mca-attestation-0.1.0.jar" ] ||
      MCA_BUILD_ONLY=1 MCA_SKIP_ANDROID_CHECK=1 bash "$root/kotlin/test.sh" >/dev/null
    (cd "$here/kotlin" && mvn -q -B package &&
      mvn -q -B org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
        -Dmdep.outputFile=target/driver.classpath -Dmdep.includeScope=runtime) >&2
  fi
fi

echo "== matrix: run"
exec python3 "$here/matrix.py" --python "$venv/bin/python" --langs "$langs" "${args[@]}"
