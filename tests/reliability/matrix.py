"""Race and fault matrix: N concurrent `ensure_accepted` callers per language, mode and fault scenario
against a fresh sandbox; writes the table to docs/reliability.md. Standard library only.

Run it through matrix.sh (which builds what it needs); see tests/reliability/README.md.

Per cell (language x mode x scenario): reset the sandbox, take a new organisation, register the
scenario's faults, then a token-counting fault (a `delay` of 0 ms on the `token` op with a huge count:
every token request that reaches normal handling consumes one firing, so `count - remaining` is the
number of tokens the sandbox issued), run the language's driver (N callers, one client; the CLI
is N processes, one client each) and, in `wait` mode, sign the agreement from the side
(`POST /_sandbox/orgs/{org}/sign`) once `--sign-after` seconds have passed and the attestation exists.
Then read the fault counters, `/_sandbox/orgs/{org}/requests` and the ongoing attestation.

The promise checked per row: exactly one attestation for the organisation; in `wait` mode every
caller ends `accepted`; no client fetches more than one token.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
RESELLER = "5d1c0b9e-7f0a-4b8e-9a34-2f1e6c7d8a90"
COUNTER = 1_000_000  # firings of the token-counting fault; never exhausted in a cell
API = "/api/resellers/{reseller}/organizations/{org}/services/csp/mca/attestation"


# --------------------------------------------------------------------------------------- sandbox


class Sandbox:
    """The sandbox binary on a free loopback port, stopped by `close`."""

    def __init__(self, binary: str) -> None:
        self.proc = subprocess.Popen(
            [binary, "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        if "listening on " not in line:
            self.close()
            raise SystemExit(f"sandbox did not start: {line!r}")
        self.url = line.strip().rsplit(" ", 1)[-1]

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def call(
        self, method: str, path: str, body: Any = None, headers: Optional[Dict[str, str]] = None
    ) -> tuple[int, Any]:
        data = None
        hdrs = dict(headers or {})
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            hdrs.setdefault("Content-Type", "application/json")
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=hdrs)
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                status, text = resp.status, resp.read().decode()
        except urllib.error.HTTPError as err:
            status, text = err.code, err.read().decode(errors="replace")
        try:
            return status, json.loads(text) if text else None
        except json.JSONDecodeError:
            return status, text

    def token(self) -> str:
        form = b"grant_type=password&username=sandbox&password=sandbox&scope=api"
        status, body = self.call(
            "POST",
            "/connect/token",
            form,
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        if status != 200:
            raise RuntimeError(f"token endpoint answered {status}")
        return str(body["access_token"])


# --------------------------------------------------------------------------------------- drivers


@dataclass
class Language:
    name: str
    what: str
    command: List[str]  # the driver's argv before BASE_URL RESELLER ORG MODE CALLERS DEADLINE


def languages(args: argparse.Namespace) -> Dict[str, Language]:
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    mca = str(target / "debug" / "mca")
    rust = str(HERE / "rust" / "target" / "debug" / "mca-reliability-driver")
    return {
        "cli": Language(
            "cli",
            "`mca attestation ensure`, one process (one client) per caller",
            [sys.executable, str(HERE / "drivers" / "cli.py"), mca],
        ),
        "rust": Language(
            "rust",
            "`Session::ensure_accepted` on one `Session` (reqwest platform), `join_all`",
            [rust],
        ),
        "python": Language(
            "python",
            "`AsyncClient.ensure_accepted` on one client (installed wheel), `asyncio.gather`",
            [args.python, str(HERE / "drivers" / "python_async.py")],
        ),
        "node": Language(
            "node",
            "`Client.ensureAccepted` on one client (built npm package), `Promise.all`",
            ["node", str(HERE / "drivers" / "node.mjs")],
        ),
        "kotlin": Language(
            "kotlin",
            "`McaClient.ensureAccepted` on one client (built jar), coroutines `awaitAll`",
            ["java", "-cp", kotlin_classpath(), "DriverKt"],
        ),
    }


def kotlin_classpath() -> str:
    """The Kotlin driver's classes, the library jar and its dependencies (built by matrix.sh)."""
    kt = HERE / "kotlin" / "target"
    deps = kt / "driver.classpath"
    extra = deps.read_text().strip() if deps.exists() else ""
    jar = ROOT / "kotlin" / "target" / "mca-attestation-0.1.0.jar"
    return os.pathsep.join(p for p in (str(kt / "classes"), str(jar), extra) if p)


# --------------------------------------------------------------------------------------- cells


@dataclass
class Row:
    language: str
    mode: str
    scenario: str
    callers: int = 0
    clients: int = 0
    ended: Counter = field(default_factory=Counter)  # status or error description -> callers
    attestations: int = 0
    start_posts: int = 0
    tokens: int = 0
    token_faulted: int = 0
    seconds: float = 0.0
    unsupported: Optional[str] = None
    broken: List[str] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        """Callers that ended with the customer's acceptance confirmed (`accepted`, or
        `already_accepted` for a caller whose first look came after another caller's finalize)."""
        return self.ended.get("accepted", 0) + self.ended.get("already_accepted", 0)

    @property
    def ok(self) -> int:
        return sum(n for k, n in self.ended.items() if not k.startswith("error: "))

    def errors(self) -> str:
        items = [(k[len("error: ") :], n) for k, n in self.ended.items() if k.startswith("error: ")]
        return ", ".join(f"{n}× `{k}`" for k, n in sorted(items, key=lambda kv: (-kv[1], kv[0])))


def signer(sandbox: Sandbox, org: str, after: float, stop: threading.Event) -> None:
    """Signs the ongoing attestation once `after` seconds have passed and it exists."""
    if stop.wait(after):
        return
    while not stop.is_set():
        status, _ = sandbox.call("POST", f"/_sandbox/orgs/{org}/sign")
        if status in (200, 409):
            return
        stop.wait(0.1)


def run_cell(
    sandbox: Sandbox, lang: Language, mode: str, scenario: Dict[str, Any], args: argparse.Namespace
) -> Row:
    row = Row(lang.name, mode, scenario["name"], callers=args.callers)
    sandbox.call("POST", "/_sandbox/reset")
    org = str(uuid.uuid4())
    injected: List[tuple[int, int, str]] = []  # (id, count, op)
    for fault in scenario["faults"]:
        spec = dict(fault)
        if spec["op"] != "token":
            spec["org"] = org
        status, body = sandbox.call("POST", "/_sandbox/faults", spec)
        if status != 200:
            detail = body.get("detail") if isinstance(body, dict) else body
            row.unsupported = f"sandbox refused the fault ({status}: {detail})"
            return row
        injected.append((int(body["id"]), int(spec.get("count", 1)), spec["op"]))
    status, body = sandbox.call(
        "POST", "/_sandbox/faults", {"op": "token", "fault": "delay", "delayMs": 0, "count": COUNTER}
    )
    if status != 200:
        raise RuntimeError(f"cannot register the token counter: {status} {body}")
    counter_id = int(body["id"])

    stop = threading.Event()
    sign = threading.Thread(target=signer, args=(sandbox, org, args.sign_after, stop), daemon=True)
    argv = lang.command + [
        sandbox.url, RESELLER, org, mode, str(args.callers), str(args.deadline)
    ]
    started = time.monotonic()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if mode == "wait":
        sign.start()
    try:
        out, err = proc.communicate(timeout=args.cell_timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        out = ""
        row.ended["error: hung (killed after the cell timeout)"] = args.callers
    finally:
        stop.set()
        if sign.is_alive():
            sign.join()
    row.seconds = time.monotonic() - started

    ids = set()
    if out.strip():
        try:
            result = json.loads(out.strip().splitlines()[-1])
        except json.JSONDecodeError:
            result = None
        if result is None:
            row.ended[f"error: driver printed no result (exit {proc.returncode})"] = args.callers
        else:
            row.clients = int(result["clients"])
            for caller in result["callers"]:
                if "error" in caller:
                    row.ended["error: " + caller["error"]] += 1
                else:
                    row.ended[caller["status"]] += 1
                    if caller.get("attestationId"):
                        ids.add(caller["attestationId"])
    elif not row.ended:
        tail = err.strip().splitlines()[-1:] if err else []
        row.ended[f"error: driver failed (exit {proc.returncode}) {' '.join(tail)[:120]}"] = args.callers

    # What the sandbox saw.
    _, faults = sandbox.call("GET", "/_sandbox/faults")
    remaining = {int(f["id"]): int(f["remaining"]) for f in faults or []}
    row.tokens = COUNTER - remaining.get(counter_id, 0)
    row.token_faulted = sum(
        count - remaining.get(fid, 0) for fid, count, op in injected if op == "token"
    )
    sandbox.call("DELETE", "/_sandbox/faults")
    _, requests = sandbox.call("GET", f"/_sandbox/orgs/{org}/requests")
    row.start_posts = int((requests or {}).get("start_attestation", 0))
    bearer = {"Authorization": "Bearer " + sandbox.token()}
    status, ongoing = sandbox.call("GET", API.format(reseller=RESELLER, org=org), headers=bearer)
    if status == 200 and isinstance(ongoing, dict):
        ids.add(ongoing["attestationId"])
    row.attestations = len(ids)
    judge(row, mode, scenario.get("allow", {}))
    return row


def judge(row: Row, mode: str, allow: Dict[str, Any]) -> None:
    """The promise: one attestation, every waiting caller accepted, at most one token per client.

    `allow` (from the scenario): `{"error": "<kind status code>", "callers": n, "why": "..."}` — up to
    n callers may end with that error by design (e.g. a refused redirect is a `transport` error)."""
    if row.attestations != 1:
        row.broken.append(f"{row.attestations} attestations")
    allowed = min(row.ended.get("error: " + allow["error"], 0), int(allow["callers"])) if allow else 0
    if mode == "wait" and row.accepted + allowed != row.callers:
        row.broken.append(f"{row.callers - row.accepted} waiting callers not accepted")
    if row.clients and row.tokens > row.clients:
        row.broken.append(f"{row.tokens} tokens for {row.clients} client(s)")


# --------------------------------------------------------------------------------------- report


def ended_text(row: Row, mode: str) -> str:
    want = ("accepted", "already_accepted") if mode == "wait" else ("pending",)
    n = sum(row.ended.get(w, 0) for w in want)
    detail = [f"{k} {v}" for k, v in row.ended.items() if not k.startswith("error: ") and k != want[0]]
    return f"{n}/{row.callers}" + (f" ({', '.join(detail)})" if detail else "")


def markdown(rows: List[Row], args: argparse.Namespace, langs: Dict[str, Language], secs: float,
             scenarios: List[Dict[str, Any]]) -> str:
    failed = [r for r in rows if r.broken]
    unsupported = [r for r in rows if r.unsupported]
    lines = [
        "# Reliability: race and fault matrix",
        "",
        "Generated by `bash tests/reliability/matrix.sh"
        + (" --quick" if args.quick else "")
        + "` (tests/reliability/README.md); do not edit by hand.",
        "",
        f"- Run: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, commit `{git_head()}`, "
        f"{len(rows)} cells in {secs:.0f} s ({'quick' if args.quick else 'full'} mode).",
        f"- Each cell: a reset sandbox, a new organisation, the scenario's faults, then {args.callers} "
        "concurrent `ensure_accepted` callers on one client "
        f"(`wait`: the signer signs {args.sign_after:g} s in; `no-wait`: callers return `pending`). "
        f"Poll 200–500 ms, deadline {args.deadline:g} s.",
        "- **ended ok**: callers that ended `accepted` or `already_accepted` (wait) or `pending` "
        "(no-wait) / callers; "
        "**attestations**: distinct attestation ids the callers reported plus the one still ongoing "
        "at the end; **start POSTs**: start requests the sandbox counted (racing callers' 409s "
        "included); **tokens**: tokens the sandbox issued (a 0 ms `delay` fault with a huge count on "
        "the `token` op counts every token request that reached normal handling) / clients "
        "(+ token requests the scenario's fault answered); **errors**: what the other callers got, "
        "`kind status code`.",
        "- **Promise** (the script exits 1 when a row breaks it): exactly one attestation; in `wait` "
        "mode every caller ends with the acceptance confirmed (`accepted` or `already_accepted`); "
        "at most one token fetched per client.",
        "",
        "Languages:",
        "",
    ]
    for name in args.langs:
        lines.append(f"- `{name}`: {langs[name].what}")
    lines += ["", "Scenarios:", ""]
    for sc in scenarios:
        if not sc["faults"]:
            lines.append(f"- `{sc['name']}`: no fault")
            continue
        faults = "; ".join(json.dumps(f, separators=(",", ":")) for f in sc["faults"])
        allow = sc.get("allow")
        extra = f" Allowed: {allow['callers']}× `{allow['error']}` ({allow['why']})." if allow else ""
        lines.append(f"- `{sc['name']}` ({sc['kind']}): {sc.get('note', '')} — `{faults}`.{extra}")
    lines += [
        "",
        f"**{len(failed)} of {len(rows) - len(unsupported)} rows break the promise**"
        + (f"; {len(unsupported)} not run (fault kind unknown to this sandbox)." if unsupported else "."),
        "",
        "| language | mode | rows run | rows breaking the promise | callers ended ok | tokens / clients (worst row) |",
        "|---|---|---|---|---|---|",
    ]
    for name in args.langs:
        for mode in args.modes:
            cell = [r for r in rows if r.language == name and r.mode == mode and not r.unsupported]
            if not cell:
                continue
            ok = sum(r.accepted if mode == "wait" else r.ended.get("pending", 0) for r in cell)
            worst = max(cell, key=lambda r: r.tokens / max(r.clients, 1))
            lines.append(
                f"| {name} | {mode} | {len(cell)} | {sum(1 for r in cell if r.broken)} "
                f"| {ok}/{sum(r.callers for r in cell)} | {worst.tokens} / {worst.clients} |"
            )
    lines += [
        "",
        "| language | mode | scenario | ended ok | attestations | start POSTs | tokens / clients | errors | verdict |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        if r.unsupported:
            lines.append(
                f"| {r.language} | {r.mode} | {r.scenario} | – | – | – | – | – | not run: {r.unsupported} |"
            )
            continue
        tok = f"{r.tokens} / {r.clients}" + (f" (+{r.token_faulted} faulted)" if r.token_faulted else "")
        verdict = "**FAIL**: " + "; ".join(r.broken) if r.broken else "ok"
        lines.append(
            f"| {r.language} | {r.mode} | {r.scenario} | {ended_text(r, r.mode)} | {r.attestations} "
            f"| {r.start_posts} | {tok} | {r.errors() or '–'} | {verdict} |"
        )
    return "\n".join(lines) + "\n"


def git_head() -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
        return out + ("+changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


# --------------------------------------------------------------------------------------- main


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="only the scenarios marked quick")
    p.add_argument("--langs", default="cli,rust,python,node,kotlin", help="comma-separated")
    p.add_argument("--modes", default="wait,nowait")
    p.add_argument("--only", default="", help="scenario names, comma-separated")
    p.add_argument("--kinds", default="", help="fault kinds, comma-separated (none = no fault)")
    p.add_argument("--scenarios", default=str(HERE / "faults.json"))
    p.add_argument("--callers", type=int, default=32)
    p.add_argument("--sign-after", type=float, default=2.0)
    p.add_argument("--deadline", type=float, default=15.0, help="flow deadline of each caller, s")
    p.add_argument("--cell-timeout", type=float, default=120.0)
    p.add_argument("--sandbox-bin", default=None)
    p.add_argument("--python", default=sys.executable, help="interpreter with the wheel installed")
    p.add_argument(
        "--out",
        default=None,
        help="Markdown report ('-' = do not write); default docs/reliability.md, "
        "or $CARGO_TARGET_DIR/reliability-quick.md with --quick",
    )
    p.add_argument("--json-out", default=None)
    args = p.parse_args()
    args.langs = [x for x in args.langs.split(",") if x]
    if args.out is None:
        target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
        args.out = str(target / "reliability-quick.md" if args.quick else ROOT / "docs" / "reliability.md")
    modes = args.modes = [x for x in args.modes.split(",") if x]
    langs = languages(args)
    for name in args.langs:
        if name not in langs:
            p.error(f"unknown language {name!r} (have {', '.join(langs)})")
    scenarios = json.loads(Path(args.scenarios).read_text())["scenarios"]
    if args.quick:
        scenarios = [s for s in scenarios if s.get("quick")]
    if args.only:
        want = set(args.only.split(","))
        scenarios = [s for s in scenarios if s["name"] in want]
    if args.kinds:
        want = set(args.kinds.split(","))
        scenarios = [s for s in scenarios if s["kind"] in want]
    if not scenarios:
        p.error("no scenario selected")

    # `import 'mca-attestation'` from the driver resolves here, as after `npm install ../../npm`.
    link = HERE / "node_modules" / "mca-attestation"
    if "node" in args.langs and not link.exists():
        link.parent.mkdir(exist_ok=True)
        link.symlink_to(os.path.relpath(ROOT / "npm", link.parent))

    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    sandbox = Sandbox(args.sandbox_bin or str(target / "debug" / "mca-sandbox"))
    rows: List[Row] = []
    t0 = time.monotonic()
    try:
        for sc in scenarios:
            for name in args.langs:
                for mode in modes:
                    row = run_cell(sandbox, langs[name], mode, sc, args)
                    rows.append(row)
                    verdict = (
                        f"not run: {row.unsupported}" if row.unsupported
                        else "FAIL: " + "; ".join(row.broken) if row.broken else "ok"
                    )
                    print(
                        f"{name:6} {mode:6} {sc['name']:24} ended {ended_text(row, mode):14} "
                        f"attestations {row.attestations} starts {row.start_posts:2} "
                        f"tokens {row.tokens}/{row.clients} {row.seconds:5.1f}s  {verdict}"
                        + (f"  [{row.errors()}]" if row.errors() else ""),
                        flush=True,
                    )
    finally:
        sandbox.close()
    secs = time.monotonic() - t0
    text = markdown(rows, args, langs, secs, scenarios)
    if args.out != "-":
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text)
        print(f"wrote {args.out}")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps([r.__dict__ for r in rows], default=dict, indent=1))
    failed = [r for r in rows if r.broken]
    print(f"{len(rows)} cells in {secs:.0f} s; {len(failed)} break the promise")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
