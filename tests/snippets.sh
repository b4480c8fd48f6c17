#!/usr/bin/env bash
# Every code block of the READMEs compiles or runs, verbatim (issue 14, item 2). The blocks are
# extracted by tests/snippets/extract.py (its docstring lists what each info string means; a block
# is skipped only when marked ```<lang> no-run, and ```text is a listing, not code):
#   ts/js   type-checked together by `tsc --strict` (npm's typescript, NodeNext modules) in a project
#           that installed the `npm pack` tarball;
#   python  run, each in a fresh directory, by the venv that has the wheel (python/test.sh), against
#           a sandbox on a free 127.0.0.1 port (MCA_BASE_URL, MCA_RESELLER_ID, MCA_USERNAME and
#           MCA_PASSWORD in the environment, as for the CLI);
#   kotlin, java  compiled by Maven against the jar installed in a scratch repository
#           (tests/jvm-consumer/pom.xml: the coordinates only, plus OkHttp for the transport example);
#   toml    read by `mca config --config FILE`, then used for `mca token` against the sandbox with
#           the user's own base URL, user and password from the environment.
# Uses what earlier suites built (npm/dist, the wheel in $MCA_PY_VENV, the -Pdist jars, target/debug
# mca and mca-sandbox). Lists every block with its verdict; fails if any block fails.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
venv="${MCA_PY_VENV:-$HOME/.cache/mca-py-venv}"
READMES=(README.md npm/README.md python/README.md kotlin/README.md cli/README.md)
t0=$SECONDS

work=$(mktemp -d)
m2_ours="$HOME/.m2/repository/com/cloudmore/mca-attestation"
sandbox_pid=""
cleanup() {
  if [[ -n "$sandbox_pid" ]]; then kill -INT "$sandbox_pid" 2>/dev/null || true; wait "$sandbox_pid" 2>/dev/null || true; fi
  rm -rf "$work" "$m2_ours"
}
trap cleanup EXIT
python3 tests/snippets/extract.py "$work/blocks" "${READMES[@]}"
manifest="$work/blocks/manifest.tsv"
failed=()
verdict() { printf '  %-8s %-26s %s\n' "$1" "$2" "$3"; }
has() { awk -F'\t' -v k="$1" '$1 == k' "$manifest" | grep -q .; }
where_of() { awk -F'\t' -v f="$1" '$2 == f {print $3}' "$manifest"; }

# --- ts / js
if has ts; then
  t1=$SECONDS
  [[ -f npm/dist/mca_attestation_wasm_bg.wasm && -x npm/node_modules/.bin/tsc ]] \
    || { echo "snippets: npm/dist or npm's typescript missing: run npm/test.sh first" >&2; exit 1; }
  proj="$work/ts"
  mkdir -p "$proj"
  tgz=$(cd npm && npm pack --silent --pack-destination "$proj" | tail -1)
  cp "$work/blocks/ts/"*.ts "$proj/"
  (
    cd "$proj"
    printf '{"name": "readme-snippets", "private": true, "type": "module"}\n' >package.json
    npm install --silent --no-audit --no-fund "./$tgz"
    cat >tsconfig.json <<JSON
{ "compilerOptions": { "target": "ES2022", "module": "NodeNext", "moduleResolution": "NodeNext",
    "strict": true, "noEmit": true, "lib": ["ES2022", "DOM"], "types": ["node"],
    "typeRoots": ["$root/npm/node_modules/@types"] },
  "include": ["*.ts"] }
JSON
  )
  if out=$("$root/npm/node_modules/.bin/tsc" -p "$proj/tsconfig.json" 2>&1); then
    for f in "$work/blocks/ts/"*.ts; do verdict ok "$(where_of "$f")" "tsc --strict"; done
  else
    echo "$out" | sed 's/^/    /'
    for f in "$work/blocks/ts/"*.ts; do
      if grep -qF "$(basename "$f")(" <<<"$out"; then verdict FAIL "$(where_of "$f")" "tsc --strict"; failed+=("$(where_of "$f")")
      else verdict ok "$(where_of "$f")" "tsc --strict"; fi
    done
  fi
  echo "snippets: ts $((SECONDS - t1)) s"
fi

# --- sandbox for python and toml
if has python || has toml; then
  [[ -x "$CARGO_TARGET_DIR/debug/mca-sandbox" && -x "$CARGO_TARGET_DIR/debug/mca" ]] \
    || cargo build -q -p mca-sandbox -p mca-cli
  "$CARGO_TARGET_DIR/debug/mca-sandbox" --port 0 --sync-seconds 1 >"$work/sandbox.out" 2>&1 &
  sandbox_pid=$!
  url=""
  for _ in $(seq 1 100); do
    url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/sandbox.out" | head -1 || true)
    [[ -n "$url" ]] && break
    sleep 0.05
  done
  [[ -n "$url" ]] || { echo "snippets: the sandbox did not start" >&2; cat "$work/sandbox.out" >&2; exit 1; }
  export MCA_BASE_URL="$url" MCA_RESELLER_ID=11111111-1111-4111-8111-111111111111 MCA_USERNAME=sandbox MCA_PASSWORD=sandbox
fi

# --- python
if has python; then
  t1=$SECONDS
  "$venv/bin/python" -c 'import mca_attestation' 2>/dev/null \
    || { echo "snippets: mca_attestation is not installed in $venv: run python/test.sh first" >&2; exit 1; }
  for f in "$work/blocks/python/"*.py; do
    dir=$(mktemp -d -p "$work")
    if out=$(cd "$dir" && timeout 120 "$venv/bin/python" "$f" 2>&1); then verdict ok "$(where_of "$f")" "python (sandbox)"
    else echo "$out" | tail -20 | sed 's/^/    /'; verdict FAIL "$(where_of "$f")" "python (sandbox)"; failed+=("$(where_of "$f")"); fi
  done
  echo "snippets: python $((SECONDS - t1)) s"
fi

# --- toml (the CLI's configuration file)
if has toml; then
  for f in "$work/blocks/toml/"*.toml; do
    if out=$("$CARGO_TARGET_DIR/debug/mca" --config "$f" config 2>&1 \
             && "$CARGO_TARGET_DIR/debug/mca" --config "$f" token 2>&1); then verdict ok "$(where_of "$f")" "mca config + token (sandbox)"
    else echo "$out" | tail -5 | sed 's/^/    /'; verdict FAIL "$(where_of "$f")" "mca config + token (sandbox)"; failed+=("$(where_of "$f")"); fi
  done
fi

# --- kotlin / java
if has kotlin || has java; then
  t1=$SECONDS
  version=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' kotlin/pom.xml | head -1)
  jar="$root/kotlin/target/mca-attestation-$version.jar"
  [[ -f "$jar" ]] || { echo "snippets: $jar missing: run kotlin/test.sh first" >&2; exit 1; }
  rm -rf "$m2_ours"
  mvn -q -B install:install-file -Dfile="$jar" -DpomFile="$root/kotlin/pom.xml" -DlocalRepositoryPath="$work/m2" >/dev/null
  proj="$work/blocks/kotlin"
  cp tests/jvm-consumer/pom.xml "$proj/"
  if out=$(cd "$proj" && mvn -q -B compile -Dmca.repo.url="file://$work/m2" 2>&1); then
    for f in $(find "$proj/src" -name 'Snippet.*' | sort); do verdict ok "$(where_of "$f")" "compiled (Maven, jar)"; done
  else
    grep -E '^\[ERROR\] (file:|/)' <<<"$out" | sort -u | sed "s#$proj/src/main/##; s/^/    /" | head -30
    for f in $(find "$proj/src" -name 'Snippet.*' | sort); do
      # kotlinc stops the build before javac runs: a block it did not name was not checked.
      if grep -qF "$f" <<<"$out"; then verdict FAIL "$(where_of "$f")" "compiled (Maven, jar)"
      else verdict '??' "$(where_of "$f")" "not compiled (Maven stopped at another block)"; fi
      failed+=("$(where_of "$f")")
    done
    grep -q '^\[ERROR\] \(file:\|/\)' <<<"$out" || echo "$out" | tail -20
  fi
  echo "snippets: kotlin/java $((SECONDS - t1)) s"
fi

awk -F'\t' '$1 == "skipped" || $1 == "text" {printf "  %-8s %-26s %s\n", "skip", $3, $4}' "$manifest"
if (( ${#failed[@]} )); then
  echo "snippets: FAILED: ${failed[*]} ($((SECONDS - t0)) s)" >&2
  exit 1
fi
echo "snippets: ok, $(grep -vc -e '^skipped' -e '^text' "$manifest") blocks checked ($((SECONDS - t0)) s)"
