"""Scenarios against the sandbox, the same names as in the npm and Kotlin suites, each run with
``Client`` (sync) and ``AsyncClient`` (asyncio, default transport httpx)."""

from __future__ import annotations

import asyncio
import datetime as dt
import inspect
import time
import urllib.error
import urllib.request
from typing import Any, Callable, Dict, Iterator, List

import pytest

import mca_attestation as mca
from support import client_args
from conftest import Sandbox

RESELLER = "11111111-1111-4111-8111-111111111111"
TOKEN_SECRET = "sandbox"
FAST = mca.WaitOptions(poll_interval_ms=50, max_poll_interval_ms=50)


def credentials(password: str, client_secret: str) -> mca.Credentials:
    return mca.Credentials(
        username="sandbox",
        password=password,
        client_id="sandbox",
        client_secret=client_secret,
        client_auth=mca.ClientAuth.BASIC,
    )


def event_type(event: mca.FlowEvent) -> str:
    """``acceptance_checked`` for ``FlowEvent.ACCEPTANCE_CHECKED`` (the other languages' names)."""
    return type(event).__name__.rsplit(".", 1)[-1].lower()


def signer() -> mca.Signer:
    return mca.Signer(
        first_name="Ada", last_name="Lovelace", email_address="ada.lovelace@example.com", phone_number="+46 70 123 45 67"
    )


def start_input() -> mca.StartAttestation:
    return mca.StartAttestation(
        signer=signer(), country="se", language="sv-se", acceptance_date=dt.datetime.now(dt.timezone.utc).isoformat()
    )


def _skip_sleep(seconds: float) -> None:
    return None


async def _skip_sleep_async(seconds: float) -> None:
    return None


class Runner:
    """A Client or an AsyncClient (driven on a private loop per test) behind one call style."""

    def __init__(self, mode: str, base_url: str, **kwargs: Any) -> None:
        if "token" not in kwargs:
            kwargs.setdefault("credentials", credentials(TOKEN_SECRET, "sandbox"))
        self.mode = mode
        self.loop = asyncio.new_event_loop()
        if kwargs.pop("no_sleep", False):
            kwargs["sleep"] = _skip_sleep if mode == "sync" else _skip_sleep_async
        options, rest = client_args(base_url, RESELLER, kwargs)
        if mode == "sync":
            self.client: Any = mca.Client(options, **rest)
        else:
            self.client = mca.AsyncClient(options, **rest)

    def __getattr__(self, name: str) -> Any:
        fn = getattr(self.client, name)
        if inspect.iscoroutinefunction(fn):
            return lambda *a, **k: self.loop.run_until_complete(fn(*a, **k))
        return fn

    def close(self) -> None:
        closer = getattr(self.client.transport, "aclose", None)
        if closer is not None:
            self.loop.run_until_complete(closer())
        self.loop.close()


@pytest.fixture(params=["sync", "async"])
def make(request: pytest.FixtureRequest) -> Iterator[Callable[..., Runner]]:
    made: List[Runner] = []

    def factory(base_url: str, **kwargs: Any) -> Runner:
        runner = Runner(request.param, base_url, **kwargs)
        made.append(runner)
        return runner

    yield factory
    for r in made:
        r.close()


def accept_via_agreement_page(link: str) -> None:
    """What the signer does: open the agreement page and press Accept."""
    with urllib.request.urlopen(link, timeout=10) as resp:
        page = resp.read().decode()
    assert "Accept" in page
    form = urllib.request.Request(link.rstrip("/") + "/accept", data=b"", method="POST")
    form.add_header("Content-Type", "application/x-www-form-urlencoded")
    with urllib.request.urlopen(form, timeout=10) as resp:
        assert resp.status in (200, 303)


def test_manual_flow_end_to_end(sandbox: Sandbox, make: Callable[..., Runner], org: str) -> None:
    client = make(sandbox.url)
    started = client.start_attestation(org, start_input())
    assert started.expires_at.tzinfo is not None and started.expires_at > dt.datetime.now(dt.timezone.utc)
    pending = client.get_attestation(org)
    assert pending is not None and pending.status is mca.AttestationStatus.PENDING_AGREEMENT_ACCEPTANCE
    accept_via_agreement_page(started.agreement_link)
    waited = client.wait_for_signature(org, FAST)
    assert waited.status is mca.WaitStatus.SIGNED
    assert waited.attestation.attestation_id == started.attestation_id
    client.finalize_attestation(org)
    acceptance = client.get_acceptance(org)
    assert acceptance.accepted and acceptance.via_partner_attestation()
    assert acceptance.partner_attestation is not None
    assert acceptance.partner_attestation.signer == client.validate_start_attestation(start_input()).signer


def test_ensure_accepted_reuses_ongoing_attestation(
    sandbox: Sandbox, make: Callable[..., Runner], org: str
) -> None:
    events: List[mca.FlowEvent] = []
    client = make(sandbox.url, on_event=events.append)
    started = client.start_attestation(org, start_input())
    outcome = client.ensure_accepted(org, start_input(), mca.EnsureAcceptedOptions(wait=False, poll_interval_ms=50, max_poll_interval_ms=50))
    assert outcome.status is mca.EnsureStatus.PENDING
    assert outcome.attestation_id == started.attestation_id
    assert [event_type(e) for e in events] == ["acceptance_checked", "attestation_reused"]
    assert sandbox.requests(org)["start_attestation"] == 1
    # and with waiting: the signer signs, ensure finalizes and confirms
    sandbox.sign(org)
    done = client.ensure_accepted(org, start_input(), mca.EnsureAcceptedOptions(poll_interval_ms=50, max_poll_interval_ms=50))
    assert done.status is mca.EnsureStatus.ACCEPTED
    assert done.evidence is not None and done.evidence.attestation_id == started.attestation_id
    assert sandbox.requests(org)["start_attestation"] == 1


def test_automatic_flow_via_add_csp_service(sandbox: Sandbox, make: Callable[..., Runner], org: str) -> None:
    client = make(sandbox.url)
    body = mca.AddCspService(
        currency_code="usd",
        contact_email="it@contoso.example",
        domain_prefix="contoso",
        partner_attestation=mca.PartnerAttestation(
            signer=signer(),
            country="us",
            acceptance_date=(dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)).isoformat(),
        ),
    )
    added = client.add_csp_service(org, body)
    assert 200 <= added.status < 300
    assert added.evidence is not None and added.evidence.flow is mca.FlowKind.AUTOMATIC
    assert '"flow": "automatic"' in added.evidence.to_json()
    acceptance = client.get_acceptance(org)
    assert acceptance.accepted and acceptance.via_partner_attestation()


def test_get_attestation_404_is_none(sandbox: Sandbox, make: Callable[..., Runner], org: str) -> None:
    client = make(sandbox.url)
    assert client.get_attestation(org) is None
    assert sandbox.requests(org)["get_attestation"] == 1


def test_refresh_429_is_already_running(sandbox: Sandbox, make: Callable[..., Runner], org: str) -> None:
    client = make(sandbox.url)
    first = client.refresh_acceptance(org)
    second = client.refresh_acceptance(org)
    assert first.is_started()
    assert isinstance(second, mca.RefreshOutcome.ALREADY_RUNNING)
    assert second.retry_after is not None and second.retry_after >= dt.timedelta(seconds=1)
    assert sandbox.requests(org)["refresh_acceptance"] == 2


def test_validation_error_sends_no_request(sandbox: Sandbox, make: Callable[..., Runner], org: str) -> None:
    client = make(sandbox.url)
    bad = mca.StartAttestation(
        signer=mca.Signer(first_name="", last_name="Lovelace", email_address="not-an-email", phone_number="12"),
        country="zz",
        acceptance_date="yesterday",
    )
    with pytest.raises(mca.InvalidError) as info:
        client.start_attestation(org, bad)
    pointers = [v.pointer for v in info.value.violations]
    assert pointers == ["/signer/firstName", "/signer/emailAddress", "/signer/phoneNumber", "/country", "/acceptanceDate"]
    with pytest.raises(mca.InvalidError):
        client.get_attestation("not-a-guid")
    assert sum(sandbox.requests(org).values()) == 0


def test_fault_status_503_is_retried(sandbox: Sandbox, make: Callable[..., Runner], org: str) -> None:
    client = make(sandbox.url)
    sandbox.fault(op="get_acceptance", org=org, count=1, fault="status", status=503)
    acceptance = client.get_acceptance(org)
    assert acceptance.accepted is False
    assert sandbox.requests(org)["get_acceptance"] == 2


def test_fault_delay_is_tolerated(sandbox: Sandbox, make: Callable[..., Runner], org: str) -> None:
    client = make(sandbox.url)
    sandbox.fault(op="get_attestation", org=org, count=1, fault="delay", delayMs=400)
    t0 = time.monotonic()
    assert client.get_attestation(org) is None
    assert time.monotonic() - t0 >= 0.35
    assert sandbox.requests(org)["get_attestation"] == 1


def test_fault_truncated_body_is_decode_error(sandbox: Sandbox, make: Callable[..., Runner], org: str) -> None:
    client = make(sandbox.url)
    sandbox.fault(op="start_attestation", org=org, count=1, fault="truncated")
    with pytest.raises(mca.DecodeError) as info:
        client.start_attestation(org, start_input())
    assert info.value.kind is mca.ErrorKind.DECODE and info.value.status == 200
    assert sandbox.requests(org)["start_attestation"] == 1


def test_fault_html_page_is_api_error(sandbox: Sandbox, make: Callable[..., Runner], org: str) -> None:
    client = make(sandbox.url)
    sandbox.fault(op="get_acceptance", org=org, count=1, fault="html", status=500)
    with pytest.raises(mca.ApiError) as info:
        client.get_acceptance(org)
    assert info.value.kind is mca.ErrorKind.API and info.value.status == 500


def test_fault_legacy_body_is_api_error(sandbox: Sandbox, make: Callable[..., Runner], org: str) -> None:
    client = make(sandbox.url)
    sandbox.fault(op="get_acceptance", org=org, count=1, fault="legacy", status=400)
    with pytest.raises(mca.ApiError) as info:
        client.get_acceptance(org)
    assert info.value.status == 400
    assert info.value.code == "InjectedFault"  # the symbolic errorName (numeric code in extensions)


def test_fault_drop_is_transport_error(sandbox: Sandbox, make: Callable[..., Runner], org: str) -> None:
    client = make(sandbox.url)
    sandbox.fault(op="start_attestation", org=org, count=1, fault="drop")
    with pytest.raises(mca.TransportError) as info:
        client.start_attestation(org, start_input())
    assert info.value.kind is mca.ErrorKind.TRANSPORT
    assert sandbox.requests(org)["start_attestation"] == 1  # a start is never retried blindly


class CountingTransport:
    """Wraps the default transport and counts requests per operation."""

    def __init__(self) -> None:
        self.inner = mca.UrllibTransport(timeout=10)
        self.ops: List[str] = []

    def send(self, request: mca.HttpRequest) -> mca.HttpResponse:
        self.ops.append(request.op.name.lower())
        return self.inner.send(request)


def test_token_renewal_after_expiry(
    short_token_sandbox: Sandbox, make: Callable[..., Runner], org: str
) -> None:
    counting = CountingTransport()
    client = make(short_token_sandbox.url, transport=counting)
    client.get_acceptance(org)
    time.sleep(2.5)
    client.get_acceptance(org)
    assert counting.ops.count("token") == 2
    # a 401 renews the token once and repeats the request
    short_token_sandbox.fault(op="get_acceptance", org=org, count=1, fault="status", status=401)
    client.get_acceptance(org)
    assert counting.ops.count("token") == 3
    assert counting.ops.count("get_acceptance") == 4
    short_token_sandbox.admin("DELETE", "/_sandbox/faults")


def test_user_written_transport(sandbox: Sandbox, make: Callable[..., Runner], org: str) -> None:
    seen: List[str] = []

    class Mine:  # no base class: any object with send() works
        def send(self, request: mca.HttpRequest) -> mca.HttpResponse:
            seen.append(f"{request.op.name.lower()} {request.method.name}")
            data = request.body.encode() if request.body is not None else None
            headers = {h.name: h.value for h in request.headers}
            req = urllib.request.Request(request.url, data=data, method=request.method.name, headers=headers)
            try:
                with urllib.request.urlopen(req, timeout=10) as resp:
                    return mca.http_response(resp.status, resp.headers.items(), resp.read().decode())
            except urllib.error.HTTPError as err:
                return mca.http_response(err.code, err.headers.items(), err.read().decode())

    client = make(sandbox.url, transport=Mine())
    assert client.get_attestation(org) is None
    assert seen == ["token POST", "get_attestation GET"]

    class Broken:
        def send(self, request: mca.HttpRequest) -> mca.HttpResponse:
            raise KeyError("bug in user code")

    broken = make(sandbox.url, transport=Broken())
    with pytest.raises(KeyError):  # not a transport failure: re-raised as is, not retried
        broken.get_acceptance(org)

    class Refused:
        calls = 0

        def send(self, request: mca.HttpRequest) -> mca.HttpResponse:
            Refused.calls += 1
            raise ConnectionRefusedError("nobody home")

    refused = make(sandbox.url, token="static", transport=Refused(), no_sleep=True)
    with pytest.raises(mca.TransportError):
        refused.get_acceptance(org)
    assert Refused.calls == 3  # retried: GET is safe to repeat


def test_redaction_of_secrets(sandbox: Sandbox, make: Callable[..., Runner], org: str) -> None:
    creds = credentials(TOKEN_SECRET + "-pw", "client-secret-xyz")
    assert "sandbox-pw" not in repr(creds) and "client-secret-xyz" not in repr(creds)
    client = make(sandbox.url)
    token = client.token()
    assert token.access_token and token.access_token not in repr(token)
    static = make(sandbox.url, token=token.access_token)
    assert token.access_token not in repr(static.client)
    client.start_attestation(org, start_input())
    att = client.get_attestation(org)
    assert att is not None
    pii = ["Ada", "Lovelace", "ada.lovelace@example.com", "+46", "123 45 67"]
    for text in (repr(att), repr(att.signer), repr(signer()), repr(start_input())):
        assert not any(p in text for p in pii), text
    req = mca.HttpRequest(
        op=mca.Op.GET_ACCEPTANCE,
        method=mca.Method.GET,
        url="https://x.test/",
        headers=[mca.Header(name="Authorization", value="Bearer " + token.access_token)],
        body=None,
    )
    assert token.access_token not in repr(req)
    with pytest.raises(mca.InvalidError) as info:
        bad_signer = mca.Signer(first_name="Ada", last_name="Lovelace", email_address="ada@@example", phone_number="+4670")
        client.start_attestation(org, mca.StartAttestation(signer=bad_signer, country="se", acceptance_date="x"))
    assert "ada@@example" not in str(info.value) and "ada@@example" not in repr(info.value)
