"""Plain Python values of the API (dataclasses), converted to and from the generated FFI records.

Signer details, passwords and tokens are redacted in ``repr``.
"""

from __future__ import annotations

import datetime as _dt
import enum
from dataclasses import dataclass, field
from typing import Any, Dict, List, Literal, Optional, Tuple, Union

from . import _ffi

__all__ = [
    "Signer",
    "StartAttestation",
    "AttestationStarted",
    "AttestationStatus",
    "McaInfo",
    "Attestation",
    "PartnerAttestationAcceptance",
    "Acceptance",
    "RefreshOutcome",
    "PartnerAttestation",
    "AddCspService",
    "FlowKind",
    "AcceptanceEvidence",
    "CspServiceAdded",
    "WaitStatus",
    "WaitOutcome",
    "EnsureStatus",
    "EnsureOutcome",
    "FlowEvent",
    "Credentials",
    "Token",
    "Violation",
]

DateLike = Union[_dt.datetime, str]
"""A timestamp given by the caller: an aware ``datetime`` or an RFC 3339 string."""


def _date_text(value: DateLike) -> str:
    """RFC 3339 text of a caller's date; naive datetimes stay offset-less so the core rejects them."""
    if isinstance(value, _dt.datetime):
        return value.isoformat()
    return value


@dataclass(frozen=True, repr=False)
class Signer:
    """The person at the customer who accepts the Microsoft Customer Agreement."""

    first_name: str
    last_name: str
    email_address: str
    phone_number: str

    def __repr__(self) -> str:
        return "Signer(<redacted>)"

    def _to_ffi(self) -> Any:
        return _ffi.Signer(
            first_name=self.first_name,
            last_name=self.last_name,
            email_address=self.email_address,
            phone_number=self.phone_number,
        )

    @staticmethod
    def _from_ffi(s: Any) -> Signer:
        return Signer(s.first_name, s.last_name, s.email_address, s.phone_number)


@dataclass(frozen=True)
class StartAttestation:
    """Body of *Start partner attestation*; validated and normalised by the core."""

    signer: Signer
    country: str
    acceptance_date: DateLike
    language: Optional[str] = None

    def _to_ffi(self) -> Any:
        return _ffi.StartAttestation(
            signer=self.signer._to_ffi(),
            language=self.language,
            country=self.country,
            acceptance_date=_date_text(self.acceptance_date),
        )

    @staticmethod
    def _from_ffi(s: Any) -> StartAttestation:
        return StartAttestation(
            signer=Signer._from_ffi(s.signer),
            country=s.country,
            acceptance_date=s.acceptance_date,
            language=s.language,
        )


@dataclass(frozen=True)
class AttestationStarted:
    """Answer of *Start partner attestation*: send ``agreement_link`` to the signer."""

    attestation_id: str
    agreement_link: str
    expires_at: _dt.datetime

    @staticmethod
    def _from_ffi(s: Any) -> AttestationStarted:
        return AttestationStarted(s.attestation_id, s.agreement_link, s.expires_at)


class AttestationStatus(str, enum.Enum):
    """Status of an attestation (unknown numbers are kept in ``Attestation.status_code``)."""

    UNSPECIFIED = "unspecified"
    PENDING_AGREEMENT_ACCEPTANCE = "pending_agreement_acceptance"
    PENDING_FINALIZATION = "pending_finalization"
    UNKNOWN = "unknown"

    @staticmethod
    def _from_ffi(s: Any) -> AttestationStatus:
        return AttestationStatus[s.name]


@dataclass(frozen=True)
class McaInfo:
    """Template and locale of an attestation."""

    language: Optional[str]
    country: Optional[str]
    template_id: Optional[str]

    @staticmethod
    def _from_ffi(s: Any) -> McaInfo:
        return McaInfo(s.language, s.country, s.template_id)


@dataclass(frozen=True)
class Attestation:
    """An ongoing attestation."""

    attestation_id: str
    signer: Signer
    mca_info: McaInfo
    acceptance_date: Optional[_dt.datetime]
    status: AttestationStatus
    status_code: int
    agreement_link: str
    expires_at: Optional[_dt.datetime]

    @staticmethod
    def _from_ffi(s: Any) -> Attestation:
        return Attestation(
            attestation_id=s.attestation_id,
            signer=Signer._from_ffi(s.signer),
            mca_info=McaInfo._from_ffi(s.mca_info),
            acceptance_date=s.acceptance_date,
            status=AttestationStatus._from_ffi(s.status),
            status_code=s.status_code,
            agreement_link=s.agreement_link,
            expires_at=s.expires_at,
        )


@dataclass(frozen=True)
class PartnerAttestationAcceptance:
    """Details of an acceptance given through partner attestation."""

    signer: Optional[Signer]
    template_id: Optional[str]
    acceptance_date: Optional[_dt.datetime]

    @staticmethod
    def _from_ffi(s: Any) -> PartnerAttestationAcceptance:
        return PartnerAttestationAcceptance(
            Signer._from_ffi(s.signer) if s.signer is not None else None,
            s.template_id,
            s.acceptance_date,
        )


@dataclass(frozen=True)
class Acceptance:
    """The customer's acceptance state."""

    accepted: bool
    accepted_via: List[str]
    partner_attestation: Optional[PartnerAttestationAcceptance]
    last_sync_date: Optional[_dt.datetime]

    @property
    def via_direct(self) -> bool:
        """The customer accepted directly with Microsoft."""
        return any(v.lower() == "customerdirectacceptance" for v in self.accepted_via)

    @property
    def via_partner_attestation(self) -> bool:
        """The customer accepted through a partner attestation."""
        return any(v.lower() == "partnerattestation" for v in self.accepted_via)

    @staticmethod
    def _from_ffi(s: Any) -> Acceptance:
        return Acceptance(
            accepted=s.accepted,
            accepted_via=list(s.accepted_via),
            partner_attestation=(
                PartnerAttestationAcceptance._from_ffi(s.partner_attestation)
                if s.partner_attestation is not None
                else None
            ),
            last_sync_date=s.last_sync_date,
        )


@dataclass(frozen=True)
class RefreshOutcome:
    """Outcome of *Refresh acceptance state*: ``started`` (202) or ``already_running`` (429)."""

    type: Literal["started", "already_running"]
    retry_after: Optional[_dt.timedelta] = None

    @staticmethod
    def _from_ffi(s: Any) -> RefreshOutcome:
        if s.is_already_running():
            return RefreshOutcome("already_running", s.retry_after)
        return RefreshOutcome("started")


@dataclass(frozen=True)
class PartnerAttestation:
    """Automatic attestation inside *Add CSP service* (``automatic_flow`` must be true)."""

    signer: Signer
    country: str
    acceptance_date: DateLike
    language: Optional[str] = None
    automatic_flow: bool = True

    def _to_ffi(self) -> Any:
        return _ffi.PartnerAttestation(
            automatic_flow=self.automatic_flow,
            signer=self.signer._to_ffi(),
            language=self.language,
            country=self.country,
            acceptance_date=_date_text(self.acceptance_date),
        )

    @staticmethod
    def _from_ffi(s: Any) -> PartnerAttestation:
        return PartnerAttestation(
            signer=Signer._from_ffi(s.signer),
            country=s.country,
            acceptance_date=s.acceptance_date,
            language=s.language,
            automatic_flow=s.automatic_flow,
        )


@dataclass(frozen=True)
class AddCspService:
    """Body of *Add CSP service*; with ``partner_attestation`` it is the automatic flow."""

    currency_code: str
    contact_email: str
    domain_prefix: str
    id: Optional[str] = None
    organization_number: Optional[str] = None
    contact_first_name: Optional[str] = None
    contact_last_name: Optional[str] = None
    contact_phone: Optional[str] = None
    city: Optional[str] = None
    address: Optional[str] = None
    postal_code: Optional[str] = None
    partner_attestation: Optional[PartnerAttestation] = None

    def _to_ffi(self) -> Any:
        return _ffi.AddCspService(
            id=self.id,
            currency_code=self.currency_code,
            organization_number=self.organization_number,
            contact_email=self.contact_email,
            contact_first_name=self.contact_first_name,
            contact_last_name=self.contact_last_name,
            contact_phone=self.contact_phone,
            city=self.city,
            address=self.address,
            postal_code=self.postal_code,
            domain_prefix=self.domain_prefix,
            partner_attestation=(
                self.partner_attestation._to_ffi() if self.partner_attestation else None
            ),
        )

    @staticmethod
    def _from_ffi(s: Any) -> AddCspService:
        return AddCspService(
            currency_code=s.currency_code,
            contact_email=s.contact_email,
            domain_prefix=s.domain_prefix,
            id=s.id,
            organization_number=s.organization_number,
            contact_first_name=s.contact_first_name,
            contact_last_name=s.contact_last_name,
            contact_phone=s.contact_phone,
            city=s.city,
            address=s.address,
            postal_code=s.postal_code,
            partner_attestation=(
                PartnerAttestation._from_ffi(s.partner_attestation)
                if s.partner_attestation is not None
                else None
            ),
        )


class FlowKind(str, enum.Enum):
    """How the acceptance was collected."""

    MANUAL = "manual"
    AUTOMATIC = "automatic"


@dataclass(frozen=True)
class AcceptanceEvidence:
    """Proof of customer acceptance, as observed by the SDK. ``to_json()`` gives the core's JSON."""

    flow: FlowKind
    organization_id: str
    attestation_id: Optional[str]
    signer: Signer
    language: Optional[str]
    country: Optional[str]
    template_id: Optional[str]
    acceptance_date: Optional[_dt.datetime]
    agreement_link: Optional[str]
    started_at: Optional[_dt.datetime]
    signed_at: Optional[_dt.datetime]
    finalized_at: Optional[_dt.datetime]
    confirmed_at: Optional[_dt.datetime]
    _raw: Any = field(default=None, compare=False, repr=False)

    def to_json(self) -> str:
        """Pretty JSON (camelCase members, RFC 3339 times), serialised by the core."""
        return str(_ffi.evidence_to_json(self._raw))

    @staticmethod
    def _from_ffi(s: Any) -> AcceptanceEvidence:
        return AcceptanceEvidence(
            flow=FlowKind[s.flow.name],
            organization_id=s.organization_id,
            attestation_id=s.attestation_id,
            signer=Signer._from_ffi(s.signer),
            language=s.language,
            country=s.country,
            template_id=s.template_id,
            acceptance_date=s.acceptance_date,
            agreement_link=s.agreement_link,
            started_at=s.started_at,
            signed_at=s.signed_at,
            finalized_at=s.finalized_at,
            confirmed_at=s.confirmed_at,
            _raw=s,
        )


@dataclass(frozen=True)
class CspServiceAdded:
    """Result of *Add CSP service*."""

    status: int
    body: str
    evidence: Optional[AcceptanceEvidence]

    @staticmethod
    def _from_ffi(s: Any) -> CspServiceAdded:
        return CspServiceAdded(
            s.status,
            s.body,
            AcceptanceEvidence._from_ffi(s.evidence) if s.evidence is not None else None,
        )


class WaitStatus(str, enum.Enum):
    """How waiting for the signer ended."""

    SIGNED = "signed"
    EXPIRED = "expired"


@dataclass(frozen=True)
class WaitOutcome:
    """Result of ``wait_for_signature``."""

    status: WaitStatus
    attestation: Attestation

    @staticmethod
    def _from_ffi(s: Any) -> WaitOutcome:
        return WaitOutcome(WaitStatus[s.status.name], Attestation._from_ffi(s.attestation))


class EnsureStatus(str, enum.Enum):
    """Where ``ensure_accepted`` ended."""

    ALREADY_ACCEPTED = "already_accepted"
    ACCEPTED = "accepted"
    FINALIZED = "finalized"
    PENDING = "pending"
    EXPIRED = "expired"


@dataclass(frozen=True)
class EnsureOutcome:
    """Result of ``ensure_accepted``."""

    status: EnsureStatus
    acceptance: Optional[Acceptance]
    attestation_id: Optional[str]
    agreement_link: Optional[str]
    evidence: Optional[AcceptanceEvidence]

    @staticmethod
    def _from_ffi(s: Any) -> EnsureOutcome:
        return EnsureOutcome(
            status=EnsureStatus[s.status.name],
            acceptance=Acceptance._from_ffi(s.acceptance) if s.acceptance is not None else None,
            attestation_id=s.attestation_id,
            agreement_link=s.agreement_link,
            evidence=AcceptanceEvidence._from_ffi(s.evidence) if s.evidence is not None else None,
        )


FlowEventType = Literal[
    "acceptance_checked",
    "attestation_started",
    "attestation_reused",
    "signed",
    "finalized",
    "confirmed",
]


@dataclass(frozen=True)
class FlowEvent:
    """Progress of a flow (no signer details). Members not used by ``type`` are ``None``."""

    type: FlowEventType
    accepted: Optional[bool] = None
    attestation_id: Optional[str] = None
    agreement_link: Optional[str] = None
    expires_at: Optional[_dt.datetime] = None
    status: Optional[AttestationStatus] = None
    accepted_via: Optional[List[str]] = None

    @staticmethod
    def _from_ffi(e: Any) -> FlowEvent:
        if e.is_acceptance_checked():
            return FlowEvent("acceptance_checked", accepted=e.accepted)
        if e.is_attestation_started():
            return FlowEvent(
                "attestation_started",
                attestation_id=e.attestation_id,
                agreement_link=e.agreement_link,
                expires_at=e.expires_at,
            )
        if e.is_attestation_reused():
            return FlowEvent(
                "attestation_reused",
                attestation_id=e.attestation_id,
                agreement_link=e.agreement_link,
                expires_at=e.expires_at,
                status=AttestationStatus._from_ffi(e.status),
            )
        if e.is_signed():
            return FlowEvent("signed", attestation_id=e.attestation_id)
        if e.is_finalized():
            return FlowEvent("finalized", attestation_id=e.attestation_id)
        return FlowEvent("confirmed", accepted_via=list(e.accepted_via))


@dataclass(frozen=True, repr=False)
class Credentials:
    """Password-grant credentials (the password and client secret are redacted in ``repr``)."""

    username: str
    password: str
    client_id: Optional[str] = None
    client_secret: Optional[str] = None
    client_auth: Literal["basic", "body"] = "basic"
    scope: Optional[str] = None

    def __repr__(self) -> str:
        secret = "'<redacted>'" if self.client_secret is not None else "None"
        return (
            f"Credentials(username={self.username!r}, password='<redacted>', "
            f"client_id={self.client_id!r}, client_secret={secret}, "
            f"client_auth={self.client_auth!r}, scope={self.scope!r})"
        )

    def _to_ffi(self) -> Any:
        return _ffi.Credentials(
            username=self.username,
            password=self.password,
            client_id=self.client_id,
            client_secret=self.client_secret,
            client_auth=_ffi.ClientAuth.BODY if self.client_auth == "body" else _ffi.ClientAuth.BASIC,
            scope=self.scope,
        )


@dataclass(frozen=True, repr=False)
class Token:
    """An access token (redacted in ``repr``)."""

    access_token: str
    token_type: str
    issued_at: _dt.datetime
    expires_at: _dt.datetime
    scope: Optional[str]

    def __repr__(self) -> str:
        return (
            f"Token(access_token='<redacted>', token_type={self.token_type!r}, "
            f"expires_at={self.expires_at!r}, scope={self.scope!r})"
        )

    @staticmethod
    def _from_ffi(s: Any) -> Token:
        return Token(s.access_token, s.token_type, s.issued_at, s.expires_at, s.scope)


@dataclass(frozen=True)
class Violation:
    """One violated rule: an RFC 6901 pointer (e.g. ``/signer/emailAddress``) and what is wrong."""

    pointer: str
    detail: str


Headers = List[Tuple[str, str]]
JsonDict = Dict[str, Any]
