"""``McaError`` and one subclass per stable kind, each made from the core's flat error view.

Every member comes from the core's ``ErrorView`` record (``err.view``; also readable as
``err.status``, ``err.code`` …): nothing is re-declared or re-computed here, and the message is the
core's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Optional, Type

from ._native import _ffi
from ._ffi import ErrorKind, ErrorView

if TYPE_CHECKING:
    import asyncio

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
    """Every failure of the SDK. ``kind`` is the core's ``ErrorKind``; ``str(kind)`` style names
    (``kind.name.lower()``) are the stable strings shared by all languages.

    The members of the core's ``ErrorView`` are readable on the error itself: ``message``,
    ``status``, ``code``, ``title``, ``detail``, ``violations``, ``retry_after_ms``, ``trace_id``,
    ``body_excerpt``, ``problem``.
    """

    def __init__(self, view: ErrorView) -> None:
        super().__init__(view.message)
        self.view: ErrorView = view
        """The core's flat error view."""

    @property
    def kind(self) -> ErrorKind:
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


if TYPE_CHECKING:

    class CancelledError(McaError, asyncio.CancelledError):
        """The call was cancelled (asyncio): also an ``asyncio.CancelledError``."""

_CANCELLED: Optional[Type[McaError]] = None


def _cancelled_class() -> Type[McaError]:
    """``CancelledError``, defined on first use: it subclasses ``asyncio.CancelledError``, and
    importing asyncio is a cost sync users do not pay."""
    global _CANCELLED
    if _CANCELLED is None:
        import asyncio

        class CancelledError(McaError, asyncio.CancelledError):
            """The call was cancelled (asyncio): also an ``asyncio.CancelledError``, so task
            cancellation keeps working as asyncio expects."""

        CancelledError.__module__ = __name__
        CancelledError.__qualname__ = "CancelledError"  # found again by name (pickle, repr)
        _CANCELLED = CancelledError
    return _CANCELLED


def __getattr__(name: str) -> Any:
    if name == "CancelledError":
        return _cancelled_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_BY_KIND: Dict[ErrorKind, Type[McaError]] = {
    ErrorKind.INVALID: InvalidError,
    ErrorKind.API: ApiError,
    ErrorKind.UNAUTHORIZED: UnauthorizedError,
    ErrorKind.FORBIDDEN: ForbiddenError,
    ErrorKind.RATE_LIMITED: RateLimitedError,
    ErrorKind.TRANSPORT: TransportError,
    ErrorKind.DECODE: DecodeError,
    ErrorKind.DEADLINE: DeadlineError,
    ErrorKind.CONFIG: ConfigError,
}


def from_view(view: ErrorView) -> McaError:
    """The public exception for a flat error view."""
    if view.kind == ErrorKind.CANCELLED:
        return _cancelled_class()(view)
    return _BY_KIND.get(view.kind, McaError)(view)


def core_error(err: _ffi.CoreError) -> McaError:
    """The public exception for a core error (``mca_attestation._ffi.CoreError.*``)."""
    return from_view(_ffi.error_view(err))


def cancelled() -> McaError:
    """The ``cancelled`` error for an asyncio cancellation (the core's view and message)."""
    return from_view(_ffi.cancelled_view())


def config_error(message: str) -> McaError:
    """A ``config`` error raised by the Python layer itself (a naive datetime)."""
    view = _ffi.error_view(_ffi.CoreError.Config(message))
    return from_view(view)
