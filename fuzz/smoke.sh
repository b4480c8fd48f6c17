#!/usr/bin/env bash
# Fuzz smoke: builds every target and runs each for a bounded time (FUZZ_SMOKE_SECONDS, default 10),
# failing on any crash, failed assertion, hang or OOM. Installs nightly and cargo-fuzz if missing.
# Usage: bash fuzz/smoke.sh [TARGET...]
source "$(dirname "$0")/common.sh"
seconds=${FUZZ_SMOKE_SECONDS:-10}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${TARGETS[@]}")
start=$(date +%s)
fuzz_install
fuzz_build
echo "build: $(( $(date +%s) - start ))s"
failed=()
logs=$(mktemp -d)
for t in "${targets[@]}"; do
  if fuzz_run "$t" "$seconds" "$logs/$t.log"; then
    printf '%-15s ok     %10s execs in %ss\n' "$t" "$(fuzz_execs "$logs/$t.log")" "$seconds"
  else
    printf '%-15s FAILED after %s execs\n' "$t" "$(fuzz_execs "$logs/$t.log")"
    fuzz_show_crash "$logs/$t.log"
    failed+=("$t")
  fi
done
echo "fuzz smoke: ${#targets[@]} targets in $(( $(date +%s) - start ))s (logs: $logs)"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz smoke FAILED: ${failed[*]}"
  exit 1
fi
