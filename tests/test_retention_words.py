"""fresh38 F11: what ``retention delete`` names as kept, in the records manager's words (--json: English)."""

from __future__ import annotations

from ekte.cli_retention import kept_text
from ekte.serve.i18n import gettext_for

#: the kept entries as ekte.evidence.retention(_files) write them
ENGLISH = [
    "komxwork: /dms/in/a b.pdf (outside the working directory: the DMS's folder keeps its own)",
    "/srv/done/Weber_Hannah/x.pdf (outside the working directory)",
    "cmis: cmis:workspace://SpacesStore/1 (in the DMS: it keeps its own retention)",
    "xdomea: export/xdomea/p.zip (a package shared with 2 other document(s))",
    "folder: out/x (recorded relative to the folder ekte ran in, not found: look for its files there)",
    "models/landkreis.classifier.joblib: trained with this document (no words of it; its share of the weights "
    "stays until the next ekte train --from-reviews) — marked for retraining",
]


def test_every_kept_reason_is_said_in_german_with_its_path():
    de, en = gettext_for("de"), gettext_for("en")
    for kept in ENGLISH:
        path = kept.split(" (")[0].split(": trained")[0]
        german = kept_text(kept, de)
        assert german != kept and german.startswith(path) and "working directory" not in german, german
        assert not any(w in german for w in ("outside", "shared", "trained", "recorded", "keeps")), german
        assert kept_text(kept, en) == kept
    assert "mit 2 weiteren" in kept_text(ENGLISH[3], de)
    assert kept_text("something new", de) == "something new"
