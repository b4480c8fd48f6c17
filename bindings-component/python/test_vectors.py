"""Every case of tests/vectors/*.json through the component in Python (wasmtime from PyPI), with a
scripted host: recorded requests, scripted responses, a fake clock that advances only on sleep."""

from __future__ import annotations

import datetime as dt
import json
import re
import unittest
from typing import Any, Dict, List, Optional

import component_host as ch
from wasmtime.component import Variant

VECTORS = ch.ROOT / "tests" / "vectors"
VERSION = re.search(r'\[workspace\.package\][^\[]*?version = "([^"]+)"', (ch.ROOT / "Cargo.toml").read_text()).group(1)  # type: ignore[union-attr]
RUNTIME = ch.Runtime()


def load(name: str) -> Dict[str, Any]:
    return json.loads((VECTORS / name).read_text())


def ms(text: str) -> int:
    return int(dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


def response(v: Optional[Dict[str, Any]]) -> Any:
    v = v or {}
    headers = [ch.rec(name=k, value=x) for k, x in (v.get("headers") or {}).items()]
    return ch.rec(status=v.get("status", 200), headers=headers, body=v.get("body", ""))


class Scripted(ch.Host):
    def __init__(self, now: int, answers: Optional[List[Any]] = None, always: Any = None,
                 script: Optional[List[Any]] = None, fail: Optional[str] = None) -> None:
        # `fail` (responses.json `transport`): every request fails, `timeout` as the core's
        # timed-out transport error (the request's timeout-ms), `cancel` as send-error `cancelled`.
        self.fail = fail
        self.clock = now
        self.answers = list(answers or [])
        self.always = always
        self.script = script
        self.sent: List[Any] = []
        self.events: List[str] = []
        self.mismatches: List[str] = []

    def send(self, r: Any) -> Any:
        got = f"{r.method} {r.url}"
        self.sent.append(r)
        if self.fail == "timeout":
            return Variant("transport", f"request timed out after {ch.get(r, 'timeout_ms')} ms")
        if self.fail == "cancel":
            return Variant("cancelled", "the caller cancelled")
        if self.fail is not None:
            return Variant("transport", f"unknown transport {self.fail}")
        if self.script is not None:
            if not self.script:
                self.mismatches.append(f"unexpected request {got}")
                return Variant("cancelled", "script exhausted")
            entry = self.script.pop(0)
            method, _, suffix = entry.get("request", "").partition(" ")
            if r.method != method or not r.url.endswith(suffix):
                self.mismatches.append(f"expected {entry}, got {got}")
                return Variant("cancelled", "script mismatch")
            if "transportError" in entry:
                return Variant("transport", entry["transportError"])
            return response(entry["respond"])
        if self.always is not None:
            return response(self.always)
        if self.answers:
            return response(self.answers.pop(0))
        return Variant("transport", "no scripted answer")

    def sleep(self, d: int) -> None:
        if self.script is not None:
            entry = self.script.pop(0) if self.script else None
            if not entry or entry.get("sleep") != d:
                self.mismatches.append(f"expected {entry}, got sleep {d} ms")
        self.clock += d

    def now(self) -> int:
        return self.clock

    def event(self, e: Variant) -> None:
        self.events.append(ch.event_type(e))


def subset(got: Any, want: Any, path: str, out: List[str]) -> None:
    if isinstance(want, dict) and isinstance(got, dict):
        for k, w in want.items():
            if k in got:
                subset(got[k], w, f"{path}/{k}", out)
            elif w is not None:
                out.append(f"{path}/{k} missing (want {w!r})")
    elif isinstance(want, list) and isinstance(got, list) and len(want) == len(got):
        for i, (g, w) in enumerate(zip(got, want)):
            subset(g, w, f"{path}/{i}", out)
    elif got != want or type(got) is bool and type(want) is not bool:
        out.append(f"{path}: got {got!r}, want {want!r}")


def check_error(got: Dict[str, Any], want: Dict[str, Any], out: List[str]) -> None:
    """Field by field as the core's runner (tests/vectors/README.md): status, code, title, detail,
    retryAfterMs, traceId always (absent = null); message, bodyExcerpt when given; violations
    whole, else pointers in order, else none."""
    if got["kind"] != want["kind"]:
        out.append(f"kind {got['kind']} != {want['kind']} ({got['message']})")
    for key in ("status", "code", "title", "detail", "retryAfterMs", "traceId"):
        if got.get(key) != want.get(key):
            out.append(f"{key} {got.get(key)!r} != {want.get(key)!r}")
    for key in ("message", "bodyExcerpt"):
        if key in want and got.get(key) != want[key]:
            out.append(f"{key} {got.get(key)!r} != {want[key]!r}")
    if "violations" in want:
        if got["violations"] != want["violations"]:
            out.append(f"violations {got['violations']!r} != {want['violations']!r}")
    elif "pointers" in want:
        if [v["pointer"] for v in got["violations"]] != want["pointers"]:
            out.append(f"pointers {[v['pointer'] for v in got['violations']]} != {want['pointers']}")
    elif got["violations"]:
        out.append(f"violations {got['violations']!r} != []")


def check_result(result: Dict[str, Any], expect: Dict[str, Any], out: List[str]) -> None:
    if "ok" in expect:
        if "error" in result:
            out.append(f"expected ok, got {result['error']['kind']}: {result['error']['message']}")
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
        self.assertEqual(failures, [], f"{len(failures)} of {len(cases)} {what} vectors failed")

    def test_validation_vectors(self) -> None:
        file = load("validation.json")
        failures: List[str] = []
        host = Scripted(0, always={"status": 404})
        inst = RUNTIME.instantiate(host)  # one instance; each case sets the clock
        for c in file["cases"]:
            # A case's `now` is the caller's text, given to the validators as is (text that is not
            # a date-time is their `config` error); the host clock starts at it when it parses.
            now = c.get("now", file["now"])
            try:
                host.clock = ms(now)
            except ValueError:
                host.clock = ms(file["now"])
            host.sent.clear()
            kind = c["kind"]
            if kind == "start_attestation":
                r = ch.outcome(lambda: ch.to_json(inst.validate_start_attestation(ch.start_in(c["input"]), now), drop_none=True))
            elif kind == "add_csp_service":
                r = ch.outcome(lambda: ch.to_json(inst.validate_add_csp_service(ch.csp_in(c["input"]), now), drop_none=True))
            elif kind == "organization_id":
                r = ch.call(inst.open(ch.client_options()), "get_attestation", c["input"])
                if "ok" in r:
                    r = {"ok": host.sent[0].url.split("/organizations/")[1].split("/")[0]}
                elif host.sent:
                    failures.append(f"{c['name']}: a request was sent")
            elif kind == "base_url":
                opts = ch.client_options()
                opts.__dict__["base-url"] = c["input"]
                r = ch.outcome(lambda: inst.open(opts).base_url())
            elif kind == "client_options":
                # Member for member, a token together with credentials too: the core decides.
                opts = ch.client_options(c["input"], c["input"])
                r = ch.outcome(lambda: inst.open(opts).base_url())
            else:
                raise AssertionError(f"unknown kind {kind}")
            out: List[str] = []
            if c["valid"]:
                if "error" in r:
                    out.append(f"expected valid, got {r['error']['message']}")
                elif r["ok"] != c["normalized"]:
                    out.append(f"normalized {r['ok']!r} != {c['normalized']!r}")
            elif "ok" in r:
                out.append(f"expected invalid, got {r['ok']!r}")
            else:
                check_error(r["error"], c["error"], out)
            if out:
                failures.append(f"{c['name']}: {'; '.join(out)}")
        print(f"{len(file['cases']) - len(failures)} of {len(file['cases'])} validation vectors passed")
        self.report("validation", file["cases"], failures)

    def test_request_vectors(self) -> None:
        file = load("requests.json")
        failures: List[str] = []
        for c in file["cases"]:
            host = Scripted(ms(file["now"]), answers=c["respond"])
            client = RUNTIME.instantiate(host).open(ch.client_options(c.get("config"), c.get("auth")))
            ch.call(client, c["call"]["op"], c["call"]["org"], c["call"].get("input"))
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
            host = Scripted(ms(file["now"]), always=c.get("response"), fail=c.get("transport"))
            auth = {"credentials": file["credentials"]} if c["op"] == "token" else {"token": "vector-token"}
            client = RUNTIME.instantiate(host).open(ch.client_options(None, auth))
            body = file.get("startInput") if c["op"] == "start_attestation" else file.get("cspInput") if c["op"] == "add_csp_service" else None
            r = ch.call(client, c["op"], file["org"], body)
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
            poll = ch.rec(**timing)
            script = list(c["script"])
            host = Scripted(ms(file["now"]), script=script)
            client = RUNTIME.instantiate(host).open(ch.client_options())
            org = c.get("org", file["org"])
            if c["flow"] == "ensure_accepted":
                options = ch.rec(wait=o.get("wait"), confirm_attempts=o.get("confirmAttempts"), **timing)
                r = ch.outcome(lambda: ch.to_json(client.ensure_accepted(org, ch.start_in(c.get("input", file["input"])), options)))
            else:
                r = ch.outcome(lambda: ch.to_json(client.wait_for_signature(org, poll)))
            out = list(host.mismatches)
            if script:
                out.append(f"{len(script)} script entries not consumed: {script[0]}")
            if host.events != c["events"]:
                out.append(f"events {host.events} != {c['events']}")
            check_result(r, c["expect"], out)
            if out:
                failures.append(f"{c['name']}: {'; '.join(out)}")
        self.report("flow", file["cases"], failures)


class Cost(unittest.TestCase):
    def test_per_operation_cost(self) -> None:
        import time
        n = 1000
        host = Scripted(ms("2026-11-25T12:00:00Z"), always={"status": 200, "headers": {"Content-Type": "application/json"},
                                                         "body": "{\"accepted\": true, \"acceptedVia\": [\"PartnerAttestation\"], \"acceptanceViaPartnerAttestation\": {\"signer\": {\"firstName\": \"Ada\", \"lastName\": \"Lovelace\", \"emailAddress\": \"ada@example.com\", \"phoneNumber\": \"+46701234567\"}, \"mcaInfoTemplateId\": \"tpl-42\", \"acceptanceDate\": \"2026-11-25T10:00:00Z\"}, \"lastSyncDate\": \"2026-11-25T11:59:00Z\"}"})
        inst = RUNTIME.instantiate(host)
        client = inst.open(ch.client_options())
        org = "11111111-1111-4111-8111-111111111111"
        t = time.perf_counter()
        for _ in range(n):
            self.assertTrue(client.get_acceptance(org).accepted)
        op = (time.perf_counter() - t) / n
        body = ch.start_in({"signer": {"firstName": "Ada", "lastName": "Lovelace", "emailAddress": "ada@example.com",
                                       "phoneNumber": "+46 70 123 45 67"}, "country": "se", "acceptanceDate": "2026-11-25T10:00:00Z"})
        t = time.perf_counter()
        for _ in range(n):
            inst.validate_start_attestation(body, "2026-11-25T12:00:00Z")
        print(f"\npython (wasmtime-py): get_acceptance {op * 1e6:.1f} us/op, "
              f"validate_start_attestation {(time.perf_counter() - t) / n * 1e6:.1f} us/op")


if __name__ == "__main__":
    unittest.main()
