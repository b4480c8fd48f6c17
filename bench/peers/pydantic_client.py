"""The pydantic v2 + httpx peer of bench/run.sh: what a partner would write instead of the SDK for the
same work: validate a start input (pydantic models with the SDK's rules), build the request, send it,
parse the answer with pydantic; GET the attestation and parse it. No retries, no token handling (a
bearer token is given). `send` is pluggable like the SDK's transport: httpx by default, an in-memory
answer for the no-network benchmark. Used only by bench/py/bench.py.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any, Callable, Dict, Optional, Tuple

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

COUNTRIES = frozenset("AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW XK".split())
GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
EMAIL = re.compile(r"^[^\s@\"]{1,64}@(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z0-9-]{0,62}$")
LANGUAGE = re.compile(r"^([A-Za-z]{2,3})((?:-[A-Za-z0-9]{1,8})*)$")
BAD_CHARS = re.compile("[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]")
STATUS = {0: "unknown", 1: "pending_agreement_acceptance", 2: "pending_finalization"}

Send = Callable[[str, str, Dict[str, str], Optional[str]], Tuple[int, str]]


class _Model(BaseModel):
    model_config = ConfigDict(populate_by_name=True, frozen=True)


class Signer(_Model):
    first_name: str = Field(alias="firstName")
    last_name: str = Field(alias="lastName")
    email_address: str = Field(alias="emailAddress")
    phone_number: str = Field(alias="phoneNumber")


class StartSigner(Signer):
    @field_validator("first_name", "last_name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not v.strip() or BAD_CHARS.search(v):
            raise ValueError("blank or control characters")
        return v.strip()

    @field_validator("email_address")
    @classmethod
    def _email(cls, v: str) -> str:
        if not EMAIL.match(v.strip()):
            raise ValueError("not an e-mail address")
        return v.strip()

    @field_validator("phone_number")
    @classmethod
    def _phone(cls, v: str) -> str:
        v = v.strip()
        digits = re.sub(r"[\s.\-()]", "", v[1:].replace("(0)", "", 1)) if v.startswith("+") else ""
        if not re.fullmatch(r"\d{7,15}", digits):
            raise ValueError("not a phone number")
        return "+" + digits


class StartAttestation(_Model):
    signer: StartSigner
    language: str = "en-US"
    country: str
    acceptance_date: AwareDatetime = Field(alias="acceptanceDate")

    @field_validator("language", mode="before")
    @classmethod
    def _language(cls, v: Any) -> str:
        m = LANGUAGE.match(str("en-US" if v is None else v))
        if not m:
            raise ValueError("not a language tag")
        rest = "".join("-" + (p.upper() if len(p) == 2 else p.lower()) for p in m.group(2).split("-")[1:])
        return m.group(1).lower() + rest

    @field_validator("country")
    @classmethod
    def _country(cls, v: str) -> str:
        if v.upper() not in COUNTRIES:
            raise ValueError("not a country code")
        return v.upper()

    @field_validator("acceptance_date")
    @classmethod
    def _date(cls, v: _dt.datetime) -> _dt.datetime:
        if v > _dt.datetime.now(_dt.timezone.utc) + _dt.timedelta(minutes=5):
            raise ValueError("in the future")
        return v.astimezone(_dt.timezone.utc)


class AttestationStarted(_Model):
    attestation_id: str = Field(alias="attestationId")
    agreement_link: str = Field(alias="agreementLink")
    expires_at: AwareDatetime = Field(alias="expiresAt")


class McaInfo(_Model):
    language: str
    country: str
    template_id: str = Field(alias="templateId")


class Attestation(_Model):
    attestation_id: str = Field(alias="attestationId")
    signer: Signer
    mca_info: McaInfo = Field(alias="mcaInfo")
    acceptance_date: AwareDatetime = Field(alias="acceptanceDate")
    status_code: int = Field(alias="status")
    agreement_link: str = Field(alias="agreementLink")
    expires_at: AwareDatetime = Field(alias="expiresAt")

    @property
    def status(self) -> str:
        return STATUS.get(self.status_code, "unknown")


class Acceptance(_Model):
    accepted: bool
    accepted_via: list = Field(default_factory=list, alias="acceptedVia")


class PeerError(Exception):
    """A bad input or answer."""


def httpx_send(client: Any) -> Send:
    def send(method: str, url: str, headers: Dict[str, str], body: Optional[str]) -> Tuple[int, str]:
        r = client.request(method, url, headers=headers, content=body, follow_redirects=False)
        return r.status_code, r.text

    return send


class PeerClient:
    """A hand-written client: the same calls as the SDK's, without retries or token renewal."""

    def __init__(self, base_url: str, reseller_id: str, token: str, send: Send) -> None:
        if not GUID.match(reseller_id):
            raise PeerError("config: reseller_id")
        self._base = base_url.rstrip("/") + "/api/resellers/" + reseller_id.lower() + "/organizations/"
        self._headers = {"authorization": "Bearer " + token, "accept": "application/json", "user-agent": "peer/1.0"}
        self._send = send

    def _url(self, org: str, tail: str) -> str:
        if not GUID.match(org):
            raise PeerError("invalid: organization_id")
        return self._base + org.lower() + "/services/" + tail

    def _ok(self, status: int) -> None:
        if not 200 <= status <= 299:
            raise PeerError(f"api: {status}")

    def start_attestation(self, org: str, data: Dict[str, Any]) -> AttestationStarted:
        body = StartAttestation.model_validate(data).model_dump_json(by_alias=True)
        headers = dict(self._headers, **{"content-type": "application/json"})
        status, text = self._send("POST", self._url(org, "csp/mca/attestation"), headers, body)
        self._ok(status)
        return AttestationStarted.model_validate_json(text)

    def get_attestation(self, org: str) -> Optional[Attestation]:
        status, text = self._send("GET", self._url(org, "csp/mca/attestation"), self._headers, None)
        if status == 404:
            return None
        self._ok(status)
        return Attestation.model_validate_json(text)

    def get_acceptance(self, org: str) -> Acceptance:
        status, text = self._send("GET", self._url(org, "csp/mca/acceptance"), self._headers, None)
        self._ok(status)
        return Acceptance.model_validate_json(text)
