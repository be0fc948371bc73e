"""ekte's XMP properties of an archival copy (dc:title, dc:identifier,
dc:date, pdf:Keywords, dc:source; dc:relation for a transfer note), from
the document and the profile alone — so that a worker can write them into
the PDF/A it saves and the archive can tell whether they are still the
ones to write (issue 12: the archive then writes no PDF a second time)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from ekte.model import Document
    from ekte.profile import Profile

#: where a worker leaves the properties it wrote into the archival copy (``doc.extra``)
WRITTEN = "xmp_written"


def values(doc: "Document", profile: "Profile", note: bytes | None = None) -> dict[str, object]:
    """The XMP properties ekte writes for *doc* (with the transfer *note* it embeds, if any)."""
    dtid = doc.doctype or profile.classify.default_doctype
    dtype = profile.doctypes.get(dtid)
    keywords = [dtid]
    if dtype and dtype.aktenplan:
        keywords.append(dtype.aktenplan)
    az = doc.fields.get("aktenzeichen")
    if az:
        keywords.append(az.value)
    out: dict[str, object] = {
        "dc:title": profile.doctype_title(dtid) or dtid,
        "dc:identifier": f"urn:ekte:{doc.id}",
        "dc:date": [dt.datetime.fromisoformat(doc.received).date().isoformat()],
        "pdf:Keywords": "; ".join(keywords),
        # the original this copy was made from (its identity)
        "dc:source": f"urn:sha256:{doc.sha256}",
    }
    if note is not None:
        from ekte import fsutil
        from ekte.evidence import resiscan

        out["dc:relation"] = [resiscan.XMP_RELATION, f"urn:sha256:{fsutil.sha256_bytes(note)}"]
    return out
