"""The shared sandbox scenarios through the component in Python (wasmtime from PyPI), on the
network host (urllib); the sandbox binary runs on a free 127.0.0.1 port and is stopped after.
Also the component's imports (from wasmtime's view of its type) and the instantiate time."""

from __future__ import annotations

import json
import os
import subprocess
import time
import unittest
import urllib.request
import uuid
from typing import Any

import component_host as ch

RUNTIME = ch.Runtime()
TIMING = dict(poll_interval_ms=20, max_poll_interval_ms=100, deadline_ms=20_000, jitter_seed=None)
FAST = ch.rec(**TIMING)


def body() -> Any:
    return ch.start_in({
        "signer": {"firstName": "Ada", "lastName": "Lovelace", "emailAddress": "ada@example.com",
                   "phoneNumber": "+46 70 123 45 67"},
        "country": "SE", "acceptanceDate": "2026-01-01T10:00:00Z",
    })


class Sandbox(unittest.TestCase):
    proc: Any
    url: str

    @classmethod
    def setUpClass(cls) -> None:
        binary = os.environ.get("MCA_SANDBOX_BIN") or str(ch.ROOT / "target" / "debug" / "mca-sandbox")
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

    def open(self) -> Any:
        host = ch.NetHost()
        client = RUNTIME.instantiate(host).open(ch.client_options(
            {"baseUrl": self.url, "resellerId": "11111111-1111-4111-8111-111111111111"},
            {"credentials": {"username": "sandbox", "password": "sandbox"}},
        ))
        return host, client

    def test_imports_are_exactly_the_host_interface(self) -> None:
        ty = RUNTIME.component.type
        imports = sorted(ty.imports(RUNTIME.engine).keys())
        self.assertEqual(imports, ["mca:attestation/host@0.1.0", "mca:attestation/types@0.1.0"])

    def test_instantiate_time(self) -> None:
        t = time.perf_counter()
        ch.Runtime()
        compiled = time.perf_counter() - t
        n = 20
        t = time.perf_counter()
        for _ in range(n):
            RUNTIME.instantiate(ch.NetHost())
        print(f"\npython (wasmtime-py): compile {compiled * 1e3:.1f} ms, instantiate {(time.perf_counter() - t) / n * 1e3:.2f} ms")

    def test_manual_flow(self) -> None:
        org = str(uuid.uuid4())
        host, client = self.open()
        started = client.start_attestation(org, body())
        self.assertEqual(client.get_attestation(org).status, "pending-agreement-acceptance")
        self.admin("POST", f"/_sandbox/orgs/{org}/sign")
        waited = client.wait_for_signature(org, FAST)
        self.assertEqual(waited.status, "signed")
        self.assertEqual(ch.get(waited.attestation, "attestation_id"), ch.get(started, "attestation_id"))
        client.finalize_attestation(org)
        self.assertTrue(client.get_acceptance(org).accepted)
        self.assertTrue(any("connect/token" in r for r in host.sent), "password auth fetched a token")

    def test_ensure_with_the_signer_signing(self) -> None:
        org = str(uuid.uuid4())
        host, client = self.open()
        first = client.ensure_accepted(org, body(), ch.rec(wait=False, confirm_attempts=None, **TIMING))
        self.assertEqual(first.status, "pending")
        self.assertEqual([ch.event_type(e) for e in host.events], ["acceptance_checked", "attestation_started"])
        self.admin("POST", f"/_sandbox/orgs/{org}/sign")
        done = ch.to_json(client.ensure_accepted(org, body(), ch.rec(wait=True, confirm_attempts=None, **TIMING)))
        self.assertEqual(done["status"], "accepted")
        self.assertEqual(done["evidence"]["attestationId"], ch.get(first, "attestation_id"))
        self.assertEqual(self.admin("GET", f"/_sandbox/orgs/{org}/requests")["start_attestation"], 1)

    def test_invalid_input_sends_nothing(self) -> None:
        org = str(uuid.uuid4())
        host, client = self.open()
        bad = ch.to_json(body())
        bad["signer"]["firstName"] = ""
        bad["signer"]["emailAddress"] = "not-an-email"
        bad["country"] = "zz"
        r = ch.call(client, "start_attestation", org, bad)
        self.assertEqual(r["error"]["kind"], "invalid")
        self.assertEqual([v["pointer"] for v in r["error"]["violations"]], ["/signer/firstName", "/signer/emailAddress", "/country"])
        self.assertEqual(ch.call(client, "get_attestation", "not-a-guid")["error"]["kind"], "invalid")
        self.assertEqual(host.sent, [])
        self.assertEqual(sum(self.admin("GET", f"/_sandbox/orgs/{org}/requests").values()), 0)


if __name__ == "__main__":
    unittest.main()
