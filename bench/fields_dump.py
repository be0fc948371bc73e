"""The fields an ekte tree extracts from a folder's documents, as JSON, for comparing with rules of
another commit (bench/tagger_lofo.py --rules-from)::

    PYTHONPATH=TREE python bench/fields_dump.py DIR OUT.json

Runs the ekte of PYTHONPATH (a ``git archive`` of an older commit, say) through ``ekte.api.analyze``
and writes ``{id: {"type": …, "fields": {name: [value, confidence, method]}}}``."""

import json
import sys
import tempfile
from pathlib import Path


def main() -> int:
    from ekte import api

    src, out = Path(sys.argv[1]), Path(sys.argv[2])
    with tempfile.TemporaryDirectory(prefix="ekte-dump-") as w:
        docs = api.analyze([src], workdir=w)
    res = {Path(d.source).stem: {"type": d.doctype, "fields": {k: [f.value, f.confidence, f.method]
                                                               for k, f in (d.fields or {}).items()}}
           for d in docs if not d.error}
    out.write_text(json.dumps(res, ensure_ascii=False, indent=1), "utf-8")
    print(f"{len(res)} documents", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
