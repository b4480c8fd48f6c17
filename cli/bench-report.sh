#!/usr/bin/env bash
# Measures `mca report` throughput over 1,000 organisations against a spawned sandbox (release
# build), at concurrency 1 (the baseline, same run) and at CONCURRENCY, and the wall time of
# `mca demo`. Prints orgs/s, the ratio to the baseline, and seconds.
#   cli/bench-report.sh [ORGS] [CONCURRENCY]      (defaults: 1000 16)
# Honours CARGO_TARGET_DIR (default: the workspace's target/).
set -euo pipefail

ORGS="${1:-1000}"
CONCURRENCY="${2:-16}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
MCA="$TARGET/release/mca"

cargo build --quiet --release -p mca-cli --manifest-path "$ROOT/Cargo.toml"

source "$ROOT/cli/sandbox.sh"

# Mixed states: every 4th organisation accepted directly with Microsoft, the others untouched
# (those cost a second request: the attestation lookup).
echo "organizationId" >"$WORK/orgs.csv"
for i in $(seq 1 "$ORGS"); do
  org="$(cat /proc/sys/kernel/random/uuid)"
  echo "$org" >>"$WORK/orgs.csv"
  if (( i % 4 == 0 )); then
    curl -fsS -o /dev/null -X POST "$URL/_sandbox/orgs/$org/direct-acceptance"
  fi
done

# One report run; prints its orgs/s and leaves the number in $RATE.
run_report() {
  local concurrency="$1" start end rows
  start=$(date +%s.%N)
  "$MCA" report --orgs "$WORK/orgs.csv" --out "$WORK/report.csv" --concurrency "$concurrency" 2>"$WORK/report.err"
  end=$(date +%s.%N)
  rows=$(( $(wc -l <"$WORK/report.csv") - 1 ))
  [[ "$rows" == "$ORGS" ]] || { echo "expected $ORGS rows, got $rows" >&2; cat "$WORK/report.err" >&2; exit 1; }
  RATE=$(awk -v n="$ORGS" -v s="$start" -v e="$end" 'BEGIN { printf "%.0f", n / (e - s) }')
  echo "report: $ORGS orgs at concurrency $concurrency: $RATE orgs/s (process start included)"
}

# Baseline in the same run: one request at a time. The ratio is what bounded concurrency buys.
run_report 1
BASE=$RATE
run_report "$CONCURRENCY"
awk -v a="$RATE" -v b="$BASE" -v c="$CONCURRENCY" 'BEGIN { printf "report: concurrency %d / concurrency 1 = %.2fx\n", c, a / b }'

cd "$WORK"
start=$(date +%s.%N)
env -u MCA_BASE_URL -u MCA_RESELLER_ID -u MCA_USERNAME -u MCA_PASSWORD "$MCA" demo >"$WORK/demo.out"
end=$(date +%s.%N)
tail -n 1 "$WORK/demo.out"
awk -v s="$start" -v e="$end" 'BEGIN { printf "demo: %.2f s wall\n", e - s }'
