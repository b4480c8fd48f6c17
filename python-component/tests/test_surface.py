"""The installed package's surface: the uniffi package's public names, the wheel's content (pure
Python + the component), the component's imports, errors from transports and clocks, cancellation,
redacted reprs, and the instantiate time."""

from __future__ import annotations

import ast
import asyncio
import datetime as dt
import importlib.metadata
import time
import unittest
from typing import Any

import mca_attestation_component as mca
from mca_attestation_component._component import loaded
from support import ROOT, signer

# Public names of the uniffi package the component's WIT does not have (README.md, "Differences").
NOT_IN_COMPONENT = {
    "DEFAULT_REQUEST_TIMEOUT",  # constants of the core, not exported by the WIT
    "MAX_RESPONSE_BYTES",
    "Method",  # the WIT's http-request has the method and op as strings
    "Op",
    "Problem",  # the WIT's error-view has no problem member
    "HttpxTransport",  # optional httpx transports: the component package depends on wasmtime only
    "AsyncHttpxTransport",
}

OPTIONS = mca.ClientOptions(base_url="https://api.example.test", reseller_id="11111111-1111-4111-8111-111111111111",
                            token="secret-token")


def uniffi_names() -> set:  # type: ignore[type-arg]
    tree = ast.parse((ROOT / "python" / "src" / "mca_attestation" / "__init__.py").read_text())
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        if targets and node.value is not None and any(getattr(t, "id", None) == "__all__" for t in targets):  # type: ignore[attr-defined]
            return set(ast.literal_eval(node.value))  # type: ignore[attr-defined]
    raise AssertionError("no __all__ in the uniffi package")


class Surface(unittest.TestCase):
    def test_same_public_names_as_the_uniffi_package(self) -> None:
        names = uniffi_names()
        self.assertEqual(names - set(mca.__all__), NOT_IN_COMPONENT)
        for name in names - NOT_IN_COMPONENT:
            self.assertTrue(hasattr(mca, name), name)

    def test_wheel_is_pure_python_plus_the_component(self) -> None:
        files = [str(f) for f in importlib.metadata.files("mca-attestation-component") or []]
        self.assertIn("mca_attestation_component/mca_attestation.wasm", files)
        native = [f for f in files if f.endswith((".so", ".pyd", ".dylib", ".dll"))]
        self.assertEqual(native, [])
        wheel = importlib.metadata.distribution("mca-attestation-component").read_text("WHEEL") or ""
        self.assertIn("Tag: py3-none-any", wheel)

    def test_imports_are_exactly_the_host_interface(self) -> None:
        self.assertEqual(loaded().imports, ["mca:attestation/host@0.1.0", "mca:attestation/types@0.1.0"])

    def test_version_is_the_cores(self) -> None:
        self.assertEqual(mca.__version__, importlib.metadata.version("mca-attestation-component"))

    def test_a_transports_own_exception_is_re_raised_unchanged(self) -> None:
        class Boom(Exception):
            pass

        class Raising:
            def send(self, request: Any) -> Any:
                raise Boom("from the transport")

        client = mca.Client(OPTIONS, transport=Raising())
        with self.assertRaises(Boom):
            client.get_acceptance("11111111-1111-4111-8111-111111111111")

    def test_a_naive_clock_is_a_config_error(self) -> None:
        with self.assertRaises(mca.ConfigError):
            mca.Client(OPTIONS, clock=lambda: dt.datetime(2026, 1, 1))

    def test_cancelling_the_task_ends_the_call_as_cancelled(self) -> None:
        sent = []

        class Hanging:
            async def send(self, request: Any) -> Any:
                sent.append(request.url)
                await asyncio.sleep(30)
                raise AssertionError("not cancelled")

        async def run() -> BaseException:
            client = mca.AsyncClient(OPTIONS, transport=Hanging())
            task = asyncio.ensure_future(client.get_acceptance("11111111-1111-4111-8111-111111111111"))
            while not sent:
                await asyncio.sleep(0.01)
            task.cancel()
            try:
                await task
            except BaseException as err:  # noqa: BLE001
                return err
            raise AssertionError("no error")

        t = time.monotonic()
        err = asyncio.run(run())
        self.assertLess(time.monotonic() - t, 10)
        self.assertIsInstance(err, asyncio.CancelledError)
        self.assertIsInstance(err, mca.CancelledError)
        self.assertIs(err.kind, mca.ErrorKind.CANCELLED)  # type: ignore[attr-defined]
        self.assertEqual(len(sent), 1, "a cancelled call is not retried")

    def test_reprs_hide_secrets_and_signer_data(self) -> None:
        text = repr(mca.ClientOptions(base_url="https://x.test", reseller_id="r", credentials=
            mca.Credentials(username="u-name", password="pw-123", client_secret="cs-456", client_auth=mca.ClientAuth.BODY)))
        text += repr(OPTIONS) + repr(signer({"firstName": "Ada", "emailAddress": "ada@example.com", "phoneNumber": "+4670"}))
        for secret in ("u-name", "pw-123", "cs-456", "secret-token", "Ada", "ada@example.com", "+4670"):
            self.assertNotIn(secret, text)

    def test_records_and_variants_behave_like_the_uniffi_ones(self) -> None:
        self.assertEqual(mca.WaitOptions(), mca.WaitOptions(deadline_ms=None))
        self.assertEqual(mca.EnsureAcceptedOptions(), mca.EnsureAcceptedOptions(wait=None, poll_interval_ms=None))
        with self.assertRaises(TypeError):
            mca.Signer(first_name="only one")
        with self.assertRaises(TypeError):
            mca.FlowEvent(True)
        self.assertTrue(mca.RefreshOutcome.ALREADY_RUNNING(5000).is_already_running())
        self.assertEqual(mca.ErrorKind.RATE_LIMITED.name.lower(), "rate_limited")

    def test_instantiate_time(self) -> None:
        n = 20
        t = time.perf_counter()
        for _ in range(n):
            mca.Client(OPTIONS)
        print(f"\nmca_attestation_component: Client() (instantiate + open) {(time.perf_counter() - t) / n * 1e3:.2f} ms")


if __name__ == "__main__":
    unittest.main()
