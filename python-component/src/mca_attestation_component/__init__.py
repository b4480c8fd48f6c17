"""Cloudmore MCA Partner Attestation API client: the Rust core as one WebAssembly component, run by
``wasmtime`` (pure Python: every OS and CPU that wasmtime has a wheel for).

>>> from mca_attestation_component import Client, ClientOptions, StartAttestation, Signer
>>> client = Client(ClientOptions(base_url="https://api.example.com", reseller_id="<reseller guid>",
...     token="..."))  # doctest: +SKIP
>>> signer = Signer(first_name="Ada", last_name="Lovelace", email_address="ada@example.com",
...     phone_number="+46 70 123 45 67")
>>> client.ensure_accepted(org, StartAttestation(signer=signer, country="SE",
...     acceptance_date="2026-11-24T09:30:00Z"))  # doctest: +SKIP

The public names are those of the native uniffi package ``mca_attestation`` (``Client``,
``AsyncClient``, ``McaError`` and its subclasses by kind, the validators, the records and enums);
the records, enums and variants are made at import from the component's own WIT types
(``_values``), so their fields are the component's (see README.md for the differences).
"""

from typing import List

from ._component import loaded as _loaded
from ._client import AsyncClient, Client, _Call, _validator, validate_add_csp_service_at, validate_start_attestation_at
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
from ._transport import (
    AsyncTransport,
    Transport,
    TransportFailure,
    TransportTimeout,
    UrllibTransport,
    http_response,
)

_TYPES = _loaded().types.classes
# Every record, enum and variant of the component's WIT, under its public name (Signer,
# StartAttestation, ErrorView, ErrorKind, FlowEvent, WaitOptions, HttpRequest, Credentials, …).
globals().update(_TYPES)

__version__: str = str(_validator().run(_Call(), "version"))
"""Version of the Rust core inside the component."""

__all__: List[str] = sorted(
    [
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
        "http_response",
        "Transport",
        "AsyncTransport",
        "TransportFailure",
        "TransportTimeout",
        "UrllibTransport",
        "validate_start_attestation_at",
        "validate_add_csp_service_at",
    ]
    + list(_TYPES)
)

