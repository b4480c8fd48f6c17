#!/usr/bin/env bash
# Long fuzz campaign: TOTAL_SECONDS split evenly over the targets, run one after the other, one
# fuzzing process at a time (-jobs=1). Before a target runs, its corpus and seeds are replayed and
# inputs that already crash (known, reported findings) are set aside, so they do not stop it; a
# target that crashes during its share is restarted for the rest of it, and every crash counts.
# Prints executions, exec/s, crashes and set-aside seeds per target.
# With FUZZ_RUNS=N a target also stops once it has run N inputs (its time share stays the cap), so
# `FUZZ_RUNS=10000000 bash fuzz/campaign.sh 30000` runs every target to 10M executions.
# Usage: [FUZZ_RUNS=N] bash fuzz/campaign.sh TOTAL_SECONDS [TARGET...]
source "$(dirname "$0")/common.sh"
total=${1:?usage: fuzz/campaign.sh TOTAL_SECONDS [TARGET...]}
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${TARGETS[@]}")
fuzz_install
fuzz_build
bin="$CARGO_TARGET_DIR/x86_64-unknown-linux-gnu/release"
share=$(( total / ${#targets[@]} ))
out="$FUZZ_DIR/artifacts/campaign-$(date +%Y%m%dT%H%M%S)"
mkdir -p "$out"
echo "campaign: ${#targets[@]} targets x ${share}s, results in $out"
printf '%-15s %8s %14s %10s %8s %13s\n' target seconds executions exec/s crashes crashing-seeds | tee "$out/summary.txt"
for t in "${targets[@]}"; do
  dir="$out/$t"
  work="$dir/corpus"
  mkdir -p "$dir/set-aside" "$work" "$FUZZ_DIR/corpus/$t"
  began=$(date +%s)
  cp "$FUZZ_DIR/corpus/$t/"* "$FUZZ_DIR/seeds/$t/"* "$work/" 2>/dev/null || true
  # Replay every input; set aside the one that crashes, until none does.
  set_aside=0
  while ! (cd "$work" && "$bin/$t" -runs=1 -rss_limit_mb=2048 -timeout=10 ./* >"$dir/screen.log" 2>&1); do
    bad=$(grep -ao '^Running: [^ ]*' "$dir/screen.log" | tail -1 | sed 's/^Running: //' || true)
    [ -n "$bad" ] && [ -f "$work/$bad" ] || break
    mv "$work/$bad" "$dir/set-aside/"
    set_aside=$(( set_aside + 1 ))
  done
  execs=0 crashes=0 run=0
  while :; do
    left=$(( share - ($(date +%s) - began) ))
    [ "$left" -ge 2 ] || break
    runs=()
    if [ -n "${FUZZ_RUNS:-}" ]; then
      [ "$execs" -lt "$FUZZ_RUNS" ] || break
      runs=(-runs=$(( FUZZ_RUNS - execs )))
    fi
    run=$(( run + 1 ))
    log="$dir/run$run.log"
    if ! "$bin/$t" "$work" -max_total_time="$left" "${runs[@]}" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
      -dict="$FUZZ_DIR/dict/$t.dict" -print_final_stats=1 -artifact_prefix="$dir/" >"$log" 2>&1; then
      crashes=$(( crashes + 1 ))
    fi
    # -a: a crash log holds the crashing bytes; || true: no stats line must not end the campaign.
    n=$(grep -ao 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1 || true)
    [ -n "$n" ] || n=$(grep -ao '^#[0-9]*' "$log" | tail -1 | tr -d '#' || true)
    execs=$(( execs + ${n:-0} ))
  done
  cp -n "$work/"* "$FUZZ_DIR/corpus/$t/" 2>/dev/null || true
  spent=$(( $(date +%s) - began ))
  printf '%-15s %8s %14s %10s %8s %13s\n' "$t" "$spent" "$execs" "$(( execs / (spent > 0 ? spent : 1) ))" \
    "$crashes" "$set_aside" | tee -a "$out/summary.txt"
done
echo "crashing inputs (replay: $bin/TARGET FILE):"
find "$out" -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' | sort
find "$out" -path '*set-aside/*' | sort | sed 's/^/set aside (crashed before fuzzing): /'
