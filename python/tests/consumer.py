"""A partner's code using every public method; `mypy --strict` must accept it (test_typing.py)."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import List, Optional

import mca_attestation as mca
from mca_attestation import (
    Acceptance,
    AsyncClient,
    Attestation,
    AttestationStarted,
    Client,
    CspServiceAdded,
    EnsureOutcome,
    FlowEvent,
    HttpRequest,
    HttpResponse,
    McaError,
    RefreshOutcome,
    StartAttestation,
    Token,
    WaitOutcome,
)

ORG = "22222222-2222-4222-8222-222222222222"


class MyTransport:
    def __init__(self) -> None:
        self.inner = mca.UrllibTransport(timeout=5.0)

    def send(self, request: HttpRequest) -> HttpResponse:
        return self.inner.send(request)


class MyAsyncTransport:
    async def send(self, request: HttpRequest) -> HttpResponse:
        return mca.http_response(404, {"Content-Type": "application/problem+json"}, "{}")


def body() -> StartAttestation:
    signer = mca.Signer(
        first_name="Ada", last_name="Lovelace", email_address="ada@example.com", phone_number="+46 70 123 45 67"
    )
    return StartAttestation(signer=signer, country="SE", acceptance_date=dt.datetime.now(dt.timezone.utc).isoformat())


def csp() -> mca.AddCspService:
    pa = mca.PartnerAttestation(signer=body().signer, country="SE", acceptance_date="2026-11-24T09:30:00Z")
    return mca.AddCspService(
        currency_code="SEK", contact_email="it@example.com", domain_prefix="contoso", partner_attestation=pa
    )


def on_event(event: FlowEvent) -> None:
    if isinstance(event, FlowEvent.ATTESTATION_STARTED):
        print(event.attestation_id, event.expires_at.isoformat())
    print(event.is_signed())


def sync_usage(base_url: str, reseller: str) -> Optional[str]:
    with Client(mca.ClientOptions(base_url=base_url, reseller_id=reseller, token="t")) as closed:
        print(closed.base_url)
    options = mca.ClientOptions(
        base_url=base_url,
        reseller_id=reseller,
        credentials=mca.Credentials(
            username="user", password="secret", client_id="id", client_secret="s", client_auth=mca.ClientAuth.BASIC
        ),
        user_agent="acme/1.0",
        correlation_id="run-1",
        request_timeout_ms=10_000,
        retry_max_attempts=2,
    )
    client = Client(options, transport=MyTransport(), on_event=on_event)
    normal: StartAttestation = client.validate_start_attestation(body())
    csp_normal: mca.AddCspService = client.validate_add_csp_service(csp())
    org: str = client.normalize_organization_id(ORG.upper())
    token: Token = client.token()
    started: AttestationStarted = client.start_attestation(org, normal)
    found: Optional[Attestation] = client.get_attestation(org)
    waited: WaitOutcome = client.wait_for_signature(org, mca.WaitOptions(poll_interval_ms=1000, deadline_ms=300_000))
    client.finalize_attestation(org)
    acceptance: Acceptance = client.get_acceptance(org)
    refreshed: RefreshOutcome = client.refresh_acceptance(org)
    added: CspServiceAdded = client.add_csp_service(org, csp_normal)
    outcome: EnsureOutcome = client.ensure_accepted(org, body(), mca.EnsureAcceptedOptions(wait=False))
    evidence: Optional[str] = outcome.evidence.to_json() if outcome.evidence else None
    expires: dt.datetime = started.expires_at
    retry = refreshed.retry_after if isinstance(refreshed, RefreshOutcome.ALREADY_RUNNING) else None
    print(token.expires_at, found, waited.status.name, acceptance.via_direct(), retry)
    print(added.status, expires.isoformat(), client.base_url, client.user_agent)
    return evidence


async def async_usage(base_url: str, reseller: str) -> List[str]:
    options = mca.ClientOptions(base_url=base_url, reseller_id=reseller, token="t")
    async with AsyncClient(options) as closed:
        print(closed.user_agent)
    client = AsyncClient(options, transport=MyAsyncTransport(), sleep=asyncio.sleep)
    threaded = AsyncClient(options, transport=MyTransport())
    org = client.normalize_organization_id(ORG)
    results: List[str] = []
    try:
        normal = client.validate_start_attestation(body())
        client.validate_add_csp_service(csp())
        started = await client.start_attestation(org, normal)
        found = await client.get_attestation(org)
        waited = await client.wait_for_signature(org, mca.WaitOptions(deadline_ms=0))
        await client.finalize_attestation(org)
        acceptance = await client.get_acceptance(org)
        refreshed = await client.refresh_acceptance(org)
        added = await client.add_csp_service(org, csp())
        outcome = await client.ensure_accepted(org, body())
        token = await threaded.token()
        results += [started.attestation_id, str(found), waited.status.name, str(acceptance.accepted)]
        results += [str(refreshed.is_started()), str(added.evidence), outcome.status.name, token.token_type]
    except McaError as err:
        view: mca.ErrorView = err.view
        kind: mca.ErrorKind = err.kind
        results.append(f"{kind.name} {view.status} {view.code} {view.title} {view.detail} {view.trace_id}")
        results += [v.pointer or "" for v in view.violations]
        if view.retry_after_ms is not None:
            results.append(str(view.retry_after_ms / 1000))
        if isinstance(err, mca.InvalidError):
            results.append("invalid")
    return results
