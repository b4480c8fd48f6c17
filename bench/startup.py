"""Start-up figures of bench/run.sh: wall time of fresh processes, the SDK's and its baseline's
alternating. Prints JSON records (format: bench/README.md).

    python3 startup.py VENV_PYTHON NPM_DIR RUNS    ("-" for VENV_PYTHON or NPM_DIR skips those figures)
"""

import json
import subprocess
import sys
import time

py, npm, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])


def wall_ms(cmd):
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, cwd="/tmp", stdout=subprocess.DEVNULL)
    return (time.perf_counter() - t0) * 1000


def pair(sdk, base):
    wall_ms(sdk), wall_ms(base)  # warm the page cache
    a, b = [], []
    for _ in range(runs):
        a.append(wall_ms(sdk))
        b.append(wall_ms(base))
    return a, b


if py != "-":
    a, b = pair([py, "-c", "import mca_attestation"], [py, "-c", "import httpx, pydantic"])
    print(json.dumps({"id": "py_import", "figure": "`import mca_attestation` (fresh interpreter, wall)", "unit": "ms", "sdk": a, "base": b,
                      "base_name": "`import httpx, pydantic`", "budget": "≤ 0.5×", "budget_ratio": 0.5}))
    # What a sync user pays before the first call: the client class (loads the native library and the
    # generated bindings; the package itself loads them lazily, on first use).
    a, b = pair([py, "-c", "from mca_attestation import Client"], [py, "-c", "import httpx, pydantic"])
    print(json.dumps({"id": "py_import_client", "figure": "`from mca_attestation import Client` (fresh interpreter, wall)", "unit": "ms",
                      "sdk": a, "base": b, "base_name": "`import httpx, pydantic`"}))
    a, b = pair([py, "-c", "pass"], [py, "-c", "pass"])
    print(json.dumps({"id": "py_bare", "figure": "(reference) `python -c pass`", "unit": "ms", "sdk": a, "base": b, "base_name": "the same"}))
if npm != "-":
    a, b = pair(["node", "--input-type=module", "-e", f"import {json.dumps(npm + '/src/node.js')}"], ["node", "-e", ""])
    print(json.dumps({"id": "node_import", "figure": "Node import + wasm init (fresh process, wall)", "unit": "ms", "sdk": a, "base": b,
                      "base_name": "`node -e ''`", "delta": True, "budget": "≤ 30 ms over `node -e ''`"}))
