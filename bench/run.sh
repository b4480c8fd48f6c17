#!/usr/bin/env bash
# The benchmarks of issue 13 in one command: builds what they need (release sandbox and CLI, the
# release wasm npm package, the Python wheel in a bench venv with pydantic + httpx, the Kotlin jar, the
# WebAssembly component with its Rust, Node and Python hosts),
# runs every figure with its baseline in the same run and writes bench/RESULTS.md (see bench/README.md).
#   bash bench/run.sh            full run (~7 min on 2 busy cores), writes bench/RESULTS.md
#   bash bench/run.sh --quick    every benchmark with tiny counts (tests/run.sh); writes
#                                target/bench/RESULTS-quick.md; fails if any benchmark fails
#   bash bench/run.sh --only js  only the named parts (comma-separated: js, py, kt, rust, comp — rust is
#                                criterion, the sandbox throughput and `mca report`; comp the component), building only
#                                what they need; writes target/bench/RESULTS-<parts>.md (with
#                                --quick too). The loopback sandbox is built and started for any part.
# Honours CARGO_TARGET_DIR (default: target/) and MCA_BENCH_VENV (default: target/bench-venv);
# MCA_BENCH_NO_WHEEL=1 keeps the wheel already installed in MCA_BENCH_VENV (before/after runs).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
here="$root/bench"
quick=0
only=""
while (( $# )); do
  case "$1" in
    --quick) quick=1 ;;
    --only) only="${2:?--only needs a list: js,py,kt,rust,comp}"; shift ;;
    *) echo "usage: bench/run.sh [--quick] [--only js,py,kt,rust,comp]" >&2; exit 2 ;;
  esac
  shift
done
# want PART: true when PART runs (every part without --only).
want() { [[ -z "$only" || ",$only," == *",$1,"* ]]; }
q=()
(( quick )) && q=(--quick)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
target="$CARGO_TARGET_DIR"
venv="${MCA_BENCH_VENV:-$target/bench-venv}"
work="$target/bench"
mkdir -p "$work"
records="$work/records.jsonl"
: >"$records"
t_start=$(date +%s)
load_at_start="$(cut -d' ' -f1-3 /proc/loadavg)"
step() { printf '\n== bench: %s (%ss)\n' "$*" "$(( $(date +%s) - t_start ))" >&2; }
# n_quick N_FULL: the count for this mode.
pick() { if (( quick )); then echo "$1"; else echo "$2"; fi; }

pids=()
tmp="$(mktemp -d)"
cleanup() {
  for p in "${pids[@]}"; do kill -INT "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

# Starts a server binary printing "... listening on URL"; sets SERVER_URL.
start_server() {
  local log="$tmp/server-$#-$RANDOM.out"
  "$@" >"$log" 2>&1 &
  pids+=("$!")
  SERVER_URL=""
  for _ in $(seq 1 200); do
    SERVER_URL="$(sed -n 's/^.* listening on //p' "$log")"
    [[ -n "$SERVER_URL" ]] && return 0
    kill -0 "${pids[-1]}" 2>/dev/null || break
    sleep 0.05
  done
  echo "bench: $1 did not start" >&2; cat "$log" >&2; return 1
}
# Runs a benchmark command whose stdout is JSON records; appends them and echoes them.
record() { "$@" | tee -a "$records"; }

# ---------------------------------------------------------------------------------------------
step "build: release sandbox (+ CLI, load generator, hello-world for rust)"
if want rust; then
  cargo build --release -q -p mca-sandbox -p mca-cli -p mca-bench --bins
else
  cargo build --release -q -p mca-sandbox
fi
sandbox_bin="$target/release/mca-sandbox"
mca_bin="$target/release/mca"

if want js || want comp; then  # comp compares with the npm wasm
step "build: npm package (release wasm; npm/test.sh with MCA_BUILD_ONLY=1)"
MCA_BUILD_ONLY=1 bash "$root/npm/test.sh" >&2
fi

if want py || want comp; then  # comp compares with the uniffi wheel
if [[ "${MCA_BENCH_NO_WHEEL:-0}" == 1 ]]; then
step "Python: the wheel already in $venv (MCA_BENCH_NO_WHEEL=1: comparing builds)"
else
step "build: Python wheel into $venv (python/test.sh with MCA_BUILD_ONLY=1) + pydantic, httpx"
MCA_PY_VENV="$venv" MCA_BUILD_ONLY=1 bash "$root/python/test.sh" >&2
fi
"$venv/bin/python" -c 'import pydantic, httpx; assert pydantic.VERSION.startswith("2.")' 2>/dev/null \
  || "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "pydantic==2.14.3" "httpx==0.28.1"
fi

if want kt; then
step "build: Kotlin jar (kotlin/test.sh with MCA_BUILD_ONLY=1) + bench/kotlin"
MCA_BUILD_ONLY=1 MCA_SKIP_ANDROID_CHECK=1 bash "$root/kotlin/test.sh" >&2
(cd "$here/kotlin" && mvn -q -B package \
  && mvn -q -B org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
       -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=runtime) >&2
kt_cp="$here/kotlin/target/classes:$root/kotlin/target/mca-attestation-0.1.0.jar:$(cat "$here/kotlin/target/bench.classpath")"
fi
kt() { java -Xss4m -cp "$kt_cp" BenchKt "$@"; }

if want comp; then
step "build: the component (bindings-component/test.sh with MCA_BUILD_ONLY=1: guest, component, Rust host binaries, jco) + python-component wheel into $venv"
MCA_BUILD_ONLY=1 bash "$root/bindings-component/test.sh" >&2
MCA_BUILD_ONLY=1 MCA_PY_VENV="$venv" bash "$root/python-component/test.sh" >&2
component="$target/component/mca_attestation.wasm"
fi

# ---------------------------------------------------------------------------------------------
step "sandbox (release) on a free loopback port"
start_server "$sandbox_bin" --port 0 --sync-seconds 1
url="$SERVER_URL"
token="$(curl -fsS -X POST "$url/connect/token" -d 'grant_type=password&username=sandbox&password=sandbox&scope=api' \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')"
org="$(cat /proc/sys/kernel/random/uuid)"
curl -fsS -o /dev/null -X POST "$url/_sandbox/orgs/$org/direct-acceptance"
echo "sandbox $url, org $org" >&2

if want js; then
step "wasm size"
wasm="$root/npm/dist/mca_attestation_wasm_bg.wasm"
raw=$(wc -c <"$wasm"); gz=$(gzip -9c "$wasm" | wc -c)
python3 - "$raw" "$gz" <<'PY' | tee -a "$records"
import json, sys
raw, gz = int(sys.argv[1]), int(sys.argv[2])
print(json.dumps({"id": "wasm_gzip", "figure": "wasm, gzip -9", "unit": "KiB", "sdk": [gz / 1024], "base_name": "—",
                  "extra": f"({raw / 1024:.1f} KiB raw; {gz} / {raw} bytes)", "budget": "≤ 80 KB"}))
PY
fi

if want comp; then
step "component: size, instantiate and the same op in Rust wasmtime, Node jco, Python wasmtime-py (next to wasm-bindgen and uniffi)"
craw=$(wc -c <"$component"); cgz=$(gzip -9c "$component" | wc -c)
npm_wasm="$root/npm/dist/mca_attestation_wasm_bg.wasm"
nraw=0; ngz=0
[[ -f "$npm_wasm" ]] && { nraw=$(wc -c <"$npm_wasm"); ngz=$(gzip -9c "$npm_wasm" | wc -c); }
python3 - "$craw" "$cgz" "$nraw" "$ngz" <<'PY' | tee -a "$records"
import json, sys
craw, cgz, raw, gz = (int(a) for a in sys.argv[1:5])
rec = {"id": "component_gzip", "figure": "component (bindings-component), gzip -9", "unit": "KiB", "sdk": [cgz / 1024],
       "base_name": "wasm-bindgen wasm (npm)", "extra": f"({craw / 1024:.1f} KiB raw; {cgz} / {craw} bytes)"}
if gz:
    rec["base"] = [gz / 1024]
print(json.dumps(rec))
PY
record env MCA_COMPONENT="$component" "$target/debug/component-bench" "$here/fixtures.json" "${q[@]}"
record node "$here/js/component.mjs" "${q[@]}"
record "$venv/bin/python" "$here/py/component.py" "${q[@]}"
fi

if want rust; then
step "Rust core: criterion (bench/rust/benches/core.rs)"
rm -rf "$target/criterion"
if (( quick )); then export BENCH_QUICK=1; else unset BENCH_QUICK; fi
cargo bench -q -p mca-bench --bench core >&2
python3 - "$target/criterion" <<'PY' | tee -a "$records"
import json, sys
base = sys.argv[1]
def samples(group, fn):
    s = json.load(open(f"{base}/{group}/{fn}/new/sample.json"))
    return [t / i / 1000 for t, i in zip(s["times"], s["iters"])]
print(json.dumps({"id": "rust_one_op", "figure": "Rust core, the same op (ops::StartAttestationOp + GetAttestationOp), criterion", "unit": "µs",
                  "sdk": samples("one_op", "sdk"), "base": samples("one_op", "hand"), "base_name": "hand-written serde structs"}))
print(json.dumps({"id": "rust_validate", "figure": "Rust core, `validate::start_attestation` alone, criterion", "unit": "µs",
                  "sdk": samples("validate_start", "sdk"), "base": samples("validate_start", "hand"), "base_name": "hand-written checks"}))
PY
fi

if want js; then
step "JS: one op, validate, loopback, RSS of 1,000 concurrent calls"
record node "$here/js/bench.mjs" ops "${q[@]}"
record node "$here/js/bench.mjs" loopback "$url" "$token" "$org" "${q[@]}"
record node "$here/js/bench.mjs" rss "$url" "$token" "$org" "${q[@]}"
fi

if want py; then
step "Python: one op (sync, async), loopback (urllib, httpx, peer), RSS of 1,000 concurrent calls"
record "$venv/bin/python" "$here/py/bench.py" ops "${q[@]}"
record "$venv/bin/python" "$here/py/bench.py" loopback "$url" "$token" "$org" "${q[@]}"
record "$venv/bin/python" "$here/py/bench.py" rss "$url" "$token" "$org" "${q[@]}"
fi

if want kt; then
step "Kotlin: one op, validate, loopback, RSS of 1,000 concurrent calls"
record kt ops "$here/fixtures.json" "${q[@]}"
record kt loopback "$here/fixtures.json" "$url" "$token" "$org" "${q[@]}"
record kt rss "$here/fixtures.json" "$url" "$token" "$org" "${q[@]}"
fi

step "start-up: import mca_attestation, Node import + wasm init"
if want py || want js; then
  record python3 "$here/startup.py" "$(want py && echo "$venv/bin/python" || echo -)" "$(want js && echo "$root/npm" || echo -)" "$(pick 2 15)"
fi

if want rust; then
step "throughput: sandbox GET acceptance vs axum hello-world, 32 connections"
start_server "$target/release/bench-hello"
hello_url="$SERVER_URL"
acceptance="$url/api/resellers/11111111-1111-4111-8111-111111111111/organizations/$org/services/csp/mca/acceptance"
secs=$(pick 0.3 5); warm=$(pick 0.1 1); reps=$(pick 1 3)
for _ in $(seq "$reps"); do
  "$target/release/mca-loadgen" "$acceptance" --connections 32 --seconds "$secs" --warmup "$warm" \
    --header "Authorization: Bearer $token" >>"$tmp/sandbox.jsonl"
  "$target/release/mca-loadgen" "$hello_url/" --connections 32 --seconds "$secs" --warmup "$warm" >>"$tmp/hello.jsonl"
done
python3 - "$tmp/sandbox.jsonl" "$tmp/hello.jsonl" <<'PY' | tee -a "$records"
import json, sys
s = [json.loads(l) for l in open(sys.argv[1])]
h = [json.loads(l) for l in open(sys.argv[2])]
p99 = sorted(r["p99_ms"] for r in s)[len(s) // 2]
print(json.dumps({"id": "sandbox_rps", "figure": "sandbox GET acceptance, 32 connections (bench/rust mca-loadgen)", "unit": "req/s",
                  "sdk": [r["rps"] for r in s], "base": [r["rps"] for r in h], "base_name": "axum hello-world",
                  "extra": f"p99 {p99:.2f} ms", "budget": "≥ 20k req/s"}))
PY

step "mca report: orgs/s at concurrency 16, peak RSS"
export MCA_BASE_URL="$url" MCA_RESELLER_ID=11111111-1111-4111-8111-111111111111 MCA_USERNAME=sandbox MCA_PASSWORD=sandbox
small=$(pick 200 10000); large=$(pick 1000 100000)
node "$here/js/seed-orgs.mjs" "$url" "$small" "$tmp/orgs-small.csv"
node "$here/js/seed-orgs.mjs" "$url" "$large" "$tmp/orgs-large.csv"
# One timed report run: prints "ORGS_PER_S PEAK_RSS_KIB".
report_run() {
  local csv="$1" n="$2" t0 t1 rows
  t0=$(date +%s.%N)
  /usr/bin/time -f '%M' -o "$tmp/time.out" "$mca_bin" report --orgs "$csv" --out "$tmp/report.csv" --concurrency 16 2>"$tmp/report.err" \
    || { cat "$tmp/report.err" >&2; return 1; }
  t1=$(date +%s.%N)
  rows=$(( $(wc -l <"$tmp/report.csv") - 1 ))
  [[ "$rows" == "$n" ]] || { echo "bench: mca report wrote $rows rows for $n orgs" >&2; cat "$tmp/report.err" >&2; return 1; }
  awk -v n="$n" -v a="$t0" -v b="$t1" -v m="$(tail -n 1 "$tmp/time.out")" 'BEGIN { printf "%.1f %d\n", n / (b - a), m }'
}
: >"$tmp/small.txt"; : >"$tmp/large.txt"
for _ in $(seq "$(pick 1 3)"); do report_run "$tmp/orgs-small.csv" "$small" >>"$tmp/small.txt"; done
report_run "$tmp/orgs-large.csv" "$large" >>"$tmp/large.txt"
python3 - "$tmp/small.txt" "$tmp/large.txt" "$small" "$large" <<'PY' | tee -a "$records"
import json, sys
small = [l.split() for l in open(sys.argv[1])]
large = [l.split() for l in open(sys.argv[2])]
ns, nl = int(sys.argv[3]), int(sys.argv[4])
print(json.dumps({"id": "report_rate", "figure": f"`mca report`, {ns:,} orgs, concurrency 16 (process start included)", "unit": "orgs/s",
                  "sdk": [float(r[0]) for r in small], "base_name": "—", "budget": "≥ 5k"}))
print(json.dumps({"id": "report_rss", "figure": f"`mca report` peak RSS, {nl:,} orgs vs {ns:,} orgs (/usr/bin/time)", "unit": "MiB",
                  "sdk": [int(r[1]) / 1024 for r in large], "base": [int(r[1]) / 1024 for r in small],
                  "base_name": f"{ns:,} orgs", "budget": "flat (ratio ≈ 1)"}))
PY
fi

# ---------------------------------------------------------------------------------------------
step "RESULTS"
secs_total=$(( $(date +%s) - t_start ))
versions="rustc $(rustc --version | cut -d' ' -f2), node $(node --version)"
want py && versions+=", $("$venv/bin/python" --version 2>&1), pydantic $("$venv/bin/python" -c 'import pydantic; print(pydantic.VERSION)'), httpx $("$venv/bin/python" -c 'import httpx; print(httpx.__version__)')"
want kt && versions+=", $(java -version 2>&1 | head -n 1 | tr -d '"'), Kotlin $(sed -n 's#.*<kotlin.version>\(.*\)</kotlin.version>.*#\1#p' "$root/kotlin/pom.xml"), Jackson $(sed -n 's#.*<version>\(2\.[0-9.]*\)</version>.*#\1#p' "$here/kotlin/pom.xml")"
want rust && versions+=", criterion 0.7"
python3 - "$work/header.json" <<PY
import json, sys
json.dump({"command": "bash bench/run.sh${q:+ --quick}${only:+ --only $only}", "date": "$(date -u '+%Y-%m-%d %H:%M UTC')",
           "commit": "$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)",
           "mode": "$( (( quick )) && echo quick || echo full)", "seconds": $secs_total,
           "nproc": "$(nproc)", "cpu": "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)",
           "load": "$load_at_start", "note": "${BENCH_NOTE:-}", "versions": """$versions"""}, open(sys.argv[1], "w"))
PY
out="$here/RESULTS.md"
(( quick )) && out="$work/RESULTS-quick.md"
suffix=""
(( quick )) && suffix="-quick"
[[ -n "$only" ]] && out="$work/RESULTS-${only//,/-}$suffix.md"
python3 "$here/report.py" "$records" "$work/header.json" "$out" >/dev/null
cat "$out"
echo "bench: wrote $out in ${secs_total}s" >&2
