"""``Client`` (blocking) and ``AsyncClient`` (asyncio) over the Rust core.

Both are thin: they convert Python values to the core's records and back, and give the core its
platform — HTTP (a transport), the clock and sleep. Every rule, retry, token renewal and flow step
runs in the core.

Sync design: ``Client`` uses the core's blocking driver (``McaBlockingClient``): the transport, the
clock and ``sleep`` are plain calls on the calling thread, so no event loop is created and a
``Client`` may be used from any thread, including one that runs an asyncio loop.
"""

from __future__ import annotations

import asyncio
import datetime as _dt
import random
import time
from typing import Any, Awaitable, Callable, NoReturn, Optional, TypeVar, Union

from . import _ffi
from ._errors import from_ffi
from ._models import (
    Acceptance,
    AddCspService,
    Attestation,
    AttestationStarted,
    Credentials,
    CspServiceAdded,
    EnsureOutcome,
    FlowEvent,
    RefreshOutcome,
    StartAttestation,
    Token,
    WaitOutcome,
)
from ._transport import (
    AsyncTransport,
    Transport,
    UrllibTransport,
    _Aborts,
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


def _aware(value: _dt.datetime) -> _dt.datetime:
    if value.tzinfo is None:
        raise ValueError("datetimes must be timezone-aware (e.g. datetime.now(timezone.utc))")
    return value.astimezone(_dt.timezone.utc)


def _delta(value: Seconds) -> _dt.timedelta:
    return value if isinstance(value, _dt.timedelta) else _dt.timedelta(seconds=value)


def _seed(jitter_seed: Optional[int]) -> int:
    return random.getrandbits(63) | 1 if jitter_seed is None else jitter_seed


class _Common:
    """Options, conversions and the synchronous members shared by both clients."""

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
            raise ValueError("give either token= or credentials=, not both")
        if token is not None:
            auth: Any = _ffi.ClientAuthConfig.TOKEN(token)
        elif credentials is not None:
            auth = _ffi.ClientAuthConfig.CREDENTIALS(credentials._to_ffi())
        else:
            auth = _ffi.ClientAuthConfig.NONE()
        self._options = _ffi.mca_uniffi.ClientOptions(
            base_url=base_url,
            reseller_id=reseller_id,
            auth=auth,
            binding=_BINDING,
            user_agent_extra=user_agent_extra,
            correlation_id=correlation_id,
            token_url=token_url,
        )
        self._clock = clock or _utc_now
        self._aborts = _Aborts()
        self._listener = _Listener(on_event) if on_event is not None else None
        self._auth_kind = "token" if token else "credentials" if credentials else "none"

    def _now(self) -> _dt.datetime:
        return _aware(self._clock())

    def _poll(
        self,
        initial_interval: Optional[Seconds],
        max_interval: Optional[Seconds],
        deadline: Deadline,
        jitter_seed: Optional[int],
    ) -> Any:
        """The core's default schedule with the caller's overrides."""
        defaults = _ffi.default_poll_options()
        if deadline is None:
            at: Optional[_dt.datetime] = None
        elif isinstance(deadline, _dt.datetime):
            at = _aware(deadline)
        else:
            at = self._now() + _delta(deadline)
        return _ffi.PollOptions(
            initial_interval=defaults.initial_interval if initial_interval is None else _delta(initial_interval),
            max_interval=defaults.max_interval if max_interval is None else _delta(max_interval),
            deadline=at,
            jitter_seed=_seed(jitter_seed),
        )

    def _ensure(
        self,
        wait: bool,
        confirm_attempts: Optional[int],
        poll: Any,
    ) -> Any:
        """The core's default ensure options with the caller's overrides."""
        defaults = _ffi.default_ensure_options()
        return _ffi.EnsureOptions(
            wait=wait,
            poll=poll,
            confirm_attempts=defaults.confirm_attempts if confirm_attempts is None else confirm_attempts,
        )

    @property
    def base_url(self) -> str:
        """The normalised base URL (ends in ``/``)."""
        return str(self._core.base_url())

    @property
    def user_agent(self) -> str:
        """The ``User-Agent`` sent with every request."""
        return str(self._core.user_agent())

    def _sync(self, fn: Callable[..., Any], *args: Any) -> Any:
        try:
            return fn(*args)
        except _ffi.McaError as err:
            self._raise(err)

    def validate_start_attestation(self, input: StartAttestation) -> StartAttestation:
        """The normalised body that ``start_attestation`` would send; raises ``InvalidError``."""
        return StartAttestation._from_ffi(
            self._sync(self._core.validate_start_attestation, input._to_ffi())
        )

    def validate_add_csp_service(self, input: AddCspService) -> AddCspService:
        """The normalised body that ``add_csp_service`` would send; raises ``InvalidError``."""
        return AddCspService._from_ffi(
            self._sync(self._core.validate_add_csp_service, input._to_ffi())
        )

    def normalize_organization_id(self, organization_id: str) -> str:
        """The lowercase GUID; raises ``InvalidError`` (pointer ``/organizationId``)."""
        return str(self._sync(self._core.normalize_organization_id, organization_id))

    def _raise(self, err: BaseException) -> NoReturn:
        """Re-raises a core error as ``McaError`` (or a user transport's own exception)."""
        if isinstance(err, _ffi.McaError.Config):
            original = self._aborts.take(str(err.message))
            if original is not None:
                raise original.with_traceback(original.__traceback__) from None
        if isinstance(err, _ffi.McaError):
            raise from_ffi(err) from None
        raise err

    def _repr(self, name: str, base_url: str) -> str:
        return f"{name}(base_url={base_url!r}, reseller_id={self._options.reseller_id!r}, auth=<{self._auth_kind}, redacted>)"


class _Listener(_ffi.EventListener):  # type: ignore[misc]
    def __init__(self, callback: Callable[[FlowEvent], None]) -> None:
        self._callback = callback

    def on_event(self, event: Any) -> None:
        self._callback(FlowEvent._from_ffi(event))


class _BlockingRuntime(_ffi.BlockingRuntime):  # type: ignore[misc]
    def __init__(self, clock: Callable[[], _dt.datetime], sleep: Callable[[float], None]) -> None:
        self._clock = clock
        self._sleep = sleep

    def now(self) -> _dt.datetime:
        return _aware(self._clock())

    def sleep(self, duration: _dt.timedelta) -> None:
        self._sleep(duration.total_seconds())


class _AsyncRuntime(_ffi.Runtime):  # type: ignore[misc]
    def __init__(
        self, clock: Callable[[], _dt.datetime], sleep: Callable[[float], Awaitable[None]]
    ) -> None:
        self._clock = clock
        self._sleep = sleep

    def now(self) -> _dt.datetime:
        return _aware(self._clock())

    async def sleep(self, duration: _dt.timedelta) -> None:
        await self._sleep(duration.total_seconds())


class Client(_Common):
    """Blocking client of the MCA Partner Attestation API.

    ``transport`` defaults to ``UrllibTransport()`` (standard library). ``clock`` and ``sleep``
    replace the wall clock and ``time.sleep`` (tests use a fake clock). ``on_event`` receives
    ``FlowEvent``s of ``ensure_accepted``.
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
        try:
            self._core = _ffi.McaBlockingClient(
                self._options,
                _BlockingTransportAdapter(self.transport, self._aborts),
                _BlockingRuntime(self._clock, sleep or time.sleep),
                self._listener,
            )
        except _ffi.McaError as err:
            self._raise(err)

    def __repr__(self) -> str:
        return self._repr("Client", self._options.base_url)

    def _call(self, fn: Callable[..., Any], *args: Any) -> Any:
        return self._sync(fn, *args)

    def token(self) -> Token:
        """A valid access token (credentials auth): cached, or fetched from the token endpoint."""
        return Token._from_ffi(self._call(self._core.token))

    def start_attestation(self, organization_id: str, input: StartAttestation) -> AttestationStarted:
        """Starts a partner attestation (validated first; never retried blindly)."""
        return AttestationStarted._from_ffi(
            self._call(self._core.start_attestation, organization_id, input._to_ffi())
        )

    def get_attestation(self, organization_id: str) -> Optional[Attestation]:
        """The ongoing attestation, or ``None`` when there is none (404)."""
        found = self._call(self._core.get_attestation, organization_id)
        return Attestation._from_ffi(found) if found is not None else None

    def finalize_attestation(self, organization_id: str) -> None:
        """Finalizes an attestation the signer accepted (status 2)."""
        self._call(self._core.finalize_attestation, organization_id)

    def get_acceptance(self, organization_id: str) -> Acceptance:
        """The customer's acceptance state."""
        return Acceptance._from_ffi(self._call(self._core.get_acceptance, organization_id))

    def refresh_acceptance(self, organization_id: str) -> RefreshOutcome:
        """Asks for a re-sync of the acceptance state; 429 is ``already_running``, not an error."""
        return RefreshOutcome._from_ffi(self._call(self._core.refresh_acceptance, organization_id))

    def add_csp_service(self, organization_id: str, input: AddCspService) -> CspServiceAdded:
        """Adds the CSP service; with ``partner_attestation`` the attestation is automatic."""
        return CspServiceAdded._from_ffi(
            self._call(self._core.add_csp_service, organization_id, input._to_ffi())
        )

    def wait_for_signature(
        self,
        organization_id: str,
        *,
        initial_interval: Optional[Seconds] = None,
        max_interval: Optional[Seconds] = None,
        deadline: Deadline = None,
        jitter_seed: Optional[int] = None,
    ) -> WaitOutcome:
        """Polls until the signer accepted (``signed``) or the link expired (``expired``).

        Waits double from ``initial_interval`` up to ``max_interval`` (the core's defaults:
        2 s and 30 s); ``deadline`` raises
        ``DeadlineError``. ``jitter_seed=0`` turns jitter off (default: random).
        """
        poll = self._poll(initial_interval, max_interval, deadline, jitter_seed)
        return WaitOutcome._from_ffi(self._call(self._core.wait_for_signature, organization_id, poll))

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
        jitter_seed: Optional[int] = None,
    ) -> EnsureOutcome:
        """Makes sure the customer accepted, doing only what is missing (reuses an ongoing attestation)."""
        options = self._ensure(
            wait, confirm_attempts, self._poll(initial_interval, max_interval, deadline, jitter_seed)
        )
        return EnsureOutcome._from_ffi(
            self._call(self._core.ensure_accepted, organization_id, input._to_ffi(), options)
        )


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
    thread. ``sleep`` replaces ``asyncio.sleep``; ``clock`` the wall clock.
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
        try:
            self._core = _ffi.McaClient(
                self._options,
                _AsyncTransportAdapter(self.transport, self._aborts),
                _AsyncRuntime(self._clock, sleep or asyncio.sleep),
                self._listener,
            )
        except _ffi.McaError as err:
            self._raise(err)

    def __repr__(self) -> str:
        return self._repr("AsyncClient", self._options.base_url)

    async def _call(self, fn: Callable[..., Awaitable[Any]], *args: Any) -> Any:
        try:
            return await fn(*args)
        except _ffi.McaError as err:
            self._raise(err)

    async def token(self) -> Token:
        """A valid access token (credentials auth): cached, or fetched from the token endpoint."""
        return Token._from_ffi(await self._call(self._core.token))

    async def start_attestation(
        self, organization_id: str, input: StartAttestation
    ) -> AttestationStarted:
        """Starts a partner attestation (validated first; never retried blindly)."""
        return AttestationStarted._from_ffi(
            await self._call(self._core.start_attestation, organization_id, input._to_ffi())
        )

    async def get_attestation(self, organization_id: str) -> Optional[Attestation]:
        """The ongoing attestation, or ``None`` when there is none (404)."""
        found = await self._call(self._core.get_attestation, organization_id)
        return Attestation._from_ffi(found) if found is not None else None

    async def finalize_attestation(self, organization_id: str) -> None:
        """Finalizes an attestation the signer accepted (status 2)."""
        await self._call(self._core.finalize_attestation, organization_id)

    async def get_acceptance(self, organization_id: str) -> Acceptance:
        """The customer's acceptance state."""
        return Acceptance._from_ffi(await self._call(self._core.get_acceptance, organization_id))

    async def refresh_acceptance(self, organization_id: str) -> RefreshOutcome:
        """Asks for a re-sync of the acceptance state; 429 is ``already_running``, not an error."""
        return RefreshOutcome._from_ffi(
            await self._call(self._core.refresh_acceptance, organization_id)
        )

    async def add_csp_service(self, organization_id: str, input: AddCspService) -> CspServiceAdded:
        """Adds the CSP service; with ``partner_attestation`` the attestation is automatic."""
        return CspServiceAdded._from_ffi(
            await self._call(self._core.add_csp_service, organization_id, input._to_ffi())
        )

    async def wait_for_signature(
        self,
        organization_id: str,
        *,
        initial_interval: Optional[Seconds] = None,
        max_interval: Optional[Seconds] = None,
        deadline: Deadline = None,
        jitter_seed: Optional[int] = None,
    ) -> WaitOutcome:
        """Polls until the signer accepted (``signed``) or the link expired (``expired``)."""
        poll = self._poll(initial_interval, max_interval, deadline, jitter_seed)
        return WaitOutcome._from_ffi(
            await self._call(self._core.wait_for_signature, organization_id, poll)
        )

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
        jitter_seed: Optional[int] = None,
    ) -> EnsureOutcome:
        """Makes sure the customer accepted, doing only what is missing (reuses an ongoing attestation)."""
        options = self._ensure(
            wait, confirm_attempts, self._poll(initial_interval, max_interval, deadline, jitter_seed)
        )
        return EnsureOutcome._from_ffi(
            await self._call(self._core.ensure_accepted, organization_id, input._to_ffi(), options)
        )

