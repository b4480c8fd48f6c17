"""The Python surface is the core's generated records plus a thin layer: naive datetimes, closing,
user transport exceptions, redaction (no hand-written model types)."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from typing import Any, List

import pytest

import mca_attestation as mca
from mca_attestation import _ffi

ORG = "22222222-2222-4222-8222-222222222222"
RESELLER = "11111111-1111-4111-8111-111111111111"
OPTIONS = mca.ClientOptions(base_url="https://api.example.test", reseller_id=RESELLER, token="t")


def not_found(request: mca.HttpRequest) -> mca.HttpResponse:
    return mca.http_response(404, {"Content-Type": "application/problem+json"}, "{}")


class Sync:
    def __init__(self) -> None:
        self.closed = 0

    def send(self, request: mca.HttpRequest) -> mca.HttpResponse:
        return not_found(request)

    def close(self) -> None:
        self.closed += 1


class Async:
    def __init__(self) -> None:
        self.closed = 0

    async def send(self, request: mca.HttpRequest) -> mca.HttpResponse:
        return not_found(request)

    async def aclose(self) -> None:
        self.closed += 1


def test_public_types_are_the_generated_records() -> None:
    for name in ["Signer", "StartAttestation", "Attestation", "AcceptanceEvidence", "EnsureOutcome",
                 "HttpRequest", "HttpResponse", "FlowEvent", "RefreshOutcome", "Credentials", "Token"]:
        assert getattr(mca, name) is getattr(_ffi, name), name


def test_naive_clock_is_refused_when_the_client_is_built() -> None:
    with pytest.raises(mca.ConfigError, match="no timezone"):
        mca.Client(OPTIONS, clock=lambda: dt.datetime(2030, 1, 1))


def test_token_and_credentials_together_is_a_config_error() -> None:
    creds = mca.Credentials(username="u", password="p", client_auth=mca.ClientAuth.BASIC)
    with pytest.raises(mca.ConfigError) as info:
        mca.Client(mca.ClientOptions(base_url="https://api.example.test", reseller_id=RESELLER, token="t", credentials=creds))
    assert info.value.kind is mca.ErrorKind.CONFIG and "not both" in str(info.value)


def test_with_closes_the_transport() -> None:
    transport = Sync()
    with mca.Client(OPTIONS, transport=transport) as client:
        assert client.get_attestation(ORG) is None
    assert transport.closed == 1


@pytest.mark.asyncio
async def test_async_with_acloses_the_transport() -> None:
    transport = Async()
    async with mca.AsyncClient(OPTIONS, transport=transport) as client:
        assert await client.get_attestation(ORG) is None
    assert transport.closed == 1


class Bug(Exception):
    pass


class BuggyFor:
    """Raises a user exception (not I/O) for one organisation, answers 404 for the others."""

    def __init__(self, org: str) -> None:
        self.org = org

    async def send(self, request: mca.HttpRequest) -> mca.HttpResponse:
        await asyncio.sleep(0.01)
        if self.org in request.url:
            raise Bug(self.org)
        return not_found(request)


@pytest.mark.asyncio
async def test_user_exception_goes_back_to_its_own_call_only() -> None:
    bad = str(uuid.uuid4())
    client = mca.AsyncClient(OPTIONS, transport=BuggyFor(bad))
    orgs = [str(uuid.uuid4()), bad, str(uuid.uuid4())]
    results: List[Any] = await asyncio.gather(*(client.get_attestation(o) for o in orgs), return_exceptions=True)
    assert results[0] is None and results[2] is None
    assert isinstance(results[1], Bug) and str(results[1]) == bad


def test_error_members_come_from_the_core_view() -> None:
    client = mca.Client(OPTIONS, transport=Sync())
    with pytest.raises(mca.InvalidError) as info:
        client.get_attestation("not-a-guid")
    err = info.value
    assert err.view == _ffi.error_view(_ffi.CoreError.Invalid(err.view.violations))
    assert str(err) == err.view.message and err.violations == err.view.violations
    assert [v.pointer for v in err.violations] == ["/organizationId"]


def test_signer_data_is_redacted_in_repr() -> None:
    signer = mca.Signer(first_name="Ada", last_name="Lovelace", email_address="ada@example.com", phone_number="+4670")
    body = mca.StartAttestation(signer=signer, country="SE", acceptance_date="2026-01-01T00:00:00Z")
    for text in (repr(signer), repr(body)):
        assert "Ada" not in text and "ada@example.com" not in text, text
