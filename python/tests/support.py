"""Helpers for the vector runner: JSON conversion, subset matching, error checks, fake clocks."""

from __future__ import annotations

import calendar
import datetime as dt
import enum
import json
import pathlib
import re
from typing import Any, Dict, List, Optional

import mca_attestation as mca

VECTORS = pathlib.Path(__file__).resolve().parents[2] / "tests" / "vectors"


def load(name: str) -> Dict[str, Any]:
    with open(VECTORS / name, encoding="utf-8") as f:
        data: Dict[str, Any] = json.load(f)
    return data


_TS = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})?$"
)


def instant_ns(text: str) -> int:
    """Nanoseconds since the epoch of an RFC 3339 text (no offset = UTC)."""
    m = _TS.match(text.strip())
    if not m:
        raise ValueError(f"not a timestamp: {text!r}")
    y, mo, d, h, mi, s = (int(m.group(i)) for i in range(1, 7))
    frac = int((m.group(7) or "0").ljust(9, "0"))
    secs = calendar.timegm((y, mo, d, h, mi, s, 0, 0, 0))
    off = m.group(8)
    if off and off not in ("Z", "z"):
        sign = 1 if off[0] == "+" else -1
        secs -= sign * (int(off[1:3]) * 3600 + int(off[4:6]) * 60)
    return secs * 1_000_000_000 + frac


def datetime_ns(value: dt.datetime) -> int:
    delta = value - dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
    return (delta // dt.timedelta(microseconds=1)) * 1000


def parse_dt(text: str) -> dt.datetime:
    ns = instant_ns(text)
    return dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(microseconds=ns // 1000)


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


def ms(d: dt.timedelta) -> int:
    return round(d.total_seconds() * 1000)


def _variant(value: Any) -> Optional[str]:
    """The tag of a generated enum variant with fields (``RefreshOutcome.ALREADY_RUNNING`` …)."""
    name = type(value).__name__
    if "." in name:
        return name.rsplit(".", 1)[1].lower()
    return None


def to_json(value: Any, drop_none: bool = False) -> Any:
    """A generated record in the core's JSON form (camelCase; datetimes kept for instant comparison)."""
    if isinstance(value, enum.Enum):
        return value.name.lower()
    if hasattr(value, "__dict__") and not isinstance(value, type):
        out: Dict[str, Any] = {}
        tag = _variant(value)
        if tag is not None:
            out["type"] = tag
        for name, v in vars(value).items():
            if name.startswith("_"):
                continue
            if drop_none and v is None:
                continue
            if isinstance(v, dt.timedelta):
                out[camel(name) + "Ms"] = ms(v)
            elif name == "retry_after" and v is None:
                out["retryAfterMs"] = None
            else:
                out[camel(name)] = to_json(v, drop_none)
        return out
    if isinstance(value, list):
        return [to_json(v, drop_none) for v in value]
    return value


def match(got: Any, want: Any, path: str, diffs: List[str], subset: bool = True) -> None:
    """Compares like the README says: objects as subsets (arrays whole), timestamps as instants."""
    if isinstance(got, dt.datetime) and isinstance(want, str):
        if abs(datetime_ns(got) - instant_ns(want)) >= 1000:  # Python keeps microseconds
            diffs.append(f"{path}: {got.isoformat()} != {want}")
        return
    if isinstance(want, dict):
        if not isinstance(got, dict):
            diffs.append(f"{path}: {got!r} is not an object (want {want})")
            return
        if not subset and set(got) != set(want):
            diffs.append(f"{path}: members {sorted(got)} != {sorted(want)}")
        for k, w in want.items():
            if k not in got:
                diffs.append(f"{path}/{k}: missing")
            else:
                match(got[k], w, f"{path}/{k}", diffs, subset)
        return
    if isinstance(want, list):
        if not isinstance(got, list) or len(got) != len(want):
            diffs.append(f"{path}: {got!r} != {want!r}")
            return
        for i, (g, w) in enumerate(zip(got, want)):
            match(g, w, f"{path}/{i}", diffs, subset=False)
        return
    if type(got) is not type(want) or got != want:
        if not (isinstance(got, (int, float)) and isinstance(want, (int, float)) and got == want and not isinstance(got, bool)):
            diffs.append(f"{path}: {got!r} != {want!r}")


ALWAYS = ["status", "code", "title", "detail", "retryAfterMs", "traceId"]
"""Members of an error expectation compared even when absent (absent = null)."""


def check_error(err: BaseException, want: Dict[str, Any]) -> List[str]:
    """Differences between a raised error's flat view (the core's ``ErrorView``) and an error
    expectation, member by member (tests/vectors/README.md): the ``ALWAYS`` members (absent =
    null), ``violations`` whole or ``pointers`` only (neither = no violations), and any other
    member given (``kind``, ``message``, ``bodyExcerpt``)."""
    if not isinstance(err, mca.McaError):
        return [f"not an McaError: {err!r}"]
    view = to_json(err.view)
    expected = {key: want.get(key) for key in ALWAYS}
    expected.update(want)
    if "violations" not in want and "pointers" not in want:
        expected["violations"] = []
    diffs: List[str] = []
    for key, value in expected.items():
        if key == "pointers":
            got = [v["pointer"] for v in view["violations"]]
        elif key in view:
            got = view[key]
        else:
            diffs.append(f"{key}: not a member of the error view")
            continue
        if got != value:
            diffs.append(f"{key} {got!r} != {value!r} ({err})")
    return diffs


def signer(j: Optional[Dict[str, Any]]) -> mca.Signer:
    j = j or {}
    return mca.Signer(
        first_name=j.get("firstName", ""),
        last_name=j.get("lastName", ""),
        email_address=j.get("emailAddress", ""),
        phone_number=j.get("phoneNumber", ""),
    )


def start_input(j: Dict[str, Any]) -> mca.StartAttestation:
    return mca.StartAttestation(
        signer=signer(j.get("signer")),
        country=j.get("country", ""),
        acceptance_date=j.get("acceptanceDate", ""),
        language=j.get("language"),
    )


def csp_input(j: Dict[str, Any]) -> mca.AddCspService:
    pa = j.get("partnerAttestation")
    return mca.AddCspService(
        currency_code=j.get("currencyCode", ""),
        contact_email=j.get("contactEmail", ""),
        domain_prefix=j.get("domainPrefix", ""),
        id=j.get("id"),
        organization_number=j.get("organizationNumber"),
        contact_first_name=j.get("contactFirstName"),
        contact_last_name=j.get("contactLastName"),
        contact_phone=j.get("contactPhone"),
        city=j.get("city"),
        address=j.get("address"),
        postal_code=j.get("postalCode"),
        partner_attestation=None
        if pa is None
        else mca.PartnerAttestation(
            signer=signer(pa.get("signer")),
            country=pa.get("country", ""),
            acceptance_date=pa.get("acceptanceDate", ""),
            language=pa.get("language"),
            automatic_flow=pa.get("automaticFlow", False),
        ),
    )


def response(j: Dict[str, Any]) -> mca.HttpResponse:
    return mca.http_response(j["status"], j.get("headers") or {}, j.get("body", ""))


def credentials(j: Dict[str, Any]) -> mca.Credentials:
    return mca.Credentials(
        username=j["username"],
        password=j["password"],
        client_id=j.get("clientId"),
        client_secret=j.get("clientSecret"),
        client_auth=mca.ClientAuth.BODY if j.get("clientAuth") == "body" else mca.ClientAuth.BASIC,
        scope=j.get("scope"),
    )


class FakeClock:
    """A clock that moves only when the code under test sleeps."""

    def __init__(self, now: str) -> None:
        self.now = parse_dt(now)
        self.slept: List[int] = []

    def __call__(self) -> dt.datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds * 1000))
        self.now += dt.timedelta(seconds=seconds)

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)


OPTION_KEYS = {"token", "credentials", "token_url", "user_agent", "correlation_id", "request_timeout_ms", "retry_max_attempts"}


def client_args(base_url: str, reseller_id: str, kwargs: Dict[str, Any]) -> Any:
    """Splits test keyword arguments into the core's ``ClientOptions`` and the client's own
    arguments (transport, on_event, clock, sleep)."""
    opts = {k: v for k, v in kwargs.items() if k in OPTION_KEYS}
    rest = {k: v for k, v in kwargs.items() if k not in OPTION_KEYS}
    return mca.ClientOptions(base_url=base_url, reseller_id=reseller_id, **opts), rest
