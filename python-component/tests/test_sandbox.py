"""The shared sandbox scenarios through the installed package (Client and AsyncClient on the
default urllib transport); the sandbox binary runs on a free 127.0.0.1 port and is stopped after."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import unittest
import urllib.request
import uuid
from typing import Any, List, Tuple

import mca_attestation_component as mca
from support import ROOT, event_type

RESELLER = "11111111-1111-4111-8111-111111111111"
TIMING = dict(poll_interval_ms=20, max_poll_interval_ms=100, deadline_ms=20_000)
FAST = mca.WaitOptions(**TIMING)


def body() -> Any:
    return mca.StartAttestation(
        signer=mca.Signer(first_name="Ada", last_name="Lovelace", email_address="ada@example.com",
                          phone_number="+46 70 123 45 67"),
        country="SE", acceptance_date="2026-01-01T10:00:00Z")


class Recording(mca.UrllibTransport):
    """The default transport, remembering what it sent."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: List[str] = []

    def send(self, request: Any) -> Any:
        self.sent.append(f"{request.method} {request.url}")
        return super().send(request)


class Sandbox(unittest.TestCase):
    proc: Any
    url: str

    @classmethod
    def setUpClass(cls) -> None:
        binary = os.environ.get("MCA_SANDBOX_BIN") or str(ROOT / "target" / "debug" / "mca-sandbox")
        cls.proc = subprocess.Popen([binary, "--host", "127.0.0.1", "--port", "0", "--sync-seconds", "1"],
                                    stdout=subprocess.PIPE, text=True)
        line = cls.proc.stdout.readline().strip()
        prefix = "mca-sandbox listening on "
        if not line.startswith(prefix):
            cls.proc.kill()
            raise RuntimeError(f"sandbox did not start: {line!r}")
        cls.url = line[len(prefix):].rstrip("/")

    @classmethod
    def tearDownClass(cls) -> None:
        cls.proc.terminate()
        cls.proc.wait(timeout=10)

    def admin(self, method: str, path: str) -> Any:
        req = urllib.request.Request(self.url + path, method=method, data=b"" if method == "POST" else None)
        with urllib.request.urlopen(req, timeout=10) as resp:
            text = resp.read().decode()
        return json.loads(text) if text.strip() else None

    def options(self) -> Any:
        return mca.ClientOptions(base_url=self.url, reseller_id=RESELLER, credentials=
            mca.Credentials(username="sandbox", password="sandbox", client_auth=mca.ClientAuth.BASIC))

    def open(self) -> Tuple[Recording, List[Any], Any]:
        transport, events = Recording(), []  # type: ignore[var-annotated]
        return transport, events, mca.Client(self.options(), transport=transport, on_event=events.append)

    def test_manual_flow(self) -> None:
        org = str(uuid.uuid4())
        transport, _, client = self.open()
        with client:
            started = client.start_attestation(org, body())
            self.assertEqual(client.get_attestation(org).status, mca.AttestationStatus.PENDING_AGREEMENT_ACCEPTANCE)
            self.assertIsNotNone(started.expires_at.tzinfo)
            self.admin("POST", f"/_sandbox/orgs/{org}/sign")
            waited = client.wait_for_signature(org, FAST)
            self.assertIs(waited.status, mca.WaitStatus.SIGNED)
            self.assertEqual(waited.attestation.attestation_id, started.attestation_id)
            client.finalize_attestation(org)
            self.assertTrue(client.get_acceptance(org).accepted)
        self.assertTrue(any("connect/token" in r for r in transport.sent), "password auth fetched a token")

    def test_manual_flow_async(self) -> None:
        org = str(uuid.uuid4())

        async def run() -> Any:
            async with mca.AsyncClient(self.options()) as client:
                started = await client.start_attestation(org, body())
                self.admin("POST", f"/_sandbox/orgs/{org}/sign")
                waited = await client.wait_for_signature(org, FAST)
                self.assertEqual(waited.attestation.attestation_id, started.attestation_id)
                await client.finalize_attestation(org)
                return await client.get_acceptance(org)

        self.assertTrue(asyncio.run(run()).accepted)

    def test_ensure_with_the_signer_signing(self) -> None:
        org = str(uuid.uuid4())
        _, events, client = self.open()
        first = client.ensure_accepted(org, body(), mca.EnsureAcceptedOptions(wait=False, **TIMING))
        self.assertIs(first.status, mca.EnsureStatus.PENDING)
        self.assertEqual([event_type(e) for e in events], ["acceptance_checked", "attestation_started"])
        self.assertIsInstance(events[1], mca.FlowEvent.ATTESTATION_STARTED)
        self.assertEqual(events[1].attestation_id, first.attestation_id)
        self.admin("POST", f"/_sandbox/orgs/{org}/sign")
        done = client.ensure_accepted(org, body(), mca.EnsureAcceptedOptions(wait=True, **TIMING))
        self.assertIs(done.status, mca.EnsureStatus.ACCEPTED)
        self.assertEqual(done.evidence.attestation_id, first.attestation_id)
        self.assertIs(done.evidence.flow, mca.FlowKind.MANUAL)
        self.assertEqual(self.admin("GET", f"/_sandbox/orgs/{org}/requests")["start_attestation"], 1)

    def test_invalid_input_sends_nothing(self) -> None:
        org = str(uuid.uuid4())
        transport, _, client = self.open()
        bad = body()
        bad.signer.first_name = ""
        bad.signer.email_address = "not-an-email"
        bad.country = "zz"
        with self.assertRaises(mca.InvalidError) as caught:
            client.start_attestation(org, bad)
        self.assertEqual([v.pointer for v in caught.exception.violations], ["/signer/firstName", "/signer/emailAddress", "/country"])
        self.assertNotIn("Ada", str(caught.exception))
        with self.assertRaises(mca.InvalidError):
            client.get_attestation("not-a-guid")
        self.assertEqual(transport.sent, [])
        self.assertEqual(sum(self.admin("GET", f"/_sandbox/orgs/{org}/requests").values()), 0)

    def test_transport_failure_is_transport_error(self) -> None:
        # Nothing listens on the sandbox's port once a fresh socket is closed: urllib fails, the
        # core retries the read and gives up with kind `transport`.
        import socket

        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        client = mca.Client(mca.ClientOptions(base_url=f"http://127.0.0.1:{port}", reseller_id=RESELLER,
                                              token="t"), sleep=lambda s: None)
        with self.assertRaises(mca.TransportError):
            client.get_acceptance(str(uuid.uuid4()))


if __name__ == "__main__":
    unittest.main()
