"""``McaError`` and one subclass per stable ``kind``, built from the core's error."""

from __future__ import annotations

import datetime as _dt
from typing import Any, Dict, List, Optional, Type

from . import _ffi
from ._ffi import Violation

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
]


class McaError(Exception):
    """Every failure of the SDK. ``kind`` is the stable string shared by all languages.

    Members not carried by a kind are ``None`` (``violations`` is then empty).
    """

    kind: str = "unknown"

    def __init__(
        self,
        message: str,
        *,
        status: Optional[int] = None,
        code: Optional[str] = None,
        title: Optional[str] = None,
        detail: Optional[str] = None,
        violations: Optional[List[Violation]] = None,
        retry_after: Optional[_dt.timedelta] = None,
        trace_id: Optional[str] = None,
        type_uri: Optional[str] = None,
        instance: Optional[str] = None,
        body_excerpt: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.message: str = message
        """Human-readable summary (no secrets, no signer details)."""
        self.status: Optional[int] = status
        """HTTP status, for API errors and decode errors."""
        self.code: Optional[str] = code
        """Cloudmore error code."""
        self.title: Optional[str] = title
        """Problem title."""
        self.detail: Optional[str] = detail
        """Problem detail (for non-JSON bodies: an excerpt)."""
        self.violations: List[Violation] = list(violations or [])
        """Client-side violations (``invalid``) or the server's field errors."""
        self.retry_after: Optional[_dt.timedelta] = retry_after
        """Delay from ``Retry-After``."""
        self.trace_id: Optional[str] = trace_id
        """``traceId`` of the server."""
        self.type_uri: Optional[str] = type_uri
        """Problem ``type`` URI."""
        self.instance: Optional[str] = instance
        """Problem ``instance`` URI."""
        self.body_excerpt: Optional[str] = body_excerpt
        """First characters of an undecodable body (``decode``)."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}(kind={self.kind!r}, status={self.status!r}, message={self.message!r})"


class InvalidError(McaError):
    """Client-side validation failed; nothing was sent. ``violations`` lists every problem."""

    kind = "invalid"


class ApiError(McaError):
    """The API answered with an error (problem details, a legacy body or an HTML page)."""

    kind = "api"


class UnauthorizedError(McaError):
    """401: the token is missing, expired or wrong, or the credentials were refused."""

    kind = "unauthorized"


class ForbiddenError(McaError):
    """403: the caller may not act on this reseller or organisation."""

    kind = "forbidden"


class RateLimitedError(McaError):
    """429 where it is an error; see ``retry_after``."""

    kind = "rate_limited"


class TransportError(McaError):
    """No response arrived (connection, DNS, TLS, timeout, dropped connection)."""

    kind = "transport"


class DecodeError(McaError):
    """A response arrived but could not be understood."""

    kind = "decode"


class DeadlineError(McaError):
    """The caller's deadline passed before the flow finished."""

    kind = "deadline"


class ConfigError(McaError):
    """The client is misconfigured (base URL, reseller id, credentials)."""

    kind = "config"


_BY_VARIANT: Dict[str, Type[McaError]] = {
    "Invalid": InvalidError,
    "Api": ApiError,
    "Unauthorized": UnauthorizedError,
    "Forbidden": ForbiddenError,
    "RateLimited": RateLimitedError,
    "Transport": TransportError,
    "Decode": DecodeError,
    "Deadline": DeadlineError,
    "Config": ConfigError,
}


def core_error(err: Any) -> McaError:
    """The public exception for a core error (``mca_attestation._ffi.Error.*``)."""
    cls = _BY_VARIANT.get(type(err).__name__, McaError)
    message = str(_ffi.describe_error(err))
    problem = getattr(err, "problem", None)
    if problem is not None:
        retry_after = getattr(err, "retry_after", None) or problem.retry_after
        return cls(
            message,
            status=problem.status,
            code=problem.code,
            title=problem.title,
            detail=problem.detail,
            violations=list(problem.errors),
            retry_after=retry_after,
            trace_id=problem.trace_id,
            type_uri=problem.type_uri,
            instance=problem.instance,
        )
    if cls is InvalidError:
        return cls(message, violations=list(err.violations))
    if cls is DecodeError:
        return cls(message, status=err.status, body_excerpt=err.body_excerpt)
    return cls(message)
