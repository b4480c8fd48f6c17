#!/usr/bin/env bash
# Prints the wheel size and the import time of `mca_attestation` (run python/test.sh first, or it
# builds the wheel itself). Figures are machine-dependent; the median of 5 imports is shown.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
VENV="${MCA_PY_VENV:-$HOME/.cache/mca-py-venv}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
WHEELS="$CARGO_TARGET_DIR/wheels-python"

if ! ls "$WHEELS"/mca_attestation-*.whl >/dev/null 2>&1 || [[ ! -x "$VENV/bin/python" ]]; then
  "$HERE/test.sh" -x -q -k "not sandbox" >/dev/null
fi
WHEEL="$(ls "$WHEELS"/mca_attestation-*.whl)"
SIZE=$(stat -c %s "$WHEEL")
echo "wheel: $(basename "$WHEEL") $SIZE bytes ($((SIZE / 1024)) KiB)"
SO=$(unzip -l "$WHEEL" | awk '/\.so$/ {print $1}')
echo "native library inside: $SO bytes ($((SO / 1024)) KiB, uncompressed)"

times=()
for _ in 1 2 3 4 5; do
  us=$(cd /tmp && "$VENV/bin/python" -X importtime -c "import mca_attestation" 2>&1 \
    | awk -F'|' '$3 ~ /^ *mca_attestation *$/ {gsub(/ /, "", $2); print $2}')
  times+=("$us")
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
median=$(echo "$sorted" | sed -n 3p)
echo "import mca_attestation (python -X importtime, cumulative, 5 runs, us): $(echo $sorted | tr '\n' ' ')"
echo "median import time: $((median / 1000)) ms"
