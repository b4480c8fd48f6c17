"""HTTP for the core: request/response values, the transport protocols and the default transports.

A transport is any object with ``send(request) -> HttpResponse`` (or ``async def send``). It returns
every response whatever its status, and raises when no response arrived: ``TransportFailure``,
``OSError`` (connection refused or reset, timeouts), ``http.client.HTTPException`` and
``httpx.TransportError`` are reported to the core as "no response" (retried where safe); any other
exception stops the call and is re-raised to the caller unchanged.
"""

from __future__ import annotations

import contextvars
import sys
import time
from typing import (
    Any,
    AsyncIterator,
    Iterable,
    Iterator,
    List,
    Mapping,
    Optional,
    Protocol,
    Tuple,
    Union,
    runtime_checkable,
)

from ._native import _ffi
from ._ffi import Header, HttpRequest, HttpResponse

MAX_RESPONSE_BYTES: int = _ffi.max_response_bytes()
"""The core's cap on a response body: the default transports read at most this many bytes plus one
and raise ``TransportFailure("response body exceeds N bytes")`` for more (never buffering the rest)."""

DEFAULT_REQUEST_TIMEOUT: float = _ffi.default_request_timeout().total_seconds()
"""The core's default time in seconds one exchange (connect, headers, the whole body) may take."""

__all__ = [
    "MAX_RESPONSE_BYTES",
    "DEFAULT_REQUEST_TIMEOUT",
    "HttpRequest",
    "HttpResponse",
    "Header",
    "http_response",
    "Transport",
    "AsyncTransport",
    "TransportFailure",
    "TransportTimeout",
    "UrllibTransport",
    "HttpxTransport",
    "AsyncHttpxTransport",
]


def http_response(
    status: int,
    headers: Union[Mapping[str, str], Iterable[Tuple[str, str]], None] = None,
    body: str = "",
) -> HttpResponse:
    """An ``HttpResponse`` from a status, headers (a mapping or name/value pairs) and a body."""
    pairs = list(headers.items()) if isinstance(headers, Mapping) else list(headers or [])
    return HttpResponse(status=status, headers=[Header(name=n, value=v) for n, v in pairs], body=body)


def _timeout(explicit: Optional[float], request: HttpRequest) -> float:
    """The transport's own timeout when it was given one, else the request's (the client's
    ``ClientOptions.request_timeout_ms``, default the core's ``DEFAULT_REQUEST_TIMEOUT``)."""
    return explicit if explicit is not None else request.timeout_ms / 1000.0


def _header_pairs(request: HttpRequest) -> List[Tuple[str, str]]:
    return [(h.name, h.value) for h in request.headers]


class TransportFailure(Exception):
    """Raise from a transport when no response arrived (the core may retry)."""


class TransportTimeout(TransportFailure):
    """Raise from a transport when no complete response arrived within the request's
    ``timeout_ms``: the core's ``transport`` error "request timed out after N ms" (``TimeoutError``
    and httpx's timeouts are read the same way)."""


@runtime_checkable
class Transport(Protocol):
    """A blocking HTTP client."""

    def send(self, request: HttpRequest) -> HttpResponse:
        """Sends the request; returns the response whatever its status."""
        ...


@runtime_checkable
class AsyncTransport(Protocol):
    """An asyncio HTTP client."""

    async def send(self, request: HttpRequest) -> HttpResponse:
        """Sends the request; returns the response whatever its status."""
        ...


# http.client, urllib, httpx and asyncio are imported only by the transports that use them; an
# exception of one of their classes can only exist once the module is loaded, hence the look-ups
# in sys.modules below (nothing is imported just to classify an exception).


def _is_no_response(exc: BaseException) -> bool:
    if isinstance(exc, (TransportFailure, OSError)):
        return True
    http_client = sys.modules.get("http.client")
    if http_client is not None and isinstance(exc, http_client.HTTPException):
        return True
    httpx = sys.modules.get("httpx")
    return httpx is not None and isinstance(exc, httpx.TransportError)


def _no_redirect_opener() -> Any:
    """A ``urllib`` opener that returns a 3xx as is instead of following it."""
    import urllib.request

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    return urllib.request.build_opener(_NoRedirect())


def _too_large(limit: int) -> TransportFailure:
    return TransportFailure(f"response body exceeds {limit} bytes")


def _timed_out(timeout: float) -> TransportFailure:
    return TransportTimeout(f"no complete response within {timeout:g} s")


def _check_declared_length(headers: Iterable[Tuple[str, str]], limit: int) -> None:
    for name, value in headers:
        if name.lower() == "content-length" and value.strip().isdigit() and int(value) > limit:
            raise _too_large(limit)


class _Budget:
    """The byte cap and the deadline of one exchange."""

    def __init__(self, timeout: float, limit: int) -> None:
        self.timeout = timeout
        self.limit = limit
        self.deadline = time.monotonic() + timeout
        self._total = 0
        self._chunks: List[bytes] = []

    def left(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise _timed_out(self.timeout)
        return left

    def add(self, chunk: bytes) -> None:
        self._total += len(chunk)
        if self._total > self.limit:
            raise _too_large(self.limit)
        self._chunks.append(chunk)
        self.left()

    def text(self) -> str:
        return b"".join(self._chunks).decode("utf-8", "replace")


def _read_urllib(resp: Any, budget: _Budget) -> str:
    """Reads a urllib response (or ``HTTPError``) chunk by chunk within the budget."""
    import urllib.error

    if isinstance(resp, urllib.error.HTTPError) and resp.fp is not None:
        resp = resp.fp  # the http.client.HTTPResponse
    # http.client.HTTPResponse.fp is the socket's buffered reader: its raw SocketIO holds the socket.
    sock = getattr(getattr(getattr(resp, "fp", None), "raw", None), "_sock", None)
    read = getattr(resp, "read1", None) or resp.read
    while True:
        left = budget.left()
        if sock is not None:
            # Each wait for data ends with the exchange's deadline, not a full timeout later.
            sock.settimeout(left)
        chunk = read(65536)
        if not chunk:
            return budget.text()
        budget.add(chunk)


class UrllibTransport:
    """The default blocking transport: the standard library's ``urllib`` (no dependency).

    Redirects are not followed: a 3xx is returned as is, and the core refuses it as a ``transport``
    error. A body larger than the core's ``MAX_RESPONSE_BYTES`` is a ``TransportFailure`` (read
    chunk by chunk, never buffered whole). ``timeout`` bounds the whole exchange, headers and body
    (default: the core's ``DEFAULT_REQUEST_TIMEOUT``, 30 s).
    """

    def __init__(self, timeout: Optional[float] = None) -> None:
        import urllib.error
        import urllib.request

        self._explicit = None if timeout is None else float(timeout)
        self.timeout = DEFAULT_REQUEST_TIMEOUT if self._explicit is None else self._explicit
        self._opener = _no_redirect_opener()
        self._urllib = urllib

    def send(self, request: HttpRequest) -> HttpResponse:
        """Sends the request with ``urllib``."""
        urllib = self._urllib
        timeout = _timeout(self._explicit, request)
        budget = _Budget(timeout, MAX_RESPONSE_BYTES)
        data = request.body.encode("utf-8") if request.body is not None else None
        req = urllib.request.Request(request.url, data=data, method=request.method.name)
        for name, value in _header_pairs(request):
            req.add_header(name, value)
        try:
            resp = self._opener.open(req, timeout=timeout)
        except urllib.error.HTTPError as err:
            with err:
                headers = list(err.headers.items())
                _check_declared_length(headers, budget.limit)
                return http_response(err.code, headers, _read_urllib(err, budget))
        except urllib.error.URLError as err:
            raise TransportFailure(f"{type(err.reason).__name__}: {err.reason}") from err
        with resp:
            headers = list(resp.headers.items())
            _check_declared_length(headers, budget.limit)
            return http_response(resp.status, headers, _read_urllib(resp, budget))

    def __repr__(self) -> str:
        return f"UrllibTransport(timeout={self.timeout})"


def _httpx_response(resp: Any, budget: _Budget, chunks: Iterator[bytes]) -> HttpResponse:
    headers = list(resp.headers.items())
    _check_declared_length(headers, budget.limit)
    for chunk in chunks:
        budget.add(chunk)
    return http_response(resp.status_code, headers, budget.text())


class HttpxTransport:
    """A blocking transport over ``httpx.Client`` (install ``mca-attestation[httpx]``).

    Redirects are never followed (even by a client configured to), the body is streamed with the
    core's ``MAX_RESPONSE_BYTES`` cap, and ``timeout`` bounds the whole exchange (default: the core's
    ``DEFAULT_REQUEST_TIMEOUT``).
    """

    def __init__(self, client: Any = None, timeout: Optional[float] = None) -> None:
        import httpx

        self._explicit = None if timeout is None else float(timeout)
        self.timeout = DEFAULT_REQUEST_TIMEOUT if self._explicit is None else self._explicit
        self._client = client if client is not None else httpx.Client(timeout=self.timeout)

    def send(self, request: HttpRequest) -> HttpResponse:
        """Sends the request with httpx."""
        budget = _Budget(_timeout(self._explicit, request), MAX_RESPONSE_BYTES)
        with self._client.stream(
            request.method.name,
            request.url,
            headers=_header_pairs(request),
            content=request.body,
            follow_redirects=False,
        ) as resp:
            return _httpx_response(resp, budget, resp.iter_bytes())

    def close(self) -> None:
        """Closes the underlying client."""
        self._client.close()


class AsyncHttpxTransport:
    """An asyncio transport over ``httpx.AsyncClient`` (the ``AsyncClient`` default when httpx is
    installed), with the same guarantees as ``HttpxTransport``."""

    def __init__(self, client: Any = None, timeout: Optional[float] = None) -> None:
        import httpx

        self._explicit = None if timeout is None else float(timeout)
        self.timeout = DEFAULT_REQUEST_TIMEOUT if self._explicit is None else self._explicit
        self._client = client if client is not None else httpx.AsyncClient(timeout=self.timeout)

    async def send(self, request: HttpRequest) -> HttpResponse:
        """Sends the request with httpx."""
        import asyncio

        try:
            timeout = _timeout(self._explicit, request)
            return await asyncio.wait_for(self._exchange(request, timeout), timeout)
        except asyncio.TimeoutError:
            raise _timed_out(timeout) from None

    async def _exchange(self, request: HttpRequest, timeout: float) -> HttpResponse:
        budget = _Budget(timeout, MAX_RESPONSE_BYTES)
        async with self._client.stream(
            request.method.name,
            request.url,
            headers=_header_pairs(request),
            content=request.body,
            follow_redirects=False,
        ) as resp:
            headers = list(resp.headers.items())
            _check_declared_length(headers, budget.limit)
            chunks: AsyncIterator[bytes] = resp.aiter_bytes()
            async for chunk in chunks:
                budget.add(chunk)
            return http_response(resp.status_code, headers, budget.text())

    async def aclose(self) -> None:
        """Closes the underlying client."""
        await self._client.aclose()


_ABORTED: contextvars.ContextVar[List[BaseException]] = contextvars.ContextVar("mca_aborted")
"""Per call: exceptions a user transport raised that are not I/O failures. The transport runs in
the calling thread and context (the core polls it synchronously), so the call that set the list
gets its own transport's exceptions back and re-raises them unchanged."""


def _is_timeout(exc: BaseException) -> bool:
    if isinstance(exc, (TransportTimeout, TimeoutError)):
        return True
    httpx = sys.modules.get("httpx")
    return httpx is not None and isinstance(exc, httpx.TimeoutException)


def _is_cancelled(exc: BaseException) -> bool:
    asyncio = sys.modules.get("asyncio")
    return asyncio is not None and isinstance(exc, asyncio.CancelledError)


def _failure(exc: BaseException) -> Any:
    if _is_cancelled(exc):
        # Native cancellation: the core's `cancelled` kind, never retried.
        return _ffi.TransportError.Cancelled()
    if _is_timeout(exc):
        return _ffi.TransportError.TimedOut()
    if isinstance(exc, TransportFailure) and str(exc):
        return _ffi.TransportError.Failed(str(exc))
    if _is_no_response(exc):
        return _ffi.TransportError.Failed(f"{type(exc).__name__}: {exc}")
    kept = _ABORTED.get(None)
    if kept is not None:
        kept.append(exc)
    return _ffi.TransportError.Aborted(type(exc).__name__)


class _BlockingTransportAdapter(_ffi.BlockingHttpTransport):
    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def send(self, request: HttpRequest) -> HttpResponse:
        try:
            return self._transport.send(request)
        except BaseException as exc:  # noqa: BLE001 - classified below
            if not isinstance(exc, Exception) and not _is_cancelled(exc):
                raise  # KeyboardInterrupt, SystemExit, GeneratorExit
            raise _failure(exc) from None


class _AsyncTransportAdapter(_ffi.HttpTransport):
    def __init__(self, transport: Union[Transport, AsyncTransport]) -> None:
        import asyncio
        import inspect

        self._transport = transport
        self._is_async = inspect.iscoroutinefunction(getattr(transport, "send", None))
        self._to_thread = asyncio.to_thread

    async def send(self, request: HttpRequest) -> _ffi.Received:
        try:
            if self._is_async:
                response: HttpResponse = await self._transport.send(request)  # type: ignore[misc]
            else:
                response = await self._to_thread(self._transport.send, request)  # type: ignore[arg-type]
        except BaseException as exc:  # noqa: BLE001 - classified below
            if not isinstance(exc, Exception) and not _is_cancelled(exc):
                raise  # KeyboardInterrupt, SystemExit, GeneratorExit
            raise _failure(exc) from None
        return _ffi.Received(response=response)
