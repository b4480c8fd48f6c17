"""``Client`` (blocking) and ``AsyncClient`` (asyncio) over the Rust core.

Both are thin: the values they take and return are the core's generated records, and they give the
core its platform — HTTP (a transport), the clock and sleep. Every rule, default, retry, token
renewal and flow step runs in the core. What is Python's own: ``with``/``close()`` and
``async with``/``aclose()``, keyword arguments for the options, and ``McaError`` subclasses.

Sync design: ``Client`` uses the core's blocking driver (``McaBlockingClient``): the transport, the
clock and ``sleep`` are plain calls on the calling thread, so no event loop is created and a
``Client`` may be used from any thread, including one that runs an asyncio loop.
"""

from __future__ import annotations

import asyncio
import datetime as _dt
import time
from types import TracebackType
from typing import Any, Awaitable, Callable, List, NoReturn, Optional, Type, TypeVar, Union

from . import _ffi
from ._dates import utc
from ._errors import ConfigError, core_error
from ._ffi import (
    Acceptance,
    AddCspService,
    Attestation,
    AttestationStarted,
    Credentials,
    CspServiceAdded,
    EnsureOptions,
    EnsureOutcome,
    FlowEvent,
    PollOptions,
    RefreshOutcome,
    StartAttestation,
    Token,
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

__all__ = ["Client", "AsyncClient", "Seconds", "Deadline"]

Seconds = Union[float, _dt.timedelta]
"""A duration: seconds as a number, or a ``timedelta``."""

Deadline = Union[_dt.datetime, _dt.timedelta, float, None]
"""An instant (aware ``datetime``), or a duration from now (``timedelta`` or seconds)."""

T = TypeVar("T")

_BINDING = "python"


def _utc_now() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc)


def _delta(value: Seconds) -> _dt.timedelta:
    return value if isinstance(value, _dt.timedelta) else _dt.timedelta(seconds=value)


def _raise(err: BaseException, aborted: List[BaseException]) -> NoReturn:
    """Re-raises what a call failed with: the user transport's own exception when it stopped the
    call, else the core error as ``McaError``."""
    if aborted:
        original = aborted[0]
        raise original.with_traceback(original.__traceback__) from None
    if isinstance(err, _ffi.Error):
        raise core_error(err) from None
    raise err


class _Common:
    """Options and the synchronous members shared by both clients."""

    _core: Any

    def __init__(
        self,
        base_url: str,
        reseller_id: str,
        *,
        token: Optional[str],
        credentials: Optional[Credentials],
        user_agent_extra: Optional[str],
        correlation_id: Optional[str],
        token_url: Optional[str],
        on_event: Optional[Callable[[FlowEvent], None]],
        clock: Optional[Callable[[], _dt.datetime]],
    ) -> None:
        if token is not None and credentials is not None:
            raise ConfigError("give either token= or credentials=, not both")
        if token is not None:
            auth: _ffi.ClientAuthConfig = _ffi.ClientAuthConfig.TOKEN(token)
        elif credentials is not None:
            auth = _ffi.ClientAuthConfig.CREDENTIALS(credentials)
        else:
            auth = _ffi.ClientAuthConfig.NONE()
        self._options = _ffi.ClientOptions(
            base_url=base_url,
            reseller_id=reseller_id,
            auth=auth,
            binding=_BINDING,
            user_agent_extra=user_agent_extra,
            correlation_id=correlation_id,
            token_url=token_url,
        )
        self._clock = clock or _utc_now
        utc(self._clock())  # a clock giving naive datetimes is refused here, not mid-flow
        self._listener = _Listener(on_event) if on_event is not None else None
        self._auth_kind = "token" if token else "credentials" if credentials else "none"

    def _now(self) -> _dt.datetime:
        now: _dt.datetime = utc(self._clock())
        return now

    def _poll(
        self,
        initial_interval: Optional[Seconds],
        max_interval: Optional[Seconds],
        deadline: Deadline,
    ) -> PollOptions:
        """The core's default schedule with the caller's overrides."""
        poll = _ffi.default_poll_options()
        if initial_interval is not None:
            poll.initial_interval = _delta(initial_interval)
        if max_interval is not None:
            poll.max_interval = _delta(max_interval)
        if isinstance(deadline, _dt.datetime):
            poll.deadline = deadline
        elif deadline is not None:
            poll.deadline = self._now() + _delta(deadline)
        return poll

    def _ensure(self, wait: bool, confirm_attempts: Optional[int], poll: PollOptions) -> EnsureOptions:
        """The core's default ensure options with the caller's overrides."""
        options = _ffi.default_ensure_options()
        options.wait = wait
        options.poll = poll
        if confirm_attempts is not None:
            options.confirm_attempts = confirm_attempts
        return options

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
        except _ffi.Error as err:
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
        return (
            f"{name}(base_url={self._options.base_url!r}, reseller_id={self._options.reseller_id!r}, "
            f"auth=<{self._auth_kind}, redacted>)"
        )


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
        base_url: str,
        reseller_id: str,
        *,
        token: Optional[str] = None,
        credentials: Optional[Credentials] = None,
        transport: Optional[Transport] = None,
        user_agent_extra: Optional[str] = None,
        correlation_id: Optional[str] = None,
        token_url: Optional[str] = None,
        on_event: Optional[Callable[[FlowEvent], None]] = None,
        clock: Optional[Callable[[], _dt.datetime]] = None,
        sleep: Optional[Callable[[float], None]] = None,
    ) -> None:
        super().__init__(
            base_url,
            reseller_id,
            token=token,
            credentials=credentials,
            user_agent_extra=user_agent_extra,
            correlation_id=correlation_id,
            token_url=token_url,
            on_event=on_event,
            clock=clock,
        )
        self.transport: Transport = transport if transport is not None else UrllibTransport()
        self._core = self._sync(
            _ffi.McaBlockingClient,
            self._options,
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

    def wait_for_signature(
        self,
        organization_id: str,
        *,
        initial_interval: Optional[Seconds] = None,
        max_interval: Optional[Seconds] = None,
        deadline: Deadline = None,
    ) -> WaitOutcome:
        """Polls until the signer accepted (``SIGNED``) or the link expired (``EXPIRED``).

        Waits double from ``initial_interval`` up to ``max_interval`` (the core's defaults);
        ``deadline`` raises ``DeadlineError``.
        """
        poll = self._poll(initial_interval, max_interval, deadline)
        return self._sync(self._core.wait_for_signature, organization_id, poll)

    def ensure_accepted(
        self,
        organization_id: str,
        input: StartAttestation,
        *,
        wait: bool = True,
        confirm_attempts: Optional[int] = None,
        initial_interval: Optional[Seconds] = None,
        max_interval: Optional[Seconds] = None,
        deadline: Deadline = None,
    ) -> EnsureOutcome:
        """Makes sure the customer accepted, doing only what is missing (reuses an ongoing attestation)."""
        options = self._ensure(wait, confirm_attempts, self._poll(initial_interval, max_interval, deadline))
        return self._sync(self._core.ensure_accepted, organization_id, input, options)


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
        base_url: str,
        reseller_id: str,
        *,
        token: Optional[str] = None,
        credentials: Optional[Credentials] = None,
        transport: Union[Transport, AsyncTransport, None] = None,
        user_agent_extra: Optional[str] = None,
        correlation_id: Optional[str] = None,
        token_url: Optional[str] = None,
        on_event: Optional[Callable[[FlowEvent], None]] = None,
        clock: Optional[Callable[[], _dt.datetime]] = None,
        sleep: Optional[Callable[[float], Awaitable[None]]] = None,
    ) -> None:
        super().__init__(
            base_url,
            reseller_id,
            token=token,
            credentials=credentials,
            user_agent_extra=user_agent_extra,
            correlation_id=correlation_id,
            token_url=token_url,
            on_event=on_event,
            clock=clock,
        )
        self.transport: Union[Transport, AsyncTransport] = (
            transport if transport is not None else _default_async_transport()
        )
        self._core = self._sync(
            _ffi.McaClient,
            self._options,
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
        aborted: List[BaseException] = []
        reset = _ABORTED.set(aborted)
        try:
            return await fn(*args)
        except _ffi.Error as err:
            _raise(err, aborted)
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
        self,
        organization_id: str,
        *,
        initial_interval: Optional[Seconds] = None,
        max_interval: Optional[Seconds] = None,
        deadline: Deadline = None,
    ) -> WaitOutcome:
        """Polls until the signer accepted (``SIGNED``) or the link expired (``EXPIRED``)."""
        poll = self._poll(initial_interval, max_interval, deadline)
        return await self._call(self._core.wait_for_signature, organization_id, poll)

    async def ensure_accepted(
        self,
        organization_id: str,
        input: StartAttestation,
        *,
        wait: bool = True,
        confirm_attempts: Optional[int] = None,
        initial_interval: Optional[Seconds] = None,
        max_interval: Optional[Seconds] = None,
        deadline: Deadline = None,
    ) -> EnsureOutcome:
        """Makes sure the customer accepted, doing only what is missing (reuses an ongoing attestation)."""
        options = self._ensure(wait, confirm_attempts, self._poll(initial_interval, max_interval, deadline))
        return await self._call(self._core.ensure_accepted, organization_id, input, options)
