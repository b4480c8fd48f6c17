# Sourced by the CLI's scripts (bench-report.sh, bench-ensure.sh, test-html.sh): starts the sandbox
# of "$MCA" on a free loopback port in a fresh "$WORK" directory, stops it and removes "$WORK" on exit,
# and exports the MCA_* settings that point the CLI at it. Sets URL, WORK and SANDBOX_PID.
WORK="$(mktemp -d)"
SANDBOX_PID=""
cleanup() {
  if [[ -n "$SANDBOX_PID" ]]; then kill -INT "$SANDBOX_PID" 2>/dev/null || true; wait "$SANDBOX_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

"$MCA" sandbox --port 0 --sync-seconds 1 >"$WORK/sandbox.out" 2>&1 &
SANDBOX_PID=$!
URL=""
for _ in $(seq 1 100); do
  URL="$(sed -n 's/^mca-sandbox listening on //p' "$WORK/sandbox.out")"
  [[ -n "$URL" ]] && break
  sleep 0.05
done
[[ -n "$URL" ]] || { echo "the sandbox did not start" >&2; cat "$WORK/sandbox.out" >&2; exit 1; }
export MCA_BASE_URL="$URL" MCA_RESELLER_ID=11111111-1111-4111-8111-111111111111 \
       MCA_USERNAME=sandbox MCA_PASSWORD=sandbox
