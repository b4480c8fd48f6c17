"""The public value classes, made from the component's own type information (nothing re-declared).

The component imports a type-only interface, ``mca:attestation/types``, that names every record,
enum and variant of the WIT world. wasmtime reports those names and their structure; from them this
module makes, once per process:

* a class per ``record`` (``Signer``, ``StartAttestation``, ``ErrorView``, …): keyword (or positional)
  constructor with the WIT fields in snake_case, ``option`` fields default to ``None``, ``==``, and a
  ``repr`` that hides personal data and secrets;
* an ``enum.Enum`` per ``enum`` (``ErrorKind.RATE_LIMITED``, ``AttestationStatus.PENDING_FINALIZATION``);
* a class per ``variant`` with one subclass per case, as uniffi makes them
  (``FlowEvent.ATTESTATION_STARTED(link)``, ``SendError.TRANSPORT("reset")``, ``RefreshOutcome.STARTED()``):
  the payload is ``.value`` and, when it is a record, its fields read through (``event.attestation_id``);

and, per function, converters between these classes and wasmtime's generic component values
(``wasmtime.component.Record`` with kebab-case attributes, ``Variant``, strings for enum cases).

Names: PascalCase of the WIT name, except where the uniffi package calls the same thing otherwise
(``PUBLIC_NAMES``). Instants: string fields named ``*-at`` / ``*-date`` of records that only come
out of the component are ``datetime`` (UTC, aware), as the core's ``Timestamp`` is in the uniffi
package; input records keep the text the caller gives.
"""

from __future__ import annotations

import datetime as _dt
import enum
import re
from typing import Any, Callable, Dict, FrozenSet, List, Optional, Set, Tuple

from wasmtime.component import Record as _WRecord
from wasmtime.component import Variant as _WVariant
from wasmtime.component import _types as _t

# WIT names whose public (uniffi) name is not their PascalCase.
PUBLIC_NAMES: Dict[str, str] = {
    # (none today: the WIT's option records carry the core's names)
}

# Field names whose string values a ``repr`` never shows (signer data, contacts, secrets).
_HIDDEN = re.compile(r"name|email|phone|password|secret|token|bearer|username")


def pascal(wit: str) -> str:
    """``start-attestation`` → ``StartAttestation`` (or the ``PUBLIC_NAMES`` entry)."""
    return PUBLIC_NAMES.get(wit) or "".join(p[:1].upper() + p[1:] for p in wit.split("-"))


def snake(wit: str) -> str:
    """``first-name`` → ``first_name``."""
    return wit.replace("-", "_")


def upper(wit: str) -> str:
    """``rate-limited`` → ``RATE_LIMITED``."""
    return wit.replace("-", "_").upper()


def signature(ty: Any) -> str:
    """A structural signature of a component type (records and variants are matched to their WIT
    names by it: the component model's types are structural)."""
    if isinstance(ty, _t.RecordType):
        return "record{" + ",".join(f"{n}:{signature(f)}" for n, f in ty.fields) + "}"
    if isinstance(ty, _t.VariantType):
        return "variant{" + ",".join(f"{n}:{signature(f) if f else ''}" for n, f in ty.cases) + "}"
    if isinstance(ty, _t.EnumType):
        return "enum{" + ",".join(ty.names) + "}"
    if isinstance(ty, _t.OptionType):
        return f"option<{signature(ty.payload)}>"
    if isinstance(ty, _t.ListType):
        return f"list<{signature(ty.element)}>"
    if isinstance(ty, _t.ResultType):
        ok = signature(ty.ok) if ty.ok is not None else "_"
        err = signature(ty.err) if ty.err is not None else "_"
        return f"result<{ok},{err}>"
    return type(ty).__name__.lower()


# ---------------------------------------------------------------- instants

_TS = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$")


def parse_instant(text: str) -> _dt.datetime:
    """An aware UTC ``datetime`` from the core's RFC 3339 text (nanoseconds cut to microseconds)."""
    m = _TS.match(text)
    if not m:
        raise ValueError(f"not an RFC 3339 timestamp: {text!r}")
    y, mo, d, h, mi, s = (int(m.group(i)) for i in range(1, 7))
    micro = int((m.group(7) or "0")[:6].ljust(6, "0"))
    off = m.group(8)
    tz = _dt.timezone.utc
    if off not in ("Z", "z"):
        sign = 1 if off[0] == "+" else -1
        tz = _dt.timezone(sign * _dt.timedelta(hours=int(off[1:3]), minutes=int(off[4:6])))
    return _dt.datetime(y, mo, d, h, mi, s, micro, tzinfo=tz).astimezone(_dt.timezone.utc)


def _is_instant_field(wit: str) -> bool:
    return wit.endswith("-at") or wit.endswith("-date")


# ---------------------------------------------------------------- public classes


class Record:
    """Base of the generated record classes."""

    _wit: str = ""
    _fields: Tuple[str, ...] = ()
    """Python field names, in WIT order."""
    _defaults: Dict[str, Callable[[], Any]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        name = type(self).__name__
        if len(args) > len(self._fields):
            raise TypeError(f"{name}() takes {len(self._fields)} arguments, {len(args)} given")
        values = dict(zip(self._fields, args))
        for k, v in kwargs.items():
            if k not in self._fields:
                raise TypeError(f"{name}() got an unexpected keyword argument {k!r}")
            if k in values:
                raise TypeError(f"{name}() got multiple values for argument {k!r}")
            values[k] = v
        for f in self._fields:
            if f not in values:
                make = self._defaults.get(f)
                if make is None:
                    raise TypeError(f"{name}() missing required argument {f!r}")
                values[f] = make()
            setattr(self, f, values[f])

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and vars(self) == vars(other)

    def __hash__(self) -> int:
        return hash(type(self))

    def __repr__(self) -> str:
        parts = []
        for f in self._fields:
            v = getattr(self, f, None)
            shown = "<redacted>" if isinstance(v, str) and _HIDDEN.search(f) else repr(v)
            parts.append(f"{f}={shown}")
        return f"{type(self).__name__}({', '.join(parts)})"


class Variant:
    """Base of the generated variant classes; each case is a subclass (``FlowEvent.SIGNED``)."""

    _wit: str = ""
    _tag: str = ""
    _has_payload: bool = False

    def __init__(self, value: Any = None) -> None:
        if not type(self)._tag:
            raise TypeError(f"{type(self).__name__} cannot be instantiated directly: use one of its cases")
        if value is not None and not self._has_payload:
            raise TypeError(f"{type(self).__name__}() takes no value")
        self.value = value

    def __getattr__(self, name: str) -> Any:
        value = self.__dict__.get("value")
        if isinstance(value, Record) and name in value._fields:
            return getattr(value, name)
        raise AttributeError(name)

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.value == getattr(other, "value", None)

    def __hash__(self) -> int:
        return hash(type(self))

    def __repr__(self) -> str:
        if not self._has_payload:
            return f"{type(self).__name__}()"
        shown = "<redacted>" if isinstance(self.value, str) and _HIDDEN.search(self._wit + " " + self._tag) else repr(self.value)
        return f"{type(self).__name__}({shown})"


class Types:
    """Every named type of the component, as public classes, and converters between them and
    wasmtime's values."""

    def __init__(self, named: Dict[str, Any], inputs: Set[str]) -> None:
        # named: WIT name -> wasmtime type; inputs: signatures of records given to the component.
        self.by_sig: Dict[str, Any] = {}
        self.classes: Dict[str, Any] = {}
        self._inputs = inputs
        self._named = named
        for wit, ty in named.items():
            if isinstance(ty, _t.EnumType):
                cls: Any = enum.Enum(pascal(wit), [(upper(n), n) for n in ty.names])  # type: ignore[misc]
                cls.__module__ = __package__
            elif isinstance(ty, _t.VariantType):
                cls = self._variant_class(wit, ty)
            elif isinstance(ty, _t.RecordType):
                cls = type(pascal(wit), (Record,), {"_wit": wit, "__module__": __package__,
                                                    "_fields": tuple(snake(n) for n, _ in ty.fields)})
            else:
                continue
            self.by_sig[signature(ty)] = cls
            self.classes[pascal(wit)] = cls
        for wit, ty in named.items():  # defaults need every class
            if isinstance(ty, _t.RecordType):
                self.classes[pascal(wit)]._defaults = self._defaults_of(ty)

    def _variant_class(self, wit: str, ty: Any) -> Any:
        name = pascal(wit)
        base: Any = type(name, (Variant,), {"_wit": wit, "__module__": __package__})
        for tag, payload in ty.cases:
            case = type(f"{name}.{upper(tag)}", (base,), {"_tag": tag, "_has_payload": payload is not None,
                                                          "__module__": __package__})
            case.__qualname__ = f"{name}.{upper(tag)}"
            setattr(base, upper(tag), case)
            setattr(base, f"is_{snake(tag)}", lambda self, _c=case: isinstance(self, _c))
        return base

    def _defaults_of(self, ty: Any) -> Dict[str, Callable[[], Any]]:
        out: Dict[str, Callable[[], Any]] = {}
        for n, f in ty.fields:
            if isinstance(f, _t.OptionType):
                out[snake(n)] = lambda: None
            elif isinstance(f, _t.RecordType):
                cls = self.by_sig.get(signature(f))
                if cls is not None and all(isinstance(x, _t.OptionType) for _, x in f.fields):
                    out[snake(n)] = cls
        return out

    # ------------------------------------------------------------ public -> wasmtime

    def lower(self, ty: Any) -> Callable[[Any], Any]:
        """A function from a public value to wasmtime's value of type ``ty``."""
        if isinstance(ty, _t.RecordType):
            cls = self.by_sig[signature(ty)]
            fields = [(n, snake(n), self.lower(f)) for n, f in ty.fields]

            def rec(v: Any) -> Any:
                if not isinstance(v, cls):
                    raise TypeError(f"expected {cls.__name__}, got {type(v).__name__}")
                r = _WRecord()
                for wit, py, conv in fields:
                    setattr(r, wit, conv(getattr(v, py)))
                return r

            return rec
        if isinstance(ty, _t.EnumType):
            ecls = self.by_sig[signature(ty)]

            def enm(v: Any) -> Any:
                if not isinstance(v, ecls):
                    raise TypeError(f"expected {ecls.__name__}, got {type(v).__name__}")
                return v.value

            return enm
        if isinstance(ty, (_t.VariantType, _t.OptionType, _t.ResultType)):
            return self._lower_variant(ty)
        if isinstance(ty, _t.ListType):
            el = self.lower(ty.element)
            return lambda v: [el(x) for x in v]
        return _identity

    def _lower_variant(self, ty: Any) -> Callable[[Any], Any]:
        tagged = ty._tagged()
        cases = {n: (self.lower(p) if p is not None else None) for n, p in ty._cases()}
        if isinstance(ty, _t.OptionType):
            some = cases["some"]
            assert some is not None
            if tagged:
                return lambda v: _WVariant("none") if v is None else _WVariant("some", some(v))
            return lambda v: None if v is None else some(v)
        if isinstance(ty, _t.ResultType):
            # Internal form of a result: a (tag, value) pair.
            def res(v: Tuple[str, Any]) -> Any:
                tag, payload = v
                conv = cases[tag]
                raw = conv(payload) if conv is not None else None
                return _WVariant(tag, raw) if tagged else raw

            return res
        cls = self.by_sig[signature(ty)]

        def var(v: Any) -> Any:
            if not isinstance(v, cls) or not v._tag:
                raise TypeError(f"expected a case of {cls.__name__}, got {type(v).__name__}")
            conv = cases[v._tag]
            raw = conv(v.value) if conv is not None else None
            return _WVariant(v._tag, raw) if tagged else raw

        return var

    # ------------------------------------------------------------ wasmtime -> public

    def lift(self, ty: Any) -> Callable[[Any], Any]:
        """A function from wasmtime's value of type ``ty`` to the public value."""
        if isinstance(ty, _t.RecordType):
            sig = signature(ty)
            cls = self.by_sig[sig]
            output_only = sig not in self._inputs
            fields = []
            for n, f in ty.fields:
                conv = self.lift(f)
                if output_only and _is_instant_field(n) and signature(f) in ("string", "option<string>"):
                    conv = _instant
                fields.append((n, snake(n), conv))

            def rec(r: Any) -> Any:
                out = cls.__new__(cls)
                for wit, py, conv in fields:
                    setattr(out, py, conv(getattr(r, wit)))
                return out

            return rec
        if isinstance(ty, _t.EnumType):
            return self.by_sig[signature(ty)]  # type: ignore[no-any-return]
        if isinstance(ty, (_t.VariantType, _t.OptionType, _t.ResultType)):
            return self._lift_variant(ty)
        if isinstance(ty, _t.ListType):
            el = self.lift(ty.element)
            return lambda v: [el(x) for x in v]
        return _identity

    def _lift_variant(self, ty: Any) -> Callable[[Any], Any]:
        tagged = ty._tagged()
        cases: List[Tuple[str, Optional[Callable[[Any], Any]], Tuple[type, ...]]] = []
        for n, p in ty._cases():
            classes: Set[type] = set()
            if p is None:
                classes.add(type(None))
            else:
                p.add_classes(classes)
            cases.append((n, self.lift(p) if p is not None else None, tuple(classes)))
        by_tag = {n: conv for n, conv, _ in cases}

        def which(raw: Any) -> Tuple[str, Any]:
            if tagged:
                return raw.tag, raw.payload
            for n, _, classes in cases:
                if isinstance(raw, classes):  # untagged: the cases' classes do not overlap
                    return n, raw
            raise TypeError(f"no case of {signature(ty)} holds {raw!r}")

        if isinstance(ty, _t.OptionType):
            some = by_tag["some"]
            assert some is not None
            if tagged:
                return lambda raw: some(raw.payload) if raw.tag == "some" else None
            return lambda raw: None if raw is None else some(raw)
        if isinstance(ty, _t.ResultType):
            def res(raw: Any) -> Tuple[str, Any]:
                tag, payload = which(raw)
                conv = by_tag[tag]
                return tag, (conv(payload) if conv is not None else None)

            return res
        cls = self.by_sig[signature(ty)]

        def var(raw: Any) -> Any:
            tag, payload = which(raw)
            conv = by_tag[tag]
            return getattr(cls, upper(tag))(conv(payload) if conv is not None else None)

        return var


def _identity(v: Any) -> Any:
    return v


def _instant(v: Optional[str]) -> Optional[_dt.datetime]:
    return None if v is None else parse_instant(v)


def input_signatures(funcs: List[Any], host_funcs: List[Any]) -> FrozenSet[str]:
    """Signatures of every record reachable from the exported functions' parameters and the host
    functions' results: the values a caller builds."""
    seen: Set[str] = set()

    def walk(ty: Any) -> None:
        if ty is None:
            return
        if isinstance(ty, _t.RecordType):
            seen.add(signature(ty))
            for _, f in ty.fields:
                walk(f)
        elif isinstance(ty, (_t.VariantType, _t.OptionType, _t.ResultType)):
            for _, p in ty._cases():
                walk(p)
        elif isinstance(ty, _t.ListType):
            walk(ty.element)

    for f in funcs:
        for _, p in f.params:
            walk(p)
    for f in host_funcs:
        walk(f.result)
    return frozenset(seen)
