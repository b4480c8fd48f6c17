"""Matrix driver, CLI: N concurrent `mca attestation ensure` processes (one client each), as a shell
script of a partner would run them. Standard library only.

Usage: cli.py MCA_BIN BASE_URL RESELLER ORG wait|nowait CALLERS DEADLINE_S
Prints one JSON line: {"clients": N, "callers": [{"status", "attestationId"} | {"error"}]}.
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

BODY = {
    "signer": {
        "firstName": "Ada",
        "lastName": "Lovelace",
        "emailAddress": "ada@example.com",
        "phoneNumber": "+46 70 123 45 67",
    },
    "language": "sv-SE",
    "country": "SE",
}


def describe(error: dict) -> str:
    """`kind[ status][ code]` from the CLI's flat JSON error."""
    parts = [str(error.get("kind", "unknown"))]
    if error.get("status") is not None:
        parts.append(str(error["status"]))
    if error.get("code"):
        parts.append(str(error["code"]))
    return " ".join(parts)


def outcome(proc: subprocess.Popen) -> dict:
    out, err = proc.communicate()
    try:
        data = json.loads(out.strip().splitlines()[-1]) if out.strip() else {}
    except json.JSONDecodeError:
        data = {}
    if "error" in data and isinstance(data["error"], dict):
        return {"error": describe(data["error"])}
    if proc.returncode == 0 and "status" in data:
        return {"status": data["status"], "attestationId": data.get("attestationId")}
    # Anything else (a panic, a crash): the exit code, never the output (it may hold data).
    return {"error": f"exit {proc.returncode}"}


def main() -> None:
    mca, base_url, reseller, org, mode, callers, deadline = sys.argv[1:8]
    with tempfile.TemporaryDirectory() as tmp:
        body = Path(tmp) / "start.json"
        body.write_text(json.dumps(BODY))
        args = [
            mca, "--json", "--base-url", base_url, "--reseller-id", reseller,
            "--username", "sandbox", "--password", "sandbox",
            "attestation", "ensure", "--org", org, "--input", str(body), "--acceptance-date", "now",
            "--interval-ms", "200", "--max-interval-ms", "500", "--timeout-after", deadline,
        ]
        if mode != "wait":
            args.append("--no-wait")
        procs = [
            subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(int(callers))
        ]
        results = [outcome(p) for p in procs]
    print(json.dumps({"clients": int(callers), "callers": results}))


main()
