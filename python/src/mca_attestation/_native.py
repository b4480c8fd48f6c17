"""The generated bindings (``_ffi``), loaded with the faster buffer runtime of ``_buffers``.

Every module of the package that calls into the core imports ``_ffi`` through here, so the native
library and the generated code are loaded on first use (``import mca_attestation`` alone does not
load them) and the buffer runtime is installed once, before the first call.
"""

from __future__ import annotations

from . import _ffi
from ._buffers import install

install(_ffi.mca_attestation, "mca_attestation")
install(_ffi.mca_uniffi, "mca_uniffi")

__all__ = ["_ffi"]
