#!/usr/bin/env bash
# The pure-Python package on the component (issue 16, item 4): puts the component that
# bindings-component/test.sh built (target/component/mca_attestation.wasm; not rebuilt here) into
# the package, builds the wheel (hatchling), checks that it is py3-none-any, installs it with its
# one dependency (wasmtime from PyPI) into a fresh venv and runs the tests there: every case of
# tests/vectors, the sandbox scenarios (manual flow, ensure with the signer signing, invalid input
# sends nothing; Client and AsyncClient), the public names against the uniffi package's.
# Usage: bash python-component/test.sh   (MCA_COMPONENT, MCA_SANDBOX_BIN override the inputs;
#        MCA_BUILD_ONLY=1 MCA_PY_VENV=DIR: build the wheel and install it into DIR, no tests)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
wasm="${MCA_COMPONENT:-$CARGO_TARGET_DIR/component/mca_attestation.wasm}"
export MCA_SANDBOX_BIN="${MCA_SANDBOX_BIN:-$CARGO_TARGET_DIR/debug/mca-sandbox}"
out="$CARGO_TARGET_DIR/python-component"
start=$(date +%s)
step() { printf -- '-- python-component: %s (%ss)\n' "$*" "$(( $(date +%s) - start ))"; }
[ -f "$wasm" ] || { echo "python-component: no component at $wasm (run bash bindings-component/test.sh first)" >&2; exit 1; }

step "build the wheel"
build="$out/build-venv"
[ -x "$build/bin/python" ] || python3 -m venv "$build"
"$build/bin/python" -c 'import hatchling' 2>/dev/null || timeout 600 "$build/bin/python" -m pip install -q --disable-pip-version-check 'hatchling>=1.25,<2'
cp "$wasm" "$here/src/mca_attestation_component/mca_attestation.wasm"
rm -rf "$out/dist"
timeout 300 "$build/bin/python" -m pip wheel -q --disable-pip-version-check --no-deps --no-build-isolation -w "$out/dist" "$here"
whl=("$out"/dist/*.whl)
[ "${#whl[@]}" = 1 ] || { echo "python-component: expected one wheel, got ${whl[*]}" >&2; exit 1; }
case "$(basename "${whl[0]}")" in
  mca_attestation_component-*-py3-none-any.whl) echo "wheel: $(basename "${whl[0]}") ($(stat -c %s "${whl[0]}") bytes)";;
  *) echo "python-component: wheel is not py3-none-any: ${whl[0]}" >&2; exit 1;;
esac

if [ "${MCA_BUILD_ONLY:-0}" = 1 ]; then
  # bench/run.sh: install the wheel into MCA_PY_VENV (next to the uniffi wheel); no tests.
  : "${MCA_PY_VENV:?MCA_BUILD_ONLY=1 needs MCA_PY_VENV}"
  # `python -m pip`, not `bin/pip`: a venv copied from another checkout keeps that path in its scripts.
  "$MCA_PY_VENV/bin/python" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps "${whl[0]}"
  "$MCA_PY_VENV/bin/python" -c 'import wasmtime' 2>/dev/null \
    || timeout 600 "$MCA_PY_VENV/bin/python" -m pip install -q --disable-pip-version-check 'wasmtime>=50,<51'
  step "installed into $MCA_PY_VENV (MCA_BUILD_ONLY=1: no tests)"
  exit 0
fi

[ -x "$MCA_SANDBOX_BIN" ] || (cd "$root" && cargo build -q -p mca-sandbox)
step "install into a fresh venv (wasmtime from PyPI)"
venv="$out/fresh-venv"
rm -rf "$venv"
python3 -m venv "$venv"
timeout 600 "$venv/bin/python" -m pip install -q --disable-pip-version-check "${whl[0]}"
"$venv/bin/python" -m pip list --disable-pip-version-check 2>/dev/null | grep -iE '^(wasmtime|mca-attestation-component) '

step "tests: vectors, sandbox scenarios, surface"
(cd "$here/tests" && timeout 600 "$venv/bin/python" -m unittest -v test_surface test_vectors test_sandbox 2>&1)
step "done"
