"""AsyncClient inside a running asyncio loop: concurrent calls and cancellation."""

from __future__ import annotations

import asyncio
import uuid

import pytest

import mca_attestation as mca
from conftest import Sandbox


class SlowTransport:
    def __init__(self) -> None:
        self.started = 0
        self.cancelled = 0

    async def send(self, request: mca.HttpRequest) -> mca.HttpResponse:
        self.started += 1
        try:
            await asyncio.sleep(0.2)
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        return mca.http_response(404, {"Content-Type": "application/problem+json"}, "{}")


def options(url: str) -> mca.ClientOptions:
    credentials = mca.Credentials(username="sandbox", password="sandbox", client_auth=mca.ClientAuth.BASIC)
    return mca.ClientOptions(base_url=url, reseller_id=str(uuid.uuid4()), credentials=credentials)


class CancelsItself:
    """A transport whose exchange is cancelled from inside (not by the caller's task)."""

    async def send(self, request: mca.HttpRequest) -> mca.HttpResponse:
        raise asyncio.CancelledError()


@pytest.mark.asyncio
async def test_transport_cancellation_is_the_cancelled_kind() -> None:
    client = mca.AsyncClient(
        mca.ClientOptions(base_url="https://api.example.test", reseller_id=str(uuid.uuid4()), token="t"),
        transport=CancelsItself(),
    )
    with pytest.raises(mca.CancelledError) as info:
        await client.get_attestation(str(uuid.uuid4()))
    assert info.value.kind is mca.ErrorKind.CANCELLED
    assert info.value.view.kind is mca.ErrorKind.CANCELLED


@pytest.mark.asyncio
async def test_concurrent_calls_overlap() -> None:
    transport = SlowTransport()
    client = mca.AsyncClient(mca.ClientOptions(base_url="https://api.example.test", reseller_id=str(uuid.uuid4()), token="t"), transport=transport)
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    results = await asyncio.gather(*(client.get_attestation(str(uuid.uuid4())) for _ in range(5)))
    assert results == [None] * 5
    assert transport.started == 5
    assert loop.time() - t0 < 0.8  # five 0.2 s requests ran concurrently, not one after another


@pytest.mark.asyncio
async def test_cancellation_reaches_the_transport() -> None:
    transport = SlowTransport()
    client = mca.AsyncClient(mca.ClientOptions(base_url="https://api.example.test", reseller_id=str(uuid.uuid4()), token="t"), transport=transport)
    task = asyncio.ensure_future(client.get_attestation(str(uuid.uuid4())))
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError) as info:
        await task
    # The core's `cancelled` kind, and still an asyncio.CancelledError.
    assert isinstance(info.value, mca.McaError) and info.value.kind is mca.ErrorKind.CANCELLED
    await asyncio.sleep(0.05)
    assert transport.started == 1 and transport.cancelled == 1


@pytest.mark.asyncio
async def test_default_async_transport_against_sandbox(sandbox: Sandbox) -> None:
    client = mca.AsyncClient(options(sandbox.url))
    assert isinstance(client.transport, mca.AsyncHttpxTransport)
    assert await client.get_attestation(str(uuid.uuid4())) is None


def test_sync_httpx_transport_against_sandbox(sandbox: Sandbox) -> None:
    client = mca.Client(
        options(sandbox.url), transport=mca.HttpxTransport()
    )
    assert client.get_attestation(str(uuid.uuid4())) is None
