"""HTTP for the core: request/response values, the transport protocols and the default transports.

A transport is any object with ``send(request) -> HttpResponse`` (or ``async def send``). It returns
every response whatever its status, and raises when no response arrived: ``TransportFailure``,
``OSError`` (connection refused or reset, timeouts), ``http.client.HTTPException`` and
``httpx.TransportError`` are reported to the core as "no response" (retried where safe); any other
exception stops the call and is re-raised to the caller unchanged.
"""

from __future__ import annotations

import http.client
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Iterable, List, Mapping, Optional, Protocol, Tuple, Union, runtime_checkable

from . import _ffi

__all__ = [
    "HttpRequest",
    "HttpResponse",
    "Transport",
    "AsyncTransport",
    "TransportFailure",
    "UrllibTransport",
    "HttpxTransport",
    "AsyncHttpxTransport",
]


@dataclass(frozen=True, repr=False)
class HttpRequest:
    """A request built by the core. ``op`` names the operation (``get_attestation``, ``token``, …)."""

    op: str
    method: str
    url: str
    headers: List[Tuple[str, str]]
    body: Optional[str]

    def header(self, name: str) -> Optional[str]:
        """First header with this name (case-insensitive)."""
        lower = name.lower()
        return next((v for n, v in self.headers if n.lower() == lower), None)

    def __repr__(self) -> str:
        headers = [(n, "<redacted>" if n.lower() == "authorization" else v) for n, v in self.headers]
        body = None if self.body is None else f"<{len(self.body)} chars>"
        return (
            f"HttpRequest(op={self.op!r}, method={self.method!r}, url={self.url!r}, "
            f"headers={headers!r}, body={body})"
        )

    @staticmethod
    def _from_ffi(r: Any) -> HttpRequest:
        return HttpRequest(
            op=r.op.name.lower(),
            method=r.method.name.upper(),
            url=r.url,
            headers=[(h.name, h.value) for h in r.headers],
            body=r.body,
        )


@dataclass(frozen=True, repr=False)
class HttpResponse:
    """A response as received: any status, headers in order, the body as text."""

    status: int
    headers: List[Tuple[str, str]] = field(default_factory=list)
    body: str = ""

    @staticmethod
    def of(
        status: int,
        headers: Union[Mapping[str, str], Iterable[Tuple[str, str]], None] = None,
        body: str = "",
    ) -> HttpResponse:
        """A response from a status, headers (a mapping or pairs) and a body."""
        pairs = list(headers.items()) if isinstance(headers, Mapping) else list(headers or [])
        return HttpResponse(status, pairs, body)

    def __repr__(self) -> str:
        return f"HttpResponse(status={self.status}, headers={self.headers!r}, body=<{len(self.body)} chars>)"

    def _to_ffi(self) -> Any:
        return _ffi.HttpResponse(
            status=self.status,
            headers=[_ffi.Header(name=n, value=v) for n, v in self.headers],
            body=self.body,
        )


class TransportFailure(Exception):
    """Raise from a transport when no response arrived (the core may retry)."""


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


def _is_no_response(exc: BaseException) -> bool:
    if isinstance(exc, (TransportFailure, OSError, http.client.HTTPException)):
        return True
    try:
        import httpx
    except ImportError:  # pragma: no cover - httpx is optional
        return False
    return isinstance(exc, httpx.TransportError)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class UrllibTransport:
    """The default blocking transport: the standard library's ``urllib`` (no dependency).

    Redirects are not followed (the API does not redirect; a redirect is returned as is).
    """

    def __init__(self, timeout: float = 30.0) -> None:
        self.timeout = timeout
        self._opener = urllib.request.build_opener(_NoRedirect())

    def send(self, request: HttpRequest) -> HttpResponse:
        """Sends the request with ``urllib``."""
        data = request.body.encode("utf-8") if request.body is not None else None
        req = urllib.request.Request(request.url, data=data, method=request.method)
        for name, value in request.headers:
            req.add_header(name, value)
        try:
            resp = self._opener.open(req, timeout=self.timeout)
        except urllib.error.HTTPError as err:
            body = err.read()
            return HttpResponse(err.code, list(err.headers.items()), body.decode("utf-8", "replace"))
        except urllib.error.URLError as err:
            raise TransportFailure(f"{type(err.reason).__name__}: {err.reason}") from err
        with resp:
            body = resp.read()
            return HttpResponse(resp.status, list(resp.headers.items()), body.decode("utf-8", "replace"))

    def __repr__(self) -> str:
        return f"UrllibTransport(timeout={self.timeout})"


class HttpxTransport:
    """A blocking transport over ``httpx.Client`` (install ``mca-attestation[httpx]``)."""

    def __init__(self, client: Any = None, timeout: float = 30.0) -> None:
        import httpx

        self._client = client if client is not None else httpx.Client(timeout=timeout)

    def send(self, request: HttpRequest) -> HttpResponse:
        """Sends the request with httpx."""
        resp = self._client.request(
            request.method, request.url, headers=request.headers, content=request.body
        )
        return HttpResponse(resp.status_code, list(resp.headers.items()), resp.text)


class AsyncHttpxTransport:
    """An asyncio transport over ``httpx.AsyncClient`` (the ``AsyncClient`` default when httpx is installed)."""

    def __init__(self, client: Any = None, timeout: float = 30.0) -> None:
        import httpx

        self._client = client if client is not None else httpx.AsyncClient(timeout=timeout)

    async def send(self, request: HttpRequest) -> HttpResponse:
        """Sends the request with httpx."""
        resp = await self._client.request(
            request.method, request.url, headers=request.headers, content=request.body
        )
        return HttpResponse(resp.status_code, list(resp.headers.items()), resp.text)

    async def aclose(self) -> None:
        """Closes the underlying client."""
        await self._client.aclose()


class _Aborts:
    """Exceptions raised by user transports, kept until the client re-raises them."""

    def __init__(self) -> None:
        self._pending: dict[str, BaseException] = {}
        self._next = 0

    def keep(self, exc: BaseException) -> Any:
        self._next += 1
        key = f"#py-abort-{self._next}"
        self._pending[key] = exc
        return _ffi.TransportError.Aborted(f"{key} {type(exc).__name__}")

    def take(self, message: str) -> Optional[BaseException]:
        for key in list(self._pending):
            if key + " " in message:
                return self._pending.pop(key)
        return None


def _failure(exc: BaseException, aborts: _Aborts) -> Any:
    if _is_no_response(exc):
        return _ffi.TransportError.Failed(f"{type(exc).__name__}: {exc}")
    return aborts.keep(exc)


class _BlockingTransportAdapter(_ffi.BlockingHttpTransport):  # type: ignore[misc]
    def __init__(self, transport: Transport, aborts: _Aborts) -> None:
        self._transport = transport
        self._aborts = aborts

    def send(self, request: Any) -> Any:
        try:
            resp = self._transport.send(HttpRequest._from_ffi(request))
        except Exception as exc:  # noqa: BLE001 - classified, re-raised to the caller if not I/O
            raise _failure(exc, self._aborts) from None
        return resp._to_ffi()


class _AsyncTransportAdapter(_ffi.HttpTransport):  # type: ignore[misc]
    def __init__(self, transport: Union[Transport, AsyncTransport], aborts: _Aborts) -> None:
        import asyncio
        import inspect

        self._transport = transport
        self._aborts = aborts
        self._is_async = inspect.iscoroutinefunction(getattr(transport, "send", None))
        self._to_thread = asyncio.to_thread

    async def send(self, request: Any) -> Any:
        req = HttpRequest._from_ffi(request)
        try:
            if self._is_async:
                resp = await self._transport.send(req)  # type: ignore[misc]
            else:
                resp = await self._to_thread(self._transport.send, req)
        except Exception as exc:  # noqa: BLE001 - classified, re-raised to the caller if not I/O
            raise _failure(exc, self._aborts) from None
        return resp._to_ffi()
