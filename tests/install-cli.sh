#!/usr/bin/env bash
# The CLI's install path, as cli/README.md and the root README give it: `cargo install --path cli`
# into a throwaway root (with --debug and the shared target dir, so it reuses what `cargo test`
# built instead of a release build from scratch), then the installed `mca` runs from a fresh
# directory: --version, validate (a good and a bad body) and the demo, which must leave its
# evidence in ./mca-evidence/ — a path the repository's .gitignore covers.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}"
fail() { echo "install-cli: $*" >&2; exit 1; }

for readme in README.md cli/README.md; do
  grep -q 'cargo install --locked --path cli' "$readme" || fail "$readme does not give 'cargo install --locked --path cli'"
done

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
t0=$(date +%s)
cargo install --locked --debug --quiet --path cli --root "$root"
mca="$root/bin/mca"
[ -x "$mca" ] || fail "cargo install wrote no $mca"
echo "install-cli: installed in $(( $(date +%s) - t0 )) s ($(du -h "$mca" | cut -f1), debug build)"

work="$root/fresh"
mkdir "$work"
cd "$work"
version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$repo/Cargo.toml" | head -1)
[ "$(env -i PATH="$PATH" "$mca" --version)" = "mca $version" ] || fail "mca --version is not 'mca $version'"

cat > start.json <<'JSON'
{"signer": {"firstName": "Ada", "lastName": "Lovelace", "emailAddress": "ada@example.com",
 "phoneNumber": "+46 70 123 45 67"}, "language": "sv-SE", "country": "SE",
 "acceptanceDate": "2026-01-05T10:00:00+01:00"}
JSON
env -i PATH="$PATH" "$mca" validate start.json >/dev/null || fail "mca validate rejects a valid body"
echo '{"signer": {}}' > bad.json
set +e
env -i PATH="$PATH" "$mca" validate bad.json >/dev/null 2>&1
code=$?
set -e
[ "$code" = 2 ] || fail "mca validate of an invalid body exited $code, not 2"

env -i PATH="$PATH" "$mca" demo >demo.out || fail "mca demo failed: $(cat demo.out)"
[ "$(find mca-evidence -name '*.json' | wc -l)" = 2 ] || fail "the demo did not write 2 files in ./mca-evidence/"
leftover=$(ls | grep -v -x -e start.json -e bad.json -e demo.out -e mca-evidence || true)
[ -z "$leftover" ] || fail "the demo left $leftover in the working directory"
cd "$repo"
if git rev-parse --git-dir >/dev/null 2>&1; then
  git check-ignore -q mca-evidence/x.json || fail ".gitignore does not cover mca-evidence/"
  git check-ignore -q mca-links.csv || fail ".gitignore does not cover mca-links.csv"
fi
echo "install-cli: ok ($(( $(date +%s) - t0 )) s)"
