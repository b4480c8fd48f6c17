"""`mypy --strict` on consumer.py, against the installed wheel (py.typed, typed public API)."""

from __future__ import annotations

import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent


def test_mypy_strict_on_consumer() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(HERE / "consumer.py")],
        capture_output=True,
        text=True,
        cwd=HERE,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success" in result.stdout


def test_mypy_strict_rejects_a_type_error(tmp_path: pathlib.Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import mca_attestation as mca\n"
        "c = mca.Client(mca.ClientOptions(base_url='https://x.test', reseller_id='r', token='t'))\n"
        "x: int = c.get_attestation('o')\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(bad)], capture_output=True, text=True
    )
    assert result.returncode == 1, result.stdout
    assert "Incompatible types in assignment" in result.stdout
