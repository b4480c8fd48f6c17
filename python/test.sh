#!/usr/bin/env bash
# Builds the mca-attestation wheel (maturin, uniffi), installs it from the wheel into a venv and runs
# pytest (vectors, sandbox scenarios, mypy --strict on a consumer). Idempotent; called by tests/run.sh.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
VENV="${MCA_PY_VENV:-$HOME/.cache/mca-py-venv}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
PYTHON="${PYTHON:-python3}"
PINS=(maturin==1.16.0 pytest==9.2.0 pytest-asyncio==1.5.0 mypy==2.4.0 httpx==0.28.1)

if [[ ! -x "$VENV/bin/python" ]]; then
  "$PYTHON" -m venv "$VENV"
fi
# Install the pinned tools only when one is missing or at another version.
if ! "$VENV/bin/python" - "${PINS[@]}" <<'PY'
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
then
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${PINS[@]}"
fi

WHEELS="$CARGO_TARGET_DIR/wheels-python"
rm -rf "$WHEELS"
(cd "$HERE" && "$VENV/bin/maturin" build --release --quiet --out "$WHEELS")
WHEEL="$(ls "$WHEELS"/mca_attestation-*.whl)"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps "$WHEEL"
# MCA_BUILD_ONLY=1 (bench/run.sh): the wheel installed into the venv, no tests.
[[ "${MCA_BUILD_ONLY:-0}" == 1 ]] && exit 0

cd "$HERE"
set +e
"$VENV/bin/python" -m pytest -q -p no:cacheprovider tests "$@"
status=$?
set -e
if [[ $status -eq 5 ]]; then
  echo "python/test.sh: pytest collected no tests" >&2
  exit 1
fi
exit $status
