"""Cloudmore MCA Partner Attestation API client: one Rust core (through uniffi), used from Python.

>>> from mca_attestation import Client, StartAttestation, Signer
>>> client = Client("https://api.example.com", "<reseller guid>", token="...")  # doctest: +SKIP
>>> client.ensure_accepted(org, StartAttestation(Signer("Ada", "Lovelace", "ada@example.com",
...     "+46 70 123 45 67"), country="SE", acceptance_date=datetime.now(timezone.utc)))  # doctest: +SKIP

``Client`` is blocking, ``AsyncClient`` is for asyncio; both have the same snake_case methods.
Failures raise ``McaError`` subclasses with a stable ``kind``.
"""

from ._client import AsyncClient, Client, Deadline, Seconds
from ._errors import (
    ApiError,
    ConfigError,
    DeadlineError,
    DecodeError,
    ForbiddenError,
    InvalidError,
    McaError,
    RateLimitedError,
    TransportError,
    UnauthorizedError,
)
from ._models import (
    Acceptance,
    AcceptanceEvidence,
    AddCspService,
    Attestation,
    AttestationStarted,
    AttestationStatus,
    Credentials,
    CspServiceAdded,
    EnsureOutcome,
    EnsureStatus,
    FlowEvent,
    FlowKind,
    McaInfo,
    PartnerAttestation,
    PartnerAttestationAcceptance,
    RefreshOutcome,
    Signer,
    StartAttestation,
    Token,
    Violation,
    WaitOutcome,
    WaitStatus,
)
from ._transport import (
    DEFAULT_REQUEST_TIMEOUT,
    MAX_RESPONSE_BYTES,
    AsyncHttpxTransport,
    AsyncTransport,
    HttpRequest,
    HttpResponse,
    HttpxTransport,
    Transport,
    TransportFailure,
    UrllibTransport,
)

from . import _ffi

__version__: str = str(_ffi.core_version())
"""Version of the Rust core (also in the ``User-Agent``)."""

__all__ = [
    "DEFAULT_REQUEST_TIMEOUT",
    "MAX_RESPONSE_BYTES",
    "Client",
    "AsyncClient",
    "Seconds",
    "Deadline",
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
    "Acceptance",
    "AcceptanceEvidence",
    "AddCspService",
    "Attestation",
    "AttestationStarted",
    "AttestationStatus",
    "Credentials",
    "CspServiceAdded",
    "EnsureOutcome",
    "EnsureStatus",
    "FlowEvent",
    "FlowKind",
    "McaInfo",
    "PartnerAttestation",
    "PartnerAttestationAcceptance",
    "RefreshOutcome",
    "Signer",
    "StartAttestation",
    "Token",
    "Violation",
    "WaitOutcome",
    "WaitStatus",
    "HttpRequest",
    "HttpResponse",
    "Transport",
    "AsyncTransport",
    "TransportFailure",
    "UrllibTransport",
    "HttpxTransport",
    "AsyncHttpxTransport",
]
