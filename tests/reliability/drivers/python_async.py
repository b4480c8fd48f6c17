"""Matrix driver, Python: N concurrent ``ensure_accepted`` calls on ONE ``AsyncClient``
(asyncio.gather), through the installed wheel's public API with its default transport.

Usage: python_async.py BASE_URL RESELLER ORG wait|nowait CALLERS DEADLINE_S
Prints one JSON line: {"clients": 1, "callers": [{"status", "attestationId"} | {"error"}]}.
"""

import asyncio
import datetime as dt
import json
import sys

from mca_attestation import AsyncClient, Credentials, McaError, Signer, StartAttestation


def describe(err: BaseException) -> str:
    """`kind[ status][ code]` for SDK errors, the exception type otherwise."""
    if isinstance(err, McaError):
        parts = [err.kind]
        if err.status is not None:
            parts.append(str(err.status))
        if err.code:
            parts.append(err.code)
        return " ".join(parts)
    return f"exception {type(err).__name__}"


async def main() -> None:
    base_url, reseller, org, mode, callers, deadline = sys.argv[1:7]
    client = AsyncClient(
        base_url, reseller, credentials=Credentials(username="sandbox", password="sandbox")
    )
    body = StartAttestation(
        Signer("Ada", "Lovelace", "ada@example.com", "+46 70 123 45 67"),
        country="SE",
        language="sv-SE",
        acceptance_date=dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1),
    )

    async def one() -> dict:
        try:
            out = await client.ensure_accepted(
                org,
                body,
                wait=(mode == "wait"),
                initial_interval=0.2,
                max_interval=0.5,
                deadline=float(deadline),
            )
            return {"status": out.status.value, "attestationId": out.attestation_id}
        except BaseException as err:  # noqa: BLE001 - every failure is tabulated
            return {"error": describe(err)}

    results = await asyncio.gather(*(one() for _ in range(int(callers))))
    print(json.dumps({"clients": 1, "callers": results}))


asyncio.run(main())
