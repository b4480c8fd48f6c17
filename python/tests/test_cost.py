"""What keeps a call cheap (issue 13): lazy loading, no clock call-backs without a caller's clock,
and the buffer runtime that replaces the generated one (same wire format, same checks)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from typing import Any, List

import pytest

import mca_attestation as mca
from mca_attestation import _buffers, _client
from mca_attestation._native import _ffi

ORG = "22222222-2222-4222-8222-222222222222"
OPTIONS = mca.ClientOptions(
    base_url="https://api.example.test", reseller_id="11111111-1111-4111-8111-111111111111", token="t"
)
ATTESTATION = (
    '{"attestationId":"33333333-3333-4333-8333-333333333333","status":1,'
    '"signer":{"firstName":"Ada","lastName":"Lovelace","emailAddress":"ada@example.com",'
    '"phoneNumber":"+46701234567"},"expiresAt":"2030-01-01T00:00:00Z"}'
)


def test_import_loads_neither_the_native_library_nor_asyncio() -> None:
    code = (
        "import sys, mca_attestation as m\n"
        "loaded = [n for n in ('mca_attestation._ffi', 'mca_attestation._native', 'asyncio', "
        "'urllib.request', 'http.client', 'httpx') if n in sys.modules]\n"
        "assert not loaded, loaded\n"
        "assert m.Signer is m._native._ffi.Signer\n"
        "assert 'mca_attestation._ffi' in sys.modules\n"
        "print(m.__version__)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == _ffi.core_version()


def test_a_sync_program_never_loads_asyncio() -> None:
    code = (
        "import sys\n"
        "from mca_attestation import Client, ClientOptions, http_response, McaError\n"
        "class T:\n"
        "    def send(self, request):\n"
        "        return http_response(404, {}, '{}')\n"
        "c = Client(ClientOptions(base_url='https://api.example.test', "
        "reseller_id='11111111-1111-4111-8111-111111111111', token='t'), transport=T())\n"
        f"assert c.get_attestation('{ORG}') is None\n"
        "try:\n"
        "    c.get_attestation('not a guid')\n"
        "except McaError as e:\n"
        "    assert e.kind.name == 'INVALID'\n"
        "assert 'asyncio' not in sys.modules, 'asyncio was imported'\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def test_every_public_name_resolves_and_unknown_names_fail() -> None:
    for name in mca.__all__:
        assert getattr(mca, name) is not None, name
    assert set(mca.__all__) <= set(dir(mca))
    with pytest.raises(AttributeError):
        getattr(mca, "NoSuchName")


def test_cancelled_error_is_still_an_asyncio_cancelled_error() -> None:
    import asyncio

    assert issubclass(mca.CancelledError, mca.McaError)
    assert issubclass(mca.CancelledError, asyncio.CancelledError)
    from mca_attestation import _errors

    assert type(_errors.cancelled()) is mca.CancelledError


class _Transport:
    def __init__(self) -> None:
        self.requests: List[mca.HttpRequest] = []

    def send(self, request: mca.HttpRequest) -> mca.HttpResponse:
        self.requests.append(request)
        return mca.http_response(200, {"Content-Type": "application/json"}, ATTESTATION)


def test_without_a_clock_the_core_reads_the_system_clock_without_calling_python(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: List[str] = []
    real_now = _client._BlockingRuntime.now

    def counting_now(self: Any) -> dt.datetime:
        calls.append("now")
        return real_now(self)

    monkeypatch.setattr(_client._BlockingRuntime, "now", counting_now)
    transport = _Transport()
    client = mca.Client(OPTIONS, transport=transport)
    att = client.get_attestation(ORG)
    assert att is not None and att.attestation_id == "33333333-3333-4333-8333-333333333333"
    assert len(transport.requests) == 1
    assert calls == []
    # With a clock of the caller's, the core asks it (each step of the call).
    fixed = dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc)
    mca.Client(OPTIONS, transport=transport, clock=lambda: fixed).get_attestation(ORG)
    assert calls


def test_system_clock_validation_uses_the_current_time() -> None:
    client = mca.Client(OPTIONS, transport=_Transport())
    signer = mca.Signer(first_name="Ada", last_name="Lovelace", email_address="ada@example.com",
                        phone_number="+46 70 123 45 67")
    today = dt.datetime.now(dt.timezone.utc)
    ok = client.validate_start_attestation(
        mca.StartAttestation(signer=signer, country="se", acceptance_date=today.strftime("%Y-%m-%dT%H:%M:%SZ"))
    )
    assert ok.country == "SE"
    with pytest.raises(mca.InvalidError):
        # ten years ahead of the real clock: refused
        later = today + dt.timedelta(days=3650)
        client.validate_start_attestation(
            mca.StartAttestation(signer=signer, country="SE", acceptance_date=later.strftime("%Y-%m-%dT%H:%M:%SZ"))
        )


def test_the_faster_buffer_runtime_is_installed_in_both_generated_modules() -> None:
    for module in (_ffi.mca_attestation, _ffi.mca_uniffi):
        assert module._UniffiRustBufferBuilder.__module__ == _buffers.__name__
        assert module._UniffiRustBufferStream.__module__ == _buffers.__name__


def _round_trip(converter: Any, value: Any) -> Any:
    return converter.lift(converter.lower(value))


@pytest.mark.parametrize(
    "when",
    [
        dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc),
        dt.datetime(1969, 12, 31, 23, 59, 58, 500000, tzinfo=dt.timezone.utc),
        dt.datetime(1, 1, 1, tzinfo=dt.timezone.utc),
        dt.datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=dt.timezone.utc),
        dt.datetime(2026, 11, 24, 10, 30, 0, 123456, tzinfo=dt.timezone(dt.timedelta(hours=1))),
    ],
)
def test_timestamps_round_trip_through_a_rust_buffer(when: dt.datetime) -> None:
    back = _round_trip(_ffi.mca_attestation._UniffiFfiConverterOptionalTypeTimestamp, when)
    assert back == when and back.tzinfo is not None


def test_timestamps_written_by_the_core_are_read_back() -> None:
    att = mca.Client(OPTIONS, transport=_Transport()).get_attestation(ORG)
    assert att is not None
    assert att.expires_at == dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc)


def test_strings_records_and_sequences_round_trip() -> None:
    conv = _ffi.mca_attestation._UniffiFfiConverterTypeHttpResponse
    value = mca.http_response(599, [("X-Ünïcode", "värde ✓"), ("Empty", "")], "{\"a\": \"\U0001f600\"}")
    assert _round_trip(conv, value) == value
    empty = mca.http_response(200, [], "")
    assert _round_trip(conv, empty) == empty


def test_a_buffer_with_bytes_left_over_is_refused_and_freed() -> None:
    m = _ffi.mca_attestation
    builder = m._UniffiRustBufferBuilder()
    m._UniffiFfiConverterString.write("abc", builder)
    builder.write_u8(7)  # one byte more than a string
    rbuf = builder.finalize()
    with pytest.raises(RuntimeError, match="junk data left"):
        m._UniffiConverterRustBuffer.lift.__func__(m._UniffiFfiConverterString, rbuf)


def test_reading_past_the_end_is_an_internal_error() -> None:
    m = _ffi.mca_attestation
    stream = m._UniffiRustBufferStream(b"\x00\x00\x00\x05abc")  # says 5 bytes, has 3
    with pytest.raises(m.InternalError):
        m._UniffiFfiConverterString.read(stream)
    with pytest.raises(m.InternalError):
        m._UniffiRustBufferStream(b"\x00\x00").read_i32()
    negative = m._UniffiRustBufferStream(b"\xff\xff\xff\xff")
    with pytest.raises(m.InternalError, match="negative"):
        m._UniffiFfiConverterString.read(negative)


def test_async_calls_take_no_thread_hops_on_the_loops_thread() -> None:
    import asyncio

    class Answer:
        async def send(self, request: mca.HttpRequest) -> mca.HttpResponse:
            return mca.http_response(200, {"Content-Type": "application/json"}, ATTESTATION)

    async def main() -> int:
        loop = asyncio.get_running_loop()
        hops = []
        real = loop.call_soon_threadsafe

        def counting(*args: Any, **kwargs: Any) -> Any:
            hops.append(args[0])
            return real(*args, **kwargs)

        loop.call_soon_threadsafe = counting  # type: ignore[method-assign]
        client = mca.AsyncClient(OPTIONS, transport=Answer())
        for _ in range(3):
            att = await client.get_attestation(ORG)
            assert att is not None and att.attestation_id == "33333333-3333-4333-8333-333333333333"
        return len(hops)

    assert asyncio.run(main()) == 0


def test_the_lazily_made_cancelled_error_keeps_its_name() -> None:
    import pickle

    from mca_attestation import _errors

    assert mca.CancelledError.__qualname__ == "CancelledError"
    assert mca.CancelledError.__module__ == "mca_attestation._errors"
    assert pickle.loads(pickle.dumps(mca.CancelledError)) is mca.CancelledError
    assert type(_errors.cancelled()) is mca.CancelledError
