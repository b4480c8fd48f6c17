"""A faster byte-buffer runtime for the uniffi-generated modules (``_ffi.mca_attestation``,
``_ffi.mca_uniffi``), installed once when the package loads them.

The generated code moves every record across the boundary as a ``RustBuffer``, written and read
field by field. Its own helpers do that with a ``contextlib`` context manager, a ``ctypes.memmove``
into Rust memory and a ``struct.pack`` per field, and may grow the Rust buffer with a foreign call
mid-record; reading slices a ``ctypes`` pointer per field. Profiled (issue 13), that was most of a
call's time. The replacements below keep the generated converters (the records, enums and their
wire format are untouched) and change only where the bytes live:

- writing appends to a ``bytearray`` and copies it into one Rust buffer of the exact size at the end
  (one allocation, one ``memmove``);
- reading copies the Rust buffer into ``bytes`` once (``ctypes.string_at``) and unpacks from it with
  precompiled ``struct.Struct``s;
- ``lift``/``lower`` are plain functions instead of generator-based context managers.

The checks stay: reading past the end raises the generated ``InternalError``, bytes left over raise
``RuntimeError``, a lifted buffer is freed even when reading fails, a negative length is refused by
the generated converters as before.
"""

from __future__ import annotations

import ctypes
import datetime as _dt
import struct
from types import ModuleType
from typing import Any, Callable

_I8 = struct.Struct(">b")
_U8 = struct.Struct(">B")
_I16 = struct.Struct(">h")
_U16 = struct.Struct(">H")
_I32 = struct.Struct(">i")
_U32 = struct.Struct(">I")
_I64 = struct.Struct(">q")
_U64 = struct.Struct(">Q")
_F32 = struct.Struct(">f")
_F64 = struct.Struct(">d")
_SIZE_T = struct.Struct("@N")
_EPOCH = _dt.datetime.fromtimestamp(0, tz=_dt.timezone.utc)
_string_at = ctypes.string_at
_memmove = ctypes.memmove


def install(module: ModuleType, prefix: str) -> None:
    """Replaces the buffer helpers of one generated module (``prefix``: its FFI symbol prefix,
    e.g. ``mca_attestation`` for ``ffi_mca_attestation_rustbuffer_alloc``)."""
    lib = module._UniffiLib
    rust_buffer = module._UniffiRustBuffer
    call_status = module._UniffiRustCallStatus
    internal_error = module.InternalError
    check_status = module._uniffi_check_call_status
    alloc_fn = getattr(lib, f"ffi_{prefix}_rustbuffer_alloc")
    free_fn = getattr(lib, f"ffi_{prefix}_rustbuffer_free")
    byref = ctypes.byref

    def alloc(size: int) -> Any:
        status = call_status()
        buf = alloc_fn(size, byref(status))
        if status.code:
            check_status(None, status)
        return buf

    def free(buf: Any) -> None:
        status = call_status()
        free_fn(buf, byref(status))
        if status.code:
            check_status(None, status)

    class Stream:
        """Reads one lifted buffer from a ``bytes`` copy of it."""

        __slots__ = ("data", "len", "offset")

        def __init__(self, data: bytes) -> None:
            self.data = data
            self.len = len(data)
            self.offset = 0

        @classmethod
        def from_rust_buffer(cls, buf: Any) -> "Stream":
            return cls(_string_at(buf.data, buf.len) if buf.len else b"")

        def remaining(self) -> int:
            return self.len - self.offset

        def _take(self, size: int) -> int:
            start = self.offset
            end = start + size
            if end > self.len:
                raise internal_error("read past end of rust buffer")
            self.offset = end
            return start

        def read(self, size: int) -> bytes:
            start = self._take(size)
            return self.data[start : start + size]

        def read_string(self) -> str:
            """A length-prefixed UTF-8 string (the generated ``String.read`` in one step)."""
            data = self.data
            start = self.offset + 4
            if start > self.len:
                raise internal_error("read past end of rust buffer")
            size = _I32.unpack_from(data, start - 4)[0]
            if size < 0:
                raise internal_error("Unexpected negative string length")
            end = start + size
            if end > self.len:
                raise internal_error("read past end of rust buffer")
            self.offset = end
            return data[start:end].decode("utf-8")

        def read_i8(self) -> int:
            return int(_I8.unpack_from(self.data, self._take(1))[0])

        def read_u8(self) -> int:
            return int(_U8.unpack_from(self.data, self._take(1))[0])

        def read_i16(self) -> int:
            return int(_I16.unpack_from(self.data, self._take(2))[0])

        def read_u16(self) -> int:
            return int(_U16.unpack_from(self.data, self._take(2))[0])

        def read_i32(self) -> int:
            return int(_I32.unpack_from(self.data, self._take(4))[0])

        def read_u32(self) -> int:
            return int(_U32.unpack_from(self.data, self._take(4))[0])

        def read_i64(self) -> int:
            return int(_I64.unpack_from(self.data, self._take(8))[0])

        def read_u64(self) -> int:
            return int(_U64.unpack_from(self.data, self._take(8))[0])

        def read_float(self) -> float:
            return float(_F32.unpack_from(self.data, self._take(4))[0])

        def read_double(self) -> float:
            return float(_F64.unpack_from(self.data, self._take(8))[0])

    class Builder:
        """Writes one lowered value into a ``bytearray``; ``finalize`` makes the Rust buffer."""

        __slots__ = ("buf",)

        def __init__(self) -> None:
            self.buf = bytearray()

        def finalize(self) -> Any:
            data = bytes(self.buf)
            size = len(data)
            rbuf = alloc(size)
            if size:
                _memmove(rbuf.data, data, size)
            rbuf.len = size
            return rbuf

        def discard(self) -> None:
            self.buf = bytearray()

        def write(self, value: bytes) -> None:
            self.buf += value

        def write_string(self, value: str) -> None:
            """A length-prefixed UTF-8 string (the generated ``String.write`` in one step)."""
            data = value.encode("utf-8")
            self.buf += _I32.pack(len(data))
            self.buf += data

        def write_i8(self, v: int) -> None:
            self.buf += _I8.pack(v)

        def write_u8(self, v: int) -> None:
            self.buf += _U8.pack(v)

        def write_i16(self, v: int) -> None:
            self.buf += _I16.pack(v)

        def write_u16(self, v: int) -> None:
            self.buf += _U16.pack(v)

        def write_i32(self, v: int) -> None:
            self.buf += _I32.pack(v)

        def write_u32(self, v: int) -> None:
            self.buf += _U32.pack(v)

        def write_i64(self, v: int) -> None:
            self.buf += _I64.pack(v)

        def write_u64(self, v: int) -> None:
            self.buf += _U64.pack(v)

        def write_float(self, v: float) -> None:
            self.buf += _F32.pack(v)

        def write_double(self, v: float) -> None:
            self.buf += _F64.pack(v)

        def write_c_size_t(self, v: int) -> None:
            self.buf += _SIZE_T.pack(v)

    def consume(buf: Any, read: Callable[[Any], Any]) -> Any:
        """Reads a whole owned buffer with ``read`` and frees it (also when reading fails)."""
        try:
            stream = Stream.from_rust_buffer(buf)
            value = read(stream)
            if stream.offset != stream.len:
                raise RuntimeError(
                    f"junk data left in buffer at end of consume_with_stream {stream.remaining()}"
                )
            return value
        finally:
            # The buffer's own module frees it: an async call of one namespace may return a
            # buffer that the other namespace's converter reads.
            buf.free()

    def lift(cls: Any, buf: Any) -> Any:
        return consume(buf, cls.read)

    def lower(cls: Any, value: Any) -> Any:
        builder = Builder()
        cls.write(value, builder)
        return builder.finalize()

    class _Consume:
        """``consume_with_stream`` without a generator."""

        __slots__ = ("rbuf", "stream")

        def __init__(self, rbuf: Any) -> None:
            self.rbuf = rbuf

        def __enter__(self) -> Stream:
            try:
                self.stream = Stream.from_rust_buffer(self.rbuf)
            except BaseException:
                self.rbuf.free()
                raise
            return self.stream

        def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
            try:
                if exc_type is None and self.stream.offset != self.stream.len:
                    raise RuntimeError(
                        "junk data left in buffer at end of consume_with_stream "
                        f"{self.stream.remaining()}"
                    )
            finally:
                self.rbuf.free()

    class _Read:
        """``read_with_stream`` (borrowed buffer, not freed) without a generator."""

        __slots__ = ("stream",)

        def __init__(self, rbuf: Any) -> None:
            self.stream = Stream.from_rust_buffer(rbuf)

        def __enter__(self) -> Stream:
            return self.stream

        def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
            if exc_type is None and self.stream.offset != self.stream.len:
                raise RuntimeError(
                    f"junk data left in buffer at end of read_with_stream {self.stream.remaining()}"
                )

    class _Alloc:
        """``alloc_with_builder`` without a generator (nothing to free: the bytes are Python's
        until ``finalize``)."""

        __slots__ = ()

        def __enter__(self) -> Builder:
            return Builder()

        def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
            return None

    def rust_call_with_error(error_ffi_converter: Any, fn: Any, *args: Any) -> Any:
        # As generated, with a zero-initialised status (the generated ``default()`` builds two
        # ctypes structures per call to the same effect) and the check only on failure.
        status = call_status()
        result = fn(*args, byref(status))
        if status.code:
            check_status(error_ffi_converter, status)
        return result

    def rust_call(fn: Any, *args: Any) -> Any:
        return rust_call_with_error(None, fn, *args)

    module._uniffi_rust_call_with_error = rust_call_with_error
    module._uniffi_rust_call = rust_call
    module._UniffiRustBufferStream = Stream
    module._UniffiRustBufferBuilder = Builder
    rust_buffer.alloc = staticmethod(alloc)
    rust_buffer.free = free
    rust_buffer.alloc_with_builder = staticmethod(lambda *args: _Alloc())
    rust_buffer.consume_with_stream = _Consume
    rust_buffer.read_with_stream = _Read
    module._UniffiConverterRustBuffer.lift = classmethod(lift)
    module._UniffiConverterRustBuffer.lower = classmethod(lower)

    string = module._UniffiFfiConverterString

    def read_all(stream: Any) -> str:
        return str(stream.read(stream.remaining()).decode("utf-8"))

    def lift_string(buf: Any) -> str:
        return str(consume(buf, read_all))

    def lower_string(value: str) -> Any:
        builder = Builder()
        builder.write(value.encode("utf-8"))
        return builder.finalize()

    string.lift = staticmethod(lift_string)
    string.lower = staticmethod(lower_string)
    def write_string(value: str, builder: Any) -> None:
        builder.write_string(value)

    string.read = staticmethod(Stream.read_string)
    string.write = staticmethod(write_string)

    timestamp = getattr(module, "_UniffiFfiConverterTimestamp", None)
    if timestamp is not None:
        timestamp.read = staticmethod(_read_timestamp)
        timestamp.write = staticmethod(_write_timestamp)


def _read_timestamp(buf: Any) -> _dt.datetime:
    # As generated (OverflowError for out-of-range seconds), with the epoch computed once.
    seconds = buf.read_i64()
    microseconds = buf.read_u32() / 1000
    if seconds >= 0:
        return _EPOCH + _dt.timedelta(seconds=seconds, microseconds=microseconds)
    return _EPOCH - _dt.timedelta(seconds=-seconds, microseconds=microseconds)


def _write_timestamp(value: _dt.datetime, buf: Any) -> None:
    if value >= _EPOCH:
        sign = 1
        delta = value - _EPOCH
    else:
        sign = -1
        delta = _EPOCH - value
    seconds = delta.seconds + delta.days * 24 * 3600
    buf.write_i64(sign * seconds)
    buf.write_u32(delta.microseconds * 1000)
