"""Python benchmarks of bench/run.sh: the wheel (mca_attestation) next to the pydantic v2 + httpx peer
(bench/peers/pydantic_client.py) and raw urllib / httpx calls, in one process, samples interleaved.
Prints one JSON record per figure (format: bench/README.md).

    python bench.py ops [--quick]
    python bench.py loopback URL TOKEN ORG [--quick]
    python bench.py rss URL TOKEN ORG [--quick]     (1,000 concurrent calls, a fresh process each)
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import subprocess
import sys
import time
import urllib.request
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "peers"))

import httpx  # noqa: E402
import mca_attestation as mca  # noqa: E402
from pydantic_client import PeerClient, httpx_send  # noqa: E402

with open(os.path.join(HERE, "..", "fixtures.json"), encoding="utf-8") as f:
    FX = json.load(f)
ARGS = [a for a in sys.argv[1:] if a != "--quick"]
QUICK = "--quick" in sys.argv


def emit(rec: Dict[str, Any]) -> None:
    print(json.dumps(rec), flush=True)


# The no-network figures time CPU (time.process_time_ns: this process, all threads), not the wall:
# they are single-threaded and CPU-bound, and on the shared 2-core machine the wall clock mostly
# measures the other sessions (runs of the same build differed 3× in wall time, far less in CPU).
# The loopback figures involve a server and the network, so they stay on the wall clock.
CPU = time.process_time_ns
WALL = time.perf_counter_ns


def batch(fn: Callable[[], Any], iters: int, clock: Callable[[], int] = WALL) -> float:
    t0 = clock()
    for _ in range(iters):
        fn()
    return (clock() - t0) / 1000 / iters


def compare(sdk: Callable[[], Any], base: Callable[[], Any], samples: int, iters: int, warm: int,
            clock: Callable[[], int] = WALL) -> Tuple[List[float], List[float]]:
    for _ in range(warm):
        sdk()
        base()
    a: List[float] = []
    b: List[float] = []
    for _ in range(samples):
        a.append(batch(sdk, iters, clock))
        b.append(batch(base, iters, clock))
    return a, b


def _answer(request: mca.HttpRequest) -> mca.HttpResponse:
    body = FX["startResponse"] if request.method == "POST" else FX["attestationResponse"]
    return mca.http_response(200, {"Content-Type": "application/json"}, body)


def opts(base_url: str, token: str) -> mca.ClientOptions:
    """The core's client options with a static bearer token."""
    return mca.ClientOptions(base_url=base_url, reseller_id=FX["resellerId"], token=token)


class FakeTransport:
    """Answers from memory: the start answer for POST, the attestation for GET."""

    def send(self, request: mca.HttpRequest) -> mca.HttpResponse:
        return _answer(request)


class AsyncFakeTransport:
    async def send(self, request: mca.HttpRequest) -> mca.HttpResponse:
        return _answer(request)


def fake_send(method: str, url: str, headers: Dict[str, str], body: Optional[str]) -> Tuple[int, str]:
    return 200, FX["startResponse"] if method == "POST" else FX["attestationResponse"]


def sdk_input() -> mca.StartAttestation:
    i = FX["startInput"]
    s = i["signer"]
    return mca.StartAttestation(
        signer=mca.Signer(
            first_name=s["firstName"], last_name=s["lastName"],
            email_address=s["emailAddress"], phone_number=s["phoneNumber"],
        ),
        country=i["country"],
        acceptance_date=i["acceptanceDate"],
        language=i["language"],
    )


def check(started: Any, att: Any) -> None:
    status = str(getattr(att.status, "name", att.status)).lower() if att is not None else ""
    if not started.attestation_id or status != "pending_agreement_acceptance":
        raise SystemExit(f"bad parse: {att!r}")


def ops() -> None:
    samples, iters, warm = (3, 5, 5) if QUICK else (30, 100, 300)
    org, data = FX["org"], FX["startInput"]
    sdk = mca.Client(opts(FX["baseUrl"], FX["token"]), transport=FakeTransport())
    peer = PeerClient(FX["baseUrl"], FX["resellerId"], FX["token"], fake_send)
    body = sdk_input()

    def sdk_op() -> None:
        check(sdk.start_attestation(org, body), sdk.get_attestation(org))

    def peer_op() -> None:
        check(peer.start_attestation(org, data), peer.get_attestation(org))

    a, b = compare(sdk_op, peer_op, samples, iters, warm, CPU)
    emit({"id": "py_one_op_sync", "figure": "Python, the same op, sync `Client` (CPU time)", "unit": "µs", "sdk": a, "base": b,
          "base_name": "pydantic v2 models (bench/peers/pydantic_client.py)", "budget": "≤ 1.0×", "budget_ratio": 1.0})

    asdk = mca.AsyncClient(opts(FX["baseUrl"], FX["token"]), transport=AsyncFakeTransport())
    loop = asyncio.new_event_loop()

    async def async_batch(n: int) -> None:
        for _ in range(n):
            check(await asdk.start_attestation(org, body), await asdk.get_attestation(org))

    def async_sample(n: int) -> float:
        t0 = CPU()
        loop.run_until_complete(async_batch(n))
        return (CPU() - t0) / 1000 / n

    async_sample(warm)
    batch(peer_op, warm)
    a, b = [], []
    for _ in range(samples):
        a.append(async_sample(iters))
        b.append(batch(peer_op, iters, CPU))
    loop.close()
    emit({"id": "py_one_op_async", "figure": "Python, the same op, `AsyncClient` (CPU time)", "unit": "µs", "sdk": a, "base": b,
          "base_name": "pydantic v2 models"})


def loopback(url: str, token: str, org: str) -> None:
    n, warm = (20, 5) if QUICK else (1000, 100)
    acceptance = f"{url}/api/resellers/{FX['resellerId']}/organizations/{org}/services/csp/mca/acceptance"
    headers = {"authorization": "Bearer " + token, "accept": "application/json"}

    def ok(r: Any) -> None:
        if not isinstance(r.accepted if hasattr(r, "accepted") else r["accepted"], bool):
            raise SystemExit("bad acceptance")

    sdk_urllib = mca.Client(opts(url, token))

    def raw_urllib() -> None:
        with urllib.request.urlopen(urllib.request.Request(acceptance, headers=headers)) as resp:
            ok(json.loads(resp.read().decode("utf-8")))

    a, b = compare(lambda: ok(sdk_urllib.get_acceptance(org)), raw_urllib, n, 1, warm)
    emit({"id": "py_get_acceptance_urllib", "figure": "Python, `get_acceptance` on loopback, urllib (sync `Client` default)",
          "unit": "µs", "sdk": a, "base": b, "base_name": "raw `urllib.request` + `json.loads`", "budget": "≤ 1.05×", "budget_ratio": 1.05})

    with httpx.Client() as hc, httpx.Client() as raw:
        sdk_httpx = mca.Client(opts(url, token), transport=mca.HttpxTransport(hc))

        def raw_httpx() -> None:
            ok(json.loads(raw.get(acceptance, headers=headers).text))

        a, b = compare(lambda: ok(sdk_httpx.get_acceptance(org)), raw_httpx, n, 1, warm)
    emit({"id": "py_get_acceptance_httpx", "figure": "Python, `get_acceptance` on loopback, httpx (`HttpxTransport`)",
          "unit": "µs", "sdk": a, "base": b, "base_name": "raw `httpx.Client.get` + `json.loads`", "budget": "≤ 1.05×", "budget_ratio": 1.05})

    with httpx.Client() as pc:
        peer = PeerClient(url, FX["resellerId"], token, httpx_send(pc))
        sdk2 = mca.Client(opts(url, token), transport=mca.HttpxTransport(httpx.Client()))
        a, b = compare(lambda: ok(sdk2.get_acceptance(org)), lambda: ok(peer.get_acceptance(org)), n, 1, warm)
    emit({"id": "py_get_acceptance_peer", "figure": "Python, `get_acceptance` on loopback, httpx, vs the pydantic + httpx peer",
          "unit": "µs", "sdk": a, "base": b, "base_name": "pydantic v2 + httpx peer"})


def rss_child(url: str, token: str, org: str, which: str, calls: int) -> None:
    # One connection per call for both (httpx's default pool of 100 connections makes 1,000 queued
    # calls quadratic in httpcore: ~70 s here, for the SDK and the peer alike).
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=None)

    async def main() -> List[Any]:
        if which == "sdk":
            async with httpx.AsyncClient(limits=limits) as shared:
                client = mca.AsyncClient(opts(url, token), transport=mca.AsyncHttpxTransport(shared))
                return await asyncio.gather(*(client.get_acceptance(org) for _ in range(calls)))
        async with httpx.AsyncClient(limits=limits, timeout=30) as hc:
            peer_headers = {"authorization": "Bearer " + token, "accept": "application/json"}
            acceptance = f"{url}/api/resellers/{FX['resellerId']}/organizations/{org}/services/csp/mca/acceptance"

            async def one() -> Any:
                from pydantic_client import Acceptance

                r = await hc.get(acceptance, headers=peer_headers)
                return Acceptance.model_validate_json(r.text)

            return await asyncio.gather(*(one() for _ in range(calls)))

    results = asyncio.run(main())
    if len(results) != calls or any(not isinstance(r.accepted, bool) for r in results):
        raise SystemExit("bad acceptance")
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def rss(url: str, token: str, org: str) -> None:
    reps, calls = (1, 100) if QUICK else (1, 1000)
    a: List[float] = []
    b: List[float] = []
    for _ in range(reps):
        for which, out in (("sdk", a), ("peer", b)):
            child = subprocess.run([sys.executable, os.path.abspath(__file__), "rss-child", url, token, org, which, str(calls)],
                                   capture_output=True, text=True)
            if child.returncode != 0:
                sys.exit(f"rss child ({which}) failed:\n{child.stderr[-2000:]}")
            out.append(int(child.stdout.strip()) / 1024)
    emit({"id": "py_rss_1000", "figure": f"Python, peak RSS of a process making {calls:,} concurrent `AsyncClient.get_acceptance` calls",
          "unit": "MiB", "sdk": a, "base": b, "base_name": "pydantic v2 + httpx `AsyncClient`"})


if __name__ == "__main__":
    mode = ARGS[0] if ARGS else ""
    if mode == "ops":
        ops()
    elif mode == "loopback":
        loopback(*ARGS[1:4])
    elif mode == "rss":
        rss(*ARGS[1:4])
    elif mode == "rss-child":
        rss_child(*ARGS[1:5], int(ARGS[5]))
    else:
        sys.exit("usage: bench.py ops|loopback|rss ...")
