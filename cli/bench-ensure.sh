#!/usr/bin/env bash
# Scale of the bulk paths: `mca ensure` and `mca report` over many organisations against a spawned
# sandbox (release build; not a timed test). For each size it runs, under /usr/bin/time -v:
#   1. ensure   — every organisation new: read acceptance, read attestation, start (3 requests);
#   2. ensure   — the same again: everything reused (2 reads per organisation, no start);
#   3. report --html — acceptance + attestation read, CSV and the HTML page.
# and prints orgs/s and peak RSS (maximum resident set size) of the mca process. The CSV is read as
# a stream and rows are written as they finish, so peak RSS should stay nearly flat with size.
#   cli/bench-ensure.sh [SIZES] [CONCURRENCY]      (defaults: "10000 100000" 16)
# Honours CARGO_TARGET_DIR (default: the workspace's target/).
set -euo pipefail

SIZES="${1:-10000 100000}"
CONCURRENCY="${2:-16}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
MCA="$TARGET/release/mca"
[[ -x /usr/bin/time ]] || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y time; }

cargo build --quiet --release -p mca-cli --manifest-path "$ROOT/Cargo.toml"

source "$ROOT/cli/sandbox.sh"

# N signer rows with random v4 GUIDs.
signers() {
  awk -v n="$1" -v seed="$RANDOM$RANDOM" 'BEGIN {
    srand(seed); print "organizationId,firstName,lastName,emailAddress,phoneNumber,country,language"
    for (i = 0; i < n; i++) {
      h = ""; for (j = 0; j < 32; j++) h = h sprintf("%x", int(rand() * 16))
      printf "%s-%s-4%s-%x%s-%s,Ada,Lovelace,ada%d@example.com,+46 70 123 45 67,SE,sv-SE\n",
        substr(h, 1, 8), substr(h, 9, 4), substr(h, 14, 3), 8 + int(rand() * 4), substr(h, 18, 3),
        substr(h, 21, 12), i
    }
  }'
}

# Runs mca under /usr/bin/time -v; prints the label, orgs/s and peak RSS; checks the row count.
measure() {
  local label="$1" n="$2" rows_file="$3"; shift 3
  local code=0
  /usr/bin/time -v -o "$WORK/time.txt" "$MCA" "$@" 2>"$WORK/mca.err" || code=$?
  [[ "$code" == 0 ]] || { echo "$label: exit $code" >&2; tail -5 "$WORK/mca.err" >&2; exit 1; }
  local rows=$(( $(wc -l <"$rows_file") - 1 ))
  [[ "$rows" == "$n" ]] || { echo "$label: expected $n rows, got $rows" >&2; tail -5 "$WORK/mca.err" >&2; exit 1; }
  local wall rss
  wall="$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$WORK/time.txt")"
  rss="$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$WORK/time.txt")"
  awk -v label="$label" -v n="$n" -v wall="$wall" -v rss="$rss" -v c="$CONCURRENCY" 'BEGIN {
    k = split(wall, p, ":"); s = 0; for (i = 1; i <= k; i++) s = s * 60 + p[i]
    printf "%-28s %7d orgs  concurrency %d  %6.1f s  %7.0f orgs/s  peak RSS %6.1f MB\n",
      label, n, c, s, n / s, rss / 1024 }'
}

for N in $SIZES; do
  signers "$N" >"$WORK/signers.csv"
  cd "$WORK"
  measure "ensure (start each)" "$N" ensure1.csv \
    ensure --orgs signers.csv --out ensure1.csv --concurrency "$CONCURRENCY" \
    --evidence-dir ev --links links.csv
  grep -c ',none,start,pending,' ensure1.csv | awk -v n="$N" '$1 != n { print "not every row started: " $1 > "/dev/stderr"; exit 1 }'
  measure "ensure (re-run: reuse)" "$N" ensure2.csv \
    ensure --orgs signers.csv --out ensure2.csv --concurrency "$CONCURRENCY" \
    --evidence-dir ev --links links.csv
  grep -c ',pending,reuse,pending,' ensure2.csv | awk -v n="$N" '$1 != n { print "not every row reused: " $1 > "/dev/stderr"; exit 1 }'
  measure "report --html" "$N" report.csv \
    report --orgs signers.csv --out report.csv --html report.html --concurrency "$CONCURRENCY"
  echo "  (HTML page: $(( $(stat -c %s report.html) / 1024 )) KiB)"
  curl -fsS -o /dev/null -X POST "$URL/_sandbox/reset"
  cd - >/dev/null
done
