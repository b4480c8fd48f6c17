"""Every case of tests/vectors/*.json through the installed package's public API (Client, the
validators), with a scripted transport and a fake clock that advances only on sleep."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import unittest
from typing import Any, Callable, Dict, List, Optional

import mca_attestation_component as mca
from support import (
    ROOT,
    FakeClock,
    check_error,
    csp_input,
    event_type,
    load,
    options,
    response,
    start_input,
    subset,
    to_json,
)

VERSION = re.search(r'\[workspace\.package\][^\[]*?version = "([^"]+)"', (ROOT / "Cargo.toml").read_text()).group(1)  # type: ignore[union-attr]


class ScriptError(Exception):
    """The client did something the script does not allow (not a transport failure)."""


class Scripted:
    """A transport and a sleep: records requests, answers from a list, always the same, or a flow
    script (requests and sleeps in order); ``fail`` = responses.json ``transport``."""

    def __init__(self, now: str, answers: Optional[List[Any]] = None, always: Any = None,
                 script: Optional[List[Any]] = None, fail: Optional[str] = None) -> None:
        self.clock = FakeClock(now)
        self.answers = list(answers or [])
        self.always = always
        self.script = script
        self.fail = fail
        self.sent: List[Any] = []
        self.mismatches: List[str] = []

    def send(self, r: Any) -> Any:
        got = f"{r.method} {r.url}"
        self.sent.append(r)
        if self.fail == "timeout":
            raise mca.TransportTimeout(f"no response within {r.timeout_ms} ms")
        if self.fail == "cancel":
            raise asyncio.CancelledError()
        if self.fail is not None:
            raise ScriptError(f"unknown transport {self.fail}")
        if self.script is not None:
            if not self.script:
                self.mismatches.append(f"unexpected request {got}")
                raise ScriptError("script exhausted")
            entry = self.script.pop(0)
            method, _, suffix = entry.get("request", "").partition(" ")
            if r.method != method or not r.url.endswith(suffix):
                self.mismatches.append(f"expected {entry}, got {got}")
                raise ScriptError("script mismatch")
            if "transportError" in entry:
                raise mca.TransportFailure(entry["transportError"])
            return response(entry["respond"])
        if self.always is not None:
            return response(self.always)
        if self.answers:
            return response(self.answers.pop(0))
        raise mca.TransportFailure("no scripted answer")

    def sleep(self, seconds: float) -> None:
        ms = round(seconds * 1000)
        if self.script is not None:
            entry = self.script.pop(0) if self.script else None
            if not entry or entry.get("sleep") != ms:
                self.mismatches.append(f"expected {entry}, got sleep {ms} ms")
        self.clock.sleep(seconds)

    def client(self, opts: Any, on_event: Optional[Callable[[Any], None]] = None) -> Any:
        return mca.Client(opts, transport=self, clock=self.clock, sleep=self.sleep, on_event=on_event)


def outcome(fn: Callable[[], Any]) -> Dict[str, Any]:
    try:
        return {"ok": fn()}
    except mca.McaError as e:
        return {"error": e}


def call(client: Any, op: str, org: str, body: Any = None) -> Dict[str, Any]:
    """Runs operation `op` (a vectors name): ``{"ok": json}`` or ``{"error": McaError}``."""

    def run() -> Any:
        if op == "start_attestation":
            return to_json(client.start_attestation(org, start_input(body)))
        if op == "add_csp_service":
            return to_json(client.add_csp_service(org, csp_input(body)))
        if op == "finalize_attestation":
            return client.finalize_attestation(org)
        if op == "token":
            return to_json(client.token())
        return to_json(getattr(client, op)(org))

    return outcome(run)


def check_result(result: Dict[str, Any], expect: Dict[str, Any], out: List[str]) -> None:
    if "ok" in expect:
        if "error" in result:
            out.append(f"expected ok, got {result['error']!r}")
        else:
            subset(result["ok"], expect["ok"], "", out)
            if expect["ok"] is None and result["ok"] is not None:
                out.append(f"expected null, got {result['ok']!r}")
    elif "ok" in result:
        out.append(f"expected an error, got {result['ok']!r}")
    else:
        check_error(result["error"], expect["error"], out)


def header_matches(got: str, want: str) -> bool:
    want = want.replace("{version}", VERSION)
    pre, sep, post = want.partition("{binding}")
    if not sep:
        return got == want
    mid = got[len(pre): len(got) - len(post)]
    return got.startswith(pre) and got.endswith(post) and len(got) > len(pre) + len(post) and bool(re.fullmatch("[a-z]+", mid))


class Vectors(unittest.TestCase):
    def report(self, what: str, cases: List[Any], failures: List[str]) -> None:
        print(f"\n{len(cases) - len(failures)} of {len(cases)} {what} vectors passed")
        self.assertEqual(failures, [], f"{len(failures)} of {len(cases)} {what} vectors failed")

    def test_validation_vectors(self) -> None:
        file = load("validation.json")
        failures: List[str] = []
        for c in file["cases"]:
            now = c.get("now", file["now"])
            kind = c["kind"]
            if kind == "start_attestation":
                r = outcome(lambda: to_json(mca.validate_start_attestation_at(start_input(c["input"]), now), drop_none=True))
            elif kind == "add_csp_service":
                r = outcome(lambda: to_json(mca.validate_add_csp_service_at(csp_input(c["input"]), now), drop_none=True))
            elif kind == "organization_id":
                host = Scripted(file["now"], always={"status": 404})
                r = call(host.client(options()), "get_attestation", c["input"])
                if "ok" in r:
                    r = {"ok": host.sent[0].url.split("/organizations/")[1].split("/")[0]}
                elif host.sent:
                    failures.append(f"{c['name']}: a request was sent")
            elif kind == "base_url":
                host = Scripted(file["now"])
                r = outcome(lambda: host.client(options({"baseUrl": c["input"]})).base_url)
            elif kind == "client_options":
                # Member for member, a token together with credentials too: the core decides.
                host = Scripted(file["now"])
                opts = options(c["input"], c["input"])
                r = outcome(lambda: host.client(opts).base_url)
            else:
                raise AssertionError(f"unknown kind {kind}")
            out: List[str] = []
            if c["valid"]:
                if "error" in r:
                    out.append(f"expected valid, got {r['error']!r}")
                elif r["ok"] != c["normalized"]:
                    out.append(f"normalized {r['ok']!r} != {c['normalized']!r}")
            elif "ok" in r:
                out.append(f"expected invalid, got {r['ok']!r}")
            else:
                check_error(r["error"], c["error"], out)
            if out:
                failures.append(f"{c['name']}: {'; '.join(out)}")
        self.report("validation", file["cases"], failures)

    def test_request_vectors(self) -> None:
        file = load("requests.json")
        failures: List[str] = []
        for c in file["cases"]:
            host = Scripted(file["now"], answers=c["respond"])
            call(host.client(options(c.get("config"), c.get("auth"))), c["call"]["op"], c["call"]["org"], c["call"].get("input"))
            if len(host.sent) != len(c["expect"]):
                failures.append(f"{c['name']}: sent {len(host.sent)} requests, expected {len(c['expect'])}")
                continue
            for i, (req, want) in enumerate(zip(host.sent, c["expect"])):
                headers = {h.name.lower(): h.value for h in reversed(req.headers)}
                out = []
                if req.method != want["method"]:
                    out.append(f"method {req.method}")
                if req.url != want["url"]:
                    out.append(f"url {req.url}")
                if req.body != want.get("body"):
                    out.append(f"body {req.body!r}")
                for h, v in (want.get("headers") or {}).items():
                    got = headers.get(h.lower())
                    if got is None or not header_matches(got, v):
                        out.append(f"header {h}: {got!r}")
                for h in want.get("absentHeaders") or []:
                    if h.lower() in headers:
                        out.append(f"header {h} should be absent")
                if out:
                    failures.append(f"{c['name']}: request {i}: {'; '.join(out)}")
        self.report("request", file["cases"], failures)

    def test_response_vectors(self) -> None:
        file = load("responses.json")
        failures: List[str] = []
        for c in file["cases"]:
            host = Scripted(file["now"], always=c.get("response"), fail=c.get("transport"))
            a = {"credentials": file["credentials"]} if c["op"] == "token" else {"token": "vector-token"}
            body = file.get("startInput") if c["op"] == "start_attestation" else file.get("cspInput") if c["op"] == "add_csp_service" else None
            r = call(host.client(options(None, a)), c["op"], file["org"], body)
            out: List[str] = []
            if len(host.sent) != c.get("attempts", 1):
                out.append(f"{len(host.sent)} requests, expected {c.get('attempts', 1)}")
            check_result(r, c["expect"], out)
            if out:
                failures.append(f"{c['name']}: {'; '.join(out)}")
        self.report("response", file["cases"], failures)

    def test_flow_vectors(self) -> None:
        file = load("flows.json")
        failures: List[str] = []
        for c in file["cases"]:
            o = c.get("options") or {}
            timing = dict(poll_interval_ms=o.get("initialIntervalMs"), max_poll_interval_ms=o.get("maxIntervalMs"),
                          deadline_ms=o.get("deadlineMs"), jitter_seed=0)
            poll = mca.WaitOptions(**timing)
            script = list(c["script"])
            host = Scripted(file["now"], script=script)
            events: List[str] = []
            client = host.client(options(), on_event=lambda e: events.append(event_type(e)))
            org = c.get("org", file["org"])
            if c["flow"] == "ensure_accepted":
                opts = mca.EnsureAcceptedOptions(wait=o.get("wait"), confirm_attempts=o.get("confirmAttempts"), **timing)
                r = outcome(lambda: to_json(client.ensure_accepted(org, start_input(c.get("input", file["input"])), opts)))
            else:
                r = outcome(lambda: to_json(client.wait_for_signature(org, poll)))
            out = list(host.mismatches)
            if script:
                out.append(f"{len(script)} script entries not consumed: {script[0]}")
            if events != c["events"]:
                out.append(f"events {events} != {c['events']}")
            check_result(r, c["expect"], out)
            if out:
                failures.append(f"{c['name']}: {'; '.join(out)}")
        self.report("flow", file["cases"], failures)


if __name__ == "__main__":
    unittest.main()
