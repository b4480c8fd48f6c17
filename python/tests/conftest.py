"""Fixtures: the sandbox server (built with cargo, started on port 0 on 127.0.0.1, stopped after)."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import urllib.request
import uuid
from typing import Any, Dict, Iterator, List, Optional

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _sandbox_binary() -> pathlib.Path:
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target")
    subprocess.run(
        ["cargo", "build", "-q", "-p", "mca-sandbox"],
        cwd=ROOT,
        check=True,
        env={**os.environ, "CARGO_TARGET_DIR": str(target)},
    )
    return target / "debug" / "mca-sandbox"


class Sandbox:
    """A running sandbox with helpers for its admin endpoints."""

    def __init__(self, binary: pathlib.Path, *args: str) -> None:
        self.proc = subprocess.Popen(
            [str(binary), "--host", "127.0.0.1", "--port", "0", *args],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().strip()
        prefix = "mca-sandbox listening on "
        if not line.startswith(prefix):
            self.proc.kill()
            raise RuntimeError(f"sandbox did not start: {line!r}")
        self.url = line[len(prefix) :]

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def admin(self, method: str, path: str, body: Optional[Dict[str, Any]] = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=10) as resp:
            text = resp.read().decode()
        return json.loads(text) if text.strip() else None

    def sign(self, org: str) -> Any:
        return self.admin("POST", f"/_sandbox/orgs/{org}/sign")

    def requests(self, org: str) -> Dict[str, int]:
        counts: Dict[str, int] = self.admin("GET", f"/_sandbox/orgs/{org}/requests")
        return counts

    def fault(self, **spec: Any) -> Any:
        return self.admin("POST", "/_sandbox/faults", spec)


@pytest.fixture(scope="session")
def sandbox_binary() -> pathlib.Path:
    return _sandbox_binary()


@pytest.fixture(scope="session")
def sandbox(sandbox_binary: pathlib.Path) -> Iterator[Sandbox]:
    box = Sandbox(sandbox_binary, "--sync-seconds", "5")
    try:
        yield box
    finally:
        box.stop()


@pytest.fixture(scope="session")
def short_token_sandbox(sandbox_binary: pathlib.Path) -> Iterator[Sandbox]:
    box = Sandbox(sandbox_binary, "--token-ttl", "2")
    try:
        yield box
    finally:
        box.stop()


@pytest.fixture
def org() -> str:
    """A fresh organisation per test (sandbox state is per organisation)."""
    return str(uuid.uuid4())


@pytest.fixture(autouse=True)
def _no_leftover_faults(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "sandbox" in request.fixturenames:
        box: Sandbox = request.getfixturevalue("sandbox")
        box.admin("DELETE", "/_sandbox/faults")


collect_ignore: List[str] = []
