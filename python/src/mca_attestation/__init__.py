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

from typing import TYPE_CHECKING, Any, Dict, List

if TYPE_CHECKING:  # the names below are loaded on first use (see ``__getattr__``)
    from ._client import AsyncClient, Client, validate_add_csp_service_at, validate_start_attestation_at
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

    __version__: str

__all__: List[str] = [
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


# Where each public name lives: loaded on first access (PEP 562), so ``import mca_attestation``
# loads neither the native library nor asyncio, urllib or httpx. ``_native``: the generated records.
_CLIENT = ("Client", "AsyncClient", "validate_start_attestation_at", "validate_add_csp_service_at")
_ERRORS = (
    "McaError", "InvalidError", "ApiError", "UnauthorizedError", "ForbiddenError",
    "RateLimitedError", "TransportError", "DecodeError", "DeadlineError", "ConfigError",
    "CancelledError",
)
_TRANSPORT = (
    "DEFAULT_REQUEST_TIMEOUT", "MAX_RESPONSE_BYTES", "Header", "HttpRequest", "HttpResponse",
    "http_response", "Transport", "AsyncTransport", "TransportFailure", "TransportTimeout",
    "UrllibTransport", "HttpxTransport", "AsyncHttpxTransport",
)
_HOME: Dict[str, str] = {
    **{name: "._client" for name in _CLIENT},
    **{name: "._errors" for name in _ERRORS},
    **{name: "._transport" for name in _TRANSPORT},
}


def __getattr__(name: str) -> Any:
    import importlib

    if name == "__version__":
        from ._native import _ffi

        value: Any = _ffi.core_version()
    elif name in _HOME:
        value = getattr(importlib.import_module(_HOME[name], __name__), name)
    elif name in __all__:
        from ._native import _ffi

        value = getattr(_ffi, name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> List[str]:
    return sorted(set(globals()) | set(__all__) | {"__version__"})
