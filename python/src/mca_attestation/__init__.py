"""Cloudmore MCA Partner Attestation API client: one Rust core (through uniffi), used from Python.

>>> from mca_attestation import Client, ClientOptions, StartAttestation, Signer
>>> client = Client(ClientOptions(base_url="https://api.example.com", reseller_id="<reseller guid>",
...     token="..."))  # doctest: +SKIP
>>> signer = Signer(first_name="Ada", last_name="Lovelace", email_address="ada@example.com",
...     phone_number="+46 70 123 45 67")
>>> client.ensure_accepted(org, StartAttestation(signer=signer, country="SE",
...     acceptance_date="2026-11-24T09:30:00Z"))  # doctest: +SKIP

``Client`` is blocking, ``AsyncClient`` is for asyncio; both have the same snake_case methods.
Values (``Signer``, ``StartAttestation``, ``Attestation``, …) are the Rust core's records, generated
by uniffi: keyword constructors, ``datetime`` instants, redacted ``repr`` for signer data and secrets.
Failures raise ``McaError`` subclasses with a stable ``kind``.
"""

from ._client import AsyncClient, Client
from ._errors import (
    ApiError,
    CancelledError,
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
# The API's values are the core's generated records and enums, under their public names.
from ._ffi import (
    Acceptance,
    AcceptanceEvidence,
    AddCspService,
    Attestation,
    AttestationStarted,
    AttestationStatus,
    ClientAuth,
    ClientOptions,
    Credentials,
    CspServiceAdded,
    EnsureAcceptedOptions,
    EnsureOutcome,
    ErrorKind,
    ErrorView,
    EnsureStatus,
    FlowEvent,
    FlowKind,
    McaInfo,
    Method,
    Op,
    PartnerAttestation,
    PartnerAttestationAcceptance,
    Problem,
    RefreshOutcome,
    Signer,
    StartAttestation,
    Token,
    Violation,
    WaitOptions,
    WaitOutcome,
    WaitStatus,
)
from ._transport import (
    DEFAULT_REQUEST_TIMEOUT,
    MAX_RESPONSE_BYTES,
    AsyncHttpxTransport,
    AsyncTransport,
    Header,
    HttpRequest,
    HttpResponse,
    HttpxTransport,
    http_response,
    Transport,
    TransportFailure,
    TransportTimeout,
    UrllibTransport,
)

from . import _ffi
from ._client import validate_add_csp_service_at, validate_start_attestation_at

__version__: str = _ffi.core_version()
"""Version of the Rust core (also in the ``User-Agent``)."""

__all__ = [
    "DEFAULT_REQUEST_TIMEOUT",
    "MAX_RESPONSE_BYTES",
    "Client",
    "AsyncClient",
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
    "ClientAuth",
    "ClientOptions",
    "EnsureAcceptedOptions",
    "ErrorKind",
    "ErrorView",
    "WaitOptions",
    "Method",
    "Op",
    "Problem",
    "Header",
    "http_response",
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
    "TransportTimeout",
    "validate_start_attestation_at",
    "validate_add_csp_service_at",
    "UrllibTransport",
    "HttpxTransport",
    "AsyncHttpxTransport",
]
