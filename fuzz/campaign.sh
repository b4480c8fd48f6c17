#!/usr/bin/env bash
# Long fuzz campaign: TOTAL_SECONDS split evenly over the targets, run one after the other with one
# fuzzing process at a time (-fork=1, the -jobs=1 of fork mode). Fork mode keeps fuzzing after a
# crash, timeout or OOM (each distinct input is saved and counted), so one known crash does not
# end a target's share. Prints executions, exec/s and distinct crashing inputs per target.
# Usage: bash fuzz/campaign.sh TOTAL_SECONDS [TARGET...]
source "$(dirname "$0")/common.sh"
total=${1:?usage: fuzz/campaign.sh TOTAL_SECONDS [TARGET...]}
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${TARGETS[@]}")
fuzz_install
fuzz_build
share=$(( total / ${#targets[@]} ))
out="$FUZZ_DIR/artifacts/campaign-$(date +%Y%m%dT%H%M%S)"
mkdir -p "$out"
echo "campaign: ${#targets[@]} targets x ${share}s, results in $out"
printf '%-15s %8s %14s %10s %8s %9s\n' target seconds executions exec/s crashes timeouts | tee "$out/summary.txt"
for t in "${targets[@]}"; do
  dir="$out/$t"
  mkdir -p "$dir" "$FUZZ_DIR/corpus/$t"
  began=$(date +%s)
  (cd "$ROOT" && cargo +nightly fuzz run "${BUILD_FLAGS[@]}" "$t" \
    "$FUZZ_DIR/corpus/$t" "$FUZZ_DIR/seeds/$t" -- \
    -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
    -max_total_time="$share" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
    -dict="$FUZZ_DIR/dict/$t.dict" -artifact_prefix="$dir/") >"$dir/log" 2>&1 || true
  spent=$(( $(date +%s) - began ))
  execs=$(grep -o '^#[0-9]*' "$dir/log" | tail -1 | tr -d '#')
  execs=${execs:-0}
  crashes=$(find "$dir" -name 'crash-*' | wc -l)
  timeouts=$(find "$dir" -name 'timeout-*' | wc -l)
  printf '%-15s %8s %14s %10s %8s %9s\n' "$t" "$spent" "$execs" "$(( execs / (spent > 0 ? spent : 1) ))" \
    "$crashes" "$timeouts" | tee -a "$out/summary.txt"
done
echo "crashing inputs (replay one: fuzz/target/x86_64-unknown-linux-gnu/release/TARGET FILE):"
find "$out" -name 'crash-*' -o -name 'timeout-*' | sort
