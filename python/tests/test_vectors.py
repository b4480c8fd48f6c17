"""Every case of every file in tests/vectors, through the public API of Client and AsyncClient,
with a scripted transport and a fake clock/sleep injected through the clients' hooks."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections import deque
from typing import Any, Callable, Deque, Dict, List, Optional, Tuple, Union

import pytest

import mca_attestation as mca
from support import (
    FakeClock,
    check_error,
    credentials,
    csp_input,
    load,
    match,
    response,
    start_input,
    to_json,
)

VALIDATION = load("validation.json")
REQUESTS = load("requests.json")
RESPONSES = load("responses.json")
FLOWS = load("flows.json")
RESELLER = "11111111-1111-4111-8111-111111111111"
BASE = "https://api.example.test/"
MODES = ["sync", "async"]

Client = Union[mca.Client, mca.AsyncClient]


def cases(file: Dict[str, Any]) -> Any:
    return pytest.mark.parametrize("case", file["cases"], ids=[c["name"] for c in file["cases"]])


class ScriptedError(Exception):
    """The code under test did something the script does not allow (not a transport failure)."""


class Recorder:
    """Records requests; answers from a list, or always the same response."""

    def __init__(self, answers: List[mca.HttpResponse], always: bool = False) -> None:
        self.answers: Deque[mca.HttpResponse] = deque(answers)
        self.always = always
        self.requests: List[mca.HttpRequest] = []

    def send(self, request: mca.HttpRequest) -> mca.HttpResponse:
        self.requests.append(request)
        if self.always:
            return self.answers[0]
        if not self.answers:
            raise ScriptedError(f"unexpected request {request.method.name} {request.url}")
        return self.answers.popleft()


class Failing(Recorder):
    """A transport that never answers: ``timeout`` (no complete response within the request's
    timeout) or ``cancel`` (cancelled with asyncio's native means)."""

    def __init__(self, how: str) -> None:
        super().__init__([])
        self.how = how

    def send(self, request: mca.HttpRequest) -> mca.HttpResponse:
        self.requests.append(request)
        if self.how == "timeout":
            raise TimeoutError(f"no response within {request.timeout_ms} ms")
        raise asyncio.CancelledError()


class AsyncOf:
    """An async transport over a blocking one (so AsyncClient runs through `async def send`)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def send(self, request: mca.HttpRequest) -> mca.HttpResponse:
        await asyncio.sleep(0)
        result: mca.HttpResponse = self.inner.send(request)
        return result


def make_client(
    mode: str,
    transport: Any,
    clock: FakeClock,
    *,
    base_url: str = BASE,
    reseller_id: str = RESELLER,
    auth: Optional[Dict[str, Any]] = None,
    on_event: Optional[Callable[[mca.FlowEvent], None]] = None,
    **extra: Any,
) -> Client:
    auth = auth or {"token": "vector-token"}
    options = mca.ClientOptions(
        base_url=base_url,
        reseller_id=reseller_id,
        token=auth.get("token"),
        credentials=credentials(auth["credentials"]) if "credentials" in auth else None,
        **extra,
    )
    if mode == "sync":
        return mca.Client(options, transport=transport, clock=clock, sleep=clock.sleep, on_event=on_event)
    return mca.AsyncClient(
        options, transport=AsyncOf(transport), clock=clock, sleep=clock.async_sleep, on_event=on_event
    )


def call(client: Client, name: str, *args: Any, **kwargs: Any) -> Any:
    result = getattr(client, name)(*args, **kwargs)
    if isinstance(client, mca.AsyncClient):
        return asyncio.run(result)
    return result


def invoke(client: Client, op: str, org: str, input: Any) -> Any:
    if op == "start_attestation":
        return call(client, op, org, start_input(input))
    if op == "add_csp_service":
        return call(client, op, org, csp_input(input))
    if op == "token":
        return call(client, "token")
    return call(client, op, org)


# ---------------------------------------------------------------- validation.json


@pytest.mark.parametrize("mode", MODES)
@cases(VALIDATION)
def test_validation(case: Dict[str, Any], mode: str) -> None:
    now = case.get("now", VALIDATION["now"])  # the caller's clock as text: the core reads it
    transport = Recorder([])
    kind, input = case["kind"], case["input"]
    try:
        if kind == "base_url":
            got: Any = make_client(mode, transport, FakeClock(VALIDATION["now"]), base_url=input).base_url
        elif kind == "client_options":
            options = mca.ClientOptions(
                base_url=input["baseUrl"],
                reseller_id=input["resellerId"],
                token=input.get("token"),
                credentials=credentials(input["credentials"]) if "credentials" in input else None,
            )
            got = (mca.Client(options, transport=transport) if mode == "sync" else mca.AsyncClient(options, transport=AsyncOf(transport))).base_url
        elif kind == "start_attestation":
            got = to_json(mca.validate_start_attestation_at(start_input(input), now), drop_none=True)
        elif kind == "add_csp_service":
            got = to_json(mca.validate_add_csp_service_at(csp_input(input), now), drop_none=True)
        elif kind == "organization_id":
            got = make_client(mode, transport, FakeClock(VALIDATION["now"])).normalize_organization_id(input)
        else:
            pytest.fail(f"unknown kind {kind}")
    except mca.McaError as err:
        assert not case["valid"], f"expected valid, got {err!r}"
        assert check_error(err, case["error"]) == []
    else:
        assert case["valid"], f"expected invalid, got {got!r}"
        assert got == case["normalized"]
    assert transport.requests == [], "validation must send nothing"


@pytest.mark.parametrize("mode", MODES)
def test_invalid_organization_id_sends_nothing_in_a_call(mode: str) -> None:
    clock = FakeClock(VALIDATION["now"])
    transport = Recorder([])
    client = make_client(mode, transport, clock)
    with pytest.raises(mca.InvalidError) as info:
        call(client, "get_attestation", "{22222222-2222-4222-8222-222222222222}")
    assert [v.pointer for v in info.value.violations] == ["/organizationId"]
    assert transport.requests == []


# ---------------------------------------------------------------- requests.json

_UA = re.compile(r"\{version\}|\{binding\}")


def _header_matches(got: Optional[str], want: str) -> bool:
    if got is None:
        return False
    if "{" not in want:
        return got == want
    parts = _UA.split(want)
    tokens = _UA.findall(want)
    pattern = ""
    for i, part in enumerate(parts):
        pattern += re.escape(part)
        if i < len(tokens):
            pattern += re.escape(mca.__version__) if tokens[i] == "{version}" else "[a-z]+"
    return re.fullmatch(pattern, got) is not None


@pytest.mark.parametrize("mode", MODES)
@cases(REQUESTS)
def test_requests(case: Dict[str, Any], mode: str) -> None:
    clock = FakeClock(case.get("now", REQUESTS["now"]))
    transport = Recorder([response(r) for r in case["respond"]])
    config = case["config"]
    client = make_client(
        mode,
        transport,
        clock,
        base_url=config["baseUrl"],
        reseller_id=config["resellerId"],
        auth=case["auth"],
        correlation_id=config.get("correlationId"),
        user_agent=config.get("userAgentExtra"),
    )
    c = case["call"]
    try:
        invoke(client, c["op"], c["org"], c.get("input"))
    except (mca.McaError, ScriptedError):
        pass  # the outcome is not what this file checks; the requests are
    expect = case["expect"]
    got = [(r.method.name, r.url) for r in transport.requests]
    assert got == [(e["method"], e["url"]) for e in expect]
    for req, want in zip(transport.requests, expect):
        for name, value in want.get("headers", {}).items():
            assert _header_matches(req.header(name), value), f"{name}: {req.header(name)!r} != {value!r}"
        for name in want.get("absentHeaders", []):
            assert req.header(name) is None, f"{name} must be absent"
        assert req.body == want.get("body")


# ---------------------------------------------------------------- responses.json


@pytest.mark.parametrize("mode", MODES)
@cases(RESPONSES)
def test_responses(case: Dict[str, Any], mode: str) -> None:
    clock = FakeClock(case.get("now", RESPONSES["now"]))
    transport: Any = Failing(case["transport"]) if "transport" in case else Recorder([response(case["response"])], always=True)
    op = case["op"]
    auth = {"credentials": RESPONSES["credentials"]} if op == "token" else None
    client = make_client(mode, transport, clock, auth=auth)
    input = {"start_attestation": RESPONSES.get("startInput"), "add_csp_service": RESPONSES.get("cspInput")}.get(op)
    expect = case["expect"]
    try:
        got = invoke(client, op, RESPONSES["org"], input)
    except mca.McaError as err:
        assert "error" in expect, f"expected {expect}, got {err!r}"
        assert check_error(err, expect["error"]) == []
    else:
        assert "ok" in expect, f"expected an error {expect}, got {got!r}"
        diffs: List[str] = []
        match(to_json(got), expect["ok"], "", diffs)
        assert diffs == []
    assert len(transport.requests) == case.get("attempts", 1)


# ---------------------------------------------------------------- flows.json


class Script:
    """Plays a flow script: requests get the scripted answer; sleeps must match."""

    def __init__(self, entries: List[Dict[str, Any]], clock: FakeClock) -> None:
        self.entries: Deque[Dict[str, Any]] = deque(entries)
        self.clock = clock
        self.mismatches: List[str] = []

    def send(self, request: mca.HttpRequest) -> mca.HttpResponse:
        got = f"{request.method.name} {request.url}"
        if not self.entries:
            self.mismatches.append(f"unexpected request {got}")
            raise ScriptedError("script exhausted")
        entry = self.entries.popleft()
        method, _, suffix = entry.get("request", "").partition(" ")
        if request.method.name != method or not request.url.endswith(suffix):
            self.mismatches.append(f"expected {entry}, got request {got}")
            raise ScriptedError("script mismatch")
        if "transportError" in entry:
            raise mca.TransportFailure(entry["transportError"])
        return response(entry["respond"])

    def sleep(self, seconds: float) -> None:
        entry = self.entries.popleft() if self.entries else None
        millis = round(seconds * 1000)
        if entry is None or entry.get("sleep") != millis:
            self.mismatches.append(f"expected {entry}, got sleep {millis} ms")
        self.clock.now += dt.timedelta(seconds=seconds)

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)


def _flow_client(mode: str, script: Script, clock: FakeClock, events: List[str]) -> Client:
    def on_event(e: mca.FlowEvent) -> None:
        events.append(type(e).__name__.rsplit(".", 1)[-1].lower())

    options = mca.ClientOptions(base_url=BASE, reseller_id=RESELLER, token="vector-token")
    if mode == "sync":
        return mca.Client(options, transport=script, clock=clock, sleep=script.sleep, on_event=on_event)
    return mca.AsyncClient(
        options, transport=AsyncOf(script), clock=clock, sleep=script.async_sleep, on_event=on_event
    )


@pytest.mark.parametrize("mode", MODES)
@cases(FLOWS)
def test_flows(case: Dict[str, Any], mode: str) -> None:
    clock = FakeClock(case.get("now", FLOWS["now"]))
    script = Script(case["script"], clock)
    events: List[str] = []
    client = _flow_client(mode, script, clock, events)
    org = case.get("org", FLOWS["org"])
    o = case.get("options", {})
    # The vectors' option names are the core's (camelCase of WaitOptions/EnsureAcceptedOptions).
    wait = {k: o[c] for k, c in [("deadline_ms", "deadlineMs"), ("poll_interval_ms", "initialIntervalMs"),
                                  ("max_poll_interval_ms", "maxIntervalMs")] if c in o}
    outcome: Tuple[str, Any]
    try:
        if case["flow"] == "ensure_accepted":
            ensure = mca.EnsureAcceptedOptions(wait=o.get("wait"), confirm_attempts=o.get("confirmAttempts"), **wait)
            got = call(client, "ensure_accepted", org, start_input(case.get("input", FLOWS["input"])), ensure)
        else:
            got = call(client, "wait_for_signature", org, mca.WaitOptions(**wait))
        outcome = ("ok", got)
    except mca.McaError as err:
        outcome = ("error", err)
    except ScriptedError as err:
        outcome = ("scripted", err)
    assert script.mismatches == []
    assert list(script.entries) == [], "the whole script must be consumed"
    assert events == case.get("events", [])
    expect = case["expect"]
    if outcome[0] == "error":
        assert "error" in expect, f"expected {expect}, got {outcome[1]!r}"
        assert check_error(outcome[1], expect["error"]) == []
    else:
        assert "ok" in expect, f"expected an error {expect}, got {outcome[1]!r}"
        diffs: List[str] = []
        match(to_json(outcome[1]), expect["ok"], "", diffs)
        assert diffs == []
