"""``McaError`` and one subclass per stable kind, each made from the core's flat error view (the
component's ``error-view`` record, ``err.view``; its members also read on the error itself)."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, Type

from ._component import loaded

ErrorKind: Any = loaded().types.classes["ErrorKind"]
ErrorView: Any = loaded().types.classes["ErrorView"]

__all__ = [
    "McaError",
    "InvalidError",
    "ApiError",
    "UnauthorizedError",
    "ForbiddenError",
    "RateLimitedError",
    "TransportError",
    "DecodeError",
    "DeadlineError",
    "ConfigError",
    "CancelledError",
]


class McaError(Exception):
    """Every failure of the SDK. ``kind`` is the core's ``ErrorKind``; ``kind.name.lower()`` is the
    stable string shared by all languages.

    The members of the core's ``ErrorView`` are readable on the error itself: ``message``,
    ``status``, ``code``, ``title``, ``detail``, ``violations``, ``retry_after_ms``, ``trace_id``,
    ``body_excerpt``.
    """

    def __init__(self, view: Any) -> None:
        super().__init__(view.message)
        self.view: Any = view
        """The core's flat error view."""

    @property
    def kind(self) -> Any:
        """The stable kind."""
        return self.view.kind

    def __getattr__(self, name: str) -> Any:
        view = self.__dict__.get("view")
        if view is None or name.startswith("_"):
            raise AttributeError(name)
        return getattr(view, name)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(kind={self.view.kind.name.lower()}, message={self.view.message!r})"


class InvalidError(McaError):
    """Client-side validation failed; nothing was sent. ``violations`` lists every problem."""


class ApiError(McaError):
    """The API answered with an error (problem details, a legacy body or an HTML page)."""


class UnauthorizedError(McaError):
    """401: the token is missing, expired or wrong, or the credentials were refused."""


class ForbiddenError(McaError):
    """403: the caller may not act on this reseller or organisation."""


class RateLimitedError(McaError):
    """429 where it is an error; see ``retry_after_ms``."""


class TransportError(McaError):
    """No response arrived (connection, DNS, TLS, timeout, dropped connection)."""


class DecodeError(McaError):
    """A response arrived but could not be understood."""


class DeadlineError(McaError):
    """The caller's deadline passed before the flow finished."""


class ConfigError(McaError):
    """The client is misconfigured (base URL, reseller id, credentials, options)."""


class CancelledError(McaError, asyncio.CancelledError):
    """The call was cancelled: also an ``asyncio.CancelledError``."""


_BY_KIND: Dict[Any, Type[McaError]] = {
    ErrorKind.INVALID: InvalidError,
    ErrorKind.API: ApiError,
    ErrorKind.UNAUTHORIZED: UnauthorizedError,
    ErrorKind.FORBIDDEN: ForbiddenError,
    ErrorKind.RATE_LIMITED: RateLimitedError,
    ErrorKind.TRANSPORT: TransportError,
    ErrorKind.DECODE: DecodeError,
    ErrorKind.DEADLINE: DeadlineError,
    ErrorKind.CONFIG: ConfigError,
    ErrorKind.CANCELLED: CancelledError,
}


def from_view(view: Any) -> McaError:
    """The public exception for a flat error view."""
    return _BY_KIND.get(view.kind, McaError)(view)


def config_error(message: str) -> McaError:
    """A ``config`` error raised by the Python layer itself (a clock giving naive datetimes)."""
    return from_view(ErrorView(kind=ErrorKind.CONFIG, message=message, detail=message, violations=[]))
