"""``Client`` (blocking) and ``AsyncClient`` (asyncio) over the component.

Each client is one component instance holding one ``client`` resource (options, auth, token cache).
Everything — validation, requests, retries, token renewal, flows — runs in the core inside the
component; Python gives it the four imports and nothing else: ``send`` (one request through the
transport), ``sleep``, ``now`` (the clock) and ``event`` (``on_event``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as _dt
import http.client
import inspect
import threading
import time
from types import TracebackType
from typing import Any, Callable, List, Optional, Tuple, Type

from ._component import Instance, loaded
from ._errors import McaError, config_error, from_view
from ._transport import HttpResponse, TransportFailure, TransportTimeout, UrllibTransport, _is_timeout

_TYPES = loaded().types.classes
SendError: Any = _TYPES["SendError"]
WaitOptions: Any = _TYPES["WaitOptions"]
EnsureAcceptedOptions: Any = _TYPES["EnsureAcceptedOptions"]

__all__ = ["Client", "AsyncClient", "validate_start_attestation_at", "validate_add_csp_service_at"]

_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)


def _utc_now() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc)


def _epoch_ms(value: Any) -> int:
    if not isinstance(value, _dt.datetime) or value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise config_error(
            f"the clock gave {value!r}, not an aware datetime: add a timezone, e.g. datetime.now(timezone.utc)"
        )
    return (value - _EPOCH) // _dt.timedelta(milliseconds=1)


class _Call:
    """State of one call: the user's exception that stopped it, cancellation, the asyncio loop."""

    def __init__(self, loop: Optional[asyncio.AbstractEventLoop] = None) -> None:
        self.loop = loop
        self.aborted: List[BaseException] = []
        self.cancelled = False
        self.pending: Optional[concurrent.futures.Future[Any]] = None

    def cancel(self) -> None:
        self.cancelled = True
        pending = self.pending
        if pending is not None:
            pending.cancel()

    def wait(self, value: Any) -> Any:
        """``value``, awaited on the call's loop when it is awaitable (an async transport or sleep
        driven from the worker thread)."""
        if not inspect.isawaitable(value):
            return value
        if self.loop is None:
            raise TypeError("an async transport or sleep needs AsyncClient")

        async def run() -> Any:
            return await value

        self.pending = asyncio.run_coroutine_threadsafe(run(), self.loop)
        if self.cancelled:  # cancelled while the future was being made (`cancel` saw no pending)
            self.pending.cancel()
        try:
            return self.pending.result()
        finally:
            self.pending = None


class _Platform:
    """The component's imports for one client."""

    def __init__(self, transport: Any, clock: Callable[[], _dt.datetime], sleep: Callable[[float], Any],
                 on_event: Optional[Callable[[Any], None]]) -> None:
        self.transport = transport
        self.clock = clock
        self._sleep = sleep
        self.on_event = on_event
        self.call = _Call()

    def send(self, request: Any) -> Tuple[str, Any]:
        call = self.call
        if call.cancelled or call.aborted:
            return "err", SendError.CANCELLED("the call was cancelled")
        try:
            response = call.wait(self.transport.send(request))
        except (asyncio.CancelledError, concurrent.futures.CancelledError):
            call.cancelled = True
            return "err", SendError.CANCELLED("the call was cancelled")
        except BaseException as err:  # noqa: BLE001 - sorted below, never lost
            if isinstance(err, TransportTimeout) or _is_timeout(err):
                return "err", SendError.TRANSPORT(f"request timed out after {request.timeout_ms} ms")
            if isinstance(err, (TransportFailure, OSError, http.client.HTTPException)):
                return "err", SendError.TRANSPORT(str(err) or type(err).__name__)
            # Anything else stops the call and is re-raised to the caller unchanged.
            call.aborted.append(err)
            return "err", SendError.CANCELLED("stopped by the transport's exception")
        if not isinstance(response, HttpResponse):
            call.aborted.append(TypeError(f"a transport returns HttpResponse, not {type(response).__name__}"))
            return "err", SendError.CANCELLED("stopped: the transport returned no HttpResponse")
        return "ok", response

    def sleep(self, ms: int) -> None:
        call = self.call
        if call.cancelled or call.aborted:
            return
        try:
            call.wait(self._sleep(ms / 1000.0))
        except (asyncio.CancelledError, concurrent.futures.CancelledError):
            call.cancelled = True
        except BaseException as err:  # noqa: BLE001
            call.aborted.append(err)

    def now(self) -> int:
        try:
            return _epoch_ms(self.clock())
        except BaseException as err:  # noqa: BLE001
            self.call.aborted.append(err)
            return _epoch_ms(_utc_now())

    def event(self, event: Any) -> None:
        if self.on_event is None:
            return
        try:
            self.on_event(event)
        except BaseException as err:  # noqa: BLE001
            self.call.aborted.append(err)


class _NoNetwork(_Platform):
    """The platform of the module-level validators: the system clock, no network."""

    def __init__(self) -> None:
        super().__init__(None, _utc_now, lambda s: None, None)

    def send(self, request: Any) -> Tuple[str, Any]:
        return "err", SendError.CANCELLED("validation sends nothing")


class _Core:
    """One instance, one platform, one ``client`` handle (or none, for the validators)."""

    def __init__(self, platform: _Platform) -> None:
        self.platform = platform
        self.instance: Instance = loaded().instantiate(platform)
        self.handle: Any = None

    def run(self, call: _Call, name: str, *args: Any) -> Any:
        with self.instance.lock:
            self.platform.call = call
            try:
                tag, value = self.instance.call(name, *args)
            finally:
                self.platform.call = _Call()
        if call.aborted:
            original = call.aborted[0]
            raise original.with_traceback(original.__traceback__)
        if tag == "err":
            raise from_view(value)
        return value

    def method(self, call: _Call, name: str, *args: Any) -> Any:
        if self.handle is None:
            raise ValueError("the client is closed")
        return self.run(call, "[method]client." + name, self.handle, *args)

    def close(self) -> None:
        with self.instance.lock:
            if self.handle is not None:
                handle, self.handle = self.handle, None
                self.instance.drop(handle)


_VALIDATOR: Optional[_Core] = None
_VALIDATOR_LOCK = threading.Lock()


def _validator() -> _Core:
    global _VALIDATOR
    with _VALIDATOR_LOCK:
        if _VALIDATOR is None:
            _VALIDATOR = _Core(_NoNetwork())
        return _VALIDATOR


def validate_start_attestation_at(input: Any, now: str) -> Any:
    """The normalised start body as of ``now`` (RFC 3339 text; anything else is a ``ConfigError``),
    without a client; raises ``InvalidError``."""
    return _validator().run(_Call(), "validate-start-attestation", input, now)


def validate_add_csp_service_at(input: Any, now: str) -> Any:
    """The normalised add-CSP-service body as of ``now`` (RFC 3339 text), without a client."""
    return _validator().run(_Call(), "validate-add-csp-service", input, now)


class _Common:
    _core: _Core

    def _open(self, options: Any, transport: Any, on_event: Optional[Callable[[Any], None]],
              clock: Optional[Callable[[], _dt.datetime]], sleep: Callable[[float], Any]) -> None:
        self.options = options
        """The client options this client was built with."""
        self.transport = transport
        clock = clock or _utc_now
        _epoch_ms(clock())  # a clock giving naive datetimes is refused here, not mid-flow
        self._core = _Core(_Platform(transport, clock, sleep, on_event))
        self._core.handle = self._core.run(_Call(), "[static]client.open", options)

    @property
    def base_url(self) -> str:
        """The normalised base URL (ends in ``/``)."""
        return str(self._core.method(_Call(), "base-url"))

    def validate_start_attestation(self, input: Any) -> Any:
        """The normalised body that ``start_attestation`` would send; raises ``InvalidError``."""
        return self._core.run(_Call(), "validate-start-attestation", input, None)

    def validate_add_csp_service(self, input: Any) -> Any:
        """The normalised body that ``add_csp_service`` would send; raises ``InvalidError``."""
        return self._core.run(_Call(), "validate-add-csp-service", input, None)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.options!r})"


class Client(_Common):
    """Blocking client of the MCA Partner Attestation API, running the core in the component.

    ``transport`` defaults to ``UrllibTransport()``. ``clock`` (aware ``datetime``s) and ``sleep``
    (seconds) replace the wall clock and ``time.sleep``. ``on_event`` receives the ``FlowEvent``s of
    ``ensure_accepted``. Calls on one client run one at a time (a lock); ``with Client(...)``
    closes it.
    """

    def __init__(
        self,
        options: Any,
        *,
        transport: Any = None,
        on_event: Optional[Callable[[Any], None]] = None,
        clock: Optional[Callable[[], _dt.datetime]] = None,
        sleep: Optional[Callable[[float], None]] = None,
    ) -> None:
        self._open(options, transport if transport is not None else UrllibTransport(), on_event, clock,
                   sleep or time.sleep)

    def _m(self, name: str, *args: Any) -> Any:
        return self._core.method(_Call(), name, *args)

    def close(self) -> None:
        """Releases the component's client (and closes the transport when it has ``close()``)."""
        self._core.close()
        close = getattr(self.transport, "close", None)
        if callable(close):
            close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException],
                 tb: Optional[TracebackType]) -> None:
        self.close()

    def token(self) -> Any:
        """A valid access token (credentials auth): cached, or fetched from the token endpoint."""
        return self._m("token")

    def start_attestation(self, organization_id: str, input: Any) -> Any:
        """Starts a partner attestation (validated first; never retried blindly)."""
        return self._m("start-attestation", organization_id, input)

    def get_attestation(self, organization_id: str) -> Any:
        """The ongoing attestation, or ``None`` when there is none (404)."""
        return self._m("get-attestation", organization_id)

    def finalize_attestation(self, organization_id: str) -> None:
        """Finalizes an attestation the signer accepted (status 2)."""
        self._m("finalize-attestation", organization_id)

    def get_acceptance(self, organization_id: str) -> Any:
        """The customer's acceptance state."""
        return self._m("get-acceptance", organization_id)

    def refresh_acceptance(self, organization_id: str) -> Any:
        """Asks for a re-sync of the acceptance state; 429 is ``ALREADY_RUNNING``, not an error."""
        return self._m("refresh-acceptance", organization_id)

    def add_csp_service(self, organization_id: str, input: Any) -> Any:
        """Adds the CSP service; with ``partner_attestation`` the attestation is automatic."""
        return self._m("add-csp-service", organization_id, input)

    def wait_for_signature(self, organization_id: str, options: Any = None) -> Any:
        """Polls until the signer accepted (``SIGNED``) or the link expired (``EXPIRED``)."""
        return self._m("wait-for-signature", organization_id, options or WaitOptions())

    def ensure_accepted(self, organization_id: str, input: Any, options: Any = None) -> Any:
        """Makes sure the customer accepted, doing only what is missing (reuses an ongoing attestation)."""
        return self._m("ensure-accepted", organization_id, input, options or EnsureAcceptedOptions())


class AsyncClient(_Common):
    """asyncio client: each call runs the component in a worker thread (the loop stays free).

    ``transport`` may be async (``async def send``: awaited on the caller's loop) or blocking (run
    in the worker thread; default ``UrllibTransport()``); ``sleep`` may be a coroutine function
    (default ``asyncio.sleep``). Cancelling the task stops the call at its next request or wait and
    raises ``CancelledError`` (an ``McaError`` and an ``asyncio.CancelledError``). Calls on one
    client run one at a time.
    """

    def __init__(
        self,
        options: Any,
        *,
        transport: Any = None,
        on_event: Optional[Callable[[Any], None]] = None,
        clock: Optional[Callable[[], _dt.datetime]] = None,
        sleep: Optional[Callable[[float], Any]] = None,
    ) -> None:
        self._open(options, transport if transport is not None else UrllibTransport(), on_event, clock,
                   sleep or asyncio.sleep)

    async def _m(self, name: str, *args: Any) -> Any:
        loop = asyncio.get_running_loop()
        call = _Call(loop)
        fut = loop.run_in_executor(None, lambda: self._core.method(call, name, *args))
        try:
            return await asyncio.shield(fut)
        except asyncio.CancelledError as err:
            if isinstance(err, McaError):
                raise
            call.cancel()
            try:
                await fut  # the core stops at its next send or sleep with kind `cancelled`
            except McaError as core_err:
                if isinstance(core_err, asyncio.CancelledError):
                    raise core_err from err
            raise

    async def aclose(self) -> None:
        """Releases the component's client (and closes the transport: ``aclose()`` or ``close()``)."""
        self._core.close()
        aclose = getattr(self.transport, "aclose", None)
        if callable(aclose):
            await aclose()
            return
        close = getattr(self.transport, "close", None)
        if callable(close):
            close()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException],
                        tb: Optional[TracebackType]) -> None:
        await self.aclose()

    async def token(self) -> Any:
        """A valid access token (credentials auth): cached, or fetched from the token endpoint."""
        return await self._m("token")

    async def start_attestation(self, organization_id: str, input: Any) -> Any:
        """Starts a partner attestation (validated first; never retried blindly)."""
        return await self._m("start-attestation", organization_id, input)

    async def get_attestation(self, organization_id: str) -> Any:
        """The ongoing attestation, or ``None`` when there is none (404)."""
        return await self._m("get-attestation", organization_id)

    async def finalize_attestation(self, organization_id: str) -> None:
        """Finalizes an attestation the signer accepted (status 2)."""
        await self._m("finalize-attestation", organization_id)

    async def get_acceptance(self, organization_id: str) -> Any:
        """The customer's acceptance state."""
        return await self._m("get-acceptance", organization_id)

    async def refresh_acceptance(self, organization_id: str) -> Any:
        """Asks for a re-sync of the acceptance state; 429 is ``ALREADY_RUNNING``, not an error."""
        return await self._m("refresh-acceptance", organization_id)

    async def add_csp_service(self, organization_id: str, input: Any) -> Any:
        """Adds the CSP service; with ``partner_attestation`` the attestation is automatic."""
        return await self._m("add-csp-service", organization_id, input)

    async def wait_for_signature(self, organization_id: str, options: Any = None) -> Any:
        """Polls until the signer accepted (``SIGNED``) or the link expired (``EXPIRED``)."""
        return await self._m("wait-for-signature", organization_id, options or WaitOptions())

    async def ensure_accepted(self, organization_id: str, input: Any, options: Any = None) -> Any:
        """Makes sure the customer accepted, doing only what is missing (reuses an ongoing attestation)."""
        return await self._m("ensure-accepted", organization_id, input, options or EnsureAcceptedOptions())
