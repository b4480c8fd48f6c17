"""The asyncio glue of the generated bindings without thread hops (installed by ``AsyncClient``).

The generated code drives every Rust future and every call of a Python ``async def`` from Rust as if
the other side ran on another thread: each wake-up of a Rust future goes through
``loop.call_soon_threadsafe`` (a write to the loop's self-pipe and one more turn of the loop), and
each foreign call through ``asyncio.run_coroutine_threadsafe`` (the same, plus a
``concurrent.futures.Future`` chained to the task). Here the core runs no thread of its own: the
wake-ups and the foreign calls happen on the loop's thread, inside a call the loop made. Profiled
(issue 13), that was 12 turns of the loop, 6 self-pipe writes and reads per operation.

The replacements keep the generated protocol (the poll / complete / free calls, the handle maps,
the dropped-future callback, cancellation) and only take the short way when the caller is on the
loop's own thread: the wake-up resolves the asyncio future directly, a Rust future that is ready at
the first poll is not awaited, and a foreign call becomes ``loop.create_task``. From any other thread
they do what the generated code does.
"""

from __future__ import annotations

import asyncio
import itertools
import sys
import traceback
from types import ModuleType
from typing import Any, Callable, Dict, Tuple

_INSTALLED: Dict[str, bool] = {}


def _set_result(future: "asyncio.Future[int]", poll_code: int) -> None:
    if not future.done():
        future.set_result(poll_code)


def install(module: ModuleType) -> None:
    """Replaces the async helpers of one generated module (idempotent)."""
    if _INSTALLED.get(module.__name__):
        return
    ready = module._UNIFFI_RUST_FUTURE_POLL_READY
    call_with_error = module._uniffi_rust_call_with_error
    get_event_loop = module._uniffi_get_event_loop
    handle_map = module._UNIFFI_FOREIGN_FUTURE_HANDLE_MAP
    dropped_struct = module._UniffiForeignFutureDroppedCallbackStruct
    dropped_callback = module._uniffi_future_dropped_callback
    call_status = module._UniffiRustCallStatus
    string = module._UniffiFfiConverterString
    running_loop = asyncio._get_running_loop
    waiting: Dict[int, Tuple[asyncio.AbstractEventLoop, "asyncio.Future[int]"]] = {}
    handles = itertools.count(1)

    @module._UNIFFI_RUST_FUTURE_CONTINUATION_CALLBACK  # type: ignore[misc]
    def continuation(handle: int, poll_code: int) -> None:
        entry = waiting.pop(handle, None)
        if entry is None:
            return
        loop, future = entry
        if running_loop() is loop:
            _set_result(future, poll_code)
        else:
            loop.call_soon_threadsafe(_set_result, future, poll_code)

    async def rust_call_async(
        rust_future: Any,
        ffi_poll: Callable[..., Any],
        ffi_complete: Callable[..., Any],
        ffi_free: Callable[..., Any],
        lift_func: Callable[[Any], Any],
        error_ffi_converter: Any,
    ) -> Any:
        try:
            loop = get_event_loop()
            while True:
                future: "asyncio.Future[int]" = loop.create_future()
                handle = next(handles)
                waiting[handle] = (loop, future)
                ffi_poll(rust_future, continuation, handle)
                # Woken during the poll (ready at once, or the wake-up came on this thread): no
                # turn of the loop needed.
                poll_code = future.result() if future.done() else await future
                if poll_code == ready:
                    break
            return lift_func(call_with_error(error_ffi_converter, ffi_complete, rust_future))
        finally:
            ffi_free(rust_future)

    def unexpected(handle_error: Callable[[int, Any], None], e: Exception) -> None:
        print("UniFFI: Unhandled exception in trait interface call", file=sys.stderr)
        traceback.print_exc(file=sys.stderr)
        handle_error(call_status.CALL_UNEXPECTED_ERROR, string.lower(repr(e)))

    def start(coro: Any, out_dropped: Any) -> None:
        loop = get_event_loop()
        task: Any
        if running_loop() is loop:
            task = loop.create_task(coro)
        else:
            task = asyncio.run_coroutine_threadsafe(coro, loop)
        handle = handle_map.insert((loop, task))
        out_dropped[0] = dropped_struct(handle, dropped_callback)

    def trait_call_async(
        make_call: Callable[[], Any],
        out_dropped: Any,
        handle_success: Callable[[Any], None],
        handle_error: Callable[[int, Any], None],
    ) -> None:
        # As generated: exactly one of handle_success / handle_error is called.
        async def call() -> None:
            try:
                result = await make_call()
            except Exception as e:  # noqa: BLE001 - reported to Rust as generated
                unexpected(handle_error, e)
            else:
                handle_success(result)

        start(call(), out_dropped)

    def trait_call_async_with_error(
        make_call: Callable[[], Any],
        out_dropped: Any,
        handle_success: Callable[[Any], None],
        handle_error: Callable[[int, Any], None],
        error_type: Any,
        lower_error: Callable[[Any], Any],
    ) -> None:
        async def call() -> None:
            try:
                try:
                    result = await make_call()
                except error_type as e:
                    handle_error(call_status.CALL_ERROR, lower_error(e))
                else:
                    handle_success(result)
            except Exception as e:  # noqa: BLE001 - reported to Rust as generated
                unexpected(handle_error, e)

        start(call(), out_dropped)

    module._uniffi_rust_call_async = rust_call_async
    module._uniffi_trait_interface_call_async = trait_call_async
    module._uniffi_trait_interface_call_async_with_error = trait_call_async_with_error
    module._mca_continuation = continuation  # keeps the C callback alive with the module
    _INSTALLED[module.__name__] = True
