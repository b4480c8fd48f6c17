#!/usr/bin/env bash
# The HTML pages of `mca ensure --html` and `mca report --html` in headless Debian Chromium
# (playwright-core, no downloaded browser): builds mca, runs a sandbox with organisations in every
# state, writes both pages, then cli/html-test/html.test.mjs checks the DOM (counts equal the rows,
# the filters and sorting work, no network request) and saves screenshots:
#   target/cli-report.png, target/cli-ensure.png
# Idempotent installs: Debian chromium when /usr/bin/chromium is missing, npm packages when the
# lock file changed. Honours CARGO_TARGET_DIR.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"

if [ ! -x /usr/bin/chromium ]; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium chromium-driver
fi
cd "$here/html-test"
stamp="node_modules/.lock-sha"
sha="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sha" ]; then
  npm ci --no-audit --no-fund
  echo "$sha" > "$stamp"
fi

cargo build --quiet -p mca-cli --manifest-path "$root/Cargo.toml"
MCA="$CARGO_TARGET_DIR/debug/mca"
OUT="$CARGO_TARGET_DIR"
source "$root/cli/sandbox.sh"
post() { curl -fsS -o /dev/null -X POST "$URL$1"; }
uuid() { cat /proc/sys/kernel/random/uuid; }

# 16 organisations with signers: 3 accepted directly, 13 ensured (-> pending); then 3 of those are
# signed and ensured again (-> finalized, accepted: the ensure page has accepted 6, pending 10 and
# the 2 invalid rows). Then 3 pending ones expire, 2 have failing reads and 2 organisations
# without signers are added for the report (accepted 6, pending 5, expired 3, error 2, none 2).
echo "organizationId,firstName,lastName,emailAddress,phoneNumber,country,language" >"$WORK/signers.csv"
orgs=()
for i in $(seq 1 16); do
  o="$(uuid)"; orgs+=("$o")
  echo "$o,Signer$i,Person,signer$i@example.com,+46 70 123 45 $((10 + i)),SE,sv-SE" >>"$WORK/signers.csv"
done
echo "$(uuid),No,Mail,not-an-email,+46 70 123 45 67,SE," >>"$WORK/signers.csv"
echo "not-a-guid,Bad,Id,bad@example.com,+46 70 123 45 67,SE," >>"$WORK/signers.csv"
for i in 0 1 2; do post "/_sandbox/orgs/${orgs[$i]}/direct-acceptance"; done
cd "$WORK"
"$MCA" ensure --orgs signers.csv --out first.csv 2>/dev/null
for i in 3 4 5; do post "/_sandbox/orgs/${orgs[$i]}/sign"; done
set +e
"$MCA" ensure --orgs signers.csv --out ensure.csv --html "$OUT/cli-ensure.html" \
  --fail-on error 2>"$WORK/ensure.err"
code=$?
set -e
[[ "$code" == 7 ]] || { echo "ensure: expected exit 7 (--fail-on error with 2 bad rows), got $code" >&2; cat "$WORK/ensure.err" >&2; exit 1; }

for i in 6 7 8; do post "/_sandbox/orgs/${orgs[$i]}/expire"; done
# The report: the same organisations, 2 without any attestation, 2 whose reads fail.
{ echo "organizationId"; printf '%s\n' "${orgs[@]}"; uuid; uuid; } >"$WORK/orgs.csv"
for i in 9 10; do
  curl -fsS -o /dev/null -X POST "$URL/_sandbox/faults" -H 'Content-Type: application/json' \
    -d "{\"op\":\"get_acceptance\",\"org\":\"${orgs[$i]}\",\"count\":100,\"fault\":\"status\",\"status\":400}"
done
"$MCA" report --orgs orgs.csv --out report.csv --html "$OUT/cli-report.html" 2>/dev/null

cd "$here/html-test"
MCA_HTML_REPORT="$OUT/cli-report.html" MCA_HTML_ENSURE="$OUT/cli-ensure.html" \
MCA_HTML_SHOTS="$OUT" node --test html.test.mjs
echo "screenshots: $OUT/cli-report.png $OUT/cli-ensure.png"
