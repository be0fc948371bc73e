"""The body of ``POST /api/v1/documents`` read as it arrives (:mod:`ekte.serve.intake_api`): the ``file`` part
straight into the spool's :class:`~ekte.pipeline.spool.Upload` (hashed on the way, never held in memory),
``metadata`` into a small buffer; refused at once — 413 — past the size limit, past 64 KiB of metadata, past
:data:`MAX_PARTS` parts or an 8 KiB part header (fresh42 F4: a million empty parts were parsed for a minute)."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request
from ekte.pipeline.spool import Upload
from python_multipart.multipart import MultipartParser, parse_options_header

MAX_METADATA = 64 * 1024
SLACK = 256 * 1024  # multipart framing and the metadata part beyond the file's limit
MAX_PARTS = 16
MAX_HEADER = 8 * 1024


class Parts:
    """Callbacks of the streaming multipart parser: the ``file`` part goes
    straight into an :class:`Upload`, ``metadata`` into a small buffer."""

    def __init__(self, spool: Any, limit: int) -> None:
        self.spool, self.limit = spool, limit
        self.upload: Upload | None = None
        self.filename = self.ctype = ""
        self.metadata = bytearray()
        self.error: tuple[int, str] | None = None
        self._headers: dict[bytes, bytes] = {}
        self._field = self._value = b""
        self._target: str | None = None
        self.count = 0

    def callbacks(self) -> dict[str, Any]:
        return {"on_part_begin": self._begin, "on_header_field": self._hfield, "on_header_value": self._hvalue,
                "on_header_end": self._hend, "on_headers_finished": self._hdone, "on_part_data": self._data}

    def _begin(self) -> None:
        self._headers, self._target = {}, None
        self.count += 1
        if self.count > MAX_PARTS and self.error is None:  # only file and metadata mean something (fresh42 F4)
            self.error = (413, f"more than {MAX_PARTS} parts: send the part 'file' and at most 'metadata'")

    def _hfield(self, data: bytes, start: int, end: int) -> None:
        self._field += data[start:end]

    def _hvalue(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]
        if len(self._field) + len(self._value) > MAX_HEADER and self.error is None:
            self.error = (413, "a part's header is larger than 8 KiB")

    def _hend(self) -> None:
        self._headers[self._field.lower()] = self._value
        self._field = self._value = b""

    def _hdone(self) -> None:
        _disp, params = parse_options_header(self._headers.get(b"content-disposition", b""))
        name = params.get(b"name", b"").decode("utf-8", "replace")
        if name == "file":
            if self.upload is not None:
                self.error = (422, "one file per request")
                return
            self.upload = self.spool.upload()
            self.filename = params.get(b"filename", b"").decode("utf-8", "replace")
            self.ctype = parse_options_header(self._headers.get(b"content-type", b""))[0].decode("latin-1").lower()
        self._target = name

    def _data(self, data: bytes, start: int, end: int) -> None:
        if self.error is not None:
            return
        if self._target == "file" and self.upload is not None:
            self.upload.write(data[start:end])
            if self.upload.size > self.limit:
                self.error = (413, f"the document is larger than {self.limit // (1024 * 1024)} MB")
        elif self._target == "metadata":
            self.metadata += data[start:end]
            if len(self.metadata) > MAX_METADATA:
                self.error = (413, "the metadata part is larger than 64 KiB")


async def receive(request: Request, spool: Any, limit: int) -> Parts:
    ctype, params = parse_options_header(request.headers.get("content-type", ""))
    if ctype != b"multipart/form-data" or not params.get(b"boundary"):
        raise HTTPException(415, "send multipart/form-data with a part 'file'")
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit + SLACK:
        raise HTTPException(413, f"the document is larger than {limit // (1024 * 1024)} MB")
    parts = Parts(spool, limit)
    parser = MultipartParser(params[b"boundary"], parts.callbacks())
    try:
        async for chunk in request.stream():
            parser.write(chunk)
            if parts.error is not None:
                raise HTTPException(*parts.error)
        parser.finalize()
    except HTTPException:
        if parts.upload is not None:
            parts.upload.discard()
        raise
    except Exception as e:  # noqa: BLE001 - a malformed body (the parser's errors, a dropped connection), a full disk
        if parts.upload is not None:
            parts.upload.discard()
        raise _storage_refused(e) or HTTPException(400, "the multipart body cannot be read") from None
    return parts


def _storage_refused(e: BaseException) -> Any:
    from ekte.serve.intake_api import storage_refused

    return storage_refused(e)
