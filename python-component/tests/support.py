"""Helpers of the installed-package tests: JSON ⇄ the package's classes, comparisons, a fake clock."""

from __future__ import annotations

import datetime as dt
import enum
import json
import pathlib
from typing import Any, Dict, List, Optional

import mca_attestation_component as mca

ROOT = pathlib.Path(__file__).resolve().parents[2]
VECTORS = ROOT / "tests" / "vectors"


def load(name: str) -> Dict[str, Any]:
    with open(VECTORS / name, encoding="utf-8") as f:
        data: Dict[str, Any] = json.load(f)
    return data


def _s(v: Any) -> str:
    return v if isinstance(v, str) else ""


def _o(v: Any) -> Optional[str]:
    return v if isinstance(v, str) else None


def signer(v: Any) -> Any:
    v = v if isinstance(v, dict) else {}
    return mca.Signer(first_name=_s(v.get("firstName")), last_name=_s(v.get("lastName")),
                      email_address=_s(v.get("emailAddress")), phone_number=_s(v.get("phoneNumber")))


def start_input(v: Any) -> Any:
    v = v if isinstance(v, dict) else {}
    return mca.StartAttestation(signer=signer(v.get("signer")), language=_o(v.get("language")),
                                country=_s(v.get("country")), acceptance_date=_s(v.get("acceptanceDate")))


def csp_input(v: Any) -> Any:
    v = v if isinstance(v, dict) else {}
    pa = v.get("partnerAttestation")
    return mca.AddCspService(
        id=_o(v.get("id")), currency_code=_s(v.get("currencyCode")),
        organization_number=_o(v.get("organizationNumber")), contact_email=_s(v.get("contactEmail")),
        contact_first_name=_o(v.get("contactFirstName")), contact_last_name=_o(v.get("contactLastName")),
        contact_phone=_o(v.get("contactPhone")), city=_o(v.get("city")), address=_o(v.get("address")),
        postal_code=_o(v.get("postalCode")), domain_prefix=_s(v.get("domainPrefix")),
        partner_attestation=mca.PartnerAttestation(
            automatic_flow=pa.get("automaticFlow") is True, signer=signer(pa.get("signer")),
            language=_o(pa.get("language")), country=_s(pa.get("country")),
            acceptance_date=_s(pa.get("acceptanceDate")),
        ) if isinstance(pa, dict) else None,
    )


def credentials(c: Any) -> Any:
    if not isinstance(c, dict):
        return None
    client_auth = {"body": mca.ClientAuth.BODY, "basic": mca.ClientAuth.BASIC}.get(c.get("clientAuth"))
    return mca.Credentials(
        username=_s(c.get("username")), password=_s(c.get("password")), client_id=_o(c.get("clientId")),
        client_secret=_o(c.get("clientSecret")), client_auth=client_auth, scope=_o(c.get("scope")))


def options(config: Optional[Dict[str, Any]] = None, a: Optional[Dict[str, Any]] = None) -> Any:
    """Client options from a vector's ``config`` and ``auth`` (``token`` and/or ``credentials``, as
    they are: the core decides); no ``auth``: the bearer token ``vector-token``."""
    config = config or {}
    n = config.get("retryMaxAttempts")
    return mca.ClientOptions(
        base_url=config.get("baseUrl", "https://api.example.test/"),
        reseller_id=config.get("resellerId", "11111111-1111-4111-8111-111111111111"),
        token=_o(a.get("token")) if a else "vector-token", credentials=credentials(a.get("credentials")) if a else None,
        token_url=_o(config.get("tokenUrl")), user_agent=_o(config.get("userAgentExtra")),
        correlation_id=_o(config.get("correlationId")), request_timeout_ms=config.get("requestTimeoutMs"),
        retry_max_attempts=n if isinstance(n, int) else None,
    )


def response(v: Optional[Dict[str, Any]]) -> Any:
    v = v or {}
    return mca.http_response(v.get("status", 200), v.get("headers") or {}, v.get("body", ""))


def rfc3339(v: dt.datetime) -> str:
    return v.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def event_type(e: Any) -> str:
    """``acceptance_checked`` for ``FlowEvent.ACCEPTANCE_CHECKED``."""
    return type(e).__name__.rsplit(".", 1)[-1].lower()


def to_json(v: Any, drop_none: bool = False) -> Any:
    """The core's JSON form of a package value: camelCase members, snake_case enum values,
    instants as RFC 3339 text; ``drop_none`` omits absent members (as request bodies do)."""
    if isinstance(v, enum.Enum):
        return str(v.value).replace("-", "_")
    if isinstance(v, mca.RefreshOutcome):  # the only variant among the outputs
        t = event_type(v)
        return {"type": t, "retryAfterMs": v.value} if t == "already_running" else {"type": t}
    if isinstance(v, dt.datetime):
        return rfc3339(v)
    if isinstance(v, list):
        return [to_json(x, drop_none) for x in v]
    if hasattr(v, "_fields"):
        out = {}
        for k in v._fields:
            x = getattr(v, k)
            if drop_none and x is None:
                continue
            out[_camel(k)] = to_json(x, drop_none)
        return out
    return v


def _instant(text: Any) -> Optional[dt.datetime]:
    if not isinstance(text, str):
        return None
    try:
        from mca_attestation_component._values import parse_instant

        return parse_instant(text)
    except ValueError:
        return None


def subset(got: Any, want: Any, path: str, out: List[str]) -> None:
    """Objects as subsets, arrays whole, instants compared as instants (Python keeps µs)."""
    if isinstance(want, dict) and isinstance(got, dict):
        for k, w in want.items():
            if k in got:
                subset(got[k], w, f"{path}/{k}", out)
            elif w is not None:
                out.append(f"{path}/{k} missing (want {w!r})")
    elif isinstance(want, list) and isinstance(got, list) and len(want) == len(got):
        for i, (g, w) in enumerate(zip(got, want)):
            subset(g, w, f"{path}/{i}", out)
    elif got != want or type(got) is bool and type(want) is not bool:
        a, b = _instant(got), _instant(want)
        if a is None or b is None or abs((a - b).total_seconds()) >= 1e-6:
            out.append(f"{path}: got {got!r}, want {want!r}")


def check_error(err: BaseException, want: Dict[str, Any], out: List[str]) -> None:
    """Field by field as tests/vectors/README.md says: status, code, title, detail, retryAfterMs,
    traceId always (absent = null); message, bodyExcerpt when given; violations whole, else
    pointers in order, else none."""
    if not isinstance(err, mca.McaError):
        out.append(f"not an McaError: {err!r}")
        return
    got = to_json(err.view)
    if got["kind"] != want["kind"]:
        out.append(f"kind {got['kind']} != {want['kind']} ({got['message']})")
    if not isinstance(err, _ERROR_CLASS[want["kind"]]):
        out.append(f"class {type(err).__name__} for kind {want['kind']}")
    for key in ("status", "code", "title", "detail", "retryAfterMs", "traceId"):
        if got.get(key) != want.get(key):
            out.append(f"{key} {got.get(key)!r} != {want.get(key)!r}")
    for key in ("message", "bodyExcerpt"):
        if key in want and got.get(key) != want[key]:
            out.append(f"{key} {got.get(key)!r} != {want[key]!r}")
    if "violations" in want:
        if got["violations"] != want["violations"]:
            out.append(f"violations {got['violations']!r} != {want['violations']!r}")
    elif "pointers" in want:
        if [v["pointer"] for v in got["violations"]] != want["pointers"]:
            out.append(f"pointers {[v['pointer'] for v in got['violations']]} != {want['pointers']}")
    elif got["violations"]:
        out.append(f"violations {got['violations']!r} != []")


_ERROR_CLASS = {
    "invalid": mca.InvalidError, "api": mca.ApiError, "unauthorized": mca.UnauthorizedError,
    "forbidden": mca.ForbiddenError, "rate_limited": mca.RateLimitedError, "transport": mca.TransportError,
    "decode": mca.DecodeError, "deadline": mca.DeadlineError, "config": mca.ConfigError,
    "cancelled": mca.CancelledError,
}


class FakeClock:
    """A clock that advances only when the client sleeps."""

    def __init__(self, now: str) -> None:
        from mca_attestation_component._values import parse_instant

        self.now = parse_instant(now)

    def __call__(self) -> dt.datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)
