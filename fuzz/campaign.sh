#!/usr/bin/env bash
# Long fuzz campaign: TOTAL_SECONDS split evenly over the targets, run one after the other on one
# core (-jobs=1). A target that crashes is restarted for the rest of its share, so every crash of
# the share is counted. Prints executions, exec/s and crashes per target.
# Usage: bash fuzz/campaign.sh TOTAL_SECONDS [TARGET...]
source "$(dirname "$0")/common.sh"
total=${1:?usage: fuzz/campaign.sh TOTAL_SECONDS [TARGET...]}
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${TARGETS[@]}")
fuzz_install
fuzz_build
share=$(( total / ${#targets[@]} ))
logs="$FUZZ_DIR/artifacts/campaign-$(date +%Y%m%dT%H%M%S)"
mkdir -p "$logs"
printf '%-15s %8s %14s %10s %8s\n' target seconds executions exec/s crashes | tee "$logs/summary.txt"
for t in "${targets[@]}"; do
  execs=0 crashes=0 run=0
  began=$(date +%s)
  while :; do
    left=$(( share - ($(date +%s) - began) ))
    [ "$left" -ge 2 ] || break
    run=$(( run + 1 ))
    if ! fuzz_run "$t" "$left" "$logs/$t.$run.log"; then
      crashes=$(( crashes + 1 ))
      fuzz_show_crash "$logs/$t.$run.log" >>"$logs/crashes.txt"
    fi
    execs=$(( execs + $(fuzz_execs "$logs/$t.$run.log") ))
  done
  spent=$(( $(date +%s) - began ))
  printf '%-15s %8s %14s %10s %8s\n' "$t" "$spent" "$execs" "$(( execs / (spent > 0 ? spent : 1) ))" "$crashes" | tee -a "$logs/summary.txt"
done
echo "logs and crash inputs: $logs (crashes: $logs/crashes.txt)"
