#!/usr/bin/env bash
# Lints spec/openapi.yaml and runs schemathesis against a freshly started sandbox. Idempotent.
#
#   MCA_TOOLS_VENV    venv for the Python tools (default ~/.cache/mca-tools-venv), created if missing
#   CARGO_TARGET_DIR  honoured when building and finding the sandbox binary
#   ST_MAX_EXAMPLES   examples per operation (default 25)
#   ST_MAX_TIME       time budget of the schemathesis run in seconds (default 60)
#   ST_SEED           seed of the data generation (default 4242, fixed for reproducible runs)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
venv="${MCA_TOOLS_VENV:-$HOME/.cache/mca-tools-venv}"
spec="$here/openapi.yaml"

# --- tools ---------------------------------------------------------------------------------------
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c 'import openapi_spec_validator, schemathesis' 2>/dev/null; then
  "$venv/bin/pip" install --quiet --upgrade pip
  "$venv/bin/pip" install --quiet 'openapi-spec-validator>=0.7' 'schemathesis>=4,<5'
fi

# --- lint ----------------------------------------------------------------------------------------
echo "== lint: openapi-spec-validator $spec"
"$venv/bin/openapi-spec-validator" "$spec"

# --- sandbox -------------------------------------------------------------------------------------
echo "== build: mca-sandbox"
(cd "$root" && cargo build --quiet -p mca-sandbox)
target_dir="${CARGO_TARGET_DIR:-$root/target}"
case "$target_dir" in /*) ;; *) target_dir="$root/$target_dir" ;; esac
bin="$target_dir/debug/mca-sandbox"

work="$(mktemp -d)"
sandbox_pid=""
cleanup() {
  if [ -n "$sandbox_pid" ] && kill -0 "$sandbox_pid" 2>/dev/null; then
    kill -TERM "$sandbox_pid" 2>/dev/null || true
    wait "$sandbox_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

# --sync-seconds 0: every refresh answers 202, so fuzzing reaches its logic instead of 429s (the
# 429 + Retry-After path is covered by sandbox/tests/api.rs).
"$bin" --port 0 --sync-seconds 0 >"$work/stdout" 2>"$work/stderr" &
sandbox_pid=$!
url=""
for _ in $(seq 1 100); do
  line="$(head -n 1 "$work/stdout" 2>/dev/null || true)"
  case "$line" in
    "mca-sandbox listening on "*) url="${line#mca-sandbox listening on }"; break ;;
  esac
  kill -0 "$sandbox_pid" 2>/dev/null || { cat "$work/stderr" >&2; echo "sandbox died" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "sandbox printed no URL" >&2; exit 1; }
echo "== sandbox at $url"

token="$(curl -fsS -u sandbox:sandbox \
  -d 'grant_type=password&username=sandbox&password=sandbox&scope=api' \
  "$url/connect/token" | "$venv/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')"

# --- schemathesis --------------------------------------------------------------------------------
# Checks, chosen deliberately:
# - all of schemathesis' checks run, with two adjustments in the config below:
#   * /connect/token: positive data with random user names is a wrong password, which OAuth
#     answers 400 invalid_grant (or 401 invalid_client for random client ids): the schema cannot
#     say "the right password", so 400/401 count as acceptance there.
#   * ignored_auth is off for /connect/token: its Basic client authentication is optional by
#     design (IdentityServer also takes client_id/client_secret in the form, or no client at all).
# - object_level_authorization needs two users; the sandbox has one, so it does not apply.
# - --workers 1: with 2 workers, Python 3.11's ast module (hypothesis parses lambda sources) is not
#   thread-safe and fails at random with "AST constructor recursion depth mismatch" (CPython gh-106905).
# - stateful phase is off: links between operations are not declared (state is per organisation
#   and keyed by path ids; the Rust tests in sandbox/tests drive every transition instead).
cat >"$work/schemathesis.toml" <<'TOML'
[checks]
object_level_authorization.enabled = false

[[operations]]
include-operation-id = "token"
checks.positive_data_acceptance.expected-statuses = ["200", "400", "401"]
checks.ignored_auth.enabled = false
TOML

echo "== schemathesis $("$venv/bin/schemathesis" --version | awk '{print $NF}')"
"$venv/bin/schemathesis" --config-file "$work/schemathesis.toml" run "$spec" \
  --url "$url" \
  --header "Authorization: Bearer $token" \
  --phases examples,coverage,fuzzing \
  --max-examples "${ST_MAX_EXAMPLES:-25}" \
  --max-time "${ST_MAX_TIME:-60}" \
  --request-timeout 10 \
  --seed "${ST_SEED:-4242}" \
  --workers 1 \
  --suppress-health-check too_slow \
  --no-color
echo "== spec check passed"
