"""Matrix driver, Python: N concurrent ``ensure_accepted`` calls on ONE ``AsyncClient``
(asyncio.gather), through the installed wheel's public API with its default transport.

Usage: python_async.py BASE_URL RESELLER ORG wait|nowait CALLERS DEADLINE_S
Prints one JSON line: {"clients": 1, "callers": [{"status", "attestationId"} | {"error"}]}.
"""

import asyncio
import datetime as dt
import json
import sys

from mca_attestation import (
    AsyncClient,
    ClientAuth,
    ClientOptions,
    Credentials,
    EnsureAcceptedOptions,
    McaError,
    Signer,
    StartAttestation,
)


def describe(err: BaseException) -> str:
    """`kind[ status][ code]` for SDK errors, the exception type otherwise."""
    if isinstance(err, McaError):
        parts = [err.kind.name.lower()]
        if err.status is not None:
            parts.append(str(err.status))
        if err.code:
            parts.append(err.code)
        return " ".join(parts)
    return f"exception {type(err).__name__}"


async def main() -> None:
    base_url, reseller, org, mode, callers, deadline = sys.argv[1:7]
    client = AsyncClient(
        ClientOptions(
            base_url=base_url,
            reseller_id=reseller,
            credentials=Credentials(
                username="sandbox", password="sandbox", client_auth=ClientAuth.BASIC
            ),
        )
    )
    body = StartAttestation(
        signer=Signer(
            first_name="Ada",
            last_name="Lovelace",
            email_address="ada@example.com",
            phone_number="+46 70 123 45 67",
        ),
        country="SE",
        language="sv-SE",
        acceptance_date=(
            dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)
        ).isoformat(),
    )
    options = EnsureAcceptedOptions(
        wait=(mode == "wait"),
        poll_interval_ms=200,
        max_poll_interval_ms=500,
        deadline_ms=int(float(deadline) * 1000),
    )

    async def one() -> dict:
        try:
            out = await client.ensure_accepted(org, body, options)
            return {"status": out.status.name.lower(), "attestationId": out.attestation_id}
        except BaseException as err:  # noqa: BLE001 - every failure is tabulated
            return {"error": describe(err)}

    results = await asyncio.gather(*(one() for _ in range(int(callers))))
    print(json.dumps({"clients": 1, "callers": results}))


asyncio.run(main())
