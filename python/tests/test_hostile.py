"""The default transports against a hostile server (the sandbox's transport-shaped faults): redirects
are refused and never followed, bodies are capped, stalled or trickling bodies time out — each an
``McaError`` of kind ``transport`` — and memory stays bounded. The same scenario names run in the
Rust CLI, npm and Kotlin suites. Each runs with ``UrllibTransport`` (sync), ``HttpxTransport``
(sync) and ``AsyncHttpxTransport`` (asyncio)."""

from __future__ import annotations

import asyncio
import datetime as dt
import resource
import threading
import time
from typing import Any, Callable, Coroutine, Dict, Iterator, Optional

import pytest

import mca_attestation as mca
from conftest import Sandbox

RESELLER = "11111111-1111-4111-8111-111111111111"


def _start_input() -> mca.StartAttestation:
    return mca.StartAttestation(
        signer=mca.Signer(
            first_name="Ada",
            last_name="Lovelace",
            email_address="ada.lovelace@example.com",
            phone_number="+46 70 123 45 67",
        ),
        country="se",
        language="sv-se",
        acceptance_date=dt.datetime.now(dt.timezone.utc).isoformat(),
    )


class Caller:
    """One client over one of the default transports, called synchronously."""

    def __init__(self, kind: str, base_url: str, timeout: Optional[float]) -> None:
        credentials = mca.Credentials(
            username="sandbox",
            password="sandbox",
            client_id="sandbox",
            client_secret="sandbox",
            client_auth=mca.ClientAuth.BASIC,
        )
        self.loop: Optional[asyncio.AbstractEventLoop] = None
        if kind == "urllib":
            self.client: Any = mca.Client(
                mca.ClientOptions(base_url=base_url, reseller_id=RESELLER, credentials=credentials), transport=mca.UrllibTransport(timeout)
            )
        elif kind == "httpx":
            self.client = mca.Client(
                mca.ClientOptions(base_url=base_url, reseller_id=RESELLER, credentials=credentials), transport=mca.HttpxTransport(timeout=timeout)
            )
        else:
            self.loop = asyncio.new_event_loop()
            self.client = mca.AsyncClient(
                mca.ClientOptions(base_url=base_url, reseller_id=RESELLER, credentials=credentials), transport=mca.AsyncHttpxTransport(timeout=timeout)
            )

    def call(self, name: str, *args: Any) -> Any:
        result = getattr(self.client, name)(*args)
        if self.loop is not None:
            assert isinstance(result, Coroutine)
            return self.loop.run_until_complete(result)
        return result

    def close(self) -> None:
        if self.loop is not None:
            self.loop.run_until_complete(self.client.transport.aclose())
            self.loop.close()


@pytest.fixture(params=["urllib", "httpx", "async-httpx"])
def make(request: pytest.FixtureRequest, sandbox: Sandbox) -> Iterator[Callable[..., Caller]]:
    made = []

    def factory(timeout: Optional[float] = None) -> Caller:
        caller = Caller(request.param, sandbox.url, timeout)
        made.append(caller)
        return caller

    sandbox.admin("DELETE", "/_sandbox/trap-hits")
    yield factory
    for caller in made:
        caller.close()


def _transport_error(fn: Callable[[], Any]) -> mca.McaError:
    with pytest.raises(mca.McaError) as info:
        fn()
    err = info.value
    assert err.kind is mca.ErrorKind.TRANSPORT, repr(err)
    assert "password=" not in str(err)
    return err


def _assert_trap_untouched(sandbox: Sandbox) -> None:
    hits: Dict[str, Any] = sandbox.admin("GET", "/_sandbox/trap-hits")
    assert hits["hits"] == 0, f"a redirect was followed: {hits}"
    assert hits["withPassword"] == 0
    assert hits["withAuthorization"] == 0
    assert hits["withBody"] == 0


class _PeakRss:
    """Samples this process's resident set size (``/proc/self/statm``) every 5 ms."""

    def __init__(self) -> None:
        self._page = resource.getpagesize()
        self.base = self._rss()
        self.peak = self.base
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _rss(self) -> int:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * self._page

    def _run(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, self._rss())

    def __enter__(self) -> _PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._rss())

    @property
    def growth(self) -> int:
        return self.peak - self.base


def test_redirect_from_token_endpoint_is_refused(sandbox: Sandbox, make: Callable[..., Caller], org: str) -> None:
    sandbox.fault(op="token", fault="redirect", status=307, count=5)
    _transport_error(lambda: make().call("get_acceptance", org))
    _assert_trap_untouched(sandbox)


def test_redirect_from_api_is_refused(sandbox: Sandbox, make: Callable[..., Caller], org: str) -> None:
    sandbox.fault(op="start_attestation", org=org, fault="redirect", count=5)
    sandbox.fault(op="get_acceptance", org=org, fault="redirect", status=302, count=5)
    c = make()
    _transport_error(lambda: c.call("start_attestation", org, _start_input()))
    _transport_error(lambda: c.call("get_acceptance", org))
    _assert_trap_untouched(sandbox)


def test_oversized_body_is_a_transport_error(sandbox: Sandbox, make: Callable[..., Caller], org: str) -> None:
    c = make()
    c.call("token")  # the token first: the sampling sees only the oversized answers
    sandbox.fault(op="get_acceptance", org=org, fault="oversized", sizeBytes=256 * 1024 * 1024, count=10)
    with _PeakRss() as rss:
        err = _transport_error(lambda: c.call("get_acceptance", org))
    assert f"response body exceeds {mca.MAX_RESPONSE_BYTES} bytes" in str(err)
    assert rss.growth < 96 * 1024 * 1024, f"RSS grew by {rss.growth / 1048576:.1f} MiB"
    # An oversized HTML error page from the token endpoint too.
    sandbox.fault(op="token", fault="oversized", status=502, sizeBytes=50_000_000, count=10)
    _transport_error(lambda: make().call("get_acceptance", org))


def test_stalled_body_times_out(sandbox: Sandbox, make: Callable[..., Caller], org: str) -> None:
    sandbox.fault(op="get_acceptance", org=org, fault="stall", delayMs=60_000, count=10)
    started = time.monotonic()
    _transport_error(lambda: make(1.0).call("get_acceptance", org))
    assert time.monotonic() - started < 30


def test_slow_body_times_out(sandbox: Sandbox, make: Callable[..., Caller], org: str) -> None:
    sandbox.fault(op="get_acceptance", org=org, fault="slowbody", delayMs=60_000, count=10)
    started = time.monotonic()
    _transport_error(lambda: make(1.0).call("get_acceptance", org))
    assert time.monotonic() - started < 30


def test_default_timeout_and_cap_come_from_the_core() -> None:
    assert mca.MAX_RESPONSE_BYTES == 4 * 1024 * 1024
    assert mca.DEFAULT_REQUEST_TIMEOUT == 30.0
    assert mca.UrllibTransport().timeout == mca.DEFAULT_REQUEST_TIMEOUT
    assert mca.HttpxTransport().timeout == mca.DEFAULT_REQUEST_TIMEOUT
