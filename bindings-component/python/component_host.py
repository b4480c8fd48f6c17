"""The Python host of the mca:attestation component on `wasmtime` (PyPI) and its generic
component API: `Runtime(path).instantiate(host)` gives an `Instance` whose client calls run the
core inside the component on `host` (send, sleep, now, event: the four functions it imports).
Also the conversions between the component's values (records with kebab-case attributes,
kebab-case enums, `Variant`s) and the core's JSON form of tests/vectors."""

from __future__ import annotations

import os
import pathlib
import time
import urllib.error
import urllib.request
from typing import Any, Callable, Dict, List, Optional

from wasmtime import Engine, Store
from wasmtime.component import Component, Linker, Record, Variant

ROOT = pathlib.Path(__file__).resolve().parents[2]
API = "mca:attestation/client-api@0.1.0"


def component_path() -> pathlib.Path:
    env = os.environ.get("MCA_COMPONENT")
    return pathlib.Path(env) if env else ROOT / "target" / "component" / "mca_attestation.wasm"


def rec(**fields: Any) -> Record:
    """A record; Python names (`first_name`) become WIT names (`first-name`)."""
    r = Record()
    for k, v in fields.items():
        setattr(r, k.replace("_", "-"), v)
    return r


def get(r: Any, name: str) -> Any:
    return getattr(r, name.replace("_", "-"))


class ComponentError(Exception):
    """An `error-view` returned by the component."""

    def __init__(self, view: Record) -> None:
        super().__init__(get(view, "message"))
        self.view = view


def _is_error_view(v: Any) -> bool:
    return isinstance(v, Record) and hasattr(v, "kind") and hasattr(v, "violations")


def unwrap(v: Any) -> Any:
    """The ok value of a `result<_, error-view>` (wasmtime tags a result only when its cases'
    Python classes overlap), or raises `ComponentError`."""
    if isinstance(v, Variant) and v.tag in ("ok", "err"):
        if v.tag == "err":
            raise ComponentError(v.payload)
        return v.payload
    if _is_error_view(v):
        raise ComponentError(v)
    return v


class Host:
    """What the component imports; override `send`, `sleep`, `now`, `event`."""

    def send(self, request: Record) -> Any:  # http-response record, or Variant(transport|cancelled)
        raise NotImplementedError

    def sleep(self, ms: int) -> None:
        raise NotImplementedError

    def now(self) -> int:
        raise NotImplementedError

    def event(self, event: Variant) -> None:
        pass


class Runtime:
    """The compiled component."""

    def __init__(self, path: Optional[pathlib.Path] = None) -> None:
        self.engine = Engine()
        self.component = Component.from_file(self.engine, str(path or component_path()))

    def instantiate(self, host: Host) -> "Instance":
        store = Store(self.engine)
        linker = Linker(self.engine)
        with linker.root() as root:
            with root.add_instance("mca:attestation/types@0.1.0"):
                pass
            with root.add_instance("mca:attestation/host@0.1.0") as h:
                h.add_func("send", lambda _s, req: host.send(req))
                h.add_func("sleep", lambda _s, ms: host.sleep(ms))
                h.add_func("now", lambda _s: host.now())
                h.add_func("event", lambda _s, e: host.event(e))
        return Instance(store, linker.instantiate(store, self.component))


class Instance:
    """One instance: calls the exports by their WIT names."""

    def __init__(self, store: Store, instance: Any) -> None:
        self.store = store
        self.instance = instance
        self.api = instance.get_export_index(store, API)
        self.funcs: Dict[str, Any] = {}

    def call(self, name: str, *args: Any) -> Any:
        f = self.funcs.get(name)
        if f is None:
            idx = self.instance.get_export_index(self.store, name, self.api)
            if idx is None:
                raise KeyError(name)
            f = self.funcs[name] = self.instance.get_func(self.store, idx)
        try:
            return unwrap(f(self.store, *args))
        finally:
            f.post_return(self.store)

    def open(self, options: Record) -> "Client":
        return Client(self, self.call("[static]client.open", options))

    def validate_start_attestation(self, body: Record, now: Optional[str]) -> Record:
        return self.call("validate-start-attestation", body, now)

    def validate_add_csp_service(self, body: Record, now: Optional[str]) -> Record:
        return self.call("validate-add-csp-service", body, now)


class Client:
    """A `client` resource: `client.start_attestation(org, body)` calls `[method]client.start-attestation`."""

    def __init__(self, instance: Instance, handle: Any) -> None:
        self.instance = instance
        self.handle = handle

    def __getattr__(self, name: str) -> Callable[..., Any]:
        wit = "[method]client." + name.replace("_", "-")
        return lambda *args: self.instance.call(wit, self.handle, *args)


class NetHost(Host):
    """The network (urllib, no redirects), `time.sleep` and the system clock."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    def __init__(self) -> None:
        self.events: List[Variant] = []
        self.sent: List[str] = []
        self.opener = urllib.request.build_opener(self._NoRedirect)

    def send(self, request: Record) -> Any:
        self.sent.append(f"{request.method} {request.url}")
        body = request.body.encode() if request.body is not None else None
        req = urllib.request.Request(request.url, data=body, method=request.method)
        for h in request.headers:
            req.add_header(h.name, h.value)
        try:
            try:
                resp = self.opener.open(req, timeout=get(request, "timeout_ms") / 1000)
            except urllib.error.HTTPError as e:  # any status is an answer
                resp = e
            with resp:
                text = resp.read().decode("utf-8", "replace")
                headers = [rec(name=k, value=v) for k, v in resp.headers.items()]
                return rec(status=resp.status, headers=headers, body=text)
        except (OSError, ValueError) as e:
            return Variant("transport", str(e))

    def sleep(self, ms: int) -> None:
        time.sleep(ms / 1000)

    def now(self) -> int:
        return int(time.time() * 1000)

    def event(self, event: Variant) -> None:
        self.events.append(event)


# ---------------------------------------------------------------- JSON → component values


def _s(v: Any) -> str:
    return v if isinstance(v, str) else ""


def _o(v: Any) -> Optional[str]:
    return v if isinstance(v, str) else None


def signer_in(v: Any) -> Record:
    v = v if isinstance(v, dict) else {}
    return rec(first_name=_s(v.get("firstName")), last_name=_s(v.get("lastName")),
               email_address=_s(v.get("emailAddress")), phone_number=_s(v.get("phoneNumber")))


def start_in(v: Any) -> Record:
    v = v if isinstance(v, dict) else {}
    return rec(signer=signer_in(v.get("signer")), language=_o(v.get("language")),
               country=_s(v.get("country")), acceptance_date=_s(v.get("acceptanceDate")))


def csp_in(v: Any) -> Record:
    v = v if isinstance(v, dict) else {}
    pa = v.get("partnerAttestation")
    return rec(
        id=_o(v.get("id")), currency_code=_s(v.get("currencyCode")),
        organization_number=_o(v.get("organizationNumber")), contact_email=_s(v.get("contactEmail")),
        contact_first_name=_o(v.get("contactFirstName")), contact_last_name=_o(v.get("contactLastName")),
        contact_phone=_o(v.get("contactPhone")), city=_o(v.get("city")), address=_o(v.get("address")),
        postal_code=_o(v.get("postalCode")), domain_prefix=_s(v.get("domainPrefix")),
        partner_attestation=rec(
            automatic_flow=pa.get("automaticFlow") is True, signer=signer_in(pa.get("signer")),
            language=_o(pa.get("language")), country=_s(pa.get("country")),
            acceptance_date=_s(pa.get("acceptanceDate")),
        ) if isinstance(pa, dict) else None,
    )


def client_options(config: Optional[Dict[str, Any]] = None, auth: Optional[Dict[str, Any]] = None) -> Record:
    """Client options from a vector's ``config`` and ``auth`` (``token`` and/or ``credentials``, passed
    as they are: the core decides); no ``auth``: the bearer token ``vector-token``."""
    config = config or {}
    c = auth.get("credentials") if auth else None
    n = config.get("retryMaxAttempts")
    return rec(
        base_url=config.get("baseUrl", "https://api.example.test/"),
        reseller_id=config.get("resellerId", "11111111-1111-4111-8111-111111111111"),
        token=_o(auth.get("token")) if auth else "vector-token",
        credentials=rec(username=_s(c.get("username")), password=_s(c.get("password")),
                        client_id=_o(c.get("clientId")), client_secret=_o(c.get("clientSecret")),
                        client_auth=_o(c.get("clientAuth")), scope=_o(c.get("scope"))) if isinstance(c, dict) else None,
        token_url=_o(config.get("tokenUrl")), user_agent=_o(config.get("userAgentExtra")),
        correlation_id=_o(config.get("correlationId")), request_timeout_ms=config.get("requestTimeoutMs"),
        retry_max_attempts=n if isinstance(n, int) else None,
    )


# ---------------------------------------------------------------- component values → JSON

_SNAKE = {"status", "flow", "kind"}


def _camel(name: str) -> str:
    head, *rest = name.split("-")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def to_json(v: Any, key: str = "", drop_none: bool = False) -> Any:
    """The core's JSON form: camelCase members, snake_case enum values; `drop_none` omits absent
    members (as the core serialises request bodies)."""
    if isinstance(v, Variant):  # refresh-outcome, the only variant among the outputs
        t = v.tag.replace("-", "_")
        return {"type": t, "retryAfterMs": v.payload} if t == "already_running" else {"type": t}
    if isinstance(v, Record):
        out = {}
        for k, x in vars(v).items():
            if drop_none and x is None:
                continue
            out[_camel(k)] = to_json(x, _camel(k), drop_none)
        return out
    if isinstance(v, list):
        return [to_json(x, "", drop_none) for x in v]
    if isinstance(v, str) and key in _SNAKE:
        return v.replace("-", "_")
    return v


def event_type(e: Variant) -> str:
    return e.tag.replace("-", "_")


def error_json(e: ComponentError) -> Dict[str, Any]:
    return to_json(e.view)


def outcome(fn: Callable[[], Any]) -> Dict[str, Any]:
    try:
        return {"ok": fn()}
    except ComponentError as e:
        return {"error": error_json(e)}


def call(client: Client, op: str, org: str, body: Any = None) -> Dict[str, Any]:
    """Runs operation `op` (a vectors name); `{"ok": json}` or `{"error": json}`."""

    def run() -> Any:
        if op == "start_attestation":
            return to_json(client.start_attestation(org, start_in(body)))
        if op == "add_csp_service":
            return to_json(client.add_csp_service(org, csp_in(body)))
        if op == "finalize_attestation":
            client.finalize_attestation(org)
            return None
        if op == "token":
            return to_json(client.token())
        if op in ("get_attestation", "get_acceptance", "refresh_acceptance"):
            return to_json(getattr(client, op)(org))
        raise ValueError(f"unknown op {op}")

    return outcome(run)
