"""HTTP for the component's ``send`` import: the request/response records (the component's own
``http-request``, ``http-response``, ``header``), the transport protocols and the default
transport on ``urllib``. One request per ``send``: no retries, no redirects (the core retries)."""

from __future__ import annotations

import socket
import urllib.error
import urllib.request
from typing import Any, Iterable, List, Mapping, Optional, Protocol, Tuple, Union, runtime_checkable

from ._component import loaded

HttpRequest: Any = loaded().types.classes["HttpRequest"]
HttpResponse: Any = loaded().types.classes["HttpResponse"]
Header: Any = loaded().types.classes["Header"]

__all__ = [
    "HttpRequest",
    "HttpResponse",
    "Header",
    "http_response",
    "Transport",
    "AsyncTransport",
    "TransportFailure",
    "TransportTimeout",
    "UrllibTransport",
]


def http_response(
    status: int,
    headers: Union[Mapping[str, str], Iterable[Tuple[str, str]], None] = None,
    body: str = "",
) -> Any:
    """An ``HttpResponse`` from a status, headers (a mapping or name/value pairs) and a body."""
    pairs = list(headers.items()) if isinstance(headers, Mapping) else list(headers or [])
    return HttpResponse(status=status, headers=[Header(name=n, value=v) for n, v in pairs], body=body)


class TransportFailure(Exception):
    """Raise from a transport when no response arrived (the core may retry)."""


class TransportTimeout(TransportFailure):
    """Raise from a transport when no complete response arrived within the request's
    ``timeout_ms``: the core's ``transport`` error "request timed out after N ms"."""


@runtime_checkable
class Transport(Protocol):
    """A blocking HTTP client."""

    def send(self, request: Any) -> Any:
        """Sends the request once; returns the ``HttpResponse`` whatever its status."""
        ...


@runtime_checkable
class AsyncTransport(Protocol):
    """An asyncio HTTP client (for ``AsyncClient``)."""

    async def send(self, request: Any) -> Any:
        """Sends the request once; returns the ``HttpResponse`` whatever its status."""
        ...


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _is_timeout(err: BaseException) -> bool:
    return isinstance(err, (TimeoutError, socket.timeout)) or (
        isinstance(err, urllib.error.URLError) and isinstance(err.reason, (TimeoutError, socket.timeout))
    )


class UrllibTransport:
    """The default transport: the standard library's ``urllib`` (no dependency). Redirects are not
    followed (a 3xx goes back to the core, which refuses it); the request's ``timeout_ms`` bounds
    the connection and each read."""

    def __init__(self, timeout: Optional[float] = None) -> None:
        self.timeout = timeout
        self._opener = urllib.request.build_opener(_NoRedirect())

    def send(self, request: Any) -> Any:
        """Sends the request with ``urllib``."""
        timeout = self.timeout if self.timeout is not None else request.timeout_ms / 1000.0
        data = request.body.encode("utf-8") if request.body is not None else None
        req = urllib.request.Request(request.url, data=data, method=request.method)
        for h in request.headers:
            req.add_header(h.name, h.value)
        try:
            try:
                resp = self._opener.open(req, timeout=timeout)
            except urllib.error.HTTPError as err:  # any status is an answer
                resp = err
            with resp:
                headers: List[Tuple[str, str]] = list(resp.headers.items())
                body = resp.read().decode("utf-8", "replace")
                return http_response(resp.status if hasattr(resp, "status") else resp.code, headers, body)
        except (OSError, ValueError) as err:
            if _is_timeout(err):
                raise TransportTimeout(str(err)) from err
            reason = getattr(err, "reason", err)
            raise TransportFailure(f"{type(reason).__name__}: {reason}") from err

    def __repr__(self) -> str:
        return f"UrllibTransport(timeout={self.timeout})"
