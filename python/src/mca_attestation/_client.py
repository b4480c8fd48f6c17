"""``Client`` (blocking) and ``AsyncClient`` (asyncio) over the Rust core.

Both are thin: the values they take and return are the core's generated records, and they give the
core its platform — HTTP (a transport), the clock and sleep. Every rule, default, retry, token
renewal and flow step runs in the core; options are the core's records (``ClientOptions``,
``WaitOptions``, ``EnsureAcceptedOptions``) with the core's defaults. What is Python's own:
``with``/``close()``, ``async with``/``aclose()``, and ``McaError`` subclasses.

Sync design: ``Client`` uses the core's blocking driver (``McaBlockingClient``): the transport, the
clock and ``sleep`` are plain calls on the calling thread, so no event loop is created and a
``Client`` may be used from any thread, including one that runs an asyncio loop.

Cost per call (issue 13): one call into the core per operation, plus one call back per HTTP
exchange (the transport). Without a ``clock`` of the caller's the core reads the system clock in
Rust (``with_system_clock``), so no call back per step for the time. ``asyncio`` is imported only by
``AsyncClient``.
"""

from __future__ import annotations

import datetime as _dt
import time
from types import TracebackType
from typing import Any, Awaitable, Callable, List, NoReturn, Optional, Type, TypeVar, Union

from ._native import _ffi
from ._dates import utc
from ._errors import McaError, cancelled, core_error
from ._ffi import (
    Acceptance,
    AddCspService,
    Attestation,
    AttestationStarted,
    ClientOptions,
    CspServiceAdded,
    EnsureAcceptedOptions,
    EnsureOutcome,
    FlowEvent,
    RefreshOutcome,
    StartAttestation,
    Token,
    WaitOptions,
    WaitOutcome,
)
from ._transport import (
    _ABORTED,
    AsyncTransport,
    Transport,
    UrllibTransport,
    _AsyncTransportAdapter,
    _BlockingTransportAdapter,
)

__all__ = ["Client", "AsyncClient", "validate_start_attestation_at", "validate_add_csp_service_at"]

T = TypeVar("T")

_BINDING = "python"


def _utc_now() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc)


def _raise(err: BaseException, aborted: List[BaseException]) -> NoReturn:
    """Re-raises what a call failed with: the user transport's own exception when it stopped the
    call, else the core error as ``McaError``."""
    if aborted:
        original = aborted[0]
        raise original.with_traceback(original.__traceback__) from None
    if isinstance(err, _ffi.CoreError):
        raise core_error(err) from None
    raise err


def _checked(fn: Callable[..., T], *args: Any) -> T:
    try:
        return fn(*args)
    except _ffi.CoreError as err:
        raise core_error(err) from None


def validate_start_attestation_at(input: StartAttestation, now: str) -> StartAttestation:
    """The normalised start body as of ``now`` (RFC 3339 text; anything else is a ``ConfigError``),
    without a client; raises ``InvalidError``."""
    return _checked(_ffi.validate_start_attestation_at, input, now)


def validate_add_csp_service_at(input: AddCspService, now: str) -> AddCspService:
    """The normalised add-CSP-service body as of ``now`` (RFC 3339 text), without a client."""
    return _checked(_ffi.validate_add_csp_service_at, input, now)


class _Common:
    """Options and the synchronous members shared by both clients."""

    _core: Any

    def __init__(
        self,
        options: ClientOptions,
        on_event: Optional[Callable[[FlowEvent], None]],
        clock: Optional[Callable[[], _dt.datetime]],
    ) -> None:
        self.options = options
        """The core's client options this client was built with (``repr`` redacts secrets)."""
        self._system_clock = clock is None
        self._clock = clock or _utc_now
        if clock is not None:
            utc(clock())  # a clock giving naive datetimes is refused here, not mid-flow
        self._listener = _Listener(on_event) if on_event is not None else None

    @property
    def base_url(self) -> str:
        """The normalised base URL (ends in ``/``)."""
        return str(self._core.base_url())

    @property
    def user_agent(self) -> str:
        """The ``User-Agent`` sent with every request."""
        return str(self._core.user_agent())

    def _sync(self, fn: Callable[..., T], *args: Any) -> T:
        aborted: List[BaseException] = []
        reset = _ABORTED.set(aborted)
        try:
            return fn(*args)
        except _ffi.CoreError as err:
            _raise(err, aborted)
        finally:
            _ABORTED.reset(reset)

    def validate_start_attestation(self, input: StartAttestation) -> StartAttestation:
        """The normalised body that ``start_attestation`` would send; raises ``InvalidError``."""
        return self._sync(self._core.validate_start_attestation, input)

    def validate_add_csp_service(self, input: AddCspService) -> AddCspService:
        """The normalised body that ``add_csp_service`` would send; raises ``InvalidError``."""
        return self._sync(self._core.validate_add_csp_service, input)

    def normalize_organization_id(self, organization_id: str) -> str:
        """The lowercase GUID; raises ``InvalidError`` (pointer ``/organizationId``)."""
        return self._sync(self._core.normalize_organization_id, organization_id)

    def _repr(self, name: str) -> str:
        return f"{name}({self.options!r})"


class _Listener(_ffi.EventListener):
    def __init__(self, callback: Callable[[FlowEvent], None]) -> None:
        self._callback = callback

    def on_event(self, event: FlowEvent) -> None:
        self._callback(event)


class _BlockingRuntime(_ffi.BlockingRuntime):
    def __init__(self, clock: Callable[[], _dt.datetime], sleep: Callable[[float], None]) -> None:
        self._clock = clock
        self._sleep = sleep

    def now(self) -> _dt.datetime:
        now: _dt.datetime = utc(self._clock())
        return now

    def sleep(self, duration: _dt.timedelta) -> None:
        self._sleep(duration.total_seconds())


class _AsyncRuntime(_ffi.Runtime):
    def __init__(
        self, clock: Callable[[], _dt.datetime], sleep: Callable[[float], Awaitable[None]]
    ) -> None:
        self._clock = clock
        self._sleep = sleep

    def now(self) -> _dt.datetime:
        now: _dt.datetime = utc(self._clock())
        return now

    async def sleep(self, duration: _dt.timedelta) -> None:
        await self._sleep(duration.total_seconds())


class Client(_Common):
    """Blocking client of the MCA Partner Attestation API.

    ``transport`` defaults to ``UrllibTransport()`` (standard library). ``clock`` and ``sleep``
    replace the wall clock and ``time.sleep`` (tests use a fake clock). ``on_event`` receives
    ``FlowEvent``s of ``ensure_accepted``. ``with Client(...) as client:`` closes the transport
    (when it has ``close()``) at the end.
    """

    def __init__(
        self,
        options: ClientOptions,
        *,
        transport: Optional[Transport] = None,
        on_event: Optional[Callable[[FlowEvent], None]] = None,
        clock: Optional[Callable[[], _dt.datetime]] = None,
        sleep: Optional[Callable[[float], None]] = None,
    ) -> None:
        super().__init__(options, on_event, clock)
        self.transport: Transport = transport if transport is not None else UrllibTransport()
        self._core = self._sync(
            _ffi.McaBlockingClient.with_system_clock if self._system_clock else _ffi.McaBlockingClient,
            options,
            _BINDING,
            _BlockingTransportAdapter(self.transport),
            _BlockingRuntime(self._clock, sleep or time.sleep),
            self._listener,
        )

    def __repr__(self) -> str:
        return self._repr("Client")

    def close(self) -> None:
        """Closes the transport when it has ``close()`` (e.g. ``HttpxTransport``)."""
        close = getattr(self.transport, "close", None)
        if callable(close):
            close()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()

    def token(self) -> Token:
        """A valid access token (credentials auth): cached, or fetched from the token endpoint."""
        return self._sync(self._core.token)

    def start_attestation(self, organization_id: str, input: StartAttestation) -> AttestationStarted:
        """Starts a partner attestation (validated first; never retried blindly)."""
        return self._sync(self._core.start_attestation, organization_id, input)

    def get_attestation(self, organization_id: str) -> Optional[Attestation]:
        """The ongoing attestation, or ``None`` when there is none (404)."""
        return self._sync(self._core.get_attestation, organization_id)

    def finalize_attestation(self, organization_id: str) -> None:
        """Finalizes an attestation the signer accepted (status 2)."""
        self._sync(self._core.finalize_attestation, organization_id)

    def get_acceptance(self, organization_id: str) -> Acceptance:
        """The customer's acceptance state."""
        return self._sync(self._core.get_acceptance, organization_id)

    def refresh_acceptance(self, organization_id: str) -> RefreshOutcome:
        """Asks for a re-sync of the acceptance state; 429 is ``ALREADY_RUNNING``, not an error."""
        return self._sync(self._core.refresh_acceptance, organization_id)

    def add_csp_service(self, organization_id: str, input: AddCspService) -> CspServiceAdded:
        """Adds the CSP service; with ``partner_attestation`` the attestation is automatic."""
        return self._sync(self._core.add_csp_service, organization_id, input)

    def wait_for_signature(self, organization_id: str, options: Optional[WaitOptions] = None) -> WaitOutcome:
        """Polls until the signer accepted (``SIGNED``) or the link expired (``EXPIRED``); the
        schedule and deadline are the core's ``WaitOptions`` (absent members: the core's defaults)."""
        return self._sync(self._core.wait_for_signature, organization_id, options or WaitOptions())

    def ensure_accepted(
        self, organization_id: str, input: StartAttestation, options: Optional[EnsureAcceptedOptions] = None
    ) -> EnsureOutcome:
        """Makes sure the customer accepted, doing only what is missing (reuses an ongoing attestation)."""
        return self._sync(self._core.ensure_accepted, organization_id, input, options or EnsureAcceptedOptions())


def _default_async_transport() -> Union[Transport, AsyncTransport]:
    try:
        from ._transport import AsyncHttpxTransport

        return AsyncHttpxTransport()
    except ImportError:
        return UrllibTransport()


class AsyncClient(_Common):
    """asyncio client of the MCA Partner Attestation API.

    ``transport`` may be async (``async def send``) or blocking (run in a worker thread); the
    default is ``AsyncHttpxTransport`` when httpx is installed, else ``UrllibTransport`` in a
    thread. ``sleep`` replaces ``asyncio.sleep``; ``clock`` the wall clock. ``async with
    AsyncClient(...) as client:`` closes the transport (``aclose()``/``close()``) at the end.
    """

    def __init__(
        self,
        options: ClientOptions,
        *,
        transport: Union[Transport, AsyncTransport, None] = None,
        on_event: Optional[Callable[[FlowEvent], None]] = None,
        clock: Optional[Callable[[], _dt.datetime]] = None,
        sleep: Optional[Callable[[float], Awaitable[None]]] = None,
    ) -> None:
        import asyncio

        from . import _aio

        _aio.install(_ffi.mca_uniffi)
        super().__init__(options, on_event, clock)
        self.transport: Union[Transport, AsyncTransport] = (
            transport if transport is not None else _default_async_transport()
        )
        self._core = self._sync(
            _ffi.McaClient.with_system_clock if self._system_clock else _ffi.McaClient,
            options,
            _BINDING,
            _AsyncTransportAdapter(self.transport),
            _AsyncRuntime(self._clock, sleep or asyncio.sleep),
            self._listener,
        )

    def __repr__(self) -> str:
        return self._repr("AsyncClient")

    async def aclose(self) -> None:
        """Closes the transport when it has ``aclose()`` or ``close()`` (e.g. ``AsyncHttpxTransport``)."""
        aclose = getattr(self.transport, "aclose", None)
        if callable(aclose):
            await aclose()
            return
        close = getattr(self.transport, "close", None)
        if callable(close):
            close()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        await self.aclose()

    async def _call(self, fn: Callable[..., Awaitable[T]], *args: Any) -> T:
        import asyncio

        aborted: List[BaseException] = []
        reset = _ABORTED.set(aborted)
        try:
            return await fn(*args)
        except _ffi.CoreError as err:
            _raise(err, aborted)
        except asyncio.CancelledError as err:
            if isinstance(err, McaError):
                raise
            # asyncio cancelled this call: the core's `cancelled` kind, still a CancelledError.
            raise cancelled() from err
        finally:
            _ABORTED.reset(reset)

    async def token(self) -> Token:
        """A valid access token (credentials auth): cached, or fetched from the token endpoint."""
        return await self._call(self._core.token)

    async def start_attestation(
        self, organization_id: str, input: StartAttestation
    ) -> AttestationStarted:
        """Starts a partner attestation (validated first; never retried blindly)."""
        return await self._call(self._core.start_attestation, organization_id, input)

    async def get_attestation(self, organization_id: str) -> Optional[Attestation]:
        """The ongoing attestation, or ``None`` when there is none (404)."""
        return await self._call(self._core.get_attestation, organization_id)

    async def finalize_attestation(self, organization_id: str) -> None:
        """Finalizes an attestation the signer accepted (status 2)."""
        await self._call(self._core.finalize_attestation, organization_id)

    async def get_acceptance(self, organization_id: str) -> Acceptance:
        """The customer's acceptance state."""
        return await self._call(self._core.get_acceptance, organization_id)

    async def refresh_acceptance(self, organization_id: str) -> RefreshOutcome:
        """Asks for a re-sync of the acceptance state; 429 is ``ALREADY_RUNNING``, not an error."""
        return await self._call(self._core.refresh_acceptance, organization_id)

    async def add_csp_service(self, organization_id: str, input: AddCspService) -> CspServiceAdded:
        """Adds the CSP service; with ``partner_attestation`` the attestation is automatic."""
        return await self._call(self._core.add_csp_service, organization_id, input)

    async def wait_for_signature(
        self, organization_id: str, options: Optional[WaitOptions] = None
    ) -> WaitOutcome:
        """Polls until the signer accepted (``SIGNED``) or the link expired (``EXPIRED``)."""
        return await self._call(self._core.wait_for_signature, organization_id, options or WaitOptions())

    async def ensure_accepted(
        self, organization_id: str, input: StartAttestation, options: Optional[EnsureAcceptedOptions] = None
    ) -> EnsureOutcome:
        """Makes sure the customer accepted, doing only what is missing (reuses an ongoing attestation)."""
        return await self._call(
            self._core.ensure_accepted, organization_id, input, options or EnsureAcceptedOptions()
        )
