"""The component's costs in Python (wasmtime-py, through the package mca_attestation_component),
next to the uniffi wheel (mca_attestation) in the same process, samples interleaved. Prints JSON
records of bench/run.sh (format: bench/README.md).

    python component.py [--quick]
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any, Callable, Dict, List

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "..", "fixtures.json"), encoding="utf-8") as f:
    FX = json.load(f)
QUICK = "--quick" in sys.argv

t0 = time.perf_counter()
import mca_attestation_component as comp  # noqa: E402  (compiles the component)

IMPORT_MS = (time.perf_counter() - t0) * 1e3
import mca_attestation as uni  # noqa: E402


def emit(rec: Dict[str, Any]) -> None:
    print(json.dumps(rec), flush=True)


def batch(fn: Callable[[], Any], iters: int) -> float:
    t = time.perf_counter_ns()
    for _ in range(iters):
        fn()
    return (time.perf_counter_ns() - t) / 1000 / iters


def answer(m: Any, request: Any) -> Any:
    method = getattr(request.method, "name", request.method)
    body = FX["startResponse"] if method == "POST" else FX["attestationResponse"]
    return m.http_response(200, {"Content-Type": "application/json"}, body)


class CompMemory:
    def send(self, request: Any) -> Any:
        return answer(comp, request)


class UniMemory:
    def send(self, request: Any) -> Any:
        return answer(uni, request)


def start_input(m: Any) -> Any:
    i, s = FX["startInput"], FX["startInput"]["signer"]
    return m.StartAttestation(signer=m.Signer(first_name=s["firstName"], last_name=s["lastName"],
                                              email_address=s["emailAddress"], phone_number=s["phoneNumber"]),
                              country=i["country"], acceptance_date=i["acceptanceDate"], language=i["language"])


def comp_client() -> Any:
    return comp.Client(comp.ClientOptions(base_url=FX["baseUrl"], reseller_id=FX["resellerId"],
                                          token=FX["token"]), transport=CompMemory())


def uni_client() -> Any:
    return uni.Client(uni.ClientOptions(base_url=FX["baseUrl"], reseller_id=FX["resellerId"], token=FX["token"]),
                      transport=UniMemory())


def check(started: Any, att: Any) -> None:
    status = str(getattr(att.status, "name", att.status)).lower() if att is not None else ""
    if not started.attestation_id or status != "pending_agreement_acceptance":
        raise SystemExit(f"bad parse: {att!r}")


def main() -> None:
    samples, iters, warm = (3, 5, 5) if QUICK else (30, 100, 300)
    # A client: the component's instance + `client.open`, next to the uniffi client's construction.
    n = 5 if QUICK else 50
    a: List[float] = []
    b: List[float] = []
    for _ in range(samples):
        a.append(batch(comp_client, n) / 1000)
        b.append(batch(uni_client, n) / 1000)
    emit({"id": "component_instantiate_python", "figure": "component instantiate + `client.open`, Python wasmtime-py 50 (`Client(...)`)",
          "unit": "ms", "sdk": a, "base": b, "base_name": "uniffi wheel `Client(...)`",
          "extra": f"(compile at import: {IMPORT_MS:.0f} ms)"})

    org = FX["org"]
    c, u = comp_client(), uni_client()
    ci, ui = start_input(comp), start_input(uni)

    def comp_op() -> None:
        check(c.start_attestation(org, ci), c.get_attestation(org))

    def uni_op() -> None:
        check(u.start_attestation(org, ui), u.get_attestation(org))

    for _ in range(warm):
        comp_op()
        uni_op()
    a, b = [], []
    for _ in range(samples):
        a.append(batch(comp_op, iters))
        b.append(batch(uni_op, iters))
    emit({"id": "component_one_op_python", "figure": "component, the same op, Python wasmtime-py (`mca_attestation_component.Client`), no network",
          "unit": "µs", "sdk": a, "base": b, "base_name": "uniffi wheel `Client` (same in-memory transport)"})


main()
