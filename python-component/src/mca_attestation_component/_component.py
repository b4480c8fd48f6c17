"""The component: compiled once per process, its named types made into public classes
(``_values``), its exports wrapped as Python functions, and instances linked to a ``Platform``
(the four host functions)."""

from __future__ import annotations

import pathlib
import threading
from typing import Any, Callable, Dict, List, Optional, Protocol, Tuple

from wasmtime import Engine, Store
from wasmtime.component import Component, Linker
from wasmtime.component import _types as _t

from ._values import Types, input_signatures

WASM = pathlib.Path(__file__).with_name("mca_attestation.wasm")
"""The component shipped in the wheel (built from bindings-component/)."""

PACKAGE = "mca:attestation/"


class Platform(Protocol):
    """What an instance calls back: the component's only imports (``mca:attestation/host``).
    Values are the public classes (``HttpRequest``, ``FlowEvent``)."""

    def send(self, request: Any) -> Tuple[str, Any]:
        """``("ok", HttpResponse)`` or ``("err", SendError case)``."""
        ...

    def sleep(self, ms: int) -> None:
        """Waits ``ms`` milliseconds."""
        ...

    def now(self) -> int:
        """Milliseconds since the Unix epoch."""
        ...

    def event(self, event: Any) -> None:
        """Progress of a flow."""
        ...


def _interface(names: Dict[str, Any], short: str) -> Tuple[str, Any]:
    for name, ext in names.items():
        if name.startswith(PACKAGE + short + "@") or name == PACKAGE + short:
            return name, ext
    raise RuntimeError(f"the component has no {PACKAGE}{short} interface (has {sorted(names)})")


class Loaded:
    """The compiled component, its types and its function signatures."""

    def __init__(self, path: pathlib.Path = WASM) -> None:
        if not path.is_file():
            raise ImportError(f"the component {path} is missing: a source checkout gets it from python-component/test.sh")
        self.engine = Engine()
        self.component = Component.from_file(self.engine, str(path))
        ty = self.component.type
        imports = ty.imports(self.engine)
        exports = ty.exports(self.engine)
        self.types_name, types_ext = _interface(imports, "types")
        self.host_name, host_ext = _interface(imports, "host")
        self.api_name, api_ext = _interface(exports, "client-api")
        self.imports = sorted(imports)
        named = {n: e.ty for n, e in types_ext.ty.exports(self.engine).items()}
        host = {n: e.ty for n, e in host_ext.ty.exports(self.engine).items() if isinstance(e.ty, _t.FuncType)}
        api = {n: e.ty for n, e in api_ext.ty.exports(self.engine).items() if isinstance(e.ty, _t.FuncType)}
        self.types = Types(named, set(input_signatures(list(api.values()), list(host.values()))))
        self.api = {n: _Signature(self.types, f) for n, f in api.items()}
        self.host = {n: _Signature(self.types, f) for n, f in host.items()}

    def instantiate(self, platform: Platform) -> "Instance":
        """A new instance (own store) calling back ``platform``."""
        store = Store(self.engine)
        linker = Linker(self.engine)
        send, event = self.host["send"], self.host["event"]
        lift_request = send.params[0]
        lower_result = send.lower_result
        lift_event = event.params[0]
        with linker.root() as root:
            with root.add_instance(self.types_name):
                pass
            with root.add_instance(self.host_name) as h:
                h.add_func("send", lambda _s, req: lower_result(platform.send(lift_request(req))))
                h.add_func("sleep", lambda _s, ms: platform.sleep(ms))
                h.add_func("now", lambda _s: platform.now())
                h.add_func("event", lambda _s, e: platform.event(lift_event(e)))
        return Instance(self, store, linker.instantiate(store, self.component))


class _Signature:
    """Converters of one function: lift of each parameter (host functions), lower of each
    parameter (exports), lift / lower of the result."""

    def __init__(self, types: Types, f: Any) -> None:
        self.names = [n for n, _ in f.params]
        self.params = [types.lift(p) for _, p in f.params]
        self.lower_params = [types.lower(p) for _, p in f.params]
        result = f.result
        self.lift_result: Callable[[Any], Any] = types.lift(result) if result is not None else (lambda v: None)
        self.lower_result: Callable[[Any], Any] = types.lower(result) if result is not None else (lambda v: None)
        self.returns_result = isinstance(result, _t.ResultType)


class Instance:
    """One instance: exported functions by WIT name, called with public values. Not thread-safe
    (callers hold ``lock``)."""

    def __init__(self, loaded: Loaded, store: Store, instance: Any) -> None:
        self.loaded = loaded
        self.store = store
        self.instance = instance
        self.lock = threading.RLock()
        self._api = instance.get_export_index(store, loaded.api_name)
        self._funcs: Dict[str, Any] = {}

    def call(self, name: str, *args: Any) -> Tuple[str, Any]:
        """Calls export ``name`` (``[method]client.get-attestation``, ``version`` …): the raw
        arguments (resource handles) pass as they are; gives ``("ok", value)`` or ``("err", ErrorView)``
        for functions returning a result, else ``("ok", value)``."""
        sig = self.loaded.api[name]
        f = self._funcs.get(name)
        if f is None:
            idx = self.instance.get_export_index(self.store, name, self._api)
            f = self._funcs[name] = self.instance.get_func(self.store, idx)
        raw_args: List[Any] = []
        for (pname, lower), a in zip(zip(sig.names, sig.lower_params), args):
            raw_args.append(a if pname == "self" else lower(a))
        try:
            raw = f(self.store, *raw_args)
            lifted = sig.lift_result(raw)
        finally:
            f.post_return(self.store)
        if sig.returns_result:
            return lifted  # type: ignore[no-any-return]
        return "ok", lifted

    def drop(self, handle: Any) -> None:
        """Drops an owned resource handle (a ``client``)."""
        handle.drop(self.store)


_LOADED: Optional[Loaded] = None
_LOCK = threading.Lock()


def loaded() -> Loaded:
    """The process's compiled component (compiled on first use)."""
    global _LOADED
    with _LOCK:
        if _LOADED is None:
            _LOADED = Loaded()
        return _LOADED
