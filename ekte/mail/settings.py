"""``[intake.mail]`` of a profile: the IMAP account ekte polls, and how a
message becomes documents (also for ``.eml`` files dropped into an inbox)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator


class MailSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    # the account (empty host: no IMAP intake)
    host: str = ""
    port: int = Field(default=0, ge=0, le=65535, description="0 = 993 with ssl, else 143")
    security: str = Field(default="ssl", description="ssl (IMAPS), starttls, or plain (loopback only)")
    ca_file: str = Field(default="", description="CA certificates to trust instead of the system's (a private CA)")
    username: str = ""
    password: str = ""  # refused: secrets come from password_env / password_file
    password_env: str = ""
    password_file: str = ""
    folder: str = "INBOX"
    processed_folder: str = "ekte-processed"
    failed_folder: str = "ekte-failed"
    poll_seconds: float = Field(default=60, gt=0, description="how often ekte watch polls the folder")
    max_messages: int = Field(default=50, ge=1, description="messages taken per poll")
    max_message_mb: float = Field(default=50, gt=0)
    timeout: float = Field(default=60, gt=0, description="seconds for the server to answer")
    # how a message becomes documents (IMAP and .eml files alike)
    keep_message: bool = Field(default=True, description="keep the whole message (message.eml) beside the body")
    unpack_zip: bool = Field(default=True, description="ZIP attachments: each member its own document")
    inline_images: bool = Field(default=False, description="inline images of an HTML body as documents too")
    max_parts: int = Field(default=100, ge=1, description="documents one message may make at most")

    @field_validator("security")
    @classmethod
    def _security(cls, v: str) -> str:
        if v not in ("ssl", "starttls", "plain"):
            raise ValueError("must be 'ssl', 'starttls' or 'plain'")
        return v

    @property
    def configured(self) -> bool:
        return bool(self.host)

    @property
    def effective_port(self) -> int:
        return self.port or (993 if self.security == "ssl" else 143)
