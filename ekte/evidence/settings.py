"""Profile sections of the evidence features: ``[resiscan]`` (TR-RESISCAN
transfer notes), ``[seal]`` (PAdES seal of the archival PDF),
``[timestamp]`` (RFC 3161 time stamps) and ``[retention]``.

Keys and certificates are never written into a profile: the seal key comes
from ``key_file`` (a file only its owner can read) or ``key_env`` (an
environment variable holding the PEM text); the same goes for passwords."""

from __future__ import annotations

from typing import Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class ResiscanSettings(_Strict):
    #: write a transfer note (Transfervermerk) for every scanned document
    enabled: bool = True
    organisation: str = Field(default="", description="the authority (Behörde) that scans")
    scan_station: str = Field(default="", description="Scanstelle, e.g. 'Poststelle, Scanplatz 2'")
    operator_role: str = Field(default="", description="role of the scanning staff (never a person's name)")
    device: str = Field(default="", description="scanner make and model")
    #: resolution the process demands (dpi); scans below it are flagged in the note
    resolution_dpi: int = Field(default=300, ge=0, le=2400)
    colour_depth: str = Field(default="", description="as set on the scanner, e.g. '24 bit Farbe'")
    compression: str = Field(default="", description="as set on the scanner, e.g. 'JPEG, Qualität 90'")
    quality_check: str = Field(default="", description="the quality check done at the scan station")
    #: every Nth scan (on average; chosen by its SHA-256) is flagged for a visual comparison; 0 = none
    sample_every: int = Field(default=0, ge=0)
    #: Schutzbedarf of the documents (TR-RESISCAN: normal, hoch, sehr hoch)
    protection_need: str = "normal"
    #: where the process documentation (Verfahrensdokumentation) lives
    process_documentation: str = ""

    @field_validator("protection_need")
    @classmethod
    def _need(cls, v: str) -> str:
        if v not in ("normal", "hoch", "sehr hoch"):
            raise ValueError("must be 'normal', 'hoch' or 'sehr hoch'")
        return v


class SealSettings(_Strict):
    #: seal the archival PDF (PAdES) and metadata.json (detached CMS)
    enabled: bool = False
    cert_file: str = Field(default="", description="the seal certificate (PEM)")
    chain_file: str = Field(default="", description="intermediate and root certificates (PEM), embedded")
    key_file: str = Field(default="", description="the private key (PEM); must be readable by its owner only")
    key_env: str = Field(default="", description="environment variable holding the private key (PEM)")
    key_password_file: str = ""
    key_password_env: str = ""
    #: trust anchors for `ekte verify` (PEM); default: the last certificate of chain_file
    trust_file: str = ""
    reason: str = "Archivierung (ekte)"
    location: str = ""
    field_name: str = "ekte-siegel"


class TimestampSettings(_Strict):
    #: an RFC 3161 time-stamping authority (http or https); empty: no time stamps
    url: str = ""
    #: CA certificate(s) of the TSA (PEM), for `ekte verify`
    ca_file: str = ""
    username: str = ""
    password_env: str = ""
    password_file: str = ""
    timeout: float = Field(default=20, gt=0)
    #: True: a document whose time stamp fails is quarantined (and tried again by the
    #: next run); False: it is archived without one, with a warning
    required: bool = False

    @field_validator("url")
    @classmethod
    def _url(cls, v: str) -> str:
        if v and not v.startswith(("http://", "https://")):
            raise ValueError("an http:// or https:// URL")
        return v


class RetentionSettings(_Strict):
    #: "year_end": the period starts at the end of the year of the document's date
    #: (as German Aktenordnungen count it); "date": on the date itself
    starts: str = "year_end"
    #: years a quarantined document (a copy of an original that could not be taken in) is kept, from the
    #: day it was quarantined; unset: the profile's shortest retention period of any document type
    quarantine_years: Optional[int] = Field(default=None, ge=1)

    @field_validator("starts")
    @classmethod
    def _starts(cls, v: str) -> str:
        if v not in ("year_end", "date"):
            raise ValueError("must be 'year_end' or 'date'")
        return v
